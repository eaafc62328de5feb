"""Exports: mail-merge CSV, JSON, the self-contained HTML report, atomic writes."""

from __future__ import annotations

import base64
import csv
import io
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest

import mentormatch as mm
from mentormatch import io as _io

COLUMNS = ["mentee", "mentor", "score", "mentee_name", "mentee_email", "mentor_name",
           "mentor_email", "shared_topics", "locked", "reasons", "suggested_slots", "guidelines"]


def awkward() -> mm.Cohort:
    """Names that need escaping, an unmatched mentee (only mentor supervises them),
    a shortfall, sensitive attributes with recognisable values, no e-mail for some."""
    return mm.Cohort(
        mentees=[
            mm.Mentee(id="e1", name="Ana <script>alert(1)</script>", email="ana@x.org",
                      topics=["qi", "teaching"], demand=2, gender="g-secret-1",
                      concordance=["gender"]),
            mm.Mentee(id="e2", name="Bo & Co", topics=["teaching"], supervisors=["r2"],
                      background="b-secret-2"),
            mm.Mentee(id="e3", topics=["leadership"]),
        ],
        mentors=[
            mm.Mentor(id="r1", name="Dr. \"Quote\"", email="r1@x.org",
                      topics=["qi", "teaching"], gender="g-secret-1", capacity=1),
            mm.Mentor(id="r2", topics=["teaching"], background="b-secret-3", capacity=0),
            mm.Mentor(id="r3", topics=["leadership"], capacity=1),
        ],
    )


@pytest.fixture(scope="module")
def result() -> mm.MatchResult:
    r = mm.match(awkward())
    # the fixture really has a pair, an unmatched mentee and a shortfall
    assert r.pairs and [u.mentee for u in r.unmatched] == ["e2"]
    assert [s.mentee for s in r.shortfall] == ["e1"]
    return r


def test_mail_merge_columns_and_rows(tmp_path: Path, result: mm.MatchResult) -> None:
    path = mm.write_mail_merge(result, tmp_path / "pairs.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert list(rows[0]) == COLUMNS
    assert [(r["mentee"], r["mentor"]) for r in rows] == [(p.mentee, p.mentor)
                                                          for p in result.pairs]
    by_pair = {(r["mentee"], r["mentor"]): r for r in rows}
    e1 = by_pair[("e1", "r1")]
    assert e1["mentee_name"] == "Ana <script>alert(1)</script>"  # CSV keeps text as is
    assert (e1["mentee_email"], e1["mentor_email"]) == ("ana@x.org", "r1@x.org")
    assert e1["shared_topics"] == "qi; teaching"
    e3 = by_pair[("e3", "r3")]
    assert (e3["mentee_name"], e3["mentee_email"], e3["shared_topics"]) == ("", "", "leadership")
    assert "secret" not in path.read_text()


def test_mail_merge_without_a_cohort_leaves_names_blank(tmp_path: Path,
                                                        result: mm.MatchResult) -> None:
    loaded = mm.MatchResult.model_validate_json(result.model_dump_json())
    text = mm.write_mail_merge(loaded, tmp_path / "p.csv").read_text()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["mentee_name"] for r in rows} == {""}
    text = mm.write_mail_merge(loaded, tmp_path / "p.csv", cohort=awkward()).read_text()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["mentee_email"] == "ana@x.org"


def test_json_round_trips(tmp_path: Path, result: mm.MatchResult) -> None:
    text = mm.write_json(result, tmp_path / "r.json").read_text()
    again = mm.MatchResult.model_validate_json(text)
    assert again.pairs == result.pairs and again.unmatched == result.unmatched
    assert again.notes == result.notes and "secret" not in text


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.images: list[str] = []
        self.links: list[str] = []
        self.rows: list[list[str]] = []
        self.text: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        a = dict(attrs)
        if tag == "img":
            self.images.append(a.get("src") or "")
        for key in ("href", "src"):
            if a.get(key) and tag != "img":
                self.links.append(a[key] or "")
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _parse(html: str) -> _Collect:
    parser = _Collect()
    parser.feed(html)
    parser.close()
    return parser


def test_html_report_is_complete_and_self_contained(tmp_path: Path,
                                                    result: mm.MatchResult) -> None:
    path = mm.write_report(result, tmp_path / "report.html")
    html = path.read_text(encoding="utf-8")
    doc = _parse(html)
    # every pair is a table row holding both ids, the score and the reasons
    for p in result.pairs:
        assert any(p.mentee in row and p.mentor in row and "; ".join(p.reasons) in row
                   for row in doc.rows), (p.mentee, p.mentor)
    for u in result.unmatched:
        assert any(u.mentee in row and u.reason in row for row in doc.rows)
    for s in result.shortfall:
        assert any(s.mentee in row and s.reason in row for row in doc.rows)
    text = "".join(doc.text)
    for note in result.notes:
        assert note in text
    assert "r2 supervises e2" in text
    # figures are embedded PNGs, nothing is fetched from elsewhere
    assert len(doc.images) == 2
    for src in doc.images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert doc.links == [] and "<link" not in html
    # text is escaped: the name shows as text, never as a script element
    assert "script" not in doc.tags
    assert "Ana <script>alert(1)</script>" in text and 'Dr. "Quote"' in text
    assert "secret" not in html
    assert list(tmp_path.iterdir()) == [path]


def test_html_report_of_a_rematch_lists_changes(tmp_path: Path) -> None:
    first = mm.match(mm.example_cohort())
    p = first.pairs[0]
    after = mm.rematch(first, release=[(p.mentee, p.mentor)])
    doc = _parse(mm.write_report(after, tmp_path / "r.html", figures=False).read_text())
    assert any("removed" in row and p.mentee in row and p.mentor in row for row in doc.rows)
    assert doc.images == []
    # without figures, the supply and demand table is still there
    assert any(row[:1] == ["clinical work"] for row in doc.rows)


@pytest.mark.parametrize("exporter", ["csv", "json", "html"])
@pytest.mark.parametrize("failure", [OSError("disk full"), KeyboardInterrupt()])
def test_interrupted_export_leaves_the_old_file(tmp_path: Path, monkeypatch,
                                                result: mm.MatchResult, exporter: str,
                                                failure: BaseException) -> None:
    target = tmp_path / f"out.{exporter}"
    target.write_text("previous export\n")
    real_fdopen = os.fdopen

    class HalfWriter:
        """Writes the first half of the data, then fails."""

        def __init__(self, fh) -> None:
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            self.fh.close()

        def write(self, data: bytes) -> int:
            self.fh.write(data[: len(data) // 2])
            self.fh.flush()
            raise failure

    monkeypatch.setattr(_io.os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))  # type: ignore[attr-defined]
    write = {"csv": mm.write_mail_merge, "json": mm.write_json,
             "html": lambda r, p: mm.write_report(r, p, figures=False)}[exporter]
    with pytest.raises(type(failure)):
        write(result, target)  # type: ignore[operator]
    assert target.read_text() == "previous export\n"
    assert sorted(tmp_path.iterdir()) == [target]  # no temporary file left behind
    monkeypatch.undo()
    write(result, target)  # type: ignore[operator]
    assert target.read_text() != "previous export\n"
