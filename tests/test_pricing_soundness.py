"""Pricing leaves out only pairs that cannot improve: checked by full dense solves."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
import mentormatch.large._pricing as pricing
from mentormatch.encode import build_problem
from mentormatch.large._candidates import match_candidates
from mentormatch.synthetic import make_cohort


def _dense_optimum(problem: mm.MatchProblem, allowed: np.ndarray) -> tuple[int, float]:
    """Pairs made and total score of the dense problem on the ``allowed`` pairs only."""
    restricted = mm.MatchProblem(problem.scores, demand=problem.demand,
                                 capacity=problem.capacity, allowed=allowed,
                                 locked=problem.locked, min_load=problem.min_load)
    a = mm.solve(restricted, "flow")
    return int(a.mentee_idx.size), float(problem.scores[a.mentee_idx, a.mentor_idx].sum())


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 3),
       profile=st.sampled_from(["university", "national"]),
       min_score=st.sampled_from([None, 0.45]))
def test_every_pair_pricing_leaves_out_cannot_improve_the_optimum(seed, k, profile, min_score):
    # Each round, the rows pricing returns no pair for are claimed proved: then
    # giving the solver every admissible pair of those rows at once (on top of the
    # candidates) must leave the dense optimum where the candidates' optimum is.
    c = make_cohort(40, 30, seed=seed, profile=profile)
    dense = build_problem(c, mm.scoring.default_scorer().score(c), min_score=min_score)
    improving_pairs = pricing._improving_pairs
    checked: list[int] = []

    def checking(scanner: Any, rows: np.ndarray, pool: Any, pool_size: int, candidates: Any,
                 prices: Any, proof: Any, per_row: int) -> Any:
        out = improving_pairs(scanner, rows, pool, pool_size, candidates, prices, proof,
                              per_row)
        e, r, _ = candidates.arrays()
        inside = np.zeros(dense.shape, dtype=bool)
        inside[e, r] = True
        quiet = np.ones(dense.shape[0], dtype=bool)
        quiet[out[1].mentee] = False
        now = _dense_optimum(dense, dense.allowed & inside)
        wider = _dense_optimum(dense, dense.allowed & (inside | quiet[:, None]))
        assert wider[0] == now[0]
        assert wider[1] <= now[1] + 1e-9
        # Every pair it returns does beat the duals, and is not a candidate yet.
        gain = out[1].score - prices.mentee[out[1].mentee] - prices.mentor[out[1].mentor]
        assert (gain > prices.tolerance).all()
        assert not inside[out[1].mentee, out[1].mentor].any()
        checked.append(int(quiet.sum()))
        return out

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pricing, "_improving_pairs", checking)
        r = match_candidates(c, "flow", k=k, min_score=min_score, price_sample=None)
    assert checked  # pricing ran, and was checked every round
    if r.provenance.solver_info["candidates"]["certified"]:
        assert checked[-1] == len(c.mentees)
