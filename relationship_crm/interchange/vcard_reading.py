"""Reading a vCard file's lines: decoding the bytes, unfolding, line heads, parameters, values.

We split the file into logical lines ourselves and let vobject's content-line parser
(`parseLine`) read each line head: name, parameters, group. `vobject.readComponents` is many
times slower on big files and misreads quoted-printable soft line breaks the way Outlook and
Android write them (measured on real files), so the splitting, the quoted-printable and charset
decoding (a vCard 2.1 card names its CHARSET on some lines only, or none: then its code page is
detected from all its 8-bit text), the unescaping and the splitting of structured values are
ours. What the properties mean for a contact is `vcard_import`'s. Pure: bytes in, text out; a
value that cannot be decoded raises `BadValue`.
"""

from __future__ import annotations

import binascii
import codecs
import functools
import re
import unicodedata
from collections.abc import Iterator

from vobject.base import ParseError, parseLine  # type: ignore[import-untyped]

from relationship_crm.interchange.sniff import bomless_utf16

_NO_PREF = 1000  # sorts after every PREF=1..100

# Characters a "blank" line may hold: old DOS tools end files with Ctrl-Z, some phones pad with NUL.
BLANK = " \t\x00\x1a\x0b\x0c"
_FOLD = (" ", "\t")

# vCard 2.1 lets an encoding stand alone as a parameter word (`NOTE;QUOTED-PRINTABLE:...`).
_ENCODING_WORDS = frozenset({"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"})

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

# The code pages a vCard 2.1 file without CHARSET is likely in (Windows first: Outlook writes
# them), most likely first: on a tie the earlier one wins.
CODE_PAGES = {
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

_QP_BAD_ESCAPE = re.compile(r"=(?![0-9A-Fa-f]{2})")


class BadValue(Exception):
    """A value of a card cannot be decoded; the card loop turns it into a RecordError."""


# --- bytes and lines ----------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, bool]:
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


def logical_lines(lines: list[str]) -> Iterator[tuple[int, str]]:
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
        if not line or (line[0] in BLANK and not line.strip(BLANK)):
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
        if following and ":" not in following and following.strip(BLANK) and _is_base64(line):
            while i < count and ":" not in lines[i] and lines[i].strip(BLANK):
                line += lines[i].strip()
                i += 1
        yield first, line


def _is_base64(line: str) -> bool:
    """A base64 property: vCard 2.1 `ENCODING=BASE64` or bare `BASE64`, 3.0 `ENCODING=b`."""
    head = line.partition(":")[0].upper()
    return "BASE64" in head or "ENCODING=B" in head


def _is_boundary(line: str) -> bool:
    """BEGIN:VCARD or END:VCARD, which a dangling soft break must not swallow."""
    return line.strip(BLANK).upper() in ("END:VCARD", "BEGIN:VCARD")


def snippet(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def parse_head(line: str) -> tuple[str, list[list[str]], str | None, str] | None:
    """A line's head as vobject reads it: (name, parameters, group, the legacy name as written
    or ""), or None when it cannot be read.

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
    return name, raw_params, group, legacy


def value_after_head(line: str) -> str:
    try:
        return str(parseLine(line)[2])
    except ParseError:
        return line.partition(":")[2]


# --- parameters and values ----------------------------------------------------------------------


class Params:
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

    def text(self, value: str, card: CardText) -> str:
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
                raise BadValue("a base64 value cannot be decoded") from None
            return _decode_bytes(data, charset, strict=True, card=card)
        if raw and not value.isascii():
            return _decode_bytes(value.encode("latin-1"), charset, strict=False, card=card)
        return value


def _quoted_printable(value: str, raw: bool) -> bytes:
    if value.endswith("="):  # a soft break just before END:VCARD
        value = value[:-1]
    if _QP_BAD_ESCAPE.search(value):
        raise BadValue(f"quoted-printable value {snippet(value)} cannot be decoded")
    return binascii.a2b_qp(value.encode("latin-1" if raw else "utf-8"))


def _decode_bytes(data: bytes, charset: str, *, strict: bool, card: CardText) -> str:
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
                raise BadValue(f"a value is not valid {charset} text") from None
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
        matches = list(from_bytes(data, cp_isolation=list(CODE_PAGES)))
    except (LookupError, ValueError):  # pragma: no cover - the detector's own trouble
        matches = []
    if not matches:
        return "cp1252"
    least = min(m.chaos for m in matches)
    candidates = {m.encoding for m in matches if m.chaos <= least + 0.05}
    best, best_score = "cp1252", float("inf")
    for code_page in CODE_PAGES:
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


def unescape(text: str) -> str:
    """A vCard text value unescaped (\\n, \\N, \\, \\; \\\\), line ends as \\n, stripped."""
    if "\\" in text:
        text = _ESCAPED.sub(lambda m: _UNESCAPE.get(m.group(1), m.group(0)), text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def split(text: str, separators: str) -> list[str]:
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


# --- one card's text -----------------------------------------------------------------------------


class CardText:
    """The text of one card as its values are decoded: the CHARSET it names and the code page of
    its 8-bit text, each found once, when a value first needs it."""

    __slots__ = ("raw", "card_charset", "lines", "guessed")

    def __init__(self, raw: bool, lines: list[tuple[int, str]]) -> None:
        self.raw = raw
        self.card_charset: str | None = None  # found when a value first needs it
        self.lines = lines
        self.guessed: str | None = None  # the code page detected, once a value needed it

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
            except (BadValue, UnicodeError):
                continue
        return b"\n".join(p for p in pieces if not p.isascii())
