"""Date-time boxes that show and return the wall clock the rep typed, untouched by the OS zone."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QTime, QTimeZone
from PySide6.QtWidgets import QDateTimeEdit, QWidget

DATE_TIME_FORMAT = "yyyy-MM-dd HH:mm"


def set_wall_clock(edit: QDateTimeEdit, wall: datetime) -> None:
    """Show the naive wall clock `wall` in `edit` exactly as given.

    The edit works in UTC, which has no DST gaps, so the machine's own zone never shifts a time;
    `wall_clock` reads it back as a wall clock in the rep's zone.
    """
    edit.setTimeZone(QTimeZone.utc())
    edit.setDateTime(
        QDateTime(
            QDate(wall.year, wall.month, wall.day), QTime(wall.hour, wall.minute), QTimeZone.utc()
        )
    )


def wall_clock(edit: QDateTimeEdit) -> datetime:
    """The naive wall-clock time shown in `edit` (see `set_wall_clock`)."""
    day, clock = edit.date(), edit.time()
    return datetime(day.year(), day.month(), day.day(), clock.hour(), clock.minute())


class WallClockEdit(QDateTimeEdit):
    """A date-time box where Tab leaves the widget instead of stepping through its sections.

    Logging is mostly "now, as suggested": one Tab should reach the next field. Left/Right still
    move between the year, month, day, hour and minute sections, Up/Down change them.
    """

    def focusNextPrevChild(self, forward: bool) -> bool:
        return QWidget.focusNextPrevChild(self, forward)
