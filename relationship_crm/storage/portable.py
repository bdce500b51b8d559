"""SQL that differs between SQLite and PostgreSQL, written once for both (migrations, services).

SQLite adds booleans as integers and matches GLOB patterns; PostgreSQL does neither. Each helper
gives the SQLite text unchanged (so files keep the schema they always had) and the PostgreSQL
equivalent on a server.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, type_coerce
from sqlalchemy.sql.elements import ColumnElement

POSTGRESQL = "postgresql"


def dialect_of(bind: Any) -> str:
    """"sqlite" or "postgresql" for a Session, Connection, Engine or alembic.op."""
    if hasattr(bind, "get_bind"):
        bind = bind.get_bind()
    return str(bind.dialect.name)


def exactly_one_set(op: Any, *columns: str) -> str:
    """CHECK text: exactly one of `columns` is not NULL."""
    if dialect_of(op) == POSTGRESQL:
        return f"num_nonnulls({', '.join(columns)}) = 1"
    return " + ".join(f"({c} IS NOT NULL)" for c in columns) + " = 1"


def boolean_check(op: Any, column: str) -> str:
    """CHECK text: `column` holds a boolean (SQLite stores any integer otherwise)."""
    if dialect_of(op) == POSTGRESQL:
        return f"{column} IN (false, true)"
    return f"{column} IN (0, 1)"


def glob_to_regex(pattern: str) -> str:
    """An SQLite GLOB pattern of literal characters, `*`, `?` and `[...]` as a POSIX regex."""
    out = ["^"]
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            out.append(".*")
        elif c == "?":
            out.append(".")
        elif c == "[":
            end = pattern.index("]", i + 1)
            out.append(pattern[i : end + 1])
            i = end
        elif c.isalnum() or c in " _-:,":
            out.append(c)
        else:
            out.append("\\" + c)
        i += 1
    out.append("$")
    return "".join(out)


def matches_glob(bind: Any, expression: Any, pattern: str, *, negate: bool = False) -> Any:
    """`expression GLOB pattern` (or NOT GLOB) on either engine, as a SQL boolean."""
    text = type_coerce(expression, String)
    column: ColumnElement[Any]
    if dialect_of(bind) == POSTGRESQL:
        column = text.op("!~" if negate else "~", is_comparison=True)(glob_to_regex(pattern))
    else:
        column = text.op("NOT GLOB" if negate else "GLOB", is_comparison=True)(pattern)
    return column
