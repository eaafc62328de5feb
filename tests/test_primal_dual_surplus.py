"""What ``primal_dual`` says about a run that ``leave`` stopped with surplus left."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mentormatch.solvers.flow._primal_dual import FlowArcs, primal_dual

Net = tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


@st.composite
def tied_networks(draw: st.DrawFn) -> Net:
    """Random directed networks: cycles, parallel and opposite arcs, few distinct costs.

    Supplies sit on several nodes (summing to zero), so a run may end feasible,
    infeasible (surplus cut off from every shortage) or stopped by ``leave``.
    """
    n = draw(st.integers(2, 8))
    m = draw(st.integers(1, 24))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1])
    ends = np.array(draw(st.lists(pairs, min_size=m, max_size=m)), dtype=np.int64)
    upper = np.array(draw(st.lists(st.integers(0, 4), min_size=m, max_size=m)), dtype=np.int64)
    lower = np.minimum(upper, np.array(draw(st.lists(st.integers(0, 1), min_size=m,
                                                     max_size=m)), dtype=np.int64))
    cost = np.array(draw(st.lists(st.sampled_from([-2, 0, 1, 1, 3]), min_size=m, max_size=m)),
                    dtype=np.int64)
    supply = np.array(draw(st.lists(st.integers(-3, 3), min_size=n, max_size=n)),
                      dtype=np.int64)
    supply[-1] -= supply.sum()
    return n, ends[:, 0], ends[:, 1], lower, upper, cost, supply


@settings(max_examples=300, deadline=None)
@given(tied_networks(), st.integers(0, 4))
def test_stopped_is_exactly_leave_ending_the_run(net: Net, leave: int) -> None:
    n, tail, head, lower, upper, cost, supply = net
    arcs = FlowArcs.of(n, tail, head, lower, upper)
    # Warm from zero potentials: every arc on its optimal bound, so cycles are fine.
    result = primal_dual(arcs, arcs.costs(cost), supply, flow=arcs.lower,
                         potential=np.zeros(arcs.n_nodes, dtype=np.int64), leave=leave)
    balance = np.zeros(arcs.n_nodes, dtype=np.int64)
    balance[:n] = supply
    np.add.at(balance, arcs.tail, -result.flow)
    np.add.at(balance, arcs.head, result.flow)
    left = int(balance[balance > 0].sum())
    assert result.feasible == (left == 0)
    # Infeasible runs stop with more than ``leave`` left (checked before each phase).
    assert result.stopped == (0 < left <= leave)
    assert not (result.stopped and result.feasible)


def test_stopped_says_leave_ended_the_run() -> None:
    tail, head = np.array([0, 1], np.int64), np.array([1, 2], np.int64)
    arcs = FlowArcs.of(3, tail, head, np.zeros(2, np.int64), np.array([5, 5], np.int64))
    cost = arcs.costs(np.array([1, 1], np.int64))
    supply = np.array([3, 0, -3], np.int64)
    early = primal_dual(arcs, cost, supply, leave=3)
    assert early.stopped and not early.feasible and early.phases == 0
    done = primal_dual(arcs, cost, supply, leave=2)
    assert done.feasible and not done.stopped and done.phases == 1
    # Infeasible is not stopped: the surplus reaches no shortage.
    cut = FlowArcs.of(3, tail, head, np.zeros(2, np.int64), np.array([5, 0], np.int64))
    stuck = primal_dual(cut, cost, supply, leave=1)
    assert not stuck.feasible and not stuck.stopped
