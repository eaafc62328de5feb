"""CandidateProblem: a matching problem over candidate pairs only (no dense matrix)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mentormatch.errors import InvalidProblemError
from mentormatch.problem._arrays import (
    SCORE_LIMIT,
    Edges,
    ProblemAttributes,
    _check_min_load,
    _checked_locked,
    _counts,
    _refuse_entries,
    _refuse_masked,
    _refuse_unreal,
    _whole,
)

__all__ = ["CandidateProblem"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


class CandidateProblem:
    """A matching problem over candidate pairs only: the sparse form of :class:`MatchProblem`.

    Offers what edge-based solvers use (``shape``, ``demand``, ``capacity``,
    ``min_load``, ``locked``, ``attributes``, :meth:`edges`,
    :meth:`pair_scores`, :meth:`is_allowed`) and no dense matrix: reading
    ``scores``, ``allowed``, ``mentee_prefs``, ``mentor_prefs`` or
    ``locked_mask`` raises :class:`InvalidProblemError`. Solvers declare
    whether they take candidate problems (``SolverCapabilities.candidates``);
    :func:`mentormatch.solve` refuses one to a solver that does not.

    Parameters
    ----------
    n_mentees, n_mentors : int
    mentee, mentor : array-like of int, shape (n_edges,)
        Candidate pairs (any order; duplicates are an error).
    score : array-like of float, shape (n_edges,)
        Pair scores (the mentee view).
    mentor_pref : array-like of float, shape (n_edges,), optional
        The mentor's view, for stable matching; defaults to ``score``.
    mentee_pref : array-like of float, shape (n_edges,), optional
        The mentee's preferences, for stable matching (ranked choices first);
        defaults to ``score``.
    demand, capacity, min_load, locked, attributes
        As in :class:`MatchProblem`; locked pairs must be candidates.
    bound : array-like of float, shape (n_mentees,), optional
        Upper bound on the score of every admissible pair of each mentee that
        is *not* a candidate (``-inf`` when there is none).
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
    mentormatch.errors.InvalidProblemError: CandidateProblem is sparse (3 candidate pairs): \
it has no dense 'scores'; use an edge-based solver: mentormatch.solvers.supporting('candidates')
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
                 mentee_pref: ArrayLike | None = None,
                 demand: ArrayLike = 1, capacity: ArrayLike = 1, min_load: ArrayLike = 0,
                 locked: ArrayLike | None = None,
                 attributes: ProblemAttributes | None = None,
                 bound: ArrayLike | None = None, k: ArrayLike | None = None) -> None:
        n_e, n_r = _size("n_mentees", n_mentees), _size("n_mentors", n_mentors)
        e, r = _indices("mentee", mentee), _indices("mentor", mentor)
        s = _values("score", score)
        rp = s if mentor_pref is None else _values("mentor_pref", mentor_pref)
        ep = s if mentee_pref is None else _values("mentee_pref", mentee_pref)
        if not e.size == r.size == s.size == rp.size == ep.size:
            raise InvalidProblemError(
                f"edge arrays differ in length: mentee {e.size}, mentor {r.size}, "
                f"score {s.size}, mentor_pref {rp.size}, mentee_pref {ep.size}")
        bad = (e < 0) | (e >= n_e) | (r < 0) | (r >= n_r)
        if bad.any():
            q = int(np.flatnonzero(bad)[0])
            raise InvalidProblemError(f"candidate {q} = ({e[q]}, {r[q]}) is out of range")
        for name, arr in (("score", s), ("mentor_pref", rp), ("mentee_pref", ep)):
            if not (np.abs(arr) <= SCORE_LIMIT).all():  # one pass: NaN compares False
                _refuse_entries(name, arr, "candidate")
        keys = e * n_r + r
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        dup = np.flatnonzero(np.diff(keys) == 0)
        if dup.size:
            q = int(keys[dup[0]])
            raise InvalidProblemError(
                f"candidate pair ({q // n_r}, {q % n_r}) listed twice (a scipy.sparse matrix "
                "keeps repeated entries apart: merge them first, e.g. with .sum_duplicates())")
        set_ = object.__setattr__
        set_(self, "n_mentees", n_e)
        set_(self, "n_mentors", n_r)
        set_(self, "demand", _counts("demand", demand, n_e))
        set_(self, "capacity", _counts("capacity", capacity, n_r))
        set_(self, "min_load", _counts("min_load", min_load, n_r))
        edges = Edges(*(_frozen(a[order]) for a in (e, r, s, ep, rp)))
        set_(self, "_edges", edges)
        set_(self, "_keys", _frozen(keys))
        set_(self, "locked", _frozen(_checked_locked(
            locked, n_e, n_r, self.demand, self.capacity, self.is_allowed,
            "is not a candidate pair")))
        if attributes is not None:
            attributes.check(n_e, n_r)
        set_(self, "attributes", attributes)
        b = np.full(n_e, -np.inf) if bound is None else np.asarray(bound, dtype=np.float64)
        if b.shape != (n_e,):
            raise InvalidProblemError(f"bound must have shape ({n_e},), got {b.shape}")
        set_(self, "bound", _frozen(b.copy()))
        kk = np.bincount(edges.mentee, minlength=n_e) if k is None else np.asarray(k)
        set_(self, "k", _frozen(np.asarray(kk, dtype=np.int64).reshape(n_e).copy()))
        _check_min_load(self.min_load, self.capacity)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"CandidateProblem is immutable; cannot set {name!r}")

    def __repr__(self) -> str:
        return (f"CandidateProblem({self.n_mentees} mentees x {self.n_mentors} mentors, "
                f"{self.n_edges} candidate pairs, {int(self.demand.sum())} wanted, "
                f"{int(self.capacity.sum())} places, {len(self.locked)} locked)")

    def _dense(self, name: str) -> Any:
        raise InvalidProblemError(
            f"CandidateProblem is sparse ({self.n_edges} candidate pairs): it has no dense "
            f"{name!r}; use an edge-based solver: mentormatch.solvers.supporting('candidates')")

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
    def quotas(self) -> tuple[()]:
        """Group make-up quotas: none (a cohort with quotas is solved dense)."""
        return ()

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


def _size(name: str, value: Any) -> int:
    """Return a count of people, refusing what is not a whole number >= 0."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise InvalidProblemError(f"{name} must be a whole number >= 0, got {value!r}")
    return int(value)


def _indices(name: str, value: ArrayLike) -> IntArray:
    """Return person indices as int64, refusing fractions, strings and bools (never truncated).

    Whole numbers beyond int64 are refused too (a cast would wrap them to other indices).
    """
    _refuse_masked(name, value)
    raw = np.asarray(value).reshape(-1)
    if raw.size == 0 or raw.dtype.kind == "i":
        return raw.astype(np.int64)
    if raw.dtype.kind in "uf":
        whole = raw < 2**63 if raw.dtype.kind == "u" else _whole(raw) & (np.abs(raw) < 2.0**63)
        if whole.all():
            return raw.astype(np.int64)
        q = int(np.flatnonzero(~whole)[0])
        raise InvalidProblemError(f"{name}[{q}] must be a whole index below 2**63, "
                                  f"got {raw[q]}")
    raise InvalidProblemError(f"{name} indices must be whole numbers, got dtype {raw.dtype}")


def _values(name: str, value: ArrayLike) -> FloatArray:
    """Return real edge values as float64, refusing strings, objects, complex and booleans."""
    _refuse_masked(name, value)
    raw = np.asarray(value).reshape(-1)
    if raw.size:
        _refuse_unreal(name, raw.dtype)
    return raw.astype(np.float64)
