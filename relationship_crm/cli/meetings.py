"""`meeting` (log, list, show, edit, delete) and `research` (add, list, edit, delete): what
happened with whom, and what was learned."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TextIO

import relationship_crm.cli.args as types
from relationship_crm.cli.common import Commands, Common, note_wall_time, tell
from relationship_crm.cli.encoders import followup_json, iso, meeting_json
from relationship_crm.cli.output import JsonRow, Table, print_json, print_list
from relationship_crm.domain.enums import MeetingKind
from relationship_crm.domain.records import MeetingDraft, MeetingView, ResearchView
from relationship_crm.domain.timefmt import iso_day, long_moment, numeric_moment

if TYPE_CHECKING:
    from relationship_crm.services import meeting_log
    from relationship_crm.storage.db import Database


def register(commands: Commands, common: Common) -> None:
    meeting = common.group(commands, "meeting", "log and list meetings, calls, lunches and events")
    _log_options(
        common.command(meeting, "log", _log, "log a meeting with its attendees; prints its id")
    )
    _list_options(
        common.command(meeting, "list", _list, "list meetings, newest first", [common.fmt])
    )
    _meeting_id_option(
        common.command(
            meeting,
            "show",
            _show,
            "show a meeting whole: attendees, notes, research, follow-ups and thank-you notes",
            [common.fmt],
        )
    )
    _edit_options(
        common.command(meeting, "edit", _edit, "correct a meeting (only the options given)")
    )
    _meeting_id_option(
        common.command(
            meeting,
            "delete",
            _delete,
            "delete a meeting with its research and thank-you notes (its follow-ups and gifts "
            "stay); prints its id",
        )
    )

    res = common.group(commands, "research", "research notes about a contact, company or meeting")
    _research_add_options(
        common.command(res, "add", _research_add, "add a research note; prints its id")
    )
    _research_list_options(
        common.command(
            res, "list", _research_list, "list research notes, newest first", [common.fmt]
        )
    )
    _research_edit_options(
        common.command(
            res, "edit", _research_edit, "correct a research note (only the options given)"
        )
    )
    _research_id_option(
        common.command(res, "delete", _research_delete, "delete a research note; prints its id")
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
    p.add_argument(
        "--no-thanks",
        action="store_true",
        help="do not draft a thank-you note to each attendee (drafted by default, as in the app; "
        "their ids go to stderr)",
    )


def _log(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import meeting_log, meetings, settings

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
        # The app's path: the meeting and, unless --no-thanks, a thank-you draft per attendee.
        logged = meeting_log.save_plan(
            s,
            meeting_log.MeetingPlan(draft, draft_thanks=not args.no_thanks),
            now=datetime.now(UTC),
        )
    out.write(f"{logged.meeting_id}\n")
    note_wall_time(draft.starts_local, draft.tz)
    if logged.thanks_ids:
        # stdout stays the new id alone (scripts read it); the drafts are a remark.
        tell("note", "drafted thank-you notes: " + " ".join(str(i) for i in logged.thanks_ids))
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
    from relationship_crm.services import meetings

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
    from relationship_crm.services import research

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


def _meeting_id_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("meeting_id", metavar="MEETING_ID", type=types.meeting_id)


def _research_json(n: ResearchView) -> JsonRow:
    return {
        "id": n.id,
        "text": n.text,
        "source": n.source_url,
        "noted_at": iso(n.noted_at),
        "contact_id": n.contact_id,
        "company_id": n.company_id,
        "meeting_id": n.meeting_id,
    }


def _show(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.scheduling.zones import get_zone
    from relationship_crm.services import meeting_log, settings

    with db.read() as s:
        found = meeting_log.load_details(s, args.meeting_id)
        zone = get_zone(settings.zone(s))
    m = found.meeting

    def to_json(d: meeting_log.MeetingDetails) -> JsonRow:
        data = meeting_json(d.meeting)
        data["research"] = [_research_json(n) for n in d.research]
        data["follow_ups"] = [followup_json(f) for f in d.follow_ups]
        data["thanks"] = [
            {
                "id": t.id,
                "contact_id": t.contact_id,
                "contact_name": t.contact_name,
                "status": t.status.value,
                "body": t.body,
            }
            for t in d.thanks
        ]
        return data

    if args.format == "json":
        print_json([to_json(found)], out)
        return 0
    out.write(f"{m.title}  (#{m.id}, {m.kind.value})\n")
    duration = f", {m.duration_minutes} min" if m.duration_minutes else ""
    out.write(f"  when: {long_moment(m.starts_at)} {m.tz}{duration}\n")
    if m.location:
        out.write(f"  where: {m.location}\n")
    out.write(f"  with: {', '.join(f'{n} (#{i})' for i, n in m.attendees) or '-'}\n")
    if m.notes:
        out.write("  notes: " + m.notes.replace("\n", "\n         ") + "\n")
    for n in found.research:
        source = f"  [{n.source_url}]" if n.source_url else ""
        day = iso_day(n.noted_at.astimezone(zone))
        text = n.text.replace("\n", "\n    ")
        out.write(f"  research #{n.id} {day}{source}:\n    {text}\n")
    for f in found.follow_ups:
        out.write(
            f"  follow-up #{f.id} ({f.status.value}) for {f.contact_name}: "
            f"{long_moment(f.due)}  {f.note}\n"
        )
    for t in found.thanks:
        out.write(f"  thank-you note #{t.id} ({t.status.value}) to {t.contact_name}\n")
    return 0


def _edit_options(p: argparse.ArgumentParser) -> None:
    _meeting_id_option(p)
    p.add_argument("--title")
    p.add_argument(
        "--at", type=types.wall_clock, metavar='"YYYY-MM-DD HH:MM"', help="new local start time"
    )
    p.add_argument(
        "--tz", metavar="ZONE", help="IANA zone of the start (alone: same wall-clock time)"
    )
    kinds = ", ".join(k.value for k in MeetingKind)
    p.add_argument("--kind", metavar="KIND", help=f"one of {kinds}")
    p.add_argument("--duration", type=types.positive_minutes, metavar="MIN")
    p.add_argument("--location", help='"" removes it')
    p.add_argument("--notes", help="replace the notes")
    p.add_argument(
        "--add-attendee",
        action="append",
        type=types.contact_id,
        default=[],
        metavar="CONTACT_ID",
        help="repeatable",
    )
    p.add_argument(
        "--remove-attendee",
        action="append",
        type=types.contact_id,
        default=[],
        metavar="CONTACT_ID",
        help="repeatable",
    )


def _edit(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import meetings

    with db.write() as s:
        meetings.update(
            s,
            args.meeting_id,
            title=args.title,
            starts_local=args.at,
            tz=args.tz,
            kind=args.kind,
            duration_minutes=args.duration,
            location=args.location,
            notes=args.notes,
            add_attendees=args.add_attendee,
            remove_attendees=args.remove_attendee,
        )
    return 0


def _delete(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import meetings

    with db.write() as s:
        meetings.delete(s, args.meeting_id)
    out.write(f"{args.meeting_id}\n")
    return 0


def _research_id_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("note_id", metavar="RESEARCH_ID", type=types.research_id)


def _research_list_options(p: argparse.ArgumentParser) -> None:
    target = p.add_mutually_exclusive_group()
    target.add_argument("--contact", type=types.contact_id, metavar="CONTACT_ID")
    target.add_argument("--company", type=types.company_id, metavar="COMPANY_ID")
    target.add_argument("--meeting", type=types.meeting_id, metavar="MEETING_ID")


def _research_list(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.scheduling.zones import get_zone
    from relationship_crm.services import research, settings

    with db.read() as s:
        found = research.list_notes(
            s, contact_id=args.contact, company_id=args.company, meeting_id=args.meeting
        )
        zone = get_zone(settings.zone(s))
    table: Table[ResearchView] = Table(
        headers=("ID", "DATE", "ABOUT", "TEXT", "SOURCE"),
        cells=lambda n: (
            str(n.id),
            iso_day(n.noted_at.astimezone(zone)),
            _subject(n),
            " / ".join(line.strip() for line in n.text.splitlines() if line.strip()),
            n.source_url,
        ),
        empty="No research notes.",
    )
    print_list(found, args.format, out, to_json=_research_json, text=table)
    return 0


def _subject(n: ResearchView) -> str:
    if n.contact_id is not None:
        return f"contact {n.contact_id}"
    if n.company_id is not None:
        return f"company {n.company_id}"
    return f"meeting {n.meeting_id}"


def _research_edit_options(p: argparse.ArgumentParser) -> None:
    _research_id_option(p)
    p.add_argument("--text", help="replace the text")
    p.add_argument("--source", metavar="URL", help='replace the source link; "" removes it')


def _research_edit(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import research

    with db.write() as s:
        research.update(s, args.note_id, text=args.text, source_url=args.source)
    return 0


def _research_delete(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import research

    with db.write() as s:
        research.delete(s, args.note_id)
    out.write(f"{args.note_id}\n")
    return 0
