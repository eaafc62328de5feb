"""The proof of a maximum-weight matching: a feasible dual of equal value.

For the matching polytope of a general graph (Edmonds), a matching is of
maximum weight when vertex duals ``y >= 0`` and blossom duals ``z >= 0``
(on odd vertex sets, here the blossoms the algorithm built) satisfy
``y_u + y_v + sum(z_B : u, v in B) >= w_uv`` for every edge and
``sum(y) + sum(z_B * (|B| - 1) / 2)`` equals the matching's weight. This
module checks exactly that, with a tolerance for floating-point rounding;
it trusts nothing the algorithm claims.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mentormatch.solvers.pairing._blossom import Blossoms
from mentormatch.solvers.pairing._graph import Graph

__all__ = ["MatchingCertificate", "certify_matching"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class MatchingCertificate:
    """What the dual check found.

    Attributes
    ----------
    proved : bool
        Dual feasible, complementary, and of the matching's weight.
    weight, dual_value : float
        The matching's weight and the dual objective (integer-scaled units).
    worst_slack : float
        The most negative edge slack (0 when none is negative).
    """

    proved: bool
    weight: float
    dual_value: float
    worst_slack: float


def certify_matching(graph: Graph, state: Blossoms, tolerance: float) -> MatchingCertificate:
    """Check the duals of ``state`` against every edge of ``graph``."""
    n = graph.n
    mate = np.array(state.mate, dtype=np.int64)
    matched = np.flatnonzero(mate >= 0)
    symmetric = bool((mate[mate[matched]] == matched).all()) if matched.size else True
    pairs_u = matched[matched < mate[matched]]
    pairs_v = mate[pairs_u]
    weight = float(graph.weight_to(pairs_u, pairs_v).sum()) if pairs_u.size else 0.0
    is_edge = _are_edges(graph, pairs_u, pairs_v)
    blossoms = _forest(state)
    common = _common_blossom_dual(graph, state, blossoms)
    slack = state.y[graph.u] + state.y[graph.v] + common - graph.weight
    worst = float(min(slack.min(initial=0.0), 0.0))
    z_value = sum(float(state.z[b]) * (state.leaves[b].size - 1) / 2 for b in blossoms)
    dual_value = float(state.y.sum()) + z_value
    z_ok = all(state.z[b] >= -tolerance for b in blossoms)
    exposed = mate < 0
    proved = (symmetric and is_edge and worst >= -tolerance and z_ok
              and bool((state.y >= -tolerance).all())
              and bool((np.abs(state.y[exposed]) <= tolerance).all())
              and abs(dual_value - weight) <= tolerance * max(n, 1))
    return MatchingCertificate(proved, weight, dual_value, worst)


def _are_edges(graph: Graph, a: IntArray, b: IntArray) -> bool:
    if a.size == 0:
        return True
    holder = np.repeat(np.arange(graph.n, dtype=np.int64), np.diff(graph.indptr))
    keys = holder * graph.n + graph.neighbor
    want = a * graph.n + b
    at = np.minimum(np.searchsorted(keys, want), max(keys.size - 1, 0))
    return bool(keys.size and (keys[at] == want).all())


def _forest(state: Blossoms) -> list[int]:
    """Every non-trivial blossom, outermost first."""
    n = state.n
    out = (np.flatnonzero(state.is_top[n:]) + n).tolist()
    k = 0
    while k < len(out):
        out.extend(c for c in state.children[out[k]] if c >= n)
        k += 1
    return out


def _common_blossom_dual(graph: Graph, state: Blossoms, blossoms: list[int]) -> FloatArray:
    """For each edge, the sum of ``z`` over the blossoms holding both its ends."""
    out = np.zeros(graph.u.size)
    if not blossoms:
        return out
    top_u = state.top[graph.u]
    inside = np.flatnonzero((top_u == state.top[graph.v]) & (top_u >= state.n))
    if inside.size == 0:
        return out
    depth = {b: 0 for b in blossoms if state.parent[b] == -1}
    for b in blossoms:
        for c in state.children[b]:
            if c >= state.n:
                depth[c] = depth[b] + 1
    holder = np.full((max(depth.values()) + 1, state.n), -1, dtype=np.int64)
    for b in blossoms:
        holder[depth[b], state.leaves[b]] = b
    u, v = graph.u[inside], graph.v[inside]
    for level in range(holder.shape[0]):
        hu, hv = holder[level, u], holder[level, v]
        both = (hu >= 0) & (hu == hv)
        out[inside[both]] += state.z[hu[both]]
    return out
