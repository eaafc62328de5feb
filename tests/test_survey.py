"""Survey import: every export shape gives the same cohort; bad files say where and why."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.errors import ConstraintConflictError, InvalidInputError, SurveyError
from mentormatch.topics import PILOT_TOPICS

TOPICS = ["clinical work", "research and scholarship", "teaching and curriculum development",
          "quality improvement", "leadership"]
TYPE_LABEL = {"one_to_one": "One-to-one", "group": "Group", "peer": "Peer",
              "task_focused": "Task focused"}
MOD_LABEL = {"in_person": "In person", "online": "Video", "phone": "Telephone"}


def reference(weights: bool = False) -> mm.Cohort:
    """A small cohort written by hand, using every field a survey can carry."""
    e1_topics: Any = ({"clinical work": 1.0, "quality improvement": 0.5} if weights
                      else ["clinical work", "quality improvement"])
    mentees = [
        mm.Mentee(id="e1", name="Ada Lee", email="ada@x.org", topics=e1_topics,
                  types=["one_to_one"], modalities=["online"], demand=2, division="Adult",
                  site="Halifax", newcomer=True, other_topics="licensing exams"),
        mm.Mentee(id="e2", name="Bo Chan", topics=["leadership"], types=["group", "peer"],
                  supervisors=("r2",)),
        mm.Mentee(id="e3", topics=["research and scholarship",
                                   "teaching and curriculum development"],
                  types=["task_focused"], career_stage="early"),
    ]
    mentors = [
        mm.Mentor(id="r1", name="Cy Dee", email="cy@x.org", topics=["clinical work", "leadership"],
                  types=["one_to_one", "group"], capacity=2, modalities=["in_person", "phone"]),
        mm.Mentor(id="r2", topics=["leadership", "quality improvement"], types=["one_to_one"]),
        mm.Mentor(id="r3", topics=["research and scholarship"], types=["peer"], capacity=3,
                  career_stage="late", leads_divisions=("Adult",)),
        mm.Mentor(id="r4", topics=TOPICS, types=["one_to_one", "task_focused"], capacity=0),
    ]
    return mm.Cohort(mentees=mentees, mentors=mentors)


SCALARS = ["ID", "Role", "Name", "Email", "Division", "Site", "Career stage", "Newcomer",
           "Supervisor IDs", "Leads divisions", "Capacity", "Mentors wanted"]


def scalars(role: str, p: Any, native: bool = False) -> dict[str, Any]:
    """The single-answer columns of one person; native=True keeps numbers and booleans."""
    cap = p.capacity if role == "Mentor" else None
    dem = p.demand if role == "Mentee" else None
    return {
        "ID": p.id, "Role": role, "Name": p.name, "Email": p.email, "Division": p.division,
        "Site": p.site, "Career stage": p.career_stage.value.title() if p.career_stage else None,
        "Newcomer": p.newcomer if native else ("Yes" if p.newcomer else "No"),
        "Supervisor IDs": "; ".join(p.supervisors) or None,
        "Leads divisions": "; ".join(getattr(p, "leads_divisions", ())) or None,
        "Capacity": cap if native or cap is None else str(cap),
        "Mentors wanted": dem if native or dem is None else str(dem),
    }


def people(cohort: mm.Cohort) -> list[tuple[str, Any]]:
    return [("Mentee", p) for p in cohort.mentees] + [("Mentor", p) for p in cohort.mentors]


def label(topic: str) -> str:
    return topic[:1].upper() + topic[1:]


ZERO_R4 = "mentor 'r4' offers 0 places"  # the reference's r4 has capacity 0: reported


def read_expecting(path: Any, *warned: str, **kwargs: Any) -> mm.Cohort:
    """Read with the report: every warning mentions one of ``warned``, and each is mentioned."""
    cohort, report = mm.read_survey(path, report=True, **kwargs)
    messages = [w.message for w in report.warnings]
    assert all(any(w in m for w in warned) for m in messages), messages
    assert all(any(w in m for m in messages) for w in warned), messages
    return cohort


def write_csv(path: Path, rows: list[list[Any]], delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(
        [["" if c is None else c for c in r] for r in rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- export shapes

def shape_multiselect(tmp: Path, cohort: mm.Cohort) -> tuple[list[Path], dict[str, Any]]:
    """Microsoft Forms / Opinio: one multi-select column, ';' with a trailing ';'."""
    header = [*SCALARS, "Mentorship types", "Meeting modalities", "Topics", "Other topics"]
    rows: list[list[Any]] = [header]
    for role, p in people(cohort):
        rows.append([*scalars(role, p).values(),
                     ";".join(TYPE_LABEL[t] for t in p.types) + ";",
                     ";".join(MOD_LABEL[m] for m in p.modalities),
                     ";".join(label(t) for t in p.topics) + ";", p.other_topics])
    return [write_csv(tmp / "ms.csv", rows)], {}


def shape_comma_in_semicolon_csv(tmp: Path, cohort: mm.Cohort) -> tuple[list[Path], dict]:  # type: ignore[type-arg]
    """Google Forms checkboxes joined by ', ' in a ';'-delimited (European Excel) CSV."""
    header = [*SCALARS, "Mentorship types", "Meeting modalities", "Topics", "Other topics"]
    rows: list[list[Any]] = [header]
    for role, p in people(cohort):
        rows.append([*scalars(role, p).values(), ", ".join(TYPE_LABEL[t] for t in p.types),
                     ", ".join(MOD_LABEL[m] for m in p.modalities),
                     ", ".join(label(t) for t in p.topics), p.other_topics])
    return [write_csv(tmp / "g.csv", rows, delimiter=";")], {}


def _per_option_rows(cohort: mm.Cohort, mark: Callable[[str], str]) -> list[list[Any]]:
    header = [*SCALARS, *(f"Mentorship types [{v}]" for v in TYPE_LABEL.values()),
              "Meeting modalities", *(f"Topics [{label(t)}]" for t in TOPICS), "Topics [Other]"]
    rows: list[list[Any]] = [header]
    for role, p in people(cohort):
        rows.append([*scalars(role, p).values(),
                     *(mark(v) if k in p.types else "" for k, v in TYPE_LABEL.items()),
                     "; ".join(MOD_LABEL[m] for m in p.modalities),
                     *(mark(label(t)) if t in p.topics else "" for t in TOPICS),
                     p.other_topics])
    return rows


def shape_per_option_yes(tmp: Path, cohort: mm.Cohort) -> tuple[list[Path], dict]:  # type: ignore[type-arg]
    """Google Forms grid: 'Topics [Clinical work]' holding Yes (types with 'x')."""
    rows = _per_option_rows(cohort, lambda opt: "Yes" if opt[0] in "CRTQL" else "x")
    return [write_csv(tmp / "google.csv", rows)], {}


def shape_per_option_text(tmp: Path, cohort: mm.Cohort) -> tuple[list[Path], dict]:  # type: ignore[type-arg]
    """One column per choice holding the choice's own text, as some tools export."""
    return [write_csv(tmp / "text.csv", _per_option_rows(cohort, lambda opt: opt))], {}


