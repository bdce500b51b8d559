"""CSV contact import: known exports by their headers (Google, Outlook, LinkedIn, Thunderbird,
Roundcube), other CSVs by a mapping.

`read_csv` turns bytes into a `CsvFile`: it decodes them (UTF-8 with or without a BOM, UTF-16
with a BOM, else the code page detected, with a warning that it was a guess), sniffs the
delimiter (comma, semicolon as European Excel writes, tab), skips a preamble such as LinkedIn's
"Notes:" paragraph to find the header, and says which export it is. `contacts_from_csv` turns its
rows into drafts, with built-in rules for the known exports or a column mapping the user chose in
the import dialog (`FIELDS` lists the choices, `guess_mapping` pre-selects them). Reading lives in
`csv_reading` and the mapping's fields and guesses in `csv_mapping`; both are re-exported here.

Like every importer this only decodes structure: values are passed on stripped, and the import
service validates them. A cell the parser itself cannot read (a birthday that is no date) is kept
in the notes and listed; a column of a known export that no rule reads is kept in the notes as
"Column: value", never dropped; a row with nothing in it but a date is skipped as blank.
Pure: bytes in, plain data out; no Qt, no database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from relationship_crm.domain.enums import SHIPPED_STAGES, Stage
from relationship_crm.domain.errors import BugError
from relationship_crm.domain.records import Address, ContactDraft, Labeled
from relationship_crm.interchange.csv_export import COLUMNS, unneutralise
from relationship_crm.interchange.csv_mapping import FIELD_KEYS as FIELD_KEYS
from relationship_crm.interchange.csv_mapping import FIELDS as FIELDS
from relationship_crm.interchange.csv_mapping import MULTI_FIELDS as MULTI_FIELDS
from relationship_crm.interchange.csv_mapping import guess_mapping as guess_mapping
from relationship_crm.interchange.csv_mapping import name_words
from relationship_crm.interchange.csv_reading import GOOGLE_NUMBERED, column_key, labelled_column
from relationship_crm.interchange.csv_reading import CsvFile as CsvFile
from relationship_crm.interchange.csv_reading import read_csv as read_csv
from relationship_crm.interchange.records import (
    RECORD_SKIPPED,
    ImportedContact,
    ImportProblem,
    ParsedContacts,
    RecordError,
    UnknownFormatError,
    unreadable_note,
    with_note_lines,
)

_IDENTIFYING = ("name", "given_name", "family_name", "company", "email")

NO_CONTENT = "the row has no name, company, email or phone"


# --------------------------------------------------------------------------------------------
# Rows to drafts


class _RowProblem(Exception):
    """Internal: what is wrong with one row; turned into a RecordError with its position."""


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
        except _RowProblem as problem:
            if str(problem) == NO_CONTENT and _blank(cells):
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


# A cell that says nothing about who a contact is: a date (LinkedIn's "Connected On" of a
# departed connection) or one of Outlook's defaults.
_DATE_LIKE = re.compile(
    r"\d{1,4}([-/. ]) ?(\d{1,2}|[^\W\d_]{3,9}\.?)\1 ?\d{1,4}( \d{1,2}:\d{2}(:\d{2})?( ?[AP]M)?)?",
    re.IGNORECASE,
)
_DEFAULT_CELLS = frozenset({"normal", "false", "unspecified", "0/0/00", "0/0/0000"})


def _blank(cells: Sequence[str]) -> bool:
    """Whether a row holds nothing but dates and defaults."""
    return all(
        _DATE_LIKE.fullmatch(cell.strip()) or cell.strip().lower() in _DEFAULT_CELLS
        for cell in cells
        if cell.strip()
    )


@dataclass
class _Builder:
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
            value = _clean(cell)
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
            raise _RowProblem(NO_CONTENT)
        bad = list(self.bad)
        try:
            birthday = _parse_birthday(self.birthday, day_first=day_first) or None
        except _RowProblem as problem:
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


class _Columns:
    """Finds a header's columns by name (case, spaces and punctuation ignored)."""

    def __init__(self, header: Sequence[str]) -> None:
        self.header = header
        self.index: dict[str, int] = {}
        for at, name in enumerate(header):
            self.index.setdefault(column_key(name), at)
        # Every column a rule has asked for: the others' cells are kept in the notes.
        self.read: set[int] = set()

    def has(self, *names: str) -> bool:
        return any(column_key(name) in self.index for name in names)

    def mark(self, *names: str) -> None:
        """Count these columns as read (a rule uses them only sometimes, or on purpose not)."""
        for name in names:
            at = self.index.get(column_key(name))
            if at is not None:
                self.read.add(at)

    def get(self, cells: Sequence[str], *names: str) -> str:
        """The first non-empty stripped cell among the columns `names`, else ""."""
        self.mark(*names)
        for name in names:
            at = self.index.get(column_key(name))
            if at is not None and at < len(cells):
                value = _clean(cells[at])
                if value:
                    return value
        return ""

    def birthday(self, cells: Sequence[str]) -> str:
        """ "Birthday", else the split "Birth Year/Birth Month/Birth Day" of mail programs as
        "YYYY-MM-DD" or "--MM-DD" (no year); unreadable parts come back as written."""
        # "Birth Day" and "Birthday" are one column key: a "Birth Month" column tells them apart.
        if not self.has("Birth Month"):
            return self.get(cells, "Birthday", "Birth Date", "Date of Birth")
        year = self.get(cells, "Birth Year")
        month = self.get(cells, "Birth Month")
        day = self.get(cells, "Birth Day")
        if not (month or day):
            return ""
        if month.isdigit() and day.isdigit() and (not year or year.isdigit()):
            prefix = f"{int(year):04d}" if year else "-"
            return f"{prefix}-{int(month):02d}-{int(day):02d}"
        return "/".join(part for part in (year, month, day) if part)


