"""Edit → Trash…: the contacts in the trash, when each goes for good, Restore and Empty trash."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes, Outcome
from relationship_crm.domain.timefmt import month_name
from relationship_crm.services import trash
from relationship_crm.services.trash import TrashedContact
from relationship_crm.ui.callbacks import while_alive
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.operations import R, failure_text, report_failure, run_write
from relationship_crm.ui.widgets.messages import ERROR_COLOUR, message_label

#: Asks (title, question, the button that goes ahead) and returns True to go ahead.
Confirm = Callable[[str, str, str], bool]

COLUMNS = ("Name", "Company", "Deleted", "Deleted for good after")
NAME, COMPANY, DELETED, PURGE = range(len(COLUMNS))
EMPTY_TEXT = (
    "The trash is empty.\n\nA contact you delete waits here for "
    f"{trash.KEEP_FOR.days} days, then is deleted for good."
)
_DONE_COLOUR = "#1e7a46"
_BUG_TEXT = "something went wrong inside the app."  # the trash words it without "(see…)"
_HINT_STYLE = "color: palette(placeholder-text);"


def format_date(moment: datetime, zone: str) -> str:
    """An aware instant as the rep's local day: "23 Nov 2026"."""
    day = moment.astimezone(ZoneInfo(zone)).date()
    return f"{day.day} {month_name(day)} {day.year}"


def contacts_count(count: int) -> str:
    return f"{count} contact{'s' if count != 1 else ''}"


