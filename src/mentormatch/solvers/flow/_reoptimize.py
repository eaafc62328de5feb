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
:func:`~mentormatch.solvers.flow.solve_flow`; None means "solve from scratch".
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra, maximum_flow

from mentormatch.errors import SolverError
from mentormatch.problem import Assignment, MatchProblem
from mentormatch.solvers.flow._backends import grid_multiplier
from mentormatch.solvers.flow._certificate import certify_network
from mentormatch.solvers.flow._network import Network, flow_of_pairs
from mentormatch.solvers.flow._solve import flow_assignment

__all__ = ["reoptimize_flow"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


def reoptimize_flow(problem: MatchProblem, previous: Assignment, *,
                    max_phases: int = 200) -> Assignment | None:
    """Optimal pairs of ``problem`` from a proved optimum of a problem with fewer pairs.

    ``previous`` must come from ``flow`` (or this function) on the same
    mentees, mentors, demands and capacities, with a subset of ``problem``'s
    admissible pairs, and have met every demand (its ``duals`` are
    ``saturated``). Returns the proved assignment (``info["backend"] ==
    "re-optimised"``), or None when the warm start does not apply or takes
    more than ``max_phases``.

    Examples
    --------
    >>> import mentormatch as mm
    >>> from mentormatch.problem import CandidateProblem
    >>> part = CandidateProblem(2, 2, [0, 1], [0, 0], [0.5, 0.25], capacity=2)
    >>> full = CandidateProblem(2, 2, [0, 1, 1], [0, 0, 1], [0.5, 0.25, 0.75], capacity=2)
    >>> a = reoptimize_flow(full, mm.solve(part, solver="flow"))
    >>> a.mentor_idx.tolist(), a.objective, a.info["backend"]
    ([0, 1], 1.25, 're-optimised')
    """
    duals = previous.duals
    if duals is None or not duals.saturated:
        return None
    placed = flow_of_pairs(problem, previous.mentee_idx, previous.mentor_idx)
    if placed is None or not placed[2]:
        return None
    network, flow, _ = placed
    if (duals.node_level.shape != (network.n_nodes,)
            or duals.node_value.shape != (network.n_nodes,) or duals.node_level.any()):
        return None
    scale = grid_multiplier(network.pair_scores, 2.0 ** 40 / (network.n_nodes + 1))
    if scale is None:
        return None
    cost = np.rint(network.cost * scale)
    potential = duals.node_value * scale
    if np.abs(potential - np.rint(potential)).max(initial=0.0) > 1e-6:
        return None
    potential = np.rint(potential)
    if not _settle(network, flow, cost, potential, max_phases):
        return None
    proof = certify_network(network, flow, start=(np.zeros(network.n_nodes, dtype=np.int64),
                                                  potential / scale))
    if not proof.proved:
        return None
    return flow_assignment(problem, network, flow, proof, backend="re-optimised",
                           saturated=True)


def _settle(network: Network, flow: IntArray, cost: FloatArray, potential: FloatArray,
            max_phases: int) -> bool:
    """Give improving pairs their unit, then route the surplus back (in place).

    ``flow`` and the integer node ``potential`` change in place. Source arcs
    stay full, so they are left out of the phases; the source's potential is
    brought back below every mentee's at the end, where its arcs need it.
    Returns False if the phases run out or a surplus cannot be routed.
    """
    n_pair, n_nodes = network.n_pair, network.n_nodes
    reduced = (cost[:n_pair] + potential[network.tail[:n_pair]]
               - potential[network.head[:n_pair]])
    gain = (flow[:n_pair] == 0) & (reduced < 0)
    flow[:n_pair][gain] = 1
    balance = np.zeros(n_nodes, dtype=np.int64)
    np.add.at(balance, network.head[:n_pair][gain], 1)
    np.add.at(balance, network.tail[:n_pair][gain], -1)
    residual = _Residual(network, flow, cost)
    for _ in range(max_phases):
        surplus = np.flatnonzero(balance > 0)
        if surplus.size == 0:
            potential[network.source] = min(float(potential[network.source]),
                                            float(potential[:network.n_mentees].min(
                                                initial=np.inf)))
            return True
        short = np.flatnonzero(balance < 0)
        reduced = residual.reduced(potential)
        distance = dijkstra(residual.graph(reduced), directed=True, indices=surplus,
                            min_only=True)
        reach = float(distance[short].min(initial=np.inf))
        if not np.isfinite(reach):
            return False
        step = np.minimum(distance, reach)
        potential += step
        # Shortest paths to the nearest shortages stay within distance ``reach``.
        near = distance <= reach
        tight = np.flatnonzero(residual.open & near[residual.tail] & near[residual.head])
        tight = tight[reduced[tight] + step[residual.tail[tight]]
                      - step[residual.head[tight]] == 0]
        moved = _max_flow(n_nodes, residual.tail[tight], residual.head[tight],
                          residual.room[tight], surplus, balance[surplus], short,
                          -balance[short])
        if not moved.any():
            return False
        residual.push(tight, moved, flow)
        # What left or reached each node through the moved arcs settles its balance.
        net_out = (np.bincount(residual.tail[tight], moved, minlength=n_nodes)
                   - np.bincount(residual.head[tight], moved, minlength=n_nodes))
        balance -= np.rint(net_out).astype(np.int64)
    return False


class _Residual:
    """The arcs that move (pair and sink arcs) in both directions, as one fixed CSR graph.

    Built once per re-optimisation: a phase only rewrites the weights (the
    reduced costs, ``inf`` where an entry has no room) and a push only
    updates the room of the entries it used and of their reverses. Entries
    are sorted by (tail, head), so they are the graph's CSR order.
    """

    def __init__(self, network: Network, flow: IntArray, cost: FloatArray) -> None:
        arcs = np.concatenate([np.arange(network.n_pair),
                               np.flatnonzero(network.head == network.sink)])
        m, n_nodes = arcs.size, network.n_nodes
        tail = np.concatenate([network.tail[arcs], network.head[arcs]])
        head = np.concatenate([network.head[arcs], network.tail[arcs]])
        # Grouped by tail (a counting sort): the CSR order.
        grouped = csr_array((np.arange(1, 2 * m + 1), (tail, head)), shape=(n_nodes, n_nodes))
        if grouped.nnz != 2 * m:  # scipy sums duplicate entries: pushes would miss their arcs
            raise SolverError(f"the residual graph has {2 * m - grouped.nnz} repeated "
                              "(tail, head) arcs; the re-optimiser needs them distinct")
        order = np.asarray(grouped.data, dtype=np.int64) - 1
        self.n_nodes = n_nodes
        self.tail, self.head = tail[order], head[order]
        self.arc = np.concatenate([arcs, arcs])[order]
        forward = order < m
        self.sign = np.where(forward, 1, -1).astype(np.int64)
        self.cost = np.where(forward, cost[self.arc], -cost[self.arc])
        self.room = np.where(forward, network.upper[self.arc] - flow[self.arc],
                             flow[self.arc] - network.lower[self.arc]).astype(np.int64)
        self.open = self.room > 0
        where = np.empty_like(order)
        where[order] = np.arange(order.size)
        # The entry of the same arc in the other direction.
        self.reverse = where[(order + m) % (2 * m)]
        self.indptr = grouped.indptr
        self.indices = grouped.indices

    def reduced(self, potential: FloatArray) -> FloatArray:
        """Reduced cost of every entry at ``potential`` (>= 0 on the open ones)."""
        out: FloatArray = self.cost + potential[self.tail] - potential[self.head]
        return out

    def graph(self, reduced: FloatArray) -> csr_array:
        """Return the open entries weighted by reduced cost (the rest ``inf``: no edge)."""
        # Rounding of integer sums is exact; clip the -0.0 of cancelled terms.
        weight = np.where(self.open, np.maximum(reduced, 0.0), np.inf)
        return csr_array((weight, self.indices, self.indptr),
                         shape=(self.n_nodes, self.n_nodes))

    def push(self, entries: IntArray, moved: IntArray, flow: IntArray) -> None:
        """Move ``moved`` units along ``entries``: their room shrinks, their reverses' grows."""
        used = moved > 0
        entries, moved = entries[used], moved[used]
        np.add.at(flow, self.arc[entries], self.sign[entries] * moved)
        self.room[entries] -= moved
        self.room[self.reverse[entries]] += moved
        touched = np.concatenate([entries, self.reverse[entries]])
        self.open[touched] = self.room[touched] > 0


def _max_flow(n_nodes: int, tail: IntArray, head: IntArray, room: IntArray,
              sources: IntArray, supply: IntArray, sinks: IntArray,
              demand: IntArray) -> IntArray:
    """Flow on each arc of a maximum flow from ``sources`` (up to ``supply``) to ``sinks``."""
    source, sink = n_nodes, n_nodes + 1
    all_tail = np.concatenate([tail, np.full(sources.size, source), sinks])
    all_head = np.concatenate([head, sources, np.full(sinks.size, sink)])
    all_room = np.concatenate([room, supply, demand]).astype(np.int32)
    graph = csr_array((all_room, (all_tail, all_head)), shape=(n_nodes + 2, n_nodes + 2))
    flows = maximum_flow(graph, source, sink, method="dinic").flow
    # ``flows`` is antisymmetric (f[v, u] = -f[u, v]); with sorted indices its entries run
    # in (row, column) order, so one search finds every arc.
    flows.sort_indices()
    width = np.int64(n_nodes + 2)
    keys = (np.repeat(np.arange(n_nodes + 2, dtype=np.int64), np.diff(flows.indptr)) * width
            + flows.indices)
    want = tail.astype(np.int64) * width + head
    pos = np.minimum(np.searchsorted(keys, want), max(keys.size - 1, 0))
    hit = keys[pos] == want if keys.size else np.zeros(want.size, dtype=bool)
    out: IntArray = np.where(hit, np.asarray(flows.data, dtype=np.int64)[pos], 0)
    return np.maximum(out, 0)
