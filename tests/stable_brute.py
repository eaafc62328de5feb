"""Reference stable-matching answers: brute-force definitions and a plain deferred acceptance.

Written independently of ``mentormatch.problem._stability`` and ``solvers._stable``: plain
Python loops over the definitions, full sorts, no laziness.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st

import mentormatch as mm
from brute import feasible_assignments
from strategies import problems

Pairs = list[tuple[int, int]]


def prefers(values: np.ndarray, a: int, b: int) -> bool:
    """Whether the owner of ``values`` strictly prefers ``a`` to ``b`` (ties: lower index)."""
    return bool(values[a] > values[b] or (values[a] == values[b] and a < b))


def plain_mentor_prefers(problem: mm.MatchProblem, j: int, a: int, b: int) -> bool:
    """Whether mentor ``j`` prefers mentee ``a`` to ``b`` by their own view."""
    return prefers(problem.mentor_prefs[:, j], a, b)


def brute_blocking(problem: mm.MatchProblem, pairs: Pairs,
                   mentor_prefers: Callable[[mm.MatchProblem, int, int, int], bool]
                   = plain_mentor_prefers) -> set[tuple[int, int]]:
    """Blocking pairs straight from the definition (locked partners are never dropped)."""
    used = set(pairs)
    locked = {(int(i), int(j)) for i, j in problem.locked}
    n_e, n_r = problem.shape
    out = set()
    for i in range(n_e):
        for j in range(n_r):
            if not problem.allowed[i, j] or (i, j) in used:
                continue
            mine = [b for a, b in used if a == i]
            mentee_wants = len(mine) < problem.demand[i] or any(
                prefers(problem.mentee_prefs[i], j, b) for b in mine if (i, b) not in locked)
            theirs = [a for a, b in used if b == j]
            mentor_wants = len(theirs) < problem.capacity[j] or any(
                mentor_prefers(problem, j, i, a) for a in theirs if (a, j) not in locked)
            if mentee_wants and mentor_wants:
                out.add((i, j))
    return out


def stable_matchings(problem: mm.MatchProblem) -> list[Pairs]:
    """Every feasible assignment with no blocking pair."""
    return [sorted(m) for m in feasible_assignments(problem) if not brute_blocking(problem, m)]


def reference_da(problem: mm.MatchProblem, proposing: str = "mentees") -> Pairs:
    """Textbook deferred acceptance on fully sorted lists, one proposal at a time."""
    n_e, n_r = problem.shape
    locked = [(int(i), int(j)) for i, j in problem.locked]
    demand = problem.demand.astype(int).tolist()
    capacity = problem.capacity.astype(int).tolist()
    for i, j in locked:
        demand[i] -= 1
        capacity[j] -= 1
    lockset = set(locked)
    if proposing == "mentees":
        n_p, n_q, slots, room = n_e, n_r, demand, capacity
        own, other = problem.mentee_prefs, problem.mentor_prefs
        ok = problem.allowed
    else:
        n_p, n_q, slots, room = n_r, n_e, capacity, demand
        own, other = problem.mentor_prefs.T, problem.mentee_prefs.T
        ok = problem.allowed.T

    def pair(p: int, q: int) -> tuple[int, int]:
        return (p, q) if proposing == "mentees" else (q, p)

    lists = []
    for p in range(n_p):
        cands = [q for q in range(n_q) if ok[p, q] and pair(p, q) not in lockset
                 and slots[p] > 0 and room[q] > 0]
        cands.sort(key=lambda q, p=p: (-own[p, q], q))  # type: ignore[misc]
        lists.append(cands)
    nxt = [0] * n_p
    held: list[list[int]] = [[] for _ in range(n_q)]
    free = list(slots)
    while True:
        movers = [p for p in range(n_p) if free[p] > 0 and nxt[p] < len(lists[p])]
        if not movers:
            break
        p = movers[0]
        q = lists[p][nxt[p]]
        nxt[p] += 1
        held[q].append(p)
        free[p] -= 1
        if len(held[q]) > room[q]:
            worst = min(held[q], key=lambda a, q=q: (other[a, q], -a))  # type: ignore[misc]
            held[q].remove(worst)
            free[worst] += 1
    out = list(locked) + [pair(p, q) for q in range(n_q) for p in held[q]]
    return sorted(out)


def pairs_of(a: mm.Assignment) -> Pairs:
    return sorted(zip(a.mentee_idx.tolist(), a.mentor_idx.tolist()))


@st.composite  # type: ignore[arg-type]
def stable_problems(draw: st.DrawFn, **kwargs: Any) -> mm.MatchProblem:
    """Problems whose two sides rate each other independently (with ties)."""
    base = draw(problems(**kwargs))
    n = base.shape[0] * base.shape[1]
    values = st.integers(0, 4).map(float) if draw(st.booleans()) else st.floats(0, 1)
    prefs = []
    for _ in range(2):
        flat = draw(st.lists(values, min_size=n, max_size=n))
        prefs.append(np.array(flat, dtype=float).reshape(base.shape))
    return mm.MatchProblem(scores=base.scores, demand=base.demand, capacity=base.capacity,
                           allowed=base.allowed, locked=base.locked, mentee_prefs=prefs[0],
                           mentor_prefs=prefs[1])


class EdgeView:
    """A problem seen only through the sparse-problem interface (not a MatchProblem)."""

    def __init__(self, problem: mm.MatchProblem) -> None:
        self._p = problem
        self.shape = problem.shape
        self.n_mentees, self.n_mentors = problem.shape
        self.demand, self.capacity, self.locked = problem.demand, problem.capacity, problem.locked
        self.min_load = problem.min_load

    def edges(self) -> Any:
        return self._p.edges()

    def pair_scores(self, e: Any, r: Any) -> np.ndarray:
        return self._p.pair_scores(e, r)

    def is_allowed(self, e: Any, r: Any) -> np.ndarray:
        return self._p.is_allowed(e, r)
