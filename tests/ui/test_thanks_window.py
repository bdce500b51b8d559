"""The thank-you notes window: the list by status, editing and re-drafting a note, and the actions
on the selection, as a rep sees them (real database, real widgets)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.enums import MeetingKind, ThanksStatus
from relationship_crm.domain.records import ContactDraft, MeetingDraft
from relationship_crm.services import contacts, meetings, settings, thanks, thanks_drafts
from relationship_crm.ui.dialogs.print_notes import PrintNotesDialog
from relationship_crm.ui.dialogs.thanks_window import DRAFTING_HINT, ThanksModel, ThanksWindow

pytestmark = pytest.mark.gui

NY = "America/New_York"
EARLY = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


def log(s, title: str, when: datetime, attendees: tuple[int, ...], kind=MeetingKind.MEETING):
    return meetings.log(s, MeetingDraft(title, when, NY, attendees, kind=kind), now=EARLY).id


@pytest.fixture
def notes(db) -> dict[str, int]:
    """Jane and Zoë met the rep on Wednesday; <b>Bob</b> had lunch on Friday. The lunch note
    was drafted first, so the list's order (oldest meeting first) is not the drafting order."""
    with db.write() as s:
        settings.put(s, "rep_name", "Sam Rep")
        jane = contacts.create(s, ContactDraft(name="Jane Doe"), now=EARLY).id
        zoe = contacts.create(s, ContactDraft(name="Zoë Ångström"), now=EARLY).id
        bob = contacts.create(s, ContactDraft(name="<b>Bob</b>"), now=EARLY).id
        lunch = log(s, "Lunch", datetime(2026, 11, 20, 12, 0), (bob,), MeetingKind.LUNCH)
        kickoff = log(s, "Kick-off", datetime(2026, 11, 18, 10, 0), (jane, zoe))
        (bob_note,) = thanks_drafts.draft_for_meeting(s, lunch, now=EARLY).value
        jane_note, zoe_note = thanks_drafts.draft_for_meeting(s, kickoff, now=LATER).value
    return {
        "jane": jane_note,
        "zoe": zoe_note,
        "bob": bob_note,
        "kickoff": kickoff,
        "lunch": lunch,
        "bob_contact": bob,
    }


@pytest.fixture
def open_window(qtbot, ctx, wait_idle):
    def open_(**kwargs) -> ThanksWindow:
        window = ThanksWindow(ctx, **kwargs)
        window.ask_unsaved = lambda _note: "discard"  # tests about the question replace it
        # Closing after the test must not stop at the unsaved-text question.
        qtbot.addWidget(window, before_close_func=discard_on_close)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        wait_idle()  # the notes are loaded
        return window

    return open_


def discard_on_close(window: ThanksWindow) -> None:
    window.ask_unsaved = lambda _note: "discard"


def rows(window: ThanksWindow) -> list[list[str]]:
    model = window.model
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def note(db, note_id: int) -> thanks.ThanksView:
    with db.read() as s:
        return thanks.get_note(s, note_id)


def set_filter(window: ThanksWindow, label: str, wait_idle) -> None:
    window.filter_combo.setCurrentIndex(window.filter_combo.findText(label))
    wait_idle()


def refuse(*_args: object) -> bool:
    raise AssertionError("nothing should have been asked")


# --- the list ---------------------------------------------------------------------------------


def test_lists_one_note_per_attendee_oldest_meeting_first(open_window, notes, db):
    window = open_window()
    assert window.windowTitle() == "Thank-you notes"
    assert window.filter_combo.currentText() == "To send"
    assert [window.filter_combo.itemText(i) for i in range(window.filter_combo.count())] == [
        "To send",
        "Drafts",
        "Printed",
        "Sent",
        "All",
    ]
    assert rows(window) == [
        ["Jane Doe", "Kick-off", "Wed 18 Nov", "Draft"],
        ["Zoë Ångström", "Kick-off", "Wed 18 Nov", "Draft"],
        ["<b>Bob</b>", "Lunch", "Fri 20 Nov", "Draft"],
    ]
    # The first note is open on the right, as stored.
    assert window.current_note().id == notes["jane"]
    assert window.header_label.text() == "To Jane Doe"
    assert window.meeting_line.text() == "Kick-off · Wed 18 Nov"
    assert window.details_label.text() == (
        "Template after-meeting · drafted Sat 21 Nov · not sent yet"
    )
    assert window.body_edit.toPlainText() == note(db, notes["jane"]).body
    assert not window.body_edit.isReadOnly()
    assert not window.save_button.isEnabled()  # nothing changed yet
    assert window.template_combo.currentText() == "after-meeting"
    assert window.count_label.text() == "3 notes"


