from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.errors import InvalidInputError
from mentormatch.problem import CandidateProblem
from mentormatch.solvers import _stable
from stable_brute import (
    EdgeView,
    brute_blocking,
    pairs_of,
    prefers,
    reference_da,
    stable_matchings,
    stable_problems,
)

SIDES = ("mentees", "mentors")


def _partners(pairs: list[tuple[int, int]], who: int, side: int) -> list[int]:
    return [p[1 - side] for p in pairs if p[side] == who]


def _best_of(values: np.ndarray, items: set[int], k: int) -> set[int]:
    order = sorted(items, key=lambda x: (-values[x], x))
    return set(order[:k])


@settings(max_examples=250, deadline=None)
@given(stable_problems(max_mentees=4, max_mentors=3))
def test_proposing_side_gets_its_best_stable_matching(problem: mm.MatchProblem) -> None:
    stable = stable_matchings(problem)
    assert stable, "a stable matching always exists"
    n_e, n_r = problem.shape
    # Rural hospitals: everyone has the same number of partners in every stable matching.
    for side, n in ((0, n_e), (1, n_r)):
        for who in range(n):
            assert len({len(_partners(m, who, side)) for m in stable}) == 1
    for proposing, side, n in (("mentees", 0, n_e), ("mentors", 1, n_r)):
        got = pairs_of(mm.solve(problem, solver="stable", proposing=proposing))
        assert got in stable
        values = problem.mentee_prefs if side == 0 else problem.mentor_prefs.T
        for who in range(n):
            mine = set(_partners(got, who, side))
            for other in stable:
                theirs = set(_partners(other, who, side))
                # Partner by partner the best possible: my partners are the best
                # len(mine) of the union with any other stable matching's partners.
                assert mine == _best_of(values[who], mine | theirs, len(mine))


@settings(max_examples=150, deadline=None)
@given(stable_problems(max_mentees=4, max_mentors=3))
def test_other_side_gets_its_worst_stable_matching(problem: mm.MatchProblem) -> None:
    stable = stable_matchings(problem)
    n_e, n_r = problem.shape
    for proposing, side, n in (("mentees", 1, n_r), ("mentors", 0, n_e)):
        got = pairs_of(mm.solve(problem, solver="stable", proposing=proposing))
        values = problem.mentee_prefs if side == 0 else problem.mentor_prefs.T
        for who in range(n):
            mine = set(_partners(got, who, side))
            for other in stable:
                theirs = set(_partners(other, who, side))
                assert theirs == _best_of(values[who], mine | theirs, len(theirs))


@settings(max_examples=300, deadline=None)
@given(stable_problems(max_mentees=9, max_mentors=7, max_demand=3, max_capacity=3),
       st.sampled_from(SIDES))
def test_feasible_stable_and_equal_to_plain_deferred_acceptance(problem: mm.MatchProblem,
                                                               proposing: str) -> None:
    a = mm.solve(problem, solver="stable", proposing=proposing)
    assert mm.check(a, problem).ok
    assert len(mm.blocking_pairs(a, problem)) == 0
    assert not brute_blocking(problem, pairs_of(a))
    assert pairs_of(a) == reference_da(problem, proposing)
    # The same answer through the sparse-problem interface (edges only).
    b = _stable.solve_stable(EdgeView(problem), proposing=proposing)  # type: ignore[arg-type]
    assert b.info["path"] == "edges" and a.info["path"] == "dense"
    assert pairs_of(b) == pairs_of(a)
    # Same input, same output.
    assert pairs_of(mm.solve(problem, solver="stable", proposing=proposing)) == pairs_of(a)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(SIDES), st.booleans(),
       st.sampled_from([0, 2, 32]))
def test_long_lists_with_lazy_refills_match_the_reference(seed: int, proposing: str,
                                                          ties: bool, scan_after: int) -> None:
    # Rows much longer than the first batch the solver orders, so proposers run
    # out of ordered candidates and rows are extended lazily; runs of refusals are
    # skipped in bulk after ``scan_after`` of them (0: before every proposal).
    old_scan = _stable._SCAN_AFTER
    _stable._SCAN_AFTER = scan_after
    try:
        _check_long_lists(seed, proposing, ties)
    finally:
        _stable._SCAN_AFTER = old_scan


def _check_long_lists(seed: int, proposing: str, ties: bool) -> None:
    rng = np.random.default_rng(seed)
    n_e, n_r = int(rng.integers(20, 50)), int(rng.integers(15, 40))

    def draw() -> np.ndarray:
        return rng.integers(0, 3, (n_e, n_r)).astype(float) if ties else rng.random((n_e, n_r))

    problem = mm.MatchProblem(scores=draw(), mentee_prefs=draw(), mentor_prefs=draw(),
                              demand=rng.integers(0, 3, n_e), capacity=rng.integers(0, 3, n_r),
                              allowed=rng.random((n_e, n_r)) < 0.9)
    a = mm.solve(problem, solver="stable", proposing=proposing)
    assert pairs_of(a) == reference_da(problem, proposing)
    assert len(mm.blocking_pairs(a, problem)) == 0


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("ties", [True, False])
def test_rows_past_the_partial_sort_match_the_reference(seed: int, ties: bool) -> None:
    # Rows longer than 4 x 16, so a proposer's second batch is a partial sort; with
    # ties the cut is straddled, the row is sorted whole and kept for later batches.
    rng = np.random.default_rng(seed)
    n_e, n_r = 160, int(rng.integers(70, 120))

    def draw() -> np.ndarray:
        return rng.integers(0, 4, (n_e, n_r)).astype(float) if ties else rng.random((n_e, n_r))

    problem = mm.MatchProblem(scores=draw(), mentor_prefs=draw(),
                              demand=rng.integers(1, 3, n_e), capacity=rng.integers(0, 3, n_r),
                              allowed=rng.random((n_e, n_r)) < 0.95)
    for proposing in SIDES:
        a = mm.solve(problem, solver="stable", proposing=proposing)
        assert pairs_of(a) == reference_da(problem, proposing)


