"""Stable matching by deferred acceptance (Gale-Shapley), many-to-one and many-to-many.

Each side ranks the other by its own view: mentees by ``problem.mentee_prefs``,
mentors by ``problem.mentor_prefs`` (both default to the scores; higher is
preferred). Ties are broken by index, the lower index preferred, so every
preference list is strict and the answer is deterministic.

The proposal loop is cheap; ordering preference lists is what costs. Rows are
therefore ordered lazily: for a dense :class:`~mentormatch.MatchProblem` the
first choices of every proposer come from one ``argmax`` per row block (the
first ``demand`` choices, when a proposer wants several), read straight from
the problem's own matrices, and a proposer's row is ordered only when it needs
a further candidate; no padded copy of a matrix is made. Any other problem
object (a sparse candidate problem) is read through its ``edges()`` arrays,
whose rows are short by construction and sorted once.
"""

from __future__ import annotations

from heapq import heappush, heapreplace
from typing import Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from mentormatch.errors import InvalidInputError
from mentormatch.problem import (
    Assignment,
    MatchProblem,
    free_edges,
    locked_residual,
    priority_ranked,
)

__all__ = ["solve_stable"]

_PROPOSING = ("mentees", "mentors")
#: Rows handled at once when selecting the first candidates of a dense problem.
_BLOCK_CELLS = 1 << 23
#: Padding rows to the longest one may cost this many cells beyond 4x the edges.
_PAD_SLACK = 1 << 20
#: Consecutive refusals after which a proposer skips further refusals in bulk.
_SCAN_AFTER = 32


def solve_stable(problem: MatchProblem, *,
                 proposing: Literal["mentees", "mentors"] = "mentees") -> Assignment:
    """Stable matching by deferred acceptance; optimal for the proposing side.

    A mentee wants up to ``demand`` distinct mentors, a mentor takes up to
    ``capacity`` mentees. Each side ranks the other by its own view
    (``mentee_prefs``, ``mentor_prefs``; higher is preferred); pairs that are
    not allowed are unacceptable to both. **Ties are broken by index**: of two
    equally rated mentors a mentee prefers the lower index, and likewise for
    mentors, so preferences are strict and the result is deterministic.

    The proposing side (``"mentees"`` by default, or ``"mentors"``) proposes
    to its best candidates not yet refused, keeping as many proposals open as
    it has places; the other side keeps its best proposals within its places
    and refuses the rest, until nobody has a candidate left to ask.

    **Guarantees.** The answer has no blocking pair (see
    :func:`mentormatch.blocking_pairs`): no allowed, unused pair (mentee,
    mentor) where the mentee has a free place or prefers the mentor to one of
    its current mentors, and the mentor has a free place or prefers the mentee
    to one of its current mentees. Among all such stable matchings it is the
    best for every member of the proposing side (each one's set of partners is
    its best possible, partner by partner) and the worst for the other side.
    It does not maximise the number of pairs or the total score.

    **Locked pairs** are placed first and use up demand and capacity; they are
    never broken, so stability is defined with respect to the remaining demand
    and capacity: a locked partner is never the one a person would drop for a
    blocking partner.

    **A priority group** (``problem.priority``) is honoured as mentor
    preference: every mentor ranks its mentees above all others, each group in
    its usual order (:func:`~mentormatch.problem.priority_ranked`), and the
    answer is stable under those preferences. The number of priority mentees
    covered is not maximised as by ``flow`` and ``ilp`` (that can break stability).

    **Minimum loads** are not supported (meeting one can force a blocking
    pair): the registry declares none, so :func:`mentormatch.solve` refuses a
    problem whose minimum loads the locked pairs do not meet.

    Parameters
    ----------
    problem : MatchProblem
        Or any object with the same ``edges()``, ``shape``, ``demand``,
        ``capacity``, ``min_load`` and ``locked`` (a sparse candidate problem).
    proposing : {"mentees", "mentors"}, default="mentees"
        The side that proposes, and gets its optimal stable matching.

    Returns
    -------
    Assignment
        ``info`` holds ``proposing``, the number of ``proposals`` made, the
        ``path`` that ran (``"dense"`` or ``"edges"``) and, with a priority
        group, ``priority="as mentor preference"``.

    Raises
    ------
    InvalidInputError
        If ``proposing`` is not one of the valid values.

    Examples
    --------
    >>> import mentormatch as mm
    >>> p = mm.MatchProblem(scores=[[2.0, 1.0], [2.0, 1.0]],
    ...                     mentor_prefs=[[0.0, 1.0], [1.0, 0.0]])
    >>> solve_stable(p).mentor_idx.tolist()
    [1, 0]
    >>> solve_stable(p, proposing="mentors").mentor_idx.tolist()
    [1, 0]
    >>> q = mm.MatchProblem(scores=[[0.9], [0.2]], priority=[False, True])
    >>> a = solve_stable(q)
    >>> a.mentee_idx.tolist(), a.info["priority"]
    ([1], 'as mentor preference')
    """
    if proposing not in _PROPOSING:
        raise InvalidInputError(
            f"proposing must be one of {', '.join(map(repr, _PROPOSING))}; got {proposing!r}"
        )
    locked = problem.locked
    ranked = priority_ranked(problem)
    rest = locked_residual(problem)
    demand, capacity = rest.demand, rest.capacity
    by_mentees = proposing == "mentees"
    dense = isinstance(problem, MatchProblem)
    slots, places = (demand, capacity) if by_mentees else (capacity, demand)
    rows = (_DenseRows(ranked, by_mentees, slots, places) if dense
            else _edge_rows(problem, by_mentees))
    path = "dense" if dense else "edges"
    prop, recv, proposals = _deferred_acceptance(rows, slots, places)
    e, r = (prop, recv) if by_mentees else (recv, prop)
    info: dict[str, object] = {"proposing": proposing, "proposals": proposals, "path": path}
    if ranked is not problem:
        info["priority"] = "as mentor preference"
    return Assignment.from_pairs(
        problem, np.concatenate([locked[:, 0], e]), np.concatenate([locked[:, 1], r]),
        solver="stable", info=info,
    )


