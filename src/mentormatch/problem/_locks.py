"""What locked pairs leave: each person's limits once they are placed, and the free pairs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mentormatch.problem._candidate_problem import CandidateProblem
from mentormatch.problem._match_problem import Edges, MatchProblem

__all__ = ["LockedResidual", "free_edges", "free_pairs", "locked_residual", "unlocked"]

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

    Callers need not check for locks first: with none, every pair is free and
    no search is made.

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


def free_pairs(problem: MatchProblem, *, only_open: bool = False) -> BoolArray:
    """Return a dense mask of the allowed pairs not already used by a lock.

    With ``only_open``, also only pairs whose mentee still wants a mentor and
    whose mentor still has a place (see :func:`locked_residual`). Needs the
    dense ``allowed`` matrix; :func:`free_edges` is the edge-list form.

    Examples
    --------
    >>> p = MatchProblem(scores=[[1.0, 0.5]], demand=2, capacity=[1, 1], locked=[[0, 0]])
    >>> free_pairs(p).tolist(), free_pairs(p, only_open=True).tolist()
    ([[False, True]], [[False, True]])
    """
    mask = problem.allowed.copy()
    if only_open:
        left = locked_residual(problem)
        mask &= (left.demand > 0)[:, None] & (left.capacity > 0)[None, :]
    mask[problem.locked[:, 0], problem.locked[:, 1]] = False
    return mask


def free_edges(problem: MatchProblem | CandidateProblem, *, only_open: bool = False) -> Edges:
    """Return the admissible pairs (``problem.edges()``) not already used by a lock.

    With ``only_open``, also only pairs whose mentee still wants a mentor and
    whose mentor still has a place. Works on a sparse candidate problem too.

    Examples
    --------
    >>> p = MatchProblem(scores=[[1.0, 0.5], [0.2, 0.9]], capacity=[1, 1], locked=[[0, 0]])
    >>> e = free_edges(p)
    >>> e.mentee.tolist(), e.mentor.tolist()
    ([0, 1, 1], [1, 0, 1])
    >>> e = free_edges(p, only_open=True)
    >>> e.mentee.tolist(), e.mentor.tolist()
    ([1], [1])
    """
    edges = problem.edges()
    e, r = edges.mentee, edges.mentor
    keep = unlocked(problem, e, r)
    if only_open:
        left = locked_residual(problem)
        keep &= (left.demand[e] > 0) & (left.capacity[r] > 0)
    if keep.all():
        return edges
    return Edges(e[keep], r[keep], edges.score[keep], edges.mentee_pref[keep],
                 edges.mentor_pref[keep])
