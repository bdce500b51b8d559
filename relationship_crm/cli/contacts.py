"""`contact` (add, list, show, merge, edit, delete) and `trash` (list, restore, empty)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo

import relationship_crm.cli.args as types
from relationship_crm.cli.common import Commands, Common, tell
from relationship_crm.cli.encoders import (
    CONTACT_TABLE,
    contact_json,
    followup_json,
    gift_json,
    iso,
    meeting_json,
    money,
)
from relationship_crm.cli.output import JsonRow, Table, print_json, print_list, print_table
from relationship_crm.domain.enums import Stage
from relationship_crm.domain.records import ContactDraft
from relationship_crm.domain.timefmt import iso_day, long_moment

if TYPE_CHECKING:
    from relationship_crm.services import health
    from relationship_crm.storage.db import Database

STAGES = ", ".join(s.value for s in Stage) + " or one of yours (see `stage list`)"


def register(commands: Commands, common: Common) -> None:
    contact = common.group(commands, "contact", "add, list, show and edit contacts")
    _add_options(common.command(contact, "add", _add, "add a contact; prints its id"))
    _list_options(common.command(contact, "list", _list, "list contacts by name", [common.fmt]))
    _id_option(
        common.command(
            contact,
            "show",
            _show,
            "show a contact with stage history, follow-ups, meetings and gifts",
            [common.fmt],
        )
    )
    _merge_options(
        common.command(
            contact,
            "merge",
            _merge,
            "merge duplicates into one contact: their emails, phones, tags, notes, meetings and "
            "follow-ups move to KEEP_ID, the others go to the trash; prints KEEP_ID",
        )
    )
    _edit_options(
        common.command(contact, "edit", _edit, "change a contact (only the options given)")
    )
    _stage_options(
        common.command(
            contact,
            "stage",
            _stage,
            "move a contact to another stage, dated today or a past day (see `stage list`)",
        )
    )
    _id_option(
        common.command(
            contact,
            "delete",
            _delete,
            "move a contact to the trash (kept 30 days; see `trash`); prints its id",
        )
    )

    bin_ = common.group(commands, "trash", "deleted contacts: kept 30 days, then deleted for good")
    common.command(
        bin_,
        "list",
        _trash_list,
        "list the contacts in the trash, most recently deleted first",
        [common.fmt],
    )
    _id_option(
        common.command(bin_, "restore", _trash_restore, "bring a contact back; prints its id")
    )
    common.command(bin_, "empty", _trash_empty, "delete every contact in the trash for good, now")


# --- contact ----------------------------------------------------------------------------------


def _id_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("contact_id", metavar="CONTACT_ID", type=types.contact_id)


def _add_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", metavar="NAME", help='display name, e.g. "Jane Doe"')
    p.add_argument(
        "--email",
        action="append",
        type=types.labeled,
        default=[],
        help="email address, optionally labelled (work:jane@acme.com); repeatable",
    )
    p.add_argument(
        "--phone",
        action="append",
        type=types.labeled,
        default=[],
        help="phone number, optionally labelled (mobile:+1 555 0100); repeatable",
    )
    _address_option(p)
    p.add_argument("--company", help="company name (created if new)")
    p.add_argument("--title", help="job title")
    p.add_argument(
        "--stage",
        default="prospect",
        metavar="STAGE",
        help=f"one of {STAGES} (default: prospect)",
    )
    p.add_argument("--tag", action="append", default=[], help="tag; repeatable")
    p.add_argument("--given", help="given name (default: guessed from NAME)")
    p.add_argument("--family", help="family name (default: guessed from NAME)")
    p.add_argument(
        "--birthday", help="YYYY-MM-DD, or --MM-DD without the year (write --birthday=--MM-DD)"
    )
    p.add_argument("--notes", help="free notes")


def _address_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--address",
        action="append",
        type=types.address,
        default=[],
        metavar='"LABEL:ADDRESS"',
        help=r'postal address, optionally labelled ("home:12 Main St\nSpringfield, IL 62701"; '
        r"\n starts a new line); repeatable",
    )


def _add(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import contact_fields, contacts

    draft = ContactDraft(
        name=args.name,
        given_name=args.given or "",
        family_name=args.family or "",
        emails=tuple(args.email),
        phones=tuple(args.phone),
        addresses=tuple(args.address),
        company=args.company or "",
        title=args.title or "",
        stage=contact_fields.parse_stage(args.stage),
        tags=tuple(args.tag),
        birthday=args.birthday,
        notes=args.notes or "",
    )
    with db.write() as s:
        new_id = contacts.create(s, draft).id
        same_email = contacts.email_owners(s, [e.value for e in draft.emails], exclude_id=new_id)
    out.write(f"{new_id}\n")
    if same_email:
        tell("warning", contacts.describe_email_owners(same_email))
    return 0


def _list_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stage", metavar="STAGE", help=f"only this stage ({STAGES})")
    p.add_argument("--tag", help="only contacts with this tag")
    p.add_argument(
        "--mine",
        action="store_true",
        help="only your accounts and everyone's (on a team's server database)",
    )


def _list(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import contacts, stages

    with db.read() as s:
        if args.format == "text":  # the table's cells straight from SQL (issue 18)
            # A stage's rows all show that stage: printed from one text, not one a row.
            stage = None if args.stage is None else stages.check_stage(s, args.stage)
            cells = contacts.list_cells(
                s, stage=stage, tag=args.tag, mine=args.mine, stage_cell=stage is None
            )
            if not cells:
                out.write(f"{CONTACT_TABLE.empty}\n")
            else:
                same = None if stage is None else {CONTACT_TABLE.headers.index("STAGE"): stage}
                print_table(cells, CONTACT_TABLE.headers, out, same=same)
            return 0
        found = contacts.list_contacts(
            s, stage=args.stage, tag=args.tag, details=False, mine=args.mine
        )
    print_list(found, args.format, out, to_json=contact_json, text=CONTACT_TABLE)
    return 0


def _show(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import (
        contact_fields,
        contacts,
        followups,
        gifts,
        health,
        meetings,
        research,
        settings,
    )

    with db.read() as s:
        c = contacts.get(s, args.contact_id)
        zone = settings.zone(s)
        upcoming = followups.list_follow_ups(s, contact_id=c.id)
        met = meetings.list_meetings(s, contact_id=c.id, limit=5)
        given = gifts.list_gifts(s, contact_id=c.id)
        notes = research.list_notes(s, contact_id=c.id)
        touch = health.contact_health(s, c.id, on=types.today_in(zone), zone=zone)
    if args.format == "json":
        data = contact_json(c)
        data["addresses"] = [
            {"label": a.label, "value": contact_fields.address_text(a)} for a in c.addresses
        ]
        data["stage_history"] = [
            {"stage": h.stage, "changed_at": iso(h.changed_at)} for h in c.stage_history
        ]
        data["follow_ups"] = [followup_json(f) for f in upcoming]
        data["meetings"] = [meeting_json(m) for m in met]
        data["gifts"] = [gift_json(g) for g in given]
        data["keep_in_touch"] = _rhythm_json(touch)
        data["last_touch"] = touch.last_touch.isoformat() if touch.last_touch else None
        # Several reps (issue 20): give --if-version this to `contact edit` to save safely.
        data["version"] = c.version
        data["owner"] = c.owner
        data["updated_by"] = c.updated_by
        print_json([data], out)
        return 0
    tz = ZoneInfo(zone)
    out.write(f"{c.name}  (#{c.id}, {c.stage})\n")
    if c.title or c.company:
        out.write(f"  {' at '.join(x for x in (c.title, c.company) if x)}\n")
    for e in c.emails:
        out.write(f"  email {e.label + ': ' if e.label else ''}{e.value}\n")
    for p in c.phones:
        out.write(f"  phone {p.label + ': ' if p.label else ''}{p.value}\n")
    for a in c.addresses:
        text = contact_fields.address_text(a).replace("\n", "\n           ")
        out.write(f"  address {a.label + ': ' if a.label else ''}{text}\n")
    if c.tags:
        out.write(f"  tags: {', '.join(c.tags)}\n")
    if c.birthday:
        out.write(f"  birthday: {c.birthday}\n")
    history = " -> ".join(
        f"{h.stage} ({iso_day(h.changed_at.astimezone(tz))})" for h in c.stage_history
    )
    out.write(f"  stage history: {history}\n")
    last = touch.last_touch.isoformat() if touch.last_touch else "none yet"
    out.write(f"  keep in touch: {health.describe(touch)}; last touch: {last}\n")
    if c.notes:
        out.write("  notes: " + c.notes.replace("\n", "\n         ") + "\n")
    for f in upcoming:
        out.write(f"  follow-up #{f.id}: {long_moment(f.due)}  {f.note}\n")
    for m in met:
        out.write(f"  {m.kind.value} #{m.id}: {long_moment(m.starts_at)}  {m.title}\n")
    for n in notes:
        out.write(f"  research {iso_day(n.noted_at.astimezone(tz))}: {n.text.splitlines()[0]}\n")
    for g in given:
        cost = f" ({money(g.cost)} {g.currency})" if g.cost is not None else ""
        out.write(f"  gift {g.given_on}: {g.item}{cost}\n")
    return 0


def _rhythm_json(h: health.ContactHealth) -> JsonRow:
    r = h.rhythm
    return {
        "source": r.source,
        "source_name": r.source_name or None,
        "ideal_days": r.ideal_days,
        "max_days": r.max_days,
        "paused_until": r.paused_until.isoformat() if r.paused_until else None,
        "pause_reason": r.pause_reason or None,
        "state": h.state,
        "days_since_contact": h.days_since_contact,
    }


def _merge_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("keep", metavar="KEEP_ID", type=types.contact_id)
    p.add_argument("others", metavar="OTHER_ID", type=types.contact_id, nargs="+")


def _merge(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    """Fold the other contacts into the kept one; they go to the trash. Prints the kept id."""
    from relationship_crm.services import duplicates

    with db.write() as s:
        duplicates.merge_contacts(s, args.keep, args.others)
    out.write(f"{args.keep}\n")
    return 0


def _edit_options(p: argparse.ArgumentParser) -> None:
    _id_option(p)
    p.add_argument("--name")
    p.add_argument("--company", help='company name; "" removes it')
    p.add_argument("--title")
    p.add_argument("--stage", metavar="STAGE", help="new stage (recorded in the stage history)")
    p.add_argument("--notes", help="replace the notes")
    p.add_argument("--birthday", help='YYYY-MM-DD or --MM-DD; "" removes it')
    p.add_argument("--email", action="append", type=types.labeled, default=[], help="add an email")
    p.add_argument("--remove-email", action="append", default=[], help="remove an email")
    p.add_argument("--phone", action="append", type=types.labeled, default=[], help="add a phone")
    p.add_argument("--remove-phone", action="append", default=[], help="remove a phone")
    _address_option(p)
    p.add_argument(
        "--remove-address",
        action="append",
        default=[],
        metavar="LABEL_OR_ADDRESS",
        help="remove the addresses with this label (or this whole address); repeatable",
    )
    p.add_argument("--tag", action="append", default=[], help="add a tag")
    p.add_argument("--remove-tag", action="append", default=[], help="remove a tag")
    p.add_argument(
        "--owner",
        metavar="LOGIN",
        help='hand the account to this rep (database login); "" makes it everyone\'s',
    )
    p.add_argument(
        "--if-version",
        type=types.version_number,
        metavar="N",
        help="save only if nobody saved the contact since you read version N (`contact show "
        "--format json`); otherwise say who changed it and when",
    )
    opt = p.add_mutually_exclusive_group()
    opt.add_argument(
        "--no-campaigns",
        dest="campaigns",
        action="store_false",
        default=None,
        help="opt out: never take this contact into a campaign",
    )
    opt.add_argument(
        "--campaigns", dest="campaigns", action="store_true", help="take them into campaigns again"
    )


def _edit(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import campaigns, contacts

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
            remove_phones=args.remove_phone,
            add_addresses=args.address,
            remove_addresses=args.remove_address,
            expected_version=args.if_version,
            owner=args.owner,
        )
        if args.campaigns is not None:
            campaigns.set_opt_out(s, args.contact_id, not args.campaigns)
    return 0


def _stage_options(p: argparse.ArgumentParser) -> None:
    _id_option(p)
    p.add_argument("stage", metavar="STAGE", help="the new stage's key (see `stage list`)")
    p.add_argument(
        "--date",
        type=types.day,
        metavar="YYYY-MM-DD",
        help="when it changed (default: now); not in the future, not before the last change",
    )


def _stage(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import contacts

    with db.write() as s:
        contacts.set_stage(s, args.contact_id, args.stage, on=args.date)
    return 0


def _delete(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    """Move a contact to the trash (`trash restore` brings it back); prints its id."""
    from relationship_crm.services import contacts

    with db.write() as s:
        contacts.trash(s, args.contact_id)
    out.write(f"{args.contact_id}\n")
    return 0


# --- the trash --------------------------------------------------------------------------------
# A deleted contact waits in the trash for 30 days (services.trash.KEEP_FOR). The trash commands
# first delete for good those trashed longer ago, as the desktop app does when it starts.


def _trash_list(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import settings, trash

    with db.write() as s:
        trash.purge(s, now=datetime.now(UTC))
        found = trash.list_trash(s)
        zone = ZoneInfo(settings.zone(s))

    def to_json(t: trash.TrashedContact) -> JsonRow:
        return {
            "id": t.id,
            "name": t.name,
            "company": t.company or None,
            "deleted_at": iso(t.deleted_at),
            "purge_after": iso(t.purge_at()),
        }

    table: Table[trash.TrashedContact] = Table(
        headers=("ID", "NAME", "COMPANY", "DELETED", "DELETED FOR GOOD AFTER"),
        cells=lambda t: (
            str(t.id),
            t.name,
            t.company,
            iso_day(t.deleted_at.astimezone(zone)),
            iso_day(t.purge_at().astimezone(zone)),
        ),
        empty="The trash is empty.",
    )
    print_list(found, args.format, out, to_json=to_json, text=table)
    return 0


def _trash_restore(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    """Bring a contact back from the trash; prints its id."""
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
        count = trash.empty_trash(s).value
    out.write(f"Deleted {count} contact{'s' if count != 1 else ''} for good.\n")
    return 0
