"""The rows of the ``ilp`` model that keep each mentor's group within its make-up quotas.

For a quota, a mentor ``j`` it applies to and a value ``v`` it bounds, let
``count`` be the sum of ``x`` over ``j``'s pairs with mentees of value ``v``
and ``load`` the sum over all of ``j``'s pairs. Then:

* ``max_count``: ``count <= max``;
* ``min_count``: ``count >= min * u_j``, where the binary ``u_j`` is 1 exactly
  when ``j`` has a mentee (``u_j <= load <= capacity_j * u_j``): an empty
  group breaks no quota;
* ``max_share`` / ``min_share``: ``count - share * load <= 0`` / ``>= 0``;
* ``no_lone``: ``count >= 2 w`` and ``count <= capacity_j * w`` with the
  binary ``w = min(1, count)``: a value is absent or at least twice present.

The helper binaries are auxiliaries of the builder (recomputed exactly from
``x`` when an answer is cleaned), so they never decide anything on their own.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from mentormatch.problem import GroupQuota, MatchProblem

__all__ = ["add_quota_rows"]

IntArray = NDArray[np.int64]


class _Builder(Protocol):
    rows: Any

    def add_aux(self, row_of_edge: IntArray, edge_cols: IntArray, n_aux: int) -> slice: ...


def add_quota_rows(b: _Builder, problem: MatchProblem, ee: IntArray, rr: IntArray) -> None:
    """Add the rows of every quota of ``problem`` over the pair variables ``x[k] = (ee, rr)``."""
    if not problem.quotas:
        return
    n_r = problem.n_mentors
    x_cols = np.arange(ee.size, dtype=np.int64)
    capacity = problem.capacity.astype(np.float64)
    used: slice | None = None
    if any(q.min_count for q in problem.quotas):
        used = b.add_aux(rr, x_cols, n_r)  # u_j <= load_j
        b.rows.add(n_r, np.concatenate([rr, np.arange(n_r)]),
                   np.concatenate([x_cols, used.start + np.arange(n_r)]),
                   np.concatenate([np.ones(ee.size), -capacity]), -np.inf, 0.0)
    for q in problem.quotas:
        _add_one(b, q, ee, rr, x_cols, capacity, used)


def _add_one(b: _Builder, q: GroupQuota, ee: IntArray, rr: IntArray, x_cols: IntArray,
             capacity: NDArray[np.float64], used: slice | None) -> None:
    js = np.flatnonzero(q.mentors)
    values = q.values
    nv = int(values.size)
    n_rows = int(js.size) * nv
    if n_rows == 0:
        return
    row_of_mentor = np.full(q.mentors.size, -1, dtype=np.int64)
    row_of_mentor[js] = np.arange(js.size)
    value_pos = np.full(q.n_values, -1, dtype=np.int64)
    value_pos[values] = np.arange(nv)
    lab = q.label[ee]
    on = (row_of_mentor[rr] >= 0) & (lab >= 0)
    on[on] = value_pos[lab[on]] >= 0
    # count[(j, v)] entries: one per pair of j with a mentee of value v.
    c_row = row_of_mentor[rr[on]] * nv + value_pos[lab[on]]
    c_col = x_cols[on]
    mentor_of_row = np.repeat(js, nv)
    if q.max_count is not None:
        b.rows.add(n_rows, c_row, c_col, 1.0, -np.inf, float(q.max_count))
    if q.min_count:
        assert used is not None
        b.rows.add(n_rows, np.concatenate([c_row, np.arange(n_rows)]),
                   np.concatenate([c_col, used.start + mentor_of_row]),
                   np.concatenate([np.ones(c_row.size), np.full(n_rows, -float(q.min_count))]),
                   0.0, np.inf)
    mine = row_of_mentor[rr] >= 0
    l_row = (row_of_mentor[rr[mine]][:, None] * nv + np.arange(nv)[None, :]).ravel()
    l_col = np.repeat(x_cols[mine], nv)
    for share, lo, hi in ((q.max_share, -np.inf, 0.0), (q.min_share, 0.0, np.inf)):
        if share is None:
            continue
        b.rows.add(n_rows, np.concatenate([c_row, l_row]), np.concatenate([c_col, l_col]),
                   np.concatenate([np.ones(c_row.size), np.full(l_row.size, -share)]), lo, hi)
    if q.no_lone:
        present = b.add_aux(c_row, c_col, n_rows)  # w <= count
        w_cols = present.start + np.arange(n_rows)
        for coef, lo, hi in ((np.full(n_rows, -2.0), 0.0, np.inf),
                             (-capacity[mentor_of_row], -np.inf, 0.0)):
            b.rows.add(n_rows, np.concatenate([c_row, np.arange(n_rows)]),
                       np.concatenate([c_col, w_cols]),
                       np.concatenate([np.ones(c_row.size), coef]), lo, hi)
