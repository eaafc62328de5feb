"""match: score, build the problem, solve, and explain the answer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from mentormatch.diagnosis import diagnose_problem
from mentormatch.encode import build_problem, priority_mask, quota_notes
from mentormatch.errors import InvalidInputError, UnsupportedProblemError, expect
from mentormatch.explain import explain
from mentormatch.large import match_candidates
from mentormatch.models import Cohort, History, MatchResult
from mentormatch.problem import problem_needs
from mentormatch.scoring import Scorer, default_scorer
from mentormatch.solvers import DEFAULT_SOLVER, require, supporting
from mentormatch.solvers import solve as solve_problem

from ._history import apply_history
from ._objective import candidates_objective, choose_objective, objective_note, priority_note
from ._path import (
    DEFAULT_MEMORY_BUDGET,
    DENSE_BYTES_PER_PAIR,
    PathChoice,
    choose_path,
    too_large,
)


def match(cohort: Cohort, solver: str | None = None, *, scorer: Scorer | None = None,
          min_score: float | None = None, candidates: int | None = None,
          objective: str | None = None, priority: str | Iterable[str] | None = None,
          history: History | None = None, read_report: BaseModel | None = None,
          memory_budget: float | None = DEFAULT_MEMORY_BUDGET,
          **options: Any) -> MatchResult:
    """Score every pair of a cohort, solve, and explain each pair made.

    Parameters
    ----------
    cohort : Cohort
        Mentees, mentors and constraints.
    solver : str, optional
        A name from :func:`mentormatch.solvers.available`. Defaults: ``"ilp"`` for
        quotas; ``"coverage"`` for the coverage objective (``"ilp"``'s exact MILP
        on small problems, as in ``objective_why``); else ``DEFAULT_SOLVER``.
    scorer : Scorer, optional
        Defaults to :func:`mentormatch.scoring.default_scorer`.
    min_score : float, optional
        Pairs scoring below this are never made (locked pairs excepted).
    candidates : int, optional
        Large cohorts: start from each mentee's best ``candidates`` mentors (10
        is a good start), never the full matrix. ``flow`` proves the full
        cohort's optimum (``provenance.solver_info["candidates"]``); other
        solvers declaring ``candidates`` run once on the best by score.
    memory_budget : float or None, default=2 GiB
        Bytes the dense path may use (about 400 per pair). A cohort needing
        more is solved on ``candidates=10`` by itself (the named solver, or
        ``flow``), said in ``notes`` and ``provenance.path``/``path_why``; a
        dense-only solver or objective raises ``ProblemTooLargeError``.
        ``None``: no budget.
    objective : str, optional
        ``"coverage"``: most mentees matched, then most pairs, then the most
        asked topic weight offered by each mentee's *set* of mentors, then
        pair scores; only solvers declaring it run it
        (``mm.solvers.supporting("coverage")``). Any other value is the
        solver's own pair-score objective (``"lexicographic"``: pair scores
        as the solvers' default; ``"score"``: total score alone). ``None``:
        coverage when a mentee asks for more than one mentor (naming a topic)
        and the solver, if named, declares it; else the solver's default.
        ``provenance.objective``/``objective_why`` (and ``notes``) say which.
    priority : str or sequence of str, optional
        A group served first: a mentee flag (``"newcomer"``, ``"trained_abroad"``,
        ``"relocated"``) or mentee ids. ``flow`` and ``ilp`` honour it exactly: as many of them
        get a mentor as possible, before anyone else is covered or given a second mentor.
        ``stable`` honours it as mentor preference: every mentor ranks the group first, and the
        result is stable under those preferences (no mentor passes over a priority mentee for
        someone else, but fewer of them may be covered). Other solvers are refused it
        (``mm.solvers.supporting("priority")``), and so is ``candidates=``.
        ``metrics.priority_matched`` and a note report it, saying which way it was honoured
        (``provenance.solver_info["priority"]`` for ``stable``).
    history : History, optional
        Last year's pairs and follow-up (:func:`mentormatch.read_followup`):
        continuing pairs locked (unless released or impossible: noted), changing
        pairs forbidden; ``notes`` and ``provenance.options["history"]`` say so.
    read_report : ReadReport, optional
        How ``cohort`` was read (``read_survey``): kept in ``provenance``.
    **options
        Passed to the solver.

    Returns
    -------
    MatchResult
        Pairs, unmatched and shortfall with reasons; metrics and provenance.

    Raises
    ------
    ProblemTooLargeError
        A dense-only request over ``memory_budget``, or out of memory.
    UnsupportedProblemError
        Before solving, if the cohort needs what the solver does not declare
        (minimum loads, ``candidates=``, ``objective="coverage"``, ``priority=``,
        quotas: dense only); the message names the solvers that do. Topic
        coverage is refused with ``candidates=`` (pair scores there, noted).
    InfeasibleError
        If minimum loads (or quotas) cannot be met.
    ConstraintConflictError
        If the director locked a pair that ``history`` says asked to change.

    Examples
    --------
    >>> import mentormatch as mm
    >>> result = mm.match(mm.example_cohort(), solver="hungarian")
    >>> result.metrics.mentees_matched == result.metrics.mentees_asking == 7
    True
    >>> result.pairs[0].reasons[0].startswith("offers")
    True
    """
    expect(cohort, Cohort, "match", "cohort")
    read = _read_report_data(read_report)
    if history is not None:
        effects = apply_history(cohort, history)
        return effects.annotate(match(
            effects.cohort, solver, scorer=scorer, min_score=min_score, candidates=candidates,
            objective=objective, priority=priority, memory_budget=memory_budget,
            read_report=read_report, **options))
    path = choose_path(cohort, solver, objective, candidates, memory_budget, options,
                       dense_only=_dense_only(cohort, priority))
    return _kept(_on_path(cohort, path, scorer, min_score, objective, priority, options), read)


def _on_path(cohort: Cohort, path: PathChoice, scorer: Scorer | None, min_score: float | None,
             objective: str | None, priority: str | Iterable[str] | None,
             options: dict[str, Any]) -> MatchResult:
    """Match on the path chosen: candidates, or the dense problem."""
    if path.path == "candidates":
        return _on_candidates(cohort, path, scorer, min_score, objective, priority, options)
    try:
        result = _dense(cohort, path.solver, scorer, min_score, objective, priority, options)
    except MemoryError as exc:
        pairs = len(cohort.mentees) * len(cohort.mentors)
        raise too_large(f"memory ran out on the dense problem ({pairs:,} pairs)",
                        pairs * DENSE_BYTES_PER_PAIR, None) from exc
    provenance = result.provenance.model_copy(update={"path": path.path,
                                                      "path_why": path.why})
    return result.model_copy(update={"provenance": provenance})


def _on_candidates(cohort: Cohort, path: PathChoice, scorer: Scorer | None,
                   min_score: float | None, objective: str | None,
                   priority: str | Iterable[str] | None, options: dict[str, Any]) -> MatchResult:
    """Match on candidates: asked for, or chosen by the memory budget."""
    if priority is not None:  # asked for: over the budget, choose_path has refused it
        raise UnsupportedProblemError(
            "priority= is not available with candidates= (the large-cohort path has no "
            "priority level); match without candidates=, with solver 'flow' or 'ilp'")
    _refuse_quotas_on_candidates(cohort, path.solver)  # over the budget: refused above
    large = candidates_objective(cohort, path.solver or DEFAULT_SOLVER, objective, options)
    assert path.k is not None
    result = match_candidates(cohort, large.solver, k=path.k, scorer=scorer,
                              min_score=min_score, **large.options)
    update = {"path": path.path, "path_why": path.why, "objective": large.objective,
              "objective_why": large.why}
    notes = (*result.notes, *objective_note(large, result), *((path.note,) if path.note else ()))
    return result.model_copy(update={"notes": notes,
                                     "provenance": result.provenance.model_copy(update=update)})


def _dense(cohort: Cohort, solver: str | None, scorer: Scorer | None,
           min_score: float | None, objective: str | None,
           priority: str | Iterable[str] | None, options: dict[str, Any]) -> MatchResult:
    """Score every pair, solve the dense problem, explain the answer."""
    scorer = scorer or default_scorer(cohort)
    table = scorer.score(cohort)
    problem = build_problem(cohort, table, min_score=min_score,
                            priority=priority_mask(cohort, priority))
    choice = choose_objective(problem, solver, objective, options)
    require(choice.solver, problem_needs(problem))
    diagnosis = diagnose_problem(cohort, problem)  # raises for impossible minimum loads
    assignment = solve_problem(problem, choice.solver, **choice.options)
    result = explain(cohort, table, problem, assignment,
                     options={**choice.options, "min_score": min_score},
                     scorer_name=type(scorer).__name__)
    notes = (*objective_note(choice, result), *priority_note(priority, result, choice.solver),
             *_quota_notes(cohort, solver, choice.solver), *diagnosis.messages)
    provenance = result.provenance.model_copy(update={"objective": choice.objective,
                                                      "objective_why": choice.why})
    return result.model_copy(update={"notes": (*result.notes, *notes),
                                     "provenance": provenance})



def _refuse_quotas_on_candidates(cohort: Cohort, solver: str | None) -> None:
    if cohort.quotas:
        raise UnsupportedProblemError(
            "group make-up quotas are kept only on the dense problem; drop candidates= "
            "(solvers that keep quotas: " + ", ".join(supporting("quotas")) + ")",
            solver=solver or DEFAULT_SOLVER, missing=("quotas",),
            supported_by=supporting("quotas"))


def _quota_notes(cohort: Cohort, asked: str | None, ran: str) -> tuple[str, ...]:
    """Which solver ran for the quotas (when none was named), and what they kept."""
    chosen = (f"solver {ran!r} ran because the cohort has group make-up quotas "
              f"(solvers that keep them: {', '.join(supporting('quotas'))})",
              ) if cohort.quotas and asked is None else ()
    return (*chosen, *quota_notes(cohort))


def _dense_only(cohort: Cohort, priority: str | Iterable[str] | None) -> str | None:
    """Name what keeps a cohort on the dense problem, whatever the memory budget."""
    if priority is not None:
        return "priority="
    return "group make-up quotas" if cohort.quotas else None


def _kept(result: MatchResult, read: dict[str, Any] | None) -> MatchResult:
    """Return ``result`` with the read report in its provenance."""
    return result.model_copy(update={"provenance": result.provenance.model_copy(
        update={"read_report": read})})


def _read_report_data(read_report: object) -> dict[str, Any] | None:
    """Return the JSON form of a read report, kept in the provenance."""
    if read_report is None:
        return None
    data = read_report.model_dump(mode="json") if isinstance(read_report, BaseModel) else None
    if not isinstance(data, dict) or "entries" not in data:
        raise InvalidInputError(f"read_report must be the ReadReport of mm.read_survey(..., "
                                f"report=True), got {type(read_report).__name__}")
    return data
