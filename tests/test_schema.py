"""``mentormatch schema``: JSON Schema for web form builders, both forms of topics included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mentormatch as mm
from mentormatch.cli._main import main

jsonschema = pytest.importorskip("jsonschema")


def _schema(which: str, capsys) -> dict:  # type: ignore[type-arg]
    assert main(["schema", which]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


@pytest.mark.parametrize("which", ["cohort", "result", "survey-schema"])
def test_each_schema_is_valid_draft_2020_12(which: str, capsys) -> None:
    schema = _schema(which, capsys)
    assert schema["$schema"].endswith("draft/2020-12/schema")
    jsonschema.Draft202012Validator.check_schema(schema)
    # descriptions are summaries, never doctest examples
    assert ">>>" not in json.dumps(schema)


def test_cohort_schema_accepts_both_forms_of_topics_and_rejects_others(capsys) -> None:
    validator = jsonschema.Draft202012Validator(_schema("cohort", capsys))
    cohort = {"mentees": [{"id": "e1", "topics": ["teaching", "research"]},
                          {"id": "e2", "topics": {"research": 1.0, "leadership": 0.5}}],
              "mentors": [{"id": "r1", "topics": ["teaching"], "capacity": 2}]}
    assert not list(validator.iter_errors(cohort))
    mm.Cohort.model_validate(cohort)  # and the library reads what the schema allows
    for bad in ({"research": -1}, [1, 2], {"research": "high"}):
        broken = {**cohort, "mentees": [{"id": "e1", "topics": bad}]}
        assert list(validator.iter_errors(broken)), bad


def test_result_schema_describes_what_write_json_writes(tmp_path: Path, capsys) -> None:
    validator = jsonschema.Draft202012Validator(_schema("result", capsys))
    path = mm.write_json(mm.match(mm.example_cohort()), tmp_path / "result.json")
    assert not list(validator.iter_errors(json.loads(path.read_text())))


def test_survey_schema_describes_a_column_mapping(tmp_path: Path, capsys) -> None:
    schema = _schema("survey-schema", capsys)
    mapping = mm.SurveySchema().model_dump(mode="json")
    assert not list(jsonschema.Draft202012Validator(schema).iter_errors(mapping))
    out = tmp_path / "survey-schema.json"
    assert main(["schema", "survey-schema", "--out", str(out)]) == 0
    assert json.loads(out.read_text()) == schema
