"""Must-haves: hard rules on a pair, for one mentee or the whole program.

A must-have is declared in words ("same site", "mentor must offer research")
or as a :class:`MustHave`; a pair that breaks one is never matched (the cohort
turns the rules into an allowed-pair mask before solving). A rule about an
attribute needs it on both sides: a pair where it is unknown does not meet the
rule, and diagnosis says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import pydantic
from pydantic import BaseModel, ConfigDict, model_validator

from mentormatch.errors import InvalidInputError, shorten
from mentormatch.topics import normalize_topic

__all__ = ["MUST_HAVE_PHRASES", "MustHave", "MustHaveKind", "OwnedRules", "STAGE_ORDER",
           "parse_must_have"]

MustHaveKind = Literal["mentor_offers", "same_site", "different_site", "same_division",
                       "different_division", "no_shared_supervisor", "later_career_stage",
                       "mentee_track", "mentee_stage"]

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
_MENTEE_IS = re.compile(r"^(?:the )?mentee (?P<attr>track|career stage) (?:must be|is) "
                        r"(?P<values>.+)$")
_ATTR = {"track": "mentee_track", "career stage": "mentee_stage"}
_AS_WRITTEN = re.compile(r"\b(?:must\s+be|is|offers?)\s+(?P<rest>.+?)[\s.!?]*$",
                         re.IGNORECASE | re.DOTALL)

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
    def track(self) -> str | None: ...
    @property
    def track_key(self) -> str | None: ...
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
        ``"later_career_stage"`` (early < mid < late); on the mentee alone,
        ``"mentee_track"`` and ``"mentee_stage"`` (needs ``values``: the mentee's
        ``track`` or ``career_stage`` must be one of them).
    topic : str, optional
        The topic the mentor must offer.
    values : tuple of str, default=()
        The tracks (compared like topics: case, accents and spaces ignored) or
        career stages a mentee must have.
    mentee : str, optional
        The mentee whose must-have this is; ``None``: every mentee.
    mentor : str, optional
        The mentor whose must-have this is ("PhD mentees only"): the rule binds
        only pairs with this mentor. At most one of ``mentee`` and ``mentor``.

    Examples
    --------
    >>> rule = MustHave.parse("Mentor must offer Research", mentee="e7")
    >>> rule.kind, rule.topic, str(rule)
    ('mentor_offers', 'research', "e7's must-have: mentor must offer research")
    >>> str(MustHave.parse("same site"))
    'same site'
    >>> str(MustHave(kind="mentee_track", values=["PhD"], mentor="r1"))
    "r1's must-have: mentee track must be phd"
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: MustHaveKind
    topic: str | None = None
    values: tuple[str, ...] = ()
    mentee: str | None = None
    mentor: str | None = None

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
        if self.kind.startswith("mentee_") != bool(self.values):
            raise InvalidInputError(f"must-have {self.kind!r}: values are needed exactly "
                                    "when the kind is 'mentee_track' or 'mentee_stage'")
        if self.kind == "mentee_track":
            object.__setattr__(self, "values",
                               tuple(dict.fromkeys(normalize_topic(v) for v in self.values)))
        if self.kind == "mentee_stage":
            bad = [v for v in self.values if v not in STAGE_ORDER]
            if bad:
                raise InvalidInputError(f"must-have 'mentee_stage': unknown career stage "
                                        f"{shorten(bad[0])}; expected early, mid or late")
            object.__setattr__(self, "values", tuple(dict.fromkeys(self.values)))
        if self.mentee is not None and self.mentor is not None:
            raise InvalidInputError(f"must-have {self.kind!r}: give a mentee or a mentor "
                                    "whose rule it is, not both")
        return self

    @classmethod
    def parse(cls, text: str, *, mentee: str | None = None,
              mentor: str | None = None) -> MustHave:
        """Read a rule written in words (see :func:`parse_must_have`)."""
        return parse_must_have(text, mentee=mentee, mentor=mentor)

    @property
    def rule(self) -> str:
        """The rule in words, without whose it is."""
        if self.kind == "mentor_offers":
            return f"mentor must offer {self.topic}"
        if self.kind.startswith("mentee_"):
            return f"mentee {self._attribute} must be {' or '.join(self.values)}"
        return _TEXT[self.kind]

    @property
    def _attribute(self) -> str:
        return "track" if self.kind == "mentee_track" else "career stage"

    @property
    def owner(self) -> str | None:
        """The mentee or mentor whose must-have this is (``None``: program-wide)."""
        return self.mentee if self.mentee is not None else self.mentor

    def __str__(self) -> str:
        return self.rule if self.owner is None else f"{self.owner}'s must-have: {self.rule}"

    def holds(self, mentee: _PersonLike, mentor: _PersonLike) -> bool:
        """Whether the pair meets this rule (an unknown attribute does not meet it).

        A mentor's rule holds on every pair with another mentor.
        """
        kind = self.kind
        if self.mentor is not None and mentor.id != self.mentor:
            return True
        if kind == "mentor_offers":
            return self.topic in mentor.topics
        if kind == "mentee_track":
            return mentee.track_key in self.values
        if kind == "mentee_stage":
            return str(mentee.career_stage or "") in self.values
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
        if kind.startswith("mentee_"):
            unknown = (mentee.track if kind == "mentee_track" else mentee.career_stage) is None
            return (f"takes only mentees whose {self._attribute} is {' or '.join(self.values)}"
                    + (f", and {mentee.id}'s is not known" if unknown else ""))
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
        if kind.startswith("mentee_"):
            return "accepts them"
        return {"same_site": "is at the same site", "different_site": "is at another site",
                "same_division": "is in the same division",
                "different_division": "is in another division",
                "no_shared_supervisor": "shares no supervisor with them",
                "later_career_stage": "is at a later career stage"}[kind]


@dataclass(frozen=True)
class OwnedRules:
    """Must-have indices by whose rule each is, so a pair's rules are looked up, not searched.

    Checking many pairs against many owned rules stays linear: a pair meets the
    program-wide rules, its mentee's own and its mentor's own, and no others.

    Attributes
    ----------
    everyone : tuple of int
        The program-wide rules.
    of_mentee, of_mentor : dict of int to tuple of int
        Each person's own rules, by their position among the mentees or mentors.

    Examples
    --------
    >>> rules = [MustHave.parse("same site"), MustHave.parse("mentor offers qi", mentee="e2"),
    ...          MustHave.parse("mentee track is phd", mentor="r1")]
    >>> owned = OwnedRules.of(rules, {"e1": 0, "e2": 1}, {"r1": 0, "r2": 1})
    >>> owned.for_pair(1, 0), owned.for_pair(0, 1)
    ((0, 1, 2), (0,))
    """

    everyone: tuple[int, ...]
    of_mentee: dict[int, tuple[int, ...]]
    of_mentor: dict[int, tuple[int, ...]]

    @classmethod
    def of(cls, rules: Sequence[MustHave], mentee_pos: Mapping[str, int],
           mentor_pos: Mapping[str, int]) -> OwnedRules:
        """Index ``rules``, their owners placed by ``mentee_pos`` and ``mentor_pos``."""
        everyone: list[int] = []
        of_mentee: dict[int, list[int]] = {}
        of_mentor: dict[int, list[int]] = {}
        for k, rule in enumerate(rules):
            if rule.mentor is not None:
                of_mentor.setdefault(mentor_pos[rule.mentor], []).append(k)
            elif rule.mentee is not None:
                of_mentee.setdefault(mentee_pos[rule.mentee], []).append(k)
            else:
                everyone.append(k)
        return cls(tuple(everyone), {i: tuple(ks) for i, ks in of_mentee.items()},
                   {j: tuple(ks) for j, ks in of_mentor.items()})

    def for_pair(self, i: int, j: int) -> tuple[int, ...]:
        """Return the rules that bind mentee ``i`` with mentor ``j``, in rule order."""
        return tuple(sorted((*self.everyone, *self.of_mentee.get(i, ()),
                             *self.of_mentor.get(j, ()))))


def _words(text: str) -> str:
    """Return ``text`` lower-cased, punctuation dropped, one space between words."""
    return " ".join(re.sub(r"[^\w\s-]", " ", text.lower()).split())


def _unquoted(text: str) -> str:
    """Return ``text`` without surrounding spaces and quotes."""
    return text.strip().strip("\"'“”‘’").strip()


def parse_must_have(text: Any, *, mentee: str | None = None,
                    mentor: str | None = None) -> MustHave:
    """Read a must-have written in words.

    The forms are ``MUST_HAVE_PHRASES``, "mentor must offer <topic>", and "mentee
    track must be <track> [or <track> ...]" / "mentee career stage must be
    early [or mid]" (usually a mentor's rule: pass ``mentor``).

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
    >>> parse_must_have("Mentee track must be PhD or MD", mentor="r1").values
    ('phd', 'md')
    """
    if not isinstance(text, str):
        raise InvalidInputError(f"a must-have is a sentence, got {shorten(text)}")
    words = _words(text)
    if words in MUST_HAVE_PHRASES:
        return MustHave(kind=MUST_HAVE_PHRASES[words], mentee=mentee, mentor=mentor)
    # The form is read from the words; the topic or values as written (a track "M.D." or a
    # topic "Q.I." compares as a person's own does), split at commas, semicolons and "or".
    written = _AS_WRITTEN.search(text)
    found = _OFFERS.match(words)
    if found:
        topic = _unquoted(written["rest"]) if written else found["topic"]
        return MustHave(kind="mentor_offers", topic=topic or found["topic"], mentee=mentee,
                        mentor=mentor)
    found = _MENTEE_IS.match(words)
    if found:
        kind = _ATTR[found["attr"]]
        pieces = re.split(r"\s*[,;]\s*|\s+or\s+", written["rest"] if written else found["values"],
                          flags=re.IGNORECASE)
        values = [_words(v) if kind == "mentee_stage" else _unquoted(v) for v in pieces]
        return MustHave(kind=kind, values=[v for v in values if v], mentee=mentee,
                        mentor=mentor)
    known = ", ".join(repr(p) for p in MUST_HAVE_PHRASES)
    raise InvalidInputError(f"unknown must-have {shorten(text)}; write 'mentor must offer "
                            f"<topic>', 'mentee track must be <track>' or one of: {known}")
