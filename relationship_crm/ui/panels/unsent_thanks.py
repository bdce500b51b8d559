"""The Reminders panel's "Thank-you notes to send" box: notes still unsent two days after."""

from __future__ import annotations

from datetime import datetime, time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.enums import ThanksStatus
from relationship_crm.domain.errors import KnownError
from relationship_crm.domain.timefmt import day_month, short_day
from relationship_crm.services import thanks
from relationship_crm.ui.colours import readable
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.models.reminders_model import OVERDUE_COLOUR
from relationship_crm.ui.models.thanks_model import FILTER_STATUSES
from relationship_crm.ui.operations import run_write
from relationship_crm.ui.widgets.messages import plain_tooltip

NoteIdRole = Qt.ItemDataRole.UserRole + 1
#: Late notes listed at most; the title gives the count and the notes window has them all.
MAX_ROWS = 50


def _ago(days: int) -> str:
    return "yesterday" if days == 1 else f"{days} days ago"


class UnsentThanksBox(QWidget):
    """Lists thank-you notes not yet sent two days or more after their meeting.

    Loads `thanks.unsent_due` through `ctx.runner.query` on `refresh()`, which its owner (the
    Reminders panel) calls with its own loads and when notes or meetings change, so one change
    never loads the list twice. Hidden while there is nothing to send. "Mark sent" writes
    through `operations.run_write` (which notifies the thanks changes) and reloads; "Open…"
    asks the window to show the note.

    Signals:
        open_requested(int): the rep wants to see or print this note (its id).
    Lives on the GUI thread.
    """

    open_requested = Signal(int)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._generation = 0
        self._loaded = False

        self.title_label = QLabel()
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.title_label.setStyleSheet(
            f"font-weight: 600; color: {readable(OVERDUE_COLOUR).name()};"
        )
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setAccessibleName("Thank-you notes to send")
        self.list.setMaximumHeight(132)
        # A narrow dock: long titles are cut with "…" (the tooltip has the rest), never scrolled.
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setUniformItemSizes(True)
        self.list.itemDoubleClicked.connect(self._on_list_item_double_clicked)
        self.list.itemSelectionChanged.connect(self._update_buttons)

        self.open_button = QToolButton()
        self.open_button.setText("Open…")
        self.open_button.setToolTip("Show the note to edit, print or send it")
        self.sent_button = QToolButton()
        self.sent_button.setText("Mark sent")
        self.sent_button.setToolTip("The selected notes are in the post")
        for button in (self.open_button, self.sent_button):
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.sent_button.clicked.connect(self._on_sent_button_clicked)

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.setSpacing(4)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.sent_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.title_label)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self.hide()
        self._update_buttons()

    @property
    def loaded(self) -> bool:
        """True once the first list arrived."""
        return self._loaded

    def refresh(self) -> None:
        """Load the list again (an older load still on its way is then ignored)."""
        self._generation += 1
        generation, now, zone = self._generation, self._ctx.clock(), self._ctx.zone

        def op(session: Session) -> tuple[list[thanks.ThanksDue], int, int]:
            # The notes window's "To send" count, so the two never disagree about how many.
            to_send = thanks.count_notes(session, statuses=FILTER_STATUSES["to_send"])
            # The oldest MAX_ROWS and the count: a backlog of thousands costs no more to show.
            due, count = thanks.unsent_due_first(session, limit=MAX_ROWS, now=now, zone=zone)
            return due, count, to_send

        self._ctx.runner.query(
            op, lambda loaded: self._on_loaded(generation, *loaded), self._on_failed
        )

    def note_ids(self) -> list[int]:
        """The notes listed, top to bottom."""
        found = (self.list.item(i).data(NoteIdRole) for i in range(self.list.count()))
        return [int(note_id) for note_id in found if note_id is not None]

    def selected_ids(self) -> list[int]:
        return [int(item.data(NoteIdRole)) for item in self.list.selectedItems()]

    def _on_loaded(
        self, generation: int, due: list[thanks.ThanksDue], count: int, to_send: int
    ) -> None:
        if generation != self._generation:
            return
        selected = set(self.selected_ids())
        self.list.clear()
        this_year = self._ctx.today().year
        for entry in due:
            noon = datetime.combine(entry.meeting_day, time(12))
            when = short_day(noon, year=entry.meeting_day.year != this_year)
            printed = " · printed" if entry.status is ThanksStatus.PRINTED else ""
            met = day_month(entry.meeting_day, year=entry.meeting_day.year != this_year)
            item = QListWidgetItem(f"{met} · {entry.contact_name} · {entry.meeting_title}")
            item.setToolTip(
                plain_tooltip(
                    f"{entry.contact_name} · {entry.meeting_title}\n"
                    f"Met {when} ({_ago(entry.days_since)}){printed}"
                )
            )
            item.setData(NoteIdRole, entry.note_id)
            self.list.addItem(item)
            item.setSelected(entry.note_id in selected)
        if count > len(due):
            more = QListWidgetItem(f"… and {count - len(due)} more in Thank-you notes (Ctrl+T)")
            more.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(more)
        title = f"Thank-you note{'s' if to_send != 1 else ''} to send ({to_send})"
        if to_send != count:  # the newer ones are not late yet: they are in the notes window
            title += f": {count} met 2+ days ago"
        self.title_label.setText(title)
        self.setVisible(count > 0)
        self._loaded = True
        self._update_buttons()

    def _on_failed(self, exc: BaseException) -> None:
        self._ctx.runner.failed.emit(str(exc), not isinstance(exc, KnownError))

    def _update_buttons(self) -> None:
        has = bool(self.list.selectedItems())
        self.open_button.setEnabled(has)
        self.sent_button.setEnabled(has)

    def mark_sent(self) -> None:
        """Mark the selected notes sent (the rep posted them)."""
        ids = self.selected_ids()
        if not ids:
            return
        now = self._ctx.clock()
        run_write(self, self._ctx, lambda s: thanks.mark_sent(s, ids, now=now), self._on_marked)

    def _on_marked(self, _changes: Changes) -> None:
        self.refresh()

    def _on_open_button_clicked(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.open_requested.emit(ids[0])

    def _on_sent_button_clicked(self) -> None:
        self.mark_sent()

    def _on_list_item_double_clicked(self, item: QListWidgetItem) -> None:
        if item.data(NoteIdRole) is not None:  # not the "… and N more" line
            self.open_requested.emit(int(item.data(NoteIdRole)))
