"""Sparse candidate scoring for large cohorts, and certification of pruned optima.

A 100,000 x 20,000 cohort has 2e9 pairs: the dense score matrix (16 GB in
float64) does not fit. :class:`BlockScorer` scores blocks of mentee rows with
the same formulas as the built-in scorers, keeps each mentee's best ``k``
admissible mentors and an upper bound on every pair it drops, and
:class:`CandidateProblem` holds the result as edge arrays that the edge-based
solvers (``flow``, ``stable``, ``greedy``) take like a :class:`MatchProblem`.

When the exact ``flow`` solver runs on the candidates, :func:`match_candidates`
certifies the answer against the full problem with the solver's dual
potentials: a dropped pair could only improve the optimum if its score beat the
mentee's and mentor's potentials, and each mentee's dropped scores are all below
the bound, so a per-mentee comparison suffices; the few mentees it cannot clear
are rescored exactly, and those with a violating pair get twice the candidates
(plus the violating pairs) and the problem is solved again.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._errors import ConstraintConflictError, InvalidInputError, InvalidProblemError
from ._models import Cohort
from ._problem import Assignment, Edges, MatchProblem, ProblemAttributes, _counts
from ._progress import Progress
from ._result import MatchResult
from ._topics import topic_index
from .scoring import (
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

__all__ = ["BlockScorer", "CandidateProblem", "Certificate", "build_candidates", "certify",
           "match_candidates"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Default memory for one block of work (scores, keys and argpartition's indices).
DEFAULT_BLOCK_BYTES = 1 << 28


# --------------------------------------------------------------------------- scoring


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
    uniq, inv = np.unique(keys, axis=0, return_inverse=True)
    return uniq, inv.reshape(-1).astype(np.int64)


def _set_criterion(cohort: Cohort, attr: str, name: str, weight: float) -> _Categorical:
    """Encode the scorers' set match: 1 shared, 0 both stated and disjoint, else 0.5."""
    e_vals = [[str(v) for v in getattr(p, attr)] for p in cohort.mentees]
    r_vals = [[str(v) for v in getattr(p, attr)] for p in cohort.mentors]
    index = topic_index([*e_vals, *r_vals])
    if len(index) > 62:
        raise InvalidInputError(f"{attr}: more than 62 distinct values; use the dense scorer")

    def masks(vals: list[list[str]]) -> IntArray:
        return np.array([sum(1 << index[v] for v in set(items)) for items in vals],
                        dtype=np.int64).reshape(-1)

    e_u, e_code = _codes(masks(e_vals))
    r_u, r_code = _codes(masks(r_vals))
    shared = (e_u[:, None] & r_u[None, :]) != 0
    stated = (e_u != 0)[:, None] & (r_u != 0)[None, :]
    lut = np.where(shared, 1.0, np.where(stated, 0.0, 0.5))
    return _Categorical(name, weight, e_code, r_code, lut)


def _value_keys(a: Sequence[object], b: Sequence[object]) -> tuple[IntArray, IntArray]:
    """Equality keys as in the scorers: -1 unknown mentee value, -2 unknown mentor value."""
    keys = topic_index([[str(v)] for v in (*a, *b) if v is not None])
    ka = np.array([keys[str(v)] if v is not None else -1 for v in a], dtype=np.int64)
    kb = np.array([keys[str(v)] if v is not None else -2 for v in b], dtype=np.int64)
    return ka.reshape(-1), kb.reshape(-1)


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

    def _topic_rows(self, rows: IntArray, out: FloatArray) -> None:
        """Topic criterion (mentee view), weighted, into ``out`` (columns in ``perm`` order)."""
        np.matmul(self.asked[rows], self.offered_any_perm_t, out=out)
        total = self.asked_total[rows]
        scale = np.divide(self.topic_weight, total, out=np.zeros_like(total), where=total > 0)
        out *= scale[:, None]

    def _categorical_rows(self, rows: IntArray) -> FloatArray:
        """Weighted sum of the categorical criteria, shape (len(rows), n_groups)."""
        table = np.zeros((rows.size, self.group_codes.shape[0]))
        for k, crit in enumerate(self.categorical):
            sub = crit.lut[crit.e_code[rows]]  # (B, n_r_codes)
            table += crit.weight * sub[:, self.group_codes[:, k]]
        return table

    def block_perm(self, rows: IntArray, out: FloatArray | None = None) -> FloatArray:
        """Mentee-view scores of ``rows`` with mentor columns in ``self.perm`` order."""
        rows = np.asarray(rows, dtype=np.int64)
        buf = out if out is not None else np.empty((rows.size, self.n_mentors))
        self._topic_rows(rows, buf)
        if self.categorical:
            table = self._categorical_rows(rows)
            buf += np.take(table, self.group_sorted, axis=1)
        return buf

    def block(self, rows: ArrayLike) -> FloatArray:
        """Mentee-view scores of ``rows`` against every mentor, in input column order."""
        idx = np.asarray(rows, dtype=np.int64).reshape(-1)
        perm_scores = self.block_perm(idx)
        out = np.empty_like(perm_scores)
        out[:, self.perm] = perm_scores
        return out

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


# --------------------------------------------------------------------------- problem


