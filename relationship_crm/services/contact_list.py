"""The contact list of the desktop app: pages of light rows, filtered, searched and sorted in SQL.

A list of 100,000 contacts must open and scroll without loading anyone's history, so a row carries
only what the list shows, and "last contact" / "next follow-up" come from indexed subqueries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ScalarSelect, Select, func, literal_column, select
from sqlalchemy.orm import Session

from relationship_crm.domain.text import fold
from relationship_crm.services import contact_search, team
from relationship_crm.services.common import utcnow
from relationship_crm.storage.schema import (
    Company,
    Contact,
    ContactEmail,
    FollowUp,
    Meeting,
    Tag,
    contact_tags,
    meeting_attendees,
)
from relationship_crm.storage.types import stored_instant as stored

SORT_KEYS = ("name", "company", "stage", "last_contact", "next_follow_up", "relevance")
SEARCH_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class ContactRow:
    """One line of the contact list."""

    id: int
    name: str
    company: str
    stage: str
    email: str
    last_contact: datetime | None
    next_follow_up: datetime | None


@dataclass(frozen=True, slots=True)
class ContactFilter:
    """What the rep typed and picked above the list."""

    query: str = ""
    stage: str | None = None
    tag: str | None = None
    sort: str = "name"
    descending: bool = False
    # Only these contacts (a dashboard chart's bar: the drifting contacts of a tag).
    ids: tuple[int, ...] | None = None
    # Only the rep's own accounts and everyone's (a team's server database; services.team).
    mine: bool = False


def _first_email() -> ScalarSelect[str]:
    """A contact's first email address (a correlated subquery on Contact)."""
    return (
        select(ContactEmail.value)
        .where(ContactEmail.contact_id == Contact.id)
        .order_by(ContactEmail.position)
        .limit(1)
        .scalar_subquery()
    )


def _last_contact(now: datetime) -> Any:
    # The last meeting that has happened: a lunch booked for next week is not "last contact".
    # `now` as its stored text, a plain string: a query with no parameter but text and numbers
    # can be read straight from the driver (`fetch_tuples`).
    return (
        select(func.max(Meeting.starts_at))
        .join(meeting_attendees, meeting_attendees.c.meeting_id == Meeting.id)
        .where(meeting_attendees.c.contact_id == Contact.id, Meeting.starts_at <= stored(now))
        .scalar_subquery()
    )


def _next_follow_up() -> Any:
    return (
        select(func.min(FollowUp.remind_at))
        .where(FollowUp.contact_id == Contact.id, FollowUp.status == "open")
        .scalar_subquery()
    )


def _base(session: Session, flt: ContactFilter, *, by_deleted_index: bool = True) -> Select[Any]:
    # Without `by_deleted_index` the test hides that index from SQLite (a unary +), which
    # otherwise takes it over a narrower range of another index (contact_window's name prefix).
    plain = by_deleted_index or team.is_shared(session)
    live = Contact.deleted_at if plain else literal_column("+contacts.deleted_at")
    query = select(Contact.id).where(live.is_(None))
    owners = team.mine(session) if flt.mine else None
    if owners is not None:
        query = query.where(Contact.owner.in_(owners))
    if flt.ids is not None:
        query = query.where(Contact.id.in_(flt.ids))
    if flt.stage is not None:
        query = query.where(Contact.stage == flt.stage)
    if flt.tag:
        query = query.where(
            Contact.id.in_(
                select(contact_tags.c.contact_id)
                .join(Tag, Tag.id == contact_tags.c.tag_id)
                .where(Tag.name_key == fold(flt.tag.strip()))
            )
        )
    return query


def page(
    session: Session,
    flt: ContactFilter,
    *,
    offset: int = 0,
    limit: int = 200,
    now: datetime | None = None,
) -> tuple[list[ContactRow], int]:
    """Rows `offset` .. `offset + limit - 1` of the filtered list, and how many there are in all.

    "Last contact" is the latest meeting at or before `now` (default: the current time).
    """
    now = now or utcnow()
    base = _base(session, flt)
    owners = team.mine(session) if flt.mine else None
    ranked: list[int] | None = None
    if flt.query.strip():
        ranked = [c.id for c in contact_search.search(session, flt.query, limit=SEARCH_LIMIT)]
        base = base.where(Contact.id.in_(ranked))
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    last = _last_contact(now).label("last_contact")
    nxt = _next_follow_up().label("next_follow_up")
    first_email = _first_email()
    rows_query = (
        select(
            Contact.id, Contact.display_name, Company.name, Contact.stage, first_email, last, nxt
        )
        .outerjoin(Company, Company.id == Contact.company_id)
        .where(Contact.id.in_(base))
    )
    sort = flt.sort if flt.sort in SORT_KEYS else "name"
    if sort == "relevance" and ranked is None:
        sort = "name"
    if sort == "relevance" and ranked is not None:
        # Keep the search ranking: sort by position in the ranked id list (at most SEARCH_LIMIT).
        narrowed = flt.stage or flt.tag or flt.ids is not None or owners is not None
        window = ranked[offset : offset + limit] if not narrowed else ranked
        rows_query = rows_query.where(Contact.id.in_(window))
        found = {r[0]: r for r in session.execute(rows_query)}
        ordered = [found[i] for i in ranked if i in found]
        if narrowed:
            ordered = ordered[offset : offset + limit]
        return [_row(r) for r in ordered], total
    key = {
        "name": Contact.sort_name,
        "company": func.coalesce(Company.name_key, "\uffff"),
        "stage": Contact.stage,
        "last_contact": last,
        "next_follow_up": nxt,
    }[sort]
    order = key.desc() if flt.descending else key.asc()
    if sort in ("last_contact", "next_follow_up"):
        # Contacts with no date go last either way.
        rows_query = rows_query.order_by(key.is_(None), order, Contact.sort_name, Contact.id)
    else:
        rows_query = rows_query.order_by(order, Contact.sort_name, Contact.id)
    rows_query = rows_query.offset(offset).limit(limit)
    return [_row(r) for r in session.execute(rows_query)], total


def _row(r: Any) -> ContactRow:
    # min()/max() over UTCDateTime columns keep the column type, so the dates arrive decoded.
    cid, name, company, stage, email, last, nxt = r
    return ContactRow(
        id=cid,
        name=name,
        company=company or "",
        stage=stage,
        email=email or "",
        last_contact=last,
        next_follow_up=nxt,
    )


def tags_in_use(session: Session) -> list[str]:
    """Every tag attached to at least one live contact, by name."""
    # A tag at a time, up to its first live contact (the tag_id index): 0.3 ms at 100,000
    # contacts, where joining and grouping every tagged contact took 100 ms of the app's start.
    live = (
        select(contact_tags.c.contact_id)
        .join(Contact, Contact.id == contact_tags.c.contact_id)
        .where(contact_tags.c.tag_id == Tag.id, Contact.deleted_at.is_(None))
        .exists()
    )
    return list(session.scalars(select(Tag.name).where(live).order_by(Tag.name_key)))
