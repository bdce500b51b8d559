"""Who is writing (issue 20): the database login on PostgreSQL, the computer's login on SQLite.

One PostgreSQL role per person, so `current_user` names the rep and nobody can write as somebody
else. On SQLite the one rep of the laptop is the operating system's login. Cached per database
connection: a login does not change while it is connected.
"""

from __future__ import annotations

import getpass
from typing import Any

from sqlalchemy import inspect

from relationship_crm.storage.portable import POSTGRESQL, dialect_of

_KEY = "crm_rep"
#: Session.info key: while true, a contact keeps the `updated_by` it has (a copy being read in).
KEEP_WRITERS = "crm_keep_writers"


def local_login() -> str:
    """The operating system's login name ("" when it cannot be told)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return ""


def current_rep(bind: Any) -> str:
    """The rep of this Session or Connection."""
    connection = (
        bind.connection() if hasattr(bind, "connection") and hasattr(bind, "get_bind") else bind
    )
    info = connection.info
    rep = info.get(_KEY)
    if rep is None:
        if dialect_of(connection) == POSTGRESQL:
            rep = str(connection.exec_driver_sql("SELECT current_user").scalar() or "")
        else:
            rep = local_login()
        info[_KEY] = rep
    return str(rep)


def fill_created_by(_mapper: Any, connection: Any, target: Any) -> None:
    """ORM before_insert: a new row is the writer's, unless it says whose (a copy read in,
    where "" stays everyone's)."""
    if hasattr(target, "created_by") and target.created_by is None:
        target.created_by = current_rep(connection)
    if hasattr(target, "owner") and target.owner is None:
        target.owner = getattr(target, "created_by", None) or current_rep(connection)


def fill_updated_by(_mapper: Any, connection: Any, target: Any) -> None:
    """ORM before_insert/before_update of a contact: who saved it last (unless set on purpose,
    as a copy read in does)."""
    state = inspect(target)
    if state.session is not None and state.session.info.get(KEEP_WRITERS):
        return
    if target.updated_by is None or not state.attrs.updated_by.history.has_changes():
        target.updated_by = current_rep(connection)
