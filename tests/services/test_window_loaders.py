"""What each window reads when it opens, in one transaction: the loaders the app's windows and the
command line can share (thanks, gifts, duplicates, settings, timeline, follow-ups), on a real
database file."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from relationship_crm.domain.enums import ThanksStatus
from relationship_crm.domain.errors import NotFoundError
from relationship_crm.domain.records import ContactDraft, FollowUpDraft, GiftDraft, MeetingDraft
from relationship_crm.services import (
    contacts,
    duplicates,
    followups,
    gifts,
    meetings,
    research,
    settings,
    thanks,
    thanks_drafts,
    thanks_printing,
    timeline,
)

NY = "America/New_York"
T0 = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)


@pytest.fixture
def people(db) -> dict[str, int]:
    with db.write() as s:
        return {
            "zoe": contacts.create(s, ContactDraft(name="zoë Adams", company="Acme"), now=T0).id,
            "bob": contacts.create(s, ContactDraft(name="Bob Brown", company="Acme"), now=T0).id,
            "cy": contacts.create(s, ContactDraft(name="Cy Clark"), now=T0).id,
        }


def log(db, title: str, when: str, attendees: list[int]) -> int:
    with db.write() as s:
        return meetings.log(
            s,
            MeetingDraft(
                title=title,
                starts_local=datetime.strptime(when, "%Y-%m-%d %H:%M"),
                tz=NY,
                attendee_ids=tuple(attendees),
            ),
            now=T0,
        ).id


def draft(db, meeting_id: int) -> list[int]:
    with db.write() as s:
        return thanks_drafts.draft_for_meeting(s, meeting_id, now=T0).value


def test_load_notes_orders_by_meeting_then_recipient_and_filters(db, people) -> None:
    later = log(db, "Review", "2026-11-20 10:00", [people["zoe"], people["bob"]])
    earlier = log(db, "Kick-off", "2026-11-02 10:00", [people["cy"]])
    later_ids, earlier_ids = draft(db, later), draft(db, earlier)
    with db.write() as s:
        thanks.mark_sent(s, earlier_ids, now=T0)

    with db.read() as s:
        everything = thanks.load_notes(s, None, None)
        to_send = thanks.load_notes(s, frozenset({ThanksStatus.DRAFT}), None)
        one_meeting = thanks.load_notes(s, None, later)
    assert [(n.meeting_title, n.contact_name) for n in everything.notes] == [
        ("Kick-off", "Cy Clark"),
        ("Review", "Bob Brown"),
        ("Review", "zoë Adams"),  # case-folded: z after B
    ]
    assert everything.meeting_title is None
    assert {t.name for t in everything.templates} >= {n.template for n in everything.notes}
    assert sorted(n.id for n in to_send.notes) == sorted(later_ids)
    assert one_meeting.meeting_title == "Review"
    assert {n.meeting_id for n in one_meeting.notes} == {later}


def test_load_notes_of_a_deleted_meeting_has_no_title(db, people) -> None:
    meeting = log(db, "Review", "2026-11-20 10:00", [people["zoe"]])
    with db.write() as s:
        meetings.delete(s, meeting)
    with db.read() as s:
        loaded = thanks.load_notes(s, None, meeting)
    assert loaded.notes == () and loaded.meeting_title is None


def test_load_print_job_keeps_the_order_given_and_skips_missing_notes(db, people) -> None:
    meeting = log(db, "Review", "2026-11-20 10:00", [people["zoe"], people["bob"]])
    first, second = draft(db, meeting)
    with db.write() as s:
        settings.put(s, "page_size", "a6")
    with db.read() as s:
        job = thanks_printing.load_print_job(s, [second, 999, first])
    assert [n.id for n in job.notes] == [second, first]
    assert job.page_size == "a6"


def test_load_history_totals_for_the_contact_and_the_company(db, people) -> None:
    with db.write() as s:
        settings.put(s, "currency", "EUR")
        for who, item, cost, day in (
            ("zoe", "Wine", "40.00", date(2026, 3, 1)),
            ("zoe", "Book", "15.50", date(2025, 12, 1)),
            ("bob", "Lunch", "60.00", date(2026, 5, 1)),
        ):
            gifts.add(s, GiftDraft(people[who], item, day, Decimal(cost), "USD"), now=T0)
    with db.read() as s:
        history = gifts.load_history(s, people["zoe"], 2026)
        alone = gifts.load_history(s, people["cy"], 2026)
    assert [g.item for g in history.gifts] == ["Wine", "Book"]
    assert history.year == 2026
    assert history.contact_totals == {"USD": Decimal("40.00")}
    assert history.company_name == "Acme"
    assert history.company_totals == {"USD": Decimal("100.00")}
    assert history.default_currency == "EUR"
    assert alone.gifts == () and alone.company_name == "" and alone.company_totals == {}
    with db.read() as s, pytest.raises(NotFoundError):
        gifts.load_history(s, 999, 2026)


def test_load_group_in_the_order_given(db, people) -> None:
    with db.read() as s:
        group = duplicates.load_group(s, [people["cy"], people["zoe"]])
    assert [c.name for c in group] == ["Cy Clark", "zoë Adams"]
    with db.write() as s:
        contacts.trash(s, people["cy"], now=T0)
    with db.read() as s, pytest.raises(NotFoundError):
        duplicates.load_group(s, [people["cy"], people["zoe"]])


def test_load_details_reads_each_key_and_the_zone(db) -> None:
    with db.write() as s:
        settings.put(s, "rep_name", "Sam Seller")
        settings.put(s, "timezone", "Europe/Paris")
    with db.read() as s:
        stored = settings.load_details(s, ("rep_name", "signature"))
    assert stored.values == {"rep_name": "Sam Seller", "signature": ""}
    assert stored.zone == "Europe/Paris"


def test_load_contact_and_load_brief(db, people) -> None:
    meeting = log(db, "Review", "2026-11-20 10:00", [people["zoe"], people["bob"]])
    with db.write() as s:
        research.add(s, "Budget is approved", meeting_id=meeting, now=T0)
    with db.read() as s:
        page = timeline.load_contact(s, people["zoe"])
        brief = timeline.load_brief(s, meeting)
    assert page.contact.id == people["zoe"]
    assert [(e.kind, e.title) for e in page.entries if e.kind == "meeting"] == [
        ("meeting", "Review")
    ]
    assert isinstance(page.entries, tuple)
    assert brief.meeting.title == "Review"
    assert sorted(a.name for a in brief.attendees) == ["Bob Brown", "zoë Adams"]
    assert brief.research == ("Budget is approved",)
    with db.read() as s, pytest.raises(NotFoundError):
        timeline.load_brief(s, 999)


def test_load_agenda_is_the_day_in_the_zone_and_the_next_wakeup(db, people) -> None:
    def add(who: str, due: str) -> int:
        with db.write() as s:
            wall = datetime.strptime(due, "%Y-%m-%d %H:%M")
            return followups.add(s, FollowUpDraft(people[who], wall, NY), now=T0).id

    overdue = add("zoe", "2026-11-20 09:00")
    today = add("bob", "2026-11-23 16:00")
    soon = add("cy", "2026-11-25 09:00")
    now = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)  # 14:00 in New York
    with db.read() as s:
        loaded = followups.load_agenda(s, now=now, tz=NY, horizon_days=7)
        expected = followups.agenda(s, day=date(2026, 11, 23), tz=NY, horizon_days=7)
    assert loaded.agenda == expected
    assert [r.spec.id for r in loaded.agenda.overdue] == [overdue]
    assert [r.spec.id for r in loaded.agenda.today] == [today]
    assert [r.spec.id for r in loaded.agenda.upcoming] == [soon]
    assert loaded.next_wakeup == datetime(2026, 11, 23, 21, 0, tzinfo=UTC)  # 16:00 in New York
