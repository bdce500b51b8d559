"""SQL that differs between SQLite and PostgreSQL, written once for both (migrations, services).

SQLite adds booleans as integers and matches GLOB patterns; PostgreSQL does neither. Each helper
gives the SQLite text unchanged (so files keep the schema they always had) and the PostgreSQL
equivalent on a server.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import String, Table, cast, text, type_coerce
from sqlalchemy.sql.elements import ColumnElement

POSTGRESQL = "postgresql"


def dialect_of(bind: Any) -> str:
    """ "sqlite" or "postgresql" for a Session, Connection, Engine or alembic.op."""
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


def ids_written(bind: Any, tables: Iterable[Table]) -> None:
    """After rows were inserted with their ids: move PostgreSQL's id sequences past them
    (SQLite takes the next rowid from the table itself)."""
    if dialect_of(bind) != POSTGRESQL:
        return
    for table in tables:
        id_column = table.columns.get("id")
        if id_column is None or not id_column.primary_key:
            continue
        bind.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"coalesce(max(id), 1), max(id) IS NOT NULL) FROM {table.name}"
            )
        )


def as_text(bind: Any, column: Any) -> Any:
    """`column` as text in SQL: a DATE column is text in SQLite already, a date on a server."""
    if dialect_of(bind) == POSTGRESQL:
        return cast(column, String)
    return column
