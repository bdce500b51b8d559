"""`relationship-crm import FILE [--on-duplicate]` and `export --format ics|json`: end to end."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import icalendar
import pytest

from tests.database_files import connect_file

DATA = Path(__file__).resolve().parent.parent / "data"


def count(db_path: Path) -> int:
    with connect_file(db_path) as conn:
        return conn.execute("SELECT count(*) FROM contacts WHERE deleted_at IS NULL").fetchone()[0]


def test_google_csv_imports_and_reimport_changes_nothing(cli, db_path):
    first = cli("import", str(DATA / "csv" / "google-contacts.csv"))
    assert first.code == 0, first.err
    assert first.out.startswith("Added 4 contacts, merged 0, skipped 0 duplicates.")
    found = cli("search", "Ångström", "--format", "json").json()
    assert found[0]["company"] == "Nordlicht GmbH"
    # The notes stay searchable.
    assert cli("search", "Hannover Messe", "--format", "json").json()[0]["id"] == found[0]["id"]
    before = cli("export", "--format", "json", "-").out
    again = cli("import", str(DATA / "csv" / "google-contacts.csv"), "--on-duplicate", "merge")
    assert again.out.startswith("Added 0 contacts, merged 0, skipped 4 duplicates.")
    after = cli("export", "--format", "json", "-").out
    strip = lambda text: {k: v for k, v in json.loads(text).items() if k != "exported_at"}  # noqa: E731
    assert strip(after) == strip(before)


def test_summary_as_json_for_scripts(cli):
    result = cli("import", str(DATA / "csv" / "outlook-cp1252.csv"), "--format", "json")
    summary = result.json()
    assert summary["source"] == "Outlook CSV"
    assert (summary["added"], summary["merged"], summary["skipped"]) == (3, 0, 0)
    assert len(summary["added_ids"]) == 3


def test_on_duplicate_add_doubles_and_merge_fills(cli):
    cli("contact", "add", "René Müller", "--company", "Straße & Söhne AG")
    merged = cli("import", str(DATA / "csv" / "outlook-cp1252.csv"), "--on-duplicate", "merge")
    assert "merged 1" in merged.out, merged.err
    shown = cli("search", "René", "--format", "json").json()
    assert len(shown) == 1 and shown[0]["emails"]
    added = cli("import", str(DATA / "csv" / "outlook-cp1252.csv"), "--on-duplicate", "add")
    assert added.out.startswith("Added 3 contacts")
    assert len(cli("search", "René", "--format", "json").json()) == 2


@pytest.mark.parametrize(
    ("name", "options", "expected"),
    [
        ("bad-birthday.csv", ["--strict"], "record 3 (line 5): birthday"),
        ("not-csv.csv", [], "PNG image"),
        ("not-csv.csv", ["--strict"], "PNG image"),
        ("custom-semicolon.csv", [], 'this CSV has columns "Nom", "Prénom", "Courriel"'),
    ],
)
def test_bad_files_import_nothing_and_say_why(cli, db_path, name, options, expected):
    cli("contact", "add", "Already Here")
    result = cli("import", str(DATA / "csv" / name), *options)
    assert result.code == 1
    assert expected in result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert result.out == ""
    assert count(db_path) == 1


def test_a_bad_cell_never_blocks_the_file_and_every_one_is_listed(cli, db_path):
    result = cli("import", str(DATA / "csv" / "google-invisible-marks.csv"))
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == (
        "Added 4 contacts, merged 0, skipped 0 duplicates. Problems: 3 values kept in notes."
    )
    assert lines[1:] == [
        'record 2 (line 3): unreadable email "tom baker@example.com" kept in notes '
        "(not an email address)",
        'record 3 (line 4): unreadable birthday "1984-02-30" kept in notes '
        "(not a date (expected YYYY-MM-DD, --MM-DD or M/D/YYYY))",
        'record 3 (line 4): unreadable phone "call me" kept in notes (not a phone number)',
    ]
    people = {c["name"]: c for c in cli("contact", "list", "--format", "json").json()}
    assert set(people) == {"Amira Haddad", "Tom Baker", "Lina Berg", "Oskar Nyström"}
    # Direction marks, zero-width spaces, a BOM and a soft hyphen are gone from every value.
    assert people["Amira Haddad"]["phones"] == ["+961 3 123 456"]
    assert people["Oskar Nyström"]["emails"] == ["oskar@nystrom.example"]
    assert people["Tom Baker"]["company"] == "Bakery Ltd"
    assert people["Tom Baker"]["emails"] == ["tom@bakery.example"]
    assert people["Tom Baker"]["notes"] == "unreadable email: tom baker@example.com"
    assert people["Lina Berg"]["notes"] == (
        "Met in Malmö\nunreadable birthday: 1984-02-30\nunreadable phone: call me"
    )


def test_the_json_summary_lists_problems_blank_rows_and_warnings(cli):
    summary = cli("import", str(DATA / "csv" / "linkedin-2018.csv"), "--format", "json").json()
    assert summary["source"] == "LinkedIn connections CSV"
    assert (summary["added"], summary["skipped_blank"]) == (3, 2)
    assert summary["problems"] == [
        {
            "record": 1,
            "line": 5,
            "field": "email",
            "value": "urn:li:member:48213377",
            "problem": "not an email address; kept in notes",
        },
        {
            "record": 5,
            "line": 9,
            "field": "email",
            "value": "urn:li:member:7720019",
            "problem": "not an email address; kept in notes",
        },
    ]
    assert summary["warnings"] == []
    assert {"merged", "skipped", "added_ids", "merged_ids", "others_added"} <= set(summary)
    text = cli("import", str(DATA / "csv" / "linkedin-2018.csv"), "--on-duplicate", "merge")
    assert "Skipped 2 blank rows." in text.out.splitlines()[0]


def test_a_refused_import_in_json_prints_an_error_object(cli, db_path):
    strict = cli("import", str(DATA / "csv" / "bad-birthday.csv"), "--strict", "--format", "json")
    assert strict.code == 1 and strict.err.count("\n") == 1
    assert strict.json() == {
        "error": strict.err.split("error: ", 1)[1].strip(),
        "record": 3,
        "line": 5,
    }
    assert "31/31/1999" in strict.json()["error"]
    png = cli("import", str(DATA / "csv" / "not-csv.csv"), "--format", "json")
    assert png.code == 1 and png.json()["record"] is None and png.json()["line"] is None
    assert "PNG image" in png.json()["error"]
    missing = cli("import", str(db_path.parent / "missing.csv"), "--format", "json")
    assert missing.code == 1 and "no file" in missing.json()["error"]
    assert count(db_path) == 0
    # Without --strict the same file goes in whole, its bad birthday kept in the notes.
    tolerant = cli("import", str(DATA / "csv" / "bad-birthday.csv"), "--format", "json").json()
    assert tolerant["added"] == 3 and [p["record"] for p in tolerant["problems"]] == [3]


def test_unreadable_paths_are_clear(cli, tmp_path):
    assert "no file" in cli("import", str(tmp_path / "missing.vcf")).err
    assert "is a folder" in cli("import", str(tmp_path)).err
    (tmp_path / "empty.vcf").write_bytes(b"")
    assert "the file is empty" in cli("import", str(tmp_path / "empty.vcf")).err
    (tmp_path / "cal.ics").write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    assert "iCalendar file" in cli("import", str(tmp_path / "cal.ics")).err
    (tmp_path / "book.xlsx").write_bytes(b"PK\x03\x04" + bytes(100))
    assert "Excel" in cli("import", str(tmp_path / "book.xlsx")).err


def test_json_copy_round_trips_into_an_empty_database(cli, tmp_path):
    assert cli("sample-data", "--contacts", "60", "--seed", "3", "--today", "2026-11-23").code == 0
    copy = tmp_path / "copy.json"
    assert cli("export", "--format", "json", str(copy)).code == 0
    assert oct(copy.stat().st_mode & 0o777) == "0o600"
    other = tmp_path / "other.sqlite3"
    result = cli("import", str(copy), db=other)
    assert result.code == 0, result.err
    assert result.out.startswith("Added 60 contacts")
    again = cli("export", "--format", "json", "-", db=other).json()
    original = json.loads(copy.read_text())
    # A server's copy also holds the team's and each rep's settings, which a file (one rep)
    # keeps as its `settings`.
    for key in original.keys() - {"exported_at", "team_settings", "rep_settings"}:
        assert again[key] == original[key], key
    # And a second import of the same copy adds nothing at all.
    second = cli("import", str(copy), db=other)
    assert second.out.startswith("Added 0 contacts, merged 0, skipped 60 duplicates.")
    assert "Also added" not in second.out


def test_damaged_json_copy_names_the_place(cli, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "relationship-crm", "version": 1,\n "contacts": [}\n')
    assert "line 2, column" in cli("import", str(broken)).err
    newer = tmp_path / "newer.json"
    newer.write_text('{"format": "relationship-crm", "version": 99}')
    assert "newer version of the app" in cli("import", str(newer)).err
    wrong = tmp_path / "wrong.json"
    wrong.write_text(
        json.dumps(
            {
                "format": "relationship-crm",
                "version": 1,
                "contacts": [
                    {"id": 1, "name": "Ok"},
                    {"id": 2, "name": "Bad", "emails": [{"value": "x"}]},
                ],
            }
        )
    )
    result = cli("import", str(wrong))
    assert result.code == 1 and "contacts[1]" in result.err and "email" in result.err
    assert cli("contact", "list", "--format", "json").json() == []


def test_ics_export_to_a_file_and_to_stdout(cli, tmp_path):
    jane = cli("contact", "add", "Jane Doe", "--email", "jane@acme.com").id
    assert cli("config", "set", "timezone", "America/New_York").code == 0
    assert (
        cli("followup", "add", str(jane), "--due", "2030-07-01 09:00", "--every", "weekly").code
        == 0
    )
    out = tmp_path / "crm.ics"
    result = cli("export", "--format", "ics", str(out))
    assert result.code == 0, result.err
    assert "exported 1 event" in result.err
    raw = out.read_bytes()
    assert b"\r\n" in raw and b"DTSTART;TZID=America/New_York:20300701T090000" in raw
    calendar = icalendar.Calendar.from_ical(raw)
    event = next(iter(calendar.walk("VEVENT")))
    assert "Jane Doe" in str(event["SUMMARY"])
    assert "FREQ=WEEKLY" in event["RRULE"].to_ical().decode()
    assert calendar.walk("VTIMEZONE") and calendar.walk("VALARM")
    piped = cli("export", "--format", "ics", "-")
    assert piped.out.replace("\r\n", "\n").startswith("BEGIN:VCALENDAR\n")


def test_a_killed_import_leaves_the_database_as_it_was(tmp_path):
    """SIGKILL in the middle of a big import: the database opens, passes its checks, unchanged."""
    db_path = tmp_path / "crm.sqlite3"
    env = {**os.environ, "RELATIONSHIP_CRM_DB": str(db_path)}
    run = [sys.executable, "-m", "relationship_crm"]
    subprocess.run([*run, "contact", "add", "Before Import"], env=env, check=True)
    header = "First Name,Last Name,E-mail Address,Business Phone,Company,Job Title,Notes\r\n"
    rows = "".join(
        f"Person{i},Family{i},p{i}@example.com,+1 415 555 {i % 10000:04d},Co {i % 300},Buyer,"
        f"Met at fair {i}\r\n"
        for i in range(30_000)
    )
    big = tmp_path / "big.csv"
    big.write_text(header + rows)
    for attempt in range(2):
        process = subprocess.Popen([*run, "import", str(big), "--on-duplicate", "add"], env=env)
        wal = db_path.with_name(db_path.name + "-wal")
        deadline = time.monotonic() + 60
        # Kill once the import is writing (the write-ahead log grows) but long before it ends.
        while time.monotonic() < deadline and process.poll() is None:
            if wal.exists() and wal.stat().st_size > 200_000 * (attempt + 1):
                break
            time.sleep(0.01)
        assert process.poll() is None, "the import ended before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait()
        with connect_file(db_path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("SELECT count(*) FROM contacts").fetchone()[0] == 1
    listed = subprocess.run(
        [*run, "contact", "list", "--format", "json"], env=env, capture_output=True, text=True
    )
    assert [c["name"] for c in json.loads(listed.stdout)] == ["Before Import"]


@pytest.mark.parametrize(
    "name",
    [
        "outlook-2.1.vcf",
        "android-2.1.vcf",
        "iphone-3.0.vcf",
        "google-3.0.vcf",
        "rfc6350-4.0.vcf",
        "utf16-outlook.vcf",
    ],
)
def test_vcards_from_real_programs_import_and_reimport_changes_nothing(cli, name):
    first = cli("import", str(DATA / "vcards" / name), "--format", "json")
    assert first.code == 0, first.err
    assert first.json()["added"] >= 1 and first.json()["source"] == "vCard file"
    again = cli(
        "import", str(DATA / "vcards" / name), "--on-duplicate", "merge", "--format", "json"
    )
    assert (again.json()["added"], again.json()["merged"]) == (0, 0)


@pytest.mark.parametrize(
    ("name", "where", "options"),
    [
        ("truncated.vcf", "record ", ()),  # a card cut short: not a vCard file, always refused
        ("bad-line.vcf", "record 3 (line", ("--strict",)),  # an unreadable line: only --strict
    ],
)
def test_broken_vcards_import_nothing_and_name_the_record(cli, db_path, name, where, options):
    result = cli("import", str(DATA / "vcards" / name), *options)
    assert result.code == 1 and where in result.err
    assert cli("contact", "list", "--format", "json").json() == []


def test_an_unreadable_vcard_line_is_kept_in_notes_and_listed(cli, db_path):
    """Issue 14: one bad line never blocks a file; it is kept in that card's notes and listed."""
    result = cli("import", str(DATA / "vcards" / "bad-line.vcf"), "--format", "json")
    assert result.code == 0, result.err
    summary = result.json()
    assert summary["added"] == 3
    assert any("record 3 (line" in warning for warning in summary["warnings"])
    notes = [
        cli("contact", "show", str(i), "--format", "json").json()[0]["notes"]
        for i in summary["added_ids"]
    ]
    assert sum("this line is not a content line" in note for note in notes) == 1


