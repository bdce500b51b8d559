"""A kill at any moment of `encrypt` leaves the plain or the encrypted file, never neither.

The child process kills itself (SIGKILL) just before or just after each step of the conversion
(the export, the check, each sync, the second name, the rename), one more step per run, until a
run gets through: every moment between two steps is covered, deterministically. After each kill
the database path must hold a complete database, plain or encrypted, with every row.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from relationship_crm.services import sample_data
from relationship_crm.storage import cipher_files, encryption
from relationship_crm.storage.db import open_database

pytest.importorskip("sqlcipher3", reason="the [encryption] extra is not installed")

PASSPHRASE = "kill 'me' softly"

CHILD = r"""
import os, signal, sys
from relationship_crm.storage import backups, cipher_files, encryption

path, kill_at = sys.argv[1], int(sys.argv[2])
seen = 0


def step(name):
    global seen
    seen += 1
    if seen == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)


def wrap(owner, attr):
    real = getattr(owner, attr)

    def wrapped(*args, **kwargs):
        step(f"before {attr}")
        result = real(*args, **kwargs)
        step(f"after {attr}")
        return result

    setattr(owner, attr, wrapped)


wrap(encryption, "export")
wrap(cipher_files, "_verify")
wrap(backups, "_fsync_file")
wrap(backups, "_fsync_folder")
wrap(os, "link")
wrap(os, "replace")
cipher_files.encrypt(path, sys.argv[3])
print("done", seen, flush=True)
"""


@pytest.fixture(autouse=True)
def _plain_to_start_with(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests make plain databases and encrypt them (whatever CRM_TEST_ENCRYPTED says)."""
    monkeypatch.delenv(encryption.PASSPHRASE_ENV_VAR, raising=False)
    encryption.set_new_database_passphrase(None)


def _rows(path: Path) -> int:
    db = open_database(path)
    try:
        with db.read() as s:
            return int(s.execute(text("SELECT count(*) FROM contacts")).scalar_one())
    finally:
        db.close()


@pytest.mark.slow
def test_a_kill_during_encrypt_leaves_the_plain_or_the_encrypted_file(tmp_path: Path) -> None:
    original = tmp_path / "original.sqlite3"
    db = open_database(original)
    with db.write() as s:
        sample_data.generate(
            s,
            contacts=40,
            seed=5,
            today=date(2026, 2, 1),
            tz="UTC",
            now=datetime(2026, 2, 1, tzinfo=UTC),
        )
    db.close()
    want = _rows(original)
    outcomes: list[str] = []
    for kill_at in range(1, 40):
        path = tmp_path / f"run{kill_at}" / "crm.sqlite3"
        path.parent.mkdir()
        path.write_bytes(original.read_bytes())
        run = subprocess.run(
            [sys.executable, "-c", CHILD, str(path), str(kill_at), PASSPHRASE],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert path.exists(), f"nothing at the database path after a kill at step {kill_at}"
        encryption.forget_all()
        encryption.set_passphrase_source(lambda _p, _r: [PASSPHRASE])
        assert _rows(path) == want
        try:
            sqlite3.connect(path).execute("SELECT count(*) FROM sqlite_master").fetchone()
            outcomes.append("plain")
        except sqlite3.DatabaseError:
            outcomes.append("encrypted")
        if run.returncode == 0:
            assert run.stdout.startswith("done")
            break
        assert run.returncode == -signal.SIGKILL, run.stderr
        # The next conversion goes through and clears what the killed one left.
        if outcomes[-1] == "plain":
            cipher_files.encrypt(path, PASSPHRASE)
        else:
            cipher_files.decrypt(path)
        assert not list(path.parent.glob(".*.partial*"))
        assert _rows(path) == want
    else:
        pytest.fail("encrypt never finished")
    # Killed before the rename: plain; from the rename on: encrypted; and both were met.
    assert outcomes[0] == "plain" and outcomes[-1] == "encrypted"
    assert outcomes == sorted(outcomes, key=lambda o: o == "encrypted")
    assert len(outcomes) >= 10
