"""Exact min-cost flow: several distinct mentors per mentee, capacities, min loads, locks.

:func:`solve_flow` builds the network (:mod:`~mentormatch.solvers.flow._network`),
has a backend find an integral flow (:mod:`~mentormatch.solvers.flow._backends`)
and proves it optimal for the exact float scores
(:mod:`~mentormatch.solvers.flow._certificate`); :func:`certify_flow` proves
given pairs instead, repairing a few cycles.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_array
from scipy.sparse.csgraph import maximum_flow

from mentormatch.errors import InvalidInputError
from mentormatch.problem import Assignment, Duals, MatchProblem
from mentormatch.solvers.flow._backends import BackendFlow, resolve_backend, run_backend
from mentormatch.solvers.flow._certificate import (
    NetworkCertificate,
    certify_network,
    gap_bound,
    person_duals,
)
from mentormatch.solvers.flow._network import (
    Network,
    build_network,
    flow_of_pairs,
    infeasible_min_loads,
)

__all__ = ["certify_flow", "flow_assignment", "solve_flow"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


def solve_flow(problem: MatchProblem, *,
               objective: Literal["lexicographic", "score"] = "lexicographic",
               backend: Literal["auto", "ortools", "primal-dual", "highs"] = "auto",
               ) -> Assignment:
    """Exact min-cost flow: distinct mentors per mentee, capacities, min loads, locks.

    Optimises, exactly for the float scores given:

    * ``objective="lexicographic"`` (default): first the number of mentees who
      get at least one mentor, then the number of pairs, then the total score;
    * ``objective="score"``: the total score alone (pairs scoring <= 0 are
      never made unless a minimum load needs them).

    Each mentee gets at most ``demand`` *distinct* mentors, each mentor at most
    ``capacity`` mentees and at least ``min_load``; only admissible pairs
    (``problem.edges()``) are used; locked pairs are placed first and use up
    demand and capacity (a mentee with a locked mentor counts as covered).
    Works from the edge list only, so sparse candidate problems are solved too.

    **Exactness.** The backend solves an integral flow: OR-Tools or the
    primal-dual method on scores scaled and rounded to integers, or HiGHS dual
    simplex on the network LP. None is trusted: Bellman-Ford on the residual
    graph with the exact float scores either proves optimality with node
    potentials (starting from the primal-dual method's own, when it ran) or
    finds an improving cycle, which is applied before searching again. ``info["exact"]``
    says whether the proof succeeded (its slack is ``info["gap_bound"]``,
    floating-point rounding only). Ties are broken deterministically.

    Parameters
    ----------
    problem : MatchProblem
        Or any object with ``shape``, ``demand``, ``capacity``, ``min_load``,
        ``locked``, ``edges()`` and ``pair_scores()``.
    objective : {"lexicographic", "score"}, default="lexicographic"
    backend : {"auto", "ortools", "primal-dual", "highs"}, default="auto"
        ``"auto"`` uses OR-Tools when it is installed, else ``"primal-dual"``
        (numpy and scipy only: successive shortest paths by phases, cost
        scaling, on a priced core of the pair arcs); ``"highs"`` is scipy's
        HiGHS on the network LP.

    Returns
    -------
    Assignment
        ``info`` holds ``backend``, ``objective``, ``exact``, ``gap_bound``,
        ``scale``, ``cycles_canceled`` and ``bellman_ford_rounds``; ``duals``
        holds the dual certificate (:class:`~mentormatch.problem.Duals`): an
        extra pair ``(i, j)`` scoring ``s`` cannot improve the answer when
        ``s <= duals.mentee_dual[i] + duals.mentor_dual[j] + duals.tolerance``.

    Raises
    ------
    InfeasibleError
        If the minimum loads cannot be met; the message names the mentors.

    Examples
    --------
    >>> import mentormatch as mm
    >>> p = mm.MatchProblem(scores=[[3.0, 2.0, 0.0], [3.0, 0.5, 1.0]], demand=2,
    ...                     capacity=[1, 2, 2])
    >>> a = solve_flow(p)
    >>> list(zip(a.mentee_idx.tolist(), a.mentor_idx.tolist())), a.objective
    ([(0, 0), (0, 1), (1, 1), (1, 2)], 6.5)
    >>> a.info["exact"]
    True
    """
    if objective not in ("lexicographic", "score"):
        raise InvalidInputError(
            f"objective must be 'lexicographic' or 'score', got {objective!r}"
        )
    if objective == "score" and getattr(problem, "priority", None) is not None:
        raise InvalidInputError("a priority group is a level of the lexicographic objective; "
                                "objective='score' has no levels to put it above")
    engine = resolve_backend(backend)
    lexicographic = objective == "lexicographic"
    got: BackendFlow | None = None
    saturated = False
    if lexicographic and int(problem.capacity.sum()) >= int(problem.demand.sum()):
        # When every unit of demand can be met, "most covered, then most pairs" is
        # settled and only the score remains: a smaller cost range, a faster solve.
        # (Not worth trying when the places are fewer than the units wanted.) A maximum
        # flow decides whether it can: a min-cost solve that finds no flow costs as much
        # as the one that follows (2.3 s of 4.2 on the national 10k x 3k top-50).
        network = build_network(problem, "saturate")
        if has_feasible_flow(network):
            got = run_backend(network, engine, lexicographic=False)
            saturated = got.flow is not None
    if got is None or got.flow is None:
        network = build_network(problem, objective)
        got = run_backend(network, engine, lexicographic)
    if got.flow is None:
        raise infeasible_min_loads(network)
    flow = got.flow
    return flow_assignment(problem, network, flow,
                           certify_network(network, flow, start=got.potentials),
                           backend=engine, saturated=saturated, objective=objective,
                           scale=got.scale)


def certify_flow(problem: MatchProblem, mentee_idx: IntArray, mentor_idx: IntArray, *,
                 max_cycles: int = 64, start: Duals | None = None) -> Assignment | None:
    """Prove the given pairs optimal (lexicographic objective), repairing a few cycles.

    A warm start for problems that changed a little: the pairs (which must be
    feasible: admissible, within demand and capacity, locked pairs included)
    become a flow, and the same Bellman-Ford proof as :func:`solve_flow`
    cancels up to ``max_cycles`` improving cycles, starting from the node
    potentials of ``start`` (the duals of an earlier proof on the same people)
    when given. Returns the proved assignment with the same ``info`` and
    ``duals`` as :func:`solve_flow`, or None when the pairs are infeasible or
    more cycles are needed (solve from scratch then).

    Examples
    --------
    >>> import numpy as np, mentormatch as mm
    >>> p = mm.MatchProblem(scores=[[1.0, 0.5], [0.2, 0.9]], capacity=1)
    >>> a = certify_flow(p, np.array([0, 1]), np.array([1, 0]))  # a worse start: repaired
    >>> a.mentor_idx.tolist(), a.info["cycles_canceled"], a.info["exact"]
    ([0, 1], 1, True)
    """
    placed = flow_of_pairs(problem, np.asarray(mentee_idx, dtype=np.int64),
                           np.asarray(mentor_idx, dtype=np.int64))
    if placed is None:
        return None
    network, flow, saturated = placed
    potentials = None if start is None else (start.node_level, start.node_value)
    proof = certify_network(network, flow, max_cycles=max_cycles, start=potentials)
    if not proof.proved:
        return None
    return flow_assignment(problem, network, flow, proof, backend="warm start",
                           saturated=saturated)


def has_feasible_flow(network: Network) -> bool:
    """Return whether ``network`` has a flow meeting its supplies and arc bounds.

    The standard reduction of lower bounds: each arc keeps ``upper - lower``
    of room, its lower bound moves to its ends as supply, and a super source
    feeds every node's surplus while a super sink drains every deficit. A
    feasible flow exists exactly when the maximum flow saturates them all.
    (True, undecided, when the flow would not fit scipy's int32 capacities: the
    min-cost solve decides then.)
    """
    n = network.n_nodes
    tail, head, lower = network.tail, network.head, network.lower
    excess = network.supply.copy()
    bounded = np.flatnonzero(lower)  # minimum loads only: usually none
    np.subtract.at(excess, tail[bounded], lower[bounded])
    np.add.at(excess, head[bounded], lower[bounded])
    needed = int(excess[excess > 0].sum())
    if needed == 0:
        return True
    if needed >= 2**30:  # residual capacities (up to twice this) would wrap in int32
        return True
    surplus, deficit = np.flatnonzero(excess > 0), np.flatnonzero(excess < 0)
    rows = np.concatenate([tail, np.full(surplus.size, n), deficit])
    cols = np.concatenate([head, surplus, np.full(deficit.size, n + 1)])
    room = np.concatenate([network.upper - lower, excess[surplus], -excess[deficit]])
    graph = coo_array((room, (rows, cols)), shape=(n + 2, n + 2)).tocsr()  # sums parallel arcs
    # No arc carries more than all that is needed: capped there, capacities fit int32.
    graph.data = np.minimum(graph.data, needed).astype(np.int32)
    graph.eliminate_zeros()
    return int(maximum_flow(graph, n, n + 1, method="dinic").flow_value) == needed


def flow_assignment(problem: MatchProblem, network: Network, flow: IntArray,
                    proof: NetworkCertificate, *, backend: str, saturated: bool,
                    objective: str = "lexicographic",
                    scale: float | None = None) -> Assignment:
    """Return the assignment of ``flow`` (plus the locked pairs), with its proof's duals."""
    locked = problem.locked
    used = flow[:network.n_pair] > 0
    info = {
        "backend": backend, "objective": objective, "exact": proof.proved,
        "gap_bound": gap_bound(network, proof), "scale": scale,
        "cycles_canceled": proof.cycles_canceled, "bellman_ford_rounds": proof.rounds,
    }
    return Assignment.from_pairs(
        problem, np.concatenate([locked[:, 0], network.pair_mentee[used]]),
        np.concatenate([locked[:, 1], network.pair_mentor[used]]), solver="flow", info=info,
        duals=person_duals(network, proof, saturated))
