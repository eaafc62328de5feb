"""Real form-tool exports in, the right cohort out, with a read report of every step.

Each export in ``tests/fixtures/forms`` is one department's survey written as
the tool writes it (see the README there); each reads into the same cohort,
written out by hand below, with a schema of a few lines.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from form_exports import FORMS, QUESTIONS, VALUES, VOCAB, schemas  # type: ignore[import-not-found]
from mentormatch.errors import InvalidInputError, SurveyError, SurveyWarning

FILES = {"google_forms.csv": "google_forms", "microsoft_forms.xlsx": "microsoft_forms",
         "qualtrics.csv": "qualtrics", "qualtrics_numeric.csv": "qualtrics_numeric",
         "surveymonkey.csv": "surveymonkey", "redcap_raw.csv": "redcap_raw",
         "redcap_labels.csv": "redcap_labels"}
# The schema each tool needs: see form_exports.schemas (VALUES and QUESTIONS are the form's).
SCHEMAS = {name: schemas()[tool] for name, tool in FILES.items()}

D = "@dal.example"
AMELIE, ROTIMI = f"amelie.cote{D}", f"rotimi.okafor{D}"


def expected() -> mm.Cohort:
    """The department, as the director knows it."""
    research, teaching = "Research, scholarship and grants", "Teaching and curriculum development"
    mentees = [
        mm.Mentee(id=f"amira.haddad{D}", name="Amira Haddad", email=f"amira.haddad{D}",
                  topics=["Clinical work", research, teaching], types=["one_to_one"], demand=2,
                  supervisors=(AMELIE,)),
        mm.Mentee(id=f"priya.raman{D}", name="Priya Raman", email=f"priya.raman{D}",
                  topics=[research, "Leadership"], types=["one_to_one", "task_focused"],
                  demand=2, supervisors=(ROTIMI,), other_topics="Grant budgeting"),
        mm.Mentee(id=f"liam.obrien{D}", name="Liam O'Brien", email=f"liam.obrien{D}",
                  topics=["Clinical work"], types=["one_to_one"], demand=1,
                  supervisors=(ROTIMI,)),
        mm.Mentee(id=f"sofia.rossi{D}", name="Sofia Rossi", email=f"sofia.rossi{D}",
                  topics=["Wellness", "Leadership"], types=["one_to_one", "group"], demand=1,
                  supervisors=(ROTIMI,)),
        mm.Mentee(id=f"jonas.weber{D}", name="Jonas Weber", email=f"jonas.weber{D}",
                  topics=["Quality improvement", "Work-life balance"], types=["group"], demand=1),
    ]
    mentors = [
        mm.Mentor(id=AMELIE, name="Amélie Côté", email=AMELIE,
                  topics=["Clinical work", teaching, "Work-life balance"],
                  types=["one_to_one", "group"], capacity=2),
        mm.Mentor(id=ROTIMI, name="Rotimi Okafor", email=ROTIMI,
                  topics=[research, "Leadership", "Quality improvement"],
                  types=["one_to_one", "task_focused"], capacity=5),
        mm.Mentor(id=f"hannah.schmidt{D}", name="Hannah Schmidt", email=f"hannah.schmidt{D}",
                  topics=["Clinical work", "Quality improvement"], types=["one_to_one"],
                  capacity=1, supervisors=(AMELIE,)),
        mm.Mentor(id=f"marc.tremblay{D}", name="Marc Tremblay", email=f"marc.tremblay{D}",
                  topics=[teaching, research], types=["group"], capacity=3),
        mm.Mentor(id=f"sofia.rossi{D}", name="Sofia Rossi", email=f"sofia.rossi{D}",
                  topics=["Wellness", "Leadership"], types=["one_to_one", "group"], capacity=1,
                  supervisors=(ROTIMI,)),
    ]
    return mm.Cohort(mentees=mentees, mentors=mentors, vocabulary=VOCAB)


def messages(report: mm.ReadReport, topic: str, level: str | None = None) -> list[str]:
    return [e.message for e in report.find(topic, level=level)]  # type: ignore[arg-type]


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_each_tools_export_reads_into_the_departments_cohort(name: str) -> None:
    pytest.importorskip("openpyxl")
    cohort, report = mm.read_survey(FORMS / name, SCHEMAS[name], report=True)
    assert cohort == expected()
    assert (report.mentees, report.mentors) == (5, 5)
    names = messages(report, "name")
    assert "'Dr. Amelie Cote' -> amelie.cote@dal.example (name (titles/degrees dropped, " \
           "accents ignored))" in names
    assert "'Okafor, Rotimi' -> rotimi.okafor@dal.example (name written 'Last, First')" in names
    assert "'Prof. Rotimi Okafor (Chief, Mood Disorders)' -> rotimi.okafor@dal.example " \
           "(name (titles/degrees dropped))" in names
    assert "'Côté, Amélie' -> amelie.cote@dal.example (name written 'Last, First')" in names
    assert {"'N/A' read as no supervisor", "'none' read as no supervisor",
            "'-' read as no supervisor"} <= set(names)
    assert "'5 or more' -> capacity 5" in messages(report, "mapped")
    assert "'Yes' -> demand 2" in messages(report, "mapped")
    in_cell_other = name in ("google_forms.csv", "microsoft_forms.xlsx")
    assert [w.message for w in report.warnings] == (
        ["'Grant budgeting' is not one of the form's options: kept as other topics "
         "(not matched on)"] if in_cell_other else [])


def test_resubmissions_keep_the_latest_answer_and_say_which_rows_merged() -> None:
    cohort, report = mm.read_survey(FORMS / "google_forms.csv", SCHEMAS["google_forms.csv"],
                                    report=True)
    assert cohort.mentee(f"jonas.weber{D}").demand == 1  # "No" the second time
    [merged] = report.find("merged")
    assert (merged.row, merged.level) == (11, "info")
    assert merged.message == ("mentee 'jonas.weber@dal.example': row 3 left out, this row kept "
                              "(duplicates='keep_last')")
    plain = SCHEMAS["google_forms.csv"].model_copy(update={"duplicates": "error"})
    with pytest.raises(SurveyError, match=r"row 11: duplicate mentee id 'jonas.weber@dal"
                                             r".example' \(also on row 3\); set duplicates="):
        mm.read_survey(FORMS / "google_forms.csv", plain)
    first = plain.model_copy(update={"duplicates": "keep_first"})
    assert mm.read_survey(FORMS / "google_forms.csv", first, report=True)[0].mentee(
        f"jonas.weber{D}").demand == 2


def test_qualtrics_preview_is_skipped_and_reported() -> None:
    _, report = mm.read_survey(FORMS / "qualtrics.csv", SCHEMAS["qualtrics.csv"], report=True)
    [skipped] = report.find("skipped")
    assert (skipped.row, skipped.column) == (4, "Response Type")
    assert report.rows == {"qualtrics.csv": 10}


def test_redcap_raw_codes_are_decoded_with_the_dictionary_and_refused_without_it() -> None:
    _, report = mm.read_survey(FORMS / "redcap_raw.csv", SCHEMAS["redcap_raw.csv"],
                               report=True)
    assert "codes read with the data dictionary: 0 = 'No', 1 = 'Yes'" in messages(
        report, "decoded")
    blind = SCHEMAS["redcap_raw.csv"].model_copy(update={"data_dictionary": None})
    with pytest.raises(SurveyError) as info:
        mm.read_survey(FORMS / "redcap_raw.csv", blind)
    found = {(p.row, p.column) for p in info.value.problems if "choice code" in p.message}
    assert (2, "topics___1") in found  # never a topic named "1"


def test_a_european_hand_made_sheet_reads_with_its_encoding_and_derived_fields() -> None:
    schema = mm.SurveySchema(
        encoding="cp1252", id="Email", name="{First name} {Last name}", role="Email",
        values={"role": {"*@learners.dal.example": "mentee", "*@dal.example": "mentor"}},
        topics=["Clinical interests", "Research and teaching interests"], capacity="Places",
        supervisors="Supervisor", defaults={"demand": 1, "capacity": 1},
        duplicates="keep_last", vocabulary=VOCAB)
    path = FORMS / "hand_made_semicolon_cp1252.csv"
    cohort, report = mm.read_survey(path, schema, report=True)
    lefevre = "francois.lefevre@dal.example"
    assert [(p.name, p.supervisors) for p in cohort.mentees] == [
        ("Zoë Müller", (lefevre,)), ("Noé Gagnon", (lefevre,))]
    assert cohort.mentee("noe.gagnon@learners.dal.example").topics == {
        "wellness": 1.0, "clinical work": 1.0, "research, scholarship and grants": 1.0}
    assert cohort.mentor(lefevre).topics.keys() == {
        "clinical work", "research, scholarship and grants", "teaching and curriculum development"}
    assert [p.capacity for p in cohort.mentors] == [2, 1]
    assert not report.warnings
    assert "blank: mentor capacity 1 (schema defaults)" in messages(report, "default")
    assert ("'ines.belanger@dal.example' -> role 'mentor' (answers like '*@dal.example')"
            in messages(report, "mapped"))
    with pytest.raises(SurveyError, match="set encoding='cp1252' in the schema"):
        mm.read_survey(path, schema.model_copy(update={"encoding": None}))


def test_strict_refuses_each_warning_by_file_row_and_column() -> None:
    with pytest.raises(SurveyError) as info:
        mm.read_survey(FORMS / "google_forms.csv", SCHEMAS["google_forms.csv"], strict=True)
    [problem] = info.value.problems
    assert (problem.file, problem.row, problem.column) == (
        "google_forms.csv", 4, QUESTIONS["topics"])
    assert "'Grant budgeting' is not one of the form's options" in problem.message


def test_without_the_report_warnings_are_raised_as_a_survey_warning() -> None:
    with pytest.warns(SurveyWarning, match=r"google_forms.csv, row 4, column 'Which areas"):
        cohort = mm.read_survey(FORMS / "google_forms.csv", SCHEMAS["google_forms.csv"])
    assert cohort == expected()


def test_a_dataframe_reads_like_the_file_it_came_from() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(FORMS / "google_forms.csv", dtype=str)
    cohort, report = mm.read_survey(frame, SCHEMAS["google_forms.csv"], report=True)
    assert cohort == expected()
    assert report.files == ("DataFrame",)
    frame.loc[2, QUESTIONS["capacity"]] = "lots"
    frame.loc[2, "Which best describes you?"] = "Mentor a new colleague"
    with pytest.raises(SurveyError) as info:
        mm.read_survey(frame, SCHEMAS["google_forms.csv"])
    [problem] = info.value.problems
    assert (problem.file, problem.row, problem.column) == ("DataFrame", 4, QUESTIONS["capacity"])
    assert "map answers to numbers with values={'capacity': {'lots': 2}}" in problem.message


# ---------------------------------------------------------------------------- the cases

def write(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    buffer = io.StringIO()  # "\r\n" ends rows, so a cell holding "\r" is quoted
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


YES_NO = [["ID", "Role", "Topics", "Would you like more than one mentor?", "Capacity"],
          ["e1", "mentee", "QI", "1", ""], ["e2", "mentee", "QI", "0", ""],
          ["r1", "mentor", "QI", "", "2"], ["r2", "mentor", "QI", "", "2"]]


def test_a_yes_no_answer_coded_0_never_silently_becomes_demand_0(tmp_path: Path) -> None:
    path = write(tmp_path / "s.csv", YES_NO)
    schema = mm.SurveySchema(demand="Would you like more than one mentor?")
    cohort, report = mm.read_survey(path, schema, report=True)
    assert cohort.mentee("e2").demand == 0
    [warning] = report.warnings
    assert (warning.topic, warning.row) == ("not matched", 3)
    assert "mentee 'e2' asks for 0 mentors, so is never matched" in warning.message
    assert "values={'demand': {'No': 1, 'Yes': 2}}" in warning.message
    with pytest.raises(SurveyError, match=r"s.csv, row 3, column 'Would you like more than "
                                             r"one mentor\?': not matched: mentee 'e2'"):
        mm.read_survey(path, schema, strict=True)
    mapped = schema.model_copy(update={"values": {"demand": {"0": 1, "1": 2}}})
    cohort, report = mm.read_survey(path, mapped, report=True, strict=True)
    assert [e.demand for e in cohort.mentees] == [2, 1] and not report.warnings


def test_a_missing_capacity_column_is_reported_unless_the_schema_states_it(
        tmp_path: Path) -> None:
    path = write(tmp_path / "s.csv", [row[:4] for row in YES_NO])
    schema = mm.SurveySchema(demand="Would you like more than one mentor?",
                             values={"demand": {"0": 1, "1": 2}})
    _, report = mm.read_survey(path, schema, report=True)
    [warning] = report.warnings
    assert warning.message.startswith("no capacity column (looked for 'Capacity', 'How many "
                                      "mentees can you take?'): every mentor gets capacity 1")
    stated = schema.model_copy(update={"defaults": {"capacity": 2}})
    cohort, report = mm.read_survey(path, stated, report=True, strict=True)
    assert [r.capacity for r in cohort.mentors] == [2, 2]
    assert messages(report, "default", "info")[0] == (
        "no capacity column: every mentor gets 2 (schema defaults)")


def test_options_containing_the_separator_stay_whole(tmp_path: Path) -> None:
    rows = [["ID", "Role", "Topics", "Mentors wanted", "Capacity"],
            ["e1", "mentee", "Research, scholarship and grants, Clinical work", "1", ""],
            ["r1", "mentor", "Clinical work", "", "1"]]
    path = write(tmp_path / "s.csv", rows)
    google = mm.SurveySchema(separators=[", "], vocabulary=VOCAB)
    cohort, _ = mm.read_survey(path, google, report=True, strict=True)
    assert cohort.mentee("e1").topics == {"research, scholarship and grants": 1.0,
                                          "clinical work": 1.0}
    listed = mm.SurveySchema(separators=[", "], options={
        "topics": ["Research, scholarship and grants", "Clinical work"]})
    assert mm.read_survey(path, listed, report=True)[0].mentee("e1").topics.keys() == {
        "research, scholarship and grants", "clinical work"}
    _, blind = mm.read_survey(path, mm.SurveySchema(separators=[", "]), report=True)
    [warning] = blind.warnings
    assert warning.topic == "split" and "no list of the form's options" in warning.message


def test_program_round_fields_are_read(tmp_path: Path) -> None:
    rows = [["ID", "Role", "Topics", "Trained abroad", "Relocated", "Tasks", "Buddy capacity",
             "Task capacity", "Minimum load", "Capacity", "Mentors wanted"],
            ["e1", "mentee", "QI", "Yes", "No", "QI; Teaching", "", "", "", "", "1"],
            ["r1", "mentor", "QI", "yes", "yes", "", "2", "1", "1", "2", ""]]
    cohort, _ = mm.read_survey(write(tmp_path / "s.csv", rows), report=True, strict=True)
    e1, r1 = cohort.mentee("e1"), cohort.mentor("r1")
    assert (e1.trained_abroad, e1.relocated, e1.tasks) == (True, False, ("qi", "teaching"))
    assert (r1.trained_abroad, r1.buddy_capacity, r1.task_capacity, r1.min_load) == (
        True, 2, 1, 1)


# ---------------------------------------------------------------------------- people

def test_ambiguous_supervisors_are_reported_never_guessed(tmp_path: Path) -> None:
    rows = [["ID", "Role", "Name", "Topics", "Supervisors", "Capacity", "Mentors wanted"],
            ["e1", "mentee", "Ann Lee", "QI", "J. Smith", "", "1"],
            ["e2", "mentee", "Bo Chan", "QI", "prof 1", "", "1"],
            ["r1", "mentor", "Jo Smith", "QI", "", "1", ""],
            ["r2", "mentor", "J. Smith", "QI", "", "1", ""],
            ["r3", "mentor", "J Smith", "QI", "", "1", ""],
            ["prof1", "mentor", "Dr Who", "QI", "", "1", ""]]
    path = write(tmp_path / "s.csv", rows)
    with pytest.raises(SurveyError, match=r"row 2, column 'Supervisors': supervisor 'J. "
                                             r"Smith' is ambiguous: it could be r2 or r3"):
        mm.read_survey(path)
    lax = mm.SurveySchema(unknown_supervisors="ignore")
    cohort, report = mm.read_survey(path, lax, report=True)
    assert cohort.mentee("e1").supervisors == ()
    assert cohort.mentee("e2").supervisors == ("prof1",)
    [warning] = report.warnings
    assert warning.row == 2 and "no exclusion made" in warning.message
    assert "'prof 1' -> prof1 (id (spaces and punctuation ignored))" in messages(report, "name")


def test_org_chart_names_that_do_not_resolve_are_reported(tmp_path: Path) -> None:
    cohort = expected()
    chart = write(tmp_path / "org.csv", [["Manager", "Employee"],
                                         ["Dr. Rotimi Okafor", "Okafor, Rotimi"],
                                         ["Rotimy Okafor", "Hannah Schmidt"],
                                         ["Marc Tremblay", "MARC.TREMBLAY@dal.example"],
                                         ["Amélie Côté", "Liam O'Brien"],
                                         ["The Dean", "Amelie Cote"]])
    pairs = mm.read_org_chart(chart)
    with pytest.raises(SurveyError, match=r"org.csv, pair 2: name: 'Rotimy Okafor' is nobody "
                                             r"in the cohort \(did you mean 'Rotimi Okafor'\?\)"):
        mm.with_supervisors(cohort, pairs, source="org.csv", strict=True)
    with pytest.warns(SurveyWarning, match="Rotimy Okafor"):
        mm.with_supervisors(cohort, pairs, source="org.csv")
    new, report = mm.with_supervisors(cohort, pairs, source="org.csv", report=True)
    assert new.mentee(f"liam.obrien{D}").supervisors == (ROTIMI, AMELIE)
    assert new.mentor(f"hannah.schmidt{D}").supervisors == (AMELIE,)  # the typo adds nothing
    assert "'The Dean' is nobody in the cohort: ('The Dean' supervises 'Amelie Cote') changes " \
           "nothing" in messages(report, "name", "info")
    assert report.rows == {"org.csv": 5}


@pytest.mark.parametrize("ref, expected_id, how", [
    ("Dr. José Álvarez", "r1", "name (titles/degrees dropped, accents ignored)"),
    ("alvarez, jose", "r1", "name written 'Last, First'"),
    ("Álvarez José", "r1", "name (words in another order)"),
    ("JOSE.ALVAREZ@X.ORG", "r1", "e-mail"),
    ("José Álvarez <jose.alvarez@x.org>", "r1", "e-mail"),
    ("Jose Alvarez, MD, PhD", "r1", "name (titles/degrees dropped, accents ignored)"),
    ("R-1", "r1", "id (spaces and punctuation ignored)"),
    ("Ann Lee (Chief, Mood Disorders)", "r2", "name"),
])
def test_people_resolve_by_id_email_and_name(ref: str, expected_id: str, how: str) -> None:
    from mentormatch.survey._people import PeopleIndex

    index = PeopleIndex([("r1", "jose.alvarez@x.org", "José Álvarez"), ("r2", None, "Ann Lee")])
    found = index.resolve(ref)
    assert (found.ident, found.how) == (expected_id, how)


# ---------------------------------------------------------------------------- schema help

@pytest.mark.parametrize("kwargs, message", [
    ({"topic": "Areas"}, "unknown schema key 'topic'; did you mean 'topics'?"),
    ({"values": {"capcity": {"5 or more": 5}}}, "unknown field in values 'capcity'; did you "
                                                "mean 'capacity'?"),
    ({"values": {"capacity": {"lots": "many"}}}, "values['capacity']['lots']: 'many' is not a "
                                                 "valid capacity; expected a whole number"),
    ({"values": {"role": {"Be mentored": "protege"}}}, "'protege' is not a valid role"),
    ({"defaults": {"demand": -1}}, "defaults['demand']: -1 is not a valid demand"),
    ({"preset": "survey_monkey"}, "unknown preset 'survey_monkey'; did you mean "
                                  "'surveymonkey'? (known presets: google_forms, "
                                  "microsoft_forms, qualtrics, redcap, surveymonkey)"),
    ({"name": "{First name {Last name}"}, "unbalanced braces"),
])
def test_schema_mistakes_say_what_to_write(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        mm.SurveySchema(**kwargs)
    assert message in str(info.value)


def test_presets_round_trip_through_json_and_explicit_keys_win() -> None:
    schema = mm.SurveySchema(preset="qualtrics", header_row=1, values=VALUES)
    assert (schema.header_row, schema.data_row, schema.separators) == (1, 4, (",",))
    assert mm.SurveySchema.from_json(schema.model_dump_json()) == schema


# ---------------------------------------------------------------------------- the report

def test_the_report_shows_as_text_and_as_a_notebook_table() -> None:
    _, report = mm.read_survey(FORMS / "google_forms.csv", SCHEMAS["google_forms.csv"],
                               report=True)
    text = str(report)
    assert text.splitlines()[0] == (
        "google_forms.csv: 10 rows -> 5 mentees, 5 mentors; 1 warning")
    assert "columns of google_forms.csv: id <- 'Email address'; role <- " in text
    page = report._repr_html_()
    assert page.count("<table>") == 1 and "background:#fff3cd" in page
    assert "Grant budgeting" in page and "&#x27;" in page  # escaped
    records = report.to_records()
    assert {r["topic"] for r in records} >= {"mapped", "split", "name", "merged", "topic"}
    assert mm.ReadReport.model_validate_json(report.model_dump_json()) == report


# ---------------------------------------------------------------------------- fuzz

def _google_rows() -> list[list[str]]:
    with open(FORMS / "google_forms.csv", encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


CELL_TEXT = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", "Yes", "No", "0", "-1", "5 or more", "lots", "Both", "Mentor",
                     "Research, scholarship and grants", "Other", "N/A", "Dr. Nobody",
                     "amira.haddad@dal.example", "Okafor, Rotimi", "Clinical work, ", ",", ";",
                     '"', "1", "__3", "Be mentored (new faculty)", "\n", "\x00"]))


@settings(max_examples=150, deadline=None)
@given(edits=st.lists(st.tuples(st.integers(1, 10), st.integers(0, 8), CELL_TEXT), max_size=6),
       strict=st.booleans())
def test_fuzzed_cells_of_a_real_export_never_load_a_partial_cohort(
        edits: list[tuple[int, int, str]], strict: bool) -> None:
    rows = _google_rows()
    for r, c, text in edits:
        rows[r][c] = text
    header = set(rows[0])
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / "google_forms.csv", rows)
        try:
            cohort, report = mm.read_survey(path, SCHEMAS["google_forms.csv"], report=True,
                                            strict=strict)
        except SurveyError as exc:
            assert exc.problems
            for p in exc.problems:
                assert p.file == "google_forms.csv"
                assert p.row is None or 1 <= p.row <= len(rows)
                assert p.column is None or p.column in header
            return
    ids = {r[1].strip() for r in rows[1:] if any(c.strip() for c in r)}
    assert {p.id for p in (*cohort.mentees, *cohort.mentors)} == ids  # nobody left out
    assert not (strict and report.warnings)


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=300), tool=st.sampled_from(sorted(FILES)))
def test_fuzzed_bytes_in_each_tools_shape_raise_only_survey_errors(data: bytes,
                                                                   tool: str) -> None:
    name = tool if not tool.endswith(".xlsx") else "microsoft_forms.csv"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            mm.read_survey(path, SCHEMAS[tool], report=True, strict=True)
        except SurveyError as exc:
            assert exc.problems and all(p.file in (name, "redcap_dictionary.csv")
                                        for p in exc.problems)


def test_must_differ_turns_same_lab_or_same_supervisor_into_exclusions(tmp_path: Path) -> None:
    rows = [["ID", "Role", "Topics", "Lab", "Supervisors", "Capacity", "Mentors wanted"],
            ["e1", "mentee", "QI", "Mood Disorders Lab", "r9", "", "1"],
            ["e2", "mentee", "QI", "n/a", "r9", "", "1"],
            ["r1", "mentor", "QI", "mood disorders lab", "", "1", ""],
            ["r2", "mentor", "QI", "", "r9", "1", ""],
            ["r9", "mentor", "QI", "Sleep lab", "", "1", ""]]
    path = write(tmp_path / "s.csv", rows)
    schema = mm.SurveySchema(must_differ=["Lab", "supervisors"])
    cohort, report = mm.read_survey(path, schema, report=True, strict=True)
    assert cohort.forbidden == (("e1", "r1"), ("e1", "r2"), ("e2", "r2"))
    assert messages(report, "forbidden") == [
        "1 pairs never matched: same answer to 'Lab' (e1-r1)",
        "2 pairs never matched: same answer to 'supervisors' (e1-r2, e2-r2)"]
    with pytest.raises(SurveyError, match="missing the column 'Room' named in must_differ"):
        mm.read_survey(path, mm.SurveySchema(must_differ=["Room"]))


@pytest.mark.parametrize(("name", "heading"), [
    ("google_forms.csv", 1), ("qualtrics.csv", 3), ("surveymonkey.csv", 2),
    ("redcap_labels.csv", 1)])
def test_header_rows_repeated_mid_file_are_left_out_and_reported(tmp_path: Path, name: str,
                                                                  heading: int) -> None:
    # two exports pasted into one file: the second one's header rows used to be read as a
    # response ("unknown role 'Which best describes you?'")
    text = (FORMS / name).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    pasted = rows[:heading + 1] + rows[:heading] + rows[heading + 1:]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(pasted)
    target = tmp_path / name
    target.write_text(buffer.getvalue(), encoding="utf-8")
    cohort, report = mm.read_survey(target, SCHEMAS[name], report=True)
    assert cohort == expected()
    skipped = [e for e in report.find("skipped", level="warning") if "repeats row" in e.message]
    assert [e.row for e in skipped] == list(range(heading + 2, 2 * heading + 2))
    with pytest.raises(SurveyError, match=f"row {heading + 2}.*repeats row 1"):
        mm.read_survey(target, SCHEMAS[name], strict=True)


@pytest.mark.parametrize(("name", "tool", "preset"), [
    ("qualtrics.csv", "Qualtrics", "qualtrics"),
    ("surveymonkey.csv", "SurveyMonkey", "surveymonkey"),
    ("microsoft_forms.xlsx", "Microsoft Forms", "microsoft_forms"),
    ("redcap_raw.csv", "REDCap", "redcap")])
def test_a_forgotten_preset_is_named_in_the_missing_column_problems(name: str, tool: str,
                                                                     preset: str) -> None:
    pytest.importorskip("openpyxl")
    with pytest.raises(SurveyError, match=f"this looks like a {tool} export: set "
                                          f"preset='{preset}' \\(CLI: --preset {preset}\\)"):
        mm.read_survey(FORMS / name)


def test_microsoft_forms_response_numbers_read_as_ids_are_a_warning() -> None:
    # without the preset, the schema's default id column 'ID' is Microsoft Forms' response
    # number: every resubmission silently became one more person
    pytest.importorskip("openpyxl")
    schema = mm.SurveySchema(**QUESTIONS, separators=(";",), values=VALUES, vocabulary=VOCAB)
    _, report = mm.read_survey(FORMS / "microsoft_forms.xlsx", schema, report=True)
    assert any("numbers the responses, not the people" in w.message for w in report.warnings)
    _, report = mm.read_survey(FORMS / "microsoft_forms.xlsx", SCHEMAS["microsoft_forms.xlsx"],
                               report=True)
    assert not any("numbers the responses" in w.message for w in report.warnings)


def test_a_resubmission_whose_email_differs_by_case_is_a_resubmission(tmp_path: Path) -> None:
    # typed e-mails as ids: 'AMIRA.HADDAD@...' the second time used to be refused by the cohort
    # ("differ only by case") with no row named, even under duplicates='keep_last'
    rows = list(csv.reader(io.StringIO((FORMS / "google_forms.csv").read_text(
        encoding="utf-8-sig"), newline="")))
    again = [rows[1][0], rows[1][1].upper(), *rows[1][2:]]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([*rows, again])
    (tmp_path / "g.csv").write_text(buffer.getvalue(), encoding="utf-8")
    cohort, report = mm.read_survey(tmp_path / "g.csv", SCHEMAS["google_forms.csv"],
                                    report=True)
    assert f"AMIRA.HADDAD{D.upper()}" in cohort.mentee_ids and len(cohort.mentees) == 5
    assert ("mentee 'AMIRA.HADDAD@DAL.EXAMPLE': row 2, whose id 'amira.haddad@dal.example' "
            "differs only by case, left out, this row kept (duplicates='keep_last')"
            in [e.message for e in report.find("merged")])
    plain = SCHEMAS["google_forms.csv"].model_copy(update={"duplicates": "error"})
    with pytest.raises(SurveyError, match=rf"row {len(rows) + 1}: duplicate mentee id "
                                          r"'AMIRA.HADDAD@DAL.EXAMPLE' \(also on row 2, as "
                                          r"'amira.haddad@dal.example'\)"):
        mm.read_survey(tmp_path / "g.csv", plain)


def test_a_forgotten_preset_is_named_from_headers_compared_as_every_header_is() -> None:
    # looks_like compared strip().lower() while every other header goes through key()
    from mentormatch.survey._schema import looks_like

    assert looks_like(["Record ID", "REDCap survey identifier"]) == ("redcap", "REDCap")
    assert looks_like(["ID", " Start  time", "Completion_Time"]) == (
        "microsoft_forms", "Microsoft Forms")
    assert looks_like(["ID", "Start time"]) is None
