"""Trigger events: news about an account (a merger, new funding, a new executive) and the follow-ups
it calls for.

A trigger event is about one company or one contact. Recording it schedules a follow-up for each
live contact it concerns (every contact of the company, or the one contact), by default on the
next working day at 09:00 in the rep's zone, all in the caller's one transaction. The event is not
a touch: it is news, and the follow-ups are what turns it into one. The source is where the rep
read it, stored as text and never fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from relationship_crm.domain import bounds
from relationship_crm.domain.changes import Changes, Outcome
from relationship_crm.domain.enums import TriggerKind
from relationship_crm.domain.errors import InvalidInputError, NotFoundError
from relationship_crm.domain.records import FollowUpDraft
from relationship_crm.domain.text import clean_block
from relationship_crm.scheduling.zones import get_zone
from relationship_crm.services import followups, settings
from relationship_crm.services.common import live_contact, optional_line, utcnow
from relationship_crm.storage.schema import Company, Contact, FollowUp, TriggerEvent

MAX_SOURCE = 2_000
#: The wall time a follow-up from an event gets when none is given.
DEFAULT_FOLLOW_UP_TIME = time(9, 0)
#: How much of the event's note a follow-up's note repeats (the event keeps the whole text).
NOTE_EXCERPT = 200


@dataclass(frozen=True, slots=True)
class TriggerEventDraft:
    """An event to record: about exactly one of a company or a contact."""

    kind: TriggerKind | str
    happened_on: date
    note: str = ""
    source: str = ""
    company_id: int | None = None
    contact_id: int | None = None


@dataclass(frozen=True, slots=True)
class FollowUpTime:
    """When the event's follow-ups are due: a wall time in a zone, or None for the defaults
    (the next working day at 09:00, the rep's zone)."""

    due_local: datetime | None = None
    tz: str | None = None


@dataclass(frozen=True, slots=True)
class TriggerEventView:
    """One event as lists and the edit form show it; `company` is the event's company or, for a
    contact's event, the contact's company ("" for none)."""

    id: int
    kind: TriggerKind
    happened_on: date
    note: str
    source: str
    company_id: int | None
    company: str
    contact_id: int | None
    contact_name: str
    followup_ids: tuple[int, ...]
    created_at: datetime
    updated_at: datetime

    @property
    def subject(self) -> str:
        """Whom the event is about, in words: "Acme" or "Jane Doe (Acme)"."""
        if self.contact_id is None:
            return self.company
        return f"{self.contact_name} ({self.company})" if self.company else self.contact_name


@dataclass(frozen=True, slots=True)
class Recipient:
    """A live contact who gets a follow-up when the event is saved."""

    contact_id: int
    name: str


@dataclass(frozen=True, slots=True)
class EventAdded:
    """What `add` did: the event's id, the follow-ups created and the zone they are due in."""

    event_id: int
    followup_ids: tuple[int, ...]
    due_local: datetime | None
    tz: str


@dataclass(frozen=True, slots=True)
class EventFormData:
    """What the Add/Edit event dialog needs, read in one transaction by `load_form`."""

    companies: tuple[tuple[int, str], ...]
    event: TriggerEventView | None


def parse_kind(value: TriggerKind | str) -> TriggerKind:
    """A kind from its key ("new-executive"); spaces and underscores are read as hyphens."""
    if isinstance(value, TriggerKind):
        return value
    key = "-".join(value.strip().lower().replace("_", " ").replace("-", " ").split())
    try:
        return TriggerKind(key)
    except ValueError:
        known = ", ".join(k.value for k in TriggerKind)
        raise InvalidInputError(f"unknown event kind {value!r}; use one of {known}") from None


def next_working_day(today: date) -> date:
    """The first Monday-to-Friday day after `today`."""
    day = today + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def default_due(now: datetime, zone: str) -> datetime:
    """The default due wall time of an event's follow-ups: next working day, 09:00, in `zone`."""
    today = now.astimezone(get_zone(zone)).date()
    return datetime.combine(next_working_day(today), DEFAULT_FOLLOW_UP_TIME)


def preview(
    session: Session, *, company_id: int | None = None, contact_id: int | None = None
) -> list[Recipient]:
    """Who would get a follow-up if an event about this company or contact were saved now."""
    _check_subject(session, company_id, contact_id)
    if contact_id is not None:
        contact = live_contact(session, contact_id)
        return [Recipient(contact.id, contact.display_name)]
    query = (
        select(Contact.id, Contact.display_name)
        .where(Contact.company_id == company_id, Contact.deleted_at.is_(None))
        .order_by(Contact.sort_name, Contact.id)
    )
    return [Recipient(cid, name) for cid, name in session.execute(query)]


def add(
    session: Session,
    draft: TriggerEventDraft,
    *,
    follow_up: FollowUpTime | None = FollowUpTime(),  # noqa: B008 - frozen, never mutated
    now: datetime | None = None,
) -> Outcome[EventAdded]:
    """Record an event and, unless `follow_up` is None, a follow-up for each contact concerned."""
    now = now or utcnow()
    _check_subject(session, draft.company_id, draft.contact_id)
    if draft.contact_id is not None:
        live_contact(session, draft.contact_id)
    row = TriggerEvent(
        kind=parse_kind(draft.kind).value,
        happened_on=bounds.check_day(draft.happened_on, "the event's date"),
        note=_check_note(draft.note),
        source=optional_line(draft.source, "the source", max_length=MAX_SOURCE),
        company_id=draft.company_id,
        contact_id=draft.contact_id,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    changes = Changes(trigger_events=True)
    zone = get_zone(follow_up.tz or settings.zone(session)).key if follow_up else ""
    if follow_up is None:
        return Outcome(EventAdded(row.id, (), None, zone), changes)
    due = follow_up.due_local or default_due(now, zone)
    note = follow_up_note(session, row)
    created: list[int] = []
    for person in preview(session, company_id=draft.company_id, contact_id=draft.contact_id):
        draft_fu = FollowUpDraft(contact_id=person.contact_id, due_local=due, tz=zone, note=note)
        new_id = followups.add(session, draft_fu, now=now).id
        created.append(new_id)
    if created:
        session.execute(
            update(FollowUp).where(FollowUp.id.in_(created)).values(trigger_event_id=row.id)
        )
        changes |= Changes(follow_ups=True)
    return Outcome(EventAdded(row.id, tuple(created), due, zone), changes)


def follow_up_note(session: Session, row: TriggerEvent) -> str:
    """The note of a follow-up the event created: the event's kind, subject, date and note."""
    kind = TriggerKind(row.kind).label
    if row.company_id is not None:
        about = session.scalar(select(Company.name).where(Company.id == row.company_id)) or ""
        where = f" at {about}"
    else:
        person = session.scalar(select(Contact.display_name).where(Contact.id == row.contact_id))
        where = f": {person}" if person else ""
    text = f"{kind}{where} ({row.happened_on.isoformat()}, trigger event #{row.id})"
    if row.note:
        excerpt = " ".join(row.note.split())
        if len(excerpt) > NOTE_EXCERPT:
            excerpt = excerpt[: NOTE_EXCERPT - 1] + "…"
        text += f" — {excerpt}"
    return text


def get(session: Session, event_id: int) -> TriggerEventView:
    """One event."""
    row = _existing(session, event_id)
    return _views(session, [row])[0]


def list_events(
    session: Session,
    *,
    contact_id: int | None = None,
    company_id: int | None = None,
    since: date | None = None,
    limit: int | None = None,
) -> list[TriggerEventView]:
    """Events, newest first. With `contact_id`, those about the contact or their company; with
    `company_id`, those about the company or one of its contacts; `since` is inclusive. Events
    about a contact in the trash are hidden with the contact."""
    trashed = select(Contact.id).where(Contact.deleted_at.is_not(None))
    query = select(TriggerEvent).where(
        or_(TriggerEvent.contact_id.is_(None), TriggerEvent.contact_id.not_in(trashed))
    )
    if contact_id is not None:
        contact = live_contact(session, contact_id)
        about = [TriggerEvent.contact_id == contact_id]
        if contact.company_id is not None:
            about.append(TriggerEvent.company_id == contact.company_id)
        query = query.where(or_(*about))
    if company_id is not None:
        _existing_company(session, company_id)
        people = select(Contact.id).where(Contact.company_id == company_id)
        query = query.where(
            or_(TriggerEvent.company_id == company_id, TriggerEvent.contact_id.in_(people))
        )
    if since is not None:
        query = query.where(TriggerEvent.happened_on >= bounds.check_day(since, "the start day"))
    query = query.order_by(TriggerEvent.happened_on.desc(), TriggerEvent.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return _views(session, list(session.scalars(query)))


def update_event(
    session: Session,
    event_id: int,
    *,
    kind: TriggerKind | str | None = None,
    happened_on: date | None = None,
    note: str | None = None,
    source: str | None = None,
    now: datetime | None = None,
) -> Changes:
    """Correct an event; only the arguments given are touched. Its follow-ups stay as they are."""
    row = _existing(session, event_id)
    if kind is not None:
        row.kind = parse_kind(kind).value
    if happened_on is not None:
        row.happened_on = bounds.check_day(happened_on, "the event's date")
    if note is not None:
        row.note = _check_note(note)
    if source is not None:
        row.source = optional_line(source, "the source", max_length=MAX_SOURCE)
    row.updated_at = now or utcnow()
    session.flush()
    return Changes(trigger_events=True)


def delete(session: Session, event_id: int) -> Changes:
    """Delete an event for good. The follow-ups it created stay, no longer linked to it."""
    row = _existing(session, event_id)
    # The foreign key says SET NULL too; unlinking here does not depend on the pragma.
    session.execute(
        update(FollowUp).where(FollowUp.trigger_event_id == row.id).values(trigger_event_id=None)
    )
    session.delete(row)
    session.flush()
    return Changes(trigger_events=True, follow_ups=True)


def load_form(session: Session, event_id: int | None = None) -> EventFormData:
    """The companies to choose from (by name) and the event edited, if any."""
    names = session.execute(select(Company.id, Company.name).order_by(Company.name_key))
    return EventFormData(
        companies=tuple((cid, name) for cid, name in names),
        event=get(session, event_id) if event_id is not None else None,
    )


def _views(session: Session, rows: list[TriggerEvent]) -> list[TriggerEventView]:
    if not rows:
        return []
    ids = [r.id for r in rows]
    links: dict[int, list[int]] = {}
    for fid, eid in session.execute(
        select(FollowUp.id, FollowUp.trigger_event_id)
        .where(FollowUp.trigger_event_id.in_(ids))
        .order_by(FollowUp.id)
    ):
        if eid is not None:
            links.setdefault(eid, []).append(fid)
    people = {
        cid: (name, company_id)
        for cid, name, company_id in session.execute(
            select(Contact.id, Contact.display_name, Contact.company_id).where(
                Contact.id.in_({r.contact_id for r in rows if r.contact_id is not None})
            )
        )
    }
    wanted = {r.company_id for r in rows} | {p[1] for p in people.values()}
    company_names: dict[int, str] = {
        cid: name
        for cid, name in session.execute(
            select(Company.id, Company.name).where(Company.id.in_(wanted - {None}))
        )
    }
    result = []
    for r in rows:
        name, their_company = people.get(r.contact_id or 0, ("", None))
        company_id = r.company_id if r.contact_id is None else their_company
        result.append(
            TriggerEventView(
                id=r.id,
                kind=_stored_kind(r.kind),
                happened_on=r.happened_on,
                note=r.note,
                source=r.source,
                company_id=r.company_id,
                company=company_names.get(company_id or 0, ""),
                contact_id=r.contact_id,
                contact_name=name,
                followup_ids=tuple(links.get(r.id, ())),
                created_at=r.created_at,
                updated_at=r.updated_at,
            )
        )
    return result


def _stored_kind(value: str) -> TriggerKind:
    # The CHECK constraint keeps other values out; a hand-edited file reads as "other".
    try:
        return TriggerKind(value)
    except ValueError:
        return TriggerKind.OTHER


def _check_subject(session: Session, company_id: int | None, contact_id: int | None) -> None:
    if (company_id is None) == (contact_id is None):
        raise InvalidInputError("a trigger event is about exactly one company or one contact")
    if company_id is not None:
        _existing_company(session, company_id)


def _existing_company(session: Session, company_id: int) -> Company:
    bounds.check_id(company_id, "company")
    company = session.get(Company, company_id)
    if company is None:
        raise NotFoundError(f"no company with id {company_id}")
    return company


def _existing(session: Session, event_id: int) -> TriggerEvent:
    bounds.check_id(event_id, "trigger event")
    row = session.get(TriggerEvent, event_id)
    if row is None:
        raise NotFoundError(f"no trigger event with id {event_id}")
    return row


def _check_note(note: str) -> str:
    text = clean_block(note)
    return bounds.check_length(text, "the event's note", bounds.MAX_NOTES)
