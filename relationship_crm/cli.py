"""The `relationship-crm` command line: headless commands over the same services as the app.

Contract (reps' scripts rely on it): commands that create something print the new id alone on
stdout; `--format json` prints a JSON list of objects wherever a list is printed; any error is one
line on stderr and exit status 1, with nothing half-written (each command is one transaction).
This module never imports Qt: only the desktop app (no command) loads it, lazily.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn, TextIO

from relationship_crm import __version__
from relationship_crm.domain.enums import FollowUpStatus, MeetingKind, Stage, ThanksStatus
from relationship_crm.domain.errors import KnownError
from relationship_crm.domain.followups import Reminder
from relationship_crm.domain.records import (
    ContactDraft,
    ContactView,
    FollowUpDraft,
    FollowUpView,
    GiftDraft,
    GiftView,
    Labeled,
    MeetingDraft,
    MeetingView,
)
from relationship_crm.paths import DB_ENV_VAR, AppPaths
from relationship_crm.services import (
    contacts,
    followups,
    gifts,
    meetings,
    note_templates,
    research,
    settings,
    thanks,
)
from relationship_crm.storage.db import Database, open_database

PROG = "relationship-crm"
EXIT_ERROR = 1
EXIT_BUG = 70  # EX_SOFTWARE: not the user's fault

Handler = Callable[[argparse.Namespace, Database, TextIO], int]
# Commands on the database file itself (backup, restore, check) get its path, not an open
# Database: opening would migrate, and they must work on a file the app refuses to open.
FileHandler = Callable[[argparse.Namespace, AppPaths, TextIO], int]


class _Parser(argparse.ArgumentParser):
    """argparse with the app's error contract: one line on stderr, exit status 1."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message} (see --help)\n")


# --- argument types ---------------------------------------------------------------------------


def _record_id(what: str) -> Callable[[str], int]:
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


def _wall_clock(text: str) -> datetime:
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f'{text!r} is not a date and time; use "YYYY-MM-DD HH:MM"')


def _day(text: str) -> date:
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def _positive_minutes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes") from None
    if value < 0:
        raise argparse.ArgumentTypeError("the duration cannot be negative")
    return value


def _labeled(text: str) -> Labeled:
    """ "work:jane@acme.com" -> Labeled("jane@acme.com", "work"); a bare value has no label."""
    head, sep, tail = text.partition(":")
    if sep and head.isalpha() and head.lower() not in {"mailto", "tel"} and tail.strip():
        return Labeled(tail.strip(), head.strip().lower())
    return Labeled(text.strip())


# --- output -----------------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _money(amount: Decimal | None) -> str | None:
    """Two decimals unless the amount has more ("45.50", "0.1234")."""
    if amount is None:
        return None
    return f"{amount:.2f}" if amount == amount.quantize(Decimal("0.01")) else str(amount)


def _contact_json(c: ContactView) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "given_name": c.given_name,
        "family_name": c.family_name,
        "emails": [e.value for e in c.emails],
        "phones": [p.value for p in c.phones],
        "email_details": [{"label": e.label, "value": e.value} for e in c.emails],
        "phone_details": [{"label": p.label, "value": p.value} for p in c.phones],
        "company": c.company or None,
        "title": c.title or None,
        "stage": c.stage.value,
        "tags": list(c.tags),
        "birthday": c.birthday,
        "notes": c.notes,
    }


def _meeting_json(m: MeetingView) -> dict[str, Any]:
    return {
        "id": m.id,
        "kind": m.kind.value,
        "title": m.title,
        "start": _iso(m.starts_at),
        "tz": m.tz,
        "duration_minutes": m.duration_minutes,
        "location": m.location,
        "notes": m.notes,
        "attendees": [{"id": i, "name": n} for i, n in m.attendees],
    }


def _followup_json(f: FollowUpView) -> dict[str, Any]:
    return {
        "followup_id": f.id,
        "id": f.id,
        "contact_id": f.contact_id,
        "contact_name": f.contact_name,
        "meeting_id": f.meeting_id,
        "due": _iso(f.due),
        "tz": f.tz,
        "recurrence": f.rrule,
        "note": f.note,
        "status": f.status.value,
        "snoozed_until": _iso(
            f.snoozed_until.astimezone(f.due.tzinfo) if f.snoozed_until else None
        ),
        "completed_at": _iso(f.completed_at),
    }


def _reminder_json(r: Reminder) -> dict[str, Any]:
    spec = r.spec
    return {
        "followup_id": spec.id,
        "contact_id": spec.contact_id,
        "contact_name": spec.contact_name,
        "due": _iso(r.due),
        "overdue": r.overdue,
        "note": spec.note,
        "snoozed": r.snoozed,
        "meeting_id": spec.meeting_id,
        "recurrence": spec.rrule,
        "tz": spec.tz,
    }


def _gift_json(g: GiftView) -> dict[str, Any]:
    return {
        "id": g.id,
        "contact_id": g.contact_id,
        "contact_name": g.contact_name,
        "item": g.item,
        "cost": _money(g.cost),
        "currency": g.currency,
        "date": g.given_on.isoformat(),
        "occasion": g.occasion,
        "meeting_id": g.meeting_id,
    }


def _print_json(rows: Iterable[dict[str, Any]], out: TextIO) -> None:
    json.dump(list(rows), out, ensure_ascii=False, indent=2)
    out.write("\n")


