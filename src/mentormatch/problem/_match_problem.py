"""MatchProblem: the array form every solver takes, validated once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
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
    _readonly,
    _refuse_entries,
    _refuse_masked,
    _refuse_unreal,
)
from mentormatch.problem._candidate_problem import CandidateProblem
from mentormatch.problem._duals import Duals
from mentormatch.problem._quotas import GroupQuota

__all__ = ["SCORE_LIMIT", "Assignment", "Edges", "MatchProblem", "ProblemAttributes"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def _matrix(name: str, value: ArrayLike, shape: tuple[int, ...] | None) -> FloatArray:
    # the hidden entries' data would be scored as pairs
    _refuse_masked(name, value, f"pass {name}=a.filled(0) and allowed=~np.ma.getmaskarray(a) "
                                "to forbid those pairs")
    try:
        raw = np.asarray(value)
    except (ValueError, TypeError):
        raise InvalidProblemError(f"{name} must be a rectangular array of numbers; "
                                  f"its rows differ in length or hold sequences") from None
    _refuse_unreal(name, raw.dtype)
    arr = np.array(raw, dtype=np.float64, copy=True)
    if arr.ndim != 2:
        raise InvalidProblemError(f"{name} must be 2-D (n_mentees, n_mentors), got {arr.ndim}-D")
    if shape is not None and arr.shape != shape:
        raise InvalidProblemError(f"{name} has shape {arr.shape}, expected {shape}")
    # One pass, by row blocks (no temporary as large as the matrix): NaN and inf fail too.
    step = max(1, (1 << 22) // max(arr.shape[1], 1))
    if not all(bool((np.abs(arr[lo:lo + step]) <= SCORE_LIMIT).all())
               for lo in range(0, arr.shape[0], step)):
        _refuse_entries(name, arr)
    return _readonly(arr)


def _entries(name: str, matrix: Any) -> tuple[IntArray, IntArray, FloatArray]:
    """Return the stored entries of a scipy.sparse matrix by (row, column), zeros kept."""
    from scipy import sparse

    if not sparse.issparse(matrix) or len(matrix.shape) != 2:
        raise InvalidProblemError(f"{name} must be a 2-D scipy.sparse matrix")
    coo = sparse.coo_array(matrix)
    _refuse_unreal(name, coo.dtype)
    rows, cols = coo.row.astype(np.int64), coo.col.astype(np.int64)
    order = np.lexsort((cols, rows))
    data = np.asarray(coo.data, dtype=np.float64)[order]
    return rows[order], cols[order], data


def _priority(value: ArrayLike | None, n_e: int) -> BoolArray | None:
    """Return the priority mentees as a read-only mask, or None when there are none."""
    if value is None:
        return None
    mask = np.array(value, copy=True)
    if mask.shape != (n_e,) or mask.dtype != np.bool_:
        raise InvalidProblemError(f"priority must be a boolean array of shape ({n_e},), got "
                                  f"shape {mask.shape} and dtype {mask.dtype}")
    return _readonly(mask) if mask.any() else None


class MatchProblem:
    """A matching problem as arrays: what every solver takes.

    Parameters
    ----------
    scores : array-like of shape (n_mentees, n_mentors)
        Finite value of each pair (higher is better).
    demand : int or array-like of shape (n_mentees,), default=1
        Distinct mentors each mentee wants.
    capacity : int or array-like of shape (n_mentors,), default=1
        Mentees each mentor can take.
    allowed : array-like of bool, shape (n_mentees, n_mentors), default=None
        ``False`` where a pair may never be used; ``None`` allows every pair.
    locked : array-like of shape (n_locked, 2), default=None
        ``(mentee_index, mentor_index)`` pairs that must be used.
    mentee_prefs, mentor_prefs : array-like of shape (n_mentees, n_mentors), default=None
        Each side's own view (higher = preferred), for stable matching; both
        default to ``scores``.
    min_load : int or array-like of shape (n_mentors,), default=0
        Mentees a mentor should receive at least (solvers that support it).
    attributes : ProblemAttributes, optional
        Topics and groups of each side, for solvers that reason about them
        (topic coverage across a mentee's mentors, division rules).
    priority : array-like of bool, shape (n_mentees,), optional
        Mentees covered first (newcomers, or any flagged group): an objective
        level above every other, honoured by solvers declaring ``priority``
        (others are refused). ``None`` or all False: no priority level.
    quotas : sequence of GroupQuota, default=()
        Rules on the make-up of each mentor's group; only solvers declaring
        ``quotas`` take a problem with any.

    Sparse problems
    ---------------
    ``scores`` may be a scipy.sparse matrix: its stored entries (explicit
    zeros included) are the admissible pairs, and the problem is built in its
    sparse form, a :class:`~mentormatch.problem.CandidateProblem`, without a
    dense matrix (:meth:`from_sparse`; :meth:`from_edges` takes edge arrays).
    Solvers that declare ``candidates`` (``mm.solvers.supporting("candidates")``)
    take it as it is; :func:`mentormatch.solve` refuses it to the others.

    Examples
    --------
    >>> p = MatchProblem(scores=[[1.0, 0.5], [0.2, 0.9]], capacity=[1, 1])
    >>> p.shape, p.demand.tolist(), p.allowed.all()
    ((2, 2), [1, 1], np.True_)
    >>> from scipy import sparse
    >>> q = MatchProblem(scores=sparse.csr_array([[1.0, 0.0], [0.2, 0.9]]), capacity=1)
    >>> type(q).__name__, q.n_edges
    ('CandidateProblem', 3)
    """

    __slots__ = ("allowed", "attributes", "capacity", "demand", "locked", "mentee_prefs",
                 "mentor_prefs", "min_load", "priority", "quotas", "scores")

    scores: FloatArray
    demand: IntArray
    capacity: IntArray
    allowed: BoolArray
    locked: IntArray
    mentee_prefs: FloatArray
    mentor_prefs: FloatArray
    min_load: IntArray
    attributes: ProblemAttributes | None
    priority: BoolArray | None
    quotas: tuple[GroupQuota, ...]

    def __new__(cls, scores: Any = None, *args: Any, **kwargs: Any) -> Any:
        """Build the sparse form when ``scores`` is a scipy.sparse matrix."""
        if type(scores).__module__.startswith("scipy.sparse"):
            return cls.from_sparse(scores, *args, **kwargs)
        return super().__new__(cls)

    @classmethod
    def from_sparse(cls, scores: Any, demand: ArrayLike = 1, capacity: ArrayLike = 1,
                    allowed: ArrayLike | None = None, locked: ArrayLike | None = None,
                    mentee_prefs: Any = None, mentor_prefs: Any = None,
                    min_load: ArrayLike = 0, attributes: ProblemAttributes | None = None,
                    priority: ArrayLike | None = None,
                    quotas: Sequence[GroupQuota] = ()) -> CandidateProblem:
        """Return the sparse problem whose admissible pairs are the stored entries of ``scores``.

        ``scores`` (and ``mentor_prefs``, if given, with the same stored
        entries) is a scipy.sparse matrix of shape (n_mentees, n_mentors);
        the other arguments are as for :class:`MatchProblem`. ``allowed`` and
        ``mentee_prefs`` do not apply: leave a pair out of ``scores`` to
        forbid it; the mentee's view is ``scores``. A ``priority`` group and
        group make-up ``quotas`` are refused: the sparse form has neither.

        Examples
        --------
        >>> from scipy import sparse
        >>> p = MatchProblem.from_sparse(sparse.coo_array(([0.9, 0.4], ([0, 1], [1, 0])),
        ...                                               shape=(2, 2)))
        >>> p.edges().mentee.tolist(), p.edges().mentor.tolist(), p.edges().score.tolist()
        ([0, 1], [1, 0], [0.9, 0.4])
        """
        if priority is not None and np.asarray(priority).any():
            raise InvalidProblemError("priority does not apply to sparse scores: the sparse "
                                      "form has no priority level; pass dense scores")
        if len(quotas):
            raise InvalidProblemError("quotas do not apply to sparse scores: group make-up "
                                      "quotas are kept on the dense problem; pass dense scores")
        for name, value in (("allowed", allowed), ("mentee_prefs", mentee_prefs)):
            if value is not None:
                raise InvalidProblemError(
                    f"{name} does not apply to sparse scores: the stored entries are the "
                    "admissible pairs and the mentee's view is the scores")
        rows, cols, data = _entries("scores", scores)
        mentor_pref = None
        if mentor_prefs is not None:
            pr, pc, pd = _entries("mentor_prefs", mentor_prefs)
            if pr.shape != rows.shape or (pr != rows).any() or (pc != cols).any():
                raise InvalidProblemError("mentor_prefs must store the same pairs as scores")
            mentor_pref = pd
        n_e, n_r = scores.shape
        return CandidateProblem(n_e, n_r, rows, cols, data, mentor_pref=mentor_pref,
                                demand=demand, capacity=capacity, min_load=min_load,
                                locked=locked, attributes=attributes)

    @classmethod
    def from_edges(cls, n_mentees: int, n_mentors: int, mentee: ArrayLike, mentor: ArrayLike,
                   score: ArrayLike, *, mentor_pref: ArrayLike | None = None,
                   demand: ArrayLike = 1, capacity: ArrayLike = 1, min_load: ArrayLike = 0,
                   locked: ArrayLike | None = None,
                   attributes: ProblemAttributes | None = None) -> CandidateProblem:
        """Return the sparse problem of the admissible pairs ``(mentee[k], mentor[k])``.

        Pairs not listed are not admissible; ``score`` is each pair's score
        (the mentee's view), ``mentor_pref`` the mentor's view (default:
        ``score``); the rest is as for :class:`MatchProblem`.

        Examples
        --------
        >>> p = MatchProblem.from_edges(2, 3, [0, 1, 1], [2, 0, 2], [0.9, 0.4, 0.7])
        >>> p.shape, p.n_edges
        ((2, 3), 3)
        """
        return CandidateProblem(n_mentees, n_mentors, mentee, mentor, score,
                                mentor_pref=mentor_pref, demand=demand, capacity=capacity,
                                min_load=min_load, locked=locked, attributes=attributes)

    def __init__(self, scores: ArrayLike, demand: ArrayLike = 1, capacity: ArrayLike = 1,
                 allowed: ArrayLike | None = None, locked: ArrayLike | None = None,
                 mentee_prefs: ArrayLike | None = None, mentor_prefs: ArrayLike | None = None,
                 min_load: ArrayLike = 0, attributes: ProblemAttributes | None = None,
                 priority: ArrayLike | None = None,
                 quotas: tuple[GroupQuota, ...] = ()) -> None:
        matrix = _matrix("scores", scores, None)
        n_e, n_r = matrix.shape
        set_ = object.__setattr__
        set_(self, "scores", matrix)
        set_(self, "demand", _counts("demand", demand, n_e))
        set_(self, "capacity", _counts("capacity", capacity, n_r))
        set_(self, "min_load", _counts("min_load", min_load, n_r))
        for name, value in (("mentee_prefs", mentee_prefs), ("mentor_prefs", mentor_prefs)):
            set_(self, name, matrix if value is None else _matrix(name, value, (n_e, n_r)))
        if allowed is None:
            mask = np.ones((n_e, n_r), dtype=bool)
        else:
            _refuse_masked("allowed", allowed)
            mask = np.array(allowed, copy=True)
            if mask.shape != (n_e, n_r):
                raise InvalidProblemError(f"allowed has shape {mask.shape}, expected {(n_e, n_r)}")
            if mask.dtype != np.bool_:
                raise InvalidProblemError(f"allowed must be boolean, got dtype {mask.dtype}")
        set_(self, "allowed", _readonly(mask))
        set_(self, "locked", _readonly(_checked_locked(
            locked, n_e, n_r, self.demand, self.capacity, lambda e, r: mask[e, r])))
        if attributes is not None:
            attributes.check(n_e, n_r)
        set_(self, "attributes", attributes)
        set_(self, "priority", _priority(priority, n_e))
        for quota in quotas:
            if not isinstance(quota, GroupQuota):
                raise InvalidProblemError(f"quotas must hold GroupQuota objects, got "
                                          f"{type(quota).__name__}")
            quota.check(n_e, n_r)
        set_(self, "quotas", tuple(quotas))
        _check_min_load(self.min_load, self.capacity)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"MatchProblem is immutable; cannot set {name!r}")

    def __repr__(self) -> str:
        n_e, n_r = self.shape
        return (f"MatchProblem({n_e} mentees x {n_r} mentors, {int(self.demand.sum())} wanted, "
                f"{int(self.capacity.sum())} places, {len(self.locked)} locked)")

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_mentees, n_mentors)``."""
        n_e, n_r = self.scores.shape
        return int(n_e), int(n_r)

    @property
    def n_mentees(self) -> int:
        """Number of mentees (rows)."""
        return self.shape[0]

    @property
    def n_mentors(self) -> int:
        """Number of mentors (columns)."""
        return self.shape[1]

    def pair_scores(self, mentee_idx: ArrayLike, mentor_idx: ArrayLike) -> FloatArray:
        """Scores of the given index pairs."""
        out: FloatArray = self.scores[np.asarray(mentee_idx), np.asarray(mentor_idx)]
        return out

    def is_allowed(self, mentee_idx: ArrayLike, mentor_idx: ArrayLike) -> BoolArray:
        """Whether each given index pair may be used."""
        out: BoolArray = self.allowed[np.asarray(mentee_idx), np.asarray(mentor_idx)]
        return out

    def edges(self) -> Edges:
        """Return the allowed pairs as edge arrays, sorted by mentee then mentor.

        Solvers that only need the admissible pairs (flow, stable, greedy) work
        on this form, which sparse candidate problems provide too.

        Examples
        --------
        >>> p = MatchProblem(scores=[[1.0, 2.0]], allowed=[[False, True]])
        >>> e = p.edges()
        >>> e.mentee.tolist(), e.mentor.tolist(), e.score.tolist()
        ([0], [1], [2.0])
        """
        mentee, mentor = np.nonzero(self.allowed)
        return Edges(mentee.astype(np.int64), mentor.astype(np.int64),
                     self.scores[mentee, mentor], self.mentee_prefs[mentee, mentor],
                     self.mentor_prefs[mentee, mentor])

    @property
    def locked_mask(self) -> BoolArray:
        """Boolean matrix, True at locked pairs."""
        mask = np.zeros(self.shape, dtype=bool)
        mask[self.locked[:, 0], self.locked[:, 1]] = True
        return mask


@dataclass(frozen=True, eq=False)
class Assignment:
    """A solver's answer: which (mentee, mentor) index pairs are used.

    Attributes
    ----------
    mentee_idx, mentor_idx : ndarray of int64, shape (n_pairs,)
        The pairs, sorted by mentee then mentor.
    objective : float
        Total score of the pairs.
    solver : str
        Registry name of the solver that produced it.
    info : dict
        Solver-specific facts (exactness, gap, which backend ran, ...).
    duals : Duals or None
        The dual prices that prove the pairs optimal, from a solver that has them
        (``flow``); None otherwise.

    Examples
    --------
    >>> p = MatchProblem(scores=[[1.0, 0.0]])
    >>> a = Assignment.from_pairs(p, [0], [0], solver="manual")
    >>> a.objective, a.n_pairs
    (1.0, 1)
    """

    mentee_idx: IntArray
    mentor_idx: IntArray
    objective: float
    solver: str
    info: dict[str, Any] = field(default_factory=dict)
    duals: Duals | None = None

    @classmethod
    def from_pairs(cls, problem: MatchProblem, mentee_idx: ArrayLike, mentor_idx: ArrayLike,
                   *, solver: str, info: dict[str, Any] | None = None,
                   duals: Duals | None = None) -> Assignment:
        """Build an assignment from index pairs: sorted, with the objective computed."""
        e = np.array(mentee_idx, dtype=np.int64).ravel()  # copies: made read-only below
        r = np.array(mentor_idx, dtype=np.int64).ravel()
        step = np.diff(e)
        if not ((step > 0) | ((step == 0) & (np.diff(r) >= 0))).all():  # often sorted already
            order = np.lexsort((r, e))
            e, r = e[order], r[order]
        objective = float(problem.pair_scores(e, r).sum()) if e.size else 0.0
        return cls(_readonly(e), _readonly(r), objective, solver, dict(info or {}), duals)

    @property
    def n_pairs(self) -> int:
        """Number of pairs."""
        return int(self.mentee_idx.size)

    def mentors_of(self, mentee: int) -> IntArray:
        """Mentor indices assigned to one mentee."""
        out: IntArray = self.mentor_idx[self.mentee_idx == mentee]
        return out

    def loads(self, n_mentors: int) -> IntArray:
        """Mentees per mentor."""
        return np.bincount(self.mentor_idx, minlength=n_mentors).astype(np.int64)

    def counts(self, n_mentees: int) -> IntArray:
        """Mentors per mentee."""
        return np.bincount(self.mentee_idx, minlength=n_mentees).astype(np.int64)
