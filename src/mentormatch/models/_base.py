"""The models' common ground: ids, counts, and a frozen base whose errors join the library's tree.

Values of a sensitive field (``SENSITIVE_FIELDS``) are never repeated in an error.
"""

from __future__ import annotations

import difflib
import math
import unicodedata
from collections.abc import Mapping
from typing import Annotated, Any, Self

import numpy as np
import pydantic
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from mentormatch.errors import InvalidInputError, MentorMatchError, shorten

__all__ = ["MAX_COUNT", "SENSITIVE_FIELDS", "Count", "Id", "ValidatedModel", "normalize_id"]

def normalize_id(value: Any) -> Any:
    """Return an id in its one normal form, Unicode NFC (a person's id is also stripped).

    Two spellings of one identity (NFC "\u00eb" and NFD "e\u0308") become the same id;
    ids that still differ only by case are refused when a :class:`Cohort` is built.

    Examples
    --------
    >>> normalize_id("e\u0308") == "\u00eb"
    True
    """
    if not isinstance(value, str) or value.isascii():
        return value  # ASCII is its own NFC and holds no surrogate
    try:
        value.encode("utf-8")  # fails exactly on a lone surrogate
    except UnicodeEncodeError as exc:
        raise InvalidInputError(f"id {shorten(value)} holds {value[exc.start]!r}, a lone "
                                "surrogate (half of a broken \\u escape), not a character; "
                                "no file could hold it") from None
    return unicodedata.normalize("NFC", value)


Id = Annotated[str, BeforeValidator(normalize_id)]


#: The largest count (demand, capacity, ...) accepted: far above any program, and safe
#: in the int64 arrays solvers use.
MAX_COUNT = 10**9


def _parse_count(value: Any) -> Any:
    """Accept a whole number (Python or numpy, or a float such as 2.0), never a bool."""
    if isinstance(value, bool | np.bool_):
        raise InvalidInputError(f"must be a whole number, got the boolean {value!r}")
    if isinstance(value, np.integer):
        value = int(value)
    elif isinstance(value, float | np.floating) and math.isfinite(value) and value == int(value):
        value = int(value)
    if isinstance(value, int) and value > MAX_COUNT:
        raise InvalidInputError(f"must be at most {MAX_COUNT}, got {value}")
    return value


Count = Annotated[int, BeforeValidator(_parse_count), Field(ge=0, le=MAX_COUNT, strict=False)]


class ValidatedModel(BaseModel):
    """Frozen, strict-about-fields base whose validation errors join the library's tree."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=False)

    def __setattr__(self, name: str, value: Any) -> None:
        raise InvalidInputError(f"{type(self).__name__} is frozen: build a changed copy with "
                                f"model_copy(update={{{name!r}: ...}})")

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except pydantic.ValidationError as exc:
            raise _translate(exc, type(self), data.get("id")) from None

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        """Validate ``obj``; errors are raised as :class:`InvalidInputError` subclasses."""
        try:
            return super().model_validate(obj, *args, **kwargs)
        except pydantic.ValidationError as exc:
            ident = obj.get("id") if isinstance(obj, Mapping) else None
            raise _translate(exc, cls, ident) from None

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, *args: Any,
                            **kwargs: Any) -> Self:
        """Validate JSON text; errors are raised as :class:`InvalidInputError` subclasses."""
        try:
            return super().model_validate_json(json_data, *args, **kwargs)
        except pydantic.ValidationError as exc:
            raise _translate(exc, cls, None) from None


#: Fields whose values are never repeated in a message (see the module notes).
SENSITIVE_FIELDS = frozenset({"gender", "background"})


def _translate(exc: pydantic.ValidationError, model_class: type[BaseModel],
               ident: Any) -> MentorMatchError:
    """Turn pydantic's error into ours, keeping our own error type when a check raised one.

    Values are quoted short, and never for a sensitive field or a field the
    model does not have (it may be a misspelled sensitive one).
    """
    model = model_class.__name__
    who = f"{model} {shorten(ident)}" if ident is not None else model
    errors = exc.errors(include_url=False)
    for err in errors:
        original = (err.get("ctx") or {}).get("error")
        if isinstance(original, MentorMatchError):
            loc = ".".join(str(p) for p in err["loc"])
            where = f"{who}, field {loc!r}" if loc else who
            text = str(original)
            translated = type(original)(text if text.startswith(f"{who}") else f"{where}: {text}")
            translated.__dict__.update(original.__dict__)  # e.g. UnknownIdError.rule
            return translated
    parts = []
    for err in errors:
        loc = ".".join(str(p) for p in err["loc"]) or "(model)"
        got = err.get("input")
        private = err["type"] == "extra_forbidden" or str(err["loc"][-1:][0] if err["loc"]
                                                          else "") in SENSITIVE_FIELDS
        shown = "" if private or isinstance(got, dict | list) else f" (got {shorten(got)})"
        if err["type"] == "extra_forbidden":
            close = difflib.get_close_matches(loc, list(model_class.model_fields), n=1)
            shown = f" (did you mean {close[0]!r}?)" if close else ""
        parts.append(f"field {loc!r}: {err['msg']}{shown}")
    return InvalidInputError(f"{who}: " + "; ".join(parts))
