"""Scores on a small grid: the multiplier that makes them exact integers."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["grid_multiplier"]

#: Multipliers that make "grid" scores (multiples of 1/2, 1/3, ..., 1/16) integers.
_GRID = (1, 2, 6, 12, 60, 420, 840, 2520, 27720, 360360, 720720)


def grid_multiplier(scores: NDArray[np.float64], limit: float) -> float | None:
    """Return the smallest multiplier in ``_GRID`` making every score an integer, if any."""
    spread = float(np.abs(scores).max(initial=0.0))
    for multiplier in _GRID:
        if multiplier * spread > limit:
            return None
        scaled = scores * multiplier
        if np.abs(scaled - np.rint(scaled)).max(initial=0.0) <= 1e-7:
            return float(multiplier)
    return None
