"""Exact matching of large cohorts by column generation over candidate pools.

The full problem has one arc per admissible pair (2e9 at national size); the
optimum uses a few per mentee. :func:`solve_priced` finds it without ever
holding the full matrix:

1. **Prices.** A fluid sample of mentees (each standing for the many it was
   drawn from) is matched against every mentor's full capacity; its dual
   mentor prices estimate how contested each mentor is, and the mentors it
   leaves with room are where the first candidates can always find a place.
2. **Pools.** One pass over every pair (two threads) keeps, per mentee, the
   ``pool_size`` best mentors by score minus price (ties spread by a
   per-mentee jitter), an exact bound on score minus price over every other
   admissible mentor, the best few by raw score and the best few among the
   mentors with room.
3. **Column generation.** ``flow`` solves the candidate problem (the best
   ``k`` of each pool and the raw picks, which keep popular mentors contested);
   its duals ``u`` (mentees) and ``v`` (mentors) price every other pair:
   ``(i, j)`` can improve the answer only if ``s_ij > u_i + v_j``. Pool pairs
   are checked exactly from the pool; pairs outside the pool are bounded by
   the pool bound and by how far ``v`` fell below the pool prices (or, for a
   mentee the previous round proved, by that proof's duals and how far ``v``
   fell since), and only the mentors whose price fell further than a row's
   slack are rescored for that row (pools are refilled at ``v`` when that
   would cost more than a third of a pass). Improving pairs join the
   candidates and the problem is solved again, warm: from the previous
   optimum and its proof's potentials
   (:func:`~mentormatch.solvers.flow._reoptimize.reoptimize_flow`) when every
   demand was met, else around the new pairs when only a few mentees gained
   some, else from scratch.

When no pair can improve the answer, it is the optimum of the full problem:
the duals are a certificate (LP duality), whatever prices steered the search.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar, cast

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

from mentormatch.large._certificate import _duals, _tighten
from mentormatch.large._selection import _Selector
from mentormatch.problem import Assignment, CandidateProblem, MatchProblem, ProblemAttributes
from mentormatch.progress import Progress
from mentormatch.scoring import BlockScores, ColumnSubset
from mentormatch.solvers import solve
from mentormatch.solvers.flow import reoptimize_flow
from mentormatch.solvers.flow._solve import _FAR

__all__ = ["PricingSetup", "solve_priced"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
_T = TypeVar("_T")

#: Rows scored together: small blocks stay in cache.
_BLOCK_ROWS = 32
#: Distinct tie-breaking patterns (per mentee, by index).
_PATTERNS = 64
#: Threads for block passes (numpy releases the GIL in the heavy calls).
_WORKERS = 2
#: Smallest fluid sample worth solving for prices.
_MIN_SAMPLE = 200
#: Candidate mentors of a fluid sample mentee per mentee it stands for.
_FLUID_WIDTH = 10
#: Each mentee's best mentors among those the fluid sample left with room.
_ROOM_PICKS = 3


@dataclass
class PricingSetup:
    """What column generation needs besides the solver: scores, masks, the problem's counts."""

    scorer: BlockScores
    selector: _Selector
    demand: IntArray
    capacity: IntArray
    min_load: IntArray
    locked: IntArray
    attributes: ProblemAttributes | None = None


@dataclass
class _Pool:
    mentor: IntArray  # (n_e, size) mentor index, -1 where there is none
    score: FloatArray  # (n_e, size) pair score, -inf where there is none
    bound: FloatArray  # (n_e,) score - price of every admissible mentor outside the pool
    price: FloatArray  # (n_r,) the prices the pools were chosen with


