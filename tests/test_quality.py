"""ruff and mypy are part of the suite: a lint or type error fails the build."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("tool", [
    [sys.executable, "-m", "ruff", "check", "."],
    [sys.executable, "-m", "mypy"],
], ids=["ruff", "mypy"])
def test_clean(tool: list[str]) -> None:
    if shutil.which("ruff") is None and tool[2] == "ruff":
        pytest.fail("ruff is not installed: install the [test] extra")
    proc = subprocess.run(tool, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
