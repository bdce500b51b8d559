"""Logging a meeting the way the desktop dialog does: meeting, research, follow-ups and drafts.

One call, one transaction (the caller's): a follow-up the service refuses leaves no meeting behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.enums import FollowUpStatus
from relationship_crm.domain.records import (
    FollowUpDraft,
    FollowUpView,
    MeetingDraft,
    MeetingView,
    ResearchView,
)
from relationship_crm.services import followups, meetings, research, thanks, thanks_drafts


class FollowUpScope(StrEnum):
    """Who gets the follow-up when a meeting has several attendees."""

    EACH = "each"
    FIRST = "first"


@dataclass(frozen=True, slots=True)
class MeetingPlan:
    """Everything the dialog saves; `follow_up_due` is a naive wall clock in the meeting's zone."""

    meeting: MeetingDraft
    follow_up_due: datetime | None = None
    follow_up_note: str = ""
    follow_up_cadence: str | None = None
    follow_up_scope: FollowUpScope = FollowUpScope.EACH
    draft_thanks: bool = True


@dataclass(frozen=True, slots=True)
class LoggedMeeting:
    """What `save_plan` wrote."""

    meeting_id: int
    follow_up_ids: tuple[int, ...]
    thanks_ids: tuple[int, ...]
    research: bool
    changes: Changes


def save_plan(session: Session, plan: MeetingPlan, *, now: datetime) -> LoggedMeeting:
    """Log the meeting with its follow-ups and thank-you drafts.

    Only service calls: the caller's transaction makes the whole plan all-or-nothing, so a
    follow-up the service refuses also leaves no meeting behind.
    """
    logged = meetings.log(session, plan.meeting, now=now)
    meeting_id, changes = logged.id, logged.changes
    follow_up_ids: list[int] = []
    if plan.follow_up_due is not None:
        attendees = list(dict.fromkeys(plan.meeting.attendee_ids))
        if plan.follow_up_scope is FollowUpScope.FIRST:
            attendees = attendees[:1]
        for contact_id in attendees:
            draft = FollowUpDraft(
                contact_id=contact_id,
                due_local=plan.follow_up_due,
                tz=plan.meeting.tz,
                note=plan.follow_up_note,
                meeting_id=meeting_id,
                cadence=plan.follow_up_cadence,
            )
            added = followups.add(session, draft, now=now)
            follow_up_ids.append(added.id)
            changes |= added.changes
    thanks_ids: list[int] = []
    if plan.draft_thanks:
        drafted = thanks_drafts.draft_for_meeting(session, meeting_id, now=now)
        thanks_ids, changes = drafted.value, changes | drafted.changes
    return LoggedMeeting(
        meeting_id,
        tuple(follow_up_ids),
        tuple(thanks_ids),
        bool(plan.meeting.research.strip()),
        changes,
    )


@dataclass(frozen=True, slots=True)
class MeetingDetails:
    """A meeting whole: the meeting, its research, and the follow-ups and notes that came of it."""

    meeting: MeetingView
    research: tuple[ResearchView, ...]
    follow_ups: tuple[FollowUpView, ...]
    thanks: tuple[thanks.ThanksView, ...]


def load_details(session: Session, meeting_id: int) -> MeetingDetails:
    """Everything recorded about one meeting, in one transaction (follow-ups in any status)."""
    meeting = meetings.get(session, meeting_id)
    return MeetingDetails(
        meeting=meeting,
        research=tuple(research.list_notes(session, meeting_id=meeting_id)),
        follow_ups=tuple(
            followups.list_follow_ups(
                session, meeting_id=meeting_id, statuses=tuple(FollowUpStatus)
            )
        ),
        thanks=tuple(thanks.list_notes(session, meeting_id=meeting_id)),
    )
