from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.errors import (
    ConstraintConflictError,
    InvalidProblemError,
    SolverError,
    UnknownSolverError,
)
from mentormatch.problem import locked_residual, unlocked
from strategies import problems

BAD_PROBLEMS = [
    ({"scores": [[1.0, np.nan]]}, InvalidProblemError,
     r"scores must be finite; entry \(0, 1\)"),
    ({"scores": [[np.inf]]}, InvalidProblemError, "finite"),
    ({"scores": [1.0, 2.0]}, InvalidProblemError, "2-D"),
    ({"scores": [[1.0]], "demand": [-1]}, InvalidProblemError, r"demand\[0\] must be >= 0"),
    ({"scores": [[1.0, 1.0]], "capacity": [1, -2]}, InvalidProblemError,
     r"capacity\[1\] must be >= 0"),
    ({"scores": [[1.0]], "capacity": [1.5]}, InvalidProblemError, "whole number"),
    ({"scores": [[1.0]], "demand": [1, 1]}, InvalidProblemError, r"shape \(1,\)"),
    ({"scores": [[1.0]], "allowed": [[True, False]]}, InvalidProblemError, "allowed has shape"),
    ({"scores": [[1.0]], "allowed": [[1]]}, InvalidProblemError, "boolean"),
    ({"scores": [[1.0]], "mentor_prefs": [[1.0, 2.0]]}, InvalidProblemError,
     "mentor_prefs has shape"),
    ({"scores": [[1.0]], "locked": [[0, 3]]}, InvalidProblemError, "out of range"),
    ({"scores": [[1.0]], "allowed": [[False]], "locked": [[0, 0]]}, ConstraintConflictError,
     "not allowed"),
    ({"scores": [[1.0, 1.0]], "demand": 1, "locked": [[0, 0], [0, 1]]},
     ConstraintConflictError, "mentee 0 has 2 locked pairs but demand 1"),
    ({"scores": [[1.0], [1.0]], "capacity": 1, "locked": [[0, 0], [1, 0]]},
     ConstraintConflictError, "mentor 0 has 2 locked pairs but capacity 1"),
    ({"scores": [[1.0]], "capacity": 1, "min_load": 2}, ConstraintConflictError, "min_load"),
]


@pytest.mark.parametrize(("kwargs", "error", "message"), BAD_PROBLEMS)
def test_bad_arrays_raise_typed_errors(kwargs: dict, error: type, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(error, match=message) as info:
        mm.MatchProblem(**kwargs)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, mm.MentorMatchError)


def test_problem_arrays_are_read_only_copies() -> None:
    scores = np.ones((2, 2))
    p = mm.MatchProblem(scores=scores)
    scores[0, 0] = 5.0
    assert p.scores[0, 0] == 1.0
    with pytest.raises(ValueError):
        p.scores[0, 0] = 3.0


def test_prefs_default_to_scores() -> None:
    p = mm.MatchProblem(scores=[[0.3]])
    assert p.mentee_prefs is p.scores and p.mentor_prefs is p.scores


def test_unknown_solver_lists_the_known_ones() -> None:
    with pytest.raises(UnknownSolverError, match="available solvers: .*hungarian") as info:
        mm.solve(mm.MatchProblem(scores=[[1.0]]), solver="hungarain")
    assert isinstance(info.value, KeyError) and isinstance(info.value, ValueError)


def test_solver_returning_an_infeasible_answer_is_caught() -> None:
    def broken(problem: mm.MatchProblem) -> mm.Assignment:
        """Give everyone mentor 0 (a broken toy)."""
        n = problem.n_mentees
        return mm.Assignment.from_pairs(problem, range(n), [0] * n, solver="broken")

    mm.solvers.register("broken-test", broken)
    with pytest.raises(SolverError, match="capacity"):
        mm.solve(mm.MatchProblem(scores=np.ones((3, 2))), solver="broken-test")
    with pytest.raises(ValueError, match="already registered"):
        mm.solvers.register("broken-test", broken)


