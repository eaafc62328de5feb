"""The vectorised explain and setup paths give exactly what the per-pair paths give.

Reasons for many pairs at once (``explain_pairs`` / ``rank_reasons``) and the
faster ``BlockScorer`` set-up helpers are checked against the per-pair
reference: ``ScoreTable.reasons`` on the dense table, the sub-cohort path
(``_pair_reasons_by_block``), and the former set-up formulas written out here.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
import mentormatch.large._candidates as candidates_module
from mentormatch import Cohort, Mentee, Mentor
from mentormatch.scoring import (
    AttributeScorer,
    BlockScorer,
    ConcordanceScorer,
    ModalityScorer,
    ScoreTable,
    TopicMatrices,
    TopicScorer,
    TypeScorer,
    WeightedScorer,
    default_scorer,
    explain_pairs,
    pair_reasons,
)
from mentormatch.scoring import reasons_by_sub_cohorts as _pair_reasons_by_block
from mentormatch.scoring._base import rank_reasons
from mentormatch.scoring._coded import codes as _codes
from mentormatch.scoring._coded import set_match_criterion
from mentormatch.scoring._coded import value_keys as _value_keys
from mentormatch.synthetic import make_cohort
from mentormatch.topics import topic_index


def _set_criterion(cohort, attr, name, weight):
    """The set-match kernel's codes and table (its reasons are not read here)."""
    return set_match_criterion(cohort, attr, name, lambda mentee, mentor: None)


# Values no reason may ever show (sensitive attributes).
GENDERS = ("gz-alpha", "gz-beta", None)
BACKGROUNDS = ("bz-one", "bz-two", None)


def _cohort(n_e, n_r, seed, profile):
    return make_cohort(n_e, n_r, seed=seed, profile=profile, concordance_rate=0.4,
                       genders=GENDERS, gender_probs=(0.45, 0.45, 0.1))


def _weighted_topics_cohort(seed):
    """Non-dyadic topic weights, empty sets, unknown values, both concordances."""
    rng = np.random.default_rng(seed)
    topics = [f"topic {k}" for k in range(9)]
    types = ["one_to_one", "group", "peer", "task_focused"]
    modes = ["in_person", "online", "phone"]
    sites = ["north", "south", None]

    def pick(items, most):
        n = int(rng.integers(0, most + 1))
        return [items[k] for k in rng.choice(len(items), size=n, replace=False)]

    mentees = [Mentee(id=f"e{i}", topics={t: float(rng.choice([0.1, 0.3, 0.7, 1.0, 2.5]))
                                          for t in pick(topics, 4)},
                      types=pick(types, 2), modalities=pick(modes, 2),
                      site=sites[int(rng.integers(3))],
                      career_stage=[None, "early", "mid"][int(rng.integers(3))],
                      gender=GENDERS[int(rng.integers(3))],
                      background=BACKGROUNDS[int(rng.integers(3))],
                      concordance=pick(["gender", "background"], 2))
               for i in range(30)]
    mentors = [Mentor(id=f"r{j}", topics={t: float(rng.choice([0.2, 1.0, 3.0]))
                                          for t in pick(topics, 5)},
                      types=pick(types, 3), modalities=pick(modes, 3),
                      site=sites[int(rng.integers(3))],
                      career_stage=[None, "early", "late"][int(rng.integers(3))],
                      gender=GENDERS[int(rng.integers(3))],
                      background=BACKGROUNDS[int(rng.integers(3))], capacity=2)
               for j in range(14)]
    return Cohort(mentees=mentees, mentors=mentors)


def _all_pairs(c):
    e, r = np.nonzero(np.ones((len(c.mentees), len(c.mentors)), dtype=bool))
    return e.astype(np.int64), r.astype(np.int64)


def _some_pairs(c, seed, n=3000):
    rng = np.random.default_rng(seed)
    return (rng.integers(0, len(c.mentees), n).astype(np.int64),
            rng.integers(0, len(c.mentors), n).astype(np.int64))


def _dense_reasons(table, e, r):
    return [table.reasons(i, j) for i, j in zip(e.tolist(), r.tolist())]


