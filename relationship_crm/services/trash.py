"""The trash: contacts moved there (`contacts.trash`) wait 30 days, then are deleted for good.

A trashed contact is hidden everywhere but keeps everything (emails, meetings, follow-ups,
notes, gifts), so restoring it brings it all back. `purge` deletes those trashed longer than the
keeping time, with everything that belongs only to them; the app runs it when it starts and the
command line before its `trash` commands. Every function takes `now`: no clock is read here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from relationship_crm.domain.bounds import check_id
from relationship_crm.domain.changes import Changes, Outcome
from relationship_crm.domain.errors import InvalidInputError, NotFoundError
from relationship_crm.services import contacts
from relationship_crm.storage.schema import Contact, Meeting, meeting_attendees

#: How long a contact stays in the trash before `purge` deletes it for good.
KEEP_FOR = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class TrashedContact:
    """A contact in the trash; `deleted_at` is aware (UTC)."""

    id: int
    name: str
    company: str
    deleted_at: datetime

    def purge_at(self, keep_for: timedelta = KEEP_FOR) -> datetime:
        """When `purge` deletes it for good (the instant it becomes older than `keep_for`)."""
        return self.deleted_at + keep_for


def list_trash(session: Session) -> list[TrashedContact]:
    """The contacts in the trash, most recently deleted first."""
    query = (
        select(Contact)
        .where(Contact.deleted_at.is_not(None))
        .options(selectinload(Contact.company))
        .order_by(Contact.deleted_at.desc(), Contact.id.desc())
    )
    return [
        TrashedContact(
            id=c.id,
            name=c.display_name,
            company=c.company.name if c.company is not None else "",
            deleted_at=c.deleted_at,
        )
        for c in session.scalars(query)
        if c.deleted_at is not None  # always true; narrows the type
    ]


def count(session: Session) -> int:
    """How many contacts are in the trash."""
    return session.scalar(select(func.count()).where(Contact.deleted_at.is_not(None))) or 0


def restore(session: Session, contact_id: int) -> Changes:
    """Bring a contact back from the trash (an error if it is not there)."""
    check_id(contact_id, "contact")
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFoundError(f"no contact with id {contact_id} (was the trash emptied?)")
    if contact.deleted_at is None:
        raise InvalidInputError(
            f"contact {contact_id} ({contact.display_name}) is not in the trash"
        )
    return contacts.restore(session, contact_id)


def purge(session: Session, *, now: datetime, older_than: timedelta = KEEP_FOR) -> Outcome[int]:
    """Delete for good the contacts trashed more than `older_than` before `now`.

    Returns how many were deleted (with the changes). Their emails, phones, follow-ups, gifts,
    notes and places on meeting attendee lists go with them; so do meetings that no other
    contact attended.
    """
    cutoff = now - older_than
    ids = list(
        session.scalars(
            select(Contact.id).where(Contact.deleted_at.is_not(None), Contact.deleted_at < cutoff)
        )
    )
    return _deleted_for_good(session, ids)


def empty_trash(session: Session) -> Outcome[int]:
    """Delete every contact in the trash for good, now; returns how many (and the changes)."""
    ids = list(session.scalars(select(Contact.id).where(Contact.deleted_at.is_not(None))))
    return _deleted_for_good(session, ids)


def _deleted_for_good(session: Session, ids: Sequence[int]) -> Outcome[int]:
    # The trash view and the meetings of the contacts deleted (attendee lists, lone meetings).
    return Outcome(_delete_for_good(session, ids), Changes(contacts=True, meetings=True))


def _delete_for_good(session: Session, ids: Sequence[int]) -> int:
    if not ids:
        return 0
    for start in range(0, len(ids), 500):  # SQLite limits bound parameters per statement
        chunk = ids[start : start + 500]
        met = set(
            session.scalars(
                select(meeting_attendees.c.meeting_id).where(
                    meeting_attendees.c.contact_id.in_(chunk)
                )
            )
        )
        # Child rows go by ON DELETE CASCADE (storage.db turns foreign keys on for every
        # connection); the bulk delete also drops the contacts from the session.
        session.execute(delete(Contact).where(Contact.id.in_(chunk)))
        emptied = [
            mid
            for mid in met
            if session.scalar(select(func.count()).where(meeting_attendees.c.meeting_id == mid))
            == 0
        ]
        if emptied:
            session.execute(delete(Meeting).where(Meeting.id.in_(emptied)))
    # Trashed contacts have no index rows already; this keeps the index right if one had.
    contacts.reindex(session, ids)
    session.expire_all()  # loaded rows may point at what the cascades removed
    return len(ids)
