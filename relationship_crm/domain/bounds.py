"""The windows every value a rep enters must fit, checked where services create or change records.

One place for the ranges so the command line, the app, the importers and the JSON copy refuse the
same things with the same one-line message (an `InvalidInputError` naming the field). The windows
exist because a value outside them cannot be stored and read back safely: years before 1000 lose
their padding in the text columns and stop sorting, years near 9999 overflow when a zone is
applied, and SQLite integers stop at 2**63-1.

Also here: `UnreadableTime`, the marker the storage layer returns for a stored date or time it
cannot read (so a reader flags the row instead of failing), and `unreadable_text` to recognise it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from relationship_crm.domain.errors import InvalidInputError, NotFoundError

#: Calendar years a follow-up, meeting, snooze, gift, stage change or query day may fall in.
FIRST_YEAR = 1900
LAST_YEAR = 2200

#: SQLite stores integers as signed 64-bit; record ids are positive.
MAX_ID = 2**63 - 1

#: Text caps (characters) for fields that have no tighter cap of their own.
MAX_NAME = 200
MAX_LINE = 1_000
MAX_NOTES = 100_000
#: A postal address as typed (its lines together).
MAX_ADDRESS = 2_000

#: Days ahead a daily list may look (about ten years; further is never a reminder).
MAX_HORIZON_DAYS = 3_660


def _window() -> str:
    return f"between {FIRST_YEAR} and {LAST_YEAR}"


def _day_text(value: date) -> str:
    # strftime("%Y") does not pad years before 1000 on every platform; this always does.
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def check_year(year: int, what: str, shown: str) -> None:
    """Refuse a year outside the window: "<what> must be between 1900 and 2200, not <shown>"."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInputError(f"{what} must be {_window()}, not {shown}")


def check_wall_clock(value: datetime, what: str) -> datetime:
    """A naive (or aware) wall-clock time in the window; returned unchanged."""
    check_year(value.year, what, f"{_day_text(value)} {value:%H:%M}")
    return value


def check_instant(value: datetime, what: str) -> datetime:
    """An aware instant whose UTC date is in the window; returned unchanged."""
    try:
        year = value.astimezone(UTC).year if value.tzinfo is not None else value.year
    except OverflowError:
        year = value.year
        if FIRST_YEAR <= year <= LAST_YEAR:  # cannot happen inside the window; be safe anyway
            year = 1
    check_year(year, what, f"{_day_text(value)} {value:%H:%M}")
    return value


def check_day(value: date, what: str) -> date:
    """A calendar day in the window; returned unchanged."""
    check_year(value.year, what, _day_text(value))
    return value


def check_birthday_day(value: date, *, today: date) -> date:
    """A birthday: not in the future and not before the window."""
    if value.year < FIRST_YEAR:
        raise InvalidInputError(f"the birthday must be in {FIRST_YEAR} or later, not {value}")
    if value > today:
        raise InvalidInputError(f"the birthday {_day_text(value)} is in the future")
    return value


def check_horizon(days: int, what: str = "the number of days ahead") -> int:
    """Days to look ahead: 0 .. MAX_HORIZON_DAYS."""
    if not 0 <= days <= MAX_HORIZON_DAYS:
        raise InvalidInputError(f"{what} must be between 0 and {MAX_HORIZON_DAYS}, not {days}")
    return days


def in_id_range(value: int) -> bool:
    """Whether `value` can be a record id at all (SQLite's positive integers)."""
    return 1 <= value <= MAX_ID


def check_id(value: int, what: str) -> int:
    """An id that can exist; any other is "no <what> with id N" (never an integer overflow)."""
    if not in_id_range(value):
        raise NotFoundError(f"no {what} with id {value}")
    return value


def check_count(value: int, what: str, *, at_most: int) -> int:
    """A count or limit the rep typed: 0 .. at_most."""
    if not 0 <= value <= at_most:
        raise InvalidInputError(f"{what} must be between 0 and {at_most}, not {value}")
    return value


#: The largest gift cost accepted (stored as text of at most 32 characters).
MAX_COST = Decimal("999999999999.99")


def check_gift_cost(cost: Decimal | None) -> Decimal | None:
    """A cost no larger than MAX_COST, with at most 6 decimals."""
    if cost is None:
        return None
    if cost > MAX_COST:
        raise InvalidInputError(f"a gift's cost must be at most {MAX_COST:,}")
    exponent = cost.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -6:
        raise InvalidInputError("a gift's cost may have at most 6 decimals")
    return cost


def check_length(value: str, what: str, max_length: int) -> str:
    """Text no longer than `max_length` characters (the message says the cap)."""
    if len(value) > max_length:
        raise InvalidInputError(
            f"{what} is too long ({len(value)} characters; at most {max_length})"
        )
    return value


# --- unreadable stored values ---------------------------------------------------------------


class UnreadableTime(datetime):
    """A stored date/time that could not be read: a marker, not a moment.

    It is a datetime (1900-01-01, UTC when the column holds instants) so code that does not look
    for it still works and never overflows; readers that care test `unreadable_text(value)` and
    flag or skip the row. `raw` is the stored text, kept so exports can give it back.
    """

    raw: str

    @classmethod
    def of(cls, raw: object, *, aware: bool) -> UnreadableTime:
        """The marker for stored value `raw` (shown as text; bytes decoded with replacement)."""
        value = cls(FIRST_YEAR, 1, 1, tzinfo=UTC if aware else None)
        if isinstance(raw, bytes):
            value.raw = raw.decode("utf-8", "replace")
        else:
            value.raw = str(raw)
        return value


class UnreadableDay(date):
    """A stored calendar day that could not be read (1900-01-01 as a value); see UnreadableTime."""

    raw: str

    @classmethod
    def of(cls, raw: object) -> UnreadableDay:
        """The marker for stored value `raw`."""
        value = cls(FIRST_YEAR, 1, 1)
        value.raw = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        return value


def unreadable_text(value: object) -> str | None:
    """The stored text of an unreadable date/time marker, or None for a normal value."""
    if isinstance(value, UnreadableTime | UnreadableDay):
        return getattr(value, "raw", "")
    return None


#: The longest keep-in-touch rhythm, in days (ten years: longer is no rhythm at all).
MAX_RHYTHM_DAYS = 3_660


def check_rhythm(ideal: int, maximum: int) -> tuple[int, int]:
    """A keep-in-touch rhythm: 1 <= ideal <= maximum <= MAX_RHYTHM_DAYS."""
    for what, value in (("the ideal number of days", ideal), ("the maximum", maximum)):
        if not 1 <= value <= MAX_RHYTHM_DAYS:
            raise InvalidInputError(f"{what} must be between 1 and {MAX_RHYTHM_DAYS}, not {value}")
    if ideal > maximum:
        raise InvalidInputError(
            f"the ideal ({ideal} days) must not be longer than the maximum ({maximum} days)"
        )
    return ideal, maximum
