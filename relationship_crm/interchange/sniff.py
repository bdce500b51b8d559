"""Which importer a file needs, judged from its first bytes; files we cannot read are named.

A rep who picks the wrong file (an Excel workbook, a PDF, a calendar) should learn what it is and
what to export instead, not see a parser's complaint about line 1.
"""

from __future__ import annotations

import re

from relationship_crm.interchange.records import UnknownFormatError

_READS = "import reads vCard (.vcf), CSV or a JSON copy from this app"

# Leading bytes of files reps are likely to pick by mistake, and what to call them.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook or a Word document is one too)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file (.xls, .doc or Outlook .msg)"),
    (b"SQLite format 3\x00", "an SQLite database (to use a backup, restore it instead)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"!BDN", "an Outlook data file (.pst); export the contacts as CSV from Outlook"),
    (b"{\\rtf", "an RTF document"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
)


def binary_name(data: bytes) -> str | None:
    """What a file is when it starts like a known binary format ("a PDF document"), or None."""
    for signature, name in _SIGNATURES:
        if data.startswith(signature):
            return name
    return None


# The first line of a vCard whose BEGIN:VCARD is missing: a property only vCard has, with or
# without parameters (`ADR;TYPE=WORK:`, `FN:`, `item1.TEL;CELL:`).
_VCARD_LINE = re.compile(
    r"(?:[A-Za-z0-9-]+\.)?(?:VERSION|FN|N|ADR|TEL|EMAIL|ORG|TITLE|BDAY|NOTE|NICKNAME|UID|"
    r"CATEGORIES|PHOTO|LABEL|REV|PRODID|KIND|END)(?:;[^:\r\n]*)?:",
    re.I,
)


def bomless_utf16(data: bytes) -> str | None:
    """ "utf-16-be" or "utf-16-le" for UTF-16 text without a byte-order mark, else None.

    Text that is mostly ASCII (as every contacts file's structure is) has a NUL in every other
    byte in UTF-16: the even bytes for big-endian, the odd ones for little-endian.
    """
    head = data[:512]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    even_nul, odd_nul = even.count(0), odd.count(0)
    if even_nul * 2 >= len(even) and odd_nul * 8 < len(odd):
        return "utf-16-be"
    if odd_nul * 2 >= len(odd) and even_nul * 8 < len(even):
        return "utf-16-le"
    return None


def _text_start(data: bytes) -> str:
    """The first characters as text, whatever the Unicode encoding, for looking at only."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace").lstrip("\ufeff \t\r\n")
    codec = bomless_utf16(head)
    if codec is not None:
        return head.decode(codec, errors="replace").lstrip("\ufeff \t\r\n")
    return head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")


def kind_of(data: bytes) -> str:
    """ "vcard", "json" or "csv" (the CSV reader has the last word); else UnknownFormatError."""
    if not data.strip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00"):
        raise UnknownFormatError(f"the file is empty; {_READS}")
    name = binary_name(data)
    if name is not None:
        raise UnknownFormatError(f"this is {name}, not contacts; {_READS}")
    start = _text_start(data)
    upper = start[:40].upper()
    if upper.startswith("BEGIN:VCARD"):
        return "vcard"
    if upper.startswith("BEGIN:VCALENDAR"):
        raise UnknownFormatError(
            f"this is an iCalendar file (calendar events), not contacts; {_READS}"
        )
    if start.startswith("{"):
        return "json"
    if start.startswith("["):
        raise UnknownFormatError(f"this JSON file is not a copy from this app; {_READS}")
    if start.startswith("<"):
        raise UnknownFormatError(f"this is an HTML or XML file, not contacts; {_READS}")
    if upper.startswith(("DN:", "VERSION: 1\n", "VERSION: 1\r")):
        raise UnknownFormatError(
            f"this is an LDIF address book; export it as vCard or CSV instead ({_READS})"
        )
    if "BEGIN:VCARD" in start.upper():
        return "vcard"  # text before the first card: the vCard reader names the line
    if _VCARD_LINE.match(start) and (
        "END:VCARD" in start.upper()
        or sum(1 for line in start.splitlines()[:5] if _VCARD_LINE.match(line)) >= 2
    ):
        return "vcard"  # a card without its BEGIN:VCARD: the vCard reader says so
    return "csv"
