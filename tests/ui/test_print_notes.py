"""The print dialog for thank-you notes: paper, envelopes, PDF, printer and preview, as a rep sees
them; every output marks the notes printed."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QFileDialog

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.enums import MeetingKind, ThanksStatus
from relationship_crm.domain.records import ContactDraft, MeetingDraft
from relationship_crm.services import contacts, meetings, settings, thanks, thanks_drafts
from relationship_crm.ui.dialogs.print_notes import PrintNotesDialog, name_list

pytestmark = pytest.mark.gui

NY = "America/New_York"
DRAFTED = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
NAMES = ("Jane Doe", "Zoë Ångström", "<b>Bob</b>")


@pytest.fixture
def note_ids(db) -> list[int]:
    """A note each to Jane and Zoë (after a meeting) and to <b>Bob</b> (after a lunch)."""
    with db.write() as s:
        settings.put(s, "rep_name", "Sam Rep")
        jane, zoe, bob = (contacts.create(s, ContactDraft(name=n), now=DRAFTED).id for n in NAMES)
        kickoff = meetings.log(
            s, MeetingDraft("Kick-off", datetime(2026, 11, 18, 10, 0), NY, (jane, zoe)), now=DRAFTED
        ).id
        lunch = meetings.log(
            s,
            MeetingDraft(
                "Lunch", datetime(2026, 11, 20, 12, 0), NY, (bob,), kind=MeetingKind.LUNCH
            ),
            now=DRAFTED,
        ).id
        ids = thanks_drafts.draft_for_meeting(s, kickoff, now=DRAFTED).value
        ids += thanks_drafts.draft_for_meeting(s, lunch, now=DRAFTED).value
    return ids


@pytest.fixture
def open_dialog(qtbot, ctx, wait_idle):
    def open_(ids: list[int]) -> PrintNotesDialog:
        dialog = PrintNotesDialog(ctx, ids)
        qtbot.addWidget(dialog)
        dialog.show()
        wait_idle()  # the recipients and the default paper are loaded
        return dialog

    return open_


def pdf_pages(path: Path) -> list[str]:
    """Each page's text, NFKC-normalised, with runs of white space (pypdf: tabs) as one space."""
    reader = PdfReader(path)
    return [
        re.sub(r"\s+", " ", unicodedata.normalize("NFKC", page.extract_text())).strip()
        for page in reader.pages
    ]


def statuses(db, ids: list[int]) -> list[ThanksStatus]:
    with db.read() as s:
        return [thanks.get_note(s, i).status for i in ids]


def test_says_what_will_print_on_the_default_paper(open_dialog, note_ids):
    dialog = open_dialog(note_ids)
    assert dialog.windowTitle() == "Print thank-you notes"
    assert dialog.summary_label.text() == "3 notes will print."
    assert dialog.names_label.text() == "To Jane Doe, Zoë Ångström and <b>Bob</b>"
    # The rep works in New York (tests/conftest.py), so US-style dates and Letter paper.
    assert dialog.paper_combo.currentText() == "US Letter"
    assert dialog.envelope_check.text() == "&Envelope page after each note"
    assert not dialog.envelope_check.isChecked()
    assert "No. 10" in dialog.envelope_hint.text()
    assert [b.isEnabled() for b in (dialog.preview_button, dialog.print_button)] == [True, True]


def test_the_paper_setting_is_the_default(db, open_dialog, note_ids):
    with db.write() as s:
        settings.put(s, "page_size", "a6")
    dialog = open_dialog(note_ids[:1])
    assert dialog.paper_combo.currentText() == "A6 card"
    assert dialog.summary_label.text() == "1 note will print."
    assert "C6" in dialog.envelope_hint.text()


