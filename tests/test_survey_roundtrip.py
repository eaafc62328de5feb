"""Round trip: any cohort, written in each form tool's shape and read back with its preset."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from form_exports import CAPACITIES, TOPICS, TYPE_VALUES, TYPES, VOCAB, WRITERS, Answer, schemas  # type: ignore[import-not-found]

FIRST = ["Amira", "Zoë", "Jonas", "Amélie", "Rotimi", "Priya", "Noé", "Hannah", "Liam", "Inès"]
LAST = ["Haddad", "Müller", "Weber", "Côté", "Okafor", "Raman", "Gagnon", "O'Brien", "Lefèvre"]
STYLES = ["plain", "title", "last_first", "email_upper", "no_accents", "role_note"]
NOBODY = ["", "N/A", "none", "-"]


def _plain(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def written(target: Answer, style: str) -> str:
    """How a colleague might type this person's name as their supervisor."""
    name = f"{target.first} {target.last}"
    return {"plain": name, "title": f"Dr. {name}", "last_first": f"{target.last}, {target.first}",  # type: ignore[no-any-return]
            "email_upper": target.email.upper(), "no_accents": _plain(name).lower(),
            "role_note": f"Prof. {name} (Chief, Mood Disorders)"}[style]


@st.composite
def answers(draw: st.DrawFn) -> tuple[list[Answer], list[tuple[int, str] | None]]:
    names = draw(st.lists(st.tuples(st.sampled_from(FIRST), st.sampled_from(LAST)),
                          min_size=1, max_size=7, unique=True))
    out, bosses = [], []
    for n, (first, last) in enumerate(names):
        role = draw(st.sampled_from(["mentee", "mentor", "mentee", "mentor", "both"]))
        topics = tuple(draw(st.lists(st.integers(0, len(TOPICS) - 1), min_size=1, max_size=4,
                                     unique=True)))
        types = tuple(sorted(draw(st.lists(st.integers(0, len(TYPES) - 1), min_size=1,
                                           max_size=3, unique=True))))
        demand = draw(st.sampled_from(["Yes", "No"])) if role != "mentor" else ""
        capacity = draw(st.sampled_from(CAPACITIES)) if role != "mentee" else ""
        boss = draw(st.none() | st.tuples(st.integers(0, len(names) - 1), st.sampled_from(STYLES)))
        bosses.append(None if boss is None or boss[0] == n else boss)
        email = _plain(f"{first}.{last}{n}@dal.example").lower().replace("'", "")
        out.append(Answer(first, last, email, role, topics, types, demand, capacity, ""))
    final = []
    for a, boss in zip(out, bosses):
        text = written(out[boss[0]], boss[1]) if boss else draw(st.sampled_from(NOBODY))
        final.append(Answer(a.first, a.last, a.email, a.role, a.topics, a.types, a.demand,
                            a.capacity, text))
    return final, bosses


def expected(people: list[Answer], bosses: list[tuple[int, str] | None]) -> mm.Cohort:
    mentees, mentors = [], []
    for a, boss in zip(people, bosses):
        common = {"id": a.email, "name": f"{a.first} {a.last}", "email": a.email,
                  "topics": [TOPICS[k] for k in a.topics],
                  "types": [TYPE_VALUES[TYPES[k]] for k in a.types],
                  "supervisors": (people[boss[0]].email,) if boss else ()}
        if a.role in ("mentee", "both"):
            mentees.append(mm.Mentee(**common, demand=2 if a.demand == "Yes" else 1))
        if a.role in ("mentor", "both"):
            mentors.append(mm.Mentor(**common, capacity=CAPACITIES.index(a.capacity) + 1))
    return mm.Cohort(mentees=mentees, mentors=mentors, vocabulary=VOCAB)


@pytest.mark.parametrize("tool", list(WRITERS))
@settings(max_examples=40, deadline=None)
@given(generated=answers())
def test_any_cohort_written_by_a_form_tool_reads_back_the_same(
        tool: str, generated: tuple[list[Answer], list[tuple[int, str] | None]]) -> None:
    if tool == "microsoft_forms":
        pytest.importorskip("openpyxl")
    people, bosses = generated
    with tempfile.TemporaryDirectory() as folder:
        path = WRITERS[tool](people, Path(folder))
        cohort, report = mm.read_survey(path, schemas()[tool], report=True, strict=True)
    assert cohort == expected(people, bosses)
    assert (report.mentees, report.mentors) == (len(cohort.mentees), len(cohort.mentors))
