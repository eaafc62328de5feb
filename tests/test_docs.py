"""The documentation site builds with warnings as errors, and every example on it runs.

Sphinx builds a copy of the checkout (so the generated API pages and notebook
copies never land in the work tree), with ``-W``: a broken cross-reference, a
docstring numpydoc cannot parse or a missing page fails it. myst-nb executes
every tutorial, how-to and notebook during the build, so an example that
raises fails it too. Needs the ``docs`` extra (part of ``test``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns(".git", "_build", "build", "dist", "*.egg-info", "__pycache__",
                                ".*_cache", ".hypothesis", "results", "api", "notebooks")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    for module in ("sphinx", "myst_nb", "numpydoc", "pydata_sphinx_theme"):
        pytest.importorskip(module, reason="needs the docs extra")
    tmp = tmp_path_factory.mktemp("docs")
    tree = tmp / "checkout"
    shutil.copytree(ROOT, tree, ignore=IGNORE)
    shutil.copytree(ROOT / "notebooks", tree / "notebooks", ignore=IGNORE)
    out = tmp / "html"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])}
    built = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-j", "2", "-q", "-b", "html",
         "-d", str(tmp / "doctrees"), str(tree / "docs"), str(out)],
        capture_output=True, text=True, env=env, timeout=600)
    noise = "Kernel is running over TCP without encryption"
    errors = "\n".join(line for line in built.stderr.splitlines() if noise not in line)
    assert built.returncode == 0, errors[-5000:]
    return out


def _pages(site: Path) -> list[Path]:
    skip = {"genindex.html", "search.html", "py-modindex.html"}
    return [p for p in site.rglob("*.html") if "_static" not in p.parts and p.name not in skip]


@pytest.mark.slow
def test_site_has_every_section_of_the_issue(site: Path) -> None:
    pages = {str(p.relative_to(site)) for p in _pages(site)}
    for page in ("index.html", "install.html", "architecture.html", "changelog.html",
                 "tutorials/directors-year.html", "tutorials/embedding.html",
                 "tutorials/benchmarking.html",
                 "how-to/google-forms.html", "how-to/microsoft-forms.html",
                 "how-to/qualtrics.html", "how-to/surveymonkey.html", "how-to/opinio.html",
                 "how-to/plugins.html", "how-to/large-cohorts.html", "how-to/dask-sweeps.html",
                 "how-to/json-schema.html",
                 "concepts/objective.html", "concepts/certificate.html",
                 "concepts/stability.html", "concepts/large-cohorts.html",
                 "concepts/metrics.html",
                 "api/index.html", "api/matching.html", "api/models.html",
                 "notebooks/director_walkthrough.html", "notebooks/program_rounds.html"):
        assert page in pages, page
    assert len(pages) >= 40


@pytest.mark.slow
def test_examples_ran_and_their_outputs_are_on_the_pages(site: Path) -> None:
    year = (site / "tutorials/directors-year.html").read_text()
    assert "proved optimal: True" in year and "cell_output" in year
    walkthrough = (site / "notebooks/director_walkthrough.html").read_text()
    assert walkthrough.count("cell_output") >= 10 and "<img" in walkthrough  # figures
    large = (site / "how-to/large-cohorts.html").read_text()
    assert "certified: True" in large
    # no cell printed an error (myst-nb would have failed the build; this says where)
    failed = [str(p.relative_to(site)) for p in _pages(site)
              if re.search(r'class="output (traceback|error)', p.read_text())]
    assert failed == []


@pytest.mark.slow
def test_api_reference_documents_every_public_name(site: Path) -> None:
    import mentormatch as mm

    api = "".join(p.read_text() for p in (site / "api").glob("*.html"))
    for name in mm.__all__:
        obj = getattr(mm, name)
        if not isinstance(obj, type(mm)):  # subpackages have pages of their own
            assert f'id="mentormatch.{name}"' in api, name
    assert re.search(r'id="mentormatch\.solvers\.register"', api)


def test_hand_written_pages_name_only_objects_that_exist() -> None:
    """Sphinx does not warn about a reference it cannot resolve; this test does."""
    import importlib

    import mentormatch as mm

    missing = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        for ref in re.findall(r"\{(?:class|func|data|meth|attr|exc)\}`~?([\w.]+)`", text):
            obj: object = importlib.import_module(ref.split(".")[0])
            for attr in ref.split(".")[1:]:
                obj = getattr(obj, attr, None)
            if obj is None:
                missing.append(f"{page.relative_to(ROOT)}: {ref}")
        missing += [f"{page.relative_to(ROOT)}: mm.{name}"
                    for name in re.findall(r"\bmm\.([A-Za-z_]\w*)", text)
                    if not hasattr(mm, name)]
    assert missing == []
