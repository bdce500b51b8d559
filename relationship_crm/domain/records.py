"""Plain data the services take (drafts) and give back (views); no ORM object leaves a session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from relationship_crm.domain.enums import FollowUpStatus, MeetingKind, Stage


@dataclass(frozen=True, slots=True)
class Labeled:
    """An email address or phone number with its label ("work", "mobile", or empty)."""

    value: str
    label: str = ""


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address."""

    street: str = ""
    city: str = ""
    region: str = ""
    postcode: str = ""
    country: str = ""
    label: str = ""


@dataclass(frozen=True, slots=True)
class ContactDraft:
    """What the rep typed for a new contact. Empty given/family parts are guessed from the name,
    unless `name_parts_known`: the source said what they are (a vCard's N, an organisation card
    that has none), so an empty part stays empty."""

    name: str
    given_name: str = ""
    family_name: str = ""
    emails: tuple[Labeled, ...] = ()
    phones: tuple[Labeled, ...] = ()
    addresses: tuple[Address, ...] = ()
    company: str = ""
    title: str = ""
    stage: str = Stage.PROSPECT.value
    tags: tuple[str, ...] = ()
    birthday: str | None = None
    notes: str = ""
    name_parts_known: bool = False


@dataclass(frozen=True, slots=True)
class StageEntry:
    """One step of a contact's stage history (`stage` is a key of the stages table)."""

    stage: str
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class ContactView:
    """A contact as shown in lists and on its page."""

    id: int
    name: str
    given_name: str
    family_name: str
    emails: tuple[Labeled, ...]
    phones: tuple[Labeled, ...]
    company: str
    company_id: int | None
    title: str
    stage: str
    tags: tuple[str, ...]
    birthday: str | None
    notes: str
    addresses: tuple[Address, ...] = ()
    stage_history: tuple[StageEntry, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    # Several reps (issue 20): the saved version this copy was read at (a save from it is
    # refused once another was made), who saved last, whose account it is ("" everyone's).
    version: int = 0
    updated_by: str = ""
    owner: str = ""


@dataclass(frozen=True, slots=True)
class MeetingDraft:
    """A meeting to log: `starts_local` is the wall clock the rep typed in zone `tz`."""

    title: str
    starts_local: datetime
    tz: str
    attendee_ids: tuple[int, ...]
    kind: MeetingKind = MeetingKind.MEETING
    duration_minutes: int = 0
    location: str = ""
    notes: str = ""
    research: str = ""


@dataclass(frozen=True, slots=True)
class MeetingView:
    """A logged meeting with its attendees as (id, name) pairs."""

    id: int
    kind: MeetingKind
    title: str
    starts_at: datetime  # aware, in the meeting's own zone
    tz: str
    duration_minutes: int
    location: str
    notes: str
    attendees: tuple[tuple[int, str], ...]


@dataclass(frozen=True, slots=True)
class ResearchView:
    """A research note and what it is about."""

    id: int
    text: str
    source_url: str
    noted_at: datetime
    contact_id: int | None = None
    company_id: int | None = None
    meeting_id: int | None = None


@dataclass(frozen=True, slots=True)
class FollowUpDraft:
    """A follow-up to add: due at `due_local` wall-clock time in zone `tz`, maybe recurring."""

    contact_id: int
    due_local: datetime
    tz: str
    note: str = ""
    meeting_id: int | None = None
    cadence: str | None = None  # RRULE text or plain words, parsed by scheduling.recurrence
    # The rep it rings for (a login; "" everyone); None: whoever schedules it (issue 20).
    owner: str | None = None


@dataclass(frozen=True, slots=True)
class FollowUpView:
    """A follow-up with its contact's name; `due` is aware in the follow-up's own zone."""

    id: int
    contact_id: int
    contact_name: str
    meeting_id: int | None
    due: datetime
    tz: str
    rrule: str | None
    note: str
    status: FollowUpStatus
    snoozed_until: datetime | None
    completed_at: datetime | None
    # Stored columns that could not be read ("due_at", "tz"...): shown flagged, fixed by `check`.
    unreadable: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CompletionResult:
    """What completing a follow-up did: for a recurring one, when the next occurrence falls."""

    follow_up_id: int
    next_due: datetime | None


@dataclass(frozen=True, slots=True)
class GiftDraft:
    """A gift or hospitality to record; `cost` is exact (Decimal) in `currency` (ISO 4217)."""

    contact_id: int
    item: str
    given_on: date
    cost: Decimal | None = None
    currency: str = ""
    occasion: str = ""
    meeting_id: int | None = None


@dataclass(frozen=True, slots=True)
class GiftView:
    """A recorded gift with its recipient's name."""

    id: int
    contact_id: int
    contact_name: str
    item: str
    occasion: str
    cost: Decimal | None
    currency: str
    given_on: date
    meeting_id: int | None = None
