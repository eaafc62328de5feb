"""What the first match knew stays with its result: the read report, and every pair kept apart."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

import pytest

import mentormatch as mm
from mentormatch.cli import main
from mentormatch.errors import InvalidInputError

CHART = "supervisor,supervisee\nmentor-01,new-01\nmentor-02,new-01\n"


def test_match_keeps_the_read_report_in_the_provenance() -> None:
    cohort, read = mm.read_survey(mm.example_survey_path(), report=True)
    result = mm.match(cohort, solver="hungarian", read_report=read)
    assert result.provenance.read_report is not None
    assert mm.ReadReport.model_validate(result.provenance.read_report) == read
    again = mm.MatchResult.model_validate_json(result.model_dump_json())
    assert mm.ReadReport.model_validate(again.provenance.read_report) == read
    assert mm.match(cohort, solver="hungarian").provenance.read_report is None
    large = mm.match(cohort, candidates=5, solver="flow", read_report=read)
    assert large.provenance.read_report == result.provenance.read_report


def test_match_refuses_something_that_is_not_a_read_report() -> None:
    with pytest.raises(InvalidInputError, match="ReadReport"):
        mm.match(mm.example_cohort(), read_report=mm.example_cohort())


def test_the_cli_result_json_keeps_the_read_report(tmp_path: Path, capsys) -> None:
    chart, out = tmp_path / "org.csv", tmp_path / "result.json"
    chart.write_text(CHART)
    assert main(["match", str(mm.example_survey_path()), "--org-chart", str(chart),
                 "--json", str(out)]) == 0
    result = mm.MatchResult.model_validate_json(out.read_text())
    read = mm.ReadReport.model_validate(result.provenance.read_report)
    assert read.files == ("pilot_survey.csv", "org.csv")  # the survey and the org chart
    assert read.mentees == 7
    cohort_json = tmp_path / "cohort.json"
    cohort_json.write_text(mm.example_cohort().model_dump_json())
    assert main(["match", str(cohort_json), "--json", str(out)]) == 0
    assert json.loads(out.read_text())["provenance"]["read_report"] is None


def test_the_result_lists_every_pair_kept_apart() -> None:
    cohort = mm.example_cohort()
    cohort = mm.Cohort(mentees=cohort.mentees, mentors=cohort.mentors,
                       forbidden=[("new-01", "mentor-05")], vocabulary=cohort.vocabulary)
    excluded = mm.match(cohort).provenance.excluded
    assert ("new-01", "mentor-05", "forbidden by the director") in excluded
    assert ("new-02", "mentor-03", "mentor-03 supervises new-02") in excluded
    assert {(e, r) for e, r, _ in excluded} == set(cohort.excluded_pairs())


def _without_exclusions(cohort: mm.Cohort) -> mm.Cohort:
    """The same people read again without the org chart and the forbidden pairs."""
    return mm.Cohort(mentees=[p.model_copy(update={"supervisors": ()}) for p in cohort.mentees],
                     mentors=[p.model_copy(update={"supervisors": ()}) for p in cohort.mentors],
                     vocabulary=cohort.vocabulary)


def test_rematch_keeps_apart_what_the_first_match_kept_apart() -> None:
    base = mm.example_cohort()
    first = mm.match(mm.Cohort(mentees=base.mentees, mentors=base.mentors,
                               forbidden=[("new-01", "mentor-05")], vocabulary=base.vocabulary))
    saved = mm.MatchResult.model_validate_json(first.model_dump_json())  # no cohort any more
    bare = _without_exclusions(base)
    assert not bare.excluded_pairs()
    pair = first.pairs[0]
    after = mm.rematch(saved, release=[(pair.mentee, pair.mentor)], cohort=bare)
    assert after.cohort is not None
    for e, r, _ in first.provenance.excluded:
        assert after.cohort.is_forbidden(e, r) and (e, r) not in {
            (p.mentee, p.mentor) for p in after.pairs}
    note = next(n for n in after.notes if "kept apart in the match being rematched" in n)
    assert note.startswith("2 pairs") and "mentor-03 supervises new-02" in note
    # the exclusions travel on to the next rematch's result
    assert {(e, r) for e, r, _ in first.provenance.excluded} <= {
        (e, r) for e, r, _ in after.provenance.excluded}
    # given the cohort that excludes them already, nothing is restored and nothing noted
    again = mm.rematch(first, release=[(pair.mentee, pair.mentor)])
    assert not any("kept apart in the match being rematched" in n for n in again.notes)


def test_rematch_drops_exclusions_of_people_who_left() -> None:
    first = mm.match(mm.example_cohort())
    saved = mm.MatchResult.model_validate_json(first.model_dump_json())
    bare = _without_exclusions(mm.example_cohort())
    after = mm.rematch(saved, leaving_mentors=["mentor-03"], cohort=bare)
    note = next(n for n in after.notes if "kept apart in the match being rematched" in n)
    assert note.startswith("1 pair kept apart") and note.endswith("forbidden by the director")
    assert "mentor-03" not in note  # left: nothing to keep apart from
    assert after.cohort is not None and after.cohort.is_forbidden("new-05", "mentor-11")


def test_cli_rematch_without_the_org_chart_keeps_its_exclusions(tmp_path: Path,
                                                                capsys) -> None:
    chart, first_json = tmp_path / "org.csv", tmp_path / "first.json"
    chart.write_text(CHART)
    survey = str(mm.example_survey_path())
    assert main(["match", survey, "--org-chart", str(chart), "--forbid",
                 "new-03:mentor-04", "--json", str(first_json)]) == 0
    first = mm.MatchResult.model_validate_json(first_json.read_text())
    pair = first.pairs[0]
    after_json = tmp_path / "after.json"
    capsys.readouterr()
    assert main(["rematch", "--result", str(first_json), "--cohort", survey,
                 "--release", f"{pair.mentee}:{pair.mentor}", "--json", str(after_json)]) == 0
    stdout = capsys.readouterr().out
    assert "3 pairs kept apart in the match being rematched stay apart" in stdout
    after = mm.MatchResult.model_validate_json(after_json.read_text())
    made = {(p.mentee, p.mentor) for p in after.pairs}
    for kept_apart in [("new-01", "mentor-01"), ("new-01", "mentor-02"),
                       ("new-03", "mentor-04")]:
        assert kept_apart not in made
        assert kept_apart in {(e, r) for e, r, _ in after.provenance.excluded}
    # the rematch read the survey again: its result keeps that read's report
    assert mm.ReadReport.model_validate(after.provenance.read_report).files == (
        "pilot_survey.csv",)


def test_the_html_report_says_how_the_survey_was_read(tmp_path: Path) -> None:
    survey = tmp_path / "s.csv"
    survey.write_text("ID,Role,Topics,Mentors wanted\ne1,mentee,QI,1\nr1,mentor,QI,\n")
    cohort, read = mm.read_survey(survey, report=True)
    [warning] = read.warnings  # no capacity column: every mentor gets 1, unstated
    html = mm.report.render_report(mm.match(cohort, read_report=read), figures=False)
    assert "<h2>How the survey was read</h2>" in html
    assert "s.csv: 2 rows -&gt; 1 mentee, 1 mentor; 1 warning." in html
    assert f"<td>{escape(warning.message)}</td>" in html
    plain = mm.report.render_report(mm.match(cohort), figures=False)
    assert "How the survey was read" not in plain
