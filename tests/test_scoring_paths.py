"""Any scorer gives the same pair the same score and reasons on every path, or is refused.

The paths: the dense matrix (``mm.match``), block by block for large cohorts
(``mm.match(..., candidates=k)`` and ``build_candidates``), and the reasons of
listed pairs. Built-in scorers (by exact type) are computed from their
criteria's kernels; any other scorer through its own ``score()``, on
sub-cohorts where the cohort is large; a scorer that cannot be computed
that way is refused with a typed error, never replaced by a built-in formula.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.encode import ranked_edge_preferences
from mentormatch.errors import InvalidInputError, MentorMatchError
from mentormatch.large import build_candidates
from mentormatch.scoring import (
    AttributeScorer,
    AvailabilityScorer,
    BlockScorer,
    BuddyScorer,
    ChoiceScorer,
    ConcordanceScorer,
    Criterion,
    ModalityScorer,
    ScoreTable,
    SubCohortScorer,
    TopicMatrices,
    TopicScorer,
    TypeScorer,
    WeightedScorer,
    block_scorer,
    criterion_kernels,
    default_scorer,
    explain_pairs,
    has_choices,
    is_builtin_scorer,
    pair_reasons,
)
from mentormatch.synthetic import make_cohort

# --------------------------------------------------------------------------- scorers


class AnySharedTopic(TopicScorer):
    """The issue's case: a TopicScorer subclass with its own formula (1 if any topic is shared)."""

    def score(self, cohort):
        tm = TopicMatrices.of(cohort)
        shared = ((tm.asked > 0).astype(float) @ (tm.offered > 0).T.astype(float)) > 0

        def explain(i, j):
            return "shares a topic" if shared[i, j] else "shares no topic"

        return ScoreTable(((Criterion("any topic", shared.astype(float), None, explain), 1.0),))


class PlainTypes(TypeScorer):
    """A subclass that changes nothing: still not built in (exact types only)."""


class Seniority:
    """A user's scorer, from scratch: a later career stage of the mentor scores higher."""

    stage = {"early": 0.0, "mid": 0.5, "late": 1.0}

    def score(self, cohort):
        v = np.array([self.stage.get(str(r.career_stage), 0.25) for r in cohort.mentors])
        mentee_view = np.broadcast_to(v, (len(cohort.mentees), len(cohort.mentors))).copy()
        mentor_view = np.full_like(mentee_view, 0.5)

        def explain(i, j):
            return f"mentor is {cohort.mentors[j].career_stage or 'of unknown stage'}"

        return ScoreTable(((Criterion("seniority", mentee_view, mentor_view, explain), 1.0),))


class RelativeTopics:
    """Not pair-local: topic fit over the best fit in the cohort."""

    def score(self, cohort):
        t = TopicScorer().score(cohort).mentee_scores
        view = t / max(float(t.max(initial=0.0)), 0.01)
        return ScoreTable(((Criterion("relative", view, None, lambda i, j: None), 1.0),))


class DoubledTopics:
    """Scores outside [0, 1]."""

    def score(self, cohort):
        (crit, _), = TopicScorer().score(cohort).criteria
        return ScoreTable(((crit, 2.0),))


NESTED = WeightedScorer([
    (TopicScorer(), 0.7),
    (WeightedScorer([(TypeScorer(), 0.3), (ModalityScorer(), 0.3),
                     (WeightedScorer([(ConcordanceScorer(), 1.0),
                                      (AttributeScorer("career_stage"), 0.1)]), 0.9)]), 1.3),
    (AttributeScorer("site"), 0.2),
    (AttributeScorer("division"), 0.0),
])
BUILTIN = {
    "default": default_scorer(),
    "nested": NESTED,
    "topics": TopicScorer(),
    "buddy": BuddyScorer(),
    "buddy-mix": WeightedScorer([(BuddyScorer(), 1.0), (TopicScorer(), 1.0)]),
    "choices": ChoiceScorer(),
    "choices-mix": WeightedScorer([(default_scorer(), 0.8), (ChoiceScorer(), 0.2)]),
    "availability-mix": WeightedScorer([(default_scorer(), 0.9), (AvailabilityScorer(), 0.1)]),
}
OWN_SCORE = {
    "topic-subclass": AnySharedTopic(),
    "plain-subclass": PlainTypes(),
    "custom": Seniority(),
    "mix-with-subclass": WeightedScorer([(AnySharedTopic(), 0.5), (TypeScorer(), 0.3),
                                         (Seniority(), 0.2)]),
    "mix-of-builtins-and-custom": WeightedScorer([(default_scorer(), 3.0), (Seniority(), 1.0)]),
}
SCORERS = {**BUILTIN, **OWN_SCORE}


