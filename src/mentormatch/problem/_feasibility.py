"""Feasibility: the hard rules an assignment breaks, and minimum loads no answer can meet."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mentormatch.problem._candidate_problem import CandidateProblem
from mentormatch.problem._locks import free_edges, locked_residual
from mentormatch.problem._match_problem import Assignment, MatchProblem
from mentormatch.problem._quotas import quota_violations

__all__ = ["unmeetable_min_loads", "violations"]


def violations(assignment: Assignment, problem: MatchProblem,
               name_e: Callable[[int], str] = str,
               name_r: Callable[[int], str] = str) -> tuple[str, ...]:
    """Every hard rule of ``problem`` that ``assignment`` breaks, one sentence each.

    Rules: indices in range, no pair twice, only admissible pairs, every
    locked pair present, no mentee above demand, no mentor above capacity or
    below its minimum load, no mentor's group against a make-up quota
    (``problem.quotas``).

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
    for j in np.flatnonzero(per_mentor < problem.min_load)[:3]:
        out.append(f"mentor {name_r(j)} has {per_mentor[j]} mentees but min_load "
                   f"{problem.min_load[j]}")
    # Stand-ins for a problem (edge views in tests and tools) may carry no quotas.
    quotas = getattr(problem, "quotas", ())
    out.extend(quota_violations(quotas, e, r, n_r, name_r)[:3])
    return tuple(out)


def _n(count: int, word: str) -> str:
    return f"{count} {word if count == 1 else word + 's'}"


def unmeetable_min_loads(problem: MatchProblem | CandidateProblem,
                         name_r: Callable[[int], str] = lambda j: f"mentor {j}") -> str | None:
    """Why the minimum loads of ``problem`` clearly cannot be met, or None.

    Necessary conditions, checked before (or after) solving: each mentor
    needing more mentees than its locked pairs give must have that many
    admissible mentees who still want a mentor, and all of them together may
    not need more than those mentees can still take. ``None`` does not prove
    the loads can be met (mentors may compete for the same mentees). Works on
    a sparse candidate problem too.

    Examples
    --------
    >>> from mentormatch.problem import MatchProblem
    >>> p = MatchProblem(scores=[[1.0, 1.0], [1.0, 1.0]], capacity=2, min_load=[0, 2],
    ...                  allowed=[[True, True], [True, False]])
    >>> print(unmeetable_min_loads(p))
    minimum load cannot be met: mentor 1 must take at least 2 mentees but only 1
    admissible mentee still wants a mentor
    """
    rest = locked_residual(problem)
    need = rest.min_load
    if not need.any():
        return None
    n_e, n_r = problem.shape
    open_edges = free_edges(problem, only_open=True)
    reach = np.bincount(open_edges.mentor, minlength=n_r)
    short = np.flatnonzero(need > reach).tolist()
    if short:
        lock_r = rest.mentor_locks
        msgs = [f"{name_r(j)} must take at least {problem.min_load[j]} mentees"
                + (f", {lock_r[j]} of them by locked pairs," if lock_r[j] else "")
                + f" but only {_n(int(reach[j]), 'admissible mentee')} still "
                + ("wants" if reach[j] == 1 else "want") + " a mentor"
                for j in short[:5]]
        more = f" (and {len(short) - 5} more)" if len(short) > 5 else ""
        return "minimum load cannot be met: " + "; ".join(msgs) + more
    needing = [name_r(j) for j in np.flatnonzero(need).tolist()]
    who = ", ".join(needing[:5]) + (f" and {len(needing) - 5} more" if len(needing) > 5 else "")
    total = int(need.sum())
    want = int(rest.demand.sum())
    if total > want:
        return (f"minimum loads cannot be met: {who} need {total} more mentees in all, but "
                f"mentees ask for only {_n(want, 'more mentor')}")
    degree = np.bincount(open_edges.mentee, minlength=n_e)
    takeable = int(np.minimum(rest.demand, degree).sum())
    if total > takeable:
        return (f"minimum loads cannot be met: {who} need {total} more mentees in all, but "
                f"the mentees admissible to them can take at most {_n(takeable, 'more mentor')}")
    return None
