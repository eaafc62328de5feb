"""Program: rounds together on the example cohort, exports, JSON round trip, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import mentormatch as mm


def example_with_rounds() -> mm.Cohort:
    c = mm.example_cohort()
    mentees = [e.model_copy(update={"types": (*e.types, mm.MentorshipType.GROUP)})
               if e.id in ("new-01", "new-06") else e for e in c.mentees]
    mentees = [e.model_copy(update={"tasks": ("psychopharmacology",)}) if e.id == "new-07"
               else e for e in mentees]
    mentees = [e.model_copy(update={"trained_abroad": True}) if e.id == "new-05" else e
               for e in mentees]
    flags = {"mentor-10": {"trained_abroad": True}, "mentor-20": {"relocated": True}}
    mentors = [r.model_copy(update=flags[r.id]) if r.id in flags else r for r in c.mentors]
    return mm.Cohort(mentees=mentees, mentors=mentors, forbidden=c.forbidden, locked=c.locked)


def test_program_on_the_example_cohort() -> None:
    cohort = example_with_rounds()
    result = mm.Program(cohort=cohort, circle_min=2, circle_max=4).run(solver="hungarian")
    assert result.long_term.metrics.mentees_matched == 7  # type: ignore[union-attr]
    circle = result.circles.circles[0]  # type: ignore[union-attr]
    assert {m.mentee for m in circle.members} <= {"new-01", "new-03", "new-06"}
    assert 2 <= circle.size <= 4
    assert [p.mentee for p in result.buddies.pairs] == ["new-05"]  # type: ignore[union-attr]
    assert result.buddies.pairs[0].mentor not in result.long_term.mentors_of("new-05")  # type: ignore[union-attr]
    assert [(t.mentee, t.topic) for t in result.tasks.matches] == (  # type: ignore[union-attr]
        [("new-07", "psychopharmacology")])
    frame = result.to_frame()
    assert set(frame["round"]) == {"long_term", "circle", "buddy", "task"}
    assert (frame["reasons"] != "").all()


def test_exports_and_json_round_trip(tmp_path: Path) -> None:
    result = mm.Program(cohort=example_with_rounds(), circle_min=2).run()
    text = result.to_csv(tmp_path / "program.csv").read_text()
    assert text.startswith("round,mentee,mentor,topic,score,reasons")
    assert len(text.strip().splitlines()) == len(result.to_records()) + 1
    again = mm.rounds.ProgramResult.model_validate_json(result.model_dump_json())
    assert again.to_records() == result.to_records()


def test_cli_program(tmp_path: Path, capsys) -> None:
    from mentormatch.cli._main import main

    path = tmp_path / "cohort.json"
    path.write_text(example_with_rounds().model_dump_json())
    out, js = tmp_path / "all.csv", tmp_path / "all.json"
    assert main(["program", str(path), "--circle-min", "2", "--out", str(out),
                 "--json", str(js)]) == 0
    printed = capsys.readouterr().out
    assert "circle" in printed and "buddy" in printed and "task" in printed
    assert out.read_text().startswith("round,mentee,mentor")
    assert "long_term" in json.loads(js.read_text())


def test_cli_program_on_the_shipped_survey_assigns_buddies_and_tasks(capsys) -> None:
    """The example survey asks the program-round questions, and the program uses them."""
    from mentormatch.cli._main import main

    assert main(["program", str(mm.example_survey_path())]) == 0
    printed = capsys.readouterr().out
    buddy = [line for line in printed.splitlines() if line.startswith("buddy ")]
    task = [line for line in printed.splitlines() if line.startswith("task ")]
    assert len(buddy) == 1 and "new-05" in buddy[0]  # the newcomer trained abroad
    assert len(task) == 1 and "new-07" in task[0] and "psychopharmacology" in task[0]
    left = [line for line in printed.splitlines() if line.startswith("NOT PLACED")]
    assert left and all(" (Dr. " in line for line in left)  # names beside ids
    cohort = mm.read_survey(mm.example_survey_path())
    assert [e.id for e in cohort.mentees if e.trained_abroad] == ["new-05"]
    assert {r.id for r in cohort.mentors if r.trained_abroad or r.relocated} == {
        "mentor-10", "mentor-20"}
    assert cohort.mentee("new-07").tasks == ("psychopharmacology",)
