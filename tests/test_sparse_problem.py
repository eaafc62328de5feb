"""Sparse problems at the array level: scipy.sparse scores and edge lists, never densified."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

import mentormatch as mm
from mentormatch.errors import InvalidProblemError, UnsupportedProblemError
from mentormatch.problem import CandidateProblem
from strategies import problems

EDGE_SOLVERS = [("flow", {}), ("flow", {"objective": "score"}), ("greedy", {}),
                ("stable", {}), ("stable", {"proposing": "mentors"}), ("ilp", {})]


def sparse_form(p: mm.MatchProblem) -> CandidateProblem:
    e, r = np.nonzero(p.allowed)
    scores = sparse.coo_array((p.scores[e, r], (e, r)), shape=p.shape)
    prefs = sparse.coo_array((p.mentor_prefs[e, r], (e, r)), shape=p.shape)
    out = mm.MatchProblem(scores=scores, demand=p.demand, capacity=p.capacity,
                          locked=p.locked, mentor_prefs=prefs)
    assert isinstance(out, CandidateProblem)
    return out


def pairs(a: mm.Assignment) -> list[tuple[int, int]]:
    return sorted(zip(a.mentee_idx.tolist(), a.mentor_idx.tolist(), strict=True))


@settings(max_examples=150)
@given(problems(max_mentees=5, max_mentors=5, max_demand=2, max_capacity=3),
       st.sampled_from(EDGE_SOLVERS))
def test_sparse_and_dense_forms_give_the_same_answers(problem: mm.MatchProblem,
                                                       how: tuple[str, dict[str, str]]) -> None:
    solver, options = how
    dense = mm.solve(problem, solver=solver, **options)
    thin = mm.solve(sparse_form(problem), solver=solver, **options)
    assert pairs(dense) == pairs(thin)
    assert thin.objective == pytest.approx(dense.objective)


def test_edge_list_constructor_and_explicit_zeros() -> None:
    p = mm.MatchProblem.from_edges(3, 2, [0, 1, 2], [1, 0, 0], [0.0, 0.5, 0.7], capacity=[1, 2])
    assert isinstance(p, CandidateProblem) and p.n_edges == 3
    a = mm.solve(p, solver="flow")
    assert pairs(a) == [(0, 1), (2, 0)]  # the explicit zero is an admissible pair
    q = mm.MatchProblem(scores=sparse.csr_array(([0.0], ([0], [1])), shape=(1, 2)))
    assert isinstance(q, CandidateProblem) and q.edges().mentor.tolist() == [1]


def test_dense_only_solvers_are_refused_a_sparse_problem() -> None:
    p = mm.MatchProblem(scores=sparse.csr_array(np.array([[1.0, 0.5], [0.2, 0.9]])))
    with pytest.raises(UnsupportedProblemError, match="candidate"):
        mm.solve(p, solver="hungarian")


def test_sparse_arguments_that_do_not_apply_are_refused() -> None:
    s = sparse.csr_array(np.eye(2))
    with pytest.raises(InvalidProblemError, match="allowed"):
        mm.MatchProblem(scores=s, allowed=np.ones((2, 2), dtype=bool))
    with pytest.raises(InvalidProblemError, match="mentee_prefs"):
        mm.MatchProblem(scores=s, mentee_prefs=s)
    with pytest.raises(InvalidProblemError, match="same pairs"):
        mm.MatchProblem(scores=s, mentor_prefs=sparse.csr_array(np.ones((2, 2))))
    with pytest.raises(InvalidProblemError, match="finite"):
        mm.MatchProblem(scores=sparse.csr_array(np.array([[np.nan, 1.0]])))


def test_a_large_sparse_problem_is_never_densified() -> None:
    rng = np.random.default_rng(0)
    n_e, n_r, k = 20_000, 4_000, 5
    e = np.repeat(np.arange(n_e), k)
    r = rng.integers(0, n_r, e.size)
    keys = np.unique(e * n_r + r)
    s = sparse.csr_array((rng.random(keys.size), (keys // n_r, keys % n_r)), shape=(n_e, n_r))
    p = mm.MatchProblem(scores=s, capacity=30)
    a = mm.solve(p, solver="stable")
    assert a.n_pairs == n_e  # 80 M pairs dense; solved from ~100 k edges


@pytest.mark.parametrize(("build", "match"), [
    # a fractional index was truncated to a different person (0.7 -> mentee 0)
    (lambda: mm.MatchProblem.from_edges(2, 2, [0.7], [1], [1.0]), r"mentee\[0\] .*0\.7"),
    (lambda: mm.MatchProblem.from_edges(2, 2, ["a"], [1], [1.0]), "whole numbers"),
    (lambda: mm.MatchProblem.from_edges(2, 2, [0], [0], ["x"]), "real numbers"),
    (lambda: mm.MatchProblem.from_edges(-1, 2, [], [], []), "n_mentees"),
    # beyond the dense form's score limit, sums overflowed to inf
    (lambda: mm.MatchProblem.from_edges(2, 2, [0, 1], [0, 1], [1e308, 1e308]), r"\+-1e\+15"),
    (lambda: mm.MatchProblem(scores=sparse.csr_array(np.array([[1e308, 0.0]]))), "1e\\+15"),
    # complex entries lost their imaginary part with only a numpy warning
    (lambda: mm.MatchProblem(scores=sparse.csr_array(np.array([[1 + 1j, 0]]))), "complex"),
    (lambda: mm.MatchProblem(scores=sparse.coo_array(([1.0, 2.0], ([0, 0], [0, 0])),
                                                     shape=(1, 2))), "sum_duplicates"),
    # whole numbers beyond int64 wrapped to other (negative) indices
    (lambda: mm.MatchProblem.from_edges(2, 2, np.array([2**63], dtype=np.uint64), [0], [1.0]),
     r"mentee\[0\] must be a whole index below"),
    (lambda: mm.MatchProblem.from_edges(2, 2, [1e20], [0], [1.0]), "below 2\\*\\*63"),
    # a masked array's hidden entries were used as they are
    (lambda: mm.MatchProblem.from_edges(2, 2, [0, 1], [0, 1],
                                        np.ma.masked_array([1.0, 9.0], mask=[False, True])),
     "masked array"),
])
def test_bad_edge_input_is_refused_with_a_typed_error(build: object, match: str) -> None:
    with pytest.raises(InvalidProblemError, match=match):
        build()  # type: ignore[operator]


@pytest.mark.parametrize(("build", "match"), [
    # booleans were read as scores 0 and 1, while boolean indices were refused
    (lambda: mm.MatchProblem.from_edges(2, 2, [0], [1], [True]), "score must hold real"),
    (lambda: mm.MatchProblem.from_edges(2, 2, [0], [1], [1.0], mentor_pref=[False]),
     "mentor_pref must hold real numbers .* got dtype 'bool'"),
    (lambda: mm.MatchProblem(scores=np.ones((2, 2), dtype=bool)),
     "scores must hold real numbers .* got dtype 'bool'"),
    (lambda: mm.MatchProblem(scores=sparse.csr_array(np.ones((2, 2), dtype=bool))),
     "scores must hold real numbers .* got dtype 'bool'"),
    (lambda: mm.MatchProblem(scores=np.ones((2, 2)), mentee_prefs=np.ones((2, 2), dtype=bool)),
     "mentee_prefs must hold real numbers"),
])
def test_boolean_scores_are_refused_like_boolean_indices(build: object, match: str) -> None:
    with pytest.raises(InvalidProblemError, match=match):
        build()  # type: ignore[operator]


def test_a_bad_candidate_value_is_named_by_its_position() -> None:
    # the edge form shares the dense form's one check of finite values within the limit
    with pytest.raises(InvalidProblemError,
                       match=r"score must be finite; candidate 1 is nan \(1 bad in all\)"):
        mm.MatchProblem.from_edges(2, 2, [0, 1], [0, 1], [1.0, np.nan])
    with pytest.raises(InvalidProblemError,
                       match=r"mentor_pref must lie within \+-1e\+15; candidate 0 is 1e\+16"):
        mm.MatchProblem.from_edges(2, 2, [0], [0], [1.0], mentor_pref=[1e16])
    with pytest.raises(InvalidProblemError, match=r"scores must be finite; entry \(0, 1\)"):
        mm.MatchProblem(scores=[[1.0, np.inf]])
