"""The printed weekly review: two pages painted with QPainter on a printer or a PDF writer.

Page 1 holds the dashboard's six charts (`ui.charts`, the same drawing as on screen, in the
light colours); page 2 the lists: the week's follow-ups by day, who is drifting or lost, and the
thank-you notes to send. A list longer than its column ends with "… and N more" rather than
running onto a third page. `relationship-crm report weekly --pdf` calls `write_pdf` under an
offscreen application; File → Print weekly review… calls `render_review` with the chosen printer.
Runs on the GUI thread.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)

from relationship_crm.domain import timefmt
from relationship_crm.domain.errors import KnownError
from relationship_crm.scheduling.zones import get_zone
from relationship_crm.services import dashboard
from relationship_crm.services.export_files import replacing
from relationship_crm.ui import dashboard_charts
from relationship_crm.ui.charts import ChartStyle, paint_grid

#: The body text size of the review, in points (charts included).
BODY_PT = 8.5
TITLE = "Weekly review"


def _font(size: float, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(["DejaVu Sans", "Helvetica", "Arial", "sans-serif"])
    font.setPointSizeF(size)
    font.setBold(bold)
    return font


class _Column:
    """Lines of text flowing down one rectangle, with a "… and N more" when it is full."""

    def __init__(self, painter: QPainter, rect: QRectF, style: ChartStyle) -> None:
        self.painter = painter
        self.rect = rect
        self.style = style
        self.y = rect.top()
        self.body = _font(BODY_PT)
        self.metrics = QFontMetricsF(self.body, painter.device())

    @property
    def line(self) -> float:
        return self.metrics.height()

    def room_for(self, lines: float) -> bool:
        return self.y + self.line * lines <= self.rect.bottom()

    def heading(self, text: str, size: float = BODY_PT * 1.35) -> None:
        font = _font(size, bold=True)
        metrics = QFontMetricsF(font, self.painter.device())
        self.y += self.line * 0.4
        self._text(text, font, metrics, self.style.text)
        self.y += metrics.height() * 0.15

    def write(
        self, text: str, *, muted: bool = False, bold: bool = False, indent: float = 0
    ) -> None:
        font = _font(BODY_PT, bold=bold)
        colour = self.style.muted if muted else self.style.text
        self._text(text, font, QFontMetricsF(font, self.painter.device()), colour, indent)

    def _text(
        self,
        text: str,
        font: QFont,
        metrics: QFontMetricsF,
        colour: QColor,
        indent: float = 0,
    ) -> None:
        self.painter.setFont(font)
        self.painter.setPen(colour)
        width = self.rect.width() - indent * self.line
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
        self.painter.drawText(
            QRectF(self.rect.left() + indent * self.line, self.y, width, metrics.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            shown,
        )
        self.y += metrics.height()


def _page_layout() -> QPageLayout:
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Portrait,
        QMarginsF(12, 12, 12, 12),
        QPageLayout.Unit.Millimeter,
    )


def render_review(device: QPagedPaintDevice, review: dashboard.WeeklyReview) -> None:
    """Paint the review's two pages on `device` (a QPrinter or a QPdfWriter)."""
    device.setPageLayout(_page_layout())
    painter = QPainter()
    if not painter.begin(device):
        raise KnownError("could not start printing (is the printer or the PDF file writable?)")
    try:
        style = ChartStyle.for_print()
        page = QRectF(device.pageLayout().paintRectPixels(device.logicalDpiX()))
        page.moveTo(0, 0)
        _first_page(painter, page, review, style)
        if not device.newPage():
            raise KnownError("the printer refused a new page")
        _second_page(painter, page, review, style)
    finally:
        painter.end()


def _header(
    painter: QPainter, page: QRectF, review: dashboard.WeeklyReview, style: ChartStyle
) -> float:
    column = _Column(painter, page, style)
    board = review.dashboard
    last = review.first_day + timedelta(days=6)
    column.heading(
        f"{TITLE} · {timefmt.long_day(review.first_day)} – {timefmt.long_day(last)}",
        BODY_PT * 1.8,
    )
    local = board.now.astimezone(get_zone(board.zone))
    column.write(
        f"Figures as of {timefmt.long_local_moment(local)} {timefmt.zone_name(local)}"
        f" · times in {board.zone}",
        muted=True,
    )
    return column.y + column.line * 0.5


