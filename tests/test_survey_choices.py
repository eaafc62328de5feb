"""Ranked choices read from a survey: names resolved, every resolution reported, round trip."""

from __future__ import annotations

import csv
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.errors import SurveyError

FIRST = ["Amira", "Zoë", "Jonas", "Amélie", "Rotimi", "Priya", "Noé", "Hannah"]
LAST = ["Haddad", "Müller", "Weber", "Côté", "Okafor", "Raman", "Gagnon", "Lefèvre"]
STYLES = ["id", "plain", "title", "last_first", "email_upper", "no_accents"]
RANKS = ("1st choice of mentor", "2nd choice of mentor", "3rd choice of mentor")
HEADER = ["ID", "Role", "Name", "Email", "Topics", "Capacity", "Mentors wanted"]


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def written(person: dict[str, str], style: str) -> str:
    """How a colleague might type this person's name as a ranked choice."""
    name = f"{person['first']} {person['last']}"
    return {"id": person["id"], "plain": name, "title": f"Dr. {name}",
            "last_first": f"{person['last']}, {person['first']}",
            "email_upper": person["id"].upper(), "no_accents": _plain(name).lower()}[style]


def write_survey(people: list[dict[str, str]], choices: list[list[tuple[int, str]]],
                 folder: Path, *, one_cell: bool) -> Path:
    """The survey's CSV: one column per rank, or one cell listing names in order."""
    header = HEADER + (["Ranked choices"] if one_cell else list(RANKS))
    rows = [header]
    for person, picked in zip(people, choices, strict=True):
        names = [written(people[k], style) for k, style in picked]
        cells = (["; ".join(names)] if one_cell
                 else names + [""] * (len(RANKS) - len(names)))
        rows.append([person["id"], person["role"], f"{person['first']} {person['last']}",
                     person["id"], "teaching", "2" if person["role"] != "mentee" else "",
                     "1" if person["role"] != "mentor" else "", *cells])
    path = folder / "survey.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


@st.composite
def surveys(draw: st.DrawFn) -> tuple[list[dict[str, str]], list[list[tuple[int, str]]]]:
    names = draw(st.lists(st.tuples(st.sampled_from(FIRST), st.sampled_from(LAST)),
                          min_size=2, max_size=7, unique=True))
    people = [{"first": f, "last": la, "id": _plain(f"{f}.{la}{n}@dal.example").lower(),
               "role": draw(st.sampled_from(["mentee", "mentor", "both"]))}
              for n, (f, la) in enumerate(names)]
    choices = []
    for n, person in enumerate(people):
        role = person["role"]
        targets = [k for k, other in enumerate(people) if k != n and (
            role == "both" or other["role"] in ("both", "mentor" if role == "mentee"
                                                else "mentee"))]
        picked = draw(st.lists(st.sampled_from(targets), max_size=3, unique=True)
                      if targets else st.just([]))
        choices.append([(k, draw(st.sampled_from(STYLES))) for k in picked])
    return people, choices


def expected(people: list[dict[str, str]],
             choices: list[list[tuple[int, str]]]) -> dict[tuple[str, str], tuple[str, ...]]:
    """Each (role, id)'s choices: the names that are on the other side, in order."""
    out = {}
    for person, picked in zip(people, choices, strict=True):
        roles = ("mentee", "mentor") if person["role"] == "both" else (person["role"],)
        for role in roles:
            other = "mentor" if role == "mentee" else "mentee"
            out[(role, person["id"])] = tuple(
                people[k]["id"] for k, _ in picked if people[k]["role"] in (other, "both"))
    return out


def merged(a: tuple[str, ...], b: tuple[str, ...]) -> list[str]:
    """One list holding both orders (a person who is both ranks everyone in one list)."""
    out: list[str] = []
    i = j = 0
    while i < len(a) or j < len(b):
        if i < len(a) and a[i] not in b[j:]:
            out.append(a[i])
            i += 1
        elif j < len(b) and b[j] not in a[i:]:
            out.append(b[j])
            j += 1
        else:  # on both lists, in the same order (they came from one list)
            assert a[i] == b[j]
            out.append(a[i])
            i, j = i + 1, j + 1
    return out


@settings(max_examples=40, deadline=None)
@given(generated=surveys(), one_cell=st.booleans())
def test_choices_written_to_a_survey_read_back_the_same(generated, one_cell):
    people, choices = generated
    with tempfile.TemporaryDirectory() as folder:
        path = write_survey(people, choices, Path(folder), one_cell=one_cell)
        schema = mm.SurveySchema(id="Email", choices="Ranked choices" if one_cell else RANKS)
        cohort, report = mm.read_survey(path, schema, report=True, strict=True)
    got = {("mentee", p.id): p.choices for p in cohort.mentees}
    got.update({("mentor", p.id): p.choices for p in cohort.mentors})
    assert got == expected(people, choices)
    resolved = [e for e in report.entries if e.topic == "choice" and " -> " in e.message]
    assert len(resolved) == sum(len(v) for v in got.values())
    # Written back from the cohort (by id) and read again: the same choices.
    by_id = {p["id"]: k for k, p in enumerate(people)}
    again = [[(by_id[x], "id") for x in merged(got.get(("mentee", p["id"]), ()),
                                                got.get(("mentor", p["id"]), ()))]
             for p in people]
    with tempfile.TemporaryDirectory() as folder:
        path = write_survey(people, again, Path(folder), one_cell=one_cell)
        schema = mm.SurveySchema(id="Email", choices="Ranked choices" if one_cell else RANKS)
        assert mm.read_survey(path, schema, strict=True) == cohort


