"""Block-by-block pair scoring and memory-bounded top-k selection for large cohorts.

A 100,000 x 20,000 cohort has 2e9 pairs: the dense score matrix (16 GB in
float64) does not fit. :class:`BlockScorer` scores blocks of mentee rows with
the same formulas as the built-in scorers (categorical criteria come from
small lookup tables), and ``_Selector`` keeps each mentee's best ``k``
admissible mentors and an upper bound on every pair it drops.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mentormatch.errors import InvalidInputError
from mentormatch.models import Cohort
from mentormatch.problem import MIN_SCORE_SLACK
from mentormatch.progress import Progress
from mentormatch.scoring import (
    AttributeScorer,
    ConcordanceScorer,
    ModalityScorer,
    Scorer,
    TopicMatrices,
    TopicScorer,
    TypeScorer,
    WeightedScorer,
    default_scorer,
)
from mentormatch.topics import topic_index

__all__ = ["DEFAULT_BLOCK_BYTES", "BlockScorer"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Default memory for one block of work (scores, keys and argpartition's indices).
DEFAULT_BLOCK_BYTES = 1 << 28
#: Largest (mentee group x mentor group) table of categorical sums built up front.
_TABLE_ENTRIES = 1 << 25


@dataclass(frozen=True, eq=False)
class _Categorical:
    """A criterion that depends on one small code per mentee and per mentor."""

    name: str
    weight: float
    e_code: IntArray
    r_code: IntArray
    lut: FloatArray  # (n_e_codes, n_r_codes)


def _flatten(scorer: Scorer, weight: float = 1.0) -> list[tuple[Scorer, float]]:
    if isinstance(scorer, WeightedScorer):
        out: list[tuple[Scorer, float]] = []
        for part, w in scorer.parts:
            out.extend(_flatten(part, weight * w))
        return out
    if isinstance(scorer, TopicScorer | TypeScorer | ModalityScorer | AttributeScorer
                  | ConcordanceScorer):
        return [(scorer, weight)]
    raise InvalidInputError(
        f"candidate scoring computes the built-in scorers block by block; {type(scorer).__name__}"
        " is not one of them (use a WeightedScorer of TopicScorer, TypeScorer, "
        "ModalityScorer, AttributeScorer, ConcordanceScorer, or solve the dense problem)")


def _codes(keys: NDArray[Any]) -> tuple[NDArray[Any], IntArray]:
    """Distinct rows of ``keys`` in lexicographic order, and each row's position among them.

    Integer rows whose columns span few values are encoded as one integer in
    mixed radix first (same order, much faster than a unique over rows).
    """
    if keys.ndim == 2 and keys.dtype.kind in "iu" and keys.shape[0] and keys.shape[1] > 1:
        lo = keys.min(axis=0).astype(np.int64)
        span = keys.max(axis=0).astype(np.int64) - lo + 1
        if float(np.prod(span.astype(np.float64))) < 2.0 ** 62:
            radix = np.cumprod(np.concatenate([[1], span[:0:-1]]))[::-1]
            code = (keys.astype(np.int64) - lo) @ radix
            _, first, inv = np.unique(code, return_index=True, return_inverse=True)
            return keys[first], inv.reshape(-1).astype(np.int64)
    uniq, inv = np.unique(keys, axis=0, return_inverse=True)
    return uniq, inv.reshape(-1).astype(np.int64)


def _set_criterion(cohort: Cohort, attr: str, name: str, weight: float) -> _Categorical:
    """Encode the scorers' set match: 1 shared, 0 both stated and disjoint, else 0.5."""
    e_raw = [tuple(getattr(p, attr)) for p in cohort.mentees]
    r_raw = [tuple(getattr(p, attr)) for p in cohort.mentors]
    # Each distinct value set once, in first-appearance order: the same index
    # as numbering the values of every person in turn.
    distinct = {key: [str(v) for v in key] for key in dict.fromkeys([*e_raw, *r_raw])}
    index = topic_index(distinct.values())
    if len(index) > 62:
        raise InvalidInputError(f"{attr}: more than 62 distinct values; use the dense scorer")
    mask = {key: sum(1 << index[v] for v in set(items)) for key, items in distinct.items()}

    def masks(raw: list[tuple[Any, ...]]) -> IntArray:
        return np.fromiter(map(mask.__getitem__, raw), dtype=np.int64, count=len(raw))

    e_u, e_code = _codes(masks(e_raw))
    r_u, r_code = _codes(masks(r_raw))
    shared = (e_u[:, None] & r_u[None, :]) != 0
    stated = (e_u != 0)[:, None] & (r_u != 0)[None, :]
    lut = np.where(shared, 1.0, np.where(stated, 0.0, 0.5))
    return _Categorical(name, weight, e_code, r_code, lut)


