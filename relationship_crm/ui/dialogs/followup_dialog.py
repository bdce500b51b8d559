"""The follow-up dialog: add a follow-up to a contact, or edit an open one."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Outcome
from relationship_crm.domain.errors import InvalidInputError, KnownError
from relationship_crm.domain.records import FollowUpDraft, FollowUpView
from relationship_crm.domain.timefmt import short_moment
from relationship_crm.scheduling.cadences import PRESETS
from relationship_crm.scheduling.quick_picks import QuickPick
from relationship_crm.services import followups
from relationship_crm.ui.callbacks import while_alive
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.dialogs.base import SavingDialog
from relationship_crm.ui.models.reminders_model import OVERDUE_COLOUR
from relationship_crm.ui.widgets.follow_up_form import CUSTOM, CUSTOM_LABEL, FollowUpForm
from relationship_crm.ui.widgets.messages import message_label

#: The Repeats box, in menu order: (label, words sent to parse_cadence; CUSTOM = typed text).
CADENCES: tuple[tuple[str, str], ...] = (
    *((choice.label, choice.words) for choice in PRESETS),
    (CUSTOM_LABEL, CUSTOM),
)
_HINT_STYLE = "color: palette(placeholder-text);"


class FollowUpDialog(SavingDialog):
    """Owns the form for one follow-up of one contact; saves it through `ctx.runner`.

    New (`follow_up` None): due tomorrow 09:00 in the zone last used with the contact
    (`followups.usual_zone`), else `ctx.zone`. Edit: the follow-up's own wall clock and zone. The
    Time zone box changes the zone the due is typed in; when it is not the rep's own, the rep's
    clock shows under Due ("09:00 in New York · 15:00 here"). A bad custom cadence or a
    KnownError from the service shows in red inside the dialog,
    which stays open with everything typed. After a save it notifies `ctx.events` with the
    service's changes (`operations.run_write`), emits `saved`, then accepts. Use `open()` or
    `show()`, not `exec()`.

    Signals:
        saved(int): the follow-up id, after the write committed.
        zone_loaded(): a new follow-up's default zone (the contact's usual one) was looked up.
    Lives on the GUI thread.
    """

    saved = Signal(int)
    zone_loaded = Signal()

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
        self._zone_touched = False  # the rep chose a zone: a looked-up default must not replace it
        self.zone_known = follow_up is not None  # the default zone has been looked up
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

        self.form = FollowUpForm(
            self._ctx.clock,
            self._zone,
            custom=True,
            multiline_note=True,
            here=self._ctx.zone,
            zone_picker=True,
        )
        self.form.hint_changed.connect(self._fit_height)
        # The form's fields, under the names the dialog has always had.
        self.due_edit = self.form.due_edit
        self.tomorrow_button = self.form.tomorrow_button
        self.next_monday_button = self.form.next_monday_button
        self.two_weeks_button = self.form.two_weeks_button
        self.cadence_combo = self.form.cadence_combo
        self.custom_edit = self.form.custom_edit
        self.cadence_hint = self.form.cadence_hint
        self.note_edit = self.form.note_edit
        self.note_edit.installEventFilter(self)

        assert self.form.zone_picker is not None
        self.zone_picker = self.form.zone_picker
        self.zone_picker.zone_changed.connect(self._on_zone_picker_changed)
        self.snooze_label = QLabel()
        self.snooze_label.setWordWrap(True)
        self.snooze_label.setStyleSheet(_HINT_STYLE)
        self.snooze_label.hide()

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

        rows = self.form.rows
        rows.insertRow(0, "Contact:", self.contact_label)
        rows.insertRow(5, "", self.snooze_label)  # under the due, its quick picks and zone
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        QWidget.setTabOrder(self.note_edit, self.ok_button)
        QWidget.setTabOrder(self.ok_button, self.cancel_button)
        self.due_edit.setFocus()

    def _load(self, follow_up: FollowUpView | None) -> None:
        if follow_up is None:
            self.form.pick(QuickPick.TOMORROW_MORNING)
            contact_id = self._contact_id
            self._ctx.runner.query(
                lambda s: followups.usual_zone(s, contact_id),
                while_alive(self, self._on_usual_zone_loaded),
                while_alive(self, lambda _exc: None),  # the rep's zone is a fine default
            )
            return
        wall = follow_up.due.replace(tzinfo=None)
        self.form.set_due(wall)
        self.form.set_note(follow_up.note)
        if follow_up.snoozed_until is not None:
            until = follow_up.snoozed_until.astimezone(follow_up.due.tzinfo)
            self.snooze_label.setText(
                f"Snoozed until {short_moment(until)}; changing the due time ends the snooze."
            )
            self.snooze_label.show()
        self.form.show_rule(follow_up.rrule, wall)

    # --- state --------------------------------------------------------------------------------

    def due_local(self) -> datetime:
        """The naive wall-clock due shown, in `zone`."""
        return self.form.due_local()

    @property
    def zone(self) -> str:
        return self.form.zone

    def _on_usual_zone_loaded(self, zone: str | None) -> None:
        # Only a default: a zone the rep already chose is kept.
        if zone and not self._zone_touched and not self._saving:
            self.form.set_zone(zone)
            self._zone_touched = False
        self.zone_known = True
        self.zone_loaded.emit()

    def _on_zone_picker_changed(self, _zone: str) -> None:
        self._zone_touched = True

    def _cadence_state(self) -> tuple[str, str]:
        return self.form.cadence_state()

    def _cadence_words(self) -> str:
        """What goes to the service: preset words, "" for no repeat, or the typed custom text."""
        return self.form.cadence_words()

    def _check_cadence(self) -> str | None:
        """The rule text for the cadence chosen (None for no repeat); InvalidInputError if bad."""
        return self.form.check_cadence()

    def _update_cadence_hint(self) -> None:
        self.form.update_cadence_hint()

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
        due, zone, note = self.due_local(), self.form.zone, self.form.note()
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
                    self.form.insert_note_line()
                else:
                    self._on_buttons_accepted()  # Return = OK, even in the note
                return True
        return super().eventFilter(watched, event)


def _save_failure(exc: BaseException) -> str:
    """The error line for a failed save: the service's reason, or the bug's own text."""
    if isinstance(exc, KnownError):
        return str(exc)
    return f"Could not save the follow-up: {exc}"
