"""Must-haves: hard rules on a pair, for one mentee or the whole program.

A must-have is declared in words ("same site", "mentor must offer research")
or as a :class:`MustHave`; a pair that breaks one is never matched (the cohort
turns the rules into an allowed-pair mask before solving). A rule about an
attribute needs it on both sides: a pair where it is unknown does not meet the
rule, and diagnosis says so.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Protocol

import pydantic
from pydantic import BaseModel, ConfigDict, model_validator

from mentormatch.errors import InvalidInputError, shorten
from mentormatch.topics import normalize_topic

__all__ = ["MUST_HAVE_PHRASES", "MustHave", "MustHaveKind", "STAGE_ORDER", "parse_must_have"]

MustHaveKind = Literal["mentor_offers", "same_site", "different_site", "same_division",
                       "different_division", "no_shared_supervisor", "later_career_stage"]

#: Career stages in order, for "mentor at a later career stage than the mentee".
STAGE_ORDER = {"early": 0, "mid": 1, "late": 2}

#: Accepted wordings of each rule (lower case; punctuation and extra spaces ignored).
MUST_HAVE_PHRASES: dict[str, MustHaveKind] = {
    "same site": "same_site", "different site": "different_site",
    "not the same site": "different_site", "same division": "same_division",
    "different division": "different_division", "not the same division": "different_division",
    "not the same advisor or lab": "no_shared_supervisor",
    "not the same advisor": "no_shared_supervisor", "not the same lab": "no_shared_supervisor",
    "no shared supervisor": "no_shared_supervisor",
    "mentor at a later career stage than the mentee": "later_career_stage",
    "later career stage": "later_career_stage",
}
_OFFERS = re.compile(r"^(?:the )?mentor (?:must )?offers? (?P<topic>.+)$")

_TEXT: dict[str, str] = {
    "same_site": "same site", "different_site": "different site",
    "same_division": "same division", "different_division": "different division",
    "no_shared_supervisor": "not the same advisor or lab",
    "later_career_stage": "mentor at a later career stage than the mentee",
}


class _PersonLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def site(self) -> str | None: ...
    @property
    def division(self) -> str | None: ...
    @property
    def career_stage(self) -> Any: ...
    @property
    def supervisors(self) -> tuple[str, ...]: ...
    @property
    def topics(self) -> dict[str, float]: ...


class MustHave(BaseModel):
    """A hard rule on a (mentee, mentor) pair; ``mentee=None`` makes it program-wide.

    Parameters
    ----------
    kind : str
        ``"mentor_offers"`` (needs ``topic``), ``"same_site"``,
        ``"different_site"``, ``"same_division"``, ``"different_division"``,
        ``"no_shared_supervisor"`` (no supervisor, advisor or lab head in
        common; the cohort knows labs only through ``supervisors``) or
        ``"later_career_stage"`` (early < mid < late).
    topic : str, optional
        The topic the mentor must offer.
    mentee : str, optional
        The mentee whose must-have this is; ``None``: every mentee.

    Examples
    --------
    >>> rule = MustHave.parse("Mentor must offer Research", mentee="e7")
    >>> rule.kind, rule.topic, str(rule)
    ('mentor_offers', 'research', "e7's must-have: mentor must offer research")
    >>> str(MustHave.parse("same site"))
    'same site'
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: MustHaveKind
    topic: str | None = None
    mentee: str | None = None

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except pydantic.ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"]) or "(rule)"
            raise InvalidInputError(f"must-have, field {where!r}: {first['msg']}") from None

    @model_validator(mode="after")
    def _topic_iff_offers(self) -> MustHave:
        if (self.kind == "mentor_offers") != (self.topic is not None):
            raise InvalidInputError(f"must-have {self.kind!r}: a topic is needed exactly "
                                    "when the kind is 'mentor_offers'")
        if self.topic is not None:
            object.__setattr__(self, "topic", normalize_topic(self.topic))
        return self

    @classmethod
    def parse(cls, text: str, *, mentee: str | None = None) -> MustHave:
        """Read a rule written in words (see ``MUST_HAVE_PHRASES``, or "mentor must offer X")."""
        return parse_must_have(text, mentee=mentee)

    @property
    def rule(self) -> str:
        """The rule in words, without whose it is."""
        if self.kind == "mentor_offers":
            return f"mentor must offer {self.topic}"
        return _TEXT[self.kind]

    def __str__(self) -> str:
        return self.rule if self.mentee is None else f"{self.mentee}'s must-have: {self.rule}"

    def holds(self, mentee: _PersonLike, mentor: _PersonLike) -> bool:
        """Whether the pair meets this rule (an unknown attribute does not meet it)."""
        kind = self.kind
        if kind == "mentor_offers":
            return self.topic in mentor.topics
        if kind in ("same_site", "different_site"):
            a, b = mentee.site, mentor.site
        elif kind in ("same_division", "different_division"):
            a, b = mentee.division, mentor.division
        elif kind == "no_shared_supervisor":
            return not set(mentee.supervisors) & set(mentor.supervisors)
        else:
            sa = STAGE_ORDER.get(str(mentee.career_stage or ""), -1)
            sb = STAGE_ORDER.get(str(mentor.career_stage or ""), -1)
            return sa >= 0 and sb > sa
        if a is None or b is None:
            return False
        return (a == b) == kind.startswith("same")

    def failure(self, mentee: _PersonLike, mentor: _PersonLike) -> str:
        """Why ``mentor`` does not meet this rule for ``mentee``, in a few words."""
        kind = self.kind
        if kind == "mentor_offers":
            return f"does not offer {self.topic}"
        if kind == "no_shared_supervisor":
            return f"shares a supervisor with {mentee.id}"
        if kind == "later_career_stage":
            if mentor.career_stage is None or mentee.career_stage is None:
                return "has no known career stage to compare"
            return "is not at a later career stage"
        attr = "site" if kind.endswith("site") else "division"
        if getattr(mentee, attr) is None or getattr(mentor, attr) is None:
            return f"has no known {attr} to compare"
        return f"is at another {attr}" if kind.startswith("same") else f"is in the same {attr}"

    def success(self) -> str:
        """Say what a mentor meeting this rule does, in a few words ("offers research")."""
        kind = self.kind
        if kind == "mentor_offers":
            return f"offers {self.topic}"
        return {"same_site": "is at the same site", "different_site": "is at another site",
                "same_division": "is in the same division",
                "different_division": "is in another division",
                "no_shared_supervisor": "shares no supervisor with them",
                "later_career_stage": "is at a later career stage"}[kind]


def parse_must_have(text: Any, *, mentee: str | None = None) -> MustHave:
    """Read a must-have written in words.

    Raises
    ------
    InvalidInputError
        For wording that is not one of the accepted forms (they are listed).

    Examples
    --------
    >>> parse_must_have("Not the same advisor or lab").kind
    'no_shared_supervisor'
    >>> parse_must_have("mentor offers QI", mentee="e1").topic
    'qi'
    """
    if not isinstance(text, str):
        raise InvalidInputError(f"a must-have is a sentence, got {shorten(text)}")
    words = " ".join(re.sub(r"[^\w\s-]", " ", text.lower()).split())
    if words in MUST_HAVE_PHRASES:
        return MustHave(kind=MUST_HAVE_PHRASES[words], mentee=mentee)
    found = _OFFERS.match(words)
    if found:
        return MustHave(kind="mentor_offers", topic=found["topic"], mentee=mentee)
    known = ", ".join(repr(p) for p in MUST_HAVE_PHRASES)
    raise InvalidInputError(f"unknown must-have {shorten(text)}; write 'mentor must offer "
                            f"<topic>' or one of: {known}")
