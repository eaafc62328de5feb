"""``pair_graph``: a maximum-weight matching of a general graph, at the array level."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mentormatch.errors import InvalidInputError, SolverError
from mentormatch.solvers._grid import grid_multiplier
from mentormatch.solvers.pairing._blossom import Blossoms
from mentormatch.solvers.pairing._certificate import certify_matching
from mentormatch.solvers.pairing._double_cover import warm_start
from mentormatch.solvers.pairing._graph import Graph

__all__ = ["GraphMatching", "pair_graph"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

#: Bits kept of weights that are not on a small grid (the duals stay exact floats).
_BITS = 30


@dataclass(frozen=True, eq=False)
class GraphMatching:
    """A maximum-weight matching of a general graph.

    Attributes
    ----------
    pairs : ndarray of int64, shape (k, 2)
        Matched vertices ``(a, b)`` with ``a < b``, sorted.
    weight : float
        The sum of the given weights over ``pairs``.
    exact : bool
        Whether the dual certificate proved the matching optimal (for the
        weights rounded as ``info["scale"]`` says; ``info["gap_bound"]``
        bounds the rounding's effect, 0 for weights on a small grid).
    info : dict
        ``scale``, ``gap_bound``, ``max_cardinality``, ``vertices``,
        ``edges``, ``exposed_at_start`` (vertices the warm start left for the
        blossom algorithm), ``dual_steps``.
    """

    pairs: IntArray
    weight: float
    exact: bool
    info: dict[str, Any] = field(default_factory=dict)

    def mate(self, n: int) -> IntArray:
        """Return each vertex's partner (-1: unmatched), for ``n`` vertices."""
        out = np.full(n, -1, dtype=np.int64)
        out[self.pairs[:, 0]] = self.pairs[:, 1]
        out[self.pairs[:, 1]] = self.pairs[:, 0]
        return out


def pair_graph(weights: Any, *, allowed: ArrayLike | None = None,
               max_cardinality: bool = False) -> GraphMatching:
    """Pair the vertices of a general graph: a maximum-weight matching, exactly.

    The non-bipartite counterpart of :func:`mentormatch.solve` (peers from one
    pool, roommates, buddies). Edmonds' blossom algorithm, started from the
    optimum of the bipartite double cover (scipy's compiled assignment
    solvers), which leaves only a few vertices for the blossom stages; the
    answer is checked by a dual certificate.

    Parameters
    ----------
    weights : array_like of shape (n, n), or scipy.sparse matrix
        Symmetric edge weights. Dense: every off-diagonal pair is an edge
        (restrict with ``allowed``). Sparse: the stored off-diagonal entries
        are the edges (either triangle, or both if they agree). The diagonal
        is ignored.
    allowed : array_like of bool, shape (n, n), optional
        Dense weights only: which pairs may be matched (symmetric).
    max_cardinality : bool, default=False
        First as many pairs as possible, then the largest weight (as networkx's
        ``max_weight_matching(maxcardinality=True)``). Otherwise the largest
        weight alone: edges of weight <= 0 are never used.

    Returns
    -------
    GraphMatching

    Raises
    ------
    InvalidInputError
        If the weights are not square, symmetric and finite.

    Examples
    --------
    >>> import numpy as np, mentormatch as mm
    >>> w = np.array([[0, 3, 2, 0], [3, 0, 4, 1], [2, 4, 0, 3], [0, 1, 3, 0]])
    >>> m = mm.pair_graph(w)
    >>> m.pairs.tolist(), m.weight, m.exact
    ([[0, 1], [2, 3]], 6.0, True)
    >>> mm.pair_graph(w, allowed=w > 1).pairs.tolist()
    [[0, 1], [2, 3]]
    """
    n, u, v, w, dense = _edges(weights, allowed)
    if not max_cardinality:
        keep = w > 0
        u, v, w = u[keep], v[keep], w[keep]
    scale, exact_scale = _scale(w)
    # Integers; with max_cardinality every pair outweighs any total of the others.
    low = float(np.rint(w * scale).min(initial=0.0)) - 1.0 if max_cardinality else 0.0
    high = float(np.rint(w * scale).max(initial=0.0)) - low
    lift = float(n // 2) * high + 1.0 if max_cardinality else 0.0

    def integral(x: FloatArray) -> FloatArray:
        out: FloatArray = np.rint(x * scale) - low + lift
        return out

    if dense is not None:
        matrix, mask = dense
        if not max_cardinality:
            mask = mask & (matrix > 0)
        graph = Graph.of_matrix(np.where(mask, integral(matrix), 0.0), mask)
    else:
        graph = Graph.of(n, u, v, integral(w))
    mate, dual = warm_start(graph)
    state = Blossoms(graph, mate, dual)
    exposed_at_start = int(((mate < 0) & (dual > 0)).sum())
    state.solve()
    proof = certify_matching(graph, state, tolerance=1e-6)
    if not proof.proved:  # pragma: no cover - a bug, never a user error
        raise SolverError(
            f"the blossom algorithm's answer failed its dual certificate (weight "
            f"{proof.weight}, dual {proof.dual_value}, worst slack {proof.worst_slack})")
    final = np.array(state.mate, dtype=np.int64)
    first = np.flatnonzero(final > np.arange(n))
    pairs = np.column_stack([first, final[first]]).astype(np.int64).reshape(-1, 2)
    pair_weight = _pair_weights(u, v, w, pairs, n)
    info = {"scale": scale, "gap_bound": 0.0 if exact_scale else n / scale,
            "max_cardinality": max_cardinality, "vertices": n, "edges": int(u.size),
            "exposed_at_start": exposed_at_start, "dual_steps": state.dual_steps}
    return GraphMatching(pairs, float(pair_weight.sum()), True, info)


def _edges(weights: Any, allowed: ArrayLike | None,
           ) -> tuple[int, IntArray, IntArray, FloatArray,
                      tuple[FloatArray, NDArray[np.bool_]] | None]:
    """Validate the input; return ``n`` and the edges ``u < v`` with their weights.

    Dense input also returns its matrix and symmetric mask of edges.
    """
    from scipy import sparse

    if sparse.issparse(weights):
        if allowed is not None:
            raise InvalidInputError("allowed applies to dense weights; leave the pair out "
                                    "of the sparse matrix instead")
        return (*_sparse_edges(sparse.coo_array(weights)), None)
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 2 or w.shape[0] != w.shape[1]:
        raise InvalidInputError(f"weights must be a square (n, n) matrix, got shape {w.shape}")
    n = w.shape[0]
    mask = ~np.eye(n, dtype=bool)
    if allowed is not None:
        ok = np.asarray(allowed, dtype=bool)
        if ok.shape != w.shape or (ok != ok.T).any():
            raise InvalidInputError("allowed must be a symmetric boolean (n, n) matrix")
        mask &= ok
    used = np.where(mask, w, 0.0)
    if not np.isfinite(used).all():
        raise InvalidInputError("weights must be finite wherever a pair is allowed")
    if (used != used.T).any():
        i, j = (int(x) for x in np.argwhere(used != used.T)[0])
        raise InvalidInputError(f"weights must be symmetric: w[{i}, {j}] = {w[i, j]} but "
                                f"w[{j}, {i}] = {w[j, i]}")
    u, v = np.nonzero(np.triu(mask, 1))
    return n, u.astype(np.int64), v.astype(np.int64), w[u, v], (used, mask)


def _sparse_edges(coo: Any) -> tuple[int, IntArray, IntArray, FloatArray]:
    n, cols = coo.shape
    if n != cols:
        raise InvalidInputError(f"weights must be a square (n, n) matrix, got shape {coo.shape}")
    rows, columns = coo.row.astype(np.int64), coo.col.astype(np.int64)
    data = np.asarray(coo.data, dtype=np.float64)
    off = rows != columns
    rows, columns, data = rows[off], columns[off], data[off]
    if not np.isfinite(data).all():
        raise InvalidInputError("weights must be finite")
    if data.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return int(n), empty, empty, np.zeros(0)
    low, high = np.minimum(rows, columns), np.maximum(rows, columns)
    key = low * n + high
    order = np.lexsort((data, key))
    key, data = key[order], data[order]
    first = np.r_[True, key[1:] != key[:-1]]
    last = np.r_[key[1:] != key[:-1], True]
    if (data[first] != data[last]).any():
        k = int(np.flatnonzero(data[first] != data[last])[0])
        raise InvalidInputError(f"weights must be symmetric: the pair "
                                f"({key[first][k] // n}, {key[first][k] % n}) has two weights")
    unique = key[first]
    return int(n), unique // n, unique % n, data[first]


def _scale(w: FloatArray) -> tuple[float, bool]:
    """Return the multiplier that makes the weights integers, and whether exactly."""
    grid = grid_multiplier(w, 2.0 ** _BITS)
    if grid is not None:
        return grid, True
    spread = float(np.abs(w).max(initial=0.0))
    return 2.0 ** math.floor(_BITS - math.log2(spread)) if spread > 0 else 1.0, False


def _pair_weights(u: IntArray, v: IntArray, w: FloatArray, pairs: IntArray,
                  n: int) -> FloatArray:
    keys = u * n + v
    order = np.argsort(keys)
    at = order[np.searchsorted(keys[order], pairs[:, 0] * n + pairs[:, 1])]
    out: FloatArray = w[at]
    return out
