"""Exports read back as written: line breaks, formula prefixes, all-or-nothing files (issue 12)."""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.cli import main
from mentormatch.errors import ExportError, InvalidInputError
from mentormatch.io import (
    atomic_write_csv,
    csv_text,
    guard_cell,
    read_csv,
    unguard_cell,
    write_files,
    write_text_files,
)
from mentormatch.models._base import normalize_id
from mentormatch.report import MAIL_MERGE_COLUMNS


def _hostile_cohort() -> mm.Cohort:
    return mm.Cohort(
        mentees=[mm.Mentee(id="=e1", name="Ann\rSmith", email="@HYPERLINK(1)", topics=["qi"]),
                 mm.Mentee(id="e2\x1b[2J", name="\tTab", topics=["qi"])],
        mentors=[mm.Mentor(id="-r1", name="+Bob\r\nJones", topics=["qi"], capacity=2)])


def test_mail_merge_reads_back_cell_for_cell(tmp_path: Path) -> None:
    result = mm.match(_hostile_cohort())
    path = mm.write_mail_merge(result, tmp_path / "pairs.csv")
    rows = read_csv(path)
    assert len(rows) == len(result.pairs) == 2  # a bare CR no longer splits a row
    by_mentee = {row["mentee"]: row for row in rows}
    assert by_mentee["=e1"]["mentee_name"] == "Ann\rSmith"
    assert by_mentee["=e1"]["mentee_email"] == "@HYPERLINK(1)"
    assert by_mentee["=e1"]["mentor_name"] == "+Bob\r\nJones"
    assert list(rows[0]) == list(MAIL_MERGE_COLUMNS)


def test_no_cell_starts_a_formula(tmp_path: Path) -> None:
    import csv

    result = mm.match(_hostile_cohort())
    paths = [mm.write_mail_merge(result, tmp_path / "pairs.csv"),
             result.to_csv(tmp_path / "plain.csv")]
    assert main(["shortlist", str(_write_cohort(tmp_path)), "--out",
                 str(tmp_path / "short.csv")]) == 0
    paths.append(tmp_path / "short.csv")
    for path in paths:
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    assert not cell or cell[0] not in "=+-@\t\r", (path, cell)


def _write_cohort(tmp_path: Path) -> Path:
    path = tmp_path / "cohort.json"
    path.write_text(_hostile_cohort().model_dump_json())
    return path


@given(st.text())
def test_guard_is_undone_exactly(text: str) -> None:
    assert unguard_cell(guard_cell(text)) == text
    guarded = guard_cell(text)
    assert not guarded or guarded[0] not in "=+-@\t\r"


@given(st.lists(st.lists(st.text(), min_size=2, max_size=2), max_size=5))
def test_any_text_reads_back(tmp_path_factory: pytest.TempPathFactory,
                             rows: list[list[str]]) -> None:
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    atomic_write_csv(path, ["a", "b"], rows)
    assert read_csv(path) == [{"a": a, "b": b} for a, b in rows]


def test_numbers_are_not_guarded() -> None:
    assert csv_text(["x"], [[-1.5]]) == "x\r\n-1.5\r\n"


def test_cli_refuses_to_overwrite_its_input(tmp_path: Path, capsys) -> None:
    cohort = _write_cohort(tmp_path)
    before = cohort.read_bytes()
    assert main(["match", str(cohort), "--json", str(cohort)]) == 2
    assert "refusing to overwrite an input" in capsys.readouterr().err
    assert cohort.read_bytes() == before
    assert main(["match", str(cohort), "--out", str(tmp_path / "a.csv"),
                 "--report", str(tmp_path / "a.csv")]) == 2
    assert "both name" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cohort.json"]


def test_cli_refuses_outputs_differing_only_in_case(tmp_path: Path, capsys) -> None:
    # one file on macOS and Windows: the second write would replace the first
    cohort = _write_cohort(tmp_path)
    assert main(["match", str(cohort), "--out", str(tmp_path / "Pairs.csv"),
                 "--json", str(tmp_path / "pairs.CSV")]) == 2
    err = capsys.readouterr().err
    assert "--json and --out both name" in err and "differing only in case" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cohort.json"]
    before = cohort.read_bytes()
    assert main(["match", str(cohort), "--json", str(tmp_path / "Cohort.JSON")]) == 2
    err = capsys.readouterr().err
    assert "is also the input file" in err and "differing only in case" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cohort.json"]
    assert cohort.read_bytes() == before
    (tmp_path / "A").mkdir()
    if not (tmp_path / "a").exists():  # a case-sensitive file system: two folders
        (tmp_path / "a").mkdir()
        assert main(["match", str(cohort), "--out", str(tmp_path / "A" / "p.csv"),
                     "--json", str(tmp_path / "a" / "p.csv")]) == 0


def test_cli_writes_all_outputs_or_none(tmp_path: Path, capsys) -> None:
    cohort = _write_cohort(tmp_path)
    code = main(["match", str(cohort), "--out", str(tmp_path / "ok.csv"),
                 "--json", str(tmp_path / "ok.json"),
                 "--report", str(tmp_path / "missing-dir" / "r.html")])
    assert code == 2
    err = capsys.readouterr().err
    assert "missing-dir/r.html" in err and "nothing was written" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cohort.json"]


