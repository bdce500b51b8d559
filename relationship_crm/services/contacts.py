"""Contacts: create, edit, stage changes with history, tags, trash, listing and the search index.

The checks of each field are services.contact_fields; the search over the index this module keeps
current is services.contact_search.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import String, cast, func, null, select, text
from sqlalchemy.orm import Session

from relationship_crm.domain import bounds, timefmt
from relationship_crm.domain.changes import Changes, Created, Outcome
from relationship_crm.domain.errors import EditConflictError, InvalidInputError, NotFoundError
from relationship_crm.domain.records import Address, ContactDraft, ContactView, Labeled, StageEntry
from relationship_crm.domain.text import fold, split_name
from relationship_crm.services import settings, stages, team
from relationship_crm.services.common import live_contact, optional_line, required_line, utcnow
from relationship_crm.services.contact_fields import (
    address_fields,
    address_text,
    check_birthday,
    check_notes,
    clean_draft,
    clean_emails,
    clean_phones,
    normalize_tag,
    phone_key,
)
from relationship_crm.storage import search_index
from relationship_crm.storage.db import fetch_tuples
from relationship_crm.storage.schema import (
    CONTACT_FTS_TABLE,
    Company,
    Contact,
    ContactAddress,
    ContactEmail,
    ContactPhone,
    StageChange,
    Tag,
    contact_tags,
)

# --- writing ----------------------------------------------------------------------------------


def create(session: Session, draft: ContactDraft, *, now: datetime | None = None) -> Created:
    """Add a contact (its company and tags are created as needed); returns the new id."""
    now = now or utcnow()
    clean = clean_draft(draft, phone_region=settings.get(session, "phone_region"))
    stages.check_stage(session, clean.stage)
    contact = Contact(
        display_name=clean.name,
        given_name=clean.given_name,
        family_name=clean.family_name,
        sort_name=clean.sort_name,
        title=clean.title,
        stage=clean.stage,
        birthday=clean.birthday,
        notes=clean.notes,
        created_at=now,
        updated_at=now,
    )
    session.add(contact)
    if clean.company:
        contact.company = company_named(session, clean.company, now=now)
    contact.emails = [
        ContactEmail(label=e.label, value=e.value, value_key=e.key, position=i)
        for i, e in enumerate(clean.emails)
    ]
    contact.phones = [
        ContactPhone(label=p.label, value=p.value, value_key=p.key, position=i)
        for i, p in enumerate(clean.phones)
    ]
    contact.addresses = [ContactAddress(position=i, **a) for i, a in enumerate(clean.addresses)]
    contact.tags = _tags(session, [name for name, _ in clean.tags])
    contact.stage_changes = [StageChange(stage=clean.stage, changed_at=now)]
    session.flush()
    reindex(session, [contact.id])
    return Created(contact.id, Changes(contacts=True, companies=True))


def update(
    session: Session,
    contact_id: int,
    *,
    name: str | None = None,
    company: str | None = None,
    title: str | None = None,
    stage: str | None = None,
    notes: str | None = None,
    birthday: str | None = None,
    add_emails: Sequence[Labeled] = (),
    remove_emails: Sequence[str] = (),
    add_phones: Sequence[Labeled] = (),
    add_tags: Sequence[str] = (),
    remove_tags: Sequence[str] = (),
    remove_phones: Sequence[str] = (),
    add_addresses: Sequence[Address] = (),
    remove_addresses: Sequence[str] = (),
    now: datetime | None = None,
    expected_version: int | None = None,
    owner: str | None = None,
) -> Changes:
    """Change some fields of a contact; only the arguments given are touched.

    A phone is removed by its number in any spelling that means the same number; an address by
    its label or its whole text (`address_text`), case aside. `expected_version`: as in
    `replace_details`. `owner` hands the account to another rep's login ("" everyone's).
    """
    now = now or utcnow()
    contact = live_contact(session, contact_id)
    check_version(session, contact, expected_version)
    if owner is not None:
        contact.owner = team.check_rep(session, owner)
    if name is not None:
        contact.display_name = required_line(name, "the contact's name", max_length=300)
        contact.given_name, contact.family_name = split_name(contact.display_name)
        contact.sort_name = fold(contact.display_name)
    if company is not None:
        contact.company = company_named(session, company, now=now) if company.strip() else None
    if title is not None:
        contact.title = optional_line(title, "job title", max_length=200)
    if notes is not None:
        contact.notes = check_notes(notes)
    if birthday is not None:
        contact.birthday = check_birthday(birthday)
    if remove_emails:
        gone = {e.strip().lower() for e in remove_emails}
        contact.emails = [e for e in contact.emails if e.value_key not in gone]
    if add_emails:
        known = {e.value_key for e in contact.emails}
        fresh = [e for e in _emails(add_emails) if e.value_key not in known]
        contact.emails = list(contact.emails) + fresh
    if remove_phones:
        region = settings.get(session, "phone_region")
        gone_phones = {phone_key(p, region) for p in remove_phones}
        gone_phones |= {" ".join(p.split()) for p in remove_phones}
        contact.phones = [
            p
            for p in contact.phones
            if p.value_key not in gone_phones and p.value not in gone_phones
        ]
    if add_phones:
        region = settings.get(session, "phone_region")
        known = {p.value_key for p in contact.phones}
        fresh_phones = [p for p in _phones(add_phones, region) if p.value_key not in known]
        contact.phones = list(contact.phones) + fresh_phones
    for i, item in enumerate(contact.emails):
        item.position = i
    for i, phone in enumerate(contact.phones):
        phone.position = i
    if remove_addresses or add_addresses:
        _edit_addresses(contact, add_addresses, remove_addresses)
    if add_tags or remove_tags:
        removing = {fold(normalize_tag(t)) for t in remove_tags}
        kept = [t for t in contact.tags if t.name_key not in removing]
        have = {t.name_key for t in kept}
        contact.tags = kept + [t for t in _tags(session, add_tags) if t.name_key not in have]
    changes = Changes(contacts=True, companies=company is not None)
    if stage is not None:
        changes = changes | set_stage(session, contact_id, stage, now=now)
    contact.updated_at = now
    session.flush()
    reindex(session, [contact_id])
    return changes


def set_stage(
    session: Session,
    contact_id: int,
    stage: str,
    *,
    now: datetime | None = None,
    on: date | None = None,
) -> Changes:
    """Move a contact to another stage, recording the change in its history (no-op if unchanged)."""
    return move_stage(session, contact_id, stage, now=now, on=on).changes


def move_stage(
    session: Session,
    contact_id: int,
    stage: str,
    *,
    now: datetime | None = None,
    on: date | None = None,
) -> Outcome[int | None]:
    """Move a contact to another stage, dated `on` (a past day allowed) or now.

    The date may not be in the future nor before the contact's previous stage change. Gives
    the id of the new history entry (for undo), None when the contact was in that stage already.
    """
    now = now or utcnow()
    contact = live_contact(session, contact_id)
    new = stages.check_stage(session, stage)
    if contact.stage == new:
        return Outcome(None, Changes(contacts=True))
    previous = session.scalar(
        select(func.max(StageChange.changed_at)).where(StageChange.contact_id == contact_id)
    )
    at = now if on is None else stages.change_instant(session, on, previous=previous, now=now)
    if on is None and previous is not None and at <= previous:
        at = previous + timedelta(microseconds=1)  # a backdated change may sit in the future
    change = StageChange(stage=new, changed_at=at)
    contact.stage = new
    contact.stage_changes.append(change)
    contact.updated_at = now
    session.flush()
    return Outcome(change.id, Changes(contacts=True))


def undo_stage_change(session: Session, contact_id: int, change_id: int) -> Changes:
    """Take back a stage change: its history entry goes and the contact is where it was before.

    Refused when the change is no longer the contact's latest (it moved again since) or when it
    was the first entry (the stage the contact was created with).
    """
    contact = live_contact(session, contact_id)
    history = list(contact.stage_changes)
    if len(history) < 2 or history[-1].id != change_id:
        raise InvalidInputError("the stage changed again since; change it back by hand")
    session.delete(history[-1])
    contact.stage_changes = history[:-1]
    contact.stage = history[-2].stage
    session.flush()
    return Changes(contacts=True)


def replace_details(
    session: Session,
    contact_id: int,
    draft: ContactDraft,
    *,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Changes:
    """Save everything the contact editor shows: the draft replaces the stored fields.

    Emails, phones and tags become exactly the draft's; a stage change is added to the history.
    With `expected_version` (the `version` of the ContactView the editor showed), a contact saved
    by somebody else since is refused with EditConflictError, nothing changed.
    """
    now = now or utcnow()
    contact = live_contact(session, contact_id)
    check_version(session, contact, expected_version)
    name = required_line(draft.name, "the contact's name", max_length=300)
    guessed_given, guessed_family = ("", "") if draft.name_parts_known else split_name(name)
    contact.display_name = name
    contact.given_name = (
        optional_line(draft.given_name, "given name", max_length=150) or guessed_given
    )
    contact.family_name = (
        optional_line(draft.family_name, "family name", max_length=150) or guessed_family
    )
    contact.sort_name = fold(name)
    contact.title = optional_line(draft.title, "job title", max_length=200)
    contact.birthday = check_birthday(draft.birthday)
    contact.notes = check_notes(draft.notes)
    contact.company = (
        company_named(session, draft.company, now=now) if draft.company.strip() else None
    )
    region = settings.get(session, "phone_region")
    contact.emails = _emails(draft.emails)
    contact.phones = _phones(draft.phones, region)
    contact.tags = _tags(session, draft.tags)
    set_stage(session, contact_id, draft.stage, now=now)
    contact.updated_at = now
    session.flush()
    reindex(session, [contact_id])
    return Changes(contacts=True, companies=True)


def check_version(session: Session, contact: Contact, expected: int | None) -> None:
    """EditConflictError unless the contact is still at the `expected` saved version.

    Writers queue (BEGIN IMMEDIATE on SQLite, the write lock on PostgreSQL), so the version read
    here is the latest; SQLAlchemy's version counter also refuses the UPDATE should another
    writer slip in between (StaleDataError).
    """
    if expected is None or contact.version == expected:
        return
    zone = ZoneInfo(settings.zone(session))
    when = timefmt.numeric_moment(contact.updated_at.astimezone(zone))
    who = contact.updated_by or "another rep"
    raise EditConflictError(
        f"{contact.display_name} was changed by {who} at {when} — reload to see the changes, "
        "then save again"
    )


@dataclass(frozen=True, slots=True)
class EmailOwner:
    """A live contact that already has an email address: the duplicate warning's subject."""

    email: str
    contact_id: int
    name: str