class _Candidates:
    """The growing candidate set: edge arrays plus sorted keys for membership."""

    def __init__(self, n_r: int) -> None:
        self.n_r = n_r
        self.e: list[IntArray] = []
        self.r: list[IntArray] = []
        self.s: list[FloatArray] = []
        self.keys = np.zeros(0, dtype=np.int64)

    def add(self, e: IntArray, r: IntArray, s: FloatArray) -> None:
        keys = e * self.n_r + r
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        first = np.r_[True, keys[1:] != keys[:-1]] if keys.size else np.zeros(0, bool)
        first &= ~_member(self.keys, keys)
        pick = order[first]
        self.e.append(e[pick])
        self.r.append(r[pick])
        self.s.append(s[pick])
        self.keys = np.sort(np.concatenate([self.keys, keys[first]]), kind="stable")

    def contains(self, e: IntArray, r: IntArray) -> BoolArray:
        return _member(self.keys, e * self.n_r + r)

    def arrays(self) -> tuple[IntArray, IntArray, FloatArray]:
        return np.concatenate(self.e), np.concatenate(self.r), np.concatenate(self.s)


def _member(sorted_keys: IntArray, keys: IntArray) -> BoolArray:
    if sorted_keys.size == 0:
        return np.zeros(keys.shape, dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
    out: BoolArray = sorted_keys[pos] == keys
    return out


class _Scanner:
    """Block passes over whole rows (or some columns) of the score matrix."""

    def __init__(self, setup: PricingSetup, seed: int) -> None:
        self.scorer = setup.scorer
        self.selector = setup.selector
        n_r = self.scorer.n_mentors
        self.n_r = n_r
        # Below any difference between distinct scores: it only spreads ties.
        eps = 1e-7 * max(1.0, self.scorer.max_score())
        self.jitter = eps * np.random.default_rng(seed).random((_PATTERNS, n_r))
        self.max_demand = int(setup.demand.max(initial=0))

    def scores(self, block: IntArray, columns: ColumnSubset | None = None) -> FloatArray:
        """Admissible scores (else -inf) of ``block``, columns in ``perm`` order."""
        s = self.scorer.block_perm(block, columns=columns)
        self.selector._mask(block, s, columns)
        return s

    def _each_block(self, rows: IntArray, work: Callable[[IntArray], _T],
                    progress: Progress | None = None) -> list[_T]:
        """``work`` on every block of ``rows``, on :data:`_WORKERS` threads.

        numpy releases the GIL in the heavy calls; BLAS is held to one thread
        meanwhile so that the threads do not oversubscribe the cores.
        """
        blocks = [rows[lo:lo + _BLOCK_ROWS] for lo in range(0, rows.size, _BLOCK_ROWS)]
        out: list[_T] = []
        if len(blocks) < 4 * _WORKERS:
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
             ) -> tuple[_Pool, tuple[IntArray, FloatArray] | None]:
        """Each row's ``size`` best mentors by score - price, and a bound on the rest.

        With ``raw``, also each row's ``raw`` best mentors by score alone, then
        (with ``room``) its :data:`_ROOM_PICKS` best among the mentors in
        ``room`` (mentor and score arrays, -1 / -inf where there is none).
        Arrays are indexed by mentee, or by position in ``rows`` if ``compact``.
        """
        n_r = self.n_r
        n_e = rows.size if compact else self.scorer.n_mentees
        size = min(size, n_r)
        raw = min(raw, n_r)
        perm = self.scorer.perm
        room_cols = np.flatnonzero(room[perm]) if room is not None else np.zeros(0, np.int64)
        picks = min(_ROOM_PICKS, room_cols.size) if 0 < raw < n_r else 0
        mentor = np.full((n_e, size), -1, dtype=np.int64)
        score = np.full((n_e, size), -np.inf)
        bound = np.full(n_e, -np.inf)
        raw_mentor = np.full((n_e, raw + picks), -1, dtype=np.int64)
        raw_score = np.full((n_e, raw + picks), -np.inf)
        price_perm = price[perm]

        def best_of(s: FloatArray, near: FloatArray, m: int) -> tuple[IntArray, FloatArray]:
            best = np.argpartition(near, near.shape[1] - m, axis=1)[:, near.shape[1] - m:]
            order = np.argsort(-np.take_along_axis(near, best, axis=1), axis=1, kind="stable")
            best = np.take_along_axis(best, order, axis=1)
            return best, np.take_along_axis(s, best, axis=1)

        def work(block: IntArray) -> None:
            s = self.scores(block)
            at = np.searchsorted(rows, block) if compact else block
            # The jitter only spreads ties (which mentor of equals a mentee keeps);
            # the bound is taken on the true key.
            jitter = self.jitter[block % _PATTERNS]
            if 0 < raw < n_r:
                best, best_s = best_of(s, s - jitter, raw)
                raw_mentor[at, :raw] = np.where(np.isfinite(best_s), perm[best], -1)
                raw_score[at, :raw] = best_s
            if picks:
                # A column subset: argpartition is slow on rows of many equal -inf.
                sub = s[:, room_cols]
                best, best_s = best_of(sub, sub - jitter[:, room_cols], picks)
                raw_mentor[at, raw:] = np.where(np.isfinite(best_s), perm[room_cols[best]], -1)
                raw_score[at, raw:] = best_s
            key = s - price_perm
            jittered = key - jitter
            if size < n_r:
                top = np.argpartition(jittered, n_r - size - 1, axis=1)[:, n_r - size:]
                np.put_along_axis(key, top, -np.inf, axis=1)
                bound[at] = key.max(axis=1)
            else:
                top = np.broadcast_to(np.arange(n_r), (block.size, n_r))
            order = np.argsort(-np.take_along_axis(jittered, top, axis=1), axis=1,
                               kind="stable")
            top = np.take_along_axis(top, order, axis=1)
            top_s = np.take_along_axis(s, top, axis=1)
            ok = np.isfinite(top_s)
            mentor[at] = np.where(ok, perm[top], -1)
            score[at] = np.where(ok, top_s, -np.inf)

        self._each_block(rows, work, progress)
        extra = (raw_mentor, raw_score) if 0 < raw < n_r else None
        return _Pool(mentor, score, bound, price), extra

    def violators(self, rows: IntArray, cand: _Candidates, u: FloatArray, v: FloatArray,
                  tol: float, per_row: int, columns: IntArray | None = None
                  ) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
        """Non-candidate pairs of ``rows`` with ``s - u_i - v_j > tol`` (best ``per_row``)."""
        perm = self.scorer.perm
        cols = perm if columns is None else perm[columns]
        subset = None if columns is None else self.selector.subset(columns)
        v_cols = v[cols]
        # Up to max-demand used pairs may also beat the duals: look past them.
        m = min(per_row + self.max_demand, cols.size)

        def work(block: IntArray) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
            red = self.scores(block, subset)
            s = red.copy()
            red -= v_cols
            red -= u[block][:, None]
            bad_rows = np.flatnonzero(red.max(axis=1, initial=-np.inf) > tol)
            sub = red[bad_rows]
            top = np.argpartition(-sub, m - 1, axis=1)[:, :m] if m < sub.shape[1] else (
                np.broadcast_to(np.arange(sub.shape[1]), sub.shape))
            rr = np.take_along_axis(sub, top, axis=1).reshape(-1)
            ii = np.repeat(block[bad_rows], top.shape[1]).reshape(-1)
            jj = cols[top].reshape(-1)
            ss = np.take_along_axis(s[bad_rows], top, axis=1).reshape(-1)
            keep = (rr > tol) & ~cand.contains(ii, jj)
            return ii[keep], jj[keep], ss[keep], rr[keep]

        if m == 0:
            return _concat4([])
        return _concat4(self._each_block(rows, work))


    def best_mentees(self, rows: IntArray, columns: IntArray,
                     m: int) -> tuple[IntArray, IntArray, FloatArray]:
        """Each of the mentors at ``columns`` (``perm`` positions): its best ``m`` rows."""
        perm = self.scorer.perm
        subset = self.selector.subset(columns)

        def work(block: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
            s = self.scores(block, subset)
            top = np.argsort(-s, axis=0, kind="stable")[:m]  # (<= m, n_cols)
            top_s = np.take_along_axis(s, top, axis=0)
            cols = np.broadcast_to(np.arange(columns.size), top.shape)
            ok = np.isfinite(top_s)
            return block[top[ok]], perm[columns[cols[ok]]], top_s[ok]

        parts = self._each_block(rows, work)
        if not parts:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        e, r, s = (np.concatenate([p[q] for p in parts]) for q in range(3))
        order = np.lexsort((e, -s, r))
        e, r, s = e[order], r[order], s[order]
        rank = np.arange(r.size) - np.searchsorted(r, r, side="left")
        keep = rank < m
        return e[keep], r[keep], s[keep]


def _concat4(parts: list[tuple[IntArray, IntArray, FloatArray, FloatArray]]
             ) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    if not parts:
        return (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
    return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]), np.concatenate([p[3] for p in parts]))


