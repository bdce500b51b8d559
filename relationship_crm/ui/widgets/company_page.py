"""The Companies window's right side (one company: its fields, people and research) and the
questions it asks before a merge or a delete."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from relationship_crm.domain.timefmt import iso_day
from relationship_crm.services.companies import (
    MAX_COMPANY_NAME,
    MAX_WEBSITE,
    CompanyDetails,
    CompanyLinks,
)
from relationship_crm.ui.widgets.messages import plain_tooltip

_HINT_STYLE = "color: palette(placeholder-text);"

#: Asks (title, question, the button that goes ahead) and returns True to go ahead.
Confirm = Callable[[str, str, str], bool]


def count_of(n: int, what: str) -> str:
    """ "1 contact", "2,000 contacts"."""
    return f"{n:,} {what}" if n == 1 else f"{n:,} {what}s"


def delete_question(had: CompanyLinks) -> str:
    """What deleting the company does, in the rep's words."""
    if had.contacts:
        trashed = f" ({had.trashed:,} in the trash)" if had.trashed else ""
        who = f"{count_of(had.contacts, 'contact')}{trashed} will keep no company"
    else:
        who = "It has no contacts"
    gone = [
        count_of(n, what)
        for n, what in ((had.research, "research note"), (had.events, "trigger event"))
        if n
    ]
    about = f"; {' and '.join(gone)} about it will be deleted" if gone else ""
    return f"Delete the company “{had.name}”?\n\n{who}{about}. This cannot be undone."


def merge_question(moving: CompanyLinks, keep: str) -> str:
    """What merging the company `moving` describes into `keep` does."""
    what = moving.describe()
    moves = f"Its {what} will be moved to “{keep}”" if what != "nothing" else "Nothing moves"
    return (
        f"Merge “{moving.name}” into “{keep}”?\n\n{moves}, and “{moving.name}” will be "
        "deleted. This cannot be undone."
    )


