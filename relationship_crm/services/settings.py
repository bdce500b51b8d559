"""User preferences kept in the database: time zone, currency, phone region, rep details.

On a team's server database (issue 20) the personal ones (`PERSONAL_SETTINGS`: a rep's name,
signature, time zone...) are each rep's own: a rep's value (`rep_settings`) overrides the team's
(`settings`), which is what a rep who set nothing gets. On a laptop's file there is one rep and
one table.
"""

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
from relationship_crm.storage import identity
from relationship_crm.storage.portable import POSTGRESQL, dialect_of
from relationship_crm.storage.schema import RepSetting, Setting

#: Longest text accepted for the rep's details (one letterhead line).
MAX_TEXT_SETTING = 200

#: Settings whose line breaks are kept (an address on an envelope, a signature under a note).
MULTI_LINE_SETTINGS = frozenset({"rep_address", "signature"})

#: Settings each rep of a team has their own of; the others (currency, company, gift budget) are
#: the team's.
PERSONAL_SETTINGS = frozenset(KNOWN_SETTINGS) - {"currency", "rep_company", "gift_budget"}

#: Values accepted by the settings that are a choice.
CHOICES: dict[str, tuple[str, ...]] = {
    "date_style": ("us", "international"),
    "page_size": ("a4", "letter", "a6", "card"),
}


def _rep(session: Session) -> str | None:
    """The rep whose personal settings apply: on a server database, the login; else None."""
    if dialect_of(session) != POSTGRESQL:
        return None
    return identity.current_rep(session)


def get(session: Session, key: str) -> str | None:
    """The stored value of `key` for this rep (their own, else the team's), or None."""
    rep = _rep(session) if key in PERSONAL_SETTINGS else None
    if rep is not None:
        own = session.get(RepSetting, (rep, key))
        if own is not None:
            return own.value
    row = session.get(Setting, key)
    return row.value if row is not None else None


def all_settings(session: Session) -> dict[str, str]:
    """Every stored setting as this rep sees it (their own values over the team's)."""
    found = team_settings(session)
    rep = _rep(session)
    if rep is not None:
        found.update(own_settings(session, rep))
    return dict(sorted(found.items()))


def team_settings(session: Session) -> dict[str, str]:
    """The settings table itself: the team's values (on a file, simply the settings)."""
    return {row.key: row.value for row in session.scalars(select(Setting).order_by(Setting.key))}


def own_settings(session: Session, rep: str) -> dict[str, str]:
    """`rep`'s own values of the personal settings."""
    query = select(RepSetting).where(RepSetting.rep == rep).order_by(RepSetting.key)
    return {row.key: row.value for row in session.scalars(query)}


def every_rep_settings(session: Session) -> dict[str, dict[str, str]]:
    """Each rep's own values, by rep (for the JSON copy of a server database)."""
    found: dict[str, dict[str, str]] = {}
    for row in session.scalars(select(RepSetting).order_by(RepSetting.rep, RepSetting.key)):
        found.setdefault(row.rep, {})[row.key] = row.value
    return found


def scope(session: Session, key: str) -> str:
    """Where this rep's value of `key` comes from: "yours" or "team" (a server), else "file"."""
    rep = _rep(session)
    if rep is None:
        return "file"
    if key in PERSONAL_SETTINGS and session.get(RepSetting, (rep, key)) is not None:
        return "yours"
    return "team"


def put(session: Session, key: str, value: str, *, team: bool = False) -> Changes:
    """Store a setting after checking it; an empty value removes it (back to the default).

    On a server database a personal setting is the rep's own unless `team` (the value every rep
    who set none gets); emptying the rep's own falls back to the team's.
    """
    value = checked(key, value)
    rep = None if team or key not in PERSONAL_SETTINGS else _rep(session)
    row: Setting | RepSetting | None = (
        session.get(Setting, key) if rep is None else session.get(RepSetting, (rep, key))
    )
    if not value:
        if row is not None:
            session.delete(row)
    elif row is not None:
        row.value = value
    elif rep is None:
        session.add(Setting(key=key, value=value))
    else:
        session.add(RepSetting(rep=rep, key=key, value=value))
    return Changes(settings=True)


def checked(key: str, value: str) -> str:
    """`value` as `key` stores it (trimmed, canonical), or InvalidInputError saying why not."""
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
    return value


def put_stored(session: Session, rep: str | None, key: str, value: str) -> None:
    """Write a value exactly as a copy holds it (`rep` None: the team's), unless one is there."""
    if key not in KNOWN_SETTINGS:
        return
    value = checked(key, value)
    if not value:
        return
    if rep is None:
        if session.get(Setting, key) is None:
            session.add(Setting(key=key, value=value))
    elif key in PERSONAL_SETTINGS and session.get(RepSetting, (rep, key)) is None:
        session.add(RepSetting(rep=rep, key=key, value=value))


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
