"""Model input at the edge: typed errors, no echo of sensitive values, no leaks (issue 12)."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest

import mentormatch as mm
from mentormatch.errors import InvalidInputError, UnknownIdError


@pytest.mark.parametrize("value", [10**19, 2**63, np.uint64(2**63), -1, True, np.bool_(True),
                                   2.5, "many"])
def test_bad_counts_are_typed_errors_with_the_true_value(value: object) -> None:
    with pytest.raises(InvalidInputError, match="capacity") as info:
        mm.Mentor(id="r1", capacity=value)
    assert "-9223372036854775808" not in str(info.value)  # never shown wrapped around


@pytest.mark.parametrize("value", [np.int64(2), np.int32(2), 2.0, np.float64(2.0)])
def test_numpy_and_integral_counts_are_accepted(value: object) -> None:
    assert mm.Mentee(id="e1", demand=value).demand == 2


@pytest.mark.parametrize("weight", [np.int64(2), np.float32(0.5), 3])
def test_numpy_topic_weights_are_numbers(weight: object) -> None:
    assert mm.Mentee(id="e1", topics={"qi": weight}).topics == {"qi": float(weight)}  # type: ignore[arg-type]


def test_sensitive_values_are_never_echoed() -> None:
    for build in (lambda: mm.Mentee(id="e1", gender=12345),
                  lambda: mm.Mentee(id="e1", background=["secret-bg"]),
                  lambda: mm.Mentee(id="e1", gendr="secret-typo")):  # type: ignore[call-arg]
        with pytest.raises(InvalidInputError) as info:
            build()
        for secret in ("12345", "secret-bg", "secret-typo"):
            assert secret not in str(info.value)
    with pytest.raises(InvalidInputError, match="did you mean 'gender'"):
        mm.Mentee(id="e1", gendr="x")  # type: ignore[call-arg]


def test_frozen_models_refuse_assignment_without_echo() -> None:
    person = mm.Mentee(id="e1", gender="secret-g")
    with pytest.raises(InvalidInputError, match="frozen") as info:
        person.gender = "other-secret"  # type: ignore[misc]
    assert "other-secret" not in str(info.value)


def test_a_pickled_result_carries_no_sensitive_value() -> None:
    cohort = mm.Cohort(mentees=[mm.Mentee(id="e1", gender="secret-g", topics=["qi"],
                                          concordance=["gender"])],
                       mentors=[mm.Mentor(id="r1", gender="secret-h", topics=["qi"])])
    result = mm.match(cohort)
    data = pickle.dumps(result)
    assert b"secret-g" not in data and b"secret-h" not in data
    back = pickle.loads(data)
    assert back.pairs == result.pairs and back.cohort is None  # like the JSON
    assert result.cohort is cohort  # the live result keeps it


def test_prefixes_are_not_doubled() -> None:
    cohort = mm.Cohort(mentees=[mm.Mentee(id="e1")], mentors=[mm.Mentor(id="r1")])
    data = json.loads(cohort.model_dump_json())
    data["locked"] = [["e1", "zz"]]
    for load in (lambda: mm.Cohort.model_validate(data),
                 lambda: mm.Cohort.model_validate_json(json.dumps(data))):
        with pytest.raises(UnknownIdError) as info:
            load()
        assert str(info.value) == "Cohort: locked[0]: unknown mentor id 'zz'"
