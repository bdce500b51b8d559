"""The Tags window (View → Tags…): every tag with how many contacts carry it, and the rep's
corrections of one: a new name (a typo made one with the right tag) or the tag taken off
everyone."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes, Outcome
from relationship_crm.domain.text import fold
from relationship_crm.services import tags
from relationship_crm.ui.callbacks import while_alive
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.operations import failure_text, report_failure, run_write
from relationship_crm.ui.widgets.company_page import count_of
from relationship_crm.ui.widgets.messages import (
    OutcomeLabels,
    plain_tooltip,
)
from relationship_crm.ui.widgets.name_filter import NameFilter
from relationship_crm.ui.widgets.questions import confirm_destructive

EMPTY_TEXT = "No tags yet — a tag is added when you give a contact one."
#: What a write here changes: the contacts' tags (their list cell, page and the tag filter) and
#: the keep-in-touch rhythms, which the app refreshes with the contacts.
_CHANGED = Changes(contacts=True)

#: Asks (title, question, the button that goes ahead) and returns True to go ahead.
Confirm = Callable[[str, str, str], bool]
#: Asks the new name of the tag named `name`; None when the rep cancels.
AskName = Callable[[str], str | None]


def contacts_text(row: tags.TagRow) -> str:
    """The Contacts cell: "12", or "12 (+1 in the trash)"."""
    trashed = f" (+{row.trashed:,} in the trash)" if row.trashed else ""
    return f"{row.contacts:,}{trashed}"


def merge_question(old: tags.TagRow, into: tags.TagRow) -> str:
    """What renaming `old` to the name of `into` does."""
    return (
        f"“{old.name}” ({count_of(old.contacts, 'contact')}) and “{into.name}” "
        f"({count_of(into.contacts, 'contact')}) will become one tag “{into.name}”; "
        "a contact with both keeps it once."
    )


def delete_question(row: tags.TagRow) -> str:
    """What deleting the tag does, in the rep's words."""
    if row.contacts or row.trashed:
        trashed = f" ({row.trashed:,} in the trash)" if row.trashed else ""
        count = count_of(row.contacts + row.trashed, "contact")
        question = f"Take the tag “{row.name}” off {count}{trashed} and delete it?"
    else:
        question = f"Delete the tag “{row.name}”? No contact has it."
    return question + (" Its keep-in-touch rhythm is deleted too." if row.rhythm else "")


