"""Quick picks, keyed by QuickPick: always a real wall time in the zone, and in the future."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relationship_crm.scheduling.quick_picks import MORNING, QuickPick, quick_pick
from relationship_crm.scheduling.reminders import snooze_choices
from relationship_crm.scheduling.zones import day_bounds, localize

ZONES = [
    "America/New_York",
    "Europe/London",
    "Europe/Paris",
    "Australia/Lord_Howe",  # half-hour DST
    "America/Santiago",  # DST changes at midnight
    "America/Havana",  # DST changes at midnight
    "Pacific/Chatham",
    "Pacific/Apia",  # skipped 30 Dec 2011
    "Asia/Kolkata",
    "UTC",
]
# Days when the clocks change in some of ZONES (spring forward and fall back).
DST_DAYS = [
    date(2026, 3, 8),
    date(2026, 11, 1),
    date(2026, 3, 29),
    date(2026, 10, 25),
    date(2026, 4, 5),
    date(2026, 10, 4),
    date(2026, 9, 6),
    date(2025, 3, 9),
    date(2011, 12, 29),
    date(2011, 12, 31),
]

zones = st.sampled_from(ZONES)
any_instant = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31), timezones=st.just(UTC)
)


@st.composite
def on_dst_days(draw: st.DrawFn) -> datetime:
    """An instant on (or the day before) a clock change, at any minute of the day."""
    day = draw(st.sampled_from(DST_DAYS)) - timedelta(days=draw(st.integers(0, 1)))
    minute = draw(st.integers(0, 24 * 60 - 1))
    return datetime.combine(day, time(), tzinfo=UTC) + timedelta(minutes=minute)


instants = st.one_of(any_instant, on_dst_days())


def is_real_wall_time(moment: datetime, zone: ZoneInfo) -> bool:
    """The wall clock shown exists in `zone` and means this very instant."""
    return localize(moment.replace(tzinfo=None), zone) == moment and moment.tzinfo is zone


@settings(max_examples=400, deadline=None, derandomize=True)
@given(now=instants, zone_name=zones, pick=st.sampled_from(list(QuickPick)))
def test_a_pick_is_a_real_wall_time_in_the_zone_in_the_future(now, zone_name, pick) -> None:
    zone = ZoneInfo(zone_name)
    found = quick_pick(pick, now=now, tz=zone_name)
    assert found.tzinfo is not None and found.utcoffset() is not None
    assert found.astimezone(zone) == found and found.tzinfo == zone
    assert is_real_wall_time(found.astimezone(zone), zone)
    assert found > now


@settings(max_examples=300, deadline=None, derandomize=True)
@given(now=instants, zone_name=zones)
def test_the_morning_picks_fall_on_their_day(now, zone_name) -> None:
    zone = ZoneInfo(zone_name)
    today = now.astimezone(zone).date()
    tomorrow = quick_pick(QuickPick.TOMORROW_MORNING, now=now, tz=zone)
    monday = quick_pick(QuickPick.NEXT_MONDAY_MORNING, now=now, tz=zone)
    fortnight = quick_pick(QuickPick.IN_TWO_WEEKS, now=now, tz=zone)
    for found, day in (
        (tomorrow, today + timedelta(days=1)),
        (fortnight, today + timedelta(days=14)),
    ):
        # 09:00 on that day, or the real time just after it when the day skips 09:00 (or itself).
        assert found == localize(datetime.combine(day, MORNING), zone)
        assert found >= day_bounds(day, zone)[0]
    days_to_monday = (7 - today.weekday()) % 7 or 7  # on a Monday: a week on, never today
    next_monday = today + timedelta(days=days_to_monday)
    assert next_monday.weekday() == 0 and 1 <= days_to_monday <= 7
    assert monday == localize(datetime.combine(next_monday, MORNING), zone)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(now=instants, zone_name=zones)
def test_the_real_time_picks(now, zone_name) -> None:
    zone = ZoneInfo(zone_name)
    assert quick_pick(QuickPick.ONE_HOUR, now=now, tz=zone) - now == timedelta(hours=1)
    week = quick_pick(QuickPick.NEXT_WEEK, now=now, tz=zone)
    wall = now.astimezone(zone).replace(tzinfo=None)
    assert week == localize(wall + timedelta(days=7), zone)


@pytest.mark.parametrize(
    "now, zone, pick, expected",
    [
        # Monday 23 Nov 2026, 14:00 in New York (the UI tests' clock).
        ("2026-11-23 19:00", "America/New_York", QuickPick.TOMORROW_MORNING, "2026-11-24 09:00"),
        ("2026-11-23 19:00", "America/New_York", QuickPick.NEXT_MONDAY_MORNING, "2026-11-30 09:00"),
        ("2026-11-23 19:00", "America/New_York", QuickPick.IN_TWO_WEEKS, "2026-12-07 09:00"),
        # Late on Saturday in UTC is already Sunday in Auckland: tomorrow there is Monday.
        ("2026-11-21 23:30", "Pacific/Auckland", QuickPick.TOMORROW_MORNING, "2026-11-23 09:00"),
        # The Saturday before New York springs forward: next week keeps the wall clock.
        ("2026-03-07 07:30", "America/New_York", QuickPick.NEXT_WEEK, "2026-03-14 02:30"),
    ],
)
def test_examples(now: str, zone: str, pick: QuickPick, expected: str) -> None:
    moment = datetime.strptime(now, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
    found = quick_pick(pick, now=moment, tz=zone)
    assert found.strftime("%Y-%m-%d %H:%M") == expected
    assert found.tzinfo == ZoneInfo(zone)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(now=instants, zone_name=zones)
def test_the_snooze_presets_are_quick_picks(now, zone_name) -> None:
    assert snooze_choices(now, zone_name) == {
        "1 hour": quick_pick(QuickPick.ONE_HOUR, now=now, tz=zone_name),
        "tomorrow 09:00": quick_pick(QuickPick.TOMORROW_MORNING, now=now, tz=zone_name),
        "next Monday 09:00": quick_pick(QuickPick.NEXT_MONDAY_MORNING, now=now, tz=zone_name),
        "next week": quick_pick(QuickPick.NEXT_WEEK, now=now, tz=zone_name),
    }
