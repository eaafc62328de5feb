"""The benchmark results behind the README: generated tables, current code, every study runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from benchmarks.__main__ import main, readme
from benchmarks.results import (
    README,
    RESULTS,
    Study,
    generated_tables,
    load,
    readme_blocks,
    render_readme,
    run_study,
    source_digest,
)
from benchmarks.studies import STUDIES

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(STUDIES))
def test_readme_tables_are_what_the_results_files_generate(name: str) -> None:
    blocks = readme_blocks(README.read_text())
    for marker, text in generated_tables(STUDIES[name]).items():
        assert blocks.get(marker) == text, (
            f"README table {marker!r} is not what results/{name}.json generates: "
            "run `python -m benchmarks readme`")


def test_every_readme_table_belongs_to_a_study() -> None:
    owned = {m for s in STUDIES.values() for m in s.tables(load(s.name)["payload"])}
    assert set(readme_blocks(README.read_text())) == owned


@pytest.mark.parametrize("name", sorted(STUDIES))
def test_results_were_produced_from_the_current_code(name: str) -> None:
    meta = load(name)["meta"]
    assert meta["source_digest"] == source_digest(STUDIES[name]), (
        f"results/{name}.json measured other code than the current tree: "
        f"re-run `{STUDIES[name].command}`")
    for key in ("commit", "dirty", "load_avg_start", "load_avg_end", "versions", "toy"):
        assert key in meta
    assert {"python", "numpy", "scipy"} <= set(meta["versions"])


def test_no_results_file_without_a_study() -> None:
    assert {p.stem for p in RESULTS.glob("*.json")} == set(STUDIES)


def test_the_digest_covers_the_library_and_the_study_files(tmp_path: Path) -> None:
    study = STUDIES["hungarian"]
    assert source_digest(study) != source_digest(
        Study("x", study.run, study.tables, (), "none"))
    assert source_digest(study) != source_digest(
        Study("x", study.run, study.tables, ("benchmarks/bench_flow.py",), "none"))


def test_render_readme_replaces_only_marked_blocks_and_refuses_unknown_tables() -> None:
    text = "a\n<!-- table:t -->\nold\n<!-- /table:t -->\nb\n"
    assert render_readme(text, {"t": "new"}) == "a\n<!-- table:t -->\nnew\n<!-- /table:t -->\nb\n"
    with pytest.raises(KeyError, match="no markers"):
        render_readme(text, {"u": "x"})


def test_readme_check_reports_a_stale_table(tmp_path: Path) -> None:
    stale = tmp_path / "README.md"
    stale.write_text(README.read_text().replace("<!-- table:quality -->\n",
                                                "<!-- table:quality -->\nedited\n"))
    assert readme(RESULTS, stale, check=True) == 1
    assert readme(RESULTS, README, check=True) == 0


def _payload(tmp_path: Path, name: str) -> dict[str, Any]:
    doc = run_study(STUDIES[name], toy=True, out=tmp_path)
    saved = json.loads((tmp_path / f"{name}.json").read_text())
    assert saved["meta"]["toy"] is True and saved["study"] == name
    assert saved["meta"]["source_digest"] == source_digest(STUDIES[name])
    tables = generated_tables(STUDIES[name], tmp_path)
    assert tables and all("Toy-size placeholder" in t for t in tables.values())
    payload: dict[str, Any] = doc["payload"]
    return payload


def _timings(obj: object) -> list[dict[str, Any]]:
    if isinstance(obj, dict):
        if set(obj) == {"median", "low", "high", "runs"}:
            return [obj]
        return [t for v in obj.values() for t in _timings(v)]
    if isinstance(obj, list):
        return [t for v in obj for t in _timings(v)]
    return []


@pytest.mark.parametrize("name", sorted(STUDIES))
def test_every_study_runs_at_toy_size(tmp_path: Path, name: str) -> None:
    payload = _payload(tmp_path, name)
    for t in _timings(payload):  # every timed figure: median of >= 3 runs with its spread
        assert t["runs"] >= 3 and t["low"] <= t["median"] <= t["high"]
    if name == "sweep":
        rows = {(r["instance"], r["runner"]): r for r in payload["rows"]}
        assert {r["status"] for r in rows.values()} <= {"ok", "n/a"}
        assert rows[("university 40x12, demand 1", "peer:networkx_mcf")]["status"] == "ok"
        assert {c["peer"] for c in payload["comparisons"]} == {
            "scipy_lsa", "ortools_mcf", "networkx_mcf", "matching_hr"}
        assert all(c["same_answer"] for c in payload["comparisons"])
    if name == "flow":
        assert all(r["same_objective"] for r in payload["rows"])
        assert {r["runner"] for r in payload["rows"] if r["peer"]} == {
            "ortools (direct)", "networkx network_simplex"}
    if name == "stable":
        assert all(r["same_pairs"] for r in payload["compare"])
    if name == "hungarian":
        assert all(r["same_objective"] for r in payload["rows"])
    if name == "targets":
        assert payload["dense"]["same_answer"] and payload["national"]["certified"]
    if name == "pilot":
        assert all(r["broken"] == 0 for r in payload["must_haves"])
        assert all(r["slot"] == 1.0 for r in payload["work_hours"]
                   if r["config"] == "common-slot rule")
        by = {(r["cohort"], r["config"]): r["newcomers"] for r in payload["newcomers"]}
        for cohort in {c for c, _ in by}:
            assert by[(cohort, 'priority="newcomer"')] >= by[(cohort, "default objective")]


def test_the_command_line_runs_a_study_into_a_directory(tmp_path: Path) -> None:
    assert main(["run", "hungarian", "--toy", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "hungarian.json").exists()
    with pytest.raises(SystemExit):
        main(["run", "nonsense", "--toy", "--out", str(tmp_path)])
