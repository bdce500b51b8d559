"""Sync in the app (issue 19) against a real Radicale: Edit → Sync account… checks the login off
the GUI thread and saves the password in the keyring only; the app then syncs in the background
(at once, after changes, on a timer) and the status bar says when or why not; offline is a word
in the status bar, never a dialog; with no account the app connects to nothing."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from PySide6.QtWidgets import QApplication, QMessageBox
from radicale_server import PASSWORD, free_port, running_radicale

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.records import ContactDraft
from relationship_crm.paths import AppPaths
from relationship_crm.services import contacts
from relationship_crm.storage.schema import SyncAccount
from relationship_crm.ui.background_sync import BackgroundSync
from relationship_crm.ui.main_window import MainWindow

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    with running_radicale(tmp_path_factory.mktemp("radicale")) as running:
        yield running


@pytest.fixture
def user(radicale) -> str:
    return next(radicale.users)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    import keyring
    from keyring.backends import fail

    old = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(old)


@pytest.fixture
def window(qtbot, ctx, db, wait_idle) -> MainWindow:
    win = MainWindow(ctx, AppPaths(Path(db.path)))
    qtbot.addWidget(win)
    win.show()
    wait_idle()
    return win


def wait_sync(qtbot, sync: BackgroundSync, timeout: int = 60000) -> None:
    qtbot.waitUntil(lambda: sync.idle, timeout=timeout)


def cards(url: str, user: str) -> list[str]:
    """The file names in an address book, read by a second client."""
    answer = requests.request(
        "PROPFIND", url, auth=(user, PASSWORD), timeout=30, headers={"Depth": "1"},
        data='<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/>'
        "</d:prop></d:propfind>",
    )  # fmt: skip
    assert answer.status_code == 207
    names = [
        (r.findtext("{DAV:}href") or "").rstrip("/").rsplit("/", 1)[-1]
        for r in ET.fromstring(answer.content).iter("{DAV:}response")
    ]
    return sorted(n for n in names if n.endswith(".vcf"))


def fill(dialog, url: str, user: str, password: str, **names: str) -> None:
    dialog.url_edit.setText(url)
    dialog.username_edit.setText(user)
    dialog.password_edit.setText(password)
    if "calendar" in names:
        dialog.calendar_edit.setText(names["calendar"])


def open_dialog(qtbot, window):
    dialog = window.edit_sync_account()
    with qtbot.waitSignal(dialog.account_loaded, timeout=10000):
        pass
    return dialog


def add_contact(db, name: str) -> int:
    with db.write() as s:
        return contacts.create(s, ContactDraft(name=name)).id


def no_message_boxes() -> bool:
    return not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]


def test_the_sync_account_dialog_sets_up_and_the_app_syncs(
    qtbot, window, db, db_path, radicale, user, memory_keyring, tmp_path
):
    jane = add_contact(db, "Jane Doe")
    dialog = open_dialog(qtbot, window)
    assert "not set up" in dialog.state_label.text()
    assert not dialog.forget_button.isEnabled()
    fill(dialog, radicale.url, user, PASSWORD)
    with qtbot.waitSignal(dialog.checked, timeout=60000) as result:
        dialog.save_button.click()
        # The login is checked on the sync thread: the window is not held up meanwhile.
        assert not dialog.save_button.isEnabled()
    assert result.args == [True], dialog.error_label.text()
    assert "Created the calendar 'Relationship CRM'" in dialog.state_label.text()
    # The password went to the keyring, and nowhere else.
    assert list(memory_keyring.values()) == [PASSWORD]
    assert dialog.password_edit.text() == ""
    # Saving starts the background sync at once; the status bar says when it synced.
    sync = window.background_sync
    assert sync.configured
    wait_sync(qtbot, sync)
    assert window.sync_status.text().startswith("Synced "), window.sync_status.text()
    book = next(iter(_account(db).values()))
    assert cards(book, user) == [f"contact-{jane}.vcf"]
    window.save_layout()
    db.close()
    for path in [db_path, *db_path.parent.glob("*"), *(tmp_path / "qt-settings").rglob("*")]:
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path
    dialog.close()


def _account(db) -> dict[str, str]:
    with db.read() as s:
        row = s.get(SyncAccount, 1)
        return {} if row is None else {"address_book_url": row.address_book_url}


def test_changes_are_synced_after_a_pause_and_on_the_timer(
    qtbot, ctx, db, radicale, user, memory_keyring
):
    from datetime import UTC, datetime

    from relationship_crm.sync import account

    account.set_up(db, url=radicale.url, username=user, password=PASSWORD, now=datetime.now(UTC))
    sync = BackgroundSync(ctx, debounce_ms=50, interval_ms=3_600_000)
    with qtbot.waitSignal(sync.synced, timeout=60000):
        sync.start()  # the app's start: an account is there, so it syncs at once
    book = _account(db)["address_book_url"]
    assert cards(book, user) == []
    bob = add_contact(db, "Bob Stone")
    with qtbot.waitSignal(sync.synced, timeout=60000) as synced:
        ctx.events.notify(Changes(contacts=True), None)  # as run_write does after a save
    assert synced.args[0].contacts_pushed == 1
    assert cards(book, user) == [f"contact-{bob}.vcf"]
    # Changes from outside (and the sync's own commits, seen the same way) start no sync.
    from relationship_crm.ui.outside_changes import OutsideChangesWatcher

    watcher = OutsideChangesWatcher(ctx.runner, ctx.events)
    ctx.events.notify(Changes.everything(), watcher)
    assert not sync._debounce.isActive()
    # The timer: every interval.
    sync._timer.setInterval(50)
    add_contact(db, "Ana Lima")
    with qtbot.waitSignal(sync.synced, timeout=60000) as synced:
        pass
    assert synced.args[0].contacts_pushed == 1
    sync.stop()


def test_a_contact_made_on_the_phone_shows_in_the_list_after_a_sync(
    qtbot, window, db, radicale, user, memory_keyring
):
    from datetime import UTC, datetime

    from relationship_crm.sync import account

    add_contact(db, "Jane Doe")
    account.set_up(db, url=radicale.url, username=user, password=PASSWORD, now=datetime.now(UTC))
    sync = window.background_sync
    assert sync._timer.interval() == 15 * 60 * 1000
    with qtbot.waitSignal(sync.synced, timeout=60000):
        sync.start()
    assert window.contact_list.model.rowCount() == 0  # Jane was added behind the window's back
    book = _account(db)["address_book_url"]
    made = requests.put(
        book + "phone-1.vcf",
        data=b"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:phone-1\r\nFN:Ana Lima\r\nN:Lima;Ana;;;\r\n"
        b"TEL:+1 917 555 0142\r\nEND:VCARD\r\n",
        auth=(user, PASSWORD),
        timeout=30,
        headers={"Content-Type": "text/vcard"},
    )
    assert made.status_code == 201
    with qtbot.waitSignal(sync.synced, timeout=60000) as synced:
        window.sync_now()  # Edit → Sync now
    assert synced.args[0].contacts_pulled == 1
    # The sync says what it changed: the list reloads (Jane and Ana).
    qtbot.waitUntil(lambda: window.contact_list.model.rowCount() == 2)


def test_offline_is_a_status_not_a_dialog(qtbot, window, db, radicale, user, memory_keyring):
    from datetime import UTC, datetime

    from relationship_crm.sync import account

    account.set_up(db, url=radicale.url, username=user, password=PASSWORD, now=datetime.now(UTC))
    port = free_port()  # nothing listens there: as if the laptop were offline
    with db.write() as s:
        s.get(SyncAccount, 1).calendar_url = f"http://127.0.0.1:{port}/{user}/calendar/"
    sync = window.background_sync
    with qtbot.waitSignal(sync.failed, timeout=60000):
        sync.start()
    assert window.sync_status.text() == "Offline — will retry"
    assert "cannot reach the server" in window.sync_status.toolTip()
    assert no_message_boxes()
    assert sync._timer.isActive()  # it tries again at the next interval


def test_a_refused_login_says_where_to_fix_it(qtbot, window, db, radicale, user, memory_keyring):
    from datetime import UTC, datetime

    from relationship_crm.sync import account

    account.set_up(db, url=radicale.url, username=user, password=PASSWORD, now=datetime.now(UTC))
    (key,) = memory_keyring
    memory_keyring[key] = "changed-on-the-server"
    sync = window.background_sync
    with qtbot.waitSignal(sync.failed, timeout=60000):
        sync.start()
    assert window.sync_status.text() == "Login refused — Edit → Sync account…"
    assert no_message_boxes()


def test_without_a_keyring_the_password_is_kept_in_memory_only(
    qtbot, window, db, radicale, user, no_keyring
):
    dialog = open_dialog(qtbot, window)
    fill(dialog, radicale.url, user, PASSWORD)
    with qtbot.waitSignal(dialog.checked, timeout=60000) as result:
        dialog.save_button.click()
    assert result.args == [True], dialog.error_label.text()
    assert "No system keyring here" in dialog.state_label.text()
    sync = window.background_sync
    wait_sync(qtbot, sync)
    assert window.sync_status.text().startswith("Synced ")
    # Another start of the app (the memory is gone): it says it needs the password.
    sync.password = None
    with qtbot.waitSignal(sync.failed, timeout=60000):
        sync.sync_now()
    assert window.sync_status.text() == "Sync needs the password — Edit → Sync account…"
    dialog.close()


@pytest.mark.parametrize(
    ("what", "said"),
    [
        ("password", "refused the username or password"),
        ("calendar", "no calendar named 'Work'"),
        ("server", "cannot reach the server"),
        ("http", "refusing plain http://"),
    ],
)
def test_what_goes_wrong_in_the_dialog_is_one_line_and_nothing_is_saved(
    qtbot, window, db, radicale, user, memory_keyring, what, said
):
    url, password, calendar = radicale.url, PASSWORD, "Relationship CRM"
    if what == "password":
        password = "wrong"
    elif what == "calendar":
        calendar = "Work"
    elif what == "server":
        url = f"http://127.0.0.1:{free_port()}"
    else:
        url = "http://cloud.example.com/dav"
    dialog = open_dialog(qtbot, window)
    fill(dialog, url, user, password, calendar=calendar)
    dialog.create_box.setChecked(False)
    with qtbot.waitSignal(dialog.checked, timeout=60000) as result:
        dialog.save_button.click()
    assert result.args == [False]
    text = dialog.error_label.text()
    assert said in text and "\n" not in text, text
    assert _account(db) == {} and memory_keyring == {}
    assert not window.background_sync.configured
    assert dialog.save_button.isEnabled()
    dialog.close()


def test_forget_stops_the_sync_and_removes_the_password(
    qtbot, window, db, radicale, user, memory_keyring
):
    dialog = open_dialog(qtbot, window)
    fill(dialog, radicale.url, user, PASSWORD)
    with qtbot.waitSignal(dialog.checked, timeout=60000):
        dialog.save_button.click()
    qtbot.waitUntil(dialog.forget_button.isEnabled)
    wait_sync(qtbot, window.background_sync)
    dialog.close()
    again = open_dialog(qtbot, window)  # shows the saved account, password left in the keyring
    assert (again.url_edit.text(), again.username_edit.text()) == (radicale.url, user)
    assert again.password_edit.text() == "" and "keyring" in again.password_edit.placeholderText()
    with qtbot.waitSignal(again.checked, timeout=60000) as result:
        again.forget_button.click()
    assert result.args == [True]
    assert _account(db) == {} and memory_keyring == {}
    assert not window.background_sync.configured and window.sync_status.text() == ""
    again.close()


def test_a_server_that_does_not_answer_never_blocks_the_window_or_the_database(
    qtbot, window, ctx, db, radicale, user, memory_keyring
):
    from datetime import UTC, datetime

    from PySide6.QtCore import QTimer

    from relationship_crm.sync import account

    account.set_up(db, url=radicale.url, username=user, password=PASSWORD, now=datetime.now(UTC))
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # takes connections, never answers
    port = silent.getsockname()[1]
    with db.write() as s:
        s.get(SyncAccount, 1).calendar_url = f"http://127.0.0.1:{port}/{user}/calendar/"
    sync = window.background_sync
    sync.account_changed(True)
    assert window.sync_status.text() == "Syncing…" and not sync.idle
    # While the sync waits on the server, the window's events and the database thread go on.
    fired: list[int] = []
    QTimer.singleShot(10, lambda: fired.append(1))
    counted: list[int] = []
    ctx.runner.query(contacts.count, counted.append)
    qtbot.waitUntil(lambda: fired == [1] and counted == [0], timeout=10000)
    assert not sync.idle
    with qtbot.waitSignal(sync.failed, timeout=90000):
        silent.close()  # the server goes away: the waiting connection is reset
    assert window.sync_status.text() == "Offline — will retry"
    assert no_message_boxes()


# --- privacy: the real app, in a fresh process --------------------------------------------------

APP_PROBE = """
import json, pathlib, socket, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
from relationship_crm import app
from relationship_crm.paths import AppPaths