def email_owners(
    session: Session, emails: Iterable[str], *, exclude_id: int | None = None
) -> list[EmailOwner]:
    """Live contacts (other than `exclude_id`) having any of `emails`, compared case-blind.

    What the contact editor and `contact add` warn about: the same address on two contacts is
    allowed (shared inboxes exist) but is usually a duplicate.
    """
    keys = {e.strip().lower().removeprefix("mailto:") for e in emails if e.strip()}
    if not keys:
        return []
    query = (
        select(ContactEmail.value, Contact.id, Contact.display_name)
        .join(Contact, Contact.id == ContactEmail.contact_id)
        .where(ContactEmail.value_key.in_(keys), Contact.deleted_at.is_(None))
        .order_by(ContactEmail.value_key, Contact.id)
    )
    if exclude_id is not None:
        query = query.where(Contact.id != exclude_id)
    return [EmailOwner(value, cid, name) for value, cid, name in session.execute(query)]


def describe_email_owners(owners: Sequence[EmailOwner]) -> str:
    """ "jane@acme.com is also the email of Jane Doe (#1)": one line for all of them."""
    return "; ".join(f"{o.email} is also the email of {o.name} (#{o.contact_id})" for o in owners)


def trash(session: Session, contact_id: int, *, now: datetime | None = None) -> Changes:
    """Move a contact to the trash: hidden everywhere, restorable with `restore`."""
    contact = live_contact(session, contact_id)
    contact.deleted_at = now or utcnow()
    session.flush()
    reindex(session, [contact_id])
    return Changes(contacts=True, follow_ups=True, meetings=True)