def _best_per_row(e: IntArray, r: IntArray, s: FloatArray, red: FloatArray,
                  per_row: int) -> tuple[IntArray, IntArray, FloatArray]:
    """Deduplicated pairs, at most ``per_row`` per mentee, the most improving first."""
    if e.size == 0:
        return e, r, s
    order = np.lexsort((r, -red, e))
    e, r, s = e[order], r[order], s[order]
    keep = np.r_[True, (e[1:] != e[:-1]) | (r[1:] != r[:-1])]
    e, r, s = e[keep], r[keep], s[keep]
    start = np.searchsorted(e, e, side="left")
    rank = np.arange(e.size) - start
    keep = rank < per_row
    return e[keep], r[keep], s[keep]


def _initial(pool: _Pool, k: int, locked: IntArray, locked_s: FloatArray,
             n_r: int) -> _Candidates:
    """Candidates: each pool's first ``k`` mentors, plus the locked pairs."""
    cand = _Candidates(n_r)
    first = pool.mentor[:, :k]
    ok = first >= 0
    cand.add(np.repeat(np.arange(first.shape[0]), ok.sum(axis=1)), first[ok],
             pool.score[:, :k][ok])
    if locked.size:
        cand.add(locked[:, 0], locked[:, 1], locked_s)
    return cand


