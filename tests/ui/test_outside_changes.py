"""The window notices commits made outside it (another connection, the command line) and reloads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from relationship_crm.domain.records import ContactDraft
from relationship_crm.services import contacts
from relationship_crm.storage.db import Database, open_database
from relationship_crm.ui.outside_changes import EVERYTHING, OutsideChangesWatcher

POLL_MS = 100


@pytest.fixture
def watcher(qtbot, ctx, wait_idle):
    watching = OutsideChangesWatcher(ctx.runner, ctx.events, interval_ms=POLL_MS)
    watching.start()
    wait_idle()  # the first poll (the baseline) has run
    yield watching
    watching.stop()
    wait_idle()


@pytest.fixture
def other(db_path: Path):
    """Another program's handle on the same file."""
    database = open_database(db_path)
    yield database
    database.close()


def _add(database: Database, name: str) -> int:
    with database.write() as session:
        return contacts.create(session, ContactDraft(name=name)).id


def test_a_commit_by_another_connection_reloads_everything(qtbot, ctx, watcher, other):
    with qtbot.waitSignal(ctx.events.changed, timeout=5000) as blocker:
        _add(other, "Written Elsewhere")
    assert blocker.args == [EVERYTHING, watcher]


def test_a_command_line_write_is_noticed(qtbot, watcher, db_path: Path):
    with qtbot.waitSignal(watcher.changed_outside, timeout=10_000):
        done = subprocess.run(
            [sys.executable, "-m", "relationship_crm", "--db", str(db_path)]
            + ["contact", "add", "From The Shell"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 0, done.stderr


def test_the_apps_own_writes_are_not_outside_changes(qtbot, ctx, watcher, wait_idle):
    with qtbot.assertNotEmitted(watcher.changed_outside, wait=10 * POLL_MS):
        for n in range(5):
            ctx.runner.submit(lambda s, n=n: contacts.create(s, ContactDraft(name=f"Own {n}")).id)
        wait_idle()
    with qtbot.assertNotEmitted(ctx.events.changed, wait=5 * POLL_MS):
        pass


def test_an_outside_commit_between_own_writes_is_not_missed(qtbot, ctx, watcher, other):
    runner = ctx.runner
    with qtbot.waitSignal(watcher.changed_outside, timeout=5000):
        runner.submit(lambda s: contacts.create(s, ContactDraft(name="Own Before")).id)
        # Queued between the two: on the database thread, outside any write transaction there.
        runner.query(lambda s: _add(other, "Outside In Between"))
        runner.submit(lambda s: contacts.create(s, ContactDraft(name="Own After")).id)


def test_one_outside_commit_is_announced_once(qtbot, ctx, watcher, other):
    seen: list[object] = []
    ctx.events.changed.connect(lambda changes, initiator: seen.append(initiator))
    with qtbot.waitSignal(watcher.changed_outside, timeout=5000):
        _add(other, "Once")
    qtbot.wait(5 * POLL_MS)
    assert seen == [watcher]


def test_a_reopened_database_counts_as_changed(qtbot, ctx, watcher, db_path: Path):
    """A restore from a backup swaps the file and reopens it: the new connection has no history
    to compare with, and a reload too many is better than a missed one."""
    runner = ctx.runner
    old = runner.db
    runner.db = open_database(db_path)
    try:
        with qtbot.waitSignal(watcher.changed_outside, timeout=5000):
            pass
    finally:
        runner.db.close()
        runner.db = old


def test_stopped_watcher_polls_no_more(qtbot, ctx, watcher, other, wait_idle):
    watcher.stop()
    wait_idle()
    with qtbot.assertNotEmitted(watcher.changed_outside, wait=5 * POLL_MS):
        _add(other, "Unwatched")