def restore(session: Session, contact_id: int) -> Changes:
    """Bring a contact back from the trash."""
    bounds.check_id(contact_id, "contact")
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFoundError(f"no contact with id {contact_id}")
    contact.deleted_at = None
    session.flush()
    reindex(session, [contact_id])
    return Changes(contacts=True, follow_ups=True, meetings=True)


def company_named(session: Session, name: str, *, now: datetime | None = None) -> Company:
    """The company with this name (any case or accents), created if it does not exist yet."""
    clean = required_line(name, "company name", max_length=200)
    key = fold(clean)
    company = session.scalar(select(Company).where(Company.name_key == key))
    if company is None:
        now = now or utcnow()
        company = Company(
            name=clean, name_key=key, website="", notes="", created_at=now, updated_at=now
        )
        session.add(company)
    return company


def _emails(items: Iterable[Labeled]) -> list[ContactEmail]:
    return [
        ContactEmail(label=e.label, value=e.value, value_key=e.key, position=i)
        for i, e in enumerate(clean_emails(items))
    ]


def _phones(items: Iterable[Labeled], region: str | None) -> list[ContactPhone]:
    return [
        ContactPhone(label=p.label, value=p.value, value_key=p.key, position=i)
        for i, p in enumerate(clean_phones(items, region))
    ]


