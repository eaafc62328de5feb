"""The warm start of the blossom algorithm: the bipartite double cover's optimum.

Give every vertex a left and a right copy and every edge ``{a, b}`` the arcs
``a -> b`` and ``b -> a`` of the same weight, plus ``a -> a`` of weight 0
(unmatched). A maximum-weight assignment of this bipartite graph (scipy's
compiled solvers) is a permutation whose cycles, halved, give an optimal
*fractional* matching: 2-cycles and even cycles are matchings, an odd cycle
leaves one vertex over. Its assignment duals ``u`` (left) and ``v`` (right),
found by Bellman-Ford on the permutation, give vertex duals
``y = (u + v) / 2`` that are feasible for the matching problem, non-negative
and tight on every cycle edge. So every vertex but one per odd cycle starts
matched, and the blossom algorithm only has those to place.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from mentormatch.errors import SolverError
from mentormatch.solvers.pairing._graph import Graph

__all__ = ["warm_start"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

#: Above this share of all vertex pairs, the assignment runs on a dense matrix.
_DENSE_SHARE = 0.25


def warm_start(graph: Graph) -> tuple[IntArray, FloatArray]:
    """Return a matching (``mate``, -1: exposed) and feasible vertex duals, tight on it."""
    n = graph.n
    if graph.u.size == 0:
        return np.full(n, -1, dtype=np.int64), np.zeros(n)
    successor = _assignment(graph)
    column = _column_duals(graph, successor)
    own = graph.weight_to(np.arange(n), successor)
    row = own - column[successor]
    return _cycle_matching(successor), (row + column) / 2


def _assignment(graph: Graph) -> IntArray:
    """Return a maximum-weight permutation of the double cover (a is given successor[a])."""
    n = graph.n
    if 2 * graph.u.size >= _DENSE_SHARE * n * n:
        from scipy.optimize import linear_sum_assignment

        weights = np.full((n, n), -np.inf)
        weights[graph.u, graph.v] = graph.weight
        weights[graph.v, graph.u] = graph.weight
        np.fill_diagonal(weights, 0.0)
        _, successor = linear_sum_assignment(weights, maximize=True)
        return np.asarray(successor, dtype=np.int64)
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    # Shift every weight positive: a zero would read as no arc; a full
    # assignment takes n arcs, so the shift changes no choice.
    shift = float(np.abs(graph.weight).max(initial=0.0)) + 1.0
    rows = np.concatenate([graph.u, graph.v, np.arange(n)])
    cols = np.concatenate([graph.v, graph.u, np.arange(n)])
    data = np.concatenate([graph.weight, graph.weight, np.zeros(n)]) + shift
    matrix = csr_array((data, (rows, cols)), shape=(n, n))
    _, successor = min_weight_full_bipartite_matching(matrix, maximize=True)
    return np.asarray(successor, dtype=np.int64)


def _column_duals(graph: Graph, successor: IntArray) -> FloatArray:
    """Right-copy duals ``v`` of an optimal assignment, by Bellman-Ford rounds.

    With ``u[a] = w(a, successor[a]) - v[successor[a]]``, feasibility reads
    ``v[successor[a]] <= v[b] + w(a, successor[a]) - w(a, b)`` for every arc
    ``a -> b``: shortest distances on the right copies, which exist because
    the assignment is optimal (no negative cycle).
    """
    n = graph.n
    own = graph.weight_to(np.arange(n), successor)
    starts = graph.indptr[:-1]
    has = graph.indptr[1:] > starts
    value = np.zeros(n)
    for _ in range(n + 2):
        # Least v[b] - w(a, b) over a's arcs, and v[a] - 0 for the unmatched arc a -> a.
        through = value[graph.neighbor] - graph.neighbor_weight
        best = value.copy()
        if has.any():
            segment = np.minimum.reduceat(through, starts[has]) if through.size else through
            best[has] = np.minimum(best[has], segment)
        candidate = value.copy()
        candidate[successor] = np.minimum(value[successor], own + best)
        if (candidate == value).all():
            return value
        value = candidate
    raise SolverError("the double-cover assignment is not optimal (a negative cycle remains)")


def _cycle_matching(successor: IntArray) -> IntArray:
    """Match the permutation's cycles: every other edge; an odd cycle leaves its last vertex."""
    n = successor.size
    mate = np.full(n, -1, dtype=np.int64)
    seen = np.zeros(n, dtype=bool)
    for start in range(n):
        if seen[start]:
            continue
        cycle = [start]
        seen[start] = True
        nxt = int(successor[start])
        while nxt != start:
            cycle.append(nxt)
            seen[nxt] = True
            nxt = int(successor[nxt])
        for k in range(0, len(cycle) - 1, 2):
            a, b = cycle[k], cycle[k + 1]
            mate[a], mate[b] = b, a
    return mate
