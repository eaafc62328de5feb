"""grid_multiplier: trying a sample of the scores first never changes the multiplier."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mentormatch.solvers._grid import _GRID, grid_multiplier


def every_score_checked(scores: np.ndarray, limit: float) -> float | None:
    """The definition: the first multiplier within ``limit`` that makes every score an integer."""
    spread = float(np.abs(scores).max(initial=0.0))
    for multiplier in _GRID:
        if multiplier * spread > limit:
            return None
        scaled = scores * multiplier
        if np.abs(scaled - np.rint(scaled)).max(initial=0.0) <= 1e-7:
            return float(multiplier)
    return None


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([1, 2, 3, 4, 5, 7, 12, 16, 60]), st.integers(0, 3000),
       st.lists(st.tuples(st.integers(0, 2999), st.floats(-50, 50, allow_nan=False)),
                max_size=3),
       st.sampled_from([10.0, 1e6, 1e12]), st.integers(0, 2 ** 32 - 1))
def test_the_sample_never_changes_the_multiplier(denominator: int, size: int,
                                                 off_grid: list[tuple[int, float]],
                                                 limit: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    scores = rng.integers(-40, 41, size) / denominator
    for at, value in off_grid:  # often past the sample: only the full check sees them
        if at < size:
            scores[at] = value
    assert grid_multiplier(scores, limit) == every_score_checked(scores, limit)


def test_an_off_grid_score_past_the_sample_is_seen() -> None:
    scores = np.full(5000, 0.25)
    scores[4000] = 0.3
    assert grid_multiplier(scores, 1e9) == 60.0
    scores[4000] = 1 / 7
    assert grid_multiplier(scores, 1e9) == 420.0  # quarters and sevenths: 28 divides 420