class CandidateProblem:
    """A matching problem over candidate pairs only: the sparse form of :class:`MatchProblem`.

    Offers what edge-based solvers use (``shape``, ``demand``, ``capacity``,
    ``min_load``, ``locked``, ``attributes``, :meth:`edges`,
    :meth:`pair_scores`, :meth:`is_allowed`) and no dense matrix: reading
    ``scores``, ``allowed``, ``mentee_prefs``, ``mentor_prefs`` or
    ``locked_mask`` raises :class:`InvalidProblemError`, so a dense-only solver
    (``hungarian``) fails with a clear message.

    Parameters
    ----------
    n_mentees, n_mentors : int
    mentee, mentor : array-like of int, shape (n_edges,)
        Candidate pairs (any order; duplicates are an error).
    score : array-like of float, shape (n_edges,)
        Pair scores (the mentee view).
    mentor_pref : array-like of float, shape (n_edges,), optional
        The mentor's view, for stable matching; defaults to ``score``.
    demand, capacity, min_load, locked, attributes
        As in :class:`MatchProblem`; locked pairs must be candidates.
    bound : array-like of float, shape (n_mentees,), optional
        Upper bound on the score of every admissible pair of each mentee that
        is *not* a candidate (``-inf`` when there is none); used to certify.
    k : array-like of int, shape (n_mentees,), optional
        Number of best-scoring candidates kept per mentee.

    Examples
    --------
    >>> p = CandidateProblem(2, 3, mentee=[0, 1, 1], mentor=[2, 0, 2],
    ...                      score=[0.9, 0.4, 0.7], capacity=1)
    >>> p.shape, p.edges().mentor.tolist(), p.is_allowed([0, 0], [2, 1]).tolist()
    ((2, 3), [2, 0, 2], [True, False])
    >>> p.scores
    Traceback (most recent call last):
    ...
    mentormatch._errors.InvalidProblemError: CandidateProblem is sparse (3 candidate pairs): \
it has no dense 'scores'; use an edge-based solver (flow, stable, greedy)
    """

    __slots__ = ("_edges", "_keys", "attributes", "bound", "capacity", "demand", "k",
                 "locked", "min_load", "n_mentees", "n_mentors")

    n_mentees: int
    n_mentors: int
    demand: IntArray
    capacity: IntArray
    min_load: IntArray
    locked: IntArray
    attributes: ProblemAttributes | None
    bound: FloatArray
    k: IntArray
    _edges: Edges
    _keys: IntArray

    def __init__(self, n_mentees: int, n_mentors: int, mentee: ArrayLike, mentor: ArrayLike,
                 score: ArrayLike, *, mentor_pref: ArrayLike | None = None,
                 demand: ArrayLike = 1, capacity: ArrayLike = 1, min_load: ArrayLike = 0,
                 locked: ArrayLike | None = None,
                 attributes: ProblemAttributes | None = None,
                 bound: ArrayLike | None = None, k: ArrayLike | None = None) -> None:
        n_e, n_r = int(n_mentees), int(n_mentors)
        e = np.asarray(mentee, dtype=np.int64).reshape(-1)
        r = np.asarray(mentor, dtype=np.int64).reshape(-1)
        s = np.asarray(score, dtype=np.float64).reshape(-1)
        rp = s if mentor_pref is None else np.asarray(mentor_pref, dtype=np.float64).reshape(-1)
        if not e.size == r.size == s.size == rp.size:
            raise InvalidProblemError(
                f"edge arrays differ in length: mentee {e.size}, mentor {r.size}, "
                f"score {s.size}, mentor_pref {rp.size}")
        bad = (e < 0) | (e >= n_e) | (r < 0) | (r >= n_r)
        if bad.any():
            q = int(np.flatnonzero(bad)[0])
            raise InvalidProblemError(f"candidate {q} = ({e[q]}, {r[q]}) is out of range")
        for name, arr in (("score", s), ("mentor_pref", rp)):
            if not np.isfinite(arr).all():
                q = int(np.flatnonzero(~np.isfinite(arr))[0])
                raise InvalidProblemError(f"{name} of candidate {q} is {arr[q]}; must be finite")
        keys = e * n_r + r
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        dup = np.flatnonzero(np.diff(keys) == 0)
        if dup.size:
            q = int(keys[dup[0]])
            raise InvalidProblemError(f"candidate pair ({q // n_r}, {q % n_r}) listed twice")
        set_ = object.__setattr__
        set_(self, "n_mentees", n_e)
        set_(self, "n_mentors", n_r)
        set_(self, "demand", _counts("demand", demand, n_e))
        set_(self, "capacity", _counts("capacity", capacity, n_r))
        set_(self, "min_load", _counts("min_load", min_load, n_r))
        edges = Edges(*(_frozen(a[order]) for a in (e, r, s, s, rp)))
        set_(self, "_edges", edges)
        set_(self, "_keys", _frozen(keys))
        set_(self, "locked", _frozen(self._check_locked(locked)))
        if attributes is not None:
            attributes.check(n_e, n_r)
        set_(self, "attributes", attributes)
        b = np.full(n_e, -np.inf) if bound is None else np.asarray(bound, dtype=np.float64)
        if b.shape != (n_e,):
            raise InvalidProblemError(f"bound must have shape ({n_e},), got {b.shape}")
        set_(self, "bound", _frozen(b.copy()))
        kk = np.bincount(edges.mentee, minlength=n_e) if k is None else np.asarray(k)
        set_(self, "k", _frozen(np.asarray(kk, dtype=np.int64).reshape(n_e).copy()))
        over = self.min_load > self.capacity
        if over.any():
            j = int(np.flatnonzero(over)[0])
            raise ConstraintConflictError(
                f"mentor {j}: min_load {self.min_load[j]} exceeds capacity {self.capacity[j]}")

    def _check_locked(self, value: ArrayLike | None) -> IntArray:
        raw = np.zeros((0, 2), dtype=np.int64) if value is None else np.asarray(value)
        if raw.size == 0:
            return np.zeros((0, 2), dtype=np.int64)
        if raw.ndim != 2 or raw.shape[1] != 2 or raw.dtype.kind not in "iu":
            raise InvalidProblemError(
                f"locked must be integer pairs of shape (n, 2), got {raw.shape} {raw.dtype}")
        locked = raw.astype(np.int64)
        inside = self.is_allowed(locked[:, 0], locked[:, 1])
        if not inside.all():
            q = int(np.flatnonzero(~inside)[0])
            raise ConstraintConflictError(
                f"locked[{q}] = ({locked[q, 0]}, {locked[q, 1]}) is not a candidate pair")
        keys = locked[:, 0] * self.n_mentors + locked[:, 1]
        if np.unique(keys).size != keys.size:
            raise ConstraintConflictError("locked lists the same pair twice")
        for name, col, limit in (("mentee", 0, self.demand), ("mentor", 1, self.capacity)):
            counts = np.bincount(locked[:, col], minlength=limit.size)
            over = np.flatnonzero(counts > limit)
            if over.size:
                q = int(over[0])
                what = "demand" if col == 0 else "capacity"
                raise ConstraintConflictError(
                    f"{name} {q} has {counts[q]} locked pairs but {what} {limit[q]}")
        order = np.lexsort((locked[:, 1], locked[:, 0]))
        return np.ascontiguousarray(locked[order])

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"CandidateProblem is immutable; cannot set {name!r}")

    def __repr__(self) -> str:
        return (f"CandidateProblem({self.n_mentees} mentees x {self.n_mentors} mentors, "
                f"{self.n_edges} candidate pairs, {int(self.demand.sum())} wanted, "
                f"{int(self.capacity.sum())} places, {len(self.locked)} locked)")

    def _dense(self, name: str) -> Any:
        raise InvalidProblemError(
            f"CandidateProblem is sparse ({self.n_edges} candidate pairs): it has no dense "
            f"{name!r}; use an edge-based solver (flow, stable, greedy)")

    scores = property(lambda self: self._dense("scores"),
                      doc="Not available: raises :class:`InvalidProblemError`.")
    allowed = property(lambda self: self._dense("allowed"),
                       doc="Not available: raises :class:`InvalidProblemError`.")
    mentee_prefs = property(lambda self: self._dense("mentee_prefs"),
                            doc="Not available: raises :class:`InvalidProblemError`.")
    mentor_prefs = property(lambda self: self._dense("mentor_prefs"),
                            doc="Not available: raises :class:`InvalidProblemError`.")
    locked_mask = property(lambda self: self._dense("locked_mask"),
                           doc="Not available: raises :class:`InvalidProblemError`.")

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_mentees, n_mentors)``."""
        return self.n_mentees, self.n_mentors

    @property
    def n_edges(self) -> int:
        """Number of candidate pairs."""
        return self._edges.size

    def edges(self) -> Edges:
        """Candidate pairs as edge arrays, sorted by mentee then mentor."""
        return self._edges

    def _find(self, mentee_idx: ArrayLike, mentor_idx: ArrayLike) -> tuple[IntArray, BoolArray]:
        e = np.asarray(mentee_idx, dtype=np.int64)
        r = np.asarray(mentor_idx, dtype=np.int64)
        keys = e * self.n_mentors + r
        pos = np.searchsorted(self._keys, keys)
        pos = np.minimum(pos, max(self._keys.size - 1, 0))
        found = (self._keys[pos] == keys) if self._keys.size else np.zeros(keys.shape, bool)
        inside = (e >= 0) & (e < self.n_mentees) & (r >= 0) & (r < self.n_mentors)
        return pos, found & inside

    def is_allowed(self, mentee_idx: ArrayLike, mentor_idx: ArrayLike) -> BoolArray:
        """Whether each given pair is a candidate (only candidates may be used)."""
        return self._find(mentee_idx, mentor_idx)[1]

    def pair_scores(self, mentee_idx: ArrayLike, mentor_idx: ArrayLike) -> FloatArray:
        """Scores of candidate pairs; NaN for a pair that is not a candidate."""
        pos, found = self._find(mentee_idx, mentor_idx)
        out: FloatArray = np.where(found, self._edges.score[pos] if self._keys.size else 0.0,
                                   np.nan)
        return out


def _frozen(a: NDArray[Any]) -> NDArray[Any]:
    a = np.ascontiguousarray(a)
    a.flags.writeable = False
    return a


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

    def _mask(self, block: IntArray, s: FloatArray) -> None:
        """Set inadmissible pairs to -inf: excluded, no-capacity mentors, below min_score."""
        if self.dead_cols.size:
            s[:, self.dead_cols] = -np.inf
        if self.min_score is not None:
            np.putmask(s, s < self.min_score, -np.inf)
        if self.ex_rows.size:
            lo = np.searchsorted(self.ex_rows, block[0])
            hi = np.searchsorted(self.ex_rows, block[-1], side="right")
            rows, cols = self.ex_rows[lo:hi], self.ex_cols[lo:hi]
            where = np.searchsorted(block, rows)
            where = np.minimum(where, block.size - 1)
            hit = block[where] == rows
            s[where[hit], cols[hit]] = -np.inf

    def full_rows(self, rows: IntArray) -> Iterator[tuple[IntArray, FloatArray]]:
        """Admissible scores of whole rows (columns in input order, -inf = inadmissible)."""
        for block in self.blocks(rows):
            s = self.scorer.block_perm(block)
            self._mask(block, s)
            out = np.empty_like(s)
            out[:, self.scorer.perm] = s
            yield block, out


# --------------------------------------------------------------------------- building


@dataclass
class _Build:
    cohort: Cohort
    scorer: BlockScorer
    selector: _Selector
    demand: IntArray
    capacity: IntArray
    locked: IntArray
    attributes: ProblemAttributes
    k: IntArray
    bound: FloatArray
    extra: dict[int, set[int]] = field(default_factory=dict)
    edges: dict[str, NDArray[Any]] = field(default_factory=dict)
    seconds: float = 0.0


def _excluded_indices(cohort: Cohort) -> IntArray:
    e_pos = {ident: k for k, ident in enumerate(cohort.mentee_ids)}
    r_pos = {ident: k for k, ident in enumerate(cohort.mentor_ids)}
    pairs = [(e_pos[e], r_pos[r]) for e, r in cohort.excluded_pairs()]
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def _start(cohort: Cohort, scorer: Scorer | None, k: int, min_score: float | None,
           block_bytes: int, progress: bool | None) -> _Build:
    from ._match import problem_attributes

    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise InvalidInputError(f"candidates must be an integer >= 1, got {k!r}")
    t0 = time.perf_counter()
    attrs = problem_attributes(cohort)
    tm = TopicMatrices(attrs.topics, attrs.asked, attrs.offered)
    bscorer = BlockScorer(cohort, scorer, topic_matrices=tm)
    n_e, n_r = bscorer.n_mentees, bscorer.n_mentors
    demand = np.array([p.demand for p in cohort.mentees], dtype=np.int64).reshape(n_e)
    capacity = np.array([p.capacity for p in cohort.mentors], dtype=np.int64).reshape(n_r)
    e_pos = {ident: q for q, ident in enumerate(cohort.mentee_ids)}
    r_pos = {ident: q for q, ident in enumerate(cohort.mentor_ids)}
    locked = np.array([(e_pos[e], r_pos[r]) for e, r in cohort.locked],
                      dtype=np.int64).reshape(-1, 2)
    selector = _Selector(bscorer, excluded=_excluded_indices(cohort),
                         dead_mentors=capacity == 0, min_score=min_score,
                         block_bytes=block_bytes)
    build = _Build(cohort, bscorer, selector, demand, capacity, locked, attrs,
                   k=np.zeros(n_e, dtype=np.int64), bound=np.full(n_e, -np.inf))
    rows = np.flatnonzero(demand > 0).astype(np.int64)
    with Progress(rows.size, "scoring candidates", enabled=progress) as bar:
        sel = build.selector.select(rows, int(k), bar)
    build.k[rows] = min(int(k), n_r)
    build.bound[rows] = sel.bound
    build.edges = {"mentee": sel.mentee, "mentor": sel.mentor, "score": sel.score}
    build.seconds = time.perf_counter() - t0
    return build


def _grow(build: _Build, rows: IntArray, violators: dict[int, list[int]]) -> None:
    """Double k for ``rows`` (rescoring them) and add the violating pairs as candidates."""
    n_r = build.scorer.n_mentors
    old = build.edges
    drop = np.isin(old["mentee"], rows)
    parts = {name: [arr[~drop]] for name, arr in old.items()}
    new_k = np.minimum(build.k[rows] * 2, n_r)
    for kk in np.unique(new_k).tolist():
        sub = rows[new_k == kk]
        sel = build.selector.select(sub, int(kk))
        build.k[sub] = kk
        build.bound[sub] = sel.bound
        parts["mentee"].append(sel.mentee)
        parts["mentor"].append(sel.mentor)
        parts["score"].append(sel.score)
    for i, cols in violators.items():
        build.extra.setdefault(i, set()).update(cols)
    build.edges = {name: np.concatenate(arrs) for name, arrs in parts.items()}


def _problem(build: _Build) -> CandidateProblem:
    e, r, s = build.edges["mentee"], build.edges["mentor"], build.edges["score"]
    extra_e = [i for i, cols in build.extra.items() for _ in cols]
    extra_r = [j for cols in build.extra.values() for j in cols]
    add_e = np.concatenate([np.asarray(extra_e, dtype=np.int64), build.locked[:, 0]])
    add_r = np.concatenate([np.asarray(extra_r, dtype=np.int64), build.locked[:, 1]])
    n_r = build.scorer.n_mentors
    if add_e.size:
        keys = np.unique(add_e * n_r + add_r)
        keys = keys[~np.isin(keys, e * n_r + r)]
        add_e, add_r = keys // n_r, keys % n_r
        e, r = np.concatenate([e, add_e]), np.concatenate([r, add_r])
        s = np.concatenate([s, build.scorer.pair_values(add_e, add_r)[0]])
    mentor_pref = build.scorer.pair_values(e, r)[1]
    return CandidateProblem(
        len(build.cohort.mentees), n_r, e, r, s, mentor_pref=mentor_pref,
        demand=build.demand, capacity=build.capacity, locked=build.locked,
        attributes=build.attributes, bound=build.bound, k=build.k)


def build_candidates(cohort: Cohort, k: int = 50, *, scorer: Scorer | None = None,
                     min_score: float | None = None, block_bytes: int = DEFAULT_BLOCK_BYTES,
                     progress: bool | None = None) -> CandidateProblem:
    """Score a cohort block by block and keep each mentee's ``k`` best admissible mentors.

    Excluded pairs (forbidden, supervision, self), mentors without capacity and
    pairs below ``min_score`` are never candidates; locked pairs always are.
    Ties are broken before the top-k step by mentor index (lower first), so the
    result is deterministic and ``argpartition`` never meets a tie.

    Parameters
    ----------
    cohort : Cohort
    k : int, default=50
        Candidates per mentee (all admissible mentors if fewer).
    scorer : Scorer, optional
        Built-in scorers only; defaults to the default scorer.
    min_score : float, optional
        Pairs scoring below it are not admissible (locked pairs excepted).
    block_bytes : int, default=2**28
        Memory for one block of rows; peak memory grows with it, speed barely.
    progress : bool, optional
        Progress line on stderr; by default only when stderr is a terminal.

    Returns
    -------
    CandidateProblem
        With ``bound`` (the best score a dropped pair of each mentee could
        have) and ``k`` per mentee.

    Examples
    --------
    >>> import mentormatch as mm
    >>> p = build_candidates(mm.example_cohort(), k=3)
    >>> p.n_edges <= 7 * 3 + len(mm.example_cohort().locked), p.k.tolist()[:3]
    (True, [3, 3, 3])
    """
    build = _start(cohort, scorer, k, min_score, block_bytes, progress)
    return _problem(build)


# --------------------------------------------------------------------------- certificate


@dataclass(frozen=True)
class Certificate:
    """Whether a pruned optimum is optimal for the full problem.

    Attributes
    ----------
    certified : bool
        True when no dropped pair could improve the answer.
    failing : ndarray of int64
        Mentees with a dropped pair that could improve it (empty when certified).
    violators : dict of int to list of int
        For each failing mentee, the mentors of the improving dropped pairs
        (best-scoring first, at most ``limit``).
    cleared_by_bound : int
        Mentees cleared by the per-mentee bound alone.
    rescored : int
        Mentees whose dropped pairs were rescored one by one.
    reason : str
        Why certification was impossible, if it was (no duals, inexact solve).
    """

    certified: bool
    failing: IntArray
    violators: dict[int, list[int]]
    cleared_by_bound: int
    rescored: int
    reason: str = ""


def _duals(info: dict[str, Any], n_e: int, n_r: int) -> dict[str, FloatArray] | None:
    need = ("mentee_level", "mentor_level", "mentee_potential", "mentor_potential", "dual_tol")
    if not all(key in info for key in need):
        return None
    out = {key: np.asarray(info[key], dtype=np.float64) for key in need[:4]}
    if out["mentee_level"].shape != (n_e,) or out["mentor_level"].shape != (n_r,):
        return None
    out["dual_tol"] = np.asarray(float(info["dual_tol"]))
    return out


def _lexmin_at(n: int, idx: IntArray, lvl: FloatArray, val: FloatArray,
               init_lvl: FloatArray, init_val: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Per index, the lexicographic minimum of (lvl, val) over entries and the initial value."""
    out_l, out_v = init_lvl.copy(), init_val.copy()
    if idx.size == 0:
        return out_l, out_v
    order = np.lexsort((val, lvl, idx))
    idx, lvl, val = idx[order], lvl[order], val[order]
    first = np.r_[True, idx[1:] != idx[:-1]]
    i, lv, vv = idx[first], lvl[first], val[first]
    better = (lv < out_l[i]) | ((lv == out_l[i]) & (vv < out_v[i]))
    out_l[i[better]], out_v[i[better]] = lv[better], vv[better]
    return out_l, out_v


