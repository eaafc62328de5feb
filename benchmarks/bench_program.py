"""Time group circles and peer pairing at department and university scale.

Run: ``python -m benchmarks.bench_program``. Prints one line per case.
"""

from __future__ import annotations

import time

import numpy as np

import mentormatch as mm

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


def timed(label: str, func) -> object:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = func()
    print(f"{label:<58} {time.perf_counter() - t0:8.3f} s")
    return out


def main() -> None:
    for name, n, leads, lo, hi in [("department", 60, 8, 3, 8), ("faculty", 300, 40, 4, 8),
                                   ("university", 800, 100, 4, 10)]:
        c = cohort(n, leads, seed=1)
        res = timed(f"circles  {name:<10} {n} mentees x {leads} leads [{lo},{hi}]",
                    lambda c=c, lo=lo, hi=hi: mm.form_circles(c, min_size=lo, max_size=hi))
        assert isinstance(res, mm.rounds.CircleResult)
        print(f"    open {len(res.circles)}, placed "
              f"{sum(x.size for x in res.circles)}, exact {res.info['exact']}")
    for name, n in [("department", 60), ("faculty", 200), ("university", 400)]:
        pool = list(cohort(n, 1, seed=2).mentees)
        full = timed(f"peers    {name:<10} {n} people, max_weight (all pairs)",
                     lambda pool=pool: mm.pair_peers(pool))
        pruned = timed(f"peers    {name:<10} {n} people, max_weight candidates=10",
                       lambda pool=pool: mm.pair_peers(pool, candidates=10))
        assert isinstance(full, mm.rounds.PeerResult) and isinstance(pruned, mm.rounds.PeerResult)
        print(f"    total {full.total_score:.3f} vs pruned {pruned.total_score:.3f}, "
              f"pruned certified {pruned.info['exact']}")
        timed(f"peers    {name:<10} {n} people, stable roommates",
              lambda pool=pool: mm.pair_peers(pool, method="stable"))


if __name__ == "__main__":
    main()