@pytest.mark.parametrize("version", ["4.0", "3.0"])
def test_a_vcard_export_imported_into_an_empty_database_gives_the_same_contacts(
    cli, tmp_path, version
):
    assert cli("sample-data", "--contacts", "80", "--seed", "5", "--today", "2026-11-23").code == 0
    exported = tmp_path / "all.vcf"
    assert cli("export", "--format", "vcf", "--vcard-version", version, str(exported)).code == 0
    other = tmp_path / "empty.sqlite3"
    result = cli("import", str(exported), "--format", "json", db=other)
    assert result.code == 0, result.err

    def people(db: Path | None = None) -> list[dict[str, object]]:
        rows = cli("contact", "list", "--format", "json", db=db).json()
        return sorted(({k: v for k, v in r.items() if k != "id"} for r in rows), key=str)

    original = people()
    assert result.json()["added"] == len(original) == 80
    copied = people(other)
    assert copied == original
    assert {"emails", "phones", "company", "title", "notes", "tags"} <= set(copied[0])


def test_duplicates_are_listed_and_merged_from_the_command_line(cli):
    jane = cli("contact", "add", "Jane Doe", "--email", "jane@acme.com", "--company", "Acme").id
    twin = cli(
        "contact", "add", "J. Doe", "--email", "JANE@acme.com", "--phone", "+1 415 555 0100"
    ).id
    cli("contact", "add", "Someone Else")
    groups = cli("duplicates", "--format", "json").json()
    assert groups == [
        {
            "contact_ids": [jane, twin],
            "names": ["Jane Doe", "J. Doe"],
            "reason": "same email jane@acme.com",
        }
    ]
    assert cli("contact", "merge", str(jane), str(twin)).id == jane
    kept = cli("contact", "show", str(jane), "--format", "json").json()[0]
    assert kept["phones"] == ["+1 415 555 0100"]
    assert cli("duplicates", "--format", "json").json() == []
    assert "no contact with id" in cli("contact", "merge", str(jane), "999").err


