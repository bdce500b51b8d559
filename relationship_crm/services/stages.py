"""Stages as an agreed funnel: definitions, stuck limits, dated changes and the pipeline figures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Final

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from relationship_crm.domain import bounds
from relationship_crm.domain.changes import Changes
from relationship_crm.domain.enums import SHIPPED_STAGES
from relationship_crm.domain.errors import InvalidInputError, NotFoundError
from relationship_crm.domain.text import clean_block
from relationship_crm.scheduling.zones import day_bounds, get_zone
from relationship_crm.services import settings
from relationship_crm.services.common import UNSET, Unset, required_line
from relationship_crm.storage import portable
from relationship_crm.storage.schema import (
    Contact,
    KeepInTouchRhythm,
    StageChange,
    StageDefinition,
)
from relationship_crm.storage.types import format_instant, parse_stored_time

#: The stages every database ships with; they stay valid forever (scripts rely on them).
SHIPPED: Final = SHIPPED_STAGES
#: A stage key: a lowercase slug that fits the 16-character column.
KEY_PATTERN: Final = re.compile(r"[a-z][a-z0-9_-]{0,15}")
MAX_LABEL: Final = 50
MAX_DEFINITION: Final = 2_000
#: Longest stuck limit: about a hundred years (longer means "never"; say `none`).
MAX_STUCK_DAYS: Final = 36_600


@dataclass(frozen=True, slots=True)
class StageInfo:
    """One stage of the funnel, in the rep's words."""

    key: str
    label: str
    definition: str
    stuck_after_days: int | None
    position: int

    @property
    def shipped(self) -> bool:
        """One of the five stages every database has (it cannot be removed)."""
        return self.key in SHIPPED


#: The shipped stages as the first migration seeds them: (label, definition, stuck_after_days).
SHIPPED_DEFAULTS: Final = {
    "prospect": (
        "Prospect",
        "May need us some day: fits who we sell to, but is not shopping now. "
        "Entry: a plausible buyer we know by name.",
        180,
    ),
    "lead": (
        "Lead",
        "Actively shopping, or open to shopping now (agreed with marketing). "
        "Entry: a stated need, a budget or a timeline, or a request to talk.",
        30,
    ),
    "customer": (
        "Customer",
        "Has bought from us and is a client now. Entry: a signed order or contract.",
        None,
    ),
    "partner": (
        "Partner",
        "Works with us rather than buying: a reseller, an integrator, a referral source. "
        "Entry: an agreement to work together.",
        None,
    ),
    "other": (
        "Other",
        "Outside the funnel: a colleague, a supplier, a friend of the business.",
        None,
    ),
}


# --- the stage table --------------------------------------------------------------------------


def _info(row: StageDefinition) -> StageInfo:
    return StageInfo(row.key, row.label, row.definition, row.stuck_after_days, row.position)


def list_stages(session: Session) -> list[StageInfo]:
    """Every stage in funnel order."""
    rows = session.scalars(
        select(StageDefinition).order_by(StageDefinition.position, StageDefinition.key)
    )
    return [_info(r) for r in rows]


def stage_keys(session: Session) -> tuple[str, ...]:
    """The stage keys in funnel order."""
    return tuple(
        session.scalars(
            select(StageDefinition.key).order_by(StageDefinition.position, StageDefinition.key)
        )
    )


def existing_stage(session: Session, key: str) -> StageInfo | None:
    """The stage with exactly this key, or None."""
    row = session.get(StageDefinition, key)
    return None if row is None else _info(row)


def untouched(stage: StageInfo) -> bool:
    """A shipped stage exactly as the database was created with it (never edited)."""
    shipped = SHIPPED_DEFAULTS.get(stage.key)
    return shipped == (stage.label, stage.definition, stage.stuck_after_days)


def check_stage(session: Session, value: str) -> str:
    """The stored key of a stage named by its key (any case); the error lists the valid ones."""
    key = str(value).strip().lower()
    if session.get(StageDefinition, key) is None:
        valid = ", ".join(stage_keys(session))
        raise InvalidInputError(f"unknown stage {str(value)!r}; use one of: {valid}")
    return key


