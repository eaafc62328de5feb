"""Quality of the ``ilp`` solver on pilot-shaped cohorts: topic coverage and the worst-off.

Targets (issue 5, quality on 100 pilot-shaped seeds): ``ilp`` with coverage covers at
least 20 percentage points more asked topics than ``greedy``; the worst-off mentee under
``maxmin`` is no worse than under any other solver.

Cohorts: ``mentormatch.synthetic.make_cohort(7, 33, seed=s, profile="pilot")`` when it
exists, otherwise a small seeded generator below. Each cohort is scored once with the
default scorer; every solver gets the same ``MatchProblem``.

Measures per solver (means over seeds unless noted):

* ``coverage``: mean over asking mentees of the share of their asked topic weight offered
  by at least one of their mentors (``MatchResult.metrics.topic_coverage``);
* ``pooled``: covered asked topic weight over all asked weight (every topic counts once);
* ``worst_off``: lowest mentee score among matched mentees, a mentee's score being the sum
  of their pair scores over their demand (``mentormatch.solvers._ilp.worst_off``);
* ``worst_all``: the same over every asking mentee, an unmatched one scoring 0;
* ``matched``, ``pairs``, ``total``: mentees with a mentor, pairs, total score; ``ms``:
  median solve time.

    python -m benchmarks.bench_ilp [--seeds 100]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np

import mentormatch as mm
from mentormatch.encode import build_problem
from mentormatch.problem._metrics import topic_coverage
from mentormatch.scoring import default_scorer
from mentormatch.solvers._ilp import mentee_scores, worst_off

RESULTS = Path(__file__).resolve().parent / "results"

CONFIGS: dict[str, tuple[str, dict[str, Any]]] = {
    "greedy": ("greedy", {}),
    "hungarian": ("hungarian", {}),
    "flow": ("flow", {}),
    "stable": ("stable", {}),
    "ilp": ("ilp", {}),
    "ilp(coverage)": ("ilp", {"coverage": True}),
    "ilp(maxmin)": ("ilp", {"objective": "maxmin"}),
    "ilp(coverage,maxmin)": ("ilp", {"coverage": True, "objective": "maxmin"}),
}


def fallback_cohort(seed: int) -> mm.Cohort:
    """A pilot-shaped cohort: 7 mentees (some wanting two mentors), 33 mentors."""
    base = mm.example_cohort()
    rng = np.random.default_rng(seed)
    topics = sorted({t for r in base.mentors for t in r.topics})
    popular = np.array([3.0 if t in ("clinical work", "teaching and curriculum development",
                                     "quality improvement") else 1.0 for t in topics])
    mentees = [e.model_copy(update={
        "topics": {topics[k]: 1.0 for k in rng.choice(len(topics), int(rng.integers(2, 4)),
                                                      replace=False, p=popular / popular.sum())},
        "demand": int(rng.choice([1, 2], p=[0.6, 0.4]))}) for e in base.mentees]
    mentors = [r.model_copy(update={
        "topics": {topics[k]: 1.0 for k in rng.choice(len(topics), int(rng.integers(2, 6)),
                                                      replace=False)},
        "capacity": int(rng.integers(1, 4))}) for r in base.mentors]
    return mm.Cohort(mentees=mentees, mentors=mentors, forbidden=base.forbidden,
                     vocabulary=base.vocabulary)


def make(seed: int) -> tuple[mm.Cohort, str]:
    try:
        from mentormatch.synthetic import make_cohort
    except ImportError:
        return fallback_cohort(seed), "fallback"
    return make_cohort(7, 33, seed=seed, profile="pilot"), "mentormatch.synthetic.make_cohort"


def measure(problem: mm.MatchProblem, a: mm.Assignment) -> dict[str, float]:
    attrs = problem.attributes
    assert attrs is not None
    asking = problem.demand > 0
    cov = topic_coverage(attrs.asked, attrs.offered, a)
    reach = np.zeros(attrs.asked.shape, dtype=bool)
    np.logical_or.at(reach, a.mentee_idx, attrs.offered[a.mentor_idx] > 0)
    asked = attrs.asked[asking]
    counts = a.counts(problem.n_mentees)
    per = mentee_scores(problem, a)
    return {
        "coverage": float(cov[asking].mean()),
        "pooled": float(np.where(reach[asking], asked, 0).sum() / asked.sum()),
        "worst_off": worst_off(problem, a),
        "worst_all": float(per[asking].min()),
        "matched": int((counts > 0).sum()),
        "pairs": a.n_pairs,
        "total": a.objective,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=100)
    args = parser.parse_args()
    names = [n for n, (solver, _) in CONFIGS.items() if solver in mm.solvers.available()]
    missing = [n for n in CONFIGS if n not in names]
    scorer = default_scorer()
    per_seed: list[dict[str, Any]] = []
    times: dict[str, list[float]] = {n: [] for n in names}
    source = ""
    for seed in range(args.seeds):
        cohort, source = make(seed)
        problem = build_problem(cohort, scorer.score(cohort))
        row: dict[str, Any] = {"seed": seed}
        for name in names:
            solver, opts = CONFIGS[name]
            t = time.perf_counter()
            a = mm.solve(problem, solver=solver, **opts)
            times[name].append(time.perf_counter() - t)
            row[name] = measure(problem, a)
            if solver == "ilp":
                row[name]["optimal"] = bool(a.info["optimal"])
        per_seed.append(row)

    summary: dict[str, dict[str, float]] = {}
    for name in names:
        vals = [r[name] for r in per_seed]
        summary[name] = {k: float(np.nanmean([v[k] for v in vals]))
                         for k in ("coverage", "pooled", "worst_off", "worst_all", "matched",
                                   "pairs", "total")}
        summary[name]["ms"] = 1e3 * statistics.median(times[name])

    def gap(a: str, b: str, key: str) -> list[float]:
        return [100 * (r[a][key] - r[b][key]) for r in per_seed]

    checks: dict[str, Any] = {}
    if "greedy" in names:
        for key in ("coverage", "pooled"):
            g = gap("ilp(coverage)", "greedy", key)
            checks[f"ilp(coverage) - greedy, {key}, pp"] = {
                "mean": float(np.mean(g)), "min": float(np.min(g)),
                "target_mean_>=_20": bool(np.mean(g) >= 20)}
    for key in ("coverage", "pooled"):
        g = gap("ilp(coverage)", "hungarian", key)
        checks[f"ilp(coverage) - hungarian, {key}, pp"] = {"mean": float(np.mean(g)),
                                                          "min": float(np.min(g))}
    for key in ("worst_off", "worst_all"):
        losses = [(r["seed"], n) for r in per_seed for n in names
                  if r["ilp(maxmin)"][key] < r[n][key] - 1e-9]
        checks[f"ilp(maxmin) {key} >= every solver"] = {
            "seeds_where_beaten": len({s for s, _ in losses}),
            "beaten_by": sorted({n for _, n in losses}), "target_met": not losses}
    checks["every mentee matched when feasible (ilp)"] = all(
        r["ilp"]["matched"] >= max(r[n]["matched"] for n in names) for r in per_seed)
    checks["all ilp runs optimal"] = all(
        r[n]["optimal"] for r in per_seed for n in names if "optimal" in r[n])

    header = f"{'solver':22s} {'coverage':>8s} {'pooled':>7s} {'worst':>6s} {'worst*':>6s} " \
             f"{'matched':>7s} {'pairs':>6s} {'total':>6s} {'ms':>7s}"
    print(f"{args.seeds} pilot-shaped cohorts (7 x 33) from {source}")
    print(header)
    for name in names:
        s = summary[name]
        print(f"{name:22s} {s['coverage']:8.3f} {s['pooled']:7.3f} {s['worst_off']:6.3f} "
              f"{s['worst_all']:6.3f} {s['matched']:7.2f} {s['pairs']:6.2f} {s['total']:6.2f} "
              f"{s['ms']:7.1f}")
    if missing:
        print("not registered (skipped):", ", ".join(missing))
    print("worst = lowest mentee score among matched; worst* = among all asking (unmatched 0)")
    for k, v in checks.items():
        print(f"{k}: {v}")

    RESULTS.mkdir(parents=True, exist_ok=True)
    out = {"seeds": args.seeds, "cohort_source": source, "shape": [7, 33],
           "machine": {"python": platform.python_version(), "cpu_count": __import__("os")
                       .cpu_count()},
           "summary": summary, "checks": checks, "skipped": missing, "per_seed": per_seed}
    (RESULTS / "ilp_quality.json").write_text(json.dumps(out, indent=1))
    print(f"wrote {RESULTS / 'ilp_quality.json'}")


if __name__ == "__main__":
    main()
