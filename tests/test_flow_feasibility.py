"""``solve_flow`` decides by a maximum flow whether every unit of demand can be met.

Before that test it solved the whole "saturate" min-cost flow and, when that found
no flow, solved the lexicographic network too. Now exactly one min-cost solve runs,
and the answer (pairs, info, duals) is what the two-solve order gave.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mentormatch as mm
from brute import meeting_min_loads
from mentormatch.errors import InfeasibleError
from mentormatch.solvers.flow import _solve, build_network, certify_network, run_backend
from mentormatch.solvers.flow._network import infeasible_min_loads
from mentormatch.solvers.flow._solve import flow_assignment, has_feasible_flow
from strategies import min_load_problems, problems

BACKENDS = ("ortools", "primal-dual", "highs")

#: Small problems of every kind the saturate network meets: minimum loads, locks,
#: demand up to 3, zero capacities, and infeasible ones.
small_problems = st.one_of(min_load_problems(max_demand=3),
                           problems(max_mentees=5, max_mentors=4, max_demand=3, max_capacity=3))


def saturate_network(problem: mm.MatchProblem) -> Any:
    """The saturate network, or None when its build already refuses the minimum loads."""
    try:
        return build_network(problem, "saturate")
    except InfeasibleError:
        return None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems)
def test_feasibility_is_whether_the_saturate_solve_finds_a_flow(problem: mm.MatchProblem,
                                                               ) -> None:
    network = saturate_network(problem)
    if network is None:
        return
    decided = has_feasible_flow(network)
    for backend in BACKENDS:
        assert decided == (run_backend(network, backend, False).flow is not None), backend
    # And by brute force: some feasible pairs meet every min load and all the demand.
    full = int(problem.demand.sum())
    assert decided == any(len(pairs) == full for pairs in meeting_min_loads(problem))


def two_solve_flow(problem: mm.MatchProblem, backend: str) -> mm.Assignment:
    """``solve_flow`` as it was: the saturate solve first, the lexicographic one on no flow."""
    got, saturated = None, False
    if int(problem.capacity.sum()) >= int(problem.demand.sum()):
        network = build_network(problem, "saturate")
        got = run_backend(network, backend, lexicographic=False)
        saturated = got.flow is not None
    if got is None or got.flow is None:
        network = build_network(problem, "lexicographic")
        got = run_backend(network, backend, True)
    if got.flow is None:
        raise infeasible_min_loads(network)
    return flow_assignment(problem, network, got.flow,
                           certify_network(network, got.flow, start=got.potentials),
                           backend=backend, saturated=saturated, scale=got.scale)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems)
def test_answers_are_those_of_the_two_solve_order(problem: mm.MatchProblem) -> None:
    reference = None
    for backend in BACKENDS:
        try:
            old = two_solve_flow(problem, backend)
        except InfeasibleError as exc:
            with pytest.raises(InfeasibleError) as raised:
                _solve.solve_flow(problem, backend=backend)  # type: ignore[arg-type]
            assert str(raised.value) == str(exc)
            continue
        new = _solve.solve_flow(problem, backend=backend)  # type: ignore[arg-type]
        assert new.info == old.info
        assert new.mentee_idx.tolist() == old.mentee_idx.tolist()
        assert new.mentor_idx.tolist() == old.mentor_idx.tolist()
        assert new.duals is not None and old.duals is not None
        for field in dataclasses.fields(new.duals):
            assert np.array_equal(getattr(new.duals, field.name),
                                  getattr(old.duals, field.name)), field.name
        # Every backend reaches the first backend's optimum (ties may pick other pairs).
        reference = reference if reference is not None else new.objective
        assert np.isclose(new.objective, reference, rtol=0, atol=1e-9), backend


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems)
def test_exactly_one_min_cost_solve_runs(problem: mm.MatchProblem) -> None:
    solved: list[bool] = []

    def counting(network: Any, backend: str, lexicographic: bool) -> Any:
        got = run_backend(network, backend, lexicographic)
        solved.append(got.flow is not None)
        return got

    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(_solve, "run_backend", counting)
    try:
        _solve.solve_flow(problem, backend="highs")
    except InfeasibleError:
        assert solved in ([], [False])  # [] when the build refuses the minimum loads
    else:
        assert solved == [True]
    finally:
        monkeypatch.undo()


def test_minimum_loads_that_compete_make_the_saturate_network_infeasible() -> None:
    # Mentors 0 (min 2) and 1 (min 1) compete for mentees 0 and 1; mentee 2 has
    # only mentor 2. Without the lower bounds every unit of demand could flow.
    problem = mm.MatchProblem(scores=np.ones((3, 3)), demand=1, capacity=[2, 1, 1],
                              min_load=[2, 1, 0],
                              allowed=[[True, True, False], [True, True, False],
                                       [False, False, True]])
    network = build_network(problem, "saturate")
    assert not has_feasible_flow(network)
    assert has_feasible_flow(dataclasses.replace(network, lower=np.zeros_like(network.lower)))
    with pytest.raises(InfeasibleError, match="compete"):
        mm.solve(problem, "flow")


def test_a_network_without_demand_is_feasible() -> None:
    problem = mm.MatchProblem(scores=np.ones((2, 2)), demand=0, capacity=1)
    assert has_feasible_flow(build_network(problem, "saturate"))