def get_stage(session: Session, value: str) -> StageInfo:
    """One stage by its key."""
    row = session.get(StageDefinition, check_stage(session, value))
    assert row is not None  # check_stage found it
    return _info(row)


def parse_stuck_after(value: str | int | None) -> int | None:
    """A stuck limit from `--stuck-after`: whole days (1 .. 36600), or "none" for no limit."""
    if value is None:
        return None
    if isinstance(value, int):
        days = value
    else:
        word = value.strip().lower()
        if word in ("none", "never", "off", ""):
            return None
        if not word.isascii() or not word.isdigit():
            raise InvalidInputError(
                f"the stuck limit must be a number of days or 'none', not {value!r}"
            )
        days = int(word)
    if not 1 <= days <= MAX_STUCK_DAYS:
        raise InvalidInputError(
            f"the stuck limit must be between 1 and {MAX_STUCK_DAYS} days (or 'none'), not {days}"
        )
    return days


def _label(value: str) -> str:
    return required_line(value, "the stage label", max_length=MAX_LABEL)


def _definition(value: str) -> str:
    clean = clean_block(value)
    if len(clean) > MAX_DEFINITION:
        raise InvalidInputError(
            f"the stage definition is longer than {MAX_DEFINITION} characters ({len(clean)})"
        )
    return clean


def edit_stage(
    session: Session,
    key: str,
    *,
    label: str | None = None,
    definition: str | None = None,
    stuck_after_days: int | None | Unset = UNSET,
) -> Changes:
    """Rename a stage, rewrite its definition or change its stuck limit (only what is given)."""
    row = session.get(StageDefinition, check_stage(session, key))
    assert row is not None
    if label is not None:
        row.label = _label(label)
    if definition is not None:
        row.definition = _definition(definition)
    if not isinstance(stuck_after_days, Unset):
        row.stuck_after_days = parse_stuck_after(stuck_after_days)
    session.flush()
    # Labels show in the contact list, on contact pages and the board: they all reload.
    return Changes(contacts=True)


def check_new_key(session: Session, value: str) -> str:
    """A key for a new stage: a free lowercase slug (letters, digits, - and _; 16 at most)."""
    key = value.strip()
    if not KEY_PATTERN.fullmatch(key):
        raise InvalidInputError(
            f"a stage key is 1 to 16 lowercase letters, digits, '-' or '_', "
            f"starting with a letter, not {value!r}"
        )
    if session.get(StageDefinition, key) is not None:
        raise InvalidInputError(f"there is already a stage {key!r}")
    return key


def add_stage(
    session: Session,
    key: str,
    *,
    label: str,
    after: str,
    definition: str = "",
    stuck_after_days: int | None = None,
) -> Changes:
    """Add a stage of the rep's own right after `after` in the funnel."""
    new_key = check_new_key(session, key)
    after_key = check_stage(session, after)
    row = StageDefinition(
        key=new_key,
        label=_label(label),
        definition=_definition(definition),
        stuck_after_days=parse_stuck_after(stuck_after_days),
        position=0,
    )
    ordered = list(
        session.scalars(
            select(StageDefinition).order_by(StageDefinition.position, StageDefinition.key)
        )
    )
    at = next(i for i, r in enumerate(ordered) if r.key == after_key) + 1
    ordered.insert(at, row)
    session.add(row)
    # Gaps of ten leave room, but renumbering is cheap and keeps the order obvious in the file.
    for i, r in enumerate(ordered):
        r.position = (i + 1) * 10
    session.flush()
    return Changes(contacts=True)