def test_save_pdf_writes_one_page_per_note_and_marks_them_printed(
    qtbot, db, ctx, open_dialog, note_ids, tmp_path, wait_idle
):
    dialog = open_dialog(note_ids)
    target = tmp_path / "notes.pdf"
    with (
        qtbot.waitSignal(dialog.printed) as printed,
        qtbot.waitSignal(ctx.events.changed) as changed,
    ):
        dialog.save_pdf(target)
    wait_idle()

    pages = pdf_pages(target)
    assert len(pages) == 3
    assert pages[0].startswith("SAM REP November 23, 2026 Dear Jane,")
    assert "Dear Zoë," in pages[1]
    assert "Dear <b>Bob</b>," in pages[2]  # text, never markup
    assert "lunch" in pages[2]  # the lunch template, filled for Bob
    assert not any("{{" in page for page in pages)

    assert printed.args == [note_ids]
    assert changed.args == [Changes(thanks=True), dialog]
    assert statuses(db, note_ids) == [ThanksStatus.PRINTED] * 3
    assert dialog.done_label.isVisible()
    assert dialog.done_label.text() == f"✓ Saved to {target} (3 notes)"
    assert not dialog.error_label.isVisible()


def test_envelopes_add_a_page_per_note_with_the_name_as_typed(
    qtbot, db, open_dialog, note_ids, tmp_path, wait_idle
):
    dialog = open_dialog(note_ids)
    dialog.envelope_check.setChecked(True)
    target = tmp_path / "with-envelopes.pdf"
    with qtbot.waitSignal(dialog.printed):
        dialog.save_pdf(target)
    wait_idle()

    pages = pdf_pages(target)
    assert len(pages) == 6
    envelopes = pages[1::2]
    for name, envelope in zip(NAMES, envelopes, strict=True):
        assert name in envelope  # "<b>Bob</b>" is text, never markup
        assert "Sam Rep" in envelope  # the return address
    assert not any("{{" in page for page in pages)
    # None of them has a postal address: the rep is told, not stopped.
    assert dialog.warning_label.isVisible()
    assert dialog.warning_label.text() == (
        "No postal address for Jane Doe, Zoë Ångström and <b>Bob</b>: "
        "their envelopes carry the name only."
    )
    assert statuses(db, note_ids) == [ThanksStatus.PRINTED] * 3


def test_unedited_drafts_print_with_details_set_after_drafting(
    qtbot, db, open_dialog, note_ids, tmp_path, wait_idle
):
    with db.write() as s:
        thanks_drafts.put_setting(s, "signature", "Samantha")
        thanks_drafts.update_body(
            s, note_ids[1], "Dear Zoë,\n\nTack så mycket!\n\nSam", now=DRAFTED
        )
    dialog = open_dialog(note_ids[:2])
    with qtbot.waitSignal(dialog.printed):
        dialog.save_pdf(tmp_path / "notes.pdf")
    wait_idle()

    jane, zoe = pdf_pages(tmp_path / "notes.pdf")
    assert jane.endswith("Samantha")  # filled again from the template when it was set
    assert zoe.endswith("Dear Zoë, Tack så mycket! Sam")  # the rep's own wording, as written
    with db.read() as s:
        assert thanks.get_note(s, note_ids[0]).body.rstrip().endswith("Samantha")


def test_a_folder_that_does_not_exist_is_an_inline_error(
    db, open_dialog, note_ids, tmp_path, wait_idle
):
    dialog = open_dialog(note_ids)
    dialog.save_pdf(tmp_path / "nowhere" / "notes.pdf")
    wait_idle()
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text().startswith("Not saved: cannot write")
    assert "does not exist" in dialog.error_label.text()
    assert "Traceback" not in dialog.error_label.text()
    assert not dialog.done_label.isVisible()
    assert statuses(db, note_ids) == [ThanksStatus.DRAFT] * 3
    assert dialog.pdf_button.isEnabled()  # the rep can try again


def test_save_as_pdf_offers_a_dated_name(
    qtbot, db, open_dialog, note_ids, tmp_path, monkeypatch, wait_idle
):
    offered: list[str] = []

    def fake_save_dialog(parent, caption, suggested, filters):
        offered.append(suggested)
        return str(tmp_path / "for the post"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_save_dialog))
    dialog = open_dialog(note_ids)
    with qtbot.waitSignal(dialog.printed):
        dialog.pdf_button.click()
    wait_idle()
    assert Path(offered[0]).name == "thank-you-notes-2026-11-23.pdf"
    saved = tmp_path / "for the post.pdf"  # ".pdf" is added when the rep leaves it out
    assert len(pdf_pages(saved)) == 3
    assert statuses(db, note_ids) == [ThanksStatus.PRINTED] * 3