def _pool_violators(pool: _Pool, rows: IntArray, cand: _Candidates, u: FloatArray,
                    v: FloatArray, tol: float
                    ) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """Pool pairs outside the candidates that beat the duals (checked exactly)."""
    mentor = pool.mentor[rows]
    inside = mentor >= 0
    e = np.repeat(rows, inside.sum(axis=1))
    r, s = mentor[inside], pool.score[rows][inside]
    red = s - u[e] - v[r]
    hit = (red > tol) & ~cand.contains(e, r)
    return e[hit], r[hit], s[hit], red[hit]


def _rescore_counts(ref_price: FloatArray, ref_bound: FloatArray, prices: FloatArray,
                    u: FloatArray, rows: IntArray, tol: float,
                    perm: IntArray) -> tuple[IntArray, IntArray]:
    """Per row, how many mentors a reference's bound cannot clear at the duals.

    A reference holds, for every pair ``(i, j)`` it covers,
    ``s_ij - ref_price_j <= ref_bound_i`` (a pool: the pairs outside it; a
    previous proof: every pair outside the candidates, ``ref_bound = u' + tol'``).
    Then ``s_ij - v_j <= ref_bound_i + (ref_price_j - v_j)``: only mentors whose
    price fell by more than ``u_i + tol - ref_bound_i`` can improve. Returns
    those counts and the ``perm`` positions by fall, largest first.
    """
    live = np.isfinite(prices)
    drop = np.full(prices.size, -np.inf)
    drop[live] = ref_price[live] - prices[live]
    drop = drop[perm]
    slack = u[rows] + tol - ref_bound[rows]
    order = np.argsort(-drop, kind="stable")
    need = np.searchsorted(-drop[order], -slack, side="left").astype(np.int64)
    return need, order