class TrashDialog(QDialog):
    """Lists the trashed contacts (newest first) and restores or deletes them for good.

    Loads `trash.list_trash` through `ctx.runner.query` when built and whenever contacts change
    elsewhere. Restore (several may be selected) and Empty trash… (asks first, through the
    replaceable `confirm` attribute) go through `operations.run_write`, which notifies `ctx.events`.
    Every name is shown as plain text.

    Signals:
        refreshed(): the list shows newly loaded contacts.
        restored(int): contacts came back; the id of the first one (to show it).
    Lives on the GUI thread; database work runs on the runner's thread.
    """

    refreshed = Signal()
    restored = Signal(int)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._items: list[TrashedContact] = []
        self._rows: list[QTreeWidgetItem] = []  # one per item, in the same order
        self._generation = 0
        self.confirm: Confirm = self._ask_confirmation
        self.setWindowTitle("Trash")

        self.intro_label = QLabel(
            f"Deleted contacts stay here for {trash.KEEP_FOR.days} days with their meetings, "
            "follow-ups, notes and gifts, then are deleted for good."
        )
        self.intro_label.setTextFormat(Qt.TextFormat.PlainText)
        self.intro_label.setWordWrap(True)
        self.intro_label.setStyleSheet(_HINT_STYLE)

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setAccessibleName("Contacts in the trash")
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COMPANY, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(DELETED, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PURGE, QHeaderView.ResizeMode.ResizeToContents)

        self.empty_label = QLabel("Loading…")
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet(_HINT_STYLE + " padding: 24px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.empty_label)
        self.stack.setCurrentWidget(self.empty_label)

        self.restore_button = QPushButton("&Restore")
        self.restore_button.setToolTip("Bring the selected contacts back, with all their history")
        self.empty_button = QPushButton("&Empty trash…")
        self.empty_button.setToolTip("Delete every contact in the trash for good")
        for button in (self.restore_button, self.empty_button):
            button.setAutoDefault(False)
        row = QHBoxLayout()
        row.addWidget(self.restore_button)
        row.addStretch(1)
        row.addWidget(self.empty_button)

        self.done_label = message_label(_DONE_COLOUR)
        self.error_label = message_label(ERROR_COLOUR)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.stack, 1)
        layout.addLayout(row)
        layout.addWidget(self.done_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(640, 400)

        self.restore_button.clicked.connect(self._on_restore_button_clicked)
        self.empty_button.clicked.connect(self._on_empty_button_clicked)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.buttons.rejected.connect(self.reject)
        ctx.events.changed.connect(self._on_events_changed)
        self._update_buttons()
        self.refresh()

    # --- public -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Load the trash again (a load still on its way is then ignored)."""
        self._generation += 1
        self._ctx.runner.query(
            trash.list_trash,
            while_alive(self, partial(self._on_loaded, self._generation)),
            while_alive(self, partial(self._on_failed, "Not loaded")),
        )

    def rows(self) -> list[list[str]]:
        """What the list shows, row by row (for tests and accessibility checks)."""
        return [[row.text(c) for c in range(len(COLUMNS))] for row in self._rows]

    def select_ids(self, ids: list[int]) -> None:
        """Select the rows of these contacts (only them)."""
        self.tree.clearSelection()
        for row, item in zip(self._rows, self._items, strict=True):
            if item.id in ids:
                row.setSelected(True)

    def selected(self) -> list[TrashedContact]:
        rows = sorted(self.tree.indexOfTopLevelItem(i) for i in self.tree.selectedItems())
        return [self._items[r] for r in rows if 0 <= r < len(self._items)]

    def restore_selected(self) -> None:
        """Bring the selected contacts back."""
        chosen = self.selected()
        if not chosen:
            return
        ids = [c.id for c in chosen]

        def op(session: Session) -> Changes:
            return Changes.combined([trash.restore(session, contact_id) for contact_id in ids])

        message = (
            f"Restored {chosen[0].name}."
            if len(chosen) == 1
            else (f"Restored {contacts_count(len(chosen))}.")
        )
        self._clear_messages()
        self._write(op, partial(self._on_restored, ids[0], message), "Not restored")

    def empty(self) -> None:
        """Delete everything in the trash for good, once `confirm` agrees."""
        count = len(self._items)
        if not count:
            return
        question = (
            f"Delete the {contacts_count(count)} in the trash for good, with their meetings, "
            "follow-ups, notes and gifts?\n\nThis cannot be undone."
        )
        if not self.confirm("Empty trash", question, "Delete for good"):
            return
        self._clear_messages()
        self._write(trash.empty_trash, self._on_emptied, "Not emptied")

    def _write(self, op: Callable[[Session], R], on_done: Callable[[R], None], what: str) -> None:
        run_write(
            self,
            self._ctx,
            op,
            on_done,
            show_error=partial(self._show, self.error_label),
            describe=partial(failure_text, what, bug=_BUG_TEXT),
            failed=self._on_write_failed,
        )

    # --- slots --------------------------------------------------------------------------------

    def _on_loaded(self, generation: int, items: list[TrashedContact]) -> None:
        if generation != self._generation:
            return
        keep = {c.id for c in self.selected()}
        self._items = list(items)
        self.tree.clear()
        self._rows = []
        zone = self._ctx.zone
        for contact in self._items:
            item = QTreeWidgetItem(
                [
                    contact.name,
                    contact.company,
                    format_date(contact.deleted_at, zone),
                    format_date(contact.purge_at(), zone),
                ]
            )
            item.setData(NAME, Qt.ItemDataRole.UserRole, contact.id)
            self.tree.addTopLevelItem(item)
            self._rows.append(item)
            item.setSelected(contact.id in keep)
        if self._rows and not self.tree.selectedItems():
            self.tree.setCurrentItem(self._rows[0])
        self.empty_label.setText(EMPTY_TEXT)
        self.stack.setCurrentWidget(self.tree if self._items else self.empty_label)
        self._update_buttons()
        self.refreshed.emit()

    def _on_restored(self, first_id: int, message: str, _changes: Changes) -> None:
        self._show(self.done_label, message)
        self.refresh()
        self.restored.emit(first_id)

    def _on_emptied(self, emptied: Outcome[int]) -> None:
        self._show(self.done_label, f"Deleted {contacts_count(emptied.value)} for good.")
        self.refresh()

    def _on_failed(self, what: str, exc: BaseException) -> None:
        self._show(self.error_label, failure_text(what, exc, bug=_BUG_TEXT))
        report_failure(self._ctx, exc, shown=True)
        self.refresh()

    def _on_write_failed(self, _exc: BaseException) -> None:
        self.refresh()  # the run_write shows the message (refresh clears none)

    def _on_events_changed(self, changes: Changes, initiator: object) -> None:
        if initiator is not self and changes.contacts:
            self.refresh()

    def _on_restore_button_clicked(self) -> None:
        self.restore_selected()

    def _on_empty_button_clicked(self) -> None:
        self.empty()

    # --- helpers ------------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(bool(self.tree.selectedItems()))
        self.empty_button.setEnabled(bool(self._items))

    def _show(self, label: QLabel, message: str) -> None:
        self._clear_messages()
        label.setText(message)
        label.show()

    def _clear_messages(self) -> None:
        self.done_label.hide()
        self.error_label.hide()

    def _ask_confirmation(self, title: str, text: str, action: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(keep)
        box.exec()  # a modal question; tests replace `confirm` instead
        return box.clickedButton() is yes
