"""`relationship-crm export --format csv`: one row per contact, formulas neutralised."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from relationship_crm.interchange.csv_export import COLUMNS, neutralise


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_every_contact_is_one_row_with_its_details(cli, tmp_path):
    cli(
        "contact",
        "add",
        "Zoë Ångström",
        "--email",
        "work:zoe@example.com",
        "--email",
        "zoe@home.example",
        "--company",
        "Café Über",
        "--title",
        "CFO",
        "--stage",
        "lead",
        "--tag",
        "vip",
        "--notes",
        "Line one\nline two, with a comma",
    )
    cli("contact", "add", "Bob Stone")
    out = tmp_path / "contacts.csv"
    result = cli("export", "--format", "csv", str(out))
    assert result.code == 0, result.err
    assert "exported 2 contacts" in result.err
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    rows = rows_of(raw.decode("utf-8"))
    assert list(rows[0]) == list(COLUMNS)
    by_name = {r["Name"]: r for r in rows}
    zoe = by_name["Zoë Ångström"]
    assert zoe["Emails"] == "work: zoe@example.com; zoe@home.example"
    assert (zoe["Company"], zoe["Title"], zoe["Stage"], zoe["Tags"]) == (
        "Café Über",
        "CFO",
        "lead",
        "vip",
    )
    assert zoe["Notes"] == "Line one\nline two, with a comma"
    assert set(by_name) == {"Zoë Ångström", "Bob Stone"}


def test_cells_a_spreadsheet_would_run_are_neutralised(cli):
    cli(
        "contact",
        "add",
        '=HYPERLINK("http://evil")',
        "--company",
        "@SUM(A1)",
        "--phone",
        "+1 212 555 0100",
        "--title=-2+3",
    )
    rows = rows_of(cli("export", "--format", "csv", "-").out)
    (row,) = rows
    assert row["Name"] == '\'=HYPERLINK("http://evil")'
    assert row["Company"] == "'@SUM(A1)"
    assert row["Title"] == "'-2+3"
    assert row["Phones"].startswith("'+1")


def test_bad_folders_are_clear_errors_and_leave_nothing(cli, tmp_path):
    nowhere = cli("export", "--format", "csv", str(tmp_path / "no" / "x.csv"))
    assert nowhere.code == 1 and "does not exist" in nowhere.err
    folder = cli("export", "--format", "csv", str(tmp_path))
    assert folder.code == 1 and "is a folder" in folder.err
    assert list(tmp_path.glob(".export-*")) == []


@given(st.text(max_size=30))
def test_no_neutralised_cell_starts_like_a_formula(cell):
    safe = neutralise(cell)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert safe.removeprefix("'") == cell or safe == cell
