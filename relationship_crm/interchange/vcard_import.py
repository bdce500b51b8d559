"""Contacts from vCard 2.1, 3.0 and 4.0 files (vCard 2.1 spec, RFC 2426, RFC 6350), as real
programs write them: Outlook, Android, iPhone, Google Contacts and our own exporter.

We split the file into cards here; the logical lines, their heads (read by vobject's
`parseLine`), the quoted-printable and charset decoding and the unescaping are `vcard_reading`'s.
This module turns each card's properties into a contact: names, labelled emails, phones and
addresses, birthday, tags. A big file repeats a few dozen heads ("EMAIL;TYPE=INTERNET,WORK"), so
each distinct head is read once; that keeps 20,000 cards well under a second.

Only structure is decoded here: values go out stripped but otherwise as written, and the import
service checks them (is this an email address?). Pure: bytes in, `ImportedContact`s out; every
problem is a `RecordError` (record number and the line its BEGIN:VCARD is on) or, for a file that
holds no card at all, an `UnknownFormatError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date

from relationship_crm.domain.enums import SHIPPED_STAGES, Stage
from relationship_crm.domain.records import Address, ContactDraft, Labeled
from relationship_crm.interchange.records import ImportedContact, RecordError, UnknownFormatError
from relationship_crm.interchange.vcard_reading import (
    BLANK,
    CODE_PAGES,
    BadValue,
    CardText,
    Params,
    decode,
    logical_lines,
    parse_head,
    snippet,
    split,
    unescape,
    value_after_head,
)

__all__ = ["VCardFile", "VCardRecordError", "VCardWarning", "parse_vcards", "read_vcards"]

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

# A phone number with letters in it (`+1-800-MYFAX`) that the service's check would refuse.
_VANITY = re.compile(r"(?=.*\d)(?=(?:.*[A-Za-z]){2})[\dA-Za-z\s+().\-/#*]+")
_PHONE_WORDS = re.compile(r"\b(?:ext|x)\b\.?", re.I)

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
_DATE = re.compile(r"([0-9]{4})-?([0-9]{2})-?([0-9]{2})(?:T[0-9:.,Z+\-]*)?")
_NO_YEAR_DATE = re.compile(r"--([0-9]{2})-?([0-9]{2})")
_TEL_EXT = re.compile(r"(?:^|;)ext=([^;]*)", re.I)


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
    text, raw = decode(data)
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
    for line_no, line in logical_lines(lines):
        if card is None:
            if line.strip(BLANK).upper() == "BEGIN:VCARD":
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
                    record, start, f"line {line_no}: unexpected END:{snippet(value)}"
                )
            contact = _read_card(record, start, card, raw, heads, strict, result.warnings, stages)
            if contact is not None:
                result.contacts.append(contact)
            card = None
        elif colon and name == "BEGIN":
            raise VCardRecordError(
                record,
                start,
                f"line {line_no}: BEGIN:{snippet(value)} inside a card that has no END:VCARD",
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
                bad(f"line {line_no} cannot be read: {snippet(line)}", f"unreadable line: {line}")
                continue
            if '"' not in head:  # else the value may not start at the first colon
                heads[head] = known
            else:
                value = value_after_head(line)
        key, take, params, group = known
        if take is not None:
            try:
                take(card, params, value, group)
            except BadValue as exc:
                what = _PROPERTY_NAMES.get(key, key.lower())
                bad(f"line {line_no}: {exc}", f"unreadable {what}: {value.strip()}")
    try:
        draft = card.draft()
    except BadValue as exc:
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
                f"{CODE_PAGES.get(card.guessed, card.guessed)} (a guess: check its names)",
            )
        )
    return ImportedContact(draft, record, start)


def _read_head(line: str) -> _Head | None:
    """What a line's head means, or None when it cannot be read (see `parse_head`)."""
    parsed = parse_head(line)
    if parsed is None:
        return None
    name, raw_params, group, legacy = parsed
    key = name.upper()
    if legacy or key.endswith("-ALL"):
        service = (legacy or name).rpartition("/")[2]
        if service.upper().endswith("-ALL"):
            service = service[:-4]
        if service.upper().startswith("X-"):
            service = service[2:]
        return (key, _legacy_taker(service.lower()), Params(raw_params), group)
    return (key, _TAKE.get(key), Params(raw_params), group)


def _legacy_taker(service: str) -> Callable[[_Card, Params, str, str | None], None] | None:
    """Old programs' `X-messaging/twitter-All:@ada`: kept in the notes as "twitter: @ada"."""
    if not service:
        return None

    def take(card: _Card, params: Params, value: str, group: str | None) -> None:
        text = unescape(params.text(value, card))
        if text:
            card.notes.append(f"{service}: {text}")

    return take


