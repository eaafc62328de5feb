"""``stable`` (deferred acceptance) vs the ``matching`` package's hospital-resident solver.

Instances: hospital-resident with full preference lists, mentees (residents) wanting
one mentor each, mentor capacity ceil(1.2 n_mentees / n_mentors), independent
uniform random ratings on each side (no ties). Both libraries solve the same
instance; the mentee-optimal answers are compared pair by pair.

Timing: one warm-up run, then 3 untraced timed runs (median and spread), for both.
``matching`` is timed on building its game from preference dictionaries plus
``solve`` (its API needs both), in a child process with a timeout and a raised
recursion limit, so it cannot hang or crash the study. ``mentormatch`` is timed on
``mm.solve(problem, solver="stable")`` (the problem built beforehand; the time
includes the feasibility check ``solve`` runs on every answer).

Our own large sizes: 20000 x 4000 with full lists (dense ``MatchProblem``), and
100000 x 20000 with 50-long lists (a sparse ``CandidateProblem``).

    python -m benchmarks run stable      # --toy: tiny sizes
"""

from __future__ import annotations

import math
import multiprocessing as mp
import statistics
import sys
import time
from functools import partial
from typing import Any

import numpy as np

import mentormatch as mm
from mentormatch.problem import CandidateProblem

from .results import Payload, Study, fmt_time
from .timing import timed

TIMEOUT_S = 600.0


def instance(n_e: int, n_r: int, seed: int) -> tuple[np.ndarray, np.ndarray, int]:
    rng = np.random.default_rng(seed)
    return rng.random((n_e, n_r)), rng.random((n_e, n_r)), math.ceil(1.2 * n_e / n_r)



# -- the matching package, in a child process -------------------------------------------

def _matching_child(n_e: int, n_r: int, seed: int, repeats: int, out: Any) -> None:
    sys.setrecursionlimit(1_000_000)
    import threading

    threading.stack_size(512 * 1024 * 1024)  # deep recursion needs a big stack

    def work() -> None:
        from matching.games import HospitalResident

        mentee_prefs, mentor_prefs, cap = instance(n_e, n_r, seed)
        res = {f"e{i}": [f"r{j}" for j in np.argsort(-mentee_prefs[i], kind="stable")]
               for i in range(n_e)}
        hos = {f"r{j}": [f"e{i}" for i in np.argsort(-mentor_prefs[:, j], kind="stable")]
               for j in range(n_r)}
        caps = {f"r{j}": cap for j in range(n_r)}
        times = []
        pairs: list[tuple[int, int]] = []
        for _ in range(repeats + 1):  # the first run is the warm-up
            t = time.perf_counter()
            game = HospitalResident.create_from_dictionaries(res, hos, caps)
            solution = game.solve(optimal="resident")
            times.append(time.perf_counter() - t)
            pairs = sorted((int(str(e.name)[1:]), int(str(h.name)[1:]))
                           for h, es in solution.items() for e in es)
            out.put(("partial", times[1:]))
        timed_runs = times[1:]
        out.put(("done", {"median": statistics.median(timed_runs), "low": min(timed_runs),
                          "high": max(timed_runs), "runs": len(timed_runs)}, pairs))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()


def time_matching(n_e: int, n_r: int, seed: int) -> tuple[dict[str, Any] | None, Any, str]:
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_matching_child, args=(n_e, n_r, seed, 3, out))
    proc.start()
    deadline = time.monotonic() + TIMEOUT_S
    result: tuple[dict[str, Any] | None, Any, str] = (
        None, None, f"timed out after {TIMEOUT_S:.0f} s")
    while time.monotonic() < deadline:
        try:
            msg = out.get(timeout=max(0.1, min(5.0, deadline - time.monotonic())))
        except Exception:  # queue.Empty
            if not proc.is_alive():
                result = (None, None, f"crashed (exit code {proc.exitcode})")
                break
            continue
        if msg[0] == "done":
            result = (msg[1], msg[2], "ok")
            break
    if proc.is_alive():
        proc.terminate()
    proc.join()
    return result


# -- our big instances ----------------------------------------------------------------

