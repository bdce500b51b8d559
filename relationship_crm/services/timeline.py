"""One contact's story, newest first: meetings, research, follow-ups, thank-you notes, campaign
letters, gifts and trigger events (theirs and their company's).

Also the pre-meeting brief: for every attendee of a meeting, their last meetings, research,
open follow-ups, the gifts already given and recent news about them or their company, so the rep
walks in prepared.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from relationship_crm.domain.bounds import FIRST_YEAR
from relationship_crm.domain.records import ContactView, MeetingView
from relationship_crm.services import contacts, meetings, research, trigger_events
from relationship_crm.services.common import existing_meeting, live_contact
from relationship_crm.storage.schema import (
    Campaign,
    CampaignMember,
    FollowUp,
    FollowUpCompletion,
    Gift,
    Meeting,
    ResearchNote,
    ThankYouNote,
    meeting_attendees,
)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One event in a contact's history. `kind` is a meeting kind, research, follow-up, thanks,
    gift, trigger (a trigger event about the contact or their company) or campaign (a campaign
    letter; `ref_id` is the campaign)."""

    kind: str
    when: datetime  # aware UTC
    title: str
    detail: str = ""
    ref_id: int = 0
    status: str = ""
    tz: str = "UTC"


@dataclass(frozen=True, slots=True)
class AttendeeBrief:
    """What to know about one attendee before a meeting."""

    contact_id: int
    name: str
    title: str
    company: str
    stage: str
    entries: tuple[TimelineEntry, ...]
    gifts_total: dict[str, Decimal]
    # Trigger events about the attendee or their company in the year before the meeting.
    events: tuple[trigger_events.TriggerEventView, ...] = ()


def timeline(session: Session, contact_id: int, *, limit: int | None = None) -> list[TimelineEntry]:
    """Everything that happened with a contact, newest first."""
    contact = live_contact(session, contact_id)
    entries: list[TimelineEntry] = []
    meeting_ids = select(meeting_attendees.c.meeting_id).where(
        meeting_attendees.c.contact_id == contact_id
    )
    # The attendees of every meeting in one query, not one per meeting (200 meetings, issue 18).
    found = session.scalars(
        select(Meeting).where(Meeting.id.in_(meeting_ids)).options(selectinload(Meeting.attendees))
    )
    for m in found:
        others = [c.display_name for c in m.attendees if c.id != contact_id]
        detail = m.notes
        if others:
            detail = f"With {', '.join(others)}" + (f"\n{m.notes}" if m.notes else "")
        entries.append(TimelineEntry(m.kind, m.starts_at, m.title, detail, m.id, "", m.tz))
    research_filter = [
        ResearchNote.contact_id == contact_id,
        ResearchNote.meeting_id.in_(meeting_ids),
    ]
    if contact.company_id is not None:
        research_filter.append(ResearchNote.company_id == contact.company_id)
    for n in session.scalars(select(ResearchNote).where(or_(*research_filter))):
        about = "company" if n.company_id else "meeting" if n.meeting_id else "contact"
        entries.append(
            TimelineEntry("research", n.noted_at, f"Research ({about})", n.text, n.id, "", "UTC")
        )
    for f in session.scalars(select(FollowUp).where(FollowUp.contact_id == contact_id)):
        status = f.status
        when = f.remind_at if f.status == "open" else (f.completed_at or f.updated_at)
        title = "Follow-up" + (" (repeats)" if f.rrule else "")
        entries.append(TimelineEntry("follow-up", when, title, f.note, f.id, status, f.tz))
    done = (
        select(FollowUpCompletion, FollowUp.note, FollowUp.tz)
        .join(FollowUp, FollowUp.id == FollowUpCompletion.follow_up_id)
        .where(FollowUp.contact_id == contact_id, FollowUp.rrule.is_not(None))
    )
    for c, note, tz in session.execute(done):
        entries.append(
            TimelineEntry(
                "follow-up", c.completed_at, "Followed up", note, c.follow_up_id, "done", tz
            )
        )
    thanks = (
        select(ThankYouNote, Meeting.title)
        .join(Meeting, Meeting.id == ThankYouNote.meeting_id)
        .where(ThankYouNote.contact_id == contact_id)
    )
    for t, meeting_title in session.execute(thanks):
        when = t.sent_at or t.printed_at or t.drafted_at
        entries.append(
            TimelineEntry(
                "thanks", when, f"Thank-you note: {meeting_title}", t.body, t.id, t.status, "UTC"
            )
        )
    letters = (
        select(CampaignMember, Campaign.name)
        .join(Campaign, Campaign.id == CampaignMember.campaign_id)
        .where(CampaignMember.contact_id == contact_id)
    )
    for letter, campaign_name in session.execute(letters):
        when = letter.sent_at or letter.printed_at or letter.drafted_at
        state = letter.status + (f", {letter.outcome}" if letter.outcome else "")
        entries.append(
            TimelineEntry(
                "campaign",
                when,
                f"Campaign letter: {campaign_name} [{state}]",
                letter.body,
                letter.campaign_id,
                letter.status,
                "UTC",
            )
        )
    for g in session.scalars(select(Gift).where(Gift.contact_id == contact_id)):
        cost = f" — {g.cost:.2f} {g.currency}" if g.cost is not None else ""
        when = datetime.combine(g.given_on, time(12), tzinfo=UTC)
        entries.append(
            TimelineEntry("gift", when, f"Gift: {g.item}{cost}", g.occasion, g.id, "", "UTC")
        )
    for event in trigger_events.list_events(session, contact_id=contact_id):
        title = event.kind.label
        if event.contact_id is None:
            title += f" ({event.company})"
        when = datetime.combine(event.happened_on, time(12), tzinfo=UTC)
        entries.append(TimelineEntry("trigger", when, title, event.note, event.id, "", "UTC"))
    entries.sort(key=lambda e: (e.when, e.ref_id), reverse=True)
    return entries[:limit] if limit is not None else entries


