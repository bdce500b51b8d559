"""File → Back up now / Restore from backup, Help → Check database, and a bad file at start."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from relationship_crm.domain.errors import DatabaseFileError
from relationship_crm.domain.records import ContactDraft
from relationship_crm.paths import AppPaths
from relationship_crm.services import contacts
from relationship_crm.storage import backups
from relationship_crm.storage.db import open_database
from relationship_crm.ui.dialogs.bad_database import offer_latest_backup
from relationship_crm.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, ctx, db, wait_idle):
    with db.write() as s:
        contacts.create(s, ContactDraft(name="Jane Doe"))
    win = MainWindow(ctx, AppPaths(Path(db.path)))
    qtbot.addWidget(win)
    win.show()
    wait_idle()
    return win


def names(runner) -> list[str]:
    with runner.db.read() as s:
        return [c.name for c in contacts.list_contacts(s)]


def test_back_up_now_writes_a_private_backup_beside_the_database(window, db, wait_idle):
    window.backup_action.trigger()
    wait_idle()
    made = backups.latest_backup(Path(db.path).parent / "backups", of=Path(db.path))
    assert made is not None and (made.stat().st_mode & 0o777) == 0o600
    assert made.name in window.statusBar().currentMessage()


def test_restore_swaps_the_backup_in_and_keeps_the_current_file(window, ctx, db, wait_idle):
    window.backup_action.trigger()
    wait_idle()
    made = backups.latest_backup(Path(db.path).parent / "backups", of=Path(db.path))
    with ctx.runner.db.write() as s:
        contacts.create(s, ContactDraft(name="Added Later"))
    changes = []
    ctx.events.changed.connect(lambda c, _who: changes.append(c))
    assert window.restore_from_backup(made, confirm=False)
    assert names(ctx.runner) == ["Jane Doe"]
    assert changes and changes[-1].contacts
    kept = list(Path(db.path).parent.glob("*.before-restore-*"))
    assert kept, "the replaced database is kept aside"
    assert "Restored" in window.statusBar().currentMessage()
    # The app goes on working on the restored file.
    with ctx.runner.db.write() as s:
        contacts.create(s, ContactDraft(name="After Restore"))
    assert names(ctx.runner) == ["After Restore", "Jane Doe"]


def test_a_damaged_backup_is_refused_and_nothing_changes(window, ctx, tmp_path, monkeypatch):
    bad = tmp_path / "crm-20261123-140501Z-manual.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    assert not window.restore_from_backup(bad, confirm=False)
    assert warnings and "cannot be restored" in warnings[0]
    assert names(ctx.runner) == ["Jane Doe"]


def test_check_database_reports_ok_then_a_problem(window, ctx, db, wait_idle):
    window.database.check_database(show=False)
    wait_idle()
    assert window.database.last_report.startswith("Database OK")
    with sqlite3.connect(db.path) as conn:
        conn.execute("UPDATE contacts SET sort_name = 'zzz'")
    window.database.check_database(show=False)
    wait_idle()
    assert "problem" in window.database.last_report
    assert window.check_action.text() == "&Check database"


def test_a_bad_file_at_start_offers_the_newest_backup(qapp, tmp_path):
    path = tmp_path / "crm.sqlite3"
    good = open_database(path)
    with good.write() as s:
        contacts.create(s, ContactDraft(name="Kept In The Backup"))
    good.close()
    backups.make_backup(path)
    original = b"SQLite format 3\x00" + b"garbage" * 1000
    path.write_bytes(original)
    for side in (".sqlite3-wal", ".sqlite3-shm"):
        path.with_suffix(side).unlink(missing_ok=True)
    questions: list[str] = []
    error = DatabaseFileError(f"{path} is damaged")
    restored = offer_latest_backup(
        AppPaths(path), error, ask=lambda text: questions.append(text) or True
    )
    assert restored and "The newest backup is crm-" in questions[0]
    reopened = open_database(path)
    with reopened.read() as s:
        assert [c.name for c in contacts.list_contacts(s)] == ["Kept In The Backup"]
    reopened.close()
    aside = [
        p
        for p in tmp_path.iterdir()
        if ".before-restore-" in p.name and not p.name.endswith(("-wal", "-shm"))
    ]
    assert aside and aside[0].read_bytes() == original  # the bad file, kept unchanged


def test_without_a_backup_the_bad_file_is_only_explained(qapp, tmp_path, monkeypatch):
    path = tmp_path / "crm.sqlite3"
    path.write_text("shopping list")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    assert not offer_latest_backup(AppPaths(path), DatabaseFileError("not ours"))
    assert "No backup of it was found." in shown[0]
    assert path.read_text() == "shopping list"
