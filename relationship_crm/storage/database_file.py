"""What a file on disk holds, looked at before anything writes to it: ours, empty, newer, damaged.

`inspect_file` is the first look of every path that opens, backs up, restores or checks a file
(storage.db, storage.backups, services.integrity). It reads through a read-only SQLite connection
only. The one exception is what every SQLite connection that can write does on its first read: a
rollback journal left by a killed writer (a "hot journal") is rolled back, restoring the file to
its last commit, because a read-only connection cannot read such a file at all.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from relationship_crm.domain.errors import DatabaseFileError
from relationship_crm.storage import encryption

# The revisions shipped with this version, oldest first; the last is the head. A test checks this
# against the Alembic scripts, so opening an up-to-date file never has to load Alembic at all.
KNOWN_REVISIONS: tuple[str, ...] = (
    "0001",
    "0002",
    "0003",
    "0004_trigger_events",
    "0005_keep_in_touch",
    "0006_stage_funnel",
    "0007_campaigns",
    "0008_sync_state",
    "0010_team",
    "0011_stage_stays",
    "0012_list_cells",
    "0013_list_company",
)
SCHEMA_HEAD = KNOWN_REVISIONS[-1]

BUSY_TIMEOUT_MS = 15_000
SQLITE_HEADER = b"SQLite format 3\x00"
#: The rollback journal SQLite keeps beside a database during a write transaction (not in WAL).
JOURNAL_SUFFIX = "-journal"


def inspect_file(path: Path) -> str | None:
    """What `path` holds, read without writing: None for nothing yet, else our schema revision.

    Raises DatabaseFileError for a folder, a non-database, another program's database, a damaged
    file whose schema cannot be read, or a schema revision this version does not know (newer).
    A hot journal is rolled back first (`recover_hot_journal`), as SQLite itself would.
    """
    path = Path(path)
    if not path.exists():
        return None
    if path.is_dir():
        raise DatabaseFileError(f"{path} is a folder, not a database file")
    if not stat.S_ISREG(path.stat().st_mode):
        raise DatabaseFileError(f"{path} is not a regular file")
    if not os.access(path, os.R_OK):
        raise DatabaseFileError(f"cannot read {path}: Permission denied")
    if path.stat().st_size == 0:
        return None  # an empty file: SQLite treats it as a new database
    try:
        return _read_revision_or_unlock(path)
    except _HotJournal:
        recover_hot_journal(path)
        try:
            return _read_revision_or_unlock(path)
        except _HotJournal as again:  # another writer was killed in between: rare, honest
            raise DatabaseFileError(
                f"{path} has an unfinished transaction that could not be rolled back"
            ) from again


class _HotJournal(Exception):
    """The read-only look met a rollback journal that only a writing connection can roll back."""


class _NotSQLite(Exception):
    """SQLite could not read the file as a plain database: not one at all, or encrypted."""


def _read_revision_or_unlock(path: Path) -> str | None:
    try:
        return _read_revision(path)
    except _NotSQLite:
        pass
    if encryption.is_encrypted(path) and has_sqlite_header(path):
        encryption.forget(path)  # decrypted since this process met it
        return _read_revision(path)
    # No connection of this process has the file open now: unlock may read its salt. (A key
    # already known for the path did not fit: the file was replaced, and unlock replaces it.)
    if encryption.unlock(path):
        try:
            return _read_revision(path)
        except _NotSQLite:
            pass
    if encryption.looks_encrypted(path):
        raise DatabaseFileError(
            f"{path} is not a Relationship CRM database (not an SQLite file), or it is "
            "encrypted: give its passphrase (asked on a terminal; scripts set "
            f"{encryption.PASSPHRASE_ENV_VAR})"
        )
    raise DatabaseFileError(f"{path} is not a Relationship CRM database (not an SQLite file)")


def _read_revision(path: Path) -> str | None:
    # Only SQLite reads the file, never open() here: closing any descriptor of the file drops every
    # POSIX lock this process holds on it, its SQLite connections' too; another process may then
    # take itself for the last user and delete the write-ahead log under them, losing commits
    # (sqlite.org/howtocorrupt.html, 2.2). SQLite itself keeps such descriptors open.
    try:
        conn = encryption.connect(path, mode="ro")
    except encryption.ERRORS as exc:
        raise DatabaseFileError(f"cannot open {path}: {exc}") from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            conn.execute("PRAGMA schema_version").fetchone()
        except encryption.DATABASE_ERRORS as exc:
            # Not a database at all (or encrypted), so no connection of this process can hold a
            # lock on it: reading its first bytes here to word the message is safe.
            code = getattr(exc, "sqlite_errorcode", None)
            if code == sqlite3.SQLITE_NOTADB and (
                encryption.is_encrypted(path) or not has_sqlite_header(path)
            ):
                raise _NotSQLite() from None
            if is_hot_journal_error(exc, path):
                raise _HotJournal(str(exc)) from exc
            raise
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not names:
            return None
        if "alembic_version" not in names:
            raise DatabaseFileError(
                f"{path} is an SQLite database of another program, not of Relationship CRM"
            )
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except encryption.DATABASE_ERRORS as exc:
        raise DatabaseFileError(f"{path} is damaged or not a database ({exc})") from exc
    finally:
        conn.close()
    if row is None:
        raise DatabaseFileError(f"{path} has no schema version; it may be damaged")
    revision = str(row[0])
    if revision not in KNOWN_REVISIONS:
        raise DatabaseFileError(
            f"{path} was written by a newer version of Relationship CRM (schema {revision}); "
            "update the app to open it"
        )
    return revision


def is_hot_journal_error(exc: Exception, path: Path) -> bool:
    """Whether a read-only connection failed only because a rollback journal must be rolled back.

    SQLite says SQLITE_READONLY_ROLLBACK ("attempt to write a readonly database") on a healthy
    file whose last writer was killed mid-transaction: that is no damage.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_READONLY_ROLLBACK:
        return True
    readonly = code is not None and code & 0xFF == sqlite3.SQLITE_READONLY
    return readonly and journal_path(path).exists()


def recover_hot_journal(path: Path) -> None:
    """Roll back the transaction a killed writer left in `path`'s rollback journal.

    Exactly what any SQLite connection that can write does on its first read (the journal holds
    the pages as they were before that transaction). The connection never creates the file
    (``mode=rw``). Raises DatabaseFileError if it cannot: no write permission, or the file is
    damaged after all.
    """
    try:
        conn = encryption.connect(path, mode="rw")
    except encryption.ERRORS as exc:
        raise DatabaseFileError(f"cannot open {path}: {exc}") from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA schema_version").fetchone()  # the first read rolls the journal back
    except encryption.DATABASE_ERRORS as exc:
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN):
            raise DatabaseFileError(
                f"{path} has an unfinished transaction (a killed program left "
                f"{journal_path(path).name}) that only a program allowed to write the file and "
                f"its folder can roll back: {exc}"
            ) from exc
        raise DatabaseFileError(f"{path} is damaged or not a database ({exc})") from exc
    finally:
        conn.close()


def journal_path(path: Path) -> Path:
    return Path(f"{path}{JOURNAL_SUFFIX}")


def has_sqlite_header(path: Path) -> bool:
    """Whether `path` starts like an SQLite database (only for a file SQLite could not open)."""
    try:
        with Path(path).open("rb") as fh:
            return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False
