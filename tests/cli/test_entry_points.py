"""The installed command: `python -m`, database selection, no Qt for headless commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run(*argv: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    return subprocess.run(
        [sys.executable, *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


def test_python_dash_m_is_the_same_command(tmp_path):
    db = tmp_path / "m.sqlite3"
    added = run("-m", "relationship_crm", "--db", str(db), "contact", "add", "Via Module")
    assert added.returncode == 0 and added.stdout.strip() == "1"
    listed = run("-m", "relationship_crm", "contact", "list", "--db", str(db), "--format", "json")
    assert '"Via Module"' in listed.stdout


def test_environment_variable_picks_the_database(tmp_path):
    db = tmp_path / "env" / "crm.sqlite3"
    result = run(
        "-m",
        "relationship_crm",
        "contact",
        "add",
        "Env Person",
        env={"RELATIONSHIP_CRM_DB": str(db)},
    )
    assert result.returncode == 0 and db.exists()


def test_default_database_is_in_the_user_data_folder(tmp_path):
    data_home = tmp_path / "xdg"
    result = run(
        "-m",
        "relationship_crm",
        "contact",
        "add",
        "Default Person",
        env={"XDG_DATA_HOME": str(data_home), "RELATIONSHIP_CRM_DB": ""},
    )
    assert result.returncode == 0, result.stderr
    assert (data_home / "relationship-crm" / "crm.sqlite3").exists()


def test_headless_commands_never_import_qt(tmp_path):
    code = (
        "import sys; from relationship_crm.cli import main\n"
        f"db = {str(tmp_path / 'q.sqlite3')!r}\n"
        "main(['--db', db, 'contact', 'add', 'No Qt'])\n"
        "main(['--db', db, 'today', '--format', 'json'])\n"
        "main(['--db', db, 'search', 'qt'])\n"
        "bad = [m for m in sys.modules if m.startswith('PySide6')]\n"
        "assert not bad, bad\n"
    )
    result = run("-c", code)
    assert result.returncode == 0, result.stderr


def test_a_bug_is_one_line_not_a_traceback(tmp_path):
    # A database path inside a file cannot be created: a clear one-line error, exit 1.
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("-m", "relationship_crm", "--db", str(blocker / "crm.sqlite3"), "today")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
