"""The column-mapping dialog for a CSV file nobody recognised: guesses, preview, exclusivity."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox

from relationship_crm.interchange.csv_mapping import FIELDS
from relationship_crm.interchange.csv_reading import CsvFile, read_csv
from relationship_crm.interchange.csv_rows import NO_CONTENT
from relationship_crm.ui.dialogs.column_mapping import (
    COLUMN,
    INTRO,
    SAMPLES,
    UNUSABLE_TEXT,
    ColumnMappingDialog,
    ask_mapping,
)

pytestmark = pytest.mark.gui

DATA = Path(__file__).parents[1] / "data" / "csv"
FRENCH_GUESSES = {0: "family_name", 1: "given_name", 2: "email", 3: "phone", 4: "company"}


@pytest.fixture
def french() -> CsvFile:
    """Nom;Prénom;Courriel;Téléphone;Société in cp1252, with a blank row (skipped)."""
    return read_csv((DATA / "custom-semicolon.csv").read_bytes())


@pytest.fixture
def open_dialog(qtbot):
    def open_(csv_file: CsvFile) -> ColumnMappingDialog:
        dialog = ColumnMappingDialog(csv_file)
        qtbot.addWidget(dialog)
        with qtbot.waitActive(dialog):
            dialog.show()
            dialog.activateWindow()
        return dialog

    return open_


def choose(dialog: ColumnMappingDialog, column: int, label: str) -> None:
    """Pick `label` in a column's combo, as the rep does from its list."""
    combo = dialog.combos[column]
    index = combo.findText(label)
    assert index >= 0, label
    combo.setCurrentIndex(index)


def combo_texts(dialog: ColumnMappingDialog) -> list[str]:
    return [combo.currentText() for combo in dialog.combos]


def test_a_french_semicolon_file_gets_sensible_guesses_and_a_preview(open_dialog, french):
    dialog = open_dialog(french)
    assert dialog.intro_label.text() == INTRO
    assert dialog.description_label.text() == (
        "CSV (semicolon-separated, 5 columns) · 3 rows after the header"
    )
    table = dialog.table
    assert [table.item(r, COLUMN).text() for r in range(table.rowCount())] == [
        "Nom",
        "Prénom",
        "Courriel",
        "Téléphone",
        "Société",
    ]
    assert table.item(0, SAMPLES).text() == "Dupont  ·  Lefèvre  ·  Martin"
    assert table.item(2, SAMPLES).text() == "jean.dupont@exemple.fr  ·  zoe.martin@exemple.fr"
    assert combo_texts(dialog) == ["Family name", "Given name", "Email", "Phone", "Company"]
    assert [dialog.combos[0].itemText(i) for i in range(dialog.combos[0].count())] == [
        "Ignore",
        *(label for _key, label in FIELDS),
    ]
    assert dialog.mapping() == FRENCH_GUESSES
    assert dialog.is_usable() and dialog.import_button.isEnabled()
    assert dialog.preview_table.isVisible()
    assert dialog.preview_rows() == [
        ("Jean Dupont", "jean.dupont@exemple.fr", "+33 1 23 45 67 89", "ACME, SARL"),
        ("Hélène Lefèvre", "", "06 12 34 56 78", "Café de Flore"),
        ("Zoé Martin", "zoe.martin@exemple.fr", "", ""),
    ]


def test_changing_a_combo_changes_the_mapping_and_the_preview(qtbot, open_dialog, french):
    dialog = open_dialog(french)
    with qtbot.waitSignal(dialog.mapping_changed):
        choose(dialog, 3, "Notes")
    assert dialog.mapping() == {**FRENCH_GUESSES, 3: "notes"}
    assert [row[2] for row in dialog.preview_rows()] == ["", "", ""]  # no phones any more

    choose(dialog, 0, "Full name")
    choose(dialog, 1, "Ignore")
    assert dialog.mapping() == {0: "name", 2: "email", 3: "notes", 4: "company"}
    assert [row[0] for row in dialog.preview_rows()] == ["Dupont", "Lefèvre", "Martin"]


def test_a_mapping_that_names_nobody_disables_import_and_says_why(qtbot, open_dialog, french):
    dialog = open_dialog(french)
    for column in (0, 1, 2, 4):
        choose(dialog, column, "Ignore")
    assert dialog.mapping() == {3: "phone"}
    assert not dialog.import_button.isEnabled() and not dialog.is_usable()
    assert dialog.preview_message.isVisible() and not dialog.preview_table.isVisible()
    assert dialog.preview_message.text() == UNUSABLE_TEXT
    assert "“Full name”" in UNUSABLE_TEXT and "“Email”" in UNUSABLE_TEXT

    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Return does not import either
    assert dialog.isVisible() and dialog.result() == 0

    choose(dialog, 4, "Company")  # a company alone is enough to name a contact
    assert dialog.import_button.isEnabled()
    first, second, third = dialog.preview_rows()
    assert (first[3], second[3]) == ("ACME, SARL", "Café de Flore")
    assert third == (f"⚠ Line 5: {NO_CONTENT}",)  # Zoé has neither a phone nor a company


