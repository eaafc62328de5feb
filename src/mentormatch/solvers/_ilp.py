"""Integer programming on ``scipy.optimize.milp`` (HiGHS): coverage, division rules, fairness.

The ``ilp`` solver does everything the default semantics ask (several distinct
mentors per mentee, capacities, minimum loads, forbidden and locked pairs) and
what a flow cannot express, because it looks at a mentee's *set* of mentors:

* topic coverage across that set (``coverage=True``),
* at most ``leadership_limit`` mentors holding a leadership role over the
  mentee's division,
* "at least one mentor from the mentee's division" (``same_group``),
* a fairness objective that raises the worst-off mentee first (``"maxmin"``),
* the make-up of each mentor's group (``problem.quotas``: rows in
  ``_ilp_quotas``), a hard rule.

**Priority levels**, best first (a level only breaks ties of those above it):

====  =====================  ==========================================
0     ``priority``           (``problem.priority``) priority mentees with
                             at least one mentor
1     ``mentees``            mentees with at least one mentor
2     ``same_group``         (``same_group="at_least_one"``) mentees with
                             at least one mentor from their own division
3     ``pairs``              pairs made
4     ``coverage``           (``coverage=True``) sum over mentees of the
                             share of their asked topic weight offered by
                             at least one of their mentors
5     ``worst_off``          (``objective="maxmin"``) the lowest
                             :func:`mentee_scores` among mentees with a
                             mentor
6     ``total_score``        sum of pair scores
7     ``tie_break``          smallest sum of pair positions (pairs sorted
                             by mentee, then mentor): deterministic ties
====  =====================  ==========================================

``objective="score"`` drops levels 1 and 3 (pure total score; optional
levels 2 and 4 still come first).

**Exact hierarchical solves.** Each priority level is one MILP: maximise that
level, then add the constraint "this level stays at its optimum" and go on to
the next. No weights are mixed, so no level can be traded for a lower one.
Integer-valued levels (mentees, pairs, division rule, tie-break) are fixed
exactly (``>= optimum - 0.5``). Real-valued levels (topic coverage, worst-off
score, total score) are solved with ``mip_rel_gap=0`` after rescaling so that
HiGHS's absolute gap of 1e-6 is at most 1e-9 of the largest coefficient, and
then kept at their optimum minus 1e-6 of the largest coefficient (well above
HiGHS's feasibility tolerance); answers closer than that on such a level count
as tied, so a lower level may cost a real-valued level at most that much.
``info["tolerance"]`` states that amount per level: ``exact=True`` and
``mip_gap=0`` mean optimal within it (scores that differ by 1e-12 may be
traded), not proved optimal as ``flow`` proves its answers with duals.

**Levels settled by flow.** When the model is a flow problem down to the
``pairs`` level (no priority, division rule, leadership rows or quotas, and
``objective`` not ``"score"``), ``flow`` (exact, proved with duals) gives the
optima of ``mentees`` and ``pairs`` in about a millisecond instead of two
MILPs; they are fixed exactly as a MILP's would be. Flow's answer also
settles the next levels when it cannot be beaten on them: ``coverage`` when it
covers every asked topic any admissible mentor offers (the most there is),
and then ``total_score`` (flow has the highest total among all answers with
those mentees and pairs, so among those covering as much). A settled level's
value and bound are flow's; ``info["flow_levels"]`` names them, and
``info["solves"]`` counts only the MILPs run.

Numerics: the helper variables (mentee has a mentor, topic covered, mentor from
the division) are declared binary although they are integral at any optimum;
as continuous variables they made HiGHS 1.12 repair solutions (and print a
debug line) after real-valued levels were fixed. When HiGHS wrongly reports a
re-imposed level as infeasible (the previous answer satisfies every row), that
level is retried once with presolve switched (``info["retries"]``).
"""

from __future__ import annotations

import math
import re
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from mentormatch.errors import InfeasibleError, InvalidInputError, SolverError
from mentormatch.problem import (
    Assignment,
    MatchProblem,
    ProblemAttributes,
    locked_residual,
    unmeetable_min_loads,
)
from mentormatch.solvers._ilp_quotas import add_quota_rows
from mentormatch.solvers._interrupt import run_interruptibly
from mentormatch.solvers.flow import solve_flow

