"""Micro-campaigns: a segment, a letter and a follow-up per member, outcomes and results.

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
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import and_, exists, func, insert, or_, select
from sqlalchemy.orm import Session, selectinload

from relationship_crm.domain import bounds
from relationship_crm.domain.changes import Changes, Created, Outcome
from relationship_crm.domain.currencies import MINOR_UNITS, check_amount_places, check_code
from relationship_crm.domain.enums import FollowUpStatus, Stage, ThanksStatus
from relationship_crm.domain.errors import InvalidInputError, NotFoundError
from relationship_crm.domain.templating import CAMPAIGN_PLACEHOLDERS, check_template
from relationship_crm.domain.text import clean_block, clean_line, fold
from relationship_crm.domain.vocabulary import OUTCOMES as OUTCOMES
from relationship_crm.scheduling.zones import get_zone, localize
from relationship_crm.services import health, note_templates, settings, stages
from relationship_crm.services.common import live_contact, required_line, utcnow
from relationship_crm.services.thanks import (
    NotePage,
    RepDetails,
    address_lines,
    compose,
    format_address,
    long_date,
    rep_details,
)
from relationship_crm.storage.schema import (
    Campaign,
    CampaignMember,
    Company,
    Contact,
    ContactAddress,
    FollowUp,
    Meeting,
    StageChange,
    Tag,
    contact_tags,
    meeting_attendees,
)

NO_RESPONSE = "no-response"
OPTED_OUT = "opted-out"

#: Longest topic/offer text and letter, in characters.
MAX_TOPIC_CHARS = 5_000
MAX_LETTER_CHARS = 20_000

#: The keep-in-touch states a segment will filter on once the rhythms exist.
KEEP_IN_TOUCH_STATES = frozenset({"drifting", "lost"})


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


@dataclass(frozen=True, slots=True)
class _Person:
    """What a letter needs of a contact."""

    id: int
    name: str
    given_name: str
    family_name: str
    title: str
    company: str


def _letter_values(
    person: _Person, campaign: Campaign, rep: RepDetails, *, today: date, style: str
) -> dict[str, str]:
    """The value of every campaign placeholder for one member."""
    full_name = clean_line(person.name)
    return {
        "first_name": clean_line(person.given_name) or full_name,
        "last_name": clean_line(person.family_name),
        "full_name": full_name,
        "company": clean_line(person.company),
        "job_title": clean_line(person.title),
        "campaign_name": campaign.name,
        "campaign_topic": campaign.topic,
        "rep_name": rep.name,
        "rep_title": rep.title,
        "rep_company": rep.company,
        "rep_phone": rep.phone,
        "rep_email": rep.email,
        "signature": rep.sign_off,
        "date": long_date(today, style),
    }


_FIELD_ONLY_LINE = re.compile(r"[ \t]*(\{\{[^{}]*\}\}[ \t]*)+")
_FIELD = re.compile(r"\{\{(?P<name>[^{}|]*)(?:\|(?P<fallback>[^{}]*))?\}\}")


def fill_letter(template_body: str, values: dict[str, str]) -> str:
    """A campaign template filled for one member.

    A line made only of fields that are all empty (a sign-off's "{{rep_title}}" when no title
    is set) is left out rather than printed as a blank line.
    """
    kept = []
    for line in template_body.split("\n"):
        if _FIELD_ONLY_LINE.fullmatch(line) and not any(
            (values.get(m.group("name").strip()) or "").strip()
            or (m.group("fallback") or "").strip()
            for m in _FIELD.finditer(line)
        ):
            continue
        kept.append(line)
    return compose("\n".join(kept), values)


class _Writer:
    """Drafts letters and follow-ups for members of one campaign (shared by create and add)."""

    def __init__(self, session: Session, campaign: Campaign, now: datetime) -> None:
        self.session = session
        self.campaign = campaign
        self.now = now
        self.rep = rep_details(session)
        self.style = settings.date_style(session)
        self.today = now.astimezone(get_zone(settings.zone(session))).date()
        info = note_templates.get_template(session, campaign.template, note_templates.CAMPAIGN)
        self.body = info.body

    def add(self, people: Sequence[_Person], *, by_hand: bool) -> None:
        """Write a member row, its letter and (when the campaign has a time) its follow-up.

        Core INSERTs with RETURNING, in bulk: building ORM objects was most of the time of a
        5,000-member campaign (benchmarks/bench_campaign.py).
        """
        campaign, now = self.campaign, self.now
        follow_up_ids: list[int | None] = [None] * len(people)
        if people and campaign.follow_up_local is not None and campaign.follow_up_tz is not None:
            due_at = localize(campaign.follow_up_local, campaign.follow_up_tz)
            common = {
                "meeting_id": None,
                "due_at": due_at,
                "tz": campaign.follow_up_tz,
                "due_local": campaign.follow_up_local,
                "anchor_local": campaign.follow_up_local,
                "rrule": None,
                "note": f"Campaign: {campaign.name}",
                "status": FollowUpStatus.OPEN.value,
                "snoozed_until": None,
                "remind_at": due_at,
                "completed_at": None,
                "created_at": now,
                "updated_at": now,
            }
            rows = [{"contact_id": person.id, **common} for person in people]
            returned = self.session.execute(
                insert(FollowUp).returning(FollowUp.id, sort_by_parameter_order=True), rows
            )
            follow_up_ids = [row[0] for row in returned]
        members = []
        for person, follow_up_id in zip(people, follow_up_ids, strict=True):
            values = _letter_values(person, campaign, self.rep, today=self.today, style=self.style)
            members.append(
                {
                    "campaign_id": campaign.id,
                    "contact_id": person.id,
                    "body": fill_letter(self.body, values),
                    "status": ThanksStatus.DRAFT.value,
                    "drafted_at": now,
                    "printed_at": None,
                    "sent_at": None,
                    "edited_at": None,
                    "follow_up_id": follow_up_id,
                    "outcome": None,
                    "outcome_set_at": None,
                    "added_by_hand": by_hand,
                }
            )
        if members:
            self.session.execute(insert(CampaignMember), members)
        # The campaign's member list, if loaded, no longer matches the table.
        self.session.expire(campaign, ["members"])


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
    _Writer(session, campaign, now).add(
        _load_people(session, [m.contact_id for m in chosen]), by_hand=False
    )
    return Created(campaign.id, Changes(campaigns=True, follow_ups=local is not None))


def _load_people(session: Session, ids: Sequence[int]) -> list[_Person]:
    found: dict[int, _Person] = {}
    # In chunks: SQLite caps the number of bound parameters of one statement.
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in session.execute(
            select(
                Contact.id,
                Contact.display_name,
                Contact.given_name,
                Contact.family_name,
                Contact.title,
                Company.name,
            )
            .outerjoin(Company, Company.id == Contact.company_id)
            .where(Contact.id.in_(chunk))
        ):
            cid, name, given, family, title, company = row
            found[cid] = _Person(cid, name, given, family, title, company or "")
    return [found[i] for i in ids]


def preview_template(session: Session, template_text: str, *, now: datetime | None = None) -> str:
    """A campaign template's text filled with made-up member and campaign details and the rep's
    own, for the template editor. Unknown placeholders are refused as on saving."""
    check_template(template_text, CAMPAIGN_PLACEHOLDERS)
    now = now or utcnow()
    example = Campaign(
        name="the Spring Seminar",
        topic="We meet on 12 March at the Grand Hotel to look at what this year's changes mean "
        "for you.",
    )
    person = _Person(0, "Jane Doe", "Jane", "Doe", "Head of Operations", "Acme Corp")
    today = now.astimezone(get_zone(settings.zone(session))).date()
    values = _letter_values(
        person, example, rep_details(session), today=today, style=settings.date_style(session)
    )
    return fill_letter(template_text, values)


def preview_member_letter(
    session: Session,
    template: str,
    contact_id: int,
    *,
    name: str,
    topic: str,
    now: datetime | None = None,
) -> str:
    """The letter one member would get from this template, name and topic (the wizard's
    live preview); nothing is written."""
    now = now or utcnow()
    info = note_templates.get_template(session, template, note_templates.CAMPAIGN)
    (person,) = _load_people(session, [bounds.check_id(contact_id, "contact")])
    campaign = Campaign(name=clean_line(name), topic=clean_block(topic))
    today = now.astimezone(get_zone(settings.zone(session))).date()
    values = _letter_values(
        person, campaign, rep_details(session), today=today, style=settings.date_style(session)
    )
    return fill_letter(info.body, values)


# --- members ------------------------------------------------------------------------------------


def _campaign(session: Session, campaign_id: int) -> Campaign:
    bounds.check_id(campaign_id, "campaign")
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFoundError(f"no campaign with id {campaign_id}")
    return campaign


def _member(session: Session, campaign_id: int, contact_id: int) -> CampaignMember:
    _campaign(session, campaign_id)
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
    campaign = _campaign(session, campaign_id)
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
    _Writer(session, campaign, now).add(_load_people(session, [contact_id]), by_hand=True)
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
    member = _member(session, campaign_id, contact_id)
    cancelled = _cancel_follow_up(session, member, now)
    session.delete(member)
    session.flush()
    return Changes(campaigns=True, follow_ups=cancelled)


def delete(session: Session, campaign_id: int, *, now: datetime | None = None) -> Outcome[int]:
    """Delete a campaign and its letters; its open follow-ups are cancelled (their number)."""
    now = now or utcnow()
    campaign = _campaign(session, campaign_id)
    cancelled = sum(_cancel_follow_up(session, m, now) for m in campaign.members)
    session.delete(campaign)
    session.flush()
    return Outcome(cancelled, Changes(campaigns=True, follow_ups=cancelled > 0))


def update_letter(
    session: Session,
    campaign_id: int,
    contact_id: int,
    body: str,
    *,
    now: datetime | None = None,
) -> Changes:
    """Replace a member's letter with the rep's text (printed exactly so, never re-filled).

    A sent letter cannot change; a printed one edited afterwards is a draft again.
    """
    member = _member(session, campaign_id, contact_id)
    if member.status == ThanksStatus.SENT.value:
        raise InvalidInputError(f"the letter to contact {contact_id} was already sent")
    text = clean_block(body)
    if not text:
        raise InvalidInputError("a letter needs some text")
    bounds.check_length(text, "the letter", MAX_LETTER_CHARS)
    if text == member.body:
        return Changes()
    member.body = text
    member.edited_at = now or utcnow()
    member.status = ThanksStatus.DRAFT.value
    return Changes(campaigns=True)


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
    member = _member(session, campaign_id, contact_id)
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


# --- letters: print and send -------------------------------------------------------------------


def _recipient(contact: Contact) -> tuple[tuple[str, ...], bool]:
    lines = [clean_line(contact.display_name)]
    if contact.company is not None and contact.company.name:
        lines.append(clean_line(contact.company.name))
    for address in sorted(contact.addresses, key=lambda a: a.position):
        formatted = format_address(address)
        if formatted:
            return tuple(lines + formatted), True
    return tuple(lines), False


def _members_with_contacts(
    session: Session, campaign_id: int
) -> list[tuple[CampaignMember, Contact]]:
    _campaign(session, campaign_id)
    rows = session.execute(
        select(CampaignMember, Contact)
        .join(Contact, Contact.id == CampaignMember.contact_id)
        .where(CampaignMember.campaign_id == campaign_id)
        .options(selectinload(Contact.addresses), selectinload(Contact.company))
        .order_by(Contact.sort_name, Contact.id)
    )
    return [(member, contact) for member, contact in rows]


def letter_pages(
    session: Session, campaign_id: int, *, now: datetime | None = None
) -> list[NotePage]:
    """Every member's letter as printed: the stored text exactly, with letterhead and envelope.

    `note_id` of each page is the member's contact id.
    """
    now = now or utcnow()
    rep = rep_details(session)
    today = now.astimezone(get_zone(settings.zone(session))).date()
    date_line = long_date(today, settings.date_style(session))
    back = tuple(line for line in (rep.name, rep.company, *address_lines(rep.address)) if line)
    pages = []
    for member, contact in _members_with_contacts(session, campaign_id):
        recipient, has_address = _recipient(contact)
        pages.append(
            NotePage(
                note_id=contact.id,
                contact_name=contact.display_name,
                date_line=date_line,
                body=member.body,
                rep=rep,
                recipient=recipient,
                has_address=has_address,
                return_address=back,
            )
        )
    return pages


def mark_printed(session: Session, campaign_id: int, *, now: datetime | None = None) -> Changes:
    """Record that the campaign's letters were printed; a sent letter stays sent."""
    now = now or utcnow()
    for member in _campaign(session, campaign_id).members:
        member.printed_at = now
        if member.status == ThanksStatus.DRAFT.value:
            member.status = ThanksStatus.PRINTED.value
    return Changes(campaigns=True)


