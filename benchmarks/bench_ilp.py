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
* ``matched``, ``pairs``, ``total``: mentees with a mentor, pairs, total score.

No timing here (``bench_sweep`` times the solvers).

    python -m benchmarks run ilp        # 100 seeds; --toy: 3
"""

from __future__ import annotations

from typing import Any

import numpy as np

import mentormatch as mm
from mentormatch.encode import build_problem
from mentormatch.problem import topic_coverage
from mentormatch.scoring import default_scorer
from mentormatch.solvers._ilp import mentee_scores, worst_off  # not exported

from .results import Payload, Study

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


def run(toy: bool) -> Payload:
    seeds = 3 if toy else 100
    names = list(CONFIGS)
    scorer = default_scorer()
    per_seed: list[dict[str, Any]] = []
    source = ""
    for seed in range(seeds):
        cohort, source = make(seed)
        problem = build_problem(cohort, scorer.score(cohort))
        row: dict[str, Any] = {"seed": seed}
        for name in names:
            solver, opts = CONFIGS[name]
            a = mm.solve(problem, solver=solver, **opts)
            row[name] = measure(problem, a)
            if solver == "ilp":
                row[name]["optimal"] = bool(a.info["optimal"])
        per_seed.append(row)
    return {"seeds": seeds, "cohort_source": source, **_summary(names, per_seed)}


def _summary(names: list[str], per_seed: list[dict[str, Any]]) -> dict[str, Any]:
    summary: dict[str, dict[str, float]] = {}
    for name in names:
        vals = [r[name] for r in per_seed]
        summary[name] = {k: float(np.nanmean([v[k] for v in vals]))
                         for k in ("coverage", "pooled", "worst_off", "worst_all", "matched",
                                   "pairs", "total")}

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

    return {"summary": summary, "checks": checks}


def tables(payload: Payload) -> dict[str, str]:
    lines = ["| check | result |", "|---|---|"]
    for k, v in payload["checks"].items():
        shown = ", ".join(f"{a}: {b:.2f}" if isinstance(b, float) else f"{a}: {b}"
                          for a, b in v.items()) if isinstance(v, dict) else str(v)
        lines.append(f"| {k} | {shown} |")
    return {"ilp.checks": "\n".join(lines)}


STUDY = Study("ilp", run, tables, ("benchmarks/bench_ilp.py",), "python -m benchmarks run ilp")
