"""Guidelines in every export, and the per-pair agreement page (Python and CLI)."""

from __future__ import annotations

import csv
import io
import json
import stat

import pytest

import mentormatch as mm
from mentormatch.cli._main import main
from mentormatch.errors import ExportError, InvalidInputError, UnknownIdError
from mentormatch.report import mail_merge_records, render_report


def cohort() -> mm.Cohort:
    """Two pairs in two time zones; names needing escaping; sensitive values to look for."""
    return mm.Cohort(
        mentees=[
            mm.Mentee(id="e1", name="Ana <b>Bold</b>", topics=["qi", "teaching"],
                      site="Halifax", availability="Tue morning; Thu morning",
                      gender="g-secret-1", concordance=["gender"]),
            mm.Mentee(id="e/2", topics=["research"], site="Sydney",
                      background="b-secret-2"),
        ],
        mentors=[
            mm.Mentor(id="r1", name="Dr. Lee", topics=["qi"], site="St. John's",
                      availability="Tue 10:00-12:00; Thu 13:00-15:00", gender="g-secret-1"),
            mm.Mentor(id="r2", topics=["research"], site="Halifax"),
        ],
        schedule=mm.Schedule(site_time_zones={"Halifax": "America/Halifax",
                                              "St. John's": "America/St_Johns"}),
    )


def test_default_guidelines_carry_the_studys_recommendations():
    g = mm.Guidelines()
    text = g.text()
    for words in ("work hours", "protected time", "no-fault", "Roles and responsibilities",
                  "the program director", "sponsorship"):
        assert words in text
    mine = mm.Guidelines(contact="mentoring@example.org", meetings="Meet <monthly>.")
    assert "write to mentoring@example.org" in mine.text()
    assert "Meet &lt;monthly&gt;." in mine.html()
    with pytest.raises(InvalidInputError, match="did you mean 'contact'"):
        mm.Guidelines(contakt="x")  # type: ignore[call-arg]
    with pytest.raises(InvalidInputError, match="overview"):
        mm.Guidelines(overview="")


def test_mail_merge_rows_carry_guidelines_and_suggested_slots(tmp_path):
    c = cohort()
    result = mm.match(c)
    rows = {(r["mentee"], r["mentor"]): r for r in mail_merge_records(result)}
    assert rows[("e1", "r1")]["suggested_slots"] == (
        "Tue 09:30-10:30 America/Halifax (America/St_Johns: Tue 10:00)")
    assert rows[("e/2", "r2")]["suggested_slots"] == ""
    assert all(r["guidelines"] == mm.Guidelines().text() for r in rows.values())
    custom = mm.Guidelines(program="Psychiatry mentorship")
    written = mm.write_mail_merge(result, tmp_path / "pairs.csv", guidelines=custom)
    rows_read = list(csv.DictReader(io.StringIO(written.read_text())))
    assert rows_read[0]["guidelines"] == custom.text()
    assert rows_read[0]["guidelines"].startswith("# Psychiatry mentorship: guidelines")


def test_report_shows_slots_and_guidelines_escaped():
    result = mm.match(cohort())
    html = render_report(result, figures=False,
                         guidelines=mm.Guidelines(overview="Be <kind>."))
    assert "suggested first meetings" in html
    assert "Tue 09:30-10:30" in html
    assert "Be &lt;kind&gt;." in html and "Be <kind>." not in html
    assert "g-secret" not in html and "b-secret" not in html


def test_agreement_page_is_filled_with_the_pair():
    result = mm.match(cohort())
    page = mm.render_agreement(result, "e1", "r1")
    assert page.startswith("# Mentorship agreement: Ana <b>Bold</b> (e1) and Dr. Lee (r1)\n")
    assert "- Shared topics: qi" in page
    assert "- Also asked for by the mentee: teaching" in page
    assert "- Tue 09:30-10:30 America/Halifax (America/St_Johns: Tue 10:00)" in page
    assert "## Meeting expectations" in page and "protected time" in page
    assert "## Changing mentor" in page and "no-fault" in page
    assert "g-secret" not in page and "b-secret" not in page
    other = mm.render_agreement(result, "e/2", "r2")
    assert "No common free slot is on record" in other
    html = mm.render_agreement(result, "e1", "r1", format="html")
    assert "Ana &lt;b&gt;Bold&lt;/b&gt;" in html and "<b>Bold" not in html
    assert "<li>Tue 09:30-10:30" in html


