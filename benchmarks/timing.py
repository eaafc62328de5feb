"""One way to time a benchmark step: the median of a few runs after a warm-up."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def median_time(fn: Callable[[], T], repeats: int = 3) -> tuple[float, T]:
    """Run ``fn`` once to warm up, then ``repeats`` times; return (median seconds, last result)."""
    out = fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out
