"""CSV contact import: Google, Outlook, LinkedIn exports by their headers, other CSVs by a mapping.

`read_csv` turns bytes into a `CsvFile`: it decodes them (UTF-8 with or without a BOM, UTF-16
with a BOM, else the Windows code page cp1252 that Outlook writes on Western Windows), sniffs the
delimiter (comma, semicolon as European Excel writes, tab), skips a preamble such as LinkedIn's
"Notes:" paragraph to find the header, and says which export it is. `contacts_from_csv` turns its
rows into drafts, with built-in rules for the known exports or a column mapping the user chose in
the import dialog (`FIELDS` lists the choices, `guess_mapping` pre-selects them).

Like every importer this only decodes structure: values are passed on stripped, and the import
service validates them. Pure: bytes in, plain data out; no Qt, no database.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from relationship_crm.domain.enums import Stage
from relationship_crm.domain.errors import BugError
from relationship_crm.domain.records import Address, ContactDraft, Labeled
from relationship_crm.interchange.csv_export import COLUMNS, unneutralise
from relationship_crm.interchange.records import ImportedContact, RecordError, UnknownFormatError
from relationship_crm.interchange.sniff import binary_name

FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "Full name"),
    ("given_name", "Given name"),
    ("family_name", "Family name"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("company", "Company"),
    ("title", "Job title"),
    ("street", "Street"),
    ("city", "City"),
    ("region", "Region / state"),
    ("postcode", "Postcode"),
    ("country", "Country"),
    ("birthday", "Birthday"),
    ("notes", "Notes"),
    ("tags", "Tags"),
)
"""(key, label) pairs a column can be mapped to; a column mapped to nothing is ignored."""

FIELD_KEYS: frozenset[str] = frozenset(key for key, _ in FIELDS)

# Fields that several columns may feed: their values are collected, not joined into one.
MULTI_FIELDS: frozenset[str] = frozenset({"email", "phone", "tags", "street", "notes"})

# A mapping must name the contact somehow, or every row would be an error.
_IDENTIFYING = ("name", "given_name", "family_name", "company", "email")

_KIND_NAMES = {
    "ours": "Relationship CRM CSV",
    "google": "Google Contacts CSV",
    "outlook": "Outlook CSV",
    "linkedin": "LinkedIn connections CSV",
}

NO_CONTENT = "the row has no name, company, email or phone"

# How far into a file a header may sit (LinkedIn's preamble is 3 records) and how many records
# the delimiter sniffer reads.
_HEADER_SEARCH = 50


@dataclass(frozen=True)
class CsvFile:
    """A decoded CSV file: its header and its non-blank data rows, each with its starting line.

    `kind` is "ours" (our own export), "google", "outlook", "linkedin" or None (then the user
    maps the columns).
    `rows` holds (physical line where the row starts, raw cells); blank rows are left out, so
    a row's record number is its position in `rows` plus one.
    """

    kind: str | None
    encoding: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    header_line: int
    delimiter: str = ","

    def describe(self) -> str:
        """A short description: "Google Contacts CSV", "CSV (semicolon-separated, 5 columns)"."""
        if self.kind is not None:
            return _KIND_NAMES.get(self.kind, "CSV")
        separated = {",": "comma", ";": "semicolon", "\t": "tab"}.get(self.delimiter, "")
        columns = f"{len(self.header)} column" + ("" if len(self.header) == 1 else "s")
        return f"CSV ({separated}-separated, {columns})" if separated else f"CSV ({columns})"

    @property
    def description(self) -> str:
        """Same as `describe()`, for templates and Qt properties."""
        return self.describe()


# --------------------------------------------------------------------------------------------
# Reading bytes


def read_csv(data: bytes) -> CsvFile:
    """Decode `data` as a CSV file and find its header; UnknownFormatError if it is not one."""
    text, encoding = _decode(data)
    _refuse_other_text_formats(text)
    delimiter, skip_first = _excel_sep_line(text)
    try:
        if delimiter is None:
            delimiter = _sniff_delimiter(text)
        records = list(_records(text, delimiter))
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise UnknownFormatError(
                f"a cell is longer than {csv.field_size_limit()} characters: the file is not a "
                "CSV of contacts, or a quote is never closed"
            ) from None
        raise UnknownFormatError(f"this file cannot be read as CSV: {error}") from None
    if skip_first:
        records = records[1:]
    rows = [(line, cells) for line, cells in records if _has_content(cells)]
    if not rows:
        raise UnknownFormatError("the file has no rows: it is empty or blank")
    at = _header_position(rows)
    header_line, header_cells = rows[at]
    header = tuple(cell.replace("\ufeff", "").strip() for cell in header_cells)
    return CsvFile(
        kind=_detect_kind(header),
        encoding=encoding,
        header=header,
        rows=tuple((line, tuple(cells)) for line, cells in rows[at + 1 :]),
        header_line=header_line,
        delimiter=delimiter,
    )


def _decode(data: bytes) -> tuple[str, str]:
    """The text of `data` and the codec it was read with; binary data is refused."""
    what = binary_name(data)
    if what is not None:
        raise UnknownFormatError(f"this file is {what}, not a CSV text file")
    if not data:
        raise UnknownFormatError("the file is empty")
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
        try:
            text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError:
            raise UnknownFormatError(
                "the file starts with a UTF-8 mark but is not valid UTF-8 text"
            ) from None
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnknownFormatError(
                "the file starts with a UTF-16 mark but is not valid UTF-16 text"
            ) from None
    else:
        text, encoding = _decode_unmarked(data)
    if _looks_binary(text):
        raise UnknownFormatError("this file is binary data, not a CSV text file")
    return text, encoding


def _decode_unmarked(data: bytes) -> tuple[str, str]:
    # Excel's "Unicode text" without a BOM: every other byte of ASCII text is zero.
    head = data[:512]
    if len(data) % 2 == 0 and len(head) >= 4:
        even, odd = head[0::2], head[1::2]
        for codec, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
            if zeros.count(0) >= 0.9 * len(zeros) and others.count(0) == 0:
                try:
                    return data.decode(codec), codec
                except UnicodeDecodeError:
                    break
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 reads anything and the binary check
        # below then judges the C1 control characters it produces.
        return data.decode("latin-1"), "latin-1"


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:65536]
    controls = sum(
        1 for ch in sample if (ch < " " and ch not in "\t\n\r\f\v") or "\x7f" <= ch <= "\x9f"
    )
    return controls > max(2, len(sample) // 100)


def _refuse_other_text_formats(text: str) -> None:
    start = text.lstrip(" \t\r\n\ufeff")[:64].upper()
    if start.startswith("BEGIN:VCARD"):
        raise UnknownFormatError("this is a vCard file, not CSV: import it as vCard")
    if start.startswith("BEGIN:VCALENDAR"):
        raise UnknownFormatError("this is an iCalendar file, not a CSV file of contacts")
    if start.startswith(("{", "[")):
        raise UnknownFormatError("this looks like JSON, not CSV")
    if start.startswith(("<?XML", "<!DOCTYPE", "<HTML")):
        raise UnknownFormatError("this looks like an HTML or XML page, not CSV")


def _excel_sep_line(text: str) -> tuple[str | None, bool]:
    """Excel honours a first line `sep=;` naming the delimiter; returns (delimiter, found)."""
    first = re.split(r"\r\n|\r|\n", text[:40], maxsplit=1)[0]
    match = re.fullmatch(r' *"?sep=([,;\t|])"? *', first, flags=re.IGNORECASE)
    return (match.group(1), True) if match else (None, False)


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """The CSV records of `text`, each with the physical line (from 1) where it starts."""
    # newline="" keeps line ends inside quoted cells and splits lines on \n, \r\n and \r alike.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


def _has_content(cells: Sequence[str]) -> bool:
    return any(cell.strip() for cell in cells)


def _sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one that finds a known header, else the steadiest columns."""
    best = ","
    best_score = (-1, -1)
    for delimiter in (",", ";", "\t"):
        sample = [
            cells
            for _, cells in itertools.islice(_records(text, delimiter), _HEADER_SEARCH)
            if _has_content(cells)
        ]
        if any(_detect_kind(cells) for cells in sample):
            return delimiter
        # Most records of a real CSV share one column count; score by how many do, then by how
        # wide that is. Ties keep the earlier delimiter (comma first).
        widths = Counter(len(cells) for cells in sample if len(cells) > 1)
        score = max(((count, width) for width, count in widths.items()), default=(0, 1))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _header_position(rows: Sequence[tuple[int, Sequence[str]]]) -> int:
    """Index in `rows` of the header: a known export's, else the first row with 2+ cells."""
    window = rows[:_HEADER_SEARCH]
    for at, (_, cells) in enumerate(window):
        if _detect_kind(cells) is not None:
            return at
    for at, (_, cells) in enumerate(window):
        if sum(1 for cell in cells if cell.strip()) >= 2:
            return at
    # One column only: fine if its header says what it holds ("Email"), else not a table.
    if guess_mapping([cell.strip() for cell in rows[0][1]]):
        return 0
    first = (rows[0][1][0].strip().splitlines() or [""])[0] if rows[0][1] else ""
    shown = first if len(first) <= 40 else first[:40] + "…"
    raise UnknownFormatError(
        f'this file has a single column with no recognisable header (it starts "{shown}"): '
        "it does not look like a CSV file of contacts"
    )


