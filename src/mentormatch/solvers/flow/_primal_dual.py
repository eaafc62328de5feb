"""Min-cost flow on integer costs with numpy and scipy only: the primal-dual method.

Successive shortest paths, phase by phase:

1. a multi-source Dijkstra (scipy) from every node with a surplus, on the
   residual arcs' reduced costs (non-negative under the node potentials),
   finds the distance ``D`` to the farthest node with a shortage it reaches;
2. potentials rise by ``min(distance, D)``, which keeps every reduced cost
   non-negative and makes every shortest path to a reached shortage tight
   (reduced cost 0);
3. a maximum flow (scipy, Dinic) on the tight arcs moves as much surplus as
   those paths carry; then back to 1 until no surplus is left.

Any flow moved on tight arcs keeps every residual reduced cost non-negative,
so the potentials prove the final flow optimal. Capping at the farthest
shortage rather than the nearest lets one phase serve shortages at many
distances (measured: a third fewer phases on noisy scores); the phases are
still more when the costs spread over many values, which the backend's cost
scaling keeps small. A phase moving only a few units still runs a maximum
flow over every tight arc: moving them path by path was measured and lost
(8 national re-optimisations, CPU: 32 s and 37 phases with a maximum flow
each; 49 s and 105 phases along Dijkstra's shortest-path tree below 64 units,
as the unit pair arcs shared by its paths fill after one unit; 176 s and 150
phases with a depth-first search of the tight arcs in Python below 1,000).
Prepared here once per network: parallel and opposite arcs are split by a
node of their own, so every residual arc is one entry of the sparse matrices
scipy reads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra, maximum_flow

from mentormatch.errors import SolverError

__all__ = ["FlowArcs", "PrimalDualResult", "primal_dual"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class FlowArcs:
    """Arcs whose residual arcs are all distinct node pairs (see :meth:`of`).

    The first ``n_input`` arcs are the caller's, in order; the second halves
    of split arcs follow them, and their split points follow the caller's
    ``n_input_nodes`` nodes.
    """

    n_nodes: int
    tail: IntArray
    head: IntArray
    lower: IntArray
    upper: IntArray
    n_input: int
    n_input_nodes: int
    split: IntArray  # the caller's arcs that were split, in the order of their second halves

    @classmethod
    def of(cls, n_nodes: int, tail: IntArray, head: IntArray, lower: IntArray,
           upper: IntArray) -> FlowArcs:
        """Split every arc that shares its two ends with an earlier arc by a node of its own."""
        key = np.minimum(tail, head) * np.int64(n_nodes) + np.maximum(tail, head)
        _, first = np.unique(key, return_index=True)
        repeat = np.ones(tail.size, dtype=bool)
        repeat[first] = False
        split = np.flatnonzero(repeat)
        mid = n_nodes + np.arange(split.size, dtype=np.int64)
        new_head = head.copy()
        new_head[split] = mid
        return cls(n_nodes=n_nodes + split.size, tail=np.concatenate([tail, mid]),
                   head=np.concatenate([new_head, head[split]]),
                   lower=np.concatenate([lower, lower[split]]),
                   upper=np.concatenate([upper, upper[split]]),
                   n_input=int(tail.size), n_input_nodes=n_nodes, split=split)

    def costs(self, cost: IntArray) -> IntArray:
        """Return the caller's arc costs extended to the second halves (which cost nothing)."""
        return np.concatenate([cost, np.zeros(self.split.size, dtype=np.int64)])


@dataclass(frozen=True, eq=False)
class PrimalDualResult:
    """The flow on every arc of a :class:`FlowArcs`, its node potentials, phases run.

    When ``feasible`` the flow is optimal and the potentials prove it;
    otherwise some surplus could reach no shortage, or the phases stopped
    early (``max_phases``, ``leave``): the flow and potentials are where the
    phases stopped (still a valid warm start).
    """

    flow: IntArray
    potential: IntArray
    phases: int
    feasible: bool


#: Dijkstra runs on floats: reduced costs (and path lengths) stay below this to be exact.
EXACT_FLOAT = 2**52


