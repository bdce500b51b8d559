"""The pipeline's stays table (issue 18): kept by triggers, it gives the figures of the history.

The reference is the query the pipeline ran over the whole stage history before the table
existed (kept here verbatim): random stage changes, undos, trashes, restores and purges must give
the same figures from the table as from the history, on today and on past days.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.records import ContactDraft
from relationship_crm.services import (
    contacts,
    integrity,
    json_copy,
    json_copy_import,
    repair,
    server_check,
    stages,
    trash,
)
from relationship_crm.storage import stage_stays
from relationship_crm.storage.db import open_database

# fmt: off
REFERENCE_SQL = """
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
# fmt: on

START = datetime(2026, 1, 1, 8, tzinfo=UTC)
STAGES = ("prospect", "lead", "customer", "partner", "other")


def reference(session, today: date) -> list[tuple[object, ...]]:
    """The figures as the old whole-history query gives them."""
    end = stages.as_of_instant(session, today)
    params = {
        "end": stages.format_instant(end),
        "since30": stages.format_instant(end - timedelta(days=30)),
        "since365": stages.format_instant(end - timedelta(days=365)),
    }
    rows = session.execute(text(stages._for_engine(session, REFERENCE_SQL)), params).all()
    return [
        (
            key,
            int(n),
            int(entered),
            int(left),
            int(stuck),
            None if median is None else float(median),
            round(100 * forward / left365, 1) if left365 else None,
        )
        for key, _label, n, entered, left, stuck, median, left365, forward in rows
    ]


def figures(session, today: date) -> list[tuple[object, ...]]:
    return [
        (
            r.stage,
            r.contacts,
            r.entered_30d,
            r.left_30d,
            r.stuck,
            r.median_days_in_stage,
            r.converted_pct,
        )
        for r in stages.pipeline(session, today=today)
    ]


# One step: (what, which contact (an index into those made), a stage, hours later).
step = st.tuples(
    st.sampled_from(
        ["add", "add", "move", "move", "move", "undo", "trash", "restore", "purge", "insert"]
    ),
    st.integers(0, 7),
    st.sampled_from(STAGES),
    st.integers(0, 24 * 120),
)


def apply(session, steps) -> datetime:
    """Play `steps` from START; returns the moment of the last one."""
    now = START
    made: list[int] = []
    undo: dict[int, int] = {}
    for what, which, stage, hours in steps:
        now += timedelta(hours=hours, microseconds=1)
        if what == "add" or not made:
            made.append(contacts.create(session, ContactDraft(name="C", stage=stage), now=now).id)
            continue
        cid = made[which % len(made)]
        live = session.execute(
            text("SELECT deleted_at IS NULL FROM contacts WHERE id = :c"), {"c": cid}
        ).scalar()
        if live is None:
            continue  # purged
        if what == "move" and live:
            change = contacts.move_stage(session, cid, stage, now=now).value
            if change is not None:
                undo[cid] = change
        elif what == "undo" and live and cid in undo:
            with contextlib.suppress(InvalidInputError):  # an inserted change came after it
                contacts.undo_stage_change(session, cid, undo.pop(cid))
        elif what == "trash" and live:
            contacts.trash(session, cid, now=now)
        elif what == "restore" and not live:
            trash.restore(session, cid)
        elif what == "purge":
            trash.empty_trash(session)
        elif what == "insert":  # as an import or a script may: out of order, or ahead of now
            at = now - timedelta(hours=hours * 3) if hours % 2 else now + timedelta(hours=hours)
            session.execute(
                text(
                    "INSERT INTO stage_changes (contact_id, stage, changed_at) VALUES (:c, :s, :t)"
                ),
                {"c": cid, "s": stage, "t": stages.format_instant(at)},
            )
    return now