class _Rows(Protocol):
    """Each proposer's candidates in strict preference order, produced lazily."""

    lengths: list[int]

    def heads(self, k: int) -> tuple[list[list[int]], list[list[float]]]:
        """First ``k`` candidates of every row (receiver, receiver's rating of the proposer)."""
        ...

    def row(self, p: int, k: int) -> tuple[list[int], list[float]]:
        """First ``k`` candidates of row ``p`` (all of them if fewer)."""
        ...

    def row_arrays(self, p: int, k: int) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """:meth:`row` as arrays."""
        ...


class _PaddedRows:
    """Rows of an edge list as a matrix: negated proposer ratings (+inf pads), ordered lazily.

    ``neg[p, c]`` is minus proposer ``p``'s rating of the candidate in cell ``c``
    (so ascending order is preference order), ``cand[p, c]`` that candidate's
    index (``None``: the cell is the index), ``other[p, c]`` the candidate's
    rating of ``p``. Within a row, candidate indices ascend with the cell, so
    ties broken by cell are ties broken by index.
    """

    def __init__(self, neg: NDArray[np.float64], other: NDArray[np.float64],
                 cand: NDArray[np.int64] | None, lengths: NDArray[np.int64]) -> None:
        self.neg, self.other, self.cand = neg, other, cand
        self.lengths = lengths.tolist()

    def heads(self, k: int) -> tuple[list[list[int]], list[list[float]]]:
        n_p, n_q = self.neg.shape
        k = min(k, n_q)
        cells = np.empty((n_p, k), dtype=np.int64)
        step = max(1, _BLOCK_CELLS // max(n_q, 1))
        for lo in range(0, n_p, step):
            cells[lo:lo + step] = _first_k(self.neg[lo:lo + step], k)
        keys = np.take_along_axis(self.other, cells, axis=1)
        who = cells if self.cand is None else np.take_along_axis(self.cand, cells, axis=1)
        return who.tolist(), keys.tolist()

    def row(self, p: int, k: int) -> tuple[list[int], list[float]]:
        who, keys = self.row_arrays(p, k)
        return who.tolist(), keys.tolist()

    def row_arrays(self, p: int, k: int) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        k = min(k, self.lengths[p])
        if 4 * k >= self.neg.shape[1]:  # most of the row: sorting it outright is cheaper
            cells = np.argsort(self.neg[p], kind="stable")[:k]
        else:
            cells = _first_k(self.neg[p:p + 1], k)[0]
        who = cells if self.cand is None else self.cand[p, cells]
        return who, self.other[p, cells]


class _DenseRows:
    """Rows of a dense problem, read from its own matrices: nothing is copied whole.

    Proposer ``p``'s candidates are the receivers it may still be paired
    with (allowed, not locked to it, with a place left), ranked by its own
    view, ties by index. A row is masked and ordered only when asked for; on
    full lists (everything allowed, nothing locked, every receiver open) it
    is not even masked.
    """

    def __init__(self, problem: MatchProblem, by_mentees: bool, slots: NDArray[np.int64],
                 places: NDArray[np.int64]) -> None:
        if by_mentees:
            self._own, self._other, self._allowed = (problem.mentee_prefs, problem.mentor_prefs,
                                                     problem.allowed)
        else:
            self._own, self._other, self._allowed = (problem.mentor_prefs.T,
                                                     problem.mentee_prefs.T, problem.allowed.T)
        self._open = places > 0
        self._locked: dict[int, list[int]] = {}
        for e, r in problem.locked.tolist():
            p, q = (e, r) if by_mentees else (r, e)
            self._locked.setdefault(p, []).append(q)
        self._full = (bool(self._open.all()) and not self._locked
                      and bool(problem.allowed.all()))
        self._wanted = slots
        # Rows sorted whole (ties straddled a cut, or most of the row was asked for),
        # kept so that no row is sorted twice.
        self._sorted: dict[int, NDArray[np.int32]] = {}
        n_p, n_q = self._own.shape
        counts = np.full(n_p, n_q, dtype=np.int64)
        if not self._full:
            step = max(1, _BLOCK_CELLS // max(n_q, 1))
            for lo in range(0, n_p, step):
                counts[lo:lo + step] = (self._allowed[lo:lo + step] & self._open).sum(axis=1)
            for p, qs in self._locked.items():
                counts[p] -= int(self._open[qs].sum())
        self.lengths = np.where(slots > 0, counts, 0).tolist()

    def _masked(self, lo: int, hi: int) -> NDArray[np.float64]:
        """Rows ``lo:hi`` of the proposer's view, -inf where a candidate is out."""
        block = self._own[lo:hi]
        if self._full:
            return block
        out = np.where(self._allowed[lo:hi] & self._open[None, :], block, -np.inf)
        for p, qs in self._locked.items():
            if lo <= p < hi:
                out[p - lo, qs] = -np.inf
        return out

    def heads(self, k: int) -> tuple[list[list[int]], list[list[float]]]:
        """First choices of every row: as many as the proposer wants (one argmax if one)."""
        n_p, n_q = self._own.shape
        k = min(max(int(self._wanted.max(initial=0)), 1), n_q)
        cells = np.empty((n_p, k), dtype=np.int64)
        step = max(1, _BLOCK_CELLS // max(n_q, 1))
        for lo in range(0, n_p, step):
            block = self._masked(lo, lo + step)
            if k == 1:
                cells[lo:lo + step, 0] = np.argmax(block, axis=1)
            else:
                cells[lo:lo + step] = _first_k(-block, k)
        keys = np.take_along_axis(self._other[:, :], cells, axis=1) if n_p else cells * 0.0
        # Cells past a short row's end are never read: lengths bound every row.
        return cells.tolist(), keys.tolist()

    def row(self, p: int, k: int) -> tuple[list[int], list[float]]:
        who, keys = self.row_arrays(p, k)
        return who.tolist(), keys.tolist()

    def row_arrays(self, p: int, k: int) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        n = self.lengths[p]
        k = min(k, n)
        whole = self._sorted.get(p)
        if whole is not None:
            who = whole[:k].astype(np.int64)
        else:
            who = _first_k_of_row(-self._masked(p, p + 1)[0], k, n)
            if who.size > k:
                self._sorted[p] = who.astype(np.int32)
                who = who[:k]
        return who, np.asarray(self._other[p, who], dtype=np.float64)


def _edge_rows(problem: MatchProblem, by_mentees: bool) -> _Rows:
    """Rows of any problem, from its ``edges()`` arrays.

    Rows are padded to the longest one; if that would more than quadruple the
    edge count (a few very long rows), every row is sorted up front instead.
    """
    edges = free_edges(problem, only_open=True)
    e, r = np.asarray(edges.mentee, np.int64), np.asarray(edges.mentor, np.int64)
    n_e, n_r = problem.shape
    if by_mentees:
        p, q, n_p = e, r, n_e
        own, other = edges.mentee_pref, edges.mentor_pref
    else:
        p, q, n_p = r, e, n_r
        own, other = edges.mentor_pref, edges.mentee_pref
    counts = np.bincount(p, minlength=n_p)
    longest = int(counts.max(initial=0))
    if n_p * longest > 4 * p.size + _PAD_SLACK:
        return _SortedRows(p, q, own, other, counts)
    key = p * max(n_e, n_r) + q
    if key.size > 1 and not bool((key[1:] > key[:-1]).all()):
        order = np.argsort(key, kind="stable")
        p, q, own, other = p[order], q[order], own[order], other[order]
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    cell = np.arange(p.size) - start[p]
    neg = np.full((n_p, longest), np.inf)
    neg[p, cell] = -own
    other_m = np.zeros((n_p, longest))
    other_m[p, cell] = other
    cand = np.zeros((n_p, longest), dtype=np.int64)
    cand[p, cell] = q
    return _PaddedRows(neg, other_m, cand, counts)


def _first_k(neg: NDArray[np.float64], k: int) -> NDArray[np.int64]:
    """Column indices of the ``k`` smallest entries per row, ordered by (value, column)."""
    if k == 0:
        return np.empty((neg.shape[0], 0), dtype=np.int64)
    if k >= neg.shape[1]:
        return np.argsort(neg, axis=1, kind="stable").astype(np.int64)
    part = np.argpartition(neg, k - 1, axis=1)[:, :k]
    vals = np.take_along_axis(neg, part, axis=1)
    order = np.lexsort((part, vals), axis=-1)
    part = np.take_along_axis(part, order, axis=1)
    kth = np.take_along_axis(vals, order[:, -1:], axis=1)[:, 0]
    # argpartition picks arbitrarily among entries equal to the k-th value; where such
    # ties straddle the cut, order the row fully (ties by column) instead.
    straddle = np.isfinite(kth) & ((neg <= kth[:, None]).sum(axis=1) > k)
    bad = np.flatnonzero(straddle)
    if bad.size:
        part[bad] = np.argsort(neg[bad], axis=1, kind="stable")[:, :k]
    return part.astype(np.int64)


def _first_k_of_row(neg: NDArray[np.float64], k: int, limit: int) -> NDArray[np.int64]:
    """Return the indices of the ``k`` smallest entries of a row, ordered by (value, index).

    When the whole row has to be sorted, its first ``limit`` entries (every
    candidate of the row) are returned, so the caller can keep them.
    """
    if 4 * k >= neg.size:  # most of the row: sorting it outright is cheaper
        return np.argsort(neg, kind="stable")[:limit].astype(np.int64)
    part = np.argpartition(neg, k - 1)[:k]
    values = neg[part]
    kth = values.max()
    if np.isfinite(kth) and int(np.count_nonzero(neg <= kth)) > k:
        # ties straddle the cut: argpartition chose among them arbitrarily
        return np.argsort(neg, kind="stable")[:limit].astype(np.int64)
    return part[np.lexsort((part, values))].astype(np.int64)


class _SortedRows:
    """Rows sorted once by (proposer, preference, candidate index): for very uneven rows."""

    def __init__(self, p: NDArray[np.int64], q: NDArray[np.int64], own: NDArray[np.float64],
                 other: NDArray[np.float64], counts: NDArray[np.int64]) -> None:
        order = np.lexsort((q, -own, p))
        bounds = np.concatenate([[0], np.cumsum(counts)]).tolist()
        self._q, self._other, self._bounds = q[order], other[order], bounds
        cand, keys = self._q.tolist(), self._other.tolist()
        self._rows = [cand[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
        self._keys = [keys[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
        self.lengths = counts.tolist()

    def heads(self, k: int) -> tuple[list[list[int]], list[list[float]]]:
        return self._rows, self._keys

    def row(self, p: int, k: int) -> tuple[list[int], list[float]]:  # pragma: no cover
        return self._rows[p], self._keys[p]  # rows are complete from the start

    def row_arrays(self, p: int, k: int) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        a, b = self._bounds[p], self._bounds[p + 1]
        return self._q[a:b], self._other[a:b]


def _scan(rows: _Rows, p: int, t: int, n: int, bar_val: NDArray[np.float64],
          bar_idx: NDArray[np.int64],
          ordered: dict[int, tuple[NDArray[np.int64], NDArray[np.float64]]]) -> int:
    """First position from ``t`` in row ``p`` whose receiver would accept ``p`` (``n``: none).

    Receivers only change when someone is accepted, so while ``p`` is refused the
    bars stay put and the refusals can be found with array operations. ``ordered``
    caches each scanned row's ordered prefix, grown 4 times at a time.
    """
    who, keys = ordered.get(p, (np.zeros(0, np.int64), np.zeros(0)))
    chunk = 64
    while t < n:
        if who.size < min(n, t + chunk):
            who, keys = rows.row_arrays(p, min(n, max(4 * who.size, t + chunk)))
            ordered[p] = (who, keys)
        seg_who, seg_keys = who[t:t + chunk], keys[t:t + chunk]
        bv, bi = bar_val[seg_who], bar_idx[seg_who]
        ok = (seg_keys > bv) | ((seg_keys == bv) & (p < bi))
        if ok.any():
            return t + int(np.argmax(ok))
        t += seg_who.size
        chunk *= 4
    return n


def _deferred_acceptance(rows: _Rows, slots_arr: NDArray[np.int64],
                         places_arr: NDArray[np.int64]
                         ) -> tuple[NDArray[np.int64], NDArray[np.int64], int]:
    """Proposer-optimal stable pairs, as (proposer, receiver) arrays, and the proposal count.

    ``slots_arr`` are the proposers' free places, ``places_arr`` the receivers'.
    A receiver holds its proposals in a min-heap of ``(rating, -proposer)``, so
    the top is the one it likes least (lowest rating, then highest index).
    """
    slots = slots_arr.tolist()
    room = places_arr.tolist()
    lengths = rows.lengths
    cand, keys = rows.heads(2 * max(slots, default=0) + 6)
    ptr = [0] * len(slots)
    held: list[list[tuple[float, int]]] = [[] for _ in room]
    # The bar a new proposal must clear, per receiver, as arrays for the vectorised scan:
    # -inf while it has room, else its least liked holder (rating, index).
    bar_val = np.full(len(room), -np.inf)
    bar_idx = np.zeros(len(room), dtype=np.int64)
    ordered: dict[int, tuple[NDArray[np.int64], NDArray[np.float64]]] = {}
    stack = [p for p in range(len(slots) - 1, -1, -1) if slots[p] > 0 and lengths[p] > 0]
    proposals = 0
    while stack:
        p = stack.pop()
        me = -p
        s, t, n = slots[p], ptr[p], lengths[p]
        cp, kp = cand[p], keys[p]
        m = len(cp)
        start = t
        misses = 0
        while s and t < n:
            if misses >= _SCAN_AFTER:  # a long run of refusals: skip them in bulk
                t = _scan(rows, p, t, n, bar_val, bar_idx, ordered)
                misses = 0
                if t >= n:
                    break
            if t >= m:  # ran out of ordered candidates: order 4 times as many
                cp, kp = rows.row(p, max(4 * t, 16))
                cand[p], keys[p], m = cp, kp, len(cp)
            r = cp[t]
            v = kp[t]
            t += 1
            if room[r]:
                h = held[r]
                heappush(h, (v, me))
                room[r] -= 1
                s -= 1
                if not room[r]:
                    bar_val[r], bar_idx[r] = h[0][0], -h[0][1]
                continue
            h = held[r]
            w = h[0]
            if v < w[0] or (v == w[0] and me < w[1]):
                misses += 1
                continue  # refused: r likes everyone it holds better
            q = -heapreplace(h, (v, me))[1]
            bar_val[r], bar_idx[r] = h[0][0], -h[0][1]
            s -= 1
            slots[q] += 1
            if slots[q] == 1:
                stack.append(q)
        proposals += t - start
        slots[p], ptr[p] = s, t
    prop = [-item[1] for h in held for item in h]
    recv = [r for r, h in enumerate(held) for _ in h]
    return np.array(prop, dtype=np.int64), np.array(recv, dtype=np.int64), proposals
