"""Printing notes, letters and address labels with Qt: print preview, printers and PDF files.

The pages' content and layout come from `services.note_pages` (pure HTML); this module loads the
shipped typeface, lays each note out with QTextDocument at the printer's resolution and paints it,
one note per sheet (a long note continues on a second sheet, never clipped), optionally followed
by an envelope page. The command line's `thanks print --pdf` uses `write_pdf` under an offscreen
QGuiApplication, as do `campaign print` (campaign letters are NotePages too) and `campaign
labels` (`write_labels_pdf`, address labels on a `services.label_sheets` sheet). Runs on the GUI
thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from relationship_crm.bundled import resource_path
from relationship_crm.domain.errors import KnownError
from relationship_crm.services.export_files import replacing
from relationship_crm.services.label_sheets import LabelSheet
from relationship_crm.services.note_pages import (
    NOTE_FONTS,
    Envelope,
    Paper,
    envelope_html,
    margin_px,
    note_html,
)
from relationship_crm.services.thanks_printing import NotePage

_fonts_loaded = False


def ensure_fonts() -> None:
    """Register the shipped typeface with Qt (once per process)."""
    global _fonts_loaded
    if _fonts_loaded:
        return
    _fonts_loaded = True
    folder = resource_path("fonts")
    for path in sorted(folder.glob("*.otf")) + sorted(folder.glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(path))


def note_font(size_pt: float) -> QFont:
    """The notes' typeface at `size_pt`, without ligatures.

    Ligatures are switched off because Qt's PDF output maps some of them (EB Garamond's "ffi")
    to no text, so a PDF reader or a search would see "o ce" for "office".
    """
    ensure_fonts()
    font = QFont()
    font.setFamilies(list(NOTE_FONTS))
    font.setPointSizeF(size_pt)
    for tag in ("liga", "clig", "calt"):
        font.setFeature(QFont.Tag(tag), 0)
    return font


def _layout(width_mm: float, height_mm: float, name: str) -> QPageLayout:
    size = QPageSize(QSizeF(width_mm, height_mm), QPageSize.Unit.Millimeter, name)
    return QPageLayout(
        size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter
    )


def _paint_document(
    painter: QPainter, printer: QPrinter, html: str, font: QFont, margin_mm: float, first: bool
) -> bool:
    """Lay `html` out on the printer's current page size and paint it, page after page.

    Returns False when there was nothing to paint. `first` says whether the current page is
    still empty (otherwise a new page is started before painting).
    """
    page = printer.pageLayout().fullRectPixels(printer.resolution())
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(printer)
    doc.setDefaultFont(font)
    doc.setDocumentMargin(margin_px(margin_mm))
    doc.setHtml(html)
    doc.setPageSize(QSizeF(page.width(), page.height()))
    height = float(page.height())
    for index in range(doc.pageCount()):
        if not (first and index == 0) and not printer.newPage():
            raise KnownError("the printer refused a new page")
        painter.save()
        painter.translate(0, -index * height)
        doc.drawContents(painter, QRectF(0, index * height, page.width(), height))
        painter.restore()
    return doc.pageCount() > 0


def render_notes(
    printer: QPrinter, pages: Sequence[NotePage], sheet: Paper, *, envelopes: bool = False
) -> None:
    """Paint the notes onto `printer`: each note on its own sheet of `sheet`, then (optionally)
    its envelope, landscape. Used by the print preview, real printers and PDF files."""
    ensure_fonts()
    note_layout = _layout(sheet.width_mm, sheet.height_mm, sheet.label)
    envelope: Envelope = sheet.envelope
    # An envelope is fed short edge first; its page is as wide as the envelope is long.
    envelope_layout = _layout(envelope.width_mm, envelope.height_mm, f"{envelope.label} envelope")
    printer.setPageLayout(note_layout)
    painter = QPainter()
    if not painter.begin(printer):
        raise KnownError("could not start printing (is the printer or the PDF file writable?)")
    try:
        font = note_font(sheet.body_pt)
        dpi = printer.resolution()
        first = True
        for page in pages:
            if not first:
                printer.setPageLayout(note_layout)
            html = note_html(page, sheet)
            _paint_document(painter, printer, html, font, sheet.margin_mm, first)
            first = False
            if envelopes:
                printer.setPageLayout(envelope_layout)
                _paint_document(
                    painter, printer, envelope_html(page, envelope, dpi), font, 12, first
                )
    finally:
        painter.end()


def write_pdf(
    path: Path,
    pages: Sequence[NotePage],
    sheet: Paper,
    *,
    envelopes: bool = False,
    title: str = "Thank-you notes",
) -> None:
    """Write the notes to a PDF file at `path`, replacing it only once the PDF is complete."""
    with replacing(path.expanduser(), prefix=".notes-", suffix=".pdf") as temporary:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(temporary))
        printer.setCreator("Relationship CRM")
        printer.setDocName(title)
        render_notes(printer, pages, sheet, envelopes=envelopes)


def choose_printer(
    parent: QWidget, title: str, doc_name: str, path: Path | None = None
) -> QPrinter | None:
    """A high-resolution printer for `doc_name`: a PDF writer to `path` when given, otherwise
    the printer the rep chooses in the print dialog titled `title` (None when cancelled)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(doc_name)
    if path is not None:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        return printer
    chooser = QPrintDialog(printer, parent)
    chooser.setWindowTitle(title)
    return printer if chooser.exec() == QDialog.DialogCode.Accepted else None


