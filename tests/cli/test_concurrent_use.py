"""Concurrent use: command-line processes and in-process writers share one database file.

SQLite allows one writer at a time; write transactions start with BEGIN IMMEDIATE and wait on the
busy timeout (storage/db.py), so concurrent writers queue instead of failing with "database is
locked". The desktop app's TaskRunner is one more writer with its own connection; threads with
their own `open_database` handles stand in for it here (no Qt needed).
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from relationship_crm.domain.records import ContactDraft, FollowUpDraft, Labeled
from relationship_crm.services import contact_search, contacts, followups
from relationship_crm.services.common import utcnow
from relationship_crm.storage.db import Database, open_database
from tests.database_files import connect_file

CLI_PROCESSES = 4
ADDS_PER_PROCESS = 5
THREADS = 2
WRITES_PER_THREAD = 40


def _cli(db_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relationship_crm", "--db", str(db_path), *argv],
        capture_output=True,
        text=True,
        timeout=60,
    )


def _cli_loop(db_path: Path, worker: int) -> list[subprocess.CompletedProcess[str]]:
    """One shell script's worth of `relationship-crm contact add`, one process after another."""
    return [
        _cli(db_path, "contact", "add", f"Cli{worker} Person{i}", "--email", f"c{worker}.{i}@x.org")
        for i in range(ADDS_PER_PROCESS)
    ]


def _app_writer(db: Database, worker: int) -> tuple[list[int], float]:
    """What the app's database thread does: short write transactions, one per user action.

    Returns the new contact ids and the longest write (waiting for the lock included).
    """
    rng = random.Random(worker)
    made: list[int] = []
    longest = 0.0
    for i in range(WRITES_PER_THREAD):
        began = time.monotonic()
        with db.write() as s:
            cid = contacts.create(
                s,
                ContactDraft(
                    name=f"App{worker} Person{i}",
                    emails=(Labeled(f"app{worker}.{i}@example.com"),),
                    notes="met at the fair " * rng.randrange(1, 50),
                ),
            ).id
            followups.add(
                s,
                FollowUpDraft(
                    contact_id=cid, due_local=utcnow().replace(tzinfo=None), tz="America/New_York"
                ),
            )
        longest = max(longest, time.monotonic() - began)
        made.append(cid)
        with db.read() as s:  # and reads in between, as the panels refresh
            contact_search.search(s, f"App{worker}", limit=5)
        time.sleep(rng.uniform(0, 0.1))  # spread over the time the command lines run
    return made, longest


def _used_database(db_path: Path) -> None:
    """A file in the state of any real one: used before, so already in WAL mode."""
    db = open_database(db_path)
    with db.write() as s:
        contacts.create(s, ContactDraft(name="Already Here"))
    db.close()


def test_command_line_and_app_write_at_once_without_locked_errors(tmp_path: Path) -> None:
    db_path = tmp_path / "crm.sqlite3"
    _used_database(db_path)
    # Each "app" opens its database once, at start, as the window does.
    handles = [open_database(db_path) for _ in range(THREADS)]
    started = time.monotonic()
    try:
        with ThreadPoolExecutor(max_workers=CLI_PROCESSES + THREADS) as pool:
            cli_jobs = [pool.submit(_cli_loop, db_path, w) for w in range(CLI_PROCESSES)]
            app_jobs = [pool.submit(_app_writer, db, w) for w, db in enumerate(handles)]
            cli_results = [r for job in cli_jobs for r in job.result()]
            app_ids = [cid for job in app_jobs for cid in job.result()[0]]
            longest = max(job.result()[1] for job in app_jobs)
    finally:
        for db in handles:
            db.close()
    elapsed = time.monotonic() - started

    for result in cli_results:
        assert "locked" not in result.stderr.lower() and "busy" not in result.stderr.lower()
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        assert result.stdout.strip().isdigit(), result.stdout
    cli_ids = [int(r.stdout) for r in cli_results]
    assert len(cli_ids) == CLI_PROCESSES * ADDS_PER_PROCESS
    assert len(app_ids) == THREADS * WRITES_PER_THREAD
    assert len(set(cli_ids) | set(app_ids)) == len(cli_ids) + len(app_ids), "a commit was lost"

    with connect_file(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        total = conn.execute("SELECT count(*) FROM contacts").fetchone()[0]
        fups = conn.execute("SELECT count(*) FROM follow_ups").fetchone()[0]
    assert total == 1 + len(cli_ids) + len(app_ids)
    assert fups == len(app_ids)
    print(
        f"{len(cli_ids)} command-line adds in {CLI_PROCESSES} processes and {len(app_ids)} "
        f"in-process writes in {THREADS} threads: {elapsed:.1f} s; longest in-process write "
        f"(lock wait included) {longest * 1000:.0f} ms"
    )


@pytest.mark.parametrize("look", ["check", "second handle"])
def test_looking_at_the_file_while_the_app_has_it_open_loses_no_commit(
    tmp_path: Path, look: str
) -> None:
    """The app has the file open; it checks it (Help → Check database), or something opens a
    second handle; the command line writes meanwhile. Nothing written may disappear."""
    db_path = tmp_path / "crm.sqlite3"
    _used_database(db_path)
    app = open_database(db_path)
    others: list[Database] = []
    try:
        with app.write() as s:
            contacts.create(s, ContactDraft(name="App One"))
        if look == "check":
            from relationship_crm.services import integrity

            assert integrity.check(db_path) == []
        else:
            others.append(open_database(db_path))
        first = _cli(db_path, "contact", "add", "Cli One")
        assert first.returncode == 0, first.stderr
        with app.write() as s:
            app_two = contacts.create(s, ContactDraft(name="App Two")).id
        second = _cli(db_path, "contact", "add", "Cli Two")
        assert second.returncode == 0, second.stderr
    finally:
        for db in [app, *others]:
            db.close()
    assert int(second.stdout) != app_two, "two commits were given the same id: one is lost"
    with connect_file(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        names = {row[0] for row in conn.execute("SELECT display_name FROM contacts")}
    assert names == {"Already Here", "App One", "Cli One", "App Two", "Cli Two"}
