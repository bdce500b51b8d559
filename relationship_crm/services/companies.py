"""Companies: the list with how many contacts each has, one company with its people, and the
rep's corrections: a new name, website or notes, two spellings made one (merge), one deleted.

A company is made when a contact is first given it (`contacts.company_named`); these let the rep
fix what a typo or an import made. Its name is shown in the contact list (a cell the database
keeps, storage.list_cells) and searched with its contacts (the search index), so a new name
reaches both in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete as delete_rows
from sqlalchemy import func, select
from sqlalchemy import update as update_rows
from sqlalchemy.orm import Session

from relationship_crm.domain.bounds import check_id
from relationship_crm.domain.errors import InvalidInputError, NotFoundError
from relationship_crm.domain.records import ContactView, ResearchView
from relationship_crm.domain.text import clean_line, fold, words
from relationship_crm.services import contact_fields, contacts, research
from relationship_crm.services.common import optional_line, required_line, unknown_name, utcnow
from relationship_crm.storage.schema import (
    Company,
    Contact,
    FollowUp,
    ResearchNote,
    TriggerEvent,
)

#: The longest company name and website (the columns' sizes).
MAX_COMPANY_NAME = 200
MAX_WEBSITE = 500


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


def _company(session: Session, company_id: int) -> Company:
    check_id(company_id, "company")
    company = session.get(Company, company_id)
    if company is None:
        raise NotFoundError(f"no company with id {company_id}")
    return company


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
    company = _company(session, company_id)
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
    raise unknown_name("company", clean, names, shown_max=80)


class CompanyNameTaken(InvalidInputError):
    """A rename into the name another company has: `other_id`, `other_name` (to offer a merge)."""

    def __init__(self, other_id: int, other_name: str) -> None:
        super().__init__(f"company #{other_id} is already named {other_name!r}")
        self.other_id = other_id
        self.other_name = other_name


@dataclass(frozen=True, slots=True)
class CompanyLinks:
    """What belongs to a company (`name`): its contacts (those in the trash counted too,
    `trashed` of them), its research notes and its trigger events."""

    name: str
    contacts: int
    trashed: int
    research: int
    events: int

    def describe(self) -> str:
        """ "4 contacts (1 in the trash), 2 research notes and 1 trigger event", or "nothing"."""
        trashed = f" ({self.trashed:,} in the trash)" if self.trashed else ""
        shown = [
            text
            for n, text in (
                (self.contacts, _count(self.contacts, "contact") + trashed),
                (self.research, _count(self.research, "research note")),
                (self.events, _count(self.events, "trigger event")),
            )
            if n
        ]
        if not shown:
            return "nothing"
        return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n:,} {what}s"


def links(session: Session, company_id: int) -> CompanyLinks:
    """How many contacts, research notes and trigger events the company has."""
    company = _company(session, company_id)
    total, trashed = session.execute(
        select(func.count(Contact.id), func.count(Contact.deleted_at)).where(
            Contact.company_id == company_id
        )
    ).one()
    notes = session.scalar(
        select(func.count(ResearchNote.id)).where(ResearchNote.company_id == company_id)
    )
    events = session.scalar(
        select(func.count(TriggerEvent.id)).where(TriggerEvent.company_id == company_id)
    )
    return CompanyLinks(company.name, int(total), int(trashed), int(notes or 0), int(events or 0))


def update(
    session: Session,
    company_id: int,
    *,
    name: str | None = None,
    website: str | None = None,
    notes: str | None = None,
    now: datetime | None = None,
) -> None:
    """Change what is given (None leaves a field as it is).

    A name another company already has (in any case or accents) is refused with
    `CompanyNameTaken` (the two can be made one with `merge`); the same company's name in
    another case is a rename.
    """
    company = _company(session, company_id)
    changed = False
    if name is not None:
        clean = required_line(name, "company name", max_length=MAX_COMPANY_NAME)
        key = fold(clean)
        other = session.scalar(
            select(Company).where(Company.name_key == key, Company.id != company.id)
        )
        if other is not None:
            raise CompanyNameTaken(other.id, other.name)
        if clean != company.name:
            company.name, company.name_key, changed = clean, key, True
            session.flush()  # the triggers write the contact list's cell; then the index
            contacts.reindex_company(session, company.id)
    if website is not None:
        clean_site = optional_line(website, "website", max_length=MAX_WEBSITE)
        if clean_site != company.website:
            company.website, changed = clean_site, True
    if notes is not None:
        clean_notes = contact_fields.check_notes(notes)
        if clean_notes != company.notes:
            company.notes, changed = clean_notes, True
    if changed:
        company.updated_at = now or utcnow()
        session.flush()


def merge(
    session: Session, keep_id: int, other_ids: Iterable[int], *, now: datetime | None = None
) -> CompanyLinks:
    """Make other companies one with `keep_id`: their contacts (in the trash too), research
    notes and trigger events move to it, an empty website or notes are taken from them (notes
    otherwise added below), then they are deleted. Returns what moved."""
    keep = _company(session, keep_id)
    others = list(dict.fromkeys(other_ids))
    if not others:
        raise InvalidInputError("name at least one company to merge into the one you keep")
    if keep_id in others:
        raise InvalidInputError(f"company #{keep_id} cannot be merged into itself")
    moving = [_company(session, other_id) for other_id in others]
    moved = [links(session, other.id) for other in moving]
    for other in moving:
        if other.website and not keep.website:
            keep.website = other.website
        if other.notes and other.notes not in keep.notes:
            keep.notes = f"{keep.notes}\n\n{other.notes}" if keep.notes else other.notes
    keep.notes = contact_fields.check_notes(keep.notes)
    keep.updated_at = now or utcnow()
    ids = [other.id for other in moving]
    moved_contacts = session.scalars(select(Contact.id).where(Contact.company_id.in_(ids))).all()
    # Core UPDATEs: the contacts' own rows are not edited by the rep (no version bump); the
    # database's triggers give each its new company cell.
    session.execute(
        update_rows(Contact).where(Contact.company_id.in_(ids)).values(company_id=keep.id),
        execution_options={"synchronize_session": False},
    )
    for table in (ResearchNote, TriggerEvent):
        session.execute(
            update_rows(table).where(table.company_id.in_(ids)).values(company_id=keep.id),
            execution_options={"synchronize_session": False},
        )
    session.execute(delete_rows(Company).where(Company.id.in_(ids)))
    for other in moving:  # gone: a company made later may be given its id
        session.expunge(other)
    session.expire_all()
    contacts.reindex(session, moved_contacts)
    return CompanyLinks(
        keep.name,
        sum(m.contacts for m in moved),
        sum(m.trashed for m in moved),
        sum(m.research for m in moved),
        sum(m.events for m in moved),
    )


def delete(session: Session, company_id: int) -> CompanyLinks:
    """Delete a company: its contacts (in the trash too) stay, with no company; its research
    notes and trigger events, which are about it, are deleted with it. Returns what it had."""
    company = _company(session, company_id)
    had = links(session, company_id)
    detached = session.scalars(select(Contact.id).where(Contact.company_id == company_id)).all()
    session.execute(
        update_rows(Contact).where(Contact.company_id == company_id).values(company_id=None),
        execution_options={"synchronize_session": False},
    )
    # The follow-ups its events created stay, unlinked (as trigger_events.delete leaves them;
    # the foreign key says SET NULL too, this does not depend on the pragma).
    events = select(TriggerEvent.id).where(TriggerEvent.company_id == company_id)
    session.execute(
        update_rows(FollowUp)
        .where(FollowUp.trigger_event_id.in_(events))
        .values(trigger_event_id=None),
        execution_options={"synchronize_session": False},
    )
    for table in (ResearchNote, TriggerEvent):
        session.execute(delete_rows(table).where(table.company_id == company_id))
    session.execute(delete_rows(Company).where(Company.id == company_id))
    session.expunge(company)  # gone: a company made later may be given its id
    session.expire_all()
    contacts.reindex(session, detached)
    return had


#: Words a company's name may end with that say only its legal form ("Acme Inc." is Acme).
LEGAL_FORMS: frozenset[str] = frozenset(
    (
        "ab ag aps as bv co company corp corporation gmbh holding holdings inc incorporated kg "
        "kk limited llc llp lp ltd nv oy plc pte pty sa sarl sas spa srl"
    ).split()
)


@dataclass(frozen=True, slots=True)
class SimilarCompanies:
    """Companies whose names differ only in case, accents, punctuation or legal form."""

    key: str
    companies: tuple[CompanyRow, ...]

    @property
    def keep(self) -> CompanyRow:
        """The one to merge the others into, unless the rep chooses: the one with the most
        contacts (the first by name among equals)."""
        return max(self.companies, key=lambda c: c.contact_count)


def name_stem(name: str) -> str:
    """A company's name without case, accents, punctuation or a trailing legal form: "ACME,
    Inc." and "Acme" both give "acme" (a name of legal words only keeps them)."""
    parts = words(name)  # folded, punctuation dropped
    tail = len(parts)
    while tail > 1 and len(parts[tail - 1]) == 1:
        tail -= 1
    if len(parts) - tail > 1:  # "S.A.", "K.K.", "B.V.": one word of its letters
        parts[tail:] = ["".join(parts[tail:])]
    while len(parts) > 1 and (parts[-1] in LEGAL_FORMS or parts[-1] == "and"):
        parts.pop()  # "Smith and Co", "Müller GmbH & Co. KG"
    return " ".join(parts)


def similar_companies(session: Session) -> list[SimilarCompanies]:
    """The groups of two or more companies that look like one (`name_stem`), by name: each a
    candidate for `merge`."""
    groups: dict[str, list[CompanyRow]] = {}
    for row in list_companies(session):
        groups.setdefault(name_stem(row.name), []).append(row)
    return [
        SimilarCompanies(key, tuple(rows))
        for key, rows in sorted(groups.items())
        if len(rows) > 1 and key
    ]
