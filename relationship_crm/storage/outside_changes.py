"""Has another program committed since the last look? One interface, per engine (issue 20).

`watch_for(db)` gives a `ChangeWatch` whose `moved(session)` answers on the database thread:

- SQLite: ``PRAGMA data_version`` of the app's own connection, which moves only when *another*
  connection commits. The value is kept per SQLite connection (in the pool's per-connection
  ``info``): a connection seen for the first time counts as a change (None at the very start).
- PostgreSQL: a connection of its own LISTENs on storage.server.CHANGES_CHANNEL; every write
  transaction NOTIFYs it on commit with its Database's token, so the app's own commits are told
  apart from the team's. A lost listening connection is opened again and counts as a change.

A reload too many is harmless; a missed one is not.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.orm import Session

from relationship_crm.storage.db import Database


class ChangeWatch(Protocol):
    def moved(self, session: Session) -> bool | None:
        """Whether another program committed since the last call (None: nothing to compare)."""
        ...

    def close(self) -> None: ...


class DataVersionWatch:
    """SQLite: ``PRAGMA data_version`` of the connection the app reads with."""

    def __init__(self) -> None:
        self._key = f"crm_outside_changes_{id(self)}"  # this watch's slot in connection.info

    def moved(self, session: Session) -> bool | None:
        connection = session.connection()
        info = connection.connection.info  # lives as long as the underlying SQLite connection
        version = connection.exec_driver_sql("PRAGMA data_version").scalar()
        previous = info.get(self._key)
        info[self._key] = version
        if previous is None:
            return None
        return bool(previous != version)

    def close(self) -> None:
        pass


class NotifyWatch:
    """PostgreSQL: LISTEN on a connection of its own; notices of other Databases count."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._conn: Any = None

    def _listen(self) -> None:
        from relationship_crm.storage import server

        raw = self._db.engine.raw_connection()
        raw.detach()  # out of the pool for good: this connection only ever listens
        self._conn = raw.dbapi_connection
        self._conn.autocommit = True
        self._conn.execute(f"LISTEN {server.CHANGES_CHANNEL}")

    def moved(self, session: Session) -> bool | None:
        if self._conn is None or self._conn.closed:
            first = self._conn is None
            self._listen()
            return None if first else True
        try:
            notices = list(self._conn.notifies(timeout=0))
        except Exception:
            self.close()
            raise
        return any(n.payload != self._db.token for n in notices)

    def close(self) -> None:
        if self._conn is not None and not self._conn.closed:
            self._conn.close()


def watch_for(db: Database) -> ChangeWatch:
    """The change watch of this database's engine."""
    if db.on_server:
        return NotifyWatch(db)
    return DataVersionWatch()
