"""Cohort -> arrays: the MatchProblem a cohort and its scores make."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from mentormatch.errors import InvalidInputError, UnknownIdError, shorten
from mentormatch.models import Cohort, MustHaveMask
from mentormatch.problem import (
    MIN_SCORE_SLACK,
    MatchProblem,
    ProblemAttributes,
)
from mentormatch.scoring import ScoreTable, TopicMatrices, slot_rule


def problem_attributes(cohort: Cohort) -> ProblemAttributes:
    """Topics and divisions of a cohort in the array form solvers take.

    Examples
    --------
    >>> import mentormatch as mm
    >>> attrs = problem_attributes(mm.example_cohort())
    >>> attrs.asked.shape[0], attrs.offered.shape[0], len(attrs.groups) > 0
    (7, 33, True)
    """
    tm = TopicMatrices.of(cohort)
    names = [p.division for p in (*cohort.mentees, *cohort.mentors)]
    names += [d for m in cohort.mentors for d in m.leads_divisions]
    groups = tuple(dict.fromkeys(n for n in names if n is not None))
    code = {g: k for k, g in enumerate(groups)}
    leads = np.zeros((len(cohort.mentors), len(groups)), dtype=bool)
    for j, m in enumerate(cohort.mentors):
        for d in m.leads_divisions:
            leads[j, code[d]] = True
    return ProblemAttributes(
        asked=tm.asked, offered=tm.offered, topics=tm.topics,
        mentee_group=np.array([code.get(p.division, -1) if p.division else -1
                               for p in cohort.mentees], dtype=np.int64),
        mentor_group=np.array([code.get(p.division, -1) if p.division else -1
                               for p in cohort.mentors], dtype=np.int64),
        mentor_leads=leads, groups=groups,
    )


def checked_min_score(min_score: object) -> float | None:
    """Return ``min_score`` as a float, or None; refuse anything but a finite real number.

    Examples
    --------
    >>> checked_min_score(0.5), checked_min_score(None)
    (0.5, None)
    >>> checked_min_score(float("nan"))
    Traceback (most recent call last):
    ...
    mentormatch.errors.InvalidInputError: min_score must be a finite number or None, got nan
    """
    if min_score is None:
        return None
    value = float("nan")
    if not isinstance(min_score, bool) and isinstance(min_score, int | float | np.integer
                                                                | np.floating):
        try:
            value = float(min_score)
        except OverflowError:
            pass
    if not np.isfinite(value):
        raise InvalidInputError(
            f"min_score must be a finite number or None, got {shorten(min_score)}")
    return value


#: Mentee flags that can name a priority group.
PRIORITY_FLAGS = ("newcomer", "trained_abroad", "relocated")


def priority_mask(cohort: Cohort, priority: str | Iterable[str] | None) -> np.ndarray | None:
    """Return the priority mentees as a mask: a flag's name, or mentee ids.

    Raises
    ------
    InvalidInputError
        For a name that is not a mentee flag (``PRIORITY_FLAGS``).
    UnknownIdError
        For an id that is not a mentee of the cohort.

    Examples
    --------
    >>> import mentormatch as mm
    >>> c = mm.Cohort(mentees=[mm.Mentee(id="e1", newcomer=True), mm.Mentee(id="e2")],
    ...               mentors=[])
    >>> priority_mask(c, "newcomer").tolist(), priority_mask(c, ["e2"]).tolist()
    ([True, False], [False, True])
    """
    if priority is None:
        return None
    if isinstance(priority, str):
        if priority not in PRIORITY_FLAGS:
            raise InvalidInputError(f"priority must name a mentee flag "
                                    f"({', '.join(PRIORITY_FLAGS)}) or list mentee ids, "
                                    f"got {shorten(priority)}")
        return np.array([bool(getattr(e, priority)) for e in cohort.mentees], dtype=bool)
    pos = cohort.mentee_index()
    mask = np.zeros(len(cohort.mentees), dtype=bool)
    for k, ident in enumerate(priority):
        if ident not in pos:
            raise UnknownIdError(f"priority[{k}]: unknown mentee id {shorten(ident)}")
        mask[pos[ident]] = True
    return mask


def build_problem(cohort: Cohort, table: ScoreTable, *,
                  min_score: float | None = None,
                  priority: np.ndarray | None = None) -> MatchProblem:
    """Encode a cohort and its scores as a :class:`MatchProblem`.

    Excluded pairs (forbidden, supervision, self), pairs breaking a
    must-have (``cohort.must_haves``) and, when the cohort's schedule requires
    a common slot, pairs without one are not allowed; with ``min_score``,
    neither are pairs scoring below it (locked pairs stay); a score within
    floating-point rounding (``MIN_SCORE_SLACK``) of it counts as reaching it,
    so 0.45 reached as 0.30000000000000004 + 0.15 is admitted.

    Examples
    --------
    >>> import mentormatch as mm
    >>> from mentormatch.scoring import default_scorer
    >>> c = mm.example_cohort()
    >>> p = build_problem(c, default_scorer().score(c))
    >>> p.shape
    (7, 33)
    """
    scores = table.mentee_scores
    allowed = np.ones(scores.shape, dtype=bool)
    excluded = cohort.pair_indices(cohort.excluded_pairs())
    allowed[excluded[:, 0], excluded[:, 1]] = False
    if cohort.must_haves:
        allowed &= MustHaveMask.of(cohort).dense()
    rule = slot_rule(cohort)
    if rule is not None:
        allowed &= rule.dense()
    min_score = checked_min_score(min_score)
    if min_score is not None:
        allowed &= scores >= min_score - MIN_SCORE_SLACK
    locked = cohort.pair_indices(cohort.locked)
    if locked.size:
        allowed[locked[:, 0], locked[:, 1]] = True
    return MatchProblem(
        scores=scores,
        demand=np.array([p.demand for p in cohort.mentees], dtype=np.int64),
        capacity=np.array([p.capacity for p in cohort.mentors], dtype=np.int64),
        allowed=allowed,
        locked=locked.reshape(-1, 2),
        min_load=np.array([p.min_load for p in cohort.mentors], dtype=np.int64),
        mentor_prefs=table.mentor_scores if table.has_two_views else None,
        attributes=problem_attributes(cohort),
        priority=priority,
    )

