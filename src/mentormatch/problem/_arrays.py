"""What both forms of a problem share: counts, locks, edges, attributes, validated once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mentormatch.errors import ConstraintConflictError, InvalidProblemError, shorten
from mentormatch.models import MAX_COUNT

__all__ = ["SCORE_LIMIT", "Edges", "ProblemAttributes"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def _readonly(a: NDArray[Any]) -> NDArray[Any]:
    a.flags.writeable = False
    return a


#: Largest score magnitude accepted: sums of many pairs stay finite and exactly comparable.
SCORE_LIMIT = 1e15


def _refuse_masked(name: str, value: object, fix: str = "") -> None:
    """Refuse a masked array with hidden entries: numpy's conversions drop the mask."""
    if isinstance(value, np.ma.MaskedArray) and np.ma.getmaskarray(value).any():
        raise InvalidProblemError(f"{name} is a masked array with hidden entries, which numpy "
                                  "would use as they are: "
                                  + (fix or f"fill them first ({name}.filled(...))"))


def _refuse_unreal(name: str, dtype: np.dtype[Any]) -> None:
    """Refuse an array of anything but real numbers: strings, objects, complex, booleans.

    A boolean is refused rather than read as 0 or 1, as for indices: a mask passed
    where scores belong is a mistake, not a score.
    """
    if dtype.kind not in "iuf":
        raise InvalidProblemError(f"{name} must hold real numbers (int or float), got dtype "
                                  f"{shorten(str(dtype))} (strings, complex and booleans "
                                  "are refused)")


def _whole(raw: NDArray[np.floating[Any]]) -> BoolArray:
    """Return which entries of a float array are whole numbers (finite, no fraction)."""
    whole: BoolArray = np.isfinite(raw) & (np.floor(raw) == raw)
    return whole


def _refuse_entries(name: str, arr: FloatArray, entry: str = "entry") -> None:
    """Raise for the first non-finite entry, else the first beyond :data:`SCORE_LIMIT`.

    Called once a value check failed; ``entry`` names a position (``"entry (i, j)"``
    of a matrix, ``"candidate q"`` of an edge list).
    """
    def at(bad: BoolArray) -> tuple[str, float]:
        index = tuple(int(x) for x in np.argwhere(bad)[0])
        where = f"({', '.join(map(str, index))})" if len(index) > 1 else str(index[0])
        return f"{entry} {where}", float(arr[index])

    bad = ~np.isfinite(arr)
    if bad.any():
        where, value = at(bad)
        raise InvalidProblemError(
            f"{name} must be finite; {where} is {value} ({int(bad.sum())} bad in all)")
    huge = np.abs(arr) > SCORE_LIMIT
    where, value = at(huge)
    raise InvalidProblemError(f"{name} must lie within +-{SCORE_LIMIT:g}; {where} "
                              f"is {value:g} ({int(huge.sum())} beyond in all)")


def _counts(name: str, value: ArrayLike, n: int) -> IntArray:
    _refuse_masked(name, value)
    raw = np.asarray(value)
    if raw.ndim == 0:
        raw = np.full(n, raw)
    if raw.shape != (n,):
        raise InvalidProblemError(f"{name} must be a scalar or have shape ({n},), got {raw.shape}")
    if raw.dtype.kind == "f":
        whole = _whole(raw)
        if not whole.all():
            k = int(np.flatnonzero(~whole)[0])
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
