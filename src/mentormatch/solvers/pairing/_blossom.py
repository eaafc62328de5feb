"""Edmonds' weighted blossom algorithm, from a warm start, with the slack bookkeeping in numpy.

The primal-dual method for a maximum-weight matching of a general graph
(Edmonds 1965; Galil 1986, "Efficient algorithms for finding maximum matching
in graphs"). Vertex duals ``y`` and blossom duals ``z`` stay feasible
(``y_u + y_v + sum of z over the blossoms holding both >= w``), matched edges
and blossom edges tight. Exposed vertices whose dual is still positive root
alternating trees of S (outer) and T (inner) blossoms grown along tight edges;
an S-S edge closes a blossom (same tree) or an augmenting path (two trees);
when nothing is tight the duals move by the largest step that keeps them
feasible (an edge turns tight, a T-blossom's dual reaches 0 and it expands, or
an S vertex's dual reaches 0 and the path to its root flips, leaving it
exposed at dual 0).

Two departures from the textbook, for speed in Python:

* one stage grows every tree at once and keeps the others growing after an
  augmentation (the trees it touched dissolve; the rest stay valid);
* each free vertex keeps its least slack to an S vertex, each S vertex its
  least slack to another S blossom, so a dual step is a few numpy reductions
  over the vertices, not a pass over every edge; entries whose partner
  changed status are recomputed when they come up.

The warm start (:mod:`~mentormatch.solvers.pairing._double_cover`) leaves
only a few exposed vertices with a positive dual, so the trees are few.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from mentormatch.solvers.pairing._graph import Graph

__all__ = ["Blossoms"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

FREE, OUTER, INNER = 0, 1, 2


class Blossoms:
    """The state of the blossom algorithm on one graph; :meth:`solve` runs it to the optimum.

    Blossom ids: vertices are ``0 .. n - 1`` (trivial blossoms), non-trivial
    blossoms take ids ``n .. 2 n - 1``. A blossom's ``children`` run around
    its odd cycle from the child holding its base; ``cycle_edges[b][i]`` is
    the edge ``(a, c)`` with ``a`` in child ``i`` and ``c`` in child ``i + 1``.
    """

    def __init__(self, graph: Graph, mate: IntArray, dual: FloatArray) -> None:
        n = graph.n
        self.graph = graph
        self.n = n
        self.mate: list[int] = [int(x) for x in mate]
        self.y = dual.astype(np.float64, copy=True)
        self.z = np.zeros(2 * n)
        self.parent: list[int] = [-1] * (2 * n)
        self.children: list[list[int]] = [[] for _ in range(2 * n)]
        self.cycle_edges: list[list[tuple[int, int]]] = [[] for _ in range(2 * n)]
        self.base: list[int] = list(range(n)) + [-1] * n
        self.leaves: list[IntArray] = [np.array([v]) for v in range(n)] + [
            np.zeros(0, np.int64)] * n
        self.top = np.arange(n)
        self.is_top = np.zeros(2 * n, dtype=bool)
        self.is_top[:n] = True
        self.label = np.zeros(2 * n, dtype=np.int8)
        self.label_end: list[tuple[int, int] | None] = [None] * (2 * n)
        self.tree = np.full(n, -1)
        self.unused = list(range(2 * n - 1, n - 1, -1))
        # Each vertex's S-labelling count: an entry below is good while its partner
        # is still S under the same count (its dual moved as the entry assumed).
        self.epoch = np.zeros(n, dtype=np.int64)
        self.epochs = 0
        self.to_free = np.full(n, np.inf)  # free vertex: least slack to an S vertex
        self.to_free_from = np.full(n, -1)
        self.to_free_epoch = np.full(n, -1)
        self.to_outer = np.full(n, np.inf)  # S vertex: least slack to another S blossom
        self.to_outer_from = np.full(n, -1)
        self.to_outer_epoch = np.full(n, -1)
        self.queue: list[int] = []
        self.dual_steps = 0

    # ------------------------------------------------------------------ driver

    def solve(self) -> None:
        """Grow, shrink, augment and step the duals until no exposed vertex has a positive dual."""
        mate = self.mate
        for r in range(self.n):
            if mate[r] == -1 and self.y[r] > 0:
                self._label_outer(r, None, r)
        while True:
            while self.queue:
                self._scan(self.queue.pop())
            event = self._dual_step()
            if event is None:
                return
            kind, a, b = event
            if kind == 1:
                root = int(self.tree[a])
                self._flip_to_root(a, -1)
                self._dissolve(root)
            elif kind == 2:
                self._reach_free(b, a)
            elif kind == 3:
                self._outer_edge(a, b)
            else:
                self._expand_inner(a)

    # ------------------------------------------------------------------ growing

    def _scan(self, v: int) -> None:
        """Record ``v``'s slacks (it just became S) and follow its tight edges."""
        top, label = self.top, self.label
        bv = int(top[v])
        if label[bv] != OUTER:
            return
        neighbors, weights = self.graph.around(v)
        if neighbors.size == 0:
            self.to_outer[v] = np.inf
            return
        slack = self.y[v] + self.y[neighbors] - weights
        their_top = top[neighbors]
        their_label = label[their_top]
        other = their_top != bv
        free = other & (their_label == FREE)
        epoch = self.epoch[v]
        if free.any():
            f, s = neighbors[free], slack[free]
            better = s < self.to_free[f]
            self.to_free[f[better]] = s[better]
            self.to_free_from[f[better]] = v
            self.to_free_epoch[f[better]] = epoch
        outer = other & (their_label == OUTER)
        self.to_outer[v] = np.inf
        if outer.any():
            p, s = neighbors[outer], slack[outer]
            k = int(np.argmin(s))
            self.to_outer[v], self.to_outer_from[v] = s[k], p[k]
            self.to_outer_epoch[v] = self.epoch[p[k]]
            better = s < self.to_outer[p]
            self.to_outer[p[better]] = s[better]
            self.to_outer_from[p[better]] = v
            self.to_outer_epoch[p[better]] = epoch
        for w in neighbors[other & (their_label != INNER) & (slack <= 0)].tolist():
            if label[top[v]] != OUTER:
                return  # v's tree dissolved in an augmentation
            bw = int(top[w])
            if bw == top[v]:
                continue
            if label[bw] == FREE:
                self._reach_free(v, w)
            elif label[bw] == OUTER:
                self._outer_edge(v, w)

    def _reach_free(self, s: int, f: int) -> None:
        """Tight edge from S vertex ``s`` to free vertex ``f``: label f's blossom T, or augment."""
        bf = int(self.top[f])
        base = self.base[bf]
        if self.mate[base] == -1:  # an exposed vertex at dual 0: an augmenting path
            root = int(self.tree[s])
            self._make_base(bf, f)
            self.mate[f] = s
            self._flip_to_root(s, f)
            self._dissolve(root)
            return
        root = int(self.tree[s])
        self.label[bf] = INNER
        self.label_end[bf] = (s, f)
        self.tree[self.leaves[bf]] = root
        partner = self.mate[base]
        self._label_outer(int(self.top[partner]), (base, partner), root)

    def _label_outer(self, b: int, end: tuple[int, int] | None, root: int) -> None:
        self.label[b] = OUTER
        self.label_end[b] = end
        leaves = self.leaves[b]
        self.tree[leaves] = root
        self._turn_outer(leaves)

    def _turn_outer(self, vertices: IntArray) -> None:
        """Vertices that just became S: a new epoch, and a scan to come."""
        self.epochs += 1
        self.epoch[vertices] = self.epochs
        self.queue.extend(vertices.tolist())

    def _outer_edge(self, v: int, w: int) -> None:
        """Tight edge between S vertices of two blossoms: a new blossom, or an augmentation."""
        tv, tw = int(self.tree[v]), int(self.tree[w])
        if tv != tw:
            self._flip_to_root(v, w)
            self._flip_to_root(w, v)
            self._dissolve(tv)
            self._dissolve(tw)
            return
        self._shrink(self._meeting(int(self.top[v]), int(self.top[w])), v, w)

    def _up(self, b: int) -> int | None:
        """Return the S blossom two steps up the tree from S blossom ``b`` (None at the root)."""
        end = self.label_end[b]
        if end is None:
            return None
        inner = int(self.top[end[0]])
        inner_end = self.label_end[inner]
        assert inner_end is not None
        return int(self.top[inner_end[0]])

    def _meeting(self, a: int, b: int) -> int:
        """Return the S blossom where the tree paths up from ``a`` and ``b`` meet."""
        seen: set[int] = set()
        x: int | None = a
        y: int | None = b
        while x is not None or y is not None:
            if x is not None:
                if x in seen:
                    return x
                seen.add(x)
                x = self._up(x)
            x, y = y, x
        raise AssertionError("the two S blossoms are in one tree but their paths never meet")

    def _chain(self, b: int, stop: int) -> list[tuple[int, tuple[int, int]]]:
        """Blossoms from ``b`` up to ``stop`` (excluded), each with its edge up (child, parent)."""
        out: list[tuple[int, tuple[int, int]]] = []
        while b != stop:
            end = self.label_end[b]
            assert end is not None
            x, base = end
            inner = int(self.top[x])
            out.append((b, (base, x)))
            inner_end = self.label_end[inner]
            assert inner_end is not None
            s, t = inner_end
            out.append((inner, (t, s)))
            b = int(self.top[s])
        return out

    def _shrink(self, meet: int, v: int, w: int) -> None:
        """Close the odd cycle through edge (v, w) and the tree paths up to ``meet``."""
        side_v = self._chain(int(self.top[v]), meet)
        side_w = self._chain(int(self.top[w]), meet)
        children = [meet] + [c for c, _ in reversed(side_v)] + [c for c, _ in side_w]
        edges = ([(e[1], e[0]) for _, e in reversed(side_v)] + [(v, w)]
                 + [e for _, e in side_w])
        b = self.unused.pop()
        self.children[b], self.cycle_edges[b] = children, edges
        self.base[b] = self.base[meet]
        self.parent[b] = -1
        for c in children:
            self.parent[c] = b
            self.is_top[c] = False
        self.is_top[b] = True
        self.leaves[b] = np.concatenate([self.leaves[c] for c in children])
        self.top[self.leaves[b]] = b
        self.z[b] = 0.0
        self.label[b] = OUTER
        self.label_end[b] = self.label_end[meet]
        for c in children:
            if self.label[c] == INNER:  # its vertices turn S
                self._turn_outer(self.leaves[c])
            self.label[c] = FREE

    # ------------------------------------------------------------------ augmenting

    def _flip_to_root(self, s: int, partner: int) -> None:
        """Match S vertex ``s`` to ``partner`` (-1: none) and flip its tree path to the root."""
        mate = self.mate
        while True:
            bs = int(self.top[s])
            self._make_base(bs, s)
            mate[s] = partner
            end = self.label_end[bs]
            if end is None:
                return
            inner = int(self.top[end[0]])
            inner_end = self.label_end[inner]
            assert inner_end is not None
            s2, t = inner_end
            self._make_base(inner, t)
            mate[t] = s2
            s, partner = s2, t

    def _make_base(self, b: int, v: int) -> None:
        """Flip the even path inside blossom ``b`` from vertex ``v`` to its base: v is the base."""
        if b < self.n:
            return
        child = v
        while self.parent[child] != b:
            child = self.parent[child]
        self._make_base(child, v)
        children, edges = self.children[b], self.cycle_edges[b]
        k = len(children)
        i = children.index(child)
        # The even way round: forwards from an odd position, backwards from an even one.
        flips = range(i + 1, k, 2) if i % 2 else range(i - 2, -1, -2)
        for j in flips:
            a, c = edges[j]
            self._make_base(children[j], a)
            self._make_base(children[(j + 1) % k], c)
            self.mate[a], self.mate[c] = c, a
        self.children[b] = children[i:] + children[:i]
        self.cycle_edges[b] = edges[i:] + edges[:i]
        self.base[b] = v

    def _dissolve(self, root: int) -> None:
        """Unlabel every blossom of the tree rooted at ``root``; its vertices are free again."""
        vertices = np.flatnonzero(self.tree == root)
        for b in np.unique(self.top[vertices]).tolist():
            self.label[b] = FREE
            self.label_end[b] = None
        self.tree[vertices] = -1
        self._refresh_to_free(vertices)

    # ------------------------------------------------------------------ expanding

    def _expand_inner(self, b: int) -> None:
        """Expand T blossom ``b`` (dual 0): relabel the even path from its entry to its base."""
        end = self.label_end[b]
        assert end is not None
        s, t = end
        root = int(self.tree[t])
        entry = t
        while self.parent[entry] != b:
            entry = self.parent[entry]
        children, edges = self.children[b], self.cycle_edges[b]
        k = len(children)
        for c in children:
            self.parent[c] = -1
            self.is_top[c] = True
            self.top[self.leaves[c]] = c
            self.label[c] = FREE
            self.label_end[c] = None
            self.tree[self.leaves[c]] = -1
        self.is_top[b] = False
        self.label[b] = FREE
        self.label_end[b] = None
        self.unused.append(b)
        j = children.index(entry)
        self._label_inner(entry, (s, t), root)
        step = 1 if j % 2 else -1
        on_path = {entry}
        p = j
        while p != 0:
            q = (p + step) % k
            a, c = edges[p] if step == 1 else edges[p - 1][::-1]  # a in child p, c in child q
            self._label_outer(children[q], (a, c), root)
            r = (q + step) % k
            a2, c2 = edges[q] if step == 1 else edges[q - 1][::-1]
            self._label_inner(children[r], (a2, c2), root)
            on_path.update((children[q], children[r]))
            p = r
        off_path = [self.leaves[c] for c in children if c not in on_path]
        if off_path:
            self._refresh_to_free(np.concatenate(off_path))

    def _label_inner(self, b: int, end: tuple[int, int], root: int) -> None:
        self.label[b] = INNER
        self.label_end[b] = end
        self.tree[self.leaves[b]] = root

    # ------------------------------------------------------------------ duals

    def _dual_step(self) -> tuple[int, int, int] | None:
        """Move the duals by the largest feasible step; return the event it causes."""
        vertex_label = self.label[self.top]
        outer = vertex_label == OUTER
        if not outer.any():
            return None
        inner = vertex_label == INNER
        free = vertex_label == FREE
        y = self.y
        x1 = int(np.flatnonzero(outer)[np.argmin(y[outer])])
        best = (float(y[x1]), 1, x1, -1)
        f = self._valid_to_free(free)
        if f >= 0 and self.to_free[f] < best[0]:
            best = (float(self.to_free[f]), 2, f, int(self.to_free_from[f]))
        s = self._valid_to_outer(outer)
        if s >= 0 and self.to_outer[s] / 2 < best[0]:
            best = (float(self.to_outer[s]) / 2, 3, s, int(self.to_outer_from[s]))
        blossom_inner = np.flatnonzero(self.is_top[self.n:] & (self.label[self.n:] == INNER))
        if blossom_inner.size:
            k = int(np.argmin(self.z[self.n + blossom_inner]))
            b = self.n + int(blossom_inner[k])
            if self.z[b] / 2 < best[0]:
                best = (float(self.z[b]) / 2, 4, b, -1)
        delta, kind, a, c = best
        if delta > 0:
            self.dual_steps += 1
            y[outer] -= delta
            y[inner] += delta
            tops = np.flatnonzero(self.is_top[self.n:]) + self.n
            self.z[tops[self.label[tops] == OUTER]] += 2 * delta
            self.z[tops[self.label[tops] == INNER]] -= 2 * delta
            self.to_free[free] -= delta
            self.to_outer[outer] -= 2 * delta
        return kind, a, c

    def _valid_to_free(self, free: NDArray[np.bool_]) -> int:
        """Return the free vertex of least slack to an S vertex (-1: none), refreshing."""
        return self._least_valid(free, self.to_free, self.to_free_from, self.to_free_epoch,
                                 self._recompute_to_free)

    def _valid_to_outer(self, outer: NDArray[np.bool_]) -> int:
        """Return the S vertex of least slack to another S blossom (-1: none), refreshing."""
        return self._least_valid(outer, self.to_outer, self.to_outer_from,
                                 self.to_outer_epoch, self._recompute_to_outer)

    def _least_valid(self, among: NDArray[np.bool_], slack: FloatArray, source: IntArray,
                     source_epoch: IntArray, recompute: Callable[[int], None]) -> int:
        """Return the vertex of ``among`` of least ``slack`` whose record is current (-1: none).

        A record is current when its source vertex is still in an S blossom (other than
        the vertex's own) of the epoch it was taken in; a stale one is recomputed and the
        search repeats. A free vertex's blossom is never S, so the check is the same for both.
        """
        while True:
            candidates = np.where(among, slack, np.inf)
            v = int(np.argmin(candidates))
            if not np.isfinite(candidates[v]):
                return -1
            u = int(source[v])
            if (self.label[self.top[u]] == OUTER and self.top[u] != self.top[v]
                    and self.epoch[u] == source_epoch[v]):
                return v
            recompute(v)

    def _recompute_to_free(self, f: int) -> None:
        self._refresh_to_free(np.array([f]))

    def _refresh_to_free(self, vertices: IntArray) -> None:
        """Recompute the least slack to an S vertex of free ``vertices``, all at once."""
        graph = self.graph
        self.to_free[vertices] = np.inf
        starts = graph.indptr[vertices]
        counts = graph.indptr[vertices + 1] - starts
        total = int(counts.sum())
        if total == 0:
            return
        first = np.cumsum(counts) - counts
        at = np.repeat(starts - first, counts) + np.arange(total)
        neighbors = graph.neighbor[at]
        owner = np.repeat(np.arange(vertices.size), counts)
        outer = np.flatnonzero(self.label[self.top[neighbors]] == OUTER)
        if outer.size == 0:
            return
        owner, neighbors = owner[outer], neighbors[outer]
        slack = self.y[vertices[owner]] + self.y[neighbors] - graph.neighbor_weight[at[outer]]
        order = np.lexsort((slack, owner))
        owner, neighbors, slack = owner[order], neighbors[order], slack[order]
        lead = np.r_[True, owner[1:] != owner[:-1]]
        f = vertices[owner[lead]]
        self.to_free[f] = slack[lead]
        self.to_free_from[f] = neighbors[lead]
        self.to_free_epoch[f] = self.epoch[neighbors[lead]]

    def _recompute_to_outer(self, s: int) -> None:
        self.to_outer[s] = np.inf
        neighbors, weights = self.graph.around(s)
        their_top = self.top[neighbors]
        outer = (self.label[their_top] == OUTER) & (their_top != self.top[s])
        if outer.any():
            slack = self.y[s] + self.y[neighbors[outer]] - weights[outer]
            k = int(np.argmin(slack))
            self.to_outer[s], self.to_outer_from[s] = slack[k], neighbors[outer][k]
            self.to_outer_epoch[s] = self.epoch[neighbors[outer][k]]
