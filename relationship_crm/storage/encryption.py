"""Encryption at rest with SQLCipher: which files are encrypted, their keys, connections to them.

SQLCipher (the optional `sqlcipher3` package, extra ``[encryption]``) encrypts every page of the
file and of its write-ahead log. A passphrase becomes a key with SQLCipher's own KDF (PBKDF2-HMAC-
SHA512, 256,000 rounds, the 16-byte salt at the start of the file), computed here with hashlib so
that each connection is keyed with the raw key (``PRAGMA key = "x'<key><salt>'"``): any passphrase
works (quotes, spaces, any script), no passphrase text ever goes into SQL, and the slow KDF runs
once per file and process instead of once per connection. A file encrypted here opens in any
SQLCipher 4 with ``PRAGMA key = '<passphrase>'``, and the other way round.

This module keeps, for the process, the key of every encrypted file it has met (by real path).
Everything that opens a database file goes through `connect` (and the engine through
`engine_options`), which uses SQLCipher for a file with a key and the standard library's sqlite3
for any other. A file SQLite cannot read that looks encrypted is unlocked with `unlock`: the
passphrases already known (a backup shares its database's), then those the front end offers
(`set_passphrase_source`: the environment, the keyring, a terminal prompt, a dialog).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from relationship_crm.domain.errors import KnownError

PASSPHRASE_ENV_VAR = "RELATIONSHIP_CRM_PASSPHRASE"
KDF_ROUNDS = 256_000  # SQLCipher 4's default, so the file opens in any SQLCipher 4
SALT_BYTES = 16
#: SQLCipher's page size: an encrypted file is a whole number of pages (at least 512 bytes each).
_MIN_PAGE = 512


@lru_cache(maxsize=1)
def _driver() -> Any:
    """The optional extra's driver (sqlcipher3.dbapi2), or None without it: every file is then
    opened by the standard library. Loaded when first needed, not by every command (issue 18)."""
    try:
        from sqlcipher3 import dbapi2
    except ImportError:  # pragma: no cover - the core test environment has it too
        return None
    return dbapi2


#: Errors of either driver, for ``except`` clauses that handle both plain and encrypted files:
#: ERRORS, DATABASE_ERRORS and OPERATIONAL_ERRORS (module attributes, made on first use).
_ERROR_CLASSES = {
    "ERRORS": (sqlite3.Error, "Error"),
    "DATABASE_ERRORS": (sqlite3.DatabaseError, "DatabaseError"),
    "OPERATIONAL_ERRORS": (sqlite3.OperationalError, "OperationalError"),
}


def __getattr__(name: str) -> tuple[type[Exception], ...]:
    if name not in _ERROR_CLASSES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    standard, cipher_name = _ERROR_CLASSES[name]
    cipher = _driver()
    errors: tuple[type[Exception], ...] = (standard,)
    if cipher is not None:
        errors += (getattr(cipher, cipher_name),)
    globals()[name] = errors  # asked once
    return errors


class WrongPassphraseError(KnownError):
    """None of the passphrases given opens the file (which is left untouched)."""


@dataclass(frozen=True, slots=True)
class Key:
    """The raw key of one encrypted file: derived from `passphrase` and the file's `salt`."""

    passphrase: str
    salt: bytes
    raw: bytes

    @property
    def pragma(self) -> str:
        """The value of ``PRAGMA key``/``rekey``/``ATTACH ... KEY``: raw key and salt in hex."""
        return f"\"x'{self.raw.hex()}{self.salt.hex()}'\""


# A passphrase source: the passphrases to try for a file, in order (asked lazily: a terminal
# prompt or a dialog is shown only when the earlier ones did not fit). `retry` is True once one
# was wrong.
PassphraseSource = Callable[[Path, bool], Iterable[str]]

_keys: dict[str, Key] = {}
_lock = threading.Lock()
_source: PassphraseSource | None = None


def available() -> bool:
    """Whether SQLCipher is installed (``pip install relationship-crm[encryption]``)."""
    return _driver() is not None


