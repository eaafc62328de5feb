"""Dual potentials of a candidate optimum, tightened to price the pairs left out.

The ``flow`` solver's potentials certify its answer on the candidate pairs;
many potentials do. :func:`tighten_duals` moves them to the ones that clear the
most pairs outside the candidates (a mentee given all it asked for is not
short at any level; mentor prices as low as the candidate pairs allow), which
:mod:`mentormatch.large._pricing` then uses to price every other pair.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from mentormatch.problem import (
    Assignment,
    CandidateProblem,
    Duals,
    locked_residual,
    unlocked,
)

__all__ = ["TightDuals", "tighten_duals"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


class TightDuals(NamedTuple):
    """Lexicographic duals (level, potential) per person, in the score-maximising sign."""

    mentee_level: FloatArray
    mentee_potential: FloatArray
    mentor_level: FloatArray
    mentor_potential: FloatArray


def tighten_duals(problem: CandidateProblem, assignment: Assignment,
                  duals: Duals) -> TightDuals:
    """Move the solver's potentials to the ones that certify the most dropped pairs.

    Any feasible potentials certify the candidate optimum; for dropped pairs
    we want mentor potentials as high and mentee potentials as high as the
    residual graph allows. Mentors first: a mentor's potential may rise to the
    least of 0 (when it has room left) and ``s - mentee_potential`` over its
    pairs; then each mentee who got all it asked for rises to the least of
    ``s - mentor_potential`` over its pairs. Each step keeps every residual arc
    feasible (mentees touch only mentors, the source and their own pairs), so
    the result is still a valid certificate.
    """
    n_e, n_r = problem.shape
    mentee_level = duals.mentee_level.astype(np.float64)
    mentee_potential = duals.mentee_potential.copy()
    mentor_level = duals.mentor_level.astype(np.float64)
    mentor_potential = duals.mentor_potential.copy()
    left = locked_residual(problem)
    mentee_open, mentor_open = left.demand > 0, left.capacity > 0
    free = unlocked(problem, assignment.mentee_idx, assignment.mentor_idx)
    pair_mentee, pair_mentor = assignment.mentee_idx[free], assignment.mentor_idx[free]
    pair_score = problem.pair_scores(pair_mentee, pair_mentor)
    # Mentors: potential (in the maximising sign) = lexmin of (0, 0) if room,
    # and of (-mentee_level, s - mentee_potential) over its pairs.
    spare = mentor_open & (np.bincount(pair_mentor, minlength=n_r) < left.capacity)
    start = np.where(spare, 0.0, np.inf)
    new_level, new_potential = _lexmin_at(
        pair_mentor, -mentee_level[pair_mentee], pair_score - mentee_potential[pair_mentee],
        start, start)
    moved = mentor_open & np.isfinite(new_level)
    mentor_level[moved], mentor_potential[moved] = new_level[moved], new_potential[moved]
    # Mentees who are full: lexmin over their pairs of (-mentor_level, s - mentor_potential).
    full = mentee_open & (np.bincount(pair_mentee, minlength=n_e) == left.demand)
    new_level, new_potential = _lexmin_at(
        pair_mentee, -mentor_level[pair_mentor], pair_score - mentor_potential[pair_mentor],
        np.full(n_e, np.inf), np.full(n_e, np.inf))
    moved = full & np.isfinite(new_level)
    mentee_level[moved], mentee_potential[moved] = new_level[moved], new_potential[moved]
    tight = TightDuals(mentee_level, mentee_potential, mentor_level, mentor_potential)
    best = _lowest_prices(problem, (pair_mentee, pair_mentor, pair_score), tight, full=full,
                          mentor_open=mentor_open, spare=spare, tolerance=duals.tolerance,
                          floor=duals.mentee_potential)
    if best is None:
        return tight
    return tight._replace(mentee_potential=best[0], mentor_potential=best[1])


def _lexmin_at(idx: IntArray, level: FloatArray, value: FloatArray, start_level: FloatArray,
               start_value: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Per index, the lexicographic minimum of (level, value) over entries and the start."""
    out_level, out_value = start_level.copy(), start_value.copy()
    if idx.size == 0:
        return out_level, out_value
    order = np.lexsort((value, level, idx))
    idx, level, value = idx[order], level[order], value[order]
    first = np.r_[True, idx[1:] != idx[:-1]]
    at, first_level, first_value = idx[first], level[first], value[first]
    better = (first_level < out_level[at]) | ((first_level == out_level[at])
                                              & (first_value < out_value[at]))
    out_level[at[better]], out_value[at[better]] = first_level[better], first_value[better]
    return out_level, out_value


