"""The follow-ups behind one bar of the dashboard (overdue, or one week); double-click opens
the contact."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from relationship_crm.domain import timefmt
from relationship_crm.services import dashboard
from relationship_crm.ui.context import UiContext

ContactRole = Qt.ItemDataRole.UserRole


class DueListDialog(QDialog):
    """Lists the open follow-ups of one `due_per_week` bar, loaded off the GUI thread.

    Double-click (or Return) on a row opens its contact through `AppEvents.contact_opened`.
    Lives on the GUI thread.
    """

    def __init__(self, ctx: UiContext, key: str, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.key = key
        self.loaded = False
        self.setWindowTitle(f"Follow-ups — {title}")
        self.summary = QLabel("Loading…")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Due", "Contact", "Note"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.itemActivated.connect(self._on_activated)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.resize(640, 420)
        now, zone = ctx.clock(), ctx.zone
        ctx.runner.query(
            lambda s: dashboard.follow_ups_of_week(s, key, now=now, zone=zone), self._on_loaded
        )

    def _on_loaded(self, items: list[dashboard.DueItem]) -> None:
        self.tree.clear()
        for item in items:
            row = QTreeWidgetItem(
                [
                    timefmt.short_moment(item.due, year=item.due.year != self._ctx.today().year),
                    item.contact_name,
                    ("↻ " if item.recurring else "") + " ".join(item.note.split()),
                ]
            )
            row.setData(0, ContactRole, item.contact_id)
            self.tree.addTopLevelItem(row)
        for column in range(2):
            self.tree.resizeColumnToContents(column)
        count = len(items)
        self.summary.setText(
            f"{count} open follow-up{'s' if count != 1 else ''}. Double-click one to open the "
            "contact."
            if count
            else "No open follow-ups here."
        )
        self.loaded = True

    def contact_ids(self) -> list[int]:
        """The contacts listed, in order (tests read them)."""
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [int(item.data(0, ContactRole)) for item in items if item is not None]

    def _on_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        contact_id = item.data(0, ContactRole)
        if contact_id:
            self._ctx.events.contact_opened.emit(int(contact_id))
