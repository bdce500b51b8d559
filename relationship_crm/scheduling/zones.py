"""IANA time zones: looking them up, wall-clock times to instants, and bounds of a local day."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.timefmt import clock, weekday_name

__all__ = [
    "WallKind",
    "WallTime",
    "as_utc",
    "classify",
    "day_bounds",
    "get_zone",
    "here_and_there",
    "localize",
    "place_name",
    "wall_time_note",
    "zone_names",
]


@cache
def _zone_names_by_casefold() -> dict[str, str]:
    """Map each known zone name, case-folded, to its proper spelling (scans the database once)."""
    return {name.casefold(): name for name in available_timezones()}


def get_zone(name: str) -> ZoneInfo:
    """Return the zone called `name` (an IANA name such as "Europe/Paris").

    Surrounding spaces are ignored and a wrongly-cased name ("europe/paris") is accepted when it
    matches exactly one known zone. Raises InvalidInputError for anything else.
    """
    problem = InvalidInputError(
        f"unknown time zone {name!r}; use an IANA name such as Europe/Paris"
    )
    if not isinstance(name, str) or not name.strip():
        raise problem
    wanted = name.strip()
    try:
        return ZoneInfo(wanted)
    except (ZoneInfoNotFoundError, ValueError, OSError, TypeError):
        pass
    # Second chance for a name typed in the wrong case (file systems are case-sensitive here).
    proper = _zone_names_by_casefold().get(wanted.casefold())
    if proper is None:
        raise problem from None
    try:
        return ZoneInfo(proper)
    except (ZoneInfoNotFoundError, ValueError, OSError, TypeError):
        raise problem from None


def _zone_of(tz: str | ZoneInfo) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else get_zone(tz)


def localize(wall: datetime, tz: str | ZoneInfo) -> datetime:
    """Turn a naive wall-clock time into an aware datetime in zone `tz`.

    Follows PEP 495 with fold=0: an ambiguous time (clocks going back) means the earlier instant; a
    time that does not exist (clocks going forward) is read with the offset in force before the
    change, so 02:30 on New York's spring-forward day is 07:30 UTC and comes back as 03:30 EDT.
    The result is normalised: it is the UTC instant converted back to the zone, a real wall time.
    """
    if wall.tzinfo is not None:
        raise ValueError(f"localize() needs a naive wall-clock time, got {wall!r}")
    zone = _zone_of(tz)
    # fold=0 is forced (PEP 495's default); the trip through UTC makes a skipped time real.
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC).astimezone(zone)


def as_utc(moment: datetime) -> datetime:
    """Return the aware `moment` as the same instant in UTC; naive is a programming error."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got naive {moment!r}")
    return moment.astimezone(UTC)


def _start_of_day(day: date, zone: ZoneInfo) -> datetime:
    """First UTC instant whose wall-clock date in `zone` is `day` or later."""
    midnight = datetime.combine(day, time())
    # fold=0 and fold=1 differ only when midnight is ambiguous or skipped.
    first = midnight.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = midnight.replace(tzinfo=zone, fold=1).astimezone(UTC)
    low, high = min(first, second), max(first, second)
    if low == high or low.astimezone(zone).date() >= day:
        return low
    # Midnight falls in a gap: find the change by bisecting whole seconds (tzdata has no finer).
    lo_s, hi_s = 0, int((high - low).total_seconds())
    while lo_s < hi_s:
        mid = (lo_s + hi_s) // 2
        if (low + timedelta(seconds=mid)).astimezone(zone).date() >= day:
            hi_s = mid
        else:
            lo_s = mid + 1
    return low + timedelta(seconds=lo_s)


def day_bounds(day: date, tz: str | ZoneInfo) -> tuple[datetime, datetime]:
    """Return the UTC instants [start of `day`, start of the next day) for the calendar day in `tz`.

    Correct where a DST change happens at midnight (America/Santiago, America/Havana): the day
    starts at its first existing wall time, and a day can last 23, 24 or 25 hours (or none at all,
    when a zone skipped a date).
    """
    zone = _zone_of(tz)
    return _start_of_day(day, zone), _start_of_day(day + timedelta(days=1), zone)


