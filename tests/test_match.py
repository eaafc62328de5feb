from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import mentormatch as mm
from mentormatch.errors import InvalidInputError, UnknownIdError


@pytest.fixture(scope="module")
def pilot() -> mm.Cohort:
    return mm.example_cohort()


def test_example_cohort_is_shaped_like_the_pilot(pilot: mm.Cohort) -> None:
    assert (len(pilot.mentees), len(pilot.mentors)) == (7, 33)
    assert any(e.demand == 2 for e in pilot.mentees)
    assert any(e.supervisors for e in pilot.mentees)


def test_match_pairs_everyone_with_reasons(pilot: mm.Cohort) -> None:
    result = mm.match(pilot, solver="hungarian")
    assert result.metrics.mentees_matched == 7
    assert not result.unmatched
    for pair in result.pairs:
        assert pair.reasons and pair.reasons[0].startswith("offers")
        assert not pilot.is_forbidden(pair.mentee, pair.mentor)
    loads = result.metrics.mentor_loads
    assert all(loads[m.id] <= m.capacity for m in pilot.mentors)
    assert "mentor-03" not in result.mentors_of("new-02")  # supervisor


def test_same_input_same_result(pilot: mm.Cohort) -> None:
    a = mm.match(pilot).model_dump_json()
    b = mm.match(mm.example_cohort()).model_dump_json()
    assert a == b


def test_json_round_trip_and_no_sensitive_values() -> None:
    c = mm.Cohort(mentees=[mm.Mentee(id="e", topics=["a"], gender="secret-g",
                                     concordance=["gender"])],
                  mentors=[mm.Mentor(id="r", topics=["a"], gender="secret-g")])
    result = mm.match(c)
    text = result.model_dump_json()
    assert "secret-g" not in text
    again = mm.MatchResult.model_validate_json(text)
    assert again.pairs == result.pairs and again.metrics == result.metrics
    assert "concordance asked for on gender, and met" in result.pairs[0].reasons


def test_unmatched_reasons() -> None:
    c = mm.Cohort(
        mentees=[mm.Mentee(id="e1", topics=["a"]), mm.Mentee(id="e2", topics=["a"]),
                 mm.Mentee(id="e3", topics=["a"], supervisors=["r1"])],
        mentors=[mm.Mentor(id="r1", topics=["a"])],
        forbidden=[("e2", "r1")],
    )
    result = mm.match(c)
    reasons = {u.mentee: u.reason for u in result.unmatched}
    assert result.mentors_of("e1") == ("r1",)
    assert reasons["e2"].startswith("no admissible mentor: 1 of 1 mentors excluded")
    assert reasons["e3"].startswith("no admissible mentor")


def test_unmatched_because_mentors_are_full() -> None:
    c = mm.Cohort(mentees=[mm.Mentee(id="e1", topics=["a"]), mm.Mentee(id="e2", topics=["a"])],
                  mentors=[mm.Mentor(id="r1", topics=["a"])])
    result = mm.match(c)
    assert len(result.unmatched) == 1
    assert "at capacity" in result.unmatched[0].reason


def test_shortfall_reason() -> None:
    c = mm.Cohort(mentees=[mm.Mentee(id="e1", topics=["a"], demand=3)],
                  mentors=[mm.Mentor(id="r1", topics=["a"]), mm.Mentor(id="r2")])
    result = mm.match(c)
    assert result.shortfall[0].model_dump() == {
        "mentee": "e1", "asked": 3, "given": 2,
        "reason": "only 2 admissible mentor(s) in the cohort"}


def test_min_score_excludes_weak_pairs() -> None:
    c = mm.Cohort(mentees=[mm.Mentee(id="e1", topics=["a"])],
                  mentors=[mm.Mentor(id="r1", topics=["b"])])
    assert mm.match(c).pairs
    result = mm.match(c, min_score=0.5)
    assert not result.pairs
    assert "below the minimum 0.5" in result.unmatched[0].reason


def test_locked_pairs_are_kept_and_marked(pilot: mm.Cohort) -> None:
    c = pilot.model_copy(update={"locked": (("new-01", "mentor-33"),)})
    result = mm.match(c)
    assert "mentor-33" in result.mentors_of("new-01")
    assert [p.locked for p in result.pairs if p.mentor == "mentor-33"] == [True]


def test_shortlist_never_recommends_excluded(pilot: mm.Cohort) -> None:
    sl = mm.shortlist(pilot, k=3)
    for rec in sl.recommendations:
        assert not pilot.is_forbidden(rec.mentee, rec.mentor)
    for e in pilot.mentee_ids:
        recs = sl.for_mentee(e)
        assert [r.rank for r in recs] == [1, 2, 3]
        assert [r.score for r in recs] == sorted((r.score for r in recs), reverse=True)
    assert all(r.mentor != "mentor-03" for r in sl.for_mentee("new-02"))
    assert sl.to_frame().shape == (21, 5)


def test_shortlist_ties_go_to_the_first_listed() -> None:
    c = mm.Cohort(mentees=[mm.Mentee(id="e", topics=["a"])],
                  mentors=[mm.Mentor(id=f"r{k}", topics=["a"]) for k in range(4)])
    assert [r.mentor for r in mm.shortlist(c, k=2).recommendations] == ["r0", "r1"]


