"""No network code is loaded unless the rep syncs: only `sync` commands import the sync package
and its HTTP client (checked in fresh processes, so earlier imports cannot hide one)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.timeout(300)

# Runs each command line given (as JSON) in turn in one process, then lists what got loaded.
PROBE = """
import json, sys
from relationship_crm.cli import main
for argv in json.loads(sys.argv[1]):
    try:
        main(argv)
    except SystemExit:
        pass
loaded = sorted(
    m for m in sys.modules
    if m.startswith("relationship_crm.sync")
    or m.split(".")[0] in ("requests", "urllib3", "keyring")
)
print("LOADED", ",".join(loaded))
"""


def loaded_by(db_path, *commands: tuple[str, ...]) -> list[str]:
    argvs = [["--db", str(db_path), *argv] for argv in commands]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(argvs)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    line = [x for x in done.stdout.splitlines() if x.startswith("LOADED")]
    assert line, done.stderr
    return [m for m in line[-1].removeprefix("LOADED ").split(",") if m]


def test_other_commands_never_load_the_sync_code(tmp_path):
    commands = [
        ("contact", "add", "Jane Doe"),
        ("followup", "add", "1", "--due", "2026-12-01 09:00"),
        ("contact", "list"),
        ("today",),
        ("export", "--format", "ics", str(tmp_path / "out.ics")),
        ("config", "show"),
        ("sync", "--help"),
        ("sync", "status"),  # reads the database only
        ("sync", "forget"),
    ]
    assert loaded_by(tmp_path / "crm.sqlite3", *commands) == []


def test_sync_commands_load_it(tmp_path, monkeypatch):
    monkeypatch.setenv("RELATIONSHIP_CRM_SYNC_PASSWORD", "x")
    loaded = loaded_by(tmp_path / "crm.sqlite3", ("sync", "run"))
    assert "relationship_crm.sync.run" in loaded
