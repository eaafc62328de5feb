"""Which objective a match runs (topic coverage or pair scores), which solver, and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mentormatch.errors import InvalidInputError, UnsupportedProblemError
from mentormatch.models import Cohort, MatchResult
from mentormatch.problem import MatchProblem
from mentormatch.solvers import DEFAULT_SOLVER, get, honouring_priority, require, supporting

#: The solver that runs the coverage objective when none is named.
COVERAGE_SOLVER = "coverage"
#: The solver that runs a cohort with group make-up quotas when none is named.
QUOTA_SOLVER = "ilp"
#: The exact solver that runs the coverage objective on small problems when none is named.
EXACT_COVERAGE_SOLVER = "ilp"
#: At most this many admissible pairs, the default coverage match runs the exact MILP
#: directly: ``coverage`` would end with that same MILP (it tries it up to 5,000 pairs)
#: after flows and an LP bound that cost more than the MILP saves on problems this small.
SMALL_EXACT_PAIRS = 1_000
#: Seconds the exact MILP gets on a small problem (the ``coverage`` solver's default budget).
SMALL_EXACT_SECONDS = 20.0
_SINGLE = "no mentee asks for more than one mentor"


@dataclass(frozen=True)
class ObjectiveChoice:
    """The objective that runs, the solver and options that run it, and the reason."""

    objective: str  # "coverage" or the solver's own pair-score objective ("default" if none)
    solver: str
    options: dict[str, Any]
    why: str


def _multi(problem: MatchProblem) -> int:
    return int((problem.demand > 1).sum())


def choose_objective(problem: MatchProblem, solver: str | None, objective: str | None,
                     options: dict[str, Any]) -> ObjectiveChoice:
    """Resolve ``mm.match``'s ``solver`` and ``objective`` (see its docstring).

    Raises
    ------
    InvalidInputError
        For a non-string objective, or ``objective="coverage"`` with ``coverage=``.
    UnsupportedProblemError
        For ``objective="coverage"`` with a solver that does not declare it.
    """
    if objective is not None and not isinstance(objective, str):
        raise InvalidInputError(f"objective must be a string or None, got {objective!r}")
    if problem.quotas and solver is None:  # only a solver declaring quotas may run them
        solver = QUOTA_SOLVER
    n_multi = _multi(problem)
    if objective is None and solver == COVERAGE_SOLVER:
        objective = "coverage"
    if objective == "coverage":
        if "coverage" in options:
            raise InvalidInputError("objective='coverage' already sets coverage=True; "
                                    "pass one of them")
        name = solver or COVERAGE_SOLVER
        require(name, {"coverage": "objective='coverage' was asked for"})
        return ObjectiveChoice("coverage", name, {**options, "coverage": True},
                               "asked for (objective='coverage')")
    if objective is not None:  # the solver's own pair-score objective
        return _named(objective, solver or DEFAULT_SOLVER, options)
    if n_multi == 0:
        return ObjectiveChoice("default", solver or DEFAULT_SOLVER, options, _SINGLE)
    many = (f"{n_multi} of {problem.n_mentees} mentees ask for more than one mentor")
    if problem.priority is not None and solver is None and "coverage" not in options:
        return ObjectiveChoice(
            "default", DEFAULT_SOLVER, options,
            f"{many}, but a priority group is covered first and solver "
            f"{COVERAGE_SOLVER!r} has no priority level; pair scores were maximised "
            "(solver='ilp' with objective='coverage' does both)")
    if "coverage" in options:
        return _passed(solver or DEFAULT_SOLVER, options)
    if solver is not None and not get(solver).capabilities.coverage:
        return ObjectiveChoice(
            "default", solver, options,
            f"{many}, but solver {solver!r} does not optimise topic coverage (solvers that "
            f"do: {', '.join(supporting('coverage'))}); pair scores were maximised")
    if problem.attributes is None or not np.asarray(problem.attributes.asked).any():
        return ObjectiveChoice("default", solver or DEFAULT_SOLVER, options,
                               f"{many}, but no mentee asks for a topic")
    if solver is None and not options:
        n_pairs = problem.edges().size
        if n_pairs <= SMALL_EXACT_PAIRS:
            return ObjectiveChoice(
                "coverage", EXACT_COVERAGE_SOLVER,
                {"coverage": True, "leadership_limit": None, "time_limit": SMALL_EXACT_SECONDS},
                f"default, because {many}; solver {EXACT_COVERAGE_SOLVER!r} (its exact MILP, "
                f"no leadership rule) ran instead of {COVERAGE_SOLVER!r} because the problem "
                f"is small ({n_pairs} admissible pairs, at most {SMALL_EXACT_PAIRS}): "
                f"{COVERAGE_SOLVER!r} ends with that MILP there, after bounds that cost more")
    return ObjectiveChoice("coverage", solver or COVERAGE_SOLVER,
                           {**options, "coverage": True}, f"default, because {many}")


def _named(objective: str, solver: str, options: dict[str, Any]) -> ObjectiveChoice:
    """Return the solver's own pair-score objective named by ``objective=`` (both paths)."""
    return ObjectiveChoice(objective, solver, {**options, "objective": objective},
                           f"asked for (objective={objective!r})")


