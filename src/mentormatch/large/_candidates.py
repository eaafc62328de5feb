"""Sparse candidate scoring for large cohorts, and the exact large-cohort match.

A 100,000 x 20,000 cohort has 2e9 pairs: the dense score matrix (16 GB in
float64) does not fit. :func:`build_candidates` scores blocks of mentee rows
(:func:`mentormatch.scoring.block_scorer`) and keeps each mentee's best
``k`` admissible mentors as a :class:`CandidateProblem`, which the solvers
that declare ``candidates`` (``mm.solvers.supporting("candidates")``) take
like a :class:`MatchProblem`.

:func:`match_candidates` (``mm.match(cohort, candidates=k)``) with a solver
that declares ``duals`` (``flow``) goes further: column generation over
price-guided candidate pools (:mod:`mentormatch.large._pricing`) until the
solver's duals prove that no pair left out could improve the answer, so the
result is the optimum of the full problem.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

import numpy as np
from numpy.typing import NDArray

from mentormatch.encode import checked_min_score, problem_attributes
from mentormatch.errors import InvalidInputError
from mentormatch.explain import assemble_result
from mentormatch.large._pricing import PricingRecord, PricingSetup, solve_priced
from mentormatch.large._selection import DEFAULT_BLOCK_BYTES, _Selector
from mentormatch.models import Cohort, MatchResult, MustHaveMask
from mentormatch.problem import MIN_SCORE_SLACK, Assignment, CandidateProblem, MatchProblem
from mentormatch.progress import Progress
from mentormatch.scoring import (
    Scorer,
    TopicMatrices,
    block_scorer,
    default_scorer,
    has_choices,
    pair_reasons,
    slot_rule,
)
from mentormatch.solvers import get, require, solve

__all__ = ["build_candidates", "match_candidates"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


# --------------------------------------------------------------------------- building


@dataclass
class _Build:
    """A cohort's block scorer and counts, and (once selected) its top-k candidates."""

    cohort: Cohort
    setup: PricingSetup
    k: IntArray
    bound: FloatArray
    edges: dict[str, NDArray[Any]] = field(default_factory=dict)


def _excluded_indices(cohort: Cohort) -> IntArray:
    e_pos = {ident: k for k, ident in enumerate(cohort.mentee_ids)}
    r_pos = {ident: k for k, ident in enumerate(cohort.mentor_ids)}
    pairs = [(e_pos[e], r_pos[r]) for e, r in cohort.excluded_pairs()]
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def _start(cohort: Cohort, scorer: Scorer | None, k: int, min_score: float | None,
           block_bytes: int, progress: bool | None, select: bool = True) -> _Build:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise InvalidInputError(f"candidates must be an integer >= 1, got {k!r}")
    min_score = checked_min_score(min_score)
    attrs = problem_attributes(cohort)
    tm = TopicMatrices(attrs.topics, attrs.asked, attrs.offered)
    bscorer = block_scorer(cohort, scorer, topic_matrices=tm)
    n_e, n_r = bscorer.n_mentees, bscorer.n_mentors
    demand = np.array([p.demand for p in cohort.mentees], dtype=np.int64).reshape(n_e)
    capacity = np.array([p.capacity for p in cohort.mentors], dtype=np.int64).reshape(n_r)
    min_load = np.array([p.min_load for p in cohort.mentors], dtype=np.int64).reshape(n_r)
    e_pos = {ident: q for q, ident in enumerate(cohort.mentee_ids)}
    r_pos = {ident: q for q, ident in enumerate(cohort.mentor_ids)}
    locked = np.array([(e_pos[e], r_pos[r]) for e, r in cohort.locked],
                      dtype=np.int64).reshape(-1, 2)
    selector = _Selector(bscorer, excluded=_excluded_indices(cohort),
                         dead_mentors=capacity == 0, min_score=min_score,
                         block_bytes=block_bytes,
                         must_haves=MustHaveMask.of(cohort) if cohort.must_haves else None,
                         slot_rule=slot_rule(cohort))
    setup = PricingSetup(bscorer, selector, demand, capacity, min_load, locked, attrs,
                         ranked=cohort if has_choices(cohort) else None)
    build = _Build(cohort, setup, k=np.zeros(n_e, dtype=np.int64),
                   bound=np.full(n_e, -np.inf))
    if not select:
        return build
    rows = np.flatnonzero(demand > 0).astype(np.int64)
    with Progress(rows.size, "scoring candidates", enabled=progress) as bar:
        sel = selector.select(rows, int(k), bar)
    build.k[rows] = min(int(k), n_r)
    build.bound[rows] = sel.bound
    build.edges = {"mentee": sel.mentee, "mentor": sel.mentor, "score": sel.score}
    return build