def _first_page(
    painter: QPainter, page: QRectF, review: dashboard.WeeklyReview, style: ChartStyle
) -> None:
    top = _header(painter, page, review, style)
    painter.setFont(_font(BODY_PT))
    charts = list(dashboard_charts.charts(review.dashboard).values())
    gap = QFontMetricsF(painter.font(), painter.device()).height()
    paint_grid(
        painter,
        QRectF(page.left(), top, page.width(), page.bottom() - top),
        charts,
        style,
        columns=2,
        gap=gap,
    )


def _second_page(
    painter: QPainter, page: QRectF, review: dashboard.WeeklyReview, style: ChartStyle
) -> None:
    top = _header(painter, page, review, style)
    gap = QFontMetricsF(_font(BODY_PT), painter.device()).height() * 1.5
    width = (page.width() - gap) / 2
    left = _Column(painter, QRectF(page.left(), top, width, page.bottom() - top), style)
    right = _Column(
        painter, QRectF(page.left() + width + gap, top, width, page.bottom() - top), style
    )
    _week(left, review)
    _health(right, review)
    _notes(right, review)


def _more(column: _Column, count: int) -> None:
    column.write(f"… and {count} more (see the app)", muted=True, indent=1)


def _week(column: _Column, review: dashboard.WeeklyReview) -> None:
    column.heading("Follow-ups this week")
    if review.overdue:
        s = "s" if review.overdue != 1 else ""
        column.write(f"{review.overdue} overdue follow-up{s} before these", bold=True)
    for index, day in enumerate(review.days):
        if not column.room_for(2.6):
            left = sum(len(d.items) for d in review.days[index:])
            if left:
                _more(column, left)
            return
        column.y += column.line * 0.3
        count = len(day.items)
        column.write(
            f"{timefmt.long_day(day.day)} — {count} follow-up{'s' if count != 1 else ''}"
            if count
            else f"{timefmt.long_day(day.day)} — nothing due",
            bold=bool(count),
            muted=not count,
        )
        for number, item in enumerate(day.items):
            if not column.room_for(2 if number < count - 1 else 1):
                _more(column, count - number)
                break
            note = " ".join(item.note.split())
            mark = " ↻" if item.recurring else ""
            text = f"{timefmt.clock(item.due)}  {item.contact_name}{mark}"
            column.write(f"{text} — {note}" if note else text, indent=1)


def _health(column: _Column, review: dashboard.WeeklyReview) -> None:
    column.heading("Lost or drifting")
    if not review.drifting_or_lost:
        column.write(dashboard.NO_RHYTHMS, muted=True)
        return
    for index, person in enumerate(review.drifting_or_lost):
        if not column.room_for(8):  # leave room for the notes below
            _more(column, len(review.drifting_or_lost) - index)
            return
        last = timefmt.day_month(person.last_contact, year=True) if person.last_contact else "never"
        column.write(f"{person.name} — {person.state}, last contact {last}", indent=1)


def _notes(column: _Column, review: dashboard.WeeklyReview) -> None:
    column.heading("Thank-you notes to send")
    total = sum(age.total for age in review.dashboard.thanks_outstanding)
    if not review.notes_to_send:
        column.write("Every thank-you note is sent.", muted=True)
        return
    for index, note in enumerate(review.notes_to_send):
        if not column.room_for(2):
            _more(column, total - index)
            return
        # The status and day first: a long meeting title is what gets cut, never those.
        status = "printed" if note.status == "printed" else "draft"
        other_year = note.meeting_day.year != review.first_day.year
        column.write(
            f"{timefmt.day_month(note.meeting_day, year=other_year)}"
            f"  {status}  {note.contact_name} — "
            f"{note.meeting_title}",
            indent=1,
        )
    if total > len(review.notes_to_send):
        _more(column, total - len(review.notes_to_send))


def write_pdf(path: Path, review: dashboard.WeeklyReview) -> None:
    """Write the review to a PDF at `path`, replacing it only once the PDF is complete."""
    with replacing(path.expanduser(), prefix=".review-", suffix=".pdf") as temporary:
        writer = QPdfWriter(str(temporary))
        writer.setResolution(300)
        writer.setCreator("Relationship CRM")
        writer.setTitle(TITLE)
        render_review(writer, review)
