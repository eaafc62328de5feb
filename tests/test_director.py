"""Director workflow: topic supply and demand, supervision, the year after the match."""

from __future__ import annotations

import sys

import matplotlib.colors as mcolors
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.errors import DuplicateIdError, UnknownIdError, UnknownTopicError
from mentormatch.report._plots import _SHORT

TOPICS = ("a", "b", "c", "d")


# --------------------------------------------------------------------------- supply, demand


def tiny() -> mm.Cohort:
    return mm.Cohort(
        mentees=[mm.Mentee(id="e1", topics=["a", "b"]), mm.Mentee(id="e2", topics=["a"]),
                 mm.Mentee(id="e3", topics={"c": 0.5}), mm.Mentee(id="e4", topics=["a"]),
                 mm.Mentee(id="e5", topics=["a"], demand=2)],
        mentors=[mm.Mentor(id="r1", topics=["a"], capacity=1),
                 mm.Mentor(id="r2", topics=["a", "b"], capacity=2),
                 mm.Mentor(id="r3", topics=["d"], capacity=3),
                 mm.Mentor(id="r4", topics=["b"], capacity=0)],
    )


def test_topic_demand_counts_by_hand() -> None:
    table = mm.topic_demand(tiny())
    # topic: (mentees asking, mentors offering, places offered, shortfall), worked by hand:
    # a: e1 e2 e4 e5 ask; r1 (1) and r2 (2) offer 3 places; 4 - 3 = 1 short.
    # b: e1 asks; r2 (2) and r4 (0) offer 2 places.  c: e3 asks, nobody offers.
    # d: nobody asks; r3 offers 3 places.
    expected = {"a": (4, 2, 3, 1), "b": (1, 2, 2, 0), "c": (1, 0, 0, 1), "d": (0, 1, 3, 0)}
    got = {t.topic: (t.mentees_asking, t.mentors_offering, t.capacity_offered, t.shortfall)
           for t in table.topics}
    assert got == expected
    assert [t.topic for t in table.topics] == ["a", "b", "c", "d"]  # first appearance
    assert [t.topic for t in table.shortfalls] == ["a", "c"]
    assert table.topic("c").shortfall == 1
    with pytest.raises(UnknownTopicError, match="'zz'"):
        table.topic("zz")
    frame = table.to_frame()
    assert frame.set_index("topic").loc["a"].tolist() == [4, 2, 3, 1]  # type: ignore[operator]


def test_topic_demand_lists_every_vocabulary_topic() -> None:
    vocab = mm.TopicVocabulary(topics=["z", "a", "b"])
    c = mm.Cohort(mentees=[mm.Mentee(id="e", topics=["a"])],
                  mentors=[mm.Mentor(id="r", topics=["b"])], vocabulary=vocab)
    table = mm.topic_demand(c)
    assert [t.topic for t in table.topics] == ["z", "a", "b"]
    assert table.topic("z").model_dump() == {
        "topic": "z", "mentees_asking": 0, "mentors_offering": 0, "capacity_offered": 0,
        "shortfall": 0}


def test_topic_demand_of_the_pilot_matches_the_study() -> None:
    table = mm.topic_demand(mm.example_cohort())
    by_mentors = sorted(table.topics, key=lambda t: -t.mentors_offering)[:3]
    by_mentees = sorted(table.topics, key=lambda t: -t.mentees_asking)[:3]
    # the study: mentors offer clinical work, research, work-life balance most;
    # mentees ask for clinical work, teaching, quality improvement most.
    assert [t.topic for t in by_mentors] == [
        "clinical work", "research and scholarship", "work life balance"]
    assert [t.topic for t in by_mentees] == [
        "clinical work", "teaching and curriculum development", "quality improvement"]


