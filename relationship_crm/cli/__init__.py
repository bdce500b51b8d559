"""The `relationship-crm` command line: headless commands over the same services as the app.

Contract (reps' scripts rely on it): commands that create something print the new id alone on
stdout; `--format json` prints a JSON list of objects wherever a list is printed; any error is one
line on stderr and exit status 1, with nothing half-written (each command is one transaction).
Qt is loaded lazily in three places only: the desktop app with no command (`launch`) and the PDF
rendering of `thanks print`, `campaign print|labels` and `report weekly --pdf`.

Each command group is one module with a `register(commands, common)` that declares its commands
and their options beside their handlers; the shared pieces are `common` (how a command is
declared), `args` (argument types), `output` (the one list printer) and `encoders`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from relationship_crm import __version__
from relationship_crm.cli import (
    campaigns,
    companies,
    contacts,
    database,
    encryption,
    events,
    followups,
    gifts,
    health,
    launch,
    lookup,
    meetings,
    reports,
    stages,
    sync,
    thanks,
    transfer,
)
from relationship_crm.cli.common import (
    DB_HELP,
    EXIT_BUG,
    EXIT_ERROR,
    PROG,
    Common,
    FileHandler,
    Parser,
)
from relationship_crm.domain.errors import KnownError
from relationship_crm.paths import AppPaths
from relationship_crm.storage.db import open_database

# In the order `--help` lists the commands.
# `health` adds `contact keep-in-touch`, so it comes after `contacts`.
GROUPS = (
    contacts,
    stages,
    companies,
    meetings,
    events,
    followups,
    health,
    gifts,
    thanks,
    campaigns,
    reports,
    transfer,
    lookup,
    database,
    encryption,
    sync,
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (also used to document the commands)."""
    parser = Parser(
        prog=PROG,
        description="Relationship CRM: contacts, meetings, follow-ups and gifts for sales reps. "
        "With no command, opens the desktop app.",
    )
    parser.add_argument("--db", metavar="PATH", default=None, help=DB_HELP)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = Common.create()
    for group in GROUPS:
        group.register(commands, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `relationship-crm` and `python -m relationship_crm`."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        paths = AppPaths.resolve(args.db)
        if getattr(args, "file_handler", None) is None:
            paths.check_creatable()  # every command that opens the database, and the app
    except KnownError as exc:
        sys.stderr.write(f"{PROG}: error: {exc}\n")
        return EXIT_ERROR
    encryption.use_passphrases()
    if args.command is None:
        return launch.desktop_app(paths)
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
        said = " ".join(str(exc).split())  # one line, even for SQLAlchemy's two-line texts
        sys.stderr.write(
            f"{PROG}: internal error ({type(exc).__name__}: {said}); nothing was changed. "
            "Set RELATIONSHIP_CRM_DEBUG=1 for details.\n"
        )
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
