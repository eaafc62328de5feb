from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

import mentormatch as mm
from brute import assignment_key, best_key, same_key
from mentormatch.errors import InvalidInputError
from strategies import problems


@settings(max_examples=300, deadline=None)
@given(problems(max_demand=1))
def test_hungarian_equals_brute_force_for_single_demand(problem: mm.MatchProblem) -> None:
    a = mm.solve(problem, solver="hungarian")
    assert mm.check(a, problem).ok
    assert a.info["exact"]
    assert same_key(assignment_key(problem, a), best_key(problem))


@settings(max_examples=200, deadline=None)
@given(problems(max_demand=3))
def test_hungarian_rounds_are_feasible_and_never_repeat_a_mentor(problem: mm.MatchProblem) -> None:
    a = mm.solve(problem, solver="hungarian")
    assert mm.check(a, problem).ok
    pairs = list(zip(a.mentee_idx.tolist(), a.mentor_idx.tolist()))
    assert len(pairs) == len(set(pairs))
    # Coverage first: as many mentees get a first mentor as any feasible assignment allows.
    first = _first_lock_per_mentee(problem)
    # Locks beyond a mentee's first still take their mentor's places.
    used = np.bincount(problem.locked[:, 1], minlength=problem.n_mentors) - np.bincount(
        first[:, 1], minlength=problem.n_mentors)
    single = mm.MatchProblem(scores=problem.scores, demand=np.minimum(problem.demand, 1),
                             capacity=problem.capacity - used, allowed=problem.allowed,
                             locked=first)
    assert assignment_key(problem, a)[0] == best_key(single)[0]


def _first_lock_per_mentee(problem: mm.MatchProblem) -> np.ndarray:
    seen: set[int] = set()
    rows = []
    for i, j in problem.locked.tolist():
        if i not in seen:
            seen.add(i)
            rows.append((i, j))
    return np.array(rows, dtype=np.int64).reshape(-1, 2)


@settings(max_examples=100, deadline=None)
@given(problems(max_demand=2), st.randoms(use_true_random=False))
def test_same_input_same_output_and_relabelling_permutes(problem: mm.MatchProblem,
                                                         rnd: object) -> None:
    a = mm.solve(problem, solver="hungarian")
    b = mm.solve(problem, solver="hungarian")
    assert a.mentee_idx.tolist() == b.mentee_idx.tolist()
    assert a.mentor_idx.tolist() == b.mentor_idx.tolist()
    n_e, n_r = problem.shape
    rng = np.random.default_rng(n_e * 31 + n_r)
    pe, pr = rng.permutation(n_e), rng.permutation(n_r)
    inv_e, inv_r = np.argsort(pe), np.argsort(pr)
    locked = np.column_stack([inv_e[problem.locked[:, 0]], inv_r[problem.locked[:, 1]]])
    permuted = mm.MatchProblem(scores=problem.scores[np.ix_(pe, pr)], demand=problem.demand[pe],
                               capacity=problem.capacity[pr],
                               allowed=problem.allowed[np.ix_(pe, pr)],
                               locked=locked.astype(np.int64).reshape(-1, 2))
    c = mm.solve(permuted, solver="hungarian")
    assert mm.check(c, permuted).ok
    if (problem.demand <= 1).all():
        assert same_key(assignment_key(permuted, c), assignment_key(problem, a))


def test_distinct_scores_relabelling_gives_the_same_pairs() -> None:
    rng = np.random.default_rng(7)
    scores = rng.random((6, 5))
    p = mm.MatchProblem(scores=scores, capacity=[1, 2, 1, 1, 1])
    a = mm.solve(p, solver="hungarian")
    pe, pr = rng.permutation(6), rng.permutation(5)
    q = mm.MatchProblem(scores=scores[np.ix_(pe, pr)], capacity=p.capacity[pr])
    b = mm.solve(q, solver="hungarian")
    assert sorted(zip(a.mentee_idx, a.mentor_idx)) == sorted(
        zip(pe[b.mentee_idx], pr[b.mentor_idx]))


def test_matches_scipy_on_a_square_matrix() -> None:
    rng = np.random.default_rng(0)
    scores = rng.random((40, 40))
    a = mm.solve(mm.MatchProblem(scores=scores), solver="hungarian")
    rows, cols = linear_sum_assignment(scores, maximize=True)
    assert a.objective == pytest.approx(scores[rows, cols].sum())


def test_coverage_beats_score() -> None:
    # Mentor 0 is best for both; maximising the score alone would leave mentee 1 out.
    p = mm.MatchProblem(scores=[[10.0, 0.0], [9.0, -5.0]], capacity=1)
    a = mm.solve(p, solver="hungarian")
    assert a.n_pairs == 2
    s = mm.solve(p, solver="hungarian", objective="score")
    assert s.n_pairs == 1 and s.objective == 10.0


def test_locked_pairs_are_kept_and_use_capacity() -> None:
    p = mm.MatchProblem(scores=[[1.0, 0.0], [1.0, 0.5]], capacity=[1, 1], locked=[[1, 0]])
    a = mm.solve(p, solver="hungarian")
    assert sorted(zip(a.mentee_idx.tolist(), a.mentor_idx.tolist())) == [(0, 1), (1, 0)]


def test_second_mentor_is_distinct() -> None:
    p = mm.MatchProblem(scores=[[1.0, 0.9, 0.1]], demand=2, capacity=3)
    a = mm.solve(p, solver="hungarian")
    assert a.mentor_idx.tolist() == [0, 1]
    assert a.info["exact"] is False


def test_unknown_objective_is_an_error() -> None:
    with pytest.raises(InvalidInputError, match="objective"):
        mm.solve(mm.MatchProblem(scores=[[1.0]]), solver="hungarian", objective="best")
