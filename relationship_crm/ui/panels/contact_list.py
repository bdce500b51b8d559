"""The contact list on the left: type-ahead search, stage and tag filters, sortable columns."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from relationship_crm.domain.changes import Changes
from relationship_crm.services import contact_list, stages
from relationship_crm.services.stages import StageInfo
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.models.contacts_model import COLUMNS, ContactsModel
from relationship_crm.ui.models.delegates import ContactCellDelegate
from relationship_crm.ui.widgets.stage_combo import StageCombo

NAME_WIDTH = 170  # the rep may widen it; the layout is remembered
#: Narrowest a name and a company may get before a column makes way for them.
NAME_MIN_WIDTH = 120
COMPANY_MIN_WIDTH = 90
#: Columns that make way, first to last, when the list is too narrow for all of them:
#: Last contact, then Stage, then Company (a name and the next follow-up always show).
HIDE_ORDER: tuple[int, ...] = (3, 2, 1)


class ContactListPanel(QWidget):
    """Owns the search box, the filters, the table view and its ContactsModel.

    The columns always fit the width the list has: when it is too narrow for all of them
    (a small screen, a wide contact page), Last contact, then Stage, then Company are hidden
    (`HIDE_ORDER`) rather than pushed behind a sideways scrollbar, and come back with room.

    Signals:
        contact_selected(int): the rep moved to another contact (0 when nothing is selected).
        contact_activated(int): Return or double-click on a contact.
    Lives on the GUI thread.
    """

    contact_selected = Signal(int)
    contact_activated = Signal(int)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._pending_select: int | None = None
        self._name_shrunk = False  # fit_columns narrowed the default name width
        self._reloading = False
        self._only_ids: tuple[int, ...] | None = None
        # Parented: the model must live exactly as long as the view that shows it.
        self.model = ContactsModel(ctx, parent=self)

        self.search = QLineEdit(placeholderText="Search name, email, company, notes…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search contacts")
        self.stage_filter = StageCombo(ctx, any_text="All stages")
        self.stage_filter.setAccessibleName("Stage filter")
        self.tag_filter = QComboBox()
        self.tag_filter.addItem("All tags", None)
        # A team's server database: everyone's accounts, or only the rep's own (issue 20).
        self.owner_filter = QComboBox()
        self.owner_filter.addItem("Everyone's", False)
        self.owner_filter.addItem("Mine", True)
        self.owner_filter.setAccessibleName("Whose contacts")
        self.owner_filter.setVisible(ctx.runner.db.on_server)
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        # Shown while the list is narrowed to the contacts behind a dashboard bar.
        self.only_chip = QPushButton()
        self.only_chip.setObjectName("onlyChip")
        self.only_chip.setFlat(True)
        self.only_chip.setToolTip("Show every contact again")
        self.only_chip.hide()

        self.view = QTableView()
        self.view.setModel(self.model)
        # Cells painted straight from the model's texts.
        self.view.setItemDelegate(ContactCellDelegate(self.model, self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # The indicator first: enabling sorting sorts by it, once (the default is descending).
        self.view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(26)
        # The company takes what is left after the short columns take what their text needs, so
        # Stage / Last contact / Next follow-up are never cut and no sideways scrollbar appears
        # at laptop sizes; long names and companies elide.
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(56)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.setColumnWidth(0, NAME_WIDTH)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)

        filters = QHBoxLayout()
        filters.addWidget(self.stage_filter)
        filters.addWidget(self.tag_filter)
        filters.addWidget(self.owner_filter)
        filters.addWidget(self.only_chip)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.view)

        # A keystroke searches at once unless a search is still on its way; then the newest text
        # is searched as soon as that one lands (no fixed delay, and no queue of stale searches).
        self._search_pending = False
        self.view.viewport().installEventFilter(self)
        self._connect_signals()
        self.reload_tags()
        self.reload_stages()

    def _connect_signals(self) -> None:
        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.returnPressed.connect(self._on_search_return)
        self.stage_filter.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.tag_filter.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.owner_filter.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.only_chip.clicked.connect(lambda: self.show_only(None))
        self.model.loaded.connect(self._on_model_loaded)
        self.model.modelAboutToBeReset.connect(self._on_model_about_to_reset)
        self.model.modelReset.connect(self._on_model_reset)
        self.view.selectionModel().currentRowChanged.connect(self._on_view_current_changed)
        self.view.doubleClicked.connect(self._on_view_activated)
        self.view.activated.connect(self._on_view_activated)
        self._ctx.events.changed.connect(self._on_events_changed)

    # --- fitting the columns ------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_columns()
        return super().eventFilter(watched, event)

    def fit_columns(self) -> None:
        """Hide the columns that do not fit the list's width (`HIDE_ORDER`), show those that do."""
        header = self.view.horizontalHeader()
        available = self.view.viewport().width()

        def natural(column: int) -> int:
            if column == 1:
                return COMPANY_MIN_WIDTH
            return max(header.sectionSizeHint(column), self.view.sizeHintForColumn(column))

        shown = set(range(1, len(COLUMNS)))
        for column in HIDE_ORDER:
            if NAME_MIN_WIDTH + sum(natural(c) for c in shown) <= available:
                break
            shown.discard(column)
        for column in range(1, len(COLUMNS)):
            header.setSectionHidden(column, column not in shown)
        # The default name width gives way too, down to its minimum, and comes back with room;
        # a width the rep chose (dragged, or restored from the last session) is theirs to keep.
        others = sum(natural(c) for c in shown)
        room = max(NAME_MIN_WIDTH, available - others)
        width = header.sectionSize(0)
        if self._name_shrunk and room >= NAME_WIDTH:
            header.resizeSection(0, NAME_WIDTH)
            self._name_shrunk = False
        elif room < width <= NAME_WIDTH:
            header.resizeSection(0, room)
            self._name_shrunk = True

    # --- public -------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def reload(self) -> None:
        self.model.reload()

    def reload_stages(self) -> None:
        """Read the stages: the filter and the list's Stage column show their labels."""
        self._ctx.runner.query(stages.list_stages, self._on_stages_loaded)

    def _on_stages_loaded(self, found: list[StageInfo]) -> None:
        self.stage_filter.set_stages(found)
        self.model.set_stage_labels({s.key: s.label for s in found})

    def show_stage(self, stage: str) -> None:
        """Filter the list to one stage (a click on the dashboard's funnel)."""
        self._show_filtered(stage=stage)

    def show_tag(self, tag: str) -> None:
        """Filter the list to one tag, every stage (a double-click in View → Tags…)."""
        if self.tag_filter.findData(tag) < 0:
            self.tag_filter.addItem(tag, tag)  # until the tags in use are read again
        self._show_filtered(tag=tag)

    def _show_filtered(self, *, stage: str | None = None, tag: str | None = None) -> None:
        for widget in (self.search, self.tag_filter, self.stage_filter):
            widget.blockSignals(True)  # one reload below, not one per widget
        self.search.clear()
        self.tag_filter.setCurrentIndex(max(self.tag_filter.findData(tag), 0) if tag else 0)
        self.stage_filter.setCurrentIndex(max(self.stage_filter.findData(stage), 0))
        for widget in (self.search, self.tag_filter, self.stage_filter):
            widget.blockSignals(False)
        self.show_only(None)

    def show_only(self, ids: tuple[int, ...] | None, what: str = "") -> None:
        """Narrow the list to these contacts (a dashboard bar), or None to show all again."""
        self.only_chip.setText(f"Only {what} ✕" if what else "Only the chart's contacts ✕")
        self.only_chip.setVisible(ids is not None)
        self._only_ids = ids
        self._apply_filter()

    def reload_tags(self) -> None:
        self._ctx.runner.query(contact_list.tags_in_use, self._on_tags_loaded)

    def select_contact(self, contact_id: int) -> None:
        """Select a contact in the list when it is loaded (now, or when the next page comes)."""
        row = self.model.row_of(contact_id)
        if row is None:
            self._pending_select = contact_id
            return
        self._pending_select = None
        index = self.model.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.scrollTo(index)

    def current_contact_id(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.contact_id(index.row()) if index.isValid() else None

    # --- slots --------------------------------------------------------------------------------

    def _apply_filter(self) -> None:
        self._search_pending = False
        flt = replace(
            self.model.contact_filter,
            query=self.search.text(),
            stage=self.stage_filter.current_key(),
            tag=self.tag_filter.currentData(),
            ids=self._only_ids,
            mine=bool(self.owner_filter.currentData()),
        )
        self.model.set_filter(flt)

    def _on_search_text_changed(self, _text: str) -> None:
        if self.model.searching:
            self._search_pending = True
        else:
            self._apply_filter()

    def _on_search_return(self) -> None:
        self._search_pending = False
        self._apply_filter()
        self.view.setFocus()
        if self.model.rowCount() > 0:
            self.view.selectRow(0)

    def _on_tags_loaded(self, tags: list[str]) -> None:
        current = self.tag_filter.currentData()
        self.tag_filter.blockSignals(True)
        self.tag_filter.clear()
        self.tag_filter.addItem("All tags", None)
        for tag in tags:
            self.tag_filter.addItem(tag, tag)
        index = self.tag_filter.findData(current) if current else 0
        self.tag_filter.setCurrentIndex(max(index, 0))
        self.tag_filter.blockSignals(False)

    def _on_model_loaded(self, total: int) -> None:
        if self._search_pending:
            self._search_pending = False
            if self.model.contact_filter.query != self.search.text():
                self._apply_filter()
        more = "+" if self.model.more else ""
        self.count_label.setText(f"{total:,}{more} contact{'s' if total != 1 or more else ''}")
        if self._pending_select is not None:
            self.select_contact(self._pending_select)

    def _on_model_about_to_reset(self) -> None:
        self._reloading = True
        selected = self.current_contact_id()
        if selected and self._pending_select is None:
            self._pending_select = selected

    def _on_model_reset(self) -> None:
        self._reloading = False
        # Keep the sort indicator in step with what the model sorted by.
        flt = self.model.contact_filter
        keys = [key for _, key in COLUMNS]
        if flt.sort in keys:
            header = self.view.horizontalHeader()
            header.blockSignals(True)
            order = Qt.SortOrder.DescendingOrder if flt.descending else Qt.SortOrder.AscendingOrder
            header.setSortIndicator(keys.index(flt.sort), order)
            header.blockSignals(False)

    def _on_view_current_changed(self, current: object, _previous: object) -> None:
        cid = self.current_contact_id()
        # A reload clears the selection for a moment; the page keeps showing its contact.
        if cid or not self._reloading:
            self.contact_selected.emit(cid or 0)

    def _on_view_activated(self, index: object) -> None:
        cid = self.current_contact_id()
        if cid:
            self.contact_activated.emit(cid)

    def _on_events_changed(self, changes: Changes, _initiator: object) -> None:
        if changes.contacts or changes.meetings or changes.follow_ups or changes.companies:
            selected = self.current_contact_id()
            if selected:
                self._pending_select = selected
            self.model.reload()
        if changes.contacts:
            self.reload_tags()
            self.reload_stages()
