"""Qualtrics exports with "Use numeric values", decoded with the survey's .qsf file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import mentormatch as mm
from form_exports import FORMS, schemas  # type: ignore[import-not-found]
from mentormatch.errors import SurveyError

NUMERIC = FORMS / "qualtrics_numeric.csv"
SCHEMA = schemas()["qualtrics_numeric"]


def test_the_numeric_export_reads_like_the_choice_text_export() -> None:
    numeric, report = mm.read_survey(NUMERIC, SCHEMA, report=True, strict=True)
    text = mm.read_survey(FORMS / "qualtrics.csv", schemas()["qualtrics"])
    assert numeric == text
    decoded = {e.column: e.message for e in report.find("decoded")}
    assert decoded["Which best describes you?"] == (
        "codes read with the survey file: 1 = 'Be mentored (new faculty)', "
        "2 = 'Mentor a new colleague', 3 = 'Both'")  # HTML of the display text dropped
    assert decoded["Would you like more than one mentor?"] == (
        "codes read with the survey file: 0 = 'No', 1 = 'Yes'")  # RecodeValues
    assert decoded["How interested are you in mentoring on each topic? - Clinical work"] == (
        "codes read with the survey file: 0 = 'Not interested', 2 = 'Very interested'")
    topics = decoded["Which areas would you like mentorship in, or could you offer it in? - "
                     "Selected Choice"]
    assert "2 = 'Research, scholarship and grants'" in topics  # a comma inside, kept whole


def test_without_the_survey_file_codes_are_refused_not_read_as_topics() -> None:
    blind = SCHEMA.model_copy(update={"data_dictionary": None})
    with pytest.raises(SurveyError, match=r"row 7, column 'Which areas [^\n]* topic '1' looks "
                                             r"like a choice code"):
        mm.read_survey(NUMERIC, blind)


def _rewrite(path: Path, row: int, code: str, value: str) -> Path:
    rows = list(csv.reader(io.StringIO(NUMERIC.read_text(encoding="utf-8-sig"), newline="")))
    rows[row - 1][rows[0].index(code)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize("code, value, message", [
    ("Q1", "7", r"row 6, column 'Which best describes you\?': '7' is not a code of 'Q1' in "
                r"the survey file \(codes: 1, 2, 3\)"),
    ("Q2", "1,9", r"row 6, column 'Which areas .*': '9' is not a code of 'Q2' in the survey "
                  r"file"),
    ("Q3_2", "1", r"row 6, column 'How interested .* - Research, scholarship and grants': "
                  r"'1' is not a code of 'Q3_2' in the survey file \(codes: 0, 1, 2\)"),
])
def test_a_code_the_survey_file_does_not_define_is_an_error(
        tmp_path: Path, code: str, value: str, message: str) -> None:
    if code == "Q3_2":  # 1 is a code ("Somewhat interested"); make it one that is not
        value = "5"
        message = message.replace("'1'", "'5'")
    with pytest.raises(SurveyError, match=message):
        mm.read_survey(_rewrite(tmp_path / "q.csv", 6, code, value), SCHEMA)


def test_a_survey_file_that_is_not_one_is_refused(tmp_path: Path) -> None:
    for text, message in [("{not json", "not a Qualtrics survey file \\(.qsf is JSON\\)"),
                          ('{"SurveyEntry": {}}', "no list of SurveyElements"),
                          ('{"SurveyElements": [{"Element": "BL", "Payload": []}]}',
                           "defines no questions")]:
        qsf = tmp_path / "survey.qsf"
        qsf.write_text(text, encoding="utf-8")
        broken = SCHEMA.model_copy(update={"data_dictionary": str(qsf)})
        with pytest.raises(SurveyError, match=f"\\n  survey.qsf: [^\\n]*{message}"):
            mm.read_survey(NUMERIC, broken)


def test_matrix_statements_can_have_their_own_export_tags(tmp_path: Path) -> None:
    """``ChoiceDataExportTags`` names a matrix's columns instead of ``Q3_1``."""
    qsf = json.loads((FORMS / "qualtrics_survey.qsf").read_text(encoding="utf-8"))
    matrix = next(e["Payload"] for e in qsf["SurveyElements"]
                  if e["Element"] == "SQ" and e["Payload"]["DataExportTag"] == "Q3")
    matrix["ChoiceDataExportTags"] = {str(k): f"interest_{k}" for k in range(1, 8)}
    path = tmp_path / "tags.qsf"
    path.write_text(json.dumps(qsf), encoding="utf-8")
    rows = list(csv.reader(io.StringIO(NUMERIC.read_text(encoding="utf-8-sig"), newline="")))
    rows[0] = [c.replace("Q3_", "interest_") for c in rows[0]]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    tagged = tmp_path / "tagged.csv"
    tagged.write_text(buffer.getvalue(), encoding="utf-8")
    schema = SCHEMA.model_copy(update={"data_dictionary": str(path),
                                       "topics": ("Q2", "interest")})
    assert mm.read_survey(tagged, schema) == mm.read_survey(NUMERIC, SCHEMA)