def test_agreement_refusals():
    result = mm.match(cohort())
    with pytest.raises(UnknownIdError, match="not a pair of this result"):
        mm.render_agreement(result, "e1", "r2")
    loaded = mm.MatchResult.model_validate_json(result.model_dump_json())
    with pytest.raises(InvalidInputError, match="needs the cohort"):
        mm.render_agreement(loaded, "e1", "r1")
    assert mm.render_agreement(loaded, "e1", "r1", cohort=cohort()) == mm.render_agreement(
        result, "e1", "r1")
    with pytest.raises(InvalidInputError, match="format"):
        mm.render_agreement(result, "e1", "r1", format="pdf")  # type: ignore[arg-type]


def test_write_agreements_names_files_safely_and_writes_all_or_nothing(tmp_path):
    result = mm.match(cohort())
    folder = tmp_path / "agreements"
    paths = mm.write_agreements(result, folder, formats=["markdown", "html"])
    assert sorted(p.name for p in paths) == [
        "agreement-001-e1-r1.html", "agreement-001-e1-r1.md",
        "agreement-002-e_2-r2.html", "agreement-002-e_2-r2.md"]
    assert all(p.parent == folder for p in paths)
    again = tmp_path / "again"
    again.mkdir()
    blocked = again / "agreement-002-e_2-r2.md"
    blocked.write_text("kept")
    blocked.chmod(stat.S_IRUSR)
    try:
        with pytest.raises(ExportError):
            mm.write_agreements(result, again)
        assert sorted(p.name for p in again.iterdir()) == ["agreement-002-e_2-r2.md"]
        assert blocked.read_text() == "kept"
    finally:
        blocked.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_cli_writes_agreements_with_the_directors_guidelines(tmp_path, capsys):
    source = tmp_path / "cohort.json"
    source.write_text(cohort().model_dump_json())
    rules = tmp_path / "guidelines.json"
    rules.write_text(json.dumps({"contact": "Dr. Director", "program": "Psych mentors"}))
    out, folder = tmp_path / "pairs.csv", tmp_path / "agr"
    assert main(["match", str(source), "--out", str(out), "--agreements", str(folder),
                 "--agreement-format", "both", "--guidelines", str(rules)]) == 0
    said = capsys.readouterr().out
    assert f"4 agreement pages written to {folder}" in said
    assert len(list(folder.iterdir())) == 4
    page = (folder / "agreement-001-e1-r1.md").read_text()
    assert "write to Dr. Director" in page and "Psych mentors" in page
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert rows[0]["guidelines"].startswith("# Psych mentors: guidelines")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"contak": "x"}))
    assert main(["match", str(source), "--agreements", str(tmp_path / "none"),
                 "--guidelines", str(bad)]) == 2
    assert "did you mean 'contact'" in capsys.readouterr().err
    assert not (tmp_path / "none").exists()


def test_cli_refuses_an_output_that_is_also_an_agreement_page(tmp_path, capsys):
    # {**files, **pages} let the page silently replace the mail-merge file
    source = tmp_path / "cohort.json"
    source.write_text(cohort().model_dump_json())
    folder = tmp_path / "agr"
    folder.mkdir()
    clash = folder / "agreement-001-e1-r1.md"
    assert main(["match", str(source), "--out", str(clash), "--agreements", str(folder)]) == 2
    said = capsys.readouterr().err
    assert f"{clash} is both an output and an agreement page" in said
    assert list(folder.iterdir()) == []
