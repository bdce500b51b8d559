"""One window per database file: a lock file beside it, and a local socket to raise that window.

Two windows on one file would each show a stale copy of the other's edits and race on every save.
So the first launch takes ``<db>.lock`` (QLockFile) and listens on a local socket whose name is
derived from the user and the file's real path; a second launch on the same file finds the lock
taken, asks the first over that socket to show its window, and quits. Different files do not
interfere. Local sockets only (a Unix socket in the temp folder, a named pipe on Windows).
"""

from __future__ import annotations

import getpass
import hashlib
import os
import time
from functools import partial
from pathlib import Path

from PySide6.QtCore import QEventLoop, QLockFile, QObject, Qt, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

LOCK_SUFFIX = ".lock"
RAISE_REQUEST = b"raise\n"
RAISE_ANSWER = b"ok\n"
# How long a second launch waits for the first window: enough for a first launch that is still
# opening (migrating) its database and has not reached its event loop yet.
ANSWER_TIMEOUT_MS = 5000


def canonical_path(db_path: Path) -> Path:
    """The absolute path with symbolic links resolved, so two spellings share one lock."""
    return Path(os.path.realpath(os.path.abspath(db_path)))


def lock_path_for(db_path: Path) -> Path:
    path = canonical_path(db_path)
    return path.with_name(path.name + LOCK_SUFFIX)


def server_name_for(db_path: Path) -> str:
    """The local socket's name: per user and per database file, short enough for a socket path."""
    key = f"{_user()}\0{os.path.normcase(canonical_path(db_path))}"
    return (
        "relationship-crm-" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    )


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in the environment or the password database
        return str(os.getuid()) if hasattr(os, "getuid") else ""


class SingleInstance(QObject):
    """Owns the lock on one database file and the local server that raises this window.

    `acquire()` takes the lock; a lock left by a process that no longer runs (a crash, a kill) is
    stale and taken over, since QLockFile checks the pid it records. A live window's lock never
    goes stale by age (`setStaleLockTime(0)`): the app may stay open for days.

    Signals:
        raise_requested(): another launch on the same database asked this window to show itself.
    Lives on the GUI thread; needs a QCoreApplication.
    """

    raise_requested = Signal()

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = canonical_path(db_path)
        self.lock_path = lock_path_for(db_path)
        self.server_name = server_name_for(db_path)
        self._lock = QLockFile(str(self.lock_path))
        self._lock.setStaleLockTime(0)
        self._server: QLocalServer | None = None

    @property
    def holds_lock(self) -> bool:
        return self._lock.isLocked()

    def acquire(self) -> bool:
        """True when this process may open the database; False when another window has it open.

        If the lock cannot be created at all (a read-only folder, say), the answer is True: the
        guard is skipped and opening the database reports whatever is wrong with the place.
        """
        folder = self.lock_path.parent
        if not folder.exists():
            try:
                folder.mkdir(mode=0o700, parents=True)  # as storage/db.py makes a new data folder
            except OSError:
                return True
        if self._lock.tryLock(0):
            # Qt creates it under the umask; it names this machine and process, so keep it ours.
            try:
                os.chmod(self.lock_path, 0o600)
            except OSError:
                pass
            self._listen()
            return True
        return self._lock.error() != QLockFile.LockError.LockFailedError

    def holder(self) -> str:
        """Which process holds the lock, for messages: "process 4242 on laptop", or ""."""
        info = self._lock.getLockInfo()
        if isinstance(info, tuple) and len(info) >= 2 and info[0]:
            return f"process {info[0]} on {info[1]}" if info[1] else f"process {info[0]}"
        return ""

    def ask_to_raise(self, timeout_ms: int | None = None) -> bool:
        """Ask the window holding the lock to show itself; True once it has answered."""
        wait_ms = ANSWER_TIMEOUT_MS if timeout_ms is None else timeout_ms
        deadline = time.monotonic() + wait_ms / 1000

        def left_ms() -> int:
            return max(0, int((deadline - time.monotonic()) * 1000))

        socket = QLocalSocket()
        # The first window listens just after taking the lock; allow for that moment.
        while True:
            socket.connectToServer(self.server_name)
            if socket.waitForConnected(max(1, left_ms())):
                break
            socket.abort()
            if left_ms() == 0:
                return False
            time.sleep(min(0.1, left_ms() / 1000))
        socket.write(RAISE_REQUEST)
        socket.flush()
        # A local event loop rather than waitForReadyRead(): the answering window may be in this
        # very process (tests), and it answers from the event loop.
        loop = QEventLoop()
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        socket.readyRead.connect(loop.quit)
        socket.disconnected.connect(loop.quit)
        socket.errorOccurred.connect(loop.quit)
        while not socket.canReadLine() and left_ms() > 0:
            if socket.state() != QLocalSocket.LocalSocketState.ConnectedState:
                break
            timer.start(left_ms())
            loop.exec()
        timer.stop()
        answered = socket.canReadLine() and bytes(socket.readLine().data()) == RAISE_ANSWER
        socket.abort()
        return answered

    def release(self) -> None:
        """Stop listening and remove the lock file (on quit)."""
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()
            self._server = None
        if self._lock.isLocked():
            self._lock.unlock()

    # --- the first window's side --------------------------------------------------------------

    def _listen(self) -> None:
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        # We hold the lock, so a socket file under this name was left by a window that died.
        QLocalServer.removeServer(self.server_name)
        if not server.listen(self.server_name):
            # Raising will not work, but the lock still keeps a second window out.
            server.deleteLater()
            return
        server.newConnection.connect(self._on_new_connection)
        self._server = server

    def _on_new_connection(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(partial(self._on_request, socket))
            socket.disconnected.connect(socket.deleteLater)
            self._on_request(socket)  # the request may have arrived with the connection

    def _on_request(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            if socket.bytesAvailable() > len(RAISE_REQUEST):
                socket.abort()  # not one of ours
            return
        request = bytes(socket.readLine().data())
        if request != RAISE_REQUEST:
            socket.abort()
            return
        socket.write(RAISE_ANSWER)
        socket.flush()
        socket.disconnectFromServer()
        self.raise_requested.emit()


def bring_to_front(window: QWidget) -> None:
    """Show `window` over the others: un-minimised (keeping it maximised if it was), raised."""
    if window.isMinimized():
        state = window.windowState() & ~Qt.WindowState.WindowMinimized
        window.setWindowState(state | Qt.WindowState.WindowActive)
    window.show()
    window.raise_()
    window.activateWindow()
