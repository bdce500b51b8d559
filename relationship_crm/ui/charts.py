"""Bar charts painted with QPainter, the same on screen, on a printer and on a PDF page.

Why not Qt Charts: it is deprecated since Qt 6.10, it lives in the 59 MB PySide6-Addons wheel
(the app needs only PySide6-Essentials), and its QGraphicsView scene does not paint the same on
a printer as on screen. The dashboard needs bars, stacked or grouped, with titles, axis labels
and values on them; a page of QPainter calls does that, from plain data (`Chart`), onto any
QPainter and rectangle: `paint_chart` draws a `ChartWidget` on screen and a page of a
QPdfWriter/QPrinter alike. Every size is derived from the font's height, so a 1200 dpi page
looks like the 96 dpi screen. Colours are chosen for a light background and made readable on
a dark palette by `ui.colours.readable`; a printed page always uses the light ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from relationship_crm.ui.colours import is_dark, readable

# Series colours for a light background (Okabe-Ito-like, told apart by colour-blind readers).
BLUE = "#1f5fa8"
ORANGE = "#c35a00"
GREEN = "#1b7a43"
RED = "#b3261e"
PURPLE = "#6a3d9a"
GREY = "#6b6b6b"
TEAL = "#00796b"
PALETTE = (BLUE, ORANGE, GREEN, PURPLE, TEAL, GREY)


@dataclass(frozen=True, slots=True)
class Series:
    """One kind of value drawn in every bar (a stacked segment or a grouped bar)."""

    name: str
    colour: str


@dataclass(frozen=True, slots=True)
class Bar:
    """One category: its key (what a click reports), label and one value per series.

    `text` is written on the bar (default: the total); `note` is a second, quieter line
    beside it ("→ 66.7%"). `colours` overrides the series colours for this bar only.
    """

    key: str
    label: str
    values: tuple[float, ...]
    text: str | None = None
    note: str = ""
    colours: tuple[str, ...] = ()

    @property
    def total(self) -> float:
        return sum(self.values)


@dataclass(frozen=True, slots=True)
class Chart:
    """What to draw: bars, their series, titles and axis labels.

    `horizontal` draws bars left to right (long labels such as stages or tags); otherwise they
    stand up (weeks, months). `stacked` piles the series; otherwise they stand side by side.
    `reference` is a dashed line at a value with its label (the monthly budget).
    """

    title: str
    bars: tuple[Bar, ...]
    series: tuple[Series, ...] = (Series("", BLUE),)
    horizontal: bool = False
    stacked: bool = True
    subtitle: str = ""
    value_axis: str = ""
    category_axis: str = ""
    reference: tuple[float, str] | None = None
    empty_text: str = "Nothing to show yet"
    format_value: Callable[[float], str] = field(default=lambda v: f"{v:,.0f}")

    def bar_text(self, bar: Bar) -> str:
        """What is written on `bar`: its own text, else its formatted total."""
        return bar.text if bar.text is not None else self.format_value(bar.total)

    @property
    def is_empty(self) -> bool:
        return not self.bars or all(bar.total == 0 for bar in self.bars)


@dataclass(frozen=True, slots=True)
class ChartStyle:
    """The colours a chart is painted with."""

    text: QColor
    muted: QColor
    grid: QColor
    dark: bool
    background: QColor

    @classmethod
    def from_palette(cls, palette: QPalette) -> ChartStyle:
        text = palette.color(QPalette.ColorRole.WindowText)
        muted = QColor(text)
        muted.setAlphaF(0.7)
        grid = QColor(text)
        grid.setAlphaF(0.18)
        return cls(
            text=text,
            muted=muted,
            grid=grid,
            dark=is_dark(palette),
            background=palette.color(QPalette.ColorRole.Window),
        )

    @classmethod
    def for_print(cls) -> ChartStyle:
        return cls(
            text=QColor("#111111"),
            muted=QColor("#555555"),
            grid=QColor("#d0d0d0"),
            dark=False,
            background=QColor("#ffffff"),
        )

    def colour(self, hex_colour: str) -> QColor:
        if not self.dark:
            return QColor(hex_colour)
        dark_palette = QPalette()
        dark_palette.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
        return readable(hex_colour, dark_palette)


@dataclass(frozen=True, slots=True)
class HitBox:
    """Where a bar was painted, for clicks."""

    rect: QRectF
    key: str


def _nice_step(value: float) -> float:
    """The gridline step: 1, 2 or 5 times a power of ten, so that about five steps reach
    `value` (whole numbers for counts: never a 12.5 gridline)."""
    if value <= 0:
        return 1.0
    raw = value / 5
    power = 1.0
    while power * 10 <= raw:
        power *= 10
    while power > raw:
        power /= 10
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return max(factor * power, 1.0)
    return 10 * power


def _nice_max(value: float) -> float:
    """The top of the value axis: the first whole number of gridline steps at or above `value`."""
    step = _nice_step(value)
    steps = max(int(-(-value // step)), 1)
    return steps * step


def _elide(metrics: QFontMetricsF, text: str, width: float) -> str:
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(width, 0.0))


def _fit(
    painter: QPainter, rect: QRectF, text: str, align: Qt.AlignmentFlag, min_scale: float = 0.7
) -> None:
    """Draw `text` in `rect`, wrapped at spaces and shrunk (down to `min_scale`) until it fits;
    elided at the smallest size if it still does not."""
    base = QFont(painter.font())
    flags = int(align) | int(Qt.TextFlag.TextWordWrap)
    scale = 1.0
    while True:
        font = QFont(base)
        font.setPointSizeF(base.pointSizeF() * scale)
        painter.setFont(font)
        metrics = QFontMetricsF(font, painter.device())
        needed = painter.boundingRect(rect, flags, text)
        longest = max(metrics.horizontalAdvance(word) for word in text.split() or [""])
        if (needed.height() <= rect.height() + 0.5 and longest <= rect.width()) or (
            scale <= min_scale
        ):
            break
        scale -= 0.1
    if longest > rect.width() or needed.height() > rect.height() + 0.5:
        painter.drawText(rect, int(align), _elide(metrics, text, rect.width()))
    else:
        painter.drawText(rect, flags, text)
    painter.setFont(base)


def paint_chart(painter: QPainter, rect: QRectF, chart: Chart, style: ChartStyle) -> list[HitBox]:
    """Paint `chart` into `rect` with the painter's current font; returns the bars' boxes."""
    painter.save()
    try:
        return _paint(painter, rect, chart, style)
    finally:
        painter.restore()


def _paint(painter: QPainter, rect: QRectF, chart: Chart, style: ChartStyle) -> list[HitBox]:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    base = QFont(painter.font())
    metrics = QFontMetricsF(base, painter.device())
    line = metrics.height()
    pad = line * 0.4
    area = rect.adjusted(pad, pad, -pad, -pad)

    title_font = QFont(base)
    title_font.setBold(True)
    title_font.setPointSizeF(base.pointSizeF() * 1.12)
    painter.setFont(title_font)
    title_metrics = QFontMetricsF(title_font, painter.device())
    painter.setPen(style.text)
    painter.drawText(
        QRectF(area.left(), area.top(), area.width(), title_metrics.height()),
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        _elide(title_metrics, chart.title, area.width()),
    )
    top = area.top() + title_metrics.height()
    painter.setFont(base)
    if chart.subtitle:
        painter.setPen(style.muted)
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) | int(
            Qt.TextFlag.TextWordWrap
        )
        needed = painter.boundingRect(
            QRectF(area.left(), top, area.width(), line * 3), flags, chart.subtitle
        )
        lines = min(max(round(needed.height() / line), 1), 3)
        _fit(
            painter,
            QRectF(area.left(), top, area.width(), line * lines),
            chart.subtitle,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
            min_scale=0.9,
        )
        painter.setFont(base)
        top += line * lines
    named = [s for s in chart.series if s.name]
    if not chart.is_empty and (len(named) > 1 or (named and chart.stacked is False)):
        top = _legend(painter, QRectF(area.left(), top, area.width(), line), chart, style) + line
    top += pad
    body = QRectF(area.left(), top, area.width(), max(area.bottom() - top, line))
    if chart.is_empty:
        painter.setPen(style.muted)
        painter.drawText(
            body, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, chart.empty_text
        )
        return []
    if chart.horizontal:
        return _horizontal(painter, body, chart, style, metrics)
    return _vertical(painter, body, chart, style, metrics)


def _legend(painter: QPainter, rect: QRectF, chart: Chart, style: ChartStyle) -> float:
    metrics = QFontMetricsF(painter.font(), painter.device())
    x = rect.left()
    box = metrics.height() * 0.6
    for series in chart.series:
        if not series.name:
            continue
        width = box + metrics.horizontalAdvance(series.name) + metrics.height()
        if x + width > rect.right() and x > rect.left():
            break  # the legend keeps to one line; the bars' labels still say what they are
        painter.fillRect(
            QRectF(x, rect.center().y() - box / 2, box, box), style.colour(series.colour)
        )
        painter.setPen(style.text)
        painter.drawText(
            QRectF(x + box * 1.4, rect.top(), width, rect.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            series.name,
        )
        x += width
    return rect.top()


def _segments(chart: Chart, bar: Bar) -> list[tuple[float, QColor | str]]:
    colours = bar.colours or tuple(s.colour for s in chart.series)
    return [(value, colours[index % len(colours)]) for index, value in enumerate(bar.values)]


def _vertical(
    painter: QPainter, body: QRectF, chart: Chart, style: ChartStyle, metrics: QFontMetricsF
) -> list[HitBox]:
    line = metrics.height()
    peak = max((bar.total if chart.stacked else max(bar.values, default=0)) for bar in chart.bars)
    if chart.reference is not None:
        peak = max(peak, chart.reference[0])
    top_value = _nice_max(peak)
    axis_width = metrics.horizontalAdvance(chart.format_value(top_value)) + line * 0.4
    if chart.value_axis:
        axis_width += line
    bottom_space = line * (3.2 if chart.category_axis else 2.3)  # labels may take two lines
    plot = QRectF(
        body.left() + axis_width,
        body.top() + line * 1.1,  # room for the value above the tallest bar
        body.width() - axis_width,
        body.height() - bottom_space - line * 1.1,
    )
    if plot.height() <= line or plot.width() <= line:
        return []

    def y_of(value: float) -> float:
        return plot.bottom() - plot.height() * value / top_value

    _grid(painter, plot, top_value, chart, style, metrics, horizontal=False)
    slot = plot.width() / len(chart.bars)
    bar_width = min(slot * 0.72, line * 3.2)
    # One size for the row of labels (months in a row all the same size), down to 80%; a
    # label still too long shrinks alone below that.
    label_font = QFont(painter.font())
    words = [word for bar in chart.bars for word in bar.label.split()]
    widest = max((metrics.horizontalAdvance(word) for word in words), default=0.0)
    if widest > slot * 0.92:
        label_font.setPointSizeF(label_font.pointSizeF() * max(0.8, slot * 0.92 / max(widest, 1.0)))
    boxes: list[HitBox] = []
    for index, bar in enumerate(chart.bars):
        centre = plot.left() + slot * (index + 0.5)
        left = centre - bar_width / 2
        segments = _segments(chart, bar)
        if chart.stacked:
            bottom = plot.bottom()
            for value, colour in segments:
                if value <= 0:
                    continue
                height = plot.height() * value / top_value
                painter.fillRect(
                    QRectF(left, bottom - height, bar_width, height), style.colour(str(colour))
                )
                bottom -= height
            top = y_of(bar.total)
        else:
            count = max(len(segments), 1)
            width = bar_width / count
            top = plot.bottom()
            for number, (value, colour) in enumerate(segments):
                if value <= 0:
                    continue
                y = y_of(value)
                painter.fillRect(
                    QRectF(left + number * width, y, width * 0.92, plot.bottom() - y),
                    style.colour(str(colour)),
                )
                top = min(top, y)
        text = bar.text if bar.text is not None else chart.format_value(bar.total)
        if text:
            painter.setPen(style.text)
            _fit(
                painter,
                QRectF(centre - slot / 2, top - line * 1.05, slot, line),
                text,
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                min_scale=0.6,
            )
        painter.setPen(style.muted)
        body_font = QFont(painter.font())
        painter.setFont(label_font)
        _fit(
            painter,
            QRectF(centre - slot * 0.46, plot.bottom() + line * 0.15, slot * 0.92, line * 2),
            bar.label,
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
            min_scale=0.85,
        )
        painter.setFont(body_font)
        boxes.append(HitBox(QRectF(centre - slot / 2, plot.top(), slot, plot.height()), bar.key))
    if chart.reference is not None:
        _reference(painter, plot, y_of(chart.reference[0]), chart.reference[1], style, metrics)
    if chart.category_axis:
        painter.setPen(style.muted)
        painter.drawText(
            QRectF(plot.left(), body.bottom() - line, plot.width(), line),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter,
            chart.category_axis,
        )
    if chart.value_axis:
        painter.save()
        painter.setPen(style.muted)
        painter.translate(body.left() + line * 0.5, plot.center().y())
        painter.rotate(-90)
        painter.drawText(
            QRectF(-plot.height() / 2, -line / 2, plot.height(), line),
            Qt.AlignmentFlag.AlignCenter,
            chart.value_axis,
        )
        painter.restore()
    return boxes


def _horizontal(
    painter: QPainter, body: QRectF, chart: Chart, style: ChartStyle, metrics: QFontMetricsF
) -> list[HitBox]:
    line = metrics.height()
    peak = max((bar.total if chart.stacked else max(bar.values, default=0)) for bar in chart.bars)
    top_value = _nice_max(peak)
    label_width = min(
        max(metrics.horizontalAdvance(bar.label) for bar in chart.bars) + line * 0.5,
        body.width() * 0.34,
    )
    value_width = (
        max(
            metrics.horizontalAdvance(
                (bar.text if bar.text is not None else chart.format_value(bar.total))
                + ("  " + bar.note if bar.note else "")
            )
            for bar in chart.bars
        )
        + line * 0.5
    )
    value_width = min(value_width, body.width() * 0.4)
    axis_space = line * (2.2 if chart.value_axis else 1.2)
    plot = QRectF(
        body.left() + label_width,
        body.top(),
        body.width() - label_width - value_width,
        body.height() - axis_space,
    )
    if plot.height() <= line * 0.5 or plot.width() <= line:
        return []
    _grid(painter, plot, top_value, chart, style, metrics, horizontal=True)
    slot = plot.height() / len(chart.bars)
    thickness = min(slot * 0.7, line * 1.6)
    boxes: list[HitBox] = []
    for index, bar in enumerate(chart.bars):
        middle = plot.top() + slot * (index + 0.5)
        top = middle - thickness / 2
        segments = _segments(chart, bar)
        right = plot.left()
        if chart.stacked:
            for value, colour in segments:
                if value <= 0:
                    continue
                width = plot.width() * value / top_value
                painter.fillRect(QRectF(right, top, width, thickness), style.colour(str(colour)))
                right += width
        else:
            count = max(len(segments), 1)
            each = thickness / count
            for number, (value, colour) in enumerate(segments):
                width = plot.width() * value / top_value
                painter.fillRect(
                    QRectF(plot.left(), top + number * each, width, each * 0.92),
                    style.colour(str(colour)),
                )
                right = max(right, plot.left() + width)
        painter.setPen(style.text)
        painter.drawText(
            QRectF(body.left(), middle - line / 2, label_width - line * 0.4, line),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            _elide(metrics, bar.label, label_width - line * 0.4),
        )
        text = bar.text if bar.text is not None else chart.format_value(bar.total)
        room = body.right() - right - line * 0.3
        text_rect = QRectF(right + line * 0.3, middle - line / 2, room, line)
        painter.drawText(
            text_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            _elide(metrics, text, room),
        )
        if bar.note:
            used = metrics.horizontalAdvance(text) + line * 0.5
            painter.setPen(style.muted)
            painter.drawText(
                text_rect.adjusted(used, 0, 0, 0),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                _elide(metrics, bar.note, room - used),
            )
        boxes.append(HitBox(QRectF(body.left(), middle - slot / 2, body.width(), slot), bar.key))
    if chart.value_axis:
        painter.setPen(style.muted)
        painter.drawText(
            QRectF(plot.left(), body.bottom() - line, plot.width(), line),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter,
            chart.value_axis,
        )
    return boxes


def _grid(
    painter: QPainter,
    plot: QRectF,
    top_value: float,
    chart: Chart,
    style: ChartStyle,
    metrics: QFontMetricsF,
    *,
    horizontal: bool,
) -> None:
    line = metrics.height()
    pen = QPen(style.grid)
    pen.setWidthF(max(line / 16, 0.5))
    step_value = _nice_step(top_value)
    steps = max(round(top_value / step_value), 1)
    for step in range(steps + 1):
        value = step_value * step
        painter.setPen(pen)
        if horizontal:
            x = plot.left() + plot.width() * value / top_value
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            painter.setPen(style.muted)
            painter.drawText(
                QRectF(x - line * 2, plot.bottom(), line * 4, line),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                chart.format_value(value),
            )
        else:
            y = plot.bottom() - plot.height() * value / top_value
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(style.muted)
            painter.drawText(
                QRectF(plot.left() - line * 6, y - line / 2, line * 6 - line * 0.3, line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                chart.format_value(value),
            )


def _reference(
    painter: QPainter,
    plot: QRectF,
    y: float,
    label: str,
    style: ChartStyle,
    metrics: QFontMetricsF,
) -> None:
    pen = QPen(style.colour(RED))
    pen.setWidthF(max(metrics.height() / 10, 1.0))
    pen.setStyle(Qt.PenStyle.DashLine)
    painter.setPen(pen)
    painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
    width = metrics.horizontalAdvance(label) + metrics.height() * 0.3
    box = QRectF(plot.right() - width, y - metrics.height(), width, metrics.height())
    # A label over a bar would be unreadable: it gets the background behind it.
    painter.fillRect(box, style.background)
    painter.setPen(style.colour(RED))
    painter.drawText(
        box,
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
        label,
    )


class ChartWidget(QWidget):
    """One chart on screen; a click on a bar emits its key.

    Signals:
        bar_clicked(str): the key of the bar under the click.
    Lives on the GUI thread.
    """

    bar_clicked = Signal(str)

    def __init__(self, chart: Chart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._chart = chart
        self._boxes: list[HitBox] = []
        self._stale = True  # boxes not yet laid out for this chart and size
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(260, 180)
        self.setMouseTracking(True)
        self._update_name()

    @property
    def chart(self) -> Chart:
        return self._chart

    def set_chart(self, chart: Chart) -> None:
        self._chart = chart
        self._boxes = []
        self._stale = True
        self._update_name()
        self.update()

    def _update_name(self) -> None:
        bars = ", ".join(f"{bar.label}: {self._chart.bar_text(bar)}" for bar in self._chart.bars)
        self.setAccessibleName(self._chart.title)
        self.setAccessibleDescription(bars or self._chart.empty_text)
        self.setToolTip("Click a bar to see what is behind it" if self._chart.bars else "")

    def sizeHint(self) -> QSize:
        return QSize(420, 260)

    def bar_boxes(self) -> list[HitBox]:
        """Where the bars are painted (tests click their centres)."""
        if self._stale:
            # A click can come before the first paint: lay the chart out on an image instead.
            image = QImage(max(self.width(), 1), max(self.height(), 1), QImage.Format.Format_RGB32)
            painter = QPainter(image)
            try:
                painter.setFont(self.font())
                self._boxes = paint_chart(
                    painter, QRectF(self.rect()), self._chart, ChartStyle.for_print()
                )
            finally:
                painter.end()
            self._stale = False
        return list(self._boxes)

    def key_at(self, point: QPointF) -> str | None:
        for box in self.bar_boxes():
            if box.rect.contains(point):
                return box.key
        return None

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._boxes = paint_chart(
                painter, QRectF(self.rect()), self._chart, ChartStyle.from_palette(self.palette())
            )
            self._stale = False
        finally:
            painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._stale = True
        super().resizeEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        over = self.key_at(event.position()) is not None
        self.setCursor(Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            key = self.key_at(event.position())
            if key is not None:
                self.bar_clicked.emit(key)
                return
        super().mouseReleaseEvent(event)


def paint_grid(
    painter: QPainter,
    rect: QRectF,
    charts: Sequence[Chart],
    style: ChartStyle,
    *,
    columns: int = 2,
    gap: float = 0.0,
) -> None:
    """Paint several charts in a grid of `columns` filling `rect` (a printed page)."""
    if not charts:
        return
    rows = (len(charts) + columns - 1) // columns
    width = (rect.width() - gap * (columns - 1)) / columns
    height = (rect.height() - gap * (rows - 1)) / rows
    for index, chart in enumerate(charts):
        row, column = divmod(index, columns)
        cell = QRectF(
            rect.left() + column * (width + gap), rect.top() + row * (height + gap), width, height
        )
        paint_chart(painter, cell, chart, style)