def _edit_addresses(contact: Contact, add: Sequence[Address], remove: Sequence[str]) -> None:
    gone = {fold(" ".join(r.split())) for r in remove if r.strip()}
    kept = [
        a
        for a in contact.addresses
        if fold(a.label) not in gone and fold(" ".join(address_text(a).split())) not in gone
    ]
    for address in add:
        bounds.check_length(address.street, "the address", bounds.MAX_ADDRESS)
        fields = address_fields(address)
        if not address_text(Address(**fields)):
            raise InvalidInputError("the address is empty")
        kept.append(ContactAddress(**fields))
    for i, a in enumerate(kept):
        a.position = i
    contact.addresses = kept


def _tags(session: Session, names: Iterable[str]) -> list[Tag]:
    result: list[Tag] = []
    for raw in names:
        name = normalize_tag(raw)
        key = fold(name)
        if any(t.name_key == key for t in result):
            continue
        tag = session.scalar(select(Tag).where(Tag.name_key == key))
        if tag is None:
            tag = Tag(name=name, name_key=key)
            session.add(tag)
        result.append(tag)
    return result


# --- full-text index --------------------------------------------------------------------------


def reindex(session: Session, contact_ids: Iterable[int]) -> None:
    """Refresh the search index rows of these contacts (folded text; deleted ones are dropped)."""
    ids = list(contact_ids)
    session.flush()
    for start in range(0, len(ids), 500):  # SQLite limits bound parameters per statement
        chunk = ids[start : start + 500]
        marks = ", ".join(f":i{n}" for n in range(len(chunk)))
        params = {f"i{n}": v for n, v in enumerate(chunk)}
        session.execute(text(f"DELETE FROM {CONTACT_FTS_TABLE} WHERE rowid IN ({marks})"), params)
        session.execute(text(f"{search_index.rows_sql(session)} AND c.id IN ({marks})"), params)


