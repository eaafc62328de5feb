"""Warm re-optimisation: from a proved optimum on some pairs to the optimum on more."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentormatch.problem._candidate_problem import CandidateProblem
from mentormatch.solvers import solve
from mentormatch.solvers.flow import reoptimize_flow


def _instance(seed: int, grid: float = 20.0) -> tuple[CandidateProblem, CandidateProblem]:
    """A full problem on every pair and a candidate problem on about half of them."""
    rng = np.random.default_rng(seed)
    n_e, n_r = int(rng.integers(2, 25)), int(rng.integers(2, 10))
    scores = np.round(rng.random((n_e, n_r)) * grid) / grid
    demand = rng.integers(1, 3, n_e)
    capacity = rng.integers(1, 5, n_r)
    # Mentors 0 and 1 could take everyone and keep all their pairs among the
    # candidates, so both problems can meet every demand (of one or two mentors).
    capacity[:2] = demand.sum()
    e, r = (a.ravel() for a in np.indices((n_e, n_r)))
    s = scores[e, r]
    some = (rng.random(e.size) < 0.5) | (r < 2)
    full = CandidateProblem(n_e, n_r, e, r, s, demand=demand, capacity=capacity)
    part = CandidateProblem(n_e, n_r, e[some], r[some], s[some], demand=demand,
                            capacity=capacity)
    return full, part


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 100_000))
def test_reoptimised_optimum_equals_a_solve_from_scratch(seed):
    full, part = _instance(seed)
    before = solve(part, "flow")
    assert before.duals is not None and before.duals.saturated
    after = reoptimize_flow(full, before)  # type: ignore[arg-type]
    assert after is not None
    fresh = solve(full, "flow")
    assert after.info["backend"] == "re-optimised" and after.info["exact"] is True
    # Its potentials are exact: the proof holds at once, no Bellman-Ford round needed.
    assert after.info["bellman_ford_rounds"] == 0
    assert after.objective == pytest.approx(fresh.objective, abs=1e-9)
    # Feasible: distinct admissible pairs, demands met, capacities kept.
    keys = after.mentee_idx * full.shape[1] + after.mentor_idx
    assert np.unique(keys).size == keys.size and full.is_allowed(after.mentee_idx,
                                                                 after.mentor_idx).all()
    assert (np.bincount(after.mentee_idx, minlength=full.shape[0]) == full.demand).all()
    assert (np.bincount(after.mentor_idx, minlength=full.shape[1]) <= full.capacity).all()


def test_same_pairs_need_no_change():
    full, _ = _instance(3)
    before = solve(full, "flow")
    after = reoptimize_flow(full, before)  # type: ignore[arg-type]
    assert after is not None
    assert (after.mentee_idx.tolist(), after.mentor_idx.tolist()) == (
        before.mentee_idx.tolist(), before.mentor_idx.tolist())


def test_declines_what_it_cannot_warm_start():
    full, part = _instance(5)
    before = solve(part, "flow")
    # Scores off any small grid: no exact integer costs.
    edges = full.edges()
    odd = CandidateProblem(*full.shape, edges.mentee, edges.mentor,
                           edges.score + np.pi * 1e-9, demand=full.demand,
                           capacity=full.capacity)
    assert reoptimize_flow(odd, before) is None  # type: ignore[arg-type]
    # Demand not all met: the previous network was not saturated.
    short = CandidateProblem(*full.shape, edges.mentee, edges.mentor, edges.score,
                             demand=full.demand, capacity=np.ones_like(full.capacity))
    assert reoptimize_flow(short, solve(short, "flow")) is None  # type: ignore[arg-type]
    # No proof to start from.
    greedy = solve(part, "greedy")
    assert reoptimize_flow(full, greedy) is None  # type: ignore[arg-type]


def test_repeated_arcs_are_refused_not_split() -> None:
    # The phases split a repeated (tail, head) arc by a node of its own, which the previous
    # proof gives no potential: the re-optimiser refuses such a network rather than guess one.
    import dataclasses

    import mentormatch as mm
    from mentormatch.errors import SolverError
    from mentormatch.solvers.flow._network import build_network
    from mentormatch.solvers.flow._reoptimize import _settle

    net = build_network(mm.MatchProblem(scores=[[1.0, 0.5], [0.5, 1.0]]), "saturate")
    flow = np.zeros(net.tail.size, dtype=np.int64)
    zero = np.zeros(net.n_nodes, dtype=np.int64)
    assert _settle(net, flow, np.zeros(net.tail.size, dtype=np.int64), zero, 10) is not None
    tail, head = net.tail.copy(), net.head.copy()
    tail[1], head[1] = tail[0], head[0]
    repeated = dataclasses.replace(net, tail=tail, head=head)
    with pytest.raises(SolverError, match="1 repeated"):
        _settle(repeated, flow, np.zeros(net.tail.size, dtype=np.int64), zero, 10)



@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 100_000))
def test_a_non_optimal_flow_from_the_phases_is_never_returned(seed: int) -> None:
    # Phases that hand back the previous optimum unchanged (balanced and feasible, but not
    # optimal once a new pair improves it): the re-optimiser must return the cold optimum
    # (the certificate repaired it) or None, never a worse answer.
    import mentormatch.solvers.flow._reoptimize as reoptimize
    from mentormatch.solvers.flow._network import flow_of_pairs
    from mentormatch.solvers.flow._primal_dual import PrimalDualResult

    full, part = _instance(seed)
    before = solve(part, "flow")
    placed = flow_of_pairs(full, before.mentee_idx,  # type: ignore[arg-type]
                           before.mentor_idx)
    assert placed is not None
    network, old, _ = placed
    old = old[network.tail != network.source]

    def unchanged(*args: object, potential: np.ndarray, **kwargs: object) -> PrimalDualResult:
        return PrimalDualResult(old.copy(), potential.copy(), 0, True)

    fresh = solve(full, "flow")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reoptimize, "primal_dual", unchanged)
        after = reoptimize_flow(full, before)  # type: ignore[arg-type]
    assert after is None or after.objective == pytest.approx(fresh.objective, abs=1e-9)
    improvable = fresh.objective > before.objective + 1e-9
    if improvable and after is not None:
        assert after.info["cycles_canceled"] > 0  # the proof had to repair the start
