"""The log-meeting dialog (Ctrl+M): a meeting, its attendees, follow-ups and thank-you drafts.

Everything the dialog saves (the meeting, its research note, the follow-ups and the thank-you
drafts) is written by `save_plan` in one `ctx.runner.submit` transaction: all of it or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from relationship_crm.domain.enums import MeetingKind
from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.records import MeetingDraft, MeetingView
from relationship_crm.domain.text import clean_line
from relationship_crm.scheduling.quick_picks import QuickPick
from relationship_crm.scheduling.zones import here_and_there, wall_time_note
from relationship_crm.services import followups, meetings
from relationship_crm.services.meeting_log import (
    FollowUpScope,
    LoggedMeeting,
    MeetingPlan,
    save_plan,
)
from relationship_crm.ui.callbacks import while_alive
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.dialogs.base import SavingDialog
from relationship_crm.ui.widgets.contact_picker import ContactPicker
from relationship_crm.ui.widgets.follow_up_form import FollowUpForm
from relationship_crm.ui.widgets.messages import message_label
from relationship_crm.ui.widgets.wall_clock import WallClockEdit, set_wall_clock, wall_clock
from relationship_crm.ui.widgets.zone_picker import ZonePicker

DATE_TIME_FORMAT = "yyyy-MM-dd HH:mm"
_HINT_STYLE = "color: palette(placeholder-text);"

#: Combo label -> kind, in menu order.
KINDS: tuple[tuple[str, MeetingKind], ...] = (
    ("Meeting", MeetingKind.MEETING),
    ("Call", MeetingKind.CALL),
    ("Lunch", MeetingKind.LUNCH),
    ("Event", MeetingKind.EVENT),
    ("Email", MeetingKind.EMAIL),
)
DEFAULT_MINUTES = 60
#: Kinds whose usual length is not an hour.
KIND_MINUTES: dict[MeetingKind, int] = {MeetingKind.CALL: 30, MeetingKind.EMAIL: 0}
#: A call or an email is rarely worth a printed thank-you note: the box starts unchecked for them.
NO_THANKS_KINDS = frozenset({MeetingKind.CALL, MeetingKind.EMAIL})


def round_down_to_quarter(moment: datetime) -> datetime:
    """The quarter hour just begun (14:07 -> 14:00, 14:53 -> 14:45): a meeting being logged has
    happened, so its default start is never in the future (issue 13)."""
    return moment.replace(minute=moment.minute // 15 * 15, second=0, microsecond=0)


def _minutes_for(kind: MeetingKind) -> int:
    return KIND_MINUTES.get(kind, DEFAULT_MINUTES)


class LogMeetingDialog(SavingDialog):
    """Owns the form for one new meeting and saves it, with its extras, in one transaction.

    Fields: title, kind, start (now rounded down to the quarter hour, a wall clock in the Time
    zone box: the zone last used with the first attendee, else `ctx.zone`; the rep's own clock
    shows beside it when the zone is another), duration, location, attendees (a ContactPicker,
    pre-filled from `attendees`), notes, research,
    an optional follow-up (due, quick picks, note, cadence, for each attendee or the first only),
    and "Draft a thank-you note to each attendee" (on by default, off for calls and emails).

    Keyboard: Tab walks the fields in reading order (one Tab leaves a date-time box, see
    `WallClockEdit`); mnemonics reach each field; Ctrl+Return saves from anywhere; Esc cancels.
    A plain Return never saves: in the attendee box it adds the highlighted contact, and
    elsewhere a stray Return must not log a half-typed meeting. Missing fields and KnownErrors
    from the services show in red inside the dialog, which stays open with the input intact.
    After the write it notifies `ctx.events`, emits `meeting_logged` and accepts; it works with
    `show()`/`open()` (no `exec()` needed).

    With `meeting_id` the same fields correct a logged meeting (edit mode): it is loaded through
    `ctx.runner.query`, keeps its own zone, and Save runs `meetings.update` (research, follow-up
    and thank-you drafts have their own places once a meeting exists, so they are hidden).

    Signals:
        meeting_logged(int): the new (or edited) meeting's id, after everything was committed.
    Lives on the GUI thread; database work goes through `ctx.runner`.
    """

    meeting_logged = Signal(int)
    zone_loaded = Signal()

    def __init__(
        self,
        ctx: UiContext,
        parent: QWidget | None = None,
        attendees: Sequence[tuple[int, str]] = (),
        meeting_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._meeting_id = meeting_id
        self._zone = ctx.zone  # the zone the start (and follow-up) is typed in
        self._zone_touched = False  # the rep chose a zone: a looked-up default must not replace it
        self._original_attendees: tuple[int, ...] = ()
        self._saving = False
        self._kind = MeetingKind.MEETING
        self._thanks_touched = False
        self.logged: LoggedMeeting | None = None
        self.setWindowTitle("Log meeting")
        self.setMinimumWidth(600)
        self._build()
        for contact_id, name in attendees:
            self.picker.add_contact(contact_id, name)
        set_wall_clock(self.when_edit, self._default_start(self._zone))
        self.follow_up.pick(QuickPick.TOMORROW_MORNING)
        self._update_when_note()
        self._connect_signals()
        if meeting_id is None and attendees:
            self._look_up_usual_zone(attendees[0][0])
        self.title_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        if meeting_id is not None:
            self._start_editing(meeting_id)

    def _start_editing(self, meeting_id: int) -> None:
        self.setWindowTitle("Edit meeting")
        self.ok_button.setText("Save")
        self._form.setRowVisible(self.research_edit, False)
        self.follow_up_box.hide()
        self.thanks_check.hide()
        self.ok_button.setEnabled(False)  # nothing to save until the meeting is loaded
        self._ctx.runner.query(
            lambda s: meetings.get(s, meeting_id), self._on_meeting_loaded, self._on_load_failed
        )

    def _default_start(self, zone: str) -> datetime:
        """The start suggested in `zone`: the quarter hour just begun there."""
        now = self._ctx.clock().astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        return round_down_to_quarter(now)

    def _look_up_usual_zone(self, contact_id: int) -> None:
        self._ctx.runner.query(
            lambda s: followups.usual_zone(s, contact_id),
            while_alive(self, self._on_usual_zone_loaded),
            while_alive(self, lambda _exc: None),  # the rep's zone is a fine default
        )

    def _on_usual_zone_loaded(self, zone: str | None) -> None:
        # Only a default: a zone the rep already chose is kept.
        if zone and not self._zone_touched and not self._saving:
            self._set_zone(zone)
            self._zone_touched = False
        self.zone_loaded.emit()

    def _set_zone(self, zone: str) -> None:
        self.zone_picker.set_zone(zone)  # emits zone_changed -> _on_zone_picker_changed

    def _on_meeting_loaded(self, meeting: MeetingView) -> None:
        self._set_zone(meeting.tz)
        self.title_edit.setText(meeting.title)
        kinds = [MeetingKind(self.kind_combo.itemData(i)) for i in range(self.kind_combo.count())]
        self.kind_combo.setCurrentIndex(kinds.index(meeting.kind))
        set_wall_clock(self.when_edit, meeting.starts_at.replace(tzinfo=None))
        self.duration_spin.setValue(meeting.duration_minutes)
        self.location_edit.setText(meeting.location)
        self.notes_edit.setPlainText(meeting.notes)
        for contact_id, name in meeting.attendees:
            self.picker.add_contact(contact_id, name)
        self._original_attendees = tuple(i for i, _ in meeting.attendees)
        self.ok_button.setEnabled(True)

    def _on_load_failed(self, exc: BaseException) -> None:
        self._show_error(str(exc))

    # --- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("What was it about? e.g. Kick-off, Quarterly review")
        self.kind_combo = QComboBox()
        for label, kind in KINDS:
            self.kind_combo.addItem(label, kind)
        self.when_edit = WallClockEdit()
        self.when_edit.setDisplayFormat(DATE_TIME_FORMAT)
        self.when_edit.setCalendarPopup(True)
        self.when_edit.setToolTip(f"Start, in {self._ctx.zone}")
        self.zone_picker = ZonePicker(self._ctx.zone)
        # The rep's own clock beside the start, when the meeting is in another zone.
        self.when_note = QLabel()
        self.when_note.setTextFormat(Qt.TextFormat.PlainText)
        self.when_note.setStyleSheet(_HINT_STYLE)
        self.duration_spin = QSpinBox()
        self.duration_spin.setRange(0, meetings.MAX_DURATION_MINUTES)
        self.duration_spin.setSingleStep(15)
        self.duration_spin.setSuffix(" min")
        self.duration_spin.setValue(DEFAULT_MINUTES)
        self.duration_spin.setAccelerated(True)
        self.location_edit = QLineEdit()
        self.location_edit.setPlaceholderText("Optional")
        self.picker = ContactPicker(self._ctx)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)  # Tab leaves the notes: the form is all keyboard
        self.notes_edit.setPlaceholderText("What was said, what was agreed")
        self.notes_edit.setFixedHeight(self._lines_height(self.notes_edit, 5))
        self.research_edit = QPlainTextEdit()
        self.research_edit.setTabChangesFocus(True)
        self.research_edit.setPlaceholderText("Optional: background to read before the next one")
        self.research_edit.setFixedHeight(self._lines_height(self.research_edit, 2))

        when_label = QLabel("&When:")
        when_label.setBuddy(self.when_edit)
        duration_label = QLabel("&Duration:")
        duration_label.setBuddy(self.duration_spin)
        kind_label = QLabel("&Kind:")
        kind_label.setBuddy(self.kind_combo)
        zone_label = QLabel("Time &zone:")
        zone_label.setBuddy(self.zone_picker)
        zone_row = QHBoxLayout()
        zone_row.setContentsMargins(0, 0, 0, 0)
        zone_row.addWidget(self.zone_picker)
        zone_row.addSpacing(12)
        zone_row.addWidget(self.when_note, 1)
        timing = QHBoxLayout()
        timing.setContentsMargins(0, 0, 0, 0)
        timing.addWidget(self.kind_combo)
        timing.addSpacing(12)
        timing.addWidget(when_label)
        timing.addWidget(self.when_edit)
        timing.addSpacing(12)
        timing.addWidget(duration_label)
        timing.addWidget(self.duration_spin)
        timing.addStretch(1)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Title:", self.title_edit)
        form.addRow(kind_label, timing)
        form.addRow(zone_label, zone_row)
        form.addRow("L&ocation:", self.location_edit)
        form.addRow("&Attendees:", self.picker)
        form.addRow("&Notes:", self.notes_edit)
        form.addRow("&Research:", self.research_edit)
        self._form = form

        self._build_follow_up()
        self.thanks_check = QCheckBox("Draft a t&hank-you note to each attendee")
        self.thanks_check.setChecked(True)

        self.error_label = message_label()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Log meeting")
        self.ok_button.setToolTip("Save everything (Ctrl+Return)")
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.follow_up_box)
        layout.addWidget(self.thanks_check)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        chain: tuple[QWidget, ...] = (
            self.title_edit,
            self.kind_combo,
            self.when_edit,
            self.duration_spin,
            self.zone_picker,
            self.location_edit,
            self.picker.edit,
            self.notes_edit,
            self.research_edit,
            self.follow_up_box,
            self.follow_up_due_edit,
            self.tomorrow_button,
            self.next_monday_button,
            self.two_weeks_button,
            self.cadence_combo,
            self.scope_combo,
            self.follow_up_note_edit,
            self.thanks_check,
            self.ok_button,
            self.cancel_button,
        )
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _build_follow_up(self) -> None:
        self.follow_up_box = QGroupBox("&Follow up")
        self.follow_up_box.setCheckable(True)
        self.follow_up_box.setChecked(False)
        self.follow_up = FollowUpForm(self._ctx.clock, self._ctx.zone, here=self._ctx.zone)
        # The form's fields, under the names the dialog has always had.
        self.follow_up_due_edit = self.follow_up.due_edit
        self.tomorrow_button = self.follow_up.tomorrow_button
        self.next_monday_button = self.follow_up.next_monday_button
        self.two_weeks_button = self.follow_up.two_weeks_button
        self.follow_up_note_edit = self.follow_up.note_edit
        self.cadence_combo = self.follow_up.cadence_combo
        self.scope_combo = QComboBox()
        self.scope_combo.addItem("Each attendee", FollowUpScope.EACH)
        self.scope_combo.addItem("First attendee only", FollowUpScope.FIRST)
        scope_label = QLabel("&Create for:")
        scope_label.setBuddy(self.scope_combo)
        repeat_row = self.follow_up.repeat_row
        repeat_row.addSpacing(12)
        repeat_row.addWidget(scope_label)
        repeat_row.addWidget(self.scope_combo)
        repeat_row.addStretch(1)
        box = QVBoxLayout(self.follow_up_box)
        box.addWidget(self.follow_up)

    @staticmethod
    def _lines_height(edit: QPlainTextEdit, lines: int) -> int:
        margins = edit.contentsMargins()
        document_margin = int(edit.document().documentMargin())
        return (
            edit.fontMetrics().lineSpacing() * lines
            + 2 * document_margin
            + margins.top()
            + margins.bottom()
            + 2 * edit.frameWidth()
        )

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self, self._on_save_shortcut_activated)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_changed)
        self.thanks_check.clicked.connect(self._on_thanks_check_clicked)
        self.picker.failed.connect(self._on_picker_failed)
        self.picker.selection_changed.connect(self._on_picker_selection_changed)
        self.title_edit.textEdited.connect(self._on_field_edited)
        self.zone_picker.zone_changed.connect(self._on_zone_picker_changed)
        self.when_edit.dateTimeChanged.connect(self._on_when_edit_changed)

    # --- keyboard and closing -----------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # QDialog turns a Return that a field ignored into a click on the default button; here a
        # plain Return must never log the meeting (see the class docstring). Buttons with the
        # focus handle Return themselves before it gets here.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            event.accept()
            return
        super().keyPressEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The button box makes OK the default button when it is shown; Return does not save here,
        # so OK must not look like it would.
        self.ok_button.setDefault(False)

    # --- slots --------------------------------------------------------------------------------

    def _on_kind_combo_changed(self, _index: int) -> None:
        kind = MeetingKind(self.kind_combo.currentData())
        # Follow the kind's usual length unless the rep has set one of their own.
        if self.duration_spin.value() == _minutes_for(self._kind):
            self.duration_spin.setValue(_minutes_for(kind))
        if not self._thanks_touched:
            self.thanks_check.setChecked(kind not in NO_THANKS_KINDS)
        self._kind = kind

    def _on_thanks_check_clicked(self, _checked: bool) -> None:
        self._thanks_touched = True

    def _on_picker_failed(self, message: str) -> None:
        self._show_error(message, self.picker)

    def _on_picker_selection_changed(self) -> None:
        self._on_field_edited()
        selected = self.picker.selected_ids()
        if self._meeting_id is None and len(selected) == 1 and not self._zone_touched:
            self._look_up_usual_zone(selected[0])

    def _on_zone_picker_changed(self, zone: str) -> None:
        old_zone, self._zone = self._zone, zone
        if self._meeting_id is None and wall_clock(self.when_edit) == self._default_start(old_zone):
            # Still the suggested "now": keep it now (a call that just ended with a London client
            # began at 15:00 in London, not at 10:00 there). A time the rep typed is kept as typed.
            set_wall_clock(self.when_edit, self._default_start(zone))
        self._zone_touched = True
        self.when_edit.setToolTip(f"Start, in {zone}")
        self.follow_up.set_zone(zone)  # the follow-up is typed in the meeting's zone
        self._update_when_note()

    def _on_when_edit_changed(self) -> None:
        self._update_when_note()

    def _update_when_note(self) -> None:
        wall = wall_clock(self.when_edit)
        try:
            note = wall_time_note(wall, self._zone)
            text = "\n".join(
                line for line in (here_and_there(wall, self._zone, self._ctx.zone), note) if line
            )
        except InvalidInputError:
            text = ""
        self.when_note.setText(text)
        self.when_note.setVisible(bool(text))

    def _on_field_edited(self, *_args: object) -> None:
        if self.error_label.isVisible() and not self._saving:
            self.error_label.hide()

    def _on_save_shortcut_activated(self) -> None:
        self._save()

    def _on_buttons_accepted(self) -> None:
        self._save()

    # --- saving -------------------------------------------------------------------------------

    def plan(self) -> MeetingPlan | None:
        """What would be saved now, or None after showing why the form is not ready."""
        title = clean_line(self.title_edit.text())
        if not title:
            self._show_error("Give the meeting a title.", self.title_edit)
            return None
        pending = self.picker.edit.text().strip()
        if pending:
            self._show_error(
                f"“{pending}” is not an attendee yet: press Return to add it, or clear it.",
                self.picker,
            )
            return None
        if self.picker.busy:
            self._show_error("A new contact is still being created; try again.", self.picker)
            return None
        attendee_ids = tuple(self.picker.selected_ids())
        if not attendee_ids:
            self._show_error("Add at least one attendee.", self.picker)
            return None
        meeting = MeetingDraft(
            title=title,
            starts_local=wall_clock(self.when_edit),
            tz=self._zone,
            attendee_ids=attendee_ids,
            kind=MeetingKind(self.kind_combo.currentData()),
            duration_minutes=self.duration_spin.value(),
            location=self.location_edit.text(),
            notes=self.notes_edit.toPlainText(),
            research=self.research_edit.toPlainText(),
        )
        following = self.follow_up_box.isChecked()
        return MeetingPlan(
            meeting=meeting,
            follow_up_due=self.follow_up.due_local() if following else None,
            follow_up_note=self.follow_up.note(),
            follow_up_cadence=(self.follow_up.cadence_words() or None) if following else None,
            follow_up_scope=FollowUpScope(self.scope_combo.currentData()),
            draft_thanks=self.thanks_check.isChecked(),
        )

    def _save(self) -> None:
        if self._saving:
            return
        plan = self.plan()
        if plan is None:
            return
        self.error_label.hide()
        now = self._ctx.clock()
        if self._meeting_id is None:
            self._write(lambda s: save_plan(s, plan, now=now), self._on_save_done)
            return
        meeting_id, m = self._meeting_id, plan.meeting
        added = [i for i in m.attendee_ids if i not in self._original_attendees]
        removed = [i for i in self._original_attendees if i not in m.attendee_ids]

        def edit(s: Session) -> LoggedMeeting:
            changes = meetings.update(
                s,
                meeting_id,
                title=m.title,
                starts_local=m.starts_local,
                tz=m.tz,
                kind=m.kind,
                duration_minutes=m.duration_minutes,
                location=m.location,
                notes=m.notes,
                add_attendees=added,
                remove_attendees=removed,
                now=now,
            )
            return LoggedMeeting(meeting_id, (), (), False, changes)

        self._write(edit, self._on_save_done)

    def _saving_changed(self, saving: bool) -> None:
        self.ok_button.setEnabled(not saving)

    def _on_save_done(self, result: LoggedMeeting) -> None:
        self.logged = result
        self.meeting_logged.emit(result.meeting_id)
        self.accept()