def delete_stage(session: Session, key: str) -> Changes:
    """Delete a stage of the rep's own that nobody is or was in (one added by mistake), with its
    keep-in-touch rhythm.

    A shipped stage stays (scripts rely on it). A stage with contacts in it, or in anyone's
    stage history, stays too, so the pipeline's past remains right: the error says which, and
    that the stage can be renamed or redefined instead (`edit_stage`).
    """
    stage = check_stage(session, key)
    if stage in SHIPPED:
        raise InvalidInputError(
            f"{stage!r} ships with the app and stays; change its label or definition instead"
        )
    now_in, trashed = session.execute(
        select(func.count(Contact.id), func.count(Contact.deleted_at)).where(Contact.stage == stage)
    ).one()
    if now_in:
        where = f" ({trashed:,} of them in the trash)" if trashed else ""
        raise InvalidInputError(
            f"{_people(now_in)} in the stage {stage!r}{where}; move them to another stage first"
        )
    history = session.scalar(
        select(func.count(func.distinct(StageChange.contact_id))).where(StageChange.stage == stage)
    )
    if history:
        raise InvalidInputError(
            f"the stage {stage!r} is in the stage history of {history:,} "
            f"contact{'s' if history != 1 else ''}, so it stays for the pipeline's past; "
            "rename it or change its definition instead"
        )
    session.execute(
        delete(KeepInTouchRhythm).where(
            KeepInTouchRhythm.scope == "stage", KeepInTouchRhythm.key == stage
        )
    )
    row = session.get(StageDefinition, stage)
    session.delete(row)
    session.flush()
    return Changes(contacts=True)


def _people(count: int) -> str:
    return "1 contact is" if count == 1 else f"{count:,} contacts are"


# --- stage of one contact ---------------------------------------------------------------------


def as_of_instant(session: Session, day: date) -> datetime:
    """The end of `day` in the rep's zone: figures "on" a day include everything that day."""
    bounds.check_day(day, "the date")
    return day_bounds(day, settings.zone(session))[1]


