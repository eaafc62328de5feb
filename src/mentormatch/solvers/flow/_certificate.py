"""The optimality certificate of a flow: Bellman-Ford on its residual graph, exact float costs.

A backend's flow is integral but may be optimal only for its rounded costs.
Bellman-Ford on the residual graph, with the exact float scores, either finds
node potentials under which no residual arc has a negative reduced cost (a
proof of optimality) or a negative cycle, which is cancelled (and the search
repeated). So the answer is optimal for the float scores whatever rounding
the backend did.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mentormatch.problem import UNREACHABLE_LEVEL, Duals
from mentormatch.solvers.flow._network import Network

__all__ = ["NetworkCertificate", "certify_network", "gap_bound", "person_duals"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: Relative tolerance of the certificate (times max(1, max |score|)).
_REL_TOL = 2.0 ** -46


@dataclass(frozen=True, eq=False)
class NetworkCertificate:
    """Node potentials from the Bellman-Ford proof of a flow, and how they were found.

    Attributes
    ----------
    node_level, node_value : ndarray, shape (n_nodes,)
        Lexicographic node potentials (level compared first, min-cost sign).
    cycles_canceled : int
        Negative cycles found and cancelled (the flow was changed in place).
    rounds : int
        Bellman-Ford rounds run (0: the start potentials held at once).
    tolerance : float
        Slack of a reduced cost still counted non-negative.
    proved : bool
        Whether the potentials prove the flow optimal.
    """

    node_level: IntArray
    node_value: FloatArray
    cycles_canceled: int
    rounds: int
    tolerance: float
    proved: bool


@dataclass(frozen=True, eq=False)
class _ResidualGraph:
    """Both directions of every arc, sorted by tail once.

    Which of them are residual follows the flow, so cancelling a cycle needs no rebuild.
    """

    tail: IntArray
    head: IntArray
    level: IntArray
    cost: FloatArray
    arc: IntArray  # the network arc
    forward: BoolArray
    sign: IntArray  # +1 forward, -1 backward
    limit: IntArray  # the bound the flow must stay off: upper forward, lower backward
    indptr: IntArray  # arcs leaving node u: indptr[u] .. indptr[u + 1]

    @classmethod
    def of(cls, network: Network) -> _ResidualGraph:
        n_arcs = network.tail.size
        arcs = np.arange(n_arcs)
        tail = np.concatenate([network.tail, network.head])
        order = np.argsort(tail, kind="stable")
        tail = tail[order]
        arc = np.concatenate([arcs, arcs])[order]
        forward = order < n_arcs
        return cls(
            tail=tail, head=np.concatenate([network.head, network.tail])[order],
            level=np.concatenate([network.level, -network.level])[order],
            cost=np.concatenate([network.cost, -network.cost])[order], arc=arc,
            forward=forward, sign=np.where(forward, 1, -1).astype(np.int64),
            limit=np.where(forward, network.upper[arc], network.lower[arc]),
            indptr=np.searchsorted(tail, np.arange(network.n_nodes + 1)))

    def open_arcs(self, flow: IntArray, nodes: IntArray) -> IntArray:
        """Residual arcs leaving ``nodes`` (those with room at ``flow``)."""
        starts = self.indptr[nodes]
        arcs = _leaving(starts, self.indptr[nodes + 1] - starts)
        arc_flow = flow[self.arc[arcs]]
        room = np.where(self.forward[arcs], arc_flow < self.limit[arcs],
                        arc_flow > self.limit[arcs])
        out: IntArray = arcs[room]
        return out


@dataclass(frozen=True, eq=False)
class _OpenArcs:
    """The residual arcs of one flow, costs only (no levels), sorted by tail.

    The single-key sweeps run on them, and the proof is checked on them.
    """

    tail: IntArray
    head: IntArray
    cost: FloatArray
    indptr: IntArray  # arcs leaving node u: indptr[u] .. indptr[u + 1]

    @classmethod
    def of(cls, network: Network, flow: IntArray) -> _OpenArcs:
        forward, backward = flow < network.upper, flow > network.lower
        tail = np.concatenate([network.tail[forward], network.head[backward]])
        order = np.argsort(tail, kind="stable")
        tail = tail[order]
        return cls(tail=tail,
                   head=np.concatenate([network.head[forward], network.tail[backward]])[order],
                   cost=np.concatenate([network.cost[forward], -network.cost[backward]])[order],
                   indptr=np.searchsorted(tail, np.arange(network.n_nodes + 1)))

    def prove(self, value: FloatArray, tolerance: float) -> bool:
        """Return True if no arc has a reduced cost below ``-tolerance`` under ``value``."""
        return _proves(self.tail, self.head, self.cost, value, tolerance)


def _proves(tail: IntArray, head: IntArray, cost: FloatArray, value: FloatArray,
            tolerance: float, levels: tuple[IntArray, IntArray] | None = None) -> bool:
    """Return True if no arc ``tail -> head`` has a reduced cost below ``-tolerance``.

    The reduced cost is ``value[tail] + cost - value[head]``; with ``levels`` (each
    arc's level, each node's level) it is lexicographic, the reduced level first.
    """
    below = value[tail] + cost - value[head] < -tolerance
    if levels is not None:
        arc_level, level = levels
        reduced_level = level[tail] + arc_level - level[head]
        below = (reduced_level < 0) | ((reduced_level == 0) & below)
    return not below.any()


def _leaving(starts: IntArray, counts: IntArray) -> IntArray:
    """Positions of the arcs leaving some nodes, of arcs sorted by tail.

    ``starts`` and ``counts`` are each node's first arc and number of arcs (from the
    CSR ``indptr``: ``indptr[nodes]`` and ``indptr[nodes + 1] - indptr[nodes]``).
    """
    ends = np.cumsum(counts)
    total = int(ends[-1]) if ends.size else 0
    out: IntArray = np.repeat(starts - (ends - counts), counts) + np.arange(total)
    return out


def certify_network(network: Network, flow: IntArray, max_cycles: int = 10_000,
                    start: tuple[IntArray, FloatArray] | None = None) -> NetworkCertificate:
    """Cancel negative residual cycles (exact float costs) until potentials certify ``flow``.

    ``flow`` is updated in place. Bellman-Ford by rounds from a virtual root at
    distance 0 (Jacobi order, only arcs leaving nodes changed in the last round),
    or label-correcting from ``start`` node potentials (a previous proof on the
    same nodes: only what changed since has to settle). A network with one cost
    key (all levels zero: "saturate", "score") first tries the faster sweeps of
    :func:`_single_key_sweeps`; the general rounds run only if they leave no proof.
    """
    n_nodes = network.n_nodes
    tolerance = _REL_TOL * max(1.0, float(np.abs(network.cost).max(initial=0.0)))
    if start is not None and start[0].shape == (n_nodes,) and start[1].shape == (n_nodes,):
        level = np.array(start[0], dtype=np.int64)
        value = np.array(start[1], dtype=np.float64)
        if _settled(network, flow, level, value, tolerance):
            return NetworkCertificate(level, value, 0, 0, tolerance, True)
    else:
        level = np.zeros(n_nodes, dtype=np.int64)
        value = np.zeros(n_nodes, dtype=np.float64)
    if not network.level.any() and not level.any():
        # One cost key only: the same shortest distances, found faster by sweeps (below).
        arcs = _OpenArcs.of(network, flow)
        sweeps = _single_key_sweeps(arcs, network.n_mentees, value, tolerance)
        if arcs.prove(value, tolerance):
            return NetworkCertificate(level, value, 0, sweeps, tolerance, True)
    graph = _ResidualGraph.of(network)
    predecessor = np.full(n_nodes, -1, dtype=np.int64)
    frontier = np.arange(n_nodes)
    cycles = rounds = since_cancel = 0
    while True:
        since_cancel += 1
        lowered = _relax(graph, flow, frontier, level, value, predecessor, tolerance)
        if lowered is None:
            return NetworkCertificate(level, value, cycles, rounds, tolerance, True)
        frontier = lowered
        rounds += 1
        # Look for a cycle now and then: at powers of two from 16, and past n rounds.
        if not ((since_cancel >= 16 and (since_cancel & (since_cancel - 1)) == 0)
                or since_cancel > n_nodes):
            continue
        cycle = _predecessor_cycle(predecessor, graph.tail, frontier, n_nodes)
        if cycle is None:
            if since_cancel > 2 * n_nodes + 2:
                return NetworkCertificate(level, value, cycles, rounds, tolerance, False)
            continue
        np.add.at(flow, graph.arc[cycle], graph.sign[cycle])
        cycles += 1
        if cycles > max_cycles:
            return NetworkCertificate(level, value, cycles, rounds, tolerance, False)
        # Only the cycle's reversed arcs are new: settle from their tails onwards.
        frontier = np.union1d(frontier, graph.tail[cycle])
        predecessor[:] = -1
        since_cancel = 0


def _single_key_sweeps(arcs: _OpenArcs, n_mentees: int, value: FloatArray, tolerance: float,
                       max_sweeps: int = 200) -> int:
    """Lower ``value`` (in place) to shortest distances along ``arcs``, levels all zero.

    From zeros, the distances from a virtual root with a 0 arc to every node;
    from a start's potentials, only what changed since has to settle.

    Bellman-Ford by sweeps: the mentors and hubs whose distance fell push along
    their residual arcs, then the mentees do, so a sweep follows a path two arcs
    on (the graph is bipartite but for the hubs). When most of a side fell, all
    its arcs push (one slice, no gather): an arc whose tail did not fall lowers
    nothing. The distances come out as the general search's would; they are a
    start only: :meth:`_OpenArcs.prove` is the proof, and a negative cycle (no
    end after ``max_sweeps``) is left to the general search. Returns the sweeps run.
    """
    n_nodes = value.size
    indptr = arcs.indptr
    degree = np.diff(indptr)
    fell = np.ones(n_nodes, dtype=bool)
    sweeps = 0
    while fell.any() and sweeps < max_sweeps:
        sweeps += 1
        for first, end in ((n_mentees, n_nodes), (0, n_mentees)):
            nodes = first + np.flatnonzero(fell[first:end])
            fell[nodes] = False
            counts = degree[nodes]
            pushing: slice | IntArray = slice(indptr[first], indptr[end])
            tails: slice | IntArray = slice(first, end)
            if 2 * int(counts.sum()) < indptr[end] - indptr[first]:
                pushing, tails = _leaving(indptr[nodes], counts), nodes
            else:
                counts = degree[first:end]
            best = np.full(n_nodes, np.inf)
            # Arcs are sorted by tail: each pushing node's value repeated, not gathered per arc.
            np.minimum.at(best, arcs.head[pushing],
                          np.repeat(value[tails], counts) + arcs.cost[pushing])
            lower = best < value - tolerance
            value[lower] = best[lower]
            fell |= lower
    return sweeps


def _relax(graph: _ResidualGraph, flow: IntArray, frontier: IntArray, level: IntArray,
           value: FloatArray, predecessor: IntArray, tolerance: float) -> IntArray | None:
    """One Bellman-Ford round from ``frontier`` (potentials updated in place).

    Returns the nodes whose potential fell, or None if none did (the proof holds).
    """
    arcs = graph.open_arcs(flow, frontier)
    tails, heads = graph.tail[arcs], graph.head[arcs]
    new_level = level[tails] + graph.level[arcs]
    new_value = value[tails] + graph.cost[arcs]
    better = (new_level < level[heads]) | ((new_level == level[heads])
                                           & (new_value < value[heads] - tolerance))
    if not better.any():
        return None
    arcs, heads = arcs[better], heads[better]
    new_level, new_value = new_level[better], new_value[better]
    order = np.lexsort((new_value, new_level, heads))
    heads, new_level, new_value, arcs = (heads[order], new_level[order], new_value[order],
                                         arcs[order])
    best = np.r_[True, heads[1:] != heads[:-1]]
    lowered: IntArray = heads[best]
    level[lowered], value[lowered] = new_level[best], new_value[best]
    predecessor[lowered] = arcs[best]
    return lowered


def _settled(network: Network, flow: IntArray, level: IntArray, value: FloatArray,
             tolerance: float) -> bool:
    """Return True if no residual arc can lower a potential (they already prove ``flow``)."""
    forward, backward = flow < network.upper, flow > network.lower
    return (_proves(network.tail[forward], network.head[forward], network.cost[forward],
                    value, tolerance, (network.level[forward], level))
            and _proves(network.head[backward], network.tail[backward], -network.cost[backward],
                        value, tolerance, (-network.level[backward], level)))


def _predecessor_cycle(predecessor: IntArray, tail: IntArray, frontier: IntArray,
                       n_nodes: int) -> list[int] | None:
    """Return a cycle of the predecessor graph (a negative residual cycle), as arc ids."""
    seen = np.full(n_nodes, -1, dtype=np.int64)
    for walk, start in enumerate(frontier[:8].tolist()):
        node = start
        steps = 0
        while predecessor[node] >= 0 and seen[node] != walk and steps <= n_nodes:
            seen[node] = walk
            node = int(tail[predecessor[node]])
            steps += 1
        if predecessor[node] < 0 or steps > n_nodes:
            continue
        arcs = []
        on_cycle = node
        while True:
            arcs.append(int(predecessor[on_cycle]))
            on_cycle = int(tail[predecessor[on_cycle]])
            if on_cycle == node:
                return arcs
    return None


def gap_bound(network: Network, proof: NetworkCertificate) -> float:
    """How far from optimal the proved flow can be: floating-point rounding only."""
    size = (float(np.abs(proof.node_value).max(initial=0.0))
            + float(np.abs(network.cost).max(initial=0.0)))
    return float(network.n_nodes
                 * (proof.tolerance + 8 * np.finfo(np.float64).eps * max(size, 1.0)))


def person_duals(network: Network, proof: NetworkCertificate, saturated: bool) -> Duals:
    """Each mentee's and mentor's dual, in the score-maximising sign, from the node potentials."""
    n_e, n_r, sink = network.n_mentees, network.n_mentors, network.sink
    level, value = proof.node_level, proof.node_value
    mentee_level = level[:n_e] - level[sink]
    mentee_potential = value[:n_e] - value[sink]
    mentor_level = level[sink] - level[n_e:n_e + n_r]
    mentor_potential = value[sink] - value[n_e:n_e + n_r]
    mentee_level[~network.mentee_open] = UNREACHABLE_LEVEL
    mentee_potential[~network.mentee_open] = 0.0
    mentor_level[~network.mentor_open] = UNREACHABLE_LEVEL
    mentor_potential[~network.mentor_open] = 0.0
    level_weight = 2.0 * (float(np.abs(network.pair_scores).max(initial=0.0))
                          + float(np.abs(mentee_potential).max(initial=0))
                          + float(np.abs(mentor_potential).max(initial=0.0))
                          + proof.tolerance) + 1.0
    return Duals(mentee_level, mentor_level, mentee_potential, mentor_potential,
                 tolerance=proof.tolerance, level_weight=level_weight, node_level=level,
                 node_value=value, saturated=saturated)
