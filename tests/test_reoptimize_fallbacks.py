"""Ways the warm re-optimisation declines (it returns None, the caller solves cold)."""

from __future__ import annotations

import dataclasses
from typing import Any, cast

import numpy as np
import pytest

import mentormatch as mm
from mentormatch.problem import CandidateProblem, MatchProblem
from mentormatch.solvers.flow import _reoptimize, reoptimize_flow
from mentormatch.solvers.flow._certificate import certify_network


def _p(*args: Any, **kwargs: Any) -> MatchProblem:
    """A candidate problem (the solvers take it where a MatchProblem is declared)."""
    return cast(MatchProblem, CandidateProblem(*args, **kwargs))


PART = _p(2, 2, [0, 1], [0, 0], [0.5, 0.25], capacity=2)
FULL = _p(2, 2, [0, 1, 1], [0, 0, 1], [0.5, 0.25, 0.75], capacity=2)


def test_the_warm_start_applies_on_the_documented_case() -> None:
    a = reoptimize_flow(FULL, mm.solve(PART, solver="flow"))
    assert a is not None and a.info["backend"] == "re-optimised"


def test_no_duals_no_warm_start() -> None:
    previous = mm.solve(PART, solver="greedy")
    assert previous.duals is None
    assert reoptimize_flow(FULL, previous) is None


def test_unmet_demand_no_warm_start() -> None:
    short = _p(2, 1, [0, 1], [0, 0], [0.5, 0.25], capacity=1)
    previous = mm.solve(short, solver="flow")
    assert previous.duals is not None and not previous.duals.saturated
    grown = _p(2, 1, [0, 1], [0, 0], [0.5, 0.25], capacity=2)
    assert reoptimize_flow(grown, previous) is None


def test_previous_pairs_not_admissible_no_warm_start() -> None:
    previous = mm.solve(PART, solver="flow")
    other = _p(2, 2, [0, 1], [1, 1], [0.5, 0.25], capacity=2)
    assert reoptimize_flow(other, previous) is None


def test_other_shape_no_warm_start() -> None:
    previous = mm.solve(PART, solver="flow")
    wider = _p(2, 3, [0, 1, 1], [0, 0, 2], [0.5, 0.25, 0.75], capacity=2)
    assert reoptimize_flow(wider, previous) is None


def test_scores_off_any_grid_no_warm_start() -> None:
    rng = np.random.default_rng(0)
    s = rng.random(3) * np.pi
    part = _p(2, 2, [0, 1], [0, 0], s[:2], capacity=2)
    full = _p(2, 2, [0, 1, 1], [0, 0, 1], s, capacity=2)
    assert reoptimize_flow(full, mm.solve(part, solver="flow")) is None


def test_too_many_phases_no_warm_start() -> None:
    assert reoptimize_flow(FULL, mm.solve(PART, solver="flow"), max_phases=0) is None


def _with_node_values(previous: mm.Assignment, node_value: np.ndarray) -> mm.Assignment:
    assert previous.duals is not None
    return dataclasses.replace(previous, duals=dataclasses.replace(previous.duals,
                                                                   node_value=node_value))


def test_potentials_off_the_cost_grid_no_warm_start() -> None:
    # Duals that are not integral on the costs' grid (say, from another scaling)
    # cannot seed the integer phases.
    previous = mm.solve(PART, solver="flow")
    assert previous.duals is not None
    shifted = previous.duals.node_value + 0.123456789 * np.pi
    assert reoptimize_flow(FULL, _with_node_values(previous, shifted)) is None
    assert reoptimize_flow(FULL, previous) is not None  # the same start, unshifted, applies


def test_unproved_result_no_warm_start(monkeypatch: pytest.MonkeyPatch) -> None:
    # Forced: no real input found reaches it, since the phases keep the potentials
    # feasible; the branch exists so that an unproved answer is never returned.
    def unproved(*args: Any, **kwargs: Any) -> Any:
        proof = certify_network(*args, **kwargs)
        return dataclasses.replace(proof, proved=False)

    monkeypatch.setattr(_reoptimize, "certify_network", unproved)
    assert reoptimize_flow(FULL, mm.solve(PART, solver="flow")) is None
