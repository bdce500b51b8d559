"""Look-alike companies (the Companies window's Look-alikes…): the groups of companies whose
names differ only in case, accents, punctuation or a legal form ("Acme", "ACME, Inc."), each
made one with the company the rep keeps."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes, Outcome
from relationship_crm.domain.errors import NotFoundError
from relationship_crm.services import companies
from relationship_crm.ui.callbacks import while_alive
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.operations import failure_text, report_failure, run_write
from relationship_crm.ui.widgets.company_page import (
    Confirm,
    count_of,
    merge_group_question,
    quoted_names,
)
from relationship_crm.ui.widgets.messages import OutcomeLabels, plain_tooltip
from relationship_crm.ui.widgets.questions import confirm_destructive

EMPTY_TEXT = "No companies look like one another."
INTRO_TEXT = (
    "These companies’ names differ only in case, accents, punctuation or a legal form such as "
    "Inc. or GmbH. Choose a group and the company to keep, then merge: the others’ contacts, "
    "research and trigger events move to it."
)
_HINT_STYLE = "color: palette(placeholder-text);"
#: What a merge changes: the contacts show their company, research and events follow it.
_MOVED = Changes(contacts=True, companies=True, research=True, trigger_events=True)
_KEY = Qt.ItemDataRole.UserRole  # a group row: its key; a company row: its id
_GROUP = Qt.ItemDataRole.UserRole + 1  # a company row: its group's key


class LookalikesDialog(QDialog):
    """The groups of `companies.similar_companies`: one row per group, its companies below it
    (name, live contacts). For the selected group, Keep chooses the company that stays (the one
    with the most contacts unless chosen, shown in bold) and Merge group… makes the group one,
    once `confirm` agrees to what moves (`companies.links`). The groups load through
    `ctx.runner` on construction, after a merge and when `ctx.events.changed` names companies or
    contacts changed elsewhere. `confirm` is an attribute; the Companies window hands it its own
    and tests replace it.

    Signals:
        loaded(): the groups shown are newly loaded.
    Lives on the GUI thread; the merge goes through operations.run_write, which notifies
    ctx.events (the Companies window reloads on it).
    """

    loaded = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._groups: list[companies.SimilarCompanies] = []
        self._keep: dict[str, int] = {}  # a group's key -> the company the rep chose to keep
        self._saving = False
        self._filling = False
        self.confirm: Confirm = self._ask_confirmation
        self.setWindowTitle("Look-alike companies")
        self.setObjectName("companyLookalikes")
        self.setSizeGripEnabled(True)
        self._build()
        self._connect_signals()
        # Wide enough that the wrapped intro keeps all its lines at the smallest size.
        self.setMinimumWidth(480)
        self.resize(580, 460)
        ctx.events.changed.connect(self._on_events_changed)
        self.reload()

    # --- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        intro = QLabel(INTRO_TEXT)
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.tree = QTreeWidget()
        self.tree.setObjectName("lookalikeGroups")
        self.tree.setHeaderLabels(["Company", "Contacts"])
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.empty_label = QLabel("Loading…")
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet(_HINT_STYLE + " padding: 24px;")
        self.tree.setMinimumHeight(self.fontMetrics().lineSpacing() * 8)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.empty_label)

        self.keep_combo = QComboBox()
        self.keep_combo.setObjectName("lookalikeKeep")
        self.keep_combo.setAccessibleName("Company to keep")
        self.keep_combo.setMinimumContentsLength(24)
        self.keep_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        keep_label = QLabel("&Keep:")
        keep_label.setBuddy(self.keep_combo)
        self.merge_button = QPushButton("&Merge group…")
        self.merge_button.setToolTip(
            "Make the selected group one company: the one you keep; the others' contacts, "
            "research and trigger events move to it, then they are deleted"
        )
        keep_row = QHBoxLayout()
        keep_row.addWidget(keep_label)
        keep_row.addWidget(self.keep_combo, 1)
        keep_row.addWidget(self.merge_button)
        self.keep_row = QWidget()
        self.keep_row.setLayout(keep_row)
        keep_row.setContentsMargins(0, 0, 0, 0)

        self.outcomes = OutcomeLabels()
        self.done_label, self.error_label = self.outcomes.done, self.outcomes.error
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.keep_row)
        layout.addWidget(self.done_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def _connect_signals(self) -> None:
        self.tree.itemSelectionChanged.connect(self._on_selection_changed)
        self.keep_combo.currentIndexChanged.connect(self._on_keep_changed)
        self.merge_button.clicked.connect(self.merge_selected)
        self.buttons.rejected.connect(self.reject)
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)  # Return in the list presses nothing
        for first, second in ((self.tree, self.keep_combo), (self.keep_combo, self.merge_button)):
            QWidget.setTabOrder(first, second)

    # --- the groups ---------------------------------------------------------------------------

    def reload(self) -> None:
        self._ctx.runner.query(
            companies.similar_companies,
            while_alive(self, self._on_loaded),
            while_alive(self, self._on_failed),
        )

    def _on_loaded(self, groups: list[companies.SimilarCompanies]) -> None:
        chosen = self.current_key()
        self._groups = groups
        keys = {g.key for g in groups}
        self._keep = {key: kept for key, kept in self._keep.items() if key in keys}
        self._filling = True
        try:
            self.tree.clear()
            for group in groups:
                self.tree.addTopLevelItem(self._group_item(group))
            self.tree.expandAll()
        finally:
            self._filling = False
        self.empty_label.setText(EMPTY_TEXT)
        self.stack.setCurrentWidget(self.tree if groups else self.empty_label)
        self.keep_row.setVisible(bool(groups))
        if groups:
            # The same group again, or the first (the one merged went).
            self.select_group(chosen if chosen in keys else groups[0].key)
        self._show_group()
        self.loaded.emit()

    def _group_item(self, group: companies.SimilarCompanies) -> QTreeWidgetItem:
        total = sum(c.contact_count for c in group.companies)
        title = f"{len(group.companies)} companies named like “{group.keep.name}”"
        item = QTreeWidgetItem([title, f"{total:,}"])
        item.setData(0, _KEY, group.key)
        item.setToolTip(0, plain_tooltip(title))
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
        for row in group.companies:
            child = QTreeWidgetItem([row.name, f"{row.contact_count:,}"])
            child.setData(0, _KEY, row.id)
            child.setData(0, _GROUP, group.key)
            child.setToolTip(0, plain_tooltip(row.name))
            child.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
            item.addChild(child)
        return item

    def _on_failed(self, exc: BaseException) -> None:
        self.outcomes.show_error(failure_text("Not loaded", exc))
        report_failure(self._ctx, exc, shown=True)

    def _group_items(self) -> list[QTreeWidgetItem]:
        count = self.tree.topLevelItemCount()
        return [item for i in range(count) if (item := self.tree.topLevelItem(i)) is not None]

    def groups_shown(self) -> list[list[tuple[str, str]]]:
        """The groups listed: each its companies as (name, number of contacts)."""
        shown = []
        for item in self._group_items():
            shown.append([(c.text(0), c.text(1)) for c in _children(item)])
        return shown

    def current_key(self) -> str | None:
        """The key of the group selected (its own row or one of its companies), or None."""
        selected = self.tree.selectedItems()
        if not selected:
            return None
        item = selected[0]
        key = item.data(0, _GROUP) if item.parent() is not None else item.data(0, _KEY)
        return str(key)

    def current_group(self) -> companies.SimilarCompanies | None:
        """The group selected, or None."""
        key = self.current_key()
        return next((g for g in self._groups if g.key == key), None)

    def select_group(self, key: str | None) -> bool:
        """Select the group's row (None: none); False when it is not listed."""
        if key is None:
            self.tree.clearSelection()
            return True
        item = next((i for i in self._group_items() if i.data(0, _KEY) == key), None)
        if item is None:
            return False
        self.tree.setCurrentItem(item)
        return True

    def keep_id(self) -> int | None:
        """The company the selected group keeps: the one chosen, else the one with the most
        contacts."""
        group = self.current_group()
        if group is None:
            return None
        chosen = self._keep.get(group.key)
        if chosen is not None and any(c.id == chosen for c in group.companies):
            return chosen
        return group.keep.id

    def set_keep(self, company_id: int) -> bool:
        """Keep this company of the selected group; False when it is not one of them."""
        index = self.keep_combo.findData(company_id)
        if index < 0:
            return False
        self.keep_combo.setCurrentIndex(index)
        return True

    def _show_group(self) -> None:
        """Fill Keep with the selected group's companies, the kept one chosen and in bold."""
        group = self.current_group()
        kept = self.keep_id()
        self._filling = True
        try:
            self.keep_combo.clear()
            for row in group.companies if group is not None else ():
                text = f"{row.name} ({count_of(row.contact_count, 'contact')})"
                self.keep_combo.addItem(text, row.id)
            if kept is not None:
                self.keep_combo.setCurrentIndex(self.keep_combo.findData(kept))
        finally:
            self._filling = False
        self._mark_kept()
        self._update_buttons()

    def _mark_kept(self) -> None:
        for item in self._group_items():
            group = next((g for g in self._groups if g.key == item.data(0, _KEY)), None)
            if group is None:
                continue
            chosen = self._keep.get(group.key, group.keep.id)
            for child in _children(item):
                font = QFont(child.font(0))
                font.setBold(child.data(0, _KEY) == chosen)
                child.setFont(0, font)
                child.setFont(1, font)

    def _update_buttons(self) -> None:
        chosen = self.current_group() is not None
        self.keep_combo.setEnabled(chosen and not self._saving)
        self.merge_button.setEnabled(chosen and not self._saving)

    # --- merging ------------------------------------------------------------------------------

    def merge_selected(self) -> None:
        """Merge the selected group into the company it keeps, once `confirm` agrees."""
        group, kept = self.current_group(), self.keep_id()
        if group is None or kept is None or self._saving:
            return
        keep = next(c for c in group.companies if c.id == kept)
        others = [c.id for c in group.companies if c.id != kept]
        self._ctx.runner.query(
            lambda s: [companies.links(s, other) for other in others],
            while_alive(self, partial(self._confirm_merge, keep, others)),
            while_alive(self, self._on_links_failed),
        )

    def _on_links_failed(self, exc: BaseException) -> None:
        if isinstance(exc, NotFoundError):
            self.reload()  # merged or deleted elsewhere meanwhile: the groups change
        self._on_failed(exc)

    def _confirm_merge(
        self, keep: companies.CompanyRow, others: list[int], moving: list[companies.CompanyLinks]
    ) -> None:
        if not self.confirm("Merge companies", merge_group_question(moving, keep.name), "Merge"):
            return
        self.outcomes.clear()
        names = quoted_names([m.name for m in moving])

        def op(s: Session) -> Outcome[companies.CompanyLinks]:
            return Outcome(companies.merge(s, keep.id, others), _MOVED)

        def done(outcome: Outcome[companies.CompanyLinks]) -> None:
            what = outcome.value.describe()
            moved = "nothing moved" if what == "nothing" else f"moved {what}"
            self.outcomes.show_done(f"Merged {names} into “{keep.name}”: {moved}.")
            self.reload()

        run_write(
            self,
            self._ctx,
            op,
            done,
            show_error=self.outcomes.show_error,
            what="Not merged",
            set_saving=self._set_saving,
        )

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self._update_buttons()

    def _ask_confirmation(self, title: str, text: str, action: str) -> bool:
        return confirm_destructive(self, title, text, action)  # tests replace `confirm` instead

    # --- slots --------------------------------------------------------------------------------

    def _on_selection_changed(self) -> None:
        if not self._filling:
            self._show_group()

    def _on_keep_changed(self, index: int) -> None:
        group = self.current_group()
        if self._filling or group is None or index < 0:
            return
        self._keep[group.key] = int(self.keep_combo.itemData(index))
        self._mark_kept()

    def _on_events_changed(self, changes: Changes, initiator: object) -> None:
        if initiator is self:
            return  # our own merge: reloaded when it finished
        if changes.companies or changes.contacts:
            self.reload()


def _children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    count = item.childCount()
    return [child for i in range(count) if (child := item.child(i)) is not None]
