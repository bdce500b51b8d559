"""Meetings (meeting, call, lunch, event, email) with attendees, notes and research."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from relationship_crm.domain.enums import MeetingKind
from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.records import MeetingDraft, MeetingView
from relationship_crm.scheduling.zones import get_zone, localize
from relationship_crm.services import research
from relationship_crm.services.common import (
    existing_meeting,
    live_contact,
    optional_line,
    required_line,
    utcnow,
)
from relationship_crm.storage.schema import Meeting, meeting_attendees

MAX_DURATION_MINUTES = 7 * 24 * 60


def parse_kind(value: str | MeetingKind) -> MeetingKind:
    """A MeetingKind from its name; the error lists the valid kinds."""
    try:
        return MeetingKind(str(value).strip().lower())
    except ValueError:
        valid = ", ".join(k.value for k in MeetingKind)
        raise InvalidInputError(
            f"unknown meeting kind {str(value)!r}; use one of: {valid}"
        ) from None


def log(session: Session, draft: MeetingDraft, *, now: datetime | None = None) -> int:
    """Record a meeting with its attendees (and research text, if any); returns the new id."""
    now = now or utcnow()
    title = required_line(draft.title, "the meeting title", max_length=300)
    kind = parse_kind(draft.kind)
    zone = get_zone(draft.tz)
    if not draft.attendee_ids:
        raise InvalidInputError("a meeting needs at least one attendee (a contact id)")
    if not 0 <= draft.duration_minutes <= MAX_DURATION_MINUTES:
        raise InvalidInputError(
            f"duration must be between 0 and {MAX_DURATION_MINUTES} minutes, "
            f"not {draft.duration_minutes}"
        )
    attendees = [live_contact(session, cid) for cid in dict.fromkeys(draft.attendee_ids)]
    meeting = Meeting(
        kind=kind.value,
        title=title,
        starts_at=localize(draft.starts_local.replace(second=0, microsecond=0), zone),
        tz=zone.key,
        starts_local=draft.starts_local.replace(second=0, microsecond=0),
        duration_minutes=draft.duration_minutes,
        location=optional_line(draft.location, "location", max_length=300),
        notes=draft.notes.strip(),
        created_at=now,
        updated_at=now,
    )
    meeting.attendees = attendees
    session.add(meeting)
    session.flush()
    if draft.research.strip():
        research.add(session, draft.research, meeting_id=meeting.id, now=now)
    return meeting.id


def get(session: Session, meeting_id: int) -> MeetingView:
    """One meeting with its attendees."""
    return _view(existing_meeting(session, meeting_id))


def list_meetings(
    session: Session, *, contact_id: int | None = None, limit: int | None = None
) -> list[MeetingView]:
    """Meetings, newest first; only those a contact attended when `contact_id` is given."""
    query = select(Meeting).options(selectinload(Meeting.attendees))
    if contact_id is not None:
        live_contact(session, contact_id)
        query = query.where(
            Meeting.id.in_(
                select(meeting_attendees.c.meeting_id).where(
                    meeting_attendees.c.contact_id == contact_id
                )
            )
        )
    query = query.order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [_view(m) for m in session.scalars(query)]


def _view(meeting: Meeting) -> MeetingView:
    zone = get_zone(meeting.tz)
    return MeetingView(
        id=meeting.id,
        kind=MeetingKind(meeting.kind),
        title=meeting.title,
        starts_at=meeting.starts_at.astimezone(zone),
        tz=meeting.tz,
        duration_minutes=meeting.duration_minutes,
        location=meeting.location,
        notes=meeting.notes,
        attendees=tuple((c.id, c.display_name) for c in meeting.attendees if c.deleted_at is None),
    )
