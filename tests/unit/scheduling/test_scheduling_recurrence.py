"""Specification of cadences: what a rep may type, how it reads back, how series step."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.scheduling.recurrence import describe, next_occurrence, parse_cadence
from relationship_crm.scheduling.zones import localize

# A plain Wednesday morning: no month-end or leap-day care applies.
WEDNESDAY = datetime(2026, 1, 14, 9, 0)


def series(rule: str, anchor: datetime, n: int, *, tz: str | None = None) -> list[datetime | None]:
    """The first `n` occurrences after the anchor via next_occurrence (None once ended)."""
    out: list[datetime | None] = []
    after: datetime | None = anchor
    for _ in range(n):
        after = (
            None
            if after is None
            else next_occurrence(rule, anchor_local=anchor, after_local=after, tz=tz)
        )
        out.append(after)
    return out


# ------------------------------------------------------------ parse_cadence: words


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("2 weeks", "FREQ=WEEKLY;INTERVAL=2"),
        ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2"),
        ("  Every   2   Weeks  ", "FREQ=WEEKLY;INTERVAL=2"),
        ("3 months", "FREQ=MONTHLY;INTERVAL=3"),
        ("1 month", "FREQ=MONTHLY"),
        ("a month", "FREQ=MONTHLY"),
        ("once a month", "FREQ=MONTHLY"),
        ("week", "FREQ=WEEKLY"),
        ("weekly", "FREQ=WEEKLY"),
        ("WEEKLY", "FREQ=WEEKLY"),
        ("daily", "FREQ=DAILY"),
        ("every day", "FREQ=DAILY"),
        ("monthly", "FREQ=MONTHLY"),
        ("quarterly", "FREQ=MONTHLY;INTERVAL=3"),
        ("every quarter", "FREQ=MONTHLY;INTERVAL=3"),
        ("yearly", "FREQ=YEARLY"),
        ("annually", "FREQ=YEARLY"),
        ("every year", "FREQ=YEARLY"),
        ("biweekly", "FREQ=WEEKLY;INTERVAL=2"),
        ("fortnightly", "FREQ=WEEKLY;INTERVAL=2"),
        ("every other week", "FREQ=WEEKLY;INTERVAL=2"),
        ("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("every Monday", "FREQ=WEEKLY;BYDAY=MO"),
        ("every monday and thursday", "FREQ=WEEKLY;BYDAY=MO,TH"),
        ("every thursday & monday", "FREQ=WEEKLY;BYDAY=MO,TH"),
        ("every mon, wed", "FREQ=WEEKLY;BYDAY=MO,WE"),
        ("Fridays", "FREQ=WEEKLY;BYDAY=FR"),
        ("every other Monday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
        ("every 2 weeks on tue and fri", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,FR"),
        ("every 2 days", "FREQ=DAILY;INTERVAL=2"),
        ("6 weeks", "FREQ=WEEKLY;INTERVAL=6"),
        ("every 10 days", "FREQ=DAILY;INTERVAL=10"),
        ("two years", "FREQ=YEARLY;INTERVAL=2"),
    ],
)
def test_words_become_rrules(typed: str, rule: str) -> None:
    assert parse_cadence(typed, start_local=WEDNESDAY) == rule


@pytest.mark.parametrize(
    ("typed", "start", "rule"),
    [
        # Starts on the 29th-31st: take the last day of short months rather than skipping them.
        ("monthly", datetime(2026, 1, 31, 9), "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1"),
        ("monthly", datetime(2026, 1, 29, 9), "FREQ=MONTHLY;BYMONTHDAY=28,29;BYSETPOS=-1"),
        (
            "3 months",
            datetime(2026, 11, 30, 9),
            "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=28,29,30;BYSETPOS=-1",
        ),
        (
            "quarterly",
            datetime(2026, 8, 31, 9),
            "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=28,29,30,31;BYSETPOS=-1",
        ),
        ("monthly", datetime(2026, 1, 28, 9), "FREQ=MONTHLY"),  # every month has a 28th
        # Feb 29: Feb 28 in common years.
        ("yearly", datetime(2028, 2, 29, 9), "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1"),
        (
            "every 2 years",
            datetime(2028, 2, 29, 9),
            "FREQ=YEARLY;INTERVAL=2;BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1",
        ),
        ("yearly", datetime(2028, 3, 31, 9), "FREQ=YEARLY"),
        # Weekly and daily cadences never need this care.
        ("weekly", datetime(2026, 1, 31, 9), "FREQ=WEEKLY"),
    ],
)
def test_word_cadences_from_month_ends_do_not_skip_short_months(
    typed: str, start: datetime, rule: str
) -> None:
    assert parse_cadence(typed, start_local=start) == rule


# ------------------------------------------------------------ parse_cadence: raw RRULEs


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("FREQ=WEEKLY", "FREQ=WEEKLY"),
        ("RRULE:FREQ=WEEKLY;INTERVAL=2", "FREQ=WEEKLY;INTERVAL=2"),
        ("rrule:freq=weekly;interval=2", "FREQ=WEEKLY;INTERVAL=2"),
        ("interval=2;freq=weekly", "FREQ=WEEKLY;INTERVAL=2"),  # FREQ first, the rest as typed
        (" FREQ = WEEKLY ; BYDAY = MO, TH ; ", "FREQ=WEEKLY;BYDAY=MO,TH"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("FREQ=MONTHLY;BYDAY=-1FR;COUNT=3", "FREQ=MONTHLY;BYDAY=-1FR;COUNT=3"),
        ("FREQ=MONTHLY;BYDAY=+2TU", "FREQ=MONTHLY;BYDAY=2TU"),
        ("FREQ=YEARLY;BYMONTH=+03;BYMONTHDAY=15", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=15"),
        ("FREQ=WEEKLY;UNTIL=20270101T000000Z", "FREQ=WEEKLY;UNTIL=20270101T000000Z"),
        ("FREQ=WEEKLY;UNTIL=20270101", "FREQ=WEEKLY;UNTIL=20270101"),
        ("FREQ=DAILY;BYHOUR=9,14;BYMINUTE=0", "FREQ=DAILY;BYHOUR=9,14;BYMINUTE=0"),
        (
            "FREQ=WEEKLY;WKST=SU;INTERVAL=2;BYDAY=SU,MO",
            "FREQ=WEEKLY;WKST=SU;INTERVAL=2;BYDAY=SU,MO",
        ),
        ("FREQ=WEEKLY;X-VENDOR=whatever", "FREQ=WEEKLY"),  # vendor extensions mean nothing here
        # Month-end rules typed raw keep exact RFC 5545 meaning: no rewriting.
        ("FREQ=MONTHLY", "FREQ=MONTHLY"),
    ],
)
def test_raw_rrules_are_validated_and_normalised(typed: str, rule: str) -> None:
    assert parse_cadence(typed, start_local=datetime(2026, 1, 31, 9)) == rule


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "cadence is empty"),
        ("   ", "cadence is empty"),
        (
            "every blue moon",
            r"cannot understand cadence 'every blue moon': use an RRULE such as FREQ=WEEKLY",
        ),
        ("sometimes", "cannot understand cadence"),
        ("every", "cannot understand cadence"),
        ("0 weeks", "step must be from 1 to 1000"),
        ("5000 days", "step must be from 1 to 1000"),
        ("2.5 weeks", "cannot understand cadence"),
        ("every 5th", "cannot understand cadence"),
        ("monthly on monday", "cannot understand cadence"),
        ("every week 2", "cannot understand cadence"),
        ("hourly", "cannot understand cadence"),
        ("FREQ=HOURLY", "more often than daily"),
        ("FREQ=MINUTELY;INTERVAL=30", "more often than daily"),
        ("FREQ=SECONDLY", "more often than daily"),
        ("FREQ=FORTNIGHTLY", "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY"),
        ("INTERVAL=2", "FREQ is required"),
        ("FREQ=WEEKLY;INTERVAL=0", "INTERVAL must be a whole number from 1 to 1000"),
        ("FREQ=WEEKLY;INTERVAL=-1", "INTERVAL must be a whole number"),
        ("FREQ=WEEKLY;INTERVAL=100000000", "INTERVAL must be a whole number"),
        ("FREQ=WEEKLY;COUNT=0", "COUNT must be a whole number"),
        ("FREQ=WEEKLY;COUNT=3;UNTIL=20270101", "COUNT or UNTIL, not both"),
        ("FREQ=WEEKLY;FREQ=DAILY", "FREQ is given twice"),
        ("FREQ=WEEKLY;BYDAY=XX", "BYDAY needs days"),
        ("FREQ=WEEKLY;BYDAY=", "NAME=VALUE"),
        ("FREQ=WEEKLY;BYDAY=1MO", "numbered weekday"),
        ("FREQ=MONTHLY;BYDAY=9MO", r"the number in 9MO must be 1\.\.5"),
        ("FREQ=MONTHLY;BYDAY=0MO", "the number in 0MO"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY values must be in 1..31"),
        ("FREQ=MONTHLY;BYMONTHDAY=40", "BYMONTHDAY values must be in"),
        ("FREQ=YEARLY;BYMONTH=13", "BYMONTH values must be in 1..12"),
        ("FREQ=DAILY;BYHOUR=25", "BYHOUR values must be in 0..23"),
        ("FREQ=WEEKLY;BYMONTHDAY=3", "BYMONTHDAY cannot be used with FREQ=WEEKLY"),
        ("FREQ=MONTHLY;BYYEARDAY=100", "BYYEARDAY needs FREQ=YEARLY"),
        ("FREQ=MONTHLY;BYWEEKNO=10", "BYWEEKNO needs FREQ=YEARLY"),
        ("FREQ=MONTHLY;BYSETPOS=-1", "BYSETPOS needs another BY"),
        ("FREQ=WEEKLY;UNTIL=2027", "UNTIL must look like 20240601"),
        ("FREQ=WEEKLY;UNTIL=20270230", "UNTIL is not a real date"),
        ("FREQ=WEEKLY;COLOR=RED", "unknown rule part 'COLOR'"),
        ("FREQ=WEEKLY;INTERVAL", "NAME=VALUE"),
        ("DTSTART:20260101T090000\nRRULE:FREQ=WEEKLY", "one RRULE line"),
        ("EXDATE:20260101T090000", "one RRULE line"),
        ("FREQ=WEEKLY;BYDAY=M\u00d6", "one RRULE line"),
        # Rules that could never happen are refused rather than stored.
        ("FREQ=DAILY;BYMONTHDAY=6;BYSETPOS=2", "BYSETPOS picks past the 1 candidate"),
        (
            "FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9,17;BYSETPOS=5,-5",
            "BYSETPOS picks past the 4 candidate",
        ),
        ("FREQ=DAILY;INTERVAL=7;BYDAY=TH", "never happens"),  # the start is a Wednesday
        ("FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30", "never happens"),
        ("FREQ=WEEKLY;UNTIL=20200101", "never happens"),
    ],
)
def test_unusable_cadences_are_refused_with_a_reason(typed: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        parse_cadence(typed, start_local=WEDNESDAY)


@pytest.mark.parametrize(
    "impossible",
    [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31;UNTIL=99991231",
        "FREQ=MONTHLY;BYMONTH=6;BYMONTHDAY=-31",
    ],
)
def test_impossible_rules_are_refused_without_walking_to_the_year_9999(impossible: str) -> None:
    started = time.perf_counter()
    with pytest.raises(InvalidInputError, match="never happens"):
        parse_cadence(impossible, start_local=WEDNESDAY)
    assert time.perf_counter() - started < 2.0


def test_parse_cadence_needs_a_naive_start() -> None:
    with pytest.raises(ValueError, match="naive"):
        parse_cadence("weekly", start_local=WEDNESDAY.replace(tzinfo=UTC))


# ------------------------------------------------------------ describe


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=DAILY", "daily"),
        ("FREQ=WEEKLY", "weekly"),
        ("FREQ=MONTHLY", "monthly"),
        ("FREQ=YEARLY", "yearly"),
        ("FREQ=DAILY;INTERVAL=10", "every 10 days"),
        ("FREQ=WEEKLY;INTERVAL=2", "every 2 weeks"),
        ("FREQ=MONTHLY;INTERVAL=3", "every 3 months"),
        ("FREQ=YEARLY;INTERVAL=2", "every 2 years"),
        ("FREQ=WEEKLY;BYDAY=MO", "every Monday"),
        ("FREQ=WEEKLY;BYDAY=MO,TH", "every Monday and Thursday"),
        ("FREQ=WEEKLY;BYDAY=MO,WE,FR", "every Monday, Wednesday and Friday"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "every weekday"),
        ("FREQ=WEEKLY;BYDAY=FR,TH,WE,TU,MO,MO", "every weekday"),
        ("FREQ=WEEKLY;BYDAY=TH,MO", "every Monday and Thursday"),
        ("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", "every weekday"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "every 2 weeks on Tuesday"),
        ("FREQ=WEEKLY;WKST=SU", "weekly"),
        # Our own month-end and leap-day forms read like the words that made them.
        ("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=28,29,30;BYSETPOS=-1", "every 3 months"),
        ("FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1", "monthly"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1", "yearly"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "monthly on the last day"),
        ("FREQ=MONTHLY;BYMONTHDAY=15", "monthly on the 15th"),
        ("FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1", "every 2 months on the 1st"),
        ("FREQ=WEEKLY;COUNT=5", "weekly, 5 times"),
        ("FREQ=WEEKLY;COUNT=1", "weekly, once"),
        ("FREQ=WEEKLY;UNTIL=20270101T000000Z", "weekly until 2027-01-01"),
        ("rrule:freq=weekly;interval=2", "every 2 weeks"),
        # Too unusual for short words: the rule text itself.
        ("FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYDAY=-1FR"),
        ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO"),
        ("FREQ=DAILY;INTERVAL=2;BYDAY=MO", "FREQ=DAILY;INTERVAL=2;BYDAY=MO"),
        ("FREQ=DAILY;BYHOUR=9,14", "FREQ=DAILY;BYHOUR=9,14"),
        ("not a rule at all", "not a rule at all"),
    ],
)
def test_describe(rule: str, words: str) -> None:
    assert describe(rule) == words


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("2 weeks", "every 2 weeks"),
        ("quarterly", "every 3 months"),
        ("every mon & thu", "every Monday and Thursday"),
        ("every weekday", "every weekday"),
        ("weekly", "weekly"),
        ("a month", "monthly"),
        ("annually", "yearly"),
    ],
)
def test_describe_reads_back_parsed_words(typed: str, words: str) -> None:
    # Whatever the start (plain day, month end, leap day), the words read back the same.
    for start in (WEDNESDAY, datetime(2026, 1, 31, 9), datetime(2028, 2, 29, 9)):
        assert describe(parse_cadence(typed, start_local=start)) == words


# ------------------------------------------------------------ stepping a series


def d(text: str) -> datetime:
    """'2026-02-28 09:00' -> naive datetime (keeps the tables readable)."""
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("typed", "start", "expected"),
    [
        (
            "monthly",
            "2026-01-31 09:00",
            ["2026-02-28 09:00", "2026-03-31 09:00", "2026-04-30 09:00", "2026-05-31 09:00"],
        ),
        (
            "every 3 months",
            "2026-11-30 09:00",
            ["2027-02-28 09:00", "2027-05-30 09:00", "2027-08-30 09:00"],
        ),
        (
            "every 3 months",
            "2027-11-30 09:00",
            ["2028-02-29 09:00", "2028-05-30 09:00"],
        ),  # leap year
        ("monthly", "2026-01-29 09:00", ["2026-02-28 09:00", "2026-03-29 09:00"]),
        (
            "yearly",
            "2028-02-29 08:30",
            ["2029-02-28 08:30", "2030-02-28 08:30", "2031-02-28 08:30", "2032-02-29 08:30"],
        ),
        ("every 2 weeks", "2026-01-14 09:00", ["2026-01-28 09:00", "2026-02-11 09:00"]),
        (
            "every weekday",
            "2026-01-16 17:00",
            ["2026-01-19 17:00", "2026-01-20 17:00"],
        ),  # Fri -> Mon
        ("every monday and thursday", "2026-01-12 10:15", ["2026-01-15 10:15", "2026-01-19 10:15"]),
        # Raw RRULEs keep exact RFC 5545 meaning.
        (
            "FREQ=MONTHLY",
            "2026-01-31 09:00",
            ["2026-03-31 09:00", "2026-05-31 09:00"],
        ),  # skips short months
        ("FREQ=YEARLY", "2028-02-29 09:00", ["2032-02-29 09:00"]),  # leap years only
        (
            "FREQ=MONTHLY;BYMONTHDAY=-1",
            "2026-01-31 09:00",
            ["2026-02-28 09:00", "2026-03-31 09:00", "2026-04-30 09:00"],
        ),
        # COUNT and UNTIL end a series.
        (
            "FREQ=WEEKLY;COUNT=3",
            "2026-01-05 09:00",
            ["2026-01-12 09:00", "2026-01-19 09:00", None, None],
        ),
        (
            "FREQ=WEEKLY;UNTIL=20260126",
            "2026-01-05 09:00",
            ["2026-01-12 09:00", "2026-01-19 09:00", "2026-01-26 09:00", None],
        ),
        (
            "FREQ=WEEKLY;UNTIL=20260125T235959",
            "2026-01-05 09:00",
            ["2026-01-12 09:00", "2026-01-19 09:00", None],
        ),
    ],
)
def test_series_steps(typed: str, start: str, expected: list[str | None]) -> None:
    rule = parse_cadence(typed, start_local=d(start))
    want = [None if e is None else d(e) for e in expected]
    assert series(rule, d(start), len(want)) == want


def test_utc_until_is_exact_when_the_zone_is_given() -> None:
    # Mondays 09:00 in New York are 14:00 UTC in January.
    anchor = d("2026-01-05 09:00")
    just_before = "FREQ=WEEKLY;UNTIL=20260126T135959Z"
    at = "FREQ=WEEKLY;UNTIL=20260126T140000Z"
    after = d("2026-01-19 09:00")
    assert (
        next_occurrence(just_before, anchor_local=anchor, after_local=after, tz="America/New_York")
        is None
    )
    assert next_occurrence(at, anchor_local=anchor, after_local=after, tz="America/New_York") == d(
        "2026-01-26 09:00"
    )
    # Without a zone, the UTC value is read as wall clock.
    assert next_occurrence(just_before, anchor_local=anchor, after_local=after) == d(
        "2026-01-26 09:00"
    )


def test_next_occurrence_is_strictly_after() -> None:
    rule = "FREQ=WEEKLY"
    anchor = d("2026-01-05 09:00")
    assert next_occurrence(rule, anchor_local=anchor, after_local=anchor) == d("2026-01-12 09:00")
    assert next_occurrence(rule, anchor_local=anchor, after_local=d("2026-01-12 08:59")) == d(
        "2026-01-12 09:00"
    )
    # Before the anchor, the anchor itself is next.
    assert next_occurrence(rule, anchor_local=anchor, after_local=d("2025-06-01 00:00")) == anchor


@pytest.mark.parametrize(
    ("rule", "anchor", "after", "expected"),
    [
        ("FREQ=DAILY", "1990-01-01 09:00", "2090-06-15 12:00", "2090-06-16 09:00"),
        ("FREQ=DAILY;INTERVAL=3", "2000-01-01 09:00", "2080-01-01 00:00", "2080-01-01 09:00"),
        ("FREQ=WEEKLY;INTERVAL=2", "1990-01-01 09:00", "2090-01-01 00:00", "2090-01-02 09:00"),
        (
            "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
            "1990-01-01 09:00",
            "2090-01-01 09:00",
            "2090-01-02 09:00",
        ),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "1990-01-31 09:00", "2090-02-01 00:00", "2090-02-28 09:00"),
        ("FREQ=WEEKLY;COUNT=2000", "1990-01-01 09:00", "2090-01-01 00:00", None),
        ("FREQ=DAILY;UNTIL=20500101", "1990-01-01 09:00", "2090-01-01 00:00", None),
    ],
)
def test_next_occurrence_decades_later_is_fast_and_right(
    rule: str, anchor: str, after: str, expected: str | None
) -> None:
    started = time.perf_counter()
    found = next_occurrence(rule, anchor_local=d(anchor), after_local=d(after))
    assert time.perf_counter() - started < 1.0
    assert found == (None if expected is None else d(expected))


def test_every_third_day_keeps_its_phase_decades_later() -> None:
    anchor = d("2000-01-01 09:00")
    found = next_occurrence(
        "FREQ=DAILY;INTERVAL=3", anchor_local=anchor, after_local=d("2075-05-05 10:00")
    )
    assert found is not None and (found - anchor).days % 3 == 0 and found.time() == anchor.time()
    assert timedelta(0) < found - d("2075-05-05 10:00") <= timedelta(days=3)


@pytest.mark.parametrize(
    ("anchor", "after", "wall", "utc"),
    [
        # Weekly Monday 09:00 in New York: 14:00 UTC in winter, 13:00 UTC after 8 March 2026.
        ("2026-03-02 09:00", "2026-03-02 09:00", "2026-03-09 09:00", "2026-03-09 13:00"),
        ("2026-03-02 09:00", "2026-10-26 09:00", "2026-11-02 09:00", "2026-11-02 14:00"),
    ],
)
def test_weekly_series_keeps_its_wall_clock_across_dst(
    anchor: str, after: str, wall: str, utc: str
) -> None:
    found = next_occurrence("FREQ=WEEKLY", anchor_local=d(anchor), after_local=d(after))
    assert found == d(wall)
    before = localize(d(after), "America/New_York").utcoffset()
    shown = localize(found, "America/New_York")
    assert shown.astimezone(UTC) == d(utc).replace(tzinfo=UTC)
    assert shown.utcoffset() != before


def test_next_occurrence_refuses_broken_rules() -> None:
    with pytest.raises(InvalidInputError):
        next_occurrence("FREQ=SOMETIMES", anchor_local=WEDNESDAY, after_local=WEDNESDAY)
    with pytest.raises(ValueError, match="naive"):
        next_occurrence(
            "FREQ=DAILY", anchor_local=WEDNESDAY, after_local=WEDNESDAY.replace(tzinfo=UTC)
        )
