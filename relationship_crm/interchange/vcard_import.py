"""Contacts from vCard 2.1, 3.0 and 4.0 files (vCard 2.1 spec, RFC 2426, RFC 6350), as real
programs write them: Outlook, Android, iPhone, Google Contacts and our own exporter.

We split the file into cards and logical lines ourselves and let vobject's content-line parser
(`parseLine`) read each line head: name, parameters, group. `vobject.readComponents` is many
times slower on big files and misreads quoted-printable soft line breaks the way Outlook and
Android write them (measured on real files), so the splitting, the
quoted-printable and charset decoding, the unescaping and the structured values are ours. A big
file repeats a few dozen heads ("EMAIL;TYPE=INTERNET,WORK"), so each distinct head goes to vobject
once; that keeps 20,000 cards well under a second.

Only structure is decoded here: values go out stripped but otherwise as written, and the import
service checks them (is this an email address?). Pure: bytes in, `ImportedContact`s out; every
problem is a `RecordError` (record number and the line its BEGIN:VCARD is on) or, for a file that
holds no card at all, an `UnknownFormatError`.
"""

from __future__ import annotations

import binascii
import codecs
import functools
import re
import unicodedata
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import date

from vobject.base import ParseError, parseLine  # type: ignore[import-untyped]

from relationship_crm.domain.enums import SHIPPED_STAGES, Stage
from relationship_crm.domain.records import Address, ContactDraft, Labeled
from relationship_crm.interchange.records import ImportedContact, RecordError, UnknownFormatError
from relationship_crm.interchange.sniff import bomless_utf16

__all__ = ["VCardFile", "VCardRecordError", "VCardWarning", "parse_vcards", "read_vcards"]

_NO_PREF = 1000  # sorts after every PREF=1..100

# Characters a "blank" line may hold: old DOS tools end files with Ctrl-Z, some phones pad with NUL.
_BLANK = " \t\x00\x1a\x0b\x0c"
_FOLD = (" ", "\t")

# vCard 2.1 lets an encoding stand alone as a parameter word (`NOTE;QUOTED-PRINTABLE:...`).
_ENCODING_WORDS = frozenset({"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"})

# Apple's built-in labels are wrapped: `_$!<Mobile>!$_`. Custom ones are plain text.
_APPLE_LABEL = re.compile(r"_\$!<(.*)>!\$_", re.S)
_KNOWN_LABELS = {
    "mobile": "mobile",
    "cell": "mobile",
    "iphone": "mobile",
    "home": "home",
    "work": "work",
    "other": "other",
    "main": "main",
    "pager": "pager",
    "fax": "fax",
    "home fax": "home fax",
    "work fax": "work fax",
    "homefax": "home fax",
    "workfax": "work fax",
    "otherfax": "fax",
}

# TYPE words that make a label, most telling first; others (internet, voice, pref, x400, postal,
# text...) are noise. "work,cell" is a mobile; "work,fax" a work fax.
_TYPE_LABELS = ("fax", "mobile", "mobile", "mobile", "pager", "main", "work", "home", "other")
_TYPE_RANK = {
    word: rank
    for rank, word in enumerate(
        ("fax", "cell", "mobile", "iphone", "pager", "main", "work", "home", "other")
    )
}
_FAX_KINDS = {"work": 1, "home": 2, "fax": 4}
# TYPE words that say how, not whose: never a label of their own.
_NOISE_TYPES = frozenset(
    (
        "internet x400 voice pref postal parcel dom intl text msg bbs modem car isdn video pcs "
        "textphone aol applelink attmail cis eworld ibmmail mcimail powershare prodigy tlx "
        "uri x-internet"
    ).split()
)

# The lines vobject's `parseLine` reads, up to the colon before the value: the same language as
# its pattern, written so that no string makes it backtrack. vobject's own pattern nests
# quantifiers and takes exponential time on a line like `A;B=,=,=,=,...` with no colon (20 pairs
# are minutes), so a damaged file could hang the import; we ask vobject only about lines this
# accepts. A parameter value may hold "=", so "=" also starts the next value piece here.
_LINE_SHAPE = re.compile(
    r"""
    (?:[A-Za-z0-9_-]++\.)?[A-Za-z0-9_-]++          # group. name
    (?:;(?=[;:]))?                                  # vobject allows one stray ";"
    (?:;[A-Za-z0-9_-]++(?:[=,](?:"[^"]*+"|[^";:,=]*+))*+)*+   # ;param=value,value
    :""",
    re.VERBOSE,
)

_ESCAPED = re.compile(r"\\(.)", re.S)
_UNESCAPE = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\", ":": ":", '"': '"'}
_EMPTY_PARAMS = re.compile(r";{2,}")
_CHARSET = re.compile(r";\s*CHARSET\s*=\s*([A-Za-z0-9_.:-]+)", re.I)
# A phone number with letters in it (`+1-800-MYFAX`) that the service's check would refuse.
_VANITY = re.compile(r"(?=.*\d)(?=(?:.*[A-Za-z]){2})[\dA-Za-z\s+().\-/#*]+")
_PHONE_WORDS = re.compile(r"\b(?:ext|x)\b\.?", re.I)

