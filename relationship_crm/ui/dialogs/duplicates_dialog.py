"""Contacts → Find duplicates…: contacts that look like one person, compared and merged."""

from __future__ import annotations

import html
from collections.abc import Sequence
from functools import partial
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.errors import KnownError, NotFoundError
from relationship_crm.domain.records import ContactView, Labeled
from relationship_crm.domain.timefmt import weekday_date
from relationship_crm.services import duplicates
from relationship_crm.services.duplicates import DuplicateGroup
from relationship_crm.ui.callbacks import while_alive
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.dialogs.base import SavingDialog
from relationship_crm.ui.models.delegates import TemplateItemDelegate
from relationship_crm.ui.widgets.messages import ERROR_COLOUR, message_label

#: The list item's data role holding the group's contact ids.
IDS_ROLE = Qt.ItemDataRole.UserRole + 1
#: How much of a contact's notes a card shows.
NOTES_EXCERPT_CHARS = 160
EMPTY_TITLE = "No duplicates found"
EMPTY_HINT = (
    "Contacts count as possible duplicates when they share an email address or a phone number, "
    "or have the same name at the same company."
)
MERGE_HINT = (
    "Merging keeps one contact and adds the others' emails, phones, addresses, tags and notes "
    "to it; their meetings, follow-ups, gifts and thank-you notes move to it too. The others go "
    "to the trash, where they can be restored."
)
_HINT_STYLE = "color: palette(placeholder-text);"
_DONE_COLOUR = "#1e7a46"
_CARD_STYLE = (
    "#duplicateCard { border: 1px solid palette(mid); border-radius: 6px; }"
    '#duplicateCard[kept="true"] { border: 2px solid palette(highlight); }'
)


def group_line(group: DuplicateGroup) -> str:
    """A group on one line: "Jane Doe, J. Doe — same email jane@acme.com"."""
    return f"{', '.join(group.names)} — {group.reason}"


