from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

import mentormatch as mm
from brute import assignment_key, best_key
from mentormatch.errors import InvalidInputError
from strategies import problems


@settings(max_examples=400, deadline=None)
@given(problems(max_mentees=6, max_mentors=5, max_demand=3, max_capacity=3))
def test_greedy_is_feasible_deterministic_and_greedy(problem: mm.MatchProblem) -> None:
    a = mm.solve(problem, solver="greedy")  # mm.solve checks feasibility
    assert mm.check(a, problem).ok
    b = mm.solve(problem, solver="greedy")
    assert a.mentee_idx.tolist() == b.mentee_idx.tolist()
    assert a.mentor_idx.tolist() == b.mentor_idx.tolist()
    assert a.info["exact"] is False
    # Greedy in input order: a mentor a mentee passed over for a worse one (or while it
    # still wanted more) must have been full, and loads only grow, so it ends full.
    loads = a.loads(problem.n_mentors)
    locked = {(int(i), int(j)) for i, j in problem.locked}
    for i in range(problem.n_mentees):
        mine = [j for j in a.mentors_of(i).tolist() if (i, j) not in locked]
        short = len(a.mentors_of(i)) < problem.demand[i]
        worst = min((problem.scores[i, j] for j in mine), default=np.inf)
        for j in np.flatnonzero(problem.allowed[i]).tolist():
            if (i, j) in locked or j in mine:
                continue
            if short or problem.scores[i, j] > worst:
                assert loads[j] == problem.capacity[j], (i, j)


@settings(max_examples=200, deadline=None)
@given(problems(max_demand=2))
def test_greedy_never_beats_flow(problem: mm.MatchProblem) -> None:
    g = assignment_key(problem, mm.solve(problem, solver="greedy"))
    best = best_key(problem)
    # Lexicographic (covered, pairs, total); totals compared with float tolerance only.
    assert g[:2] < best[:2] or (g[:2] == best[:2] and g[2] <= best[2] + 1e-9)


def test_greedy_takes_mentees_in_input_order() -> None:
    p = mm.MatchProblem(scores=[[0.9, 0.8], [0.9, 0.1]], capacity=[1, 1])
    a = mm.solve(p, solver="greedy")
    assert a.mentor_idx.tolist() == [0, 1]  # flow would give mentee 1 mentor 0
    f = mm.solve(p, solver="flow")
    assert f.objective > a.objective


def test_greedy_refuses_min_loads() -> None:
    p = mm.MatchProblem(scores=[[1.0]], min_load=[1])
    with pytest.raises(InvalidInputError, match="min_load"):
        mm.solve(p, solver="greedy")


def test_greedy_on_a_cohort() -> None:
    result = mm.match(mm.example_cohort(), solver="greedy")
    assert result.provenance.solver == "greedy"
    assert result.pairs
