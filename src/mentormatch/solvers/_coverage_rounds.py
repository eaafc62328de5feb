"""Good coverage answers from flow: a first mentor, then what the first did not cover.

Each step is an exact ``flow`` on *marginal coverage*: with some pairs held
fixed, a pair's weight is the share of its mentee's asked topics that its
mentor offers and the mentee's fixed mentors do not (plus a tiny multiple of
the pair score, so ties go to the better pair).

* Two rounds: every mentee's first mentor (demand capped at one), then the
  rest of each demand on what the first did not cover.
* Slot rounds: hold all but one of each mentee's (unlocked) mentors, free
  the k-th, and re-solve. The current answer is still admissible, so the
  flow's answer covers at least as much: each round is an exact move over
  every mentee's freed place at once. Rounds run over k = 0, 1, ... until a
  full turn gains nothing or the time is up.
"""

from __future__ import annotations

import time

import numpy as np
from numpy.typing import NDArray

from mentormatch.errors import InfeasibleError
from mentormatch.problem import Assignment, MatchProblem, ProblemAttributes, topic_coverage
from mentormatch.solvers.flow import solve_flow

__all__ = ["coverage_key", "mean_coverage", "slot_rounds", "two_rounds"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Weight of the pair score against marginal coverage in the steered flows.
_TIE = 1e-7


def mean_coverage(problem: MatchProblem, attrs: ProblemAttributes, a: Assignment) -> float:
    """``Metrics.topic_coverage`` of an answer: the mean over mentees asking for a mentor."""
    asking = problem.demand > 0
    if not asking.any():
        return 1.0
    return float(topic_coverage(attrs.asked, attrs.offered, a)[asking].mean())


def coverage_key(problem: MatchProblem, attrs: ProblemAttributes,
                 a: Assignment) -> tuple[float, ...]:
    """Return the coverage objective's levels, best first: mentees, pairs, coverage, pair score."""
    counts = a.counts(problem.n_mentees)
    cov = mean_coverage(problem, attrs, a)
    score = float(problem.pair_scores(a.mentee_idx, a.mentor_idx).sum())
    return float((counts > 0).sum()), float(a.n_pairs), round(cov, 9), round(score, 9)


def _steered(problem: MatchProblem, attrs: ProblemAttributes, hold_e: IntArray,
             hold_r: IntArray, demand: IntArray) -> Assignment:
    """Flow on marginal coverage with the pairs ``(hold_e, hold_r)`` locked."""
    total = attrs.asked.sum(axis=1, keepdims=True)
    share = np.divide(attrs.asked, total, out=np.zeros_like(attrs.asked), where=total > 0)
    offers = (attrs.offered > 0).astype(np.float64)
    covered = np.zeros_like(share)
    np.maximum.at(covered, hold_e, offers[hold_r])
    scores = problem.scores
    top = max(float(np.abs(scores).max(initial=0.0)), 1e-12)
    weights = (share * (1.0 - covered)) @ offers.T + (_TIE / top) * scores
    locked = np.stack([hold_e, hold_r], axis=1) if hold_e.size else None
    steered = MatchProblem(scores=weights, demand=demand, capacity=problem.capacity,
                           allowed=problem.allowed, locked=locked, min_load=problem.min_load)
    a = solve_flow(steered)
    return Assignment.from_pairs(problem, a.mentee_idx, a.mentor_idx, solver="coverage")


def two_rounds(problem: MatchProblem, attrs: ProblemAttributes) -> Assignment | None:
    """First mentors by share, then the rest by marginal share; None if minimum loads forbid."""
    locked = problem.locked
    own = np.bincount(locked[:, 0], minlength=problem.n_mentees) if locked.size else 0
    first_demand = np.maximum(np.minimum(problem.demand, 1), own).astype(np.int64)
    try:
        first = _steered(problem, attrs, locked[:, 0], locked[:, 1], first_demand)
    except InfeasibleError:  # minimum loads need more pairs than one per mentee
        return None
    return _steered(problem, attrs, first.mentee_idx, first.mentor_idx, problem.demand)


def slot_rounds(problem: MatchProblem, attrs: ProblemAttributes, start: Assignment,
                deadline: float, good_enough: float,
                expected: float) -> tuple[Assignment, int]:
    """Re-solve one freed mentor per mentee at a time while it helps; the answer and rounds.

    A round is kept when it is better on the objective's levels (coverage, or
    pair scores at equal coverage). Stops when a turn of ``max demand`` rounds
    gains nothing, a turn after the mean coverage reaches ``good_enough`` (a
    proved bound; that turn can only raise pair scores), or when the next
    round would likely end after ``deadline`` (each round is timed; the first
    is expected to take ``expected`` seconds).
    """
    best, best_key = start, coverage_key(problem, attrs, start)
    turn = max(int(problem.demand.max(initial=1)), 1)
    locked = problem.locked_mask
    k = idle = rounds = polish = 0
    last = expected
    while idle < turn and polish < turn and time.monotonic() + 1.5 * last <= deadline:
        began = time.monotonic()
        e, r = best.mentee_idx, best.mentor_idx
        order = np.lexsort((r, e))
        e, r = e[order], r[order]
        counts = np.bincount(e, minlength=problem.n_mentees)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        rank = np.arange(e.size) - starts[e]
        hold = (rank != k % np.maximum(counts[e], 1)) | locked[e, r]
        trial = _steered(problem, attrs, e[hold], r[hold], problem.demand)
        rounds += 1
        polish += best_key[2] >= good_enough - 1e-9
        trial_key = coverage_key(problem, attrs, trial)
        if trial_key > best_key:
            best, best_key, idle = trial, trial_key, 0
        else:
            idle += 1
        k += 1
        last = time.monotonic() - began
    return best, rounds
