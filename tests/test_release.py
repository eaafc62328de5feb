"""Release hygiene: the sdist and wheel build and pass ``twine check``; one version source."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
#: What a copy of the checkout leaves out (caches and earlier builds).
IGNORE = shutil.ignore_patterns(".git", "_build", "build", "dist", "*.egg-info", "__pycache__",
                                ".*_cache", ".hypothesis", "results")


def test_the_version_has_one_source() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+(?:[ab]\d+|rc\d+|\.dev\d+)?", VERSION)
    pattern = re.compile(r"""(__version__\s*=|version\s*=\s*["']\d)""")
    stray = [str(p.relative_to(ROOT)) for p in (ROOT / "src").rglob("*.py")
             if pattern.search(p.read_text(encoding="utf-8"))]
    assert stray == [], "the version is written only in pyproject.toml"
    # the changelog's newest release is this version, or the version is not released yet
    releases = re.findall(r"^## \[([^\]]+)\]", (ROOT / "CHANGELOG.md").read_text(), flags=re.M)
    assert releases[0] == "Unreleased" and VERSION in releases[:2], releases


@pytest.mark.slow
def test_sdist_and_wheel_build_and_pass_twine_check(tmp_path: Path) -> None:
    pytest.importorskip("build")
    pytest.importorskip("twine")
    tree = tmp_path / "checkout"
    shutil.copytree(ROOT, tree, ignore=IGNORE)
    dist = tmp_path / "dist"
    # no isolation: the build backend comes from the test extra, nothing is fetched
    built = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir",
                            str(dist), str(tree)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    assert "deprecated" not in built.stdout + built.stderr
    files = sorted(p.name for p in dist.iterdir())
    assert files == [f"mentormatch-{VERSION}-py3-none-any.whl", f"mentormatch-{VERSION}.tar.gz"]
    checked = subprocess.run([sys.executable, "-m", "twine", "check", "--strict",
                              *map(str, dist.iterdir())], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    with zipfile.ZipFile(dist / files[0]) as wheel:
        names = wheel.namelist()
        meta = wheel.read(f"mentormatch-{VERSION}.dist-info/METADATA").decode()
    assert "mentormatch/py.typed" in names and "mentormatch/data/pilot_survey.csv" in names
    assert f"Version: {VERSION}" in meta and "Requires-Dist: tqdm" in meta
    for extra in ("report", "ortools", "dask", "docs"):
        assert f"Provides-Extra: {extra}" in meta
