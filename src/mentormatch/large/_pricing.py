"""Exact matching of large cohorts by column generation over candidate pools.

The full problem has one arc per admissible pair (2e9 at national size); the
optimum uses a few per mentee. :func:`solve_priced` finds it without ever
holding the full matrix:

1. **Prices.** Fluid samples of mentees (each sampled mentee standing for
   the many it was drawn from) are matched against every mentor's full
   capacity; their averaged dual mentor prices estimate how contested each
   mentor is, and the mentors every sample leaves with room are where the
   first candidates can always find a place.
2. **Pools.** One pass over every pair (two threads,
   :class:`~mentormatch.large._scanner.Scanner`) keeps, per mentee, the
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
   (:func:`~mentormatch.solvers.flow.reoptimize_flow`) when every
   demand was met, else around the new pairs when only a few mentees gained
   some, else from scratch.

When no pair can improve the answer, it is the optimum of the full problem:
the duals are a certificate (LP duality), whatever prices steered the search.
"""


from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

import numpy as np
from numpy.typing import NDArray

from mentormatch.encode import ranked_edge_preferences
from mentormatch.errors import SolverError
from mentormatch.large._certificate import tighten_duals
from mentormatch.large._scanner import CandidateSet, ImprovingPairs, Pool, Scanner
from mentormatch.large._selection import _Selector
from mentormatch.models import Cohort
from mentormatch.problem import (
    UNREACHABLE_LEVEL,
    Assignment,
    CandidateProblem,
    MatchProblem,
    ProblemAttributes,
)
from mentormatch.progress import Progress
from mentormatch.scoring import BlockScores
from mentormatch.solvers import solve
from mentormatch.solvers.flow import (
    Network,
    certify_flow,
    certify_network,
    reoptimize_flow,
    resolve_backend,
    run_backend,
)

__all__ = ["PricingRecord", "PricingSetup", "solve_priced"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Smallest fluid sample worth solving for prices.
_MIN_SAMPLE = 200
#: Candidate mentors of a fluid sample mentee per mentee it stands for. Fewer
#: leave a sample's copies of a mentee on an arbitrary few of its many equally
#: scored mentors: at 5 the national 100k x 20k first round adds 499k pairs
#: (271k with one sample at 10, 184k with two).
_FLUID_WIDTH = 10
#: Disjoint fluid samples whose prices are averaged. One sample's prices are off
#: by about one score step per mentor (each sampled mentee stands for many with
#: its own tastes); two cut the first round's improving pairs by a third at
#: national 100k x 20k (271k -> 184k, 9 -> 7 rounds) for a second sample solve.
_FLUID_SAMPLES = 2


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
    #: The cohort when someone in it ranked choices: they head each side's preferences.
    ranked: Cohort | None = None

    def scanner(self, seed: int) -> Scanner:
        """Return a scanner of this setup's scores; ``seed`` spreads its ties."""
        return Scanner(self.scorer, self.selector, int(self.demand.max(initial=0)), seed)

    def problem(self, mentee: IntArray, mentor: IntArray, score: FloatArray, *,
                mentor_view: bool = False, bound: FloatArray | None = None,
                k: IntArray | None = None) -> CandidateProblem:
        """Return the candidate problem of the given pairs under this setup's counts and locks.

        With ``mentor_view``, the pairs' mentor-side scores too (for stability
        metrics; ``flow`` never needs them).
        """
        mentor_pref = self.scorer.pair_values(mentee, mentor)[1] if mentor_view else None
        mentee_pref = None
        if mentor_pref is not None and self.ranked is not None:
            mentee_pref, mentor_pref = ranked_edge_preferences(
                self.ranked, np.asarray(mentee, dtype=np.int64),
                np.asarray(mentor, dtype=np.int64), np.asarray(score, dtype=np.float64),
                mentor_pref)
        return CandidateProblem(
            self.scorer.n_mentees, self.scorer.n_mentors, mentee, mentor, score,
            mentor_pref=mentor_pref, mentee_pref=mentee_pref, demand=self.demand,
            capacity=self.capacity, min_load=self.min_load, locked=self.locked,
            attributes=self.attributes, bound=bound, k=k)


@dataclass
class PricingRecord:
    """What column generation did, round by round."""

    rounds: int = 0
    certified: bool = False
    added: list[int] = field(default_factory=list)  # improving pairs added per round
    warm: list[bool] = field(default_factory=list)  # solved around the new pairs
    reoptimized: list[bool] = field(default_factory=list)  # re-optimised from the last proof
    solve_seconds: list[float] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(
        ("sample", "pool", "solve", "price"), 0.0))
    note: str | None = None
    samples: int = 0  # fluid samples whose prices started it


