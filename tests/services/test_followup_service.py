"""Follow-up services on a real database with a fixed clock: completion, snooze, agenda, wake-up."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from relationship_crm.domain.enums import FollowUpStatus
from relationship_crm.domain.errors import InvalidInputError, KnownError, NotFoundError
from relationship_crm.domain.records import ContactDraft, FollowUpDraft
from relationship_crm.services import contacts, followups

NY = "America/New_York"


def at(text: str, zone: str = NY) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(zone))


@pytest.fixture
def jane(db) -> int:
    with db.write() as s:
        return contacts.create(s, ContactDraft(name="Jane Doe")).id


def add(db, contact_id: int, due: str, **kw) -> int:
    with db.write() as s:
        return followups.add(
            s,
            FollowUpDraft(
                contact_id, datetime.strptime(due, "%Y-%m-%d %H:%M"), kw.pop("tz", NY), **kw
            ),
            now=at("2026-01-01 08:00"),
        ).id


def test_completing_a_cadence_keeps_the_series_on_its_dates(db, jane):
    fid = add(db, jane, "2026-01-15 09:00", cadence="3 months")
    with db.write() as s:
        first = followups.complete(s, fid, now=at("2026-02-01 10:00")).value
    assert first.next_due == at("2026-04-15 09:00")
    with db.write() as s:  # done very late: the missed occurrence is skipped, not stacked
        second = followups.complete(s, fid, now=at("2026-08-01 10:00")).value
    assert second.next_due == at("2026-10-15 09:00")
    with db.read() as s:
        view = followups.get(s, fid)
    assert view.status is FollowUpStatus.OPEN and view.due == at("2026-10-15 09:00")


def test_completing_a_one_off_closes_it(db, jane):
    fid = add(db, jane, "2026-03-01 09:00")
    with db.write() as s:
        result = followups.complete(s, fid, now=at("2026-03-01 09:30")).value
    assert result.next_due is None
    with db.read() as s:
        view = followups.get(s, fid)
        assert view.status is FollowUpStatus.DONE
        assert view.completed_at == at("2026-03-01 09:30")
        assert followups.list_follow_ups(s) == []


def test_a_series_with_an_end_closes_after_its_last_occurrence(db, jane):
    fid = add(db, jane, "2026-03-02 09:00", cadence="FREQ=WEEKLY;COUNT=2")
    with db.write() as s:
        assert followups.complete(s, fid, now=at("2026-03-02 10:00")).value.next_due is not None
    with db.write() as s:
        assert followups.complete(s, fid, now=at("2026-03-09 10:00")).value.next_due is None


def test_snooze_replaces_the_due_moment_until_done(db, jane):
    fid = add(db, jane, "2026-03-02 09:00", cadence="FREQ=WEEKLY")
    with db.write() as s:
        followups.snooze(s, fid, until=at("2026-03-03 14:00"), now=at("2026-03-02 09:05"))
    with db.read() as s:
        plan = followups.agenda(s, day=date(2026, 3, 2), tz=NY)
        assert plan.today == () and [r.spec.id for r in plan.upcoming] == [fid]
        assert plan.upcoming[0].due == at("2026-03-03 14:00")
        assert followups.next_wakeup(s, now=at("2026-03-02 12:00")) == at("2026-03-03 14:00")
    with db.write() as s:
        result = followups.complete(s, fid, now=at("2026-03-03 14:10")).value
    assert result.next_due == at("2026-03-09 09:00")  # the series itself did not move
    with db.read() as s:
        assert followups.get(s, fid).snoozed_until is None


def test_snooze_must_be_in_the_future(db, jane):
    fid = add(db, jane, "2026-03-02 09:00")
    with db.write() as s, pytest.raises(InvalidInputError, match="in the past"):
        followups.snooze(s, fid, until=at("2026-03-01 09:00"), now=at("2026-03-02 09:05"))


def test_closed_follow_ups_cannot_be_changed(db, jane):
    fid = add(db, jane, "2026-03-02 09:00")
    with db.write() as s:
        followups.cancel(s, fid, now=at("2026-03-01 09:00"))
    for action in (
        lambda s: followups.complete(s, fid, now=at("2026-03-03 09:00")).value,
        lambda s: followups.cancel(s, fid),
        lambda s: followups.snooze(s, fid, until=at("2030-01-01 09:00")),
    ):
        with db.write() as s, pytest.raises(KnownError, match="already cancelled"):
            action(s)
    with db.write() as s, pytest.raises(NotFoundError):
        followups.complete(s, 12345)


def test_agenda_and_wakeup_ignore_closed_and_trashed(db, jane):
    keep = add(db, jane, "2026-03-02 09:00")
    gone = add(db, jane, "2026-03-02 10:00")
    with db.write() as s:
        followups.cancel(s, gone)
    with db.read() as s:
        plan = followups.agenda(s, day=date(2026, 3, 2), tz=NY)
        assert [r.spec.id for r in plan.today] == [keep]
        assert followups.next_wakeup(s, now=at("2026-03-02 08:00")) == at("2026-03-02 09:00")
        assert followups.next_wakeup(s, now=at("2026-03-02 09:00")) is None


def test_dst_gap_time_is_kept_as_typed_and_shown_as_the_real_instant(db, jane):
    # 02:30 does not exist in New York on 2026-03-08; PEP 495 reads it as 03:30 EDT.
    fid = add(db, jane, "2026-03-08 02:30")
    with db.read() as s:
        view = followups.get(s, fid)
    assert view.due.astimezone(UTC) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


def test_the_usual_zone_is_the_one_last_used_with_the_contact(db, jane):
    from relationship_crm.domain.enums import MeetingKind
    from relationship_crm.domain.records import MeetingDraft
    from relationship_crm.services import meetings

    with db.read() as s:
        assert followups.usual_zone(s, jane) is None  # nothing yet: the app uses the rep's zone
    with db.write() as s:
        followups.add(
            s,
            FollowUpDraft(jane, datetime(2026, 12, 1, 9, 0), "Asia/Tokyo"),
            now=datetime(2026, 11, 1, tzinfo=UTC),
        )
    with db.read() as s:
        assert followups.usual_zone(s, jane) == "Asia/Tokyo"
    with db.write() as s:
        meetings.log(
            s,
            MeetingDraft(
                title="Call",
                starts_local=datetime(2026, 11, 20, 8, 0),
                tz="Europe/London",
                attendee_ids=(jane,),
                kind=MeetingKind.CALL,
            ),
            now=datetime(2026, 11, 20, 9, tzinfo=UTC),
        )
    with db.read() as s:
        assert followups.usual_zone(s, jane) == "Europe/London"  # the later one wins
