"""Opening the SQLite file safely: checks, private permissions, pragmas, migrations and sessions.

A file is never modified before it is known to be ours: a non-database, a damaged file, another
program's database or one written by a newer version of the app is refused with a clear message.
Write transactions start with ``BEGIN IMMEDIATE`` so two processes queue on SQLite's busy timeout
instead of failing with "database is locked" when a read lock cannot be upgraded.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from relationship_crm.domain.errors import DatabaseFileError, KnownError
from relationship_crm.domain.text import fold

# The revisions shipped with this version, oldest first; the last is the head. A test checks this
# against the Alembic scripts, so opening an up-to-date file never has to load Alembic at all.
KNOWN_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003")
SCHEMA_HEAD = KNOWN_REVISIONS[-1]

BUSY_TIMEOUT_MS = 15_000
SQLITE_HEADER = b"SQLite format 3\x00"


def _is_fts_shadow(name: str) -> bool:
    return name == "contacts_fts" or name.startswith("contacts_fts_")


class Database:
    """One SQLite file: the engine, and sessions framed as one transaction per user action.

    Use ``with db.write() as s:`` for anything that changes data (committed at the end, rolled back
    on any error) and ``with db.read() as s:`` for queries. Sessions must not cross threads.
    """

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self._writer = sessionmaker(engine, expire_on_commit=False)
        self._reader = sessionmaker(
            engine.execution_options(crm_read_only=True), expire_on_commit=False
        )

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction (BEGIN IMMEDIATE): all of it is committed, or none of it."""
        with _translated_errors(self.path), self._writer.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only snapshot (deferred BEGIN; WAL lets it run beside a writer)."""
        with _translated_errors(self.path), self._reader.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


@contextmanager
def _translated_errors(path: Path) -> Iterator[None]:
    """Turn SQLite failures caused by the environment into KnownErrors with a plain message."""
    try:
        yield
    except OperationalError as exc:
        text = str(exc.orig).lower()
        if "locked" in text or "busy" in text:
            raise KnownError(
                f"the database {path} is busy (another program kept it locked for "
                f"{BUSY_TIMEOUT_MS // 1000} s); nothing was changed, try again"
            ) from exc
        if "disk is full" in text or "disk i/o" in text:
            raise KnownError(f"cannot write {path}: {exc.orig}; nothing was changed") from exc
        if "readonly" in text or "read-only" in text:
            raise KnownError(f"cannot write {path}: the file is read-only") from exc
        raise
    except DBAPIError as exc:
        if isinstance(exc.orig, sqlite3.DatabaseError) and "malformed" in str(exc.orig):
            raise DatabaseFileError(f"the database {path} is damaged: {exc.orig}") from exc
        raise


_LENIENT_TEXT = functools.partial(str, encoding="utf-8", errors="replace")


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's implicit BEGIN is deferred).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    # FULL: a commit is on disk when it returns, even in WAL mode (power loss keeps it).
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()
    # crm_fold(text): the search folding (case, accents) inside SQL, so the full-text index can
    # be rebuilt with one INSERT ... SELECT instead of loading every contact into Python.
    dbapi_connection.create_function("crm_fold", 1, _sql_fold, deterministic=True)
    # Text another program stored as invalid UTF-8 reads with replacement characters instead of
    # failing the whole query ("Could not decode to UTF-8"): one bad row must not hide the rest.
    dbapi_connection.text_factory = _LENIENT_TEXT


def _on_migration_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # As _on_connect, but without foreign keys (batch mode copies tables): BEGIN is ours, and the
    # file is in WAL from the start, so a killed creation never leaves a hot rollback journal
    # that the read-only first look of the next start (inspect_file) could not roll back.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def _sql_fold(value: str | None) -> str:
    return fold(value) if value else ""


def _on_begin(conn: Any) -> None:
    read_only = conn.get_execution_options().get("crm_read_only", False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_engine(path: Path) -> Engine:
    """An engine with the app's pragmas on every connection."""
    engine = create_engine(f"sqlite+pysqlite:///{path}")
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def open_database(path: Path) -> Database:
    """Open (creating and migrating if needed) the database at `path`.

    A missing file is created private to the user (0600, its new folders 0700). An existing file is
    first inspected read-only; it is migrated only if it is a Relationship CRM database of an older
    schema, and only after a backup of it (reason "before-migration", in the `backups` folder beside
    it) was made and verified. Raises DatabaseFileError for anything else, leaving the file
    untouched; a failed backup is a KnownError and the file is not migrated either.
    """
    path = Path(path)
    revision = inspect_file(path)
    if revision is None:
        _create_private_file(path)
    elif revision != SCHEMA_HEAD:
        # Imported here: backups imports this module (inspect_file, BUSY_TIMEOUT_MS).
        from relationship_crm.storage import backups

        backups.automatic_backup(path, reason="before-migration")
    engine = make_engine(path)
    db = Database(path, engine)
    if revision != SCHEMA_HEAD:
        try:
            migrate(path)
        except (OperationalError, sqlite3.OperationalError) as exc:
            db.close()
            if "unable to open database file" in str(exc):
                # A special file that looks empty (/proc/self/status), say: not a place for one.
                raise DatabaseFileError(
                    f"cannot use {path} as a database: SQLite cannot open it"
                ) from exc
            raise
        except Exception:
            db.close()
            raise
    return db


