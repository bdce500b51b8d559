"""`gift` (add, list, edit, delete): gifts and hospitality given to contacts."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

import relationship_crm.cli.args as types
from relationship_crm.cli.common import Commands, Common, tell
from relationship_crm.cli.encoders import gift_json, money
from relationship_crm.cli.output import Table, print_list
from relationship_crm.domain.records import GiftDraft, GiftView

if TYPE_CHECKING:
    from relationship_crm.storage.db import Database


def register(commands: Commands, common: Common) -> None:
    gift = common.group(commands, "gift", "record and list gifts and hospitality")
    _add_options(common.command(gift, "add", _add, "record a gift; prints its id"))
    _list_options(common.command(gift, "list", _list, "list gifts, newest first", [common.fmt]))
    _edit_options(common.command(gift, "edit", _edit, "correct a gift (only the options given)"))
    _id_option(common.command(gift, "delete", _delete, "delete a gift; prints its id"))


def _add_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("contact_id", metavar="CONTACT_ID", type=types.contact_id)
    p.add_argument("--item", required=True, metavar="TEXT")
    p.add_argument("--cost", metavar="AMOUNT", help="e.g. 45.50")
    p.add_argument("--currency", metavar="CUR", help="ISO code such as EUR (default: setting)")
    p.add_argument("--date", type=types.day, metavar="YYYY-MM-DD", help="default: today")
    p.add_argument("--occasion", metavar="TEXT")
    p.add_argument("--meeting", type=types.meeting_id, metavar="ID")


def _add(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import gifts, settings

    cost = gifts.parse_cost(args.cost) if args.cost is not None else None
    with db.write() as s:
        draft = GiftDraft(
            contact_id=args.contact_id,
            item=args.item,
            given_on=args.date or types.today_in(settings.zone(s)),
            cost=cost,
            currency=args.currency or "",
            occasion=args.occasion or "",
            meeting_id=args.meeting,
        )
        # The same check as the gift dialog's warning, on the gifts given before this one.
        repeats = gifts.find_repeats(args.item, gifts.list_gifts(s, contact_id=args.contact_id))
        new_id = gifts.add(s, draft).id
    out.write(f"{new_id}\n")
    if repeats:
        tell(
            "warning",
            f"already given to {repeats[0].contact_name}: {gifts.describe_repeats(repeats)}",
        )
    return 0


def _list_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("contact_id", metavar="CONTACT_ID", type=types.contact_id, nargs="?")


GIFT_TABLE: Table[GiftView] = Table(
    headers=("ID", "DATE", "FOR", "ITEM", "COST", "OCCASION"),
    cells=lambda g: (
        str(g.id),
        g.given_on.isoformat(),
        g.contact_name,
        g.item,
        f"{money(g.cost)} {g.currency}" if g.cost is not None else "",
        g.occasion,
    ),
    empty="No gifts recorded.",
)


def _list(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import gifts

    with db.read() as s:
        found = gifts.list_gifts(s, contact_id=args.contact_id)
    print_list(found, args.format, out, to_json=gift_json, text=GIFT_TABLE)
    return 0


def _id_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("gift_id", metavar="GIFT_ID", type=types.gift_id)


def _edit_options(p: argparse.ArgumentParser) -> None:
    _id_option(p)
    p.add_argument("--item", metavar="TEXT")
    p.add_argument("--cost", metavar="AMOUNT", help='e.g. 45.50; "" removes it')
    p.add_argument("--currency", metavar="CUR", help='ISO code such as EUR; "" the setting')
    p.add_argument("--date", type=types.day, metavar="YYYY-MM-DD")
    p.add_argument("--occasion", metavar="TEXT", help='"" removes it')


def _edit(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import gifts

    clear_cost = args.cost is not None and not args.cost.strip()
    cost = gifts.parse_cost(args.cost) if args.cost is not None and not clear_cost else None
    with db.write() as s:
        gifts.update(
            s,
            args.gift_id,
            item=args.item,
            cost=cost,
            clear_cost=clear_cost,
            currency=args.currency,
            given_on=args.date,
            occasion=args.occasion,
        )
    return 0


def _delete(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import gifts

    with db.write() as s:
        gifts.delete(s, args.gift_id)
    out.write(f"{args.gift_id}\n")
    return 0
