"""The backends that find an integral flow: OR-Tools on integer costs, or HiGHS on the LP.

Neither is trusted with the float scores: OR-Tools sees them scaled and
rounded, HiGHS solves in floating point. The certificate
(:mod:`mentormatch.solvers.flow._certificate`) proves or repairs what they return.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from mentormatch.errors import InvalidInputError, SolverError
from mentormatch.solvers.flow._network import Network

__all__ = ["grid_multiplier", "resolve_backend", "run_backend", "scaled_costs"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

#: Multipliers that make "grid" scores (multiples of 1/2, 1/3, ..., 1/16) integers.
_GRID = (1, 2, 6, 12, 60, 420, 840, 2520, 27720, 360360, 720720)


def resolve_backend(backend: str) -> str:
    """Return the backend to run: ``"auto"`` is OR-Tools when it is installed, else HiGHS.

    Raises :class:`InvalidInputError` for a name that is not a backend.
    """
    if backend not in ("auto", "ortools", "highs"):
        raise InvalidInputError(
            f"backend must be 'auto', 'ortools' or 'highs', got {backend!r}"
        )
    if backend != "auto":
        return backend
    try:
        from ortools.graph.python import min_cost_flow  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the install
        return "highs"
    return "ortools"


def run_backend(network: Network, backend: str,
                lexicographic: bool) -> tuple[IntArray | None, float | None]:
    """Return an optimal integral flow (None if the network has none) and the cost scale.

    ``backend`` is ``"ortools"`` or ``"highs"`` (see :func:`resolve_backend`);
    the scale is what OR-Tools' integer costs were multiplied by (None for
    HiGHS). With ``lexicographic``, arc levels are weighted to dominate the scores.
    """
    if backend == "ortools":
        return _run_ortools(network, lexicographic)
    return _run_highs(network, lexicographic), None


def grid_multiplier(scores: FloatArray, limit: float) -> float | None:
    """Return the smallest multiplier in ``_GRID`` making every score an integer, if any."""
    spread = float(np.abs(scores).max(initial=0.0))
    for multiplier in _GRID:
        if multiplier * spread > limit:
            return None
        scaled = scores * multiplier
        if np.abs(scaled - np.rint(scaled)).max(initial=0.0) <= 1e-7:
            return float(multiplier)
    return None


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
    np.subtract.at(supply, network.tail, network.lower)
    np.add.at(supply, network.head, network.lower)
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
