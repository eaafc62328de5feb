"""Fast by default (issue 15): the plain install and the plain call, each against its peer.

Every comparison runs both sides in the same run on the same instance, through
``benchmarks.timing.timed`` (one untimed warm-up, then the median of at least 3
untraced runs, with the spread); memory is a run of its own in a child process
(its peak RSS). Each row records the machine's load average when it was measured.

* ``flow``: the ``primal-dual`` backend alone vs OR-Tools' min-cost flow alone on
  the same network (``run_backend``), and ``flow`` end to end (network, backend,
  certificate) with each backend: the national profile at 3,000 x 600 (dense) and
  10,000 x 3,000 with each mentee's 50 best mentors, both scored by the default
  scorer (scores on a grid), and ``bench_flow``'s noisy 10,000 x 3,000 top-50
  instance (scores off any grid).
* ``match``: plain ``mm.match(cohort)`` with and without OR-Tools installed (a child
  process in which ``import ortools`` fails) at 3,000 x 600, and at 20,000 x 4,000
  (time and peak RSS; the large-cohort path is chosen by the memory budget).
* ``stable``: ``mm.solve(problem, solver="stable")`` vs :func:`reference_da`, a
  plain-Python lazy deferred acceptance, on 20,000 x 4,000 full lists; the two
  matchings are compared pair by pair.
* ``pairing``: ``mm.pair_graph`` vs networkx ``max_weight_matching`` at 2,000
  people (peer scores of a national cohort, complete graph, maximum cardinality)
  and on a sparse random graph; the weights are compared. networkx runs once.
* ``national``: ``mm.match(cohort, solver="flow", candidates=10)`` at 100,000 x
  20,000 on each install, one run each in a child process, with the per-phase
  seconds the large-cohort path records (sample, pool, solve, price).

    python -m benchmarks run fast        # --toy: tiny sizes, seconds
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import time
from collections.abc import Callable
from heapq import heappush, heapreplace
from queue import Empty
from typing import Any

import numpy as np

import mentormatch as mm

from .memory import RSS_SOURCE, peak_rss_gib
from .results import Payload, Study, fmt_time
from .timing import timed

#: Seconds a child process may take before it is stopped and reported as slower than that.
PEER_TIMEOUT = 1800.0
#: Seconds networkx's matching may run (after its graph is built) before it is stopped:
#: at 2,000 vertices this already bounds the ratio at several hundred times.
PAIRING_TIMEOUT = 600.0


def _load() -> float:
    return round(os.getloadavg()[0], 2)


# -- stable vs a hand-written deferred acceptance ---------------------------------------

def reference_da(scores: np.ndarray, demand: np.ndarray,
                 capacity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mentee-proposing deferred acceptance, both sides ranking by ``scores``.

    Ties go to the lower index on both sides. First choices come from one
    ``argmax`` per row; a mentee's row is sorted only when it needs a further
    choice; each mentor keeps a heap of ``(score, -mentee)``, so its top is the
    holder it likes least.
    """
    n_e, n_r = scores.shape
    first = scores.argmax(axis=1).tolist()
    rows: dict[int, list[int]] = {}
    position = [0] * n_e
    want = demand.tolist()
    room = capacity.tolist()
    held: list[list[tuple[float, int]]] = [[] for _ in range(n_r)]
    stack = [i for i in range(n_e - 1, -1, -1) if want[i] > 0]
    while stack:
        i = stack.pop()
        while want[i] > 0 and position[i] < n_r:
            k = position[i]
            if k == 0:
                j = first[i]
            else:
                row = rows.get(i)
                if row is None:
                    row = rows[i] = np.argsort(-scores[i], kind="stable").tolist()
                j = row[k]
            position[i] = k + 1
            offer = (float(scores[i, j]), -i)
            if room[j]:
                heappush(held[j], offer)
                room[j] -= 1
                want[i] -= 1
            elif offer > held[j][0]:
                dropped = -heapreplace(held[j], offer)[1]
                want[i] -= 1
                want[dropped] += 1
                if want[dropped] == 1:
                    stack.append(dropped)
    mentee = [-i for h in held for _, i in h]
    mentor = [j for j, h in enumerate(held) for _ in h]
    return np.array(mentee, dtype=np.int64), np.array(mentor, dtype=np.int64)


