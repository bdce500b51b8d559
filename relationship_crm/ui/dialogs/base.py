"""A dialog that saves through the TaskRunner and must not close while its write is under way."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QLabel, QWidget
from sqlalchemy.orm import Session

from relationship_crm.ui.context import UiContext
from relationship_crm.ui.operations import R, run_write


class SavingDialog(QDialog):
    """Base for dialogs whose Save runs on the database thread.

    While `_saving` is set, Esc and the window's close button are ignored: the write's result
    decides whether the dialog closes (on success) or stays open with the input intact.
    `_write` runs a service write through `operations.run_write` with this dialog's saving
    state and error line; a subclass provides `_ctx` and `error_label` and says in
    `_saving_changed` what to disable while a write runs.
    """

    _ctx: UiContext
    error_label: QLabel

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._saving = False

    def _write(
        self,
        op: Callable[[Session], R],
        on_done: Callable[[R], None] | None = None,
        *,
        what: str = "Not saved",
        describe: Callable[[BaseException], str] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Save: no closing until it is done; its changes are announced, a failure shown here."""
        run_write(
            self,
            self._ctx,
            op,
            on_done,
            show_error=self._show_error,
            what=what,
            describe=describe,
            failed=failed,
            set_saving=self._set_saving,
        )

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self._saving_changed(saving)

    def _saving_changed(self, saving: bool) -> None:
        """Disable what must wait for the write (the Save button, say); nothing by default."""

    def _show_error(self, message: str, focus: QWidget | None = None) -> None:
        """Show `message` in the dialog's error line (and move the focus to what to fix)."""
        self.error_label.setText(message)
        self.error_label.show()
        if focus is not None:
            focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def reject(self) -> None:
        if self._saving:
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._saving:
            event.ignore()
            return
        super().closeEvent(event)
