"""What the importers hand to the import service, and how they report a record they cannot read.

Parsers (vCard, CSV, JSON) only decode structure: they turn each record of a file into a
`ContactDraft` and remember where it came from. Validation of values (is this an email address,
a real date?) is the import service's job, so every problem is reported the same way: record
number and line, then what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.records import ContactDraft


@dataclass(frozen=True, slots=True)
class ImportedContact:
    """One contact read from a file: `record` counts from 1, `line` is where the record starts."""

    draft: ContactDraft
    record: int
    line: int


class RecordError(InvalidInputError):
    """A record of an import file cannot be read; the message names the record and its line."""

    def __init__(self, record: int, line: int, problem: str) -> None:
        super().__init__(f"record {record} (line {line}): {problem}")
        self.record = record
        self.line = line
        self.problem = problem


class UnknownFormatError(InvalidInputError):
    """The file is not one the importer reads; the message says what it looks like instead."""
