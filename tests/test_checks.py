from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.encode import build_problem
from mentormatch.errors import InvalidInputError, UnknownIdError
from mentormatch.problem._metrics import load_spread, pair_ranks, rank_profile
from mentormatch.scoring import default_scorer
from stable_brute import EdgeView, brute_blocking, pairs_of, stable_problems


def _random_feasible(problem: mm.MatchProblem, rng: np.random.Generator) -> mm.Assignment:
    """Locks first, then allowed pairs in random order while demand and capacity allow."""
    pairs = [(int(i), int(j)) for i, j in problem.locked]
    used = set(pairs)
    demand = problem.demand.astype(int) - np.bincount(problem.locked[:, 0],
                                                      minlength=problem.shape[0])
    capacity = problem.capacity.astype(int) - np.bincount(problem.locked[:, 1],
                                                          minlength=problem.shape[1])
    cells = np.argwhere(problem.allowed)
    for i, j in cells[rng.permutation(len(cells))].tolist():
        if (i, j) not in used and demand[i] > 0 and capacity[j] > 0 and rng.random() < 0.7:
            used.add((i, j))
            pairs.append((i, j))
            demand[i] -= 1
            capacity[j] -= 1
    e, r = zip(*pairs) if pairs else ((), ())
    return mm.Assignment.from_pairs(problem, list(e), list(r), solver="manual")


@settings(max_examples=400, deadline=None)
@given(stable_problems(max_mentees=6, max_mentors=5, max_demand=3, max_capacity=3),
       st.integers(0, 2**32 - 1))
def test_blocking_pairs_match_the_definition(problem: mm.MatchProblem, seed: int) -> None:
    a = _random_feasible(problem, np.random.default_rng(seed))
    assert mm.check(a, problem).ok
    expected = sorted(brute_blocking(problem, pairs_of(a)))
    got = mm.blocking_pairs(a, problem)
    assert got.shape == (len(expected), 2)
    assert [tuple(p) for p in got.tolist()] == expected
    # The sparse interface gives the same pairs.
    via_edges = mm.blocking_pairs(a, EdgeView(problem))
    assert via_edges.tolist() == got.tolist()


@settings(max_examples=300, deadline=None)
@given(stable_problems(max_mentees=6, max_mentors=5, max_demand=3, max_capacity=3),
       st.integers(0, 2**32 - 1))
def test_rank_profile_and_load_spread_match_the_definition(problem: mm.MatchProblem,
                                                           seed: int) -> None:
    a = _random_feasible(problem, np.random.default_rng(seed))
    ranks = []
    for i, j in pairs_of(a):
        admissible = [k for k in range(problem.shape[1]) if problem.allowed[i, k]]
        order = sorted(admissible, key=lambda k, i=i: (-problem.mentee_prefs[i, k], k))  # type: ignore[misc]
        ranks.append(order.index(j) + 1)
    assert pair_ranks(problem, a).tolist() == ranks
    assert pair_ranks(EdgeView(problem), a).tolist() == ranks
    profile = rank_profile(problem, a)
    assert list(profile) == [ranks.count(k) for k in range(1, max(ranks, default=0) + 1)]
    offering = [j for j in range(problem.shape[1]) if problem.capacity[j] > 0]
    use = [sum(1 for _, b in pairs_of(a) if b == j) / problem.capacity[j] for j in offering]
    spread = load_spread(problem, a)
    assert spread.std == pytest.approx(float(np.std(use)) if use else 0.0)
    assert spread.range == pytest.approx(max(use) - min(use) if use else 0.0)


def _manual(problem: mm.MatchProblem, pairs: list[tuple[int, int]]) -> mm.Assignment:
    e = np.array([p[0] for p in pairs], dtype=np.int64)
    r = np.array([p[1] for p in pairs], dtype=np.int64)
    return mm.Assignment(e, r, 0.0, "manual")


PROBLEM = mm.MatchProblem(scores=np.ones((3, 3)), demand=[1, 2, 1], capacity=[1, 2, 2],
                          allowed=[[True, True, False], [True, True, True], [True, True, True]],
                          locked=[[2, 2]])


