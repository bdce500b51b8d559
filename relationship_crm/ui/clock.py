"""The app's notion of "now", injectable so tests fix the time (time is an argument)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current aware instant in UTC."""
    return datetime.now(UTC)
