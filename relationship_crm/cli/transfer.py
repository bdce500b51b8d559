"""`import` and `export`: contacts in and out as vCard, CSV, iCalendar or a JSON copy."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from relationship_crm.cli.common import PROG, Commands, Common

if TYPE_CHECKING:
    from relationship_crm.storage.db import Database


def register(commands: Commands, common: Common) -> None:
    _import_options(
        common.command(
            commands,
            "import",
            _import,
            "import contacts from vCard (2.1, 3.0, 4.0), Google/Outlook/LinkedIn/Thunderbird/"
            "Roundcube CSV or a JSON copy; values that cannot be read are kept in notes and "
            "listed (--strict: all of the file or nothing)",
            [common.fmt],
        )
    )
    _export_options(
        common.command(
            commands,
            "export",
            _export,
            "write contacts (vcf, csv), follow-ups and meetings (ics) or everything (json) to a "
            "file",
        )
    )


def _import_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help=".vcf, .csv or a .json copy from export")
    p.add_argument(
        "--on-duplicate",
        choices=("skip", "merge", "add"),
        default="skip",
        help="a contact with the same email, phone, or name and company: skip it (default), "
        "merge what is new into it, or add it anyway",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="all or nothing: the first record with a value that cannot be read refuses the "
        "whole file (by default such a value is kept in the contact's notes and listed)",
    )


def _import(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    """Import a vCard, CSV or JSON-copy file in one transaction.

    A value that cannot be read is kept in the contact's notes and listed after the summary;
    with --strict the first bad record refuses the file (nothing is imported). A refused file
    is one line on stderr, and with --format json also {"error", "record", "line"} on stdout.
    A database that already holds data is backed up first (reason "before-import").
    """
    from relationship_crm.domain.errors import KnownError
    from relationship_crm.interchange.records import RecordError

    try:
        return _run_import(args, db, out)
    except KnownError as error:
        if args.format == "json":
            where = error if isinstance(error, RecordError) else None
            refusal = {
                "error": str(error),
                "record": where.record if where else None,
                "line": where.line if where else None,
            }
            json.dump(refusal, out, ensure_ascii=False, indent=2)
            out.write("\n")
        raise


def _run_import(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import import_files
    from relationship_crm.storage import backups

    data = import_files.load(Path(args.file).expanduser())
    # A file that reads cleanly is about to be written in: keep a copy of the database first.
    if db.path is not None:  # a server database has the admin's backups instead
        backups.automatic_backup(db.path, reason=backups.BEFORE_IMPORT)
    progress = _terminal_progress("importing") if sys.stderr.isatty() else None
    try:
        with db.write() as s:
            result = import_files.import_data(
                s, data, on_duplicate=args.on_duplicate, progress=progress, strict=args.strict
            )
    finally:
        if progress is not None:
            sys.stderr.write("\r\033[K")  # clear the progress line
    if args.format == "json":
        json.dump(result.as_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.writelines(f"{line}\n" for line in result.report_lines())
    return 0


def _terminal_progress(what: str) -> Callable[[int, int], None]:
    """A progress callback drawing "importing… 42%" on one terminal line (stderr)."""
    shown = [-1]

    def report(done: int, total: int) -> None:
        percent = done * 100 // total if total else 100
        if percent != shown[0]:
            shown[0] = percent
            sys.stderr.write(f"\r{what}… {percent}%")
            sys.stderr.flush()

    return report


def _export_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format",
        required=True,
        choices=("vcf", "csv", "ics", "json"),
        help="vcf: vCard contacts; csv: one row per contact, formulas neutralised; ics: open "
        "follow-ups and upcoming meetings for calendars; json: everything, importable again",
    )
    p.add_argument("out", metavar="OUT", help='file to write, or "-" for standard output')
    p.add_argument(
        "--vcard-version",
        choices=("4.0", "3.0"),
        default="4.0",
        help="vCard version for --format vcf (3.0 for older clients; default 4.0)",
    )


def _export(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    """Write contacts (vcf, csv), the calendar (ics) or everything (json) to OUT or stdout.

    A file is written to a temporary name beside it and renamed when complete, so an existing
    export is never left half-overwritten.
    """
    from relationship_crm.services import export_files

    with db.read() as s:
        result = export_files.export(s, args.format, vcard_version=args.vcard_version)
    if args.out == "-":
        data = result.data.removeprefix(b"\xef\xbb\xbf")  # no byte-order mark in a pipe
        binary = getattr(out, "buffer", None)
        if binary is None:
            out.write(data.decode("utf-8"))
        else:  # bytes as they are: CRLF line ends must survive on every platform
            out.flush()
            binary.write(data)
            binary.flush()
        return 0
    target = Path(args.out).expanduser()
    export_files.write_atomic(target, result.data)
    sys.stderr.write(f"{PROG}: exported {result.what} to {target}\n")
    return 0
