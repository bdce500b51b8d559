"""Opening the SQLite file safely: checks, private permissions, pragmas, migrations and sessions.

A file is never modified before it is known to be ours: a non-database, a damaged file, another
program's database or one written by a newer version of the app is refused with a clear message.
Write transactions start with ``BEGIN IMMEDIATE`` so two processes queue on SQLite's busy timeout
instead of failing with "database is locked" when a read lock cannot be upgraded.
"""

from __future__ import annotations

import functools
import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Select, create_engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from relationship_crm.domain.errors import DatabaseFileError, KnownError
from relationship_crm.domain.text import fold
from relationship_crm.storage import encryption

# The first look at a file lives in storage.database_file, which backups uses too (backups
# imports nothing from this module).
from relationship_crm.storage.database_file import BUSY_TIMEOUT_MS, SCHEMA_HEAD, inspect_file


def _is_fts_shadow(name: str) -> bool:
    return name == "contacts_fts" or name.startswith("contacts_fts_")


class Database:
    """One SQLite file or server database: the engine, and sessions framed as one transaction per
    user action.

    Use ``with db.write() as s:`` for anything that changes data (committed at the end, rolled back
    on any error) and ``with db.read() as s:`` for queries. Sessions must not cross threads.
    `path` is the SQLite file, None for a server database (`url`, storage.server).
    """

    def __init__(self, path: Path | None, engine: Engine, *, url: str | None = None) -> None:
        self.path = path
        self.url = url
        self.engine = engine
        # Signs this Database's change notices on a server, so its own commits are not taken
        # for the team's (storage.outside_changes).
        self.token = secrets.token_hex(8)
        self._writer = sessionmaker(engine, expire_on_commit=False)
        self._reader = sessionmaker(
            engine.execution_options(crm_read_only=True), expire_on_commit=False
        )

    @property
    def on_server(self) -> bool:
        return self.url is not None

    @property
    def where(self) -> str:
        """The file or the server database, as shown to the rep (no password)."""
        if self.url is not None:
            from relationship_crm.storage import server

            return server.describe(self.url)
        return str(self.path)

    def _translated(self) -> AbstractContextManager[None]:
        if self.url is not None:
            from relationship_crm.storage import server

            return server.translated_errors(self.url)
        assert self.path is not None
        return _translated_errors(self.path)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction (BEGIN IMMEDIATE, or the server's write lock): all of it is
        committed, or none of it."""
        with self._translated(), self._writer.begin() as session:
            yield session
            transaction = session.get_transaction()
            if self.url is not None and transaction is not None and transaction.is_active:
                # (A caller that rolled back itself has nothing to announce.)
                from relationship_crm.storage.server import NOTIFY_SQL

                session.execute(text(NOTIFY_SQL), {"token": self.token})

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only snapshot (deferred BEGIN; WAL lets it run beside a writer)."""
        with self._translated(), self._reader.begin() as session:
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
        if isinstance(exc.orig, encryption.DATABASE_ERRORS) and "malformed" in str(exc.orig):
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


def fetch_tuples(session: Session, query: Select[*tuple[Any, ...]]) -> list[Any]:
    """All rows of `query` as plain tuples, for a hot list of many rows (issue 18).

    On SQLite straight from the driver's cursor with its own UTF-8 decoding: SQLAlchemy's rows
    and the lenient text factory (`_on_connect`) cost 3-4 us a row, a third of a 25,000-row list.
    Text another program stored as invalid UTF-8 is still read, by the lenient path (which also
    raises any other error as SQLAlchemy's, as every query does), as is a query whose parameters
    need SQLAlchemy's conversion (anything but text and numbers).
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        statement, values = _driver_statement(query, connection.dialect)
        if all(value is None or type(value) in (str, int, float) for value in values):
            raw: Any = connection.connection.driver_connection
            lenient = raw.text_factory
            raw.text_factory = str
            try:
                rows: list[Any] = raw.execute(statement, values).fetchall()
                return rows
            except encryption.DATABASE_ERRORS:
                pass  # read again below: leniently, and any error as SQLAlchemy's, as elsewhere
            finally:
                raw.text_factory = lenient
    return [tuple(row) for row in connection.execute(query)]


_COMPILED: dict[Any, Any] = {}  # a query's shape -> its compiled form (see _driver_statement)
_COMPILED_MAX = 128


def _driver_statement(query: Select[Any], dialect: Any) -> tuple[str, list[Any]]:
    """The SQL text and positional values the driver runs for `query`, its IN lists expanded.

    The compiled form is kept by the query's cache key, as SQLAlchemy keeps its own: compiling
    a page's query anew took 3 ms, most of a page's Python (issue 18).
    """
    key = query._generate_cache_key()
    compiled = None if key is None else _COMPILED.get((dialect.name, key.key))
    if compiled is None:
        compiled = query.compile(dialect=dialect, cache_key=key)
        if key is not None:
            if len(_COMPILED) >= _COMPILED_MAX:
                _COMPILED.clear()
            _COMPILED[(dialect.name, key.key)] = compiled
    params = compiled.construct_params(extracted_parameters=None if key is None else key.bindparams)
    expanded = compiled.construct_expanded_state(params)
    return expanded.statement, list(expanded.positional_parameters)


def _on_migration_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # As _on_connect, but without foreign keys (batch mode copies tables): BEGIN is ours, and the
    # file is switched to WAL first, so a kill during the schema's creation leaves a write-ahead
    # log, not a hot rollback journal (inspect_file rolls such a journal back in any case: the
    # switch to WAL itself writes the new file's first page through one).
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
    engine = create_engine(f"sqlite+pysqlite:///{path}", **encryption.engine_options(path))
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def open_database(path: Path | str) -> Database:
    """Open (creating and migrating if needed) the database at `path`.

    A ``postgresql://`` URL opens a server database instead (`open_server_database`).

    A missing file is created private to the user (0600, its new folders 0700). An existing file is
    first inspected read-only; it is migrated only if it is a Relationship CRM database of an older
    schema, and only after a backup of it (reason "before-migration", in the `backups` folder beside
    it) was made and verified. Raises DatabaseFileError for anything else, leaving the file
    untouched; a failed backup is a KnownError and the file is not migrated either.
    """
    from relationship_crm.storage.server import is_server_url

    if is_server_url(path):
        return open_server_database(str(path))
    path = Path(path)
    revision = inspect_file(path)
    if revision is None:
        _create_private_file(path)
        encryption.prepare_new(path)
    elif revision != SCHEMA_HEAD:
        from relationship_crm.storage import backups  # only then: every command opens a file

        backups.automatic_backup(path, reason="before-migration")
    engine = make_engine(path)
    db = Database(path, engine)
    if revision != SCHEMA_HEAD:
        try:
            if revision is None:
                _create_schema(path)
            else:
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


def open_server_database(url: str) -> Database:
    """Open (creating or upgrading its schema if needed) a PostgreSQL database (storage.server).

    No backup before a migration there: the upgrade is one transaction, and the server's own
    backups (pg_dump, base backups) are the admin's.
    """
    from relationship_crm.storage import server

    engine = server.make_server_engine(url)
    try:
        if server.revision(engine, url) != SCHEMA_HEAD:
            server.migrate(engine, url)
    except Exception:
        engine.dispose()
        raise
    return Database(None, engine, url=url)


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


def _create_schema(path: Path) -> None:
    """The head schema in a new file, in one step (storage.head_schema; Alembic not loaded)."""
    from relationship_crm.storage import head_schema

    head_schema.create(path, encryption.engine_options(path), _on_migration_connect)


def migrate(path: Path) -> None:
    """Bring the schema of `path` to the head revision with Alembic (imported only when needed)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    # Migrations run on a connection without PRAGMA foreign_keys (batch mode copies tables).
    engine = create_engine(f"sqlite+pysqlite:///{path}", **encryption.engine_options(path))
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
