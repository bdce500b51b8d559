"""Micro-campaigns: a segment, its members, outcomes and who opted out.

A campaign's members are frozen when it is created (`create`: one transaction writes the
campaign, its members, a letter per member filled from a campaign template and, when a time is
given, a follow-up per member at that exact wall time and zone). Members are added or removed by
hand afterwards. Letters are plain text like thank-you notes: what is stored is what is shown
and what prints (draft -> printed -> sent); a hand edit is kept. Outcomes are set by hand; a
meeting with a member after the campaign began, or a stage advance, is noticed and suggests one.

Contacts who opted out of campaigns (`set_opt_out`, or the outcome `opted-out`) and contacts in
the trash are never taken into a segment. "Contacted" means a meeting with the contact as an
attendee. The keep-in-touch filter (drifting/lost) waits for the keep-in-touch rhythms: a
segment asking for it is refused with one line.

The letters are filled in `campaign_merge`, edited, printed and sent in `campaign_letters`; a
campaign's results and its page are `campaign_results`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from relationship_crm.domain import bounds
from relationship_crm.domain.changes import Changes, Created, Outcome
from relationship_crm.domain.currencies import check_amount_places, check_code
from relationship_crm.domain.enums import FollowUpStatus
from relationship_crm.domain.errors import InvalidInputError, NotFoundError
from relationship_crm.domain.text import clean_block, clean_line, fold
from relationship_crm.domain.vocabulary import OUTCOMES as OUTCOMES
from relationship_crm.scheduling.zones import get_zone, localize
from relationship_crm.services import health, note_templates, settings, stages
from relationship_crm.services.campaign_merge import LetterWriter, load_people
from relationship_crm.services.common import UNSET, Unset, live_contact, required_line, utcnow
from relationship_crm.storage.schema import (
    Campaign,
    CampaignMember,
    Company,
    Contact,
    ContactAddress,
    FollowUp,
    Meeting,
    Tag,
    contact_tags,
    meeting_attendees,
)

NO_RESPONSE = "no-response"
OPTED_OUT = "opted-out"

#: Longest topic/offer text, in characters.
MAX_TOPIC_CHARS = 5_000

#: The keep-in-touch states a segment will filter on once the rhythms exist.
KEEP_IN_TOUCH_STATES = frozenset({"drifting", "lost"})


# --- segments ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    """Who a campaign is for: every filter given must hold (any of the values within one).

    `not_contacted_since`: no meeting with them on or after that day (the rep's zone).
    `keep_in_touch`: drifting and/or lost on `as_of` (default: today in the rep's zone).
    """

    stages: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    companies: frozenset[str] = frozenset()
    not_contacted_since: date | None = None
    has_address: bool = False
    keep_in_touch: frozenset[str] = frozenset()
    as_of: date | None = None


@dataclass(frozen=True, slots=True)
class SegmentMember:
    """One contact a segment takes."""

    contact_id: int
    name: str
    company: str
    stage: str
    has_address: bool


@dataclass(frozen=True, slots=True)
class SegmentPreview:
    """The live count and the members a segment would take now."""

    count: int
    members: tuple[SegmentMember, ...]


def _address_exists() -> object:
    return exists().where(
        ContactAddress.contact_id == Contact.id,
        or_(ContactAddress.street != "", ContactAddress.city != "", ContactAddress.postcode != ""),
    )


def _segment_query(session: Session, segment: Segment) -> object:
    conditions: list[object] = [Contact.deleted_at.is_(None), Contact.campaign_opt_out.is_(False)]
    if segment.keep_in_touch:
        unknown = sorted(segment.keep_in_touch - KEEP_IN_TOUCH_STATES)
        if unknown:
            raise InvalidInputError(
                f"unknown keep-in-touch state {unknown[0]!r}; use drifting or lost"
            )
        zone = settings.zone(session)
        day = segment.as_of or utcnow().astimezone(get_zone(zone)).date()
        wanted = [
            found.contact_id
            for found in health.health(session, on=day, zone=zone)
            if str(found.state) in segment.keep_in_touch
        ]
        conditions.append(Contact.id.in_(wanted))
    if segment.stages:
        keys = [stages.check_stage(session, raw) for raw in segment.stages]
        conditions.append(Contact.stage.in_(sorted(keys)))
    if segment.tags:
        tag_ids = []
        for raw in sorted(segment.tags):
            found = session.scalar(select(Tag.id).where(Tag.name_key == fold(clean_line(raw))))
            if found is None:
                raise NotFoundError(f"no tag called {raw!r}")
            tag_ids.append(found)
        conditions.append(
            exists().where(
                contact_tags.c.contact_id == Contact.id, contact_tags.c.tag_id.in_(tag_ids)
            )
        )
    if segment.companies:
        company_ids = []
        for raw in sorted(segment.companies):
            found = session.scalar(
                select(Company.id).where(Company.name_key == fold(clean_line(raw)))
            )
            if found is None:
                raise NotFoundError(f"no company called {raw!r}")
            company_ids.append(found)
        conditions.append(Contact.company_id.in_(company_ids))
    if segment.not_contacted_since is not None:
        day = bounds.check_day(segment.not_contacted_since, "the not-contacted-since date")
        since = localize(datetime.combine(day, time()), settings.zone(session))
        conditions.append(
            ~exists().where(
                meeting_attendees.c.contact_id == Contact.id,
                meeting_attendees.c.meeting_id == Meeting.id,
                Meeting.starts_at >= since,
            )
        )
    if segment.has_address:
        conditions.append(_address_exists())
    return and_(*conditions)  # type: ignore[arg-type]


def _segment_rows(session: Session, segment: Segment) -> list[SegmentMember]:
    where = _segment_query(session, segment)
    has_address = _address_exists().label("has_address")  # type: ignore[attr-defined]
    rows = session.execute(
        select(Contact.id, Contact.display_name, Company.name, Contact.stage, has_address)
        .outerjoin(Company, Company.id == Contact.company_id)
        .where(where)  # type: ignore[arg-type]
        .order_by(Contact.sort_name, Contact.id)
    )
    return [
        SegmentMember(cid, name, company or "", stage, bool(address))
        for cid, name, company, stage, address in rows
    ]


def preview_segment(session: Session, segment: Segment) -> SegmentPreview:
    """The count and members a segment takes now (nothing is written)."""
    members = _segment_rows(session, segment)
    return SegmentPreview(len(members), tuple(members))


# --- creating ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CampaignDraft:
    """What the rep chose in the wizard or on the command line.

    `follow_up_local` is the wall time typed, in `follow_up_tz` (default: the rep's zone); with
    none, no follow-ups are scheduled. `currency` defaults to the currency setting.
    """

    name: str
    template: str
    segment: Segment = field(default_factory=Segment)
    topic: str = ""
    cost: Decimal | None = None
    currency: str | None = None
    follow_up_local: datetime | None = None
    follow_up_tz: str | None = None


def _check_cost(cost: Decimal | None, currency: str) -> Decimal | None:
    if cost is None:
        return None
    if not cost.is_finite():
        raise InvalidInputError(f"the cost must be an amount, not {cost}")
    if cost < 0:
        raise InvalidInputError("the cost cannot be negative")
    if cost > bounds.MAX_COST:
        raise InvalidInputError(f"a campaign's cost must be at most {bounds.MAX_COST:,}")
    check_amount_places(cost, currency)
    return cost


def create(session: Session, draft: CampaignDraft, *, now: datetime | None = None) -> Created:
    """Create a campaign over its segment's members, as they are now, in one transaction.

    Each member gets a letter draft from the template and, when a follow-up time is given, a
    follow-up at that wall time in its zone (a skipped or repeated time is read as
    `followup add` reads it; `scheduling.zones.wall_time_note` says which instant).
    """
    now = now or utcnow()
    name = required_line(draft.name, "the campaign's name", max_length=bounds.MAX_NAME)
    topic = bounds.check_length(clean_block(draft.topic), "the topic", MAX_TOPIC_CHARS)
    template = note_templates.get_template(session, draft.template, note_templates.CAMPAIGN).name
    currency = check_code(draft.currency or settings.currency(session))
    cost = _check_cost(draft.cost, currency)
    local: datetime | None = None
    tz: str | None = None
    if draft.follow_up_local is not None:
        local = draft.follow_up_local.replace(second=0, microsecond=0, tzinfo=None)
        bounds.check_wall_clock(local, "the follow-up time")
        tz = get_zone(draft.follow_up_tz or settings.zone(session)).key
    elif draft.follow_up_tz:
        raise InvalidInputError("a follow-up zone needs a follow-up time")
    chosen = _segment_rows(session, draft.segment)
    if not chosen:
        raise InvalidInputError("the segment has no members; widen the filters")
    campaign = Campaign(
        name=name,
        topic=topic,
        template=template,
        cost=cost,
        currency=currency,
        follow_up_local=local,
        follow_up_tz=tz,
        created_at=now,
    )
    session.add(campaign)
    session.flush()
    LetterWriter(session, campaign, now).add(
        load_people(session, [m.contact_id for m in chosen]), by_hand=False
    )
    return Created(campaign.id, Changes(campaigns=True, follow_ups=local is not None))


# --- members ------------------------------------------------------------------------------------


def campaign_row(session: Session, campaign_id: int) -> Campaign:
    bounds.check_id(campaign_id, "campaign")
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFoundError(f"no campaign with id {campaign_id}")
    return campaign


def member_row(session: Session, campaign_id: int, contact_id: int) -> CampaignMember:
    campaign_row(session, campaign_id)
    bounds.check_id(contact_id, "contact")
    member = session.scalar(
        select(CampaignMember).where(
            CampaignMember.campaign_id == campaign_id, CampaignMember.contact_id == contact_id
        )
    )
    if member is None:
        raise NotFoundError(f"contact {contact_id} is not a member of campaign {campaign_id}")
    return member


def add_member(
    session: Session, campaign_id: int, contact_id: int, *, now: datetime | None = None
) -> Changes:
    """Add a contact by hand: a letter draft and (if the campaign has one) a follow-up too."""
    now = now or utcnow()
    campaign = campaign_row(session, campaign_id)
    contact = live_contact(session, contact_id)
    if contact.campaign_opt_out:
        raise InvalidInputError(
            f"{contact.display_name} opted out of campaigns (contact edit {contact_id} "
            "--campaigns takes them back)"
        )
    taken = session.scalar(
        select(CampaignMember.id).where(
            CampaignMember.campaign_id == campaign_id, CampaignMember.contact_id == contact_id
        )
    )
    if taken is not None:
        raise InvalidInputError(
            f"{contact.display_name} is already a member of campaign {campaign_id}"
        )
    LetterWriter(session, campaign, now).add(load_people(session, [contact_id]), by_hand=True)
    return Changes(campaigns=True, follow_ups=campaign.follow_up_local is not None)


def _cancel_follow_up(session: Session, member: CampaignMember, now: datetime) -> bool:
    if member.follow_up_id is None:
        return False
    row = session.get(FollowUp, member.follow_up_id)
    if row is None or row.status != FollowUpStatus.OPEN.value:
        return False
    row.status = FollowUpStatus.CANCELLED.value
    row.updated_at = now
    return True


def remove_member(
    session: Session, campaign_id: int, contact_id: int, *, now: datetime | None = None
) -> Changes:
    """Take a member out: their letter goes, their open follow-up is cancelled (kept in history)."""
    now = now or utcnow()
    member = member_row(session, campaign_id, contact_id)
    cancelled = _cancel_follow_up(session, member, now)
    session.delete(member)
    session.flush()
    return Changes(campaigns=True, follow_ups=cancelled)


def update(
    session: Session,
    campaign_id: int,
    *,
    name: str | None = None,
    cost: Decimal | None | Unset = UNSET,
    currency: str | None = None,
) -> Changes:
    """Correct a campaign's name, cost or currency (only what is given; `cost=None` clears the
    cost). The results' cost per reply and per win follow; the letters are not touched."""
    campaign = campaign_row(session, campaign_id)
    new_name = (
        campaign.name
        if name is None
        else required_line(name, "the campaign's name", max_length=bounds.MAX_NAME)
    )
    new_currency = campaign.currency if currency is None else check_code(currency)
    new_cost = campaign.cost if isinstance(cost, Unset) else cost
    new_cost = _check_cost(new_cost, new_currency)
    if (new_name, new_cost, new_currency) == (campaign.name, campaign.cost, campaign.currency):
        return Changes()
    campaign.name, campaign.cost, campaign.currency = new_name, new_cost, new_currency
    session.flush()
    return Changes(campaigns=True)


def delete(session: Session, campaign_id: int, *, now: datetime | None = None) -> Outcome[int]:
    """Delete a campaign and its letters; its open follow-ups are cancelled (their number)."""
    now = now or utcnow()
    campaign = campaign_row(session, campaign_id)
    cancelled = sum(_cancel_follow_up(session, m, now) for m in campaign.members)
    session.delete(campaign)
    session.flush()
    return Outcome(cancelled, Changes(campaigns=True, follow_ups=cancelled > 0))


# --- outcomes and opting out ---------------------------------------------------------------------


def parse_outcome(value: str) -> str:
    """An outcome by name; the error lists them."""
    key = value.strip().lower()
    if key not in OUTCOMES:
        raise InvalidInputError(f"unknown outcome {value!r}; use one of: {', '.join(OUTCOMES)}")
    return key


def set_outcome(
    session: Session,
    campaign_id: int,
    contact_id: int,
    outcome: str,
    *,
    now: datetime | None = None,
) -> Changes:
    """Record what came of a member; `opted-out` also keeps them out of later campaigns."""
    now = now or utcnow()
    key = parse_outcome(outcome)
    member = member_row(session, campaign_id, contact_id)
    changes = Changes(campaigns=True)
    if member.outcome != key:
        member.outcome = key
        member.outcome_set_at = now
    if key == OPTED_OUT:
        contact = session.get_one(Contact, contact_id)
        if not contact.campaign_opt_out:
            contact.campaign_opt_out = True
            contact.updated_at = now
            changes |= Changes(contacts=True)
    return changes


def set_opt_out(
    session: Session, contact_id: int, opted_out: bool, *, now: datetime | None = None
) -> Changes:
    """Keep a contact out of campaigns (True) or let them in again (False)."""
    contact = live_contact(session, contact_id)
    if contact.campaign_opt_out == opted_out:
        return Changes()
    contact.campaign_opt_out = opted_out
    contact.updated_at = now or utcnow()
    return Changes(contacts=True)
