"""Feasibility checks of an assignment against its problem."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._problem import Assignment, MatchProblem

__all__ = ["CheckReport", "check"]


@dataclass(frozen=True)
class CheckReport:
    """What :func:`check` found.

    Attributes
    ----------
    violations : tuple of str
        One sentence per broken rule; empty when the assignment is feasible.
    """

    violations: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Whether no rule is broken."""
        return not self.violations


def check(assignment: Assignment, problem: MatchProblem) -> CheckReport:
    """Check an assignment against every hard rule of its problem.

    Rules: indices in range, no pair twice, only allowed pairs, every locked
    pair present, no mentee above demand, no mentor above capacity.

    Parameters
    ----------
    assignment : Assignment
    problem : MatchProblem

    Returns
    -------
    CheckReport
        ``.ok`` and the list of ``.violations``.

    Examples
    --------
    >>> import mentormatch as mm
    >>> p = mm.MatchProblem(scores=[[1.0, 0.5]], capacity=1, demand=1)
    >>> bad = mm.Assignment.from_pairs(p, [0, 0], [0, 1], solver="manual")
    >>> mm.check(bad, p).violations
    ('mentee 0 has 2 mentors but demand 1',)
    """
    out: list[str] = []
    n_e, n_r = problem.shape
    e, r = assignment.mentee_idx, assignment.mentor_idx
    if e.shape != r.shape:
        return CheckReport((f"mentee_idx {e.shape} and mentor_idx {r.shape} differ in shape",))
    bad = (e < 0) | (e >= n_e) | (r < 0) | (r >= n_r)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        return CheckReport((f"pair {k} = ({e[k]}, {r[k]}) is out of range",))
    keys = e * n_r + r
    uniq, counts = np.unique(keys, return_counts=True)
    for key in uniq[counts > 1][:3]:
        out.append(f"pair ({key // n_r}, {key % n_r}) is used more than once")
    for k in np.flatnonzero(~problem.is_allowed(e, r))[:3]:
        out.append(f"pair ({e[k]}, {r[k]}) is not allowed")
    if problem.locked.size:
        locked_keys = problem.locked[:, 0] * n_r + problem.locked[:, 1]
        for key in locked_keys[~np.isin(locked_keys, keys)][:3]:
            out.append(f"locked pair ({key // n_r}, {key % n_r}) is missing")
    per_mentee = np.bincount(e, minlength=n_e)
    for i in np.flatnonzero(per_mentee > problem.demand)[:3]:
        out.append(f"mentee {i} has {per_mentee[i]} mentors but demand {problem.demand[i]}")
    per_mentor = np.bincount(r, minlength=n_r)
    for j in np.flatnonzero(per_mentor > problem.capacity)[:3]:
        out.append(f"mentor {j} has {per_mentor[j]} mentees but capacity {problem.capacity[j]}")
    return CheckReport(tuple(out))
