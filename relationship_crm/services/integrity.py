"""Checking a database file: SQLite's integrity and foreign-key checks, then the app's invariants.

`check(db_path)` works on the file, not on a Session: it must also examine a file the app would
refuse to open, and it must never change its content, so it reads through its own read-only
connection (URI ``mode=ro``) inside one read transaction, a consistent snapshot even while the app
writes. The one write it may cause is SQLite's own: a hot journal left by a killed writer is
rolled back first (`storage.database_file`), exactly as any SQLite reader with write access would.
Everything is done in SQL over whole tables or over distinct values, so a database of 100,000
contacts is checked in a few seconds (most of it ``PRAGMA integrity_check`` itself).

The app's own checks (`APP_CHECKS`) cover the derived columns the app keeps beside what the rep
typed and relies on without re-checking: the search index, folded sort names and lookup keys,
the instants computed from a wall-clock time and a zone, reminder times, the stage history,
recurrence rules, thank-you note states, the pipeline summary and the text format of every date
and time column.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import Date

from relationship_crm.domain.errors import DatabaseFileError, InvalidInputError, KnownError
from relationship_crm.domain.text import fold
from relationship_crm.scheduling.recurrence import next_occurrence
from relationship_crm.scheduling.zones import localize
from relationship_crm.storage import encryption, list_cells, search_index, stage_stays
from relationship_crm.storage.backups import raise_if_busy, sqlite_checks
from relationship_crm.storage.database_file import BUSY_TIMEOUT_MS, SCHEMA_HEAD, inspect_file
from relationship_crm.storage.schema import CONTACT_FTS_TABLE, Base
from relationship_crm.storage.types import DayDate, UTCDateTime, WallClock

#: Rows described one by one per check; the rest are counted in one last line.
MAX_EXAMPLES = 20


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing found wrong. `count` > 1 when the message stands for several rows."""

    kind: str  # "integrity", "foreign-key", "search-index", "sort-name", ...
    message: str
    count: int = 1

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What `run` found in one file."""

    path: Path | str  # the file, or the server database (services.server_check)
    revision: str | None
    problems: tuple[Problem, ...]
    app_checks: int  # how many of the app's own checks ran
    skipped: str = ""  # why the app's checks did not run ("" when they did)
    server: bool = False  # a server database: its integrity is PostgreSQL's, not checked here

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem_count(self) -> int:
        return sum(p.count for p in self.problems)

    def summary(self) -> str:
        """One line: "database OK: ..." or "N problems found"."""
        if self.problems:
            n = self.problem_count
            return f"{n:,} problem{'' if n == 1 else 's'} found"
        if self.skipped:
            return (
                "database OK: integrity and foreign keys passed; "
                f"the app checks were skipped ({self.skipped})"
            )
        if self.server:
            return (
                f"database OK: {self.app_checks} app checks passed "
                "(integrity and foreign keys are the PostgreSQL server's)"
            )
        return f"database OK: integrity, foreign keys and {self.app_checks} app checks passed"


def check(db_path: Path) -> list[Problem]:
    """Every problem found in the database at `db_path` (an empty list when it is sound).

    Raises KnownError when there is nothing to check, and DatabaseFileError for a file that is not
    a database of ours or was written by a newer version. Never writes to the file.
    """
    return list(run(db_path).problems)


def run(db_path: Path, *, limit: int = MAX_EXAMPLES) -> CheckReport:
    """Check `db_path`: SQLite's integrity check, its foreign-key check, then `APP_CHECKS`.

    The app's checks run only on an intact file of the current schema (an older schema is
    upgraded when the app opens it; its app checks are skipped). At most `limit` rows are
    described per check.
    """
    path = Path(db_path)
    if not path.exists():
        raise KnownError(f"there is no database at {path}")
    revision = inspect_file(path)
    if revision is None:
        return CheckReport(path, None, (), 0, skipped="the database is empty")
    with _snapshot(path) as conn:
        found = [Problem(kind, message) for kind, message in sqlite_checks(conn, limit=limit)]
        if any(p.kind == "integrity" for p in found):
            return CheckReport(path, revision, tuple(found), 0, skipped="the file is damaged")
        if revision != SCHEMA_HEAD:
            why = f"schema {revision} is older than {SCHEMA_HEAD}; the app upgrades it on opening"
            return CheckReport(path, revision, tuple(found), 0, skipped=why)
        for kind, app_check in APP_CHECKS:
            try:
                found.extend(app_check(conn, limit))
            except encryption.DATABASE_ERRORS as exc:
                raise_if_busy(exc)
                found.append(Problem(kind, f"could not be checked: {exc}"))
    return CheckReport(path, revision, tuple(found), len(APP_CHECKS))


@contextmanager
def _snapshot(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection inside one read transaction, with the app's SQL functions."""
    try:
        conn = encryption.connect(path, mode="ro", isolation_level=None)
    except encryption.ERRORS as exc:
        raise DatabaseFileError(f"cannot open {path}: {exc}") from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.create_function("crm_fold", 1, _fold_or_empty, deterministic=True)
        conn.create_function("crm_lower", 1, _lower, deterministic=True)
        conn.execute("BEGIN")
        yield conn
    finally:
        conn.close()  # rolls the read transaction back