def groups_summary(count: int, skipped: int = 0) -> str:
    """ "3 groups of possible duplicates", with how many the rep skipped."""
    text = f"{count} group{'' if count == 1 else 's'} of possible duplicates"
    if count == 0:
        text = EMPTY_TITLE
    return f"{text} · {skipped} skipped" if skipped else text


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` literally (Qt guesses rich text; contact text is data)."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>" if text else ""


def labeled_lines(items: Sequence[Labeled]) -> str:
    """Emails or phones, one a line, with their label: "jane@acme.com (work)"."""
    return "\n".join(f"{item.value} ({item.label})" if item.label else item.value for item in items)


def notes_excerpt(notes: str) -> str:
    """The start of the notes on one line, cut at NOTES_EXCERPT_CHARS."""
    text = " ".join(notes.split())
    return text if len(text) <= NOTES_EXCERPT_CHARS else text[:NOTES_EXCERPT_CHARS].rstrip() + "…"


#: The detail rows of the comparison: (key, caption).
DETAIL_ROWS: tuple[tuple[str, str], ...] = (
    ("company", "Company"),
    ("title", "Title"),
    ("emails", "Emails"),
    ("phones", "Phones"),
    ("stage", "Stage"),
    ("tags", "Tags"),
    ("notes", "Notes"),
)
#: Grid rows above the details: the keep choice, the merge choice, the name, when added.
_KEEP_ROW, _MERGE_ROW, _NAME_ROW, _ADDED_ROW = range(4)
_FIRST_DETAIL_ROW = 4
_CELL_MARGINS = (10, 3, 10, 3)
#: The narrowest a contact's column gets before the comparison scrolls sideways.
CARD_MIN_WIDTH = 230


def detail_texts(contact: ContactView) -> dict[str, str]:
    """What the comparison shows of a contact, by DETAIL_ROWS key ("" when there is none)."""
    return {
        "company": contact.company,
        "title": contact.title,
        "emails": labeled_lines(contact.emails),
        "phones": labeled_lines(contact.phones),
        "stage": contact.stage.capitalize(),
        "tags": ", ".join(contact.tags),
        "notes": notes_excerpt(contact.notes),
    }


def _value_label(text: str, parent: QWidget) -> QLabel:
    """A cell of the comparison: plain text (contact text is data), wrapping, selectable."""
    label = QLabel(text or "—", parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setContentsMargins(*_CELL_MARGINS)
    if not text:
        label.setStyleSheet(_HINT_STYLE)
    return label


class ContactCard:
    """One contact's column in the comparison grid: a framed column with "Keep this contact",
    "Merge into the kept one", the name, when it was added, and its details as plain text.

    Not a widget of its own: its widgets sit in the dialog's grid, so the rows of every contact
    line up (Emails beside Emails) however many lines a value takes. The dialog owns the radio
    (in its exclusive button group) and reads the checkbox.
    """

    def __init__(self, contact: ContactView, added: str, parent: QWidget) -> None:
        self.contact = contact
        self.frame = QFrame(parent)
        self.frame.setObjectName("duplicateCard")
        self.frame.setStyleSheet(_CARD_STYLE)

        # Buttons ignore contents margins: each sits in a row widget of its own.
        self.keep_row = QWidget(parent)
        self.keep_radio = QRadioButton("Keep this contact", self.keep_row)
        self.keep_radio.setAccessibleName(f"Keep {contact.name}")
        keep_row = QHBoxLayout(self.keep_row)
        keep_row.setContentsMargins(_CELL_MARGINS[0], 10, _CELL_MARGINS[2], _CELL_MARGINS[3])
        keep_row.addWidget(self.keep_radio)
        keep_row.addStretch(1)
        # The merge row: the checkbox, or for the kept contact a note in its place.
        self.choices = QWidget(parent)
        self.merge_check = QCheckBox("Merge into the kept one", self.choices)
        self.merge_check.setChecked(True)
        self.merge_check.setAccessibleName(f"Merge {contact.name}")
        self.kept_label = QLabel("The others merge into this one", self.choices)
        self.kept_label.setStyleSheet(_HINT_STYLE)
        self.kept_label.hide()
        merge_row = QHBoxLayout(self.choices)
        merge_row.setContentsMargins(*_CELL_MARGINS)
        merge_row.addWidget(self.merge_check)
        merge_row.addWidget(self.kept_label)
        merge_row.addStretch(1)

        self.name_label = _value_label(contact.name, parent)
        bold = QFont(self.name_label.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.1)
        self.name_label.setFont(bold)
        self.added_label = _value_label(added, parent)
        self.added_label.setStyleSheet(_HINT_STYLE)

        self.value_labels: dict[str, QLabel] = {}
        for key, text in detail_texts(contact).items():
            label = _value_label(text, parent)
            if key == DETAIL_ROWS[-1][0]:
                left, top, right, _bottom = _CELL_MARGINS
                label.setContentsMargins(left, top, right, 10)  # room above the frame's edge
            if key == "notes" and contact.notes:
                label.setToolTip(plain_tooltip(contact.notes[:2000]))
            self.value_labels[key] = label

    def place(self, grid: QGridLayout, column: int) -> None:
        """Put the column's widgets in `grid` (the frame first, so it is drawn behind them)."""
        rows = _FIRST_DETAIL_ROW + len(DETAIL_ROWS)
        grid.addWidget(self.frame, 0, column, rows, 1)
        grid.addWidget(self.keep_row, _KEEP_ROW, column)
        grid.addWidget(self.choices, _MERGE_ROW, column)
        grid.addWidget(self.name_label, _NAME_ROW, column)
        grid.addWidget(self.added_label, _ADDED_ROW, column)
        for row, (key, _caption) in enumerate(DETAIL_ROWS, start=_FIRST_DETAIL_ROW):
            grid.addWidget(self.value_labels[key], row, column)
        # Shown now: a layout shows the widgets it gets in a visible window only later (queued).
        self.frame.show()
        for widget in self.widgets():
            widget.show()
            widget.raise_()

    def widgets(self) -> list[QWidget]:
        """Every widget of the column but the frame, top to bottom."""
        return [
            self.keep_row,
            self.choices,
            self.name_label,
            self.added_label,
            *self.value_labels.values(),
        ]

    def set_kept(self, kept: bool) -> None:
        """Mark this column as the contact kept: highlighted, and nothing to merge."""
        self.merge_check.setVisible(not kept)
        self.kept_label.setVisible(kept)
        self.frame.setProperty("kept", kept)
        style = self.frame.style()
        style.unpolish(self.frame)
        style.polish(self.frame)

    def will_merge(self) -> bool:
        return not self.keep_radio.isChecked() and self.merge_check.isChecked()

    def delete(self) -> None:
        for widget in (self.frame, *self.widgets()):
            widget.hide()
            widget.deleteLater()


class DuplicatesDialog(SavingDialog):
    """Owns the review of possible duplicate contacts: the groups on the left, one group's
    contacts side by side on the right, and merging them.

    Lists `duplicates.find_duplicates` (read through `ctx.runner.query`) on opening, after a
    merge, and when `ctx.events.changed` reports contacts changed by someone else. Choosing a
    group reads its contacts (`contacts.get`) and shows them as cards: details as plain text, a
    "Keep this contact" choice (the first, oldest, by default) and "Merge into the kept one" for
    each other (all by default). Merge runs `duplicates.merge_contacts` through `_write` (which
    notifies its changes), and relists (the next group is selected). Not
    duplicates skips the group for as long as the dialog is open (nothing is stored). An empty
    list shows "No duplicates found".

    Signals:
        groups_loaded(): the list of groups was (re)read and is shown.
        group_shown(object): the cards of a group are shown; the group's contact ids (tuple).
        merged(int, object): contacts were merged; the kept id and the merged ids (tuple).
    Lives on the GUI thread; database work runs on the runner's thread.
    """

    groups_loaded = Signal()
    group_shown = Signal(object)
    merged = Signal(int, object)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._groups: list[DuplicateGroup] = []
        self._skipped: set[tuple[int, ...]] = set()
        self._loaded = False
        self._load_serial = 0
        self._details_serial = 0
        self._shown_ids: tuple[int, ...] | None = None
        self._wanted_row = 0
        self._syncing_list = False  # the list is being refilled by the dialog itself
        self.cards: list[ContactCard] = []
        self._keep_group = QButtonGroup(self)
        self._keep_group.setExclusive(True)
        self.setWindowTitle("Find duplicates")
        self.setWindowFlags(
            Qt.WindowType.Dialog
            | Qt.WindowType.WindowMaximizeButtonHint
            | Qt.WindowType.WindowCloseButtonHint
        )
        self.setSizeGripEnabled(True)
        self._build()
        self._connect_signals()
        self.resize(980, 620)
        self._update_state()
        self.refresh()

    # --- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.summary_label = QLabel("Looking for duplicates…")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        bold = QFont(self.summary_label.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.1)
        self.summary_label.setFont(bold)

        self.group_list = QListWidget()
        self.group_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.group_list.setAlternatingRowColors(True)
        self.group_list.setUniformItemSizes(True)
        self.group_list.setItemDelegate(TemplateItemDelegate(self.group_list))
        self.group_list.setAccessibleName("Groups of possible duplicates")
        list_label = QLabel("&Groups:")
        list_label.setBuddy(self.group_list)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(list_label)
        left_layout.addWidget(self.group_list, 1)

        self.reason_label = QLabel()
        self.reason_label.setTextFormat(Qt.TextFormat.PlainText)
        self.reason_label.setWordWrap(True)
        self.cards_box = QWidget()
        self.cards_grid = QGridLayout(self.cards_box)
        self.cards_grid.setContentsMargins(0, 0, 0, 0)
        self.cards_grid.setHorizontalSpacing(10)
        self.cards_grid.setVerticalSpacing(0)
        self.captions: list[QLabel] = []
        for row, (_key, caption) in enumerate(DETAIL_ROWS, start=_FIRST_DETAIL_ROW):
            label = QLabel(caption)
            label.setStyleSheet(_HINT_STYLE)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            label.setContentsMargins(0, _CELL_MARGINS[1], 0, _CELL_MARGINS[3])
            self.cards_grid.addWidget(label, row, 0)
            self.captions.append(label)
        # Below the details, the spare height: the columns stay at the top.
        self.cards_grid.setRowStretch(_FIRST_DETAIL_ROW + len(DETAIL_ROWS), 1)
        self.cards_scroll = QScrollArea()
        self.cards_scroll.setWidgetResizable(True)
        self.cards_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.cards_scroll.setWidget(self.cards_box)
        self.plan_label = QLabel()
        self.plan_label.setTextFormat(Qt.TextFormat.PlainText)
        self.plan_label.setWordWrap(True)
        self.hint_label = QLabel(MERGE_HINT)
        self.hint_label.setTextFormat(Qt.TextFormat.PlainText)
        self.hint_label.setWordWrap(True)
        self.hint_label.setStyleSheet(_HINT_STYLE)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.reason_label)
        right_layout.addSpacing(4)
        right_layout.addWidget(self.cards_scroll, 1)
        right_layout.addWidget(self.plan_label)
        right_layout.addWidget(self.hint_label)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([300, 660])

        self.empty_title = QLabel(EMPTY_TITLE)
        self.empty_title.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title_font = QFont(self.empty_title.font())
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.3)
        self.empty_title.setFont(title_font)
        self.empty_hint = QLabel(EMPTY_HINT)
        self.empty_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setStyleSheet(_HINT_STYLE)
        self.empty_page = QWidget()
        empty_layout = QVBoxLayout(self.empty_page)
        empty_layout.setContentsMargins(48, 24, 48, 24)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty_title)
        empty_layout.addSpacing(8)
        empty_layout.addWidget(self.empty_hint)
        empty_layout.addStretch(2)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.splitter)
        self.stack.addWidget(self.empty_page)

        self.error_label = message_label(ERROR_COLOUR)
        self.done_label = message_label(_DONE_COLOUR)

        self.merge_button = QPushButton("&Merge")
        self.merge_button.setToolTip("Merge the checked contacts into the one kept")
        self.skip_button = QPushButton("&Not duplicates")
        self.skip_button.setToolTip("Leave this group as it is and go to the next")
        self.close_button = QPushButton("Close")
        # Return in the list must not merge: no button is the default.
        for button in (self.merge_button, self.skip_button, self.close_button):
            button.setAutoDefault(False)
            button.setDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.done_label, 1)
        buttons.addStretch(1)  # while the message is hidden
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.merge_button)
        buttons.addSpacing(12)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)

    def _connect_signals(self) -> None:
        self.group_list.currentItemChanged.connect(self._on_list_current_changed)
        self.merge_button.clicked.connect(self.merge)
        self.skip_button.clicked.connect(self.skip_group)
        self.close_button.clicked.connect(self.reject)
        self._keep_group.idToggled.connect(self._on_keep_toggled)
        self._ctx.events.changed.connect(self._on_events_changed)

    # --- public -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Look for duplicates again (the selection stays at the same row)."""
        self._load_serial += 1
        serial = self._load_serial
        self._ctx.runner.query(
            duplicates.find_duplicates,
            while_alive(self, partial(self._on_groups_loaded, serial)),
            while_alive(self, self._on_load_failed),
        )

    def groups(self) -> list[DuplicateGroup]:
        """The groups listed, in order (skipped ones left out)."""
        return list(self._groups)

    def group_texts(self) -> list[str]:
        """Each listed group on one line, as screen readers hear it."""
        return [group_line(group) for group in self._groups]

    def current_ids(self) -> tuple[int, ...] | None:
        """The contact ids of the group whose cards are shown."""
        return self._shown_ids

    def select_group(self, row: int) -> None:
        self.group_list.setCurrentRow(row)

    def card(self, contact_id: int) -> ContactCard:
        """The card of a contact of the group shown."""
        for card in self.cards:
            if card.contact.id == contact_id:
                return card
        raise KeyError(contact_id)

    def kept_id(self) -> int | None:
        """The contact that Merge keeps."""
        return next((c.contact.id for c in self.cards if c.keep_radio.isChecked()), None)

    def merged_ids(self) -> tuple[int, ...]:
        """The contacts that Merge folds into the kept one."""
        return tuple(card.contact.id for card in self.cards if card.will_merge())

    def keep(self, contact_id: int) -> None:
        """Choose the contact to keep, as clicking its "Keep this contact" does."""
        self.card(contact_id).keep_radio.setChecked(True)

    def merge(self) -> None:
        """Merge the checked contacts into the kept one (through the runner)."""
        keep, others = self.kept_id(), self.merged_ids()
        if self._saving or keep is None or not others:
            return
        now = self._ctx.clock()
        self.error_label.hide()
        self.done_label.hide()
        names = {card.contact.id: card.contact.name for card in self.cards}
        self._write(
            lambda s: duplicates.merge_contacts(s, keep, others, now=now),
            partial(self._on_merged, keep, others, names),
            what="Not merged",
        )

    def skip_group(self) -> None:
        """Not duplicates: leave the group alone (while the dialog is open) and show the next."""
        row = self.group_list.currentRow()
        if self._saving or not 0 <= row < len(self._groups):
            return
        self._skipped.add(self._groups[row].contact_ids)
        self.done_label.hide()
        self._wanted_row = row
        self._show_groups([g for g in self._groups if g.contact_ids not in self._skipped])

    # --- loading ------------------------------------------------------------------------------

    def _on_groups_loaded(self, serial: int, found: list[DuplicateGroup]) -> None:
        if serial != self._load_serial:
            return  # a newer search is on its way
        self._loaded = True
        self._show_groups([g for g in found if g.contact_ids not in self._skipped])
        self.groups_loaded.emit()

    def _on_load_failed(self, exc: BaseException) -> None:
        self._loaded = True
        self.summary_label.setText("Could not look for duplicates.")
        if isinstance(exc, KnownError):
            self._show_error(f"Could not look for duplicates: {exc}")
        else:
            self._ctx.runner.failed.emit(str(exc), True)
        self._update_state()

    def _show_groups(self, groups: list[DuplicateGroup]) -> None:
        self._groups = groups
        row = min(self._wanted_row, len(groups) - 1)
        self._syncing_list = True
        self.group_list.blockSignals(True)
        try:
            self.group_list.clear()
            for group in groups:
                item = QListWidgetItem(f"{', '.join(group.names)}\n{group.reason}")
                item.setData(IDS_ROLE, group.contact_ids)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, group_line(group))
                item.setToolTip(plain_tooltip(group_line(group)))
                self.group_list.addItem(item)
        finally:
            self.group_list.blockSignals(False)
        self.summary_label.setText(groups_summary(len(groups), len(self._skipped)))
        self.summary_label.setVisible(bool(groups))  # the empty page says it in the middle
        if groups:
            self.stack.setCurrentWidget(self.splitter)
            try:
                self.group_list.setCurrentRow(row)  # loads its cards (the list was cleared)
            finally:
                self._syncing_list = False
        else:
            self._syncing_list = False
            self._shown_ids = None
            self._clear_cards()
            if self._skipped:
                skipped = len(self._skipped)
                self.empty_title.setText("No more possible duplicates")
                self.empty_hint.setText(
                    f"{skipped} group{'' if skipped == 1 else 's'} skipped with Not duplicates; "
                    f"{'they show' if skipped > 1 else 'it shows'} again the next time you look."
                )
            else:
                self.empty_title.setText(EMPTY_TITLE)
                self.empty_hint.setText(EMPTY_HINT)
            self.stack.setCurrentWidget(self.empty_page)
        self._update_state()

    def _load_details(self, row: int) -> None:
        if not 0 <= row < len(self._groups):
            return
        group = self._groups[row]
        if group.contact_ids == self._shown_ids:
            return
        self._details_serial += 1
        serial = self._details_serial
        ids = group.contact_ids
        self._ctx.runner.query(
            lambda s: duplicates.load_group(s, ids),
            while_alive(self, partial(self._on_details_loaded, serial, group)),
            while_alive(self, partial(self._on_details_failed, serial)),
        )

    def _on_details_loaded(
        self, serial: int, group: DuplicateGroup, found: tuple[ContactView, ...]
    ) -> None:
        if serial != self._details_serial:
            return  # the rep already chose another group
        self._clear_cards()
        self._shown_ids = group.contact_ids
        self.reason_label.setText(
            f"These {len(found)} contacts may be one person: {group.reason}. "
            "Choose the one to keep and which others to merge into it."
        )
        today = self._ctx.today()
        zone = ZoneInfo(self._ctx.zone)
        for contact in found:
            added = ""
            if contact.created_at is not None:
                added = (
                    f"Added {weekday_date(contact.created_at.astimezone(zone).date(), today=today)}"
                )
            card = ContactCard(contact, added, self.cards_box)
            column = len(self.cards) + 1
            card.place(self.cards_grid, column)
            self.cards_grid.setColumnStretch(column, 1)
            self.cards_grid.setColumnMinimumWidth(column, CARD_MIN_WIDTH)
            self._keep_group.addButton(card.keep_radio, len(self.cards))
            card.merge_check.toggled.connect(self._on_merge_toggled)
            self.cards.append(card)
        for caption in self.captions:
            caption.setVisible(bool(self.cards))
        if self.cards:
            self.cards[0].keep_radio.setChecked(True)  # the oldest, by default
        chain: list[QWidget] = [self.group_list]
        for card in self.cards:
            chain += [card.keep_radio, card.merge_check]
        chain += [self.skip_button, self.merge_button, self.close_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self._update_state()
        self.group_shown.emit(group.contact_ids)

    def _on_details_failed(self, serial: int, exc: BaseException) -> None:
        if serial != self._details_serial:
            return
        if isinstance(exc, NotFoundError):
            self.refresh()  # a contact went to the trash meanwhile: the group has changed
        elif isinstance(exc, KnownError):
            self._show_error(f"Could not show these contacts: {exc}")
        else:
            self._ctx.runner.failed.emit(str(exc), True)

    def _clear_cards(self) -> None:
        for column, card in enumerate(self.cards, start=1):
            self._keep_group.removeButton(card.keep_radio)
            for widget in (card.frame, *card.widgets()):
                self.cards_grid.removeWidget(widget)
            card.delete()
            self.cards_grid.setColumnStretch(column, 0)
            self.cards_grid.setColumnMinimumWidth(column, 0)
        self.cards = []
        for caption in self.captions:
            caption.hide()
        self.reason_label.clear()
        self.plan_label.clear()

    # --- merging ------------------------------------------------------------------------------

    def _on_merged(
        self, keep: int, others: tuple[int, ...], names: dict[int, str], _changes: Changes
    ) -> None:
        merged = ", ".join(names.get(cid, "") for cid in others)
        self.done_label.setText(f"Merged {merged} into {names.get(keep, '')}.")
        self.done_label.show()
        self.merged.emit(keep, others)
        self._wanted_row = max(0, self.group_list.currentRow())
        self._shown_ids = None
        self.refresh()

    def _saving_changed(self, saving: bool) -> None:
        self._update_state()

    # --- slots --------------------------------------------------------------------------------

    def _on_list_current_changed(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        if current is None:
            return
        if not self._syncing_list:
            self.done_label.hide()  # the rep moved on from the merge it reports
        self._load_details(self.group_list.row(current))

    def _on_keep_toggled(self, _id: int, _checked: bool) -> None:
        for card in self.cards:
            card.set_kept(card.keep_radio.isChecked())
        self._update_state()

    def _on_merge_toggled(self, _checked: bool) -> None:
        self._update_state()

    def _on_events_changed(self, changes: Changes, initiator: object) -> None:
        # A closed dialog (kept by its parent until the window goes) does not search again.
        if changes.contacts and initiator is not self and not self._saving and self.isVisible():
            self._wanted_row = max(0, self.group_list.currentRow())
            self._shown_ids = None
            self.refresh()

    # --- state --------------------------------------------------------------------------------

    def _update_state(self) -> None:
        idle = not self._saving
        keep, others = self.kept_id(), self.merged_ids()
        has_group = bool(self._groups) and self._shown_ids is not None
        self.merge_button.setEnabled(idle and has_group and keep is not None and bool(others))
        self.skip_button.setEnabled(idle and bool(self._groups))
        listed = bool(self._groups) or not self._loaded
        self.merge_button.setVisible(listed)
        self.skip_button.setVisible(listed)
        self.group_list.setEnabled(idle)
        self.cards_box.setEnabled(idle)
        if not has_group or keep is None:
            self.plan_label.clear()
            return
        names = {card.contact.id: card.contact.name for card in self.cards}
        if not others:
            self.plan_label.setText("Check at least one other contact to merge it.")
        else:
            merged = ", ".join(names[cid] for cid in others)
            self.plan_label.setText(
                f"Merge keeps {names[keep]} and folds {merged} into it; "
                f"{'they go' if len(others) > 1 else 'it goes'} to the trash."
            )
