"""The certificate's single-key sweeps give the general search's distances and proof."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.errors import InfeasibleError
from mentormatch.solvers.flow import Network, build_network, certify_network, run_backend
from strategies import min_load_problems, problems


def residual_distances(network: Network, flow: np.ndarray) -> np.ndarray:
    """Plain Bellman-Ford from a virtual root (0 to every node); the flow has no negative cycle."""
    arcs = [(int(t), int(h), float(c)) for t, h, c, f, u in zip(
        network.tail, network.head, network.cost, flow, network.upper) if f < u]
    arcs += [(int(h), int(t), -float(c)) for t, h, c, f, lo in zip(
        network.tail, network.head, network.cost, flow, network.lower) if f > lo]
    dist = [0.0] * network.n_nodes
    for _ in range(network.n_nodes + 1):
        changed = False
        for t, h, c in arcs:
            if dist[t] + c < dist[h] - 1e-12:
                dist[h], changed = dist[t] + c, True
        if not changed:
            break
    return np.array(dist)


def solved_single_key(problem: mm.MatchProblem,
                      kind: str) -> tuple[Network, np.ndarray] | None:
    """The one-key network of ``kind`` and HiGHS's optimal flow on it (None if it has none)."""
    try:
        network = build_network(problem, "saturate" if kind == "saturate" else "score")
    except InfeasibleError:
        return None
    flow = run_backend(network, "highs", lexicographic=False).flow
    return None if flow is None else (network, flow)


both = st.one_of(problems(max_mentees=5, max_mentors=4, max_demand=3, max_capacity=3),
                 min_load_problems(max_demand=3))


@settings(max_examples=200, deadline=None)
@given(both, st.sampled_from(["saturate", "score"]))
def test_sweeps_give_the_shortest_distances_and_a_proof(problem: mm.MatchProblem,
                                                        kind: str) -> None:
    solved = solved_single_key(problem, kind)
    if solved is None:
        return
    network, optimal = solved
    flow = optimal.copy()
    proof = certify_network(network, flow)
    assert proof.proved and proof.cycles_canceled == 0
    assert not proof.node_level.any()
    np.testing.assert_allclose(proof.node_value, residual_distances(network, optimal),
                               atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(both, st.sampled_from(["saturate", "score"]), st.data())
def test_a_flow_optimal_for_other_scores_is_repaired_to_the_optimum(
        problem: mm.MatchProblem, kind: str, data: st.DataObject) -> None:
    """The sweeps cannot end on a negative cycle: the general search cancels it."""
    solved = solved_single_key(problem, kind)
    if solved is None:
        return
    network, optimal = solved
    costs = data.draw(st.lists(st.integers(-6, 2).map(float), min_size=network.n_pair,
                               max_size=network.n_pair))
    cost = network.cost.copy()
    cost[:network.n_pair] = costs
    other = dataclasses.replace(network, cost=cost)
    flow = optimal.copy()
    proof = certify_network(other, flow)
    assert proof.proved
    best = run_backend(other, "highs", lexicographic=False).flow
    assert best is not None
    assert float(cost @ flow) == float(cost @ best)
    assert ((flow >= other.lower) & (flow <= other.upper)).all()
