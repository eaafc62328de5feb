"""Must-haves: hard rules per person and program-wide, as masks every solver honours."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from brute import assert_solvers_reach_the_optimum
from mentormatch.encode import build_problem
from mentormatch.errors import ConstraintConflictError, InvalidInputError, UnknownIdError
from mentormatch.scoring import default_scorer

SITES = ("A", "B", None)
DIVISIONS = ("x", "y", None)
STAGES = ("early", "mid", "late", None)
TOPICS = ("research", "teaching", "qi")
RULES = ("same site", "different site", "same division", "different division",
         "not the same advisor or lab", "mentor at a later career stage than the mentee",
         "mentor must offer research", "mentor must offer qi")
RANK = {"early": 0, "mid": 1, "late": 2}


def by_definition(rule: str, e: mm.Mentee, r: mm.Mentor) -> bool:
    """The rule read straight from its words, pair by pair (independent of the library)."""
    if rule.startswith("mentor must offer "):
        return rule.removeprefix("mentor must offer ") in r.topics
    if rule == "not the same advisor or lab":
        return not set(e.supervisors) & set(r.supervisors)
    if rule.startswith("mentor at a later"):
        return (e.career_stage is not None and r.career_stage is not None
                and RANK[r.career_stage] > RANK[e.career_stage])
    attr = "site" if rule.endswith("site") else "division"
    a, b = getattr(e, attr), getattr(r, attr)
    if a is None or b is None:
        return False
    return bool(a == b) if rule.startswith("same") else bool(a != b)


@st.composite
def cohorts_with_rules(draw: st.DrawFn) -> tuple[mm.Cohort, list[tuple[str | None, str]]]:
    def person(kind: type[Any], ident: str, **extra: Any) -> Any:
        return kind(id=ident, site=draw(st.sampled_from(SITES)),
                    division=draw(st.sampled_from(DIVISIONS)),
                    career_stage=draw(st.sampled_from(STAGES)),
                    supervisors=draw(st.lists(st.sampled_from(["s1", "s2"]), max_size=1,
                                              unique=True)),
                    topics=draw(st.lists(st.sampled_from(TOPICS), min_size=1, unique=True)),
                    **extra)

    n_e, n_r = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    mentees = [person(mm.Mentee, f"e{i}", demand=draw(st.integers(0, 2))) for i in range(n_e)]
    mentors = [person(mm.Mentor, f"r{j}", capacity=draw(st.integers(0, 2)))
               for j in range(n_r)]
    rules = draw(st.lists(st.tuples(st.sampled_from([None, *(m.id for m in mentees)]),
                                    st.sampled_from(RULES)), max_size=3, unique=True))
    must = [mm.MustHave.parse(text, mentee=who) for who, text in rules]
    return mm.Cohort(mentees=mentees, mentors=mentors, must_haves=must), rules


def reference_problem(cohort: mm.Cohort, rules: list[tuple[str | None, str]]) -> mm.MatchProblem:
    """The problem without must-haves, then masked by the rules read pair by pair."""
    plain = mm.Cohort(mentees=cohort.mentees, mentors=cohort.mentors)
    base = build_problem(plain, default_scorer().score(plain))
    allowed = base.allowed.copy()
    for i, e in enumerate(cohort.mentees):
        for j, r in enumerate(cohort.mentors):
            for who, text in rules:
                if who in (None, e.id) and not by_definition(text, e, r):
                    allowed[i, j] = False
    return mm.MatchProblem(scores=base.scores, demand=base.demand, capacity=base.capacity,
                           allowed=allowed)


@settings(max_examples=120, deadline=None)
@given(cohorts_with_rules())
def test_exact_solvers_reach_the_brute_force_optimum_under_the_rules(
        case: tuple[mm.Cohort, list[tuple[str | None, str]]]) -> None:
    cohort, rules = case
    reference = reference_problem(cohort, rules)
    problem = build_problem(cohort, default_scorer().score(cohort))
    assert (problem.allowed == reference.allowed).all()
    assert_solvers_reach_the_optimum(cohort, problem, reference)


def site_cohort() -> mm.Cohort:
    mentees = [mm.Mentee(id="e7", topics=["research"], site="A"),
               mm.Mentee(id="e8", topics=["teaching"], site="B")]
    mentors = [mm.Mentor(id="r3", topics=["research"], site="B", capacity=2),
               mm.Mentor(id="r4", topics=["teaching"], site="A"),
               mm.Mentor(id="r5", topics=["teaching"], site="B")]
    research = mm.MustHave.parse("mentor must offer research", mentee="e7")
    return mm.Cohort(mentees=mentees, mentors=mentors, must_haves=["same site", research])


def test_diagnosis_and_unmatched_reason_say_which_must_haves_cannot_be_met() -> None:
    cohort = site_cohort()
    expected = ("no mentor meets all of e7's must-haves: only r3 offers research, "
                "and r3 is at another site")
    assert expected in mm.diagnose(cohort).messages
    result = mm.match(cohort, solver="flow")
    assert [(p.mentee, p.mentor) for p in result.pairs] == [("e8", "r5")]
    assert result.unmatched[0].reason == f"no admissible mentor: {expected}"
    assert result.provenance.must_haves == (
        "same site", "e7's must-have: mentor must offer research")
    assert any(n.startswith("2 must-haves applied before solving") for n in result.notes)


def test_large_cohort_path_honours_must_haves() -> None:
    cohort = site_cohort()
    for solver in ("flow", "greedy", "ilp", "stable"):
        result = mm.match(cohort, solver=solver, candidates=1)
        assert [(p.mentee, p.mentor) for p in result.pairs] == [("e8", "r5")], solver
        assert "must-have" in result.unmatched[0].reason
        assert result.provenance.must_haves


def test_large_path_agrees_with_the_dense_path_on_a_synthetic_cohort() -> None:
    base = mm.example_cohort()
    cohort = mm.Cohort(mentees=base.mentees, mentors=base.mentors, forbidden=base.forbidden,
                       must_haves=["different division"])
    dense = mm.match(cohort, solver="flow", objective="lexicographic")
    sparse = mm.match(cohort, solver="flow", candidates=2)
    assert sparse.provenance.solver_info["candidates"]["certified"]
    assert dense.metrics.n_pairs == sparse.metrics.n_pairs
    assert np.isclose(dense.metrics.total_score, sparse.metrics.total_score)
    problem = build_problem(cohort, default_scorer().score(cohort))
    assert mm.check(sparse, problem).ok


def test_check_names_a_broken_must_have_on_a_hand_made_result() -> None:
    cohort = site_cohort()
    plain = mm.Cohort(mentees=cohort.mentees, mentors=cohort.mentors)
    made = mm.match(plain, solver="flow")
    assert ("e7", "r3") in {(p.mentee, p.mentor) for p in made.pairs}
    problem = build_problem(plain, default_scorer().score(plain))
    report = mm.check(made, problem, cohort=cohort)
    assert ("pair ('e7', 'r3') breaks the must-have 'same site': r3 is at another site"
            in report.violations)


def test_rules_are_read_from_words_and_refused_when_unknown() -> None:
    assert mm.MustHave.parse("Not the same advisor or lab").kind == "no_shared_supervisor"
    assert mm.MustHave.parse("Mentor at a later career stage than the mentee.").kind == (
        "later_career_stage")
    with pytest.raises(InvalidInputError, match="unknown must-have 'same hospital'"):
        mm.Cohort(mentees=[], mentors=[], must_haves=["same hospital"])
    with pytest.raises(InvalidInputError, match="topic is needed"):
        mm.MustHave(kind="mentor_offers")
    with pytest.raises(UnknownIdError, match="unknown mentee id 'e9'"):
        mm.Cohort(mentees=[], mentors=[],
                  must_haves=[mm.MustHave.parse("same site", mentee="e9")])


def test_a_locked_pair_breaking_a_must_have_is_a_conflict() -> None:
    with pytest.raises(ConstraintConflictError, match="breaks the must-have 'same site'"):
        mm.Cohort(mentees=[mm.Mentee(id="e1", site="A")],
                  mentors=[mm.Mentor(id="r1", site="B")], locked=[("e1", "r1")],
                  must_haves=["same site"])


def test_unknown_attributes_do_not_meet_a_rule_and_say_so() -> None:
    cohort = mm.Cohort(mentees=[mm.Mentee(id="e1", site="A")], mentors=[mm.Mentor(id="r1")],
                       must_haves=["same site"])
    assert mm.match(cohort).unmatched[0].reason.endswith(
        "no mentor meets all of e1's must-haves: no mentor is at the same site")
    assert "r1 has no known site" in mm.check(
        mm.match(mm.Cohort(mentees=cohort.mentees, mentors=cohort.mentors),
                 solver="flow"), build_problem(cohort, default_scorer().score(cohort)),
        cohort=cohort).violations[-1]


def test_cohort_json_round_trip_keeps_the_rules() -> None:
    cohort = site_cohort()
    again = mm.Cohort.model_validate_json(cohort.model_dump_json())
    assert again.must_haves == cohort.must_haves


def test_cli_reads_rules_from_flags_and_a_rules_file(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from mentormatch.cli._main import main

    plain = site_cohort()
    path = tmp_path / "cohort.json"
    path.write_text(mm.Cohort(mentees=plain.mentees, mentors=plain.mentors).model_dump_json())
    rules = tmp_path / "rules.txt"
    rules.write_text("# the director's rules\ne7: mentor must offer research\n")
    out = tmp_path / "result.json"
    assert main(["match", str(path), "--solver", "flow", "--must-have", "same site",
                 "--must-haves", str(rules), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "2 must-haves applied before solving" in printed
    assert "only r3 offers research, and r3 is at another site" in printed
    saved = mm.MatchResult.model_validate_json(out.read_text())
    assert saved.provenance.must_haves == (
        "same site", "e7's must-have: mentor must offer research")
    bad = tmp_path / "bad.txt"
    bad.write_text("same hospital\n")
    assert main(["match", str(path), "--must-haves", str(bad)]) != 0
    assert "bad.txt, line 1: unknown must-have" in capsys.readouterr().err


def test_a_rules_files_unknown_id_is_refused_at_its_file_and_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mentormatch.cli._main import main
    from mentormatch.cli._reading import ReadOptions, load_cohort, read_must_haves

    plain = site_cohort()
    path = tmp_path / "cohort.json"
    path.write_text(mm.Cohort(mentees=plain.mentees, mentors=plain.mentors).model_dump_json())
    for line, role, ident in (("e99: same site", "mentee", "e99"),
                              ("mentor r99: mentee track must be phd", "mentor", "r99")):
        rules = tmp_path / "rules.txt"
        rules.write_text(f"# rules\ne7: mentor must offer research\n{line}\n")
        options = ReadOptions(must_haves=read_must_haves(rules))
        with pytest.raises(UnknownIdError) as err:
            load_cohort(path, options)
        assert str(err.value) == f"{rules}, line 3: unknown {role} id {ident!r}"
        assert main(["match", str(path), "--must-haves", str(rules)]) != 0
        assert f"rules.txt, line 3: unknown {role} id {ident!r}" in capsys.readouterr().err


def test_a_rules_line_for_the_mentor_side_without_a_mentor_is_refused(tmp_path: Path) -> None:
    # "mentor: RULE" was read as the must-have of a mentee whose id is "mentor".
    from mentormatch.cli._reading import read_must_haves

    rules = tmp_path / "rules.txt"
    for line in ("mentor: same site", "Mentor : mentor must offer research"):
        rules.write_text(f"same division\n\n{line}\n")
        with pytest.raises(InvalidInputError, match=r"rules\.txt, line 3: .* names no mentor"):
            read_must_haves(rules)
    rules.write_text("mentor r1: same site\ne1: same site\n")
    assert [(r.mentor, r.mentee) for r, _ in read_must_haves(rules)] == [("r1", None),
                                                                         (None, "e1")]


def test_rematch_keeps_the_cohorts_must_haves() -> None:
    result = mm.match(site_cohort(), solver="flow")
    again = mm.rematch(result, release=[("e8", "r5")])
    assert again.mentors_of("e8") == ("r3",)  # r4 teaches, but at another site
    assert again.cohort is not None and again.cohort.must_haves == site_cohort().must_haves


def test_the_report_lists_the_must_haves(tmp_path: Path) -> None:
    result = mm.match(site_cohort(), solver="flow")
    html = mm.write_report(result, tmp_path / "report.html", figures=False).read_text()
    assert "<h2>Must-haves</h2>" in html
    assert "e7&#x27;s must-have: mentor must offer research" in html


def test_a_rules_line_is_found_past_the_cohorts_own_rules(tmp_path: Path) -> None:
    # the cohort numbers its rules after its own; the message names the file's line
    from mentormatch.cli._reading import ReadOptions, load_cohort, read_must_haves

    path = tmp_path / "cohort.json"
    path.write_text(site_cohort().model_dump_json())  # two rules of its own
    rules = tmp_path / "rules.txt"
    rules.write_text("same division\ne99: same site\n")
    with pytest.raises(UnknownIdError) as err:
        load_cohort(path, ReadOptions(must_haves=read_must_haves(rules)))
    assert str(err.value) == f"{rules}, line 2: unknown mentee id 'e99'"
    with pytest.raises(UnknownIdError, match=r"locked\[0\]: unknown mentor id 'r99'"):
        load_cohort(path, ReadOptions(lock=(("e7", "r99"),),
                                      must_haves=read_must_haves(rules)))


def test_a_cohorts_unknown_id_in_a_rule_names_the_rules_position() -> None:
    cohort = site_cohort()  # two rules of its own
    rules = (*cohort.must_haves, mm.MustHave.parse("same site", mentee="e99"))
    with pytest.raises(UnknownIdError) as err:
        mm.Cohort(mentees=cohort.mentees, mentors=cohort.mentors, must_haves=rules)
    assert err.value.rule == 2
    assert "must_haves[2]: unknown mentee id 'e99'" in str(err.value)


def test_a_rules_files_unknown_topic_is_refused_at_its_file_and_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mentormatch.cli._main import main
    from mentormatch.cli._reading import ReadOptions, load_cohort, read_must_haves
    from mentormatch.errors import UnknownTopicError

    plain = site_cohort()
    vocabulary = mm.TopicVocabulary(topics=["research", "teaching"])
    cohort = mm.Cohort(mentees=plain.mentees, mentors=plain.mentors, vocabulary=vocabulary,
                       must_haves=plain.must_haves)  # two rules of its own
    path = tmp_path / "cohort.json"
    path.write_text(cohort.model_dump_json())
    rules = tmp_path / "rules.txt"
    rules.write_text("same site\ne8: mentor must offer reserch\n")
    with pytest.raises(UnknownTopicError) as err:
        load_cohort(path, ReadOptions(must_haves=read_must_haves(rules)))
    assert str(err.value) == (f"{rules}, line 2: unknown topic 'reserch'; "
                              "did you mean 'research'?")
    assert main(["match", str(path), "--must-haves", str(rules)]) != 0
    assert "rules.txt, line 2: unknown topic 'reserch'" in capsys.readouterr().err
    with pytest.raises(UnknownTopicError) as err:
        mm.Cohort(mentees=plain.mentees, mentors=plain.mentors, vocabulary=vocabulary,
                  must_haves=[*plain.must_haves, mm.MustHave.parse("mentor must offer x1")])
    assert err.value.rule == 2
