"""Ranking questions exported one column per option, the rank as the cell: each tool's shape.

Qualtrics' Rank Order (``Q3_1`` ... with ``Question - Option`` labels),
SurveyMonkey's Ranking (question once, options in the row below) and a
Google Forms grid of people by rank (``Question [Person]`` = ``"2nd choice"``)
written from a generated cohort and read back with the tool's preset.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from form_exports import Q_RANK_MENTORS, RANK_WRITERS, Ranker, rank_schemas  # type: ignore[import-not-found]
from mentormatch.errors import SurveyError

FIRST = ["Amira", "Zoë", "Jonas", "Amélie", "Rotimi", "Priya", "Noé", "Hannah", "Liam", "Inès"]
LAST = ["Haddad", "Müller", "Weber", "Côté", "Okafor", "Raman", "Gagnon", "Lefèvre", "Diaz"]


@st.composite
def rankers(draw: st.DrawFn) -> list[Ranker]:
    """People with distinct names on two sides, each ranking some of the other side."""
    n_e, n_r = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    names = draw(st.lists(st.tuples(st.sampled_from(FIRST), st.sampled_from(LAST)),
                          min_size=n_e + n_r, max_size=n_e + n_r, unique=True))
    people = []
    for k, (first, last) in enumerate(names):
        role = "mentee" if k < n_e else "mentor"
        others = n_r if role == "mentee" else n_e
        ranks = draw(st.lists(st.integers(0, others - 1), max_size=min(others, 4), unique=True))
        people.append(Ranker(first, last, f"p{k}@example.org", role, draw(st.integers(0, 6)),
                             tuple(ranks)))
    return draw(st.permutations(people))


def expected_choices(people: list[Ranker]) -> dict[str, tuple[str, ...]]:
    side = {role: [p for p in people if p.role == role] for role in ("mentee", "mentor")}
    other = {"mentee": "mentor", "mentor": "mentee"}
    return {p.email: tuple(side[other[p.role]][k].email for k in p.ranks) for p in people}


@pytest.mark.parametrize("tool", list(RANK_WRITERS))
@settings(max_examples=30, deadline=None)
@given(people=rankers())
def test_ranked_choices_written_by_a_form_tool_read_back_the_same(
        tool: str, people: list[Ranker]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = RANK_WRITERS[tool](people, Path(folder))
        cohort, report = mm.read_survey(path, rank_schemas()[tool], report=True, strict=True)
    read = {p.id: tuple(p.choices) for p in [*cohort.mentees, *cohort.mentors]}
    assert read == expected_choices(people)
    assert "option columns ranked by number" in report.columns[path.name]["choices"]


# --------------------------------------------------------------------------- bad cells

MENTORS = [("Ana", "Diaz"), ("Bo", "Chen"), ("Cy", "Dee")]


def grid(folder: Path, cells: list[str], *, mentors: list[tuple[str, str]] = MENTORS) -> Path:
    """A Google Forms export with one mentee ranking the mentors: ``cells`` are the ranks."""
    header = ["Timestamp", "Email address", "Full name", "Role", "Topics",
              *(f"{Q_RANK_MENTORS} [Dr. {f} {last}]" for f, last in mentors)]
    rows = [header, ["1", "e@x.org", "Eve Lee", "Mentee", "QI", *cells]]
    rows += [[str(k + 2), f"r{k}@x.org", f"{f} {last}", "Mentor", "QI", *[""] * len(mentors)]
             for k, (f, last) in enumerate(MENTORS)]
    path = folder / "grid.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    return path


def read(cells: list[str], **kw: object) -> tuple[mm.Cohort, mm.ReadReport]:
    with tempfile.TemporaryDirectory() as folder:
        path = grid(Path(folder), cells, **kw)  # type: ignore[arg-type]
        return mm.read_survey(path, rank_schemas()["google_forms"].model_copy(
            update={"role": ("Role",), "topics": ("Topics",)}), report=True)


@pytest.mark.parametrize(("cells", "choices"), [
    (["2", "1", ""], ("r1@x.org", "r0@x.org")),
    (["3rd choice", "1st choice", "2nd choice"], ("r1@x.org", "r2@x.org", "r0@x.org")),
    (["Second choice", "", "First"], ("r2@x.org", "r0@x.org")),
    (["", "", ""], ()),
    (["N/A", "1", ""], ("r1@x.org",)),
])
def test_ranks_are_numbers_or_ordinal_labels_and_blank_is_unranked(
        cells: list[str], choices: tuple[str, ...]) -> None:
    cohort, _ = read(cells)
    assert tuple(cohort.mentees[0].choices) == choices


def test_a_missing_rank_moves_later_choices_up_and_is_reported() -> None:
    cohort, report = read(["1", "3", ""])
    assert tuple(cohort.mentees[0].choices) == ("r0@x.org", "r1@x.org")
    assert any("no 2nd choice" in e.message for e in report.entries)


@pytest.mark.parametrize(("cells", "says"), [
    (["1", "1", ""], "1st choice given twice: 'Dr. Ana Diaz' and 'Dr. Bo Chen'"),
    (["1", "lots", ""], "expected a rank (1, 2, ... or '1st choice'), got 'lots'"),
    (["1", "4", ""], "rank 4 is outside 1 to 3"),
    (["0", "1", ""], "rank 0 is outside 1 to 3"),
    (["1", "2st", ""], "got '2st'"),
])
def test_a_bad_rank_is_an_error_naming_file_row_and_column(cells: list[str], says: str) -> None:
    with pytest.raises(SurveyError) as caught:
        read(cells)
    problem = next(p for p in caught.value.problems if says in p.message)
    assert (problem.file, problem.row) == ("grid.csv", 2)
    assert problem.column is not None and problem.column.startswith(Q_RANK_MENTORS)


def test_an_option_naming_nobody_follows_unknown_choices() -> None:
    stranger = [*MENTORS[:2], ("Zed", "Quill")]
    with pytest.raises(SurveyError, match="unknown choice 'Dr. Zed Quill'"):
        read(["", "", "1"], mentors=stranger)
    cohort, _ = read(["", "", ""], mentors=stranger)  # an option nobody ranked is not read
    assert tuple(cohort.mentees[0].choices) == ()



def test_a_qualtrics_rank_order_reads_by_its_code_and_skips_the_typed_other() -> None:
    codes = ["RecipientEmail", "Q0", "Q1", "Q2", "Q8_1", "Q8_2", "Q8_3", "Q8_3_TEXT"]
    text = ["Recipient Email", "Full name", "Role", "Topics", f"{Q_RANK_MENTORS} - Dr. Ana Diaz",
            f"{Q_RANK_MENTORS} - Bo Chen", f"{Q_RANK_MENTORS} - Other",
            f"{Q_RANK_MENTORS} - Other - Text"]
    rows = [codes, text, ['{"ImportId":"x"}'] * len(codes),
            ["e@x.org", "Eve Lee", "Mentee", "QI", "2", "1", "", "somebody"],
            ["a@x.org", "Ana Diaz", "Mentor", "QI", "", "", "", ""],
            ["b@x.org", "Bo Chen", "Mentor", "QI", "", "", "", ""]]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "q.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows(rows)
        schema = mm.SurveySchema(preset="qualtrics", role="Q1", topics="Q2", choices="Q8",
                                 name="Q0", defaults={"capacity": 1, "demand": 1})
        cohort = mm.read_survey(path, schema)
    assert tuple(cohort.mentees[0].choices) == ("b@x.org", "a@x.org")
