"""Deleting in the app: a contact to the trash, a meeting at once, Ctrl+Z, and Edit → Trash….

Every delete pushes how to take it back on the window's UndoStack and says so in the status bar;
the trash (contacts kept 30 days) is purged of older ones when the window opens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMainWindow

from relationship_crm.domain.changes import Changes
from relationship_crm.services import contacts, meetings, trash
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.operations import run_write
from relationship_crm.ui.undo import UndoStack, shorten

if TYPE_CHECKING:
    from relationship_crm.ui.dialogs.trash_dialog import TrashDialog


class TrashActions(QObject):
    """The delete, undo and trash commands of one window.

    `confirm(title, text)` asks the rep (the window's, which tests answer); `open_contact(id)`
    shows a contact brought back; `contact_closed()` leaves the page of a contact just trashed.
    Lives on the GUI thread.
    """

    def __init__(
        self,
        ctx: UiContext,
        window: QMainWindow,
        undo_stack: UndoStack,
        *,
        confirm: Callable[[str, str], bool],
        open_contact: Callable[[int], None],
        contact_closed: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self._ctx = ctx
        self._window = window
        self._undo = undo_stack
        self._confirm = confirm
        self._open_contact = open_contact
        self._contact_closed = contact_closed
        self.dialog: TrashDialog | None = None
        undo_stack.undone.connect(self._on_undone)

    def _status(self, text: str) -> None:
        self._window.statusBar().showMessage(text, 10_000)

    def delete_contact(self, contact_id: int, name: str) -> None:
        """Move a contact to the trash after asking: Ctrl+Z brings everything back."""
        answer = self._confirm(
            "Delete contact",
            f"Move {name} to the trash?\nTheir meetings, follow-ups and gifts stay with them, "
            "and Edit → Undo (Ctrl+Z) brings everything back.",
        )
        if not answer:
            return
        run_write(
            self._window,
            self._ctx,
            lambda s: contacts.trash(s, contact_id, now=self._ctx.clock()),
            lambda _changes: self._on_trashed(contact_id, name),
        )

    def delete_meeting(self, meeting_id: int) -> None:
        """Delete a meeting (with its research and thank-you notes) at once: Ctrl+Z undoes it."""
        run_write(
            self._window,
            self._ctx,
            lambda s: meetings.delete(s, meeting_id),
            self._on_meeting_deleted,
        )

    def show_trash(self) -> TrashDialog:
        """Open the trash (one per window), or bring it forward."""
        from relationship_crm.ui.dialogs.trash_dialog import TrashDialog

        if self.dialog is None:
            self.dialog = TrashDialog(self._ctx, self._window)
            self.dialog.restored.connect(self._open_contact)
            self.dialog.finished.connect(self._on_dialog_finished)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    def purge_old(self) -> None:
        """Delete for good the contacts trashed more than 30 days ago (run at start)."""
        now = self._ctx.clock()
        self._ctx.runner.submit(lambda s: trash.purge(s, now=now))

    def _on_trashed(self, contact_id: int, name: str) -> None:
        def restored(_changes: Changes) -> None:
            self._open_contact(contact_id)

        self._undo.push(
            f"delete {shorten(name)}",
            lambda s: trash.restore(s, contact_id),
            message=f"Restored {name}.",
            after=restored,
        )
        self._contact_closed()
        self._status(f"Moved {name} to the trash. Ctrl+Z to undo.")

    def _on_meeting_deleted(self, deleted: meetings.DeletedMeeting) -> None:
        title = deleted.title
        self._undo.push(
            f"delete meeting {shorten(title)}",
            lambda s: meetings.undelete(s, deleted),
            message=f"Brought back the meeting {title}.",
        )
        self._status(f"Deleted the meeting {title}. Ctrl+Z to undo.")

    def _on_undone(self, message: str) -> None:
        self._status(message)

    def _on_dialog_finished(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None
