"""Specification of reminders: due moments, snoozes, agendas, wake-ups, recurring completion."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import count
from zoneinfo import ZoneInfo

import pytest

from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.followups import Agenda, Bucket, FollowUpSpec
from relationship_crm.scheduling.reminders import (
    agenda,
    due_instant,
    effective_instant,
    next_due_after_completion,
    next_wakeup,
    snooze_choices,
)

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
_ids = count(1)


def d(text: str) -> datetime:
    """'2026-03-10 08:00' -> naive datetime."""
    return datetime.fromisoformat(text)


def at(text: str, zone: ZoneInfo | str) -> datetime:
    """'2026-03-10 08:00' in a zone -> aware datetime."""
    return d(text).replace(tzinfo=zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone))


def spec(
    name: str,
    due: str,
    *,
    tz: str = "Europe/Paris",
    snoozed: datetime | None = None,
    rrule: str | None = None,
    anchor: str | None = None,
    ident: int | None = None,
) -> FollowUpSpec:
    return FollowUpSpec(
        id=next(_ids) if ident is None else ident,
        contact_id=1,
        contact_name=name,
        due_local=d(due),
        tz=tz,
        rrule=rrule,
        anchor_local=None if anchor is None else d(anchor),
        snoozed_until=snoozed,
    )


def names(plan: Agenda) -> dict[str, list[str]]:
    return {
        "overdue": [r.spec.contact_name for r in plan.overdue],
        "today": [r.spec.contact_name for r in plan.today],
        "upcoming": [r.spec.contact_name for r in plan.upcoming],
    }


# ------------------------------------------------------------ due and effective moments


def test_due_instant_is_the_wall_clock_in_the_follow_ups_zone() -> None:
    assert due_instant(spec("A", "2026-03-10 08:00")) == datetime(2026, 3, 10, 7, tzinfo=UTC)
    assert due_instant(spec("A", "2026-07-10 08:00")) == datetime(2026, 7, 10, 6, tzinfo=UTC)
    assert due_instant(spec("A", "2026-03-08 02:30", tz="America/New_York")) == datetime(
        2026, 3, 8, 7, 30, tzinfo=UTC
    )
    assert due_instant(spec("A", "2026-03-10 08:00")).tzinfo is UTC


def test_effective_instant_prefers_the_snooze() -> None:
    snooze = at("2026-03-11 09:00", "Asia/Tokyo")
    assert effective_instant(spec("A", "2026-03-10 08:00", snoozed=snooze)) == datetime(
        2026, 3, 11, 0, tzinfo=UTC
    )
    assert effective_instant(spec("A", "2026-03-10 08:00")) == datetime(2026, 3, 10, 7, tzinfo=UTC)


def test_a_naive_snooze_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        effective_instant(spec("A", "2026-03-10 08:00", snoozed=d("2026-03-11 09:00")))


def test_an_unknown_zone_is_reported_to_the_user() -> None:
    with pytest.raises(InvalidInputError, match="unknown time zone 'Paris'"):
        due_instant(spec("A", "2026-03-10 08:00", tz="Paris"))


# ------------------------------------------------------------ agenda

# Tuesday 10 March 2026, as seen in Paris.
DAY = date(2026, 3, 10)
BOOK = [
    spec("Frank", "2026-03-18 00:00"),  # just past the 7-day horizon: left out
    spec("Eve", "2026-03-17 23:59"),  # last minute of the horizon
    spec("Dan", "2026-03-11 00:00"),  # first minute after today
    spec("Carol", "2026-03-10 23:59"),
    spec("bob", "2026-03-10 08:00"),
    spec("Alice", "2026-03-09 17:00"),
    spec(
        "Gina", "2026-03-01 09:00", snoozed=at("2026-03-10 15:00", PARIS)
    ),  # overdue, snoozed to today
    spec("Hank", "2026-03-10 09:00", snoozed=at("2026-03-12 09:00", PARIS)),  # today, snoozed away
    spec(
        "Ivy", "2026-03-12 09:00", snoozed=at("2026-03-09 09:00", PARIS)
    ),  # snooze wins even if earlier
    spec("Jo", "2026-03-10 07:00", tz="UTC"),  # 08:00 in Paris
]


@pytest.mark.parametrize(
    ("horizon", "expected"),
    [
        (
            7,
            {
                "overdue": ["Ivy", "Alice"],
                "today": ["bob", "Jo", "Gina", "Carol"],
                "upcoming": ["Dan", "Hank", "Eve"],
            },
        ),
        (
            1,
            {
                "overdue": ["Ivy", "Alice"],
                "today": ["bob", "Jo", "Gina", "Carol"],
                "upcoming": ["Dan"],
            },
        ),
        (
            2,
            {
                "overdue": ["Ivy", "Alice"],
                "today": ["bob", "Jo", "Gina", "Carol"],
                "upcoming": ["Dan", "Hank"],
            },
        ),
        (0, {"overdue": ["Ivy", "Alice"], "today": ["bob", "Jo", "Gina", "Carol"], "upcoming": []}),
        (
            30,
            {
                "overdue": ["Ivy", "Alice"],
                "today": ["bob", "Jo", "Gina", "Carol"],
                "upcoming": ["Dan", "Hank", "Eve", "Frank"],
            },
        ),
    ],
)
def test_agenda_buckets(horizon: int, expected: dict[str, list[str]]) -> None:
    assert names(agenda(BOOK, day=DAY, tz="Europe/Paris", horizon_days=horizon)) == expected


def test_agenda_reminders_carry_the_effective_moment_in_the_zone_shown() -> None:
    plan = agenda(BOOK, day=DAY, tz=NEW_YORK)
    gina = next(r for r in plan.today if r.spec.contact_name == "Gina")
    assert gina.due == at("2026-03-10 10:00", NEW_YORK)  # 15:00 Paris
    assert gina.due.tzinfo == NEW_YORK
    assert gina.snoozed and not gina.overdue and gina.bucket is Bucket.TODAY
    assert all(r.overdue for r in plan.overdue)
    assert not any(r.snoozed for r in plan.today if r.spec.contact_name == "bob")


def test_agenda_ties_sort_by_case_folded_name_then_id() -> None:
    same = "2026-03-10 12:00"
    book = [
        spec("zed", same, ident=1),
        spec("Adam", same, ident=9),
        spec("adam", same, ident=3),
        spec("ÄDAM", same, ident=2),
    ]
    plan = agenda(book, day=DAY, tz=PARIS)
    assert [(r.spec.contact_name, r.spec.id) for r in plan.today] == [
        ("adam", 3),
        ("Adam", 9),
        ("zed", 1),
        ("ÄDAM", 2),
    ]


@pytest.mark.parametrize(
    ("shown_in", "day", "bucket", "shown_as"),
    [
        # 09:00 in Tokyo on the 16th is 20:00 the evening before in New York.
        ("America/New_York", date(2026, 6, 15), "today", "2026-06-15 20:00"),
        ("America/New_York", date(2026, 6, 16), "overdue", "2026-06-15 20:00"),
        ("America/New_York", date(2026, 6, 14), "upcoming", "2026-06-15 20:00"),
        ("Asia/Tokyo", date(2026, 6, 16), "today", "2026-06-16 09:00"),
        ("Asia/Tokyo", date(2026, 6, 15), "upcoming", "2026-06-16 09:00"),
    ],
)
def test_agenda_shown_in_another_zone(shown_in: str, day: date, bucket: str, shown_as: str) -> None:
    plan = agenda([spec("Kenji", "2026-06-16 09:00", tz="Asia/Tokyo")], day=day, tz=shown_in)
    found = getattr(plan, bucket)
    assert len(found) == 1 and len(plan.overdue) + len(plan.today) + len(plan.upcoming) == 1
    assert found[0].due.strftime("%Y-%m-%d %H:%M") == shown_as


def test_agenda_day_follows_the_display_zones_dst() -> None:
    # In New York 8 March 2026 lasts 23 hours; 23:30 that night is still "today".
    book = [
        spec("Late", "2026-03-08 23:30", tz="America/New_York"),
        spec("Next", "2026-03-09 00:00", tz="America/New_York"),
    ]
    assert names(agenda(book, day=date(2026, 3, 8), tz=NEW_YORK, horizon_days=0)) == {
        "overdue": [],
        "today": ["Late"],
        "upcoming": [],
    }


def test_agenda_refuses_a_negative_horizon_and_the_end_of_time() -> None:
    with pytest.raises(InvalidInputError, match="0 or more"):
        agenda(BOOK, day=DAY, tz=PARIS, horizon_days=-1)
    with pytest.raises(InvalidInputError, match="end of the calendar"):
        agenda(BOOK, day=DAY, tz=PARIS, horizon_days=10_000_000)


def test_empty_agenda() -> None:
    assert agenda([], day=DAY, tz="UTC") == Agenda(overdue=(), today=(), upcoming=())


# ------------------------------------------------------------ next_wakeup


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-03-10 06:00", "2026-03-10 07:00"),  # bob and Jo, 08:00 Paris
        ("2026-03-10 07:00", "2026-03-10 14:00"),  # strictly after: Gina's snooze, 15:00 Paris
        ("2026-03-17 22:58", "2026-03-17 22:59"),  # Eve
        ("2026-03-17 23:00", None),  # Frank was at 23:00 UTC, nothing after it
    ],
)
def test_next_wakeup(now: str, expected: str | None) -> None:
    found = next_wakeup(BOOK, now=at(now, "UTC"))
    assert found == (None if expected is None else at(expected, "UTC"))
    assert found is None or found.tzinfo is UTC


def test_next_wakeup_accepts_any_zone_for_now_and_refuses_naive() -> None:
    assert next_wakeup(BOOK, now=at("2026-03-10 07:00", PARIS)) == at("2026-03-10 07:00", "UTC")
    assert next_wakeup([], now=at("2026-03-10 07:00", PARIS)) is None
    with pytest.raises(ValueError, match="aware"):
        next_wakeup(BOOK, now=d("2026-03-10 07:00"))


# ------------------------------------------------------------ completing recurring follow-ups

WEEKLY_MONDAY = "FREQ=WEEKLY"  # anchored on a Monday


@pytest.mark.parametrize(
    ("rule", "anchor", "due", "completed", "tz", "expected"),
    [
        # Weekly Monday 09:00, done late on Tuesday: the next Monday, not "a week after completion".
        (
            WEEKLY_MONDAY,
            None,
            "2026-01-12 09:00",
            "2026-01-13 22:00",
            "America/New_York",
            "2026-01-19 09:00",
        ),
        # Done early (the day before): still strictly after the current due.
        (
            WEEKLY_MONDAY,
            None,
            "2026-01-12 09:00",
            "2026-01-11 10:00",
            "America/New_York",
            "2026-01-19 09:00",
        ),
        # Done on time, across the March DST change: still 09:00.
        (
            WEEKLY_MONDAY,
            None,
            "2026-03-02 09:00",
            "2026-03-02 09:05",
            "America/New_York",
            "2026-03-09 09:00",
        ),
        # Done weeks late: skips the occurrences already gone.
        (
            WEEKLY_MONDAY,
            "2026-01-05 09:00",
            "2026-01-12 09:00",
            "2026-02-04 12:00",
            "America/New_York",
            "2026-02-09 09:00",
        ),
        # "every 3 months" from 15 January.
        (
            "FREQ=MONTHLY;INTERVAL=3",
            None,
            "2026-01-15 09:00",
            "2026-02-01 10:00",
            "Europe/Paris",
            "2026-04-15 09:00",
        ),
        (
            "FREQ=MONTHLY;INTERVAL=3",
            "2026-01-15 09:00",
            "2026-04-15 09:00",
            "2026-05-01 10:00",
            "Europe/Paris",
            "2026-07-15 09:00",
        ),
        (
            "FREQ=MONTHLY;INTERVAL=3",
            None,
            "2026-01-15 09:00",
            "2026-05-01 10:00",
            "Europe/Paris",
            "2026-07-15 09:00",
        ),
        # Month-end cadence keeps its anchor day after a short month.
        (
            "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1",
            "2026-01-31 09:00",
            "2026-02-28 09:00",
            "2026-02-28 09:30",
            "UTC",
            "2026-03-31 09:00",
        ),
        # Daily 01:30 done at 01:10 EST on 1 November (the second time round): the 01:30 EDT of that
        # morning is already past as an instant, so the next is the 2nd.
        (
            "FREQ=DAILY",
            None,
            "2026-10-31 01:30",
            "2026-11-01 06:10",
            "America/New_York",
            "2026-11-02 01:30",
        ),
        # Completion is read as wall clock in the follow-up's own zone (Tokyo is ahead of UTC).
        # 01:00 UTC on the 16th is 10:00 in Tokyo, after that day's 09:00.
        (
            "FREQ=DAILY",
            None,
            "2026-06-15 09:00",
            "2026-06-16 01:00",
            "Asia/Tokyo",
            "2026-06-17 09:00",
        ),
        # Series ended.
        (
            "FREQ=WEEKLY;COUNT=2",
            "2026-01-05 09:00",
            "2026-01-12 09:00",
            "2026-01-12 10:00",
            "UTC",
            None,
        ),
        (
            "FREQ=WEEKLY;UNTIL=20260119T000000Z",
            "2026-01-05 09:00",
            "2026-01-12 09:00",
            "2026-01-12 10:00",
            "UTC",
            None,
        ),
        # Not recurring.
        (None, None, "2026-01-12 09:00", "2026-01-12 10:00", "UTC", None),
        ("", None, "2026-01-12 09:00", "2026-01-12 10:00", "UTC", None),
    ],
)
def test_next_due_after_completion(
    rule: str | None, anchor: str | None, due: str, completed: str, tz: str, expected: str | None
) -> None:
    followup = spec("A", due, tz=tz, rrule=rule, anchor=anchor)
    found = next_due_after_completion(followup, completed_at=at(completed, "UTC"))
    assert found == (None if expected is None else d(expected))


def test_weekly_0900_new_york_moves_its_utc_time_but_not_its_wall_clock() -> None:
    due = "2026-10-26 09:00"  # Monday, EDT (13:00 UTC)
    followup = spec("A", due, tz="America/New_York", rrule="FREQ=WEEKLY")
    nxt = next_due_after_completion(followup, completed_at=at("2026-10-26 13:30", "UTC"))
    assert nxt == d("2026-11-02 09:00")
    moved = spec("A", "2026-11-02 09:00", tz="America/New_York", rrule="FREQ=WEEKLY", anchor=due)
    assert due_instant(followup) == at("2026-10-26 13:00", "UTC")
    assert due_instant(moved) == at("2026-11-02 14:00", "UTC")


def test_completion_time_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_due_after_completion(
            spec("A", "2026-01-12 09:00", rrule="FREQ=WEEKLY"), completed_at=d("2026-01-12 10:00")
        )


# ------------------------------------------------------------ snooze presets


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        (
            "2026-01-14 15:20",  # Wednesday, 16:20 in Paris
            "Europe/Paris",
            {
                "1 hour": "2026-01-14 17:20+01:00",
                "tomorrow 09:00": "2026-01-15 09:00+01:00",
                "next Monday 09:00": "2026-01-19 09:00+01:00",
                "next week": "2026-01-21 16:20+01:00",
            },
        ),
        (
            "2026-01-19 08:00",  # a Monday: "next Monday" is a week on, never today
            "Europe/Paris",
            {
                "1 hour": "2026-01-19 10:00+01:00",
                "tomorrow 09:00": "2026-01-20 09:00+01:00",
                "next Monday 09:00": "2026-01-26 09:00+01:00",
                "next week": "2026-01-26 09:00+01:00",
            },
        ),
        (
            "2026-01-18 20:00",  # a Sunday: next Monday is tomorrow
            "Europe/Paris",
            {
                "1 hour": "2026-01-18 22:00+01:00",
                "tomorrow 09:00": "2026-01-19 09:00+01:00",
                "next Monday 09:00": "2026-01-19 09:00+01:00",
                "next week": "2026-01-25 21:00+01:00",
            },
        ),
        (
            "2026-03-08 06:30",  # 01:30 EST, half an hour before clocks go forward
            "America/New_York",
            {
                "1 hour": "2026-03-08 03:30-04:00",  # real time: one hour
                "tomorrow 09:00": "2026-03-09 09:00-04:00",
                "next Monday 09:00": "2026-03-09 09:00-04:00",
                "next week": "2026-03-15 01:30-04:00",  # wall clock kept
            },
        ),
    ],
)
def test_snooze_choices(now: str, tz: str, expected: dict[str, str]) -> None:
    choices = snooze_choices(at(now, "UTC"), tz)
    assert list(choices) == ["1 hour", "tomorrow 09:00", "next Monday 09:00", "next week"]
    assert {k: v.isoformat(" ", "minutes") for k, v in choices.items()} == expected
