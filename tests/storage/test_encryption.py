"""Encrypted databases (SQLCipher, issue 21): keys, opening, backups, search and outside changes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from relationship_crm.domain.errors import DatabaseFileError, KnownError
from relationship_crm.domain.records import ContactDraft
from relationship_crm.services import contact_search, contacts, integrity, sample_data
from relationship_crm.storage import backups, cipher_files, encryption
from relationship_crm.storage.db import open_database

cipher = pytest.importorskip("sqlcipher3.dbapi2", reason="the [encryption] extra is not installed")

SECRET = "Zebulon Quaxworth"
PASSPHRASES = [
    'it\'s a "quoted" one',
    "spaces  and\ttabs ",
    "ünïcödé ключ 鍵 🔑",
    "'); DROP TABLE contacts; --",
    "x'00ff'",
]


HOLDER = """
import sys
from sqlalchemy import text
from relationship_crm.storage.db import open_database
db = open_database(sys.argv[1])
with db.read() as s:
    s.execute(text("SELECT count(*) FROM contacts")).all()
print("open", flush=True)
sys.stdin.read()
db.close()
"""


@pytest.fixture(autouse=True)
def _plain_to_start_with(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests make plain databases and encrypt them (whatever CRM_TEST_ENCRYPTED says)."""
    monkeypatch.delenv(encryption.PASSPHRASE_ENV_VAR, raising=False)
    encryption.set_new_database_passphrase(None)


def _filled(path: Path) -> None:
    db = open_database(path)
    try:
        with db.write() as s:
            contacts.create(s, ContactDraft(name=SECRET, notes="owes us a lunch at Chez Quux"))
            sample_data.generate(
                s,
                contacts=20,
                seed=3,
                today=date(2026, 1, 5),
                tz="UTC",
                now=datetime(2026, 1, 5, tzinfo=UTC),
            )
    finally:
        db.close()


def _plain_text_in(path: Path) -> bool:
    raw = path.read_bytes()
    return SECRET.encode() in raw or b"Chez Quux" in raw or b"CREATE TABLE" in raw


def _source(*given: str) -> None:
    encryption.set_passphrase_source(lambda _path, _retry: list(given))


@pytest.mark.parametrize("passphrase", PASSPHRASES)
def test_any_passphrase_encrypts_and_opens(tmp_path: Path, passphrase: str) -> None:
    path = tmp_path / "crm.sqlite3"
    _filled(path)
    cipher_files.encrypt(path, passphrase)
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        sqlite3.connect(path).execute("SELECT count(*) FROM sqlite_master").fetchone()
    assert not _plain_text_in(path)
    encryption.forget_all()
    _source(passphrase)
    db = open_database(path)
    try:
        with db.read() as s:
            assert [c.name for c in contact_search.search(s, "Quaxworth")] == [SECRET]  # FTS5
    finally:
        db.close()


def test_the_file_opens_in_sqlcipher_with_the_passphrase_itself(tmp_path: Path) -> None:
    """The key is SQLCipher 4's own derivation: `PRAGMA key = '<passphrase>'` opens the file."""
    path = tmp_path / "crm.sqlite3"
    _filled(path)
    passphrase = PASSPHRASES[0]
    cipher_files.encrypt(path, passphrase)
    conn = cipher.connect(str(path))
    quoted = passphrase.replace("'", "''")
    conn.execute(f"PRAGMA key = '{quoted}'")
    assert conn.execute("SELECT count(*) FROM contacts").fetchone()[0] == 21
    conn.close()


def test_a_wrong_passphrase_is_one_clear_error_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "crm.sqlite3"
    _filled(path)
    cipher_files.encrypt(path, "right")
    before = path.read_bytes()
    encryption.forget_all()
    _source("wrong", "also wrong")
    with pytest.raises(encryption.WrongPassphraseError, match="wrong passphrase") as caught:
        open_database(path)
    assert "\n" not in str(caught.value)
    assert path.read_bytes() == before
    encryption.set_passphrase_source(None)
    with pytest.raises(DatabaseFileError, match="encrypted: give its passphrase"):
        open_database(path)


