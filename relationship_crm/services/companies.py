"""Companies: the list with how many contacts each has, and one company with its people."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from relationship_crm.domain.bounds import check_id
from relationship_crm.domain.errors import NotFoundError
from relationship_crm.domain.records import ContactView, ResearchView
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
