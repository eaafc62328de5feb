"""The sweep: runners x instances x seeds on any ``concurrent.futures.Executor``.

Each (runner, instance) pair is one task. A task rebuilds its instance from the spec
(deterministic), then runs the solver in a forked child process with a timeout, so a
peer that hangs (networkx, ``matching``) is killed and reported, never waited for.
Inside the child: wall time (``time.perf_counter``) and peak memory as traced by
``tracemalloc`` (numpy buffers are traced; memory allocated inside C++ libraries such
as OR-Tools is not). Quality is computed in the task from the returned pairs.
"""

from __future__ import annotations

import multiprocessing as mp
import time
import tracemalloc
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

import mentormatch as mm
from mentormatch.problem._metrics import (
    assignment_metrics,
    load_spread,
    rank_profile,
    topic_coverage,
)
from mentormatch.progress import Progress

from .instances import Spec, problem
from .peers import PEERS, NotApplicable

OURS = ("flow", "stable", "greedy", "hungarian", "ilp")


@dataclass(frozen=True)
class Task:
    """One solver (``ours:flow``) or peer (``peer:ortools_mcf``) on one instance."""

    runner: str
    spec: Spec
    timeout: float = 60.0


def _solve(runner: str, p: mm.MatchProblem) -> tuple[np.ndarray, np.ndarray]:
    kind, _, name = runner.partition(":")
    if kind == "ours":
        a = mm.solve(p, solver=name)
        return a.mentee_idx, a.mentor_idx
    return PEERS[name](p)


def _child(runner: str, spec: Spec, conn: Any) -> None:
    try:
        p = problem(spec)
        tracemalloc.start()
        t = time.perf_counter()
        e, r = _solve(runner, p)
        seconds = time.perf_counter() - t
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        conn.send(("ok", np.asarray(e), np.asarray(r), seconds, peak))
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
    """Import solver libraries once, before forking, so no run times an import."""
    import importlib

    for name in _PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    tiny = mm.MatchProblem(scores=[[1.0, 0.5], [0.2, 0.9]])
    for name in OURS:  # first calls also fill lazy caches (HiGHS, OR-Tools)
        try:
            mm.solve(tiny, solver=name)
        except Exception:  # noqa: S110 - a missing solver is reported by its task
            pass


def _in_child(task: Task) -> tuple[Any, ...]:
    preload()
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(task.runner, task.spec, send))
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
    from mentormatch.problem._stability import blocking_pair_indices

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
    _, e, r, seconds, peak = got
    row["seconds"] = seconds
    row["peak_mb"] = peak / 2**20
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


def ratios(rows: list[dict[str, Any]], base: str = "ours:flow") -> list[dict[str, Any]]:
    """Per instance: each runner's time over the base runner's time, and its total score gap."""
    by_inst: dict[tuple[Any, ...], dict[str, dict[str, Any]]] = {}
    for row in rows:
        key = (row["profile"], row["n_mentees"], row["n_mentors"], row["seed"],
               row["one_mentor"])
        by_inst.setdefault(key, {})[row["runner"]] = row
    out = []
    for runs in by_inst.values():
        ref = runs.get(base)
        for name, row in runs.items():
            if ref is None or ref.get("status") != "ok" or row.get("status") != "ok":
                continue
            out.append({"instance": row["instance"], "seed": row["seed"], "runner": name,
                        "time_ratio": row["seconds"] / max(ref["seconds"], 1e-9),
                        "total_gap": row["total"] - ref["total"],
                        "pairs_gap": row["pairs"] - ref["pairs"]})
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
            client = Client(scheduler)
            return client.get_executor(), client.close

        cluster = LocalCluster(n_workers=workers or 2, threads_per_worker=1,
                               processes=False, dashboard_address=None)
        client = Client(cluster)

        def close() -> None:
            client.close()
            cluster.close()

        return client.get_executor(), close
    raise ValueError(f"unknown executor {kind!r}; use serial, thread, process or dask")
