"""A pool pass's top columns: exactly what a stable sort keeps, on rows of heavy ties."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mentormatch.large._scanner import _GROUP, _top_columns

#: Row widths: too narrow to group, grouped exactly, grouped with columns left over.
_WIDTHS = [1, 7, 40, 4 * _GROUP * 6, 4 * _GROUP * 9 + 5, 2053]


@st.composite
def tied_blocks(draw: st.DrawFn) -> tuple[np.ndarray, int]:
    """A block of keys on a few levels (or spread by a jitter), some -inf, and a ``m``
    at, just below or just above a row's level boundary, or past its finite keys."""
    seed = draw(st.integers(0, 2**32 - 1))
    n = draw(st.sampled_from(_WIDTHS))
    rows = draw(st.integers(1, 6))
    levels = draw(st.sampled_from([1, 2, 3, 7, 93]))
    rng = np.random.default_rng(seed)
    key = np.floor(rng.random((rows, n)) * levels)
    if draw(st.booleans()):
        # As a pool pass's key: the level, less a jitter far below the steps.
        key -= 1e-7 * rng.random((rows, n))
    key[rng.random((rows, n)) < draw(st.sampled_from([0.0, 0.3, 0.95, 1.0]))] = -np.inf
    row = np.sort(key[0])[::-1]
    how = draw(st.sampled_from(["boundary", "small", "finite", "any"]))
    if how == "boundary":
        # Where a level ends in the first row, give or take one.
        level = row[min(draw(st.integers(0, n - 1)), n - 1)]
        m = int((row >= level).sum()) + draw(st.integers(-1, 1))
    elif how == "small":
        m = draw(st.integers(1, 8))
    elif how == "finite":
        m = int(np.isfinite(row).sum()) + draw(st.integers(0, 2))
    else:
        m = draw(st.integers(1, n))
    return key, int(np.clip(m, 1, n))


@settings(max_examples=300, deadline=None)
@given(tied_blocks())
def test_top_columns_are_a_stable_sorts_first_columns(block: tuple[np.ndarray, int]) -> None:
    # Same columns in the same order: equal keys, -inf ones too, go to the lowest
    # column, so a boundary level split the wrong way shows.
    key, m = block
    expected = np.argsort(-key, axis=1, kind="stable")[:, :m]
    np.testing.assert_array_equal(_top_columns(key, m), expected)


def test_equal_group_maxima_at_the_boundary_keep_the_lowest_columns() -> None:
    # Every group's maximum is the boundary value: the selection among groups is
    # arbitrary, the kept columns must not be.
    n, m = 4 * _GROUP * 8, 8
    key = np.zeros((2, n))
    key[1, ::3] = 1.0
    expected = np.argsort(-key, axis=1, kind="stable")[:, :m]
    np.testing.assert_array_equal(_top_columns(key, m), expected)
    assert expected[0].tolist() == list(range(m))


def test_a_non_contiguous_block_is_read_in_place() -> None:
    # The grouped stage reads the key through a strided view: a column slice of a
    # wider array (its rows further apart) must give the same columns.
    rng = np.random.default_rng(3)
    wide = np.floor(rng.random((5, 3000)) * 4) - 1e-7 * rng.random((5, 3000))
    key = wide[:, 100:2900]
    np.testing.assert_array_equal(_top_columns(key, 6),
                                  np.argsort(-key, axis=1, kind="stable")[:, :6])
