"""A weighted undirected graph in the two forms the pairing engine reads: edges and adjacency."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Graph"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Graph:
    """Edges ``u < v`` with weights, and each vertex's incident edges (CSR).

    Attributes
    ----------
    n : int
    u, v : ndarray of int64, shape (m,)
    weight : ndarray of float64, shape (m,)
        Integer-valued (the caller scales), so that the duals stay exact.
    indptr : ndarray of int64, shape (n + 1,)
    neighbor : ndarray of int64, shape (2 m,)
        Vertex ``x``'s neighbours ``neighbor[indptr[x]:indptr[x + 1]]``, ascending.
    neighbor_weight : ndarray of float64, shape (2 m,)
        The weights of the edges to them.
    """

    n: int
    u: IntArray
    v: IntArray
    weight: FloatArray
    indptr: IntArray
    neighbor: IntArray
    neighbor_weight: FloatArray

    @classmethod
    def of(cls, n: int, u: IntArray, v: IntArray, weight: FloatArray) -> Graph:
        """Build the adjacency of edges ``u < v`` (each listed once)."""
        m = u.size
        ends = np.concatenate([u, v])
        others = np.concatenate([v, u])
        order = np.lexsort((others, ends))  # by vertex, then by neighbour
        edge = np.concatenate([np.arange(m), np.arange(m)])[order]
        return cls(n=n, u=u, v=v, weight=weight,
                   indptr=np.searchsorted(ends[order], np.arange(n + 1)).astype(np.int64),
                   neighbor=others[order], neighbor_weight=weight[edge])

    @classmethod
    def of_matrix(cls, weights: FloatArray, mask: NDArray[np.bool_]) -> Graph:
        """Build from a symmetric weight matrix and a symmetric mask of edges (no sort)."""
        n = weights.shape[0]
        rows, cols = np.nonzero(mask)  # row-major: by vertex, then by neighbour
        upper = rows < cols
        return cls(n=n, u=rows[upper].astype(np.int64), v=cols[upper].astype(np.int64),
                   weight=weights[rows[upper], cols[upper]],
                   indptr=np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))]),
                   neighbor=cols.astype(np.int64), neighbor_weight=weights[rows, cols])

    def weight_to(self, a: IntArray, b: IntArray) -> FloatArray:
        """Return the weights of edges ``(a[k], b[k])`` (0 where ``a[k] == b[k]``).

        Every pair with ``a != b`` must be an edge.
        """
        holder = np.repeat(np.arange(self.n, dtype=np.int64), np.diff(self.indptr))
        keys = holder * self.n + self.neighbor  # sorted: by vertex, then neighbour
        at = np.searchsorted(keys, a * self.n + b)
        same = a == b
        out: FloatArray = np.where(same, 0.0,
                                   self.neighbor_weight[np.minimum(at, max(keys.size - 1, 0))]
                                   if keys.size else 0.0)
        return out

    def around(self, x: int) -> tuple[IntArray, FloatArray]:
        """Return the neighbours of ``x`` and the weights of the edges to them."""
        lo, hi = self.indptr[x], self.indptr[x + 1]
        return self.neighbor[lo:hi], self.neighbor_weight[lo:hi]
