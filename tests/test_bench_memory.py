"""Peak RSS of a fresh child process is the child's own, not its parent's."""

from __future__ import annotations

import multiprocessing as mp
import sys
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
from benchmarks.bench_fast import in_child
from benchmarks.memory import RSS_SOURCE, peak_rss_gib


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="exec keeps ru_maxrss on Linux")
def test_a_spawned_child_reports_its_own_peak_not_the_parents() -> None:
    # ru_maxrss in a spawned child reports the parent's peak at the fork (Linux keeps the
    # high-water mark across exec); the child here allocates nothing of its own.
    assert RSS_SOURCE.startswith("VmHWM")
    big = np.ones(100_000_000)  # 0.75 GiB, touched
    assert big.sum() == big.size
    parent = peak_rss_gib()
    with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
        child = pool.submit(peak_rss_gib).result()
    del big
    assert parent > 0.7
    assert child < 0.35, f"child reported {child:.2f} GiB: the parent's peak leaked into it"


def test_results_with_a_peak_rss_say_where_it_was_read() -> None:
    row = in_child("plain_match", (12, 4, 3), without_ortools=False, timeout=120.0)
    assert "error" not in row
    assert row["peak_rss_gb"] > 0 and row["rss_source"] == RSS_SOURCE
