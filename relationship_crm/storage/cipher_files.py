"""Encrypting, decrypting and re-keying the database file in place, safe against a kill at any time.

`encrypt` and `decrypt` work like a restore: with the database locked against every other program,
its content is exported (``sqlcipher_export``) into a private temporary file beside it, which is
checked (SQLite's integrity check and the row count of every table) and synced; the current file
then gets a second name (a hard link: the database path never stops holding it), and the new file
is renamed over the database path in one atomic step. A kill at any moment leaves the old or the
new file at the database path, never neither, and nothing half-written under either name. The old
file stays under its second name until the rep deletes it. `change_passphrase` is SQLCipher's
``PRAGMA rekey``: one transaction through a rollback journal, so a kill leaves the old key.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from relationship_crm.domain.errors import DatabaseFileError, KnownError
from relationship_crm.storage import backups, encryption
from relationship_crm.storage.database_file import has_sqlite_header, inspect_file


def encrypt(db_path: Path, passphrase: str, *, now: datetime | None = None) -> Path:
    """Encrypt the database at `db_path` with `passphrase`; returns where the plain file is kept."""
    encryption.require()
    db_path = Path(db_path)
    _must_have_data(db_path)
    if encryption.is_encrypted(db_path):
        raise KnownError(f"{db_path} is already encrypted (change-passphrase changes its key)")
    key = encryption.new_key(passphrase)
    with _locked(db_path) as source:
        aside = _convert(db_path, source, key, reason="before-encrypt", now=now)
    return aside


def decrypt(db_path: Path, *, now: datetime | None = None) -> Path:
    """Turn the encrypted database at `db_path` back into a plain file; returns where the
    encrypted file is kept."""
    encryption.require()
    db_path = Path(db_path)
    _must_have_data(db_path)
    if not encryption.is_encrypted(db_path):
        raise KnownError(f"{db_path} is not encrypted")
    with _locked(db_path) as source:
        aside = _convert(db_path, source, None, reason="before-decrypt", now=now)
    return aside


def change_passphrase(db_path: Path, passphrase: str) -> None:
    """Re-encrypt the database at `db_path` with a key from the new `passphrase`."""
    encryption.require()
    db_path = Path(db_path)
    _must_have_data(db_path)
    old = encryption.key_for(db_path)
    if old is None:
        raise KnownError(f"{db_path} is not encrypted (encrypt it first)")
    if not passphrase:
        raise KnownError("the new passphrase is empty; choose one")
    new = encryption.derive(passphrase, old.salt)
    with _locked(db_path) as conn:
        conn.execute(f"PRAGMA rekey = {new.pragma}")
    encryption.remember(db_path, new)
    if not encryption.try_key(db_path, new):  # pragma: no cover - SQLCipher's own guarantee
        raise DatabaseFileError(f"the new passphrase does not open {db_path}")


def _must_have_data(db_path: Path) -> None:
    if inspect_file(db_path) is None:  # unlocks an encrypted file (asks for its passphrase)
        raise KnownError(f"there is no database at {db_path} yet")


@contextmanager
def _locked(db_path: Path) -> Iterator[Any]:
    """An SQLCipher connection holding the only lock on the file, in rollback-journal mode.

    Folding the write-ahead log in first leaves one self-contained file with no -wal or -shm
    beside it, so renaming files is all a swap needs, and closing this connection afterwards
    touches no side file of whatever then has the name.
    """
    key = encryption.key_for(db_path)
    if key is None:
        conn = encryption.open_plain_with_cipher(db_path)
    else:
        conn = encryption.connect(db_path, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(backups.LOCK_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("COMMIT")  # the lock stays until close (EXCLUSIVE locking mode)
        conn.execute("PRAGMA journal_mode = DELETE").fetchall()
        shared = Path(f"{db_path}-shm")
        if shared.exists() and not Path(f"{db_path}-wal").exists():
            shared.unlink()  # only an index of a WAL that is gone
    except encryption.OPERATIONAL_ERRORS as exc:
        conn.close()
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            raise KnownError(
                f"the database {db_path} is in use by another program (is Relationship CRM "
                "open? close it first); nothing was changed"
            ) from exc
        raise DatabaseFileError(f"cannot convert {db_path}: {exc}; nothing was changed") from exc
    except BaseException:
        conn.close()
        raise
    try:
        yield conn
    finally:
        conn.close()


def _convert(
    db_path: Path, source: Any, key: encryption.Key | None, *, reason: str, now: datetime | None
) -> Path:
    folder = db_path.parent
    failure = f"cannot convert {db_path}"
    # What a conversion killed earlier left: only this one (holding the lock) could be writing it.
    for leftover in folder.glob(f".{glob.escape(db_path.name)}.before-*crypt-*.partial*"):
        leftover.unlink(missing_ok=True)
    with backups._private_temp(folder, prefix=f".{db_path.name}.{reason}-", failure=failure) as tmp:
        if key is not None:
            encryption.remember(tmp, key)
        try:
            encryption.export(source, tmp, key)
            _verify(source, tmp)
            backups._fsync_file(tmp)
            os.chmod(tmp, 0o600)
        except encryption.ERRORS as exc:
            raise KnownError(f"{failure}: {exc}; nothing was changed") from exc
        except OSError as exc:
            raise KnownError(f"{failure}: {backups._os_reason(exc)}; nothing was changed") from exc
        aside = _second_name(db_path, reason, now)
        # From here the database path holds the old file until the rename puts the new one there.
        backups._fsync_folder(folder)
        try:
            os.replace(tmp, db_path)
        except OSError as exc:
            aside.unlink(missing_ok=True)
            raise KnownError(f"{failure}: {backups._os_reason(exc)}; nothing was changed") from exc
        backups._fsync_folder(folder)
        old_key = encryption.key_for(db_path)
        if old_key is not None:
            encryption.remember(aside, old_key)
        if key is None:
            encryption.forget(db_path)
        else:
            encryption.remember(db_path, key)
    return aside


def _verify(source: Any, copy: Path) -> None:
    """The copy passes SQLite's integrity check and has every table's rows, counted on both."""
    tables = [
        str(row[0])
        for row in source.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'")
    ]
    conn = encryption.connect(copy, mode="ro")
    try:
        verdict = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
        if verdict != ["ok"]:
            raise DatabaseFileError(f"the converted copy failed its check ({verdict[0]})")
        for table in tables:
            query = f'SELECT count(*) FROM "{table}"'
            want = source.execute(query).fetchone()[0]
            got = conn.execute(query).fetchone()[0]
            if want != got:
                raise DatabaseFileError(
                    f"the converted copy has {got} rows in {table}, not {want}; nothing was changed"
                )
    finally:
        conn.close()


def _second_name(db_path: Path, reason: str, now: datetime | None) -> Path:
    """Give the current file a second name beside it (`crm.sqlite3.before-encrypt-...Z`)."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%d-%H%M%SZ")
    for n in itertools.count(1):
        aside = db_path.with_name(f"{db_path.name}.{reason}-{stamp}" + (f"-{n}" if n > 1 else ""))
        try:
            os.link(db_path, aside)
        except FileExistsError:
            continue
        except OSError:
            # No hard links here (FAT, some shares): a copy, synced before the swap.
            if aside.exists():
                continue
            shutil.copyfile(db_path, aside)
            os.chmod(aside, 0o600)
            backups._fsync_file(aside)
        return aside
    raise AssertionError("unreachable")  # pragma: no cover


def plain_backups(db_path: Path) -> list[Path]:
    """Backups of `db_path` in its default folder that are not encrypted (made before)."""
    found = backups.list_backups(backups.default_folder(db_path), of=db_path)
    return [info.path for info in found if has_sqlite_header(info.path)]