def _clean(value: str) -> str:
    """A cell stripped, with Windows and old Mac line ends made \\n."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _join(*parts: str, sep: str = " ") -> str:
    return sep.join(part for part in parts if part)


def _split_multi(value: str) -> list[str]:
    """Google puts several values of one label in one cell: "a@x.com ::: b@x.com"."""
    return [part.strip() for part in value.split(":::") if part.strip()]


def _google_label(value: str) -> str:
    """Google marks the primary value's label with "* " ("* Work"): "work"."""
    return value.strip().lstrip("*").strip().lower()


_RowRule = Callable[[Sequence[str]], _Builder]
"""Turns the cells of one row into a `_Builder`."""


def _row_reader(
    csv_file: CsvFile, mapping: Mapping[int, str] | None, stages: Collection[str]
) -> tuple[_RowRule, frozenset[int] | None]:
    """The rule for the file's rows, and the columns it reads (None: every other column was
    set aside by the rep in the mapping, so none is kept in the notes)."""
    if mapping is not None:
        return _MappedRule(csv_file.header, mapping), None
    columns = _Columns(csv_file.header)
    rule: _RowRule
    if csv_file.kind == "ours":
        rule = _OwnRule(columns, stages)
    elif csv_file.kind == "google":
        rule = _GoogleRule(columns)
    elif csv_file.kind == "outlook":
        rule = _OutlookRule(columns)
    elif csv_file.kind == "linkedin":
        rule = _LinkedInRule(columns)
    elif csv_file.kind in ("thunderbird", "roundcube"):
        rule = _MailProgramRule(columns)
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


