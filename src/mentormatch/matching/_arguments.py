"""The one check of what the orchestration functions are handed, before any attribute is read."""

from __future__ import annotations

from typing import Any

from mentormatch.errors import InvalidInputError

_HOW = {
    "Cohort": "build one with mm.Cohort(...) or mm.Cohort.model_validate(data), or read a "
              "survey with mm.read_survey(path)",
    "MatchResult": "pass the result mm.match returned, or "
                   "mm.MatchResult.model_validate_json(text) of a saved one",
}


def expect(value: Any, kind: type | tuple[type, ...], where: str) -> None:
    """Raise :class:`InvalidInputError` unless ``value`` is a ``kind``, saying how to make one.

    ``kind`` is a type or, as for ``isinstance``, a tuple of them (the first is named).

    Examples
    --------
    >>> import mentormatch as mm
    >>> expect({"mentees": []}, mm.Cohort, "match")
    Traceback (most recent call last):
    ...
    mentormatch.errors.InvalidInputError: match takes a Cohort, got dict; build one with \
mm.Cohort(...) or mm.Cohort.model_validate(data), or read a survey with mm.read_survey(path)
    """
    if not isinstance(value, kind):
        name = (kind[0] if isinstance(kind, tuple) else kind).__name__
        raise InvalidInputError(f"{where} takes a {name}, got {type(value).__name__}; "
                                f"{_HOW.get(name, '')}".rstrip("; "))
