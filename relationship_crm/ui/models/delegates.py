"""Item delegates: how the reminders list, the contact list and the two-line entry lists paint."""

from __future__ import annotations

import math

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPointF, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QFontMetricsF, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from relationship_crm.domain.followups import Bucket, Reminder
from relationship_crm.domain.timefmt import clock
from relationship_crm.ui.colours import readable
from relationship_crm.ui.models.contacts_model import ContactsModel
from relationship_crm.ui.models.reminders_model import OVERDUE_COLOUR, RemindersModel

Index = QModelIndex | QPersistentModelIndex

#: Between an entry's name and what kind of entry it is, on its first line ("name  ·  shipped").
MARKER_SEP = "  ·  "

_SNOOZED_BADGE = ("#fef3c7", "#92400e")  # background, text
_REPEAT_MARK = "↻"


class ReminderDelegate(QStyledItemDelegate):
    """Paints section titles and two-line reminder rows (time | contact + note).

    Owns nothing but fonts derived from the view's. GUI thread.
    """

    PAD = 6
    GAP = 10

    # Paint and sizeHint run for every visible row on every repaint: derive the fonts and the time
    # column's width once per view font, not per call.
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._font_cache: dict[str, tuple[QFont, QFont, QFont]] = {}
        self._width_cache: dict[str, int] = {}

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont]:
        cache = self._font_cache
        key = option.font.key()
        if key not in cache:
            base = QFont(option.font)
            bold = QFont(base)
            bold.setBold(True)
            small = QFont(base)
            small.setPointSizeF(max(base.pointSizeF() * 0.88, 7.0))
            cache[key] = (base, bold, small)
        fonts: tuple[QFont, QFont, QFont] = cache[key]
        return fonts

    def _time_width(self, option: QStyleOptionViewItem) -> int:
        cache = self._width_cache
        key = option.font.key()
        if key not in cache:
            cache[key] = self._measure_time_width(option)
        width: int = cache[key]
        return width

    def _measure_time_width(self, option: QStyleOptionViewItem) -> int:
        _, bold, small = self._fonts(option)
        return max(
            QFontMetrics(bold).horizontalAdvance("00:00"),
            QFontMetrics(small).horizontalAdvance("Wed 30 Nov"),
            QFontMetrics(small).horizontalAdvance("30 Nov 2026"),
        )

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        title, row = self._heights(option)
        width = 1  # the list stretches rows to its width; wider hints would add a scroll bar
        return QSize(width, title if index.data(RemindersModel.IsSectionRole) else row)

    def heights(self, font: QFont) -> tuple[int, int]:
        """The height of a title row and of a reminder row in `font` (the list sets them)."""
        option = QStyleOptionViewItem()
        option.font = QFont(font)
        return self._heights(option)

    def _heights(self, option: QStyleOptionViewItem) -> tuple[int, int]:
        _, bold, small = self._fonts(option)
        title = QFontMetrics(small).height() + 2 * self.PAD + 6
        row = QFontMetrics(bold).height() + 2 + QFontMetrics(small).height() + 2 * self.PAD
        return title, row

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        if index.data(RemindersModel.IsSectionRole):
            self._paint_section(painter, option, index)
        else:
            self._paint_reminder(painter, option, index)

    def _paint_section(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        _, _, small = self._fonts(option)
        title_font = QFont(small)
        title_font.setBold(True)
        title_font.setCapitalization(QFont.Capitalization.AllUppercase)
        title_font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 108)
        palette = option.palette
        overdue = index.data(RemindersModel.BucketRole) == Bucket.OVERDUE.value
        rect = option.rect.adjusted(self.PAD + 2, self.PAD + 4, -self.PAD, -2)
        painter.save()
        painter.setFont(title_font)
        # Title rows are disabled items: take colours from the active group, not the greyed one.
        active = QPalette.ColorGroup.Active
        painter.setPen(
            readable(OVERDUE_COLOUR, palette)
            if overdue
            else palette.color(active, QPalette.ColorRole.Text)
        )
        title = str(index.data(Qt.ItemDataRole.DisplayRole))
        if overdue:  # a click on the title folds the overdue rows away (or back)
            title = ("▸ " if index.data(RemindersModel.CollapsedRole) else "▾ ") + title
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(rect, align, title)
        offset = QFontMetrics(title_font).horizontalAdvance(title) + 8
        painter.setFont(small)
        painter.setPen(palette.color(active, QPalette.ColorRole.PlaceholderText))
        painter.drawText(
            rect.adjusted(offset, 0, 0, 0), align, str(index.data(RemindersModel.CountRole))
        )
        painter.setPen(palette.color(active, QPalette.ColorRole.Mid))
        bottom = option.rect.bottom()
        painter.drawLine(
            option.rect.left() + self.PAD, bottom, option.rect.right() - self.PAD, bottom
        )
        painter.restore()

    def _paint_reminder(
        self, painter: QPainter, option: QStyleOptionViewItem, index: Index
    ) -> None:
        item: Reminder | None = index.data(RemindersModel.ReminderRole)
        if item is None:
            return  # a long agenda's row still loading: blank until its page arrives
        model = index.model()
        assert isinstance(model, RemindersModel)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = option.widget
        style = widget.style() if widget is not None else None
        painter.save()
        if style is not None:  # background, selection and focus frame as the style draws them
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        base, bold, small = self._fonts(option)
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = text if selected else palette.color(QPalette.ColorRole.PlaceholderText)
        warm = text if selected else readable(OVERDUE_COLOUR, palette)

        rect = option.rect.adjusted(self.PAD + 4, self.PAD, -self.PAD, -self.PAD)
        top_h = QFontMetrics(bold).height()
        line1 = QRect(rect.left(), rect.top(), rect.width(), top_h)
        line2 = QRect(
            rect.left(), rect.top() + top_h + 2, rect.width(), QFontMetrics(small).height()
        )
        time_w = self._time_width(option)
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

        if item.overdue and not selected:  # a warm bar down the left edge
            painter.fillRect(
                QRect(option.rect.left(), option.rect.top() + 3, 3, option.rect.height() - 6), warm
            )
        # Left column: the time, and under it the day unless the row is today's.
        due_now = bool(index.data(RemindersModel.DueNowRole))
        painter.setFont(bold if (item.overdue or due_now) else base)
        painter.setPen(warm if item.overdue else text)
        painter.drawText(QRect(line1.left(), line1.top(), time_w, top_h), left, clock(item.due))
        day = model.day_text(item)
        if day:
            painter.setFont(small)
            painter.setPen(warm if item.overdue else muted)
            painter.drawText(QRect(line2.left(), line2.top(), time_w, line2.height()), left, day)

        # Right column: contact name (with badges at the end) and the note.
        x = line1.left() + time_w + self.GAP
        right = line1.right()
        painter.setFont(small)
        if item.snoozed:
            badge_w = QFontMetrics(small).horizontalAdvance("Snoozed") + 10
            badge = QRect(right - badge_w + 1, line1.top() + 1, badge_w, top_h - 2)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(_SNOOZED_BADGE[0]))
            painter.drawRoundedRect(badge, 4, 4)
            painter.setPen(QColor(_SNOOZED_BADGE[1]))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "Snoozed")
            right = badge.left() - 6
        if item.spec.rrule:
            painter.setFont(base)
            painter.setPen(muted)
            mark_w = QFontMetrics(base).horizontalAdvance(_REPEAT_MARK)
            painter.drawText(
                QRect(right - mark_w + 1, line1.top(), mark_w, top_h), left, _REPEAT_MARK
            )
            right -= mark_w + 6
        painter.setFont(bold)
        painter.setPen(text)
        name = QFontMetrics(bold).elidedText(
            item.spec.contact_name, Qt.TextElideMode.ElideRight, max(right - x, 0)
        )
        painter.drawText(QRect(x, line1.top(), max(right - x, 0), top_h), left, name)
        if item.spec.note:
            painter.setFont(small)
            painter.setPen(muted)
            note_w = max(line2.right() - x, 0)
            note = " ".join(item.spec.note.split())  # one line: newlines become spaces
            note = QFontMetrics(small).elidedText(note, Qt.TextElideMode.ElideRight, note_w)
            painter.drawText(QRect(x, line2.top(), note_w, line2.height()), left, note)
        painter.restore()


