"""Trigger events in the app: the Events list (View → Trigger events) and the Add/Edit dialog,
which shows who will get a follow-up before anything is saved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes, Created, Outcome
from relationship_crm.domain.enums import TriggerKind
from relationship_crm.domain.errors import InvalidInputError, KnownError
from relationship_crm.domain.timefmt import iso_day
from relationship_crm.scheduling.zones import get_zone, wall_time_note
from relationship_crm.services import trigger_events as events
from relationship_crm.ui.callbacks import while_alive
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.dialogs.base import SavingDialog
from relationship_crm.ui.operations import run_write
from relationship_crm.ui.widgets.messages import ERROR_COLOUR, message_label, plain_tooltip
from relationship_crm.ui.widgets.wall_clock import (
    DATE_TIME_FORMAT,
    WallClockEdit,
    set_wall_clock,
    wall_clock,
)

DATE_FORMAT = "yyyy-MM-dd"
_HINT_STYLE = "color: palette(placeholder-text);"
#: Zones offered in the follow-up zone box besides the rep's own; any IANA name can be typed.
COMMON_ZONES = (
    "UTC",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
)

#: What the About box holds: ("company" | "contact", id).
Subject = tuple[str, int]


class TriggerEventDialog(SavingDialog):
    """Owns the form of one trigger event: about (a company, or a contact), kind, date, note,
    source and, for a new event, when its follow-ups are due and who gets one.

    New event: opened from the Events list (any company) or from a contact's page (`contact`:
    that contact, or their company when `company` is given too). The list of who will get a
    follow-up is loaded (`trigger_events.preview`) whenever the subject changes, so the rep sees
    it before saving. Edit (`event_id`): the subject stays; kind, date, note and source can be
    corrected; the follow-ups already made are named, not changed.

    Signals:
        saved(int): the event's id, after the write committed.
        form_loaded(): the companies, defaults (and the event edited) are shown.
        preview_loaded(): the list of who will get a follow-up is current.
    Lives on the GUI thread; loads through ctx.runner, saves through operations.run_write.
    """

    saved = Signal(int)
    form_loaded = Signal()
    preview_loaded = Signal()

    def __init__(
        self,
        ctx: UiContext,
        parent: QWidget | None = None,
        *,
        event_id: int | None = None,
        contact: tuple[int, str] | None = None,
        company: tuple[int, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._event_id = event_id
        self._contact = contact
        self._company = company
        self._preview_serial = 0
        self.setWindowTitle("Edit trigger event" if event_id else "Add trigger event")
        self.setMinimumWidth(560)
        self._build()
        self._connect_signals()
        ctx.runner.query(
            lambda s: events.load_form(s, event_id),
            while_alive(self, self._on_form_loaded),
            while_alive(self, self._on_load_failed),
        )

    # --- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.about_combo = QComboBox()
        self.about_combo.setAccessibleName("About")
        self.about_combo.setMinimumContentsLength(28)
        self.about_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.about_label = QLabel()
        self.about_label.setTextFormat(Qt.TextFormat.PlainText)
        self.about_label.hide()
        self.kind_combo = QComboBox()
        for kind in TriggerKind:
            self.kind_combo.addItem(kind.label, kind.value)
        self.date_edit = QDateEdit()
        self.date_edit.setDisplayFormat(DATE_FORMAT)
        self.date_edit.setCalendarPopup(True)
        today = self._ctx.today()
        self.date_edit.setDate(QDate(today.year, today.month, today.day))
        self.note_edit = QPlainTextEdit()
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setPlaceholderText("What happened, e.g. Series B of $20M led by Acme VC")
        self.note_edit.setFixedHeight(self.note_edit.fontMetrics().lineSpacing() * 3 + 14)
        self.source_edit = QLineEdit()
        self.source_edit.setPlaceholderText("Where you read it: a link, or e.g. FT, 3 Dec, p. 4")
        self.source_edit.setToolTip("Kept as text; the app never opens it")

        about_field = QVBoxLayout()
        about_field.setSpacing(2)
        about_field.addWidget(self.about_combo)
        about_field.addWidget(self.about_label)
        date_row = QHBoxLayout()
        date_row.setContentsMargins(0, 0, 0, 0)
        date_row.addWidget(self.date_edit)
        date_row.addStretch(1)
        kind_row = QHBoxLayout()
        kind_row.setContentsMargins(0, 0, 0, 0)
        kind_row.addWidget(self.kind_combo)
        kind_row.addStretch(1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, buddy, field in (
            ("&About:", self.about_combo, about_field),
            ("&Kind:", self.kind_combo, kind_row),
            ("&Date:", self.date_edit, date_row),
        ):
            label = QLabel(text)
            label.setBuddy(buddy)  # a buddy turns "&" into the Alt shortcut, not a character
            form.addRow(label, field)
        note_label = QLabel("&Note:")
        note_label.setBuddy(self.note_edit)
        form.addRow(note_label, self.note_edit)
        source_label = QLabel("&Source:")
        source_label.setBuddy(self.source_edit)
        form.addRow(source_label, self.source_edit)

        self.follow_up_box = QGroupBox("Follow-ups")
        self.follow_up_check = QCheckBox("Schedule a &follow-up for each contact concerned")
        self.follow_up_check.setChecked(True)
        self.due_edit = WallClockEdit()
        self.due_edit.setDisplayFormat(DATE_TIME_FORMAT)
        self.due_edit.setCalendarPopup(True)
        self.zone_combo = QComboBox()
        self.zone_combo.setEditable(True)
        self.zone_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.zone_combo.setAccessibleName("Time zone of the follow-ups")
        self.zone_combo.setMinimumContentsLength(18)
        self.due_note = QLabel()
        self.due_note.setWordWrap(True)
        self.due_note.setTextFormat(Qt.TextFormat.PlainText)
        self.due_note.setStyleSheet(_HINT_STYLE)
        self.due_note.hide()
        self.recipients_label = QLabel("Loading…")
        self.recipients_label.setTextFormat(Qt.TextFormat.PlainText)
        self.recipients_list = QListWidget()
        self.recipients_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.recipients_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.recipients_list.setMinimumHeight(self.fontMetrics().lineSpacing() * 5)
        due_row = QHBoxLayout()
        due_row.setContentsMargins(0, 0, 0, 0)
        due_row.addWidget(self.due_edit)
        due_row.addWidget(QLabel("in"))
        due_row.addWidget(self.zone_combo, 1)
        box = QVBoxLayout(self.follow_up_box)
        box.addWidget(self.follow_up_check)
        due_form = QFormLayout()
        due_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        due_label = QLabel("D&ue:")
        due_label.setBuddy(self.due_edit)
        due_form.addRow(due_label, due_row)
        due_form.addRow("", self.due_note)
        box.addLayout(due_form)
        box.addWidget(self.recipients_label)
        box.addWidget(self.recipients_list, 1)

        self.linked_label = QLabel()
        self.linked_label.setTextFormat(Qt.TextFormat.PlainText)
        self.linked_label.setWordWrap(True)
        self.linked_label.setStyleSheet(_HINT_STYLE)
        self.linked_label.hide()

        self.error_label = message_label(ERROR_COLOUR)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Save event")
        self.ok_button.setToolTip("Save (Ctrl+Return)")
        self.ok_button.setEnabled(False)  # until the form is loaded

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.follow_up_box, 1)
        layout.addWidget(self.linked_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        if self._event_id is not None:
            self.follow_up_box.hide()

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self, self._save)
        self.about_combo.currentIndexChanged.connect(self._on_about_changed)
        self.follow_up_check.toggled.connect(self._on_follow_up_toggled)
        self.due_edit.dateTimeChanged.connect(self._update_due_note)
        self.zone_combo.currentTextChanged.connect(self._update_due_note)

    # --- loading ------------------------------------------------------------------------------

    def _on_form_loaded(self, data: events.EventFormData) -> None:
        # The app's zone (as every other form uses), which the window read from the same setting.
        zone = self._ctx.zone
        zones = [zone, *(z for z in COMMON_ZONES if z != zone)]
        self.zone_combo.addItems(zones)
        self.zone_combo.setCurrentIndex(0)
        set_wall_clock(self.due_edit, events.default_due(self._ctx.clock(), zone))
        self.about_combo.blockSignals(True)
        if data.event is not None:
            self._fill(data.event)
        else:
            if self._contact is not None:
                cid, name = self._contact
                self.about_combo.addItem(f"{name} (contact)", ("contact", cid))
                if self._company is not None:
                    company_id, company = self._company
                    self.about_combo.addItem(
                        f"{company} (company: all its contacts)", ("company", company_id)
                    )
            else:
                for company_id, name in data.companies:
                    self.about_combo.addItem(name, ("company", company_id))
                if self._company is not None:
                    self.about_combo.setCurrentIndex(
                        max(0, self.about_combo.findData(("company", self._company[0])))
                    )
            if self.about_combo.count() == 0:
                self._show_error("Add a company first: an event is about a company or a contact.")
        self.about_combo.blockSignals(False)
        self.ok_button.setEnabled(self.about_combo.count() > 0 or data.event is not None)
        self._update_due_note()
        self.form_loaded.emit()
        if data.event is None:
            self._on_about_changed()

    def _fill(self, event: events.TriggerEventView) -> None:
        self.about_combo.hide()
        self.about_label.setText(event.subject)
        self.about_label.show()
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(event.kind.value))
        day = event.happened_on
        self.date_edit.setDate(QDate(day.year, day.month, day.day))
        self.note_edit.setPlainText(event.note)
        self.source_edit.setText(event.source)
        if event.followup_ids:
            ids = ", ".join(f"#{i}" for i in event.followup_ids)
            self.linked_label.setText(f"Follow-ups it created: {ids} (not changed by an edit)")
            self.linked_label.show()

    def _on_load_failed(self, exc: BaseException) -> None:
        if isinstance(exc, KnownError):
            self._show_error(str(exc))
        else:
            self._ctx.runner.failed.emit(str(exc), True)

    def _on_about_changed(self, *_args: object) -> None:
        subject = self.subject()
        if subject is None or self._event_id is not None:
            return
        self._preview_serial += 1
        serial = self._preview_serial
        kind, ref = subject
        target = {f"{kind}_id": ref}
        self.recipients_label.setText("Loading…")
        self._ctx.runner.query(
            lambda s: events.preview(s, **target),
            while_alive(self, lambda found: self._on_preview_loaded(serial, found)),
            while_alive(self, self._on_load_failed),
        )

    def _on_preview_loaded(self, serial: int, found: list[events.Recipient]) -> None:
        if serial != self._preview_serial:
            return  # the rep already chose another subject
        self.recipients_list.clear()
        for person in found:
            self.recipients_list.addItem(person.name)
        if not found:
            self.recipients_label.setText("No live contacts there: no follow-ups will be made.")
        elif len(found) == 1:
            self.recipients_label.setText("Will get a follow-up:")
        else:
            self.recipients_label.setText(f"These {len(found)} contacts will get a follow-up:")
        self._on_follow_up_toggled(self.follow_up_check.isChecked())
        self.preview_loaded.emit()

    def _on_follow_up_toggled(self, on: bool) -> None:
        for widget in (self.due_edit, self.zone_combo, self.recipients_list):
            widget.setEnabled(on)
        if not on:
            self.recipients_label.setText("No follow-ups: the event is recorded only.")
        elif self.recipients_label.text().startswith("No follow-ups"):
            self._on_about_changed()

    def _update_due_note(self, *_args: object) -> None:
        try:
            text = wall_time_note(wall_clock(self.due_edit), self.zone_combo.currentText())
        except InvalidInputError:
            text = None  # an unknown zone is said when saving
        self.due_note.setText(text or "")
        self.due_note.setVisible(bool(text))

    # --- saving -------------------------------------------------------------------------------

    def subject(self) -> Subject | None:
        """What the new event is about, as chosen in the About box."""
        data = self.about_combo.currentData()
        return (str(data[0]), int(data[1])) if data else None

    def recipients(self) -> list[str]:
        """The names listed as getting a follow-up."""
        return [self.recipients_list.item(i).text() for i in range(self.recipients_list.count())]

    def _save(self) -> None:
        if self._saving or not self.ok_button.isEnabled():
            return
        self.error_label.hide()
        qday = self.date_edit.date()
        day = date(qday.year(), qday.month(), qday.day())
        kind = str(self.kind_combo.currentData())
        note, source = self.note_edit.toPlainText(), self.source_edit.text()
        now = self._ctx.clock()
        event_id = self._event_id
        if event_id is not None:

            def edit(s: Session) -> Created:
                changes = events.update_event(
                    s, event_id, kind=kind, happened_on=day, note=note, source=source, now=now
                )
                return Created(event_id, changes)

            self._write(edit, self._on_saved)
            return
        subject = self.subject()
        if subject is None:
            self._show_error("Choose what the event is about.", self.about_combo)
            return
        follow_up: events.FollowUpTime | None = None
        if self.follow_up_check.isChecked():
            zone_text = self.zone_combo.currentText()
            try:
                zone = get_zone(zone_text).key
            except InvalidInputError as exc:
                self._show_error(str(exc), self.zone_combo)
                return
            follow_up = events.FollowUpTime(wall_clock(self.due_edit), zone)
        what, ref = subject
        draft = events.TriggerEventDraft(
            kind=kind,
            happened_on=day,
            note=note,
            source=source,
            company_id=ref if what == "company" else None,
            contact_id=ref if what == "contact" else None,
        )
        self._write(
            lambda s: _created(events.add(s, draft, follow_up=follow_up, now=now)), self._on_saved
        )

    def _saving_changed(self, saving: bool) -> None:
        self.ok_button.setEnabled(not saving)

    def _on_saved(self, created: Created) -> None:
        self.saved.emit(created.id)
        self.accept()


def _created(outcome: Outcome[events.EventAdded]) -> Created:
    return Created(outcome.value.event_id, outcome.changes)


COLUMNS = ("Date", "Kind", "Company / contact", "Note", "Source")


class TriggerEventsDialog(QDialog):
    """The Events list: every trigger event, newest first, with Add, Edit and Delete.

    Double-click or Enter edits a row. It reloads whenever events (or the contacts and companies
    they name) change, from here or anywhere else. `confirm_delete` asks before deleting (a
    test replaces it).

    Signals:
        loaded(): the table shows the current events.
    Lives on the GUI thread; loads through ctx.runner, deletes through operations.run_write.
    """

    loaded = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._events: list[events.TriggerEventView] = []
        self.confirm_delete: Callable[[str], bool] = self._ask
        self.setWindowTitle("Trigger events")
        self.table = QTreeWidget()
        self.table.setHeaderLabels(list(COLUMNS))
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setUniformRowHeights(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(2, 280)
        self.table.setColumnWidth(4, 240)
        self.empty_label = QLabel("Loading…")
        self.empty_label.setStyleSheet(_HINT_STYLE)
        self.add_button = QPushButton("&Add…")
        self.edit_button = QPushButton("&Edit…")
        self.delete_button = QPushButton("&Delete")
        self.close_button = QPushButton("Close")
        self.error_label = message_label(ERROR_COLOUR)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self.resize(1120, 520)
        self.add_button.clicked.connect(self.add_event)
        self.edit_button.clicked.connect(self.edit_current)
        self.delete_button.clicked.connect(self.delete_current)
        self.close_button.clicked.connect(self.reject)
        self.table.itemActivated.connect(self._on_item_activated)
        self.table.itemSelectionChanged.connect(self._on_current_changed)
        QShortcut(
            QKeySequence(Qt.Key.Key_Delete),
            self.table,
            self.delete_current,
            Qt.ShortcutContext.WidgetShortcut,
        )
        ctx.events.changed.connect(self._on_events_changed)
        self._on_current_changed()
        self.reload()

    def reload(self) -> None:
        self._ctx.runner.query(
            events.list_events,
            while_alive(self, self._on_loaded),
            while_alive(self, self._on_failed),
        )

    def _on_loaded(self, found: list[events.TriggerEventView]) -> None:
        current = self.current_id()
        self._events = found
        self.table.clear()
        for e in found:
            note = " ".join(e.note.split())
            item = QTreeWidgetItem(
                [iso_day(e.happened_on), e.kind.label, e.subject, note[:300], e.source]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, e.id)
            item.setToolTip(3, plain_tooltip(e.note[:2000]))
            item.setToolTip(4, plain_tooltip(e.source))
            self.table.addTopLevelItem(item)
            if e.id == current:
                self.table.setCurrentItem(item)
        self.empty_label.setText(
            "No trigger events yet. Add one when you read news about an account."
        )
        self.empty_label.setVisible(not found)
        self._on_current_changed()
        self.loaded.emit()

    def _on_failed(self, exc: BaseException) -> None:
        self.error_label.setText(str(exc) if isinstance(exc, KnownError) else "Could not load.")
        self.error_label.show()
        if not isinstance(exc, KnownError):
            self._ctx.runner.failed.emit(str(exc), True)

    def current_id(self) -> int | None:
        """The event the rep chose: the selected row. (Qt makes the first row current, without
        selecting it, when the list takes the focus after it filled; Edit and Delete would then
        act on a row that does not look chosen.)"""
        selected = self.table.selectedItems()
        return int(selected[0].data(0, Qt.ItemDataRole.UserRole)) if selected else None

    def add_event(self) -> TriggerEventDialog:
        dialog = TriggerEventDialog(self._ctx, self)
        dialog.open()
        return dialog

    def edit_current(self) -> TriggerEventDialog | None:
        event_id = self.current_id()
        if event_id is None:
            return None
        dialog = TriggerEventDialog(self._ctx, self, event_id=event_id)
        dialog.open()
        return dialog

    def delete_current(self) -> None:
        event_id = self.current_id()
        chosen = next((e for e in self._events if e.id == event_id), None)
        if chosen is None:
            return
        text = f"Delete the {chosen.kind.label.lower()} event about {chosen.subject}?"
        if chosen.followup_ids:
            n = len(chosen.followup_ids)
            text += f" Its {n} follow-up{'s' if n != 1 else ''} stay, no longer linked to it."
        if not self.confirm_delete(text):
            return
        self.error_label.hide()
        run_write(
            self,
            self._ctx,
            lambda s: events.delete(s, chosen.id),
            show_error=self._show_error,
            what="Not deleted",
        )

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self, "Delete trigger event", text)
        return answer == QMessageBox.StandardButton.Yes

    def _on_item_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.table.setCurrentItem(item)  # Return on a row that is current but not selected
        self.edit_current()

    def _on_current_changed(self, *_args: object) -> None:
        chosen = self.current_id() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _on_events_changed(self, changes: Changes, _initiator: object) -> None:
        if changes.trigger_events or changes.contacts or changes.companies:
            self.reload()
