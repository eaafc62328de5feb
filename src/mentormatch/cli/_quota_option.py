"""``--quota ATTRIBUTE:RULES`` and ``--quotas FILE``: group make-up rules from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mentormatch.errors import InvalidInputError
from mentormatch.models import Quota

__all__ = ["parse_quota", "read_quotas"]

#: Rule spellings on the command line -> Quota fields.
_NUMBERS = {"min": "min_count", "max": "max_count", "min-share": "min_share",
            "max-share": "max_share"}
_SPELLING = ("min=N, max=N, min-share=X, max-share=X, no-lone, value=TEXT, mentors=ID+ID")


def parse_quota(text: str) -> Quota:
    """Parse ``ATTRIBUTE:RULE[,RULE...]`` into a :class:`~mentormatch.Quota`.

    Rules: ``min=N``, ``max=N``, ``min-share=X``, ``max-share=X``, ``no-lone``,
    ``value=TEXT`` (the bounds then apply to that value only) and
    ``mentors=ID+ID`` (only those mentors' groups). Errors never repeat a value.

    Examples
    --------
    >>> parse_quota("gender:max=3,no-lone").describe()
    'gender: at most 3 of each value, no lone member'
    >>> parse_quota("site:value=north,max-share=0.5").describe()
    "site: at most 50% of value 'north'"
    """
    attribute, sep, rules = text.partition(":")
    if not sep or not attribute.strip() or not rules.strip():
        raise InvalidInputError(f"--quota expects ATTRIBUTE:RULES, such as 'gender:max=3'; "
                                f"rules: {_SPELLING}")
    fields: dict[str, Any] = {"attribute": attribute.strip()}
    for rule in rules.split(","):
        key, has_value, raw = (part.strip() for part in rule.partition("="))
        name = "no_lone" if key == "no-lone" and not has_value else (
            _NUMBERS.get(key) or {"value": "value", "mentors": "mentors"}.get(key))
        if name is None or (name != "no_lone" and not raw):
            raise InvalidInputError(f"--quota {attribute.strip()}: cannot read rule "
                                    f"{key!r}; rules: {_SPELLING}")
        if name in fields:
            raise InvalidInputError(f"--quota {attribute.strip()}: {key!r} given twice")
        fields[name] = _rule_value(name, key, raw, attribute.strip())
    return Quota(**fields)


def _rule_value(name: str, key: str, raw: str, attribute: str) -> Any:
    if name == "no_lone":
        return True
    if name == "mentors":
        return tuple(r.strip() for r in raw.split("+") if r.strip())
    if name == "value":
        return raw
    try:
        return int(raw) if name.endswith("count") else float(raw)
    except ValueError:
        raise InvalidInputError(f"--quota {attribute}: {key} must be a "
                                + ("whole number" if name.endswith("count") else "number")
                                + f", got {raw!r}") from None


def read_quotas(path: Path) -> tuple[Quota, ...]:
    """Read a JSON list of quotas (each an object with :class:`~mentormatch.Quota`'s fields)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{path}: not valid JSON (line {exc.lineno}, column "
                                f"{exc.colno}): {exc.msg}") from None
    if not isinstance(data, list):
        raise InvalidInputError(f"{path}: expected a JSON list of quotas")
    out = []
    for k, item in enumerate(data):
        try:
            out.append(Quota.model_validate(item))
        except InvalidInputError as exc:
            raise type(exc)(f"{path}: quotas[{k}]: {exc}") from None
    return tuple(out)
