"""Reading a JSON copy into the database: settings, stages, companies and contacts, then the rest.

Reading a copy into a database that already holds data never doubles anything: contacts go
through the import's duplicate rules, and every other record is skipped when one with the same
natural key is there (a meeting's start, kind and title; a note's contact and meeting...). The
whole copy is read inside the caller's transaction: all of it, or nothing. The records that hang
off contacts and meetings are `json_copy_rows`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from relationship_crm.domain import bounds
from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.records import Address, ContactDraft, Labeled
from relationship_crm.domain.text import fold
from relationship_crm.interchange.records import ImportedContact, RecordError
from relationship_crm.services import (
    contact_fields,
    contacts,
    health,
    importing,
    settings,
    stages,
    team,
)
from relationship_crm.services.common import utcnow
from relationship_crm.services.import_summary import ImportSummary, OnDuplicate, Progress
from relationship_crm.services.json_copy import ADDRESS_FIELDS, encode_value
from relationship_crm.services.json_copy_reading import (
    DocPath,
    column_value,
    items_of,
    list_of,
    optional_id,
    parse_document,
    text_of,
)
from relationship_crm.services.json_copy_rows import RowImporter
from relationship_crm.storage import identity
from relationship_crm.storage.schema import (
    Company,
    Contact,
    KeepInTouchRhythm,
    StageChange,
)


@dataclass(frozen=True, slots=True)
class CopySummary:
    """What reading a copy did: the contacts' summary plus counts of the other records added."""

    contacts: ImportSummary
    added: dict[str, int]
    skipped: dict[str, int]

    def sentence(self) -> str:
        others = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in self.added.items() if n)
        repeated = sum(self.skipped.values())
        text = self.contacts.sentence()
        if others:
            text += f" Also added {others}."
        if repeated:
            text += f" {repeated} other records were already there."
        return text


