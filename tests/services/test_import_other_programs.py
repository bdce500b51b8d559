"""CSV files other programs write, through the import service on a real database: each imports
whole with its values (Thunderbird UTF-8 and Shift-JIS, Roundcube, Google with invisible marks,
LinkedIn 2018 with blank rows), and `strict` keeps the all-or-nothing import."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from relationship_crm.domain.records import Address, ContactView, Labeled
from relationship_crm.interchange.records import RecordError
from relationship_crm.services import contacts, import_files, json_copy
from relationship_crm.services.import_files import ImportResult

DATA = Path(__file__).resolve().parent.parent / "data" / "csv"
T0 = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def imported(db, name: str, **options: object) -> tuple[ImportResult, dict[str, ContactView]]:
    with db.write() as s:
        result = import_files.import_data(s, (DATA / name).read_bytes(), now=T0, **options)
    with db.read() as s:
        return result, {c.name: c for c in contacts.list_contacts(s)}


def test_thunderbird_keeps_display_name_parts_labels_split_birthday_and_other_columns(db):
    result, people = imported(db, "thunderbird-utf8.csv")
    assert result.source == "Thunderbird CSV"
    assert (result.contacts.added, result.problems, result.warnings) == (3, (), ())
    ada = people["Ada King Lovelace"]  # the file's display name, not rebuilt from the parts
    assert (ada.given_name, ada.family_name) == ("Ada", "Lovelace")
    assert ada.emails == (Labeled("ada@engines.example"), Labeled("ada@home.example"))
    assert ada.phones == (
        Labeled("+44 20 7946 0101", "work"),
        Labeled("+44 20 7946 0102", "home"),
        Labeled("+44 7700 900101", "mobile"),
        Labeled("+44 20 7946 0109", "fax"),
    )
    assert (ada.company, ada.title, ada.birthday) == (
        "Analytical Engines Ltd",
        "Analyst",
        "1985-12-10",
    )
    assert ada.addresses == (
        Address(
            street="12 St James's Square",
            city="London",
            postcode="SW1Y 4JH",
            country="United Kingdom",
            label="work",
        ),
    )
    # Columns no field holds are kept in the notes, never dropped.
    assert ada.notes == "Prefers letters\nDepartment: Research\nWeb Page 1: https://engines.example"
    grace = people["Grace Hopper"]
    assert (grace.birthday, grace.notes) == ("--12-09", "Custom 1: Admiral")  # no birth year
    hosting = people["hosting@1and1.com"]  # kept as written: no words moved into name parts
    assert (hosting.given_name, hosting.family_name, hosting.company) == ("", "", "1&1 Hosting")


def test_thunderbird_shift_jis_keeps_japanese_names_and_warns_of_the_guess(db):
    result, people = imported(db, "thunderbird-shift-jis.csv")
    assert result.contacts.added == 2 and result.problems == ()
    assert len(result.warnings) == 1 and "Shift-JIS" in result.warnings[0]
    assert "guess" in result.as_dict()["warnings"][0]  # type: ignore[index]
    taro = people["山田 太郎"]
    assert (taro.given_name, taro.family_name) == ("太郎", "山田")
    assert (taro.company, taro.title, taro.birthday) == (
        "株式会社サンプル",
        "営業部長",
        "1975-04-01",
    )
    assert taro.emails == (Labeled("taro.yamada@example.jp"),)
    assert taro.phones == (Labeled("03-1234-5678", "work"),)
    assert taro.addresses == (Address(city="東京都", label="work"),)
    assert taro.notes == "展示会で名刺交換"
    assert people["佐藤 花子"].phones == (Labeled("090-1234-5678", "mobile"),)


def test_roundcube_keeps_custom_email_labels(db):
    result, people = imported(db, "roundcube.csv")
    assert result.source == "Roundcube CSV" and result.contacts.added == 2
    marta = people["Dr. Marta Kowalska"]
    assert (marta.given_name, marta.family_name) == ("Marta", "Kowalska")
    assert marta.emails == (
        Labeled("marta@dom.example", "home"),
        Labeled("m.kowalska@pw.example", "work"),
        Labeled("kowalska@students.example", "school"),
    )
    assert marta.phones == (Labeled("+48 600 100 200", "mobile"),)
    assert marta.addresses == (
        Address(
            street="ul. Długa 5",
            city="Warszawa",
            postcode="00-238",
            country="Poland",
            label="home",
        ),
    )
    assert (marta.company, marta.title, marta.birthday) == (
        "Politechnika",
        "Professor",
        "1979-05-23",
    )
    assert marta.notes == "Conference speaker\nDepartment: Chemistry"
    apple = people["Apple Computer AG"]  # a company's row is not split into a person's names
    assert (apple.given_name, apple.family_name, apple.company) == ("", "", "Apple Computer AG")
    assert apple.emails == (Labeled("info@apple.example", "work"),)


def test_google_invisible_marks_are_stripped_and_bad_cells_kept_in_notes(db):
    result, people = imported(db, "google-invisible-marks.csv")
    assert result.contacts.added == 4
    assert [(p.record, p.field, p.value) for p in result.problems] == [
        (2, "email", "tom baker@example.com"),
        (3, "birthday", "1984-02-30"),
        (3, "phone", "call me"),
    ]
    assert people["Amira Haddad"].phones == (Labeled("+961 3 123 456", "mobile"),)
    assert people["Lina Berg"].given_name == "Lina"  # the zero-width space is gone
    assert people["Tom Baker"].emails == (Labeled("tom@bakery.example", "work"),)


def test_linkedin_2018_skips_blank_rows_and_keeps_member_ids_in_notes(db):
    result, people = imported(db, "linkedin-2018.csv")
    assert (result.contacts.added, result.contacts.skipped_blank) == (3, 2)
    priya = people["Priya Raman"]
    assert (priya.company, priya.title, priya.emails) == ("Kestrel Analytics", "VP Sales", ())
    assert priya.notes == (
        "Connected on LinkedIn: 12 Mar 2018\nunreadable email: urn:li:member:48213377"
    )
    assert people["Jonas Weber"].emails == (Labeled("jonas.weber@example.de"),)


def test_strict_refuses_at_the_first_bad_record_and_writes_nothing(db):
    with db.read() as s:
        before = json_copy.export_json(s, now=T0)
    with pytest.raises(RecordError) as caught, db.write() as s:
        import_files.import_data(
            s, (DATA / "google-invisible-marks.csv").read_bytes(), strict=True, now=T0
        )
    assert (caught.value.record, caught.value.line) == (2, 3)
    assert "tom baker@example.com" in str(caught.value)
    with db.read() as s:
        assert json_copy.export_json(s, now=T0) == before
    # Invisible marks alone are no error, strict or not.
    with db.write() as s:
        result = import_files.import_data(
            s, (DATA / "thunderbird-utf8.csv").read_bytes(), strict=True, now=T0
        )
    assert result.contacts.added == 3


def test_strict_names_a_row_with_nothing_to_name_it_by_and_tolerant_lists_it(db):
    text = "First Name,Last Name,Job Title,Notes\r\nAnn,Able,,\r\n,,Buyer,met at the fair\r\n"
    with pytest.raises(RecordError) as caught, db.write() as s:
        import_files.import_data(
            s,
            text.encode(),
            strict=True,
            now=T0,
            mapping={0: "given_name", 1: "family_name", 2: "title", 3: "notes"},
        )
    assert (caught.value.record, caught.value.line) == (2, 3)
    with db.write() as s:
        result = import_files.import_data(
            s,
            text.encode(),
            now=T0,
            mapping={0: "given_name", 1: "family_name", 2: "title", 3: "notes"},
        )
    assert result.contacts.added == 1
    (skipped,) = result.problems
    assert (skipped.record, skipped.line, skipped.outcome) == (2, 3, "record skipped")
    assert skipped.describe().startswith("record 2 (line 3): skipped, ")
