"""The app's reminders list at any size: counts per section and only the rows on screen.

A heavy rep's agenda may hold tens of thousands of overdue follow-ups; reading them all (and
making a Reminder of each) for every refresh costs seconds. `load` counts the sections in SQL and
reads the first page of each; `window` reads any further page as the list scrolls. An agenda of up
to `FULL_LIMIT` items is read whole by `followups.agenda`, exactly as before.

In a windowed agenda the sections come from the stored `remind_at` (the snooze if set, else the
due moment: what `scheduling.reminders.effective_instant` computes) and follow-ups due at the same
moment are ordered by the contact's sort name, then id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, case, func, not_, or_, select
from sqlalchemy.orm import Session

from relationship_crm.domain import bounds
from relationship_crm.domain.enums import FollowUpStatus
from relationship_crm.domain.errors import InvalidInputError, KnownError
from relationship_crm.domain.followups import Agenda, Bucket, FollowUpSpec, Reminder
from relationship_crm.scheduling import reminders
from relationship_crm.scheduling.zones import day_bounds, get_zone
from relationship_crm.services import followups
from relationship_crm.storage import portable
from relationship_crm.storage.schema import Contact, FollowUp

#: Agendas up to this many items are read whole (exact order, every check) by followups.agenda.
FULL_LIMIT = 2000
#: Rows read per window: a few screens of the list.
PAGE = 200
#: At most this many "now due" reminders per section come with a load (one notification).
DUE_LIMIT = 1000

# The exact stored form of an instant (storage.types.format_instant), as an SQLite GLOB pattern.
_INSTANT_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9].*"


@dataclass(frozen=True, slots=True)
class Span:
    """The UTC instants that bound the sections: [.., start) overdue, [start, end) today,
    [end, horizon) upcoming."""

    start: datetime
    end: datetime
    horizon: datetime

    def bucket_of(self, instant: datetime) -> Bucket:
        if instant < self.start:
            return Bucket.OVERDUE
        return Bucket.TODAY if instant < self.end else Bucket.UPCOMING

    def bounds_of(self, bucket: Bucket) -> tuple[datetime | None, datetime]:
        if bucket is Bucket.OVERDUE:
            return None, self.start
        if bucket is Bucket.TODAY:
            return self.start, self.end
        return self.end, self.horizon


@dataclass(frozen=True, slots=True)
class AgendaWindow:
    """What the reminders list shows first.

    `counts` holds the number of reminders per section; `first` the first reminders of each (all
    of them when `complete`). `due` are the reminders whose moment is in (`since`, now], for the
    "reminder due" notification; `skipped` the ids of open follow-ups whose times cannot be read.
    """

    day: date
    span: Span
    counts: dict[Bucket, int]
    first: dict[Bucket, tuple[Reminder, ...]]
    complete: bool
    skipped: tuple[int, ...]
    next_wakeup: datetime | None
    due: tuple[Reminder, ...]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def agenda(self) -> Agenda:
        """The loaded reminders as an Agenda (the whole agenda when `complete`)."""
        return Agenda(
            overdue=self.first[Bucket.OVERDUE],
            today=self.first[Bucket.TODAY],
            upcoming=self.first[Bucket.UPCOMING],
            skipped=self.skipped,
        )


def span_of(day: date, tz: str, horizon_days: int) -> Span:
    """The section bounds of `day` in zone `tz` (a clear error past the calendar's end)."""
    zone = get_zone(tz)
    if horizon_days < 0:
        raise InvalidInputError(f"the number of days ahead must be 0 or more, got {horizon_days}")
    try:
        start, end = day_bounds(day, zone)
        horizon = day_bounds(day + timedelta(days=horizon_days), zone)[1]
    except (OverflowError, ValueError):
        raise InvalidInputError(
            f"{horizon_days} days after {day} is past the end of the calendar"
        ) from None
    return Span(start, end, horizon)


def _trashed(
    session: Session, span: Span, owned: list[ColumnElement[bool]] | None = None
) -> list[tuple[int, datetime]]:
    """Open follow-ups in the agenda's range whose contact is in the trash (usually none)."""
    # Two steps: joined in one query, SQLite walks every open follow-up to find them.
    trash = list(session.scalars(select(Contact.id).where(Contact.deleted_at.is_not(None))))
    if not trash:
        return []
    rows = session.execute(
        select(FollowUp.id, FollowUp.remind_at).where(
            FollowUp.contact_id.in_(trash),
            FollowUp.status == FollowUpStatus.OPEN.value,
            FollowUp.remind_at < span.horizon,
            _canonical(session),
            *(owned or ()),
        )
    )
    return [(fid, at) for fid, at in rows]


def count_sections(
    session: Session,
    span: Span,
    trashed: list[tuple[int, datetime]] | None = None,
    owned: list[ColumnElement[bool]] | None = None,
) -> dict[Bucket, int]:
    """How many open follow-ups fall in each section (see `_scan`)."""
    return _counts(
        _scan(session, span, owned),
        span,
        _trashed(session, span, owned) if trashed is None else trashed,
    )


def _scan(
    session: Session, span: Span, owned: list[ColumnElement[bool]] | None = None
) -> dict[int, int]:
    """Open follow-ups per section: 0 overdue, 1 today, 2 upcoming, 3 later, -1 unreadable.

    One scan of the (status, remind_at) index, which holds all it needs: the sections and the
    unreadable ones (whose ids are then read only if there are any) in one go.
    """
    section = case(
        (or_(FollowUp.remind_at.is_(None), not_(_canonical(session))), -1),
        (FollowUp.remind_at < span.start, 0),
        (FollowUp.remind_at < span.end, 1),
        (FollowUp.remind_at < span.horizon, 2),
        else_=3,
    ).label("section")
    rows = session.execute(
        select(section, func.count())
        .where(FollowUp.status == FollowUpStatus.OPEN.value, *(owned or ()))
        .group_by(section)
    )
    return {int(key): int(n) for key, n in rows}


def _counts(
    found: dict[int, int], span: Span, trashed: list[tuple[int, datetime]]
) -> dict[Bucket, int]:
    # The follow-ups of trashed contacts are taken off here rather than joined row by row.
    counts = {
        Bucket.OVERDUE: found.get(0, 0),
        Bucket.TODAY: found.get(1, 0),
        Bucket.UPCOMING: found.get(2, 0),
    }
    for _, at in trashed:
        counts[span.bucket_of(at)] -= 1
    return counts


def _canonical(session: Session) -> ColumnElement[bool]:
    """The reminder time is a stored instant (an odd text sorts anywhere; see followups)."""
    column: ColumnElement[bool] = portable.matches_glob(session, FollowUp.remind_at, _INSTANT_GLOB)
    return column


def window(
    session: Session,
    *,
    span: Span,
    tz: str,
    bucket: Bucket,
    offset: int,
    limit: int = PAGE,
    mine: bool = False,
) -> tuple[Reminder, ...]:
    """Reminders `offset` .. `offset + limit - 1` of one section, in the list's order.

    `mine`: only the rep's own and everyone's (on a server database; followups.owned)."""
    low, high = span.bounds_of(bucket)
    owned = followups.owned(session, mine)
    excluded = [fid for fid, _ in _trashed(session, span, owned)]
    return _reminders(session, tz, bucket, low, high, offset, limit, excluded, owned=owned)


def _reminders(
    session: Session,
    tz: str,
    bucket: Bucket,
    low: datetime | None,
    high: datetime,
    offset: int,
    limit: int,
    excluded: list[int],
    low_inclusive: bool = True,
    owned: list[ColumnElement[bool]] | None = None,
) -> tuple[Reminder, ...]:
    # First the ids, from the (status, remind_at) index alone: skipping `offset` rows costs an
    # index step each, not a row read and a join. Then the page's own rows.
    ids_query = (
        select(FollowUp.id)
        .where(
            FollowUp.status == FollowUpStatus.OPEN.value,
            FollowUp.remind_at < high,
            _canonical(session),
            *(owned or ()),
        )
        .order_by(FollowUp.remind_at, FollowUp.id)
        .offset(max(offset, 0))
        .limit(max(limit, 0))
    )
    if low is not None:
        ids_query = ids_query.where(
            FollowUp.remind_at >= low if low_inclusive else FollowUp.remind_at > low
        )
    if excluded:
        ids_query = ids_query.where(FollowUp.id.not_in(excluded))
    ids = list(session.scalars(ids_query))
    if not ids:
        return ()
    query = followups.spec_select().where(FollowUp.id.in_(ids))
    zone = get_zone(tz)
    found = {row.id: FollowUpSpec(**row._asdict()) for row in session.execute(query)}
    out: list[Reminder] = []
    for fid in ids:
        spec = found.get(fid)
        instant = None if spec is None else _instant(spec)
        if spec is not None and instant is not None:
            out.append(Reminder(spec=spec, due=instant.astimezone(zone), bucket=bucket))
    return tuple(out)


def _instant(spec: FollowUpSpec) -> datetime | None:
    """The moment the follow-up needs the rep, or None when its stored times cannot be read."""
    for value in (spec.due_local, spec.anchor_local, spec.snoozed_until):
        if bounds.unreadable_text(value) is not None:
            return None
    try:
        return reminders.effective_instant(spec)
    except (KnownError, ValueError, OverflowError):
        return None


def _skipped(session: Session, owned: list[ColumnElement[bool]]) -> tuple[int, ...]:
    """Open follow-ups whose reminder time is not a stored instant (listed nowhere)."""
    ids = session.scalars(
        select(FollowUp.id)
        .join(Contact, Contact.id == FollowUp.contact_id)
        .where(
            FollowUp.status == FollowUpStatus.OPEN.value,
            Contact.deleted_at.is_(None),
            or_(FollowUp.remind_at.is_(None), not_(_canonical(session))),
            *owned,
        )
    )
    return tuple(sorted(ids))


def load(
    session: Session,
    *,
    now: datetime,
    tz: str,
    horizon_days: int = 7,
    since: datetime | None = None,
    page: int = PAGE,
    full_limit: int = FULL_LIMIT,
    mine: bool = False,
) -> AgendaWindow:
    """The agenda of `now`'s day in zone `tz`: whole when it is small, else counts and first pages.

    `since` (aware): also return the reminders whose moment is after it and at or before `now`:
    only the rep's own, as is the wake-up (a follow-up rings only for its owner). `mine`: list
    only the rep's own and everyone's (on a server database; followups.owned).
    """
    day = now.astimezone(get_zone(tz)).date()
    bounds.check_day(day, "the day")
    span = span_of(day, tz, horizon_days)
    owned = followups.owned(session, mine)
    trashed = _trashed(session, span, owned)
    found = _scan(session, span, owned)
    counts = _counts(found, span, trashed)
    wakeup = followups.next_wakeup(session, now=now, mine=True)
    # What rings is the rep's own: the listed agenda when it is, else read again for that.
    own = mine or not followups.owned(session, True)
    if sum(counts.values()) <= full_limit:
        whole = followups.agenda(session, day=day, tz=tz, horizon_days=horizon_days, mine=mine)
        first = {
            Bucket.OVERDUE: whole.overdue,
            Bucket.TODAY: whole.today,
            Bucket.UPCOMING: whole.upcoming,
        }
        ringing = (
            whole
            if own
            else followups.agenda(session, day=day, tz=tz, horizon_days=horizon_days, mine=True)
        )
        every = (*ringing.overdue, *ringing.today, *ringing.upcoming)
        recent = tuple(r for r in every if since is not None and since < r.due <= now)
        return AgendaWindow(
            day=day,
            span=span,
            counts={b: len(items) for b, items in first.items()},
            first=first,
            complete=True,
            skipped=whole.skipped,
            next_wakeup=wakeup,
            due=recent,
        )
    excluded = [fid for fid, _ in trashed]
    first = {
        b: _reminders(session, tz, b, *span.bounds_of(b), 0, page, excluded, owned=owned)
        for b in Bucket
    }
    due: tuple[Reminder, ...] = ()
    if since is not None and since < now:
        ring_owned = followups.owned(session, True)
        ring_excluded = excluded if own else [f for f, _ in _trashed(session, span, ring_owned)]
        due = tuple(
            r
            for b in Bucket
            for r in _reminders(
                session,
                tz,
                b,
                *_clip(span, b, since, now),
                0,
                DUE_LIMIT,
                ring_excluded,
                False,
                owned=ring_owned,
            )
        )
    return AgendaWindow(
        day=day,
        span=span,
        counts=counts,
        first=first,
        complete=False,
        skipped=_skipped(session, owned) if found.get(-1) else (),
        next_wakeup=wakeup,
        due=due,
    )


def _clip(span: Span, bucket: Bucket, since: datetime, now: datetime) -> tuple[datetime, datetime]:
    """(since, now] within one section's bounds, as (low exclusive, high exclusive)."""
    low, high = span.bounds_of(bucket)
    start = since if low is None else max(since, low - timedelta(microseconds=1))
    # `now` itself is due: the high bound is exclusive, so go one microsecond past it.
    return start, min(high, now + timedelta(microseconds=1))
