"""`duplicates` and `search`: finding contacts across the whole database."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from relationship_crm.cli.common import PROG, Commands, Common
from relationship_crm.cli.encoders import CONTACT_TABLE, contact_json
from relationship_crm.cli.output import JsonRow, print_list

if TYPE_CHECKING:
    from relationship_crm.storage.db import Database

if TYPE_CHECKING:
    from relationship_crm.services.duplicates import DuplicateGroup


def register(commands: Commands, common: Common) -> None:
    common.command(
        commands,
        "duplicates",
        _duplicates,
        "list contacts that look like one person (same email, phone, or name and company)",
        [common.fmt],
    )
    _search_options(
        common.command(
            commands,
            "search",
            _search,
            "find contacts by name, email, company or notes (any case, any accents)",
            [common.fmt],
        )
    )


def _duplicate_json(g: DuplicateGroup) -> JsonRow:
    return {"contact_ids": list(g.contact_ids), "names": list(g.names), "reason": g.reason}


def _write_duplicates(groups: Sequence[DuplicateGroup], out: TextIO) -> None:
    """One line per group; "none found" is a remark on stderr, so stdout stays empty."""
    for g in groups:
        ids = " ".join(str(i) for i in g.contact_ids)
        out.write(f"{ids}  {' / '.join(g.names)}  ({g.reason})\n")
    if not groups:
        sys.stderr.write(f"{PROG}: no duplicates found\n")


def _duplicates(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    """Groups of contacts that look like one person (same email, phone, or name and company)."""
    from relationship_crm.services import duplicates

    with db.read() as s:
        groups = duplicates.find_duplicates(s)
    print_list(groups, args.format, out, to_json=_duplicate_json, text=_write_duplicates)
    return 0


def _search_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--limit", type=int, default=50)


def _search(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import contact_search

    with db.read() as s:
        found = contact_search.search(s, args.query, limit=args.limit)
    print_list(found, args.format, out, to_json=contact_json, text=CONTACT_TABLE)
    return 0
