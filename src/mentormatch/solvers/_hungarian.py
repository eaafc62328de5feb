"""Hungarian assignment on ``scipy.optimize.linear_sum_assignment``."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

from mentormatch.errors import InvalidInputError
from mentormatch.problem import Assignment, MatchProblem, free_pairs, locked_residual

__all__ = ["solve_hungarian"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def solve_hungarian(problem: MatchProblem, *,
                    objective: Literal["lexicographic", "score"] = "lexicographic"
                    ) -> Assignment:
    """Hungarian assignment: exact for one mentor per mentee, any mentor capacities.

    Each mentor is expanded into ``min(capacity, n_mentees)`` identical columns
    and :func:`scipy.optimize.linear_sum_assignment` finds a maximum-weight
    assignment. Locked pairs are placed first and use up demand and capacity.

    With ``objective="lexicographic"`` (default) it maximises the number of
    mentees matched, then the total score, which is the library's default
    semantics and exact whenever every mentee's remaining demand is at most 1.
    With ``objective="score"`` it maximises the total score and leaves out
    pairs with a score <= 0.

    **Mentees wanting more than one mentor.** The Hungarian method gives a
    mentee at most one mentor per assignment, so demand above 1 is met in
    rounds: everyone's first mentor is chosen exactly before anyone's second,
    and each round excludes pairs already used (a mentee never gets the same
    mentor twice). Rounds are not jointly optimal; ``info["exact"]`` is False
    when more than one round ran. Use ``solver="flow"`` for an exact answer.

    Minimum loads are not modelled: the registry declares none, so
    :func:`mentormatch.solve` refuses a problem whose minimum loads the locked
    pairs do not meet. Needs the dense score matrix (no candidate problems).

    Parameters
    ----------
    problem : MatchProblem
    objective : {"lexicographic", "score"}, default="lexicographic"

    Returns
    -------
    Assignment
        ``info`` holds ``rounds`` and ``exact``.

    Examples
    --------
    >>> import mentormatch as mm
    >>> p = mm.MatchProblem(scores=[[0.9, 0.8], [0.9, 0.1]], capacity=[1, 1])
    >>> a = solve_hungarian(p)
    >>> a.mentor_idx.tolist(), a.info["exact"]
    ([1, 0], True)
    """
    from scipy.optimize import linear_sum_assignment

    if objective not in ("lexicographic", "score"):
        raise InvalidInputError(
            f"objective must be 'lexicographic' or 'score', got {objective!r}"
        )
    scores = problem.scores
    res = locked_residual(problem)
    demand, capacity, free = res.demand.copy(), res.capacity.copy(), free_pairs(problem)
    count = res.mentee_locks.copy()
    rows_out = [problem.locked[:, 0]]
    cols_out = [problem.locked[:, 1]]
    stuck = np.zeros(problem.n_mentees, dtype=bool)
    rounds = 0
    while True:
        wanting = np.flatnonzero((demand > 0) & ~stuck)
        if wanting.size == 0:
            break
        rows = wanting[count[wanting] == count[wanting].min()]
        slots = np.minimum(capacity, rows.size)
        mentors = np.repeat(np.arange(problem.n_mentors), slots)
        if mentors.size == 0:
            break
        full = rows.size == problem.n_mentees and bool((slots == 1).all())
        sub = scores if full else scores[np.ix_(rows, mentors)]
        ok = free if full else free[np.ix_(rows, mentors)]
        if objective == "score":
            ok = ok & (sub > 0)
        elif not ok.any():
            stuck[rows] = True
            continue
        r_idx, c_idx = linear_sum_assignment(_cost(sub, ok, objective))
        keep = ok[r_idx, c_idx]
        if not keep.any():
            stuck[rows] = True  # none of these can get another mentor
            continue
        rounds += 1
        new_e, new_r = rows[r_idx[keep]], mentors[c_idx[keep]]
        rows_out.append(new_e)
        cols_out.append(new_r)
        demand[new_e] -= 1
        count[new_e] += 1
        np.subtract.at(capacity, new_r, 1)
        free[new_e, new_r] = False
    e = np.concatenate(rows_out)
    r = np.concatenate(cols_out)
    exact = rounds <= 1 and bool((res.demand <= 1).all())
    return Assignment.from_pairs(problem, e, r, solver="hungarian",
                                 info={"rounds": rounds, "exact": exact, "objective": objective})


def _cost(sub: FloatArray, ok: BoolArray, objective: str) -> FloatArray:
    """Costs of one round, negated so scipy needs no extra copy (maximize=True makes one)."""
    if objective == "score":
        return np.where(ok, -sub, 0.0)
    every = bool(ok.all())
    lo = float(sub.min() if every else sub[ok].min())
    span = float(sub.max() if every else sub[ok].max()) - lo
    # One more pair is always worth more than any gain in score.
    big = sub.shape[0] * span + 1.0
    cost: FloatArray = (lo - big) - sub
    if not every:
        cost[~ok] = 0.0
    return cost