def _ranked(c, rng):
    """The cohort with some people ranking a few of the other side (ranked choices)."""

    def ranks(ids):
        n = int(rng.integers(0, min(len(ids), 4) + 1)) if rng.random() < 0.6 else 0
        return tuple(rng.choice(ids, n, replace=False).tolist())

    return mm.Cohort(mentees=[p.model_copy(update={"choices": ranks(c.mentor_ids)})
                              for p in c.mentees],
                     mentors=[p.model_copy(update={"choices": ranks(c.mentee_ids)})
                              for p in c.mentors],
                     forbidden=c.forbidden, locked=c.locked)


SLOTS = ("Mon morning", "Tue morning", "Tue afternoon", "Wed 10:00-11:30", "Thu morning",
         "Thu 16:00-18:00", "Fri afternoon", "Sat morning")


def _cohort(seed, n_e, n_r, profile, lived):
    """A synthetic cohort; with ``lived``, some people trained abroad or relocated (buddy
    criteria) and weekly availability in two time zones (availability criterion).

    Every other seed, some people rank choices (the choice criterion).
    """
    c = make_cohort(n_e, n_r, seed=seed, profile=profile, concordance_rate=0.4,
                    genders=("woman", "man", None), gender_probs=(0.4, 0.4, 0.2))
    rng = np.random.default_rng(seed)
    if seed % 2:
        c = _ranked(c, rng)
    if not lived:
        return c

    def lived_through(p):
        abroad = bool(rng.random() < 0.3)
        slots = [s for s in SLOTS if rng.random() < 0.3]
        return p.model_validate({**p.model_dump(), "trained_abroad": abroad,
                                 "relocated": abroad or bool(rng.random() < 0.3),
                                 "availability": slots})

    sites = sorted({p.site for p in (*c.mentees, *c.mentors) if p.site})
    zones = {site: ("America/Halifax", "America/St_Johns")[k % 2] for k, site in enumerate(sites)}
    return mm.Cohort(mentees=[lived_through(p) for p in c.mentees],  # choices kept
                     mentors=[lived_through(p) for p in c.mentors],
                     forbidden=c.forbidden, locked=c.locked,
                     schedule=mm.Schedule(site_time_zones=zones))


cohorts = st.builds(_cohort, seed=st.integers(0, 10_000), n_e=st.integers(1, 20),
                    n_r=st.integers(1, 10),
                    profile=st.sampled_from(["pilot", "university", "national"]),
                    lived=st.booleans())


def _positions(c, result):
    pos_e = {x: i for i, x in enumerate(c.mentee_ids)}
    pos_r = {x: j for j, x in enumerate(c.mentor_ids)}
    return [(pos_e[p.mentee], pos_r[p.mentor], p) for p in result.pairs]


def _assert_pairs_like_table(c, result, table):
    for i, j, pair in _positions(c, result):
        assert pair.score == pytest.approx(table.mentee_scores[i, j], abs=1e-12)
        base = table.reasons(i, j)  # then what the mentor adds to the mentee's others
        assert pair.reasons[:len(base)] == base
        assert all(r.startswith("adds ") for r in pair.reasons[len(base):])


# --------------------------------------------------------------------------- the property


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(c=cohorts, name=st.sampled_from(sorted(SCORERS)), k=st.integers(1, 4),
       solver=st.sampled_from(["flow", "flow", "greedy"]))
