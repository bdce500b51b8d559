"""`--db`: a database is created only where the rep clearly asked; anything else is one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from relationship_crm.cli import main as cli_main
from relationship_crm.paths import default_db_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli_main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_mistyped_folder_creates_nothing(tmp_path, capsys):
    target = tmp_path / "Documnets" / "crm" / "crm.sqlite3"
    code, out, err = run(capsys, "--db", str(target), "contact", "list")
    assert code == 1 and out == ""
    assert err.count("\n") == 1
    assert "folder" in err and "does not exist" in err and str(target) in err
    assert not (tmp_path / "Documnets").exists()
    # The same with --db after the command.
    assert run(capsys, "contact", "list", "--db", str(target))[0] == 1
    assert not (tmp_path / "Documnets").exists()


def test_the_configured_database_may_make_its_folders(tmp_path, capsys, monkeypatch):
    # RELATIONSHIP_CRM_DB is set up on purpose, like the default location: not a typo.
    target = tmp_path / "configured" / "crm.sqlite3"
    monkeypatch.setenv("RELATIONSHIP_CRM_DB", str(target))
    assert run(capsys, "contact", "list")[0] == 0
    assert target.is_file()
    # A typed --db still wins, and is still checked.
    code, _, err = run(capsys, "--db", str(tmp_path / "nowhere" / "x.sqlite3"), "contact", "list")
    assert code == 1 and "does not exist" in err


def test_a_file_in_place_of_the_folder_is_one_line(tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    code, _, err = run(capsys, "--db", str(tmp_path / "afile" / "crm.sqlite3"), "contact", "list")
    assert code == 1 and err.count("\n") == 1 and "is not a folder" in err


def test_an_existing_folder_gets_a_new_database(tmp_path, capsys):
    target = tmp_path / "crm.sqlite3"
    code, out, err = run(capsys, "--db", str(target), "contact", "list")
    assert (code, out) == (0, "No contacts.\n"), err
    assert target.is_file()


def test_the_default_location_is_created_as_needed(capsys):
    assert not default_db_path().parent.exists()  # a fresh user (XDG_DATA_HOME is per test)
    code, out, err = run(capsys, "contact", "list")
    assert (code, out) == (0, "No contacts.\n"), err
    assert default_db_path().is_file()


def test_an_empty_db_is_an_error_not_the_default(capsys):
    code, out, err = run(capsys, "--db", "", "contact", "list")
    assert code == 1 and out == ""
    assert err == "relationship-crm: error: --db needs a path to a database file (it was empty)\n"
    assert not default_db_path().exists()
    assert run(capsys, "--db", "  ", "contact", "add", "Jane")[0] == 1
    assert not default_db_path().exists()


def test_an_empty_db_does_not_open_the_app_on_the_default_database(capsys):
    code, _, err = run(capsys, "--db", "")
    assert code == 1 and "--db needs a path" in err


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_special_file_is_one_clear_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "relationship_crm", "--db", "/proc/self/status", "contact", "list"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr == (
        "relationship-crm: error: cannot use /proc/self/status as a database: "
        "SQLite cannot open it\n"
    )
