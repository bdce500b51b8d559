"""Companies: the list with how many contacts each has, and one company with its people."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from relationship_crm.domain.bounds import check_id
from relationship_crm.domain.errors import InvalidInputError, NotFoundError
from relationship_crm.domain.records import ContactView, ResearchView
from relationship_crm.domain.text import clean_line, fold
from relationship_crm.services import contacts, research
from relationship_crm.storage.schema import Company, Contact


@dataclass(frozen=True, slots=True)
class CompanyRow:
    """A company in the list; `contact_count` leaves out contacts in the trash."""

    id: int
    name: str
    contact_count: int


@dataclass(frozen=True, slots=True)
class CompanyDetails:
    """One company whole: its contacts (by name) and its research notes (newest first)."""

    id: int
    name: str
    website: str
    notes: str
    contacts: tuple[ContactView, ...]
    research: tuple[ResearchView, ...]


def list_companies(session: Session) -> list[CompanyRow]:
    """Every company by name, with its number of live contacts."""
    live = (
        select(Contact.company_id, func.count(Contact.id).label("n"))
        .where(Contact.deleted_at.is_(None), Contact.company_id.is_not(None))
        .group_by(Contact.company_id)
        .subquery()
    )
    query = (
        select(Company.id, Company.name, func.coalesce(live.c.n, 0))
        .outerjoin(live, live.c.company_id == Company.id)
        .order_by(Company.name_key, Company.id)
    )
    return [CompanyRow(cid, name, int(n)) for cid, name, n in session.execute(query)]


def get(session: Session, company_id: int) -> CompanyDetails:
    """One company with its live contacts and its research notes."""
    check_id(company_id, "company")
    company = session.get(Company, company_id)
    if company is None:
        raise NotFoundError(f"no company with id {company_id}")
    ids = session.scalars(
        select(Contact.id)
        .where(Contact.company_id == company_id, Contact.deleted_at.is_(None))
        .order_by(Contact.sort_name, Contact.id)
    ).all()
    return CompanyDetails(
        id=company.id,
        name=company.name,
        website=company.website,
        notes=company.notes,
        contacts=tuple(contacts.get(session, cid) for cid in ids),
        research=tuple(research.list_notes(session, company_id=company_id)),
    )


def id_named(session: Session, name: str) -> int:
    """The id of the company with this name (any case or accents); never creates one.

    An unknown name is one line that suggests up to three close names when there are some.
    """
    clean = clean_line(name)
    if not clean:
        raise InvalidInputError("the company name must not be empty")
    found = session.scalar(select(Company.id).where(Company.name_key == fold(clean)))
    if found is not None:
        return found
    names = dict(session.execute(select(Company.name_key, Company.name)).all())
    close = difflib.get_close_matches(fold(clean), list(names), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(names[k]) for k in close)}?" if close else ""
    shown = clean if len(clean) <= 80 else clean[:79] + "…"
    raise NotFoundError(f"no company named {shown!r}{hint}")
