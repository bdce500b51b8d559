"""Sync in the background (issue 19): on start, after changes, every 15 minutes, on its own thread.

The network work (a sync run, the Sync account dialog's login check) runs on a thread of its
own, one job at a time, never on the database thread: a slow server never holds up the window
or the app's own reads and writes (the sync writes each item in a short transaction of its own
connection, beside the app's). The status bar says when the app last synced or why it could
not; being offline is normal and only says so.

Privacy: the sync package (and with it the HTTP client) is imported only inside the functions
run on the sync thread, and those run only once an account is set up: with no account the app
opens no network connection (tests/ui/test_sync_app.py checks it in a fresh process).
"""

from __future__ import annotations

import threading
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy.orm import Session

from relationship_crm.domain import timefmt
from relationship_crm.domain.changes import Changes
from relationship_crm.domain.errors import InvalidInputError, KnownError
from relationship_crm.storage.db import Database
from relationship_crm.storage.schema import SyncAccount
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.outside_changes import OutsideChangesWatcher

if TYPE_CHECKING:
    from relationship_crm.sync.account import SetUp
    from relationship_crm.sync.calendar import Tally

#: How often the app syncs by itself.
INTERVAL_MS = 15 * 60 * 1000
#: How long after the rep's last change the app syncs (a burst of edits is one sync).
DEBOUNCE_MS = 20 * 1000
#: Where the account is set up, as the status bar names it.
MENU_PATH = "Edit → Sync account…"

OFFLINE = "Offline — will retry"
LOGIN_REFUSED = f"Login refused — {MENU_PATH}"
PASSWORD_NEEDED = f"Sync needs the password — {MENU_PATH}"
SYNCING = "Syncing…"


@dataclass(frozen=True, slots=True)
class AccountFields:
    """The saved account as the dialog shows it (no password: that is in the keyring)."""

    url: str
    username: str
    calendar: str
    address_book: str
    ca_file: str
    password_saved: bool
    last_sync_at: datetime | None
    last_error: str | None


def saved_account(session: Session) -> AccountFields | None:
    """The account, read from the database alone (no sync code, no network)."""
    row = session.get(SyncAccount, 1)
    if row is None:
        return None
    return AccountFields(
        url=row.url,
        username=row.username,
        # A collection is found again by the last segment of its address (or its name).
        calendar=_segment(row.calendar_url),
        address_book=_segment(row.address_book_url or ""),
        ca_file=row.ca_file or "",
        password_saved=bool(row.password_saved),
        last_sync_at=row.last_sync_at,
        last_error=row.last_error,
    )


def has_account(session: Session) -> bool:
    return session.get(SyncAccount, 1) is not None


def _segment(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1] if url else ""


# --- run on the sync thread: plain values in and out, the sync package loaded only here -------


def sync_once(db: Database, password: str | None) -> Tally:
    from relationship_crm.sync.run import run

    return run(db, password)


def set_up(
    db: Database,
    *,
    url: str,
    username: str,
    password: str,
    calendar: str,
    address_book: str,
    create: bool,
    ca_file: str,
) -> SetUp:
    """The same service as `sync setup`; an empty password means the one the keyring keeps."""
    from relationship_crm.sync import account

    if not password:
        password = account.saved_password(url.strip(), username.strip()) or ""
    if not password:
        raise InvalidInputError("type the password of the account")
    return account.set_up(
        db,
        url=url,
        username=username,
        password=password,
        calendar=calendar.strip() or None,
        address_book=address_book.strip() or None,
        create=create,
        ca_file=account.check_ca_file(ca_file, "the certificate file"),
        now=datetime.now(UTC),
    )


def forget(db: Database) -> bool:
    from relationship_crm.sync import account

    return account.forget_account(db)


def status_for(exc: BaseException) -> str:
    """The status bar's words for a sync that could not run (the sync package is loaded: the
    run that failed imported it)."""
    from relationship_crm.sync.dav import LoginRefused, Unreachable
    from relationship_crm.sync.run import PasswordNeeded

    if isinstance(exc, Unreachable):
        return OFFLINE
    if isinstance(exc, LoginRefused):
        return LOGIN_REFUSED
    if isinstance(exc, PasswordNeeded):
        return PASSWORD_NEEDED
    if isinstance(exc, KnownError):
        return f"Not synced: {exc}"
    kind = type(exc).__name__
    return f"Not synced: something went wrong ({kind}); {MENU_PATH} to check the account"


# --- the thread ---------------------------------------------------------------------------------


