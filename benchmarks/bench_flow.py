"""``flow`` against outside min-cost-flow libraries, and our own flow backends.

Instances (seeded): scores are the topic overlap of random 3-of-15 topic sets plus
small noise; every mentee wants two distinct mentors; capacities 7.

* ``complete``: 1000 mentees x 300 mentors, every pair admissible (300k arcs);
* ``candidates``: 10000 x 3000, each mentee's 50 best mentors (500k arcs), as a
  ``CandidateProblem``.

Peers (outside libraries) solve the *same* network as ``flow`` (same arcs, same
integer costs, the same lexicographic objective): OR-Tools ``SimpleMinCostFlow``
called directly, networkx ``network_simplex`` (complete instance only). Our own
backends (``flow`` on OR-Tools, on the numpy/scipy primal-dual backend, on scipy
HiGHS, and the HiGHS LP backend called directly) are a separate table: they
compare us with ourselves. Every runner
gets one warm-up run and 3 untraced timed runs (``benchmarks.timing.timed``); the
objectives of all runners are checked to agree.

    python -m benchmarks run flow        # --toy: tiny instances
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

import mentormatch as mm
from mentormatch.problem import CandidateProblem
from mentormatch.solvers.flow import build_network, run_backend, scaled_costs, solve_flow

from .results import Payload, Study, fmt_time
from .timing import timed


def topic_scores(rng: np.random.Generator, n: int, n_topics: int = 15) -> np.ndarray:
    """Random 3-of-15 topic sets as a 0/1 matrix."""
    keys = rng.random((n, n_topics))
    picks = np.argpartition(keys, 3, axis=1)[:, :3]
    out = np.zeros((n, n_topics), dtype=np.float64)
    np.put_along_axis(out, picks, 1.0, axis=1)
    return out


def instance(n_e: int, n_r: int, k: int | None, seed: int) -> CandidateProblem:
    rng = np.random.default_rng(seed)
    a, b = topic_scores(rng, n_e), topic_scores(rng, n_r)
    if k is None:
        scores = a @ b.T + 0.01 * rng.random((n_e, n_r))
        mentee, mentor = np.nonzero(np.ones_like(scores, dtype=bool))
        return CandidateProblem(n_e, n_r, mentee, mentor, scores.ravel(), demand=2, capacity=7)
    rows, cols, vals = [], [], []
    for lo in range(0, n_e, 2000):
        block = a[lo:lo + 2000] @ b.T + 0.01 * rng.random((min(2000, n_e - lo), n_r))
        top = np.argpartition(-block, k, axis=1)[:, :k]
        rows.append(np.repeat(np.arange(lo, lo + block.shape[0]), k))
        cols.append(top.ravel())
        vals.append(np.take_along_axis(block, top, axis=1).ravel())
    return CandidateProblem(n_e, n_r, np.concatenate(rows), np.concatenate(cols),
                            np.concatenate(vals), demand=2, capacity=7)


def ortools_direct(problem: CandidateProblem) -> Callable[[], float]:
    """OR-Tools on the same network and integer costs, timed from arrays to flows."""
    from ortools.graph.python import min_cost_flow

    net = build_network(problem, "lexicographic")  # type: ignore[arg-type]
    costs, _ = scaled_costs(net, True)
    supply = net.supply.copy()
    np.subtract.at(supply, net.tail, net.lower)
    np.add.at(supply, net.head, net.lower)

    def run() -> float:
        smcf = min_cost_flow.SimpleMinCostFlow()
        smcf.add_arcs_with_capacity_and_unit_cost(net.tail, net.head, net.upper - net.lower, costs)
        smcf.set_nodes_supplies(np.arange(net.n_nodes), supply)
        assert smcf.solve() == smcf.OPTIMAL
        flows = np.asarray(smcf.flows(np.arange(net.tail.size)))
        return float(-net.cost[:net.n_pair] @ flows[:net.n_pair])

    return run


def highs_lp(problem: CandidateProblem) -> Callable[[], float]:
    net = build_network(problem, "lexicographic")  # type: ignore[arg-type]

    def run() -> float:
        flow = run_backend(net, "highs", lexicographic=True).flow
        assert flow is not None
        return float(-net.cost[:net.n_pair] @ flow[:net.n_pair])

    return run


def networkx_simplex(problem: CandidateProblem) -> Callable[[], float]:
    import networkx as nx

    net = build_network(problem, "lexicographic")  # type: ignore[arg-type]
    costs, _ = scaled_costs(net, True)
    # networkx needs integer weights and no lower bounds (there are none here).
    assert not net.lower.any()

    def run() -> float:
        g = nx.DiGraph()
        for node, b in enumerate(net.supply.tolist()):
            g.add_node(node, demand=-b)
        for k, (u, v, c, w) in enumerate(zip(net.tail.tolist(), net.head.tolist(),
                                             net.upper.tolist(), costs.tolist(), strict=True)):
            if g.has_edge(u, v):  # parallel source arcs: route through a helper node
                h = ("split", k)
                g.add_edge(u, h, capacity=c, weight=w)
                g.add_edge(h, v, capacity=c, weight=0)
            else:
                g.add_edge(u, v, capacity=c, weight=w)
        _, flow = nx.network_simplex(g)
        e, r = net.pair_mentee, net.pair_mentor
        n_e = net.n_mentees
        return float(sum(-net.cost[k] for k in range(net.n_pair)
                         if flow[int(e[k])].get(n_e + int(r[k]), 0)))

    return run


FULL = [("complete", 1000, 300, None), ("candidates", 10000, 3000, 50)]
TOY = [("complete", 30, 10, None), ("candidates", 60, 20, 8)]
PEERS = ("ortools (direct)", "networkx network_simplex")


def _objective(out: Any) -> float:
    return float(out.objective) if isinstance(out, mm.Assignment) else float(out)


def run(toy: bool) -> Payload:
    rows: list[dict[str, Any]] = []
    for name, n_e, n_r, k in TOY if toy else FULL:
        problem = instance(n_e, n_r, k, seed=0)
        runners: dict[str, Callable[[], Any]] = {
            "flow[ortools]": partial(solve_flow, problem, backend="ortools"),  # type: ignore[arg-type]
            "flow[primal-dual]": partial(solve_flow, problem,  # type: ignore[arg-type]
                                         backend="primal-dual"),
            "flow[highs]": partial(solve_flow, problem, backend="highs"),  # type: ignore[arg-type]
            "highs LP backend (direct)": highs_lp(problem),
            "ortools (direct)": ortools_direct(problem),
        }
        if name == "complete":
            runners["networkx network_simplex"] = networkx_simplex(problem)
        ref: float | None = None
        for label, fn in runners.items():
            t, out = timed(fn)
            objective = _objective(out)
            ref = objective if ref is None else ref
            rows.append({"instance": name, "size": f"{n_e}x{n_r}",
                         "arcs": int(problem.edges().mentee.size), "runner": label,
                         "peer": label in PEERS, "time": t.as_dict(), "objective": objective,
                         "same_objective": bool(abs(objective - ref) <= 1e-6 * max(1, abs(ref)))})
    return {"rows": rows}


def tables(payload: Payload) -> dict[str, str]:
    rows = payload["rows"]
    base = {r["instance"]: r["time"]["median"] for r in rows if r["runner"] == "flow[ortools]"}
    out = {}
    for marker, peer in (("flow.peers", True), ("flow.backends", False)):
        lines = ["| instance | arcs | runner | time: median (fastest-slowest) "
                 "| time / flow[ortools] | same objective |", "|---" * 6 + "|"]
        for r in rows:
            if r["peer"] != peer and r["runner"] != "flow[ortools]":
                continue
            t = r["time"]
            lines.append(f"| {r['instance']} {r['size']} | {r['arcs']:,} | {r['runner']} "
                         f"| {fmt_time(t['median'], t['low'], t['high'])} "
                         f"| {t['median'] / base[r['instance']]:.2f}x "
                         f"| {'yes' if r['same_objective'] else '**no**'} |")
        out[marker] = "\n".join(lines)
    return out


STUDY = Study("flow", run, tables, ("benchmarks/bench_flow.py",), "python -m benchmarks run flow")