def _fold_or_empty(value: str | None) -> str:
    # The same function storage.db registers for the index writer: None folds to "".
    return fold(value) if value else ""


def _lower(value: str | None) -> str | None:
    # Python's lower(), as contacts computes email keys (SQLite's lower() is ASCII only).
    return value.lower() if value is not None else None


# --- helpers -----------------------------------------------------------------------------------

Row = tuple[Any, ...]


def _rows(
    conn: sqlite3.Connection,
    kind: str,
    sql: str,
    describe: Callable[[Row], str],
    limit: int,
    rest: str,
    params: tuple[Any, ...] = (),
) -> list[Problem]:
    """One problem per row of `sql` (up to `limit`), then one counting the rest."""
    cursor = conn.execute(sql, params)
    problems = [Problem(kind, describe(row)) for row in cursor.fetchmany(limit)]
    extra = sum(1 for _ in cursor)
    if extra:
        problems.append(Problem(kind, f"... and {extra:,} more {rest}", extra))
    return problems


def _instant_text(wall: str, zone: ZoneInfo) -> str:
    """The stored UTCDateTime text of wall-clock text `wall` in `zone` (as services compute it)."""
    moment = localize(datetime.fromisoformat(wall), zone).astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat(" ", "microseconds")


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _zone(name: object) -> ZoneInfo | None:
    """The zone stored as `name`, or None if it is not a valid IANA name spelled exactly."""
    if not isinstance(name, str) or not name or name != name.strip():
        return None
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError, TypeError):
        return None
    known = _known_zones()
    return zone if not known or name in known else None


# --- the app's checks --------------------------------------------------------------------------

# The index writer's own SELECT (search_index.SQLITE_ROWS without its INSERT line), so this
# check always compares against exactly what the app would write.
_INDEX_SELECT = search_index.SQLITE_ROWS[search_index.SQLITE_ROWS.index("SELECT") :]
_INDEX_COLUMNS = "rowid, name, emails, company, notes, tags"


def _search_index(conn: sqlite3.Connection, limit: int) -> list[Problem]:
    """The search index holds exactly one row per live contact, with the text the app writes."""
    kind = "search-index"
    wrong = conn.execute(
        f"SELECT * FROM ({_INDEX_SELECT} EXCEPT SELECT {_INDEX_COLUMNS} FROM {CONTACT_FTS_TABLE})"
    )
    problems: list[Problem] = []
    extra = 0
    for contact_id, *_ignored in wrong:
        if len(problems) >= limit:
            extra += 1
            continue
        present = conn.execute(
            f"SELECT 1 FROM {CONTACT_FTS_TABLE} WHERE rowid = ?", (contact_id,)
        ).fetchone()
        problems.append(
            Problem(
                kind,
                f"contact {contact_id} is missing from the search index"
                if present is None
                else f"the search index entry of contact {contact_id} is out of date",
            )
        )
    if extra:
        problems.append(
            Problem(kind, f"... and {extra:,} more contacts missing or out of date", extra)
        )
    problems += _rows(
        conn,
        kind,
        f"SELECT f.rowid, c.id IS NULL FROM {CONTACT_FTS_TABLE} f "
        "LEFT JOIN contacts c ON c.id = f.rowid WHERE c.id IS NULL OR c.deleted_at IS NOT NULL",
        lambda r: (
            f"the search index has an entry for contact {r[0]}, which "
            + ("does not exist" if r[1] else "is in the trash")
        ),
        limit,
        "search index entries of missing or trashed contacts",
    )
    return problems


def _sort_names(conn: sqlite3.Connection, limit: int) -> list[Problem]:
    """contacts.sort_name is the folded display name (the list sorts and seeks on it)."""
    return _rows(
        conn,
        "sort-name",
        "SELECT id, display_name, sort_name FROM contacts "
        "WHERE sort_name IS NOT crm_fold(display_name)",
        lambda r: (
            f"contact {r[0]} ({r[1]!r}) has the sort name {r[2]!r}, not {_fold_or_empty(r[1])!r}"
        ),
        limit,
        "contacts with a wrong sort name",
    )


