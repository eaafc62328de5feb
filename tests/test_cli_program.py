"""``mentormatch program`` at parity with ``match``: read report, names, --history (13, 14)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mentormatch as mm
from mentormatch.cli._main import main
from mentormatch.errors import InvalidInputError
from mentormatch.io import csv_text

REASON = "SENTINEL-5c1 personal reason"
HEADER = ["Mentee ID", "Mentor ID", "Met", "Meetings", "Satisfaction", "Next year",
          "Reason for change"]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out, err


def test_program_prints_and_keeps_the_read_report_as_match_does(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    survey = str(mm.example_survey_path())
    _, match_err = _run(capsys, "match", survey)
    js = tmp_path / "program.json"
    _, err = _run(capsys, "program", survey, "--json", str(js))
    assert err.startswith("read: pilot_survey.csv: 40 rows -> 7 mentees, 33 mentors")
    assert err == match_err  # the same lines, printed by the same code
    result = mm.rounds.ProgramResult.model_validate_json(js.read_text())
    assert result.long_term is not None
    kept = mm.ReadReport.model_validate(result.long_term.provenance.read_report)
    assert kept.summary == mm.read_survey(mm.example_survey_path(), report=True)[1].summary


def test_program_rows_have_names_beside_ids(capsys: pytest.CaptureFixture[str]) -> None:
    out, _ = _run(capsys, "program", str(mm.example_survey_path()))
    cohort = mm.read_survey(mm.example_survey_path())
    names = {p.id: p.name for p in (*cohort.mentees, *cohort.mentors)}
    lines = out.splitlines()
    rows = [k for k, line in enumerate(lines)
            if line.split(" ", 1)[0] in ("long_term", "buddy", "task")]
    assert len(rows) > 5
    for k in rows:
        _, mentee, mentor, *_ = lines[k].split()
        beside = next(line for line in lines[k + 1:] if line.lstrip().startswith("["))
        assert beside.strip() == f"[{names[mentee]} <- {names[mentor]}]"
    assert any(line.startswith("NOTE (long_term) 1 supervisor relation") and
               "(mentor-03 is Dr. " in line for line in lines)


def _followup(tmp_path: Path, keep: tuple[str, str], change: tuple[str, str]) -> Path:
    path = tmp_path / "followup.csv"
    path.write_text(csv_text(HEADER, [[*keep, "Yes", "10", "5", "Continue", ""],
                                      [*change, "Yes", "1", "2", "Change", REASON]]),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("last_year_as", ["json", "csv"])
def test_program_history_keeps_kept_pairs_and_never_repeats_released_ones(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], last_year_as: str) -> None:
    survey = str(mm.example_survey_path())
    first_json, first_csv = tmp_path / "first.json", tmp_path / "first.csv"
    _run(capsys, "program", survey, "--json", str(first_json), "--out", str(first_csv))
    first = mm.rounds.ProgramResult.model_validate_json(first_json.read_text())
    assert first.long_term is not None and first.buddies is not None
    last_buddies = {(p.mentee, p.mentor) for p in first.buddies.pairs}
    assert last_buddies  # the survey has a newcomer trained abroad
    pairs = [(p.mentee, p.mentor) for p in first.long_term.pairs]
    keep, change = pairs[0], pairs[1]
    followup = _followup(tmp_path, keep, change)
    last_year = first_json if last_year_as == "json" else first_csv
    second_json = tmp_path / "second.json"
    out, err = _run(capsys, "program", survey, "--history", str(followup), "--last-year",
                    str(last_year), "--json", str(second_json))
    second = mm.rounds.ProgramResult.model_validate_json(second_json.read_text())
    assert second.long_term is not None and second.buddies is not None
    now = {(p.mentee, p.mentor): p for p in second.long_term.pairs}
    assert now[keep].locked  # kept as a lock
    assert change not in now  # released: never again
    assert last_buddies.isdisjoint((p.mentee, p.mentor) for p in second.buddies.pairs)
    assert "history" in second.long_term.provenance.options
    assert any(line.startswith("NOTE (buddy) history: 1 buddy pair(s)") for line in
               out.splitlines())
    for text in (out, err, second_json.read_text()):
        assert REASON not in text  # no-fault: release reasons never leave memory


def test_program_history_options_need_history(capsys: pytest.CaptureFixture[str]) -> None:
    survey = str(mm.example_survey_path())
    assert main(["program", survey, "--keep-release", "new-01:mentor-24"]) == 2
    assert "--keep-release needs --history FOLLOWUP" in capsys.readouterr().err


def test_match_without_solver_reports_the_library_default_choice(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cohort = tmp_path / "cohort.json"
    cohort.write_text(mm.example_cohort().model_dump_json())
    expected = mm.match(mm.example_cohort())
    out, _ = _run(capsys, "match", str(cohort))
    assert out.splitlines()[-1].endswith(f"solver {expected.provenance.solver}")
    # 3 of 7 mentees ask for two mentors: coverage, whose exact MILP runs alone when small
    assert expected.provenance.solver == "ilp"
    assert any(line.startswith("NOTE      objective: topic coverage") and
               "default, because 3 of 7 mentees ask for more than one mentor" in line
               for line in out.splitlines())
    out, _ = _run(capsys, "match", str(cohort), "--solver", "flow")
    assert out.splitlines()[-1].endswith("solver flow")
    assert "solver 'flow' does not optimise topic coverage" in out


def test_match_solver_help_names_the_default_choice(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["match", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "default: mm.match's choice" in help_text
    assert json.dumps(help_text)  # plain text


def test_program_without_solver_lets_match_choose_the_long_term_solver() -> None:
    cohort = mm.example_cohort()
    alone = mm.match(cohort)
    long_term = mm.Program(cohort=cohort, circle_min=1).run(progress=False).long_term
    assert long_term is not None
    assert long_term.provenance.solver == alone.provenance.solver
    assert long_term.metrics.total_score == pytest.approx(alone.metrics.total_score)
    assert not any("does not optimise topic coverage" in n for n in long_term.notes)


def test_a_pairs_csv_of_an_unknown_round_is_refused_naming_its_line(tmp_path: Path) -> None:
    from mentormatch.cli._history import _last_year

    path = tmp_path / "pairs.csv"
    path.write_text("round,mentee,mentor\nlong_term,e1,r1\nbuddy,e2,r2\npeer,e3,e4\n"
                    "long-term,e5,r5\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"pairs\.csv, line 5: round 'long-term' "
                                                r"is not one of"):
        _last_year(path)
    path.write_text("round,mentee,mentor\nlong_term,e1,r1\nbuddy,e2,r2\npeer,e3,e4\n",
                    encoding="utf-8")
    assert _last_year(path) == ([("e1", "r1")], [("e2", "r2")])


def test_every_round_a_program_writes_is_one_its_pairs_csv_reads_back() -> None:
    result = mm.Program(cohort=mm.example_cohort(), mentor_circles=True).run()
    assert {r["round"] for r in result.to_records()} <= set(result.ROUNDS)
