"""Solvers declare what they support; solve, match, rematch and the large path read it."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mentormatch as mm
from brute import meeting_min_loads
from mentormatch.errors import InfeasibleError, InvalidInputError, UnsupportedProblemError
from mentormatch.large import build_candidates
from mentormatch.problem import CandidateProblem, SolverCapabilities, problem_needs
from mentormatch.solvers import _registry
from strategies import min_load_problems, problems


def _cohort(min_load: int = 0) -> mm.Cohort:
    c = mm.example_cohort()
    mentors = [m.model_copy(update={"min_load": min_load}) if k == 0 else m
               for k, m in enumerate(c.mentors)]
    return mm.Cohort(mentees=c.mentees, mentors=mentors, forbidden=c.forbidden,
                     locked=c.locked, vocabulary=c.vocabulary)


def _meets_min_loads(problem: mm.MatchProblem) -> bool:
    return next(meeting_min_loads(problem), None) is not None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(min_load_problems())
def test_every_solver_meets_minimum_loads_or_refuses_them(problem: mm.MatchProblem) -> None:
    needs_min_load = "min_load" in problem_needs(problem)
    possible = _meets_min_loads(problem)
    for name in mm.solvers.available():
        declared = mm.solvers.get(name).capabilities.min_load
        try:
            a = mm.solve(problem, solver=name)
        except UnsupportedProblemError as err:
            assert needs_min_load and not declared
            assert err.missing == ("min_load",)
            assert err.supported_by == mm.solvers.supporting("min_load")
            assert "flow" in str(err) and "ilp" in str(err)
            continue
        except InfeasibleError:
            assert declared and not possible
            continue
        assert mm.check(a, problem).ok, (name, mm.check(a, problem).violations)
        assert (a.loads(problem.n_mentors) >= problem.min_load).all()
        assert declared or not needs_min_load


def test_the_issue_example_is_refused_by_hungarian_and_stable_and_met_by_flow() -> None:
    p = mm.MatchProblem(scores=[[1.0, 0.0], [1.0, 0.0]], capacity=[2, 2], min_load=[0, 1])
    for name in ("hungarian", "stable", "greedy"):
        with pytest.raises(UnsupportedProblemError,
                           match=rf"solver '{name}' does not support minimum loads.*"
                                 r"mentor 1 has min_load 1.*solvers that do: coverage, flow, ilp"):
            mm.solve(p, solver=name)
    for name in ("coverage", "flow", "ilp"):
        assert mm.solve(p, solver=name).loads(2).tolist() == [1, 1]
    # the answer hungarian used to give is now reported as broken
    both_first = mm.Assignment.from_pairs(p, [0, 1], [0, 0], solver="manual")
    assert mm.check(both_first, p).violations == ("mentor 1 has 0 mentees but min_load 1",)


def test_minimum_loads_met_by_locks_need_nothing() -> None:
    p = mm.MatchProblem(scores=[[1.0, 0.0], [1.0, 0.0]], capacity=[2, 2], min_load=[0, 1],
                        locked=[[1, 1]])
    assert problem_needs(p) == {}
    assert mm.check(mm.solve(p, solver="hungarian"), p).ok


def test_match_refuses_minimum_loads_before_diagnosing() -> None:
    c = _cohort(min_load=2)
    with pytest.raises(UnsupportedProblemError,
                       match="solver 'stable'.*coverage, flow, ilp") as info:
        mm.match(c, solver="stable")
    assert isinstance(info.value, InvalidInputError)
    result = mm.match(c, solver="flow")
    assert result.metrics.mentor_loads[c.mentors[0].id] >= 2


def test_candidate_problems_go_only_to_solvers_that_declare_them() -> None:
    c = _cohort()
    cand = build_candidates(c, k=3)
    assert isinstance(cand, CandidateProblem)
    able = mm.solvers.supporting("candidates")
    assert set(able) >= {"flow", "greedy", "ilp", "stable"} and "hungarian" not in able
    for name in mm.solvers.available():
        if name in able:
            assert mm.check(mm.solve(cand, solver=name), cand).ok  # type: ignore[arg-type]
        else:
            with pytest.raises(UnsupportedProblemError, match="sparse") as info:
                mm.solve(cand, solver=name)
            assert info.value.supported_by == able
            assert ", ".join(able) in str(info.value)


def test_large_path_reads_the_declaration() -> None:
    c = _cohort()
    with pytest.raises(UnsupportedProblemError, match="candidate.*flow, greedy, ilp, stable"):
        mm.match(c, solver="hungarian", candidates=3)
    result = mm.match(c, solver="ilp", candidates=3)  # ilp was missing from the old list
    assert result.provenance.solver == "ilp"
    info = result.provenance.solver_info["candidates"]
    assert info["certified"] is None and "no dual certificate" in info["note"]
    assert mm.match(c, solver="flow", candidates=3).provenance.solver_info[
        "candidates"]["certified"] is True


def test_a_plugin_declares_nothing_by_default() -> None:
    def everyone_to_zero(problem: mm.MatchProblem) -> mm.Assignment:
        """Give mentee 0 mentor 0 (a toy)."""
        return mm.Assignment.from_pairs(problem, [0], [0], solver="toy-default")

    mm.solvers.register("toy-default", everyone_to_zero)
    assert mm.solvers.get("toy-default").capabilities == SolverCapabilities()
    assert "toy-default" not in mm.solvers.supporting("min_load")
    p = mm.MatchProblem(scores=[[1.0]], min_load=[1])
    with pytest.raises(UnsupportedProblemError, match="toy-default"):
        mm.solve(p, solver="toy-default")
    mm.solvers.register("toy-declared", everyone_to_zero, SolverCapabilities(min_load=True))
    assert "toy-declared" in mm.solvers.supporting("min_load")
    assert mm.solve(p, solver="toy-declared").n_pairs == 1
    with pytest.raises(InvalidInputError, match="SolverCapabilities"):
        mm.solvers.register("toy-bad", everyone_to_zero, {"min_load": True})  # type: ignore


def test_unknown_features_and_unregistering_builtins_are_errors() -> None:
    with pytest.raises(InvalidInputError, match="unknown solver feature 'sparse'"):
        mm.solvers.supporting("sparse")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="not added with register"):
        _registry._unregister("flow")


def test_solvers_honouring_priority_split_those_that_support_it_by_how() -> None:
    exactly = mm.solvers.honouring_priority("exactly")
    preference = mm.solvers.honouring_priority("as mentor preference")
    assert sorted((*exactly, *preference)) == sorted(mm.solvers.supporting("priority"))
    assert not set(exactly) & set(preference)
    assert "ilp" in exactly and "stable" in preference
    assert all(mm.solvers.get(n).capabilities.priority_honoured == "exactly" for n in exactly)
    with pytest.raises(InvalidInputError, match="unknown way of honouring"):
        mm.solvers.honouring_priority("roughly")


def test_declarations_are_true() -> None:
    caps = {name: mm.solvers.get(name).capabilities for name in mm.solvers.available()}
    assert [n for n, c in caps.items() if c.duals] == ["flow"]
    assert [n for n, c in caps.items() if c.two_sided] == ["stable"]
    assert sorted(n for n, c in caps.items() if c.multi_mentor) == ["coverage", "flow", "ilp",
                                                                      "stable"]
    assert sorted(n for n, c in caps.items() if c.coverage) == ["coverage", "ilp"]
    p = mm.MatchProblem(scores=[[0.9, 0.8], [0.9, 0.1]], capacity=1)
    for name, c in caps.items():
        assert (mm.solve(p, solver=name).duals is not None) == c.duals


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_mentees=4, max_mentors=3), st.integers(0, 2**16))
def test_solvers_without_two_sided_ignore_the_preferences(problem: mm.MatchProblem,
                                                          seed: int) -> None:
    rng = np.random.default_rng(seed)
    views = mm.MatchProblem(scores=problem.scores, demand=problem.demand,
                            capacity=problem.capacity, allowed=problem.allowed,
                            locked=problem.locked, mentee_prefs=rng.random(problem.shape),
                            mentor_prefs=rng.random(problem.shape))
    for name in mm.solvers.available():
        if mm.solvers.get(name).capabilities.two_sided:
            continue
        a, b = mm.solve(problem, solver=name), mm.solve(views, solver=name)
        assert (a.mentee_idx.tolist(), a.mentor_idx.tolist()) == (b.mentee_idx.tolist(),
                                                                  b.mentor_idx.tolist())


def test_unsupported_problem_error_pickles_with_its_fields() -> None:
    err = UnsupportedProblemError("no", solver="x", missing=("min_load",), supported_by=("a",))
    back = pickle.loads(pickle.dumps(err))
    assert (str(back), back.solver, back.missing, back.supported_by) == (
        "no", "x", ("min_load",), ("a",))
