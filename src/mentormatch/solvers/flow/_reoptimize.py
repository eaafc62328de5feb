"""Warm re-optimisation of a proved flow after new candidate pairs join.

Column generation solves a candidate problem, finds pairs that beat its duals,
adds them and solves again. Solving from scratch repeats almost all the work;
here the previous optimum and its proof's potentials are the start:

1. every new pair whose reduced cost is negative is given its unit, which
   leaves its mentor one mentee too many and its mentee one mentor too many;
   every residual arc now has a non-negative reduced cost;
2. the phases of :func:`~mentormatch.solvers.flow._primal_dual.primal_dual`
   (the primal-dual backend's own) route the surplus back, warm-started from
   that flow and those potentials: each phase's Dijkstra runs from every
   mentor with a surplus, and its maximum flow on the tight arcs serves every
   shortage it reached (potentials capped at the farthest, not the nearest:
   measured, far fewer phases).

The source arcs stay full (every mentee keeps its demand), so they are left
out of the phases and become the mentees' supply. Works on exact integer
costs, so only for scores on a small grid (``flow`` scales those exactly) and
saturated networks (every mentee gets its demand). The result is then proved
by the same Bellman-Ford certificate as
:func:`~mentormatch.solvers.flow.solve_flow`; None means "solve from scratch".
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from mentormatch.errors import SolverError
from mentormatch.problem import Assignment, MatchProblem
from mentormatch.solvers.flow._backends import grid_multiplier
from mentormatch.solvers.flow._certificate import certify_network
from mentormatch.solvers.flow._network import Network, flow_of_pairs
from mentormatch.solvers.flow._primal_dual import FlowArcs, primal_dual
from mentormatch.solvers.flow._solve import flow_assignment

__all__ = ["reoptimize_flow"]

IntArray = NDArray[np.int64]


def reoptimize_flow(problem: MatchProblem, previous: Assignment, *,
                    max_phases: int = 200) -> Assignment | None:
    """Optimal pairs of ``problem`` from a proved optimum of a problem with fewer pairs.

    ``previous`` must come from ``flow`` (or this function) on the same
    mentees, mentors, demands and capacities, with a subset of ``problem``'s
    admissible pairs, and have met every demand (its ``duals`` are
    ``saturated``). Returns the proved assignment (``info["backend"] ==
    "re-optimised"``), or None when the warm start does not apply or takes
    more than ``max_phases``.

    Examples
    --------
    >>> import mentormatch as mm
    >>> from mentormatch.problem import CandidateProblem
    >>> part = CandidateProblem(2, 2, [0, 1], [0, 0], [0.5, 0.25], capacity=2)
    >>> full = CandidateProblem(2, 2, [0, 1, 1], [0, 0, 1], [0.5, 0.25, 0.75], capacity=2)
    >>> a = reoptimize_flow(full, mm.solve(part, solver="flow"))
    >>> a.mentor_idx.tolist(), a.objective, a.info["backend"]
    ([0, 1], 1.25, 're-optimised')
    """
    duals = previous.duals
    if duals is None or not duals.saturated:
        return None
    placed = flow_of_pairs(problem, previous.mentee_idx, previous.mentor_idx)
    if placed is None or not placed[2]:
        return None
    network, flow, _ = placed
    if (duals.node_level.shape != (network.n_nodes,)
            or duals.node_value.shape != (network.n_nodes,) or duals.node_level.any()):
        return None
    scale = grid_multiplier(network.pair_scores, 2.0 ** 40 / (network.n_nodes + 1))
    if scale is None:
        return None
    cost = np.rint(network.cost * scale).astype(np.int64)
    start = duals.node_value * scale
    if np.abs(start - np.rint(start)).max(initial=0.0) > 1e-6:
        return None
    settled = _settle(network, flow, cost, np.rint(start).astype(np.int64), max_phases)
    if settled is None:
        return None
    flow, potential = settled
    proof = certify_network(network, flow, start=(np.zeros(network.n_nodes, dtype=np.int64),
                                                  potential / scale))
    if not proof.proved:
        return None
    return flow_assignment(problem, network, flow, proof, backend="re-optimised",
                           saturated=True)


def _settle(network: Network, flow: IntArray, cost: IntArray, potential: IntArray,
            max_phases: int) -> tuple[IntArray, IntArray] | None:
    """Give improving pairs their unit, route the surplus back; return the flow and potentials.

    The source's potential is brought back below every mentee's at the end,
    where its arcs (left out of the phases) need it. None if the phases run
    out or a surplus cannot be routed.
    """
    n_nodes, source = network.n_nodes, network.source
    moving = network.tail != source
    arcs = FlowArcs.of(n_nodes, network.tail[moving], network.head[moving],
                       network.lower[moving], network.upper[moving])
    if arcs.split.size:  # a split node would need a potential of its own
        raise SolverError(f"the network has {arcs.split.size} repeated (tail, head) arcs; "
                          "the re-optimiser needs them distinct")
    supply = network.supply.copy()
    supply[source] = 0
    np.add.at(supply, network.head[~moving], flow[~moving])
    # Under the previous proof only new pairs cost less than zero: the warm start gives
    # each its unit (every arc is put on its optimal bound).
    result = primal_dual(arcs, cost[moving], supply, flow=flow[moving], potential=potential,
                         max_phases=max_phases)
    if not result.feasible:
        return None
    out = flow.copy()
    out[moving] = result.flow[:arcs.n_input]
    settled = result.potential[:n_nodes].copy()
    settled[source] = min(int(settled[source]),
                          int(settled[:network.n_mentees].min(initial=settled[source])))
    return out, settled