@st.composite
def cohorts(draw: st.DrawFn, supervision: bool = False) -> mm.Cohort:
    n_e = draw(st.integers(1, 5))
    n_r = draw(st.integers(1, 5))
    topic_sets = st.lists(st.sampled_from(TOPICS), max_size=3, unique=True)
    e_sup: dict[int, list[str]] = {i: [] for i in range(n_e)}
    r_sup: dict[int, list[str]] = {j: [] for j in range(n_r)}
    if supervision:
        for i in range(n_e):
            for j in range(n_r):
                kind = draw(st.sampled_from(["none", "none", "mentor sup", "mentee sup"]))
                if kind == "mentor sup":
                    e_sup[i].append(f"r{j}")
                elif kind == "mentee sup":
                    r_sup[j].append(f"e{i}")
    mentees = [mm.Mentee(id=f"e{i}", topics=draw(topic_sets), demand=draw(st.integers(0, 2)),
                         supervisors=e_sup[i], gender=draw(st.sampled_from([None, "g-secret"])))
               for i in range(n_e)]
    mentors = [mm.Mentor(id=f"r{j}", topics=draw(topic_sets),
                         capacity=draw(st.integers(0, 2)), supervisors=r_sup[j],
                         background="b-secret")
               for j in range(n_r)]
    return mm.Cohort(mentees=mentees, mentors=mentors)


@settings(max_examples=60, deadline=None)
@given(cohorts())
def test_topic_demand_agrees_with_plain_counting(c: mm.Cohort) -> None:
    table = mm.topic_demand(c)
    for row in table.topics:
        asking = sum(1 for e in c.mentees if row.topic in e.topics)
        offering = [r for r in c.mentors if row.topic in r.topics]
        places = sum(r.capacity for r in offering)
        assert (row.mentees_asking, row.mentors_offering, row.capacity_offered,
                row.shortfall) == (asking, len(offering), places, max(0, asking - places))
    mentioned = {t for p in (*c.mentees, *c.mentors) for t in p.topics}
    assert {t.topic for t in table.topics} == mentioned


# --------------------------------------------------------------------------- figures


def _red_bars(ax) -> int:
    red = mcolors.to_rgba(_SHORT)
    return sum(1 for p in ax.patches if mcolors.same_color(p.get_facecolor(), red))


def test_plot_topic_demand_highlights_shortfalls() -> None:
    fig = mm.plot_topic_demand(tiny())
    left, right = fig.axes
    assert left.get_title() == "Topics of most interest to mentors"
    assert right.get_title() == "Topics of most interest to mentees"
    # topics a and c are short: highlighted in both panels
    assert _red_bars(left) == 2 and _red_bars(right) == 2
    labels = [t.get_text() for t in right.get_yticklabels()]
    assert labels[-1] == "a"  # most asked-for topic on top
    assert len(mm.plot_topic_demand(mm.topic_demand(tiny()), top=2).axes[0].patches) == 2


def test_plot_result_draws_loads_against_capacity() -> None:
    result = mm.match(mm.example_cohort())
    fig = mm.plot_result(result)
    hist, loads = fig.axes
    assert sum(p.get_height() for p in hist.patches) == len(result.pairs)  # type: ignore[attr-defined]
    # the bars labelled "mentees" sum to the number of pairs
    bars = [c for c in loads.containers if c.get_label() == "mentees"][0]
    assert sum(p.get_width() for p in bars) == len(result.pairs)


# --------------------------------------------------------------------------- supervision


