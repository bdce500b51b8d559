"""Privacy: every file the app writes is the user's alone (0600, folders 0700), even under a
permissive umask, and nothing ever opens a network connection or imports a way to."""

from __future__ import annotations

import ast
import importlib.util
import os
import socket
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import relationship_crm
from relationship_crm.storage.db import open_database

PACKAGE = Path(relationship_crm.__file__).parent


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that lets everything through: privacy must not depend on the user's umask."""
    old = os.umask(0)
    yield
    os.umask(old)


# Printing renders pages with Qt, which the core install (without the desktop extra) lacks.
HAVE_QT = importlib.util.find_spec("PySide6") is not None


def typical_use(cli: Callable[..., object], out: Path) -> dict[str, Path]:
    """Contacts, a meeting and its notes, every export format and a PDF (where Qt is installed);
    returns the files."""
    jane = cli("contact", "add", "Jane Doe", "--email", "jane@acme.com", "--company", "Acme").id
    bob = cli("contact", "add", "Bob Stone", "--notes", "<img src='http://example.com/x.png'>").id
    meeting = cli(
        "meeting", "log", "--title", "Kick-off", "--at", "2026-11-20 10:00", "--with", str(jane)
    ).id
    assert cli("followup", "add", str(bob), "--due", "2026-12-01 09:00").code == 0
    assert cli("thanks", "draft", str(meeting)).code == 0
    files = {fmt: out / f"export.{fmt}" for fmt in ("vcf", "csv", "ics", "json")}
    for fmt, target in files.items():
        result = cli("export", "--format", fmt, str(target))
        assert result.code == 0, result.err
    pdf = out / "notes.pdf"
    result = cli("thanks", "print", "--meeting", str(meeting), "--pdf", str(pdf))
    if HAVE_QT:
        assert result.code == 0, result.err
        files["pdf"] = pdf
    else:  # the Qt-free core run (tests/core.ini): printing says it needs the desktop extra
        assert result.code == 1 and "needs PySide6" in result.err, result.err
    for command in (
        ("today",),
        ("search", "jane"),
        ("duplicates",),
        ("contact", "show", str(jane)),
        ("import", str(files["vcf"]), "--on-duplicate", "skip"),
        ("contact", "delete", str(bob)),
        ("trash", "list"),
    ):
        result = cli(*command)
        assert result.code == 0, (command, result.err)
    return files


# --- files and folders ------------------------------------------------------------------------


def test_database_exports_and_pdfs_are_private(cli, db_path, tmp_path, open_umask):
    out = tmp_path / "exports"
    out.mkdir(mode=0o755)
    (out / "export.csv").write_text("an older, world-readable export")
    os.chmod(out / "export.csv", 0o644)
    files = typical_use(cli, out)
    assert mode(db_path) == 0o600
    assert mode(db_path.parent) == 0o700
    for name, path in files.items():
        assert mode(path) == 0o600, name  # a replaced export does not keep the old mode
    # The temporary files the exports were written through are gone.
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in files.values())


def test_the_write_ahead_log_and_shared_memory_files_are_private(db_path, open_umask):
    db = open_database(db_path)
    try:
        with db.write() as s:
            from relationship_crm.domain.records import ContactDraft
            from relationship_crm.services import contacts

            contacts.create(s, ContactDraft(name="Jane Doe"))
        # While a connection is open, SQLite keeps both beside the database (WAL mode); it
        # creates them with the database file's own permissions.
        with db.read() as s:
            sides = [db_path.with_name(db_path.name + suffix) for suffix in ("-wal", "-shm")]
            assert all(side.exists() for side in sides)
            assert [mode(side) for side in sides] == [0o600, 0o600]
    finally:
        db.close()


def test_backups_are_private(cli, db_path, open_umask):
    if "invalid choice" in cli("backup", "--help").err:
        pytest.skip("no backup command yet")
    cli("contact", "add", "Jane Doe")
    made = cli("backup")
    assert made.code == 0, made.err
    backup = Path(made.out.strip().splitlines()[-1])
    assert backup.exists()
    assert mode(backup) == 0o600
    folder = db_path.parent / "backups"
    assert mode(folder) == 0o700
    for path in folder.rglob("*"):
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path


# --- no network -------------------------------------------------------------------------------


def test_every_command_works_with_the_network_cut_off(cli, tmp_path, monkeypatch):
    attempts: list[str] = []

    def refuse(name: str) -> Callable[..., object]:
        def call(*args: object, **kwargs: object) -> object:
            attempts.append(name)
            raise OSError(f"network access attempted: {name}")

        return call

    for target, name in (
        (socket.socket, "connect"),
        (socket.socket, "connect_ex"),
        (socket.socket, "sendto"),
        (socket, "create_connection"),
        (socket, "getaddrinfo"),
        (socket, "gethostbyname"),
    ):
        monkeypatch.setattr(target, name, refuse(name))
    out = tmp_path / "out"
    out.mkdir()
    typical_use(cli, out)
    result = cli("sample-data", "--contacts", "20", "--today", "2026-11-23")
    assert result.code == 0, result.err
    assert attempts == []


NETWORK_MODULES = (
    "urllib.request",
    "urllib3",
    "http",
    "requests",
    "httpx",
    "aiohttp",
    "socket",
    "ssl",
    "ftplib",
    "smtplib",
    "webbrowser",
    "xmlrpc",
    "PySide6.QtNetwork",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtWebSockets",
    "PySide6.QtWebChannel",
)
#: Qt names that load or open URLs (a browser, remote resources).
NETWORK_NAMES = ("QDesktopServices", "QTextBrowser", "QNetworkAccessManager")
#: Sync with the rep's own server (issue 19, only once it is set up) is the one way out: its HTTP
#: client is imported by this module alone, and only the `sync` commands load it
#: (tests/sync/test_sync_privacy.py checks that at run time).
SYNC_CLIENT = ("relationship_crm/sync/dav.py", "requests")
#: What may come from a network module: QtNetwork's local sockets (a Unix socket or named pipe
#: between two launches of the app on one machine, ui/single_instance.py) reach no network.
LOCAL_ONLY = {"PySide6.QtNetwork": {"QLocalServer", "QLocalSocket"}}


def imports_of(path: Path) -> Iterator[tuple[str, int]]:
    """Every imported module, and `module.name` for each name imported from one."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                yield f"{node.module}.{alias.name}", node.lineno


def is_network(name: str) -> bool:
    module, _, imported = name.rpartition(".")
    if imported in LOCAL_ONLY.get(module, ()):
        return False
    if imported in NETWORK_NAMES:
        return True
    return any(name == m or name.startswith(m + ".") for m in NETWORK_MODULES)


def test_no_module_imports_a_way_to_the_network():
    """Lazy imports included (import-linter cannot name urllib.request or PySide6 submodules)."""
    assert is_network("urllib.request.urlopen") and is_network("PySide6.QtGui.QDesktopServices")
    assert is_network("PySide6.QtNetwork.QTcpSocket") and is_network("http.client")
    assert not is_network("urllib.parse.quote") and not is_network("PySide6.QtNetwork.QLocalSocket")
    found, sync_client = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE.parent).as_posix()
        for name, line in imports_of(path):
            if (where, name) == SYNC_CLIENT:
                sync_client.append(name)
            elif is_network(name):
                found.append(f"{where}:{line}: {name}")
    assert found == []
    assert sync_client == [SYNC_CLIENT[1]]
