"""The reminders model: the agenda's Reminder DTOs in Overdue / Today / Upcoming sections."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont

from relationship_crm.domain.followups import Agenda, Bucket, Reminder
from relationship_crm.domain.timefmt import clock, short_day, short_moment
from relationship_crm.scheduling.recurrence import describe
from relationship_crm.ui.colours import readable
from relationship_crm.ui.widgets.messages import plain_tooltip

Index = QModelIndex | QPersistentModelIndex

#: Overdue rows and their section title: a warm red, readable on light and dark backgrounds.
OVERDUE_COLOUR = "#c0392b"


SECTION_TITLES: dict[Bucket, str] = {
    Bucket.OVERDUE: "Overdue",
    Bucket.TODAY: "Today",
    Bucket.UPCOMING: "Upcoming",
}

COLUMNS: tuple[str, ...] = ("When", "Contact", "Note", "Status")
WHEN, CONTACT, NOTE, STATUS = range(len(COLUMNS))


@dataclass(frozen=True, slots=True)
class _Section:
    """A title row at `title` and `shown` reminder rows below it (none while collapsed)."""

    bucket: Bucket
    title: int
    shown: int


class RemindersModel(QAbstractTableModel):
    """Holds one agenda as frozen Reminder DTOs (never ORM objects), grouped under title rows.

    Today's title row comes first and always shows, then Overdue (its reminders hidden while
    collapsed) and Upcoming. Each section is a title row (not selectable; DisplayRole
    "Overdue", CountRole the number of reminders) followed by its reminders. Columns: When
    ("09:00" today, else "Mon 23 Nov 09:00"), Contact, Note, Status ("Snoozed", the cadence).
    The model does no I/O: the panel loads the agenda through the runner and calls `set_agenda`
    (the whole agenda) or `set_window` (a long one: the counts and the first reminders of each
    section). Rows not loaded yet are blank, disabled placeholders; the first time the view asks
    for one, `window_needed` names the page to load, and `fill` puts it in. Nothing is done per
    reminder on a load: a row's section is found by arithmetic, its texts when it is painted.

    Signals:
        window_needed(str, int): a section's (Bucket value) page starting at this offset is
            wanted; emitted once per page and load, from the event loop (never inside data()).
    Emits the standard model signals too (modelReset on each new agenda).
    Lives on the GUI thread.
    """

    IdRole = Qt.ItemDataRole.UserRole + 1
    ContactIdRole = Qt.ItemDataRole.UserRole + 2
    ReminderRole = Qt.ItemDataRole.UserRole + 3  # the Reminder DTO, None on title rows
    BucketRole = Qt.ItemDataRole.UserRole + 4  # the Bucket value ("overdue"...), on every row
    IsSectionRole = Qt.ItemDataRole.UserRole + 5  # True on title rows
    CountRole = Qt.ItemDataRole.UserRole + 6  # reminders in the section, on title rows
    DueNowRole = Qt.ItemDataRole.UserRole + 7  # True once the reminder's moment has passed
    CollapsedRole = Qt.ItemDataRole.UserRole + 8  # on the Overdue title: its rows are hidden

    window_needed = Signal(str, int)

    def __init__(self, parent: Any = None, page: int = 100) -> None:
        super().__init__(parent)
        # Per section, its reminders in order; None where a long agenda's row is not loaded yet.
        self._items: dict[Bucket, list[Reminder | None]] = {b: [] for b in Bucket}
        self._sections: list[_Section] = []
        self._row_count = 0
        self._now: datetime | None = None
        self._loaded = False
        self._complete = True
        self._overdue_collapsed = False
        self._page = page
        self._requested: set[tuple[Bucket, int]] = set()
        self._wanted: list[tuple[Bucket, int]] = []
        self._want_timer = QTimer(self)
        self._want_timer.setSingleShot(True)
        self._want_timer.setInterval(0)
        self._want_timer.timeout.connect(self._emit_wanted)

    # --- loading ------------------------------------------------------------------------------

    def set_agenda(self, agenda: Agenda, *, now: datetime | None = None) -> None:
        """Show `agenda`; `now` (aware) marks reminders already due and years other than its own."""
        items: dict[Bucket, list[Reminder | None]] = {
            Bucket.OVERDUE: list(agenda.overdue),
            Bucket.TODAY: list(agenda.today),
            Bucket.UPCOMING: list(agenda.upcoming),
        }
        self._reset(items, now, complete=True)

    def set_window(
        self,
        counts: dict[Bucket, int],
        first: dict[Bucket, tuple[Reminder, ...]],
        *,
        now: datetime | None = None,
    ) -> None:
        """Show a long agenda: `counts` reminders per section, of which `first` are loaded."""
        items: dict[Bucket, list[Reminder | None]] = {}
        for bucket in Bucket:
            loaded: list[Reminder | None] = list(first.get(bucket, ())[: counts[bucket]])
            loaded.extend([None] * (counts[bucket] - len(loaded)))  # one C call, not a loop
            items[bucket] = loaded
        self._reset(items, now, complete=False)

    def _reset(
        self, items: dict[Bucket, list[Reminder | None]], now: datetime | None, complete: bool
    ) -> None:
        self.beginResetModel()
        self._items = items
        self._now = now
        self._loaded = True
        self._complete = complete
        self._requested.clear()
        self._wanted.clear()
        self._layout()
        self.endResetModel()

    def fill(self, bucket: Bucket, offset: int, reminders: Sequence[Reminder]) -> None:
        """Put a loaded page of a section in (rows `offset`.. of that section)."""
        items = self._items[bucket]
        end = min(offset + len(reminders), len(items))
        if offset < 0 or end <= offset:
            return
        items[offset:end] = reminders[: end - offset]
        for section in self._sections:
            if section.bucket is bucket and section.shown:
                first = section.title + 1 + offset
                last = section.title + min(end, section.shown)
                if first <= last:
                    self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

    @property
    def complete(self) -> bool:
        """Every reminder is loaded (a short agenda, read whole)."""
        return self._complete

    @property
    def overdue_collapsed(self) -> bool:
        return self._overdue_collapsed

    def set_overdue_collapsed(self, collapsed: bool) -> None:
        """Hide (or show again) the overdue reminders under their title row."""
        if collapsed == self._overdue_collapsed:
            return
        self.beginResetModel()
        self._overdue_collapsed = collapsed
        self._layout()
        self.endResetModel()

    def _layout(self) -> None:
        # Today first and always titled: it is what the rep works through; a long overdue backlog
        # below it (collapsible) no longer pushes today's calls out of sight.
        self._sections = []
        if not self._loaded:
            self._row_count = 0
            return
        row = 0
        for bucket in (Bucket.TODAY, Bucket.OVERDUE, Bucket.UPCOMING):
            count = len(self._items[bucket])
            if bucket is not Bucket.TODAY and not count:
                continue
            shown = 0 if bucket is Bucket.OVERDUE and self._overdue_collapsed else count
            self._sections.append(_Section(bucket, row, shown))
            row += 1 + shown
        self._row_count = row

    def _locate(self, row: int) -> tuple[_Section, int] | None:
        """The section of `row` and the row's place in it (-1 for the title row)."""
        for section in reversed(self._sections):
            if row >= section.title:
                offset = row - section.title - 1
                return (section, offset) if offset < section.shown else None
        return None

    def _item(self, row: int) -> tuple[_Section, Reminder | None] | None:
        found = self._locate(row)
        if found is None:
            return None
        section, offset = found
        if offset < 0:
            return section, None
        item = self._items[section.bucket][offset]
        if item is None:
            self._want(section.bucket, offset)
        return section, item

    def _want(self, bucket: Bucket, offset: int) -> None:
        start = offset - offset % self._page
        if (bucket, start) not in self._requested:
            self._requested.add((bucket, start))
            self._wanted.append((bucket, start))
            self._want_timer.start()

    def _emit_wanted(self) -> None:
        wanted, self._wanted = self._wanted, []
        for bucket, start in wanted:
            self.window_needed.emit(bucket.value, start)

    # --- Qt model API -------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._row_count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(COLUMNS):
                return COLUMNS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        found = self._item(index.row())
        if found is None or found[1] is None:
            # Title rows (and rows still loading) are not enabled: the cursor keys step over them.
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        found = self._locate(index.row())
        if found is None:
            return None
        section, offset = found
        if role == self.BucketRole:
            return section.bucket.value
        if role == self.IsSectionRole:
            return offset < 0
        if offset < 0:
            return self._section_data(section.bucket, index.column(), role)
        item = self._items[section.bucket][offset]
        if item is None:
            self._want(section.bucket, offset)
            return None  # a blank row until its page arrives
        return self._reminder_data(item, index.column(), role)

    def _section_data(self, bucket: Bucket, column: int, role: int) -> Any:
        if role == self.CountRole:
            return len(self._items[bucket])
        if role == self.CollapsedRole:
            return bucket is Bucket.OVERDUE and self._overdue_collapsed
        if column != WHEN:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return SECTION_TITLES[bucket]
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and bucket is Bucket.OVERDUE:
            return readable(OVERDUE_COLOUR)
        return None

    def _reminder_data(self, item: Reminder, column: int, role: int) -> Any:
        if role == self.IdRole:
            return item.spec.id
        if role == self.ContactIdRole:
            return item.spec.contact_id
        if role == self.ReminderRole:
            return item
        if role == self.DueNowRole:
            return self._now is not None and item.due <= self._now
        if role == Qt.ItemDataRole.DisplayRole:
            if column == WHEN:
                return self.when_text(item)
            if column == CONTACT:
                return item.spec.contact_name
            if column == NOTE:
                return item.spec.note
            return self.status_text(item)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(self.tooltip_text(item))
        if role == Qt.ItemDataRole.AccessibleTextRole and column == WHEN:
            parts = [self.when_text(item), item.spec.contact_name, item.spec.note]
            parts.append(self.status_text(item))
            return ", ".join(p for p in parts if p)
        if role == Qt.ItemDataRole.ForegroundRole and item.overdue:
            return readable(OVERDUE_COLOUR)
        return None

    # --- text ---------------------------------------------------------------------------------

    def _show_year(self, moment: datetime) -> bool:
        return self._now is not None and moment.year != self._now.year

    def when_text(self, item: Reminder) -> str:
        """The time only for today's reminders, day and time for the others."""
        if item.bucket is Bucket.TODAY:
            return clock(item.due)
        return short_moment(item.due, year=self._show_year(item.due))

    def day_text(self, item: Reminder) -> str:
        """The day alone ("Mon 23 Nov"), empty for today's reminders."""
        if item.bucket is Bucket.TODAY:
            return ""
        return short_day(item.due, year=self._show_year(item.due))

    @staticmethod
    def cadence_text(item: Reminder) -> str:
        """The cadence in words ("Repeats every 2 weeks"), or empty for a one-off."""
        return f"Repeats {describe(item.spec.rrule)}" if item.spec.rrule else ""

    @staticmethod
    def status_text(item: Reminder) -> str:
        parts = ["Snoozed" if item.snoozed else "", RemindersModel.cadence_text(item)]
        return " · ".join(p for p in parts if p)

    def tooltip_text(self, item: Reminder) -> str:
        lines = [f"{item.spec.contact_name}: {short_moment(item.due, year=True)}"]
        if item.snoozed:
            lines.append(f"Snoozed (was due {short_moment(item.spec.due_local, year=True)})")
        if item.spec.rrule:
            lines.append(self.cadence_text(item))
        if item.spec.note:
            lines.append(item.spec.note)
        return "\n".join(lines)

    # --- helpers ------------------------------------------------------------------------------

    def reminder_at(self, row: int) -> Reminder | None:
        """The reminder on `row`, None for a title row, a row still loading or out of range."""
        found = self._item(row) if 0 <= row < self._row_count else None
        return None if found is None else found[1]

    def row_of(self, follow_up_id: int) -> int | None:
        """The row of this follow-up, if it is loaded and shown."""
        for section in self._sections:
            items = self._items[section.bucket]
            for offset in range(section.shown):
                item = items[offset]
                if item is not None and item.spec.id == follow_up_id:
                    return section.title + 1 + offset
        return None

    def reminders(self, bucket: Bucket | None = None) -> list[Reminder]:
        """The loaded reminders by moment (collapsed ones too), or only those in `bucket`."""
        order = (Bucket.OVERDUE, Bucket.TODAY, Bucket.UPCOMING)
        return [
            item
            for b in order
            if bucket is None or b is bucket
            for item in self._items[b]
            if item is not None
        ]

    def title_rows(self) -> list[int]:
        """The rows of the section titles."""
        return [section.title for section in self._sections]

    def count(self, bucket: Bucket) -> int:
        """How many reminders the section holds (loaded or not)."""
        return len(self._items[bucket])

    def is_empty(self) -> bool:
        """Nothing overdue, today or upcoming (Today's title alone does not count)."""
        return not any(self._items.values())