def _lowest_prices(problem: CandidateProblem, pairs: tuple[IntArray, IntArray, FloatArray],
                   duals: TightDuals, *, full: BoolArray, mentor_open: BoolArray,
                   spare: BoolArray, tolerance: float, floor: FloatArray,
                   max_rounds: int = 400) -> tuple[FloatArray, FloatArray] | None:
    """Return the mentee-optimal potentials: mentor prices lowest, mentee values highest.

    ``pairs`` are the assignment's free pairs (mentee, mentor, score). On the
    level-0 part, the potentials (``e`` of mentees, ``r`` of mentors) are a
    system of difference constraints (used pair: ``e_i + r_j <= s``; unused
    candidate: ``e_i + r_j >= s``; ``r_j >= 0`` for a mentor with mentees; 0
    for one with room), whose feasible set is a lattice: Bellman-Ford from the
    upper bounds reaches its top (highest ``e``, lowest ``r``). That clears
    every dropped pair with a mentor who has room whenever any dual would;
    pairs with full mentors may still need another round. Returns None (keep
    the given potentials) if it does not settle within ``max_rounds`` or fails
    the final check (every candidate constraint, mentors with room priced at
    most 0, mentees never below ``floor``, the solver's own mentee potentials,
    which keeps the source arcs, not modelled here, feasible).
    """
    n_e, n_r = problem.shape
    mentee_level, mentor_level = duals.mentee_level, duals.mentor_level
    movable_mentee = full & (mentee_level == 0)
    movable_mentor = mentor_open & (mentor_level == 0)
    pair_mentee, pair_mentor, pair_score = pairs
    # Only constraints between level-0 ends bind values; others hold by level.
    binds = ((mentee_level[pair_mentee] == 0) & (mentor_level[pair_mentor] == 0)
             & (movable_mentee[pair_mentee] | movable_mentor[pair_mentor]))
    used_e, used_r, used_s = pair_mentee[binds], pair_mentor[binds], pair_score[binds]
    other_e, other_r, other_s = _unused_candidates(problem, pair_mentee, pair_mentor)
    binds = ((mentee_level[other_e] == 0) & (mentor_level[other_r] == 0)
             & movable_mentor[other_r])
    other_e, other_r, other_s = other_e[binds], other_r[binds], other_s[binds]
    # Maximise the mentee potentials and the negated mentor potentials together.
    mentee_potential = duals.mentee_potential.copy()
    neg_mentor_potential = -duals.mentor_potential
    neg_mentor_potential[movable_mentor] = 0.0
    mentee_potential[movable_mentee] = np.inf
    for _ in range(max_rounds):
        bound = np.full(n_e, np.inf)
        np.minimum.at(bound, used_e, neg_mentor_potential[used_r] + used_s)
        lower_mentee = movable_mentee & (bound < mentee_potential - tolerance)
        mentee_potential = np.where(lower_mentee, bound, mentee_potential)
        bound = np.full(n_r, np.inf)
        np.minimum.at(bound, other_r, mentee_potential[other_e] - other_s)
        lower_mentor = movable_mentor & (bound < neg_mentor_potential - tolerance)
        neg_mentor_potential = np.where(lower_mentor, bound, neg_mentor_potential)
        if not (lower_mentee.any() or lower_mentor.any()):
            break
    else:
        return None
    tolerance *= 4
    mentee_potential = np.where(movable_mentee & ~np.isfinite(mentee_potential),
                                duals.mentee_potential, mentee_potential)
    mentor_potential = -neg_mentor_potential
    # Check every candidate constraint before trusting the result.
    ok_used = ((mentee_level[pair_mentee] + mentor_level[pair_mentor] != 0)
               | (mentee_potential[pair_mentee] + mentor_potential[pair_mentor]
                  <= pair_score + tolerance))
    ok_other = mentee_potential[other_e] + mentor_potential[other_r] >= other_s - tolerance
    ok_mentor = ~(spare & movable_mentor) | (mentor_potential <= tolerance)
    ok_mentee = ~movable_mentee | (mentee_potential >= floor - tolerance)
    if not (ok_used.all() and ok_other.all() and ok_mentor.all() and ok_mentee.all()):
        return None
    return mentee_potential, mentor_potential


def _unused_candidates(problem: CandidateProblem, mentee: IntArray,
                       mentor: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
    """Candidate pairs neither among the given (free) pairs nor locked."""
    edges = problem.edges()
    n_r = problem.shape[1]
    unused = (~np.isin(edges.mentee * n_r + edges.mentor, mentee * n_r + mentor)
              & unlocked(problem, edges.mentee, edges.mentor))
    return edges.mentee[unused], edges.mentor[unused], edges.score[unused]