# The code pages a vCard 2.1 file without CHARSET is likely in (Windows first: Outlook writes
# them), most likely first: on a tie the earlier one wins.
_CODE_PAGES = {
    "cp1252": "Windows-1252 (Western European)",
    "cp1250": "Windows-1250 (Central European)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "cp1253": "Windows-1253 (Greek)",
    "cp1255": "Windows-1255 (Hebrew)",
    "cp1254": "Windows-1254 (Turkish)",
    "cp1257": "Windows-1257 (Baltic)",
    "cp1256": "Windows-1256 (Arabic)",
    "koi8_r": "KOI8-R (Cyrillic)",
}
# Scripts whose words start with a capital in names; a name in them all in lower case is a
# sign of the wrong code page (Hebrew bytes read as cp1251 are lower-case Cyrillic).
_CASED_SCRIPTS = frozenset({"LATIN", "GREEK", "CYRILLIC"})

_PROPERTY_NAMES = {
    "BDAY": "birthday",
    "EMAIL": "email",
    "TEL": "phone",
    "ADR": "address",
    "FN": "name",
    "N": "name",
    "ORG": "company",
    "TITLE": "title",
    "NOTE": "note",
    "CATEGORIES": "categories",
    "NICKNAME": "nickname",
}
_QP_BAD_ESCAPE = re.compile(r"=(?![0-9A-Fa-f]{2})")
_DATE = re.compile(r"([0-9]{4})-?([0-9]{2})-?([0-9]{2})(?:T[0-9:.,Z+\-]*)?")
_NO_YEAR_DATE = re.compile(r"--([0-9]{2})-?([0-9]{2})")
_TEL_EXT = re.compile(r"(?:^|;)ext=([^;]*)", re.I)


class _BadValue(Exception):
    """A value of a card cannot be decoded; the card loop turns it into a RecordError."""


@dataclass(frozen=True, slots=True)
class VCardWarning:
    """Something the import should show the rep: a guess made, or a value kept in the notes."""

    record: int
    line: int
    text: str

    def __str__(self) -> str:
        return f"vCard record {self.record} (line {self.line}): {self.text}"


@dataclass(frozen=True, slots=True)
class VCardFile:
    """The cards of a file and the warnings reading them gave (in file order)."""

    contacts: list[ImportedContact]
    warnings: list[VCardWarning] = field(default_factory=list)


class VCardRecordError(RecordError):
    """A card that cannot be read; the message names the format ("vCard record 3 (line 40)")."""

    def __init__(self, record: int, line: int, problem: str) -> None:
        super().__init__(record, line, problem)
        self.args = (f"vCard {self.args[0]}",)


def parse_vcards(
    data: bytes, *, strict: bool = True, stages: Collection[str] = SHIPPED_STAGES
) -> list[ImportedContact]:
    """Every card of a vCard file (2.1, 3.0 or 4.0; UTF-8, UTF-16 or a Windows code page).

    Raises `RecordError` naming the card and the line its BEGIN:VCARD is on when a card cannot be
    read (no END:VCARD, an unreadable line, a bad birthday, no name), and `UnknownFormatError`
    when the data holds no card at all. `strict=False`: see `read_vcards`. `stages`: the stage
    keys the database knows (a card's stage is one of them, or the default).
    """
    return read_vcards(data, strict=strict, stages=stages).contacts