class TemplateItemDelegate(QStyledItemDelegate):
    """Paints a template entry as two lines: the name in bold with its marker, then the
    description, smaller and greyed. The item's text stays the plain two-line text (for tests
    and screen readers)."""

    PADDING = 4

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        # Read from the model: initStyleOption turns the newline into a line separator.
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        first, _, second = text.partition("\n")
        name, _, marker = first.partition(MARKER_SEP)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is None:
            super().paint(painter, option, index)
            return
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        dim_role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        rect = opt.rect.adjusted(self.PADDING + 2, self.PADDING, -self.PADDING, -self.PADDING)
        bold, small = self._fonts(opt.font)
        painter.save()
        try:
            bold_metrics, metrics, small_metrics = (
                QFontMetrics(bold),
                QFontMetrics(opt.font),
                QFontMetrics(small),
            )
            baseline = rect.top() + bold_metrics.ascent()
            painter.setFont(bold)
            painter.setPen(opt.palette.color(text_role))
            shown = bold_metrics.elidedText(name, Qt.TextElideMode.ElideRight, rect.width())
            painter.drawText(rect.left(), baseline, shown)
            left = rect.left() + bold_metrics.horizontalAdvance(shown)
            if marker and left < rect.right():
                painter.setFont(opt.font)
                painter.setPen(opt.palette.color(dim_role))
                room = rect.right() - left
                painter.drawText(
                    left,
                    baseline,
                    metrics.elidedText(f"{MARKER_SEP}{marker}", Qt.TextElideMode.ElideRight, room),
                )
            if second:
                painter.setFont(small)
                painter.setPen(opt.palette.color(dim_role))
                line = small_metrics.elidedText(second, Qt.TextElideMode.ElideRight, rect.width())
                painter.drawText(
                    rect.left(),
                    baseline + bold_metrics.descent() + 2 + small_metrics.ascent(),
                    line,
                )
        finally:
            painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        bold, small = self._fonts(option.font)
        height = QFontMetrics(bold).height() + 2 + QFontMetrics(small).height()
        return QSize(super().sizeHint(option, index).width(), height + 2 * self.PADDING)

    @staticmethod
    def _fonts(base: QFont) -> tuple[QFont, QFont]:
        bold = QFont(base)
        bold.setBold(True)
        small = QFont(base)
        small.setPointSizeF(base.pointSizeF() * 0.92)
        return bold, small


