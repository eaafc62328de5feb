"""The flow network's arcs, and the certificate's residual arcs, expansion, sweeps and proof."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.errors import InfeasibleError
from mentormatch.problem import locked_residual
from mentormatch.solvers.flow import build_network
from mentormatch.solvers.flow._certificate import (
    _leaving,
    _OpenArcs,
    _proves,
    _single_key_sweeps,
)
from mentormatch.solvers.flow._network import FIRST_UNIT_LEVEL, FURTHER_UNIT_LEVEL
from strategies import min_load_problems, problems

both = st.one_of(problems(max_mentees=5, max_mentors=4, max_demand=3, max_capacity=3),
                 min_load_problems(max_demand=3))


@settings(max_examples=200, deadline=None)
@given(both, st.sampled_from(["lexicographic", "score", "saturate"]))
def test_the_network_has_one_arc_per_open_free_pair_then_the_source_and_sink_arcs(
        problem: mm.MatchProblem, objective: str) -> None:
    try:
        net = build_network(problem, objective)  # type: ignore[arg-type]
    except InfeasibleError:
        return
    n_e, n_r = problem.shape
    left = locked_residual(problem)
    locked = set(map(tuple, problem.locked.tolist()))
    drop_unprofitable = objective == "score" and not left.min_load.any()
    want = [(e, r, float(problem.scores[e, r])) for e, r in zip(*np.nonzero(problem.allowed))
            if left.demand[e] > 0 and left.capacity[r] > 0 and (e, r) not in locked
            and not (drop_unprofitable and problem.scores[e, r] <= 0)]
    got = list(zip(net.pair_mentee.tolist(), net.pair_mentor.tolist(),
                   (-net.cost[:net.n_pair]).tolist(), strict=True))
    assert got == [(int(e), int(r), s) for e, r, s in want]
    pair = slice(0, net.n_pair)
    assert net.tail[pair].tolist() == net.pair_mentee.tolist()
    assert (net.head[pair] - n_e).tolist() == net.pair_mentor.tolist()
    assert not net.lower[pair].any() and (net.upper[pair] == 1).all()
    assert not net.level[pair].any() and not net.cost[net.n_pair:].any()
    rest = [(int(t), int(h), int(lo), int(up)) for t, h, lo, up in zip(
        net.tail[pair.stop:], net.head[pair.stop:], net.lower[pair.stop:],
        net.upper[pair.stop:], strict=True)]
    src, snk = n_e + n_r, n_e + n_r + 1
    first = [(src, e, 0, 1) for e in range(n_e)
             if left.demand[e] > 0 and left.mentee_locks[e] == 0]
    further = [(src, e, 0, int(left.demand[e]) - int(left.mentee_locks[e] == 0))
               for e in range(n_e)
               if left.demand[e] > 0 and left.demand[e] - int(left.mentee_locks[e] == 0) > 0]
    sinks = [(n_e + r, snk, int(left.min_load[r]), int(left.capacity[r]))
             for r in range(n_r) if left.capacity[r] > 0]
    total = int(left.demand[left.demand > 0].sum())
    assert rest == first + further + sinks + [(src, snk, 0, 0 if objective == "saturate"
                                               else total)]
    lex = objective == "lexicographic"
    assert net.level[pair.stop:].tolist() == (
        [FIRST_UNIT_LEVEL if lex else 0] * len(first)
        + [FURTHER_UNIT_LEVEL if lex else 0] * len(further) + [0] * (len(sinks) + 1))


@st.composite
def grouped_arcs(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """A CSR ``indptr`` over some nodes and a list of those nodes (any order, no repeats)."""
    counts = draw(st.lists(st.integers(0, 4), min_size=1, max_size=12))
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    nodes = draw(st.permutations(range(len(counts))).flatmap(
        lambda order: st.integers(0, len(order)).map(lambda k: list(order[:k]))))
    return indptr, np.array(nodes, dtype=np.int64)


@given(grouped_arcs())
def test_leaving_lists_each_nodes_arcs_in_the_order_of_the_nodes(
        case: tuple[np.ndarray, np.ndarray]) -> None:
    indptr, nodes = case
    want = [a for u in nodes.tolist() for a in range(int(indptr[u]), int(indptr[u + 1]))]
    assert _leaving(indptr[nodes], indptr[nodes + 1] - indptr[nodes]).tolist() == want


@st.composite
def arc_graphs(draw: st.DrawFn) -> tuple[_OpenArcs, int, np.ndarray]:
    """Arcs sorted by tail with no negative cycle (costs >= a potential's differences),
    a number of "mentees" (the first nodes), and start values."""
    n = draw(st.integers(1, 12))
    n_arcs = draw(st.integers(0, 40))
    ends = st.lists(st.integers(0, n - 1), min_size=n_arcs, max_size=n_arcs)
    tail, head = np.array(draw(ends), dtype=np.int64), np.array(draw(ends), dtype=np.int64)
    potential = np.array(draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n)), float)
    slack = np.array(draw(st.lists(st.integers(0, 3), min_size=n_arcs, max_size=n_arcs)), float)
    cost = potential[head] - potential[tail] + slack
    order = np.argsort(tail, kind="stable")
    tail, head, cost = tail[order], head[order], cost[order]
    arcs = _OpenArcs(tail, head, cost, np.searchsorted(tail, np.arange(n + 1)))
    start = np.array(draw(st.lists(st.integers(-4, 0), min_size=n, max_size=n)), float)
    return arcs, draw(st.integers(0, n)), start


@settings(max_examples=300)
@given(arc_graphs())
def test_sweeps_reach_bellman_fords_distances_and_prove_them(
        case: tuple[_OpenArcs, int, np.ndarray]) -> None:
    """From any start: the slice and the gathered pushes both end at the true distances."""
    arcs, n_mentees, start = case
    dist = start.tolist()
    for _ in range(start.size + 1):
        for t, h, c in zip(arcs.tail.tolist(), arcs.head.tolist(), arcs.cost.tolist(),
                           strict=True):
            dist[h] = min(dist[h], dist[t] + c)
    value = start.copy()
    _single_key_sweeps(arcs, n_mentees, value, tolerance=1e-9)
    assert value.tolist() == dist
    assert arcs.prove(value, 1e-9)
    if arcs.tail.size:  # raise one arc's head: its reduced cost goes negative
        k = int(np.argmax(arcs.head))
        worse = value.copy()
        worse[arcs.head[k]] = value[arcs.tail[k]] + arcs.cost[k] + 1.0
        assert not arcs.prove(worse, 1e-9) or arcs.tail[k] == arcs.head[k]


@given(st.integers(1, 6).flatmap(lambda n: st.tuples(
    st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(-1, 1),
                       st.sampled_from([-1.0, -1e-12, 0.0, 0.5])), max_size=10),
    st.lists(st.integers(-1, 1), min_size=n, max_size=n),
    st.lists(st.sampled_from([0.0, 0.5, 1.0]), min_size=n, max_size=n))))
def test_the_proof_fails_exactly_when_an_arc_has_a_negative_lexicographic_reduced_cost(
        case: tuple[list[tuple[int, int, int, float]], list[int], list[float]]) -> None:
    arcs, level, value = case
    tolerance = 1e-9
    tail = np.array([a[0] for a in arcs], dtype=np.int64)
    head = np.array([a[1] for a in arcs], dtype=np.int64)
    arc_level = np.array([a[2] for a in arcs], dtype=np.int64)
    cost = np.array([a[3] for a in arcs], dtype=np.float64)
    negative = any((level[t] + lv - level[h], value[t] + c - value[h]) < (0, -tolerance)
                   for t, h, lv, c in arcs)
    got = _proves(tail, head, cost, np.array(value), tolerance,
                  (arc_level, np.array(level, dtype=np.int64)))
    assert got == (not negative)
    if not arc_level.any() and not any(level):  # one key: the same answer without levels
        assert _proves(tail, head, cost, np.array(value), tolerance) == got
