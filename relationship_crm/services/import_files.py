"""Importing a file as the rep picked it: read it, find its kind, parse it, import it.

The same path serves the command line and the app's File → Import: `load` reads the bytes with
clear messages, `inspect` says what the file is (and, for a CSV nobody recognises, offers its
columns for mapping), `import_data` does the import inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.enums import SHIPPED_STAGES
from relationship_crm.domain.errors import InvalidInputError, KnownError
from relationship_crm.interchange import csv_import, sniff, vcard_import
from relationship_crm.interchange.records import ImportedContact, UnknownFormatError
from relationship_crm.services import importing, json_copy
from relationship_crm.services.importing import ImportSummary, OnDuplicate, Progress
from relationship_crm.services.stages import stage_keys

MAX_BYTES = 1 << 30  # a 1 GiB contacts file is a mistake, not an address book


def load(path: Path) -> bytes:
    """The file's bytes, or a KnownError saying why it cannot be read."""
    try:
        if path.is_dir():
            raise KnownError(f"{path} is a folder; choose a vCard, CSV or JSON file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise KnownError(f"{path} is too large to be an address book ({size:,} bytes)")
        return path.read_bytes()
    except FileNotFoundError:
        raise KnownError(f"no file {path}") from None
    except PermissionError:
        raise KnownError(f"cannot read {path}: permission denied") from None
    except OSError as error:
        raise KnownError(f"cannot read {path}: {error.strerror or error}") from None


@dataclass(frozen=True, slots=True)
class FileInfo:
    """What a file is: its kind ("vcard", "csv", "json"), a description, and for CSV the table."""

    kind: str
    description: str
    csv: csv_import.CsvFile | None = None

    @property
    def needs_mapping(self) -> bool:
        """A CSV whose columns nobody recognised: the app asks the rep to map them."""
        return self.csv is not None and self.csv.kind is None


def inspect(data: bytes) -> FileInfo:
    """Find the file's kind; UnknownFormatError (what it looks like) when it is none we read."""
    kind = sniff.kind_of(data)
    if kind == "vcard":
        return FileInfo("vcard", "vCard file")
    if kind == "json":
        return FileInfo("json", "Relationship CRM copy (JSON)")
    table = csv_import.read_csv(data)
    return FileInfo("csv", table.description, table)


def contacts_in(
    data: bytes,
    info: FileInfo,
    mapping: Mapping[int, str] | None = None,
    *,
    stages: Collection[str] = SHIPPED_STAGES,
) -> list[ImportedContact]:
    """The contacts of a vCard or CSV file (a CSV of unknown layout needs `mapping`).

    `stages`: the stage keys the database knows (`stages.stage_keys`), the shipped ones by
    default.
    """
    if info.kind == "vcard":
        return vcard_import.parse_vcards(data, stages=stages)
    if info.csv is not None:
        return csv_import.contacts_from_csv(info.csv, mapping, stages=stages)
    raise InvalidInputError(f"{info.description} holds more than contacts")


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: the contacts' counts, and for a JSON copy the other records too."""

    contacts: ImportSummary
    source: str
    others_added: dict[str, int] = field(default_factory=dict)
    others_skipped: dict[str, int] = field(default_factory=dict)

    @property
    def changes(self) -> Changes:
        # A copy's other records (meetings, notes...) can touch every panel.
        return Changes.everything() if any(self.others_added.values()) else self.contacts.changes

    def sentence(self) -> str:
        text = self.contacts.sentence()
        others = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in self.others_added.items() if n)
        if others:
            text += f" Also added {others}."
        repeated = sum(self.others_skipped.values())
        if repeated:
            text += f" {repeated} other records were already there."
        return text

    def as_dict(self) -> dict[str, object]:
        """The summary for scripts (`import --format json`)."""
        return {
            "source": self.source,
            "added": self.contacts.added,
            "merged": self.contacts.merged,
            "skipped": self.contacts.skipped,
            "added_ids": list(self.contacts.added_ids),
            "merged_ids": list(self.contacts.merged_ids),
            "others_added": dict(self.others_added),
            "others_skipped": dict(self.others_skipped),
        }


@dataclass(frozen=True, slots=True)
class Prepared:
    """A file read and parsed, ready to import: the app shows its summary before importing.

    `records` is None for a JSON copy (read whole at import) and for a CSV still to be mapped.
    """

    info: FileInfo
    data: bytes
    records: tuple[ImportedContact, ...] | None

    @property
    def needs_mapping(self) -> bool:
        """A CSV of unknown layout whose columns the rep has not mapped yet."""
        return self.info.needs_mapping and self.records is None

    @property
    def count(self) -> int | None:
        """How many contacts the file holds (None until known)."""
        return None if self.records is None else len(self.records)


def prepare(
    data: bytes,
    mapping: Mapping[int, str] | None = None,
    *,
    stages: Collection[str] = SHIPPED_STAGES,
) -> Prepared:
    """Find the file's kind and parse its contacts (RecordError for the first bad record)."""
    info = inspect(data)
    if info.kind == "json":
        json_copy.parse_document(data)  # a broken copy fails here, before the rep confirms
        return Prepared(info, data, None)
    if info.needs_mapping and mapping is None:
        return Prepared(info, data, None)
    return Prepared(info, data, tuple(contacts_in(data, info, mapping, stages=stages)))


def import_prepared(
    session: Session,
    prepared: Prepared,
    *,
    on_duplicate: OnDuplicate | str = OnDuplicate.SKIP,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ImportResult:
    """Import a prepared file inside the caller's transaction: all of it, or nothing."""
    rule = importing.parse_on_duplicate(on_duplicate)
    info = prepared.info
    if info.kind == "json":
        copy = json_copy.import_document(
            session, prepared.data, on_duplicate=rule, progress=progress, now=now
        )
        return ImportResult(copy.contacts, info.description, copy.added, copy.skipped)
    if prepared.records is None:
        assert info.csv is not None
        raise UnknownFormatError(_unknown_csv_message(info.csv))
    summary = importing.import_contacts(
        session,
        prepared.records,
        on_duplicate=rule,
        progress=progress,
        source=info.description,
        now=now,
    )
    return ImportResult(summary, info.description)


def import_data(
    session: Session,
    data: bytes,
    *,
    on_duplicate: OnDuplicate | str = OnDuplicate.SKIP,
    mapping: Mapping[int, str] | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ImportResult:
    """Read and import a whole file inside the caller's transaction: all of it, or nothing."""
    return import_prepared(
        session,
        prepare(data, mapping, stages=stage_keys(session)),
        on_duplicate=on_duplicate,
        progress=progress,
        now=now,
    )


def _unknown_csv_message(table: csv_import.CsvFile) -> str:
    try:
        csv_import.contacts_from_csv(table, None)
    except UnknownFormatError as error:
        return str(error)
    return "this CSV file's columns are not recognised; map them in the app (File → Import)"
