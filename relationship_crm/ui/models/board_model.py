"""The Pipeline board's columns: a lazy list model of contact cards per stage, and its delegate."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from relationship_crm.services import stages
from relationship_crm.services.stages import BoardCard
from relationship_crm.ui.context import UiContext

Index = QModelIndex | QPersistentModelIndex

#: What a dragged card carries: "<contact id> <stage key>" (the column it left).
CARD_MIME = "application/x-relationship-crm-card"

#: The shipped stages' colours; a stage of the rep's own gets one of the others, by its key.
STAGE_COLOURS = {
    "prospect": "#6b7280",
    "lead": "#b45309",
    "customer": "#047857",
    "partner": "#1d4ed8",
    "other": "#6b7280",
}
_MORE_COLOURS = ("#7c3aed", "#0e7490", "#be185d", "#4d7c0f", "#c2410c", "#4338ca")
STUCK_BADGE = ("#fee2e2", "#991b1b")  # background, text


def stage_colour(key: str) -> str:
    """The colour a stage is shown in: fixed for the shipped ones, stable for the rep's own."""
    shipped = STAGE_COLOURS.get(key)
    if shipped is not None:
        return shipped
    return _MORE_COLOURS[zlib.crc32(key.encode("utf-8")) % len(_MORE_COLOURS)]


