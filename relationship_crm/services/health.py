"""Keep-in-touch health: rhythms per contact, tag or stage, the derived last touch, who drifts.

A rhythm is an *ideal* and a *maximum* number of days between touches. The most specific rule
wins: the contact's own, then its tags', then its stage's. When a contact has several tags with a
rhythm, the tightest one applies (the smallest ideal, then the smallest maximum): a contact who
is both a "key client" (30/45) and a "golf buddy" (90/120) is a key client first.

The last touch is never typed: it is the latest day of a logged meeting (any kind) the contact
attended, a thank-you note to them marked sent, or a gift given to them. Each source is one
aggregate query grouped by contact; the per-contact maximum of the three is taken here, because a
sent note is an instant that needs the rep's zone to become a day. With no touch at all, the
contact's creation day counts. Past the ideal a contact is *drifting*, past the maximum *lost*.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal

from sqlalchemy import String, delete, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from relationship_crm.domain import bounds
from relationship_crm.domain.bounds import unreadable_text
from relationship_crm.domain.changes import Changes
from relationship_crm.domain.errors import InvalidInputError, NotFoundError
from relationship_crm.domain.text import fold
from relationship_crm.scheduling.zones import get_zone
from relationship_crm.services import stages
from relationship_crm.services.common import live_contact, optional_line, utcnow
from relationship_crm.services.contact_fields import normalize_tag
from relationship_crm.storage.schema import (
    Contact,
    Gift,
    KeepInTouchRhythm,
    Meeting,
    Tag,
    ThankYouNote,
    contact_tags,
    meeting_attendees,
)

Scope = Literal["contact", "tag", "stage"]
#: Where a contact's rhythm comes from; "off" is a contact switched off, "none" no rule at all.
Source = Literal["contact", "tag", "stage", "off", "none"]
#: A contact's standing on a day. Only drifting and lost contacts are listed by `health`.
State = Literal["ok", "drifting", "lost", "paused", "off", "none"]

MAX_REASON = 200
#: Up to this many contacts with a rhythm, their touches are looked up by id, not table-wide.
_FEW = 2_000
_RHYTHM = re.compile(r"^\s*(\d{1,9})\s*/\s*(\d{1,9})\s*$")


# --- rules ------------------------------------------------------------------------------------


def check_stage_key(session: Session, key: str) -> str:
    """The stored key of a stage the rep named (case-insensitive), or a one-line error naming
    the stages there are: the shipped five and any the rep added (`stages.check_stage`)."""
    return stages.check_stage(session, key)


def parse_rhythm(text: str) -> tuple[int, int] | None:
    """ "30/45" -> (30, 45): ideal/maximum days, checked; "none" or "off" -> None (no rhythm)."""
    if text.strip().lower() in {"none", "off"}:
        return None
    match = _RHYTHM.match(text)
    if match is None:
        raise InvalidInputError(
            f"{text!r} is not a rhythm; write IDEAL/MAX in days (e.g. 30/45) or none"
        )
    return bounds.check_rhythm(int(match.group(1)), int(match.group(2)))


def _rule(session: Session, scope: Scope, key: str) -> KeepInTouchRhythm | None:
    return session.scalar(
        select(KeepInTouchRhythm).where(
            KeepInTouchRhythm.scope == scope, KeepInTouchRhythm.key == key
        )
    )


def _contact_rule(session: Session, contact_id: int, now: datetime) -> KeepInTouchRhythm:
    live_contact(session, contact_id)
    rule = _rule(session, "contact", str(contact_id))
    if rule is None:
        rule = KeepInTouchRhythm(
            scope="contact", key=str(contact_id), contact_id=contact_id, off=False, pause_reason=""
        )
        session.add(rule)
    rule.updated_at = now
    return rule


def set_contact_rhythm(
    session: Session, contact_id: int, ideal: int, max_days: int, *, now: datetime | None = None
) -> Changes:
    """The contact's own rhythm (it wins over tags and stage); a pause already set stays."""
    ideal, max_days = bounds.check_rhythm(ideal, max_days)
    rule = _contact_rule(session, contact_id, now or utcnow())
    rule.ideal_days, rule.max_days, rule.off = ideal, max_days, False
    session.flush()
    return Changes(contacts=True)


def set_contact_off(session: Session, contact_id: int, *, now: datetime | None = None) -> Changes:
    """No rhythm for this contact, whatever their tags or stage say."""
    rule = _contact_rule(session, contact_id, now or utcnow())
    rule.ideal_days, rule.max_days, rule.off = None, None, True
    session.flush()
    return Changes(contacts=True)