#: Cells in these states are painted the style's way (highlight, focus frame, hover). Plain ints:
#: a paint tests them for every cell, and enum flag arithmetic costs a Python call each.
_STYLED_STATES = (
    QStyle.StateFlag.State_Selected
    | QStyle.StateFlag.State_HasFocus
    | QStyle.StateFlag.State_MouseOver
).value
_ENABLED = QStyle.StateFlag.State_Enabled.value
_ACTIVE = QStyle.StateFlag.State_Active.value
_TEXT = QPalette.ColorRole.Text
_ELIDE = Qt.TextElideMode.ElideRight
_GROUPS = {  # (enabled, active) -> the palette's group, as QCommonStyle picks it for item text
    (True, True): QPalette.ColorGroup.Normal,
    (True, False): QPalette.ColorGroup.Inactive,
    (False, True): QPalette.ColorGroup.Disabled,
    (False, False): QPalette.ColorGroup.Disabled,
}


class ContactCellDelegate(QStyledItemDelegate):
    """Paints the contact list's cells as QStyledItemDelegate does (one line in the view's font,
    the style's text margins, centred vertically, elided on the right, the model's colour or the
    palette's: the same pixels), for a fraction of its cost.

    The style's way asks the model for seven roles per cell through Qt and lays each text out
    with a QTextLayout on every paint: two thirds of a frame when the list scrolls a screenful of
    five columns at 100,000 contacts (issue 18). Here a cell is one Python call that reads its
    text and colour from `ContactsModel.cell` and draws the (elided) string straight on the
    painter. Selected, focused and hovered cells go the style's way. GUI thread.
    """

    def __init__(self, model: ContactsModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._font: QFont | None = None  # the font the metrics below are for
        self._metrics = QFontMetrics(QFont())
        self._advance = QFontMetricsF(QFont()).horizontalAdvance
        self._margin = 0  # the style's space left and right of an item's text
        self._ascent = 0.0
        self._height = 0  # a line's height in whole pixels, as the style centres it
        # Each text's width, measured at its first paint: the same names, companies, stages and
        # dates come back as the list scrolls up and down (a screenful's new texts: 0.2 ms).
        self._widths: dict[str, int] = {}
        self._palette_colours: dict[tuple[int, int], QColor] = {}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        state = option.state.value
        font = option.font
        if self._font is None or font != self._font:
            self._set_font(font, option)
        found = None if state & _STYLED_STATES else self._model.cell(index.row(), index.column())
        if found is None:
            super().paint(painter, option, index)
            return
        text, colour = found
        if not text:
            return
        rect: tuple[int, int, int, int] = option.rect.getRect()  # type: ignore[assignment]
        left, top, width, height = rect
        room = width - 2 * self._margin
        if room <= 0:
            return
        if colour is None:  # the palette's text colour for the cell's state (enabled, active)
            palette = option.palette
            key = (palette.cacheKey(), state & (_ENABLED | _ACTIVE))
            colour = self._palette_colours.get(key)
            if colour is None:
                if len(self._palette_colours) > 64:
                    self._palette_colours.clear()
                group = _GROUPS[(bool(state & _ENABLED), bool(state & _ACTIVE))]
                colour = self._palette_colours[key] = palette.color(group, _TEXT)
        if "\n" in text:
            text = " ".join(text.splitlines())
        text_width = self._widths.get(text, -1)
        if text_width < 0:
            if len(self._widths) >= 4096:
                self._widths.clear()
            text_width = self._widths[text] = math.ceil(self._advance(text))
        if text_width > room:  # measured as QFontMetrics.elidedText measures
            text = self._metrics.elidedText(text, _ELIDE, room)
        painter.setPen(colour)
        # Centred where the style puts a line: half the spare height, rounded up (measured).
        at = QPointF(left + self._margin, top - (self._height - height) // 2 + self._ascent)
        if self._height <= height:
            painter.drawText(at, text)
            return
        painter.save()  # a font taller than the row: cut to the cell, as the style does
        painter.setClipRect(left, top, width, height)
        painter.drawText(at, text)
        painter.restore()

    def _set_font(self, font: QFont, option: QStyleOptionViewItem) -> None:
        self._font = QFont(font)
        self._widths.clear()
        self._metrics = QFontMetrics(font)
        self._advance = QFontMetricsF(font).horizontalAdvance
        exact = QFontMetricsF(font)  # a line's ascent and height as QTextLayout has them
        self._ascent = exact.ascent()
        self._height = math.ceil(exact.ascent() + exact.descent())
        widget = option.widget
        style = widget.style() if widget is not None else None
        margin = (
            style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget)
            if style is not None
            else 2
        )
        self._margin = margin + 1  # as QCommonStyle's item text margin
