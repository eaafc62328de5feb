"""Topic coverage across a mentee's mentors (issue 17): solvers and profiles.

Two tables:

1. **Scarce, 7 x 12, over seeds** (the issue's table): mean share of asked topic weight
   covered by each mentee's mentors (``MatchResult.metrics.topic_coverage``) under
   ``greedy``, ``flow``, ``ilp`` with ``coverage=True`` (no leadership rule, as the
   default) and the default ``mm.match`` (the ``coverage`` solver when a mentee asks for
   two mentors).
2. **Across profiles and sizes** (seed 0 each): coverage per solver, the default's bound
   and gap in percentage points, how it got there (``method``: flow, swap or milp) and its
   seconds. Large cells run only what is named in ``--sizes``.

The machine's 1-minute load average is recorded with every run (the machine is shared).

    python -m benchmarks.bench_coverage [--seeds 30] [--sizes 7x12,300x80] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

import mentormatch as mm
from mentormatch.synthetic import make_cohort

#: (label, solver, options) compared in both tables; None solver = the default mm.match.
SOLVERS: tuple[tuple[str, str | None, dict[str, Any]], ...] = (
    ("greedy", "greedy", {}),
    ("flow", "flow", {}),
    ("ilp coverage", "ilp", {"coverage": True, "leadership_limit": None, "time_limit": 60.0}),
    ("default (coverage)", None, {}),
)
#: The ILP is skipped above this many mentees (it is the slow reference).
ILP_MAX_MENTEES = 300


def scarce_table(seeds: int) -> dict[str, Any]:
    """Mean topic coverage per solver over ``seeds`` scarce 7 x 12 cohorts."""
    out: dict[str, list[float]] = {label: [] for label, _, _ in SOLVERS}
    optimal = 0
    for seed in range(seeds):
        c = make_cohort(7, 12, seed=seed, profile="scarce")
        for label, solver, options in SOLVERS:
            result = mm.match(c, solver, **options)
            out[label].append(result.metrics.topic_coverage)
            if solver is None:
                optimal += bool(result.provenance.solver_info.get("optimal"))
    return {"seeds": seeds, "coverage": {k: statistics.fmean(v) for k, v in out.items()},
            "default_optimal": optimal}


def profile_row(profile: str, n_e: int, n_r: int, time_limit: float) -> dict[str, Any]:
    """Coverage per solver on one cohort, and the default's bound, gap and time."""
    c = make_cohort(n_e, n_r, seed=0, profile=profile)
    row: dict[str, Any] = {"profile": profile, "size": f"{n_e}x{n_r}"}
    for label, solver, options in SOLVERS:
        if solver == "ilp" and n_e > ILP_MAX_MENTEES:
            continue
        start = time.perf_counter()
        result = mm.match(c, solver, **(options if solver else {"time_limit": time_limit}))
        seconds = time.perf_counter() - start
        row[label] = result.metrics.topic_coverage
        if solver is None:
            info = result.provenance.solver_info
            row.update(objective=result.provenance.objective, seconds=seconds,
                       bound=result.metrics.topic_coverage_bound,
                       gap_pp=100 * ((result.metrics.topic_coverage_bound or 0.0)
                                     - result.metrics.topic_coverage),
                       method=info.get("method"), bound_from=info.get("bound_from"))
    row["load"] = os.getloadavg()[0]
    return row


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def main(argv: list[str] | None = None) -> None:
    """Print both tables (markdown) and write them as JSON."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--sizes", default="pilot:7x33,scarce:7x12,scarce:300x80,"
                                         "university:300x80")
    ap.add_argument("--time-limit", type=float, default=20.0)
    ap.add_argument("--out", type=Path, default=Path("coverage.json"))
    args = ap.parse_args(argv)
    load = os.getloadavg()[0]
    scarce = scarce_table(args.seeds)
    print(f"scarce 7 x 12, {args.seeds} seeds (load average {load:.2f}):\n")
    print("| solver | coverage |\n|---|---|")
    for label, value in scarce["coverage"].items():
        print(f"| {label} | {_pct(value)} |")
    print(f"\ndefault proved optimal on {scarce['default_optimal']} of {args.seeds}\n")
    rows = []
    for cell in args.sizes.split(","):
        profile, size = cell.split(":")
        n_e, n_r = (int(x) for x in size.split("x"))
        rows.append(profile_row(profile, n_e, n_r, args.time_limit))
    labels = [label for label, _, _ in SOLVERS]
    print("| profile | size | " + " | ".join(labels)
          + " | bound | gap (pp) | method | s | load |")
    print("|---" * (len(labels) + 7) + "|")
    for r in rows:
        print(f"| {r['profile']} | {r['size']} | "
              + " | ".join(_pct(r.get(label)) for label in labels)
              + f" | {_pct(r['bound'])} | {r['gap_pp']:.2f} | {r['method']} "
                f"({r['bound_from']}) | {r['seconds']:.1f} | {r['load']:.2f} |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"scarce": scarce, "profiles": rows}, indent=1))


if __name__ == "__main__":
    main()
