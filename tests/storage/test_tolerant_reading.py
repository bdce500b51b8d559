"""Reading never fails on a stored value: unreadable times, days and text come back flagged."""

from __future__ import annotations

from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from relationship_crm.domain.bounds import UnreadableDay, UnreadableTime, unreadable_text
from relationship_crm.domain.errors import KnownError
from relationship_crm.domain.records import ContactDraft, FollowUpDraft, GiftDraft
from relationship_crm.services import contacts, followups, gifts, json_copy
from relationship_crm.storage.db import Database
from relationship_crm.storage.schema import FollowUp
from relationship_crm.storage.types import format_instant, format_wall_clock, parse_stored_time
from tests.database_files import connect_file

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _poke(db_path: Path, sql: str) -> None:
    with closing(connect_file(db_path)) as conn:
        conn.execute(sql)
        conn.commit()


def _seed(db: Database) -> int:
    with db.write() as s:
        jane = contacts.create(s, ContactDraft("Jane Doe"), now=NOW).id
        followups.add(s, FollowUpDraft(jane, datetime(2026, 11, 30, 9), "UTC"), now=NOW)
        gifts.add(s, GiftDraft(jane, "Wine", date(2026, 11, 20), currency="EUR"), now=NOW)
    return jane


def test_years_are_always_padded_and_old_unpadded_text_still_parses() -> None:
    assert format_instant(datetime(1900, 1, 1, tzinfo=UTC)) == "1900-01-01 00:00:00.000000"
    assert format_wall_clock(datetime(987, 6, 5, 4, 3)) == "0987-06-05 04:03"
    assert parse_stored_time("987-06-05 04:03:00.000000") == datetime(987, 6, 5, 4, 3)
    # Within two days of the ends of the calendar no zone can be applied: refused.
    assert parse_stored_time("1-01-01 04:56:02.000000") is None
    assert parse_stored_time("9999-12-31 23:59") is None
    assert parse_stored_time(b"2026-01-01 00:00") is None
    assert parse_stored_time("2026-02-30 09:00") is None


def test_unreadable_instants_wall_clocks_and_days_come_back_as_markers(
    db: Database, db_path: Path
) -> None:
    jane = _seed(db)
    _poke(db_path, "UPDATE follow_ups SET due_at = 'yesterday', due_local = 42")
    _poke(db_path, "UPDATE gifts SET given_on = '2026-02-30'")
    with db.read() as s:
        row = s.get_one(FollowUp, 1)
        assert isinstance(row.due_at, UnreadableTime)
        assert unreadable_text(row.due_at) == "yesterday"
        assert unreadable_text(row.due_local) == "42"
        assert unreadable_text(row.remind_at) is None
        (gift,) = gifts.list_gifts(s, contact_id=jane)
        assert isinstance(gift.given_on, UnreadableDay)
        (view,) = followups.list_follow_ups(s)
        assert view.unreadable == ("due_at", "due_local")
        assert followups.agenda(s, day=date(2026, 11, 30), tz="UTC").skipped == (1,)
        document = json_copy.export_document(s, now=NOW)
    assert document["gifts"][0]["given_on"] == {"unreadable": "2026-02-30"}  # type: ignore[index]


def test_text_that_is_not_utf8_reads_with_replacement_characters(
    db: Database, db_path: Path
) -> None:
    jane = _seed(db)
    _poke(db_path, "UPDATE contacts SET notes = CAST(x'41ff42' AS TEXT)")
    with db.read() as s:
        assert contacts.get(s, jane).notes == "A\ufffdB"


def test_an_unreadable_follow_up_cannot_be_changed_until_repaired(
    db: Database, db_path: Path
) -> None:
    _seed(db)
    _poke(db_path, "UPDATE follow_ups SET due_at = 'yesterday'")
    for change in (followups.complete, followups.cancel):
        with pytest.raises(KnownError, match=r"cannot be read.*check --repair"), db.write() as s:
            change(s, 1, now=NOW)
