from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mentormatch as mm
from brute import (
    assignment_key,
    best_key,
    feasible_assignments,
    lex_key,
    meeting_min_loads,
    same_key,
)
from mentormatch.errors import InfeasibleError, InvalidInputError
from mentormatch.problem import Duals
from mentormatch.problem._match_problem import Edges
from mentormatch.solvers.flow import _backends, certify_flow, solve_flow
from strategies import min_load_problems, problems

BACKENDS = ("ortools", "primal-dual", "highs")


def pairs_of(a: mm.Assignment) -> list[tuple[int, int]]:
    return list(zip(a.mentee_idx.tolist(), a.mentor_idx.tolist()))


@settings(max_examples=600, deadline=None)
@given(problems(max_demand=3, max_capacity=3))
def test_flow_equals_brute_force_lexicographic(problem: mm.MatchProblem) -> None:
    best = best_key(problem)
    for backend in BACKENDS:
        a = mm.solve(problem, solver="flow", backend=backend)  # runs mm.check inside
        assert mm.check(a, problem).ok
        assert a.info["exact"] and a.info["backend"] == backend
        assert same_key(assignment_key(problem, a), best), backend


@settings(max_examples=300, deadline=None)
@given(problems(max_mentees=5, max_demand=2, ties=False))
def test_flow_equals_brute_force_with_float_scores(problem: mm.MatchProblem) -> None:
    a = mm.solve(problem, solver="flow")
    assert same_key(assignment_key(problem, a), best_key(problem))


@settings(max_examples=300, deadline=None)
@given(problems(max_mentees=6, max_mentors=5, max_demand=1, max_capacity=3))
def test_flow_equals_hungarian_for_single_demand(problem: mm.MatchProblem) -> None:
    a = mm.solve(problem, solver="flow")
    h = mm.solve(problem, solver="hungarian")
    assert same_key(assignment_key(problem, a), assignment_key(problem, h))


@settings(max_examples=200, deadline=None)
@given(problems(max_mentees=8, max_mentors=6, max_demand=3, max_capacity=4))
def test_backends_agree_on_larger_problems(problem: mm.MatchProblem) -> None:
    keys = [assignment_key(problem, mm.solve(problem, solver="flow", backend=b))
            for b in BACKENDS]
    assert all(same_key(keys[0], key) for key in keys[1:])


@settings(max_examples=300, deadline=None)
@given(problems(max_demand=2, max_capacity=3))
def test_score_objective_maximises_total_score(problem: mm.MatchProblem) -> None:
    best = max(lex_key(problem, p)[2] for p in feasible_assignments(problem))
    for backend in BACKENDS:
        a = mm.solve(problem, solver="flow", objective="score", backend=backend)
        assert np.isclose(a.objective, best, rtol=0, atol=1e-9)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(min_load_problems())
def test_min_load_respected_or_infeasible(problem: mm.MatchProblem) -> None:
    n_r = problem.n_mentors
    feasible = list(meeting_min_loads(problem))
    for backend in BACKENDS:
        if not feasible:
            with pytest.raises(InfeasibleError, match="min"):
                mm.solve(problem, solver="flow", backend=backend)
            continue
        a = mm.solve(problem, solver="flow", backend=backend)
        assert (a.loads(n_r) >= problem.min_load).all()
        assert same_key(assignment_key(problem, a), max(lex_key(problem, p) for p in feasible))


def test_min_load_message_names_the_mentor() -> None:
    p = mm.MatchProblem(scores=np.ones((2, 2)), capacity=[3, 3], min_load=[0, 3], demand=1)
    with pytest.raises(InfeasibleError, match=r"mentor 1 must take at least 3 mentees but "
                                                 r"only 2 admissible mentee\(s\)"):
        mm.solve(p, solver="flow")
    # Each mentor alone is fine, together they need 4 mentees but only 3 exist.
    q = mm.MatchProblem(scores=np.ones((3, 2)), capacity=[2, 2], min_load=[2, 2], demand=1)
    with pytest.raises(InfeasibleError, match=r"need 4 more mentees"):
        mm.solve(q, solver="flow")


