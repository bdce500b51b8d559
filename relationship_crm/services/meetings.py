"""Meetings (meeting, call, lunch, event, email) with attendees, notes and research."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete as sql_delete
from sqlalchemy import insert, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session, selectinload

from relationship_crm.domain import bounds
from relationship_crm.domain.changes import Changes, Created
from relationship_crm.domain.enums import MeetingKind
from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.records import MeetingDraft, MeetingView
from relationship_crm.domain.text import clean_block
from relationship_crm.scheduling.zones import get_zone, localize
from relationship_crm.services import research
from relationship_crm.services.common import (
    existing_meeting,
    live_contact,
    optional_line,
    required_line,
    utcnow,
)
from relationship_crm.services.snapshots import RowValues, reinsert, row_values
from relationship_crm.storage.schema import (
    Contact,
    FollowUp,
    Gift,
    Meeting,
    ResearchNote,
    ThankYouNote,
    meeting_attendees,
)

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


def log(session: Session, draft: MeetingDraft, *, now: datetime | None = None) -> Created:
    """Record a meeting with its attendees (and research text, if any); returns the new id."""
    now = now or utcnow()
    title = required_line(draft.title, "the meeting title", max_length=300)
    kind = parse_kind(draft.kind)
    zone = get_zone(draft.tz)
    if not draft.attendee_ids:
        raise InvalidInputError("a meeting needs at least one attendee (a contact id)")
    _check_duration(draft.duration_minutes)
    bounds.check_wall_clock(draft.starts_local, "the meeting's start")
    bounds.check_length(draft.notes, "the meeting notes", bounds.MAX_NOTES)
    attendees = [live_contact(session, cid) for cid in dict.fromkeys(draft.attendee_ids)]
    meeting = Meeting(
        kind=kind.value,
        title=title,
        starts_at=localize(draft.starts_local.replace(second=0, microsecond=0), zone),
        tz=zone.key,
        starts_local=draft.starts_local.replace(second=0, microsecond=0),
        duration_minutes=draft.duration_minutes,
        location=optional_line(draft.location, "location", max_length=300),
        notes=clean_block(draft.notes),
        created_at=now,
        updated_at=now,
    )
    meeting.attendees = attendees
    session.add(meeting)
    session.flush()
    changes = Changes(meetings=True)
    if draft.research.strip():
        changes |= research.add(session, draft.research, meeting_id=meeting.id, now=now).changes
    return Created(meeting.id, changes)


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


def update(
    session: Session,
    meeting_id: int,
    *,
    title: str | None = None,
    starts_local: datetime | None = None,
    tz: str | None = None,
    kind: str | MeetingKind | None = None,
    duration_minutes: int | None = None,
    location: str | None = None,
    notes: str | None = None,
    add_attendees: Sequence[int] = (),
    remove_attendees: Sequence[int] = (),
    now: datetime | None = None,
) -> Changes:
    """Correct a logged meeting; only the arguments given are touched.

    A new zone without a new time keeps the wall-clock time the rep typed (09:00 stays 09:00)
    and moves the instant, as the meeting is stored: wall clock plus zone.
    """
    now = now or utcnow()
    meeting = existing_meeting(session, meeting_id)
    if title is not None:
        meeting.title = required_line(title, "the meeting title", max_length=300)
    if kind is not None:
        meeting.kind = parse_kind(kind).value
    if duration_minutes is not None:
        meeting.duration_minutes = _check_duration(duration_minutes)
    if location is not None:
        meeting.location = optional_line(location, "location", max_length=300)
    if notes is not None:
        bounds.check_length(notes, "the meeting notes", bounds.MAX_NOTES)
        meeting.notes = clean_block(notes)
    if starts_local is not None or tz is not None:
        zone = get_zone(tz if tz is not None else meeting.tz)
        wall = starts_local if starts_local is not None else meeting.starts_local
        bounds.check_wall_clock(wall, "the meeting's start")
        wall = wall.replace(second=0, microsecond=0)
        meeting.starts_local = wall
        meeting.tz = zone.key
        meeting.starts_at = localize(wall, zone)
    if add_attendees or remove_attendees:
        current = list(meeting.attendees)
        present = {c.id for c in current}
        for cid in remove_attendees:
            bounds.check_id(cid, "contact")
            if cid not in present:
                raise InvalidInputError(f"contact {cid} is not an attendee of meeting {meeting_id}")
        gone = set(remove_attendees)
        kept = [c for c in current if c.id not in gone]
        kept_ids = {c.id for c in kept}
        for cid in dict.fromkeys(add_attendees):
            if cid not in kept_ids:
                kept.append(live_contact(session, cid))
                kept_ids.add(cid)
        if not any(c.deleted_at is None for c in kept):
            raise InvalidInputError("a meeting needs at least one attendee (a contact id)")
        meeting.attendees = kept
    meeting.updated_at = now
    session.flush()
    return Changes(meetings=True, contacts=bool(add_attendees or remove_attendees))


def _check_duration(minutes: int) -> int:
    if not 0 <= minutes <= MAX_DURATION_MINUTES:
        raise InvalidInputError(
            f"duration must be between 0 and {MAX_DURATION_MINUTES} minutes, not {minutes}"
        )
    return minutes


@dataclass(frozen=True, slots=True)
class DeletedMeeting:
    """Everything `delete` removed or unlinked, so `undelete` can put the meeting back.

    `values` are the meeting row's columns; `research` and `thanks` the rows that went with it;
    the follow-ups and gifts that came from it were only unlinked (their ids are kept).
    """

    values: RowValues
    attendee_ids: tuple[int, ...]
    research: tuple[RowValues, ...]
    thanks: tuple[RowValues, ...]
    follow_up_ids: tuple[int, ...]
    gift_ids: tuple[int, ...]

    @property
    def id(self) -> int:
        return int(self.values["id"])

    @property
    def title(self) -> str:
        return str(self.values["title"])

    @property
    def changes(self) -> Changes:
        """What deleting (or bringing back) this meeting touches."""
        return Changes(
            meetings=True,
            research=bool(self.research),
            thanks=bool(self.thanks),
            follow_ups=bool(self.follow_up_ids),
            gifts=bool(self.gift_ids),
        )


def delete(session: Session, meeting_id: int) -> DeletedMeeting:
    """Delete a meeting with its attendee list, research notes and thank-you notes.

    Follow-ups and gifts that came from the meeting stay, unlinked from it. Returns a snapshot
    for `undelete`.
    """
    meeting = existing_meeting(session, meeting_id)
    snapshot = DeletedMeeting(
        values=row_values(meeting),
        attendee_ids=tuple(
            session.scalars(
                select(meeting_attendees.c.contact_id)
                .where(meeting_attendees.c.meeting_id == meeting_id)
                .order_by(meeting_attendees.c.contact_id)
            )
        ),
        research=tuple(
            row_values(n)
            for n in session.scalars(
                select(ResearchNote)
                .where(ResearchNote.meeting_id == meeting_id)
                .order_by(ResearchNote.id)
            )
        ),
        thanks=tuple(
            row_values(n)
            for n in session.scalars(
                select(ThankYouNote)
                .where(ThankYouNote.meeting_id == meeting_id)
                .order_by(ThankYouNote.id)
            )
        ),
        follow_up_ids=tuple(
            session.scalars(
                select(FollowUp.id).where(FollowUp.meeting_id == meeting_id).order_by(FollowUp.id)
            )
        ),
        gift_ids=tuple(
            session.scalars(select(Gift.id).where(Gift.meeting_id == meeting_id).order_by(Gift.id))
        ),
    )
    # Spelled out rather than left to ON DELETE, so the session's loaded rows stay in step
    # (bulk statements update or drop the matching objects it holds).
    session.execute(
        sql_update(FollowUp).where(FollowUp.meeting_id == meeting_id).values(meeting_id=None)
    )
    session.execute(sql_update(Gift).where(Gift.meeting_id == meeting_id).values(meeting_id=None))
    session.execute(sql_delete(ResearchNote).where(ResearchNote.meeting_id == meeting_id))
    session.execute(sql_delete(ThankYouNote).where(ThankYouNote.meeting_id == meeting_id))
    session.execute(
        sql_delete(meeting_attendees).where(meeting_attendees.c.meeting_id == meeting_id)
    )
    session.execute(sql_delete(Meeting).where(Meeting.id == meeting_id))
    return snapshot


def undelete(session: Session, snapshot: DeletedMeeting) -> Changes:
    """Put a deleted meeting back as it was: same id (when still free), attendees, research and
    thank-you notes, and relink the follow-ups and gifts that came from it.

    Attendees deleted for good since (an emptied trash) are left out, with their notes; a
    follow-up or gift linked to another meeting since keeps that link.
    """
    meeting = reinsert(session, Meeting, snapshot.values)
    new_id = meeting.id
    present = set(session.scalars(select(Contact.id).where(Contact.id.in_(snapshot.attendee_ids))))
    attendees = [cid for cid in snapshot.attendee_ids if cid in present]
    if attendees:
        session.execute(
            insert(meeting_attendees),
            [{"meeting_id": new_id, "contact_id": cid} for cid in attendees],
        )
    for values in snapshot.research:
        reinsert(session, ResearchNote, {**values, "meeting_id": new_id})
    for values in snapshot.thanks:
        if values["contact_id"] in present:
            reinsert(session, ThankYouNote, {**values, "meeting_id": new_id})
    if snapshot.follow_up_ids:
        session.execute(
            sql_update(FollowUp)
            .where(FollowUp.id.in_(snapshot.follow_up_ids), FollowUp.meeting_id.is_(None))
            .values(meeting_id=new_id)
        )
    if snapshot.gift_ids:
        session.execute(
            sql_update(Gift)
            .where(Gift.id.in_(snapshot.gift_ids), Gift.meeting_id.is_(None))
            .values(meeting_id=new_id)
        )
    session.flush()
    return snapshot.changes


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
