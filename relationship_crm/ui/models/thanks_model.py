"""The thank-you notes list: one row per note (To, Meeting, Date, Status), as frozen DTOs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from relationship_crm.domain.enums import ThanksStatus
from relationship_crm.domain.timefmt import weekday_date
from relationship_crm.services.thanks import ThanksView
from relationship_crm.ui.widgets.messages import plain_tooltip

Index = QModelIndex | QPersistentModelIndex

#: The status filter: (key, label, statuses shown; None for all).
FILTERS: tuple[tuple[str, str, frozenset[ThanksStatus] | None], ...] = (
    ("to_send", "To send", frozenset({ThanksStatus.DRAFT, ThanksStatus.PRINTED})),
    ("draft", "Drafts", frozenset({ThanksStatus.DRAFT})),
    ("printed", "Printed", frozenset({ThanksStatus.PRINTED})),
    ("sent", "Sent", frozenset({ThanksStatus.SENT})),
    ("all", "All", None),
)
#: Filter key -> the statuses it shows (None: all).
FILTER_STATUSES = {key: statuses for key, _label, statuses in FILTERS}

DRAFTING_HINT = (
    "Notes are drafted when you log a meeting with “Draft a thank-you note to each attendee” "
    "checked: one per attendee, ready to edit and print here."
)
#: What the empty list says, per filter: what is (not) there, then what to do about it.
EMPTY_TEXTS: dict[str, tuple[str, str]] = {
    "to_send": ("Nothing to send: every thank-you note has gone out.", DRAFTING_HINT),
    "draft": ("No drafts waiting.", DRAFTING_HINT),
    "printed": (
        "No printed notes waiting to be posted.",
        "Notes show here once printed, until you mark them sent.",
    ),
    "sent": (
        "No notes sent yet.",
        "Once a note is in the post, select it under “To send” and choose Mark sent.",
    ),
    "all": ("No thank-you notes yet.", DRAFTING_HINT),
}
#: The same with the meeting filter on.
MEETING_EMPTY_TEXTS: dict[str, str] = {
    "to_send": "Nothing to send for this meeting.",
    "draft": "No drafts for this meeting.",
    "printed": "No printed notes waiting for this meeting.",
    "sent": "No notes sent for this meeting yet.",
    "all": "No thank-you notes for this meeting.",
}
MEETING_HINT = "Choose “All” to see every note, or remove the meeting filter (✕)."


STATUS_TEXTS = {
    ThanksStatus.DRAFT: "Draft",
    ThanksStatus.PRINTED: "Printed",
    ThanksStatus.SENT: "Sent",
}

COLUMNS: tuple[str, ...] = ("To", "Meeting", "Date", "Status")
TO, MEETING, DATE, STATUS = range(len(COLUMNS))


#: At most this many names are listed in the summary line; the rest are counted.
MAX_NAMES_SHOWN = 4


def notes_count(count: int) -> str:
    """ "1 note", "3 notes"."""
    return f"{count} note" if count == 1 else f"{count} notes"


def name_list(names: Sequence[str], limit: int = MAX_NAMES_SHOWN) -> str:
    """ "Jane, Bob and Zoë", or "Jane, Bob, Zoë, Ann and 3 more"."""
    if len(names) <= 1:
        return "".join(names)
    if len(names) <= limit:
        return ", ".join(names[:-1]) + " and " + names[-1]
    return ", ".join(names[:limit]) + f" and {len(names) - limit} more"


class ThanksModel(QAbstractTableModel):
    """Holds thank-you notes as frozen ThanksView DTOs (never ORM objects), in the order given.

    Columns: To (the contact's name), Meeting (its title), Date (the meeting's day, "Fri 20 Nov")
    and Status ("Draft", "Draft · edited", "Printed", "Sent", with the day for the last two).
    IdRole gives the note's id and NoteRole the DTO. The model does no I/O: the window loads the
    notes through the runner and calls `set_notes`.

    Emits only the standard model signals (modelReset on each new list). Lives on the GUI thread.
    """

    IdRole = Qt.ItemDataRole.UserRole + 1
    NoteRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._notes: list[ThanksView] = []
        self._today: date | None = None
        self._zone = ZoneInfo("UTC")

    def set_notes(
        self, notes: Sequence[ThanksView], *, today: date | None = None, zone: str = "UTC"
    ) -> None:
        """Show `notes`; `today` leaves the current year out of dates, `zone` is the rep's."""
        self.beginResetModel()
        self._notes = list(notes)
        self._today = today
        self._zone = ZoneInfo(zone)
        self.endResetModel()

    # --- Qt model API -------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._notes)

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
        if not index.isValid() or not 0 <= index.row() < len(self._notes):
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._notes):
            return None
        note = self._notes[index.row()]
        column = index.column()
        if role == self.IdRole:
            return note.id
        if role == self.NoteRole:
            return note
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(note, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(self._tooltip(note))
        if role == Qt.ItemDataRole.AccessibleTextRole and column == TO:
            return ", ".join(self._text(note, c) for c in range(len(COLUMNS)))
        return None

    # --- text ---------------------------------------------------------------------------------

    def _text(self, note: ThanksView, column: int) -> str:
        if column == TO:
            return note.contact_name
        if column == MEETING:
            return note.meeting_title
        if column == DATE:
            return weekday_date(note.meeting_day, today=self._today) if note.meeting_day else ""
        return self.status_text(note)

    def local_day(self, moment: datetime) -> date:
        """The rep's day of an aware instant."""
        return moment.astimezone(self._zone).date()

    def status_text(self, note: ThanksView) -> str:
        """ "Draft", "Draft · edited", "Printed Mon 23 Nov", "Sent Tue 24 Nov"."""
        text = STATUS_TEXTS[note.status]
        if note.status is ThanksStatus.DRAFT:
            return f"{text} · edited" if note.edited else text
        moment = note.sent_at if note.status is ThanksStatus.SENT else note.printed_at
        if moment is None:
            return text
        return f"{text} {weekday_date(self.local_day(moment), today=self._today)}"

    def _tooltip(self, note: ThanksView) -> str:
        day = weekday_date(note.meeting_day, today=None) if note.meeting_day else ""
        lines = [f"To {note.contact_name}", f"{note.meeting_title} ({day})".strip()]
        first = next((line for line in note.body.splitlines() if line.strip()), "")
        if first:
            lines.append(first)
        return "\n".join(lines)

    # --- helpers ------------------------------------------------------------------------------

    def note_at(self, row: int) -> ThanksView | None:
        return self._notes[row] if 0 <= row < len(self._notes) else None

    def row_of(self, note_id: int) -> int | None:
        for row, note in enumerate(self._notes):
            if note.id == note_id:
                return row
        return None

    def notes(self) -> list[ThanksView]:
        """The notes shown, in display order."""
        return list(self._notes)