@st.composite
def near_ties(draw: st.DrawFn) -> mm.MatchProblem:
    """Scores on a coarse grid plus offsets 1e-9 * 2**k: distinct subset sums, unique optimum."""
    n_e, n_r = draw(st.integers(2, 4)), draw(st.integers(2, 4))
    base = np.array(draw(st.lists(st.integers(0, 2), min_size=n_e * n_r,
                                  max_size=n_e * n_r)), dtype=float)
    perm = np.array(draw(st.permutations(range(n_e * n_r))))
    big = draw(st.sampled_from([1.0, 1000.0]))
    scores = (big * base + 1e-9 * 2.0 ** perm).reshape(n_e, n_r)
    demand = np.array(draw(st.lists(st.integers(1, 2), min_size=n_e, max_size=n_e)))
    capacity = np.array(draw(st.lists(st.integers(1, 2), min_size=n_r, max_size=n_r)))
    return mm.MatchProblem(scores=scores, demand=demand, capacity=capacity)


def exact_best(problem: mm.MatchProblem) -> list[tuple[int, int]]:
    return sorted(max(feasible_assignments(problem), key=lambda p: lex_key(problem, p)))


@settings(max_examples=300, deadline=None)
@given(near_ties())
def test_tiny_score_differences_give_the_exact_optimum(problem: mm.MatchProblem) -> None:
    best = exact_best(problem)
    for backend in BACKENDS:
        a = mm.solve(problem, solver="flow", backend=backend)
        assert sorted(pairs_of(a)) == best, backend
        assert a.info["gap_bound"] < 5e-10  # the proof separates answers 1e-9 apart


@settings(max_examples=200, deadline=None)
@given(near_ties())
def test_coarse_integer_rounding_is_repaired_by_the_certificate(
        problem: mm.MatchProblem) -> None:
    # Force OR-Tools to see scores rounded to whole numbers: the 1e-9 offsets vanish,
    # so its answer is often wrong; the residual-graph certificate must fix it.
    original = _backends.scaled_costs

    def coarse(net: object, lex: bool, scale: float | None = None) -> tuple[np.ndarray, float]:
        return original(net, lex, 1.0)  # type: ignore[arg-type]

    _backends.scaled_costs = coarse  # type: ignore[assignment]
    try:
        a = mm.solve(problem, solver="flow", backend="ortools")
    finally:
        _backends.scaled_costs = original
    assert a.info["exact"]
    assert sorted(pairs_of(a)) == exact_best(problem)


def test_certificate_cancels_cycles_when_rounding_hides_them() -> None:
    scores = np.array([[1.0, 1.0 + 3e-9], [1.0 + 2e-9, 1.0]])
    p = mm.MatchProblem(scores=scores, capacity=1)
    original = _backends.scaled_costs
    _backends.scaled_costs = lambda net, lex, k=None: original(net, lex, 0)  # type: ignore
    try:
        a = mm.solve(p, solver="flow", backend="ortools")
    finally:
        _backends.scaled_costs = original
    assert sorted(pairs_of(a)) == [(0, 1), (1, 0)]


def reduced_ok(duals: Duals | None, i: int, j: int, s: float) -> bool:
    assert duals is not None
    lvl = int(duals.mentee_level[i]) + int(duals.mentor_level[j])
    pot = float(duals.mentee_potential[i]) + float(duals.mentor_potential[j])
    return lvl > 0 or (lvl == 0 and s <= pot + duals.tolerance)


