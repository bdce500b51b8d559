"""`health`, `contact keep-in-touch` and `tag keep-in-touch`: rhythms and who is drifting away."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

import relationship_crm.cli.args as types
from relationship_crm.cli.common import TAG_HELP, Commands, Common, tell
from relationship_crm.cli.output import JsonRow, Table, print_list
from relationship_crm.domain.errors import InvalidInputError

if TYPE_CHECKING:
    from relationship_crm.services.health import ContactHealth
    from relationship_crm.storage.db import Database


def register(commands: Commands, common: Common) -> None:
    _health_options(
        common.command(
            commands,
            "health",
            _health,
            "list the contacts drifting (past their ideal rhythm) or lost (past the maximum), "
            "worst first",
            [common.fmt],
        )
    )
    # `contact` exists already (cli/contacts.py): Common.group hands the same group back.
    contact = common.group(commands, "contact", "add, list, show and edit contacts")
    _contact_options(
        common.command(
            contact,
            "keep-in-touch",
            _contact_rhythm,
            "set how often to touch base with a contact (--ideal/--max days), switch it off, "
            "pause it until a day, or --clear it (the tag or stage rhythm applies again)",
        )
    )
    tag = common.group(commands, "tag", TAG_HELP)
    _tag_options(
        common.command(
            tag,
            "keep-in-touch",
            _tag_rhythm,
            "set the rhythm of every contact with TAG (--ideal/--max days), or --clear it",
        )
    )


def days(text: str) -> int:
    """A whole number of days (the service checks the range)."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days") from None


def _rhythm_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--ideal", type=days, metavar="DAYS", help="ideal days between touches")
    p.add_argument("--max", type=days, metavar="DAYS", help="at most this many days")


# --- health -----------------------------------------------------------------------------------


def _health_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--date", type=types.day, metavar="YYYY-MM-DD", help="as on this day (default: today)"
    )


def health_json(h: ContactHealth) -> JsonRow:
    return {
        "contact_id": h.contact_id,
        "contact_name": h.contact_name,
        "last_touch": h.last_touch.isoformat() if h.last_touch is not None else None,
        "days_since_contact": h.days_since_contact,
        "ideal_days": h.rhythm.ideal_days,
        "max_days": h.rhythm.max_days,
        "state": h.state,
    }


HEALTH_TABLE: Table[ContactHealth] = Table(
    headers=("ID", "NAME", "LAST TOUCH", "DAYS", "IDEAL", "MAX", "STATE"),
    cells=lambda h: (
        str(h.contact_id),
        h.contact_name,
        h.last_touch.isoformat() if h.last_touch is not None else "never",
        str(h.days_since_contact),
        str(h.rhythm.ideal_days),
        str(h.rhythm.max_days),
        h.state,
    ),
    empty="No one is drifting.",
)


def _health(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import health, settings

    with db.read() as s:
        zone = settings.zone(s)
        found = health.health(s, on=args.date or types.today_in(zone), zone=zone)
    print_list(found, args.format, out, to_json=health_json, text=HEALTH_TABLE)
    return 0


# --- contact keep-in-touch --------------------------------------------------------------------


def _contact_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("contact_id", metavar="CONTACT_ID", type=types.contact_id)
    _rhythm_options(p)
    p.add_argument("--off", action="store_true", help="no rhythm, whatever tags or stage say")
    p.add_argument(
        "--pause-until",
        type=types.day,
        metavar="YYYY-MM-DD",
        help="not drifting nor lost up to and including this day",
    )
    p.add_argument("--reason", metavar="TEXT", help='why it is paused ("on parental leave")')
    p.add_argument("--resume", action="store_true", help="end a pause")
    p.add_argument("--clear", action="store_true", help="forget this contact's own rule and pause")


def _one_mode(args: argparse.Namespace, allowed: str) -> str:
    """Which of the exclusive choices was given; exactly one must be."""
    given = [
        name
        for name, on in (
            ("rhythm", args.ideal is not None or args.max is not None),
            ("off", args.off),
            ("pause", getattr(args, "pause_until", None) is not None),
            ("resume", getattr(args, "resume", False)),
            ("clear", args.clear),
        )
        if on
    ]
    if len(given) != 1:
        raise InvalidInputError(f"give exactly one of {allowed}")
    if given[0] == "rhythm" and (args.ideal is None or args.max is None):
        raise InvalidInputError("give both --ideal DAYS and --max DAYS")
    return given[0]


def _contact_rhythm(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import health, settings

    mode = _one_mode(args, "--ideal/--max, --off, --pause-until, --resume or --clear")
    if args.reason is not None and mode != "pause":
        raise InvalidInputError("--reason goes with --pause-until")
    cid = args.contact_id
    with db.write() as s:
        if mode == "rhythm":
            health.set_contact_rhythm(s, cid, args.ideal, args.max)
        elif mode == "off":
            health.set_contact_off(s, cid)
        elif mode == "pause":
            health.pause_contact(s, cid, args.pause_until, args.reason or "")
        elif mode == "resume":
            health.pause_contact(s, cid, None)
        else:
            health.clear_contact_rhythm(s, cid)
        zone = settings.zone(s)
        today = types.today_in(zone)
        now = health.contact_health(s, cid, on=today, zone=zone)
    if mode == "pause" and args.pause_until < today:
        tell("note", f"{args.pause_until.isoformat()} has passed, so the pause has no effect")
    out.write(f"{now.contact_name}: {health.describe(now)}\n")
    return 0


# --- tag keep-in-touch ------------------------------------------------------------------------


def _tag_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("tag", metavar="TAG")
    _rhythm_options(p)
    p.add_argument("--off", action="store_true", help="no rhythm for this tag (as --clear)")
    p.add_argument("--clear", action="store_true", help="no rhythm for this tag")


def _tag_rhythm(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import health

    mode = _one_mode(args, "--ideal/--max, --off or --clear")
    with db.write() as s:
        if mode == "rhythm":
            health.set_tag_rhythm(s, args.tag, args.ideal, args.max)
        else:
            health.set_tag_rhythm(s, args.tag, None, None)
    return 0