def _people() -> list[dict[str, str]]:
    return [{"first": "Zoë", "last": "Côté", "id": "zoe@x.org", "role": "mentee"},
            {"first": "José", "last": "Álvarez", "id": "jose@x.org", "role": "mentor"},
            {"first": "Ann", "last": "Lee", "id": "ann@x.org", "role": "mentor"}]


def _read(tmp_path: Path, rows: list[list[str]], **schema: object) -> tuple[mm.Cohort,
                                                                             mm.ReadReport]:
    path = tmp_path / "s.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([HEADER + list(RANKS), *rows])
    return mm.read_survey(path, mm.SurveySchema(id="Email", choices=RANKS, **schema),
                          report=True)


def _row(person: dict[str, str], *names: str) -> list[str]:
    mentor = person["role"] == "mentor"
    return [person["id"], person["role"], f"{person['first']} {person['last']}", person["id"],
            "teaching", "1" if mentor else "", "" if mentor else "1",
            *names, *[""] * (3 - len(names))]


def test_an_unknown_name_is_an_error_naming_file_row_and_column(tmp_path):
    zoe, jose, ann = _people()
    with pytest.raises(SurveyError) as info:
        _read(tmp_path, [_row(zoe, "Dr. Jose Alvarez", "Jon Smith"), _row(jose), _row(ann)])
    text = str(info.value)
    assert "s.csv, row 2, column '2nd choice of mentor'" in text
    assert "unknown choice 'Jon Smith'" in text and "unknown_choices='ignore'" in text


def test_ignored_unknown_names_are_warnings_and_later_choices_move_up(tmp_path):
    zoe, jose, ann = _people()
    rows = [_row(zoe, "Jon Smith", "", "Lee, Ann"), _row(jose), _row(ann)]
    cohort, report = _read(tmp_path, rows, unknown_choices="ignore")
    assert cohort.mentee("zoe@x.org").choices == ("ann@x.org",)
    messages = [(e.level, e.column, e.message) for e in report.entries if e.topic == "choice"]
    assert ("warning", "1st choice of mentor",
            "unknown choice 'Jon Smith': no mentor in the survey has this id, e-mail or name: "
            "left out (unknown_choices='ignore'), later choices move up a rank") in messages
    assert ("info", "3rd choice of mentor",
            "'Lee, Ann' -> mentor ann@x.org (name written 'Last, First'), 1st choice") in messages
    assert any("'2nd choice of mentor' is blank" in m for _, _, m in messages)
    with pytest.raises(SurveyError, match="unknown choice 'Jon Smith'"):
        mm.read_survey(tmp_path / "s.csv", mm.SurveySchema(
            id="Email", choices=RANKS, unknown_choices="ignore"), strict=True)


def test_an_ambiguous_name_is_never_guessed(tmp_path):
    zoe, jose, ann = _people()
    twin = {**ann, "id": "ann.lee@y.org"}
    with pytest.raises(SurveyError, match="choice 'Dr. Ann Lee' is ambiguous: it could be "
                                          "ann.lee@y.org or ann@x.org"):
        _read(tmp_path, [_row(zoe, "Dr. Ann Lee"), _row(jose), _row(ann), _row(twin)])


def test_a_name_ranked_twice_is_kept_once_and_reported(tmp_path):
    zoe, jose, ann = _people()
    cohort, report = _read(tmp_path, [_row(zoe, "jose@x.org", "José Álvarez"), _row(jose),
                                      _row(ann)])
    assert cohort.mentee("zoe@x.org").choices == ("jose@x.org",)
    assert [e.message for e in report.warnings] == [
        "'José Álvarez' -> mentor jose@x.org is ranked again: kept as 1st choice only"]


def test_a_mentors_choices_name_mentees_and_both_sides_of_a_person_who_is_both(tmp_path):
    zoe, jose, ann = _people()
    both = {"first": "Noé", "last": "Gagnon", "id": "noe@x.org", "role": "both"}
    rows = [_row(zoe, "Noé Gagnon"), _row(jose, "Côté, Zoë", "noe@x.org"),
            [*_row(both, "Zoë Côté", "José Álvarez")[:5], "1", "1",
             "Zoë Côté", "José Álvarez", ""], _row(ann)]
    cohort, _ = _read(tmp_path, rows)
    assert cohort.mentee("zoe@x.org").choices == ("noe@x.org",)
    assert cohort.mentor("jose@x.org").choices == ("zoe@x.org", "noe@x.org")
    assert cohort.mentee("noe@x.org").choices == ("jose@x.org",)
    assert cohort.mentor("noe@x.org").choices == ("zoe@x.org",)


def test_choosing_oneself_is_refused(tmp_path):
    zoe, jose, ann = _people()
    both = {"first": "Noé", "last": "Gagnon", "id": "noe@x.org", "role": "both"}
    with pytest.raises(SurveyError, match="'Noé Gagnon' is this person's own id"):
        _read(tmp_path, [_row(zoe), _row(jose), [*_row(both)[:5], "1", "1", "Noé Gagnon", "",
                                                  ""], _row(ann)])
