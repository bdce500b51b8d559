"""Argument types of the commands: record ids, wall-clock times, days, labelled values."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date, datetime

from relationship_crm.domain.bounds import MAX_ADDRESS
from relationship_crm.domain.records import Address, Labeled


def record_id(what: str) -> Callable[[str], int]:
    """A positive record id; `what` names the record in the error ("expected a contact id")."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a {what} id (a number), not {text!r}"
            ) from None
        if value <= 0:
            raise argparse.ArgumentTypeError(
                f"expected a {what} id (a positive number), not {text!r}"
            )
        return value

    parse.__name__ = f"{what} id"
    return parse


contact_id = record_id("contact")
company_id = record_id("company")
meeting_id = record_id("meeting")
followup_id = record_id("follow-up")
note_id = record_id("thank-you note")
gift_id = record_id("gift")
research_id = record_id("research note")


def pdf_file(text: str) -> str:
    """`--pdf OUT.pdf`: a file to write ("-" is not standard output here: a PDF is a file)."""
    if text.strip() in ("", "-"):
        raise argparse.ArgumentTypeError(
            f"a PDF is written to a file: give a file name such as notes.pdf, not {text!r}"
        )
    return text


def wall_clock(text: str) -> datetime:
    """A naive local time, "YYYY-MM-DD HH:MM" (a T and seconds are accepted too)."""
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f'{text!r} is not a date and time; use "YYYY-MM-DD HH:MM"')


def day(text: str) -> date:
    """A calendar day, YYYY-MM-DD."""
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def positive_minutes(text: str) -> int:
    """A duration in whole minutes, zero or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes") from None
    if value < 0:
        raise argparse.ArgumentTypeError("the duration cannot be negative")
    return value


def day_count(text: str) -> int:
    """A number of days, zero or more (`today --upcoming`)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"the number of days cannot be negative, not {text!r}")
    return value


def version_number(text: str) -> int:
    """A contact's saved version (`contact edit --if-version`): a whole number from 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a version number") from None
    if not 1 <= value <= 2**62:
        raise argparse.ArgumentTypeError(f"a version number is 1 or more, not {text!r}")
    return value


def labeled(text: str) -> Labeled:
    """ "work:jane@acme.com" -> Labeled("jane@acme.com", "work"); a bare value has no label."""
    head, sep, tail = text.partition(":")
    if sep and head.isalpha() and head.lower() not in {"mailto", "tel"} and tail.strip():
        return Labeled(tail.strip(), head.strip().lower())
    return Labeled(text.strip())


def address(text: str) -> Address:
    """ "home:12 Main St\\nSpringfield" -> a labelled address; a typed \\n starts a new line."""
    if len(text) > MAX_ADDRESS:
        raise argparse.ArgumentTypeError(
            f"the address is too long (at most {MAX_ADDRESS} characters)"
        )
    head, sep, tail = text.partition(":")
    label = ""
    if sep and head.strip().replace(" ", "").isalpha() and len(head) <= 50:
        label, text = head.strip().lower(), tail
    lines = [line.strip() for line in text.replace("\\n", "\n").splitlines()]
    street = "\n".join(line for line in lines if line)
    if not any(c.isalnum() for c in street):
        raise argparse.ArgumentTypeError("the address is empty")
    return Address(street=street, label=label)


def today_in(zone: str) -> date:
    """The day it is now in `zone`: the default of the commands' day options."""
    from relationship_crm.scheduling.zones import get_zone

    return datetime.now(get_zone(zone)).date()
