"""The database schema as SQLAlchemy 2 typed ORM classes (the Alembic migrations must match it).

Conventions: instants are `UTCDateTime`, a rep's typed local time is a `WallClock` beside an IANA
zone name, money is `DecimalText` plus a currency code. Constraints carry names (Alembic batch mode
on SQLite needs them). Child rows go with their parent (`ON DELETE CASCADE`), except that deleting a
meeting only unlinks the follow-ups and gifts that came from it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from relationship_crm.storage import identity
from relationship_crm.storage.types import DayDate, DecimalText, UTCDateTime, WallClock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base holding the shared metadata."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


contact_tags = Table(
    "contact_tags",
    Base.metadata,
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)

meeting_attendees = Table(
    "meeting_attendees",
    Base.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class Company(Base):
    """An organisation contacts belong to; its name is unique regardless of case."""

    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Case- and accent-folded name, for lookups that treat "ACME" and "Acme" as one company.
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    website: Mapped[str] = mapped_column(String(500), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    contacts: Mapped[list[Contact]] = relationship(back_populates="company")


class Contact(Base):
    """A person the rep keeps a relationship with."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(300))
    given_name: Mapped[str] = mapped_column(String(150), default="")
    family_name: Mapped[str] = mapped_column(String(150), default="")
    # Folded display name: the contact list sorts and seeks on it without touching other tables.
    sort_name: Mapped[str] = mapped_column(String(300), index=True)
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200), default="")
    # A key of the stages table; the service checks it (the rep adds stages, so no CHECK list).
    stage: Mapped[str] = mapped_column(String(16), default="prospect", index=True)
    # "YYYY-MM-DD", or "--MM-DD" when the year is unknown (vCard 4 allows that).
    birthday: Mapped[str | None] = mapped_column(String(10))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when the contact is moved to the trash; such contacts are hidden everywhere.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The contact asked to get no campaign letters: never taken into a campaign's segment.
    campaign_opt_out: Mapped[bool] = mapped_column(Boolean, server_default="0")
    # Several reps (issue 20): every save adds one (SQLAlchemy's version counter), so a save from
    # an older copy is refused; who saved last; whose account it is ("" for everyone's).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    updated_by: Mapped[str] = mapped_column(String(100), server_default="", default="")
    owner: Mapped[str] = mapped_column(String(100), server_default="", default="", index=True)
    # The contact list's cells (issue 18): its company's name, its addresses in order and its tag
    # names, ", "-joined. Written only by the database's triggers (storage.list_cells); not loaded
    # with the contact.
    list_company: Mapped[str] = mapped_column(
        Text, server_default="", deferred=True, info={"derived": True}
    )
    list_emails: Mapped[str] = mapped_column(
        Text, server_default="", deferred=True, info={"derived": True}
    )
    list_tags: Mapped[str] = mapped_column(
        Text, server_default="", deferred=True, info={"derived": True}
    )

    __mapper_args__ = {"version_id_col": version}

    company: Mapped[Company | None] = relationship(back_populates="contacts")
    emails: Mapped[list[ContactEmail]] = relationship(
        cascade="all, delete-orphan", order_by="ContactEmail.position", passive_deletes=True
    )
    phones: Mapped[list[ContactPhone]] = relationship(
        cascade="all, delete-orphan", order_by="ContactPhone.position", passive_deletes=True
    )
    addresses: Mapped[list[ContactAddress]] = relationship(
        cascade="all, delete-orphan", order_by="ContactAddress.position", passive_deletes=True
    )
    tags: Mapped[list[Tag]] = relationship(secondary=contact_tags, order_by="Tag.name_key")
    stage_changes: Mapped[list[StageChange]] = relationship(
        cascade="all, delete-orphan", order_by="StageChange.changed_at", passive_deletes=True
    )


