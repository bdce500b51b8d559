"""The contact page: details as plain text, timeline, research notes and the meeting brief."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from relationship_crm.domain.records import ContactDraft, GiftDraft, MeetingDraft
from relationship_crm.services import contacts, gifts, meetings, research
from relationship_crm.ui.dialogs.gift_dialog import GiftDialog
from relationship_crm.ui.dialogs.log_meeting import LogMeetingDialog
from relationship_crm.ui.dialogs.meeting_brief import MeetingBriefDialog
from relationship_crm.ui.panels.contact_page import (
    ContactPage,
    ResearchEditDialog,
    ResearchNoteDialog,
)

NY = "America/New_York"


@pytest.fixture
def data(db):
    with db.write() as s:
        ann = contacts.create(
            s,
            ContactDraft(
                name="Ann <b>Bold</b>",
                company="Acme",
                notes="<img src='http://x/y.png'> likes jazz",
            ),
        ).id
        bob = contacts.create(s, ContactDraft(name="Bob Buyer")).id
        past = meetings.log(
            s, MeetingDraft("Kick-off", datetime(2026, 11, 2, 10), NY, (ann, bob))
        ).id
        soon = meetings.log(s, MeetingDraft("Review", datetime(2026, 12, 2, 10), NY, (ann, bob))).id
        gifts.add(s, GiftDraft(bob, "Wine", datetime(2026, 6, 1).date(), Decimal("45"), "EUR"))
    return {"ann": ann, "bob": bob, "past": past, "soon": soon}


@pytest.fixture
def page(qtbot, ctx, data, wait_idle):
    widget = ContactPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    widget.show_contact(data["ann"])
    wait_idle()
    return widget


def test_names_and_notes_are_shown_literally(page):
    assert page.name_label.text() == "Ann <b>Bold</b>"
    assert "<img src='http://x/y.png'>" in page.notes_label.text()
    assert page.name_label.textFormat().name == "PlainText"


def test_timeline_lists_meetings_newest_first(page):
    whats = [
        page.timeline.topLevelItem(i).text(1) for i in range(page.timeline.topLevelItemCount())
    ]
    assert whats[:2] == ["Meeting: Review", "Meeting: Kick-off"]


def test_research_note_on_an_upcoming_meeting(qtbot, page, data, db, wait_idle):
    page.research_button.click()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ResearchNoteDialog))
    labels = [dialog.about.itemText(i) for i in range(dialog.about.count())]
    assert labels[0] == "Ann <b>Bold</b>" and labels[1] == "Acme (company)"
    assert labels[2].startswith("Meeting: Review")
    dialog.about.setCurrentIndex(2)
    dialog.text.setPlainText("Their CFO changed in October")
    dialog._on_save()
    wait_idle()
    with db.read() as s:
        (note,) = research.list_notes(s, meeting_id=data["soon"])
    assert note.text == "Their CFO changed in October"


def test_brief_gathers_every_attendee(qtbot, ctx, data, db, wait_idle):
    with db.write() as s:
        research.add(s, "Budget cycle starts in January", meeting_id=data["soon"])
    dialog = MeetingBriefDialog(ctx, data["soon"])
    qtbot.addWidget(dialog)
    wait_idle()
    text = dialog.text.toPlainText()
    assert "Review" in dialog.heading.text()
    assert "Budget cycle starts in January" in text
    assert "■ Ann <b>Bold</b>" in text and "■ Bob Buyer" in text
    assert "Kick-off" in text  # their last meeting
    assert "Gifts given so far: 45.00 EUR" in text
    assert "Gift: Wine" in text


def test_brief_shows_the_meetings_own_notes(qtbot, ctx, data, db, wait_idle):
    with db.write() as s:
        meetings.update(s, data["soon"], notes="Agenda: pricing\nBring the pilot results")
    dialog = MeetingBriefDialog(ctx, data["soon"])
    qtbot.addWidget(dialog)
    wait_idle()
    text = dialog.text.toPlainText()
    assert "Notes:\n   Agenda: pricing\n   Bring the pilot results" in text


def _row(page, kind: str):
    for i in range(page.timeline.topLevelItemCount()):
        item = page.timeline.topLevelItem(i)
        if item.data(0, Qt.ItemDataRole.UserRole)[0] == kind:
            return item
    raise AssertionError(f"no {kind} row")


def test_the_selected_timeline_entry_is_shown_whole(qtbot, page, data, db, wait_idle):
    long_text = "Their CFO changed in October; the new one prefers short decks. " * 5
    with db.write() as s:
        research.add(s, long_text.strip(), contact_id=data["ann"])
    page.reload()
    wait_idle()
    page.timeline.setCurrentItem(_row(page, "research"))
    assert long_text.strip() in page.timeline_details.toPlainText()


def test_double_click_on_research_opens_it_for_correction(qtbot, page, data, db, wait_idle):
    with db.write() as s:
        note = research.add(s, "Uses SAP", contact_id=data["ann"], source_url="https://a").id
    page.reload()
    wait_idle()
    page.timeline.itemActivated.emit(_row(page, "research"), 0)
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ResearchEditDialog))
    wait_idle()
    assert dialog.text.toPlainText() == "Uses SAP" and dialog.source.text() == "https://a"
    dialog.text.setPlainText("Uses SAP and Oracle")
    dialog._on_save()
    wait_idle()
    with db.read() as s:
        assert research.get(s, note).text == "Uses SAP and Oracle"
    assert "Uses SAP and Oracle" in _row(page, "research").text(2)


def test_double_click_on_a_gift_opens_the_gift_dialog_in_edit_mode(
    qtbot, page, data, db, wait_idle
):
    with db.write() as s:
        gift = gifts.add(
            s, GiftDraft(data["ann"], "Book", date(2026, 5, 4), Decimal("20"), "USD", "Birthday")
        ).id
    page.reload()
    wait_idle()
    page.timeline.itemActivated.emit(_row(page, "gift"), 0)
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, GiftDialog))
    wait_idle()
    assert dialog.windowTitle() == "Edit gift for Ann <b>Bold</b>"
    assert (dialog.item_edit.text(), dialog.cost_edit.text()) == ("Book", "20")
    assert dialog.currency_combo.currentText() == "USD"
    assert dialog.occasion_edit.text() == "Birthday"
    assert dialog.repeat_label.isHidden()  # the gift itself is no repeat
    dialog.item_edit.setText("Signed book")
    dialog.cost_edit.setText("")
    dialog._save()
    wait_idle()
    with db.read() as s:
        g = gifts.get(s, gift)
        assert (g.item, g.cost, g.currency, g.given_on) == (
            "Signed book",
            None,
            "USD",
            date(2026, 5, 4),
        )
        assert len(gifts.list_gifts(s, contact_id=data["ann"])) == 1


def test_double_click_on_a_meeting_opens_it_for_correction(qtbot, page, data, db, wait_idle):
    review = next(
        page.timeline.topLevelItem(i)
        for i in range(page.timeline.topLevelItemCount())
        if page.timeline.topLevelItem(i).text(1) == "Meeting: Review"
    )
    page.timeline.itemActivated.emit(review, 0)
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, LogMeetingDialog))
    wait_idle()
    assert dialog.windowTitle() == "Edit meeting" and dialog.ok_button.text() == "Save"
    assert dialog.title_edit.text() == "Review"
    assert dialog.zone_picker.zone() == NY
    assert dialog.when_edit.dateTime().toString("yyyy-MM-dd HH:mm") == "2026-12-02 10:00"
    assert sorted(dialog.picker.selected_ids()) == sorted([data["ann"], data["bob"]])
    assert dialog.thanks_check.isHidden() and dialog.follow_up_box.isHidden()
    dialog.title_edit.setText("Quarterly review")
    dialog.notes_edit.setPlainText("Bring the numbers")
    dialog.picker.remove_contact(data["bob"])
    dialog._save()
    wait_idle()
    with db.read() as s:
        m = meetings.get(s, data["soon"])
    assert (m.title, m.notes, m.tz) == ("Quarterly review", "Bring the numbers", NY)
    assert m.starts_at.isoformat() == "2026-12-02T10:00:00-05:00"
    assert [i for i, _ in m.attendees] == [data["ann"]]


def test_the_brief_is_in_the_timeline_context_menu(qtbot, page, data, wait_idle):
    assert not page.brief_action.isEnabled()
    page.timeline.setCurrentItem(page.timeline.topLevelItem(0))
    assert page.brief_action.isEnabled()
    page.brief_action.trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MeetingBriefDialog))
    wait_idle()
    assert "Review" in dialog.heading.text()
