"""Cohort -> arrays: the MatchProblem a cohort and its scores make."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from mentormatch.errors import InvalidInputError, UnknownIdError, shorten
from mentormatch.models import Cohort, MustHaveMask, Quota, person_value
from mentormatch.problem import (
    MIN_SCORE_SLACK,
    GroupQuota,
    MatchProblem,
    ProblemAttributes,
)
from mentormatch.scoring import ScoreTable, TopicMatrices, has_choices, slot_rule

FloatArray = NDArray[np.float64]


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


def ranked_preferences(cohort: Cohort, mentee_view: FloatArray,
                       mentor_view: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Each side's preferences: its ranked choices first, in rank order, then by score.

    A person who ranked choices (``Mentee.choices``, ``Mentor.choices``)
    prefers them to everyone else, their 1st choice most; everyone they did
    not rank follows in the order of their view of the pair (``mentee_view``
    for mentees, ``mentor_view`` for mentors), and equal views are broken by
    index (the lower preferred), as the stable solver breaks every tie. Ranks
    are strict, so no tie involves a ranked choice. A person who ranked nobody
    keeps their view unchanged. Concretely, the ``k``-th of ``L`` choices is
    rated ``m + 1 + L - k``, where ``m`` is the best of that person's views
    (at least 0).

    Examples
    --------
    >>> import numpy as np
    >>> from mentormatch import Cohort, Mentee, Mentor
    >>> c = Cohort(mentees=[Mentee(id="e", choices=["r2"])],
    ...            mentors=[Mentor(id="r1"), Mentor(id="r2"), Mentor(id="r3")])
    >>> e, r = ranked_preferences(c, np.array([[0.9, 0.1, 0.5]]), np.zeros((1, 3)))
    >>> np.argsort(-e[0], kind="stable").tolist(), r.tolist()
    ([1, 0, 2], [[0.0, 0.0, 0.0]])
    """
    out = []
    for people, view, other, transpose in (
            (cohort.mentees, mentee_view, cohort.mentor_index(), False),
            (cohort.mentors, mentor_view, cohort.mentee_index(), True)):
        prefs = np.array(view.T if transpose else view, dtype=np.float64)
        for row, person in enumerate(people):
            if person.choices:
                head = max(float(prefs[row].max(initial=0.0)), 0.0) + 1.0
                n = len(person.choices)
                for k, ident in enumerate(person.choices):
                    prefs[row, other[ident]] = head + (n - k)
        out.append(prefs.T if transpose else prefs)
    return out[0], out[1]


def ranked_edge_preferences(cohort: Cohort, mentee: NDArray[np.int64],
                            mentor: NDArray[np.int64], mentee_view: FloatArray,
                            mentor_view: FloatArray) -> tuple[FloatArray, FloatArray]:
    """:func:`ranked_preferences` of listed pairs (a sparse problem's candidate pairs).

    Restricted to the listed pairs, each side's order is the dense one: ranked
    choices first in rank order, then the others by view, ties by index. The
    head is the best view among that person's listed pairs (at least 0) plus 1.

    Examples
    --------
    >>> import numpy as np
    >>> from mentormatch import Cohort, Mentee, Mentor
    >>> c = Cohort(mentees=[Mentee(id="e", choices=["r2"])],
    ...            mentors=[Mentor(id="r1"), Mentor(id="r2")])
    >>> e, r = ranked_edge_preferences(c, np.array([0, 0]), np.array([0, 1]),
    ...                                np.array([0.9, 0.1]), np.array([0.0, 0.0]))
    >>> e.tolist(), r.tolist()
    ([0.9, 2.9], [0.0, 0.0])
    """
    n_r = len(cohort.mentors)
    keys = mentee * n_r + mentor
    order = np.argsort(keys, kind="stable")
    out = []
    for people, who, view, other, mentor_side in (
            (cohort.mentees, mentee, mentee_view, cohort.mentor_index(), False),
            (cohort.mentors, mentor, mentor_view, cohort.mentee_index(), True)):
        prefs = np.array(view, dtype=np.float64)
        head = np.zeros(len(people))
        np.maximum.at(head, who, prefs)
        ranked = [((other[ident] * n_r + p) if mentor_side else (p * n_r + other[ident]),
                   head[p] + 1.0 + len(person.choices) - k)
                  for p, person in enumerate(people) for k, ident in enumerate(person.choices)]
        if ranked and keys.size:
            want = np.array([k for k, _ in ranked], dtype=np.int64)
            at = np.minimum(np.searchsorted(keys[order], want), keys.size - 1)
            hit = keys[order][at] == want
            prefs[order[at[hit]]] = np.array([v for _, v in ranked])[hit]
        out.append(prefs)
    return out[0], out[1]