def _ranked_pairs(build: _Build) -> IntArray:
    """Return the admissible pairs someone ranked.

    Both people asking and offering, the pair not excluded, every must-have
    holding, a common slot when the schedule requires one, and at least ``min_score``.
    """
    cohort, setup = build.cohort, build.setup
    if setup.ranked is None:
        return np.zeros((0, 2), dtype=np.int64)
    e_pos, r_pos = cohort.mentee_index(), cohort.mentor_index()
    pairs = {(e_pos[p.id], r_pos[q]) for p in cohort.mentees for q in p.choices}
    pairs |= {(e_pos[q], r_pos[p.id]) for p in cohort.mentors for q in p.choices}
    excluded = {(e_pos[e], r_pos[r]) for e, r in cohort.excluded_pairs()}
    out = np.array(sorted(pairs - excluded), dtype=np.int64).reshape(-1, 2)
    out = out[(setup.demand[out[:, 0]] > 0) & (setup.capacity[out[:, 1]] > 0)]
    for mask in (setup.selector.must_haves, setup.selector.slot_rule):
        if mask is None or not out.size:
            continue
        keep = np.ones(len(out), dtype=bool)  # a few pairs per person: a block per mentee
        for i in np.unique(out[:, 0]).tolist():
            mine = np.flatnonzero(out[:, 0] == i)
            keep[mine] = mask.block(np.array([i]), out[mine, 1])[0]
        out = out[keep]
    if setup.selector.min_score is not None and out.size:
        value = setup.scorer.pair_values(out[:, 0], out[:, 1])[0]
        out = out[value >= setup.selector.min_score - MIN_SCORE_SLACK]
    return out


def _problem(build: _Build) -> CandidateProblem:
    """Return the selected candidates, with the mentor's view.

    Locked pairs are always among them, and so are admissible ranked choices
    (they head the preferences stable matching reads).
    """
    setup = build.setup
    e, r, s = build.edges["mentee"], build.edges["mentor"], build.edges["score"]
    n_r = setup.scorer.n_mentors
    extra = np.concatenate([setup.locked, _ranked_pairs(build)])
    if extra.size:
        keys = np.unique(extra[:, 0] * n_r + extra[:, 1])
        keys = keys[~np.isin(keys, e * n_r + r)]
        add_e, add_r = keys // n_r, keys % n_r
        e, r = np.concatenate([e, add_e]), np.concatenate([r, add_r])
        s = np.concatenate([s, setup.scorer.pair_values(add_e, add_r)[0]])
    return setup.problem(e, r, s, mentor_view=True, bound=build.bound, k=build.k)


def build_candidates(cohort: Cohort, k: int = 50, *, scorer: Scorer | None = None,
                     min_score: float | None = None, block_bytes: int = DEFAULT_BLOCK_BYTES,
                     progress: bool | None = None) -> CandidateProblem:
    """Score a cohort block by block and keep each mentee's ``k`` best admissible mentors.

    Excluded pairs (forbidden, supervision, self), mentors without capacity and
    pairs below ``min_score`` are never candidates; locked pairs always are, and
    so are the other admissible pairs someone ranked (``Mentee.choices``,
    ``Mentor.choices``), which head each side's preferences.
    Ties are broken before the top-k step by mentor index (lower first), so the
    result is deterministic and ``argpartition`` never meets a tie.

    Parameters
    ----------
    cohort : Cohort
    k : int, default=50
        Candidates per mentee (all admissible mentors if fewer).
    scorer : Scorer, optional
        Defaults to the default scorer. A built-in scorer is computed from its
        kernels, any other through its own ``score()`` on sub-cohorts
        (:func:`~mentormatch.scoring.block_scorer`).
    min_score : float, optional
        Pairs scoring below it are not admissible (locked pairs excepted).
    block_bytes : int, default=2**28
        Memory for one block of rows; peak memory grows with it, speed barely.
    progress : bool, optional
        Progress line on stderr; by default only when stderr is a terminal.

    Returns
    -------
    CandidateProblem
        With ``bound`` (the best score a dropped pair of each mentee could
        have) and ``k`` per mentee.

    Examples
    --------
    >>> import mentormatch as mm
    >>> p = build_candidates(mm.example_cohort(), k=3)
    >>> p.n_edges <= 7 * 3 + len(mm.example_cohort().locked), p.k.tolist()[:3]
    (True, [3, 3, 3])
    """
    build = _start(cohort, scorer, k, min_score, block_bytes, progress)
    return _problem(build)


