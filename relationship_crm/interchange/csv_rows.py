"""One CSV row as a contact draft: what the column rules collect, and the birthday check.

Every rule (`csv_rules` for the known exports, the user's mapping in `csv_import`) fills a
`Builder` from one row's cells; `Builder.build` then picks the name (the composed name, else a
fallback: nickname, company, email, phone), reads the birthday (ISO, Google's "--MM-DD",
Outlook's "M/D/YYYY", day first where a European spreadsheet wrote it) and keeps what it cannot
read, and the columns no rule reads, in the notes. A row with nothing that names a contact raises
`RowProblem(NO_CONTENT)`; `blank_row` tells a row of nothing but dates and defaults. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from relationship_crm.domain.enums import Stage
from relationship_crm.domain.records import Address, ContactDraft, Labeled
from relationship_crm.interchange.records import unreadable_note, with_note_lines

NO_CONTENT = "the row has no name, company, email or phone"


class RowProblem(Exception):
    """What is wrong with one row; `csv_import` turns it into a RecordError with its position."""


# A cell that says nothing about who a contact is: a date (LinkedIn's "Connected On" of a
# departed connection) or one of Outlook's defaults.
_DATE_LIKE = re.compile(
    r"\d{1,4}([-/. ]) ?(\d{1,2}|[^\W\d_]{3,9}\.?)\1 ?\d{1,4}( \d{1,2}:\d{2}(:\d{2})?( ?[AP]M)?)?",
    re.IGNORECASE,
)
_DEFAULT_CELLS = frozenset({"normal", "false", "unspecified", "0/0/00", "0/0/0000"})


def blank_row(cells: Sequence[str]) -> bool:
    """Whether a row holds nothing but dates and defaults."""
    return all(
        _DATE_LIKE.fullmatch(cell.strip()) or cell.strip().lower() in _DEFAULT_CELLS
        for cell in cells
        if cell.strip()
    )


@dataclass
class Builder:
    """What one row says about a contact, before the name fallbacks and the birthday check."""

    name: str = ""
    fallback_names: list[str] = field(default_factory=list)
    given_name: str = ""
    family_name: str = ""
    emails: list[Labeled] = field(default_factory=list)
    phones: list[Labeled] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    company: str = ""
    title: str = ""
    birthday: str = ""
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    stage: str = Stage.PROSPECT
    # (field, value, what is wrong) for cells the rule could not read: kept in the notes.
    bad: list[tuple[str, str, str]] = field(default_factory=list)
    # "Column: value" lines for columns with data that no rule reads.
    other_columns: list[str] = field(default_factory=list)

    def keep_other_columns(
        self, header: Sequence[str], cells: Sequence[str], known: frozenset[int]
    ) -> None:
        """Keep the cells of columns no rule reads as "Column: value" lines of the notes."""
        for at, cell in enumerate(cells):
            value = clean(cell)
            if at not in known and value and value.lower() not in _DEFAULT_CELLS:
                name = header[at] if at < len(header) and header[at] else f"Column {at + 1}"
                self.other_columns.append(f"{name}: {value}")

    def add_email(self, value: str, label: str = "") -> None:
        value = value.strip()
        if value and value.lower() not in {e.value.lower() for e in self.emails}:
            self.emails.append(Labeled(value, label))

    def add_phone(self, value: str, label: str = "") -> None:
        value = value.strip()
        if value and value not in {p.value for p in self.phones}:
            self.phones.append(Labeled(value, label))

    def add_address(self, address: Address) -> None:
        parts = (address.street, address.city, address.region, address.postcode, address.country)
        if any(parts) and address not in self.addresses:
            self.addresses.append(address)

    def add_tags(self, tags: Iterable[str]) -> None:
        for tag in tags:
            tag = tag.strip()
            if tag and tag not in self.tags:
                self.tags.append(tag)

    def build(self, *, day_first: bool) -> tuple[ContactDraft, list[tuple[str, str, str]]]:
        """The draft, and the cells that could not be read (already kept in its notes)."""
        # Name fallbacks: the composed name, "File As"/nickname, company, email, and last the
        # phone number (a phone alone still makes a contact; a row with less is skipped).
        candidates = [self.name, *self.fallback_names, self.company]
        candidates += [e.value for e in self.emails] + [p.value for p in self.phones]
        name = next((c for c in candidates if c), "")
        if not name:
            raise RowProblem(NO_CONTENT)
        bad = list(self.bad)
        try:
            birthday = _parse_birthday(self.birthday, day_first=day_first) or None
        except RowProblem as problem:
            bad.append(("birthday", self.birthday, str(problem)))
            birthday = None
        notes = with_note_lines(self.notes, self.other_columns)
        notes = with_note_lines(notes, [unreadable_note(what, value) for what, value, _ in bad])
        draft = ContactDraft(
            name=name,
            given_name=self.given_name,
            family_name=self.family_name,
            emails=tuple(self.emails),
            phones=tuple(self.phones),
            addresses=tuple(self.addresses),
            company=self.company,
            title=self.title,
            stage=self.stage,
            tags=tuple(self.tags),
            birthday=birthday,
            notes=notes,
        )
        return draft, bad


def clean(value: str) -> str:
    """A cell stripped, with Windows and old Mac line ends made \\n."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def join(*parts: str, sep: str = " ") -> str:
    return sep.join(part for part in parts if part)


# --------------------------------------------------------------------------------------------
# Birthdays

# Outlook writes "0/0/00" for no birthday; Outlook and Exchange use the year 1604 (and some
# tools 0000) for a birthday without a year.
_NO_DATE = frozenset({"0/0/00", "0/0/0000", "00/00/0000", "0.0.00", "0.0.0000", "none"})
_NO_YEAR = frozenset({0, 1604})


def _parse_birthday(value: str, *, day_first: bool = False) -> str:
    """A birthday as "YYYY-MM-DD" or "--MM-DD" (no year); "" for Outlook's empty "0/0/00".

    Reads ISO dates, Google's "--MM-DD", Outlook's US "M/D/YYYY" (day first when the first
    number is over 12, or when `day_first`, unless the second is), "D.M.YYYY", and "YYYY/MM/DD".
    A time after the date ("3/14/1980 0:00:00") is ignored. Anything else raises RowProblem.
    """
    text = value.strip()
    if not text or text.lower() in _NO_DATE:
        return ""
    text = re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2})?( ?[AaPp][Mm])?$", "", text).strip()
    problem = RowProblem("not a date (expected YYYY-MM-DD, --MM-DD or M/D/YYYY)")
    year: int | None
    if match := re.fullmatch(r"--(\d{1,2})-?(\d{1,2})", text):
        year, month, day = None, int(match.group(1)), int(match.group(2))
    elif match := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text):
        year, month, day = (int(g) for g in match.groups())
    elif match := re.fullmatch(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})", text):
        first, second, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
        if match.group(2) == ".":
            day, month = first, second  # dotted dates are day first everywhere
        elif first > 12 or (day_first and second <= 12):
            day, month = first, second
        else:
            month, day = first, second
    else:
        raise problem
    if year in _NO_YEAR:
        year = None
    try:
        date(2000 if year is None else year, month, day)  # 2000 is a leap year: --02-29 is fine
    except ValueError:
        raise problem from None
    return f"--{month:02d}-{day:02d}" if year is None else f"{year:04d}-{month:02d}-{day:02d}"
