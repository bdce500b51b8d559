"""The Companies window (View → Companies…): every company with its number of contacts, and the
rep's corrections of one: a new name, website or notes, two spellings made one, one deleted."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes, Outcome
from relationship_crm.domain.errors import NotFoundError
from relationship_crm.scheduling.zones import get_zone
from relationship_crm.services import companies
from relationship_crm.ui.callbacks import while_alive
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.dialogs.company_lookalikes import LookalikesDialog
from relationship_crm.ui.operations import R, failure_text, report_failure, run_write
from relationship_crm.ui.widgets.company_page import (
    CompanyPage,
    Confirm,
    MergeChooser,
    count_of,
    delete_question,
    merge_question,
)
from relationship_crm.ui.widgets.messages import (
    OutcomeLabels,
    plain_tooltip,
)
from relationship_crm.ui.widgets.name_filter import NameFilter
from relationship_crm.ui.widgets.questions import Choice, confirm_destructive, save_discard_cancel

EMPTY_TEXT = "No companies yet — a company is added when you give a contact one."
NO_CHOICE_TEXT = "Choose a company on the left to see its people and correct it."
_HINT_STYLE = "color: palette(placeholder-text);"
#: What a write here may change besides the companies: the contacts show their company's name.
_RENAMED = Changes(contacts=True, companies=True)
_MOVED = Changes(contacts=True, companies=True, research=True, trigger_events=True)

#: Asks which company to keep when `name` is merged: (name, [(id, label)]) -> id or None.
ChooseKeep = Callable[[str, list[tuple[int, str]]], int | None]


class CompaniesWindow(QDialog):
    """Owns the list of companies (name, live contacts) and the page of the selected one.

    A non-modal window of its own. Loads `companies.list_companies` through `ctx.runner` on
    construction and after `ctx.events.changed` names companies, contacts or research; the page
    loads `companies.get`. The page's Name, Website and Notes are saved with Save (Ctrl+S) and
    put back with Revert; another company's name is refused by the service, its line shown here
    with a button that merges the two instead. Merge into… and Delete… act on the selected row
    (never a row Qt made current without selecting it) and say first what moves or goes
    (`companies.links`). Double-click or Enter on a contact opens it in the main window
    (`AppEvents.contact_opened`). Look-alikes… opens `LookalikesDialog`, whose merges reload
    the list through ctx.events. Leaving a page with unsaved edits (another row, closing) asks
    Save / Discard / Cancel. The questions go through the `confirm`, `choose_keep` and
    `ask_unsaved` attributes; tests replace them.

    Signals:
        loaded(): the list shows newly loaded companies.
        page_loaded(): the page shows the selected company as loaded.
    Lives on the GUI thread; writes go through operations.run_write, which notifies ctx.events.
    """

    loaded = Signal()
    page_loaded = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._rows: list[companies.CompanyRow] = []
        self._page_id: int | None = None  # the company the page is for (loaded or on its way)
        self._page_serial = 0
        self._wanted: int | None = None  # to select once listed (after a merge)
        self._restoring = False  # selection changes made by the window itself
        self._saving = False
        self._collision: int | None = None  # the company whose name a rename ran into
        self.lookalikes: LookalikesDialog | None = None
        self.confirm: Confirm = self._ask_confirmation
        self.choose_keep: ChooseKeep = self._ask_keep
        self.ask_unsaved: Callable[[str], Choice] = self._ask_unsaved
        self.setWindowTitle("Companies")
        self.setObjectName("companiesWindow")
        self.setWindowFlags(
            Qt.WindowType.Window
            | Qt.WindowType.WindowMinMaxButtonsHint
            | Qt.WindowType.WindowCloseButtonHint
        )
        self.setSizeGripEnabled(True)
        self._build()
        self._connect_signals()
        self.resize(1000, 620)
        self._show_page(None)
        ctx.events.changed.connect(self._on_events_changed)
        self.reload()

    # --- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.table = QTreeWidget()
        self.table.setObjectName("companiesList")
        self.table.setHeaderLabels(["Company", "Contacts"])
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setUniformRowHeights(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        # Leaving a row may ask about unsaved edits: the filter keeps a hidden row selected.
        self.name_filter = NameFilter(
            self.table,
            object_name="companiesFilter",
            empty_text=EMPTY_TEXT,
            none_text=lambda typed: f"No company name contains “{typed}”.",
            deselect_hidden=False,
        )
        self.filter_edit = self.name_filter.edit
        self.empty_label, self.list_stack = self.name_filter.hint, self.name_filter.stack
        filter_label = QLabel("&Filter:")
        filter_label.setBuddy(self.filter_edit)
        filter_row = QHBoxLayout()
        filter_row.addWidget(filter_label)
        filter_row.addWidget(self.filter_edit, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filter_row)
        left_layout.addWidget(self.list_stack, 1)
        self.lookalikes_button = QPushButton("&Look-alikes…")
        self.lookalikes_button.setToolTip(
            "Companies whose names differ only in case, accents, punctuation or a legal form "
            "(Inc., GmbH…), to merge each group into one"
        )
        lookalikes_row = QHBoxLayout()
        lookalikes_row.addWidget(self.lookalikes_button)
        lookalikes_row.addStretch(1)
        left_layout.addLayout(lookalikes_row)

        self.page_stack = QStackedWidget()
        self.no_choice_label = QLabel(NO_CHOICE_TEXT)
        self.no_choice_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_choice_label.setWordWrap(True)
        self.no_choice_label.setStyleSheet(_HINT_STYLE + " padding: 24px;")
        self.page_stack.addWidget(self.no_choice_label)
        self.page = CompanyPage()
        self.page_stack.addWidget(self.page)
        # The page's parts, under the names the tests use.
        self.title_label, self.name_edit = self.page.title_label, self.page.name_edit
        self.website_edit, self.notes_edit = self.page.website_edit, self.page.notes_edit
        self.save_button, self.revert_button = self.page.save_button, self.page.revert_button
        self.contacts_list, self.research_list = self.page.contacts_list, self.page.research_list
        self.merge_button, self.delete_button = self.page.merge_button, self.page.delete_button

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.page_stack)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([360, 600])

        self.outcomes = OutcomeLabels()
        self.done_label, self.error_label = self.outcomes.done, self.outcomes.error
        self.merge_offer_button = QPushButton()
        self.merge_offer_button.hide()
        error_row = QHBoxLayout()
        error_row.addWidget(self.error_label, 1)
        error_row.addWidget(self.merge_offer_button, 0, Qt.AlignmentFlag.AlignTop)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.done_label)
        layout.addLayout(error_row)
        layout.addWidget(self.buttons)

    def _connect_signals(self) -> None:
        self.table.itemSelectionChanged.connect(self._on_selection_changed)
        self.page.edited.connect(self._update_buttons)
        self.name_edit.returnPressed.connect(self._on_save_clicked)
        self.website_edit.returnPressed.connect(self._on_save_clicked)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.revert_button.clicked.connect(self.revert)
        self.merge_button.clicked.connect(self.merge_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.merge_offer_button.clicked.connect(self._on_merge_offer_clicked)
        self.lookalikes_button.clicked.connect(self.show_lookalikes)
        self.page.contact_opened.connect(self._ctx.events.contact_opened)
        self.buttons.rejected.connect(self.reject)
        # Return in a field or the list must not press a button (the dialog's default).
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
        chain: tuple[QWidget, ...] = (
            self.filter_edit,
            self.table,
            self.lookalikes_button,
            self.name_edit,
            self.website_edit,
            self.notes_edit,
            self.revert_button,
            self.save_button,
            self.contacts_list,
            self.research_list,
            self.merge_button,
            self.delete_button,
        )
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        QShortcut(QKeySequence.StandardKey.Save, self, self._on_save_clicked)
        QShortcut(QKeySequence.StandardKey.Find, self, self.name_filter.focus)
        QShortcut(
            QKeySequence(Qt.Key.Key_Delete),
            self.table,
            self.delete_selected,
            Qt.ShortcutContext.WidgetShortcut,
        )

    # --- the list -----------------------------------------------------------------------------

    def reload(self) -> None:
        self._ctx.runner.query(
            companies.list_companies,
            while_alive(self, self._on_loaded),
            while_alive(self, self._on_failed),
        )

    def _on_loaded(self, rows: list[companies.CompanyRow]) -> None:
        self._rows = rows
        keep = self._wanted if self._wanted is not None else self._page_id
        self._wanted = None
        self._restoring = True
        try:
            self.table.clear()
            for row in rows:
                item = QTreeWidgetItem([row.name, f"{row.contact_count:,}"])
                item.setData(0, Qt.ItemDataRole.UserRole, row.id)
                item.setToolTip(0, plain_tooltip(row.name))
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
                self.table.addTopLevelItem(item)
                if row.id == keep:
                    self.table.setCurrentItem(item)
        finally:
            self._restoring = False
        self.name_filter.set_rows_present(bool(rows))
        # With nothing listed the hint gets the whole window rather than a third of it.
        self.page_stack.setVisible(bool(rows))
        chosen = self.current_id()
        if chosen != self._page_id or chosen is None:
            self._show_page(chosen)  # the company went (merged, deleted) or one to select
        elif not self._saving:
            self._load_page(chosen)  # its contacts or research may have changed
        self.loaded.emit()

    def _on_failed(self, exc: BaseException) -> None:
        self.outcomes.show_error(failure_text("Not loaded", exc))
        report_failure(self._ctx, exc, shown=True)

    def _item_of(self, company_id: int | None) -> QTreeWidgetItem | None:
        found = (
            i for i in self.name_filter.items() if i.data(0, Qt.ItemDataRole.UserRole) == company_id
        )
        return next(found, None)

    def current_id(self) -> int | None:
        """The company the rep chose: the selected row. (Qt makes the first row current, without
        selecting it, when the list takes the focus; the actions would then act on a row that
        does not look chosen.)"""
        chosen = self.name_filter.selected_data()
        return None if chosen is None else int(str(chosen))

    def rows(self) -> list[tuple[str, str]]:
        """The rows shown: (name, number of contacts)."""
        return [(item.text(0), item.text(1)) for item in self.name_filter.shown()]

    def select_company(self, company_id: int | None) -> bool:
        """Select this company (None: none); False when it is not listed or the rep stayed on
        unsaved edits."""
        if company_id is None:
            self.table.clearSelection()
            return self._page_id is None
        item = self._item_of(company_id)
        if item is None:
            return False
        self.table.setCurrentItem(item)
        return self._page_id == company_id

    def _select_quietly(self, company_id: int | None) -> None:
        """Select the row of `company_id` (or none) without asking anything."""
        self._restoring = True
        try:
            self.table.clearSelection()
            item = self._item_of(company_id)
            if item is not None:
                self.table.setCurrentItem(item)
        finally:
            self._restoring = False

    def _on_selection_changed(self) -> None:
        if self._restoring:
            return
        chosen = self.current_id()
        if chosen == self._page_id:
            self._update_buttons()
            return
        staying = self._page_id
        if not self._settle_unsaved(then=partial(self.select_company, chosen)):
            self._select_quietly(staying)
            # A mouse press goes on to select the clicked row after this slot: undo it then.
            QTimer.singleShot(0, self, lambda: self._select_quietly(self._page_id))
            return
        self._show_page(chosen)

    # --- the page -----------------------------------------------------------------------------

    def _show_page(self, company_id: int | None) -> None:
        self._page_id = company_id
        self._collision = None
        self.merge_offer_button.hide()
        self.error_label.hide()
        row = next((r for r in self._rows if r.id == company_id), None)
        self.page.show_loading(row.name if row is not None else "")
        if company_id is None:
            self.page_stack.setCurrentWidget(self.no_choice_label)
        else:
            self.page_stack.setCurrentWidget(self.page)
            self._load_page(company_id)
        self._update_buttons()

    def _load_page(self, company_id: int) -> None:
        self._page_serial += 1
        serial = self._page_serial
        self._ctx.runner.query(
            lambda s: companies.get(s, company_id),
            while_alive(self, partial(self._on_page_loaded, serial)),
            while_alive(self, partial(self._on_page_failed, serial)),
        )

    def _on_page_loaded(self, serial: int, details: companies.CompanyDetails) -> None:
        if serial != self._page_serial or details.id != self._page_id:
            return  # another company was chosen meanwhile
        self.page.show_details(details, get_zone(self._ctx.zone))
        self._update_buttons()
        self.page_loaded.emit()

    def _on_page_failed(self, serial: int, exc: BaseException) -> None:
        if serial != self._page_serial:
            return
        if isinstance(exc, NotFoundError):
            self.reload()  # deleted or merged elsewhere: the list drops it
            return
        self.outcomes.show_error(failure_text("Not loaded", exc))
        report_failure(self._ctx, exc, shown=True)

    def contacts_shown(self) -> list[str]:
        """The contacts listed on the page."""
        return self.page.contacts_shown()

    def research_shown(self) -> list[str]:
        """The research notes listed on the page."""
        return self.page.research_shown()

    def is_dirty(self) -> bool:
        """True when the page holds edits not yet saved."""
        return self.page.is_dirty()

    def _update_buttons(self, *_args: object) -> None:
        chosen = self.current_id()
        loaded = (
            chosen is not None
            and chosen == self._page_id
            and self.page.details is not None
            and not self._saving
        )
        self.page.set_state(loaded=loaded, can_merge=len(self._rows) > 1)
        self.lookalikes_button.setEnabled(len(self._rows) > 1 and not self._saving)

    # --- unsaved edits ------------------------------------------------------------------------

    def _settle_unsaved(self, then: Callable[[], object]) -> bool:
        """Before leaving the page: True to leave now. Save saves first and runs `then` once
        saved (the page stays meanwhile, and on a failure); Cancel stays."""
        details = self.page.details
        if details is None or not self.is_dirty():
            return True
        choice = self.ask_unsaved(details.name)
        if choice == "discard":
            self.page.fill_fields(details)
            return True
        if choice == "save":
            self.save(then=then)
        return False

    # --- actions ------------------------------------------------------------------------------

    def save(self, then: Callable[[], object] | None = None) -> None:
        """Save the page's name, website and notes (only those changed)."""
        details = self.page.details
        if details is None or self._saving or not self.is_dirty():
            return
        name, website, notes = (
            self.name_edit.text(),
            self.website_edit.text(),
            self.notes_edit.toPlainText(),
        )
        changed_name = name if name != details.name else None
        changed_site = website if website != details.website else None
        changed_notes = notes if notes != details.notes else None
        company_id, now = details.id, self._ctx.clock()

        def op(s: Session) -> Changes:
            changed = {"name": changed_name, "website": changed_site, "notes": changed_notes}
            companies.update(s, company_id, **changed, now=now)
            return _RENAMED

        self._clear_messages()
        self._write(
            op,
            partial(self._on_saved, then),
            what="Not saved",
            failed=partial(self._on_save_failed, company_id, name),
        )

    def _on_saved(self, then: Callable[[], object] | None, _changes: Changes) -> None:
        self.page.details = None  # the reload fills the fields with what is saved
        self._show_done("Saved.")
        if then is not None:
            then()
        self.reload()

    def _on_save_failed(self, company_id: int, name: str, exc: BaseException) -> None:
        # Another company's name: offer to make the two one instead.
        if isinstance(exc, companies.CompanyNameTaken) and exc.other_id != company_id:
            self._collision = exc.other_id
            self.merge_offer_button.setText(f"Merge into “{_short(exc.other_name)}”…")
            self.merge_offer_button.show()

    def revert(self) -> None:
        """Put the saved name, website and notes back in the fields."""
        if self.page.details is not None:
            self.page.fill_fields(self.page.details)
            self._clear_messages()
            self._update_buttons()

    def merge_selected(self) -> None:
        """Merge the selected company into one the rep chooses (asked, then confirmed)."""
        chosen = self.current_id()
        row = next((r for r in self._rows if r.id == chosen), None)
        if row is None or self._saving:
            return
        others = [
            (r.id, f"{r.name} ({count_of(r.contact_count, 'contact')})")
            for r in self._rows
            if r.id != row.id
        ]
        if not others:
            return
        keep = self.choose_keep(row.name, others)
        if keep is not None:
            self.merge_into(keep)

    def merge_into(self, keep_id: int) -> None:
        """Merge the selected company into `keep_id`, once `confirm` agrees to what moves."""
        chosen = self.current_id()
        keep = next((r for r in self._rows if r.id == keep_id), None)
        if chosen is None or keep is None or chosen == keep_id or self._saving:
            return
        self._ctx.runner.query(
            lambda s: companies.links(s, chosen),
            while_alive(self, partial(self._confirm_merge, chosen, keep)),
            while_alive(self, self._on_failed),
        )

    def _confirm_merge(
        self, moving_id: int, keep: companies.CompanyRow, moving: companies.CompanyLinks
    ) -> None:
        if not self.confirm("Merge companies", merge_question(moving, keep.name), "Merge"):
            return
        self._clear_messages()

        def op(s: Session) -> Outcome[companies.CompanyLinks]:
            return Outcome(companies.merge(s, keep.id, [moving_id]), _MOVED)

        def done(outcome: Outcome[companies.CompanyLinks]) -> None:
            what = outcome.value.describe()
            moved = "nothing moved" if what == "nothing" else f"moved {what}"
            self._show_done(f"Merged “{moving.name}” into “{keep.name}”: {moved}.")
            self._leave_page()
            self._wanted = keep.id
            self.reload()

        self._write(op, done, what="Not merged")

    def delete_selected(self) -> None:
        """Delete the selected company, once `confirm` agrees to what happens."""
        chosen = self.current_id()
        if chosen is None or self._saving:
            return
        self._ctx.runner.query(
            lambda s: companies.links(s, chosen),
            while_alive(self, partial(self._confirm_delete, chosen)),
            while_alive(self, self._on_failed),
        )

    def _confirm_delete(self, company_id: int, had: companies.CompanyLinks) -> None:
        if not self.confirm("Delete company", delete_question(had), "Delete"):
            return
        self._clear_messages()

        def op(s: Session) -> Outcome[companies.CompanyLinks]:
            return Outcome(companies.delete(s, company_id), _MOVED)

        def done(_outcome: Outcome[companies.CompanyLinks]) -> None:
            self._show_done(f"Deleted “{had.name}”.")
            self._leave_page()
            self.reload()

        self._write(op, done, what="Not deleted")

    def show_lookalikes(self) -> LookalikesDialog | None:
        """Open the look-alike companies (unsaved edits settled first: a merge there may take
        the company shown). Its merges reach the list through ctx.events; its questions go
        through this window's `confirm`."""
        if self._saving or not self._settle_unsaved(then=self.show_lookalikes):
            return None
        if self.lookalikes is None:
            dialog = LookalikesDialog(self._ctx, self)
            dialog.confirm = lambda title, text, action: self.confirm(title, text, action)
            dialog.finished.connect(partial(self._on_lookalikes_finished, dialog))
            self.lookalikes = dialog
        self.lookalikes.open()
        return self.lookalikes

    def _on_lookalikes_finished(self, dialog: LookalikesDialog, _result: int) -> None:
        if self.lookalikes is dialog:
            self.lookalikes = None
            dialog.deleteLater()

    def _leave_page(self) -> None:
        """The company shown is gone: drop its page, unsaved edits too, without asking."""
        self._select_quietly(None)
        self._show_page(None)

    def _write(
        self,
        op: Callable[[Session], R],
        on_done: Callable[[R], None],
        *,
        what: str,
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        run_write(
            self,
            self._ctx,
            op,
            on_done,
            show_error=self.outcomes.show_error,
            what=what,
            failed=failed,
            set_saving=self._set_saving,
        )

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self._update_buttons()

    # --- messages and questions ---------------------------------------------------------------

    def _show_done(self, message: str) -> None:
        self.merge_offer_button.hide()
        self.outcomes.show_done(message)

    def _clear_messages(self) -> None:
        self.outcomes.clear()
        self.merge_offer_button.hide()

    def _ask_confirmation(self, title: str, text: str, action: str) -> bool:
        return confirm_destructive(self, title, text, action)  # tests replace `confirm` instead

    def _ask_keep(self, name: str, others: list[tuple[int, str]]) -> int | None:
        chooser = MergeChooser(name, others, self)  # tests replace `choose_keep` instead
        try:
            return chooser.chosen() if chooser.exec() == QDialog.DialogCode.Accepted else None
        finally:
            chooser.deleteLater()

    def _ask_unsaved(self, name: str) -> Choice:
        # Tests replace `ask_unsaved` instead.
        return save_discard_cancel(self, "Unsaved changes", f"Save your changes to “{name}”?")

    # --- slots --------------------------------------------------------------------------------

    def _on_save_clicked(self) -> None:
        self.save()

    def _on_merge_offer_clicked(self) -> None:
        if self._collision is not None:
            self.merge_into(self._collision)

    def _on_events_changed(self, changes: Changes, initiator: object) -> None:
        if initiator is self:
            return  # our own write: reloaded when it finished
        if changes.companies or changes.contacts or changes.research:
            self.reload()

    # --- closing ------------------------------------------------------------------------------

    def bring_forward(self) -> CompaniesWindow:
        """Show the window, raised and active."""
        self.show()
        self.raise_()
        self.activateWindow()
        return self

    def reject(self) -> None:
        # Esc, the Close button and the window's close button all come here.
        if self._saving or not self._settle_unsaved(then=self.reject):
            return
        if self.lookalikes is not None:
            self.lookalikes.close()
        super().reject()


def _short(name: str, limit: int = 40) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