def require() -> None:
    if _driver() is None:
        raise KnownError(
            "encryption needs SQLCipher: install it with pip install 'relationship-crm[encryption]'"
        )


def set_passphrase_source(source: PassphraseSource | None) -> None:
    """Where `unlock` gets passphrases for a file it meets encrypted (None: the environment)."""
    global _source
    _source = source


@contextmanager
def passphrase_source(source: PassphraseSource) -> Iterator[None]:
    """Use `source` for the files met inside the block (a backup's own dialog), then the one
    set before again."""
    global _source
    before = _source
    _source = source
    try:
        yield
    finally:
        _source = before


def _from_environment(_path: Path, _retry: bool) -> list[str]:
    given = os.environ.get(PASSPHRASE_ENV_VAR)
    return [given] if given else []


_UNSET = "\x00unset"  # no passphrase can be this: getpass and the environment never give a NUL
_new_passphrase: str | None = _UNSET


def set_new_database_passphrase(passphrase: str | None) -> None:
    """Create new databases encrypted with `passphrase` (None: plain). Until this is called,
    they are encrypted when RELATIONSHIP_CRM_PASSPHRASE is set (a script that gives one)."""
    global _new_passphrase
    _new_passphrase = passphrase or None


def reset() -> None:
    """Back to the start: no key known, passphrases and new databases from the environment."""
    global _new_passphrase, _source
    forget_all()
    _source = None
    _new_passphrase = _UNSET


def prepare_new(path: Path) -> None:
    """Called for a new, empty database file: encrypt it from the start when asked to."""
    passphrase = _new_passphrase
    if passphrase == _UNSET:
        passphrase = os.environ.get(PASSPHRASE_ENV_VAR) or None
    if passphrase is not None and key_for(path) is None:
        require()
        remember(path, new_key(passphrase))


def derive(passphrase: str, salt: bytes) -> Key:
    """The key SQLCipher 4 derives from `passphrase` for a file with `salt`."""
    return Key(passphrase, salt, _pbkdf2(passphrase, salt))


@lru_cache(maxsize=32)
def _pbkdf2(passphrase: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, KDF_ROUNDS, 32)


def new_key(passphrase: str) -> Key:
    """A key for a new encrypted file: `passphrase` with a fresh random salt."""
    if not passphrase:
        raise KnownError("the passphrase is empty; choose one")
    return derive(passphrase, secrets.token_bytes(SALT_BYTES))


def _name(path: Path | str) -> str:
    return os.path.realpath(path)


def key_for(path: Path | str) -> Key | None:
    """The key of `path` if it is an encrypted file met (or made) by this process."""
    with _lock:
        return _keys.get(_name(path))


def is_encrypted(path: Path | str) -> bool:
    return key_for(path) is not None


def remember(path: Path | str, key: Key) -> None:
    """`path` is (or is about to become) encrypted with `key`."""
    with _lock:
        _keys[_name(path)] = key


def forget(path: Path | str) -> None:
    """`path` is a plain file again (or gone)."""
    with _lock:
        _keys.pop(_name(path), None)


def forget_all() -> None:
    """Forget every key (tests; a front end that locks itself)."""
    with _lock:
        _keys.clear()


def connect(path: Path | str, *, mode: str | None = None, **kwargs: Any) -> Any:
    """A DB-API connection to `path`, keyed when the file is encrypted.

    `mode` "ro" or "rw" opens through a URI with that mode (read-only; never creating the file).
    The connection is a `sqlite3.Connection` for a plain file, an `sqlcipher3` one otherwise:
    catch `ERRORS`/`DATABASE_ERRORS`, not sqlite3's classes alone.
    """
    target = f"{Path(path).absolute().as_uri()}?mode={mode}" if mode else str(path)
    key = key_for(path)
    if key is None:
        return sqlite3.connect(target, uri=mode is not None, **kwargs)
    return _keyed(target, key, uri=mode is not None, **kwargs)


