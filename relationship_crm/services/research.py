"""Research notes: dated text (with an optional source link) about a contact, company or meeting."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from relationship_crm.domain.bounds import check_id, in_id_range
from relationship_crm.domain.changes import Changes, Created
from relationship_crm.domain.errors import InvalidInputError, NotFoundError
from relationship_crm.domain.records import ResearchView
from relationship_crm.domain.text import clean_block
from relationship_crm.services.common import existing_meeting, live_contact, optional_line, utcnow
from relationship_crm.storage.schema import Company, ResearchNote

MAX_TEXT = 100_000


def add(
    session: Session,
    text: str,
    *,
    contact_id: int | None = None,
    company_id: int | None = None,
    meeting_id: int | None = None,
    source_url: str = "",
    now: datetime | None = None,
) -> Created:
    """Attach a research note to exactly one of a contact, a company or a meeting."""
    subjects = [x for x in (contact_id, company_id, meeting_id) if x is not None]
    if len(subjects) != 1:
        raise InvalidInputError("a research note is about exactly one contact, company or meeting")
    body = _check_text(text)
    if contact_id is not None:
        live_contact(session, contact_id)
    if company_id is not None and (
        not in_id_range(company_id) or session.get(Company, company_id) is None
    ):
        raise NotFoundError(f"no company with id {company_id}")
    if meeting_id is not None:
        existing_meeting(session, meeting_id)
    note = ResearchNote(
        contact_id=contact_id,
        company_id=company_id,
        meeting_id=meeting_id,
        noted_at=now or utcnow(),
        text=body,
        source_url=optional_line(source_url, "source link", max_length=2000),
    )
    session.add(note)
    session.flush()
    return Created(note.id, Changes(research=True))


def list_notes(
    session: Session,
    *,
    contact_id: int | None = None,
    company_id: int | None = None,
    meeting_id: int | None = None,
) -> list[ResearchView]:
    """Research notes about the given subject(s), newest first."""
    query = select(ResearchNote)
    if contact_id is not None:
        query = query.where(ResearchNote.contact_id == contact_id)
    if company_id is not None:
        query = query.where(ResearchNote.company_id == company_id)
    if meeting_id is not None:
        query = query.where(ResearchNote.meeting_id == meeting_id)
    query = query.order_by(ResearchNote.noted_at.desc(), ResearchNote.id.desc())
    return [
        ResearchView(
            n.id, n.text, n.source_url, n.noted_at, n.contact_id, n.company_id, n.meeting_id
        )
        for n in session.scalars(query)
    ]


def _check_text(text: str) -> str:
    body = clean_block(text)
    if not body:
        raise InvalidInputError("the research note is empty")
    if len(body) > MAX_TEXT:
        raise InvalidInputError(f"the research note is too long (at most {MAX_TEXT} characters)")
    return body


def _existing_note(session: Session, note_id: int) -> ResearchNote:
    check_id(note_id, "research note")
    note = session.get(ResearchNote, note_id)
    if note is None:
        raise NotFoundError(f"no research note with id {note_id}")
    return note


def get(session: Session, note_id: int) -> ResearchView:
    """One research note."""
    n = _existing_note(session, note_id)
    return ResearchView(
        n.id, n.text, n.source_url, n.noted_at, n.contact_id, n.company_id, n.meeting_id
    )


def update(
    session: Session, note_id: int, *, text: str | None = None, source_url: str | None = None
) -> Changes:
    """Correct a research note's text or source link; only the arguments given are touched."""
    note = _existing_note(session, note_id)
    if text is not None:
        note.text = _check_text(text)
    if source_url is not None:
        note.source_url = optional_line(source_url, "source link", max_length=2000)
    session.flush()
    return Changes(research=True)


def delete(session: Session, note_id: int) -> Changes:
    """Delete a research note for good."""
    session.delete(_existing_note(session, note_id))
    session.flush()
    return Changes(research=True)