def test_every_path_gives_a_pair_the_dense_score_and_reasons(c, name, k, solver):
    scorer = SCORERS[name]
    table = scorer.score(c)  # type: ignore[attr-defined]
    dense = mm.match(c, solver=solver, scorer=scorer)  # type: ignore[arg-type]
    _assert_pairs_like_table(c, dense, table)
    large = mm.match(c, solver=solver, scorer=scorer, candidates=k)  # type: ignore[arg-type]
    _assert_pairs_like_table(c, large, table)
    if solver == "flow":
        assert large.provenance.solver_info["candidates"]["certified"] is True
        assert large.metrics.n_pairs == dense.metrics.n_pairs
        assert large.metrics.total_score == pytest.approx(dense.metrics.total_score, abs=1e-9)
    edges = build_candidates(c, k=k, scorer=scorer).edges()  # type: ignore[arg-type]
    assert np.allclose(edges.score, table.mentee_scores[edges.mentee, edges.mentor],
                       rtol=0, atol=1e-12)
    mentor_view = table.mentor_scores[edges.mentee, edges.mentor]
    if has_choices(c):  # ranked choices head the preferences (tests/test_ranked_choices.py)
        mentor_view = ranked_edge_preferences(c, edges.mentee, edges.mentor, edges.score,
                                              mentor_view)[1]
    assert np.allclose(edges.mentor_pref, mentor_view, rtol=0, atol=1e-12)
    e, r = np.nonzero(np.ones(table.shape, dtype=bool))
    assert pair_reasons(c, scorer, e, r) == [table.reasons(i, j) for i, j in zip(e, r)]  # type: ignore[arg-type]


@settings(max_examples=20, deadline=None)
@given(c=cohorts, name=st.sampled_from(sorted(SCORERS)))
def test_block_scores_of_rows_columns_and_pairs_equal_the_dense_table(c, name):
    scorer = SCORERS[name]
    table = scorer.score(c)  # type: ignore[attr-defined]
    bs = block_scorer(c, scorer)  # type: ignore[arg-type]
    assert type(bs) is (BlockScorer if name in BUILTIN else SubCohortScorer)
    n_e, n_r = table.shape
    assert np.allclose(bs.block(np.arange(n_e)), table.mentee_scores, rtol=0, atol=1e-12)
    positions = np.arange(0, n_r, 2)
    part = bs.block_perm(np.arange(n_e)[::-1], columns=bs.columns(positions))
    want = table.mentee_scores[::-1][:, bs.perm[positions]]
    assert np.allclose(part, want, rtol=0, atol=1e-12)
    e, r = np.nonzero(np.ones((n_e, n_r), dtype=bool))
    there, back = bs.pair_values(e, r)
    assert np.allclose(there, table.mentee_scores[e, r], rtol=0, atol=1e-12)
    assert np.allclose(back, table.mentor_scores[e, r], rtol=0, atol=1e-12)
    assert bs.max_score() >= table.mentee_scores.max() - 1e-12


@settings(max_examples=25, deadline=None)
@given(c=cohorts, name=st.sampled_from(sorted(BUILTIN)))
def test_each_kernel_gives_the_dense_criterion_for_listed_pairs(c, name):
    kernels = criterion_kernels(BUILTIN[name], c)  # type: ignore[arg-type]
    criteria = BUILTIN[name].score(c).criteria  # type: ignore[attr-defined]
    assert [(k.name, w) for k, w in kernels] == [(crit.name, w) for crit, w in criteria]  # type: ignore[union-attr]
    e, r = np.nonzero(np.ones(criteria[0][0].mentee_view.shape, dtype=bool))
    for (kernel, _), (crit, _) in zip(kernels, criteria, strict=True):  # type: ignore[arg-type]
        assert kernel.pair_reasons(e, r).tolist() == [crit.explain(i, j) for i, j in zip(e, r)]
        if hasattr(kernel, "pair_fit"):
            there, back = kernel.pair_views(e, r)  # type: ignore[union-attr]
            assert np.allclose(there, crit.mentee_view[e, r], rtol=0, atol=1e-15)
            assert np.allclose(back, crit.mentor_view[e, r], rtol=0, atol=1e-15)
        else:
            assert np.array_equal(kernel.pair_values(e, r), crit.mentee_view[e, r])
    assert explain_pairs(BUILTIN[name], c, e, r) == [  # type: ignore[arg-type]
        BUILTIN[name].score(c).reasons(i, j) for i, j in zip(e, r)]  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- the rule


