"""Exact min-cost flow: several distinct mentors per mentee, capacities, min loads, locks.

The network: source -> mentee (demand left after locks) -> mentor (one unit per
admissible pair, so a mentor is never given twice) -> sink (capacity left after
locks, with the minimum load as a lower bound), plus a source -> sink bypass so
that the amount of flow is free. A mentee's first unit has its own source arc.

Costs are lexicographic pairs ``(level, score)``: the level counts pairs, plus
one more for a mentee's first mentor, and is compared first; the float score
breaks ties. Maximising ``covered + pairs`` maximises both at once (an
augmenting path never uncovers anyone), so the level is exactly "most mentees
covered, then most pairs".

A backend (OR-Tools on scaled integer costs, or HiGHS on the network LP)
returns an integral flow; then Bellman-Ford on its residual graph, with the
exact float scores, either finds node potentials that certify optimality or a
negative cycle, which is cancelled (and the search repeated). So the answer is
optimal for the float scores whatever rounding the backend did.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from mentormatch.errors import InfeasibleError, InvalidInputError, SolverError
from mentormatch.problem import Assignment, MatchProblem

__all__ = ["certify_flow", "solve_flow"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

#: Level (min-cost sign) of a mentee's first unit and of every further unit.
_FIRST, _MORE = -2, -1
#: Level given to people who cannot take any further pair (no inflow / no outflow).
_FAR = 1 << 20
#: Relative tolerance of the certificate (times max(1, max |score|)).
_REL_TOL = 2.0 ** -46


@dataclass(frozen=True, eq=False)
class _Network:
    """Arcs of the flow network; pair arcs come first."""

    n_e: int
    n_r: int
    tail: IntArray
    head: IntArray
    lo: IntArray
    hi: IntArray
    level: IntArray  # lexicographic first key of the cost (min-cost sign)
    cost: FloatArray  # float second key: -score on pair arcs, 0 elsewhere
    supply: IntArray
    n_pair: int
    pair_mentee: IntArray
    pair_mentor: IntArray
    mentee_in: NDArray[np.bool_]  # mentee nodes with demand left
    mentor_in: NDArray[np.bool_]  # mentor nodes with capacity left
    first: IntArray  # mentees with a first-unit source arc, in arc order
    more: IntArray  # mentees with a further-units source arc, in arc order
    offering: IntArray  # mentors with a sink arc, in arc order

    @property
    def n_nodes(self) -> int:
        return self.n_e + self.n_r + 2

    @property
    def source(self) -> int:
        return self.n_e + self.n_r

    @property
    def sink(self) -> int:
        return self.n_e + self.n_r + 1


def _build(problem: MatchProblem, objective: str) -> _Network:
    n_e, n_r = problem.shape
    locked = problem.locked
    lock_e = np.bincount(locked[:, 0], minlength=n_e).astype(np.int64)
    lock_r = np.bincount(locked[:, 1], minlength=n_r).astype(np.int64)
    dres = problem.demand - lock_e
    cres = problem.capacity - lock_r
    mres = np.maximum(problem.min_load - lock_r, 0)
    edges = problem.edges()
    e, r, s = edges.mentee, edges.mentor, edges.score
    keep = (dres[e] > 0) & (cres[r] > 0)
    if locked.size:
        keep &= ~np.isin(e * n_r + r, locked[:, 0] * n_r + locked[:, 1])
    if objective == "score" and not mres.any():
        keep &= s > 0  # never worth making without a min load to meet
    e, r, s = e[keep], r[keep], s[keep]
    _check_min_loads(problem, e, r, dres, mres, lock_r)

    src, snk = n_e + n_r, n_e + n_r + 1
    wanting = np.flatnonzero(dres > 0)
    first = wanting[lock_e[wanting] == 0]
    more = wanting[dres[wanting] - (lock_e[wanting] == 0) > 0]
    offering = np.flatnonzero(cres > 0)
    total = int(dres[wanting].sum())
    lex = objective == "lexicographic"
    # "saturate": every unit of demand must flow (no bypass), so levels are moot.
    bypass = 0 if objective == "saturate" else total
    parts = [
        # (tail, head, lo, hi, level)
        (e, n_e + r, np.zeros_like(e), np.ones_like(e), np.zeros_like(e)),
        (np.full(first.size, src), first, np.zeros_like(first), np.ones_like(first),
         np.full(first.size, _FIRST if lex else 0)),
        (np.full(more.size, src), more, np.zeros_like(more),
         dres[more] - (lock_e[more] == 0), np.full(more.size, _MORE if lex else 0)),
        (n_e + offering, np.full(offering.size, snk), mres[offering], cres[offering],
         np.zeros_like(offering)),
        (np.array([src]), np.array([snk]), np.array([0]), np.array([bypass]), np.array([0])),
    ]
    tail, head, lo, hi, level = (np.concatenate([np.asarray(p[k], dtype=np.int64)
                                                 for p in parts]) for k in range(5))
    cost = np.zeros(tail.size, dtype=np.float64)
    cost[:e.size] = -s
    supply = np.zeros(n_e + n_r + 2, dtype=np.int64)
    supply[src], supply[snk] = total, -total
    mentee_in = np.zeros(n_e, dtype=bool)
    mentee_in[wanting] = True
    return _Network(n_e, n_r, tail, head, lo, hi, level, cost, supply, int(e.size), e, r,
                    mentee_in, cres > 0, first, more, offering)


def _check_min_loads(problem: MatchProblem, e: IntArray, r: IntArray, dres: IntArray,
                     mres: IntArray, lock_r: IntArray) -> None:
    """Raise before solving when a minimum load clearly cannot be met."""
    need = np.flatnonzero(mres > 0)
    if need.size == 0:
        return
    n_e, n_r = problem.shape
    reachable = np.bincount(r, minlength=n_r)
    short = need[reachable[need] < mres[need]]
    if short.size:
        msgs = [f"mentor {j} must take at least {problem.min_load[j]} mentees"
                + (f" ({lock_r[j]} through locked pairs)" if lock_r[j] else "")
                + f" but only {reachable[j]} admissible mentee(s) still want a mentor"
                for j in short[:5].tolist()]
        more = f" (and {short.size - 5} more)" if short.size > 5 else ""
        raise InfeasibleError("minimum load cannot be met: " + "; ".join(msgs) + more)
    degree = np.bincount(e, minlength=n_e)
    takeable = int(np.minimum(np.maximum(dres, 0), degree).sum())
    if int(mres.sum()) > takeable:
        raise InfeasibleError(
            f"minimum loads cannot be met: mentors {need[:10].tolist()} need "
            f"{int(mres.sum())} more mentees in all, but the mentees admissible to them can "
            f"take at most {takeable} more mentors"
        )


def _infeasible(problem: MatchProblem, net: _Network) -> InfeasibleError:
    need = np.flatnonzero(net.lo[net.n_pair:] > 0)
    mentors = (net.tail[net.n_pair:][need] - net.n_e).tolist()
    return InfeasibleError(
        f"minimum loads of mentors {mentors[:10]} cannot all be met at once: they compete "
        "for the same few admissible mentees (each mentee can take only its demand)"
    )


#: Multipliers that make "grid" scores (multiples of 1/2, 1/3, ..., 1/16) integers.
_GRID = (1, 2, 6, 12, 60, 420, 840, 2520, 27720, 360360, 720720)


def _grid_multiplier(s: FloatArray, limit: float) -> float | None:
    """Return the smallest multiplier in ``_GRID`` making every score an integer, if any."""
    spread = float(np.abs(s).max(initial=0.0))
    for m in _GRID:
        if m * spread > limit:
            return None
        scaled = s * m
        if np.abs(scaled - np.rint(scaled)).max(initial=0.0) <= 1e-7:
            return float(m)
    return None


def _scaled(net: _Network, lex: bool, scale: float | None = None) -> tuple[IntArray, float]:
    """Integer costs for an integer backend, and the multiplier used.

    Scores on a small grid (multiples of 0.05, thirds, ...) are multiplied into
    small exact integers, which keeps the backend's cost range (and time) small;
    others are multiplied by the largest safe power of two and rounded. The
    level is weighted so that it dominates any score change along a cycle.
    Rounding is undone by the certificate, never trusted.
    """
    s = -net.cost[:net.n_pair]
    active = int(net.mentee_in.sum() + net.mentor_in.sum()) + 1
    limit = 2.0 ** 60 / (net.n_nodes + 1)
    if lex and s.size:
        limit /= 4 * active + 1
    if scale is None:
        scale = _grid_multiplier(s, limit / 4)
    if scale is None:
        spread = float(np.abs(s).max()) if s.size else 0.0
        # log2 of each side: limit / spread overflows to inf for a subnormal spread.
        k = min(math.floor(math.log2(limit) - math.log2(spread)) - 1, 60) if spread > 0 else 0
        scale = 2.0 ** k
    n = np.rint(s * scale).astype(np.int64)
    if lex and n.size:
        n -= (int(n.max()) + int(n.min())) // 2  # pair count is fixed first: safe
    big = 2 * active * int(np.abs(n).max(initial=0)) + 1
    out = net.level * big
    out[:net.n_pair] -= n
    return out, scale


def _run_ortools(net: _Network, lex: bool) -> tuple[IntArray | None, float]:
    """OR-Tools on scaled costs; no flow (None) if the network is infeasible."""
    from ortools.graph.python import min_cost_flow

    costs, scale = _scaled(net, lex)
    supply = net.supply.copy()
    np.subtract.at(supply, net.tail, net.lo)
    np.add.at(supply, net.head, net.lo)
    for _ in range(5):
        smcf = min_cost_flow.SimpleMinCostFlow()
        smcf.add_arcs_with_capacity_and_unit_cost(net.tail, net.head, net.hi - net.lo, costs)
        smcf.set_nodes_supplies(np.arange(net.n_nodes), supply)
        status = smcf.solve()
        if status == smcf.OPTIMAL:
            flow = np.asarray(smcf.flows(np.arange(net.tail.size)), dtype=np.int64) + net.lo
            return flow, scale
        if status == smcf.INFEASIBLE:
            return None, scale
        if status != smcf.BAD_COST_RANGE:
            raise SolverError(f"OR-Tools min-cost flow failed with status {status}")
        # Costs too large for OR-Tools: coarser integers; the certificate still holds.
        costs, scale = _scaled(net, lex, scale / 4096)
    raise SolverError("OR-Tools min-cost flow rejected every cost scale tried")


def _run_highs(net: _Network, lex: bool) -> IntArray | None:
    """HiGHS dual simplex on the network LP; None if it is infeasible."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_array

    m = net.tail.size
    cost = net.cost.copy()
    if lex and net.n_pair:
        s = -cost[:net.n_pair]
        cost[:net.n_pair] = -(s - (float(s.max()) + float(s.min())) / 2)
        active = int(net.mentee_in.sum() + net.mentor_in.sum()) + 1
        big = 2.0 * active * float(np.abs(cost).max()) + 1.0
        cost = cost + big * net.level
    incidence = coo_array(
        (np.r_[np.ones(m), -np.ones(m)], (np.r_[net.tail, net.head], np.r_[np.arange(m),
                                                                             np.arange(m)])),
        shape=(net.n_nodes, m),
    ).tocsr()
    res = linprog(cost, A_eq=incidence, b_eq=net.supply.astype(np.float64),
                  bounds=np.column_stack([net.lo, net.hi]).astype(np.float64),
                  method="highs-ds")
    if res.status == 2:
        return None
    if res.status != 0 or res.x is None:
        raise SolverError(f"HiGHS failed on the network LP: {res.message}")
    x = np.asarray(res.x, dtype=np.float64)
    flow: IntArray = np.rint(x).astype(np.int64)
    if np.abs(x - flow).max(initial=0.0) > 1e-6:
        raise SolverError("HiGHS returned a fractional vertex of the network LP")
    return flow