class _OwnRule:
    """Our own export (`csv_export`): cells un-neutralised, "label: value" lists split again."""

    def __init__(self, columns: _Columns, stages: Collection[str] = SHIPPED_STAGES) -> None:
        self.columns = columns
        self.stages = stages

    def get(self, cells: Sequence[str], name: str) -> str:
        self.columns.mark(name)
        at = self.columns.index.get(column_key(name))
        if at is None or at >= len(cells):
            return ""
        return _clean(unneutralise(cells[at]))

    def __call__(self, cells: Sequence[str]) -> _Builder:
        stage_text = self.get(cells, "Stage")
        bad: list[tuple[str, str, str]] = []
        key = stage_text.lower()
        stage: str = Stage.PROSPECT
        if key in SHIPPED_STAGES:
            stage = Stage(key)
        elif key in self.stages:
            stage = key
        elif stage_text:
            valid = ", ".join(self.stages)
            bad.append(("stage", stage_text, f"not a stage; use one of: {valid}"))
        row = _Builder(
            name=self.get(cells, "Name"),
            given_name=self.get(cells, "Given name"),
            family_name=self.get(cells, "Family name"),
            company=self.get(cells, "Company"),
            title=self.get(cells, "Title"),
            birthday=self.get(cells, "Birthday"),
            notes=self.get(cells, "Notes"),
            stage=stage,
            bad=bad,
        )
        for value, label in _own_labelled(self.get(cells, "Emails")):
            row.add_email(value, label)
        for value, label in _own_labelled(self.get(cells, "Phones")):
            row.add_phone(value, label)
        row.add_tags(self.get(cells, "Tags").split("; "))
        if self.columns.has("Street"):
            row.add_address(
                Address(
                    street=self.get(cells, "Street"),
                    city=self.get(cells, "City"),
                    region=self.get(cells, "Region"),
                    postcode=self.get(cells, "Postcode"),
                    country=self.get(cells, "Country"),
                    label=self.get(cells, "Address label"),
                )
            )
        else:
            # A file from before the address parts had their columns: the one-line address.
            row.add_address(Address(street=self.get(cells, "Address")))
        # Our own columns are ours to know: the id is this database's, the one-line address
        # repeats the parts.
        self.columns.mark(*COLUMNS)
        return row


def _own_labelled(cell: str) -> list[tuple[str, str]]:
    """Our "label: value; value" cell as (value, label) pairs."""
    pairs = []
    for item in cell.split("; "):
        label, colon, value = item.partition(": ")
        pairs.append((value, label) if colon else (item, ""))
    return [(value.strip(), label.strip()) for value, label in pairs if value.strip()]