class SyncThread(QObject):
    """Runs network jobs one at a time on a daemon thread, calling back on the GUI thread.

    A daemon thread, not a pool: quitting the app never waits for a slow server, and a sync cut
    short is carried on by the next (every server change is recorded as it is made).

    Signals:
        busy_changed(bool): a job is running (or queued).
    """

    busy_changed = Signal(bool)
    _done = Signal(int, object, object)  # job, result, error: emitted from the worker thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: deque[tuple[int, Callable[[], Any]]] = deque()
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[BaseException], None]]]
        self._callbacks = {}
        self._next = 0
        self._running = False
        self._done.connect(self._deliver)

    @property
    def idle(self) -> bool:
        return not self._running and not self._queue

    def run(
        self,
        job: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Run `job()` (which must close over plain values only, never widgets) off the GUI
        thread; then `on_done(result)` or `on_error(exc)` on the GUI thread."""
        self._next += 1
        self._callbacks[self._next] = (on_done, on_error)
        self._queue.append((self._next, job))
        if not self._running:
            self.busy_changed.emit(True)
        self._start_next()

    def _start_next(self) -> None:
        if self._running or not self._queue:
            return
        self._running = True
        number, job = self._queue.popleft()
        holder = [job]
        thread = threading.Thread(
            target=self._work, args=(number, holder), name="sync", daemon=True
        )
        thread.start()

    def _work(self, number: int, holder: list[Callable[[], Any]]) -> None:
        job = holder.pop()
        result: Any = None
        error: BaseException | None = None
        try:
            result = job()
        except BaseException as exc:  # delivered to on_error on the GUI thread
            error = exc
            exc.crm_traceback = "".join(traceback.format_exception(exc))  # type: ignore[attr-defined]
            exc.__traceback__ = None
            exc.__context__ = None
        del job
        try:
            self._done.emit(number, result, error)
        except RuntimeError:
            pass  # the window is gone (the app is quitting): nobody is waiting

    def _deliver(self, number: int, result: Any, error: BaseException | None) -> None:
        self._running = False
        on_done, on_error = self._callbacks.pop(number)
        try:
            if error is None:
                on_done(result)
            else:
                on_error(error)
        finally:
            self._start_next()
            if self.idle:
                self.busy_changed.emit(False)


class BackgroundSync(QObject):
    """Syncs the saved account now and then and says how it went.

    `start()` (at app start) looks in the database for an account; only if there is one does it
    sync, then every `interval_ms`, and `debounce_ms` after the rep changed contacts, follow-ups
    or meetings. `password` is kept in memory only, for a computer with no system keyring.

    Signals:
        status_changed(str): the status bar's text ("Synced 10:42", "Offline — will retry").
        synced(object): a run finished (the Tally).
        failed(str): a run could not finish (the one-line reason).
    Lives on the GUI thread.
    """

    status_changed = Signal(str)
    synced = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        ctx: UiContext,
        parent: QObject | None = None,
        *,
        interval_ms: int = INTERVAL_MS,
        debounce_ms: int = DEBOUNCE_MS,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.worker = SyncThread(self)
        self.configured = False
        self.password: str | None = None
        self.status = ""
        self.detail = ""
        self._running = False
        self._again = False
        self._held = False
        self._when_idle: list[Callable[[], None]] = []
        self.worker.busy_changed.connect(self._on_worker_busy)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.sync_now)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self.sync_now)
        ctx.events.changed.connect(self._on_changed)

    @property
    def idle(self) -> bool:
        return not self._running and self.worker.idle

    def start(self) -> None:
        """At app start: sync if an account is set up (a database read, nothing else)."""
        self._ctx.runner.query(has_account, self.account_changed)

    def stop(self) -> None:
        self._timer.stop()
        self._debounce.stop()
        self.configured = False

    def account_changed(self, configured: bool) -> None:
        """An account was set up (sync now, then every interval) or forgotten (stop)."""
        self.configured = configured
        if configured:
            self._timer.start()
            self.sync_now()
        else:
            self._timer.stop()
            self._debounce.stop()
            self.password = None
            self._set_status("", "")

    def hold(self, then: Callable[[], None]) -> None:
        """Start no run until `release()`, and call `then()` once no run is going (at once when
        none is): the database file is about to be closed and replaced (encrypt, decrypt),
        which a run's connection would block, or which it would use half-way."""
        self._held = True
        if self.idle:
            then()
        else:
            self._when_idle.append(then)

    def release(self) -> None:
        """Runs may start again; one asked for while held starts now."""
        self._held = False
        if self._again:
            self._again = False
            self.sync_now()

    def _on_worker_busy(self, busy: bool) -> None:
        if not busy and not self._running:
            waiting, self._when_idle = self._when_idle, []
            for then in waiting:
                then()

    def sync_now(self) -> None:
        if not self.configured:
            return
        self._debounce.stop()
        if self._held:
            self._again = True  # after the file is open again
            return
        if self._running:
            self._again = True  # once this run is over: what changed meanwhile goes too
            return
        self._running = True
        self._set_status(SYNCING, "")
        job = partial(sync_once, self._ctx.runner.db, self.password)
        self.worker.run(job, self._on_synced, self._on_failed)

    def _on_synced(self, tally: Tally) -> None:
        self._running = False
        if not self.configured:  # forgotten while it ran
            self._set_status("", "")
            return
        counts = (
            f"{tally.events_created + tally.events_updated + tally.events_deleted} event "
            f"change(s), {tally.contacts_pushed} contact(s) sent, {tally.contacts_pulled} "
            f"received, {tally.conflicts} conflict(s)"
        )
        if tally.errors:
            self._set_status(
                f"Synced {timefmt.clock(self._ctx.now())}; {tally.errors} item(s) will be tried "
                "again",
                counts,
            )
        else:
            self._set_status(f"Synced {timefmt.clock(self._ctx.now())}", counts)
        if tally.contacts_pulled or tally.conflicts:
            # Contacts came from the phone (a contact in the trash hides its follow-ups too).
            self._ctx.events.notify(
                Changes(contacts=True, companies=True, follow_ups=True, meetings=True), self
            )
        self.synced.emit(tally)
        self._after_run()

    def _on_failed(self, exc: BaseException) -> None:
        self._running = False
        if not self.configured:
            self._set_status("", "")
            return
        self._set_status(status_for(exc), str(exc))
        self.failed.emit(str(exc))
        self._after_run()

    def _after_run(self) -> None:
        if self._again:
            self._again = False
            self.sync_now()

    def _on_changed(self, changes: Changes, initiator: object) -> None:
        if not self.configured or initiator is self:
            return
        # The watcher reports the sync's own commits too (another connection): syncing again
        # on them would never stop. Changes from the command line go at the next interval.
        if isinstance(initiator, OutsideChangesWatcher):
            return
        if changes.contacts or changes.follow_ups or changes.meetings:
            self._debounce.start()

    def _set_status(self, text: str, detail: str) -> None:
        self.status, self.detail = text, detail
        self.status_changed.emit(text)
