"""The contact list model: pages of ContactRow fetched lazily through the TaskRunner."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from relationship_crm.domain.timefmt import clock, day_month
from relationship_crm.services import contact_window
from relationship_crm.services.contact_list import SEARCH_LIMIT, ContactFilter, ContactRow
from relationship_crm.ui.colours import readable
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.models.board_model import stage_colour

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Index = QModelIndex | QPersistentModelIndex

#: A search first asks for this many matches: enough to fill the list, and fast to rank.
QUICK_SEARCH = 200
#: Rows read for a new filter (a keystroke): two screens; the rest in pages as the list scrolls.
FIRST_ROWS = 60

COLUMNS: tuple[tuple[str, str], ...] = (
    ("Name", "name"),
    ("Company", "company"),
    ("Stage", "stage"),
    ("Last contact", "last_contact"),
    ("Next follow-up", "next_follow_up"),
)


_KEYS = [key for _, key in COLUMNS]
_NAME_COLUMN, _STAGE_COLUMN, _LAST_COLUMN, _NEXT_COLUMN = (
    _KEYS.index(k) for k in ("name", "stage", "last_contact", "next_follow_up")
)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_ID = int(Qt.ItemDataRole.UserRole.value) + 1
_ROLES = frozenset({_DISPLAY, _TOOLTIP, _FOREGROUND, _ID})


#: A loaded row: ContactRow's fields in order, then the two dates as the list shows them.
_Row = tuple[int, str, str, str, str, datetime | None, datetime | None, str, str]


def _format(moment: datetime | None, zone: ZoneInfo, year: int) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    if local.year == year:
        return f"{day_month(local)} {clock(local)}"
    return day_month(local, year=True)


def _plain_rows(rows: Iterable[ContactRow], zone: str, now: datetime) -> list[_Row]:
    """The rows as plain tuples with their date texts.

    Made on the database thread with the page, so that a paint does not format. Nothing else:
    the database thread's Python holds the GIL that the GUI thread's paint needs, so each
    millisecond here is one more on a frame painted while a page is read (issue 18; measuring
    the texts here, 2 ms a page, made the frames at each page's end the slowest). A tuple of
    strings, dates and small ints also leaves the garbage collector's lists, where 100,000
    dataclasses made each full collection a visible hitch.
    """
    tz = ZoneInfo(zone)
    year = now.astimezone(tz).year
    return [
        (
            r.id,
            r.name,
            r.company,
            r.stage,
            r.email,
            r.last_contact,
            r.next_follow_up,
            _format(r.last_contact, tz, year),
            _format(r.next_follow_up, tz, year),
        )
        for r in rows
    ]


class ContactsModel(QAbstractTableModel):
    """Holds the loaded ContactRow DTOs (never ORM objects) and fetches more on demand.

    Rows arrive in pages of `page_size` (Qt calls `fetchMore` as the view scrolls), so 100,000
    contacts open at once. Sorting re-queries in SQL. Every load carries a generation number so a
    late page from an older filter is dropped.

    Signals:
        loaded(int): a page arrived; the argument is the total number of matching contacts.
    Lives on the GUI thread; database work goes through ctx.runner.
    """

    IdRole = _ID
    loaded = Signal(int)

    def __init__(self, ctx: UiContext, page_size: int = 200, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._page_size = page_size
        # Every contact the filter shows, in order; in name order (`_keyset`) only those loaded:
        # a page is then read from the last row on, along the index.
        self._ids: tuple[int, ...] = ()
        self._keyset = False
        self._total = 0
        self._more = False  # a search stopped at its quick limit: the rest is read on demand
        # The rows of the first of them, loaded so far, as plain tuples with their texts (`_Row`).
        self._rows: list[_Row] = []
        self._filter = ContactFilter()
        self._generation = 0
        self._loading = False
        self._searching = False
        self._stage_labels: dict[str, str] = {}
        self._stage_texts: dict[str, str] = {}  # stage key -> what the Stage column shows
        self._colours: dict[str, QColor] = {}

    # --- loading ------------------------------------------------------------------------------

    @property
    def contact_filter(self) -> ContactFilter:
        return self._filter

    @property
    def total(self) -> int:
        return self._total

    @property
    def searching(self) -> bool:
        """The first page of a new filter is on its way."""
        return self._searching

    def set_filter(self, flt: ContactFilter) -> None:
        """Show the contacts matching `flt` (starts again from the first page)."""
        if flt.query.strip() and not self._filter.query.strip() and flt.sort == "name":
            flt = replace(flt, sort="relevance")  # typing a search ranks best matches first
        if not flt.query.strip() and flt.sort == "relevance":
            flt = replace(flt, sort="name")
        if flt == self._filter and self._generation:
            return  # loaded or on its way already (a change in the data calls reload itself)
        self._filter = flt
        # A keystroke's answer: a few screens of rows (more come in pages as the list scrolls).
        self.reload(rows=min(self._page_size, FIRST_ROWS))

    def set_stage_labels(self, labels: dict[str, str]) -> None:
        """Show stages by these labels (key -> label) rather than by their keys."""
        self._stage_labels = dict(labels)
        self._stage_texts.clear()
        if self._rows:
            column = [k for _, k in COLUMNS].index("stage")
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    def reload(self, rows: int | None = None) -> None:
        """Load the first page again (after a change), keeping at least as many rows as before;
        or only the first `rows` (a new filter: the screen's worth, then pages as it scrolls).

        The first rows come with how to read the rest (`contact_window.first_window`); a search
        asks first for a page of matches, so a keystroke is answered fast, and for the rest only
        when the list is scrolled to their end (`fetchMore`).
        """
        self._generation += 1
        self._loading = True
        self._searching = True
        want = max(self._page_size, len(self._rows)) if rows is None else rows
        flt, now, zone = self._filter, self._ctx.clock(), self._ctx.zone
        quick = max(want, QUICK_SEARCH) if flt.query.strip() else SEARCH_LIMIT

        def first(s: Session) -> tuple[contact_window.ContactWindow, list[_Row]]:
            found = contact_window.first_window(
                s, flt, limit=want, now=now, search_limit=min(quick, SEARCH_LIMIT)
            )
            return found, _plain_rows(found.rows, zone, now)

        self._ctx.runner.query(first, partial(self._on_first_page, self._generation))

    def _on_first_page(
        self,
        generation: int,
        result: tuple[contact_window.ContactWindow, list[_Row]],
    ) -> None:
        if generation != self._generation:
            return
        window, rows = result
        self.beginResetModel()
        self._ids = window.ids
        self._keyset = window.keyset
        self._total = window.total
        self._more = window.more
        self._rows = rows
        self._loading = False
        self._searching = False
        self.endResetModel()
        self.loaded.emit(self.total)

    @property
    def more(self) -> bool:
        """The search found at least `total` contacts and may find more (read as the list
        scrolls to its end): "200+"."""
        return self._more

    def _on_more_ids(self, generation: int, ids: list[int]) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._more = False
        loaded = len(self._rows)
        if tuple(ids[:loaded]) != tuple(r[0] for r in self._rows):
            self.reload()  # the order moved under the rows shown: start again
            return
        self._ids = tuple(ids)
        self._total = len(ids)
        self.loaded.emit(self.total)
        self.fetchMore()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or self._loading:
            return False
        return len(self._rows) < self._total or self._more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        # Re-entrancy-safe: the view and the model tester may both ask while a page is on its way.
        # Read after this frame's paint (`query_after_paint`): the view asks as it scrolls.
        if not self.canFetchMore(parent):
            return
        self._loading = True
        offset, generation, now = len(self._rows), self._generation, self._ctx.clock()
        zone = self._ctx.zone
        if len(self._rows) >= self._total:
            # The quick search's matches are all shown: now the whole search, then its rows.
            flt = self._filter
            self._ctx.runner.query_after_paint(
                lambda s: contact_window.ordered_ids(s, flt, now=now),
                partial(self._on_more_ids, generation),
            )
            return
        if self._keyset:
            flt, after, asked = self._filter, self._rows[-1][0], self._page_size
            self._ctx.runner.query_after_paint(
                lambda s: _plain_rows(
                    contact_window.rows_after(s, flt, after, limit=asked, now=now), zone, now
                ),
                partial(self._on_next_page, generation, offset, asked),
            )
            return
        wanted = self._ids[offset : offset + self._page_size]
        self._ctx.runner.query_after_paint(
            lambda s: _plain_rows(contact_window.rows(s, wanted, now=now), zone, now),
            partial(self._on_next_page, generation, offset, len(wanted)),
        )

    def _on_next_page(self, generation: int, offset: int, asked: int, rows: list[_Row]) -> None:
        if generation != self._generation or offset != len(self._rows):
            return
        self._loading = False
        if self._keyset:
            if len(rows) < asked:  # the list ends here (contacts went since it was counted)
                self._total = offset + len(rows)
        elif len(rows) < asked:
            # Some of the page's contacts went since the ids were read: leave them out.
            ids = self._ids
            self._ids = (*ids[:offset], *(r[0] for r in rows), *ids[offset + asked :])
            self._total = len(self._ids)
        if rows:
            self.beginInsertRows(QModelIndex(), offset, offset + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self.loaded.emit(self.total)

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
        # A paint asks each visible cell for seven roles; most get None at the first test.
        # (The list's own view paints through ContactCellDelegate, which reads cell() directly.)
        if role not in _ROLES:
            return None
        row_number = index.row()
        if not 0 <= row_number < len(self._rows):
            return None
        column = index.column()
        row = self._rows[row_number]
        if role == _ID:
            return row[0]
        if role == _TOOLTIP:
            return row[4] if column == _NAME_COLUMN and row[4] else None
        text, colour = self._cell(row, column)
        return text if role == _DISPLAY else colour

    def cell(self, row: int, column: int) -> tuple[str, QColor | None] | None:
        """The text a cell shows and its colour (None: the palette's): data()'s display and
        foreground roles without Qt in between. None when the row is not loaded."""
        if not 0 <= row < len(self._rows):
            return None
        return self._cell(self._rows[row], column)

    def _cell(self, row: _Row, column: int) -> tuple[str, QColor | None]:
        (_id, name, company, stage, _email, _last, next_follow_up, last_text, next_text) = row
        if column == _NAME_COLUMN:
            return name, None
        if column == _STAGE_COLUMN:
            text = self._stage_texts.get(stage)
            if text is None:
                text = self._stage_texts[stage] = (
                    self._stage_labels.get(stage) or stage.capitalize()
                )
            colour = self._colours.get(stage)
            if colour is None:
                colour = self._colours[stage] = readable(stage_colour(stage))
            return text, colour
        if column == _NEXT_COLUMN:
            if next_follow_up is not None and next_follow_up < self._ctx.clock():
                return next_text, readable("#b91c1c")  # overdue
            return next_text, None
        if column == _LAST_COLUMN:
            return last_text, None
        return company, None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        flt = replace(self._filter, sort=COLUMNS[column][1], descending=descending)
        if flt == self._filter and self._generation:
            return  # the header restoring its indicator at start-up, say: nothing to sort again
        self._filter = flt
        self.reload(rows=min(self._page_size, FIRST_ROWS))

    # --- helpers ------------------------------------------------------------------------------

    def contact_id(self, row: int) -> int | None:
        return self._rows[row][0] if 0 <= row < len(self._rows) else None

    def row_of(self, contact_id: int) -> int | None:
        """The row of this contact, if it is loaded."""
        for i, row in enumerate(self._rows):
            if row[0] == contact_id:
                return i
        return None

    def row_data(self, row: int) -> ContactRow | None:
        return ContactRow(*self._rows[row][:7]) if 0 <= row < len(self._rows) else None
