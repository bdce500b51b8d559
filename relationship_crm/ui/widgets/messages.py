"""Inline message labels for dialogs: errors and warnings shown under the fields, as plain text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

ERROR_COLOUR = "#c0392b"
WARNING_COLOUR = "#b45309"


def message_label(colour: str = ERROR_COLOUR) -> QLabel:
    """A hidden, wrapping label in `colour`; plain text, because messages quote what was typed."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {colour};")
    label.hide()
    return label
