"""`check` on a team's server database (issue 20): the app's own checks; integrity is PostgreSQL's.

A server keeps its own pages, indexes and foreign keys sound (and its admin runs its backups), so
what is left to check is what the app derives and relies on: the search index, the folded sort
names, the stage history, the stage keys and the pipeline summary. Read in one read-only
transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.orm import Session

from relationship_crm.domain.text import fold
from relationship_crm.services.integrity import (
    MAX_EXAMPLES,
    CheckReport,
    Problem,
    list_cell_problems,
    row_problems,
    summary_problems,
)
from relationship_crm.storage import list_cells, search_index, stage_stays
from relationship_crm.storage.database_file import SCHEMA_HEAD
from relationship_crm.storage.schema import CONTACT_FTS_TABLE

_INDEX_SELECT = search_index.POSTGRESQL_ROWS[search_index.POSTGRESQL_ROWS.index("SELECT") :]


def _search_index(session: Session, limit: int) -> list[Problem]:
    wrong = session.execute(
        text(
            f"SELECT w.id, f.rowid IS NULL FROM ({_INDEX_SELECT} EXCEPT SELECT rowid, name, "
            f"emails, company, notes, tags FROM {CONTACT_FTS_TABLE}) AS w "
            f"LEFT JOIN {CONTACT_FTS_TABLE} f ON f.rowid = w.id ORDER BY w.id"
        )
    ).all()
    problems = row_problems(
        wrong,
        "search-index",
        lambda r: (
            f"contact {r[0]} is missing from the search index"
            if r[1]
            else f"the search index entry of contact {r[0]} is out of date"
        ),
        limit,
        "contacts missing or out of date",
    )
    stray = session.execute(
        text(
            f"SELECT f.rowid, c.id IS NULL FROM {CONTACT_FTS_TABLE} f LEFT JOIN contacts c "
            "ON c.id = f.rowid WHERE c.id IS NULL OR c.deleted_at IS NOT NULL ORDER BY f.rowid"
        )
    ).all()
    return problems + row_problems(
        stray,
        "search-index",
        lambda r: (
            f"the search index has an entry for contact {r[0]}, which "
            + ("does not exist" if r[1] else "is in the trash")
        ),
        limit,
        "search index entries of missing or trashed contacts",
    )


def _sort_names(session: Session, limit: int) -> list[Problem]:
    # Folded in Python, as the app folds it (the server's crm_fold approximates it for search).
    rows = [
        row
        for row in session.execute(
            text("SELECT id, display_name, sort_name FROM contacts ORDER BY id")
        )
        if row[2] != fold(row[1] or "")
    ]
    return row_problems(
        rows,
        "sort-name",
        lambda r: f"contact {r[0]} ({r[1]!r}) has the sort name {r[2]!r}, not {fold(r[1])!r}",
        limit,
        "contacts with a wrong sort name",
    )


def _stage_history(session: Session, limit: int) -> list[Problem]:
    rows = session.execute(
        text(
            "SELECT id, stage, latest FROM (SELECT c.id, c.stage, (SELECT s.stage FROM "
            "stage_changes s WHERE s.contact_id = c.id ORDER BY s.changed_at DESC, s.id DESC "
            "LIMIT 1) AS latest FROM contacts c) AS h WHERE latest IS DISTINCT FROM stage "
            "ORDER BY id"
        )
    ).all()
    return row_problems(
        rows,
        "stage-history",
        lambda r: (
            f"contact {r[0]} has no stage history"
            if r[2] is None
            else f"contact {r[0]} is a {r[1]} but its stage history ends with {r[2]}"
        ),
        limit,
        "contacts whose stage history does not match their stage",
    )


def _stage_keys(session: Session, limit: int) -> list[Problem]:
    rows = session.execute(
        text(
            "SELECT 'contact', id, stage FROM contacts WHERE stage NOT IN (SELECT key FROM stages)"
            " UNION ALL SELECT 'stage history entry', id, stage FROM stage_changes"
            " WHERE stage NOT IN (SELECT key FROM stages)"
        )
    ).all()
    return row_problems(
        rows,
        "unknown-stage",
        lambda r: f"{r[0]} {r[1]} has the unknown stage {r[2]!r}",
        limit,
        "records with an unknown stage",
    )


def _stage_summary(session: Session, limit: int) -> list[Problem]:
    wrong, stray = (list(session.execute(text(sql)).all()) for sql in stage_stays.DIFFERENCES_SQL)
    return summary_problems(stage_stays.missing_triggers(session), wrong, stray, limit)


def _list_cells(session: Session, limit: int) -> list[Problem]:
    wrong = list(session.execute(text(list_cells.differences_sql(postgresql=True))).all())
    return list_cell_problems(list_cells.missing_triggers(session), wrong, limit)


SERVER_CHECKS: tuple[tuple[str, Callable[[Session, int], list[Problem]]], ...] = (
    ("search-index", _search_index),
    ("sort-name", _sort_names),
    ("stage-history", _stage_history),
    ("unknown-stage", _stage_keys),
    ("stage-summary", _stage_summary),
    ("list-cells", _list_cells),
)


def run(session: Session, where: str, *, limit: int = MAX_EXAMPLES) -> CheckReport:
    """The app's checks on the server database of `session` (`where` names it in the report)."""
    found: list[Problem] = []
    for _kind, server_check in SERVER_CHECKS:
        found.extend(server_check(session, limit))
    return CheckReport(where, SCHEMA_HEAD, tuple(found), len(SERVER_CHECKS), server=True)
