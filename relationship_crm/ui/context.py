"""What every panel and dialog needs, built once by the composition root and passed down."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from relationship_crm.ui.clock import Clock, system_clock
from relationship_crm.ui.events import AppEvents
from relationship_crm.ui.runner import TaskRunner


@dataclass
class UiContext:
    """The runner (database work), the change events, the clock and the rep's time zone.

    No globals: `app.main` builds one of these and hands it to the window, which hands it on.
    `zone` is the IANA zone dates are typed and shown in (the `timezone` setting or the system's).
    """

    runner: TaskRunner
    events: AppEvents
    zone: str
    clock: Clock = field(default=system_clock)

    def now(self) -> datetime:
        """Now, as an aware datetime in the rep's zone."""
        return self.clock().astimezone(ZoneInfo(self.zone))

    def today(self) -> date:
        return self.now().date()
