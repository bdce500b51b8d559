"""Importing a file as the rep picked it: read it, find its kind, parse it, import it.

The same path serves the command line and the app's File → Import: `load` reads the bytes with
clear messages, `inspect` says what the file is (and, for a CSV nobody recognises, offers its
columns for mapping), `import_data` does the import inside the caller's transaction.

An import is tolerant unless `strict`: a value that does not pass its check is kept in the
contact's notes and listed in the result's `problems`, blank rows are skipped and counted, and
only a file that is not what it claims to be is refused. Strict, the first bad record refuses the
whole file (`import --strict`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.enums import SHIPPED_STAGES
from relationship_crm.domain.errors import InvalidInputError, KnownError
from relationship_crm.interchange import sniff, vcard_import
from relationship_crm.interchange.records import (
    ImportedContact,
    ImportProblem,
    ParsedContacts,
    UnknownFormatError,
)
from relationship_crm.services import importing
from relationship_crm.services.common import collector_paused
from relationship_crm.services.import_summary import (
    ImportSummary,
    OnDuplicate,
    Progress,
    parse_on_duplicate,
)
from relationship_crm.services.stages import stage_keys

# CSV and JSON copies are read by modules of their own, loaded when such a file comes: a vCard
# import does not pay their start-up (issue 18).
if TYPE_CHECKING:
    from relationship_crm.interchange import csv_reading

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
    csv: csv_reading.CsvFile | None = None

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
    from relationship_crm.interchange import csv_reading

    table = csv_reading.read_csv(data)
    return FileInfo("csv", table.description, table)


def parse_contacts(
    data: bytes,
    info: FileInfo,
    mapping: Mapping[int, str] | None = None,
    *,
    strict: bool = False,
    stages: Collection[str] = SHIPPED_STAGES,
) -> ParsedContacts:
    """Everything a vCard or CSV file holds: contacts, records skipped, blank rows, warnings.

    A vCard's unreadable value or line goes into the card's notes with a warning unless
    `strict` (then the file is refused, as before issue 14). `stages`: the stage keys the
    database knows (`stages.stage_keys`), the shipped ones by default.
    """
    if info.kind == "vcard":
        cards = vcard_import.read_vcards(data, strict=strict, stages=stages)
        return ParsedContacts(
            tuple(cards.contacts), warnings=tuple(str(warning) for warning in cards.warnings)
        )
    if info.csv is not None:
        from relationship_crm.interchange import csv_import

        return csv_import.read_contacts(info.csv, mapping, stages=stages)
    raise InvalidInputError(f"{info.description} holds more than contacts")


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: the contacts' counts, and for a JSON copy the other records too."""

    contacts: ImportSummary
    source: str
    others_added: dict[str, int] = field(default_factory=dict)
    others_skipped: dict[str, int] = field(default_factory=dict)
    # About the file as a whole: "it was read as Shift-JIS (Japanese), a guess".
    warnings: tuple[str, ...] = ()

    @property
    def problems(self) -> tuple[ImportProblem, ...]:
        """Every value kept in notes and every record skipped, in file order."""
        return self.contacts.problems

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

    def report_lines(self) -> list[str]:
        """The summary, then one line per warning and per problem (the CLI's text output)."""
        lines = [self.sentence()]
        lines += [f"warning: {warning}" for warning in self.warnings]
        lines += [problem.describe() for problem in self.problems]
        return lines

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
            "skipped_blank": self.contacts.skipped_blank,
            "problems": [problem.as_dict() for problem in self.problems],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True, slots=True)
class Prepared:
    """A file read and parsed, ready to import: the app shows its summary before importing.

    `records` is None for a JSON copy (read whole at import) and for a CSV still to be mapped.
    `skipped` lists the records the parser could not make a contact of, `skipped_blank` counts
    blank rows, `warnings` are about the file as a whole.
    """

    info: FileInfo
    data: bytes
    records: tuple[ImportedContact, ...] | None
    skipped: tuple[ImportProblem, ...] = ()
    skipped_blank: int = 0
    warnings: tuple[str, ...] = ()

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
    strict: bool = False,
    stages: Collection[str] = SHIPPED_STAGES,
) -> Prepared:
    """Find the file's kind and parse its contacts (a record the parser cannot read is listed;
    the import refuses it only when strict; a strict vCard read refuses a bad value too)."""
    info = inspect(data)
    if info.kind == "json":
        from relationship_crm.services import json_copy_reading

        json_copy_reading.parse_document(data)  # a broken copy fails here, before the rep confirms
        return Prepared(info, data, None)
    if info.needs_mapping and mapping is None:
        return Prepared(info, data, None)
    with collector_paused():
        parsed = parse_contacts(data, info, mapping, strict=strict, stages=stages)
    return Prepared(
        info, data, parsed.contacts, parsed.skipped, parsed.skipped_blank, parsed.warnings
    )


def import_prepared(
    session: Session,
    prepared: Prepared,
    *,
    on_duplicate: OnDuplicate | str = OnDuplicate.SKIP,
    progress: Progress | None = None,
    strict: bool = False,
    now: datetime | None = None,
) -> ImportResult:
    """Import a prepared file inside the caller's transaction. Tolerant: bad values kept in
    notes and listed, unusable records listed and skipped. `strict`: all of it, or nothing
    (the first bad record raises its RecordError)."""
    rule = parse_on_duplicate(on_duplicate)
    info = prepared.info
    if info.kind == "json":
        from relationship_crm.services import json_copy_import

        copy = json_copy_import.import_document(
            session, prepared.data, on_duplicate=rule, progress=progress, now=now
        )
        return ImportResult(copy.contacts, info.description, copy.added, copy.skipped)
    if prepared.records is None:
        assert info.csv is not None
        raise UnknownFormatError(_unknown_csv_message(info.csv))
    if strict and prepared.skipped:
        # The first bad record refuses the file: a skipped one, unless a contact before it is.
        first = prepared.skipped[0]
        earlier = [c for c in prepared.records if c.record < first.record]
        importing.import_contacts(session, earlier, on_duplicate=rule, strict=True, now=now)
        raise first.as_error()
    summary = importing.import_contacts(
        session,
        prepared.records,
        on_duplicate=rule,
        progress=progress,
        source=info.description,
        strict=strict,
        now=now,
    )
    if prepared.skipped or prepared.skipped_blank:
        summary = dataclasses.replace(
            summary,
            problems=tuple(sorted((*summary.problems, *prepared.skipped), key=lambda p: p.record)),
            skipped_blank=prepared.skipped_blank,
        )
    return ImportResult(summary, info.description, warnings=prepared.warnings)


def import_data(
    session: Session,
    data: bytes,
    *,
    on_duplicate: OnDuplicate | str = OnDuplicate.SKIP,
    mapping: Mapping[int, str] | None = None,
    progress: Progress | None = None,
    strict: bool = False,
    now: datetime | None = None,
) -> ImportResult:
    """Read and import a whole file inside the caller's transaction (see `import_prepared`)."""
    return import_prepared(
        session,
        prepare(data, mapping, strict=strict, stages=stage_keys(session)),
        on_duplicate=on_duplicate,
        progress=progress,
        strict=strict,
        now=now,
    )


def _unknown_csv_message(table: csv_reading.CsvFile) -> str:
    from relationship_crm.interchange import csv_import

    try:
        csv_import.contacts_from_csv(table, None)
    except UnknownFormatError as error:
        return str(error)
    return "this CSV file's columns are not recognised; map them in the app (File → Import)"
