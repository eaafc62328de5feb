"""The director's command line: match a survey, shortlist, rematch, survey template."""

from __future__ import annotations

import csv
import io
import json
import logging
from pathlib import Path

import pytest

import mentormatch as mm
from mentormatch.cli._main import _parser, main

SECRETS = ("g-secret", "b-secret")


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def _ids(path: Path) -> list[tuple[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [(r["mentee"], r["mentor"]) for r in csv.DictReader(fh)]


def test_solver_choices_come_from_the_registry() -> None:
    sub = next(a for a in _parser()._actions if a.dest == "command")
    for command in ("demo", "match", "rematch"):
        solver = next(a for a in sub.choices[command]._actions if a.dest == "solver")  # type: ignore[index]
        assert tuple(solver.choices) == mm.solvers.available()


def test_match_a_survey_writes_every_output(tmp_path: Path, capsys) -> None:
    out, res, rep = tmp_path / "pairs.csv", tmp_path / "result.json", tmp_path / "r.html"
    code = main(["match", str(mm.example_survey_path()), "--solver", "hungarian",
                 "--out", str(out), "--json", str(res), "--report", str(rep)])
    assert code == 0
    stdout = capsys.readouterr().out
    assert "7/7 mentees matched" in stdout and "mentor-03 supervises new-02" in stdout
    header = out.read_text().splitlines()[0].split(",")
    assert header[:3] == ["mentee", "mentor", "score"] and "mentee_email" in header
    result = mm.MatchResult.model_validate_json(res.read_text())
    assert _ids(out) == [(p.mentee, p.mentor) for p in result.pairs]
    assert "data:image/png;base64," in rep.read_text()
    # the survey and the cohort JSON are the same people: the same pairs
    cohort_json = tmp_path / "cohort.json"
    cohort_json.write_text(mm.read_survey(mm.example_survey_path()).model_dump_json())
    assert main(["match", str(cohort_json), "--solver", "hungarian",
                 "--out", str(tmp_path / "again.csv")]) == 0
    assert _ids(tmp_path / "again.csv") == _ids(out)


def test_match_with_schema_and_org_chart(tmp_path: Path, capsys) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(mm.SurveySchema.default().model_dump_json())
    chart = tmp_path / "org.csv"
    chart.write_text("supervisor,supervisee\nmentor-01,new-01\nmentor-02,new-01\n")
    out = tmp_path / "pairs.csv"
    assert main(["match", str(mm.example_survey_path()), "--schema", str(schema),
                 "--org-chart", str(chart), "--out", str(out)]) == 0
    assert not {("new-01", "mentor-01"), ("new-01", "mentor-02")} & set(_ids(out))
    assert "3 supervisor relations were excluded" in capsys.readouterr().out


def test_shortlist(tmp_path: Path, capsys) -> None:
    out = tmp_path / "short.csv"
    assert main(["shortlist", str(mm.example_survey_path()), "-k", "3",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "new-07 (Dr. Sage Ellis):" in text and "  3. mentor-" in text
    assert "  1. mentor-24 (Dr. Devon Murphy)" in text  # names beside ids
    # the shortlist's notes say which rules filtered it (here: supervision), as match's do
    assert "NOTE      1 supervisor relation was excluded" in text
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 7 * 3
    assert not any((r["mentee"], r["mentor"]) == ("new-02", "mentor-03") for r in rows)


def test_tables_and_notes_show_names_beside_ids_and_stay_aligned(tmp_path: Path,
                                                                 capsys) -> None:
    survey = tmp_path / "s.csv"
    survey.write_text(
        "Email,Role,Name,Topics,Capacity,Mentors wanted,Supervisors\n"
        "ann.lee@long-hospital-name.example,mentee,Dr. Ann Lee,QI,,1,4\n"
        "bo@x.example,mentee,Bo Chan,QI; Teaching,,2,\n"
        "4,mentor,Prof. Cy Roy,QI,1,,\n"
        "rita.long.mentor.name@long-hospital-name.example,mentor,Rita Ng,QI,1,,\n")
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"id": "Email"}))
    assert main(["match", str(survey), "--schema", str(schema)]) == 0
    lines = capsys.readouterr().out.splitlines()
    pair_lines = [line for line in lines if "@" in line and not line.startswith(("NOTE",
                                                                                 "SHORT"))]
    # every score starts in the same column however long the ids are
    assert len({line.index(" 0.") for line in pair_lines}) == 1
    note = next(line for line in lines if "supervises" in line)
    assert note.endswith("(4 is Prof. Cy Roy; ann.lee@long-hospital-name.example is "
                         "Dr. Ann Lee)")
    assert any(line.startswith("SHORT     bo@x.example (Bo Chan): asked 2, got 1")
               for line in lines)


def test_rematch_release_leave_and_join(tmp_path: Path, capsys) -> None:
    cohort = tmp_path / "cohort.json"
    cohort.write_text(mm.example_cohort().model_dump_json())
    first_json = tmp_path / "first.json"
    assert main(["match", str(cohort), "--json", str(first_json)]) == 0
    first = mm.MatchResult.model_validate_json(first_json.read_text())
    released = first.pairs[0]
    leaver = next(p.mentor for p in first.pairs if p.mentee != released.mentee)
    joiners = tmp_path / "joiners.json"
    joiners.write_text(json.dumps([{"id": "new-08", "topics": ["leadership"]}]))
    after_json, saved = tmp_path / "after.json", tmp_path / "cohort2.json"
    capsys.readouterr()
    assert main(["rematch", "--result", str(first_json), "--cohort", str(cohort),
                 "--release", f"{released.mentee}:{released.mentor}", "--leaving", leaver,
                 "--join", str(joiners), "--json", str(after_json),
                 "--save-cohort", str(saved)]) == 0
    stdout = capsys.readouterr().out
    assert f"REMOVED   {released.mentee} - {released.mentor}: released on request" in stdout
    assert "left the program" in stdout and "joined mid-year" in stdout
    after = mm.MatchResult.model_validate_json(after_json.read_text())
    touched = {(released.mentee, released.mentor)} | {
        (p.mentee, p.mentor) for p in first.pairs if p.mentor == leaver}
    now = {(p.mentee, p.mentor): p for p in after.pairs}
    for p in first.pairs:  # kept as they were; a coverage reason ("adds X, which r does
        if (p.mentee, p.mentor) not in touched:  # not offer") names the new co-mentor
            kept = now[(p.mentee, p.mentor)]
            assert (kept.score, kept.locked) == (p.score, p.locked)
            assert [r for r in kept.reasons if not r.startswith("adds ")] == [
                r for r in p.reasons if not r.startswith("adds ")]
    assert after.mentors_of("new-08")
    nxt = mm.Cohort.model_validate_json(saved.read_text())
    assert leaver not in nxt.mentor_ids and "new-08" in nxt.mentee_ids
    # the saved cohort carries the next rematch
    assert main(["rematch", "--result", str(after_json), "--cohort", str(saved)]) == 0


@pytest.mark.parametrize("argv, message", [
    (["--release", "new-01"], "MENTEE:MENTOR"),
    (["--release", "new-01:nobody"], "is not in the result"),
    (["--leaving", "ghost"], "unknown mentor id 'ghost'"),
])
def test_rematch_errors_are_clear(tmp_path: Path, capsys, argv: list[str],
                                  message: str) -> None:
    cohort = tmp_path / "cohort.json"
    cohort.write_text(mm.example_cohort().model_dump_json())
    res = tmp_path / "r.json"
    assert main(["match", str(cohort), "--json", str(res)]) == 0
    assert main(["rematch", "--result", str(res), "--cohort", str(cohort), *argv]) == 2
    assert message in capsys.readouterr().err


def test_rematch_rejects_a_file_that_is_not_a_result(tmp_path: Path, capsys) -> None:
    cohort = tmp_path / "cohort.json"
    cohort.write_text(mm.example_cohort().model_dump_json())
    assert main(["rematch", "--result", str(cohort), "--cohort", str(cohort)]) == 2
    assert "not a mentormatch result" in capsys.readouterr().err


def test_bad_survey_is_reported_without_traceback(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Name,Role\nA,astronaut\n")
    assert main(["match", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "bad.csv" in err and "Traceback" not in err


def test_survey_template(tmp_path: Path, capsys) -> None:
    assert main(["survey-template"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert header == mm.survey_template().splitlines()[0]
    out = tmp_path / "template.csv"
    assert main(["survey-template", "--out", str(out)]) == 0
    assert out.read_bytes().decode() == mm.survey_template()


def test_progress_only_on_a_terminal(tmp_path: Path, monkeypatch, capsys) -> None:
    cohort = tmp_path / "cohort.json"
    cohort.write_text(mm.example_cohort().model_dump_json())
    assert main(["match", str(cohort)]) == 0
    assert capsys.readouterr().err == ""  # stderr is not a terminal under capsys
    tty = FakeTTY()
    monkeypatch.setattr("sys.stderr", tty)
    assert main(["match", str(cohort), "--out", str(tmp_path / "p.csv")]) == 0
    assert "match (" in tty.getvalue() and "3/3" in tty.getvalue()
    assert "match (" not in capsys.readouterr().out  # progress never goes to stdout


def _secret_cohort() -> mm.Cohort:
    c = mm.example_cohort()
    mentees = [e.model_copy(update={"gender": f"g-secret-{k}", "background": f"b-secret-{k}",
                                    "concordance": ("gender", "background")})
               for k, e in enumerate(c.mentees)]
    mentors = [r.model_copy(update={"gender": f"g-secret-{k % 3}",
                                    "background": f"b-secret-{k % 2}"})
               for k, r in enumerate(c.mentors)]
    return mm.Cohort(mentees=mentees, mentors=mentors, forbidden=c.forbidden,
                     vocabulary=c.vocabulary)


def test_sensitive_attributes_never_in_output_files_or_logs(tmp_path: Path, monkeypatch,
                                                             capsys, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    cohort = tmp_path / "cohort.json"
    cohort.write_text(_secret_cohort().model_dump_json())
    assert "g-secret-1" in cohort.read_text()  # the input does hold them
    files = {k: tmp_path / f"out.{k}" for k in ("csv", "json", "html")}
    tty = FakeTTY()
    monkeypatch.setattr("sys.stderr", tty)
    outputs = ["--out", str(files["csv"]), "--json", str(files["json"]),
               "--report", str(files["html"])]
    assert main(["match", str(cohort), *outputs]) == 0
    first = mm.MatchResult.model_validate_json(files["json"].read_text())
    p = first.pairs[0]
    assert main(["shortlist", str(cohort), "-k", "3"]) == 0
    after = {k: tmp_path / f"after.{k}" for k in ("csv", "json", "html")}
    assert main(["rematch", "--result", str(files["json"]), "--cohort", str(cohort),
                 "--release", f"{p.mentee}:{p.mentor}", "--leaving", first.pairs[-1].mentor,
                 "--out", str(after["csv"]), "--json", str(after["json"]),
                 "--report", str(after["html"])]) == 0
    assert main(["demo"]) == 0
    # Quotas on both sensitive attributes, one naming a value (issue 14): still no value shown.
    assert main(["match", str(cohort), "--quota", "gender:value=g-secret-1,max=1",
                 "--quota", "background:no-lone"]) == 0
    seen = [capsys.readouterr().out, tty.getvalue(), caplog.text,
            *(f.read_text() for f in (*files.values(), *after.values()))]
    assert "concordance" in seen[0]  # the reasons do talk about concordance ...
    for text in seen:
        for secret in SECRETS:
            assert secret not in text  # ... but never print a value
