"""The sweep: our solvers and the peer libraries on the same synthetic instances.

Every runner is timed the same way inside a forked child (``benchmarks.runner``):
one warm-up run on the instance, 3 untraced timed runs (median and spread), then a
separate traced run for the peak memory. Runs one task at a time so no two timed
runs share the 2 cores. ``python -m benchmarks run sweep`` (``--toy`` for tiny sizes).
"""

from __future__ import annotations

from typing import Any

from .instances import Spec
from .peers import PEER_OF, PEERS
from .results import Payload, Study, fmt_time
from .runner import OURS, Task, comparisons, sweep

#: (profile, n_mentees, n_mentors, one_mentor).
SIZES = [("pilot", 7, 33, False), ("university", 300, 80, False),
         ("university", 1000, 250, True), ("national", 3000, 600, False)]
TOY = [("pilot", 7, 33, False), ("university", 40, 12, True)]
#: Peers that are too slow beyond this many mentees (not run there).
PEER_LIMIT = {"networkx_mcf": 1000, "matching_hr": 1000}
#: Our solvers too slow beyond this many mentees (not run there).
OURS_LIMIT = {"ilp": 1000}


def tasks_for(sizes: list[tuple[str, int, int, bool]], seeds: int, solvers: list[str],
              peers: list[str], timeout: float) -> list[Task]:
    out = []
    for profile, n_e, n_r, one in sizes:
        for seed in range(seeds):
            spec = Spec(profile, n_e, n_r, seed, one)
            out += [Task(f"ours:{s}", spec, timeout) for s in solvers
                    if n_e <= OURS_LIMIT.get(s, 10**9)]
            out += [Task(f"peer:{p}", spec, timeout) for p in peers
                    if n_e <= PEER_LIMIT.get(p, 10**9)]
    return out


def run(toy: bool) -> Payload:
    tasks = tasks_for(TOY if toy else SIZES, 1, list(OURS), list(PEERS),
                      30.0 if toy else 600.0)
    rows = sweep(tasks, None, progress=False)
    return {"rows": rows, "comparisons": comparisons(rows),
            "limits": {"peers": PEER_LIMIT, "ours": OURS_LIMIT}}


def _row(r: dict[str, Any]) -> str:
    if r.get("status") != "ok":
        note = str(r.get("note", ""))[:70].replace("|", "/")
        return f"| {r['instance']} | {r['runner']} | {r['status']}: {note} |" + " |" * 8
    t = fmt_time(r["seconds"], r["seconds_low"], r["seconds_high"])
    return (f"| {r['instance']} | {r['runner']} | ok | {t} | {r['peak_mb']:.1f} | "
            f"{r['pairs']} | {r['matched']}/{r['asking']} | {r['total']:.3f} | {r['min']:.3f} "
            f"| {r['coverage']:.3f} | {r['blocking']} |")


def tables(payload: Payload) -> dict[str, str]:
    head = ("| instance | runner | status | time: median (fastest-slowest) | traced peak MiB "
            "| pairs | matched | total | min | coverage | blocking |\n" + "|---" * 11 + "|")
    runs = "\n".join([head, *(_row(r) for r in payload["rows"])])
    lines = ["| instance | peer | ours | peer time / ours | same answer | blocking (ours, peer) "
             "| objectives |", "|---" * 7 + "|"]
    for c in payload["comparisons"]:
        lines.append(f"| {c['instance']} | {c['peer']} | {c['ours']} | {c['time_ratio']:.2f}x "
                     f"| {'yes' if c['same_answer'] else '**no**'} | "
                     f"{c['blocking'][0]}, {c['blocking'][1]} | {PEER_OF[c['peer']][1]} |")
    return {"sweep": runs, "sweep.peers": "\n".join(lines)}


STUDY = Study("sweep", run, tables,
              ("benchmarks/bench_sweep.py", "benchmarks/runner.py", "benchmarks/peers.py",
               "benchmarks/instances.py"),
              "python -m benchmarks run sweep")
