"""The gift dialog: record a gift or hospitality while seeing what the contact was already given."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from PySide6.QtCore import QDate, QRegularExpression, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QRegularExpressionValidator, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from relationship_crm.domain import currencies
from relationship_crm.domain.changes import Created
from relationship_crm.domain.errors import InvalidInputError, KnownError
from relationship_crm.domain.records import GiftDraft, GiftView
from relationship_crm.domain.text import clean_line
from relationship_crm.services import gifts, settings
from relationship_crm.services.gifts import describe_repeats, find_repeats
from relationship_crm.ui.callbacks import while_alive
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.dialogs.base import SavingDialog
from relationship_crm.ui.widgets.messages import (
    ERROR_COLOUR,
    WARNING_COLOUR,
    message_label,
    plain_tooltip,
)

DATE_FORMAT = "yyyy-MM-dd"
_HINT_STYLE = "color: palette(placeholder-text);"
#: Offered in the currency box; any other three-letter code can be typed.
CURRENCIES = ("USD", "EUR", "GBP", "CHF", "CAD", "AUD", "JPY", "SEK", "NOK", "DKK")


def format_money(amount: Decimal, currency: str) -> str:
    """ "USD 1,250.00": grouped, two decimals unless the amount has more (never rounded away)."""
    exponent = amount.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < -2 else 2
    return f"{currency} {amount:,.{places}f}"


def format_totals(totals: dict[str, Decimal]) -> str:
    """ "USD 45.50 · EUR 20.00", or "nothing" when empty."""
    if not totals:
        return "nothing"
    return " · ".join(format_money(totals[code], code) for code in sorted(totals))


class GiftDialog(SavingDialog):
    """Owns the form for one new gift to one contact, and the list of what they already got.

    On opening it loads (through `ctx.runner.query`) the contact's earlier gifts and this year's
    totals per currency for the contact and their company, and the default currency. While the
    rep types the item, a warning names earlier gifts with the same item. A bad cost shows an
    inline error at once; saving runs `gifts.add` through `operations.run_write` (which notifies
    its changes), emits `gift_saved` and accepts. Return or Ctrl+Return saves, Esc cancels.
    KnownErrors show in red and the dialog stays open. Works with `show()`/`open()`.

    With `gift_id` it corrects that recorded gift instead (edit mode): the form is filled from it
    once the history is loaded, and saving runs `gifts.update`.

    Signals:
        gift_saved(int): the new (or edited) gift's id, after the write committed.
        history_loaded(): the earlier gifts and totals are shown.
    Lives on the GUI thread.
    """

    gift_saved = Signal(int)
    history_loaded = Signal()

    def __init__(
        self,
        ctx: UiContext,
        contact_id: int,
        contact_name: str,
        parent: QWidget | None = None,
        meeting_id: int | None = None,
        gift_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._gift_id = gift_id
        self._contact_id = contact_id
        self._contact_name = contact_name
        self._meeting_id = meeting_id
        self._history: gifts.GiftHistory | None = None
        self._currency_touched = False
        self._saving = False
        self.setWindowTitle(f"{'Edit gift' if gift_id else 'Gift'} for {contact_name}")
        self.setMinimumWidth(520)
        self._build()
        self._connect_signals()
        self.item_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        year = ctx.today().year
        ctx.runner.query(
            lambda s: gifts.load_history(s, contact_id, year),
            while_alive(self, self._on_history_loaded),
            while_alive(self, self._on_history_failed),
        )

    # --- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.header_label = QLabel(f"Gift or hospitality for {self._contact_name}")
        self.header_label.setTextFormat(Qt.TextFormat.PlainText)  # a name is data, not markup
        font = QFont(self.header_label.font())
        font.setBold(True)
        self.header_label.setFont(font)

        self.item_edit = QLineEdit()
        self.item_edit.setPlaceholderText("e.g. Bottle of wine, Lunch at Nopa, Concert tickets")
        self.repeat_label = message_label(WARNING_COLOUR)
        self.occasion_edit = QLineEdit()
        self.occasion_edit.setPlaceholderText("Optional, e.g. Contract signed, Birthday")

        self.cost_edit = QLineEdit()
        self.cost_edit.setPlaceholderText("Optional, e.g. 45.50")
        self.cost_edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # Wide enough for the whole placeholder (plus the frame and the cursor's margins).
        hint = self.cost_edit.fontMetrics().horizontalAdvance(self.cost_edit.placeholderText())
        self.cost_edit.setMinimumWidth(hint + 24)
        self.cost_edit.setMaximumWidth(max(140, hint + 24))
        self.currency_combo = QComboBox()
        self.currency_combo.setEditable(True)
        self.currency_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.currency_combo.addItems(CURRENCIES)
        self.currency_combo.setValidator(
            QRegularExpressionValidator(QRegularExpression("[A-Za-z]{0,3}"), self)
        )
        self.currency_combo.setAccessibleName("Currency")
        self.currency_combo.setMinimumContentsLength(4)
        self.cost_error_label = message_label(ERROR_COLOUR)
        cost_row = QHBoxLayout()
        cost_row.setContentsMargins(0, 0, 0, 0)
        cost_row.addWidget(self.cost_edit)
        cost_row.addWidget(self.currency_combo)
        cost_row.addStretch(1)
        cost_field = QVBoxLayout()
        cost_field.setSpacing(2)
        cost_field.addLayout(cost_row)
        cost_field.addWidget(self.cost_error_label)
        item_field = QVBoxLayout()
        item_field.setSpacing(2)
        item_field.addWidget(self.item_edit)
        item_field.addWidget(self.repeat_label)

        self.date_edit = QDateEdit()
        self.date_edit.setDisplayFormat(DATE_FORMAT)
        self.date_edit.setCalendarPopup(True)
        today = self._ctx.today()
        self.date_edit.setDate(QDate(today.year, today.month, today.day))
        date_row = QHBoxLayout()
        date_row.setContentsMargins(0, 0, 0, 0)
        date_row.addWidget(self.date_edit)
        date_row.addStretch(1)

        item_label = QLabel("&Item:")
        item_label.setBuddy(self.item_edit)
        cost_label = QLabel("&Cost:")
        cost_label.setBuddy(self.cost_edit)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        date_label = QLabel("&Date:")
        date_label.setBuddy(self.date_edit)
        form.addRow(item_label, item_field)
        form.addRow("&Occasion:", self.occasion_edit)
        form.addRow(cost_label, cost_field)
        form.addRow(date_label, date_row)

        self.history_box = QGroupBox(f"Already given to {self._contact_name}")
        self.history_tree = QTreeWidget()
        self.history_tree.setHeaderLabels(["Date", "Item", "Occasion", "Cost"])
        self.history_tree.setRootIsDecorated(False)
        self.history_tree.setAlternatingRowColors(True)
        self.history_tree.setUniformRowHeights(True)
        self.history_tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.history_tree.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.history_tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.history_tree.setMinimumHeight(self.fontMetrics().lineSpacing() * 8)
        self.empty_label = QLabel("Loading…")
        self.empty_label.setStyleSheet(_HINT_STYLE)
        self.contact_total_label = QLabel()
        self.contact_total_label.setTextFormat(Qt.TextFormat.PlainText)
        self.company_total_label = QLabel()
        self.company_total_label.setTextFormat(Qt.TextFormat.PlainText)
        self.company_total_label.hide()
        history = QVBoxLayout(self.history_box)
        history.addWidget(self.history_tree)
        history.addWidget(self.empty_label)
        history.addWidget(self.contact_total_label)
        history.addWidget(self.company_total_label)

        self.error_label = message_label(ERROR_COLOUR)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Save gift")
        self.ok_button.setToolTip("Save (Return or Ctrl+Return)")
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header_label)
        layout.addLayout(form)
        layout.addWidget(self.history_box, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        chain: tuple[QWidget, ...] = (
            self.item_edit,
            self.occasion_edit,
            self.cost_edit,
            self.currency_combo,
            self.date_edit,
            self.ok_button,
            self.cancel_button,
        )
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self, self._on_save_shortcut_activated)
        self.item_edit.textChanged.connect(self._on_item_edit_changed)
        self.cost_edit.textChanged.connect(self._on_cost_edit_changed)
        line_edit = self.currency_combo.lineEdit()
        if line_edit is not None:
            line_edit.textEdited.connect(self._on_currency_edited)
        self.currency_combo.activated.connect(self._on_currency_edited)

    # --- closing ------------------------------------------------------------------------------

    # --- loading ------------------------------------------------------------------------------

    def _on_history_loaded(self, history: gifts.GiftHistory) -> None:
        self._history = history
        self.history_tree.clear()
        for gift in history.gifts:
            cost = format_money(gift.cost, gift.currency) if gift.cost is not None else ""
            row = QTreeWidgetItem([gift.given_on.isoformat(), gift.item, gift.occasion, cost])
            row.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            row.setToolTip(1, plain_tooltip(gift.item))
            row.setToolTip(2, plain_tooltip(gift.occasion))
            self.history_tree.addTopLevelItem(row)
        self.empty_label.setText("Nothing recorded yet.")
        self.empty_label.setVisible(not history.gifts)
        self.contact_total_label.setText(
            f"Total to {self._contact_name} in {history.year}: "
            f"{format_totals(history.contact_totals)}"
        )
        if history.company_name:
            self.company_total_label.setText(
                f"Total to {history.company_name} (all contacts) in {history.year}: "
                f"{format_totals(history.company_totals)}"
            )
        self.company_total_label.setVisible(bool(history.company_name))
        editing = next((g for g in history.gifts if g.id == self._gift_id), None)
        if self._gift_id is not None and editing is None:
            self._show_error(f"no gift with id {self._gift_id}")
            self.ok_button.setEnabled(False)
        if editing is not None:
            self._fill(editing)
        if not self._currency_touched:
            self._set_currency(history.default_currency)
        self._on_item_edit_changed(self.item_edit.text())
        self.history_loaded.emit()

    def _fill(self, gift: GiftView) -> None:
        self.item_edit.setText(gift.item)
        self.cost_edit.setText(str(gift.cost) if gift.cost is not None else "")
        self._set_currency(gift.currency)
        self._currency_touched = True  # the gift's own currency, not the default
        self.date_edit.setDate(QDate(gift.given_on.year, gift.given_on.month, gift.given_on.day))
        self.occasion_edit.setText(gift.occasion)

    def _on_history_failed(self, exc: BaseException) -> None:
        self.empty_label.setText("Could not load earlier gifts.")
        if isinstance(exc, KnownError):
            self._show_error(str(exc))
            self.ok_button.setEnabled(False)  # e.g. the contact is gone: nothing to save to
        else:
            self._ctx.runner.failed.emit(str(exc), True)

    def _set_currency(self, code: str) -> None:
        index = self.currency_combo.findText(code)
        if index < 0:
            self.currency_combo.insertItem(0, code)
            index = 0
        self.currency_combo.setCurrentIndex(index)

    # --- slots --------------------------------------------------------------------------------

    def _on_item_edit_changed(self, text: str) -> None:
        earlier = [g for g in self._history.gifts if g.id != self._gift_id] if self._history else []
        repeats = find_repeats(text, earlier)
        if not repeats:
            self.repeat_label.hide()
            return
        self.repeat_label.setText(f"⚠ Already given: {describe_repeats(repeats)}")
        self.repeat_label.show()

    def _on_cost_edit_changed(self, text: str) -> None:
        self._parsed_cost(text)

    def _on_currency_edited(self, *_args: object) -> None:
        self._currency_touched = True

    def _on_save_shortcut_activated(self) -> None:
        self._save()

    def _on_buttons_accepted(self) -> None:
        self._save()

    # --- saving -------------------------------------------------------------------------------

    def _parsed_cost(self, text: str) -> tuple[bool, Decimal | None]:
        """(ok, amount): an empty cost is fine (None); a bad one shows its error under the field."""
        if not text.strip():
            self.cost_error_label.hide()
            return True, None
        try:
            amount = gifts.parse_cost(text)
        except InvalidInputError as exc:
            message = str(exc)
            self.cost_error_label.setText(message[:1].upper() + message[1:])
            self.cost_error_label.show()
            return False, None
        self.cost_error_label.hide()
        return True, amount

    def draft(self) -> GiftDraft | None:
        """The gift as typed, or None after showing what needs fixing."""
        self.error_label.hide()
        item = clean_line(self.item_edit.text())
        if not item:
            self._show_error("Say what was given.", self.item_edit)
            return None
        ok, cost = self._parsed_cost(self.cost_edit.text())
        if not ok:
            self.cost_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return None
        try:
            currency = settings.check_currency(self.currency_combo.currentText())
        except InvalidInputError as exc:
            self._show_error(str(exc), self.currency_combo)
            return None
        if cost is not None:
            try:
                currencies.check_amount_places(cost, currency)
            except InvalidInputError as exc:
                message = str(exc)
                self.cost_error_label.setText(message[:1].upper() + message[1:])
                self.cost_error_label.show()
                self.cost_edit.setFocus(Qt.FocusReason.OtherFocusReason)
                return None
        day = self.date_edit.date()
        return GiftDraft(
            contact_id=self._contact_id,
            item=item,
            given_on=date(day.year(), day.month(), day.day()),
            cost=cost,
            currency=currency,
            occasion=self.occasion_edit.text(),
            meeting_id=self._meeting_id,
        )

    def _save(self) -> None:
        if self._saving or not self.ok_button.isEnabled():
            return
        draft = self.draft()
        if draft is None:
            return
        now: datetime = self._ctx.clock()
        gift_id = self._gift_id
        if gift_id is None:
            self._write(lambda s: gifts.add(s, draft, now=now), self._on_save_done)
            return
        self._write(
            lambda s: Created(
                gift_id,
                gifts.update(
                    s,
                    gift_id,
                    item=draft.item,
                    cost=draft.cost,
                    clear_cost=draft.cost is None,
                    currency=draft.currency,
                    given_on=draft.given_on,
                    occasion=draft.occasion,
                ),
            ),
            self._on_save_done,
        )

    def _saving_changed(self, saving: bool) -> None:
        self.ok_button.setEnabled(not saving)

    def _on_save_done(self, created: Created) -> None:
        self.gift_saved.emit(created.id)
        self.accept()