# --------------------------------------------------------------------------- match


class _Outcome(NamedTuple):
    """A large-cohort solve, before its result is explained."""

    problem: CandidateProblem  # the problem last solved
    final: CandidateProblem  # the same pairs with the mentor's view, for the result's metrics
    assignment: Assignment
    record: PricingRecord
    certified: bool | None  # None: no certificate applies
    note: str
    seconds: dict[str, float]


def match_candidates(cohort: Cohort, solver: str = "flow", *, k: int = 10,
                     scorer: Scorer | None = None, min_score: float | None = None,
                     certify_result: bool = True, max_rounds: int = 30,
                     block_bytes: int = DEFAULT_BLOCK_BYTES, progress: bool | None = None,
                     price_sample: float | None = 0.01, seed: int = 0,
                     **options: Any) -> MatchResult:
    """Match a large cohort without its full score matrix; with ``flow``, exactly.

    What :func:`mentormatch.match` runs when given ``candidates=k``.

    With ``flow`` (and ``certify_result``), the answer is the optimum of the
    full problem, proved: mentor prices are estimated on seeded fluid samples
    of mentees (each standing for many), one pass over every pair
    keeps each mentee's best mentors by score minus price, and ``flow``
    solves the best ``k`` of them. Its dual prices then check every pair left
    out; pairs that could improve the answer join the candidates and the
    problem is solved again, until none could (see
    :mod:`mentormatch.large._pricing`). Prices only steer which pairs are tried
    first: the check is against the full problem.

    With another solver (or ``certify_result=False``), the solver runs once on
    each mentee's best ``k`` mentors by score and the answer is its answer on
    those pairs.

    Parameters
    ----------
    cohort : Cohort
    solver : str, default="flow"
        A solver that declares ``candidates`` (edge-based); one that also
        declares ``duals`` can certify the full optimum.
    k : int, default=10
        Candidates per mentee to start from.
    scorer : Scorer, optional
        As for :func:`build_candidates`.
    min_score : float, optional
    certify_result : bool, default=True
        With ``flow``: add pairs until the duals prove the full optimum.
    max_rounds : int, default=30
        Solve at most this many times (``certified`` is False if that is not enough).
    block_bytes : int, default=2**28
        Memory for one block of scoring (the solver-only path).
    progress : bool, optional
        Progress on stderr (default: only on a terminal).
    price_sample : float or None, default=0.01
        Fraction of mentees in each of up to two disjoint fluid samples whose
        averaged duals estimate mentor prices (``flow`` only). Each sample has
        at least 200 mentees and together they take at most half: two when
        that allows, else one, none for fewer than 400 mentees (the count is
        ``provenance.solver_info["candidates"]["price_samples"]``). None
        starts from zero prices (best by score).
    seed : int, default=0
        Seeds the sample and the spreading of ties.
    **options
        Passed to the solver.

    Returns
    -------
    MatchResult
        ``provenance.solver_info["candidates"]`` records ``k_initial``,
        ``n_edges``, ``rounds``, ``certified`` (True / False / None when no
        certificate applies), ``added`` (pairs added per round), ``note`` and
        timings; reasons are computed only for the pairs made.
        ``metrics.load_spread`` is exact; ``rank_profile`` and
        ``blocking_pairs`` are computed over the candidate pairs (the full
        matrix is never built). The dense path's problem diagnosis notes
        (which need the full matrix) are not added; the supervision notes are.

    Examples
    --------
    >>> import mentormatch as mm
    >>> r = mm.match(mm.example_cohort(), solver="flow", candidates=2)
    >>> info = r.provenance.solver_info["candidates"]
    >>> info["certified"], info["k_initial"], r.metrics.mentees_matched
    (True, 2, 7)
    """
    started = time.perf_counter()
    spec = require(solver, {"candidates": "candidates=k solves a sparse candidate problem"})
    exact = certify_result and spec.capabilities.duals
    build = _start(cohort, scorer, k, min_score, block_bytes, progress, select=not exact)
    if exact:
        outcome = _certified_match(build, int(k), options, price_sample=price_sample, seed=seed,
                                   max_rounds=max_rounds, progress=progress)
    else:
        outcome = _solver_match(build, solver, options, started)
    record = outcome.record
    info = dict(outcome.assignment.info)
    info["candidates"] = {
        "k_initial": int(k), "n_edges": outcome.problem.n_edges, "rounds": record.rounds,
        "price_samples": record.samples,
        "certified": outcome.certified, "added": list(record.added),
        "warm_rounds": int(sum(record.warm)), "reoptimized_rounds": int(sum(record.reoptimized)),
        "solve_seconds": list(record.solve_seconds), "note": outcome.note,
        "seconds": outcome.seconds,
    }
    return _explain(cohort, outcome.final, dataclasses.replace(outcome.assignment, info=info),
                    scorer, options={**options, "min_score": min_score, "candidates": int(k)})


