"""The reminders panel: overdue, today's and the coming week's follow-ups, with their actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QFocusEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.errors import KnownError
from relationship_crm.domain.followups import Bucket, Reminder
from relationship_crm.domain.records import FollowUpView
from relationship_crm.domain.timefmt import short_day
from relationship_crm.scheduling.zones import day_bounds
from relationship_crm.services import agenda_window, followups
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.dialogs.followup_dialog import FollowUpDialog
from relationship_crm.ui.models.delegates import ReminderDelegate
from relationship_crm.ui.models.reminders_model import RemindersModel
from relationship_crm.ui.operations import run_write
from relationship_crm.ui.panels.keep_in_touch import KeepInTouchBox
from relationship_crm.ui.panels.unsent_thanks import UnsentThanksBox
from relationship_crm.ui.snooze import build_snooze_menu

Index = QModelIndex | QPersistentModelIndex

#: Days after today the Upcoming section covers.
HORIZON_DAYS = 7
#: Reminders of each section read with the counts (a long agenda), then per page as it scrolls.
FIRST_PAGE = 50
WINDOW_PAGE = 100
#: The wake-up timer never waits longer than this: a sleeping laptop's timers drift, so look again.
MAX_WAIT = timedelta(hours=6)
#: ...nor less than this, so a moment that is (almost) now cannot make it spin.
MIN_WAIT = timedelta(seconds=1)
EMPTY_TEXT = "Nothing due — all caught up"

Confirm = Callable[[str, str], bool]
#: The focus reasons of a rep moving into the list with the keyboard.
_KEYBOARD_FOCUS = (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason)


def _wait_ms(delta: timedelta) -> int:
    """Milliseconds for a single-shot timer, clamped to [MIN_WAIT, MAX_WAIT]."""
    return int(max(MIN_WAIT, min(MAX_WAIT, delta)) / timedelta(milliseconds=1))


class RemindersPanel(QWidget):
    """Owns the reminders model and view, the row actions and two single-shot timers.

    Loads `followups.agenda` (Overdue / Today / Upcoming for the next 7 days) through
    `ctx.runner.query` on construction, on `refresh()`, after `ctx.events.changed` with follow-ups
    or contacts, when the next follow-up falls due (`wakeup_timer`, set from
    `followups.next_wakeup`) and at local midnight in `ctx.zone` (`midnight_timer`). Row actions
    (Done, Snooze, Open contact, Edit…, Cancel follow-up) write through `operations.run_write`,
    which notifies `ctx.events` with the service's changes. `confirm(title, text) -> bool` asks
    before cancelling; replace it to answer without a message box.

    Signals:
        refreshed(): the model holds a newly loaded agenda.
        reminder_due(Reminder): a reminder whose moment passed since the previous load (once each).
        reminders_due(list): the same reminders, together, once per load (for one notification).
    Lives on the GUI thread; database work runs on the runner's thread.
    """

    refreshed = Signal()
    reminder_due = Signal(object)
    reminders_due = Signal(list)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._generation = 0
        self._loaded = False
        self._announced_until = ctx.clock()  # reminders due before the panel opened are not news
        self._pending: set[int] = set()  # follow-ups with a write on its way
        self.confirm: Confirm = self._ask
        self.snooze_menu: QMenu | None = None
        self.context_menu: QMenu | None = None
        self.edit_dialog: FollowUpDialog | None = None

        self._span: agenda_window.Span | None = None
        self.model = RemindersModel(self, page=WINDOW_PAGE)
        self.model.window_needed.connect(self._on_window_needed)
        self._build()
        self._build_actions()

        self.wakeup_timer = QTimer(self)
        self.midnight_timer = QTimer(self)
        for timer, slot in (
            (self.wakeup_timer, self._on_wakeup_timer_timeout),
            (self.midnight_timer, self._on_midnight_timer_timeout),
        ):
            timer.setSingleShot(True)
            timer.setTimerType(Qt.TimerType.PreciseTimer)  # coarse timers may fire 5% early
            timer.timeout.connect(slot)

        ctx.events.changed.connect(self._on_events_changed)
        self.refresh()

    # --- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.summary_label = QLabel()
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        # Wrapped, the summary no longer sets the dock's minimum width (a 1024 px screen).
        self.summary_label.setWordWrap(True)
        self.summary_label.setStyleSheet("color: palette(placeholder-text);")

        self.view = ReminderList(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.setAccessibleName("Reminders")
        self.view.customContextMenuRequested.connect(self._on_view_context_menu_requested)
        self.view.doubleClicked.connect(self._on_view_double_clicked)
        # One click opens the contact (the row stays selected for Done, Snooze...).
        self.view.clicked.connect(self._on_view_double_clicked)
        # Title rows are disabled items, which emit no clicked(): watch the mouse on them.
        self.view.viewport().installEventFilter(self)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.view.installEventFilter(self)

        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: palette(placeholder-text); padding: 24px;")

        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty_label)

        # Tool buttons size to their text, so the row fits a narrow dock.
        self.done_button = self._button("Done")
        self.snooze_button = self._button("Snooze ▾")
        self.open_button = self._button("Open")
        self.edit_button = self._button("Edit…")
        self.cancel_button = self._button("Cancel…")
        self.button_bar = QWidget()
        buttons = QHBoxLayout(self.button_bar)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.setSpacing(4)
        for button, tip in (
            (self.done_button, "Mark done (D)"),
            (self.snooze_button, "Remind me later (S)"),
            (self.open_button, "Open the contact (Enter)"),
            (self.edit_button, "Change the date, cadence or note (E)"),
            (self.cancel_button, "Cancel this follow-up (Delete)"),
        ):
            button.setToolTip(tip)
            buttons.addWidget(button, 1)
        self.done_button.clicked.connect(self._on_done_button_clicked)
        self.snooze_button.clicked.connect(self._on_snooze_button_clicked)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)

        self.reschedule_button = QToolButton()
        self.reschedule_button.setText("Reschedule all overdue…")
        self.reschedule_button.setToolTip(
            "Move every overdue follow-up to one day, each at its own time"
        )
        self.reschedule_button.setAutoRaise(True)
        self.reschedule_button.clicked.connect(self.reschedule_overdue)
        self.reschedule_button.hide()

        # A team's server database: the follow-ups that ring for this rep, or everyone's
        # (issue 20). Only the rep's own ever ring.
        self.owner_filter = QComboBox()
        self.owner_filter.addItem("Mine", True)
        self.owner_filter.addItem("Everyone's", False)
        self.owner_filter.setAccessibleName("Whose follow-ups")
        self.owner_filter.setVisible(self._ctx.runner.db.on_server)
        self.owner_filter.currentIndexChanged.connect(lambda _i: self.refresh())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.owner_filter, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.reschedule_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.button_bar)
        # Thank-you notes still unsent two days after their meeting, below the follow-ups.
        self.unsent_thanks = UnsentThanksBox(self._ctx)
        layout.addWidget(self.unsent_thanks)
        # Contacts past their keep-in-touch rhythm (issue 15), last.
        self.keep_in_touch = KeepInTouchBox(self._ctx)
        layout.addWidget(self.keep_in_touch)

    @staticmethod
    def _button(text: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return button

    def _build_actions(self) -> None:
        # The keys are handled by eventFilter on the view; the text after a tab only shows them.
        self.done_action = QAction("Done\tD", self)
        self.snooze_action = QAction("Snooze…\tS", self)
        self.open_action = QAction("Open contact\tEnter", self)
        self.edit_action = QAction("Edit…\tE", self)
        self.cancel_action = QAction("Cancel follow-up…\tDel", self)
        self.done_action.triggered.connect(self.mark_done)
        self.snooze_action.triggered.connect(self.show_snooze_menu)
        self.open_action.triggered.connect(self.open_contact)
        self.edit_action.triggered.connect(self.edit)
        self.cancel_action.triggered.connect(self.cancel_follow_up)
        self._update_actions()

    # --- loading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Load the agenda again; a load started earlier and still on its way is then ignored.

        A long agenda comes as counts and first pages (`agenda_window.load`): the list asks for
        more pages as it scrolls (`_on_window_needed`), so a refresh costs the same at 30 or
        30,000 reminders.
        """
        self._generation += 1
        now, zone, since = self._ctx.now(), self._ctx.zone, self._announced_until
        mine = bool(self.owner_filter.currentData())
        self._ctx.runner.query(
            lambda s: agenda_window.load(
                s,
                now=now,
                tz=zone,
                horizon_days=HORIZON_DAYS,
                since=since,
                page=FIRST_PAGE,
                full_limit=agenda_window.FULL_LIMIT,
                mine=mine,
            ),
            partial(self._on_agenda_loaded, self._generation, now),
            self._on_agenda_failed,
        )
        self.unsent_thanks.refresh()
        self.keep_in_touch.refresh()

    def _on_agenda_loaded(
        self, generation: int, now: datetime, result: agenda_window.AgendaWindow
    ) -> None:
        if generation != self._generation:
            return  # a newer load is on its way
        selected = self.current_reminder()
        old_row = self._selected_row()
        self._span = result.span
        if result.complete:
            self.model.set_agenda(result.agenda(), now=now)
        else:
            self.model.set_window(result.counts, result.first, now=now)
        self._restore_selection(selected.spec.id if selected else None, old_row)
        self._loaded = True
        empty = self.model.is_empty()
        self.stack.setCurrentWidget(self.empty_label if empty else self.view)
        self.button_bar.setVisible(not empty)
        self.reschedule_button.setVisible(result.counts[Bucket.OVERDUE] > 0)
        self.summary_label.setText(self._summary(result.counts, result.skipped, now))
        self._schedule(now, result.next_wakeup)
        self._update_actions()
        due = [r for r in result.due if self._announced_until < r.due <= now]
        self._announced_until = max(self._announced_until, now)
        self.refreshed.emit()
        for item in due:
            self.reminder_due.emit(item)
        if due:
            self.reminders_due.emit(due)

    def _on_window_needed(self, bucket: str, offset: int) -> None:
        """Load a page of a long agenda's section that the list scrolled to."""
        span, zone, generation = self._span, self._ctx.zone, self._generation
        if span is None:
            return
        which = Bucket(bucket)
        mine = bool(self.owner_filter.currentData())
        self._ctx.runner.query(
            lambda s: agenda_window.window(
                s,
                span=span,
                tz=zone,
                bucket=which,
                offset=offset,
                limit=WINDOW_PAGE,
                mine=mine,
            ),
            partial(self._on_window_loaded, generation, which, offset),
            self._on_agenda_failed,
        )

    def _on_window_loaded(
        self, generation: int, bucket: Bucket, offset: int, found: tuple[Reminder, ...]
    ) -> None:
        if generation == self._generation:
            self.model.fill(bucket, offset, found)

    def _on_agenda_failed(self, exc: BaseException) -> None:
        self._ctx.runner.failed.emit(str(exc), not isinstance(exc, KnownError))

    def _schedule(self, now: datetime, wakeup: datetime | None) -> None:
        """Set the timers: the next follow-up falling due, and the next local midnight."""
        if wakeup is None:
            self.wakeup_timer.stop()
        else:
            self.wakeup_timer.start(_wait_ms(wakeup - now))
        _, midnight = day_bounds(now.date(), self._ctx.zone)
        self.midnight_timer.start(_wait_ms(midnight - now))

    @staticmethod
    def _summary(counts: dict[Bucket, int], skipped: tuple[int, ...], now: datetime) -> str:
        overdue, today, upcoming = (
            counts[b] for b in (Bucket.OVERDUE, Bucket.TODAY, Bucket.UPCOMING)
        )
        parts = [
            f"{overdue} overdue" if overdue else "",
            f"{today} today" if today else "",
            f"{upcoming} upcoming" if upcoming else "",
            # Rows whose stored time cannot be read are left out of the list, never silently.
            _unreadable_text(skipped),
        ]
        return " · ".join([f"Today is {short_day(now)}", *[c for c in parts if c]])

    @property
    def loaded(self) -> bool:
        """True once the first agenda arrived."""
        return self._loaded

    # --- selection ----------------------------------------------------------------------------

    def _selected_row(self) -> int | None:
        # selectedIndexes, not selectedRows: the list shows one of the model's columns only.
        indexes = self.view.selectionModel().selectedIndexes()
        return indexes[0].row() if indexes else None

    def current_reminder(self) -> Reminder | None:
        """The selected reminder, which the buttons, keys and menus act on."""
        row = self._selected_row()
        return None if row is None else self.model.reminder_at(row)

    def select(self, follow_up_id: int) -> bool:
        """Select the row of this follow-up; False when it is not shown."""
        row = self.model.row_of(follow_up_id)
        if row is None:
            return False
        self.view.setCurrentIndex(self.model.index(row, 0))
        return True

    def _restore_selection(self, follow_up_id: int | None, old_row: int | None) -> None:
        """Keep the same follow-up selected; if it went, select the row that took its place."""
        if follow_up_id is None or self.select(follow_up_id) or old_row is None:
            return
        count = self.model.rowCount()
        for row in [*range(old_row, count), *range(min(old_row, count) - 1, -1, -1)]:
            if self.model.reminder_at(row) is not None:
                self.view.setCurrentIndex(self.model.index(row, 0))
                return

    def _update_actions(self) -> None:
        item = self.current_reminder()
        enabled = item is not None and item.spec.id not in self._pending
        for action in (
            self.done_action,
            self.snooze_action,
            self.open_action,
            self.edit_action,
            self.cancel_action,
        ):
            action.setEnabled(enabled)
        self.open_action.setEnabled(item is not None)
        for button, action in (
            (self.done_button, self.done_action),
            (self.snooze_button, self.snooze_action),
            (self.open_button, self.open_action),
            (self.edit_button, self.edit_action),
            (self.cancel_button, self.cancel_action),
        ):
            button.setEnabled(action.isEnabled())

    # --- actions (on the selected reminder) ---------------------------------------------------

    def mark_done(self) -> None:
        """Complete the selected follow-up (a recurring one moves on to its next date)."""
        item = self.current_reminder()
        if item is None:
            return
        fid, now = item.spec.id, self._ctx.clock()
        self._write(fid, lambda s: followups.complete(s, fid, now=now))

    def snooze_until(self, moment: datetime) -> None:
        """Snooze the selected follow-up until the aware `moment`."""
        item = self.current_reminder()
        if item is None:
            return
        fid, now = item.spec.id, self._ctx.clock()
        self._write(fid, lambda s: followups.snooze(s, fid, until=moment, now=now))

    def show_snooze_menu(self) -> None:
        """Pop up the snooze menu under the selected row (or under the Snooze button)."""
        if self.current_reminder() is None:
            return
        menu = self._new_snooze_menu()
        index = self.view.currentIndex()
        if self.view.hasFocus() and index.isValid():
            rect = self.view.visualRect(index)
            menu.popup(self.view.viewport().mapToGlobal(rect.bottomLeft() + QPoint(24, 0)))
        else:
            menu.popup(self.snooze_button.mapToGlobal(QPoint(0, self.snooze_button.height())))

    def open_contact(self) -> None:
        """Ask the window to show the selected reminder's contact."""
        item = self.current_reminder()
        if item is not None:
            self._ctx.events.contact_opened.emit(item.spec.contact_id)

    def edit(self) -> None:
        """Open the follow-up dialog on the selected follow-up (loaded fresh from the database)."""
        item = self.current_reminder()
        if item is None:
            return
        fid = item.spec.id
        self._ctx.runner.query(
            lambda s: followups.get(s, fid), self._on_edit_loaded, self._on_write_failed_refresh
        )

    def cancel_follow_up(self) -> None:
        """Cancel the selected follow-up once `confirm` agrees."""
        item = self.current_reminder()
        if item is None:
            return
        when = self.model.when_text(item)
        question = (
            f"Cancel the follow-up with {item.spec.contact_name} ({when})?\n"
            "It stays in the contact's history but will not remind you again."
        )
        if not self.confirm("Cancel follow-up", question):
            return
        fid, now = item.spec.id, self._ctx.clock()
        self._write(fid, lambda s: followups.cancel(s, fid, now=now))

    def toggle_overdue(self) -> None:
        """Fold the overdue reminders away under their title, or show them again."""
        selected = self.current_reminder()
        self.model.set_overdue_collapsed(not self.model.overdue_collapsed)
        if selected is not None:
            self.select(selected.spec.id)
        self._update_actions()

    def reschedule_overdue(self) -> None:
        """Ask for a day, then move every overdue follow-up to it (each at its own wall time)."""
        today = self._ctx.today()
        chosen = self.choose_day(today)
        if chosen is None:
            return
        zone, now = self._ctx.zone, self._ctx.clock()
        run_write(
            self,
            self._ctx,
            lambda s: followups.reschedule_overdue(s, to_day=chosen, today=today, tz=zone, now=now),
            lambda _outcome: self.refresh(),
        )

    def choose_day(self, today: date) -> date | None:
        """Ask the day for "Reschedule all overdue…" (None: cancelled); tests replace it."""
        dialog = QDialog(self)
        dialog.setWindowTitle("Reschedule all overdue")
        calendar = QCalendarWidget()
        calendar.setMinimumDate(QDate(today.year, today.month, today.day))
        calendar.setSelectedDate(QDate(today.year, today.month, today.day))
        calendar.setGridVisible(False)
        calendar.activated.connect(dialog.accept)
        text = QLabel("Move every overdue follow-up to this day, each at its own time:")
        text.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Reschedule")
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(text)
        layout.addWidget(calendar)
        layout.addWidget(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        picked = calendar.selectedDate()
        return date(picked.year(), picked.month(), picked.day())

    def _ask(self, title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # a name is data, not markup
        yes = box.addButton("Cancel follow-up", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Keep it", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.exec()  # a modal question; tests replace `confirm` instead
        return box.clickedButton() is yes

    def _write(self, follow_up_id: int, op: Callable[[Session], Any]) -> None:
        if follow_up_id in self._pending:
            return  # one write per follow-up at a time: a double "D" must not complete it twice
        self._pending.add(follow_up_id)
        self._update_actions()
        # A failure goes to the app's handler (run_write has no message line here).
        run_write(
            self,
            self._ctx,
            op,
            partial(self._on_write_done, follow_up_id),
            failed=partial(self._on_write_failed, follow_up_id),
        )

    def _on_write_done(self, follow_up_id: int, _result: object) -> None:
        self._pending.discard(follow_up_id)
        self.refresh()

    def _on_write_failed(self, follow_up_id: int, _exc: BaseException) -> None:
        # Usually the follow-up changed elsewhere (done, cancelled): show what is true.
        self._pending.discard(follow_up_id)
        self.refresh()

    def _on_write_failed_refresh(self, exc: BaseException) -> None:
        # Usually the follow-up changed elsewhere (done, cancelled): say so and show what is true.
        self.refresh()
        self._ctx.runner.failed.emit(str(exc), not isinstance(exc, KnownError))

    def _on_edit_loaded(self, view: FollowUpView) -> None:
        if self.edit_dialog is not None:
            self.edit_dialog.close()
        dialog = FollowUpDialog(self._ctx, view.contact_id, view.contact_name, view, self)
        dialog.finished.connect(self._on_edit_dialog_finished)
        self.edit_dialog = dialog
        dialog.open()

    def _on_edit_dialog_finished(self) -> None:
        if self.edit_dialog is not None:
            self.edit_dialog.deleteLater()
            self.edit_dialog = None

    def _new_snooze_menu(self) -> QMenu:
        if self.snooze_menu is not None:
            self.snooze_menu.deleteLater()
        self.snooze_menu = build_snooze_menu(self, self._ctx, self.snooze_until)
        return self.snooze_menu

    # --- slots --------------------------------------------------------------------------------

    def _on_events_changed(self, changes: Changes, initiator: object) -> None:
        if initiator is self or initiator is self.unsent_thanks:
            return  # our own write: refreshed already when it finished
        if changes.follow_ups or changes.contacts:
            self.refresh()  # the thank-you and keep-in-touch boxes too
            return
        if changes.thanks or changes.meetings:
            self.unsent_thanks.refresh()
        if changes.thanks or changes.meetings or changes.gifts:
            self.keep_in_touch.refresh()  # a touch moves the last-touch day

    def _on_wakeup_timer_timeout(self) -> None:
        self.refresh()

    def _on_midnight_timer_timeout(self) -> None:
        self.refresh()

    def _on_selection_changed(self) -> None:
        self._update_actions()

    def _on_view_double_clicked(self, index: QModelIndex) -> None:
        if self.model.reminder_at(index.row()) is not None:
            self.open_contact()

    def _on_view_context_menu_requested(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid() or self.model.reminder_at(index.row()) is None:
            return
        self.view.setCurrentIndex(index)
        if self.context_menu is not None:
            self.context_menu.deleteLater()
        menu = QMenu(self)
        menu.addAction(self.done_action)
        snooze = self._new_snooze_menu()
        snooze.setEnabled(self.snooze_action.isEnabled())
        menu.addMenu(snooze)
        menu.addAction(self.open_action)
        menu.addAction(self.edit_action)
        menu.addSeparator()
        menu.addAction(self.cancel_action)
        self.context_menu = menu
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def _on_done_button_clicked(self) -> None:
        self.mark_done()

    def _on_snooze_button_clicked(self) -> None:
        if self.current_reminder() is None:
            return
        menu = self._new_snooze_menu()
        menu.popup(self.snooze_button.mapToGlobal(QPoint(0, self.snooze_button.height())))

    def _on_open_button_clicked(self) -> None:
        self.open_contact()

    def _on_edit_button_clicked(self) -> None:
        self.edit()

    def _on_cancel_button_clicked(self) -> None:
        self.cancel_follow_up()

    # --- keyboard -----------------------------------------------------------------------------

    def _key_action(self, event: QKeyEvent) -> QAction | None:
        """The action a key on the list means, if any (Return, D / Ctrl+D, S, E, Delete)."""
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        plain = mods == Qt.KeyboardModifier.NoModifier
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
            return self.open_action
        if key == Qt.Key.Key_D and (plain or mods == Qt.KeyboardModifier.ControlModifier):
            return self.done_action
        if key == Qt.Key.Key_S and plain:
            return self.snooze_action
        if key == Qt.Key.Key_E and plain:
            return self.edit_action
        if key == Qt.Key.Key_Delete and plain:
            return self.cancel_action
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.MouseButtonRelease:
            assert isinstance(event, QMouseEvent)
            index = self.view.indexAt(event.position().toPoint())
            is_title = index.isValid() and index.data(RemindersModel.IsSectionRole)
            if is_title and index.data(RemindersModel.BucketRole) == Bucket.OVERDUE.value:
                self.toggle_overdue()
                return True
        if watched is self.view:
            kind = event.type()
            if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
                assert isinstance(event, QKeyEvent)
                action = self._key_action(event)
                if action is not None and self.current_reminder() is not None:
                    if kind == QEvent.Type.ShortcutOverride:
                        # Claim the key for the list, ahead of any window-wide shortcut.
                        event.accept()
                    elif action.isEnabled():
                        action.trigger()
                    return True
            elif kind == QEvent.Type.FocusIn and self.current_reminder() is None:
                # Focus arriving by Tab selects the first reminder, so the keys work at once.
                # Only by Tab: focus also arrives when the window is activated, a popup closes or
                # code calls setFocus(), at moments of the platform's choosing (an agenda may have
                # just loaded); a row selected then would enable the buttons behind the rep's back.
                assert isinstance(event, QFocusEvent)
                if event.reason() not in _KEYBOARD_FOCUS:
                    return super().eventFilter(watched, event)
                first = next(
                    (r for r in range(self.model.rowCount()) if self.model.reminder_at(r)), None
                )
                if first is not None:
                    self.view.setCurrentIndex(self.model.index(first, 0))
        return super().eventFilter(watched, event)


class ReminderList(QTableView):
    """The reminders as a list: one column, no headers, no grid, painted by ReminderDelegate.

    A table rather than a QListView: a list view lays every row out again on each new agenda
    (asking the model about each row: a second for 47,000 reminders), while a table's rows take
    the vertical header's height, so a long agenda costs what the rows on screen cost. The title
    rows get their own, smaller height after each reset. Tab leaves the list, as from a list.
    """

    def __init__(self, model: RemindersModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._delegate = ReminderDelegate(self)
        self._titles: list[int] = []
        self.setModel(model)
        self.setItemDelegate(self._delegate)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        self.setCornerButtonEnabled(False)
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setMinimumSectionSize(1)
        model.modelReset.connect(self.fit_rows)
        self.fit_rows()

    def fit_rows(self) -> None:
        """Only the first column shows; titles and reminders each get their height."""
        model = self.model()
        for column in range(1, model.columnCount()):
            self.setColumnHidden(column, True)
        title, row = self._delegate.heights(self.font())
        header = self.verticalHeader()
        header.setDefaultSectionSize(row)
        titles = model.title_rows() if isinstance(model, RemindersModel) else []
        # A header keeps a section's size across resets: the rows titles were on get theirs back.
        for old in self._titles:
            if old not in titles and old < model.rowCount():
                header.resizeSection(old, row)
        for title_row in titles:
            header.resizeSection(title_row, title)
        self._titles = titles


def _unreadable_text(skipped: tuple[int, ...]) -> str:
    """ "follow-up #7 unreadable: Help → Check database", or "" when every row could be read."""
    if not skipped:
        return ""
    ids = ", ".join(f"#{i}" for i in skipped)
    noun = "follow-up" if len(skipped) == 1 else "follow-ups"
    return f"{noun} {ids} unreadable: Help → Check database"
