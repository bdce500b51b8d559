"""The tests' throw-away PostgreSQL is never left running by a session that was killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pg_cluster
import pytest

pytestmark = pytest.mark.sqlite_only  # it starts a cluster of its own

STARTER = """
import sys, time
sys.path.insert(0, {tests!r})
import pg_cluster
with pg_cluster.running_cluster() as cluster:
    print(cluster.admin_url, flush=True)
    time.sleep(600)
"""


def test_a_killed_sessions_cluster_is_stopped_and_removed_by_the_next(monkeypatch) -> None:
    monkeypatch.delenv(pg_cluster.URL_ENV_VAR, raising=False)
    pytest.importorskip("psycopg", reason="the `server` extra (psycopg) is not installed")
    try:
        bindir = pg_cluster._bindir()
    except pg_cluster.Unavailable as exc:
        pytest.skip(str(exc))
    tests = str(Path(__file__).resolve().parents[1])
    child = subprocess.Popen(
        [sys.executable, "-c", STARTER.format(tests=tests)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, pg_cluster.URL_ENV_VAR: ""},
    )
    try:
        assert child.stdout is not None
        url = child.stdout.readline().strip()
        assert url.startswith("postgresql://"), url
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        if child.stdout is not None:
            child.stdout.close()
    folder = Path(parse_qs(urlsplit(url).query)["host"][0])
    postmaster = int((folder / "data" / "postmaster.pid").read_text().split()[0])
    os.kill(postmaster, 0)  # the server outlived its session
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    assert folder in pg_cluster.sweep_orphans(bindir, as_user)
    assert not folder.exists()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(postmaster, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"the orphaned server (pid {postmaster}) still runs")
