"""Qt fixtures: a real TaskRunner on the temp database, a fixed clock, and a context to build UI."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtWidgets import QApplication

from relationship_crm.ui.context import UiContext
from relationship_crm.ui.events import AppEvents
from relationship_crm.ui.runner import TaskRunner

# Monday 23 November 2026, 14:00 in New York.
FIXED_NOW = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)


class FakeClock:
    """A settable clock: `clock.now = ...` moves time for the code under test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(autouse=True)
def _private_qsettings(tmp_path: Path) -> None:
    """Each test its own QSettings folder. Qt resolves the user's config folder once per process,
    so the HOME each test sets is not enough: without this, a window's remembered geometry and
    column widths leak into the next test."""
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "qt-settings"))


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread() -> Iterator[None]:
    """As the app does (ui/garbage.py): no automatic gc, which could run on the database thread
    and free widgets there; collect on this (the GUI) thread after each test instead."""
    gc.disable()
    yield
    gc.collect()
    gc.enable()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Delete the test's widgets before its fixtures (the runner) are torn down.

    pytest-qt closes them with deleteLater(), which only an event loop carries out, so they used
    to live on into the next test: there a panel's single-shot timer (the reminders' wake-up, 1 s
    at least) fired during setup on a busy machine and queried a runner already shut down
    ("cannot schedule new futures after shutdown"). This runs after pytest-qt closed them and
    before any fixture teardown: first the runner's work in flight is delivered to the widgets
    that asked for it (deleted, they would fail on it), then the widgets are deleted.
    """
    if QCoreApplication.instance() is None:
        return
    runner = getattr(item, "funcargs", {}).get("runner")
    if isinstance(runner, TaskRunner):
        deadline = time.monotonic() + 30
        while not runner.idle and time.monotonic() < deadline:
            QCoreApplication.processEvents()
            time.sleep(0.001)  # a poll for the worker thread, not a wait for a guessed moment
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    # A window that outlived its test keeps its timers: on a later test's stopped database
    # thread they failed at random (the app's window, kept by the frozen collector, did).
    left = [type(w).__name__ for w in QApplication.topLevelWidgets() if w.isVisible()]
    if left:
        pytest.fail(f"windows left open after the test: {', '.join(left)}")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(FIXED_NOW)


@pytest.fixture
def runner(qapp, db) -> Iterator[TaskRunner]:
    task_runner = TaskRunner(db)
    yield task_runner
    task_runner.shutdown()


@pytest.fixture
def ctx(runner, clock) -> UiContext:
    return UiContext(runner=runner, events=AppEvents(), zone="America/New_York", clock=clock)


@pytest.fixture
def wait_idle(qtbot, runner):
    """Wait until every queued database task has run and called back."""

    def wait(timeout: int = 5000) -> None:
        qtbot.waitUntil(lambda: runner.idle, timeout=timeout)

    return wait
