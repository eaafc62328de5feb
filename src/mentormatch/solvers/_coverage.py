"""Topic coverage across each mentee's mentors: exact where the budget allows, never below flow.

The ``coverage`` solver maximises, best first: mentees with a mentor, pairs
made, the asked topic weight offered by at least one of each mentee's mentors
(each mentee's share, summed), then the total pair score. It runs four steps
and keeps the best answer, compared on those levels in that order:

1. ``flow`` on pair scores: the first two levels at their optimum, in
   milliseconds; the floor the answer never falls below.
2. ``flow`` on each pair's own share of the mentee's asked topics ("topic
   flow"): a mentee's coverage is at most the sum of their mentors' shares,
   so this flow's exact optimum bounds the coverage level, and its answer
   (overlaps aside) is a good one.
3. A swap search from the better of the two: a mentee trades a mentor for one
   with room who adds more asked topic weight than the one traded away (locked
   pairs and minimum loads kept). Mentees and pairs stay at their optimum.
4. The exact MILP of ``ilp`` with ``coverage=True`` (and no leadership rule,
   which the default semantics do not have), within what is left of
   ``time_limit``. Skipped when the problem has more than ``max_exact_pairs``
   admissible pairs, where building the MILP alone would use the budget.

The bound: the MILP's optimum, or HiGHS's dual bound when it stopped on the
coverage level; otherwise the smaller of the topic flow's optimum and each
mentee's asked weight offered by any admissible mentor with a place.
"""

from __future__ import annotations

import math
import time

import numpy as np
from numpy.typing import NDArray

from mentormatch.errors import InvalidInputError
from mentormatch.problem import (
    Assignment,
    MatchProblem,
    ProblemAttributes,
    topic_coverage,
    topic_coverage_bound,
)
from mentormatch.solvers._ilp import solve_ilp
from mentormatch.solvers.flow import solve_flow

