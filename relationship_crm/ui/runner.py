"""The one way database work leaves the GUI thread (Anki's TaskManager; ARCHITECTURE.md)."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from sqlalchemy.orm import Session

from relationship_crm.domain.errors import KnownError
from relationship_crm.storage.db import Database, open_database

T = TypeVar("T")


class TaskRunner(QObject):
    """Runs `op(session)` on one database thread, then calls back on the GUI thread.

    A single worker serialises SQLite writes. `submit` runs the operation in a write transaction
    (committed when it returns), `query` in a read-only one. `on_done(result)` runs on the GUI
    thread; a failure goes to `on_error(exc)` or, if none is given, the `failed` signal.

    Signals:
        failed(str, bool): a message to show; True when it is a bug rather than a KnownError.
        busy_changed(bool): work is queued or running.
    """

    failed = Signal(str, bool)
    busy_changed = Signal(bool)
    _finished = Signal(object)  # the Future, emitted from the worker thread

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db")
        self._pending = 0
        self._inflight: dict[Future[Any], tuple[Any, Any, Any]] = {}
        self._closed_down = False
        # A zero timer object (not QTimer.singleShot(0), which is a posted call and so runs
        # before the paint, a low-priority posted event): it fires once the posted events ran.
        self._after_paint: list[tuple[Any, Any, Any]] = []
        self._after_paint_timer = QTimer(self)
        self._after_paint_timer.setSingleShot(True)
        self._after_paint_timer.setInterval(0)
        self._after_paint_timer.timeout.connect(self._start_after_paint)
        # Always queued: the slot runs on the thread that owns this object (the GUI), from its
        # event loop. A future that finished before `_submit` added its call-back calls it at
        # once on this thread, and an automatic connection would then deliver the result inside
        # the `query` that asked for it: a widget still being built got its data before it had
        # connected to it (the contact list's count stayed empty, about once in 3,000 queries).
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def submit(
        self,
        op: Callable[[Session], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Future[T]:
        """Run `op` in a write transaction off the GUI thread."""
        return self._start(self._in_write, op, on_done, on_error)

    def query(
        self,
        op: Callable[[Session], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Future[T]:
        """Run `op` in a read-only transaction off the GUI thread."""
        return self._start(self._in_read, op, on_done, on_error)

    def query_after_paint(
        self,
        op: Callable[[Session], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """As `query`, but started once the event loop has handled what is posted now, the
        paint among them.

        For a page a list asks for while it scrolls: read during this frame, its Python would
        share the GIL with the frame's paint (a frame 3-5 ms longer at each page's end, issue 18);
        started after it, it reads in the gap before the next frame. The runner counts it as
        busy from now on, so `idle` still means "everything asked for has arrived".
        """
        if self._closed_down:
            return
        self._count()
        self._after_paint.append((op, on_done, on_error))
        self._after_paint_timer.start()

    def _start_after_paint(self) -> None:
        waiting, self._after_paint = self._after_paint, []
        for op, on_done, on_error in waiting:
            self._submit(self._in_read, op, on_done, on_error)

    def _count(self) -> None:
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)

    def _start(self, wrapper: Any, op: Any, on_done: Any, on_error: Any) -> Future[Any]:
        if self._closed_down:
            # The window is closing: a timer or a late signal asking for a refresh has nowhere
            # to show it. The work is dropped, and the caller gets a cancelled future.
            dropped: Future[Any] = Future()
            dropped.cancel()
            return dropped
        self._count()
        return self._submit(wrapper, op, on_done, on_error)

    def _submit(self, wrapper: Any, op: Any, on_done: Any, on_error: Any) -> Future[Any]:
        # Python objects must die on the GUI thread: an op closes over widgets, and a widget's
        # wrapper freed on the worker thread deletes it there (a random segfault). So the worker
        # gets the op through a holder it empties, while this thread keeps the op (and the
        # callbacks) until the result is delivered.
        holder = [op]
        future: Future[Any] = self._pool.submit(wrapper, holder)
        self._inflight[future] = (op, on_done, on_error)
        future.add_done_callback(self._finished.emit)
        return future

    def _in_write(self, holder: list[Callable[[Session], T]]) -> T:
        op = holder.pop()
        try:
            with self.db.write() as session:
                return op(session)
        except BaseException as exc:
            raise _detached(exc) from None
        finally:
            del op

    def with_file_closed(
        self,
        op: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Future[T]:
        """Run `op()` off the GUI thread with the database closed (it may replace or re-key the
        file: encrypt, decrypt), then open the file at the same path again."""
        return self._start(self._closed, op, on_done, on_error)

    def _closed(self, holder: list[Callable[[], T]]) -> T:
        op = holder.pop()
        # Queued after everything submitted before, on the one database thread: nothing else
        # holds the file while `op` runs (the swap needs the only lock on it).
        path = self.db.path
        if path is None:
            raise KnownError("a server database has no file to close and replace")
        self.db.close()
        try:
            return op()
        except BaseException as exc:
            raise _detached(exc) from None
        finally:
            del op
            self.db = open_database(path)

    def _in_read(self, holder: list[Callable[[Session], T]]) -> T:
        op = holder.pop()
        try:
            with self.db.read() as session:
                return op(session)
        except BaseException as exc:
            raise _detached(exc) from None
        finally:
            del op

    def _deliver(self, future: Future[Any]) -> None:
        entry = self._inflight.pop(future, None)
        if entry is None:
            return  # finished while the app quit (`shutdown`): nothing is left to show it
        _op, on_done, on_error = entry
        self._pending -= 1
        if self._pending == 0:
            self.busy_changed.emit(False)
        exc = future.exception()
        if exc is None:
            if on_done is not None:
                on_done(future.result())
            return
        if on_error is not None:
            on_error(exc)
        else:
            self.failed.emit(str(exc), not isinstance(exc, KnownError))

    @property
    def idle(self) -> bool:
        return self._pending == 0

    def shutdown(self) -> None:
        """Finish queued work and stop the thread (on quit); work asked for later is dropped."""
        self._closed_down = True
        self._after_paint_timer.stop()
        self._after_paint.clear()
        self._pool.shutdown(wait=True)
        # What finished but was not delivered yet stays undelivered: its widgets may be gone.
        self._inflight.clear()
        if self._pending:
            self._pending = 0
            self.busy_changed.emit(False)


def _detached(exc: BaseException) -> BaseException:
    """The exception with its traceback kept as text only.

    A traceback holds the op's frames (and so its widgets); freeing it on the worker thread
    would free them there. The text is enough for the crash dialog and the log.
    """
    exc.crm_traceback = "".join(traceback.format_exception(exc))  # type: ignore[attr-defined]
    exc.__traceback__ = None
    exc.__context__ = None
    return exc