def primal_dual(arcs: FlowArcs, cost: IntArray, supply: IntArray, *,
                flow: IntArray | None = None, potential: IntArray | None = None,
                max_phases: int = 1_000_000, leave: int = 0) -> PrimalDualResult:
    """Return a min-cost flow of ``arcs`` meeting ``supply``, for integer costs.

    ``cost``, ``flow`` and ``potential`` cover every arc and node of ``arcs``
    (see :meth:`FlowArcs.costs`). ``flow`` and ``potential`` may warm-start
    it: given ``potential``, every arc is first put on its optimal bound
    (full where its reduced cost ``cost + potential[tail] - potential[head]``
    is negative, empty where positive), so every residual arc has a
    non-negative reduced cost. Without them the flow starts
    at the lower bounds and the potentials are shortest distances from a
    virtual root (the network must have no negative cycle). Potentials are
    int64; the reduced costs scipy's Dijkstra sees must stay below
    :data:`EXACT_FLOAT`. With ``leave`` the phases stop once at most that
    many units of surplus are left (a cost-scaling stage before the last
    need not finish).
    """
    n_nodes, n_arcs = arcs.n_nodes, arcs.tail.size
    balance = np.zeros(n_nodes, dtype=np.int64)
    balance[:supply.size] = supply
    tail, head = arcs.tail, arcs.head
    flow = arcs.lower.copy() if flow is None else flow.copy()
    warm = potential is not None
    potential = (potential.astype(np.int64, copy=True) if potential is not None
                 else _root_distances(arcs, cost, flow))
    # Kept up to date as potentials rise (flow moves only on arcs of reduced cost 0).
    reduced = cost + potential[tail] - potential[head]
    if warm:
        flow = np.where(reduced < 0, arcs.upper, np.where(reduced > 0, arcs.lower, flow))
    balance += (np.bincount(head, flow, minlength=n_nodes)
                - np.bincount(tail, flow, minlength=n_nodes)).astype(np.int64)
    layout = _Layout.of(arcs)
    phases = 0
    weight = np.empty(2 * n_arcs)  # forward entries, then backward; inf: no residual arc
    while phases < max_phases:
        surplus = np.flatnonzero(balance > 0)
        if surplus.size == 0:
            return PrimalDualResult(flow, potential, phases, True)
        if leave and int(balance[surplus].sum()) <= leave:
            break
        phases += 1
        full, empty = flow == arcs.upper, flow == arcs.lower
        # Residual arcs have reduced cost >= 0 forward and <= 0 backward (an arc strictly
        # between its bounds: 0), so the signed reduced costs are their weights.
        np.copyto(weight[:n_arcs], reduced, casting="unsafe")
        np.negative(weight[:n_arcs], out=weight[n_arcs:])
        np.copyto(weight[:n_arcs], np.inf, where=full)
        np.copyto(weight[n_arcs:], np.inf, where=empty)
        distance = dijkstra(layout.graph(weight), directed=True, indices=surplus,
                            min_only=True)
        needing = np.flatnonzero(balance < 0)
        shortage = distance[needing]
        shortage = shortage[np.isfinite(shortage)]
        if shortage.size == 0:
            break
        reach = float(shortage.max())
        near = distance <= reach
        step = np.where(near, distance, reach).astype(np.int64)
        potential += step
        reduced += step[tail] - step[head]
        # Shortest paths to the reached shortages stay within distance ``reach``.
        tight = np.flatnonzero(reduced == 0)
        tight = tight[near[tail[tight]] & near[head[tight]]]
        forward, backward = tight[~full[tight]], tight[~empty[tight]]
        entry, moved = layout.max_flow(
            np.concatenate([forward, n_arcs + backward, 2 * n_arcs + surplus,
                            2 * n_arcs + n_nodes + needing]),
            np.concatenate([arcs.upper[forward] - flow[forward],
                            flow[backward] - arcs.lower[backward], balance[surplus],
                            -balance[needing]]))
        _move(entry, moved, flow, balance)
    return PrimalDualResult(flow, potential, phases, False)


def _move(entry: IntArray, amount: IntArray, flow: IntArray, balance: IntArray) -> None:
    """Apply a maximum flow's positive entries (see :meth:`_Layout.max_flow`) in place."""
    n_arcs, n_nodes = flow.size, balance.size
    kind = np.searchsorted(np.array([n_arcs, 2 * n_arcs, 2 * n_arcs + n_nodes]), entry,
                           side="right")
    forward, backward, source, sink = (kind == k for k in range(4))
    # Each residual arc is its own node pair, so no index repeats within a kind.
    flow[entry[forward]] += amount[forward]
    flow[entry[backward] - n_arcs] -= amount[backward]
    balance[entry[source] - 2 * n_arcs] -= amount[source]
    balance[entry[sink] - 2 * n_arcs - n_nodes] += amount[sink]


