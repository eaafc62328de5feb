"""The sweep: runners x instances x seeds on any ``concurrent.futures.Executor``.

Each (runner, instance) pair is one task. A task rebuilds its instance from the spec
(deterministic), then runs the solver in a forked child process with a timeout, so a
peer that hangs (networkx, ``matching``) is killed and reported, never waited for.
Inside the child, every runner (ours and the peers') gets the same treatment
(``benchmarks.timing``): one warm-up run on the instance, ``repeats`` timed runs with no
tracing (median, fastest, slowest), then one more run of its own under ``tracemalloc``
for the peak memory (numpy buffers are traced; memory allocated inside C++ libraries
such as OR-Tools is not). Quality is computed in the task from the returned pairs.

Peers (``benchmarks.peers.PEER_OF``) are compared with the solver of ours that has
their objective; ``comparisons`` checks that the answers agree where they must.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

import mentormatch as mm
from mentormatch.problem import (
    assignment_metrics,
    blocking_pair_indices,
    load_spread,
    rank_profile,
    topic_coverage,
)
from mentormatch.progress import Progress

from .instances import Spec, problem
from .peers import PEER_OF, PEERS, NotApplicable
from .timing import timed, traced_peak

OURS = ("flow", "stable", "greedy", "hungarian", "ilp")


@dataclass(frozen=True)
class Task:
    """One solver (``ours:flow``) or peer (``peer:ortools_mcf``) on one instance."""

    runner: str
    spec: Spec
    timeout: float = 60.0
    repeats: int = 3


def _solve(runner: str, p: mm.MatchProblem) -> tuple[np.ndarray, np.ndarray]:
    kind, _, name = runner.partition(":")
    if kind == "ours":
        a = mm.solve(p, solver=name)
        return a.mentee_idx, a.mentor_idx
    return PEERS[name](p)


def _child(runner: str, spec: Spec, repeats: int, conn: Any) -> None:
    try:
        p = problem(spec)
        timing, (e, r) = timed(lambda: _solve(runner, p), repeats)
        peak = traced_peak(lambda: _solve(runner, p))
        conn.send(("ok", np.asarray(e), np.asarray(r), timing.as_dict(), peak))
    except NotApplicable as exc:
        conn.send(("n/a", str(exc)))
    except ImportError as exc:
        conn.send(("missing", f"not installed: {exc.name or exc}"))
    except Exception as exc:  # reported in the table, never raised
        conn.send(("error", f"{type(exc).__name__}: {exc}"[:300]))
    finally:
        conn.close()


_PRELOAD = ("scipy.optimize", "scipy.sparse.csgraph", "ortools.graph.python.min_cost_flow",
            "networkx", "matching.games", "mentormatch.solvers.flow._solve",
            "mentormatch.solvers._stable", "mentormatch.solvers._greedy",
            "mentormatch.solvers._hungarian", "mentormatch.solvers._ilp",
            "mentormatch.problem._stability")


def preload() -> None:
    """Import solver libraries once, before forking, so no run times an import.

    No solver is run here: the warm-up is the same for every runner, one untimed run
    on the instance itself inside the child (``benchmarks.timing.timed``).
    """
    import importlib

    for name in _PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def _in_child(task: Task) -> tuple[Any, ...]:
    preload()
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(task.runner, task.spec, task.repeats, send))
    proc.start()
    send.close()
    got: tuple[Any, ...] = ("timeout", f"no answer within {task.timeout:g} s")
    if recv.poll(task.timeout):
        try:
            got = recv.recv()
        except EOFError:
            got = ("error", "child process died")
    proc.join(timeout=1.0)
    if proc.is_alive():
        proc.kill()
        proc.join()
    return got


def quality(p: mm.MatchProblem, e: np.ndarray, r: np.ndarray) -> dict[str, Any]:
    """Quality measures of pairs on an instance (shared metrics of the library)."""
    a = mm.Assignment.from_pairs(p, e, r, solver="benchmark")
    report = mm.check(a, p)
    am = assignment_metrics(p, a)
    attrs = p.attributes
    asking = p.demand > 0
    cov = topic_coverage(attrs.asked, attrs.offered, a) if attrs is not None else None
    spread = load_spread(p, a)
    ranks = rank_profile(p, a)
    return {
        "feasible": report.ok,
        "total": am.total_score, "mean": am.mean_score, "min": am.min_score,
        "pairs": am.n_pairs, "matched": am.mentees_matched, "asking": am.mentees_asking,
        "coverage": float(cov[asking].mean()) if cov is not None and asking.any() else 1.0,
        "blocking": int(len(blocking_pair_indices(p, a))),
        "rank_profile": list(ranks[:3]), "load_std": spread.std,
    }


def run_task(task: Task) -> dict[str, Any]:
    """Run one task (in whichever worker the executor chose) and return its row."""
    row: dict[str, Any] = {"runner": task.runner, "instance": task.spec.label,
                           **asdict(task.spec)}
    got = _in_child(task)
    row["status"] = got[0]
    if got[0] != "ok":
        row["note"] = got[1]
        return row
    _, e, r, timing, peak = got
    row["seconds"] = timing["median"]
    row["seconds_low"], row["seconds_high"] = timing["low"], timing["high"]
    row["timed_runs"] = timing["runs"]
    row["peak_mb"] = peak
    row.update(quality(problem(task.spec), e, r))
    return row


def sweep(tasks: Iterable[Task], executor: Executor | None = None,
          progress: bool | None = None) -> list[dict[str, Any]]:
    """Run every task on ``executor`` (serially in this process when None); rows in task order."""
    tasks = list(tasks)
    with Progress(len(tasks), "benchmark tasks", enabled=progress) as bar:
        if executor is None:
            rows = []
            for t in tasks:
                rows.append(run_task(t))
                bar.update()
            return rows
        futures: list[Future[dict[str, Any]]] = [executor.submit(run_task, t) for t in tasks]
        for f in futures:
            f.add_done_callback(lambda _f: bar.update())
        return [f.result() for f in futures]


def _same_answer(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(a["pairs"] == b["pairs"] and a["matched"] == b["matched"]
                and abs(a["total"] - b["total"]) <= 1e-6 * max(1.0, abs(b["total"])))


def comparisons(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per instance: each peer against the solver of ours with its objective.

    ``time_ratio`` is the peer's median time over ours (> 1: the peer is slower);
    ``same_answer``: same pairs, mentees matched and total score (the objectives
    differ in their order of priorities, see ``PEER_OF``, so agreement is checked,
    not assumed); ``stable_both`` for stable matchings: no blocking pair on either side.
    """
    by_inst: dict[tuple[Any, ...], dict[str, dict[str, Any]]] = {}
    for row in rows:
        key = (row["profile"], row["n_mentees"], row["n_mentors"], row["seed"],
               row["one_mentor"])
        by_inst.setdefault(key, {})[row["runner"]] = row
    out = []
    for runs in by_inst.values():
        for name, row in runs.items():
            kind, _, peer = name.partition(":")
            if kind != "peer" or row.get("status") != "ok":
                continue
            ours_name, objective = PEER_OF[peer]
            ref = runs.get(f"ours:{ours_name}")
            if ref is None or ref.get("status") != "ok":
                continue
            out.append({"instance": row["instance"], "seed": row["seed"], "peer": peer,
                        "ours": ours_name, "objectives": objective,
                        "ours_s": ref["seconds"], "peer_s": row["seconds"],
                        "time_ratio": row["seconds"] / max(ref["seconds"], 1e-9),
                        "same_answer": _same_answer(row, ref),
                        "blocking": (ref["blocking"], row["blocking"])})
    return out


