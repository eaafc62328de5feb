"""The starting prices only steer column generation: poor ones cost rounds, never the optimum."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
import mentormatch.large._pricing as pricing
from mentormatch.errors import SolverError
from mentormatch.large._candidates import _start, match_candidates
from mentormatch.solvers.flow import run_backend
from mentormatch.synthetic import make_cohort


def _exact_total(r: mm.MatchResult) -> float:
    return math.fsum(p.score for p in r.pairs)


def _poor_prices(kind: str, n_r: int, max_price: float, seed: int) -> pricing._Steer:
    rng = np.random.default_rng(seed)
    if kind == "everyone at the top price":
        return pricing._Steer(np.full(n_r, max_price), np.zeros(n_r, dtype=bool))
    if kind == "random prices and rooms":
        return pricing._Steer(max_price * rng.random(n_r), rng.random(n_r) < 0.5)
    # One mentor far above every score: pools steer away from it entirely.
    price = np.zeros(n_r)
    price[rng.integers(n_r)] = 10 * max_price
    return pricing._Steer(price, np.ones(n_r, dtype=bool))


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 3),
       kind=st.sampled_from(["everyone at the top price", "random prices and rooms",
                             "one mentor priced out"]))
def test_deliberately_poor_starting_prices_reach_the_dense_optimum(seed, k, kind):
    c = make_cohort(60, 15, seed=seed, profile="national" if seed % 2 else "university")
    dense = mm.match(c, solver="flow")

    def poor(setup, scanner, rows, fraction, sample_seed, max_price):
        return _poor_prices(kind, setup.scorer.n_mentors, max(max_price, 1.0), seed)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pricing, "_fluid_prices", poor)
        r = match_candidates(c, "flow", k=k, seed=seed)
    assert r.provenance.solver_info["candidates"]["certified"] is True
    assert (r.metrics.n_pairs, r.metrics.mentees_matched) == (
        dense.metrics.n_pairs, dense.metrics.mentees_matched)
    assert _exact_total(r) == pytest.approx(_exact_total(dense), abs=1e-9)


@pytest.mark.parametrize("samples", [1, 2, 3])
def test_averaged_samples_reach_the_dense_optimum(samples, monkeypatch):
    monkeypatch.setattr(pricing, "_MIN_SAMPLE", 20)
    monkeypatch.setattr(pricing, "_FLUID_SAMPLES", samples)
    c = make_cohort(400, 60, seed=samples, profile="national")
    dense = mm.match(c, solver="flow")
    r = match_candidates(c, "flow", k=3, price_sample=0.05)
    assert r.provenance.solver_info["candidates"]["certified"] is True
    assert r.metrics.n_pairs == dense.metrics.n_pairs
    assert _exact_total(r) == pytest.approx(_exact_total(dense), abs=1e-9)


def test_samples_are_disjoint_seeded_and_fall_back_to_fewer_when_rows_are_few(monkeypatch):
    c = make_cohort(1000, 200, seed=3, profile="national")
    setup = _start(c, None, 1, None, 1 << 20, False, select=False).setup
    rows = np.flatnonzero(setup.demand > 0)
    scanner = setup.scanner(0)
    seen: list[np.ndarray] = []
    inner = pricing._fluid_sample_prices

    def spy(setup, scanner, sample, n_rows, max_price):
        seen.append(sample)
        return inner(setup, scanner, sample, n_rows, max_price)

    monkeypatch.setattr(pricing, "_fluid_sample_prices", spy)
    steer = pricing._fluid_prices(setup, scanner, rows, 0.2, 5, setup.scorer.max_score())
    assert len(seen) == pricing._FLUID_SAMPLES == 2
    assert np.intersect1d(seen[0], seen[1]).size == 0
    assert all(s.size == 200 and bool((np.diff(s) > 0).all()) for s in seen)
    assert steer.room is not None and not (steer.room & (steer.price > 1e-9)).any()
    assert steer.samples == 2
    first = [s.copy() for s in seen]
    seen.clear()
    pricing._fluid_prices(setup, scanner, rows, 0.2, 5, setup.scorer.max_score())
    assert all(np.array_equal(a, b) for a, b in zip(first, seen, strict=True))
    seen.clear()
    pricing._fluid_prices(setup, scanner, rows, 0.2, 6, setup.scorer.max_score())
    assert not np.array_equal(first[0], seen[0])
    # 700 rows hold one sample of 200 (with as many left over), not two.
    seen.clear()
    one = pricing._fluid_prices(setup, scanner, rows[:700], 0.2, 5, setup.scorer.max_score())
    assert len(seen) == 1 and one.samples == 1


@pytest.mark.parametrize(("n_mentees", "samples"), [(300, 0), (500, 1), (1000, 2)])
def test_the_number_of_samples_priced_is_reported(n_mentees, samples):
    c = make_cohort(n_mentees, 60, seed=2, profile="national")
    r = match_candidates(c, "flow", k=3)
    assert r.provenance.solver_info["candidates"]["price_samples"] == samples


def test_a_sample_network_without_a_flow_is_an_internal_error(monkeypatch):
    c = make_cohort(1000, 200, seed=3, profile="national")
    setup = _start(c, None, 1, None, 1 << 20, False, select=False).setup
    rows = np.flatnonzero(setup.demand > 0)

    inner = run_backend

    def no_flow(network, backend, lexicographic):
        return dataclasses.replace(inner(network, backend, lexicographic), flow=None)

    monkeypatch.setattr(pricing, "run_backend", no_flow)
    with pytest.raises(SolverError, match="found no flow"):
        pricing._fluid_prices(setup, setup.scanner(0), rows, 0.2, 5, setup.scorer.max_score())


@pytest.mark.parametrize("cohort_seed", [1, 2])
def test_averaged_samples_leave_fewer_pairs_to_the_first_round(cohort_seed, monkeypatch):
    # One sample (the old seeding) against the default, same instance.
    c = make_cohort(3000, 600, seed=cohort_seed, profile="national")
    added = {}
    for samples, width in ((1, 10), (pricing._FLUID_SAMPLES, pricing._FLUID_WIDTH)):
        monkeypatch.setattr(pricing, "_FLUID_SAMPLES", samples)
        monkeypatch.setattr(pricing, "_FLUID_WIDTH", width)
        r = match_candidates(c, "flow", k=10)
        info = r.provenance.solver_info["candidates"]
        assert info["certified"] is True
        added[samples] = info["added"][0]
    assert added[2] < 0.8 * added[1]
