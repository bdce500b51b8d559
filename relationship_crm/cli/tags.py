"""`tag` (list, rename, delete): the rep's labels across the whole book (`tag keep-in-touch` is in
cli/health.py)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from relationship_crm.cli.common import TAG_HELP, Commands, Common, tell
from relationship_crm.cli.output import JsonRow, Table, print_list

if TYPE_CHECKING:
    from relationship_crm.services.tags import TagRow
    from relationship_crm.storage.db import Database


def register(commands: Commands, common: Common) -> None:
    tag = common.group(commands, "tag", TAG_HELP)
    common.command(
        tag, "list", _list, "list every tag with how many contacts have it", [common.fmt]
    )
    rename = common.command(
        tag,
        "rename",
        _rename,
        "rename a tag on every contact that has it; a name another tag has makes the two one",
    )
    rename.add_argument("old", metavar="TAG")
    rename.add_argument("new", metavar="NEW_NAME")
    common.command(
        tag, "delete", _delete, "take a tag off every contact and delete it (and its rhythm)"
    ).add_argument("name", metavar="TAG")


def _row_json(t: TagRow) -> JsonRow:
    return {"name": t.name, "contacts": t.contacts, "in_trash": t.trashed, "rhythm": t.rhythm}


TAG_TABLE: Table[TagRow] = Table(
    headers=("TAG", "CONTACTS", "RHYTHM"),
    cells=lambda t: (
        t.name,
        f"{t.contacts:,}" + (f" (+{t.trashed:,} in the trash)" if t.trashed else ""),
        "yes" if t.rhythm else "",
    ),
    empty="No tags.",
)


def _list(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import tags

    with db.read() as s:
        found = tags.list_tags(s)
    print_list(found, args.format, out, to_json=_row_json, text=TAG_TABLE)
    return 0


def _people(n: int) -> str:
    return "1 contact" if n == 1 else f"{n:,} contacts"


def _rename(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import tags

    with db.write() as s:
        done = tags.rename(s, args.old, args.new)
    if done.old == done.new:
        tell("note", f"the tag is already named {done.new!r}; nothing changed")
    elif done.merged:
        tell("note", f"made {done.old!r} one with {done.new!r} ({_people(done.contacts)} had it)")
    else:
        tell("note", f"renamed {done.old!r} to {done.new!r} on {_people(done.contacts)}")
    return 0


def _delete(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import tags

    with db.write() as s:
        done = tags.delete_tag(s, args.name)
    tell("note", f"deleted the tag {done.old!r} (taken off {_people(done.contacts)})")
    return 0
