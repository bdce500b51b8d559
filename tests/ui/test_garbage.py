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


def test_what_lives_when_the_window_is_up_is_left_out_of_later_collections(qtbot):
    collector = GarbageCollector()
    collector.start()
    try:
        kept = Cycle()
        collector.freeze()
        assert gc.get_freeze_count() > 0
        made_later = Cycle()
        del made_later
        assert gc.collect() >= 1  # what is made later is still collected
        assert gc.is_tracked(kept)
    finally:
        collector.stop()
    assert gc.get_freeze_count() == 0  # stopping hands everything back to the collector
    gc.disable()  # the autouse fixture re-enables it after the test
