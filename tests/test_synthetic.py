"""Synthetic cohorts: reproducible per seed, and drawn from their documented distributions."""

from __future__ import annotations

import numpy as np
import pytest

import mentormatch as mm
from mentormatch.errors import InvalidInputError
from mentormatch.synthetic import PROFILES, Profile, get_profile, make_cohort


def _sigma_ok(observed: np.ndarray, probs: np.ndarray, n: int, k: float = 5.0) -> bool:
    """Every observed share within k binomial standard errors of its probability."""
    se = np.sqrt(probs * (1 - probs) / n) + 1e-12
    return bool((np.abs(observed - probs) <= k * se + 1e-9).all())


def test_same_seed_same_cohort_other_seed_other_cohort():
    a = make_cohort(50, 20, seed=7, profile="university")
    b = make_cohort(50, 20, seed=7, profile="university")
    c = make_cohort(50, 20, seed=8, profile="university")
    assert a.model_dump() == b.model_dump()
    assert a.model_dump() != c.model_dump()


def test_sizes_ids_and_valid_models():
    c = make_cohort(7, 33, seed=0)
    assert len(c.mentees) == 7 and len(c.mentors) == 33
    assert len(set(c.mentee_ids)) == 7 and len(set(c.mentor_ids)) == 33
    # A round trip through validation accepts everything generated.
    again = mm.Cohort.model_validate_json(c.model_dump_json())
    assert again.mentee_ids == c.mentee_ids
    assert all(1 <= len(e.topics) <= 4 for e in c.mentees)


def test_empty_sides():
    c = make_cohort(0, 3, seed=0)
    assert len(c.mentees) == 0 and len(c.mentors) == 3


@pytest.mark.parametrize("name", ["pilot", "university", "national"])
def test_demand_and_capacity_follow_profile(name):
    n = 20000
    prof = PROFILES[name]
    c = make_cohort(n, n, seed=3, profile=name)
    demand = np.array([e.demand for e in c.mentees])
    capacity = np.array([r.capacity for r in c.mentors])
    for values, probs in ((demand, prof.demand_probs), (capacity, prof.capacity_probs)):
        p = np.asarray(probs) / np.sum(probs)
        observed = np.bincount(values, minlength=len(p) + 1)[1:] / n
        assert observed.size == p.size
        assert _sigma_ok(observed, p, n)


def test_single_topic_frequencies_are_proportional_to_popularity():
    n = 30000
    prof = get_profile("national", mentee_topic_count_probs=(1.0,))
    c = make_cohort(n, 1, seed=5, profile=prof)
    index = {t: k for k, t in enumerate(prof.topics)}
    counts = np.zeros(len(prof.topics))
    for e in c.mentees:
        (topic,) = e.topics
        counts[index[topic]] += 1
    p = np.asarray(prof.mentee_topic_popularity)
    assert _sigma_ok(counts / n, p / p.sum(), n)


def test_pilot_top_topics_match_the_study():
    c = make_cohort(3000, 3000, seed=11, profile="pilot")

    def top3(people):
        counts = {}  # type: ignore[var-annotated]
        for p in people:
            for t in p.topics:
                counts[t] = counts.get(t, 0) + 1
        return set(sorted(counts, key=lambda t: -counts[t])[:3])

    assert top3(c.mentors) == {"clinical work", "research and scholarship", "work life balance"}
    assert top3(c.mentees) == {"clinical work", "teaching and curriculum development",
                               "quality improvement"}
    share_1to1 = np.mean([mm.MentorshipType.ONE_TO_ONE in p.types for p in c.mentees])
    assert share_1to1 > 0.9  # one-to-one preferred by both sides


def test_supervisors_newcomers_and_rates():
    n = 20000
    prof = get_profile("pilot", supervisor_rate=0.2, newcomer_rate=0.3)
    c = make_cohort(n, 500, seed=2, profile=prof)
    supervised = np.array([bool(e.supervisors) for e in c.mentees])
    newcomer = np.array([e.newcomer for e in c.mentees])
    assert _sigma_ok(np.array([supervised.mean()]), np.array([0.2]), n)
    assert _sigma_ok(np.array([newcomer.mean()]), np.array([0.3]), n)
    divisions = {r.id: r.division for r in c.mentors}
    same = [divisions[e.supervisors[0]] == e.division for e in c.mentees if e.supervisors]
    assert all(same)  # every division has mentors at this size
    excluded = c.excluded_pairs()
    assert all((e.id, e.supervisors[0]) in excluded for e in c.mentees if e.supervisors)


def test_overrides_and_errors():
    assert make_cohort(30, 5, seed=0, demand_probs=(0.0, 1.0)).mentees[0].demand == 2
    with pytest.raises(InvalidInputError, match="unknown profile parameter"):
        make_cohort(3, 3, seed=0, demandd_probs=(1.0,))
    with pytest.raises(InvalidInputError, match="unknown profile 'galactic'"):
        make_cohort(3, 3, seed=0, profile="galactic")
    with pytest.raises(InvalidInputError, match="n_mentees"):
        make_cohort(-1, 3)
    with pytest.raises(InvalidInputError, match="supervisor_rate"):
        get_profile("pilot", supervisor_rate=1.5)
    with pytest.raises(InvalidInputError, match="mentee_topic_popularity"):
        get_profile("pilot", mentee_topic_popularity=(1.0,))
    assert isinstance(get_profile("university"), Profile)


def test_pilot_cohort_matches_everyone():
    for seed in range(5):
        result = mm.match(make_cohort(7, 33, seed=seed), solver="flow")
        assert result.metrics.mentees_matched == 7
