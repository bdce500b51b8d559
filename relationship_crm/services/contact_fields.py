"""The checks of a contact's fields: stage, email, phone and its lookup key, birthday, tags, notes.

Each check trims what was typed and returns the value to store, or raises InvalidInputError
naming the field; `clean_draft` runs them all over a ContactDraft. No session here (`parse_stage`
checks a key's shape; whether the stage exists is `stages.check_stage`'s to say), so an import
or a sync checks its records before it writes, and services.contacts stores what they return.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from relationship_crm.domain import bounds
from relationship_crm.domain.enums import Stage
from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.records import Address, ContactDraft, Labeled
from relationship_crm.domain.text import clean_block, clean_line, fold, split_name
from relationship_crm.services import stages
from relationship_crm.services.common import optional_line, required_line
from relationship_crm.storage.schema import ContactAddress

# No white space, brackets or separators, and no control characters (PostgreSQL refuses NUL).
_EMAIL = re.compile(r"^[^@\s<>(),;:\"\x00-\x1f\x7f]+@[^@\s<>(),;:\"\x00-\x1f\x7f]+$")
_PHONE_CHARS = re.compile(r"[\d\s+().\-/#*,;xXextEXT.]+")
_BIRTHDAY = re.compile(r"^(?:(\d{4})|-)-(\d{2})-(\d{2})$")


def parse_stage(value: str) -> str:
    """A stage key from its name, case-insensitive (`stages.check_stage` says whether it exists).

    The shape is checked here, so code without a session (a draft being cleaned) refuses
    nonsense early; a well-formed key of no stage is refused when the contact is stored.
    """
    key = str(value).strip().lower()
    if not stages.KEY_PATTERN.fullmatch(key):
        valid = ", ".join(s.value for s in Stage)
        raise InvalidInputError(f"unknown stage {str(value)!r}; use one of: {valid}, or yours")
    return key


def check_email(value: str) -> str:
    """A plausible email address (no spaces, one @, something either side)."""
    value = value.strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    if not _EMAIL.match(value) or len(value) > 320:
        raise InvalidInputError(f"{value!r} is not an email address")
    return value


def check_phone(value: str) -> str:
    """A phone number as typed: it must contain digits, and only phone-like characters."""
    value = " ".join(value.split())
    if value.lower().startswith("tel:"):
        value = value[4:]
    digits = sum(map(str.isdigit, value))
    if digits < 3 or digits > 20 or not _PHONE_CHARS.fullmatch(value):
        raise InvalidInputError(f"{value!r} is not a phone number")
    return value


def phone_key(value: str, region: str | None) -> str:
    """E.164 form when the number can be understood (so +44 20 and 020 match), else its digits."""
    if _PLAIN_PHONE.fullmatch(value):
        # Spaces, brackets, dashes and dots mean nothing to libphonenumber: a number written
        # with only those reads as its digits do, so "+1 (415) 555-0100" and "+1.415.555.0100"
        # share one parse, once per import or sync (issue 18: 20 us a number). Not for two
        # digits or fewer, which it reads as a number only when written without punctuation.
        digits = value.translate(_NOT_DIGITS)
        if len(digits) - (value[0] == "+") > 2:
            value = digits
    return _parsed_phone_key(value, region)


_PLAIN_PHONE = re.compile(r"\+?[0-9 ().\-]{1,60}")
_NOT_DIGITS = str.maketrans("", "", " ().-")


@functools.lru_cache(maxsize=4096)
def _parsed_phone_key(value: str, region: str | None) -> str:
    # Imported here: loading it costs a listing command a tenth of its start-up (issue 18).
    import phonenumbers

    try:
        number = phonenumbers.parse(value, region)
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    return ("+" if value.strip().startswith("+") else "") + "".join(filter(str.isdigit, value))


def check_birthday(value: str | None) -> str | None:
    """ "YYYY-MM-DD" or "--MM-DD" (year unknown); a real calendar date either way."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    match = _BIRTHDAY.match(value)
    if match:
        year = int(match.group(1) or 2000)  # 2000 is a leap year: "--02-29" is a valid birthday
        try:
            day = date(year, int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
        else:
            if match.group(1):
                bounds.check_birthday_day(day, today=date.today())
            return value
    raise InvalidInputError(f"birthday {value!r} is not a date; use YYYY-MM-DD or --MM-DD")


def normalize_tag(value: str) -> str:
    """A tag as given: control characters dropped, white space collapsed (as a name's)."""
    tag = clean_line(value)
    if not tag:
        raise InvalidInputError("a tag must not be empty")
    if len(tag) > 100:
        raise InvalidInputError(f"tag {tag[:20]!r}... is too long (at most 100 characters)")
    return tag


def check_notes(notes: str) -> str:
    """Notes as a block of text (`clean_block`), at most bounds.MAX_NOTES characters."""
    cleaned = clean_block(notes)
    if len(cleaned) > bounds.MAX_NOTES:
        raise InvalidInputError(
            f"notes are too long ({len(cleaned)} characters; at most {bounds.MAX_NOTES})"
        )
    return cleaned


@dataclass(frozen=True, slots=True)
class CleanContact:
    """A draft after every check: values trimmed, keys computed, ready to store or compare."""

    name: str
    given_name: str
    family_name: str
    sort_name: str
    title: str
    stage: str
    birthday: str | None
    notes: str
    company: str
    company_key: str
    emails: tuple[CheckedValue, ...]
    phones: tuple[CheckedValue, ...]
    addresses: tuple[dict[str, str], ...]
    tags: tuple[tuple[str, str], ...]  # (name, folded key)

    @property
    def identity(self) -> tuple[str, str]:
        """Full name and company, folded: the third duplicate rule."""
        return (self.sort_name, self.company_key)


@dataclass(frozen=True, slots=True)
class CheckedValue:
    """A checked email address or phone number: as typed, its lookup key, its label."""

    value: str
    key: str
    label: str


def clean_draft(draft: ContactDraft, *, phone_region: str | None) -> CleanContact:
    """Check every field of a draft (InvalidInputError names the first bad one)."""
    name = required_line(draft.name, "the contact's name", max_length=300)
    guessed_given, guessed_family = ("", "") if draft.name_parts_known else split_name(name)
    company = optional_line(draft.company, "company name", max_length=200)
    tags: list[tuple[str, str]] = []
    for raw in draft.tags:
        tag = normalize_tag(raw)
        key = fold(tag)
        if all(k != key for _, k in tags):
            tags.append((tag, key))
    return CleanContact(
        name=name,
        given_name=optional_line(draft.given_name, "given name", max_length=150) or guessed_given,
        family_name=optional_line(draft.family_name, "family name", max_length=150)
        or guessed_family,
        sort_name=fold(name),
        title=optional_line(draft.title, "job title", max_length=200),
        stage=parse_stage(draft.stage),
        birthday=check_birthday(draft.birthday),
        notes=check_notes(draft.notes),
        company=company,
        company_key=fold(company),
        emails=tuple(clean_emails(draft.emails)),
        phones=tuple(clean_phones(draft.phones, phone_region)),
        addresses=tuple(address_fields(a) for a in draft.addresses),
        tags=tuple(tags),
    )


def clean_emails(items: Iterable[Labeled]) -> list[CheckedValue]:
    """Checked email addresses in their order, a repeat (case aside) left out."""
    result: list[CheckedValue] = []
    seen: set[str] = set()
    for item in items:
        value = check_email(item.value)
        key = value.lower()
        if key not in seen:
            seen.add(key)
            label = optional_line(item.label, "email label", max_length=50)
            result.append(CheckedValue(value, key, label))
    return result


def clean_phones(items: Iterable[Labeled], region: str | None) -> list[CheckedValue]:
    """Checked phone numbers in their order, a repeat (the same `phone_key`) left out."""
    result: list[CheckedValue] = []
    seen: set[str] = set()
    for item in items:
        value = check_phone(item.value)
        key = phone_key(value, region)
        if key not in seen:
            seen.add(key)
            label = optional_line(item.label, "phone label", max_length=50)
            result.append(CheckedValue(value, key, label))
    return result


def address_fields(address: Address) -> dict[str, str]:
    """An address's parts trimmed and checked, by column name (a ContactAddress's fields)."""
    return {
        "label": optional_line(address.label, "address label", max_length=50),
        "street": clean_block(address.street),
        "city": optional_line(address.city, "city", max_length=200),
        "region": optional_line(address.region, "region", max_length=200),
        "postcode": optional_line(address.postcode, "postcode", max_length=50),
        "country": optional_line(address.country, "country", max_length=200),
    }


def address_text(address: Address | ContactAddress) -> str:
    """An address as one text, its parts on their own lines (street lines first)."""
    town = ", ".join(
        p for p in (address.city.strip(), address.region.strip(), address.postcode.strip()) if p
    )
    parts = [*address.street.splitlines(), town, address.country.strip()]
    return "\n".join(p.strip() for p in parts if p.strip())
