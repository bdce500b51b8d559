"""Skipped and repeated wall times are classified and named, never shifted in silence (issue 13)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from relationship_crm.scheduling.zones import WallKind, classify, localize, wall_time_note

NY = "America/New_York"


def test_gap_names_the_instant_saved():
    assert wall_time_note(datetime(2026, 3, 8, 2, 30), NY) == (
        "02:30 does not exist on 2026-03-08 in America/New_York (clocks go forward); "
        "saved as 03:30 EDT (UTC-4)"
    )


def test_fold_names_the_first_instant():
    assert wall_time_note(datetime(2026, 11, 1, 1, 30), NY) == (
        "01:30 happens twice on 2026-11-01 in America/New_York (clocks go back); "
        "saved as the first, 01:30 EDT (UTC-4)"
    )
    found = classify(datetime(2026, 11, 1, 1, 30), NY)
    assert found.kind is WallKind.FOLD
    assert found.chosen.astimezone(UTC) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_ordinary_times_have_no_note():
    assert wall_time_note(datetime(2026, 3, 8, 3, 30), NY) is None
    assert wall_time_note(datetime(2026, 11, 1, 2, 30), NY) is None
    assert classify(datetime(2026, 7, 1, 9, 0), "Asia/Kolkata").kind is WallKind.OK


def test_half_hour_offsets_are_written_with_minutes():
    # Lord Howe moves by 30 minutes: 02:15 does not exist on its spring-forward day.
    note = wall_time_note(datetime(2026, 10, 4, 2, 15), "Australia/Lord_Howe")
    assert note is not None and "(UTC+11)" in note and "does not exist" in note


def _instants(wall: datetime, zone: ZoneInfo) -> set[datetime]:
    """Every UTC instant whose wall clock in `zone` is `wall` (an oracle independent of fold)."""
    found = set()
    for fold in (0, 1):
        offset = wall.replace(tzinfo=zone, fold=fold).utcoffset()
        assert offset is not None
        instant = (wall - offset).replace(tzinfo=UTC)
        if instant.astimezone(zone).replace(tzinfo=None) == wall:
            found.add(instant)
    return found


ZONES = st.sampled_from(
    [
        "America/New_York",
        "Europe/London",
        "Europe/Paris",
        "Australia/Sydney",
        "Australia/Lord_Howe",
        "America/Santiago",
        "America/Havana",
        "Asia/Tokyo",
        "Africa/Casablanca",
        "Pacific/Apia",
        "UTC",
    ]
)


@cache
def _changes(zone_name: str) -> tuple[datetime, ...]:
    """Naive wall times just before each offset change of the zone in 2015-2035."""
    zone = ZoneInfo(zone_name)
    found = []
    moment = datetime(2015, 1, 1, tzinfo=UTC)
    while moment.year < 2036:
        step = moment + timedelta(hours=6)
        if moment.astimezone(zone).utcoffset() != step.astimezone(zone).utcoffset():
            lo, hi = moment, step
            while hi - lo > timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                if mid.astimezone(zone).utcoffset() == lo.astimezone(zone).utcoffset():
                    lo = mid
                else:
                    hi = mid
            found.append(lo.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0))
        moment = step
    return tuple(found)


@settings(max_examples=300, deadline=None)
@given(
    zone_name=ZONES,
    day=st.dates(min_value=datetime(2015, 1, 1).date(), max_value=datetime(2035, 12, 31).date()),
    minute=st.integers(0, 24 * 60 - 1),
    pick=st.integers(0, 10_000),
    shift=st.integers(-120, 120),
    near_change=st.booleans(),
)
def test_note_appears_exactly_for_gaps_and_folds(zone_name, day, minute, pick, shift, near_change):
    zone = ZoneInfo(zone_name)
    wall = datetime.combine(day, datetime.min.time()) + timedelta(minutes=minute)
    changes = _changes(zone_name)
    if near_change and changes:
        # Most examples sit within two hours of a real change, where gaps and folds are.
        wall = changes[pick % len(changes)] + timedelta(minutes=shift)
    count = len(_instants(wall, zone))
    note = wall_time_note(wall, zone)
    assert (note is not None) == (count != 1)
    assert (classify(wall, zone).kind is WallKind.OK) == (count == 1)
    if count == 0:
        assert note is not None and "does not exist" in note
    if count == 2:
        assert note is not None and "happens twice" in note
        assert localize(wall, zone).astimezone(UTC) == min(_instants(wall, zone))
