"""Greedy baseline: what a director does by hand, in input order."""

from __future__ import annotations

import numpy as np

from mentormatch.problem import Assignment, MatchProblem, free_edges, locked_residual

__all__ = ["solve_greedy"]


def solve_greedy(problem: MatchProblem) -> Assignment:
    """Greedy baseline: each mentee in input order takes its best mentors still free.

    Locked pairs are placed first. Then mentees are served in input order;
    each takes its highest-scoring admissible mentors that still have room,
    up to its remaining demand (ties go to the mentor listed first). This is
    the by-hand procedure a director would follow and the baseline benchmarks
    compare against; it is **not a recommendation**: an early mentee can take
    the only mentor a later one could have had, so fewer mentees may be
    matched and the total score is usually lower than with ``"flow"``.

    Always feasible (never above demand or capacity, only admissible pairs,
    every lock kept) and deterministic. Works from ``problem.edges()`` only,
    so it takes sparse candidate problems. Minimum loads are not supported:
    the registry declares none, so :func:`mentormatch.solve` refuses a problem
    whose minimum loads the locked pairs do not meet.

    Parameters
    ----------
    problem : MatchProblem

    Returns
    -------
    Assignment
        ``info["exact"]`` is False: greedy guarantees nothing about optimality.

    Examples
    --------
    >>> import mentormatch as mm
    >>> p = mm.MatchProblem(scores=[[0.9, 0.8], [0.9, 0.1]], capacity=[1, 1])
    >>> a = solve_greedy(p)
    >>> a.mentor_idx.tolist(), round(a.objective, 2)
    ([0, 1], 1.0)
    """
    n_e = problem.n_mentees
    locked = problem.locked
    rest = locked_residual(problem)
    demand, room = rest.demand, rest.capacity
    edges = free_edges(problem)
    e, r, s = edges.mentee, edges.mentor, edges.score
    # Within each mentee: best score first, then lowest mentor index.
    order = np.lexsort((r, -s, e))
    e, r = e[order], r[order]
    bounds = np.searchsorted(e, np.arange(n_e + 1))
    new_e: list[int] = []
    new_r: list[int] = []
    room_list = room.tolist()
    r_list = r.tolist()
    for i in range(n_e):
        want = int(demand[i])
        if want <= 0:
            continue
        for k in range(int(bounds[i]), int(bounds[i + 1])):
            j = r_list[k]
            if room_list[j] > 0:
                room_list[j] -= 1
                new_e.append(i)
                new_r.append(j)
                want -= 1
                if want == 0:
                    break
    return Assignment.from_pairs(problem, np.r_[locked[:, 0], new_e], np.r_[locked[:, 1], new_r],
                                 solver="greedy", info={"exact": False})
