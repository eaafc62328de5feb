"""Block passes over the full score matrix for column generation, and the candidate set.

The :class:`Scanner` reads whole rows (or some columns) of the score matrix a
block at a time, on two threads, and keeps what pricing needs: each mentee's
pool of best mentors by score minus price and a bound on the rest
(:meth:`Scanner.fill`), the pairs that beat a set of duals
(:meth:`Scanner.violators`), or each mentor's best mentees
(:meth:`Scanner.best_mentees`). :class:`CandidateSet` is the growing set of
pairs the solver sees.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

import numpy as np
from numpy.lib.stride_tricks import as_strided
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

from mentormatch.errors import SolverError
from mentormatch.large._selection import _Selector
from mentormatch.progress import Progress
from mentormatch.scoring import BlockScores, ColumnSubset

__all__ = ["CandidateSet", "ImprovingPairs", "Pool", "Scanner"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
_T = TypeVar("_T")

#: Rows scored together: small blocks stay in cache.
_BLOCK_ROWS = 32
#: Columns per group in the first stage of a wide row's top columns (:func:`_top_columns`).
_GROUP = 16
#: Distinct tie-breaking patterns (per mentee, by index).
_PATTERNS = 64
#: Threads for block passes (numpy releases the GIL in the heavy calls).
_WORKERS = 2
#: Most rows in a block of a pass over a few columns, in blocks of :data:`_BLOCK_ROWS`.
_WIDEST = 32
#: Each mentee's best mentors among those the fluid sample left with room.
ROOM_PICKS = 3


@dataclass
class Pool:
    """Each mentee's best mentors by score minus price, and a bound on every other one."""

    mentor: IntArray  # (n_e, size) mentor index, -1 where there is none
    score: FloatArray  # (n_e, size) pair score, -inf where there is none
    bound: FloatArray  # (n_e,) score - price of every admissible mentor outside the pool
    price: FloatArray  # (n_r,) the prices the pools were chosen with


class ImprovingPairs(NamedTuple):
    """Pairs outside the candidates that beat the duals, by how much (``gain``)."""

    mentee: IntArray
    mentor: IntArray
    score: FloatArray
    gain: FloatArray

    @classmethod
    def concat(cls, parts: list[ImprovingPairs]) -> ImprovingPairs:
        """All the pairs of ``parts``, in order."""
        if not parts:
            return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
        return cls(*(np.concatenate([p[k] for p in parts]) for k in range(4)))


class CandidateSet:
    """The growing candidate set: edge arrays plus sorted keys for membership."""

    def __init__(self, n_mentors: int) -> None:
        self.n_mentors = n_mentors
        self.mentee: list[IntArray] = []
        self.mentor: list[IntArray] = []
        self.score: list[FloatArray] = []
        self.keys = np.zeros(0, dtype=np.int64)

    def add(self, mentee: IntArray, mentor: IntArray, score: FloatArray) -> None:
        """Add the pairs not in the set yet (the first of duplicates)."""
        keys = mentee * self.n_mentors + mentor
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        first = np.r_[True, keys[1:] != keys[:-1]] if keys.size else np.zeros(0, bool)
        first &= ~_member(self.keys, keys)
        pick = order[first]
        self.mentee.append(mentee[pick])
        self.mentor.append(mentor[pick])
        self.score.append(score[pick])
        self.keys = np.sort(np.concatenate([self.keys, keys[first]]), kind="stable")

    def contains(self, mentee: IntArray, mentor: IntArray) -> BoolArray:
        """Which of the given pairs are candidates."""
        return _member(self.keys, mentee * self.n_mentors + mentor)

    def arrays(self) -> tuple[IntArray, IntArray, FloatArray]:
        """Mentee, mentor and score of every candidate pair."""
        return (np.concatenate(self.mentee), np.concatenate(self.mentor),
                np.concatenate(self.score))


