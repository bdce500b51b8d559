"""Reminders: when follow-ups are due, what a day's agenda holds, where a recurring one moves."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.followups import Agenda, Bucket, FollowUpSpec, Reminder
from relationship_crm.scheduling.quick_picks import MORNING, QuickPick, quick_pick
from relationship_crm.scheduling.recurrence import next_occurrence
from relationship_crm.scheduling.zones import as_utc, day_bounds, get_zone, localize

__all__ = [
    "agenda",
    "agenda_of",
    "due_instant",
    "effective_instant",
    "next_due_after_completion",
    "next_wakeup",
    "snooze_choices",
]

#: The wall-clock time used by the "tomorrow" and "next Monday" snooze presets.
SNOOZE_MORNING = MORNING
#: The snooze presets' labels (snooze_choices' keys), in menu order.
SNOOZE_PICKS: dict[str, QuickPick] = {
    "1 hour": QuickPick.ONE_HOUR,
    "tomorrow 09:00": QuickPick.TOMORROW_MORNING,
    "next Monday 09:00": QuickPick.NEXT_MONDAY_MORNING,
    "next week": QuickPick.NEXT_WEEK,
}


def _zone_of(tz: str | ZoneInfo) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else _named_zone(tz)


# A rep's follow-ups use a handful of zones; looking each name up again for every one of tens of
# thousands cost more than placing it (an unknown name raises, and is not cached).
_named_zone = functools.lru_cache(maxsize=256)(get_zone)


def due_instant(spec: FollowUpSpec) -> datetime:
    """Return the scheduled due of `spec` as an aware UTC instant (its wall clock in its zone)."""
    wall = spec.due_local
    if wall.tzinfo is not None:
        raise ValueError(f"a follow-up's due needs a naive wall-clock time, got {wall!r}")
    # localize()'s instant without its trip back into the zone (the daily list places tens of
    # thousands of follow-ups, issue 18): fold=0 reads a skipped or repeated time the same way.
    return wall.replace(tzinfo=_zone_of(spec.tz), fold=0).astimezone(UTC)


def effective_instant(spec: FollowUpSpec) -> datetime:
    """Return when `spec` next demands attention, in UTC: the snooze if set, else the due."""
    if spec.snoozed_until is not None:
        return as_utc(spec.snoozed_until)
    return due_instant(spec)


def _sort_key(item: tuple[datetime, FollowUpSpec]) -> tuple[datetime, str, int]:
    instant, spec = item
    return instant, spec.contact_name.casefold(), spec.id


def agenda(
    specs: Iterable[FollowUpSpec],
    *,
    day: date,
    tz: str | ZoneInfo,
    horizon_days: int = 7,
) -> Agenda:
    """Sort follow-ups into overdue / today / upcoming for calendar `day` as seen in zone `tz`.

    Overdue: the effective moment (snooze applied) is before `day` starts; today: within `day`;
    upcoming: within the `horizon_days` days after `day`. Later follow-ups are left out. Each
    Reminder's `due` is shown in `tz`; each list is sorted by moment, case-folded contact name,
    then id.
    """
    return agenda_of(
        ((effective_instant(s), s) for s in specs), day=day, tz=tz, horizon_days=horizon_days
    )


def agenda_of(
    timed: Iterable[tuple[datetime, FollowUpSpec]],
    *,
    day: date,
    tz: str | ZoneInfo,
    horizon_days: int = 7,
) -> Agenda:
    """`agenda` of follow-ups whose effective instants (UTC) the caller has worked out already."""
    if horizon_days < 0:
        raise InvalidInputError(f"the number of days ahead must be 0 or more, got {horizon_days}")
    zone = _zone_of(tz)
    try:
        start, end = day_bounds(day, zone)
        horizon_end = day_bounds(day + timedelta(days=horizon_days), zone)[1]
    except OverflowError:
        raise InvalidInputError(
            f"{horizon_days} days after {day} is past the end of the calendar"
        ) from None
    # Half-open intervals of UTC instants: [start, end) is the day, [end, horizon_end) the rest.
    buckets: dict[Bucket, list[tuple[datetime, FollowUpSpec]]] = {b: [] for b in Bucket}
    for instant, spec in timed:
        if instant < start:
            buckets[Bucket.OVERDUE].append((instant, spec))
        elif instant < end:
            buckets[Bucket.TODAY].append((instant, spec))
        elif instant < horizon_end:
            buckets[Bucket.UPCOMING].append((instant, spec))
        # anything later is beyond the horizon and left out

    def reminders(bucket: Bucket) -> tuple[Reminder, ...]:
        ordered = sorted(buckets[bucket], key=_sort_key)
        return tuple(Reminder(spec=s, due=i.astimezone(zone), bucket=bucket) for i, s in ordered)

    return Agenda(
        overdue=reminders(Bucket.OVERDUE),
        today=reminders(Bucket.TODAY),
        upcoming=reminders(Bucket.UPCOMING),
    )


def next_wakeup(specs: Iterable[FollowUpSpec], *, now: datetime) -> datetime | None:
    """Return the earliest effective moment strictly after the aware `now`, in UTC, or None.

    The desktop app sets its reminder timer to exactly this moment.
    """
    current = as_utc(now)
    upcoming = [i for i in (effective_instant(s) for s in specs) if i > current]
    return min(upcoming, default=None)


def next_due_after_completion(spec: FollowUpSpec, *, completed_at: datetime) -> datetime | None:
    """Return the naive wall-clock due of a recurring follow-up's next occurrence after it is done.

    The next occurrence of the series (DTSTART = `spec.anchor_local` or `spec.due_local`) strictly
    after both the current due and the (aware) completion moment read as wall clock in `spec.tz` --
    so a weekly Monday 09:00 done late on Tuesday moves to the next Monday 09:00. An occurrence
    whose instant is not after `completed_at` (possible around DST changes) is skipped too.
    None for a follow-up without a rule, or when the series has ended.
    """
    if not spec.rrule:
        return None
    zone = get_zone(spec.tz)
    done = as_utc(completed_at)
    anchor = spec.anchor_local if spec.anchor_local is not None else spec.due_local
    # Compare on the wall clock of the follow-up's own zone: the rule is in wall-clock terms.
    after = max(spec.due_local, done.astimezone(zone).replace(tzinfo=None))
    while True:
        found = next_occurrence(spec.rrule, anchor_local=anchor, after_local=after, tz=zone)
        if found is None or localize(found, zone) > done:
            return found
        after = found  # only in a DST gap or repeated hour: step on past it


def snooze_choices(now: datetime, tz: str | ZoneInfo) -> dict[str, datetime]:
    """Preset snooze moments, as aware datetimes in zone `tz`, keyed by their label.

    "1 hour" is an hour of real time after `now`; "tomorrow 09:00", "next Monday 09:00" (the
    Monday after today, never today) and "next week" (the same wall-clock time seven days on) are
    wall-clock presets in `tz` (see `quick_picks.quick_pick`).
    """
    zone = _zone_of(tz)
    return {label: quick_pick(pick, now=now, tz=zone) for label, pick in SNOOZE_PICKS.items()}