@dataclass(frozen=True, eq=False)
class _Certificate:
    level: IntArray
    value: FloatArray
    cycles: int
    rounds: int
    tol: float
    proved: bool


def _certify(net: _Network, flow: IntArray, max_cycles: int = 10_000,
             start: tuple[IntArray, FloatArray] | None = None) -> _Certificate:
    """Cancel negative residual cycles (exact float costs) until potentials certify ``flow``.

    ``flow`` is updated in place. Bellman-Ford by rounds from a virtual root at
    distance 0 (Jacobi order, only arcs leaving nodes changed in the last round),
    or label-correcting from ``start`` potentials (a previous proof on the same
    nodes: only what changed since has to settle).
    """
    n = net.n_nodes
    scale = max(1.0, float(np.abs(net.cost).max(initial=0.0)))
    tol = _REL_TOL * scale
    if start is not None and start[0].shape == (n,) and start[1].shape == (n,):
        d_lvl = np.array(start[0], dtype=np.int64)
        d_val = np.array(start[1], dtype=np.float64)
        if _settled(net, flow, d_lvl, d_val, tol):
            return _Certificate(d_lvl, d_val, 0, 0, tol, True)
    else:
        d_lvl = np.zeros(n, dtype=np.int64)
        d_val = np.zeros(n, dtype=np.float64)
    cycles = rounds = 0
    # Both directions of every arc, sorted by tail once; which are residual follows the
    # flow, so cancelling a cycle needs no rebuild.
    m = net.tail.size
    idx = np.arange(m)
    r_tail = np.concatenate([net.tail, net.head])
    order = np.argsort(r_tail, kind="stable")
    r_tail = r_tail[order]
    r_head = np.concatenate([net.head, net.tail])[order]
    r_lvl = np.concatenate([net.level, -net.level])[order]
    r_val = np.concatenate([net.cost, -net.cost])[order]
    r_arc = np.concatenate([idx, idx])[order]
    r_fwd = (order < m)
    r_sign = np.where(r_fwd, 1, -1).astype(np.int64)
    r_limit = np.where(r_fwd, net.hi[r_arc], net.lo[r_arc])
    indptr = np.searchsorted(r_tail, np.arange(n + 1))
    pred = np.full(n, -1, dtype=np.int64)
    frontier = np.arange(n)
    rnd = 0
    while True:
        rnd += 1
        starts = indptr[frontier]
        counts = indptr[frontier + 1] - starts
        total = int(counts.sum())
        offsets = np.cumsum(counts) - counts
        arcs = np.repeat(starts - offsets, counts) + np.arange(total)
        f = flow[r_arc[arcs]]
        arcs = arcs[np.where(r_fwd[arcs], f < r_limit[arcs], f > r_limit[arcs])]
        u, v = r_tail[arcs], r_head[arcs]
        c_lvl = d_lvl[u] + r_lvl[arcs]
        c_val = d_val[u] + r_val[arcs]
        better = (c_lvl < d_lvl[v]) | ((c_lvl == d_lvl[v]) & (c_val < d_val[v] - tol))
        if not better.any():
            return _Certificate(d_lvl, d_val, cycles, rounds, tol, True)
        arcs, v, c_lvl, c_val = arcs[better], v[better], c_lvl[better], c_val[better]
        o = np.lexsort((c_val, c_lvl, v))
        v, c_lvl, c_val, arcs = v[o], c_lvl[o], c_val[o], arcs[o]
        head_first = np.r_[True, v[1:] != v[:-1]]
        v, arcs = v[head_first], arcs[head_first]
        d_lvl[v], d_val[v], pred[v] = c_lvl[head_first], c_val[head_first], arcs
        frontier = v
        rounds += 1
        if not ((rnd >= 16 and (rnd & (rnd - 1)) == 0) or rnd > n):
            continue
        cycle = _pred_cycle(pred, r_tail, frontier, n)
        if cycle is None:
            if rnd > 2 * n + 2:
                return _Certificate(d_lvl, d_val, cycles, rounds, tol, False)
            continue
        np.add.at(flow, r_arc[cycle], r_sign[cycle])
        cycles += 1
        if cycles > max_cycles:
            return _Certificate(d_lvl, d_val, cycles, rounds, tol, False)
        # Only the cycle's reversed arcs are new: settle from their tails onwards.
        frontier = np.union1d(frontier, r_tail[cycle])
        pred[:] = -1
        rnd = 0


