"""Timing for the perf tests: ratios measured in the same run, never absolute times."""

from __future__ import annotations

import time
from collections.abc import Callable


def best(work: Callable[[], object], runs: int = 5) -> float:
    """The fastest of `runs` runs, in seconds (the least disturbed by the rest of the machine)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)