def _email_keys(conn: sqlite3.Connection, limit: int) -> list[Problem]:
    """contact_emails.value_key is the lower-cased address (duplicates and lookups use it)."""
    return _rows(
        conn,
        "email-key",
        "SELECT id, contact_id, value, value_key FROM contact_emails "
        "WHERE value_key IS NOT crm_lower(value)",
        lambda r: f"email {r[2]!r} of contact {r[1]} has the lookup key {r[3]!r}",
        limit,
        "emails with a wrong lookup key",
    )


def _name_keys(table: str, what: str) -> Callable[[sqlite3.Connection, int], list[Problem]]:
    def check(conn: sqlite3.Connection, limit: int) -> list[Problem]:
        return _rows(
            conn,
            f"{what}-key",
            f"SELECT id, name, name_key FROM {table} WHERE name_key IS NOT crm_fold(name)",
            lambda r: (
                f"{what} {r[0]} ({r[1]!r}) has the key {r[2]!r}, not {_fold_or_empty(r[1])!r}"
            ),
            limit,
            f"{what} names with a wrong key",
        )

    check.__doc__ = f"{table}.name_key is the folded name (names are unique regardless of case)."
    return check


def _stage_history(conn: sqlite3.Connection, limit: int) -> list[Problem]:
    """Every contact has a stage history, and its latest entry is the contact's stage."""
    return _rows(
        conn,
        "stage-history",
        "SELECT id, stage, latest FROM (SELECT c.id, c.stage, (SELECT s.stage FROM stage_changes s"
        " WHERE s.contact_id = c.id ORDER BY s.changed_at DESC, s.id DESC LIMIT 1) AS latest"
        " FROM contacts c) WHERE latest IS NOT stage",
        lambda r: (
            f"contact {r[0]} has no stage history"
            if r[2] is None
            else f"contact {r[0]} is a {r[1]} but its stage history ends with {r[2]}"
        ),
        limit,
        "contacts whose stage history does not match their stage",
    )


def _stage_keys(conn: sqlite3.Connection, limit: int) -> list[Problem]:
    """Every contact's stage and every history entry is a stage of the stages table.

    The table replaced the old CHECK list (the rep adds stages), so the database no longer
    refuses an unknown stage written from outside the app: this check names it. A file of an
    older schema (checked before it is migrated) has no stages table and nothing to check.
    """
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'stages'")
    if found.fetchone() is None:
        return []
    return _rows(
        conn,
        "unknown-stage",
        "SELECT 'contact', id, stage FROM contacts WHERE stage NOT IN (SELECT key FROM stages)"
        " UNION ALL SELECT 'stage history entry', id, stage FROM stage_changes"
        " WHERE stage NOT IN (SELECT key FROM stages)",
        lambda r: f"{r[0]} {r[1]} has the unknown stage {r[2]!r}",
        limit,
        "records with an unknown stage",
    )


def row_problems(
    rows: Sequence[Sequence[Any]],
    kind: str,
    describe: Callable[[Sequence[Any]], str],
    limit: int,
    rest: str,
) -> list[Problem]:
    """One problem per row (up to `limit`), then one counting the rest ("... and 3 more REST")."""
    problems = [Problem(kind, describe(row)) for row in rows[:limit]]
    if len(rows) > limit:
        extra = len(rows) - limit
        problems.append(Problem(kind, f"... and {extra:,} more {rest}", extra))
    return problems


def summary_problems(
    missing: list[str], wrong: list[Any], stray: list[Any], limit: int
) -> list[Problem]:
    """The problems of the pipeline summary (stage_stays), given what was found wrong."""
    kind = "stage-summary"
    problems = [
        Problem(kind, f"the pipeline summary's trigger {name} is missing") for name in missing
    ]
    late = "is missing or out of date in the pipeline summary"
    extra = "is in the pipeline summary but not in the stage history"
    problems += row_problems(
        wrong, kind, lambda row: f"stage change {row[0]} {late}", limit, f"stage changes {late}"
    )
    return problems + row_problems(
        stray, kind, lambda row: f"stage change {row[0]} {extra}", limit, f"stage changes {extra}"
    )


def _missing(conn: sqlite3.Connection, names: Sequence[str]) -> list[str]:
    """Those of `names` (triggers, indexes) that the file's schema lacks."""
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    return [name for name in names if name not in present]