class TagsWindow(QDialog):
    """Owns the list of tags (name, live contacts and those in the trash, rhythm).

    A non-modal window of its own. Loads `tags.list_tags` through `ctx.runner` on construction
    and after `ctx.events.changed` names contacts. Rename… and Delete… act on the selected row
    (never a row Qt made current without selecting it); a new name another tag has asks first,
    as does a deletion. A failure shows the service's line here. Double-click or Enter on a tag
    emits `tag_opened` (the main window filters its contact list by it). The questions go
    through the `confirm` and `ask_name` attributes; tests replace them.

    Signals:
        loaded(): the list shows newly loaded tags.
        tag_opened(str): the rep asked to see the contacts with this tag.
    Lives on the GUI thread; writes go through operations.run_write, which notifies ctx.events.
    """

    loaded = Signal()
    tag_opened = Signal(str)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._rows: list[tags.TagRow] = []
        self._saving = False
        self._wanted: str | None = None  # the tag to select once listed (after a rename)
        self.confirm: Confirm = self._ask_confirmation
        self.ask_name: AskName = self._ask_name
        self.setWindowTitle("Tags")
        self.setObjectName("tagsWindow")
        self.setWindowFlags(
            Qt.WindowType.Window
            | Qt.WindowType.WindowMinMaxButtonsHint
            | Qt.WindowType.WindowCloseButtonHint
        )
        self.setSizeGripEnabled(True)
        self._build()
        self._connect_signals()
        self.setMinimumSize(360, 300)
        self.resize(520, 480)
        self._update_buttons()
        ctx.events.changed.connect(self._on_events_changed)
        self.reload()

    # --- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.table = QTreeWidget()
        self.table.setObjectName("tagsList")
        self.table.setHeaderLabels(["Tag", "Contacts", "Rhythm"])
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setUniformRowHeights(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.headerItem().setToolTip(2, "A keep-in-touch rhythm is set for the tag")
        header = self.table.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.name_filter = NameFilter(
            self.table,
            object_name="tagsFilter",
            empty_text=EMPTY_TEXT,
            none_text=lambda typed: f"No tag contains “{typed}”.",
        )
        self.filter_edit = self.name_filter.edit
        self.empty_label, self.list_stack = self.name_filter.hint, self.name_filter.stack
        filter_label = QLabel("&Filter:")
        filter_label.setBuddy(self.filter_edit)
        filter_row = QHBoxLayout()
        filter_row.addWidget(filter_label)
        filter_row.addWidget(self.filter_edit, 1)

        self.rename_button = QPushButton("&Rename…")
        self.rename_button.setToolTip("Give the selected tag a new name on every contact")
        self.delete_button = QPushButton("&Delete…")
        self.delete_button.setToolTip("Take the selected tag off every contact and delete it")
        action_row = QHBoxLayout()
        action_row.addStretch(1)
        action_row.addWidget(self.rename_button)
        action_row.addWidget(self.delete_button)

        self.outcomes = OutcomeLabels()
        self.done_label, self.error_label = self.outcomes.done, self.outcomes.error
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addLayout(filter_row)
        layout.addWidget(self.list_stack, 1)
        layout.addLayout(action_row)
        layout.addWidget(self.done_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def _connect_signals(self) -> None:
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemActivated.connect(self._on_item_activated)
        self.rename_button.clicked.connect(self.rename_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.buttons.rejected.connect(self.reject)
        # Return in the filter or the list must not press a button (the dialog's default).
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
        chain = (self.filter_edit, self.table, self.rename_button, self.delete_button)
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        QShortcut(QKeySequence.StandardKey.Find, self, self.name_filter.focus)
        QShortcut(
            QKeySequence(Qt.Key.Key_F2),
            self.table,
            self.rename_selected,
            Qt.ShortcutContext.WidgetShortcut,
        )
        QShortcut(
            QKeySequence(Qt.Key.Key_Delete),
            self.table,
            self.delete_selected,
            Qt.ShortcutContext.WidgetShortcut,
        )

    # --- the list -----------------------------------------------------------------------------

    def reload(self) -> None:
        self._ctx.runner.query(
            tags.list_tags,
            while_alive(self, self._on_loaded),
            while_alive(self, self._on_failed),
        )

    def _on_loaded(self, rows: list[tags.TagRow]) -> None:
        self._rows = rows
        keep = fold(self._wanted if self._wanted is not None else self.current_name() or "")
        self._wanted = None
        self.table.blockSignals(True)  # one update of the buttons below, not one per row
        try:
            self.table.clear()
            for row in rows:
                item = QTreeWidgetItem([row.name, contacts_text(row), "yes" if row.rhythm else ""])
                item.setData(0, Qt.ItemDataRole.UserRole, row.name)
                item.setToolTip(0, plain_tooltip(row.name))
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
                self.table.addTopLevelItem(item)
                if keep and fold(row.name) == keep:
                    self.table.setCurrentItem(item)
        finally:
            self.table.blockSignals(False)
        self.name_filter.set_rows_present(bool(rows))
        self._update_buttons()
        self.loaded.emit()

    def _on_failed(self, exc: BaseException) -> None:
        self.outcomes.show_error(failure_text("Not loaded", exc))
        report_failure(self._ctx, exc, shown=True)

    def current_name(self) -> str | None:
        """The tag the rep chose: the selected row. (Qt makes the first row current, without
        selecting it, when the list takes the focus; the actions would then act on a row that
        does not look chosen.)"""
        chosen = self.name_filter.selected_data()
        return None if chosen is None else str(chosen)

    def _current_row(self) -> tags.TagRow | None:
        name = self.current_name()
        return next((r for r in self._rows if r.name == name), None)

    def rows(self) -> list[tuple[str, str, str]]:
        """The rows shown: (tag, contacts, rhythm)."""
        return [(item.text(0), item.text(1), item.text(2)) for item in self.name_filter.shown()]

    def select_tag(self, name: str | None) -> bool:
        """Select the tag named `name` (any case or accents; None: none); False when it is not
        listed."""
        if name is None:
            self.table.clearSelection()
            return True
        found = (i for i in self.name_filter.shown() if fold(i.text(0)) == fold(name))
        item = next(found, None)
        if item is not None:
            self.table.setCurrentItem(item)
        return item is not None

    def _update_buttons(self) -> None:
        chosen = self.current_name() is not None and not self._saving
        self.rename_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    # --- actions ------------------------------------------------------------------------------

    def rename_selected(self) -> None:
        """Ask the selected tag's new name (its name filled in), then rename it."""
        row = self._current_row()
        if row is None or self._saving:
            return
        new = self.ask_name(row.name)
        if new is not None:
            self.rename_to(new)

    def rename_to(self, new: str) -> None:
        """Rename the selected tag to `new`; another tag's name asks first (the two become one).
        The service checks the name: an empty or too long one is its line here."""
        row = self._current_row()
        if row is None or self._saving:
            return
        clean = " ".join(new.split())
        if clean == row.name:
            return  # nothing to change
        other = next(
            (r for r in self._rows if r is not row and fold(r.name) == fold(clean) and clean),
            None,
        )
        if other is not None and not self.confirm(
            "Merge tags", merge_question(row, other), "Merge"
        ):
            return
        self.outcomes.clear()
        old = row.name

        def op(s: Session) -> Outcome[tags.TagChange]:
            return Outcome(tags.rename(s, old, new), _CHANGED)

        def done(outcome: Outcome[tags.TagChange]) -> None:
            change = outcome.value
            if change.merged:
                self.outcomes.show_done(f"Made “{change.old}” one with “{change.new}”.")
            else:
                self.outcomes.show_done(f"Renamed “{change.old}” to “{change.new}”.")
            self._wanted = change.new
            self.reload()

        self._write(op, done, what="Not renamed")

    def delete_selected(self) -> None:
        """Delete the selected tag, once `confirm` agrees to what happens."""
        row = self._current_row()
        if row is None or self._saving:
            return
        if not self.confirm("Delete tag", delete_question(row), "Delete"):
            return
        self.outcomes.clear()
        name = row.name

        def op(s: Session) -> Outcome[tags.TagChange]:
            return Outcome(tags.delete_tag(s, name), _CHANGED)

        def done(outcome: Outcome[tags.TagChange]) -> None:
            self.outcomes.show_done(f"Deleted the tag “{outcome.value.old}”.")
            self.reload()

        self._write(op, done, what="Not deleted")

    def _write(
        self,
        op: Callable[[Session], Outcome[tags.TagChange]],
        on_done: Callable[[Outcome[tags.TagChange]], None],
        *,
        what: str,
    ) -> None:
        run_write(
            self,
            self._ctx,
            op,
            on_done,
            show_error=self.outcomes.show_error,
            what=what,
            set_saving=self._set_saving,
        )

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self._update_buttons()

    # --- messages and questions ---------------------------------------------------------------

    def _ask_confirmation(self, title: str, text: str, action: str) -> bool:
        return confirm_destructive(self, title, text, action)  # tests replace `confirm` instead

    def _ask_name(self, name: str) -> str | None:
        # Tests replace `ask_name` instead.
        new, ok = QInputDialog.getText(
            self, "Rename tag", f"New name for “{name}” on every contact:", text=name
        )
        return new if ok else None

    # --- slots --------------------------------------------------------------------------------

    def _on_item_activated(self, item: QTreeWidgetItem) -> None:
        self.tag_opened.emit(str(item.data(0, Qt.ItemDataRole.UserRole)))

    def _on_events_changed(self, changes: Changes, initiator: object) -> None:
        if initiator is self:
            return  # our own write: reloaded when it finished
        if changes.contacts:
            self.reload()

    # --- closing ------------------------------------------------------------------------------

    def bring_forward(self) -> TagsWindow:
        """Show the window, raised and active."""
        self.show()
        self.raise_()
        self.activateWindow()
        return self

    def reject(self) -> None:
        # Esc, the Close button and the window's close button all come here.
        if self._saving:
            return
        super().reject()