def shape_two_files(tmp: Path, cohort: mm.Cohort) -> tuple[list[Path], dict]:  # type: ignore[type-arg]
    """Mentees and mentors answered different forms: two files, no role column."""
    out = []
    for role, group in (("Mentee", cohort.mentees), ("Mentor", cohort.mentors)):
        header = [c for c in SCALARS if c != "Role"] + ["Mentorship types",
                                                        "Meeting modalities", "Topics",
                                                        "Other topics"]
        rows: list[list[Any]] = [header]
        for p in group:
            row = scalars(role, p)
            del row["Role"]
            rows.append([*row.values(), "; ".join(TYPE_LABEL[t] for t in p.types),
                         "; ".join(MOD_LABEL[m] for m in p.modalities),
                         "; ".join(label(t) for t in p.topics), p.other_topics])
        out.append(write_csv(tmp / f"{role.lower()}s.csv", rows))
    return out, {"mentors_path": out[1]}


def shape_xlsx(tmp: Path, cohort: mm.Cohort) -> tuple[list[Path], dict]:  # type: ignore[type-arg]
    """An .xlsx written by openpyxl with numbers and booleans as native cells."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*SCALARS, "Mentorship types", "Meeting modalities", "Topics", "Other topics"])
    for role, p in people(cohort):
        sheet.append([*scalars(role, p, native=True).values(),
                      "; ".join(TYPE_LABEL[t] for t in p.types),
                      "; ".join(MOD_LABEL[m] for m in p.modalities),
                      "; ".join(label(t) for t in p.topics), p.other_topics])
    path = tmp / "survey.xlsx"
    book.save(path)
    return [path], {}


def shape_json(tmp: Path, cohort: mm.Cohort) -> tuple[list[Path], dict]:  # type: ignore[type-arg]
    """A JSON list of response objects; multi-selects as lists, numbers as numbers."""
    records = []
    for role, p in people(cohort):
        rec = {k: v for k, v in scalars(role, p, native=True).items() if v is not None}
        rec.update({"Mentorship types": [TYPE_LABEL[t] for t in p.types],
                    "Meeting modalities": [MOD_LABEL[m] for m in p.modalities],
                    "Topics": [label(t) for t in p.topics], "Other topics": p.other_topics})
        records.append(rec)
    path = tmp / "survey.json"
    path.write_text(json.dumps({"responses": records}), encoding="utf-8")
    return [path], {}


def shape_qualtrics(tmp: Path, cohort: mm.Cohort) -> tuple[list[Path], dict]:  # type: ignore[type-arg]
    """Qualtrics: ids in row 1, question text in row 2, import ids in row 3."""
    text = [*SCALARS, "Mentorship types", "Meeting modalities",
            *(f"Topics - Selected Choice - {label(t)}" for t in TOPICS), "Other topics"]
    rows: list[list[Any]] = [[f"Q{k}" for k in range(len(text))], text,
                             [json.dumps({"ImportId": f"QID{k}"}) for k in range(len(text))]]
    for role, p in people(cohort):
        rows.append([*scalars(role, p).values(), ",".join(TYPE_LABEL[t] for t in p.types),
                     ",".join(MOD_LABEL[m] for m in p.modalities),
                     *(label(t) if t in p.topics else "" for t in TOPICS), p.other_topics])
    schema = mm.SurveySchema(header_row=2, data_row=4)
    return [write_csv(tmp / "qualtrics.csv", rows)], {"schema": schema}


def shape_surveymonkey(tmp: Path, cohort: mm.Cohort) -> tuple[list[Path], dict]:  # type: ignore[type-arg]
    """SurveyMonkey: question in row 1 (once), options in row 2, 'Response' under singles."""
    head = [*SCALARS, "Mentorship types", "Meeting modalities", "Topics",
            *([""] * (len(TOPICS) - 1)), "Other topics"]
    sub = ["Response"] * (len(SCALARS) + 2) + [label(t) for t in TOPICS] + ["Open-Ended Response"]
    rows: list[list[Any]] = [head, sub]
    for role, p in people(cohort):
        rows.append([*scalars(role, p).values(), "; ".join(TYPE_LABEL[t] for t in p.types),
                     "; ".join(MOD_LABEL[m] for m in p.modalities),
                     *(label(t) if t in p.topics else "" for t in TOPICS), p.other_topics])
    return [write_csv(tmp / "monkey.csv", rows)], {"schema": mm.SurveySchema(subheader=True)}


SHAPES = [shape_multiselect, shape_comma_in_semicolon_csv, shape_per_option_yes,
          shape_per_option_text, shape_two_files, shape_xlsx, shape_json, shape_qualtrics,
          shape_surveymonkey]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda f: f.__name__[6:])
def test_every_export_shape_reads_into_the_same_cohort(tmp_path: Path,
                                                       shape: Callable[..., Any]) -> None:
    ref = reference()
    paths, kwargs = shape(tmp_path, ref)
    blind = ("cut at ','",) if shape is shape_comma_in_semicolon_csv else ()
    got = read_expecting(paths[0], ZERO_R4, *blind, **kwargs)
    assert got == ref
    assert got.excluded_pairs() == {("e2", "r2"): "r2 supervises e2"}


@pytest.mark.parametrize("answers, schema", [
    ({1.0: "5", 0.5: "3", None: "1"}, mm.SurveySchema(topic_answers="likert")),
    ({1.0: "Very interested", 0.5: "Somewhat interested", None: "Not interested"},
     mm.SurveySchema()),
    ({1.0: "Extremely interested", 0.5: "Moderately interested", None: ""},
     mm.SurveySchema()),
])
def test_likert_answers_become_topic_weights(tmp_path: Path, answers: dict[Any, str],
                                             schema: mm.SurveySchema) -> None:
    ref = reference(weights=True)
    header = [*SCALARS, "Mentorship types", "Meeting modalities",
              *(f"Topics [{label(t)}]" for t in TOPICS), "Other topics"]
    rows: list[list[Any]] = [header]
    for role, p in people(ref):
        rows.append([*scalars(role, p).values(), "; ".join(TYPE_LABEL[t] for t in p.types),
                     "; ".join(MOD_LABEL[m] for m in p.modalities),
                     *(answers[p.topics.get(t)] for t in TOPICS), p.other_topics])
    got = read_expecting(write_csv(tmp_path / "likert.csv", rows), ZERO_R4, schema=schema)
    assert got == ref
    assert got.mentee("e1").topics == {"clinical work": 1.0, "quality improvement": 0.5}


def test_role_both_makes_one_person_mentee_and_mentor(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", [["ID", "Role", "Topics", "Capacity", "Mentors wanted"],
                                          ["p1", "Both", "Leadership", "2", "1"],
                                          ["p2", "mentor", "QI", "", ""]])
    cohort = read_expecting(path, "blank: mentor capacity 1, a default the schema does not state",
                            vocabulary=mm.TopicVocabulary.pilot())
    assert cohort.mentee_ids == ("p1",) and cohort.mentor_ids == ("p1", "p2")
    assert cohort.mentor("p1").capacity == 2 and cohort.mentor("p2").capacity == 1
    assert cohort.mentor("p2").topics == {"quality improvement": 1.0}  # alias "QI"
    assert cohort.is_forbidden("p1", "p1")
    assert cohort.vocabulary == mm.TopicVocabulary.pilot()


def test_supervisors_named_by_email_or_name_resolve_to_ids(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", [
        ["ID", "Role", "Name", "Email", "Supervisors", "Topics"],
        ["e1", "mentee", "Ann", "ann@x.org", "BOB@x.org", "qi"],
        ["e2", "mentee", "Cy", "", "Bob  Smith, r9", "qi"],
        ["r1", "mentor", "Bob Smith", "bob@x.org", "", "qi"],
        ["r9", "mentor", "", "", "", "qi"],
    ])
    cohort = read_expecting(path, "no capacity column", "no demand column")
    assert cohort.mentee("e1").supervisors == ("r1",)
    assert cohort.mentee("e2").supervisors == ("r1", "r9")
    ignored = read_expecting(
        write_csv(tmp_path / "t.csv", [["ID", "Role", "Supervisors", "Topics"],
                                       ["e1", "mentee", "the chair", "qi"]]),
        "no demand column", schema=mm.SurveySchema(unknown_supervisors="ignore"))
    assert ignored.mentee("e1").supervisors == ("the chair",)


# ---------------------------------------------------------------------------- example + template

def test_example_export_is_the_pilot_cohort() -> None:
    cohort = mm.read_survey(mm.example_survey_path(), vocabulary=mm.TopicVocabulary.pilot())
    assert (len(cohort.mentees), len(cohort.mentors)) == (7, 33)
    # The same people as the hand-written JSON example (a separate file), minus free text.
    example = mm.example_cohort()
    plain = [p.model_copy(update={"other_topics": None}) for p in cohort.mentees]
    assert plain == list(example.mentees)
    assert [p.model_copy(update={"other_topics": None}) for p in cohort.mentors] == list(
        example.mentors)
    assert cohort.mentee("new-05").other_topics
    assert cohort.mentee("new-05").newcomer
    assert sum(e.demand == 2 for e in cohort.mentees) == 3
    assert cohort.excluded_pairs() == {("new-02", "mentor-03"): "mentor-03 supervises new-02"}
    result = mm.match(cohort)
    assert ("new-02", "mentor-03") not in {(p.mentee, p.mentor) for p in result.pairs}


def test_template_is_the_example_header_and_reads_back(tmp_path: Path) -> None:
    text = mm.survey_template(tmp_path / "template.csv")
    assert (tmp_path / "template.csv").read_bytes().decode("utf-8") == text
    example_header = mm.example_survey_path().read_text(encoding="utf-8").splitlines()[0]
    assert text.splitlines() == [example_header]
    header = next(csv.reader([text]))
    assert [h for h in header if h.startswith("Topics [")] == [
        f"Topics [{label(t)}]" for t in PILOT_TOPICS]
    row = {"ID": "e1", "Role": "Mentee", "Topics [Leadership]": "Yes"}
    path = write_csv(tmp_path / "filled.csv", [header, [row.get(h, "") for h in header]])
    filled = read_expecting(path, "blank: mentee demand 1")
    assert filled.mentee("e1").topics == {"leadership": 1.0}


def test_schema_round_trips_through_json(tmp_path: Path) -> None:
    schema = mm.SurveySchema(id="Email", role=None, topics=["Areas", "Topics"],
                             separators=["|"], topic_answers="likert", likert_points=7,
                             vocabulary=mm.TopicVocabulary.pilot())
    path = tmp_path / "schema.json"
    path.write_text(schema.model_dump_json(), encoding="utf-8")
    assert mm.SurveySchema.from_json(path) == schema
    assert mm.SurveySchema.from_json(str(path)) == schema
    with pytest.raises(InvalidInputError, match="likert_points"):
        mm.SurveySchema.from_json('{"likert_points": 1}')
    with pytest.raises(InvalidInputError, match="colour"):
        mm.SurveySchema.from_json('{"colour": "Topics"}')
    with pytest.raises(InvalidInputError, match="cannot read schema file"):
        mm.SurveySchema.from_json(tmp_path / "missing.json")


# ---------------------------------------------------------------------------- malformed surveys

HEAD = "ID,Role,Capacity,Mentors wanted,Mentorship types,Topics,Supervisor IDs,Newcomer\n"
OK_E = "e1,mentee,,1,one to one,Clinical work,,no\n"
OK_R = "r1,mentor,2,,group,Clinical work,,no\n"

# (case id, file name, file content, read_survey kwargs, row, column, message fragment)
MALFORMED: list[tuple[str, str, str | bytes, dict[str, Any], int | None, str | None, str]] = [
    ("missing id column", "s.csv", "Role,Topics\nmentee,QI\n", {}, 1, "ID",
     "missing the id column; the header has: Role, Topics"),
    ("unknown role", "s.csv", HEAD + OK_E + "r2,advisor,1,,group,QI,,no\n", {}, 3, "Role",
     "unknown role 'advisor'; expected both, mentee, mentor"),
    ("blank role", "s.csv", HEAD + ",,,,,,,\n" + "e2,,,,,QI,,\n", {}, 3, "Role",
     "the role is blank"),
    ("capacity as a word", "s.csv", HEAD + "r1,mentor,two,,group,QI,,no\n", {}, 2, "Capacity",
     "capacity must be a whole number such as 2, got 'two'"),
    ("negative capacity", "s.csv", HEAD + OK_E + "r1,mentor,-1,,group,QI,,no\n", {}, 3,
     "Capacity", "capacity must be 0 or more, got '-1'"),
    ("fractional demand", "s.csv", HEAD + "e1,mentee,,1.5,group,QI,,no\n", {}, 2,
     "Mentors wanted", "demand must be a whole number such as 2, got '1.5'"),
    ("empty topics for a mentee", "s.csv", HEAD + OK_R + "e1,mentee,,1,group,,,no\n", {}, 3,
     "Topics", "no topics chosen; every mentee needs at least one topic"),
    ("all topics 'not interested'", "s.csv",
     "ID,Role,Topics [QI],Topics [Leadership]\ne1,mentee,Not interested,\n", {}, 2,
     "Topics [QI]", "no topics chosen"),
    ("duplicate person", "s.csv", HEAD + OK_E + OK_R + "e1,Mentee,,2,group,QI,,no\n", {}, 4,
     None, "duplicate mentee id 'e1' (also on row 2)"),
    ("unknown mentorship type", "s.csv", HEAD + "e1,mentee,,1,one to one; mentoring circle,QI,,\n",
     {}, 2, "Mentorship types", "unknown mentorship type 'mentoring circle'"),
    ("misspelt mentorship type", "s.csv", HEAD + "e1,mentee,,1,grup,QI,,\n",
     {}, 2, "Mentorship types", "did you mean 'group'?"),
    ("unknown topic with vocabulary", "s.csv", HEAD + "e1,mentee,,1,group,Clinical wrok,,\n",
     {"vocabulary": mm.TopicVocabulary.pilot()}, 2, "Topics",
     "unknown topic 'Clinical wrok'; did you mean 'clinical work'?"),
    ("bad Likert value", "s.csv", "ID,Role,Topics [QI],Topics [Leadership]\n"
     "e1,mentee,Very interested,maybe\n", {}, 2, "Topics [Leadership]",
     "expected yes/no, 1/0, x, the option text or an interest level"),
    ("Likert number out of range", "s.csv", "ID,Role,Topics [QI]\ne1,mentee,7\n",
     {"schema": mm.SurveySchema(topic_answers="likert")}, 2, "Topics [QI]",
     "expected a number 1 to 5"),
    ("bad newcomer answer", "s.csv", HEAD + "e1,mentee,,1,group,QI,,perhaps\n", {}, 2,
     "Newcomer", "expected yes or no, got 'perhaps'"),
    ("unknown supervisor", "s.csv", HEAD + OK_R + "e1,mentee,,1,group,QI,r2,no\n", {}, 3,
     "Supervisor IDs", "unknown supervisor 'r2'"),
    ("self supervision", "s.csv", HEAD + "e1,mentee,,1,group,QI,e1,no\n", {}, 2,
     "Supervisor IDs", "nobody supervises themselves"),
    ("bad career stage", "s.csv", "ID,Role,Topics,Career stage\ne1,mentee,QI,junior\n", {}, 2,
     "Career stage", "unknown career stage 'junior'"),
    ("blank id", "s.csv", HEAD + " ,mentee,,1,group,QI,,no\n", {}, 2, "ID", "the id is blank"),
    ("empty file", "s.csv", "", {}, None, None, "the file is empty"),
    ("header only", "s.csv", HEAD, {}, None, None, "no responses"),
    ("wrong file extension", "s.pdf", HEAD + OK_E, {}, None, None,
     "unsupported file type '.pdf'"),
    ("row with too many cells", "s.csv", HEAD + OK_E + "e2,mentee,,1,group,QI,,no,extra\n",
     {}, 3, None, "the row has 9 cells but the header has 8 columns"),
    ("unclosed quote", "s.csv", HEAD + OK_E + 'e2,mentee,,1,group,"QI,,no\n', {}, 3, None,
     "the CSV cannot be parsed here"),
    ("not UTF-8", "s.csv", (HEAD + "e1,mentee,,1,group,Caf\xe9,,no\n").encode("latin-1"), {},
     2, None, "the file is not UTF-8 text"),
    ("invalid JSON", "s.json", '[{"ID": "e1",}]', {}, None, None, "invalid JSON at line 1"),
    ("JSON nested object", "s.json", '[{"ID": "e1", "Role": "mentee", "Topics": {"a": 1}}]',
     {}, 1, "Topics", "nested objects are not supported"),
    ("missing topics column", "s.csv", "ID,Role\ne1,mentee\n", {}, 1, "Topics",
     "missing a topics column"),
    ("no role column, one file", "s.csv", "ID,Topics\ne1,QI\n", {}, 1, "Role",
     "missing a role column"),
    ("file not found", "absent.csv", None, {}, None, None, "file not found"),  # type: ignore
]


@pytest.mark.parametrize("case", MALFORMED, ids=[c[0] for c in MALFORMED])
def test_malformed_survey_names_file_row_and_column(tmp_path: Path, case: Any) -> None:
    _, name, content, kwargs, row, column, fragment = case
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(SurveyError) as info:
        mm.read_survey(path, **kwargs)
    err = info.value
    assert isinstance(err, InvalidInputError) and isinstance(err, ValueError)
    hits = [p for p in err.problems if fragment in p.message]
    assert hits, f"no problem mentions {fragment!r}: {err}"
    assert (hits[0].file, hits[0].row, hits[0].column) == (name, row, column), str(err)
    assert fragment in str(err) and name in str(err)


def test_wrong_role_in_the_mentors_file(tmp_path: Path) -> None:
    mentees = write_csv(tmp_path / "mentees.csv", [["ID", "Topics"], ["e1", "QI"]])
    mentors = write_csv(tmp_path / "mentors.csv", [["ID", "Role", "Topics"],
                                                   ["r1", "mentor", "QI"],
                                                   ["r2", "Mentee", "QI"]])
    with pytest.raises(SurveyError) as info:
        mm.read_survey(mentees, mentors_path=mentors)
    [problem] = info.value.problems
    assert (problem.file, problem.row, problem.column) == ("mentors.csv", 3, "Role")
    assert "this file holds mentors but the row says 'Mentee'" in problem.message


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    text = (HEAD + OK_E
            + "e2,mentee,,two,group,QI,,no\n"          # row 3: demand word
            + "r1,mentor,-3,,circle,,,no\n"            # row 4: capacity, type, no topics
            + "e1,mentee,,1,group,QI,,no\n"            # row 5: duplicate
            + "x1,boss,,,group,QI,,no\n")              # row 6: role
    path = tmp_path / "many.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SurveyError) as info:
        mm.read_survey(path)
    found = {(p.row, p.column) for p in info.value.problems}
    assert found == {(3, "Mentors wanted"), (4, "Capacity"), (4, "Mentorship types"),
                     (4, "Topics"), (5, None), (6, "Role")}
    rows = [p.row or 0 for p in info.value.problems]
    assert rows == sorted(rows)
    assert str(info.value).startswith("6 problems in many.csv:")


def test_problems_of_both_files_are_reported_together(tmp_path: Path) -> None:
    mentees = write_csv(tmp_path / "mentees.csv", [["ID", "Topics", "Mentors wanted"],
                                                   ["e1", "QI", "three"]])
    mentors = write_csv(tmp_path / "mentors.csv", [["ID", "Topics", "Capacity"],
                                                   ["r1", "QI", "-2"], ["e1", "QI", "1"]])
    with pytest.raises(SurveyError) as info:
        mm.read_survey(mentees, mentors_path=mentors)
    assert [(p.file, p.row) for p in info.value.problems] == [("mentees.csv", 2),
                                                              ("mentors.csv", 2)]


def test_xlsx_problems_use_sheet_row_numbers(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["ID", "Role", "Capacity", "Topics"])
    book.active.append(["r1", "mentor", 2.5, "QI"])
    book.save(tmp_path / "s.xlsx")
    with pytest.raises(SurveyError, match=r"s.xlsx, row 2, column 'Capacity': capacity must "
                                             r"be a whole number such as 2, got '2.5'"):
        mm.read_survey(tmp_path / "s.xlsx")
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip file")
    with pytest.raises(SurveyError, match="not a readable .xlsx workbook"):
        mm.read_survey(tmp_path / "bad.xlsx")
    with pytest.raises(SurveyError, match="no worksheet 'Answers'"):
        mm.read_survey(tmp_path / "s.xlsx", mm.SurveySchema(sheet="Answers"))


def test_an_empty_first_sheet_names_the_other_sheets(tmp_path: Path) -> None:
    # a notes or blank sheet in front of the answers used to be reported as "the file is empty"
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    answers = book.create_sheet("Form1")
    answers.append(["ID", "Role", "Capacity", "Topics"])
    answers.append(["r1", "mentor", 2, "QI"])
    answers.append(["e1", "mentee", None, "QI"])
    book.save(tmp_path / "s.xlsx")
    with pytest.raises(SurveyError, match="first worksheet, 'Notes', is empty; the workbook "
                                          "also has 'Form1'"):
        mm.read_survey(tmp_path / "s.xlsx")
    cohort = mm.read_survey(tmp_path / "s.xlsx", mm.SurveySchema(sheet="Form1",
                                                                 defaults={"demand": 1}))
    assert (cohort.mentee_ids, cohort.mentor_ids) == (("e1",), ("r1",))


def test_nul_characters_are_refused_with_the_likely_cause(tmp_path: Path) -> None:
    # a UTF-16 export without its byte-order mark is valid UTF-8 with a NUL after every
    # letter: it was read as columns named 'I\x00D\x00' and refused as missing the id column
    text = "ID\tRole\tCapacity\tTopics\r\nr1\tmentor\t2\tQI\r\ne1\tmentee\t\tQI\r\n"
    for order in ("le", "be"):  # the hint named little-endian for both
        (tmp_path / "wide.txt").write_bytes(text.encode(f"utf-16-{order}"))
        with pytest.raises(SurveyError, match="wide.txt, row 1: the text holds NUL characters"
                                              f".*encoding='utf-16-{order}'"):
            mm.read_survey(tmp_path / "wide.txt")
        schema = mm.SurveySchema(encoding=f"utf-16-{order}", defaults={"demand": 1})
        assert mm.read_survey(tmp_path / "wide.txt", schema).mentor_ids == ("r1",)
    (tmp_path / "damaged.csv").write_text(text.replace("\t", ",").replace("e1", "e\x001"))
    with pytest.raises(SurveyError, match="damaged.csv, row 3: the text holds NUL characters"):
        mm.read_survey(tmp_path / "damaged.csv")


def test_a_utf16_hint_names_both_byte_orders_when_the_nuls_do_not_tell(
        tmp_path: Path) -> None:
    # as many NULs at odd as at even offsets: the hint named little-endian on a coin toss
    (tmp_path / "even.txt").write_bytes(("a\u0100" * 3).encode("utf-16-le"))
    with pytest.raises(SurveyError, match="encoding='utf-16-le' or 'utf-16-be'"):
        mm.read_survey(tmp_path / "even.txt")


def test_a_json_record_holding_a_key_twice_is_refused(tmp_path: Path) -> None:
    # json.loads keeps the last value of a repeated key: mentor r1 silently became r2
    (tmp_path / "s.json").write_text(
        '[{"ID": "r1", "Role": "mentor", "Capacity": 2, "Topics": "QI", "ID": "r2"},'
        ' {"ID": "e1", "Role": "mentee", "Topics": "QI"}]')
    with pytest.raises(SurveyError, match="s.json, record 1, column 'ID': the key is in the "
                                          "record twice"):
        mm.read_survey(tmp_path / "s.json", mm.SurveySchema(defaults={"demand": 1}))


# ---------------------------------------------------------------------------- fuzzing

FIXTURE_OK = [HealthCheck.function_scoped_fixture]  # tmp_path is overwritten per example
CELLS = st.one_of(
    st.sampled_from(["", "mentee", "Mentor", "both", "1", "2", "-1", "two", "Yes", "x", "no",
                     "QI", "Clinical work", "Clinical work; QI", "a,b", "one to one; group",
                     "Very interested", "3", "e1", "r1", "e1; r1", ";", ",", '"', "early"]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
)
HEADERS = st.sampled_from(["ID", "Role", "Topics", "Capacity", "Mentors wanted", "Newcomer",
                           "Mentorship types", "Topics [QI]", "Topics [Other]", "Supervisor IDs",
                           "Career stage", "Meeting modalities", "", "ID", "Other topics"])
SCHEMAS = st.sampled_from([mm.SurveySchema(), mm.SurveySchema(topic_answers="likert"),
                           mm.SurveySchema(subheader=True), mm.SurveySchema(header_row=2),
                           mm.SurveySchema(unknown_supervisors="ignore", delimiter=";")])


def _only_library_errors(path: Path, schema: mm.SurveySchema) -> None:
    try:
        cohort, _ = mm.read_survey(path, schema, report=True)
    except SurveyError as exc:
        assert exc.problems and all(p.file == path.name for p in exc.problems)
    else:
        assert isinstance(cohort, mm.Cohort)


@settings(max_examples=250, deadline=None, suppress_health_check=FIXTURE_OK)
@given(header=st.lists(HEADERS, min_size=1, max_size=8),
       rows=st.lists(st.lists(CELLS, max_size=9), max_size=6), schema=SCHEMAS,
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_fuzzed_csv_cells_raise_only_library_errors(tmp_path: Path, header: list[str],
                                                    rows: list[list[str]],
                                                    schema: mm.SurveySchema,
                                                    delimiter: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([header, *rows])
    path = tmp_path / "fuzz.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    _only_library_errors(path, schema)


VALID_CELLS = {
    "ID": st.sampled_from(["e1", "e2", "r1", "r2", "p3"]),
    "Role": st.sampled_from(["mentee", "Mentor", "both", "mentee"]),
    "Topics": st.sampled_from(["QI", "Clinical work; QI", "leadership, wellness", "teaching"]),
    "Capacity": st.sampled_from(["", "0", "1", "2", "3.0"]),
    "Mentors wanted": st.sampled_from(["", "1", "2"]),
    "Supervisor IDs": st.sampled_from(["", "", "r1", "e1", "r2; r1"]),
    "Mentorship types": st.sampled_from(["", "one to one", "group; peer"]),
    "Topics [Wellness]": st.sampled_from(["", "Yes", "Very interested", "Wellness", "0"]),
}


@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURE_OK)
@given(data=st.data(), extra=st.lists(st.sampled_from(list(VALID_CELLS)[3:]), unique=True),
       n_rows=st.integers(1, 6), vocab=st.booleans())
def test_fuzzed_plausible_surveys_load_or_raise_library_errors(
        tmp_path: Path, data: st.DataObject, extra: list[str], n_rows: int, vocab: bool) -> None:
    header = ["ID", "Role", "Topics", *extra]
    rows = [header] + [[data.draw(VALID_CELLS[h] | CELLS if data.draw(st.integers(0, 9)) == 0
                                  else VALID_CELLS[h]) for h in header] for _ in range(n_rows)]
    path = write_csv(tmp_path / "plausible.csv", rows)
    vocabulary = mm.TopicVocabulary.pilot() if vocab else None
    try:
        cohort, _ = mm.read_survey(path, vocabulary=vocabulary, report=True)
    except SurveyError as exc:
        assert all(p.file == "plausible.csv" and (p.row is None or 1 <= p.row <= n_rows + 1)
                   for p in exc.problems)
    else:  # what loaded is what the file says
        ids = {r[0].strip() for r in rows[1:]}
        assert set(cohort.mentee_ids) | set(cohort.mentor_ids) == ids
        for p in (*cohort.mentees, *cohort.mentors):
            assert p.topics or p.other_topics  # an answer outside the vocabulary is free text
            assert all(0 < w <= 1 for w in p.topics.values())


@settings(max_examples=200, deadline=None, suppress_health_check=FIXTURE_OK)
@given(prefix=st.sampled_from(["", HEAD, "ID,Role,Topics\n"]),
       data=st.binary(max_size=200) | st.text(alphabet='",;\n\r\t\x00 abe1QI', max_size=120)
       .map(lambda s: s.encode("utf-8")), schema=SCHEMAS)
def test_fuzzed_bytes_and_quotes_raise_only_library_errors(tmp_path: Path, prefix: str,
                                                           data: bytes,
                                                           schema: mm.SurveySchema) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(prefix.encode("utf-8") + data)
    _only_library_errors(path, schema)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
    | st.sampled_from(["mentee", "mentor", "QI", "2"]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["ID", "Role", "Topics", "Capacity", "responses", "x"]),
                      inner, max_size=4),
    max_leaves=12)


@settings(max_examples=200, deadline=None, suppress_health_check=FIXTURE_OK)
@given(data=JSON_VALUES)
def test_fuzzed_json_raises_only_library_errors(tmp_path: Path, data: Any) -> None:
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    _only_library_errors(path, mm.SurveySchema())


# ---------------------------------------------------------------------------- org chart

def test_org_chart_supervisors_are_never_matched(tmp_path: Path) -> None:
    cohort = mm.read_survey(mm.example_survey_path(), vocabulary=mm.TopicVocabulary.pilot())
    before = {(p.mentee, p.mentor) for p in mm.match(cohort).pairs}
    chosen = sorted(before)[:3]
    chart = write_csv(tmp_path / "org.csv", [
        ["Employee", "Manager"],  # supervisee first: found by name, not by position
        *([e, r] for e, r in chosen[:2]),
        # a mentor supervised by the mentee, named by e-mail
        [cohort.mentor(chosen[2][1]).email.upper(), chosen[2][0]],  # type: ignore[union-attr]
        ["chair@example.org", "new-01"],  # supervises someone outside the survey
        ["new-01", "someone-else"],  # supervised by someone outside the survey
    ])
    pairs = mm.read_org_chart(chart)
    assert pairs[:2] == [(r, e) for e, r in chosen[:2]]
    updated = mm.with_supervisors(cohort, pairs)
    excluded = updated.excluded_pairs()
    for e, r in chosen:
        assert (e, r) in excluded and "supervises" in excluded[(e, r)]
    assert chosen[0][1] in updated.mentee(chosen[0][0]).supervisors
    after = {(p.mentee, p.mentor) for p in mm.match(updated).pairs}
    assert not after & set(chosen)
    assert cohort.excluded_pairs() == {("new-02", "mentor-03"): "mentor-03 supervises new-02"}


def test_org_chart_two_unnamed_columns_and_problems(tmp_path: Path) -> None:
    plain = write_csv(tmp_path / "plain.csv", [["boss", "who"], ["r1", "e1"], ["r1", "e1"]])
    assert mm.read_org_chart(plain) == [("r1", "e1")]
    named = write_csv(tmp_path / "named.csv", [["A", "B", "C"], ["x", "e1", "r1"]])
    assert mm.read_org_chart(named, supervisor_column="C", supervisee_column="B") == [
        ("r1", "e1")]
    with pytest.raises(SurveyError, match="cannot tell the supervisor and supervisee"):
        mm.read_org_chart(named)
    bad = write_csv(tmp_path / "bad.csv", [["supervisor", "supervisee"], ["r1", ""],
                                           ["e1", "E1"], ["r2", "e2"]])
    with pytest.raises(SurveyError) as info:
        mm.read_org_chart(bad)
    assert [(p.row, p.column) for p in info.value.problems] == [(2, "supervisee"),
                                                                 (3, "supervisor")]


def test_org_chart_conflicting_with_a_lock_is_an_error() -> None:
    cohort = mm.Cohort(mentees=[mm.Mentee(id="e1", topics=["qi"])],
                       mentors=[mm.Mentor(id="r1", topics=["qi"])], locked=[("e1", "r1")])
    with pytest.raises(ConstraintConflictError, match="r1 supervises e1"):
        mm.with_supervisors(cohort, [("r1", "e1")])
