"""Several reps on one server database (issue 20): who this rep is, and what is "mine".

A rep is the database login (one PostgreSQL role per person; storage.identity). Contacts and
follow-ups have an `owner`: the rep whose account or reminder it is, "" for everyone's (rows from
before, and a laptop's own file). On a laptop's SQLite file everything is the one rep's, so "mine"
filters nothing there: a new login name on a new laptop never hides the rep's own reminders.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.storage import identity
from relationship_crm.storage.portable import POSTGRESQL, dialect_of

#: Longest login kept (the owner and created_by columns; PostgreSQL's own limit is 63 bytes).
MAX_LOGIN = 100


def current_rep(session: Session) -> str:
    """This rep's name as the database knows it (the login)."""
    return identity.current_rep(session)


def mine(session: Session) -> tuple[str, ...] | None:
    """The owners that count as "mine": the rep's and everyone's; None where all is mine."""
    if dialect_of(session) != POSTGRESQL:
        return None
    return (current_rep(session), "")


def is_shared(session: Session) -> bool:
    """Whether several reps may use this database (a server database)."""
    return dialect_of(session) == POSTGRESQL


def check_rep(session: Session, login: str) -> str:
    """A rep's login to hand something to ("" for everyone's): on a server, an existing login."""
    name = login.strip()
    if not name:
        return ""
    if len(name) > MAX_LOGIN or any(not c.isprintable() for c in name):
        raise InvalidInputError(f"{login!r} is not a rep's login")
    if is_shared(session):
        known = session.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :name AND rolcanlogin"), {"name": name}
        ).first()
        if known is None:
            raise InvalidInputError(f"no rep logs in as {name!r} on this database")
    return name