NESTED = WeightedScorer([
    (TopicScorer(), 0.7),
    (WeightedScorer([(TypeScorer(), 0.3), (ModalityScorer(), 0.3),
                     (WeightedScorer([(ConcordanceScorer(), 1.0),
                                      (AttributeScorer("career_stage"), 0.1)]), 0.9)]), 1.3),
    (AttributeScorer("site"), 0.2),
    (AttributeScorer("division"), 0.0),  # weight 0: never a reason
])
SCORERS = {"default": default_scorer(), "nested": NESTED, "topics": TopicScorer(),
           "concordance": ConcordanceScorer(),
           "equal": WeightedScorer([(TopicScorer(), 1.0), (TypeScorer(), 1.0),
                                    (ModalityScorer(), 1.0), (AttributeScorer("site"), 1.0)])}


# --------------------------------------------------------------------------- reasons


@pytest.mark.parametrize("scorer_name", sorted(SCORERS))
@pytest.mark.parametrize("case", ["example", "pilot", "pilot-big", "university", "national",
                                  "weighted-0", "weighted-1"])
def test_fast_reasons_equal_dense_and_block_reasons(case, scorer_name):
    scorer = SCORERS[scorer_name]
    c = {"example": lambda: mm.example_cohort(),
         "pilot": lambda: _cohort(7, 33, 1, "pilot"),
         "pilot-big": lambda: _cohort(60, 33, 2, "pilot"),
         "university": lambda: _cohort(80, 40, 3, "university"),
         "national": lambda: _cohort(150, 60, 4, "national"),
         "weighted-0": lambda: _weighted_topics_cohort(0),
         "weighted-1": lambda: _weighted_topics_cohort(1)}[case]()
    e, r = _all_pairs(c)
    table = scorer.score(c)  # type: ignore[attr-defined]
    dense = _dense_reasons(table, e, r)
    fast = explain_pairs(scorer, c, e, r)  # type: ignore[arg-type]
    assert fast == dense
    assert all(type(why) is tuple and all(type(t) is str for t in why) for why in fast)  # type: ignore[union-attr]
    assert pair_reasons(c, scorer, e, r) == dense  # type: ignore[arg-type]
    # The sub-cohort path, on random pairs (repeats and arbitrary order).
    e2, r2 = _some_pairs(c, 7, n=500)
    assert pair_reasons(c, scorer, e2, r2) == _pair_reasons_by_block(c, scorer, e2, r2, block=37)  # type: ignore[arg-type]
    tm = TopicMatrices.of(c)
    assert explain_pairs(scorer, c, e2, r2, topic_matrices=tm) == _dense_reasons(table, e2, r2)  # type: ignore[arg-type]


def test_reasons_never_show_sensitive_values():
    c = _cohort(120, 50, 11, "university")
    e, r = _all_pairs(c)
    texts = {t for why in explain_pairs(NESTED, c, e, r) for t in why}  # type: ignore[union-attr]
    assert any("concordance asked for" in t for t in texts)
    for secret in (*GENDERS[:2], *BACKGROUNDS[:2]):
        assert not any(secret in t for t in texts)


def test_other_scorers_fall_back_to_the_per_block_path():
    class LoudTopics(TopicScorer):
        def score(self, cohort):
            table = super().score(cohort)
            (crit, w), = table.criteria
            return ScoreTable(((type(crit)(crit.name, crit.mentee_view, crit.mentor_view,
                                           lambda i, j: f"loud {i} {j}"), w),))

    c = _cohort(12, 9, 5, "pilot")
    scorer = WeightedScorer([(LoudTopics(), 1.0), (TypeScorer(), 1.0)])
    e, r = _all_pairs(c)
    assert explain_pairs(scorer, c, e, r) is None
    assert explain_pairs(LoudTopics(), c, e, r) is None
    reasons = pair_reasons(c, scorer, e, r)
    assert any("loud" in t for why in reasons for t in why)
    assert len(reasons) == e.size


def test_empty_and_mismatched_pairs():
    c = mm.example_cohort()
    assert explain_pairs(default_scorer(), c, [], []) == []
    assert pair_reasons(c, default_scorer(), np.zeros(0, np.int64), np.zeros(0, np.int64)) == []
    with pytest.raises(ValueError):
        explain_pairs(default_scorer(), c, [0, 1], [0])


