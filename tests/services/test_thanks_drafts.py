"""Thank-you drafts: one per attendee, never twice, worded from the meeting; listing and filters."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from relationship_crm.domain.enums import MeetingKind, ThanksStatus
from relationship_crm.domain.errors import InvalidInputError, NotFoundError
from relationship_crm.domain.records import ContactDraft, MeetingDraft
from relationship_crm.services import contacts, meetings, thanks, thanks_drafts
from relationship_crm.storage.schema import Contact, ThankYouNote

NY = "America/New_York"
T0 = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)


@pytest.fixture
def people(db) -> dict[str, int]:
    with db.write() as s:
        return {
            "jane": contacts.create(s, ContactDraft(name="Jane Doe"), now=T0).id,
            "siobhan": contacts.create(s, ContactDraft(name="Siobhán Ó Briain"), now=T0).id,
            "cher": contacts.create(s, ContactDraft(name="Cher"), now=T0).id,
        }


def log(db, attendees, *, title="Kick-off", kind=MeetingKind.MEETING, when="2026-11-20 10:00"):
    with db.write() as s:
        return meetings.log(
            s,
            MeetingDraft(
                title=title,
                starts_local=datetime.strptime(when, "%Y-%m-%d %H:%M"),
                tz=NY,
                attendee_ids=tuple(attendees),
                kind=kind,
            ),
            now=T0,
        ).id


def test_one_draft_per_attendee_addressed_by_first_name(db, people):
    meeting_id = log(db, [people["jane"], people["siobhan"]])
    with db.write() as s:
        ids = thanks_drafts.draft_for_meeting(s, meeting_id, now=T0).value
    assert len(ids) == 2
    with db.read() as s:
        notes = thanks.list_notes(s, meeting_id=meeting_id)
    assert {n.id for n in notes} == set(ids)
    by_contact = {n.contact_id: n for n in notes}
    jane = by_contact[people["jane"]]
    assert jane.body.startswith(
        "Dear Jane,\n\nThank you for taking the time to meet with me on November 20. I enjoyed "
        "our conversation about Kick-off and"
    )
    assert by_contact[people["siobhan"]].body.startswith("Dear Siobhán,\n\n")
    assert jane.status is ThanksStatus.DRAFT
    assert jane.contact_name == "Jane Doe"
    assert jane.drafted_at == T0
    assert jane.printed_at is None and jane.sent_at is None


def test_running_again_creates_nothing(db, people):
    meeting_id = log(db, [people["jane"], people["siobhan"]])
    with db.write() as s:
        first = thanks_drafts.draft_for_meeting(s, meeting_id, now=T0).value
    with db.write() as s:
        again = thanks_drafts.draft_for_meeting(s, meeting_id, now=T0).value
    assert len(first) == 2
    assert again == []
    with db.read() as s:
        assert len(thanks.list_notes(s, meeting_id=meeting_id)) == 2


def test_only_attendees_without_a_note_get_one(db, people):
    meeting_id = log(db, [people["jane"], people["siobhan"], people["cher"]])
    with db.write() as s:
        (jane_note,) = thanks_drafts.draft_for_meeting(
            s, meeting_id, contact_ids=[people["jane"]]
        ).value
        s.get(ThankYouNote, jane_note).status = ThanksStatus.SENT.value  # already sent: still skip
    with db.write() as s:
        new = thanks_drafts.draft_for_meeting(s, meeting_id, now=T0).value
    with db.read() as s:
        notes = thanks.list_notes(s, meeting_id=meeting_id)
    assert len(new) == 2
    assert {n.contact_id for n in notes if n.id in new} == {people["siobhan"], people["cher"]}


def test_a_subset_of_attendees(db, people):
    meeting_id = log(db, [people["jane"], people["siobhan"]])
    with db.write() as s:
        ids = thanks_drafts.draft_for_meeting(
            s, meeting_id, contact_ids=[people["siobhan"]], now=T0
        ).value
    with db.read() as s:
        notes = thanks.list_notes(s, meeting_id=meeting_id)
    assert [n.contact_id for n in notes] == [people["siobhan"]]
    assert [n.id for n in notes] == ids


def test_someone_who_did_not_attend_is_refused(db, people):
    meeting_id = log(db, [people["jane"]])
    with db.write() as s, pytest.raises(InvalidInputError, match="did not attend"):
        thanks_drafts.draft_for_meeting(s, meeting_id, contact_ids=[people["cher"]])


def test_unknown_meeting(db):
    with db.write() as s, pytest.raises(NotFoundError):
        thanks_drafts.draft_for_meeting(s, 999)


def test_attendee_in_the_trash_gets_no_draft(db, people):
    meeting_id = log(db, [people["jane"], people["cher"]])
    with db.write() as s:
        contacts.trash(s, people["cher"], now=T0)
    with db.write() as s:
        ids = thanks_drafts.draft_for_meeting(s, meeting_id, now=T0).value
    with db.read() as s:
        assert [n.contact_id for n in thanks.list_notes(s)] == [people["jane"]]
    assert len(ids) == 1


def test_display_name_is_used_when_there_is_no_given_name(db, people):
    meeting_id = log(db, [people["cher"]])
    with db.write() as s:
        s.get(Contact, people["cher"]).given_name = ""  # e.g. imported without name parts
    with db.write() as s:
        thanks_drafts.draft_for_meeting(s, meeting_id, now=T0)
    with db.read() as s:
        (note,) = thanks.list_notes(s)
    assert note.body.startswith("Dear Cher,\n\n")


@pytest.mark.parametrize(
    "kind, template, sentence",
    [
        (MeetingKind.MEETING, "after-meeting", "Thank you for taking the time to meet with me on"),
        (MeetingKind.CALL, "after-call", "Thank you for taking the time to speak with me on"),
        (MeetingKind.LUNCH, "after-lunch", "Thank you for joining me for lunch on"),
        (MeetingKind.EVENT, "after-meeting", "Thank you for taking the time to meet with me on"),
        (MeetingKind.EMAIL, "after-call", "Thank you for taking the time to speak with me on"),
    ],
)
def test_the_draft_uses_the_template_for_the_kind(db, people, kind, template, sentence):
    meeting_id = log(db, [people["jane"]], kind=kind, title="Q2", when="2026-03-03 10:00")
    with db.write() as s:
        thanks_drafts.draft_for_meeting(s, meeting_id, now=T0)
    with db.read() as s:
        (note,) = thanks.list_notes(s)
    assert note.template == template
    paragraphs = note.body.split("\n\n")
    assert paragraphs[0] == "Dear Jane,"
    # New York zone: US dates; the meeting was this year, so no year.
    assert paragraphs[1].startswith(f"{sentence} March 3")


def test_names_and_titles_are_inserted_as_typed_plain_text(db):
    with db.write() as s:
        odd = contacts.create(s, ContactDraft(name="{{rep_name}} <b>Bob</b>"), now=T0).id
    meeting_id = log(db, [odd], title="Renewal <i>2027</i> {{date}}")
    with db.write() as s:
        thanks_drafts.draft_for_meeting(s, meeting_id, now=T0)
    with db.read() as s:
        (note,) = thanks.list_notes(s)
    assert note.body.startswith("Dear {{rep_name}},")  # "{{rep_name}}" is the given name here
    assert "about Renewal <i>2027</i> {{date}} and" in note.body


def test_an_explicit_template_and_an_unknown_one(db, people):
    meeting_id = log(db, [people["jane"]])
    with db.write() as s, pytest.raises(NotFoundError, match="after-meeting"):
        thanks_drafts.draft_for_meeting(s, meeting_id, template="after-party")
    with db.write() as s:
        thanks_drafts.draft_for_meeting(s, meeting_id, template="after-deal", now=T0)
    with db.read() as s:
        (note,) = thanks.list_notes(s)
    assert note.template == "after-deal"
    assert "Thank you for choosing to work with us." in note.body


def test_list_notes_filters_by_status(db, people):
    first = log(db, [people["jane"]])
    second = log(db, [people["siobhan"]], title="Demo")
    with db.write() as s:
        (sent,) = thanks_drafts.draft_for_meeting(s, first, now=T0).value
        thanks_drafts.draft_for_meeting(s, second, now=T0)
        note = s.get(ThankYouNote, sent)
        note.status = ThanksStatus.SENT.value
        note.sent_at = T0
    with db.read() as s:
        drafts = thanks.list_notes(s, status="draft")
        sent_notes = thanks.list_notes(s, status=ThanksStatus.SENT)
        everything = thanks.list_notes(s)
    assert [n.meeting_id for n in drafts] == [second]
    assert [(n.id, n.sent_at) for n in sent_notes] == [(sent, T0)]
    assert len(everything) == 2
    with db.read() as s, pytest.raises(InvalidInputError, match="draft, printed, sent"):
        thanks.list_notes(s, status="posted")
