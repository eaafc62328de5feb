"""mm.match picks the large-cohort path by itself when the dense problem would not fit."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.errors import InvalidInputError, ProblemTooLargeError
from mentormatch.synthetic import make_cohort

TINY = 1000  # bytes: every cohort here is over it


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(8, 60), st.integers(3, 15),
       st.sampled_from(["university", "national"]))
def test_the_switch_finds_the_dense_optimum(seed: int, n_e: int, n_r: int,
                                            profile: str) -> None:
    cohort = make_cohort(n_e, n_r, seed=seed, profile=profile)
    dense = mm.match(cohort, solver="flow")
    switched = mm.match(cohort, solver="flow", memory_budget=TINY)
    assert dense.provenance.path == "dense"
    assert switched.provenance.path == "candidates"
    assert switched.provenance.solver_info["candidates"]["certified"] is True
    assert switched.metrics.mentees_matched == dense.metrics.mentees_matched
    assert switched.metrics.n_pairs == dense.metrics.n_pairs
    assert switched.metrics.total_score == pytest.approx(dense.metrics.total_score, abs=1e-9)


def test_the_switch_is_noted_and_recorded() -> None:
    cohort = make_cohort(30, 8, seed=1, profile="national")
    result = mm.match(cohort, memory_budget=TINY)
    assert result.provenance.path == "candidates"
    assert "memory budget" in result.provenance.path_why
    assert result.provenance.solver == "flow"
    assert any("would exceed the memory budget" in note and "candidates=k" in note
               for note in result.notes)
    assert result.provenance.solver_info["candidates"]["k_initial"] == 10
    fits = mm.match(cohort)
    assert fits.provenance.path == "dense" and "fits the memory budget" in fits.provenance.path_why
    asked = mm.match(cohort, candidates=4)
    assert asked.provenance.path == "candidates"
    assert asked.provenance.path_why == "asked for (candidates=4)"
    unlimited = mm.match(cohort, solver="flow", memory_budget=None)
    assert unlimited.provenance.path == "dense"


@pytest.mark.parametrize(("kwargs", "names"), [
    ({"solver": "hungarian"}, "solver 'hungarian'"),
    ({"objective": "coverage"}, "the coverage objective"),
    ({"priority": "newcomer"}, "priority="),
])
def test_a_dense_only_request_over_budget_is_a_typed_error(kwargs: dict[str, Any],
                                                           names: str) -> None:
    cohort = make_cohort(20, 6, seed=2, profile="national")
    with pytest.raises(ProblemTooLargeError, match=names) as info:
        mm.match(cohort, memory_budget=TINY, **kwargs)
    assert "candidates=k" in str(info.value) and isinstance(info.value, MemoryError)
    assert info.value.budget_bytes == TINY and info.value.needed_bytes > TINY


def test_running_out_of_memory_is_a_typed_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import mentormatch.matching._match as match_module

    def no_memory(*args: object, **kwargs: object) -> None:
        raise MemoryError("Unable to allocate 610. MiB")

    monkeypatch.setattr(match_module, "build_problem", no_memory)
    with pytest.raises(ProblemTooLargeError, match="memory ran out") as info:
        mm.match(make_cohort(10, 4, seed=3))
    assert "candidates=k" in str(info.value) and info.value.budget_bytes is None


@pytest.mark.parametrize("bad", [0, -5, "2GB", True])
def test_memory_budget_is_checked(bad: object) -> None:
    with pytest.raises(InvalidInputError, match="memory_budget"):
        mm.match(mm.example_cohort(), memory_budget=bad)  # type: ignore[arg-type]
