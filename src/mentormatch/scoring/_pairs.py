"""Reasons of listed pairs without a score matrix, and sub-cohorts for any other scorer.

A built-in scorer's pairs are explained by its kernels, all at once; any
other scorer is run through its own ``score()`` on sub-cohorts holding only
the people of a few pairs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mentormatch.errors import InvalidInputError
from mentormatch.models import Cohort, Mentee
from mentormatch.scoring._base import Scorer, rank_reasons
from mentormatch.scoring._kernels import criterion_kernels, is_builtin_scorer
from mentormatch.scoring._topic_fit import TopicFit, TopicMatrices
from mentormatch.topics import topic_index

__all__ = ["explain_pairs", "pair_reasons", "reasons_by_sub_cohorts", "sub_cohort"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
ObjectArray = NDArray[np.object_]


def sub_cohort(cohort: Cohort, mentees: Sequence[int], mentors: Sequence[int],
               lead: Sequence[Mentee] = ()) -> Cohort:
    """Return the cohort of some of ``cohort``'s people (by position), with no pair rules.

    ``lead``: mentees placed before them (placeholders). Not validated again:
    its people were validated in ``cohort``.
    """
    return Cohort.model_construct(
        mentees=(*lead, *(cohort.mentees[i] for i in mentees)),
        mentors=tuple(cohort.mentors[j] for j in mentors), forbidden=(), locked=(),
        vocabulary=None)


def explain_pairs(scorer: Scorer, cohort: Cohort, mentee_idx: ArrayLike, mentor_idx: ArrayLike,
                  *, topic_matrices: TopicMatrices | None = None
                  ) -> list[tuple[str, ...]] | None:
    """Reasons for many pairs at once, without any score matrix.

    The same tuples as ``scorer.score(cohort).reasons(i, j)`` for each pair
    (i, j), for a built-in scorer (:func:`is_builtin_scorer`); ``None`` for
    any other scorer. Each criterion's kernel gives its values and reasons
    for the listed pairs only.

    Parameters
    ----------
    scorer : Scorer
    cohort : Cohort
    mentee_idx, mentor_idx : array-like of int
        The pairs, by position in ``cohort.mentees`` and ``cohort.mentors``.
    topic_matrices : TopicMatrices, optional
        The cohort's topic matrices (``TopicMatrices.of(cohort)``) if already built.

    Returns
    -------
    list of tuple of str, or None
        One tuple per pair, the criterion contributing most first.

    Examples
    --------
    >>> import mentormatch as mm
    >>> from mentormatch.scoring import default_scorer
    >>> c = mm.example_cohort()
    >>> table = default_scorer().score(c)
    >>> explain_pairs(default_scorer(), c, [0, 6], [4, 3]) == [table.reasons(0, 4),
    ...                                                       table.reasons(6, 3)]
    True
    """
    e = np.asarray(mentee_idx, dtype=np.int64).reshape(-1)
    r = np.asarray(mentor_idx, dtype=np.int64).reshape(-1)
    if e.size != r.size:
        raise InvalidInputError(
            f"explain_pairs: {e.size} mentee indices but {r.size} mentor indices")
    if not is_builtin_scorer(scorer):
        return None
    if e.size == 0:
        return []
    columns: list[tuple[float, FloatArray, ObjectArray]] = []
    for kernel, weight in criterion_kernels(scorer, cohort, topic_matrices) or ():
        if weight > 0:
            value = (kernel.pair_fit(e, r) if isinstance(kernel, TopicFit)
                     else kernel.pair_values(e, r))
            columns.append((weight, value, kernel.pair_reasons(e, r)))
    if not columns:
        return [()] * e.size
    contributions = np.stack([w * value for w, value, _ in columns], axis=1)
    return rank_reasons(contributions, [texts for _, _, texts in columns])


def pair_reasons(cohort: Cohort, scorer: Scorer, mentee_idx: IntArray, mentor_idx: IntArray,
                 *, block: int = 512,
                 topic_matrices: TopicMatrices | None = None) -> list[tuple[str, ...]]:
    """Reasons for the given pairs, as ``scorer.score(cohort).reasons`` gives them.

    A built-in scorer explains all the pairs at once, without a score matrix
    (:func:`explain_pairs`); any other scorer runs through its own ``score()``
    on small sub-cohorts (:func:`reasons_by_sub_cohorts`).

    Examples
    --------
    >>> import numpy as np, mentormatch as mm
    >>> from mentormatch.scoring import default_scorer
    >>> c = mm.example_cohort()
    >>> dense = default_scorer().score(c)
    >>> pair_reasons(c, default_scorer(), np.array([0]), np.array([4]))[0] == dense.reasons(0, 4)
    True
    """
    fast = explain_pairs(scorer, cohort, mentee_idx, mentor_idx, topic_matrices=topic_matrices)
    if fast is not None:
        return fast
    return reasons_by_sub_cohorts(cohort, scorer, mentee_idx, mentor_idx, block=block)


def reasons_by_sub_cohorts(cohort: Cohort, scorer: Scorer, mentee_idx: IntArray,
                           mentor_idx: IntArray, *, block: int = 512) -> list[tuple[str, ...]]:
    """Reasons for the given pairs, from ``scorer.score()`` run on small sub-cohorts.

    Each block of mentees is scored with only the mentors paired with them,
    plus a leading placeholder mentee listing every topic in the cohort's
    order, so topic names come out in the same order as on the full cohort.
    Exact for a scorer whose pair values and reasons depend only on the pair.

    Examples
    --------
    >>> import numpy as np, mentormatch as mm
    >>> from mentormatch.scoring import default_scorer
    >>> c = mm.example_cohort()
    >>> why = reasons_by_sub_cohorts(c, default_scorer(), np.array([0]), np.array([4]))
    >>> why == [default_scorer().score(c).reasons(0, 4)]
    True
    """
    e = np.asarray(mentee_idx, dtype=np.int64)
    r = np.asarray(mentor_idx, dtype=np.int64)
    out: list[tuple[str, ...]] = [()] * e.size
    if e.size == 0:
        return out
    order_topics = topic_index(p.topics for p in (*cohort.mentees, *cohort.mentors))
    placeholder = Mentee.model_construct(id="\x00placeholder", topics=dict.fromkeys(
        order_topics, 1.0), demand=0)
    uniq_e = np.unique(e)
    for lo in range(0, uniq_e.size, block):
        rows = uniq_e[lo:lo + block]
        sel = np.flatnonzero(np.isin(e, rows))
        cols = np.unique(r[sel])
        table = scorer.score(sub_cohort(cohort, rows.tolist(), cols.tolist(), (placeholder,)))
        ri = np.searchsorted(rows, e[sel]) + 1
        ci = np.searchsorted(cols, r[sel])
        for q, a, b in zip(sel.tolist(), ri.tolist(), ci.tolist(), strict=True):
            out[q] = table.reasons(a, b)
    return out
