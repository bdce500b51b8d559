"""A team's shared database on a PostgreSQL server: URLs, the engine, migrations and sessions.

SQLite stays the default; a ``postgresql://user@host/dbname`` given to --db or
RELATIONSHIP_CRM_DB opens the server database instead (psycopg 3). The rep is the database login:
one PostgreSQL role per person, so `current_user` says who wrote what. A URL never carries a
password (it may end up in settings and shell history): libpq reads ~/.pgpass or a service file
(PGSERVICE / ~/.pg_service.conf), or the password is taken from the system keyring.

Write transactions queue on one transaction-scoped advisory lock, as SQLite's BEGIN IMMEDIATE
queues writers on the file: the services' "read, decide, write" stays one serial step on either
engine. Waiting longer than BUSY_TIMEOUT_MS for it (or for a row lock) is the same "busy" message.
Every committed write transaction sends a NOTIFY on CHANGES_CHANNEL, which the app listens to
(storage.outside_changes: the counterpart of polling SQLite's data_version).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from relationship_crm.domain.errors import DatabaseFileError, KnownError
from relationship_crm.storage.database_file import BUSY_TIMEOUT_MS, KNOWN_REVISIONS, SCHEMA_HEAD

SCHEMES = ("postgresql", "postgresql+psycopg", "postgres")
#: The channel of the outside-change notices: the payload is the writer's backend pid.
CHANGES_CHANNEL = "relationship_crm_changes"
# Any constant shared by every writer of the database: writers queue on it.
_WRITE_LOCK_KEY = 0x43524D  # "CRM"
KEYRING_SERVICE = "relationship-crm-postgresql"


def is_server_url(target: object) -> bool:
    """Whether --db / RELATIONSHIP_CRM_DB names a server database rather than a file."""
    text = str(target)
    return any(text.startswith(f"{scheme}://") for scheme in SCHEMES)


def describe(url: str) -> str:
    """The URL as shown to the rep (never with a password)."""
    parsed = make_url(_sqlalchemy_url(url))
    return parsed.render_as_string(hide_password=True).replace("+psycopg", "", 1)


def _sqlalchemy_url(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"postgresql+psycopg://{rest}" if scheme in ("postgresql", "postgres") else url


def database_name(url: str) -> str:
    """The database's name in the URL ("crm" of postgresql://jane@db.example.com/crm)."""
    return str(make_url(_sqlalchemy_url(url)).database or "database")


def check_url(url: str) -> None:
    """KnownError for a URL SQLAlchemy cannot read or one holding a password."""
    try:
        parsed = make_url(_sqlalchemy_url(url))
    except Exception as exc:  # SQLAlchemy's ArgumentError, ValueError for a bad port...
        raise KnownError(f"cannot read the database URL {url!r}: {exc}") from None
    if parsed.password is not None:
        raise KnownError(
            "the database URL holds a password; leave it out and put it in ~/.pgpass, a "
            "PostgreSQL service file or the system keyring (see the README)"
        )
    if not parsed.database:
        raise KnownError(f"the database URL {describe(url)} names no database (…/dbname)")


def _keyring_password(url: str) -> str | None:
    """The password saved in the system keyring for this server and login, if any."""
    parts = urlsplit(_sqlalchemy_url(url))
    try:
        import keyring

        login = f"{unquote(parts.username or '')}@{parts.hostname or ''}"
        return keyring.get_password(KEYRING_SERVICE, login)
    except Exception:  # no backend (CI, a headless server): libpq's own ways remain
        return None


def make_server_engine(url: str) -> Engine:
    """An engine on the server database: lock timeouts like SQLite's busy timeout."""
    check_url(url)
    try:
        import psycopg  # noqa: F401  (SQLAlchemy would fail later, deep in create_engine)
    except ImportError:
        raise KnownError(
            f"{describe(url)} is a PostgreSQL database: install the server driver first "
            "(pip install 'relationship-crm[server]')"
        ) from None
    connect_args: dict[str, Any] = {
        "options": f"-c lock_timeout={BUSY_TIMEOUT_MS} -c idle_in_transaction_session_timeout=0",
        "connect_timeout": 10,
        "application_name": "relationship-crm",
    }
    password = _keyring_password(url)
    if password:
        connect_args["password"] = password
    engine = create_engine(_sqlalchemy_url(url), connect_args=connect_args, pool_pre_ping=True)
    event.listen(engine, "begin", _on_begin)
    return engine


def _on_begin(conn: Any) -> None:
    if not conn.get_execution_options().get("crm_read_only", False):
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_WRITE_LOCK_KEY})")


#: Sent at the end of every write transaction (Database.write) with the writer's token:
#: PostgreSQL delivers it to the listeners only if the transaction commits.
NOTIFY_SQL = f"SELECT pg_notify('{CHANGES_CHANNEL}', :token)"


@contextmanager
def translated_errors(url: str) -> Iterator[None]:
    """Turn server failures the rep can act on into KnownErrors with a plain message."""
    try:
        yield
    except OperationalError as exc:
        raise _known(url, exc) from exc
    except DBAPIError as exc:
        code = getattr(exc.orig, "sqlstate", None) or ""
        if code in ("55P03", "40P01", "57014"):  # lock not available, deadlock, cancelled
            raise KnownError(
                f"the database {describe(url)} is busy (another rep kept it locked for "
                f"{BUSY_TIMEOUT_MS // 1000} s); nothing was changed, try again"
            ) from exc
        if code.startswith("42501"):  # insufficient privilege
            raise KnownError(
                f"your login may not do this on {describe(url)}: {_first_line(exc)}; "
                "ask the database admin (see the README)"
            ) from exc
        raise


def _first_line(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc).__name__


def _known(url: str, exc: OperationalError) -> KnownError:
    code = getattr(exc.orig, "sqlstate", None) or ""
    if code in ("55P03", "40P01", "57014"):
        return KnownError(
            f"the database {describe(url)} is busy (another rep kept it locked for "
            f"{BUSY_TIMEOUT_MS // 1000} s); nothing was changed, try again"
        )
    return KnownError(f"cannot use the database {describe(url)}: {_first_line(exc)}")


def revision(engine: Engine, url: str) -> str | None:
    """The schema revision of the server database (None for an empty one); refuses others'."""
    with translated_errors(url), engine.execution_options(crm_read_only=True).connect() as conn:
        return revision_on(conn, url)


def revision_on(conn: Any, url: str) -> str | None:
    """As `revision`, on an open connection."""
    names = set(
        conn.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        ).scalars()
    )
    if not names:
        return None
    if "alembic_version" not in names:
        raise DatabaseFileError(
            f"{describe(url)} is a database of another program, not of Relationship CRM"
        )
    found = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    if found is None:
        raise DatabaseFileError(f"{describe(url)} has no schema version")
    if found not in KNOWN_REVISIONS:
        raise DatabaseFileError(
            f"{describe(url)} was written by a newer version of Relationship CRM (schema "
            f"{found}); update the app to open it"
        )
    return str(found)


def migrate(engine: Engine, url: str) -> None:
    """Create or upgrade the schema with the same Alembic scripts as SQLite, in one transaction.

    PostgreSQL runs DDL inside transactions, so a failed upgrade leaves the old schema. Migrations
    of several apps starting at once queue on the write lock (the begin event).
    """
    from pathlib import Path

    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with translated_errors(url), engine.begin() as connection:
        if revision_on(connection, url) == SCHEMA_HEAD:
            return  # another app migrated it while this one waited for the lock
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