def _passed(solver: str, options: dict[str, Any]) -> ObjectiveChoice:
    """Return the objective that ``coverage=`` (passed to the solver) sets (both paths)."""
    return ObjectiveChoice("coverage" if options["coverage"] else "default", solver, options,
                           f"coverage={options['coverage']!r} was passed")


def priority_note(priority: object, result: MatchResult, solver: str) -> tuple[str, ...]:
    """Say how the priority group fared, in the words of how ``solver`` honoured it."""
    m = result.metrics
    if priority is None or m.priority_asking is None:
        return ()
    group = f"the {priority!r} group" if isinstance(priority, str) else "the priority group"
    fared = f"priority: {m.priority_matched} of {m.priority_asking} mentees of {group} matched"
    if get(solver).capabilities.priority_honoured != "as mentor preference":
        return (f"{fared}, covered before anyone else",)
    exact = honouring_priority("exactly")
    return (f"{fared}; solver {solver!r} honours it as mentor preference (every mentor "
            "ranks the group first and the result is stable under those preferences), not "
            f"by covering as many of them as possible (solvers that do: {', '.join(exact)})",)


def candidates_objective(cohort: Cohort, solver: str, objective: str | None,
                         options: dict[str, Any]) -> ObjectiveChoice:
    """Resolve the objective of ``mm.match(..., candidates=k)``: pair scores, said aloud.

    Topic coverage is not optimised on the large-cohort path: its pricing
    proves pair-score optima only. Asking for it there is refused; when a
    mentee asks for more than one mentor (where the dense path would
    optimise coverage) the choice says pair scores ran and why.

    Raises
    ------
    UnsupportedProblemError
        For ``objective="coverage"``.
    """
    if objective == "coverage" or (solver == COVERAGE_SOLVER and objective is None):
        raise UnsupportedProblemError(
            "topic coverage (objective='coverage', solver 'coverage') is not optimised on the "
            "large-cohort path (candidates=k proves pair-score optima only); leave out "
            "candidates= to optimise coverage on the full cohort",
            solver=solver, missing=("candidates",), supported_by=())
    if objective is not None:
        return _named(objective, solver, options)
    if "coverage" in options:
        return _passed(solver, options)
    n_multi = sum(1 for e in cohort.mentees if e.demand > 1)
    if n_multi == 0:
        return ObjectiveChoice("default", solver, options, _SINGLE)
    return ObjectiveChoice(
        "default", solver, options,
        f"{n_multi} of {len(cohort.mentees)} mentees ask for more than one mentor, but "
        "candidates= (the large-cohort path) maximises pair scores only: topic coverage "
        "across a mentee's mentors was not optimised (leave out candidates= for it)")


def objective_note(choice: ObjectiveChoice, result: MatchResult) -> tuple[str, ...]:
    """Return the note saying which objective ran, why, and how far it got.

    Nothing when no mentee asks for more than one mentor and no objective was
    named (pair scores, as always; ``provenance.solver_info`` still says so).
    """
    if choice.why == _SINGLE:
        return ()
    return (_note(choice, result),)


def _note(choice: ObjectiveChoice, result: MatchResult) -> str:
    if choice.objective != "coverage":
        what = ("pair scores (the solver's default objective)" if choice.objective == "default"
                else f"pair scores (objective={choice.objective!r})")
        return f"objective: {what}; {choice.why}"
    m = result.metrics
    got = f"{m.topic_coverage:.1%} of asked topics covered"
    info = result.provenance.solver_info
    if m.topic_coverage_bound is None:
        reach = ""
    elif info.get("optimal"):
        reach = " (the optimum)"
    else:
        reach = (f" (bound {m.topic_coverage_bound:.1%}: within "
                 f"{100 * (m.topic_coverage_bound - m.topic_coverage):.2f} percentage points)")
    floor = info.get("flow_coverage")
    base = f"; flow on pair scores covers {floor:.1%}" if floor is not None else ""
    return (f"objective: topic coverage across each mentee's mentors, then pair scores; "
            f"{choice.why}; {got}{reach}{base}")
