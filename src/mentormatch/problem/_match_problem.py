"""MatchProblem: the array form every solver takes, validated once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mentormatch.errors import ConstraintConflictError, InvalidProblemError, shorten
from mentormatch.models import MAX_COUNT
from mentormatch.problem._duals import Duals
from mentormatch.problem._quotas import GroupQuota

__all__ = ["SCORE_LIMIT", "Assignment", "Edges", "MatchProblem", "ProblemAttributes"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

def _readonly(a: NDArray[Any]) -> NDArray[Any]:
    a.flags.writeable = False
    return a


#: Largest score magnitude accepted: sums of many pairs stay finite and exactly comparable.
SCORE_LIMIT = 1e15


def _matrix(name: str, value: ArrayLike, shape: tuple[int, ...] | None) -> FloatArray:
    try:
        raw = np.asarray(value)
    except (ValueError, TypeError):
        raise InvalidProblemError(f"{name} must be a rectangular array of numbers; "
                                  f"its rows differ in length or hold sequences") from None
    if raw.dtype.kind not in "biuf":
        raise InvalidProblemError(f"{name} must hold real numbers (int or float), got dtype "
                                  f"{shorten(str(raw.dtype))} (strings and complex are refused)")
    arr = np.array(raw, dtype=np.float64, copy=True)
    if arr.ndim != 2:
        raise InvalidProblemError(f"{name} must be 2-D (n_mentees, n_mentors), got {arr.ndim}-D")
    if shape is not None and arr.shape != shape:
        raise InvalidProblemError(f"{name} has shape {arr.shape}, expected {shape}")
    bad = ~np.isfinite(arr)
    if bad.any():
        i, j = (int(x) for x in np.argwhere(bad)[0])
        raise InvalidProblemError(
            f"{name} must be finite; entry ({i}, {j}) is {arr[i, j]} ({int(bad.sum())} bad in all)"
        )
    huge = np.abs(arr) > SCORE_LIMIT
    if huge.any():
        i, j = (int(x) for x in np.argwhere(huge)[0])
        raise InvalidProblemError(f"{name} must lie within +-{SCORE_LIMIT:g}; entry ({i}, {j}) "
                                  f"is {arr[i, j]:g} ({int(huge.sum())} beyond in all)")
    return _readonly(arr)


def _counts(name: str, value: ArrayLike, n: int) -> IntArray:
    raw = np.asarray(value)
    if raw.ndim == 0:
        raw = np.full(n, raw)
    if raw.shape != (n,):
        raise InvalidProblemError(f"{name} must be a scalar or have shape ({n},), got {raw.shape}")
    if raw.dtype.kind == "f":
        if not np.isfinite(raw).all() or not np.equal(np.floor(raw), raw).all():
            k = int(np.flatnonzero(~np.isfinite(raw) | (np.floor(raw) != raw))[0])
            raise InvalidProblemError(f"{name}[{k}] must be a whole number, got {raw[k]}")
    elif raw.dtype.kind not in "iu":
        raise InvalidProblemError(f"{name} must hold integers, got dtype {raw.dtype} "
                                  "(too large, or not numbers)" if raw.dtype.kind == "O" else
                                  f"{name} must hold integers, got dtype {raw.dtype}")
    if (raw < 0).any():
        k = int(np.flatnonzero(raw < 0)[0])
        raise InvalidProblemError(f"{name}[{k}] must be >= 0, got {raw[k]}")
    if (raw > MAX_COUNT).any():
        k = int(np.flatnonzero(raw > MAX_COUNT)[0])
        raise InvalidProblemError(f"{name}[{k}] must be at most {MAX_COUNT}, got {raw[k]}")
    return _readonly(raw.astype(np.int64))


def _priority(value: ArrayLike | None, n_e: int) -> BoolArray | None:
    """Return the priority mentees as a read-only mask, or None when there are none."""
    if value is None:
        return None
    mask = np.array(value, copy=True)
    if mask.shape != (n_e,) or mask.dtype != np.bool_:
        raise InvalidProblemError(f"priority must be a boolean array of shape ({n_e},), got "
                                  f"shape {mask.shape} and dtype {mask.dtype}")
    return _readonly(mask) if mask.any() else None


def _check_min_load(min_load: IntArray, capacity: IntArray) -> None:
    """Raise :class:`ConstraintConflictError` if a mentor's min_load exceeds its capacity."""
    over = min_load > capacity
    if over.any():
        j = int(np.flatnonzero(over)[0])
        raise ConstraintConflictError(
            f"mentor {j}: min_load {min_load[j]} exceeds capacity {capacity[j]}")


