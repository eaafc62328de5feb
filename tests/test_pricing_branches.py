"""Large-cohort branches: a warm re-solve after unmet demand, and an answer left unproved."""

from __future__ import annotations

from typing import Any

import pytest

import mentormatch as mm
import mentormatch.large._pricing as pricing
from mentormatch.synthetic import make_cohort


def _scarce() -> mm.Cohort:
    """800 mentees, 20 mentors of 2 places: most demand cannot be met."""
    c = make_cohort(800, 20, seed=0, profile="university")
    return c.model_copy(update={"mentors": [r.model_copy(update={"capacity": 2})
                                            for r in c.mentors]})


def test_warm_re_solve_after_unmet_demand_reaches_the_full_optimum(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bool, bool]] = []
    warm_solve = pricing._warm_solve

    def spy(problem: Any, setup: Any, previous: mm.Assignment, new_pairs: Any,
            options: dict[str, Any]) -> mm.Assignment | None:
        out = warm_solve(problem, setup, previous, new_pairs, options)
        assert previous.duals is not None
        calls.append((previous.duals.saturated, out is not None))
        return out

    monkeypatch.setattr(pricing, "_warm_solve", spy)
    c = _scarce()
    ours = mm.match(c, solver="flow", candidates=3)
    info = ours.provenance.solver_info["candidates"]
    # The first candidate answer left demand unmet (no re-optimisation possible), and a
    # few new pairs were re-solved around, warm.
    assert calls == [(False, True)]
    assert info["certified"] and info["warm_rounds"] == 1 and info["reoptimized_rounds"] == 0
    dense = mm.match(c, solver="flow")
    assert ours.metrics.mentees_matched == dense.metrics.mentees_matched
    assert ours.metrics.n_pairs == dense.metrics.n_pairs
    assert ours.metrics.total_score == pytest.approx(dense.metrics.total_score, abs=1e-9)


def test_an_answer_the_solver_cannot_prove_is_reported_not_certified(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pricing, "_dual_prices", lambda problem, assignment: None)
    c = make_cohort(60, 20, seed=0, profile="national")
    info = mm.match(c, solver="flow", candidates=3).provenance.solver_info["candidates"]
    assert info["certified"] is False and info["rounds"] == 1
    assert info["note"] == "the solver could not prove its own answer optimal"
