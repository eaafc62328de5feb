from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import mentormatch as mm
from mentormatch.cli._main import main


def test_demo_prints_pairs_and_reasons(capsys) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "new-01" in out and "offers" in out and "7/7 mentees matched" in out


def test_python_dash_m_runs_the_demo() -> None:
    proc = subprocess.run([sys.executable, "-m", "mentormatch", "demo"], capture_output=True,
                          text=True, check=True)
    assert "mentees matched" in proc.stdout


def test_match_writes_csv(tmp_path: Path, capsys) -> None:
    cohort_file = tmp_path / "cohort.json"
    cohort_file.write_text(mm.example_cohort().model_dump_json())
    out = tmp_path / "pairs.csv"
    assert main(["match", str(cohort_file), "--solver", "hungarian", "--out", str(out)]) == 0
    assert out.read_text().startswith("mentee,mentor,score")


def test_bad_cohort_file_is_a_clear_error(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"mentees": [{"id": "a"}, {"id": "a"}], "mentors": []}')
    assert main(["match", str(bad)]) == 2
    assert "mentee id 'a' appears 2 times" in capsys.readouterr().err
    assert main(["match", str(tmp_path / "missing.json")]) == 2


def test_sensitive_attributes_never_printed(tmp_path: Path, capsys) -> None:
    c = mm.Cohort(mentees=[mm.Mentee(id="e", topics=["a"], gender="g-secret",
                                     background="b-secret", concordance=["gender"])],
                  mentors=[mm.Mentor(id="r", topics=["a"], gender="g-secret")])
    path = tmp_path / "c.json"
    path.write_text(c.model_dump_json())
    assert main(["match", str(path)]) == 0
    out = capsys.readouterr().out
    assert "secret" not in out
