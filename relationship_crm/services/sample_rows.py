"""How the sample data reaches the database: the tables it fills, in order, and fast bulk INSERTs.

Rows go to the driver's executemany with ids given and nothing read back; the values the column
types would write are produced by the encoders here, which follow `storage.types` exactly (a test
compares them), and a column type they do not know is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Boolean, Column, Connection, Date, DateTime, Table
from sqlalchemy.types import TypeDecorator

from relationship_crm.scheduling.zones import as_utc
from relationship_crm.storage.schema import (
    Base,
    Company,
    Contact,
    ContactAddress,
    ContactEmail,
    ContactPhone,
    FollowUp,
    FollowUpCompletion,
    Gift,
    Meeting,
    ResearchNote,
    StageChange,
    Tag,
    ThankYouNote,
    contact_tags,
    meeting_attendees,
)
from relationship_crm.storage.types import DayDate, DecimalText, UTCDateTime, WallClock

Row = dict[str, Any]


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)  # declarative models always map a Table
    return table


# Every table written, in an order where parents come before the rows that point at them.
TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        _table(Company),
        _table(Tag),
        _table(Contact),
        contact_tags,
        _table(ContactEmail),
        _table(ContactPhone),
        _table(ContactAddress),
        _table(StageChange),
        _table(Meeting),
        meeting_attendees,
        _table(ResearchNote),
        _table(ThankYouNote),
        _table(FollowUp),
        _table(FollowUpCompletion),
        _table(Gift),
    )
}
WITH_IDS = tuple(name for name in TABLES if name not in ("contact_tags", "meeting_attendees"))


# --- writing ----------------------------------------------------------------------------------
# Rows go to the driver's executemany on the session's connection: one INSERT per table and
# batch, ids given, nothing read back. Building the same INSERT with SQLAlchemy (`insert(table)`)
# spends more time per row on parameter processing than SQLite spends storing it: at 100,000
# contacts (1.6 million rows) that was 30 s of inserts against 13 s plus 6 s of encoding here.
# So the values the column types would write are produced by the encoders below, which follow
# storage.types exactly (a test compares them); a column type they do not know is refused.


def utc_text(value: datetime) -> str:
    """UTCDateTime's text: the instant in UTC, "YYYY-MM-DD HH:MM:SS.ffffff"."""
    if value.tzinfo is not UTC:
        value = as_utc(value)  # also refuses naive values, as UTCDateTime does
    return value.isoformat(" ", "microseconds")[:26]


def wall_text(value: datetime) -> str:
    """WallClock's text: the naive wall-clock time, "YYYY-MM-DD HH:MM"."""
    if value.tzinfo is not None:
        raise ValueError("WallClock needs a naive datetime")
    return value.isoformat(" ", "minutes")


def encoder(column: Column[Any]) -> Callable[[Any], Any] | None:
    """How to turn a Python value into what the column stores (None: the driver's own way)."""
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return utc_text
    if isinstance(kind, WallClock):
        return wall_text
    if isinstance(kind, DecimalText):
        return str
    if isinstance(kind, Date | DayDate):
        return date.isoformat  # SQLAlchemy's SQLite DATE is ISO "YYYY-MM-DD" text
    if isinstance(kind, TypeDecorator | DateTime):
        raise TypeError(f"sample_data cannot write {column} of type {kind!r}; add an encoder")
    return None


Memo = dict[Callable[[Any], Any], dict[Any, Any]]
MEMO_LIMIT = 500_000  # entries; cleared beyond that so a million contacts stay within memory


@dataclass(frozen=True)
class Insert:
    """A table's INSERT with named parameters and the encoders of its typed columns."""

    sql: str
    encoders: tuple[tuple[str, Callable[[Any], Any]], ...]
    # PostgreSQL (issue 20): its driver's parameter style, and the columns it wants as booleans.
    pg_sql: str = ""
    booleans: tuple[str, ...] = ()

    @classmethod
    def of(cls, table: Table) -> Insert:
        # Not the columns the database's triggers write (info "derived": the list cells).
        columns = [c for c in table.columns if not c.info.get("derived")]
        names = [c.name for c in columns]
        head = f"INSERT INTO {table.name} ({', '.join(names)}) "
        sql = f"{head}VALUES ({', '.join(':' + n for n in names)})"
        pg_sql = f"{head}VALUES ({', '.join(f'%({n})s' for n in names)})"
        coded = ((c.name, encoder(c)) for c in columns)
        booleans = tuple(c.name for c in columns if isinstance(c.type, Boolean))
        return cls(sql, tuple((name, f) for name, f in coded if f is not None), pg_sql, booleans)

    def run(self, connection: Connection, rows: list[Row], memo: Memo) -> None:
        """Insert the rows (each must have every column: no Python-side defaults apply here).

        `memo` remembers encoded values across calls: the sample's instants come from a small
        set of days and times, and a dict hit is 20 times cheaper than formatting one again.
        """
        for name, encode in self.encoders:
            known = memo.setdefault(encode, {})
            for row in rows:
                value = row[name]
                if value is not None:
                    text = known.get(value)
                    if text is None:
                        text = known[value] = encode(value)
                    row[name] = text
        missing = {k: v for k, v in _TEAM_DEFAULTS.items() if rows and k not in rows[0]}
        if missing and any(f":{k}," in self.sql or f":{k})" in self.sql for k in missing):
            for row in rows:
                row.update(missing)
        if connection.dialect.name == "postgresql":
            for row in rows:
                for name in self.booleans:
                    if row[name] is not None:
                        row[name] = bool(row[name])
            connection.exec_driver_sql(self.pg_sql, rows)
            return
        connection.exec_driver_sql(self.sql, rows)


# Columns of issue 20 the sample's rows leave out: its records are everyone's, first versions.
_TEAM_DEFAULTS: dict[str, object] = {"created_by": "", "owner": "", "updated_by": "", "version": 1}

INSERTS = {name: Insert.of(table) for name, table in TABLES.items()}
