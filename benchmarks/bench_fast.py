"""Fast by default (issue 15): the plain install and the plain call, each against its peer.

Every comparison runs both sides in the same run on the same instance, through
``benchmarks.timing.timed`` (one untimed warm-up, then the median of at least 3
untraced runs, with the spread); memory is a run of its own in a child process
(its peak RSS). Each row records the machine's load average when it was measured.

* ``flow``: the ``primal-dual`` backend alone vs OR-Tools' min-cost flow alone on
  the same network (``run_backend``), and ``flow`` end to end (network, backend,
  certificate) with each backend: the national profile at 3,000 x 600 (dense) and
  10,000 x 3,000 with each mentee's 50 best mentors, both scored by the default
  scorer (scores on a grid), and ``bench_flow``'s noisy 10,000 x 3,000 top-50
  instance (scores off any grid).
* ``match``: plain ``mm.match(cohort)`` with and without OR-Tools installed (a child
  process in which ``import ortools`` fails) at 3,000 x 600, and at 20,000 x 4,000
  (time and peak RSS; the large-cohort path is chosen by the memory budget).
* ``stable``: ``mm.solve(problem, solver="stable")`` vs :func:`reference_da`, a
  plain-Python lazy deferred acceptance, on 20,000 x 4,000 full lists; the two
  matchings are compared pair by pair.
* ``pairing``: ``mm.pair_graph`` vs networkx ``max_weight_matching`` at 2,000
  people (peer scores of a national cohort, complete graph, maximum cardinality)
  and on a sparse random graph; the weights are compared. networkx runs once.

    python -m benchmarks run fast        # --toy: tiny sizes, seconds
"""

from __future__ import annotations

import os
from heapq import heappush, heapreplace
from typing import Any

import numpy as np

import mentormatch as mm

from .results import Payload, Study, fmt_time  # noqa: F401 - used below as it grows
from .timing import timed


def _load() -> float:
    return round(os.getloadavg()[0], 2)


# -- stable vs a hand-written deferred acceptance ---------------------------------------

def reference_da(scores: np.ndarray, demand: np.ndarray,
                 capacity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mentee-proposing deferred acceptance, both sides ranking by ``scores``.

    Ties go to the lower index on both sides. First choices come from one
    ``argmax`` per row; a mentee's row is sorted only when it needs a further
    choice; each mentor keeps a heap of ``(score, -mentee)``, so its top is the
    holder it likes least.
    """
    n_e, n_r = scores.shape
    first = scores.argmax(axis=1).tolist()
    rows: dict[int, list[int]] = {}
    position = [0] * n_e
    want = demand.tolist()
    room = capacity.tolist()
    held: list[list[tuple[float, int]]] = [[] for _ in range(n_r)]
    stack = [i for i in range(n_e - 1, -1, -1) if want[i] > 0]
    while stack:
        i = stack.pop()
        while want[i] > 0 and position[i] < n_r:
            k = position[i]
            if k == 0:
                j = first[i]
            else:
                row = rows.get(i)
                if row is None:
                    row = rows[i] = np.argsort(-scores[i], kind="stable").tolist()
                j = row[k]
            position[i] = k + 1
            offer = (float(scores[i, j]), -i)
            if room[j]:
                heappush(held[j], offer)
                room[j] -= 1
                want[i] -= 1
            elif offer > held[j][0]:
                dropped = -heapreplace(held[j], offer)[1]
                want[i] -= 1
                want[dropped] += 1
                if want[dropped] == 1:
                    stack.append(dropped)
    mentee = [-i for h in held for _, i in h]
    mentor = [j for j, h in enumerate(held) for _ in h]
    return np.array(mentee, dtype=np.int64), np.array(mentor, dtype=np.int64)


def _pairs(e: np.ndarray, r: np.ndarray) -> list[tuple[int, int]]:
    return sorted(zip(e.tolist(), r.tolist(), strict=True))


def stable_study(n_e: int, n_r: int, repeats: int) -> dict[str, Any]:
    """``stable`` through ``mm.solve`` vs :func:`reference_da` on a scored national cohort."""
    from mentormatch.encode import build_problem
    from mentormatch.scoring import default_scorer
    from mentormatch.synthetic import make_cohort

    cohort = make_cohort(n_e, n_r, seed=0, profile="national", demand_probs=(1.0,))
    scored = build_problem(cohort, default_scorer().score(cohort))
    # Full lists: every pair allowed (the scorer's few exclusions are dropped).
    problem = mm.MatchProblem(scores=scored.scores, demand=scored.demand,
                              capacity=scored.capacity)
    del scored
    load = _load()
    ours_t, ours = timed(lambda: mm.solve(problem, solver="stable"), repeats)
    ref_t, (e, r) = timed(lambda: reference_da(problem.scores, problem.demand,
                                               problem.capacity), repeats)
    return {"size": f"{n_e}x{n_r}", "load_avg": load, "stable": ours_t.as_dict(),
            "reference": ref_t.as_dict(), "ratio": ours_t.median / ref_t.median,
            "same_matching": _pairs(ours.mentee_idx, ours.mentor_idx) == _pairs(e, r),
            "pairs": int(ours.n_pairs)}