def import_document(
    session: Session,
    data: bytes,
    *,
    on_duplicate: OnDuplicate | str = OnDuplicate.SKIP,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> CopySummary:
    """Read a copy into the database, inside the caller's transaction (all or nothing)."""
    now = now or utcnow()
    document = parse_document(data)
    session.info[identity.KEEP_WRITERS] = True
    try:
        return _import_document(session, document, on_duplicate, progress, now)
    finally:
        session.info.pop(identity.KEEP_WRITERS, None)


def _import_document(
    session: Session,
    document: Mapping[str, Any],
    on_duplicate: OnDuplicate | str,
    progress: Progress | None,
    now: datetime,
) -> CopySummary:
    if team.is_shared(session) and "team_settings" in document:
        for key, value in _settings(document, "team_settings"):
            settings.put_stored(session, None, key, value)
        for rep, key, value in _rep_settings(document):
            settings.put_stored(session, rep, key, value)
    else:
        for key, value in _settings(document):
            if settings.get(session, key) is None:
                settings.put(session, key, value)
    _stages(session, document)
    company_ids = _companies(session, document, now=now)
    contact_ids, summary = _contacts(session, document, on_duplicate, progress, now)
    added: dict[str, int] = {}
    skipped: dict[str, int] = {}
    importer = RowImporter(session, contact_ids, company_ids, added, skipped)
    importer.meetings(document)
    importer.research(document)
    importer.trigger_events(document)
    importer.follow_ups(document)
    importer.thanks(document)
    importer.gifts(document)
    importer.templates(document)
    added["keep_in_touch_rhythms"] = health.restore_rules(
        session, _rhythms(session, document), contact_ids
    )
    importer.campaigns(document)
    try:
        session.flush()
    except IntegrityError as error:
        raise InvalidInputError(
            f"the copy holds a value the database refuses: {error.orig}"
        ) from None
    return CopySummary(summary, added, skipped)


def _rhythms(session: Session, document: Mapping[str, Any]) -> list[health.RuleView]:
    """The keep-in-touch rules of the copy, checked as the commands check them."""
    rules: list[health.RuleView] = []
    for path, row in items_of(document, "keep_in_touch_rhythms"):
        scope = text_of(row, "scope", path)
        key = text_of(row, "key", path)
        try:
            if scope == "tag":
                key = fold(contact_fields.normalize_tag(key))
            elif scope == "stage":
                key = health.check_stage_key(session, key)
            elif scope != "contact":
                raise InvalidInputError("the scope must be contact, tag or stage")
            ideal, most = optional_id(row, "ideal_days", path), optional_id(row, "max_days", path)
            if ideal is not None or most is not None:
                ideal, most = bounds.check_rhythm(ideal or 0, most or 0)
            off = row.get("off", False)
            if not isinstance(off, bool):
                raise (path / "off").fail("must be true or false")
            paused = row.get("paused_until")
            until = (
                None
                if paused is None
                else column_value(
                    KeepInTouchRhythm.__table__.columns["paused_until"],
                    paused,
                    path / "paused_until",
                )
            )
            reason = text_of(row, "pause_reason", path)[: health.MAX_REASON]
        except InvalidInputError as error:
            raise path.fail(str(error)) from None
        if scope == "contact":
            if ideal is None and not off and until is None:
                continue  # an empty contact rule says nothing
            key = str(optional_id(row, "contact_id", path) or key)
        elif ideal is None:
            continue  # a tag or stage rule without days says nothing
        rules.append(
            health.RuleView(scope, key, ideal, most, off, cast(date | None, until), reason)  # type: ignore[arg-type]
        )
    return rules


def _settings(document: Mapping[str, Any], name: str = "settings") -> Iterator[tuple[str, str]]:
    values = document.get(name, {})
    if not isinstance(values, dict):
        raise DocPath(name).fail("must be an object")
    for key, value in values.items():
        if key in settings.KNOWN_SETTINGS and isinstance(value, str):
            yield key, value


def _rep_settings(document: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(rep, key, value) of a server copy's `rep_settings` ({rep: {key: value}})."""
    reps = document.get("rep_settings", {})
    if not isinstance(reps, dict):
        raise DocPath("rep_settings").fail("must be an object")
    for rep, values in reps.items():
        if not isinstance(values, dict) or not rep or len(rep) > team.MAX_LOGIN:
            raise DocPath("rep_settings").fail(f"has an odd entry for {rep!r}")
        for key, value in values.items():
            if key in settings.KNOWN_SETTINGS and isinstance(value, str):
                yield rep, key, value


def _stages(session: Session, document: Mapping[str, Any]) -> None:
    """The copy's stages: new keys join the funnel in the copy's order; a stage here stays as
    the rep left it, unless it was never edited (then it takes the copy's words and limit)."""
    items = list(items_of(document, "stages"))
    ordered = sorted(items, key=lambda item: _position(item[1], item[0]))
    previous: str | None = None
    for path, row in ordered:
        key = text_of(row, "key", path)
        values = {
            "label": text_of(row, "label", path),
            "definition": text_of(row, "definition", path),
        }
        limit = row.get("stuck_after_days")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
            raise (path / "stuck_after_days").fail("must be a whole number of days or null")
        try:
            here = stages.existing_stage(session, key)
            if here is None:
                after = previous or stages.stage_keys(session)[0]
                stages.add_stage(session, key, after=after, stuck_after_days=limit, **values)
            elif stages.untouched(here):
                stages.edit_stage(session, key, stuck_after_days=limit, **values)
        except InvalidInputError as error:
            raise path.fail(str(error)) from None
        previous = key


def _position(row: Mapping[str, Any], path: DocPath) -> int:
    value = row.get("position", 0)
    if isinstance(value, bool) or not isinstance(value, int):
        raise (path / "position").fail("must be a whole number")
    return value


def _companies(session: Session, document: Mapping[str, Any], *, now: datetime) -> dict[int, int]:
    ids: dict[int, int] = {}
    for path, row in items_of(document, "companies"):
        name = text_of(row, "name", path)
        try:
            company = contacts.company_named(session, name, now=now)
        except InvalidInputError as error:
            raise (path / "name").fail(str(error)) from None
        company.website = company.website or text_of(row, "website", path)[:500]
        company.notes = company.notes or text_of(row, "notes", path)
        if company.id is None:  # new here: keep the copy's dates
            columns = Company.__table__.columns
            for key in ("created_at", "updated_at"):
                if row.get(key) is not None:
                    setattr(company, key, column_value(columns[key], row[key], path / key))
        session.flush()
        old = optional_id(row, "id", path)
        if old is not None:
            ids[old] = company.id
    return ids


def _contacts(
    session: Session,
    document: Mapping[str, Any],
    on_duplicate: OnDuplicate | str,
    progress: Progress | None,
    now: datetime,
) -> tuple[dict[int, int], ImportSummary]:
    """Contacts through the import's duplicate rules; returns old id -> id here.

    A contact already here with the same name and creation instant is the same record (an
    earlier import of this copy) and is left alone. The others are matched against the database
    only: a copy's contacts are distinct even when two share a name and company.
    """
    same = {
        (name, encode_value(created)): cid
        for cid, name, created in session.execute(
            select(Contact.id, Contact.sort_name, Contact.created_at)
        )
    }
    live: list[ImportedContact] = []
    trashed: list[ImportedContact] = []
    rows: list[tuple[DocPath, dict[str, Any]]] = []
    by_record: dict[int, int] = {}
    for path, row in items_of(document, "contacts"):
        rows.append((path, row))
        item = ImportedContact(_draft(row, path), len(rows), 0)
        known = same.get((fold(" ".join(item.draft.name.split())), row.get("created_at")))
        if known is not None:
            by_record[item.record] = known
        else:
            (trashed if row.get("deleted_at") else live).append(item)
    summary = _contact_records(session, live, on_duplicate, progress, now)
    trashed_summary = _contact_records(session, trashed, OnDuplicate.ADD, None, now)
    by_record.update(zip([r.record for r in live], summary.record_ids, strict=True))
    by_record.update(zip([r.record for r in trashed], trashed_summary.record_ids, strict=True))
    ids: dict[int, int] = {}
    added = set(summary.added_ids) | set(trashed_summary.added_ids)
    for record, (path, row) in enumerate(rows, start=1):
        new_id = by_record[record]
        old = optional_id(row, "id", path)
        if old is not None:
            ids[old] = new_id
        if new_id in added:
            _restore_history(session, new_id, row, path)
    if trashed_summary.added_ids:
        contacts.reindex(session, trashed_summary.added_ids)
    return ids, ImportSummary(
        added=summary.added + trashed_summary.added,
        merged=summary.merged,
        skipped=len(rows) - summary.added - summary.merged - trashed_summary.added,
        source="Relationship CRM copy (JSON)",
        added_ids=summary.added_ids + trashed_summary.added_ids,
        merged_ids=summary.merged_ids,
        record_ids=tuple(by_record[r] for r in range(1, len(rows) + 1)),
    )


def _contact_records(
    session: Session,
    records: list[ImportedContact],
    on_duplicate: OnDuplicate | str,
    progress: Progress | None,
    now: datetime,
) -> ImportSummary:
    try:
        return importing.import_contacts(
            session,
            records,
            on_duplicate=on_duplicate,
            progress=progress,
            within_file=False,
            now=now,
        )
    except RecordError as error:
        raise InvalidInputError(f"contacts[{error.record - 1}]: {error.problem}") from None


def _draft(row: Mapping[str, Any], path: DocPath) -> ContactDraft:
    def labeled(key: str) -> tuple[Labeled, ...]:
        found = []
        for i, item in enumerate(list_of(row, key, path)):
            at = path / key / i
            if not isinstance(item, dict):
                raise at.fail("must be an object")
            found.append(Labeled(text_of(item, "value", at), text_of(item, "label", at)))
        return tuple(found)

    addresses = []
    for i, item in enumerate(list_of(row, "addresses", path)):
        at = path / "addresses" / i
        if not isinstance(item, dict):
            raise at.fail("must be an object")
        addresses.append(Address(**{k: text_of(item, k, at) for k in ADDRESS_FIELDS}))
    tags = list_of(row, "tags", path)
    if not all(isinstance(t, str) for t in tags):
        raise (path / "tags").fail("must be a list of text")
    birthday = row.get("birthday")
    if birthday is not None and not isinstance(birthday, str):
        raise (path / "birthday").fail("must be text")
    try:
        stage = contact_fields.parse_stage(text_of(row, "stage", path, default="prospect"))
    except InvalidInputError as error:
        raise (path / "stage").fail(str(error)) from None
    return ContactDraft(
        name=text_of(row, "name", path),
        given_name=text_of(row, "given_name", path),
        family_name=text_of(row, "family_name", path),
        emails=labeled("emails"),
        phones=labeled("phones"),
        addresses=tuple(addresses),
        company=text_of(row, "company", path),
        title=text_of(row, "title", path),
        stage=stage,
        tags=tuple(tags),
        birthday=birthday,
        notes=text_of(row, "notes", path),
    )


def _restore_history(
    session: Session, contact_id: int, row: Mapping[str, Any], path: DocPath
) -> None:
    """A contact added from a copy keeps its dates, company link, trash state and stage history."""
    contact = session.get(Contact, contact_id)
    assert contact is not None
    columns = Contact.__table__.columns
    # Whose account it is and who saved it last (issue 20) move with it; the version counter
    # starts again (it only orders saves within one database).
    for key in (
        "created_at",
        "updated_at",
        "deleted_at",
        "campaign_opt_out",
        "owner",
        "updated_by",
    ):
        if row.get(key) is not None:
            setattr(contact, key, column_value(columns[key], row[key], path / key))
    history = []
    for i, item in enumerate(list_of(row, "stage_history", path)):
        at = path / "stage_history" / i
        if not isinstance(item, dict):
            raise at.fail("must be an object")
        try:
            stage = stages.check_stage(session, text_of(item, "stage", at))
        except InvalidInputError as error:
            raise (at / "stage").fail(str(error)) from None
        changed = column_value(
            StageChange.__table__.columns["changed_at"], item.get("changed_at"), at / "changed_at"
        )
        history.append({"contact_id": contact_id, "stage": stage, "changed_at": changed})
    if history:
        for old in list(contact.stage_changes):
            session.delete(old)
        session.flush()
        session.execute(insert(StageChange), history)
        session.expire(contact, ["stage_changes"])
