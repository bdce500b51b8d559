"""Reading a CSV file of contacts: decoding, the delimiter, the header and which export it is.

`read_csv` turns bytes into a `CsvFile`: it decodes them (UTF-8 with or without a BOM, UTF-16
with a BOM, else the code page charset-normalizer detects, with the Windows code page cp1252
that Outlook writes on Western Windows preferred when both read the same; a guessed code page is
a warning), sniffs the delimiter (comma, semicolon as European Excel writes, tab), skips a
preamble such as LinkedIn's "Notes:" paragraph to find the header, and says which export it is
(ours, Google, Outlook, LinkedIn, Thunderbird, Roundcube, or None: the user maps the columns).
Pure: bytes in, plain data out.
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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from relationship_crm.interchange.csv_export import COLUMNS
from relationship_crm.interchange.csv_mapping import guess_mapping
from relationship_crm.interchange.records import UnknownFormatError
from relationship_crm.interchange.sniff import binary_name

_KIND_NAMES = {
    "ours": "Relationship CRM CSV",
    "google": "Google Contacts CSV",
    "outlook": "Outlook CSV",
    "linkedin": "LinkedIn connections CSV",
    "thunderbird": "Thunderbird CSV",
    "roundcube": "Roundcube CSV",
}

# Code pages by the names people know them by, for the warning about a guess.
_CODEC_NAMES = {
    "cp1252": "Windows-1252 (Western European)",
    "cp932": "Shift-JIS (Japanese)",
    "shift_jis": "Shift-JIS (Japanese)",
    "euc_jp": "EUC-JP (Japanese)",
    "gb18030": "GB18030 (Chinese)",
    "big5": "Big5 (Traditional Chinese)",
    "cp1250": "Windows-1250 (Central European)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "cp1253": "Windows-1253 (Greek)",
    "cp1255": "Windows-1255 (Hebrew)",
}


# How far into a file a header may sit (LinkedIn's preamble is 3 records) and how many records
# the delimiter sniffer reads.
_HEADER_SEARCH = 50


@dataclass(frozen=True)
class CsvFile:
    """A decoded CSV file: its header and its non-blank data rows, each with its starting line.

    `kind` is "ours" (our own export), "google", "outlook", "linkedin", "thunderbird",
    "roundcube" or None (then the user maps the columns). `warnings` says what was guessed
    about the file as a whole (its code page).
    `rows` holds (physical line where the row starts, raw cells); blank rows are left out, so
    a row's record number is its position in `rows` plus one.
    """

    kind: str | None
    encoding: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    header_line: int
    delimiter: str = ","
    warnings: tuple[str, ...] = ()

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
        warnings=(_guess_warning(encoding),) if encoding not in _CERTAIN else (),
    )


# Codecs read from a byte-order mark or as valid UTF-8: no guess was made.
_CERTAIN = frozenset({"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"})


def _guess_warning(encoding: str) -> str:
    name = _CODEC_NAMES.get(encoding, encoding)
    return (
        f"the file has no byte-order mark and is not UTF-8: it was read as {name}, a guess; "
        "check that names with accents or other scripts look right"
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
        western: str | None = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    # The detector tells scripts apart well but Latin code pages poorly (a French file passes
    # for cp1250): a guess in Latin letters keeps cp1252, the code page of Western Outlook,
    # unless cp1252 reads more of the file as symbols than the guess does.
    guessed = _detect_code_page(data)
    if guessed is not None and (
        western is None
        or not _latin_only(guessed[1])
        or _letter_share(guessed[1]) > _letter_share(western)  # "Łódź", not "£ódŸ"
    ):
        return guessed[1], guessed[0]
    if western is not None:
        return western, "cp1252"
    # cp1252 leaves five bytes undefined; latin-1 reads anything and the binary check
    # below then judges the C1 control characters it produces.
    return data.decode("latin-1"), "latin-1"


def _latin_only(text: str) -> bool:
    """Whether every letter beyond ASCII in `text` is a Latin one (é, ł, ß)."""
    return all(
        unicodedata.name(ch, "").startswith("LATIN")
        for ch in set(text)
        if not ch.isascii() and ch.isalpha()
    )


# The code pages contact files are written in (Windows, Mac and Unix for each script): a short
# list keeps the guess among real candidates and its first call quick.
_CANDIDATES = [
    "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
    "cp874", "cp932", "euc_jp", "gb18030", "big5", "cp949", "koi8_r", "koi8_u", "cp866",
    "mac_roman", "iso8859_2", "iso8859_5", "iso8859_7", "iso8859_8", "iso8859_15",
]  # fmt: skip


def _letter_share(text: str) -> float:
    """How many of the characters beyond ASCII are letters: a wrong code page makes symbols."""
    beyond = [ch for ch in text if not ch.isascii()]
    return sum(ch.isalpha() for ch in beyond) / len(beyond) if beyond else 1.0


def _detect_code_page(data: bytes) -> tuple[str, str] | None:
    """(codec, text) by charset-normalizer's best guess, or None when it has none."""
    from charset_normalizer import from_bytes  # loaded only for files that need a guess

    # Only the lines beyond ASCII tell code pages apart: an English header would otherwise
    # outvote a few Japanese names for a Western code page.
    sample = b"\n".join(line for line in data.splitlines() if not line.isascii())[: 1 << 20]
    best = from_bytes(sample or data, cp_isolation=_CANDIDATES).best()
    if best is None or best.encoding in _CERTAIN or best.encoding.startswith("utf"):
        return None
    try:
        return best.encoding, data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None


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
def column_key(text: str) -> str:
    """A header name as lowercase letters and digits: "E-mail 2 Address" -> "email2address"."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


GOOGLE_NUMBERED = re.compile(
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


# Thunderbird's own column names (its "Home Phone", "Job Title" would pass for Outlook's).
_THUNDERBIRD_SIGNATURE = frozenset(
    {
        "primaryemail",
        "secondaryemail",
        "screenname",
        "faxnumber",
        "pagernumber",
        "mobilenumber",
        "homeaddress2",
        "workaddress2",
        "homezipcode",
        "workzipcode",
        "birthyear",
        "birthmonth",
        "webpage1",
        "custom1",
    }
)

LABELLED_COLUMN = re.compile(r"(e-?mail|phone) +([^\W\d_][\w ]*)", re.IGNORECASE)
"""Roundcube's "Email Home", "Email School", "Phone Mobile": the label follows the kind."""
# Outlook's "E-mail Address", "E-mail Type", "E-mail Display Name" are not labels.
_NOT_LABELS = frozenset({"address", "type", "displayname", "value", "label", "number"})


