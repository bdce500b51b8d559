"""What every command module shares: the program name, exit codes and how a command is declared."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from relationship_crm.paths import DB_ENV_VAR, AppPaths

if TYPE_CHECKING:
    from relationship_crm.storage.db import Database

PROG = "relationship-crm"
EXIT_ERROR = 1
EXIT_BUG = 70  # EX_SOFTWARE: not the user's fault

Handler = Callable[[argparse.Namespace, "Database", TextIO], int]
# Commands on the database file itself (backup, restore, check) get its path, not an open
# Database: opening would migrate, and they must work on a file the app refuses to open.
FileHandler = Callable[[argparse.Namespace, AppPaths, TextIO], int]

# The sub-parsers action of a parser (argparse keeps its class private).
Commands = Any

DB_HELP = (
    f"database file, or a team's postgresql://user@host/dbname (default: ${DB_ENV_VAR} or "
    "crm.sqlite3 in your data folder)"
)
#: The `tag` group's help: cli/tags.py and cli/health.py both add to it, whichever comes first.
TAG_HELP = "list, rename and delete tags; their keep-in-touch rhythms"


class Parser(argparse.ArgumentParser):
    """argparse with the app's error contract: one line on stderr, exit status 1."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message} (see --help)\n")


@dataclass(frozen=True)
class Common:
    """The options every command accepts, and the helpers that declare commands with them.

    `db` adds --db (so it works after the command name too); `fmt` adds --format text|json
    to the commands that print records.
    """

    db: argparse.ArgumentParser
    fmt: argparse.ArgumentParser
    # The groups made so far, by name: a later module may add an action to an existing group
    # (`contact keep-in-touch` lives with the rest of keep-in-touch, in cli/health.py).
    groups: dict[str, Commands] = field(default_factory=dict)

    @classmethod
    def create(cls) -> Common:
        db = Parser(add_help=False)
        db.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=DB_HELP)
        fmt = Parser(add_help=False)
        fmt.add_argument(
            "--format",
            choices=("text", "json"),
            default="text",
            help="text for people (default) or json for scripts",
        )
        return cls(db=db, fmt=fmt)

    def group(self, commands: Commands, name: str, help_text: str) -> Commands:
        """A command with actions (`contact add`, `contact list`...); returns where they go.

        Asked again for a group that exists, it returns that group (`help_text` is then unused).
        """
        if name in self.groups:
            return self.groups[name]
        sub = commands.add_parser(name, help=help_text, description=help_text, parents=[self.db])
        self.groups[name] = sub.add_subparsers(dest="action", metavar="ACTION", required=True)
        return self.groups[name]

    def command(
        self,
        group: Commands,
        name: str,
        handler: Handler,
        help_text: str,
        parents: Sequence[argparse.ArgumentParser] = (),
    ) -> argparse.ArgumentParser:
        """A command run on the open database, in `group` (or at the top level)."""
        sub: argparse.ArgumentParser = group.add_parser(
            name, help=help_text, description=help_text, parents=[self.db, *parents]
        )
        sub.set_defaults(handler=handler)
        return sub

    def file_command(
        self, commands: Commands, name: str, handler: FileHandler, help_text: str
    ) -> argparse.ArgumentParser:
        """A top-level command on the database file, which it must not open (see FileHandler)."""
        sub: argparse.ArgumentParser = commands.add_parser(
            name, help=help_text, description=help_text, parents=[self.db]
        )
        sub.set_defaults(file_handler=handler)
        return sub


def tell(kind: str, text: str) -> None:
    """One `relationship-crm: KIND: text` line on stderr (a note or warning; stdout stays clean)."""
    sys.stderr.write(f"{PROG}: {kind}: {text}\n")


def note_wall_time(wall: datetime, zone: str) -> None:
    """Say which instant was saved when `wall` is skipped or repeated in `zone` (issue 13)."""
    from relationship_crm.scheduling.zones import wall_time_note

    text = wall_time_note(wall.replace(second=0, microsecond=0), zone)
    if text is not None:
        tell("note", text)
