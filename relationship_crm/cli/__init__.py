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
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Protocol, cast

from relationship_crm import __version__
from relationship_crm.cli import launch
from relationship_crm.cli.common import (
    DB_HELP,
    EXIT_BUG,
    EXIT_ERROR,
    PROG,
    Commands,
    Common,
    FileHandler,
    Parser,
)
from relationship_crm.domain.errors import KnownError
from relationship_crm.paths import AppPaths

# The command group modules (relationship_crm.cli.NAME), in the order `--help` lists the commands.
# `health` adds `contact keep-in-touch`, so it comes after `contacts`.
GROUPS = (
    "contacts",
    "stages",
    "companies",
    "meetings",
    "events",
    "followups",
    "health",
    "tags",
    "gifts",
    "thanks",
    "campaigns",
    "reports",
    "transfer",
    "lookup",
    "database",
    "encryption",
    "sync",
)

# The top-level commands each group declares: a command loads only its own groups before parsing
# (start-up is what a rep waits for on every command, issue 18). tests/cli/test_lazy_cli.py checks
# this table against what the modules register.
COMMANDS: dict[str, tuple[str, ...]] = {
    "contact": ("contacts", "health"),
    "trash": ("contacts",),
    "stage": ("stages",),
    "pipeline": ("stages",),
    "company": ("companies",),
    "meeting": ("meetings",),
    "research": ("meetings",),
    "event": ("events",),
    "followup": ("followups",),
    "today": ("followups",),
    "health": ("health",),
    "tag": ("health", "tags"),
    "gift": ("gifts",),
    "thanks": ("thanks",),
    "campaign": ("campaigns",),
    "report": ("reports",),
    "import": ("transfer",),
    "export": ("transfer",),
    "duplicates": ("lookup",),
    "search": ("lookup",),
    "sample-data": ("database",),
    "backup": ("database",),
    "restore": ("database",),
    "check": ("database",),
    "config": ("database",),
    "sync": ("sync",),
    "encrypt": ("encryption",),
    "decrypt": ("encryption",),
    "change-passphrase": ("encryption",),
}


class Group(Protocol):
    """A command group module."""

    def register(self, commands: Commands, common: Common) -> None: ...


def group_module(name: str) -> Group:
    """The command group module `relationship_crm.cli.NAME` (imported on first use)."""
    return cast(Group, importlib.import_module(f"relationship_crm.cli.{name}"))


def command_of(argv: Sequence[str]) -> str | None:
    """The top-level command `argv` names, if it can be told before parsing (else None)."""
    words = iter(argv)
    for word in words:
        if word == "--":
            return None
        if word.startswith("--") and "--db".startswith(word) and len(word) > 2:
            next(words, None)  # --db PATH (or an abbreviation argparse accepts)
        elif not word.startswith("-"):
            return word if word in COMMANDS else None
        elif not word.startswith("--db="):
            return None  # --help, --version or a mistake: the full parser answers
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser: the full one (also used to document the commands), or only the
    groups that declare `command`, which parses that command's lines exactly as the full one."""
    parser = Parser(
        prog=PROG,
        description="Relationship CRM: contacts, meetings, follow-ups and gifts for sales reps. "
        "With no command, opens the desktop app.",
    )
    parser.add_argument("--db", metavar="PATH", default=None, help=DB_HELP)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = Common.create()
    for name in COMMANDS.get(command, GROUPS) if command is not None else GROUPS:
        group_module(name).register(commands, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `relationship-crm` and `python -m relationship_crm` (no `argv`: this
    process's arguments, and the process ends with the command)."""
    if argv is not None:
        return _run(argv)
    # Starting is importing: SQLAlchemy, the ORM schema and the services allocate some 300,000
    # objects that live as long as the process, and the collector would scan them over and over
    # while they pile up (150 collections, a tenth of a short command's time: issue 18). They
    # are not garbage, so collection waits until the command starts (`_started`).
    gc.disable()
    try:
        return _run(sys.argv[1:])
    finally:
        # The process ends now, and Python's shutdown would first run a full garbage collection
        # over every object the command loaded (SQLAlchemy, the ORM, the services): a fifth of
        # a short command's time on these machines (issue 18). Nothing waits on it: the database
        # is closed and the output flushed above, and the system frees the memory anyway.
        gc.freeze()
        gc.enable()  # (if the command never started) for a caller that goes on


def _started() -> None:
    """The process has loaded what its command needs: what was loaded so far is kept out of every
    later collection (`gc.freeze`), and the collector runs again for what the command makes."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _run(argv: Sequence[str]) -> int:
    parser = build_parser(command_of(argv))
    args = parser.parse_args(argv)
    try:
        paths = AppPaths.resolve(args.db)
        if getattr(args, "file_handler", None) is None:
            paths.check_creatable()  # every command that opens the database, and the app
    except KnownError as exc:
        sys.stderr.write(f"{PROG}: error: {exc}\n")
        return EXIT_ERROR
    from relationship_crm.cli.passphrase_prompt import use_passphrases

    use_passphrases()  # how an encrypted file is unlocked: environment, keyring or terminal
    if args.command is None:
        # Collection stays paused through Qt's and the window's imports (40-50 ms of collections
        # otherwise); the app's own collector takes over once the window is up (ui/garbage.py:
        # it freezes what the start loaded and collects on the GUI thread from then on).
        return launch.desktop_app(paths)
    try:
        file_handler: FileHandler | None = getattr(args, "file_handler", None)
        if file_handler is not None:
            _started()
            file_code = file_handler(args, paths, sys.stdout)
            sys.stdout.flush()
            return file_code
        from relationship_crm.storage.db import open_database

        db = open_database(paths.target)
        _started()
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
