"""`relationship-crm import` of vCards other programs write (issue 14): imported whole, and a
broken one named as the vCard it is, with what is wrong with it."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data" / "vcards"


@pytest.mark.parametrize(
    ("name", "added"),
    [
        ("outlook-2.1-oddities.vcf", 2),
        ("rfc6350-4.0-oddities.vcf", 5),
        ("apple-3.0-names.vcf", 3),
        ("greek-cp1253-2.1.vcf", 1),
        ("hebrew-cp1255-2.1.vcf", 1),
        ("cyrillic-cp1251-2.1.vcf", 2),
        ("utf16be-nobom.vcf", 2),
        ("utf16le-nobom.vcf", 2),
        ("evolution-3.0.vcf", 1),
        ("kde-3.0.vcf", 1),
        ("android-2.1-nicknames.vcf", 2),
    ],
)
def test_each_sample_imports_whole(cli, name, added):
    result = cli("import", str(DATA / name), "--format", "json")
    assert result.code == 0, result.err
    assert result.json()["added"] == added


def test_the_names_come_through_the_command_line(cli):
    assert cli("import", str(DATA / "greek-cp1253-2.1.vcf")).code == 0
    (found,) = cli("search", "Βαγγέλης", "--format", "json").json()
    assert (found["name"], found["company"]) == ("Βαγγέλης Παπαδόπουλος", "Ελληνικά Ναυπηγεία")


def test_a_vcard_without_begin_is_named_as_a_vcard(cli):
    result = cli("import", str(DATA / "no-begin.vcf"))
    assert result.code == 1
    assert "vCard record 1 (line 1): no BEGIN:VCARD" in result.err
    assert "CSV" not in result.err
    assert cli("contact", "list", "--format", "json").json() == []


@pytest.mark.parametrize("codec", ["utf-16-be", "utf-16-le"])
def test_a_broken_utf16_vcard_without_bom_is_named_as_a_vcard(cli, tmp_path, codec):
    cut = tmp_path / "cut.vcf"
    cut.write_bytes("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut Short\r\n".encode(codec))
    result = cli("import", str(cut))
    assert result.code == 1
    assert "vCard record 1 (line 1): the card has no END:VCARD" in result.err
    headless = tmp_path / "headless.vcf"
    headless.write_bytes("N:Short;Cut\r\nFN:Cut Short\r\n".encode(codec))
    result = cli("import", str(headless))
    assert result.code == 1 and "vCard record 1 (line 1): no BEGIN:VCARD" in result.err