class ContactEmail(Base):
    """One email address of a contact, with a label such as "work"."""

    __tablename__ = "contact_emails"
    __table_args__ = (
        # The list's email cell: a contact's addresses in their order, read from the index
        # alone (no table look-up, no sort per contact; issue 18).
        Index("ix_contact_emails_contact_order", "contact_id", "position", "id", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(50), default="")
    value: Mapped[str] = mapped_column(String(320))
    # Lower-cased address: duplicate detection and lookups by email use this indexed column.
    value_key: Mapped[str] = mapped_column(String(320), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ContactPhone(Base):
    """One phone number of a contact as typed, plus a normalised form (E.164 where possible)."""

    __tablename__ = "contact_phones"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(50), default="")
    value: Mapped[str] = mapped_column(String(100))
    value_key: Mapped[str] = mapped_column(String(100), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ContactAddress(Base):
    """A postal address of a contact (used for envelopes and kept through import/export)."""

    __tablename__ = "contact_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(50), default="")
    street: Mapped[str] = mapped_column(Text, default="")
    city: Mapped[str] = mapped_column(String(200), default="")
    region: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(50), default="")
    country: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class Tag(Base):
    """A free label; names are unique regardless of case and keep the first spelling used."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100), unique=True)


class StageDefinition(Base):
    """One stage of the funnel the rep agreed with marketing: label, definition, stuck limit."""

    __tablename__ = "stages"

    key: Mapped[str] = mapped_column(String(16), primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    # What the stage means and what a contact must show to enter it, in the rep's words.
    definition: Mapped[str] = mapped_column(Text, default="")
    # A contact in this stage longer than this is "stuck"; None: never.
    stuck_after_days: Mapped[int | None] = mapped_column(Integer)
    # Funnel order, smallest first: moving to a larger position is moving forward.
    position: Mapped[int] = mapped_column(Integer)


class StageChange(Base):
    """One entry of a contact's stage history (the first one is the stage it was created with)."""

    __tablename__ = "stage_changes"
    __table_args__ = (
        # Each contact's history in time order, stage included: the pipeline's window functions
        # and the board's "since when" look-ups read this index alone.
        Index("ix_stage_changes_contact_time", "contact_id", "changed_at", "stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[str] = mapped_column(String(16))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StageStay(Base):
    """One stay in a stage: the pipeline's summary of the history, kept by triggers.

    Written only by the database (storage.stage_stays): the id is the stage change's.
    """

    __tablename__ = "stage_stays"
    __table_args__ = (
        # Open stays (left_at NULL) by entry time: counts, the stuck range and the median's
        # offset; closed ones by when they ended: the 30- and 365-day windows; and entries by
        # time (a trashed contact's last stay may end before it began: left_at is the trash).
        # Each index costs every stage change (an import's) about 10 us.
        Index(
            "ix_stage_stays_stage_left",
            "stage",
            "left_at",
            "entered_at",
            "next_stage",
            "contact_id",
        ),
        Index("ix_stage_stays_stage_entered", "stage", "entered_at", "contact_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    contact_id: Mapped[int] = mapped_column(Integer, index=True)
    stage: Mapped[str] = mapped_column(String(16))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_stage: Mapped[str | None] = mapped_column(String(16))


class Meeting(Base):
    """A meeting, call, lunch, event or email exchange, at an exact moment, with attendees."""

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("kind IN ('meeting', 'call', 'lunch', 'event', 'email')", name="kind"),
        CheckConstraint("duration_minutes >= 0", name="duration"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="meeting")
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    tz: Mapped[str] = mapped_column(String(64))
    starts_local: Mapped[datetime] = mapped_column(WallClock)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=0)
    location: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    attendees: Mapped[list[Contact]] = relationship(
        secondary=meeting_attendees, order_by="Contact.sort_name"
    )


class ResearchNote(Base):
    """Dated research the rep reads before the next meeting, about a contact, company or meeting."""

    __tablename__ = "research_notes"
    __table_args__ = (
        CheckConstraint(
            "(contact_id IS NOT NULL) + (company_id IS NOT NULL) + (meeting_id IS NOT NULL) = 1",
            name="one_subject",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    noted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(Text)
    source_url: Mapped[str] = mapped_column(String(2000), default="")
    # Who wrote it (issue 20): the rep's database login, "" for rows from before.
    created_by: Mapped[str] = mapped_column(String(100), server_default="", default="")


class FollowUp(Base):
    """A promise to get back to a contact at an exact moment, possibly recurring (a cadence).

    `due_at` is the instant of `due_local` in `tz`; `remind_at` is the moment it needs the rep
    (the snooze time while snoozed, otherwise `due_at`) and is what the agenda queries use.
    """

    __tablename__ = "follow_ups"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'done', 'cancelled')", name="status"),
        Index("ix_follow_ups_status_remind_at", "status", "remind_at"),
        # Per-contact "next follow-up" (the contact list's column): without it SQLite answers
        # min(remind_at) by walking the status index, once per contact (minutes at 100k).
        Index("ix_follow_ups_contact_status_remind_at", "contact_id", "status", "remind_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    # The trigger event that created it; deleting the event leaves the follow-up, unlinked.
    trigger_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("trigger_events.id", ondelete="SET NULL"), index=True
    )
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    tz: Mapped[str] = mapped_column(String(64))
    due_local: Mapped[datetime] = mapped_column(WallClock)
    anchor_local: Mapped[datetime] = mapped_column(WallClock)
    rrule: Mapped[str | None] = mapped_column(String(500))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open")
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remind_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Who wrote it (issue 20): the rep's database login, "" for rows from before.
    created_by: Mapped[str] = mapped_column(String(100), server_default="", default="")
    # The rep it rings for ("" for everyone: follow-ups from before issue 20).
    owner: Mapped[str] = mapped_column(String(100), server_default="", default="", index=True)


class TriggerEvent(Base):
    """News about an account that opens a window to sell (a merger, new funding, a new executive).

    About one company or one contact. `source` is where the rep read it (a URL or "FT, p. 3"),
    kept as text and never fetched.
    """

    __tablename__ = "trigger_events"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('merger', 'acquisition', 'layoff', 'new-executive', 'funding', "
            "'expansion', 'job-change', 'award', 'other')",
            name="kind",
        ),
        CheckConstraint(
            "(contact_id IS NOT NULL) + (company_id IS NOT NULL) = 1", name="one_subject"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    happened_on: Mapped[date] = mapped_column(DayDate, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(2000), default="")
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FollowUpCompletion(Base):
    """History: each time a follow-up (or one occurrence of a recurring one) was done."""

    __tablename__ = "follow_up_completions"

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(
        ForeignKey("follow_ups.id", ondelete="CASCADE"), index=True
    )
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ThankYouNote(Base):
    """A thank-you note to one attendee of one meeting: draft -> printed -> sent."""

    __tablename__ = "thank_you_notes"
    __table_args__ = (
        UniqueConstraint("meeting_id", "contact_id", name="uq_thank_you_notes_meeting_contact"),
        CheckConstraint("status IN ('draft', 'printed', 'sent')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    template: Mapped[str] = mapped_column(String(100), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the rep edits the text by hand; such a body is never re-filled from a template.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who wrote it (issue 20): the rep's database login, "" for rows from before.
    created_by: Mapped[str] = mapped_column(String(100), server_default="", default="")


class Gift(Base):
    """A gift or a piece of hospitality (a lunch, tickets) given to a contact."""

    __tablename__ = "gifts"
    __table_args__ = (CheckConstraint("length(currency) = 3", name="currency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    item: Mapped[str] = mapped_column(String(300))
    occasion: Mapped[str] = mapped_column(String(300), default="")
    cost: Mapped[Decimal | None] = mapped_column(DecimalText)
    currency: Mapped[str] = mapped_column(String(3))
    given_on: Mapped[date] = mapped_column(DayDate, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Who wrote it (issue 20): the rep's database login, "" for rows from before.
    created_by: Mapped[str] = mapped_column(String(100), server_default="", default="")


class NoteTemplate(Base):
    """A template the rep wrote, or the rep's edited copy of a shipped one (same name)."""

    __tablename__ = "note_templates"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    # "thanks" (a thank-you note) or "campaign" (a campaign letter): which fields it may use.
    kind: Mapped[str] = mapped_column(String(16), default="thanks", server_default="thanks")
    description: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class KeepInTouchRhythm(Base):
    """How often the rep means to touch base: per contact, per tag or per stage (issue 15).

    `key` names what the rule is for: the contact id as text, the tag's folded name, or the
    stage's key (text, not a foreign key: stages become a table of their own later). A contact
    rule also carries `contact_id`, so it goes with its contact. `off` (contact rules only) means
    no rhythm at all for that contact; a contact rule may hold only a pause (no days), which then
    pauses whatever rhythm the contact inherits.
    """

    __tablename__ = "keep_in_touch_rhythms"
    __table_args__ = (
        UniqueConstraint("scope", "key", name="uq_keep_in_touch_rhythms_scope_key"),
        CheckConstraint("scope IN ('contact', 'tag', 'stage')", name="scope"),
        CheckConstraint("(scope = 'contact') = (contact_id IS NOT NULL)", name="contact_scope"),
        CheckConstraint(
            "(ideal_days IS NULL AND max_days IS NULL) OR "
            "(ideal_days >= 1 AND max_days >= ideal_days)",
            name="days",
        ),
        CheckConstraint("off IN (0, 1)", name="off"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(100))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    ideal_days: Mapped[int | None] = mapped_column(Integer)
    max_days: Mapped[int | None] = mapped_column(Integer)
    off: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_until: Mapped[date | None] = mapped_column(DayDate)
    pause_reason: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Campaign(Base):
    """A micro-campaign: one letter to each member of a segment, a follow-up each, results.

    The follow-up time is kept as the rep typed it (wall clock and zone) beside the members'
    follow-ups; the cost is optional, in `currency`.
    """

    __tablename__ = "campaigns"
    __table_args__ = (CheckConstraint("length(currency) = 3", name="currency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(Text, default="")
    template: Mapped[str] = mapped_column(String(50))
    cost: Mapped[Decimal | None] = mapped_column(DecimalText)
    currency: Mapped[str] = mapped_column(String(3))
    follow_up_local: Mapped[datetime | None] = mapped_column(WallClock)
    follow_up_tz: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    members: Mapped[list[CampaignMember]] = relationship(
        cascade="all, delete-orphan", order_by="CampaignMember.id", passive_deletes=True
    )


class CampaignMember(Base):
    """One contact of a campaign: their letter (draft -> printed -> sent), follow-up, outcome."""

    __tablename__ = "campaign_members"
    __table_args__ = (
        UniqueConstraint("campaign_id", "contact_id", name="uq_campaign_members_campaign_contact"),
        CheckConstraint("status IN ('draft', 'printed', 'sent')", name="status"),
        CheckConstraint(
            "outcome IS NULL OR outcome IN "
            "('no-response', 'replied', 'meeting', 'lead', 'deal', 'opted-out')",
            name="outcome",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the rep edits the letter by hand.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    follow_up_id: Mapped[int | None] = mapped_column(
        ForeignKey("follow_ups.id", ondelete="SET NULL"), index=True
    )
    outcome: Mapped[str | None] = mapped_column(String(16))
    outcome_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    added_by_hand: Mapped[bool] = mapped_column(Boolean, default=False)


class Setting(Base):
    """A user preference (time zone, rep name, default currency...) as text."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class RepSetting(Base):
    """A rep's own value of a personal setting on a team's server database (issue 20): it
    overrides the team's value in `settings` for that rep only."""

    __tablename__ = "rep_settings"

    rep: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# The full-text index over contacts lives outside the ORM (FTS5 virtual table, rowid = contact id).
# It is created by the migrations and kept current by services.contacts.
CONTACT_FTS_TABLE = "contacts_fts"
CONTACT_FTS_DDL = (
    f"CREATE VIRTUAL TABLE {CONTACT_FTS_TABLE} USING fts5("
    "name, emails, company, notes, tags, tokenize='unicode61 remove_diacritics 2')"
)


class SyncAccount(Base):
    """The rep's CalDAV/CardDAV account (issue 19): where to sync, never the password.

    One row at most (id 1). The password lives in the system keyring or is asked for at each sync.
    """

    __tablename__ = "sync_account"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    username: Mapped[str] = mapped_column(String(200))
    calendar_url: Mapped[str] = mapped_column(Text)
    address_book_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    ca_file: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: 1 when the password is in the system keyring, 0 when it is asked for at each sync.
    password_saved: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: The address book's RFC 6578 sync-token after the last complete contacts sync.
    contacts_sync_token: Mapped[str | None] = mapped_column(Text, nullable=True)


class SyncItem(Base):
    """One resource the app put on the sync server: what it holds there (ETag) and what it sent.

    Only resources listed here are ever changed or deleted by a sync, so whatever the rep created
    on the server by hand is left alone. A row is written right after each server call, so an
    interrupted sync carries on where it stopped.
    """

    __tablename__ = "sync_items"

    #: "calendar" or "contacts".
    collection: Mapped[str] = mapped_column(String(20), primary_key=True)
    uid: Mapped[str] = mapped_column(String(200), primary_key=True)
    href: Mapped[str] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: SHA-256 of what was sent (without DTSTAMP), to send only what changed.
    digest: Mapped[str] = mapped_column(String(64))
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime)


# Who wrote what (issue 20), filled in on every engine whatever service writes the row.
for _model in (FollowUp, Gift, ResearchNote, ThankYouNote):
    event.listen(_model, "before_insert", identity.fill_created_by)
event.listen(Contact, "before_insert", identity.fill_created_by)
event.listen(Contact, "before_insert", identity.fill_updated_by)
event.listen(Contact, "before_update", identity.fill_updated_by)
