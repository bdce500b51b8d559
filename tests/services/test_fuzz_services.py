"""Fuzzing the services behind the app's dialogs: any draft is saved or refused (KnownError).

Each example saves one generated draft (contact, follow-up and its edit or snooze, meeting, gift,
research note, setting) through the service the dialogs call, on a real database file seeded with
a few records. The only failure allowed is a KnownError; after every accepted save, everything
that reads (the daily list, follow-up list, contact page, search, every export, `check`) still
works. Bounded in CI; `HYPOTHESIS_PROFILE=fuzz-long` for a long run (see tests/conftest.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from relationship_crm.domain.enums import FollowUpStatus, MeetingKind, Stage
from relationship_crm.domain.errors import KnownError
from relationship_crm.domain.records import (
    Address,
    ContactDraft,
    FollowUpDraft,
    GiftDraft,
    Labeled,
    MeetingDraft,
)
from relationship_crm.services import (
    calendar_export,
    contact_search,
    contacts,
    followups,
    gifts,
    integrity,
    json_copy,
    meetings,
    research,
    timeline,
)
from relationship_crm.services import (
    settings as app_settings,
)
from relationship_crm.services import trigger_events as events
from relationship_crm.storage.db import Database

_LONG = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz-long"
# A service call is cheap (no process start, no argument parsing): five times the CLI's examples
# still take a few seconds.
FUZZ_SETTINGS = (
    settings(settings.get_profile("fuzz-long"))
    if _LONG
    else settings(settings.get_profile("fuzz"), max_examples=200)
)
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)

ZONES = st.sampled_from(
    ["America/New_York", "UTC", "Asia/Tokyo", "europe/paris", "Nowhere/Else", ""]
)
RULES = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "",
            "FREQ=DAILY",
            "FREQ=SECONDLY",
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
            "FREQ=WEEKLY;UNTIL=99991231T000000Z",
            "FREQ=DAILY;INTERVAL=99999999999999999999",
            "FREQ=MONTHLY;BYDAY=-1FR",
            "every 2 weeks",
            "monthly",
            "yearly",
        ]
    ),
    st.text(max_size=30),
)
TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "x" * 301, "n" * 100_001, "a\x00b\x1b[31m\u202e", "🎁" * 40]),
)
IDS = st.one_of(
    st.sampled_from([1, 2, 3]), st.sampled_from([0, -1, 2**63 - 1, 2**63, 10**30]), st.integers()
)
WALL_CLOCKS = st.one_of(
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)),
    st.datetimes(),  # every year 1..9999
    st.sampled_from([datetime.min, datetime.max, datetime(1899, 12, 31, 23, 59)]),
)
DAYS = st.one_of(
    st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
    st.dates(),
    st.sampled_from([date.min, date.max]),
)
INSTANTS = st.one_of(
    st.datetimes(min_value=datetime(2026, 11, 24), max_value=datetime(2027, 12, 31)),
    st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31)),
).map(lambda d: d.replace(tzinfo=UTC))
BIRTHDAYS = st.one_of(
    st.none(),
    DAYS.map(lambda d: f"{d.year:04d}-{d:%m-%d}"),
    st.sampled_from(["--02-29", "--13-01", "2999-01-01", "0001-01-01", "1899-12-31", "x"]),
)


def _contact_draft() -> st.SearchStrategy[ContactDraft]:
    return st.builds(
        ContactDraft,
        name=st.one_of(st.just("Zoe Park"), TEXT),
        emails=st.lists(
            st.builds(Labeled, st.sampled_from(["z@p.io", "bad", ""]), TEXT), max_size=2
        ).map(tuple),
        phones=st.lists(
            st.builds(Labeled, st.sampled_from(["+1 212 555 0100", "1"]), TEXT), max_size=2
        ).map(tuple),
        addresses=st.lists(st.builds(Address, street=TEXT, city=TEXT), max_size=1).map(tuple),
        company=TEXT,
        title=TEXT,
        stage=st.sampled_from(list(Stage)),
        tags=st.lists(TEXT, max_size=2).map(tuple),
        birthday=BIRTHDAYS,
        notes=TEXT,
    )


Op = Callable[[Session], object]


def _operations() -> st.SearchStrategy[Op]:
    contact = _contact_draft().map(lambda d: lambda s: contacts.create(s, d, now=NOW))
    replace = st.tuples(IDS, _contact_draft()).map(
        lambda a: lambda s: contacts.replace_details(s, a[0], a[1], now=NOW)
    )
    edit = st.tuples(IDS, BIRTHDAYS, st.one_of(st.none(), TEXT)).map(
        lambda a: lambda s: contacts.update(s, a[0], birthday=a[1] or "", notes=a[2], now=NOW)
    )
    follow_up = st.builds(
        FollowUpDraft,
        contact_id=IDS,
        due_local=WALL_CLOCKS,
        tz=ZONES,
        note=TEXT,
        meeting_id=st.one_of(st.none(), IDS),
        cadence=RULES,
    ).map(lambda d: lambda s: followups.add(s, d, now=NOW))
    snooze = st.tuples(IDS, INSTANTS).map(
        lambda a: lambda s: followups.snooze(s, a[0], until=a[1], now=NOW)
    )
    update = st.tuples(
        IDS, st.one_of(st.none(), WALL_CLOCKS), st.one_of(st.none(), ZONES), RULES
    ).map(
        lambda a: (
            lambda s: followups.update(s, a[0], due_local=a[1], tz=a[2], cadence=a[3], now=NOW)
        )
    )
    done = IDS.map(lambda i: lambda s: followups.complete(s, i, now=NOW))
    meeting = st.builds(
        MeetingDraft,
        title=st.one_of(st.just("Lunch"), TEXT),
        starts_local=WALL_CLOCKS,
        tz=ZONES,
        attendee_ids=st.lists(IDS, min_size=0, max_size=2).map(tuple),
        kind=st.sampled_from(list(MeetingKind)),
        duration_minutes=st.one_of(st.integers(0, 600), st.integers()),
        location=TEXT,
        notes=TEXT,
        research=TEXT,
    ).map(lambda d: lambda s: meetings.log(s, d, now=NOW))
    gift = st.builds(
        GiftDraft,
        contact_id=IDS,
        item=st.one_of(st.just("Wine"), TEXT),
        given_on=DAYS,
        cost=st.one_of(
            st.none(), st.decimals(allow_nan=True, allow_infinity=True), st.just(Decimal("1e400"))
        ),
        currency=st.sampled_from(["", "EUR", "usd", "XXXX", "€"]),
        occasion=TEXT,
        meeting_id=st.one_of(st.none(), IDS),
    ).map(lambda d: lambda s: gifts.add(s, d, now=NOW))
    note = st.tuples(TEXT, IDS, TEXT).map(
        lambda a: lambda s: research.add(s, a[0], contact_id=a[1], source_url=a[2], now=NOW)
    )
    setting = st.tuples(st.sampled_from(list(app_settings.KNOWN_SETTINGS)), TEXT).map(
        lambda a: lambda s: app_settings.put(s, a[0], a[1])
    )
    # Issue 15: a trigger event on a company (all its contacts) or a contact, with follow-ups.
    event = st.tuples(
        st.sampled_from(["funding", "new executive", "job-change", "rumour", ""]),
        DAYS,
        TEXT,
        TEXT,
        st.one_of(st.tuples(IDS, st.none()), st.tuples(st.none(), IDS), st.tuples(IDS, IDS)),
        st.one_of(st.none(), st.builds(events.FollowUpTime, WALL_CLOCKS, ZONES)),
    ).map(
        lambda a: (
            lambda s: events.add(
                s,
                events.TriggerEventDraft(a[0], a[1], a[2], a[3], a[4][0], a[4][1]),
                follow_up=a[5],
                now=NOW,
            )
        )
    )
    return st.one_of(
        contact,
        replace,
        edit,
        follow_up,
        snooze,
        update,
        done,
        meeting,
        gift,
        note,
        setting,
        event,
    )


def _reads_work(db: Database, path: Path) -> None:
    """Everything the app and the commands read still works."""
    with db.read() as s:
        day = NOW.date()
        for zone in ("America/New_York", "Asia/Tokyo"):
            assert followups.agenda(s, day=day, tz=zone, horizon_days=30).skipped == ()
        for follow_up in followups.list_follow_ups(s, statuses=tuple(FollowUpStatus)):
            assert follow_up.unreadable == (), follow_up
        for view in contacts.list_contacts(s, limit=3):
            contacts.get(s, view.id)
            timeline.timeline(s, view.id)
        events.list_events(s)
        contact_search.search(s, "a")
        meetings.list_meetings(s)
        gifts.list_gifts(s)
        json_copy.export_json(s, now=NOW)
        calendar_export.calendar_bytes(s, now=NOW)
    report = integrity.run(path)
    assert report.ok, [str(p) for p in report.problems]


@pytest.fixture
def seeded(db: Database) -> Database:
    with db.write() as s:
        jane = contacts.create(
            s, ContactDraft("Jane Doe", emails=(Labeled("jane@acme.com"),)), now=NOW
        ).id
        bob = contacts.create(s, ContactDraft("Bob Stone", birthday="1980-02-29"), now=NOW).id
        contacts.create(s, ContactDraft("Ana Lima"), now=NOW)
        followups.add(
            s, FollowUpDraft(jane, datetime(2026, 11, 25, 9), "America/New_York"), now=NOW
        )
        followups.add(
            s,
            FollowUpDraft(bob, datetime(2026, 11, 1, 9), "Asia/Tokyo", cadence="monthly"),
            now=NOW,
        )
        meetings.log(
            s, MeetingDraft("Kickoff", datetime(2026, 11, 20, 10), "UTC", (jane, bob)), now=NOW
        )
        contacts.update(s, jane, company="Acme", now=NOW)  # company 1, for trigger events
    return db


@FUZZ_SETTINGS
@given(op=_operations())
def test_any_draft_is_saved_or_refused_and_reads_keep_working(
    seeded: Database, db_path: Path, op: Op
) -> None:
    try:
        with seeded.write() as s:
            op(s)
    except KnownError:
        _tally("refused")
        return
    _tally("saved")
    _reads_work(seeded, db_path)


def _tally(line: str) -> None:
    """With FUZZ_TALLY=FILE, one line per example (to count a long run's examples)."""
    if tally := os.environ.get("FUZZ_TALLY"):
        with open(tally, "a", encoding="utf-8") as f:
            f.write(line + "\n")


def test_the_seed_reads_cleanly(seeded: Database, db_path: Path) -> None:
    _reads_work(seeded, db_path)
    assert NOW - timedelta(days=1) < NOW