def _rank_reference(values, texts):
    out = []
    for q in range(values.shape[0]):
        ranked = sorted(range(values.shape[1]), key=lambda k: -values[q, k])
        out.append(tuple(t for t in (texts[k][q] for k in ranked) if t))
    return out


@settings(max_examples=60, deadline=None)
@given(data=st.data(), n_pairs=st.integers(0, 40), n_crit=st.integers(0, 17))
def test_rank_reasons_is_a_stable_sort_by_contribution(data, n_pairs, n_crit):
    # Few distinct values: many ties, which must keep the criteria's order.
    values = np.array(data.draw(st.lists(st.sampled_from([0.0, -0.0, 0.05, 0.15, 0.6, 1e-17]),
                                         min_size=n_pairs * n_crit,
                                         max_size=n_pairs * n_crit))).reshape(n_pairs, n_crit)
    texts = [[data.draw(st.sampled_from([None, "", f"c{k}a", f"c{k}b"])) for _ in range(n_pairs)]
             for k in range(n_crit)]
    assert rank_reasons(values, texts) == _rank_reference(values, texts)


# --------------------------------------------------------------------------- pairs and results


def _slow_path(monkeypatch):
    """Make the candidate path use the per-block reasons."""
    def block_reasons(cohort, scorer, e, r, **kw):
        return _pair_reasons_by_block(cohort, scorer, e, r)

    monkeypatch.setattr(candidates_module, "pair_reasons", block_reasons)


@pytest.mark.parametrize("make", [
    lambda: mm.example_cohort(),
    lambda: _cohort(40, 33, 0, "pilot"),
    lambda: _cohort(300, 90, 1, "university"),
    lambda: _cohort(400, 100, 2, "national"),
])
def test_match_results_equal_the_per_pair_path(make, monkeypatch):
    c = make()
    # Candidates: the vectorised reasons against the sub-cohort reasons, whole results.
    fast_sparse = mm.match(c, solver="flow", candidates=4)
    with monkeypatch.context() as m:
        _slow_path(m)
        slow_sparse = mm.match(c, solver="flow", candidates=4)
    assert fast_sparse.pairs == slow_sparse.pairs and fast_sparse.pairs
    assert all(p.__getstate__() == q.__getstate__()
               for p, q in zip(fast_sparse.pairs, slow_sparse.pairs))
    assert _untimed(fast_sparse.model_dump()) == _untimed(slow_sparse.model_dump())
    # Dense: ``mm.match`` explains each pair with ``ScoreTable.reasons`` (per pair); the
    # vectorised ``pair_reasons`` gives the same reasons for the same pairs.
    dense = mm.match(c, solver="flow")
    assert dense.pairs
    mentee_at = {x.id: i for i, x in enumerate(c.mentees)}
    mentor_at = {x.id: j for j, x in enumerate(c.mentors)}
    e = np.array([mentee_at[p.mentee] for p in dense.pairs], dtype=np.int64)
    r = np.array([mentor_at[p.mentor] for p in dense.pairs], dtype=np.int64)
    vectorised = pair_reasons(c, default_scorer(), e, r)
    # the result then adds what each mentor adds to the mentee's others ("adds ...")
    assert [tuple(x) for x in vectorised] == [tuple(p.reasons[:len(x)])
                                              for x, p in zip(vectorised, dense.pairs)]
    assert all(r.startswith("adds ") for x, p in zip(vectorised, dense.pairs)
               for r in p.reasons[len(x):])


def _untimed(value):
    """A result's dump without wall-clock timings (the only part that may differ)."""
    if isinstance(value, dict):
        return {k: _untimed(v) for k, v in value.items() if "seconds" not in k}
    if isinstance(value, list | tuple):
        return [_untimed(v) for v in value]
    return value


# --------------------------------------------------------------------------- block scorer set-up


