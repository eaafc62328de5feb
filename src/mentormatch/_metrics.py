"""Quality measures of an assignment, shared by results and benchmarks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._problem import Assignment, MatchProblem

__all__ = ["ArrayMetrics", "assignment_metrics", "topic_coverage"]


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