def _settled(net: _Network, flow: IntArray, d_lvl: IntArray, d_val: FloatArray,
             tol: float) -> bool:
    """Return True if no residual arc can lower a potential (they already prove ``flow``)."""
    t, h = net.tail, net.head
    for room, sign in ((flow < net.hi, 1), (flow > net.lo, -1)):
        a, b = (t[room], h[room]) if sign == 1 else (h[room], t[room])
        c_lvl = d_lvl[a] + sign * net.level[room] - d_lvl[b]
        c_val = d_val[a] + sign * net.cost[room] - d_val[b]
        if ((c_lvl < 0) | ((c_lvl == 0) & (c_val < -tol))).any():
            return False
    return True


def _pred_cycle(pred: IntArray, r_tail: IntArray, frontier: IntArray,
                n: int) -> list[int] | None:
    """Return a cycle of the predecessor graph (a negative residual cycle), as arc ids."""
    seen = np.full(n, -1, dtype=np.int64)
    for start_pos, start in enumerate(frontier[:8].tolist()):
        x = start
        steps = 0
        while pred[x] >= 0 and seen[x] != start_pos and steps <= n:
            seen[x] = start_pos
            x = int(r_tail[pred[x]])
            steps += 1
        if pred[x] < 0 or steps > n:
            continue
        arcs = []
        y = x
        while True:
            arcs.append(int(pred[y]))
            y = int(r_tail[pred[y]])
            if y == x:
                return arcs
    return None


