"""Recurrence rules: the rep's cadence as RFC 5545 RRULE text, described and stepped."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.scheduling.zones import get_zone

__all__ = ["MAX_INTERVAL", "describe", "next_occurrence", "parse_cadence"]

#: Largest INTERVAL accepted (in units of the frequency); bigger ones overflow dateutil's calendar.
MAX_INTERVAL = 1000

_EXAMPLES = (
    "use an RRULE such as FREQ=WEEKLY or words such as '2 weeks', '3 months', 'every Monday'"
)

_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_SUB_DAILY = ("HOURLY", "MINUTELY", "SECONDLY")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WORKWEEK = ("MO", "TU", "WE", "TH", "FR")

# Rule parts we understand, with the allowed range for each element of an integer list.
_INT_LIST_RANGES: dict[str, tuple[int, int, bool]] = {
    # name: (lowest, highest, negatives allowed)
    "BYSECOND": (0, 59, False),
    "BYMINUTE": (0, 59, False),
    "BYHOUR": (0, 23, False),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYMONTH": (1, 12, False),
    "BYSETPOS": (1, 366, True),
}
_KNOWN_PARTS = frozenset({"FREQ", "UNTIL", "COUNT", "INTERVAL", "BYDAY", "WKST", *_INT_LIST_RANGES})
_UNTIL_RE = re.compile(r"(\d{8})(?:T(\d{6})(Z?))?")
_BYDAY_RE = re.compile(r"(?:([+-]?)(\d{1,2}))?(MO|TU|WE|TH|FR|SA|SU)")


# ------------------------------------------------------------ raw RRULE text


def _bad_rule(text: str, reason: str) -> InvalidInputError:
    return InvalidInputError(f"invalid cadence {text!r}: {reason}")


def _check_int_list(text: str, name: str, value: str) -> str:
    """Validate an integer-list part and return it written canonically ("+05,7" -> "5,7")."""
    lowest, highest, negatives = _INT_LIST_RANGES[name]
    out: list[str] = []
    for item in value.split(","):
        if not re.fullmatch(r"[+-]?\d{1,4}", item):
            raise _bad_rule(text, f"{name} needs whole numbers separated by commas, got {value!r}")
        number = int(item)
        if not (lowest <= abs(number) <= highest) or (number < 0 and not negatives):
            span = f"{lowest}..{highest}" + (f" or -{highest}..-{lowest}" if negatives else "")
            raise _bad_rule(text, f"{name} values must be in {span}, got {item}")
        out.append(str(number))
    return ",".join(out)


def _check_byday(text: str, value: str, freq: str, parts: dict[str, str]) -> str:
    """Validate BYDAY (e.g. "MO,TH" or "-1FR") against the frequency, per RFC 5545 3.3.10."""
    out: list[str] = []
    for item in value.split(","):
        match = _BYDAY_RE.fullmatch(item)
        if match is None:
            raise _bad_rule(text, f"BYDAY needs days such as MO,TH or 1MO / -1FR, got {value!r}")
        sign, ordinal, day = match.groups()
        if ordinal is None:
            out.append(day)
            continue
        number = int(ordinal)
        if freq not in ("MONTHLY", "YEARLY") or (freq == "YEARLY" and "BYWEEKNO" in parts):
            raise _bad_rule(text, f"a numbered weekday such as {item} needs FREQ=MONTHLY or YEARLY")
        # Within a month there are at most five of each weekday, so 6MO could never happen.
        highest = 5 if freq == "MONTHLY" or "BYMONTH" in parts else 53
        if not 1 <= number <= highest:
            raise _bad_rule(text, f"the number in {item} must be 1..{highest} (or negative)")
        out.append(f"{'-' if sign == '-' else ''}{number}{day}")
    return ",".join(out)


def _split_rule(text: str) -> dict[str, str]:
    """Split and validate raw RRULE text into canonical {NAME: VALUE} parts; drops X- parts."""
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    if not body or any(ch in body for ch in ":\r\n") or not body.isascii():
        raise _bad_rule(text, "give one RRULE line such as FREQ=WEEKLY;INTERVAL=2 (no DTSTART)")
    raw: dict[str, str] = {}
    for piece in body.strip().strip(";").split(";"):
        name, sep, value = piece.partition("=")
        name, value = name.strip().upper(), value.strip().upper().replace(" ", "")
        if not sep or not name or not value:
            raise _bad_rule(text, f"each part must look like NAME=VALUE, got {piece.strip()!r}")
        if name.startswith("X-"):
            continue  # vendor extensions carry no scheduling meaning
        if name not in _KNOWN_PARTS:
            raise _bad_rule(text, f"unknown rule part {name!r}")
        if name in raw:
            raise _bad_rule(text, f"{name} is given twice")
        raw[name] = value
    return _validate_parts(text, raw)


def _validate_parts(text: str, raw: dict[str, str]) -> dict[str, str]:
    freq = raw.get("FREQ")
    if freq is None:
        raise _bad_rule(text, "FREQ is required (DAILY, WEEKLY, MONTHLY or YEARLY)")
    if freq in _SUB_DAILY:
        raise InvalidInputError(
            f"cadence {text!r} repeats more often than daily; a follow-up can repeat "
            "DAILY, WEEKLY, MONTHLY or YEARLY"
        )
    if freq not in _FREQS:
        raise _bad_rule(text, f"FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY, got {freq!r}")
    if "COUNT" in raw and "UNTIL" in raw:
        raise _bad_rule(text, "give COUNT or UNTIL, not both")
    parts: dict[str, str] = {}
    for name, value in raw.items():
        if name in ("INTERVAL", "COUNT"):
            highest = MAX_INTERVAL if name == "INTERVAL" else 100_000
            if not value.isdigit() or not 1 <= int(value) <= highest:
                raise _bad_rule(
                    text, f"{name} must be a whole number from 1 to {highest}, got {value!r}"
                )
            parts[name] = str(int(value))
        elif name == "UNTIL":
            _until_wall(text, value, None)  # validates the format
            parts[name] = value
        elif name == "WKST":
            if value not in _WEEKDAYS:
                raise _bad_rule(text, f"WKST must be one of {','.join(_WEEKDAYS)}, got {value!r}")
            parts[name] = value
        elif name == "BYDAY":
            parts[name] = _check_byday(text, value, freq, raw)
        elif name != "FREQ":
            parts[name] = _check_int_list(text, name, value)
    # RFC 5545 3.3.10: which BYxxx parts make sense with which frequency.
    if "BYMONTHDAY" in parts and freq == "WEEKLY":
        raise _bad_rule(text, "BYMONTHDAY cannot be used with FREQ=WEEKLY")
    if "BYYEARDAY" in parts and freq != "YEARLY":
        raise _bad_rule(text, "BYYEARDAY needs FREQ=YEARLY")
    if "BYWEEKNO" in parts and freq != "YEARLY":
        raise _bad_rule(text, "BYWEEKNO needs FREQ=YEARLY")
    if "BYSETPOS" in parts and not any(n.startswith("BY") and n != "BYSETPOS" for n in parts):
        raise _bad_rule(text, "BYSETPOS needs another BY... part to pick from")
    if "BYSETPOS" in parts:
        most = _most_per_period(freq, parts)
        if all(abs(int(p)) > most for p in parts["BYSETPOS"].split(",")):
            raise _bad_rule(
                text, f"BYSETPOS picks past the {most} candidate(s) each {freq} period can have"
            )
    # FREQ first (RFC 2445 readers expect it), then the rep's parts in the rep's order.
    return {"FREQ": freq, **parts}


def _most_per_period(freq: str, parts: dict[str, str]) -> int:
    """Upper bound on the candidates one period (day, week, month, year) offers to BYSETPOS."""
    times = 1
    for name in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        if name in parts:
            times *= len(set(parts[name].split(",")))
    if freq == "DAILY":
        days = 1
    elif freq == "WEEKLY":
        days = len(set(parts["BYDAY"].split(","))) if "BYDAY" in parts else 1
    else:
        days = 31 if freq == "MONTHLY" else 366
    return days * times


def _until_wall(text: str, value: str, zone: ZoneInfo | None) -> datetime:
    """Read UNTIL as a naive wall-clock bound for a series whose DTSTART is naive.

    A UTC value ("...Z") is converted to the wall clock of `zone` when one is known, else taken as
    it is; a date alone ("20240601") means the whole of that day is still included.
    """
    match = _UNTIL_RE.fullmatch(value)
    if match is None:
        raise _bad_rule(text, f"UNTIL must look like 20240601 or 20240601T170000Z, got {value!r}")
    day_text, time_text, zulu = match.groups()
    try:
        if time_text is None:
            return datetime.strptime(day_text + "235959", "%Y%m%d%H%M%S")
        moment = datetime.strptime(day_text + time_text, "%Y%m%d%H%M%S")
    except ValueError:
        raise _bad_rule(text, f"UNTIL is not a real date and time: {value!r}") from None
    if zulu and zone is not None:
        try:
            return moment.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)
        except OverflowError:
            return moment
    return moment


def until_wall(value: str, zone: ZoneInfo) -> datetime:
    """A stored rule's UNTIL as the naive wall-clock bound the app uses in `zone`."""
    return _until_wall(value, value, zone)