def group_quota(cohort: Cohort, quota: Quota) -> GroupQuota:
    """Return a cohort's make-up rule in the array form solvers take.

    Values are coded in the order mentees first show them (a value the rule
    names but no mentee has gets a code too); mentees without one get ``-1``.

    Examples
    --------
    >>> import mentormatch as mm
    >>> c = mm.Cohort(mentees=[mm.Mentee(id="e1", site="a"), mm.Mentee(id="e2")],
    ...               mentors=[mm.Mentor(id="r1")])
    >>> q = group_quota(c, mm.Quota(attribute="site", max_count=1))
    >>> q.label.tolist(), q.n_values, q.name
    ([0, -1], 1, 'site: at most 1 of each value')
    """
    seen = [person_value(p, quota.attribute) for p in cohort.mentees]
    codes = {v: k for k, v in enumerate(dict.fromkeys(
        [v for v in seen if v is not None] + ([quota.value] if quota.value else [])))}
    mentors = np.ones(len(cohort.mentors), dtype=bool)
    if quota.mentors is not None:
        mentors[:] = False
        index = cohort.mentor_index()
        mentors[[index[r] for r in quota.mentors]] = True
    return GroupQuota(
        label=np.array([-1 if v is None else codes[v] for v in seen], dtype=np.int64),
        n_values=len(codes), mentors=mentors,
        value=None if quota.value is None else codes[quota.value],
        min_count=quota.min_count, max_count=quota.max_count, min_share=quota.min_share,
        max_share=quota.max_share, no_lone=quota.no_lone, name=quota.describe())


def quota_notes(cohort: Cohort) -> tuple[str, ...]:
    """Return what a match with quotas kept, and who counts in no value (never a value).

    Examples
    --------
    >>> import mentormatch as mm
    >>> c = mm.Cohort(mentees=[mm.Mentee(id="e1", gender="w"), mm.Mentee(id="e2")],
    ...               mentors=[mm.Mentor(id="r1")],
    ...               quotas=[mm.Quota(attribute="gender", no_lone=True)])
    >>> for note in quota_notes(c): print(note)
    group make-up kept in every mentor's group: gender: no lone member
    1 mentee has no recorded gender: they count in their group's size, in no gender value
    """
    if not cohort.quotas:
        return ()
    notes = ["group make-up kept in every mentor's group: "
             + "; ".join(q.describe() for q in cohort.quotas)]
    for attribute in dict.fromkeys(q.attribute for q in cohort.quotas):
        missing = sum(person_value(p, attribute) is None for p in cohort.mentees)
        if missing:
            who = "1 mentee has" if missing == 1 else f"{missing} mentees have"
            notes.append(f"{who} no recorded {attribute.replace('_', ' ')}: they count in "
                         f"their group's size, in no {attribute.replace('_', ' ')} value")
    return tuple(notes)


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
    Each side's preferences (for stable matching and stability metrics) are
    its view of the pairs, headed by its ranked choices when it has any
    (:func:`ranked_preferences`).

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
    mentee_prefs = None
    mentor_prefs = table.mentor_scores if table.has_two_views else None
    if has_choices(cohort):
        mentee_prefs, mentor_prefs = ranked_preferences(
            cohort, scores, mentor_prefs if mentor_prefs is not None else scores)
    return MatchProblem(
        scores=scores,
        demand=np.array([p.demand for p in cohort.mentees], dtype=np.int64),
        capacity=np.array([p.capacity for p in cohort.mentors], dtype=np.int64),
        allowed=allowed,
        locked=locked.reshape(-1, 2),
        min_load=np.array([p.min_load for p in cohort.mentors], dtype=np.int64),
        mentee_prefs=mentee_prefs, mentor_prefs=mentor_prefs,
        attributes=problem_attributes(cohort),
        priority=priority,
        quotas=tuple(group_quota(cohort, q) for q in cohort.quotas),
    )

