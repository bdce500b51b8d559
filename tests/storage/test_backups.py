"""Backups: consistent copies with the online backup API, rotation, the daily and pre-migration
backups, and restore (checked first, the current file kept aside, refused while in use)."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

import relationship_crm.storage.db as storage_db
from relationship_crm.domain.errors import DatabaseFileError, KnownError
from relationship_crm.domain.records import ContactDraft, Labeled
from relationship_crm.services import contacts, integrity, sample_data
from relationship_crm.storage import backups
from relationship_crm.storage.database_file import KNOWN_REVISIONS, SCHEMA_HEAD
from relationship_crm.storage.db import open_database

NOW = datetime(2026, 11, 23, 14, 5, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed database with a small sample (made once; tests copy it)."""
    path = tmp_path_factory.mktemp("sample") / "crm.sqlite3"
    db = open_database(path)
    with db.write() as s:
        sample_data.generate(
            s, contacts=60, seed=3, today=date(2026, 11, 20), tz="Europe/Paris", now=NOW
        )
    db.close()
    return path


@pytest.fixture
def sample_db(sample_file: Path, db_path: Path) -> Path:
    db_path.parent.mkdir(mode=0o700)
    shutil.copy(sample_file, db_path)
    return db_path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _listing(folder: Path) -> dict[str, str]:
    return {p.name: _digest(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def _tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND name NOT LIKE 'contacts_fts_%'"
            )
        ]
        return {n: sorted(conn.execute(f'SELECT * FROM "{n}"'), key=repr) for n in names}
    finally:
        conn.close()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- making backups ----------------------------------------------------------------------------


def test_a_backup_is_a_private_standalone_copy_with_the_same_rows(sample_db):
    made = backups.make_backup(sample_db, reason="before-import", now=NOW)
    assert made == sample_db.parent / "backups" / "crm-20261123-140501Z-before-import.sqlite3"
    assert _mode(made) == 0o600
    assert _mode(made.parent) == 0o700
    assert sorted(p.name for p in made.parent.iterdir()) == [made.name]  # no -wal, no leftovers
    assert made.read_bytes()[18:20] == b"\x01\x01"  # rollback journal: one self-contained file
    assert _tables(made) == _tables(sample_db)
    assert backups.check_backup(made) == SCHEMA_HEAD
    assert integrity.check(made) == []
    [info] = backups.list_backups(made.parent)
    assert (info.taken_at, info.reason, info.size) == (
        NOW.replace(microsecond=0),
        "before-import",
        made.stat().st_size,
    )


def test_backups_in_the_same_second_get_distinct_names_that_list_in_order(sample_db, tmp_path):
    folder = tmp_path / "elsewhere" / "deep"
    made = [backups.make_backup(sample_db, folder=folder, now=NOW) for _ in range(3)]
    assert [p.name for p in made] == [
        "crm-20261123-140501Z-manual.sqlite3",
        "crm-20261123-140501Z-2-manual.sqlite3",
        "crm-20261123-140501Z-3-manual.sqlite3",
    ]
    assert [b.path for b in backups.list_backups(folder)] == made[::-1]
    assert backups.latest_backup(folder) == made[-1]


def _writer(path: str, started: object, stop: object) -> None:
    db = open_database(Path(path))
    i = 0
    while not stop.is_set():  # type: ignore[attr-defined]
        with db.write() as s:
            contacts.create(
                s, ContactDraft(name=f"Busy Writer {i}", emails=(Labeled(f"w{i}@x.example"),))
            )
        i += 1
        if i == 5:
            started.set()  # type: ignore[attr-defined]
    db.close()


