"""Bad input: each case raises a typed ValueError naming the id, field or position."""

from __future__ import annotations

from typing import Any

import pytest

import mentormatch as mm
from mentormatch.errors import (
    ConstraintConflictError,
    DuplicateIdError,
    InvalidInputError,
    UnknownIdError,
    UnknownTopicError,
)

E = mm.Mentee
R = mm.Mentor


def cohort(**kw: Any) -> mm.Cohort:
    base: dict[str, Any] = {
        "mentees": [E(id="e1", topics=["a"]), E(id="e2", topics=["b"])],
        "mentors": [R(id="r1", topics=["a"]), R(id="r2", topics=["b"], capacity=2)],
    }
    base.update(kw)
    return mm.Cohort(**base)


BAD_INPUT = [
    ("duplicate mentee id", lambda: cohort(mentees=[E(id="e1"), E(id="e1")]),
     DuplicateIdError, r"mentee id 'e1' appears 2 times \(positions \[0, 1\]\)"),
    ("duplicate mentor id", lambda: cohort(mentors=[R(id="r1"), R(id="r2"), R(id="r1")]),
     DuplicateIdError, r"mentor id 'r1' appears 2 times \(positions \[0, 2\]\)"),
    ("unknown mentee in forbidden", lambda: cohort(forbidden=[("e9", "r1")]),
     UnknownIdError, r"forbidden\[0\]: unknown mentee id 'e9'"),
    ("unknown mentor in locked", lambda: cohort(locked=[("e1", "r1"), ("e2", "rX")]),
     UnknownIdError, r"locked\[1\]: unknown mentor id 'rX'"),
    ("locked and forbidden", lambda: cohort(forbidden=[("e1", "r1")], locked=[("e1", "r1")]),
     ConstraintConflictError, r"locked\[0\]: pair \('e1', 'r1'\) is also excluded"),
    ("locked supervisor", lambda: cohort(
        mentees=[E(id="e1", supervisors=["r1"]), E(id="e2")], locked=[("e1", "r1")]),
     ConstraintConflictError, "r1 supervises e1"),
    ("locks exceed capacity", lambda: cohort(locked=[("e1", "r1"), ("e2", "r1")]),
     ConstraintConflictError, "mentor 'r1' has 2 locked pairs but capacity 1"),
    ("locks exceed demand", lambda: cohort(locked=[("e1", "r1"), ("e1", "r2")]),
     ConstraintConflictError, "mentee 'e1' has 2 locked pairs but demand 1"),
    ("pair listed twice", lambda: cohort(forbidden=[("e1", "r1"), ("e1", "r1")]),
     ConstraintConflictError, r"forbidden\[1\]: pair \('e1', 'r1'\) listed twice"),
    ("negative capacity", lambda: R(id="r7", capacity=-1),
     InvalidInputError, r"Mentor 'r7': field 'capacity': .*greater than or equal to 0"),
    ("negative demand", lambda: E(id="e7", demand=-2),
     InvalidInputError, r"Mentee 'e7': field 'demand'"),
    ("capacity not a number", lambda: R(id="r7", capacity="two"),
     InvalidInputError, r"Mentor 'r7': field 'capacity'.*got 'two'"),
    ("unknown mentorship type", lambda: E(id="e7", types=["mentoring circle"]),
     UnknownTopicError, r"Mentee 'e7', field 'types': unknown mentorship type"),
    ("unknown modality", lambda: E(id="e7", modalities=["carrier pigeon"]),
     UnknownTopicError, "unknown meeting modality 'carrier pigeon'"),
    ("unknown field", lambda: E(id="e7", favourite_colour="blue"),  # type: ignore[call-arg]
     InvalidInputError, r"Mentee 'e7': field 'favourite_colour': Extra inputs"),
    ("blank id", lambda: E(id="  "), InvalidInputError, "id must not be blank"),
    ("NaN topic weight", lambda: E(id="e7", topics={"a": float("nan")}),
     InvalidInputError, r"Mentee 'e7', field 'topics': topic 'a': weight must be finite"),
    ("unknown topic with vocabulary", lambda: cohort(
        mentees=[E(id="e1", topics=["clinical wrok"])],
        vocabulary=mm.TopicVocabulary.pilot()),
     UnknownTopicError, r"mentee 'e1': unknown topic 'clinical wrok'; did you mean "
                           r"'clinical work'\?"),
    ("unknown concordance attribute", lambda: E(id="e7", concordance=["age"]),
     InvalidInputError, "concordance can be asked on 'gender' or 'background'"),
]


@pytest.mark.parametrize(("case", "build", "error", "message"), BAD_INPUT,
                         ids=[c[0] for c in BAD_INPUT])
def test_bad_input(case: str, build: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=message) as info:
        build()
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, mm.MentorMatchError)


def test_json_validation_errors_are_ours_too() -> None:
    with pytest.raises(DuplicateIdError, match="mentee id 'x'"):
        mm.Cohort.model_validate_json(
            '{"mentees": [{"id": "x"}, {"id": "x"}], "mentors": []}')


def test_topics_are_normalised() -> None:
    e = E(id="e", topics={"Work-Life  Balance": 2, "Teaching & Curriculum": 1, "qi": 0})
    assert e.topics == {"work life balance": 2.0, "teaching and curriculum": 1.0}


def test_vocabulary_maps_aliases() -> None:
    c = cohort(mentees=[E(id="e1", topics=["QI", "Clinical"])],
               mentors=[R(id="r1", topics=["research"])],
               vocabulary=mm.TopicVocabulary.pilot())
    assert set(c.mentees[0].topics) == {"quality improvement", "clinical work"}
    assert set(c.mentors[0].topics) == {"research and scholarship"}


def test_models_are_frozen_and_hide_sensitive_values_in_repr() -> None:
    e = E(id="e1", gender="woman", background="private", concordance=["gender"])
    with pytest.raises(InvalidInputError, match="frozen"):
        e.demand = 3  # type: ignore[misc]
    assert "woman" not in repr(e) and "private" not in repr(e)


def test_supervisors_in_both_directions_are_excluded() -> None:
    c = cohort(mentors=[R(id="r1", supervisors=["e2"]), R(id="r2")],
               mentees=[E(id="e1", supervisors=["r2"]), E(id="e2")])
    assert c.excluded_pairs() == {("e1", "r2"): "r2 supervises e1",
                                  ("e2", "r1"): "e2 supervises r1"}


def test_type_aliases() -> None:
    e = E(id="e", types=["Dyadic", "task-focused", "1:1"])
    assert e.types == (mm.MentorshipType.ONE_TO_ONE, mm.MentorshipType.TASK_FOCUSED)
