"""`relationship-crm check`: SQLite's checks plus the app's invariants; reads only, exit 1 on any
problem, one-line errors for files that are not databases of ours."""

from __future__ import annotations

import hashlib
import shutil
from contextlib import closing
from pathlib import Path

import pytest

from relationship_crm.services import integrity
from tests.database_files import connect_file

OK = f"database OK: integrity, foreign keys and {len(integrity.APP_CHECKS)} app checks passed\n"


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from relationship_crm.cli import main

    path = tmp_path_factory.mktemp("sample") / "crm.sqlite3"
    argv = ["--db", str(path), "sample-data", "--contacts", "40", "--today", "2026-11-20"]
    with pytest.MonkeyPatch.context() as mp:
        # The zone conftest gives every test: tzlocal caches the first zone it is asked for.
        mp.setenv("TZ", "America/New_York")
        assert main(argv) == 0
    return path


@pytest.fixture
def sample_db(sample_file: Path, db_path: Path) -> Path:
    db_path.parent.mkdir()
    shutil.copy(sample_file, db_path)
    return db_path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sql(path: Path, *statements: str, foreign_keys: bool = False) -> None:
    with closing(connect_file(path, isolation_level=None)) as conn:
        conn.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        for statement in statements:
            conn.execute(statement)


def test_a_clean_sample_database_passes(cli, sample_db):
    result = cli("check")
    assert (result.code, result.out, result.err) == (0, OK, "")


def test_check_never_writes(cli, sample_db):
    before = _digest(sample_db)
    cli("check")
    assert _digest(sample_db) == before


BREAKAGES = {
    "fts-row-deleted": (
        ["DELETE FROM contacts_fts WHERE rowid = 3"],
        "search-index: contact 3 is missing from the search index",
    ),
    "fts-row-stale": (
        ["UPDATE contacts SET notes = 'zeppelin' WHERE id = 4"],
        "search-index: the search index entry of contact 4 is out of date",
    ),
    "fts-row-of-trashed-contact": (
        ["UPDATE contacts SET deleted_at = '2026-11-01 00:00:00.000000' WHERE id = 5"],
        "search-index: the search index has an entry for contact 5, which is in the trash",
    ),
    "sort-name": (
        ["UPDATE contacts SET sort_name = 'zzz' WHERE id = 6"],
        "sort-name: contact 6 (",
    ),
    "orphan": (
        [
            "INSERT INTO contact_emails (contact_id, label, value, value_key, position) "
            "VALUES (99999, '', 'ghost@example.com', 'ghost@example.com', 0)"
        ],
        "foreign-key: contact_emails row ",
    ),
    "email-key": (
        ["UPDATE contact_emails SET value_key = upper(value_key) WHERE id = 1"],
        "email-key: email ",
    ),
    "company-key": (
        ["UPDATE companies SET name_key = 'x' WHERE id = 2"],
        "company-key: company 2 (",
    ),
    "bad-zone": (
        ["UPDATE follow_ups SET tz = 'Mars/Olympus_Mons' WHERE id = 7"],
        "time-zone: follow-up 7 has the unknown zone 'Mars/Olympus_Mons'",
    ),
    "due-instant": (
        [
            "UPDATE follow_ups SET due_local = '2031-01-01 09:00' WHERE id = "
            "(SELECT min(id) FROM follow_ups WHERE status = 'open')"
        ],
        "follow-up-time: follow-up ",
    ),
    "remind-time": (
        [
            "UPDATE follow_ups SET remind_at = '2030-01-01 00:00:00.000000' WHERE id = "
            "(SELECT min(id) FROM follow_ups WHERE status = 'open')"
        ],
        "remind-time: open follow-up ",
    ),
    "meeting-instant": (
        ["UPDATE meetings SET starts_at = '1999-01-01 00:00:00.000000' WHERE id = 1"],
        "meeting-time: meeting 1",
    ),
    "stage-history": (
        [
            "UPDATE contacts SET stage = CASE stage WHEN 'partner' THEN 'lead' ELSE 'partner' END "
            "WHERE id = 8"
        ],
        "stage-history: contact 8 is a ",
    ),
    "no-stage-history": (
        ["DELETE FROM stage_changes WHERE contact_id = 9"],
        "stage-history: contact 9 has no stage history",
    ),
    "unknown-stage": (
        ["UPDATE stage_changes SET stage = 'bogus' WHERE id = 3"],
        "unknown-stage: stage history entry 3 has the unknown stage 'bogus'",
    ),
    "stage-summary-row": (
        ["DELETE FROM stage_stays WHERE id = 3"],
        "stage-summary: stage change 3 is missing or out of date in the pipeline summary",
    ),
    "stage-summary-trigger": (
        ["DROP TRIGGER stage_stays_trash"],
        "stage-summary: the pipeline summary's trigger stage_stays_trash is missing",
    ),
    "list-cells-row": (
        ["UPDATE contacts SET list_emails = 'old@example.com' WHERE id = 3"],
        "list-cells: contact 3 has list cells (company, emails, tags) that differ from its "
        "company, emails and tags",
    ),
    "list-cells-trigger": (
        ["DROP TRIGGER list_cells_tag_renamed"],
        "list-cells: the contact list's trigger list_cells_tag_renamed is missing",
    ),
    "list-cells-index": (
        ["DROP INDEX ix_contacts_list_cells"],
        "list-cells: the contact list's index ix_contacts_list_cells is missing",
    ),
    "unreadable-time": (
        ["UPDATE gifts SET given_on = 'last Tuesday' WHERE id = 1"],
        "time-format: gifts row 1: given_on 'last Tuesday' is not a date",
    ),
    "repeat-rule": (
        [
            "UPDATE follow_ups SET rrule = 'FREQ=SOMETIMES' WHERE id = "
            "(SELECT min(id) FROM follow_ups WHERE status = 'open')"
        ],
        "repeat-rule: follow-up ",
    ),
    "thanks-status": (
        ["UPDATE thank_you_notes SET status = 'sent', sent_at = NULL WHERE id = 1"],
        "thanks-status: thank-you note 1 is sent but has no sent date",
    ),
}