def days_between(entered: datetime, end: datetime) -> int:
    """Whole days from `entered` to `end` (the same rounding the SQL below uses)."""
    return max(0, int((end - entered).total_seconds() // 86_400))


@dataclass(frozen=True, slots=True)
class StageStatus:
    """Where one contact stands: its stage, since when, and whether it is stuck there."""

    stage: str
    label: str
    entered_at: datetime
    days_in_stage: int
    stuck_after_days: int | None

    @property
    def stuck(self) -> bool:
        """In the stage longer than the stage's limit."""
        limit = self.stuck_after_days
        return limit is not None and self.days_in_stage > limit


def stage_status(session: Session, contact_id: int, *, today: date) -> StageStatus:
    """The contact's stage, when it entered it, and whether it is stuck there on `today`."""
    contact = session.get(Contact, contact_id)
    if contact is None or contact.deleted_at is not None:
        raise NotFoundError(f"no contact with id {contact_id}")
    entered = session.scalar(
        select(func.max(StageChange.changed_at)).where(StageChange.contact_id == contact_id)
    )
    row = session.get(StageDefinition, contact.stage)
    entered_at = entered or contact.created_at
    end = as_of_instant(session, today)
    return StageStatus(
        stage=contact.stage,
        label=row.label if row else contact.stage,
        entered_at=entered_at,
        days_in_stage=days_between(entered_at, end),
        stuck_after_days=row.stuck_after_days if row else None,
    )


def is_stuck(session: Session, contact_id: int, *, today: date) -> bool:
    """Whether the contact has been in its stage longer than the stage's limit on `today`."""
    return stage_status(session, contact_id, today=today).stuck


def change_instant(
    session: Session, day: date, *, previous: datetime | None, now: datetime
) -> datetime:
    """When a stage change the rep dated `day` happened, checked against the history and now.

    Today means now; an earlier day means the start of that day in the rep's zone, or just after
    the previous change when that was on the same day (the history stays in order).
    """
    bounds.check_day(day, "the date of the stage change")
    zone = get_zone(settings.zone(session))
    start, end = day_bounds(day, zone)
    if start > now:
        raise InvalidInputError(f"the stage change date {bounds_day(day)} is in the future")
    if previous is not None and previous >= end:
        shown = bounds_day(previous.astimezone(zone).date())
        raise InvalidInputError(
            f"the stage change date {bounds_day(day)} is before the contact's previous "
            f"stage change ({shown})"
        )
    at = now if end > now else start
    if previous is not None and at <= previous:
        at = previous + timedelta(microseconds=1)
    return at


def bounds_day(day: date) -> str:
    """A day as YYYY-MM-DD (zero-padded years too)."""
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


# --- the pipeline -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PipelineRow:
    """One stage's figures on a day (see `pipeline`)."""

    stage: str
    label: str
    contacts: int
    entered_30d: int
    left_30d: int
    stuck: int
    median_days_in_stage: float | None
    converted_pct: float | None


# The pipeline from the whole history, for a day before the latest change or trash (a past day
# may cost more): one stay per stage change: the stage, when it was entered, and when and how
# it was left (the next change, or the trash). Only changes before the as-of instant count, so a
# past date shows the funnel as it stood then. Window functions keep this one pass.
_HISTORY_SQL = """
WITH ch AS (
    SELECT sc.contact_id, sc.stage, sc.changed_at,
           LEAD(sc.stage) OVER w AS next_stage,
           LEAD(sc.changed_at) OVER w AS next_at
    FROM stage_changes sc
    WHERE sc.changed_at < :end
    WINDOW w AS (PARTITION BY sc.contact_id ORDER BY sc.changed_at, sc.id)
),
stays AS MATERIALIZED (
    SELECT ch.contact_id, ch.stage, ch.changed_at AS entered_at, ch.next_stage,
           CASE WHEN ch.next_at IS NOT NULL THEN ch.next_at
                WHEN c.deleted_at IS NOT NULL AND c.deleted_at < :end THEN c.deleted_at
           END AS left_at,
           @DAYS(ch.changed_at)@ AS days
    FROM ch JOIN contacts c ON c.id = ch.contact_id
),
figures AS (
    SELECT sy.stage,
           COUNT(CASE WHEN sy.left_at IS NULL THEN 1 END) AS contacts,
           COUNT(CASE WHEN sy.left_at IS NULL AND st.stuck_after_days IS NOT NULL
                      AND sy.days > st.stuck_after_days THEN 1 END) AS stuck,
           COUNT(DISTINCT CASE WHEN sy.entered_at >= :since30 THEN sy.contact_id END) AS entered,
           COUNT(DISTINCT CASE WHEN sy.left_at >= :since30 THEN sy.contact_id END) AS left30,
           COUNT(CASE WHEN sy.left_at >= :since365 THEN 1 END) AS left365,
           COUNT(CASE WHEN sy.left_at >= :since365 AND nx.position > st.position THEN 1 END)
               AS forward
    FROM stays sy
    JOIN stages st ON st.key = sy.stage
    LEFT JOIN stages nx ON nx.key = sy.next_stage
    GROUP BY sy.stage
),
ranked AS (
    SELECT stage, days,
           ROW_NUMBER() OVER (PARTITION BY stage ORDER BY days) AS i,
           COUNT(*) OVER (PARTITION BY stage) AS n
    FROM stays WHERE left_at IS NULL
),
medians AS (
    SELECT stage, AVG(days) AS median FROM ranked
    WHERE i IN ((n + 1) / 2, (n + 2) / 2) GROUP BY stage
)
SELECT st.key, st.label,
       COALESCE(f.contacts, 0), COALESCE(f.entered, 0), COALESCE(f.left30, 0),
       COALESCE(f.stuck, 0), m.median, COALESCE(f.left365, 0), COALESCE(f.forward, 0)
FROM stages st
LEFT JOIN figures f ON f.stage = st.key
LEFT JOIN medians m ON m.stage = st.key
ORDER BY st.position, st.key
"""


def pipeline(session: Session, *, today: date) -> list[PipelineRow]:
    """The funnel on `today` (as of the end of that day in the rep's zone), one row per stage.

    `contacts`: live contacts in the stage; `entered_30d` / `left_30d`: contacts that entered or
    left it in the 30 days up to then; `stuck`: contacts in it longer than its limit;
    `median_days_in_stage`: of the contacts in it; `converted_pct`: of the stays in it that ended
    in the last 365 days, the share that moved to a later stage rather than back or out (to the
    trash). None when there is nothing to take a median or a share of.

    Read from the stays table (storage.stage_stays) by index ranges, so the cost follows the
    number of stages, not the history; a day before the latest stage change or trash is computed
    from the whole history instead (the table holds only how things stand now).
    """
    end = as_of_instant(session, today)
    params = {
        "end": format_instant(end),
        "since30": format_instant(end - timedelta(days=30)),
        "since365": format_instant(end - timedelta(days=365)),
    }
    stages = session.execute(
        select(
            StageDefinition.key,
            StageDefinition.label,
            StageDefinition.stuck_after_days,
            StageDefinition.position,
        ).order_by(StageDefinition.position, StageDefinition.key)
    ).all()
    latest = session.execute(text(_LATEST_SQL)).scalar()
    if latest is not None and latest >= params["end"]:
        return _from_history(session, params)
    days_sql = _for_engine(session, _MEDIAN_SQL)
    stuck_sql = _for_engine(session, _STUCK_EDGE_SQL)
    end_utc = end.astimezone(UTC)
    result = []
    for key, label, limit, position in stages:
        row = session.execute(
            text(_FIGURES_SQL), {**params, "stage": key, "position": position}
        ).one()
        contacts, entered, left, left365, forward = (int(v or 0) for v in row)
        stuck = 0
        if limit is not None and contacts:
            # Surely stuck: entered over limit + 2 days ago (julianday's rounding is far below
            # a day); the day before that edge is counted with the exact rule.
            stuck = int(
                session.execute(
                    text(stuck_sql),
                    {
                        "stage": key,
                        "end": params["end"],
                        "limit": limit,
                        "sure": format_instant(end_utc - timedelta(days=limit + 2)),
                        "maybe": format_instant(end_utc - timedelta(days=limit)),
                    },
                ).scalar_one()
            )
        median = None
        if contacts:
            # The middle one or two of the open stays, youngest first (days ascending).
            skip = (contacts + 1) // 2 - 1
            take = (contacts + 2) // 2 - skip
            middle = session.scalars(
                text(days_sql),
                {"stage": key, "end": params["end"], "take": take, "skip": skip},
            ).all()
            median = sum(float(d) for d in middle) / len(middle)
        result.append(
            PipelineRow(
                stage=key,
                label=label,
                contacts=contacts,
                entered_30d=entered,
                left_30d=left,
                stuck=stuck,
                median_days_in_stage=median,
                converted_pct=round(100 * forward / left365, 1) if left365 else None,
            )
        )
    return result


# The latest exit of a stay in any stage (one index look-up per stage): when none is at or
# after the as-of instant, the table stands as it did then for the stays entered before it
# (a later entry would have ended the stay before it after the instant).
_LATEST_SQL = """
SELECT MAX((SELECT MAX(s.left_at) FROM stage_stays s WHERE s.stage = st.key)) FROM stages st
"""

_FIGURES_SQL = """
SELECT
  (SELECT COUNT(*) FROM stage_stays s
   WHERE s.stage = :stage AND s.left_at IS NULL AND s.entered_at < :end),
  (SELECT COUNT(DISTINCT s.contact_id) FROM stage_stays s
   WHERE s.stage = :stage AND s.entered_at >= :since30 AND s.entered_at < :end),
  (SELECT COUNT(DISTINCT s.contact_id) FROM stage_stays s
   WHERE s.stage = :stage AND s.left_at >= :since30 AND s.entered_at < :end),
  (SELECT COUNT(*) FROM stage_stays s
   WHERE s.stage = :stage AND s.left_at >= :since365 AND s.entered_at < :end),
  (SELECT COUNT(*) FROM stage_stays s JOIN stages nx ON nx.key = s.next_stage
   WHERE s.stage = :stage AND s.left_at >= :since365 AND s.entered_at < :end
     AND nx.position > :position)
"""

_STUCK_EDGE_SQL = """
SELECT
  (SELECT COUNT(*) FROM stage_stays s
   WHERE s.stage = :stage AND s.left_at IS NULL AND s.entered_at < :sure)
  + (SELECT COUNT(*) FROM stage_stays s
     WHERE s.stage = :stage AND s.left_at IS NULL AND s.entered_at >= :sure
       AND s.entered_at < :maybe AND @DAYS(s.entered_at)@ > :limit)
"""

_MEDIAN_SQL = """
SELECT @DAYS(s.entered_at)@ FROM stage_stays s
WHERE s.stage = :stage AND s.left_at IS NULL AND s.entered_at < :end
ORDER BY s.entered_at DESC LIMIT :take OFFSET :skip
"""


def _from_history(session: Session, params: dict[str, str]) -> list[PipelineRow]:
    rows = session.execute(text(_for_engine(session, _HISTORY_SQL)), params).all()
    result = []
    for key, label, contacts, entered, left, stuck, median, left365, forward in rows:
        result.append(
            PipelineRow(
                stage=key,
                label=label,
                contacts=int(contacts),
                entered_30d=int(entered),
                left_30d=int(left),
                stuck=int(stuck),
                median_days_in_stage=None if median is None else float(median),
                converted_pct=round(100 * forward / left365, 1) if left365 else None,
            )
        )
    return result


# --- the board --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BoardCard:
    """A contact as a card on the Pipeline board."""

    contact_id: int
    name: str
    company: str
    stage: str
    days_in_stage: int
    stuck: bool


@dataclass(frozen=True, slots=True)
class BoardColumn:
    """A column's header: the stage, how many contacts are in it, how many are stuck."""

    stage: StageInfo
    count: int
    stuck: int


def _for_engine(session: Session, sql: str) -> str:
    """`sql` with each @DAYS(x)@ as the whole days from x to :end (truncated, as SQLite casts;
    PostgreSQL's CAST rounds)."""
    postgresql = portable.dialect_of(session) == portable.POSTGRESQL
    head, *parts = sql.split("@DAYS(")
    out = [head]
    for part in parts:
        expression, rest = part.split(")@", 1)
        diff = f"julianday(:end) - julianday({expression})"
        out.append(f"CAST(trunc({diff}) AS INTEGER)" if postgresql else f"CAST({diff} AS INTEGER)")
        out.append(rest)
    return "".join(out)


_ENTERED = "(SELECT MAX(sc.changed_at) FROM stage_changes sc WHERE sc.contact_id = c.id)"

_COLUMNS_SQL = f"""
SELECT c.stage, COUNT(*),
       COUNT(CASE WHEN st.stuck_after_days IS NOT NULL
                   AND @DAYS({_ENTERED})@ > st.stuck_after_days THEN 1 END)
FROM contacts c JOIN stages st ON st.key = c.stage
WHERE c.deleted_at IS NULL
GROUP BY c.stage
"""

# Longest in the stage first: the stuck ones lead each column.
_CARDS_SQL = f"""
SELECT c.id, c.display_name, COALESCE(co.name, ''), c.stage,
       COALESCE({_ENTERED}, c.created_at) AS entered
FROM contacts c LEFT JOIN companies co ON co.id = c.company_id
WHERE c.deleted_at IS NULL AND c.stage = :stage
ORDER BY entered, c.sort_name, c.id
LIMIT :limit OFFSET :offset
"""


def board_columns(session: Session, *, today: date) -> list[BoardColumn]:
    """Every stage with its live contacts and how many of them are stuck, in funnel order."""
    end = as_of_instant(session, today)
    counts = {
        key: (int(n), int(stuck or 0))
        for key, n, stuck in session.execute(
            text(_for_engine(session, _COLUMNS_SQL)), {"end": format_instant(end)}
        )
    }
    return [BoardColumn(s, *counts.get(s.key, (0, 0))) for s in list_stages(session)]


def board_cards(
    session: Session, stage: str, *, today: date, limit: int = 100, offset: int = 0
) -> list[BoardCard]:
    """One page of a board column: the stage's live contacts, longest in the stage first."""
    info = get_stage(session, stage)
    end = as_of_instant(session, today)
    rows = session.execute(
        text(_CARDS_SQL),
        {"stage": info.key, "limit": max(0, limit), "offset": max(0, offset)},
    )
    cards = []
    for cid, name, company, key, entered in rows:
        days = _stored_days(entered, end)
        limit_days = info.stuck_after_days
        cards.append(
            BoardCard(
                contact_id=cid,
                name=name,
                company=company,
                stage=key,
                days_in_stage=days,
                stuck=limit_days is not None and days > limit_days,
            )
        )
    return cards


def _stored_days(stored: object, end: datetime) -> int:
    parsed = parse_stored_time(stored)
    if parsed is None:
        return 0
    return days_between(parsed.replace(tzinfo=end.tzinfo), end)