def test_a_name_is_shown_as_text(open_window, notes):
    window = open_window()
    assert window.select_note(notes["bob"])
    assert window.header_label.text() == "To <b>Bob</b>"
    assert window.header_label.textFormat() == Qt.TextFormat.PlainText


def test_the_model_is_a_well_behaved_table(qtmodeltester, open_window, notes):
    window = open_window()
    assert isinstance(window.model, ThanksModel)
    qtmodeltester.check(window.model)
    assert window.model.index(0, 0).data(ThanksModel.IdRole) == notes["jane"]
    assert window.model.index(2, 0).data(ThanksModel.NoteRole).contact_name == "<b>Bob</b>"


def test_the_status_filters(db, open_window, notes, wait_idle):
    with db.write() as s:
        thanks.mark_printed(s, [notes["zoe"]], now=LATER)
        thanks.mark_sent(s, [notes["bob"]], now=LATER)
    window = open_window()
    assert [r[0] for r in rows(window)] == ["Jane Doe", "Zoë Ångström"]  # to send
    assert rows(window)[1][3] == "Printed Sat 21 Nov"
    set_filter(window, "Drafts", wait_idle)
    assert [r[0] for r in rows(window)] == ["Jane Doe"]
    set_filter(window, "Printed", wait_idle)
    assert [r[0] for r in rows(window)] == ["Zoë Ångström"]
    set_filter(window, "Sent", wait_idle)
    assert rows(window) == [["<b>Bob</b>", "Lunch", "Fri 20 Nov", "Sent Sat 21 Nov"]]
    set_filter(window, "All", wait_idle)
    assert len(rows(window)) == 3


