"""The contact's keep-in-touch rhythm: inherit (tag or stage), their own days, off; and a pause."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QWidget,
)
from sqlalchemy.orm import Session

from relationship_crm.domain import bounds
from relationship_crm.domain.changes import Changes
from relationship_crm.services import health
from relationship_crm.services.health import ContactHealth
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.dialogs.base import SavingDialog
from relationship_crm.ui.widgets.messages import message_label

INHERIT, OWN, OFF = "inherit", "own", "off"


class RhythmDialog(SavingDialog):
    """Sets one contact's keep-in-touch rule in one write: how often, or off, and a pause.

    Loads the contact's current standing (`health.contact_health`) to fill the form; Save runs
    the health service through `operations.run_write` (which notifies the contacts change) and
    closes. A bad value (ideal above maximum) shows in red and the dialog stays open.
    Lives on the GUI thread.
    """

    def __init__(
        self, ctx: UiContext, contact_id: int, contact_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._contact_id = contact_id
        self.setWindowTitle(f"Keep in touch — {contact_name}")
        self.setMinimumWidth(420)
        self.current_label = QLabel()
        self.current_label.setTextFormat(Qt.TextFormat.PlainText)
        self.current_label.setWordWrap(True)
        self.inherit_radio = QRadioButton("Use the &tag or stage rhythm")
        self.own_radio = QRadioButton("&Own rhythm for this contact")
        self.off_radio = QRadioButton("O&ff: never remind me about this contact")
        self.modes = QButtonGroup(self)
        for radio in (self.inherit_radio, self.own_radio, self.off_radio):
            self.modes.addButton(radio)
        self.inherit_radio.setChecked(True)
        self.ideal_spin = self._days_spin(30)
        self.max_spin = self._days_spin(45)
        self.ideal_spin.setAccessibleName("Ideal days between touches")
        self.max_spin.setAccessibleName("Maximum days between touches")
        days = QHBoxLayout()
        days.addWidget(QLabel("Ideal:"))
        days.addWidget(self.ideal_spin)
        days.addWidget(QLabel("Max:"))
        days.addWidget(self.max_spin)
        days.addStretch(1)
        self.pause_check = QCheckBox("&Paused until")
        today = ctx.today()
        self.pause_date = QDateEdit(_qdate(today + timedelta(days=30)))
        self.pause_date.setCalendarPopup(True)
        self.pause_date.setDisplayFormat("yyyy-MM-dd")
        self.pause_date.setMinimumDate(QDate(bounds.FIRST_YEAR, 1, 1))
        self.pause_date.setMaximumDate(QDate(bounds.LAST_YEAR, 12, 31))
        self.reason_edit = QLineEdit(placeholderText="why (on parental leave…), optional")
        self.reason_edit.setMaxLength(health.MAX_REASON)
        pause = QHBoxLayout()
        pause.addWidget(self.pause_check)
        pause.addWidget(self.pause_date)
        pause.addStretch(1)
        self.error_label = message_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_save)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.current_label)
        form.addRow(self.inherit_radio)
        form.addRow(self.own_radio)
        form.addRow("", days)
        form.addRow(self.off_radio)
        form.addRow(pause)
        form.addRow("Reason:", self.reason_edit)
        form.addRow(self.error_label)
        form.addRow(self.buttons)
        self.modes.buttonToggled.connect(self._update_enabled)
        self.pause_check.toggled.connect(self._update_enabled)
        self._update_enabled()
        self._save_button().setEnabled(False)  # until the current rule is shown
        zone = ctx.zone
        ctx.runner.query(
            lambda s: health.contact_health(s, contact_id, on=today, zone=zone),
            self._on_loaded,
            self._on_failed,
        )

    @staticmethod
    def _days_spin(value: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(1, bounds.MAX_RHYTHM_DAYS)
        spin.setSuffix(" days")
        spin.setValue(value)
        return spin

    def _save_button(self) -> QWidget:
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    # --- loading ------------------------------------------------------------------------------

    def _on_loaded(self, current: ContactHealth) -> None:
        r = current.rhythm
        self.current_label.setText(f"Now: {health.describe(current)}")
        if r.source == "off":
            self.off_radio.setChecked(True)
        elif r.source == "contact":
            self.own_radio.setChecked(True)
        if r.ideal_days is not None and r.max_days is not None:
            self.ideal_spin.setValue(r.ideal_days)
            self.max_spin.setValue(r.max_days)
        if r.paused_until is not None:
            self.pause_check.setChecked(True)
            self.pause_date.setDate(_qdate(r.paused_until))
            self.reason_edit.setText(r.pause_reason)
        self._save_button().setEnabled(True)
        self._update_enabled()

    def _on_failed(self, exc: BaseException) -> None:
        self._show_error(str(exc))

    def _update_enabled(self, *_args: object) -> None:
        own = self.own_radio.isChecked()
        self.ideal_spin.setEnabled(own)
        self.max_spin.setEnabled(own)
        paused = self.pause_check.isChecked()
        self.pause_date.setEnabled(paused)
        self.reason_edit.setEnabled(paused)

    def mode(self) -> str:
        if self.own_radio.isChecked():
            return OWN
        return OFF if self.off_radio.isChecked() else INHERIT

    # --- saving -------------------------------------------------------------------------------

    def _on_save(self) -> None:
        cid, mode, now = self._contact_id, self.mode(), self._ctx.clock()
        ideal, most = self.ideal_spin.value(), self.max_spin.value()
        picked = self.pause_date.date()
        until = date(picked.year(), picked.month(), picked.day())
        paused = self.pause_check.isChecked()
        reason = self.reason_edit.text()

        def op(session: Session) -> Changes:
            # Clear first, so the rule is exactly what the form says (nothing left over).
            changes = health.clear_contact_rhythm(session, cid)
            if mode == OWN:
                changes |= health.set_contact_rhythm(session, cid, ideal, most, now=now)
            elif mode == OFF:
                changes |= health.set_contact_off(session, cid, now=now)
            if paused:
                changes |= health.pause_contact(session, cid, until, reason, now=now)
            return changes

        self._write(op, lambda _changes: self.accept(), describe=str)

    def _saving_changed(self, saving: bool) -> None:
        self._save_button().setEnabled(not saving)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)