# --------------------------------------------------------------------------------------------
# Which export is it?

# Every column our export had before the address parts were added: older files are ours too.
_OWN_SIGNATURE = frozenset(
    "".join(ch for ch in name.lower() if ch.isalnum()) for name in COLUMNS[:13]
)


@functools.lru_cache(maxsize=1024)  # the rules look the same column names up on every row
def _key(text: str) -> str:
    """A header name as lowercase letters and digits: "E-mail 2 Address" -> "email2address"."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


_GOOGLE_NUMBERED = re.compile(
    r"(e-?mail|phone|address|website|organization|relation|event|custom field|im|instant message)"
    r" *(\d+) *- *(.+)",
    re.IGNORECASE,
)
_GOOGLE_SIGNATURE = frozenset(
    {
        "fileas",
        "labels",
        "groupmembership",
        "organizationname",
        "organizationtitle",
        "phoneticfirstname",
        "givenname",
        "familyname",
        "additionalname",
        "nameprefix",
        "namesuffix",
        "yominame",
    }
)
_OUTLOOK_SIGNATURE = frozenset(
    {
        "emailaddress",
        "emailtype",
        "emaildisplayname",
        "email2address",
        "businessphone",
        "homephone",
        "mobilephone",
        "businessfax",
        "businessstreet",
        "homestreet",
        "otherstreet",
        "businesscity",
        "homecity",
        "jobtitle",
        "categories",
        "companymainphone",
        "assistantsphone",
    }
)


def _detect_kind(header: Sequence[str]) -> str | None:
    """The export a header comes from, by a few signature columns (never by position)."""
    keys = {_key(name) for name in header}
    # Ours first: its "Given name"/"Family name" would otherwise pass for Google's.
    if _OWN_SIGNATURE <= keys:
        return "ours"
    if (
        "connectedon" in keys
        and ({"url", "position"} & keys)
        and ({"firstname", "lastname"} & keys)
    ):
        return "linkedin"
    google = len(_GOOGLE_SIGNATURE & keys) + sum(
        1 for name in header if _GOOGLE_NUMBERED.fullmatch(name.strip())
    )
    if google >= 2:
        return "google"
    if len(_OUTLOOK_SIGNATURE & keys) >= 3 and ({"firstname", "lastname", "company"} & keys):
        return "outlook"
    return None


# --------------------------------------------------------------------------------------------
# Guessing a mapping for other CSVs


def _words(text: str) -> list[str]:
    """Lowercase words without accents: "Téléphone (mobile)" -> ["telephone", "mobile"]."""
    plain = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    return re.findall(r"[a-z0-9]+", plain.lower().replace("ß", "ss"))


# Exact header names (as joined `_words`), English first, then German, French and Spanish.
_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name", "full name", "fullname", "display name", "contact", "contact name", "file as",
        "nom complet", "nom et prenom", "prenom et nom", "nombre completo", "vollstandiger name",
        "vollstaendiger name", "anzeigename",
    ),
    "given_name": (
        "first name", "firstname", "first", "given name", "givenname", "forename", "prenom",
        "vorname", "nombre", "nombre de pila",
    ),
    "family_name": (
        "last name", "lastname", "last", "surname", "family name", "familyname", "nom",
        "nom de famille", "nachname", "familienname", "apellido", "apellidos",
    ),
    "email": (
        "email", "e mail", "mail", "email address", "e mail address", "emailaddress",
        "courriel", "adresse email", "adresse e mail", "adresse electronique", "mel",
        "e mail adresse", "emailadresse", "correo", "correo electronico",
    ),
    "phone": (
        "phone", "telephone", "tel", "mobile", "cell", "cellphone", "phone number",
        "mobile phone", "work phone", "home phone", "portable", "telefon", "telefonnummer",
        "handy", "mobil", "mobiltelefon", "telefono", "movil", "celular", "fax",
    ),
    "company": (
        "company", "company name", "firm", "organisation", "organization", "organisation name",
        "organization name", "org", "employer", "business", "societe", "entreprise",
        "organisme", "firma", "unternehmen", "empresa", "compania", "organizacion",
    ),
    "title": (
        "title", "job title", "jobtitle", "position", "role", "job", "occupation",
        "fonction", "poste", "titre", "berufsbezeichnung", "beruf", "stellung",
        "funktion", "cargo", "puesto",
    ),
    "street": (
        "street", "address", "street address", "address line 1", "address line 2",
        "address 1", "address 2", "adresse", "rue", "strasse", "anschrift", "direccion", "calle",
    ),
    "city": ("city", "town", "ville", "stadt", "ort", "ciudad", "localite", "locality"),
    "region": (
        "region", "state", "province", "county", "state province", "departement",
        "bundesland", "provincia", "estado",
    ),
    "postcode": (
        "postcode", "post code", "postal code", "zip", "zip code", "zipcode", "code postal",
        "cp", "plz", "postleitzahl", "codigo postal",
    ),
    "country": ("country", "country region", "pays", "land", "pais", "nation"),
    "birthday": (
        "birthday", "birth date", "birthdate", "date of birth", "dob", "date de naissance",
        "anniversaire", "geburtstag", "geburtsdatum", "cumpleanos", "fecha de nacimiento",
    ),
    "notes": (
        "notes", "note", "comments", "comment", "remarks", "description", "memo",
        "remarques", "remarque", "commentaire", "commentaires", "notizen", "notiz",
        "bemerkung", "bemerkungen", "kommentar", "notas", "nota", "comentarios",
    ),
    "tags": (
        "tags", "tag", "labels", "label", "categories", "category", "groups", "group",
        "group membership", "etiquettes", "etiquette", "categorie",
        "kategorien", "kategorie", "gruppen", "etiquetas", "categorias",
    ),
}  # fmt: skip

# Words that give a header away when it is not an exact alias ("Work E-mail", "Home Phone"),
# tried in this order: "Email Address" is an email, "Company Phone" a phone, "Organization
# Title" a title, "Company Name" a company. Each entry: field, whole words, word prefixes.
_KEYWORDS: tuple[tuple[str, frozenset[str], tuple[str, ...]], ...] = (
    ("email", frozenset({"email", "mail", "courriel", "correo"}), ("email",)),
    (
        "phone",
        frozenset({"phone", "phones", "tel", "telephone", "mobile", "cell", "cellphone", "fax",
                   "portable", "handy", "mobil", "telefono", "movil", "celular", "pager"}),
        ("telefon",),
    ),
    ("birthday", frozenset({"birthday", "dob", "naissance", "geburtstag"}), ("geburts",)),
    ("postcode", frozenset({"zip", "postcode", "postal", "plz"}), ()),
    ("country", frozenset({"country", "pays", "pais"}), ()),
    ("city", frozenset({"city", "town", "ville", "stadt", "ciudad"}), ()),
    ("region", frozenset({"state", "region", "province", "county"}), ()),
    ("street", frozenset({"street", "address", "adresse", "rue", "direccion"}), ("strasse",)),
    ("title", frozenset({"title", "position", "job", "role", "poste", "fonction"}), ()),
    ("company", frozenset({"company", "firm", "organisation", "organization", "societe",
                           "entreprise", "firma", "empresa", "employer"}), ()),
    ("given_name", frozenset({"first", "given", "prenom", "vorname"}), ()),
    ("family_name", frozenset({"last", "surname", "family", "nachname", "apellido"}), ()),
    ("name", frozenset({"name", "nom", "nombre"}), ()),
    ("notes", frozenset({"notes", "note", "comments", "comment", "remarks"}), ()),
    ("tags", frozenset({"tags", "tag", "labels", "categories", "groups"}), ()),
)  # fmt: skip

# Headers about something else that merely mentions a field: "E-mail Type", "Phone 1 - Label",
# "Phonetic First Name", "Name Suffix", "Manager's Name", "Website 1 - Value".
_NOT_A_FIELD = frozenset(
    {"type", "label", "display", "yomi", "phonetic", "prefix", "suffix", "initials",
     "department", "symbol", "location", "website", "web", "url", "photo", "gender", "id",
     "assistant", "assistants", "manager", "managers", "spouse", "children", "referred",
     "middle", "additional", "maiden", "short", "nickname"}
)  # fmt: skip

# Exact aliases that are still a weak guess: Outlook's "Title" is the honorific (Mr.), so a
# "Job Title" column wins over it.
_WEAK_ALIASES = frozenset({"title"})


def _guess_field(name: str) -> tuple[str, int] | None:
    """The field a header names and how sure that is (2 exact alias, 1 keyword), or None."""
    words = _words(name)
    joined = " ".join(words)
    for key, aliases in _ALIASES.items():
        if joined in aliases:
            return key, 1 if joined in _WEAK_ALIASES else 2
    if _NOT_A_FIELD & set(words):
        return None
    for key, exact, prefixes in _KEYWORDS:
        if any(word in exact or word.startswith(prefixes) for word in words):
            return key, 1
    return None


def guess_mapping(header: Sequence[str]) -> dict[int, str]:
    """Best guesses (column index -> field key) for the column-mapping dialog.

    A field that takes one value (name, company, city...) goes to the surest, then first,
    column that looks like it; emails, phones, streets, notes and tags may come from several.
    """
    guesses = [(index, _guess_field(name)) for index, name in enumerate(header)]
    best: dict[str, tuple[int, int]] = {}  # single-valued field -> (-sureness, index)
    mapping: dict[int, str] = {}
    for index, guess in guesses:
        if guess is None:
            continue
        key, sureness = guess
        if key in MULTI_FIELDS:
            mapping[index] = key
        elif key not in best or (-sureness, index) < best[key]:
            best[key] = (-sureness, index)
    for key, (_, index) in best.items():
        mapping[index] = key
    return dict(sorted(mapping.items()))


# --------------------------------------------------------------------------------------------
# Rows to drafts


class _RowProblem(Exception):
    """Internal: what is wrong with one row; turned into a RecordError with its position."""


def contacts_from_csv(
    csv_file: CsvFile, mapping: Mapping[int, str] | None = None
) -> list[ImportedContact]:
    """The contacts of `csv_file`; the first unreadable row raises its RecordError.

    A known export (Google, Outlook, LinkedIn) is read by built-in rules unless a `mapping`
    (column index -> field key of FIELDS) is given; any other CSV needs one.
    """
    contacts, errors = contacts_and_errors(csv_file, mapping)
    if errors:
        raise errors[0]
    return contacts


def contacts_and_errors(
    csv_file: CsvFile, mapping: Mapping[int, str] | None = None
) -> tuple[list[ImportedContact], list[RecordError]]:
    """Like `contacts_from_csv`, but reads every row: the good ones and one error per bad one.

    Raises UnknownFormatError only for the file as a whole (no mapping for an unknown CSV, a
    mapping that names no contact).
    """
    read_row = _row_reader(csv_file, mapping)
    # Semicolon files come from European spreadsheets, which write dates day first.
    day_first = csv_file.delimiter == ";"
    contacts: list[ImportedContact] = []
    errors: list[RecordError] = []
    for record, (line, cells) in enumerate(csv_file.rows, start=1):
        try:
            draft = read_row(cells).build(day_first=day_first)
        except _RowProblem as problem:
            errors.append(RecordError(record, line, str(problem)))
        else:
            contacts.append(ImportedContact(draft, record, line))
    return contacts, errors


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
    stage: Stage = Stage.PROSPECT

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

    def build(self, *, day_first: bool) -> ContactDraft:
        # Name fallbacks: the composed name, "File As"/nickname, company, email, and last the
        # phone number (a phone alone still makes a contact; a row with less is an error).
        candidates = [self.name, *self.fallback_names, self.company]
        candidates += [e.value for e in self.emails] + [p.value for p in self.phones]
        name = next((c for c in candidates if c), "")
        if not name:
            raise _RowProblem(NO_CONTENT)
        return ContactDraft(
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
            birthday=_parse_birthday(self.birthday, day_first=day_first) or None,
            notes=self.notes,
        )


class _Columns:
    """Finds a header's columns by name (case, spaces and punctuation ignored)."""

    def __init__(self, header: Sequence[str]) -> None:
        self.header = header
        self.index: dict[str, int] = {}
        for at, name in enumerate(header):
            self.index.setdefault(_key(name), at)

    def has(self, *names: str) -> bool:
        return any(_key(name) in self.index for name in names)

    def get(self, cells: Sequence[str], *names: str) -> str:
        """The first non-empty stripped cell among the columns `names`, else ""."""
        for name in names:
            at = self.index.get(_key(name))
            if at is not None and at < len(cells):
                value = _clean(cells[at])
                if value:
                    return value
        return ""


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


