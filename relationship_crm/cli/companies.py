"""`company` (list, show, edit, merge, duplicates, delete): the companies contacts work at, with
their people and research, and the rep's corrections of them."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

import relationship_crm.cli.args as types
from relationship_crm.cli.common import Commands, Common, tell
from relationship_crm.cli.encoders import contact_json, iso
from relationship_crm.cli.output import JsonRow, Table, print_json, print_list
from relationship_crm.domain.timefmt import iso_day

if TYPE_CHECKING:
    from relationship_crm.services import companies
    from relationship_crm.storage.db import Database


def register(commands: Commands, common: Common) -> None:
    company = common.group(
        commands, "company", "list, show, edit, merge and delete the companies contacts work at"
    )
    common.command(
        company, "list", _list, "list companies by name with their contact counts", [common.fmt]
    )
    show = common.command(
        company, "show", _show, "show a company with its contacts and research", [common.fmt]
    )
    show.add_argument("company_id", metavar="COMPANY_ID", type=types.company_id)
    edit = common.command(
        company,
        "edit",
        _edit,
        "change a company's name, website or notes (only the options given); its contacts show "
        "the new name",
    )
    edit.add_argument("company_id", metavar="COMPANY_ID", type=types.company_id)
    edit.add_argument("--name", help="the new name (another company's name is refused)")
    edit.add_argument("--website", help='the website; "" removes it')
    edit.add_argument("--notes", help='replace the notes; "" removes them')
    merge = common.command(
        company,
        "merge",
        _merge,
        "make companies one (two spellings of one name): the others' contacts, research and "
        "trigger events move to KEEP_ID and the others are deleted; prints KEEP_ID",
    )
    merge.add_argument("keep", metavar="KEEP_ID", type=types.company_id)
    merge.add_argument("others", metavar="OTHER_ID", type=types.company_id, nargs="+")
    common.command(
        company,
        "duplicates",
        _duplicates,
        "list companies that look like one (the same name but for case, accents, punctuation "
        "or a legal form such as Inc. or GmbH), each group with the merge to make it one",
        [common.fmt],
    )
    remove = common.command(
        company,
        "delete",
        _delete,
        "delete a company: its contacts stay, with no company; its research notes and trigger "
        "events are deleted with it",
    )
    remove.add_argument("company_id", metavar="COMPANY_ID", type=types.company_id)


def _row_json(c: companies.CompanyRow) -> JsonRow:
    return {"id": c.id, "name": c.name, "contact_count": c.contact_count}


COMPANY_TABLE: Table[companies.CompanyRow] = Table(
    headers=("ID", "NAME", "CONTACTS"),
    cells=lambda c: (str(c.id), c.name, str(c.contact_count)),
    empty="No companies.",
)


def _list(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import companies

    with db.read() as s:
        found = companies.list_companies(s)
    print_list(found, args.format, out, to_json=_row_json, text=COMPANY_TABLE)
    return 0


def _show(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.scheduling.zones import get_zone
    from relationship_crm.services import companies, settings

    with db.read() as s:
        c = companies.get(s, args.company_id)
        zone = get_zone(settings.zone(s))
    if args.format == "json":
        data: JsonRow = {
            "id": c.id,
            "name": c.name,
            "website": c.website,
            "notes": c.notes,
            "contact_count": len(c.contacts),
            "contacts": [contact_json(p) for p in c.contacts],
            "research": [
                {"id": n.id, "text": n.text, "source": n.source_url, "noted_at": iso(n.noted_at)}
                for n in c.research
            ],
        }
        print_json([data], out)
        return 0
    out.write(f"{c.name}  (#{c.id})\n")
    if c.website:
        out.write(f"  website: {c.website}\n")
    if c.notes:
        out.write("  notes: " + c.notes.replace("\n", "\n         ") + "\n")
    for p in c.contacts:
        role = f", {p.title}" if p.title else ""
        out.write(f"  contact #{p.id}: {p.name}{role} ({p.stage})\n")
    if not c.contacts:
        out.write("  no contacts\n")
    for n in c.research:
        source = f"  [{n.source_url}]" if n.source_url else ""
        text = n.text.replace("\n", "\n    ")
        day = iso_day(n.noted_at.astimezone(zone))
        out.write(f"  research #{n.id} {day}{source}:\n    {text}\n")
    return 0


def _edit(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.domain.errors import InvalidInputError
    from relationship_crm.services import companies

    try:
        with db.write() as s:
            companies.update(
                s, args.company_id, name=args.name, website=args.website, notes=args.notes
            )
    except companies.CompanyNameTaken as taken:
        raise InvalidInputError(
            f"{taken}; to make the two one, merge them "
            f"(company merge {taken.other_id} {args.company_id})"
        ) from None
    return 0


def _merge(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import companies

    with db.write() as s:
        moved = companies.merge(s, args.keep, args.others)
    out.write(f"{args.keep}\n")
    tell("note", f"moved to company #{args.keep} {moved.name!r}: {moved.describe()}")
    return 0


def _delete(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import companies

    with db.write() as s:
        had = companies.delete(s, args.company_id)
    what = "it had nothing" if had.describe() == "nothing" else f"it had {had.describe()}"
    gone = " (the research and events were deleted with it)" if had.research or had.events else ""
    tell("note", f"deleted company #{args.company_id} {had.name!r}; {what}{gone}")
    return 0


def _duplicates(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import companies

    with db.read() as s:
        groups = companies.similar_companies(s)
    rows: list[JsonRow] = []
    for group in groups:
        keep = group.keep
        others = [c.id for c in group.companies if c.id != keep.id]
        rows.append(
            {
                "companies": [_row_json(c) for c in group.companies],
                "merge": [keep.id, *others],
            }
        )
    if args.format == "json":
        print_json(rows, out)
        return 0
    if not rows:
        out.write("No companies look like one another.\n")
        return 0
    for group, row in zip(groups, rows, strict=True):
        named = ", ".join(
            f"#{c.id} {c.name} ({c.contact_count} contact{'' if c.contact_count == 1 else 's'})"
            for c in group.companies
        )
        ids = " ".join(str(i) for i in row["merge"])
        out.write(f"{named}\n  company merge {ids}\n")
    return 0
