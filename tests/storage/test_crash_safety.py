"""Crash safety: a writer killed (SIGKILL) at any moment never damages the file nor loses a commit.

Each write is one transaction (``db.write()``), WAL with ``synchronous=FULL``: after any kill the
file must pass SQLite's own checks, every change the writer reported as committed must be there,
and the app must open the file again. The random seed is printed on failure; set
``CRM_CRASH_SEED`` to replay a run.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from relationship_crm.domain.errors import DatabaseFileError
from relationship_crm.domain.records import ContactDraft
from relationship_crm.services import contacts
from relationship_crm.storage.db import open_database
from tests.database_files import connect_file

# The writer: the real services, one transaction per step. A line is printed (and flushed, one
# write() call) only after `with db.write()` has returned, i.e. after the commit.
WRITER = r"""
import random, sys
from datetime import datetime
from relationship_crm.domain.records import ContactDraft, FollowUpDraft, Labeled, MeetingDraft
from relationship_crm.services import contacts, followups, meetings
from relationship_crm.storage.db import open_database

path, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
db = open_database(path)
print("ready", flush=True)
step = 0
while True:
    step += 1
    lines = []
    with db.write() as s:
        cid = contacts.create(s, ContactDraft(
            name=f"Crash{seed} Person{step}",
            emails=(Labeled(f"p{seed}.{step}@example.com", "work"),),
            phones=(Labeled("+1 415 555 0100"),),
            company=f"Company {rng.randrange(40)}",
            tags=(f"tag{rng.randrange(5)}",),
            notes="x" * rng.randrange(0, 3000),
        )).id
        lines.append(f"committed contact {cid}")
        if step % 2 == 0:
            fid = followups.add(s, FollowUpDraft(
                contact_id=cid, due_local=datetime(2030, 1, 1 + step % 28, 9, 0),
                tz="America/New_York", note="call back", cadence="weekly")).id
            lines.append(f"committed follow_up {fid}")
        if step % 3 == 0:
            mid = meetings.log(s, MeetingDraft(
                title=f"Lunch {step}", starts_local=datetime(2026, 5, 1, 12, 0),
                tz="America/New_York", attendee_ids=(cid,), notes="n" * rng.randrange(0, 5000),
                research="r" * rng.randrange(0, 500))).id
            lines.append(f"committed meeting {mid}")
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
"""

TABLES = {"contact": "contacts", "follow_up": "follow_ups", "meeting": "meetings"}


@dataclass
class Round:
    committed: dict[str, list[int]] = field(default_factory=lambda: {k: [] for k in TABLES})
    lines: int = 0


def _parse(output: str, into: Round) -> None:
    # Only whole lines count: a line cut short by the kill was not fully reported.
    for line in output.splitlines(keepends=True):
        if not line.endswith("\n") or not line.startswith("committed "):
            continue
        _word, kind, ident = line.split()
        into.committed[kind].append(int(ident))
        into.lines += 1


def assert_sound(
    db_path: Path, committed: dict[str, list[int]], *, context: str, app_first: bool = False
) -> None:
    """SQLite's checks pass, every reported commit is present, and the app opens the file.

    `app_first`: the app opens the crashed file before anything else has recovered its log (its
    first look is read-only), as when the rep simply starts the app again.
    """
    if app_first:
        _app_opens(db_path, committed, context)
    conn = connect_file(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], context
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == [], context
        for kind, table in TABLES.items():
            present = {row[0] for row in conn.execute(f"SELECT id FROM {table}")}
            missing = set(committed[kind]) - present
            assert not missing, f"{context}: committed {kind} ids missing: {sorted(missing)}"
    finally:
        conn.close()
    if not app_first:
        _app_opens(db_path, committed, context)
    _app_check(db_path, context)


def _app_opens(db_path: Path, committed: dict[str, list[int]], context: str) -> None:
    db = open_database(db_path)
    try:
        with db.read() as session:
            assert contacts.count(session) >= len(committed["contact"]), context
    finally:
        db.close()


def _app_check(db_path: Path, context: str) -> None:
    # `relationship-crm check` too (services/integrity.py): the app's own invariants, such as the
    # search index matching the contacts. Imported here, as the app's check command does.
    from relationship_crm.services import integrity

    problems = integrity.check(db_path)
    assert not problems, f"{context}: " + "; ".join(str(p) for p in problems)


def _seed() -> int:
    return int(os.environ.get("CRM_CRASH_SEED") or random.randrange(1 << 30))


def test_a_writer_killed_at_random_moments_never_loses_a_commit(tmp_path: Path) -> None:
    seed = _seed()
    rng = random.Random(seed)
    db_path = tmp_path / "crm.sqlite3"
    open_database(db_path).close()  # created once; the rounds reuse the same file
    total = Round()
    rounds, killed_mid_write = 25, 0
    for n in range(rounds):
        context = f"round {n} (CRM_CRASH_SEED={seed})"
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db_path), str(rng.randrange(1 << 20))],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None
        try:
            assert writer.stdout.readline() == "ready\n", context
            this = Round()
            if n % 2:
                # After a random number of commits: the next transaction has just begun.
                want = rng.randrange(1, 25)
                while this.lines < want:
                    line = writer.stdout.readline()
                    if not line:
                        break  # the writer stopped by itself: its stderr is shown below
                    _parse(line, this)
            else:
                # At a random moment once the writer is committing: its first transaction loads
                # lazily imported modules and can take longer than 400 ms on a busy machine, so a
                # timer started at "ready" killed most writers before they wrote anything.
                _parse(writer.stdout.readline(), this)
                time.sleep(rng.uniform(0.020, 0.400))
        finally:
            writer.send_signal(signal.SIGKILL)
            rest, err = writer.communicate()
        assert writer.returncode == -signal.SIGKILL, f"{context}: {err}"
        _parse(rest, this)
        killed_mid_write += this.lines > 0
        for kind, ids in this.committed.items():
            total.committed[kind].extend(ids)
        assert_sound(db_path, total.committed, context=context, app_first=n % 4 < 2)
    print(
        f"{rounds} kills, {killed_mid_write} after some commits; committed "
        + ", ".join(f"{len(ids)} {kind}s" for kind, ids in total.committed.items())
    )
    # The kills landed while the writer was committing, not before it started.
    assert killed_mid_write >= rounds * 3 // 4, f"CRM_CRASH_SEED={seed}"
    assert len(total.committed["contact"]) >= rounds, f"CRM_CRASH_SEED={seed}"


def test_a_database_killed_while_being_created_can_still_be_opened(tmp_path: Path) -> None:
    """The first start creates the schema; a kill during it must not leave a half-made file
    that the app then refuses ("no schema version", "damaged") forever."""
    seed = _seed()
    rng = random.Random(seed)
    for n in range(8):
        db_path = tmp_path / f"new{n}" / "crm.sqlite3"
        context = f"round {n} (CRM_CRASH_SEED={seed})"
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db_path), "1"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 20
            # Kill within ~60 ms of the first schema write (creating it takes about that long).
            while not _being_written(db_path) and time.monotonic() < deadline:
                time.sleep(0.001)
            time.sleep(rng.uniform(0, 0.060))
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.communicate()
        # Opening creates whatever the kill left uncreated; then the file is checked as usual.
        try:
            open_database(db_path).close()
        except DatabaseFileError as exc:
            pytest.fail(f"{context}: the app refuses the file: {exc}")
        assert_sound(db_path, {k: [] for k in TABLES}, context=context)


def _being_written(db_path: Path) -> bool:
    if not db_path.exists():
        return False
    journals = (db_path.with_name(db_path.name + suffix) for suffix in ("-wal", "-journal"))
    return db_path.stat().st_size > 0 or any(j.exists() for j in journals)


def _file_state(path: Path) -> tuple[int, int] | None:
    """(size, modification time in ns) of a file, None when there is none."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return found.st_size, found.st_mtime_ns


