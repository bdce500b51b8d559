"""Shared fixtures (Qt-free): a private database file in a temp folder and a CLI runner."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# Headless Qt for any test that needs it; must be set before a QApplication exists.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from relationship_crm.cli import main as cli_main  # noqa: E402
from relationship_crm.storage.db import Database, open_database  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may touch the real user data folder or depend on the machine's zone."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TZ", "America/New_York")
    monkeypatch.delenv("RELATIONSHIP_CRM_DB", raising=False)
    monkeypatch.delenv("RELATIONSHIP_CRM_DEBUG", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "crm.sqlite3"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.close()


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def id(self) -> int:
        assert self.code == 0, self.err
        return int(self.out.strip())


@pytest.fixture
def cli(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run the command line in-process against the test database: cli("contact", "add", "Jane")."""

    def run(*argv: str, db: Path | None = None) -> Result:
        try:
            code = cli_main(["--db", str(db or db_path), *argv])
        except SystemExit as exc:  # argparse exits for --help and usage errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
