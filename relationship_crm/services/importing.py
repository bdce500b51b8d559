"""Importing contacts: check every record, match duplicates, then store them in one transaction.

The caller opens the write transaction (`db.write()`), so an import is one transaction and a
process killed half-way leaves the database as it was. Invisible formatting characters are
stripped from every value first. Then, strict (all or nothing), a bad record raises before
anything is committed; tolerant, a value that does not pass its check is kept in the contact's
notes ("unreadable email: a b@c.com"), listed as an `ImportProblem`, and the contact is imported
with the rest; a record left with nothing to name it by is listed and skipped. New contacts go
in with bulk inserts (20,000 cards in a few seconds); the contacts they merge into are loaded
and changed through the ORM.

A record is a duplicate of a contact when they share an email address, a phone number (compared
in E.164 form), or the full name and company (both folded, so case and accents do not matter).
Records of the same file are matched against each other too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import cast

from sqlalchemy import Connection, Table, column, func, insert, select, table, text
from sqlalchemy.orm import Session, selectinload

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.enums import Stage
from relationship_crm.domain.errors import InvalidInputError, KnownError
from relationship_crm.domain.text import fold
from relationship_crm.interchange.records import (
    RECORD_SKIPPED,
    ImportedContact,
    ImportProblem,
    RecordError,
)
from relationship_crm.services import contact_fields, contacts, settings, stages
from relationship_crm.services.common import (
    collector_paused,
    utcnow,
)
from relationship_crm.services.contact_fields import CheckedValue, CleanContact
from relationship_crm.services.import_checks import as_written, salvage, without_invisible
from relationship_crm.services.import_checks import strip_invisible as strip_invisible
from relationship_crm.storage import identity, list_cells, portable, stage_stays
from relationship_crm.storage.schema import (
    CONTACT_FTS_TABLE,
    Base,
    Company,
    Contact,
    ContactAddress,
    ContactEmail,
    ContactPhone,
    Tag,
    contact_tags,
)
from relationship_crm.storage.types import format_instant

# Called with (done, total) now and then; it may raise ImportCancelled to stop (nothing is kept).
Progress = Callable[[int, int], None]
_PROGRESS_EVERY = 250
_CHUNK = 2000


class OnDuplicate(StrEnum):
    """What to do with a record that matches a contact already there."""

    SKIP = "skip"
    MERGE = "merge"
    ADD = "add"


class ImportCancelled(KnownError):
    """The rep cancelled the import; nothing was changed."""

    def __init__(self) -> None:
        super().__init__("import cancelled; nothing was changed")


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did. `skipped` counts duplicates left as they were (nothing new in them)."""

    added: int = 0
    merged: int = 0
    skipped: int = 0
    source: str = ""
    added_ids: tuple[int, ...] = ()
    merged_ids: tuple[int, ...] = ()
    # For each record imported, in file order: the contact it was added as, merged into or
    # matched (a strict import imports every record, so this is one per record of the file).
    record_ids: tuple[int, ...] = ()
    # Values that could not be used as they were (kept in notes) and records skipped, in order.
    problems: tuple[ImportProblem, ...] = ()
    # Rows with nothing in them but, perhaps, a date (LinkedIn's departed connections).
    skipped_blank: int = 0

    @property
    def changes(self) -> Changes:
        touched = bool(self.added or self.merged)
        return Changes(contacts=touched, companies=touched)

    def sentence(self) -> str:
        """ "Added 12 contacts, merged 3, skipped 1 duplicate." """

        def plural(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"

        text = (
            f"Added {plural(self.added, 'contact')}, merged {self.merged}, "
            f"skipped {plural(self.skipped, 'duplicate')}."
        )
        if self.skipped_blank:
            text += f" Skipped {plural(self.skipped_blank, 'blank row')}."
        if self.problems:
            skipped = sum(1 for p in self.problems if p.outcome == RECORD_SKIPPED)
            cells = len(self.problems) - skipped
            parts = [plural(cells, "value") + " kept in notes"] if cells else []
            parts += [plural(skipped, "unusable record") + " skipped"] if skipped else []
            text += f" Problems: {' and '.join(parts)}."
        return text


def parse_on_duplicate(value: str | OnDuplicate) -> OnDuplicate:
    try:
        return OnDuplicate(str(value).strip().lower())
    except ValueError:
        valid = ", ".join(o.value for o in OnDuplicate)
        raise InvalidInputError(f"unknown duplicate rule {value!r}; use one of: {valid}") from None


# --- the merge rule (pure) ----------------------------------------------------------------------


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
        notes=notes[: contact_fields.MAX_NOTES],
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
        [{k: getattr(a, k) for k in _ADDRESS_FIELDS} for a in contact.addresses],
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


# --- matching -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _New:
    """A contact this import will add (later records of the file may merge into it)."""

    clean: CleanContact
    record: int
    id: int = 0  # set once inserted


@dataclass(slots=True)
class _Matches:
    """Lookup tables from each duplicate key to an existing contact id or a pending new one."""

    by_email: dict[str, int | _New] = field(default_factory=dict)
    by_phone: dict[str, int | _New] = field(default_factory=dict)
    by_identity: dict[tuple[str, str], int | _New] = field(default_factory=dict)

    @classmethod
    def of_database(cls, session: Session) -> _Matches:
        live = Contact.deleted_at.is_(None)
        found = cls()
        for key, cid in session.execute(
            select(ContactEmail.value_key, ContactEmail.contact_id)
            .join(Contact, Contact.id == ContactEmail.contact_id)
            .where(live)
            .order_by(ContactEmail.contact_id)
        ):
            found.by_email.setdefault(key, cid)
        for key, cid in session.execute(
            select(ContactPhone.value_key, ContactPhone.contact_id)
            .join(Contact, Contact.id == ContactPhone.contact_id)
            .where(live)
            .order_by(ContactPhone.contact_id)
        ):
            found.by_phone.setdefault(key, cid)
        for name, company_key, cid in session.execute(
            select(Contact.sort_name, Company.name_key, Contact.id)
            .outerjoin(Company, Company.id == Contact.company_id)
            .where(live)
            .order_by(Contact.id)
        ):
            found.by_identity.setdefault((name, company_key or ""), cid)
        return found

    def find(self, clean: CleanContact) -> int | _New | None:
        for email in clean.emails:
            if email.key in self.by_email:
                return self.by_email[email.key]
        for phone in clean.phones:
            if phone.key in self.by_phone:
                return self.by_phone[phone.key]
        return self.by_identity.get(clean.identity)

    def remember(self, clean: CleanContact, target: int | _New) -> None:
        for email in clean.emails:
            self.by_email.setdefault(email.key, target)
        for phone in clean.phones:
            self.by_phone.setdefault(phone.key, target)
        self.by_identity.setdefault(clean.identity, target)


# --- the import ---------------------------------------------------------------------------------


def import_contacts(
    session: Session,
    records: Sequence[ImportedContact],
    *,
    on_duplicate: OnDuplicate | str = OnDuplicate.SKIP,
    progress: Progress | None = None,
    source: str = "",
    within_file: bool = True,
    strict: bool = True,
    now: datetime | None = None,
) -> ImportSummary:
    """Check, match and store `records` inside the caller's transaction.

    With `within_file` false, records are matched against the database only, never against each
    other (a copy of this app's own data holds distinct people who may share a name).

    `strict`: raises RecordError (record number and line) for the first record that does not
    pass the checks, or that its parser found a problem in, before anything is written.
    Tolerant (`strict=False`): bad values are kept in notes and listed in the summary's
    `problems` with the parser's own; a record with nothing to name it by is listed and
    skipped. ImportCancelled when `progress` says so, either way.
    """
    with collector_paused():
        return _import_contacts(
            session,
            records,
            on_duplicate=on_duplicate,
            progress=progress,
            source=source,
            within_file=within_file,
            strict=strict,
            now=now,
        )


def _import_contacts(
    session: Session,
    records: Sequence[ImportedContact],
    *,
    on_duplicate: OnDuplicate | str,
    progress: Progress | None,
    source: str,
    within_file: bool,
    strict: bool,
    now: datetime | None,
) -> ImportSummary:
    now = now or utcnow()
    rule = parse_on_duplicate(on_duplicate)
    total = len(records) * 2
    report = progress or (lambda _done, _total: None)
    report(0, total)
    region = settings.get(session, "phone_region")
    known_stages = set(stages.stage_keys(session))
    matches = _Matches.of_database(session) if rule is not OnDuplicate.ADD else _Matches()
    pending: list[_New] = []
    merges: dict[int, list[CleanContact]] = {}
    merged_new: set[int] = set()  # records of this file merged into an earlier record
    skipped = 0
    targets: list[int | _New] = []
    problems: list[ImportProblem] = []
    for done, item in enumerate(records, start=1):
        if done % _PROGRESS_EVERY == 0:
            report(done, total)
        if strict:
            if item.problems:
                raise item.problems[0].as_error()
            try:
                clean = contact_fields.clean_draft(
                    without_invisible(item.draft), phone_region=region
                )
            except InvalidInputError as error:
                raise RecordError(item.record, item.line, str(error)) from None
            clean = as_written(item.draft, clean)
        else:
            problems.extend(item.problems)
            salvaged = salvage(item, region, problems)
            if salvaged is None:
                continue
            clean = salvaged
        if clean.stage not in known_stages:
            # The parsers keep to the database's stages; this guards any other caller.
            try:
                stages.check_stage(session, clean.stage)  # raises, naming the valid ones
            except InvalidInputError as error:
                if strict:
                    raise RecordError(item.record, item.line, str(error)) from None
                problems.append(
                    ImportProblem(
                        item.record, item.line, "stage", clean.stage, str(error), "stage left out"
                    )
                )
                clean = dataclasses.replace(clean, stage=Stage.PROSPECT)
        target = matches.find(clean) if rule is not OnDuplicate.ADD else None
        targets.append(target or _New(clean, item.record))
        if target is None:
            new = targets[-1]
            assert isinstance(new, _New)
            pending.append(new)
            if rule is not OnDuplicate.ADD and within_file:
                matches.remember(clean, new)
        elif rule is OnDuplicate.SKIP:
            skipped += 1
        elif isinstance(target, _New):
            combined = combine(target.clean, clean)
            if combined == target.clean:
                skipped += 1
            else:
                target.clean = combined
                merged_new.add(item.record)
                matches.remember(combined, target)
        else:
            merges.setdefault(target, []).append(clean)
    report(len(records), total)
    merged_ids, unchanged = _apply_merges(session, merges, now=now)
    added_ids = _insert_new(
        session, [p.clean for p in pending], now=now, report=report, total=total
    )
    for new, new_id in zip(pending, added_ids, strict=True):
        new.id = new_id
    contacts.reindex(session, merged_ids)
    report(total, total)
    return ImportSummary(
        added=len(added_ids),
        merged=len(merged_ids) + len(merged_new),
        skipped=skipped + unchanged,
        source=source,
        added_ids=tuple(added_ids),
        merged_ids=tuple(merged_ids),
        record_ids=tuple(t.id if isinstance(t, _New) else t for t in targets),
        problems=tuple(problems),
    )


def _apply_merges(
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
                {k: getattr(row, k) for k in _ADDRESS_FIELDS}
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


_ADDRESS_FIELDS = ("label", "street", "city", "region", "postcode", "country")


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


def _insert_new(
    session: Session,
    new: list[CleanContact],
    *,
    now: datetime,
    report: Progress,
    total: int,
) -> list[int]:
    """Bulk-insert new contacts with their emails, phones, addresses, tags, first stage and
    search index rows."""
    if not new:
        return []
    session.flush()
    company_ids = _ids_for(session, Company, {c.company_key: c.company for c in new if c.company})
    tag_ids = _ids_for(session, Tag, {k: n for c in new for n, k in c.tags})
    # Ids are given, not returned: the write transaction (BEGIN IMMEDIATE) holds the lock, so
    # nobody else can take them, and SQLite's RETURNING in parameter order runs one INSERT per
    # row (20,000 statements for 20,000 contacts, measured) where executemany runs a few.
    new_ids = _new_ids(session, Contact, len(new))
    first_id = new_ids[0]
    # The rows go in as plain values (the stamp formatted once for all): SQLAlchemy's per-row
    # parameter processing cost more than SQLite's own work (issue 18).
    if now.tzinfo is None:
        raise ValueError("an import needs an aware `now`")
    stamp = format_instant(now)
    connection = session.connection()
    rep = identity.current_rep(connection)  # whose they are (a team's server: this rep's)
    with _summaries_after(connection, new_ids):
        _insert_rows(connection, new, new_ids, company_ids, tag_ids, stamp, rep, report, total)
    ids = list(new_ids)
    if connection.dialect.name == "sqlite":
        _index_new(session, new, ids, first_id, company_ids, tag_ids)
    else:  # another engine folds in its own SQL: let it build the rows
        contacts.reindex(session, ids)
    return ids


@contextmanager
def _summaries_after(connection: Connection, new_ids: Sequence[int]) -> Iterator[None]:
    """On SQLite, the derived tables' triggers (the pipeline's stays, the list's cells) dropped
    while the new contacts go in, their rows then computed in one statement each, and the
    triggers put back: all in the import's transaction, so no other connection ever sees the
    schema without them, and a failed or killed import rolls the drop back with the rest.

    Per row, the triggers cost more than the rows (about 25 us a contact for its stay, 10-15 us
    for each email and tag), a third of a large import. A server keeps its triggers: several
    reps write at once there, and its transaction's DDL would lock the tables for them all.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    stage_stays.drop_triggers(connection)
    list_cells.drop_triggers(connection)
    try:
        yield
        new = f"BETWEEN {int(new_ids[0])} AND {int(new_ids[-1])}"
        stage_stays.add_stays(connection, f"sc.contact_id {new}")
        list_cells.rebuild(connection, f"id {new}")
    finally:
        stage_stays.create_triggers(connection)
        list_cells.create_triggers(connection)


def _insert_rows(
    connection: Connection,
    new: list[CleanContact],
    new_ids: Sequence[int],
    company_ids: dict[str, int],
    tag_ids: dict[str, int],
    stamp: str,
    rep: str,
    report: Progress,
    total: int,
) -> None:
    for first in range(0, len(new), _CHUNK):
        chunk = new[first : first + _CHUNK]
        chunk_ids = new_ids[first : first + _CHUNK]
        _bulk(
            connection,
            "contacts",
            _CONTACT_COLUMNS,
            [
                (
                    cid,
                    c.name,
                    c.given_name,
                    c.family_name,
                    c.sort_name,
                    company_ids.get(c.company_key),
                    c.title,
                    c.stage,
                    c.birthday,
                    c.notes,
                    stamp,
                    stamp,
                    rep,
                    rep,
                )
                for c, cid in zip(chunk, chunk_ids, strict=True)
            ],
        )
        _insert_children(connection, chunk, chunk_ids, tag_ids, stamp)
        report(total - len(new) + first + len(chunk), total)


_CONTACT_COLUMNS = (
    "id",
    "display_name",
    "given_name",
    "family_name",
    "sort_name",
    "company_id",
    "title",
    "stage",
    "birthday",
    "notes",
    "created_at",
    "updated_at",
    "owner",
    "updated_by",
)
_VALUE_COLUMNS = ("contact_id", "label", "value", "value_key", "position")
_ADDRESS_COLUMNS = ("contact_id", "position", *_ADDRESS_FIELDS)


def _insert_children(
    connection: Connection,
    chunk: Sequence[CleanContact],
    ids: Sequence[int],
    tag_ids: dict[str, int],
    stamp: str,
) -> None:
    pairs = list(zip(chunk, ids, strict=True))
    emails = [(cid, e.label, e.value, e.key, i) for c, cid in pairs for i, e in enumerate(c.emails)]
    phones = [(cid, p.label, p.value, p.key, i) for c, cid in pairs for i, p in enumerate(c.phones)]
    addresses = [
        (cid, i, *(a[k] for k in _ADDRESS_FIELDS))
        for c, cid in pairs
        for i, a in enumerate(c.addresses)
    ]
    links = [(cid, tag_ids[key]) for c, cid in pairs for _, key in c.tags]
    stages = [(cid, c.stage, stamp) for c, cid in pairs]
    _bulk(connection, "contact_emails", _VALUE_COLUMNS, emails)
    _bulk(connection, "contact_phones", _VALUE_COLUMNS, phones)
    _bulk(connection, "contact_addresses", _ADDRESS_COLUMNS, addresses)
    _bulk(connection, "stage_changes", ("contact_id", "stage", "changed_at"), stages)
    _bulk(connection, "contact_tags", ("contact_id", "tag_id"), links)


def _bulk(
    connection: Connection, name: str, columns: Sequence[str], rows: Sequence[tuple[object, ...]]
) -> None:
    """executemany of rows of plain values (stamps already text) into these columns."""
    if not rows:
        return
    statement = insert(table(name, *(column(c) for c in columns))).compile(
        dialect=connection.dialect, column_keys=list(columns)
    )
    if connection.dialect.positional:
        assert tuple(statement.positiontup or ()) == tuple(columns)
        connection.exec_driver_sql(str(statement), rows)
    else:
        connection.exec_driver_sql(
            str(statement), [dict(zip(columns, r, strict=True)) for r in rows]
        )


def _index_new(
    session: Session,
    new: Sequence[CleanContact],
    ids: Sequence[int],
    first_id: int,
    company_ids: dict[str, int],
    tag_ids: dict[str, int],
) -> None:
    """The search index rows of new contacts, folded here from what was just inserted.

    The same text as `contacts.reindex` builds in SQL, without its per-contact subqueries and
    five calls back into Python per row: the company's and the tags' names as stored (a
    company or tag already there keeps its first spelling), the tags in the order of their ids
    (as the index's join reads them).
    """
    companies = {
        key: fold(name) for key, name in _stored_names(session, Company, company_ids).items()
    }
    tag_names = _stored_names(session, Tag, tag_ids)

    def tag_words(tags: tuple[tuple[str, str], ...]) -> str:
        if len(tags) > 1:
            keys = sorted((key for _, key in tags), key=tag_ids.__getitem__)
            return fold(" ".join(tag_names[key] for key in keys))
        return fold(tag_names[tags[0][1]]) if tags else ""

    rows = [
        (
            cid,
            fold(f"{c.name} {c.given_name} {c.family_name}"),
            fold(" ".join(e.value for e in c.emails)),
            companies.get(c.company_key, "") if c.company else "",
            fold(f"{c.title}\n{c.notes}"),
            tag_words(c.tags),
        )
        for c, cid in zip(new, ids, strict=True)
    ]
    connection = session.connection()
    # Rows a contact deleted without its index row left behind would stand in the way.
    connection.exec_driver_sql(f"DELETE FROM {CONTACT_FTS_TABLE} WHERE rowid >= ?", (first_id,))
    connection.exec_driver_sql(
        f"INSERT INTO {CONTACT_FTS_TABLE} (rowid, name, emails, company, notes, tags) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )


def _stored_names(
    session: Session, model: type[Company] | type[Tag], ids: dict[str, int]
) -> dict[str, str]:
    """The stored name of each company or tag, by its key (`ids`: key -> id)."""
    keys_by_id = {i: key for key, i in ids.items()}
    found: dict[str, str] = {}
    wanted = list(keys_by_id)
    for first in range(0, len(wanted), 500):
        chunk = wanted[first : first + 500]
        for i, name in session.execute(select(model.id, model.name).where(model.id.in_(chunk))):
            found[keys_by_id[i]] = name
    return found


def _ids_for(
    session: Session, model: type[Company] | type[Tag], wanted: dict[str, str]
) -> dict[str, int]:
    """Ids of the companies or tags with these folded keys, creating the missing ones."""
    if not wanted:
        return {}
    found: dict[str, int] = {}
    keys = list(wanted)
    for first in range(0, len(keys), 500):
        chunk = keys[first : first + 500]
        found.update(
            session.execute(select(model.name_key, model.id).where(model.name_key.in_(chunk))).all()
        )
    missing = [k for k in keys if k not in found]
    if missing:
        now = utcnow()
        extra: dict[str, object] = (
            {"website": "", "notes": "", "created_at": now, "updated_at": now}
            if model is Company
            else {}
        )
        new_ids = _new_ids(session, model, len(missing))
        rows = [
            {"id": i, "name": wanted[k], "name_key": k, **extra}
            for k, i in zip(missing, new_ids, strict=True)
        ]
        session.connection().execute(insert(_table(model)), rows)
        found.update(zip(missing, new_ids, strict=True))
    return found


def _new_ids(
    session: Session, model: type[Company] | type[Tag] | type[Contact], count: int
) -> Sequence[int]:
    """`count` ids for new rows of `model`: after the largest on SQLite (the write lock is held),
    from the id sequence on a server (where other reps' rows take theirs from it too)."""
    if portable.dialect_of(session) == portable.POSTGRESQL:
        table = _table(model).name
        return list(
            session.scalars(
                text(
                    f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": count},
            )
        )
    first = (session.scalar(select(func.max(model.id))) or 0) + 1
    return range(first, first + count)


def _table(model: type[Base]) -> Table:
    """The model's Core table: executemany without the ORM's per-row bookkeeping."""
    return cast(Table, model.__table__)
