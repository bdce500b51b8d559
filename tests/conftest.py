"""Shared fixtures (Qt-free): a private database file in a temp folder and a CLI runner."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# Headless Qt for any test that needs it; must be set before a QApplication exists.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from relationship_crm.cli import main as cli_main  # noqa: E402
from relationship_crm.services.passphrases import NEW_PASSPHRASE_ENV_VAR  # noqa: E402
from relationship_crm.storage import encryption  # noqa: E402
from relationship_crm.storage.db import Database, open_database  # noqa: E402

# CRM_TEST_ENCRYPTED=1 runs the tests on encrypted databases (issue 21): every database a test
# creates (the `db` and `cli` fixtures, the command line) is encrypted with TEST_PASSPHRASE, which
# the command line reads from RELATIONSHIP_CRM_PASSPHRASE as a rep's script would.
ENCRYPTED = os.environ.get("CRM_TEST_ENCRYPTED") == "1"
TEST_PASSPHRASE = "a 'test' passphrase: \"quotes\", spaces, ünïcode"

# Profiles of the fuzzers (tests/cli/test_fuzz_commands.py, tests/services/test_fuzz_services.py).
# "fuzz" is the bounded, repeatable run of every test session (each file well under 60 s on two
# cores); HYPOTHESIS_PROFILE=fuzz-long runs them with fresh random examples, FUZZ_EXAMPLES of
# them per test (default 2000), e.g. `HYPOTHESIS_PROFILE=fuzz-long pytest tests -k fuzz`.
# Other property tests keep Hypothesis' defaults whatever the variable says.
_FUZZ_COMMON: dict[str, Any] = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
}
settings.register_profile("fuzz", max_examples=40, derandomize=True, **_FUZZ_COMMON)
settings.register_profile(
    "fuzz-long",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "2000")),
    print_blob=True,
    **_FUZZ_COMMON,
)
FUZZ_PROFILE = "fuzz-long" if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz-long" else "fuzz"


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may touch the real user data folder or depend on the machine's zone."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TZ", "America/New_York")
    monkeypatch.delenv("RELATIONSHIP_CRM_DB", raising=False)
    monkeypatch.delenv("RELATIONSHIP_CRM_DEBUG", raising=False)
    monkeypatch.delenv(NEW_PASSPHRASE_ENV_VAR, raising=False)
    # The keys of encrypted files are kept per process: each test starts knowing none.
    # With the passphrase in the environment, new databases are created encrypted and encrypted
    # ones open, in this process and in the processes tests start.
    encryption.reset()
    if ENCRYPTED:
        monkeypatch.setenv(encryption.PASSPHRASE_ENV_VAR, TEST_PASSPHRASE)
    else:
        monkeypatch.delenv(encryption.PASSPHRASE_ENV_VAR, raising=False)


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
        # Through RELATIONSHIP_CRM_DB, the rep's configured database: the CLI makes its folder
        # (private), which it never does for a --db whose folder does not exist.
        with pytest.MonkeyPatch.context() as env:
            env.setenv("RELATIONSHIP_CRM_DB", str(db or db_path))
            try:
                code = cli_main(list(argv))
            except SystemExit as exc:  # argparse exits for --help and usage errors
                code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def memory_keyring() -> Iterator[dict[tuple[str, str], str]]:
    """An in-memory system keyring (never the developer's real one)."""
    import keyring
    from keyring.backend import KeyringBackend

    store: dict[tuple[str, str], str] = {}

    class Memory(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            return store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            store.pop((service, username), None)

    old = keyring.get_keyring()
    keyring.set_keyring(Memory())
    try:
        yield store
    finally:
        keyring.set_keyring(old)