def solve_flow(problem: MatchProblem, *,
               objective: Literal["lexicographic", "score"] = "lexicographic",
               backend: Literal["auto", "ortools", "highs"] = "auto") -> Assignment:
    """Exact min-cost flow: distinct mentors per mentee, capacities, min loads, locks.

    Optimises, exactly for the float scores given:

    * ``objective="lexicographic"`` (default): first the number of mentees who
      get at least one mentor, then the number of pairs, then the total score;
    * ``objective="score"``: the total score alone (pairs scoring <= 0 are
      never made unless a minimum load needs them).

    Each mentee gets at most ``demand`` *distinct* mentors, each mentor at most
    ``capacity`` mentees and at least ``min_load``; only admissible pairs
    (``problem.edges()``) are used; locked pairs are placed first and use up
    demand and capacity (a mentee with a locked mentor counts as covered).
    Works from the edge list only, so sparse candidate problems are solved too.

    **Exactness.** The backend solves an integral flow: OR-Tools on scores
    scaled by a power of two and rounded, or HiGHS dual simplex on the network
    LP. Neither is trusted: Bellman-Ford on the residual graph with the exact
    float scores either proves optimality with node potentials or finds an
    improving cycle, which is applied before searching again. ``info["exact"]``
    says whether the proof succeeded (its slack is ``info["gap_bound"]``,
    floating-point rounding only). Ties are broken deterministically.

    Parameters
    ----------
    problem : MatchProblem
        Or any object with ``shape``, ``demand``, ``capacity``, ``min_load``,
        ``locked``, ``edges()`` and ``pair_scores()``.
    objective : {"lexicographic", "score"}, default="lexicographic"
    backend : {"auto", "ortools", "highs"}, default="auto"
        ``"auto"`` uses OR-Tools when it is installed, else scipy's HiGHS.

    Returns
    -------
    Assignment
        ``info`` holds ``backend``, ``exact``, ``gap_bound``, ``scale``,
        ``cycles_canceled`` and the dual certificate (``mentee_dual``,
        ``mentor_dual``, ``pair_offset``, ``dual_tol``, and its exact
        lexicographic form ``mentee_level``, ``mentor_level``,
        ``mentee_potential``, ``mentor_potential``): an extra pair ``(i, j)``
        scoring ``s`` cannot improve the answer when ``s + pair_offset <=
        mentee_dual[i] + mentor_dual[j] + dual_tol``.

    Raises
    ------
    InfeasibleError
        If the minimum loads cannot be met; the message names the mentors.

    Examples
    --------
    >>> import mentormatch as mm
    >>> p = mm.MatchProblem(scores=[[3.0, 2.0, 0.0], [3.0, 0.5, 1.0]], demand=2,
    ...                     capacity=[1, 2, 2])
    >>> a = solve_flow(p)
    >>> list(zip(a.mentee_idx.tolist(), a.mentor_idx.tolist())), a.objective
    ([(0, 0), (0, 1), (1, 1), (1, 2)], 6.5)
    >>> a.info["exact"]
    True
    """
    if objective not in ("lexicographic", "score"):
        raise InvalidInputError(
            f"objective must be 'lexicographic' or 'score', got {objective!r}"
        )
    if backend not in ("auto", "ortools", "highs"):
        raise InvalidInputError(
            f"backend must be 'auto', 'ortools' or 'highs', got {backend!r}"
        )
    if backend == "auto":
        backend = "ortools" if _has_ortools() else "highs"
    lex = objective == "lexicographic"
    flow: IntArray | None = None
    scale: float | None = None
    saturated = False
    if lex and int(problem.capacity.sum()) >= int(problem.demand.sum()):
        # When every unit of demand can be met, "most covered, then most pairs" is
        # settled and only the score remains: a smaller cost range, a faster solve.
        # (Not worth trying when the places are fewer than the units wanted.)
        net = _build(problem, "saturate")
        flow, scale = _run_backend(net, backend, lex=False)
        saturated = flow is not None
    if flow is None:
        net = _build(problem, objective)
        flow, scale = _run_backend(net, backend, lex)
    if flow is None:
        raise _infeasible(problem, net)
    return _assignment(problem, net, flow, _certify(net, flow), backend=backend,
                       objective=objective, scale=scale, saturated=saturated)


