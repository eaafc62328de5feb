"""Column generation over price-guided pools: pools, bounds and the certified optimum."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from threadpoolctl import threadpool_info

import mentormatch as mm
import mentormatch.large._pricing as pricing
import mentormatch.large._scanner as scanning
from mentormatch.encode import build_problem
from mentormatch.large._candidates import _start, match_candidates
from mentormatch.synthetic import make_cohort


def _setup(c: mm.Cohort, min_score: float | None = None) -> pricing.PricingSetup:
    return _start(c, None, 1, min_score, 1 << 20, False, select=False).setup


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), size=st.integers(1, 14),
       min_score=st.sampled_from([None, 0.5]))
def test_pools_hold_the_best_by_score_minus_price_and_bound_the_rest(seed, size, min_score):
    c = make_cohort(70, 15, seed=seed, profile="university")
    setup = _setup(c, min_score)
    table = mm.scoring.default_scorer().score(c)
    dense = table.mentee_scores
    allowed = build_problem(c, table, min_score=min_score).allowed
    price = np.random.default_rng(seed).uniform(0, 0.5, 15)
    scanner = setup.scanner(seed)
    rows = np.arange(70, dtype=np.int64)
    pool, raw = scanner.fill(rows, price, size, raw=3)
    assert raw is not None
    for i in range(70):
        mine = pool.mentor[i][pool.mentor[i] >= 0]
        key = np.where(allowed[i], dense[i] - price, -np.inf)
        assert mine.size == min(size, int(allowed[i].sum()))
        assert np.allclose(pool.score[i][:mine.size], dense[i, mine], atol=1e-12)
        rest = np.setdiff1d(np.flatnonzero(allowed[i]), mine)
        if rest.size:
            # Everything left out is covered by the bound and no better than the pool
            # (ties within the jitter aside).
            assert key[rest].max() <= pool.bound[i] + 1e-12
            assert key[rest].max() <= key[mine].min() + 1e-6
        else:
            assert pool.bound[i] == -np.inf
        # The raw picks are the best by score alone (ties within the jitter aside).
        best = raw[0][i][raw[0][i] >= 0]
        assert best.size == min(3, int(allowed[i].sum()))
        assert np.allclose(raw[1][i][:best.size], dense[i, best], atol=1e-12)
        others = np.setdiff1d(np.flatnonzero(allowed[i]), best)
        if others.size:
            assert dense[i, others].max() <= dense[i, best].min() + 1e-6


@pytest.mark.parametrize("seed", range(4))
def test_sampled_prices_change_rounds_not_the_certified_optimum(seed, monkeypatch):
    # Small fluid samples are solved too, so the prices and rooms are exercised.
    monkeypatch.setattr(pricing, "_MIN_SAMPLE", 5)
    c = make_cohort(120, 25, seed=seed, profile="national" if seed % 2 else "university")
    dense = mm.match(c, solver="flow")
    for fraction in (None, 0.2, 0.5):
        r = match_candidates(c, "flow", k=2, price_sample=fraction, seed=seed)
        info = r.provenance.solver_info["candidates"]
        assert info["certified"] is True
        assert r.metrics.mentees_matched == dense.metrics.mentees_matched
        assert r.metrics.n_pairs == dense.metrics.n_pairs
        assert r.metrics.total_score == pytest.approx(dense.metrics.total_score, abs=1e-9)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 4),
       min_score=st.sampled_from([None, 0.45]))
def test_certified_answer_equals_the_dense_optimum(seed, k, min_score):
    c = make_cohort(50, 12, seed=seed, profile="university")
    dense = mm.match(c, solver="flow", min_score=min_score)
    r = mm.match(c, solver="flow", candidates=k, min_score=min_score)
    assert r.provenance.solver_info["candidates"]["certified"] is True
    assert r.metrics.n_pairs == dense.metrics.n_pairs
    assert r.metrics.total_score == pytest.approx(dense.metrics.total_score, abs=1e-9)


def test_round_limit_is_reported_not_hidden():
    c = make_cohort(200, 30, seed=2, profile="national")
    r = match_candidates(c, "flow", k=1, max_rounds=1, price_sample=None)
    info = r.provenance.solver_info["candidates"]
    assert info["rounds"] == 1
    assert info["certified"] is False
    assert "uncertified" in info["note"]


@pytest.mark.parametrize("seed", range(3))
def test_minimum_loads_hold_on_the_candidate_path(seed, monkeypatch):
    monkeypatch.setattr(pricing, "_MIN_SAMPLE", 5)  # the sample (no minimum loads) runs too
    base = make_cohort(40, 30, seed=seed, profile="university")
    free = mm.match(base, solver="flow")
    held = {p.mentor for p in free.pairs}
    idle = [m.id for m in base.mentors if m.id not in held][:3]
    assert idle  # the minimum loads below bind
    mentors = [m.model_copy(update={"min_load": 1}) if m.id in idle else m
               for m in base.mentors]
    c = mm.Cohort(mentees=base.mentees, mentors=mentors)
    dense = mm.match(c, solver="flow")
    r = mm.match(c, solver="flow", candidates=2)
    assert r.provenance.solver_info["candidates"]["certified"] is True
    assert {p.mentor for p in r.pairs} >= set(idle)
    assert r.metrics.total_score == pytest.approx(dense.metrics.total_score, abs=1e-9)


def test_a_sampled_cohort_with_director_constraints_gets_the_dense_optimum():
    # 2,500 mentees: prices come from a real sample (no monkeypatching).
    c = make_cohort(2500, 500, seed=4, profile="national")
    held = {p.mentor for p in mm.match(c, solver="flow").pairs}
    idle = [m.id for m in c.mentors if m.id not in held][:5]
    mentors = [m.model_copy(update={"min_load": 1}) if m.id in idle else m for m in c.mentors]
    cc = mm.Cohort(mentees=c.mentees, mentors=mentors,
                   locked=[(c.mentee_ids[0], c.mentor_ids[3])],
                   forbidden=[(c.mentee_ids[1], c.mentor_ids[4])])
    dense = mm.match(cc, solver="flow")
    r = mm.match(cc, solver="flow", candidates=10)
    assert r.provenance.solver_info["candidates"]["certified"] is True
    assert (r.metrics.n_pairs, r.metrics.mentees_matched) == (
        dense.metrics.n_pairs, dense.metrics.mentees_matched)
    assert r.metrics.total_score == pytest.approx(dense.metrics.total_score, abs=1e-9)
    assert {(p.mentee, p.mentor) for p in r.pairs if p.locked} == {(c.mentee_ids[0],
                                                                     c.mentor_ids[3])}


def test_fluid_prices_are_seeded_and_price_the_contested_mentors():
    c = make_cohort(3000, 600, seed=1, profile="national")
    setup = _setup(c)
    rows = np.flatnonzero(setup.demand > 0)
    scanner = setup.scanner(0)
    steer = pricing._fluid_prices(setup, scanner, rows, 0.1, 7, setup.scorer.max_score())
    again = pricing._fluid_prices(setup, scanner, rows, 0.1, 7, setup.scorer.max_score())
    assert np.array_equal(steer.price, again.price) and steer.room is not None
    assert (steer.price >= 0).all() and steer.price.max() > 0
    # A priced mentor is one the sample fills: no room left at a positive price.
    assert not (steer.room & (steer.price > 1e-9)).any()
    # The optimum fills the priced mentors more than the free ones.
    loads = np.bincount([c.mentor_ids.index(p.mentor) for p in mm.match(c, solver="flow").pairs],
                        minlength=len(c.mentors)) / setup.capacity
    assert loads[steer.price > 0].mean() > loads[steer.price == 0].mean()
    # Too few mentees to sample: no prices, no rooms.
    small = pricing._fluid_prices(setup, scanner, rows[:300], 0.1, 7, 1.0)
    assert not small.price.any() and small.room is None


@pytest.mark.parametrize("n_rows", [40, 400])
def test_every_scanner_pass_holds_blas_to_one_thread(n_rows: int) -> None:
    # A few blocks run on the calling thread, many on the pool: BLAS threads
    # on 32-row products cost several times the work in both.
    c = make_cohort(n_rows, 20, seed=1, profile="national")
    scanner = _setup(c).scanner(0)

    def blas_threads(block: np.ndarray) -> int:
        return max((p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"),
                   default=1)

    assert set(scanner._each_block(np.arange(n_rows, dtype=np.int64), blas_threads)) == {1}


def test_rounds_and_phase_seconds_land_in_provenance() -> None:
    c = make_cohort(600, 120, seed=3, profile="national")
    r = match_candidates(c, "flow", k=2)
    info = r.provenance.solver_info["candidates"]
    assert info["certified"] is True
    assert info["rounds"] >= 1
    assert len(info["added"]) == len(info["solve_seconds"]) == info["rounds"]
    assert info["added"][-1] == 0
    assert set(info["seconds"]) == {"sample", "pool", "solve", "price"}
    assert all(v >= 0 for v in info["seconds"].values())
    assert sum(info["solve_seconds"]) == pytest.approx(info["seconds"]["solve"], abs=0.01)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), start=st.integers(0, 40))
def test_a_rows_pool_does_not_depend_on_the_rows_scanned_with_it(seed, start):
    # Consecutive rows read their jitter as a view, scattered rows as a copy:
    # the pools, raw picks and bounds must not tell the two apart.
    c = make_cohort(120, 30, seed=seed, profile="national")
    setup = _setup(c)
    price = np.random.default_rng(seed).uniform(0, 0.3, 30)
    room = np.random.default_rng(seed + 1).random(30) < 0.5
    every = np.arange(120, dtype=np.int64)
    some = np.sort(np.random.default_rng(seed).choice(every, 70, replace=False))[start % 7:]
    pool_all, raw_all = setup.scanner(seed).fill(every, price, 6, raw=2, room=room)
    pool_some, raw_some = setup.scanner(seed).fill(some, price, 6, raw=2, room=room)
    assert raw_all is not None and raw_some is not None
    np.testing.assert_array_equal(pool_all.mentor[some], pool_some.mentor[some])
    np.testing.assert_array_equal(pool_all.score[some], pool_some.score[some])
    np.testing.assert_array_equal(pool_all.bound[some], pool_some.bound[some])
    np.testing.assert_array_equal(raw_all[0][some], raw_some[0][some])
    np.testing.assert_array_equal(raw_all[1][some], raw_some[1][some])


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 10_000), n_r=st.integers(1, 12), n_rows=st.integers(1, 8))
def test_a_row_is_cleared_only_when_the_other_reference_clears_all_it_would_rescore(
        seed, n_r, n_rows):
    rng = np.random.default_rng(seed)
    grid = lambda *shape: np.round(rng.uniform(-1, 1, shape) * 4) / 4  # noqa: E731  (ties)
    prices = pricing._Prices(grid(n_rows), np.where(rng.random(n_r) < 0.2, np.inf, grid(n_r)),
                             0.0)
    rows, perm = np.arange(n_rows, dtype=np.int64), rng.permutation(n_r).astype(np.int64)
    mine = pricing._rescore_counts(grid(n_r), grid(n_rows), prices, rows, perm)
    other = pricing._rescore_counts(grid(n_r), grid(n_rows), prices, rows, perm)
    cleared = pricing._cleared(mine, other)
    for i in range(n_rows):
        # The columns mine would rescore: those whose fall beats the row's slack.
        wanted = np.flatnonzero(mine.fall > mine.slack[i])
        assert sorted(mine.order[:mine.need[i]].tolist()) == wanted.tolist()
        expect = wanted.size > 0 and bool((other.fall[wanted] <= other.slack[i]).all())
        assert cleared[i] == expect


def test_a_pass_refuses_rows_out_of_order() -> None:
    # A block's jitter view and its compact positions are found from sorted, unique rows.
    setup = _setup(make_cohort(40, 10, seed=0, profile="national"))
    scanner, price = setup.scanner(0), np.zeros(10)
    for rows in ([3, 1, 2], [1, 1, 2]):
        with pytest.raises(mm.errors.SolverError, match="strictly increasing"):
            scanner.fill(np.array(rows, dtype=np.int64), price, 3)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), m=st.integers(1, 6), n=st.integers(1, 900),
       levels=st.sampled_from([3, 50, 0]), dead=st.floats(0.0, 1.0))
def test_top_columns_are_the_largest_keys_largest_first(seed, m, n, levels, dead) -> None:
    # m distinct columns holding the m largest keys, largest first (ties and -inf included).
    from mentormatch.large._scanner import _top_columns

    rng = np.random.default_rng(seed)
    key = rng.random((7, n))
    if levels:
        key = np.floor(key * levels)
    key[rng.random(key.shape) < dead] = -np.inf
    m = min(m, n)
    got = _top_columns(key, m)
    for i in range(key.shape[0]):
        assert np.unique(got[i]).size == m
        assert key[i, got[i]].tolist() == sorted(key[i], reverse=True)[:m]


def _reference_fill(scanner, rows, price, size, raw, room):
    # Scanner.fill by whole stable sorts, a fresh array at every step, block by block
    # (the blocks fix the scores' last bits: a product's rounding may depend on its shape).
    perm = scanner.scorer.perm
    room_cols = np.flatnonzero(room[perm])
    out = []
    for lo in range(0, rows.size, scanning._BLOCK_ROWS):
        block = rows[lo:lo + scanning._BLOCK_ROWS]
        scores = scanner.scores(block)
        jitter = scanner.jitter[block % scanning._PATTERNS]
        jittered = scores - jitter
        best = np.argsort(-jittered, axis=1, kind="stable")[:, :raw]
        near = room_cols[np.argsort(-jittered[:, room_cols], axis=1, kind="stable")[:, :3]]
        key = scores - price[perm]
        top = np.argsort(-(key - jitter), axis=1, kind="stable")
        for i in range(block.size):
            picked = np.concatenate([best[i], near[i]])
            rest = key[i, top[i, size:]]
            out.append((perm[top[i, :size]], scores[i, top[i, :size]], perm[picked],
                        scores[i, picked], rest.max(initial=-np.inf)))
    return out


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), n_rows=st.integers(260, 330),
       min_score=st.sampled_from([None, 0.6]), compact=st.booleans())
def test_a_threaded_pass_keeps_exactly_the_pairs_a_full_sort_keeps(seed, n_rows, min_score,
                                                                   compact) -> None:
    # Enough blocks for the two worker threads, each with its own reused block
    # arrays, and a short last block: the pools, raw picks and bounds are the
    # ones a fresh, whole-row stable sort of each block gives, to the bit.
    c = make_cohort(n_rows, 40, seed=seed, profile="national")
    setup = _setup(c, min_score)
    rng = np.random.default_rng(seed)
    price = np.where(rng.random(40) < 0.5, 0.0, rng.uniform(0, 0.3, 40))
    room = rng.random(40) < 0.5
    rows = np.sort(rng.choice(n_rows, n_rows - 7, replace=False)).astype(np.int64)
    scanner = setup.scanner(seed)
    pool, picks = scanner.fill(rows, price, 6, raw=2, room=room, compact=compact)
    assert picks is not None
    for q, (mentor, score, raw_mentor, raw_score, bound) in enumerate(
            _reference_fill(scanner, rows, price, 6, 2, room)):
        i = q if compact else int(rows[q])
        ok, raw_ok = np.isfinite(score), np.isfinite(raw_score)
        np.testing.assert_array_equal(pool.mentor[i], np.where(ok, mentor, -1))
        np.testing.assert_array_equal(pool.score[i], score)
        np.testing.assert_array_equal(picks[0][i], np.where(raw_ok, raw_mentor, -1))
        np.testing.assert_array_equal(picks[1][i], raw_score)
        assert pool.bound[i] == bound
