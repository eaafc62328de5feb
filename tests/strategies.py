"""Hypothesis strategies for small random matching problems."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import mentormatch as mm


@st.composite
def problems(draw: st.DrawFn, max_mentees: int = 4, max_mentors: int = 4, max_demand: int = 2,
             max_capacity: int = 2, ties: bool = True, locks: bool = True) -> mm.MatchProblem:
    """Small problems with ties, forbidden pairs, zero capacities and feasible locks."""
    n_e = draw(st.integers(1, max_mentees))
    n_r = draw(st.integers(1, max_mentors))
    if ties:
        values = st.integers(-2, 6).map(float)
    else:
        values = st.floats(-1, 1, allow_nan=False, allow_infinity=False)
    scores = np.array(draw(st.lists(values, min_size=n_e * n_r, max_size=n_e * n_r)))
    scores = scores.reshape(n_e, n_r)
    demand = np.array(draw(st.lists(st.integers(0, max_demand), min_size=n_e, max_size=n_e)))
    capacity = np.array(draw(st.lists(st.integers(0, max_capacity), min_size=n_r,
                                      max_size=n_r)))
    allowed = np.array(draw(st.lists(st.booleans(), min_size=n_e * n_r, max_size=n_e * n_r)))
    allowed = allowed.reshape(n_e, n_r) | (draw(st.floats(0, 1)) < 0.5)
    locked: list[tuple[int, int]] = []
    if locks:
        d_left, c_left = demand.copy(), capacity.copy()
        for i in range(n_e):
            for j in range(n_r):
                if allowed[i, j] and d_left[i] and c_left[j] and draw(st.integers(0, 9)) == 0:
                    locked.append((i, j))
                    d_left[i] -= 1
                    c_left[j] -= 1
    return mm.MatchProblem(scores=scores, demand=demand, capacity=capacity, allowed=allowed,
                           locked=np.array(locked, dtype=np.int64).reshape(-1, 2))


@st.composite
def min_load_problems(draw: st.DrawFn, max_demand: int = 2) -> mm.MatchProblem:
    """Brute-force-sized :func:`problems` with a minimum load per mentor (up to capacity)."""
    p = draw(problems(max_mentees=4, max_mentors=3, max_demand=max_demand, max_capacity=3))
    min_load = np.array([draw(st.integers(0, int(c))) for c in p.capacity.tolist()])
    return mm.MatchProblem(scores=p.scores, demand=p.demand, capacity=p.capacity,
                           allowed=p.allowed, locked=p.locked, min_load=min_load)
