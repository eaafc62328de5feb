"""Pair scores of a cohort computed block by block, for cohorts too large for a dense matrix.

A 100,000 x 20,000 cohort has 2e9 pairs: the dense score matrix (16 GB in
float64) does not fit. :func:`block_scorer` returns what scores any rows
(or listed pairs) of such a cohort: a :class:`BlockScorer` for a built-in
scorer, which computes the scorer's own kernels vectorised (topic fit as one
matrix product per block, every other criterion from small lookup tables), or
a :class:`SubCohortScorer` for any other scorer, which runs its ``score()``
on sub-cohorts. A scorer is never replaced by another formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mentormatch.errors import InvalidInputError
from mentormatch.models import Cohort
from mentormatch.scoring._base import MIN_SCORE_SLACK, Scorer
from mentormatch.scoring._builtin import default_scorer
from mentormatch.scoring._coded import CodedCriterion, codes
from mentormatch.scoring._kernels import BUILTIN_SCORERS, criterion_kernels, is_builtin_scorer
from mentormatch.scoring._pairs import sub_cohort
from mentormatch.scoring._ranked import RankedChoices
from mentormatch.scoring._topic_fit import TopicFit, TopicMatrices

__all__ = ["BlockScorer", "BlockScores", "ColumnSubset", "SubCohortScorer", "block_scorer"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Largest (mentee group x mentor group) table of categorical sums built up front.
_TABLE_ENTRIES = 1 << 25
#: Pairs scored per sub-cohort by :meth:`SubCohortScorer.pair_values` (its mentees).
_SUB_COHORT_ROWS = 512


@dataclass(frozen=True, eq=False)
class ColumnSubset:
    """Some mentor columns with what scoring and masking them needs, gathered once.

    Attributes
    ----------
    positions : ndarray of int
        Sorted positions in the scorer's ``perm`` order.
    offered_t, groups : ndarray or None
        What a :class:`BlockScorer` reads of those columns (topic columns,
        transposed; mentor groups); None for a :class:`SubCohortScorer`.
    dead : ndarray of int
        Indices (into ``positions``) of mentors without capacity, set by the
        caller that masks them.
    """

    positions: IntArray
    offered_t: FloatArray | None
    groups: IntArray | None
    dead: IntArray


class BlockScores(Protocol):
    """What block-by-block matching reads of a scorer: scores of rows, of columns, of pairs.

    Mentor columns come in the scorer's ``perm`` order (grouping columns that
    score alike makes a block's gather sequential).
    """

    n_mentees: int
    n_mentors: int
    perm: IntArray

    def block_perm(self, rows: IntArray, out: FloatArray | None = None,
                   columns: ColumnSubset | None = None) -> FloatArray:
        """Mentee-view scores of ``rows``, mentor columns in ``perm`` order."""
        ...

    def block(self, rows: ArrayLike) -> FloatArray:
        """Mentee-view scores of ``rows`` against every mentor, in input column order."""
        ...

    def columns(self, positions: IntArray) -> ColumnSubset:
        """Gather what scoring the columns at sorted ``perm`` positions needs, once."""
        ...

    def max_score(self) -> float:
        """Return an upper bound on every pair's score."""
        ...

    def pair_values(self, mentee_idx: ArrayLike,
                    mentor_idx: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Mentee-view and mentor-view scores of the given pairs."""
        ...


def block_scorer(cohort: Cohort, scorer: Scorer | None = None, *,
                 topic_matrices: TopicMatrices | None = None) -> BlockScores:
    """Return the block-by-block scores of ``scorer`` on ``cohort``.

    A :class:`BlockScorer` for a built-in scorer (:func:`is_builtin_scorer`),
    else a :class:`SubCohortScorer`.

    Examples
    --------
    >>> import mentormatch as mm
    >>> from mentormatch.scoring import TopicScorer
    >>> class Mine(TopicScorer):
    ...     pass
    >>> c = mm.example_cohort()
    >>> type(block_scorer(c)).__name__, type(block_scorer(c, Mine())).__name__
    ('BlockScorer', 'SubCohortScorer')
    """
    scorer = scorer if scorer is not None else default_scorer(cohort)
    if is_builtin_scorer(scorer):
        return BlockScorer(cohort, scorer, topic_matrices=topic_matrices)
    return SubCohortScorer(cohort, scorer)


@dataclass(frozen=True, eq=False)
class _Categorical:
    """A coded criterion with its weight, as the block scorer sums it."""

    name: str
    weight: float
    e_code: IntArray
    r_code: IntArray
    lut: FloatArray  # (n_e_codes, n_r_codes)

    @classmethod
    def of(cls, criterion: CodedCriterion | RankedChoices, weight: float) -> _Categorical:
        return cls(criterion.name, weight, criterion.e_code, criterion.r_code, criterion.lut)


class BlockScorer:
    """Pair scores of any rows of a cohort, computed block by block.

    The same numbers as ``scorer.score(cohort)`` (up to floating-point
    rounding) for a built-in scorer, from the same kernels, without ever
    holding the full matrix: topic fit is one matrix product per block; the
    other criteria depend on a small code per person and come from lookup
    tables, summed once per (mentee group, mentor group); ranked choices are
    such a table plus a correction at each ranked pair.

    Parameters
    ----------
    cohort : Cohort
    scorer : Scorer, optional
        A built-in scorer (:func:`is_builtin_scorer`); defaults to
        :func:`mentormatch.scoring.default_scorer`.
    topic_matrices : TopicMatrices, optional
        Reused if already built.

    Raises
    ------
    InvalidInputError
        If the scorer is not built in (:func:`block_scorer` then picks a
        :class:`SubCohortScorer`).

    Examples
    --------
    >>> import numpy as np, mentormatch as mm
    >>> from mentormatch.scoring import default_scorer
    >>> c = mm.example_cohort()
    >>> bs = BlockScorer(c)
    >>> dense = default_scorer().score(c)
    >>> np.allclose(bs.block(np.arange(7)), dense.mentee_scores)
    True
    >>> np.allclose(bs.pair_values([0, 6], [3, 32])[1], dense.mentor_scores[[0, 6], [3, 32]])
    True
    """

    def __init__(self, cohort: Cohort, scorer: Scorer | None = None, *,
                 topic_matrices: TopicMatrices | None = None) -> None:
        scorer = scorer if scorer is not None else default_scorer(cohort)
        tm = topic_matrices if topic_matrices is not None else TopicMatrices.of(cohort)
        kernels = criterion_kernels(scorer, cohort, tm)
        if kernels is None:
            known = ", ".join(t.__name__ for t in BUILTIN_SCORERS)
            raise InvalidInputError(
                f"BlockScorer computes the built-in scorers block by block ({known}, or a "
                f"WeightedScorer of them, by exact type); {type(scorer).__name__} is not one "
                "of them: use block_scorer(), which scores it through its own score() on "
                "sub-cohorts, or solve the dense problem")
        self.n_mentees, self.n_mentors = len(cohort.mentees), len(cohort.mentors)
        self.topic = TopicFit(tm)
        self.topic_weight = 0.0
        self.categorical: list[_Categorical] = []
        self.ranked: list[tuple[RankedChoices, float]] = []
        for kernel, weight in kernels:
            if isinstance(kernel, TopicFit):
                self.topic_weight += weight
            else:
                self.categorical.append(_Categorical.of(kernel, weight))
                if isinstance(kernel, RankedChoices) and kernel.keys.size:
                    self.ranked.append((kernel, weight))
        self._group_mentors()
        self._group_mentees()

    def _group_mentors(self) -> None:
        """Mentors grouped by their combined categorical codes: one lookup per group."""
        n_r = self.n_mentors
        if self.categorical and n_r:
            stacked = np.stack([c.r_code for c in self.categorical], axis=1)
            groups, self.mentor_group = codes(stacked)
            self.group_codes: IntArray = groups.reshape(len(groups), -1).astype(np.int64)
        else:
            self.mentor_group = np.zeros(n_r, dtype=np.int64)
            # No mentors: no group, but one code column per criterion all the same.
            self.group_codes = np.zeros((1 if n_r else 0, 0 if n_r else len(self.categorical)),
                                        dtype=np.int64)
        # Columns in group order make the per-block gather sequential.
        self.perm: IntArray = np.argsort(self.mentor_group, kind="stable").astype(np.int64)
        self.perm_position = np.empty(n_r, dtype=np.int64)
        self.perm_position[self.perm] = np.arange(n_r, dtype=np.int64)
        self.group_sorted = self.mentor_group[self.perm]
        self.offered_any_perm_t = np.ascontiguousarray(self.topic.offered_any[self.perm].T)

    def _group_mentees(self) -> None:
        """Mentees grouped the same way; their table of categorical sums if small enough."""
        self.cat_table: FloatArray | None = None
        if self.categorical and self.n_mentees:
            stacked_e = np.stack([c.e_code for c in self.categorical], axis=1)
            e_groups, self.mentee_group = codes(stacked_e)
            e_groups = e_groups.reshape(len(e_groups), -1).astype(np.int64)
            if e_groups.shape[0] * self.group_codes.shape[0] <= _TABLE_ENTRIES:
                self.cat_table = self._categorical_table(e_groups)

    def _categorical_table(self, e_codes: IntArray) -> FloatArray:
        """Weighted categorical sums for mentees with codes ``e_codes``, per mentor group.

        Criteria are added in order, each as ``weight * lut`` (the same sums to
        the last bit), a few rows at a time so the work stays in cache.
        """
        n_groups = self.group_codes.shape[0]
        table = np.zeros((e_codes.shape[0], n_groups))
        weighted = [crit.weight * crit.lut for crit in self.categorical]
        group_codes = [np.ascontiguousarray(self.group_codes[:, k]) for k in range(len(weighted))]
        step = max(1, (1 << 15) // max(n_groups, 1))
        buf = np.empty((min(step, e_codes.shape[0]), n_groups))
        for lo in range(0, e_codes.shape[0], step):
            out = table[lo:lo + step]
            part = buf[:out.shape[0]]
            for k, wl in enumerate(weighted):
                np.take(wl[e_codes[lo:lo + step, k]], group_codes[k], axis=1, out=part)
                out += part
        return table

    def _categorical_rows(self, rows: IntArray) -> FloatArray:
        """Weighted sum of the categorical criteria, shape (len(rows), n_groups)."""
        if self.cat_table is not None:
            return np.take(self.cat_table, self.mentee_group[rows], axis=0)
        e_codes = np.stack([c.e_code[rows] for c in self.categorical], axis=1)
        return self._categorical_table(e_codes.reshape(rows.size, -1))

    def columns(self, positions: IntArray) -> ColumnSubset:
        """Gather what scoring the columns at sorted ``perm`` positions needs, once."""
        return ColumnSubset(positions, np.ascontiguousarray(self.offered_any_perm_t[:, positions]),
                            self.group_sorted[positions], np.zeros(0, dtype=np.int64))

    def block_perm(self, rows: IntArray, out: FloatArray | None = None,
                   columns: ColumnSubset | None = None) -> FloatArray:
        """Mentee-view scores of ``rows`` with mentor columns in ``self.perm`` order.

        ``columns`` restricts the block to some columns (see :meth:`columns`).
        """
        rows = np.asarray(rows, dtype=np.int64)
        n_cols = self.n_mentors if columns is None else columns.positions.size
        buf = out if out is not None else np.empty((rows.size, n_cols))
        offered_t = self.offered_any_perm_t if columns is None else columns.offered_t
        groups = self.group_sorted if columns is None else columns.groups
        if offered_t is None or groups is None:
            raise InvalidInputError("BlockScorer.block_perm: columns not gathered by this scorer")
        self.topic.rows_into(rows, offered_t, self.topic_weight, buf)
        if self.categorical:
            buf += np.take(self._categorical_rows(rows), groups, axis=1)
        for kernel, weight in self.ranked:
            self._add_ranked(kernel, weight, rows, buf, columns)
        return buf

    def _add_ranked(self, kernel: RankedChoices, weight: float, rows: IntArray,
                    buf: FloatArray, columns: ColumnSubset | None) -> None:
        """Add the ranked pairs' corrections of ``rows`` to ``buf`` (columns in perm order)."""
        local, mentor, delta = kernel.block_corrections(rows)
        col = self.perm_position[mentor]
        if columns is not None:
            at = np.minimum(np.searchsorted(columns.positions, col),
                            max(columns.positions.size - 1, 0))
            keep = (columns.positions[at] == col) if columns.positions.size else col < 0
            local, col, delta = local[keep], at[keep], delta[keep]
        buf[local, col] += weight * delta
    def block(self, rows: ArrayLike) -> FloatArray:
        """Mentee-view scores of ``rows`` against every mentor, in input column order."""
        idx = np.asarray(rows, dtype=np.int64).reshape(-1)
        perm_scores = self.block_perm(idx)
        out = np.empty_like(perm_scores)
        out[:, self.perm] = perm_scores
        return out

    def max_score(self) -> float:
        """Return the highest score any pair could have (weights times criteria maxima)."""
        best = max(self.topic_weight, 0.0)
        for crit in self.categorical:
            best += max(crit.weight * float(crit.lut.max(initial=0.0)),
                        crit.weight * float(crit.lut.min(initial=0.0)))
        for kernel, weight in self.ranked:
            best += max(weight * float(kernel.delta.max(initial=0.0)), 0.0)
        return float(best)

    def pair_values(self, mentee_idx: ArrayLike,
                    mentor_idx: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Mentee-view and mentor-view scores of the given pairs (vectorised, no matrix)."""
        e = np.asarray(mentee_idx, dtype=np.int64).reshape(-1)
        r = np.asarray(mentor_idx, dtype=np.int64).reshape(-1)
        t_e, t_r = self.topic.pair_views(e, r)
        cat = np.zeros(e.size)
        for crit in self.categorical:
            cat += crit.weight * crit.lut[crit.e_code[e], crit.r_code[r]]
        for kernel, weight in self.ranked:
            pos, found = kernel.find(e, r)
            cat += np.where(found, weight * kernel.delta[pos], 0.0)
        return self.topic_weight * t_e + cat, self.topic_weight * t_r + cat


class SubCohortScorer:
    """Pair scores of any scorer, through its own ``score()`` on sub-cohorts.

    What :func:`block_scorer` picks for a scorer that is not built in: rows
    are scored with ``scorer.score()`` on the cohort of those mentees and the
    wanted mentors only. That is exact when a pair's score depends only on
    that mentee and that mentor (as every built-in scorer's does); a scorer
    whose values move with who else is in the cohort is refused, as is one
    whose scores leave [0, 1] (block-by-block matching orders and bounds
    scores in that range, where every built-in scorer's lie). Slower than a
    :class:`BlockScorer`: the scorer runs once per block of rows, and may be
    called from two threads at once (the large path's passes run on two).

    Parameters
    ----------
    cohort : Cohort
    scorer : Scorer

    Raises
    ------
    InvalidInputError
        If a pair's score changes with the rest of the sub-cohort (checked on a
        few pairs up front), or a score falls outside [0, 1].

    Examples
    --------
    >>> import numpy as np, mentormatch as mm
    >>> from mentormatch.scoring import TopicScorer
    >>> class Mine(TopicScorer):
    ...     def score(self, cohort):
    ...         return mm.scoring.WeightedScorer([(TopicScorer(), 1.0)]).score(cohort)
    >>> c = mm.example_cohort()
    >>> sc = SubCohortScorer(c, Mine())
    >>> np.allclose(sc.block([0, 1]), TopicScorer().score(c).mentee_scores[:2])
    True
    """

    def __init__(self, cohort: Cohort, scorer: Scorer) -> None:
        self.cohort = cohort
        self.scorer = scorer
        self.n_mentees, self.n_mentors = len(cohort.mentees), len(cohort.mentors)
        self.perm: IntArray = np.arange(self.n_mentors, dtype=np.int64)
        self._check_pair_local()

    def _views(self, rows: IntArray, cols: IntArray, *, mentor_view: bool = False
               ) -> list[FloatArray]:
        """Return the views of the pairs ``rows`` x ``cols``, scored on their sub-cohort.

        The mentee view, then (with ``mentor_view``) the mentor view.
        """
        table = self.scorer.score(sub_cohort(self.cohort, rows.tolist(), cols.tolist()))
        views = [table.mentee_scores, *([table.mentor_scores] if mentor_view else [])]
        for values in views:
            self._check_values(values, rows, cols)
        return views

    def _check_values(self, values: FloatArray, rows: IntArray, cols: IntArray) -> None:
        name = type(self.scorer).__name__
        if values.shape != (rows.size, cols.size):
            raise InvalidInputError(f"{name}.score() returned a {values.shape} table for a "
                                    f"cohort of {rows.size} mentees and {cols.size} mentors")
        bad = ~((values >= -MIN_SCORE_SLACK) & (values <= 1.0 + MIN_SCORE_SLACK))
        if bad.any():
            i, j = np.argwhere(bad)[0].tolist()
            raise InvalidInputError(
                f"{name} scores pair ({self.cohort.mentee_ids[rows[i]]}, "
                f"{self.cohort.mentor_ids[cols[j]]}) {values[i, j]}, outside [0, 1]: "
                "block-by-block matching needs scores in [0, 1] (as the built-in scorers' and "
                "weighted mixes of them are); rescale the scorer, or solve the dense problem")

    def _check_pair_local(self) -> None:
        """Score a few pairs alone and among others; refuse if their values differ."""
        n_e, n_r = self.n_mentees, self.n_mentors
        if n_e == 0 or n_r == 0:
            return
        n = min(max(n_e, n_r), 8)
        rows = np.linspace(0, n_e - 1, n).round().astype(np.int64)
        cols = np.linspace(0, n_r - 1, n).round().astype(np.int64)
        (some_e, at_e), (some_r, at_r) = (np.unique(x, return_inverse=True) for x in (rows, cols))
        among = self._views(some_e, some_r, mentor_view=True)
        for q in range(n):
            alone = self._views(rows[q:q + 1], cols[q:q + 1], mentor_view=True)
            if not all(abs(float(a[0, 0]) - float(b[at_e[q], at_r[q]])) <= 1e-9
                       for a, b in zip(alone, among, strict=True)):
                raise InvalidInputError(
                    f"{type(self.scorer).__name__} scores pair ({self.cohort.mentee_ids[rows[q]]}"
                    f", {self.cohort.mentor_ids[cols[q]]}) differently depending on who else "
                    "is in the cohort, so it cannot be computed on sub-cohorts: solve the dense "
                    "problem (no candidates=), or make each pair's score depend on that pair "
                    "only")

    def columns(self, positions: IntArray) -> ColumnSubset:
        """Return the columns at sorted positions (mentor indices: ``perm`` is the identity)."""
        return ColumnSubset(positions, None, None, np.zeros(0, dtype=np.int64))

    def block_perm(self, rows: IntArray, out: FloatArray | None = None,
                   columns: ColumnSubset | None = None) -> FloatArray:
        """Mentee-view scores of ``rows`` (columns: every mentor, or ``columns``)."""
        rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        cols = self.perm if columns is None else columns.positions
        values = self._views(rows, cols)[0]
        if out is None:
            return np.array(values, dtype=np.float64)
        out[...] = values
        return out

    def block(self, rows: ArrayLike) -> FloatArray:
        """Mentee-view scores of ``rows`` against every mentor."""
        return self.block_perm(np.asarray(rows, dtype=np.int64).reshape(-1))

    def max_score(self) -> float:
        """Return 1.0: every score is checked to lie in [0, 1]."""
        return 1.0

    def pair_values(self, mentee_idx: ArrayLike,
                    mentor_idx: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Mentee-view and mentor-view scores of the given pairs, a few mentees at a time."""
        e = np.asarray(mentee_idx, dtype=np.int64).reshape(-1)
        r = np.asarray(mentor_idx, dtype=np.int64).reshape(-1)
        mentee_view, mentor_view = np.zeros(e.size), np.zeros(e.size)
        uniq_e = np.unique(e)
        for lo in range(0, uniq_e.size, _SUB_COHORT_ROWS):
            rows = uniq_e[lo:lo + _SUB_COHORT_ROWS]
            sel = np.flatnonzero(np.isin(e, rows))
            cols = np.unique(r[sel])
            ri, ci = np.searchsorted(rows, e[sel]), np.searchsorted(cols, r[sel])
            there, back = self._views(rows, cols, mentor_view=True)
            mentee_view[sel], mentor_view[sel] = there[ri, ci], back[ri, ci]
        return mentee_view, mentor_view