class _Proof(NamedTuple):
    """Duals of a round, and the mentees they proved (no pair outside the candidates beat them)."""

    u: FloatArray
    v: FloatArray
    tol: float
    proved: BoolArray


def _buckets(need: IntArray, rows: IntArray, order: IntArray,
             n_r: int) -> list[tuple[IntArray | None, IntArray]]:
    """Rows grouped by how many of the most-fallen mentors they must rescore (powers of 2).

    Yields ``(columns, rows)``: the sorted ``perm`` positions to rescore (None: all).
    """
    out: list[tuple[IntArray | None, IntArray]] = []
    open_ = need > 0
    if not open_.any():
        return out
    size = np.minimum(2 ** np.ceil(np.log2(np.maximum(need[open_], 64))), n_r).astype(np.int64)
    for c in np.unique(size).tolist():
        block = rows[open_][size == c]
        out.append((None if c >= n_r else np.sort(order[:c]), block))
    return out


def _problem(setup: PricingSetup, cand: _Candidates) -> CandidateProblem:
    e, r, s = cand.arrays()
    return CandidateProblem(
        setup.scorer.n_mentees, setup.scorer.n_mentors, e, r, s, demand=setup.demand,
        capacity=setup.capacity, min_load=setup.min_load, locked=setup.locked,
        attributes=setup.attributes)


def _warm_solve(problem: CandidateProblem, setup: PricingSetup, prev: Assignment,
                new_e: IntArray, new_r: IntArray, options: dict[str, Any]) -> Assignment | None:
    """Re-solve only around the new candidate pairs, then prove it all.

    The mentees of the new pairs and those holding the new pairs' mentors are
    matched again (everyone else keeps their mentors, whose places stay
    taken); :func:`~mentormatch.solvers.flow._solve.certify_flow` then proves the
    whole answer optimal on every candidate, cancelling the few improving
    cycles the neighbourhood missed. None when that needs a full solve.
    """
    from mentormatch.solvers.flow._solve import certify_flow

    n_e, n_r = problem.shape
    edges = problem.edges()
    e, r, s = edges.mentee, edges.mentor, edges.score
    reached = np.zeros(n_r, dtype=bool)
    reached[new_r] = True
    moved = np.zeros(n_e, dtype=bool)
    moved[new_e] = True
    moved[prev.mentee_idx[reached[prev.mentor_idx]]] = True
    fixed = ~moved[prev.mentee_idx]
    mine = moved[e]
    locked = setup.locked[moved[setup.locked[:, 0]]] if setup.locked.size else setup.locked
    held = np.bincount(prev.mentor_idx[fixed], minlength=n_r)
    sub = CandidateProblem(
        n_e, n_r, e[mine], r[mine], s[mine], demand=np.where(moved, setup.demand, 0),
        capacity=setup.capacity - held, min_load=np.maximum(setup.min_load - held, 0),
        locked=locked)
    part = solve(cast(MatchProblem, sub), "flow", **options)
    pairs_e = np.concatenate([prev.mentee_idx[fixed], part.mentee_idx])
    pairs_r = np.concatenate([prev.mentor_idx[fixed], part.mentor_idx])
    start = (prev.info["node_level"], prev.info["node_value"]) if "node_level" in prev.info \
        else None
    return certify_flow(cast(MatchProblem, problem), pairs_e, pairs_r, start=start)


class _Prices(NamedTuple):
    u: FloatArray  # mentee duals (inf: takes no further mentor)
    v: FloatArray  # mentor duals, level * weight + potential (inf: no place left)
    tol: float  # slack of the pair test s - u - v > tol
    potential: FloatArray  # the mentors' score part alone (0 where v is inf)