@settings(max_examples=200, deadline=None)
@given(problems(max_mentees=5, max_mentors=5, max_demand=3, max_capacity=3), st.data())
def test_locked_residual_and_unlocked_match_a_count_by_hand(problem: mm.MatchProblem,
                                                            data: st.DataObject) -> None:
    n_e, n_r = problem.shape
    min_load = np.array([data.draw(st.integers(0, int(c))) for c in problem.capacity.tolist()])
    p = mm.MatchProblem(scores=problem.scores, demand=problem.demand, capacity=problem.capacity,
                        allowed=problem.allowed, min_load=min_load, locked=problem.locked)
    locked = [tuple(pair) for pair in p.locked.tolist()]
    left = locked_residual(p)
    for i in range(n_e):
        mine = sum(1 for e, _ in locked if e == i)
        assert left.mentee_locks[i] == mine and left.demand[i] == p.demand[i] - mine
    for j in range(n_r):
        mine = sum(1 for _, r in locked if r == j)
        assert left.mentor_locks[j] == mine and left.capacity[j] == p.capacity[j] - mine
        assert left.min_load[j] == max(int(p.min_load[j]) - mine, 0)
    e, r = (a.ravel().astype(np.int64) for a in np.indices((n_e, n_r)))
    free = unlocked(p, e, r)
    assert free.tolist() == [(i, j) not in locked for i, j in zip(e.tolist(), r.tolist())]


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), unique=True), st.booleans())
def test_from_pairs_sorts_the_pairs_and_leaves_the_callers_arrays_alone(
        given_pairs: list[tuple[int, int]], presorted: bool) -> None:
    """Sorted or not, the pairs come out sorted by mentee then mentor, in copies."""
    p = mm.MatchProblem(scores=np.arange(16.0).reshape(4, 4), demand=4, capacity=4)
    if presorted:
        given_pairs = sorted(given_pairs)
    e = np.array([i for i, _ in given_pairs], dtype=np.int64)
    r = np.array([j for _, j in given_pairs], dtype=np.int64)
    a = mm.Assignment.from_pairs(p, e, r, solver="manual")
    assert list(zip(a.mentee_idx.tolist(), a.mentor_idx.tolist(), strict=True)) == sorted(
        given_pairs)
    assert a.objective == sum(4.0 * i + j for i, j in given_pairs)
    assert e.flags.writeable and r.flags.writeable
    assert not a.mentee_idx.flags.writeable


def test_a_masked_score_array_is_refused_not_unmasked() -> None:
    # np.asarray drops the mask: the hidden pair (0, 1) was scored 9.0 and chosen
    hidden = np.ma.masked_array([[1.0, 9.0]], mask=[[False, True]])
    with pytest.raises(InvalidProblemError, match="masked array with hidden entries"):
        mm.MatchProblem(scores=hidden)
    shown = np.ma.masked_array([[1.0, 9.0]], mask=[[False, False]])
    assert mm.solve(mm.MatchProblem(scores=shown)).mentor_idx.tolist() == [1]
    # allowed and the counts dropped their masks too
    with pytest.raises(InvalidProblemError, match="allowed is a masked array with hidden"):
        mm.MatchProblem(scores=[[1.0, 9.0]],
                        allowed=np.ma.masked_array([[True, True]], mask=[[False, True]]))
    with pytest.raises(InvalidProblemError, match="capacity is a masked array with hidden"):
        mm.MatchProblem(scores=[[1.0, 9.0]],
                        capacity=np.ma.masked_array([1, 0], mask=[False, True]))


@pytest.mark.parametrize("problem", [[[1.0]], np.ones((1, 1)), None])
def test_solve_refuses_what_is_not_a_problem(problem: object) -> None:
    # raw arrays used to fail with AttributeError: 'list' object has no attribute 'shape'
    with pytest.raises(InvalidProblemError, match="solve takes a MatchProblem"):
        mm.solve(problem)  # type: ignore[arg-type]