def _pairs(e: np.ndarray, r: np.ndarray) -> list[tuple[int, int]]:
    return sorted(zip(e.tolist(), r.tolist(), strict=True))


def stable_study(n_e: int, n_r: int, repeats: int) -> dict[str, Any]:
    """``stable`` through ``mm.solve`` vs :func:`reference_da` on a scored national cohort."""
    from mentormatch.encode import build_problem
    from mentormatch.scoring import default_scorer
    from mentormatch.synthetic import make_cohort

    cohort = make_cohort(n_e, n_r, seed=0, profile="national", demand_probs=(1.0,))
    scored = build_problem(cohort, default_scorer().score(cohort))
    # Full lists: every pair allowed (the scorer's few exclusions are dropped).
    problem = mm.MatchProblem(scores=scored.scores, demand=scored.demand,
                              capacity=scored.capacity)
    del scored
    load = _load()
    ours_t, ours = timed(lambda: mm.solve(problem, solver="stable"), repeats)
    ref_t, (e, r) = timed(lambda: reference_da(problem.scores, problem.demand,
                                               problem.capacity), repeats)
    return {"size": f"{n_e}x{n_r}", "load_avg": load, "stable": ours_t.as_dict(),
            "reference": ref_t.as_dict(), "ratio": ours_t.median / ref_t.median,
            "same_matching": _pairs(ours.mentee_idx, ours.mentor_idx) == _pairs(e, r),
            "pairs": int(ours.n_pairs)}


# -- flow: the primal-dual backend vs OR-Tools ------------------------------------------

def _national_dense(n_e: int, n_r: int) -> mm.MatchProblem:
    from mentormatch.encode import build_problem
    from mentormatch.scoring import default_scorer
    from mentormatch.synthetic import make_cohort

    cohort = make_cohort(n_e, n_r, seed=0, profile="national")
    return build_problem(cohort, default_scorer().score(cohort))


def _national_top(n_e: int, n_r: int, k: int) -> Any:
    from mentormatch.large import build_candidates
    from mentormatch.synthetic import make_cohort

    return build_candidates(make_cohort(n_e, n_r, seed=0, profile="national"), k=k)


def _noisy_top(n_e: int, n_r: int, k: int) -> Any:
    from .bench_flow import instance

    return instance(n_e, n_r, k, seed=0)


def flow_study(name: str, problem: Any, repeats: int) -> list[dict[str, Any]]:
    """The network ``flow`` solves first: each backend alone, then ``flow`` end to end."""
    from mentormatch.solvers.flow import build_network, run_backend

    # As flow does: every unit of demand met when it can be, else the lexicographic network.
    network = build_network(problem, "saturate")
    lex = (int(problem.capacity.sum()) < int(problem.demand.sum())
           or run_backend(network, "ortools", False).flow is None)
    if lex:
        network = build_network(problem, "lexicographic")
    rows = []
    load = _load()
    base_t, base = timed(lambda: run_backend(network, "ortools", lex), repeats)
    ours_t, ours = timed(lambda: run_backend(network, "primal-dual", lex), repeats)
    assert base.flow is not None and ours.flow is not None
    base_cost, ours_cost = float(network.cost @ base.flow), float(network.cost @ ours.flow)
    rows.append({"instance": name, "what": "backend alone", "arcs": int(network.tail.size),
                 "load_avg": load, "ortools": base_t.as_dict(), "primal_dual": ours_t.as_dict(),
                 "ratio": ours_t.median / base_t.median,
                 "same_objective": abs(base_cost - ours_cost) <= 1e-6 * max(1.0, abs(base_cost))})
    load = _load()
    base_t, base_a = timed(lambda: mm.solve(problem, "flow", backend="ortools"), repeats)
    ours_t, ours_a = timed(lambda: mm.solve(problem, "flow", backend="primal-dual"), repeats)
    rows.append({"instance": name, "what": "flow end to end", "arcs": int(network.tail.size),
                 "load_avg": load, "ortools": base_t.as_dict(), "primal_dual": ours_t.as_dict(),
                 "ratio": ours_t.median / base_t.median,
                 "same_objective": bool(abs(base_a.objective - ours_a.objective)
                                        <= 1e-6 * max(1.0, abs(base_a.objective)))})
    return rows