def _value_keys(a: Sequence[object], b: Sequence[object]) -> tuple[IntArray, IntArray]:
    """Equality keys as in the scorers: -1 unknown mentee value, -2 unknown mentor value.

    Known values are numbered by first appearance of ``str(value)``; each
    distinct value (with its type) is turned into a string once.
    """
    typed_a = list(zip(map(type, a), a, strict=True))
    typed_b = list(zip(map(type, b), b, strict=True))
    number: dict[str, int] = {}
    code = {key: -1 if key[1] is None else number.setdefault(str(key[1]), len(number))
            for key in dict.fromkeys([*typed_a, *typed_b])}
    ka = np.fromiter(map(code.__getitem__, typed_a), dtype=np.int64, count=len(typed_a))
    kb = np.fromiter(map(code.__getitem__, typed_b), dtype=np.int64, count=len(typed_b))
    kb[kb == -1] = -2
    return ka, kb


def _same(ka: IntArray, kb: IntArray) -> FloatArray:
    known = (ka >= 0)[:, None] & (kb >= 0)[None, :]
    out: FloatArray = np.where(ka[:, None] == kb[None, :], 1.0, np.where(known, 0.0, 0.5))
    return out


def _attribute_criterion(cohort: Cohort, attr: str, weight: float) -> _Categorical:
    ka, kb = _value_keys([getattr(p, attr) for p in cohort.mentees],
                         [getattr(p, attr) for p in cohort.mentors])
    e_u, e_code = _codes(ka)
    r_u, r_code = _codes(kb)
    return _Categorical(attr, weight, e_code, r_code, _same(e_u, r_u))


def _concordance_criterion(cohort: Cohort, weight: float) -> _Categorical:
    n_e = len(cohort.mentees)
    e_cols: list[IntArray] = []
    r_cols: list[IntArray] = []
    for attr in ("gender", "background"):
        asks = np.array([attr in p.concordance for p in cohort.mentees], dtype=np.int64)
        ka, kb = _value_keys([getattr(p, attr) for p in cohort.mentees],
                             [getattr(p, attr) for p in cohort.mentors])
        e_cols += [asks.reshape(n_e), ka]
        r_cols.append(kb)
    e_u, e_code = _codes(np.stack(e_cols, axis=1))
    r_u, r_code = _codes(np.stack(r_cols, axis=1))
    met = np.ones((e_u.shape[0], r_u.shape[0]), dtype=bool)
    any_asked = np.zeros(e_u.shape[0], dtype=bool)
    for k in range(2):
        asks = e_u[:, 2 * k] == 1
        any_asked |= asks
        same = _same(e_u[:, 2 * k + 1], r_u[:, k]) == 1.0
        met &= np.where(asks[:, None], same, True)
    lut = np.where(any_asked[:, None], met.astype(np.float64), 0.5)
    return _Categorical("concordance", weight, e_code, r_code, lut)


@dataclass(frozen=True, eq=False)
class ColumnSubset:
    """Some mentor columns with what scoring and masking them needs, gathered once."""

    positions: IntArray  # sorted positions in ``BlockScorer.perm`` order
    offered_t: FloatArray  # the scorer's offered_any_perm_t at those columns
    groups: IntArray  # their mentor groups
    dead: IntArray  # indices (into positions) of mentors without capacity


