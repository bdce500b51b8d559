"""Edit → Undo and Edit → Trash…: deleting a contact, a meeting or thank-you notes is taken back
with Ctrl+Z, and trashed contacts are restored or deleted for good (real widgets, real database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.records import ContactDraft, MeetingDraft
from relationship_crm.paths import AppPaths
from relationship_crm.services import contacts, meetings, research, thanks, thanks_drafts, trash
from relationship_crm.ui.dialogs.trash_dialog import EMPTY_TEXT, TrashDialog
from relationship_crm.ui.main_window import MainWindow
from relationship_crm.ui.undo import UndoStack, shorten

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support raise")]

NY = "America/New_York"
T0 = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)  # the ui conftest's FIXED_NOW


@pytest.fixture
def people(db) -> dict[str, int]:
    """Jane and Bob met at the kick-off, which has research and a thank-you note to each."""
    with db.write() as s:
        jane = contacts.create(s, ContactDraft(name="Jane Doe", company="Acme"), now=T0).id
        bob = contacts.create(s, ContactDraft(name="Bob & Sons"), now=T0).id
        kickoff = meetings.log(
            s,
            MeetingDraft(
                "Kick-off", datetime(2026, 11, 20, 10), NY, (jane, bob), research="hiring"
            ),
            now=T0,
        ).id
        thanks_drafts.draft_for_meeting(s, kickoff, now=T0)
        notes = {n.contact_id: n.id for n in thanks.list_notes(s)}
    return {
        "jane": jane,
        "bob": bob,
        "kickoff": kickoff,
        "jane_note": notes[jane],
        "bob_note": notes[bob],
    }


@pytest.fixture
def window(qtbot, ctx, db, people, wait_idle) -> MainWindow:
    win = MainWindow(ctx, AppPaths(Path(db.path)))
    qtbot.addWidget(win)
    win.show()
    wait_idle()
    win.open_contact(people["jane"])
    wait_idle()
    yield win
    wait_idle()  # nothing may still be on its way when the runner stops


def timeline_whats(window: MainWindow) -> list[str]:
    tree = window.contact_page.timeline
    return [tree.topLevelItem(i).text(1) for i in range(tree.topLevelItemCount())]


def press_undo(qtbot, widget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


# --- the stack itself -------------------------------------------------------------------------


def test_the_stack_says_what_it_will_undo_newest_first(qtbot, ctx, wait_idle):
    from PySide6.QtGui import QAction

    stack = UndoStack(ctx)
    action = QAction()
    stack.bind(action)
    assert (action.text(), action.isEnabled()) == ("&Undo", False)
    done: list[str] = []
    stack.push("delete A", lambda s: Changes(contacts=True), message="A back.")
    stack.push("delete Bob & Sons", lambda s: Changes(), message="B back.", after=done.append)
    assert action.text() == "&Undo delete Bob && Sons"  # "&" is not an accelerator
    assert action.isEnabled()
    with qtbot.waitSignal(stack.undone) as undone:
        action.trigger()
    wait_idle()
    assert undone.args == ["B back."]
    assert done == [Changes()]
    assert action.text() == "&Undo delete A"
    stack.clear()
    assert not action.isEnabled() and stack.undo_text() == "Undo"


def test_the_stack_keeps_the_newest_entries_only(ctx):
    stack = UndoStack(ctx)
    for n in range(UndoStack.LIMIT + 5):
        stack.push(f"delete {n}", lambda s: Changes(), message="")
    assert len(stack.entries()) == UndoStack.LIMIT
    assert stack.undo_text() == f"Undo delete {UndoStack.LIMIT + 4}"


def test_long_names_are_cut_in_the_menu():
    assert shorten("Jane   Doe") == "Jane Doe"
    assert shorten("x" * 60) == "x" * 39 + "…"


def test_a_failed_undo_is_reported(qtbot, ctx, wait_idle):
    from relationship_crm.domain.errors import NotFoundError

    def gone(_session):
        raise NotFoundError("no contact with id 9")

    stack = UndoStack(ctx)
    stack.push("delete Jane Doe", gone, message="")
    with qtbot.waitSignal(ctx.runner.failed) as failed:
        stack.undo()
    assert failed.args == ["Could not undo delete Jane Doe: no contact with id 9", False]
    assert not stack.can_undo()


# --- contacts ---------------------------------------------------------------------------------


def test_a_deleted_contact_comes_back_with_ctrl_z(qtbot, window, people, db, wait_idle):
    window.confirm = lambda title, text: True
    window.contact_page.delete_button.click()
    wait_idle()
    assert window.undo_action.text() == "&Undo delete Jane Doe"
    assert window.statusBar().currentMessage() == "Moved Jane Doe to the trash. Ctrl+Z to undo."
    qtbot.waitUntil(lambda: window.contact_list.model.rowCount() == 1)
    press_undo(qtbot, window)
    wait_idle()
    qtbot.waitUntil(lambda: window.contact_list.model.rowCount() == 2)
    qtbot.waitUntil(lambda: window.contact_page.name_label.text() == "Jane Doe")
    assert window.statusBar().currentMessage() == "Restored Jane Doe."
    assert not window.undo_action.isEnabled()
    with db.read() as s:
        assert trash.list_trash(s) == []


def test_the_delete_question_shows_names_as_plain_text(window, people, wait_idle):
    asked: list[str] = []
    window.confirm = lambda title, text: asked.append(text) or False
    window.open_contact(people["bob"])
    wait_idle()
    window.contact_page.delete_button.click()
    assert asked and asked[0].startswith("Move Bob & Sons to the trash?")


# --- meetings ---------------------------------------------------------------------------------


def select_meeting(window: MainWindow, title: str) -> None:
    tree = window.contact_page.timeline
    for i in range(tree.topLevelItemCount()):
        if tree.topLevelItem(i).text(1) == f"Meeting: {title}":
            tree.setCurrentItem(tree.topLevelItem(i))
            return
    raise AssertionError(f"{title} is not on the timeline")


def test_delete_on_a_timeline_meeting_deletes_it_at_once_and_ctrl_z_brings_it_back(
    qtbot, window, people, db, wait_idle
):
    window.confirm = lambda *args: pytest.fail("nothing should be asked")
    page = window.contact_page
    assert "Meeting: Kick-off" in timeline_whats(window)
    select_meeting(window, "Kick-off")
    assert page.delete_meeting_action.isEnabled()
    page.timeline.setFocus()
    qtbot.keyClick(page.timeline, Qt.Key.Key_Delete)
    wait_idle()
    qtbot.waitUntil(lambda: "Meeting: Kick-off" not in timeline_whats(window))
    assert not any(w.startswith("Thank-you note") for w in timeline_whats(window))
    assert window.statusBar().currentMessage() == ("Deleted the meeting Kick-off. Ctrl+Z to undo.")
    assert window.undo_action.text() == "&Undo delete meeting Kick-off"
    with db.read() as s:
        assert meetings.list_meetings(s) == []

    press_undo(qtbot, window)
    wait_idle()
    qtbot.waitUntil(lambda: "Meeting: Kick-off" in timeline_whats(window))
    assert "Thank-you note: Kick-off [draft]" in timeline_whats(window)
    assert window.statusBar().currentMessage() == "Brought back the meeting Kick-off."
    with db.read() as s:
        assert [m.id for m in meetings.list_meetings(s)] == [people["kickoff"]]
        assert len(thanks.list_notes(s, meeting_id=people["kickoff"])) == 2
        assert [n.text for n in research.list_notes(s, meeting_id=people["kickoff"])] == ["hiring"]


def test_delete_only_acts_on_meeting_rows(qtbot, window, people, wait_idle):
    page = window.contact_page
    tree = page.timeline
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    note_row = next(i for i, item in enumerate(items) if item.text(1).startswith("Thank"))
    tree.setCurrentItem(tree.topLevelItem(note_row))
    assert not page.delete_meeting_action.isEnabled()
    with qtbot.assertNotEmitted(page.delete_meeting_requested):
        page.delete_current_meeting()


def test_undo_goes_newest_first_across_kinds(qtbot, window, people, db, wait_idle):
    select_meeting(window, "Kick-off")
    window.contact_page.delete_current_meeting()
    wait_idle()
    window.confirm = lambda title, text: True
    window.contact_page.delete_button.click()
    wait_idle()
    assert window.undo_action.text() == "&Undo delete Jane Doe"
    window.undo_action.trigger()
    wait_idle()
    assert window.undo_action.text() == "&Undo delete meeting Kick-off"
    window.undo_action.trigger()
    wait_idle()
    with db.read() as s:
        assert contacts.count(s) == 2
        assert [m.title for m in meetings.list_meetings(s, contact_id=people["jane"])] == [
            "Kick-off"
        ]


# --- thank-you notes --------------------------------------------------------------------------


def test_a_deleted_note_comes_back_with_ctrl_z_in_the_notes_window(
    qtbot, window, people, db, wait_idle
):
    notes = window.show_thanks()
    notes.ask_unsaved = lambda _note: "discard"
    notes.confirm = lambda *args: pytest.fail("nothing should be asked: Ctrl+Z undoes it")
    wait_idle()
    assert notes.delete_button.text() == "&Delete"
    assert notes.select_note(people["jane_note"])
    notes.table.setFocus()
    qtbot.keyClick(notes.table, Qt.Key.Key_Delete)
    wait_idle()
    assert [n.id for n in notes.model.notes()] == [people["bob_note"]]
    assert notes.done_label.text() == "Deleted the note to Jane Doe. Ctrl+Z to undo."
    assert window.undo_action.text() == "&Undo delete note to Jane Doe"

    notes.table.setFocus()
    press_undo(qtbot, notes.table)
    wait_idle()
    qtbot.waitUntil(lambda: len(notes.model.notes()) == 2)
    qtbot.waitUntil(lambda: notes.current_note() is not None)
    assert notes.current_note().id == people["jane_note"]
    assert notes.done_label.text() == "Brought back the note to Jane Doe."
    assert window.statusBar().currentMessage() == "Brought back the note to Jane Doe."


def test_ctrl_z_in_the_note_editor_undoes_typing_not_deletes(qtbot, window, people, db, wait_idle):
    notes = window.show_thanks()
    notes.ask_unsaved = lambda _note: "discard"
    wait_idle()
    notes.select_note(people["bob_note"])
    notes.delete_selected()
    wait_idle()
    assert window.undo_stack.can_undo()
    notes.body_edit.setFocus()
    qtbot.keyClicks(notes.body_edit, "xyz")
    press_undo(qtbot, notes.body_edit)
    wait_idle()
    assert window.undo_stack.can_undo()  # the delete is still there to undo
    with db.read() as s:
        assert [n.id for n in thanks.list_notes(s)] == [people["jane_note"]]


def test_several_notes_are_one_undo(qtbot, window, people, db, wait_idle):
    notes = window.show_thanks()
    notes.ask_unsaved = lambda _note: "discard"
    wait_idle()
    notes.table.selectAll()
    notes.delete_selected()
    wait_idle()
    assert window.undo_action.text() == "&Undo delete 2 notes"
    window.undo_action.trigger()
    wait_idle()
    with db.read() as s:
        assert len(thanks.list_notes(s)) == 2


# --- the trash --------------------------------------------------------------------------------


@pytest.fixture
def trashed(db, people) -> None:
    with db.write() as s:
        contacts.trash(s, people["jane"], now=T0 - timedelta(days=3))
        contacts.trash(s, people["bob"], now=T0)


def test_trash_lists_contacts_with_the_day_they_go_for_good(qtbot, window, trashed, wait_idle):
    dialog = window.trash.show_trash()
    wait_idle()
    assert dialog.rows() == [
        ["Bob & Sons", "", "23 Nov 2026", "23 Dec 2026"],
        ["Jane Doe", "Acme", "20 Nov 2026", "20 Dec 2026"],
    ]
    assert window.trash.show_trash() is dialog


def test_restore_from_the_trash_opens_the_contact(qtbot, window, people, trashed, db, wait_idle):
    dialog = window.trash.show_trash()
    wait_idle()
    dialog.select_ids([people["jane"]])
    dialog.restore_button.click()
    wait_idle()
    assert dialog.done_label.text() == "Restored Jane Doe."
    assert [r[0] for r in dialog.rows()] == ["Bob & Sons"]
    qtbot.waitUntil(lambda: window.contact_page.name_label.text() == "Jane Doe")
    with db.read() as s:
        assert [c.name for c in contacts.list_contacts(s)] == ["Jane Doe"]


def test_empty_trash_asks_then_deletes_for_good(qtbot, window, trashed, db, wait_idle):
    dialog = window.trash.show_trash()
    wait_idle()
    asked: list[str] = []
    dialog.confirm = lambda title, text, action: asked.append(text) or False
    dialog.empty_button.click()
    assert asked == [
        "Delete the 2 contacts in the trash for good, with their meetings, follow-ups, notes "
        "and gifts?\n\nThis cannot be undone."
    ]
    with db.read() as s:
        assert trash.count(s) == 2
    dialog.confirm = lambda *args: True
    dialog.empty_button.click()
    wait_idle()
    assert dialog.done_label.text() == "Deleted 2 contacts for good."
    assert dialog.stack.currentWidget() is dialog.empty_label
    assert dialog.empty_label.text() == EMPTY_TEXT
    assert not dialog.empty_button.isEnabled()
    with db.read() as s:
        assert trash.count(s) == 0 and meetings.list_meetings(s) == []


def test_the_trash_follows_deletes_made_elsewhere(qtbot, ctx, db, people, wait_idle):
    dialog = TrashDialog(ctx)
    qtbot.addWidget(dialog)
    wait_idle()
    assert dialog.rows() == []
    with db.write() as s:
        changes = contacts.trash(s, people["bob"], now=T0)
    ctx.events.notify(changes, None)
    wait_idle()
    assert [r[0] for r in dialog.rows()] == ["Bob & Sons"]


def test_the_app_start_purges_contacts_trashed_over_30_days_ago(qtbot, ctx, db, people, wait_idle):
    with db.write() as s:
        contacts.trash(s, people["jane"], now=T0 - timedelta(days=31))
        contacts.trash(s, people["bob"], now=T0 - timedelta(days=29))
    win = MainWindow(ctx, AppPaths(Path(db.path)))
    qtbot.addWidget(win)
    wait_idle()
    with db.read() as s:
        assert [t.name for t in trash.list_trash(s)] == ["Bob & Sons"]
        assert contacts.count(s) == 0
