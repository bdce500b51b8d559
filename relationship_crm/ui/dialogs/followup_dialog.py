"""The follow-up dialog: add a follow-up to a contact, or edit an open one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import MO, relativedelta
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Outcome
from relationship_crm.domain.errors import InvalidInputError, KnownError
from relationship_crm.domain.records import FollowUpDraft, FollowUpView
from relationship_crm.scheduling.recurrence import describe, parse_cadence
from relationship_crm.services import followups
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.dialogs.base import SavingDialog
from relationship_crm.ui.models.reminders_model import OVERDUE_COLOUR, format_moment
from relationship_crm.ui.widgets.messages import message_label
from relationship_crm.ui.widgets.wall_clock import DATE_TIME_FORMAT, set_wall_clock, wall_clock

MORNING = time(9, 0)
CUSTOM = "custom"

#: Combo label -> the words sent to parse_cadence ("" = does not repeat, CUSTOM = typed text).
CADENCES: tuple[tuple[str, str], ...] = (
    ("Does not repeat", ""),
    ("Every week", "weekly"),
    ("Every 2 weeks", "every 2 weeks"),
    ("Every month", "monthly"),
    ("Every 3 months", "every 3 months"),
    ("Every 6 months", "every 6 months"),
    ("Every year", "yearly"),
    ("Custom…", CUSTOM),
)
# How `describe` puts each preset's rule (month-end forms included), to recognise it when editing.
_PRESET_BY_DESCRIPTION = {
    "weekly": "weekly",
    "every 2 weeks": "every 2 weeks",
    "monthly": "monthly",
    "every 3 months": "every 3 months",
    "every 6 months": "every 6 months",
    "yearly": "yearly",
}
_HINT_STYLE = "color: palette(placeholder-text);"
_ERROR_STYLE = f"color: {OVERDUE_COLOUR};"


class FollowUpDialog(SavingDialog):
    """Owns the form for one follow-up of one contact; saves it through `ctx.runner`.

    New (`follow_up` None): due tomorrow 09:00 in `ctx.zone`. Edit: the follow-up's own wall clock
    and zone. A bad custom cadence or a KnownError from the service shows in red inside the dialog,
    which stays open with everything typed. After a save it notifies `ctx.events` with the
    service's changes (`operations.run_write`), emits `saved`, then accepts. Use `open()` or
    `show()`, not `exec()`.

    Signals:
        saved(int): the follow-up id, after the write committed.
    Lives on the GUI thread.
    """

    saved = Signal(int)

    def __init__(
        self,
        ctx: UiContext,
        contact_id: int,
        contact_name: str,
        follow_up: FollowUpView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._contact_id = contact_id
        self._follow_up = follow_up
        self._zone = follow_up.tz if follow_up is not None else ctx.zone
        self._saving = False
        self.setWindowTitle("Edit follow-up" if follow_up is not None else "New follow-up")
        self.setMinimumWidth(440)
        self._build(contact_name)
        self._load(follow_up)
        self._initial_cadence = self._cadence_state()

    # --- building -----------------------------------------------------------------------------

    def _build(self, contact_name: str) -> None:
        self.contact_label = QLabel(contact_name)
        self.contact_label.setTextFormat(Qt.TextFormat.PlainText)  # a name is data, not markup

        self.due_edit = QDateTimeEdit()
        self.due_edit.setDisplayFormat(DATE_TIME_FORMAT)
        self.due_edit.setCalendarPopup(True)
        self.due_edit.dateTimeChanged.connect(self._on_due_edit_changed)
        self.tomorrow_button = self._quick_button("Tomorrow 09:00", self._on_tomorrow_clicked)
        self.next_monday_button = self._quick_button(
            "Next Monday 09:00", self._on_next_monday_clicked
        )
        self.two_weeks_button = self._quick_button("In 2 weeks", self._on_two_weeks_clicked)
        quick = QHBoxLayout()
        quick.setContentsMargins(0, 0, 0, 0)
        for button in (self.tomorrow_button, self.next_monday_button, self.two_weeks_button):
            quick.addWidget(button)
        quick.addStretch(1)

        self.zone_label = QLabel(self._zone)
        self.snooze_label = QLabel()
        self.snooze_label.setWordWrap(True)
        self.snooze_label.setStyleSheet(_HINT_STYLE)
        self.snooze_label.hide()

        self.cadence_combo = QComboBox()
        for label, words in CADENCES:
            self.cadence_combo.addItem(label, words)
        self.cadence_combo.currentIndexChanged.connect(self._on_cadence_combo_changed)
        self.custom_edit = QLineEdit()
        self.custom_edit.setPlaceholderText("e.g. every other Monday, quarterly, FREQ=MONTHLY")
        self.custom_edit.textChanged.connect(self._on_custom_edit_changed)
        self.cadence_hint = QLabel()
        self.cadence_hint.setWordWrap(True)
        self.cadence_hint.setTextFormat(Qt.TextFormat.PlainText)

        self.note_edit = QPlainTextEdit()
        self.note_edit.setTabChangesFocus(True)  # Tab leaves the note, so the form is all keyboard
        self.note_edit.setPlaceholderText("What to follow up on (Shift+Enter for a new line)")
        self.note_edit.setFixedHeight(self.note_edit.fontMetrics().lineSpacing() * 4 + 12)
        self.note_edit.installEventFilter(self)

        self.error_label = message_label(OVERDUE_COLOUR)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Save" if self._follow_up is not None else "Add follow-up")
        self.ok_button.setDefault(True)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Contact:", self.contact_label)
        form.addRow("Due:", self.due_edit)
        form.addRow("", quick)
        form.addRow("Time zone:", self.zone_label)
        form.addRow("", self.snooze_label)
        form.addRow("Repeats:", self.cadence_combo)
        form.addRow("", self.custom_edit)
        form.addRow("", self.cadence_hint)
        form.addRow("Note:", self.note_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        chain = (
            self.due_edit,
            self.tomorrow_button,
            self.next_monday_button,
            self.two_weeks_button,
            self.cadence_combo,
            self.custom_edit,
            self.note_edit,
            self.ok_button,
            self.cancel_button,
        )
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self.due_edit.setFocus()

    def _quick_button(self, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        # Not auto-default: Return on a focused quick pick still means OK (the dialog's default).
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def _load(self, follow_up: FollowUpView | None) -> None:
        if follow_up is None:
            self._set_due(datetime.combine(self._today() + timedelta(days=1), MORNING))
            self._show_custom(False)
            return
        wall = follow_up.due.replace(tzinfo=None)
        self._set_due(wall)
        self.note_edit.setPlainText(follow_up.note)
        if follow_up.snoozed_until is not None:
            until = follow_up.snoozed_until.astimezone(follow_up.due.tzinfo)
            self.snooze_label.setText(
                f"Snoozed until {format_moment(until)}; changing the due time ends the snooze."
            )
            self.snooze_label.show()
        if follow_up.rrule:
            preset = _PRESET_BY_DESCRIPTION.get(describe(follow_up.rrule))
            index = self.cadence_combo.findData(preset if preset is not None else CUSTOM)
            self.cadence_combo.setCurrentIndex(index)
            if preset is None:
                self.custom_edit.setText(self._custom_text_for(follow_up.rrule, wall))
        self._show_custom(self.cadence_combo.currentData() == CUSTOM)

    @staticmethod
    def _custom_text_for(rule: str, start: datetime) -> str:
        """Words for a stored rule when they read back as the same rule, else the rule itself."""
        words = describe(rule)
        try:
            if parse_cadence(words, start_local=start) == rule:
                return words
        except InvalidInputError:
            pass
        return rule

    # --- state --------------------------------------------------------------------------------

    def _today(self) -> date:
        """Today in the follow-up's zone (the quick picks count from it)."""
        return self._ctx.clock().astimezone(ZoneInfo(self._zone)).date()

    def _set_due(self, wall: datetime) -> None:
        set_wall_clock(self.due_edit, wall)

    def due_local(self) -> datetime:
        """The naive wall-clock due shown, in `zone`."""
        return wall_clock(self.due_edit)

    @property
    def zone(self) -> str:
        return self._zone

    def _cadence_state(self) -> tuple[str, str]:
        return self.cadence_combo.currentData(), self.custom_edit.text().strip()

    def _cadence_words(self) -> str:
        """What goes to the service: preset words, "" for no repeat, or the typed custom text."""
        words: str = self.cadence_combo.currentData()
        return self.custom_edit.text().strip() if words == CUSTOM else words

    def _check_cadence(self) -> str | None:
        """The rule text for the cadence chosen (None for no repeat); InvalidInputError if bad."""
        words = self._cadence_words()
        if self.cadence_combo.currentData() == CUSTOM or words:
            return parse_cadence(words, start_local=self.due_local())
        return None

    def _show_custom(self, visible: bool) -> None:
        self.custom_edit.setVisible(visible)
        self._update_cadence_hint()

    def _update_cadence_hint(self) -> None:
        """Say in words what the cadence means, or why a custom one is not understood."""
        if self.cadence_combo.currentData() != CUSTOM:
            self.cadence_hint.hide()
            return
        if not self.custom_edit.text().strip():
            self._set_hint("Type how often, e.g. every other Monday or FREQ=MONTHLY;BYDAY=1MO")
            return
        try:
            rule = self._check_cadence()
        except InvalidInputError as exc:
            self._set_hint(str(exc), error=True)
            return
        self._set_hint(f"Repeats {describe(rule)}" if rule else "")

    def _set_hint(self, text: str, *, error: bool = False) -> None:
        self.cadence_hint.setText(text)
        self.cadence_hint.setStyleSheet(_ERROR_STYLE if error else _HINT_STYLE)
        self.cadence_hint.setVisible(bool(text))
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow to fit wrapped messages: a window's minimum size ignores height-for-width."""
        layout = self.layout()
        if layout is None or not layout.hasHeightForWidth():
            return
        layout.activate()
        needed = layout.totalHeightForWidth(self.width())
        if self.height() < needed:
            self.resize(self.width(), needed)

    def show_error(self, message: str) -> None:
        """Show `message` in red above the buttons (empty hides it)."""
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))
        self._fit_height()

    @property
    def error_text(self) -> str:
        return self.error_label.text() if self.error_label.isVisibleTo(self) else ""

    @property
    def saving(self) -> bool:
        return self._saving

    def _saving_changed(self, saving: bool) -> None:
        self.ok_button.setEnabled(not saving)

    # --- slots --------------------------------------------------------------------------------

    def _on_due_edit_changed(self) -> None:
        self._update_cadence_hint()  # a rule's validity can depend on its start

    def _on_tomorrow_clicked(self) -> None:
        self._set_due(datetime.combine(self._today() + timedelta(days=1), MORNING))

    def _on_next_monday_clicked(self) -> None:
        monday = self._today() + relativedelta(days=+1, weekday=MO(+1))
        self._set_due(datetime.combine(monday, MORNING))

    def _on_two_weeks_clicked(self) -> None:
        self._set_due(datetime.combine(self._today() + timedelta(days=14), MORNING))

    def _on_cadence_combo_changed(self) -> None:
        custom = self.cadence_combo.currentData() == CUSTOM
        self._show_custom(custom)
        if custom:
            self.custom_edit.setFocus()

    def _on_custom_edit_changed(self) -> None:
        self._update_cadence_hint()

    def _on_buttons_accepted(self) -> None:
        if self._saving:
            return
        try:
            self._check_cadence()
        except InvalidInputError:
            self._update_cadence_hint()  # says what is wrong, in red, under the field
            self.custom_edit.setFocus()
            return
        self.show_error("")
        self._submit()

    def _submit(self) -> None:
        due, zone, note = self.due_local(), self._zone, self.note_edit.toPlainText()
        now = self._ctx.clock()
        words = self._cadence_words()
        if self._follow_up is None:
            draft = FollowUpDraft(self._contact_id, due, zone, note=note, cadence=words or None)

            def op(session: Session) -> Outcome[int]:
                added = followups.add(session, draft, now=now)
                return Outcome(added.id, added.changes)

        else:
            fid = self._follow_up.id
            # An untouched cadence is left alone (the service re-anchors it if the date moved).
            cadence = None if self._cadence_state() == self._initial_cadence else words

            def op(session: Session) -> Outcome[int]:
                changes = followups.update(
                    session, fid, due_local=due, tz=zone, note=note, cadence=cadence, now=now
                )
                return Outcome(fid, changes)

        self._write(op, self._on_save_done, describe=_save_failure)

    def _on_save_done(self, saved: Outcome[int]) -> None:
        self.saved.emit(saved.value)
        self.accept()

    def _show_error(self, message: str, focus: QWidget | None = None) -> None:
        self.show_error(message)

    # --- Qt overrides -------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.note_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    self.note_edit.insertPlainText("\n")
                else:
                    self._on_buttons_accepted()  # Return = OK, even in the note
                return True
        return super().eventFilter(watched, event)


def _save_failure(exc: BaseException) -> str:
    """The error line for a failed save: the service's reason, or the bug's own text."""
    if isinstance(exc, KnownError):
        return str(exc)
    return f"Could not save the follow-up: {exc}"