class BlockScorer:
    """Pair scores of any rows of a cohort, computed block by block.

    The same numbers as ``scorer.score(cohort)`` (up to floating-point
    rounding) for any :class:`~mentormatch.scoring.WeightedScorer` built from
    the built-in scorers, without ever holding the full matrix: topic fit is
    one matrix product per block; type, modality, site and concordance depend
    on a small code per person and come from lookup tables.

    Parameters
    ----------
    cohort : Cohort
    scorer : Scorer, optional
        Defaults to :func:`mentormatch.scoring.default_scorer`.
    topic_matrices : TopicMatrices, optional
        Reused if already built.

    Raises
    ------
    InvalidInputError
        If the scorer is not made of built-in scorers.

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
        parts = _flatten(scorer if scorer is not None else default_scorer())
        self.n_mentees, self.n_mentors = len(cohort.mentees), len(cohort.mentors)
        tm = topic_matrices if topic_matrices is not None else TopicMatrices.of(cohort)
        self.topic_weight = 0.0
        self.categorical: list[_Categorical] = []
        for part, w in parts:
            if isinstance(part, TopicScorer):
                self.topic_weight += w
            elif isinstance(part, TypeScorer):
                self.categorical.append(_set_criterion(cohort, "types", "types", w))
            elif isinstance(part, ModalityScorer):
                self.categorical.append(_set_criterion(cohort, "modalities", "modality", w))
            elif isinstance(part, AttributeScorer):
                self.categorical.append(_attribute_criterion(cohort, part.attribute, w))
            else:
                self.categorical.append(_concordance_criterion(cohort, w))
        self.asked = np.ascontiguousarray(tm.asked, dtype=np.float64)
        self.offered = np.ascontiguousarray(tm.offered, dtype=np.float64)
        self.asked_any = (self.asked > 0).astype(np.float64)
        self.offered_any = (self.offered > 0).astype(np.float64)
        self.asked_total = self.asked.sum(axis=1)
        self.offered_total = self.offered.sum(axis=1)
        # Mentors grouped by their combined categorical codes: one lookup per group.
        n_r = self.n_mentors
        if self.categorical and n_r:
            stacked = np.stack([c.r_code for c in self.categorical], axis=1)
            groups, self.mentor_group = _codes(stacked)
            self.group_codes: IntArray = groups.reshape(len(groups), -1).astype(np.int64)
        else:
            self.mentor_group = np.zeros(n_r, dtype=np.int64)
            self.group_codes = np.zeros((1, 0), dtype=np.int64)
        # Columns in group order make the per-block gather sequential.
        self.perm: IntArray = np.argsort(self.mentor_group, kind="stable").astype(np.int64)
        self.group_sorted = self.mentor_group[self.perm]
        self.offered_any_perm_t = np.ascontiguousarray(self.offered_any[self.perm].T)
        # Mentees grouped the same way; the (mentee group x mentor group) table of
        # categorical sums is built once when it is small enough, else per block.
        self.cat_table: FloatArray | None = None
        if self.categorical and self.n_mentees:
            stacked_e = np.stack([c.e_code for c in self.categorical], axis=1)
            e_groups, self.mentee_group = _codes(stacked_e)
            e_groups = e_groups.reshape(len(e_groups), -1).astype(np.int64)
            if e_groups.shape[0] * self.group_codes.shape[0] <= _TABLE_ENTRIES:
                self.cat_table = self._categorical_table(e_groups)

    def _topic_rows(self, rows: IntArray, out: FloatArray,
                    columns: ColumnSubset | None = None) -> None:
        """Topic criterion (mentee view), weighted, into ``out`` (columns in ``perm`` order)."""
        offered = self.offered_any_perm_t if columns is None else columns.offered_t
        np.matmul(self.asked[rows], offered, out=out)
        total = self.asked_total[rows]
        scale = np.divide(self.topic_weight, total, out=np.zeros_like(total), where=total > 0)
        out *= scale[:, None]

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
        codes = np.stack([c.e_code[rows] for c in self.categorical], axis=1)
        return self._categorical_table(codes.reshape(rows.size, -1))

    def block_perm(self, rows: IntArray, out: FloatArray | None = None,
                   columns: ColumnSubset | None = None) -> FloatArray:
        """Mentee-view scores of ``rows`` with mentor columns in ``self.perm`` order.

        ``columns`` restricts the block to some columns (see :meth:`_Selector.subset`).
        """
        rows = np.asarray(rows, dtype=np.int64)
        n_cols = self.n_mentors if columns is None else columns.positions.size
        buf = out if out is not None else np.empty((rows.size, n_cols))
        self._topic_rows(rows, buf, columns)
        if self.categorical:
            table = self._categorical_rows(rows)
            groups = self.group_sorted if columns is None else columns.groups
            buf += np.take(table, groups, axis=1)
        return buf

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
        return float(best)

    def pair_values(self, mentee_idx: ArrayLike,
                    mentor_idx: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Mentee-view and mentor-view scores of the given pairs (vectorised, no matrix)."""
        e = np.asarray(mentee_idx, dtype=np.int64).reshape(-1)
        r = np.asarray(mentor_idx, dtype=np.int64).reshape(-1)
        mentee_view = np.zeros(e.size)
        mentor_view = np.zeros(e.size)
        step = 1 << 16
        for lo in range(0, e.size, step):
            ee, rr = e[lo:lo + step], r[lo:lo + step]
            a_tot, o_tot = self.asked_total[ee], self.offered_total[rr]
            fit = np.einsum("ij,ij->i", self.asked[ee], self.offered_any[rr])
            back = np.einsum("ij,ij->i", self.asked_any[ee], self.offered[rr])
            t_e = np.divide(fit, a_tot, out=np.zeros_like(fit), where=a_tot > 0)
            t_r = np.divide(back, o_tot, out=np.zeros_like(back), where=o_tot > 0)
            cat = np.zeros(ee.size)
            for crit in self.categorical:
                cat += crit.weight * crit.lut[crit.e_code[ee], crit.r_code[rr]]
            mentee_view[lo:lo + step] = self.topic_weight * t_e + cat
            mentor_view[lo:lo + step] = self.topic_weight * t_r + cat
        return mentee_view, mentor_view