#: How far back the brief looks for news about an attendee or their company.
BRIEF_NEWS_DAYS = 365
BRIEF_NEWS_COUNT = 5


def brief(session: Session, meeting_id: int, *, per_attendee: int = 8) -> list[AttendeeBrief]:
    """The pre-meeting brief: for each attendee, recent history, gifts given and recent news."""
    meeting = existing_meeting(session, meeting_id)
    meeting_day = meeting.starts_at.date()
    since = max(meeting_day - timedelta(days=BRIEF_NEWS_DAYS), date(FIRST_YEAR, 1, 1))
    result: list[AttendeeBrief] = []
    for person in meeting.attendees:
        if person.deleted_at is not None:
            continue
        history = [
            e
            for e in timeline(session, person.id)
            if not (e.ref_id == meeting.id and e.kind == meeting.kind)
        ]
        totals: dict[str, Decimal] = {}
        for g in session.scalars(select(Gift).where(Gift.contact_id == person.id)):
            if g.cost is not None:
                totals[g.currency] = totals.get(g.currency, Decimal(0)) + g.cost
        result.append(
            AttendeeBrief(
                contact_id=person.id,
                name=person.display_name,
                title=person.title,
                company=person.company.name if person.company else "",
                stage=person.stage,
                entries=tuple(history[:per_attendee]),
                gifts_total=totals,
                events=tuple(
                    trigger_events.list_events(
                        session, contact_id=person.id, since=since, limit=BRIEF_NEWS_COUNT
                    )
                ),
            )
        )
    return result


@dataclass(frozen=True, slots=True)
class ContactHistory:
    """A contact and their timeline, newest first, read in one transaction by `load_contact`."""

    contact: ContactView
    entries: tuple[TimelineEntry, ...]


def load_contact(session: Session, contact_id: int) -> ContactHistory:
    """What the contact's page shows: the contact and their whole timeline."""
    return ContactHistory(contacts.get(session, contact_id), tuple(timeline(session, contact_id)))


@dataclass(frozen=True, slots=True)
class MeetingBrief:
    """The meeting, its attendees' briefs, its research notes' text and its own notes, read by
    `load_brief`."""

    meeting: MeetingView
    attendees: tuple[AttendeeBrief, ...]
    research: tuple[str, ...]
    notes: str = ""


def load_brief(session: Session, meeting_id: int) -> MeetingBrief:
    """What the pre-meeting brief shows, in one transaction."""
    notes = tuple(n.text for n in research.list_notes(session, meeting_id=meeting_id))
    meeting = meetings.get(session, meeting_id)
    return MeetingBrief(meeting, tuple(brief(session, meeting_id)), notes, meeting.notes)


__all__ = [
    "AttendeeBrief",
    "ContactHistory",
    "MeetingBrief",
    "TimelineEntry",
    "brief",
    "load_brief",
    "load_contact",
    "timeline",
]