def sparse_instance(n_e: int, n_r: int, k: int, seed: int) -> CandidateProblem:
    """``k`` distinct random candidate mentors per mentee, random ratings on both sides."""
    rng = np.random.default_rng(seed)
    c = np.sort(rng.integers(0, n_r, (n_e, k + 12)), axis=1)
    dup = np.zeros(c.shape, dtype=bool)
    dup[:, 1:] = c[:, 1:] == c[:, :-1]
    c = np.sort(np.take_along_axis(c, np.argsort(dup, axis=1, kind="stable")[:, :k], 1), axis=1)
    assert (np.diff(c, axis=1) > 0).all(), "duplicate candidates"
    e = np.repeat(np.arange(n_e, dtype=np.int64), k)
    r = c.ravel().astype(np.int64)
    s, t = rng.random(e.size), rng.random(e.size)
    cap = math.ceil(1.2 * n_e / n_r)
    return CandidateProblem(n_e, n_r, mentee=e, mentor=r, score=s, mentor_pref=t, demand=1,
                            capacity=cap)


def _compare(sizes: list[tuple[int, int]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for n_e, n_r in sizes:
        s, t, cap = instance(n_e, n_r, seed=n_e)
        problem = mm.MatchProblem(scores=s, mentor_prefs=t, capacity=cap)
        ours, a = timed(partial(mm.solve, problem, solver="stable"))
        theirs, their_pairs, status = time_matching(n_e, n_r, seed=n_e)
        same = None
        if their_pairs is not None:
            same = their_pairs == sorted(zip(a.mentee_idx.tolist(), a.mentor_idx.tolist(),
                                             strict=True))
        rows.append({"size": f"{n_e}x{n_r}", "capacity": cap, "lists": "full",
                     "mentormatch": ours.as_dict(), "matching": theirs,
                     "matching_status": status,
                     "ratio": theirs["median"] / ours.median if theirs else None,
                     "same_pairs": same})
    return rows


def _large(n_e: int, n_r: int, k: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    s, t, cap = instance(n_e, n_r, seed=1)
    problem = mm.MatchProblem(scores=s, mentor_prefs=t, capacity=cap)
    for side in ("mentees", "mentors"):
        secs, _ = timed(partial(mm.solve, problem, solver="stable", proposing=side))
        rows.append({"size": f"{n_e}x{n_r}", "lists": "full", "proposing": side,
                     "mentormatch": secs.as_dict()})
    del problem, s, t
    n_e, n_r = 5 * n_e, 5 * n_r
    sparse = sparse_instance(n_e, n_r, k, seed=2)
    for side in ("mentees", "mentors"):
        secs, a = timed(partial(mm.solve, sparse, solver="stable", proposing=side))
        rows.append({"size": f"{n_e}x{n_r}", "lists": f"{k} per mentee", "proposing": side,
                     "mentormatch": secs.as_dict(), "proposals": a.info["proposals"],
                     "pairs": a.n_pairs})
    return rows


def run(toy: bool) -> Payload:
    if toy:
        return {"compare": _compare([(12, 4)]), "large": _large(40, 8, 5)}
    return {"compare": _compare([(100, 30), (300, 100), (1000, 300)]),
            "large": _large(20000, 4000, 50)}


def _t(t: dict[str, Any] | None) -> str:
    return fmt_time(t["median"], t["low"], t["high"]) if t else "n/a"


def tables(payload: Payload) -> dict[str, str]:
    lines = ["| size | `stable` | `matching` HospitalResident | matching / ours "
             "| same pairs |", "|---" * 5 + "|"]
    for r in payload["compare"]:
        ratio = f"{r['ratio']:.0f}x" if r["ratio"] else r["matching_status"]
        lines.append(f"| {r['size']} | {_t(r['mentormatch'])} | {_t(r['matching'])} | {ratio} "
                     f"| {r['same_pairs']} |")
    big = ["| size | lists | proposing | `stable` |", "|---" * 4 + "|"]
    for r in payload["large"]:
        big.append(f"| {r['size']} | {r['lists']} | {r['proposing']} | {_t(r['mentormatch'])} |")
    return {"stable.peers": "\n".join(lines), "stable.large": "\n".join(big)}


STUDY = Study("stable", run, tables, ("benchmarks/bench_stable.py",),
              "python -m benchmarks run stable")
