"""Group make-up: quotas on an attribute of the mentees in each mentor's group.

One public programme balances each mentor's group by gender (at most 3 of one
and 2 of the other) and never leaves a lone member of a group. A
:class:`Quota` states such a rule; ``Cohort(quotas=[...])`` carries it to every
match of the cohort. Only solvers declaring ``quotas``
(``mm.solvers.supporting("quotas")``) take such a cohort; the others refuse it.

Values of a sensitive attribute (gender, background) never appear in a
message: :meth:`Quota.describe` says "one value" where the rule names one.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal, get_args

from pydantic import BeforeValidator, Field, model_validator

from mentormatch.errors import InvalidInputError
from mentormatch.models._base import SENSITIVE_FIELDS, Count, Id, ValidatedModel

__all__ = ["QUOTA_ATTRIBUTES", "Quota", "QuotaAttribute", "person_value"]

QuotaAttribute = Literal["gender", "background", "division", "site", "career_stage", "track"]
#: Attributes a quota may count (one value per person).
QUOTA_ATTRIBUTES: tuple[str, ...] = get_args(QuotaAttribute)


def _parse_value(value: Any) -> Any:
    """Accept a non-blank string; never repeat what was given (it may be sensitive)."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError("value must be a non-blank string (or None for every value)")
    return value


def _parse_share(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInputError(f"a share must be a number from 0 to 1, got {value!r}")
    if not math.isfinite(value) or not 0 <= value <= 1:
        raise InvalidInputError(f"a share must be a number from 0 to 1, got {value!r}")
    return float(value)


Share = Annotated[float | None, BeforeValidator(_parse_share)]


def person_value(person: Any, attribute: str) -> str | None:
    """Return a person's value of a quota attribute as text, or None when not recorded.

    Examples
    --------
    >>> from mentormatch.models import Mentee
    >>> person_value(Mentee(id="e1", career_stage="early"), "career_stage")
    'early'
    >>> person_value(Mentee(id="e2"), "site") is None
    True
    """
    value = getattr(person, attribute)
    if value is None:
        return None
    return str(getattr(value, "value", value))


class Quota(ValidatedModel):
    """A rule on the make-up of each mentor's group of mentees.

    The group of a mentor is the mentees matched with them. For every value
    of ``attribute`` (or only ``value``, when given), the number of mentees of
    the group with that value must lie within the bounds. Mentees with no
    recorded value count in the group's size but in no value.

    Parameters
    ----------
    attribute : {"gender", "background", "division", "site", "career_stage", "track"}
        The mentees' attribute counted. Gender and background are sensitive:
        their values never appear in a message, note or export.
    value : str, optional
        The one value the bounds apply to; ``None`` applies them to every value.
    min_count, max_count : int, optional
        At least / at most this many of the value in each group. ``min_count``
        applies to groups with at least one mentee (a mentor left without
        mentees breaks no quota).
    min_share, max_share : float, optional
        At least / at most this share (0 to 1) of the group's mentees.
    no_lone : bool, default=False
        A value present in a group appears at least twice (or not at all): no
        one is the only one of their value in the group.
    mentors : tuple of str, optional
        Ids of the mentors whose groups the rule applies to; ``None``: every mentor.

    Examples
    --------
    >>> q = Quota(attribute="gender", max_count=3, no_lone=True)
    >>> q.describe()
    'gender: at most 3 of each value, no lone member'
    >>> Quota(attribute="gender", value="x", min_count=1).describe()
    'gender: at least 1 of one named value'
    >>> Quota(attribute="site", value="north", max_share=0.5).describe()
    "site: at most 50% of value 'north'"
    >>> Quota(attribute="gender")
    Traceback (most recent call last):
    ...
    mentormatch.errors.InvalidInputError: Quota: a quota needs a bound: min_count, max_count, \
min_share, max_share or no_lone=True
    """

    attribute: QuotaAttribute
    value: Annotated[str | None, BeforeValidator(_parse_value)] = Field(default=None, repr=False)
    min_count: Count | None = None
    max_count: Count | None = None
    min_share: Share = None
    max_share: Share = None
    no_lone: bool = False
    mentors: tuple[Id, ...] | None = None

    @model_validator(mode="after")
    def _check_bounds(self) -> Quota:
        if (self.min_count, self.max_count, self.min_share, self.max_share) == (None,) * 4 \
                and not self.no_lone:
            raise InvalidInputError("a quota needs a bound: min_count, max_count, min_share, "
                                    "max_share or no_lone=True")
        for low, high in (("min_count", "max_count"), ("min_share", "max_share")):
            lo, hi = getattr(self, low), getattr(self, high)
            if lo is not None and hi is not None and lo > hi:
                raise InvalidInputError(f"{low} {lo} exceeds {high} {hi}")
        return self

    @property
    def sensitive(self) -> bool:
        """Whether the attribute is sensitive (its values are never shown)."""
        return self.attribute in SENSITIVE_FIELDS

    def describe(self) -> str:
        """Say what the rule asks, never naming a sensitive value."""
        if self.value is None:
            of = "each value"
        elif self.sensitive:
            of = "one named value"
        else:
            of = f"value {self.value!r}"
        parts = []
        if self.min_count is not None:
            parts.append(f"at least {self.min_count}")
        if self.max_count is not None:
            parts.append(f"at most {self.max_count}")
        if self.min_share is not None:
            parts.append(f"at least {self.min_share:.0%}")
        if self.max_share is not None:
            parts.append(f"at most {self.max_share:.0%}")
        text = f"{' and '.join(parts)} of {of}" if parts else ""
        if self.no_lone:
            lone = "no lone member" if self.value is None else f"no lone member of {of}"
            text = f"{text}, {lone}" if text else lone
        who = "" if self.mentors is None else f" (mentors {', '.join(self.mentors[:5])}" + (
            f" and {len(self.mentors) - 5} more)" if len(self.mentors) > 5 else ")")
        return f"{self.attribute}{who}: {text}"
