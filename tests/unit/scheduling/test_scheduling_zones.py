"""Specification of time-zone lookup, wall-clock localisation and local day bounds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.scheduling.zones import as_utc, day_bounds, get_zone, localize


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Europe/Paris", "Europe/Paris"),
        ("  America/New_York ", "America/New_York"),
        ("europe/paris", "Europe/Paris"),  # wrong case still finds the one zone meant
        ("UTC", "UTC"),
        ("Asia/Kolkata", "Asia/Kolkata"),
    ],
)
def test_get_zone_accepts_iana_names(name: str, key: str) -> None:
    assert get_zone(name).key == key


@pytest.mark.parametrize(
    "name",
    [
        "",
        "   ",
        "Mars/Olympus_Mons",
        "../../etc/passwd",
        "/etc/localtime",
        "Europe/",
        "Europe",
        "EST+5\x00",
    ],
)
def test_get_zone_rejects_unknown_names_with_a_hint(name: str) -> None:
    with pytest.raises(
        InvalidInputError, match=r"unknown time zone .*use an IANA name such as Europe/Paris"
    ):
        get_zone(name)


@pytest.mark.parametrize(
    ("wall", "zone", "expected_utc", "shown_as"),
    [
        # An ordinary winter and summer time.
        (datetime(2026, 1, 15, 9), "America/New_York", datetime(2026, 1, 15, 14), "09:00-05:00"),
        (datetime(2026, 7, 15, 9), "America/New_York", datetime(2026, 7, 15, 13), "09:00-04:00"),
        # Spring-forward gap: 02:30 does not exist, read with the old offset -> 03:30 EDT.
        (
            datetime(2026, 3, 8, 2, 30),
            "America/New_York",
            datetime(2026, 3, 8, 7, 30),
            "03:30-04:00",
        ),
        # Fall-back repeat: 01:30 happens twice, fold=0 takes the first (EDT).
        (
            datetime(2026, 11, 1, 1, 30),
            "America/New_York",
            datetime(2026, 11, 1, 5, 30),
            "01:30-04:00",
        ),
        # Half-hour offsets and a half-hour DST step.
        (datetime(2026, 6, 1, 9), "Asia/Kolkata", datetime(2026, 6, 1, 3, 30), "09:00+05:30"),
        (
            datetime(2026, 10, 4, 2, 15),
            "Australia/Lord_Howe",
            datetime(2026, 10, 3, 15, 45),
            "02:45+11:00",
        ),
    ],
)
def test_localize_follows_pep_495_fold_0(
    wall: datetime, zone: str, expected_utc: datetime, shown_as: str
) -> None:
    aware = localize(wall, zone)
    assert aware.astimezone(UTC) == expected_utc.replace(tzinfo=UTC)
    assert aware.isoformat()[11:16] + aware.isoformat()[-6:] == shown_as
    # Normalised: the value is exactly what the UTC instant looks like in the zone.
    assert aware == aware.astimezone(UTC).astimezone(ZoneInfo(zone))
    assert aware.replace(tzinfo=None) == aware.astimezone(UTC).astimezone(ZoneInfo(zone)).replace(
        tzinfo=None
    )


def test_localize_accepts_a_zoneinfo_and_refuses_aware_input() -> None:
    zone = ZoneInfo("Europe/Paris")
    assert localize(datetime(2026, 5, 1, 12), zone).utcoffset() == timedelta(hours=2)
    with pytest.raises(ValueError, match="naive"):
        localize(datetime(2026, 5, 1, 12, tzinfo=UTC), zone)


def test_as_utc_requires_an_aware_value() -> None:
    assert as_utc(datetime(2026, 5, 1, 12, tzinfo=ZoneInfo("Europe/Paris"))) == datetime(
        2026, 5, 1, 10, tzinfo=UTC
    )
    with pytest.raises(ValueError, match="aware"):
        as_utc(datetime(2026, 5, 1, 12))


@pytest.mark.parametrize(
    ("day", "zone", "start_utc", "hours", "first_wall_time"),
    [
        (date(2026, 1, 15), "UTC", datetime(2026, 1, 15), 24, "00:00"),
        (date(2026, 3, 8), "America/New_York", datetime(2026, 3, 8, 5), 23, "00:00"),
        (date(2026, 11, 1), "America/New_York", datetime(2026, 11, 1, 4), 25, "00:00"),
        # Santiago: on 2026-09-06 midnight does not exist (00:00 -> 01:00); the day starts at 01:00.
        (date(2026, 9, 6), "America/Santiago", datetime(2026, 9, 6, 4), 23, "01:00"),
        # Santiago: on 2026-04-04 the hour 23:00-24:00 happens twice: the Saturday lasts 25 hours.
        (date(2026, 4, 4), "America/Santiago", datetime(2026, 4, 4, 3), 25, "00:00"),
        (date(2026, 4, 5), "America/Santiago", datetime(2026, 4, 5, 4), 24, "00:00"),
        # Havana: spring forward at midnight (day starts 01:00), fall back at 01:00 to 00:00.
        (date(2026, 3, 8), "America/Havana", datetime(2026, 3, 8, 5), 23, "01:00"),
        (date(2026, 11, 1), "America/Havana", datetime(2026, 11, 1, 4), 25, "00:00"),
        # Samoa skipped 30 December 2011 entirely: that day has no length at all.
        (date(2011, 12, 30), "Pacific/Apia", datetime(2011, 12, 30, 10), 0, "00:00"),
    ],
)
def test_day_bounds(
    day: date, zone: str, start_utc: datetime, hours: int, first_wall_time: str
) -> None:
    start, end = day_bounds(day, zone)
    assert start == start_utc.replace(tzinfo=UTC)
    assert start.tzinfo is UTC and end.tzinfo is UTC
    assert end - start == timedelta(hours=hours)
    assert start.astimezone(ZoneInfo(zone)).strftime("%H:%M") == first_wall_time
    # The next day starts where this one ends; the instant before belongs to the day before.
    assert day_bounds(day + timedelta(days=1), zone)[0] == end
    assert (start - timedelta(seconds=1)).astimezone(ZoneInfo(zone)).date() < day