def quoted_names(names: Sequence[str]) -> str:
    """ "“A”", "“A” and “B”", "“A”, “B” and “C”"."""
    quoted = [f"“{name}”" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def merge_group_question(moving: Sequence[CompanyLinks], keep: str) -> str:
    """What merging the companies `moving` describes into `keep` does (one of them: as
    `merge_question`)."""
    if len(moving) == 1:
        return merge_question(moving[0], keep)
    names = quoted_names([m.name for m in moving])
    what = CompanyLinks(
        names,
        sum(m.contacts for m in moving),
        sum(m.trashed for m in moving),
        sum(m.research for m in moving),
        sum(m.events for m in moving),
    ).describe()
    moves = f"Their {what} will be moved to “{keep}”" if what != "nothing" else "Nothing moves"
    gone = "both" if len(moving) == 2 else f"all {len(moving)}"
    return (
        f"Merge {names} into “{keep}”?\n\n{moves}, and {gone} will be deleted. "
        "This cannot be undone."
    )


class MergeChooser(QDialog):
    """Which company to keep when merging one: a box of the others, by name."""

    def __init__(self, name: str, others: list[tuple[int, str]], parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Merge company")
        self.setMinimumWidth(420)
        label = QLabel(f"Merge “{name}” into the company you keep:")
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        self.combo = QComboBox()
        self.combo.setAccessibleName("Company to keep")
        self.combo.setMinimumContentsLength(30)
        for company_id, text in others:
            self.combo.addItem(text, company_id)
        label.setBuddy(self.combo)
        hint = QLabel("Its contacts, research and trigger events move there; then it is deleted.")
        hint.setWordWrap(True)
        hint.setStyleSheet(_HINT_STYLE)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Continue…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.combo)
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def chosen(self) -> int | None:
        """The id of the company chosen in the box."""
        data = self.combo.currentData()
        return int(data) if data is not None else None


class CompanyPage(QWidget):
    """One company: its name as a title, Name / Website / Notes to correct with Save and Revert,
    its contacts and research notes (read-only lists), and Merge into… / Delete….

    Holds what was loaded (`details`) to tell whether the fields were edited; the window decides
    what the buttons do (it connects their signals) and when they are enabled (`set_state`).

    Signals:
        edited(): a field's text changed.
        contact_opened(int): a contact was double-clicked (or Enter pressed on it).
    Lives on the GUI thread.
    """

    edited = Signal()
    contact_opened = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("companyPage")
        self.details: CompanyDetails | None = None
        self.title_label = QLabel()
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.title_label.setWordWrap(True)
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(MAX_COMPANY_NAME)
        self.website_edit = QLineEdit()
        self.website_edit.setMaxLength(MAX_WEBSITE)
        self.website_edit.setPlaceholderText("e.g. acme.example (kept as text, never opened)")
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setPlaceholderText("What you know about the company")
        self.notes_edit.setFixedHeight(self.notes_edit.fontMetrics().lineSpacing() * 4 + 14)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, field in (
            ("&Name:", self.name_edit),
            ("&Website:", self.website_edit),
            ("N&otes:", self.notes_edit),
        ):
            label = QLabel(text)
            label.setBuddy(field)  # a buddy turns "&" into the Alt shortcut, not a character
            form.addRow(label, field)
        self.save_button = QPushButton("&Save")
        self.save_button.setToolTip("Save the name, website and notes (Ctrl+S)")
        self.revert_button = QPushButton("Re&vert")
        self.revert_button.setToolTip("Put back what is saved")
        edit_row = QHBoxLayout()
        edit_row.addStretch(1)
        edit_row.addWidget(self.revert_button)
        edit_row.addWidget(self.save_button)

        self.contacts_label = QLabel("&Contacts")
        self.contacts_list = QListWidget()
        self.contacts_list.setObjectName("companyContacts")
        self.contacts_list.setToolTip("Double-click or Enter opens the contact")
        self.contacts_label.setBuddy(self.contacts_list)
        self.research_label = QLabel("&Research notes")
        self.research_list = QListWidget()
        self.research_list.setObjectName("companyResearch")
        self.research_label.setBuddy(self.research_list)
        # A note is read whole, wrapped, not scrolled sideways.
        self.research_list.setWordWrap(True)
        self.research_list.setResizeMode(QListView.ResizeMode.Adjust)
        self.research_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        lists = QHBoxLayout()
        for label, shown in (
            (self.contacts_label, self.contacts_list),
            (self.research_label, self.research_list),
        ):
            shown.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
            shown.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            column = QVBoxLayout()
            column.addWidget(label)
            column.addWidget(shown, 1)
            lists.addLayout(column, 1)

        self.merge_button = QPushButton("&Merge into…")
        self.merge_button.setToolTip(
            "Make this company one with another (two spellings of one name): its contacts, "
            "research and trigger events move to the one you keep"
        )
        self.delete_button = QPushButton("&Delete…")
        self.delete_button.setToolTip("Delete this company (Delete on the list); its people stay")
        actions = QHBoxLayout()
        actions.addWidget(self.merge_button)
        actions.addWidget(self.delete_button)
        actions.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.title_label)
        layout.addLayout(form)
        layout.addLayout(edit_row)
        layout.addLayout(lists, 1)
        layout.addLayout(actions)

        self.name_edit.textChanged.connect(self.edited)
        self.website_edit.textChanged.connect(self.edited)
        self.notes_edit.textChanged.connect(self.edited)
        self.contacts_list.itemActivated.connect(self._on_contact_activated)

    # --- what is shown ------------------------------------------------------------------------

    def show_loading(self, name: str) -> None:
        """A company chosen, its details on their way: its name, nothing to edit yet."""
        self.details = None
        self.title_label.setText(name)
        self.name_edit.setText(name)
        self.website_edit.setText("")
        self.notes_edit.setPlainText("")
        self.contacts_label.setText("&Contacts")
        self.research_label.setText("&Research notes")
        self.contacts_list.clear()
        self.research_list.clear()

    def show_details(self, details: CompanyDetails, zone: ZoneInfo) -> None:
        """The company as loaded; edits typed meanwhile stay in the fields."""
        if not self.is_dirty():
            self.fill_fields(details)
        self.details = details
        self.title_label.setText(details.name)
        self.contacts_label.setText(f"&Contacts ({len(details.contacts):,})")
        self.contacts_list.clear()
        for person in details.contacts:
            text = f"{person.name}, {person.title}" if person.title else person.name
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, person.id)
            item.setToolTip(plain_tooltip(text))
            self.contacts_list.addItem(item)
        if not details.contacts:
            _add_hint(self.contacts_list, "No contacts at this company.")
        self.research_label.setText(f"&Research notes ({len(details.research):,})")
        self.research_list.clear()
        for note in details.research:
            day = iso_day(note.noted_at.astimezone(zone))
            text = " ".join(note.text.split())
            item = QListWidgetItem(f"{day}  {text[:300]}")
            item.setData(Qt.ItemDataRole.UserRole, note.id)
            source = f"\n\nSource: {note.source_url}" if note.source_url else ""
            item.setToolTip(plain_tooltip(note.text[:2000] + source))
            self.research_list.addItem(item)
        if not details.research:
            _add_hint(self.research_list, "No research notes about it.")

    def fill_fields(self, details: CompanyDetails) -> None:
        """Put the saved name, website and notes in the fields."""
        self.name_edit.setText(details.name)
        self.website_edit.setText(details.website)
        self.notes_edit.setPlainText(details.notes)

    def is_dirty(self) -> bool:
        """True when the fields hold edits not yet saved."""
        d = self.details
        return d is not None and (
            self.name_edit.text() != d.name
            or self.website_edit.text() != d.website
            or self.notes_edit.toPlainText() != d.notes
        )

    def set_state(self, *, loaded: bool, can_merge: bool) -> None:
        """Enable what applies: editing once loaded, Save and Revert once edited."""
        # Read-only rather than disabled: the field typed in keeps the focus over a save.
        for field in (self.name_edit, self.website_edit):
            field.setReadOnly(not loaded)
        self.notes_edit.setReadOnly(not loaded)
        dirty = loaded and self.is_dirty()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        self.merge_button.setEnabled(loaded and can_merge)
        self.delete_button.setEnabled(loaded)

    def contacts_shown(self) -> list[str]:
        """The contacts listed."""
        return _listed(self.contacts_list)

    def research_shown(self) -> list[str]:
        """The research notes listed."""
        return _listed(self.research_list)

    def _on_contact_activated(self, item: QListWidgetItem) -> None:
        contact_id = item.data(Qt.ItemDataRole.UserRole)
        if contact_id is not None:
            self.contact_opened.emit(int(contact_id))


def _add_hint(shown: QListWidget, text: str) -> None:
    item = QListWidgetItem(text)
    item.setFlags(Qt.ItemFlag.NoItemFlags)
    shown.addItem(item)


def _listed(shown: QListWidget) -> list[str]:
    items = (shown.item(i) for i in range(shown.count()))
    return [item.text() for item in items if item.data(Qt.ItemDataRole.UserRole) is not None]
