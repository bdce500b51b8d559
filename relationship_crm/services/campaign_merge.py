"""Campaign letters filled from a template: each member's merge fields, and the drafts written.

Every campaign placeholder (`domain.templating.CAMPAIGN_PLACEHOLDERS`) has a value per member:
the contact's names, company and title, the campaign's name and topic, the rep's details and the
day's date in the rep's style. `LetterWriter` writes the member rows, their letters and
follow-ups in bulk for `campaigns.create` and `campaigns.add_member`; the previews fill a
template the same way without writing anything.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from relationship_crm.domain import bounds
from relationship_crm.domain.enums import FollowUpStatus, ThanksStatus
from relationship_crm.domain.templating import CAMPAIGN_PLACEHOLDERS, check_template
from relationship_crm.domain.text import clean_block, clean_line
from relationship_crm.scheduling.zones import get_zone, localize
from relationship_crm.services import note_templates, settings
from relationship_crm.services.common import utcnow
from relationship_crm.services.thanks_text import RepDetails, compose, long_date, rep_details
from relationship_crm.storage.schema import Campaign, CampaignMember, Company, Contact, FollowUp


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


class LetterWriter:
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


def load_people(session: Session, ids: Sequence[int]) -> list[_Person]:
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
    (person,) = load_people(session, [bounds.check_id(contact_id, "contact")])
    campaign = Campaign(name=clean_line(name), topic=clean_block(topic))
    today = now.astimezone(get_zone(settings.zone(session))).date()
    values = _letter_values(
        person, campaign, rep_details(session), today=today, style=settings.date_style(session)
    )
    return fill_letter(info.body, values)