def _tighten(problem: CandidateProblem, assignment: Assignment, duals: dict[str, FloatArray],
             extra: tuple[IntArray, IntArray, FloatArray] | None = None
             ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray] | None:
    """Move the solver's potentials to the ones that certify the most dropped pairs.

    Any feasible potentials certify the candidate optimum; for dropped pairs
    we want mentor potentials as high and mentee potentials as high as the
    residual graph allows. Mentors first: a mentor's potential may rise to the
    least of 0 (when it has room left) and ``s - mentee_potential`` over its
    pairs; then each mentee who got all it asked for rises to the least of
    ``s - mentor_potential`` over its pairs. Each step keeps every residual arc
    feasible (mentees touch only mentors, the source and their own pairs), so
    the result is still a valid certificate.
    """
    n_e, n_r = problem.shape
    e_lvl, e_pot = duals["mentee_level"].copy(), duals["mentee_potential"].copy()
    r_lvl, r_pot = duals["mentor_level"].copy(), duals["mentor_potential"].copy()
    locked = problem.locked
    lock_e = np.bincount(locked[:, 0], minlength=n_e)
    lock_r = np.bincount(locked[:, 1], minlength=n_r)
    e_in = problem.demand - lock_e > 0
    r_in = problem.capacity - lock_r > 0
    e, r = assignment.mentee_idx, assignment.mentor_idx
    if locked.size:
        free = ~np.isin(e * n_r + r, locked[:, 0] * n_r + locked[:, 1])
        e, r = e[free], r[free]
    s = problem.pair_scores(e, r)
    load = np.bincount(r, minlength=n_r)
    count = np.bincount(e, minlength=n_e)
    # Mentors: potential (in the maximising sign) = lexmin of (0, 0) if room, (-e_lvl, s - e_pot).
    spare = r_in & (load < problem.capacity - lock_r)
    big = np.inf
    init_l = np.where(spare, 0.0, big)
    init_v = np.where(spare, 0.0, big)
    new_l, new_v = _lexmin_at(n_r, r, -e_lvl[e], s - e_pot[e], init_l, init_v)
    moved = r_in & np.isfinite(new_l)
    r_lvl[moved], r_pot[moved] = new_l[moved], new_v[moved]
    # Mentees who are full: lexmin over their pairs of (-r_lvl, s - r_pot).
    full = e_in & (count == problem.demand - lock_e)
    new_l, new_v = _lexmin_at(n_e, e, -r_lvl[r], s - r_pot[r], np.full(n_e, big),
                              np.full(n_e, big))
    moved = full & np.isfinite(new_l)
    e_lvl[moved], e_pot[moved] = new_l[moved], new_v[moved]
    best = _lowest_prices(problem, e, r, s, full, r_in, spare, e_lvl, e_pot, r_lvl, r_pot,
                          float(duals["dual_tol"]), extra,
                          floor=duals["mentee_potential"])
    if best is not None:
        e_pot, r_pot = best
    elif extra is not None and extra[0].size:
        return None  # the dropped pairs added make the dual system unsolvable
    return e_lvl, e_pot, r_lvl, r_pot