class _GoogleRule:
    """Google Contacts, current ("First Name", "Labels", "E-mail 1 - Label") and older
    ("Name", "Given Name", "Group Membership", "E-mail 1 - Type", "Organization 1 - Name")."""

    # System groups Google exports but never shows as labels; other "* X" groups of the older
    # export (Friends, Family, Coworkers) were shown to the user, so they stay as tags.
    _HIDDEN_GROUPS = frozenset({"mycontacts", "starred", "othercontacts", "chatbuddies", "blocked"})
    # Numbered groups a contact has no field for: kept in the notes as "Website (work): …".
    _KEPT_IN_NOTES = {
        "website": "Website",
        "relation": "Relation",
        "event": "Event",
        "customfield": "Custom field",
        "im": "IM",
        "instantmessage": "IM",
    }

    def __init__(self, columns: _Columns) -> None:
        self.columns = columns
        # (what, number) -> {part: column index}, e.g. ("phone", 1) -> {"label": 21, "value": 22}
        self.numbered: dict[tuple[str, int], dict[str, int]] = {}
        for at, name in enumerate(columns.header):
            match = GOOGLE_NUMBERED.fullmatch(name.strip())
            if match:
                what, number, part = (
                    column_key(match.group(1)),
                    int(match.group(2)),
                    column_key(match.group(3)),
                )
                part = "label" if part == "type" else part
                self.numbered.setdefault((what, number), {}).setdefault(part, at)

    def _groups(self, what: str) -> list[dict[str, int]]:
        return [parts for (kind, _), parts in sorted(self.numbered.items()) if kind == what]

    def __call__(self, cells: Sequence[str]) -> _Builder:
        col = self.columns

        def at(parts: dict[str, int], part: str) -> str:
            index = parts.get(part)
            if index is not None:
                col.read.add(index)
            return _clean(cells[index]) if index is not None and index < len(cells) else ""

        given = col.get(cells, "First Name", "Given Name")
        family = col.get(cells, "Last Name", "Family Name")
        # The older export's "Name" is the name as the rep wrote it: kept, never rebuilt.
        row = _Builder(
            name=col.get(cells, "Name")
            or _join(
                given,
                col.get(cells, "Middle Name", "Additional Name"),
                family,
                col.get(cells, "Name Suffix"),
            ),
            fallback_names=[
                n for n in (col.get(cells, "File As"), col.get(cells, "Nickname")) if n
            ],
            given_name=given,
            family_name=family,
            company=col.get(cells, "Organization Name") or self._organization(cells, "name"),
            title=col.get(cells, "Organization Title") or self._organization(cells, "title"),
            birthday=col.get(cells, "Birthday") or col.birthday(cells),
            notes=col.get(cells, "Notes"),
        )
        for parts in self._groups("email"):
            for value in _split_multi(at(parts, "value")):
                row.add_email(value, _google_label(at(parts, "label")))
        for parts in self._groups("phone"):
            for value in _split_multi(at(parts, "value")):
                row.add_phone(value, _google_label(at(parts, "label")))
        for parts in self._groups("address"):
            self._add_addresses(row, parts, at)
        for what, shown in self._KEPT_IN_NOTES.items():
            for parts in self._groups(what):
                label = _google_label(at(parts, "label"))
                for value in _split_multi(at(parts, "value")):
                    row.other_columns.append(
                        f"{shown} ({label}): {value}" if label else f"{shown}: {value}"
                    )
        labels = _split_multi(col.get(cells, "Labels") or col.get(cells, "Group Membership"))
        row.add_tags(
            label.lstrip("*").strip()
            for label in labels
            if not (label.startswith("*") and column_key(label) in self._HIDDEN_GROUPS)
        )
        return row

    def _organization(self, cells: Sequence[str], part: str) -> str:
        for parts in self._groups("organization"):
            self.columns.read.update(parts.get(p, -1) for p in ("label", "type", part))
            index = parts.get(part)
            if index is not None and index < len(cells) and _clean(cells[index]):
                return _join(*_split_multi(_clean(cells[index])), sep=", ")
        return ""

    @staticmethod
    def _add_addresses(
        row: _Builder, parts: dict[str, int], at: Callable[[dict[str, int], str], str]
    ) -> None:
        names = ("street", "extendedaddress", "pobox", "city", "region", "postalcode", "country")
        values = {name: _split_multi(at(parts, name)) for name in (*names, "formatted")}
        label = _google_label(at(parts, "label"))
        # Several addresses of one label share a cell, " ::: " apart, in every part.
        count = max((len(v) for v in values.values()), default=0)

        def nth(name: str, i: int) -> str:
            items = values[name]
            return items[i] if i < len(items) else ""

        for i in range(count):
            street = _join(nth("street", i), nth("extendedaddress", i), nth("pobox", i), sep="\n")
            address = Address(
                street=street,
                city=nth("city", i),
                region=nth("region", i),
                postcode=nth("postalcode", i),
                country=nth("country", i),
                label=label,
            )
            if not any(
                (address.street, address.city, address.region, address.postcode, address.country)
            ):
                address = Address(street=nth("formatted", i), label=label)
            row.add_address(address)


_OUTLOOK_PHONES: tuple[tuple[str, str], ...] = (
    ("Business Phone", "work"),
    ("Business Phone 2", "work"),
    ("Home Phone", "home"),
    ("Home Phone 2", "home"),
    ("Mobile Phone", "mobile"),
    ("Primary Phone", "primary"),
    ("Company Main Phone", "main"),
    ("Assistant's Phone", "assistant"),
    ("Other Phone", "other"),
    ("Car Phone", "car"),
    ("Pager", "pager"),
    ("Callback", "callback"),
    ("Radio Phone", "radio"),
    ("ISDN", "isdn"),
    ("Telex", "telex"),
    ("TTY/TDD Phone", "tty"),
    ("Business Fax", "work fax"),
    ("Home Fax", "home fax"),
    ("Other Fax", "other fax"),
)

