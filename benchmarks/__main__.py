"""``python -m benchmarks``: sweep, compare with other libraries, write results and plots.

    python -m benchmarks                      # default sweep on a local process pool
    python -m benchmarks --quick              # CI smoke: tiny sizes, seconds
    python -m benchmarks --executor dask      # LocalCluster; --scheduler tcp://host:8786
    python -m benchmarks --targets            # national / 10k x 3k / pilot targets
    python -m benchmarks --quality 100        # pilot quality table over 100 seeds

Writes ``results/sweep.json``, ``results/sweep.csv``, ``results/ratios.csv``,
``results/time.png`` (log-log) and, with ``--targets`` / ``--quality``,
``results/targets.json`` / ``results/quality.json`` into ``--out``
(default ``benchmarks/results``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .instances import Spec
from .peers import PEERS
from .runner import OURS, Task, make_executor, ratios, sweep

HERE = Path(__file__).resolve().parent

#: Default sweep: (profile, n_mentees, n_mentors, one_mentor).
SIZES = [("pilot", 7, 33, False), ("university", 300, 80, False),
         ("university", 1000, 250, True), ("national", 3000, 600, False)]
QUICK = [("pilot", 7, 33, False), ("university", 120, 30, True)]
#: Peers that are too slow beyond this many mentees (skipped, reported as such).
PEER_LIMIT = {"networkx_mcf": 1000, "matching_hr": 1000}


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "date": time.strftime("%Y-%m-%d")}


def tasks_for(sizes: list[tuple[str, int, int, bool]], seeds: int, solvers: list[str],
              peers: list[str], timeout: float) -> list[Task]:
    out = []
    for profile, n_e, n_r, one in sizes:
        for seed in range(seeds):
            spec = Spec(profile, n_e, n_r, seed, one)
            out += [Task(f"ours:{s}", spec, timeout) for s in solvers]
            out += [Task(f"peer:{p}", spec, timeout) for p in peers
                    if n_e <= PEER_LIMIT.get(p, 10**9)]
    return out


def write(rows: list[dict[str, Any]], out: Path, name: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps({"machine": machine(), "rows": rows},
                                                 indent=1, default=str))
    keys: list[str] = []
    for row in rows:
        keys += [k for k in row if k not in keys]
    with open(out / f"{name}.csv", "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=keys)
        w.writeheader()
        w.writerows(rows)


def plot(rows: list[dict[str, Any]], path: Path) -> str:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib not installed: no plot"
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for runner in sorted({r["runner"] for r in rows}):
        pts = sorted((r["n_mentees"] * r["n_mentors"], r["seconds"]) for r in rows
                     if r["runner"] == runner and r.get("status") == "ok")
        if pts:
            ax.plot(*zip(*pts, strict=True), marker="o", label=runner)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("pairs (mentees x mentors)")
    ax.set_ylabel("solve time (s)")
    ax.legend(fontsize=7)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return str(path)


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| instance | seed | runner | status | time (s) | peak MB | pairs | matched | "
             "total | min | coverage | blocking |", "|" + "---|" * 12]
    for r in rows:
        if r.get("status") != "ok":
            lines.append(f"| {r['instance']} | {r['seed']} | {r['runner']} | {r['status']}: "
                         f"{r.get('note', '')[:60]} | | | | | | | | |")
            continue
        lines.append(
            f"| {r['instance']} | {r['seed']} | {r['runner']} | ok | {r['seconds']:.4f} | "
            f"{r['peak_mb']:.1f} | {r['pairs']} | {r['matched']}/{r['asking']} | "
            f"{r['total']:.3f} | {r['min']:.3f} | {r['coverage']:.3f} | {r['blocking']} |")
    return "\n".join(lines)


# ---------------------------------------------------------------- targets


def _rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def target_national(n_e: int = 100_000, n_r: int = 20_000, k: int = 10) -> dict[str, Any]:
    """Score + solve + explain a national cohort on candidates (peak = process max RSS)."""
    import mentormatch as mm
    from mentormatch.synthetic import make_cohort

    t = time.perf_counter()
    c = make_cohort(n_e, n_r, seed=0, profile="national")
    gen = time.perf_counter() - t
    t = time.perf_counter()
    r = mm.match(c, solver="flow", candidates=k)
    total = time.perf_counter() - t
    info = r.provenance.solver_info["candidates"]
    return {"size": f"{n_e}x{n_r}", "generate_s": gen, "match_s": total,
            "max_rss_gb": _rss_gb(), "matched": r.metrics.mentees_matched,
            "asking": r.metrics.mentees_asking, "pairs": r.metrics.n_pairs, **info}


def target_dense(n_e: int = 10_000, n_r: int = 3_000, k: int = 10) -> dict[str, Any]:
    """End to end on a 10k x 3k cohort: candidates + certified flow vs OR-Tools, full graph."""
    import mentormatch as mm
    from mentormatch.encode import build_problem
    from mentormatch.scoring import default_scorer
    from mentormatch.synthetic import make_cohort

    from .peers import ortools_mcf
    from .runner import quality

    c = make_cohort(n_e, n_r, seed=0, profile="national")
    t = time.perf_counter()
    ours = mm.match(c, solver="flow", candidates=k)
    t_ours = time.perf_counter() - t
    t = time.perf_counter()
    p = build_problem(c, default_scorer().score(c))
    t_score = time.perf_counter() - t
    t = time.perf_counter()
    e, r = ortools_mcf(p)
    t_ortools = time.perf_counter() - t
    q = quality(p, e, r)
    info = ours.provenance.solver_info["candidates"]
    return {"size": f"{n_e}x{n_r}", "ours_end_to_end_s": t_ours,
            "ortools_score_s": t_score, "ortools_solve_s": t_ortools,
            "ortools_end_to_end_s": t_score + t_ortools,
            "speedup": (t_score + t_ortools) / t_ours,
            "ours_total": ours.metrics.total_score, "ortools_total": q["total"],
            "ours_pairs": ours.metrics.n_pairs, "ortools_pairs": q["pairs"], **info}


def target_pilot() -> dict[str, Any]:
    """``mm.match`` on the 7 x 33 pilot after import, and ``mentormatch demo`` wall time."""
    import mentormatch as mm

    c = mm.example_cohort()
    mm.match(c)
    times = []
    for _ in range(20):
        t = time.perf_counter()
        mm.match(c)
        times.append(time.perf_counter() - t)
    times.sort()
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mentormatch", "demo"], check=True,
                   capture_output=True)
    demo = time.perf_counter() - t
    return {"match_median_ms": 1000 * times[len(times) // 2], "demo_s": demo}


# ---------------------------------------------------------------- quality


def quality_table(seeds: int) -> list[dict[str, Any]]:
    """Pilot-shaped cohorts: the ``bench_ilp`` configurations and measures, over seeds."""
    import numpy as np

    import mentormatch as mm
    from mentormatch.encode import build_problem
    from mentormatch.scoring import default_scorer
    from mentormatch.synthetic import make_cohort

    from .bench_ilp import CONFIGS, measure

    per: dict[str, list[dict[str, float]]] = {name: [] for name in CONFIGS}
    feasible_all = dict.fromkeys(CONFIGS, 0)
    for seed in range(seeds):
        c = make_cohort(7, 33, seed=seed, profile="pilot")
        p = build_problem(c, default_scorer().score(c))
        coverable = int(((p.allowed & (p.capacity > 0)[None, :]).any(axis=1)
                         & (p.demand > 0)).sum())
        for name, (solver, opts) in CONFIGS.items():
            a = mm.solve(p, solver=solver, **opts)
            m = measure(p, a)
            per[name].append(m)
            feasible_all[name] += int(m["matched"] == coverable)
    rows = []
    for name, ms in per.items():
        rows.append({"config": name, "seeds": seeds,
                     "all_matched_share": feasible_all[name] / seeds,
                     **{k: float(np.mean([m[k] for m in ms])) for k in ms[0]}})
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="tiny sizes for CI smoke")
    ap.add_argument("--seeds", type=int, default=None)
    ap.add_argument("--solvers", nargs="*", default=None, help=f"default: {' '.join(OURS)}")
    ap.add_argument("--peers", nargs="*", default=None, help=f"default: {' '.join(PEERS)}")
    ap.add_argument("--timeout", type=float, default=None, help="seconds per run")
    ap.add_argument("--executor", default="process",
                    choices=["serial", "thread", "process", "dask"])
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--scheduler", default=None, help="Dask scheduler address")
    ap.add_argument("--out", type=Path, default=HERE / "results")
    ap.add_argument("--targets", action="store_true", help="measure the issue's targets")
    ap.add_argument("--quality", type=int, default=0, metavar="SEEDS",
                    help="pilot quality table over SEEDS seeds")
    ap.add_argument("--no-sweep", action="store_true")
    ap.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)
    args = ap.parse_args(argv)

    if not args.no_sweep:
        sizes = QUICK if args.quick else SIZES
        seeds = args.seeds or (1 if args.quick else 2)
        timeout = args.timeout or (20.0 if args.quick else 120.0)
        solvers = args.solvers if args.solvers is not None else list(OURS)
        peers = args.peers if args.peers is not None else list(PEERS)
        tasks = tasks_for(sizes, seeds, solvers, peers, timeout)
        executor, close = make_executor(args.executor, args.workers, args.scheduler)
        try:
            rows = sweep(tasks, executor, progress=args.progress)
        finally:
            close()
        write(rows, args.out, "sweep")
        write(ratios(rows), args.out, "ratios")
        plot(rows, args.out / "time.png")
        print(table(rows))
    if args.targets:
        # National first: its peak memory is the process's peak so far (max RSS),
        # which the dense comparison's full OR-Tools graph would otherwise set.
        national = target_national()
        res = {"machine": machine(), "pilot": target_pilot(), "dense": target_dense(),
               "national": national}
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "targets.json").write_text(json.dumps(res, indent=1, default=str))
        print(json.dumps(res, indent=1, default=str))
    if args.quality:
        rows = quality_table(args.quality)
        write(rows, args.out, "quality")
        for row in rows:
            print(row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
