"""Follow-ups: exact due moments in the rep's zone, keep-in-touch cadences, snooze and the agenda.

Storage keeps the wall clock the rep typed (`due_local`) with its IANA zone and the instant it
means (`due_at`); `remind_at` is the moment the follow-up needs the rep (the snooze time while
snoozed). The decisions themselves (what is due, the next occurrence) belong to `scheduling`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, String, or_, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from relationship_crm.domain import bounds
from relationship_crm.domain.changes import Changes, Created, Outcome
from relationship_crm.domain.enums import FollowUpStatus
from relationship_crm.domain.errors import InvalidInputError, KnownError, NotFoundError
from relationship_crm.domain.followups import Agenda, FollowUpSpec
from relationship_crm.domain.records import CompletionResult, FollowUpDraft, FollowUpView
from relationship_crm.domain.text import clean_block
from relationship_crm.scheduling import reminders
from relationship_crm.scheduling.recurrence import parse_cadence
from relationship_crm.scheduling.zones import day_bounds, get_zone, localize
from relationship_crm.services import team
from relationship_crm.services.common import existing_meeting, live_contact, utcnow
from relationship_crm.storage import portable
from relationship_crm.storage.schema import (
    Contact,
    FollowUp,
    FollowUpCompletion,
    Meeting,
    meeting_attendees,
)

MAX_NOTE = 10_000


def add(session: Session, draft: FollowUpDraft, *, now: datetime | None = None) -> Created:
    """Schedule a follow-up with a contact; returns the new id."""
    now = now or utcnow()
    live_contact(session, draft.contact_id)
    if draft.meeting_id is not None:
        existing_meeting(session, draft.meeting_id)
    zone = get_zone(draft.tz)
    due_local = draft.due_local.replace(second=0, microsecond=0, tzinfo=None)
    bounds.check_wall_clock(due_local, "the follow-up's due time")
    rule = parse_cadence(draft.cadence, start_local=due_local) if draft.cadence else None
    due_at = localize(due_local, zone)
    row = FollowUp(
        contact_id=draft.contact_id,
        meeting_id=draft.meeting_id,
        due_at=due_at,
        tz=zone.key,
        due_local=due_local,
        anchor_local=due_local,
        rrule=rule,
        note=_check_note(draft.note),
        status=FollowUpStatus.OPEN.value,
        snoozed_until=None,
        remind_at=due_at,
        completed_at=None,
        created_at=now,
        updated_at=now,
    )
    if draft.owner is not None:
        row.owner = team.check_rep(session, draft.owner)
    session.add(row)
    session.flush()
    return Created(row.id, Changes(follow_ups=True))


def complete(
    session: Session, follow_up_id: int, *, now: datetime | None = None
) -> Outcome[CompletionResult]:
    """Mark a follow-up done. A recurring one moves on to its next occurrence and stays open."""
    now = now or utcnow()
    row = _open_row(session, follow_up_id, "complete")
    session.add(FollowUpCompletion(follow_up_id=row.id, due_at=row.due_at, completed_at=now))
    next_local = reminders.next_due_after_completion(_spec(row, ""), completed_at=now)
    row.snoozed_until = None
    row.updated_at = now
    row.completed_at = now
    if next_local is None:
        row.status = FollowUpStatus.DONE.value
        return Outcome(CompletionResult(row.id, None), Changes(follow_ups=True))
    row.due_local = next_local
    row.due_at = localize(next_local, row.tz)
    row.remind_at = row.due_at
    next_due = row.due_at.astimezone(get_zone(row.tz))
    return Outcome(CompletionResult(row.id, next_due), Changes(follow_ups=True))


def snooze(
    session: Session, follow_up_id: int, *, until: datetime, now: datetime | None = None
) -> Changes:
    """Put off an open follow-up until an aware moment in the future."""
    now = now or utcnow()
    if until.tzinfo is None:
        raise InvalidInputError("a snooze time needs a time zone")
    if until <= now:
        raise InvalidInputError("the snooze time is in the past; pick a later time")
    bounds.check_instant(until, "the snooze time")
    row = _open_row(session, follow_up_id, "snooze")
    row.snoozed_until = until
    row.remind_at = until
    row.updated_at = now
    return Changes(follow_ups=True)


def cancel(session: Session, follow_up_id: int, *, now: datetime | None = None) -> Changes:
    """Cancel an open follow-up (kept in the history, no longer reminded)."""
    now = now or utcnow()
    row = _open_row(session, follow_up_id, "cancel")
    row.status = FollowUpStatus.CANCELLED.value
    row.updated_at = now
    return Changes(follow_ups=True)


def get(session: Session, follow_up_id: int) -> FollowUpView:
    """One follow-up."""
    bounds.check_id(follow_up_id, "follow-up")
    row = session.get(FollowUp, follow_up_id)
    if row is None:
        raise NotFoundError(f"no follow-up with id {follow_up_id}")
    name = session.scalar(select(Contact.display_name).where(Contact.id == row.contact_id)) or ""
    return _view(row, name)


def list_follow_ups(
    session: Session,
    *,
    contact_id: int | None = None,
    statuses: Sequence[FollowUpStatus] = (FollowUpStatus.OPEN,),
    meeting_id: int | None = None,
    mine: bool = False,
) -> list[FollowUpView]:
    """Follow-ups in due order (by default only open ones); only a meeting's with `meeting_id`;
    only those ringing for this rep with `mine` (on a server database)."""
    query = (
        select(FollowUp, Contact.display_name)
        .join(Contact, Contact.id == FollowUp.contact_id)
        .where(Contact.deleted_at.is_(None), FollowUp.status.in_([s.value for s in statuses]))
        .order_by(FollowUp.remind_at, FollowUp.id)
        .where(*owned(session, mine))
    )
    if contact_id is not None:
        live_contact(session, contact_id)
        query = query.where(FollowUp.contact_id == contact_id)
    if meeting_id is not None:
        existing_meeting(session, meeting_id)
        query = query.where(FollowUp.meeting_id == meeting_id)
    return [_view(row, name) for row, name in session.execute(query)]


def spec_select() -> Select[*tuple[Any, ...]]:
    """The columns of a FollowUpSpec, in its field order, with the contact's name.

    Plain columns, not ORM objects: the daily list may hold thousands of overdue rows.
    """
    return select(
        FollowUp.id,
        FollowUp.contact_id,
        Contact.display_name.label("contact_name"),
        FollowUp.due_local,
        FollowUp.tz,
        FollowUp.note,
        FollowUp.rrule,
        FollowUp.anchor_local,
        FollowUp.snoozed_until,
        FollowUp.meeting_id,
    ).join(Contact, Contact.id == FollowUp.contact_id)


def open_specs(
    session: Session, *, before: datetime | None = None, mine: bool = False
) -> list[FollowUpSpec]:
    """Open follow-ups as scheduler input; only those needing the rep before `before` if given.

    `mine`: only the rep's own and everyone's (on a server database; a file is all one rep's).
    """
    query = spec_select().where(
        FollowUp.status == FollowUpStatus.OPEN.value, Contact.deleted_at.is_(None)
    )
    if before is not None:
        query = query.where(FollowUp.remind_at < before)
    query = query.where(*owned(session, mine))
    # Unpacked, not Row._asdict(): the daily list can hold tens of thousands (issue 18).
    return [
        FollowUpSpec(
            id=fid,
            contact_id=contact_id,
            contact_name=name,
            due_local=due_local,
            tz=tz,
            note=note,
            rrule=rrule,
            anchor_local=anchor_local,
            snoozed_until=snoozed_until,
            meeting_id=meeting_id,
        )
        for (
            fid,
            contact_id,
            name,
            due_local,
            tz,
            note,
            rrule,
            anchor_local,
            snoozed_until,
            meeting_id,
        ) in session.execute(query)
    ]


def agenda(
    session: Session, *, day: date, tz: str, horizon_days: int = 7, mine: bool = False
) -> Agenda:
    """Overdue, due on `day` and coming in the next `horizon_days`, as seen in zone `tz`.

    `mine`: only the follow-ups that ring for this rep (`open_specs`).

    Open follow-ups whose stored time or zone cannot be read are left out and named in
    `Agenda.skipped` (the front end warns and points at `check`).
    """
    bounds.check_day(day, "the day")
    zone = get_zone(tz)
    if horizon_days < 0:
        return reminders.agenda([], day=day, tz=zone, horizon_days=horizon_days)  # its message
    try:
        _, horizon_end = day_bounds(date.fromordinal(day.toordinal() + horizon_days), zone)
    except (OverflowError, ValueError):
        raise InvalidInputError(
            f"{horizon_days} days after {day} is past the end of the calendar"
        ) from None
    specs = open_specs(session, before=horizon_end, mine=mine)
    # Rows whose reminder time is not even text in the stored form sort anywhere (or nowhere);
    # fetch them too, so they are either listed by their due time or reported as skipped.
    seen = {spec.id for spec in specs}
    specs += [s for s in _odd_remind_specs(session, mine=mine) if s.id not in seen]
    # Each follow-up's instant is worked out once: the list can hold tens of thousands (issue 18).
    timed: list[tuple[datetime, FollowUpSpec]] = []
    skipped: list[FollowUpSpec] = []
    for spec in specs:
        instant = _readable_instant(spec)
        if instant is None:
            skipped.append(spec)
        else:
            timed.append((instant, spec))
    plan = reminders.agenda_of(timed, day=day, tz=zone, horizon_days=horizon_days)
    return dataclasses.replace(plan, skipped=tuple(sorted(s.id for s in skipped)))


# The exact stored form of an instant (storage.types.format_instant), as an SQLite GLOB pattern.
_INSTANT_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9].*"


def _odd_remind_specs(session: Session, *, mine: bool = False) -> list[FollowUpSpec]:
    """Open follow-ups whose `remind_at` is not stored in the canonical form."""
    remind_text = type_coerce(FollowUp.remind_at, String)
    ids = list(
        session.scalars(
            select(FollowUp.id).where(
                FollowUp.status == FollowUpStatus.OPEN.value,
                or_(
                    remind_text.is_(None),
                    portable.matches_glob(session, remind_text, _INSTANT_GLOB, negate=True),
                ),
            )
        )
    )
    if not ids:
        return []
    return [s for s in open_specs(session, mine=mine) if s.id in set(ids)]


def _readable_instant(spec: FollowUpSpec) -> datetime | None:
    """When the scheduler places this follow-up (UTC); None if its times or zone are unreadable."""
    for value in (spec.due_local, spec.anchor_local, spec.snoozed_until):
        if bounds.unreadable_text(value) is not None:
            return None
    try:
        return reminders.effective_instant(spec)
    except (KnownError, ValueError, OverflowError):
        return None


def next_wakeup(session: Session, *, now: datetime, mine: bool = False) -> datetime | None:
    """The next moment a follow-up falls due after `now` (for the app's timer)."""
    row = session.scalar(
        select(FollowUp.remind_at)
        .join(Contact, Contact.id == FollowUp.contact_id)
        .where(
            FollowUp.status == FollowUpStatus.OPEN.value,
            FollowUp.remind_at > now,
            # Text that is not a stored instant sorts after every date: never a wake-up time.
            portable.matches_glob(session, FollowUp.remind_at, _INSTANT_GLOB),
            Contact.deleted_at.is_(None),
            *owned(session, mine),
        )
        .order_by(FollowUp.remind_at)
        .limit(1)
    )
    return None if bounds.unreadable_text(row) is not None else row


@dataclass(frozen=True, slots=True)
class AgendaLoad:
    """What the reminders list shows, read in one transaction by `load_agenda`."""

    agenda: Agenda
    next_wakeup: datetime | None


def load_agenda(
    session: Session, *, now: datetime, tz: str, horizon_days: int = 7, mine: bool = False
) -> AgendaLoad:
    """The agenda of `now`'s day in zone `tz` and the next moment a follow-up falls due.

    The wake-up is always the rep's own (a follow-up rings only for its owner); `mine` limits
    the listed agenda too.
    """
    day = now.astimezone(get_zone(tz)).date()
    return AgendaLoad(
        agenda(session, day=day, tz=tz, horizon_days=horizon_days, mine=mine),
        next_wakeup(session, now=now, mine=True),
    )


def owned(session: Session, mine: bool) -> list[ColumnElement[bool]]:
    """The WHERE clause of "only this rep's follow-ups" (none on a file: all are the rep's)."""
    owners = team.mine(session) if mine else None
    return [] if owners is None else [FollowUp.owner.in_(owners)]


def _open_row(session: Session, follow_up_id: int, verb: str) -> FollowUp:
    bounds.check_id(follow_up_id, "follow-up")
    row = session.get(FollowUp, follow_up_id)
    if row is None:
        raise NotFoundError(f"no follow-up with id {follow_up_id}")
    if row.status != FollowUpStatus.OPEN.value:
        raise KnownError(f"follow-up {follow_up_id} is already {row.status}; cannot {verb} it")
    if _unreadable_fields(row):
        # Changing it would write the marker back as if it were a real time.
        raise KnownError(
            f"follow-up {follow_up_id} has a stored time that cannot be read; cannot {verb} it "
            "(run `check --repair`)"
        )
    return row


def _unreadable_fields(row: FollowUp) -> tuple[str, ...]:
    """Names of the row's columns that could not be read (see domain.bounds.UnreadableTime)."""
    found = [
        name
        for name in ("due_at", "due_local", "anchor_local", "snoozed_until", "remind_at")
        if bounds.unreadable_text(getattr(row, name)) is not None
    ]
    if _zone_or_none(row.tz) is None:
        found.append("tz")
    return tuple(found)


def _zone_or_none(name: str) -> ZoneInfo | None:
    try:
        return get_zone(name)
    except KnownError:
        return None


def _check_note(note: str) -> str:
    text = clean_block(note)
    if len(text) > MAX_NOTE:
        raise InvalidInputError(f"the note is too long (at most {MAX_NOTE} characters)")
    return text


def _spec(row: FollowUp, contact_name: str) -> FollowUpSpec:
    return FollowUpSpec(
        id=row.id,
        contact_id=row.contact_id,
        contact_name=contact_name,
        due_local=row.due_local,
        tz=row.tz,
        note=row.note,
        rrule=row.rrule,
        anchor_local=row.anchor_local,
        snoozed_until=row.snoozed_until,
        meeting_id=row.meeting_id,
    )


def _view(row: FollowUp, contact_name: str) -> FollowUpView:
    # A row with an unreadable time or zone is still shown (flagged), never a failure.
    zone = _zone_or_none(row.tz) or ZoneInfo("UTC")
    return FollowUpView(
        id=row.id,
        contact_id=row.contact_id,
        contact_name=contact_name,
        meeting_id=row.meeting_id,
        due=row.due_at.astimezone(zone),
        tz=row.tz,
        rrule=row.rrule,
        note=row.note,
        status=FollowUpStatus(row.status),
        snoozed_until=row.snoozed_until,
        completed_at=row.completed_at,
        unreadable=_unreadable_fields(row),
    )


def update(
    session: Session,
    follow_up_id: int,
    *,
    due_local: datetime | None = None,
    tz: str | None = None,
    note: str | None = None,
    cadence: str | None = None,
    now: datetime | None = None,
) -> Changes:
    """Edit an open follow-up; an argument left at None keeps what is stored.

    `due_local` is the naive wall clock in `tz` (or the stored zone); `cadence` is RRULE text or
    plain words, and "" stops the follow-up repeating. Moving the due moment (a new wall clock or a
    new zone) re-anchors a recurring series on the new due (it starts again from there, COUNT
    included) and drops any snooze; a new cadence also starts its series at the due. Values equal
    to what is stored change nothing, so a form may pass all its fields back. Done and cancelled
    follow-ups cannot be edited (KnownError). Returns Changes(follow_ups=True) if anything changed,
    else an empty Changes().
    """
    now = now or utcnow()
    row = _open_row(session, follow_up_id, "edit")
    zone = get_zone(tz) if tz is not None else get_zone(row.tz)
    new_due = (
        row.due_local
        if due_local is None
        else due_local.replace(second=0, microsecond=0, tzinfo=None)
    )
    if due_local is not None:
        bounds.check_wall_clock(new_due, "the follow-up's due time")
    moved = new_due != row.due_local or zone.key != row.tz
    # Validate everything before touching the row, so a bad field leaves it as it was.
    new_note = row.note if note is None else _check_note(note)
    new_rule = row.rrule
    if cadence is not None:
        new_rule = parse_cadence(cadence, start_local=new_due) if cadence.strip() else None
    elif moved and row.rrule:
        new_rule = _reanchored_rule(row.rrule, new_due)
    rule_changed = new_rule != row.rrule
    if not (moved or rule_changed or new_note != row.note):
        return Changes()
    if moved or rule_changed:
        row.anchor_local = new_due
    if moved:
        row.due_local = new_due
        row.tz = zone.key
        row.due_at = localize(new_due, zone)
        row.snoozed_until = None
    row.rrule = new_rule
    row.note = new_note
    row.remind_at = row.snoozed_until if row.snoozed_until is not None else row.due_at
    row.updated_at = now
    return Changes(follow_ups=True)


def reschedule_overdue(
    session: Session,
    *,
    to_day: date,
    today: date,
    tz: str,
    now: datetime | None = None,
) -> Outcome[int]:
    """Move every open follow-up overdue on `today` (seen in `tz`) to `to_day`; returns how many.

    Each keeps its own wall-clock time in its own zone (a 09:00 in New York becomes 09:00 on
    `to_day` there), as `update` moves it: a recurring series restarts there and a snooze is
    dropped. One transaction: the caller's. `to_day` before `today` is refused.
    """
    now = now or utcnow()
    bounds.check_day(to_day, "the new day")
    if to_day < today:
        raise InvalidInputError(
            f"{to_day.isoformat()} is in the past; pick today ({today.isoformat()}) or later"
        )
    overdue = agenda(session, day=today, tz=tz, horizon_days=0).overdue
    for item in overdue:
        wall = item.spec.due_local.replace(tzinfo=None)
        update(session, item.spec.id, due_local=datetime.combine(to_day, wall.time()), now=now)
    changes = Changes(follow_ups=True) if overdue else Changes()
    return Outcome(len(overdue), changes)


def _reanchored_rule(rule: str, start_local: datetime) -> str:
    """The stored rule restarted at `start_local`, re-read from its words where it has simple ones.

    A plain "monthly" started on the 31st is stored with a month-end form; moved to the 15th it must
    become plain monthly again, so a rule that `describe` puts into words is parsed again from
    those words. Other rules are kept, checked to still happen from the new start.
    """
    # Imported here so this appended edit leaves the module's shared import block untouched.
    from relationship_crm.scheduling.recurrence import describe

    words = describe(rule)
    if words != rule.strip():
        try:
            return parse_cadence(words, start_local=start_local)
        except InvalidInputError:
            pass  # words the parser does not read back ("monthly on the 15th"): keep the rule
    return parse_cadence(rule, start_local=start_local)


def usual_zone(session: Session, contact_id: int) -> str | None:
    """The zone the rep last used with this contact: that of the most recently created follow-up
    or meeting with them (a client in New York is called at New York times), or None.

    The app starts its time-zone pickers there; an unreadable stored zone is passed over.
    """
    candidates: list[tuple[datetime, str]] = []
    follow_up = session.execute(
        select(FollowUp.created_at, FollowUp.tz)
        .where(FollowUp.contact_id == contact_id)
        .order_by(FollowUp.created_at.desc(), FollowUp.id.desc())
        .limit(1)
    ).first()
    meeting = session.execute(
        select(Meeting.created_at, Meeting.tz)
        .join(meeting_attendees, meeting_attendees.c.meeting_id == Meeting.id)
        .where(meeting_attendees.c.contact_id == contact_id)
        .order_by(Meeting.created_at.desc(), Meeting.id.desc())
        .limit(1)
    ).first()
    for row in (follow_up, meeting):
        if row is not None and isinstance(row[0], datetime) and _zone_or_none(row[1]) is not None:
            candidates.append((row[0], row[1]))
    if not candidates:
        return None
    return max(candidates)[1]
