"""Without PySide6 (the core install, no desktop extra) the commands work, and the two things
that need Qt say so in one line: the desktop app (no command) and `thanks print`.

Each run is a fresh process in which PySide6 cannot be imported (a None entry in sys.modules is
what Python itself uses to stop an import), so these tests mean the same in the full test venv and
in CI's Qt-free one (tests/core.ini), where PySide6 is not installed at all.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

WITHOUT_QT = (
    "import sys\n"
    "sys.modules['PySide6'] = None  # as if not installed: `import PySide6` raises ImportError\n"
    "from relationship_crm.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "assert not [m for m in sys.modules if m.startswith('PySide6.')]\n"
    "sys.exit(code)\n"
)


def run_without_qt(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_QT, *argv],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_commands_work_without_qt(tmp_path: Path) -> None:
    db = str(tmp_path / "core.sqlite3")
    added = run_without_qt("--db", db, "contact", "add", "Core Only")
    assert added.returncode == 0 and added.stdout.strip() == "1", added.stderr
    listed = run_without_qt("--db", db, "contact", "list", "--format", "json")
    assert listed.returncode == 0 and '"Core Only"' in listed.stdout


def test_thanks_print_says_it_needs_the_desktop_package(tmp_path: Path) -> None:
    db = str(tmp_path / "core.sqlite3")
    out = tmp_path / "notes.pdf"
    result = run_without_qt("--db", db, "thanks", "print", "--all-drafts", "--pdf", str(out))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "printing needs PySide6" in line and "the other commands work without it" in line
    assert not out.exists()


def test_no_command_says_the_desktop_app_needs_pyside6(tmp_path: Path) -> None:
    result = run_without_qt("--db", str(tmp_path / "core.sqlite3"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "the desktop app needs PySide6" in line