@pytest.mark.sqlite_only
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(step, min_size=1, max_size=25),
    limit=st.sampled_from([None, 1, 5, 30]),
    back=st.lists(st.integers(0, 400), max_size=3),
)
def test_the_table_gives_the_figures_of_the_whole_history(db, steps, limit, back):
    with db.write() as s:
        s.execute(text("DELETE FROM contacts"))
        stages.edit_stage(s, "lead", stuck_after_days=limit)
        last = apply(s, steps)
    with db.read() as s:
        today = last.date()
        for day in (today, today + timedelta(days=1), today + timedelta(days=40)):
            assert figures(s, day) == reference(s, day)
        for days in back:  # past days: from the history, the same way
            day = today - timedelta(days=days)
            assert figures(s, day) == reference(s, day)
        wrong = [s.execute(text(sql)).all() for sql in stage_stays.DIFFERENCES_SQL]
        assert wrong == [[], []]


def test_the_migration_and_the_triggers_are_in_place(db):
    """A later batch migration that copied contacts or stage_changes would drop them silently."""
    with db.read() as s:
        assert stage_stays.missing_triggers(s) == []


def busy_history(db) -> date:
    with db.write() as s:
        steps = [
            ("add", 0, "prospect", 0),
            ("add", 0, "lead", 5),
            ("move", 0, "lead", 30),
            ("move", 1, "customer", 400),
            ("move", 0, "customer", 900),
            ("add", 0, "prospect", 20),
            ("trash", 2, "lead", 3),
        ]
        return apply(s, steps).date()


def test_both_engines_keep_the_summary_and_check_names_a_wrong_one(db):
    today = busy_history(db)
    with db.write() as s:  # purge, restore and undo on this engine too
        trash.empty_trash(s)
        cid = contacts.create(s, ContactDraft(name="R", stage="lead"), now=START).id
        contacts.trash(s, cid, now=START + timedelta(days=1))
        trash.restore(s, cid)
        change = contacts.move_stage(s, cid, "customer", now=START + timedelta(days=2)).value
        contacts.move_stage(s, cid, "partner", now=START + timedelta(days=3))
        assert change is not None
    with db.read() as s:
        assert [s.execute(text(sql)).all() for sql in stage_stays.DIFFERENCES_SQL] == [[], []]
        assert figures(s, today) == reference(s, today)
        assert stage_stays.missing_triggers(s) == []
    with db.write() as s:
        s.execute(text("UPDATE stage_stays SET next_stage = 'other' WHERE id = :i"), {"i": change})
    if db.on_server:
        with db.read() as s:
            report = server_check.run(s, db.where)
    else:
        assert db.path is not None
        report = integrity.run(db.path)
    assert [p.message for p in report.problems if p.kind == "stage-summary"] == [
        f"stage change {change} is missing or out of date in the pipeline summary",
        f"stage change {change} is in the pipeline summary but not in the stage history",
    ]


@pytest.mark.sqlite_only
def test_check_reports_a_wrong_summary_and_repair_rebuilds_it(tmp_path):
    path = tmp_path / "crm.sqlite3"
    db = open_database(path)
    try:
        today = busy_history(db)
        with db.write() as s:
            before = figures(s, today)
            s.execute(text("UPDATE stage_stays SET left_at = NULL"))
            s.execute(text("DROP TRIGGER stage_stays_trash"))
    finally:
        db.close()
    report = integrity.run(path)
    kinds = {p.kind for p in report.problems}
    assert kinds == {"stage-summary"}
    assert any("trigger stage_stays_trash is missing" in p.message for p in report.problems)
    assert any("out of date" in p.message for p in report.problems)
    done = repair.repair(path, backup_folder=tmp_path / "backups")
    assert done.ok, done.after.problems
    assert any("pipeline summary" in line for line in done.fixed)
    db = open_database(path)
    try:
        with db.read() as s:
            assert figures(s, today) == before == reference(s, today)
            assert stage_stays.missing_triggers(s) == []
    finally:
        db.close()


@pytest.mark.sqlite_only
def test_a_json_copy_imported_elsewhere_rebuilds_the_summary(db, tmp_path):
    today = busy_history(db)
    with db.read() as s:
        data = json_copy.export_json(s)
        expected = figures(s, today)
    fresh = open_database(tmp_path / "fresh.sqlite3")
    try:
        with fresh.write() as s:
            json_copy_import.import_document(s, data)
        with fresh.read() as s:
            assert [s.execute(text(sql)).all() for sql in stage_stays.DIFFERENCES_SQL] == [[], []]
            assert figures(s, today) == expected == reference(s, today)
    finally:
        fresh.close()
