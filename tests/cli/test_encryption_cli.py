"""`relationship-crm encrypt`, `decrypt`, `change-passphrase`, and passphrases (issue 21)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from relationship_crm.services.passphrases import NEW_PASSPHRASE_ENV_VAR
from relationship_crm.storage import encryption
from relationship_crm.storage.encryption import PASSPHRASE_ENV_VAR

pytest.importorskip("sqlcipher3", reason="the [encryption] extra is not installed")

SECRET = "Zebulon Quaxworth"
PASSPHRASE = 'my "lost laptop" passphrase, it\'s long'


@pytest.fixture
def plain(cli, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A plain database with a contact (whatever CRM_TEST_ENCRYPTED says)."""
    monkeypatch.delenv(PASSPHRASE_ENV_VAR, raising=False)
    encryption.set_new_database_passphrase(None)
    assert cli("contact", "add", SECRET, "--notes", "owes us lunch at Chez Quux").code == 0
    assert cli("backup").code == 0  # a plain backup, made before encrypting
    encryption.forget_all()
    return db_path


def _encrypt(cli, monkeypatch: pytest.MonkeyPatch, *extra: str):  # type: ignore[no-untyped-def]
    monkeypatch.setenv(NEW_PASSPHRASE_ENV_VAR, PASSPHRASE)
    result = cli("encrypt", *extra)
    monkeypatch.delenv(NEW_PASSPHRASE_ENV_VAR)
    encryption.forget_all()  # the next command is a new process: it knows no key
    return result


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _clean(path: Path) -> bool:
    raw = path.read_bytes()
    return not any(word in raw for word in (b"Zebulon", b"Quaxworth", b"Chez Quux", b"CREATE"))


def test_encrypt_hides_everything_from_plain_sqlite(cli, plain, monkeypatch):
    result = _encrypt(cli, monkeypatch)
    assert result.code == 0, result.err
    kept = Path(result.out.split("kept as ")[1].split(": it is")[0])
    assert kept.name.startswith("crm.sqlite3.before-encrypt-") and kept.exists()
    assert f"encrypted {plain}" in result.out
    assert "1 earlier backup in" in result.out and "not encrypted" in result.out
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        sqlite3.connect(plain).execute("SELECT count(*) FROM sqlite_master").fetchone()
    assert _clean(plain)
    # The plain copy is said to be unprotected, and it is: it holds the text.
    assert not _clean(kept)
    monkeypatch.setenv(PASSPHRASE_ENV_VAR, PASSPHRASE)
    listed = cli("contact", "list", "--format", "json")
    assert listed.code == 0, listed.err
    assert [c["name"] for c in listed.json()] == [SECRET]
    found = cli("search", "Quaxworth")  # the full-text index (FTS5) inside the encrypted file
    assert found.code == 0 and SECRET in found.out
    assert cli("check").out.startswith("database OK")


def test_without_a_passphrase_or_with_a_wrong_one_one_line_and_nothing_changes(
    cli, plain, monkeypatch
):
    assert _encrypt(cli, monkeypatch).code == 0
    before = _digest(plain)
    missing = cli("contact", "list")
    assert missing.code == 1 and missing.err.count("\n") == 1
    assert PASSPHRASE_ENV_VAR in missing.err and "encrypted" in missing.err
    monkeypatch.setenv(PASSPHRASE_ENV_VAR, PASSPHRASE + " ")
    wrong = cli("contact", "add", "Someone New")
    assert wrong.code == 1 and wrong.err.count("\n") == 1
    assert "wrong passphrase" in wrong.err and "Traceback" not in wrong.err
    assert _digest(plain) == before
    out = str(plain.parent / "out.csv")
    for command in (("backup",), ("check",), ("decrypt",), ("export", "--format", "csv", out)):
        encryption.forget_all()
        result = cli(*command)
        assert result.code != 0 and "wrong passphrase" in result.err, command
    assert _digest(plain) == before


def test_backups_of_an_encrypted_database_are_encrypted_and_restore(cli, plain, monkeypatch):
    assert _encrypt(cli, monkeypatch).code == 0
    monkeypatch.setenv(PASSPHRASE_ENV_VAR, PASSPHRASE)
    made = Path(cli("backup").out.strip())
    assert _clean(made)
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        sqlite3.connect(made).execute("SELECT 1 FROM sqlite_master").fetchone()
    assert cli("contact", "add", "Added Later").code == 0
    encryption.forget_all()
    restored = cli("restore", str(made))
    assert restored.code == 0, restored.err
    encryption.forget_all()
    names = [c["name"] for c in cli("contact", "list", "--format", "json").json()]
    assert names == [SECRET]
    assert _clean(plain)