@settings(max_examples=300, deadline=None)
@given(problems(max_demand=3, max_capacity=3), st.data())
def test_duals_certify_pruned_problems(problem: mm.MatchProblem, data: st.DataObject) -> None:
    """Solve on a subset of pairs; if the duals price every dropped pair out, it is optimal."""
    full = mm.solve(problem, solver="flow")
    duals = full.duals
    assert duals is not None
    used = set(pairs_of(full))
    locked = {(int(i), int(j)) for i, j in problem.locked}
    for i, j in zip(*np.nonzero(problem.allowed)):
        if (i, j) in locked:
            continue
        s = float(problem.scores[i, j])
        combined = s <= duals.mentee_dual[i] + duals.mentor_dual[j] + duals.tolerance
        if (i, j) in used:
            assert s >= duals.mentee_dual[i] + duals.mentor_dual[j] - duals.tolerance
        else:
            assert reduced_ok(duals, i, j, s) and combined
    keep = np.array(data.draw(st.lists(st.booleans(), min_size=problem.scores.size,
                                       max_size=problem.scores.size))).reshape(problem.shape)
    keep |= problem.locked_mask
    pruned = mm.MatchProblem(scores=problem.scores, demand=problem.demand,
                             capacity=problem.capacity, allowed=problem.allowed & keep,
                             locked=problem.locked)
    a = mm.solve(pruned, solver="flow")
    dropped = np.argwhere(problem.allowed & ~keep)
    if all(reduced_ok(a.duals, int(i), int(j), float(problem.scores[i, j])) for i, j in dropped):
        assert same_key(assignment_key(problem, a), best_key(problem))


class EdgeOnly:
    """A sparse problem exposing only what edge-based solvers may use."""

    def __init__(self, p: mm.MatchProblem) -> None:
        self._p = p
        self.shape, self.n_mentees, self.n_mentors = p.shape, p.n_mentees, p.n_mentors
        self.demand, self.capacity, self.min_load = p.demand, p.capacity, p.min_load
        self.locked, self.attributes = p.locked, None

    def edges(self) -> Edges:
        return self._p.edges()

    def pair_scores(self, e: np.ndarray, r: np.ndarray) -> np.ndarray:
        return self._p.pair_scores(e, r)


@settings(max_examples=100, deadline=None)
@given(problems(max_demand=2))
def test_works_from_edges_only(problem: mm.MatchProblem) -> None:
    dense = solve_flow(problem)
    sparse = solve_flow(EdgeOnly(problem))  # type: ignore[arg-type]
    assert pairs_of(dense) == pairs_of(sparse)


@settings(max_examples=100, deadline=None)
@given(problems(max_demand=3))
def test_deterministic_and_input_untouched(problem: mm.MatchProblem) -> None:
    before = (problem.scores.copy(), problem.allowed.copy(), problem.demand.copy())
    a, b = mm.solve(problem, solver="flow"), mm.solve(problem, solver="flow")
    assert pairs_of(a) == pairs_of(b)
    assert all(np.array_equal(x, y) for x, y in
               zip(before, (problem.scores, problem.allowed, problem.demand)))


def test_two_distinct_mentors_never_the_same_twice() -> None:
    # Slot expansion would give mentee 0 mentor 0 twice (it is far better than the rest).
    p = mm.MatchProblem(scores=[[9.0, 1.0, 0.5], [8.0, 0.2, 0.1]], demand=2, capacity=[2, 1, 1])
    a = mm.solve(p, solver="flow")
    assert sorted(pairs_of(a)) == [(0, 0), (0, 1), (1, 0), (1, 2)]


def test_coverage_before_pairs_before_score() -> None:
    # Mentee 0 could take both good mentors; covering mentee 1 matters more.
    p = mm.MatchProblem(scores=[[5.0, 5.0], [0.0, -3.0]], demand=[2, 1], capacity=1)
    lex = mm.solve(p, solver="flow")
    assert lex.counts(2).tolist() == [1, 1]
    score = mm.solve(p, solver="flow", objective="score")
    assert sorted(pairs_of(score)) == [(0, 0), (0, 1)]


def test_bad_options_are_errors() -> None:
    p = mm.MatchProblem(scores=[[1.0]])
    with pytest.raises(InvalidInputError, match="objective"):
        mm.solve(p, solver="flow", objective="maxmin")
    with pytest.raises(InvalidInputError, match="backend"):
        mm.solve(p, solver="flow", backend="gurobi")


def test_empty_and_degenerate_problems() -> None:
    for p in (mm.MatchProblem(scores=np.zeros((3, 0))), mm.MatchProblem(scores=np.zeros((0, 2))),
              mm.MatchProblem(scores=np.ones((2, 2)), demand=0),
              mm.MatchProblem(scores=np.ones((2, 2)), capacity=0)):
        a = mm.solve(p, solver="flow")
        assert a.n_pairs == 0 and a.info["exact"]


