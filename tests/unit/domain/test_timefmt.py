"""Locale-free date and time text: fixed English forms, equal to strftime under the C locale."""

from __future__ import annotations

import locale
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relationship_crm.domain import timefmt

NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")
SAO_PAULO = ZoneInfo("America/Sao_Paulo")

MON = datetime(2026, 3, 2, 9, 5, tzinfo=NEW_YORK)  # a Monday, EST
SUN_SUMMER = datetime(2026, 7, 5, 23, 59, tzinfo=NEW_YORK)  # a Sunday, EDT


@pytest.mark.parametrize(
    "function, value, text",
    [
        (timefmt.iso_day, date(2026, 3, 2), "2026-03-02"),
        (timefmt.iso_day, MON, "2026-03-02"),
        (timefmt.iso_day, date(999, 1, 2), "999-01-02"),  # like glibc's %Y: no padding
        (timefmt.clock, MON, "09:05"),
        (timefmt.clock, time(0, 0), "00:00"),
        (timefmt.clock, SUN_SUMMER, "23:59"),
        (timefmt.long_day, date(2026, 3, 2), "Mon 02 Mar 2026"),
        (timefmt.long_day, date(2025, 12, 31), "Wed 31 Dec 2025"),
        (timefmt.short_moment, MON, "Mon 02 Mar 09:05"),
        (timefmt.long_moment, MON, "Mon 02 Mar 2026 09:05 EST"),
        (timefmt.long_moment, SUN_SUMMER, "Sun 05 Jul 2026 23:59 EDT"),
        (
            timefmt.long_moment,
            datetime(2026, 1, 1, 8, tzinfo=SAO_PAULO),
            "Thu 01 Jan 2026 08:00 -03",
        ),
        (timefmt.long_moment, datetime(2026, 1, 1, 8), "Thu 01 Jan 2026 08:00 "),  # naive
        (timefmt.numeric_moment, MON, "2026-03-02 09:05 EST"),
        (timefmt.numeric_moment, datetime(2026, 6, 1, 12, tzinfo=KOLKATA), "2026-06-01 12:00 IST"),
        (timefmt.numeric_moment, datetime(2026, 6, 1, 12, tzinfo=UTC), "2026-06-01 12:00 UTC"),
    ],
)
def test_cli_forms(function, value, text):
    assert function(value) == text


@pytest.mark.parametrize(
    "day, year, text",
    [
        (date(2025, 11, 23), False, "Sun 23 Nov"),
        (date(2025, 11, 23), True, "23 Nov 2025"),
        (datetime(2026, 2, 9, 17, 30), False, "Mon 09 Feb"),
        (datetime(2026, 2, 9, 17, 30), True, "09 Feb 2026"),
    ],
)
def test_short_day_is_the_agenda_day(day, year, text):
    assert timefmt.short_day(day, year=year) == text


@pytest.mark.parametrize(
    "moment, year, text",
    [
        (datetime(2025, 11, 24, 9, 0), False, "Mon 24 Nov 09:00"),
        (datetime(2025, 11, 24, 9, 0), True, "24 Nov 2025 09:00"),
    ],
)
def test_short_moment(moment, year, text):
    assert timefmt.short_moment(moment, year=year) == text


@pytest.mark.parametrize(
    "day, today, text",
    [
        (date(2025, 11, 20), date(2025, 1, 1), "Thu 20 Nov"),
        (date(2025, 11, 20), date(2026, 1, 1), "Thu 20 Nov 2025"),
        (date(2025, 11, 20), None, "Thu 20 Nov 2025"),
        (date(2024, 2, 29), date(2024, 12, 31), "Thu 29 Feb"),
    ],
)
def test_weekday_date_shows_the_year_only_outside_todays(day, today, text):
    assert timefmt.weekday_date(day, today=today) == text


def test_names_cover_the_week_and_the_year():
    monday = date(2024, 1, 1)
    assert [timefmt.weekday_name(monday + timedelta(days=n)) for n in range(7)] == [
        "Mon",
        "Tue",
        "Wed",
        "Thu",
        "Fri",
        "Sat",
        "Sun",
    ]
    assert [timefmt.month_name(date(2024, m, 1)) for m in range(1, 13)] == list(timefmt.MONTH_NAMES)


@contextmanager
def time_locale(name: str) -> Iterator[None]:
    """LC_TIME set to `name` for the block, restored afterwards."""
    saved = locale.setlocale(locale.LC_TIME)
    locale.setlocale(locale.LC_TIME, name)
    try:
        yield
    finally:
        locale.setlocale(locale.LC_TIME, saved)


ZONES = [None, UTC, timezone(timedelta(hours=5, minutes=30)), NEW_YORK, KOLKATA, SAO_PAULO]
# From year 1000: below it, strftime's %Y padding differs between C libraries.
moments = st.builds(
    lambda naive, zone: naive.replace(tzinfo=zone),
    st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 30)),
    st.sampled_from(ZONES),
)

STRFTIME_FORMS = [
    (timefmt.iso_day, "%Y-%m-%d"),
    (timefmt.clock, "%H:%M"),
    (timefmt.long_day, "%a %d %b %Y"),
    (timefmt.short_moment, "%a %d %b %H:%M"),
    (timefmt.long_moment, "%a %d %b %Y %H:%M %Z"),
    (timefmt.numeric_moment, "%Y-%m-%d %H:%M %Z"),
    (timefmt.long_local_moment, "%a %d %b %Y %H:%M"),
    (timefmt.day_month, "%d %b"),
    (timefmt.weekday_name, "%a"),
    (timefmt.month_name, "%b"),
    (timefmt.zone_name, "%Z"),
]


@given(moment=moments)
def test_every_form_equals_strftime_under_the_c_locale(moment):
    with time_locale("C"):
        for function, pattern in STRFTIME_FORMS:
            assert function(moment) == moment.strftime(pattern), pattern
        assert timefmt.short_day(moment) == moment.strftime("%a %d %b")
        assert timefmt.short_day(moment, year=True) == moment.strftime("%d %b %Y")
        assert timefmt.weekday_date(moment.date()) == moment.strftime("%a %d %b %Y")
        assert timefmt.day_month(moment, year=True) == moment.strftime("%d %b %Y")


@pytest.mark.parametrize("name", ["de_DE.UTF-8", "fr_FR.UTF-8"])
def test_another_locale_changes_strftime_but_not_these(name):
    saved = locale.setlocale(locale.LC_TIME)
    try:
        locale.setlocale(locale.LC_TIME, name)
    except locale.Error:
        pytest.skip(f"locale {name} is not installed")
    try:
        assert MON.strftime("%a %b") != "Mon Mar"
        assert timefmt.long_moment(MON) == "Mon 02 Mar 2026 09:05 EST"
        assert timefmt.short_day(MON) == "Mon 02 Mar"
    finally:
        locale.setlocale(locale.LC_TIME, saved)