_ADDRESS_IN_PARENS = re.compile(r"\(\s*([^()\s]+@[^()\s]+)\s*\)")


class _OutlookRule:
    """Outlook desktop and Outlook.com. "Title" is the honorific (Mr.), "Job Title" the job."""

    _DERIVED = (
        "E-mail Type",
        "E-mail Display Name",
        "E-mail 2 Type",
        "E-mail 2 Display Name",
        "E-mail 3 Type",
        "E-mail 3 Display Name",
        "Initials",
    )

    def __init__(self, columns: _Columns) -> None:
        self.columns = columns

    def __call__(self, cells: Sequence[str]) -> _Builder:
        col = self.columns
        given = col.get(cells, "First Name")
        family = col.get(cells, "Last Name")
        # Derived from other columns, or Outlook's defaults: nothing of the rep's own.
        col.mark(*self._DERIVED)
        row = _Builder(
            name=col.get(cells, "Display Name", "Name")
            or _join(given, col.get(cells, "Middle Name"), family, col.get(cells, "Suffix")),
            fallback_names=[n for n in (col.get(cells, "Nickname"),) if n],
            given_name=given,
            family_name=family,
            company=col.get(cells, "Company"),
            title=col.get(cells, "Job Title"),
            birthday=col.birthday(cells),
            notes=col.get(cells, "Notes"),
        )
        for prefix in ("E-mail", "E-mail 2", "E-mail 3"):
            address = self._email(cells, prefix)
            if address:
                row.add_email(address)
        for name, label in _OUTLOOK_PHONES:
            row.add_phone(col.get(cells, name), label)
        for place, label in (("Business", "work"), ("Home", "home"), ("Other", "other")):
            street = _join(
                col.get(cells, f"{place} Street"),
                col.get(cells, f"{place} Street 2"),
                col.get(cells, f"{place} Street 3"),
                col.get(cells, f"{place} Address PO Box"),
                sep="\n",
            )
            row.add_address(
                Address(
                    street=street,
                    city=col.get(cells, f"{place} City"),
                    region=col.get(cells, f"{place} State"),
                    postcode=col.get(cells, f"{place} Postal Code"),
                    country=col.get(cells, f"{place} Country/Region", f"{place} Country"),
                    label=label,
                )
            )
        row.add_tags(re.split(r"[;,]", col.get(cells, "Categories")))
        return row

    def _email(self, cells: Sequence[str], prefix: str) -> str:
        col = self.columns
        address = col.get(cells, f"{prefix} Address")
        kind = col.get(cells, f"{prefix} Type")
        if kind.upper() == "EX" or address.lower().startswith("/o="):
            # An Exchange X.500 path (/o=ExchangeLabs/ou=...): the SMTP address, if Outlook
            # kept one, is in the display name, "Jane Doe (jane@example.com)".
            match = _ADDRESS_IN_PARENS.search(col.get(cells, f"{prefix} Display Name"))
            return match.group(1) if match else ""
        return address


class _LinkedInRule:
    """LinkedIn's Connections.csv: the profile URL and connection date go into the notes."""

    def __init__(self, columns: _Columns) -> None:
        self.columns = columns

    def __call__(self, cells: Sequence[str]) -> _Builder:
        col = self.columns
        given = col.get(cells, "First Name")
        family = col.get(cells, "Last Name")
        url = col.get(cells, "URL")
        connected = col.get(cells, "Connected On")
        row = _Builder(
            name=_join(given, family),
            given_name=given,
            family_name=family,
            company=col.get(cells, "Company"),
            title=col.get(cells, "Position"),
            notes=_join(
                f"LinkedIn: {url}" if url else "",
                f"Connected on LinkedIn: {connected}" if connected else "",
                sep="\n",
            ),
        )
        row.add_email(col.get(cells, "Email Address", "E-mail Address"))
        return row


