"""An upper bound on topic coverage: the LP relaxation over classes of alike people.

The coverage model (``ilp`` with ``coverage=True``) relaxed to a linear
programme: ``x_ij`` in [0, 1] per admissible pair, ``z_it`` in [0, 1] per
mentee and asked topic with ``z_it <= sum_j offers(j, t) x_ij``; demand and
capacity rows; maximise the asked share covered. Mentees with the same asked
topics (and weights), demand and admissible mentors are interchangeable in it,
and so are mentors with the same offered topics and admissible mentees, so the
programme is written over those classes (``x_IJ`` in [0, |I| |J|]): any answer
of the per-person programme sums to one of the class programme with the same
value, so the class optimum bounds it. At 3,000 x 600 the classes number about
1,300 x 500, and only class pairs sharing a topic get a column: pairs sharing
none cover nothing and are pooled per mentee class (using only the total
capacity, which loosens the bound a little and keeps it valid).

Columns are generated: the first LP has the start answer's class pairs and
each mentee class's five best; HiGHS's duals then price every column, the
ones that would help enter, and the LP is solved again until none would.
Every round's duals give a valid bound by weak duality (dual objective plus
each column's positive reduced gain at its upper bound), so a round cut short
by the time limit still leaves the best bound found so far.

The levels above coverage enter as rows: at least as many mentees with a
mentor and pairs as the optimum (flow's counts), with ``y_I <= sum_J x_IJ``.
Locked pairs and minimum loads are dropped (a relaxation, still a bound).
For mentees asking for one mentor, ``z`` is the chosen mentor's share, so
their classes need no ``z`` rows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.optimize import linprog

from mentormatch.problem import Assignment, MatchProblem, ProblemAttributes
from mentormatch.solvers._interrupt import run_interruptibly

__all__ = ["coverage_lp_bound"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Rounds without progress after which column generation stops (status "stalled").
_STALL = 3
#: Added to HiGHS's LP optimum (summed shares): its tolerances are about 1e-7 per row.
_SLACK = 1e-6


def _classes(keys: FloatArray) -> tuple[IntArray, IntArray, IntArray]:
    """Return (first member, class of each row, size) of identical rows."""
    _, first, inverse, counts = np.unique(keys, axis=0, return_index=True,
                                          return_inverse=True, return_counts=True)
    return first.astype(np.int64), inverse.ravel().astype(np.int64), counts.astype(np.int64)


def _block(rows: IntArray, cols: IntArray, vals: FloatArray | float, n_rows: int,
           n_cols: int) -> sparse.csr_array:
    data = np.broadcast_to(np.asarray(vals, dtype=np.float64), rows.shape)
    return sparse.csr_array((data, (rows, cols)), shape=(n_rows, n_cols))


def coverage_lp_bound(problem: MatchProblem, attrs: ProblemAttributes, start: Assignment,
                      seconds: float) -> tuple[float | None, str]:
    """Return an upper bound on the summed covered share (None if none in time); LP status.

    The status is "optimal" (no column would help: the bound is the LP's
    optimum), "stalled" (past a quarter of ``seconds``, the LP's value and
    the bound stopped moving for ``_STALL`` rounds, as column generation does
    on degenerate duals: the rest of the budget is better spent on answers), "time_limit" (the best
    bound found before time ran out) or "no bound" (time ran out before the
    first LP was solved).

    The sum runs over mentees asking for a mentor and naming a topic (each
    share in [0, 1]); ``start`` is an answer with the optimum counts of the
    levels above coverage (its class pairs make the first columns). See the
    module docstring for the programme and how its columns are generated.
    """
    began = time.monotonic()
    deadline = began + seconds
    lp = _programme(problem, attrs, start)
    active = np.zeros(lp.cost.size, dtype=bool)
    active[lp.first] = True
    best: float | None = None
    status = "no bound"
    history: list[tuple[float, float]] = []  # (LP value, best bound) per round
    while time.monotonic() < deadline:
        cols = np.flatnonzero(active)
        res = run_interruptibly(
            linprog, lp.cost[cols], A_ub=lp.rows[:, cols], b_ub=lp.upper,
            bounds=np.stack([np.zeros(cols.size), lp.col_hi[cols]], axis=1),
            method="highs-ds", options={"time_limit": max(deadline - time.monotonic(), 0.01)})
        if res.status != 0:
            break
        duals = np.minimum(np.asarray(res.ineqlin.marginals, dtype=np.float64), 0.0)
        reduced = lp.cost - lp.rows.T @ duals
        bound = -float(duals @ lp.upper) + _best_gains(lp, -reduced) + _SLACK
        best = bound if best is None else min(best, bound)
        status = "time_limit"
        entering = np.flatnonzero(~active & (reduced < -1e-9))
        if entering.size == 0 or best <= -float(res.fun) + _SLACK + 1e-7 * abs(res.fun):
            status = "optimal"
            break
        history.append((-float(res.fun), best))
        if len(history) > _STALL and time.monotonic() - began > seconds / 4:
            (value_then, bound_then), (value_now, _) = history[-1 - _STALL], history[-1]
            if (value_now <= value_then + 1e-9
                    and bound_then - best <= 0.01 * (bound_then - value_then)):
                status = "stalled"
                break
        take = entering[np.argsort(reduced[entering])[: max(2 * lp.n_classes, 200)]]
        active[take] = True
    return best, status


def _best_gains(lp: _Programme, gain: FloatArray) -> float:
    """Return the most reduced gain any box point within the demand rows collects.

    Weak duality, with the demand rows kept: for duals >= 0 on the rows, the
    LP optimum is at most duals.upper plus the maximum of (reduced gain).x
    over 0 <= x <= col_hi with each mentee class's pairs within its demand,
    a fractional knapsack per class (best gains first).
    """
    gain = np.maximum(gain, 0.0)
    free = np.ones(gain.size, dtype=bool)
    free[lp.paired] = False
    total = float(gain[free] @ lp.col_hi[free])  # y and z columns: no demand row
    g, hi, cls = gain[lp.paired], lp.col_hi[lp.paired], lp.pair_class
    order = np.lexsort((-g, cls))
    g, hi, cls = g[order], hi[order], cls[order]
    cum = np.cumsum(hi)
    before = cum - hi - np.concatenate([[0.0], cum])[np.searchsorted(cls, cls)]
    taken = np.clip(lp.demand_cap[cls] - before, 0.0, hi)
    return total + float(g @ taken)


@dataclass(frozen=True)
class _Programme:
    """The class LP as ``min cost.x, rows.x <= upper, 0 <= x <= col_hi``; first columns.

    ``paired`` are the columns of pairs (x and s), ``pair_class`` their mentee
    class and ``demand_cap`` each class's places asked for.
    """

    cost: FloatArray
    rows: sparse.csc_array
    upper: FloatArray
    col_hi: FloatArray
    first: IntArray
    n_classes: int
    paired: IntArray
    pair_class: IntArray
    demand_cap: FloatArray


def _programme(problem: MatchProblem, attrs: ProblemAttributes,
               start: Assignment) -> _Programme:
    n_e, n_r = problem.shape
    edges = problem.edges()
    allowed = np.zeros((n_e, n_r), dtype=np.float64)
    allowed[edges.mentee, edges.mentor] = 1.0
    ee = np.flatnonzero(problem.demand > 0)
    rr = np.flatnonzero(problem.capacity > 0)
    total = attrs.asked[ee].sum(axis=1, keepdims=True)
    share = np.divide(attrs.asked[ee], total, out=np.zeros_like(attrs.asked[ee]),
                      where=total > 0)
    offers = (attrs.offered[rr] > 0).astype(np.float64)
    first_i, of_i, size_i = _classes(np.hstack([share, problem.demand[ee, None],
                                                allowed[np.ix_(ee, rr)]]))
    first_j, of_j, size_j = _classes(np.hstack([offers, allowed[np.ix_(ee, rr)].T]))
    cap_j = np.bincount(of_j, weights=problem.capacity[rr], minlength=first_j.size)
    w_i, d_i, o_j = share[first_i], problem.demand[ee[first_i]], offers[first_j]
    ok = allowed[np.ix_(ee[first_i], rr[first_j])] > 0
    overlap = ((w_i > 0).astype(np.float64) @ o_j.T) > 0
    xi, xj = np.nonzero(ok & overlap)
    spare = (ok & ~overlap).astype(np.float64) @ size_j * size_i  # pooled no-topic pairs
    multi = d_i > 1
    zi, zt = np.nonzero(w_i * multi[:, None] > 0)
    n_i, n_j, n_x, n_z = first_i.size, first_j.size, xi.size, zi.size
    # Columns: x (class pairs sharing a topic), s (pooled pairs), y (mentee classes), z.
    c_x, c_s, c_y, c_z = 0, n_x, n_x + n_i, n_x + 2 * n_i
    n_cols = c_z + n_z
    gain = np.where(multi[xi], 0.0, (w_i[xi] * o_j[xj]).sum(axis=1))
    cost = -np.concatenate([gain, np.zeros(2 * n_i), w_i[zi, zt]])
    z_of = -np.ones(w_i.shape, dtype=np.int64)
    z_of[zi, zt] = np.arange(n_z)
    hx, ht = np.nonzero((w_i[xi] > 0) & (o_j[xj] > 0) & multi[xi, None])
    x_cols, s_cols, y_cols = c_x + np.arange(n_x), c_s + np.arange(n_i), c_y + np.arange(n_i)
    one_i = np.zeros(n_i, dtype=np.int64)
    rows = sparse.vstack([
        _block(z_of[xi[hx], ht], c_x + hx, -1.0, n_z, n_cols)
        + _block(np.arange(n_z), c_z + np.arange(n_z), 1.0, n_z, n_cols),  # z <= covered
        _block(xi, x_cols, 1.0, n_i, n_cols) + _block(np.arange(n_i), s_cols, 1.0, n_i,
                                                     n_cols),  # demand
        _block(xj, x_cols, 1.0, n_j, n_cols),  # capacity
        _block(xi, x_cols, -1.0, n_i, n_cols) + _block(np.arange(n_i), s_cols, -1.0, n_i, n_cols)
        + _block(np.arange(n_i), y_cols, 1.0, n_i, n_cols),  # y <= pairs of the class
        _block(np.zeros(n_x, np.int64), x_cols, 1.0, 1, n_cols)
        + _block(one_i, s_cols, 1.0, 1, n_cols),  # all pairs <= all places
        _block(np.zeros(n_x, np.int64), x_cols, -1.0, 1, n_cols)
        + _block(one_i, s_cols, -1.0, 1, n_cols),  # all pairs >= the optimum's
        _block(one_i, y_cols, -1.0, 1, n_cols),  # mentees >= the optimum's
    ], format="csc")
    mentees = int((start.counts(n_e) > 0).sum())
    upper = np.concatenate([np.zeros(n_z), d_i * size_i, cap_j, np.zeros(n_i),
                            [float(problem.capacity[rr].sum()), -float(start.n_pairs),
                             -float(mentees)]])
    places = (d_i * size_i).astype(np.float64)
    x_hi = np.minimum(np.minimum(size_i[xi] * size_j[xj], places[xi]), cap_j[xj])
    col_hi = np.concatenate([x_hi, np.minimum(spare, places), size_i, size_i[zi]])
    first = _first_columns(start, ee, rr, of_i, of_j, xi, xj, (w_i[xi] * o_j[xj]).sum(axis=1),
                           n_j, np.arange(c_s, n_cols))
    return _Programme(cost, rows, upper, col_hi, first, n_i, np.arange(c_y),
                      np.concatenate([xi, np.arange(n_i)]), places)


def _first_columns(start: Assignment, ee: IntArray, rr: IntArray, of_i: IntArray,
                   of_j: IntArray, xi: IntArray, xj: IntArray, gain: FloatArray, n_j: int,
                   always: IntArray) -> IntArray:
    """Columns of the first LP: the start's class pairs, every s, y and z, best x per class."""
    class_e = np.full(int(ee.max(initial=-1)) + 1, -1, dtype=np.int64)
    class_e[ee] = of_i
    class_r = np.full(int(rr.max(initial=-1)) + 1, -1, dtype=np.int64)
    class_r[rr] = of_j
    keys = xi * n_j + xj  # sorted: np.nonzero returns row-major order
    used = class_e[start.mentee_idx] * n_j + class_r[start.mentor_idx]
    pos = np.searchsorted(keys, used)
    pos = pos[(pos < keys.size) & (keys[np.minimum(pos, keys.size - 1)] == used)]
    order = np.lexsort((-gain, xi))
    rank = np.arange(xi.size) - np.searchsorted(xi[order], xi[order])
    best = order[rank < 5]
    return np.unique(np.concatenate([pos, best, always])).astype(np.int64)
