"""The README's promises: its library example runs, and it names exactly two set-up commands."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_examples_run(capsys) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, str(README), "exec"), {})
    assert "e1" in capsys.readouterr().out


def test_readme_has_exactly_two_commands_and_ci_runs_the_test_one() -> None:
    commands = re.findall(r"```bash\n(.*?)```", README.read_text(), flags=re.S)
    assert len(commands) == 2
    ci = (README.parent / ".ci" / "run").read_text()
    assert commands[1].strip() in ci
