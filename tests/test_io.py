from __future__ import annotations

import os
import stat
from pathlib import Path

from mentormatch.io import atomic_write_text


def test_new_file_gets_the_mode_open_would_give(tmp_path: Path) -> None:
    reference = tmp_path / "plain.txt"
    reference.write_text("x")
    written = atomic_write_text(tmp_path / "report.html", "<html></html>")
    assert stat.S_IMODE(written.stat().st_mode) == stat.S_IMODE(reference.stat().st_mode)


def test_replacing_a_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "pairs.csv"
    target.write_text("old")
    os.chmod(target, 0o640)
    atomic_write_text(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["pairs.csv"]
