"""Locale-free date and time text ("Mon 02 Mar 2026 09:00 EST") for the CLI and the app."""

# strftime's %a and %b follow the C library's LC_TIME, which Qt (and any host program calling
# setlocale) may change: "Mo 02 Mär" in a German session. The app shows English abbreviations
# whatever the locale, so the names come from these tables and every field is formatted here.
# The output equals strftime's under the C locale (tests/unit/domain/test_timefmt.py); like
# glibc's %Y, a year before 1000 is not zero-padded.

from __future__ import annotations

from datetime import date, datetime, time

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def weekday_name(day: date) -> str:
    """The English abbreviation of the day of the week ("Mon"), as strftime's %a in C."""
    return DAY_NAMES[day.weekday()]


def month_name(day: date) -> str:
    """The English abbreviation of the month ("Mar"), as strftime's %b in C."""
    return MONTH_NAMES[day.month - 1]


def zone_name(moment: datetime) -> str:
    """The zone's abbreviation at `moment` ("EST", "+03"); "" when naive, as strftime's %Z."""
    return moment.tzname() or ""


def iso_day(day: date) -> str:
    """ "2026-03-02" (strftime "%Y-%m-%d"); a datetime gives its own wall-clock day."""
    return f"{day.year}-{day.month:02d}-{day.day:02d}"


def clock(moment: datetime | time) -> str:
    """The 24-hour wall clock as given, "09:05" (strftime "%H:%M")."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def short_day(day: date, *, year: bool = False) -> str:
    """ "Mon 02 Mar", or "02 Mar 2026" (no weekday) when `year`.

    The agenda's day column: the app's reminders list drops the weekday once the year shows.
    """
    if year:
        return f"{day.day:02d} {month_name(day)} {day.year}"
    return f"{weekday_name(day)} {day.day:02d} {month_name(day)}"


def weekday_date(day: date, *, today: date | None = None) -> str:
    """ "Fri 20 Nov" within `today`'s year, else (or without `today`) "Fri 20 Nov 2025".

    The thank-you notes list: the weekday always shows; the year only when it is not obvious.
    """
    text = f"{weekday_name(day)} {day.day:02d} {month_name(day)}"
    return text if today is not None and day.year == today.year else f"{text} {day.year}"


def day_month(day: date, *, year: bool = False) -> str:
    """ "02 Mar" (strftime "%d %b"), or "02 Mar 2026" when `year`: a compact table date."""
    text = f"{day.day:02d} {month_name(day)}"
    return f"{text} {day.year}" if year else text


def long_day(day: date) -> str:
    """ "Mon 02 Mar 2026" (strftime "%a %d %b %Y")."""
    return f"{weekday_name(day)} {day.day:02d} {month_name(day)} {day.year}"


def short_moment(moment: datetime, *, year: bool = False) -> str:
    """ "Mon 02 Mar 09:00" (strftime "%a %d %b %H:%M"), or "02 Mar 2026 09:00" when `year`."""
    return f"{short_day(moment, year=year)} {clock(moment)}"


def long_local_moment(moment: datetime) -> str:
    """ "Mon 02 Mar 2026 09:00" (strftime "%a %d %b %Y %H:%M"): a moment on a timeline."""
    return f"{long_day(moment)} {clock(moment)}"


def long_moment(moment: datetime) -> str:
    """ "Mon 02 Mar 2026 09:00 EST" (strftime "%a %d %b %Y %H:%M %Z"): a due time, unambiguous.

    A naive `moment` keeps the trailing space, as strftime does.
    """
    return f"{long_day(moment)} {clock(moment)} {zone_name(moment)}"


def numeric_moment(moment: datetime) -> str:
    """ "2026-03-02 09:00 EST" (strftime "%Y-%m-%d %H:%M %Z"): sorts well in a table."""
    return f"{iso_day(moment)} {clock(moment)} {zone_name(moment)}"


FULL_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FULL_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def birthday_text(text: str) -> str:
    """A stored birthday for people: "--03-07" -> "7 March", "1980-03-07" -> "7 March 1980".

    Anything else (a value an old import kept as typed) is returned unchanged.
    """
    parts = text.split("-")
    try:
        if text.startswith("--") and len(parts) == 4:
            month, day, year = int(parts[2]), int(parts[3]), None
        elif len(parts) == 3:
            year, month, day = int(parts[0]), int(parts[1]), int(parts[2])
        else:
            return text
    except ValueError:
        return text
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return text
    shown = f"{day} {FULL_MONTH_NAMES[month - 1]}"
    return shown if year is None else f"{shown} {year}"