def _stage_summary(conn: sqlite3.Connection, limit: int) -> list[Problem]:
    """The pipeline summary (stage_stays) is what its triggers compute from the stage history
    and the trash, and the triggers are there to keep it so."""
    missing = _missing(conn, stage_stays.TRIGGERS)
    wrong, stray = (conn.execute(sql).fetchall() for sql in stage_stays.DIFFERENCES_SQL)
    return summary_problems(missing, wrong, stray, limit)


def list_cell_problems(missing: list[str], wrong: list[Any], limit: int) -> list[Problem]:
    """The problems of the contact list's cells (contacts.list_company, list_emails, list_tags)."""
    kind = "list-cells"
    problems = [
        Problem(
            kind,
            f"the contact list's {'index' if name == list_cells.INDEX else 'trigger'} "
            f"{name} is missing",
        )
        for name in missing
    ]
    what = "has list cells (company, emails, tags) that differ from its company, emails and tags"
    return problems + row_problems(
        wrong, kind, lambda row: f"contact {row[0]} {what}", limit, f"contacts {what}"
    )


def _list_cells(conn: sqlite3.Connection, limit: int) -> list[Problem]:
    """Each contact's list cells are what its emails and tags make, and the triggers (and the
    list's index) are there to keep them so."""
    missing = _missing(conn, (*list_cells.TRIGGERS, list_cells.INDEX))
    return list_cell_problems(missing, conn.execute(list_cells.differences_sql()).fetchall(), limit)


def _time_zones(conn: sqlite3.Connection, limit: int) -> list[Problem]:
    """Zones of meetings and follow-ups, and the timezone setting, are valid IANA names."""
    problems = []
    for table, what in (("meetings", "meeting"), ("follow_ups", "follow-up")):
        for tz, first, count in conn.execute(
            f"SELECT tz, min(id), count(*) FROM {table} GROUP BY tz"
        ):
            if _zone(tz) is None:
                others = f" (and {count - 1:,} more {what}s)" if count > 1 else ""
                problems.append(
                    Problem(
                        "time-zone", f"{what} {first}{others} has the unknown zone {tz!r}", count
                    )
                )
    setting = conn.execute("SELECT value FROM settings WHERE key = 'timezone'").fetchone()
    if setting is not None and setting[0] and _zone(setting[0]) is None:
        problems.append(Problem("time-zone", f"the timezone setting {setting[0]!r} is unknown"))
    return problems


def _instants(
    kind: str, table: str, what: str, wall: str, instant: str, where: str
) -> Callable[[sqlite3.Connection, int], list[Problem]]:
    def check(conn: sqlite3.Connection, limit: int) -> list[Problem]:
        # Grouped by value: a rep's times repeat (quarter hours), so this is thousands of
        # conversions, not one per row.
        problems: list[Problem] = []
        for wall_text, tz, stored, first, count in conn.execute(
            f"SELECT {wall}, tz, {instant}, min(id), count(*) FROM {table} {where} "
            f"GROUP BY {wall}, tz, {instant}"
        ):
            zone = _zone(tz)
            if zone is None or not isinstance(wall_text, str):
                continue  # reported by the time-zone and timestamp checks
            try:
                expected = _instant_text(wall_text, zone)
            except ValueError:
                continue
            if stored == expected:
                continue
            others = f" (and {count - 1:,} more {what}s at that time)" if count > 1 else ""
            problems.append(
                Problem(
                    kind,
                    f"{what} {first}{others}: {wall_text} in {tz} is stored as {stored} UTC, "
                    f"not {expected} UTC",
                    count,
                )
            )
        return problems

    check.__doc__ = f"{table}.{instant} is the instant of {wall} in its zone (DST included)."
    return check


def _remind_times(conn: sqlite3.Connection, limit: int) -> list[Problem]:
    """An open follow-up reminds at its snooze time while snoozed, else at its due time."""
    return _rows(
        conn,
        "remind-time",
        "SELECT id, remind_at, coalesce(snoozed_until, due_at) FROM follow_ups "
        "WHERE status = 'open' AND remind_at IS NOT coalesce(snoozed_until, due_at)",
        lambda r: f"open follow-up {r[0]} reminds at {r[1]} UTC instead of {r[2]} UTC",
        limit,
        "open follow-ups with a wrong reminder time",
    )