def _dual_prices(problem: CandidateProblem, assignment: Assignment) -> _Prices | None:
    """Mentee and mentor duals as single numbers, and the tolerance of the pair test.

    The solver's duals are lexicographic (level, potential) and degenerate;
    they are first tightened (:func:`~mentormatch.large._certificate._tighten`: a
    mentee given all it asked for is not "short" at any level). Only
    ``u_i + v_j`` matters for a pair, so levels are shifted to make the most
    common mentor level 0, and a level is worth more than any score difference.
    """
    info = assignment.info
    n_e, n_r = problem.shape
    duals = _duals(info, n_e, n_r)
    if info.get("exact") is not True or duals is None:
        return None
    tight = _tighten(problem, assignment, duals)
    if tight is None:
        return None
    e_lvl, e_pot, r_lvl, r_pot = tight
    e_far, r_far = np.abs(e_lvl) >= _FAR // 2, np.abs(r_lvl) >= _FAR // 2
    levels, counts = np.unique(r_lvl[~r_far], return_counts=True)
    shift = float(levels[np.argmax(counts)]) if levels.size else 0.0
    e_lvl, r_lvl = e_lvl + shift, r_lvl - shift
    weight = float(info.get("level_weight", 1.0))
    u = np.where(e_far, np.inf, weight * e_lvl + e_pot)
    v = np.where(r_far, np.inf, weight * r_lvl + r_pot)
    # Rounding of the combined numbers grows with their size.
    size = float(np.abs(u[~e_far]).max(initial=0.0) + np.abs(v[~r_far]).max(initial=0.0))
    tol = float(info["dual_tol"]) + 1e-12 + 64 * float(np.finfo(np.float64).eps) * (1 + size)
    return _Prices(u, v, tol, np.where(r_far, 0.0, r_pot))


class _Steer(NamedTuple):
    price: FloatArray  # per mentor: how contested (0: not at all)
    room: BoolArray | None  # mentors the fluid sample left with room (None: unknown)


def _fluid_prices(setup: PricingSetup, scanner: _Scanner, rows: IntArray, fraction: float,
                  seed: int, max_price: float) -> _Steer:
    """Mentor prices from a fluid sample: few mentees, each standing for many.

    A seeded ``fraction`` of the mentees (at least :data:`_MIN_SAMPLE`, at
    most half) is matched against every mentor's full capacity, each sampled
    mentee asking ``weight`` times its demand (``weight`` = mentees per sampled
    one) and taking up to ``weight`` places of a mentor (one per mentee it
    stands for). Unlike a sample with scaled-down capacities, every mentor
    keeps its real capacity, so its price reflects its real competition.
    Candidates are each sampled mentee's :data:`_FLUID_WIDTH` x ``weight``
    best mentors by score; demand they cannot meet goes unmet at a price (a
    higher level). Minimum loads and locks stay out: the prices only steer.
    Zero prices (and no room) when the cohort is too small to sample.
    """
    from mentormatch.solvers.flow._solve import _certify, _has_ortools, _Network, _run_backend

    n_r = setup.scorer.n_mentors
    size = max(int(round(fraction * rows.size)), _MIN_SAMPLE)
    if 2 * size > rows.size:
        return _Steer(np.zeros(n_r), None)
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(rows, size=size, replace=False))
    weight = max(int(round(rows.size / size)), 1)
    pool, _ = scanner.fill(sample, np.zeros(n_r), _FLUID_WIDTH * weight, compact=True)
    ok = pool.mentor >= 0
    e = np.repeat(np.arange(size), ok.sum(axis=1))
    r, sc = pool.mentor[ok], pool.score[ok]
    # Nodes: sampled mentees, mentors, source, sink; arcs: pairs, source -> mentee,
    # mentor -> sink, and an unmet-demand bypass one level up.
    src, snk = size + n_r, size + n_r + 1
    demand = setup.demand[sample] * weight
    offering = np.flatnonzero(setup.capacity > 0)
    total = int(demand.sum())
    tail = np.concatenate([e, np.full(size, src), size + offering, [src]])
    head = np.concatenate([size + r, np.arange(size), np.full(offering.size, snk), [snk]])
    hi = np.concatenate([np.full(e.size, weight), demand, setup.capacity[offering], [total]])
    level = np.zeros(tail.size, dtype=np.int64)
    level[-1] = 1
    cost = np.zeros(tail.size)
    cost[:e.size] = -sc
    supply = np.zeros(size + n_r + 2, dtype=np.int64)
    supply[src], supply[snk] = total, -total
    net = _Network(
        n_e=size, n_r=n_r, tail=tail.astype(np.int64), head=head.astype(np.int64),
        lo=np.zeros(tail.size, dtype=np.int64), hi=hi.astype(np.int64), level=level,
        cost=cost, supply=supply, n_pair=int(e.size), pair_mentee=e, pair_mentor=r,
        mentee_in=np.ones(size, dtype=bool), mentor_in=setup.capacity > 0,
        first=np.arange(size), more=np.zeros(0, dtype=np.int64), offering=offering)
    flow, _ = _run_backend(net, "ortools" if _has_ortools() else "highs", lex=True)
    if flow is None:
        return _Steer(np.zeros(n_r), None)
    cert = _certify(net, flow)
    mentors = slice(size, size + n_r)
    # A mentor at another level than the sink is priced by unmet demand, not by score.
    same = cert.level[mentors] == cert.level[snk]
    price = np.where(same, cert.value[snk] - cert.value[mentors], 0.0)
    load = np.zeros(n_r, dtype=np.int64)
    load[offering] = flow[e.size + size:e.size + size + offering.size]
    return _Steer(np.clip(price, 0.0, max_price), load < setup.capacity)


