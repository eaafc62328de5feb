"""The issue-5 targets: pilot latency, the dense end-to-end comparison, the national run.

Times are medians of at least 3 untraced runs after one warm-up run
(``benchmarks.timing``). Memory is the maximum RSS of a fresh process (``spawn``)
that runs the step once and nothing else, so no other step sets it.

The dense comparison is like with like: both sides start from the cohort, score it
with the default scorer and end with the pairs; ours (``mm.match(c, candidates=k)``)
also writes every pair's explanation, the peer's pipeline does not (that favours
the peer). The objectives differ in priority order (``flow``: most mentees covered,
then pairs, then total; the OR-Tools network: most pairs, then total), so the run
records whether both answers have the same pairs, mentees matched and total.
"""

from __future__ import annotations

import multiprocessing as mp
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import mentormatch as mm
from mentormatch.encode import build_problem
from mentormatch.scoring import default_scorer
from mentormatch.synthetic import make_cohort

from .memory import RSS_SOURCE, peak_rss_gib
from .peers import ortools_mcf
from .results import Payload, Study, fmt_time
from .runner import quality
from .timing import timed

FULL = {"dense": (10_000, 3_000, 10), "national": (100_000, 20_000, 10)}
TOY = {"dense": (60, 20, 5), "national": (80, 20, 5)}


def _rss_child(name: str, args: tuple[Any, ...], conn: Any) -> None:
    TARGET_STEPS[name](*args)
    conn.send(peak_rss_gib())
    conn.close()


def max_rss_gb(name: str, *args: Any) -> float:
    """Peak RSS (GiB) of a fresh process that runs ``TARGET_STEPS[name](*args)`` once.

    The child's own peak (``benchmarks.memory``), cohort generation included.
    """
    ctx = mp.get_context("spawn")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_rss_child, args=(name, args, send))
    proc.start()
    send.close()
    got = float(recv.recv())
    proc.join()
    return got


def national_step(n_e: int, n_r: int, k: int) -> mm.MatchResult:
    c = make_cohort(n_e, n_r, seed=0, profile="national")
    return mm.match(c, solver="flow", candidates=k)


def ortools_pipeline(c: mm.Cohort) -> tuple[mm.MatchProblem, Any, Any]:
    """The peer's cohort-to-pairs: dense default scoring, then OR-Tools on the full graph."""
    p = build_problem(c, default_scorer().score(c))
    e, r = ortools_mcf(p)
    return p, e, r


TARGET_STEPS: dict[str, Callable[..., object]] = {"national": national_step}


def target_national(n_e: int = 100_000, n_r: int = 20_000, k: int = 10,
                    repeats: int = 3) -> dict[str, Any]:
    """Score + solve + explain a national cohort on candidates (generated beforehand)."""
    c = make_cohort(n_e, n_r, seed=0, profile="national")
    t, r = timed(lambda: mm.match(c, solver="flow", candidates=k), repeats)
    info = r.provenance.solver_info["candidates"]
    return {"size": f"{n_e}x{n_r}", "k": k, "match": t.as_dict(),
            "max_rss_gb": max_rss_gb("national", n_e, n_r, k), "rss_source": RSS_SOURCE,
            "matched": r.metrics.mentees_matched, "asking": r.metrics.mentees_asking,
            "pairs": r.metrics.n_pairs, **info}


def target_dense(n_e: int = 10_000, n_r: int = 3_000, k: int = 10,
                 repeats: int = 3) -> dict[str, Any]:
    """Cohort to pairs on 10k x 3k: ours on candidates vs dense scoring + OR-Tools."""
    c = make_cohort(n_e, n_r, seed=0, profile="national")
    t_ours, ours = timed(lambda: mm.match(c, solver="flow", candidates=k), repeats)
    t_peer, (p, e, r) = timed(lambda: ortools_pipeline(c), repeats)
    q = quality(p, e, r)  # measured after timing, not part of either pipeline
    info = ours.provenance.solver_info["candidates"]
    same = (ours.metrics.n_pairs == q["pairs"] and ours.metrics.mentees_matched == q["matched"]
            and abs(ours.metrics.total_score - q["total"]) <= 1e-6 * max(1.0, q["total"]))
    return {"size": f"{n_e}x{n_r}", "k": k, "ours": t_ours.as_dict(),
            "ortools": t_peer.as_dict(),
            "speedup": t_peer.median / t_ours.median, "same_answer": bool(same),
            "ours_total": ours.metrics.total_score, "ortools_total": q["total"],
            "ours_pairs": ours.metrics.n_pairs, "ortools_pairs": q["pairs"],
            "ours_matched": ours.metrics.mentees_matched, "ortools_matched": q["matched"],
            **info}


