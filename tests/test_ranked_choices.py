"""Ranked choices: validated ids, the choice criterion, stable preferences, the rank profile.

Brute-force references: each pair's value and reason computed from the
definition, each side's preference order sorted from it, each person's best
rank read from the pairs.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.encode import build_problem, ranked_edge_preferences, ranked_preferences
from mentormatch.errors import InvalidInputError, UnknownIdError
from mentormatch.models import ChoiceProfile, choice_profile
from mentormatch.report import render_report
from mentormatch.scoring import (
    ChoiceScorer,
    TopicScorer,
    WeightedScorer,
    default_scorer,
    explain_pairs,
)


@st.composite
def ranked_cohorts(draw: st.DrawFn, max_mentees: int = 6, max_mentors: int = 5) -> mm.Cohort:
    """Small cohorts where some people rank some of the other side, with excluded pairs."""
    n_e, n_r = draw(st.integers(1, max_mentees)), draw(st.integers(1, max_mentors))
    e_ids, r_ids = [f"e{i}" for i in range(n_e)], [f"r{j}" for j in range(n_r)]
    topics = ["a", "b", "c"]
    mentees = [mm.Mentee(id=e, topics=draw(st.lists(st.sampled_from(topics), min_size=1,
                                                    max_size=3, unique=True)),
                         demand=draw(st.integers(0, 2)),
                         choices=draw(st.lists(st.sampled_from(r_ids), max_size=3, unique=True)))
               for e in e_ids]
    mentors = [mm.Mentor(id=r, topics=draw(st.lists(st.sampled_from(topics), min_size=1,
                                                    max_size=3, unique=True)),
                         capacity=draw(st.integers(0, 2)),
                         choices=draw(st.lists(st.sampled_from(e_ids), max_size=3, unique=True)))
               for r in r_ids]
    forbidden = draw(st.lists(st.tuples(st.sampled_from(e_ids), st.sampled_from(r_ids)),
                              max_size=2, unique=True))
    return mm.Cohort(mentees=mentees, mentors=mentors, forbidden=forbidden)


def side_value(person: mm.Mentee | mm.Mentor, other: str) -> float:
    """The definition: (L - k + 1) / L for the k-th of L choices, 0 unranked, 0.5 no choices."""
    if not person.choices:
        return 0.5
    if other not in person.choices:
        return 0.0
    k = person.choices.index(other) + 1
    return (len(person.choices) - k + 1) / len(person.choices)


# --------------------------------------------------------------------------- models


def test_a_choice_naming_nobody_is_a_typed_error_naming_the_person_and_the_id():
    with pytest.raises(UnknownIdError, match="mentee 'e1' ranks unknown mentor id 'r9' "
                                             r"\(choice 2\)"):
        mm.Cohort(mentees=[mm.Mentee(id="e1", choices=["r1", "r9"])],
                  mentors=[mm.Mentor(id="r1")])
    with pytest.raises(UnknownIdError, match="mentor 'r1' ranks unknown mentee id 'e1'"):
        mm.Cohort(mentees=[mm.Mentee(id="e2")], mentors=[mm.Mentor(id="r1", choices=["e1"])])
    # A mentor's id is not a mentee's: choices name the other side only.
    with pytest.raises(UnknownIdError, match="unknown mentor id 'e2'"):
        mm.Cohort(mentees=[mm.Mentee(id="e1", choices=["e2"]), mm.Mentee(id="e2")],
                  mentors=[mm.Mentor(id="r1")])


def test_a_choice_ranked_twice_or_blank_is_refused():
    with pytest.raises(InvalidInputError, match=r"'r1' is ranked twice \(choices 1 and 3\)"):
        mm.Mentee(id="e1", choices=["r1", "r2", "r1"])
    with pytest.raises(InvalidInputError, match="choice 2 is blank"):
        mm.Mentor(id="r1", choices=["e1", "  "])


def test_choices_survive_json():
    c = mm.Cohort(mentees=[mm.Mentee(id="e1", choices=["r2", "r1"])],
                  mentors=[mm.Mentor(id="r1", choices=["e1"]), mm.Mentor(id="r2")])
    assert mm.Cohort.model_validate_json(c.model_dump_json()) == c


# --------------------------------------------------------------------------- the criterion


@settings(max_examples=60, deadline=None)
@given(c=ranked_cohorts())
def test_choice_values_and_reasons_follow_the_definition(c):
    crit = ChoiceScorer().score(c).criteria[0][0]
    assert crit.mentor_view is None
    for i, e in enumerate(c.mentees):
        for j, r in enumerate(c.mentors):
            want = 0.5 * (side_value(e, r.id) + side_value(r, e.id))
            assert crit.mentee_view[i, j] == pytest.approx(want, abs=1e-15)
            why = crit.explain(i, j) or ""
            if r.id in e.choices:
                k = e.choices.index(r.id) + 1
                assert f"{e.id}'s {mm.models.ordinal(k)} choice" in why
            elif e.choices:
                assert f"not among {e.id}'s choices" in why
            if e.id in r.choices:
                k = r.choices.index(e.id) + 1
                assert f"{r.id}'s {mm.models.ordinal(k)} choice of mentee" in why
            if not e.choices and not r.choices:
                assert crit.explain(i, j) is None
    e_idx, r_idx = np.nonzero(np.ones(crit.mentee_view.shape, dtype=bool))
    scorer = WeightedScorer([(TopicScorer(), 0.5), (ChoiceScorer(), 0.5)])
    table = scorer.score(c)
    assert explain_pairs(scorer, c, e_idx, r_idx) == [
        table.reasons(i, j) for i, j in zip(e_idx.tolist(), r_idx.tolist())]


def test_the_default_scorer_adds_choices_only_when_someone_ranked():
    plain = mm.example_cohort()
    assert [type(s) for s, _ in default_scorer(plain).parts] == [
        type(s) for s, _ in default_scorer().parts]
    assert np.array_equal(default_scorer(plain).score(plain).mentee_scores,
                          default_scorer().score(plain).mentee_scores)
    first = plain.mentees[0].model_copy(update={"choices": (plain.mentor_ids[5],)})
    ranked = plain.model_copy(update={"mentees": (first, *plain.mentees[1:])})
    parts = default_scorer(ranked).parts
    assert type(parts[-1][0]) is ChoiceScorer and parts[-1][1] == pytest.approx(0.2)
    table = default_scorer(ranked).score(ranked)
    assert f"{first.id}'s 1st choice" in table.reasons(0, 5)
    before = default_scorer().score(plain).mentee_scores
    # 0.2 x (mean of the sides): 1st of 1 choice (1) and a mentor who ranked nobody (0.5),
    # against 0 and 0.5 for the mentee's other mentors.
    gain = table.mentee_scores[0] - 0.8 * before[0]
    assert gain[5] == pytest.approx(0.15) and np.allclose(np.delete(gain, 5), 0.05)


# --------------------------------------------------------------------------- preferences


def _order(row: np.ndarray) -> list[int]:
    """The stable solver's order: higher first, ties by lower index."""
    return sorted(range(row.size), key=lambda j: (-row[j], j))