def _lowest_prices(problem: CandidateProblem, e: IntArray, r: IntArray, s: FloatArray,
                   full: BoolArray, r_in: BoolArray, spare: BoolArray,
                   e_lvl: FloatArray, e_pot: FloatArray,
                   r_lvl: FloatArray, r_pot: FloatArray, tol: float,
                   extra: tuple[IntArray, IntArray, FloatArray] | None = None, *,
                   floor: FloatArray | None = None,
                   max_rounds: int = 400) -> tuple[FloatArray, FloatArray] | None:
    """Return the mentee-optimal potentials: mentor prices lowest, mentee values highest.

    On the level-0 part, the potentials are a system of difference constraints
    (used pair: ``e_i + r_j <= s``; unused candidate: ``e_i + r_j >= s``;
    ``r_j >= 0`` for a mentor with mentees; 0 for one with room), whose
    feasible set is a lattice: Bellman-Ford from the upper bounds reaches its
    top (highest ``e``, lowest ``r``). That clears every dropped pair with a
    mentor who has room whenever any dual would; pairs with full mentors may
    still need another round. Returns None (keep the given potentials) if it
    does not settle within ``max_rounds`` or fails the final check (every
    candidate and ``extra`` constraint, mentors with room priced at most 0,
    mentees never below ``floor``).
    """
    n_e, n_r = problem.shape
    mov_e = full & (e_lvl == 0)
    mov_r = r_in & (r_lvl == 0)
    edges = problem.edges()
    used_key = e * n_r + r
    ce, cr, cs = edges.mentee, edges.mentor, edges.score
    unused = ~np.isin(ce * n_r + cr, used_key)
    if problem.locked.size:
        unused &= ~np.isin(ce * n_r + cr, problem.locked[:, 0] * n_r + problem.locked[:, 1])
    ce, cr, cs = ce[unused], cr[unused], cs[unused]
    if extra is not None:
        ce, cr, cs = (np.concatenate([a, b]) for a, b in zip((ce, cr, cs), extra, strict=True))
    # Only constraints between level-0 ends bind values; others hold by level.
    u_keep = (e_lvl[e] == 0) & (r_lvl[r] == 0) & (mov_e[e] | mov_r[r])
    ue, ur, us = e[u_keep], r[u_keep], s[u_keep]
    c_keep = (e_lvl[ce] == 0) & (r_lvl[cr] == 0) & mov_r[cr]
    ce, cr, cs = ce[c_keep], cr[c_keep], cs[c_keep]
    q = -r_pot.copy()  # q = -r: maximise e and q together
    x = e_pot.copy()
    q[mov_r] = 0.0
    x[mov_e] = np.inf
    for _ in range(max_rounds):
        cand_x = np.full(n_e, np.inf)
        np.minimum.at(cand_x, ue, q[ur] + us)
        down_x = mov_e & (cand_x < x - tol)
        x = np.where(down_x, cand_x, x)
        cand_q = np.full(n_r, np.inf)
        np.minimum.at(cand_q, cr, x[ce] - cs)
        down_q = mov_r & (cand_q < q - tol)
        q = np.where(down_q, cand_q, q)
        if not (down_x.any() or down_q.any()):
            break
    else:
        return None
    tol *= 4
    x = np.where(mov_e & ~np.isfinite(x), e_pot, x)
    # Check every candidate constraint before trusting the result.
    r_new = -q
    ok_u = (e_lvl[e] + r_lvl[r] != 0) | (x[e] + r_new[r] <= s + tol)
    ok_c = x[ce] + r_new[cr] >= cs - tol
    ok_r = ~(spare & mov_r) | (r_new <= tol)
    # Never below the solver's own mentee potentials: that keeps the source arcs
    # (not modelled here) feasible.
    ok_e = ~mov_e | (x >= (e_pot if floor is None else floor) - tol)
    if not (ok_u.all() and ok_c.all() and ok_r.all() and ok_e.all()):
        return None
    return x, r_new


