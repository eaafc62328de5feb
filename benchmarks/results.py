"""Results files and the README tables generated from them: one way for every study.

A *study* (``benchmarks/studies.py`` lists them) is a ``run(toy) -> payload`` function,
a ``tables(payload) -> {marker: markdown}`` function and the files whose code it
measures. ``write`` stores the payload with its provenance in
``results/<name>.json``:

* ``commit``: ``git rev-parse HEAD`` and whether the tree was dirty (changes to
  ``benchmarks/results`` and ``benchmarks/README.md``, which runs rewrite, aside);
* ``load_avg``: the machine's 1/5/15-minute load averages at the start and the end;
* ``versions``: Python, numpy, scipy (and OR-Tools, networkx, ``matching`` if present);
* ``source_digest``: SHA-256 over the measured code: every file under
  ``src/mentormatch`` plus the study's own files (``Study.sources``).

``render_readme`` rewrites each table between ``<!-- table:NAME -->`` and
``<!-- /table:NAME -->`` in ``benchmarks/README.md`` from its results file;
``tests/test_bench_results.py`` fails when a table differs from what its results file
generates, or when a results file's digest differs from the current code.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import platform
import re
import subprocess
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "benchmarks" / "README.md"
LIBRARY = "src/mentormatch"
#: Measurement code every study shares (timing and instances).
COMMON = ("benchmarks/timing.py",)

Payload = dict[str, Any]


@dataclass(frozen=True)
class Study:
    """A benchmark study: what it runs, which tables it writes, which code it measures.

    ``run(toy)`` returns a JSON-able payload (``toy=True``: tiny sizes, seconds);
    ``tables(payload)`` returns ``{marker: markdown table}`` for the README;
    ``sources`` are repository-relative files (beyond ``src/mentormatch`` and
    ``COMMON``) whose change makes the results stale; ``command`` re-runs it in full.
    """

    name: str
    run: Callable[[bool], Payload]
    tables: Callable[[Payload], dict[str, str]]
    sources: tuple[str, ...]
    command: str


def _files(paths: Iterable[str]) -> list[Path]:
    out: set[Path] = set()
    for rel in paths:
        path = ROOT / rel
        if path.is_dir():
            out.update(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                       and p.suffix != ".pyc")
        else:
            out.add(path)
    return sorted(out)


def source_digest(study: Study) -> str:
    """SHA-256 over the paths and bytes of every file whose code the study measures."""
    h = hashlib.sha256()
    for path in _files([LIBRARY, *COMMON, *study.sources]):
        h.update(path.relative_to(ROOT).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _git(*args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return done.stdout.strip()


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def provenance(study: Study) -> dict[str, Any]:
    """Commit, dirtiness, load, versions and source digest, taken before a run."""
    return {
        "commit": _git("rev-parse", "HEAD"),
        # the results and tables a run rewrites do not count as a dirty tree
        "dirty": _git("status", "--porcelain", "--", ".", ":!benchmarks/results",
                      ":!benchmarks/README.md") != "",
        "load_avg_start": list(os.getloadavg()),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "versions": {"python": platform.python_version(),
                     **{d: _version(d) for d in ("numpy", "scipy", "ortools", "networkx",
                                                 "matching")}},
        "source_digest": source_digest(study),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def results_path(name: str, out: Path = RESULTS) -> Path:
    return out / f"{name}.json"


def run_study(study: Study, toy: bool = False, out: Path = RESULTS) -> Payload:
    """Run a study and write ``out/<name>.json`` (payload plus provenance)."""
    meta = provenance(study)
    payload = study.run(toy)
    meta["load_avg_end"] = list(os.getloadavg())
    meta["toy"] = toy
    out.mkdir(parents=True, exist_ok=True)
    doc = {"study": study.name, "meta": meta, "payload": payload}
    results_path(study.name, out).write_text(json.dumps(doc, indent=1, default=str) + "\n")
    return doc


def load(name: str, out: Path = RESULTS) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(results_path(name, out).read_text())
    return data


def caption(doc: dict[str, Any]) -> str:
    """The provenance line printed under every generated table."""
    m = doc["meta"]
    load_avg = "/".join(f"{x:.2f}" for x in m["load_avg_start"])
    dirty = " (dirty tree)" if m["dirty"] else ""
    toy = " **Toy-size placeholder run, not a measurement.**" if m.get("toy") else ""
    v = m["versions"]
    return (f"_From `results/{doc['study']}.json`: commit `{m['commit'][:10]}`{dirty}, "
            f"{m['date']}, load average {load_avg} on {m['cpus']} cores, Python "
            f"{v['python']}, numpy {v['numpy']}, scipy {v['scipy']}._{toy}")


def generated_tables(study: Study, out: Path = RESULTS) -> dict[str, str]:
    """``{marker: text}`` a study's results file generates (table and caption)."""
    doc = load(study.name, out)
    return {marker: f"{table.rstrip()}\n\n{caption(doc)}"
            for marker, table in study.tables(doc["payload"]).items()}


_BLOCK = re.compile(r"(<!-- table:(?P<name>[\w.-]+) -->\n)(?P<body>.*?)"
                    r"(\n<!-- /table:(?P=name) -->)", re.DOTALL)


def readme_blocks(text: str) -> dict[str, str]:
    """The text between each pair of table markers in ``text``."""
    return {m["name"]: m["body"] for m in _BLOCK.finditer(text)}


def render_readme(text: str, tables: dict[str, str]) -> str:
    """``text`` with each marked block replaced by its table; unknown markers refused."""
    found = readme_blocks(text)
    missing = sorted(set(tables) - set(found))
    if missing:
        raise KeyError(f"README has no markers for tables {missing}")
    return _BLOCK.sub(lambda m: m[1] + tables.get(m["name"], m["body"]) + m[4], text)


def fmt_time(median: float, low: float, high: float) -> str:
    """``median (low-high)`` in s or ms, the spread of the timed runs."""
    if median >= 1.0:
        return f"{median:.2f} s ({low:.2f}-{high:.2f})"
    return f"{1e3 * median:.1f} ms ({1e3 * low:.1f}-{1e3 * high:.1f})"
