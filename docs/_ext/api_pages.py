"""Write the API reference pages from ``mentormatch.__all__`` before Sphinx reads the sources.

Every public name gets an entry on the page of the part of the package that
defines it (``mentormatch.matching`` -> "Matching"), so a name added to, moved
in or removed from the public surface changes the reference with no edit here.
The subpackages exported as modules (``mm.scoring``, ``mm.solvers``, ...) get a
page of their own, listing the names not already at the top. The notebooks are
copied in too.
"""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import mentormatch as mm

#: Part of the package -> (page title, one line on what it holds), in reading order.
PARTS: dict[str, tuple[str, str]] = {
    "matching": ("Matching", "Score, solve and explain a cohort; shortlists; rematches."),
    "models": ("Models", "Pydantic models of the input (people, cohort) and of a result."),
    "survey": ("Survey exports", "Read form exports and org charts into a cohort."),
    "report": ("Reports and exports", "Mail-merge CSV, JSON, the HTML report, figures."),
    "rounds": ("Program rounds", "Circles, peers, roommates, buddies, tasks, whole programs."),
    "problem": ("Arrays: problems and assignments", "The array level every solver works on."),
    "checks": ("Checks", "Hard rules and stability of any assignment."),
    "diagnosis": ("Diagnosis", "What cannot work, said before solving."),
    "topics": ("Topics", "Topic names and vocabularies."),
    "errors": ("Errors", "Every error raised on purpose derives from MentorMatchError."),
}
#: Titles of the subpackages exported as modules (any other gets its own name).
MODULES = {"solvers": "Solvers", "scoring": "Scoring", "synthetic": "Synthetic cohorts",
           "rounds": "Program rounds: result types", "errors": "Errors"}


def _part(obj: Any) -> str:
    module = getattr(obj, "__module__", "") or ""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "mentormatch" else "other"


def _entry(qualified: str, obj: Any) -> str:
    if inspect.isclass(obj):
        kind = "exception" if issubclass(obj, BaseException) else "class"
        return f".. auto{kind}:: {qualified}\n"
    if callable(obj):
        return f".. autofunction:: {qualified}\n"
    return f".. autodata:: {qualified}\n   :no-value:\n"


def _page(title: str, intro: str, names: list[tuple[str, Any]], module: str) -> str:
    """Return one reStructuredText page (autodoc's output is reStructuredText)."""
    body = [title, "=" * len(title), "", intro, ""]
    for name, obj in names:
        body.append(_entry(f"{module}.{name}", obj))
    return "\n".join(body)


def _module_names(module: ModuleType) -> list[tuple[str, Any]]:
    """Return the module's public names that are not also ``mm.<name>`` (documented there)."""
    return [(n, getattr(module, n)) for n in module.__all__
            if not (n in mm.__all__ and getattr(mm, n) is getattr(module, n))]


def write_pages(docs: Path) -> list[str]:
    """Write ``docs/api/*.rst`` and return the page names in reading order."""
    out = docs / "api"
    out.mkdir(exist_ok=True)
    groups: dict[str, list[tuple[str, Any]]] = {}
    modules = []
    for name in mm.__all__:
        obj = getattr(mm, name)
        if isinstance(obj, ModuleType):
            modules.append(name)
            continue
        groups.setdefault(_part(obj), []).append((name, obj))
    pages: dict[str, str] = {}
    for part in [*PARTS, *sorted(set(groups) - set(PARTS))]:
        if part in groups:
            title, intro = PARTS.get(part, (part.title(), "Also public."))
            pages[part] = _page(title, intro, groups[part], "mentormatch")
    for attr in modules:
        module = getattr(mm, attr)
        intro = (module.__doc__ or "").strip().split("\n\n")[0]
        title = MODULES.get(attr, attr)
        pages[f"mm-{attr}"] = _page(f"{title} (mm.{attr})", intro, _module_names(module),
                                    f"mentormatch.{attr}")
    for stem, text in pages.items():
        _write_if_changed(out / f"{stem}.rst", text)
    for stale in {p.stem for p in out.glob("*.rst")} - set(pages):
        (out / f"{stale}.rst").unlink()
    return list(pages)


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def copy_notebooks(docs: Path) -> list[str]:
    """Copy ``notebooks/*.ipynb`` into ``docs/notebooks/`` (myst-nb runs them there)."""
    out = docs / "notebooks"
    out.mkdir(exist_ok=True)
    names = []
    for nb in sorted((docs.parent / "notebooks").glob("*.ipynb")):
        target = out / nb.name
        if not target.exists() or target.read_bytes() != nb.read_bytes():
            shutil.copyfile(nb, target)
        names.append(nb.stem)
    for stale in {p.stem for p in out.glob("*.ipynb")} - set(names):
        (out / f"{stale}.ipynb").unlink()
    return names


def _on_init(app: Any) -> None:
    docs = Path(app.srcdir)
    pages = write_pages(docs)
    _write_if_changed(docs / "api" / "index.md", API_INDEX.format(toctree="\n".join(pages)))
    notebooks = copy_notebooks(docs)
    _write_if_changed(docs / "notebooks" / "index.md",
                      NOTEBOOKS_INDEX.format(toctree="\n".join(notebooks)))


API_INDEX = """# API reference

Generated from the docstrings of every name in `mentormatch.__all__`, grouped by
the part of the package that defines it. `import mentormatch as mm`: every name
below is `mm.<name>` (the subpackages `mm.solvers`, `mm.scoring` and
`mm.synthetic` have pages of their own).

```{{toctree}}
:maxdepth: 1

{toctree}
```
"""


NOTEBOOKS_INDEX = """# Notebooks

The notebooks of the repository's `notebooks/` folder, run top to bottom when
this site is built, with their outputs. Download them from the repository to
run them yourself (`python -m pip install "mentormatch[report]"`).

```{{toctree}}
:maxdepth: 1

{toctree}
```
"""


def setup(app: Any) -> dict[str, Any]:
    """Register the page writer with Sphinx."""
    app.connect("builder-inited", _on_init)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