def _print_table(rows: Sequence[Sequence[str]], headers: Sequence[str], out: TextIO) -> None:
    """Left-aligned columns sized to their content; the last column is not padded."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    for row in [headers, *rows]:
        cells = [str(cell).ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        out.write("  ".join([*cells, str(row[-1])]).rstrip() + "\n")


def _today_in(zone: str) -> date:
    from relationship_crm.scheduling.zones import get_zone

    return datetime.now(get_zone(zone)).date()


def _when(moment: datetime) -> str:
    return moment.strftime("%a %d %b %Y %H:%M %Z")


# --- handlers ---------------------------------------------------------------------------------


def _contact_add(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    draft = ContactDraft(
        name=args.name,
        given_name=args.given or "",
        family_name=args.family or "",
        emails=tuple(args.email),
        phones=tuple(args.phone),
        company=args.company or "",
        title=args.title or "",
        stage=contacts.parse_stage(args.stage),
        tags=tuple(args.tag),
        birthday=args.birthday,
        notes=args.notes or "",
    )
    with db.write() as s:
        new_id = contacts.create(s, draft)
    out.write(f"{new_id}\n")
    return 0


def _contact_edit(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    with db.write() as s:
        contacts.update(
            s,
            args.contact_id,
            name=args.name,
            company=args.company,
            title=args.title,
            stage=args.stage,
            notes=args.notes,
            birthday=args.birthday,
            add_emails=args.email,
            remove_emails=args.remove_email,
            add_phones=args.phone,
            add_tags=args.tag,
            remove_tags=args.remove_tag,
        )
    return 0


def _contact_list(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    with db.read() as s:
        found = contacts.list_contacts(s, stage=args.stage, tag=args.tag)
    _print_contacts(found, args.format, out)
    return 0


def _print_contacts(found: list[ContactView], fmt: str, out: TextIO) -> None:
    if fmt == "json":
        _print_json((_contact_json(c) for c in found), out)
        return
    if not found:
        out.write("No contacts.\n")
        return
    rows = [
        (
            str(c.id),
            c.name,
            c.company,
            c.stage.value,
            ", ".join(e.value for e in c.emails),
            ", ".join(c.tags),
        )
        for c in found
    ]
    _print_table(rows, ("ID", "NAME", "COMPANY", "STAGE", "EMAIL", "TAGS"), out)


def _contact_show(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    with db.read() as s:
        c = contacts.get(s, args.contact_id)
        zone = settings.zone(s)
        upcoming = followups.list_follow_ups(s, contact_id=c.id)
        met = meetings.list_meetings(s, contact_id=c.id, limit=5)
        given = gifts.list_gifts(s, contact_id=c.id)
        notes = research.list_notes(s, contact_id=c.id)
    if args.format == "json":
        data = _contact_json(c)
        data["stage_history"] = [
            {"stage": h.stage.value, "changed_at": _iso(h.changed_at)} for h in c.stage_history
        ]
        data["follow_ups"] = [_followup_json(f) for f in upcoming]
        data["meetings"] = [_meeting_json(m) for m in met]
        data["gifts"] = [_gift_json(g) for g in given]
        _print_json([data], out)
        return 0
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    out.write(f"{c.name}  (#{c.id}, {c.stage.value})\n")
    if c.title or c.company:
        out.write(f"  {' at '.join(x for x in (c.title, c.company) if x)}\n")
    for e in c.emails:
        out.write(f"  email {e.label + ': ' if e.label else ''}{e.value}\n")
    for p in c.phones:
        out.write(f"  phone {p.label + ': ' if p.label else ''}{p.value}\n")
    if c.tags:
        out.write(f"  tags: {', '.join(c.tags)}\n")
    if c.birthday:
        out.write(f"  birthday: {c.birthday}\n")
    history = " -> ".join(
        f"{h.stage.value} ({h.changed_at.astimezone(tz):%Y-%m-%d})" for h in c.stage_history
    )
    out.write(f"  stage history: {history}\n")
    if c.notes:
        out.write("  notes: " + c.notes.replace("\n", "\n         ") + "\n")
    for f in upcoming:
        out.write(f"  follow-up #{f.id}: {_when(f.due)}  {f.note}\n")
    for m in met:
        out.write(f"  {m.kind.value} #{m.id}: {_when(m.starts_at)}  {m.title}\n")
    for n in notes:
        out.write(f"  research {n.noted_at.astimezone(tz):%Y-%m-%d}: {n.text.splitlines()[0]}\n")
    for g in given:
        cost = f" ({_money(g.cost)} {g.currency})" if g.cost is not None else ""
        out.write(f"  gift {g.given_on}: {g.item}{cost}\n")
    return 0


def _meeting_log(args: argparse.Namespace, db: Database, out: TextIO) -> int:
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
        new_id = meetings.log(s, draft)
    out.write(f"{new_id}\n")
    return 0


def _meeting_list(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    with db.read() as s:
        found = meetings.list_meetings(s, contact_id=args.contact, limit=args.limit)
    if args.format == "json":
        _print_json((_meeting_json(m) for m in found), out)
        return 0
    if not found:
        out.write("No meetings.\n")
        return 0
    rows = [
        (
            str(m.id),
            m.starts_at.strftime("%Y-%m-%d %H:%M %Z"),
            m.kind.value,
            m.title,
            ", ".join(n for _, n in m.attendees),
        )
        for m in found
    ]
    _print_table(rows, ("ID", "WHEN", "KIND", "TITLE", "WITH"), out)
    return 0


def _research_add(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    with db.write() as s:
        new_id = research.add(
            s,
            args.text,
            contact_id=args.contact,
            company_id=args.company,
            meeting_id=args.meeting,
            source_url=args.source or "",
        )
    out.write(f"{new_id}\n")
    return 0


def _followup_add(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    with db.write() as s:
        draft = FollowUpDraft(
            contact_id=args.contact_id,
            due_local=args.due,
            tz=args.tz or settings.zone(s),
            note=args.note or "",
            meeting_id=args.meeting,
            cadence=args.every,
        )
        new_id = followups.add(s, draft)
    out.write(f"{new_id}\n")
    return 0


def _followup_done(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    with db.write() as s:
        result = followups.complete(s, args.followup_id)
    if result.next_due is not None:
        sys.stderr.write(f"done; next one is due {_when(result.next_due)}\n")
    return 0


def _followup_snooze(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.scheduling.zones import localize

    with db.write() as s:
        row = followups.get(s, args.followup_id)
        zone = args.tz or row.tz
        followups.snooze(s, args.followup_id, until=localize(args.until, zone))
    return 0


def _followup_cancel(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    with db.write() as s:
        followups.cancel(s, args.followup_id)
    return 0


def _followup_list(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    statuses = tuple(FollowUpStatus) if args.status == "all" else (FollowUpStatus(args.status),)
    with db.read() as s:
        found = followups.list_follow_ups(s, contact_id=args.contact, statuses=statuses)
    if args.format == "json":
        _print_json((_followup_json(f) for f in found), out)
        return 0
    if not found:
        out.write("No follow-ups.\n")
        return 0
    rows = [
        (
            str(f.id),
            "unreadable (run check)" if f.unreadable else _when(f.due),
            f.contact_name,
            f.status.value,
            f.note + (f"  [{f.rrule}]" if f.rrule else ""),
        )
        for f in found
    ]
    _print_table(rows, ("ID", "DUE", "CONTACT", "STATUS", "NOTE"), out)
    return 0


def _today(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.scheduling.zones import get_zone

    with db.read() as s:
        zone = get_zone(args.tz or settings.zone(s)).key
        day = args.date or _today_in(zone)
        plan = followups.agenda(s, day=day, tz=zone, horizon_days=max(args.upcoming, 0))
    if plan.skipped:
        ids = ", ".join(f"#{i}" for i in plan.skipped)
        sys.stderr.write(f"{PROG}: warning: follow-up {ids} not listed (unreadable); run `check`\n")
    listed = [*plan.overdue, *plan.today]
    if args.upcoming > 0:
        listed += plan.upcoming
    if args.format == "json":
        _print_json((_reminder_json(r) for r in listed), out)
        return 0
    if not listed:
        out.write(f"Nothing due on {day:%a %d %b %Y} ({zone}). All caught up.\n")
        return 0
    sections = (
        ("Overdue", plan.overdue, "%a %d %b %H:%M"),
        (f"{day:%a %d %b %Y} ({zone})", plan.today, "%H:%M"),
        (
            f"Next {args.upcoming} days",
            plan.upcoming if args.upcoming > 0 else (),
            "%a %d %b %H:%M",
        ),
    )
    for title, items, fmt in sections:
        if not items:
            continue
        out.write(f"{title}\n")
        for r in items:
            extra = " (snoozed)" if r.snoozed else ""
            note = f"  {r.spec.note}" if r.spec.note else ""
            out.write(
                f"  {r.due.strftime(fmt):<16} {r.spec.contact_name}{note}{extra}  [#{r.spec.id}]\n"
            )
    return 0


def _gift_add(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    cost = gifts.parse_cost(args.cost) if args.cost is not None else None
    with db.write() as s:
        draft = GiftDraft(
            contact_id=args.contact_id,
            item=args.item,
            given_on=args.date or _today_in(settings.zone(s)),
            cost=cost,
            currency=args.currency or "",
            occasion=args.occasion or "",
            meeting_id=args.meeting,
        )
        new_id = gifts.add(s, draft)
    out.write(f"{new_id}\n")
    return 0


def _gift_list(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    with db.read() as s:
        found = gifts.list_gifts(s, contact_id=args.contact_id)
    if args.format == "json":
        _print_json((_gift_json(g) for g in found), out)
        return 0
    if not found:
        out.write("No gifts recorded.\n")
        return 0
    rows = [
        (
            str(g.id),
            g.given_on.isoformat(),
            g.contact_name,
            g.item,
            f"{_money(g.cost)} {g.currency}" if g.cost is not None else "",
            g.occasion,
        )
        for g in found
    ]
    _print_table(rows, ("ID", "DATE", "FOR", "ITEM", "COST", "OCCASION"), out)
    return 0


def _search(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    with db.read() as s:
        found = contacts.search(s, args.query, limit=args.limit)
    _print_contacts(found, args.format, out)
    return 0


def _duplicates(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    """Groups of contacts that look like one person (same email, phone, or name and company)."""
    from relationship_crm.services import duplicates

    with db.read() as s:
        groups = duplicates.find_duplicates(s)
    if args.format == "json":
        _print_json(
            (
                {"contact_ids": list(g.contact_ids), "names": list(g.names), "reason": g.reason}
                for g in groups
            ),
            out,
        )
        return 0
    for g in groups:
        ids = " ".join(str(i) for i in g.contact_ids)
        out.write(f"{ids}  {' / '.join(g.names)}  ({g.reason})\n")
    if not groups:
        sys.stderr.write(f"{PROG}: no duplicates found\n")
    return 0


def _contact_merge(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    """Fold the other contacts into the kept one; they go to the trash. Prints the kept id."""
    from relationship_crm.services import duplicates

    with db.write() as s:
        duplicates.merge_contacts(s, args.keep, args.others)
    out.write(f"{args.keep}\n")
    return 0


# --- the trash --------------------------------------------------------------------------------
# A deleted contact waits in the trash for 30 days (services.trash.KEEP_FOR). The trash commands
# first delete for good those trashed longer ago, as the desktop app does when it starts.


def _contact_delete(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    """Move a contact to the trash (`trash restore` brings it back); prints its id."""
    with db.write() as s:
        contacts.trash(s, args.contact_id)
    out.write(f"{args.contact_id}\n")
    return 0


def _trash_list(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from datetime import UTC
    from zoneinfo import ZoneInfo

    from relationship_crm.services import trash

    with db.write() as s:
        trash.purge(s, now=datetime.now(UTC))
        found = trash.list_trash(s)
        zone = ZoneInfo(settings.zone(s))
    if args.format == "json":
        _print_json(
            (
                {
                    "id": t.id,
                    "name": t.name,
                    "company": t.company or None,
                    "deleted_at": _iso(t.deleted_at),
                    "purge_after": _iso(t.purge_at()),
                }
                for t in found
            ),
            out,
        )
        return 0
    if not found:
        out.write("The trash is empty.\n")
        return 0
    rows = [
        (
            str(t.id),
            t.name,
            t.company,
            f"{t.deleted_at.astimezone(zone):%Y-%m-%d}",
            f"{t.purge_at().astimezone(zone):%Y-%m-%d}",
        )
        for t in found
    ]
    _print_table(rows, ("ID", "NAME", "COMPANY", "DELETED", "DELETED FOR GOOD AFTER"), out)
    return 0


def _trash_restore(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    """Bring a contact back from the trash; prints its id."""
    from datetime import UTC

    from relationship_crm.services import trash

    with db.write() as s:
        trash.purge(s, now=datetime.now(UTC))
        trash.restore(s, args.contact_id)
    out.write(f"{args.contact_id}\n")
    return 0


def _trash_empty(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    """Delete every contact in the trash for good; prints how many went."""
    from relationship_crm.services import trash

    with db.write() as s:
        count = trash.empty_trash(s)
    out.write(f"Deleted {count} contact{'s' if count != 1 else ''} for good.\n")
    return 0


def _sample_data(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    """Fill the database with sample data; prints one summary line."""
    from datetime import UTC, time

    from relationship_crm.scheduling.zones import localize
    from relationship_crm.services import sample_data

    with db.write() as s:
        zone = settings.zone(s)
        if args.today is None:
            today, now = _today_in(zone), datetime.now(UTC)
        else:
            # A given day makes the sample reproducible: "now" is that day's noon.
            today, now = args.today, localize(datetime.combine(args.today, time(12)), zone)
        summary = sample_data.generate(
            s, contacts=args.contacts, seed=args.seed, today=today, tz=zone, now=now
        )
    out.write(f"{summary.describe()}\n")
    return 0


def _config_show(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    with db.read() as s:
        stored = settings.all_settings(s)
        zone = settings.zone(s)
    if args.format == "json":
        rows = [
            {"key": key, "value": stored.get(key), "description": help_text}
            for key, help_text in settings.KNOWN_SETTINGS.items()
        ]
        rows[0]["effective"] = zone  # timezone: what is used when the setting is empty
        _print_json(rows, out)
        return 0
    out.write(f"database: {db.path}\n")
    for key, help_text in settings.KNOWN_SETTINGS.items():
        value = stored.get(key)
        if key == "timezone" and value is None:
            value = f"{zone} (system)"
        out.write(f"{key} = {value if value is not None else ''}\t# {help_text}\n")
    return 0


def _config_set(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    with db.write() as s:
        settings.put(s, args.key, args.value)
    return 0


# --- thank-you notes --------------------------------------------------------------------------


def _thanks_json(note: thanks.ThanksView) -> dict[str, Any]:
    return {
        "id": note.id,
        "meeting_id": note.meeting_id,
        "contact_id": note.contact_id,
        "contact_name": note.contact_name,
        "status": note.status.value,
        "meeting_title": note.meeting_title,
        "meeting_date": note.meeting_day.isoformat() if note.meeting_day else None,
        "template": note.template,
        "edited": note.edited,
        "drafted_at": note.drafted_at.isoformat(),
        "printed_at": note.printed_at.isoformat() if note.printed_at else None,
        "sent_at": note.sent_at.isoformat() if note.sent_at else None,
        "body": note.body,
    }


def _thanks_draft(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    """Draft a note to each attendee who has none yet; prints the new ids, one per line."""
    with db.write() as s:
        ids = thanks.draft_for_meeting(s, args.meeting_id, template=args.template)
    for note_id in ids:
        out.write(f"{note_id}\n")
    if not ids:
        sys.stderr.write(
            f"{PROG}: every attendee of meeting {args.meeting_id} already has a note\n"
        )
    return 0


def _thanks_list(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    with db.read() as s:
        found = thanks.list_notes(s, status=args.status, meeting_id=args.meeting)
    if args.format == "json":
        _print_json((_thanks_json(n) for n in found), out)
        return 0
    if not found:
        out.write("No thank-you notes.\n")
        return 0
    rows = [
        (
            str(n.id),
            n.status.value,
            n.contact_name,
            str(n.meeting_id),
            n.meeting_day.isoformat() if n.meeting_day else "",
            n.meeting_title,
        )
        for n in found
    ]
    _print_table(rows, ("ID", "STATUS", "TO", "MEETING", "DATE", "TITLE"), out)
    return 0


def _thanks_show(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    with db.read() as s:
        note = thanks.get_note(s, args.note_id)
    if args.format == "json":
        _print_json([_thanks_json(note)], out)
        return 0
    day = note.meeting_day.isoformat() if note.meeting_day else ""
    out.write(f"To: {note.contact_name}\nMeeting: {note.meeting_title} ({day})\n")
    out.write(f"Status: {note.status.value}\nTemplate: {note.template}")
    out.write(" (edited by hand)\n\n" if note.edited else "\n\n")
    out.write(note.body + "\n")
    return 0


def _thanks_print(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    """Write the chosen notes to one PDF (one note per page) and mark them printed.

    Everything happens in one transaction: the PDF is written to a temporary file and moved
    into place before the notes are marked, so a failure leaves neither a half PDF nor notes
    marked printed that were not.
    """
    from relationship_crm.services import note_pages

    try:
        from relationship_crm.ui import printing
    except ImportError:
        raise KnownError(
            "printing needs PySide6 (pip install PySide6-Essentials); the other commands "
            "work without it"
        ) from None
    printing.offscreen_application()
    with db.write() as s:
        ids = thanks.notes_to_print(
            s, meeting_id=args.meeting, all_drafts=args.all_drafts, note_ids=args.note_ids
        )
        sheet = note_pages.paper(args.page_size or settings.page_size(s))
        pages, kept = thanks.prepare_pages(s, ids, template=args.template)
        printing.write_pdf(Path(args.pdf), pages, sheet, envelopes=args.envelopes)
        thanks.mark_printed(s, ids)
    for note_id in kept:
        sys.stderr.write(
            f"{PROG}: note {note_id} was edited by hand; it was printed as edited, not from "
            f"{args.template}\n"
        )
    noun = "note" if len(ids) == 1 else "notes"
    extra = " with envelopes" if args.envelopes else ""
    sys.stderr.write(f"{PROG}: {len(ids)} {noun} printed{extra} to {args.pdf} ({sheet.label})\n")
    missing = [p.contact_name for p in pages if args.envelopes and not p.has_address]
    if missing:
        sys.stderr.write(
            f"{PROG}: no postal address for {', '.join(missing)}; "
            "their envelopes carry the name only\n"
        )
    return 0


def _thanks_sent(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    with db.write() as s:
        thanks.mark_sent(s, args.note_ids)
    return 0


def _thanks_templates(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    with db.read() as s:
        found = note_templates.list_templates(s)
    if args.format == "json":
        _print_json(
            (
                {
                    "name": t.name,
                    "description": t.description,
                    "shipped": t.shipped,
                    "customised": t.customised,
                    "body": t.body,
                }
                for t in found
            ),
            out,
        )
        return 0
    rows = [
        (
            t.name,
            "shipped, edited" if t.customised else ("shipped" if t.shipped else "yours"),
            t.description,
        )
        for t in found
    ]
    _print_table(rows, ("NAME", "SOURCE", "DESCRIPTION"), out)
    return 0


# --- export -----------------------------------------------------------------------------------


def _export(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    """Write contacts (vcf, csv), the calendar (ics) or everything (json) to OUT or stdout.

    A file is written to a temporary name beside it and renamed when complete, so an existing
    export is never left half-overwritten.
    """
    from relationship_crm.services import export_files

    with db.read() as s:
        result = export_files.export(s, args.format, vcard_version=args.vcard_version)
    if args.out == "-":
        data = result.data.removeprefix(b"\xef\xbb\xbf")  # no byte-order mark in a pipe
        binary = getattr(out, "buffer", None)
        if binary is None:
            out.write(data.decode("utf-8"))
        else:  # bytes as they are: CRLF line ends must survive on every platform
            out.flush()
            binary.write(data)
            binary.flush()
        return 0
    target = Path(args.out).expanduser()
    export_files.write_atomic(target, result.data)
    sys.stderr.write(f"{PROG}: exported {result.what} to {target}\n")
    return 0


def _import(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    """Import a vCard, CSV or JSON-copy file in one transaction: all of it or nothing.

    A database that already holds data is backed up first (reason "before-import").
    """
    from relationship_crm.services import import_files
    from relationship_crm.storage import backups

    data = import_files.load(Path(args.file).expanduser())
    # A file that reads cleanly is about to be written in: keep a copy of the database first.
    backups.automatic_backup(db.path, reason=backups.BEFORE_IMPORT)
    progress = _terminal_progress("importing") if sys.stderr.isatty() else None
    with db.write() as s:
        result = import_files.import_data(
            s, data, on_duplicate=args.on_duplicate, progress=progress
        )
    if progress is not None:
        sys.stderr.write("\r\033[K")  # clear the progress line
    if args.format == "json":
        json.dump(result.as_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(f"{result.sentence()}\n")
    return 0


def _terminal_progress(what: str) -> Callable[[int, int], None]:
    """A progress callback drawing "importing… 42%" on one terminal line (stderr)."""
    shown = [-1]

    def report(done: int, total: int) -> None:
        percent = done * 100 // total if total else 100
        if percent != shown[0]:
            shown[0] = percent
            sys.stderr.write(f"\r{what}… {percent}%")
            sys.stderr.flush()

    return report


# --- the database file: backup, restore, check ---------------------------------------------------


def _backup(args: argparse.Namespace, paths: AppPaths, out: TextIO) -> int:
    """A manual backup into --to DIR or the backups folder beside the database; prints its path.

    Only the default folder is rotated (its automatic backups); nothing is ever deleted in DIR.
    """
    from datetime import UTC

    from relationship_crm.storage import backups

    now = datetime.now(UTC)
    if args.to is not None:
        made = backups.make_backup(paths.db, folder=Path(args.to).expanduser(), now=now)
    else:
        made = backups.make_backup(paths.db, folder=paths.backups, now=now)
        backups.rotate(paths.backups, now=now, of=paths.db)
    out.write(f"{made}\n")
    return 0


def _restore(args: argparse.Namespace, paths: AppPaths, out: TextIO) -> int:
    """Replace the database with a checked copy of FILE; the current one is kept beside it."""
    from relationship_crm.storage import backups

    source = Path(args.file).expanduser()
    kept = backups.restore(paths.db, source)
    aside = f"; the previous database is kept as {kept}" if kept else ""
    sys.stderr.write(f"{PROG}: restored {source} to {paths.db}{aside}\n")
    return 0


def _check(args: argparse.Namespace, paths: AppPaths, out: TextIO) -> int:
    """Print each problem found, then a summary line; exit status 1 if there is any problem."""
    from relationship_crm.services import integrity

    if args.repair:
        from relationship_crm.services.repair import repair

        done = repair(paths.db, backup_folder=paths.backups)
        for line in ([f"backup: {done.backup}"] if done.backup else []) + list(done.fixed):
            out.write(f"repaired: {line}\n" if not line.startswith("backup") else f"{line}\n")
        for problem in done.after.problems:
            out.write(f"left: {problem}\n")
        out.write(f"{done.after.summary()}\n")
        return 0 if done.ok else EXIT_ERROR
    report = integrity.run(paths.db)
    for problem in report.problems:
        out.write(f"{problem}\n")
    out.write(f"{report.summary()}\n")
    return 0 if report.ok else EXIT_ERROR


# --- parser -----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (also used to document the commands)."""
    db_parent = _Parser(add_help=False)
    db_parent.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help=f"database file (default: ${DB_ENV_VAR} or crm.sqlite3 in your data folder)",
    )
    fmt_parent = _Parser(add_help=False)
    fmt_parent.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people (default) or json for scripts",
    )
    contact_id = _record_id("contact")
    meeting_id = _record_id("meeting")
    followup_id = _record_id("follow-up")

    parser = _Parser(
        prog=PROG,
        description="Relationship CRM: contacts, meetings, follow-ups and gifts for sales reps. "
        "With no command, opens the desktop app.",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=None,
        help=f"database file (default: ${DB_ENV_VAR} or crm.sqlite3 in your data folder)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(
        group: Any,
        name: str,
        handler: Handler,
        help_text: str,
        parents: Sequence[argparse.ArgumentParser] = (),
    ) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = group.add_parser(
            name, help=help_text, description=help_text, parents=[db_parent, *parents]
        )
        sub.set_defaults(handler=handler)
        return sub

    def file_command(name: str, handler: FileHandler, help_text: str) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = commands.add_parser(
            name, help=help_text, description=help_text, parents=[db_parent]
        )
        sub.set_defaults(file_handler=handler)
        return sub

    def group(name: str, help_text: str) -> Any:
        sub = commands.add_parser(name, help=help_text, description=help_text, parents=[db_parent])
        return sub.add_subparsers(dest="action", metavar="ACTION", required=True)

    stages = [s.value for s in Stage]

    # contact
    contact = group("contact", "add, list, show and edit contacts")
    p = command(contact, "add", _contact_add, "add a contact; prints its id")
    p.add_argument("name", metavar="NAME", help='display name, e.g. "Jane Doe"')
    p.add_argument(
        "--email",
        action="append",
        type=_labeled,
        default=[],
        help="email address, optionally labelled (work:jane@acme.com); repeatable",
    )
    p.add_argument(
        "--phone",
        action="append",
        type=_labeled,
        default=[],
        help="phone number, optionally labelled (mobile:+1 555 0100); repeatable",
    )
    p.add_argument("--company", help="company name (created if new)")
    p.add_argument("--title", help="job title")
    p.add_argument(
        "--stage",
        default="prospect",
        metavar="STAGE",
        help=f"one of {', '.join(stages)} (default: prospect)",
    )
    p.add_argument("--tag", action="append", default=[], help="tag; repeatable")
    p.add_argument("--given", help="given name (default: guessed from NAME)")
    p.add_argument("--family", help="family name (default: guessed from NAME)")
    p.add_argument(
        "--birthday", help="YYYY-MM-DD, or --MM-DD without the year (write --birthday=--MM-DD)"
    )
    p.add_argument("--notes", help="free notes")

    p = command(contact, "list", _contact_list, "list contacts by name", [fmt_parent])
    p.add_argument("--stage", metavar="STAGE", help=f"only this stage ({', '.join(stages)})")
    p.add_argument("--tag", help="only contacts with this tag")

    p = command(
        contact,
        "show",
        _contact_show,
        "show a contact with stage history, follow-ups, meetings and gifts",
        [fmt_parent],
    )
    p.add_argument("contact_id", metavar="CONTACT_ID", type=contact_id)

    p = command(
        contact,
        "merge",
        _contact_merge,
        "merge duplicates into one contact: their emails, phones, tags, notes, meetings and "
        "follow-ups move to KEEP_ID, the others go to the trash; prints KEEP_ID",
    )
    p.add_argument("keep", metavar="KEEP_ID", type=contact_id)
    p.add_argument("others", metavar="OTHER_ID", type=contact_id, nargs="+")
    p = command(contact, "edit", _contact_edit, "change a contact (only the options given)")
    p.add_argument("contact_id", metavar="CONTACT_ID", type=contact_id)
    p.add_argument("--name")
    p.add_argument("--company", help='company name; "" removes it')
    p.add_argument("--title")
    p.add_argument("--stage", metavar="STAGE", help="new stage (recorded in the stage history)")
    p.add_argument("--notes", help="replace the notes")
    p.add_argument("--birthday", help='YYYY-MM-DD or --MM-DD; "" removes it')
    p.add_argument("--email", action="append", type=_labeled, default=[], help="add an email")
    p.add_argument("--remove-email", action="append", default=[], help="remove an email")
    p.add_argument("--phone", action="append", type=_labeled, default=[], help="add a phone")
    p.add_argument("--tag", action="append", default=[], help="add a tag")
    p.add_argument("--remove-tag", action="append", default=[], help="remove a tag")
    p = command(
        contact,
        "delete",
        _contact_delete,
        "move a contact to the trash (kept 30 days; see `trash`); prints its id",
    )
    p.add_argument("contact_id", metavar="CONTACT_ID", type=contact_id)

    # trash
    bin_ = group("trash", "deleted contacts: kept 30 days, then deleted for good")
    command(
        bin_,
        "list",
        _trash_list,
        "list the contacts in the trash, most recently deleted first",
        [fmt_parent],
    )
    p = command(bin_, "restore", _trash_restore, "bring a contact back; prints its id")
    p.add_argument("contact_id", metavar="CONTACT_ID", type=contact_id)
    command(bin_, "empty", _trash_empty, "delete every contact in the trash for good, now")

    # meeting
    meeting = group("meeting", "log and list meetings, calls, lunches and events")
    p = command(meeting, "log", _meeting_log, "log a meeting with its attendees; prints its id")
    p.add_argument("--title", required=True)
    p.add_argument(
        "--at",
        required=True,
        type=_wall_clock,
        metavar='"YYYY-MM-DD HH:MM"',
        help="local start time",
    )
    p.add_argument("--tz", metavar="ZONE", help="IANA time zone of --at (default: your zone)")
    p.add_argument(
        "--with",
        dest="with_",
        action="append",
        type=contact_id,
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
        "--duration", type=_positive_minutes, default=0, metavar="MIN", help="length in minutes"
    )
    p.add_argument("--location")
    p.add_argument("--notes")
    p.add_argument("--research", metavar="TEXT", help="research notes for this meeting")

    p = command(meeting, "list", _meeting_list, "list meetings, newest first", [fmt_parent])
    p.add_argument(
        "--contact",
        type=contact_id,
        metavar="CONTACT_ID",
        help="only meetings this contact attended",
    )
    p.add_argument("--limit", type=int, default=None)

    # research
    res = group("research", "research notes about a contact, company or meeting")
    p = command(res, "add", _research_add, "add a research note; prints its id")
    p.add_argument("text", metavar="TEXT")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--contact", type=contact_id, metavar="CONTACT_ID")
    target.add_argument("--company", type=_record_id("company"), metavar="COMPANY_ID")
    target.add_argument("--meeting", type=meeting_id, metavar="MEETING_ID")
    p.add_argument("--source", metavar="URL", help="where the information came from")

    # followup
    fu = group("followup", "schedule, complete, snooze and cancel follow-ups")
    p = command(fu, "add", _followup_add, "schedule a follow-up; prints its id")
    p.add_argument("contact_id", metavar="CONTACT_ID", type=contact_id)
    p.add_argument("--due", required=True, type=_wall_clock, metavar='"YYYY-MM-DD HH:MM"')
    p.add_argument("--tz", metavar="ZONE", help="IANA time zone of --due (default: your zone)")
    p.add_argument("--note")
    p.add_argument("--meeting", type=meeting_id, metavar="ID", help="the meeting it came from")
    p.add_argument(
        "--every",
        metavar="RULE",
        help="repeat: an RRULE (FREQ=MONTHLY;INTERVAL=3) or words ('2 weeks', "
        "'3 months', 'every Monday')",
    )
    p = command(
        fu, "done", _followup_done, "mark a follow-up done (a recurring one moves to its next date)"
    )
    p.add_argument("followup_id", metavar="ID", type=followup_id)
    p = command(fu, "snooze", _followup_snooze, "put a follow-up off until a later time")
    p.add_argument("followup_id", metavar="ID", type=followup_id)
    p.add_argument("--until", required=True, type=_wall_clock, metavar='"YYYY-MM-DD HH:MM"')
    p.add_argument("--tz", metavar="ZONE", help="zone of --until (default: the follow-up's)")
    p = command(fu, "cancel", _followup_cancel, "cancel a follow-up")
    p.add_argument("followup_id", metavar="ID", type=followup_id)
    p = command(fu, "list", _followup_list, "list follow-ups in due order", [fmt_parent])
    p.add_argument("--contact", type=contact_id, metavar="CONTACT_ID")
    p.add_argument("--status", choices=[*(s.value for s in FollowUpStatus), "all"], default="open")

    # today
    p = command(
        commands,
        "today",
        _today,
        "the daily list: overdue follow-ups, then those due today",
        [fmt_parent],
    )
    p.add_argument("--date", type=_day, metavar="YYYY-MM-DD", help="another day (default: today)")
    p.add_argument("--tz", metavar="ZONE", help="zone to show the day in (default: your zone)")
    p.add_argument(
        "--upcoming",
        type=int,
        default=0,
        metavar="DAYS",
        help="also list what is due in the next DAYS days",
    )

    # gift
    gift = group("gift", "record and list gifts and hospitality")
    p = command(gift, "add", _gift_add, "record a gift; prints its id")
    p.add_argument("contact_id", metavar="CONTACT_ID", type=contact_id)
    p.add_argument("--item", required=True, metavar="TEXT")
    p.add_argument("--cost", metavar="AMOUNT", help="e.g. 45.50")
    p.add_argument("--currency", metavar="CUR", help="ISO code such as EUR (default: setting)")
    p.add_argument("--date", type=_day, metavar="YYYY-MM-DD", help="default: today")
    p.add_argument("--occasion", metavar="TEXT")
    p.add_argument("--meeting", type=meeting_id, metavar="ID")
    p = command(gift, "list", _gift_list, "list gifts, newest first", [fmt_parent])
    p.add_argument("contact_id", metavar="CONTACT_ID", type=contact_id, nargs="?")

    # thanks
    note_id = _record_id("thank-you note")
    th = group("thanks", "thank-you notes: draft, list, print to PDF, mark sent, templates")
    p = command(
        th, "draft", _thanks_draft, "draft a note to each attendee of a meeting; prints new ids"
    )
    p.add_argument("meeting_id", metavar="MEETING_ID", type=meeting_id)
    p.add_argument(
        "--template", metavar="NAME", help="template to use (default: the one for its kind)"
    )
    p = command(th, "list", _thanks_list, "list thank-you notes, oldest first", [fmt_parent])
    p.add_argument(
        "--status", choices=[st.value for st in ThanksStatus], help="only notes in this status"
    )
    p.add_argument("--meeting", type=meeting_id, metavar="ID", help="only this meeting's notes")
    p = command(th, "show", _thanks_show, "show one note's text", [fmt_parent])
    p.add_argument("note_id", metavar="NOTE_ID", type=note_id)
    p = command(
        th,
        "print",
        _thanks_print,
        "write notes to a PDF, one per page, and mark them printed",
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--meeting", type=meeting_id, metavar="ID", help="a meeting's notes")
    which.add_argument("--all-drafts", action="store_true", help="every note still a draft")
    which.add_argument("note_ids", metavar="NOTE_ID", type=note_id, nargs="*", default=[])
    p.add_argument("--pdf", required=True, metavar="OUT.pdf", help="the PDF file to write")
    p.add_argument(
        "--template", metavar="NAME", help="fill the notes from this template (hand edits kept)"
    )
    p.add_argument(
        "--page-size",
        choices=("a4", "letter", "a6", "card"),
        help="paper: a4, letter, a6 or card (4.25x5.5 in); default: the page_size setting",
    )
    p.add_argument("--envelopes", action="store_true", help="add an envelope page after each note")
    p = command(th, "sent", _thanks_sent, "mark notes as sent")
    p.add_argument("note_ids", metavar="NOTE_ID", type=note_id, nargs="+")
    command(th, "templates", _thanks_templates, "list the note templates", [fmt_parent])

    # import
    p = command(
        commands,
        "import",
        _import,
        "import contacts from vCard (2.1, 3.0, 4.0), Google/Outlook/LinkedIn CSV or a JSON copy; "
        "all of the file or nothing",
        [fmt_parent],
    )
    p.add_argument("file", metavar="FILE", help=".vcf, .csv or a .json copy from export")
    p.add_argument(
        "--on-duplicate",
        choices=("skip", "merge", "add"),
        default="skip",
        help="a contact with the same email, phone, or name and company: skip it (default), "
        "merge what is new into it, or add it anyway",
    )

    # export
    p = command(
        commands,
        "export",
        _export,
        "write contacts (vcf, csv), follow-ups and meetings (ics) or everything (json) to a file",
    )
    p.add_argument(
        "--format",
        required=True,
        choices=("vcf", "csv", "ics", "json"),
        help="vcf: vCard contacts; csv: one row per contact, formulas neutralised; ics: open "
        "follow-ups and upcoming meetings for calendars; json: everything, importable again",
    )
    p.add_argument("out", metavar="OUT", help='file to write, or "-" for standard output')
    p.add_argument(
        "--vcard-version",
        choices=("4.0", "3.0"),
        default="4.0",
        help="vCard version for --format vcf (3.0 for older clients; default 4.0)",
    )

    # duplicates
    command(
        commands,
        "duplicates",
        _duplicates,
        "list contacts that look like one person (same email, phone, or name and company)",
        [fmt_parent],
    )

    # search
    p = command(
        commands,
        "search",
        _search,
        "find contacts by name, email, company or notes (any case, any accents)",
        [fmt_parent],
    )
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--limit", type=int, default=50)

    # sample-data
    def sample_count(text: str) -> int:
        from relationship_crm.services.sample_data import MAX_CONTACTS

        try:
            value = int(text)
        except ValueError:
            value = 0
        if not 1 <= value <= MAX_CONTACTS:
            raise argparse.ArgumentTypeError(
                f"expected a number of contacts from 1 to {MAX_CONTACTS:,}, not {text!r}"
            )
        return value

    p = command(
        commands,
        "sample-data",
        _sample_data,
        "add realistic sample contacts, companies, meetings, follow-ups, notes and gifts",
    )
    p.add_argument(
        "--contacts", required=True, type=sample_count, metavar="N", help="how many: 1 to 1,000,000"
    )
    p.add_argument("--seed", type=int, default=0, help="same seed, same data (default: 0)")
    # For reproducible tests and demos: the day the sample's dates are placed around.
    p.add_argument("--today", type=_day, default=None, help=argparse.SUPPRESS)

    # backup, restore, check
    p = file_command(
        "backup",
        _backup,
        "back up the database now (consistent even while the app is open); prints the new file",
    )
    p.add_argument(
        "--to",
        metavar="DIR",
        help="folder to write the backup to (default: the backups folder beside the database)",
    )
    p = file_command(
        "restore",
        _restore,
        "replace the database with a backup, after checking it; the current database is kept "
        "beside it under a new name (close the app first)",
    )
    p.add_argument("file", metavar="FILE", help="the backup file (.sqlite3) to restore")
    p = file_command(
        "check",
        _check,
        "check the database: SQLite's integrity and foreign-key checks and the app's own; "
        "prints each problem and exits with status 1 if there is any (reads only)",
    )
    p.add_argument(
        "--repair",
        action="store_true",
        help="fix what can be recomputed safely (after a backup); print what was left",
    )

    # config
    cfg = group("config", "show or change settings (time zone, currency, your name...)")
    command(cfg, "show", _config_show, "show all settings", [fmt_parent])
    p = command(cfg, "set", _config_set, 'change a setting ("" resets it)')
    p.add_argument(
        "key",
        choices=list(settings.KNOWN_SETTINGS),
        metavar="KEY",
        help=", ".join(settings.KNOWN_SETTINGS),
    )
    p.add_argument("value", metavar="VALUE")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `relationship-crm` and `python -m relationship_crm`."""
    parser = build_parser()
    args = parser.parse_args(argv)
    paths = AppPaths.resolve(args.db)
    if args.command is None:
        return _launch_app(paths, parser)
    try:
        file_handler: FileHandler | None = getattr(args, "file_handler", None)
        if file_handler is not None:
            file_code = file_handler(args, paths, sys.stdout)
            sys.stdout.flush()
            return file_code
        db = open_database(paths.db)
        try:
            code: int = args.handler(args, db, sys.stdout)
        finally:
            db.close()
        sys.stdout.flush()
        return code
    except KnownError as exc:
        sys.stderr.write(f"{PROG}: error: {exc}\n")
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (| head): not an error worth a message.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted; nothing was changed\n")
        return 130
    except Exception as exc:  # a bug: one line, details on request
        if os.environ.get("RELATIONSHIP_CRM_DEBUG"):
            raise
        sys.stderr.write(
            f"{PROG}: internal error ({type(exc).__name__}: {exc}); nothing was changed. "
            "Set RELATIONSHIP_CRM_DEBUG=1 for details.\n"
        )
        return EXIT_BUG


def _launch_app(paths: AppPaths, parser: argparse.ArgumentParser) -> int:
    import importlib.util

    if importlib.util.find_spec("PySide6") is None:
        sys.stderr.write(
            f"{PROG}: error: the desktop app needs PySide6 (pip install PySide6-Essentials); "
            "the commands work without it (see --help)\n"
        )
        return EXIT_ERROR
    from relationship_crm import app

    return app.main(paths)


if __name__ == "__main__":
    sys.exit(main())
