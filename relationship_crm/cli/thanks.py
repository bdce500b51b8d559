"""`thanks`: thank-you notes (draft, list, show, edit, delete, print to PDF, sent) and their
templates."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import relationship_crm.cli.args as types
from relationship_crm.cli.common import PROG, Commands, Common
from relationship_crm.cli.encoders import TEMPLATE_TABLE, template_json
from relationship_crm.cli.output import JsonRow, Table, print_json, print_list
from relationship_crm.domain.enums import ThanksStatus
from relationship_crm.domain.errors import KnownError

if TYPE_CHECKING:
    from relationship_crm.services import thanks
    from relationship_crm.storage.db import Database


def register(commands: Commands, common: Common) -> None:
    th = common.group(
        commands, "thanks", "thank-you notes: draft, list, print to PDF, mark sent, templates"
    )
    _draft_options(
        common.command(
            th, "draft", _draft, "draft a note to each attendee of a meeting; prints new ids"
        )
    )
    _list_options(
        common.command(th, "list", _list, "list thank-you notes, oldest first", [common.fmt])
    )
    _show_options(common.command(th, "show", _show, "show one note's text", [common.fmt]))
    _edit_options(
        common.command(
            th,
            "edit",
            _edit,
            "write a note's text yourself (--text, or --file; - reads standard input) or draft it "
            "again from a template (--redraft); a printed note becomes a draft again",
        )
    )
    _show_options(
        common.command(
            th,
            "delete",
            _delete,
            "delete a note (drafting the meeting again would write a new one); prints its id",
        )
    )
    _print_options(
        common.command(
            th, "print", _print, "write notes to a PDF, one per page, and mark them printed"
        )
    )
    _sent_options(common.command(th, "sent", _sent, "mark notes as sent"))
    common.command(th, "templates", _templates, "list the note templates", [common.fmt])


def _thanks_json(note: thanks.ThanksView) -> JsonRow:
    return {
        "id": note.id,
        "meeting_id": note.meeting_id,
        "contact_id": note.contact_id,
        "contact_name": note.contact_name,
        "status": note.status.value,
        "meeting_title": note.meeting_title,
        "meeting_date": note.meeting_day.isoformat() if note.meeting_day else None,
        "template": note.template,
        "edited": note.edited,
        "drafted_at": note.drafted_at.isoformat(),
        "printed_at": note.printed_at.isoformat() if note.printed_at else None,
        "sent_at": note.sent_at.isoformat() if note.sent_at else None,
        "body": note.body,
    }


def _draft_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("meeting_id", metavar="MEETING_ID", type=types.meeting_id)
    p.add_argument(
        "--template", metavar="NAME", help="template to use (default: the one for its kind)"
    )


def _draft(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    """Draft a note to each attendee who has none yet; prints the new ids, one per line."""
    from relationship_crm.services import thanks_drafts

    with db.write() as s:
        ids = thanks_drafts.draft_for_meeting(s, args.meeting_id, template=args.template).value
    for note_id in ids:
        out.write(f"{note_id}\n")
    if not ids:
        sys.stderr.write(
            f"{PROG}: every attendee of meeting {args.meeting_id} already has a note\n"
        )
    return 0


def _list_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--status", choices=[st.value for st in ThanksStatus], help="only notes in this status"
    )
    p.add_argument(
        "--meeting", type=types.meeting_id, metavar="ID", help="only this meeting's notes"
    )


NOTE_TABLE: Table[thanks.ThanksView] = Table(
    headers=("ID", "STATUS", "TO", "MEETING", "DATE", "TITLE"),
    cells=lambda n: (
        str(n.id),
        n.status.value,
        n.contact_name,
        str(n.meeting_id),
        n.meeting_day.isoformat() if n.meeting_day else "",
        n.meeting_title,
    ),
    empty="No thank-you notes.",
)


def _list(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import thanks

    with db.read() as s:
        found = thanks.list_notes(s, status=args.status, meeting_id=args.meeting)
    print_list(found, args.format, out, to_json=_thanks_json, text=NOTE_TABLE)
    return 0


def _show_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("note_id", metavar="NOTE_ID", type=types.note_id)


def _show(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import thanks

    with db.read() as s:
        note = thanks.get_note(s, args.note_id)
    if args.format == "json":
        print_json([_thanks_json(note)], out)
        return 0
    day = note.meeting_day.isoformat() if note.meeting_day else ""
    out.write(f"To: {note.contact_name}\nMeeting: {note.meeting_title} ({day})\n")
    out.write(f"Status: {note.status.value}\nTemplate: {note.template}")
    out.write(" (edited by hand)\n\n" if note.edited else "\n\n")
    out.write(note.body + "\n")
    return 0


def _edit_options(p: argparse.ArgumentParser) -> None:
    _show_options(p)
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--text", help="the note's new text")
    what.add_argument(
        "--file", metavar="PATH", help="read the new text from a UTF-8 file (- : stdin)"
    )
    what.add_argument(
        "--redraft",
        nargs="?",
        const="",
        metavar="TEMPLATE",
        help="fill it again from a template (default: its own), dropping your edits",
    )


def _edit(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import thanks_drafts

    body = args.text
    if args.file is not None:
        body = _read_text(args.file)
    with db.write() as s:
        if body is not None:
            thanks_drafts.update_body(s, args.note_id, body)
        else:
            thanks_drafts.redraft(s, args.note_id, template=args.redraft or None)
    return 0


def _read_text(path: str) -> str:
    """The text of a file or of standard input ("-"), as one clear error when unreadable."""
    try:
        if path == "-":
            return sys.stdin.read()
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise KnownError(f"{path} is not UTF-8 text") from None
    except OSError as error:
        raise KnownError(f"cannot read {path}: {error.strerror or error}") from None


def _delete(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import thanks

    with db.write() as s:
        thanks.delete_note(s, args.note_id)
    out.write(f"{args.note_id}\n")
    return 0


def _print_options(p: argparse.ArgumentParser) -> None:
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--meeting", type=types.meeting_id, metavar="ID", help="a meeting's notes")
    which.add_argument("--all-drafts", action="store_true", help="every note still a draft")
    which.add_argument("note_ids", metavar="NOTE_ID", type=types.note_id, nargs="*", default=[])
    p.add_argument(
        "--pdf", required=True, type=types.pdf_file, metavar="OUT.pdf", help="the PDF file to write"
    )
    p.add_argument(
        "--template", metavar="NAME", help="fill the notes from this template (hand edits kept)"
    )
    p.add_argument(
        "--page-size",
        choices=("a4", "letter", "a6", "card"),
        help="paper: a4, letter, a6 or card (4.25x5.5 in); default: the page_size setting",
    )
    p.add_argument("--envelopes", action="store_true", help="add an envelope page after each note")


def _print(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    """Write the chosen notes to one PDF (one note per page) and mark them printed.

    Everything happens in one transaction: the PDF is written to a temporary file and moved
    into place before the notes are marked, so a failure leaves neither a half PDF nor notes
    marked printed that were not.
    """
    from relationship_crm.services import note_pages, settings, thanks, thanks_printing

    # The only Qt this package loads, and only here (pyproject.toml's import-linter contract).
    try:
        from relationship_crm.ui import printing
    except ImportError:
        raise KnownError(
            "printing needs PySide6 (pip install 'relationship-crm[desktop]'); the other "
            "commands work without it"
        ) from None
    printing.offscreen_application()
    with db.write() as s:
        ids = thanks_printing.notes_to_print(
            s, meeting_id=args.meeting, all_drafts=args.all_drafts, note_ids=args.note_ids
        )
        sheet = note_pages.paper(args.page_size or settings.page_size(s))
        pages, kept = thanks_printing.prepare_pages(s, ids, template=args.template).value
        printing.write_pdf(Path(args.pdf), pages, sheet, envelopes=args.envelopes)
        thanks.mark_printed(s, ids)
    for note_id in kept:
        sys.stderr.write(
            f"{PROG}: note {note_id} was edited by hand; it was printed as edited, not from "
            f"{args.template}\n"
        )
    noun = "note" if len(ids) == 1 else "notes"
    extra = " with envelopes" if args.envelopes else ""
    sys.stderr.write(f"{PROG}: {len(ids)} {noun} printed{extra} to {args.pdf} ({sheet.label})\n")
    missing = [p.contact_name for p in pages if args.envelopes and not p.has_address]
    if missing:
        sys.stderr.write(
            f"{PROG}: no postal address for {', '.join(missing)}; "
            "their envelopes carry the name only\n"
        )
    return 0


def _sent_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("note_ids", metavar="NOTE_ID", type=types.note_id, nargs="+")


def _sent(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import thanks

    with db.write() as s:
        thanks.mark_sent(s, args.note_ids)
    return 0


def _templates(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import note_templates

    with db.read() as s:
        found = note_templates.list_templates(s)
    print_list(found, args.format, out, to_json=template_json, text=TEMPLATE_TABLE)
    return 0