def _codes_reference(keys):
    uniq, inv = np.unique(keys, axis=0, return_inverse=True)
    return uniq, inv.reshape(-1).astype(np.int64)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), n=st.integers(1, 60), m=st.integers(1, 5),
       span=st.sampled_from([1, 3, 70, 2**40]))
def test_codes_equal_unique_rows(data, n, m, span):
    keys = np.array(data.draw(st.lists(st.integers(-span, span), min_size=n * m,
                                       max_size=n * m)), dtype=np.int64).reshape(n, m)
    for k in (keys, keys[:, 0]):
        got, want = _codes(k), _codes_reference(k)
        assert got[0].dtype == want[0].dtype and np.array_equal(got[0], want[0])
        assert np.array_equal(got[1], want[1])


def _value_keys_reference(a, b):
    keys = topic_index([[str(v)] for v in (*a, *b) if v is not None])
    ka = np.array([keys[str(v)] if v is not None else -1 for v in a], dtype=np.int64)
    kb = np.array([keys[str(v)] if v is not None else -2 for v in b], dtype=np.int64)
    return ka.reshape(-1), kb.reshape(-1)


def test_value_keys_equal_the_string_keys():
    a = ["x", None, "y", 1, True, "1", "x", mm.CareerStage.EARLY, "early", None]
    b = [None, "early", 1.0, "z", "x", True, "True"]
    for aa, bb in ((a, b), (b, a), ([], b), (a, []), ([None], [None])):
        got, want = _value_keys(aa, bb), _value_keys_reference(aa, bb)
        assert all(np.array_equal(g, w) and g.dtype == w.dtype for g, w in zip(got, want))


def _set_criterion_reference(cohort, attr):
    e_vals = [[str(v) for v in getattr(p, attr)] for p in cohort.mentees]
    r_vals = [[str(v) for v in getattr(p, attr)] for p in cohort.mentors]
    index = topic_index([*e_vals, *r_vals])

    def masks(vals):
        return np.array([sum(1 << index[v] for v in set(items)) for items in vals],
                        dtype=np.int64).reshape(-1)

    e_u, e_code = _codes_reference(masks(e_vals))
    r_u, r_code = _codes_reference(masks(r_vals))
    shared = (e_u[:, None] & r_u[None, :]) != 0
    stated = (e_u != 0)[:, None] & (r_u != 0)[None, :]
    return e_code, r_code, np.where(shared, 1.0, np.where(stated, 0.0, 0.5))


def _table_reference(bs, e_codes):
    table = np.zeros((e_codes.shape[0], bs.group_codes.shape[0]))
    for k, crit in enumerate(bs.categorical):
        sub = crit.lut[e_codes[:, k]]
        table += crit.weight * sub[:, bs.group_codes[:, k]]
    return table


@pytest.mark.parametrize("make", [
    lambda: mm.example_cohort(),
    lambda: _cohort(50, 33, 3, "pilot"),
    lambda: _cohort(2000, 400, 4, "national"),
    lambda: _weighted_topics_cohort(2),
])
@pytest.mark.parametrize("scorer", [default_scorer(), NESTED])
def test_block_scorer_setup_equals_the_former_formulas(make, scorer):
    c = make()
    for attr in ("types", "modalities"):
        got = _set_criterion(c, attr, attr, 1.0)
        want = _set_criterion_reference(c, attr)
        assert np.array_equal(got.e_code, want[0]) and np.array_equal(got.r_code, want[1])
        assert np.array_equal(got.lut, want[2])
    bs = BlockScorer(c, scorer)
    stacked = np.stack([crit.e_code for crit in bs.categorical], axis=1)
    e_groups, mentee_group = _codes_reference(stacked)
    assert np.array_equal(bs.mentee_group, mentee_group)
    want = _table_reference(bs, e_groups)
    assert bs.cat_table is not None
    assert bs.cat_table.tobytes() == want.tobytes()  # bit for bit
    rows = np.arange(len(c.mentees))[::3]
    assert bs._categorical_table(stacked[rows]).tobytes() == (
        _table_reference(bs, stacked[rows]).tobytes())
    dense = scorer.score(c).mentee_scores
    assert np.allclose(bs.block(np.arange(len(c.mentees))), dense, atol=1e-12)