def _build(text: str, parts: dict[str, str], dtstart: datetime, zone: ZoneInfo | None) -> rrule:
    """Build the dateutil rule for `parts` with a naive DTSTART (UNTIL made naive to match)."""
    feed = dict(parts)
    if "UNTIL" in feed:
        # dateutil refuses a UTC UNTIL with a naive DTSTART, so hand it the equivalent wall clock.
        feed["UNTIL"] = _until_wall(text, feed["UNTIL"], zone).strftime("%Y%m%dT%H%M%S")
    # Pin the week start: dateutil would otherwise use the process-wide calendar.firstweekday().
    feed.setdefault("WKST", "MO")
    try:
        built = rrulestr(";".join(f"{k}={v}" for k, v in feed.items()), dtstart=dtstart)
    except (ValueError, KeyError, IndexError, TypeError, OverflowError) as exc:
        raise _bad_rule(text, str(exc) or type(exc).__name__) from None
    if not isinstance(built, rrule):  # only one RRULE line is ever fed in
        raise _bad_rule(text, "give one RRULE line")
    return built


def _after(rule: rrule, moment: datetime, *, inc: bool) -> datetime | None:
    """rule.after(), with running off the end of the calendar (year 9999) meaning "no more"."""
    try:
        found: datetime | None = rule.after(moment, inc=inc)
    except (ValueError, OverflowError):
        return None
    return found