def test_cancelling_the_file_dialog_does_nothing(db, open_dialog, note_ids, monkeypatch, runner):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: ("", "")))
    dialog = open_dialog(note_ids)
    dialog.pdf_button.click()
    assert runner.idle
    assert statuses(db, note_ids) == [ThanksStatus.DRAFT] * 3


def test_printing_paints_on_the_printer_and_marks_printed(
    qtbot, db, open_dialog, note_ids, tmp_path, wait_idle
):
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printer.pdf"))
    dialog = open_dialog(note_ids)
    dialog.choose_printer = lambda: printer  # instead of the modal QPrintDialog
    with qtbot.waitSignal(dialog.printed):
        dialog.print_button.click()
    wait_idle()
    assert len(pdf_pages(tmp_path / "printer.pdf")) == 3
    assert dialog.done_label.text() == "✓ 3 notes printed"
    assert statuses(db, note_ids) == [ThanksStatus.PRINTED] * 3


def test_cancelling_the_print_dialog_does_nothing(db, open_dialog, note_ids, runner):
    dialog = open_dialog(note_ids)
    dialog.choose_printer = lambda: None
    dialog.print_button.click()
    assert runner.idle
    assert statuses(db, note_ids) == [ThanksStatus.DRAFT] * 3


def test_the_preview_paints_and_printing_from_it_marks_printed(
    qtbot, db, ctx, open_dialog, note_ids, tmp_path, wait_idle
):
    shown: list[QPrintPreviewDialog] = []
    dialog = open_dialog(note_ids)
    dialog.envelope_check.setChecked(True)
    dialog.show_preview = shown.append  # instead of opening it
    dialog.preview_button.click()
    wait_idle()  # the pages are prepared
    (preview,) = shown
    assert preview.windowTitle() == "Preview thank-you notes"

    # What the preview draws on its own printer, drawn on a PDF printer instead.
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "preview.pdf"))
    preview.paintRequested.emit(printer)
    pages = pdf_pages(tmp_path / "preview.pdf")
    assert len(pages) == 6
    assert "Zoë Ångström" in pages[3]
    assert statuses(db, note_ids) == [ThanksStatus.DRAFT] * 3  # a look changes nothing

    with qtbot.waitSignal(ctx.events.changed):
        preview.accept()  # what the preview's Print button does once the job was sent
    wait_idle()
    assert statuses(db, note_ids) == [ThanksStatus.PRINTED] * 3
    assert dialog.done_label.text() == "✓ 3 notes printed"


def test_closing_the_preview_without_printing_leaves_the_notes_drafts(
    qtbot, db, open_dialog, note_ids, wait_idle, runner
):
    shown: list[QPrintPreviewDialog] = []
    dialog = open_dialog(note_ids)
    dialog.show_preview = shown.append
    dialog.preview()
    wait_idle()
    shown[0].reject()
    assert runner.idle
    assert statuses(db, note_ids) == [ThanksStatus.DRAFT] * 3
    assert dialog.preview_button.isEnabled()


def test_the_preview_builds_and_shows_on_its_own(qtbot, open_dialog, note_ids, wait_idle):
    dialog = open_dialog(note_ids[:1])
    dialog.preview()
    wait_idle()
    preview = dialog.preview_dialog
    assert preview is not None
    qtbot.waitUntil(preview.isVisible)  # painted by the preview widget as it shows
    preview.reject()
    assert not preview.isVisible()


def test_notes_deleted_meanwhile_are_left_out(db, open_dialog, note_ids):
    with db.write() as s:
        thanks.delete_note(s, note_ids[0])
    dialog = open_dialog(note_ids)
    assert dialog.summary_label.text() == "2 notes will print."
    assert dialog.note_ids == note_ids[1:]


def test_name_list():
    assert name_list(["Jane"]) == "Jane"
    assert name_list(["Jane", "Bob"]) == "Jane and Bob"
    assert name_list(["A", "B", "C", "D", "E", "F"]) == "A, B, C, D and 2 more"
