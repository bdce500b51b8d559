"""The app asks for an encrypted database's passphrase at start, and offers to remember it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit

from relationship_crm.domain.errors import DatabaseFileError
from relationship_crm.paths import AppPaths
from relationship_crm.storage import cipher_files, encryption
from relationship_crm.storage.db import open_database
from relationship_crm.ui import launch
from relationship_crm.ui.dialogs import passphrase_dialog
from relationship_crm.ui.dialogs.passphrase_dialog import (
    Answer,
    DialogPassphrases,
    PassphraseDialog,
)

pytest.importorskip("sqlcipher3", reason="the [encryption] extra is not installed")

RIGHT = "the 'right' one"


@pytest.fixture
def encrypted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(encryption.PASSPHRASE_ENV_VAR, raising=False)
    encryption.set_new_database_passphrase(None)
    path = tmp_path / "crm.sqlite3"
    open_database(path).close()
    cipher_files.encrypt(path, RIGHT)
    encryption.forget_all()
    return path


def test_the_dialog_hides_the_passphrase_and_says_when_one_was_wrong(qtbot, tmp_path):
    dialog = PassphraseDialog(tmp_path / "crm.sqlite3", retry=True)
    qtbot.addWidget(dialog)
    assert dialog.field.echoMode() == QLineEdit.EchoMode.Password
    assert "does not open it" in dialog.prompt.text()
    qtbot.keyClicks(dialog.field, RIGHT)
    dialog.remember.setChecked(True)
    assert dialog.answer() == Answer(RIGHT, True)


def test_asked_until_right_then_remembered(qtbot, encrypted, memory_keyring):
    asked: list[bool] = []
    answers = iter([Answer("wrong", False), Answer(RIGHT, True)])

    def ask(_path: Path, retry: bool) -> Answer | None:
        asked.append(retry)
        return next(answers)

    source = DialogPassphrases(ask)
    encryption.set_passphrase_source(source)
    open_database(encrypted).close()
    assert asked == [False, True]
    assert source.keep_if_asked(encrypted)
    assert list(memory_keyring.values()) == [RIGHT]
    encryption.forget_all()
    never = DialogPassphrases(lambda _p, _r: pytest.fail("the keyring has it"))
    encryption.set_passphrase_source(never)
    open_database(encrypted).close()


def test_cancel_opens_nothing_and_offers_no_backup(qtbot, encrypted, monkeypatch):
    monkeypatch.setattr(passphrase_dialog, "ask_with_dialog", lambda _p, _r: None)
    monkeypatch.setattr(
        "relationship_crm.ui.dialogs.bad_database.offer_latest_backup",
        lambda *a, **k: pytest.fail("no backup is offered for a passphrase not given"),
    )
    assert launch._open_or_offer_backup(AppPaths(encrypted)) is None
    encryption.set_passphrase_source(DialogPassphrases(lambda _p, _r: None))
    with pytest.raises(DatabaseFileError):
        open_database(encrypted)


def test_the_start_opens_the_encrypted_database_with_the_dialog(qtbot, encrypted, monkeypatch):
    monkeypatch.setattr(passphrase_dialog, "ask_with_dialog", lambda _p, _r: Answer(RIGHT, False))
    db = launch._open_or_offer_backup(AppPaths(encrypted))
    assert db is not None
    db.close()