def _keyed(target: str, key: Key, **kwargs: Any) -> Any:
    require()
    conn = _driver().connect(target, **kwargs)
    try:
        # SQLCipher writes its own log lines to stderr on a wrong key; errors are raised anyway.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = {key.pragma}")
    except BaseException:
        conn.close()
        raise
    return conn


def engine_options(path: Path) -> dict[str, Any]:
    """Extra `create_engine` arguments for `path`: none for a plain file; for an encrypted one,
    the SQLCipher driver and a creator that keys each new connection before anything reads."""
    key = key_for(path)
    if key is None:
        return {}
    require()

    def creator() -> Any:
        # As SQLAlchemy's pysqlite does for a file: connections may move between threads.
        return _keyed(str(path), key, check_same_thread=False)

    return {"module": _driver(), "creator": creator}


def looks_encrypted(path: Path) -> bool:
    """Whether a file SQLite could not read (no SQLite header) may be an SQLCipher file.

    Only for a file no connection of this process has open (reading it opens a descriptor).
    """
    try:
        size = path.stat().st_size
    except OSError:
        return False
    return _driver() is not None and size >= _MIN_PAGE and size % _MIN_PAGE == 0


def _salt(path: Path) -> bytes | None:
    try:
        with path.open("rb") as fh:
            salt = fh.read(SALT_BYTES)
    except OSError:
        return None
    return salt if len(salt) == SALT_BYTES else None


def try_key(path: Path, key: Key) -> bool:
    """Whether `key` opens `path` (read-only; a wrong key changes nothing)."""
    cipher = _driver()
    assert cipher is not None
    try:
        conn = _keyed(f"{path.absolute().as_uri()}?mode=ro", key, uri=True)
    except cipher.Error:
        return False
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except cipher.DatabaseError as exc:
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_NOTADB:
            return False
        raise
    finally:
        conn.close()


def unlock(path: Path) -> bool:
    """Find the passphrase of `path`, a file plain SQLite could not read; True when found.

    Tried in order: the passphrases of the files already unlocked (a backup has its database's),
    then those of the passphrase source. False when there was no passphrase to try (the file may
    not be encrypted at all); WrongPassphraseError when none of those given fits.
    """
    path = Path(path)
    if not looks_encrypted(path):
        return False
    salt = _salt(path)
    if salt is None or salt == b"SQLite format 3\x00":
        return False  # a plain SQLite file (damaged, or opened with a key it no longer has)
    with _lock:
        known = list(dict.fromkeys(k.passphrase for k in _keys.values()))
    for passphrase in known:
        key = derive(passphrase, salt)
        if try_key(path, key):
            remember(path, key)
            return True
    tried = False
    source = _source or _from_environment
    for passphrase in source(path, False):
        if not passphrase:
            continue
        tried = True
        key = derive(passphrase, salt)
        if try_key(path, key):
            remember(path, key)
            return True
    if tried:
        raise WrongPassphraseError(
            f"wrong passphrase for {path} (or it is not a Relationship CRM database); "
            "nothing was changed"
        )
    return False


# --- making, converting and rekeying files --------------------------------------------------


def export(source: Any, target: Path, key: Key | None) -> None:
    """Copy the database open on `source` (an sqlcipher3 connection) into the new file `target`,
    encrypted with `key` (None: a plain file), with SQLCipher's ``sqlcipher_export``.

    The copy is made inside one read transaction on the source: a consistent snapshot.
    """
    require()
    value = f"x'{key.raw.hex()}{key.salt.hex()}'" if key is not None else ""
    source.execute("ATTACH DATABASE ? AS crm_export KEY ?", (str(target), value))
    try:
        source.execute("BEGIN")
        try:
            source.execute("SELECT sqlcipher_export('crm_export')").fetchall()
        finally:
            source.execute("COMMIT")
    finally:
        source.execute("DETACH DATABASE crm_export")


def open_plain_with_cipher(path: Path) -> Any:
    """An sqlcipher3 connection without a key: reads a plain file, and can export it encrypted."""
    require()
    conn = _driver().connect(str(path), isolation_level=None)
    conn.execute("PRAGMA cipher_log_level = NONE")
    return conn
