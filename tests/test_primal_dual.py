"""The numpy/scipy min-cost-flow backend: the engine alone, then through ``flow``."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog
from scipy.sparse import coo_array

import mentormatch as mm
from brute import (
    assignment_key,
    best_key,
    lex_key,
    meeting_min_loads,
    same_key,
)
from mentormatch.errors import InfeasibleError
from mentormatch.solvers.flow import build_network, certify_network, run_backend
from mentormatch.solvers.flow._primal_dual import FlowArcs, primal_dual
from strategies import min_load_problems, problems

Net = tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


@st.composite
def networks(draw: st.DrawFn) -> Net:
    """Random acyclic networks with parallel arcs, lower bounds and a balanced supply."""
    n = draw(st.integers(2, 7))
    m = draw(st.integers(1, 14))
    tail = np.array(draw(st.lists(st.integers(0, n - 2), min_size=m, max_size=m)))
    gap = np.array(draw(st.lists(st.integers(1, n - 1), min_size=m, max_size=m)))
    head = np.minimum(tail + gap, n - 1)  # arcs run forward: no negative cycle
    upper = np.array(draw(st.lists(st.integers(0, 3), min_size=m, max_size=m)))
    lower = np.minimum(upper, np.array(draw(st.lists(st.integers(0, 1), min_size=m,
                                                     max_size=m))))
    cost = np.array(draw(st.lists(st.integers(-5, 5), min_size=m, max_size=m)))
    amount = draw(st.integers(0, 4))
    supply = np.zeros(n, dtype=np.int64)
    supply[0], supply[n - 1] = amount, -amount
    return n, tail, head, lower, upper, cost, supply


def lp_optimum(n: int, tail: np.ndarray, head: np.ndarray, lower: np.ndarray,
               upper: np.ndarray, cost: np.ndarray, supply: np.ndarray) -> float | None:
    m = tail.size
    incidence = coo_array((np.r_[np.ones(m), -np.ones(m)],
                           (np.r_[tail, head], np.r_[np.arange(m), np.arange(m)])),
                          shape=(n, m))
    res = linprog(cost, A_eq=incidence, b_eq=supply, bounds=np.c_[lower, upper],
                  method="highs")
    return float(res.fun) if res.status == 0 else None


@settings(max_examples=400, deadline=None)
@given(networks())
def test_engine_equals_the_lp_optimum_and_proves_it(net: Net) -> None:
    n, tail, head, lower, upper, cost, supply = net
    arcs = FlowArcs.of(int(n), tail, head, lower, upper)
    full_cost = arcs.costs(cost.astype(np.int64))
    result = primal_dual(arcs, full_cost, supply)
    best = lp_optimum(int(n), tail, head, lower, upper, cost, supply)
    assert result.feasible == (best is not None)
    if best is None:
        return
    flow = result.flow
    assert ((flow >= arcs.lower) & (flow <= arcs.upper)).all()
    balance = np.zeros(arcs.n_nodes, dtype=np.int64)
    balance[:n] = supply
    np.add.at(balance, arcs.tail, -flow)
    np.add.at(balance, arcs.head, flow)
    assert not balance.any()
    assert int(full_cost @ flow) == round(best)
    # The potentials prove it: no residual arc has a negative reduced cost.
    reduced = full_cost + result.potential[arcs.tail] - result.potential[arcs.head]
    assert (reduced[flow < arcs.upper] >= 0).all()
    assert (reduced[flow > arcs.lower] <= 0).all()


@settings(max_examples=200, deadline=None)
@given(networks(), st.booleans(), st.integers(0, 2**16))
def test_engine_is_exact_on_wide_costs(net: Net, tied: bool, seed: int) -> None:
    # Costs up to a million (tied or not): many distance levels per phase.
    n, tail, head, lower, upper, cost, supply = net
    rng = np.random.default_rng(seed)
    wide = cost * (200_000 if tied else rng.integers(1, 200_001, cost.size))
    arcs = FlowArcs.of(int(n), tail, head, lower, upper)
    result = primal_dual(arcs, arcs.costs(wide.astype(np.int64)), supply)
    best = lp_optimum(int(n), tail, head, lower, upper, wide, supply)
    assert result.feasible == (best is not None)
    if best is not None:
        assert int(arcs.costs(wide.astype(np.int64)) @ result.flow) == round(best)


@settings(max_examples=200, deadline=None)
@given(networks(), st.integers(1, 3))
def test_a_stage_may_leave_surplus_and_the_rest_resumes_from_it(net: Net, leave: int) -> None:
    n, tail, head, lower, upper, cost, supply = net
    arcs = FlowArcs.of(int(n), tail, head, lower, upper)
    full_cost = arcs.costs(cost.astype(np.int64))
    early = primal_dual(arcs, full_cost, supply, leave=leave)
    balance = np.zeros(arcs.n_nodes, dtype=np.int64)
    balance[:n] = supply
    np.add.at(balance, arcs.tail, -early.flow)
    np.add.at(balance, arcs.head, early.flow)
    best = lp_optimum(int(n), tail, head, lower, upper, cost, supply)
    assert balance[balance > 0].sum() <= leave or best is None
    # Stopped early, its potentials still prove the pseudoflow: a valid warm start.
    reduced = full_cost + early.potential[arcs.tail] - early.potential[arcs.head]
    assert (reduced[early.flow < arcs.upper] >= 0).all()
    assert (reduced[early.flow > arcs.lower] <= 0).all()
    rest = primal_dual(arcs, full_cost, supply, flow=early.flow, potential=early.potential)
    assert rest.feasible == (best is not None)
    if best is not None:
        assert int(full_cost @ rest.flow) == round(best)


def test_leave_stops_a_run_with_surplus_left_in_fewer_phases() -> None:
    # six unit paths 0 -> i -> 7 of costs 1..6: a phase serves only the shortest open one
    k = 6
    mid = np.arange(1, k + 1, dtype=np.int64)
    tail = np.concatenate([np.zeros(k, np.int64), mid])
    head = np.concatenate([mid, np.full(k, k + 1, np.int64)])
    ones = np.ones(2 * k, np.int64)
    arcs = FlowArcs.of(k + 2, tail, head, 0 * ones, ones)
    cost = arcs.costs(np.concatenate([mid, np.zeros(k, np.int64)]))
    supply = np.zeros(k + 2, dtype=np.int64)
    supply[0], supply[k + 1] = k, -k
    full = primal_dual(arcs, cost, supply)
    early = primal_dual(arcs, cost, supply, leave=2)
    assert full.feasible and full.phases == k
    assert not early.feasible and early.phases == k - 2
    assert int(early.flow[:k].sum()) == k - 2


@st.composite
def wide_cost_problems(draw: st.DrawFn) -> mm.MatchProblem:
    """Problems with enough units that the backend scales costs of up to a million."""
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    n_e, n_r = draw(st.integers(21, 32)), draw(st.integers(4, 12))
    top = draw(st.sampled_from([10**3, 10**6]))
    scores = rng.integers(-top // 10, top, (n_e, n_r)).astype(np.float64)
    if draw(st.booleans()):  # ties: a few distinct wide values
        scores = rng.choice(scores.ravel()[:5], (n_e, n_r))
    allowed = rng.random((n_e, n_r)) < draw(st.sampled_from([0.4, 0.8, 1.0]))
    capacity = rng.integers(0, draw(st.sampled_from([7, 30])), n_r)
    min_load = np.zeros(n_r, dtype=np.int64)
    if draw(st.booleans()):
        min_load = np.minimum(capacity, rng.integers(0, 2, n_r))
    return mm.MatchProblem(scores=scores, demand=rng.integers(2, 4, n_e), capacity=capacity,
                           allowed=allowed, min_load=min_load)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wide_cost_problems(), st.booleans())
def test_cost_scaled_backend_equals_ortools_on_wide_costs(problem: mm.MatchProblem,
                                                          lexicographic: bool) -> None:
    # The backend alone (no certificate to repair it): the same optimal cost as OR-Tools.
    pytest.importorskip("ortools")
    network = build_network(problem, "lexicographic" if lexicographic else "saturate")
    theirs = run_backend(network, "ortools", lexicographic)
    ours = run_backend(network, "primal-dual", lexicographic)
    assert (ours.flow is None) == (theirs.flow is None)
    if ours.flow is None or theirs.flow is None:
        return
    assert int(network.level @ ours.flow) == int(network.level @ theirs.flow) or not lexicographic
    assert float(network.cost @ ours.flow) == float(network.cost @ theirs.flow)


@st.composite
def larger_problems(draw: st.DrawFn) -> mm.MatchProblem:
    """Problems wider than the first core (so pricing runs), with ties, locks, min loads."""
    base = draw(problems(max_mentees=14, max_mentors=16, max_demand=3, max_capacity=4))
    n_r = base.n_mentors
    grid = draw(st.sampled_from(["ties", "grid", "float"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    scores = {"ties": base.scores, "grid": rng.integers(0, 20, base.shape) / 20,
              "float": rng.random(base.shape)}[grid]
    min_load = np.zeros(n_r, dtype=np.int64)
    if draw(st.booleans()):
        min_load = np.array([draw(st.integers(0, min(int(c), 1))) for c in base.capacity])
    return mm.MatchProblem(scores=scores, demand=base.demand, capacity=base.capacity,
                           allowed=base.allowed, locked=base.locked, min_load=min_load)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(larger_problems(), st.sampled_from(["lexicographic", "score"]))
def test_backend_equals_ortools(problem: mm.MatchProblem, objective: str) -> None:
    pytest.importorskip("ortools")
    try:
        ortools = mm.solve(problem, solver="flow", backend="ortools", objective=objective)
    except InfeasibleError:
        with pytest.raises(InfeasibleError):
            mm.solve(problem, solver="flow", backend="primal-dual", objective=objective)
        return
    ours = mm.solve(problem, solver="flow", backend="primal-dual", objective=objective)
    assert ours.info["exact"] and ours.info["backend"] == "primal-dual"
    if objective == "score":  # the total alone is optimised: ties may differ otherwise
        assert np.isclose(ours.objective, ortools.objective, rtol=0, atol=1e-9)
    else:
        assert same_key(assignment_key(problem, ours), assignment_key(problem, ortools))


@settings(max_examples=200, deadline=None)
@given(problems(max_mentees=4, max_mentors=4, max_demand=3, max_capacity=3))
def test_backend_equals_brute_force(problem: mm.MatchProblem) -> None:
    a = mm.solve(problem, solver="flow", backend="primal-dual")
    assert same_key(assignment_key(problem, a), best_key(problem))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(min_load_problems(max_demand=3))
def test_backend_equals_brute_force_with_min_loads(problem: mm.MatchProblem) -> None:
    n_r = problem.n_mentors
    keys = [lex_key(problem, p) for p in meeting_min_loads(problem)]
    if not keys:
        with pytest.raises(InfeasibleError, match="min"):
            mm.solve(problem, solver="flow", backend="primal-dual")
        return
    a = mm.solve(problem, solver="flow", backend="primal-dual")
    assert (a.loads(n_r) >= problem.min_load).all()
    assert same_key(assignment_key(problem, a), max(keys))


def test_its_potentials_prove_grid_scores_in_one_pass() -> None:
    rng = np.random.default_rng(3)
    p = mm.MatchProblem(scores=rng.integers(0, 60, (60, 25)) / 60, demand=rng.integers(1, 3, 60),
                        capacity=rng.integers(1, 6, 25))
    a = mm.solve(p, solver="flow", backend="primal-dual")
    assert a.info["exact"] and a.info["bellman_ford_rounds"] == 0
    assert a.info["scale"] == 60.0


def test_run_backend_reports_potentials_and_infeasibility() -> None:
    # Mentors 0 and 1 need four mentees from mentees 0 and 1, who can take three.
    p = mm.MatchProblem(scores=np.ones((3, 3)), demand=[2, 1, 2], capacity=2,
                        min_load=[2, 2, 0],
                        allowed=[[True, True, False], [True, True, False], [False, False, True]])
    network = build_network(p, "lexicographic")
    got = run_backend(network, "primal-dual", lexicographic=True)
    assert got.flow is None
    q = mm.MatchProblem(scores=[[1.0, 0.5], [0.2, 0.9]])
    network = build_network(q, "saturate")
    got = run_backend(network, "primal-dual", lexicographic=False)
    assert got.flow is not None and got.potentials is not None
    assert got.flow[:network.n_pair].tolist() == [1, 0, 0, 1]


def test_unknown_backend_lists_the_known_ones() -> None:
    p = mm.MatchProblem(scores=[[1.0]])
    with pytest.raises(mm.errors.InvalidInputError, match="primal-dual"):
        mm.solve(p, solver="flow", backend="simplex")


def _without_ortools(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ortools", "ortools.graph", "ortools.graph.python",
                 "ortools.graph.python.min_cost_flow"):
        monkeypatch.setitem(sys.modules, name, None)


def test_the_default_install_runs_primal_dual_dense_and_on_candidates(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from mentormatch.synthetic import make_cohort

    cohort = make_cohort(300, 60, seed=4, profile="national")
    with_ortools = mm.match(cohort, solver="flow")
    large_ortools = mm.match(cohort, solver="flow", candidates=5)
    _without_ortools(monkeypatch)
    dense = mm.match(cohort, solver="flow")
    large = mm.match(cohort, solver="flow", candidates=5)
    assert dense.provenance.solver_info["backend"] == "primal-dual"
    assert large.provenance.solver_info["backend"] in ("primal-dual", "re-optimised")
    assert large.provenance.solver_info["candidates"]["certified"] is True
    for ours, theirs in ((dense, with_ortools), (large, large_ortools)):
        assert ours.metrics.n_pairs == theirs.metrics.n_pairs
        assert ours.metrics.total_score == pytest.approx(theirs.metrics.total_score, abs=1e-9)


@pytest.mark.parametrize("objective", ["saturate", "lexicographic"])
def test_a_mentor_without_candidates_is_priced_at_zero_and_the_proof_holds(
        objective: str) -> None:
    # Mentor 2 has no admissible mentee: no path reaches it, so every phase raised its
    # potential; the backend lowers it to the least that still proves the flow.
    rng = np.random.default_rng(5)
    allowed = np.ones((40, 6), dtype=bool)
    allowed[:, 2] = False
    p = mm.MatchProblem(scores=rng.integers(0, 40, (40, 6)) / 40, allowed=allowed,
                        demand=rng.integers(1, 3, 40), capacity=20)
    network = build_network(p, objective)  # type: ignore[arg-type]
    got = run_backend(network, "primal-dual", lexicographic=objective == "lexicographic")
    assert got.flow is not None and got.potentials is not None
    level, value = got.potentials
    mentor = network.n_mentees + 2
    assert level[mentor] == level[network.sink]
    assert value[mentor] == pytest.approx(value[network.sink])
    proof = certify_network(network, got.flow.copy(), start=got.potentials)
    assert proof.proved and proof.rounds == 0