def _checked_locked(value: ArrayLike | None, n_e: int, n_r: int, demand: IntArray,
                    capacity: IntArray, is_allowed: Callable[[IntArray, IntArray], BoolArray],
                    not_allowed: str = "is not allowed") -> IntArray:
    """Validate locked ``(mentee, mentor)`` index pairs; return them sorted, shape (n, 2).

    Shared by :class:`MatchProblem` and the sparse ``CandidateProblem``: each
    pair must be in range and admissible (``is_allowed``, asked only of
    in-range pairs; ``not_allowed`` ends the message otherwise), listed once,
    and no person may have more locked pairs than their demand / capacity.
    """
    raw = np.zeros((0, 2), dtype=np.int64) if value is None else np.asarray(value)
    if raw.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if raw.ndim != 2 or raw.shape[1] != 2 or raw.dtype.kind not in "iu":
        raise InvalidProblemError(
            f"locked must be integer pairs of shape (n, 2), got {raw.shape} {raw.dtype}"
        )
    locked = raw.astype(np.int64)
    e, r = locked[:, 0], locked[:, 1]
    inside = (e >= 0) & (e < n_e) & (r >= 0) & (r < n_r)
    ok = inside.copy()
    ok[inside] = is_allowed(e[inside], r[inside])
    if not ok.all():
        k = int(np.flatnonzero(~ok)[0])
        if not inside[k]:
            raise InvalidProblemError(f"locked[{k}] = ({e[k]}, {r[k]}) is out of range")
        raise ConstraintConflictError(f"locked[{k}] = ({e[k]}, {r[k]}) {not_allowed}")
    keys = e * n_r + r
    if np.unique(keys).size != keys.size:
        raise ConstraintConflictError("locked lists the same pair twice")
    for name, col, limit in (("mentee", 0, demand), ("mentor", 1, capacity)):
        counts = np.bincount(locked[:, col], minlength=limit.size)
        over = np.flatnonzero(counts > limit)
        if over.size:
            k = int(over[0])
            what = "demand" if col == 0 else "capacity"
            raise ConstraintConflictError(
                f"{name} {k} has {counts[k]} locked pairs but {what} {limit[k]}"
            )
    order = np.lexsort((r, e))
    return np.ascontiguousarray(locked[order], dtype=np.int64)


@dataclass(frozen=True, eq=False)
class Edges:
    """Admissible pairs as parallel arrays (sorted by mentee, then mentor)."""

    mentee: IntArray
    mentor: IntArray
    score: FloatArray
    mentee_pref: FloatArray
    mentor_pref: FloatArray

    @property
    def size(self) -> int:
        """Number of edges."""
        return int(self.mentee.size)


@dataclass(frozen=True, eq=False)
class ProblemAttributes:
    """What solvers may know about people beyond pair scores.

    Attributes
    ----------
    asked : ndarray of shape (n_mentees, n_topics)
        Topic weight each mentee asked for (0 = not asked).
    offered : ndarray of shape (n_mentors, n_topics)
        Topic weight each mentor offers (0 = not offered).
    topics : tuple of str
        Topic names (columns of ``asked`` and ``offered``).
    mentee_group, mentor_group : ndarray of int64
        Group (division) code of each person, -1 when unknown.
    mentor_leads : ndarray of bool, shape (n_mentors, n_groups)
        Whether a mentor holds a leadership role over a group.
    groups : tuple of str
        Group names, indexed by the codes.
    """

    asked: FloatArray
    offered: FloatArray
    topics: tuple[str, ...]
    mentee_group: IntArray
    mentor_group: IntArray
    mentor_leads: BoolArray
    groups: tuple[str, ...]

    def check(self, n_e: int, n_r: int) -> None:
        """Raise :class:`InvalidProblemError` if a shape disagrees with the problem."""
        n_t, n_g = len(self.topics), len(self.groups)
        expected = {"asked": (n_e, n_t), "offered": (n_r, n_t), "mentee_group": (n_e,),
                    "mentor_group": (n_r,), "mentor_leads": (n_r, n_g)}
        for name, shape in expected.items():
            got = getattr(self, name).shape
            if got != shape:
                raise InvalidProblemError(f"attributes.{name} has shape {got}, expected {shape}")


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

    Examples
    --------
    >>> p = MatchProblem(scores=[[1.0, 0.5], [0.2, 0.9]], capacity=[1, 1])
    >>> p.shape, p.demand.tolist(), p.allowed.all()
    ((2, 2), [1, 1], np.True_)
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
        e = np.asarray(mentee_idx, dtype=np.int64).ravel()
        r = np.asarray(mentor_idx, dtype=np.int64).ravel()
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