def offscreen_application() -> QGuiApplication:
    """The running Qt application, or a new offscreen one for headless PDF output.

    A QApplication rather than a bare QGuiApplication, so that widgets can still be created in
    the same process afterwards (the test suite does).
    """
    existing = QGuiApplication.instance()
    if isinstance(existing, QGuiApplication):
        return existing
    return QApplication(["relationship-crm", "-platform", "offscreen"])


def render_labels(printer: QPrinter, labels: Sequence[Sequence[str]], sheet: LabelSheet) -> None:
    """Paint address labels onto `printer`, `sheet.per_sheet` to a page, row by row.

    Every label uses one type size: the largest (at most 12 pt, at least 6 pt) at which each
    label's lines fit its box inside a small margin; a line still too long is elided.
    """
    ensure_fonts()
    printer.setPageLayout(_layout(sheet.width_mm, sheet.height_mm, sheet.label))
    painter = QPainter()
    if not painter.begin(printer):
        raise KnownError("could not start printing (is the printer or the PDF file writable?)")
    try:
        dpi = printer.resolution()

        def px(mm: float) -> float:
            return mm / 25.4 * dpi

        pad = 3.0  # mm inside each label, so text never touches a die-cut edge
        width = px(sheet.label_width_mm - 2 * pad)
        height = px(sheet.label_height_mm - 2 * pad)
        size = min((_fit_size(printer, width, height, list(x)) for x in labels), default=12.0)
        font = note_font(size)
        painter.setFont(font)
        metrics = QFontMetricsF(font, printer)
        current = 0
        for index, lines in enumerate(labels):
            page, x, y = sheet.position(index)
            if page != current:
                if not printer.newPage():
                    raise KnownError("the printer refused a new page")
                current = page
            box = QRectF(px(x + pad), px(y + pad), width, height)
            _paint_label(painter, metrics, box, list(lines))
    finally:
        painter.end()


def _fit_size(printer: QPrinter, width: float, height: float, lines: list[str]) -> float:
    """The largest size from 12 pt down (half points, at least 6) at which `lines` fit."""
    size = 12.0
    while size > 6.0:
        metrics = QFontMetricsF(note_font(size), printer)
        widest = max((metrics.horizontalAdvance(line) for line in lines), default=0.0)
        if metrics.lineSpacing() * len(lines) <= height and widest <= width:
            break
        size -= 0.5
    return size


def _paint_label(painter: QPainter, metrics: QFontMetricsF, box: QRectF, lines: list[str]) -> None:
    # Vertically centred, left-aligned: how addresses are written.
    height = metrics.lineSpacing() * len(lines)
    top = box.top() + max(0.0, (box.height() - height) / 2)
    for number, line in enumerate(lines):
        baseline = top + metrics.ascent() + number * metrics.lineSpacing()
        if baseline > box.bottom():
            break
        text = metrics.elidedText(line, Qt.TextElideMode.ElideRight, box.width())
        painter.drawText(QPointF(box.left(), baseline), text)


def write_labels_pdf(path: Path, labels: Sequence[Sequence[str]], sheet: LabelSheet) -> None:
    """Write address labels to a PDF at `path`, replacing it only once the PDF is complete."""
    with replacing(path.expanduser(), prefix=".labels-", suffix=".pdf") as temporary:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(temporary))
        printer.setCreator("Relationship CRM")
        printer.setDocName("Address labels")
        render_labels(printer, labels, sheet)
