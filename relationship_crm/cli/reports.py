"""`report`: the weekly review as text, as the JSON figures behind it, or as a two-page PDF."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import relationship_crm.cli.args as types
from relationship_crm.cli.common import PROG, Commands, Common
from relationship_crm.cli.encoders import iso, money
from relationship_crm.domain import timefmt
from relationship_crm.domain.errors import KnownError

if TYPE_CHECKING:
    from relationship_crm.services import dashboard
    from relationship_crm.storage.db import Database


def register(commands: Commands, common: Common) -> None:
    group = common.group(commands, "report", "reports: the weekly review (text, JSON or PDF)")
    weekly = common.command(
        group,
        "weekly",
        _weekly,
        "the weekly review: pipeline, follow-ups due, notes to send, gift spend",
        [common.fmt],
    )
    weekly.add_argument(
        "--date",
        type=types.day,
        metavar="YYYY-MM-DD",
        help="the first day of the week reviewed (default: today); figures as of its start",
    )
    weekly.add_argument(
        "--pdf",
        type=types.pdf_file,
        metavar="OUT.pdf",
        help="write the review as a PDF (one or two pages)",
    )


def _weekly(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    """Read the review in one transaction, then print it, or paint it into a PDF."""
    from relationship_crm.scheduling.zones import get_zone
    from relationship_crm.services import dashboard, settings

    pdf: Path | None = Path(args.pdf) if args.pdf else None
    qt: tuple[Any, Any] | None = None
    if pdf is not None:
        # Qt only here, and only for the PDF (pyproject.toml's import-linter contract).
        try:
            from relationship_crm.ui import printing, review_pages
        except ImportError:
            raise KnownError(
                "a PDF needs PySide6 (pip install 'relationship-crm[desktop]'); "
                "--format json and the text review work without it"
            ) from None
        qt = (printing, review_pages)
    with db.read() as s:
        zone = settings.zone(s)
        if args.date is None:
            now = datetime.now(get_zone(zone))
        else:
            now = dashboard.start_of(args.date, zone)
        review = dashboard.weekly_review(s, now=now, zone=zone)
    if qt is not None and pdf is not None:
        printing, review_pages = qt
        printing.offscreen_application()
        review_pages.write_pdf(pdf, review)
        sys.stderr.write(f"{PROG}: weekly review written to {pdf}\n")
    if args.format == "json":
        json.dump(review_json(review), out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif pdf is None:
        _write_text(review, out)
    return 0


def review_json(review: dashboard.WeeklyReview) -> dict[str, Any]:
    """The figures behind the review (the `report weekly --format json` object)."""
    board = review.dashboard
    spend = board.spend
    return {
        "date": timefmt.iso_day(review.first_day),
        "as_of": iso(board.now),
        "zone": board.zone,
        "funnel": [
            {
                "stage": bar.stage,
                "contacts": bar.contacts,
                "converted_pct": bar.converted_pct,
                "stuck": bar.stuck,
            }
            for bar in board.funnel
        ],
        "due_per_week": [
            {
                "week": week.key,
                "label": week.label,
                "start": iso(week.start),
                "end": iso(week.end),
                "one_off": week.one_off,
                "recurring": week.recurring,
                "total": week.total,
            }
            for week in board.due_per_week
        ],
        "health": [
            {"tag": bar.tag, "drifting": bar.drifting, "lost": bar.lost} for bar in board.health
        ],
        "spend_per_month": {
            "months": [
                {
                    "month": timefmt.iso_day(month)[:7],
                    "amounts": {
                        code: money(spend.amount(month, code)) for code in spend.currencies
                    },
                }
                for month in spend.months
            ],
            "totals": {code: money(total) for code, total in spend.totals},
            "budget": None
            if spend.budget is None
            else {
                "amount": money(spend.budget.amount),
                "currency": spend.budget.currency,
                "spent": money(spend.budget.spent),
                "used_pct": spend.budget.used_pct,
            },
            "top_recipients": [
                {
                    "contact_id": r.contact_id,
                    "name": r.name,
                    "currency": r.currency,
                    "amount": money(r.amount),
                }
                for r in spend.top_recipients
            ],
        },
        "thanks_outstanding": [
            {
                "age": age.key,
                "label": age.label,
                "drafts": age.drafts,
                "printed": age.printed,
                "total": age.total,
            }
            for age in board.thanks_outstanding
        ],
        "campaigns": [
            {
                "campaign_id": bar.campaign_id,
                "name": bar.name,
                "responses": bar.responses,
                "meetings": bar.meetings,
                "deals": bar.deals,
            }
            for bar in board.campaigns
        ],
        "week": [
            {
                "day": timefmt.iso_day(day.day),
                "follow_ups": [
                    {
                        "id": item.follow_up_id,
                        "contact_id": item.contact_id,
                        "contact_name": item.contact_name,
                        "due": iso(item.due),
                        "note": item.note,
                    }
                    for item in day.items
                ],
            }
            for day in review.days
        ],
        "drifting_or_lost": [
            {"contact_id": c.contact_id, "name": c.name, "state": c.state}
            for c in review.drifting_or_lost
        ],
        "notes_to_send": [
            {
                "id": note.note_id,
                "contact_id": note.contact_id,
                "contact_name": note.contact_name,
                "meeting_title": note.meeting_title,
                "meeting_date": timefmt.iso_day(note.meeting_day),
                "status": note.status,
            }
            for note in review.notes_to_send
        ],
    }


def _write_text(review: dashboard.WeeklyReview, out: TextIO) -> None:
    from relationship_crm.services import dashboard

    board = review.dashboard
    out.write(f"Weekly review from {timefmt.long_day(review.first_day)} ({board.zone})\n\n")
    out.write("Pipeline: ")
    out.write(
        ", ".join(
            f"{bar.label} {bar.contacts}"
            + (f" (→ {bar.converted_pct:g}%)" if bar.converted_pct is not None else "")
            for bar in board.funnel
        )
        + "\n"
    )
    out.write("Follow-ups due: ")
    out.write(", ".join(f"{week.label} {week.total}" for week in board.due_per_week) + "\n")
    out.write("Thank-you notes to send: ")
    out.write(", ".join(f"{age.label} {age.total}" for age in board.thanks_outstanding) + "\n")
    totals = ", ".join(f"{money(total)} {code}" for code, total in board.spend.totals)
    out.write(f"Gifts in the last 12 months: {totals or 'none'}")
    budget = board.spend.budget
    if budget is not None:
        out.write(f" ({budget.used_pct:g}% of {money(budget.amount)} {budget.currency} budget)")
    out.write("\n")
    out.write(f"Keep-in-touch: {len(review.drifting_or_lost) or dashboard.NO_RHYTHMS}\n")
    out.write(f"Campaigns: {len(board.campaigns) or 'none yet'}\n\nThis week:\n")
    if review.overdue:
        out.write(f"  {review.overdue} overdue\n")
    for day in review.days:
        for item in day.items:
            note = " ".join(item.note.split())
            out.write(
                f"  {timefmt.short_moment(item.due)}  {item.contact_name}"
                + (f" — {note}" if note else "")
                + "\n"
            )
    if not any(day.items for day in review.days):
        out.write("  nothing due\n")