def test_very_uneven_rows_take_the_sorted_path(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    n_e, n_r = 30, 25
    allowed = rng.random((n_e, n_r)) < 0.05
    allowed[0] = allowed[:, 0] = True  # one long row and column among short ones
    problem = mm.MatchProblem(scores=rng.random((n_e, n_r)), mentor_prefs=rng.random((n_e, n_r)),
                              demand=2, capacity=2, allowed=allowed)
    monkeypatch.setattr(_stable, "_PAD_SLACK", 0)
    for proposing in SIDES:
        rows = _stable._edge_rows(problem, proposing == "mentees")
        assert isinstance(rows, _stable._SortedRows)
        b = _stable.solve_stable(EdgeView(problem), proposing=proposing)  # type: ignore[arg-type]
        assert pairs_of(b) == reference_da(problem, proposing)


def test_ties_are_broken_by_index() -> None:
    # Everyone indifferent: lower indices are preferred on both sides, so the only
    # stable matching pairs mentee k with mentor k.
    problem = mm.MatchProblem(scores=np.zeros((3, 3)))
    for proposing in SIDES:
        a = mm.solve(problem, solver="stable", proposing=proposing)
        assert pairs_of(a) == [(0, 0), (1, 1), (2, 2)]


def test_sides_disagree_and_each_proposing_side_wins() -> None:
    # Mentees like mentor k+1 best; mentors like mentee k+1 best (cyclically), so the
    # two sides' optima differ and each side gets its own first choices when it proposes.
    mentee_prefs = np.array([[0, 1.0], [1.0, 0]])
    mentor_prefs = np.array([[1.0, 0], [0, 1.0]])
    problem = mm.MatchProblem(scores=np.ones((2, 2)), mentee_prefs=mentee_prefs,
                              mentor_prefs=mentor_prefs)
    by_mentees = pairs_of(mm.solve(problem, solver="stable"))
    by_mentors = pairs_of(mm.solve(problem, solver="stable", proposing="mentors"))
    assert by_mentees == [(0, 1), (1, 0)]
    assert by_mentors == [(0, 0), (1, 1)]
    assert prefers(mentee_prefs[0], 1, 0) and prefers(mentor_prefs[:, 0], 0, 1)


def test_locked_pairs_are_kept_and_use_up_places() -> None:
    problem = mm.MatchProblem(scores=[[1.0, 0.0], [0.9, 0.5]], capacity=1, demand=1,
                              locked=[[1, 0]])
    a = mm.solve(problem, solver="stable")
    assert pairs_of(a) == [(0, 1), (1, 0)]
    assert len(mm.blocking_pairs(a, problem)) == 0


@pytest.mark.parametrize("bad", ["mentee", "Mentors", "both", ""])
def test_a_typo_in_proposing_is_an_error_listing_the_valid_values(bad: str) -> None:
    problem = mm.MatchProblem(scores=[[1.0]])
    with pytest.raises(InvalidInputError, match="'mentees', 'mentors'"):
        mm.solve(problem, solver="stable", proposing=bad)


def test_registered_and_empty_problems() -> None:
    assert "stable" in mm.solvers.available()
    empty = mm.MatchProblem(scores=np.zeros((3, 2)), demand=0)
    assert mm.solve(empty, solver="stable").n_pairs == 0
    no_room = mm.MatchProblem(scores=np.zeros((2, 2)), capacity=0)
    assert mm.solve(no_room, solver="stable", proposing="mentors").n_pairs == 0


def test_match_with_stable_fills_metrics() -> None:
    result = mm.match(mm.example_cohort(), solver="stable")
    assert result.metrics.blocking_pairs == 0
    assert sum(result.metrics.rank_profile) == len(result.pairs)
    assert result.provenance.solver == "stable"


@settings(max_examples=60, deadline=None)
@given(stable_problems(max_mentees=8, max_mentors=6, max_demand=3, max_capacity=3, locks=False),
       st.sampled_from(SIDES))
def test_sparse_candidate_problem_is_solved_the_same_way(problem: mm.MatchProblem,
                                                         proposing: str) -> None:
    # A candidate problem's mentee view is its score.
    problem = mm.MatchProblem(scores=problem.mentee_prefs, demand=problem.demand,
                              capacity=problem.capacity, allowed=problem.allowed,
                              mentor_prefs=problem.mentor_prefs)
    e = problem.edges()
    sparse = CandidateProblem(*problem.shape, mentee=e.mentee, mentor=e.mentor,
                              score=e.score, mentor_pref=e.mentor_pref,
                              demand=problem.demand, capacity=problem.capacity)
    a = mm.solve(sparse, solver="stable", proposing=proposing)
    assert a.info["path"] == "edges"
    assert pairs_of(a) == pairs_of(mm.solve(problem, solver="stable", proposing=proposing))
    assert len(mm.blocking_pairs(a, sparse)) == 0  # type: ignore[call-overload]