# Thunderbird's phone columns and their labels; Roundcube's are "Phone <label>".
_MAIL_PHONES: tuple[tuple[str, str], ...] = (
    ("Work Phone", "work"),
    ("Home Phone", "home"),
    ("Mobile Number", "mobile"),
    ("Cellular Number", "mobile"),
    ("Fax Number", "fax"),
    ("Pager Number", "pager"),
)
# Each address part's column names after the place ("Home", "Work", "Other").
_MAIL_ADDRESS_PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("street", ("Address", "Street", "Address 2", "Street 2", "Address Street")),
    ("city", ("City", "Locality", "Address City")),
    ("region", ("State", "Region", "Province", "Address State")),
    ("postcode", ("ZipCode", "Zip Code", "Zip", "Postal Code", "Postcode", "Address Zip")),
    ("country", ("Country", "Country/Region", "Address Country")),
)


class _MailProgramRule:
    """Mail programs' address books: Thunderbird ("Primary Email", "Work Phone", "Home
    Address", "Birth Year/Month/Day") and Roundcube ("Email Home", "Email Work", "Phone
    Mobile", any custom label). "Display Name" is kept as the contact's name."""

    def __init__(self, columns: _Columns) -> None:
        self.columns = columns
        # (index, "email" or "phone", label) of Roundcube's labelled columns, in file order.
        self.labelled = [
            (at, *found)
            for at, name in enumerate(columns.header)
            if (found := labelled_column(name)) is not None
        ]

    def __call__(self, cells: Sequence[str]) -> _Builder:
        col = self.columns
        given = col.get(cells, "First Name", "Firstname", "Given Name")
        family = col.get(cells, "Last Name", "Lastname", "Surname", "Family Name")
        row = _Builder(
            name=col.get(cells, "Display Name", "Name")
            or _join(given, col.get(cells, "Middle Name"), family),
            fallback_names=[n for n in (col.get(cells, "Nickname"),) if n],
            given_name=given,
            family_name=family,
            company=col.get(cells, "Organization", "Organisation", "Company"),
            title=col.get(cells, "Job Title", "Title"),
            birthday=col.birthday(cells),
            notes=col.get(cells, "Notes"),
        )
        row.add_email(col.get(cells, "Primary Email"))
        row.add_email(col.get(cells, "Secondary Email"))
        for name, label in _MAIL_PHONES:
            row.add_phone(col.get(cells, name), label)
        for at, kind, label in self.labelled:
            col.read.add(at)
            value = _clean(cells[at]) if at < len(cells) else ""
            for part in re.split(r"[;,]|:::", value) if kind == "email" else [value]:
                if kind == "email":
                    row.add_email(part, label)
                else:
                    row.add_phone(part, label)
        for place in ("Home", "Work", "Other"):
            parts = {
                part: _join(*(col.get(cells, f"{place} {n}") for n in names), sep="\n")
                if part == "street"
                else col.get(cells, *(f"{place} {n}" for n in names))
                for part, names in _MAIL_ADDRESS_PARTS
            }
            row.add_address(Address(label=place.lower(), **parts))
        return row


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
            value = _clean(cells[index]) if 0 <= index < len(cells) else ""
            if value:
                out.append((index, value))
        return out

    def _text(self, cells: Sequence[str], key: str, sep: str = " ") -> str:
        return _join(*(value for _, value in self._values(cells, key)), sep=sep)

    def __call__(self, cells: Sequence[str]) -> _Builder:
        given = self._text(cells, "given_name")
        family = self._text(cells, "family_name")
        row = _Builder(
            name=self._text(cells, "name") or _join(given, family),
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
    A time after the date ("3/14/1980 0:00:00") is ignored. Anything else raises _RowProblem.
    """
    text = value.strip()
    if not text or text.lower() in _NO_DATE:
        return ""
    text = re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2})?( ?[AaPp][Mm])?$", "", text).strip()
    problem = _RowProblem("not a date (expected YYYY-MM-DD, --MM-DD or M/D/YYYY)")
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
