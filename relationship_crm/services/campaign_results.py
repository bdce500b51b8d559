"""Campaign results: responses, meetings and stage advances since a campaign began, its page.

Outcomes are set by hand (`campaigns.set_outcome`); what happened with a member after the
campaign was created is noticed here and suggests one: a meeting with them, or a stage advance
(reaching customer or further suggests a deal). The figures feed `campaign list`/`show`, the
Campaigns window and the dashboard's campaigns chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from relationship_crm.domain.currencies import MINOR_UNITS
from relationship_crm.domain.enums import FollowUpStatus, Stage, ThanksStatus
from relationship_crm.domain.vocabulary import OUTCOMES
from relationship_crm.services import stages
from relationship_crm.services.campaign_letters import members_with_contacts, recipient_lines
from relationship_crm.services.campaigns import NO_RESPONSE, campaign_row
from relationship_crm.services.common import utcnow
from relationship_crm.storage.schema import (
    Campaign,
    CampaignMember,
    FollowUp,
    Meeting,
    StageChange,
    meeting_attendees,
)


def stage_position(session: Session, key: str) -> int | None:
    """Where a stage stands in the funnel (0 = first), or None for a stage outside it.

    The stages table's order (the shipped five and those the rep added between them); `other`
    is not in the funnel.
    """
    funnel = [key for key in stages.stage_keys(session) if key != Stage.OTHER.value]
    try:
        return funnel.index(key)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class _Signals:
    """What happened with one member after the campaign began (noticed, not set by hand)."""

    first_meeting: datetime | None = None
    advanced_at: datetime | None = None
    advanced_to: str | None = None


def _signals(
    session: Session, campaign: Campaign, contact_ids: Sequence[int], now: datetime
) -> dict[int, _Signals]:
    start = campaign.created_at
    meetings: dict[int, datetime] = {}
    stage_rows: dict[int, list[tuple[datetime, str]]] = {}
    for begin in range(0, len(contact_ids), 500):
        chunk = contact_ids[begin : begin + 500]
        for cid, starts in session.execute(
            select(meeting_attendees.c.contact_id, Meeting.starts_at)
            .join(Meeting, Meeting.id == meeting_attendees.c.meeting_id)
            .where(
                meeting_attendees.c.contact_id.in_(chunk),
                Meeting.starts_at >= start,
                Meeting.starts_at <= now,
            )
        ):
            if cid not in meetings or starts < meetings[cid]:
                meetings[cid] = starts
        for cid, at, stage in session.execute(
            select(StageChange.contact_id, StageChange.changed_at, StageChange.stage)
            .where(StageChange.contact_id.in_(chunk))
            .order_by(StageChange.contact_id, StageChange.changed_at, StageChange.id)
        ):
            stage_rows.setdefault(cid, []).append((at, stage))
    result: dict[int, _Signals] = {}
    for cid in contact_ids:
        advanced_at: datetime | None = None
        furthest: tuple[int, str] | None = None
        before: int | None = None
        for at, stage in stage_rows.get(cid, []):
            position = stage_position(session, stage)
            if position is None:
                continue
            if start <= at <= now and before is not None and position > before:
                advanced_at = advanced_at or at
                if furthest is None or position > furthest[0]:
                    furthest = (position, stage)
            before = position
        advanced_to = furthest[1] if furthest is not None else None
        result[cid] = _Signals(meetings.get(cid), advanced_at, advanced_to)
    return result


def _suggestion(session: Session, signals: _Signals) -> str | None:
    """The outcome what was noticed suggests: reaching customer (or further) a deal, another
    stage advance a lead, a meeting a meeting."""
    if signals.advanced_to is not None:
        position = stage_position(session, signals.advanced_to) or 0
        customer = stage_position(session, Stage.CUSTOMER.value) or 0
        return "deal" if position >= customer else "lead"
    if signals.first_meeting is not None:
        return "meeting"
    return None


@dataclass(frozen=True, slots=True)
class MemberView:
    """A member as the campaign page and `campaign show` list them."""

    contact_id: int
    contact_name: str
    company: str
    letter_status: str
    followup_id: int | None
    followup_status: str | None
    outcome: str | None
    suggested_outcome: str | None
    added_by_hand: bool
    edited: bool
    has_address: bool
    body: str


@dataclass(frozen=True, slots=True)
class CampaignResults:
    """A campaign with its results figures.

    `printed` counts letters printed at least once (sent ones included), `sent` those sent,
    `drafts` those still drafts. `responses`: outcomes other than no-response.
    `meetings_after`: meetings with a member from the campaign's creation until now.
    `stage_moves`: members whose stage advanced in that time. `cost_per_response` is the cost
    divided by the responses (None without either). `first_result_days`: whole days from
    creation to the first response, meeting or stage advance (None before any).
    """

    id: int
    name: str
    topic: str
    template: str
    created_at: datetime
    follow_up_local: datetime | None
    follow_up_tz: str | None
    members: int
    drafts: int
    printed: int
    sent: int
    followups_done: int
    responses: int
    meetings_after: int
    stage_moves: int
    deals: int
    cost: Decimal | None
    currency: str
    cost_per_response: Decimal | None
    first_result_days: int | None
    outcomes: dict[str, int]


@dataclass(frozen=True, slots=True)
class CampaignPage:
    """A campaign and its members."""

    results: CampaignResults
    members: tuple[MemberView, ...]


def _results(
    session: Session,
    campaign: Campaign,
    members: Sequence[CampaignMember],
    signals: dict[int, _Signals],
    now: datetime,
) -> CampaignResults:
    start = campaign.created_at
    ids = [m.contact_id for m in members]
    follow_up_ids = [m.follow_up_id for m in members if m.follow_up_id is not None]
    done = 0
    for begin in range(0, len(follow_up_ids), 500):
        done += (
            session.scalar(
                select(func.count())
                .select_from(FollowUp)
                .where(
                    FollowUp.id.in_(follow_up_ids[begin : begin + 500]),
                    FollowUp.status == FollowUpStatus.DONE.value,
                )
            )
            or 0
        )
    meeting_ids: set[int] = set()
    for begin in range(0, len(ids), 500):
        meeting_ids.update(
            session.scalars(
                select(meeting_attendees.c.meeting_id)
                .join(Meeting, Meeting.id == meeting_attendees.c.meeting_id)
                .where(
                    meeting_attendees.c.contact_id.in_(ids[begin : begin + 500]),
                    Meeting.starts_at >= start,
                    Meeting.starts_at <= now,
                )
            )
        )
    outcomes = {name: 0 for name in OUTCOMES}
    firsts: list[datetime] = []
    for member in members:
        if member.outcome is not None:
            outcomes[member.outcome] = outcomes.get(member.outcome, 0) + 1
            if member.outcome != NO_RESPONSE and member.outcome_set_at is not None:
                firsts.append(member.outcome_set_at)
        seen = signals.get(member.contact_id, _Signals())
        firsts.extend(t for t in (seen.first_meeting, seen.advanced_at) if t is not None)
    responses = sum(n for name, n in outcomes.items() if name != NO_RESPONSE)
    per_response = None
    if campaign.cost is not None and responses:
        places = Decimal(1).scaleb(-_places(campaign.currency))
        per_response = (campaign.cost / responses).quantize(places)
    first_days = None
    if firsts:
        first_days = max(0, (min(firsts) - start).days)
    return CampaignResults(
        id=campaign.id,
        name=campaign.name,
        topic=campaign.topic,
        template=campaign.template,
        created_at=campaign.created_at,
        follow_up_local=campaign.follow_up_local,
        follow_up_tz=campaign.follow_up_tz,
        members=len(members),
        drafts=sum(m.status == ThanksStatus.DRAFT.value for m in members),
        printed=sum(m.printed_at is not None for m in members),
        sent=sum(m.status == ThanksStatus.SENT.value for m in members),
        followups_done=done,
        responses=responses,
        meetings_after=len(meeting_ids),
        stage_moves=sum(s.advanced_at is not None for s in signals.values()),
        deals=outcomes["deal"],
        cost=campaign.cost,
        currency=campaign.currency,
        cost_per_response=per_response,
        first_result_days=first_days,
        outcomes=outcomes,
    )


def _places(currency: str) -> int:
    return MINOR_UNITS.get(currency, 2)


def list_campaigns(session: Session, *, now: datetime | None = None) -> list[CampaignResults]:
    """Every campaign with its results figures, newest first."""
    now = now or utcnow()
    found = []
    for campaign in session.scalars(
        select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id.desc())
    ):
        members = list(campaign.members)
        signals = _signals(session, campaign, [m.contact_id for m in members], now)
        found.append(_results(session, campaign, members, signals, now))
    return found


def get_campaign(
    session: Session, campaign_id: int, *, now: datetime | None = None
) -> CampaignPage:
    """One campaign, its results and its members (by name) with suggested outcomes."""
    now = now or utcnow()
    campaign = campaign_row(session, campaign_id)
    pairs = members_with_contacts(session, campaign_id)
    members = [m for m, _ in pairs]
    signals = _signals(session, campaign, [m.contact_id for m in members], now)
    follow_up_ids = [m.follow_up_id for m in members if m.follow_up_id is not None]
    statuses: dict[int, str] = {}
    for begin in range(0, len(follow_up_ids), 500):
        for fid, status in session.execute(
            select(FollowUp.id, FollowUp.status).where(
                FollowUp.id.in_(follow_up_ids[begin : begin + 500])
            )
        ):
            statuses[fid] = status
    views = []
    for member, contact in pairs:
        _lines, has_address = recipient_lines(contact)
        views.append(
            MemberView(
                contact_id=contact.id,
                contact_name=contact.display_name,
                company=contact.company.name if contact.company is not None else "",
                letter_status=member.status,
                followup_id=member.follow_up_id,
                followup_status=statuses.get(member.follow_up_id or 0),
                outcome=member.outcome,
                suggested_outcome=_suggestion(session, signals[contact.id]),
                added_by_hand=member.added_by_hand,
                edited=member.edited_at is not None,
                has_address=has_address,
                body=member.body,
            )
        )
    return CampaignPage(_results(session, campaign, members, signals, now), tuple(views))
