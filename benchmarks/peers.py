"""Other libraries solving the same instance, each returning (mentee_idx, mentor_idx).

All peers get the dense ``MatchProblem`` of the instance and maximise first the number
of pairs then the total score (big-M on integer costs), like ``flow``'s default.
A peer that does not apply to an instance raises ``NotApplicable``; one that is not
installed raises ``ImportError``: the runner reports both, never crashes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy as np

import mentormatch as mm

from .instances import integer_costs

Pairs = tuple[np.ndarray, np.ndarray]


class NotApplicable(Exception):
    """This peer does not solve this kind of instance."""


def scipy_lsa(p: mm.MatchProblem) -> Pairs:
    """scipy ``linear_sum_assignment`` on mentors expanded into capacity slots (1:1 only)."""
    from scipy.optimize import linear_sum_assignment

    if (p.demand > 1).any():
        raise NotApplicable("1:1 only: slot expansion gives a mentee the same mentor twice")
    slots = np.minimum(p.capacity, p.n_mentees)
    cols = np.repeat(np.arange(p.n_mentors), slots)
    rows = np.flatnonzero(p.demand > 0)
    big = 2.0 * (np.abs(p.scores).max() + 1)
    cost = np.where(p.allowed[np.ix_(rows, cols)], p.scores[np.ix_(rows, cols)] + big, 0.0)
    r, c = linear_sum_assignment(cost, maximize=True)
    keep = p.allowed[rows[r], cols[c]]
    return rows[r][keep], cols[c][keep]


def _network(p: mm.MatchProblem) -> tuple[np.ndarray, ...]:
    e, r = np.nonzero(p.allowed & (p.demand > 0)[:, None] & (p.capacity > 0)[None, :])
    s = integer_costs(p.scores[e, r])
    big = int(np.abs(s).max(initial=0)) * 2 + 1
    return e, r, -(s + big)


def ortools_mcf(p: mm.MatchProblem) -> Pairs:
    """OR-Tools ``SimpleMinCostFlow`` on the full graph (every allowed pair an arc)."""
    from ortools.graph.python import min_cost_flow

    n_e, n_r = p.shape
    e, r, cost = _network(p)
    src, snk = n_e + n_r, n_e + n_r + 1
    total = int(p.demand.sum())
    tails = np.concatenate([e, np.full(n_e, src), n_e + np.arange(n_r), [src]])
    heads = np.concatenate([n_e + r, np.arange(n_e), np.full(n_r, snk), [snk]])
    caps = np.concatenate([np.ones(e.size, np.int64), p.demand, p.capacity, [total]])
    costs = np.concatenate([cost, np.zeros(n_e + n_r + 1, np.int64)])
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supply = np.zeros(n_e + n_r + 2, np.int64)
    supply[src], supply[snk] = total, -total
    smcf.set_nodes_supplies(np.arange(supply.size), supply)
    if smcf.solve() != smcf.OPTIMAL:
        raise RuntimeError("OR-Tools did not find an optimum")
    flow = np.asarray(smcf.flows(np.arange(e.size)))
    used = flow > 0
    return e[used], r[used]


def networkx_mcf(p: mm.MatchProblem) -> Pairs:
    """networkx ``network_simplex`` on the same network (integer costs)."""
    import networkx as nx

    n_e, n_r = p.shape
    e, r, cost = _network(p)
    g = nx.DiGraph()
    total = int(p.demand.sum())
    g.add_node("s", demand=-total)
    g.add_node("t", demand=total)
    g.add_edge("s", "t", capacity=total, weight=0)
    for i in range(n_e):
        g.add_edge("s", ("e", i), capacity=int(p.demand[i]), weight=0)
    for j in range(n_r):
        g.add_edge(("r", j), "t", capacity=int(p.capacity[j]), weight=0)
    for i, j, c in zip(e.tolist(), r.tolist(), cost.tolist(), strict=True):
        g.add_edge(("e", i), ("r", j), capacity=1, weight=c)
    _, flow = nx.network_simplex(g)
    pairs = [(i, j) for i, j in zip(e.tolist(), r.tolist(), strict=True)
             if flow[("e", i)][("r", j)] > 0]
    arr = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    return arr[:, 0], arr[:, 1]


def matching_hr(p: mm.MatchProblem) -> Pairs:
    """The ``matching`` package's hospital-resident solver (mentee-optimal, 1:1 only)."""
    from matching.games import HospitalResident

    if (p.demand > 1).any():
        raise NotApplicable("hospital-resident gives each resident one hospital")
    n_e, n_r = p.shape
    res_prefs, hosp_prefs = {}, {}
    for i in range(n_e):
        cols = np.flatnonzero(p.allowed[i])
        order = cols[np.lexsort((cols, -p.mentee_prefs[i, cols]))]
        res_prefs[f"e{i}"] = [f"r{j}" for j in order.tolist()]
    for j in range(n_r):
        rows = np.flatnonzero(p.allowed[:, j])
        order = rows[np.lexsort((rows, -p.mentor_prefs[rows, j]))]
        hosp_prefs[f"r{j}"] = [f"e{i}" for i in order.tolist()]
    caps = {f"r{j}": int(p.capacity[j]) for j in range(n_r)}
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 100_000))  # PEERS.md: RecursionError otherwise
    try:
        game = HospitalResident.create_from_dictionaries(res_prefs, hosp_prefs, caps)
        solution = game.solve(optimal="resident")
    finally:
        sys.setrecursionlimit(limit)
    pairs = [(int(str(res)[1:]), int(str(h)[1:]))
             for h, residents in solution.items() for res in residents]
    arr = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    return arr[:, 0], arr[:, 1]


#: Each peer's counterpart among our solvers, and how their objectives relate. Where
#: the priorities differ the sweep checks that the answers agree (``comparisons``).
PEER_OF: dict[str, tuple[str, str]] = {
    "scipy_lsa": ("flow", "peer: most pairs, then total (demand 1); flow: most mentees "
                          "covered, then pairs, then total: the same on demand 1"),
    "ortools_mcf": ("flow", "peer: most pairs, then total; flow: most mentees covered, "
                            "then pairs, then total (answers checked to agree)"),
    "networkx_mcf": ("flow", "peer: most pairs, then total; flow: most mentees covered, "
                             "then pairs, then total (answers checked to agree)"),
    "matching_hr": ("stable", "both: the mentee-optimal stable matching (mentees propose)"),
}

PEERS: dict[str, Callable[[mm.MatchProblem], Pairs]] = {
    "scipy_lsa": scipy_lsa,
    "ortools_mcf": ortools_mcf,
    "networkx_mcf": networkx_mcf,
    "matching_hr": matching_hr,
}
