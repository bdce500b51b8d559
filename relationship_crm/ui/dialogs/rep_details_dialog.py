"""Settings: the rep's details (letterhead, signature), how notes are dated and printed, and the
time zone, currency and phone country everything else uses."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.errors import KnownError
from relationship_crm.services import settings, thanks_drafts
from relationship_crm.services.thanks_text import long_date
from relationship_crm.ui.callbacks import while_alive
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.dialogs.base import SavingDialog
from relationship_crm.ui.widgets.messages import ERROR_COLOUR, message_label
from relationship_crm.ui.widgets.zone_picker import ZonePicker

#: The text settings, in form order, with their labels.
TEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("rep_name", "&Name:"),
    ("rep_title", "Job &title:"),
    ("rep_company", "&Company:"),
    ("rep_address", "&Address:"),
    ("rep_phone", "&Phone:"),
    ("rep_email", "&Email:"),
    ("signature", "Si&gnature:"),
)
#: The text settings whose line breaks are kept: edited in a few-line box, not one line.
MULTI_LINE_FIELDS = settings.MULTI_LINE_SETTINGS

#: The settings that are a choice (settings.CHOICES), with their labels.
CHOICE_FIELDS: tuple[tuple[str, str], ...] = (
    ("date_style", "&Dates in notes:"),
    ("page_size", "Pape&r:"),
)
#: The region settings, on their own page: the zone, the default currency, the phone country.
REGION_KEYS: tuple[str, ...] = ("timezone", "currency", "phone_region", "gift_budget")
#: Every key the dialog saves.
KEYS: tuple[str, ...] = tuple(key for key, _ in TEXT_FIELDS + CHOICE_FIELDS) + REGION_KEYS
#: The pages, by name, in tab order.
PAGES: tuple[str, ...] = ("details", "region")

PAGE_SIZE_LABELS: dict[str, str] = {
    "a4": "A4",
    "letter": "US Letter",
    "a6": "A6 card",
    "card": "Note card 4.25 × 5.5 in",
}
_DATE_STYLE_NAMES = {"us": "US", "international": "International"}


def choice_label(key: str, value: str, today: date) -> str:
    """The words a combo shows for one value of a choice setting ("US: November 23, 2026")."""
    if key == "date_style":
        return f"{_DATE_STYLE_NAMES.get(value, value)}: {long_date(today, value)}"
    if key == "page_size":
        return PAGE_SIZE_LABELS.get(value, value)
    return value


def save_details(session: Session, values: Mapping[str, str]) -> Changes:
    """Store every value (an empty one removes its setting); all of them, or none on an error."""
    # thanks_drafts.put_setting fills unedited drafts again, so they show what they will print.
    return Changes.combined(
        [thanks_drafts.put_setting(session, key, value) for key, value in values.items()]
    )


class LinesEdit(QPlainTextEdit):
    """A short multi-line box with the text()/setText() of a line edit, for an address or a
    signature whose line breaks are printed as lines. Tab moves on, as in the other fields."""

    def __init__(self, lines: int = 3) -> None:
        super().__init__()
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        margins = self.contentsMargins()
        height = self.fontMetrics().lineSpacing() * lines + 2 * self.frameWidth() + 8
        self.setFixedHeight(height + margins.top() + margins.bottom())

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:  # noqa: N802 - the QLineEdit name it stands in for
        self.setPlainText(text)


class RepDetailsDialog(SavingDialog):
    """Owns the Settings form: who the notes are from and how they are printed (page "details"),
    and the time zone, default currency and phone country (page "region"); `page` opens one.

    On opening it reads the stored settings through `ctx.runner.query` (Save stays disabled until
    they are shown, so an early click cannot blank them). The text fields are the rep_* settings
    and the signature; the choices start with "Automatic (…)", meaning no setting, naming what
    automatic gives now; "Follow this computer's time zone" means no `timezone` setting. Save
    writes every key in one `_write` transaction (`thanks_drafts.put_setting` each; an empty value
    removes a setting), which notifies the changes, and accepts. A KnownError shows in red
    under the form, nothing is stored and the input stays as typed.

    Signals:
        details_loaded(): the stored settings are shown.
        details_saved(): the settings were stored (before the dialog accepts).
    Lives on the GUI thread.
    """

    details_loaded = Signal()
    details_saved = Signal()

    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, *, page: str = "details"
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._zone: str | None = None
        self._system_zone = settings.system_zone()
        self.setWindowTitle("Settings")
        self.setMinimumWidth(520)
        self._build()
        self.show_page(page)
        self._connect_signals()
        self._set_loaded(False)
        ctx.runner.query(
            lambda s: settings.load_details(s, KEYS),
            while_alive(self, self._on_details_loaded),
            while_alive(self, self._on_details_failed),
        )

    # --- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.intro_label = QLabel(
            "These details appear on the letterhead of your thank-you notes and in their "
            "{{placeholders}}, such as {{rep_name}} and {{signature}}. "
            "Leave a field empty to leave it out."
        )
        self.intro_label.setTextFormat(Qt.TextFormat.PlainText)
        self.intro_label.setWordWrap(True)

        self.line_edits: dict[str, QLineEdit | LinesEdit] = {}
        you_box = QGroupBox("You")
        you_form = QFormLayout(you_box)
        you_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, label in TEXT_FIELDS:
            hint = settings.KNOWN_SETTINGS[key]
            edit: QLineEdit | LinesEdit
            if key in MULTI_LINE_FIELDS:
                edit = LinesEdit(lines=3 if key == "rep_address" else 2)
            else:
                edit = QLineEdit()
                edit.setMaxLength(300)
                edit.setClearButtonEnabled(True)
            edit.setPlaceholderText(hint[:1].upper() + hint[1:])
            self.line_edits[key] = edit
            caption = QLabel(label)
            caption.setBuddy(edit)
            you_form.addRow(caption, edit)
        self.name_edit = self.line_edits["rep_name"]
        self.title_edit = self.line_edits["rep_title"]
        self.company_edit = self.line_edits["rep_company"]
        self.address_edit = self.line_edits["rep_address"]
        self.phone_edit = self.line_edits["rep_phone"]
        self.email_edit = self.line_edits["rep_email"]
        self.signature_edit = self.line_edits["signature"]

        today = self._ctx.today()
        self.combos: dict[str, QComboBox] = {}
        print_box = QGroupBox("Notes")
        print_form = QFormLayout(print_box)
        print_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, label in CHOICE_FIELDS:
            combo = QComboBox()
            combo.addItem("Automatic", "")
            for value in settings.CHOICES[key]:
                combo.addItem(choice_label(key, value, today), value)
            combo.setToolTip(settings.KNOWN_SETTINGS[key])
            self.combos[key] = combo
            caption = QLabel(label)
            caption.setBuddy(combo)
            print_form.addRow(caption, combo)
        self.date_style_combo = self.combos["date_style"]
        self.page_size_combo = self.combos["page_size"]

        self.error_label = message_label(ERROR_COLOUR)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)

        details_page = QWidget()
        details = QVBoxLayout(details_page)
        details.addWidget(self.intro_label)
        details.addWidget(you_box)
        details.addWidget(print_box)
        details.addStretch(1)
        self.tabs = QTabWidget()
        self.tabs.addTab(details_page, "Your &details")
        self.tabs.addTab(self._build_region_page(), "&Time zone, currency, phones")

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def _build_region_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            "Dates and times you type, and the daily list, are in this time zone. A gift without "
            "a currency is in the default currency. A phone number typed without +country is "
            "read as a number of the phone country."
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.region_intro_label = intro
        self.follow_system_check = QCheckBox(
            f"Follow this computer's time zone ({self._system_zone})"
        )
        self.zone_picker = ZonePicker(self._system_zone)
        self.currency_combo = QComboBox()
        self.currency_combo.addItem("Automatic (USD)", "")
        for code in sorted(settings.currency_codes()):
            self.currency_combo.addItem(code, code)
        self.currency_combo.setToolTip(settings.KNOWN_SETTINGS["currency"])
        self.phone_region_combo = QComboBox()
        self.phone_region_combo.addItem("None: type numbers with +country", "")
        for code, calling in settings.phone_regions():
            self.phone_region_combo.addItem(f"{code} (+{calling})", code)
        self.phone_region_combo.setToolTip(settings.KNOWN_SETTINGS["phone_region"])
        self.combos["currency"] = self.currency_combo
        self.combos["phone_region"] = self.phone_region_combo
        self.budget_edit = QLineEdit()
        self.budget_edit.setClearButtonEnabled(True)
        self.budget_edit.setPlaceholderText("e.g. 3000 USD; empty: no budget")
        self.budget_edit.setToolTip(settings.KNOWN_SETTINGS["gift_budget"])

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        zone_label = QLabel("Time &zone:")
        zone_label.setBuddy(self.zone_picker)
        form.addRow("", self.follow_system_check)
        form.addRow(zone_label, self.zone_picker)
        currency_label = QLabel("Default &currency:")
        currency_label.setBuddy(self.currency_combo)
        form.addRow(currency_label, self.currency_combo)
        phone_label = QLabel("P&hone country:")
        phone_label.setBuddy(self.phone_region_combo)
        form.addRow(phone_label, self.phone_region_combo)
        budget_label = QLabel("Yearly &gift budget:")
        budget_label.setBuddy(self.budget_edit)
        form.addRow(budget_label, self.budget_edit)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    def show_page(self, page: str) -> None:
        """Bring page "details" or "region" to the front."""
        self.tabs.setCurrentIndex(PAGES.index(page))

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.date_style_combo.currentIndexChanged.connect(self._on_date_style_changed)
        self.follow_system_check.toggled.connect(self._on_follow_system_toggled)

    # --- public -------------------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        """Every key with the value the form holds ("" for an empty field or Automatic)."""
        typed = {key: edit.text().strip() for key, edit in self.line_edits.items()}
        chosen = {key: str(combo.currentData() or "") for key, combo in self.combos.items()}
        zone = "" if self.follow_system_check.isChecked() else self.zone_picker.zone()
        return typed | chosen | {"timezone": zone, "gift_budget": self.budget_edit.text().strip()}

    def set_choice(self, key: str, value: str) -> None:
        """Choose `value` ("" for Automatic) in a choice combo."""
        combo = self.combos[key]
        index = combo.findData(value)
        if index < 0:
            # Stored by a newer version, say: shown as it is, so saving keeps it.
            combo.addItem(value, value)
            index = combo.count() - 1
        combo.setCurrentIndex(index)

    def save(self) -> None:
        """Store every field in one transaction; on success notify and accept."""
        if self._saving or not self.save_button.isEnabled():
            return
        values = self.values()
        self.error_label.hide()
        self._write(
            lambda s: save_details(s, values), self._on_save_done, failed=self._on_save_failed
        )

    # --- loading ------------------------------------------------------------------------------

    def _on_details_loaded(self, stored: settings.StoredDetails) -> None:
        self._zone = stored.zone
        for key, edit in self.line_edits.items():
            edit.setText(stored.values.get(key, ""))
        for key in self.combos:
            self.set_choice(key, stored.values.get(key, ""))
        self.budget_edit.setText(stored.values.get("gift_budget", ""))
        stored_zone = stored.values.get("timezone", "")
        self.follow_system_check.setChecked(not stored_zone)
        self.zone_picker.set_zone(stored_zone or self._system_zone)
        self.zone_picker.setEnabled(bool(stored_zone))
        self._update_automatic_labels()
        self._set_loaded(True)
        self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.details_loaded.emit()

    def _on_details_failed(self, exc: BaseException) -> None:
        if isinstance(exc, KnownError):
            self._show_error(f"Could not read your details: {exc}")
        else:
            self._ctx.runner.failed.emit(str(exc), True)

    def _set_loaded(self, loaded: bool) -> None:
        widgets = (
            *self.line_edits.values(),
            *self.combos.values(),
            self.follow_system_check,
            self.budget_edit,
        )
        for widget in widgets:
            widget.setEnabled(loaded)
        self.zone_picker.setEnabled(loaded and not self.follow_system_check.isChecked())
        self.save_button.setEnabled(loaded)

    def _update_automatic_labels(self) -> None:
        if self._zone is None:
            return
        today = self._ctx.today()
        style = settings.default_date_style(self._zone)
        self.date_style_combo.setItemText(
            0, f"Automatic ({choice_label('date_style', style, today)})"
        )
        # Automatic paper follows the date style chosen in this dialog, not the stored one.
        chosen_style = str(self.date_style_combo.currentData() or "") or style
        page = settings.default_page_size(chosen_style)
        self.page_size_combo.setItemText(0, f"Automatic ({choice_label('page_size', page, today)})")

    # --- slots --------------------------------------------------------------------------------

    def _on_date_style_changed(self, _index: int) -> None:
        self._update_automatic_labels()

    def _on_follow_system_toggled(self, follow: bool) -> None:
        self.zone_picker.setEnabled(not follow)
        if follow:
            self.zone_picker.set_zone(self._system_zone)

    def _on_buttons_accepted(self) -> None:
        self.save()

    # --- saving -------------------------------------------------------------------------------

    def _saving_changed(self, saving: bool) -> None:
        self.save_button.setEnabled(not saving)

    def _on_save_done(self, _changes: Changes) -> None:
        self.details_saved.emit()
        self.accept()

    def _on_save_failed(self, exc: BaseException) -> None:
        if isinstance(exc, KnownError):
            # The service names the setting first ("page_size must be one of: …").
            fields: tuple[tuple[str, QWidget], ...] = (
                *self.line_edits.items(),
                *self.combos.items(),
                ("timezone", self.zone_picker),
                ("gift_budget", self.budget_edit),
            )
            for key, widget in fields:
                if str(exc).startswith(key):
                    self.show_page("region" if key in REGION_KEYS else "details")
                    widget.setFocus(Qt.FocusReason.OtherFocusReason)
                    break