def _naive(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is not None:
        raise ValueError(f"{what} must be a naive wall-clock time, got {moment!r}")
    return moment


# ------------------------------------------------------------ plain words

_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
# unit word -> (FREQ, multiplier of the interval)
_UNITS = {
    "day": ("DAILY", 1),
    "week": ("WEEKLY", 1),
    "fortnight": ("WEEKLY", 2),
    "month": ("MONTHLY", 1),
    "quarter": ("MONTHLY", 3),
    "year": ("YEARLY", 1),
}
# single adverbs -> (FREQ, interval)
_ADVERBS = {
    "daily": ("DAILY", 1),
    "weekly": ("WEEKLY", 1),
    "biweekly": ("WEEKLY", 2),
    "fortnightly": ("WEEKLY", 2),
    "monthly": ("MONTHLY", 1),
    "quarterly": ("MONTHLY", 3),
    "yearly": ("YEARLY", 1),
    "annually": ("YEARLY", 1),
    "annual": ("YEARLY", 1),
}
_DAY_WORDS = {
    "mo": "MO",
    "mon": "MO",
    "monday": "MO",
    "tu": "TU",
    "tue": "TU",
    "tues": "TU",
    "tuesday": "TU",
    "we": "WE",
    "wed": "WE",
    "weds": "WE",
    "wednesday": "WE",
    "th": "TH",
    "thu": "TH",
    "thur": "TH",
    "thurs": "TH",
    "thursday": "TH",
    "fr": "FR",
    "fri": "FR",
    "friday": "FR",
    "sa": "SA",
    "sat": "SA",
    "saturday": "SA",
    "su": "SU",
    "sun": "SU",
    "sunday": "SU",
}


@dataclass(frozen=True, slots=True)
class _Plain:
    """A cadence read from words, before month-end care is applied."""

    freq: str
    interval: int
    days: tuple[str, ...] = ()


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 2 else word


def _day_code(word: str) -> str | None:
    return _DAY_WORDS.get(word) or _DAY_WORDS.get(_singular(word))


def _read_days(tokens: list[str]) -> tuple[str, ...] | None:
    """Read "monday and thursday" / "mon wed" / "weekdays" into BYDAY codes, or None."""
    words = [t for t in tokens if t != "and"]
    if not words:
        return None
    if words in (["weekday"], ["weekdays"]):
        return _WORKWEEK
    codes = [_day_code(w) for w in words]
    if any(code is None for code in codes):
        return None
    return tuple(d for d in _WEEKDAYS if d in codes)


def _read_words(text: str) -> _Plain | None:
    """Understand plain-English cadences; None when the words are not understood."""
    if not re.fullmatch(r"[A-Za-z0-9\s,&.+-]*", text):
        return None
    # Letters and digits stuck together ("5th", "2weeks") stay one token, so they are not misread.
    tokens = re.findall(r"[a-z0-9]+", text.lower().replace("&", " and ").replace("+", " and "))
    if tokens[:2] in (["once", "a"], ["once", "an"], ["once", "every"], ["once", "per"]):
        tokens = tokens[1:] if tokens[1] == "every" else ["1", *tokens[2:]]  # "once a week"
    if tokens[:1] in (["every"], ["each"]):
        every, tokens = True, tokens[1:]
    else:
        every = False
    if not tokens:
        return None
    # "weekly", "quarterly", "biweekly on friday" ...
    if tokens[0] in _ADVERBS:
        freq, interval = _ADVERBS[tokens[0]]
        return _with_days(freq, interval, tokens[1:])
    days = _read_days(tokens)
    if days is not None:  # "every Monday", "mon, wed", "every weekday"
        return _Plain("WEEKLY", 1, days)
    count = 1
    if tokens[0] == "other" and every:  # "every other week", "every other Monday"
        count, tokens = 2, tokens[1:]
    elif tokens[0].isdigit():
        if len(tokens[0]) > 6:
            return None
        count, tokens = int(tokens[0]), tokens[1:]
    elif tokens[0] in _NUMBER_WORDS:
        count, tokens = _NUMBER_WORDS[tokens[0]], tokens[1:]
    if not tokens:
        return None
    days = _read_days(tokens) if every else None
    if days is not None:  # "every other Monday", "every 3 Fridays"
        return _Plain("WEEKLY", count, days)
    unit = _singular(tokens[0])
    if unit not in _UNITS:
        return None
    freq, multiplier = _UNITS[unit]
    return _with_days(freq, count * multiplier, tokens[1:])


def _with_days(freq: str, interval: int, rest: list[str]) -> _Plain | None:
    """Finish a cadence that may end in "on Monday and Friday" (weekly only)."""
    if not rest:
        return _Plain(freq, interval)
    if freq != "WEEKLY" or rest[0] != "on":
        return None
    days = _read_days(rest[1:])
    return None if days is None else _Plain(freq, interval, days)


def _plain_to_rule(plain: _Plain, start: datetime) -> str:
    """Write a word cadence as RRULE text, keeping month-end and Feb 29 starts from skipping."""
    parts = [f"FREQ={plain.freq}"]
    if plain.interval != 1:
        parts.append(f"INTERVAL={plain.interval}")
    if plain.days:
        parts.append("BYDAY=" + ",".join(plain.days))
    if plain.freq == "MONTHLY" and start.day >= 29:
        # RFC 5545 skips months without that day; take the last day of short months instead.
        parts.append("BYMONTHDAY=" + ",".join(str(d) for d in range(28, start.day + 1)))
        parts.append("BYSETPOS=-1")
    elif plain.freq == "YEARLY" and (start.month, start.day) == (2, 29):
        parts.append("BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1")
    return ";".join(parts)


def _words_failure(text: str) -> InvalidInputError:
    return InvalidInputError(f"cannot understand cadence {text!r}: {_EXAMPLES}")


# ------------------------------------------------------------ public API


def parse_cadence(text: str, *, start_local: datetime) -> str:
    """Turn what the rep typed into normalised RRULE text such as "FREQ=WEEKLY;INTERVAL=2".

    The result has no "RRULE:" prefix.

    Accepts raw RRULE text (any case, optional "RRULE:" prefix; validated, parts kept, FREQ first,
    X- parts dropped) or plain words such as "2 weeks", "quarterly", "every Monday and Thursday",
    "every weekday", "every other week". Word cadences that start on the 29th-31st (monthly) or on
    Feb 29 (yearly) fall back to the last day of short months instead of skipping them.
    `start_local` is the naive wall-clock first due (the series' DTSTART). Raises InvalidInputError
    for anything not understood, including empty text and rules that would never happen.
    """
    start = _naive(start_local, "start_local")
    stripped = text.strip() if isinstance(text, str) else ""
    if not stripped:
        raise InvalidInputError(f"the cadence is empty: {_EXAMPLES}")
    looks_raw = "=" in stripped or ":" in stripped
    if looks_raw:
        parts = _split_rule(stripped)
    else:
        plain = _read_words(stripped)
        if plain is None:
            raise _words_failure(stripped)
        if not 1 <= plain.interval <= MAX_INTERVAL:
            raise InvalidInputError(
                f"cannot use cadence {stripped!r}: the step must be from 1 to {MAX_INTERVAL}"
            )
        parts = _split_rule(_plain_to_rule(plain, start))
    if not _ever_happens(stripped, parts, start):
        raise _bad_rule(stripped, f"it never happens on or after {start:%Y-%m-%d %H:%M}")
    return ";".join(f"{k}={v}" for k, v in parts.items())


def _ever_happens(text: str, parts: dict[str, str], start: datetime) -> bool:
    """Whether the series has an occurrence at or after `start`, without scanning to the year 9999.

    The Gregorian calendar repeats every 400 years (a whole number of weeks), so a series repeats
    every 400 * INTERVAL years. A rule with no occurrence in the last whole cycle before the end of
    the calendar never has one; checking that cycle bounds the work even for impossible rules such
    as FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30, which dateutil would otherwise walk day by day to 9999.
    """
    cycle_years = 400 * int(parts.get("INTERVAL", "1"))
    unbounded = {k: v for k, v in parts.items() if k not in ("COUNT", "UNTIL")}
    cycles = (9998 - start.year - cycle_years) // cycle_years
    probe_start = start.replace(year=start.year + cycles * cycle_years) if cycles > 0 else start
    if _after(_build(text, unbounded, probe_start, None), probe_start, inc=True) is None:
        return False
    # It does happen some time; COUNT or UNTIL may still end it first (this stops at UNTIL).
    return _after(_build(text, parts, start, None), start, inc=True) is not None


def _join_names(codes: list[str]) -> str:
    names = [_WEEKDAY_NAMES[_WEEKDAYS.index(c)] for c in codes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _describe_parts(parts: dict[str, str]) -> str | None:
    """Words for the common shapes of rule; None when the rule is too unusual to put simply."""
    freq = parts["FREQ"]
    interval = int(parts.get("INTERVAL", "1"))
    unit = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}[freq]
    base = freq.lower() if interval == 1 else f"every {interval} {unit}s"
    shape = {
        k: v for k, v in parts.items() if k not in ("FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST")
    }
    typed_days = parts.get("BYDAY", "").split(",") if "BYDAY" in parts else []
    days = sorted(set(typed_days), key=lambda d: _WEEKDAYS.index(d) if d in _WEEKDAYS else -1)
    if shape and set(shape) == {"BYDAY"} and all(d in _WEEKDAYS for d in days):
        if freq == "DAILY" and interval != 1:
            return None
        if freq not in ("DAILY", "WEEKLY"):
            return None
        named = "weekdays" if tuple(days) == _WORKWEEK else _join_names(days)
        if interval == 1:
            text = "every weekday" if named == "weekdays" else f"every {named}"
        else:
            text = f"{base} on {named}"
    elif not shape:
        text = base
    elif (
        freq == "MONTHLY"
        and shape.get("BYSETPOS") == "-1"
        and set(shape) == {"BYMONTHDAY", "BYSETPOS"}
        and shape["BYMONTHDAY"] in ("28,29", "28,29,30", "28,29,30,31")
    ):
        text = base  # our own month-end form of "monthly" / "every N months"
    elif freq == "YEARLY" and shape == {"BYMONTH": "2", "BYMONTHDAY": "28,29", "BYSETPOS": "-1"}:
        text = base  # our own Feb 29 form of "yearly"
    elif freq == "MONTHLY" and set(shape) == {"BYMONTHDAY"} and "," not in shape["BYMONTHDAY"]:
        day = int(shape["BYMONTHDAY"])
        where = "the last day" if day == -1 else (f"the {_ordinal(day)}" if day > 0 else None)
        if where is None:
            return None
        text = f"{base} on {where}"
    else:
        return None
    if "COUNT" in parts:
        count = int(parts["COUNT"])
        text += ", once" if count == 1 else f", {count} times"
    if "UNTIL" in parts:
        until = parts["UNTIL"]
        text += f" until {until[:4]}-{until[4:6]}-{until[6:8]}"
    return text


def describe(rule: str) -> str:
    """Short human words for a rule, e.g. "every 2 weeks", "every Monday and Thursday", "monthly".

    Falls back to the rule text itself for rules too complex (or too broken) to put simply.
    """
    try:
        parts = _split_rule(rule)
    except InvalidInputError:
        return rule
    return _describe_parts(parts) or rule.strip()


def _fast_forward(parts: dict[str, str], anchor: datetime, after: datetime) -> datetime:
    """A later DTSTART giving the same occurrences after `after`, to skip decades of daily steps.

    Only for DAILY/WEEKLY without COUNT: moving DTSTART by whole multiples of the period keeps the
    series' phase, week alignment and implicit BYDAY/BYHOUR/BYMINUTE/BYSECOND unchanged, and the
    occurrences it drops all lie before `after`.
    """
    if "COUNT" in parts or parts["FREQ"] not in ("DAILY", "WEEKLY") or after <= anchor:
        return anchor
    period = int(parts.get("INTERVAL", "1")) * (7 if parts["FREQ"] == "WEEKLY" else 1)
    periods = (after - anchor).days // period - 1
    return anchor + timedelta(days=periods * period) if periods > 0 else anchor


def next_occurrence(
    rule: str,
    *,
    anchor_local: datetime,
    after_local: datetime,
    tz: str | ZoneInfo | None = None,
) -> datetime | None:
    """Return the naive wall-clock occurrence of `rule` strictly after `after_local`.

    The series starts at `anchor_local` (its DTSTART); COUNT and UNTIL end it, and then the answer
    is None. `tz` is the series' zone, needed only to compare a UTC UNTIL ("...Z") exactly; without
    it such an UNTIL is read as wall-clock time. Fast even decades after the anchor.
    """
    anchor = _naive(anchor_local, "anchor_local")
    after = _naive(after_local, "after_local")
    parts = _split_rule(rule)
    zone = None if tz is None else (tz if isinstance(tz, ZoneInfo) else get_zone(tz))
    dtstart = _fast_forward(parts, anchor, after)
    return _after(_build(rule, parts, dtstart, zone), after, inc=False)
