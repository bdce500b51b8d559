"""The thank-you notes window's left side: the meeting filter chip, the notes table, the actions."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QToolButton,
    QWidget,
)

from relationship_crm.ui.models.thanks_model import DATE, MEETING, STATUS, TO


class MeetingChip(QFrame):
    """A rounded "Meeting: Kick-off ✕" chip: the meeting filter and the button that removes it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("meetingChip")
        self.setStyleSheet("#meetingChip { border: 1px solid palette(mid); border-radius: 10px; }")
        self.label = QLabel("Meeting: …")
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # a title is data
        self.clear_button = QToolButton()
        self.clear_button.setText("✕")
        self.clear_button.setAutoRaise(True)
        self.clear_button.setToolTip("Show the notes of every meeting")
        self.clear_button.setAccessibleName("Remove the meeting filter")
        chip = QHBoxLayout(self)
        chip.setContentsMargins(10, 1, 2, 1)
        chip.setSpacing(2)
        chip.addWidget(self.label)
        chip.addWidget(self.clear_button)


class NotesTable(QTableView):
    """The notes, one row each (ThanksModel's columns), several selectable, never edited here."""

    def __init__(self, model: QAbstractItemModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setTabKeyNavigation(False)
        self.setAccessibleName("Thank-you notes")
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + 10)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(TO, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(MEETING, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(DATE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(STATUS, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(TO, 170)
        header.setMinimumSectionSize(60)


class SelectionBar(QWidget):
    """Print…, Mark sent and Delete… for the selected notes (the window connects them)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.print_button = QPushButton("&Print…")
        self.print_button.setToolTip("Print the selected notes, or save them as PDF (Ctrl+P)")
        self.sent_button = QPushButton("&Mark sent")
        self.sent_button.setToolTip("The selected notes went in the post (or by hand)")
        self.delete_button = QPushButton("&Delete…")
        self.delete_button.setToolTip("Delete the selected notes (Delete)")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.print_button)
        row.addWidget(self.sent_button)
        row.addStretch(1)
        row.addWidget(self.delete_button)