__all__ = ["mentee_scores", "solve_ilp", "unbalanceable_groups", "worst_off"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_OBJECTIVES = ("lexicographic", "score", "maxmin")
_SAME_GROUP = (None, "at_least_one")
#: Real-valued levels are rescaled so their largest coefficient is this.
_REAL_SCALE = 1e3
#: A real-valued level is kept at its optimum minus this (rescaled units): 1e-6 of the
#: largest coefficient, above HiGHS's feasibility tolerance so re-imposing it stays clean.
_REAL_FIX_TOL = 1e-3
_HARD_LEVELS = frozenset({"coverage", "worst_off"})
#: HiGHS options scipy's ``milp`` does not name (it passes them on, with a warning);
#: ``info["highs_options"]`` states them. Feasibility jump, a primal heuristic, cost about
#: 4 ms of a 12 ms level on the pilot (``mm.match`` of the pilot: median 68 ms with it
#: off, 93 ms on, on a loaded 2-core machine) and changed no answer in 300 random small
#: problems: off.
_HIGHS_EXTRA = {"mip_heuristic_run_feasibility_jump": False}
#: scipy's warning naming only those options (any other still shows). scipy prints them
#: as a set, whose order varies with string hashing, so each is matched on its own.
_HIGHS_EXTRA_NAME = "(?:" + "|".join(re.escape(repr(key)) for key in _HIGHS_EXTRA) + ")"
_HIGHS_EXTRA_WARNING = (
    rf"Unrecognized options detected: \{{{_HIGHS_EXTRA_NAME}(?:, {_HIGHS_EXTRA_NAME})*\}}\. "
    r"These will be passed to HiGHS verbatim\.\Z")


def mentee_scores(problem: MatchProblem, assignment: Assignment) -> FloatArray:
    """Each mentee's score: the sum of their pair scores divided by their demand.

    This is the mean score over the places the mentee asked for, a place left
    empty counting 0, so a mentee who asked for two mentors and got one is
    worse off than one who got both. Mentees with demand 0 score 0.

    Parameters
    ----------
    problem : MatchProblem
    assignment : Assignment

    Returns
    -------
    ndarray of shape (n_mentees,)

    Examples
    --------
    >>> import mentormatch as mm
    >>> p = mm.MatchProblem(scores=[[0.8, 0.4], [0.6, 0.0]], demand=[2, 1], capacity=2)
    >>> a = mm.Assignment.from_pairs(p, [0, 0, 1], [0, 1, 0], solver="manual")
    >>> mentee_scores(p, a).round(2).tolist()
    [0.6, 0.6]
    """
    s = problem.pair_scores(assignment.mentee_idx, assignment.mentor_idx)
    total = np.bincount(assignment.mentee_idx, weights=s, minlength=problem.n_mentees)
    out = np.zeros(problem.n_mentees)
    np.divide(total, problem.demand, out=out, where=problem.demand > 0)
    return out


def worst_off(problem: MatchProblem, assignment: Assignment) -> float:
    """Return the lowest :func:`mentee_scores` value among mentees with at least one mentor.

    Returns ``nan`` when no mentee has a mentor. This is what
    ``solve_ilp(..., objective="maxmin")`` maximises (after mentees and pairs).

    Examples
    --------
    >>> import mentormatch as mm
    >>> p = mm.MatchProblem(scores=[[0.8, 0.4], [0.6, 0.0]], demand=[2, 1], capacity=2)
    >>> a = mm.Assignment.from_pairs(p, [0, 1], [0, 0], solver="manual")
    >>> worst_off(p, a)
    0.4
    """
    covered = assignment.counts(problem.n_mentees) > 0
    if not covered.any():
        return math.nan
    return float(mentee_scores(problem, assignment)[covered].min())


@dataclass
class _Level:
    name: str
    c: FloatArray  # maximise c @ v
    integral: bool


@dataclass
class _Model:
    """The MILP: variables ``[x | y | g | z | t]`` and the rows that tie them."""

    n_vars: int
    n_x: int
    lb: FloatArray
    ub: FloatArray
    integrality: NDArray[np.int8]
    rows: Any  # scipy sparse matrix of the constraint rows
    row_lo: FloatArray
    row_hi: FloatArray
    aux: list[tuple[slice, Any]] = field(default_factory=list)  # v[s] = min(1, M @ x)
    t_index: int | None = None
    t_rows: Any = None  # (n_cov x n_x) mentee score matrix, for t = min over covered
    t_counts: Any = None  # (n_cov x n_x) the same mentees' pair incidence
    t_lo: float = 0.0

    def clean(self, raw: FloatArray) -> FloatArray:
        """Round x to 0/1 and recompute every auxiliary variable exactly from it."""
        v = np.zeros(self.n_vars)
        x = (raw[: self.n_x] > 0.5).astype(np.float64)
        v[: self.n_x] = x
        for s, matrix in self.aux:
            v[s] = np.minimum(1.0, matrix @ x)
        if self.t_index is not None:
            assert self.t_rows is not None and self.t_counts is not None
            score = self.t_rows @ x
            covered = (self.t_counts @ x) > 0
            v[self.t_index] = float(score[covered].min()) if covered.any() else self.t_lo
        return v


class _Rows:
    """Accumulates sparse constraint rows ``lo <= A v <= hi``."""

    def __init__(self) -> None:
        self.r: list[IntArray] = []
        self.c: list[IntArray] = []
        self.v: list[FloatArray] = []
        self.lo: list[FloatArray] = []
        self.hi: list[FloatArray] = []
        self.n = 0

    def add(self, n_rows: int, row: Any, col: Any, val: Any, lo: Any, hi: Any) -> None:
        row = np.asarray(row, dtype=np.int64)
        self.r.append(row + self.n)
        self.c.append(np.asarray(col, dtype=np.int64))
        self.v.append(np.broadcast_to(np.asarray(val, dtype=np.float64), row.shape).copy())
        self.lo.append(np.broadcast_to(np.asarray(lo, dtype=np.float64), (n_rows,)).copy())
        self.hi.append(np.broadcast_to(np.asarray(hi, dtype=np.float64), (n_rows,)).copy())
        self.n += n_rows


class _Builder:
    """Variables (bounds, integrality) and rows of the MILP, added block by block."""

    def __init__(self, n_x: int) -> None:
        self.n_x = n_x
        self.rows = _Rows()
        self.lb: list[FloatArray] = []
        self.ub: list[FloatArray] = []
        self.integ: list[NDArray[np.int8]] = []
        self.aux: list[tuple[slice, Any]] = []
        self.n = 0

    def add_vars(self, lo: FloatArray, hi: FloatArray, integral: bool) -> slice:
        """Append ``lo.size`` variables; return their slice."""
        s = slice(self.n, self.n + lo.size)
        self.lb.append(lo)
        self.ub.append(hi)
        self.integ.append(np.full(lo.size, 1 if integral else 0, dtype=np.int8))
        self.n += lo.size
        return s

    def add_aux(self, row_of_edge: IntArray, edge_cols: IntArray, n_aux: int) -> slice:
        """Binary a_k <= min(1, sum of x over their edges): a_k - sum x <= 0."""
        s = self.add_vars(np.zeros(n_aux), np.ones(n_aux), integral=True)
        self.rows.add(n_aux, np.concatenate([np.arange(n_aux), row_of_edge]),
                      np.concatenate([np.arange(s.start, s.stop), edge_cols]),
                      np.concatenate([np.ones(n_aux), -np.ones(row_of_edge.size)]),
                      -np.inf, 0.0)
        self.aux.append((s, _incidence(row_of_edge, n_aux, self.n_x, edge_cols)))
        return s

    def model(self, worst: _WorstOff | None) -> _Model:
        from scipy import sparse

        rows = self.rows
        a = sparse.csr_array((np.concatenate(rows.v), (np.concatenate(rows.r),
                                                       np.concatenate(rows.c))),
                             shape=(rows.n, self.n))
        model = _Model(n_vars=self.n, n_x=self.n_x, lb=np.concatenate(self.lb),
                       ub=np.concatenate(self.ub), integrality=np.concatenate(self.integ),
                       rows=a, row_lo=np.concatenate(rows.lo), row_hi=np.concatenate(rows.hi),
                       aux=self.aux)
        if worst is not None:
            model.t_index, model.t_rows = worst.index, worst.rows
            model.t_counts, model.t_lo = worst.counts, worst.lo
        return model


@dataclass
class _WorstOff:
    """The worst-off variable t: its index, bounds and the mentee score rows."""

    index: int
    rows: Any
    counts: Any
    lo: float


def _incidence(row: IntArray, n_rows: int, n_x: int, col: IntArray | None = None,
               val: FloatArray | None = None) -> Any:
    from scipy import sparse

    cols = np.arange(row.size) if col is None else col
    vals = np.ones(row.size) if val is None else val
    return sparse.csr_array((vals, (row, cols)), shape=(n_rows, n_x))


def _validate(problem: MatchProblem, objective: str, coverage: bool,
              leadership_limit: int | None, same_group: str | None,
              time_limit: float | None) -> None:
    if objective not in _OBJECTIVES:
        raise InvalidInputError(
            f"objective must be one of {', '.join(map(repr, _OBJECTIVES))}, got {objective!r}"
        )
    if not isinstance(coverage, bool | np.bool_):
        raise InvalidInputError(f"coverage must be True or False, got {coverage!r}")
    if same_group not in _SAME_GROUP:
        raise InvalidInputError(
            f"same_group must be None or 'at_least_one', got {same_group!r}"
        )
    if leadership_limit is not None and (
        isinstance(leadership_limit, bool | np.bool_)
        or not isinstance(leadership_limit, int | np.integer) or leadership_limit < 1
    ):
        raise InvalidInputError(
            f"leadership_limit must be None or an integer >= 1, got {leadership_limit!r} "
            "(to keep leaders away from a mentee entirely, forbid those pairs)"
        )
    if time_limit is not None and (
        isinstance(time_limit, bool) or not isinstance(time_limit, int | float)
        or not math.isfinite(time_limit) or time_limit <= 0
    ):
        raise InvalidInputError(f"time_limit must be a positive number of seconds, "
                                f"got {time_limit!r}")
    if problem.attributes is None:
        asked = [name for name, on in (("coverage=True", coverage),
                                       (f"same_group={same_group!r}", same_group is not None))
                 if on]
        if asked:
            raise InvalidInputError(
                f"{' and '.join(asked)} needs the people's topics and divisions, but this "
                "problem has no attributes; build it with mm.match(cohort, ...) or pass "
                "attributes=mm.ProblemAttributes(...) to MatchProblem"
            )


def _leader_edges(attrs: ProblemAttributes | None, ee: IntArray, rr: IntArray) -> NDArray[
        np.bool_]:
    """Whether each edge's mentor leads the edge's mentee's division."""
    if attrs is None or attrs.mentor_leads.size == 0:
        return np.zeros(ee.size, dtype=bool)
    g = attrs.mentee_group[ee]
    known = g >= 0
    out = np.zeros(ee.size, dtype=bool)
    out[known] = attrs.mentor_leads[rr[known], g[known]]
    return out


def _check_locks_vs_leaders(problem: MatchProblem, limit: int | None) -> None:
    if limit is None or problem.attributes is None or problem.locked.size == 0:
        return
    e, r = problem.locked[:, 0], problem.locked[:, 1]
    lead = _leader_edges(problem.attributes, e, r)
    counts = np.bincount(e[lead], minlength=problem.n_mentees)
    over = np.flatnonzero(counts > limit)
    if over.size:
        i = int(over[0])
        who = r[lead & (e == i)].tolist()
        group = problem.attributes.groups[int(problem.attributes.mentee_group[i])]
        raise InfeasibleError(
            f"mentee {i} is locked to {counts[i]} mentors {who} who lead their division "
            f"{group!r}, but leadership_limit is {limit}; unlock one or raise the limit"
        )


def _explain_infeasible(problem: MatchProblem) -> str:
    return unmeetable_min_loads(problem) or unbalanceable_groups(problem) or (
        f"the minimum loads (at least {int(problem.min_load.sum())} pairs in all, over "
        f"{int((problem.min_load > 0).sum())} mentors) cannot be met together with the "
        f"mentees' demand ({int(problem.demand.sum())} places wanted), the locked pairs"
        + (", the group make-up quotas" if problem.quotas else "") + " and the leadership limit")


def unbalanceable_groups(problem: MatchProblem,
                         name_r: Callable[[int], str] = lambda j: f"mentor {j}") -> str | None:
    """Why some mentor's group cannot meet the make-up quotas, or None.

    Each mentor with a minimum load or locked pairs (the only ways a group
    is forced to be non-empty) is solved alone: its admissible mentees who
    still want a mentor, its locks, capacity and minimum load, and the quotas
    on its group. ``None`` does not prove the quotas can be met together
    (mentors may compete for the same mentees). The message names the mentor
    and the rule, never a value.

    Examples
    --------
    >>> import numpy as np, mentormatch as mm
    >>> from mentormatch.problem import GroupQuota
    >>> lone = GroupQuota(label=np.array([0, 1]), n_values=2, mentors=np.array([True, False]),
    ...                   no_lone=True, name="gender: no lone member")
    >>> p = mm.MatchProblem(scores=[[1.0, 0.0], [1.0, 0.0]], capacity=2, locked=[[0, 0]],
    ...                     quotas=(lone,))
    >>> print(unbalanceable_groups(p))
    mentor 0's group cannot be balanced under quota 'gender: no lone member' with its locked \
pairs, capacity 2 and minimum load 0
    """
    if not problem.quotas or problem.n_mentors < 2:  # one mentor: the problem is the check
        return None
    rest = locked_residual(problem)
    lock_r = np.bincount(problem.locked[:, 1], minlength=problem.n_mentors)
    bound = np.zeros(problem.n_mentors, dtype=bool)
    for q in problem.quotas:
        bound |= q.mentors
    for j in np.flatnonzero(bound & ((problem.min_load > 0) | (lock_r > 0))).tolist():
        mine = problem.locked[problem.locked[:, 1] == j, 0]
        admissible = problem.allowed[:, j] & (rest.demand > 0)
        admissible[mine] = True
        quotas = [q for q in problem.quotas if q.mentors[j]]
        alone = [(q,) for q in quotas] + ([tuple(quotas)] if len(quotas) > 1 else [])
        for rules in alone:
            sub = MatchProblem(
                scores=problem.scores[:, [j]], demand=1, capacity=problem.capacity[[j]],
                allowed=admissible[:, None], locked=np.stack([mine, 0 * mine], axis=1),
                min_load=problem.min_load[[j]],
                quotas=tuple(q.restricted(np.ones(1, dtype=bool)) for q in rules))
            try:
                solve_ilp(sub, objective="score", leadership_limit=None, tie_break=False)
            except InfeasibleError:
                what = (f"quota {rules[0].name!r}" if len(rules) == 1
                        else "its quotas together")
                why = "locked pairs, " if mine.size else ""
                return (f"{name_r(j)}'s group cannot be balanced under {what} with its {why}"
                        f"capacity {problem.capacity[j]} and minimum load "
                        f"{problem.min_load[j]}")
    return None


def _build(problem: MatchProblem, objective: str, coverage: bool, leadership_limit: int | None,
           same_group: str | None, tie_break: bool) -> tuple[_Model, list[_Level], IntArray,
                                                            IntArray]:
    n_e, n_r = problem.shape
    edges = problem.edges()
    keep = (problem.demand[edges.mentee] > 0) & (problem.capacity[edges.mentor] > 0)
    ee, rr, ss = edges.mentee[keep], edges.mentor[keep], edges.score[keep]
    m = int(ee.size)
    attrs = problem.attributes
    b = _Builder(m)
    x_cols = np.arange(m)

    # x: one binary per admissible pair; locked pairs fixed to 1.
    x_lo = np.zeros(m)
    if problem.locked.size:
        pos = np.searchsorted(ee * n_r + rr, problem.locked[:, 0] * n_r + problem.locked[:, 1])
        x_lo[pos] = 1.0
    b.add_vars(x_lo, np.ones(m), integral=True)
    b.rows.add(n_e, ee, x_cols, 1.0, -np.inf, problem.demand)
    b.rows.add(n_r, rr, x_cols, 1.0, problem.min_load, problem.capacity)
    lead = _leader_edges(attrs, ee, rr) if leadership_limit is not None else np.zeros(m, bool)
    if lead.any():
        assert leadership_limit is not None
        b.rows.add(n_e, ee[lead], x_cols[lead], 1.0, -np.inf, float(leadership_limit))
    add_quota_rows(b, problem, ee, rr)

    y = b.add_aux(ee, x_cols, n_e)  # mentee has >= 1 mentor
    g_slice = None
    if same_group is not None:
        assert attrs is not None
        ge = attrs.mentee_group[ee]
        same = (ge >= 0) & (ge == attrs.mentor_group[rr])
        who, g_row = np.unique(ee[same], return_inverse=True)
        g_slice = b.add_aux(g_row.astype(np.int64), x_cols[same], int(who.size))
    z_slice, z_weight = None, np.zeros(0)
    if coverage:
        assert attrs is not None
        z_slice, z_weight = _add_coverage(b, attrs, ee, rr)
    worst = _add_worst_off(b, problem, ee, ss, y) if objective == "maxmin" and m else None
    model = b.model(worst)

    def vec(s: slice | int, values: Any) -> FloatArray:
        c = np.zeros(model.n_vars)
        c[s] = values
        return c

    x = slice(0, m)
    priority = getattr(problem, "priority", None)
    levels = [
        _Level("priority", vec(y, priority.astype(float)), True) if priority is not None
        else None,
        _Level("mentees", vec(y, 1.0), True) if objective != "score" else None,
        _Level("same_group", vec(g_slice, 1.0), True) if g_slice is not None else None,
        _Level("pairs", vec(x, 1.0), True) if objective != "score" else None,
        _Level("coverage", vec(z_slice, z_weight), False) if z_slice is not None else None,
        _Level("worst_off", vec(worst.index, 1.0), False) if worst is not None else None,
        _Level("total_score", vec(x, ss), False),
        # Among equal answers prefer pairs listed first (smaller mentee, then mentor index).
        _Level("tie_break", vec(x, -np.arange(m, dtype=float)), True) if tie_break else None,
    ]
    return model, [lv for lv in levels if lv is not None], ee, rr


def _add_coverage(b: _Builder, attrs: ProblemAttributes, ee: IntArray,
                  rr: IntArray) -> tuple[slice, FloatArray]:
    """Binary z per (mentee, asked topic) some mentor offers; and its weight in the level."""
    n_t = len(attrs.topics)
    hit = (attrs.asked[ee] > 0) & (attrs.offered[rr] > 0)  # (m, n_t)
    e_idx, t_idx = np.nonzero(hit)
    keys = ee[e_idx] * n_t + t_idx
    ukeys, z_row = np.unique(keys, return_inverse=True)
    z_slice = b.add_aux(z_row.astype(np.int64), e_idx.astype(np.int64), int(ukeys.size))
    asked_total = attrs.asked.sum(axis=1)
    zi, zt = ukeys // n_t, ukeys % n_t
    weight: FloatArray = attrs.asked[zi, zt] / asked_total[zi]
    return z_slice, weight


def _add_worst_off(b: _Builder, problem: MatchProblem, ee: IntArray, ss: FloatArray,
                   y: slice) -> _WorstOff:
    """Continuous t <= each covered mentee's score (sum of pair scores over demand)."""
    m = ee.size
    x_cols = np.arange(m)
    t_lo = min(0.0, float(ss.min())) - 1.0
    t_hi = max(0.0, float(ss.max())) + 1.0
    big = t_hi - t_lo
    t_mentees = np.unique(ee)
    k_of = np.searchsorted(t_mentees, ee)
    t_rows = _incidence(k_of, t_mentees.size, m, x_cols, ss / problem.demand[ee])
    t_index = b.add_vars(np.array([t_lo]), np.array([t_hi]), integral=False).start
    k = int(t_mentees.size)
    # t - score_i + big * y_i <= big: binds only for mentees with a mentor.
    b.rows.add(k, np.concatenate([np.arange(k), k_of, np.arange(k)]),
               np.concatenate([np.full(k, t_index), x_cols, y.start + t_mentees]),
               np.concatenate([np.ones(k), -ss / problem.demand[ee], np.full(k, big)]),
               -np.inf, big)
    return _WorstOff(t_index, t_rows, _incidence(k_of, k, m, x_cols), t_lo)


def solve_ilp(problem: MatchProblem, *,
              objective: Literal["lexicographic", "score", "maxmin"] = "lexicographic",
              coverage: bool = False, leadership_limit: int | None = 1,
              same_group: Literal["at_least_one"] | None = None,
              time_limit: float | None = None, tie_break: bool = True) -> Assignment:
    """Integer programming (HiGHS via scipy): coverage, division rules, fairness, exactly.

    One binary variable per admissible pair (never a pair twice); each
    mentee gets at most ``demand`` mentors, each mentor between ``min_load``
    and ``capacity`` mentees, locked pairs are always used. The answer is
    optimal for the priority levels in the module docstring, best first
    (``mentees``, ``same_group``, ``pairs``, ``coverage``, ``worst_off``,
    ``total_score``, ``tie_break``; a level only breaks ties of those above
    it), each solved exactly in turn. The division rule is a level, not a
    hard constraint, so it never costs a mentee their only mentor. Works from
    ``problem.edges()``, so it takes sparse candidate problems too.

    Parameters
    ----------
    problem : MatchProblem
    objective : {"lexicographic", "score", "maxmin"}, default="lexicographic"
        ``"lexicographic"`` is the library's default semantics (mentees,
        then pairs, then total score). ``"maxmin"`` raises the worst-off
        mentee's score (sum of their pair scores over their demand) before
        the total, among answers with the most mentees and pairs.
    coverage : bool, default=False
        Cover as much of each mentee's asked topics as their *set* of mentors
        can (a mentee asking for clinical work, teaching and QI with two
        mentors gets all three when possible). Needs ``problem.attributes``.
    leadership_limit : int or None, default=1
        At most this many of a mentee's mentors may hold a leadership role
        over the mentee's division (``attributes.mentor_leads``). A hard rule;
        with a limit >= 1 it never leaves a mentee without a mentor. ``None``
        disables it; it holds trivially when the problem has no attributes.
    same_group : {None, "at_least_one"}, default=None
        ``"at_least_one"``: give each mentee a mentor from their own division
        where possible (level 2). Mentees or mentors of unknown division
        never count. Needs ``problem.attributes``.
    time_limit : float, optional
        Seconds for all levels together; then the best answer found so far
        (always feasible) is returned and ``info`` says so.
    tie_break : bool, default=True
        Solve level 7 (one more MILP) so that ties do not depend on HiGHS.

    Returns
    -------
    Assignment
        ``info`` holds ``status`` (``"optimal"``, ``"time_limit"``, or ``"numerical"``:
        HiGHS could not re-impose a level even after a retry, the answer is optimal for
        the levels before it), ``optimal``, ``exact`` (same), ``mip_gap`` (of the level
        that stopped; 0.0 when optimal), ``levels``, ``values`` and ``bounds`` (per
        solved level: value reached, HiGHS's bound), ``tolerance`` (per level, the
        shortfall ``exact`` allows: module notes), ``stopped_at``, ``solves`` (MILPs
        run), ``retries``, ``flow_levels`` (the levels flow settled: module notes),
        ``tie_break_done`` (False when only the tie-break ran out), ``backend`` and
        ``highs_options`` (HiGHS options set beyond scipy's own: module notes).

    Raises
    ------
    InvalidInputError
        For an unknown option value, or coverage / division options without
        ``problem.attributes``.
    InfeasibleError
        When minimum loads cannot be met, or locks break the leadership limit.
    SolverError
        When the time limit ends before any feasible answer was found.

    Examples
    --------
    >>> import numpy as np, mentormatch as mm
    >>> attrs = mm.ProblemAttributes(
    ...     asked=np.array([[1.0, 1.0, 1.0]]),                    # 3 topics wanted
    ...     offered=np.array([[1.0, 1.0, 0], [1.0, 1.0, 0], [0, 0, 1.0]]),
    ...     topics=("clinical", "teaching", "qi"),
    ...     mentee_group=np.array([0]), mentor_group=np.array([0, 0, 1]),
    ...     mentor_leads=np.zeros((3, 1), bool), groups=("adult",))
    >>> p = mm.MatchProblem(scores=[[0.9, 0.8, 0.5]], demand=2, capacity=1, attributes=attrs)
    >>> solve_ilp(p).mentor_idx.tolist()                  # best two scores
    [0, 1]
    >>> a = solve_ilp(p, coverage=True)                   # all three topics
    >>> a.mentor_idx.tolist(), a.info["status"], a.info["mip_gap"]
    ([0, 2], 'optimal', 0.0)
    """
    _validate(problem, objective, coverage, leadership_limit, same_group, time_limit)
    _check_locks_vs_leaders(problem, leadership_limit)
    began = time.monotonic()
    model, levels, ee, rr = _build(problem, objective, coverage, leadership_limit, same_group,
                                   tie_break)
    names = _level_names(objective, coverage, same_group, tie_break, _has_priority(problem))
    info: dict[str, Any] = {"objective": objective, "coverage": bool(coverage),
                            "leadership_limit": leadership_limit, "same_group": same_group,
                            "levels": names, "backend": "scipy.optimize.milp (HiGHS)",
                            "highs_options": dict(_HIGHS_EXTRA)}
    if model.n_x == 0:  # no pair to decide
        return _no_pairs(problem, info)
    assert [lv.name for lv in levels] == names
    settled = _flow_settled(problem, model, levels, ee, rr, leadership_limit)
    v, report = _solve_levels(problem, model, levels, time_limit, settled, began)
    x = v[: model.n_x] > 0.5
    return Assignment.from_pairs(problem, ee[x], rr[x], solver="ilp", info={**info, **report})


def _no_pairs(problem: MatchProblem, info: dict[str, Any]) -> Assignment:
    """Return the empty answer when no pair is admissible (infeasible with minimum loads)."""
    if (problem.min_load > 0).any():
        raise InfeasibleError(_explain_infeasible(problem))
    info.update(status="optimal", optimal=True, exact=True, mip_gap=0.0, values={},
                bounds={}, tolerance={}, stopped_at=None, solves=0, flow_levels=[])
    return Assignment.from_pairs(problem, [], [], solver="ilp", info=info)


@dataclass(frozen=True)
class _Settled:
    """Flow's answer (as a model vector) and how many leading levels it settles."""

    v: FloatArray
    n_levels: int


def _flow_settled(problem: MatchProblem, model: _Model, levels: list[_Level], ee: IntArray,
                  rr: IntArray, leadership_limit: int | None) -> _Settled | None:
    """Return the levels flow's answer settles (module notes); None if flow cannot run."""
    names = [lv.name for lv in levels]
    # Priority comes before mentees, the division rule between mentees and pairs.
    if names[:2] != ["mentees", "pairs"] or problem.quotas or (
            leadership_limit is not None and _leader_edges(problem.attributes, ee, rr).any()):
        return None
    try:
        flow = solve_flow(problem)
    except InfeasibleError:
        raise InfeasibleError(_explain_infeasible(problem)) from None
    if not flow.info.get("exact"):
        return None
    n_r = problem.n_mentors
    raw = np.zeros(model.n_vars)
    raw[np.searchsorted(ee * n_r + rr, flow.mentee_idx * n_r + flow.mentor_idx)] = 1.0
    v = model.clean(raw)
    n = 2
    if names[n] == "coverage":
        z = levels[n].c != 0  # the topics some admissible mentor offers
        if not (v[z] > 0.5).all():
            return _Settled(v, n)
        n += 1
    if names[n] == "total_score":
        n += 1
    return _Settled(v, n)


def _has_priority(problem: MatchProblem) -> bool:
    return getattr(problem, "priority", None) is not None


def _level_names(objective: str, coverage: bool, same_group: str | None,
                 tie_break: bool, priority: bool = False) -> list[str]:
    """Return the names of the priority levels solved, best first (module docstring)."""
    return [name for name, on in (
        ("priority", priority), ("mentees", objective != "score"),
        ("same_group", same_group is not None),
        ("pairs", objective != "score"), ("coverage", coverage),
        ("worst_off", objective == "maxmin"), ("total_score", True),
        ("tie_break", tie_break)) if on]


@dataclass
class _Progress:
    """The levels done so far: their fixing rows, the answer, and per-level figures."""

    fixed_c: list[FloatArray] = field(default_factory=list)
    fixed_lo: list[float] = field(default_factory=list)
    best: FloatArray | None = None
    values: dict[str, float] = field(default_factory=dict)
    bounds: dict[str, float] = field(default_factory=dict)
    tolerance: dict[str, float] = field(default_factory=dict)
    solves: int = 0
    retries: int = 0

    def reached(self, level: _Level, scale: float, v: FloatArray, bound: float | None) -> None:
        """Record answer ``v`` for ``level`` (its value; HiGHS's bound, else the value)."""
        value = float(level.c @ v)
        self.values[level.name] = value
        self.bounds[level.name] = value if bound is None else bound
        self.tolerance[level.name] = 0.0 if level.integral else _REAL_FIX_TOL / scale
        self.best = v

    def fix(self, level: _Level, c: FloatArray, v: FloatArray) -> None:
        """Keep ``level`` (rescaled to ``c``) at the value ``v`` reaches from now on."""
        self.fixed_c.append(c)
        self.fixed_lo.append(float(c @ v) - (0.5 if level.integral else _REAL_FIX_TOL))


def _scale(level: _Level) -> float:
    """Real-valued levels are rescaled so their largest coefficient is ``_REAL_SCALE``."""
    if level.integral:
        return 1.0
    top = float(np.abs(level.c).max())
    return _REAL_SCALE / top if top > 0 else 1.0


def _milp(*args: Any, **kwargs: Any) -> Any:
    """Return scipy's ``milp``, given ``_HIGHS_EXTRA``, without its warning about them."""
    from scipy.optimize import milp

    # catch_warnings swaps the process's filter list (not thread-safe before Python
    # 3.14's context-aware warnings); this runs in run_interruptibly's worker while the
    # caller only waits, and the filter matches scipy's message about _HIGHS_EXTRA alone.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", _HIGHS_EXTRA_WARNING, RuntimeWarning)
        return milp(*args, **kwargs)


def _run_level(model: _Model, c: FloatArray, done: _Progress, options: dict[str, Any]) -> Any:
    """Maximise ``c`` with the levels done kept; retry once if HiGHS misjudges them.

    ``options`` go to HiGHS as given (the caller includes ``_HIGHS_EXTRA``) and stay
    so: only the rare retry's switched presolve goes into a copy.
    """
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint

    constraints = [LinearConstraint(model.rows, model.row_lo, model.row_hi)]
    if done.fixed_c:
        constraints.append(LinearConstraint(sparse.csr_array(np.vstack(done.fixed_c)),
                                            np.array(done.fixed_lo), np.inf))
    res = run_interruptibly(
        _milp, -c, integrality=model.integrality, bounds=Bounds(model.lb, model.ub),
        constraints=constraints, options=options)
    done.solves += 1
    if res.status == 2 and done.best is not None:
        # The previous answer satisfies every row, so this is HiGHS misjudging a
        # nearly tight level row (seen with and without presolve): retry once
        # with presolve switched.
        options = {**options, "presolve": not options["presolve"]}
        res = run_interruptibly(
            _milp, -c, integrality=model.integrality, bounds=Bounds(model.lb, model.ub),
            constraints=constraints, options=options)
        done.solves += 1
        done.retries += 1
    return res


def _solve_levels(problem: MatchProblem, model: _Model, levels: list[_Level],
                  time_limit: float | None, settled: _Settled | None,
                  began: float) -> tuple[FloatArray, dict[str, Any]]:
    done = _Progress()
    status, gap, stopped = "optimal", 0.0, None
    tie_break_done = any(level.name == "tie_break" for level in levels)
    n_settled = 0 if settled is None else settled.n_levels
    # Until a coverage or worst-off level enters, the model is close to a flow and
    # HiGHS's presolve (probing every binary) costs more than it saves.
    hard = any(level.name in _HARD_LEVELS for level in levels[:n_settled])
    # One dict for every level: each sets its presolve and the time it has left.
    options: dict[str, Any] = {"mip_rel_gap": 0.0, **_HIGHS_EXTRA}
    if settled is not None:
        for level in levels[:n_settled]:
            scale = _scale(level)
            done.reached(level, scale, settled.v, None)
            done.fix(level, level.c * scale, settled.v)
    for level in levels[n_settled:]:
        scale = _scale(level)
        c = level.c * scale
        hard = hard or level.name in _HARD_LEVELS
        options["presolve"] = hard
        res = None
        left = None if time_limit is None else time_limit - (time.monotonic() - began)
        if left is None or left > 0:
            if left is not None:
                options["time_limit"] = left
            res = _run_level(model, c, done, options)
            if res.status == 2:
                if done.best is None:
                    raise InfeasibleError(_explain_infeasible(problem))
                # Numerical trouble re-imposing a level: the previous answer stands.
                status, stopped, gap = "numerical", level.name, math.inf
                break
            if res.x is None and res.status != 1:
                raise SolverError(f"HiGHS failed on level {level.name!r}: {res.message}")
        if res is not None and res.x is not None:
            v = model.clean(np.asarray(res.x, dtype=np.float64))
            bound = getattr(res, "mip_dual_bound", None)
            done.reached(level, scale, v, None if bound is None else float(-bound) / scale)
        if res is None or res.status != 0:  # the time limit ran out on this level
            if level.name == "tie_break":
                tie_break_done = False  # every objective level is optimal; only ties are open
            else:
                status, stopped = "time_limit", level.name
                g = None if res is None or res.x is None else getattr(res, "mip_gap", None)
                gap = math.inf if g is None else float(g)
            break
        done.fix(level, c, v)
    best = done.best
    if best is None:
        if (problem.min_load > 0).any():
            raise SolverError(f"no feasible answer found within time_limit={time_limit} s; "
                              "raise the limit")
        best = _locked_only(model)
    report = {"status": status, "optimal": status == "optimal", "exact": status == "optimal",
              "mip_gap": gap, "values": done.values, "bounds": done.bounds,
              "tolerance": done.tolerance, "stopped_at": stopped, "solves": done.solves,
              "retries": done.retries, "flow_levels": [lv.name for lv in levels[:n_settled]],
              "tie_break_done": tie_break_done and status == "optimal"}
    return best, report


def _locked_only(model: _Model) -> FloatArray:
    """Return the answer made of the locked pairs alone (feasible without min loads)."""
    raw = np.zeros(model.n_vars)
    raw[: model.n_x] = model.lb[: model.n_x]
    return model.clean(raw)