def reindex_company(session: Session, company_id: int) -> None:
    """Refresh the index rows of a company's contacts (after the company was renamed)."""
    ids = session.scalars(select(Contact.id).where(Contact.company_id == company_id)).all()
    reindex(session, ids)


# --- reading ----------------------------------------------------------------------------------


def get(session: Session, contact_id: int) -> ContactView:
    """One contact with its stage history."""
    contact = live_contact(session, contact_id)
    return view_of(contact, whole=True)


def list_contacts(
    session: Session,
    *,
    stage: str | None = None,
    tag: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    details: bool = True,
    mine: bool = False,
) -> list[ContactView]:
    """Contacts in name order, optionally only one stage and/or one tag, or only the rep's own
    and everyone's (`mine`, on a server database; services.team).

    Without `details`, the views leave out the addresses and the created/updated times (what a
    list shows has neither). Read as plain rows, five queries at most, never as ORM objects: at
    100,000 contacts building and loading the objects cost seconds (issue 18).
    """
    query = select(
        Contact.id,
        Contact.display_name,
        Contact.given_name,
        Contact.family_name,
        func.coalesce(Company.name, ""),
        Contact.company_id,
        Contact.title,
        Contact.stage,
        Contact.birthday,
        Contact.notes,
        Contact.created_at if details else null(),
        Contact.updated_at if details else null(),
    ).outerjoin(Company, Company.id == Contact.company_id)
    ids = select(Contact.id)
    for where in _list_filters(session, stage=stage, tag=tag, mine=mine):
        query, ids = query.where(where), ids.where(where)
    query = query.order_by(Contact.sort_name, Contact.id).offset(offset)
    if limit is not None or offset:
        # The children below are read for the listed contacts only.
        ids = ids.order_by(Contact.sort_name, Contact.id).offset(offset)
        if limit is not None:
            query, ids = query.limit(limit), ids.limit(limit)
    rows = session.execute(query).all()
    if not rows:
        return []
    listed = ids.scalar_subquery() if limit is not None or offset else ids
    labeled = (ContactEmail.value, ContactEmail.label)
    emails = _children(session, ContactEmail, labeled, listed, Labeled)
    phones = _children(
        session, ContactPhone, (ContactPhone.value, ContactPhone.label), listed, Labeled
    )
    addresses: dict[int, list[Address]] = {}
    if details:
        a = ContactAddress
        fields = (a.street, a.city, a.region, a.postcode, a.country, a.label)
        addresses = _children(session, a, fields, listed, Address)
    tags: dict[int, list[str]] = {}
    for contact_id, name in session.execute(
        select(contact_tags.c.contact_id, Tag.name)
        .join(Tag, Tag.id == contact_tags.c.tag_id)
        .where(contact_tags.c.contact_id.in_(listed))
        .order_by(contact_tags.c.contact_id, Tag.name_key)
    ):
        tags.setdefault(contact_id, []).append(name)
    none: tuple[()] = ()
    return [
        ContactView(
            id=cid,
            name=name,
            given_name=given,
            family_name=family,
            emails=tuple(emails.get(cid, none)),
            phones=tuple(phones.get(cid, none)),
            company=company,
            company_id=company_id,
            title=title,
            stage=stage_key,
            tags=tuple(tags.get(cid, none)),
            birthday=birthday,
            notes=notes,
            addresses=tuple(addresses.get(cid, none)),
            created_at=created,
            updated_at=updated,
        )
        for (
            cid,
            name,
            given,
            family,
            company,
            company_id,
            title,
            stage_key,
            birthday,
            notes,
            created,
            updated,
        ) in rows
    ]


