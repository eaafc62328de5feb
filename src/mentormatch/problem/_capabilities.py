"""What a solver supports, and what a problem needs of its solver.

Each registered solver declares a :class:`SolverCapabilities`; callers ask
:func:`problem_needs` what a problem needs and compare, instead of keeping
lists of solver names.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

import numpy as np

from mentormatch.errors import InvalidInputError
from mentormatch.problem._candidate_problem import CandidateProblem
from mentormatch.problem._locks import locked_residual
from mentormatch.problem._match_problem import MatchProblem

__all__ = ["FEATURES", "Feature", "SolverCapabilities", "problem_needs"]

Feature = Literal["min_load", "multi_mentor", "candidates", "two_sided", "duals", "coverage",
                  "priority", "priority_as_preference", "quotas"]

#: Each feature, in the words an error message uses.
FEATURES: dict[Feature, str] = {
    "min_load": "minimum loads",
    "multi_mentor": "several mentors per mentee chosen together",
    "candidates": "candidate (sparse) problems",
    "two_sided": "two-sided preferences",
    "duals": "a dual optimality certificate",
    "coverage": "the topic coverage objective",
    "priority": "a priority group (covered first, or ranked first by every mentor)",
    "priority_as_preference": "a priority group ranked first by every mentor",
    "quotas": "group make-up quotas",
}


@dataclass(frozen=True)
class SolverCapabilities:
    """What a solver supports: its declaration in the registry.

    The default declares nothing, the safe choice for a solver nobody has
    described: a problem that needs a feature is then refused before solving
    (:class:`~mentormatch.errors.UnsupportedProblemError`), never answered
    with a rule silently broken.

    Attributes
    ----------
    min_load : bool, default=False
        Meets every mentor's ``min_load`` (or raises
        :class:`~mentormatch.errors.InfeasibleError` when it cannot be met).
        A solver without it is refused any problem whose minimum loads the
        locked pairs do not already meet.
    multi_mentor : bool, default=False
        Chooses a mentee's several mentors together, so the solver's guarantee
        (an optimum, or stability) holds for ``demand`` above 1. Without it a
        solver still serves such demand (in rounds, or greedily) and says so
        in ``info["exact"]``; nothing is refused.
    candidates : bool, default=False
        Works from ``problem.edges()`` alone, so it takes a sparse
        :class:`~mentormatch.problem.CandidateProblem` (``mm.match(...,
        candidates=k)``). A solver without it is refused such problems.
    two_sided : bool, default=False
        Reads each side's own view (``mentee_prefs`` and ``mentor_prefs``);
        without it a solver uses ``scores`` alone.
    duals : bool, default=False
        Returns :class:`~mentormatch.problem.Duals` on the assignment
        (``Assignment.duals``) that prove the answer optimal and price pairs
        left out; the large-cohort path certifies the full optimum only with
        such a solver.
    coverage : bool, default=False
        Takes ``coverage=True`` and then maximises, after mentees and pairs,
        the asked topic weight offered by each mentee's *set* of mentors
        (``mm.match(..., objective="coverage")``, the default when a mentee
        asks for more than one mentor). A solver without it is refused that
        objective.
    priority : bool, default=False
        Honours ``problem.priority`` exactly: as many priority mentees
        (newcomers, or any flagged group) covered as possible, before every
        other level (everyone else's coverage, pairs, scores). A solver
        without it or ``priority_as_preference`` is refused a problem with a
        priority group.
    priority_as_preference : bool, default=False
        Honours ``problem.priority`` as mentor preference: every mentor ranks
        the priority mentees above all others (each group in its usual
        order), and the answer is stable under those preferences
        (:func:`~mentormatch.problem.priority_ranked`). A priority mentee is
        then never left out for someone a mentor would otherwise prefer, but
        fewer of them may be covered than the exact level would cover.
    quotas : bool, default=False
        Keeps every mentor's group within the problem's make-up quotas
        (``problem.quotas``), or raises :class:`~mentormatch.errors.InfeasibleError`
        naming a mentor whose group cannot be balanced. A solver without it is
        refused any problem with quotas.

    Examples
    --------
    >>> caps = SolverCapabilities(min_load=True, candidates=True)
    >>> caps.supports(("min_load",)), caps.lacking(("candidates", "duals"))
    (True, ('duals',))
    """

    min_load: bool = False
    multi_mentor: bool = False
    candidates: bool = False
    two_sided: bool = False
    duals: bool = False
    coverage: bool = False
    priority: bool = False
    priority_as_preference: bool = False
    quotas: bool = False

    def lacking(self, features: tuple[Feature, ...]) -> tuple[Feature, ...]:
        """Return the given features this declaration does not support, in the order given.

        ``"priority"`` (a problem's need) is met by either way of honouring
        a priority group; :attr:`priority_honoured` says which.
        """
        _check_names(features)
        return tuple(f for f in features if not getattr(self, f)
                     and not (f == "priority" and self.priority_as_preference))

    @property
    def priority_honoured(self) -> str | None:
        """How a priority group is honoured, in words: ``"exactly"``, ``"as mentor preference"``.

        ``None`` when it is not (such a solver is refused a priority group).

        Examples
        --------
        >>> SolverCapabilities(priority_as_preference=True).priority_honoured
        'as mentor preference'
        >>> SolverCapabilities(priority=True).priority_honoured
        'exactly'
        >>> SolverCapabilities().priority_honoured is None
        True
        """
        if self.priority:
            return "exactly"
        return "as mentor preference" if self.priority_as_preference else None

    def supports(self, features: tuple[Feature, ...]) -> bool:
        """Whether every given feature is declared."""
        return not self.lacking(features)


def _check_names(features: tuple[str, ...]) -> None:
    known = {f.name for f in fields(SolverCapabilities)}
    unknown = [f for f in features if f not in known]
    if unknown:
        raise InvalidInputError(
            f"unknown solver feature {unknown[0]!r}; features: {', '.join(sorted(known))}")


def problem_needs(problem: MatchProblem | CandidateProblem) -> dict[Feature, str]:
    """Return the features a solver must declare to be given ``problem``, with the reasons.

    ``"candidates"`` when the problem has no dense matrices (a
    :class:`~mentormatch.problem.CandidateProblem`), ``"min_load"`` when a
    mentor's minimum load is not already met by locked pairs, ``"priority"``
    when the problem has a priority group, ``"quotas"`` when it has group
    make-up quotas. The other
    features are guarantees a caller may ask for, never needs of a problem.

    Examples
    --------
    >>> from mentormatch.problem import MatchProblem
    >>> problem_needs(MatchProblem(scores=[[1.0, 0.0], [1.0, 0.0]], capacity=2,
    ...                            min_load=[0, 1]))
    {'min_load': 'mentor 1 has min_load 1'}
    >>> problem_needs(MatchProblem(scores=[[1.0]], min_load=1, locked=[[0, 0]]))
    {}
    """
    needs: dict[Feature, str] = {}
    if not isinstance(problem, MatchProblem):
        needs["candidates"] = ("it is a sparse candidate problem, which only edge-based "
                               "solvers take")
    priority = getattr(problem, "priority", None)
    if priority is not None:
        needs["priority"] = f"{int(priority.sum())} mentee(s) are to be covered first"
    rest = locked_residual(problem)
    short = np.flatnonzero(rest.min_load)
    if short.size:
        j = int(short[0])
        lock = int(rest.mentor_locks[j])
        needs["min_load"] = (f"mentor {j} has min_load {problem.min_load[j]}"
                             + (f", {lock} met by locked pairs" if lock else "")
                             + (f", and {short.size - 1} more mentor(s) have one"
                                if short.size > 1 else ""))
    quotas = problem.quotas
    if quotas:
        needs["quotas"] = (f"{len(quotas)} group make-up quota"
                           + ("s" if len(quotas) > 1 else "") + ": "
                           + "; ".join(q.name for q in quotas[:3]))
    return needs