def certify_flow(problem: MatchProblem, mentee_idx: IntArray, mentor_idx: IntArray, *,
                 max_cycles: int = 64,
                 start: tuple[IntArray, FloatArray] | None = None) -> Assignment | None:
    """Prove the given pairs optimal (lexicographic objective), repairing a few cycles.

    A warm start for problems that changed a little: the pairs (which must be
    feasible: admissible, within demand and capacity, locked pairs included)
    become a flow, and the same Bellman-Ford proof as :func:`solve_flow`
    cancels up to ``max_cycles`` improving cycles. Returns the proved
    assignment with the same ``info`` as :func:`solve_flow`, or None when the
    pairs are infeasible or more cycles are needed (solve from scratch then).
    """
    e = np.asarray(mentee_idx, dtype=np.int64)
    r = np.asarray(mentor_idx, dtype=np.int64)
    placed = _pair_flow(problem, e, r)
    if placed is None:
        return None
    net, flow, full = placed
    cert = _certify(net, flow, max_cycles=max_cycles, start=start)
    if not cert.proved:
        return None
    return _assignment(problem, net, flow, cert, backend="warm start", saturated=full)


def _pair_flow(problem: MatchProblem, e: IntArray, r: IntArray,
               ) -> tuple[_Network, IntArray, bool] | None:
    """Return the network and the flow of the given pairs (None if they are not a flow).

    The network is saturated (no levels) when the pairs meet every mentee's demand.
    """
    n_e, n_r = problem.shape
    locked = problem.locked
    lock_keys = np.sort(locked[:, 0] * n_r + locked[:, 1])
    keys = e * n_r + r
    free = ~np.isin(keys, lock_keys)
    count = np.bincount(e[free], minlength=n_e)
    load = np.bincount(r[free], minlength=n_r)
    lock_e = np.bincount(locked[:, 0], minlength=n_e)
    full = bool((count == np.maximum(problem.demand - lock_e, 0)).all())
    net = _build(problem, "saturate" if full else "lexicographic")
    used = np.sort(keys[free])
    pair_keys = net.pair_mentee * n_r + net.pair_mentor
    flow = np.zeros(net.tail.size, dtype=np.int64)
    flow[:net.n_pair] = np.isin(pair_keys, used)
    if int(flow[:net.n_pair].sum()) != used.size:
        return None  # a pair is not in the network (not admissible, or over a limit)
    # Arcs after the pair arcs, in _build's order: each mentee's first unit, its further
    # units, mentor -> sink, then the bypass.
    rest = net.n_pair
    first_flow = np.minimum(count[net.first], 1)
    flow[rest:rest + net.first.size] = first_flow
    rest += net.first.size
    taken = np.zeros(n_e, dtype=np.int64)
    taken[net.first] = first_flow
    flow[rest:rest + net.more.size] = count[net.more] - taken[net.more]
    rest += net.more.size
    flow[rest:-1] = load[net.offering]
    flow[-1] = int(net.supply[net.source]) - int(count.sum())
    if ((flow < net.lo) | (flow > net.hi)).any():
        return None
    return net, flow, full