connects = []
real = socket.socket.connect
def spy(self, address):
    connects.append(list(address) if isinstance(address, tuple) else str(address))
    return real(self, address)
socket.socket.connect = spy

want = sys.argv[2]
if len(sys.argv) > 3:  # a keyring holding the password, in memory
    import keyring
    from keyring.backend import KeyringBackend
    class Memory(KeyringBackend):
        priority = 1
        store = {}
        def get_password(self, service, username):
            return self.store.get((service, username))
        def set_password(self, service, username, password):
            self.store[(service, username)] = password
        def delete_password(self, service, username):
            self.store.pop((service, username), None)
    keyring.set_keyring(Memory())
    keyring.set_password(*json.loads(sys.argv[3]))

qapp = QApplication(sys.argv[:1])  # the timer below needs the event loop's thread ready
poll = QTimer()
poll.setInterval(20)
def check():
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow)]
    if not windows:
        return
    window = windows[0]
    sync = window.background_sync
    if want == "none" and not (window._ctx.runner.idle and sync.idle):
        return
    if want == "offline" and sync.status != "Offline — will retry":
        return
    poll.stop()
    window.close()
poll.timeout.connect(check)
poll.start()
code = app.main(AppPaths(pathlib.Path(sys.argv[1])))
loaded = sorted(
    m for m in sys.modules
    if m.startswith("relationship_crm.sync") or m.split(".")[0] in ("requests", "urllib3")
)
print("RESULT", json.dumps({"code": code, "connects": connects, "loaded": loaded}))
"""


def run_app(db_path: Path, tmp_path: Path, want: str, *keyring_entry: str) -> dict:
    import os

    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    env.pop("RELATIONSHIP_CRM_SYNC_PASSWORD", None)
    extra = [json.dumps(list(keyring_entry))] if keyring_entry else []
    done = subprocess.run(
        [sys.executable, "-c", APP_PROBE, str(db_path), want, *extra],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        env=env,
    )
    lines = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    assert lines, done.stderr[-3000:]
    result: dict = json.loads(lines[-1].removeprefix("RESULT "))
    return result


def test_the_app_connects_to_nothing_unless_sync_is_set_up(tmp_path, db, radicale, user):
    from datetime import UTC, datetime

    from relationship_crm.storage.db import open_database
    from relationship_crm.sync import account

    db_path = Path(db.path)
    add_contact(db, "Jane Doe")
    db.close()
    result = run_app(db_path, tmp_path, "none")
    assert result["code"] == 0
    assert (result["connects"], result["loaded"]) == ([], [])
    # Set up, with the server then gone: the app loads the sync code and tries that server,
    # and only that one, and says it is offline.
    again = open_database(db_path)
    try:
        account.set_up(
            again, url=radicale.url, username=user, password=PASSWORD, now=datetime.now(UTC)
        )
        port = free_port()
        with again.write() as s:
            row = s.get(SyncAccount, 1)
            row.calendar_url = f"http://127.0.0.1:{port}/{user}/calendar/"
            row.password_saved = 1
    finally:
        again.close()
    key = account.keyring_key(radicale.url, user)
    result = run_app(db_path, tmp_path, "offline", account.KEYRING_SERVICE, key, PASSWORD)
    assert result["code"] == 0
    assert result["connects"] == [["127.0.0.1", port]]
    assert "relationship_crm.sync.run" in result["loaded"] and "requests" in result["loaded"]
