"""Quality on pilot-shaped cohorts (7 x 33): the ``bench_ilp`` configurations, over seeds.

No timing here: every figure is a deterministic function of the seeds.
``python -m benchmarks run quality`` (100 seeds; ``--toy``: 3).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import mentormatch as mm
from mentormatch.encode import build_problem
from mentormatch.scoring import default_scorer
from mentormatch.synthetic import make_cohort

from .bench_ilp import CONFIGS, measure
from .results import Payload, Study


def quality_table(seeds: int) -> list[dict[str, Any]]:
    """Pilot-shaped cohorts: the ``bench_ilp`` configurations and measures, over seeds."""
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


def run(toy: bool) -> Payload:
    return {"rows": quality_table(3 if toy else 100)}


def tables(payload: Payload) -> dict[str, str]:
    lines = ["| configuration | seeds | all matched | coverage | pooled coverage | worst-off "
             "| pairs | total |", "|---" * 8 + "|"]
    for r in payload["rows"]:
        lines.append(f"| {r['config']} | {r['seeds']} | {100 * r['all_matched_share']:.0f}% "
                     f"| {r['coverage']:.4f} | {r['pooled']:.4f} | {r['worst_off']:.4f} "
                     f"| {r['pairs']:.2f} | {r['total']:.4f} |")
    return {"quality": "\n".join(lines)}


STUDY = Study("quality", run, tables, ("benchmarks/bench_quality.py", "benchmarks/bench_ilp.py"),
              "python -m benchmarks run quality")
