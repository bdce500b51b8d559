"""The import's tolerant checks: a record's bad values kept in its notes, not refused (issue 14).

`salvage` checks a parsed record as `contact_fields.clean_draft` does, but keeps what cannot be
stored as written in the contact's notes and lists it as an `ImportProblem`; `strip_invisible`
removes the invisible formatting characters other programs leave in names, numbers and addresses.
Used by `services.importing`.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable

from relationship_crm.domain import bounds
from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.records import Address, ContactDraft, Labeled
from relationship_crm.domain.text import clean_block, fold
from relationship_crm.interchange.records import (
    RECORD_SKIPPED,
    ImportedContact,
    ImportProblem,
    unreadable_note,
    with_note_lines,
)
from relationship_crm.services import contact_fields
from relationship_crm.services.common import optional_line, required_line
from relationship_crm.services.contact_fields import CleanContact

# Zero-width joiners shape Persian, Indic and emoji text: kept inside a word of free text.
_JOINERS = frozenset("\u200c\u200d")


def strip_invisible(text: str, *, keep_joiners: bool = False) -> str:
    """`text` without invisible formatting characters (Unicode Cf: direction marks U+202A…,
    zero-width spaces, the BOM, soft hyphens); with `keep_joiners`, a zero-width (non-)joiner
    between two visible characters stays."""
    if not _may_hide(text):
        return text
    kept: list[str] = []
    last = len(text) - 1
    for at, ch in enumerate(text):
        if unicodedata.category(ch) != "Cf":
            kept.append(ch)
        elif (
            keep_joiners
            and ch in _JOINERS
            and 0 < at < last
            and not text[at - 1].isspace()
            and not text[at + 1].isspace()
        ):
            kept.append(ch)
    return "".join(kept)


def _may_hide(text: str) -> bool:
    """Whether `text` may hold an invisible formatting character (Unicode Cf).

    Text that is ASCII, or printable but for its line breaks and tabs, holds none (Cf is not
    printable): the character by character pass is for the few values that are not.
    """
    return not (
        text.isascii()
        or text.isprintable()
        or text.replace("\n", "").replace("\r", "").replace("\t", "").isprintable()
    )


def as_written(draft: ContactDraft, clean: CleanContact) -> CleanContact:
    """`clean` without name parts guessed from a name that is no person's: a file that gives
    an email address or the company as the name, and no parts, keeps the parts empty."""
    if draft.given_name.strip() or draft.family_name.strip():
        return clean
    if "@" in clean.name or (clean.company_key and fold(clean.name) == clean.company_key):
        return dataclasses.replace(clean, given_name="", family_name="")
    return clean


def without_invisible(draft: ContactDraft) -> ContactDraft:
    """The draft with invisible formatting characters stripped from every value."""

    every = "".join(
        (
            draft.name,
            draft.given_name,
            draft.family_name,
            draft.company,
            draft.title,
            draft.notes,
            draft.birthday or "",
            *draft.tags,
            *(e.value + e.label for e in draft.emails),
            *(p.value + p.label for p in draft.phones),
            *(
                a.street + a.city + a.region + a.postcode + a.country + a.label
                for a in draft.addresses
            ),
        )
    )
    if not _may_hide(every):  # nearly every record: nothing to strip, one test for all its text
        return draft

    def free(text: str) -> str:
        return strip_invisible(text, keep_joiners=True)

    return dataclasses.replace(
        draft,
        name=free(draft.name),
        given_name=free(draft.given_name),
        family_name=free(draft.family_name),
        emails=tuple(Labeled(strip_invisible(e.value), free(e.label)) for e in draft.emails),
        phones=tuple(Labeled(strip_invisible(p.value), free(p.label)) for p in draft.phones),
        addresses=tuple(
            Address(
                street=free(a.street),
                city=free(a.city),
                region=free(a.region),
                postcode=strip_invisible(a.postcode),
                country=free(a.country),
                label=free(a.label),
            )
            for a in draft.addresses
        ),
        company=free(draft.company),
        title=free(draft.title),
        tags=tuple(free(t) for t in draft.tags),
        birthday=None if draft.birthday is None else strip_invisible(draft.birthday),
        notes=free(draft.notes),
    )


NO_NAME = "no name, company, email or phone to name the contact by"

# (field as shown, ContactDraft attribute, longest allowed, what the check calls it)
_LINES = (
    ("given name", "given_name", 150, "given name"),
    ("family name", "family_name", 150, "family name"),
    ("company", "company", 200, "company name"),
    ("job title", "title", 200, "job title"),
)
_ADDRESS_LINES = (
    ("city", 200),
    ("region", 200),
    ("postcode", 50),
    ("country", 200),
    ("label", 50),
)


def salvage(
    item: ImportedContact, region: str | None, problems: list[ImportProblem]
) -> CleanContact | None:
    """The record checked value by value: each bad value goes to the notes and to `problems`.

    None (with the reason in `problems`) when nothing is left to name the contact by.
    """
    draft = without_invisible(item.draft)
    try:  # most records pass every check: one pass, as strict
        return as_written(draft, contact_fields.clean_draft(draft, phone_region=region))
    except InvalidInputError:
        pass
    notes: list[str] = []

    def bad(field: str, value: str, reason: str) -> None:
        problems.append(ImportProblem(item.record, item.line, field, value, reason))
        notes.append(unreadable_note(field, value))

    def labelled(
        values: tuple[Labeled, ...], what: str, check: Callable[[str], str], reason: str
    ) -> list[Labeled]:
        kept: list[Labeled] = []
        for entry in values:
            if not entry.value.strip():
                continue
            try:
                check(entry.value)
            except InvalidInputError:
                bad(what, entry.value.strip(), reason)
                continue
            label = entry.label
            try:
                optional_line(label, f"{what} label", max_length=50)
            except InvalidInputError as error:
                bad(f"{what} label", label, str(error))
                label = ""
            kept.append(Labeled(entry.value, label))
        return kept

    emails = labelled(draft.emails, "email", contact_fields.check_email, "not an email address")
    phones = labelled(draft.phones, "phone", contact_fields.check_phone, "not a phone number")
    lines: dict[str, str] = {}
    for field_name, attribute, longest, what in _LINES:
        value = getattr(draft, attribute)
        try:
            optional_line(value, what, max_length=longest)
        except InvalidInputError as error:
            bad(field_name, value, str(error))
            value = ""
        lines[attribute] = value
    birthday = draft.birthday
    try:
        contact_fields.check_birthday(birthday)
    except InvalidInputError as error:
        bad("birthday", (birthday or "").strip(), str(error))
        birthday = None
    addresses = [_salvage_address(address, bad) for address in draft.addresses]
    tags: list[str] = []
    for tag in draft.tags:
        if not tag.strip():
            continue
        try:
            tags.append(contact_fields.normalize_tag(tag))
        except InvalidInputError as error:
            bad("tag", tag, str(error))
    name = draft.name
    try:
        required_line(name, "the contact's name", max_length=300)
    except InvalidInputError as error:
        if name.strip():
            bad("name", name, str(error))
        fallbacks = [
            " ".join(p for p in (lines["given_name"], lines["family_name"]) if p.strip()),
            lines["company"],
            *(e.value for e in emails),
            *(p.value for p in phones),
        ]
        name = next((f for f in fallbacks if f.strip()), "")
    if not name.strip():
        problems.append(ImportProblem(item.record, item.line, "name", "", NO_NAME, RECORD_SKIPPED))
        return None
    text = with_note_lines(draft.notes, notes)
    if len(clean_block(text)) > bounds.MAX_NOTES:
        cut = clean_block(text)[: bounds.MAX_NOTES]
        problems.append(
            ImportProblem(
                item.record,
                item.line,
                "notes",
                cut[:40] + "…",
                f"notes are too long ({len(clean_block(text)):,} characters)",
                f"cut to {bounds.MAX_NOTES:,} characters",
            )
        )
        text = cut
    fixed = dataclasses.replace(
        draft,
        name=name,
        emails=tuple(emails),
        phones=tuple(phones),
        addresses=tuple(addresses),
        tags=tuple(tags),
        birthday=birthday,
        notes=text,
        given_name=lines["given_name"],
        family_name=lines["family_name"],
        company=lines["company"],
        title=lines["title"],
    )
    try:
        return as_written(fixed, contact_fields.clean_draft(fixed, phone_region=region))
    except InvalidInputError as error:  # a check this salvage does not know: skip, say why
        problems.append(
            ImportProblem(item.record, item.line, "record", "", str(error), RECORD_SKIPPED)
        )
        return None


def _salvage_address(address: Address, bad: Callable[[str, str, str], None]) -> Address:
    parts: dict[str, str] = {}
    for part, longest in _ADDRESS_LINES:
        value = getattr(address, part)
        try:
            optional_line(value, part, max_length=longest)
        except InvalidInputError as error:
            bad(f"address {part}", value, str(error))
            value = ""
        parts[part] = value
    return dataclasses.replace(address, **parts)