def _assignment(problem: MatchProblem, net: _Network, flow: IntArray, cert: _Certificate, *,
                backend: str, saturated: bool, objective: str = "lexicographic",
                scale: float | None = None) -> Assignment:
    """Return the assignment of ``flow`` (plus locked pairs), with ``cert`` in ``info``."""
    locked = problem.locked
    used_arc = flow[:net.n_pair] > 0
    pe = np.concatenate([locked[:, 0], net.pair_mentee[used_arc]])
    pr = np.concatenate([locked[:, 1], net.pair_mentor[used_arc]])
    info: dict[str, Any] = {
        "backend": backend, "objective": objective, "exact": cert.proved,
        "gap_bound": _gap_bound(net, cert), "scale": scale, "cycles_canceled": cert.cycles,
        "bellman_ford_rounds": cert.rounds, "saturated": saturated,
    }
    info.update(_duals(net, cert, -net.cost[:net.n_pair]))
    return Assignment.from_pairs(problem, pe, pr, solver="flow", info=info)


def _run_backend(net: _Network, backend: str,
                 lex: bool) -> tuple[IntArray | None, float | None]:
    if backend == "ortools":
        return _run_ortools(net, lex)
    return _run_highs(net, lex), None


def _has_ortools() -> bool:
    try:
        from ortools.graph.python import min_cost_flow  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the install
        return False
    return True


