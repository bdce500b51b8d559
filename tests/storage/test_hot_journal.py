"""A writer killed inside a rollback-journal transaction leaves a hot journal: not damage.

The file is made on purpose, deterministically: a child process opens a database of ours in
rollback-journal mode, starts a write transaction big enough that SQLite spills changed pages into
the database file itself, and SIGKILLs itself before committing. Only the journal can put the file
back, and a read-only connection cannot read it at all ("attempt to write a readonly database").
The app (open_database) and `relationship-crm check` (services.integrity) must roll it back as
SQLite would and see the last committed state, not call the file damaged.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from relationship_crm.domain.errors import DatabaseFileError
from relationship_crm.domain.records import ContactDraft
from relationship_crm.services import contacts, integrity
from relationship_crm.storage import backups, encryption
from relationship_crm.storage.database_file import SCHEMA_HEAD, inspect_file, journal_path
from relationship_crm.storage.db import open_database
from tests.database_files import connect_file

# The killed writer: a transaction that renames every contact, overwrites the schema version and
# adds a big table, with a one-page cache so the changed pages are written to the file (and the
# originals to the journal) before the kill.
WRITER = r"""
import os, signal, sys
if len(sys.argv) > 2:  # an encrypted file (CRM_TEST_ENCRYPTED=1): keyed with its raw key
    from sqlcipher3 import dbapi2 as sqlite3
else:
    import sqlite3
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
if len(sys.argv) > 2:
    conn.execute("PRAGMA key = " + sys.argv[2])
conn.execute("PRAGMA cache_size = 1")
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE contacts SET display_name = 'Overwritten'")
conn.execute("UPDATE alembic_version SET version_num = '9999'")
conn.execute("CREATE TABLE ballast (x BLOB)")
conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) "
             "INSERT INTO ballast SELECT randomblob(4000) FROM n")
os.kill(os.getpid(), signal.SIGKILL)
"""

NAMES = ("Jane Doe", "Carlos Mendoza", "Priya Raman")


def _hot_file(folder: Path) -> Path:
    """A database of ours with three contacts, left with a hot journal by a killed writer."""
    path = folder / "crm.sqlite3"
    db = open_database(path)
    with db.write() as session:
        for name in NAMES:
            contacts.create(session, ContactDraft(name=name))
    db.close()
    conn = connect_file(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE").fetchall()  # as a file before its switch to WAL
    conn.close()
    before = path.read_bytes()
    key = encryption.key_for(path)
    writer = subprocess.run(
        [sys.executable, "-c", WRITER, str(path), *([key.pragma] if key else [])],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert writer.returncode == -signal.SIGKILL, writer.stderr
    # The file really is hot: changed in place, its journal left, unreadable read-only.
    assert journal_path(path).stat().st_size > 0
    assert path.read_bytes() != before
    ro = connect_file(path, mode="ro")
    with pytest.raises(encryption.OPERATIONAL_ERRORS, match="readonly database"):
        ro.execute("PRAGMA schema_version").fetchone()
    ro.close()
    return path


def _assert_recovered(path: Path) -> None:
    """The file holds its last commit again, passes SQLite's checks, and has no journal."""
    assert not journal_path(path).exists()
    conn = connect_file(path, mode="ro")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rows = conn.execute("SELECT display_name FROM contacts ORDER BY id").fetchall()
        assert [r[0] for r in rows] == list(NAMES)
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (SCHEMA_HEAD,)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "ballast" not in tables
    finally:
        conn.close()


def _open(path: Path) -> None:
    db = open_database(path)
    try:
        with db.read() as session:
            assert contacts.count(session) == len(NAMES)
    finally:
        db.close()


def _check(path: Path) -> None:
    report = integrity.run(path)
    assert report.ok, [str(p) for p in report.problems]
    assert report.revision == SCHEMA_HEAD and not report.skipped


def _inspect(path: Path) -> None:
    assert inspect_file(path) == SCHEMA_HEAD


def _back_up(path: Path) -> None:
    made = backups.make_backup(path)
    assert backups.check_backup(made) == SCHEMA_HEAD


@pytest.mark.parametrize(
    "first_look",
    [_open, _check, _inspect, _back_up],
    ids=["open_database", "check", "inspect_file", "make_backup"],
)
def test_a_hot_journal_is_rolled_back_not_called_damage(
    tmp_path: Path, first_look: Callable[[Path], None]
) -> None:
    path = _hot_file(tmp_path)
    first_look(path)
    _assert_recovered(path)
    _open(path)  # and the app opens it as usual afterwards


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only file")
def test_a_hot_journal_without_write_permission_is_explained(tmp_path: Path) -> None:
    path = _hot_file(tmp_path)
    path.chmod(0o400)
    try:
        with pytest.raises(DatabaseFileError, match="unfinished transaction") as caught:
            inspect_file(path)
        assert "damaged" not in str(caught.value)
    finally:
        path.chmod(0o600)
    assert journal_path(path).exists()  # left for a program that may write it
