"""Price-guided candidate selection: same certified optimum, superset of the plain top-k."""

from __future__ import annotations

import numpy as np
import pytest

import mentormatch as mm
from mentormatch._block_scoring import BlockScorer, _Selector
from mentormatch._candidates import match_candidates
from mentormatch.synthetic import make_cohort


def _selector(c: mm.Cohort) -> tuple[BlockScorer, _Selector]:
    bs = BlockScorer(c)
    cap = np.array([p.capacity for p in c.mentors])
    sel = _Selector(bs, excluded=np.zeros((0, 2), np.int64), dead_mentors=cap == 0,
                    min_score=None, block_bytes=7 * 24 * len(c.mentors))  # several blocks
    return bs, sel


@pytest.mark.parametrize("k", [1, 3])
def test_guided_selection_is_raw_top_k_plus_reduced_top_k(k):
    c = make_cohort(30, 12, seed=3, profile="university")
    bs, sel = _selector(c)
    rows = np.arange(30, dtype=np.int64)
    price = np.random.default_rng(0).normal(size=12)
    plain = sel.select(rows, k)
    guided = sel.select(rows, k, price=price)
    dense = bs.block(rows)
    assert np.array_equal(plain.bound, guided.bound)  # the bound covers every dropped pair
    for i in range(30):
        mine = guided.mentor[guided.mentee == i]
        assert len(set(mine.tolist())) == mine.size  # no duplicate pairs
        assert set(plain.mentor[plain.mentee == i].tolist()) <= set(mine.tolist())
        reduced = dense[i] - price
        # the guided set holds k mentors whose reduced scores no left-out mentor beats
        others = np.setdiff1d(np.arange(12), mine)
        kth = np.sort(reduced[mine])[::-1][k - 1]
        assert others.size == 0 or reduced[others].max() <= kth + 1e-9
        dropped = np.setdiff1d(np.arange(12), mine)
        assert dropped.size == 0 or dense[i, dropped].max() <= guided.bound[i] + 1e-12
        assert np.allclose(guided.score[guided.mentee == i], dense[i, mine])


@pytest.mark.parametrize("seed", range(4))
def test_prices_change_rounds_not_the_certified_optimum(seed):
    c = make_cohort(80, 20, seed=seed, profile="national" if seed % 2 else "university")
    dense = mm.match(c, solver="flow")
    for fraction in (None, 0.2, 0.5):
        r = match_candidates(c, "flow", k=2, price_sample=fraction)
        info = r.provenance.solver_info["candidates"]
        assert info["certified"] is True
        assert r.metrics.mentees_matched == dense.metrics.mentees_matched
        assert r.metrics.n_pairs == dense.metrics.n_pairs
        assert r.metrics.total_score == pytest.approx(dense.metrics.total_score, abs=1e-9)