def test_a_single_valued_field_moves_to_the_column_that_takes_it(qtbot, open_dialog, french):
    dialog = open_dialog(french)
    assert not dialog.moved_label.isVisible()
    choose(dialog, 0, "Company")
    assert dialog.field_of(0) == "company"
    assert dialog.field_of(4) == ""  # Société is set to Ignore
    assert dialog.mapping() == {0: "company", 1: "given_name", 2: "email", 3: "phone"}
    assert dialog.moved_label.isVisible()
    assert dialog.moved_label.text() == (
        "“Company” comes from one column only: now “Nom”, so “Société” is set to Ignore."
    )
    assert [row[3] for row in dialog.preview_rows()] == ["Dupont", "Lefèvre", "Martin"]

    # Emails, phones, streets, notes and tags may come from several columns.
    choose(dialog, 4, "Email")
    assert dialog.mapping()[2] == dialog.mapping()[4] == "email"
    assert not dialog.moved_label.isVisible()


def test_import_returns_the_mapping_and_cancel_returns_none(qtbot, french):
    def answer(button: str) -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ColumnMappingDialog)
        if button == "escape":
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        else:
            choose(dialog, 3, "Ignore")
            qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, lambda: answer("escape"))
    assert ask_mapping(french) is None

    QTimer.singleShot(0, lambda: answer("import"))
    assert ask_mapping(french) == {0: "family_name", 1: "given_name", 2: "email", 4: "company"}


def test_accepting_emits_the_mapping(qtbot, open_dialog, french):
    dialog = open_dialog(french)
    with qtbot.waitSignal(dialog.mapping_accepted) as accepted:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert accepted.args == [FRENCH_GUESSES]
    assert not dialog.isVisible() and dialog.result() == 1


def test_tab_goes_from_combo_to_combo_then_to_the_buttons(qtbot, open_dialog, french):
    dialog = open_dialog(french)
    qtbot.waitUntil(dialog.combos[0].hasFocus)  # the first column, not the Import button
    focused = []
    for _ in range(len(dialog.combos) + 1):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused.append(QApplication.focusWidget())
    assert focused == [*dialog.combos[1:], dialog.import_button, dialog.cancel_button]
    assert all(isinstance(combo, QComboBox) for combo in dialog.combos)


def test_file_text_is_shown_as_text_and_a_bad_row_is_named(open_dialog):
    data = (
        b"Contact,E-mail,Birthday,Unknown\n"
        b"<b>Bob</b> & Co,bob@example.com,14/13/1980,<i>x</i>\n"
        b"Ann,ann@example.com,1980-03-14,\n"
    )
    dialog = open_dialog(read_csv(data))
    assert dialog.mapping() == {0: "name", 1: "email", 2: "birthday"}
    assert dialog.combos[3].currentText() == "Ignore"
    assert dialog.table.item(0, SAMPLES).text() == "<b>Bob</b> & Co  ·  Ann"
    # Tooltips are escaped: Qt would otherwise take "<b>…" for rich text.
    assert "&lt;b&gt;Bob&lt;/b&gt; &amp; Co" in dialog.table.item(0, SAMPLES).toolTip()
    assert dialog.table.item(3, SAMPLES).text() == "<i>x</i>"
    problem = (
        'unreadable birthday "14/13/1980" kept in notes '
        "(not a date (expected YYYY-MM-DD, --MM-DD or M/D/YYYY))"
    )
    # The row goes in, its bad birthday kept in the notes and named under it.
    assert dialog.preview_rows() == [
        ("<b>Bob</b> & Co", "bob@example.com", "", ""),
        (f"⚠ Line 2: {problem}",),
        ("Ann", "ann@example.com", "", ""),
    ]
    assert dialog.import_button.isEnabled()


def test_the_preview_reads_only_the_first_rows(open_dialog):
    rows = "".join(f"Person {n},p{n}@example.com\n" for n in range(1, 51))
    dialog = open_dialog(read_csv(f"Name,Email\n{rows}".encode()))
    assert dialog.preview_title.text() == "Preview: how the first 3 of 50 rows will import"
    assert [row[0] for row in dialog.preview_rows()] == ["Person 1", "Person 2", "Person 3"]
    assert dialog.description_label.text() == (
        "CSV (comma-separated, 2 columns) · 50 rows after the header"
    )