def make_executor(kind: str, workers: int | None = None,
                  scheduler: str | None = None) -> tuple[Executor | None, Callable[[], None]]:
    """An executor and its cleanup: ``serial``, ``thread``, ``process`` or ``dask``.

    ``dask`` uses a running cluster at ``scheduler`` (``tcp://host:8786``) or starts a
    ``LocalCluster``; Dask's ``Client.get_executor()`` is a ``concurrent.futures``
    executor, so the sweep code is the same for all.
    """
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    if kind == "serial":
        return None, lambda: None
    if kind == "thread":
        pool: Executor = ThreadPoolExecutor(max_workers=workers)
        return pool, lambda: pool.shutdown()
    if kind == "process":
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork"))
        return pool, lambda: pool.shutdown()
    if kind == "dask":
        from distributed import Client, LocalCluster

        if scheduler:
            client = Client(scheduler)  # type: ignore[no-untyped-call]
            return client.get_executor(), client.close  # type: ignore[no-untyped-call]

        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers or 2, threads_per_worker=1, processes=False,
            dashboard_address=None)
        client = Client(cluster)  # type: ignore[no-untyped-call]

        def close() -> None:
            client.close()  # type: ignore[no-untyped-call]
            cluster.close()

        return client.get_executor(), close  # type: ignore[no-untyped-call]
    raise ValueError(f"unknown executor {kind!r}; use serial, thread, process or dask")
