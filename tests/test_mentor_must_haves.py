"""A mentor's must-have on the mentee ("PhD mentees only"): masks, solvers, diagnosis, check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from brute import assert_solvers_reach_the_optimum
from mentormatch.encode import build_problem
from mentormatch.errors import ConstraintConflictError, InvalidInputError, UnknownIdError
from mentormatch.scoring import default_scorer

TRACKS = ("PhD", "postdoc", "MD", None)
STAGES = ("early", "mid", "late", None)
RULES = ("mentee track must be phd", "mentee track must be phd or md",
         "mentee career stage must be early", "mentee career stage must be early or mid",
         "same site")


def by_definition(rule: str, e: mm.Mentee, r: mm.Mentor) -> bool:
    """The rule read straight from its words, for a pair with the rule's own mentor."""
    if rule == "same site":
        return e.site is not None and e.site == r.site
    allowed = rule.rsplit(" must be ", 1)[1].split(" or ")
    value = e.track.lower() if rule.startswith("mentee track") and e.track else (
        e.career_stage if rule.startswith("mentee career") else None)
    return value is not None and value in allowed


@st.composite
def cohorts(draw: st.DrawFn) -> tuple[mm.Cohort, list[tuple[str, str]]]:
    def person(kind: type[Any], ident: str, **extra: Any) -> Any:
        return kind(id=ident, site=draw(st.sampled_from(("A", "B"))),
                    career_stage=draw(st.sampled_from(STAGES)),
                    topics=draw(st.lists(st.sampled_from(("research", "qi")), min_size=1,
                                         unique=True)), **extra)

    n_e, n_r = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    mentees = [person(mm.Mentee, f"e{i}", track=draw(st.sampled_from(TRACKS)),
                      demand=draw(st.integers(0, 2))) for i in range(n_e)]
    mentors = [person(mm.Mentor, f"r{j}", capacity=draw(st.integers(0, 2)))
               for j in range(n_r)]
    rules = draw(st.lists(st.tuples(st.sampled_from([m.id for m in mentors]),
                                    st.sampled_from(RULES)), max_size=3, unique=True))
    must = [mm.MustHave.parse(text, mentor=who) for who, text in rules]
    return mm.Cohort(mentees=mentees, mentors=mentors, must_haves=must), rules


@settings(max_examples=120, deadline=None)
@given(cohorts())
def test_exact_solvers_reach_the_brute_force_optimum_under_mentor_rules(
        case: tuple[mm.Cohort, list[tuple[str, str]]]) -> None:
    cohort, rules = case
    plain = mm.Cohort(mentees=cohort.mentees, mentors=cohort.mentors)
    base = build_problem(plain, default_scorer().score(plain))
    allowed = base.allowed.copy()
    for i, e in enumerate(cohort.mentees):
        for j, r in enumerate(cohort.mentors):
            if any(who == r.id and not by_definition(text, e, r) for who, text in rules):
                allowed[i, j] = False
    reference = mm.MatchProblem(scores=base.scores, demand=base.demand,
                                capacity=base.capacity, allowed=allowed)
    problem = build_problem(cohort, default_scorer().score(cohort))
    assert (problem.allowed == reference.allowed).all()
    assert_solvers_reach_the_optimum(cohort, problem, reference)


def phd_cohort() -> mm.Cohort:
    return mm.Cohort(
        mentees=[mm.Mentee(id="e1", topics=["research"], track="PhD"),
                 mm.Mentee(id="e2", topics=["research"], track="Postdoc"),
                 mm.Mentee(id="e3", topics=["research"])],
        mentors=[mm.Mentor(id="r1", topics=["research"], capacity=3)],
        must_haves=[mm.MustHave.parse("mentee track must be PhD", mentor="r1")])


def test_diagnosis_and_unmatched_reason_name_the_mentors_rule() -> None:
    cohort = phd_cohort()
    result = mm.match(cohort, solver="flow")
    assert [(p.mentee, p.mentor) for p in result.pairs] == [("e1", "r1")]
    why = {u.mentee: u.reason for u in result.unmatched}
    assert why["e2"] == ("no admissible mentor: no mentor meets all of e2's must-haves: no "
                         "mentor accepts them: r1 takes only mentees whose track is phd")
    assert why["e3"].endswith("r1 takes only mentees whose track is phd, and e3's is not known")
    assert any("r1 takes only mentees whose track is phd" in m
               for m in mm.diagnose(cohort).messages)
    assert result.provenance.must_haves == ("r1's must-have: mentee track must be phd",)


def test_check_names_a_pair_breaking_the_mentors_rule() -> None:
    cohort = phd_cohort()
    plain = mm.Cohort(mentees=cohort.mentees, mentors=cohort.mentors)
    made = mm.match(plain, solver="flow")
    problem = build_problem(plain, default_scorer().score(plain))
    assert ("pair ('e2', 'r1') breaks the must-have 'r1's must-have: mentee track must be "
            "phd': r1 takes only mentees whose track is phd"
            in mm.check(made, problem, cohort=cohort).violations)


