"""The window on a team's PostgreSQL database (issue 20): LISTEN/NOTIFY refresh, edit conflicts.

Against the session's throw-away PostgreSQL cluster (tests/pg_cluster.py): `engine` below makes
the `db` fixture, and so the runner and the context, a fresh database on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from relationship_crm.domain.records import ContactDraft
from relationship_crm.services import contacts
from relationship_crm.storage.db import Database, open_database
from relationship_crm.ui.dialogs.contact_editor import ContactEditor
from relationship_crm.ui.outside_changes import EVERYTHING, OutsideChangesWatcher

POLL_MS = 100


@pytest.fixture
def engine() -> str:
    return "postgresql"


@pytest.fixture
def watcher(qtbot, ctx, wait_idle) -> Iterator[OutsideChangesWatcher]:
    watching = OutsideChangesWatcher(ctx.runner, ctx.events, interval_ms=POLL_MS)
    watching.start()
    wait_idle()  # the first look (LISTEN) has run
    yield watching
    watching.stop()
    wait_idle()


@pytest.fixture
def colleague(database_target: Any) -> Iterator[Database]:
    """Another rep's app on the same server database."""
    other = open_database(database_target)
    yield other
    other.close()


def _add(database: Database, name: str) -> int:
    with database.write() as session:
        return contacts.create(session, ContactDraft(name=name)).id


def test_the_server_database_is_what_the_window_uses(ctx, db) -> None:
    assert db.on_server and ctx.runner.db is db


def test_a_colleagues_commit_reloads_everything(qtbot, ctx, watcher, colleague) -> None:
    with qtbot.waitSignal(ctx.events.changed, timeout=5000) as blocker:
        _add(colleague, "Written By A Colleague")
    assert blocker.args == [EVERYTHING, watcher]


def test_the_apps_own_commits_are_not_announced(qtbot, ctx, watcher, wait_idle) -> None:
    with qtbot.assertNotEmitted(watcher.changed_outside, wait=10 * POLL_MS):
        for n in range(3):
            ctx.runner.submit(lambda s, n=n: contacts.create(s, ContactDraft(name=f"Own {n}")).id)
        wait_idle()


def test_a_rolled_back_write_is_not_announced(qtbot, watcher, colleague) -> None:
    with qtbot.assertNotEmitted(watcher.changed_outside, wait=10 * POLL_MS):
        with pytest.raises(RuntimeError), colleague.write() as session:
            contacts.create(session, ContactDraft(name="Never Saved"))
            raise RuntimeError("changed my mind")


def test_a_save_over_a_colleagues_change_is_refused_and_the_form_reloads(
    qtbot, ctx, db, colleague, wait_idle
) -> None:
    jane = _add(db, "Jane Doe")
    with db.read() as session:
        shown = contacts.get(session, jane)
    editor = ContactEditor(ctx, shown)
    qtbot.addWidget(editor)
    editor.show()
    with colleague.write() as session:
        contacts.update(session, jane, title="CEO")
    editor.title.setText("CFO")
    with qtbot.waitSignal(editor.reloaded, timeout=5000):
        editor.buttons.accepted.emit()
    assert "Jane Doe was changed by " in editor.error.text()
    assert "— reload" in editor.error.text()
    assert editor.title.text() == "CEO"  # what the colleague saved
    assert editor.isVisible()
    with qtbot.waitSignal(editor.saved, timeout=5000):
        editor.title.setText("CFO")
        editor.buttons.accepted.emit()
    wait_idle()
    with colleague.read() as session:
        assert contacts.get(session, jane).title == "CFO"
