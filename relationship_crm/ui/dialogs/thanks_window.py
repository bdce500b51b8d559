"""The thank-you notes window: every note by status, its text to edit or re-draft, and printing."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes, Outcome
from relationship_crm.domain.enums import ThanksStatus
from relationship_crm.services import thanks, thanks_drafts
from relationship_crm.services.thanks import ThanksView
from relationship_crm.ui.callbacks import while_alive
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.dialogs.print_notes import PrintNotesDialog
from relationship_crm.ui.models.thanks_model import (
    DRAFTING_HINT,
    EMPTY_TEXTS,
    FILTER_STATUSES,
    FILTERS,
    MEETING_EMPTY_TEXTS,
    MEETING_HINT,
    ThanksModel,
    name_list,
    notes_count,
)
from relationship_crm.ui.operations import R, failure_text, report_failure, run_write
from relationship_crm.ui.undo import UndoStack, shorten
from relationship_crm.ui.widgets.messages import OutcomeLabels
from relationship_crm.ui.widgets.questions import Choice, confirm_destructive, save_discard_cancel
from relationship_crm.ui.widgets.thanks_list import MeetingChip, NotesTable, SelectionBar
from relationship_crm.ui.widgets.thanks_note_editor import NoteEditor

__all__ = ["DRAFTING_HINT", "ThanksModel", "ThanksWindow"]  # what the tests import from here

#: Asks (title, question, the button that goes ahead) and returns True to go ahead.
Confirm = Callable[[str, str, str], bool]

_HINT_STYLE = "color: palette(placeholder-text);"


class ThanksWindow(QDialog):
    """Owns the list of thank-you notes, the editor for the current one, and their actions.

    A non-modal window of its own (Qt.WindowType.Window). Loads `thanks.list_notes` and the
    templates through `ctx.runner.query` on construction, on `refresh()`, when the status filter
    (To send, Drafts, Printed, Sent, All) or the meeting filter changes, and after
    `ctx.events.changed` with thanks, contacts or meetings set by someone else. The list shows
    one row per note, oldest meeting first, and allows several to be selected; the right side
    shows the current note: who and which meeting, its template and dates, and its text.

    Writes go through `operations.run_write`, which notifies `ctx.events` with their changes:
    Save text (Ctrl+S; `thanks_drafts.update_body`), Re-draft from template
    (`thanks_drafts.redraft`, asking first when the note was edited by hand), and on the
    selection Print… (Ctrl+P; opens PrintNotesDialog), Mark sent and Delete… (Delete on the
    list). Given the window's `undo` stack, Delete goes ahead at once and Ctrl+Z (outside the
    text editor) brings the notes back; without one it asks first, as it cannot be undone. Sent
    notes are read-only. Leaving a note with unsaved text (another row, another filter, closing)
    asks Save / Discard / Cancel. The questions go through the `confirm` and `ask_unsaved`
    attributes; replace them to answer without a message box.

    Signals:
        refreshed(): the list shows newly loaded notes.
    Lives on the GUI thread; database work runs on the runner's thread.
    """

    refreshed = Signal()

    def __init__(
        self,
        ctx: UiContext,
        parent: QWidget | None = None,
        *,
        meeting_id: int | None = None,
        undo: UndoStack | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._undo = undo
        self._meeting_id = meeting_id
        self._generation = 0
        self._loaded = False
        self._wanted_note: int | None = None  # to select once listed (show_note)
        self._note: ThanksView | None = None
        self._loaded_body = ""  # the text the editor started from (stored or just saved)
        self._reload_note_id: int | None = None  # re-drafted: replace the editor's text
        self._restoring = False  # selection changes made by the window itself
        self.confirm: Confirm = self._ask_confirmation
        self.ask_unsaved: Callable[[ThanksView], Choice] = self._ask_unsaved
        self.print_dialog: PrintNotesDialog | None = None
        self._last_filter_index = 0

        self.setWindowTitle("Thank-you notes")
        self.setWindowFlags(
            Qt.WindowType.Window
            | Qt.WindowType.WindowMinMaxButtonsHint
            | Qt.WindowType.WindowCloseButtonHint
        )
        self.setSizeGripEnabled(True)
        self.model = ThanksModel(self)
        self._build()
        self._build_actions()
        self._connect_signals()
        self.resize(1060, 660)
        self._show_note(None)
        self._update_actions()
        ctx.events.changed.connect(self._on_events_changed)
        self.refresh()

    # --- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.filter_combo = QComboBox()
        for key, label, _statuses in FILTERS:
            self.filter_combo.addItem(label, key)
        self.filter_combo.setAccessibleName("Show")
        show_label = QLabel("&Show:")
        show_label.setBuddy(self.filter_combo)

        self.meeting_chip = MeetingChip()
        self.meeting_label = self.meeting_chip.label
        self.clear_meeting_button = self.meeting_chip.clear_button
        self.meeting_chip.setVisible(self._meeting_id is not None)

        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.count_label.setStyleSheet(_HINT_STYLE)

        top = QHBoxLayout()
        top.addWidget(show_label)
        top.addWidget(self.filter_combo)
        top.addSpacing(8)
        top.addWidget(self.meeting_chip)
        top.addStretch(1)
        top.addWidget(self.count_label)

        # Left: the list and the actions on the selection.
        self.table = NotesTable(self.model)

        self.empty_label = QLabel("Loading…")
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet(_HINT_STYLE + " padding: 24px;")
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty_label)

        self.selection_bar = SelectionBar()
        self.print_button = self.selection_bar.print_button
        self.sent_button = self.selection_bar.sent_button
        self.delete_button = self.selection_bar.delete_button

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list_stack, 1)
        left_layout.addWidget(self.selection_bar)

        # Right: the current note, its parts under the names the window has always had.
        self.note_stack = editor = NoteEditor()
        self.header_label, self.meeting_line = editor.header_label, editor.meeting_line
        self.details_label, self.sent_hint = editor.details_label, editor.sent_hint
        self.body_edit, self.save_button = editor.body_edit, editor.save_button
        self.template_combo, self.redraft_button = editor.template_combo, editor.redraft_button
        self.no_note_label = editor.no_note_label

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.note_stack)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setSizes([560, 460])

        self.outcomes = OutcomeLabels()
        self.done_label, self.error_label = self.outcomes.done, self.outcomes.error
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.done_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        chain: tuple[QWidget, ...] = (
            self.filter_combo,
            self.clear_meeting_button,
            self.table,
            self.print_button,
            self.sent_button,
            self.delete_button,
            self.body_edit,
            self.save_button,
            self.template_combo,
            self.redraft_button,
        )
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _build_actions(self) -> None:
        # The list's context menu; the keys themselves are QShortcuts (see _connect_signals).
        self.print_action = QAction("Print…\tCtrl+P", self)
        self.sent_action = QAction("Mark sent", self)
        self.delete_action = QAction("Delete…\tDel", self)
        self.print_action.triggered.connect(self.print_selected)
        self.sent_action.triggered.connect(self.mark_sent)
        self.delete_action.triggered.connect(self.delete_selected)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for action in (self.print_action, self.sent_action, self.delete_action):
            self.table.addAction(action)
        if self._undo is not None:  # nothing is asked before deleting: no ellipsis
            self.delete_button.setText("&Delete")
            self.delete_action.setText("Delete\tDel")

    def _connect_signals(self) -> None:
        self.filter_combo.currentIndexChanged.connect(self._on_filter_combo_changed)
        self.clear_meeting_button.clicked.connect(self._on_clear_meeting_clicked)
        selection = self.table.selectionModel()
        selection.currentRowChanged.connect(self._on_current_row_changed)
        selection.selectionChanged.connect(self._on_selection_changed)
        self.body_edit.textChanged.connect(self._on_body_edit_changed)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.redraft_button.clicked.connect(self._on_redraft_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.sent_button.clicked.connect(self._on_sent_button_clicked)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.buttons.rejected.connect(self.reject)
        # Return on the list or a combo box must not press a button (the dialog's default).
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_text)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_selected)
        if self._undo is not None:
            # The text editor keeps Ctrl+Z for its own typing (it takes the key first).
            QShortcut(QKeySequence.StandardKey.Undo, self, self._undo.undo)
        # On the list only: in the editor, Delete deletes text.
        QShortcut(
            QKeySequence(Qt.Key.Key_Delete),
            self.table,
            self.delete_selected,
            Qt.ShortcutContext.WidgetShortcut,
        )

    # --- loading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Load the notes again; a load started earlier and still on its way is then ignored."""
        self._generation += 1
        statuses, meeting_id = FILTER_STATUSES[self.filter_key()], self._meeting_id
        self._ctx.runner.query(
            lambda s: thanks.load_notes(s, statuses, meeting_id),
            while_alive(self, partial(self._on_notes_loaded, self._generation)),
            while_alive(self, self._on_load_failed),
        )

    def _on_notes_loaded(self, generation: int, loaded: thanks.NotesLoad) -> None:
        if generation != self._generation:
            return  # a newer load is on its way
        self._loaded = True
        current_id = self._note.id if self._note is not None else None
        old_row = self.table.currentIndex().row()
        selected = set(self.selected_ids())
        self.note_stack.set_templates(loaded.templates)
        if self._meeting_id is not None:
            title = loaded.meeting_title
            self.meeting_label.setText(
                f"Meeting: {title}" if title is not None else "Meeting: (deleted)"
            )
        self._restoring = True
        try:
            self.model.set_notes(loaded.notes, today=self._ctx.today(), zone=self._ctx.zone)
            row = self.model.row_of(current_id) if current_id is not None else None
            count = self.model.rowCount()
            if row is None and count:
                row = min(old_row, count - 1) if old_row >= 0 else 0
            self._select_rows(row, selected)
        finally:
            self._restoring = False
        self._show_note(self.model.note_at(row) if row is not None else None)
        self._update_list_state()
        self._update_actions()
        if self._wanted_note is not None:
            self._select_wanted()
        self.refreshed.emit()

    def show_note(self, note_id: int) -> None:
        """Select this note now or once the list has loaded; a note the filters hide (a sent one
        under "To send", another meeting's) is shown by widening them to All."""
        self._wanted_note = note_id
        if self._loaded:
            self._select_wanted()

    def _select_wanted(self) -> None:
        wanted = self._wanted_note
        if wanted is None or self.select_note(wanted):
            self._wanted_note = None
            return
        if self.filter_key() == "all" and self._meeting_id is None:
            self._wanted_note = None  # it no longer exists
            return
        if self.is_dirty():
            self._wanted_note = None  # never throw away typing to jump elsewhere
            return
        self._meeting_id = None
        self.meeting_chip.setVisible(False)
        self._restoring = True
        try:
            self.filter_combo.setCurrentIndex(self.filter_combo.findData("all"))
            self._last_filter_index = self.filter_combo.currentIndex()
        finally:
            self._restoring = False
        self.refresh()

    def _on_load_failed(self, exc: BaseException) -> None:
        self.empty_label.setText("Could not load the notes.")
        self._report(exc, "Not loaded")

    def _select_rows(self, current: int | None, keep: set[int]) -> None:
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        if current is None:
            selection.clear()
            return
        selection.setCurrentIndex(self.model.index(current, 0), flags.ClearAndSelect | flags.Rows)
        for row, note in enumerate(self.model.notes()):
            if note.id in keep and row != current:
                selection.select(self.model.index(row, 0), flags.Select | flags.Rows)

    def _update_list_state(self) -> None:
        empty = self.model.rowCount() == 0
        if empty:
            key = self.filter_key()
            what, hint = EMPTY_TEXTS[key]
            if self._meeting_id is not None:
                what, hint = MEETING_EMPTY_TEXTS[key], MEETING_HINT
            self.empty_label.setText(f"{what}\n\n{hint}")
        self.list_stack.setCurrentWidget(self.empty_label if empty else self.table)
        # With nothing listed the hint gets the whole window rather than half of it.
        self.note_stack.setVisible(not empty)
        self.selection_bar.setVisible(not empty)

    # --- the current note ---------------------------------------------------------------------

    def current_note(self) -> ThanksView | None:
        """The note shown on the right (the list's current row)."""
        return self._note

    def is_dirty(self) -> bool:
        """True when the editor holds text not yet saved."""
        return (
            self._note is not None
            and self._note.status is not ThanksStatus.SENT
            and self.body_edit.toPlainText() != self._loaded_body
        )

    def _show_note(self, note: ThanksView | None) -> None:
        same = note is not None and self._note is not None and note.id == self._note.id
        redrafted = note is not None and note.id == self._reload_note_id
        keep_text = same and not redrafted and self.is_dirty()  # typing goes on over a refresh
        self._note = note
        if note is None:
            self._loaded_body = ""
            self.note_stack.show_nothing()
            self._update_editor_state()
            return
        if note.id == self._reload_note_id:
            self._reload_note_id = None
        self._loaded_body = note.body
        self.note_stack.show_note(
            note, keep_text=keep_text, today=self._ctx.today(), local_day=self.model.local_day
        )
        self._update_editor_state()

    def _update_editor_state(self) -> None:
        note = self._note
        editable = note is not None and note.status is not ThanksStatus.SENT
        self.note_stack.update_buttons(editable=editable, dirty=self.is_dirty())

    # --- selection ----------------------------------------------------------------------------

    def filter_key(self) -> str:
        """The status filter chosen: to_send, draft, printed, sent or all."""
        return str(self.filter_combo.currentData())

    @property
    def meeting_id(self) -> int | None:
        """The meeting whose notes are shown, or None for every meeting."""
        return self._meeting_id

    def set_meeting_filter(self, meeting_id: int | None) -> None:
        """Show only this meeting's notes (None: every meeting's)."""
        if meeting_id == self._meeting_id:
            return
        if meeting_id is not None and not self._settle_unsaved():
            return
        self._meeting_id = meeting_id
        self.meeting_label.setText("Meeting: …")
        self.meeting_chip.setVisible(meeting_id is not None)
        self.refresh()

    def selected_ids(self) -> list[int]:
        """The ids of the selected notes, in list order."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [note.id for row in rows if (note := self.model.note_at(row)) is not None]

    def _selected_notes(self) -> list[ThanksView]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [note for row in rows if (note := self.model.note_at(row)) is not None]

    def select_note(self, note_id: int) -> bool:
        """Make this note the current (and only selected) one; False when it is not listed or
        the rep chose Cancel on the unsaved text."""
        row = self.model.row_of(note_id)
        if row is None:
            return False
        flags = QItemSelectionModel.SelectionFlag
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0), flags.ClearAndSelect | flags.Rows
        )
        return self._note is not None and self._note.id == note_id

    def _update_actions(self) -> None:
        notes = self._selected_notes()
        count = len(notes)
        self.print_action.setEnabled(count > 0)
        self.sent_action.setEnabled(any(n.status is not ThanksStatus.SENT for n in notes))
        self.delete_action.setEnabled(count > 0)
        for button, action in (
            (self.print_button, self.print_action),
            (self.sent_button, self.sent_action),
            (self.delete_button, self.delete_action),
        ):
            button.setEnabled(action.isEnabled())
        shown = self.model.rowCount()
        text = notes_count(shown) if self._loaded and shown else ""
        if count > 1:
            text += f" · {count} selected"
        self.count_label.setText(text)

    # --- unsaved text -------------------------------------------------------------------------

    def _settle_unsaved(self) -> bool:
        """Before leaving the current note: ask about unsaved text; False means stay."""
        note = self._note
        if note is None or not self.is_dirty():
            return True
        choice = self.ask_unsaved(note)
        if choice == "cancel":
            return False
        if choice == "save":
            self._submit_text(note, self.body_edit.toPlainText())
        else:
            self.body_edit.setPlainText(self._loaded_body)
        return True

    def _revert_to(self, note_id: int) -> None:
        """Select `note_id` again without asking (the rep cancelled leaving it)."""
        row = self.model.row_of(note_id)
        if row is None:
            return
        flags = QItemSelectionModel.SelectionFlag
        self._restoring = True
        try:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0), flags.ClearAndSelect | flags.Rows
            )
        finally:
            self._restoring = False

    # --- actions ------------------------------------------------------------------------------

    def save_text(self) -> None:
        """Save the editor's text as the current note's own wording."""
        note = self._note
        if note is None or not self.is_dirty():
            return
        self._submit_text(note, self.body_edit.toPlainText())

    def _submit_text(self, note: ThanksView, text: str) -> None:
        self._loaded_body = text  # counts as saved unless the write fails
        self._update_editor_state()
        # A load already on its way still has the old text; the refresh after saving replaces it.
        self._generation += 1
        self.outcomes.clear()
        note_id, now = note.id, self._ctx.clock()
        self._write(
            lambda s: thanks_drafts.update_body(s, note_id, text, now=now),
            partial(self._on_text_saved, note),
            what=f"The note to {note.contact_name} was not saved",
            failed=partial(self._on_text_failed, note, text),
        )

    def _on_text_saved(self, note: ThanksView, changes: Changes) -> None:
        message = f"Saved the note to {note.contact_name}."
        if note.status is ThanksStatus.PRINTED and changes.thanks:
            message += " It is a draft again: print it again so the printed copy matches."
        self.outcomes.show_done(message)
        self.refresh()

    def _on_text_failed(self, note: ThanksView, text: str, exc: BaseException) -> None:
        if self._note is not None and self._note.id == note.id:
            if self.body_edit.toPlainText() == text:
                self._loaded_body = self._note.body  # unsaved again
        elif not self.is_dirty() and self.select_note(note.id):
            self.body_edit.setPlainText(text)  # back where the rep left it, still unsaved
        self._update_editor_state()
        self.refresh()

    def redraft(self) -> None:
        """Fill the current note again from the chosen template, dropping its own wording."""
        note = self._note
        name = self.template_combo.currentData()
        if note is None or note.status is ThanksStatus.SENT or not name:
            return
        if note.edited or self.is_dirty():
            question = (
                f"Re-draft the note to {note.contact_name} from “{name}”?\n\n"
                "The text you wrote yourself will be replaced."
            )
            if not self.confirm("Re-draft from template", question, "Re-draft"):
                return
        self.outcomes.clear()
        self._reload_note_id = note.id
        note_id, template, now = note.id, str(name), self._ctx.clock()
        self._write(
            lambda s: thanks_drafts.redraft(s, note_id, template=template, now=now),
            self._on_write_done,
            what="Not re-drafted",
            failed=self._on_write_failed,
        )

    def print_selected(self) -> None:
        """Open the print dialog for the selected notes (after settling unsaved text)."""
        ids = self.selected_ids()
        if not ids:
            return
        if self._note is not None and self._note.id in ids and not self._settle_unsaved():
            return
        old, self.print_dialog = self.print_dialog, None
        if old is not None:
            old.close()
            old.deleteLater()
        dialog = PrintNotesDialog(self._ctx, ids, self)
        dialog.finished.connect(partial(self._on_print_dialog_finished, dialog))
        self.print_dialog = dialog
        dialog.open()

    def mark_sent(self) -> None:
        """Record that the selected notes went out."""
        notes = [n for n in self._selected_notes() if n.status is not ThanksStatus.SENT]
        if not notes:
            return
        ids = [n.id for n in notes]
        if self._note is not None and self._note.id in ids and not self._settle_unsaved():
            return
        self.outcomes.clear()
        now = self._ctx.clock()
        message = f"Marked {notes_count(len(ids))} sent."
        if self.filter_key() in ("to_send", "draft", "printed"):
            message += " Choose “Sent” to see them again."
        self._write(
            lambda s: thanks.mark_sent(s, ids, now=now),
            partial(self._on_write_done, message=message),
            what="Not marked sent",
            failed=self._on_write_failed,
        )

    def delete_selected(self) -> None:
        """Delete the selected notes: at once when they can be brought back with Ctrl+Z (the
        window has an undo stack), else once `confirm` agrees."""
        notes = self._selected_notes()
        if not notes:
            return
        if self._undo is None:
            if len(notes) == 1:
                question = f"Delete the thank-you note to {notes[0].contact_name}"
                question += f" ({notes[0].meeting_title})?" if notes[0].meeting_title else "?"
            else:
                names = name_list([n.contact_name for n in notes])
                question = f"Delete {notes_count(len(notes))} (to {names})?"
            question += "\n\nThis cannot be undone."
            if not self.confirm("Delete thank-you notes", question, "Delete"):
                return
        self.outcomes.clear()
        ids = [n.id for n in notes]

        def op(session: Session) -> Outcome[list[thanks.DeletedNote]]:
            deleted = [thanks.delete_note(session, note_id) for note_id in ids]
            return Outcome(deleted, Changes.combined(d.changes for d in deleted))

        self._write(op, self._on_deleted, what="Not deleted", failed=self._on_write_failed)

    def _on_deleted(self, outcome: Outcome[list[thanks.DeletedNote]]) -> None:
        deleted = outcome.value
        if len(deleted) == 1:
            what = f"the note to {deleted[0].contact_name}"
            label = f"delete note to {shorten(deleted[0].contact_name)}"
        else:
            what = notes_count(len(deleted))
            label = f"delete {what}"
        message = f"Deleted {what}."
        if self._undo is not None:
            message += " Ctrl+Z to undo."
            snapshots = list(deleted)

            def op(session: Session) -> Changes:
                return Changes.combined(thanks.undelete_note(session, s) for s in snapshots)

            self._undo.push(
                label,
                op,
                message=f"Brought back {what}.",
                after=while_alive(
                    self, partial(self._on_undeleted, snapshots[0].id, f"Brought back {what}.")
                ),
            )
        self._on_write_done(outcome, message=message)

    def _on_undeleted(self, note_id: int, message: str, _changes: Changes) -> None:
        # The change notice already asked for a refresh: select the note once it is listed.
        self._wanted_note = note_id
        self.outcomes.show_done(message)

    def _write(
        self,
        op: Callable[[Session], R],
        on_done: Callable[[R], None],
        *,
        what: str,
        failed: Callable[[BaseException], None],
    ) -> None:
        # The window's message line says what failed; `failed` first puts the list right.
        run_write(
            self,
            self._ctx,
            op,
            on_done,
            show_error=self.outcomes.show_error,
            what=what,
            failed=failed,
        )

    def _on_write_done(self, _result: object, message: str = "") -> None:
        if message:
            self.outcomes.show_done(message)
        self.refresh()

    def _on_write_failed(self, _exc: BaseException) -> None:
        # Usually the note changed elsewhere (sent, deleted): say so and show what is true.
        self._reload_note_id = None
        self.refresh()

    # --- messages -----------------------------------------------------------------------------

    def _report(self, exc: BaseException, what: str) -> None:
        self.outcomes.show_error(failure_text(what, exc))
        report_failure(self._ctx, exc, shown=True)

    # --- the modal questions (replaceable) ----------------------------------------------------

    def _ask_confirmation(self, title: str, text: str, action: str) -> bool:
        return confirm_destructive(self, title, text, action)  # tests replace `confirm` instead

    def _ask_unsaved(self, note: ThanksView) -> Choice:
        # Tests replace `ask_unsaved` instead.
        question = f"Save your changes to the note to {note.contact_name}?"
        return save_discard_cancel(self, "Unsaved text", question)

    # --- slots --------------------------------------------------------------------------------

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._restoring:
            return
        note = self.model.note_at(current.row()) if current.isValid() else None
        leaving = self._note
        if leaving is not None and (note is None or note.id != leaving.id):
            if not self._settle_unsaved():
                self._revert_to(leaving.id)
                # A mouse press goes on to select the clicked row after this slot: undo it then.
                QTimer.singleShot(0, self, partial(self._revert_to, leaving.id))
                return
        self._show_note(note)

    def _on_selection_changed(self) -> None:
        self._update_actions()

    def _on_body_edit_changed(self) -> None:
        self._update_editor_state()

    def _on_filter_combo_changed(self, _index: int) -> None:
        if self._restoring:
            return
        if not self._settle_unsaved():
            self._restoring = True
            try:
                self.filter_combo.setCurrentIndex(self._last_filter_index)
            finally:
                self._restoring = False
            return
        self._last_filter_index = self.filter_combo.currentIndex()
        self.outcomes.clear()
        self.refresh()

    def _on_clear_meeting_clicked(self) -> None:
        self.set_meeting_filter(None)

    def _on_save_button_clicked(self) -> None:
        self.save_text()

    def _on_redraft_button_clicked(self) -> None:
        self.redraft()

    def _on_print_button_clicked(self) -> None:
        self.print_selected()

    def _on_sent_button_clicked(self) -> None:
        self.mark_sent()

    def _on_delete_button_clicked(self) -> None:
        self.delete_selected()

    def _on_print_dialog_finished(self, dialog: PrintNotesDialog, _result: int) -> None:
        if self.print_dialog is dialog:
            self.print_dialog = None
            dialog.deleteLater()

    def _on_events_changed(self, changes: Changes, initiator: object) -> None:
        if initiator is self:
            return  # our own write: refreshed already when it finished
        if changes.thanks or changes.contacts or changes.meetings:
            self.refresh()

    # --- closing ------------------------------------------------------------------------------

    def reject(self) -> None:
        # Esc, the Close button and the window's close button all come here.
        if not self._settle_unsaved():
            return
        super().reject()