def certify(problem: CandidateProblem, assignment: Assignment, scorer: BlockScorer,
            selector: _Selector | None = None, *, limit: int = 64,
            dual_rounds: int = 6) -> Certificate:
    """Check with the solver's duals that no non-candidate pair could improve the answer.

    A dropped pair (i, j) with score s cannot improve the answer when
    ``mentee_level[i] + mentor_level[j] > 0``, or when the levels sum to 0 and
    ``s <= mentee_potential[i] + mentor_potential[j] + dual_tol`` (the flow
    solver's certificate). Every dropped pair of mentee i scores at most
    ``problem.bound[i]``, so comparing the bound with the smallest mentor
    potential clears most mentees at once; the others have their rows
    rescored and every dropped pair checked.

    Parameters
    ----------
    problem : CandidateProblem
    assignment : Assignment
        From an exact solver exposing duals (``flow``).
    scorer : BlockScorer
        To rescore rows the bound cannot clear.
    selector : optional
        Internal: admissibility masks (built from the scorer when omitted).
    limit : int, default=64
        Violating mentors kept per failing mentee (per round).
    dual_rounds : int, default=6
        Rounds of dual-side constraint generation: dropped pairs that break
        the potentials are added to the dual system and the potentials
        recomputed, without solving again.

    Returns
    -------
    Certificate
    """
    n_e, n_r = problem.shape
    duals = _duals(assignment.info, n_e, n_r)
    if duals is None:
        return Certificate(False, np.zeros(0, np.int64), {}, 0, 0,
                           f"solver {assignment.solver!r} exposes no dual potentials")
    if assignment.info.get("exact") is False:
        return Certificate(False, np.zeros(0, np.int64), {}, 0, 0,
                           "the solver could not prove its own answer optimal")
    if selector is None:
        selector = _Selector(scorer, excluded=np.zeros((0, 2), np.int64),
                             dead_mentors=problem.capacity == 0, min_score=None,
                             block_bytes=DEFAULT_BLOCK_BYTES)
    tol = float(duals["dual_tol"]) + 1e-12
    has_drop = np.isfinite(problem.bound) & (problem.demand > 0)
    edges = problem.edges()
    starts = np.searchsorted(edges.mentee, np.arange(n_e + 1))
    extra = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    rescored = cleared = 0
    failing: list[int] = []
    violators: dict[int, list[int]] = {}
    # Dual-side constraint generation: dropped pairs that break the potentials join
    # the dual system (no new solve) until the potentials hold for every dropped
    # pair, or the system has no solution (then the primal must change: grow k).
    for _ in range(dual_rounds):
        tight = _tighten(problem, assignment, duals, extra)
        if tight is None:
            break
        e_lvl, e_pot, r_lvl, r_pot = tight
        lv = float(r_lvl.min()) if n_r else 0.0
        pot_min = float(r_pot[r_lvl == lv].min()) if n_r else 0.0
        total = e_lvl + lv
        ok = (~has_drop) | (total > 0) | (
            (total == 0) & (problem.bound <= e_pot + pot_min + tol))
        unsure = np.flatnonzero(~ok).astype(np.int64)
        cleared = int(has_drop.sum() - unsure.size)
        rescored += int(unsure.size)
        failing, violators = [], {}
        new_e: list[IntArray] = []
        new_r: list[IntArray] = []
        new_s: list[FloatArray] = []
        for block, rows in selector.full_rows(unsure):
            lvl = e_lvl[block][:, None] + r_lvl[None, :]
            bad = np.isfinite(rows) & ((lvl < 0) | (
                (lvl == 0) & (rows > e_pot[block][:, None] + r_pot[None, :] + tol)))
            for q, i in enumerate(block.tolist()):
                cand = edges.mentor[starts[i]:starts[i + 1]]
                bad[q, cand] = False
                cols = np.flatnonzero(bad[q])
                if cols.size:
                    failing.append(i)
                    best = cols[np.argsort(-rows[q, cols], kind="stable")[:limit]]
                    violators[i] = best.tolist()
                    new_e.append(np.full(best.size, i, dtype=np.int64))
                    new_r.append(best.astype(np.int64))
                    new_s.append(rows[q, best])
        if not failing:
            break
        extra = (np.concatenate([extra[0], *new_e]), np.concatenate([extra[1], *new_r]),
                 np.concatenate([extra[2], *new_s]))
    fail = np.asarray(failing, dtype=np.int64)
    return Certificate(fail.size == 0, fail, violators, cleared, rescored)


