"""Pricing's rescoring pass (``Scanner.violators``) against the dense score matrix."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

import mentormatch.large._scanner as scanner_module
from mentormatch.large._candidates import _start
from mentormatch.large._scanner import CandidateSet, ImprovingPairs, Scanner
from mentormatch.synthetic import make_cohort

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_N_E, _N_R = 150, 40
_TOL = 1e-9
_PER_ROW = 2


def _scanner() -> Scanner:
    cohort = make_cohort(_N_E, _N_R, seed=3, profile="national")
    # Every topic weight is 1.0, so the topic fit's matrix product sums small integers,
    # exact in any order: the bit-for-bit comparison below holds under any BLAS and any
    # block width. Fractional weights would make it hold only up to rounding.
    assert {w for p in (*cohort.mentees, *cohort.mentors) for w in p.topics.values()} == {1.0}
    build = _start(cohort, None, 3, None, 1 << 20, False, select=False)
    return build.setup.scanner(0)


_SCANNER = _scanner()
_SCORES = np.full((_N_E, _N_R), -np.inf)
_SCORES[:, _SCANNER.scorer.perm] = np.vstack(
    [_SCANNER.scores(np.arange(lo, min(lo + 32, _N_E))) for lo in range(0, _N_E, 32)])


class _Pass(NamedTuple):
    found: ImprovingPairs
    rows: IntArray
    mentors: IntArray  # the mentors looked at
    outside: NDArray[np.bool_]  # dense: not a candidate
    gain: FloatArray  # dense, computed as the pass does


def _pass(seed: int, width: int, widest: int, monkeypatch: pytest.MonkeyPatch) -> _Pass:
    rng = np.random.default_rng(seed)
    mentee_dual = rng.uniform(0.0, 0.6, _N_E)
    mentee_dual[rng.random(_N_E) < 0.1] = np.inf
    mentor_dual = rng.uniform(0.0, 0.4, _N_R)
    mentor_dual[rng.random(_N_R) < 0.1] = np.inf
    gain = (_SCORES - mentor_dual[None, :]) - mentee_dual[:, None]
    # Candidates meet the duals (as an optimum's unused pairs do).
    taken = (rng.random((_N_E, _N_R)) < 0.2) & (gain <= _TOL)
    candidates = CandidateSet(_N_R)
    mentee, mentor = np.nonzero(taken)
    candidates.add(mentee.astype(np.int64), mentor.astype(np.int64), _SCORES[taken])
    perm = _SCANNER.scorer.perm
    columns = None if width >= _N_R else np.sort(rng.choice(_N_R, width, replace=False))
    rows = np.sort(rng.choice(_N_E, 120, replace=False)).astype(np.int64)
    monkeypatch.setattr(scanner_module, "_WIDEST", widest)
    found = _SCANNER.violators(rows, candidates, mentee_dual, mentor_dual, _TOL, _PER_ROW,
                               columns=columns)
    mentors = perm if columns is None else perm[columns]
    return _Pass(found, rows, mentors, ~taken, gain)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), width=st.sampled_from([1, 3, 8, 40]))
def test_rescoring_finds_each_rows_best_improving_pairs(seed: int, width: int) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        wide = _pass(seed, width, 32, monkeypatch)
        narrow = _pass(seed, width, 1, monkeypatch)
    # Wide blocks and blocks of 32 rows find the same pairs, bit for bit.
    for ours, theirs in zip(wide.found, narrow.found, strict=True):
        np.testing.assert_array_equal(np.sort(ours), np.sort(theirs))
    found, gain = wide.found, wide.gain
    for i, j, s, g in zip(*found, strict=True):
        assert s == _SCORES[i, j] and g == gain[i, j] and g > _TOL and wide.outside[i, j]
        assert j in wide.mentors
    for i in wide.rows.tolist():
        improving = np.sort([gain[i, j] for j in wide.mentors.tolist()
                             if gain[i, j] > _TOL and wide.outside[i, j]])
        got = np.sort(gain[i, found.mentor[found.mentee == i]])
        best = min(improving.size, _PER_ROW)
        assert got.size >= best
        np.testing.assert_array_equal(got[got.size - best:], improving[improving.size - best:])
