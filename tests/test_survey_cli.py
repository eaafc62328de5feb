"""The command line reads surveys as the notebook does: presets, two files, strict, locks."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from form_exports import FORMS, QUESTIONS, VALUES  # type: ignore[import-not-found]
from mentormatch.cli import main

GOOGLE = FORMS / "google_forms.csv"


def google_schema(tmp_path: Path) -> Path:
    """The Google Forms schema as a director would save it for the command line."""
    path = tmp_path / "schema.json"
    path.write_text(json.dumps({"name": "Full name", **QUESTIONS, "duplicates": "keep_last",
                                "values": VALUES,
                                "options": {"topics": ["Clinical work",
                                                       "Research, scholarship and grants",
                                                       "Teaching and curriculum development",
                                                       "Quality improvement",
                                                       "Work-life balance", "Leadership",
                                                       "Wellness"]}}), encoding="utf-8")
    return path


def pairs(path: Path) -> set[tuple[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return {(r["mentee"], r["mentor"]) for r in csv.DictReader(fh)}


def test_preset_schema_locks_and_forbids(tmp_path: Path, capsys) -> None:
    schema, out = google_schema(tmp_path), tmp_path / "pairs.csv"
    lock = "amira.haddad@dal.example:marc.tremblay@dal.example"
    forbid = "liam.obrien@dal.example:amelie.cote@dal.example"
    assert main(["match", str(GOOGLE), "--preset", "google_forms", "--schema", str(schema),
                 "--lock", lock, "--forbid", forbid, "--out", str(out)]) == 0
    made = pairs(out)
    assert tuple(lock.split(":")) in made and tuple(forbid.split(":")) not in made
    err = capsys.readouterr().err
    assert err.startswith("read: google_forms.csv: 10 rows -> 5 mentees, 5 mentors; 1 warning")
    assert "WARNING google_forms.csv, row 4, column" in err and "Grant budgeting" in err


def test_strict_refuses_a_survey_with_warnings(tmp_path: Path, capsys) -> None:
    schema = google_schema(tmp_path)
    assert main(["match", str(GOOGLE), "--preset", "google_forms", "--schema", str(schema),
                 "--strict"]) == 2
    err = capsys.readouterr().err
    assert "error: 1 problem in google_forms.csv" in err and "Traceback" not in err


def test_the_whole_read_report_can_be_written(tmp_path: Path, capsys) -> None:
    schema, text, data = google_schema(tmp_path), tmp_path / "read.txt", tmp_path / "read.json"
    for target in (text, data):
        assert main(["shortlist", str(GOOGLE), "--preset", "google_forms", "--schema",
                     str(schema), "--read-report", str(target)]) == 0
    assert text.read_text(encoding="utf-8").startswith("google_forms.csv: 10 rows")
    assert json.loads(data.read_text(encoding="utf-8"))["mentees"] == 5


def test_mentors_in_a_second_file(tmp_path: Path, capsys) -> None:
    mentees = tmp_path / "mentees.csv"
    mentees.write_text("ID,Topics,Mentors wanted\ne1,QI,1\ne2,Leadership,1\n", encoding="utf-8")
    mentors = tmp_path / "mentors.csv"
    mentors.write_text("ID,Topics,Capacity\nr1,QI,1\nr2,Leadership,1\n", encoding="utf-8")
    out = tmp_path / "pairs.csv"
    assert main(["match", str(mentees), "--mentors", str(mentors), "--out", str(out)]) == 0
    assert pairs(out) == {("e1", "r1"), ("e2", "r2")}
    cohort = tmp_path / "cohort.json"
    cohort.write_text('{"mentees": [], "mentors": []}', encoding="utf-8")
    assert main(["match", str(cohort), "--mentors", str(mentors)]) == 2
    assert "--mentors reads a second survey file" in capsys.readouterr().err


@pytest.mark.parametrize("flag", ["--lock", "--forbid"])
def test_a_malformed_pair_names_its_flag(flag: str, capsys) -> None:
    assert main(["match", str(GOOGLE), flag, "amira"]) == 2
    assert f"{flag} expects MENTEE:MENTOR, got 'amira'" in capsys.readouterr().err


def test_a_closed_pipe_ends_quietly() -> None:
    with subprocess.Popen([sys.executable, "-m", "mentormatch", "demo"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader has gone before the first line
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=120) in (0, 1)
    assert "Traceback" not in err and "error" not in err