# --------------------------------------------------------------------------- match


_ARRAY_KEYS = ("mentee_dual", "mentor_dual", "mentee_level", "mentor_level",
               "mentee_potential", "mentor_potential")


def _solve(problem: CandidateProblem, solver: str, options: dict[str, Any]) -> Assignment:
    from .solvers import solve

    return solve(cast(MatchProblem, problem), solver, **options)


def match_candidates(cohort: Cohort, solver: str = "flow", *, k: int = 50,
                     scorer: Scorer | None = None, min_score: float | None = None,
                     certify_result: bool = True, max_rounds: int = 12,
                     block_bytes: int = DEFAULT_BLOCK_BYTES, progress: bool | None = None,
                     **options: Any) -> MatchResult:
    """Match a large cohort on its best ``k`` candidates per mentee; certify exact answers.

    What :func:`mentormatch.match` runs when given ``candidates=k``. With an
    exact solver exposing duals (``flow``), the answer is certified against
    the full problem; where the certificate fails, the failing mentees get
    twice the candidates (and the improving pairs) and the problem is solved
    again, until it holds: the answer is then the true optimum.

    Parameters
    ----------
    cohort : Cohort
    solver : str, default="flow"
        An edge-based solver: ``flow``, ``stable``, ``greedy``.
    k : int, default=50
        Initial candidates per mentee.
    scorer : Scorer, optional
        Built-in scorers only.
    min_score : float, optional
    certify_result : bool, default=True
        Certify (and grow ``k`` where needed) when the solver exposes duals.
    max_rounds : int, default=12
        Solve at most this many times.
    block_bytes : int, default=2**28
        Memory for one block of scoring.
    progress : bool, optional
        Progress on stderr (default: only on a terminal).
    **options
        Passed to the solver.

    Returns
    -------
    MatchResult
        ``provenance.solver_info["candidates"]`` records ``k`` (initial, max,
        mean), ``rounds``, ``certified`` (True / False / None when no
        certificate applies) and timings; reasons are computed only for the
        pairs made.

    Examples
    --------
    >>> import mentormatch as mm
    >>> r = mm.match(mm.example_cohort(), solver="flow", candidates=2)
    >>> info = r.provenance.solver_info["candidates"]
    >>> info["certified"], info["k_initial"], r.metrics.mentees_matched
    (True, 2, 7)
    """
    t0 = time.perf_counter()
    build = _start(cohort, scorer, k, min_score, block_bytes, progress)
    t_score = time.perf_counter() - t0
    rounds = 0
    certified: bool | None = None
    note = ""
    t_solve = t_cert = 0.0
    grown = 0
    while True:
        rounds += 1
        problem = _problem(build)
        t1 = time.perf_counter()
        assignment = _solve(problem, solver, options)
        t_solve += time.perf_counter() - t1
        if not certify_result:
            certified, note = None, "certification not asked for"
            break
        if _duals(assignment.info, *problem.shape) is None:
            certified = None
            note = (f"solver {solver!r} exposes no dual certificate: the answer is "
                    "its answer on the candidate pairs only")
            break
        t2 = time.perf_counter()
        cert = certify(problem, assignment, build.scorer, build.selector)
        t_cert += time.perf_counter() - t2
        if cert.reason:
            certified, note = False, cert.reason
            break
        if cert.certified:
            certified = True
            note = ("certified on the first candidate set" if rounds == 1 else
                    f"certified after growing k for {grown} mentee(s)")
            break
        if rounds >= max_rounds:
            certified = False
            note = f"{cert.failing.size} mentee(s) still uncertified after {rounds} rounds"
            break
        grown += int(cert.failing.size)
        _grow(build, cert.failing, cert.violators)
    info = {key: value for key, value in assignment.info.items() if key not in _ARRAY_KEYS}
    demanded = problem.demand > 0
    info["candidates"] = {
        "k_initial": int(k), "k_max": int(build.k.max(initial=0)),
        "k_mean": float(build.k[demanded].mean()) if demanded.any() else 0.0,
        "n_edges": problem.n_edges, "rounds": rounds, "certified": certified,
        "mentees_grown": grown, "note": note,
        "seconds": {"score": round(t_score, 4), "solve": round(t_solve, 4),
                    "certify": round(t_cert, 4)},
    }
    final = Assignment(assignment.mentee_idx, assignment.mentor_idx, assignment.objective,
                       assignment.solver, info)
    result = _explain(cohort, problem, final, scorer,
                      options={**options, "min_score": min_score, "candidates": int(k)})
    return result


