"""A full copy of the database as JSON: the document `export --format json` writes.

The document is meant for people and scripts too, so contacts carry their emails, phones,
addresses, tags and stage history inline, meetings their attendee ids, follow-ups their
completions. Everything else is one object per row with the column names of the schema.
Instants are ISO 8601 in UTC ("2026-11-23T14:00:00+00:00"), wall-clock times are naive
("2026-11-23T09:00") beside their IANA zone, money is a decimal string.

`import` reads a copy back: `json_copy_reading` parses and checks it, `json_copy_import` and
`json_copy_rows` write its records into the database.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import DeclarativeBase, Session

from relationship_crm import __version__
from relationship_crm.domain.bounds import unreadable_text
from relationship_crm.services import settings, team
from relationship_crm.services.common import utcnow
from relationship_crm.storage.schema import (
    Campaign,
    Company,
    Contact,
    ContactAddress,
    ContactEmail,
    ContactPhone,
    FollowUp,
    FollowUpCompletion,
    Gift,
    KeepInTouchRhythm,
    Meeting,
    NoteTemplate,
    ResearchNote,
    StageChange,
    StageDefinition,
    Tag,
    ThankYouNote,
    TriggerEvent,
    meeting_attendees,
)

_M = TypeVar("_M", bound=DeclarativeBase)

#: Key of the object that stands for a stored date/time the app could not read:
#: {"unreadable": "<the stored text>"}. Importing such a value is refused with its path.
UNREADABLE_KEY = "unreadable"

FORMAT = "relationship-crm"
VERSION = 1
ADDRESS_FIELDS = ("label", "street", "city", "region", "postcode", "country")


# --- encoding -----------------------------------------------------------------------------------


def encode_value(value: object) -> object:
    raw = unreadable_text(value)
    if raw is not None:
        # A stored time nobody can read is given back as it is, marked, so the copy is whole.
        return {UNREADABLE_KEY: raw}
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.strftime("%Y-%m-%dT%H:%M")
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(obj: DeclarativeBase, *, skip: Sequence[str] = ()) -> dict[str, object]:
    return {
        c.key: encode_value(getattr(obj, c.key)) for c in obj.__table__.columns if c.key not in skip
    }


def export_document(session: Session, *, now: datetime | None = None) -> dict[str, object]:
    """Everything in the database (the trash too) as one JSON-ready dictionary."""
    now = now or utcnow()
    emails = _children(session, ContactEmail)
    phones = _children(session, ContactPhone)
    addresses = _children(session, ContactAddress)
    stages = _children(session, StageChange)
    tags: dict[int, list[str]] = {}
    for cid, name in session.execute(
        select(Contact.id, Tag.name).join(Contact.tags).order_by(Contact.id, Tag.name_key)
    ):
        tags.setdefault(cid, []).append(name)
    company_names = dict(session.execute(select(Company.id, Company.name)).all())
    people = []
    for contact in session.scalars(select(Contact).order_by(Contact.id)):
        row = _row(
            contact, skip=("sort_name", "version", "list_company", "list_emails", "list_tags")
        )
        row["name"] = row.pop("display_name")
        row["company"] = company_names.get(contact.company_id or 0, "")
        row["emails"] = [{"value": e.value, "label": e.label} for e in emails.get(contact.id, [])]
        row["phones"] = [{"value": p.value, "label": p.label} for p in phones.get(contact.id, [])]
        row["addresses"] = [
            {k: getattr(a, k) for k in ADDRESS_FIELDS} for a in addresses.get(contact.id, [])
        ]
        row["tags"] = tags.get(contact.id, [])
        row["stage_history"] = [
            {"stage": s.stage, "changed_at": encode_value(s.changed_at)}
            for s in stages.get(contact.id, [])
        ]
        people.append(row)
    attendees: dict[int, list[int]] = {}
    for mid, cid in session.execute(
        select(meeting_attendees.c.meeting_id, meeting_attendees.c.contact_id).order_by(
            meeting_attendees.c.meeting_id, meeting_attendees.c.contact_id
        )
    ):
        attendees.setdefault(mid, []).append(cid)
    completions = _children(session, FollowUpCompletion, parent="follow_up_id")
    follow_ups = []
    for follow_up in session.scalars(select(FollowUp).order_by(FollowUp.id)):
        row = _row(follow_up)
        row["completions"] = [
            {"due_at": encode_value(c.due_at), "completed_at": encode_value(c.completed_at)}
            for c in completions.get(follow_up.id, [])
        ]
        follow_ups.append(row)
    shared: dict[str, Any] = {}
    if team.is_shared(session):
        # A server's copy keeps the team's values and each rep's own (`settings` is the
        # exporting rep's view of both, what a laptop's file takes).
        shared = {
            "team_settings": settings.team_settings(session),
            "rep_settings": settings.every_rep_settings(session),
        }
    return {
        "format": FORMAT,
        "version": VERSION,
        "app_version": __version__,
        "exported_at": encode_value(now),
        "settings": settings.all_settings(session),
        **shared,
        "stages": [_row(st) for st in _all(session, StageDefinition)],
        "companies": [_row(c, skip=("name_key",)) for c in _all(session, Company)],
        "contacts": people,
        "meetings": [
            {**_row(m), "attendee_ids": attendees.get(m.id, [])} for m in _all(session, Meeting)
        ],
        "research_notes": [_row(r) for r in _all(session, ResearchNote)],
        "trigger_events": [_row(e) for e in _all(session, TriggerEvent)],
        "follow_ups": follow_ups,
        "thank_you_notes": [_row(t) for t in _all(session, ThankYouNote)],
        "gifts": [_row(g) for g in _all(session, Gift)],
        "note_templates": [_row(t) for t in _all(session, NoteTemplate)],
        "keep_in_touch_rhythms": [
            _row(r, skip=("id", "updated_at")) for r in _all(session, KeepInTouchRhythm)
        ],
        "campaigns": [
            {**_row(c), "members": [_row(m, skip=("id", "campaign_id")) for m in c.members]}
            for c in _all(session, Campaign)
        ],
    }


def export_json(session: Session, *, now: datetime | None = None) -> bytes:
    """The document as UTF-8 JSON text, indented, keys in schema order."""
    text = json.dumps(export_document(session, now=now), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def _all(session: Session, model: type[_M]) -> list[_M]:
    key = "name" if model is NoteTemplate else "position" if model is StageDefinition else "id"
    return list(session.scalars(select(model).order_by(getattr(model, key))))


def _children(
    session: Session, model: type[_M], *, parent: str = "contact_id"
) -> dict[int, list[_M]]:
    found: dict[int, list[_M]] = {}
    order = [getattr(model, parent), model.id]  # type: ignore[attr-defined]
    for row in session.scalars(select(model).order_by(*order)):
        found.setdefault(getattr(row, parent), []).append(row)
    return found
