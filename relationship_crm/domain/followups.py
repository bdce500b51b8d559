"""What the scheduling module needs to know about a follow-up, and what it answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class FollowUpSpec:
    """One open follow-up as the scheduler sees it (copied out of the database, no ORM object).

    `due_local` is the naive wall-clock time the rep typed, in the IANA zone `tz`; keeping the wall
    clock (not only the instant) is what keeps a weekly 09:00 at 09:00 across a DST change.
    `anchor_local` is the first occurrence of a recurring series (the RRULE's DTSTART); it
    defaults to `due_local`. `snoozed_until` is an aware instant that replaces the due moment
    while it is set.
    """

    id: int
    contact_id: int
    contact_name: str
    due_local: datetime
    tz: str
    note: str = ""
    rrule: str | None = None
    anchor_local: datetime | None = None
    snoozed_until: datetime | None = None
    meeting_id: int | None = None


class Bucket(StrEnum):
    """Where a reminder falls relative to the day asked about."""

    OVERDUE = "overdue"
    TODAY = "today"
    UPCOMING = "upcoming"


@dataclass(frozen=True, slots=True)
class Reminder:
    """A follow-up on the agenda: `due` is the effective moment (snooze applied), zone shown."""

    spec: FollowUpSpec
    due: datetime
    bucket: Bucket

    @property
    def overdue(self) -> bool:
        return self.bucket is Bucket.OVERDUE

    @property
    def snoozed(self) -> bool:
        return self.spec.snoozed_until is not None


@dataclass(frozen=True, slots=True)
class Agenda:
    """What needs the rep on a day: each list sorted by moment, then contact name, then id."""

    overdue: tuple[Reminder, ...]
    today: tuple[Reminder, ...]
    upcoming: tuple[Reminder, ...]
    # Open follow-ups left out because a stored time or zone could not be read (ids, sorted).
    skipped: tuple[int, ...] = ()
