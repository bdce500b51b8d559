"""`relationship-crm backup [--to DIR]`, `restore FILE`, and the backup `import` makes first."""

from __future__ import annotations

import hashlib
import stat
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from relationship_crm.storage import backups
from tests.database_files import connect_file

DATA = Path(__file__).resolve().parent.parent / "data"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _names(path: Path) -> list[str]:
    with closing(connect_file(path)) as conn:
        return sorted(r[0] for r in conn.execute("SELECT display_name FROM contacts"))


@pytest.fixture
def filled(cli, db_path: Path) -> Path:
    assert cli("contact", "add", "Ada Lovelace", "--email", "ada@example.com").code == 0
    assert cli("contact", "add", "Charles Babbage").code == 0
    return db_path


def test_backup_prints_the_new_file_in_the_backups_folder(cli, filled):
    result = cli("backup")
    assert result.code == 0, result.err
    made = Path(result.out.strip())
    assert made.parent == filled.parent / "backups"
    assert made.name.startswith("crm-") and made.name.endswith("Z-manual.sqlite3")
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert _names(made) == ["Ada Lovelace", "Charles Babbage"]
    assert result.err == ""


def test_backup_to_a_folder_never_deletes_anything_there(cli, filled, tmp_path):
    target = tmp_path / "usb stick"
    target.mkdir()
    # Files that rotation would delete in the default folder are left alone in --to DIR.
    old = [
        target / backups.backup_name("crm", datetime(2020, 1, d, tzinfo=UTC), r)
        for d in (1, 2, 3)
        for r in ("daily", "before-import")
    ]
    for path in old:
        path.write_bytes(b"")
    result = cli("backup", "--to", str(target))
    assert result.code == 0, result.err
    made = Path(result.out.strip())
    assert made.parent == target
    assert all(p.exists() for p in old)
    assert not (filled.parent / "backups").exists()
    assert _names(made) == ["Ada Lovelace", "Charles Babbage"]


def test_backup_without_a_database_is_one_line_error(cli, tmp_path):
    result = cli("backup", db=tmp_path / "nothing.sqlite3")
    assert result.code == 1
    assert result.err.count("\n") == 1 and "no database" in result.err
    assert not (tmp_path / "nothing.sqlite3").exists()


def test_restore_brings_back_the_backup_and_says_where_the_old_database_is(cli, filled):
    made = Path(cli("backup").out.strip())
    assert cli("contact", "add", "Grace Hopper").code == 0
    result = cli("restore", str(made))
    assert result.code == 0, result.err
    assert result.out == ""
    assert "the previous database is kept as" in result.err
    kept = Path(result.err.rsplit(" kept as ", 1)[1].strip())
    assert kept.parent == filled.parent and ".before-restore-" in kept.name
    assert "Grace Hopper" in _names(kept)
    listed = cli("contact", "list", "--format", "json").json()
    assert [c["name"] for c in listed] == ["Ada Lovelace", "Charles Babbage"]


def test_restore_works_over_a_damaged_database(cli, filled):
    made = Path(cli("backup").out.strip())
    filled.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8000)
    assert cli("contact", "list").code == 1  # the app refuses it...
    result = cli("restore", str(made))  # ...but it can be replaced
    assert result.code == 0, result.err
    assert cli("contact", "list", "--format", "json").json()[0]["name"] == "Ada Lovelace"


def test_restore_refuses_a_bad_file_with_one_line_and_changes_nothing(cli, filled, tmp_path):
    bad = tmp_path / "holiday.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 5000)
    before = {p.name: _digest(p) for p in filled.parent.iterdir() if p.is_file()}
    result = cli("restore", str(bad))
    assert result.code == 1
    assert result.err.count("\n") == 1 and "not an SQLite file" in result.err
    assert {p.name: _digest(p) for p in filled.parent.iterdir() if p.is_file()} == before


def test_import_backs_up_a_database_with_data_first(cli, db_path):
    vcf = next((DATA / "vcards").glob("*.vcf"))
    assert cli("import", str(vcf)).code == 0  # an empty database: nothing to back up
    assert backups.list_backups(db_path.parent / "backups") == []
    result = cli("import", str(vcf), "--on-duplicate", "add")
    assert result.code == 0, result.err
    [made] = backups.list_backups(db_path.parent / "backups")
    assert made.reason == "before-import"
    assert len(_names(made.path)) * 2 == len(_names(db_path))
