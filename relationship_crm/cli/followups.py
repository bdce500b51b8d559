"""`followup` (add, show, edit, done, snooze, cancel, list) and `today`, the daily list."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, TextIO

import relationship_crm.cli.args as types
from relationship_crm.cli.common import PROG, Commands, Common, note_wall_time
from relationship_crm.cli.encoders import followup_json, iso
from relationship_crm.cli.output import JsonRow, Table, print_json, print_list
from relationship_crm.domain.enums import FollowUpStatus
from relationship_crm.domain.followups import Agenda, Reminder
from relationship_crm.domain.records import FollowUpDraft, FollowUpView
from relationship_crm.domain.timefmt import clock, long_day, long_moment, short_moment

if TYPE_CHECKING:
    from relationship_crm.storage.db import Database

WALL_CLOCK = '"YYYY-MM-DD HH:MM"'


def register(commands: Commands, common: Common) -> None:
    fu = common.group(commands, "followup", "schedule, complete, snooze and cancel follow-ups")
    _add_options(common.command(fu, "add", _add, "schedule a follow-up; prints its id"))
    _id_option(common.command(fu, "show", _show, "show one follow-up whole", [common.fmt]))
    _edit_options(
        common.command(
            fu,
            "edit",
            _edit,
            "correct an open follow-up's due time, zone, note or repeat (only the options given)",
        )
    )
    _id_option(
        common.command(
            fu, "done", _done, "mark a follow-up done (a recurring one moves to its next date)"
        )
    )
    _snooze_options(common.command(fu, "snooze", _snooze, "put a follow-up off until a later time"))
    _id_option(common.command(fu, "cancel", _cancel, "cancel a follow-up"))
    _list_options(common.command(fu, "list", _list, "list follow-ups in due order", [common.fmt]))

    _today_options(
        common.command(
            commands,
            "today",
            _today,
            "the daily list: overdue follow-ups, then those due today",
            [common.fmt],
        )
    )


def _id_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("followup_id", metavar="ID", type=types.followup_id)


def _add_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("contact_id", metavar="CONTACT_ID", type=types.contact_id)
    p.add_argument("--due", required=True, type=types.wall_clock, metavar=WALL_CLOCK)
    p.add_argument("--tz", metavar="ZONE", help="IANA time zone of --due (default: your zone)")
    p.add_argument("--note")
    p.add_argument(
        "--meeting", type=types.meeting_id, metavar="ID", help="the meeting it came from"
    )
    p.add_argument(
        "--every",
        metavar="RULE",
        help="repeat: an RRULE (FREQ=MONTHLY;INTERVAL=3) or words ('2 weeks', "
        "'3 months', 'every Monday')",
    )
    p.add_argument(
        "--for",
        dest="owner",
        metavar="LOGIN",
        help='the rep it rings for, by database login (default: you; "" for everyone)',
    )


def _add(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import followups, settings

    with db.write() as s:
        draft = FollowUpDraft(
            contact_id=args.contact_id,
            due_local=args.due,
            tz=args.tz or settings.zone(s),
            note=args.note or "",
            meeting_id=args.meeting,
            cadence=args.every,
            owner=args.owner,
        )
        new_id = followups.add(s, draft).id
    out.write(f"{new_id}\n")
    note_wall_time(draft.due_local, draft.tz)
    return 0


def _show(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import followups

    with db.read() as s:
        f = followups.get(s, args.followup_id)
    if args.format == "json":
        print_json([followup_json(f)], out)
        return 0
    due = "unreadable (run check)" if f.unreadable else long_moment(f.due)
    lines = [
        f"Follow-up #{f.id} with {f.contact_name} (contact #{f.contact_id})",
        f"  due: {due} ({f.tz})",
        f"  status: {_status_text(f)}",
    ]
    if f.rrule:
        lines.append(f"  repeats: {f.rrule}")
    if f.meeting_id is not None:
        lines.append(f"  from meeting #{f.meeting_id}")
    if f.note:
        lines.append("  note: " + f.note.replace("\n", "\n        "))
    out.write("\n".join(lines) + "\n")
    return 0


def _edit_options(p: argparse.ArgumentParser) -> None:
    _id_option(p)
    p.add_argument(
        "--due", type=types.wall_clock, metavar=WALL_CLOCK, help="the new wall-clock due time"
    )
    p.add_argument(
        "--tz", metavar="ZONE", help="IANA zone of the due time (default: the follow-up's own)"
    )
    p.add_argument("--note", help='replace the note; "" removes it')
    p.add_argument(
        "--every",
        metavar="RULE",
        help='a new repeat (as for add), starting at the due time; "" stops it repeating',
    )


def _edit(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import followups

    with db.write() as s:
        followups.update(
            s,
            args.followup_id,
            due_local=args.due,
            tz=args.tz,
            note=args.note,
            cadence=args.every,
        )
        f = followups.get(s, args.followup_id)
    if args.due is not None or args.tz is not None:  # a time the change skipped or repeated
        note_wall_time(args.due if args.due is not None else f.due.replace(tzinfo=None), f.tz)
    if args.due is not None or args.tz is not None or args.every is not None:
        repeats = f" (repeats: {f.rrule})" if f.rrule else ""
        sys.stderr.write(f"due {long_moment(f.due)}{repeats}\n")
    return 0


def _done(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import followups

    with db.write() as s:
        result = followups.complete(s, args.followup_id).value
    if result.next_due is not None:
        sys.stderr.write(f"done; next one is due {long_moment(result.next_due)}\n")
    return 0


#: `followup snooze --to`: the app's snooze presets (scheduling.quick_picks.QuickPick values).
SNOOZE_TO = {
    "1-hour": "one_hour",
    "tomorrow": "tomorrow_morning",
    "monday": "next_monday_morning",
    "next-week": "next_week",
}


def _snooze_options(p: argparse.ArgumentParser) -> None:
    _id_option(p)
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--until", type=types.wall_clock, metavar=WALL_CLOCK)
    when.add_argument(
        "--to",
        choices=tuple(SNOOZE_TO),
        help="a preset, as in the app: an hour from now, tomorrow 09:00, next Monday 09:00, or "
        "the same time next week, in your zone as in the app (or --tz); prints the new time",
    )
    # The same rule as `add` where it matters: --tz wins; else the follow-up's own zone (the one
    # its due was typed in), not the default zone, so a snooze reads like the due it replaces.
    p.add_argument(
        "--tz",
        metavar="ZONE",
        help="zone of --until (default: the follow-up's own) or of --to (default: yours)",
    )


def _snooze(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.scheduling.quick_picks import QuickPick, quick_pick
    from relationship_crm.scheduling.zones import localize
    from relationship_crm.services import followups, settings
    from relationship_crm.services.common import utcnow

    with db.write() as s:
        if args.to is not None:
            # "Tomorrow 09:00" is the rep's morning, as in the app's Snooze menu (ui/snooze.py).
            zone = args.tz or settings.zone(s)
            until = quick_pick(QuickPick(SNOOZE_TO[args.to]), now=utcnow(), tz=zone)
        else:
            zone = args.tz or followups.get(s, args.followup_id).tz
            until = localize(args.until, zone)
        followups.snooze(s, args.followup_id, until=until)
    if args.to is not None:
        sys.stderr.write(f"snoozed until {long_moment(until)}\n")
    else:
        note_wall_time(args.until, zone)
    return 0


def _cancel(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import followups

    with db.write() as s:
        followups.cancel(s, args.followup_id)
    return 0


def _list_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--contact", type=types.contact_id, metavar="CONTACT_ID")
    p.add_argument("--status", choices=[*(s.value for s in FollowUpStatus), "all"], default="open")
    _mine_option(p)


def _mine_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--mine",
        action="store_true",
        help="only the follow-ups that ring for you (on a team's server database)",
    )


FOLLOWUP_TABLE: Table[FollowUpView] = Table(
    headers=("ID", "DUE", "CONTACT", "STATUS", "NOTE"),
    cells=lambda f: (
        str(f.id),
        "unreadable (run check)" if f.unreadable else long_moment(f.due),
        f.contact_name,
        _status_text(f),
        f.note + (f"  [{f.rrule}]" if f.rrule else ""),
    ),
    empty="No follow-ups.",
)


def _status_text(f: FollowUpView) -> str:
    """ "open", or "open, snoozed until Mon 7 Dec 2026 09:00" (in the follow-up's own zone)."""
    snoozed = f.snoozed_until
    if f.status is not FollowUpStatus.OPEN or snoozed is None or "snoozed_until" in f.unreadable:
        return f.status.value
    return f"{f.status.value}, snoozed until {long_moment(snoozed.astimezone(f.due.tzinfo))}"


def _list(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import followups

    statuses = tuple(FollowUpStatus) if args.status == "all" else (FollowUpStatus(args.status),)
    with db.read() as s:
        found = followups.list_follow_ups(
            s, contact_id=args.contact, statuses=statuses, mine=args.mine
        )
    print_list(found, args.format, out, to_json=followup_json, text=FOLLOWUP_TABLE)
    return 0


# --- today ------------------------------------------------------------------------------------


def _today_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--date", type=types.day, metavar="YYYY-MM-DD", help="another day (default: today)"
    )
    p.add_argument("--tz", metavar="ZONE", help="zone to show the day in (default: your zone)")
    p.add_argument(
        "--upcoming",
        type=types.day_count,
        default=0,
        metavar="DAYS",
        help="also list what is due in the next DAYS days",
    )
    _mine_option(p)


def _reminder_json(r: Reminder) -> JsonRow:
    spec = r.spec
    return {
        "followup_id": spec.id,
        "contact_id": spec.contact_id,
        "contact_name": spec.contact_name,
        "due": iso(r.due),
        "overdue": r.overdue,
        "note": spec.note,
        "snoozed": r.snoozed,
        "meeting_id": spec.meeting_id,
        "recurrence": spec.rrule,
        "tz": spec.tz,
    }


def _today(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.scheduling.zones import get_zone
    from relationship_crm.services import followups, settings

    with db.read() as s:
        zone = get_zone(args.tz or settings.zone(s)).key
        day = args.date or types.today_in(zone)
        plan = followups.agenda(
            s, day=day, tz=zone, horizon_days=max(args.upcoming, 0), mine=args.mine
        )
    if plan.skipped:
        ids = ", ".join(f"#{i}" for i in plan.skipped)
        sys.stderr.write(f"{PROG}: warning: follow-up {ids} not listed (unreadable); run `check`\n")
    listed = [*plan.overdue, *plan.today]
    if args.upcoming > 0:
        listed += plan.upcoming
    print_list(
        listed,
        args.format,
        out,
        to_json=_reminder_json,
        text=_agenda_writer(plan, day, zone, args.upcoming),
    )
    return 0


def _agenda_writer(
    plan: Agenda, day: date, zone: str, upcoming: int
) -> Callable[[Sequence[Reminder], TextIO], None]:
    """The daily list as sections: overdue, the day itself, then the next days if asked."""

    def write(listed: Sequence[Reminder], out: TextIO) -> None:
        if not listed:
            out.write(f"Nothing due on {long_day(day)} ({zone}). All caught up.\n")
            return
        sections: tuple[tuple[str, Sequence[Reminder], Callable[[datetime], str]], ...] = (
            ("Overdue", plan.overdue, short_moment),
            (f"{long_day(day)} ({zone})", plan.today, clock),
            (f"Next {upcoming} days", plan.upcoming if upcoming > 0 else (), short_moment),
        )
        for title, items, when in sections:
            if not items:
                continue
            out.write(f"{title}\n")
            for r in items:
                extra = " (snoozed)" if r.snoozed else ""
                note = f"  {r.spec.note}" if r.spec.note else ""
                out.write(
                    f"  {when(r.due):<16} {r.spec.contact_name}{note}{extra}  [#{r.spec.id}]\n"
                )

    return write
