"""File → Import in the app: what the file holds, the duplicate rule, progress, Cancel, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from relationship_crm.domain.records import ContactDraft, Labeled
from relationship_crm.services import contacts
from relationship_crm.services.import_summary import OnDuplicate
from relationship_crm.ui.dialogs import column_mapping
from relationship_crm.ui.dialogs.import_dialog import ImportDialog

pytestmark = pytest.mark.gui

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def open_import(qtbot, ctx, wait_idle):
    def open_(path: Path) -> ImportDialog:
        dialog = ImportDialog(ctx, path)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.state != "reading", timeout=10_000)
        return dialog

    return open_


def count(db) -> int:
    with db.read() as s:
        return contacts.count(s)


def test_a_google_export_is_described_then_imported(qtbot, db, ctx, open_import, wait_idle):
    changes = []
    ctx.events.changed.connect(lambda c, _who: changes.append(c))
    dialog = open_import(DATA / "csv" / "google-contacts.csv")
    assert dialog.state == "ready"
    assert "Google Contacts CSV" in dialog.heading.text()
    assert dialog.detail.text() == "4 contacts to import."
    assert dialog.rule_buttons[OnDuplicate.SKIP].isChecked()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.state == "done", timeout=10_000)
    assert dialog.detail.text() == "Added 4 contacts, merged 0, skipped 0 duplicates."
    assert dialog.close_button.isVisible() and not dialog.cancel_button.isVisible()
    assert count(db) == 4
    assert changes and changes[-1].contacts


def test_merge_rule_is_used(qtbot, db, open_import):
    with db.write() as s:
        contacts.create(s, ContactDraft(name="Zoë", emails=(Labeled("zoe@home.example"),)))
    dialog = open_import(DATA / "csv" / "google-contacts.csv")
    dialog.rule_buttons[OnDuplicate.MERGE].click()
    dialog.start_import()
    qtbot.waitUntil(lambda: dialog.state == "done", timeout=10_000)
    assert dialog.detail.text().startswith("Added 3 contacts, merged 1")


def test_a_bad_cell_does_not_block_the_file_and_is_listed_for_review(qtbot, db, open_import):
    dialog = open_import(DATA / "csv" / "bad-birthday.csv")
    assert dialog.state == "ready"
    assert not dialog.problems_table.isVisible()
    dialog.start_import()
    qtbot.waitUntil(lambda: dialog.state == "done", timeout=10_000)
    assert dialog.detail.text() == (
        "Added 3 contacts, merged 0, skipped 0 duplicates. Problems: 1 value kept in notes."
    )
    assert count(db) == 3
    table = dialog.problems_table
    assert dialog.problems_label.isVisible() and table.isVisible()
    assert [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())] == [
        "Record",
        "Field",
        "Value",
        "Problem",
    ]
    assert table.rowCount() == 1
    assert [table.item(0, c).text() for c in range(4)] == [
        "3 (line 5)",
        "birthday",
        "31/31/1999",
        "not a date (expected YYYY-MM-DD, --MM-DD or M/D/YYYY); kept in notes",
    ]


def test_every_problem_of_a_file_is_a_row_and_a_guessed_code_page_is_a_warning(
    qtbot, db, open_import
):
    dialog = open_import(DATA / "csv" / "google-invisible-marks.csv")
    dialog.start_import()
    qtbot.waitUntil(lambda: dialog.state == "done", timeout=10_000)
    table = dialog.problems_table
    rows = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
    assert [row[:3] for row in rows] == [
        ["2 (line 3)", "email", "tom baker@example.com"],
        ["3 (line 4)", "birthday", "1984-02-30"],
        ["3 (line 4)", "phone", "call me"],
    ]
    assert table.item(0, 2).flags() & Qt.ItemFlag.ItemIsEditable == Qt.ItemFlag(0)
    japanese = open_import(DATA / "csv" / "thunderbird-shift-jis.csv")
    assert "Warning: The file has no byte-order mark" in japanese.detail.text()
    japanese.start_import()
    qtbot.waitUntil(lambda: japanese.state == "done", timeout=10_000)
    assert "Shift-JIS" in japanese.detail.text()
    assert not japanese.problems_table.isVisible()


def test_blank_rows_are_counted_before_and_after_the_import(qtbot, db, open_import):
    dialog = open_import(DATA / "csv" / "linkedin-2018.csv")
    assert dialog.detail.text() == "3 contacts to import.\nBlank rows to skip: 2."
    dialog.start_import()
    qtbot.waitUntil(lambda: dialog.state == "done", timeout=10_000)
    assert "Skipped 2 blank rows." in dialog.detail.text()
    assert dialog.problems_table.rowCount() == 2  # the two urn:li:member ids, kept in notes
    assert count(db) == 3


def test_a_file_that_is_not_what_it_claims_is_refused(qtbot, db, open_import):
    dialog = open_import(DATA / "csv" / "not-csv.csv")
    assert dialog.state == "failed"
    assert "Nothing was imported." in dialog.detail.text()
    assert count(db) == 0


def test_a_file_that_is_no_contacts_is_named(qtbot, open_import):
    dialog = open_import(DATA / "csv" / "not-csv.csv")
    assert dialog.state == "failed"
    assert "PNG image" in dialog.detail.text()


def test_cancel_during_a_big_import_keeps_nothing(qtbot, db, open_import, tmp_path):
    rows = "".join(f"P{i},F{i},p{i}@example.com,,Co {i % 50},\r\n" for i in range(20_000))
    big = tmp_path / "big.csv"
    header = "First Name,Last Name,E-mail Address,Business Phone,Company,Job Title\r\n"
    big.write_text(header + rows)
    dialog = open_import(big)
    assert dialog.detail.text() == "20,000 contacts to import."
    seen = []
    dialog.progress.valueChanged.connect(seen.append)
    dialog.start_import()
    qtbot.waitUntil(lambda: len(seen) > 0, timeout=10_000)
    dialog.reject()  # Esc or Cancel: stops the import, the dialog stays to say so
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.state == "failed", timeout=20_000)
    assert dialog.heading.text() == "Import cancelled"
    assert count(db) == 0


def test_an_unknown_csv_asks_for_the_columns(qtbot, db, open_import, monkeypatch):
    asked = []

    def answer(csv_file, parent):
        asked.append(csv_file.header)
        return {0: "family_name", 1: "given_name", 2: "email", 3: "phone", 4: "company"}

    monkeypatch.setattr(column_mapping, "ask_mapping", answer)
    dialog = open_import(DATA / "csv" / "custom-semicolon.csv")
    assert asked and asked[0][:2] == ("Nom", "Prénom")
    assert dialog.state == "ready"
    dialog.start_import()
    qtbot.waitUntil(lambda: dialog.state == "done", timeout=10_000)
    with db.read() as s:
        people = contacts.list_contacts(s)
    assert len(people) >= 2 and any(p.emails for p in people)


def test_cancelling_the_column_mapping_closes_the_import(qtbot, open_import, monkeypatch):
    monkeypatch.setattr(column_mapping, "ask_mapping", lambda csv_file, parent: None)
    dialog = open_import(DATA / "csv" / "custom-semicolon.csv")
    assert dialog.state == "closed" and not dialog.isVisible()