def _expected_order(person: mm.Mentee | mm.Mentor, view: np.ndarray,
                    index: dict[str, int]) -> list[int]:
    head = [index[x] for x in person.choices]
    return head + [j for j in _order(view) if j not in head]


@settings(max_examples=60, deadline=None)
@given(c=ranked_cohorts(), seed=st.integers(0, 1000))
def test_ranked_choices_head_each_sides_preference_order(c, seed):
    rng = np.random.default_rng(seed)
    shape = (len(c.mentees), len(c.mentors))
    e_view = rng.integers(0, 3, shape) / 2.0  # ties on purpose
    r_view = rng.integers(0, 3, shape) / 2.0
    e_pref, r_pref = ranked_preferences(c, e_view, r_view)
    for i, person in enumerate(c.mentees):
        assert _order(e_pref[i]) == _expected_order(person, e_view[i], c.mentor_index())
    for j, person in enumerate(c.mentors):
        assert _order(r_pref[:, j]) == _expected_order(person, r_view[:, j], c.mentee_index())
    # Restricted to any listed pairs, the edge version orders them the same way.
    keep = rng.random(shape) < 0.6
    e, r = np.nonzero(keep)
    ee, rr = ranked_edge_preferences(c, e, r, e_view[e, r], r_view[e, r])
    for i in range(shape[0]):
        mine = np.flatnonzero(e == i)
        assert [int(r[q]) for q in sorted(mine, key=lambda q: (-ee[q], r[q]))] == [
            j for j in _order(e_pref[i]) if keep[i, j]]
    for j in range(shape[1]):
        mine = np.flatnonzero(r == j)
        assert [int(e[q]) for q in sorted(mine, key=lambda q: (-rr[q], e[q]))] == [
            i for i in _order(r_pref[:, j]) if keep[i, j]]


