"""One way to time and one way to weigh a benchmark step, never both in the same run.

``timed``: one untimed warm-up run, then ``repeats`` (at least 3) timed runs with no
tracing; the median and the spread (fastest, slowest) are reported. ``traced_peak``:
one more run of its own under ``tracemalloc`` (numpy buffers are traced; memory that
C++ libraries such as OR-Tools or HiGHS allocate is not). Every runner, ours and the
peers', goes through these two functions, so all get the same warm-up.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

T = TypeVar("T")
MIN_REPEATS = 3


@dataclass(frozen=True)
class Timing:
    """Median, fastest and slowest of the timed runs (seconds), and how many."""

    median: float
    low: float
    high: float
    runs: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def timed(fn: Callable[[], T], repeats: int = MIN_REPEATS, warmup: int = 1) -> tuple[Timing, T]:
    """Warm up, then time ``repeats`` untraced runs; return the timing and the last result."""
    if repeats < MIN_REPEATS:
        raise ValueError(f"a timed figure is a median of at least {MIN_REPEATS} runs")
    if tracemalloc.is_tracing():
        raise RuntimeError("refusing to time while tracemalloc is tracing")
    out = fn()
    for _ in range(warmup - 1):
        out = fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return Timing(statistics.median(times), min(times), max(times), repeats), out


def traced_peak(fn: Callable[[], object]) -> float:
    """Peak traced memory (MiB) of one run of ``fn``, in a run of its own."""
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def median_time(fn: Callable[[], T], repeats: int = MIN_REPEATS) -> tuple[float, T]:
    """The median seconds of ``timed`` (for studies that report only the median)."""
    t, out = timed(fn, repeats)
    return t.median, out