def test_a_backup_taken_while_another_process_writes_is_consistent(sample_db, tmp_path):
    ctx = multiprocessing.get_context("spawn")
    started, stop = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_writer, args=(str(sample_db), started, stop))
    proc.start()
    try:
        while not started.wait(0.1):
            assert proc.is_alive(), "the writer died"
        made = [
            backups.make_backup(sample_db, folder=tmp_path / "b", now=NOW + timedelta(seconds=i))
            for i in range(3)
        ]
    finally:
        stop.set()
        proc.join(60)
    assert proc.exitcode == 0
    counts = []
    for backup in made:
        assert backups.check_backup(backup) == SCHEMA_HEAD
        # The app's checks include "one search index row per contact, with its text": a torn copy
        # (contacts from one moment, index or emails from another) would fail them.
        assert integrity.check(backup) == []
        with closing(sqlite3.connect(backup)) as conn:
            counts.append(conn.execute("SELECT count(*) FROM contacts").fetchone()[0])
    assert counts == sorted(counts) and counts[0] > 60  # the writer was writing all along


def test_a_damaged_database_is_not_backed_up_and_leaves_no_partial_file(sample_db, tmp_path):
    data = bytearray(sample_db.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8192] = bytes(8192)
    sample_db.write_bytes(bytes(data))
    with pytest.raises(DatabaseFileError, match="damaged"):
        backups.make_backup(sample_db, folder=tmp_path / "b", now=NOW)
    # The damage may be found before the folder is made (a zeroed page of the schema) or after.
    assert list((tmp_path / "b").glob("*")) == []


def test_nothing_to_back_up_is_a_clear_error(tmp_path):
    with pytest.raises(KnownError, match="no database"):
        backups.make_backup(tmp_path / "missing.sqlite3")
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a database")
    with pytest.raises(DatabaseFileError, match="not an SQLite file"):
        backups.make_backup(text_file)
    assert not (tmp_path / "backups").exists()


# --- rotation ----------------------------------------------------------------------------------


def _touch_backup(folder: Path, moment: datetime, reason: str = "daily", db: str = "crm") -> Path:
    path = folder / backups.backup_name(db, moment, reason)
    path.write_bytes(b"")
    return path


