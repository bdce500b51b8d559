"""The window on a team's PostgreSQL database (issue 20): LISTEN/NOTIFY refresh, edit conflicts.

Against the session's throw-away PostgreSQL cluster (tests/pg_cluster.py): `engine` below makes
the `db` fixture, and so the runner and the context, a fresh database on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
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


def test_mine_and_everyones_in_the_contact_list_and_reminders(
    qtbot, ctx, team, clock, wait_idle
) -> None:
    """As alice in the window; bob's account and bob's follow-up on alice's contact."""
    from relationship_crm.domain.records import FollowUpDraft
    from relationship_crm.services import followups
    from relationship_crm.ui.panels.contact_list import ContactListPanel
    from relationship_crm.ui.panels.reminders_panel import RemindersPanel
    from relationship_crm.ui.runner import TaskRunner

    alice, bob = open_database(team.url("alice")), open_database(team.url("bob"))
    runner = TaskRunner(alice)
    try:
        jane = _add(alice, "Jane Alice's")
        _add(bob, "Ken Bob's")
        with bob.write() as s:
            due = clock().replace(tzinfo=None) - timedelta(hours=1)
            followups.add(s, FollowUpDraft(contact_id=jane, due_local=due, tz="UTC"))
        own = type(ctx)(runner=runner, events=ctx.events, zone="UTC", clock=clock)
        panel = ContactListPanel(own)
        qtbot.addWidget(panel)
        assert panel.owner_filter.isVisibleTo(panel)
        qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=5000)
        panel.owner_filter.setCurrentIndex(panel.owner_filter.findData(True))
        qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=5000)
        reminders = RemindersPanel(own)
        qtbot.addWidget(reminders)
        qtbot.waitUntil(lambda: reminders.loaded, timeout=5000)
        # Bob's follow-up is not alice's: her list is empty, and nothing will ring for her.
        assert reminders.stack.currentWidget() is reminders.empty_label
        reminders.owner_filter.setCurrentIndex(reminders.owner_filter.findData(False))
        qtbot.waitUntil(lambda: reminders.stack.currentWidget() is reminders.view, timeout=5000)
        assert reminders.select(1)
    finally:
        qtbot.waitUntil(lambda: runner.idle, timeout=5000)
        runner.shutdown()
        alice.close()
        bob.close()


def test_the_filters_are_hidden_on_a_laptop_file(qtbot, tmp_path, ctx) -> None:
    from relationship_crm.ui.panels.contact_list import ContactListPanel
    from relationship_crm.ui.runner import TaskRunner

    laptop = open_database(tmp_path / "crm.sqlite3")
    runner = TaskRunner(laptop)
    try:
        own = type(ctx)(runner=runner, events=ctx.events, zone="UTC", clock=ctx.clock)
        panel = ContactListPanel(own)
        qtbot.addWidget(panel)
        assert not panel.owner_filter.isVisibleTo(panel)
    finally:
        qtbot.waitUntil(lambda: runner.idle, timeout=5000)
        runner.shutdown()
        laptop.close()


def test_the_file_menus_encryption_items_are_not_offered_for_a_server(qtbot, ctx, tmp_path):
    from PySide6.QtWidgets import QMainWindow

    from relationship_crm.paths import AppPaths
    from relationship_crm.ui.encryption_actions import EncryptionActions

    window = QMainWindow()
    qtbot.addWidget(window)
    server = AppPaths(tmp_path / "crm.sqlite3", url="postgresql://alice@db.example.com/crm")
    actions = EncryptionActions(ctx, server, window)
    shown = [a for a in (actions.encrypt_action, actions.decrypt_action, actions.change_action)]
    assert not any(a.isVisible() for a in shown)