def test_an_import_killed_at_random_moments_leaves_nothing_half_written(tmp_path: Path) -> None:
    """Random timing over the whole write phase of a big Outlook CSV import.

    tests/cli/test_import_cli.py::test_a_killed_import_leaves_the_database_as_it_was kills at two
    fixed points (by the size of the write-ahead log); this spreads the kill over the transaction
    and checks all-or-nothing: the count is the old one, or the old one plus every row.
    """
    seed = _seed()
    rng = random.Random(seed)
    db_path = tmp_path / "crm.sqlite3"
    db = open_database(db_path)
    with db.write() as session:
        contacts.create(session, ContactDraft(name="Before Import"))
    db.close()
    rows = 10_000
    big = tmp_path / "big.csv"
    big.write_text(
        "First Name,Last Name,E-mail Address,Business Phone,Company,Job Title\r\n"
        + "".join(
            f"Person{i},Family{i},p{i}@example.com,+1 415 555 {i:04d},Co {i % 300},Buyer\r\n"
            for i in range(rows)
        )
    )
    wal = db_path.with_name(db_path.name + "-wal")
    command = [sys.executable, "-m", "relationship_crm", "--db", str(db_path), "import", str(big)]
    # One import run whole first: how long its write phase lasts on this machine today, so the
    # kills below land inside it however fast the import has become (and however loaded).
    process = subprocess.Popen(
        [*command, "--on-duplicate", "add"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    before = _file_state(wal)
    while process.poll() is None and _file_state(wal) == before:
        time.sleep(0.002)
    writing_from = time.monotonic()
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    phase = time.monotonic() - writing_from
    expected = 1 + rows
    killed_while_writing = 0
    rounds = 0
    # At least five rounds, and on until three were killed while writing (a round that ends
    # first, because the machine ran it faster than the whole run above, adds its rows).
    while rounds < 5 or (killed_while_writing < 3 and rounds < 20):
        n = rounds
        rounds += 1
        context = f"round {n} (CRM_CRASH_SEED={seed})"
        before = _file_state(wal)
        process = subprocess.Popen(
            [*command, "--on-duplicate", "add"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            deadline = time.monotonic() + 60
            # Wait for the write phase (the log is written: after a checkpoint SQLite writes it
            # again from the start, so it changes without growing), then kill inside it.
            while process.poll() is None and time.monotonic() < deadline:
                if _file_state(wal) != before:
                    break
                time.sleep(0.002)
            time.sleep(rng.uniform(0, 0.5 * phase))
            finished = process.poll() is not None
        finally:
            process.send_signal(signal.SIGKILL)
            _out, err = process.communicate()
        if finished:
            assert process.returncode == 0, f"{context}: {err!r}"
        else:
            killed_while_writing += 1
        with connect_file(db_path) as conn:
            now = conn.execute("SELECT count(*) FROM contacts").fetchone()[0]
        assert now in (expected, expected + rows), f"{context}: {now} contacts, half an import"
        expected = now
        assert_sound(db_path, {k: [] for k in TABLES}, context=context)
    print(f"{rounds} imports of {rows} rows, {killed_while_writing} killed while writing")
    assert killed_while_writing >= 3, f"CRM_CRASH_SEED={seed}"
