"""The print dialog for thank-you notes: paper, envelopes, then preview, print or save as PDF."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from relationship_crm.domain.changes import Changes, Outcome
from relationship_crm.domain.enums import ThanksStatus
from relationship_crm.domain.errors import KnownError
from relationship_crm.services import thanks, thanks_printing
from relationship_crm.services.note_pages import PAPERS, Paper
from relationship_crm.services.thanks import ThanksView
from relationship_crm.services.thanks_printing import NotePage
from relationship_crm.ui import printing
from relationship_crm.ui.callbacks import while_alive
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.dialogs.base import SavingDialog
from relationship_crm.ui.models.thanks_model import name_list, notes_count
from relationship_crm.ui.operations import failure_text, report_failure, run_write
from relationship_crm.ui.widgets.messages import ERROR_COLOUR, WARNING_COLOUR, message_label

_HINT_STYLE = "color: palette(placeholder-text);"
_DONE_COLOUR = "#1e7a46"


def default_pdf_name(day_iso: str) -> str:
    """The file name offered by Save as PDF: thank-you-notes-2026-11-23.pdf."""
    return f"thank-you-notes-{day_iso}.pdf"


class PrintNotesDialog(SavingDialog):
    """Owns the paper and envelope choices for printing some thank-you notes, and the output.

    On opening it loads (through `ctx.runner.query`) the notes' recipients and the default paper
    (`settings.page_size`). Every output first runs `thanks_printing.prepare_pages` through
    `ctx.runner.submit` (the stored text of each note, exactly as the notes window shows it; a
    write only when a template is chosen, told to the other windows once), then paints with
    `ui.printing` on the GUI thread, then marks the notes printed (`thanks.mark_printed` through
    `operations.run_write`, which notifies its changes) and shows a confirmation line.

    * Preview… builds a QPrintPreviewDialog (`build_preview`) and shows it with `show_preview`
      (window-modal `open()` by default); printing from the preview marks the notes printed.
    * Print… asks for a printer with `choose_printer` (a QPrintDialog by default), then
      `print_to(printer)`.
    * Save as PDF… asks for a file with `choose_pdf_path` (QFileDialog), then `save_pdf(path)`.

    `show_preview`, `choose_printer` and `choose_pdf_path` are attributes so tests (and callers)
    can replace them instead of running a modal dialog. Errors the rep can act on show inline in
    red; the dialog stays open. While an output is under way the dialog cannot be closed.

    Signals:
        loaded(): the recipients and the default paper are shown.
        printed(list): the ids of the notes just marked printed.
    Lives on the GUI thread.
    """

    loaded = Signal()
    printed = Signal(list)

    def __init__(
        self, ctx: UiContext, note_ids: Sequence[int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._ids: list[int] = list(dict.fromkeys(note_ids))
        self._notes: tuple[ThanksView, ...] = ()
        self._loaded = False
        self._paper_touched = False
        # What prepare_pages changed (drafts filled again): said once, whatever happens next.
        self._unannounced = Changes()
        self.preview_dialog: QPrintPreviewDialog | None = None
        self.show_preview: Callable[[QPrintPreviewDialog], None] = self._open_preview
        self.choose_printer: Callable[[], QPrinter | None] = self._ask_printer
        self.choose_pdf_path: Callable[[], Path | None] = self._ask_pdf_path
        self.setWindowTitle("Print thank-you notes")
        self.setMinimumWidth(460)
        self._build()
        self._connect_signals()
        self._update_buttons()
        ids = list(self._ids)
        ctx.runner.query(
            lambda s: thanks_printing.load_print_job(s, ids),
            while_alive(self, self._on_job_loaded),
            while_alive(self, self._on_job_failed),
        )

    # --- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.summary_label = QLabel(f"{notes_count(len(self._ids))} will print.")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.summary_label.font())
        font.setBold(True)
        self.summary_label.setFont(font)
        self.names_label = QLabel("Loading…")
        self.names_label.setTextFormat(Qt.TextFormat.PlainText)  # names are data, not markup
        self.names_label.setWordWrap(True)
        self.names_label.setStyleSheet(_HINT_STYLE)

        self.paper_combo = QComboBox()
        for key, sheet in PAPERS.items():
            self.paper_combo.addItem(sheet.label, key)
        self.paper_combo.setAccessibleName("Paper")
        self.envelope_check = QCheckBox("&Envelope page after each note")
        self.envelope_hint = QLabel()
        self.envelope_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.envelope_hint.setStyleSheet(_HINT_STYLE)
        self._update_envelope_hint()
        # The hint lines up with the check box's text, not its box.
        style = self.style()
        indent = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth) + style.pixelMetric(
            QStyle.PixelMetric.PM_CheckBoxLabelSpacing
        )
        self.envelope_hint.setContentsMargins(indent, 0, 0, 0)
        envelope_field = QVBoxLayout()
        envelope_field.setSpacing(2)
        envelope_field.addWidget(self.envelope_check)
        envelope_field.addWidget(self.envelope_hint)

        paper_label = QLabel("&Paper:")
        paper_label.setBuddy(self.paper_combo)
        form = QFormLayout()
        form.addRow(paper_label, self.paper_combo)
        form.addRow("", envelope_field)

        self.progress_label = QLabel()
        self.progress_label.setTextFormat(Qt.TextFormat.PlainText)
        self.progress_label.setStyleSheet(_HINT_STYLE)
        self.progress_label.hide()
        self.done_label = message_label(_DONE_COLOUR)
        self.warning_label = message_label(WARNING_COLOUR)
        self.error_label = message_label(ERROR_COLOUR)

        self.buttons = QDialogButtonBox()
        self.preview_button = QPushButton("Pre&view…")
        self.print_button = QPushButton("&Print…")
        self.pdf_button = QPushButton("&Save as PDF…")
        role = QDialogButtonBox.ButtonRole.ActionRole
        for button in (self.preview_button, self.print_button, self.pdf_button):
            self.buttons.addButton(button, role)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.print_button.setDefault(True)
        self.preview_button.setToolTip("See the pages before printing them")
        self.pdf_button.setToolTip("Write the notes to a PDF file, to print later or elsewhere")

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.names_label)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addStretch(1)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.done_label)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def _connect_signals(self) -> None:
        self.preview_button.clicked.connect(self._on_preview_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.pdf_button.clicked.connect(self._on_pdf_button_clicked)
        self.buttons.rejected.connect(self.reject)
        self.paper_combo.activated.connect(self._on_paper_combo_activated)
        self.paper_combo.currentIndexChanged.connect(self._on_paper_combo_changed)

    # --- loading ------------------------------------------------------------------------------

    def _on_job_loaded(self, job: thanks_printing.PrintJob) -> None:
        self._loaded = True
        self._notes = job.notes
        self._ids = [n.id for n in job.notes]  # notes deleted meanwhile are left out
        if not self._paper_touched:
            index = self.paper_combo.findData(job.page_size)
            if index >= 0:
                self.paper_combo.setCurrentIndex(index)
        self._show_summary()
        self._update_buttons()
        self.loaded.emit()

    def _show_summary(self) -> None:
        notes = self._notes
        if not notes:
            self.summary_label.setText("No notes to print.")
            self.names_label.setText("The notes chosen were deleted meanwhile.")
            return
        self.summary_label.setText(f"{notes_count(len(notes))} will print.")
        names = [n.contact_name for n in notes]
        sent = sum(1 for n in notes if n.status is ThanksStatus.SENT)
        extra = f" ({sent} already sent: printed as sent)" if sent else ""
        self.names_label.setText(f"To {name_list(names)}{extra}")

    def _on_job_failed(self, exc: BaseException) -> None:
        self.names_label.setText("Could not load the notes.")
        self._loaded = True
        self._ids = []
        self._update_buttons()
        self._fail(exc)

    # --- state --------------------------------------------------------------------------------

    @property
    def note_ids(self) -> list[int]:
        """The notes this dialog prints (once loaded: only those that still exist)."""
        return list(self._ids)

    def sheet(self) -> Paper:
        """The paper chosen."""
        return PAPERS[str(self.paper_combo.currentData())]

    def _update_buttons(self) -> None:
        ready = self._loaded and bool(self._ids) and not self._saving
        for button in (self.preview_button, self.print_button, self.pdf_button):
            button.setEnabled(ready)
        self.close_button.setEnabled(not self._saving)

    def _set_busy(self, busy: bool, message: str = "") -> None:
        self._saving = busy
        if busy:
            self.done_label.hide()
            self.warning_label.hide()
            self.error_label.hide()
        self.progress_label.setText(message)
        self.progress_label.setVisible(busy and bool(message))
        self._update_buttons()

    def _update_envelope_hint(self) -> None:
        envelope = self.sheet().envelope
        self.envelope_hint.setText(
            f"Envelopes: {envelope.label}, {envelope.width_mm:g} × {envelope.height_mm:g} mm, "
            "fed landscape"
        )

    # --- output -------------------------------------------------------------------------------

    def preview(self) -> None:
        """Prepare the pages, build the print preview and show it with `show_preview`."""
        self._prepare(self._on_preview_pages)

    def print_to(self, printer: QPrinter) -> None:
        """Prepare the pages, paint them on `printer`, then mark the notes printed."""
        self._prepare(partial(self._on_print_pages, printer))

    def save_pdf(self, path: Path) -> None:
        """Prepare the pages, write them to the PDF file `path`, then mark the notes printed."""
        self._prepare(partial(self._on_pdf_pages, path))

    def build_preview(self, pages: Sequence[NotePage]) -> QPrintPreviewDialog:
        """A print preview of `pages` on the chosen paper (not shown). Printing from it marks
        the notes printed; closing it without printing changes nothing more."""
        if self.preview_dialog is not None:
            self.preview_dialog.deleteLater()
        dialog = QPrintPreviewDialog(self)
        dialog.setWindowTitle("Preview thank-you notes")
        dialog.resize(820, 900)
        sheet, envelopes = self.sheet(), self.envelope_check.isChecked()
        shown = list(pages)
        dialog.paintRequested.connect(lambda printer: self._paint(printer, shown, sheet, envelopes))
        dialog.accepted.connect(lambda: self._mark_printed(shown, envelopes, None))
        dialog.rejected.connect(self._announce)
        self.preview_dialog = dialog
        return dialog

    def _prepare(self, then: Callable[[list[NotePage]], None]) -> None:
        if self._saving or not self._ids:
            return
        ids, now = list(self._ids), self._ctx.clock()
        self._set_busy(True, "Preparing the pages…")
        self._ctx.runner.submit(
            lambda s: thanks_printing.prepare_pages(s, ids, now=now),
            while_alive(self, partial(self._on_prepared, then)),
            while_alive(self, self._on_output_failed),
        )

    def _on_prepared(
        self,
        then: Callable[[list[NotePage]], None],
        result: Outcome[tuple[list[NotePage], list[int]]],
    ) -> None:
        pages, _kept = result.value  # no template override here, so nothing is kept against one
        self._unannounced = result.changes
        then(pages)

    def _on_preview_pages(self, pages: list[NotePage]) -> None:
        self._set_busy(False)
        self.show_preview(self.build_preview(pages))

    def _on_print_pages(self, printer: QPrinter, pages: list[NotePage]) -> None:
        envelopes = self.envelope_check.isChecked()
        if self._paint(printer, pages, self.sheet(), envelopes):
            self._mark_printed(pages, envelopes, None)
        else:
            self._set_busy(False)
            self._announce()

    def _on_pdf_pages(self, path: Path, pages: list[NotePage]) -> None:
        envelopes = self.envelope_check.isChecked()
        try:
            printing.write_pdf(path, pages, self.sheet(), envelopes=envelopes)
        except KnownError as exc:
            self._set_busy(False)
            self._announce()
            self._show_error(f"Not saved: {exc}")
            return
        except OSError as exc:  # e.g. a folder the rep may not write to
            self._set_busy(False)
            self._announce()
            self._show_error(f"Could not save {path}: {exc.strerror or exc}")
            return
        self._mark_printed(pages, envelopes, path)

    def _paint(
        self, printer: QPrinter, pages: Sequence[NotePage], sheet: Paper, envelopes: bool
    ) -> bool:
        try:
            printing.render_notes(printer, pages, sheet, envelopes=envelopes)
        except KnownError as exc:
            self._show_error(f"Not printed: {exc}")
            return False
        return True

    def _mark_printed(self, pages: Sequence[NotePage], envelopes: bool, path: Path | None) -> None:
        ids, now = [p.note_id for p in pages], self._ctx.clock()
        missing = [p.contact_name for p in pages if envelopes and not p.has_address]
        self._set_busy(True, "Marking the notes printed…")
        # The notes are printed even if this dialog was closed meanwhile: run_write tells everyone.
        run_write(
            self,
            self._ctx,
            lambda s: thanks.mark_printed(s, ids, now=now),
            partial(self._on_marked, ids, missing, path),
            show_error=self._show_error,
            what="Not printed",
            failed=self._on_output_settled,
        )

    def _on_marked(
        self, ids: list[int], missing: list[str], path: Path | None, _changes: Changes
    ) -> None:
        self._unannounced = Changes()  # the notice of mark_printed covers prepare_pages's
        self._set_busy(False)
        if path is None:
            self.done_label.setText(f"✓ {notes_count(len(ids))} printed")
        else:
            self.done_label.setText(f"✓ Saved to {path} ({notes_count(len(ids))})")
        self.done_label.show()
        if missing:
            self.warning_label.setText(
                f"No postal address for {name_list(missing)}: "
                + ("its envelope carries" if len(missing) == 1 else "their envelopes carry")
                + " the name only."
            )
            self.warning_label.show()
        self.printed.emit(ids)

    def _on_output_failed(self, exc: BaseException) -> None:
        self._on_output_settled(exc)
        self._fail(exc)

    def _on_output_settled(self, _exc: BaseException) -> None:
        self._set_busy(False)
        self._announce()

    def _fail(self, exc: BaseException) -> None:
        self._show_error(failure_text("Not printed", exc))
        report_failure(self._ctx, exc, shown=True)

    def _announce(self) -> None:
        """Tell the other windows what prepare_pages changed (drafts filled again), once."""
        changes, self._unannounced = self._unannounced, Changes()
        if changes:
            self._ctx.events.notify(changes, self)

    # --- the modal questions (replaceable) ----------------------------------------------------

    def _open_preview(self, dialog: QPrintPreviewDialog) -> None:
        dialog.open()

    def _ask_printer(self) -> QPrinter | None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName("Thank-you notes")
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print thank-you notes")
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        return printer if accepted else None

    def _ask_pdf_path(self) -> Path | None:
        suggested = Path.home() / default_pdf_name(self._ctx.today().isoformat())
        chosen, _filter = QFileDialog.getSaveFileName(
            self, "Save thank-you notes as PDF", str(suggested), "PDF files (*.pdf)"
        )
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")

    # --- slots --------------------------------------------------------------------------------

    def _on_preview_button_clicked(self) -> None:
        self.preview()

    def _on_print_button_clicked(self) -> None:
        printer = self.choose_printer()
        if printer is not None:
            self.print_to(printer)

    def _on_pdf_button_clicked(self) -> None:
        path = self.choose_pdf_path()
        if path is not None:
            self.save_pdf(path)

    def _on_paper_combo_activated(self, _index: int) -> None:
        self._paper_touched = True

    def _on_paper_combo_changed(self, _index: int) -> None:
        self._update_envelope_hint()

    # --- closing ------------------------------------------------------------------------------

    def done(self, result: int) -> None:
        if self._saving:
            return
        self._announce()
        super().done(result)
