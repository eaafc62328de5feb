"""Task-focused matches: short-term, single-topic requests matched per topic.

Each topic in a mentee's ``tasks`` ("a mentor for my QI project this term") is
one request for one mentor who offers that topic. Requests use a mentor's
task places: ``task_capacity`` (by default 1 for mentors offering
task-focused mentorship, else 0), plus, only where the mentor set
``tasks_use_capacity``, the places of ``capacity`` the long-term match left
free. Solved exactly as an assignment of requests to mentors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from mentormatch.errors import expect
from mentormatch.io import Table
from mentormatch.models import Cohort, Mentor, MentorshipType
from mentormatch.problem import MatchProblem
from mentormatch.scoring import TopicMatrices, slot_rule
from mentormatch.solvers import DEFAULT_SOLVER
from mentormatch.solvers import solve as solve_problem

if TYPE_CHECKING:
    pass

__all__ = ["TaskMatch", "TaskResult", "TaskUnmatched", "match_tasks", "task_places"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class TaskMatch(BaseModel):
    """A short-term request matched to a mentor.

    ``uses_capacity`` is True when the place came from the mentor's long-term
    ``capacity`` (which they opened to tasks) rather than ``task_capacity``.
    """

    model_config = _FROZEN

    mentee: str
    topic: str
    mentor: str
    score: float
    reasons: tuple[str, ...] = ()
    uses_capacity: bool = False


class TaskUnmatched(BaseModel):
    """A request left without a mentor, and why."""

    model_config = _FROZEN

    mentee: str
    topic: str
    reason: str


class TaskResult(BaseModel, Table):
    """Outcome of :func:`match_tasks`: matches, requests left open, solve facts."""

    model_config = _FROZEN

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "mentee", "topic", "mentor", "score", "uses_capacity", "reasons")

    matches: tuple[TaskMatch, ...]
    unmatched: tuple[TaskUnmatched, ...] = ()
    info: dict[str, Any] = Field(default_factory=dict)

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per match, reasons joined by '; '."""
        return [{"mentee": m.mentee, "topic": m.topic, "mentor": m.mentor,
                 "score": round(m.score, 6), "uses_capacity": m.uses_capacity,
                 "reasons": "; ".join(m.reasons)} for m in self.matches]



def _own_task_places(mentor: Mentor) -> int:
    if mentor.task_capacity is not None:
        return mentor.task_capacity
    return 1 if MentorshipType.TASK_FOCUSED in mentor.types else 0


def task_places(cohort: Cohort, long_term_loads: Mapping[str, int] | None = None
                ) -> tuple[np.ndarray[Any, np.dtype[np.int64]],
                           np.ndarray[Any, np.dtype[np.int64]]]:
    """Task places per mentor: own (``task_capacity``) and borrowed from ``capacity``.

    Borrowed places are ``capacity`` minus the long-term load, only for mentors
    with ``tasks_use_capacity``.

    Examples
    --------
    >>> import mentormatch as mm
    >>> c = mm.Cohort(mentees=[], mentors=[
    ...     mm.Mentor(id="r1", types=["task_focused"]),
    ...     mm.Mentor(id="r2", capacity=3, tasks_use_capacity=True)])
    >>> own, borrowed = task_places(c, {"r2": 1})
    >>> own.tolist(), borrowed.tolist()
    ([1, 0], [0, 2])
    """
    loads = long_term_loads or {}
    own = np.array([_own_task_places(r) for r in cohort.mentors], dtype=np.int64)
    borrowed = np.array([max(r.capacity - loads.get(r.id, 0), 0) if r.tasks_use_capacity else 0
                         for r in cohort.mentors], dtype=np.int64)
    return own, borrowed