def test_a_terminal_sees_the_import_progress_and_a_pipe_does_not(tmp_path):
    import pty

    env = {**os.environ, "RELATIONSHIP_CRM_DB": str(tmp_path / "crm.sqlite3")}
    command = [
        sys.executable,
        "-m",
        "relationship_crm",
        "import",
        str(DATA / "csv" / "google-contacts.csv"),
    ]
    main, secondary = pty.openpty()
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=secondary, timeout=60)
    os.close(secondary)
    seen = os.read(main, 10_000).decode()
    os.close(main)
    assert done.returncode == 0 and "importing… 100%" in seen
    assert done.stdout.decode().startswith("Added 4 contacts")
    piped = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert "importing" not in piped.stderr and piped.stdout.startswith("Added 0 contacts")


def test_a_guessed_code_page_is_a_warning_in_text_and_json(cli, tmp_path):
    text = cli("import", str(DATA / "csv" / "thunderbird-shift-jis.csv"))
    assert text.code == 0, text.err
    first, warning = text.out.splitlines()
    assert first.startswith("Added 2 contacts")
    assert warning.startswith("warning: the file has no byte-order mark and is not UTF-8")
    assert "Shift-JIS" in warning
    other = tmp_path / "other.sqlite3"
    summary = cli(
        "import", str(DATA / "csv" / "thunderbird-shift-jis.csv"), "--format", "json", db=other
    ).json()
    assert summary["source"] == "Thunderbird CSV" and len(summary["warnings"]) == 1
    names = {c["name"] for c in cli("contact", "list", "--format", "json", db=other).json()}
    assert names == {"山田 太郎", "佐藤 花子"}


def test_contacts_added_after_an_import_get_new_ids_and_are_the_reps(cli, tmp_path):
    cards = tmp_path / "two.vcf"
    cards.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bo Chen\r\nEND:VCARD\r\n"
    )
    assert cli("import", str(cards)).code == 0
    later = cli("contact", "add", "Cy Diaz")
    assert later.code == 0, later.err
    shown = cli("contact", "list", "--format", "json").json()
    assert [c["name"] for c in shown] == ["Ann Lee", "Bo Chen", "Cy Diaz"]
    assert len({c["id"] for c in shown}) == 3
    shows = [cli("contact", "show", str(c["id"]), "--format", "json").json()[0] for c in shown]
    # One rep made all three: the same owner, whether imported or typed.
    assert len({(c["owner"], c["updated_by"]) for c in shows}) == 1
    assert shows[0]["owner"] != ""
