"""The sync tests' fixtures: one Radicale per session (tests/radicale_server.py), a user per test.

Each test gets its own user (Radicale creates a user's home on first login), so tests never see
each other's collections.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from radicale_server import PASSWORD, USERS, Server, running_radicale


@pytest.fixture(scope="session")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_radicale(tmp_path_factory.mktemp("radicale")) as server:
        yield server


@pytest.fixture
def user(radicale: Server) -> str:
    name = next(radicale.users)
    assert int(name.removeprefix("rep")) < USERS, "add users to the htpasswd file"
    return name


@pytest.fixture
def sync_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The password from the environment, and no system keyring (asked at each sync)."""
    monkeypatch.setenv("RELATIONSHIP_CRM_SYNC_PASSWORD", PASSWORD)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