def _create_private_file(path: Path) -> None:
    folder = path.parent
    if not folder.exists():
        try:
            folder.mkdir(mode=0o700, parents=True)
        except OSError as exc:
            raise DatabaseFileError(f"cannot create the folder {folder}: {exc.strerror}") from exc
    if not path.exists():
        try:
            fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        except FileExistsError:
            return
        except OSError as exc:
            raise DatabaseFileError(f"cannot create the database {path}: {exc.strerror}") from exc
        os.close(fd)


def inspect_file(path: Path) -> str | None:
    """What `path` holds, read without writing: None for nothing yet, else our schema revision.

    Raises DatabaseFileError for a folder, a non-database, another program's database, a damaged
    file whose schema cannot be read, or a schema revision this version does not know (newer).
    """
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
    # Only SQLite reads the file, never open() here: closing any descriptor of the file drops every
    # POSIX lock this process holds on it, its SQLite connections' too; another process may then
    # take itself for the last user and delete the write-ahead log under them, losing commits
    # (sqlite.org/howtocorrupt.html, 2.2). SQLite itself keeps such descriptors open.
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DatabaseFileError(f"cannot open {path}: {exc}") from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            conn.execute("PRAGMA schema_version").fetchone()
        except sqlite3.DatabaseError as exc:
            # Not a database at all, so no connection of this process can hold a lock on it:
            # reading its first bytes here to word the message is safe.
            if exc.sqlite_errorcode == sqlite3.SQLITE_NOTADB and not _has_sqlite_header(path):
                raise DatabaseFileError(
                    f"{path} is not a Relationship CRM database (not an SQLite file)"
                ) from None
            raise
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not names:
            return None
        if "alembic_version" not in names:
            raise DatabaseFileError(
                f"{path} is an SQLite database of another program, not of Relationship CRM"
            )
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
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


def _has_sqlite_header(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def migrate(path: Path) -> None:
    """Bring the schema of `path` to the head revision with Alembic (imported only when needed)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    # Migrations run on a connection without PRAGMA foreign_keys (batch mode copies tables).
    engine = create_engine(f"sqlite+pysqlite:///{path}")
    # One transaction for the whole upgrade, the first schema creation included: pysqlite BEGINs
    # only before INSERT/UPDATE/DELETE, so CREATE TABLE ran in autocommit and a process killed
    # during the first start left half a schema that the app then refused ("no schema version").
    event.listen(engine, "connect", _on_migration_connect)
    event.listen(engine, "begin", _on_begin)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()
