"""Help → Keyboard shortcuts (a small table), Help → Getting started (the daily workflow) and
Help → About."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMenu,
    QMenuBar,
    QMessageBox,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

#: Keys that belong to a list rather than to a menu (the menus' own keys are read from them).
LIST_KEYS: tuple[tuple[str, str], ...] = (
    ("Enter", "Reminders: open the contact"),
    ("D", "Reminders: mark done"),
    ("S", "Reminders: snooze"),
    ("E", "Reminders: edit the follow-up"),
    ("Delete", "Reminders: cancel the follow-up"),
    ("Delete", "Contact timeline: delete the meeting"),
    ("Enter", "Contact list: open the contact's page"),
)

GUIDE = """\
A working day with Relationship CRM

1. Start with the Reminders panel (Ctrl+R shows or hides it). Today comes first: the
   calls and emails you promised for today. Click a reminder to open the contact; press
   D when it is done, S to snooze it, E to change it.

2. Overdue follow-ups are listed below Today. Click the OVERDUE title to fold them away.
   "Reschedule all overdue…" moves every one of them to a day you choose, each at its
   own time.

3. After a meeting, call or lunch: File → Log meeting… (Ctrl+M). Pick the attendees,
   add notes, and leave "Draft a thank-you note" checked. Add the next follow-up in the
   same window, so nobody falls through the cracks.

4. Thank-you notes: Notes → Thank-you notes… (Ctrl+T). Edit the drafts, print them
   (Ctrl+Shift+P prints all drafts) and mark them sent once they are in the post. Notes
   still unsent two days after the meeting are listed under the reminders.

5. New people: File → New contact… (Ctrl+N), or File → Import contacts… for a vCard or
   CSV file. Ctrl+F finds anyone by name, email, company or notes.

6. Gifts and hospitality: on a contact's page, Gift… records it and warns about a repeat.

Settings: Edit → Settings… (Ctrl+,) holds your time zone, default currency and phone
country, and the name, address and signature your notes carry.

Everything stays on this computer. A backup is made every day (File → Back up now makes
one at once); Edit → Undo (Ctrl+Z) brings back what you just deleted.
"""


def show_about(parent: QWidget, title: str, database: str) -> None:
    """Help → About: the version, what the app is, and the database it has open."""
    from relationship_crm import __version__

    QMessageBox.about(
        parent,
        f"About {title}",
        f"{title} {__version__}\nA private, offline CRM for sales reps.\nDatabase: {database}",
    )


class KeyboardShortcutsDialog(QDialog):
    """A small read-only table: key, then what it does."""

    def __init__(self, rows: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Key", "Does"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for row, (key, what) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(key))
            self.table.setItem(row, 1, QTableWidgetItem(what))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        metrics = QFontMetrics(self.font())
        widest = max((metrics.horizontalAdvance(k + what) for k, what in rows), default=200)
        self.resize(min(640, widest + 140), min(560, 60 + 28 * (len(rows) + 2)))

    @classmethod
    def for_menus(cls, bar: QMenuBar, parent: QWidget | None = None) -> KeyboardShortcutsDialog:
        """The keys of the menus' actions (read from them, so the list cannot go stale), then
        the lists' own keys."""
        rows: list[tuple[str, str]] = []
        for menu_action in bar.actions():
            menu = menu_action.menu()
            for action in menu.actions() if isinstance(menu, QMenu) else ():
                key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                if key:
                    text = action.text().split("\t")[0].replace("&", "").rstrip("…")
                    rows.append((key, text))
        return cls([*rows, *LIST_KEYS], parent)

    def rows(self) -> list[tuple[str, str]]:
        """What the table lists, top to bottom."""

        def text(row: int, column: int) -> str:
            item = self.table.item(row, column)
            return item.text() if item is not None else ""

        return [(text(r, 0), text(r, 1)) for r in range(self.table.rowCount())]


class GettingStartedDialog(QDialog):
    """The daily workflow in plain text: what to do first, and where."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Getting started")
        self.text = QPlainTextEdit(GUIDE)
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        metrics = QFontMetrics(self.text.font())
        width = max(metrics.horizontalAdvance(line) for line in GUIDE.splitlines())
        self.resize(min(760, width + 60), min(600, metrics.lineSpacing() * 34))
