"""Group circles: sizes and types always hold; tiny instances equal brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.errors import InvalidInputError, UnknownIdError
from mentormatch.rounds._circles import solve_circles

TOPICS = ["clinical work", "qi", "teaching", "research", "leadership"]


def brute(fit: np.ndarray, allowed: np.ndarray, lo: int, hi: int) -> tuple[int, float]:
    """Best (placed, total fit) over every assignment of mentees to a circle or none."""
    n, n_c = fit.shape
    best = (0, 0.0)
    for choice in itertools.product(range(-1, n_c), repeat=n):
        if any(c >= 0 and not allowed[i, c] for i, c in enumerate(choice)):
            continue
        sizes = np.bincount([c for c in choice if c >= 0], minlength=n_c)
        if any(0 < s < lo or s > hi for s in sizes):
            continue
        placed = sum(c >= 0 for c in choice)
        total = float(sum(fit[i, c] for i, c in enumerate(choice) if c >= 0))
        if (placed, total) > (best[0], best[1] + 1e-9):
            best = (placed, total)
    return best


@st.composite
def circle_instances(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int, int]:
    n = draw(st.integers(1, 6))
    n_c = draw(st.integers(1, 3))
    fit = np.array(draw(st.lists(st.integers(0, 4).map(float), min_size=n * n_c,
                                 max_size=n * n_c))).reshape(n, n_c)
    allowed = np.array(draw(st.lists(st.booleans(), min_size=n * n_c,
                                     max_size=n * n_c))).reshape(n, n_c)
    lo = draw(st.integers(1, 3))
    hi = draw(st.integers(lo, 4))
    return fit, allowed, lo, hi


@settings(max_examples=120, deadline=None)
@given(circle_instances())
def test_solver_equals_brute_force(inst: tuple[np.ndarray, np.ndarray, int, int]) -> None:
    fit, allowed, lo, hi = inst
    sol = solve_circles(fit, allowed, lo, hi)
    placed = sol.circle_of >= 0
    assert allowed[np.flatnonzero(placed), sol.circle_of[placed]].all()
    sizes = sol.sizes
    assert ((sizes == 0) | ((sizes >= lo) & (sizes <= hi))).all()
    assert (sol.open == (sizes > 0)).all()
    want = brute(fit, allowed, lo, hi)
    got = (int(placed.sum()), float(fit[np.flatnonzero(placed), sol.circle_of[placed]].sum()))
    assert got[0] == want[0] and got[1] == pytest.approx(want[1], abs=1e-9)
    assert sol.exact


@st.composite
def cohorts(draw: st.DrawFn) -> mm.Cohort:
    types = st.lists(st.sampled_from(["group", "one_to_one", "peer"]), min_size=1,
                     max_size=2, unique=True)
    topics = st.lists(st.sampled_from(TOPICS), min_size=1, max_size=3, unique=True)
    n_e = draw(st.integers(1, 9))
    n_r = draw(st.integers(1, 4))
    mentees = [mm.Mentee(id=f"e{k}", topics=draw(topics), types=draw(types))
               for k in range(n_e)]
    mentors = [mm.Mentor(id=f"r{k}", topics=draw(topics), types=draw(types))
               for k in range(n_r)]
    forbidden = [(e.id, r.id) for e in mentees for r in mentors
                 if draw(st.integers(0, 7)) == 0]
    return mm.Cohort(mentees=mentees, mentors=mentors, forbidden=forbidden)


@settings(max_examples=60, deadline=None)
@given(cohorts(), st.integers(1, 3), st.integers(0, 3))
def test_circles_respect_sizes_types_and_exclusions(cohort: mm.Cohort, lo: int,
                                                   extra: int) -> None:
    hi = lo + extra
    result = mm.form_circles(cohort, min_size=lo, max_size=hi)
    placed: list[str] = []
    for circle in result.circles:
        lead = cohort.mentor(circle.lead)
        assert mm.MentorshipType.GROUP in lead.types
        assert lo <= circle.size <= hi
        for m in circle.members:
            mentee = cohort.mentee(m.mentee)
            assert mm.MentorshipType.GROUP in mentee.types
            assert not cohort.is_forbidden(m.mentee, circle.lead)
            assert set(mentee.topics) & set(lead.topics)  # min_shared=1
            assert m.reasons and m.shared_topics
            placed.append(m.mentee)
    assert len(placed) == len(set(placed))
    group = {e.id for e in cohort.mentees if mm.MentorshipType.GROUP in e.types}
    assert set(placed) | {u.mentee for u in result.left_out} == group
    assert not set(placed) & {u.mentee for u in result.left_out}
    assert all(u.reason for u in result.left_out)
    opened = {c.lead for c in result.circles}
    assert opened.isdisjoint(result.closed)


def test_reasons_name_topics_shared_with_circle_and_lead() -> None:
    c = mm.Cohort(
        mentees=[mm.Mentee(id="a", topics=["clinical work", "qi"], types=["group"]),
                 mm.Mentee(id="b", topics=["clinical work", "qi", "research"], types=["group"]),
                 mm.Mentee(id="c", topics=["research"], types=["group"]),
                 mm.Mentee(id="d", topics=["teaching"], types=["group"]),
                 mm.Mentee(id="e", topics=["qi"], types=["one_to_one"])],
        mentors=[mm.Mentor(id="lead", topics=["clinical work", "qi"], types=["group"])])
    result = mm.form_circles(c, min_size=2, max_size=2)
    circle = result.circles[0]
    assert [m.mentee for m in circle.members] == ["a", "b"]  # a, b fit best; max 2
    assert circle.members[0].reasons[0] == \
        "shares clinical work and qi with the circle and its lead"
    assert circle.topics == ("clinical work", "qi")
    left = {u.mentee: u.reason for u in result.left_out}
    assert set(left) == {"c", "d"}  # e does not prefer group mentorship
    assert "no group lead shares" in left["c"] and "no group lead shares" in left["d"]


def test_too_few_to_open_is_explained() -> None:
    c = mm.Cohort(mentees=[mm.Mentee(id="a", topics=["qi"], types=["group"])],
                  mentors=[mm.Mentor(id="lead", topics=["qi"], types=["group"])])
    result = mm.form_circles(c, min_size=2, max_size=5)
    assert result.circles == () and result.closed == ("lead",)
    assert "too few group mentees fit lead" in result.left_out[0].reason


def test_full_circle_is_explained_and_exports(tmp_path) -> None:
    c = mm.Cohort(mentees=[mm.Mentee(id=f"e{k}", topics=["qi"], types=["group"])
                           for k in range(3)],
                  mentors=[mm.Mentor(id="lead", topics=["qi"], types=["group"])])
    result = mm.form_circles(c, min_size=1, max_size=2)
    assert "full" in result.left_out[0].reason
    assert result.to_frame().shape == (2, 5)
    text = result.to_csv(tmp_path / "circles.csv").read_text()
    assert text.startswith("lead,mentee,score,shared_topics,reasons")
    again = mm.rounds.CircleResult.model_validate_json(result.model_dump_json())
    assert again == result


def test_bad_sizes_and_ids() -> None:
    c = mm.example_cohort()
    with pytest.raises(InvalidInputError, match="min_size"):
        mm.form_circles(c, min_size=4, max_size=3)
    with pytest.raises(UnknownIdError, match="nobody"):
        mm.form_circles(c, leads=["nobody"])


def test_department_scale_is_exact() -> None:
    rng = np.random.default_rng(3)
    n, n_c = 120, 12
    fit = rng.integers(0, 5, size=(n, n_c)) / 4
    allowed = rng.random((n, n_c)) < 0.3
    sol = solve_circles(fit, allowed, 4, 8)
    sizes = sol.sizes
    assert sol.exact and ((sizes == 0) | ((sizes >= 4) & (sizes <= 8))).all()