def test_decrypt_and_change_passphrase(cli, plain, monkeypatch):
    assert _encrypt(cli, monkeypatch).code == 0
    monkeypatch.setenv(PASSPHRASE_ENV_VAR, PASSPHRASE)
    monkeypatch.setenv(NEW_PASSPHRASE_ENV_VAR, "ünïcode 'new' one")
    changed = cli("change-passphrase")
    assert changed.code == 0, changed.err
    assert "backups made before keep the old one" in changed.out
    monkeypatch.delenv(NEW_PASSPHRASE_ENV_VAR)
    encryption.forget_all()
    old = cli("contact", "list")
    assert old.code == 1 and "wrong passphrase" in old.err
    monkeypatch.setenv(PASSPHRASE_ENV_VAR, "ünïcode 'new' one")
    encryption.forget_all()
    decrypted = cli("decrypt")
    assert decrypted.code == 0, decrypted.err
    assert "kept as" in decrypted.out
    monkeypatch.delenv(PASSPHRASE_ENV_VAR)
    encryption.forget_all()
    assert sqlite3.connect(plain).execute("SELECT count(*) FROM contacts").fetchone()[0] == 1
    assert cli("contact", "list").code == 0


def test_remember_keeps_the_passphrase_in_the_keyring(cli, plain, monkeypatch, memory_keyring):
    result = _encrypt(cli, monkeypatch, "--remember")
    assert result.code == 0, result.err
    assert "kept in the system keyring" in result.out
    assert list(memory_keyring.values()) == [PASSPHRASE]
    listed = cli("contact", "list")  # no passphrase given: the keyring has it
    assert listed.code == 0 and SECRET in listed.out
    assert cli("decrypt").code == 0
    assert memory_keyring == {}


def test_no_keyring_is_said_and_no_new_passphrase_is_one_line(cli, plain, monkeypatch):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    import keyring
    from keyring.backends import fail

    old = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        missing = cli("encrypt")
        assert missing.code == 1 and missing.err.count("\n") == 1
        assert NEW_PASSPHRASE_ENV_VAR in missing.err
        result = _encrypt(cli, monkeypatch, "--remember")
        assert result.code == 0, result.err
        assert "no system keyring here" in result.out
    finally:
        keyring.set_keyring(old)
    again = _encrypt(cli, monkeypatch)
    assert again.code == 1 and "already encrypted" in again.err or "passphrase" in again.err


def test_the_fixture_parameter_makes_every_database_encrypted(cli, db_path):
    """CRM_TEST_ENCRYPTED=1: the whole command-line suite runs on encrypted files (else plain)."""
    from tests.conftest import ENCRYPTED

    assert cli("contact", "add", SECRET).code == 0
    made = Path(cli("backup").out.strip())
    for path in (db_path, made):
        if ENCRYPTED:
            assert _clean(path)
            with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
                sqlite3.connect(path).execute("SELECT 1 FROM sqlite_master").fetchone()
        else:
            assert sqlite3.connect(path).execute("SELECT count(*) FROM contacts").fetchone()[0] == 1


def test_on_a_terminal_the_passphrase_is_asked(cli, plain, monkeypatch):
    """Asked (hidden) only when standard input is a terminal: three tries, then one line."""
    import relationship_crm.cli.passphrase_prompt as prompt

    monkeypatch.setattr(prompt, "interactive", lambda: True)
    typed = iter([PASSPHRASE, PASSPHRASE])
    prompts: list[str] = []

    def getpass(prompt: str) -> str:
        prompts.append(prompt)
        return next(typed)

    monkeypatch.setattr(prompt.getpass, "getpass", getpass)
    encrypted = cli("encrypt")
    assert encrypted.code == 0, encrypted.err
    assert prompts == ["New passphrase: ", "The same passphrase again: "]
    encryption.forget_all()
    typed = iter(["nope", "still nope", PASSPHRASE])
    prompts.clear()
    listed = cli("contact", "list")
    assert listed.code == 0 and SECRET in listed.out
    assert prompts == [f"Passphrase for {plain}: "] * 3
    encryption.forget_all()
    typed = iter(["a", "b", "c"])
    wrong = cli("contact", "list")
    assert wrong.code == 1 and wrong.err.count("\n") == 1 and "wrong passphrase" in wrong.err
    encryption.forget_all()
    typed = iter([PASSPHRASE, "new one", "another one"])
    differ = cli("change-passphrase")
    assert differ.code == 1 and differ.err.count("\n") == 1
    assert "the two passphrases differ; nothing was changed" in differ.err


def test_restoring_a_plain_backup_over_an_encrypted_database_warns(cli, plain, monkeypatch):
    old_backup = next((plain.parent / "backups").glob("*-manual.sqlite3"))  # made before encrypt
    assert _encrypt(cli, monkeypatch).code == 0
    monkeypatch.setenv(PASSPHRASE_ENV_VAR, PASSPHRASE)
    restored = cli("restore", str(old_backup))
    assert restored.code == 0, restored.err
    assert "warning: the restored database is not encrypted" in restored.err
    assert "relationship-crm encrypt" in restored.err
