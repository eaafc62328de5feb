"""Sparse candidate scoring and the certified pruned optimum."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.errors import ConstraintConflictError, InvalidInputError, InvalidProblemError
from mentormatch.large import build_candidates
from mentormatch.problem._candidate_problem import CandidateProblem
from mentormatch.scoring import (
    AttributeScorer,
    BlockScorer,
    ConcordanceScorer,
    TopicScorer,
    WeightedScorer,
    default_scorer,
    pair_reasons,
)
from mentormatch.synthetic import make_cohort


def _cohort(seed, n_e=40, n_r=15, profile="university", **kw):
    base = make_cohort(n_e, n_r, seed=seed, profile=profile, concordance_rate=0.4,
                       genders=("woman", "man", None), gender_probs=(0.4, 0.4, 0.2), **kw)
    rng = np.random.default_rng(seed)
    # A few director constraints on top of the supervisor relations.
    forbidden, locked = set(), []
    excluded = base.excluded_pairs()
    for _ in range(3):
        e = base.mentee_ids[int(rng.integers(n_e))]
        r = base.mentor_ids[int(rng.integers(n_r))]
        if (e, r) not in excluded:
            forbidden.add((e, r))
    e, r = base.mentee_ids[0], base.mentor_ids[-1]
    if (e, r) not in excluded and (e, r) not in forbidden:
        locked.append((e, r))
    return mm.Cohort(mentees=base.mentees, mentors=base.mentors, forbidden=sorted(forbidden),
                     locked=locked)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), profile=st.sampled_from(["pilot", "university"]))
def test_block_scores_equal_dense_scores(seed, profile):
    c = _cohort(seed, 25, 12, profile)
    dense = default_scorer().score(c)
    bs = BlockScorer(c)
    assert np.allclose(bs.block(np.arange(25)), dense.mentee_scores, atol=1e-12)
    assert np.allclose(bs.block([3, 7]), dense.mentee_scores[[3, 7]], atol=1e-12)
    e, r = np.nonzero(np.ones((25, 12), dtype=bool))
    mentee_view, mentor_view = bs.pair_values(e, r)
    assert np.allclose(mentee_view, dense.mentee_scores[e, r], atol=1e-12)
    assert np.allclose(mentor_view, dense.mentor_scores[e, r], atol=1e-12)


def test_weighted_compositions_of_builtins_and_custom_scorers():
    c = _cohort(3)
    scorer = WeightedScorer([(TopicScorer(), 2.0), (AttributeScorer("division"), 1.0),
                             (WeightedScorer([(ConcordanceScorer(), 1.0)]), 1.0)])
    assert np.allclose(BlockScorer(c, scorer).block(np.arange(40)),
                       scorer.score(c).mentee_scores, atol=1e-12)

    class Custom:
        def score(self, cohort):  # pragma: no cover - never called
            raise AssertionError

    with pytest.raises(InvalidInputError, match="built-in scorers"):
        BlockScorer(c, Custom())


def _dense_reference(c, k):
    """Top-k admissible mentors per mentee from the dense matrix, ties to the lower index."""
    p = mm.encode.build_problem(c, default_scorer().score(c))
    ok = p.allowed & (p.capacity > 0)[None, :]
    out = {}
    for i in range(p.n_mentees):
        cols = np.flatnonzero(ok[i])
        order = np.lexsort((cols, -np.round(p.scores[i, cols], 9)))
        out[i] = (cols[order[:k]], p.scores[i], cols[order[k:]])
    return p, out


@pytest.mark.parametrize("k", [1, 3, 8])
def test_candidates_are_the_k_best_and_bound_covers_the_rest(k):
    c = _cohort(11)
    p, ref = _dense_reference(c, k)
    cand = build_candidates(c, k=k, block_bytes=15 * 24 * 3)  # several blocks
    edges = cand.edges()
    locked = {tuple(x) for x in cand.locked.tolist()}
    for i in range(cand.n_mentees):
        mine = set(edges.mentor[edges.mentee == i].tolist())
        best, row, rest = ref[i]
        assert set(best.tolist()) <= mine
        assert mine - set(best.tolist()) <= {j for (e, j) in locked if e == i}
        if rest.size:
            assert row[rest].max() <= cand.bound[i] + 1e-12
        else:
            assert cand.bound[i] == -np.inf
    excluded = c.excluded_pairs()
    ids = [(c.mentee_ids[i], c.mentor_ids[j]) for i, j in zip(edges.mentee, edges.mentor)]
    assert not any(pair in excluded for pair in ids)
    assert locked <= set(zip(edges.mentee.tolist(), edges.mentor.tolist()))
    assert np.allclose(edges.score, p.scores[edges.mentee, edges.mentor], atol=1e-12)


def test_integer_valued_ties_break_by_mentor_index():
    mentors = [mm.Mentor(id=f"r{j}", topics=["a"]) for j in range(6)]
    mentees = [mm.Mentee(id="e0", topics=["a"])]
    cand = build_candidates(mm.Cohort(mentees=mentees, mentors=mentors), k=3)
    assert cand.edges().mentor.tolist() == [0, 1, 2]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [1, 2, 6])
def test_pruned_certified_equals_dense_optimum(seed, k):
    c = _cohort(seed, 40, 12, "university" if seed % 2 else "pilot")
    dense = mm.match(c, solver="flow")
    sparse = mm.match(c, solver="flow", candidates=k)
    info = sparse.provenance.solver_info["candidates"]
    assert info["certified"] is True
    assert sparse.metrics.mentees_matched == dense.metrics.mentees_matched
    assert sparse.metrics.n_pairs == dense.metrics.n_pairs
    assert sparse.metrics.total_score == pytest.approx(dense.metrics.total_score, abs=1e-9)
    assert {(p.mentee, p.mentor) for p in sparse.pairs if p.locked} == set(c.locked)


def test_too_small_k_grows_until_certified():
    grown = []
    for seed in range(4):
        c = _cohort(seed, 60, 15, "university")
        r = mm.match(c, solver="flow", candidates=1)
        info = r.provenance.solver_info["candidates"]
        assert info["certified"] is True
        grown.append(info["rounds"] > 1 and sum(info["added"]) > 0)
        assert r.metrics.total_score == pytest.approx(
            mm.match(c, solver="flow").metrics.total_score, abs=1e-9)
    assert any(grown)


def test_reasons_and_scores_equal_the_dense_result():
    c = _cohort(5)
    dense = default_scorer().score(c)
    r = mm.match(c, solver="flow", candidates=4)
    pos_e = {x: i for i, x in enumerate(c.mentee_ids)}
    pos_r = {x: j for j, x in enumerate(c.mentor_ids)}
    for pair in r.pairs:
        i, j = pos_e[pair.mentee], pos_r[pair.mentor]
        base = dense.reasons(i, j)  # then what the mentor adds to the mentee's others
        assert pair.reasons[:len(base)] == base
        assert all(r.startswith("adds ") for r in pair.reasons[len(base):])
        assert pair.score == pytest.approx(dense.mentee_scores[i, j], abs=1e-12)
    e = np.array([0, 1, 2]), np.array([0, 5, 9])
    assert pair_reasons(c, default_scorer(), *e) == [dense.reasons(i, j) for i, j in zip(*e)]


def test_sparse_problem_works_with_checks_and_edge_solvers_not_dense_ones():
    c = _cohort(9)
    cand = build_candidates(c, k=3)
    a = mm.solve(cand, solver="flow")
    assert mm.check(a, cand).ok  # type: ignore[arg-type]
    b = mm.Assignment.from_pairs(cand, [0], [int(cand.edges().mentor[0])], solver="manual")  # type: ignore[arg-type]
    assert np.isfinite(b.objective)
    for name in ("greedy", "stable"):
        assert mm.check(mm.solve(cand, solver=name), cand).ok  # type: ignore[arg-type]
    with pytest.raises(InvalidProblemError, match="sparse.*edge-based solver"):
        mm.solve(cand, solver="hungarian")
    with pytest.raises(InvalidProblemError):
        mm.match(c, solver="hungarian", candidates=3)
    result = mm.match(c, solver="greedy", candidates=3)
    assert result.provenance.solver_info["candidates"]["certified"] is None


def test_candidate_problem_validation():
    with pytest.raises(InvalidProblemError, match="listed twice"):
        CandidateProblem(2, 2, [0, 0], [1, 1], [0.5, 0.5])
    with pytest.raises(InvalidProblemError, match="out of range"):
        CandidateProblem(2, 2, [0], [2], [0.5])
    with pytest.raises(ConstraintConflictError, match="not a candidate"):
        CandidateProblem(2, 2, [0], [1], [0.5], locked=[[1, 1]])
    with pytest.raises(InvalidInputError, match="candidates must be"):
        mm.match(_cohort(1), solver="flow", candidates=0)
    p = CandidateProblem(2, 2, [1, 0], [0, 1], [0.25, 0.5])
    assert p.pair_scores([0, 1, 0], [1, 0, 0]).tolist()[:2] == [0.5, 0.25]
    assert np.isnan(p.pair_scores([0], [0])[0])
    with pytest.raises(AttributeError):
        p.demand = 3  # type: ignore[assignment]
