"""``stable`` (deferred acceptance) vs the ``matching`` package's hospital-resident solver.

Instances: hospital-resident with full preference lists, mentees (residents) wanting
one mentor each, mentor capacity ceil(1.2 n_mentees / n_mentors), independent
uniform random ratings on each side (no ties). Both libraries solve the same
instance; the mentee-optimal answers are compared pair by pair.

Timing: median of 3 runs after a warm-up. ``matching`` is timed on building its
game from preference dictionaries plus ``solve`` (its API needs both), each run in
a child process with a timeout and a raised recursion limit, so it cannot hang or
crash the script. ``mentormatch`` is timed on ``mm.solve(problem, solver="stable")``
(the problem built beforehand; the time includes the feasibility check ``solve``
runs on every answer).

Our own large sizes: 20000 x 4000 with full lists (dense ``MatchProblem``), and
100000 x 20000 with 50-long lists (a sparse ``CandidateProblem`` when that class
exists, else a minimal edge-only problem object; the script says which).

    python -m benchmarks.bench_stable [--quick]
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

import mentormatch as mm
from benchmarks.timing import median_time
from mentormatch.problem._match_problem import Edges

RESULTS = Path(__file__).resolve().parent / "results"
TIMEOUT_S = 300.0


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
        out.put(("done", statistics.median(times[1:]), pairs))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()


def time_matching(n_e: int, n_r: int, seed: int) -> tuple[float | None, Any, str]:
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_matching_child, args=(n_e, n_r, seed, 3, out))
    proc.start()
    deadline = time.monotonic() + TIMEOUT_S
    result: tuple[float | None, Any, str] = (None, None, f"timed out after {TIMEOUT_S:.0f} s")
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

class _EdgeOnly:
    """Minimal sparse problem (edges only), used if CandidateProblem is not available."""

    def __init__(self, n_e: int, n_r: int, e: np.ndarray, r: np.ndarray, s: np.ndarray,
                 t: np.ndarray, cap: int) -> None:
        self.shape = (n_e, n_r)
        self.n_mentees, self.n_mentors = n_e, n_r
        self.demand = np.ones(n_e, dtype=np.int64)
        self.capacity = np.full(n_r, cap, dtype=np.int64)
        self.locked = np.zeros((0, 2), dtype=np.int64)
        self._edges = Edges(e, r, s, s, t)
        self._keys = e * n_r + r

    def edges(self) -> Edges:
        return self._edges

    def pair_scores(self, e: Any, r: Any) -> np.ndarray:
        pos = np.searchsorted(self._keys, np.asarray(e) * self.shape[1] + np.asarray(r))
        return self._edges.score[pos]

    def is_allowed(self, e: Any, r: Any) -> np.ndarray:
        keys = np.asarray(e) * self.shape[1] + np.asarray(r)
        pos = np.minimum(np.searchsorted(self._keys, keys), self._keys.size - 1)
        return self._keys[pos] == keys


def sparse_instance(n_e: int, n_r: int, k: int, seed: int) -> tuple[Any, str]:
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
    try:
        from mentormatch.problem._candidate_problem import CandidateProblem
    except ImportError:
        return _EdgeOnly(n_e, n_r, e, r, s, t, cap), "minimal edge-only problem object"
    return (CandidateProblem(n_e, n_r, mentee=e, mentor=r, score=s, mentor_pref=t,
                             demand=1, capacity=cap), "CandidateProblem (issue 5)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    compare = [(100, 30), (300, 100), (1000, 300)]
    for n_e, n_r in compare:
        s, t, cap = instance(n_e, n_r, seed=n_e)
        problem = mm.MatchProblem(scores=s, mentor_prefs=t, capacity=cap)
        ours, _ = median_time(lambda p=problem: mm.solve(p, solver="stable"))
        theirs, their_pairs, status = time_matching(n_e, n_r, seed=n_e)
        a = mm.solve(problem, solver="stable")
        same = None
        if their_pairs is not None:
            ours_pairs = zip(a.mentee_idx.tolist(), a.mentor_idx.tolist(), strict=True)
            same = their_pairs == sorted(ours_pairs)
        row = {"size": f"{n_e}x{n_r}", "capacity": cap, "lists": "full",
               "mentormatch_s": ours, "matching_s": theirs, "matching_status": status,
               "ratio": (theirs / ours) if theirs else None, "same_pairs": same}
        rows.append(row)
        ratio = f"{theirs / ours:8.0f}x" if theirs else "   n/a"
        print(f"{n_e:>6} x {n_r:<6} mentormatch {ours * 1e3:9.2f} ms   matching "
              f"{(theirs or float('nan')):9.3f} s ({status})   ratio {ratio}   same {same}")
    if not args.quick:
        n_e, n_r = 20000, 4000
        s, t, cap = instance(n_e, n_r, seed=1)
        problem = mm.MatchProblem(scores=s, mentor_prefs=t, capacity=cap)
        for side in ("mentees", "mentors"):
            # Mentors proposing with surplus places walk whole 20000-long lists: slow,
            # so one timed run after the warm-up there.
            repeats = 3 if side == "mentees" else 1
            secs, _ = median_time(lambda p=problem, side=side: mm.solve(p, solver="stable",
                                                                  proposing=side), repeats)
            rows.append({"size": f"{n_e}x{n_r}", "capacity": cap, "lists": "full",
                         "proposing": side, "mentormatch_s": secs, "path": "dense",
                         "timed_runs": repeats})
            print(f"{n_e:>6} x {n_r:<6} full lists, {side} proposing: {secs:.2f} s")
        del problem, s, t
        n_e, n_r, k = 100000, 20000, 50
        build = time.perf_counter()
        sparse, kind = sparse_instance(n_e, n_r, k, seed=2)
        build = time.perf_counter() - build
        print(f"{n_e} x {n_r}, {k}-long lists as {kind} (built in {build:.2f} s)")
        for side in ("mentees", "mentors"):
            secs, _ = median_time(lambda p=sparse, side=side: mm.solve(p, solver="stable",
                                                                 proposing=side))
            a = mm.solve(sparse, solver="stable", proposing=side)
            rows.append({"size": f"{n_e}x{n_r}", "capacity": int(sparse.capacity[0]),
                         "lists": f"{k} per mentee", "proposing": side,
                         "mentormatch_s": secs, "path": a.info["path"], "problem": kind,
                         "proposals": a.info["proposals"], "pairs": a.n_pairs})
            print(f"{n_e:>6} x {n_r:<6} {k}-long lists, {side} proposing: {secs:.2f} s "
                  f"({a.info['proposals']} proposals, {a.n_pairs} pairs)")
    RESULTS.mkdir(exist_ok=True)
    out = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                       "load_avg": os.getloadavg()},
           "rows": rows}
    (RESULTS / "stable.json").write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
