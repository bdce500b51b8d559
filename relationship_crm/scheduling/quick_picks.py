"""Quick picks for a due or snooze time ("Tomorrow 09:00", "In 2 weeks"), each a named value."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from dateutil.relativedelta import MO, relativedelta

from relationship_crm.scheduling.zones import as_utc, get_zone, localize

__all__ = ["MORNING", "QuickPick", "quick_pick"]

#: The wall-clock time of the morning picks.
MORNING = time(9, 0)


class QuickPick(Enum):
    """A preset moment, counted from now in the rep's (or the follow-up's) zone."""

    ONE_HOUR = "one_hour"  # an hour of real time from now
    TOMORROW_MORNING = "tomorrow_morning"  # tomorrow 09:00
    NEXT_MONDAY_MORNING = "next_monday_morning"  # the Monday after today (never today), 09:00
    NEXT_WEEK = "next_week"  # the same wall-clock time seven days on
    IN_TWO_WEEKS = "in_two_weeks"  # 09:00 fourteen days after today


def quick_pick(pick: QuickPick, *, now: datetime, tz: str | ZoneInfo) -> datetime:
    """The moment `pick` means at the aware `now`, as an aware datetime in zone `tz`.

    Wall-clock picks are read in `tz` like any typed time (`zones.localize`): a time the clocks
    skip comes out as the real time just after the change, so the result is always a real wall
    time in `tz`, and always after `now`.
    """
    zone = tz if isinstance(tz, ZoneInfo) else get_zone(tz)
    current = as_utc(now)
    if pick is QuickPick.ONE_HOUR:
        # Added in UTC: aware arithmetic in a ZoneInfo zone would add wall-clock time instead.
        return (current + timedelta(hours=1)).astimezone(zone)
    wall = current.astimezone(zone).replace(tzinfo=None)
    today = wall.date()
    if pick is QuickPick.NEXT_WEEK:
        return localize(wall + relativedelta(weeks=+1), zone)
    if pick is QuickPick.TOMORROW_MORNING:
        day = today + timedelta(days=1)
    elif pick is QuickPick.NEXT_MONDAY_MORNING:
        # days=+1 first, so that on a Monday "next Monday" is a week away rather than today.
        day = today + relativedelta(days=+1, weekday=MO(+1))
    else:
        day = today + timedelta(days=14)
    return localize(datetime.combine(day, MORNING), zone)
