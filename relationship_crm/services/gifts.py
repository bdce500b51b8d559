"""Gifts and hospitality: what, for whom, cost and occasion, so nothing is repeated or forgotten."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from relationship_crm.domain import bounds, currencies
from relationship_crm.domain.changes import Changes, Created
from relationship_crm.domain.errors import InvalidInputError, NotFoundError
from relationship_crm.domain.records import GiftDraft, GiftView
from relationship_crm.domain.text import words
from relationship_crm.services import contacts, settings
from relationship_crm.services.common import (
    existing_meeting,
    live_contact,
    optional_line,
    required_line,
    utcnow,
)
from relationship_crm.storage.schema import Contact, Gift

MAX_COST = Decimal("10000000")


def parse_cost(text: str) -> Decimal:
    """An exact, non-negative amount with at most 4 decimals ("45", "45.50", "1,250.00")."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInputError(
            f"cost {text!r} is not an amount; use digits such as 45.50"
        ) from None
    if not amount.is_finite() or amount < 0:
        raise InvalidInputError(f"cost {text!r} must be a positive amount")
    if amount > MAX_COST:
        raise InvalidInputError(f"cost {text!r} is implausibly large")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        raise InvalidInputError(f"cost {text!r} has too many decimals")
    return amount


#: At most this many earlier gifts are named in the repeat warning.
MAX_REPEATS_SHOWN = 3


def find_repeats(item: str, given: Sequence[GiftView]) -> list[GiftView]:
    """Earlier gifts with the same item, ignoring case and accents.

    Matches when the words are equal or one item's words appear, in order, inside the other's
    ("wine" matches "Wine" and "Red wine"; "Pen" does not match "Pendant"). The gift dialog and
    `gift add` both warn with it.
    """
    typed = " ".join(words(item))
    if not typed:
        return []
    found = []
    for gift in given:
        earlier = " ".join(words(gift.item))
        if earlier and (f" {typed} " in f" {earlier} " or f" {earlier} " in f" {typed} "):
            found.append(gift)
    return found


def describe_repeats(repeats: Sequence[GiftView]) -> str:
    """ "Wine on 2026-07-01; Red wine on 2025-12-24 and 2 more": the repeat warning's text."""
    shown = "; ".join(f"{g.item} on {g.given_on.isoformat()}" for g in repeats[:MAX_REPEATS_SHOWN])
    more = len(repeats) - MAX_REPEATS_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def add(session: Session, draft: GiftDraft, *, now: datetime | None = None) -> Created:
    """Record a gift; the currency defaults to the `currency` setting. Returns the new id."""
    live_contact(session, draft.contact_id)
    if draft.meeting_id is not None:
        existing_meeting(session, draft.meeting_id)
    if draft.cost is not None and (not draft.cost.is_finite() or draft.cost < 0):
        raise InvalidInputError("a gift's cost must be a positive amount")
    bounds.check_gift_cost(draft.cost)
    bounds.check_day(draft.given_on, "the gift's date")
    currency = (
        settings.check_currency(draft.currency) if draft.currency else settings.currency(session)
    )
    if draft.cost is not None:
        currencies.check_amount_places(draft.cost, currency)
    gift = Gift(
        contact_id=draft.contact_id,
        meeting_id=draft.meeting_id,
        item=required_line(draft.item, "the gift item", max_length=300),
        occasion=optional_line(draft.occasion, "occasion", max_length=300),
        cost=draft.cost,
        currency=currency,
        given_on=draft.given_on,
        created_at=now or utcnow(),
    )
    session.add(gift)
    session.flush()
    return Created(gift.id, Changes(gifts=True))


def _existing_gift(session: Session, gift_id: int) -> Gift:
    bounds.check_id(gift_id, "gift")
    gift = session.get(Gift, gift_id)
    if gift is None:
        raise NotFoundError(f"no gift with id {gift_id}")
    return gift


