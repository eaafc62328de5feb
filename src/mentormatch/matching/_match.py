"""match: score, build the problem, solve, and explain the answer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mentormatch.diagnosis import diagnose_problem
from mentormatch.encode import build_problem, priority_mask
from mentormatch.errors import UnsupportedProblemError
from mentormatch.explain import explain
from mentormatch.large import match_candidates
from mentormatch.models import Cohort, MatchResult
from mentormatch.problem import problem_needs
from mentormatch.scoring import Scorer, default_scorer
from mentormatch.solvers import DEFAULT_SOLVER, require
from mentormatch.solvers import solve as solve_problem

from ._objective import candidates_objective, choose_objective, objective_note, priority_note


def match(cohort: Cohort, solver: str | None = None, *, scorer: Scorer | None = None,
          min_score: float | None = None, candidates: int | None = None,
          objective: str | None = None, priority: str | Iterable[str] | None = None,
          **options: Any) -> MatchResult:
    """Score every pair of a cohort, solve, and explain each pair made.

    Parameters
    ----------
    cohort : Cohort
        Mentees, mentors and constraints.
    solver : str, optional
        A name from :func:`mentormatch.solvers.available`. Defaults to
        ``"coverage"`` when the coverage objective runs, else ``DEFAULT_SOLVER``.
    scorer : Scorer, optional
        Defaults to :func:`mentormatch.scoring.default_scorer`.
    min_score : float, optional
        Pairs scoring below this are never made (locked pairs excepted).
    candidates : int, optional
        For large cohorts: never build the full matrix; start from each
        mentee's best ``candidates`` mentors (10 is a good start). With
        ``solver="flow"`` the answer is the proved optimum of the full cohort:
        pairs that could improve it are added until none can
        (``provenance.solver_info["candidates"]`` says how). Other solvers
        that declare ``candidates`` (``mm.solvers.supporting("candidates")``)
        run once on the best ``candidates`` by score.
    objective : str, optional
        ``"coverage"``: most mentees matched, then most pairs, then the most
        asked topic weight offered by each mentee's *set* of mentors, then
        pair scores; only solvers declaring it run it
        (``mm.solvers.supporting("coverage")``). Any other value is the
        solver's own pair-score objective (``"lexicographic"``: pair scores
        as the solvers' default; ``"score"``: total score alone). ``None``:
        coverage when any mentee asks for more than one mentor (and names a
        topic) and the solver, if named, declares it; the solver's default
        otherwise. ``provenance.objective`` and ``objective_why`` say which
        ran and why, and so do ``result.notes`` when a mentee asks for more
        than one mentor or an objective was named.
    priority : str or sequence of str, optional
        A group covered first: a mentee flag (``"newcomer"``,
        ``"trained_abroad"``, ``"relocated"``) or mentee ids. As many of them
        get a mentor as possible, before anyone else is covered or given a
        second mentor; only solvers declaring ``priority`` run it
        (``mm.solvers.supporting("priority")``: ``flow``, ``ilp``), and not
        with ``candidates=``. ``metrics.priority_matched`` and a note report it.
    **options
        Passed to the solver.

    Returns
    -------
    MatchResult
        Pairs with scores and reasons, unmatched and shortfall with reasons,
        metrics and provenance.

    Raises
    ------
    UnsupportedProblemError
        Before solving, if the cohort needs what the solver does not declare
        (minimum loads, ``candidates=``, ``objective="coverage"``,
        ``priority=``); the message names the solvers that do. Topic coverage
        is refused with ``candidates=`` (the large-cohort path optimises pair
        scores; a note says so when a mentee asks for more than one mentor).
    InfeasibleError
        If minimum loads cannot be met.

    Examples
    --------
    >>> import mentormatch as mm
    >>> result = mm.match(mm.example_cohort(), solver="hungarian")
    >>> result.metrics.mentees_matched == result.metrics.mentees_asking == 7
    True
    >>> result.pairs[0].reasons[0].startswith("offers")
    True
    """
    if candidates is not None:
        if priority is not None:
            raise UnsupportedProblemError(
                "priority= is not available with candidates= (the large-cohort path has no "
                "priority level); match without candidates=, with solver 'flow' or 'ilp'")
        return _match_large(cohort, solver, candidates, scorer, min_score, objective, options)
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
    notes = (*objective_note(choice, result), *priority_note(priority, result),
             *diagnosis.messages)
    provenance = result.provenance.model_copy(update={"objective": choice.objective,
                                                      "objective_why": choice.why})
    return result.model_copy(update={"notes": (*result.notes, *notes),
                                     "provenance": provenance})


def _match_large(cohort: Cohort, solver: str | None, candidates: int, scorer: Scorer | None,
                 min_score: float | None, objective: str | None,
                 options: dict[str, Any]) -> MatchResult:
    """Match on the ``candidates=`` path, saying which objective ran and why."""
    large = candidates_objective(cohort, solver or DEFAULT_SOLVER, objective, options)
    result = match_candidates(cohort, large.solver, k=candidates, scorer=scorer,
                              min_score=min_score, **large.options)
    provenance = result.provenance.model_copy(update={"objective": large.objective,
                                                      "objective_why": large.why})
    return result.model_copy(update={"notes": (*result.notes, *objective_note(large, result)),
                                     "provenance": provenance})
