"""The year after (issue 14, item 4): follow-up survey, match(history=), no-fault changes."""

from __future__ import annotations

import io
import json
import logging
from collections import Counter
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.cli._main import main
from mentormatch.errors import (
    ConstraintConflictError,
    DuplicateIdError,
    SurveyError,
    UnknownIdError,
)
from mentormatch.io import csv_text

TOPICS = ("a", "b", "c")
REASON = "SENTINEL-7f3 personal reason"
HEADER = ["Mentee ID", "Mentor ID", "Met", "Meetings", "Satisfaction", "Next year",
          "Reason for change"]


# --------------------------------------------------------------------------- strategies


@st.composite
def cohorts(draw: st.DrawFn) -> mm.Cohort:
    topics = st.lists(st.sampled_from(TOPICS), min_size=1, max_size=2, unique=True)
    n_e, n_r = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    mentees = [mm.Mentee(id=f"e{k}", topics=draw(topics), demand=draw(st.integers(0, 2)))
               for k in range(n_e)]
    mentors = [mm.Mentor(id=f"r{k}", topics=draw(topics), capacity=draw(st.integers(0, 3)))
               for k in range(n_r)]
    forbidden = [(e.id, r.id) for e in mentees for r in mentors if draw(st.integers(0, 8)) == 0]
    return mm.Cohort(mentees=mentees, mentors=mentors, forbidden=forbidden)


def feedback(mentee: str, mentor: str) -> st.SearchStrategy[mm.PairFeedback]:
    return st.builds(
        mm.PairFeedback, mentee=st.just(mentee), mentor=st.just(mentor),
        met=st.sampled_from([None, True]), meetings=st.sampled_from([None, 0, 3, 12]),
        satisfaction=st.sampled_from([None, 1.0, 2.5, 5.0]),
        decision=st.sampled_from([None, "continue", "change"]),
        release_reason=st.sampled_from([None, REASON]))


@st.composite
def histories(draw: st.DrawFn) -> mm.History:
    # Ids beyond this year's cohort too: people leave, and so do their pairs.
    pairs = draw(st.lists(st.tuples(st.sampled_from([f"e{k}" for k in range(6)]),
                                    st.sampled_from([f"r{k}" for k in range(5)])),
                          unique=True, max_size=8))
    answers = [draw(feedback(e, r)) for e, r in pairs]
    continuing = [f.pair for f in answers if f.decision == "continue"]
    released = draw(st.lists(st.sampled_from(continuing), unique=True)) if continuing else []
    return mm.History(pairs=answers, released=released)


def expected_kept(cohort: mm.Cohort, history: mm.History) -> list[tuple[str, str]]:
    """Continuing pairs a lock can hold, by a plain reading of the rules, in order."""
    excluded = cohort.excluded_pairs()
    used_e = Counter(e for e, _ in cohort.locked)
    used_r = Counter(r for _, r in cohort.locked)
    kept = []
    for e, r in history.continuing:
        if e not in cohort.mentee_ids or r not in cohort.mentor_ids or (e, r) in excluded:
            continue
        if (e, r) in cohort.locked:
            kept.append((e, r))
            continue
        if used_e[e] < cohort.mentee(e).demand and used_r[r] < cohort.mentor(r).capacity:
            kept.append((e, r))
            used_e[e] += 1
            used_r[r] += 1
    return kept


# --------------------------------------------------------------------------- properties


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts(), histories())
def test_history_never_repeats_a_change_and_keeps_every_kept_pair(
        cohort: mm.Cohort, history: mm.History) -> None:
    kept = expected_kept(cohort, history)
    changing = set(history.changing)
    for solver in mm.solvers.available():
        try:
            result = mm.match(cohort, solver=solver, history=history)
        except ConstraintConflictError:
            pytest.fail("no director lock in these cohorts: nothing to conflict with")
        made = {(p.mentee, p.mentor) for p in result.pairs}
        assert not made & changing, solver
        assert set(kept) <= made, solver
        record = result.provenance.options["history"]
        not_kept = {(e, r) for e, r, _ in record["not_kept"]}
        # every continuing pair is kept or reported with why: nothing silent
        assert {tuple(p) for p in record["kept"]} | not_kept == set(history.continuing)
        assert not_kept.isdisjoint(kept)
        for p in result.pairs:
            if (p.mentee, p.mentor) in set(kept):
                assert p.locked and p.reasons[0].startswith("continues from last year")
        assert REASON not in result.model_dump_json() and REASON not in str(result.notes)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts(), histories(), st.data())