def _gap_bound(net: _Network, cert: _Certificate) -> float:
    big = float(np.abs(cert.value).max(initial=0.0)) + float(np.abs(net.cost).max(initial=0.0))
    return float(net.n_nodes * (cert.tol + 8 * np.finfo(np.float64).eps * max(big, 1.0)))


def _duals(net: _Network, cert: _Certificate, scores: FloatArray) -> dict[str, Any]:
    """Potentials in the score-maximising convention (see the module docstring)."""
    n_e, n_r, t = net.n_e, net.n_r, net.sink
    e_lvl = cert.level[:n_e] - cert.level[t]
    e_val = cert.value[:n_e] - cert.value[t]
    r_lvl = cert.level[t] - cert.level[n_e:n_e + n_r]
    r_val = cert.value[t] - cert.value[n_e:n_e + n_r]
    e_lvl[~net.mentee_in] = _FAR
    e_val[~net.mentee_in] = 0.0
    r_lvl[~net.mentor_in] = _FAR
    r_val[~net.mentor_in] = 0.0
    weight = 2.0 * (float(np.abs(scores).max(initial=0.0)) + float(np.abs(e_val).max(initial=0))
                    + float(np.abs(r_val).max(initial=0.0)) + cert.tol) + 1.0
    return {
        "node_level": cert.level, "node_value": cert.value,
        "mentee_dual": weight * e_lvl + e_val, "mentor_dual": weight * r_lvl + r_val,
        "pair_offset": 0.0, "dual_tol": cert.tol, "level_weight": weight,
        "mentee_level": e_lvl, "mentor_level": r_lvl,
        "mentee_potential": e_val, "mentor_potential": r_val,
    }