def test_supervision_note_names_ids_only() -> None:
    c = mm.Cohort(
        mentees=[mm.Mentee(id="new-02", topics=["a"], supervisors=["mentor-03"],
                           gender="g-secret"),
                 mm.Mentee(id="new-05", topics=["a"], background="b-secret")],
        mentors=[mm.Mentor(id="mentor-03", topics=["a"], capacity=2),
                 mm.Mentor(id="mentor-07", topics=["a"], supervisors=["new-05"])],
    )
    result = mm.match(c)
    assert result.notes == ("2 supervisor relations were excluded from matching: "
                            "mentor-03 supervises new-02, new-05 supervises mentor-07",)
    assert ("new-02", "mentor-03") not in {(p.mentee, p.mentor) for p in result.pairs}
    assert "secret" not in result.model_dump_json()
    again = mm.MatchResult.model_validate_json(result.model_dump_json())
    assert again.notes == result.notes


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts(supervision=True), st.data())
def test_supervisors_are_never_matched(c: mm.Cohort, data: st.DataObject) -> None:
    supervised = set(c.supervision_pairs())
    for solver in mm.solvers.available():
        result = mm.match(c, solver=solver)
        made = {(p.mentee, p.mentor) for p in result.pairs}
        assert not made & supervised, solver
        noted = any("supervisor relation" in note for note in result.notes)
        assert noted == bool(supervised)
        if result.pairs:
            p = data.draw(st.sampled_from(result.pairs))
            after = mm.rematch(result, release=[(p.mentee, p.mentor)])
            assert not {(q.mentee, q.mentor) for q in after.pairs} & supervised, solver


# --------------------------------------------------------------------------- the year after


def _kept_identical(before: mm.MatchResult, after: mm.MatchResult,
                    touched: set[tuple[str, str]]) -> None:
    now = {(p.mentee, p.mentor): p for p in after.pairs}
    mentors_before = {p.mentee: {q.mentor for q in before.pairs if q.mentee == p.mentee}
                      for p in before.pairs}
    for p in before.pairs:
        if (p.mentee, p.mentor) in touched:
            assert (p.mentee, p.mentor) not in now
        elif mentors_before[p.mentee] == {q.mentor for q in after.pairs
                                          if q.mentee == p.mentee}:
            assert now[(p.mentee, p.mentor)] == p  # same score, reasons, lock flag
        else:  # what a mentor adds to the mentee's others ("adds ...") names the others
            kept = now[(p.mentee, p.mentor)]
            assert (kept.score, kept.locked) == (p.score, p.locked)
            assert [r for r in kept.reasons if not r.startswith("adds ")] == \
                [r for r in p.reasons if not r.startswith("adds ")]
    removed = {(c.mentee, c.mentor) for c in after.changes if c.action == "removed"}
    added = {(c.mentee, c.mentor) for c in after.changes if c.action == "added"}
    assert removed == touched
    assert added == set(now) - {(p.mentee, p.mentor) for p in before.pairs}


@pytest.fixture(scope="module")
def first() -> mm.MatchResult:
    return mm.match(mm.example_cohort())


def test_rematch_change_of_mentor(first: mm.MatchResult) -> None:
    gone = first.pairs[0]
    after = mm.rematch(first, release=[(gone.mentee, gone.mentor)])
    _kept_identical(first, after, {(gone.mentee, gone.mentor)})
    # the released pair stays forbidden in the cohort carried forward
    assert after.cohort is not None and after.cohort.is_forbidden(gone.mentee, gone.mentor)
    later = mm.rematch(after, release=[(p.mentee, p.mentor) for p in after.pairs
                                       if p.mentee == gone.mentee])
    assert gone.mentor not in later.mentors_of(gone.mentee)


def test_rematch_mentor_leaves(first: mm.MatchResult) -> None:
    loads = first.metrics.mentor_loads
    leaver = max(loads, key=lambda r: loads[r])  # a mentor with pairs
    touched = {(p.mentee, p.mentor) for p in first.pairs if p.mentor == leaver}
    assert touched
    after = mm.rematch(first, leaving_mentors=[leaver])
    _kept_identical(first, after, touched)
    assert after.cohort is not None and leaver not in after.cohort.mentor_ids
    assert leaver not in after.metrics.mentor_loads
    assert {c.why for c in after.changes if c.action == "removed"} == {
        f"{leaver} left the program"}
    # everyone who lost this mentor gets another one (the pilot has spare capacity)
    assert after.metrics.mentees_matched == first.metrics.mentees_matched