def solve_priced(setup: PricingSetup, k: int, options: dict[str, Any], *,
                 pool_size: int | None = None, per_row: int | None = None,
                 price_sample: float | None = 0.01, seed: int = 0, max_rounds: int = 30,
                 progress: bool | None = None
                 ) -> tuple[CandidateProblem, Assignment, dict[str, Any]]:
    """Solve with ``flow`` on growing candidates until the duals certify the full optimum.

    Returns the last candidate problem, its assignment and a record of the
    rounds (``certified`` is True when no admissible pair outside the
    candidates could improve the answer).
    """
    scorer = setup.scorer
    n_e, n_r = scorer.n_mentees, scorer.n_mentors
    pool_size = max(pool_size or 2 * k + 4, k)
    per_row = per_row or k
    scanner = _Scanner(setup, seed)
    rows = np.flatnonzero(setup.demand > 0).astype(np.int64)
    max_score = scorer.max_score()
    t0 = time.perf_counter()
    steer = _Steer(np.zeros(n_r), None)
    if price_sample and 2 * k < n_r:
        steer = _fluid_prices(setup, scanner, rows, price_sample, seed, max_score)
    price = steer.price
    t_sample = time.perf_counter() - t0
    # Each mentee's best by raw score join too when prices steer: they are the
    # competition that keeps a popular mentor's price up in the candidate problem.
    # Its best among mentors with room make sure every demand can be met at once.
    raw_size = max(1, k // 2) if price.any() else 0
    with Progress(rows.size, "scoring candidates", enabled=progress) as bar:
        pool, raw = scanner.fill(rows, price, pool_size, bar, raw=raw_size,
                                 room=steer.room)
    t_pool = time.perf_counter() - t0 - t_sample
    locked_s = (scorer.pair_values(setup.locked[:, 0], setup.locked[:, 1])[0]
                if setup.locked.size else np.zeros(0))
    cand = _initial(pool, k, setup.locked, locked_s, n_r)
    if raw is not None:
        ok = raw[0] >= 0
        cand.add(np.repeat(np.arange(n_e), ok.sum(axis=1)), raw[0][ok], raw[1][ok])
    if setup.min_load.any():
        # A mentor with a minimum load needs mentees among the candidates to meet it.
        need = np.flatnonzero(setup.min_load[scorer.perm] > 0)
        cand.add(*scanner.best_mentees(rows, need, int(setup.min_load.max()) + k))
    record: dict[str, Any] = {"rounds": 0, "certified": False, "added": [], "refilled": [],
                              "warm": [], "reoptimized": [], "solve_seconds": [],
                              "rescored": [], "n_edges": [],
                              "seconds": {"sample": t_sample, "pool": t_pool, "solve": 0.0,
                                          "price": 0.0}}
    new_rows = e_new = r_new = np.zeros(0, dtype=np.int64)
    assignment: Assignment | None = None
    proof: _Proof | None = None

    while True:
        record["rounds"] += 1
        t1 = time.perf_counter()
        problem = _problem(setup, cand)
        warm = again = None
        if assignment is not None and new_rows.size and not options:
            if assignment.info.get("saturated"):
                # Every demand met: carry on from the previous optimum and its proof.
                again = reoptimize_flow(cast(MatchProblem, problem), assignment)
            if again is None and new_rows.size * 100 < rows.size:
                # A handful of new pairs: re-solve around them, prove the rest unchanged.
                warm = _warm_solve(problem, setup, assignment, e_new, r_new, options)
        done = again if again is not None else warm
        if done is None:
            done = solve(cast(MatchProblem, problem), "flow", **options)
        assignment = done
        record["warm"].append(warm is not None)
        record["reoptimized"].append(again is not None)
        t2 = time.perf_counter()
        record["seconds"]["solve"] += t2 - t1
        record["solve_seconds"].append(round(t2 - t1, 3))
        record["n_edges"].append(problem.n_edges)
        duals = _dual_prices(problem, assignment)
        if duals is None:
            record["note"] = "the solver could not prove its own answer optimal"
            break
        u, v, tol, _ = duals
        need, order = _rescore_counts(pool.price, pool.bound, v, u, rows, tol, scorer.perm)
        refill = int(need.sum()) > rows.size * n_r // 3
        if refill:
            # Prices moved too much for the bounds: new pools at the duals' prices.
            pool, _ = scanner.fill(rows, v, pool_size)
            need, order = _rescore_counts(pool.price, pool.bound, v, u, rows, tol, scorer.perm)
        # A mentee the last round proved needs only what the duals' changes since
        # could open (in the tail rounds, next to nothing): the cheaper reference wins.
        need_ref, order_ref = np.zeros_like(need), order
        if proof is not None:
            bound = np.nan_to_num(proof.u + proof.tol, posinf=np.finfo(np.float64).max)
            need_ref, order_ref = _rescore_counts(proof.v, bound, v, u, rows, tol, scorer.perm)
            use_ref = proof.proved[rows] & (need_ref < need)
            need, need_ref = np.where(use_ref, 0, need), np.where(use_ref, need_ref, 0)
        found = [_pool_violators(pool, rows, cand, u, v, tol)]
        # Rows with improving pool pairs get those; the others rescore what their
        # bound cannot clear (after a refill: nothing, unless the pool is too small).
        hit = np.isin(rows, found[0][0])
        need[hit], need_ref[hit] = 0, 0
        scanned = 0
        for count, by_fall in ((need, order), (need_ref, order_ref)):
            for cols, block in _buckets(count, rows, by_fall, n_r):
                found.append(scanner.violators(block, cand, u, v, tol, per_row, columns=cols))
                scanned += block.size * (n_r if cols is None else cols.size)
        record["rescored"].append(round(scanned / max(rows.size * n_r, 1), 4))
        record["refilled"].append(bool(refill))
        improving = _concat4(found)
        proved = np.isfinite(u)
        proved[improving[0]] = False
        proof = _Proof(u, v, tol, proved)
        e_new, r_new, s_new = _best_per_row(*improving, per_row)
        record["seconds"]["price"] += time.perf_counter() - t2
        record["added"].append(int(e_new.size))
        if e_new.size == 0:
            record["certified"] = True
            break
        if record["rounds"] >= max_rounds:
            record["note"] = f"{np.unique(e_new).size} mentee(s) still uncertified"
            break
        cand.add(e_new, r_new, s_new)
        new_rows = np.unique(e_new)
    return problem, assignment, record
