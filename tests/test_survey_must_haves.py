"""Must-haves and quotas from a survey: columns, yes/no questions, the schema, answers reported."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from form_exports import (  # type: ignore[import-not-found]
    CAPACITIES,
    MUST_ANSWERS,
    MUST_SCHEMA,
    TOPICS,
    TRACKS,
    VOCAB,
    Answer,
    MustAnswer,
    google_forms_must_haves,
)
from mentormatch.errors import InvalidInputError, SurveyError


@st.composite
def must_answers(draw: st.DrawFn) -> list[MustAnswer]:
    n = draw(st.integers(1, 6))
    out = []
    for k in range(n):
        role = draw(st.sampled_from(["mentee", "mentor", "both"]))
        asks, offers = role != "mentor", role != "mentee"
        answer = Answer(f"First{k}", f"Last{k}", f"p{k}@dal.example", role,
                        tuple(draw(st.lists(st.integers(0, len(TOPICS) - 1), min_size=1,
                                            max_size=3, unique=True))), (0,),
                        "No" if asks else "", CAPACITIES[0] if offers else "", "")
        out.append(MustAnswer(
            answer, draw(st.sampled_from(TRACKS)),
            tuple(draw(st.lists(st.sampled_from(list(MUST_ANSWERS)), unique=True)))
            if asks else (),
            tuple(draw(st.lists(st.integers(0, len(TOPICS) - 1), max_size=2, unique=True)))
            if asks else (),
            draw(st.sampled_from(["Yes", "No", ""])) if asks else "",
            tuple(draw(st.lists(st.sampled_from(TRACKS), unique=True))) if offers else ()))
    return out


def expected_rules(people: list[MustAnswer]) -> set[mm.MustHave]:
    out = set()
    for m in people:
        ident = m.answer.email
        if m.answer.role != "mentor":
            texts = [MUST_ANSWERS[a] for a in m.musts if MUST_ANSWERS[a]]
            texts += ["same site"] if m.same_site == "Yes" else []
            out |= {mm.MustHave.parse(t, mentee=ident) for t in texts if t}
            out |= {mm.MustHave(kind="mentor_offers", topic=TOPICS[k], mentee=ident)
                    for k in m.must_offer}
        if m.accepts:
            out.add(mm.MustHave(kind="mentee_track", values=list(m.accepts), mentor=ident))
    return out


@settings(max_examples=40, deadline=None)
@given(people=must_answers())
def test_must_haves_written_by_a_form_read_back_the_same(people: list[MustAnswer]) -> None:
    schema = mm.SurveySchema(preset="google_forms", name="Full name",
                             role="Which best describes you?",
                             topics="Which areas would you like mentorship in, or could you "
                                    "offer it in?",
                             types="Which kinds of mentorship would suit you?",
                             demand="Would you like more than one mentor?",
                             capacity="How many new colleagues could you mentor?",
                             supervisors="Who is your supervisor or head of service?",
                             vocabulary=VOCAB, **MUST_SCHEMA)
    with tempfile.TemporaryDirectory() as folder:
        path = google_forms_must_haves(people, Path(folder))
        cohort, read = mm.read_survey(path, schema, report=True)
    vocab_rules = {r.model_copy(update={"topic": VOCAB.canonical(r.topic)}) if r.topic else r
                   for r in expected_rules(people)}
    assert set(cohort.must_haves) == vocab_rules
    assert len(cohort.must_haves) == len(set(cohort.must_haves))
    tracks = {m.answer.email: m.track for m in people}
    assert all(p.track == tracks[p.id] for p in (*cohort.mentees, *cohort.mentors))
    said = [e.message for e in read.find("must-have")]
    n = len(cohort.must_haves)
    assert any(s.startswith(f"{n} must-have") for s in said) == (n > 0)
    assert sum("'No preference' -> must_haves None" in e.message
               for e in read.find("mapped")) == sum("No preference" in m.musts for m in people)


CSV = ("ID,Role,Site,Track,Topics,Must-haves,Mentee career stages accepted,Same site\n"
       "e1,mentee,A,PhD,research,{must},,{yes}\n"
       "r1,mentor,A,,research,,{stage},\n")
QUESTIONS = {"must_have_questions": {"Same site": "same site"}}


def read(tmp_path: Path, *, must: str = "", stage: str = "", yes: str = "",
         **schema: object) -> mm.Cohort:
    path = tmp_path / "survey.csv"
    path.write_text(CSV.format(must=must, stage=stage, yes=yes), encoding="utf-8")
    full = mm.SurveySchema(defaults={"capacity": 1, "demand": 1}, **{**QUESTIONS, **schema})
    cohort, _ = mm.read_survey(path, full, report=True)
    return cohort


def test_unknown_answers_are_problems_naming_row_and_column(tmp_path: Path) -> None:
    with pytest.raises(SurveyError, match=r"row 2.*Must-haves.*unknown must-have 'Someone "
                                          r"kind'.*values=\{'must_haves'"):
        read(tmp_path, must="Someone kind")
    with pytest.raises(SurveyError, match=r"row 3.*unknown career stage 'Emeritus'"):
        read(tmp_path, stage="Emeritus")
    with pytest.raises(SurveyError, match=r"row 2.*Same site.*expected yes or no, got 'Maybe'"):
        read(tmp_path, yes="Maybe")
    with pytest.raises(SurveyError, match="missing the column 'Near me' named in "
                                          "must_have_questions"):
        read(tmp_path, must_have_questions={"Near me": "same site"})


def test_answers_map_to_rules_and_stages(tmp_path: Path) -> None:
    cohort = read(tmp_path, must="Close by; Different division", stage="Early career; Mid",
                  yes="Yes", values={"must_haves": {"Close by": "same site"}})
    assert [str(r) for r in cohort.must_haves] == [
        "e1's must-have: same site", "e1's must-have: different division",
        "r1's must-have: mentee career stage must be early or mid"]
    assert read(tmp_path, must="No preference", yes="No").must_haves == ()


def test_schema_states_program_rules_and_quotas_as_the_cli_does(tmp_path: Path) -> None:
    schema = mm.SurveySchema.from_json(
        '{"program_must_haves": ["not the same advisor or lab"], "defaults": {"capacity": 3},'
        ' "quotas": [{"attribute": "gender", "max_count": 2, "no_lone": true}]}')
    path = tmp_path / "survey.csv"
    path.write_text("ID,Role,Topics,Mentors wanted\ne1,mentee,research,1\n"
                    "r1,mentor,research,\n", encoding="utf-8")
    cohort, report = mm.read_survey(path, schema, report=True)
    assert [str(r) for r in cohort.must_haves] == ["not the same advisor or lab"]
    assert [q.describe() for q in cohort.quotas] == ["gender: at most 2 of each value, "
                                                     "no lone member"]
    assert [e.message for e in report.find("quota")] == [
        "1 quota(s) on mentors' groups from the schema"]
    with pytest.raises(InvalidInputError, match="program_must_haves: unknown must-have"):
        mm.SurveySchema(program_must_haves=["nice people"])
    with pytest.raises(InvalidInputError, match=r"must_have_questions\['Q'\]: unknown"):
        mm.SurveySchema(must_have_questions={"Q": "nearby"})
    with pytest.raises(InvalidInputError, match=r"values\['must_haves'\]\['x'\]: unknown"):
        mm.SurveySchema(values={"must_haves": {"x": "nearby"}})


def test_a_phd_only_mentor_from_the_survey_is_honoured_and_explained(tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    path.write_text("ID,Role,Track,Topics,Mentee tracks accepted\n"
                    "e1,mentee,PhD,research,\ne2,mentee,Postdoc,research,\n"
                    "r1,mentor,,research,PhD\n", encoding="utf-8")
    cohort, _ = mm.read_survey(path, mm.SurveySchema(defaults={"capacity": 2, "demand": 1}),
                               report=True)
    result = mm.match(cohort, solver="ilp")
    assert [(p.mentee, p.mentor) for p in result.pairs] == [("e1", "r1")]
    assert result.unmatched[0].reason.endswith("r1 takes only mentees whose track is phd")


def test_a_mentee_rule_answered_by_a_mentor_is_reported_not_read(tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    path.write_text("ID,Role,Topics,Must-haves\nr1,mentor,research,Same site\n",
                    encoding="utf-8")
    cohort, report = mm.read_survey(path, mm.SurveySchema(defaults={"capacity": 1}),
                                    report=True)
    assert cohort.must_haves == ()
    assert [e.message for e in report.warnings] == [
        "'r1' is not a mentee: the mentee's must-have 'same site' is not read"]


def test_a_rule_not_read_is_reported_at_its_own_file_row_and_column(tmp_path: Path) -> None:
    mentees, mentors = tmp_path / "mentees.csv", tmp_path / "mentors.csv"
    mentees.write_text("ID,Topics\ne1,research\ne2,research\n", encoding="utf-8")
    mentors.write_text("ID,Topics,Must-haves\nr1,research,Same site\n", encoding="utf-8")
    cohort, report = mm.read_survey(
        mentees, mm.SurveySchema(defaults={"capacity": 1, "demand": 1}), mentors_path=mentors,
        report=True)
    assert cohort.must_haves == ()
    [entry] = report.find("must-have")
    assert (entry.file, entry.row, entry.column) == ("mentors.csv", 2, "Must-haves")


def test_an_answer_mapped_to_several_topics_or_tracks_states_each(tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    path.write_text("ID,Role,Topics,Mentor must offer,Mentee tracks accepted\n"
                    "e1,mentee,research,Research stuff,\nr1,mentor,research;qi,,Doctors\n",
                    encoding="utf-8")
    schema = mm.SurveySchema(defaults={"capacity": 1, "demand": 1}, values={
        "must_offer": {"Research stuff": ["research", "qi"]},
        "mentee_tracks": {"Doctors": ["PhD", "MD"]}})
    cohort, _ = mm.read_survey(path, schema, report=True)
    assert [str(r) for r in cohort.must_haves] == [
        "e1's must-have: mentor must offer research", "e1's must-have: mentor must offer qi",
        "r1's must-have: mentee track must be phd or md"]


def test_an_answer_mapped_to_no_career_stage_is_refused_by_the_schema() -> None:
    with pytest.raises(InvalidInputError, match=r"values\['mentee_stages'\]\['Junior'\]"):
        mm.SurveySchema(values={"mentee_stages": {"Junior": "rookie"}})
    with pytest.raises(InvalidInputError, match=r"expected early, mid or late"):
        mm.SurveySchema(values={"mentee_stages": {"Any": ["early", "rookie"]}})
    assert mm.SurveySchema(values={"mentee_stages": {"Any": ["early", "mid"]},
                                   "must_haves": {"Both": ["same site", "same division"]}})
