"""A full copy of the database as JSON: `export --format json`, and `import` reading it back.

The document is meant for people and scripts too, so contacts carry their emails, phones,
addresses, tags and stage history inline, meetings their attendee ids, follow-ups their
completions. Everything else is one object per row with the column names of the schema.
Instants are ISO 8601 in UTC ("2026-11-23T14:00:00+00:00"), wall-clock times are naive
("2026-11-23T09:00") beside their IANA zone, money is a decimal string.

Reading a copy into a database that already holds data never doubles anything: contacts go
through the import's duplicate rules, and every other record is skipped when one with the same
natural key is there (a meeting's start, kind and title; a note's contact and meeting...).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar, cast

from sqlalchemy import Boolean, Date, Integer, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session

from relationship_crm import __version__
from relationship_crm.domain import bounds
from relationship_crm.domain.bounds import unreadable_text
from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.records import Address, ContactDraft, Labeled
from relationship_crm.domain.text import fold
from relationship_crm.interchange.records import ImportedContact, RecordError
from relationship_crm.scheduling.zones import get_zone
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
from relationship_crm.services.importing import ImportSummary, OnDuplicate, Progress
from relationship_crm.storage import identity
from relationship_crm.storage.schema import (
    Campaign,
    CampaignMember,
    Company,
    Contact,
    ContactAddress,
    ContactEmail,
    ContactPhone,
    FollowUp,
    FollowUpCompletion,
    Gift,
    KeepInTouchRhythm,
    Meeting,
    NoteTemplate,
    ResearchNote,
    StageChange,
    StageDefinition,
    Tag,
    ThankYouNote,
    TriggerEvent,
    meeting_attendees,
)
from relationship_crm.storage.types import DayDate, DecimalText, UTCDateTime, WallClock

_M = TypeVar("_M", bound=DeclarativeBase)

#: Key of the object that stands for a stored date/time the app could not read:
#: {"unreadable": "<the stored text>"}. Importing such a value is refused with its path.
UNREADABLE_KEY = "unreadable"

FORMAT = "relationship-crm"
VERSION = 1
_ADDRESS = ("label", "street", "city", "region", "postcode", "country")


# --- encoding -----------------------------------------------------------------------------------


def _encode(value: object) -> object:
    raw = unreadable_text(value)
    if raw is not None:
        # A stored time nobody can read is given back as it is, marked, so the copy is whole.
        return {UNREADABLE_KEY: raw}
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.strftime("%Y-%m-%dT%H:%M")
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(obj: DeclarativeBase, *, skip: Sequence[str] = ()) -> dict[str, object]:
    return {c.key: _encode(getattr(obj, c.key)) for c in obj.__table__.columns if c.key not in skip}


def export_document(session: Session, *, now: datetime | None = None) -> dict[str, object]:
    """Everything in the database (the trash too) as one JSON-ready dictionary."""
    now = now or utcnow()
    emails = _children(session, ContactEmail)
    phones = _children(session, ContactPhone)
    addresses = _children(session, ContactAddress)
    stages = _children(session, StageChange)
    tags: dict[int, list[str]] = {}
    for cid, name in session.execute(
        select(Contact.id, Tag.name).join(Contact.tags).order_by(Contact.id, Tag.name_key)
    ):
        tags.setdefault(cid, []).append(name)
    company_names = dict(session.execute(select(Company.id, Company.name)).all())
    people = []
    for contact in session.scalars(select(Contact).order_by(Contact.id)):
        row = _row(contact, skip=("sort_name", "version", "list_emails", "list_tags"))
        row["name"] = row.pop("display_name")
        row["company"] = company_names.get(contact.company_id or 0, "")
        row["emails"] = [{"value": e.value, "label": e.label} for e in emails.get(contact.id, [])]
        row["phones"] = [{"value": p.value, "label": p.label} for p in phones.get(contact.id, [])]
        row["addresses"] = [
            {k: getattr(a, k) for k in _ADDRESS} for a in addresses.get(contact.id, [])
        ]
        row["tags"] = tags.get(contact.id, [])
        row["stage_history"] = [
            {"stage": s.stage, "changed_at": _encode(s.changed_at)}
            for s in stages.get(contact.id, [])
        ]
        people.append(row)
    attendees: dict[int, list[int]] = {}
    for mid, cid in session.execute(
        select(meeting_attendees.c.meeting_id, meeting_attendees.c.contact_id).order_by(
            meeting_attendees.c.meeting_id, meeting_attendees.c.contact_id
        )
    ):
        attendees.setdefault(mid, []).append(cid)
    completions = _children(session, FollowUpCompletion, parent="follow_up_id")
    follow_ups = []
    for follow_up in session.scalars(select(FollowUp).order_by(FollowUp.id)):
        row = _row(follow_up)
        row["completions"] = [
            {"due_at": _encode(c.due_at), "completed_at": _encode(c.completed_at)}
            for c in completions.get(follow_up.id, [])
        ]
        follow_ups.append(row)
    shared: dict[str, Any] = {}
    if team.is_shared(session):
        # A server's copy keeps the team's values and each rep's own (`settings` is the
        # exporting rep's view of both, what a laptop's file takes).
        shared = {
            "team_settings": settings.team_settings(session),
            "rep_settings": settings.every_rep_settings(session),
        }
    return {
        "format": FORMAT,
        "version": VERSION,
        "app_version": __version__,
        "exported_at": _encode(now),
        "settings": settings.all_settings(session),
        **shared,
        "stages": [_row(st) for st in _all(session, StageDefinition)],
        "companies": [_row(c, skip=("name_key",)) for c in _all(session, Company)],
        "contacts": people,
        "meetings": [
            {**_row(m), "attendee_ids": attendees.get(m.id, [])} for m in _all(session, Meeting)
        ],
        "research_notes": [_row(r) for r in _all(session, ResearchNote)],
        "trigger_events": [_row(e) for e in _all(session, TriggerEvent)],
        "follow_ups": follow_ups,
        "thank_you_notes": [_row(t) for t in _all(session, ThankYouNote)],
        "gifts": [_row(g) for g in _all(session, Gift)],
        "note_templates": [_row(t) for t in _all(session, NoteTemplate)],
        "keep_in_touch_rhythms": [
            _row(r, skip=("id", "updated_at")) for r in _all(session, KeepInTouchRhythm)
        ],
        "campaigns": [
            {**_row(c), "members": [_row(m, skip=("id", "campaign_id")) for m in c.members]}
            for c in _all(session, Campaign)
        ],
    }


def export_json(session: Session, *, now: datetime | None = None) -> bytes:
    """The document as UTF-8 JSON text, indented, keys in schema order."""
    text = json.dumps(export_document(session, now=now), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def _all(session: Session, model: type[_M]) -> list[_M]:
    key = "name" if model is NoteTemplate else "position" if model is StageDefinition else "id"
    return list(session.scalars(select(model).order_by(getattr(model, key))))


def _children(
    session: Session, model: type[_M], *, parent: str = "contact_id"
) -> dict[int, list[_M]]:
    found: dict[int, list[_M]] = {}
    order = [getattr(model, parent), model.id]  # type: ignore[attr-defined]
    for row in session.scalars(select(model).order_by(*order)):
        found.setdefault(getattr(row, parent), []).append(row)
    return found


# --- reading ------------------------------------------------------------------------------------


def looks_like_copy(data: bytes) -> bool:
    """Whether these bytes start like a JSON document (the importer then expects one of ours)."""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def parse_document(data: bytes) -> dict[str, Any]:
    """The JSON document, checked to be one of ours; errors say line and column."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise InvalidInputError(f"the JSON file is not UTF-8 (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise InvalidInputError(
            f"the JSON file is broken at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except RecursionError:
        raise InvalidInputError("the JSON file is nested too deeply") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidInputError(
            'this JSON file is not a Relationship CRM copy (no "format": "relationship-crm")'
        )
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InvalidInputError('the copy has no valid "version"')
    if version > VERSION:
        raise InvalidInputError(
            f"the copy was written by a newer version of the app (format {version}; this "
            f"version reads up to {VERSION}); update the app to import it"
        )
    return document


@dataclass(slots=True)
class _Path:
    """Where in the document a value is, for messages: contacts[3].emails[0].value."""

    text: str

    def __truediv__(self, key: str | int) -> _Path:
        return _Path(f"{self.text}[{key}]" if isinstance(key, int) else f"{self.text}.{key}")

    def fail(self, problem: str) -> InvalidInputError:
        return InvalidInputError(f"{self.text}: {problem}")


def _items(document: Mapping[str, Any], key: str) -> Iterator[tuple[_Path, dict[str, Any]]]:
    values = document.get(key, [])
    if not isinstance(values, list):
        raise _Path(key).fail("must be a list")
    for i, value in enumerate(values):
        path = _Path(key) / i
        if not isinstance(value, dict):
            raise path.fail("must be an object")
        yield path, value


def _text(row: Mapping[str, Any], key: str, path: _Path, *, default: str = "") -> str:
    value = row.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise (path / key).fail("must be text")
    return value


def _optional_id(row: Mapping[str, Any], key: str, path: _Path) -> int | None:
    value = row.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise (path / key).fail("must be a whole number")
    return value


def _column_value(column: Any, raw: object, path: _Path) -> object:
    """A JSON value turned into what the column stores, or a clear error."""
    kind = column.type
    if raw is None:
        if not column.nullable and column.default is None and not column.primary_key:
            raise path.fail("must not be empty")
        return None
    if isinstance(raw, dict) and UNREADABLE_KEY in raw:
        raise path.fail(f"was unreadable in the database it came from ({raw[UNREADABLE_KEY]!r})")
    try:
        if isinstance(kind, UTCDateTime):
            value = datetime.fromisoformat(cast(str, raw))
            if value.tzinfo is None:
                raise ValueError
            return _in_window(value, path)
        if isinstance(kind, WallClock):
            return _in_window(datetime.fromisoformat(cast(str, raw)).replace(tzinfo=None), path)
        if isinstance(kind, DecimalText):
            if not isinstance(raw, str | int):
                raise ValueError
            return Decimal(str(raw))
        if isinstance(kind, Date | DayDate):
            return _in_window(date.fromisoformat(cast(str, raw)), path)
        if isinstance(kind, Boolean):
            if not isinstance(raw, bool):
                raise ValueError
            return raw
        if isinstance(kind, Integer):
            if not isinstance(raw, int) or isinstance(raw, bool):
                raise ValueError
            if not -bounds.MAX_ID <= raw <= bounds.MAX_ID:
                raise path.fail(f"{raw} is too large")
            return raw
    except (ValueError, TypeError, InvalidOperation):
        raise path.fail(f"{raw!r} is not a valid {_kind_name(kind)}") from None
    if not isinstance(raw, str):
        raise path.fail("must be text")
    # The same caps as the services: a String(n) column holds n characters, free text 100k;
    # control characters other than newline and tab are dropped (as typed text would be).
    cap = getattr(kind, "length", None) or bounds.MAX_NOTES
    if len(raw) > cap:
        raise path.fail(f"is too long ({len(raw)} characters; at most {cap})")
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in raw):
        raw = "".join(c for c in raw if c in "\n\t" or unicodedata.category(c) != "Cc")
    return raw


_Bounded = TypeVar("_Bounded", date, datetime)


def _in_window(value: _Bounded, path: _Path) -> _Bounded:
    """A date or time from the copy, refused outside the years the app can store and read."""
    try:
        bounds.check_year(value.year, "the date", value.isoformat())
    except InvalidInputError:
        raise path.fail(
            f"{value.isoformat()} is not between {bounds.FIRST_YEAR} and {bounds.LAST_YEAR}"
        ) from None
    return value


def _kind_name(kind: object) -> str:
    if isinstance(kind, UTCDateTime):
        return "instant (ISO 8601 with offset)"
    if isinstance(kind, WallClock):
        return "wall-clock time (YYYY-MM-DDTHH:MM)"
    if isinstance(kind, DecimalText):
        return "decimal number"
    if isinstance(kind, Date | DayDate):
        return "date (YYYY-MM-DD)"
    if isinstance(kind, Boolean):
        return "true or false"
    return "whole number"


def _values(
    model: type[DeclarativeBase],
    row: Mapping[str, Any],
    path: _Path,
    *,
    remap: Mapping[str, Callable[[int | None], int | None]] = {},  # noqa: B006
) -> dict[str, object]:
    """The model's column values from a JSON row (id dropped, foreign keys remapped)."""
    values: dict[str, object] = {}
    for column in model.__table__.columns:
        if column.key == "id" or (column.key not in row and column.key not in remap):
            continue
        value = _column_value(column, row.get(column.key), path / column.key)
        if column.key in remap:
            value = remap[column.key](cast(int | None, value))
        if column.key == "tz" and value is not None:
            try:
                value = get_zone(cast(str, value)).key
            except InvalidInputError as error:
                raise (path / "tz").fail(str(error)) from None
        values[column.key] = value
    return values


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
    importer = _Rows(session, contact_ids, company_ids, added, skipped)
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
    for path, row in _items(document, "keep_in_touch_rhythms"):
        scope = _text(row, "scope", path)
        key = _text(row, "key", path)
        try:
            if scope == "tag":
                key = fold(contact_fields.normalize_tag(key))
            elif scope == "stage":
                key = health.check_stage_key(session, key)
            elif scope != "contact":
                raise InvalidInputError("the scope must be contact, tag or stage")
            ideal, most = _optional_id(row, "ideal_days", path), _optional_id(row, "max_days", path)
            if ideal is not None or most is not None:
                ideal, most = bounds.check_rhythm(ideal or 0, most or 0)
            off = row.get("off", False)
            if not isinstance(off, bool):
                raise (path / "off").fail("must be true or false")
            paused = row.get("paused_until")
            until = (
                None
                if paused is None
                else _column_value(
                    KeepInTouchRhythm.__table__.columns["paused_until"],
                    paused,
                    path / "paused_until",
                )
            )
            reason = _text(row, "pause_reason", path)[: health.MAX_REASON]
        except InvalidInputError as error:
            raise path.fail(str(error)) from None
        if scope == "contact":
            if ideal is None and not off and until is None:
                continue  # an empty contact rule says nothing
            key = str(_optional_id(row, "contact_id", path) or key)
        elif ideal is None:
            continue  # a tag or stage rule without days says nothing
        rules.append(
            health.RuleView(scope, key, ideal, most, off, cast(date | None, until), reason)  # type: ignore[arg-type]
        )
    return rules


def _settings(document: Mapping[str, Any], name: str = "settings") -> Iterator[tuple[str, str]]:
    values = document.get(name, {})
    if not isinstance(values, dict):
        raise _Path(name).fail("must be an object")
    for key, value in values.items():
        if key in settings.KNOWN_SETTINGS and isinstance(value, str):
            yield key, value


def _rep_settings(document: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(rep, key, value) of a server copy's `rep_settings` ({rep: {key: value}})."""
    reps = document.get("rep_settings", {})
    if not isinstance(reps, dict):
        raise _Path("rep_settings").fail("must be an object")
    for rep, values in reps.items():
        if not isinstance(values, dict) or not rep or len(rep) > team.MAX_LOGIN:
            raise _Path("rep_settings").fail(f"has an odd entry for {rep!r}")
        for key, value in values.items():
            if key in settings.KNOWN_SETTINGS and isinstance(value, str):
                yield rep, key, value


def _stages(session: Session, document: Mapping[str, Any]) -> None:
    """The copy's stages: new keys join the funnel in the copy's order; a stage here stays as
    the rep left it, unless it was never edited (then it takes the copy's words and limit)."""
    items = list(_items(document, "stages"))
    ordered = sorted(items, key=lambda item: _position(item[1], item[0]))
    previous: str | None = None
    for path, row in ordered:
        key = _text(row, "key", path)
        values = {
            "label": _text(row, "label", path),
            "definition": _text(row, "definition", path),
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


def _position(row: Mapping[str, Any], path: _Path) -> int:
    value = row.get("position", 0)
    if isinstance(value, bool) or not isinstance(value, int):
        raise (path / "position").fail("must be a whole number")
    return value


def _companies(session: Session, document: Mapping[str, Any], *, now: datetime) -> dict[int, int]:
    ids: dict[int, int] = {}
    for path, row in _items(document, "companies"):
        name = _text(row, "name", path)
        try:
            company = contacts.company_named(session, name, now=now)
        except InvalidInputError as error:
            raise (path / "name").fail(str(error)) from None
        company.website = company.website or _text(row, "website", path)[:500]
        company.notes = company.notes or _text(row, "notes", path)
        if company.id is None:  # new here: keep the copy's dates
            columns = Company.__table__.columns
            for key in ("created_at", "updated_at"):
                if row.get(key) is not None:
                    setattr(company, key, _column_value(columns[key], row[key], path / key))
        session.flush()
        old = _optional_id(row, "id", path)
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
        (name, _encode(created)): cid
        for cid, name, created in session.execute(
            select(Contact.id, Contact.sort_name, Contact.created_at)
        )
    }
    live: list[ImportedContact] = []
    trashed: list[ImportedContact] = []
    rows: list[tuple[_Path, dict[str, Any]]] = []
    by_record: dict[int, int] = {}
    for path, row in _items(document, "contacts"):
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
        old = _optional_id(row, "id", path)
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


def _draft(row: Mapping[str, Any], path: _Path) -> ContactDraft:
    def labeled(key: str) -> tuple[Labeled, ...]:
        found = []
        for i, item in enumerate(_list(row, key, path)):
            at = path / key / i
            if not isinstance(item, dict):
                raise at.fail("must be an object")
            found.append(Labeled(_text(item, "value", at), _text(item, "label", at)))
        return tuple(found)

    addresses = []
    for i, item in enumerate(_list(row, "addresses", path)):
        at = path / "addresses" / i
        if not isinstance(item, dict):
            raise at.fail("must be an object")
        addresses.append(Address(**{k: _text(item, k, at) for k in _ADDRESS}))
    tags = _list(row, "tags", path)
    if not all(isinstance(t, str) for t in tags):
        raise (path / "tags").fail("must be a list of text")
    birthday = row.get("birthday")
    if birthday is not None and not isinstance(birthday, str):
        raise (path / "birthday").fail("must be text")
    try:
        stage = contact_fields.parse_stage(_text(row, "stage", path, default="prospect"))
    except InvalidInputError as error:
        raise (path / "stage").fail(str(error)) from None
    return ContactDraft(
        name=_text(row, "name", path),
        given_name=_text(row, "given_name", path),
        family_name=_text(row, "family_name", path),
        emails=labeled("emails"),
        phones=labeled("phones"),
        addresses=tuple(addresses),
        company=_text(row, "company", path),
        title=_text(row, "title", path),
        stage=stage,
        tags=tuple(tags),
        birthday=birthday,
        notes=_text(row, "notes", path),
    )


def _list(row: Mapping[str, Any], key: str, path: _Path) -> list[Any]:
    value = row.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise (path / key).fail("must be a list")
    return value


def _restore_history(
    session: Session, contact_id: int, row: Mapping[str, Any], path: _Path
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
            setattr(contact, key, _column_value(columns[key], row[key], path / key))
    history = []
    for i, item in enumerate(_list(row, "stage_history", path)):
        at = path / "stage_history" / i
        if not isinstance(item, dict):
            raise at.fail("must be an object")
        try:
            stage = stages.check_stage(session, _text(item, "stage", at))
        except InvalidInputError as error:
            raise (at / "stage").fail(str(error)) from None
        changed = _column_value(
            StageChange.__table__.columns["changed_at"], item.get("changed_at"), at / "changed_at"
        )
        history.append({"contact_id": contact_id, "stage": stage, "changed_at": changed})
    if history:
        for old in list(contact.stage_changes):
            session.delete(old)
        session.flush()
        session.execute(insert(StageChange), history)
        session.expire(contact, ["stage_changes"])


class _Rows:
    """The records that hang off contacts and meetings, with old ids mapped to new ones."""

    def __init__(
        self,
        session: Session,
        contact_ids: dict[int, int],
        company_ids: dict[int, int],
        added: dict[str, int],
        skipped: dict[str, int],
    ) -> None:
        self.session = session
        self.contact_ids = contact_ids
        self.company_ids = company_ids
        self.meeting_ids: dict[int, int] = {}
        self.event_ids: dict[int, int] = {}
        self.follow_up_ids: dict[int, int] = {}
        self.added = added
        self.skipped = skipped
        # Only rows that were here before this import count as "already there": two records of
        # one copy are distinct even when they look alike.
        self.before = {
            model: session.scalar(select(func.max(model.id))) or 0
            for model in (
                Meeting,
                ResearchNote,
                TriggerEvent,
                FollowUp,
                ThankYouNote,
                Gift,
                Campaign,
            )
        }
        self.used: dict[type[DeclarativeBase], set[object]] = {}

    def _map(
        self, ids: dict[int, int], what: str, path: _Path
    ) -> Callable[[int | None], int | None]:
        def remap(old: int | None) -> int | None:
            if old is None:
                return None
            if old not in ids:
                raise path.fail(f"refers to {what} {old}, which is not in the copy")
            return ids[old]

        return remap

    def _refs(self, path: _Path, *keys: str) -> dict[str, Callable[[int | None], int | None]]:
        """Remappers for these foreign-key columns (contact_id, company_id, meeting_id)."""
        tables = {
            "contact_id": (self.contact_ids, "contact"),
            "company_id": (self.company_ids, "company"),
            "meeting_id": (self.meeting_ids, "meeting"),
            "trigger_event_id": (self.event_ids, "trigger event"),
        }
        return {k: self._map(tables[k][0], tables[k][1], path / k) for k in keys}

    def _count(self, key: str, added: bool) -> None:
        target = self.added if added else self.skipped
        target[key] = target.get(key, 0) + 1

    def _existing(
        self, model: type[DeclarativeBase], values: Mapping[str, object], keys: Sequence[str]
    ) -> Any:
        query = select(model)
        if model in self.before:
            query = query.where(model.id <= self.before[model])
        for key in keys:
            column = getattr(model, key)
            value = values.get(key)
            query = query.where(column.is_(None) if value is None else column == value)
        # Each row here stands for one record of the copy: look-alikes pair up one to one.
        used = self.used.setdefault(model, set())
        for found in self.session.scalars(query.limit(100)):
            identity = self.session.identity_key(instance=found)
            if identity not in used:
                used.add(identity)
                return found
        return None

    def _add(
        self,
        key: str,
        model: type[DeclarativeBase],
        values: dict[str, object],
        natural: Sequence[str],
        path: _Path,
    ) -> Any:
        found = self._existing(model, values, natural)
        self._count(key, found is None)
        if found is not None:
            return found
        obj = model(**values)
        self.session.add(obj)
        self._flush(path)
        return obj

    def _flush(self, path: _Path) -> None:
        try:
            self.session.flush()
        except IntegrityError as error:
            raise path.fail(f"the database refuses it ({error.orig})") from None

    def meetings(self, document: Mapping[str, Any]) -> None:
        for path, row in _items(document, "meetings"):
            values = _values(Meeting, row, path)
            values["title"] = " ".join(str(values.get("title", "")).split()) or "(untitled)"
            meeting = self._add(
                "meetings", Meeting, values, ("starts_at", "kind", "title", "created_at"), path
            )
            old = _optional_id(row, "id", path)
            if old is not None:
                self.meeting_ids[old] = meeting.id
            attendees = _list(row, "attendee_ids", path)
            have = set(
                self.session.scalars(
                    select(meeting_attendees.c.contact_id).where(
                        meeting_attendees.c.meeting_id == meeting.id
                    )
                )
            )
            remap = self._map(self.contact_ids, "contact", path / "attendee_ids")
            for old_contact in attendees:
                if not isinstance(old_contact, int) or isinstance(old_contact, bool):
                    raise (path / "attendee_ids").fail("must be a list of whole numbers")
                cid = remap(old_contact)
                if cid is not None and cid not in have:
                    have.add(cid)
                    self.session.execute(
                        insert(meeting_attendees).values(meeting_id=meeting.id, contact_id=cid)
                    )

    def research(self, document: Mapping[str, Any]) -> None:
        for path, row in _items(document, "research_notes"):
            values = _values(
                ResearchNote,
                row,
                path,
                remap=self._refs(path, "contact_id", "company_id", "meeting_id"),
            )
            self._add(
                "research_notes",
                ResearchNote,
                values,
                ("contact_id", "company_id", "meeting_id", "noted_at", "text"),
                path,
            )

    def trigger_events(self, document: Mapping[str, Any]) -> None:
        for path, row in _items(document, "trigger_events"):
            values = _values(
                TriggerEvent, row, path, remap=self._refs(path, "contact_id", "company_id")
            )
            if (values.get("contact_id") is None) == (values.get("company_id") is None):
                raise path.fail("must be about exactly one company or one contact")
            natural = ("company_id", "contact_id", "kind", "happened_on", "created_at")
            event = self._add("trigger_events", TriggerEvent, values, natural, path)
            old = _optional_id(row, "id", path)
            if old is not None:
                self.event_ids[old] = event.id

    def follow_ups(self, document: Mapping[str, Any]) -> None:
        for path, row in _items(document, "follow_ups"):
            values = _values(
                FollowUp,
                row,
                path,
                remap=self._refs(path, "contact_id", "meeting_id", "trigger_event_id"),
            )
            if values.get("contact_id") is None:
                raise (path / "contact_id").fail("must name the contact")
            found = self._existing(FollowUp, values, ("contact_id", "created_at", "note"))
            self._count("follow_ups", found is None)
            old = _optional_id(row, "id", path)
            if found is not None:
                if old is not None:
                    self.follow_up_ids[old] = found.id
                continue
            follow_up = FollowUp(**values)
            self.session.add(follow_up)
            self._flush(path)
            if old is not None:
                self.follow_up_ids[old] = follow_up.id
            for i, item in enumerate(_list(row, "completions", path)):
                at = path / "completions" / i
                if not isinstance(item, dict):
                    raise at.fail("must be an object")
                done = _values(FollowUpCompletion, item, at)
                done["follow_up_id"] = follow_up.id
                self.session.add(FollowUpCompletion(**done))

    def thanks(self, document: Mapping[str, Any]) -> None:
        for path, row in _items(document, "thank_you_notes"):
            values = _values(
                ThankYouNote,
                row,
                path,
                remap=self._refs(path, "contact_id", "meeting_id"),
            )
            self._add("thank_you_notes", ThankYouNote, values, ("meeting_id", "contact_id"), path)

    def gifts(self, document: Mapping[str, Any]) -> None:
        for path, row in _items(document, "gifts"):
            values = _values(
                Gift,
                row,
                path,
                remap=self._refs(path, "contact_id", "meeting_id"),
            )
            natural = ("contact_id", "given_on", "item", "created_at")
            self._add("gifts", Gift, values, natural, path)

    def templates(self, document: Mapping[str, Any]) -> None:
        for path, row in _items(document, "note_templates"):
            values = _values(NoteTemplate, row, path)
            if not str(values.get("name", "")).strip():
                raise (path / "name").fail("must not be empty")
            self._add("note_templates", NoteTemplate, values, ("name",), path)

    def campaigns(self, document: Mapping[str, Any]) -> None:
        """Campaigns with their members; a campaign already here (same name and creation
        instant) is left as it is, members included."""
        for path, row in _items(document, "campaigns"):
            values = _values(Campaign, row, path)
            found = self._existing(Campaign, values, ("name", "created_at"))
            self._count("campaigns", found is None)
            if found is not None:
                continue
            campaign = Campaign(**values)
            self.session.add(campaign)
            self._flush(path)
            for i, item in enumerate(_list(row, "members", path)):
                at = path / "members" / i
                if not isinstance(item, dict):
                    raise at.fail("must be an object")
                member = _values(
                    CampaignMember,
                    item,
                    at,
                    remap={
                        "contact_id": self._map(self.contact_ids, "contact", at / "contact_id"),
                        "follow_up_id": self._map(
                            self.follow_up_ids, "follow-up", at / "follow_up_id"
                        ),
                    },
                )
                if member.get("contact_id") is None:
                    raise (at / "contact_id").fail("must name the contact")
                member["campaign_id"] = campaign.id
                self.session.add(CampaignMember(**member))
            self._flush(path)
