"""A throw-away PostgreSQL for the tests: a cluster of our own in a temp folder, or a given server.

`CRM_TEST_POSTGRES_URL` names an already running server (a role that may CREATE DATABASE and
CREATE ROLE, e.g. ``postgresql://postgres@/postgres?host=/var/run/postgresql``). Without it, a
cluster is made with `initdb` and started with `pg_ctl` (both from ``pg_config --bindir``) in a
temp folder, with its own socket folder and port, listening on no TCP address; as root the two run
as the `postgres` user, since initdb refuses root. fsync is off: the cluster dies with the session.

A session that dies without cleaning up (SIGKILL) leaves its server running: the next session
stops and removes such clusters first (`sweep_orphans`: an `owner.pid` whose process is gone).

Each test gets a fresh database copied from a migrated template (CREATE DATABASE ... TEMPLATE),
which is much faster than running the migrations again.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

URL_ENV_VAR = "CRM_TEST_POSTGRES_URL"
TEMPLATE = "crm_test_template"
START_TIMEOUT_S = 60


class Unavailable(Exception):
    """No PostgreSQL server programs on this machine and no server given."""


@dataclass
class Cluster:
    """Where the server is: an admin URL (database `postgres`) and how to reach other databases."""

    admin_url: str
    started: float = 0.0  # seconds the start took (0 for a given server)
    _names: Iterator[int] = field(default_factory=itertools.count)
    _server_version: int | None = None

    def url(self, database: str, user: str | None = None) -> str:
        """The URL of `database` on this server (as `user`, else the admin role)."""
        parts = urlsplit(self.admin_url)
        netloc = parts.netloc
        if user is not None:
            host = netloc.rsplit("@", 1)[-1]
            netloc = f"{quote(user)}@{host}"
        return urlunsplit((parts.scheme, netloc, f"/{database}", parts.query, ""))

    def admin(self, *statements: str, database: str = "postgres") -> None:
        """Run statements one by one in autocommit (CREATE DATABASE refuses a transaction)."""
        import psycopg

        with psycopg.connect(_libpq(self.url(database)), autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)  # type: ignore[arg-type]

    def new_database(self) -> str:
        """A fresh migrated database (a copy of the template); returns its name."""
        name = f"crm_test_{os.getpid()}_{next(self._names)}"
        # FILE_COPY (PostgreSQL 15+) copies a small template faster than the WAL_LOG default.
        strategy = " STRATEGY FILE_COPY" if self._version() >= 150000 else ""
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE}{strategy}')
        return name

    def _version(self) -> int:
        if self._server_version is None:
            import psycopg

            with psycopg.connect(_libpq(self.admin_url)) as conn:
                self._server_version = int(conn.info.server_version)
        return self._server_version

    def drop_database(self, name: str) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _libpq(url: str) -> str:
    """A SQLAlchemy URL as libpq takes it (no `+driver`)."""
    scheme, rest = url.split("://", 1)
    return f"{scheme.split('+', 1)[0]}://{rest}"


def _bindir() -> Path:
    found = shutil.which("pg_config")
    candidates: list[Path] = []
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=False)
        if out.returncode == 0:
            candidates.append(Path(out.stdout.strip()))
    # Debian keeps the server programs out of PATH (and pg_config may be missing).
    candidates.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True))
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    raise Unavailable("no PostgreSQL server programs (initdb, pg_ctl); install `postgresql`")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


OWNER_FILE = "owner.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def sweep_orphans(bindir: Path, as_user: list[str]) -> list[Path]:
    """Stop and remove the clusters of test sessions that died without cleaning up (a SIGKILL,
    a power cut): their server would otherwise run on. Returns the folders removed."""
    removed = []
    for folder in Path(tempfile.gettempdir()).glob("crm-pg-*"):
        try:
            owner = int((folder / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue  # not ours, or still being made
        if _alive(owner):
            continue
        if (folder / "data" / "postmaster.pid").exists():
            subprocess.run(
                [*as_user, str(bindir / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate",
                 "stop"],
                check=False, capture_output=True,
            )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


@contextmanager
def running_cluster() -> Iterator[Cluster]:
    """The server of this test session, with the migrated template database in it."""
    given = os.environ.get(URL_ENV_VAR)
    if given:
        cluster = Cluster(given)
        _make_template(cluster)
        try:
            yield cluster
        finally:
            cluster.admin(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
        return
    bindir = _bindir()
    as_user: list[str] = []
    user = "postgres"
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
    else:
        import getpass

        user = getpass.getuser()
    sweep_orphans(bindir, as_user)
    folder = Path(tempfile.mkdtemp(prefix="crm-pg-"))
    (folder / OWNER_FILE).write_text(str(os.getpid()))
    if as_user:
        shutil.chown(folder, "postgres")
    data = folder / "data"
    port = _free_port()
    began = time.monotonic()
    subprocess.run(
        [*as_user, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", user,
         "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
        check=True, capture_output=True,
    )  # fmt: skip
    options = (
        f"-k {folder} -p {port} -c listen_addresses='' -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    subprocess.run(
        [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
         str(folder / "server.log"), "-w", "-t", str(START_TIMEOUT_S), "start"],
        check=True, capture_output=True,
    )  # fmt: skip
    cluster = Cluster(f"postgresql://{user}@/postgres?host={folder}&port={port}")
    try:
        _make_template(cluster)
        cluster.started = time.monotonic() - began
        yield cluster
    finally:
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            check=False, capture_output=True,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


def _make_template(cluster: Cluster) -> None:
    from relationship_crm.storage.db import open_database

    cluster.admin(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)", f"CREATE DATABASE {TEMPLATE}")
    open_database(cluster.url(TEMPLATE)).close()