def test_cli_escapes_terminal_control_characters(tmp_path: Path, capsys) -> None:
    assert main(["match", str(_write_cohort(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b[2J" in out


def test_read_only_target_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "pairs.csv"
    target.write_text("old")
    os.chmod(target, stat.S_IRUSR | stat.S_IRGRP)
    with pytest.raises(ExportError, match="pairs.csv: the file is read-only"):
        write_files({target: b"new"})
    assert target.read_text() == "old"


def test_symlinked_target_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_files({link: b"new"})
    assert link.is_symlink() and real.read_text() == "new"


def test_errors_name_the_output_not_the_temporary_file(tmp_path: Path) -> None:
    with pytest.raises(ExportError) as info:
        write_files({tmp_path / "nowhere" / "out.csv": b"x"})
    assert "nowhere/out.csv" in str(info.value) and ".tmp" not in str(info.value)
    assert isinstance(info.value, mm.MentorMatchError)


def test_an_exit_during_the_writes_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    import mentormatch.io as mio

    first = tmp_path / "a.txt"
    first.write_text("previous")
    real = mio._stage
    calls = []

    def stage_then_die(target: Path, data: bytes) -> str:
        calls.append(target)
        if len(calls) == 2:
            raise SystemExit(143)  # what the CLI turns SIGTERM into
        return real(target, data)

    monkeypatch.setattr(mio, "_stage", stage_then_die)
    with pytest.raises(SystemExit):
        write_files({first: b"new", tmp_path / "b.txt": b"new"})
    assert first.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


@pytest.mark.parametrize("name", ["", ".", "folder", "a\x00b.csv", "x" * 300 + ".csv"])
def test_a_path_that_cannot_name_a_file_is_an_export_error(tmp_path: Path, name: str) -> None:
    # a folder (``--out results/``), an embedded NUL or an over-long name used to escape as
    # IsADirectoryError / ValueError / OSError, past ``except MentorMatchError``
    (tmp_path / "folder").mkdir()
    target = tmp_path / name if name else Path(name)
    with pytest.raises(ExportError, match="nothing was written"):
        write_files({target: b"x"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder"]
    assert not any((tmp_path / "folder").iterdir())


def _surrogate_named_result() -> mm.MatchResult:
    """A match whose mentee's name holds a lone surrogate (a JSON "\\ud800" escape)."""
    return mm.match(mm.Cohort(mentees=[mm.Mentee(id="e1", name="Ann \ud800", topics=["qi"])],
                              mentors=[mm.Mentor(id="r1", topics=["qi"])]))


def test_text_utf8_cannot_hold_is_an_export_error_and_nothing_is_written(tmp_path: Path) -> None:
    # a lone surrogate (from a JSON "\ud800" escape) reaches a name; encoding it used to raise
    # UnicodeEncodeError from inside the export
    result = _surrogate_named_result()
    target = tmp_path / "merge.csv"
    with pytest.raises(ExportError, match="lone surrogate"):
        mm.write_mail_merge(result, target)
    assert not any(tmp_path.iterdir())


def test_an_id_holding_a_lone_surrogate_is_refused_where_it_is_read() -> None:
    with pytest.raises(InvalidInputError, match="lone surrogate"):
        mm.Mentee(id="e\ud800", topics=["qi"])


def test_a_folder_that_does_not_exist_yet_is_not_written_as_a_file(tmp_path: Path) -> None:
    # ``--out results/`` named a file "results" when the folder did not exist (Path drops
    # the trailing slash)
    with pytest.raises(ExportError, match="a folder, not a file"):
        write_files({f"{tmp_path}/results/": b"x"})
    assert not any(tmp_path.iterdir())


def test_text_files_refuse_a_lone_surrogate_before_writing_any(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="lone surrogate"):
        write_text_files({tmp_path / "a.txt": "fine", tmp_path / "b.txt": "Ann \ud800"})
    assert not any(tmp_path.iterdir())


def test_agreements_refuse_a_lone_surrogate_and_write_no_page(tmp_path: Path) -> None:
    # write_agreements encoded its pages itself and raised UnicodeEncodeError
    result = _surrogate_named_result()
    with pytest.raises(ExportError, match="lone surrogate"):
        mm.write_agreements(result, tmp_path / "agreements")
    assert not any((tmp_path / "agreements").glob("*"))


def test_a_rename_failing_after_others_names_the_files_already_replaced(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the message said the failing file "was not written", as if nothing had been
    real, calls = os.replace, []

    def replace_then_fail(source: str, target: Path) -> None:
        calls.append(target)
        if len(calls) == 2:
            raise PermissionError(13, "Permission denied")
        real(source, target)

    monkeypatch.setattr(os, "replace", replace_then_fail)
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    with pytest.raises(ExportError, match=r"b\.txt: cannot write .* but .*a\.txt already were"):
        write_files({first: b"1", second: b"2"})
    assert first.read_bytes() == b"1" and sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


_ID_CHARS = st.one_of(st.characters(), st.sampled_from(["\ud800", "\udc80", "\udfff",
                                                      "e\u0308", "a"]))


@given(st.lists(_ID_CHARS, max_size=8).map("".join))
def test_an_id_is_refused_exactly_when_it_holds_a_lone_surrogate(text: str) -> None:
    # the ASCII fast path and the one encode attempt agree with a scan per character
    first = next((c for c in text if "\ud800" <= c <= "\udfff"), None)
    if first is None:
        assert normalize_id(text) == unicodedata.normalize("NFC", text)
    else:
        with pytest.raises(InvalidInputError, match=f"holds {re.escape(repr(first))}, a lone"):
            normalize_id(text)


def test_a_symlink_loop_is_refused_with_a_typed_error(tmp_path: Path) -> None:
    # the path was resolved three times and the loop escaped as a bare RuntimeError
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(ExportError, match="not a path a file can be written to"):
        write_text_files({tmp_path / "a": "x", tmp_path / "ok.txt": "y"})
    assert not (tmp_path / "ok.txt").exists()