def _admissible(cohort: Cohort, requests: list[tuple[int, str]], offered: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """Return which mentors each request may go to, and those the common-slot rule keeps out."""
    excluded = cohort.excluded_pairs()
    allowed = offered > 0
    e_ids, r_ids = cohort.mentee_ids, cohort.mentor_ids
    for q, (i, _) in enumerate(requests):
        for j, r in enumerate(r_ids):
            if (e_ids[i], r) in excluded:
                allowed[q, j] = False
    rule = slot_rule(cohort)
    no_slot = np.zeros(allowed.shape, dtype=bool)
    if rule is not None and requests:
        no_slot = ~rule.block(np.array([i for i, _ in requests], dtype=np.int64),
                              np.arange(len(r_ids), dtype=np.int64))
        allowed &= ~no_slot
    return allowed, no_slot


def match_tasks(cohort: Cohort, *, long_term_loads: Mapping[str, int] | None = None,
                solver: str = DEFAULT_SOLVER) -> TaskResult:
    """Match every short-term task request to a mentor offering its topic.

    Parameters
    ----------
    cohort : Cohort
        Requests are the topics in each mentee's ``tasks``. A schedule's
        common-slot rule applies to each request as to a pair.
    long_term_loads : mapping of mentor id to int, optional
        Mentees each mentor has in the long-term match (their places used);
        only matters for mentors with ``tasks_use_capacity``.
    solver : str, default=DEFAULT_SOLVER
        A registered solver; one mentor per request, so ``"hungarian"`` is exact.

    Returns
    -------
    TaskResult

    Examples
    --------
    >>> import mentormatch as mm
    >>> c = mm.Cohort(
    ...     mentees=[mm.Mentee(id="e1", tasks=["QI"])],
    ...     mentors=[mm.Mentor(id="r1", topics=["qi"], capacity=1),
    ...              mm.Mentor(id="r2", topics=["qi"], types=["task_focused"])])
    >>> result = mm.match_tasks(c)
    >>> [(m.mentee, m.topic, m.mentor) for m in result.matches]
    [('e1', 'qi', 'r2')]
    >>> result.matches[0].reasons
    ('offers qi for a short-term task', 'offers task-focused mentorship')
    """
    expect(cohort, Cohort, "match_tasks", "cohort")
    vocab = cohort.vocabulary
    requests: list[tuple[int, str]] = []
    for i, e in enumerate(cohort.mentees):
        for t in e.tasks:
            topic = vocab.canonical(t, where=f"mentee {e.id!r} tasks") if vocab else t
            requests.append((i, topic))
    tm = TopicMatrices.of(cohort)
    col = {t: k for k, t in enumerate(tm.topics)}
    n_q, n_r = len(requests), len(cohort.mentors)
    offered = np.zeros((n_q, n_r))
    for q, (_, topic) in enumerate(requests):
        if topic in col:
            offered[q] = tm.offered[:, col[topic]]
    peak = tm.offered.max(axis=1, initial=0.0) if n_r else np.zeros(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        strength = np.nan_to_num(offered / peak[None, :], nan=0.0, posinf=0.0)
    typed = np.array([MentorshipType.TASK_FOCUSED in r.types for r in cohort.mentors],
                     dtype=bool)
    scores = 0.7 * strength + 0.3 * typed[None, :]
    own, borrowed = task_places(cohort, long_term_loads)
    places = own + borrowed
    allowed, no_slot = _admissible(cohort, requests, offered)
    e_ids, r_ids = cohort.mentee_ids, cohort.mentor_ids
    problem = MatchProblem(scores=scores.reshape(n_q, n_r), demand=1, capacity=places,
                           allowed=allowed.reshape(n_q, n_r))
    assignment = solve_problem(problem, solver)
    chosen: dict[int, int] = dict(zip(assignment.mentee_idx.tolist(),
                                      assignment.mentor_idx.tolist(), strict=True))
    # Within a mentor, the weakest requests use the borrowed (long-term) places.
    borrowed_rows: set[int] = set()
    for j in range(n_r):
        rows = sorted((q for q, jj in chosen.items() if jj == j),
                      key=lambda q: (-scores[q, j], q))
        borrowed_rows.update(rows[own[j]:])
    matches = []
    for q in sorted(chosen):
        j = chosen[q]
        i, topic = requests[q]
        reasons = [f"offers {topic} for a short-term task"]
        if typed[j]:
            reasons.append("offers task-focused mentorship")
        if q in borrowed_rows:
            reasons.append("uses a long-term place the mentor opened to tasks")
        matches.append(TaskMatch(mentee=e_ids[i], topic=topic,
                                 mentor=r_ids[j], score=float(scores[q, j]),
                                 reasons=tuple(reasons), uses_capacity=q in borrowed_rows))
    unmatched = []
    for q, (i, topic) in enumerate(requests):
        if q in chosen:
            continue
        if not (offered[q] > 0).any():
            why = f"no mentor offers {topic}"
        elif not allowed[q].any() and (no_slot[q] & (offered[q] > 0)).any():
            why = (f"every mentor offering {topic} is excluded (forbidden or supervising) "
                   "or shares no slot within work hours")
        elif not allowed[q].any():
            why = f"every mentor offering {topic} is excluded (forbidden or supervising)"
        elif not (allowed[q] & (places > 0)).any():
            why = (f"no mentor offering {topic} has task places (task_capacity 0 and "
                   "long-term capacity not opened to tasks)")
        else:
            why = f"every mentor offering {topic} has used their task places"
        unmatched.append(TaskUnmatched(mentee=e_ids[i], topic=topic, reason=why))
    return TaskResult(matches=tuple(matches), unmatched=tuple(unmatched),
                      info={"solver": assignment.solver, "requests": n_q,
                            "exact": bool(assignment.info.get("exact", True))})
