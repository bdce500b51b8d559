"""The one database thread (ui/runner.py): work asked for after a frame's paint, and at quit."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt


class _Recorder(QObject):
    def __init__(self, seen: list[str]) -> None:
        super().__init__()
        self.seen = seen

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.User:
            self.seen.append("posted")
            return True
        return super().event(event)


def test_a_page_asked_for_while_scrolling_waits_for_the_posted_paint(qtbot, runner) -> None:
    seen: list[str] = []
    recorder = _Recorder(seen)
    runner.query_after_paint(lambda s: seen.append("read") or 7, lambda got: seen.append(f"{got}"))
    assert not runner.idle  # busy at once: waiting for the runner waits for the page too
    # A widget's paint is a posted UpdateRequest of low priority, posted as the list scrolled.
    low = Qt.EventPriority.LowEventPriority.value
    QCoreApplication.postEvent(recorder, QEvent(QEvent.Type.User), low)
    qtbot.waitUntil(lambda: runner.idle, timeout=5000)
    assert seen == ["posted", "read", "7"]


def test_work_asked_for_after_quit_is_dropped(qtbot, runner) -> None:
    seen: list[str] = []
    runner.query_after_paint(lambda s: seen.append("read"), lambda got: seen.append("done"))
    runner.shutdown()
    assert runner.idle
    runner.query(lambda s: seen.append("late"))
    runner.query_after_paint(lambda s: seen.append("later"))
    qtbot.wait(50)
    assert seen == [] and runner.idle


def test_a_result_is_delivered_by_the_event_loop_never_inside_the_call(qtbot, runner) -> None:
    # A query the database thread finishes before the runner has added its call-back to the
    # future: Python then calls the call-back at once, on this thread. Its result must still come
    # from the event loop, after the caller (a widget being built) has connected to it.
    seen: list[str] = []
    runner.query(lambda s: 1, lambda got: seen.append("first"))
    qtbot.waitUntil(lambda: runner.idle, timeout=5000)
    runner.query(lambda s: 2, lambda got: seen.append(f"second {got}"))
    # The notice the future's call-back sends, sent here on the GUI thread as that case does.
    (future,) = list(runner._inflight)  # noqa: SLF001 - the case only the race produces
    future.result(timeout=5)
    runner._finished.emit(future)  # noqa: SLF001
    assert seen == ["first"]  # not inside the emit
    qtbot.waitUntil(lambda: runner.idle, timeout=5000)
    assert seen == ["first", "second 2"]