def _row_reader(csv_file: CsvFile, mapping: Mapping[int, str] | None) -> _RowRule:
    if mapping is not None:
        return _MappedRule(csv_file.header, mapping)
    columns = _Columns(csv_file.header)
    if csv_file.kind == "ours":
        return _OwnRule(columns)
    if csv_file.kind == "google":
        return _GoogleRule(columns)
    if csv_file.kind == "outlook":
        return _OutlookRule(columns)
    if csv_file.kind == "linkedin":
        return _LinkedInRule(columns)
    names = [name for name in csv_file.header if name]
    shown = ", ".join(f'"{name}"' for name in names[:10])
    if len(names) > 10:
        shown += f" and {len(names) - 10} more"
    raise UnknownFormatError(
        f"this CSV has columns {shown or '(none named)'} — it is not a Google, Outlook or "
        "LinkedIn export; map its columns in the app (File → Import)"
    )


class _OwnRule:
    """Our own export (`csv_export`): cells un-neutralised, "label: value" lists split again."""

    def __init__(self, columns: _Columns) -> None:
        self.columns = columns

    def get(self, cells: Sequence[str], name: str) -> str:
        at = self.columns.index.get(_key(name))
        if at is None or at >= len(cells):
            return ""
        return _clean(unneutralise(cells[at]))

    def __call__(self, cells: Sequence[str]) -> _Builder:
        stage_text = self.get(cells, "Stage")
        try:
            stage = Stage(stage_text.lower()) if stage_text else Stage.PROSPECT
        except ValueError:
            valid = ", ".join(s.value for s in Stage)
            raise _RowProblem(f"unknown stage {stage_text!r}; use one of: {valid}") from None
        row = _Builder(
            name=self.get(cells, "Name"),
            given_name=self.get(cells, "Given name"),
            family_name=self.get(cells, "Family name"),
            company=self.get(cells, "Company"),
            title=self.get(cells, "Title"),
            birthday=self.get(cells, "Birthday"),
            notes=self.get(cells, "Notes"),
            stage=stage,
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

    def __init__(self, columns: _Columns) -> None:
        self.columns = columns
        # (what, number) -> {part: column index}, e.g. ("phone", 1) -> {"label": 21, "value": 22}
        self.numbered: dict[tuple[str, int], dict[str, int]] = {}
        for at, name in enumerate(columns.header):
            match = _GOOGLE_NUMBERED.fullmatch(name.strip())
            if match:
                what, number, part = _key(match.group(1)), int(match.group(2)), _key(match.group(3))
                part = "label" if part == "type" else part
                self.numbered.setdefault((what, number), {}).setdefault(part, at)

    def _groups(self, what: str) -> list[dict[str, int]]:
        return [parts for (kind, _), parts in sorted(self.numbered.items()) if kind == what]

    def __call__(self, cells: Sequence[str]) -> _Builder:
        col = self.columns

        def at(parts: dict[str, int], part: str) -> str:
            index = parts.get(part)
            return _clean(cells[index]) if index is not None and index < len(cells) else ""

        given = col.get(cells, "First Name", "Given Name")
        family = col.get(cells, "Last Name", "Family Name")
        row = _Builder(
            name=_join(
                given,
                col.get(cells, "Middle Name", "Additional Name"),
                family,
                col.get(cells, "Name Suffix"),
            ),
            fallback_names=[
                n for n in (col.get(cells, "File As", "Name"), col.get(cells, "Nickname")) if n
            ],
            given_name=given,
            family_name=family,
            company=col.get(cells, "Organization Name") or self._organization(cells, "name"),
            title=col.get(cells, "Organization Title") or self._organization(cells, "title"),
            birthday=col.get(cells, "Birthday"),
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
        labels = _split_multi(col.get(cells, "Labels") or col.get(cells, "Group Membership"))
        row.add_tags(
            label.lstrip("*").strip()
            for label in labels
            if not (label.startswith("*") and _key(label) in self._HIDDEN_GROUPS)
        )
        return row

    def _organization(self, cells: Sequence[str], part: str) -> str:
        for parts in self._groups("organization"):
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

    def __init__(self, columns: _Columns) -> None:
        self.columns = columns

    def __call__(self, cells: Sequence[str]) -> _Builder:
        col = self.columns
        given = col.get(cells, "First Name")
        family = col.get(cells, "Last Name")
        row = _Builder(
            name=_join(given, col.get(cells, "Middle Name"), family, col.get(cells, "Suffix")),
            fallback_names=[
                n for n in (col.get(cells, "Display Name", "Name"), col.get(cells, "Nickname")) if n
            ],
            given_name=given,
            family_name=family,
            company=col.get(cells, "Company"),
            title=col.get(cells, "Job Title"),
            birthday=col.get(cells, "Birthday"),
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
        plain = "".join(_words(word))
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
    problem = _RowProblem(
        f'birthday "{value.strip()}" is not a date (expected YYYY-MM-DD, --MM-DD or M/D/YYYY)'
    )
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
