"""The records several commands print: their JSON objects (a public contract) and shared forms."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from relationship_crm.cli.output import JsonRow, Table
from relationship_crm.domain.records import ContactView, FollowUpView, GiftView, MeetingView

if TYPE_CHECKING:
    from relationship_crm.services.note_templates import TemplateInfo


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def money(amount: Decimal | None) -> str | None:
    """Two decimals unless the amount has more ("45.50", "0.1234")."""
    if amount is None:
        return None
    return f"{amount:.2f}" if amount == amount.quantize(Decimal("0.01")) else str(amount)


def contact_json(c: ContactView) -> JsonRow:
    return {
        "id": c.id,
        "name": c.name,
        "given_name": c.given_name,
        "family_name": c.family_name,
        "emails": [e.value for e in c.emails],
        "phones": [p.value for p in c.phones],
        "email_details": [{"label": e.label, "value": e.value} for e in c.emails],
        "phone_details": [{"label": p.label, "value": p.value} for p in c.phones],
        "company": c.company or None,
        "title": c.title or None,
        "stage": c.stage,
        "tags": list(c.tags),
        "birthday": c.birthday,
        "notes": c.notes,
    }


# `contact list` and `search` print contacts alike.
CONTACT_TABLE: Table[ContactView] = Table(
    headers=("ID", "NAME", "COMPANY", "STAGE", "EMAIL", "TAGS"),
    cells=lambda c: (
        str(c.id),
        c.name,
        c.company,
        c.stage,
        ", ".join(e.value for e in c.emails),
        ", ".join(c.tags),
    ),
    empty="No contacts.",
)


def meeting_json(m: MeetingView) -> JsonRow:
    return {
        "id": m.id,
        "kind": m.kind.value,
        "title": m.title,
        "start": iso(m.starts_at),
        "tz": m.tz,
        "duration_minutes": m.duration_minutes,
        "location": m.location,
        "notes": m.notes,
        "attendees": [{"id": i, "name": n} for i, n in m.attendees],
    }


def followup_json(f: FollowUpView) -> JsonRow:
    return {
        "followup_id": f.id,
        "id": f.id,
        "contact_id": f.contact_id,
        "contact_name": f.contact_name,
        "meeting_id": f.meeting_id,
        "due": iso(f.due),
        "tz": f.tz,
        "recurrence": f.rrule,
        "note": f.note,
        "status": f.status.value,
        "snoozed_until": iso(f.snoozed_until.astimezone(f.due.tzinfo) if f.snoozed_until else None),
        "completed_at": iso(f.completed_at),
    }


def gift_json(g: GiftView) -> JsonRow:
    return {
        "id": g.id,
        "contact_id": g.contact_id,
        "contact_name": g.contact_name,
        "item": g.item,
        "cost": money(g.cost),
        "currency": g.currency,
        "date": g.given_on.isoformat(),
        "occasion": g.occasion,
        "meeting_id": g.meeting_id,
    }


def template_json(t: TemplateInfo) -> JsonRow:
    """A letter template (thank-you or campaign) as `thanks|campaign templates` print it."""
    return {
        "name": t.name,
        "description": t.description,
        "shipped": t.shipped,
        "customised": t.customised,
        "body": t.body,
    }


# No "No templates." line: the shipped templates are always there.
TEMPLATE_TABLE: Table[TemplateInfo] = Table(
    headers=("NAME", "SOURCE", "DESCRIPTION"),
    cells=lambda t: (
        t.name,
        "shipped, edited" if t.customised else ("shipped" if t.shipped else "yours"),
        t.description,
    ),
)
