"""Editing an open follow-up: moving it, re-anchoring a series, changing its cadence and note."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.errors import InvalidInputError, KnownError, NotFoundError
from relationship_crm.domain.records import ContactDraft, FollowUpDraft
from relationship_crm.services import contacts, followups

NY = "America/New_York"


def at(text: str, zone: str = NY) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(zone))


def wall(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


@pytest.fixture
def jane(db) -> int:
    with db.write() as s:
        return contacts.create(s, ContactDraft(name="Jane Doe")).id


def add(db, contact_id: int, due: str, **kw) -> int:
    with db.write() as s:
        return followups.add(
            s,
            FollowUpDraft(contact_id, wall(due), kw.pop("tz", NY), **kw),
            now=at("2026-01-01 08:00"),
        ).id


def update(db, fid: int, **kw):
    with db.write() as s:
        return followups.update(s, fid, now=at("2026-01-02 08:00"), **kw)


def spec(db, fid: int):
    with db.read() as s:
        (found,) = [sp for sp in followups.open_specs(s) if sp.id == fid]
        return found


def test_changing_only_the_note_keeps_the_schedule_and_the_snooze(db, jane):
    fid = add(db, jane, "2026-03-02 09:00", cadence="weekly", note="Call")
    with db.write() as s:
        followups.snooze(s, fid, until=at("2026-03-03 10:00"), now=at("2026-03-02 09:05"))
    changes = update(db, fid, due_local=wall("2026-03-02 09:00"), note="  Call about renewal ")
    assert changes == Changes(follow_ups=True)
    with db.read() as s:
        view = followups.get(s, fid)
        assert followups.next_wakeup(s, now=at("2026-03-02 09:10")) == at("2026-03-03 10:00")
    assert view.note == "Call about renewal"
    assert view.due == at("2026-03-02 09:00")
    assert view.snoozed_until == at("2026-03-03 10:00")
    assert spec(db, fid).anchor_local == wall("2026-03-02 09:00")


def test_moving_a_series_re_anchors_it_and_drops_the_snooze(db, jane):
    fid = add(db, jane, "2026-03-02 09:00", cadence="every 2 weeks")
    with db.write() as s:
        followups.complete(s, fid, now=at("2026-03-02 10:00"))  # now due 2026-03-16
        followups.snooze(s, fid, until=at("2026-03-17 10:00"), now=at("2026-03-16 09:05"))
    update(db, fid, due_local=wall("2026-03-19 15:30"))
    moved = spec(db, fid)
    assert moved.due_local == moved.anchor_local == wall("2026-03-19 15:30")
    assert moved.snoozed_until is None
    with db.read() as s:
        assert followups.get(s, fid).due == at("2026-03-19 15:30")
        assert followups.next_wakeup(s, now=at("2026-03-18 00:00")) == at("2026-03-19 15:30")
    with db.write() as s:  # the series now runs every 2 weeks from the new date
        assert followups.complete(s, fid, now=at("2026-03-19 16:00")).value.next_due == at(
            "2026-04-02 15:30"
        )


def test_moving_a_month_end_series_to_mid_month_keeps_it_plain_monthly(db, jane):
    fid = add(db, jane, "2026-01-31 09:00", cadence="monthly")
    assert "BYSETPOS" in (spec(db, fid).rrule or "")
    update(db, fid, due_local=wall("2026-02-15 09:00"))
    assert spec(db, fid).rrule == "FREQ=MONTHLY"
    with db.write() as s:
        assert followups.complete(s, fid, now=at("2026-02-15 10:00")).value.next_due == at(
            "2026-03-15 09:00"
        )


def test_a_new_zone_keeps_the_wall_clock_and_moves_the_instant(db, jane):
    fid = add(db, jane, "2026-03-02 09:00")
    update(db, fid, due_local=wall("2026-03-02 09:00"), tz="europe/paris")
    with db.read() as s:
        view = followups.get(s, fid)
    assert view.tz == "Europe/Paris"
    assert view.due == at("2026-03-02 09:00", "Europe/Paris")


def test_a_cadence_can_be_set_and_cleared(db, jane):
    fid = add(db, jane, "2026-03-04 09:00")
    update(db, fid, cadence="every other week")
    assert spec(db, fid).rrule == "FREQ=WEEKLY;INTERVAL=2"
    assert spec(db, fid).anchor_local == wall("2026-03-04 09:00")
    update(db, fid, cadence="")
    assert spec(db, fid).rrule is None


def test_nothing_changed_reports_no_changes(db, jane):
    fid = add(db, jane, "2026-03-04 09:00", cadence="weekly", note="Call")
    assert update(db, fid, due_local=wall("2026-03-04 09:00"), cadence="weekly", note="Call") == (
        Changes()
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"cadence": "whenever"},
        {"note": "x" * (followups.MAX_NOTE + 1)},
        {"tz": "Mars/Olympus"},
    ],
)
def test_bad_input_is_refused_and_changes_nothing(db, jane, fields):
    fid = add(db, jane, "2026-03-04 09:00", note="Call")
    with pytest.raises(InvalidInputError):
        update(db, fid, due_local=wall("2026-03-05 10:00"), **fields)
    kept = spec(db, fid)
    assert (kept.due_local, kept.tz, kept.note, kept.rrule) == (
        wall("2026-03-04 09:00"),
        NY,
        "Call",
        None,
    )


def test_only_open_follow_ups_can_be_edited(db, jane):
    fid = add(db, jane, "2026-03-04 09:00")
    with db.write() as s:
        followups.complete(s, fid, now=at("2026-03-04 10:00"))
    with pytest.raises(KnownError, match="already done; cannot edit"):
        update(db, fid, note="Too late")
    with pytest.raises(NotFoundError):
        update(db, 999, note="Nobody")
