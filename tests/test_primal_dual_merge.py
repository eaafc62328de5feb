"""The primal-dual backend merges parallel arcs of one cost, and splits their flow back."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mentormatch.solvers.flow._primal_dual_backend import _Merged


@st.composite
def parallel_arcs(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    """Arcs among 3 nodes with 2 costs (so many are parallel), bounds and a merged flow seed."""
    m = draw(st.integers(1, 12))
    ints = lambda lo, hi: np.array(draw(st.lists(st.integers(lo, hi), min_size=m,  # noqa: E731
                                                 max_size=m)), dtype=np.int64)
    tail, head, cost = ints(0, 2), ints(0, 2), ints(0, 1)
    upper = ints(0, 3)
    lower = np.minimum(upper, ints(0, 2))
    return tail, head, lower, upper, cost, ints(0, 2**16)


@settings(max_examples=300, deadline=None)
@given(parallel_arcs())
def test_spread_splits_each_merged_flow_within_the_arcs_bounds(arcs: tuple[np.ndarray, ...],
                                                               ) -> None:
    tail, head, lower, upper, cost, seed = arcs
    merged = _Merged.of(tail, head, lower, upper, cost)
    # One merged arc per distinct (tail, head, cost), in the order they first appear.
    keys = list(zip(tail.tolist(), head.tolist(), cost.tolist(), strict=True))
    assert list(zip(merged.tail.tolist(), merged.head.tolist(), merged.cost.tolist(),
                    strict=True)) == list(dict.fromkeys(keys))
    # Each arc belongs to the merged arc of its own (tail, head, cost).
    assert (merged.tail[merged.group] == tail).all() and (merged.head[merged.group] == head).all()
    assert (merged.cost[merged.group] == cost).all()
    assert (merged.lower == np.bincount(merged.group, lower)).all()
    assert (merged.upper == np.bincount(merged.group, upper)).all()
    # Any flow within a merged arc's bounds splits back within every arc's own bounds.
    flow = merged.lower + seed[:merged.lower.size] % (merged.upper - merged.lower + 1)
    out = merged.spread(flow)
    assert ((out >= lower) & (out <= upper)).all()
    assert (np.bincount(merged.group, out, minlength=flow.size) == flow).all()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 2)), max_size=12,
                unique=True), st.integers(0, 2**16))
def test_without_parallel_arcs_nothing_merges_and_flow_comes_back_as_is(
        arcs: list[tuple[int, int, int]], seed: int) -> None:
    tail, head, cost = (np.array([a[i] for a in arcs], dtype=np.int64) for i in range(3))
    lower = np.zeros(tail.size, dtype=np.int64)
    upper = np.full(tail.size, 3, dtype=np.int64)
    merged = _Merged.of(tail, head, lower, upper, cost)
    # The fast path: the input arrays themselves, no sort and no gather.
    assert merged.tail is tail and merged.head is head and merged.cost is cost
    assert merged.lower is lower and merged.upper is upper
    assert (merged.group == np.arange(tail.size)).all()
    flow = (seed + np.arange(tail.size, dtype=np.int64)) % 4
    out = merged.spread(flow)
    assert (out == flow).all() and out is not flow  # the caller's flow is never shared
