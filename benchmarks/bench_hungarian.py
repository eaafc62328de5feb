"""Hungarian through mentormatch vs scipy's linear_sum_assignment on the same matrix.

Target (issue 3): ``mm.solve(problem, solver="hungarian")`` within 1.2x of calling
scipy directly. Scores: topic overlap of random 3-of-15 topic sets plus small noise
(as in shared/PEERS.md). Median of 3 runs after a warm-up, each size in this process.

    python -m benchmarks.bench_hungarian [--sizes 1000 2000 5000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

import mentormatch as mm
from benchmarks.timing import median_time

RESULTS = Path(__file__).resolve().parent / "results"


def overlap_scores(n_e: int, n_r: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    topics_e = np.zeros((n_e, 15))
    topics_r = np.zeros((n_r, 15))
    for m in (topics_e, topics_r):
        picks = np.argsort(rng.random((m.shape[0], 15)), axis=1)[:, :3]
        np.put_along_axis(m, picks, 1.0, axis=1)
    return topics_e @ topics_r.T + rng.random((n_e, n_r)) * 0.01



def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000])
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        scores = overlap_scores(n, n, seed=n)
        problem = mm.MatchProblem(scores=scores)
        t_scipy = median_time(lambda s=scores: linear_sum_assignment(s, maximize=True))[0]
        t_ours = median_time(lambda p=problem: mm.solve(p, solver="hungarian"))[0]
        r, c = linear_sum_assignment(scores, maximize=True)
        ours = mm.solve(problem, solver="hungarian")
        assert np.isclose(ours.objective, scores[r, c].sum()), "objective differs from scipy"
        rows.append({"n": n, "scipy_s": t_scipy, "mentormatch_s": t_ours,
                     "ratio": t_ours / t_scipy})
        print(f"{n:>6} x {n:<6} scipy {t_scipy:8.3f} s   mentormatch {t_ours:8.3f} s   "
              f"ratio {t_ours / t_scipy:5.2f}")
    RESULTS.mkdir(exist_ok=True)
    out = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
           "rows": rows}
    (RESULTS / "hungarian.json").write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
