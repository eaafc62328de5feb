"""Warm re-optimisation of a proved flow after new candidate pairs join.

Column generation solves a candidate problem, finds pairs that beat its duals,
adds them and solves again. Solving from scratch repeats almost all the work;
here the previous optimum and its proof's potentials are the start (the
primal-dual method of successive shortest paths):

1. every new pair whose reduced cost is negative is given its unit, which
   leaves its mentor one mentee too many and its mentee one mentor too many;
   every residual arc now has a non-negative reduced cost;
2. a multi-source Dijkstra (scipy) from the mentors with a surplus gives each
   node its distance; potentials rise by it (capped at the nearest shortage),
   which keeps reduced costs non-negative and makes the shortest paths tight;
3. a maximum flow (scipy, Dinic) on the tight arcs moves as much surplus to
   the shortages as those paths allow; then back to 2 until none is left.

Works on exact integer costs, so only for scores on a small grid (``flow``
scales those exactly) and saturated networks (every mentee gets its demand).
The result is then proved by the same Bellman-Ford certificate as
:func:`~mentormatch.solvers.flow._solve.solve_flow`; None means "solve from scratch".
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra, maximum_flow

from mentormatch.problem import Assignment, MatchProblem
from mentormatch.solvers.flow._solve import (
    _assignment,
    _certify,
    _grid_multiplier,
    _Network,
    _pair_flow,
)

__all__ = ["reoptimize_flow"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def reoptimize_flow(problem: MatchProblem, previous: Assignment, *,
                    max_phases: int = 200) -> Assignment | None:
    """Optimal pairs of ``problem`` from a proved optimum of a problem with fewer pairs.

    ``previous`` must come from ``flow`` (or this function) on the same
    mentees, mentors, demands and capacities, with a subset of ``problem``'s
    admissible pairs, and have met every demand (a saturated network). Returns
    the proved assignment (``info["backend"] == "re-optimised"``), or None
    when the warm start does not apply or takes more than ``max_phases``.
    """
    info = previous.info
    if not info.get("saturated") or "node_value" not in info or "node_level" not in info:
        return None
    level = np.asarray(info["node_level"])
    value = np.asarray(info["node_value"], dtype=np.float64)
    placed = _pair_flow(problem, previous.mentee_idx, previous.mentor_idx)
    if placed is None or not placed[2]:
        return None
    net, flow, _ = placed
    if level.shape != (net.n_nodes,) or value.shape != (net.n_nodes,) or level.any():
        return None
    scores = -net.cost[:net.n_pair]
    scale = _grid_multiplier(scores, 2.0 ** 40 / (net.n_nodes + 1))
    if scale is None:
        return None
    cost = np.rint(net.cost * scale)
    d = value * scale
    if np.abs(d - np.rint(d)).max(initial=0.0) > 1e-6:
        return None
    d = np.rint(d)
    if not _settle(net, flow, cost, d, max_phases):
        return None
    cert = _certify(net, flow, start=(np.zeros(net.n_nodes, dtype=np.int64), d / scale))
    if not cert.proved:
        return None
    return _assignment(problem, net, flow, cert, backend="re-optimised", saturated=True)


def _settle(net: _Network, flow: IntArray, cost: FloatArray, d: FloatArray,
            max_phases: int) -> bool:
    """Give improving pairs their unit, then route the surplus back (``flow``, ``d`` in place).

    Source arcs stay full, so they are left out of the phases; the source's
    potential is brought back below every mentee's at the end, where its arcs
    need it. Returns False if the phases run out or a surplus cannot be routed.
    """
    n_pair = net.n_pair
    pair = np.arange(n_pair)
    # Arcs that move: pair arcs and mentor -> sink arcs (source arcs stay full).
    sink_arcs = np.flatnonzero(net.head == net.sink)
    rc = cost[:n_pair] + d[net.tail[:n_pair]] - d[net.head[:n_pair]]
    gain = (flow[:n_pair] == 0) & (rc < 0)
    flow[pair[gain]] = 1
    balance = np.zeros(net.n_nodes, dtype=np.int64)
    np.add.at(balance, net.head[:n_pair][gain], 1)
    np.add.at(balance, net.tail[:n_pair][gain], -1)
    n = net.n_nodes
    for _ in range(max_phases):
        surplus = np.flatnonzero(balance > 0)
        if surplus.size == 0:
            d[net.source] = min(float(d[net.source]), float(d[:net.n_e].min(initial=np.inf)))
            return True
        short = np.flatnonzero(balance < 0)
        tail, head, red, cap, arc, sign = _residual(net, flow, cost, d, pair, sink_arcs)
        graph = csr_array((red, (tail, head)), shape=(n, n))
        dist = dijkstra(graph, directed=True, indices=surplus, min_only=True)
        reach = float(dist[short].min(initial=np.inf))
        if not np.isfinite(reach):
            return False
        step = np.minimum(dist, reach)
        d += step
        # Shortest paths to the nearest shortages stay within distance ``reach``.
        near = dist <= reach
        tight = near[tail] & near[head]
        tight[tight] = red[tight] + step[tail[tight]] - step[head[tight]] == 0
        delta = _max_flow(n, tail[tight], head[tight], cap[tight], surplus,
                          balance[surplus], short, -balance[short])
        if not delta.any():
            return False
        np.add.at(flow, arc[tight], sign[tight] * delta)
        # What left or reached each node through the moved arcs settles its balance.
        net_out = (np.bincount(tail[tight], delta, minlength=n)
                   - np.bincount(head[tight], delta, minlength=n))
        balance -= np.rint(net_out).astype(np.int64)
    return False


def _residual(net: _Network, flow: IntArray, cost: FloatArray, d: FloatArray,
              pair: IntArray, sink_arcs: IntArray
              ) -> tuple[IntArray, IntArray, FloatArray, IntArray, IntArray, IntArray]:
    """Residual arcs that can move: tail, head, reduced cost, room, network arc, direction."""
    t, h, x = net.tail, net.head, flow
    up = np.concatenate([pair[x[pair] == 0], sink_arcs[x[sink_arcs] < net.hi[sink_arcs]]])
    down = np.concatenate([pair[x[pair] == 1], sink_arcs[x[sink_arcs] > net.lo[sink_arcs]]])
    tail = np.concatenate([t[up], h[down]])
    head = np.concatenate([h[up], t[down]])
    red = np.concatenate([cost[up] + d[t[up]] - d[h[up]],
                          -cost[down] + d[h[down]] - d[t[down]]])
    cap = np.concatenate([net.hi[up] - x[up], x[down] - net.lo[down]])
    arc = np.concatenate([up, down])
    sign = np.concatenate([np.ones(up.size, np.int64), -np.ones(down.size, np.int64)])
    # Rounding of integer sums is exact; clip the -0.0 of cancelled terms.
    return tail, head, np.maximum(red, 0.0), cap, arc, sign


def _max_flow(n: int, tail: IntArray, head: IntArray, cap: IntArray, sources: IntArray,
              supply: IntArray, sinks: IntArray, demand: IntArray) -> IntArray:
    """Flow on each arc of a maximum flow from ``sources`` (up to ``supply``) to ``sinks``."""
    src, snk = n, n + 1
    all_tail = np.concatenate([tail, np.full(sources.size, src), sinks])
    all_head = np.concatenate([head, sources, np.full(sinks.size, snk)])
    all_cap = np.concatenate([cap, supply, demand]).astype(np.int32)
    graph = csr_array((all_cap, (all_tail, all_head)), shape=(n + 2, n + 2))
    f = maximum_flow(graph, src, snk, method="dinic").flow
    # f is antisymmetric (f[v, u] = -f[u, v]); with sorted indices its entries run in
    # (row, column) order, so one search finds every arc.
    f.sort_indices()
    width = np.int64(n + 2)
    keys = np.repeat(np.arange(n + 2, dtype=np.int64), np.diff(f.indptr)) * width + f.indices
    want = tail.astype(np.int64) * width + head
    pos = np.minimum(np.searchsorted(keys, want), max(keys.size - 1, 0))
    hit = keys[pos] == want if keys.size else np.zeros(want.size, dtype=bool)
    out: IntArray = np.where(hit, np.asarray(f.data, dtype=np.int64)[pos], 0)
    return np.maximum(out, 0)