class StageCardsModel(QAbstractListModel):
    """The live contacts of one stage as cards, longest in the stage first, loaded in pages.

    `total` comes from the board's header count; Qt calls `fetchMore` as the view scrolls, so a
    column of 50,000 contacts costs one page. Every load carries a generation number so a late
    page from before a reload is dropped. A card dropped here from another column is not moved
    by the model: `card_dropped` asks the board, which writes (and can undo) the change.

    Signals:
        card_dropped(int, str, str): contact id, the stage it left, this stage.
    Lives on the GUI thread; database work goes through ctx.runner.
    """

    IdRole = Qt.ItemDataRole.UserRole + 1
    CardRole = Qt.ItemDataRole.UserRole + 2
    card_dropped = Signal(int, str, str)

    def __init__(
        self, ctx: UiContext, stage: str, page_size: int = 100, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.stage = stage
        self._page_size = page_size
        self._cards: list[BoardCard] = []
        self._total = 0
        self._generation = 0
        self._loading = False

    # --- loading ------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return self._total

    def reload(self, total: int) -> None:
        """Load the first page again, keeping at least as many cards as were shown."""
        self._generation += 1
        self._total = total
        self._loading = True
        want = max(self._page_size, len(self._cards))
        stage, today = self.stage, self._ctx.today()
        self._ctx.runner.query(
            lambda s: stages.board_cards(s, stage, today=today, limit=want),
            partial(self._on_first_page, self._generation, want),
        )

    def _on_first_page(self, generation: int, want: int, cards: list[BoardCard]) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._cards = cards
        self._loading = False
        if len(cards) < want:
            self._total = len(cards)
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._loading and len(self._cards) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._loading or len(self._cards) >= self._total:
            return
        self._loading = True
        stage, today, offset = self.stage, self._ctx.today(), len(self._cards)
        self._ctx.runner.query(
            lambda s: stages.board_cards(
                s, stage, today=today, limit=self._page_size, offset=offset
            ),
            partial(self._on_next_page, self._generation, offset),
        )

    def _on_next_page(self, generation: int, offset: int, cards: list[BoardCard]) -> None:
        if generation != self._generation or offset != len(self._cards):
            return
        self._loading = False
        if not cards:
            self._total = len(self._cards)
            return
        self.beginInsertRows(QModelIndex(), offset, offset + len(cards) - 1)
        self._cards.extend(cards)
        self.endInsertRows()

    # --- Qt model API -------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._cards)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._cards):
            return None
        card = self._cards[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return card.name
        if role == Qt.ItemDataRole.AccessibleTextRole:
            stuck = ", stuck" if card.stuck else ""
            company = f", {card.company}" if card.company else ""
            return f"{card.name}{company}, {days_text(card.days_in_stage)} in the stage{stuck}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Click to open; drag to another column to change the stage"
        if role == self.IdRole:
            return card.contact_id
        if role == self.CardRole:
            return card
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [CARD_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        mime = QMimeData()
        rows = [i.row() for i in indexes if i.isValid() and 0 <= i.row() < len(self._cards)]
        if rows:
            card = self._cards[rows[0]]
            mime.setData(CARD_MIME, QByteArray(f"{card.contact_id} {self.stage}".encode()))
        return mime

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        parsed = parse_card(data)
        return parsed is not None and parsed[1] != self.stage

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        parsed = parse_card(data)
        if parsed is None or parsed[1] == self.stage or action == Qt.DropAction.IgnoreAction:
            return False
        self.card_dropped.emit(parsed[0], parsed[1], self.stage)
        # The board reloads both columns once the change is stored; the source keeps its row
        # until then (this model has no removeRows, so Qt's move removes nothing).
        return True

    # --- helpers ------------------------------------------------------------------------------

    def card(self, row: int) -> BoardCard | None:
        return self._cards[row] if 0 <= row < len(self._cards) else None

    def row_of(self, contact_id: int) -> int | None:
        for i, card in enumerate(self._cards):
            if card.contact_id == contact_id:
                return i
        return None


def card_mime(contact_id: int, stage: str) -> QMimeData:
    """What a card dragged from `stage` carries (the board's tests drop it on a column)."""
    mime = QMimeData()
    mime.setData(CARD_MIME, QByteArray(f"{contact_id} {stage}".encode()))
    return mime


def parse_card(data: QMimeData) -> tuple[int, str] | None:
    """(contact id, stage it left) from a dragged card; None for anything else."""
    if not data.hasFormat(CARD_MIME):
        return None
    head, _, stage = bytes(data.data(CARD_MIME).data()).decode("utf-8", "replace").partition(" ")
    if not head.isdigit() or not stage:
        return None
    return int(head), stage


def days_text(days: int) -> str:
    """ "1 day", "12 days"."""
    return "1 day" if days == 1 else f"{days} days"


class CardDelegate(QStyledItemDelegate):
    """Paints a card: the name in bold, the company, days in the stage and a "stuck" badge.

    GUI thread.
    """

    PAD = 8
    MARGIN = 4

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont]:
        base = QFont(option.font)
        bold = QFont(base)
        bold.setBold(True)
        small = QFont(base)
        small.setPointSizeF(max(base.pointSizeF() * 0.88, 7.0))
        return base, bold, small

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        _, bold, small = self._fonts(option)
        height = QFontMetrics(bold).height() + 2 * QFontMetrics(small).height()
        return QSize(160, height + 2 * self.PAD + 2 * self.MARGIN + 4)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        card = index.data(StageCardsModel.CardRole)
        if not isinstance(card, BoardCard):
            super().paint(painter, option, index)
            return
        _, bold, small = self._fonts(option)
        palette: QPalette = option.palette
        rect: QRect = option.rect.adjusted(self.MARGIN, self.MARGIN, -self.MARGIN, -self.MARGIN)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        fill = palette.color(QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 6, 6)
        if card.stuck:  # a red edge on the left: stuck cards stand out in a long column
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(STUCK_BADGE[1]))
            painter.drawRoundedRect(QRect(rect.left(), rect.top(), 4, rect.height()), 2, 2)
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        muted_role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        inner = rect.adjusted(self.PAD + 2, self.PAD - 2, -self.PAD, -self.PAD + 2)
        bold_h, small_h = QFontMetrics(bold).height(), QFontMetrics(small).height()
        painter.setFont(bold)
        painter.setPen(palette.color(text_role))
        name_rect = QRect(inner.left(), inner.top(), inner.width(), bold_h)
        painter.drawText(
            name_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            QFontMetrics(bold).elidedText(card.name, Qt.TextElideMode.ElideRight, inner.width()),
        )
        painter.setFont(small)
        painter.setPen(palette.color(muted_role))
        metrics = QFontMetrics(small)
        company_rect = QRect(inner.left(), name_rect.bottom() + 1, inner.width(), small_h)
        painter.drawText(
            company_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(card.company or "—", Qt.TextElideMode.ElideRight, inner.width()),
        )
        days_rect = QRect(inner.left(), company_rect.bottom() + 1, inner.width(), small_h)
        room = inner.width()
        if card.stuck:  # the badge sits at the right; the days text gets what is left
            label = "stuck"
            width = metrics.horizontalAdvance(label) + 12
            room -= width + 4
            badge = QRect(days_rect.right() - width + 1, days_rect.top(), width, small_h)
            painter.save()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(STUCK_BADGE[0]))
            painter.drawRoundedRect(badge, small_h / 2, small_h / 2)
            painter.setPen(QColor(STUCK_BADGE[1]))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, label)
            painter.restore()
        days = days_text(card.days_in_stage)
        full = f"{days} in stage"
        text = full if metrics.horizontalAdvance(full) <= room else days
        painter.drawText(
            QRect(days_rect.left(), days_rect.top(), room, small_h),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(text, Qt.TextElideMode.ElideRight, room),
        )
        painter.restore()