def test_without_choices_the_problem_keeps_its_views():
    c = mm.example_cohort()
    table = default_scorer().score(c)
    p = build_problem(c, table)
    assert np.array_equal(p.mentee_prefs, p.scores)


@settings(max_examples=40, deadline=None)
@given(c=ranked_cohorts(), proposing=st.sampled_from(["mentees", "mentors"]))
def test_stable_matching_is_stable_for_the_ranked_preferences(c, proposing):
    result = mm.match(c, solver="stable", proposing=proposing)
    assert result.metrics.blocking_pairs == 0
    problem = build_problem(c, default_scorer(c).score(c))
    e_pos, r_pos = c.mentee_index(), c.mentor_index()
    pairs = {(e_pos[p.mentee], r_pos[p.mentor]) for p in result.pairs}
    loads_e = {i: sum(1 for a, _ in pairs if a == i) for i in range(len(c.mentees))}
    loads_r = {j: sum(1 for _, b in pairs if b == j) for j in range(len(c.mentors))}

    def wants(view: np.ndarray, mine: list[int], room: bool, other: int) -> bool:
        return room or any(view[other] > view[x] or (view[other] == view[x] and other < x)
                           for x in mine)

    for i in range(len(c.mentees)):  # brute force: no pair would rather be together
        for j in range(len(c.mentors)):
            if (i, j) in pairs or not problem.allowed[i, j]:
                continue
            mine_e = [b for a, b in pairs if a == i]
            mine_r = [a for a, b in pairs if b == j]
            if (wants(problem.mentee_prefs[i], mine_e, loads_e[i] < c.mentees[i].demand, j)
                    and wants(problem.mentor_prefs[:, j], mine_r,
                              loads_r[j] < c.mentors[j].capacity, i)):
                pytest.fail(f"blocking pair {c.mentee_ids[i]}-{c.mentor_ids[j]}")


@pytest.mark.parametrize("candidates", [None, 2])
def test_distinct_first_choices_are_all_met_by_stable_matching(candidates):
    mentees = [mm.Mentee(id=f"e{i}", topics=["a"], choices=[f"r{(i + 1) % 4}", f"r{i}"])
               for i in range(4)]
    mentors = [mm.Mentor(id=f"r{j}", topics=["a"] if j else ["b"]) for j in range(4)]
    c = mm.Cohort(mentees=mentees, mentors=mentors)
    result = mm.match(c, solver="stable", candidates=candidates)
    assert {(p.mentee, p.mentor) for p in result.pairs} == {
        (f"e{i}", f"r{(i + 1) % 4}") for i in range(4)}
    assert result.metrics.choices == ChoiceProfile(mentees_ranking=4, mentee_ranks=(4,))
    assert "ranked choices: 4 of 4 mentees got their 1st choice" in result.notes


# --------------------------------------------------------------------------- the rank profile


