"""The validated base model: frozen, no unknown fields, errors in the library's tree."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, Self

import pydantic
from pydantic import BaseModel, ConfigDict

from mentormatch.errors import InvalidInputError, MentorMatchError, shorten

__all__ = ["SENSITIVE_FIELDS", "ValidatedModel"]


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
            return type(original)(text if text.startswith(f"{who}") else f"{where}: {text}")
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