def labelled_column(name: str) -> tuple[str, str] | None:
    """("email" or "phone", label) for a column like "Email Work", else None."""
    match = LABELLED_COLUMN.fullmatch(name.strip())
    if match is None or column_key(match.group(2)) in _NOT_LABELS:
        return None
    kind = "email" if column_key(match.group(1)) == "email" else "phone"
    return kind, " ".join(match.group(2).lower().split())


def _detect_kind(header: Sequence[str]) -> str | None:
    """The export a header comes from, by a few signature columns (never by position)."""
    keys = {column_key(name) for name in header}
    # Ours first: its "Given name"/"Family name" would otherwise pass for Google's.
    if _OWN_SIGNATURE <= keys:
        return "ours"
    if (
        "connectedon" in keys
        and ({"url", "position"} & keys)
        and ({"firstname", "lastname"} & keys)
    ):
        return "linkedin"
    if len(_THUNDERBIRD_SIGNATURE & keys) >= 2:
        return "thunderbird"
    if sum(1 for name in header if labelled_column(name)) >= 2:
        return "roundcube"
    google = len(_GOOGLE_SIGNATURE & keys) + sum(
        1 for name in header if GOOGLE_NUMBERED.fullmatch(name.strip())
    )
    if google >= 2:
        return "google"
    if len(_OUTLOOK_SIGNATURE & keys) >= 3 and ({"firstname", "lastname", "company"} & keys):
        return "outlook"
    return None