@settings(max_examples=40, deadline=None)
@given(c=ranked_cohorts(), solver=st.sampled_from(["flow", "greedy", "stable"]))
def test_the_rank_profile_counts_each_persons_best_rank(c, solver):
    result = mm.match(c, solver=solver)
    profile = result.metrics.choices
    if not any(p.choices for p in (*c.mentees, *c.mentors)):
        assert profile is None
        return
    assert profile is not None
    for people, wants, got, ranks, n, none in (
            (c.mentees, "demand", result.mentors_of, profile.mentee_ranks,
             profile.mentees_ranking, profile.mentees_without_choice),
            (c.mentors, "capacity", result.mentees_of, profile.mentor_ranks,
             profile.mentors_ranking, profile.mentors_without_choice)):
        best = [min((p.choices.index(x) for x in got(p.id) if x in p.choices), default=None)
                for p in people if p.choices and getattr(p, wants) > 0]
        assert n == len(best)
        assert none == sum(b is None for b in best)
        assert list(ranks) == [sum(b == k for b in best) for k in range(len(ranks))]
        assert not ranks or ranks[-1] > 0
    again = mm.MatchResult.model_validate_json(result.model_dump_json())
    assert again.metrics.choices == profile


def test_profile_summary_and_report():
    c = mm.Cohort(mentees=[mm.Mentee(id="e1", choices=["r1", "r2"]),
                           mm.Mentee(id="e2", choices=["r1"]), mm.Mentee(id="e3")],
                  mentors=[mm.Mentor(id="r1", choices=["e2"]), mm.Mentor(id="r2")])
    profile = choice_profile(c, [("e1", "r2"), ("e2", "r1")])
    assert profile is not None
    assert profile.summary() == ("1 of 2 mentees got their 1st choice, 1 their 2nd; "
                                 "1 of 1 mentors got their 1st choice")
    assert choice_profile(mm.example_cohort(), []) is None
    html = render_report(mm.match(c, solver="flow"), figures=False)
    assert "<td>ranked choices</td>" in html and "mentees got their 1st choice" in html


def test_a_choice_of_an_excluded_pair_is_noted():
    c = mm.Cohort(mentees=[mm.Mentee(id="e1", choices=["r1", "r2"], supervisors=["r1"])],
                  mentors=[mm.Mentor(id="r1"), mm.Mentor(id="r2", choices=["e1"])],
                  forbidden=[("e1", "r2")])
    notes = mm.match(c, solver="flow").notes
    assert ("3 ranked choices name pairs never matched: e1's 1st choice r1 (r1 supervises e1), "
            "e1's 2nd choice r2 (forbidden by the director), r2's 1st choice e1 (forbidden by "
            "the director)") in notes


def test_a_leaving_mentor_leaves_the_choices_naming_them():
    c = mm.Cohort(mentees=[mm.Mentee(id="e1", topics=["a"], choices=["r1", "r2"])],
                  mentors=[mm.Mentor(id="r1", topics=["a"]), mm.Mentor(id="r2", topics=["a"])])
    first = mm.match(c, solver="flow")
    assert first.mentors_of("e1") == ("r1",)
    later = mm.rematch(first, leaving_mentors=["r1"])
    assert later.mentors_of("e1") == ("r2",)
    assert later.cohort is not None and later.cohort.mentee("e1").choices == ("r2",)


@settings(max_examples=40, deadline=None)
@given(c=ranked_cohorts(), proposing=st.sampled_from(["mentees", "mentors"]))
def test_the_large_path_stable_match_is_the_dense_one_when_every_mentor_is_a_candidate(
        c, proposing):
    dense = mm.match(c, solver="stable", proposing=proposing)
    large = mm.match(c, solver="stable", proposing=proposing, candidates=len(c.mentors))
    assert [(p.mentee, p.mentor) for p in large.pairs] == [
        (p.mentee, p.mentor) for p in dense.pairs]
    assert large.metrics.choices == dense.metrics.choices
    assert large.metrics.blocking_pairs == 0


@pytest.mark.parametrize("candidates", [None, 1])
def test_a_ranked_pair_breaking_a_must_have_is_never_matched(candidates):
    c = mm.Cohort(mentees=[mm.Mentee(id="e1", topics=["a"], site="X", choices=["r1"])],
                  mentors=[mm.Mentor(id="r1", topics=["a"], site="Y"),
                           mm.Mentor(id="r2", topics=["b"], site="X")],
                  must_haves=["same site"])
    result = mm.match(c, solver="stable", candidates=candidates)
    assert result.mentors_of("e1") == ("r2",)
    assert result.metrics.choices == ChoiceProfile(mentees_ranking=1, mentees_without_choice=1)
