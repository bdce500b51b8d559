"""`check --repair`: fix what `integrity` finds where the right value is certain, after a backup.

Only values that can be recomputed from others are rewritten: a date/time stored in an older or
foreign text form that still reads unambiguously is rewritten in the stored form; an instant is
recomputed from its wall clock and zone (or the wall clock from the instant when only that is
readable); a reminder time from the due and snooze times; a snooze that cannot be read is dropped
(the follow-up then reminds at its due time); a zone spelled in the wrong case gets its proper
spelling; the folded sort names, the search index and the pipeline summary (with its triggers)
are rebuilt. Anything else (a row whose moment cannot be recovered, a bad repeat rule, a damaged
file) is left as it is and named, so the rep can fix it by hand. A backup is made first;
nothing is written when there is nothing to fix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from relationship_crm.domain.errors import KnownError
from relationship_crm.scheduling.zones import get_zone, localize
from relationship_crm.services import contacts, integrity
from relationship_crm.storage import backups, list_cells, stage_stays
from relationship_crm.storage.db import open_database
from relationship_crm.storage.portable import POSTGRESQL, dialect_of
from relationship_crm.storage.schema import Base
from relationship_crm.storage.types import (
    UTCDateTime,
    WallClock,
    format_instant,
    format_wall_clock,
    parse_stored_time,
)

BACKUP_REASON = "before-repair"


@dataclass(frozen=True, slots=True)
class RepairReport:
    """What `repair` did: the backup made, each fix, and the check run afterwards."""

    backup: Path | None
    fixed: tuple[str, ...]
    after: integrity.CheckReport

    @property
    def ok(self) -> bool:
        return self.after.ok


def repair(db_path: Path, *, backup_folder: Path, now: datetime | None = None) -> RepairReport:
    """Check `db_path`, back it up into `backup_folder`, fix what can be fixed, check again."""
    now = now or datetime.now(UTC)
    before = integrity.run(db_path)
    if before.ok:
        return RepairReport(None, (), before)
    if before.app_checks == 0:
        raise KnownError(
            f"cannot repair {db_path}: {before.skipped or 'the app checks did not run'}"
        )
    made = backups.make_backup(db_path, folder=backup_folder, reason=BACKUP_REASON, now=now)
    fixed: list[str] = []
    database = open_database(db_path)
    try:
        with database.write() as session:
            for step in _STEPS:
                fixed += step(session)
    finally:
        database.close()
    return RepairReport(made, tuple(fixed), integrity.run(db_path))


# --- the steps --------------------------------------------------------------------------------

Step = Callable[[Session], list[str]]


def _zone(name: object) -> ZoneInfo | None:
    if not isinstance(name, str):
        return None
    try:
        return get_zone(name)
    except KnownError:
        return None


def _time_forms(session: Session) -> list[str]:
    """Readable dates/times stored in another text form are rewritten in the stored form."""
    fixed: list[str] = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, UTCDateTime):
                aware, write = True, format_instant
            elif isinstance(column.type, WallClock):
                aware, write = False, format_wall_clock
            else:
                continue
            name = f'"{column.name}"'
            rows = session.execute(
                text(f'SELECT rowid, {name} FROM "{table.name}" WHERE {name} IS NOT NULL')
            ).all()
            for rowid, stored in rows:
                value = parse_stored_time(stored)
                if value is None:
                    continue
                canonical = write(value.replace(tzinfo=UTC) if aware else value)
                if canonical != stored:
                    session.execute(
                        text(f'UPDATE "{table.name}" SET "{column.name}" = :v WHERE rowid = :r'),
                        {"v": canonical, "r": rowid},
                    )
                    fixed.append(
                        f"{table.name} row {rowid}: {column.name} {stored!r} rewritten as "
                        f"{canonical!r}"
                    )
    return fixed


def _moments(table: str, what: str, wall: str, instant: str, where: str) -> Step:
    def step(session: Session) -> list[str]:
        fixed: list[str] = []
        rows = session.execute(text(f"SELECT id, {wall}, tz, {instant} FROM {table} {where}")).all()
        for row_id, wall_text, tz, stored in rows:
            zone = _zone(tz)
            if zone is None:
                continue
            if zone.key != tz:
                session.execute(
                    text(f"UPDATE {table} SET tz = :z WHERE id = :i"), {"z": zone.key, "i": row_id}
                )
                fixed.append(f"{what} {row_id}: zone {tz!r} spelled {zone.key!r}")
            local = parse_stored_time(wall_text)
            if local is not None:
                expected = format_instant(localize(local.replace(second=0, microsecond=0), zone))
                if expected != stored:
                    session.execute(
                        text(f"UPDATE {table} SET {instant} = :v WHERE id = :i"),
                        {"v": expected, "i": row_id},
                    )
                    fixed.append(f"{what} {row_id}: {instant} recomputed from {wall} and zone")
                continue
            moment = parse_stored_time(stored)
            if moment is None:
                continue  # neither can be read: left for the rep, named by the check after
            wall_clock = format_wall_clock(moment.replace(tzinfo=UTC).astimezone(zone))
            session.execute(
                text(f"UPDATE {table} SET {wall} = :v WHERE id = :i"),
                {"v": wall_clock, "i": row_id},
            )
            fixed.append(f"{what} {row_id}: {wall} recomputed from {instant} and zone")
        return fixed

    return step


def _follow_up_extras(session: Session) -> list[str]:
    """Open follow-ups: unreadable snoozes dropped, anchors and reminder times recomputed."""
    fixed: list[str] = []
    rows = session.execute(
        text(
            "SELECT id, due_local, anchor_local, rrule, snoozed_until, due_at, remind_at "
            "FROM follow_ups WHERE status = 'open'"
        )
    ).all()
    for row_id, due_local, anchor, rrule, snoozed, due_at, remind_at in rows:
        if snoozed is not None and parse_stored_time(snoozed) is None:
            session.execute(
                text("UPDATE follow_ups SET snoozed_until = NULL WHERE id = :i"), {"i": row_id}
            )
            fixed.append(f"follow-up {row_id}: unreadable snooze {snoozed!r} dropped")
            snoozed = None
        if parse_stored_time(anchor) is None and rrule is None and parse_stored_time(due_local):
            session.execute(
                text("UPDATE follow_ups SET anchor_local = due_local WHERE id = :i"), {"i": row_id}
            )
            fixed.append(f"follow-up {row_id}: anchor_local set to its due time")
        expected = snoozed if snoozed is not None else due_at
        if parse_stored_time(expected) is not None and remind_at != expected:
            session.execute(
                text("UPDATE follow_ups SET remind_at = :v WHERE id = :i"),
                {"v": expected, "i": row_id},
            )
            fixed.append(f"follow-up {row_id}: remind_at recomputed")
    return fixed


def _derived_text(session: Session) -> list[str]:
    """Folded sort names and the search index, recomputed from what the rep typed."""
    fixed: list[str] = []
    changed = session.execute(
        text(
            "UPDATE contacts SET sort_name = crm_fold(display_name) "
            "WHERE sort_name IS NOT crm_fold(display_name)"
        )
    )
    count: Any = getattr(changed, "rowcount", 0)
    if count:
        fixed.append(f"{count} contact sort name(s) recomputed")
    contacts.rebuild_index(session)
    return fixed


def _stage_summary(session: Session) -> list[str]:
    """The pipeline summary and its triggers, recomputed from the stage history (last: the
    steps before may have rewritten the times it copies)."""
    missing = stage_stays.missing_triggers(session)
    wrong = [session.execute(text(sql)).first() for sql in stage_stays.DIFFERENCES_SQL]
    if not missing and wrong == [None, None]:
        return []
    stage_stays.create_triggers(session)
    stage_stays.rebuild(session)
    return ["the pipeline summary (stage_stays) rebuilt from the stage history"]


def _list_cells(session: Session) -> list[str]:
    """The contact list's cells and their triggers, recomputed from the emails and tags."""
    on_server = dialect_of(session) == POSTGRESQL
    missing = list_cells.missing_triggers(session)
    wrong = session.execute(text(list_cells.differences_sql(postgresql=on_server))).first()
    if not missing and wrong is None:
        return []
    list_cells.create_triggers(session)
    list_cells.rebuild(session)
    return ["the contact list's cells (company, emails, tags) computed again"]


_STEPS: tuple[Step, ...] = (
    _time_forms,
    _moments("follow_ups", "follow-up", "due_local", "due_at", "WHERE status = 'open'"),
    _moments("meetings", "meeting", "starts_local", "starts_at", ""),
    _follow_up_extras,
    _derived_text,
    _stage_summary,
    _list_cells,
)
