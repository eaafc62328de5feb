"""Topic coverage across each mentee's mentors: proved bounds, never below flow.

The ``coverage`` solver maximises, best first: mentees with a mentor, pairs
made, the asked topic weight offered by at least one of each mentee's mentors
(each mentee's share, summed), then the total pair score. Within one time
budget for the whole call it runs these steps and keeps the best answer,
compared on those levels in that order:

1. ``flow`` on pair scores: the first two levels at their optimum; the floor
   the answer never falls below (it always runs, whatever the budget).
2. ``flow`` on marginal coverage, in two rounds and then slot rounds
   (``_coverage_rounds``): exact flows that each cover at least as much as
   the answer before.
3. The bound: the LP relaxation of the coverage model over classes of alike
   mentees and mentors (``_coverage_lp``). When the answer reaches it, the
   answer is proved optimal; otherwise the gap is reported.
4. A swap search: a mentee trades a mentor for one with room who adds more
   asked topic weight than the one traded away.
5. If the problem has at most ``max_exact_pairs`` admissible pairs: the
   exact MILP of ``ilp`` with ``coverage=True`` (no leadership rule) within
   what is left of the budget, for the coverage level if a gap is left and
   for the pair-score level below it (steps 2-4 break coverage ties by pair
   score only heuristically). HiGHS checks its time limit only now and
   then, so this step can overrun it a little.

The bound is the MILP's optimum (or its dual bound), else the LP's, else what
each mentee's admissible mentors with a place offer at all.
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
    topic_coverage_bound,
)
from mentormatch.solvers._coverage_lp import coverage_lp_bound
from mentormatch.solvers._coverage_rounds import (
    coverage_key,
    mean_coverage,
    slot_rounds,
    two_rounds,
)
from mentormatch.solvers._ilp import solve_ilp
from mentormatch.solvers.flow import solve_flow

__all__ = ["solve_coverage"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Above this many admissible pairs the exact MILP is not attempted.
MAX_EXACT_PAIRS = 5_000
#: Seconds the default match gives the coverage objective.
DEFAULT_TIME_LIMIT = 20.0
_TOL = 1e-9


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


def _milp(problem: MatchProblem, attrs: ProblemAttributes, seconds: float, no_topic: int,
          n_asking: int) -> tuple[Assignment, float | None]:
    """Run the exact MILP of ``ilp(coverage=True)`` within ``seconds``; its answer, bound."""
    exact = solve_ilp(problem, coverage=True, leadership_limit=None,
                      time_limit=None if math.isinf(seconds) else seconds)
    info = exact.info
    if info["optimal"] or info["stopped_at"] in ("total_score", "tie_break"):
        return exact, mean_coverage(problem, attrs, exact)  # coverage level solved
    if "coverage" in info["bounds"]:
        return exact, (info["bounds"]["coverage"] + no_topic) / n_asking
    return exact, None


def solve_coverage(problem: MatchProblem, *, coverage: bool = True,
                   time_limit: float | None = DEFAULT_TIME_LIMIT,
                   max_exact_pairs: int = MAX_EXACT_PAIRS) -> Assignment:
    """Topic coverage across each mentee's mentors: exact when it can, bounded when not.

    Most mentees with a mentor, then most pairs, then the most asked topic
    weight covered across each mentee's set of mentors, then the highest
    total pair score (module docstring: flow, flows on marginal coverage, an
    LP bound, a swap search, the exact MILP on small problems).

    Parameters
    ----------
    problem : MatchProblem
        Needs ``problem.attributes`` (asked and offered topics).
    coverage : bool, default=True
        Must be True (the keyword every solver declaring ``coverage`` takes).
    time_limit : float or None, default=20.0
        Seconds for the whole call. When they run out the best answer found
        is returned with its bound and gap; flow on pair scores always runs
        first, so there is always an answer. ``None``: no limit.
    max_exact_pairs : int, default=5000
        The MILP is not tried above this many admissible pairs. (Its coverage
        level can take HiGHS minutes at 300 x 80, past any time limit.)

    Returns
    -------
    Assignment
        ``info`` holds ``objective`` ("coverage"), ``coverage`` (mean over
        mentees asking of the covered share, as ``Metrics.topic_coverage``),
        ``coverage_bound`` (an upper bound on it), ``coverage_gap`` (bound
        minus value; 0.0 when optimal), ``flow_coverage`` (flow's, the floor),
        ``optimal`` (the coverage level is proved optimal; pair scores among
        such answers are too when ``milp_status`` is "optimal"), ``method``
        (which step gave the answer: "flow", "marginal flow", "swap" or
        "milp"), ``bound_from`` ("milp", "lp" or "topics offered"),
        ``rounds`` (marginal flows run), ``swaps``, ``lp_status``
        ("optimal", "stalled", "time_limit", "no bound") and ``milp_status``
        ("skipped" when not run). When no mentee asks for a topic the answer
        is flow's (``milp_status`` "no topics"); without topic attributes the
        coverage values are None.

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
    deadline = math.inf if time_limit is None else start + float(time_limit)
    base = solve_flow(problem)
    flow_seconds = time.monotonic() - start
    attrs = problem.attributes
    if attrs is None or not (attrs.asked[problem.demand > 0] > 0).any():
        value = None if attrs is None else mean_coverage(problem, attrs, base)
        return _answer(problem, base, value=value, bound=value, method="flow",
                       bound_from="no topics asked", floor=value, status="no topics")
    floor = mean_coverage(problem, attrs, base)
    offered_bound = topic_coverage_bound(problem, attrs.asked, attrs.offered)
    if floor >= offered_bound - 1e-9:
        # flow already covers all that can be covered; its pair scores are the best possible
        # among answers with as many mentees and pairs, so it is optimal here too.
        return _answer(problem, base, value=floor, bound=floor, method="flow",
                       bound_from="topics offered", floor=floor, status="not needed")
    return _improve(problem, attrs, base, deadline, max_exact_pairs,
                    floor=floor, offered_bound=offered_bound, flow_seconds=flow_seconds)


def _improve(problem: MatchProblem, attrs: ProblemAttributes, base: Assignment,
             deadline: float, max_exact_pairs: int, *, floor: float,
             offered_bound: float, flow_seconds: float) -> Assignment:
    """Run steps 2-5 of the module docstring, each only while the budget lasts."""
    asking = problem.demand > 0
    n_asking = max(int(asking.sum()), 1)
    no_topic = int((asking & ~(attrs.asked > 0).any(axis=1)).sum())  # count as covered
    best, method, rounds = base, "flow", 0
    status = {"lp": "skipped", "milp": "skipped"}
    if time.monotonic() + 2 * flow_seconds < deadline:  # a flow takes about as long as flow's
        split = two_rounds(problem, attrs)
        rounds = 0 if split is None else 2
        if split is not None and coverage_key(problem, attrs, split) > coverage_key(
                problem, attrs, best):
            best, method = split, "marginal flow"
    bound, bound_from = offered_bound, "topics offered"
    if time.monotonic() < deadline:
        lp, status["lp"] = coverage_lp_bound(problem, attrs, best, deadline - time.monotonic())
        if lp is not None and (lp + no_topic) / n_asking < bound:
            bound, bound_from = (lp + no_topic) / n_asking, "lp"
    if time.monotonic() < deadline:
        improved, more = slot_rounds(problem, attrs, best, deadline, bound, flow_seconds)
        rounds += more
        if improved is not best:
            best, method = improved, "marginal flow"
    ee, rr, swaps = _swap_search(problem, best, attrs, deadline)
    if swaps:
        best, method = Assignment.from_pairs(problem, ee, rr, solver="coverage"), "swap"
    left = deadline - time.monotonic()
    if problem.edges().size <= max_exact_pairs and left > 0:  # also for the pair-score level
        exact, milp_bound = _milp(problem, attrs, left, no_topic, n_asking)
        status["milp"] = exact.info["status"]
        if coverage_key(problem, attrs, exact) >= coverage_key(problem, attrs, best):
            best, method = exact, "milp"
        if milp_bound is not None and milp_bound <= bound:
            bound, bound_from = milp_bound, "milp"
    value = mean_coverage(problem, attrs, best)
    return _answer(problem, best, value=value, bound=max(bound, value), method=method,
                   bound_from=bound_from, floor=floor, status=status["milp"],
                   extra={"rounds": rounds, "swaps": swaps, "lp_status": status["lp"]})


def _answer(problem: MatchProblem, best: Assignment, *, value: float | None,
            bound: float | None, method: str, bound_from: str, floor: float | None,
            status: str, extra: dict[str, object] | None = None) -> Assignment:
    """Return the coverage solver's answer, with its coverage, bound and gap in ``info``."""
    gap = None if value is None or bound is None else bound - value
    optimal = gap is None or gap < 1e-6
    info = {"objective": "coverage", "coverage": value, "coverage_bound": bound,
            "coverage_gap": None if gap is None else (0.0 if optimal else gap),
            "optimal": optimal, "exact": optimal, "method": method, "bound_from": bound_from,
            "rounds": 0, "swaps": 0, "flow_coverage": floor, "lp_status": "skipped",
            "milp_status": status, **(extra or {})}
    return Assignment.from_pairs(problem, best.mentee_idx, best.mentor_idx, solver="coverage",
                                 info=info)
