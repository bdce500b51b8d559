"""Noticing commits made outside the app (the command line, a script) so every panel reloads."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes
from relationship_crm.ui.events import AppEvents
from relationship_crm.ui.runner import TaskRunner

POLL_INTERVAL_MS = 1500

# Every flag set: what was changed outside is unknown, so everything reloads.
EVERYTHING = Changes.everything()


class OutsideChangesWatcher(QObject):
    """Polls SQLite's ``PRAGMA data_version`` and announces commits made by other connections.

    The poll runs through the runner, on the app's own database connection. That connection's
    data_version changes only when *another* connection commits, never for the app's own writes,
    so no bookkeeping of the app's writes is needed and an outside commit that lands between two
    of them is not missed. The value is kept per SQLite connection (in the pool's per-connection
    ``info``): values of different connections cannot be compared, and a connection seen for the
    first time after the first poll (the pool replaced it, a restore reopened the file) counts as
    a change, since a reload too many is harmless and a missed one is not.

    On an outside change: ``events.notify(EVERYTHING, self)``, then ``changed_outside``.
    Only one poll is queued at a time; a failed poll is simply tried again at the next tick.

    Signals:
        changed_outside(): another program committed to the database since the last poll.
    Lives on the GUI thread; the polls run on the database thread.
    """

    changed_outside = Signal()

    def __init__(
        self,
        runner: TaskRunner,
        events: AppEvents,
        *,
        interval_ms: int = POLL_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._events = events
        self._key = f"crm_outside_changes_{id(self)}"  # this watcher's slot in connection.info
        self._polling = False
        self._has_baseline = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)

    def start(self) -> None:
        """Take the current version as the baseline, then poll every interval."""
        self.poll()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def poll(self) -> None:
        """Queue one look at data_version (unless one is still queued)."""
        if self._polling:
            return
        self._polling = True
        self._runner.query(
            partial(_data_version_moved, self._key), self._on_polled, self._on_poll_failed
        )

    def _on_polled(self, moved: bool | None) -> None:
        self._polling = False
        first = not self._has_baseline
        self._has_baseline = True
        if moved or (moved is None and not first):
            self._events.notify(EVERYTHING, self)
            self.changed_outside.emit()

    def _on_poll_failed(self, _error: BaseException) -> None:
        # A busy or briefly unreadable file: the next tick asks again.
        self._polling = False


def _data_version_moved(key: str, session: Session) -> bool | None:
    """On the database thread: did another connection commit since this connection's last look?

    None when this connection has not been looked at before (nothing to compare with).
    """
    connection = session.connection()
    info = connection.connection.info  # lives as long as the underlying SQLite connection
    version = connection.exec_driver_sql("PRAGMA data_version").scalar()
    previous = info.get(key)
    info[key] = version
    if previous is None:
        return None
    return bool(previous != version)