def test_rematch_new_mentee_joins(first: mm.MatchResult) -> None:
    newcomer = mm.Mentee(id="new-08", topics=["leadership", "teaching"], demand=2)
    after = mm.rematch(first, new_mentees=[newcomer])
    _kept_identical(first, after, set())
    assert after.cohort is not None and after.cohort.mentee_ids[-1] == "new-08"
    assert after.cohort.mentee("new-08").topics == {
        "leadership": 1.0, "teaching and curriculum development": 1.0}  # vocabulary applied
    assert len(after.mentors_of("new-08")) == 2
    assert {c.why for c in after.changes} == {"joined mid-year"}
    with pytest.raises(DuplicateIdError, match=r"new_mentees\[0\].*'new-01'"):
        mm.rematch(first, new_mentees=[mm.Mentee(id="new-01")])


def test_rematch_all_three_at_once_and_errors(first: mm.MatchResult) -> None:
    a, b = first.pairs[0], next(p for p in first.pairs if p.mentor != first.pairs[0].mentor
                                and p.mentee != first.pairs[0].mentee)
    touched = {(a.mentee, a.mentor)} | {(p.mentee, p.mentor) for p in first.pairs
                                         if p.mentor == b.mentor}
    after = mm.rematch(first, release=[(a.mentee, a.mentor)], leaving_mentors=[b.mentor],
                       new_mentees=[mm.Mentee(id="late", topics=["wellness"])])
    _kept_identical(first, after, touched)
    with pytest.raises(UnknownIdError, match=r"leaving_mentors\[0\].*'ghost'"):
        mm.rematch(first, leaving_mentors=["ghost"])


def test_rematch_releases_a_director_locked_pair() -> None:
    c = mm.example_cohort()
    c = mm.Cohort(mentees=c.mentees, mentors=c.mentors, forbidden=c.forbidden,
                  locked=[("new-01", "mentor-05")], vocabulary=c.vocabulary)
    first = mm.match(c)
    assert [p.locked for p in first.pairs if p.mentor == "mentor-05"] == [True]
    after = mm.rematch(first, release=[("new-01", "mentor-05")])
    _kept_identical(first, after, {("new-01", "mentor-05")})
    assert after.cohort is not None and after.cohort.locked == ()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts(supervision=True), st.data())
def test_rematch_keeps_untouched_pairs_on_random_cohorts(c: mm.Cohort,
                                                         data: st.DataObject) -> None:
    for solver in mm.solvers.available():
        first = mm.match(c, solver=solver)
        pairs = [(p.mentee, p.mentor) for p in first.pairs]
        release = data.draw(st.lists(st.sampled_from(pairs), unique=True, max_size=2)
                            if pairs else st.just([]))
        leaving = data.draw(st.lists(st.sampled_from(c.mentor_ids), unique=True, max_size=1))
        join = data.draw(st.lists(st.sampled_from(TOPICS), max_size=2, unique=True))
        new = [mm.Mentee(id="joiner", topics=join)]
        after = mm.rematch(first, release=release, leaving_mentors=leaving, new_mentees=new)
        touched = set(release) | {p for p in pairs if p[1] in leaving}
        _kept_identical(first, after, touched)
        assert not {(p.mentee, p.mentor) for p in after.pairs} & set(release)


def test_figures_without_matplotlib_say_how_to_install(monkeypatch, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import now fails
    with pytest.raises(ImportError, match=r"mentormatch\[report\]"):
        mm.plot_topic_demand(tiny())
    with pytest.raises(ImportError, match=r"mentormatch\[report\]"):
        mm.write_report(mm.match(tiny()), tmp_path / "r.html")
    assert list(tmp_path.iterdir()) == []
    # the rest of the library does not need it
    assert mm.topic_demand(tiny()).topics
