"""Everything a rep logs can be seen whole and corrected (issue 13): meeting details and edits,
gift and research corrections, companies, contact addresses and phones, the brief's notes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from relationship_crm.domain.enums import MeetingKind
from relationship_crm.domain.errors import InvalidInputError, NotFoundError
from relationship_crm.domain.records import (
    Address,
    ContactDraft,
    FollowUpDraft,
    GiftDraft,
    Labeled,
    MeetingDraft,
)
from relationship_crm.services import (
    companies,
    contact_fields,
    contacts,
    followups,
    gifts,
    meeting_log,
    meetings,
    research,
    thanks_drafts,
    timeline,
)

NY = "America/New_York"
T0 = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)


@pytest.fixture
def people(db) -> dict[str, int]:
    with db.write() as s:
        return {
            "ann": contacts.create(s, ContactDraft(name="Ann Adams", company="Acme"), now=T0).id,
            "bob": contacts.create(s, ContactDraft(name="Bob Brown", company="Acme"), now=T0).id,
            "cy": contacts.create(s, ContactDraft(name="Cy Clark"), now=T0).id,
        }


@pytest.fixture
def meeting(db, people) -> int:
    with db.write() as s:
        return meetings.log(
            s,
            MeetingDraft(
                "Kick-off",
                datetime(2026, 11, 20, 9, 0),
                NY,
                (people["ann"], people["bob"]),
                notes="Agenda: budget\nThey want a pilot",
                research="Uses SAP",
            ),
            now=T0,
        ).id


def test_load_details_has_the_meeting_whole(db, people, meeting) -> None:
    with db.write() as s:
        followups.add(
            s,
            FollowUpDraft(people["ann"], datetime(2026, 11, 27, 9), NY, "send deck", meeting),
            now=T0,
        )
        thanks_drafts.draft_for_meeting(s, meeting, now=T0)
    with db.read() as s:
        found = meeting_log.load_details(s, meeting)
    assert found.meeting.notes == "Agenda: budget\nThey want a pilot"
    assert [n.text for n in found.research] == ["Uses SAP"]
    assert [f.note for f in found.follow_ups] == ["send deck"]
    assert sorted(t.contact_name for t in found.thanks) == ["Ann Adams", "Bob Brown"]
    with db.read() as s, pytest.raises(NotFoundError):
        meeting_log.load_details(s, 999)


def test_update_meeting_changes_only_what_is_given(db, people, meeting) -> None:
    with db.write() as s:
        changes = meetings.update(
            s,
            meeting,
            title="Kick-off call",
            kind="call",
            duration_minutes=45,
            location="Zoom",
            add_attendees=[people["cy"]],
            remove_attendees=[people["bob"]],
        )
    assert changes.meetings
    with db.read() as s:
        m = meetings.get(s, meeting)
    assert (m.title, m.kind, m.duration_minutes, m.location) == (
        "Kick-off call",
        MeetingKind.CALL,
        45,
        "Zoom",
    )
    assert m.notes == "Agenda: budget\nThey want a pilot"
    assert sorted(n for _, n in m.attendees) == ["Ann Adams", "Cy Clark"]


def test_a_new_zone_alone_keeps_the_wall_clock_time(db, meeting) -> None:
    with db.write() as s:
        meetings.update(s, meeting, tz="Europe/Paris")
    with db.read() as s:
        m = meetings.get(s, meeting)
    assert m.tz == "Europe/Paris"
    assert (m.starts_at.hour, m.starts_at.minute) == (9, 0)
    assert m.starts_at.astimezone(UTC).hour == 8
    with db.write() as s:
        meetings.update(s, meeting, starts_local=datetime(2026, 11, 21, 14, 30))
    with db.read() as s:
        m = meetings.get(s, meeting)
    assert m.starts_at.isoformat() == "2026-11-21T14:30:00+01:00"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": "  "}, "the meeting title must not be empty"),
        ({"kind": "party"}, "unknown meeting kind"),
        ({"duration_minutes": 10**6}, "duration must be between"),
        ({"tz": "Mars/Base"}, "Mars/Base"),
        ({"starts_local": datetime(9999, 1, 1, 10)}, "between 1900 and 2200"),
        ({"notes": "x" * 100_001}, "too long"),
        ({"remove_attendees": [3]}, "is not an attendee"),
        ({"add_attendees": [999]}, "no contact with id 999"),
    ],
)
def test_update_meeting_refuses_bad_input_and_changes_nothing(db, meeting, kwargs, message) -> None:
    with pytest.raises((InvalidInputError, NotFoundError), match=message), db.write() as s:
        meetings.update(s, meeting, **kwargs)
    with db.read() as s:
        assert meetings.get(s, meeting).title == "Kick-off"


def test_a_meeting_keeps_at_least_one_attendee(db, people, meeting) -> None:
    with pytest.raises(InvalidInputError, match="at least one attendee"), db.write() as s:
        meetings.update(s, meeting, remove_attendees=[people["ann"], people["bob"]])


def test_gift_update_and_delete(db, people) -> None:
    with db.write() as s:
        gift = gifts.add(
            s, GiftDraft(people["ann"], "Wine", date(2026, 6, 1), Decimal("45"), "EUR"), now=T0
        ).id
        assert gifts.update(s, gift, item="Red wine", given_on=date(2026, 6, 2)).gifts
    with db.read() as s:
        g = gifts.get(s, gift)
    assert (g.item, g.given_on, g.cost, g.currency) == (
        "Red wine",
        date(2026, 6, 2),
        Decimal("45"),
        "EUR",
    )
    with db.write() as s:
        gifts.update(s, gift, cost=Decimal("12.50"), currency="usd", occasion="Signed")
    with db.read() as s:
        g = gifts.get(s, gift)
    assert (g.cost, g.currency, g.occasion) == (Decimal("12.50"), "USD", "Signed")
    with db.write() as s:
        gifts.update(s, gift, clear_cost=True)
    with db.read() as s:
        assert gifts.get(s, gift).cost is None
    for bad in ({"item": ""}, {"given_on": date(1850, 1, 1)}, {"cost": Decimal("1e13")}):
        with pytest.raises(InvalidInputError), db.write() as s:
            gifts.update(s, gift, **bad)  # type: ignore[arg-type]
    with db.write() as s:
        assert gifts.delete(s, gift).gifts
    with db.read() as s:
        assert gifts.list_gifts(s) == []
        with pytest.raises(NotFoundError, match="no gift with id"):
            gifts.get(s, gift)


def test_research_update_and_delete(db, meeting) -> None:
    with db.read() as s:
        (note,) = research.list_notes(s, meeting_id=meeting)
    with db.write() as s:
        research.update(s, note.id, text="Uses SAP and Oracle", source_url="https://x.example")
    with db.read() as s:
        got = research.get(s, note.id)
    assert (got.text, got.source_url, got.meeting_id) == (
        "Uses SAP and Oracle",
        "https://x.example",
        meeting,
    )
    with pytest.raises(InvalidInputError, match="empty"), db.write() as s:
        research.update(s, note.id, text="   ")
    with db.write() as s:
        research.delete(s, note.id)
    with db.read() as s:
        assert research.list_notes(s, meeting_id=meeting) == []
    with pytest.raises(NotFoundError, match="no research note with id"), db.write() as s:
        research.delete(s, note.id)


def test_companies_list_and_show(db, people) -> None:
    with db.write() as s:
        contacts.trash(s, people["bob"], now=T0)
        (acme,) = [c for c in companies.list_companies(s) if c.name == "Acme"]
        research.add(s, "Fiscal year starts in April", company_id=acme.id, now=T0)
    with db.read() as s:
        assert [(c.name, c.contact_count) for c in companies.list_companies(s)] == [("Acme", 1)]
        shown = companies.get(s, acme.id)
        assert [p.name for p in shown.contacts] == ["Ann Adams"]
        assert [n.text for n in shown.research] == ["Fiscal year starts in April"]
        with pytest.raises(NotFoundError, match="no company with id 99"):
            companies.get(s, 99)


def test_contact_addresses_and_phones_are_edited(db, people) -> None:
    ann = people["ann"]
    with db.write() as s:
        contacts.update(
            s,
            ann,
            add_phones=[Labeled("+1 212 555 0100"), Labeled("+1 212 555 0199", "mobile")],
            add_addresses=[Address(street="12 Main St\nSpringfield, IL 62701", label="home")],
        )
        contacts.update(
            s,
            ann,
            remove_phones=["+12125550100"],
            add_addresses=[Address(street="1 Infinite Loop", label="work")],
        )
    with db.read() as s:
        c = contacts.get(s, ann)
    assert [p.value for p in c.phones] == ["+1 212 555 0199"]
    assert [(a.label, contact_fields.address_text(a)) for a in c.addresses] == [
        ("home", "12 Main St\nSpringfield, IL 62701"),
        ("work", "1 Infinite Loop"),
    ]
    with db.write() as s:
        contacts.update(s, ann, remove_addresses=["HOME"])
    with db.read() as s:
        assert [a.label for a in contacts.get(s, ann).addresses] == ["work"]
    with pytest.raises(InvalidInputError, match="the address is empty"), db.write() as s:
        contacts.update(s, ann, add_addresses=[Address(street="  ")])


def test_the_brief_has_the_meetings_own_notes(db, meeting) -> None:
    with db.read() as s:
        brief = timeline.load_brief(s, meeting)
    assert brief.notes == "Agenda: budget\nThey want a pilot"