def pause_contact(
    session: Session,
    contact_id: int,
    until: date | None,
    reason: str = "",
    *,
    now: datetime | None = None,
) -> Changes:
    """Pause the contact's rhythm (their own or inherited) up to and including `until`.

    `until=None` ends a pause. A pause whose day has passed is simply ignored.
    """
    if until is not None:
        bounds.check_day(until, "the pause date")
    reason = optional_line(reason, "the pause reason", max_length=MAX_REASON)
    rule = _contact_rule(session, contact_id, now or utcnow())
    rule.paused_until = until
    rule.pause_reason = reason if until is not None else ""
    session.flush()
    _drop_if_empty(session, rule)
    return Changes(contacts=True)


def clear_contact_rhythm(session: Session, contact_id: int) -> Changes:
    """Forget the contact's own rule and pause: their tags' or stage's rhythm applies again."""
    live_contact(session, contact_id)
    session.execute(
        delete(KeepInTouchRhythm).where(
            KeepInTouchRhythm.scope == "contact", KeepInTouchRhythm.key == str(contact_id)
        )
    )
    return Changes(contacts=True)


def _drop_if_empty(session: Session, rule: KeepInTouchRhythm) -> None:
    if rule.ideal_days is None and not rule.off and rule.paused_until is None:
        session.delete(rule)
        session.flush()


def _set_group_rule(
    session: Session, scope: Scope, key: str, rhythm: tuple[int, int] | None, now: datetime
) -> Changes:
    rule = _rule(session, scope, key)
    if rhythm is None:
        if rule is not None:
            session.delete(rule)
            session.flush()
        return Changes(contacts=True)
    ideal, max_days = bounds.check_rhythm(*rhythm)
    if rule is None:
        rule = KeepInTouchRhythm(scope=scope, key=key, off=False, pause_reason="")
        session.add(rule)
    rule.ideal_days, rule.max_days, rule.updated_at = ideal, max_days, now
    session.flush()
    return Changes(contacts=True)


def set_tag_rhythm(
    session: Session,
    tag: str,
    ideal: int | None,
    max_days: int | None,
    *,
    now: datetime | None = None,
) -> Changes:
    """The rhythm of every contact with this tag (unless their own rule says otherwise).

    Both days None clears it. The tag must exist (a typo would otherwise be a silent no-op).
    """
    key = fold(normalize_tag(tag))
    rhythm = _pair(ideal, max_days)
    if rhythm is not None and session.scalar(select(Tag.id).where(Tag.name_key == key)) is None:
        raise NotFoundError(f"no tag named {normalize_tag(tag)!r}")
    return _set_group_rule(session, "tag", key, rhythm, now or utcnow())


def set_stage_rhythm(
    session: Session,
    stage: str,
    ideal: int | None,
    max_days: int | None,
    *,
    now: datetime | None = None,
) -> Changes:
    """The rhythm of every contact in this stage without a contact or tag rule; None clears."""
    key = check_stage_key(session, stage)
    return _set_group_rule(session, "stage", key, _pair(ideal, max_days), now or utcnow())


def _pair(ideal: int | None, max_days: int | None) -> tuple[int, int] | None:
    if ideal is None and max_days is None:
        return None
    if ideal is None or max_days is None:
        raise InvalidInputError("give both the ideal and the maximum number of days")
    return bounds.check_rhythm(ideal, max_days)


@dataclass(frozen=True, slots=True)
class RuleView:
    """One stored rule, for listings and the JSON copy."""

    scope: Scope
    key: str
    ideal_days: int | None
    max_days: int | None
    off: bool
    paused_until: date | None
    pause_reason: str


def list_rules(session: Session, scope: Scope | None = None) -> list[RuleView]:
    """The stored rules, by scope and key."""
    query = select(KeepInTouchRhythm).order_by(KeepInTouchRhythm.scope, KeepInTouchRhythm.key)
    if scope is not None:
        query = query.where(KeepInTouchRhythm.scope == scope)
    return [
        RuleView(
            scope=r.scope,  # type: ignore[arg-type]  # the CHECK constraint keeps it one of three
            key=r.key,
            ideal_days=r.ideal_days,
            max_days=r.max_days,
            off=bool(r.off),
            paused_until=r.paused_until,
            pause_reason=r.pause_reason,
        )
        for r in session.scalars(query)
    ]


# --- evaluation -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContactRhythm:
    """The rhythm in force for a contact and where it comes from (`source_name`: tag or stage)."""

    source: Source
    source_name: str = ""
    ideal_days: int | None = None
    max_days: int | None = None
    paused_until: date | None = None
    pause_reason: str = ""


@dataclass(frozen=True, slots=True)
class ContactHealth:
    """A contact's keep-in-touch standing on a day."""

    contact_id: int
    contact_name: str
    rhythm: ContactRhythm
    last_touch: date | None
    days_since_contact: int
    state: State

    @property
    def ratio(self) -> float:
        """Days over the ideal relative to the ideal: what "worst first" sorts on."""
        ideal = self.rhythm.ideal_days or 1
        return (self.days_since_contact - ideal) / ideal