def test_a_programs_rounds_keep_the_history(cohort: mm.Cohort, history: mm.History,
                                            data: st.DataObject) -> None:
    """Program(history=): the long-term round is match(history=); buddies never repeat."""
    moved = data.draw(st.sets(st.sampled_from((*cohort.mentee_ids, *cohort.mentor_ids))))
    cohort = mm.Cohort(
        mentees=[e.model_copy(update={"newcomer": e.id in moved}) for e in cohort.mentees],
        mentors=[r.model_copy(update={"relocated": r.id in moved}) for r in cohort.mentors],
        forbidden=cohort.forbidden)
    buddies = data.draw(st.lists(st.tuples(st.sampled_from(cohort.mentee_ids),
                                           st.sampled_from(cohort.mentor_ids)), unique=True))
    history = mm.History(pairs=history.pairs, released=history.released, buddies=buddies)
    result = mm.Program(cohort=cohort, history=history, circles=False, peers=False,
                        tasks=False).run(solver="flow")
    assert result.long_term is not None and result.buddies is not None
    made = {(p.mentee, p.mentor) for p in result.long_term.pairs}
    assert not made & set(history.changing)
    assert set(expected_kept(cohort, history)) <= made
    assert result.long_term.pairs == mm.match(cohort, solver="flow", history=history).pairs
    made_buddies = {(p.mentee, p.mentor) for p in result.buddies.pairs}
    assert not made_buddies & set(buddies)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["e1", "e2", "e3"]),
                          st.sampled_from(["r1", "r2"])), unique=True, min_size=1), st.data())
def test_followup_survey_round_trips(tmp_path_factory: pytest.TempPathFactory,
                                     pairs: list[tuple[str, str]], data: st.DataObject) -> None:
    answers = [data.draw(feedback(e, r)) for e, r in pairs]
    rows = [[f.mentee, f.mentor, "" if f.met is None else ("Yes" if f.met else "No"),
             "" if f.meetings is None else f.meetings,
             "" if f.satisfaction is None else f.satisfaction,
             "" if f.decision is None else f.decision.value.capitalize(),
             f.release_reason or ""] for f in answers]
    path = tmp_path_factory.mktemp("followup") / "followup.csv"
    path.write_text(csv_text(HEADER, rows), encoding="utf-8")
    history = mm.read_followup(path, last_year=pairs)
    assert history.pairs == tuple(answers)
    assert [f.release_reason for f in history.pairs] == [f.release_reason for f in answers]
    again = mm.History.model_validate_json(history.model_dump_json())
    assert [f.pair for f in again.pairs] == pairs
    assert REASON not in history.model_dump_json() and REASON not in repr(history)


# --------------------------------------------------------------------------- reading


