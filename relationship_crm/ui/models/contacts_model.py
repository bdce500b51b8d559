"""The contact list model: pages of ContactRow fetched lazily through the TaskRunner."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from relationship_crm.domain.timefmt import clock, day_month
from relationship_crm.services import contact_list
from relationship_crm.services.contact_list import ContactFilter, ContactRow
from relationship_crm.ui.colours import readable
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.models.board_model import stage_colour

Index = QModelIndex | QPersistentModelIndex

COLUMNS: tuple[tuple[str, str], ...] = (
    ("Name", "name"),
    ("Company", "company"),
    ("Stage", "stage"),
    ("Last contact", "last_contact"),
    ("Next follow-up", "next_follow_up"),
)


class ContactsModel(QAbstractTableModel):
    """Holds the loaded ContactRow DTOs (never ORM objects) and fetches more on demand.

    Rows arrive in pages of `page_size` (Qt calls `fetchMore` as the view scrolls), so 100,000
    contacts open at once. Sorting re-queries in SQL. Every load carries a generation number so a
    late page from an older filter is dropped.

    Signals:
        loaded(int): a page arrived; the argument is the total number of matching contacts.
    Lives on the GUI thread; database work goes through ctx.runner.
    """

    IdRole = Qt.ItemDataRole.UserRole + 1
    loaded = Signal(int)

    def __init__(self, ctx: UiContext, page_size: int = 200, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._page_size = page_size
        self._rows: list[ContactRow] = []
        self._total = 0
        self._filter = ContactFilter()
        self._generation = 0
        self._loading = False
        self._stage_labels: dict[str, str] = {}

    # --- loading ------------------------------------------------------------------------------

    @property
    def contact_filter(self) -> ContactFilter:
        return self._filter

    @property
    def total(self) -> int:
        return self._total

    def set_filter(self, flt: ContactFilter) -> None:
        """Show the contacts matching `flt` (starts again from the first page)."""
        if flt.query.strip() and not self._filter.query.strip() and flt.sort == "name":
            flt = replace(flt, sort="relevance")  # typing a search ranks best matches first
        if not flt.query.strip() and flt.sort == "relevance":
            flt = replace(flt, sort="name")
        self._filter = flt
        self.reload()

    def set_stage_labels(self, labels: dict[str, str]) -> None:
        """Show stages by these labels (key -> label) rather than by their keys."""
        self._stage_labels = dict(labels)
        if self._rows:
            column = [k for _, k in COLUMNS].index("stage")
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    def reload(self) -> None:
        """Load the first page again (after a change), keeping at least as many rows as before."""
        self._generation += 1
        self._loading = True
        want = max(self._page_size, len(self._rows))
        flt = self._filter
        self._ctx.runner.query(
            lambda s: contact_list.page(s, flt, offset=0, limit=want, now=self._ctx.clock()),
            partial(self._on_first_page, self._generation),
        )

    def _on_first_page(self, generation: int, result: tuple[list[ContactRow], int]) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._rows, self._total = result
        self._loading = False
        self.endResetModel()
        self.loaded.emit(self._total)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._loading and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        # Re-entrancy-safe: the view and the model tester may both ask while a page is on its way.
        if parent.isValid() or self._loading or len(self._rows) >= self._total:
            return
        self._loading = True
        flt, offset, generation = self._filter, len(self._rows), self._generation
        self._ctx.runner.query(
            lambda s: contact_list.page(
                s, flt, offset=offset, limit=self._page_size, now=self._ctx.clock()
            ),
            partial(self._on_next_page, generation, offset),
        )

    def _on_next_page(
        self, generation: int, offset: int, result: tuple[list[ContactRow], int]
    ) -> None:
        if generation != self._generation or offset != len(self._rows):
            return
        rows, total = result
        self._loading = False
        if rows:
            self.beginInsertRows(QModelIndex(), offset, offset + len(rows) - 1)
            self._rows.extend(rows)
            self._total = total
            self.endInsertRows()
        else:
            self._total = len(self._rows)
        self.loaded.emit(self._total)

    # --- Qt model API -------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(COLUMNS):
                return COLUMNS[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        key = COLUMNS[index.column()][1]
        if role == self.IdRole:
            return row.id
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "name":
                return row.name
            if key == "company":
                return row.company
            if key == "stage":
                return self._stage_labels.get(row.stage) or row.stage.capitalize()
            moment = row.last_contact if key == "last_contact" else row.next_follow_up
            return self._format(moment)
        if role == Qt.ItemDataRole.ToolTipRole and key == "name" and row.email:
            return row.email
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "stage":
                return readable(stage_colour(row.stage))
            if key == "next_follow_up" and row.next_follow_up is not None:
                if row.next_follow_up < self._ctx.clock():
                    return readable("#b91c1c")  # overdue
        return None

    def _format(self, moment: datetime | None) -> str:
        if moment is None:
            return ""
        local = moment.astimezone(ZoneInfo(self._ctx.zone))
        if local.year == self._ctx.now().year:
            return f"{day_month(local)} {clock(local)}"
        return day_month(local, year=True)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self._filter = replace(self._filter, sort=COLUMNS[column][1], descending=descending)
        self.reload()

    # --- helpers ------------------------------------------------------------------------------

    def contact_id(self, row: int) -> int | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, contact_id: int) -> int | None:
        for i, row in enumerate(self._rows):
            if row.id == contact_id:
                return i
        return None

    def row_data(self, row: int) -> ContactRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None
