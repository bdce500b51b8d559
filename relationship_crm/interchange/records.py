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

KEPT_IN_NOTES = "kept in notes"
RECORD_SKIPPED = "record skipped"
LABEL_DROPPED = "label left out"


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One value of a file that could not be used as it is, and what the import did instead.

    `reason` says what is wrong ("not an email address"), `outcome` what happened: the value
    was KEPT_IN_NOTES, the record was skipped (RECORD_SKIPPED), or a label was left out.
    """

    record: int
    line: int
    field: str
    value: str
    reason: str
    outcome: str = KEPT_IN_NOTES

    @property
    def problem(self) -> str:
        """What is wrong and what was done: "not an email address; kept in notes"."""
        return f"{self.reason}; {self.outcome}"

    def describe(self) -> str:
        """One line: 'record 12 (line 13): unreadable email "a b@c.com" kept in notes (...)'."""
        where = f"record {self.record} (line {self.line})"
        if self.outcome == KEPT_IN_NOTES:
            return f'{where}: unreadable {self.field} "{self.value}" kept in notes ({self.reason})'
        if self.outcome == RECORD_SKIPPED:
            return f"{where}: skipped, {self.reason}"
        return f'{where}: {self.field} "{self.value}": {self.reason}; {self.outcome}'

    def as_dict(self) -> dict[str, object]:
        """The problem for scripts: record, line, field, value, problem."""
        return {
            "record": self.record,
            "line": self.line,
            "field": self.field,
            "value": self.value,
            "problem": self.problem,
        }

    def as_error(self) -> RecordError:
        """The problem as the error that refuses a file under `import --strict`."""
        shown = f'{self.field} "{self.value}": ' if self.value else ""
        return RecordError(self.record, self.line, f"{shown}{self.reason}")


def unreadable_note(field: str, value: str) -> str:
    """The line an unreadable value leaves in the contact's notes: "unreadable email: a b@c"."""
    return f"unreadable {field}: {value}"


def with_note_lines(notes: str, lines: list[str]) -> str:
    """`notes` with `lines` appended, one per line, after what was there."""
    added = "\n".join(lines)
    if not added:
        return notes
    return f"{notes}\n{added}" if notes else added


@dataclass(frozen=True, slots=True)
class ImportedContact:
    """One contact read from a file: `record` counts from 1, `line` is where the record starts.

    `problems` lists the cells the parser could not read (already kept in the draft's notes).
    """

    draft: ContactDraft
    record: int
    line: int
    problems: tuple[ImportProblem, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedContacts:
    """Everything a parser read from a file: the contacts, the records it had to skip (each a
    problem), how many rows were blank, and warnings about the file as a whole (a guessed
    code page)."""

    contacts: tuple[ImportedContact, ...]
    skipped: tuple[ImportProblem, ...] = ()
    skipped_blank: int = 0
    warnings: tuple[str, ...] = ()


class RecordError(InvalidInputError):
    """A record of an import file cannot be read; the message names the record and its line."""

    def __init__(self, record: int, line: int, problem: str) -> None:
        super().__init__(f"record {record} (line {line}): {problem}")
        self.record = record
        self.line = line
        self.problem = problem


class UnknownFormatError(InvalidInputError):
    """The file is not one the importer reads; the message says what it looks like instead."""