class _Prices(NamedTuple):
    """Duals as single numbers: a pair improves only if ``s > mentee + mentor + tolerance``."""

    mentee: FloatArray  # inf: takes no further mentor
    mentor: FloatArray  # level * weight + potential (inf: no place left)
    tolerance: float


class _Proof(NamedTuple):
    """Duals of a round, and the mentees they proved (no pair outside the candidates beat them)."""

    prices: _Prices
    proved: BoolArray


class _Steer(NamedTuple):
    price: FloatArray  # per mentor: how contested (0: not at all)
    room: BoolArray | None  # mentors every fluid sample left with room (None: unknown)
    samples: int = 0  # fluid samples priced


def solve_priced(setup: PricingSetup, k: int, options: dict[str, Any], *,
                 pool_size: int | None = None, per_row: int | None = None,
                 price_sample: float | None = 0.01, seed: int = 0, max_rounds: int = 30,
                 progress: bool | None = None
                 ) -> tuple[CandidateProblem, Assignment, PricingRecord]:
    """Solve with ``flow`` on growing candidates until the duals certify the full optimum.

    Returns the last candidate problem, its assignment and a record of the
    rounds (``certified`` is True when no admissible pair outside the
    candidates could improve the answer).
    """
    pool_size = max(pool_size or 2 * k + 4, k)
    per_row = per_row or k
    scanner = setup.scanner(seed)
    rows = np.flatnonzero(setup.demand > 0).astype(np.int64)
    record = PricingRecord()
    pool, candidates = _first_candidates(setup, scanner, rows, k, pool_size, record,
                                         price_sample=price_sample, seed=seed,
                                         progress=progress)
    new_pairs = ImprovingPairs.concat([])
    assignment: Assignment | None = None
    proof: _Proof | None = None
    while True:
        record.rounds += 1
        started = time.perf_counter()
        problem = setup.problem(*candidates.arrays())
        assignment = _solve_round(problem, setup, assignment, new_pairs, rows.size, options,
                                  record)
        solved = time.perf_counter()
        record.seconds["solve"] += solved - started
        record.solve_seconds.append(round(solved - started, 3))
        prices = _dual_prices(problem, assignment)
        if prices is None:
            record.note = "the solver could not prove its own answer optimal"
            break
        pool, improving = _improving_pairs(scanner, rows, pool, pool_size, candidates, prices,
                                           proof, per_row)
        proved = np.isfinite(prices.mentee)
        proved[improving.mentee] = False
        proof = _Proof(prices, proved)
        new_pairs = _best_per_row(improving, per_row)
        record.seconds["price"] += time.perf_counter() - solved
        record.added.append(int(new_pairs.mentee.size))
        if new_pairs.mentee.size == 0:
            record.certified = True
            break
        if record.rounds >= max_rounds:
            record.note = f"{np.unique(new_pairs.mentee).size} mentee(s) still uncertified"
            break
        candidates.add(new_pairs.mentee, new_pairs.mentor, new_pairs.score)
    return problem, assignment, record