def read_vcards(
    data: bytes, *, strict: bool = True, stages: Collection[str] = SHIPPED_STAGES
) -> VCardFile:
    """The cards of a vCard file with the warnings reading it gave.

    `strict` (the default) refuses the file for a value or line that cannot be read. Without it a
    bad value goes into the card's notes as written ("unreadable birthday: 32.13.") and a line
    that cannot be read into the notes too, each with a warning; a card with nothing to call it
    by is left out with a warning. A file that is not vCard, or a card cut short, is refused
    either way. Guessing a card's code page always gives a warning.
    """
    text, raw = _decode(data)
    if "\r\r\n" in text:  # CRLF written through a text-mode stream on Windows: one line end
        text = text.replace("\r\r\n", "\n")
    if "\n" in text:
        # A CR alone inside a value is data (Outlook writes them in notes), not a line end.
        lines = text.replace("\r\n", "\n").split("\n")
    else:  # old Mac files end lines with CR alone
        lines = text.split("\r")
    result = VCardFile([])
    card: list[tuple[int, str]] | None = None
    record = start = 0
    stray: tuple[int, str] | None = None  # the first text outside a card, reported if cards follow
    # Line heads already read (what comes before the value's colon), with what they mean.
    heads: dict[str, _Head] = {}
    for line_no, line in _logical_lines(lines):
        if card is None:
            if line.strip(_BLANK).upper() == "BEGIN:VCARD":
                if stray is not None:
                    raise _stray_error(record + 1, stray)
                record, start, card = record + 1, line_no, []
            elif stray is None:
                stray = (line_no, line)
            continue
        first = line[0]
        if first not in "EeBb" and not first.isspace():  # most lines: neither END nor BEGIN
            card.append((line_no, line))
            continue
        head, colon, value = line.partition(":")
        name = head.strip().upper()
        if colon and name == "END":
            if value.strip().upper() != "VCARD":
                raise VCardRecordError(
                    record, start, f"line {line_no}: unexpected END:{_snippet(value)}"
                )
            contact = _read_card(record, start, card, raw, heads, strict, result.warnings, stages)
            if contact is not None:
                result.contacts.append(contact)
            card = None
        elif colon and name == "BEGIN":
            raise VCardRecordError(
                record,
                start,
                f"line {line_no}: BEGIN:{_snippet(value)} inside a card that has no END:VCARD",
            )
        else:
            card.append((line_no, line))
    if card is not None:
        _read_card(record, start, card, raw, heads, strict, [], stages)  # its bad lines first
        raise VCardRecordError(record, start, "the card has no END:VCARD (is the file cut short?)")
    if record == 0:
        if stray is not None and _looks_like_vcard(stray[1]):
            raise VCardRecordError(1, stray[0], "no BEGIN:VCARD before the card's first line")
        raise UnknownFormatError("the file is not a vCard file (it has no BEGIN:VCARD)")
    if stray is not None:
        raise _stray_error(record + 1, stray)
    return result


def _read_card(
    record: int,
    start: int,
    lines: list[tuple[int, str]],
    raw: bool,
    heads: dict[str, _Head],
    strict: bool,
    warnings: list[VCardWarning],
    stages: Collection[str] = SHIPPED_STAGES,
) -> ImportedContact | None:
    """One card from its content lines (BEGIN and END left out); None when it is left out."""
    card = _Card(raw, lines, stages)

    def bad(problem: str, kept: str) -> None:
        if strict:
            raise VCardRecordError(record, start, problem)
        warnings.append(VCardWarning(record, start, f"{problem}; kept in notes"))
        card.notes.append(kept)

    for line_no, line in lines:
        head, colon, value = line.partition(":")
        known = heads.get(head) if colon else None
        if known is None:
            known = _read_head(line)
            if known is None:
                bad(f"line {line_no} cannot be read: {_snippet(line)}", f"unreadable line: {line}")
                continue
            if '"' not in head:  # else the value may not start at the first colon
                heads[head] = known
            else:
                value = _value_after_head(line)
        key, take, params, group = known
        if take is not None:
            try:
                take(card, params, value, group)
            except _BadValue as exc:
                what = _PROPERTY_NAMES.get(key, key.lower())
                bad(f"line {line_no}: {exc}", f"unreadable {what}: {value.strip()}")
    try:
        draft = card.draft()
    except _BadValue as exc:
        if strict:
            raise VCardRecordError(record, start, str(exc)) from None
        warnings.append(VCardWarning(record, start, f"{exc}; the card was left out"))
        return None
    if card.guessed:
        warnings.append(
            VCardWarning(
                record,
                start,
                "the card names no character set; its text was read as "
                f"{_CODE_PAGES.get(card.guessed, card.guessed)} (a guess: check its names)",
            )
        )
    return ImportedContact(draft, record, start)


def _read_head(line: str) -> _Head | None:
    """What a line's head means, or None when it cannot be read.

    Empty parameters (`ADR;HOME;PREF;:`, as Outlook writes) are dropped, and a legacy property
    name with "/" (`X-messaging/twitter-All`) is read with "-" in its place.
    """
    head, colon, value = line.partition(":")
    legacy = ""
    if colon and '"' not in head:
        name, semicolon, params = head.partition(";")
        if "/" in name:
            legacy = name
            name = name.replace("/", "-")
        if semicolon:
            params = _EMPTY_PARAMS.sub(";", ";" + params).strip(";")
            head = f"{name};{params}" if params else name
        else:
            head = name
        line = f"{head}:{value}"
    try:
        if not _LINE_SHAPE.match(line):  # checked first: see _LINE_SHAPE
            raise ParseError(line)
        name, raw_params, value, group = parseLine(line)
    except ParseError:
        return None
    key = name.upper()
    if legacy or key.endswith("-ALL"):
        service = (legacy or name).rpartition("/")[2]
        if service.upper().endswith("-ALL"):
            service = service[:-4]
        if service.upper().startswith("X-"):
            service = service[2:]
        return (key, _legacy_taker(service.lower()), _Params(raw_params), group)
    return (key, _TAKE.get(key), _Params(raw_params), group)