def test_match_with_flow_and_min_load_on_a_cohort() -> None:
    cohort = mm.example_cohort()
    idle = [m.id for m in cohort.mentors if m.capacity > 0
            and not mm.match(cohort, solver="flow").mentees_of(m.id)]
    mentors = [m.model_copy(update={"min_load": 1}) if m.id == idle[-1] else m
               for m in cohort.mentors]
    c = mm.Cohort(mentees=cohort.mentees, mentors=mentors, forbidden=cohort.forbidden,
                  locked=cohort.locked)
    result = mm.match(c, solver="flow")
    assert result.mentees_of(idle[-1])
    assert result.metrics.mentees_matched == result.metrics.mentees_asking


@settings(max_examples=300, deadline=None)
@given(problems(max_demand=3, max_capacity=3), st.data())
def test_warm_certificate_proves_or_repairs_a_feasible_start(
        problem: mm.MatchProblem, data: st.DataObject) -> None:
    best = mm.solve(problem, solver="flow")
    n = best.mentee_idx.size
    locked = {tuple(p) for p in problem.locked.tolist()}
    drop = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    # Locked pairs must stay: a start is any feasible subset of an optimum.
    keep = np.array([not d or (e, r) in locked for d, e, r in
                     zip(drop, best.mentee_idx.tolist(), best.mentor_idx.tolist(), strict=True)],
                    dtype=bool).reshape(-1)
    warm = certify_flow(problem, best.mentee_idx[keep], best.mentor_idx[keep],
                        max_cycles=10_000, start=best.duals)
    assert warm is not None and warm.info["exact"]
    assert mm.check(warm, problem).ok
    assert same_key(assignment_key(problem, warm), assignment_key(problem, best))


def test_warm_certificate_refuses_an_infeasible_start() -> None:
    p = mm.MatchProblem(scores=[[1.0, 0.5], [0.2, 0.9]], capacity=1,
                        allowed=[[True, False], [True, True]])
    assert certify_flow(p, np.array([0]), np.array([1])) is None  # not admissible
    assert certify_flow(p, np.array([0, 1]), np.array([0, 0])) is None  # over capacity
    proved = certify_flow(p, np.array([0, 1]), np.array([0, 1]))
    assert proved is not None and proved.objective == pytest.approx(1.9)


FLOW_FACTS = {"backend", "objective", "exact", "gap_bound", "scale", "cycles_canceled",
              "bellman_ford_rounds"}


@settings(max_examples=100, deadline=None)
@given(problems(max_demand=3, max_capacity=3))
def test_info_holds_the_facts_and_duals_the_certificate(problem: mm.MatchProblem) -> None:
    a = mm.solve(problem, solver="flow")
    assert set(a.info) == FLOW_FACTS
    assert not any(isinstance(v, np.ndarray) for v in a.info.values())
    duals = a.duals
    assert duals is not None
    n_e, n_r = problem.shape
    assert duals.mentee_level.shape == duals.mentee_potential.shape == (n_e,)
    assert duals.mentor_level.shape == duals.mentor_potential.shape == (n_r,)
    assert duals.node_level.shape == duals.node_value.shape == (n_e + n_r + 2,)
    with pytest.raises(ValueError, match="read-only"):
        duals.mentee_potential[...] = 0.0
    # Saturated exactly when every unit of demand left after the locks was met.
    wanted = int(problem.demand.sum())
    if duals.saturated:
        assert a.n_pairs == wanted
    else:
        assert a.n_pairs < wanted or int(problem.capacity.sum()) < wanted
    # A proof started from these duals holds at once (integer scores: no rounding).
    warm = certify_flow(problem, a.mentee_idx, a.mentor_idx, start=duals)
    assert warm is not None and set(warm.info) == FLOW_FACTS
    assert warm.info["bellman_ford_rounds"] == 0  # its own proof holds at once


def test_provenance_shows_the_flow_facts() -> None:
    result = mm.match(mm.example_cohort(), solver="flow")
    assert set(result.provenance.solver_info) == FLOW_FACTS
    assert result.provenance.solver_info["exact"] is True