def test_opened_for_a_meeting_it_shows_that_meeting_until_the_filter_is_removed(
    qtbot, open_window, notes, wait_idle
):
    window = open_window(meeting_id=notes["lunch"])
    assert window.meeting_chip.isVisible()
    assert window.meeting_label.text() == "Meeting: Lunch"
    assert [r[0] for r in rows(window)] == ["<b>Bob</b>"]
    assert window.current_note().id == notes["bob"]

    qtbot.mouseClick(window.clear_meeting_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert not window.meeting_chip.isVisible()
    assert window.meeting_id is None
    assert len(rows(window)) == 3
    assert window.current_note().id == notes["bob"]  # still the note the rep was on


def test_an_empty_list_says_how_notes_get_there(open_window):
    window = open_window()
    assert window.model.rowCount() == 0
    assert window.empty_label.isVisible()
    assert window.empty_label.text() == (
        f"Nothing to send: every thank-you note has gone out.\n\n{DRAFTING_HINT}"
    )
    assert not window.print_button.isVisible()
    assert window.current_note() is None


def test_a_meeting_with_every_note_sent_says_where_they_are(db, open_window, notes):
    with db.write() as s:
        thanks.mark_sent(s, [notes["bob"]], now=LATER)
    window = open_window(meeting_id=notes["lunch"])
    assert window.empty_label.isVisible()
    assert window.empty_label.text().startswith("Nothing to send for this meeting.")
    assert "“All”" in window.empty_label.text()


def test_refreshes_when_notes_change_elsewhere(qtbot, ctx, db, open_window, notes):
    window = open_window()
    with db.write() as s:
        dinner = log(s, "Dinner", datetime(2026, 11, 22, 19, 0), (notes["bob_contact"],))
        thanks_drafts.draft_for_meeting(s, dinner, now=LATER)
    with qtbot.waitSignal(window.refreshed):
        ctx.events.notify(Changes(thanks=True), None)
    assert [r[1] for r in rows(window)] == ["Kick-off", "Kick-off", "Lunch", "Dinner"]


# --- editing ----------------------------------------------------------------------------------


def test_saving_edited_text_stores_it_and_marks_it_edited(
    qtbot, ctx, db, open_window, notes, wait_idle
):
    window = open_window()
    assert window.select_note(notes["bob"])
    window.body_edit.setPlainText("Dear Bob,\n\nThank you for lunch!\n\nSam")
    assert window.save_button.isEnabled()

    with qtbot.waitSignal(ctx.events.changed) as changed:
        qtbot.mouseClick(window.save_button, Qt.MouseButton.LeftButton)
    wait_idle()

    assert changed.args == [Changes(thanks=True), window]
    stored = note(db, notes["bob"])
    assert stored.body == "Dear Bob,\n\nThank you for lunch!\n\nSam"
    assert stored.edited and stored.status is ThanksStatus.DRAFT
    assert rows(window)[2][3] == "Draft · edited"
    assert "edited by hand" in window.details_label.text()
    assert not window.save_button.isEnabled()
    assert window.done_label.text() == "Saved the note to <b>Bob</b>."


def test_ctrl_s_saves_the_text(qtbot, db, open_window, notes, wait_idle):
    window = open_window()
    window.body_edit.setFocus()
    window.body_edit.moveCursor(window.body_edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(window.body_edit, " PS: see you in March.")
    qtbot.keyClick(window.body_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle()
    stored = note(db, notes["jane"])
    assert stored.body.endswith("PS: see you in March.")
    assert stored.edited


def test_empty_text_is_refused_inline(qtbot, db, open_window, notes, wait_idle):
    window = open_window()
    before = note(db, notes["jane"]).body
    window.body_edit.setPlainText("   \n ")
    window.save_text()
    wait_idle()
    assert window.error_label.isVisible()
    assert window.error_label.text() == (
        "The note to Jane Doe was not saved: a thank-you note needs some text"
    )
    assert note(db, notes["jane"]).body == before
    assert window.save_button.isEnabled()  # still unsaved: the rep can fix it
    assert window.body_edit.toPlainText() == "   \n "


def test_a_note_sent_meanwhile_refuses_the_edit_inline(qtbot, db, open_window, notes, wait_idle):
    window = open_window()
    window.body_edit.setPlainText("Dear Jane,\n\nThanks!")
    with db.write() as s:  # e.g. from the command line
        thanks.mark_sent(s, [notes["jane"]], now=LATER)
    window.save_text()
    wait_idle()
    assert window.error_label.isVisible()
    assert "was already sent; it cannot change" in window.error_label.text()
    assert "Traceback" not in window.error_label.text()


def test_a_sent_note_cannot_be_edited(db, open_window, notes, wait_idle):
    with db.write() as s:
        thanks.mark_sent(s, [notes["zoe"]], now=LATER)
    window = open_window()
    set_filter(window, "Sent", wait_idle)
    assert window.current_note().id == notes["zoe"]
    assert window.body_edit.isReadOnly()
    assert window.sent_hint.isVisible()
    assert not window.save_button.isEnabled()
    assert not window.redraft_button.isEnabled()
    assert not window.template_combo.isEnabled()
    assert not window.sent_button.isEnabled()  # already sent
    assert window.details_label.text().endswith("sent Sat 21 Nov")


def test_unsaved_text_survives_a_refresh(qtbot, ctx, open_window, notes):
    window = open_window()
    window.body_edit.setPlainText("Dear Jane, half-written")
    with qtbot.waitSignal(window.refreshed):
        ctx.events.notify(Changes(contacts=True), None)
    assert window.body_edit.toPlainText() == "Dear Jane, half-written"
    assert window.save_button.isEnabled()


# --- leaving unsaved text ---------------------------------------------------------------------


def test_switching_notes_with_unsaved_text_can_be_cancelled(open_window, notes, db):
    window = open_window()
    asked: list[str] = []
    window.ask_unsaved = lambda n: asked.append(n.contact_name) or "cancel"
    window.body_edit.setPlainText("Dear Jane, unsaved")
    assert not window.select_note(notes["zoe"])
    assert asked == ["Jane Doe"]
    assert window.current_note().id == notes["jane"]
    assert window.table.currentIndex().row() == 0
    assert window.body_edit.toPlainText() == "Dear Jane, unsaved"


def test_clicking_another_row_with_unsaved_text_can_be_cancelled(qtbot, open_window, notes):
    window = open_window()
    window.ask_unsaved = lambda n: "cancel"
    window.body_edit.setPlainText("Dear Jane, unsaved")
    zoe_row = window.table.visualRect(window.model.index(1, 0))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=zoe_row.center())
    qtbot.wait(20)  # the window puts the selection back once the click is handled
    assert window.selected_ids() == [notes["jane"]]
    assert window.table.currentIndex().row() == 0
    assert window.current_note().id == notes["jane"]
    assert window.body_edit.toPlainText() == "Dear Jane, unsaved"


def test_switching_notes_can_discard_the_text(open_window, notes, db, runner):
    window = open_window()
    before = note(db, notes["jane"]).body
    window.ask_unsaved = lambda n: "discard"
    window.body_edit.setPlainText("Dear Jane, unsaved")
    assert window.select_note(notes["zoe"])
    assert runner.idle
    assert note(db, notes["jane"]).body == before
    assert window.select_note(notes["jane"])  # nothing to ask any more
    assert window.body_edit.toPlainText() == before


def test_switching_notes_can_save_the_text(open_window, notes, db, wait_idle):
    window = open_window()
    window.ask_unsaved = lambda n: "save"
    window.body_edit.setPlainText("Dear Jane,\n\nSaved on the way out.")
    assert window.select_note(notes["zoe"])
    wait_idle()
    assert note(db, notes["jane"]).body == "Dear Jane,\n\nSaved on the way out."
    assert window.current_note().id == notes["zoe"]
    assert window.body_edit.toPlainText() == note(db, notes["zoe"]).body


def test_changing_the_filter_with_unsaved_text_asks(open_window, notes, wait_idle, runner):
    window = open_window()
    window.ask_unsaved = lambda n: "cancel"
    window.body_edit.setPlainText("Dear Jane, unsaved")
    window.filter_combo.setCurrentIndex(window.filter_combo.findText("Sent"))
    wait_idle()
    assert window.filter_combo.currentText() == "To send"
    assert window.body_edit.toPlainText() == "Dear Jane, unsaved"


def test_closing_with_unsaved_text_asks(open_window, notes, db, wait_idle):
    window = open_window()
    answers = iter(["cancel", "save"])
    window.ask_unsaved = lambda n: next(answers)
    window.body_edit.setPlainText("Dear Jane,\n\nKept.")
    window.reject()
    assert window.isVisible()
    window.reject()
    wait_idle()
    assert not window.isVisible()
    assert window.result() == QDialog.DialogCode.Rejected
    assert note(db, notes["jane"]).body == "Dear Jane,\n\nKept."


# --- re-drafting ------------------------------------------------------------------------------


def test_redraft_from_another_template_replaces_the_text(qtbot, db, open_window, notes, wait_idle):
    window = open_window()
    window.confirm = refuse  # not edited by hand: nothing to lose, nothing to ask
    window.template_combo.setCurrentIndex(window.template_combo.findText("after-lunch"))
    qtbot.mouseClick(window.redraft_button, Qt.MouseButton.LeftButton)
    wait_idle()
    stored = note(db, notes["jane"])
    assert stored.template == "after-lunch"
    assert "Thank you for joining me for lunch on November 18." in stored.body
    assert window.body_edit.toPlainText() == stored.body
    assert window.details_label.text().startswith("Template after-lunch ·")


def test_redraft_of_a_hand_edited_note_asks_first(db, open_window, notes, wait_idle, runner):
    with db.write() as s:
        thanks_drafts.update_body(s, notes["jane"], "Dear Jane,\n\nMy own words.", now=LATER)
    window = open_window()
    questions: list[str] = []
    window.confirm = lambda title, text, action: questions.append(text) or False
    window.redraft()
    assert runner.idle
    assert questions and "The text you wrote yourself will be replaced." in questions[0]
    assert note(db, notes["jane"]).body == "Dear Jane,\n\nMy own words."

    window.confirm = lambda *args: True
    window.redraft()
    wait_idle()
    stored = note(db, notes["jane"])
    assert not stored.edited
    assert stored.body.startswith("Dear Jane,\n\nThank you for taking the time")
    assert window.body_edit.toPlainText() == stored.body
    assert not window.save_button.isEnabled()


# --- actions on the selection -----------------------------------------------------------------


def test_mark_sent_moves_notes_out_of_to_send(qtbot, ctx, db, open_window, notes, wait_idle):
    window = open_window()
    window.table.selectAll()
    assert window.selected_ids() == [notes["jane"], notes["zoe"], notes["bob"]]
    assert window.count_label.text() == "3 notes · 3 selected"
    with qtbot.waitSignal(ctx.events.changed) as changed:
        qtbot.mouseClick(window.sent_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert changed.args == [Changes(thanks=True), window]
    assert window.model.rowCount() == 0
    assert window.empty_label.isVisible()
    assert window.done_label.text() == "Marked 3 notes sent. Choose “Sent” to see them again."
    assert all(note(db, i).status is ThanksStatus.SENT for i in window_ids(notes))

    set_filter(window, "Sent", wait_idle)
    assert [r[3] for r in rows(window)] == ["Sent Mon 23 Nov"] * 3
    assert not window.done_label.isVisible()


def window_ids(notes: dict[str, int]) -> list[int]:
    return [notes["jane"], notes["zoe"], notes["bob"]]


def test_delete_asks_then_deletes(qtbot, db, open_window, notes, wait_idle, runner):
    window = open_window()
    assert window.select_note(notes["zoe"])
    questions: list[str] = []
    window.confirm = lambda title, text, action: questions.append(text) or False
    qtbot.mouseClick(window.delete_button, Qt.MouseButton.LeftButton)
    assert runner.idle
    assert questions == [
        "Delete the thank-you note to Zoë Ångström (Kick-off)?\n\nThis cannot be undone."
    ]
    assert len(rows(window)) == 3

    window.confirm = lambda *args: True
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)  # the key works on the list
    wait_idle()
    assert [r[0] for r in rows(window)] == ["Jane Doe", "<b>Bob</b>"]
    with db.read() as s:
        assert [n.id for n in thanks.list_notes(s)] == [notes["bob"], notes["jane"]]
    # The row that took its place is now the current one.
    assert window.current_note().id == notes["bob"]


def test_delete_in_the_editor_deletes_text_not_notes(qtbot, open_window, notes, runner):
    window = open_window()
    window.confirm = refuse
    window.body_edit.setFocus()
    window.body_edit.moveCursor(window.body_edit.textCursor().MoveOperation.Start)
    qtbot.keyClick(window.body_edit, Qt.Key.Key_Delete)
    assert runner.idle
    assert window.body_edit.toPlainText().startswith("ear Jane,")
    assert window.save_button.isEnabled()


def test_print_opens_the_print_dialog_for_the_selection(qtbot, open_window, notes, wait_idle):
    window = open_window()
    window.table.selectAll()
    qtbot.mouseClick(window.print_button, Qt.MouseButton.LeftButton)
    dialog = window.print_dialog
    assert isinstance(dialog, PrintNotesDialog)
    assert dialog.isVisible()
    wait_idle()
    assert dialog.note_ids == [notes["jane"], notes["zoe"], notes["bob"]]
    dialog.reject()
    assert window.print_dialog is None


def test_ctrl_p_prints_the_selection(qtbot, open_window, notes, wait_idle):
    window = open_window()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = window.print_dialog
    assert dialog is not None
    wait_idle()
    assert dialog.note_ids == [notes["jane"]]
    dialog.reject()


def test_printing_from_the_window_refreshes_it(qtbot, db, open_window, notes, tmp_path, wait_idle):
    window = open_window()
    window.table.selectAll()
    window.print_selected()
    dialog = window.print_dialog
    wait_idle()
    with qtbot.waitSignal(window.refreshed):
        dialog.save_pdf(tmp_path / "notes.pdf")
    wait_idle()
    assert [r[3] for r in rows(window)] == ["Printed Mon 23 Nov"] * 3
    dialog.reject()


def test_print_with_unsaved_text_asks_first(open_window, notes, db, wait_idle):
    window = open_window()
    window.ask_unsaved = lambda n: "cancel"
    window.body_edit.setPlainText("Dear Jane, unsaved")
    window.print_selected()
    assert window.print_dialog is None
    window.ask_unsaved = lambda n: "save"
    window.print_selected()
    assert window.print_dialog is not None
    wait_idle()
    assert note(db, notes["jane"]).body == "Dear Jane, unsaved"
    window.print_dialog.reject()
