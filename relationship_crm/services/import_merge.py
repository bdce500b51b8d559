"""The import's merge rule: what a record adds to the contact it duplicates, and writing it.

`combine` is the rule itself (pure): empty fields filled, new emails, phones, addresses and tags
added, notes appended unless already there; combining twice changes nothing the second time. A
stored contact is read into the same plain form (`clean_from_contact`, or a few plain queries per
500 contacts for an import's many), and `store_merge` writes the result back through the ORM.
Used by `services.importing`, the duplicate merge (`services.duplicates`) and the phone sync.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from relationship_crm.domain import bounds
from relationship_crm.domain.text import fold
from relationship_crm.services import contact_fields, contacts
from relationship_crm.services.contact_fields import CheckedValue, CleanContact
from relationship_crm.storage.schema import (
    Company,
    Contact,
    ContactAddress,
    ContactEmail,
    ContactPhone,
    Tag,
    contact_tags,
)


def combine(base: CleanContact, extra: CleanContact) -> CleanContact:
    """`base` with what `extra` adds: empty fields filled, new emails/phones/addresses/tags added,
    notes appended unless already there. Combining twice changes nothing the second time."""
    emails = _union(base.emails, extra.emails)
    phones = _union(base.phones, extra.phones)
    addresses = base.addresses + tuple(
        a
        for a in extra.addresses
        if all(_address_key(a) != _address_key(b) for b in base.addresses)
    )
    have = {key for _, key in base.tags}
    tags = base.tags + tuple(t for t in extra.tags if t[1] not in have)
    notes = base.notes
    if extra.notes and extra.notes not in notes:
        notes = f"{notes}\n\n{extra.notes}" if notes else extra.notes
    company, company_key = base.company, base.company_key
    if not company:
        company, company_key = extra.company, extra.company_key
    return dataclasses.replace(
        base,
        given_name=base.given_name or extra.given_name,
        family_name=base.family_name or extra.family_name,
        title=base.title or extra.title,
        birthday=base.birthday or extra.birthday,
        notes=notes[: bounds.MAX_NOTES],
        company=company,
        company_key=company_key,
        emails=emails,
        phones=phones,
        addresses=addresses,
        tags=tags,
    )


def _union(
    base: tuple[CheckedValue, ...], extra: tuple[CheckedValue, ...]
) -> tuple[CheckedValue, ...]:
    keys = {v.key for v in base}
    return base + tuple(v for v in extra if v.key not in keys)


def _address_key(address: dict[str, str]) -> tuple[str, ...]:
    return tuple(fold(address[k]) for k in ("street", "city", "postcode", "country"))


def clean_from_contact(contact: Contact) -> CleanContact:
    """A stored contact (loaded with its children) in the form the merge rule works on."""
    company = contact.company
    return _stored_form(
        contact,
        (company.name, company.name_key) if company else ("", ""),
        [CheckedValue(e.value, e.value_key, e.label) for e in contact.emails],
        [CheckedValue(p.value, p.value_key, p.label) for p in contact.phones],
        [{k: getattr(a, k) for k in ADDRESS_FIELDS} for a in contact.addresses],
        [(t.name, t.name_key) for t in contact.tags],
    )


def _stored_form(
    contact: Contact,
    company: tuple[str, str],
    emails: Sequence[CheckedValue],
    phones: Sequence[CheckedValue],
    addresses: Sequence[dict[str, str]],
    tags: Sequence[tuple[str, str]],
) -> CleanContact:
    return CleanContact(
        name=contact.display_name,
        given_name=contact.given_name,
        family_name=contact.family_name,
        sort_name=contact.sort_name,
        title=contact.title,
        stage=contact_fields.parse_stage(contact.stage),
        birthday=contact.birthday,
        notes=contact.notes,
        company=company[0],
        company_key=company[1],
        emails=tuple(emails),
        phones=tuple(phones),
        addresses=tuple(addresses),
        tags=tuple(tags),
    )


def apply_merges(
    session: Session, merges: dict[int, list[CleanContact]], *, now: datetime
) -> tuple[list[int], int]:
    """Merge records into existing contacts; returns the ids that changed and how many did not.

    Contacts are compared in their plain form first (a re-import merges into thousands of
    contacts and usually changes none); only those that change are loaded as ORM objects.
    """
    changed: dict[int, tuple[CleanContact, CleanContact]] = {}
    unchanged = 0
    for cid, stored in _stored_forms(session, list(merges)):
        after = stored
        for clean in merges[cid]:
            after = combine(after, clean)
        if after == stored:
            unchanged += len(merges[cid])
        else:
            unchanged += len(merges[cid]) - 1
            changed[cid] = (stored, after)
    companies: dict[str, Company] = {}
    tags: dict[str, Tag] = {}
    ids = list(changed)
    for start in range(0, len(ids), 500):
        for contact in session.scalars(
            select(Contact)
            .where(Contact.id.in_(ids[start : start + 500]))
            .options(
                selectinload(Contact.emails),
                selectinload(Contact.phones),
                selectinload(Contact.tags),
                selectinload(Contact.company),
                selectinload(Contact.addresses),
            )
        ):
            old, new = changed[contact.id]
            store_merge(session, contact, old, new, companies, tags, now=now)
    return ids, unchanged


def _stored_forms(session: Session, ids: list[int]) -> Iterator[tuple[int, CleanContact]]:
    """(id, plain form) of stored contacts, read with a few plain queries per 500 contacts."""
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        emails = _checked_values(session, ContactEmail, chunk)
        phones = _checked_values(session, ContactPhone, chunk)
        addresses: dict[int, list[dict[str, str]]] = {}
        for row in session.execute(
            select(ContactAddress)
            .where(ContactAddress.contact_id.in_(chunk))
            .order_by(ContactAddress.contact_id, ContactAddress.position)
        ).scalars():
            addresses.setdefault(row.contact_id, []).append(
                {k: getattr(row, k) for k in ADDRESS_FIELDS}
            )
        tags: dict[int, list[tuple[str, str]]] = {}
        for cid, name, key in session.execute(
            select(contact_tags.c.contact_id, Tag.name, Tag.name_key)
            .join(Tag, Tag.id == contact_tags.c.tag_id)
            .where(contact_tags.c.contact_id.in_(chunk))
            .order_by(contact_tags.c.contact_id, Tag.name_key)
        ):
            tags.setdefault(cid, []).append((name, key))
        for contact, company_name, company_key in session.execute(
            select(Contact, Company.name, Company.name_key)
            .outerjoin(Company, Company.id == Contact.company_id)
            .where(Contact.id.in_(chunk))
        ):
            yield (
                contact.id,
                _stored_form(
                    contact,
                    (company_name or "", company_key or ""),
                    emails.get(contact.id, ()),
                    phones.get(contact.id, ()),
                    addresses.get(contact.id, ()),
                    tags.get(contact.id, ()),
                ),
            )


#: The fields of an address row: what a stored contact's plain form and an insert carry.
ADDRESS_FIELDS = ("label", "street", "city", "region", "postcode", "country")


def _checked_values(
    session: Session, model: type[ContactEmail] | type[ContactPhone], ids: list[int]
) -> dict[int, list[CheckedValue]]:
    """The stored emails or phones of these contacts, in their order."""
    found: dict[int, list[CheckedValue]] = {}
    for cid, value, key, label in session.execute(
        select(model.contact_id, model.value, model.value_key, model.label)
        .where(model.contact_id.in_(ids))
        .order_by(model.contact_id, model.position)
    ):
        found.setdefault(cid, []).append(CheckedValue(value, key, label))
    return found


def store_merge(
    session: Session,
    contact: Contact,
    before: CleanContact,
    after: CleanContact,
    companies: dict[str, Company] | None = None,
    tags: dict[str, Tag] | None = None,
    *,
    now: datetime,
) -> None:
    """Write `after` (the merge of `before`, the contact as stored, with more) to the contact.

    `companies` and `tags` cache lookups across many merges of one import."""
    companies = {} if companies is None else companies
    tags = {} if tags is None else tags
    contact.given_name = after.given_name
    contact.family_name = after.family_name
    contact.title = after.title
    contact.birthday = after.birthday
    contact.notes = after.notes
    if after.company_key != before.company_key:
        if after.company_key not in companies:
            companies[after.company_key] = contacts.company_named(session, after.company, now=now)
        contact.company = companies[after.company_key]
    for i, email in enumerate(after.emails[len(before.emails) :], start=len(before.emails)):
        contact.emails.append(
            ContactEmail(label=email.label, value=email.value, value_key=email.key, position=i)
        )
    for i, phone in enumerate(after.phones[len(before.phones) :], start=len(before.phones)):
        contact.phones.append(
            ContactPhone(label=phone.label, value=phone.value, value_key=phone.key, position=i)
        )
    for i, address in enumerate(
        after.addresses[len(before.addresses) :], start=len(before.addresses)
    ):
        contact.addresses.append(ContactAddress(position=i, **address))
    for name, key in after.tags[len(before.tags) :]:
        if key not in tags:
            tag = session.scalar(select(Tag).where(Tag.name_key == key))
            if tag is None:
                tag = Tag(name=name, name_key=key)
                session.add(tag)
            tags[key] = tag
        contact.tags.append(tags[key])
    contact.updated_at = now
