"""A dialog that saves through the TaskRunner and must not close while its write is under way."""

from __future__ import annotations

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QWidget


class SavingDialog(QDialog):
    """Base for dialogs whose Save runs on the database thread.

    While `_saving` is set, Esc and the window's close button are ignored: the write's result
    decides whether the dialog closes (on success) or stays open with the input intact.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._saving = False

    def reject(self) -> None:
        if self._saving:
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._saving:
            event.ignore()
            return
        super().closeEvent(event)