def update(
    session: Session,
    gift_id: int,
    *,
    item: str | None = None,
    cost: Decimal | None = None,
    clear_cost: bool = False,
    currency: str | None = None,
    given_on: date | None = None,
    occasion: str | None = None,
) -> Changes:
    """Correct a recorded gift; only the arguments given are touched (`clear_cost` removes it)."""
    gift = _existing_gift(session, gift_id)
    if item is not None:
        gift.item = required_line(item, "the gift item", max_length=300)
    if clear_cost:
        gift.cost = None
    elif cost is not None:
        if not cost.is_finite() or cost < 0:
            raise InvalidInputError("a gift's cost must be a positive amount")
        bounds.check_gift_cost(cost)
        gift.cost = cost
    if currency is not None:
        gift.currency = (
            settings.check_currency(currency) if currency.strip() else settings.currency(session)
        )
    if given_on is not None:
        gift.given_on = bounds.check_day(given_on, "the gift's date")
    if occasion is not None:
        gift.occasion = optional_line(occasion, "occasion", max_length=300)
    session.flush()
    return Changes(gifts=True)


def delete(session: Session, gift_id: int) -> Changes:
    """Delete a gift for good."""
    session.delete(_existing_gift(session, gift_id))
    session.flush()
    return Changes(gifts=True)


def get(session: Session, gift_id: int) -> GiftView:
    """One gift (whoever it was for)."""
    gift = _existing_gift(session, gift_id)
    name = session.scalar(select(Contact.display_name).where(Contact.id == gift.contact_id)) or ""
    return GiftView(
        gift.id,
        gift.contact_id,
        name,
        gift.item,
        gift.occasion,
        gift.cost,
        gift.currency,
        gift.given_on,
        gift.meeting_id,
    )


def list_gifts(session: Session, *, contact_id: int | None = None) -> list[GiftView]:
    """Gifts, newest first; only one contact's when `contact_id` is given."""
    query = select(Gift, Contact.display_name).join(Contact, Contact.id == Gift.contact_id)
    if contact_id is not None:
        live_contact(session, contact_id)
        query = query.where(Gift.contact_id == contact_id)
    query = query.where(Contact.deleted_at.is_(None))
    query = query.order_by(Gift.given_on.desc(), Gift.id.desc())
    return [
        GiftView(
            g.id,
            g.contact_id,
            name,
            g.item,
            g.occasion,
            g.cost,
            g.currency,
            g.given_on,
            g.meeting_id,
        )
        for g, name in session.execute(query)
    ]


def yearly_totals(session: Session, *, contact_id: int, year: int) -> dict[str, Decimal]:
    """What a contact was given in a calendar year, per currency (amounts are never converted)."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    start, end = date(year, 1, 1), date(year, 12, 31)
    for gift in session.scalars(
        select(Gift).where(
            Gift.contact_id == contact_id, Gift.given_on >= start, Gift.given_on <= end
        )
    ):
        if gift.cost is not None:
            totals[gift.currency] += gift.cost
    return dict(totals)


def company_yearly_totals(session: Session, company_id: int, year: int) -> dict[str, Decimal]:
    """What all contacts of a company were given in a calendar year, per currency.

    Gift policies usually cap what a whole customer receives, not one person, so this adds up the
    gifts of every contact currently at the company. Contacts in the trash are left out, as in
    `list_gifts`; amounts are never converted between currencies.
    """
    totals: dict[str, Decimal] = defaultdict(Decimal)
    start, end = date(year, 1, 1), date(year, 12, 31)
    query = (
        select(Gift.cost, Gift.currency)
        .join(Contact, Contact.id == Gift.contact_id)
        .where(
            Contact.company_id == company_id,
            Contact.deleted_at.is_(None),
            Gift.given_on >= start,
            Gift.given_on <= end,
            Gift.cost.is_not(None),
        )
    )
    for cost, currency in session.execute(query):
        if cost is not None:  # filtered in SQL already; this narrows the type
            totals[currency] += cost
    return dict(totals)


@dataclass(frozen=True, slots=True)
class GiftHistory:
    """What the gift dialog shows when it opens, read in one transaction by `load_history`."""

    gifts: tuple[GiftView, ...]
    year: int
    contact_totals: dict[str, Decimal]
    company_name: str
    company_totals: dict[str, Decimal]
    default_currency: str


def load_history(session: Session, contact_id: int, year: int) -> GiftHistory:
    """The contact's earlier gifts and `year`'s totals for them and their company."""
    contact = contacts.get(session, contact_id)
    company_totals: dict[str, Decimal] = {}
    if contact.company_id is not None:
        company_totals = company_yearly_totals(session, contact.company_id, year)
    return GiftHistory(
        gifts=tuple(list_gifts(session, contact_id=contact_id)),
        year=year,
        contact_totals=yearly_totals(session, contact_id=contact_id, year=year),
        company_name=contact.company,
        company_totals=company_totals,
        default_currency=settings.currency(session),
    )