def list_cells(
    session: Session,
    *,
    stage: str | None = None,
    tag: str | None = None,
    mine: bool = False,
    stage_cell: bool = True,
) -> list[tuple[str, ...]]:
    """The contact list as text cells: id, name, company, stage, emails and tags ("a, b").

    With a `stage` and `stage_cell=False` the rows leave the stage out (each row's is that
    stage's key): 25,000 fewer texts to make for a heavy rep's stage.

    The command line's table of `list_contacts`: the company, email and tag cells are kept on
    each contact by the database (storage.list_cells), and on SQLite a stage's rows come in name
    order from one covering index, so a stage of 25,000 contacts (issue 18) is a range of one
    index, with no look-up and no Python work per contact beyond printing it.
    """
    columns: list[Any] = [
        cast(Contact.id, String),
        Contact.display_name,
        Contact.list_company,
        Contact.stage,
        Contact.list_emails,
        Contact.list_tags,
    ]
    if stage is not None and not stage_cell:
        del columns[3]
    query = (
        select(*columns)
        .where(*_list_filters(session, stage=stage, tag=tag, mine=mine))
        .order_by(Contact.sort_name, Contact.id)
    )
    return fetch_tuples(session, query)


def _list_filters(
    session: Session, *, stage: str | None, tag: str | None, mine: bool = False
) -> list[Any]:
    """The WHERE clauses of a contact list: live contacts, one stage, one tag, the rep's own."""
    wheres: list[Any] = [Contact.deleted_at.is_(None)]
    owners = team.mine(session) if mine else None
    if owners is not None:
        wheres.append(Contact.owner.in_(owners))
    if stage is not None:
        wheres.append(Contact.stage == stages.check_stage(session, stage))
    if tag is not None:
        key = fold(normalize_tag(tag))
        wheres.append(Contact.tags.any(Tag.name_key == key))
    return wheres


_Child = TypeVar("_Child", Labeled, Address)


def _children(
    session: Session,
    table: type[ContactEmail] | type[ContactPhone] | type[ContactAddress],
    fields: tuple[Any, ...],
    listed: Any,
    make: Callable[..., _Child],
) -> dict[int, list[_Child]]:
    """`make(*fields)` of each row of a contact's child table, by contact id, in their order."""
    found: dict[int, list[_Child]] = {}
    query = (
        select(table.contact_id, *fields)
        .where(table.contact_id.in_(listed))
        .order_by(table.contact_id, table.position, table.id)
    )
    for contact_id, *values in session.execute(query):
        found.setdefault(contact_id, []).append(make(*values))
    return found


def count(session: Session) -> int:
    """How many contacts there are (not counting the trash)."""
    return session.scalar(select(func.count()).where(Contact.deleted_at.is_(None))) or 0


def view_of(contact: Contact, *, whole: bool = False) -> ContactView:
    """A loaded contact as its view; its stage history and addresses only `whole` (a list
    shows neither)."""
    history: tuple[StageEntry, ...] = ()
    if whole:
        history = tuple(StageEntry(h.stage, h.changed_at) for h in contact.stage_changes)
    return ContactView(
        id=contact.id,
        name=contact.display_name,
        given_name=contact.given_name,
        family_name=contact.family_name,
        emails=tuple(Labeled(e.value, e.label) for e in contact.emails),
        phones=tuple(Labeled(p.value, p.label) for p in contact.phones),
        company=contact.company.name if contact.company else "",
        company_id=contact.company_id,
        title=contact.title,
        stage=contact.stage,
        tags=tuple(t.name for t in contact.tags),
        birthday=contact.birthday,
        notes=contact.notes,
        addresses=tuple(
            Address(a.street, a.city, a.region, a.postcode, a.country, a.label)
            for a in contact.addresses
        )
        if whole
        else (),
        stage_history=history,
        created_at=contact.created_at,
        updated_at=contact.updated_at,
        version=contact.version,
        updated_by=contact.updated_by,
        owner=contact.owner,
    )


def rebuild_index(session: Session) -> int:
    """Rebuild the whole search index from the contacts table; returns how many rows it holds."""
    session.flush()
    session.execute(text(f"DELETE FROM {CONTACT_FTS_TABLE}"))
    session.execute(text(search_index.rows_sql(session)))
    return count(session)
