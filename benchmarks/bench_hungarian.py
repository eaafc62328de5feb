"""Hungarian through mentormatch vs scipy's linear_sum_assignment on the same matrix.

Target (issue 3): ``mm.solve(problem, solver="hungarian")`` within 1.2x of calling
scipy directly. Scores: topic overlap of random 3-of-15 topic sets plus small noise
(as in shared/PEERS.md). Both get one warm-up run and 3 untraced timed runs
(``benchmarks.timing.timed``); the objectives are checked to agree (both maximise the
total score of a perfect matching).

    python -m benchmarks run hungarian      # --toy: tiny sizes
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

import mentormatch as mm

from .results import Payload, Study, fmt_time
from .timing import timed


def overlap_scores(n_e: int, n_r: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    topics_e = np.zeros((n_e, 15))
    topics_r = np.zeros((n_r, 15))
    for m in (topics_e, topics_r):
        picks = np.argsort(rng.random((m.shape[0], 15)), axis=1)[:, :3]
        np.put_along_axis(m, picks, 1.0, axis=1)
    return topics_e @ topics_r.T + rng.random((n_e, n_r)) * 0.01


def run(toy: bool) -> Payload:
    rows: list[dict[str, Any]] = []
    for n in [20, 40] if toy else [1000, 2000, 5000]:
        scores = overlap_scores(n, n, seed=n)
        problem = mm.MatchProblem(scores=scores)
        t_scipy, (r, c) = timed(partial(linear_sum_assignment, scores, maximize=True))
        t_ours, ours = timed(partial(mm.solve, problem, solver="hungarian"))
        rows.append({"n": n, "scipy": t_scipy.as_dict(), "mentormatch": t_ours.as_dict(),
                     "ratio": t_ours.median / t_scipy.median,
                     "same_objective": bool(np.isclose(ours.objective, scores[r, c].sum()))})
    return {"rows": rows}


def tables(payload: Payload) -> dict[str, str]:
    lines = ["| size | scipy `linear_sum_assignment` | `mm.solve(solver=\"hungarian\")` "
             "| ours / scipy | same objective |", "|---" * 5 + "|"]
    for r in payload["rows"]:
        a, b = r["scipy"], r["mentormatch"]
        lines.append(f"| {r['n']:,} x {r['n']:,} | {fmt_time(a['median'], a['low'], a['high'])} "
                     f"| {fmt_time(b['median'], b['low'], b['high'])} | {r['ratio']:.2f}x "
                     f"| {'yes' if r['same_objective'] else '**no**'} |")
    return {"hungarian": "\n".join(lines)}


STUDY = Study("hungarian", run, tables, ("benchmarks/bench_hungarian.py",),
              "python -m benchmarks run hungarian")
