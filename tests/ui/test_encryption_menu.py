"""File → Encrypt database…, Decrypt database…, Change passphrase… on a real file (issue 21)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import text

from relationship_crm import app
from relationship_crm.domain.records import ContactDraft
from relationship_crm.paths import AppPaths
from relationship_crm.services import contacts
from relationship_crm.storage import encryption
from relationship_crm.ui.dialogs.passphrase_dialog import (
    Answer,
    PassphraseChangeDialog,
    PassphraseDialog,
)
from relationship_crm.ui.main_window import MainWindow

pytest.importorskip("sqlcipher3", reason="the [encryption] extra is not installed")
pytestmark = pytest.mark.gui

SECRET = "Zebulon Quaxworth"
RIGHT = "a 'lost laptop' passphrase"


@pytest.fixture
def plain_window(qtbot, ctx, db, wait_idle, monkeypatch):
    monkeypatch.delenv(encryption.PASSPHRASE_ENV_VAR, raising=False)
    with db.write() as s:
        contacts.create(s, ContactDraft(name=SECRET))
    win = MainWindow(ctx, AppPaths(Path(db.path)))
    qtbot.addWidget(win)
    win.show()
    wait_idle()
    return win


@pytest.fixture
def informed(monkeypatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: said.append(text))
    return said


def _answers(*answers: Answer | None) -> Callable[..., Answer | None]:
    queue = list(answers)
    return lambda _title, _text, _fits, _new: queue.pop(0)


def _names(window: MainWindow) -> list[str]:
    model = window.contact_list.model
    return [str(model.index(row, 0).data()) for row in range(model.rowCount())]


def _encrypt(window: MainWindow, wait_idle) -> None:
    window.encryption.ask = _answers(Answer(RIGHT, False))
    window.encryption.encrypt_action.trigger()
    wait_idle()


def test_only_the_items_that_apply_are_shown(plain_window, wait_idle, informed):
    actions = plain_window.encryption
    assert actions.encrypt_action.isVisible()
    assert not actions.decrypt_action.isVisible() and not actions.change_action.isVisible()
    _encrypt(plain_window, wait_idle)
    assert not actions.encrypt_action.isVisible()
    assert actions.decrypt_action.isVisible() and actions.change_action.isVisible()


def test_encrypt_from_the_menu_then_restart_with_the_passphrase_dialog(
    plain_window, db, ctx, qtbot, wait_idle, informed, memory_keyring
):
    db_path = Path(db.path)
    _encrypt(plain_window, wait_idle)
    # One message says where the plain copy is and that the rep must remove it.
    assert len(informed) == 1
    kept = Path(informed[0].split("kept as ")[1].split(": it is")[0])
    assert kept.name.startswith("crm.sqlite3.before-encrypt-") and kept.exists()
    assert "Delete it yourself" in informed[0]
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        sqlite3.connect(db_path).execute("SELECT count(*) FROM sqlite_master").fetchone()
    assert SECRET.encode() not in db_path.read_bytes()
    # The app goes on, on the encrypted file, reopened on the database thread.
    qtbot.waitUntil(lambda: _names(plain_window) == [SECRET], timeout=5000)
    with ctx.runner.db.write() as s:
        contacts.create(s, ContactDraft(name="Added Encrypted"))
    plain_window.close()
    ctx.runner.db.close()

    # A new start of the app: the passphrase is asked in the dialog, then the contacts show.
    encryption.forget_all()
    seen: dict[str, object] = {}
    poll = QTimer()
    poll.setInterval(20)

    def drive() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, PassphraseDialog) and "asked" not in seen:
            seen["asked"] = modal.prompt.text()
            modal.field.setText(RIGHT)
            modal.accept()
            return
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible() and widget is not plain_window:
                if sorted(_names(widget)) == ["Added Encrypted", SECRET]:
                    poll.stop()
                    seen["names"] = _names(widget)
                    widget.close()

    poll.timeout.connect(drive)
    poll.start()
    code = app.main(AppPaths(db_path))
    poll.stop()
    assert code == 0
    assert f"{db_path} is encrypted" in str(seen["asked"])
    assert sorted(seen["names"]) == ["Added Encrypted", SECRET]  # type: ignore[arg-type]


def test_a_wrong_passphrase_at_start_is_one_clear_line(
    plain_window, db, ctx, wait_idle, informed, monkeypatch
):
    _encrypt(plain_window, wait_idle)
    plain_window.close()
    ctx.runner.db.close()
    encryption.forget_all()
    before = Path(db.path).read_bytes()
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    prompts: list[str] = []
    poll = QTimer()
    poll.setInterval(20)

    def drive() -> None:
        modal = QApplication.activeModalWidget()
        if not isinstance(modal, PassphraseDialog) or modal.result() or not modal.isVisible():
            return
        prompts.append(modal.prompt.text())
        if len(prompts) == 1:
            modal.field.setText(RIGHT + "!")
            modal.accept()
        else:
            poll.stop()
            modal.reject()  # the rep gives up

    poll.timeout.connect(drive)
    poll.start()
    assert app.main(AppPaths(Path(db.path))) == 1
    poll.stop()
    assert len(prompts) == 2
    said = prompts[1].splitlines()
    assert said == [f"{db.path} is encrypted.", "That passphrase does not open it. Passphrase:"]
    # Given up after a wrong one: one message, its reason one line; the file is untouched.
    assert len(warned) == 1
    reason = warned[0].split("\n\n", 1)[1]
    assert "\n" not in reason and reason.startswith(f"wrong passphrase for {db.path}")
    assert reason.endswith("nothing was changed")
    assert Path(db.path).read_bytes() == before


def test_change_passphrase_then_decrypt_from_the_menu(
    plain_window, db, wait_idle, informed, qtbot, memory_keyring
):
    db_path = Path(db.path)
    _encrypt(plain_window, wait_idle)
    actions = plain_window.encryption
    asked: list[tuple[bool, bool]] = []

    def change(_title: str, _text: str, fits, new: bool) -> Answer:
        asked.append((fits is not None, new))
        assert fits is not None and fits(RIGHT) and not fits(RIGHT + " ")
        return Answer("the new one", True)

    actions.ask = change
    actions.change_action.trigger()
    wait_idle()
    assert asked == [(True, True)]
    assert "Backups made before keep the old one" in informed[-1]
    assert "kept in the system keyring" in informed[-1]
    assert list(memory_keyring.values()) == ["the new one"]
    key = encryption.key_for(db_path)
    assert key is not None and key.passphrase == "the new one"
    encryption.forget_all()
    encryption.set_passphrase_source(lambda _p, _r: ["the new one"])
    assert encryption.unlock(db_path)

    actions.ask = _answers(Answer("the new one", False))
    actions.decrypt_action.trigger()
    wait_idle()
    assert "a plain file again" in informed[-1] and "kept as" in informed[-1]
    assert memory_keyring == {}
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM contacts").fetchone()[0] == 1
    assert actions.encrypt_action.isVisible() and not actions.decrypt_action.isVisible()
    qtbot.waitUntil(lambda: _names(plain_window) == [SECRET], timeout=5000)


def test_cancel_changes_nothing_and_a_failure_is_one_line(
    plain_window, db, wait_idle, informed, monkeypatch
):
    db_path = Path(db.path)
    before = db_path.read_bytes()
    plain_window.encryption.ask = _answers(None)
    plain_window.encryption.encrypt_action.trigger()
    wait_idle()
    assert informed == [] and db_path.read_bytes() == before

    from relationship_crm.domain.errors import KnownError
    from relationship_crm.storage import cipher_files

    def refuse(_path: Path, _passphrase: str) -> Path:
        raise KnownError("the disk is full; nothing was changed")

    monkeypatch.setattr(cipher_files, "encrypt", refuse)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    _encrypt(plain_window, wait_idle)
    assert warned == ["Nothing was encrypted.\n\nthe disk is full; nothing was changed"]
    assert plain_window.encryption.encrypt_action.isEnabled()
    assert _names(plain_window) == [SECRET]  # the database was opened again


def test_the_dialog_asks_the_new_passphrase_twice_and_checks_the_current(qtbot):
    dialog = PassphraseChangeDialog(
        "Change passphrase", "A new passphrase.", fits=lambda text: text == RIGHT, new=True
    )
    qtbot.addWidget(dialog)
    dialog.current.setText("not it")
    dialog.accept()
    assert dialog.error.text() == "That is not the current passphrase."
    assert dialog.result() != dialog.DialogCode.Accepted
    dialog.current.setText(RIGHT)
    dialog.first.setText("new one")
    dialog.again.setText("new 0ne")
    dialog.accept()
    assert dialog.error.text() == "The two new passphrases differ."
    dialog.again.setText("new one")
    dialog.remember.setChecked(True)
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.answer() == Answer("new one", True)


def _backup(db_path: Path) -> Path:
    from relationship_crm.storage import backups

    made = backups.make_backup(db_path, reason="manual")
    encryption.forget(made)  # as in an app started after the backup: its key is not known
    return made


def test_restore_of_a_backup_with_an_older_passphrase_asks_it_and_re_keys(
    plain_window, db, ctx, wait_idle, informed, memory_keyring
):
    db_path = Path(db.path)
    _encrypt(plain_window, wait_idle)
    made = _backup(db_path)  # encrypted with RIGHT
    plain_window.encryption.ask = _answers(Answer("the new one", True))
    plain_window.encryption.change_action.trigger()
    wait_idle()
    with ctx.runner.db.write() as s:
        contacts.create(s, ContactDraft(name="Added Later"))
    asked: list[tuple[Path, bool]] = []
    answers = [Answer("not it either", False), Answer(RIGHT, False)]

    def ask(path: Path, retry: bool) -> Answer | None:
        asked.append((path, retry))
        return answers.pop(0)

    plain_window.database.ask_backup_passphrase = ask
    assert plain_window.restore_from_backup(made, confirm=False)
    assert asked == [(made, False), (made, True)]  # which backup, and "that one was wrong"
    with ctx.runner.db.read() as s:
        assert [c.name for c in contacts.list_contacts(s)] == [SECRET]
    # Restored with the current passphrase: the keyring's still opens it, the old one not.
    encryption.forget_all()
    encryption.set_passphrase_source(lambda _p, _r: [RIGHT])
    with pytest.raises(encryption.WrongPassphraseError):
        encryption.unlock(db_path)
    encryption.set_passphrase_source(lambda _p, _r: list(memory_keyring.values()))
    assert encryption.unlock(db_path)


def test_restore_refused_in_one_line_when_the_backup_passphrase_is_not_given(
    plain_window, db, ctx, wait_idle, informed, monkeypatch
):
    db_path = Path(db.path)
    _encrypt(plain_window, wait_idle)
    made = _backup(db_path)
    plain_window.encryption.ask = _answers(Answer("the new one", False))
    plain_window.encryption.change_action.trigger()
    wait_idle()
    before = db_path.read_bytes()
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    plain_window.database.ask_backup_passphrase = lambda _path, _retry: None
    assert not plain_window.restore_from_backup(made, confirm=False)
    assert warned == [
        f"This file cannot be restored.\n\n{made.name} is encrypted with another passphrase, "
        "which was not given; nothing was changed"
    ]
    assert db_path.read_bytes() == before


def test_the_backup_passphrase_dialog_names_the_backup(qtbot, tmp_path):
    dialog = PassphraseDialog(
        tmp_path / "crm-20261123-140501Z-manual.sqlite3",
        retry=False,
        what="The backup crm-20261123-140501Z-manual.sqlite3 was made with another passphrase",
    )
    qtbot.addWidget(dialog)
    assert "crm-20261123-140501Z-manual.sqlite3 was made with" in dialog.prompt.text()


def test_a_plain_backup_restored_over_an_encrypted_database_is_said(
    plain_window, db, ctx, wait_idle, informed, monkeypatch
):
    db_path = Path(db.path)
    made = _backup(db_path)  # plain: made before encrypting
    _encrypt(plain_window, wait_idle)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    assert plain_window.restore_from_backup(made, confirm=False)
    assert len(warned) == 1 and "the restored database is a plain file" in warned[0]
    assert not encryption.is_encrypted(db_path)
    assert plain_window.encryption.encrypt_action.isVisible()


def test_encrypt_waits_for_a_running_sync_and_no_sync_starts_meanwhile(
    plain_window, ctx, db, qtbot, informed
):
    """A sync run holds a connection to the file: Encrypt waits for it instead of failing with
    "in use by another program", and a sync asked for meanwhile waits for the new file."""
    sync = plain_window.background_sync
    go_on = threading.Event()

    def running_sync() -> None:  # as a real run: a read on the runner's database, then network
        with ctx.runner.db.read() as s:
            s.execute(text("SELECT count(*) FROM contacts")).scalar()
            go_on.wait(20)

    sync.worker.run(running_sync, lambda _result: None, lambda _error: None)
    assert not sync.idle
    _answers_then = _answers(Answer(RIGHT, False))
    plain_window.encryption.ask = _answers_then
    plain_window.encryption.encrypt_action.trigger()
    assert plain_window.statusBar().currentMessage() == "Waiting for the sync to finish…"
    started: list[object] = []
    sync.configured = True
    sync.worker.run = lambda job, done, failed: started.append(job)  # type: ignore[method-assign]
    sync.sync_now()  # the rep changed something meanwhile: held
    assert started == []
    go_on.set()
    qtbot.waitUntil(lambda: len(informed) == 1, timeout=15_000)
    assert "kept as" in informed[0]
    assert SECRET.encode() not in Path(db.path).read_bytes()
    assert len(started) == 1  # the held run, once the file is open again
