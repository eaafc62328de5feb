"""Time group circles and peer pairing at department and university scale.

Every case: one warm-up run and 3 untraced timed runs (``benchmarks.timing.timed``).
``python -m benchmarks run program`` (``--toy``: tiny cohorts).
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

import mentormatch as mm

from .results import Payload, Study, fmt_time
from .timing import timed

TOPICS = ["clinical work", "research and scholarship", "teaching and curriculum development",
          "quality improvement", "leadership", "work life balance", "wellness",
          "career development", "psychopharmacology", "community advocacy", "onboarding",
          "transitioning to practice", "administration", "global health", "education research"]


def cohort(n_mentees: int, n_leads: int, seed: int) -> mm.Cohort:
    rng = np.random.default_rng(seed)
    pop = np.linspace(2.0, 0.5, len(TOPICS))
    pop /= pop.sum()

    def topics(k: int) -> list[str]:
        return list(rng.choice(TOPICS, size=k, replace=False, p=pop))

    mentees = [mm.Mentee(id=f"e{i}", topics=topics(int(rng.integers(1, 4))),
                         types=["group", "peer"], career_stage="early")
               for i in range(n_mentees)]
    mentors = [mm.Mentor(id=f"r{j}", topics=topics(int(rng.integers(2, 6))), types=["group"])
               for j in range(n_leads)]
    return mm.Cohort(mentees=mentees, mentors=mentors)


CIRCLES = [("department", 60, 8, 3, 8), ("faculty", 300, 40, 4, 8),
           ("university", 800, 100, 4, 10)]
PEERS = [("department", 60), ("faculty", 200), ("university", 400)]


def run(toy: bool) -> Payload:
    rows: list[dict[str, Any]] = []
    for name, n, leads, lo, hi in [("toy", 12, 3, 3, 5)] if toy else CIRCLES:
        c = cohort(n, leads, seed=1)
        t, res = timed(partial(mm.form_circles, c, min_size=lo, max_size=hi))
        assert isinstance(res, mm.rounds.CircleResult)
        rows.append({"case": f"circles, {name}: {n} mentees x {leads} leads, size {lo}-{hi}",
                     "time": t.as_dict(),
                     "result": f"{len(res.circles)} circles, "
                               f"{sum(x.size for x in res.circles)} placed, "
                               f"exact {res.info['exact']}"})
    for name, n in [("toy", 10)] if toy else PEERS:
        pool = list(cohort(n, 1, seed=2).mentees)
        for label, kwargs in (("max weight, all pairs", {}),
                              ("max weight, candidates=10", {"candidates": 10}),
                              ("stable roommates", {"method": "stable"})):
            t, peers = timed(partial(mm.pair_peers, pool, **kwargs))
            rows.append({"case": f"peers, {name}: {n} people, {label}", "time": t.as_dict(),
                         "result": f"total {peers.total_score:.3f}, "
                                   f"exact {peers.info.get('exact')}"})
    return {"rows": rows}


def tables(payload: Payload) -> dict[str, str]:
    lines = ["| case | time: median (fastest-slowest) | result |", "|---|---|---|"]
    for r in payload["rows"]:
        t = r["time"]
        lines.append(f"| {r['case']} | {fmt_time(t['median'], t['low'], t['high'])} "
                     f"| {r['result']} |")
    return {"program": "\n".join(lines)}


STUDY = Study("program", run, tables, ("benchmarks/bench_program.py",),
              "python -m benchmarks run program")
