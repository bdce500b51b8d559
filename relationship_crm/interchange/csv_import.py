"""CSV contact import: known exports by their headers (Google, Outlook, LinkedIn, Thunderbird,
Roundcube), other CSVs by a mapping.

`read_csv` turns bytes into a `CsvFile`: it decodes them (UTF-8 with or without a BOM, UTF-16
with a BOM, else the code page detected, with a warning that it was a guess), sniffs the
delimiter (comma, semicolon as European Excel writes, tab), skips a preamble such as LinkedIn's
"Notes:" paragraph to find the header, and says which export it is. `contacts_from_csv` turns its
rows into drafts, with built-in rules for the known exports or a column mapping the user chose in
the import dialog (`FIELDS` lists the choices, `guess_mapping` pre-selects them). Reading lives in
`csv_reading` and the mapping's fields and guesses in `csv_mapping`.
The known exports' rules are in `csv_rules`, and what a rule makes of a row (the name fallbacks,
the birthday, the notes) in `csv_rows`; this module picks the rule and reads every row with it.

Like every importer this only decodes structure: values are passed on stripped, and the import
service validates them. A cell the parser itself cannot read (a birthday that is no date) is kept
in the notes and listed; a column of a known export that no rule reads is kept in the notes as
"Column: value", never dropped; a row with nothing in it but a date is skipped as blank.
Pure: bytes in, plain data out; no Qt, no database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence

from relationship_crm.domain.enums import SHIPPED_STAGES
from relationship_crm.domain.errors import BugError
from relationship_crm.domain.records import Address
from relationship_crm.interchange.csv_mapping import FIELD_KEYS, name_words
from relationship_crm.interchange.csv_reading import CsvFile
from relationship_crm.interchange.csv_rows import (
    NO_CONTENT,
    Builder,
    RowProblem,
    blank_row,
    clean,
    join,
)
from relationship_crm.interchange.csv_rules import (
    Columns,
    GoogleRule,
    LinkedInRule,
    MailProgramRule,
    OutlookRule,
    OwnRule,
)
from relationship_crm.interchange.records import (
    RECORD_SKIPPED,
    ImportedContact,
    ImportProblem,
    ParsedContacts,
    RecordError,
    UnknownFormatError,
)

_IDENTIFYING = ("name", "given_name", "family_name", "company", "email")


# --------------------------------------------------------------------------------------------
# Rows to drafts


def contacts_from_csv(
    csv_file: CsvFile,
    mapping: Mapping[int, str] | None = None,
    *,
    stages: Collection[str] = SHIPPED_STAGES,
) -> list[ImportedContact]:
    """The contacts of `csv_file`, all or nothing: the first unreadable row raises its
    RecordError (`import --strict`). Blank rows are skipped.

    A known export (Google, Outlook, LinkedIn, Thunderbird, Roundcube) is read by built-in
    rules unless a `mapping` (column index -> field key of FIELDS) is given; any other CSV
    needs one.
    """
    contacts, errors = contacts_and_errors(csv_file, mapping, stages=stages)
    if errors:
        raise errors[0]
    return contacts


def contacts_and_errors(
    csv_file: CsvFile,
    mapping: Mapping[int, str] | None = None,
    *,
    stages: Collection[str] = SHIPPED_STAGES,
) -> tuple[list[ImportedContact], list[RecordError]]:
    """Like `contacts_from_csv`, but reads every row: the good ones and one error per bad one
    (a row with a cell the parser could not read counts as bad here).

    Raises UnknownFormatError only for the file as a whole (no mapping for an unknown CSV, a
    mapping that names no contact).
    """
    parsed = read_contacts(csv_file, mapping, stages=stages)
    errors = [(problem.record, problem.as_error()) for problem in parsed.skipped]
    errors += [(c.record, c.problems[0].as_error()) for c in parsed.contacts if c.problems]
    errors.sort(key=lambda pair: pair[0])
    return [c for c in parsed.contacts if not c.problems], [error for _, error in errors]


def read_contacts(
    csv_file: CsvFile,
    mapping: Mapping[int, str] | None = None,
    *,
    stages: Collection[str] = SHIPPED_STAGES,
) -> ParsedContacts:
    """Every row of `csv_file` that names a contact, with the cells the parser could not read
    kept in its notes and listed; rows that name nobody are listed as skipped, blank rows
    (nothing but dates) counted. Raises UnknownFormatError as `contacts_and_errors` does."""
    read_row, known = _row_reader(csv_file, mapping, stages)
    # Semicolon files come from European spreadsheets, which write dates day first.
    day_first = csv_file.delimiter == ";"
    contacts: list[ImportedContact] = []
    skipped: list[ImportProblem] = []
    blank = 0
    for record, (line, cells) in enumerate(csv_file.rows, start=1):
        try:
            row = read_row(cells)
            if known is not None:
                row.keep_other_columns(csv_file.header, cells, known)
            draft, bad = row.build(day_first=day_first)
        except RowProblem as problem:
            if str(problem) == NO_CONTENT and blank_row(cells):
                blank += 1
            else:
                skipped.append(
                    ImportProblem(record, line, "name", "", str(problem), RECORD_SKIPPED)
                )
            continue
        problems = tuple(
            ImportProblem(record, line, what, value, reason) for what, value, reason in bad
        )
        contacts.append(ImportedContact(draft, record, line, problems))
    return ParsedContacts(tuple(contacts), tuple(skipped), blank, csv_file.warnings)


_RowRule = Callable[[Sequence[str]], Builder]
"""Turns the cells of one row into a `Builder`."""


def _row_reader(
    csv_file: CsvFile, mapping: Mapping[int, str] | None, stages: Collection[str]
) -> tuple[_RowRule, frozenset[int] | None]:
    """The rule for the file's rows, and the columns it reads (None: every other column was
    set aside by the rep in the mapping, so none is kept in the notes)."""
    if mapping is not None:
        return _MappedRule(csv_file.header, mapping), None
    columns = Columns(csv_file.header)
    rule: _RowRule
    if csv_file.kind == "ours":
        rule = OwnRule(columns, stages)
    elif csv_file.kind == "google":
        rule = GoogleRule(columns)
    elif csv_file.kind == "outlook":
        rule = OutlookRule(columns)
    elif csv_file.kind == "linkedin":
        rule = LinkedInRule(columns)
    elif csv_file.kind in ("thunderbird", "roundcube"):
        rule = MailProgramRule(columns)
    else:
        names = [name for name in csv_file.header if name]
        shown = ", ".join(f'"{name}"' for name in names[:10])
        if len(names) > 10:
            shown += f" and {len(names) - 10} more"
        raise UnknownFormatError(
            f"this CSV has columns {shown or '(none named)'} — it is not a Google, Outlook, "
            "LinkedIn, Thunderbird or Roundcube export; map its columns in the app (File → Import)"
        )
    # A dry run over a row of filled cells finds every column the rule reads.
    rule(["x"] * len(csv_file.header))
    return rule, frozenset(columns.read)


# Words dropped from a header to make a label: "Work Phone" -> "work", "E-mail 2" -> "".
_GENERIC_LABEL_WORDS = frozenset(
    {"phone", "telephone", "tel", "number", "no", "email", "e", "mail", "address", "adresse",
     "courriel", "telefon", "telefonnummer", "telefono", "correo", "electronico", "numero",
     "de", "du", "la", "value"}
)  # fmt: skip


def _label_from_header(name: str) -> str:
    """A column's header as a label, less the generic words: "Téléphone portable" -> "portable"."""
    kept = []
    for word in name.lower().replace("-", " ").split():
        plain = "".join(name_words(word))
        if plain and plain not in _GENERIC_LABEL_WORDS and not plain.isdigit():
            kept.append(word.strip(" .:#()"))
    return " ".join(w for w in kept if w)