def _recurrence_rules(conn: sqlite3.Connection, limit: int) -> list[Problem]:
    """The repeat rule of every open follow-up can be read (its next date can be computed)."""
    problems = []
    anchor = datetime(2000, 1, 3, 9, 0)
    for rule, first, count in conn.execute(
        "SELECT rrule, min(id), count(*) FROM follow_ups "
        "WHERE status = 'open' AND rrule IS NOT NULL GROUP BY rrule"
    ):
        try:
            next_occurrence(str(rule), anchor_local=anchor, after_local=anchor)
        except (InvalidInputError, ValueError) as exc:
            others = f" (and {count - 1:,} more)" if count > 1 else ""
            problems.append(
                Problem(
                    "repeat-rule", f"follow-up {first}{others} repeats by {rule!r}: {exc}", count
                )
            )
    return problems


def _thanks_states(conn: sqlite3.Connection, limit: int) -> list[Problem]:
    """A printed thank-you note has a print date and a sent one a sent date."""
    return _rows(
        conn,
        "thanks-status",
        "SELECT id, status FROM thank_you_notes WHERE (status = 'printed' AND printed_at IS NULL)"
        " OR (status = 'sent' AND sent_at IS NULL)",
        lambda r: f"thank-you note {r[0]} is {r[1]} but has no {r[1]} date",
        limit,
        "thank-you notes without the date of their state",
    )


# GLOB patterns of the text each column type stores (storage.types; SQLAlchemy's Date on SQLite).
_D = "[0-9]"
_DAY = f"{_D * 4}-[01]{_D}-[0-3]{_D}"
_PATTERNS: tuple[tuple[type, str, str], ...] = (
    (UTCDateTime, f"{_DAY} [0-2]{_D}:[0-5]{_D}:[0-5]{_D}.{_D * 6}", "UTC time"),
    (WallClock, f"{_DAY} [0-2]{_D}:[0-5]{_D}", "wall-clock time"),
    (Date, _DAY, "date"),
    (DayDate, _DAY, "date"),
)


def _time_formats(conn: sqlite3.Connection, limit: int) -> list[Problem]:
    """Every date and time column holds text the app can read back (else screens fail on it)."""
    problems: list[Problem] = []
    for table in Base.metadata.sorted_tables:
        checked = []
        for column in table.columns:
            for column_type, pattern, what in _PATTERNS:
                if isinstance(column.type, column_type):
                    checked.append((column.name, pattern, what))
                    break
        if not checked:
            continue
        bad = " OR ".join(
            f'("{name}" IS NOT NULL AND "{name}" NOT GLOB \'{pattern}\')'
            for name, pattern, _ in checked
        )
        columns = ", ".join(f'"{name}"' for name, _, _ in checked)

        def describe(row: Row, table_name: str = table.name, cols: list[Any] = checked) -> str:
            wrong = [
                f"{name} {value!r} is not a {what}"
                for (name, pattern, what), value in zip(cols, row[1:], strict=True)
                if value is not None and not _glob(conn, value, pattern)
            ]
            return f"{table_name} row {row[0]}: " + "; ".join(wrong)

        problems += _rows(
            conn,
            "time-format",
            f'SELECT rowid, {columns} FROM "{table.name}" WHERE {bad}',
            describe,
            limit,
            f"{table.name} rows with unreadable dates or times",
        )
    return problems


def _glob(conn: sqlite3.Connection, value: Any, pattern: str) -> bool:
    row = conn.execute("SELECT ? GLOB ?", (value, pattern)).fetchone()
    return bool(row[0])


AppCheck = Callable[[sqlite3.Connection, int], list[Problem]]

#: The app's own checks, in the order they run: (kind reported on failure, check).
APP_CHECKS: tuple[tuple[str, AppCheck], ...] = (
    ("time-format", _time_formats),
    ("search-index", _search_index),
    ("sort-name", _sort_names),
    ("email-key", _email_keys),
    ("company-key", _name_keys("companies", "company")),
    ("tag-key", _name_keys("tags", "tag")),
    ("stage-history", _stage_history),
    ("unknown-stage", _stage_keys),
    ("stage-summary", _stage_summary),
    ("list-cells", _list_cells),
    ("time-zone", _time_zones),
    (
        "follow-up-time",
        _instants(
            "follow-up-time",
            "follow_ups",
            "follow-up",
            "due_local",
            "due_at",
            "WHERE status = 'open'",
        ),
    ),
    (
        "meeting-time",
        _instants("meeting-time", "meetings", "meeting", "starts_local", "starts_at", ""),
    ),
    ("remind-time", _remind_times),
    ("repeat-rule", _recurrence_rules),
    ("thanks-status", _thanks_states),
)
