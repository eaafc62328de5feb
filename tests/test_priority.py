"""Newcomer priority: covered first by flow and ilp, ranked first by stable, else refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from brute import feasible_assignments
from mentormatch.errors import InvalidInputError, UnknownIdError, UnsupportedProblemError
from strategies import problems


def with_priority(problem: mm.MatchProblem, mask: np.ndarray) -> mm.MatchProblem:
    return mm.MatchProblem(scores=problem.scores, demand=problem.demand,
                           capacity=problem.capacity, allowed=problem.allowed,
                           locked=problem.locked, priority=mask)


def priority_key(problem: mm.MatchProblem, pairs: list[tuple[int, int]]
                 ) -> tuple[int, int, int, float]:
    """(priority mentees covered, mentees covered, pairs, total score)."""
    covered = {i for i, _ in pairs}
    assert problem.priority is not None
    first = sum(1 for i in covered if problem.priority[i])
    return first, len(covered), len(pairs), float(sum(problem.scores[i, j] for i, j in pairs))


@settings(max_examples=150, deadline=None)
@given(problems(max_mentees=4, max_mentors=3), st.data())
def test_flow_and_ilp_reach_the_brute_force_optimum_with_priority_first(
        problem: mm.MatchProblem, data: st.DataObject) -> None:
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=problem.n_mentees,
                                       max_size=problem.n_mentees)), dtype=bool)
    if not mask.any():
        mask[0] = True
    p = with_priority(problem, mask)
    best = max(priority_key(p, pairs) for pairs in feasible_assignments(p))
    for solver in ("flow", "ilp"):
        a = mm.solve(p, solver)
        got = priority_key(p, list(zip(a.mentee_idx.tolist(), a.mentor_idx.tolist(),
                                       strict=True)))
        assert got[:3] == best[:3], solver
        assert np.isclose(got[3], best[3], rtol=0, atol=1e-6), solver
        assert mm.check(a, p).ok


@settings(max_examples=150, deadline=None)
@given(problems(max_mentees=4, max_mentors=3, max_demand=3, max_capacity=3), st.data())
def test_every_flow_backend_puts_priority_first(problem: mm.MatchProblem,
                                               data: st.DataObject) -> None:
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=problem.n_mentees,
                                       max_size=problem.n_mentees)), dtype=bool)
    mask[0] = True
    p = with_priority(problem, mask)
    best = max(priority_key(p, pairs) for pairs in feasible_assignments(p))
    for backend in ("primal-dual", "ortools", "highs"):
        a = mm.solve(p, "flow", backend=backend)
        got = priority_key(p, list(zip(a.mentee_idx.tolist(), a.mentor_idx.tolist(),
                                       strict=True)))
        assert got[:3] == best[:3], backend
        assert np.isclose(got[3], best[3], rtol=0, atol=1e-6), backend
        assert a.info["exact"], backend


def test_priority_outranks_covering_more_mentees() -> None:
    # One mentor: the newcomer e0 fits worse, but is covered first.
    p = mm.MatchProblem(scores=[[0.1, 0.0], [0.9, 0.8]], capacity=[1, 1],
                        allowed=[[True, False], [True, True]], priority=[True, False])
    for solver in ("flow", "ilp"):
        a = mm.solve(p, solver)
        assert sorted(zip(a.mentee_idx.tolist(), a.mentor_idx.tolist(), strict=True)) == [
            (0, 0), (1, 1)], solver
    q = mm.MatchProblem(scores=[[0.1], [0.9], [0.8]], allowed=[[True], [True], [True]],
                        priority=[True, False, False])
    assert mm.solve(q, "flow").mentee_idx.tolist() == [0]
    assert mm.solve(q, "ilp").mentee_idx.tolist() == [0]


def test_solvers_without_the_declaration_are_refused() -> None:
    p = mm.MatchProblem(scores=[[1.0]], priority=[True])
    assert set(mm.solvers.supporting("priority")) == {"flow", "ilp", "stable"}
    assert mm.solvers.supporting("priority_as_preference") == ("stable",)
    for solver in ("greedy", "hungarian", "coverage"):
        with pytest.raises(UnsupportedProblemError, match="priority"):
            mm.solve(p, solver)
    with pytest.raises(InvalidInputError, match="lexicographic"):
        mm.solve(p, "flow", objective="score")


def newcomer_cohort() -> mm.Cohort:
    mentees = [mm.Mentee(id="old", topics=["qi"], demand=2),
               mm.Mentee(id="new", topics=["teaching"], newcomer=True)]
    mentors = [mm.Mentor(id="r1", topics=["qi", "teaching"]), mm.Mentor(id="r2", topics=["qi"])]
    return mm.Cohort(mentees=mentees, mentors=mentors, forbidden=[("new", "r2")])


def test_match_with_newcomer_priority_reports_it() -> None:
    cohort = newcomer_cohort()
    plain = mm.match(cohort, solver="flow")
    assert plain.metrics.priority_matched is None
    result = mm.match(cohort, solver="flow", priority="newcomer")
    assert result.mentors_of("new") == ("r1",)
    assert (result.metrics.priority_matched, result.metrics.priority_asking) == (1, 1)
    assert ("priority: 1 of 1 mentees of the 'newcomer' group matched, covered before "
            "anyone else") in result.notes
    default = mm.match(cohort, priority=["new"])
    assert default.provenance.solver == "flow" and default.mentors_of("new") == ("r1",)
    assert "no priority level" in default.provenance.objective_why
    assert mm.match(cohort, solver="ilp", objective="coverage",
                    priority="newcomer").mentors_of("new") == ("r1",)


def test_priority_is_refused_where_it_cannot_be_honoured() -> None:
    cohort = newcomer_cohort()
    with pytest.raises(UnsupportedProblemError, match="priority"):
        mm.match(cohort, solver="hungarian", priority="newcomer")
    with pytest.raises(UnsupportedProblemError, match="candidates"):
        mm.match(cohort, candidates=1, priority="newcomer")
    with pytest.raises(InvalidInputError, match="mentee flag"):
        mm.match(cohort, priority="senior")
    with pytest.raises(UnknownIdError, match="'nobody'"):
        mm.match(cohort, priority=["nobody"])


def test_cli_match_with_priority(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mentormatch.cli._main import main

    path = tmp_path / "cohort.json"
    path.write_text(newcomer_cohort().model_dump_json())
    assert main(["match", str(path), "--priority", "newcomer"]) == 0
    assert "priority: 1 of 1 mentees of the 'newcomer' group matched" in capsys.readouterr().out
    assert main(["match", str(path), "--priority", "newcomer", "--solver", "greedy"]) != 0
    assert "priority" in capsys.readouterr().err


def test_cli_priority_help_names_every_solver_that_honours_it(
        capsys: pytest.CaptureFixture[str]) -> None:
    from mentormatch.cli._main import main

    with pytest.raises(SystemExit):
        main(["match", "--help"])
    said = " ".join(capsys.readouterr().out.split())
    help_ = said.rpartition("--priority")[2].partition(" --")[0]
    for name in mm.solvers.supporting("priority"):
        assert name in help_
    assert "as mentor preference" in help_