@pytest.mark.parametrize(("pairs", "expected"), [
    ([(0, 0), (1, 1), (2, 2)], []),
    ([(1, 1), (1, 1), (2, 2)], ["pair (1, 1) is used more than once"]),
    ([(0, 2), (2, 2)], ["pair (0, 2) is not allowed"]),
    ([(0, 0), (2, 1)], ["locked pair (2, 2) is missing"]),
    ([(0, 0), (0, 1), (2, 2)], ["mentee 0 has 2 mentors but demand 1"]),
    ([(0, 0), (1, 0), (2, 2)], ["mentor 0 has 2 mentees but capacity 1"]),
    ([(0, 3), (2, 2)], ["pair 0 = (0, 3) is out of range"]),
])
def test_check_catches_each_kind_of_violation(pairs: list[tuple[int, int]],
                                              expected: list[str]) -> None:
    assert list(mm.check(_manual(PROBLEM, pairs), PROBLEM).violations) == expected


def test_blocking_pairs_refuses_an_infeasible_assignment() -> None:
    with pytest.raises(InvalidInputError, match="not allowed"):
        mm.blocking_pairs(_manual(PROBLEM, [(0, 2), (2, 2)]), PROBLEM)


def _cohort_problem() -> tuple[mm.Cohort, mm.MatchProblem]:
    cohort = mm.example_cohort()
    return cohort, build_problem(cohort, default_scorer().score(cohort))


def test_check_and_blocking_pairs_take_a_result_and_speak_in_ids() -> None:
    cohort, problem = _cohort_problem()
    for solver in ("hungarian", "stable"):
        result = mm.match(cohort, solver=solver)
        assert mm.check(result, problem).ok
        blocking = mm.blocking_pairs(result, problem)
        assert result.metrics.blocking_pairs == len(blocking)
        a = mm.solve(problem, solver=solver)
        by_index = mm.blocking_pairs(a, problem)
        assert blocking == tuple((cohort.mentee_ids[i], cohort.mentor_ids[j])
                                 for i, j in by_index.tolist())
    assert mm.blocking_pairs(mm.match(cohort, solver="stable"), problem) == ()
    # An over-full mentee is named by id.
    result = mm.match(cohort)
    first = result.pairs[0]
    extra = next(p for p in result.pairs if p.mentee != first.mentee
                 and p.mentor not in result.mentors_of(first.mentee))
    bad = result.model_copy(update={"pairs": (*result.pairs, first.model_copy(
        update={"mentor": extra.mentor}))})
    violations = mm.check(bad, problem).violations
    assert any(v.startswith(f"mentee {first.mentee!r} has") for v in violations)


def test_result_without_cohort_or_with_unknown_ids_is_an_error() -> None:
    cohort, problem = _cohort_problem()
    result = mm.match(cohort)
    loaded = mm.MatchResult.model_validate_json(result.model_dump_json())
    with pytest.raises(InvalidInputError, match="cohort="):
        mm.check(loaded, problem)
    assert mm.check(loaded, problem, cohort=cohort).ok
    ghost = result.model_copy(update={"pairs": (result.pairs[0].model_copy(
        update={"mentee": "nobody"}),)})
    with pytest.raises(UnknownIdError, match="'nobody'"):
        mm.check(ghost, problem)
    small = mm.MatchProblem(scores=np.ones((2, 2)))
    with pytest.raises(InvalidInputError, match="2 x 2"):
        mm.blocking_pairs(result, small)


def test_metrics_of_a_match_carry_rank_profile_and_load_spread() -> None:
    cohort, problem = _cohort_problem()
    result = mm.match(cohort, solver="stable")
    a = mm.solve(problem, solver="stable")
    assert result.metrics.rank_profile == rank_profile(problem, a)
    assert result.metrics.load_spread == pytest.approx(load_spread(problem, a).std)
    again = mm.MatchResult.model_validate_json(result.model_dump_json())
    assert again.metrics == result.metrics