def _certified_match(build: _Build, k: int, options: dict[str, Any], *,
                     price_sample: float | None, seed: int, max_rounds: int,
                     progress: bool | None) -> _Outcome:
    """Column generation with ``flow`` until its duals prove the full optimum."""
    problem, assignment, record = solve_priced(
        build.setup, k, options, price_sample=price_sample, seed=seed, max_rounds=max_rounds,
        progress=progress)
    note = record.note or (
        "certified on the first candidate set" if record.rounds == 1 else
        f"certified after adding {sum(record.added)} pair(s) in {record.rounds - 1} round(s)")
    seconds = {key: round(value, 4) for key, value in record.seconds.items()}
    # The mentor's view, for the result's stability metrics (flow never needs it).
    edges = problem.edges()
    final = build.setup.problem(edges.mentee, edges.mentor, edges.score, mentor_view=True)
    return _Outcome(problem, final, assignment, record, record.certified, note, seconds)


def _solver_match(build: _Build, solver: str, options: dict[str, Any],
                  started: float) -> _Outcome:
    """Run the solver once, on each mentee's best ``k`` mentors by score."""
    problem = _problem(build)  # already with the mentor's view
    scored = time.perf_counter()
    assignment = solve(cast(MatchProblem, problem), solver, **options)
    note = ("certification not asked for" if get(solver).capabilities.duals else
            f"solver {solver!r} exposes no dual certificate: the answer is its answer "
            "on the candidate pairs only")
    seconds = {"score": round(scored - started, 4),
               "solve": round(time.perf_counter() - scored, 4)}
    return _Outcome(problem, problem, assignment, PricingRecord(rounds=1), None, note, seconds)


def _explain(cohort: Cohort, problem: CandidateProblem, assignment: Assignment,
             scorer: Scorer | None, *, options: dict[str, Any]) -> MatchResult:
    """Build a MatchResult; reasons come from the real scorer on small sub-cohorts."""
    scorer = scorer or default_scorer(cohort)
    e, r = assignment.mentee_idx, assignment.mentor_idx
    edges = problem.edges()
    starts = np.searchsorted(edges.mentee, np.arange(problem.n_mentees + 1))
    # Assignment pairs are sorted by mentee too: a slice, not a scan of every pair.
    mine = np.searchsorted(e, np.arange(problem.n_mentees + 1))

    def why_short(i: int, loads: IntArray) -> str:
        return _why_short(problem, edges.mentor[starts[i]:starts[i + 1]],
                          r[mine[i]:mine[i + 1]], loads, assignment.solver)

    attrs = problem.attributes
    tm = None if attrs is None else TopicMatrices(attrs.topics, attrs.asked, attrs.offered)
    return assemble_result(
        cohort, cast(MatchProblem, problem), assignment, scores=problem.pair_scores(e, r),
        reasons=pair_reasons(cohort, scorer, e, r, topic_matrices=tm), why_short=why_short,
        options=options, scorer_name=type(scorer).__name__)


def _why_short(problem: CandidateProblem, candidates: IntArray, mine: IntArray,
               loads: IntArray, solver: str) -> str:
    if candidates.size == 0:
        return ("no admissible mentor (all excluded, breaking a must-have, without capacity, "
                "below the minimum score or sharing no slot within work hours)")
    others = np.setdiff1d(candidates, mine)
    if others.size == 0:
        return f"only {candidates.size} admissible candidate mentor(s)"
    room = others[loads[others] < problem.capacity[others]]
    if room.size == 0:
        return f"every other candidate mentor ({others.size}) is at capacity"
    return (f"{room.size} candidate mentor(s) still had room, but solver {solver!r} "
            "did not assign one")
