"""Blocking pairs: who would rather be together than with the partners they got.

Definitions (many-to-many, each side by its own view, ties broken by index):

- Mentee ``i`` prefers mentor ``j`` to ``j2`` when ``mentee_prefs[i, j] >
  mentee_prefs[i, j2]``, or they are equal and ``j < j2``. Mentors rank
  mentees by ``mentor_prefs`` the same way.
- An allowed pair ``(i, j)`` not in the assignment **blocks** it when both
  sides would take it: the mentee has fewer mentors than its demand or prefers
  ``j`` to its worst current mentor, and the mentor has fewer mentees than its
  capacity or prefers ``i`` to its worst current mentee.
- Locked pairs can never be dropped, so "worst current partner" ranges over the
  partners that are not locked: stability is with respect to the demand and
  capacity left once the locks are placed.
- A problem with a priority group (``problem.priority``) has every mentor rank
  the group's mentees above all others, each group in its usual order
  (:func:`priority_ranked`): that is how ``solver="stable"`` honours a
  priority group, and stability is judged by those preferences. A problem
  without one is judged by its plain preferences.

The computation is vectorised over edges; dense problems are read in row blocks
so that a large cohort never needs its full edge list in memory.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import NDArray

from mentormatch.errors import InvalidInputError
from mentormatch.problem._locks import unlocked
from mentormatch.problem._match_problem import Assignment, Edges, MatchProblem

__all__ = ["blocking_pair_indices", "edge_blocks", "pair_prefs", "priority_ranked"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

#: Matrix cells read at once when a dense problem is walked in row blocks.
_BLOCK_CELLS = 1 << 22


def priority_ranked(problem: MatchProblem) -> MatchProblem:
    """Return ``problem`` with every mentor ranking its priority mentees first.

    Each mentor's view (``mentor_prefs``) is replaced by ranks that keep its
    order, and equal ratings equal (ties are still broken by index), with the
    priority mentees' ranks lifted above every other mentee's. Everything
    else (scores, the mentees' view, rules, the priority mask) is kept. A
    problem without a priority group, or a sparse one (which has none), is
    returned as it is.

    Examples
    --------
    >>> import mentormatch as mm
    >>> p = mm.MatchProblem(scores=[[0.9], [0.2], [0.5]], priority=[False, True, False])
    >>> priority_ranked(p).mentor_prefs[:, 0].tolist()
    [2.0, 3.0, 1.0]
    >>> priority_ranked(mm.MatchProblem(scores=[[1.0]])).mentor_prefs.tolist()
    [[1.0]]
    """
    if not isinstance(problem, MatchProblem) or problem.priority is None:
        return problem
    values, rank = np.unique(problem.mentor_prefs, return_inverse=True)
    ranked = rank.reshape(problem.shape).astype(np.float64)
    ranked[problem.priority] += float(values.size)
    return MatchProblem(scores=problem.scores, demand=problem.demand, capacity=problem.capacity,
                        allowed=problem.allowed, locked=problem.locked,
                        mentee_prefs=problem.mentee_prefs, mentor_prefs=ranked,
                        min_load=problem.min_load, attributes=problem.attributes,
                        priority=problem.priority, quotas=problem.quotas)


def edge_blocks(problem: MatchProblem) -> Iterator[Edges]:
    """Yield the problem's admissible pairs as :class:`Edges`, in blocks of whole mentees.

    A dense :class:`~mentormatch.MatchProblem` is read a block of rows at a
    time, straight from its matrices; any other problem object yields its
    ``edges()`` once. Within and across blocks, edges come sorted by mentee
    then mentor.

    Examples
    --------
    >>> import mentormatch as mm
    >>> p = mm.MatchProblem(scores=[[1.0, 2.0], [3.0, 4.0]], allowed=[[True, False], [True, True]])
    >>> [b.size for b in edge_blocks(p)]
    [3]
    """
    if not isinstance(problem, MatchProblem):
        yield problem.edges()
        return
    n_e, n_r = problem.shape
    step = max(1, _BLOCK_CELLS // max(n_r, 1))
    for lo in range(0, n_e, step):
        rows, cols = np.nonzero(problem.allowed[lo:lo + step])
        rows = rows.astype(np.int64) + lo
        cols = cols.astype(np.int64)
        yield Edges(rows, cols, problem.scores[rows, cols], problem.mentee_prefs[rows, cols],
                    problem.mentor_prefs[rows, cols])


def pair_prefs(problem: MatchProblem, mentee_idx: IntArray,
               mentor_idx: IntArray) -> tuple[FloatArray, FloatArray]:
    """Each side's rating of the given pairs: ``(mentee_prefs, mentor_prefs)`` values.

    Raises
    ------
    InvalidInputError
        If a pair is not admissible (it has no ratings).

    Examples
    --------
    >>> import mentormatch as mm
    >>> p = mm.MatchProblem(scores=[[1.0, 2.0]], mentor_prefs=[[5.0, 6.0]])
    >>> [v.tolist() for v in pair_prefs(p, np.array([0]), np.array([1]))]
    [[2.0], [6.0]]
    """
    e = np.asarray(mentee_idx, dtype=np.int64)
    r = np.asarray(mentor_idx, dtype=np.int64)
    if e.size:
        bad = ~np.asarray(problem.is_allowed(e, r), dtype=bool)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise InvalidInputError(f"pair ({e[k]}, {r[k]}) is not allowed, so it has no ratings")
    if isinstance(problem, MatchProblem):
        return problem.mentee_prefs[e, r], problem.mentor_prefs[e, r]
    n_r = problem.shape[1]
    edges = problem.edges()
    keys = np.asarray(edges.mentee, np.int64) * n_r + np.asarray(edges.mentor, np.int64)
    if keys.size > 1 and not bool((keys[1:] > keys[:-1]).all()):
        order = np.argsort(keys, kind="stable")
        at = order[np.searchsorted(keys, e * n_r + r, sorter=order)]
    else:  # edges come sorted by (mentee, mentor), as documented
        at = np.searchsorted(keys, e * n_r + r)
    return np.asarray(edges.mentee_pref)[at], np.asarray(edges.mentor_pref)[at]


def _worst(owner: IntArray, other: IntArray, value: FloatArray,
           n: int) -> tuple[FloatArray, IntArray]:
    """Per owner, the rating and index of its least preferred partner (-1: none).

    Least preferred = lowest rating, then highest index.
    """
    worst_val = np.full(n, np.inf)
    worst_idx = np.full(n, -1, dtype=np.int64)
    if owner.size:
        order = np.lexsort((-other, value, owner))
        first = np.ones(order.size, dtype=bool)
        first[1:] = owner[order][1:] != owner[order][:-1]
        pick = order[first]
        worst_val[owner[pick]] = value[pick]
        worst_idx[owner[pick]] = other[pick]
    return worst_val, worst_idx


def blocking_pair_indices(problem: MatchProblem, assignment: Assignment) -> IntArray:
    """Blocking pairs of a feasible assignment, as an ``(n, 2)`` array of index pairs.

    See the module docstring for the definition. Pairs come sorted by mentee,
    then mentor.

    Examples
    --------
    >>> import mentormatch as mm
    >>> p = mm.MatchProblem(scores=[[1.0, 2.0]], capacity=1)
    >>> a = mm.Assignment.from_pairs(p, [0], [0], solver="manual")
    >>> blocking_pair_indices(p, a).tolist()
    [[0, 1]]
    """
    problem = priority_ranked(problem)
    n_e, n_r = problem.shape
    e = np.asarray(assignment.mentee_idx, dtype=np.int64)
    r = np.asarray(assignment.mentor_idx, dtype=np.int64)
    keys = e * n_r + r
    sorted_keys = np.sort(keys)
    free = unlocked(problem, e, r)
    e_val, r_val = pair_prefs(problem, e, r)
    we_val, we_idx = _worst(e[free], r[free], e_val[free], n_e)
    wr_val, wr_idx = _worst(r[free], e[free], r_val[free], n_r)
    room_e = np.bincount(e, minlength=n_e) < np.asarray(problem.demand)
    room_r = np.bincount(r, minlength=n_r) < np.asarray(problem.capacity)
    found = []
    for block in edge_blocks(problem):
        i, j = np.asarray(block.mentee, np.int64), np.asarray(block.mentor, np.int64)
        vi, vj = np.asarray(block.mentee_pref), np.asarray(block.mentor_pref)
        wv, wi = we_val[i], we_idx[i]
        mentee_wants = room_e[i] | ((wi >= 0) & ((vi > wv) | ((vi == wv) & (j < wi))))
        wv, wi = wr_val[j], wr_idx[j]
        mentor_wants = room_r[j] | ((wi >= 0) & ((vj > wv) | ((vj == wv) & (i < wi))))
        hit = mentee_wants & mentor_wants
        bk = i[hit] * n_r + j[hit]
        if sorted_keys.size:
            pos = np.minimum(np.searchsorted(sorted_keys, bk), sorted_keys.size - 1)
            bk = bk[sorted_keys[pos] != bk]
        found.append(bk)
    out = np.sort(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    return np.column_stack([out // n_r, out % n_r]).astype(np.int64).reshape(-1, 2)
