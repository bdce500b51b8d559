"""The first-start screen of an empty database: add the first contact or load sample data."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

BLURB_WIDTH = 460


class EmptyState(QWidget):
    """A friendly welcome with the first actions.

    Signals:
        add_contact_requested(), import_requested(), sample_data_requested()
    """

    add_contact_requested = Signal()
    import_requested = Signal()
    sample_data_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("Welcome to Relationship CRM")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        blurb = QLabel(
            "Your contacts, meetings, follow-ups, thank-you notes and gifts, on this laptop "
            "and nowhere else.\nStart with one person you want to stay in touch with."
        )
        blurb.setWordWrap(True)
        blurb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # A word-wrapped label centred by the layout gets its one-line width hint and then too
        # little height (the subtitle was cut); a fixed width lets it claim every wrapped line.
        blurb.setFixedWidth(BLURB_WIDTH)
        blurb.setMinimumHeight(blurb.heightForWidth(BLURB_WIDTH))
        self.blurb = blurb
        self.add_button = QPushButton("Add your first contact  (Ctrl+N)")
        self.add_button.setDefault(True)
        self.sample_button = QPushButton("Load sample data to look around")
        self.import_button = QPushButton("Import contacts from a file…")
        for button in (self.add_button, self.import_button, self.sample_button):
            button.setMinimumWidth(320)
            button.setMinimumHeight(36)
        self.add_button.clicked.connect(self.add_contact_requested)
        self.import_button.clicked.connect(self.import_requested)
        self.sample_button.clicked.connect(self.sample_data_requested)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        for widget in (title, blurb, self.add_button, self.import_button, self.sample_button):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
            layout.addSpacing(8)
        layout.addStretch(3)