def _looks_like_vcard(line: str) -> bool:
    """A line such as `FN:Ada` or `ADR;TYPE=WORK:...`: a vCard whose BEGIN:VCARD is missing."""
    head = line.partition(":")[0].strip().upper()
    name = head.partition(";")[0].rpartition(".")[2]
    return ":" in line and (name in _TAKE or name in ("VERSION", "UID", "END", "PHOTO"))


def _stray_error(record: int, stray: tuple[int, str]) -> RecordError:
    return RecordError(record, stray[0], f"text outside a card: {snippet(stray[1])}")


def _name_part(component: str, joiner: str = " ") -> str:
    """One N component; a list of names (`Philip,Paul`) joined with spaces."""
    if "," not in component:
        return unescape(component)
    return joiner.join(p for p in (unescape(v) for v in split(component, ",")) if p)


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
            raise BadValue(f"the birthday {snippet(text)} is not a date")
        year = None
        month, day = match.groups()
    try:  # 2000 is a leap year, so "--02-29" passes
        date(int(year or 2000), int(month), int(day))
    except ValueError:
        raise BadValue(f"the birthday {snippet(text)} is not a date") from None
    return f"{year}-{month}-{day}" if year else f"--{month}-{day}"


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


class _Card(CardText):
    """Collects the properties of one card while its lines are read; `draft()` builds the result.

    One `_take_*` method per property we read (see `_TAKE`); they raise `BadValue`.
    """

    __slots__ = (
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
        super().__init__(raw, lines)
        self.known_stages = stages
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

    def _take_email(self, params: Params, value: str, group: str | None) -> None:
        text = unescape(params.text(value, self))
        if text:
            self.emails.append((params.pref, (group or "").lower(), params.label, text))

    def _take_tel(self, params: Params, value: str, group: str | None) -> None:
        text = _phone(unescape(params.text(value, self)))
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

    def _take_adr(self, params: Params, value: str, group: str | None) -> None:
        parts = [unescape(p) for p in split(params.text(value, self), ";")]
        if any(parts):
            parts += [""] * (7 - len(parts))
            box, extended, street, city, region, code, country = parts[:7]
            street = "\n".join(p for p in (street, extended, box) if p)
            address = (street, city, region, code, country)
            self.addresses.append((params.pref, (group or "").lower(), params.label, address))

    def _take_fn(self, params: Params, value: str, group: str | None) -> None:
        if not self.fn:
            self.fn = unescape(params.text(value, self))

    def _take_n(self, params: Params, value: str, group: str | None) -> None:
        if self.n is None:
            parts = split(params.text(value, self), ";")
            parts += [""] * (5 - len(parts))
            # family; given; additional; prefix; suffix ("Jr.,M.D." -> "Jr., M.D.")
            self.n = [_name_part(p) for p in parts[:4]] + [_name_part(parts[4], ", ")]

    def _take_org(self, params: Params, value: str, group: str | None) -> None:
        if not self.org:  # organization name; then units, which we do not keep
            self.org = unescape(split(params.text(value, self), ";")[0])

    def _take_title(self, params: Params, value: str, group: str | None) -> None:
        if not self.title:
            self.title = unescape(params.text(value, self))

    def _take_note(self, params: Params, value: str, group: str | None) -> None:
        note = unescape(params.text(value, self))
        if note:
            self.notes.append(note)

    def _take_categories(self, params: Params, value: str, group: str | None) -> None:
        for piece in split(params.text(value, self), ",;"):
            tag = unescape(piece)
            if tag and tag not in self.tags:
                self.tags.append(tag)

    def _take_bday(self, params: Params, value: str, group: str | None) -> None:
        if params.value_type == "text":  # vCard 4.0 `BDAY;VALUE=text:circa 1800`: not a date
            text = unescape(params.text(value, self))
            if text:
                self.notes.append(f"birthday: {text}")
        elif self.birthday is None:
            self.birthday = _birthday(params.text(value, self), params.omit_year)

    def _take_nickname(self, params: Params, value: str, group: str | None) -> None:
        if not self.nickname:
            self.nickname = unescape(split(params.text(value, self), ",")[0])

    def _take_kind(self, params: Params, value: str, group: str | None) -> None:
        # vCard 4.0 KIND:org, Apple's X-ABShowAs:COMPANY: the card is an organisation
        if value.strip().lower() in ("org", "organization", "organisation", "company"):
            self.organisation = True

    def _take_ablabel(self, params: Params, value: str, group: str | None) -> None:
        label = _ab_label(unescape(params.text(value, self)))
        if group and label:  # Apple's label for the other properties of its item group
            self.labels[group.lower()] = label

    def _take_stage(self, params: Params, value: str, group: str | None) -> None:
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
        """The card as a draft. Raises BadValue for a card with nothing to call it by.

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
            raise BadValue("the card has no name")
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
_TAKE: dict[str, Callable[[_Card, Params, str, str | None], None]] = {
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
_Head = tuple[str, Callable[[_Card, Params, str, str | None], None] | None, Params, str | None]