def test_rematch_changes_only_the_released_pair(pilot: mm.Cohort) -> None:
    first = mm.match(pilot)
    gone = first.pairs[0]
    after = mm.rematch(first, release=[(gone.mentee, gone.mentor)])
    before = {(p.mentee, p.mentor) for p in first.pairs}
    now = {(p.mentee, p.mentor) for p in after.pairs}
    assert before - now == {(gone.mentee, gone.mentor)}
    added = now - before
    assert len(added) == 1 and next(iter(added))[0] == gone.mentee
    assert {(c.action, c.mentee, c.mentor) for c in after.changes} == {
        ("removed", gone.mentee, gone.mentor), ("added", *next(iter(added)))}
    # the kept pairs are not reported as director locks
    assert not any(p.locked for p in after.pairs)


@pytest.mark.parametrize("solver", ["flow", "greedy"])
def test_rematch_works_on_a_candidates_result(pilot: mm.Cohort, solver: str) -> None:
    c = mm.Cohort(mentees=pilot.mentees, mentors=pilot.mentors, forbidden=pilot.forbidden,
                  locked=[("new-01", "mentor-05")], vocabulary=pilot.vocabulary)
    first = mm.match(c, solver=solver, candidates=3)
    assert first.provenance.options["candidates"] == 3
    gone = next(p for p in first.pairs if not p.locked)
    leaver = next(p.mentor for p in first.pairs
                  if p.mentee != gone.mentee and not p.locked)
    after = mm.rematch(first, release=[(gone.mentee, gone.mentor)], leaving_mentors=[leaver],
                       new_mentees=[mm.Mentee(id="new-09", topics=["teaching"])])
    # the large path ran again (no dense matrix), with the same k and solver
    assert after.provenance.solver == solver
    assert after.provenance.options["candidates"] == 3
    assert after.provenance.options["release"] == [[gone.mentee, gone.mentor]]
    assert "candidates" in after.provenance.solver_info
    touched = {(gone.mentee, gone.mentor)} | {(p.mentee, p.mentor) for p in first.pairs
                                              if p.mentor == leaver}
    now = {(p.mentee, p.mentor): p for p in after.pairs}
    for p in first.pairs:
        assert ((p.mentee, p.mentor) in now) == ((p.mentee, p.mentor) not in touched)
        if (p.mentee, p.mentor) in now:
            assert now[(p.mentee, p.mentor)] == p  # same score, reasons, lock flag
    assert [p.locked for p in after.pairs if p.mentor == "mentor-05"] == [True]
    assert {(ch.mentee, ch.mentor) for ch in after.changes if ch.action == "removed"} == touched
    assert after.mentors_of("new-09") != ()
    assert after.cohort is not None and leaver not in after.cohort.mentor_ids
    # and densely, when asked
    dense = mm.rematch(first, release=[(gone.mentee, gone.mentor)], candidates=None)
    assert "candidates" not in dense.provenance.solver_info
    assert (gone.mentee, gone.mentor) not in {(p.mentee, p.mentor) for p in dense.pairs}


def test_rematch_from_json_needs_the_cohort(pilot: mm.Cohort) -> None:
    first = mm.MatchResult.model_validate_json(mm.match(pilot).model_dump_json())
    p = first.pairs[0]
    with pytest.raises(InvalidInputError, match="pass cohort="):
        mm.rematch(first, release=[(p.mentee, p.mentor)])
    after = mm.rematch(first, release=[(p.mentee, p.mentor)], cohort=pilot)
    assert (p.mentee, p.mentor) not in {(q.mentee, q.mentor) for q in after.pairs}


def test_rematch_rejects_unknown_pairs(pilot: mm.Cohort) -> None:
    with pytest.raises(UnknownIdError, match=r"release\[0\]"):
        mm.rematch(mm.match(pilot), release=[("new-01", "nobody")])


def test_to_csv_and_frame(tmp_path: Path, pilot: mm.Cohort) -> None:
    result = mm.match(pilot)
    path = result.to_csv(tmp_path / "pairs.csv")
    lines = path.read_text().splitlines()
    assert lines[0] == "mentee,mentor,score,locked,reasons"
    assert len(lines) == len(result.pairs) + 1
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind
    frame = result.to_frame()
    assert frame["mentee"].tolist() == [p.mentee for p in result.pairs]


def test_scores_are_vectorised_views(pilot: mm.Cohort) -> None:
    table = mm.scoring.default_scorer().score(pilot)
    assert table.mentee_scores.shape == (7, 33)
    assert table.has_two_views
    assert not np.allclose(table.mentee_scores, table.mentor_scores)
    assert np.all((table.mentee_scores >= 0) & (table.mentee_scores <= 1))


def test_provenance_records_solver_and_version(pilot: mm.Cohort) -> None:
    result = mm.match(pilot, solver="hungarian")
    prov = json.loads(result.model_dump_json())["provenance"]
    assert prov["solver"] == "hungarian" and prov["library_version"]
