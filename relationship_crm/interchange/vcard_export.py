"""Contacts as vCard 4.0 (RFC 6350) or 3.0 (RFC 2426) text, one card per contact.

Written by hand rather than through a library: the format is small, and this way every detail
that other programs care about is ours to get right. Values are escaped (backslash, comma,
semicolon, line breaks), lines are folded at 75 octets without splitting a UTF-8 character, and
line ends are CRLF. Labels the standard names (work, home, mobile...) become TYPE parameters;
any other label is kept Apple's way, as an item group with an X-ABLabel, which Apple, Google and
Android read. Pure: DTOs in, text out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TextIO

from relationship_crm.domain.records import Address, ContactView, Labeled

VERSIONS = ("4.0", "3.0")

# Labels written as a standard TYPE are those every reader (ours included) turns back into the
# same label; any other label ("other", "main", "assistant") goes in an Apple item group with an
# X-ABLabel, so an export imported again keeps every label exactly.
_EMAIL_TYPES = {"work": "work", "home": "home"}
_TEL_TYPES = {"work": "work", "home": "home", "mobile": "cell", "fax": "fax", "pager": "pager"}
_ADR_TYPES = {"work": "work", "home": "home"}

# Apple's way of writing a birthday without a year in vCard 3.0, which has no such date.
_NO_YEAR = "1604"


def escape(value: str) -> str:
    """A text value escaped for vCard: backslash, comma, semicolon and line breaks."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def fold(line: str) -> str:
    """A content line folded at 75 octets (CRLF + space), never inside a UTF-8 character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    start, limit = 0, 75
    while start < len(encoded):
        end = min(start + limit, len(encoded))
        while end < len(encoded) and (encoded[end] & 0xC0) == 0x80:
            end -= 1  # back off a continuation byte
        parts.append(encoded[start:end].decode("utf-8"))
        start, limit = end, 74  # continuation lines start with a space
    return "\r\n ".join(parts)


class _Card:
    """Collects the content lines of one card; `group` numbers Apple item groups."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.groups = 0

    def add(self, name: str, value: str, params: str = "") -> None:
        self.lines.append(f"{name}{params}:{value}")

    def labelled(self, name: str, item: Labeled, types: dict[str, str], version: str) -> None:
        label = item.label.strip()
        known = types.get(label.lower())
        value = escape(item.value)
        extra = ";VALUE=text" if name == "TEL" and version == "4.0" else ""
        if known is None and label:
            self.groups += 1
            group = f"item{self.groups}."
            self.add(f"{group}{name}", value, extra)
            self.add(f"{group}X-ABLabel", escape(label))
        elif known:
            self.add(name, value, f"{extra};TYPE={known}")
        else:
            self.add(name, value, extra)


def _adr(address: Address) -> str:
    # ADR: post office box; extended address; street; locality; region; postal code; country
    parts = (
        "",
        "",
        address.street,
        address.city,
        address.region,
        address.postcode,
        address.country,
    )
    return ";".join(escape(p.strip()) for p in parts)


def card(contact: ContactView, version: str = "4.0") -> str:
    """One contact as a vCard (CRLF line ends, folded)."""
    if version not in VERSIONS:
        raise ValueError(f"vCard version must be one of {VERSIONS}, not {version!r}")
    c = _Card()
    c.add("BEGIN", "VCARD")
    c.add("VERSION", version)
    c.add("FN", escape(contact.name))
    c.add("N", f"{escape(contact.family_name)};{escape(contact.given_name)};;;")
    for email in contact.emails:
        c.labelled("EMAIL", email, _EMAIL_TYPES, version)
    for phone in contact.phones:
        c.labelled("TEL", phone, _TEL_TYPES, version)
    for address in contact.addresses:
        label = address.label.strip()
        known = _ADR_TYPES.get(label.lower())
        if known is None and label:
            c.groups += 1
            group = f"item{c.groups}."
            c.add(f"{group}ADR", _adr(address))
            c.add(f"{group}X-ABLabel", escape(label))
        else:
            c.add("ADR", _adr(address), f";TYPE={known}" if known else "")
    if contact.company:
        c.add("ORG", escape(contact.company))
    if contact.title:
        c.add("TITLE", escape(contact.title))
    if contact.birthday:
        _birthday(c, contact.birthday, version)
    if contact.tags:
        c.add("CATEGORIES", ",".join(escape(tag) for tag in contact.tags))
    if contact.notes:
        c.add("NOTE", escape(contact.notes))
    c.add("X-RELATIONSHIP-CRM-STAGE", contact.stage)
    c.add("UID", f"urn:relationship-crm:contact:{contact.id}")
    if contact.updated_at is not None:
        c.add("REV", contact.updated_at.strftime("%Y%m%dT%H%M%SZ"))
    c.add("END", "VCARD")
    return "".join(fold(line) + "\r\n" for line in c.lines)


def _birthday(c: _Card, birthday: str, version: str) -> None:
    if birthday.startswith("--"):  # month and day only
        month_day = birthday[2:].replace("-", "")
        if version == "4.0":
            c.add("BDAY", f"--{month_day}")
        else:
            c.add("BDAY", f"{_NO_YEAR}-{birthday[2:]}", f";X-APPLE-OMIT-YEAR={_NO_YEAR}")
    else:
        c.add("BDAY", birthday if version == "3.0" else birthday.replace("-", ""))


def cards(contacts: Iterable[ContactView], version: str = "4.0") -> Iterator[str]:
    """The cards of several contacts, one string each."""
    for contact in contacts:
        yield card(contact, version)


def write_vcards(contacts: Iterable[ContactView], out: TextIO, version: str = "4.0") -> int:
    """Write one card per contact to `out`; returns how many."""
    written = 0
    for text in cards(contacts, version):
        out.write(text)
        written += 1
    return written