def _demo() -> None:
    subprocess.run([sys.executable, "-m", "mentormatch", "demo"], check=True,
                   capture_output=True)


def target_pilot(repeats: int = 20, demo: bool = True) -> dict[str, Any]:
    """``mm.match`` on the 7 x 33 pilot, and ``mentormatch demo`` (a subprocess) wall time.

    ``demo=False`` (toy runs) leaves out the demo: a fresh interpreter per run.
    """
    c = mm.example_cohort()
    t_match, _ = timed(lambda: mm.match(c), repeats)
    t_demo = timed(_demo)[0].as_dict() if demo else None
    return {"match": t_match.as_dict(), "demo": t_demo}


def run(toy: bool) -> Payload:
    sizes = TOY if toy else FULL
    return {"pilot": target_pilot(3, demo=False) if toy else target_pilot(20),
            "dense": target_dense(*sizes["dense"]),
            "national": target_national(*sizes["national"])}


def _t(t: dict[str, Any]) -> str:
    return fmt_time(t["median"], t["low"], t["high"])


def tables(payload: Payload) -> dict[str, str]:
    p, d, n = payload["pilot"], payload["dense"], payload["national"]
    rows = [
        "| target | measured | goal | verdict |", "|---|---|---|---|",
        f"| pilot 7x33 `mm.match` ({p['match']['runs']} runs) | {_t(p['match'])} | < 50 ms "
        f"| {'met' if p['match']['median'] < 0.05 else '**not met**'} |",
        _demo_row(p["demo"]),
        f"| dense {d['size']}, cohort to pairs: ours (`mm.match(c, candidates={d['k']})`, "
        f"with explanations) | {_t(d['ours'])}; certified {d.get('certified')}, "
        f"{d['ours_pairs']} pairs, total {d['ours_total']:.2f} | | |",
        f"| same cohort: default scorer on every pair + OR-Tools `SimpleMinCostFlow` on the "
        f"full graph (no explanations) | {_t(d['ortools'])}; {d['ortools_pairs']} pairs, "
        f"total {d['ortools_total']:.2f}; same answer: {'yes' if d['same_answer'] else '**no**'}"
        " | | |",
        f"| speed-up vs OR-Tools pipeline (median over median) | **{d['speedup']:.1f}x** "
        f"| >= 5x | {'met' if d['speedup'] >= 5 else '**not met**'} |",
        f"| national {n['size']}: score + solve + explain (`candidates={n['k']}`) "
        f"| {_t(n['match'])}, max RSS {n['max_rss_gb']:.2f} GiB, certified "
        f"{n.get('certified')}, {n['matched']}/{n['asking']} matched | < 60 s, < 4 GiB, "
        f"certified | {_verdict(n)} |",
    ]
    return {"targets": "\n".join(rows)}


def _demo_row(t: dict[str, Any] | None) -> str:
    if t is None:
        return "| `mentormatch demo` (subprocess wall) | not run (toy) | < 2 s | |"
    return (f"| `mentormatch demo` (subprocess wall) | {_t(t)} | < 2 s "
            f"| {'met' if t['median'] < 2 else '**not met**'} |")


def _verdict(n: dict[str, Any]) -> str:
    ok = n["match"]["median"] < 60 and n["max_rss_gb"] < 4 and bool(n.get("certified"))
    return "met" if ok else "**not met**"


STUDY = Study("targets", run, tables,
              ("benchmarks/bench_targets.py", "benchmarks/peers.py", "benchmarks/runner.py",
               "benchmarks/memory.py"),
              "python -m benchmarks run targets")