# -- the plain call, with and without OR-Tools installed --------------------------------

def _child(task: str, args: tuple[Any, ...], without_ortools: bool, out: Any) -> None:
    if without_ortools:
        sys.modules["ortools"] = None  # type: ignore[assignment]  # import ortools fails
    started = time.perf_counter()
    try:
        tasks: dict[str, Callable[..., dict[str, Any]]] = {"plain_match": _plain_match,
                                                           "sparse_flow": _sparse_flow,
                                                           "national": _national}
        result = tasks[task](*args)
    except Exception as exc:  # reported, never raised
        result = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    result["child_seconds"] = time.perf_counter() - started
    result["peak_rss_gb"] = peak_rss_gib()
    result["rss_source"] = RSS_SOURCE
    result["load_avg"] = _load()
    out.put(result)


def in_child(task: str, args: tuple[Any, ...], without_ortools: bool,
             timeout: float = PEER_TIMEOUT) -> dict[str, Any]:
    """Run a task in a fresh interpreter (spawn), optionally as if OR-Tools were absent."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(task, args, without_ortools, queue))
    proc.start()
    try:
        result: dict[str, Any] = queue.get(timeout=timeout)
    except Exception:
        result = {"error": f"no answer within {timeout:g} s"}
    proc.join(timeout=5)
    if proc.is_alive():
        proc.kill()
        proc.join()
    result["install"] = "default (no OR-Tools)" if without_ortools else "with OR-Tools"
    return result


def _plain_match(n_e: int, n_r: int, repeats: int) -> dict[str, Any]:
    from mentormatch.solvers.flow import resolve_backend
    from mentormatch.synthetic import make_cohort

    cohort = make_cohort(n_e, n_r, seed=0, profile="national")
    t, result = timed(lambda: mm.match(cohort), repeats)
    return {"size": f"{n_e}x{n_r}", "time": t.as_dict(), "backend": resolve_backend("auto"),
            "path": result.provenance.path, "solver": result.provenance.solver,
            "objective": result.provenance.objective, "pairs": result.metrics.n_pairs,
            "matched": result.metrics.mentees_matched,
            "total": round(result.metrics.total_score, 9)}


def _national(n_e: int, n_r: int, k: int) -> dict[str, Any]:
    """One ``mm.match(cohort, candidates=k)`` on a national cohort, with its phases.

    One run, not a median: at 100,000 x 20,000 a run takes minutes, and its peak RSS
    (the child's) is part of the figure. The cohort is generated before the clock starts.
    """
    from mentormatch.solvers.flow import resolve_backend
    from mentormatch.synthetic import make_cohort

    cohort = make_cohort(n_e, n_r, seed=0, profile="national")
    started = time.perf_counter()
    result = mm.match(cohort, solver="flow", candidates=k)
    seconds = time.perf_counter() - started
    info = result.provenance.solver_info
    cand = info["candidates"]
    return {"size": f"{n_e}x{n_r}", "k": k, "seconds": seconds,
            "backend": resolve_backend("auto"), "solve_backend": info.get("backend"),
            "certified": cand["certified"], "rounds": cand["rounds"],
            "phases": cand["seconds"], "pairs": result.metrics.n_pairs,
            "matched": result.metrics.mentees_matched,
            "total": round(result.metrics.total_score, 9)}


def _sparse_flow(n_e: int, n_r: int, k: int, repeats: int) -> dict[str, Any]:
    """``flow`` through the public API on a scipy.sparse problem vs OR-Tools on its network."""
    from scipy import sparse

    from mentormatch.solvers.flow import build_network, resolve_backend, run_backend

    top = _noisy_top(n_e, n_r, k)
    edges = top.edges()
    matrix = sparse.csr_array((edges.score, (edges.mentee, edges.mentor)), shape=top.shape)
    problem = mm.MatchProblem(scores=matrix, demand=top.demand, capacity=top.capacity)
    t, a = timed(lambda: mm.solve(problem, "flow"), repeats)
    out = {"size": f"{n_e}x{n_r} top-{k} (noisy)", "time": t.as_dict(),
           "backend": resolve_backend("auto"), "objective": a.objective}
    try:
        network = build_network(problem, "saturate")
        peer, _ = timed(lambda: run_backend(network, "ortools", False), repeats)
        out["ortools_alone"] = peer.as_dict()
    except ImportError:
        pass
    return out


# -- pairing vs networkx -----------------------------------------------------------------

def _peer_child(run: Callable[[Any, Any], None], weights: Any, out: Any) -> None:
    try:
        run(weights, out)
    except Exception as exc:  # reported as the peer's error, never as a timeout
        out.put({"error": f"{type(exc).__name__}: {exc}"[:300]})


def _networkx_run(weights: Any, out: Any) -> None:
    import networkx as nx
    from scipy import sparse

    coo = sparse.coo_array(weights)
    keep = coo.row < coo.col
    g = nx.Graph()
    g.add_nodes_from(range(coo.shape[0]))
    g.add_weighted_edges_from(zip(coo.row[keep].tolist(), coo.col[keep].tolist(),
                                  coo.data[keep].tolist(), strict=True))
    out.put({"built": True})  # the clock (and the parent's timeout) starts here
    started = time.perf_counter()
    mate = nx.max_weight_matching(g, maxcardinality=True)
    seconds = time.perf_counter() - started
    weight = {(int(a), int(b)): float(w) for a, b, w in zip(coo.row, coo.col, coo.data,
                                                                 strict=True)}
    out.put({"seconds": seconds, "weight": sum(weight[a, b] for a, b in mate),
             "pairs": len(mate)})


def _next_message(proc: Any, queue: Any, timeout: float) -> dict[str, Any]:
    """The child's next message; ``{"error": ...}`` if it exits first, ``{}`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            wait = max(0.0, min(1.0, deadline - time.monotonic()))
            got: dict[str, Any] = queue.get(timeout=wait)
            return got
        except Empty:
            if not proc.is_alive():
                try:  # what it sent just before it exited
                    got = queue.get(timeout=0.5)
                    return got
                except Empty:
                    return {"error": f"the process exited with code {proc.exitcode} "
                                     "before answering"}
            if time.monotonic() >= deadline:
                return {}


def pairing_study(name: str, weights: Any, repeats: int, timeout: float = PAIRING_TIMEOUT,
                  peer_run: Callable[[Any, Any], None] = _networkx_run) -> dict[str, Any]:
    """``pair_graph`` (timed) vs one networkx run in a child process with a timeout.

    The timeout counts from when networkx's graph is built, as its timing does. A
    peer that fails (an exception, or its process dying) is reported with the
    error, not as stopped by the timeout.
    """
    load = _load()
    ours_t, ours = timed(lambda: mm.pair_graph(weights, max_cardinality=True), repeats)
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_peer_child, args=(peer_run, weights, queue))
    proc.start()
    peer = _next_message(proc, queue, PEER_TIMEOUT)  # the graph is built
    if peer.get("built"):
        peer = _next_message(proc, queue, timeout)
    proc.join(timeout=5)
    if proc.is_alive():
        proc.kill()
        proc.join()
    row = {"instance": name, "vertices": int(weights.shape[0]),
           "edges": int(ours.info["edges"]), "load_avg": load, "pair_graph": ours_t.as_dict(),
           "weight": ours.weight, "exact": ours.exact}
    if "error" in peer:
        row.update(networkx=None, networkx_note=f"failed: {peer['error']}")
    elif "seconds" not in peer:
        row.update(networkx=None, networkx_note=f"stopped after {timeout:g} s",
                   ratio_at_least=timeout / ours_t.median)
    else:
        row.update(networkx=peer["seconds"], ratio=peer["seconds"] / ours_t.median,
                   same_weight=bool(abs(peer["weight"] - ours.weight) <= 1e-6))
    return row


