"""Reference answers by exhaustive enumeration, for tiny problems only."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations

import numpy as np

import mentormatch as mm


def feasible_assignments(problem: mm.MatchProblem) -> Iterator[list[tuple[int, int]]]:
    """Every feasible set of pairs: allowed, locks present, within demand and capacity."""
    n_e, n_r = problem.shape
    locked = {(int(i), int(j)) for i, j in problem.locked}
    cap = problem.capacity.astype(int).tolist()

    def rec(i: int, cap: list[int], acc: list[tuple[int, int]]) -> Iterator[list[tuple[int, int]]]:
        if i == n_e:
            yield list(acc)
            return
        must = [j for j in range(n_r) if (i, j) in locked]
        free = [j for j in range(n_r) if problem.allowed[i, j] and (i, j) not in locked]
        room = int(problem.demand[i]) - len(must)
        for k in range(room + 1):
            for extra in combinations(free, k):
                chosen = must + list(extra)
                if all(cap[j] > 0 for j in chosen):
                    for j in chosen:
                        cap[j] -= 1
                    acc.extend((i, j) for j in chosen)
                    yield from rec(i + 1, cap, acc)
                    del acc[len(acc) - len(chosen):]
                    for j in chosen:
                        cap[j] += 1

    yield from rec(0, cap, [])


def meeting_min_loads(problem: mm.MatchProblem) -> Iterator[list[tuple[int, int]]]:
    """Every feasible set of pairs that also gives each mentor its minimum load."""
    n_r = problem.n_mentors
    for pairs in feasible_assignments(problem):
        if (np.bincount([j for _, j in pairs], minlength=n_r) >= problem.min_load).all():
            yield pairs


def lex_key(problem: mm.MatchProblem, pairs: list[tuple[int, int]]) -> tuple[int, int, float]:
    """(mentees covered, pairs, total score): the default lexicographic objective."""
    covered = len({i for i, _ in pairs})
    total = float(sum(problem.scores[i, j] for i, j in pairs))
    return covered, len(pairs), total


def assignment_key(problem: mm.MatchProblem, a: mm.Assignment) -> tuple[int, int, float]:
    return lex_key(problem, list(zip(a.mentee_idx.tolist(), a.mentor_idx.tolist())))


def best_key(problem: mm.MatchProblem) -> tuple[int, int, float]:
    """The lexicographic optimum over every feasible assignment."""
    return max(lex_key(problem, p) for p in feasible_assignments(problem))


def same_key(a: tuple[int, int, float], b: tuple[int, int, float]) -> bool:
    return a[:2] == b[:2] and bool(np.isclose(a[2], b[2], rtol=0, atol=1e-9))


def assert_solvers_reach_the_optimum(cohort: mm.Cohort, problem: mm.MatchProblem,
                                     reference: mm.MatchProblem) -> None:
    """Every solver's match passes ``mm.check``; exact ones reach ``reference``'s best.

    ``problem`` is the cohort's own encoding, ``reference`` the same problem
    built from the rules' definitions (the caller asserts they agree).
    """
    best = best_key(reference)
    multi = bool((problem.demand > 1).any())
    for solver in mm.solvers.available():
        if solver == "coverage" or (multi and not mm.solvers.get(solver).capabilities
                                    .multi_mentor):
            continue
        result = mm.match(cohort, solver=solver, objective="lexicographic"
                          if solver in ("flow", "ilp") else None)
        assert mm.check(result, problem).ok, (solver, mm.check(result, problem).violations)
        if solver in ("flow", "ilp") or (solver == "hungarian" and not multi):
            a = mm.Assignment.from_pairs(
                problem, [cohort.mentee_ids.index(p.mentee) for p in result.pairs],
                [cohort.mentor_ids.index(p.mentor) for p in result.pairs], solver=solver)
            assert same_key(assignment_key(reference, a), best), solver