# --------------------------------------------------------------------------- selection


@dataclass(frozen=True, eq=False)
class _Selection:
    mentee: IntArray
    mentor: IntArray
    score: FloatArray
    bound: FloatArray  # per selected row


class _Selector:
    """Top-k admissible mentors of any rows, ties broken by mentor index, memory bounded."""

    def __init__(self, scorer: BlockScorer, *, excluded: IntArray, dead_mentors: BoolArray,
                 min_score: float | None, block_bytes: int) -> None:
        self.scorer = scorer
        n_r = scorer.n_mentors
        self.n_r = n_r
        inv = np.empty(n_r, dtype=np.int64)
        inv[scorer.perm] = np.arange(n_r)
        self.inv_perm = inv
        # key = floor(score * Q) * n_r + (n_r - 1 - mentor): distinct, exact in float64.
        bits = max(int(math.ceil(math.log2(n_r + 1))), 1)
        self.quantum = float(2.0 ** (51 - bits))
        self.tie = (n_r - 1 - scorer.perm).astype(np.float64)
        ex = excluded.reshape(-1, 2)
        order = np.lexsort((ex[:, 1], ex[:, 0]))
        self.ex_rows = ex[order, 0]
        self.ex_cols = inv[ex[order, 1]] if ex.size else np.zeros(0, dtype=np.int64)
        self.dead_cols = np.flatnonzero(dead_mentors[scorer.perm])
        self.min_score = min_score
        # score buffer + key buffer + argpartition's int64 indices, 8 bytes each.
        self.block_rows = max(1, int(block_bytes // max(24 * n_r, 1)))

    def blocks(self, rows: IntArray) -> Iterator[IntArray]:
        for lo in range(0, rows.size, self.block_rows):
            yield rows[lo:lo + self.block_rows]

    def select(self, rows: IntArray, k: int, progress: Progress | None = None) -> _Selection:
        """Top ``k`` admissible mentors of each row by score (ties: lower mentor index)."""
        n_r = self.n_r
        kk = min(k, n_r)
        out_e: list[IntArray] = []
        out_r: list[IntArray] = []
        out_s: list[FloatArray] = []
        out_b: list[FloatArray] = []
        buf = np.empty((min(self.block_rows, max(rows.size, 1)), n_r))
        key = np.empty_like(buf)
        for block in self.blocks(rows):
            b = block.size
            s = self.scorer.block_perm(block, out=buf[:b])
            self._mask(block, s)
            kb = key[:b]
            np.multiply(s, self.quantum, out=kb)
            np.floor(kb, out=kb)
            kb *= n_r
            kb += self.tie[None, :]
            if kk + 1 <= n_r:
                top = np.argpartition(kb, n_r - kk - 1, axis=1)[:, n_r - kk - 1:]
            else:
                top = np.broadcast_to(np.arange(n_r), (b, n_r)).copy()
            top_keys = np.take_along_axis(kb, top, axis=1)
            order = np.argsort(-top_keys, axis=1, kind="stable")
            top = np.take_along_axis(top, order, axis=1)
            top_scores = np.take_along_axis(s, top, axis=1)
            if kk < n_r:
                nxt = top_scores[:, kk]
                bound = np.where(np.isfinite(nxt),
                                 (np.floor(nxt * self.quantum) + 1.0) / self.quantum, -np.inf)
                top, top_scores = top[:, :kk], top_scores[:, :kk]
            else:
                bound = np.full(b, -np.inf)
            keep = np.isfinite(top_scores)
            out_e.append(np.repeat(block, keep.sum(axis=1)))
            out_r.append(self.scorer.perm[top[keep]])
            out_s.append(top_scores[keep])
            out_b.append(bound)
            if progress is not None:
                progress.update(b)
        cat = np.concatenate
        if not out_e:
            empty = np.zeros(0)
            return _Selection(np.zeros(0, np.int64), np.zeros(0, np.int64), empty, empty)
        return _Selection(cat(out_e).astype(np.int64), cat(out_r).astype(np.int64),
                          cat(out_s), cat(out_b))

    def subset(self, positions: IntArray) -> ColumnSubset:
        """Gather what scoring some columns (sorted ``perm`` positions) needs, once."""
        sc = self.scorer
        return ColumnSubset(positions, np.ascontiguousarray(sc.offered_any_perm_t[:, positions]),
                            sc.group_sorted[positions],
                            np.flatnonzero(np.isin(positions, self.dead_cols)))

    def _mask(self, block: IntArray, s: FloatArray, columns: ColumnSubset | None = None) -> None:
        """Set inadmissible pairs to -inf: excluded, no-capacity mentors, below min_score.

        ``columns`` when ``s`` has only those columns.
        """
        if self.dead_cols.size:
            s[:, self.dead_cols if columns is None else columns.dead] = -np.inf
        if self.min_score is not None:
            np.putmask(s, s < self.min_score - MIN_SCORE_SLACK, -np.inf)
        if self.ex_rows.size:
            lo = np.searchsorted(self.ex_rows, block[0])
            hi = np.searchsorted(self.ex_rows, block[-1], side="right")
            rows, cols = self.ex_rows[lo:hi], self.ex_cols[lo:hi]
            if columns is not None:
                pos = columns.positions
                at = np.minimum(np.searchsorted(pos, cols), max(pos.size - 1, 0))
                inside = pos[at] == cols if pos.size else np.zeros(cols.size, bool)
                rows, cols = rows[inside], at[inside]
            where = np.searchsorted(block, rows)
            where = np.minimum(where, block.size - 1)
            hit = block[where] == rows
            s[where[hit], cols[hit]] = -np.inf