def _peer_weights(n: int) -> Any:
    from scipy import sparse

    from mentormatch.rounds._peers import peer_scores
    from mentormatch.synthetic import make_cohort

    cohort = make_cohort(n, 2, seed=0, profile="national")
    return sparse.csr_array(peer_scores(list(cohort.mentees)).scores)


def _random_sparse(n: int, degree: int) -> Any:
    from scipy import sparse

    rng = np.random.default_rng(0)
    m = n * degree // 2
    a, b = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = a != b
    a, b = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    keys = np.unique(a * n + b)
    w = rng.integers(1, 1000, keys.size).astype(float)
    upper = sparse.coo_array((w, (keys // n, keys % n)), shape=(n, n))
    return (upper + upper.T).tocsr()


# -- the study ---------------------------------------------------------------------------

def run(toy: bool) -> Payload:
    repeats = 3
    if toy:
        sizes = {"dense": (60, 15), "top": (200, 60, 8), "match": (60, 15), "big": (80, 20),
                 "stable": (200, 40), "pairs": 40, "sparse_pairs": (60, 4),
                 "national": (80, 20, 5)}
    else:
        sizes = {"dense": (3000, 600), "top": (10000, 3000, 50), "match": (3000, 600),
                 "big": (20000, 4000), "stable": (20000, 4000), "pairs": 2000,
                 "sparse_pairs": (2000, 20), "national": (100_000, 20_000, 10)}
    flows: list[dict[str, Any]] = []
    d, t = sizes["dense"], sizes["top"]
    assert isinstance(d, tuple) and isinstance(t, tuple)
    for name, make in ((f"national {d[0]}x{d[1]} dense", lambda: _national_dense(*d)),
                       (f"national {t[0]}x{t[1]} top-{t[2]}", lambda: _national_top(*t)),
                       (f"noisy {t[0]}x{t[1]} top-{t[2]}", lambda: _noisy_top(*t))):
        flows += flow_study(name, make(), repeats)
    matches = [in_child("plain_match", (*sizes[key], repeats), without)  # type: ignore[misc]
               for key in ("match", "big") for without in (True, False)]
    # Sub-second runs whose ratio is the target: 7 runs each, not 3, to steady the medians.
    sparse_flow = [in_child("sparse_flow", (*t, 7 if not toy else repeats), without)
                   for without in (True, False)]
    national = [in_child("national", sizes["national"], without)  # type: ignore[arg-type]
                for without in (True, False)]
    st = sizes["stable"]
    assert isinstance(st, tuple)
    stable = stable_study(st[0], st[1], repeats)
    n_pairs, sp = sizes["pairs"], sizes["sparse_pairs"]
    assert isinstance(n_pairs, int) and isinstance(sp, tuple)
    pairing = [pairing_study(f"peers {n_pairs}, complete", _peer_weights(n_pairs), repeats),
               pairing_study(f"random {sp[0]}, degree {sp[1]}", _random_sparse(*sp), repeats)]
    return {"flow": flows, "match": matches, "sparse_flow": sparse_flow, "stable": stable,
            "pairing": pairing, "national": national}


def _t(t: dict[str, Any] | None) -> str:
    return fmt_time(t["median"], t["low"], t["high"]) if t else "n/a"


def tables(payload: Payload) -> dict[str, str]:
    flow = ["| instance | what | arcs | OR-Tools | primal-dual | ratio | same objective "
            "| load |", "|---" * 8 + "|"]
    for r in payload["flow"]:
        flow.append(f"| {r['instance']} | {r['what']} | {r['arcs']:,} | {_t(r['ortools'])} "
                    f"| {_t(r['primal_dual'])} | {r['ratio']:.2f}x | {r['same_objective']} "
                    f"| {r['load_avg']} |")
    match = ["| size | install | backend | path | solver | time | peak RSS (GB) | pairs | total "
             "| load |", "|---" * 10 + "|"]
    for r in payload["match"]:
        if "error" in r:
            match.append(f"| | {r['install']} | {r['error']} |" + " |" * 7)
            continue
        match.append(f"| {r['size']} | {r['install']} | {r['backend']} | {r['path']} "
                     f"| {r['solver']} | {_t(r['time'])} | {r['peak_rss_gb']:.2f} "
                     f"| {r['pairs']:,} | {r['total']:.2f} | {r['load_avg']} |")
    for r in payload["sparse_flow"]:
        if "error" in r:
            continue
        peer = r.get("ortools_alone")
        match.append(f"| {r['size']}: sparse `MatchProblem`, `mm.solve(flow)` | {r['install']} "
                     f"| {r['backend']} | sparse | flow | {_t(r['time'])} "
                     f"| {r['peak_rss_gb']:.2f} | OR-Tools alone: {_t(peer)} | "
                     f"{r['objective']:.4f} | {r['load_avg']} |")
    s = payload["stable"]
    stable = ["| size | `mm.solve(stable)` | reference DA | ratio | same matching | load |",
              "|---" * 6 + "|",
              f"| {s['size']} full lists | {_t(s['stable'])} | {_t(s['reference'])} "
              f"| {s['ratio']:.2f}x | {s['same_matching']} | {s['load_avg']} |"]
    pairs = ["| instance | edges | `pair_graph` | networkx | speed-up | same weight | load |",
             "|---" * 7 + "|"]
    for r in payload["pairing"]:
        if r["networkx"] is None:
            at_least = r.get("ratio_at_least")  # none when networkx failed
            ratio = "n/a" if at_least is None else f">= {at_least:.0f}x"
            peer, same = r["networkx_note"], "n/a"
        else:
            peer, ratio, same = f"{r['networkx']:.2f} s", f"{r['ratio']:.0f}x", r["same_weight"]
        pairs.append(f"| {r['instance']} | {r['edges']:,} | {_t(r['pair_graph'])} | {peer} "
                     f"| {ratio} | {same} | {r['load_avg']} |")
    national = ["| size | install | backend | time | peak RSS (GB) | certified | rounds "
                "| phases (s) | pairs | load |", "|---" * 10 + "|"]
    for r in payload.get("national", []):
        if "error" in r:
            national.append(f"| | {r['install']} | {r['error']} |" + " |" * 7)
            continue
        phases = ", ".join(f"{key} {value:.1f}" for key, value in r["phases"].items())
        phases += f", rest (scoring, explaining) {r['seconds'] - sum(r['phases'].values()):.1f}"
        national.append(f"| {r['size']} (`candidates={r['k']}`) | {r['install']} "
                        f"| {r['backend']} | {r['seconds']:.1f} s | {r['peak_rss_gb']:.2f} "
                        f"| {r['certified']} | {r['rounds']} | {phases} | {r['pairs']:,} "
                        f"| {r['load_avg']} |")
    return {"fast.flow": "\n".join(flow), "fast.match": "\n".join(match),
            "fast.national": "\n".join(national),
            "fast.stable": "\n".join(stable), "fast.pairing": "\n".join(pairs)}


STUDY = Study("fast", run, tables, ("benchmarks/bench_fast.py", "benchmarks/bench_flow.py",
                                        "benchmarks/memory.py"),
              "python -m benchmarks run fast")
