"""The backends that find an integral flow: OR-Tools, the primal-dual method, or HiGHS.

* ``"ortools"``: OR-Tools' cost-scaling push-relabel on integer costs (an
  optional extra);
* ``"primal-dual"``: numpy and scipy only
  (:mod:`~mentormatch.solvers.flow._primal_dual_backend`), the default when
  OR-Tools is not installed; it also returns the node potentials that prove
  its flow, so the certificate checks them in one pass;
* ``"highs"``: scipy's HiGHS dual simplex on the network LP (a fallback and a
  test oracle).

None is trusted with the float scores: OR-Tools and the primal-dual method see
them scaled and rounded, HiGHS solves in floating point. The certificate
(:mod:`mentormatch.solvers.flow._certificate`) proves or repairs what they return.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mentormatch.errors import InvalidInputError, SolverError
from mentormatch.solvers._grid import grid_multiplier
from mentormatch.solvers.flow._network import Network
from mentormatch.solvers.flow._primal_dual_backend import run_primal_dual

__all__ = ["BACKENDS", "BackendFlow", "grid_multiplier", "resolve_backend", "run_backend",
           "scaled_costs"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

#: The backends ``run_backend`` knows ("auto" picks one of the first two).
BACKENDS = ("ortools", "primal-dual", "highs")


@dataclass(frozen=True, eq=False)
class BackendFlow:
    """An integral flow from a backend, and what the certificate can use of its work.

    Attributes
    ----------
    flow : ndarray of int64, shape (n_arcs,), or None
        None when the network has no feasible flow.
    scale : float or None
        What the scores were multiplied by before rounding (None: not rounded).
    potentials : (ndarray of int64, ndarray of float64) or None
        (level, value) node potentials that should prove ``flow`` optimal,
        handed to the certificate as its start (it checks them; never trusted).
    """

    flow: IntArray | None
    scale: float | None
    potentials: tuple[IntArray, FloatArray] | None = None


def resolve_backend(backend: str) -> str:
    """Return the backend to run: ``"auto"`` is OR-Tools when installed, else ``"primal-dual"``.

    Raises :class:`InvalidInputError` for a name that is not a backend.
    """
    if backend != "auto" and backend not in BACKENDS:
        raise InvalidInputError(
            f"backend must be 'auto' or one of {', '.join(map(repr, BACKENDS))}, "
            f"got {backend!r}"
        )
    if backend != "auto":
        return backend
    try:
        from ortools.graph.python import min_cost_flow  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the install
        return "primal-dual"
    return "ortools"


def run_backend(network: Network, backend: str, lexicographic: bool) -> BackendFlow:
    """Return an optimal integral flow of ``network`` from ``backend`` (see :data:`BACKENDS`).

    With ``lexicographic``, arc levels are weighted to dominate the scores.
    """
    if backend == "ortools":
        flow, scale = _run_ortools(network, lexicographic)
        return BackendFlow(flow, scale)
    if backend == "primal-dual":
        got = run_primal_dual(network, lexicographic)
        return BackendFlow(got.flow, got.scale, (got.node_level, got.node_value))
    return BackendFlow(_run_highs(network, lexicographic), None)


def scaled_costs(network: Network, lexicographic: bool,
                 scale: float | None = None) -> tuple[IntArray, float]:
    """Integer costs for an integer backend, and the multiplier used.

    Scores on a small grid (multiples of 0.05, thirds, ...) are multiplied into
    small exact integers, which keeps the backend's cost range (and time) small;
    others are multiplied by the largest safe power of two and rounded. The
    level is weighted so that it dominates any score change along a cycle.
    Rounding is undone by the certificate, never trusted.
    """
    scores = network.pair_scores
    active = int(network.mentee_open.sum() + network.mentor_open.sum()) + 1
    limit = 2.0 ** 60 / (network.n_nodes + 1)
    if lexicographic and scores.size:
        # Levels reach 3 in magnitude (a priority mentee's first unit).
        limit /= 6 * active + 1
    if scale is None:
        scale = grid_multiplier(scores, limit / 4)
    if scale is None:
        spread = float(np.abs(scores).max()) if scores.size else 0.0
        # log2 of each side: limit / spread overflows to inf for a subnormal spread.
        power = min(math.floor(math.log2(limit) - math.log2(spread)) - 1, 60) if spread > 0 \
            else 0
        scale = 2.0 ** power
    integers = np.rint(scores * scale).astype(np.int64)
    if lexicographic and integers.size:
        # The pair count is fixed first, so shifting every pair's cost is safe.
        integers -= (int(integers.max()) + int(integers.min())) // 2
    level_weight = 2 * active * int(np.abs(integers).max(initial=0)) + 1
    costs = network.level * level_weight
    costs[:network.n_pair] -= integers
    return costs, scale


def _run_ortools(network: Network, lexicographic: bool) -> tuple[IntArray | None, float]:
    """OR-Tools on scaled costs; no flow (None) if the network is infeasible."""
    from ortools.graph.python import min_cost_flow

    costs, scale = scaled_costs(network, lexicographic)
    supply = network.supply.copy()
    bounded = np.flatnonzero(network.lower)  # minimum loads only: usually none
    np.subtract.at(supply, network.tail[bounded], network.lower[bounded])
    np.add.at(supply, network.head[bounded], network.lower[bounded])
    for _ in range(5):
        smcf = min_cost_flow.SimpleMinCostFlow()
        smcf.add_arcs_with_capacity_and_unit_cost(network.tail, network.head,
                                                  network.upper - network.lower, costs)
        smcf.set_nodes_supplies(np.arange(network.n_nodes), supply)
        status = smcf.solve()
        if status == smcf.OPTIMAL:
            flow = np.asarray(smcf.flows(np.arange(network.tail.size)),
                              dtype=np.int64) + network.lower
            return flow, scale
        if status == smcf.INFEASIBLE:
            return None, scale
        if status != smcf.BAD_COST_RANGE:
            raise SolverError(f"OR-Tools min-cost flow failed with status {status}")
        # Costs too large for OR-Tools: coarser integers; the certificate still holds.
        costs, scale = scaled_costs(network, lexicographic, scale / 4096)
    raise SolverError("OR-Tools min-cost flow rejected every cost scale tried")


def _run_highs(network: Network, lexicographic: bool) -> IntArray | None:
    """HiGHS dual simplex on the network LP; None if it is infeasible."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_array

    n_arcs = network.tail.size
    cost = network.cost.copy()
    if lexicographic and network.n_pair:
        scores = network.pair_scores
        cost[:network.n_pair] = -(scores - (float(scores.max()) + float(scores.min())) / 2)
        active = int(network.mentee_open.sum() + network.mentor_open.sum()) + 1
        level_weight = 2.0 * active * float(np.abs(cost).max()) + 1.0
        cost = cost + level_weight * network.level
    arcs = np.arange(n_arcs)
    incidence = coo_array(
        (np.r_[np.ones(n_arcs), -np.ones(n_arcs)],
         (np.r_[network.tail, network.head], np.r_[arcs, arcs])),
        shape=(network.n_nodes, n_arcs),
    ).tocsr()
    res = linprog(cost, A_eq=incidence, b_eq=network.supply.astype(np.float64),
                  bounds=np.column_stack([network.lower, network.upper]).astype(np.float64),
                  method="highs-ds")
    if res.status == 2:
        return None
    if res.status != 0 or res.x is None:
        raise SolverError(f"HiGHS failed on the network LP: {res.message}")
    solution = np.asarray(res.x, dtype=np.float64)
    flow: IntArray = np.rint(solution).astype(np.int64)
    if np.abs(solution - flow).max(initial=0.0) > 1e-6:
        raise SolverError("HiGHS returned a fractional vertex of the network LP")
    return flow