def _value_after_head(line: str) -> str:
    try:
        return str(parseLine(line)[2])
    except ParseError:
        return line.partition(":")[2]


def _legacy_taker(service: str) -> Callable[[_Card, _Params, str, str | None], None] | None:
    """Old programs' `X-messaging/twitter-All:@ada`: kept in the notes as "twitter: @ada"."""
    if not service:
        return None

    def take(card: _Card, params: _Params, value: str, group: str | None) -> None:
        text = _unescape(params.text(value, card))
        if text:
            card.notes.append(f"{service}: {text}")

    return take


def _card_charset(lines: list[tuple[int, str]]) -> str:
    """The first CHARSET any line of the card names: Outlook names it on some lines only."""
    for _, line in lines:
        head = line.partition(":")[0]
        if "=" in head:
            match = _CHARSET.search(head)
            if match:
                try:
                    codecs.lookup(match.group(1))
                except LookupError:
                    continue
                return match.group(1)
    return ""


def _looks_like_vcard(line: str) -> bool:
    """A line such as `FN:Ada` or `ADR;TYPE=WORK:...`: a vCard whose BEGIN:VCARD is missing."""
    head = line.partition(":")[0].strip().upper()
    name = head.partition(";")[0].rpartition(".")[2]
    return ":" in line and (name in _TAKE or name in ("VERSION", "UID", "END", "PHOTO"))


# --- bytes and lines ----------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, bool]:
    """The file as text, and whether it was read byte for byte (latin-1) to decode value by value.

    UTF-8 (with or without BOM) and UTF-16/32 (with a BOM, or UTF-16 without one, known by its
    NUL bytes) are decoded whole. Anything else (a vCard 2.1 file in a Windows code page, or one
    mixing UTF-8 and Latin-1 values) is mapped byte for byte, and each non-ASCII value is decoded
    later with its card's CHARSET, else UTF-8, else the card's code page as detected.
    """
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            data = data[len(bom) :]
            if codec != "utf-8":
                return data.decode(codec, errors="replace"), False
            break
    else:
        codec16 = bomless_utf16(data)
        if codec16 is not None:
            return data.decode(codec16, errors="replace"), False
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("latin-1"), True


def _logical_lines(lines: list[str]) -> Iterator[tuple[int, str]]:
    """(first physical line number, logical line) for each non-blank logical line.

    Quoted-printable soft breaks come first: a QP line ending in "=" goes on with the next line
    as it is (Outlook and Android do not indent it, and a leading space there is data). Then
    folding (a line starting with a space or tab continues the one before). Then vCard 2.1
    base64, whose lines need not be indented and which ends at a blank line.
    """
    count = len(lines)
    lines.append("")  # a sentinel: lines[i] always exists below
    i = 0
    while i < count:
        line = lines[i]
        i += 1
        if not line or (line[0] in _BLANK and not line.strip(_BLANK)):
            continue
        first = i
        following = lines[i]
        if line[-1] == "=" or following[:1] in _FOLD:
            qp: bool | None = None  # is this a quoted-printable property? (asked only when needed)
            while i < count:
                following = lines[i]
                if line.endswith("="):
                    if qp is None:
                        qp = "QUOTED-PRINTABLE" in line.partition(":")[0].upper()
                    if qp and not _is_boundary(following):
                        line = line[:-1] + following
                        i += 1
                        continue
                if following[:1] in _FOLD:
                    line += following[1:]
                    i += 1
                    continue
                break
            following = lines[i]
        if following and ":" not in following and following.strip(_BLANK) and _is_base64(line):
            while i < count and ":" not in lines[i] and lines[i].strip(_BLANK):
                line += lines[i].strip()
                i += 1
        yield first, line


def _is_base64(line: str) -> bool:
    """A base64 property: vCard 2.1 `ENCODING=BASE64` or bare `BASE64`, 3.0 `ENCODING=b`."""
    head = line.partition(":")[0].upper()
    return "BASE64" in head or "ENCODING=B" in head


def _is_boundary(line: str) -> bool:
    """BEGIN:VCARD or END:VCARD, which a dangling soft break must not swallow."""
    return line.strip(_BLANK).upper() in ("END:VCARD", "BEGIN:VCARD")