def last_touches(
    session: Session, *, on: date, zone: str, contact_ids: Sequence[int] | None = None
) -> dict[int, date]:
    """Each contact's latest touch on or before `on` (only contacts touched at all)."""
    tz = get_zone(zone)
    next_day = on + timedelta(days=1)
    end = datetime.combine(next_day, time(), tzinfo=tz)
    attendee = meeting_attendees.c.contact_id
    meetings = (
        select(attendee, func.max(func.substr(Meeting.starts_local, 1, 10)))
        .join(Meeting, Meeting.id == meeting_attendees.c.meeting_id)
        .where(Meeting.starts_local < datetime.combine(next_day, time()))
        .group_by(attendee)
    )
    # Stored instants come back as text: read by the storage type, 100,000 of them took seconds.
    notes = (
        select(ThankYouNote.contact_id, type_coerce(func.max(ThankYouNote.sent_at), String))
        .where(ThankYouNote.status == "sent", ThankYouNote.sent_at < end)
        .group_by(ThankYouNote.contact_id)
    )
    given = (
        select(Gift.contact_id, func.max(Gift.given_on))
        .where(Gift.given_on <= on)
        .group_by(Gift.contact_id)
    )
    if contact_ids is not None:
        meetings = meetings.where(attendee.in_(contact_ids))
        notes = notes.where(ThankYouNote.contact_id.in_(contact_ids))
        given = given.where(Gift.contact_id.in_(contact_ids))
    latest: dict[int, date] = {}

    def keep(cid: int, day: date | None) -> None:
        if day is not None and (cid not in latest or day > latest[cid]):
            latest[cid] = day

    for cid, text in session.execute(meetings):
        keep(cid, _day(text))
    for cid, sent in session.execute(notes):
        keep(cid, _local_day(sent, tz))
    for cid, day in session.execute(given):
        if day is not None and unreadable_text(day) is None:
            keep(cid, day)
    return latest


def _local_day(stored: object, tz: tzinfo) -> date | None:
    """The day in `tz` of a stored UTC instant ("2026-11-23 09:00:00.000000"), or None."""
    try:
        moment = datetime.fromisoformat(str(stored)).replace(tzinfo=UTC)
        return moment.astimezone(tz).date()
    except (ValueError, OverflowError):
        return None


def _day(text: object) -> date | None:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        return None  # an unreadable stored time is no touch (the integrity check flags it)


def _evaluate(
    session: Session, *, on: date, zone: str, contact_ids: Sequence[int] | None
) -> list[tuple[ContactHealth, str]]:
    """Each contact's standing, with its folded name (to sort on)."""
    rules = list(session.scalars(select(KeepInTouchRhythm)))
    own = {r.contact_id: r for r in rules if r.scope == "contact" and r.contact_id is not None}
    stages = {r.key: r for r in rules if r.scope == "stage" and r.ideal_days is not None}
    tag_query = (
        select(contact_tags.c.contact_id, Tag.name, Tag.name_key)
        .join(Tag, Tag.id == contact_tags.c.tag_id)
        .where(Tag.name_key.in_([r.key for r in rules if r.scope == "tag"]))
    )
    if contact_ids is not None:
        tag_query = tag_query.where(contact_tags.c.contact_id.in_(contact_ids))
    by_tag = {r.key: r for r in rules if r.scope == "tag" and r.ideal_days is not None}
    tagged: dict[int, list[tuple[int, int, str, str]]] = {}
    if by_tag:
        for cid, name, key in session.execute(tag_query):
            rule = by_tag[key]
            assert rule.ideal_days is not None and rule.max_days is not None
            tagged.setdefault(cid, []).append((rule.ideal_days, rule.max_days, key, name))
    people = select(
        Contact.id,
        Contact.display_name,
        Contact.stage,
        type_coerce(Contact.created_at, String),
        Contact.sort_name,
    ).where(Contact.deleted_at.is_(None))
    if contact_ids is not None:
        people = people.where(Contact.id.in_(contact_ids))
    else:
        # Only contacts some rule may reach: with few rules, few rows leave SQLite.
        people = people.where(
            or_(
                Contact.stage.in_(list(stages)),
                Contact.id.in_(list(own)),
                Contact.id.in_(list(tagged)),
            )
        )
    found = session.execute(people).all()
    if contact_ids is None and len(found) <= _FEW:
        contact_ids = [row[0] for row in found]  # a few ruled contacts: look up only theirs
    touches = last_touches(session, on=on, zone=zone, contact_ids=contact_ids)
    tz = get_zone(zone)
    result: list[tuple[ContactHealth, str]] = []
    for cid, name, stage, created, sort_name in found:
        rhythm = _rhythm_of(own.get(cid), tagged.get(cid, []), stages.get(stage), on)
        last = touches.get(cid)
        # No touch yet: count from the day the contact was added (unreadable: from `on`).
        since = last if last is not None else _local_day(created, tz) or on
        days = (on - since).days
        standing = ContactHealth(cid, name, rhythm, last, days, _state(rhythm, days))
        result.append((standing, sort_name))
    return result


