"""Reschedule all overdue: each open overdue follow-up moves to one day at its own wall time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.records import ContactDraft, FollowUpDraft
from relationship_crm.services import contacts, followups

NY = "America/New_York"
TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=ZoneInfo(NY))


@pytest.fixture
def jane(db) -> int:
    with db.write() as s:
        return contacts.create(s, ContactDraft(name="Jane Doe")).id


def add(db, contact_id: int, due: str, tz: str = NY, **kw) -> int:
    with db.write() as s:
        draft = FollowUpDraft(contact_id, datetime.strptime(due, "%Y-%m-%d %H:%M"), tz, **kw)
        return followups.add(s, draft, now=NOW).id


def test_each_overdue_follow_up_moves_to_the_day_at_its_own_wall_time(db, jane):
    ny = add(db, jane, "2026-11-10 09:00")
    tokyo = add(db, jane, "2025-06-01 18:30", tz="Asia/Tokyo")
    weekly = add(db, jane, "2026-11-16 08:15", cadence="weekly")
    today = add(db, jane, "2026-11-23 16:00")  # due today: not overdue
    later = add(db, jane, "2026-12-01 10:00")
    with db.write() as s:
        result = followups.reschedule_overdue(s, to_day=date(2026, 11, 25), today=TODAY, tz=NY)
    assert result.value == 3
    assert result.changes == Changes(follow_ups=True)
    with db.read() as s:
        due = {fid: followups.get(s, fid).due for fid in (ny, tokyo, weekly, today, later)}
    assert due[ny] == datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo(NY))
    assert due[tokyo] == datetime(2026, 11, 25, 18, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert due[weekly] == datetime(2026, 11, 25, 8, 15, tzinfo=ZoneInfo(NY))
    assert due[today] == datetime(2026, 11, 23, 16, 0, tzinfo=ZoneInfo(NY))
    assert due[later] == datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo(NY))
    with db.read() as s:
        agenda = followups.agenda(s, day=TODAY, tz=NY)
    assert agenda.overdue == ()


def test_nothing_overdue_changes_nothing(db, jane):
    add(db, jane, "2026-12-01 10:00")
    with db.write() as s:
        result = followups.reschedule_overdue(s, to_day=TODAY, today=TODAY, tz=NY)
    assert result.value == 0 and not result.changes


def test_a_day_in_the_past_is_refused_and_nothing_moves(db, jane):
    fid = add(db, jane, "2026-11-10 09:00")
    with pytest.raises(InvalidInputError, match="in the past"), db.write() as s:
        followups.reschedule_overdue(s, to_day=date(2026, 11, 20), today=TODAY, tz=NY)
    with db.read() as s:
        assert followups.get(s, fid).due == datetime(2026, 11, 10, 9, 0, tzinfo=ZoneInfo(NY))


def test_one_transaction_a_failure_moves_none(db, jane, monkeypatch):
    first = add(db, jane, "2026-11-10 09:00")
    add(db, jane, "2026-11-11 09:00")
    real_update = followups.update
    calls = []

    def failing(session, follow_up_id, **kw):
        calls.append(follow_up_id)
        if len(calls) == 2:
            raise InvalidInputError("boom")
        return real_update(session, follow_up_id, **kw)

    monkeypatch.setattr(followups, "update", failing)
    with pytest.raises(InvalidInputError), db.write() as s:
        followups.reschedule_overdue(s, to_day=TODAY, today=TODAY, tz=NY)
    with db.read() as s:
        assert followups.get(s, first).due == datetime(2026, 11, 10, 9, 0, tzinfo=ZoneInfo(NY))