def _snippet(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _stray_error(record: int, stray: tuple[int, str]) -> RecordError:
    return RecordError(record, stray[0], f"text outside a card: {_snippet(stray[1])}")


# --- parameters and values ----------------------------------------------------------------------


class _Params:
    """The parameters we use: the label their TYPE words make, PREF rank, ENCODING, CHARSET...

    Read once per distinct line head and shared by every line with that head: never changed.
    """

    __slots__ = ("label", "pref", "encoding", "charset", "omit_year", "value_type")

    def __init__(self, raw: list[list[str]]) -> None:
        types: list[str] = []
        self.pref = _NO_PREF
        self.encoding = self.charset = self.omit_year = self.value_type = ""
        for item in raw:
            name = item[0].upper()
            if len(item) == 1:  # vCard 2.1 bare word: TEL;CELL;PREF, NOTE;QUOTED-PRINTABLE
                if name in _ENCODING_WORDS:
                    self.encoding = name
                elif name == "PREF":
                    self.pref = 1
                else:
                    types.append(item[0])
            elif name == "TYPE":
                for value in item[1:]:
                    for word in value.split(","):  # 4.0 quotes lists: TYPE="work,voice"
                        word = word.strip()
                        if word.lower() == "pref":
                            self.pref = min(self.pref, 1)
                        elif word:
                            types.append(word)
            elif name == "PREF":
                try:
                    self.pref = min(self.pref, int(item[1]))
                except ValueError:
                    pass
            elif name == "ENCODING":
                self.encoding = item[1].strip().upper()
            elif name == "CHARSET":
                self.charset = item[1].strip()
            elif name == "X-APPLE-OMIT-YEAR":
                self.omit_year = item[1].strip()
            elif name == "VALUE":
                self.value_type = item[1].strip().lower()
        self.label = _type_label(types)

    def text(self, value: str, card: _Card) -> str:
        """The value decoded (quoted-printable, base64, charset) but still vCard-escaped.

        Without a CHARSET of its own a value takes the one the card names on another line.
        """
        encoding = self.encoding
        raw = card.raw
        if not encoding and (not raw or value.isascii()):
            return value
        charset = self.charset or card.charset()
        if encoding == "QUOTED-PRINTABLE":
            data = _quoted_printable(value, raw)
            return _decode_bytes(data, charset, strict=True, card=card)
        if encoding in ("B", "BASE64"):
            try:
                data = binascii.a2b_base64(value.encode("latin-1" if raw else "utf-8"))
            except (binascii.Error, UnicodeError):
                raise _BadValue("a base64 value cannot be decoded") from None
            return _decode_bytes(data, charset, strict=True, card=card)
        if raw and not value.isascii():
            return _decode_bytes(value.encode("latin-1"), charset, strict=False, card=card)
        return value


def _quoted_printable(value: str, raw: bool) -> bytes:
    if value.endswith("="):  # a soft break just before END:VCARD
        value = value[:-1]
    if _QP_BAD_ESCAPE.search(value):
        raise _BadValue(f"quoted-printable value {_snippet(value)} cannot be decoded")
    return binascii.a2b_qp(value.encode("latin-1" if raw else "utf-8"))


def _decode_bytes(data: bytes, charset: str, *, strict: bool, card: _Card) -> str:
    """Bytes in the CHARSET named; without one (or an unknown one) UTF-8, then the card's code
    page as detected from all its 8-bit text (cp1252 when nothing fits).

    `strict`: bytes that are not valid in the named charset are an error (quoted-printable and
    base64 values say exactly which bytes they mean), not a reason to guess.
    """
    if charset:
        try:
            return data.decode(charset)
        except LookupError:
            pass  # a charset Python does not know: guess as if none was named
        except (UnicodeError, ValueError):
            if strict:
                raise _BadValue(f"a value is not valid {charset} text") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode(card.code_page())
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # the five bytes cp1252 leaves undefined


@functools.lru_cache(maxsize=512)
def _detect_code_page(data: bytes) -> str:
    """The code page 8-bit text is most likely in: charset-normalizer's least chaotic candidates,
    then (names are short, so several often tie) the one whose words look most like names.

    Text that reads as plausible Western European (cp1252, the most common by far) is taken as
    that without asking the detector, which is slow next to the rest of the parser.
    """
    try:
        if _implausibility(data.decode("cp1252"), cased=False) == 0:
            return "cp1252"
    except UnicodeDecodeError:
        pass
    # Loaded only for the few cards that need a guess: an import pays its start-up otherwise.
    from charset_normalizer import from_bytes

    try:
        matches = list(from_bytes(data, cp_isolation=list(_CODE_PAGES)))
    except (LookupError, ValueError):  # pragma: no cover - the detector's own trouble
        matches = []
    if not matches:
        return "cp1252"
    least = min(m.chaos for m in matches)
    candidates = {m.encoding for m in matches if m.chaos <= least + 0.05}
    best, best_score = "cp1252", float("inf")
    for code_page in _CODE_PAGES:
        if code_page not in candidates:
            continue
        score = _implausibility(data.decode(code_page, errors="replace"))
        if score < best_score:
            best, best_score = code_page, score
    return best


def _implausibility(text: str, *, cased: bool = True) -> float:
    """How unlike names and notes a decoding looks: symbols among letters, words that mix
    scripts, Latin words made mostly of accented letters, and (`cased`) words of a cased script
    without a capital (Hebrew read as cp1251 is lower-case Cyrillic; email addresses are too)."""
    score = 0.0
    for word in re.findall(r"[^\W\d_]+", text):
        scripts: set[str] = set()
        accented = upper = 0
        for char in word:
            script = unicodedata.name(char, "X").split(" ")[0]
            scripts.add(script)
            if not char.isascii():
                accented += 1
            upper += char.isupper()
        if len(scripts) > 1:
            score += 2
        if accented and scripts == {"LATIN"} and len(word) > 2 and accented * 2 > len(word):
            score += 1
        if cased and accented and not upper and scripts <= _CASED_SCRIPTS and len(word) > 1:
            score += 0.5
    score += 2 * sum(
        1 for char in text if not char.isascii() and unicodedata.category(char)[0] in "SC"
    )
    return score


def _unescape(text: str) -> str:
    """A vCard text value unescaped (\\n, \\N, \\, \\; \\\\), line ends as \\n, stripped."""
    if "\\" in text:
        text = _ESCAPED.sub(lambda m: _UNESCAPE.get(m.group(1), m.group(0)), text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def _split(text: str, separators: str) -> list[str]:
    """`text` split at separators that are not escaped with a backslash (pieces stay escaped)."""
    if "\\" not in text:
        if len(separators) == 1:
            return text.split(separators)
        return re.split(f"[{re.escape(separators)}]", text)
    parts: list[str] = []
    begin = i = 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char in separators:
            parts.append(text[begin:i])
            begin = i + 1
        i += 1
    parts.append(text[begin:])
    return parts


def _name_part(component: str, joiner: str = " ") -> str:
    """One N component; a list of names (`Philip,Paul`) joined with spaces."""
    if "," not in component:
        return _unescape(component)
    return joiner.join(p for p in (_unescape(v) for v in _split(component, ",")) if p)


def _phone(value: str) -> str:
    """A TEL value; a tel: URI (vCard 4.0) as the number, with ";ext=22" as " ext. 22"."""
    if value[:4].lower() != "tel:":
        return value
    number, _, uri_params = value[4:].partition(";")
    ext = _TEL_EXT.search(uri_params)
    number = number.strip()
    if ext and ext.group(1).strip():
        number += f" ext. {ext.group(1).strip()}"
    return number


def _birthday(value: str, omit_year: str) -> str | None:
    """BDAY as "YYYY-MM-DD" or "--MM-DD" (year unknown); None when empty."""
    text = value.strip()
    if not text:
        return None
    year: str | None
    match = _DATE.fullmatch(text)
    if match:
        year, month, day = match.groups()
        if year == omit_year or year == "0000":  # Apple's 1604, or a zero year: no year known
            year = None
    else:
        match = _NO_YEAR_DATE.fullmatch(text)
        if not match:
            raise _BadValue(f"the birthday {_snippet(text)} is not a date")
        year = None
        month, day = match.groups()
    try:  # 2000 is a leap year, so "--02-29" passes
        date(int(year or 2000), int(month), int(day))
    except ValueError:
        raise _BadValue(f"the birthday {_snippet(text)} is not a date") from None
    return f"{year}-{month}-{day}" if year else f"--{month}-{day}"


def _type_label(types: list[str]) -> str:
    """The simple label for TYPE words: mobile, work fax, pager... ("" for none we know).

    Android writes a custom label of a vCard 2.1 property as a type word: `TEL;X-Assistant:`.
    """
    best = len(_TYPE_RANK)
    kinds = 0  # which of work (1), home (2) and fax (4) were named, to make "work fax"
    custom = ""
    for word in types:
        lower = word.lower()
        rank = _TYPE_RANK.get(lower)
        if rank is not None:
            best = min(best, rank)
            kinds |= _FAX_KINDS.get(lower, 0)
        elif not custom and lower.startswith("x-"):
            custom = word[2:].strip()
        elif not custom and lower not in _NOISE_TYPES:  # `EMAIL;TYPE=school:` keeps "school"
            custom = word.strip()
    if kinds & 4:
        return "work fax" if kinds & 1 else "home fax" if kinds & 2 else "fax"
    return _TYPE_LABELS[best] if best < len(_TYPE_LABELS) else custom


def _ab_label(text: str) -> str:
    """An X-ABLabel as a label: Apple's `_$!<Mobile>!$_` -> "mobile"; custom text as it is."""
    wrapped = _APPLE_LABEL.fullmatch(text)
    inner = wrapped.group(1).strip() if wrapped else text
    known = _KNOWN_LABELS.get(inner.lower())
    if known:
        return known
    return inner.lower() if wrapped else inner


def _first(item: tuple[int, str, str, object]) -> int:
    return item[0]


# --- one card -----------------------------------------------------------------------------------

# (PREF rank, item group, label from TYPE words, value)
_Item = tuple[int, str, str, str]
_Parts = tuple[str, str, str, str, str]  # street, city, region, postcode, country


class _Card:
    """Collects the properties of one card while its lines are read; `draft()` builds the result.

    One `_take_*` method per property we read (see `_TAKE`); they raise `_BadValue`.
    """

    __slots__ = (
        "raw",
        "card_charset",
        "lines",
        "guessed",
        "nickname",
        "organisation",
        "fn",
        "n",
        "org",
        "title",
        "notes",
        "tags",
        "birthday",
        "stage",
        "known_stages",
        "emails",
        "phones",
        "addresses",
        "labels",
    )

    def __init__(
        self,
        raw: bool,
        lines: list[tuple[int, str]],
        stages: Collection[str] = SHIPPED_STAGES,
    ) -> None:
        self.raw = raw
        self.known_stages = stages
        self.card_charset: str | None = None  # found when a value first needs it
        self.lines = lines
        self.guessed: str | None = None  # the code page detected, once a value needed it
        self.nickname = ""
        self.organisation = False
        self.fn = self.org = self.title = ""
        self.n: list[str] | None = None
        self.notes: list[str] = []
        self.tags: list[str] = []
        self.birthday: str | None = None
        self.stage: str = Stage.PROSPECT
        self.emails: list[_Item] = []
        self.phones: list[_Item] = []
        self.addresses: list[tuple[int, str, str, _Parts]] = []
        self.labels: dict[str, str] = {}  # item group -> X-ABLabel

    def charset(self) -> str:
        """The CHARSET some line of the card names ("" for none), looked for once."""
        if self.card_charset is None:
            self.card_charset = _card_charset(self.lines)
        return self.card_charset

    def code_page(self) -> str:
        """The code page of the card's 8-bit text (detected once, from all of it)."""
        if self.guessed is None:
            self.guessed = _detect_code_page(self._eight_bit())
        return self.guessed

    def _eight_bit(self) -> bytes:
        """Every non-ASCII value of the card as bytes (quoted-printable ones decoded)."""
        pieces: list[bytes] = []
        for _, line in self.lines:
            head, _, value = line.partition(":")
            try:
                if "QUOTED-PRINTABLE" in head.upper():
                    pieces.append(_quoted_printable(value, self.raw))
                elif not value.isascii():
                    pieces.append(value.encode("latin-1" if self.raw else "utf-8"))
            except (_BadValue, UnicodeError):
                continue
        return b"\n".join(p for p in pieces if not p.isascii())

    def _take_email(self, params: _Params, value: str, group: str | None) -> None:
        text = _unescape(params.text(value, self))
        if text:
            self.emails.append((params.pref, (group or "").lower(), params.label, text))

    def _take_tel(self, params: _Params, value: str, group: str | None) -> None:
        text = _phone(_unescape(params.text(value, self)))
        if not text:
            return
        label = self.labels.get((group or "").lower(), params.label)
        # (A number without a cased letter has no letters to spell with: the pattern is skipped.)
        if (
            text.lower() != text.upper()
            and _VANITY.fullmatch(text)
            and re.search("[A-Za-z]{2}", _PHONE_WORDS.sub("", text))
        ):
            # The import service takes digits only; the notes keep the number as written.
            self.notes.append(f"phone ({label}): {text}" if label else f"phone: {text}")
            return
        self.phones.append((params.pref, (group or "").lower(), params.label, text))

    def _take_adr(self, params: _Params, value: str, group: str | None) -> None:
        parts = [_unescape(p) for p in _split(params.text(value, self), ";")]
        if any(parts):
            parts += [""] * (7 - len(parts))
            box, extended, street, city, region, code, country = parts[:7]
            street = "\n".join(p for p in (street, extended, box) if p)
            address = (street, city, region, code, country)
            self.addresses.append((params.pref, (group or "").lower(), params.label, address))

    def _take_fn(self, params: _Params, value: str, group: str | None) -> None:
        if not self.fn:
            self.fn = _unescape(params.text(value, self))

    def _take_n(self, params: _Params, value: str, group: str | None) -> None:
        if self.n is None:
            parts = _split(params.text(value, self), ";")
            parts += [""] * (5 - len(parts))
            # family; given; additional; prefix; suffix ("Jr.,M.D." -> "Jr., M.D.")
            self.n = [_name_part(p) for p in parts[:4]] + [_name_part(parts[4], ", ")]

    def _take_org(self, params: _Params, value: str, group: str | None) -> None:
        if not self.org:  # organization name; then units, which we do not keep
            self.org = _unescape(_split(params.text(value, self), ";")[0])

    def _take_title(self, params: _Params, value: str, group: str | None) -> None:
        if not self.title:
            self.title = _unescape(params.text(value, self))

    def _take_note(self, params: _Params, value: str, group: str | None) -> None:
        note = _unescape(params.text(value, self))
        if note:
            self.notes.append(note)

    def _take_categories(self, params: _Params, value: str, group: str | None) -> None:
        for piece in _split(params.text(value, self), ",;"):
            tag = _unescape(piece)
            if tag and tag not in self.tags:
                self.tags.append(tag)

    def _take_bday(self, params: _Params, value: str, group: str | None) -> None:
        if params.value_type == "text":  # vCard 4.0 `BDAY;VALUE=text:circa 1800`: not a date
            text = _unescape(params.text(value, self))
            if text:
                self.notes.append(f"birthday: {text}")
        elif self.birthday is None:
            self.birthday = _birthday(params.text(value, self), params.omit_year)

    def _take_nickname(self, params: _Params, value: str, group: str | None) -> None:
        if not self.nickname:
            self.nickname = _unescape(_split(params.text(value, self), ",")[0])

    def _take_kind(self, params: _Params, value: str, group: str | None) -> None:
        # vCard 4.0 KIND:org, Apple's X-ABShowAs:COMPANY: the card is an organisation
        if value.strip().lower() in ("org", "organization", "organisation", "company"):
            self.organisation = True

    def _take_ablabel(self, params: _Params, value: str, group: str | None) -> None:
        label = _ab_label(_unescape(params.text(value, self)))
        if group and label:  # Apple's label for the other properties of its item group
            self.labels[group.lower()] = label

    def _take_stage(self, params: _Params, value: str, group: str | None) -> None:
        # Our own exporter writes it; anything this database does not know leaves the default.
        key = value.strip().lower()
        if key in self.known_stages:
            self.stage = Stage(key) if key in SHIPPED_STAGES else key

    def _labeled(self, items: list[_Item]) -> tuple[Labeled, ...]:
        if len(items) > 1:
            items.sort(key=_first)  # stable: preferred first, then file order
        labels = self.labels
        return tuple(Labeled(value, labels.get(group, label)) for _, group, label, value in items)

    def draft(self) -> ContactDraft:
        """The card as a draft. Raises _BadValue for a card with nothing to call it by.

        FN is the name when the file gives one; N's parts are the given and family names as they
        are (nothing is guessed from FN when the card has N). An organisation card (KIND:org,
        X-ABShowAs:COMPANY, or no person's name and FN the same as ORG) has no person's name:
        its name is FN (else ORG) and ORG is its company.
        """
        family, given, additional, prefix, suffix = self.n or ("", "", "", "", "")
        person = " ".join(p for p in (prefix, given, additional, family, suffix) if p)
        organisation = bool(self.org) and (
            self.organisation or (not person and self.fn.strip() in ("", self.org.strip()))
        )
        if organisation:
            given = family = ""
        emails = self._labeled(self.emails)
        phones = self._labeled(self.phones)
        self.addresses.sort(key=_first)
        labels = self.labels
        addresses = tuple(
            Address(street, city, region, code, country, labels.get(group, label))
            for _, group, label, (street, city, region, code, country) in self.addresses
        )
        name = (
            self.fn
            or (person if not organisation else "")
            or self.nickname
            or self.org
            or (emails[0].value if emails else "")
            or (phones[0].value if phones else "")
        )
        if not name:
            raise _BadValue("the card has no name")
        # Parts are guessed from FN only for a person's card that has no N at all (vCard 4.0
        # allows that); never from a nickname, an email address or a company's name.
        guess = not organisation and self.n is None and bool(self.fn)
        return ContactDraft(
            name=name,
            given_name=given,
            family_name=family,
            emails=emails,
            phones=phones,
            addresses=addresses,
            company=self.org,
            title=self.title,
            stage=self.stage,
            tags=tuple(self.tags),
            birthday=self.birthday,
            notes="\n\n".join(self.notes),
            name_parts_known=not guess,
        )


# The properties we read, by upper-cased name; all others (PHOTO, UID, URL, X-...) are skipped.
_TAKE: dict[str, Callable[[_Card, _Params, str, str | None], None]] = {
    "FN": _Card._take_fn,
    "N": _Card._take_n,
    "EMAIL": _Card._take_email,
    "TEL": _Card._take_tel,
    "ADR": _Card._take_adr,
    "ORG": _Card._take_org,
    "TITLE": _Card._take_title,
    "NOTE": _Card._take_note,
    "CATEGORIES": _Card._take_categories,
    "BDAY": _Card._take_bday,
    "X-ABLABEL": _Card._take_ablabel,
    "X-RELATIONSHIP-CRM-STAGE": _Card._take_stage,
    "NICKNAME": _Card._take_nickname,
    "KIND": _Card._take_kind,
    "X-ABSHOWAS": _Card._take_kind,
}

# What a line head reads as: upper-cased name, what takes it (None: skipped), parameters, group.
_Head = tuple[str, Callable[[_Card, _Params, str, str | None], None] | None, _Params, str | None]
