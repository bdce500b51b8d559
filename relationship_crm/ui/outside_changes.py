"""Noticing commits made outside the app (the command line, a script) so every panel reloads."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes
from relationship_crm.storage.db import Database
from relationship_crm.storage.outside_changes import ChangeWatch, watch_for
from relationship_crm.ui.events import AppEvents
from relationship_crm.ui.runner import TaskRunner

POLL_INTERVAL_MS = 1500

# Every flag set: what was changed outside is unknown, so everything reloads.
EVERYTHING = Changes.everything()


class OutsideChangesWatcher(QObject):
    """Asks the database whether another program committed, and announces it.

    The look runs through the runner, on the database thread, with the engine's own way of
    telling (storage.outside_changes): SQLite's ``PRAGMA data_version`` of the app's connection,
    which changes only when *another* connection commits (so an outside commit between two of
    the app's own writes is not missed), or a server's LISTEN/NOTIFY, whose notices of the app's
    own commits carry its token. A connection seen for the first time after the first poll (the
    pool replaced it, a restore reopened the file) counts as a change, since a reload too many is
    harmless and a missed one is not.

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
        self._watch: ChangeWatch | None = None
        self._watched: Database | None = None
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
        if self._watch is not None:
            watch, self._watch = self._watch, None
            self._runner.query(lambda _s: watch.close(), lambda _r: None, lambda _e: None)

    def poll(self) -> None:
        """Queue one look (unless one is still queued)."""
        if self._polling:
            return
        self._polling = True
        if self._watch is None or self._watched is not self._runner.db:
            # A restore reopens the database: a new watch for the new one.
            if self._watch is not None:
                self._watch.close()
            self._watched = self._runner.db
            self._watch = watch_for(self._runner.db)
        self._runner.query(partial(_moved, self._watch), self._on_polled, self._on_poll_failed)

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


def _moved(watch: ChangeWatch, session: Session) -> bool | None:
    """On the database thread: did another program commit since the last look?"""
    return watch.moved(session)