def _member(sorted_keys: IntArray, keys: IntArray) -> BoolArray:
    if sorted_keys.size == 0:
        return np.zeros(keys.shape, dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
    out: BoolArray = sorted_keys[pos] == keys
    return out


class _BlockBuffers(threading.local):
    """One thread's reusable block arrays.

    A fresh block-sized array each time costs its page faults again (the
    allocator hands large blocks back to the system when they are freed):
    about a third of the scoring and subtraction time of a pool pass.
    """

    def __init__(self, n_cols: int) -> None:
        self.scores = np.empty((_BLOCK_ROWS, n_cols))
        self.first = np.empty((_BLOCK_ROWS, n_cols))
        self.second = np.empty((_BLOCK_ROWS, n_cols))


def _top_columns(key: FloatArray, m: int) -> IntArray:
    """Each row's ``m`` largest columns of ``key``, largest first (``m`` <= columns).

    Exactly what a stable sort of ``-key`` puts first: equal keys go to the
    lowest column, at the boundary as within. Wide rows select in two stages
    (:func:`_largest_grouped`). A row where the selection may have split the
    equals of its boundary value wrongly is redone from the whole row: every
    key above the boundary, then its lowest-column equals.
    """
    n = key.shape[1]
    if m >= n:
        whole: IntArray = np.argsort(-key, axis=1, kind="stable")
        return whole
    if n // _GROUP >= 4 * m:
        best, edge, tied = _largest_grouped(key, m)
    else:
        best, edge, tied = _largest_plain(key, m)
    redo = np.flatnonzero(tied)
    if redo.size:
        # All at once: rows with fewer finite keys than m (room picks) are often flagged.
        rows, boundary = key[redo], edge[redo, None]
        above, level = rows > boundary, rows == boundary
        room = m - above.sum(axis=1, keepdims=True)
        keep = above | (level & (np.cumsum(level, axis=1) <= room))
        best[redo] = np.nonzero(keep)[1].reshape(redo.size, m)
    best.sort(axis=1)
    order = np.argsort(-np.take_along_axis(key, best, axis=1), axis=1, kind="stable")
    out: IntArray = np.take_along_axis(best, order, axis=1)
    return out


def _largest_plain(key: FloatArray, m: int) -> tuple[IntArray, FloatArray, BoolArray]:
    """Each row's ``m`` largest columns (any order), ``m``-th largest key, and ties left out.

    ``m`` < columns. A row is flagged when equals of its ``m``-th largest key
    were left out (which of them a stable sort keeps is settled by the caller).
    """
    n = key.shape[1]
    part = np.argpartition(key, n - m, axis=1)
    best = part[:, n - m:]
    edge = np.take_along_axis(key, part[:, n - m:n - m + 1], axis=1)
    taken = (np.take_along_axis(key, best, axis=1) == edge).sum(axis=1)
    tied: BoolArray = (key == edge).sum(axis=1) != taken
    return best, edge[:, 0], tied


def _largest_grouped(key: FloatArray, m: int) -> tuple[IntArray, FloatArray, BoolArray]:
    """:func:`_largest_plain` in two stages, for ``m`` far below the columns.

    Column ``g + groups * l`` (``l`` < :data:`_GROUP`, ``groups`` = columns
    // :data:`_GROUP`) is in group ``g``. Each of a
    row's ``m`` largest keys is in one of the ``m`` groups with the largest
    maxima (a group holding the ``m``-th largest key or more has its maximum
    at least that high, and fewer than ``m`` groups hold a larger one), unless
    several groups' maxima equal the ``m``-th largest key: such rows are
    flagged as tied. The rest are selected among those groups' columns (and
    the few left over when the columns do not divide into groups).
    """
    b, n = key.shape
    groups = n // _GROUP
    view = as_strided(key, shape=(b, _GROUP, groups),
                      strides=(key.strides[0], groups * key.strides[1], key.strides[1]),
                      writeable=False)
    group_max = view.max(axis=1)
    top = np.argpartition(group_max, groups - m, axis=1)[:, groups - m:]
    cols = (top[:, None, :] + groups * np.arange(_GROUP)[:, None]).reshape(b, m * _GROUP)
    if n > groups * _GROUP:
        rest = np.broadcast_to(np.arange(groups * _GROUP, n), (b, n - groups * _GROUP))
        cols = np.concatenate([cols, rest], axis=1)
    values = np.take_along_axis(key, cols, axis=1)
    c = cols.shape[1]
    part = np.argpartition(values, c - m, axis=1)
    edge = np.take_along_axis(values, part[:, c - m:c - m + 1], axis=1)
    taken = (np.take_along_axis(values, part[:, c - m:], axis=1) == edge).sum(axis=1)
    tied: BoolArray = (((values == edge).sum(axis=1) != taken)
                       | ((group_max >= edge).sum(axis=1) > m))
    best: IntArray = np.take_along_axis(cols, part[:, c - m:], axis=1)
    return best, edge[:, 0], tied


class Scanner:
    """Block passes over whole rows (or some columns) of the score matrix."""

    def __init__(self, scorer: BlockScores, selector: _Selector, max_demand: int,
                 seed: int) -> None:
        self.scorer = scorer
        self.selector = selector
        self.n_mentors = scorer.n_mentors
        # Below any difference between distinct scores: it only spreads ties.
        eps = 1e-7 * max(1.0, scorer.max_score())
        self.jitter = eps * np.random.default_rng(seed).random((_PATTERNS, self.n_mentors))
        self.max_demand = max_demand

    def _jitter(self, block: IntArray) -> FloatArray:
        """Return the tie-spreading jitter of ``block``'s rows (a view if in pattern order).

        ``block`` must be strictly increasing (as :meth:`fill` requires of its
        rows): then its endpoints tell whether it is consecutive. Consecutive rows
        within one run of patterns (the usual case: every mentee) read
        consecutive patterns, so no copy is made.
        """
        first = int(block[0]) % _PATTERNS
        consecutive = int(block[-1]) - int(block[0]) == block.size - 1
        if consecutive and first + block.size <= _PATTERNS:
            view: FloatArray = self.jitter[first:first + block.size]
            return view
        copy: FloatArray = self.jitter[block % _PATTERNS]
        return copy

    def scores(self, block: IntArray, columns: ColumnSubset | None = None,
               out: FloatArray | None = None) -> FloatArray:
        """Admissible scores (else -inf) of ``block``, columns in ``perm`` order.

        Written into, and returned as, ``out`` when it is given.
        """
        scores = self.scorer.block_perm(block, out=out, columns=columns)
        self.selector._mask(block, scores, columns)
        return scores

    def _each_block(self, rows: IntArray, work: Callable[[IntArray], _T],
                    progress: Progress | None = None, block_rows: int = _BLOCK_ROWS
                    ) -> list[_T]:
        """``work`` on every block of ``rows``, on :data:`_WORKERS` threads.

        numpy releases the GIL in the heavy calls. BLAS is held to one thread
        throughout: a block's products are too small to share (on a few
        blocks, BLAS threads cost ten times the work), and on
        :data:`_WORKERS` threads they would oversubscribe the cores.
        """
        blocks = [rows[lo:lo + block_rows] for lo in range(0, rows.size, block_rows)]
        out: list[_T] = []
        if len(blocks) < 4 * _WORKERS:
            with threadpool_limits(limits=1):
                for block in blocks:
                    out.append(work(block))
                    if progress is not None:
                        progress.update(block.size)
            return out
        with threadpool_limits(limits=1), ThreadPoolExecutor(_WORKERS) as pool:
            for block, result in zip(blocks, pool.map(work, blocks), strict=True):
                out.append(result)
                if progress is not None:
                    progress.update(block.size)
        return out

    def fill(self, rows: IntArray, price: FloatArray, size: int,
             progress: Progress | None = None, raw: int = 0,
             room: BoolArray | None = None, compact: bool = False
             ) -> tuple[Pool, tuple[IntArray, FloatArray] | None]:
        """Each row's ``size`` best mentors by score - price, and a bound on the rest.

        ``rows`` must be strictly increasing (sorted, no repeats): a block's
        jitter and its positions in ``rows`` (``compact``) are found from that.
        With ``raw``, also each row's ``raw`` best mentors by score alone, then
        (with ``room``) its :data:`ROOM_PICKS` best among the mentors in
        ``room`` (mentor and score arrays, -1 / -inf where there is none).
        Arrays are indexed by mentee, or by position in ``rows`` if ``compact``.
        """
        if rows.size > 1 and not bool((rows[1:] > rows[:-1]).all()):
            raise SolverError("Scanner.fill needs strictly increasing rows (an internal "
                              "caller broke this)")
        n_r = self.n_mentors
        n_e = rows.size if compact else self.scorer.n_mentees
        size = min(size, n_r)
        raw = min(raw, n_r)
        perm = self.scorer.perm
        room_cols = np.flatnonzero(room[perm]) if room is not None else np.zeros(0, np.int64)
        picks = min(ROOM_PICKS, room_cols.size) if 0 < raw < n_r else 0
        mentor = np.full((n_e, size), -1, dtype=np.int64)
        score = np.full((n_e, size), -np.inf)
        bound = np.full(n_e, -np.inf)
        raw_mentor = np.full((n_e, raw + picks), -1, dtype=np.int64)
        raw_score = np.full((n_e, raw + picks), -np.inf)
        price_perm = price[perm]
        buffers = _BlockBuffers(n_r)

        def pick(at: IntArray, part: slice, scores: FloatArray, jittered: FloatArray,
                 cols: IntArray | None, m: int) -> None:
            # Columns in a subset: argpartition is slow on rows of many equal -inf.
            best = _top_columns(jittered if cols is None else jittered[:, cols], m)
            if cols is not None:
                best = cols[best]
            best_scores = np.take_along_axis(scores, best, axis=1)
            raw_mentor[at, part] = np.where(np.isfinite(best_scores), perm[best], -1)
            raw_score[at, part] = best_scores

        def work(block: IntArray) -> None:
            b = block.size
            scores = self.scores(block, out=buffers.scores[:b])
            at = np.searchsorted(rows, block) if compact else block
            # The jitter only spreads ties (which mentor of equals a mentee keeps);
            # the bound is taken on the true key.
            jitter = self._jitter(block)
            if 0 < raw < n_r:
                # One jittered copy serves both the raw picks and the picks with room.
                jittered = np.subtract(scores, jitter, out=buffers.first[:b])
                pick(at, slice(0, raw), scores, jittered, None, raw)
                if picks:
                    pick(at, slice(raw, raw + picks), scores, jittered, room_cols, picks)
                key = np.subtract(scores, price_perm, out=jittered)
            else:
                key = np.subtract(scores, price_perm, out=buffers.first[:b])
            jittered = np.subtract(key, jitter, out=buffers.second[:b])
            if size < n_r:
                top = _top_columns(jittered, size)
                np.put_along_axis(key, top, -np.inf, axis=1)
                bound[at] = key.max(axis=1)
            else:
                top = _top_columns(jittered, n_r)
            top_scores = np.take_along_axis(scores, top, axis=1)
            ok = np.isfinite(top_scores)
            mentor[at] = np.where(ok, perm[top], -1)
            score[at] = np.where(ok, top_scores, -np.inf)

        self._each_block(rows, work, progress)
        extra = (raw_mentor, raw_score) if 0 < raw < n_r else None
        return Pool(mentor, score, bound, price), extra

    def violators(self, rows: IntArray, candidates: CandidateSet, mentee_dual: FloatArray,
                  mentor_dual: FloatArray, tolerance: float, per_row: int,
                  columns: IntArray | None = None) -> ImprovingPairs:
        """Non-candidate pairs of ``rows`` with ``s - mentee_dual - mentor_dual > tolerance``.

        The best ``per_row`` of each row (columns: ``perm`` positions; None: all).
        """
        perm = self.scorer.perm
        cols = perm if columns is None else perm[columns]
        subset = None if columns is None else self.selector.subset(columns)
        col_dual = mentor_dual[cols]
        # Up to max-demand used pairs may also beat the duals: look past them.
        m = min(per_row + self.max_demand, cols.size)

        def work(block: IntArray) -> ImprovingPairs:
            scores = self.scores(block, subset)
            gain = np.subtract(scores, col_dual)
            # Rounding is monotone: a row's best minus its dual is its best gain, exactly.
            best = gain.max(axis=1, initial=-np.inf) - mentee_dual[block]
            bad_rows = np.flatnonzero(best > tolerance)
            sub = gain[bad_rows] - mentee_dual[block[bad_rows]][:, None]
            top = np.argpartition(-sub, m - 1, axis=1)[:, :m] if m < sub.shape[1] else (
                np.broadcast_to(np.arange(sub.shape[1]), sub.shape))
            top_gain = np.take_along_axis(sub, top, axis=1).reshape(-1)
            mentee = np.repeat(block[bad_rows], top.shape[1]).reshape(-1)
            mentor = cols[top].reshape(-1)
            top_scores = np.take_along_axis(scores[bad_rows], top, axis=1).reshape(-1)
            keep = (top_gain > tolerance) & ~candidates.contains(mentee, mentor)
            return ImprovingPairs(mentee[keep], mentor[keep], top_scores[keep], top_gain[keep])

        if m == 0:
            return ImprovingPairs.concat([])
        # As many cells per block as a block of whole rows: a few columns' blocks
        # of few rows would cost more in per-block overhead than in scoring.
        block_rows = _BLOCK_ROWS * min(self.n_mentors // max(cols.size, 1), _WIDEST)
        return ImprovingPairs.concat(self._each_block(rows, work, block_rows=block_rows))

    def best_mentees(self, rows: IntArray, columns: IntArray,
                     m: int) -> tuple[IntArray, IntArray, FloatArray]:
        """Each of the mentors at ``columns`` (``perm`` positions): its best ``m`` rows."""
        perm = self.scorer.perm
        subset = self.selector.subset(columns)

        def work(block: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
            scores = self.scores(block, subset)
            top = np.argsort(-scores, axis=0, kind="stable")[:m]  # (<= m, n_cols)
            top_scores = np.take_along_axis(scores, top, axis=0)
            cols = np.broadcast_to(np.arange(columns.size), top.shape)
            ok = np.isfinite(top_scores)
            return block[top[ok]], perm[columns[cols[ok]]], top_scores[ok]

        parts = self._each_block(rows, work)
        if not parts:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        mentee, mentor, score = (np.concatenate([p[q] for p in parts]) for q in range(3))
        order = np.lexsort((mentee, -score, mentor))
        mentee, mentor, score = mentee[order], mentor[order], score[order]
        rank = np.arange(mentor.size) - np.searchsorted(mentor, mentor, side="left")
        keep = rank < m
        return mentee[keep], mentor[keep], score[keep]
