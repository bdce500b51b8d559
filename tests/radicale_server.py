"""A real CalDAV/CardDAV server for the sync tests (tests/sync, the app's in tests/ui): Radicale.

Started once per session as a subprocess with a plain htpasswd file and its storage in a temporary
folder, waited on until it answers, stopped at the end. Each test gets its own user (Radicale
creates a user's home on first login), so tests never see each other's collections.
"""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

requests = pytest.importorskip("requests")
pytest.importorskip("radicale")

__all__ = ["PASSWORD", "USERS", "Server", "free_port", "running_radicale"]

USERS = 40
PASSWORD = "s3cret-pass"
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class Server:
    url: str
    folder: Path
    users: Iterator[str]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_radicale(folder: Path, *, tls: tuple[Path, Path] | None = None) -> Iterator[Server]:
    """Radicale on a free port of 127.0.0.1 (https with `tls` = (certificate, key)) until exit."""
    (folder / "users").write_text(
        "".join(f"rep{n}:{PASSWORD}\n" for n in range(USERS)), encoding="utf-8"
    )
    port = free_port()
    ssl = f"ssl = True\ncertificate = {tls[0]}\nkey = {tls[1]}\n" if tls else ""
    (folder / "config").write_text(
        f"""[server]
hosts = 127.0.0.1:{port}
{ssl}[auth]
type = htpasswd
htpasswd_filename = {folder / "users"}
htpasswd_encryption = plain
delay = 0
[storage]
filesystem_folder = {folder / "collections"}
[logging]
level = warning
""",
        encoding="utf-8",
    )
    log = (folder / "log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(folder / "config")],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    url = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"Radicale exited: {(folder / 'log').read_text()}")
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # readiness only: not verifying is meant
                    requests.get(url + "/.web/", timeout=2, verify=False)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)  # polling a starting process, not racing it: no fixed wait
        yield Server(url, folder, (f"rep{n}" for n in itertools.count()))
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