def _explain(cohort: Cohort, problem: CandidateProblem, assignment: Assignment,
             scorer: Scorer | None, *, options: dict[str, Any]) -> MatchResult:
    """Build a MatchResult; reasons come from the real scorer on small sub-cohorts."""
    from ._match import _jsonable, _library_version, supervision_notes
    from ._metrics import assignment_metrics, topic_coverage
    from ._result import Metrics, Pair, Provenance, Shortfall, Unmatched

    scorer = scorer or default_scorer()
    mentee_ids, mentor_ids = cohort.mentee_ids, cohort.mentor_ids
    locked = set(cohort.locked)
    e, r = assignment.mentee_idx, assignment.mentor_idx
    scores = problem.pair_scores(e, r)
    reasons = pair_reasons(cohort, scorer, e, r)
    pairs = tuple(
        Pair(mentee=mentee_ids[i], mentor=mentor_ids[j], score=float(sc), reasons=why,
             locked=(mentee_ids[i], mentor_ids[j]) in locked)
        for i, j, sc, why in zip(e.tolist(), r.tolist(), scores.tolist(), reasons, strict=True))
    am = assignment_metrics(cast(MatchProblem, problem), assignment)
    unmatched: list[Unmatched] = []
    shortfall: list[Shortfall] = []
    edges = problem.edges()
    starts = np.searchsorted(edges.mentee, np.arange(problem.n_mentees + 1))
    for i in np.flatnonzero(am.counts < problem.demand).tolist():
        why = _why_short(problem, edges.mentor[starts[i]:starts[i + 1]],
                         assignment.mentors_of(i), am.loads, assignment.solver)
        if am.counts[i] == 0:
            unmatched.append(Unmatched(mentee=mentee_ids[i], reason=why))
        else:
            shortfall.append(Shortfall(mentee=mentee_ids[i], asked=int(problem.demand[i]),
                                       given=int(am.counts[i]), reason=why))
    attrs = problem.attributes
    asking = np.flatnonzero(problem.demand > 0)
    cov = (topic_coverage(attrs.asked, attrs.offered, assignment) if attrs is not None
           else np.ones(problem.n_mentees))
    metrics = Metrics(
        total_score=am.total_score, mean_score=am.mean_score, min_score=am.min_score,
        n_pairs=am.n_pairs, mentees_matched=am.mentees_matched,
        mentees_asking=am.mentees_asking,
        topic_coverage=float(cov[asking].mean()) if asking.size else 1.0,
        coverage_by_mentee={mentee_ids[i]: float(cov[i]) for i in asking.tolist()},
        mentor_loads=dict(zip(mentor_ids, am.loads.tolist(), strict=True)),
    )
    provenance = Provenance(library_version=_library_version(), solver=assignment.solver,
                            options=_jsonable(options), solver_info=_jsonable(assignment.info),
                            scorer=type(scorer).__name__)
    return MatchResult(pairs=pairs, unmatched=tuple(unmatched), shortfall=tuple(shortfall),
                       metrics=metrics, provenance=provenance, cohort=cohort,
                       notes=supervision_notes(cohort))


