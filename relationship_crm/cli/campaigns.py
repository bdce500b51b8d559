"""`campaign`: micro-campaigns (create over a segment, list, show, print letters and labels,
outcomes, members) and `contact edit --campaigns/--no-campaigns` lives with `contact`."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import relationship_crm.cli.args as types
from relationship_crm.cli.common import PROG, Commands, Common, note_wall_time, tell
from relationship_crm.cli.encoders import TEMPLATE_TABLE, iso, money, template_json
from relationship_crm.cli.output import JsonRow, Table, print_json, print_list
from relationship_crm.domain.errors import KnownError
from relationship_crm.domain.vocabulary import OUTCOMES

if TYPE_CHECKING:
    from relationship_crm.services.campaign_results import CampaignResults, MemberView
    from relationship_crm.services.campaigns import SegmentMember
    from relationship_crm.storage.db import Database

WALL_CLOCK = '"YYYY-MM-DD HH:MM"'
campaign_id = types.record_id("campaign")


def register(commands: Commands, common: Common) -> None:
    cp = common.group(
        commands, "campaign", "micro-campaigns: a letter and a follow-up per member, results"
    )
    _create_options(
        common.command(
            cp,
            "create",
            _create,
            "create a campaign over a segment; prints its id (--dry-run: the members)",
            [common.fmt],
        )
    )
    common.command(cp, "list", _list, "list campaigns with their results", [common.fmt])
    _id_option(common.command(cp, "show", _show, "show a campaign and its members", [common.fmt]))
    _print_options(
        common.command(
            cp, "print", _print, "write the letters to a PDF, one per page, and mark them printed"
        )
    )
    _labels_options(
        common.command(
            cp,
            "labels",
            _labels,
            "write address labels to a PDF (members without an address are listed)",
            [common.fmt],
        )
    )
    _outcome_options(common.command(cp, "outcome", _outcome, "set what came of a member"))
    _member_options(
        common.command(
            cp, "add-member", _add_member, "add a contact by hand (letter and follow-up too)"
        )
    )
    _member_options(
        common.command(
            cp,
            "remove-member",
            _remove_member,
            "take a member out (their letter goes, their open follow-up is cancelled)",
        )
    )
    _id_option(common.command(cp, "mark-sent", _mark_sent, "mark the printed letters sent"))
    _edit_options(
        common.command(
            cp,
            "edit",
            _edit,
            "correct a campaign's name, cost or currency (only the options given)",
        )
    )
    _id_option(
        common.command(
            cp,
            "delete",
            _delete,
            "delete a campaign and its letters; its open follow-ups are cancelled",
        )
    )
    common.command(cp, "templates", _templates, "list the campaign letter templates", [common.fmt])


def _id_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("campaign_id", metavar="ID", type=campaign_id)


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount such as 120.50") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount such as 120.50")
    return value


def _create_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", metavar="NAME")
    p.add_argument("--template", required=True, metavar="NAME", help="campaign letter template")
    p.add_argument("--stage", action="append", default=[], metavar="S", help="repeatable")
    p.add_argument("--tag", action="append", default=[], metavar="T", help="repeatable")
    p.add_argument("--company", action="append", default=[], metavar="C", help="repeatable")
    p.add_argument(
        "--not-contacted-since",
        type=types.day,
        metavar="YYYY-MM-DD",
        help="only contacts with no meeting on or after this day",
    )
    p.add_argument("--has-address", action="store_true", help="only contacts with an address")
    p.add_argument(
        "--keep-in-touch",
        action="append",
        default=[],
        choices=("drifting", "lost"),
        help="only contacts drifting or lost from their keep-in-touch rhythm (repeatable)",
    )
    p.add_argument(
        "--follow-up",
        type=types.wall_clock,
        metavar=WALL_CLOCK,
        help="a follow-up with each member at this time (default: none)",
    )
    p.add_argument("--tz", metavar="ZONE", help="IANA zone of --follow-up (default: your zone)")
    p.add_argument("--topic", default="", metavar="TEXT", help="the topic or offer text")
    p.add_argument("--cost", type=_amount, metavar="AMOUNT", help="in your currency setting")
    p.add_argument("--dry-run", action="store_true", help="list the members; create nothing")


def _member_json(m: SegmentMember) -> JsonRow:
    return {
        "contact_id": m.contact_id,
        "contact_name": m.name,
        "company": m.company,
        "stage": m.stage,
        "has_address": m.has_address,
    }


MEMBER_TABLE: Table[SegmentMember] = Table(
    headers=("CONTACT", "NAME", "COMPANY", "STAGE", "ADDRESS"),
    cells=lambda m: (
        str(m.contact_id),
        m.name,
        m.company,
        m.stage,
        "yes" if m.has_address else "no",
    ),
    empty="No contacts in this segment.",
)


def _create(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import campaigns, note_templates, settings
    from relationship_crm.services.campaigns import CampaignDraft, Segment

    segment = Segment(
        stages=frozenset(args.stage),
        tags=frozenset(args.tag),
        companies=frozenset(args.company),
        not_contacted_since=args.not_contacted_since,
        has_address=args.has_address,
        keep_in_touch=frozenset(args.keep_in_touch),
    )
    if args.tz and args.follow_up is None:
        raise KnownError("--tz needs --follow-up")
    if args.dry_run:
        with db.read() as s:
            note_templates.get_template(s, args.template, note_templates.CAMPAIGN)
            preview = campaigns.preview_segment(s, segment)
        print_list(preview.members, args.format, out, to_json=_member_json, text=MEMBER_TABLE)
        if args.format != "json":
            noun = "contact" if preview.count == 1 else "contacts"
            sys.stderr.write(f"{PROG}: dry run: {preview.count} {noun}; nothing was created\n")
        return 0
    with db.write() as s:
        zone = args.tz or settings.zone(s)
        draft = CampaignDraft(
            name=args.name,
            template=args.template,
            segment=segment,
            topic=args.topic,
            cost=args.cost,
            follow_up_local=args.follow_up,
            follow_up_tz=zone if args.follow_up is not None else None,
        )
        new_id = campaigns.create(s, draft).id
    out.write(f"{new_id}\n")
    if args.follow_up is not None:
        note_wall_time(args.follow_up, zone)
    return 0


def _campaign_json(c: CampaignResults) -> JsonRow:
    return {
        "id": c.id,
        "name": c.name,
        "created": iso(c.created_at),
        "members": c.members,
        "drafts": c.drafts,
        "printed": c.printed,
        "sent": c.sent,
        "followups_done": c.followups_done,
        "responses": c.responses,
        "meetings_after": c.meetings_after,
        "stage_moves": c.stage_moves,
        "deals": c.deals,
        "cost": money(c.cost),
        "first_result_days": c.first_result_days,
        "currency": c.currency,
        "cost_per_response": money(c.cost_per_response),
    }


CAMPAIGN_TABLE: Table[CampaignResults] = Table(
    headers=("ID", "CREATED", "MEMBERS", "SENT", "RESPONSES", "DEALS", "COST", "NAME"),
    cells=lambda c: (
        str(c.id),
        c.created_at.date().isoformat(),
        str(c.members),
        str(c.sent),
        str(c.responses),
        str(c.deals),
        f"{money(c.cost)} {c.currency}" if c.cost is not None else "",
        c.name,
    ),
    empty="No campaigns.",
)


def _list(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import campaign_results

    with db.read() as s:
        found = campaign_results.list_campaigns(s)
    print_list(found, args.format, out, to_json=_campaign_json, text=CAMPAIGN_TABLE)
    return 0


def _member_view_json(m: MemberView) -> JsonRow:
    return {
        "contact_id": m.contact_id,
        "contact_name": m.contact_name,
        "company": m.company,
        "letter_status": m.letter_status,
        "followup_id": m.followup_id,
        "followup_status": m.followup_status,
        "outcome": m.outcome,
        "suggested_outcome": m.suggested_outcome,
        "added_by_hand": m.added_by_hand,
        "edited": m.edited,
        "has_address": m.has_address,
        "letter": m.body,
    }


def _show(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import campaign_results
    from relationship_crm.services.campaign_results import MemberView

    with db.read() as s:
        page = campaign_results.get_campaign(s, args.campaign_id)
    c = page.results
    if args.format == "json":
        row = _campaign_json(c)
        row.update(
            {
                "topic": c.topic,
                "template": c.template,
                "follow_up": c.follow_up_local.strftime("%Y-%m-%dT%H:%M")
                if c.follow_up_local is not None
                else None,
                "follow_up_tz": c.follow_up_tz,
                "outcomes": c.outcomes,
                "members_list": [_member_view_json(m) for m in page.members],
            }
        )
        print_json([row], out)
        return 0
    out.write(f"Campaign {c.id}: {c.name}\nTemplate: {c.template}\n")
    if c.topic:
        out.write(f"Topic: {c.topic}\n")
    if c.follow_up_local is not None:
        out.write(f"Follow-up: {c.follow_up_local:%Y-%m-%d %H:%M} {c.follow_up_tz}\n")
    cost = f"{money(c.cost)} {c.currency}" if c.cost is not None else "none"
    per = f"{money(c.cost_per_response)} {c.currency}" if c.cost_per_response is not None else "-"
    days = str(c.first_result_days) if c.first_result_days is not None else "-"
    out.write(
        f"Members: {c.members}  drafts {c.drafts}, printed {c.printed}, sent {c.sent}\n"
        f"Follow-ups done: {c.followups_done}  responses: {c.responses}  meetings after: "
        f"{c.meetings_after}  stage advances: {c.stage_moves}  deals: {c.deals}\n"
        f"Cost: {cost}  per response: {per}  days to first result: {days}\n\n"
    )
    Table[MemberView](
        headers=("CONTACT", "NAME", "LETTER", "FOLLOW-UP", "OUTCOME", "SUGGESTED"),
        cells=lambda m: (
            str(m.contact_id),
            m.contact_name,
            m.letter_status + (" (edited)" if m.edited else ""),
            f"{m.followup_id} {m.followup_status}" if m.followup_id is not None else "",
            m.outcome or "",
            m.suggested_outcome or "",
        ),
        empty="No members.",
    ).write(page.members, out)
    return 0


def _load_printing() -> None:
    # Qt only here (pyproject.toml's import-linter contract lists this lazy import).
    try:
        from relationship_crm.ui import printing
    except ImportError:
        raise KnownError(
            "printing needs PySide6 (pip install 'relationship-crm[desktop]'); the other "
            "commands work without it"
        ) from None
    printing.offscreen_application()


def _print_options(p: argparse.ArgumentParser) -> None:
    _id_option(p)
    p.add_argument(
        "--pdf", required=True, type=types.pdf_file, metavar="OUT.pdf", help="the PDF file to write"
    )
    p.add_argument("--envelopes", action="store_true", help="an envelope page after each letter")
    p.add_argument(
        "--page-size",
        choices=("a4", "letter", "a6", "card"),
        help="paper: a4, letter, a6 or card; default: the page_size setting",
    )


def _print(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    """Write every member's letter (as stored) to one PDF and mark them printed, all or nothing."""
    from relationship_crm.services import campaign_letters, note_pages, settings

    _load_printing()
    from relationship_crm.ui import printing

    with db.write() as s:
        pages = campaign_letters.letter_pages(s, args.campaign_id)
        if not pages:
            raise KnownError(f"campaign {args.campaign_id} has no members to print for")
        sheet = note_pages.paper(args.page_size or settings.page_size(s))
        printing.write_pdf(
            Path(args.pdf), pages, sheet, envelopes=args.envelopes, title="Campaign letters"
        )
        campaign_letters.mark_printed(s, args.campaign_id)
    noun = "letter" if len(pages) == 1 else "letters"
    extra = " with envelopes" if args.envelopes else ""
    sys.stderr.write(f"{PROG}: {len(pages)} {noun} printed{extra} to {args.pdf} ({sheet.label})\n")
    missing = [p.contact_name for p in pages if args.envelopes and not p.has_address]
    if missing:
        tell("note", f"no postal address for {', '.join(missing)}; their envelopes carry the name")
    return 0