def test_a_mentors_rule_leaves_other_mentors_free() -> None:
    cohort = phd_cohort().model_copy()
    two = mm.Cohort(mentees=cohort.mentees,
                    mentors=[*cohort.mentors, mm.Mentor(id="r2", topics=["research"])],
                    must_haves=cohort.must_haves)
    result = mm.match(two, solver="ilp")
    assert {(p.mentee, p.mentor) for p in result.pairs} >= {("e1", "r1")}
    assert all(p.mentor == "r2" for p in result.pairs if p.mentee != "e1")


def test_rules_refuse_bad_input() -> None:
    with pytest.raises(InvalidInputError, match="unknown career stage 'senior'"):
        mm.MustHave(kind="mentee_stage", values=["senior"], mentor="r1")
    with pytest.raises(InvalidInputError, match="values are needed"):
        mm.MustHave(kind="mentee_track", mentor="r1")
    with pytest.raises(InvalidInputError, match="not both"):
        mm.MustHave.parse("same site", mentee="e1", mentor="r1")
    with pytest.raises(UnknownIdError, match="unknown mentor id 'r9'"):
        mm.Cohort(mentees=[mm.Mentee(id="e1")], mentors=[mm.Mentor(id="r1")],
                  must_haves=[mm.MustHave.parse("mentee track must be phd", mentor="r9")])
    with pytest.raises(ConstraintConflictError, match="r1 takes only mentees whose track"):
        mm.Cohort(mentees=[mm.Mentee(id="e1", track="MD")], mentors=[mm.Mentor(id="r1")],
                  locked=[("e1", "r1")],
                  must_haves=[mm.MustHave.parse("mentee track must be phd", mentor="r1")])


def test_cohort_json_round_trip_keeps_mentor_rules_and_tracks() -> None:
    cohort = phd_cohort()
    again = mm.Cohort.model_validate_json(cohort.model_dump_json())
    assert again.must_haves == cohort.must_haves
    assert again.mentees[0].track == "PhD"