def _why_short(problem: CandidateProblem, candidates: IntArray, mine: IntArray,
               loads: IntArray, solver: str) -> str:
    if candidates.size == 0:
        return "no admissible mentor (all excluded, without capacity or below the minimum score)"
    others = np.setdiff1d(candidates, mine)
    if others.size == 0:
        return f"only {candidates.size} admissible candidate mentor(s)"
    room = others[loads[others] < problem.capacity[others]]
    if room.size == 0:
        return f"every other candidate mentor ({others.size}) is at capacity"
    return (f"{room.size} candidate mentor(s) still had room, but solver {solver!r} "
            "did not assign one")


def pair_reasons(cohort: Cohort, scorer: Scorer, mentee_idx: IntArray, mentor_idx: IntArray,
                 *, block: int = 512) -> list[tuple[str, ...]]:
    """Reasons for the given pairs, from ``scorer`` run on small sub-cohorts.

    Each block of mentees is scored with only the mentors paired with them,
    plus a leading placeholder mentee listing every topic in the cohort's
    order, so topic names come out in the same order as on the full cohort.

    Examples
    --------
    >>> import numpy as np, mentormatch as mm
    >>> from mentormatch.scoring import default_scorer
    >>> c = mm.example_cohort()
    >>> dense = default_scorer().score(c)
    >>> pair_reasons(c, default_scorer(), np.array([0]), np.array([4]))[0] == dense.reasons(0, 4)
    True
    """
    from ._models import Mentee

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
        sub = Cohort.model_construct(
            mentees=(placeholder, *(cohort.mentees[i] for i in rows.tolist())),
            mentors=tuple(cohort.mentors[j] for j in cols.tolist()), forbidden=(), locked=(),
            vocabulary=None)
        table = scorer.score(sub)
        ri = np.searchsorted(rows, e[sel]) + 1
        ci = np.searchsorted(cols, r[sel])
        for q, a, b in zip(sel.tolist(), ri.tolist(), ci.tolist(), strict=True):
            out[q] = table.reasons(a, b)
    return out
