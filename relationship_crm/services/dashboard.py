"""The figures behind the dashboard and the weekly review, each one SQL aggregate (no Qt, no clock).

Every function takes `now` (an aware instant) and the rep's zone, and answers with frozen
dataclasses the chart layer draws as they are. The work is GROUP BY queries over indexed columns,
never a Python loop over contacts, so a database of 100,000 contacts answers in milliseconds
(benchmarks/bench_dashboard.py).

Three charts belong to work done beside this module (the funnel's stages and stuck contacts, the
keep-in-touch rhythms, the campaigns): `funnel`, `health`, `health_contacts` and `campaigns` are
the seams they plug into, and compute for now what today's schema knows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Float,
    Integer,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from relationship_crm.domain import bounds, currencies, timefmt
from relationship_crm.domain.enums import FollowUpStatus, ThanksStatus
from relationship_crm.scheduling.zones import day_bounds, get_zone
from relationship_crm.services import campaign_results, settings, stages
from relationship_crm.services import health as health_service
from relationship_crm.services.settings import GiftBudget
from relationship_crm.storage import portable
from relationship_crm.storage.schema import (
    Contact,
    FollowUp,
    Gift,
    Meeting,
    Tag,
    ThankYouNote,
    contact_tags,
)

#: Weeks shown after the overdue bar: this week and the seven after it.
WEEKS_AHEAD = 8
#: Months of gift spend shown, the current one last.
SPEND_MONTHS = 12
#: Recipients named beside the spend chart, per currency.
TOP_RECIPIENTS = 5
#: Age buckets of outstanding thank-you notes: (key, label, first day, last day or None).
THANKS_AGES: tuple[tuple[str, str, int, int | None], ...] = (
    ("0-1", "< 2 days", 0, 1),
    ("2-7", "2–7 days", 2, 7),
    ("8-30", "8–30 days", 8, 30),
    ("31+", "> 30 days", 31, None),
)
OVERDUE = "overdue"

# Gift costs are exact decimal text; SQLite sums them exactly as integers of 1/10000 (no cost
# has more than 4 decimals: gifts.parse_cost), and Python turns the total back into a Decimal.
_SCALE = 10_000


# --- the funnel (seam: issue 15's stages and pipeline figures) -------------------------------


@dataclass(frozen=True, slots=True)
class FunnelBar:
    """One stage of the funnel.

    `converted_pct` is the share of the contacts ever in this stage that later reached a
    further pipeline stage (None for a stage outside the pipeline or nobody ever in it);
    `stuck` is None until stages know how long a contact may stay.
    """

    stage: str
    label: str
    contacts: int
    converted_pct: float | None = None
    stuck: int | None = None


def funnel(session: Session, *, now: datetime) -> tuple[FunnelBar, ...]:
    """Live contacts per stage in funnel order (the rep's own stages included), with the
    conversion and the stuck count of `stages.pipeline` on today's date in the rep's zone."""
    today = now.astimezone(get_zone(settings.zone(session))).date()
    return tuple(
        FunnelBar(
            stage=row.stage,
            label=row.label,
            contacts=row.contacts,
            converted_pct=row.converted_pct,
            stuck=row.stuck,
        )
        for row in stages.pipeline(session, today=today)
    )


# --- follow-ups due per week -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DueWeek:
    """Open follow-ups needing the rep in one week (or overdue), one-off and recurring apart.

    `key` is "overdue" or the ISO date of the week's Monday; `start`/`end` are the instants
    the bar covers (`start` None for overdue).
    """

    key: str
    label: str
    start: datetime | None
    end: datetime
    one_off: int
    recurring: int

    @property
    def total(self) -> int:
        return self.one_off + self.recurring


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_edges(now: datetime, zone: str) -> list[tuple[str, str, datetime | None, datetime]]:
    """(key, label, start, end) of the overdue bar and the WEEKS_AHEAD weeks from `now`'s day.

    Weeks run Monday to Sunday in `zone`; the first one starts at the beginning of today there.
    Overdue is what was due before today, as in the daily list and the Reminders panel
    (`scheduling.reminders.agenda_of`): a call due at 08:00 is today's work all day.
    """
    tz = get_zone(zone)
    today = now.astimezone(tz).date()
    start = day_bounds(today, tz)[0]
    edges: list[tuple[str, str, datetime | None, datetime]] = [(OVERDUE, "Overdue", None, start)]
    monday = _monday(today)
    for week in range(WEEKS_AHEAD):
        next_monday = monday + timedelta(days=7 * (week + 1))
        end = day_bounds(next_monday, tz)[0]
        this = next_monday - timedelta(days=7)
        label = "This week" if week == 0 else timefmt.day_month(this)
        edges.append((timefmt.iso_day(this), label, start, end))
        start = end
    return edges


def due_per_week(session: Session, *, now: datetime, zone: str) -> tuple[DueWeek, ...]:
    """Open follow-ups of live contacts: overdue, then each of the next WEEKS_AHEAD weeks.

    Each open follow-up counts once, at the moment it next needs the rep (`remind_at`: the
    snooze time while snoozed; a cadence's next occurrence, since completing one moves it on).

    Example (now Thu 2026-12-03 15:00 UTC, zone UTC): a one-off due 2026-12-01 is overdue; a
    weekly cadence next due Fri 2026-12-04 counts once in "This week" (not once per
    occurrence); a one-off due Mon 2026-12-07 counts in the week of 07 Dec.
    """
    bounds.check_instant(now, "now")
    edges = week_edges(now, zone)
    bucket = case(
        *[(FollowUp.remind_at < end, index) for index, (_, _, _, end) in enumerate(edges)],
        else_=None,
    ).label("bucket")
    recurring = FollowUp.rrule.is_not(None) & (FollowUp.rrule != "")
    query = (
        select(
            bucket,
            func.sum(case((recurring, 0), else_=1)),
            func.sum(case((recurring, 1), else_=0)),
        )
        .where(
            FollowUp.status == FollowUpStatus.OPEN.value,
            FollowUp.remind_at < edges[-1][3],
            # The few trashed contacts as a list, not a join per follow-up: half the time at
            # 200,000 follow-ups (benchmarks/bench_dashboard.py).
            FollowUp.contact_id.not_in(select(Contact.id).where(Contact.deleted_at.is_not(None))),
        )
        .group_by(bucket)
    )
    found = {row[0]: (int(row[1]), int(row[2])) for row in session.execute(query)}
    return tuple(
        DueWeek(key, label, start, end, *found.get(index, (0, 0)))
        for index, (key, label, start, end) in enumerate(edges)
    )


@dataclass(frozen=True, slots=True)
class DueItem:
    """One open follow-up as the week's list shows it (due time in the rep's zone)."""

    follow_up_id: int
    contact_id: int
    contact_name: str
    due: datetime
    note: str
    recurring: bool


def follow_ups_between(
    session: Session, *, start: datetime | None, end: datetime, zone: str, limit: int = 2000
) -> list[DueItem]:
    """Open follow-ups of live contacts needing the rep in [start, end), soonest first."""
    tz = get_zone(zone)
    query = (
        select(
            FollowUp.id,
            FollowUp.contact_id,
            Contact.display_name,
            FollowUp.remind_at,
            FollowUp.note,
            FollowUp.rrule,
        )
        .join(Contact, Contact.id == FollowUp.contact_id)
        .where(
            FollowUp.status == FollowUpStatus.OPEN.value,
            Contact.deleted_at.is_(None),
            FollowUp.remind_at < end,
        )
        .order_by(FollowUp.remind_at, FollowUp.id)
        .limit(limit)
    )
    if start is not None:
        query = query.where(FollowUp.remind_at >= start)
    items = []
    for fid, cid, name, remind_at, note, rrule in session.execute(query):
        if not isinstance(remind_at, datetime) or isinstance(remind_at, bounds.UnreadableTime):
            continue  # `check` reports such rows; a list of dates cannot place them
        items.append(DueItem(fid, cid, name, remind_at.astimezone(tz), note, bool(rrule)))
    return items


def follow_ups_of_week(session: Session, key: str, *, now: datetime, zone: str) -> list[DueItem]:
    """The follow-ups behind one bar of `due_per_week` ("overdue" or a week's Monday)."""
    for edge_key, _label, start, end in week_edges(now, zone):
        if edge_key == key:
            return follow_ups_between(session, start=start, end=end, zone=zone)
    return []


# --- gift and hospitality spend ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonthSpend:
    """What was given in one month in one currency (amounts are never converted)."""

    month: date
    currency: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Recipient:
    """One of the contacts given the most in a currency over the months shown."""

    contact_id: int
    name: str
    currency: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class BudgetUse:
    """The yearly budget beside what the months shown spent in its currency."""

    amount: Decimal
    currency: str
    spent: Decimal

    @property
    def monthly(self) -> Decimal:
        """A twelfth of the yearly budget, in the currency's minor unit."""
        return _money(self.amount / 12, self.currency)

    @property
    def used_pct(self) -> float:
        return float(round(100 * self.spent / self.amount, 1)) if self.amount else 0.0


@dataclass(frozen=True, slots=True)
class SpendSummary:
    """Gift and hospitality spend per month and currency, the budget and the top recipients."""

    months: tuple[date, ...]
    spend: tuple[MonthSpend, ...]
    currencies: tuple[str, ...]
    totals: tuple[tuple[str, Decimal], ...]
    budget: BudgetUse | None
    top_recipients: tuple[Recipient, ...]

    def amount(self, month: date, currency: str) -> Decimal:
        for item in self.spend:
            if item.month == month and item.currency == currency:
                return item.amount
        return Decimal(0)


def _money(amount: Decimal, currency: str) -> Decimal:
    places = currencies.MINOR_UNITS.get(currency, 2)
    return amount.quantize(Decimal(1).scaleb(-places))


def _scaled_sum() -> Any:
    exact = func.round(cast(type_coerce(Gift.cost, Float), Float) * _SCALE)
    # 64 bits, as SQLite's INTEGER (a server's INTEGER is 32: 250,000.00 scaled overflows it).
    return func.sum(cast(exact, BigInteger))


def _from_scaled(total: int | None, currency: str) -> Decimal:
    return _money(Decimal(int(total or 0)).scaleb(-4), currency)


def spend_months(today: date) -> tuple[date, ...]:
    """The first days of the SPEND_MONTHS months ending with `today`'s, oldest first."""
    months = []
    year, month = today.year, today.month
    for _ in range(SPEND_MONTHS):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return tuple(reversed(months))


def spend_per_month(session: Session, *, now: datetime, zone: str) -> SpendSummary:
    """Gifts with a cost given in the last SPEND_MONTHS months (up to `now`'s day in `zone`).

    Example (today 2026-12-03): 40.00 USD in 2026-11, 10.50 + 9.50 USD and 5000 JPY in
    2026-12, and a gift of 2025-12-31 (outside) give Nov 40.00 USD, Dec 20.00 USD and
    5000 JPY; with gift_budget "1200 USD" the budget shows 60.00 of 1200 USD (5.0%),
    monthly 100.00.
    """
    today = now.astimezone(get_zone(zone)).date()
    months = spend_months(today)
    first, last = months[0], today
    # As text on either engine (a server's DATE column has no substr); SQLite stores it as text.
    month_of = func.substr(type_coerce(portable.as_text(session, Gift.given_on), Integer), 1, 7)
    live = and_(
        Contact.id == Gift.contact_id,
        Contact.deleted_at.is_(None),
    )
    window = (Gift.given_on >= first, Gift.given_on <= last, Gift.cost.is_not(None))
    rows = session.execute(
        select(month_of, Gift.currency, _scaled_sum())
        .join(Contact, live)
        .where(*window)
        .group_by(month_of, Gift.currency)
    ).all()
    spend = []
    totals: dict[str, Decimal] = {}
    for month_text, currency, total in rows:
        try:
            month = date(int(str(month_text)[:4]), int(str(month_text)[5:7]), 1)
        except ValueError:
            continue  # an unreadable day (written by another program) is left out
        amount = _from_scaled(total, currency)
        spend.append(MonthSpend(month, currency, amount))
        totals[currency] = totals.get(currency, Decimal(0)) + amount
    spend.sort(key=lambda item: (item.month, item.currency))
    budget_setting: GiftBudget | None = settings.gift_budget(session)
    budget = None
    if budget_setting is not None:
        spent = totals.get(budget_setting.currency, _money(Decimal(0), budget_setting.currency))
        budget = BudgetUse(budget_setting.amount, budget_setting.currency, spent)
    ranked = (
        select(
            Gift.contact_id,
            Contact.display_name,
            Gift.currency,
            _scaled_sum().label("total"),
            func.row_number()
            .over(partition_by=Gift.currency, order_by=(_scaled_sum().desc(), Gift.contact_id))
            .label("place"),
        )
        .join(Contact, live)
        .where(*window)
        # The name too: PostgreSQL wants every selected column grouped (one name per contact).
        .group_by(Gift.contact_id, Contact.display_name, Gift.currency)
        .subquery()
    )
    top = session.execute(
        select(ranked.c.contact_id, ranked.c.display_name, ranked.c.currency, ranked.c.total)
        .where(ranked.c.place <= TOP_RECIPIENTS, ranked.c.total > 0)
        .order_by(ranked.c.currency, ranked.c.place)
    ).all()
    currency_order = sorted(totals, key=lambda code: (-totals[code], code))
    if budget is not None and budget.currency in currency_order:
        currency_order.remove(budget.currency)
        currency_order.insert(0, budget.currency)
    return SpendSummary(
        months=months,
        spend=tuple(spend),
        currencies=tuple(currency_order),
        totals=tuple((code, totals[code]) for code in currency_order),
        budget=budget,
        top_recipients=tuple(
            Recipient(cid, name, code, _from_scaled(total, code)) for cid, name, code, total in top
        ),
    )


# --- thank-you notes outstanding -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ThanksAge:
    """Outstanding notes whose meeting was `first`..`last` days ago, drafts and printed apart."""

    key: str
    label: str
    drafts: int
    printed: int

    @property
    def total(self) -> int:
        return self.drafts + self.printed


def _age_days(today: date) -> Any:
    # Meetings keep their own local day ("2026-12-01 09:00"); whole days between it and today.
    return cast(
        func.julianday(literal(today.isoformat()))
        - func.julianday(func.substr(type_coerce(Meeting.starts_local, Integer), 1, 10)),
        Integer,
    )


def thanks_outstanding(session: Session, *, now: datetime, zone: str) -> tuple[ThanksAge, ...]:
    """Notes not sent yet (drafts and printed-but-unsent) by days since their meeting.

    Example (today 2026-12-03): a draft for a meeting of 2026-12-02 is "< 2 days"; a printed
    note for 2026-11-28 is "2–7 days"; a draft for 2026-10-01 is "> 30 days"; a sent note and
    the note of a trashed contact are not counted. A meeting in the future counts as "< 2 days".
    """
    today = now.astimezone(get_zone(zone)).date()
    age = _age_days(today)
    # A meeting later than today (or with an unreadable day) is as fresh as can be.
    bucket = case(
        (or_(age.is_(None), age <= THANKS_AGES[0][3]), 0),
        *[
            (age <= last, index)
            for index, (_k, _l, _f, last) in enumerate(THANKS_AGES)
            if index > 0 and last is not None
        ],
        else_=len(THANKS_AGES) - 1,
    ).label("bucket")
    rows = session.execute(
        select(
            bucket,
            func.sum(case((ThankYouNote.status == ThanksStatus.DRAFT.value, 1), else_=0)),
            func.sum(case((ThankYouNote.status == ThanksStatus.PRINTED.value, 1), else_=0)),
        )
        .join(Contact, Contact.id == ThankYouNote.contact_id)
        .join(Meeting, Meeting.id == ThankYouNote.meeting_id)
        .where(Contact.deleted_at.is_(None), ThankYouNote.status != ThanksStatus.SENT.value)
        .group_by(bucket)
    ).all()
    found = {int(row[0]): (int(row[1]), int(row[2])) for row in rows}
    return tuple(
        ThanksAge(key, label, *found.get(index, (0, 0)))
        for index, (key, label, _first, _last) in enumerate(THANKS_AGES)
    )


# --- keep-in-touch health (seam: issue 15's rhythms) -----------------------------------------


@dataclass(frozen=True, slots=True)
class HealthBar:
    """Contacts with a keep-in-touch rhythm under one tag that are drifting or lost."""

    tag: str
    drifting: int
    lost: int


#: What the health chart says while no contact has a rhythm.
NO_RHYTHMS = "No keep-in-touch rhythms yet"


def _health_rows(
    session: Session, now: datetime, zone: str
) -> list[tuple[health_service.ContactHealth, tuple[str, ...]]]:
    """Every drifting or lost contact with their tags' names (sorted; none: "(no tag)")."""
    on = now.astimezone(get_zone(zone)).date()
    found = health_service.health(session, on=on, zone=zone)
    tags: dict[int, list[str]] = {}
    ids = [h.contact_id for h in found]
    for chunk in range(0, len(ids), 900):  # SQLite's bound-parameter limit
        for contact_id, name in session.execute(
            select(contact_tags.c.contact_id, Tag.name)
            .join(Tag, Tag.id == contact_tags.c.tag_id)
            .where(contact_tags.c.contact_id.in_(ids[chunk : chunk + 900]))
        ):
            tags.setdefault(contact_id, []).append(name)
    return [(h, tuple(sorted(tags.get(h.contact_id, ())) or (NO_TAG,))) for h in found]


#: The bar of contacts with a rhythm (from their stage or their own) but no tag.
NO_TAG = "(no tag)"


def health(session: Session, *, now: datetime, zone: str) -> tuple[HealthBar, ...]:
    """Drifting and lost contacts by tag (a contact with two tags counts under both), the bars
    with the most lost first; empty (NO_RHYTHMS) while nobody is drifting or lost."""
    counts: dict[str, list[int]] = {}
    for found, tags in _health_rows(session, now, zone):
        for tag in tags:
            pair = counts.setdefault(tag, [0, 0])
            pair[0 if found.state == "drifting" else 1] += 1
    bars = [HealthBar(tag, drifting, lost) for tag, (drifting, lost) in counts.items()]
    return tuple(sorted(bars, key=lambda b: (-b.lost, -b.drifting, b.tag)))


@dataclass(frozen=True, slots=True)
class HealthContact:
    """A contact drifting away or lost (the weekly review's list)."""

    contact_id: int
    name: str
    state: str
    last_contact: date | None


def health_contacts(
    session: Session, *, now: datetime, zone: str, tag: str | None = None, state: str | None = None
) -> tuple[HealthContact, ...]:
    """The contacts behind `health`, worst first (one tag and/or state, or all)."""
    return tuple(
        HealthContact(found.contact_id, found.contact_name, found.state, found.last_touch)
        for found, tags in _health_rows(session, now, zone)
        if (tag is None or tag in tags) and (state is None or found.state == state)
    )


# --- campaigns (seam: issue 16) --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CampaignBar:
    """One campaign's results: responses, meetings and deals."""

    campaign_id: int
    name: str
    responses: int
    meetings: int
    deals: int


def campaigns(session: Session, *, now: datetime) -> tuple[CampaignBar, ...]:
    """Responses, meetings and deals per campaign, newest first
    (`campaign_results.list_campaigns`)."""
    return tuple(
        CampaignBar(c.id, c.name, c.responses, c.meetings_after, c.deals)
        for c in campaign_results.list_campaigns(session, now=now)
    )


# --- everything the dashboard and the weekly review show -------------------------------------


@dataclass(frozen=True, slots=True)
class DayItems:
    """One day of the review's week with its follow-ups."""

    day: date
    items: tuple[DueItem, ...]


@dataclass(frozen=True, slots=True)
class NoteToSend:
    """An outstanding thank-you note for the review's list."""

    note_id: int
    contact_id: int
    contact_name: str
    meeting_title: str
    meeting_day: date
    status: str


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Every figure of the dashboard, read in one transaction."""

    now: datetime
    zone: str
    funnel: tuple[FunnelBar, ...]
    due_per_week: tuple[DueWeek, ...]
    health: tuple[HealthBar, ...]
    spend: SpendSummary
    thanks_outstanding: tuple[ThanksAge, ...]
    campaigns: tuple[CampaignBar, ...]


def load(session: Session, *, now: datetime, zone: str | None = None) -> Dashboard:
    """The dashboard's figures at `now` in `zone` (default: the rep's zone setting)."""
    bounds.check_instant(now, "now")
    zone = zone or settings.zone(session)
    return Dashboard(
        now=now,
        zone=zone,
        funnel=funnel(session, now=now),
        due_per_week=due_per_week(session, now=now, zone=zone),
        health=health(session, now=now, zone=zone),
        spend=spend_per_month(session, now=now, zone=zone),
        thanks_outstanding=thanks_outstanding(session, now=now, zone=zone),
        campaigns=campaigns(session, now=now),
    )


@dataclass(frozen=True, slots=True)
class WeeklyReview:
    """The dashboard plus the lists of the printed review: the week's follow-ups by day, who is
    drifting or lost, and the notes to send."""

    dashboard: Dashboard
    first_day: date
    days: tuple[DayItems, ...]
    overdue: int
    drifting_or_lost: tuple[HealthContact, ...]
    notes_to_send: tuple[NoteToSend, ...]


#: Most notes listed by name in the review (the chart counts them all).
MAX_NOTES_LISTED = 40


def weekly_review(session: Session, *, now: datetime, zone: str | None = None) -> WeeklyReview:
    """The review of the seven days from `now`'s day in the rep's zone."""
    board = load(session, now=now, zone=zone)
    tz = get_zone(board.zone)
    first_day = now.astimezone(tz).date()
    start = day_bounds(first_day, tz)[0]
    end = day_bounds(first_day + timedelta(days=6), tz)[1]
    items = follow_ups_between(session, start=start, end=end, zone=board.zone)
    days = tuple(
        DayItems(
            first_day + timedelta(days=offset),
            tuple(i for i in items if i.due.date() == first_day + timedelta(days=offset)),
        )
        for offset in range(7)
    )
    overdue = next((w.total for w in board.due_per_week if w.key == OVERDUE), 0)
    notes = session.execute(
        select(
            ThankYouNote.id,
            ThankYouNote.contact_id,
            Contact.display_name,
            Meeting.title,
            Meeting.starts_local,
            ThankYouNote.status,
        )
        .join(Contact, Contact.id == ThankYouNote.contact_id)
        .join(Meeting, Meeting.id == ThankYouNote.meeting_id)
        .where(Contact.deleted_at.is_(None), ThankYouNote.status != ThanksStatus.SENT.value)
        .order_by(Meeting.starts_local, Contact.sort_name, ThankYouNote.id)
        .limit(MAX_NOTES_LISTED)
    ).all()
    return WeeklyReview(
        dashboard=board,
        first_day=first_day,
        days=days,
        overdue=overdue,
        drifting_or_lost=health_contacts(session, now=now, zone=board.zone),
        notes_to_send=tuple(
            NoteToSend(
                nid,
                cid,
                name,
                title,
                starts.date() if isinstance(starts, datetime) else first_day,
                status,
            )
            for nid, cid, name, title, starts, status in notes
        ),
    )


def start_of(day: date, zone: str) -> datetime:
    """The first instant of `day` in `zone` (the review of a past or future --date)."""
    return day_bounds(bounds.check_day(day, "the day"), zone)[0]


__all__ = [
    "OVERDUE",
    "CampaignBar",
    "Dashboard",
    "DueItem",
    "DueWeek",
    "FunnelBar",
    "HealthBar",
    "HealthContact",
    "SpendSummary",
    "ThanksAge",
    "WeeklyReview",
    "campaigns",
    "due_per_week",
    "funnel",
    "health",
    "health_contacts",
    "load",
    "spend_per_month",
    "thanks_outstanding",
    "weekly_review",
]
