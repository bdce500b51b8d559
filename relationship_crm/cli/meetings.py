"""`meeting` (log, list) and `research` (add): what happened with whom, and what was learned."""

from __future__ import annotations

import argparse
from typing import TextIO

import relationship_crm.cli.args as types
from relationship_crm.cli.common import Commands, Common, note_wall_time
from relationship_crm.cli.encoders import meeting_json
from relationship_crm.cli.output import Table, print_list
from relationship_crm.domain.enums import MeetingKind
from relationship_crm.domain.records import MeetingDraft, MeetingView
from relationship_crm.domain.timefmt import numeric_moment
from relationship_crm.services import meetings, research, settings
from relationship_crm.storage.db import Database


def register(commands: Commands, common: Common) -> None:
    meeting = common.group(commands, "meeting", "log and list meetings, calls, lunches and events")
    _log_options(
        common.command(meeting, "log", _log, "log a meeting with its attendees; prints its id")
    )
    _list_options(
        common.command(meeting, "list", _list, "list meetings, newest first", [common.fmt])
    )

    res = common.group(commands, "research", "research notes about a contact, company or meeting")
    _research_add_options(
        common.command(res, "add", _research_add, "add a research note; prints its id")
    )


def _log_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--title", required=True)
    p.add_argument(
        "--at",
        required=True,
        type=types.wall_clock,
        metavar='"YYYY-MM-DD HH:MM"',
        help="local start time",
    )
    p.add_argument("--tz", metavar="ZONE", help="IANA time zone of --at (default: your zone)")
    p.add_argument(
        "--with",
        dest="with_",
        action="append",
        type=types.contact_id,
        required=True,
        metavar="CONTACT_ID",
        help="an attendee; repeatable",
    )
    p.add_argument(
        "--kind",
        default="meeting",
        metavar="KIND",
        help=f"one of {', '.join(k.value for k in MeetingKind)} (default: meeting)",
    )
    p.add_argument(
        "--duration",
        type=types.positive_minutes,
        default=0,
        metavar="MIN",
        help="length in minutes",
    )
    p.add_argument("--location")
    p.add_argument("--notes")
    p.add_argument("--research", metavar="TEXT", help="research notes for this meeting")


def _log(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    with db.write() as s:
        draft = MeetingDraft(
            title=args.title,
            starts_local=args.at,
            tz=args.tz or settings.zone(s),
            attendee_ids=tuple(args.with_),
            kind=meetings.parse_kind(args.kind),
            duration_minutes=args.duration,
            location=args.location or "",
            notes=args.notes or "",
            research=args.research or "",
        )
        new_id = meetings.log(s, draft).id
    out.write(f"{new_id}\n")
    note_wall_time(draft.starts_local, draft.tz)
    return 0


def _list_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--contact",
        type=types.contact_id,
        metavar="CONTACT_ID",
        help="only meetings this contact attended",
    )
    p.add_argument("--limit", type=int, default=None)


MEETING_TABLE: Table[MeetingView] = Table(
    headers=("ID", "WHEN", "KIND", "TITLE", "WITH"),
    cells=lambda m: (
        str(m.id),
        numeric_moment(m.starts_at),
        m.kind.value,
        m.title,
        ", ".join(n for _, n in m.attendees),
    ),
    empty="No meetings.",
)


def _list(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    with db.read() as s:
        found = meetings.list_meetings(s, contact_id=args.contact, limit=args.limit)
    print_list(found, args.format, out, to_json=meeting_json, text=MEETING_TABLE)
    return 0


def _research_add_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", metavar="TEXT")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--contact", type=types.contact_id, metavar="CONTACT_ID")
    target.add_argument("--company", type=types.company_id, metavar="COMPANY_ID")
    target.add_argument("--meeting", type=types.meeting_id, metavar="MEETING_ID")
    p.add_argument("--source", metavar="URL", help="where the information came from")


def _research_add(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    with db.write() as s:
        new_id = research.add(
            s,
            args.text,
            contact_id=args.contact,
            company_id=args.company,
            meeting_id=args.meeting,
            source_url=args.source or "",
        ).id
    out.write(f"{new_id}\n")
    return 0