def _labels_options(p: argparse.ArgumentParser) -> None:
    _id_option(p)
    p.add_argument(
        "--pdf", required=True, type=types.pdf_file, metavar="OUT.pdf", help="the PDF file to write"
    )
    p.add_argument("--sheet", required=True, choices=("l7163", "5160"), help="the label sheet")


def _labels(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    """Labels for the members with an address; the others are listed (stderr, or JSON)."""
    from relationship_crm.services import campaign_letters, label_sheets

    _load_printing()
    from relationship_crm.ui import printing

    sheet = label_sheets.label_sheet(args.sheet)
    with db.read() as s:
        found, skipped = campaign_letters.labels(s, args.campaign_id)
    if not found:
        raise KnownError(f"no member of campaign {args.campaign_id} has a postal address")
    printing.write_labels_pdf(Path(args.pdf), [label.lines for label in found], sheet)
    if args.format == "json":
        print_json(
            [
                {"labels": len(found), "sheet": sheet.key, "pdf": args.pdf}
                | {"skipped": [_member_json(m) for m in skipped]}
            ],
            out,
        )
        return 0
    noun = "label" if len(found) == 1 else "labels"
    sys.stderr.write(f"{PROG}: {len(found)} {noun} written to {args.pdf} ({sheet.label})\n")
    for member in skipped:
        tell("skipped", f"{member.name} (contact {member.contact_id}) has no postal address")
    return 0


def _outcome_options(p: argparse.ArgumentParser) -> None:
    _id_option(p)
    p.add_argument("contact_id", metavar="CONTACT_ID", type=types.contact_id)
    p.add_argument("outcome", metavar="OUTCOME", help=", ".join(OUTCOMES))


def _outcome(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import campaigns

    with db.write() as s:
        campaigns.set_outcome(s, args.campaign_id, args.contact_id, args.outcome)
    return 0


def _member_options(p: argparse.ArgumentParser) -> None:
    _id_option(p)
    p.add_argument("contact_id", metavar="CONTACT_ID", type=types.contact_id)


def _add_member(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import campaigns

    with db.write() as s:
        campaigns.add_member(s, args.campaign_id, args.contact_id)
    return 0


def _remove_member(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import campaigns

    with db.write() as s:
        changes = campaigns.remove_member(s, args.campaign_id, args.contact_id)
    if changes.follow_ups:
        tell("note", "their open follow-up was cancelled")
    return 0


def _mark_sent(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import campaign_letters

    with db.write() as s:
        moved = campaign_letters.mark_sent(s, args.campaign_id).value
    noun = "letter" if moved == 1 else "letters"
    sys.stderr.write(f"{PROG}: {moved} printed {noun} marked sent\n")
    return 0


#: `campaign edit` without --cost (not a string: argparse converts string defaults).
_UNCHANGED = object()


def _cost_or_none(text: str) -> Decimal | None:
    """`--cost`: an amount, or "" for no cost."""
    return None if not text.strip() else _amount(text)


def _edit_options(p: argparse.ArgumentParser) -> None:
    _id_option(p)
    p.add_argument("--name", metavar="NAME")
    p.add_argument(
        "--cost",
        type=_cost_or_none,
        default=_UNCHANGED,
        metavar="AMOUNT",
        help='what it cost; "" for no cost',
    )
    p.add_argument("--currency", metavar="CODE", help="the cost's currency (ISO 4217, e.g. EUR)")


def _edit(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import campaigns

    given = {} if args.cost is _UNCHANGED else {"cost": args.cost}
    with db.write() as s:
        campaigns.update(s, args.campaign_id, name=args.name, currency=args.currency, **given)
    return 0


def _delete(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import campaigns

    with db.write() as s:
        cancelled = campaigns.delete(s, args.campaign_id).value
    noun = "follow-up" if cancelled == 1 else "follow-ups"
    sys.stderr.write(
        f"{PROG}: campaign {args.campaign_id} and its letters deleted; "
        f"{cancelled} open {noun} cancelled\n"
    )
    return 0


def _templates(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import note_templates

    with db.read() as s:
        found = note_templates.list_templates(s, note_templates.CAMPAIGN)
    print_list(found, args.format, out, to_json=template_json, text=TEMPLATE_TABLE)
    return 0
