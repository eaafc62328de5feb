"""Duals: the prices that prove an assignment optimal, kept on the Assignment.

An exact min-cost flow answer (``flow``) carries them; they price every pair
the solver did not see (column generation) and restart the next proof.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["UNREACHABLE_LEVEL", "Duals"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Dual level of a person who can take no further pair (no demand or no room left).
UNREACHABLE_LEVEL = 1 << 20


@dataclass(frozen=True, eq=False)
class Duals:
    """Lexicographic dual prices of an assignment, and the flow potentials behind them.

    A dual is a pair (level, potential) compared level first: the level
    prices coverage and pair count, the potential the score. An admissible
    pair ``(i, j)`` outside the assignment scoring ``s`` cannot improve it when
    ``mentee_level[i] + mentor_level[j] > 0``, or when that sum is 0 and
    ``s <= mentee_potential[i] + mentor_potential[j] + tolerance``. The same
    test on single numbers: ``s <= mentee_dual[i] + mentor_dual[j] + tolerance``.
    They prove the answer optimal when the solver says it is exact
    (``Assignment.info["exact"]``).

    Attributes
    ----------
    mentee_level, mentor_level : ndarray of int64
        Level part; :data:`UNREACHABLE_LEVEL` for people who can take no further pair.
    mentee_potential, mentor_potential : ndarray of float64
        Score part (in the score-maximising sign; 0 where the level is unreachable).
    tolerance : float
        Floating-point slack of the test.
    level_weight : float
        What one level is worth in :attr:`mentee_dual` and :attr:`mentor_dual`:
        more than any score difference.
    node_level, node_value : ndarray, shape (n_mentees + n_mentors + 2,)
        Potentials of every node of the flow network (mentees, mentors, source,
        sink), exact and lexicographic: where the next proof on the same people starts.
    saturated : bool
        The network had every unit of demand flow (no levels): only such
        potentials let a re-optimisation start from them.

    Examples
    --------
    >>> import mentormatch as mm
    >>> a = mm.solve(mm.MatchProblem(scores=[[1.0, 0.5]]), solver="flow")
    >>> d = a.duals
    >>> bool(0.5 <= d.mentee_dual[0] + d.mentor_dual[1] + d.tolerance)
    True
    """

    mentee_level: IntArray
    mentor_level: IntArray
    mentee_potential: FloatArray
    mentor_potential: FloatArray
    tolerance: float
    level_weight: float
    node_level: IntArray
    node_value: FloatArray
    saturated: bool

    def __post_init__(self) -> None:
        for array in (self.mentee_level, self.mentor_level, self.mentee_potential,
                      self.mentor_potential, self.node_level, self.node_value):
            array.flags.writeable = False

    @property
    def mentee_dual(self) -> FloatArray:
        """Each mentee's dual as one number: ``level_weight * level + potential``."""
        out: FloatArray = self.level_weight * self.mentee_level + self.mentee_potential
        return out

    @property
    def mentor_dual(self) -> FloatArray:
        """Each mentor's dual as one number: ``level_weight * level + potential``."""
        out: FloatArray = self.level_weight * self.mentor_level + self.mentor_potential
        return out