def test_cli_takes_a_mentors_rule_from_a_rules_file_and_a_survey(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mentormatch.cli._main import main

    plain = phd_cohort()
    path = tmp_path / "cohort.json"
    path.write_text(mm.Cohort(mentees=plain.mentees, mentors=plain.mentors).model_dump_json())
    rules = tmp_path / "rules.txt"
    rules.write_text("mentor r1: mentee track must be PhD\n")
    assert main(["match", str(path), "--solver", "flow", "--must-haves", str(rules)]) == 0
    assert "r1 takes only mentees whose track is phd" in capsys.readouterr().out

    survey = tmp_path / "survey.csv"
    survey.write_text("ID,Role,Track,Topics,Mentee tracks accepted\n"
                      "e1,mentee,PhD,research,\ne2,mentee,Postdoc,research,\n"
                      "r1,mentor,,research,PhD\n", encoding="utf-8")
    schema = tmp_path / "schema.json"
    schema.write_text('{"defaults": {"capacity": 2, "demand": 1}, '
                      '"program_must_haves": ["not the same advisor or lab"]}')
    out = tmp_path / "result.json"
    assert main(["match", str(survey), "--schema", str(schema), "--json", str(out)]) == 0
    saved = mm.MatchResult.model_validate_json(out.read_text())
    assert saved.provenance.must_haves == ("not the same advisor or lab",
                                           "r1's must-have: mentee track must be phd")
    assert [(p.mentee, p.mentor) for p in saved.pairs] == [("e1", "r1")]


def test_large_path_honours_a_mentors_rule() -> None:
    cohort = phd_cohort()
    two = mm.Cohort(mentees=cohort.mentees,
                    mentors=[*cohort.mentors, mm.Mentor(id="r2", topics=["research"])],
                    must_haves=cohort.must_haves)
    for solver in ("flow", "greedy", "stable"):
        result = mm.match(two, solver=solver, candidates=1)
        assert ("e2", "r1") not in {(p.mentee, p.mentor) for p in result.pairs}, solver
        assert ("e3", "r1") not in {(p.mentee, p.mentor) for p in result.pairs}, solver


def test_a_quota_counts_tracks_in_each_group() -> None:
    cohort = mm.Cohort(
        mentees=[mm.Mentee(id=f"e{k}", topics=["research"], track="PhD") for k in range(3)],
        mentors=[mm.Mentor(id="r1", topics=["research"], capacity=3)],
        quotas=[mm.Quota(attribute="track", max_count=2)])
    result = mm.match(cohort, solver="ilp")
    assert len(result.pairs) == 2


def _phd_only_cohort(n: int) -> mm.Cohort:
    """``n`` mentees and ``n`` mentors, every mentor taking only PhD mentees (one rule each)."""
    return mm.Cohort(
        mentees=[mm.Mentee(id=f"e{i}", track="PhD" if i % 2 else "MD", topics=["research"])
                 for i in range(n)],
        mentors=[mm.Mentor(id=f"r{j}", topics=["research"]) for j in range(n)],
        must_haves=[mm.MustHave.parse("mentee track must be phd", mentor=f"r{j}")
                    for j in range(n)])


def test_a_mentors_rule_is_evaluated_on_its_own_column_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Mentor rules scale with the cohort (one per mentor from a survey): evaluating each on
    # every column would make the mask cost rules x mentees x mentors.
    cohort = _phd_only_cohort(30)
    musts = mm.models.MustHaveMask.of(cohort)
    widths: list[int] = []
    holds = type(musts)._holds

    def spy(self: Any, k: int, rows: Any, cols: Any) -> Any:
        widths.append(cols.size)
        return holds(self, k, rows, cols)

    monkeypatch.setattr(type(musts), "_holds", spy)
    dense = musts.dense()
    assert max(widths) == 1
    expected = [[by_definition("mentee track must be phd", e, r) for r in cohort.mentors]
                for e in cohort.mentees]
    assert dense.tolist() == expected


def test_checking_a_result_reads_only_the_rules_of_each_pair(
        monkeypatch: pytest.MonkeyPatch) -> None:
    cohort = _phd_only_cohort(30)
    pairs = [(f"e{i}", f"r{i}") for i in range(30)]
    problem = mm.MatchProblem(scores=[[1.0] * 30] * 30)
    idx = cohort.pair_indices(pairs)
    a = mm.Assignment.from_pairs(problem, idx[:, 0], idx[:, 1], solver="manual")
    calls: list[int] = []
    passes = mm.models.MustHaveMask.passes

    def spy(self: Any, k: int, rows: Any, cols: Any) -> Any:
        calls.append(k)
        return passes(self, k, rows, cols)

    monkeypatch.setattr(mm.models.MustHaveMask, "passes", spy)
    broken = mm.checks.must_have_violations(a, cohort)
    assert len(calls) == 30
    assert broken == tuple(f"pair ('e{i}', 'r{i}') breaks the must-have 'r{i}'s must-have: "
                           f"mentee track must be phd': r{i} takes only mentees whose track is "
                           "phd" for i in range(0, 30, 2))


def test_a_cohort_indexes_its_mentors_once_for_all_mentor_rules(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    index = mm.Cohort.mentor_index

    def spy(self: mm.Cohort) -> dict[str, int]:
        calls.append(1)
        return index(self)

    monkeypatch.setattr(mm.Cohort, "mentor_index", spy)
    _phd_only_cohort(40)
    assert len(calls) < 40


def test_a_locked_pair_is_checked_against_its_own_rules_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    base = _phd_only_cohort(30)
    phd = [e.id for e in base.mentees if e.track == "PhD"]
    calls: list[int] = []
    holds = mm.MustHave.holds

    def spy(self: mm.MustHave, mentee: Any, mentor: Any) -> bool:
        calls.append(1)
        return holds(self, mentee, mentor)

    monkeypatch.setattr(mm.MustHave, "holds", spy)
    mm.Cohort(mentees=base.mentees, mentors=base.mentors, must_haves=base.must_haves,
              locked=[(e, f"r{k}") for k, e in enumerate(phd)])
    assert len(calls) == len(phd)
    with pytest.raises(ConstraintConflictError, match=r"locked\[0\]: pair \('e0', 'r3'\) "
                                                      "breaks the must-have 'r3's must-have"):
        mm.Cohort(mentees=base.mentees, mentors=base.mentors, must_haves=base.must_haves,
                  locked=[("e0", "r3")])


def test_when_every_mentor_refuses_by_its_own_rule_no_mentor_is_said_to_accept() -> None:
    mentors = [mm.Mentor(id=f"r{j}", site="A", topics=["research"] if j == 2 else [])
               for j in range(5)]
    e1 = mm.Mentee(id="e1", track="postdoc", site="A")
    phd_only = [mm.MustHave.parse("mentee track must be phd", mentor=f"r{j}") for j in range(5)]
    cohort = mm.Cohort(mentees=[e1], mentors=mentors, must_haves=phd_only)
    why = mm.models.MustHaveMask.of(cohort).why_none(cohort, 0)
    assert why == ("no mentor meets all of e1's must-haves: no mentor accepts them: r0 takes "
                   "only mentees whose track is phd, r1 takes only mentees whose track is phd,"
                   " r2 takes only mentees whose track is phd, and 2 more")
    research = mm.MustHave.parse("mentor must offer research", mentee="e1")
    cohort = mm.Cohort(mentees=[e1], mentors=mentors, must_haves=[*phd_only, research])
    why = mm.models.MustHaveMask.of(cohort).why_none(cohort, 0)
    assert why == ("no mentor meets all of e1's must-haves: only r2 offers research, and r2 "
                   "takes only mentees whose track is phd")


@pytest.mark.parametrize(("text", "values"), [
    ("Mentee track must be PhD, MD or postdoc", ("phd", "md", "postdoc")),
    ("mentee track must be M.D.", ("m.d",)),
    ("mentee track must be PhD; MD", ("phd", "md")),
    ("the mentee career stage must be Early, mid", ("early", "mid")),
    ("mentee career stage is late.", ("late",)),
])
def test_a_rule_lists_values_as_written_and_compares_them_as_a_mentee_has_them(
        text: str, values: tuple[str, ...]) -> None:
    rule = mm.MustHave.parse(text, mentor="r1")
    assert rule.values == values
    if rule.kind == "mentee_track":
        mentee = mm.Mentee(id="e1", track=text.rpartition(" ")[2].upper())
        assert rule.holds(mentee, mm.Mentor(id="r1"))


def test_a_topic_with_punctuation_is_the_topic_a_mentor_offers() -> None:
    rule = mm.MustHave.parse("mentor must offer Q.I.", mentee="e1")
    assert rule.holds(mm.Mentee(id="e1"), mm.Mentor(id="r1", topics=["Q.I."]))


def test_a_track_no_mentee_has_is_said_in_the_notes() -> None:
    cohort = mm.Cohort(
        mentees=[mm.Mentee(id="e1", track="Ph.D."), mm.Mentee(id="e2", track="MD")],
        mentors=[mm.Mentor(id="r1")],
        must_haves=[mm.MustHave.parse("mentee track must be PhD or MD", mentor="r1")])
    notes = mm.explain.must_have_notes(cohort)
    assert notes[1] == ("r1's must-have names a track no mentee has: 'phd' (the mentees' "
                        "tracks: 'md', 'ph.d')")
    assert len(mm.explain.must_have_notes(_phd_only_cohort(4))) == 1


def test_a_track_no_rule_reads_does_not_stop_a_match() -> None:
    # "-" normalises to nothing; without a track rule nothing should read it (the mask
    # and the notes each normalised every mentee's track before looking at the rules).
    cohort = mm.Cohort(mentees=[mm.Mentee(id="e1", site="A", track="-")],
                       mentors=[mm.Mentor(id="r1", site="A")], must_haves=["same site"])
    assert mm.explain.must_have_notes(cohort) == (
        "1 must-have applied before solving (no pair breaking it is matched): same site",)
    assert mm.match(cohort).metrics.n_pairs == 1


def test_a_track_a_rule_cannot_read_is_refused_naming_the_mentee() -> None:
    # With a track rule, "-" was normalised by the mask and failed as "empty topic name",
    # naming neither the mentee nor the track field.
    with pytest.raises(InvalidInputError, match=r"mentee 'e2': track '-' has no letters"):
        mm.Cohort(mentees=[mm.Mentee(id="e1", track="PhD"), mm.Mentee(id="e2", track="-")],
                  mentors=[mm.Mentor(id="r1")],
                  must_haves=[mm.MustHave.parse("mentee track must be PhD", mentor="r1")])


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 4), st.integers(1, 3), st.data())
def test_a_pairs_rules_are_indexed_on_first_use_and_are_those_it_is_bound_by(
        n_e: int, n_r: int, data: st.DataObject) -> None:
    owners: st.SearchStrategy[tuple[str | None, str | None]] = st.one_of(
        st.just((None, None)), st.integers(0, n_e - 1).map(lambda i: (f"e{i}", None)),
        st.integers(0, n_r - 1).map(lambda j: (None, f"r{j}")))
    rules = [mm.MustHave.parse(text, mentee=mentee, mentor=mentor)
             for text, (mentee, mentor) in data.draw(st.lists(
                 st.tuples(st.sampled_from(RULES), owners), min_size=1, max_size=6))]
    cohort = mm.Cohort(mentees=[mm.Mentee(id=f"e{i}") for i in range(n_e)],
                       mentors=[mm.Mentor(id=f"r{j}") for j in range(n_r)], must_haves=rules)
    musts = mm.models.MustHaveMask.of(cohort)
    assert "owned" not in vars(musts)  # only pair checks need it: built when first asked
    for i in range(n_e):
        for j in range(n_r):
            want = tuple(k for k, rule in enumerate(cohort.must_haves)
                         if (rule.mentor == f"r{j}" if rule.mentor is not None
                             else rule.mentee in (None, f"e{i}")))
            assert musts.for_pair(i, j) == want
    assert "owned" in vars(musts)
