"""Mentors' peer circles by topic (issue 14, item 7): exact, sized, in Program and the CLI."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.cli import main
from mentormatch.errors import InvalidInputError, UnknownIdError, UnknownTopicError

TOPICS = ("qi", "teaching", "research")


@st.composite
def mentor_cohorts(draw: st.DrawFn) -> mm.Cohort:
    n = draw(st.integers(1, 6))
    mentors = []
    for k in range(n):
        offered = draw(st.dictionaries(st.sampled_from(TOPICS), st.integers(1, 3), max_size=3))
        mentors.append(mm.Mentor(id=f"r{k}", topics={t: float(w) for t, w in offered.items()}))
    return mm.Cohort(mentees=[], mentors=mentors)


def _brute(cohort: mm.Cohort, min_size: int, max_size: int) -> tuple[int, float]:
    """Best (placed, total fit) over every way to put each mentor in one topic or none."""
    weights = [m.topics for m in cohort.mentors]
    best = (0, 0.0)
    for choice in itertools.product([None, *TOPICS], repeat=len(weights)):
        if any(t is not None and t not in w for t, w in zip(choice, weights, strict=True)):
            continue
        sizes = [choice.count(t) for t in TOPICS]
        if any(s and not min_size <= s <= max_size for s in sizes):
            continue
        fit = sum(w[t] / sum(w.values()) for t, w in zip(choice, weights, strict=True)
                  if t is not None)
        best = max(best, (sum(t is not None for t in choice), fit))
    return best


@settings(max_examples=40, deadline=None)
@given(mentor_cohorts(), st.integers(1, 3))
def test_circles_are_the_exact_optimum(cohort: mm.Cohort, min_size: int) -> None:
    max_size = 6  # one circle per topic at most: the brute force stays simple
    result = mm.form_mentor_circles(cohort, min_size=min_size, max_size=max_size)
    placed = [m.mentor for c in result.circles for m in c.members]
    assert len(placed) == len(set(placed))
    for c in result.circles:
        assert min_size <= c.size <= max_size
        for m in c.members:
            assert c.topic in cohort.mentor(m.mentor).topics
    assert {u.mentor for u in result.left_out} == set(cohort.mentor_ids) - set(placed)
    fit = sum(m.score for c in result.circles for m in c.members)
    want_placed, want_fit = _brute(cohort, min_size, max_size)
    assert len(placed) == want_placed
    assert fit == pytest.approx(want_fit, abs=1e-6)
    assert result.info["exact"]


def test_a_popular_topic_gets_several_circles_and_reasons() -> None:
    mentors = [mm.Mentor(id=f"r{k}", topics=["qi"]) for k in range(5)]
    mentors.append(mm.Mentor(id="r5", topics=["teaching"]))
    result = mm.form_mentor_circles(mm.Cohort(mentees=[], mentors=mentors), min_size=2,
                                    max_size=3)
    assert [c.name for c in result.circles] == ["qi", "qi (2)"]
    assert sorted(c.size for c in result.circles) == [2, 3]
    assert [(u.mentor, u.reason) for u in result.left_out] == [
        ("r5", "fewer than 2 mentors offer each of their topics (teaching)")]
    assert result.circles[0].members[0].reasons == ("offers qi, the circle topic",)
    assert list(result.to_records()[0]) == list(result.COLUMNS)


def test_invited_mentors_and_topics_are_checked() -> None:
    cohort = mm.example_cohort()
    with pytest.raises(UnknownIdError):
        mm.form_mentor_circles(cohort, mentors=["nobody"])
    with pytest.raises(UnknownTopicError):
        mm.form_mentor_circles(cohort, topics=["astrology"])
    with pytest.raises(InvalidInputError):
        mm.form_mentor_circles(cohort, min_size=4, max_size=3)
    some = cohort.mentor_ids[:6]
    result = mm.form_mentor_circles(cohort, mentors=some, topics=["research and scholarship"],
                                    min_size=2)
    assert {m.mentor for c in result.circles for m in c.members} <= set(some)
    assert all(c.topic == "research and scholarship" for c in result.circles)


def test_program_runs_the_round_when_asked() -> None:
    cohort = mm.example_cohort()
    assert mm.Program(cohort=cohort).run().mentor_circles is None  # off by default
    program = mm.Program(cohort=cohort, long_term=False, circles=False, peers=False,
                         buddies=False, tasks=False, mentor_circles=True,
                         mentor_circle_min=2, mentor_circle_max=5)
    result = program.run()
    assert result.mentor_circles is not None and result.mentor_circles.circles
    rows = [r for r in result.to_records() if r["round"] == "mentor_circle"]
    assert len(rows) == sum(c.size for c in result.mentor_circles.circles)
    assert all(2 <= c.size <= 5 for c in result.mentor_circles.circles)


def test_cli_program_mentor_circles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cohort.json"
    path.write_text(mm.example_cohort().model_dump_json())
    out = tmp_path / "rounds.csv"
    assert main(["program", str(path), "--mentor-circles", "--mentor-circle-min", "2",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "mentor_circle" in text and "the circle topic" in text
    assert "mentor_circle" in out.read_text()
