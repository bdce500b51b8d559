"""`event` (add, list, show, edit, delete): trigger events, news about an account that opens a
window to sell, and the follow-ups they schedule."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TextIO

import relationship_crm.cli.args as types
from relationship_crm.cli.common import Commands, Common, note_wall_time, tell
from relationship_crm.cli.encoders import iso
from relationship_crm.cli.output import JsonRow, Table, print_json, print_list
from relationship_crm.domain.enums import TriggerKind
from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.timefmt import iso_day, long_moment

if TYPE_CHECKING:
    from relationship_crm.services import trigger_events as events
    from relationship_crm.storage.db import Database

KINDS = ", ".join(k.value for k in TriggerKind)
event_id = types.record_id("trigger event")


def register(commands: Commands, common: Common) -> None:
    event = common.group(
        commands, "event", "trigger events: news about an account (a merger, funding...)"
    )
    _add_options(
        common.command(
            event,
            "add",
            _add,
            "record a trigger event; prints its id (a follow-up for each contact concerned: "
            "their ids go to stderr)",
        )
    )
    _list_options(
        common.command(event, "list", _list, "list trigger events, newest first", [common.fmt])
    )
    _id_option(
        common.command(
            event, "show", _show, "show a trigger event whole, with its follow-ups", [common.fmt]
        )
    )
    _edit_options(
        common.command(event, "edit", _edit, "correct a trigger event (only the options given)")
    )
    _id_option(
        common.command(
            event,
            "delete",
            _delete,
            "delete a trigger event; its follow-ups stay, no longer linked to it; prints its id",
        )
    )


def _id_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("event_id", metavar="ID", type=event_id)


def _add_options(p: argparse.ArgumentParser) -> None:
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--contact", type=types.contact_id, metavar="ID")
    target.add_argument("--company", metavar="NAME", help="an existing company's name")
    p.add_argument("--kind", required=True, metavar="KIND", help=f"one of {KINDS}")
    p.add_argument("--date", required=True, type=types.day, metavar="YYYY-MM-DD")
    p.add_argument("--note", metavar="TEXT")
    p.add_argument("--source", metavar="TEXT", help="where you read it (kept as text)")
    when = p.add_mutually_exclusive_group()
    when.add_argument(
        "--follow-up",
        dest="follow_up",
        type=types.wall_clock,
        metavar='"YYYY-MM-DD HH:MM"',
        help="when the follow-ups are due (default: next working day 09:00)",
    )
    when.add_argument(
        "--no-follow-up",
        dest="no_follow_up",
        action="store_true",
        help="record the event only",
    )
    p.add_argument("--tz", metavar="ZONE", help="IANA zone of the follow-ups (default: yours)")


def _add(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import companies
    from relationship_crm.services import trigger_events as events

    if args.no_follow_up and args.tz is not None:
        raise InvalidInputError("--tz is the follow-ups' zone; leave it out with --no-follow-up")
    with db.write() as s:
        company_id = companies.id_named(s, args.company) if args.company is not None else None
        draft = events.TriggerEventDraft(
            kind=args.kind,
            happened_on=args.date,
            note=args.note or "",
            source=args.source or "",
            company_id=company_id,
            contact_id=args.contact,
        )
        when = None if args.no_follow_up else events.FollowUpTime(args.follow_up, args.tz)
        added = events.add(s, draft, follow_up=when, now=datetime.now(UTC)).value
    out.write(f"{added.event_id}\n")
    if args.no_follow_up:
        return 0
    if added.followup_ids:
        if added.due_local is not None:
            note_wall_time(added.due_local, added.tz)
        tell("note", "follow-ups: " + " ".join(str(i) for i in added.followup_ids))
    else:
        tell("note", "no live contacts there, so no follow-ups")
    return 0


def _list_options(p: argparse.ArgumentParser) -> None:
    target = p.add_mutually_exclusive_group()
    target.add_argument(
        "--contact",
        type=types.contact_id,
        metavar="ID",
        help="events about this contact or their company",
    )
    target.add_argument(
        "--company", metavar="NAME", help="events about this company or one of its contacts"
    )
    p.add_argument("--since", type=types.day, metavar="YYYY-MM-DD", help="on or after this day")


def event_json(e: events.TriggerEventView) -> JsonRow:
    return {
        "id": e.id,
        "kind": e.kind.value,
        "date": iso_day(e.happened_on),
        "company": e.company or None,
        "company_id": e.company_id,
        "contact_id": e.contact_id,
        "contact_name": e.contact_name or None,
        "note": e.note,
        "source": e.source,
        "followup_ids": list(e.followup_ids),
        "created_at": iso(e.created_at),
        "updated_at": iso(e.updated_at),
    }


EVENT_TABLE: Table[events.TriggerEventView] = Table(
    headers=("ID", "DATE", "KIND", "ABOUT", "NOTE", "SOURCE", "FOLLOW-UPS"),
    cells=lambda e: (
        str(e.id),
        iso_day(e.happened_on),
        e.kind.value,
        e.subject,
        " / ".join(line.strip() for line in e.note.splitlines() if line.strip()),
        e.source,
        " ".join(str(i) for i in e.followup_ids),
    ),
    empty="No trigger events.",
)


def _list(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import companies
    from relationship_crm.services import trigger_events as events

    with db.read() as s:
        company_id = companies.id_named(s, args.company) if args.company is not None else None
        found = events.list_events(
            s, contact_id=args.contact, company_id=company_id, since=args.since
        )
    print_list(found, args.format, out, to_json=event_json, text=EVENT_TABLE)
    return 0


def _show(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import followups
    from relationship_crm.services import trigger_events as events

    with db.read() as s:
        e = events.get(s, args.event_id)
        linked = [followups.get(s, fid) for fid in e.followup_ids]
    if args.format == "json":
        print_json([event_json(e)], out)
        return 0
    out.write(f"{e.kind.label}: {e.subject}  (#{e.id})\n")
    out.write(f"  date: {iso_day(e.happened_on)}\n")
    if e.source:
        out.write(f"  source: {e.source}\n")
    if e.note:
        out.write("  note: " + e.note.replace("\n", "\n        ") + "\n")
    for f in linked:
        due = "unreadable (run check)" if f.unreadable else long_moment(f.due)
        out.write(f"  follow-up #{f.id} ({f.status.value}) for {f.contact_name}: {due}\n")
    return 0


def _edit_options(p: argparse.ArgumentParser) -> None:
    _id_option(p)
    p.add_argument("--kind", metavar="KIND", help=f"one of {KINDS}")
    p.add_argument("--date", type=types.day, metavar="YYYY-MM-DD")
    p.add_argument("--note", help='replace the note; "" removes it')
    p.add_argument("--source", metavar="TEXT", help='replace the source; "" removes it')


def _edit(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import trigger_events as events

    with db.write() as s:
        events.update_event(
            s,
            args.event_id,
            kind=args.kind,
            happened_on=args.date,
            note=args.note,
            source=args.source,
            now=datetime.now(UTC),
        )
    return 0


def _delete(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import trigger_events as events

    with db.write() as s:
        kept = events.get(s, args.event_id).followup_ids
        events.delete(s, args.event_id)
    out.write(f"{args.event_id}\n")
    if kept:
        ids = " ".join(str(i) for i in kept)
        tell("note", f"its follow-ups stay, no longer linked to it: {ids}")
    return 0
