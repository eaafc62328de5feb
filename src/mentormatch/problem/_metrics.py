"""Quality measures of an assignment, shared by results and benchmarks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mentormatch.problem._match_problem import Assignment, MatchProblem
from mentormatch.problem._stability import edge_blocks, pair_prefs

__all__ = ["ArrayMetrics", "LoadSpread", "assignment_metrics", "load_spread", "pair_ranks",
           "rank_profile", "topic_coverage", "topic_coverage_bound"]


@dataclass(frozen=True)
class ArrayMetrics:
    """Index-level quality of an assignment (see :class:`~mentormatch.Metrics`)."""

    total_score: float
    mean_score: float
    min_score: float
    n_pairs: int
    mentees_matched: int
    mentees_asking: int
    loads: NDArray[np.int64]
    counts: NDArray[np.int64]


def assignment_metrics(problem: MatchProblem, assignment: Assignment) -> ArrayMetrics:
    """Compute score, coverage-of-demand and load measures of an assignment.

    Examples
    --------
    >>> import mentormatch as mm
    >>> p = mm.MatchProblem(scores=[[0.5, 1.0], [0.2, 0.4]], capacity=2)
    >>> m = assignment_metrics(p, mm.solve(p, solver="hungarian"))
    >>> m.n_pairs, m.mentees_matched, m.loads.tolist()
    (2, 2, [0, 2])
    """
    s = problem.pair_scores(assignment.mentee_idx, assignment.mentor_idx)
    counts = assignment.counts(problem.n_mentees)
    return ArrayMetrics(
        total_score=float(s.sum()) if s.size else 0.0,
        mean_score=float(s.mean()) if s.size else 0.0,
        min_score=float(s.min()) if s.size else 0.0,
        n_pairs=int(s.size),
        mentees_matched=int((counts > 0).sum()),
        mentees_asking=int((problem.demand > 0).sum()),
        loads=assignment.loads(problem.n_mentors),
        counts=counts,
    )


def topic_coverage(asked: NDArray[np.float64], offered: NDArray[np.float64],
                   assignment: Assignment) -> NDArray[np.float64]:
    """Per mentee, the share of asked topic weight offered by at least one assigned mentor.

    Parameters
    ----------
    asked : ndarray of shape (n_mentees, n_topics)
    offered : ndarray of shape (n_mentors, n_topics)
    assignment : Assignment

    Returns
    -------
    ndarray of shape (n_mentees,)
        1.0 for a mentee who asked for no topic; 0.0 for one with no mentor.

    Examples
    --------
    >>> import numpy as np, mentormatch as mm
    >>> p = mm.MatchProblem(scores=[[1.0, 1.0]], demand=2, capacity=1)
    >>> a = mm.Assignment.from_pairs(p, [0, 0], [0, 1], solver="manual")
    >>> topic_coverage(np.array([[1.0, 1.0, 2.0]]),
    ...                np.array([[1.0, 0, 0], [0, 1.0, 0]]), a).tolist()
    [0.5]
    """
    n_e = asked.shape[0]
    reach = np.zeros(asked.shape, dtype=bool)
    np.logical_or.at(reach, assignment.mentee_idx, offered[assignment.mentor_idx] > 0)
    total = asked.sum(axis=1)
    covered = np.where(reach, asked, 0.0).sum(axis=1)
    out = np.ones(n_e)
    np.divide(covered, total, out=out, where=total > 0)
    return out


def topic_coverage_bound(problem: MatchProblem, asked: NDArray[np.float64],
                         offered: NDArray[np.float64]) -> float:
    """Return an upper bound on the mean :func:`topic_coverage` over mentees asking.

    What all of a mentee's admissible mentors with a place offer together: no set of their
    mentors covers more. Mentees asking for no topic count as covered, as in
    :func:`topic_coverage`. Loose where a mentee has many admissible mentors
    and a small demand; the ``coverage`` solver tightens it with its MILP's bound.

    Examples
    --------
    >>> import numpy as np, mentormatch as mm
    >>> p = mm.MatchProblem(scores=[[1.0, 1.0]], allowed=[[True, False]])
    >>> topic_coverage_bound(p, np.array([[1.0, 3.0]]), np.array([[1.0, 0], [0, 1.0]]))
    0.25
    """
    asking = problem.demand > 0
    if not asking.any():
        return 1.0
    room = problem.capacity > 0
    reach = (problem.allowed[:, room].astype(np.float64)
             @ (offered[room] > 0).astype(np.float64)) > 0
    total = asked.sum(axis=1)
    out = np.ones(problem.n_mentees)
    np.divide(np.where(reach, asked, 0.0).sum(axis=1), total, out=out, where=total > 0)
    return float(out[asking].mean())


def pair_ranks(problem: MatchProblem, assignment: Assignment) -> NDArray[np.int64]:
    """Rank of each pair's mentor among its mentee's admissible mentors (1 = first choice).

    Mentees rank mentors by ``problem.mentee_prefs`` (higher first), ties by
    index (lower first); every allowed mentor counts, full or not. Ranks are
    returned in the assignment's pair order.

    Examples
    --------
    >>> import mentormatch as mm
    >>> p = mm.MatchProblem(scores=[[0.2, 0.9, 0.9]], demand=2)
    >>> a = mm.Assignment.from_pairs(p, [0, 0], [0, 2], solver="manual")
    >>> pair_ranks(p, a).tolist()
    [3, 2]
    """
    e = np.asarray(assignment.mentee_idx, dtype=np.int64)
    r = np.asarray(assignment.mentor_idx, dtype=np.int64)
    if e.size == 0:
        return np.zeros(0, dtype=np.int64)
    n_e = problem.shape[0]
    value = pair_prefs(problem, e, r)[0]
    order = np.lexsort((r, e))
    start = np.searchsorted(e[order], e[order], side="left")
    slot = np.empty(e.size, dtype=np.int64)
    slot[order] = np.arange(e.size) - start
    n_slots = int(slot.max()) + 1
    # Per mentee, the value and index of its k-th pair (index -1: no such pair).
    v_k = np.full((n_e, n_slots), np.nan)
    r_k = np.full((n_e, n_slots), -1, dtype=np.int64)
    v_k[e, slot] = value
    r_k[e, slot] = r
    better = np.zeros((n_e, n_slots), dtype=np.int64)
    for block in edge_blocks(problem):
        i = np.asarray(block.mentee, np.int64)
        j = np.asarray(block.mentor, np.int64)[:, None]
        pref = np.asarray(block.mentee_pref)[:, None]
        vi, ri = v_k[i], r_k[i]
        beats = (ri >= 0) & ((pref > vi) | ((pref == vi) & (j < ri)))
        for k in range(n_slots):
            better[:, k] += np.bincount(i[beats[:, k]], minlength=n_e)
    return better[e, slot] + 1


def rank_profile(problem: MatchProblem, assignment: Assignment) -> tuple[int, ...]:
    """How many pairs are a mentee's 1st, 2nd, 3rd, ... choice (see :func:`pair_ranks`).

    Returns
    -------
    tuple of int
        Entry ``k`` counts pairs of rank ``k + 1``; as long as the worst rank
        used (empty when there are no pairs).

    Examples
    --------
    >>> import mentormatch as mm
    >>> p = mm.MatchProblem(scores=[[0.9, 0.1], [0.8, 0.2]], capacity=1)
    >>> rank_profile(p, mm.solve(p, solver="hungarian"))
    (1, 1)
    """
    ranks = pair_ranks(problem, assignment)
    return tuple(np.bincount(ranks - 1).tolist()) if ranks.size else ()


@dataclass(frozen=True)
class LoadSpread:
    """How evenly mentors are used, as load / capacity over mentors with capacity.

    Attributes
    ----------
    std : float
        Standard deviation of the utilisation (0 = perfectly even).
    range : float
        Highest minus lowest utilisation.
    """

    std: float
    range: float


def load_spread(problem: MatchProblem, assignment: Assignment) -> LoadSpread:
    """Spread of mentor utilisation (load / capacity), over mentors offering a place.

    Examples
    --------
    >>> import mentormatch as mm
    >>> p = mm.MatchProblem(scores=[[1.0, 0.0], [1.0, 0.0]], capacity=[2, 2])
    >>> a = mm.Assignment.from_pairs(p, [0, 1], [0, 0], solver="manual")
    >>> load_spread(p, a)
    LoadSpread(std=0.5, range=1.0)
    """
    capacity = np.asarray(problem.capacity)
    has = capacity > 0
    if not has.any():
        return LoadSpread(0.0, 0.0)
    use = assignment.loads(problem.shape[1])[has] / capacity[has]
    return LoadSpread(float(use.std()), float(use.max() - use.min()))
