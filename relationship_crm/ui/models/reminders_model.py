"""The reminders model: the agenda's Reminder DTOs in Overdue / Today / Upcoming sections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
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
class _Row:
    """One line of the model: a section title (`reminder` None) or a reminder in `bucket`."""

    bucket: Bucket
    reminder: Reminder | None = None
    count: int = 0


class RemindersModel(QAbstractTableModel):
    """Holds one agenda as frozen Reminder DTOs (never ORM objects), grouped under title rows.

    Today's title row comes first and always shows, then Overdue (its reminders hidden while
    collapsed) and Upcoming. Each section is a title row (not selectable; DisplayRole
    "Overdue", CountRole the number of reminders) followed by its reminders. Columns: When
    ("09:00" today, else "Mon 23 Nov 09:00"), Contact, Note, Status ("Snoozed", the cadence).
    The model does no I/O: the panel loads the agenda through the runner and calls `set_agenda`.

    Emits only the standard model signals (modelReset on each new agenda).
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

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self._now: datetime | None = None
        self._agenda: Agenda | None = None
        self._overdue_collapsed = False

    # --- loading ------------------------------------------------------------------------------

    def set_agenda(self, agenda: Agenda, *, now: datetime | None = None) -> None:
        """Show `agenda`; `now` (aware) marks reminders already due and years other than its own."""
        self.beginResetModel()
        self._agenda = agenda
        self._now = now
        self._rows = self._build_rows()
        self.endResetModel()

    @property
    def overdue_collapsed(self) -> bool:
        return self._overdue_collapsed

    def set_overdue_collapsed(self, collapsed: bool) -> None:
        """Hide (or show again) the overdue reminders under their title row."""
        if collapsed == self._overdue_collapsed:
            return
        self.beginResetModel()
        self._overdue_collapsed = collapsed
        self._rows = self._build_rows()
        self.endResetModel()

    def _build_rows(self) -> list[_Row]:
        # Today first and always titled: it is what the rep works through; a long overdue backlog
        # below it (collapsible) no longer pushes today's calls out of sight.
        agenda = self._agenda
        if agenda is None:
            return []
        rows = [_Row(Bucket.TODAY, None, len(agenda.today))]
        rows.extend(_Row(Bucket.TODAY, item) for item in agenda.today)
        if agenda.overdue:
            rows.append(_Row(Bucket.OVERDUE, None, len(agenda.overdue)))
            if not self._overdue_collapsed:
                rows.extend(_Row(Bucket.OVERDUE, item) for item in agenda.overdue)
        if agenda.upcoming:
            rows.append(_Row(Bucket.UPCOMING, None, len(agenda.upcoming)))
            rows.extend(_Row(Bucket.UPCOMING, item) for item in agenda.upcoming)
        return rows

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
                return COLUMNS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return Qt.ItemFlag.NoItemFlags
        if self._rows[index.row()].reminder is None:
            # Title rows are not enabled, so the views' cursor keys step over them.
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == self.BucketRole:
            return row.bucket.value
        if role == self.IsSectionRole:
            return row.reminder is None
        if row.reminder is None:
            return self._section_data(row, index.column(), role)
        return self._reminder_data(row.reminder, index.column(), role)

    def _section_data(self, row: _Row, column: int, role: int) -> Any:
        if role == self.CountRole:
            return row.count
        if role == self.CollapsedRole:
            return row.bucket is Bucket.OVERDUE and self._overdue_collapsed
        if column != WHEN:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return SECTION_TITLES[row.bucket]
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and row.bucket is Bucket.OVERDUE:
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
        """The reminder on `row`, None for a title row or out of range."""
        return self._rows[row].reminder if 0 <= row < len(self._rows) else None

    def row_of(self, follow_up_id: int) -> int | None:
        for i, row in enumerate(self._rows):
            if row.reminder is not None and row.reminder.spec.id == follow_up_id:
                return i
        return None

    def reminders(self, bucket: Bucket | None = None) -> list[Reminder]:
        """The agenda's reminders by moment (collapsed ones too), or only those in `bucket`."""
        agenda = self._agenda
        if agenda is None:
            return []
        every = (*agenda.overdue, *agenda.today, *agenda.upcoming)
        return [r for r in every if bucket is None or r.bucket is bucket]

    def is_empty(self) -> bool:
        """Nothing overdue, today or upcoming (Today's title alone does not count)."""
        agenda = self._agenda
        return agenda is None or not (agenda.overdue or agenda.today or agenda.upcoming)