def mark_sent(session: Session, campaign_id: int, *, now: datetime | None = None) -> Outcome[int]:
    """Move the printed letters to sent; returns how many moved."""
    now = now or utcnow()
    moved = 0
    for member in _campaign(session, campaign_id).members:
        if member.status == ThanksStatus.PRINTED.value:
            member.status = ThanksStatus.SENT.value
            member.sent_at = now
            moved += 1
    return Outcome(moved, Changes(campaigns=moved > 0))


@dataclass(frozen=True, slots=True)
class Label:
    """One address label: the member and the lines printed on it."""

    contact_id: int
    contact_name: str
    lines: tuple[str, ...]


def labels(session: Session, campaign_id: int) -> tuple[list[Label], list[SegmentMember]]:
    """Address labels for the members with a postal address, and the members without one."""
    found: list[Label] = []
    skipped: list[SegmentMember] = []
    for _member_row, contact in _members_with_contacts(session, campaign_id):
        lines, has_address = _recipient(contact)
        if has_address:
            found.append(Label(contact.id, contact.display_name, lines))
        else:
            company = contact.company.name if contact.company is not None else ""
            skipped.append(SegmentMember(contact.id, contact.display_name, company, "", False))
    return found, skipped


# --- results -------------------------------------------------------------------------------------


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
    campaign = _campaign(session, campaign_id)
    pairs = _members_with_contacts(session, campaign_id)
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
        _lines, has_address = _recipient(contact)
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


def member_letter(session: Session, campaign_id: int, contact_id: int) -> str:
    """A member's letter text, as it prints."""
    return _member(session, campaign_id, contact_id).body