def test_built_in_means_exact_type():
    for scorer in (*BUILTIN.values(), AttributeScorer("division"), ModalityScorer()):
        assert is_builtin_scorer(scorer)  # type: ignore[arg-type]

    class MyWeighted(WeightedScorer):
        pass

    for scorer in (*OWN_SCORE.values(), MyWeighted([(TopicScorer(), 1.0)]),
                   WeightedScorer([(NESTED, 1.0), (WeightedScorer([(PlainTypes(), 1.0)]), 1.0)])):
        assert not is_builtin_scorer(scorer)  # type: ignore[arg-type]
        assert explain_pairs(scorer, mm.example_cohort(), [0], [0]) is None  # type: ignore[arg-type]
        with pytest.raises(InvalidInputError, match="built-in scorers"):
            BlockScorer(mm.example_cohort(), scorer)  # type: ignore[arg-type]


def test_a_topic_subclass_is_scored_by_its_own_formula_on_the_large_path():
    """The issue's example: 1.0 on the dense path, formerly 0.33 under candidates=."""
    c = mm.Cohort(mentees=[mm.Mentee(id="e", topics=["a", "b", "c"])],
                  mentors=[mm.Mentor(id="r", topics=["a"])])
    assert TopicScorer().score(c).mentee_scores[0, 0] == pytest.approx(1 / 3)
    for result in (mm.match(c, scorer=AnySharedTopic()),
                   mm.match(c, scorer=AnySharedTopic(), candidates=1)):
        (pair,) = result.pairs
        assert pair.score == 1.0 and pair.reasons == ("shares a topic",)


# --------------------------------------------------------------------------- refusals


def _refusal_cohort():
    topics = [["a"], ["a", "b"], ["b", "c", "d"], ["c"], ["a", "d"], ["e"]]
    mentees = [mm.Mentee(id=f"e{i}", topics=t) for i, t in enumerate(topics)]
    mentors = [mm.Mentor(id=f"r{j}", topics=t, capacity=2) for j, t in enumerate(topics[::-1])]
    return mm.Cohort(mentees=mentees, mentors=mentors)


@pytest.mark.parametrize(("scorer", "match"), [
    (RelativeTopics(), "depending on who else is in the cohort"),
    (DoubledTopics(), r"outside \[0, 1\]"),
])
def test_scorers_the_large_path_cannot_compute_are_refused(scorer, match):
    c = _refusal_cohort()
    assert mm.match(c, scorer=scorer).pairs  # the dense path takes any scorer
    for run in (lambda: mm.match(c, scorer=scorer, candidates=2),
                lambda: mm.match(c, solver="greedy", scorer=scorer, candidates=2),
                lambda: build_candidates(c, k=2, scorer=scorer)):
        with pytest.raises(InvalidInputError, match=match) as err:
            run()
        assert isinstance(err.value, MentorMatchError)


def test_own_score_scorers_work_with_column_subsets_and_minimum_loads():
    """Enough mentors for the pricing rounds to rescore column subsets; minimum loads too."""
    c = _cohort(7, 160, 140, "university", lived=False)
    mentors = [p.model_copy(update={"min_load": 1}) if j % 17 == 0 else p
               for j, p in enumerate(c.mentors)]
    c = mm.Cohort(mentees=c.mentees, mentors=mentors, forbidden=c.forbidden, locked=c.locked)
    scorer = OWN_SCORE["mix-with-subclass"]
    table = scorer.score(c)  # type: ignore[attr-defined]
    # pair scores, as the candidate path
    dense = mm.match(c, solver="flow", scorer=scorer)  # type: ignore[arg-type]
    large = mm.match(c, scorer=scorer, candidates=1)  # type: ignore[arg-type]
    assert large.provenance.solver_info["candidates"]["certified"] is True
    assert large.metrics.total_score == pytest.approx(dense.metrics.total_score, abs=1e-9)
    _assert_pairs_like_table(c, large, table)


def test_subnormal_topic_weights_score_the_same_on_every_path_without_overflow():
    # CI's fuzz found weight / total overflowing when a mentee's weights are subnormal.
    cohort = mm.Cohort(
        mentees=[mm.Mentee(id="e1", topics={"research": 5e-324}),
                 mm.Mentee(id="e2", topics={"research": 5e-324, "teaching": 5e-324})],
        mentors=[mm.Mentor(id="r1", topics=["research"])])
    table = default_scorer().score(cohort)
    bs = block_scorer(cohort, default_scorer())
    with np.errstate(all="raise"):
        block = bs.block(np.arange(2))
    assert np.allclose(block, table.mentee_scores, rtol=0, atol=1e-12)
    assert table.mentee_scores[0, 0] > table.mentee_scores[1, 0] > 0
