"""Python's cyclic garbage collection, run only on the GUI thread (qutebrowser does the same).

Left automatic, the collector runs on whichever thread happens to allocate: often the database
thread, which allocates a lot. If it frees a dead widget's Python wrapper there, Qt deletes the
widget off the GUI thread and a later paint crashes in native code. So automatic collection is
switched off and a timer on the GUI thread collects instead, generation by generation.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_INTERVAL_MS = 1000


class GarbageCollector(QObject):
    """Owns the collection timer. Lives on the GUI thread; `stop()` restores automatic gc."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        self._threshold = gc.get_threshold()

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        gc.unfreeze()
        gc.enable()

    def freeze(self) -> None:
        """Leave everything alive now (the modules, the window) out of later collections.

        Called once the window is up: a full collection otherwise walks every object of Qt,
        SQLAlchemy and the app each time, about 100 ms on a 2-core machine, which shows as a
        stutter while scrolling a long list (issue 18). What is made later is collected as
        before; what lives now lives as long as the app anyway.
        """
        gc.freeze()

    def check(self) -> None:
        """Collect the generations whose counts passed their thresholds, youngest first."""
        counts = gc.get_count()
        level = -1
        for generation, (count, threshold) in enumerate(zip(counts, self._threshold, strict=True)):
            if threshold and count > threshold:
                level = generation
        if level >= 0:
            gc.collect(level)
