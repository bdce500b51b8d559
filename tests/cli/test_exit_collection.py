"""A command run as its own process skips Python's garbage collection at exit (issue 18)."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from relationship_crm.cli import main as cli_main


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()  # what a test froze goes back to the collector


def test_the_process_entry_point_leaves_its_objects_out_of_the_exit_collection(
    tmp_path, capsys, monkeypatch, unfrozen
):
    db = tmp_path / "crm.sqlite3"
    # A command that makes thousands of objects: enough for the collector to run whatever this
    # process warmed up before (a `today` on an empty book may make too few to reach a collection).
    argv = ["relationship-crm", "--db", str(db), "sample-data", "--contacts", "200", "--seed", "3"]
    monkeypatch.setattr(sys, "argv", argv)
    collections: list[str] = []
    gc.callbacks.append(_count := lambda phase, info: collections.append(phase))
    try:
        assert cli_main() == 0
    finally:
        gc.callbacks.remove(_count)
    assert gc.get_freeze_count() > 0  # the whole heap: nothing left for the shutdown to walk
    assert db.is_file()
    # Loading the modules is not collected (none of it is garbage), the command's work is.
    assert collections and gc.isenabled()


def test_a_process_whose_command_fails_before_it_starts_collects_again(
    tmp_path, capsys, monkeypatch, unfrozen
):
    missing = tmp_path / "no" / "such" / "crm.sqlite3"
    monkeypatch.setattr(sys, "argv", ["relationship-crm", "--db", str(missing), "today"])
    assert cli_main() == 1
    assert gc.isenabled()


def test_a_command_called_with_arguments_keeps_the_collector(tmp_path, capsys, unfrozen):
    # Scripts and tests call main(argv) in a process that goes on: its garbage stays collectable.
    assert cli_main(["--db", str(tmp_path / "crm.sqlite3"), "today"]) == 0
    assert gc.get_freeze_count() == 0


def test_a_failing_command_still_exits_with_its_code(tmp_path):
    missing = tmp_path / "no" / "such" / "crm.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "relationship_crm", "--db", str(missing), "today"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "does not exist" in done.stderr