def _rhythm_of(
    own: KeepInTouchRhythm | None,
    tagged: list[tuple[int, int, str, str]],
    stage: KeepInTouchRhythm | None,
    on: date,
) -> ContactRhythm:
    paused_until = own.paused_until if own is not None else None
    if paused_until is not None and (
        unreadable_text(paused_until) is not None or paused_until < on
    ):
        paused_until = None  # a pause that is over no longer counts
    reason = own.pause_reason if own is not None and paused_until is not None else ""
    if own is not None and own.off:
        return ContactRhythm("off", paused_until=paused_until, pause_reason=reason)
    if own is not None and own.ideal_days is not None:
        return ContactRhythm("contact", "", own.ideal_days, own.max_days, paused_until, reason)
    if tagged:
        # Several tags with a rhythm: the tightest one applies (smallest ideal, then maximum).
        ideal, max_days, _key, name = min(tagged)
        return ContactRhythm("tag", name, ideal, max_days, paused_until, reason)
    if stage is not None:
        return ContactRhythm(
            "stage", stage.key, stage.ideal_days, stage.max_days, paused_until, reason
        )
    return ContactRhythm("none", paused_until=paused_until, pause_reason=reason)


def _state(rhythm: ContactRhythm, days: int) -> State:
    if rhythm.source in ("off", "none"):
        return rhythm.source
    if rhythm.paused_until is not None:
        return "paused"
    assert rhythm.ideal_days is not None and rhythm.max_days is not None
    if days > rhythm.max_days:
        return "lost"
    if days > rhythm.ideal_days:
        return "drifting"
    return "ok"


def health(session: Session, *, on: date, zone: str) -> list[ContactHealth]:
    """The contacts drifting or lost on `on`, worst first (days over ideal / ideal).

    Contacts within their ideal, paused, switched off or without a rhythm are not listed.
    """
    bounds.check_day(on, "the date")
    found = _evaluate(session, on=on, zone=zone, contact_ids=None)
    late = [(h, name) for h, name in found if h.state in ("drifting", "lost")]
    # A float of two small integers orders exactly as the fraction does, and much faster.
    late.sort(key=lambda pair: (-pair[0].ratio, pair[1], pair[0].contact_id))
    return [h for h, _name in late]


def contact_health(session: Session, contact_id: int, *, on: date, zone: str) -> ContactHealth:
    """One contact's rhythm (with its source), last touch and state on `on`."""
    live_contact(session, contact_id)
    bounds.check_day(on, "the date")
    return _evaluate(session, on=on, zone=zone, contact_ids=[contact_id])[0][0]


def describe(h: ContactHealth) -> str:
    """One line for people: "every 30 days (at most 45), from tag key clients; drifting"."""
    r = h.rhythm
    if r.source == "off":
        text = "off for this contact"
    elif r.source == "none":
        text = "no rhythm"
    else:
        origin = {"contact": "set for this contact", "tag": f"from tag {r.source_name}"}.get(
            r.source, f"from stage {r.source_name}"
        )
        text = f"every {_days(r.ideal_days)} (at most {_days(r.max_days)}), {origin}"
    if r.paused_until is not None:
        text += f"; paused until {r.paused_until.isoformat()}"
        if r.pause_reason:
            text += f" ({r.pause_reason})"
    elif h.state in ("drifting", "lost"):
        text += f"; {h.state}"
    return text


def _days(count: int | None) -> str:
    return "1 day" if count == 1 else f"{count} days"


def restore_rules(session: Session, rules: Iterable[RuleView], contact_ids: dict[int, int]) -> int:
    """Put rules read from a copy back (contact keys remapped); existing rules win. A count."""
    added = 0
    now = utcnow()
    for rule in rules:
        key = rule.key
        contact_id: int | None = None
        if rule.scope == "contact":
            contact_id = contact_ids.get(int(key)) if key.isdigit() else None
            if contact_id is None:
                continue
            key = str(contact_id)
        if _rule(session, rule.scope, key) is not None:
            continue
        session.add(
            KeepInTouchRhythm(
                scope=rule.scope,
                key=key,
                contact_id=contact_id,
                ideal_days=rule.ideal_days,
                max_days=rule.max_days,
                off=rule.off,
                paused_until=rule.paused_until,
                pause_reason=rule.pause_reason,
                updated_at=now,
            )
        )
        added += 1
    session.flush()
    return added
