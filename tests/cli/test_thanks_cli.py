"""`relationship-crm thanks ...`: draft, list, print to PDF (read back with pypdf), sent.

Printing renders pages with Qt: those tests skip where PySide6 is not installed (the Qt-free core
run, tests/core.ini); the rest of the command works there and is tested there too.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from relationship_crm.services import thanks_drafts
from relationship_crm.storage.db import open_database

MM = 72 / 25.4  # PDF points per millimetre


@pytest.fixture
def qt_printing() -> None:
    """Skip where the desktop extra (PySide6) is not installed: printing needs Qt."""
    pytest.importorskip("PySide6", reason="printing to PDF needs PySide6 (the desktop extra)")


def pdf_pages(path: Path) -> list[str]:
    """The text of each page, NFKC-normalised with runs of whitespace made single spaces."""
    import pypdf  # with PySide6, in the test extra: only the printing tests read PDFs

    reader = pypdf.PdfReader(path)
    texts = []
    for page in reader.pages:
        text = unicodedata.normalize("NFKC", page.extract_text())
        texts.append(re.sub(r"\s+", " ", text).strip())
    return texts


def page_sizes_mm(path: Path) -> list[tuple[int, int]]:
    import pypdf

    reader = pypdf.PdfReader(path)
    return [
        (round(float(p.mediabox.width) / MM), round(float(p.mediabox.height) / MM))
        for p in reader.pages
    ]


@pytest.fixture
def meeting(cli) -> dict[str, int]:
    """A lunch with three attendees whose names test escaping and non-ASCII text."""
    ids = {
        "zoe": cli("contact", "add", "Zoë Ångström-Łukasiewicz", "--company", "Café Über GmbH").id,
        "bob": cli("contact", "add", "Bob <b>Griffin</b> {{rep_name}}").id,
        "dmitri": cli("contact", "add", "Дмитрий Ἀθηνᾶ").id,
    }
    for key, value in (
        ("rep_name", "Alex Morgan"),
        ("rep_company", "Northwind"),
        ("signature", "Alex"),
    ):
        assert cli("config", "set", key, value).code == 0
    ids["meeting"] = cli(
        "meeting",
        "log",
        "--title",
        "Q3 planning & <i>budget</i>",
        "--kind",
        "lunch",
        "--at",
        "2026-11-19 12:30",
        "--with",
        str(ids["zoe"]),
        "--with",
        str(ids["bob"]),
        "--with",
        str(ids["dmitri"]),
        # These tests draft the notes themselves (`thanks draft`), so the log must not.
        "--no-thanks",
    ).id
    return ids


def test_draft_prints_the_new_ids_and_never_duplicates(cli, meeting):
    first = cli("thanks", "draft", str(meeting["meeting"]))
    assert first.code == 0, first.err
    ids = [int(line) for line in first.out.split()]
    assert len(ids) == 3
    again = cli("thanks", "draft", str(meeting["meeting"]))
    assert again.code == 0 and again.out == ""
    assert "already has a note" in again.err


def test_list_as_json_has_the_contract_fields(cli, meeting):
    cli("thanks", "draft", str(meeting["meeting"]))
    rows = cli("thanks", "list", "--format", "json").json()
    assert len(rows) == 3
    for row in rows:
        assert {"id", "meeting_id", "contact_id", "contact_name", "status"} <= set(row)
        assert row["status"] == "draft" and row["meeting_id"] == meeting["meeting"]
    assert {r["contact_name"] for r in rows} == {
        "Zoë Ångström-Łukasiewicz",
        "Bob <b>Griffin</b> {{rep_name}}",
        "Дмитрий Ἀθηνᾶ",
    }
    assert cli("thanks", "list", "--status", "sent", "--format", "json").json() == []
    bad = cli("thanks", "list", "--status", "posted")
    assert bad.code == 1 and "invalid choice" in bad.err


def test_print_a_meeting_to_pdf_one_note_per_page(cli, meeting, tmp_path, qt_printing):
    cli("thanks", "draft", str(meeting["meeting"]))
    out = tmp_path / "notes.pdf"
    result = cli("thanks", "print", "--meeting", str(meeting["meeting"]), "--pdf", str(out))
    assert result.code == 0, result.err
    pages = pdf_pages(out)
    assert len(pages) == 3
    text = " ".join(pages)
    # Names intact, non-ASCII included; markup and braces typed by the rep shown literally.
    assert "Dear Zoë," in text
    assert "Dear Bob <b>Griffin</b>," in text  # given name guessed from the display name
    assert "Dear Дмитрий," in text
    assert "Café Über GmbH" in text
    assert "{{" not in text.replace("{{rep_name}}", "")  # only the literal one from the data
    for page in pages:  # letterhead, date and signature on every page
        assert page.startswith("ALEX MORGAN Northwind")
        assert page.endswith("Warm regards, Alex")
        assert re.search(r"[A-Z][a-z]+ \d{1,2}, \d{4}", page)
    # New York zone: US Letter by default.
    assert set(page_sizes_mm(out)) == {(216, 279)}
    statuses = {r["status"] for r in cli("thanks", "list", "--format", "json").json()}
    assert statuses == {"printed"}


def edit_note(db_path: Path, note_id: int, body: str) -> None:
    """Edit a note's text as the app's editor does (there is no command for it)."""
    db = open_database(db_path)
    try:
        with db.write() as s:
            thanks_drafts.update_body(s, note_id, body)
    finally:
        db.close()


def test_markup_in_a_hand_edited_note_prints_literally(
    cli, meeting, tmp_path, db_path, qt_printing
):
    (note_id, *_) = [int(x) for x in cli("thanks", "draft", str(meeting["meeting"])).out.split()]
    edit_note(db_path, note_id, "Hi <b>there</b> & <script>x</script> {{first_name}}")
    out = tmp_path / "one.pdf"
    assert cli("thanks", "print", str(note_id), "--pdf", str(out)).code == 0
    (page,) = pdf_pages(out)
    assert "Hi <b>there</b> & <script>x</script> {{first_name}}" in page


def test_all_drafts_on_cards_with_envelopes(cli, meeting, tmp_path, qt_printing):
    cli("thanks", "draft", str(meeting["meeting"]))
    out = tmp_path / "cards.pdf"
    result = cli(
        "thanks", "print", "--all-drafts", "--pdf", str(out), "--page-size", "card", "--envelopes"
    )
    assert result.code == 0, result.err
    assert "no postal address" in result.err  # the envelopes carry the name only
    sizes = page_sizes_mm(out)
    assert sizes == [(108, 140), (146, 111)] * 3  # note card, then its A2 envelope (landscape)
    envelopes = pdf_pages(out)[1::2]
    assert any("Zoë Ångström-Łukasiewicz Café Über GmbH" in page for page in envelopes)
    assert all(page.startswith("Alex Morgan Northwind") for page in envelopes)  # return address


@pytest.mark.parametrize(
    "size, mm", [("a4", (210, 297)), ("a6", (105, 148)), ("letter", (216, 279))]
)
def test_page_sizes(cli, meeting, tmp_path, size, mm, qt_printing):
    cli("thanks", "draft", str(meeting["meeting"]))
    out = tmp_path / f"{size}.pdf"
    assert cli("thanks", "print", "--all-drafts", "--pdf", str(out), "--page-size", size).code == 0
    assert set(page_sizes_mm(out)) == {mm}


def test_print_with_another_template_keeps_hand_edits(cli, meeting, tmp_path, db_path, qt_printing):
    ids = [int(x) for x in cli("thanks", "draft", str(meeting["meeting"])).out.split()]
    edit_note(db_path, ids[0], "My own words.")
    out = tmp_path / "deal.pdf"
    result = cli("thanks", "print", *map(str, ids), "--pdf", str(out), "--template", "after-deal")
    assert result.code == 0, result.err
    assert f"note {ids[0]} was edited by hand" in result.err
    pages = pdf_pages(out)
    assert "My own words." in pages[0]
    assert all("Thank you for choosing to work with Northwind." in p for p in pages[1:])


def test_sent_and_errors_are_one_line_and_change_nothing(cli, meeting, tmp_path):
    ids = [int(x) for x in cli("thanks", "draft", str(meeting["meeting"])).out.split()]
    assert cli("thanks", "sent", str(ids[0])).code == 0
    missing = cli("thanks", "sent", str(ids[1]), "999")
    assert missing.code == 1 and missing.err.count("\n") == 1 and "999" in missing.err
    rows = {r["id"]: r["status"] for r in cli("thanks", "list", "--format", "json").json()}
    assert rows == {ids[0]: "sent", ids[1]: "draft", ids[2]: "draft"}


def test_print_errors_are_one_line_and_change_nothing(cli, meeting, tmp_path, qt_printing):
    ids = [int(x) for x in cli("thanks", "draft", str(meeting["meeting"])).out.split()]
    assert cli("thanks", "sent", str(ids[0])).code == 0
    nowhere = cli("thanks", "print", "--all-drafts", "--pdf", str(tmp_path / "no" / "x.pdf"))
    assert nowhere.code == 1 and "does not exist" in nowhere.err
    both = cli("thanks", "print", "--meeting", "1", "2", "--pdf", str(tmp_path / "x.pdf"))
    assert both.code == 1 and "not allowed" in both.err
    neither = cli("thanks", "print", "--pdf", str(tmp_path / "x.pdf"))
    assert neither.code == 1 and "required" in neither.err
    unknown = cli(
        "thanks",
        "print",
        "--all-drafts",
        "--pdf",
        str(tmp_path / "x.pdf"),
        "--template",
        "after-party",
    )
    assert unknown.code == 1 and "after-meeting" in unknown.err
    assert not (tmp_path / "x.pdf").exists()
    rows = {r["id"]: r["status"] for r in cli("thanks", "list", "--format", "json").json()}
    assert rows == {ids[0]: "sent", ids[1]: "draft", ids[2]: "draft"}


def test_templates_lists_the_shipped_ones(cli):
    result = cli("thanks", "templates")
    assert result.code == 0
    for name in ("after-meeting", "after-lunch", "after-gift", "after-deal"):
        assert name in result.out
    rows = cli("thanks", "templates", "--format", "json").json()
    assert rows[0]["name"] == "after-meeting" and rows[0]["shipped"] is True
    assert "{{first_name}}" in rows[0]["body"]


def test_pdf_output_works_in_a_headless_process(cli, meeting, tmp_path, db_path, qt_printing):
    """A real `relationship-crm` process with no display writes the PDF (offscreen Qt)."""
    cli("thanks", "draft", str(meeting["meeting"]))
    out = tmp_path / "headless.pdf"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "relationship_crm",
            "--db",
            str(db_path),
            "thanks",
            "print",
            "--all-drafts",
            "--pdf",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert len(pdf_pages(out)) == 3


def shown_body(cli, note_id: int) -> str:
    """The note's text as `thanks show` prints it (after the header's blank line)."""
    shown = cli("thanks", "show", str(note_id))
    assert shown.code == 0, shown.err
    return shown.out.split("\n\n", 1)[1]


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def test_what_thanks_show_says_is_what_prints_after_a_settings_change(
    cli, meeting, tmp_path, qt_printing
):
    first = cli("thanks", "draft", str(meeting["meeting"]))
    note_ids = [int(line) for line in first.out.split()]
    assert cli("config", "set", "signature", "Sam").code == 0
    before = shown_body(cli, note_ids[0])
    assert normalised(before).endswith("Sam")
    assert cli("config", "set", "signature", "Sam R.").code == 0
    assert cli("config", "set", "date_style", "international").code == 0
    bodies = [shown_body(cli, note_id) for note_id in note_ids]
    assert normalised(bodies[0]).endswith("Sam R.")  # the screen follows the setting at once
    out = tmp_path / "notes.pdf"
    result = cli("thanks", "print", *map(str, note_ids), "--pdf", str(out))
    assert result.code == 0, result.err
    for body, page in zip(bodies, pdf_pages(out), strict=True):
        # The page is letterhead, date line, then exactly the shown body.
        assert page.endswith(normalised(body))
    assert [shown_body(cli, note_id) for note_id in note_ids] == bodies  # printing changed nothing


def test_a_hand_edited_note_keeps_its_text_when_settings_change(cli, meeting, db_path):
    note_id = int(cli("thanks", "draft", str(meeting["meeting"])).out.split()[0])
    edit_note(db_path, note_id, "Thanks!\n\nAlex")
    assert cli("config", "set", "signature", "Sam R.").code == 0
    assert shown_body(cli, note_id) == "Thanks!\n\nAlex\n"


def test_multi_line_address_and_signature_keep_their_lines(cli, meeting, tmp_path, qt_printing):
    address = "1 Main St, Suite 4\nSpringfield IL 62701"
    assert cli("config", "set", "rep_address", address).code == 0
    assert cli("config", "set", "signature", "Warm regards,\nSam R.").code == 0
    shown = cli("config", "show", "--format", "json").json()
    values = {row["key"]: row["value"] for row in shown}
    assert values["rep_address"] == "1 Main St, Suite 4\nSpringfield IL 62701"
    assert values["signature"] == "Warm regards,\nSam R."
    assert "rep_address = 1 Main St, Suite 4\\nSpringfield IL 62701\t#" in cli("config", "show").out

    note_id = int(cli("thanks", "draft", str(meeting["meeting"])).out.split()[0])
    body = shown_body(cli, note_id)
    assert body.count("Warm regards,") == 1  # the signature's closing replaces the template's
    assert body.rstrip().endswith("Warm regards,\nSam R.")  # on two lines, as typed
    out = tmp_path / "notes.pdf"
    assert cli("thanks", "print", str(note_id), "--pdf", str(out), "--envelopes").code == 0
    import pypdf  # with PySide6, in the test extra (see pdf_pages)

    reader = pypdf.PdfReader(out)
    letter, envelope = (
        re.sub(r"[ \t]+", " ", unicodedata.normalize("NFKC", p.extract_text()))
        for p in reader.pages
    )
    assert letter.count("Warm regards,") == 1
    assert re.search(r"Warm regards,\s*\n\s*Sam R\.", letter)
    # The envelope's return address: one line per line of the setting, commas left alone.
    lines = [line.strip() for line in envelope.splitlines() if line.strip()]
    assert "1 Main St, Suite 4" in lines and "Springfield IL 62701" in lines


def test_edit_writes_the_rep_s_text_and_redraft_gives_the_template_back(cli, meeting, tmp_path):
    ids = [int(x) for x in cli("thanks", "draft", str(meeting["meeting"])).out.split()]
    drafted = cli("thanks", "show", str(ids[0]), "--format", "json").json()[0]["body"]
    mine = "Dear Zoë,\n\nThank you for lunch — the Café was perfect.\n\nAlex"
    result = cli("thanks", "edit", str(ids[0]), "--text", mine)
    assert (result.code, result.out, result.err) == (0, "", "")
    (note,) = cli("thanks", "show", str(ids[0]), "--format", "json").json()
    assert (note["body"], note["edited"], note["status"]) == (mine, True, "draft")
    letter = tmp_path / "letter.txt"
    letter.write_text("Dear Bob,\n\nThanks.\n", encoding="utf-8")
    assert cli("thanks", "edit", str(ids[1]), "--file", str(letter)).code == 0
    assert cli("thanks", "show", str(ids[1]), "--format", "json").json()[0]["body"] == (
        "Dear Bob,\n\nThanks."
    )
    assert cli("thanks", "edit", str(ids[0]), "--redraft").code == 0
    (note,) = cli("thanks", "show", str(ids[0]), "--format", "json").json()
    assert (note["body"], note["edited"]) == (drafted, False)


def test_edit_refuses_in_one_line_and_keeps_the_note(cli, meeting, tmp_path):
    ids = [int(x) for x in cli("thanks", "draft", str(meeting["meeting"])).out.split()]
    assert cli("thanks", "sent", str(ids[2])).code == 0
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Grüße".encode("latin-1"))
    before = cli("thanks", "list", "--format", "json").json()
    for argv, message in (
        ([str(ids[0]), "--text", "   "], "needs some text"),
        ([str(ids[0]), "--file", str(tmp_path / "missing.txt")], "cannot read"),
        ([str(ids[0]), "--file", str(latin1)], "not UTF-8"),
        ([str(ids[0]), "--redraft", "no-such-template"], "no-such-template"),
        ([str(ids[2]), "--text", "Too late"], "already sent"),
        (["999", "--text", "x"], "999"),
    ):
        result = cli("thanks", "edit", *argv)
        assert result.code == 1 and message in result.err, (argv, result.err)
        assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert cli("thanks", "list", "--format", "json").json() == before


def test_delete_removes_one_note_and_a_new_draft_can_follow(cli, meeting):
    ids = [int(x) for x in cli("thanks", "draft", str(meeting["meeting"])).out.split()]
    result = cli("thanks", "delete", str(ids[1]))
    assert (result.code, result.out) == (0, f"{ids[1]}\n")
    assert [r["id"] for r in cli("thanks", "list", "--format", "json").json()] == [ids[0], ids[2]]
    missing = cli("thanks", "delete", str(ids[1]))
    assert missing.code == 1 and str(ids[1]) in missing.err
    again = cli("thanks", "draft", str(meeting["meeting"]))
    assert again.code == 0 and len(again.out.split()) == 1


def test_edit_reads_the_text_from_standard_input(cli, meeting, monkeypatch):
    import io

    (first, *_) = [int(x) for x in cli("thanks", "draft", str(meeting["meeting"])).out.split()]
    monkeypatch.setattr("sys.stdin", io.StringIO("Dear Zoë,\nFrom a pipe.\n"))
    assert cli("thanks", "edit", str(first), "--file", "-").code == 0
    body = cli("thanks", "show", str(first), "--format", "json").json()[0]["body"]
    assert body == "Dear Zoë,\nFrom a pipe."


def test_a_pdf_is_written_to_a_named_file_not_to_a_dash(cli, meeting, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cli("thanks", "draft", str(meeting["meeting"]))
    for argv in (
        ["thanks", "print", "--all-drafts", "--pdf", "-"],
        ["report", "weekly", "--pdf", "-"],
        ["campaign", "labels", "1", "--pdf", "-", "--sheet", "5160"],
    ):
        result = cli(*argv)
        assert result.code == 1 and "a PDF is written to a file" in result.err, argv
    assert "-" not in {p.name for p in tmp_path.iterdir()}