def _root_distances(arcs: FlowArcs, cost: IntArray, flow: IntArray) -> IntArray:
    """Shortest distances from a virtual root joined to every node (Bellman-Ford rounds)."""
    room = flow < arcs.upper
    tail, head, cost = arcs.tail[room], arcs.head[room], cost[room]
    distance = np.zeros(arcs.n_nodes, dtype=np.int64)
    for _ in range(arcs.n_nodes + 1):
        candidate = distance.copy()
        np.minimum.at(candidate, head, distance[tail] + cost)
        if (candidate == distance).all():
            return distance
        distance = candidate
    raise SolverError("the network has a negative cycle")


class _Layout:
    """Fixed sparse structures of a network's residual graph, filled anew each phase.

    Entries: each arc forward, then each arc backward, then, for the max flow
    only, a super-source arc to every node and an arc from every node to a
    super sink. They are sorted by (row, column) once; a phase's maximum flow
    sorts only the positions of the entries it keeps, which is their CSR order.
    """

    def __init__(self, arcs: FlowArcs) -> None:
        n = arcs.n_nodes
        nodes = np.arange(n, dtype=np.int64)
        rows = np.concatenate([arcs.tail, arcs.head, np.full(n, n), nodes])
        cols = np.concatenate([arcs.head, arcs.tail, nodes, np.full(n, n + 1)])
        self._n = n
        self._width = np.int64(n + 2)
        # scipy's csgraph routines run on int32 indices: given int64, each call converts
        # (measured: a third of a Dijkstra on the noisy 10k x 3k core). Past int32's
        # range the indices stay int64 (a cumulative sum would wrap silently).
        self._index = np.int32 if rows.size + 3 < 2**31 else np.int64
        keys = rows * self._width + cols
        self._order = np.argsort(keys, kind="stable")
        self._rows = rows[self._order]
        self._cols = cols[self._order].astype(self._index)
        self._sorted_keys = keys[self._order]
        self._position = np.empty_like(self._order)
        self._position[self._order] = np.arange(self._order.size)
        self._n_graph = 2 * arcs.tail.size  # entries of the residual graph proper
        # The residual graph keeps all its entries (an absent residual arc weighs inf,
        # which Dijkstra never relaxes), so its structure is built once.
        graph_entry = self._order < self._n_graph
        self._graph_entry = self._order[graph_entry]
        self._graph_cols = self._cols[graph_entry]
        self._graph_indptr = np.zeros(n + 1, dtype=self._index)
        np.cumsum(np.bincount(self._rows[graph_entry], minlength=n)[:n],
                  out=self._graph_indptr[1:])

    @classmethod
    def of(cls, arcs: FlowArcs) -> _Layout:
        layout = arcs.__dict__.get("_layout")
        if layout is None:
            layout = cls(arcs)
            object.__setattr__(arcs, "_layout", layout)
        return layout

    def graph(self, weight: FloatArray) -> csr_array:
        """Return the residual graph: ``weight`` per graph entry, inf where no residual arc."""
        return csr_array((weight[self._graph_entry], self._graph_cols, self._graph_indptr),
                         shape=(self._n, self._n))

    def max_flow(self, entry: IntArray, capacity: IntArray) -> tuple[IntArray, IntArray]:
        """Return a maximum flow from the super source to the super sink on the given entries.

        ``entry`` lists the entries of positive ``capacity`` (each once). Returns
        the entries that carry flow and the flow on each: scipy's flow is
        antisymmetric, so an entry's own flow is the positive part.
        """
        n = self._n
        position = self._position[entry]
        order = np.argsort(position)  # the kept entries in (row, column) order
        at = position[order]
        indptr = np.zeros(n + 3, dtype=self._index)
        np.cumsum(np.bincount(self._rows[at], minlength=n + 2), out=indptr[1:])
        graph = csr_array((np.minimum(capacity[order], 2**31 - 1).astype(np.int32),
                           self._cols[at], indptr), shape=(n + 2, n + 2))
        flows = maximum_flow(graph, n, n + 1, method="dinic").flow
        positive = np.flatnonzero(flows.data > 0)
        rows = np.searchsorted(flows.indptr, positive, side="right") - 1
        keys = rows * self._width + flows.indices[positive].astype(np.int64)
        found = np.minimum(np.searchsorted(self._sorted_keys, keys), self._sorted_keys.size - 1)
        if not (self._sorted_keys[found] == keys).all():
            raise SolverError("scipy's maximum flow moved flow on an entry of no residual arc")
        return self._order[found], np.asarray(flows.data[positive], dtype=np.int64)