class WallKind(enum.Enum):
    """How a wall-clock time maps to instants in a zone."""

    OK = "ok"  # exactly one instant
    GAP = "gap"  # none: clocks jumped over it (spring forward)
    FOLD = "fold"  # two: clocks went back over it (fall back)


@dataclass(frozen=True, slots=True)
class WallTime:
    """A wall time classified in its zone, with the instant `localize` saves for it."""

    wall: datetime
    zone: str
    kind: WallKind
    chosen: datetime  # aware, in the zone: what is saved


def classify(wall: datetime, tz: str | ZoneInfo) -> WallTime:
    """Classify the naive `wall` in zone `tz` as ok, in a gap or in a fold (PEP 495)."""
    zone = _zone_of(tz)
    naive = wall.replace(tzinfo=None)
    chosen = localize(naive, zone)
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        kind = WallKind.OK
    elif chosen.replace(tzinfo=None) != naive:
        kind = WallKind.GAP
    else:
        kind = WallKind.FOLD
    return WallTime(naive, zone.key, kind, chosen)


def _offset_text(moment: datetime) -> str:
    """ "UTC-4", "UTC+5:30", "UTC" for the offset of the aware `moment`."""
    offset = moment.utcoffset() or timedelta()
    minutes = int(offset.total_seconds()) // 60
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def wall_time_note(wall: datetime, tz: str | ZoneInfo) -> str | None:
    """The sentence telling the rep which instant was saved for a skipped or repeated wall time.

    None when `wall` exists exactly once in `tz`; front ends show the sentence as a note (the
    CLI on stderr, the app under the field), never as an error: the time is still saved.
    """
    found = classify(wall, tz)
    if found.kind is WallKind.OK:
        return None
    typed = f"{found.wall:%H:%M} "
    where = f"on {found.wall:%Y-%m-%d} in {found.zone}"
    saved = found.chosen
    name = saved.tzname() or _offset_text(saved)
    if found.kind is WallKind.GAP:
        return (
            f"{typed}does not exist {where} (clocks go forward); "
            f"saved as {saved:%H:%M} {name} ({_offset_text(saved)})"
        )
    return (
        f"{typed}happens twice {where} (clocks go back); "
        f"saved as the first, {saved:%H:%M} {name} ({_offset_text(saved)})"
    )


@cache
def zone_names() -> tuple[str, ...]:
    """The zones a rep picks from, sorted: one per region of each country, as tzdata's zone.tab
    lists them (the names people know, without the backward-compatible aliases such as
    "America/Buenos_Aires" beside "America/Argentina/Buenos_Aires"), plus UTC. `get_zone` still
    reads every name. Without zone.tab, every "Area/Place" name is offered."""
    names = {"UTC"}
    try:
        table = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        table = ""
    for line in table.splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and not line.startswith("#"):
            names.add(fields[2].strip())
    if len(names) == 1:
        names |= {name for name in available_timezones() if "/" in name}
    return tuple(sorted(names))


def place_name(tz: str) -> str:
    """The place a zone is named after, as a rep says it: "America/New_York" -> "New York",
    "America/Argentina/Buenos_Aires" -> "Buenos Aires", "UTC" -> "UTC"."""
    return tz.rsplit("/", 1)[-1].replace("_", " ")


def here_and_there(wall: datetime, tz: str | ZoneInfo, here: str | ZoneInfo) -> str | None:
    """ "09:00 in New York · 15:00 here": the wall time typed in `tz` beside the same instant on
    the rep's own clock (`here`), so a call across zones is never misread.

    None when both clocks read the same (same zone, or zones at the same offset then). The day
    is named on both sides when the instant falls on another date here ("Tue 09:00 in Tokyo ·
    Mon 20:00 here").
    """
    zone, home = _zone_of(tz), _zone_of(here)
    moment = localize(wall.replace(tzinfo=None), zone)
    local = moment.astimezone(home)
    if local.replace(tzinfo=None) == moment.replace(tzinfo=None):
        return None
    there_text, here_text = clock(moment), clock(local)
    if local.date() != moment.date():
        there_text = f"{weekday_name(moment)} {there_text}"
        here_text = f"{weekday_name(local)} {here_text}"
    return f"{there_text} in {place_name(zone.key)} · {here_text} here"
