"""Thank-you notes: one plain-text draft per meeting attendee, then printed, then sent.

A note belongs to one attendee of one meeting; the database allows at most one per pair, and
`draft_for_meeting` never tries to add a second one. The body is plain text built by
`default_body` (a later issue replaces it with templates from `resources/templates/`): names and
titles the rep typed are data, never markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from relationship_crm.domain.enums import MeetingKind, ThanksStatus
from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.text import clean_line
from relationship_crm.services.common import existing_meeting, utcnow
from relationship_crm.storage.schema import Contact, ThankYouNote

# Month names spelled out here rather than with strftime("%B"), which follows the C locale.
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

#: The template name stored with drafts made by `default_body` (templates come in a later issue).
DEFAULT_TEMPLATE = "default"


@dataclass(frozen=True, slots=True)
class ThanksView:
    """A thank-you note with its recipient's name; instants are aware (UTC)."""

    id: int
    meeting_id: int
    contact_id: int
    contact_name: str
    status: ThanksStatus
    body: str
    drafted_at: datetime
    printed_at: datetime | None
    sent_at: datetime | None


def _day_month(day: date) -> str:
    """ "20 November": day without a leading zero, English month name, locale-independent."""
    return f"{day.day} {_MONTHS[day.month - 1]}"


def default_body(
    first_name: str, meeting_title: str, meeting_kind: MeetingKind | str, meeting_date: date
) -> str:
    """The plain-text body of a thank-you note, worded for the kind of meeting.

    For ("Jane", "Kick-off", "meeting", 2026-11-20) it reads "Dear Jane," then a blank line, then
    "Thank you for taking the time to meet with me on 20 November about Kick-off. I enjoyed our
    conversation and look forward to staying in touch." (one line), a blank line and the closing.
    Calls "speak with me", lunches and events "join me"; an unknown kind reads as a meeting.
    """
    name = clean_line(first_name) or "there"
    # A title that already ends a sentence must not get a second full stop.
    title = clean_line(meeting_title).rstrip(".!?") or "our work together"
    when = _day_month(meeting_date)
    try:
        kind = MeetingKind(str(meeting_kind).strip().lower())
    except ValueError:
        kind = MeetingKind.MEETING
    opening = {
        MeetingKind.MEETING: f"Thank you for taking the time to meet with me on {when}",
        MeetingKind.CALL: f"Thank you for taking the time to speak with me on {when}",
        MeetingKind.LUNCH: f"Thank you for joining me for lunch on {when} to talk",
        MeetingKind.EVENT: f"Thank you for joining me at {title} on {when}.",
        MeetingKind.EMAIL: f"Thank you for your thoughtful reply on {when}",
    }[kind]
    if kind is not MeetingKind.EVENT:
        opening += f" about {title}."
    return (
        f"Dear {name},\n\n"
        f"{opening} I enjoyed our conversation and look forward to staying in touch.\n\n"
        "With best regards,"
    )


def _first_name(contact: Contact) -> str:
    """How a note addresses a contact: the given name, else the whole display name."""
    return contact.given_name.strip() or contact.display_name


def draft_for_meeting(
    session: Session,
    meeting_id: int,
    *,
    now: datetime | None = None,
    contact_ids: Iterable[int] | None = None,
) -> list[int]:
    """Draft a thank-you note to each attendee of a meeting (or to the given attendees only).

    Attendees who already have a note for this meeting (in any status) and attendees in the trash
    are skipped, so running this twice creates nothing the second time. Returns the ids of the
    new drafts, in attendee order. A contact in `contact_ids` who did not attend is an error.
    """
    now = now or utcnow()
    meeting = existing_meeting(session, meeting_id)
    attendees = [c for c in meeting.attendees if c.deleted_at is None]
    if contact_ids is not None:
        wanted = list(dict.fromkeys(contact_ids))
        present = {c.id for c in meeting.attendees}
        strangers = [cid for cid in wanted if cid not in present]
        if strangers:
            listed = ", ".join(str(cid) for cid in strangers)
            raise InvalidInputError(f"contact {listed} did not attend meeting {meeting_id}")
        attendees = [c for c in attendees if c.id in set(wanted)]
    already = set(
        session.scalars(
            select(ThankYouNote.contact_id).where(ThankYouNote.meeting_id == meeting_id)
        )
    )
    meeting_day = meeting.starts_local.date()
    notes: list[ThankYouNote] = []
    for contact in attendees:
        if contact.id in already:
            continue
        notes.append(
            ThankYouNote(
                meeting_id=meeting_id,
                contact_id=contact.id,
                template=DEFAULT_TEMPLATE,
                body=default_body(_first_name(contact), meeting.title, meeting.kind, meeting_day),
                status=ThanksStatus.DRAFT.value,
                drafted_at=now,
                printed_at=None,
                sent_at=None,
            )
        )
    session.add_all(notes)
    session.flush()
    return [n.id for n in notes]


def parse_status(value: str | ThanksStatus) -> ThanksStatus:
    """A ThanksStatus from its name; the error lists the valid ones."""
    try:
        return ThanksStatus(str(value).strip().lower())
    except ValueError:
        valid = ", ".join(s.value for s in ThanksStatus)
        raise InvalidInputError(
            f"unknown note status {str(value)!r}; use one of: {valid}"
        ) from None


def list_notes(
    session: Session,
    *,
    status: str | ThanksStatus | None = None,
    meeting_id: int | None = None,
) -> list[ThanksView]:
    """Thank-you notes, oldest draft first; optionally one status and/or one meeting only.

    Notes to contacts in the trash are left out, as everywhere else.
    """
    query = (
        select(ThankYouNote, Contact.display_name)
        .join(Contact, Contact.id == ThankYouNote.contact_id)
        .where(Contact.deleted_at.is_(None))
    )
    if status is not None:
        query = query.where(ThankYouNote.status == parse_status(status).value)
    if meeting_id is not None:
        query = query.where(ThankYouNote.meeting_id == meeting_id)
    query = query.order_by(ThankYouNote.drafted_at, ThankYouNote.id)
    return [
        ThanksView(
            id=note.id,
            meeting_id=note.meeting_id,
            contact_id=note.contact_id,
            contact_name=name,
            status=ThanksStatus(note.status),
            body=note.body,
            drafted_at=note.drafted_at,
            printed_at=note.printed_at,
            sent_at=note.sent_at,
        )
        for note, name in session.execute(query)
    ]