def _write(tmp_path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    path = tmp_path / "followup.csv"
    path.write_text(csv_text(header, rows), encoding="utf-8")
    return path


def test_template_reads_back_as_unanswered_pairs(tmp_path: Path) -> None:
    last = mm.match(mm.example_cohort())
    path = tmp_path / "form.csv"
    mm.followup_template(last, path)
    first = path.read_text().splitlines()[1]
    assert first.startswith(f"{last.pairs[0].mentee},{last.pairs[0].mentor},")
    lines = path.read_text().splitlines()
    lines[1] = lines[1].replace(",,,,,", ",Yes,Monthly,Satisfied,Continue,")
    path.write_text("\n".join(lines) + "\n")
    history = mm.read_followup(path, last_year=last)
    assert len(history.pairs) == len(last.pairs)
    assert history.pairs[0].meetings == 12 and history.pairs[0].satisfaction == 4.0
    assert "meetings: 'Monthly' read as 12 (built-in reading)" in history.notes
    assert history.notes[-1].startswith(f"{len(last.pairs) - 1} of last year's pairs have no")


def test_problems_name_row_and_column_and_never_the_reason(tmp_path: Path) -> None:
    path = _write(tmp_path, [
        ["e1", "r1", "Yes", "often", "5", "Continue", REASON],
        ["e9", "r1", "", "", "", "", ""],
        ["e2", "r7", "", "", "", "", ""],
        ["e2", "r1", "No", "3", "", "", REASON],
        ["e3", "r2", "", "", "9", "Maybe", ""],
        ["", "r2", "", "", "", "", ""],
    ])
    with pytest.raises(SurveyError) as info:
        mm.read_followup(path, last_year=[("e1", "r1"), ("e2", "r1"), ("e3", "r2"),
                                          ("e3", "r1")])
    text = str(info.value)
    assert "row 2, column 'Meetings': expected a whole number" in text
    assert "row 3, column 'Mentee ID': unknown mentee id 'e9'" in text
    assert "row 4, column 'Mentor ID': unknown mentor id 'r7'" in text
    assert "row 5: PairFeedback" in text and "met is False but meetings is 3" in text
    assert "row 6, column 'Next year': expected one of" in text
    assert "row 7, column 'Mentee ID': no mentee id" in text
    assert REASON not in text
    unpaired = _write(tmp_path, [["e3", "r1", "", "", "", "", ""]])
    with pytest.raises(SurveyError, match=r"row 2: \(e3, r1\) was not one of last year's"):
        mm.read_followup(unpaired, last_year=[("e1", "r1"), ("e3", "r2")])


def test_missing_columns_and_value_maps(tmp_path: Path) -> None:
    path = _write(tmp_path, [["e1", "r1", "Same mentor please"]], ["Mentee", "Mentor", "Plan"])
    with pytest.raises(SurveyError, match="no mentee column"):
        mm.read_followup(path, mm.FollowUpSchema(mentee="Protege"))
    schema = mm.FollowUpSchema(decision="Plan",
                               values={"decision": {"Same mentor please": "continue"}})
    history = mm.read_followup(path, schema)
    assert history.continuing == (("e1", "r1"),)
    assert any(n.startswith("no met column") for n in history.notes)


def test_two_answers_for_a_pair_merge_and_either_side_can_ask_to_change(
        tmp_path: Path) -> None:
    path = _write(tmp_path, [["e1", "r1", "Yes", "4", "5", "Continue", ""],
                             ["e1", "r1", "Yes", "6", "2", "Change", REASON]])
    history = mm.read_followup(path)
    (f,) = history.pairs
    assert (f.decision, f.meetings, f.satisfaction) == ("change", 6, 3.5)
    assert f.release_reason == REASON
    assert "row 3: a second answer for (e1, r1), merged" in history.notes


def test_history_validates_its_pairs() -> None:
    f = mm.PairFeedback(mentee="e1", mentor="r1")
    with pytest.raises(DuplicateIdError):
        mm.History(pairs=[f, f])
    with pytest.raises(UnknownIdError):
        mm.History(pairs=[f]).release([("e1", "r2")])


# --------------------------------------------------------------------------- match(history=)


def _two_year_cohort(**capacity: int) -> mm.Cohort:
    return mm.Cohort(
        mentees=[mm.Mentee(id=f"e{k}", topics=["a"]) for k in range(1, 5)],
        mentors=[mm.Mentor(id=r, topics=["a"], capacity=capacity.get(r, 1))
                 for r in ("r1", "r2", "r3")])


def test_each_effect_is_applied_and_recorded() -> None:
    history = mm.History(label="2025-26", pairs=[
        mm.PairFeedback(mentee="e1", mentor="r1", decision="continue"),
        mm.PairFeedback(mentee="e2", mentor="r2", decision="change", release_reason=REASON),
        mm.PairFeedback(mentee="e3", mentor="r3", decision="continue"),  # r3 offers 0 places
        mm.PairFeedback(mentee="e9", mentor="r1", decision="continue"),  # e9 left
        mm.PairFeedback(mentee="e4", mentor="r2", decision="continue"),
    ]).release([("e4", "r2")])
    result = mm.match(_two_year_cohort(r3=0, r2=2), history=history)
    made = {(p.mentee, p.mentor) for p in result.pairs}
    assert ("e1", "r1") in made and ("e2", "r2") not in made
    record = result.provenance.options["history"]
    assert record["kept"] == [["e1", "r1"]] and record["forbidden"] == [["e2", "r2"]]
    assert record["not_kept"] == [["e3", "r3", "mentor r3 offers no places this year"],
                                  ["e9", "r1", "mentee e9 is not in this year's cohort"]]
    assert record["released"] == [["e4", "r2"]]
    assert record["mentored_before"] == ["e1", "e2", "e3", "e4"]
    notes = "\n".join(result.notes)
    assert "(e3, r3) asked to continue but cannot be kept: mentor r3 offers no places" in notes
    assert "1 mentee(s) of 2025-26 are not in this cohort: e9" in notes
    assert REASON not in notes and REASON not in result.model_dump_json()
    assert result.cohort is not None and ("e2", "r2") in result.cohort.forbidden


def test_kept_pairs_beyond_capacity_are_reported_in_order() -> None:
    history = mm.History(pairs=[mm.PairFeedback(mentee=e, mentor="r1", decision="continue")
                                for e in ("e1", "e2")])
    result = mm.match(_two_year_cohort(), history=history)
    record = result.provenance.options["history"]
    assert record["kept"] == [["e1", "r1"]]
    assert record["not_kept"] == [["e2", "r1", "mentor r1 has capacity 1, all already locked"]]


def test_a_director_lock_on_a_pair_that_asked_to_change_is_refused() -> None:
    cohort = _two_year_cohort().model_copy(update={"locked": (("e1", "r1"),)})
    history = mm.History(pairs=[mm.PairFeedback(mentee="e1", mentor="r1", decision="change")])
    with pytest.raises(ConstraintConflictError, match="asked to change mentor"):
        mm.match(cohort, history=history)


def test_buddies_of_last_year_are_not_repeated() -> None:
    cohort = mm.Cohort(mentees=[mm.Mentee(id="e1", newcomer=True)],
                       mentors=[mm.Mentor(id="r1", relocated=True),
                                mm.Mentor(id="r2", relocated=True)])
    assert [p.mentor for p in mm.match_buddies(cohort).pairs] == ["r1"]
    history = mm.History(pairs=[], buddies=[("e1", "r1")])
    result = mm.match_buddies(cohort, history=history)
    assert [p.mentor for p in result.pairs] == ["r2"]
    assert result.notes[-1] == "history: 1 buddy pair(s) of last year not repeated: (e1, r1)"


# --------------------------------------------------------------------------- no-fault exports


def _story(tmp_path: Path) -> tuple[mm.MatchResult, Path, Path]:
    cohort = mm.example_cohort()
    last = mm.match(cohort)
    rows = [[p.mentee, p.mentor, "Yes", "6", "4", "Change" if k % 2 else "Continue",
             REASON if k % 2 else ""] for k, p in enumerate(last.pairs)]
    followup = _write(tmp_path, rows)
    pairs = last.to_csv(tmp_path / "last_pairs.csv")
    return last, followup, pairs


def test_release_reasons_never_leave_memory(tmp_path: Path,
                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    last, followup, pairs = _story(tmp_path)
    history = mm.read_followup(followup, last_year=last)
    assert any(f.release_reason == REASON for f in history.pairs)  # kept for the director
    result = mm.match(mm.example_cohort(), history=history)
    written = [mm.write_mail_merge(result, tmp_path / "mail.csv"),
               mm.write_json(result, tmp_path / "result.json"),
               mm.write_report(result, tmp_path / "report.html", history=history,
                               figures=False),
               result.to_csv(tmp_path / "plain.csv")]
    out, err = io.StringIO(), io.StringIO()
    cohort_json = tmp_path / "cohort.json"
    cohort_json.write_text(mm.example_cohort().model_dump_json())
    with redirect_stderr(err), redirect_stdout(out):
        code = main(["match", str(cohort_json), "--history", str(followup), "--last-year",
                     str(pairs), "--out", str(tmp_path / "cli.csv"), "--json",
                     str(tmp_path / "cli.json"), "--report", str(tmp_path / "cli.html")])
    assert code == 0, err.getvalue()
    written += [tmp_path / "cli.csv", tmp_path / "cli.json", tmp_path / "cli.html"]
    for path in written:
        assert REASON not in path.read_text(encoding="utf-8"), path
    for text in (out.getvalue(), err.getvalue(), caplog.text, repr(history), str(result),
                 history.model_dump_json(), "\n".join(result.notes), "\n".join(history.notes)):
        assert REASON not in text
    cli = json.loads((tmp_path / "cli.json").read_text())
    assert cli["provenance"]["options"]["history"]["forbidden"]
    assert "Year over year" in (tmp_path / "cli.html").read_text()


def test_year_over_year_section(tmp_path: Path) -> None:
    last, followup, _ = _story(tmp_path)
    history = mm.read_followup(followup, last_year=last, buddies=())
    result = mm.match(mm.example_cohort(), history=history)
    html = mm.write_report(result, tmp_path / "r.html", history=history,
                           figures=False).read_text()
    assert "<h2>Year over year: last year and this year</h2>" in html
    for caption in ("Participation", "Meetings and satisfaction", "Continue or change"):
        assert f"<h3>{caption}</h3>" in html
    s = history.summary()
    assert f'<th scope="row">asked to change mentor (never matched again)</th><td>{s["change"]}'\
        in html
    assert "Year over year" not in mm.write_report(result, tmp_path / "plain.html",
                                                    figures=False).read_text()


def test_cli_history_options_need_history(tmp_path: Path) -> None:
    cohort_json = tmp_path / "cohort.json"
    cohort_json.write_text(mm.example_cohort().model_dump_json())
    err = io.StringIO()
    with redirect_stderr(err):
        code = main(["match", str(cohort_json), "--last-year", str(cohort_json)])
    assert code != 0 and "--last-year needs --history FOLLOWUP" in err.getvalue()


def test_followup_from_an_xlsx_workbook_and_a_google_forms_csv(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "Start time", "Mentee", "Mentor", "Did you meet?",
                  "How often did you meet?", "Satisfaction", "Continue or change"])
    sheet.append([1, "2026-06-01", "e1", "r1", "Yes", 12, 4, "Keep my mentor"])
    sheet.append([2, "2026-06-02", "e2", "r1", "No", 0, 2, "A new mentor"])
    book.save(tmp_path / "followup.xlsx")
    history = mm.read_followup(tmp_path / "followup.xlsx",
                               mm.FollowUpSchema(preset="microsoft_forms"))
    assert history.continuing == (("e1", "r1"),) and history.changing == (("e2", "r1"),)
    assert (history.pairs[0].meetings, history.pairs[1].met) == (12, False)
    google = tmp_path / "google.csv"
    google.write_text('"Timestamp","Mentee","Mentor","Met","Next year"\n'
                      '"2026/06/01 10:00:00","e1","r1","Yes","Continue"\n', encoding="utf-8")
    history = mm.read_followup(google, mm.FollowUpSchema(preset="google_forms"))
    assert history.continuing == (("e1", "r1"),)


def test_history_on_the_candidate_path() -> None:
    history = mm.History(pairs=[mm.PairFeedback(mentee="e1", mentor="r2", decision="continue"),
                                mm.PairFeedback(mentee="e2", mentor="r1", decision="change")])
    result = mm.match(_two_year_cohort(), candidates=2, history=history)
    made = {(p.mentee, p.mentor) for p in result.pairs}
    assert ("e1", "r2") in made and ("e2", "r1") not in made
    assert result.provenance.options["history"]["kept"] == [["e1", "r2"]]


def test_a_program_runs_its_rounds_with_history() -> None:
    cohort = mm.Cohort(mentees=[mm.Mentee(id="e1", topics=["a"], newcomer=True),
                                mm.Mentee(id="e2", topics=["a"])],
                       mentors=[mm.Mentor(id="r1", topics=["a"], relocated=True),
                                mm.Mentor(id="r2", topics=["a"], relocated=True),
                                mm.Mentor(id="r3", topics=["a"], relocated=True)])
    history = mm.History(pairs=[mm.PairFeedback(mentee="e2", mentor="r1", decision="continue"),
                                mm.PairFeedback(mentee="e1", mentor="r2", decision="change")],
                         buddies=[("e1", "r3")])
    result = mm.Program(cohort=cohort, history=history, circles=False, peers=False,
                        tasks=False).run(solver="hungarian")
    assert result.long_term is not None and result.buddies is not None
    long_term = {(p.mentee, p.mentor) for p in result.long_term.pairs}
    assert ("e2", "r1") in long_term and ("e1", "r2") not in long_term
    assert ("e1", "r3") not in {(p.mentee, p.mentor) for p in result.buddies.pairs}


def test_template_with_formula_like_ids_reads_back(tmp_path: Path) -> None:
    cohort = mm.Cohort(mentees=[mm.Mentee(id="=e1", topics=["a"])],
                       mentors=[mm.Mentor(id="-r1", topics=["a"])])
    last = mm.match(cohort)
    path = tmp_path / "form.csv"
    mm.followup_template(last, path)
    assert "'-r1" in path.read_text()  # guarded against formula injection
    history = mm.read_followup(path, last_year=last)
    assert [f.pair for f in history.pairs] == [("=e1", "-r1")]
    assert any("read as '-r1' (a spreadsheet guard)" in n for n in history.notes)


def test_cli_reads_a_followup_schema_and_director_releases(tmp_path: Path) -> None:
    cohort = _two_year_cohort()
    cohort_json = tmp_path / "cohort.json"
    cohort_json.write_text(cohort.model_dump_json())
    followup = _write(tmp_path, [["e1", "r1", "Same again"], ["e2", "r2", "Same again"]],
                      ["Protege", "Mentor ID", "Plan"])
    schema = tmp_path / "followup-schema.json"
    schema.write_text(mm.FollowUpSchema(mentee="Protege", decision="Plan", values={
        "decision": {"Same again": "continue"}}).model_dump_json())
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        code = main(["match", str(cohort_json), "--history", str(followup), "--followup-schema",
                     str(schema), "--keep-release", "e2:r2", "--json",
                     str(tmp_path / "r.json")])
    assert code == 0
    record = json.loads((tmp_path / "r.json").read_text())["provenance"]["options"]["history"]
    assert record["kept"] == [["e1", "r1"]] and record["released"] == [["e2", "r2"]]


def test_a_continuing_pair_the_director_locked_counts_as_kept_once() -> None:
    cohort = _two_year_cohort().model_copy(update={"locked": (("e1", "r1"),)})
    history = mm.History(pairs=[mm.PairFeedback(mentee="e1", mentor="r1", decision="continue")])
    result = mm.match(cohort, history=history)
    assert result.provenance.options["history"]["kept"] == [["e1", "r1"]]
    assert result.cohort is not None and result.cohort.locked == (("e1", "r1"),)


def test_history_keeps_every_other_rule_of_the_cohort() -> None:
    cohort = mm.Cohort(mentees=[mm.Mentee(id="e1", topics=["a"], site="A"),
                                mm.Mentee(id="e2", topics=["a"], site="B")],
                       mentors=[mm.Mentor(id="r1", topics=["a"], site="A", capacity=2),
                                mm.Mentor(id="r2", topics=["a"], site="B", capacity=2)],
                       must_haves=["same site"])
    history = mm.History(pairs=[mm.PairFeedback(mentee="e1", mentor="r2", decision="change")])
    result = mm.match(cohort, history=history)
    assert result.cohort is not None and result.cohort.must_haves == cohort.must_haves
    assert {(p.mentee, p.mentor) for p in result.pairs} == {("e1", "r1"), ("e2", "r2")}


def test_first_timers_can_be_covered_first_through_priority() -> None:
    cohort = mm.Cohort(mentees=[mm.Mentee(id="e1", topics=["a"]),
                                mm.Mentee(id="e2", topics=["b"])],
                       mentors=[mm.Mentor(id="r1", topics=["a"])])
    history = mm.History(pairs=[mm.PairFeedback(mentee="e1", mentor="r9")])
    first_timers = [e for e in cohort.mentee_ids if e not in history.mentored_before]
    result = mm.match(cohort, solver="flow", history=history, priority=first_timers)
    assert [(p.mentee, p.mentor) for p in result.pairs] == [("e2", "r1")]
