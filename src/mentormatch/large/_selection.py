"""Memory-bounded top-k selection for large cohorts.

``_Selector`` scores blocks of mentee rows (with a
:class:`~mentormatch.scoring.BlockScores` from
:func:`~mentormatch.scoring.block_scorer`), masks the inadmissible pairs and
keeps each mentee's best ``k`` admissible mentors and an upper bound on every
pair it drops.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from mentormatch.models import MustHaveMask
from mentormatch.progress import Progress
from mentormatch.scoring import MIN_SCORE_SLACK, BlockScores, ColumnSubset, SlotRule

__all__ = ["DEFAULT_BLOCK_BYTES"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Default memory for one block of work (scores, keys and argpartition's indices).
DEFAULT_BLOCK_BYTES = 1 << 28


@dataclass(frozen=True, eq=False)
class _Selection:
    mentee: IntArray
    mentor: IntArray
    score: FloatArray
    bound: FloatArray  # per selected row


class _Selector:
    """Top-k admissible mentors of any rows, ties broken by mentor index, memory bounded."""

    def __init__(self, scorer: BlockScores, *, excluded: IntArray, dead_mentors: BoolArray,
                 min_score: float | None, block_bytes: int,
                 must_haves: MustHaveMask | None = None,
                 slot_rule: SlotRule | None = None) -> None:
        self.scorer = scorer
        self.must_haves = must_haves
        self.slot_rule = slot_rule
        n_r = scorer.n_mentors
        self.n_r = n_r
        inv = np.empty(n_r, dtype=np.int64)
        inv[scorer.perm] = np.arange(n_r)
        self.inv_perm = inv
        # key = floor(score * Q) * n_r + (n_r - 1 - mentor): distinct, exact in float64.
        bits = max(int(math.ceil(math.log2(n_r + 1))), 1)
        self.quantum = float(2.0 ** (51 - bits))
        self.tie = (n_r - 1 - scorer.perm).astype(np.float64)
        ex = excluded.reshape(-1, 2)
        order = np.lexsort((ex[:, 1], ex[:, 0]))
        self.ex_rows = ex[order, 0]
        self.ex_cols = inv[ex[order, 1]] if ex.size else np.zeros(0, dtype=np.int64)
        self.dead_cols = np.flatnonzero(dead_mentors[scorer.perm])
        self.min_score = min_score
        # score buffer + key buffer + argpartition's int64 indices, 8 bytes each.
        self.block_rows = max(1, int(block_bytes // max(24 * n_r, 1)))

    def blocks(self, rows: IntArray) -> Iterator[IntArray]:
        for lo in range(0, rows.size, self.block_rows):
            yield rows[lo:lo + self.block_rows]

    def select(self, rows: IntArray, k: int, progress: Progress | None = None) -> _Selection:
        """Top ``k`` admissible mentors of each row by score (ties: lower mentor index)."""
        n_r = self.n_r
        kk = min(k, n_r)
        out_e: list[IntArray] = []
        out_r: list[IntArray] = []
        out_s: list[FloatArray] = []
        out_b: list[FloatArray] = []
        buf = np.empty((min(self.block_rows, max(rows.size, 1)), n_r))
        key = np.empty_like(buf)
        for block in self.blocks(rows):
            b = block.size
            s = self.scorer.block_perm(block, out=buf[:b])
            self._mask(block, s)
            kb = key[:b]
            np.multiply(s, self.quantum, out=kb)
            np.floor(kb, out=kb)
            kb *= n_r
            kb += self.tie[None, :]
            if kk + 1 <= n_r:
                top = np.argpartition(kb, n_r - kk - 1, axis=1)[:, n_r - kk - 1:]
            else:
                top = np.broadcast_to(np.arange(n_r), (b, n_r)).copy()
            top_keys = np.take_along_axis(kb, top, axis=1)
            order = np.argsort(-top_keys, axis=1, kind="stable")
            top = np.take_along_axis(top, order, axis=1)
            top_scores = np.take_along_axis(s, top, axis=1)
            if kk < n_r:
                nxt = top_scores[:, kk]
                bound = np.where(np.isfinite(nxt),
                                 (np.floor(nxt * self.quantum) + 1.0) / self.quantum, -np.inf)
                top, top_scores = top[:, :kk], top_scores[:, :kk]
            else:
                bound = np.full(b, -np.inf)
            keep = np.isfinite(top_scores)
            out_e.append(np.repeat(block, keep.sum(axis=1)))
            out_r.append(self.scorer.perm[top[keep]])
            out_s.append(top_scores[keep])
            out_b.append(bound)
            if progress is not None:
                progress.update(b)
        cat = np.concatenate
        if not out_e:
            empty = np.zeros(0)
            return _Selection(np.zeros(0, np.int64), np.zeros(0, np.int64), empty, empty)
        return _Selection(cat(out_e).astype(np.int64), cat(out_r).astype(np.int64),
                          cat(out_s), cat(out_b))

    def subset(self, positions: IntArray) -> ColumnSubset:
        """Gather what scoring and masking some columns (sorted ``perm`` positions) needs, once."""
        return replace(self.scorer.columns(positions),
                       dead=np.flatnonzero(np.isin(positions, self.dead_cols)))

    def _mask(self, block: IntArray, s: FloatArray, columns: ColumnSubset | None = None) -> None:
        """Set inadmissible pairs to -inf: excluded, must-haves, no-capacity, below min_score.

        Also pairs without a common slot, when the schedule requires one.

        ``columns`` when ``s`` has only those columns.
        """
        if self.must_haves is not None:
            perm = self.scorer.perm
            mentors = perm if columns is None else perm[columns.positions]
            s[~self.must_haves.block(block, mentors)] = -np.inf
        if self.dead_cols.size:
            s[:, self.dead_cols if columns is None else columns.dead] = -np.inf
        if self.min_score is not None:
            np.putmask(s, s < self.min_score - MIN_SCORE_SLACK, -np.inf)
        if self.slot_rule is not None:
            mentors = self.scorer.perm if columns is None else self.scorer.perm[columns.positions]
            np.putmask(s, ~self.slot_rule.block(block, mentors), -np.inf)
        if self.ex_rows.size:
            lo = np.searchsorted(self.ex_rows, block[0])
            hi = np.searchsorted(self.ex_rows, block[-1], side="right")
            rows, cols = self.ex_rows[lo:hi], self.ex_cols[lo:hi]
            if columns is not None:
                pos = columns.positions
                at = np.minimum(np.searchsorted(pos, cols), max(pos.size - 1, 0))
                inside = pos[at] == cols if pos.size else np.zeros(cols.size, bool)
                rows, cols = rows[inside], at[inside]
            where = np.searchsorted(block, rows)
            where = np.minimum(where, block.size - 1)
            hit = block[where] == rows
            s[where[hit], cols[hit]] = -np.inf