__all__ = ["solve_coverage"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Above this many admissible pairs the exact MILP is not attempted.
MAX_EXACT_PAIRS = 60_000
#: Seconds the default match gives the coverage objective.
DEFAULT_TIME_LIMIT = 20.0
_TOL = 1e-9


def _mean_coverage(problem: MatchProblem, attrs: ProblemAttributes, a: Assignment) -> float:
    """``Metrics.topic_coverage`` of an answer: the mean over mentees asking for a mentor."""
    asking = problem.demand > 0
    if not asking.any():
        return 1.0
    return float(topic_coverage(attrs.asked, attrs.offered, a)[asking].mean())


def _key(problem: MatchProblem, a: Assignment, attrs: ProblemAttributes) -> tuple[float, ...]:
    counts = a.counts(problem.n_mentees)
    cov = _mean_coverage(problem, attrs, a)
    score = float(problem.pair_scores(a.mentee_idx, a.mentor_idx).sum())
    return float((counts > 0).sum()), float(a.n_pairs), round(cov, 9), round(score, 9)


def _swap_search(problem: MatchProblem, start: Assignment, attrs: ProblemAttributes,
                 deadline: float) -> tuple[IntArray, IntArray, int]:
    """Improve coverage by one-for-one mentor swaps that keep every hard rule."""
    n_e, n_r = problem.shape
    has = attrs.offered > 0
    asked = attrs.asked / np.maximum(attrs.asked.sum(axis=1, keepdims=True), _TOL)
    mentors: list[list[int]] = [[] for _ in range(n_e)]
    for i, j in zip(start.mentee_idx.tolist(), start.mentor_idx.tolist(), strict=True):
        mentors[i].append(j)
    loads = start.loads(n_r).astype(np.int64)
    locked = problem.locked_mask
    allowed = problem.allowed
    swaps = 0
    improved = True
    while improved and time.monotonic() < deadline:
        improved = False
        for i in range(n_e):
            mine = mentors[i]
            if len(mine) < 2 or not asked[i].any():
                continue
            for pos, j in enumerate(list(mine)):
                if locked[i, j] or loads[j] <= problem.min_load[j]:
                    continue
                others = has[[m for m in mine if m != j]].any(axis=0)
                gain_j = float(asked[i][has[j] & ~others].sum())
                room = allowed[i] & (loads < problem.capacity)
                room[mine] = False
                if not room.any():
                    continue
                gains = (has & ~others) @ asked[i]
                gains[~room] = -1.0
                k = int(np.argmax(gains))
                if gains[k] > gain_j + 1e-12:
                    mine[pos] = k
                    loads[j] -= 1
                    loads[k] += 1
                    swaps += 1
                    improved = True
    ee = np.repeat(np.arange(n_e), [len(m) for m in mentors]).astype(np.int64)
    rr = np.fromiter((j for m in mentors for j in m), dtype=np.int64, count=int(ee.size))
    return ee, rr, swaps


def _topic_flow(problem: MatchProblem, attrs: ProblemAttributes) -> tuple[Assignment, float]:
    """Flow on each pair's own share of the mentee's asked topics; and the bound it proves.

    A mentee's coverage is at most the sum of their mentors' own shares, so the
    exact flow optimum of that sum (after mentees and pairs, as the coverage
    objective) bounds the coverage level; its answer is a good start too.
    """
    share = attrs.asked / np.maximum(attrs.asked.sum(axis=1, keepdims=True), _TOL)
    w = share @ (attrs.offered > 0).T.astype(np.float64)
    steered = MatchProblem(scores=w, demand=problem.demand, capacity=problem.capacity,
                           allowed=problem.allowed, locked=problem.locked,
                           min_load=problem.min_load, attributes=attrs)
    a = solve_flow(steered)
    return (Assignment.from_pairs(problem, a.mentee_idx, a.mentor_idx, solver="coverage"),
            float(w[a.mentee_idx, a.mentor_idx].sum()))


def _milp(problem: MatchProblem, attrs: ProblemAttributes, seconds: float, no_topic: int,
          n_asking: int) -> tuple[Assignment, float | None]:
    """Run the exact MILP of ``ilp(coverage=True)`` within ``seconds``; its answer, bound."""
    exact = solve_ilp(problem, coverage=True, leadership_limit=None,
                      time_limit=None if math.isinf(seconds) else seconds)
    info = exact.info
    if info["optimal"] or info["stopped_at"] in ("total_score", "tie_break"):
        return exact, _mean_coverage(problem, attrs, exact)  # coverage level solved
    if "coverage" in info["bounds"]:
        return exact, (info["bounds"]["coverage"] + no_topic) / n_asking
    return exact, None


def solve_coverage(problem: MatchProblem, *, coverage: bool = True,
                   time_limit: float | None = DEFAULT_TIME_LIMIT,
                   max_exact_pairs: int = MAX_EXACT_PAIRS) -> Assignment:
    """Topic coverage across each mentee's mentors: exact when it can, bounded when not.

    Most mentees with a mentor, then most pairs, then the most asked topic
    weight covered across each mentee's set of mentors, then the highest
    total pair score (module docstring: flow, a swap search, the exact MILP).

    Parameters
    ----------
    problem : MatchProblem
        Needs ``problem.attributes`` (asked and offered topics).
    coverage : bool, default=True
        Must be True (the keyword every solver declaring ``coverage`` takes).
    time_limit : float or None, default=20.0
        Seconds for the exact MILP; when it runs out the best answer found
        is returned with its bound and gap. ``None``: no limit.
    max_exact_pairs : int, default=60000
        The MILP is skipped above this many admissible pairs.

    Returns
    -------
    Assignment
        ``info`` holds ``objective`` ("coverage"), ``coverage`` (mean over
        mentees asking of the covered share, as ``Metrics.topic_coverage``),
        ``coverage_bound`` (an upper bound on it), ``coverage_gap`` (bound
        minus value; 0.0 when optimal), ``flow_coverage`` (flow's, the floor),
        ``optimal``, ``method`` (which step gave the answer: "flow", "swap"
        "topic flow" or "milp"), ``bound_from`` ("milp", "topic flow" or
        "topics offered"), ``swaps``,
        ``milp_status`` ("skipped" when not run). When no mentee asks for a
        topic the answer is flow's (``milp_status`` "no topics"); without
        topic attributes the coverage values are None.

    Raises
    ------
    InvalidInputError
        For ``coverage=False``.

    Examples
    --------
    >>> import numpy as np, mentormatch as mm
    >>> attrs = mm.ProblemAttributes(asked=np.array([[1.0, 1.0, 1.0]]),
    ...     offered=np.array([[1.0, 1.0, 0], [1.0, 1.0, 0], [0, 0, 1.0]]),
    ...     topics=("clinical", "teaching", "qi"), mentee_group=np.array([0]),
    ...     mentor_group=np.zeros(3, int), mentor_leads=np.zeros((3, 1), bool), groups=("a",))
    >>> p = mm.MatchProblem(scores=[[0.9, 0.8, 0.5]], demand=2, capacity=1, attributes=attrs)
    >>> a = solve_coverage(p)
    >>> a.mentor_idx.tolist(), a.info["optimal"], a.info["coverage_gap"]
    ([0, 2], True, 0.0)
    """
    if coverage is not True:
        raise InvalidInputError("solver 'coverage' maximises topic coverage; coverage must be "
                                f"True, got {coverage!r} (use solver='flow' for pair scores)")
    start = time.monotonic()
    limit = math.inf if time_limit is None else float(time_limit)
    base = solve_flow(problem)
    attrs = problem.attributes
    if attrs is None or not (attrs.asked[problem.demand > 0] > 0).any():
        value = None if attrs is None else _mean_coverage(problem, attrs, base)
        return _answer(problem, base, value=value, bound=value, method="flow",
                       bound_from="no topics asked", swaps=0, floor=value, status="no topics")
    best, method = base, "flow"
    asking = problem.demand > 0
    n_asking = max(int(asking.sum()), 1)
    no_topic = int((asking & ~(attrs.asked > 0).any(axis=1)).sum())  # count as covered
    offered_bound = topic_coverage_bound(problem, attrs.asked, attrs.offered)
    floor = _mean_coverage(problem, attrs, base)
    if floor >= offered_bound - 1e-9:
        # flow already covers all that can be covered; its pair scores are the best possible
        # among answers with as many mentees and pairs, so it is optimal here too.
        return _answer(problem, base, value=floor, bound=floor, method="flow",
                       bound_from="topics offered", swaps=0, floor=floor, status="not needed")
    steered, steered_sum = _topic_flow(problem, attrs)
    if _key(problem, steered, attrs) > _key(problem, best, attrs):
        best, method = steered, "topic flow"
    ee, rr, swaps = _swap_search(problem, best, attrs, start + limit)
    if swaps:
        best, method = Assignment.from_pairs(problem, ee, rr, solver="coverage"), "swap"
    bound, bound_from = min((offered_bound, "topics offered"),
                            ((steered_sum + no_topic) / n_asking, "topic flow"))
    milp_status = "skipped"
    left = limit - (time.monotonic() - start)
    if problem.edges().size <= max_exact_pairs and left > 0:
        exact, milp_bound = _milp(problem, attrs, left, no_topic, n_asking)
        milp_status = exact.info["status"]
        if _key(problem, exact, attrs) >= _key(problem, best, attrs):
            best, method = exact, "milp"
        if milp_bound is not None and milp_bound <= bound:
            bound, bound_from = milp_bound, "milp"
    value = _mean_coverage(problem, attrs, best)
    return _answer(problem, best, value=value, bound=max(bound, value), method=method,
                   bound_from=bound_from, swaps=swaps, floor=floor, status=milp_status)


def _answer(problem: MatchProblem, best: Assignment, *, value: float | None,
            bound: float | None, method: str, bound_from: str, swaps: int,
            floor: float | None, status: str) -> Assignment:
    """Return the coverage solver's answer, with its coverage, bound and gap in ``info``."""
    gap = None if value is None or bound is None else bound - value
    optimal = gap is None or gap < 1e-6
    info = {"objective": "coverage", "coverage": value, "coverage_bound": bound,
            "coverage_gap": None if gap is None else (0.0 if optimal else gap),
            "optimal": optimal, "exact": optimal, "method": method, "bound_from": bound_from,
            "swaps": swaps, "flow_coverage": floor, "milp_status": status}
    return Assignment.from_pairs(problem, best.mentee_idx, best.mentor_idx, solver="coverage",
                                 info=info)
