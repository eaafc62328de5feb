"""Benchmark the exact ``flow`` solver against OR-Tools, HiGHS and networkx.

Instances (seeded): scores are the topic overlap of random 3-of-15 topic sets plus
small noise; every mentee wants two distinct mentors; capacities 7.

* ``complete``: 1000 mentees x 300 mentors, every pair admissible (300k arcs);
* ``candidates``: 10000 x 3000, each mentee's 50 best mentors (500k arcs), built as
  a sparse edge list.

Baselines solve the *same* network (same arcs, same integer costs where integers
are needed): OR-Tools ``SimpleMinCostFlow`` called directly, scipy HiGHS on the
network LP, networkx ``network_simplex`` (complete instance only). Timings are the
median of 3 runs after a warm-up. Run::

    python -m benchmarks.bench_flow [--quick]

and read the table, or ``benchmarks/results/flow.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import mentormatch as mm
from benchmarks.timing import median_time
from mentormatch.problem._match_problem import Edges
from mentormatch.solvers.flow import build_network, run_backend, scaled_costs, solve_flow

RESULTS = Path(__file__).parent / "results" / "flow.json"


class EdgeProblem:
    """A sparse problem: only candidate pairs, as edge arrays (what ``flow`` reads)."""

    def __init__(self, n_e: int, n_r: int, mentee: np.ndarray, mentor: np.ndarray,
                 score: np.ndarray, demand: int, capacity: int) -> None:
        order = np.lexsort((mentor, mentee))
        self.mentee, self.mentor, self.score = mentee[order], mentor[order], score[order]
        self.shape = (n_e, n_r)
        self.n_mentees, self.n_mentors = n_e, n_r
        self.demand = np.full(n_e, demand, dtype=np.int64)
        self.capacity = np.full(n_r, capacity, dtype=np.int64)
        self.min_load = np.zeros(n_r, dtype=np.int64)
        self.locked = np.zeros((0, 2), dtype=np.int64)
        self.attributes = None
        self._keys = self.mentee * n_r + self.mentor

    def edges(self) -> Edges:
        return Edges(self.mentee, self.mentor, self.score, self.score, self.score)

    def pair_scores(self, mentee_idx: Any, mentor_idx: Any) -> np.ndarray:
        keys = np.asarray(mentee_idx) * self.shape[1] + np.asarray(mentor_idx)
        pos = np.searchsorted(self._keys, keys)
        return self.score[pos]

    def is_allowed(self, mentee_idx: Any, mentor_idx: Any) -> np.ndarray:
        keys = np.asarray(mentee_idx) * self.shape[1] + np.asarray(mentor_idx)
        pos = np.minimum(np.searchsorted(self._keys, keys), self._keys.size - 1)
        return self._keys[pos] == keys


def topic_scores(rng: np.random.Generator, n: int, n_topics: int = 15) -> np.ndarray:
    """Random 3-of-15 topic sets as a 0/1 matrix."""
    keys = rng.random((n, n_topics))
    picks = np.argpartition(keys, 3, axis=1)[:, :3]
    out = np.zeros((n, n_topics), dtype=np.float64)
    np.put_along_axis(out, picks, 1.0, axis=1)
    return out


def instance(n_e: int, n_r: int, k: int | None, seed: int) -> EdgeProblem:
    rng = np.random.default_rng(seed)
    a, b = topic_scores(rng, n_e), topic_scores(rng, n_r)
    if k is None:
        scores = a @ b.T + 0.01 * rng.random((n_e, n_r))
        mentee, mentor = np.nonzero(np.ones_like(scores, dtype=bool))
        return EdgeProblem(n_e, n_r, mentee, mentor, scores.ravel(), 2, 7)
    rows, cols, vals = [], [], []
    for lo in range(0, n_e, 2000):
        block = a[lo:lo + 2000] @ b.T + 0.01 * rng.random((min(2000, n_e - lo), n_r))
        top = np.argpartition(-block, k, axis=1)[:, :k]
        rows.append(np.repeat(np.arange(lo, lo + block.shape[0]), k))
        cols.append(top.ravel())
        vals.append(np.take_along_axis(block, top, axis=1).ravel())
    return EdgeProblem(n_e, n_r, np.concatenate(rows), np.concatenate(cols),
                       np.concatenate(vals), 2, 7)


def ortools_direct(problem: EdgeProblem) -> Callable[[], float]:
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


def highs_lp(problem: EdgeProblem) -> Callable[[], float]:
    net = build_network(problem, "lexicographic")  # type: ignore[arg-type]

    def run() -> float:
        flow, _ = run_backend(net, "highs", lexicographic=True)
        assert flow is not None
        return float(-net.cost[:net.n_pair] @ flow[:net.n_pair])

    return run


def networkx_simplex(problem: EdgeProblem) -> Callable[[], float]:
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



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller instances, 1 run")
    parser.add_argument("--no-networkx", action="store_true")
    args = parser.parse_args()
    repeat = 1 if args.quick else 3
    cases = [("complete", 1000, 300, None), ("candidates", 10000, 3000, 50)]
    if args.quick:
        cases = [("complete", 200, 60, None), ("candidates", 2000, 600, 50)]
    rows: list[dict[str, Any]] = []
    for name, n_e, n_r, k in cases:
        problem = instance(n_e, n_r, k, seed=0)
        arcs = problem.mentee.size
        runners: dict[str, Callable[[], Any]] = {
            "ortools (direct)": ortools_direct(problem),
            "flow[ortools]": lambda p=problem: solve_flow(p, backend="ortools"),  # type: ignore
            "flow[highs]": lambda p=problem: solve_flow(p, backend="highs"),  # type: ignore
            "highs LP (direct)": highs_lp(problem),
        }
        if name == "complete" and not args.no_networkx:
            runners["networkx network_simplex"] = networkx_simplex(problem)
        times: dict[str, float] = {}
        facts: dict[str, Any] = {}
        for label, fn in runners.items():
            t, out = median_time(fn, 1 if label.startswith("networkx") else repeat)
            times[label] = t
            if isinstance(out, mm.Assignment):
                facts[label] = {"objective": out.objective, "pairs": out.n_pairs,
                                "exact": out.info["exact"],
                                "cycles_canceled": out.info["cycles_canceled"],
                                "bellman_ford_rounds": out.info["bellman_ford_rounds"]}
            else:
                facts[label] = {"objective": out}
        base = times["ortools (direct)"]
        for label, t in times.items():
            rows.append({"instance": name, "size": f"{n_e}x{n_r}", "arcs": int(arcs),
                         "solver": label, "seconds": t, "vs_ortools": t / base,
                         "flow_speedup": t / times["flow[ortools]"], **facts[label]})
    print(f"{'instance':<11}{'size':>12}{'arcs':>9}  {'solver':<26}{'seconds':>9}"
          f"{'x OR-Tools':>11}{'x flow':>9}  objective")
    for row in rows:
        print(f"{row['instance']:<11}{row['size']:>12}{row['arcs']:>9}  {row['solver']:<26}"
              f"{row['seconds']:>9.3f}{row['vs_ortools']:>11.2f}{row['flow_speedup']:>9.2f}"
              f"  {row['objective']:.6f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "machine": {"python": platform.python_version(), "processor": platform.processor(),
                    "machine": platform.machine()},
        "repeat": repeat, "quick": args.quick, "rows": rows}, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
