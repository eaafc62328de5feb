"""Group make-up quotas in array form, and the groups an assignment leaves out of balance.

A :class:`GroupQuota` is one rule on each mentor's group of mentees: value
codes per mentee (``-1`` when not recorded) and bounds on how many of the
group share each value. Messages name mentors and the rule (``name``, which
never holds a sensitive value), never a value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mentormatch.errors import InvalidProblemError

__all__ = ["GroupQuota", "group_counts", "quota_violations"]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class GroupQuota:
    """One make-up rule on each mentor's group, as arrays.

    Attributes
    ----------
    label : ndarray of int64, shape (n_mentees,)
        Value code of each mentee, ``-1`` when not recorded (counts in the
        group's size, in no value).
    n_values : int
        Number of value codes.
    mentors : ndarray of bool, shape (n_mentors,)
        The mentors whose groups the rule applies to.
    value : int or None
        The code the bounds apply to; ``None``: every code.
    min_count, max_count : int or None
        Bounds on a value's count in a group; ``min_count`` binds only groups
        with at least one mentee.
    min_share, max_share : float or None
        Bounds on a value's share of a group's mentees.
    no_lone : bool
        A value present in a group appears there at least twice.
    name : str
        What the rule asks, as messages show it (no sensitive value).

    Examples
    --------
    >>> import numpy as np
    >>> q = GroupQuota(label=np.array([0, 0, 1]), n_values=2, mentors=np.ones(1, bool),
    ...                max_count=2, name="gender: at most 2 of each value")
    >>> group_counts(q, np.array([0, 1, 2]), np.array([0, 0, 0]), 1)[:, 0].tolist()
    [2, 1]
    """

    label: IntArray
    n_values: int
    mentors: BoolArray
    value: int | None = None
    min_count: int | None = None
    max_count: int | None = None
    min_share: float | None = None
    max_share: float | None = None
    no_lone: bool = False
    name: str = "quota"

    def check(self, n_e: int, n_r: int) -> None:
        """Raise :class:`InvalidProblemError` if the arrays disagree with the problem."""
        if self.label.shape != (n_e,) or self.mentors.shape != (n_r,):
            raise InvalidProblemError(
                f"quota {self.name!r}: label has shape {self.label.shape} and mentors "
                f"{self.mentors.shape}, expected ({n_e},) and ({n_r},)")
        if self.label.size and (self.label.min() < -1 or self.label.max() >= self.n_values):
            raise InvalidProblemError(f"quota {self.name!r}: a label is outside -1 .. "
                                      f"{self.n_values - 1}")
        if self.value is not None and not 0 <= self.value < self.n_values:
            raise InvalidProblemError(f"quota {self.name!r}: value code {self.value} is outside "
                                      f"0 .. {self.n_values - 1}")

    @property
    def values(self) -> IntArray:
        """The codes the bounds apply to."""
        if self.value is None:
            return np.arange(self.n_values, dtype=np.int64)
        return np.array([self.value], dtype=np.int64)

    def restricted(self, mentors: BoolArray) -> GroupQuota:
        """Return the same rule on other mentors (for a sub-problem of some columns)."""
        return GroupQuota(self.label, self.n_values, mentors, self.value, self.min_count,
                          self.max_count, self.min_share, self.max_share, self.no_lone,
                          self.name)


def group_counts(quota: GroupQuota, mentee_idx: IntArray, mentor_idx: IntArray,
                 n_mentors: int) -> IntArray:
    """Count each value in each mentor's group: shape ``(n_values, n_mentors)``."""
    lab = quota.label[mentee_idx]
    known = lab >= 0
    flat = lab[known] * n_mentors + mentor_idx[known]
    counts = np.bincount(flat, minlength=quota.n_values * n_mentors)
    return counts.reshape(quota.n_values, n_mentors).astype(np.int64)


def quota_violations(quotas: tuple[GroupQuota, ...], mentee_idx: IntArray, mentor_idx: IntArray,
                     n_mentors: int, name_r: Callable[[int], str] = str) -> list[str]:
    """One sentence per mentor group that breaks a quota (naming no value).

    Examples
    --------
    >>> import numpy as np
    >>> q = GroupQuota(label=np.array([0, 0, 1]), n_values=2, mentors=np.ones(1, bool),
    ...                no_lone=True, name="gender: no lone member")
    >>> quota_violations((q,), np.array([0, 1, 2]), np.array([0, 0, 0]), 1)
    ["mentor 0's group breaks quota 'gender: no lone member' (a value has a lone member)"]
    """
    out: list[str] = []
    load = np.bincount(mentor_idx, minlength=n_mentors)
    for q in quotas:
        counts = group_counts(q, mentee_idx, mentor_idx, n_mentors)[q.values]
        for j in np.flatnonzero(q.mentors & (load > 0)).tolist():
            why = _broken(q, counts[:, j], int(load[j]))
            if why:
                out.append(f"mentor {name_r(j)}'s group breaks quota {q.name!r} ({why})")
    return out


def _broken(q: GroupQuota, count: IntArray, load: int) -> str | None:
    """Why a non-empty group of ``load`` mentees with these value counts breaks ``q``."""
    if q.min_count is not None and (count < q.min_count).any():
        return f"a value has fewer than {q.min_count}"
    if q.max_count is not None and (count > q.max_count).any():
        return f"a value has more than {q.max_count}"
    share = count / load
    slack = 1e-9
    if q.min_share is not None and (share < q.min_share - slack).any():
        return f"a value is below {q.min_share:.0%} of the group"
    if q.max_share is not None and (share > q.max_share + slack).any():
        return f"a value is above {q.max_share:.0%} of the group"
    if q.no_lone and (count == 1).any():
        return "a value has a lone member"
    return None
