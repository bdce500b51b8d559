"""Inline message labels for dialogs: errors and warnings shown under the fields, as plain text."""

from __future__ import annotations

import html

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

ERROR_COLOUR = "#c0392b"
WARNING_COLOUR = "#b45309"
DONE_COLOUR = "#1e7a46"


def message_label(colour: str = ERROR_COLOUR) -> QLabel:
    """A hidden, wrapping label in `colour`; plain text, because messages quote what was typed."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {colour};")
    label.hide()
    return label


class OutcomeLabels:
    """Two hidden labels for a window's last action: what was done (green) or why it failed
    (red); one shows at a time. Place `done` and `error` in the layout."""

    def __init__(self) -> None:
        self.done = message_label(DONE_COLOUR)
        self.error = message_label(ERROR_COLOUR)

    def show_done(self, text: str) -> None:
        self.error.hide()
        self.done.setText(text)
        self.done.show()

    def show_error(self, text: str) -> None:
        self.done.hide()
        self.error.setText(text)
        self.error.show()

    def clear(self) -> None:
        self.done.hide()
        self.error.hide()


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` literally, line breaks kept.

    Qt shows a tooltip as rich text when its first line looks like markup (Qt.mightBeRichText),
    and names and notes are data typed by the rep or imported, never markup: such text is
    escaped, so `<img src=…>` stays characters and loads nothing. Other text is left as it is.
    """
    if not QtGui.Qt.mightBeRichText(text):
        return text
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"