def _first_candidates(setup: PricingSetup, scanner: Scanner, rows: IntArray, k: int,
                      pool_size: int, record: PricingRecord, *, price_sample: float | None,
                      seed: int, progress: bool | None) -> tuple[Pool, CandidateSet]:
    """Prices from fluid samples, every mentee's pool at them, and the first candidates.

    The candidates are each pool's best ``k``, the locked pairs, and when
    prices steer each mentee's best by raw score (the competition that keeps a
    popular mentor's price up) and best among mentors with room (so that
    every demand can be met at once); each mentor with a minimum load brings
    its best mentees.
    """
    scorer = setup.scorer
    n_e, n_r = scorer.n_mentees, scorer.n_mentors
    started = time.perf_counter()
    steer = _Steer(np.zeros(n_r), None)
    if price_sample and 2 * k < n_r:
        steer = _fluid_prices(setup, scanner, rows, price_sample, seed, scorer.max_score())
    record.samples = steer.samples
    record.seconds["sample"] = time.perf_counter() - started
    raw_size = max(1, k // 2) if steer.price.any() else 0
    with Progress(rows.size, "scoring candidates", enabled=progress) as bar:
        pool, raw = scanner.fill(rows, steer.price, pool_size, bar, raw=raw_size,
                                 room=steer.room)
    record.seconds["pool"] = time.perf_counter() - started - record.seconds["sample"]
    candidates = CandidateSet(n_r)
    first = pool.mentor[:, :k]
    ok = first >= 0
    candidates.add(np.repeat(np.arange(first.shape[0]), ok.sum(axis=1)), first[ok],
                   pool.score[:, :k][ok])
    if setup.locked.size:
        candidates.add(setup.locked[:, 0], setup.locked[:, 1],
                       scorer.pair_values(setup.locked[:, 0], setup.locked[:, 1])[0])
    if raw is not None:
        ok = raw[0] >= 0
        candidates.add(np.repeat(np.arange(n_e), ok.sum(axis=1)), raw[0][ok], raw[1][ok])
    if setup.min_load.any():
        # A mentor with a minimum load needs mentees among the candidates to meet it.
        need = np.flatnonzero(setup.min_load[scorer.perm] > 0)
        candidates.add(*scanner.best_mentees(rows, need, int(setup.min_load.max()) + k))
    return pool, candidates


def _solve_round(problem: CandidateProblem, setup: PricingSetup, previous: Assignment | None,
                 new_pairs: ImprovingPairs, n_rows: int, options: dict[str, Any],
                 record: PricingRecord) -> Assignment:
    """Solve the candidate problem: warm from the last round's answer when it allows.

    Every demand met: carry on from the previous optimum and its proof. A
    handful of new pairs: re-solve around them, prove the rest unchanged.
    Else (or when neither applies) from scratch.
    """
    new_rows = np.unique(new_pairs.mentee)
    warm = again = None
    if previous is not None and new_rows.size and not options:
        again = reoptimize_flow(cast(MatchProblem, problem), previous)
        if again is None and new_rows.size * 100 < n_rows:
            warm = _warm_solve(problem, setup, previous, new_pairs, options)
    record.warm.append(warm is not None)
    record.reoptimized.append(again is not None)
    done = again if again is not None else warm
    if done is None:
        done = solve(cast(MatchProblem, problem), "flow", **options)
    return done


def _warm_solve(problem: CandidateProblem, setup: PricingSetup, previous: Assignment,
                new_pairs: ImprovingPairs, options: dict[str, Any]) -> Assignment | None:
    """Re-solve only around the new candidate pairs, then prove it all.

    The mentees of the new pairs and those holding the new pairs' mentors are
    matched again (everyone else keeps their mentors, whose places stay
    taken); :func:`~mentormatch.solvers.flow.certify_flow` then proves the
    whole answer optimal on every candidate, cancelling the few improving
    cycles the neighbourhood missed. None when that needs a full solve.
    """
    n_e, n_r = problem.shape
    edges = problem.edges()
    reached = np.zeros(n_r, dtype=bool)
    reached[new_pairs.mentor] = True
    moved = np.zeros(n_e, dtype=bool)
    moved[new_pairs.mentee] = True
    moved[previous.mentee_idx[reached[previous.mentor_idx]]] = True
    fixed = ~moved[previous.mentee_idx]
    mine = moved[edges.mentee]
    locked = setup.locked[moved[setup.locked[:, 0]]] if setup.locked.size else setup.locked
    held = np.bincount(previous.mentor_idx[fixed], minlength=n_r)
    around = CandidateProblem(
        n_e, n_r, edges.mentee[mine], edges.mentor[mine], edges.score[mine],
        demand=np.where(moved, setup.demand, 0), capacity=setup.capacity - held,
        min_load=np.maximum(setup.min_load - held, 0), locked=locked)
    part = solve(cast(MatchProblem, around), "flow", **options)
    return certify_flow(cast(MatchProblem, problem),
                        np.concatenate([previous.mentee_idx[fixed], part.mentee_idx]),
                        np.concatenate([previous.mentor_idx[fixed], part.mentor_idx]),
                        start=previous.duals)


def _dual_prices(problem: CandidateProblem, assignment: Assignment) -> _Prices | None:
    """Mentee and mentor duals as single numbers, and the tolerance of the pair test.

    The solver's duals are lexicographic (level, potential) and degenerate;
    they are first tightened (:func:`~mentormatch.large._certificate.tighten_duals`:
    a mentee given all it asked for is not "short" at any level). Only
    ``mentee[i] + mentor[j]`` matters for a pair, so levels are shifted to
    make the most common mentor level 0, and a level is worth more than any
    score difference. None when the assignment is not proved optimal.
    """
    duals = assignment.duals
    if assignment.info.get("exact") is not True or duals is None:
        return None
    tight = tighten_duals(problem, assignment, duals)
    mentee_far = np.abs(tight.mentee_level) >= UNREACHABLE_LEVEL // 2
    mentor_far = np.abs(tight.mentor_level) >= UNREACHABLE_LEVEL // 2
    levels, counts = np.unique(tight.mentor_level[~mentor_far], return_counts=True)
    shift = float(levels[np.argmax(counts)]) if levels.size else 0.0
    weight = duals.level_weight
    mentee = np.where(mentee_far, np.inf,
                      weight * (tight.mentee_level + shift) + tight.mentee_potential)
    mentor = np.where(mentor_far, np.inf,
                      weight * (tight.mentor_level - shift) + tight.mentor_potential)
    # Rounding of the combined numbers grows with their size.
    size = float(np.abs(mentee[~mentee_far]).max(initial=0.0)
                 + np.abs(mentor[~mentor_far]).max(initial=0.0))
    tolerance = (duals.tolerance + 1e-12
                 + 64 * float(np.finfo(np.float64).eps) * (1 + size))
    return _Prices(mentee, mentor, tolerance)


def _improving_pairs(scanner: Scanner, rows: IntArray, pool: Pool, pool_size: int,
                     candidates: CandidateSet, prices: _Prices, proof: _Proof | None,
                     per_row: int) -> tuple[Pool, ImprovingPairs]:
    """Every pair outside the candidates that beats ``prices`` (and the pools, maybe refilled).

    Pool pairs are checked exactly from the pool; for the rest, each row
    rescores only the mentors its bound cannot clear: the pool's, or (for a
    mentee the last round proved, when cheaper) the last proof's. A row whose
    mentors to rescore by one reference are all cleared by the other (each
    bounds every pair it covers) rescores nothing.
    """
    n_r = scanner.n_mentors
    perm = scanner.scorer.perm
    by_pool = _rescore_counts(pool.price, pool.bound, prices, rows, perm)
    if int(by_pool.need.sum()) > rows.size * n_r // 3:
        # Prices moved too much for the bounds: new pools at the duals' prices.
        pool, _ = scanner.fill(rows, prices.mentor, pool_size)
        by_pool = _rescore_counts(pool.price, pool.bound, prices, rows, perm)
    need, order = by_pool.need, by_pool.order
    # A mentee the last round proved needs only what the duals' changes since
    # could open (in the tail rounds, next to nothing): the cheaper reference wins.
    need_ref, order_ref = np.zeros_like(need), order
    if proof is not None:
        before = proof.prices
        bound = np.nan_to_num(before.mentee + before.tolerance, posinf=np.finfo(np.float64).max)
        by_proof = _rescore_counts(before.mentor, bound, prices, rows, perm)
        need_ref, order_ref = by_proof.need, by_proof.order
        proved = proof.proved[rows]
        use_ref = proved & (need_ref < need)
        need, need_ref = np.where(use_ref, 0, need), np.where(use_ref, need_ref, 0)
        # Each reference bounds every pair it covers: a row whose mentors to
        # rescore by one reference are all cleared by the other has nothing to
        # rescore (the proof covers only the rows it proved).
        cleared_by_proof = proved & _cleared(by_pool._replace(need=need), by_proof)
        cleared_by_pool = _cleared(by_proof._replace(need=need_ref), by_pool)
        need[cleared_by_proof], need_ref[cleared_by_pool] = 0, 0
    found = [_pool_violators(pool, rows, candidates, prices)]
    # Rows with improving pool pairs get those; the others rescore what their
    # bound cannot clear (after a refill: nothing, unless the pool is too small).
    hit = np.isin(rows, found[0].mentee)
    need[hit], need_ref[hit] = 0, 0
    for count, by_fall in ((need, order), (need_ref, order_ref)):
        for cols, block in _buckets(count, rows, by_fall, n_r):
            found.append(scanner.violators(block, candidates, prices.mentee, prices.mentor,
                                           prices.tolerance, per_row, columns=cols))
    return pool, ImprovingPairs.concat(found)


def _pool_violators(pool: Pool, rows: IntArray, candidates: CandidateSet,
                    prices: _Prices) -> ImprovingPairs:
    """Pool pairs outside the candidates that beat the duals (checked exactly)."""
    pooled = pool.mentor[rows]
    inside = pooled >= 0
    mentee = np.repeat(rows, inside.sum(axis=1))
    mentor, score = pooled[inside], pool.score[rows][inside]
    gain = score - prices.mentee[mentee] - prices.mentor[mentor]
    hit = (gain > prices.tolerance) & ~candidates.contains(mentee, mentor)
    return ImprovingPairs(mentee[hit], mentor[hit], score[hit], gain[hit])


class _Reference(NamedTuple):
    """What a reference (a pool, or the last proof) leaves to rescore, per row of ``rows``."""

    need: IntArray  # how many of the most-fallen mentors the row must rescore
    order: IntArray  # ``perm`` positions by fall, largest first
    fall: FloatArray  # per ``perm`` position: how far the price fell since the reference
    slack: FloatArray  # per row: a mentor must have fallen further to need rescoring


def _rescore_counts(ref_price: FloatArray, ref_bound: FloatArray, prices: _Prices,
                    rows: IntArray, perm: IntArray) -> _Reference:
    """Per row, how many mentors a reference's bound cannot clear at the duals.

    A reference holds, for every pair ``(i, j)`` it covers,
    ``s_ij - ref_price_j <= ref_bound_i`` (a pool: the pairs outside it; a
    previous proof: every pair outside the candidates, ``ref_bound = u' + tol'``).
    Then ``s_ij - v_j <= ref_bound_i + (ref_price_j - v_j)`` (``u``, ``v``:
    ``prices.mentee``, ``prices.mentor``): only mentors whose price fell by
    more than ``u_i + tol - ref_bound_i`` can improve. Returns a
    :class:`_Reference`: those counts, the ``perm`` positions by fall (largest
    first), the falls and each row's slack.
    """
    live = np.isfinite(prices.mentor)
    drop = np.full(prices.mentor.size, -np.inf)
    drop[live] = ref_price[live] - prices.mentor[live]
    drop = drop[perm]
    slack = prices.mentee[rows] + prices.tolerance - ref_bound[rows]
    order = np.argsort(-drop, kind="stable")
    need = np.searchsorted(-drop[order], -slack, side="left").astype(np.int64)
    return _Reference(need, order, drop, slack)


def _cleared(mine: _Reference, other: _Reference) -> BoolArray:
    """Rows whose mentors to rescore by ``mine`` the ``other`` reference all clears.

    ``mine``'s mentors of a row are a prefix of its order; the other clears
    a mentor when its fall since the other is at most the row's slack there.
    """
    width = int(mine.need.max(initial=0))
    if width == 0:
        return np.zeros(mine.need.size, dtype=bool)
    worst = np.maximum.accumulate(other.fall[mine.order[:width]])
    cleared: BoolArray = (mine.need > 0) & (
        worst[np.maximum(mine.need - 1, 0)] <= other.slack)
    return cleared


def _buckets(need: IntArray, rows: IntArray, order: IntArray,
             n_r: int) -> list[tuple[IntArray | None, IntArray]]:
    """Rows grouped by how many of the most-fallen mentors they must rescore (quarter octaves).

    Returns ``(columns, rows)`` pairs: the sorted ``perm`` positions to rescore (None: all).
    """
    out: list[tuple[IntArray | None, IntArray]] = []
    open_ = need > 0
    if not open_.any():
        return out
    # Quarter octaves: a row rescores at least 64 mentors, and past 64 at most 19%
    # (and one) more than it must.
    grid = 2 ** (np.ceil(4 * np.log2(np.maximum(need[open_], 64))) / 4)
    size = np.minimum(np.ceil(grid), n_r).astype(np.int64)
    for width in np.unique(size).tolist():
        block = rows[open_][size == width]
        out.append((None if width >= n_r else np.sort(order[:width]), block))
    return out


def _best_per_row(pairs: ImprovingPairs, per_row: int) -> ImprovingPairs:
    """Deduplicated pairs, at most ``per_row`` per mentee, the most improving first."""
    if pairs.mentee.size == 0:
        return pairs
    order = np.lexsort((pairs.mentor, -pairs.gain, pairs.mentee))
    mentee, mentor = pairs.mentee[order], pairs.mentor[order]
    first = np.r_[True, (mentee[1:] != mentee[:-1]) | (mentor[1:] != mentor[:-1])]
    kept = order[first]
    mentee = pairs.mentee[kept]
    rank = np.arange(mentee.size) - np.searchsorted(mentee, mentee, side="left")
    kept = kept[rank < per_row]
    return ImprovingPairs(pairs.mentee[kept], pairs.mentor[kept], pairs.score[kept],
                          pairs.gain[kept])


def _fluid_prices(setup: PricingSetup, scanner: Scanner, rows: IntArray, fraction: float,
                  seed: int, max_price: float) -> _Steer:
    """Mentor prices from fluid samples: few mentees, each standing for many.

    Up to :data:`_FLUID_SAMPLES` disjoint seeded samples, each a ``fraction``
    of the mentees (at least :data:`_MIN_SAMPLE`; together at most half), are
    priced one by one (:func:`_fluid_sample_prices`); the prices are averaged
    and a mentor has room when every sample left it room. Zero prices (and no
    room) when the cohort is too small to sample.
    """
    n_r = setup.scorer.n_mentors
    size = max(int(round(fraction * rows.size)), _MIN_SAMPLE)
    n_samples = min(_FLUID_SAMPLES, rows.size // (2 * size))
    if n_samples == 0:
        return _Steer(np.zeros(n_r), None)
    drawn = np.random.default_rng(seed).choice(rows, size=n_samples * size, replace=False)
    priced = [_fluid_sample_prices(setup, scanner, np.sort(part), rows.size, max_price)
              for part in drawn.reshape(n_samples, size)]
    price = np.mean([price for price, _ in priced], axis=0)
    room = np.logical_and.reduce([room for _, room in priced])
    return _Steer(price, room, n_samples)


def _fluid_sample_prices(setup: PricingSetup, scanner: Scanner, sample: IntArray, n_rows: int,
                         max_price: float) -> tuple[FloatArray, BoolArray]:
    """Mentor prices and room from one fluid sample (sorted mentee indices) of ``n_rows`` mentees.

    The sample is matched against every mentor's full capacity, each sampled
    mentee asking ``weight`` times its demand (``weight`` = mentees per sampled
    one) and taking up to ``weight`` places of a mentor (one per mentee it
    stands for). Unlike a sample with scaled-down capacities, every mentor
    keeps its real capacity, so its price reflects its real competition.
    Candidates are each sampled mentee's :data:`_FLUID_WIDTH` x ``weight``
    best mentors by score; demand they cannot meet goes unmet at a price (a
    higher level). Minimum loads and locks stay out: the prices only steer.
    The network always has a flow (unmet demand takes the bypass arc): a
    backend that finds none raises :class:`SolverError`.
    """
    n_r = setup.scorer.n_mentors
    size = sample.size
    weight = max(int(round(n_rows / size)), 1)
    pool, _ = scanner.fill(sample, np.zeros(n_r), _FLUID_WIDTH * weight, compact=True)
    network = _fluid_network(setup, pool, setup.demand[sample] * weight, weight)
    got = run_backend(network, resolve_backend("auto"), lexicographic=True)
    flow = got.flow
    if flow is None:
        raise SolverError("the fluid sample's network has a bypass arc for unmet demand, "
                          "yet the flow backend found no flow (an internal error)")
    proof = certify_network(network, flow, start=got.potentials)
    mentors = slice(size, size + n_r)
    level, value = proof.node_level, proof.node_value
    sink = network.sink
    # A mentor at another level than the sink is priced by unmet demand, not by score.
    same = level[mentors] == level[sink]
    price = np.where(same, value[sink] - value[mentors], 0.0)
    load = np.zeros(n_r, dtype=np.int64)
    sink_arcs = network.n_pair + size  # after the pair arcs and one source arc per mentee
    load[network.offering] = flow[sink_arcs:sink_arcs + network.offering.size]
    return np.clip(price, 0.0, max_price), load < setup.capacity


def _fluid_network(setup: PricingSetup, pool: Pool, demand: IntArray, weight: int) -> Network:
    """Return the fluid sample's network: pairs take ``weight`` units, unmet demand a level up.

    Nodes: sampled mentees (by position), mentors, source, sink; arcs: pairs,
    source -> mentee, mentor -> sink, and an unmet-demand bypass one level up.
    """
    size, n_r = pool.mentor.shape[0], setup.scorer.n_mentors
    ok = pool.mentor >= 0
    mentee = np.repeat(np.arange(size), ok.sum(axis=1))
    mentor = pool.mentor[ok]
    source, sink = size + n_r, size + n_r + 1
    offering = np.flatnonzero(setup.capacity > 0)
    total = int(demand.sum())
    tail = np.concatenate([mentee, np.full(size, source), size + offering, [source]])
    head = np.concatenate([size + mentor, np.arange(size), np.full(offering.size, sink), [sink]])
    upper = np.concatenate([np.full(mentee.size, weight), demand, setup.capacity[offering],
                            [total]])
    level = np.zeros(tail.size, dtype=np.int64)
    level[-1] = 1
    cost = np.zeros(tail.size)
    cost[:mentee.size] = -pool.score[ok]
    supply = np.zeros(size + n_r + 2, dtype=np.int64)
    supply[source], supply[sink] = total, -total
    return Network(
        n_mentees=size, n_mentors=n_r, tail=tail.astype(np.int64), head=head.astype(np.int64),
        lower=np.zeros(tail.size, dtype=np.int64), upper=upper.astype(np.int64), level=level,
        cost=cost, supply=supply, n_pair=int(mentee.size), pair_mentee=mentee, pair_mentor=mentor,
        mentee_open=np.ones(size, dtype=bool), mentor_open=setup.capacity > 0,
        first_unit=np.arange(size), further_units=np.zeros(0, dtype=np.int64),
        offering=offering)
