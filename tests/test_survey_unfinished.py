"""Unfinished responses (Qualtrics' Finished / Progress, REDCap's Complete?) follow a policy.

By default they are left out, each listed in the read report (a warning unless
the schema states the policy); ``unfinished="keep"`` reads them and
``"error"`` refuses the file. Never silent.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from form_exports import FORMS, schemas  # type: ignore[import-not-found]
from mentormatch.errors import SurveyError, SurveyWarning

QUALTRICS = schemas()["qualtrics"]
LABELS = schemas()["redcap_labels"]


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def _write(rows: list[list[str]], path: Path) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")
    return path


def qualtrics_with_a_partial_response(tmp_path: Path, finished: str = "False",
                                      progress: str = "57") -> Path:
    """The Qualtrics fixture plus one response closed before its end (row 14)."""
    rows = _rows(FORMS / "qualtrics.csv")
    header = rows[0]
    partial = dict.fromkeys(header, "")
    partial.update({"StartDate": "2024-08-27 10:00:00", "EndDate": "2024-08-28 10:00:00",
                    "Status": "IP Address", "Progress": progress, "Finished": finished,
                    "ResponseId": "R_pArTiAl00000001", "RecipientLastName": "Lee",
                    "RecipientFirstName": "Kai", "RecipientEmail": "kai.lee@dal.example",
                    "Q1": "Be mentored (new faculty)"})  # left after the first question
    return _write([*rows, [partial[h] for h in header]], tmp_path / "qualtrics.csv")


def test_a_partial_qualtrics_response_is_left_out_with_a_warning(tmp_path: Path) -> None:
    path = qualtrics_with_a_partial_response(tmp_path)
    cohort, report = mm.read_survey(path, QUALTRICS, report=True)
    assert "kai.lee@dal.example" not in cohort.mentee_ids
    assert len(cohort.mentees) == 5  # the other people are all there
    [warning] = report.warnings
    assert (warning.topic, warning.row, warning.column) == ("skipped", 14, "Finished")
    assert warning.message.startswith("'kai.lee@dal.example': unfinished response left out "
                                      "(Finished is 'False')")
    assert report.columns["qualtrics.csv"]["finished"] == "Finished"
    with pytest.raises(SurveyError, match=r"row 14, column 'Finished': skipped: "
                                             r"'kai.lee@dal.example': unfinished"):
        mm.read_survey(path, QUALTRICS, strict=True)
    with pytest.warns(SurveyWarning, match="unfinished response left out"):
        mm.read_survey(path, QUALTRICS)


def test_a_stated_policy_is_info_and_strict_accepts_it(tmp_path: Path) -> None:
    path = qualtrics_with_a_partial_response(tmp_path)
    stated = mm.SurveySchema.model_validate({**QUALTRICS.model_dump(exclude_unset=True),
                                             "unfinished": "exclude"})
    cohort, report = mm.read_survey(path, stated, report=True, strict=True)
    [entry] = [e for e in report.find("skipped") if e.row == 14]
    assert entry.level == "info" and "unfinished='exclude'" in entry.message
    assert "kai.lee@dal.example" not in cohort.mentee_ids


def test_keep_reads_the_partial_response_and_error_refuses_it(tmp_path: Path) -> None:
    path = qualtrics_with_a_partial_response(tmp_path)
    keep = mm.SurveySchema.model_validate({**QUALTRICS.model_dump(exclude_unset=True),
                                           "unfinished": "keep"})
    # kept, the partial row is read as it is: it has no topics, which is an error
    with pytest.raises(SurveyError, match=r"row 14, column 'Which areas.*no topics chosen"):
        mm.read_survey(path, keep)
    error = mm.SurveySchema.model_validate({**QUALTRICS.model_dump(exclude_unset=True),
                                            "unfinished": "error"})
    with pytest.raises(SurveyError, match=r"row 14, column 'Finished': 'kai.lee@dal.example': "
                                             r"unfinished response \(Finished is 'False'\)"):
        mm.read_survey(path, error)


def test_keep_reports_each_unfinished_response_it_reads(tmp_path: Path) -> None:
    rows = [["ID", "Role", "Topics", "Mentors wanted", "Capacity", "Progress"],
            ["e1", "mentee", "QI", "1", "", "100"],
            ["r1", "mentor", "QI", "", "1", "80%"]]
    path = _write(rows, tmp_path / "s.csv")
    keep = mm.SurveySchema(unfinished="keep")
    cohort, report = mm.read_survey(path, keep, report=True, strict=True)
    assert cohort.mentor_ids == ("r1",)
    [entry] = report.find("unfinished")
    assert (entry.level, entry.row, entry.column) == ("info", 3, "Progress")
    assert entry.message == "'r1': unfinished response read as it is (Progress is 80%; " \
                            "unfinished='keep')"


@pytest.mark.parametrize("finished, progress, left_out", [
    ("True", "100", False), ("1", "100", False), ("0", "100", True), ("FALSE", "100", True),
    ("", "57", True), ("", "100", False), ("", "", False), ("True", "57", False),
])
def test_finished_decides_and_progress_speaks_only_when_finished_is_blank(
        tmp_path: Path, finished: str, progress: str, left_out: bool) -> None:
    path = qualtrics_with_a_partial_response(tmp_path, finished, progress)
    keep_topics = _rows(path)
    keep_topics[-1][keep_topics[0].index("Q2")] = "Clinical work"  # a whole answer
    path = _write(keep_topics, path)
    cohort, report = mm.read_survey(path, QUALTRICS, report=True)
    assert ("kai.lee@dal.example" not in cohort.mentee_ids) == left_out
    assert bool([e for e in report.find("skipped") if e.row == 14]) == left_out


def test_redcap_complete_status_in_both_exports(tmp_path: Path) -> None:
    labels = _rows(FORMS / "redcap_labels.csv")
    assert labels[0][-1] == "Complete?"
    labels[2][-1] = "Incomplete"  # Priya, row 3, left her survey half-way
    cohort, report = mm.read_survey(_write(labels, tmp_path / "labels.csv"), LABELS,
                                    report=True)
    assert "priya.raman@dal.example" not in cohort.mentee_ids
    [warning] = report.warnings
    assert (warning.row, warning.column) == (3, "Complete?")
    raw = _rows(FORMS / "redcap_raw.csv")
    assert raw[0][-1] == "mentorship_survey_complete"
    raw[2][-1] = "0"  # REDCap raw: 0 incomplete, 1 unverified, 2 complete
    raw_schema = mm.SurveySchema.model_validate(
        {**schemas(FORMS / "redcap_dictionary.csv")["redcap_raw"].model_dump(exclude_unset=True),
         "finished": "mentorship_survey_complete"})
    cohort, report = mm.read_survey(_write(raw, tmp_path / "raw.csv"), raw_schema,
                                    report=True)
    assert "priya.raman@dal.example" not in cohort.mentee_ids
    assert [(w.row, w.column) for w in report.warnings] == [(3, "mentorship_survey_complete")]


def test_a_status_that_cannot_be_read_is_an_error_and_a_value_map_reads_it(
        tmp_path: Path) -> None:
    rows = [["ID", "Role", "Topics", "Mentors wanted", "Status done"],
            ["e1", "mentee", "QI", "1", "Submitted"],
            ["e2", "mentee", "QI", "1", "Draft"]]
    path = _write(rows, tmp_path / "s.csv")
    plain = mm.SurveySchema(finished="Status done", defaults={"capacity": 1})
    with pytest.raises(SurveyError, match=r"row 2, column 'Status done': expected a "
                                             r"completion status .* got 'Submitted'"):
        mm.read_survey(path, plain)
    mapped = plain.model_copy(update={"values": {"finished": {"Submitted": True,
                                                              "Draft": False}}})
    cohort, report = mm.read_survey(path, mapped, report=True)
    assert cohort.mentee_ids == ("e1",)
    with pytest.raises(mm.MentorMatchError, match=r"values\['finished'\]\['Draft'\]: 'no' is "
                                                  "not a valid finished"):
        mm.SurveySchema(values={"finished": {"Draft": "no"}})


def test_a_supervisor_whose_response_was_left_out_is_still_recognised(tmp_path: Path) -> None:
    rows = [["ID", "Role", "Name", "Topics", "Mentors wanted", "Capacity", "Supervisors",
             "Finished"],
            ["e1", "mentee", "Ann Lee", "QI", "1", "", "Dr. Kai Roy", "True"],
            ["r1", "mentor", "Bo Chan", "QI", "", "1", "", "True"],
            ["r2", "mentor", "Kai Roy", "", "", "", "", "False"]]  # gave up half-way
    cohort, report = mm.read_survey(_write(rows, tmp_path / "s.csv"), report=True)
    assert cohort.mentor_ids == ("r1",)
    assert cohort.mentee("e1").supervisors == ("r2",)  # not an unknown name: a known person
    assert "'Dr. Kai Roy' -> r2 (name (titles/degrees dropped)), whose unfinished response " \
           "was left out: no one in the cohort" in [e.message for e in report.find("name")]


@settings(max_examples=30, deadline=None)
@given(status=st.lists(st.tuples(st.sampled_from(["True", "False", "1", "0", ""]),
                                 st.sampled_from(["100", "57", "0", ""])),
                       min_size=10, max_size=10))
def test_every_respondent_is_in_the_cohort_or_in_the_read_report(
        status: list[tuple[str, str]]) -> None:
    """Whatever the completion columns say, nobody disappears without an entry."""
    rows = _rows(FORMS / "qualtrics.csv")
    at = {c: rows[0].index(c) for c in ("Finished", "Progress", "RecipientEmail", "Q2")}
    for row, (finished, progress) in zip(rows[3:], status, strict=True):
        row[at["Finished"]], row[at["Progress"]] = finished, progress
    with tempfile.TemporaryDirectory() as folder:
        path = _write(rows, Path(folder) / "qualtrics.csv")
        cohort, report = mm.read_survey(path, QUALTRICS, report=True)
    kept = {p.id for p in (*cohort.mentees, *cohort.mentors)}
    listed = {e.row for e in report.entries if e.topic in ("skipped", "merged")}
    for number, row in enumerate(rows[3:], start=4):
        email = row[at["RecipientEmail"]]
        assert (email in kept) or (number in listed), (number, email)
        done = _finished_word(row[at["Finished"]]) if row[at["Finished"]] else (
            row[at["Progress"]] in ("", "100"))
        if email and not done:  # each person answers once: left out means not in the cohort
            assert number in listed and email not in kept


def _finished_word(text: str) -> bool:
    return text in ("True", "1")
