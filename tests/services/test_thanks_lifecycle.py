"""Thank-you notes after drafting: editing, re-drafting, printed and sent, unsent reminders,
templates the rep edits or adds, and the pages prepared for printing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from relationship_crm.domain.enums import MeetingKind, ThanksStatus
from relationship_crm.domain.errors import InvalidInputError, NotFoundError
from relationship_crm.domain.records import Address, ContactDraft, MeetingDraft
from relationship_crm.services import (
    contacts,
    meetings,
    note_templates,
    settings,
    thanks,
    thanks_drafts,
    thanks_printing,
)

NY = "America/New_York"
T0 = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)  # Monday 23 November, 14:00 in New York


def contact(db, name, **extra):
    with db.write() as s:
        return contacts.create(s, ContactDraft(name=name, **extra), now=T0).id


def meeting(db, attendees, *, when="2026-11-20 10:00", kind=MeetingKind.MEETING, title="Kick-off"):
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


def drafts(db, meeting_id, **kwargs):
    with db.write() as s:
        return thanks_drafts.draft_for_meeting(s, meeting_id, now=T0, **kwargs).value


def note(db, note_id):
    with db.read() as s:
        return thanks.get_note(s, note_id)


@pytest.fixture
def jane_note(db) -> int:
    jane = contact(db, "Jane Doe", company="Acme Corp")
    (note_id,) = drafts(db, meeting(db, [jane]))
    return note_id


# --- editing and re-drafting ------------------------------------------------------------------


def test_a_hand_edit_is_kept_and_marked(db, jane_note):
    with db.write() as s:
        thanks_drafts.update_body(s, jane_note, "Dear Jane,\n\nLovely to meet you.\n\nAlex", now=T0)
    edited = note(db, jane_note)
    assert edited.body == "Dear Jane,\n\nLovely to meet you.\n\nAlex"
    assert edited.edited
    assert edited.status is ThanksStatus.DRAFT


def test_an_empty_edit_is_refused_and_the_text_kept(db, jane_note):
    before = note(db, jane_note).body
    with db.write() as s, pytest.raises(InvalidInputError, match="needs some text"):
        thanks_drafts.update_body(s, jane_note, "  \n ")
    assert note(db, jane_note).body == before


def test_editing_a_printed_note_makes_it_a_draft_again(db, jane_note):
    with db.write() as s:
        thanks.mark_printed(s, [jane_note], now=T0)
    with db.write() as s:
        thanks_drafts.update_body(s, jane_note, "Dear Jane, thanks!", now=T0)
    assert note(db, jane_note).status is ThanksStatus.DRAFT


def test_a_sent_note_cannot_change(db, jane_note):
    with db.write() as s:
        thanks.mark_sent(s, [jane_note], now=T0)
    with db.write() as s, pytest.raises(InvalidInputError, match="already sent"):
        thanks_drafts.update_body(s, jane_note, "new text")
    with db.write() as s, pytest.raises(InvalidInputError, match="already sent"):
        thanks_drafts.redraft(s, jane_note, template="after-deal")


def test_redraft_from_another_template_drops_hand_edits(db, jane_note):
    with db.write() as s:
        thanks_drafts.update_body(s, jane_note, "my own words", now=T0)
    with db.write() as s:
        thanks_drafts.redraft(s, jane_note, template="after-gift", now=T0)
    again = note(db, jane_note)
    assert again.template == "after-gift"
    assert not again.edited
    assert "the team at Acme Corp" in again.body


# --- printed and sent -------------------------------------------------------------------------


def test_draft_then_printed_then_sent_with_dates(db, jane_note):
    later = T0 + timedelta(days=1)
    with db.write() as s:
        thanks.mark_printed(s, [jane_note], now=T0)
    assert (note(db, jane_note).status, note(db, jane_note).printed_at) == (
        ThanksStatus.PRINTED,
        T0,
    )
    with db.write() as s:
        thanks.mark_sent(s, [jane_note], now=later)
    with db.write() as s:
        thanks.mark_sent(s, [jane_note], now=later + timedelta(days=5))  # again: first date kept
        thanks.mark_printed(s, [jane_note], now=later)  # a reprint does not un-send it
    done = note(db, jane_note)
    assert done.status is ThanksStatus.SENT
    assert done.sent_at == later


def test_marking_unknown_ids_changes_nothing(db, jane_note):
    with db.write() as s, pytest.raises(NotFoundError, match="98, 99"):
        thanks.mark_sent(s, [jane_note, 98, 99], now=T0)
    assert note(db, jane_note).status is ThanksStatus.DRAFT


# --- the Reminders panel's unsent notes -------------------------------------------------------


@pytest.mark.parametrize(
    "meeting_day, shown",
    [
        ("2026-11-20 16:00", True),  # Friday: three days ago
        ("2026-11-21 23:30", True),  # Saturday night: two days ago
        ("2026-11-22 08:00", False),  # Sunday: one day ago
        ("2026-11-23 09:00", False),  # this morning
    ],
)
def test_unsent_notes_show_two_days_after_their_meeting(db, meeting_day, shown):
    jane = contact(db, "Jane Doe")
    drafts(db, meeting(db, [jane], when=meeting_day))
    with db.read() as s:
        due = thanks.unsent_due(s, now=T0, zone=NY)
    assert bool(due) is shown
    if shown:
        assert due[0].contact_name == "Jane Doe"
        assert due[0].days_since >= 2


def test_sent_notes_and_trashed_contacts_are_not_reminded(db):
    jane, bob = contact(db, "Jane Doe"), contact(db, "Bob Stone")
    drafts(db, meeting(db, [jane, bob], when="2026-11-10 10:00"))
    with db.read() as s:
        by_contact = {n.contact_id: n.id for n in thanks.list_notes(s)}
    jane_note, bob_note = by_contact[jane], by_contact[bob]
    with db.write() as s:
        thanks.mark_printed(s, [bob_note], now=T0)  # printed but not sent: still reminded
    with db.read() as s:
        assert {d.note_id for d in thanks.unsent_due(s, now=T0, zone=NY)} == {bob_note, jane_note}
    with db.write() as s:
        thanks.mark_sent(s, [jane_note], now=T0)
        contacts.trash(s, bob, now=T0)
    with db.read() as s:
        assert thanks.unsent_due(s, now=T0, zone=NY) == []


# --- templates --------------------------------------------------------------------------------


def test_the_shipped_templates_are_listed_and_valid(db):
    with db.read() as s:
        listed = note_templates.list_templates(s)
    names = [t.name for t in listed]
    assert names[:5] == ["after-meeting", "after-call", "after-lunch", "after-gift", "after-deal"]
    for info in listed:
        assert info.shipped and not info.customised and info.description
        assert "{{first_name}}" in info.body and "{{signature}}" in info.body


def test_an_unknown_placeholder_is_refused_when_saving(db):
    with db.write() as s, pytest.raises(InvalidInputError, match=r"\{\{frist_name\}\}"):
        note_templates.save_template(s, "after-demo", "Dear {{frist_name}},")
    with db.read() as s:
        assert "after-demo" not in [t.name for t in note_templates.list_templates(s)]


def test_the_rep_adds_edits_and_deletes_templates(db):
    jane = contact(db, "Jane Doe")
    with db.write() as s:
        note_templates.save_template(
            s,
            "After Conference",
            "Hi {{first_name}}, great to see you at {{meeting_title}}!",
            description="After a trade show",
        )
    mid = meeting(db, [jane], title="SaaStr")
    (note_id,) = drafts(db, mid, template="after-conference")
    assert note(db, note_id).body == "Hi Jane, great to see you at SaaStr!"
    with db.write() as s:
        note_templates.delete_template(s, "after-conference")
    with db.read() as s, pytest.raises(NotFoundError):
        note_templates.get_template(s, "after-conference")
    assert note(db, note_id).body.startswith("Hi Jane")  # drafts keep their text


def test_a_shipped_template_is_edited_then_reverted(db):
    with db.read() as s:
        shipped = note_templates.get_template(s, "after-lunch").body
    with db.write() as s:
        note_templates.save_template(s, "after-lunch", "Dear {{first_name}}, lunch was fun.")
    with db.read() as s:
        edited = note_templates.get_template(s, "after-lunch")
    assert edited.customised and edited.body == "Dear {{first_name}}, lunch was fun."
    with db.write() as s:
        note_templates.delete_template(s, "after-lunch")
    with db.read() as s:
        assert note_templates.get_template(s, "after-lunch").body == shipped
    with db.write() as s, pytest.raises(InvalidInputError, match="shipped"):
        note_templates.delete_template(s, "after-lunch")


@pytest.mark.parametrize("name", ["", "After/Lunch", "a" * 51, "-x", "déjà"])
def test_template_names_are_checked(db, name):
    with db.write() as s, pytest.raises(InvalidInputError, match="template name"):
        note_templates.save_template(s, name, "Dear {{first_name}}")


# --- pages for printing -----------------------------------------------------------------------


def test_unedited_drafts_pick_up_details_set_after_drafting(db):
    jane = contact(db, "Jane Doe")
    (note_id,) = drafts(db, meeting(db, [jane]))
    assert note(db, note_id).body.endswith("With best regards,")  # no signature known yet
    with db.write() as s:
        thanks_drafts.put_setting(s, "rep_name", "Alex Morgan", now=T0)
        thanks_drafts.put_setting(s, "signature", "Alex", now=T0)
    shown = note(db, note_id).body  # filled again when the signature was set
    with db.write() as s:
        pages, kept = thanks_printing.prepare_pages(s, [note_id], now=T0).value
    assert pages[0].body == shown
    assert kept == []
    assert pages[0].body.endswith("With best regards,\n\nAlex")
    assert note(db, note_id).body == pages[0].body  # what is printed is what is kept
    assert pages[0].date_line == "November 23, 2026"
    assert pages[0].rep.name == "Alex Morgan"


def test_hand_edited_notes_print_as_edited_even_with_a_template(db):
    jane, bob = contact(db, "Jane Doe"), contact(db, "Bob Stone")
    drafts(db, meeting(db, [jane, bob]))
    with db.read() as s:
        by_contact = {n.contact_id: n.id for n in thanks.list_notes(s)}
    jane_note, bob_note = by_contact[jane], by_contact[bob]
    with db.write() as s:
        thanks_drafts.update_body(s, jane_note, "Jane, you are a star.", now=T0)
    with db.write() as s:
        pages, kept = thanks_printing.prepare_pages(
            s, [jane_note, bob_note], template="after-deal", now=T0
        ).value
    assert kept == [jane_note]
    assert pages[0].body == "Jane, you are a star."
    assert "choosing to work with" in pages[1].body
    assert note(db, bob_note).template == "after-deal"


def test_envelope_addresses(db):
    us = contact(
        db,
        "Jane Doe",
        company="Acme Corp",
        addresses=(
            Address(street="1 Main St\nSuite 4", city="Springfield", region="IL", postcode="62701"),
        ),
    )
    de = contact(
        db,
        "Zoë Ångström",
        addresses=(
            Address(street="Hauptstraße 5", city="München", postcode="80331", country="Germany"),
        ),
    )
    nobody = contact(db, "Cher")
    ids = drafts(db, meeting(db, [us, de, nobody]))
    with db.write() as s:
        pages, _ = thanks_printing.prepare_pages(s, ids, now=T0).value
    by_name = {p.contact_name: p for p in pages}
    assert by_name["Jane Doe"].recipient == (
        "Jane Doe",
        "Acme Corp",
        "1 Main St",
        "Suite 4",
        "Springfield, IL 62701",
    )
    assert by_name["Zoë Ångström"].recipient == (
        "Zoë Ångström",
        "Hauptstraße 5",
        "80331 München",
        "Germany",
    )
    assert by_name["Cher"].recipient == ("Cher",) and not by_name["Cher"].has_address


def test_choosing_notes_to_print(db):
    jane = contact(db, "Jane Doe")
    mid = meeting(db, [jane])
    empty = meeting(db, [jane], title="Another")
    (note_id,) = drafts(db, mid)
    with db.read() as s:
        assert thanks_printing.notes_to_print(s, meeting_id=mid) == [note_id]
        assert thanks_printing.notes_to_print(s, all_drafts=True) == [note_id]
        assert thanks_printing.notes_to_print(s, note_ids=[note_id]) == [note_id]
        with pytest.raises(InvalidInputError, match="no thank-you notes"):
            thanks_printing.notes_to_print(s, meeting_id=empty)
        with pytest.raises(InvalidInputError, match="choose"):
            thanks_printing.notes_to_print(s, meeting_id=mid, all_drafts=True)


def test_international_dates(db):
    with db.write() as s:
        settings.put(s, "date_style", "international")
    jane = contact(db, "Jane Doe")
    (note_id,) = drafts(db, meeting(db, [jane], when="2025-12-30 10:00"))
    assert "on 30 December 2025." in note(db, note_id).body  # another year: with the year
    with db.read() as s:
        assert settings.page_size(s) == "a4"


def test_saving_the_shipped_text_unchanged_keeps_no_copy(db):
    with db.read() as s:
        shipped = note_templates.get_template(s, "after-gift")
    with db.write() as s:
        note_templates.save_template(s, "after-gift", shipped.body, description=shipped.description)
    with db.read() as s:
        assert not note_templates.get_template(s, "after-gift").customised


def test_a_description_can_be_cleared_and_must_fit(db):
    with db.write() as s:
        note_templates.save_template(s, "mine", "Hi {{first_name}}", description="Old words")
    with db.write() as s:
        note_templates.save_template(s, "mine", "Hi {{first_name}}", description="")
    with db.read() as s:
        assert note_templates.get_template(s, "mine").description == ""
    with db.write() as s, pytest.raises(InvalidInputError, match="too long"):
        note_templates.save_template(s, "mine", "Hi", description="x" * 201)


def test_rep_details_are_one_line_and_not_overlong(db):
    with db.write() as s:
        settings.put(s, "rep_name", "  Alex \n Morgan ")
    with db.read() as s:
        assert settings.get(s, "rep_name") == "Alex Morgan"
    with db.write() as s, pytest.raises(InvalidInputError, match="rep_company is too long"):
        settings.put(s, "rep_company", "x" * 201)


def test_listing_several_statuses_at_once(db):
    jane, bob = contact(db, "Jane Doe"), contact(db, "Bob Stone")
    drafts(db, meeting(db, [jane, bob]))
    with db.read() as s:
        by_contact = {n.contact_id: n.id for n in thanks.list_notes(s)}
    with db.write() as s:
        thanks.mark_sent(s, [by_contact[bob]], now=T0)
    with db.read() as s:
        to_send = thanks.list_notes(s, statuses=["draft", ThanksStatus.PRINTED])
        assert [n.id for n in to_send] == [by_contact[jane]]
        with pytest.raises(InvalidInputError):
            thanks.list_notes(s, statuses=["posted"])


def test_multi_line_settings_keep_their_lines_and_a_closing_is_not_doubled(db):
    with db.write() as s:
        thanks_drafts.put_setting(s, "rep_address", " 1 Main St \r\n\n Springfield\x07 ", now=T0)
        thanks_drafts.put_setting(s, "signature", "With best wishes,\nAlex", now=T0)
        thanks_drafts.put_setting(
            s, "rep_name", "Alex\nMorgan", now=T0
        )  # one-line settings stay one
    with db.read() as s:
        assert settings.get(s, "rep_address") == "1 Main St\nSpringfield"
        assert settings.get(s, "rep_name") == "Alex Morgan"
    jane = contact(db, "Jane Doe")
    (note_id,) = drafts(db, meeting(db, [jane]))
    body = note(db, note_id).body
    assert "With best regards," not in body  # the template's closing gave way to the signature's
    assert body.endswith("\n\nWith best wishes,\nAlex")
    with db.write() as s:
        pages, _ = thanks_printing.prepare_pages(s, [note_id], now=T0).value
    assert pages[0].return_address == ("Alex Morgan", "1 Main St", "Springfield")


def test_a_signature_without_a_closing_keeps_the_templates(db):
    with db.write() as s:
        thanks_drafts.put_setting(s, "signature", "Smith, John", now=T0)
    jane = contact(db, "Jane Doe")
    (note_id,) = drafts(db, meeting(db, [jane]))
    assert note(db, note_id).body.endswith("With best regards,\n\nSmith, John")
