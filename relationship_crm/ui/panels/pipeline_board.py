"""View → Pipeline: the funnel as a board, one column of contact cards per stage.

Each column is a list view on its own lazy model (pages of cards), so the board opens at once on
100,000 contacts. Dragging a card to another column moves the contact to that stage (Edit → Undo
takes it back); a click opens the contact.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes, Outcome
from relationship_crm.domain.records import ContactView
from relationship_crm.services import contacts, stages
from relationship_crm.services.stages import BoardColumn
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.models.board_model import CardDelegate, StageCardsModel, stage_colour
from relationship_crm.ui.operations import run_write
from relationship_crm.ui.undo import UndoStack, shorten

#: A column never gets narrower than this (name and company stay readable on a laptop).
COLUMN_MIN_WIDTH = 150


class StageColumn(QFrame):
    """One stage: a header (label, count, stuck count; the definition as tooltip) and its cards.

    Signals:
        contact_clicked(int): a card was clicked.
    GUI thread.
    """

    contact_clicked = Signal(int)

    def __init__(self, ctx: UiContext, column: BoardColumn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"stageColumn-{column.stage.key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(COLUMN_MIN_WIDTH)
        self.stage = column.stage.key
        self.title = QLabel()
        self.title.setObjectName("stageColumnTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.count = QLabel()
        self.count.setObjectName("stageColumnCount")
        self.model = StageCardsModel(ctx, column.stage.key, parent=self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(CardDelegate(self.view))
        self.view.setUniformItemSizes(True)  # one height for all: scrolling needs no measuring
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setDragEnabled(True)
        self.view.setAcceptDrops(True)
        self.view.setDropIndicatorShown(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setAccessibleName(f"{column.stage.label} contacts")
        self.view.clicked.connect(self._on_clicked)

        header = QVBoxLayout()
        header.setSpacing(0)
        header.addWidget(self.title)
        header.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self.view, 1)
        self.show_column(column)

    def show_column(self, column: BoardColumn) -> None:
        """Show the header of `column` and load its first page of cards."""
        info = column.stage
        colour = stage_colour(info.key)
        self.title.setText(info.label)
        self.title.setStyleSheet(
            f"font-weight: bold; border-top: 3px solid {colour}; padding-top: 4px;"
        )
        stuck = f" · {column.stuck} stuck" if column.stuck else ""
        self.count.setText(f"{column.count:,} contact{'s' if column.count != 1 else ''}{stuck}")
        limit = (
            f"Stuck after {info.stuck_after_days} days."
            if info.stuck_after_days is not None
            else "Never stuck."
        )
        self.setToolTip(f"{info.definition}\n{limit}".strip())
        self.model.reload(column.count)

    def _on_clicked(self, index: QModelIndex) -> None:
        cid = index.data(StageCardsModel.IdRole)
        if isinstance(cid, int):
            self.contact_clicked.emit(cid)


class PipelineBoard(QWidget):
    """The board: stage columns side by side in a horizontal scroll area.

    Signals:
        contact_opened(int): a card was clicked; the window shows that contact.
        moved(str): a card's stage change was stored; the argument is the status-bar message.
    GUI thread; reads through ctx.runner, writes through run_write, undo through `undo`.
    """

    contact_opened = Signal(int)
    moved = Signal(str)

    def __init__(self, ctx: UiContext, undo: UndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pipelineBoard")
        self._ctx = ctx
        self._undo = undo
        self.columns: dict[str, StageColumn] = {}
        self._generation = 0
        self.heading = QLabel("Pipeline")
        self.heading.setObjectName("pipelineHeading")
        self.heading.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.hint = QLabel("Drag a card to another stage to move the contact; click to open it.")
        self.hint.setObjectName("pipelineHint")
        self._row = QHBoxLayout()
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(8)
        inner = QWidget()
        inner.setLayout(self._row)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setWidget(inner)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.hint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(self.scroller, 1)
        ctx.events.changed.connect(self._on_events_changed)

    # --- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the stages and their counts again, then each column's first page."""
        self._generation += 1
        generation, today = self._generation, self._ctx.today()
        self._ctx.runner.query(
            lambda s: stages.board_columns(s, today=today),
            lambda found: self._on_columns(generation, found),
        )

    def _on_columns(self, generation: int, found: list[BoardColumn]) -> None:
        if generation != self._generation:
            return
        if [c.stage.key for c in found] != list(self.columns):
            for column in self.columns.values():
                self._row.removeWidget(column)
                column.deleteLater()
            self.columns = {}
            for info in found:
                column = StageColumn(self._ctx, info)
                column.contact_clicked.connect(self.contact_opened)
                column.model.card_dropped.connect(self.move_card)
                self._row.addWidget(column, 1)
                self.columns[info.stage.key] = column
            return
        for info in found:
            self.columns[info.stage.key].show_column(info)

    def _on_events_changed(self, changes: Changes, _initiator: object) -> None:
        if changes.contacts and self.isVisible():
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        # Hidden, the board ignores changes; shown again, it catches up in one read.
        self.reload()
        super().showEvent(event)

    # --- moving -------------------------------------------------------------------------------

    def move_card(self, contact_id: int, from_stage: str, to_stage: str) -> None:
        """Move a contact to `to_stage` (a card dropped on that column); Ctrl+Z takes it back."""
        ctx = self._ctx

        def op(s: Session) -> Outcome[tuple[ContactView, int | None, str]]:
            outcome = contacts.move_stage(s, contact_id, to_stage, now=ctx.clock())
            label = stages.get_stage(s, to_stage).label
            return Outcome((contacts.get(s, contact_id), outcome.value, label), outcome.changes)

        run_write(
            self,
            ctx,
            op,
            lambda result: self._on_moved(result.value, from_stage),
            initiator=None,  # the board reloads on its own change like on anyone else's
        )

    def _on_moved(self, result: tuple[ContactView, int | None, str], from_stage: str) -> None:
        contact, change_id, label = result
        if change_id is None:
            return
        cid, name = contact.id, shorten(contact.name)
        self._undo.push(
            f"move {name} to {shorten(label, 20)}",
            lambda s: contacts.undo_stage_change(s, cid, change_id),
            message=f"Moved {name} back to {from_stage_label(self, from_stage)}.",
        )
        message = f"Moved {name} to {label}. Ctrl+Z to undo."
        self.moved.emit(message)


def from_stage_label(board: PipelineBoard, key: str) -> str:
    """The label a column shows for `key` (the key itself when the column is gone)."""
    column = board.columns.get(key)
    return column.title.text() if column is not None else key