def test_rotation_keeps_7_daily_4_weekly_12_monthly_over_400_days(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    foreign = {
        "notes.txt": b"mine",
        "crm-2025.sqlite3": b"not our pattern",
        "crm-20250101-000000Z-manual.sqlite3": b"a manual backup",
        "other-20250101-000000Z-daily.sqlite3": b"another database's",
        "crm-20251301-000000Z-daily.sqlite3": b"month 13: not a date, so not ours",
    }
    for name, content in foreign.items():
        (folder / name).write_bytes(content)
    start = datetime(2025, 10, 1, 2, 0, tzinfo=UTC)
    for day in range(400):
        moment = start + timedelta(days=day)
        _touch_backup(folder, moment)
        backups.rotate(folder, now=moment, of=tmp_path / "crm.sqlite3")
        automatic = [b for b in backups.list_backups(folder, of=tmp_path / "crm.sqlite3")]
        assert len([b for b in automatic if b.automatic]) <= 7 + 4 + 12
    now = start + timedelta(days=399)
    assert now.date() == date(2026, 11, 4)  # a Wednesday
    kept = sorted(
        b.taken_at.date()
        for b in backups.list_backups(folder, of=tmp_path / "crm.sqlite3")
        if b.automatic
    )
    expected = [
        # the newest of each of the last 12 months
        date(2025, 12, 31),
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
        date(2026, 6, 30),
        date(2026, 7, 31),
        date(2026, 8, 31),
        date(2026, 9, 30),
        # the newest of the 4 ISO weeks (Sundays 18 and 25 Oct; 1 Nov and today are daily too)
        date(2026, 10, 18),
        date(2026, 10, 25),
        # the last 7 days (31 Oct is also October's newest)
        *(date(2026, 10, 29) + timedelta(days=i) for i in range(7)),
    ]
    assert kept == expected
    for name, content in foreign.items():
        assert (folder / name).read_bytes() == content


def test_rotation_removes_what_an_interrupted_backup_left_once_it_is_a_day_old(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    old, fresh = folder / ".crm-k1l2m3.partial", folder / ".crm-n4o5p6.partial"
    for path in (old, fresh):
        path.write_bytes(b"half a copy")
    os.utime(old, (NOW.timestamp() - 90_000, NOW.timestamp() - 90_000))
    os.utime(fresh, (NOW.timestamp() - 60, NOW.timestamp() - 60))
    assert backups.rotate(folder, now=NOW) == [old]
    assert fresh.exists()


def test_rotation_keeps_the_newest_even_when_it_is_old_and_handles_each_database(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    ancient = [_touch_backup(folder, datetime(2020, 1, d, tzinfo=UTC)) for d in (1, 2, 3)]
    others = [_touch_backup(folder, datetime(2020, 1, d, tzinfo=UTC), db="work") for d in (1, 2)]
    deleted = backups.rotate(folder, now=NOW)
    assert deleted == sorted([*ancient[:2], others[0]])
    assert backups.latest_backup(folder, of=tmp_path / "crm.sqlite3") == ancient[2]
    assert backups.latest_backup(folder, of=tmp_path / "work.sqlite3") == others[1]


# --- automatic backups -------------------------------------------------------------------------


def test_the_daily_backup_is_made_when_the_last_is_a_day_old(db_path):
    db = open_database(db_path)
    folder = db_path.parent / "backups"
    assert backups.backup_if_stale(db_path, now=NOW) is None  # nothing entered yet
    with db.write() as s:
        contacts.create(s, ContactDraft(name="First Contact"))
    first = backups.backup_if_stale(db_path, now=NOW)
    assert first is not None and first.name.endswith("-daily.sqlite3")
    assert backups.backup_if_stale(db_path, now=NOW + timedelta(hours=23)) is None
    # Two from October: the newer one is that month's, the older one goes with the next rotation.
    october = _touch_backup(folder, NOW - timedelta(days=40))
    gone = _touch_backup(folder, NOW - timedelta(days=41))
    second = backups.backup_if_stale(db_path, now=NOW + timedelta(hours=24))
    db.close()
    assert second is not None and second != first
    assert not gone.exists()
    assert [b.path for b in backups.list_backups(folder)] == [second, first, october]
    # A manual backup counts as a recent backup too.
    backups.make_backup(db_path, now=NOW + timedelta(days=3))
    assert backups.backup_if_stale(db_path, now=NOW + timedelta(days=3, hours=1)) is None


def _old_schema_database(path: Path, *, with_contact: bool) -> None:
    config = Config()
    config.set_main_option("script_location", str(Path(storage_db.__file__).parent / "migrations"))
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, KNOWN_REVISIONS[0])
        if with_contact:
            connection.execute(
                text(
                    "INSERT INTO contacts (id, display_name, given_name, family_name, sort_name,"
                    " title, stage, notes, created_at, updated_at) VALUES (7, 'Old Timer', '',"
                    " '', 'old timer', '', 'lead', '', '2020-01-01 00:00:00.000000',"
                    " '2020-01-01 00:00:00.000000')"
                )
            )
    engine.dispose()


def test_a_migration_is_preceded_by_a_backup_of_the_old_file(tmp_path):
    path = tmp_path / "crm.sqlite3"
    _old_schema_database(path, with_contact=True)
    db = open_database(path)
    with db.read() as s:
        assert s.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
        assert contacts.get(s, 7).name == "Old Timer"
    db.close()
    [info] = backups.list_backups(tmp_path / "backups")
    assert info.reason == "before-migration"
    assert backups.check_backup(info.path) == KNOWN_REVISIONS[0]
    with closing(sqlite3.connect(info.path)) as conn:
        assert conn.execute("SELECT display_name FROM contacts").fetchall() == [("Old Timer",)]


def test_an_old_file_without_data_is_migrated_without_a_backup(tmp_path):
    path = tmp_path / "crm.sqlite3"
    _old_schema_database(path, with_contact=False)
    open_database(path).close()
    assert not (tmp_path / "backups").exists()


# --- restore -----------------------------------------------------------------------------------


def _names(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        return {r[0] for r in conn.execute("SELECT display_name FROM contacts")}


def test_restore_swaps_in_the_backup_and_keeps_the_current_database_aside(sample_db):
    backup = backups.make_backup(sample_db, now=NOW)
    db = open_database(sample_db)
    with db.write() as s:
        contacts.create(s, ContactDraft(name="Added After The Backup"))
    db.close()
    kept = backups.restore(sample_db, backup, now=NOW + timedelta(hours=1))
    assert kept == sample_db.with_name("crm.sqlite3.before-restore-20261123-150501Z")
    assert "Added After The Backup" in _names(kept)
    assert "Added After The Backup" not in _names(sample_db)
    assert _mode(sample_db) == 0o600
    beside = sorted(p.name for p in sample_db.parent.iterdir())
    assert beside == ["backups", "crm.sqlite3", kept.name]  # no -wal/-shm, no temporary file
    assert integrity.check(sample_db) == []
    db = open_database(sample_db)  # and the app opens it
    with db.read() as s:
        assert contacts.count(s) == 60
    db.close()


def test_restore_without_a_current_database_just_copies(sample_db, tmp_path):
    target = tmp_path / "new-home" / "crm.sqlite3"
    assert backups.restore(target, sample_db) is None
    assert _tables(target) == _tables(sample_db)
    assert _mode(target) == 0o600


def test_an_older_schema_backup_is_restored_and_upgraded_on_opening(db_path, tmp_path):
    old = tmp_path / "old.sqlite3"
    _old_schema_database(old, with_contact=True)
    open_database(db_path).close()
    backups.restore(db_path, old, now=NOW)
    db = open_database(db_path)
    with db.read() as s:
        assert contacts.get(s, 7).name == "Old Timer"
    db.close()


def _damaged_copy(source: Path, target: Path) -> Path:
    data = bytearray(source.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 4096] = b"\xa5" * 4096
    target.write_bytes(bytes(data))
    return target


def _newer_copy(source: Path, target: Path) -> Path:
    shutil.copy(source, target)
    _set_revision(target, "9999")
    return target


def _set_revision(path: Path, revision: str) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        conn.commit()


@pytest.mark.parametrize(
    "make_bad, message",
    [
        (_damaged_copy, "damaged"),
        (_newer_copy, "newer version"),
        (lambda _src, target: target.write_text("hello\n" * 1000) and target, "not an SQLite"),
        (lambda _src, target: target, "no file"),
    ],
    ids=["damaged", "newer-schema", "not-sqlite", "missing"],
)
def test_restore_refuses_a_bad_backup_and_touches_nothing(sample_db, tmp_path, make_bad, message):
    backup = backups.make_backup(sample_db, now=NOW)
    bad = make_bad(backup, tmp_path / "bad.sqlite3")
    before = _listing(sample_db.parent)
    with pytest.raises(KnownError, match=message):
        backups.restore(sample_db, bad, now=NOW)
    assert _listing(sample_db.parent) == before


def test_restore_replaces_a_database_the_app_refuses_and_keeps_it_byte_for_byte(
    sample_db, tmp_path
):
    backup = backups.make_backup(sample_db, folder=tmp_path / "b", now=NOW)
    _set_revision(sample_db, "9999")
    before = _digest(sample_db)
    with pytest.raises(DatabaseFileError, match="newer version"):
        open_database(sample_db)
    kept = backups.restore(sample_db, backup, now=NOW)
    assert kept is not None and _digest(kept) == before
    assert backups.check_backup(sample_db) == SCHEMA_HEAD


HOLDER = r"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
if sys.argv[2] == "transaction":
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE contacts SET notes = 'uncommitted'")
else:
    conn.execute("PRAGMA journal_mode").fetchall()
    conn.execute("SELECT count(*) FROM contacts").fetchall()
print("ready", flush=True)
sys.stdin.read()
"""


@pytest.mark.parametrize("how", ["transaction", "idle"])
def test_restore_is_refused_while_another_process_has_the_database_open(sample_db, how):
    backup = backups.make_backup(sample_db, now=NOW)
    db = open_database(sample_db)  # WAL mode, as the app leaves it
    db.close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(sample_db), how],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "ready\n"
        before = _digest(sample_db)
        with pytest.raises(KnownError, match="in use by another program.*close it first"):
            backups.restore(sample_db, backup, now=NOW)
        assert _digest(sample_db) == before
        assert not list(sample_db.parent.glob("*.before-restore-*"))
    finally:
        holder.communicate("", timeout=30)
    assert backups.restore(sample_db, backup, now=NOW) is not None  # once it has let go
