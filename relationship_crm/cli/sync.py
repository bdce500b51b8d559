"""`sync setup`, `run`, `status`, `forget`: CalDAV/CardDAV sync with the rep's own server.

The sync package (the only code that opens network connections) is imported inside the handlers,
so no other command ever loads it.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TextIO

from relationship_crm.cli.common import Commands, Common, tell
from relationship_crm.domain.errors import InvalidInputError

if TYPE_CHECKING:
    from relationship_crm.storage.db import Database

COUNTS = (
    "events_created",
    "events_updated",
    "events_deleted",
    "contacts_pushed",
    "contacts_pulled",
    "conflicts",
    "errors",
)


def register(commands: Commands, common: Common) -> None:
    group = common.group(
        commands,
        "sync",
        "sync follow-ups and meetings with your own CalDAV/CardDAV server (Nextcloud, Fastmail, "
        "iCloud, Radicale...)",
    )
    setup = common.command(
        group,
        "setup",
        _setup,
        "set up the sync account: finds your calendar and address book and checks the login",
    )
    setup.add_argument("--url", required=True, help="the server's CalDAV address (https://...)")
    setup.add_argument("--username", required=True)
    setup.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input (else $RELATIONSHIP_CRM_SYNC_PASSWORD)",
    )
    setup.add_argument(
        "--calendar",
        metavar="NAME",
        default=None,
        help='the calendar to fill (default: "Relationship CRM", created if missing)',
    )
    setup.add_argument(
        "--address-book",
        metavar="NAME",
        default=None,
        help='the address book (default: "Relationship CRM", created if missing)',
    )
    setup.add_argument(
        "--create", action="store_true", help="create the named calendar/address book if missing"
    )
    setup.add_argument(
        "--ca-file",
        metavar="PATH",
        default=None,
        help="a company certificate authority to trust (PEM), besides the system's",
    )
    run = common.command(group, "run", _run, "sync now; prints what changed", [common.fmt])
    run.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input when it is not in the system keyring",
    )
    common.command(
        group, "status", _status, "show the sync account and the last sync", [common.fmt]
    )
    common.command(
        group,
        "forget",
        _forget,
        "remove the sync account and its saved password (nothing on the server is deleted)",
    )


def _read_stdin(wanted: bool) -> str | None:
    if not wanted:
        return None
    try:
        return sys.stdin.read()
    except (OSError, ValueError, UnicodeDecodeError):
        raise InvalidInputError("--password-stdin could not read standard input") from None


def _setup(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.sync import account
    from relationship_crm.sync.dav import check_url

    url = check_url(args.url)
    username = account.check_username(args.username)
    account.check_name(args.calendar or account.DEFAULT_NAME, "calendar")
    account.check_name(args.address_book or account.DEFAULT_NAME, "address book")
    ca_file = account.check_ca_file(args.ca_file)
    password = account.given_password(_read_stdin(args.password_stdin))
    if password is None:
        raise InvalidInputError(f"no password: pass --password-stdin or set {account.PASSWORD_ENV}")
    done = account.set_up(
        db,
        url=url,
        username=username,
        password=password,
        calendar=args.calendar,
        address_book=args.address_book,
        create=args.create,
        ca_file=ca_file,
        now=datetime.now(UTC),
    )
    for what in done.found.created:
        tell("note", f"created the {what} on the server")
    if not done.password_saved:
        tell(
            "note",
            "no system keyring here: the password was not saved; give it at each sync "
            f"(--password-stdin or {account.PASSWORD_ENV})",
        )
    out.write(f"Sync account set up: {username} at {url}\n")
    out.write(f"Calendar: {done.found.calendar_url}\n")
    if done.found.address_book_url:
        out.write(f"Address book: {done.found.address_book_url}\n")
    return 0


def _run(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.sync import account
    from relationship_crm.sync.run import run

    password = account.given_password(_read_stdin(args.password_stdin))
    try:
        tally = run(db, password)
    except KeyboardInterrupt:
        # Unlike other commands, what was already sent is recorded: the next run carries on.
        tell("error", "interrupted; what was synced so far is recorded, the next run carries on")
        return 130
    counts = {name: getattr(tally, name) for name in COUNTS}
    if args.format == "json":
        out.write(json.dumps(counts) + "\n")
    else:
        for name, value in counts.items():
            out.write(f"{name.replace('_', ' ').capitalize()}: {value}\n")
    if tally.errors:
        tell("error", f"{tally.errors} item(s) could not be synced; the next run tries them again")
        return 1
    return 0


def _status(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.storage.schema import SyncAccount

    with db.read() as session:
        row = session.get(SyncAccount, 1)
        data = (
            None
            if row is None
            else {
                "url": row.url,
                "username": row.username,
                "calendar_url": row.calendar_url,
                "address_book_url": row.address_book_url,
                "ca_file": row.ca_file,
                "password_saved": bool(row.password_saved),
                "last_sync_at": row.last_sync_at.isoformat() if row.last_sync_at else None,
                "last_error": row.last_error,
            }
        )
    if args.format == "json":
        out.write(json.dumps({"configured": data is not None, **(data or {})}) + "\n")
    elif data is None:
        out.write("Sync is not set up.\n")
    else:
        for key, value in data.items():
            shown = (
                ""
                if value is None
                else ("yes" if value is True else "no" if value is False else str(value))
            )
            out.write(f"{key.replace('_', ' ').capitalize()}: {shown}\n")
    return 0


def _forget(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.storage.schema import SyncAccount

    with db.read() as session:
        configured = session.get(SyncAccount, 1) is not None
    if not configured:  # no need to load the sync package (and its HTTP client)
        out.write("Sync is not set up.\n")
        return 0
    from relationship_crm.sync import account

    account.forget_account(db)
    out.write("Sync account forgotten.\n")
    return 0
