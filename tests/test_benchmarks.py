"""The sweep runner: peers are compared, timeouts reported, Dask gives the local results."""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np
import pytest
from benchmarks.bench_fast import pairing_study
from benchmarks.instances import Spec
from benchmarks.runner import Task, comparisons, make_executor, sweep

_TIMING = ("seconds", "seconds_low", "seconds_high", "peak_mb")


def _strip(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k not in _TIMING} for r in rows]


def _tasks() -> list[Task]:
    spec = Spec("university", 60, 20, 1, one_mentor=True)
    pilot = Spec("pilot", 7, 33, 2)
    return [Task(f"ours:{s}", spec, 30.0) for s in ("flow", "greedy", "stable")] + [
        Task("peer:scipy_lsa", spec, 30.0), Task("peer:ortools_mcf", spec, 30.0),
        Task("peer:scipy_lsa", pilot, 30.0), Task("ours:flow", pilot, 30.0)]


def test_the_sweep_times_untraced_medians_and_compares_peers_with_ours() -> None:
    one = Spec("university", 40, 12, 3, one_mentor=True)
    pilot = Spec("pilot", 7, 33, 2)
    tasks = [Task(r, s, 30.0) for s in (one, pilot)
             for r in ("ours:flow", "ours:stable", "peer:scipy_lsa", "peer:ortools_mcf",
                       "peer:networkx_mcf", "peer:matching_hr")]
    rows = sweep(tasks)
    by = {(r["instance"], r["runner"]): r for r in rows}
    # 1:1 peers do not apply to mentees wanting two mentors: reported, not a crash.
    assert by[("pilot 7x33", "peer:scipy_lsa")]["status"] == "n/a"
    assert by[("pilot 7x33", "peer:matching_hr")]["status"] == "n/a"
    for r in rows:
        if r["status"] == "ok":
            assert r["timed_runs"] == 3 and r["seconds_low"] <= r["seconds"] <= r["seconds_high"]
            assert r["feasible"] and r["peak_mb"] > 0
    got = {(c["instance"], c["peer"]): c for c in comparisons(rows)}
    assert {p for _, p in got} == {"scipy_lsa", "ortools_mcf", "networkx_mcf", "matching_hr"}
    assert all(c["same_answer"] for c in got.values())
    hr = got[(one.label, "matching_hr")]
    assert hr["ours"] == "stable" and hr["blocking"] == (0, 0)
    assert got[(one.label, "ortools_mcf")]["ours"] == "flow"


def test_comparisons_flag_answers_that_disagree() -> None:
    base = {"profile": "p", "n_mentees": 1, "n_mentors": 1, "seed": 0, "one_mentor": False,
            "instance": "x", "status": "ok", "matched": 1, "pairs": 1, "blocking": 0}
    rows = [{**base, "runner": "ours:flow", "seconds": 2.0, "total": 1.0},
            {**base, "runner": "peer:ortools_mcf", "seconds": 6.0, "total": 0.5}]
    (c,) = comparisons(rows)
    assert c["time_ratio"] == 3.0 and c["same_answer"] is False


def test_timeout_is_reported() -> None:
    rows = sweep([Task("ours:flow", Spec("university", 300, 80, 0), 0.001)])
    assert rows[0]["status"] == "timeout"


def test_process_pool_and_dask_give_the_local_results() -> None:
    tasks = _tasks()
    local = _strip(sweep(tasks, None))
    pool, close = make_executor("process", workers=2)
    try:
        pooled = _strip(sweep(tasks, pool))
    finally:
        close()
    assert pooled == local
    executor, close = make_executor("dask", workers=2)
    try:
        dasked = _strip(sweep(tasks, executor))
    finally:
        close()
    assert dasked == local
    assert [r["status"] for r in local].count("ok") == 6


def _peer_raises(weights: Any, out: Any) -> None:
    out.put({"built": True})
    raise ToyNetworkxError("graph too odd")


class ToyNetworkxError(ValueError):
    """Stands for an exception raised inside networkx."""


def _peer_dies(weights: Any, out: Any) -> None:
    out.put({"built": True})
    time.sleep(0.2)  # let the message leave before the hard exit
    os._exit(3)


def _peer_hangs(weights: Any, out: Any) -> None:
    out.put({"built": True})
    time.sleep(30)


@pytest.mark.parametrize(("peer", "note"), [
    (_peer_raises, "failed: ToyNetworkxError: graph too odd"),
    (_peer_dies, "failed: the process exited with code 3 before answering"),
    (_peer_hangs, "stopped after 1 s")])
def test_pairing_study_tells_a_failing_peer_from_a_timeout(peer: Any, note: str) -> None:
    weights = np.array([[0.0, 1.0], [1.0, 0.0]])
    started = time.monotonic()
    row = pairing_study("toy", weights, 3, timeout=1.0, peer_run=peer)
    assert row["networkx"] is None and row["networkx_note"] == note
    assert ("ratio_at_least" in row) == note.startswith("stopped")
    assert time.monotonic() - started < 10.0  # a failure is not waited out
