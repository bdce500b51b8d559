"""User preferences kept in the database: time zone, currency, phone region, rep details."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from relationship_crm.domain import currencies
from relationship_crm.domain.changes import Changes
from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.text import clean_line
from relationship_crm.domain.vocabulary import KNOWN_SETTINGS as KNOWN_SETTINGS
from relationship_crm.scheduling.zones import get_zone
from relationship_crm.storage.schema import Setting

#: Longest text accepted for the rep's details (one letterhead line).
MAX_TEXT_SETTING = 200

#: Settings whose line breaks are kept (an address on an envelope, a signature under a note).
MULTI_LINE_SETTINGS = frozenset({"rep_address", "signature"})

#: Values accepted by the settings that are a choice.
CHOICES: dict[str, tuple[str, ...]] = {
    "date_style": ("us", "international"),
    "page_size": ("a4", "letter", "a6", "card"),
}


def get(session: Session, key: str) -> str | None:
    """The stored value of `key`, or None."""
    row = session.get(Setting, key)
    return row.value if row is not None else None


def all_settings(session: Session) -> dict[str, str]:
    """Every stored setting."""
    return {row.key: row.value for row in session.scalars(select(Setting).order_by(Setting.key))}


def put(session: Session, key: str, value: str) -> Changes:
    """Store a setting after checking it; an empty value removes it (back to the default)."""
    if key not in KNOWN_SETTINGS:
        raise InvalidInputError(f"unknown setting {key!r}; known: {', '.join(KNOWN_SETTINGS)}")
    value = value.strip()
    if value and key == "timezone":
        value = get_zone(value).key
    elif value and key == "currency":
        value = check_currency(value)
    elif value and key == "phone_region":
        value = value.upper()
        if len(value) != 2 or not value.isalpha():
            raise InvalidInputError(
                f"phone_region must be a two-letter country code, not {value!r}"
            )
    elif value and key == "gift_budget":
        value = parse_budget(value).text
    elif value and key in CHOICES:
        value = value.lower()
        if value not in CHOICES[key]:
            raise InvalidInputError(
                f"{key} must be one of: {', '.join(CHOICES[key])} (not {value!r})"
            )
    elif key in MULTI_LINE_SETTINGS:
        # Each line cleaned on its own; the breaks are the rep's and are printed as lines.
        value = "\n".join(filter(None, (clean_line(line) for line in value.splitlines())))
        if len(value) > MAX_TEXT_SETTING:
            raise InvalidInputError(
                f"{key} is too long ({len(value)} characters; at most {MAX_TEXT_SETTING})"
            )
    elif key.startswith("rep_") or key == "signature":
        value = clean_line(value)
        if len(value) > MAX_TEXT_SETTING:
            raise InvalidInputError(
                f"{key} is too long ({len(value)} characters; at most {MAX_TEXT_SETTING})"
            )
    row = session.get(Setting, key)
    if not value:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    return Changes(settings=True)


@dataclass(frozen=True, slots=True)
class GiftBudget:
    """The yearly gift and hospitality budget: an exact amount in one currency."""

    amount: Decimal
    currency: str

    @property
    def text(self) -> str:
        """The stored form, "1200 USD"."""
        return f"{self.amount} {self.currency}"


#: Largest yearly budget accepted (the same order as the largest gift cost).
MAX_BUDGET = Decimal("100000000")


def parse_budget(text: str) -> GiftBudget:
    """ "1200 USD" (or "USD 1200", "1,200.50 eur") as a GiftBudget; one clear line otherwise."""
    parts = text.replace(",", "").split()
    example = "write it as AMOUNT CURRENCY, e.g. 1200 USD"
    if len(parts) != 2:
        raise InvalidInputError(f"gift_budget {text.strip()!r} is not a budget; {example}")
    amount_text, code = parts if not parts[0].isalpha() else (parts[1], parts[0])
    try:
        amount = Decimal(amount_text)
    except InvalidOperation:
        raise InvalidInputError(
            f"gift_budget {text.strip()!r}: {amount_text!r} is not an amount; {example}"
        ) from None
    if not amount.is_finite() or amount <= 0:
        raise InvalidInputError(f"gift_budget must be a positive amount, not {amount_text!r}")
    if amount > MAX_BUDGET:
        raise InvalidInputError(f"gift_budget {amount_text!r} is implausibly large")
    currency = check_currency(code)
    currencies.check_amount_places(amount, currency)
    # Trailing zeros dropped ("1200.00" -> "1200"), but never written with an exponent.
    normal = amount.normalize()
    if normal == normal.to_integral_value():
        normal = normal.quantize(Decimal(1))
    return GiftBudget(normal, currency)


def gift_budget(session: Session) -> GiftBudget | None:
    """The `gift_budget` setting, or None when unset (or no longer readable)."""
    value = get(session, "gift_budget")
    if not value:
        return None
    try:
        return parse_budget(value)
    except InvalidInputError:
        return None


def check_currency(code: str) -> str:
    """A current ISO 4217 code (domain/currencies.py), returned upper-case."""
    return currencies.check_code(code)


def currency_codes() -> tuple[str, ...]:
    """Every currency code the `currency` setting accepts."""
    return tuple(currencies.MINOR_UNITS)


def phone_regions() -> tuple[tuple[str, int], ...]:
    """Every two-letter country `phone_region` may name, sorted, with its calling code."""
    import phonenumbers

    return tuple(
        (region, phonenumbers.country_code_for_region(region))
        for region in sorted(phonenumbers.SUPPORTED_REGIONS)
    )


def system_zone() -> str:
    """The machine's IANA zone (TZ variable or system setting), UTC when it cannot be found."""
    import tzlocal

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tzlocal warns when it has to guess; UTC is our fallback
        try:
            name = tzlocal.get_localzone_name()
        except Exception:  # a broken /etc/localtime must not stop the app
            name = None
    if not name:
        return "UTC"
    try:
        return get_zone(name).key
    except InvalidInputError:
        return "UTC"


def zone(session: Session) -> str:
    """The zone the rep works in: the `timezone` setting, else the system's."""
    return get(session, "timezone") or system_zone()


def currency(session: Session) -> str:
    """The default currency for gifts."""
    return get(session, "currency") or "USD"


def default_date_style(zone_name: str) -> str:
    """The date style used when none is set: "us" for a zone in the Americas, else international."""
    return "us" if zone_name.startswith("America/") else "international"


def default_page_size(style: str) -> str:
    """The paper used when none is set: US Letter with the US date style, else A4."""
    return "letter" if style == "us" else "a4"


def date_style(session: Session) -> str:
    """The date style for notes ("us" or "international"): the setting, else the zone's default."""
    return get(session, "date_style") or default_date_style(zone(session))


def page_size(session: Session) -> str:
    """The paper notes are printed on: the setting, else the default for the date style."""
    return get(session, "page_size") or default_page_size(date_style(session))


@dataclass(frozen=True, slots=True)
class StoredDetails:
    """Settings as the rep's details form shows them, read in one transaction by
    `load_details`."""

    values: dict[str, str]
    zone: str


def load_details(session: Session, keys: Iterable[str]) -> StoredDetails:
    """The stored value of every key in `keys` ("" when not set) and the rep's zone."""
    return StoredDetails(values={key: get(session, key) or "" for key in keys}, zone=zone(session))
