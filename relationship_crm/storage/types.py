"""Column types that keep exact values on SQLite: UTC instants, naive wall clocks and decimals."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import BindParameter, Date, String, bindparam
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from relationship_crm.domain.bounds import UnreadableDay, UnreadableTime

# What the readers accept: the canonical text, plus what older versions wrote (years without
# their zero padding, e.g. "1-01-01 04:56:02.000000" for year 1) and an ISO "T" separator.
_STAMP = re.compile(
    r"(\d{1,4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(?:Z|\+00:00)?"
)
# An instant this close to the ends of the calendar cannot be shown in every zone (overflow).
_SAFE_FIRST = datetime.min.replace(tzinfo=UTC) + timedelta(days=2)
_SAFE_LAST = datetime.max.replace(tzinfo=UTC) - timedelta(days=2)


def _parse_stamp(value: object) -> datetime | None:
    """A naive datetime from stored text, or None when it cannot be read (never raises)."""
    if not isinstance(value, str):
        return None
    match = _STAMP.fullmatch(value.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction = match.groups()
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")),
        )
    except ValueError:
        return None


def parse_stored_time(value: object) -> datetime | None:
    """The naive datetime the readers below accept for stored text, or None when they refuse it."""
    parsed = _parse_stamp(value)
    if parsed is None or not _SAFE_FIRST_NAIVE <= parsed <= _SAFE_LAST_NAIVE:
        return None
    return parsed


_SAFE_FIRST_NAIVE = _SAFE_FIRST.replace(tzinfo=None)
_SAFE_LAST_NAIVE = _SAFE_LAST.replace(tzinfo=None)
# The canonical text (format_instant) of the safe range's ends: that text sorts as time does.
_SAFE_FIRST_TEXT = f"{_SAFE_FIRST.year:04d}-{_SAFE_FIRST:%m-%d %H:%M:%S}.000000"
_SAFE_LAST_TEXT = f"{_SAFE_LAST.year:04d}-{_SAFE_LAST:%m-%d %H:%M:%S}.999999"


def _canonical_instant(value: object) -> datetime | None:
    """A stored instant in the canonical form, read by the C parser; else None (not read here).

    Every instant of every list is read, and the regular expression costs ten times as much
    (issue 18); anything else goes the careful way.
    """
    if (
        type(value) is str
        and len(value) == 26
        and value[10] == " "
        and value[19] == "."
        and _SAFE_FIRST_TEXT <= value <= _SAFE_LAST_TEXT
    ):
        try:
            return datetime.fromisoformat(value + "+00:00")
        except ValueError:
            return None
    return None


def format_instant(value: datetime) -> str:
    """The canonical stored text of an aware instant (UTC, zero-padded year, microseconds)."""
    v = value.astimezone(UTC)
    return f"{v.year:04d}-{v:%m-%d %H:%M:%S}.{v.microsecond:06d}"


def stored_instant(value: datetime) -> BindParameter[str]:
    """`value` as a bound parameter of UTCDateTime's stored text, typed as plain text."""
    return bindparam(None, _aware_text(value), type_=String(26))


def _aware_text(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("UTCDateTime needs an aware datetime")
    return format_instant(value)


def format_wall_clock(value: datetime) -> str:
    """The canonical stored text of a naive wall-clock time."""
    return f"{value.year:04d}-{value:%m-%d %H:%M}"


class UTCDateTime(TypeDecorator[datetime]):
    """An aware instant stored as ISO text in UTC ("2026-11-23 09:00:00.000000").

    Fixed-width text sorts in time order, so indexes on these columns serve range queries.
    Naive values are refused: an instant without a zone is a bug, not something to guess.
    """

    impl = String(26)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        return None if value is None else _aware_text(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return read_instant(value)


def read_instant(value: Any) -> datetime | None:
    """A stored UTCDateTime value as UTCDateTime reads it (for rows read past SQLAlchemy, see
    `storage.db.fetch_tuples`); a value read already is returned as it is.

    Never raises: text nobody can read (or an instant no zone can show) comes back as an
    UnreadableTime marker, and the services flag or skip that row (see domain.bounds).
    """
    if value is None or isinstance(value, datetime):
        return value
    fast = _canonical_instant(value)
    if fast is not None:
        return fast
    parsed = parse_stored_time(value)
    if parsed is None:
        return UnreadableTime.of(value, aware=True)
    return parsed.replace(tzinfo=UTC)


class WallClock(TypeDecorator[datetime]):
    """A naive wall-clock time ("2026-11-23 09:00"), meaningful together with a zone column."""

    impl = String(16)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            raise ValueError("WallClock needs a naive datetime")
        return format_wall_clock(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        # Like UTCDateTime: unreadable text becomes a marker instead of an exception.
        if value is None:
            return None
        if (  # the canonical form (format_wall_clock) through the C parser, as above
            type(value) is str
            and len(value) == 16
            and value[10] == " "
            and value[13] == ":"
            and _SAFE_FIRST_TEXT[:16] <= value <= _SAFE_LAST_TEXT[:16]
        ):
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                pass
        parsed = parse_stored_time(value)
        if parsed is None:
            return UnreadableTime.of(value, aware=False)
        return parsed.replace(second=0, microsecond=0)


class DayDate(TypeDecorator[date]):
    """A calendar day stored as SQLAlchemy's Date stores it ("2026-11-23"), read tolerantly.

    The same column type as Date (so the schema and migrations do not change); only reading
    differs: text that is not a day comes back as an UnreadableDay marker instead of raising.
    """

    impl = Date
    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        def process(value: Any) -> date | None:
            if value is None:
                return None
            if type(value) is date:  # PostgreSQL's driver reads a DATE column as a date
                return value
            if isinstance(value, str):
                match = _DAY.fullmatch(value.strip())
                if match is not None:
                    try:
                        return date(*(int(part) for part in match.groups()))
                    except ValueError:
                        pass
            return UnreadableDay.of(value)

        return process


_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class DecimalText(TypeDecorator[Decimal]):
    """A Decimal stored as its exact text (SQLite has no decimal type; floats would round money)."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        # Unreadable text (another program wrote it) reads as no amount rather than failing.
        if value is None:
            return None
        try:
            return Decimal(str(value))
        except ArithmeticError:
            return None
