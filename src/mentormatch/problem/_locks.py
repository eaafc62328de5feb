"""What locked pairs leave: each person's limits once they are placed, and the free pairs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mentormatch.problem._candidate_problem import CandidateProblem
from mentormatch.problem._match_problem import MatchProblem

__all__ = ["LockedResidual", "locked_residual", "unlocked"]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class LockedResidual:
    """Each person's limits left once the locked pairs are placed.

    Attributes
    ----------
    mentee_locks, mentor_locks : ndarray of int64
        Locked pairs per mentee, per mentor.
    demand, capacity : ndarray of int64
        Demand and capacity minus the locked pairs.
    min_load : ndarray of int64
        Minimum load the free pairs must still bring (never below 0).
    """

    mentee_locks: IntArray
    mentor_locks: IntArray
    demand: IntArray
    capacity: IntArray
    min_load: IntArray


def locked_residual(problem: MatchProblem | CandidateProblem) -> LockedResidual:
    """Return what the locked pairs leave of every demand, capacity and minimum load.

    Examples
    --------
    >>> p = MatchProblem(scores=[[1.0, 0.5]], demand=2, capacity=[1, 2], min_load=[1, 0],
    ...                  locked=[[0, 0]])
    >>> left = locked_residual(p)
    >>> left.demand.tolist(), left.capacity.tolist(), left.min_load.tolist()
    ([1], [0, 2], [0, 0])
    """
    n_mentees, n_mentors = problem.shape
    locked = problem.locked
    mentee_locks = np.bincount(locked[:, 0], minlength=n_mentees).astype(np.int64)
    mentor_locks = np.bincount(locked[:, 1], minlength=n_mentors).astype(np.int64)
    return LockedResidual(
        mentee_locks, mentor_locks, demand=problem.demand - mentee_locks,
        capacity=problem.capacity - mentor_locks,
        min_load=np.maximum(problem.min_load - mentor_locks, 0))


def unlocked(problem: MatchProblem | CandidateProblem, mentee_idx: IntArray,
             mentor_idx: IntArray) -> BoolArray:
    """Return which of the given pairs are not locked.

    Examples
    --------
    >>> import numpy as np
    >>> p = MatchProblem(scores=[[1.0, 0.5]], demand=2, locked=[[0, 1]])
    >>> unlocked(p, np.array([0, 0]), np.array([0, 1])).tolist()
    [True, False]
    """
    locked = problem.locked
    if locked.size == 0:
        return np.ones(mentee_idx.shape, dtype=bool)
    n_mentors = problem.shape[1]
    free: BoolArray = ~np.isin(mentee_idx * n_mentors + mentor_idx,
                               locked[:, 0] * n_mentors + locked[:, 1])
    return free