class _MappedRule:
    """A CSV read through the user's column mapping (column index -> FIELDS key)."""

    def __init__(self, header: Sequence[str], mapping: Mapping[int, str]) -> None:
        self.columns: dict[str, list[int]] = {}
        for index, key in sorted(mapping.items()):
            if not key:
                continue  # mapped to nothing
            if key not in FIELD_KEYS:
                raise BugError(f"unknown CSV field {key!r} in a column mapping")
            self.columns.setdefault(key, []).append(index)
        if not any(key in self.columns for key in _IDENTIFYING):
            raise UnknownFormatError(
                "the column mapping must map at least one column to name, given name, "
                "family name, company or email"
            )
        self.labels = {
            index: _label_from_header(header[index]) if index < len(header) else ""
            for index in mapping
        }

    def _values(self, cells: Sequence[str], key: str) -> list[tuple[int, str]]:
        out = []
        for index in self.columns.get(key, []):
            value = clean(cells[index]) if 0 <= index < len(cells) else ""
            if value:
                out.append((index, value))
        return out

    def _text(self, cells: Sequence[str], key: str, sep: str = " ") -> str:
        return join(*(value for _, value in self._values(cells, key)), sep=sep)

    def __call__(self, cells: Sequence[str]) -> Builder:
        given = self._text(cells, "given_name")
        family = self._text(cells, "family_name")
        row = Builder(
            name=self._text(cells, "name") or join(given, family),
            given_name=given,
            family_name=family,
            company=self._text(cells, "company"),
            title=self._text(cells, "title"),
            birthday=next((value for _, value in self._values(cells, "birthday")), ""),
            notes=self._text(cells, "notes", sep="\n"),
        )
        for index, value in self._values(cells, "email"):
            for part in re.split(r"[;,]|:::", value):
                row.add_email(part, self.labels.get(index, ""))
        for index, value in self._values(cells, "phone"):
            for part in value.split(":::"):
                row.add_phone(part, self.labels.get(index, ""))
        for _, value in self._values(cells, "tags"):
            row.add_tags(re.split(r"[;,]|:::", value))
        row.add_address(
            Address(
                street=self._text(cells, "street", sep="\n"),
                city=self._text(cells, "city"),
                region=self._text(cells, "region"),
                postcode=self._text(cells, "postcode"),
                country=self._text(cells, "country"),
            )
        )
        return row
