"""Enumerations of the domain: contact stages, meeting kinds and record statuses."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """Where a contact stands: a *prospect* may need us some day; a *lead* is shopping now."""

    PROSPECT = "prospect"
    LEAD = "lead"
    CUSTOMER = "customer"
    PARTNER = "partner"
    OTHER = "other"


#: The stage keys every database ships with, in funnel order (the rep may add more).
SHIPPED_STAGES: tuple[str, ...] = tuple(s.value for s in Stage)


class MeetingKind(StrEnum):
    """What sort of touch point a meeting was."""

    MEETING = "meeting"
    CALL = "call"
    LUNCH = "lunch"
    EVENT = "event"
    EMAIL = "email"


class FollowUpStatus(StrEnum):
    """Life cycle of a follow-up. A recurring one stays open and moves to its next occurrence."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class ThanksStatus(StrEnum):
    """Life cycle of a thank-you note: draft -> printed -> sent."""

    DRAFT = "draft"
    PRINTED = "printed"
    SENT = "sent"


class TriggerKind(StrEnum):
    """What news about an account a trigger event is: each may open a window to sell."""

    MERGER = "merger"
    ACQUISITION = "acquisition"
    LAYOFF = "layoff"
    NEW_EXECUTIVE = "new-executive"
    FUNDING = "funding"
    EXPANSION = "expansion"
    JOB_CHANGE = "job-change"
    AWARD = "award"
    OTHER = "other"

    @property
    def label(self) -> str:
        """How the kind reads in a sentence or a list: "New executive", "Job change"."""
        return self.value.replace("-", " ").capitalize()