@pytest.mark.parametrize("breakage", list(BREAKAGES), ids=list(BREAKAGES))
def test_a_broken_invariant_is_named_and_fails_the_check(cli, sample_db, breakage):
    statements, expected = BREAKAGES[breakage]
    _sql(sample_db, *statements)
    result = cli("check")
    assert result.code == 1, result.out
    lines = result.out.splitlines()
    assert any(line.startswith(expected) for line in lines), result.out
    assert lines[-1] in ("1 problem found", "2 problems found"), result.out


def test_many_broken_rows_are_summarised(cli, sample_db):
    _sql(sample_db, "UPDATE contacts SET sort_name = 'x'")
    result = cli("check")
    lines = result.out.splitlines()
    assert len(lines) == integrity.MAX_EXAMPLES + 2
    assert lines[-2] == "sort-name: ... and 20 more contacts with a wrong sort name"
    assert lines[-1] == "40 problems found"


@pytest.mark.parametrize("where", [0.5, 0.9], ids=["middle", "near-the-end"])
def test_a_damaged_file_is_reported_and_left_unchanged(cli, sample_db, where):
    with closing(connect_file(sample_db)) as conn:  # one file: fold the WAL in first
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(sample_db.read_bytes())
    start = int(len(data) * where) // 4096 * 4096
    data[start : start + 4096] = b"\x5a" * 4096
    sample_db.write_bytes(bytes(data))
    before = _digest(sample_db)
    result = cli("check")
    assert result.code == 1
    if result.err:  # the schema itself could not be read: one line
        assert result.out == "" and result.err.count("\n") == 1 and "damaged" in result.err
    else:  # SQLite's integrity check lists what it found
        assert result.out.splitlines()[0].startswith("integrity: ")
        assert result.out.endswith("found\n")
    assert _digest(sample_db) == before


@pytest.mark.parametrize(
    "content, message",
    [
        (b"name,email\nAda,ada@example.com\n", "not an SQLite file"),
        (b"SQLite format 3\x00" + b"\xee" * 5000, "damaged or not a database"),
    ],
    ids=["csv", "garbage-after-header"],
)
def test_a_file_that_is_not_a_database_is_one_line_error(cli, tmp_path, content, message):
    path = tmp_path / "contacts.sqlite3"
    path.write_bytes(content)
    result = cli("check", db=path)
    assert result.code == 1 and result.out == ""
    assert result.err.count("\n") == 1 and message in result.err
    assert path.read_bytes() == content


def test_a_newer_schema_is_refused_and_a_missing_file_not_created(cli, sample_db, tmp_path):
    _sql(sample_db, "UPDATE alembic_version SET version_num = '9999'")
    result = cli("check")
    assert result.code == 1 and "newer version" in result.err
    missing = tmp_path / "missing.sqlite3"
    result = cli("check", db=missing)
    assert result.code == 1 and "no database" in result.err
    assert not missing.exists()


def test_an_older_schema_gets_sqlite_checks_only(cli, sample_db):
    _sql(sample_db, "UPDATE alembic_version SET version_num = '0002'")
    result = cli("check")
    assert result.code == 0
    assert result.out.startswith("database OK: integrity and foreign keys passed; the app checks")
    assert "0002" in result.out


def test_repair_computes_the_list_cells_again_with_their_triggers(cli, sample_db):
    before = cli("contact", "list").out
    _sql(
        sample_db,
        "DROP TRIGGER list_cells_email_added",
        "DROP INDEX ix_contacts_list_cells",
        "UPDATE contacts SET list_emails = '', list_tags = 'stale'",
    )
    assert cli("check").code == 1
    repaired = cli("check", "--repair")
    assert repaired.code == 0, repaired.out
    assert (
        "repaired: the contact list's cells (company, emails, tags) computed again" in repaired.out
    )
    assert cli("contact", "list").out == before
    assert cli("check").out == OK


def test_repair_rebuilds_the_pipeline_summary_and_its_triggers(cli, sample_db):
    before = cli("pipeline", "--date", "2026-11-20", "--format", "json").json()
    _sql(sample_db, "DROP TRIGGER stage_stays_purge", "UPDATE stage_stays SET left_at = NULL")
    assert cli("check").code == 1
    repaired = cli("check", "--repair")
    assert repaired.code == 0, repaired.out
    assert (
        "repaired: the pipeline summary (stage_stays) rebuilt from the stage history"
        in repaired.out
    )
    assert cli("pipeline", "--date", "2026-11-20", "--format", "json").json() == before
    assert cli("check").out == OK
