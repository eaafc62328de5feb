"""Progress shows where someone watches (terminal, notebook), advances, and hushes on request."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

import mentormatch as mm
from mentormatch import progress as progress_module
from mentormatch.cli._main import main
from mentormatch.progress import Progress


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_cli_bar_advances_through_named_stages(tmp_path: Path, monkeypatch, capsys) -> None:
    cohort = tmp_path / "cohort.json"
    cohort.write_text(mm.example_cohort().model_dump_json())
    tty = FakeTTY()
    monkeypatch.setattr("sys.stderr", tty)
    assert main(["match", str(cohort), "--out", str(tmp_path / "p.csv"),
                 "--report", str(tmp_path / "r.html")]) == 0
    drawn = tty.getvalue()
    stages = ["reading cohort.json", "matching 7 mentees with 33 mentors",
              "writing p.csv, r.html", "done"]
    at = [drawn.find(stage) for stage in stages]
    assert -1 not in at and at == sorted(at), drawn
    # the count is drawn at each stage, not only at the start and the end (the outputs are
    # written together, all or none)
    assert all(f"{k}/4" in drawn for k in (0, 1, 2, 4)), drawn
    out = capsys.readouterr().out
    assert out.startswith("mentee") and "report written to" in out  # printed after the bar


def test_stage_text_cannot_drive_the_terminal() -> None:
    out = FakeTTY()
    with Progress(1, "match\x1b[2J", stream=out) as bar:
        bar.stage("reading evil\x1b]0;title\x07.csv")
    drawn = out.getvalue()
    assert "\x1b" not in drawn and "\\x1b]0;title\\x07" in drawn and "match\\x1b[2J" in drawn


def test_silent_when_asked_even_on_a_terminal(monkeypatch) -> None:
    tty = FakeTTY()
    monkeypatch.setattr("sys.stderr", tty)
    with Progress(3, "quiet", enabled=False) as bar:
        bar.stage("working")
        bar.update(3)
    assert bar.done == 3 and tty.getvalue() == ""
    mm.Program(cohort=mm.example_cohort(), circle_min=1).run(solver="hungarian",
                                                             progress=False)
    assert tty.getvalue() == ""


def test_shown_by_default_in_a_notebook_kernel(monkeypatch) -> None:
    monkeypatch.setattr(progress_module, "in_jupyter", lambda: True)
    assert Progress(2, "x", enabled=None, stream=None).enabled
    monkeypatch.setattr(progress_module, "in_jupyter", lambda: False)
    assert not Progress(2, "x", enabled=None, stream=io.StringIO()).enabled


def test_program_rounds_report_each_round(monkeypatch) -> None:
    tty = FakeTTY()
    monkeypatch.setattr("sys.stderr", tty)
    mm.Program(cohort=mm.example_cohort(), circle_min=1).run(solver="hungarian")
    drawn = tty.getvalue()
    assert "program rounds: task-focused matches" in drawn and "5/5" in drawn


@pytest.mark.slow
def test_a_long_match_in_a_notebook_shows_a_live_widget(tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipywidgets")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        f"import sys, mentormatch as mm\nassert sys.executable == {sys.executable!r}\n"
        "cohort = mm.synthetic.make_cohort(400, 100, seed=0)\n"
        "result = mm.match(cohort, candidates=5)\nresult.metrics.mentees_matched")]
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = nb.cells[0].outputs
    assert not [o for o in outputs if o.output_type == "error"]
    views = [o["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
             for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert views, outputs
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    bars = [s["state"] for s in state.values() if s["model_name"] == "FloatProgressModel"]
    assert bars and all(b["value"] == b["max"] == 400 for b in bars)  # it ran to the end


def test_messages_while_the_bar_runs_get_lines_of_their_own(monkeypatch) -> None:
    tty = FakeTTY()
    monkeypatch.setattr("sys.stderr", tty)
    assert main(["match", str(mm.example_survey_path())]) == 0
    drawn = tty.getvalue()
    at = drawn.index("read: ")
    # the bar was cleared before the read report, which ends its own line
    assert drawn[at - 1] == "\r" and drawn[at:].split("\r")[0].endswith("\n"), drawn
