"""Feasibility: which hard rules of a problem an assignment breaks."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mentormatch.problem._match_problem import Assignment, MatchProblem

__all__ = ["violations"]


def violations(assignment: Assignment, problem: MatchProblem,
               name_e: Callable[[int], str] = str,
               name_r: Callable[[int], str] = str) -> tuple[str, ...]:
    """Every hard rule of ``problem`` that ``assignment`` breaks, one sentence each.

    ``name_e`` and ``name_r`` turn an index into the name used in the sentences.

    Examples
    --------
    >>> from mentormatch.problem import Assignment, MatchProblem
    >>> p = MatchProblem(scores=[[1.0, 0.5]], capacity=1, demand=1)
    >>> violations(Assignment.from_pairs(p, [0, 0], [0, 1], solver="manual"), p)
    ('mentee 0 has 2 mentors but demand 1',)
    """
    out: list[str] = []
    n_e, n_r = problem.shape
    e, r = assignment.mentee_idx, assignment.mentor_idx
    if e.shape != r.shape:
        return (f"mentee_idx {e.shape} and mentor_idx {r.shape} differ in shape",)
    bad = (e < 0) | (e >= n_e) | (r < 0) | (r >= n_r)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        return (f"pair {k} = ({e[k]}, {r[k]}) is out of range",)

    def pair(i: int, j: int) -> str:
        return f"({name_e(int(i))}, {name_r(int(j))})"

    keys = e * n_r + r
    uniq, counts = np.unique(keys, return_counts=True)
    for key in uniq[counts > 1][:3]:
        out.append(f"pair {pair(key // n_r, key % n_r)} is used more than once")
    for k in np.flatnonzero(~problem.is_allowed(e, r))[:3]:
        out.append(f"pair {pair(e[k], r[k])} is not allowed")
    if problem.locked.size:
        locked_keys = problem.locked[:, 0] * n_r + problem.locked[:, 1]
        for key in locked_keys[~np.isin(locked_keys, keys)][:3]:
            out.append(f"locked pair {pair(key // n_r, key % n_r)} is missing")
    per_mentee = np.bincount(e, minlength=n_e)
    for i in np.flatnonzero(per_mentee > problem.demand)[:3]:
        out.append(f"mentee {name_e(i)} has {per_mentee[i]} mentors but demand "
                   f"{problem.demand[i]}")
    per_mentor = np.bincount(r, minlength=n_r)
    for j in np.flatnonzero(per_mentor > problem.capacity)[:3]:
        out.append(f"mentor {name_r(j)} has {per_mentor[j]} mentees but capacity "
                   f"{problem.capacity[j]}")
    return tuple(out)
