"""What the pilot's participants asked for (issue 14), measured on pilot-shaped cohorts.

Three quality tables, each over seeded ``make_cohort`` cohorts (no timing):

- **Work hours:** the share of pairs with a common slot in work hours, under the
  default scorer, with the overlap criterion at two weights, and with the
  common-slot rule; with mentees matched and topic coverage, which the rule costs.
- **Newcomer priority:** with one place per mentor, the share of newcomers matched
  under the default objective and with ``priority="newcomer"``.
- **Must-haves:** with "same site", "different division" and "later career stage" as rules, the
  pairs each solver makes and the rules broken (``mm.check``), which must be 0.

``python -m benchmarks run pilot`` (``--toy``: two seeds).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import mentormatch as mm
from mentormatch.encode import build_problem
from mentormatch.scoring import AvailabilityScorer, WeightedScorer, default_scorer
from mentormatch.synthetic import make_cohort

from .results import Payload, Study

SLOTS = ("Mon morning", "Mon afternoon", "Tue morning", "Tue afternoon", "Wed morning",
         "Wed afternoon", "Thu morning", "Thu afternoon", "Fri morning", "Fri afternoon")
SIZES = ((7, 33), (40, 30))


def _with_slots(cohort: mm.Cohort, seed: int, *, require: bool) -> mm.Cohort:
    """Give each person 1-4 weekly slots (a seeded draw) and the default schedule."""
    rng = np.random.default_rng(seed)
    data = cohort.model_dump()
    for person in (*data["mentees"], *data["mentors"]):
        person["availability"] = list(rng.choice(SLOTS, int(rng.integers(1, 5)), replace=False))
    data["schedule"] = {"require_common_slot": require}
    return mm.Cohort.model_validate(data)


def _share_with_slot(result: mm.MatchResult, cohort: mm.Cohort) -> float:
    schedule = cohort.schedule or mm.Schedule()
    ok = [schedule.shares_slot(cohort.mentee(p.mentee).availability, cohort.mentee(p.mentee).site,
                               cohort.mentor(p.mentor).availability, cohort.mentor(p.mentor).site)
          for p in result.pairs]
    return float(np.mean(ok)) if ok else float("nan")


def work_hours(seeds: int) -> list[dict[str, Any]]:
    configs: list[tuple[str, Any, bool]] = [
        ("default scorer", None, False),
        ("+ overlap, weight 0.1", WeightedScorer([(default_scorer(), 0.9),
                                                  (AvailabilityScorer(), 0.1)]), False),
        ("+ overlap, weight 0.3", WeightedScorer([(default_scorer(), 0.7),
                                                  (AvailabilityScorer(), 0.3)]), False),
        ("common-slot rule", None, True)]
    rows = []
    for n_e, n_r in SIZES:
        for label, scorer, require in configs:
            slot, matched, coverage = [], [], []
            for seed in range(seeds):
                cohort = _with_slots(make_cohort(n_e, n_r, seed=seed), seed, require=require)
                result = mm.match(cohort, "flow", scorer=scorer)
                slot.append(_share_with_slot(result, cohort))
                m = result.metrics
                matched.append(m.mentees_matched / max(m.mentees_asking, 1))
                coverage.append(m.topic_coverage)
            rows.append({"cohort": f"{n_e} x {n_r}", "config": label, "seeds": seeds,
                         "slot": float(np.nanmean(slot)), "matched": float(np.mean(matched)),
                         "coverage": float(np.mean(coverage))})
    return rows


def newcomers(seeds: int) -> list[dict[str, Any]]:
    rows = []
    for n_e, n_r in ((40, 15), (100, 40)):
        for label, priority in (("default objective", None), ('priority="newcomer"',
                                                               "newcomer")):
            new_share, all_share = [], []
            for seed in range(seeds):
                base = make_cohort(n_e, n_r, seed=seed, newcomer_rate=0.3)
                cohort = base.model_copy(update={"mentors": tuple(
                    r.model_copy(update={"capacity": 1}) for r in base.mentors)})
                result = mm.match(cohort, "flow", priority=priority)
                got = {p.mentee for p in result.pairs}
                new = [e.id for e in cohort.mentees if e.newcomer and e.demand > 0]
                new_share.append(sum(e in got for e in new) / max(len(new), 1))
                all_share.append(result.metrics.mentees_matched
                                 / max(result.metrics.mentees_asking, 1))
            rows.append({"cohort": f"{n_e} x {n_r}, capacity 1", "config": label,
                         "seeds": seeds, "newcomers": float(np.mean(new_share)),
                         "everyone": float(np.mean(all_share))})
    return rows


def must_haves(seeds: int) -> list[dict[str, Any]]:
    rules = ["same site", "different division", "later career stage"]
    rows = []
    for solver in ("flow", "ilp", "greedy", "stable"):
        pairs_free, pairs_ruled, broken = [], [], 0
        for seed in range(seeds):
            free = make_cohort(40, 30, seed=seed, demand_probs=(1.0,))
            ruled = mm.Cohort.model_validate({**free.model_dump(),
                                              "must_haves": rules})
            pairs_free.append(len(mm.match(free, solver).pairs))
            result = mm.match(ruled, solver)
            pairs_ruled.append(len(result.pairs))
            problem = build_problem(ruled, default_scorer().score(ruled))
            broken += len(mm.check(result, problem).violations)
        rows.append({"solver": solver, "seeds": seeds, "pairs_free": float(np.mean(pairs_free)),
                     "pairs_ruled": float(np.mean(pairs_ruled)), "broken": broken})
    return rows


def run(toy: bool) -> Payload:
    seeds = 2 if toy else 30
    return {"work_hours": work_hours(seeds), "newcomers": newcomers(seeds),
            "must_haves": must_haves(seeds)}


def tables(payload: Payload) -> dict[str, str]:
    hours = ["| cohort | configuration | seeds | pairs sharing a work-hours slot "
             "| mentees matched | topic coverage |", "|---" * 6 + "|"]
    hours += [f"| {r['cohort']} | {r['config']} | {r['seeds']} | {100 * r['slot']:.0f}% "
              f"| {100 * r['matched']:.0f}% | {100 * r['coverage']:.1f}% |"
              for r in payload["work_hours"]]
    new = ["| cohort | objective | seeds | newcomers matched | all mentees matched |",
           "|---" * 5 + "|"]
    new += [f"| {r['cohort']} | {r['config']} | {r['seeds']} | {100 * r['newcomers']:.1f}% "
            f"| {100 * r['everyone']:.1f}% |" for r in payload["newcomers"]]
    musts = ["| solver | seeds | pairs, no rules | pairs, with rules | rules broken |",
             "|---" * 5 + "|"]
    musts += [f"| {r['solver']} | {r['seeds']} | {r['pairs_free']:.1f} | {r['pairs_ruled']:.1f} "
              f"| {r['broken']} |" for r in payload["must_haves"]]
    return {"pilot_hours": "\n".join(hours), "pilot_newcomers": "\n".join(new),
            "pilot_musts": "\n".join(musts)}


STUDY = Study("pilot", run, tables, ("benchmarks/bench_pilot.py",),
              "python -m benchmarks run pilot")
