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

import pg_cluster  # noqa: E402

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


# --- SQLite and PostgreSQL (issue 20) -------------------------------------------------------------
# Tests in these folders that use the `db` or `cli` fixture run once per engine: on a fresh SQLite
# file, and on a fresh database of the session's throw-away PostgreSQL cluster (pg_cluster.py).
# A test that also asks for `db_path` works on the file itself and runs on SQLite only, as does one
# marked `sqlite_only`. CRM_TEST_ENGINES=sqlite (or postgresql) runs one engine only.
ENGINE_FOLDERS = ("cli", "services")
ENGINES_ENV_VAR = "CRM_TEST_ENGINES"


def _engines() -> list[str]:
    chosen = os.environ.get(ENGINES_ENV_VAR, "sqlite,postgresql")
    return [e.strip() for e in chosen.split(",") if e.strip() in ("sqlite", "postgresql")]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: runs on SQLite only (a file matter)")
    config.addinivalue_line("markers", "postgresql: needs the throw-away PostgreSQL cluster")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_target" not in metafunc.fixturenames or "db_path" in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("sqlite_only") is not None:
        return
    if metafunc.definition.path.parent.name not in ENGINE_FOLDERS:
        return
    engines = _engines()
    if engines != ["sqlite"]:
        metafunc.parametrize("engine", engines, indirect=True)


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg_cluster.Cluster]:
    """The session's PostgreSQL (started on first use, in about 2 s; see tests/pg_cluster.py)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed: pip install -e '.[server]'")
    context = pg_cluster.running_cluster()
    try:
        cluster = context.__enter__()
    except pg_cluster.Unavailable as exc:
        pytest.skip(str(exc))
    try:
        yield cluster
    finally:
        context.__exit__(None, None, None)


@pytest.fixture
def database_target(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    """The test's database: an SQLite file path, or the URL of a fresh server database."""
    if engine == "sqlite":
        yield tmp_path / "data" / "crm.sqlite3"
        return
    cluster: pg_cluster.Cluster = request.getfixturevalue("pg_server")
    name = cluster.new_database()
    try:
        yield cluster.url(name)
    finally:
        cluster.drop_database(name)


# What README.md tells an admin to run once per database, and once per rep (issue 20).
REPS_ROLE_SQL = (
    "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'crm_reps') THEN "
    "CREATE ROLE crm_reps NOLOGIN; END IF; END $$",
    "GRANT USAGE ON SCHEMA public TO crm_reps",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO crm_reps",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO crm_reps",
)


def add_rep(cluster: pg_cluster.Cluster, login: str) -> None:
    cluster.admin(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{login}') THEN "
        f"CREATE ROLE {login} LOGIN IN ROLE crm_reps; END IF; END $$"
    )


@dataclass(frozen=True)
class Team:
    """A fresh server database with two reps' logins: alice and bob."""

    cluster: pg_cluster.Cluster
    name: str

    def url(self, rep: str) -> str:
        return self.cluster.url(self.name, user=rep)

    def share(self, database: str) -> None:
        """The README's grants to the reps on another database of the cluster (after its
        tables are made: GRANT ... ON ALL TABLES covers the tables there are)."""
        self.cluster.admin(*REPS_ROLE_SQL, database=database)


@pytest.fixture
def team(pg_server: pg_cluster.Cluster) -> Iterator[Team]:
    name = pg_server.new_database()
    try:
        pg_server.admin(*REPS_ROLE_SQL, database=name)
        for rep in ("alice", "bob"):
            add_rep(pg_server, rep)
        yield Team(pg_server, name)
    finally:
        pg_server.drop_database(name)


@pytest.fixture
def db(database_target: Any) -> Iterator[Database]:
    database = open_database(database_target)
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
def cli(database_target: Any, capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run the command line in-process against the test database: cli("contact", "add", "Jane")."""

    def run(*argv: str, db: Path | str | None = None) -> Result:
        # Through RELATIONSHIP_CRM_DB, the rep's configured database: the CLI makes its folder
        # (private), which it never does for a --db whose folder does not exist.
        with pytest.MonkeyPatch.context() as env:
            env.setenv("RELATIONSHIP_CRM_DB", str(db or database_target))
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

    # Before the class exists: a keyring not yet set up picks the highest-priority backend
    # class defined so far, and this one (priority 1) would then be "restored" after the test.
    old = keyring.get_keyring()
    store: dict[tuple[str, str], str] = {}

    class Memory(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            return store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            store.pop((service, username), None)

    keyring.set_keyring(Memory())
    try:
        yield store
    finally:
        keyring.set_keyring(old)