def test_backups_are_encrypted_with_the_same_key_and_restore(tmp_path: Path) -> None:
    path = tmp_path / "crm.sqlite3"
    _filled(path)
    cipher_files.encrypt(path, "backup key")
    made = backups.make_backup(path, reason="manual")
    assert not _plain_text_in(made)
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        sqlite3.connect(made).execute("SELECT 1 FROM sqlite_master").fetchone()
    # A later session knows the passphrase; the backup has the same one.
    encryption.forget_all()
    _source("backup key")
    db = open_database(path)
    with db.write() as s:
        s.execute(text("DELETE FROM contacts"))
    db.close()
    encryption.set_passphrase_source(None)  # the backup opens with the database's key
    assert backups.check_backup(made)
    kept = backups.restore(path, made)
    assert kept is not None and encryption.is_encrypted(kept)
    assert not _plain_text_in(path)
    db = open_database(path)
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM contacts")).scalar() == 21
    db.close()
    assert integrity.run(path).ok


def test_a_backup_with_an_older_passphrase_is_restored_with_the_current_one(
    tmp_path: Path,
) -> None:
    path = tmp_path / "crm.sqlite3"
    _filled(path)
    cipher_files.encrypt(path, "old one")
    made = backups.make_backup(path, reason="manual")
    cipher_files.change_passphrase(path, "current one")
    encryption.forget(made)  # as a later session: the backup's key is not known
    _source("old one")  # the backup's own passphrase, asked for (the current one is tried first)
    backups.restore(path, made)
    # Same salt as the backup, the key of the current passphrase: the old one opens it no more.
    encryption.forget_all()
    _source("old one")
    with pytest.raises(encryption.WrongPassphraseError):
        open_database(path)
    _source("current one")
    db = open_database(path)
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM contacts")).scalar() == 21
    db.close()
    assert not _plain_text_in(path) and integrity.run(path).ok


def test_the_write_ahead_log_is_encrypted_and_outside_changes_are_seen(tmp_path: Path) -> None:
    """data_version (the app's outside-change detection) moves on an encrypted file too."""
    path = tmp_path / "crm.sqlite3"
    _filled(path)
    cipher_files.encrypt(path, "wal")
    app = open_database(path)
    other = open_database(path)
    try:
        with app.read() as s:
            first = s.connection().exec_driver_sql("PRAGMA data_version").scalar()
        with other.write() as s:
            contacts.create(s, ContactDraft(name="Walburga Unseen", notes="Chez Quux again"))
        wal = Path(f"{path}-wal")
        assert wal.exists() and wal.stat().st_size > 0
        assert b"Walburga" not in wal.read_bytes()
        with app.read() as s:
            assert s.connection().exec_driver_sql("PRAGMA data_version").scalar() != first
    finally:
        other.close()
        app.close()


def test_decrypt_and_change_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "crm.sqlite3"
    _filled(path)
    cipher_files.encrypt(path, "first")
    cipher_files.change_passphrase(path, "second")
    encryption.forget_all()
    _source("first")
    with pytest.raises(encryption.WrongPassphraseError):
        open_database(path)
    _source("second")
    aside = cipher_files.decrypt(path)
    assert encryption.is_encrypted(aside) and not encryption.is_encrypted(path)
    assert sqlite3.connect(path).execute("SELECT count(*) FROM contacts").fetchone()[0] == 21
    assert integrity.run(path).ok


def test_encrypt_keeps_the_plain_file_aside_and_refuses_while_in_use(tmp_path: Path) -> None:
    path = tmp_path / "crm.sqlite3"
    _filled(path)
    # Another process with the database open (its idle connection keeps a shared lock in WAL mode).
    app = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert app.stdout is not None and app.stdout.readline() == "open\n"
        with pytest.raises(KnownError, match="in use by another program"):
            cipher_files.encrypt(path, "busy")
    finally:
        app.communicate("")
    assert sqlite3.connect(path).execute("SELECT count(*) FROM contacts").fetchone()[0] == 21
    aside = cipher_files.encrypt(path, "free")
    assert aside.name.startswith("crm.sqlite3.before-encrypt-")
    assert sqlite3.connect(aside).execute("SELECT count(*) FROM contacts").fetchone()[0] == 21
    assert aside.stat().st_mode & 0o077 == 0 and path.stat().st_mode & 0o077 == 0


def test_a_new_database_can_be_created_encrypted(tmp_path: Path) -> None:
    path = tmp_path / "new" / "crm.sqlite3"
    encryption.set_new_database_passphrase("from the start")
    _filled(path)
    assert not _plain_text_in(path)
    encryption.forget_all()
    encryption.set_new_database_passphrase(None)
    _source("from the start")
    db = open_database(path)
    db.close()
