"""Scores on a small grid: the multiplier that makes them exact integers."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["grid_multiplier"]

#: Multipliers that make "grid" scores (multiples of 1/2, 1/3, ..., 1/16) integers.
_GRID = (1, 2, 6, 12, 60, 420, 840, 2520, 27720, 360360, 720720)

#: Scores tried first: a multiplier that fails on them fails on every score, so the
#: whole array is scaled only by multipliers the sample passes.
_SAMPLE = 1024


def grid_multiplier(scores: NDArray[np.float64], limit: float) -> float | None:
    """Return the smallest multiplier in ``_GRID`` making every score an integer, if any."""
    spread = float(np.abs(scores).max(initial=0.0))
    sample = scores.ravel()[:_SAMPLE]
    for multiplier in _GRID:
        if multiplier * spread > limit:
            return None
        if _integral(sample * multiplier) and _integral(scores * multiplier):
            return float(multiplier)
    return None


def _integral(scaled: NDArray[np.float64]) -> bool:
    return bool(np.abs(scaled - np.rint(scaled)).max(initial=0.0) <= 1e-7)
