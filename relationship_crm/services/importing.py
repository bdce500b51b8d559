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

What an import is told and returns is in `import_summary`, the merge rule in `import_merge`,
the bulk insert in `import_insert`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from relationship_crm.domain.enums import Stage
from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.interchange.records import ImportedContact, ImportProblem, RecordError
from relationship_crm.services import (
    contact_fields,
    contacts,
    import_insert,
    import_merge,
    settings,
    stages,
)
from relationship_crm.services.common import (
    collector_paused,
    utcnow,
)
from relationship_crm.services.contact_fields import CleanContact
from relationship_crm.services.import_checks import as_written, salvage, without_invisible
from relationship_crm.services.import_checks import strip_invisible as strip_invisible
from relationship_crm.services.import_merge import combine
from relationship_crm.services.import_summary import (
    ImportSummary,
    OnDuplicate,
    Progress,
    parse_on_duplicate,
)
from relationship_crm.storage.schema import Company, Contact, ContactEmail, ContactPhone

_PROGRESS_EVERY = 250


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
    merged_ids, unchanged = import_merge.apply_merges(session, merges, now=now)
    added_ids = import_insert.insert_new(
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
