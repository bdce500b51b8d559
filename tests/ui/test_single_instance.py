"""One window per database file: the lock beside it, raising the first window, stale locks."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QLockFile, QSysInfo
from PySide6.QtNetwork import QLocalSocket
from PySide6.QtWidgets import QMessageBox

import relationship_crm.ui.single_instance as single_instance
from relationship_crm.paths import AppPaths
from relationship_crm.ui import launch
from relationship_crm.ui.single_instance import SingleInstance, server_name_for


@pytest.fixture
def guards(qapp):
    """Make guards that are released after the test, as the app releases its own on quit."""
    made: list[SingleInstance] = []

    def make(db_path: Path) -> SingleInstance:
        guard = SingleInstance(db_path)
        made.append(guard)
        return guard

    yield make
    for guard in made:
        guard.release()


def test_a_second_launch_on_the_same_file_is_refused_and_raises_the_first(
    qtbot, guards, db_path: Path
):
    first = guards(db_path)
    assert first.acquire()
    assert first.lock_path == db_path.with_name("crm.sqlite3.lock")
    assert first.lock_path.exists()

    second = guards(db_path)
    assert not second.acquire()
    assert str(os.getpid()) in second.holder()
    with qtbot.waitSignal(first.raise_requested, timeout=5000):
        assert second.ask_to_raise(timeout_ms=5000)

    first.release()
    assert not first.lock_path.exists()
    assert second.acquire(), "the file is free once the first window has quit"


def test_the_lock_file_is_private_whatever_the_umask(guards, db_path: Path):
    old = os.umask(0)
    try:
        guard = guards(db_path)
        assert guard.acquire()
    finally:
        os.umask(old)
    assert stat.S_IMODE(guard.lock_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700


def test_another_spelling_of_the_same_file_shares_the_lock(guards, db_path: Path, tmp_path):
    db_path.parent.mkdir(parents=True)
    link = tmp_path / "link"
    link.symlink_to(db_path.parent, target_is_directory=True)
    assert guards(db_path).acquire()
    assert not guards(link / ".." / "link" / db_path.name).acquire()


def test_different_databases_are_independent(guards, tmp_path: Path):
    one, other = tmp_path / "one.sqlite3", tmp_path / "other.sqlite3"
    assert server_name_for(one) != server_name_for(other)
    assert guards(one).acquire()
    assert guards(other).acquire()


def test_a_lock_left_by_a_dead_process_does_not_block(guards, db_path: Path):
    db_path.parent.mkdir(parents=True)
    lock = db_path.with_name(db_path.name + ".lock")
    # QLockFile's format: pid, program, host. No process can have this pid (above pid_max).
    lock.write_text(f"99999999\npython3\n{QSysInfo.machineHostName()}\n")
    old = time.time() - 3600
    os.utime(lock, (old, old))
    guard = guards(db_path)
    assert guard.acquire()
    assert guard.holds_lock


def test_nobody_answering_is_reported_not_waited_on_forever(guards, db_path: Path):
    db_path.parent.mkdir(parents=True)
    # A lock held by a live process with no window listening (stuck before its event loop).
    held = QLockFile(str(db_path) + ".lock")
    assert held.tryLock(0)
    try:
        second = guards(db_path)
        assert not second.acquire()
        started = time.monotonic()
        assert not second.ask_to_raise(timeout_ms=400)
        assert time.monotonic() - started < 2
    finally:
        held.unlock()


def test_launching_again_raises_the_open_window_and_exits_0(qtbot, guards, db_path: Path, capsys):
    first = guards(db_path)
    assert first.acquire()
    with qtbot.waitSignal(first.raise_requested, timeout=5000):
        assert launch.run(AppPaths(db_path)) == 0
    assert "Relationship CRM is already open on" in capsys.readouterr().err
    assert not db_path.exists(), "the second launch never opened the database"
    assert first.holds_lock


def test_launching_again_when_the_window_does_not_answer_says_so_and_exits_1(
    qapp, db_path: Path, monkeypatch
):
    db_path.parent.mkdir(parents=True)
    held = QLockFile(str(db_path) + ".lock")
    assert held.tryLock(0)
    messages: list[str] = []
    monkeypatch.setattr(single_instance, "ANSWER_TIMEOUT_MS", 300)
    monkeypatch.setattr(
        QMessageBox, "warning", lambda parent, title, text, *rest: messages.append(text)
    )
    try:
        assert launch.run(AppPaths(db_path)) == 1
    finally:
        held.unlock()
    assert "already in use by another Relationship CRM window" in messages[0]
    assert str(db_path) in messages[0]
    assert not db_path.exists()


def _wait_until_listening(name: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the first window quit"
        socket = QLocalSocket()
        socket.connectToServer(name)
        if socket.waitForConnected(200):
            socket.abort()
            return
        socket.abort()
        time.sleep(0.1)
    raise AssertionError("the first window never listened")


@pytest.mark.slow
def test_two_real_launches_on_one_file(qapp, guards, db_path: Path, tmp_path: Path):
    """`python -m relationship_crm --db PATH` twice: the second shows the first and exits."""
    db_path.parent.mkdir(parents=True)  # --db creates a database only in a folder that exists
    command = [sys.executable, "-m", "relationship_crm", "--db", str(db_path)]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    first_log = tmp_path / "first.err"
    with first_log.open("wb") as log:
        first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        _wait_until_listening(server_name_for(db_path), first, timeout=30)
        started = time.monotonic()
        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=30)
        took = time.monotonic() - started
        assert second.returncode == 0, second.stderr
        assert f"Relationship CRM is already open on {db_path}; showing it" in second.stderr
        assert took < 10
        assert first.poll() is None, "the first window is still open"
        # The first window did raise itself: the offscreen platform logs that it cannot.
        deadline = time.monotonic() + 5
        while "does not support raise()" not in first_log.read_text(errors="replace"):
            assert time.monotonic() < deadline, first_log.read_text(errors="replace")
            time.sleep(0.05)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    # The killed window left its lock file and its socket behind: neither blocks the next one.
    assert db_path.with_name(db_path.name + ".lock").exists()
    after = guards(db_path)
    assert after.acquire()
    other = guards(db_path)
    assert not other.acquire()
    assert other.ask_to_raise(timeout_ms=5000)
