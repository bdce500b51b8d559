"""The follow-up form both dialogs share: due (with quick picks), repeats and the note."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.scheduling.cadences import PRESETS, Cadence, preset, preset_for_rule
from relationship_crm.scheduling.quick_picks import QuickPick, quick_pick
from relationship_crm.scheduling.recurrence import describe, parse_cadence
from relationship_crm.scheduling.zones import here_and_there, wall_time_note
from relationship_crm.ui.models.reminders_model import OVERDUE_COLOUR
from relationship_crm.ui.widgets.wall_clock import (
    DATE_TIME_FORMAT,
    WallClockEdit,
    set_wall_clock,
    wall_clock,
)
from relationship_crm.ui.widgets.zone_picker import ZonePicker

#: The Repeats box's data for "Custom…" (the presets' data is their Cadence).
CUSTOM = "custom"
CUSTOM_LABEL = "Custom…"
#: The quick-pick buttons: (attribute, label, pick), left to right.
QUICK_BUTTONS: tuple[tuple[str, str, QuickPick], ...] = (
    ("tomorrow_button", "To&morrow 09:00", QuickPick.TOMORROW_MORNING),
    ("next_monday_button", "Ne&xt Monday 09:00", QuickPick.NEXT_MONDAY_MORNING),
    ("two_weeks_button", "In &2 weeks", QuickPick.IN_TWO_WEEKS),
)
_HINT_STYLE = "color: palette(placeholder-text);"
_ERROR_STYLE = f"color: {OVERDUE_COLOUR};"

Clock = Callable[[], datetime]


class FollowUpForm(QWidget):
    """Owns the fields of one follow-up: due (wall clock in `zone`), quick picks, the Repeats box
    (the `scheduling.cadences` presets, and "Custom…" with a typed cadence when `custom` is set)
    and the note (several lines when `multiline_note`, else one).

    Rows, in a QFormLayout (`rows`; a dialog may insert its own): Due, its note, the quick picks,
    Time zone (a `ZonePicker`, with `zone_picker`), Repeats (`repeat_row`, which a dialog may
    extend), the custom cadence and its hint, Note. Tab walks them in that order. Does no I/O;
    the quick picks count from `clock()` in `zone`.

    The note under Due says when the wall time is skipped or repeated by a clock change, and,
    when `zone` is not the rep's own (`here`), the same instant on the rep's clock ("09:00 in
    New York · 15:00 here"). `set_zone` changes the zone and keeps the wall time typed.

    Signals:
        hint_changed(): the cadence hint was shown, hidden or changed (the dialog may need to grow).
    Lives on the GUI thread.
    """

    hint_changed = Signal()

    def __init__(
        self,
        clock: Clock,
        zone: str,
        *,
        custom: bool = False,
        multiline_note: bool = False,
        here: str | None = None,
        zone_picker: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._zone = zone
        self._here = here or zone
        self._custom = custom
        self.zone_picker: ZonePicker | None = None
        if zone_picker:
            self.zone_picker = ZonePicker(zone)
            self.zone_picker.zone_changed.connect(self.set_zone)

        self.due_edit = WallClockEdit()
        self.due_edit.setDisplayFormat(DATE_TIME_FORMAT)
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setToolTip(f"Due, in {zone}")
        self.due_edit.dateTimeChanged.connect(self._on_due_edit_changed)
        quick = QHBoxLayout()
        quick.setContentsMargins(0, 0, 0, 0)
        self.quick_buttons: list[QPushButton] = []
        for _attribute, label, pick in QUICK_BUTTONS:
            button = QPushButton(label)
            # Not auto-default: Return on a focused quick pick still means the dialog's default.
            button.setAutoDefault(False)
            button.clicked.connect(partial(self.pick, pick))
            self.quick_buttons.append(button)
            quick.addWidget(button)
        quick.addStretch(1)
        # Named for the dialogs and their tests, in QUICK_BUTTONS' order.
        self.tomorrow_button, self.next_monday_button, self.two_weeks_button = self.quick_buttons

        self.cadence_combo = QComboBox()
        for choice in PRESETS:
            self.cadence_combo.addItem(choice.label, choice.cadence.value)
        if custom:
            self.cadence_combo.addItem(CUSTOM_LABEL, CUSTOM)
        self.cadence_combo.currentIndexChanged.connect(self._on_cadence_combo_changed)
        self.custom_edit = QLineEdit(self)
        self.custom_edit.setPlaceholderText("e.g. every other Monday, quarterly, FREQ=MONTHLY")
        self.custom_edit.textChanged.connect(self._on_custom_edit_changed)
        # Says which instant is saved when the due is skipped or repeated by a clock change.
        self.due_note = QLabel(self)
        self.due_note.setWordWrap(True)
        self.due_note.setTextFormat(Qt.TextFormat.PlainText)
        self.due_note.setStyleSheet(_HINT_STYLE)
        self.cadence_hint = QLabel(self)
        self.cadence_hint.setWordWrap(True)
        self.cadence_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.repeat_row = QHBoxLayout()
        self.repeat_row.setContentsMargins(0, 0, 0, 0)
        self.repeat_row.addWidget(self.cadence_combo)

        self.note_edit: QPlainTextEdit | QLineEdit
        if multiline_note:
            note = QPlainTextEdit()
            note.setTabChangesFocus(True)  # Tab leaves the note, so the form is all keyboard
            note.setPlaceholderText("What to follow up on (Shift+Enter for a new line)")
            note.setFixedHeight(note.fontMetrics().lineSpacing() * 4 + 12)
            self.note_edit = note
        else:
            line = QLineEdit()
            line.setPlaceholderText("What to do, e.g. send the proposal")
            self.note_edit = line

        due_label = QLabel("D&ue:")
        due_label.setBuddy(self.due_edit)
        repeat_label = QLabel("Re&peats:")
        repeat_label.setBuddy(self.cadence_combo)
        note_label = QLabel("Not&e:")
        note_label.setBuddy(self.note_edit)
        self.rows = QFormLayout(self)
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.rows.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows.addRow(due_label, self.due_edit)
        self.rows.addRow("", self.due_note)
        self.rows.addRow("", quick)
        if self.zone_picker is not None:
            zone_label = QLabel("Time &zone:")
            zone_label.setBuddy(self.zone_picker)
            self.rows.addRow(zone_label, self.zone_picker)
        self.rows.addRow(repeat_label, self.repeat_row)
        if custom:
            self.rows.addRow("", self.custom_edit)
            self.rows.addRow("", self.cadence_hint)
        self.rows.addRow(note_label, self.note_edit)
        self._show_custom(False)
        self.update_due_note()

        chain: tuple[QWidget, ...] = (
            self.due_edit,
            *self.quick_buttons,
            *((self.zone_picker,) if self.zone_picker is not None else ()),
            self.cadence_combo,
            *((self.custom_edit,) if custom else ()),
            self.note_edit,
        )
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # --- the due ------------------------------------------------------------------------------

    @property
    def zone(self) -> str:
        return self._zone

    def set_zone(self, zone: str) -> None:
        """Take the due as a wall time in `zone` from now on (the time typed stays)."""
        self._zone = zone
        self.due_edit.setToolTip(f"Due, in {zone}")
        if self.zone_picker is not None and self.zone_picker.zone() != zone:
            self.zone_picker.set_zone(zone)
        self.update_due_note()

    def due_local(self) -> datetime:
        """The naive wall-clock due shown, in `zone`."""
        return wall_clock(self.due_edit)

    def set_due(self, wall: datetime) -> None:
        set_wall_clock(self.due_edit, wall)

    def pick(self, pick: QuickPick) -> None:
        """Set the due to a quick pick, counted from now in `zone`."""
        self.set_due(quick_pick(pick, now=self._clock(), tz=self._zone).replace(tzinfo=None))

    # --- the note -----------------------------------------------------------------------------

    def note(self) -> str:
        edit = self.note_edit
        return edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()

    def insert_note_line(self) -> None:
        """A line break at the cursor (Shift+Return in a several-line note)."""
        edit = self.note_edit
        if isinstance(edit, QPlainTextEdit):
            edit.insertPlainText("\n")

    def set_note(self, text: str) -> None:
        edit = self.note_edit
        if isinstance(edit, QPlainTextEdit):
            edit.setPlainText(text)
        else:
            edit.setText(text)

    # --- the cadence --------------------------------------------------------------------------

    def is_custom(self) -> bool:
        return bool(self.cadence_combo.currentData() == CUSTOM)

    def cadence_state(self) -> tuple[str, str]:
        """What the Repeats fields hold now (to tell whether the rep changed them)."""
        return str(self.cadence_combo.currentData()), self.custom_edit.text().strip()

    def cadence_words(self) -> str:
        """What goes to the service: preset words, "" for no repeat, or the typed custom text."""
        if self.is_custom():
            return self.custom_edit.text().strip()
        return preset(Cadence(self.cadence_combo.currentData())).words

    def check_cadence(self) -> str | None:
        """The rule text for the cadence chosen (None for no repeat); InvalidInputError if bad."""
        words = self.cadence_words()
        if self.is_custom() or words:
            return parse_cadence(words, start_local=self.due_local())
        return None

    def show_rule(self, rule: str | None, start: datetime) -> None:
        """Show a stored rule: as its preset, else (with `custom`) as custom words or the rule."""
        found = preset_for_rule(rule)
        if found is not None or not self._custom:
            cadence = found.cadence if found is not None else Cadence.NONE
            self.cadence_combo.setCurrentIndex(self.cadence_combo.findData(cadence.value))
        else:
            self.cadence_combo.setCurrentIndex(self.cadence_combo.findData(CUSTOM))
            self.custom_edit.setText(_custom_text_for(str(rule), start))
        self._show_custom(self.is_custom())

    def update_cadence_hint(self) -> None:
        """Say in words what a custom cadence means, or why it is not understood."""
        if not self.is_custom():
            self.cadence_hint.hide()
            self.hint_changed.emit()
            return
        if not self.custom_edit.text().strip():
            self._set_hint("Type how often, e.g. every other Monday or FREQ=MONTHLY;BYDAY=1MO")
            return
        try:
            rule = self.check_cadence()
        except InvalidInputError as exc:
            self._set_hint(str(exc), error=True)
            return
        self._set_hint(f"Repeats {describe(rule)}" if rule else "")

    def _set_hint(self, text: str, *, error: bool = False) -> None:
        self.cadence_hint.setText(text)
        self.cadence_hint.setStyleSheet(_ERROR_STYLE if error else _HINT_STYLE)
        self.cadence_hint.setVisible(bool(text))
        self.hint_changed.emit()

    def _show_custom(self, visible: bool) -> None:
        self.custom_edit.setVisible(visible and self._custom)
        self.update_cadence_hint()

    # --- slots --------------------------------------------------------------------------------

    def update_due_note(self) -> None:
        """Under Due: the rep's own time when the zone is another, and the gap/fold sentence
        when the wall time is skipped or repeated."""
        wall = self.due_local().replace(second=0, microsecond=0)
        try:
            lines = [here_and_there(wall, self._zone, self._here), wall_time_note(wall, self._zone)]
        except InvalidInputError:
            lines = []  # an unknown zone is reported when saving, not here
        text = "\n".join(line for line in lines if line)
        self.due_note.setText(text)
        self.due_note.setVisible(bool(text))

    def _on_due_edit_changed(self) -> None:
        self.update_due_note()
        if self.is_custom():
            self.update_cadence_hint()  # a rule's validity can depend on its start

    def _on_cadence_combo_changed(self) -> None:
        custom = self.is_custom()
        self._show_custom(custom)
        if custom:
            self.custom_edit.setFocus()

    def _on_custom_edit_changed(self) -> None:
        self.update_cadence_hint()


def _custom_text_for(rule: str, start: datetime) -> str:
    """Words for a stored rule when they read back as the same rule, else the rule itself."""
    words = describe(rule)
    try:
        if parse_cadence(words, start_local=start) == rule:
            return words
    except InvalidInputError:
        pass
    return rule
