"""Pieces several solvers share: what is left once locked pairs are placed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mentormatch.problem import MatchProblem

__all__ = ["Residual", "residual"]


@dataclass(frozen=True, eq=False)
class Residual:
    """Demand, capacity and admissible pairs that remain after the locked pairs.

    Attributes
    ----------
    demand, capacity : ndarray of int64
        What is still wanted and still free.
    free : ndarray of bool, shape (n_mentees, n_mentors)
        Allowed pairs not already used by a lock.
    covered : ndarray of bool, shape (n_mentees,)
        Mentees who already have a mentor through a lock.
    """

    demand: NDArray[np.int64]
    capacity: NDArray[np.int64]
    free: NDArray[np.bool_]
    covered: NDArray[np.bool_]


def residual(problem: MatchProblem) -> Residual:
    """Place the locked pairs and return what remains to be decided."""
    n_e, n_r = problem.shape
    e, r = problem.locked[:, 0], problem.locked[:, 1]
    per_mentee = np.bincount(e, minlength=n_e)
    demand = problem.demand - per_mentee
    capacity = problem.capacity - np.bincount(r, minlength=n_r)
    free = problem.allowed.copy()
    free[e, r] = False
    return Residual(demand, capacity, free, per_mentee > 0)
