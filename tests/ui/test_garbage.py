"""Garbage collection runs on the GUI thread only, from a timer."""

from __future__ import annotations

import gc

from relationship_crm.ui.garbage import GarbageCollector


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_collects_on_the_timer_thread_and_restores_automatic_gc(qtbot):
    collector = GarbageCollector()
    collector.start()
    try:
        assert not gc.isenabled()
        for _ in range(gc.get_threshold()[0] + 10):
            Cycle()
        before = gc.get_count()[0]
        collector.check()
        assert gc.get_count()[0] < before
    finally:
        collector.stop()
    assert gc.isenabled()
    gc.disable()  # the autouse fixture re-enables it after the test
