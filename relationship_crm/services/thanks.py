"""Thank-you notes: one plain-text draft per meeting attendee, then printed, then sent.

A note belongs to one attendee of one meeting; the database allows at most one per pair. This
module lists and shows the notes, records that they were printed or sent, deletes a note (and
puts it back), and finds the notes still not sent some days after their meeting, for the
Reminders panel and the thank-you window. Drafting a meeting's notes, the rep's edits and
re-drafts are `services.thanks_drafts`; what a note says (the rep's details, dates, a template
filled in) is `services.thanks_text`; choosing the notes to print and their pages is
`services.thanks_printing`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from relationship_crm.domain.bounds import MAX_ID, in_id_range
from relationship_crm.domain.changes import Changes
from relationship_crm.domain.enums import ThanksStatus
from relationship_crm.domain.errors import InvalidInputError, NotFoundError
from relationship_crm.scheduling.zones import get_zone
from relationship_crm.services import meetings, note_templates, settings
from relationship_crm.services.common import utcnow
from relationship_crm.services.note_templates import TemplateInfo
from relationship_crm.services.snapshots import RowValues, reinsert, row_values
from relationship_crm.storage.schema import Contact, Meeting, ThankYouNote

#: Days after its meeting when a note still not sent shows in the Reminders panel.
UNSENT_AFTER_DAYS = 2


@dataclass(frozen=True, slots=True)
class ThanksView:
    """A thank-you note with its recipient and meeting; instants are aware (UTC)."""

    id: int
    meeting_id: int
    contact_id: int
    contact_name: str
    status: ThanksStatus
    body: str
    drafted_at: datetime
    printed_at: datetime | None
    sent_at: datetime | None
    template: str = ""
    edited: bool = False
    meeting_title: str = ""
    meeting_day: date | None = None
    meeting_kind: str = ""


@dataclass(frozen=True, slots=True)
class ThanksDue:
    """A note still not sent some days after its meeting (for the Reminders panel)."""

    note_id: int
    contact_id: int
    contact_name: str
    meeting_id: int
    meeting_title: str
    meeting_day: date
    status: ThanksStatus
    days_since: int


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
    contact_id: int | None = None,
    note_ids: Sequence[int] | None = None,
    statuses: Iterable[str | ThanksStatus] | None = None,
) -> list[ThanksView]:
    """Thank-you notes, oldest draft first; optionally filtered by status (or any of `statuses`),
    meeting, contact and ids.

    Notes to contacts in the trash are left out, as everywhere else.
    """
    query = (
        select(ThankYouNote, Contact.display_name, Meeting)
        .join(Contact, Contact.id == ThankYouNote.contact_id)
        .join(Meeting, Meeting.id == ThankYouNote.meeting_id)
        .where(Contact.deleted_at.is_(None))
    )
    if status is not None:
        query = query.where(ThankYouNote.status == parse_status(status).value)
    if statuses is not None:
        query = query.where(ThankYouNote.status.in_([parse_status(v).value for v in statuses]))
    if meeting_id is not None:
        query = query.where(ThankYouNote.meeting_id == min(meeting_id, MAX_ID))
    if contact_id is not None:
        query = query.where(ThankYouNote.contact_id == min(contact_id, MAX_ID))
    if note_ids is not None:
        query = query.where(ThankYouNote.id.in_([i for i in note_ids if in_id_range(i)]))
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
            template=note.template,
            edited=note.edited_at is not None,
            meeting_title=meeting.title,
            meeting_day=meeting.starts_local.date(),
            meeting_kind=meeting.kind,
        )
        for note, name, meeting in session.execute(query)
    ]


def get_note(session: Session, note_id: int) -> ThanksView:
    """One note, or NotFoundError."""
    found = list_notes(session, note_ids=[note_id])
    if not found:
        raise NotFoundError(f"no thank-you note with id {note_id}")
    return found[0]


def existing_notes(session: Session, note_ids: Iterable[int]) -> list[ThankYouNote]:
    """The notes with these ids, in the order given; every missing id is named in one error."""
    wanted = list(dict.fromkeys(note_ids))
    if not wanted:
        raise InvalidInputError("no thank-you notes given")
    rows = {
        n.id: n
        for n in session.scalars(
            select(ThankYouNote)
            .join(Contact, Contact.id == ThankYouNote.contact_id)
            .where(
                ThankYouNote.id.in_([i for i in wanted if in_id_range(i)]),
                Contact.deleted_at.is_(None),
            )
        )
    }
    missing = [i for i in wanted if i not in rows]
    if missing:
        listed = ", ".join(str(i) for i in missing)
        raise NotFoundError(f"no thank-you note with id {listed}")
    return [rows[i] for i in wanted]


def mark_printed(
    session: Session, note_ids: Iterable[int], *, now: datetime | None = None
) -> Changes:
    """Record that these notes were printed (again); a sent note stays sent."""
    now = now or utcnow()
    for note in existing_notes(session, note_ids):
        note.printed_at = now
        if note.status == ThanksStatus.DRAFT.value:
            note.status = ThanksStatus.PRINTED.value
    return Changes(thanks=True)


def mark_sent(session: Session, note_ids: Iterable[int], *, now: datetime | None = None) -> Changes:
    """Record that these notes were sent (a handwritten note may skip printing).

    A note already sent keeps its first sent date.
    """
    now = now or utcnow()
    for note in existing_notes(session, note_ids):
        if note.status != ThanksStatus.SENT.value:
            note.status = ThanksStatus.SENT.value
            note.sent_at = now
    return Changes(thanks=True)


@dataclass(frozen=True, slots=True)
class DeletedNote:
    """A deleted thank-you note as it was stored, for `undelete_note`; names for messages."""

    values: RowValues
    contact_name: str
    meeting_title: str

    @property
    def id(self) -> int:
        return int(self.values["id"])

    @property
    def changes(self) -> Changes:
        return Changes(thanks=True)


def delete_note(session: Session, note_id: int) -> DeletedNote:
    """Delete a note (drafting the meeting again would write a new one); returns a snapshot
    that `undelete_note` puts back."""
    (note,) = existing_notes(session, [note_id])
    contact = session.get_one(Contact, note.contact_id)
    meeting = session.get_one(Meeting, note.meeting_id)
    snapshot = DeletedNote(row_values(note), contact.display_name, meeting.title)
    session.delete(note)
    session.flush()
    return snapshot


def undelete_note(session: Session, snapshot: DeletedNote) -> Changes:
    """Put a deleted note back as it was (same id when still free, same text and dates).

    Fails when its meeting or recipient is gone for good, or when a new note to the same
    attendee of the same meeting was drafted since (there is one note per attendee).
    """
    values = snapshot.values
    name = snapshot.contact_name
    if session.get(Meeting, values["meeting_id"]) is None:
        raise NotFoundError(f"the meeting of the note to {name} no longer exists")
    if session.get(Contact, values["contact_id"]) is None:
        raise NotFoundError(f"{name} no longer exists, so the note cannot come back")
    newer = session.scalar(
        select(ThankYouNote.id).where(
            ThankYouNote.meeting_id == values["meeting_id"],
            ThankYouNote.contact_id == values["contact_id"],
        )
    )
    if newer is not None:
        raise InvalidInputError(
            f"a newer thank-you note to {name} for this meeting exists (note {newer}); "
            "the deleted one was not brought back"
        )
    reinsert(session, ThankYouNote, values)
    return Changes(thanks=True)


def unsent_due(
    session: Session, *, now: datetime | None = None, zone: str | None = None
) -> list[ThanksDue]:
    """Notes not yet sent whose meeting was at least UNSENT_AFTER_DAYS days ago (local days).

    A meeting on Monday shows its unsent notes from Wednesday morning. Oldest meeting first.
    """
    now = now or utcnow()
    today = now.astimezone(get_zone(zone or settings.zone(session))).date()
    # Meetings store their own local wall-clock day; comparing with the rep's day is what a rep
    # means by "two days after".
    cutoff = today - timedelta(days=UNSENT_AFTER_DAYS)
    before = datetime.combine(cutoff + timedelta(days=1), datetime.min.time())
    rows = session.execute(
        select(ThankYouNote, Contact.display_name, Meeting)
        .join(Contact, Contact.id == ThankYouNote.contact_id)
        .join(Meeting, Meeting.id == ThankYouNote.meeting_id)
        .where(
            Contact.deleted_at.is_(None),
            ThankYouNote.status != ThanksStatus.SENT.value,
            # WallClock text sorts in time order; the day after the cutoff starts at midnight.
            Meeting.starts_local < before,
        )
        .order_by(Meeting.starts_local, Contact.sort_name, ThankYouNote.id)
    )
    return [
        ThanksDue(
            note_id=note.id,
            contact_id=note.contact_id,
            contact_name=name,
            meeting_id=meeting.id,
            meeting_title=meeting.title,
            meeting_day=meeting.starts_local.date(),
            status=ThanksStatus(note.status),
            days_since=(today - meeting.starts_local.date()).days,
        )
        for note, name, meeting in rows
    ]


def count_notes(session: Session, *, statuses: Iterable[str | ThanksStatus] | None = None) -> int:
    """How many notes to live contacts have one of `statuses` (all when None): a count of what
    `list_notes` lists, without reading the notes."""
    query = (
        select(func.count())
        .select_from(ThankYouNote)
        .join(Contact, Contact.id == ThankYouNote.contact_id)
        .where(Contact.deleted_at.is_(None))
    )
    if statuses is not None:
        query = query.where(ThankYouNote.status.in_([parse_status(v).value for v in statuses]))
    return int(session.scalar(query) or 0)


def unsent_due_first(
    session: Session, *, limit: int, now: datetime | None = None, zone: str | None = None
) -> tuple[list[ThanksDue], int]:
    """The first `limit` of `unsent_due` (same order) and how many there are in all.

    What the Reminders panel's box shows: a rep with thousands of late notes sees the oldest and
    the count, read as plain rows, not every note.
    """
    now = now or utcnow()
    today = now.astimezone(get_zone(zone or settings.zone(session))).date()
    cutoff = today - timedelta(days=UNSENT_AFTER_DAYS)
    before = datetime.combine(cutoff + timedelta(days=1), datetime.min.time())
    conditions = (
        Contact.deleted_at.is_(None),
        # "Not sent" as the statuses it is: SQLite then starts from the status index (the
        # unsent few) rather than from every contact.
        ThankYouNote.status.in_([v.value for v in ThanksStatus if v is not ThanksStatus.SENT]),
        Meeting.starts_local < before,
    )
    total = session.scalar(
        select(func.count())
        .select_from(ThankYouNote)
        .join(Contact, Contact.id == ThankYouNote.contact_id)
        .join(Meeting, Meeting.id == ThankYouNote.meeting_id)
        .where(*conditions)
    )
    rows = session.execute(
        select(
            ThankYouNote.id,
            ThankYouNote.contact_id,
            Contact.display_name,
            Meeting.id,
            Meeting.title,
            Meeting.starts_local,
            ThankYouNote.status,
        )
        .join(Contact, Contact.id == ThankYouNote.contact_id)
        .join(Meeting, Meeting.id == ThankYouNote.meeting_id)
        .where(*conditions)
        .order_by(Meeting.starts_local, Contact.sort_name, ThankYouNote.id)
        .limit(max(limit, 0))
    )
    first = [
        ThanksDue(
            note_id=note_id,
            contact_id=contact_id,
            contact_name=name,
            meeting_id=meeting_id,
            meeting_title=title,
            meeting_day=starts.date(),
            status=ThanksStatus(status),
            days_since=(today - starts.date()).days,
        )
        for note_id, contact_id, name, meeting_id, title, starts, status in rows
    ]
    return first, int(total or 0)


# --- what the thank-you windows show, each read in one transaction ---------------------------


def _window_order(note: ThanksView) -> tuple[date, int, str, int]:
    """Oldest meeting first; a meeting's notes by recipient."""
    return (note.meeting_day or date.min, note.meeting_id, note.contact_name.casefold(), note.id)


@dataclass(frozen=True, slots=True)
class NotesLoad:
    """What one refresh of the notes window shows, read in one transaction by `load_notes`."""

    notes: tuple[ThanksView, ...]
    templates: tuple[TemplateInfo, ...]
    meeting_title: str | None = None  # None without a meeting filter or when it was deleted


def load_notes(
    session: Session, statuses: frozenset[ThanksStatus] | None, meeting_id: int | None
) -> NotesLoad:
    """The notes with one of `statuses` (all when None), of one meeting when given, oldest
    meeting first; the templates; and the meeting's title."""
    found = list_notes(session, meeting_id=meeting_id, statuses=statuses)
    found.sort(key=_window_order)
    title: str | None = None
    if meeting_id is not None:
        try:
            title = meetings.get(session, meeting_id).title
        except NotFoundError:
            title = None
    return NotesLoad(tuple(found), tuple(note_templates.list_templates(session)), title)
