"""Pydantic models of the people in a program and the constraints between them.

Validation happens here, once, at the edge: everything downstream (scoring,
problems, solvers) assumes a valid :class:`Cohort`.
"""

from __future__ import annotations

import math
import numbers
from collections import Counter
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Annotated, Any

import numpy as np
from numpy.typing import NDArray
from pydantic import (
    BeforeValidator,
    Field,
    field_validator,
    model_validator,
)

from mentormatch.errors import (
    ConstraintConflictError,
    DuplicateIdError,
    InvalidInputError,
    UnknownIdError,
    UnknownTopicError,
    shorten,
)
from mentormatch.models._availability import Schedule, Slot, parse_slots
from mentormatch.models._base import (
    MAX_COUNT,
    SENSITIVE_FIELDS,
    Count,
    Id,
    ValidatedModel,
    normalize_id,
)
from mentormatch.models._quota import Quota
from mentormatch.topics import TopicVocabulary, normalize_topic

from ._must_haves import MustHave, OwnedRules, parse_must_have

__all__ = [
    "CareerStage",
    "Count",
    "Id",
    "Cohort",
    "Mentee",
    "Mentor",
    "MentorshipType",
    "MAX_COUNT",
    "Modality",
    "SENSITIVE_FIELDS",
    "ValidatedModel",
    "normalize_id",
]


class MentorshipType(StrEnum):
    """Kinds of mentorship the survey asks about."""

    ONE_TO_ONE = "one_to_one"
    GROUP = "group"
    PEER = "peer"
    TASK_FOCUSED = "task_focused"


class Modality(StrEnum):
    """How a pair would meet."""

    IN_PERSON = "in_person"
    ONLINE = "online"
    PHONE = "phone"


class CareerStage(StrEnum):
    """Career stage of a faculty member."""

    EARLY = "early"
    MID = "mid"
    LATE = "late"


TYPE_ALIASES = {
    "one to one": "one_to_one", "1:1": "one_to_one", "1 to 1": "one_to_one",
    "dyadic": "one_to_one", "individual": "one_to_one", "one on one": "one_to_one",
    "group": "group", "peer": "peer", "task focused": "task_focused", "task": "task_focused",
}
MODALITY_ALIASES = {
    "in person": "in_person", "face to face": "in_person", "online": "online",
    "video": "online", "zoom": "online", "virtual": "online", "phone": "phone",
    "telephone": "phone",
}


def _enum_list(aliases: dict[str, str], kind: str) -> Any:
    def parse(value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple | set | frozenset):
            return value
        out = []
        for item in value:
            if isinstance(item, StrEnum):
                out.append(item.value)
                continue
            key = normalize_topic(str(item))
            if key not in aliases:
                known = ", ".join(sorted(set(aliases.values())))
                raise UnknownTopicError(f"unknown {kind} {item!r}; expected one of: {known}")
            out.append(aliases[key])
        return tuple(dict.fromkeys(out))

    return BeforeValidator(parse)


def _parse_topics(value: Any) -> Any:
    """Accept a list of topics (weight 1 each) or a ``{topic: weight}`` mapping."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list | tuple | set | frozenset):
        value = {str(t): 1.0 for t in value}
    if not isinstance(value, Mapping):
        return value
    out: dict[str, float] = {}
    for topic, weight in value.items():
        if isinstance(weight, bool | np.bool_) or not isinstance(weight, numbers.Real):
            raise InvalidInputError(f"topic {topic!r}: weight must be a number, got "
                                    f"{shorten(weight)}")
        weight = float(weight)
        if not math.isfinite(weight) or weight < 0 or weight > MAX_TOPIC_WEIGHT:
            raise InvalidInputError(f"topic {shorten(topic)}: weight must be finite, >= 0 and "
                                    f"<= {MAX_TOPIC_WEIGHT:g}, got {weight!r}")
        if weight == 0:
            continue  # "not interested" on a Likert scale
        name = normalize_topic(str(topic))
        out[name] = max(float(weight), out.get(name, 0.0))
    return out


# Both accepted forms appear in the JSON Schema (web form builders read it).
Topics = Annotated[dict[str, float], BeforeValidator(
    _parse_topics, json_schema_input_type=list[str] | dict[str, Annotated[float, Field(ge=0)]])]
Types = Annotated[tuple[MentorshipType, ...], _enum_list(TYPE_ALIASES, "mentorship type")]
Modalities = Annotated[tuple[Modality, ...], _enum_list(MODALITY_ALIASES, "meeting modality")]
#: Largest topic weight: sums over a person's topics stay finite.
MAX_TOPIC_WEIGHT = 1e6



def _parse_task_topics(value: Any) -> Any:
    """Accept one topic or a list of topics (one short-term request each), normalised."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return value
    return tuple(dict.fromkeys(normalize_topic(str(t)) for t in value))


TaskTopics = Annotated[tuple[str, ...], BeforeValidator(_parse_task_topics)]


class _Person(ValidatedModel):
    id: Annotated[Id, Field(min_length=1)]
    name: str | None = None
    email: str | None = None
    topics: Topics = Field(default_factory=dict)
    other_topics: str | None = None
    types: Types = ()
    modalities: Modalities = ()
    division: str | None = None
    site: str | None = None
    career_stage: CareerStage | None = None
    # A category such as "PhD", "postdoc", "clinical": read by "mentee track" must-haves.
    track: str | None = None
    newcomer: bool = False
    # Newcomer-buddy round: been through licensing/credentialing abroad; relocated here.
    trained_abroad: bool = False
    relocated: bool = False
    supervisors: tuple[Id, ...] = ()
    # Sensitive: used only for concordance the person asked for; never shown in repr.
    gender: str | None = Field(default=None, repr=False)
    background: str | None = Field(default=None, repr=False)
    concordance: tuple[str, ...] = ()
    # Ranked choices: ids of the other side, first choice first (see Mentee / Mentor).
    choices: tuple[Id, ...] = ()

    @field_validator("choices")
    @classmethod
    def _distinct_choices(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        value = tuple(v.strip() for v in value)
        for k, ident in enumerate(value):
            if not ident:
                raise InvalidInputError(f"choice {k + 1} is blank")
            if ident in value[:k]:
                raise InvalidInputError(f"{ident!r} is ranked twice (choices "
                                        f"{value.index(ident) + 1} and {k + 1})")
        return value

    # Weekly slots in the local time of the person's site (see models/_availability.py).
    availability: Annotated[tuple[Slot, ...], BeforeValidator(parse_slots)] = ()

    @field_validator("id")
    @classmethod
    def _strip_id(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise InvalidInputError("id must not be blank")
        return value

    @field_validator("concordance")
    @classmethod
    def _known_concordance(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if item not in ("gender", "background"):
                raise InvalidInputError(
                    f"concordance can be asked on 'gender' or 'background', not {item!r}"
                )
        return value

    @property
    def track_key(self) -> str | None:
        """The track as a "mentee track" must-have reads it (normalised), or None.

        Raises :class:`InvalidInputError` for a track with no letters or digits.
        """
        return None if self.track is None else normalize_topic(self.track)


class Mentee(_Person):
    """A person asking for mentorship.

    Parameters
    ----------
    id : str
        Unique among mentees.
    topics : list of str or dict of str to float
        Topics wanted; a mapping gives each a weight (0 drops the topic).
    types : list of MentorshipType or str, default=()
        Preferred kinds of mentorship (``"one_to_one"``, ``"group"``, ...).
    demand : int, default=1
        How many mentors this person would like.
    tasks : list of str, default=()
        Topics of short-term, task-focused requests ("a mentor for my QI project
        this term"), each matched on its own by :func:`mentormatch.match_tasks`.
    choices : tuple of str, default=()
        Mentor ids this person ranked, first choice first ("1st/2nd/3rd choice of
        mentor"); they feed :class:`mentormatch.scoring.ChoiceScorer` and head
        this mentee's preference order in stable matching.
    name, email, division, site, career_stage, newcomer, modalities, supervisors
        Optional attributes; ``supervisors`` are ids of people who supervise this
        person, never matched as their mentor.
    track : str, optional
        A category such as "PhD", "postdoc" or "clinical"; a mentor's must-have
        "mentee track must be phd" reads it.
    trained_abroad, relocated : bool, default=False
        Trained in another country (licensing, credentialing); moved to the region.
        Used by the newcomer-buddy round (:func:`mentormatch.match_buddies`).

    Examples
    --------
    >>> e = Mentee(id="e1", topics=["Clinical Work", "QI"], types=["one-to-one"], demand=2)
    >>> e.topics, e.types, e.demand
    ({'clinical work': 1.0, 'qi': 1.0}, (<MentorshipType.ONE_TO_ONE: 'one_to_one'>,), 2)
    """

    demand: Count = 1
    tasks: TaskTopics = ()


class Mentor(_Person):
    """A person offering mentorship.

    Parameters
    ----------
    id : str
        Unique among mentors.
    topics : list of str or dict of str to float
        Topics offered.
    types : list of MentorshipType or str, default=()
        Kinds of mentorship offered.
    capacity : int, default=1
        How many mentees this person can take.
    choices : tuple of str, default=()
        Mentee ids this mentor ranked, first choice first; they feed
        :class:`mentormatch.scoring.ChoiceScorer` and head this mentor's
        preference order in stable matching.
    leads_divisions : tuple of str, default=()
        Divisions over which this mentor holds a leadership role.
    buddy_capacity : int, default=1
        Newcomers this person can buddy; only people who are ``trained_abroad``
        or ``relocated`` themselves are ever chosen as buddies.
    task_capacity : int, optional
        Places for short-term task-focused requests, separate from ``capacity``;
        ``None`` means 1 if ``types`` include task-focused mentorship, else 0.
    tasks_use_capacity : bool, default=False
        Whether task requests may also use places of ``capacity`` left free by
        the long-term match (the mentor says so).
    min_load : int, default=0
        Mentees this mentor should receive at least (at most ``capacity``);
        solvers that support it (``"flow"``, ``"ilp"``) meet it or raise
        :class:`InfeasibleError`.

    Examples
    --------
    >>> Mentor(id="r1", topics={"research": 1.0}, capacity=2).capacity
    2
    >>> Mentor(id="r2", capacity=1, min_load=2)
    Traceback (most recent call last):
    ...
    mentormatch.errors.ConstraintConflictError: Mentor 'r2': min_load 2 exceeds capacity 1
    """

    capacity: Count = 1
    leads_divisions: tuple[str, ...] = ()
    buddy_capacity: Count = 1
    task_capacity: Count | None = None
    tasks_use_capacity: bool = False
    min_load: Count = 0

    @model_validator(mode="after")
    def _min_load_within_capacity(self) -> Mentor:
        if self.min_load > self.capacity:
            raise ConstraintConflictError(
                f"min_load {self.min_load} exceeds capacity {self.capacity}"
            )
        return self



def _parse_must_haves(value: Any) -> Any:
    """Accept rules in words ("same site"), as dicts or as :class:`MustHave`."""
    if isinstance(value, str | MustHave | Mapping):
        value = [value]
    if not isinstance(value, list | tuple):
        return value
    return tuple(parse_must_have(v) if isinstance(v, str)
                 else MustHave(**v) if isinstance(v, Mapping) else v for v in value)


# Rules in words appear in the JSON Schema beside the object form (form builders read it).
MustHaves = Annotated[tuple[MustHave, ...], BeforeValidator(
    _parse_must_haves, json_schema_input_type=list[str | MustHave])]


class Cohort(ValidatedModel):
    """Mentees, mentors and the pairs a director has forbidden or locked.

    Construction validates across people: unique ids, constraints naming known
    ids, no pair both locked and forbidden, locks within demand and capacity.
    Supervisor relations (in either direction) are forbidden pairs; with a
    vocabulary, every topic must be known.

    Parameters
    ----------
    mentees, mentors : sequence of Mentee, Mentor
    forbidden, locked : sequence of (mentee_id, mentor_id), default=()
    vocabulary : TopicVocabulary, optional
        When given, topics are mapped to canonical names and unknown ones raise.
    must_haves : sequence of MustHave or str, default=()
        Hard rules on every pair, program-wide or for one mentee ("same site",
        ``MustHave.parse("mentor must offer research", mentee="e7")``); a pair
        breaking one is never matched in the long-term match. A locked pair
        that breaks one is a :class:`ConstraintConflictError`.
    schedule : Schedule, optional
        Work hours, site time zones and the must-share-a-slot rule, read with
        each person's ``availability``; a locked pair that breaks the rule is
        refused.
    quotas : sequence of Quota, default=()
        Rules on the make-up of each mentor's group (:class:`~mentormatch.Quota`);
        only solvers declaring ``quotas`` (``"ilp"``) take such a cohort.

    Examples
    --------
    >>> c = Cohort(mentees=[Mentee(id="e1", topics=["teaching"])],
    ...            mentors=[Mentor(id="r1", topics=["teaching"]),
    ...                     Mentor(id="r2", topics=["teaching"])],
    ...            forbidden=[("e1", "r2")])
    >>> c.mentee_ids, c.is_forbidden("e1", "r2")
    (('e1',), True)
    >>> Cohort(mentees=[Mentee(id="e1")], mentors=[], locked=[("e1", "r9")])
    Traceback (most recent call last):
    ...
    mentormatch.errors.UnknownIdError: Cohort: locked[0]: unknown mentor id 'r9'
    """

    mentees: tuple[Mentee, ...]
    mentors: tuple[Mentor, ...]
    forbidden: tuple[tuple[Id, Id], ...] = ()
    locked: tuple[tuple[Id, Id], ...] = ()
    vocabulary: TopicVocabulary | None = None
    must_haves: MustHaves = ()
    schedule: Schedule | None = None
    quotas: tuple[Quota, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> Cohort:
        for role, people in (("mentee", self.mentees), ("mentor", self.mentors)):
            dup = [i for i, n in Counter(p.id for p in people).items() if n > 1]
            if dup:
                rows = [k for k, p in enumerate(people) if p.id == dup[0]]
                raise DuplicateIdError(
                    f"{role} id {shorten(dup[0])} appears {len(rows)} times "
                    f"(positions {rows[:10]}{' ...' if len(rows) > 10 else ''})"
                )
        self._check_case_twins()
        mentee_pos, mentor_pos = self.mentee_index(), self.mentor_index()
        for kind in ("forbidden", "locked"):
            seen: set[tuple[str, str]] = set()
            for k, (e, r) in enumerate(getattr(self, kind)):
                if e not in mentee_pos:
                    raise UnknownIdError(f"{kind}[{k}]: unknown mentee id {e!r}")
                if r not in mentor_pos:
                    raise UnknownIdError(f"{kind}[{k}]: unknown mentor id {r!r}")
                if (e, r) in seen:
                    raise ConstraintConflictError(f"{kind}[{k}]: pair ({e!r}, {r!r}) listed twice")
                seen.add((e, r))
        self._check_choices(mentee_pos, mentor_pos)
        excluded = self.excluded_pairs()
        for k, (e, r) in enumerate(self.locked):
            if (e, r) in excluded:
                raise ConstraintConflictError(
                    f"locked[{k}]: pair ({e!r}, {r!r}) is also excluded ({excluded[(e, r)]})"
                )
        for role, people, pos, field, limit in (
            ("mentee", self.mentees, mentee_pos, 0, "demand"),
            ("mentor", self.mentors, mentor_pos, 1, "capacity"),
        ):
            counts = Counter(pair[field] for pair in self.locked)
            for ident, n in counts.items():
                allowed = getattr(people[pos[ident]], limit)
                if n > allowed:
                    raise ConstraintConflictError(
                        f"{role} {ident!r} has {n} locked pairs but {limit} {allowed}"
                    )
        for k, quota in enumerate(self.quotas):
            for r in quota.mentors or ():
                if r not in mentor_pos:
                    raise UnknownIdError(f"quotas[{k}]: unknown mentor id {r!r}")
        if self.vocabulary is not None:
            self._apply_vocabulary(self.vocabulary)
        self._check_must_haves()
        self._check_locked_slots()
        return self

    def _check_must_haves(self) -> None:
        """Known mentees, known topics (with a vocabulary), and no locked pair breaking one."""
        rules = []
        pos, mentors = self.mentee_index(), self.mentor_index()
        for k, rule in enumerate(self.must_haves):
            if rule.mentee is not None and rule.mentee not in pos:
                raise UnknownIdError(f"must_haves[{k}]: unknown mentee id {rule.mentee!r}",
                                     rule=k)
            if rule.mentor is not None and rule.mentor not in mentors:
                raise UnknownIdError(f"must_haves[{k}]: unknown mentor id {rule.mentor!r}",
                                     rule=k)
            if rule.topic is not None and self.vocabulary is not None:
                try:
                    topic = self.vocabulary.canonical(rule.topic, where=f"must_haves[{k}]")
                except UnknownTopicError as exc:
                    raise UnknownTopicError(str(exc), rule=k) from None
                rule = rule.model_copy(update={"topic": topic})
            rules.append(rule)
        object.__setattr__(self, "must_haves", tuple(rules))
        if any(rule.kind == "mentee_track" for rule in rules):
            self._check_tracks()
        if not self.locked:
            return
        # Each lock meets its own rules only (a survey may give one rule per person).
        owned = OwnedRules.of(rules, pos, mentors)
        for k, (e, r) in enumerate(self.locked):
            i, j = pos[e], mentors[r]
            mentee, mentor = self.mentees[i], self.mentors[j]
            for rule in (rules[q] for q in owned.for_pair(i, j)):
                if not rule.holds(mentee, mentor):
                    raise ConstraintConflictError(
                        f"locked[{k}]: pair ({e!r}, {r!r}) breaks the must-have "
                        f"'{rule}': {r} {rule.failure(mentee, mentor)}")

    def _check_tracks(self) -> None:
        """Refuse a track a "mentee track" must-have cannot read (no letters or digits)."""
        for mentee in self.mentees:
            if mentee.track is None:
                continue
            try:
                normalize_topic(mentee.track)  # what track_key reads
            except InvalidInputError:
                raise InvalidInputError(
                    f"mentee {shorten(mentee.id)}: track {shorten(mentee.track)} has no letters "
                    "or digits, so a 'mentee track' must-have cannot read it (leave it blank "
                    "when the mentee has no track)") from None

    def _check_choices(self, mentee_pos: dict[str, int], mentor_pos: dict[str, int]) -> None:
        """Refuse a ranked choice naming nobody on the other side."""
        for role, people, other, known in (("mentee", self.mentees, "mentor", mentor_pos),
                                           ("mentor", self.mentors, "mentee", mentee_pos)):
            for p in people:
                for k, ident in enumerate(p.choices):
                    if ident not in known:
                        raise UnknownIdError(
                            f"{role} {shorten(p.id)} ranks unknown {other} id {shorten(ident)} "
                            f"(choice {k + 1})")

    def _check_locked_slots(self) -> None:
        """Refuse a locked pair without a common slot when the schedule requires one."""
        if self.schedule is None or not self.schedule.require_common_slot:
            return
        for k, (e, r) in enumerate(self.locked):
            mentee, mentor = self.mentee(e), self.mentor(r)
            if not self.schedule.shares_slot(mentee.availability, mentee.site,
                                             mentor.availability, mentor.site):
                raise ConstraintConflictError(
                    f"locked[{k}]: pair ({e!r}, {r!r}) shares no {self.schedule.meeting_minutes}"
                    "-minute slot within work hours, which the schedule requires")

    def _check_case_twins(self) -> None:
        """Refuse two ids that differ only by case: one person, or two? Nobody can tell."""
        spellings: dict[str, dict[str, str]] = {}
        for role, people in (("mentee", self.mentees), ("mentor", self.mentors)):
            for p in people:
                spellings.setdefault(p.id.casefold(), {}).setdefault(p.id, role)
        for found in spellings.values():
            if len(found) > 1:
                (a, role_a), (b, role_b) = list(found.items())[:2]
                raise DuplicateIdError(
                    f"{role_a} id {shorten(a)} and {role_b} id {shorten(b)} differ only by "
                    "case: give them distinct ids, or the same id if they are one person")

    def _apply_vocabulary(self, vocab: TopicVocabulary) -> None:
        for field in ("mentees", "mentors"):
            people = tuple(
                p.model_copy(update={
                    "topics": vocab.canonical_weights(p.topics, where=f"{field[:-1]} {p.id!r}")
                })
                for p in getattr(self, field)
            )
            object.__setattr__(self, field, people)

    def excluded_pairs(self) -> dict[tuple[str, str], str]:
        """Return every pair that may never be matched, with why.

        Forbidden pairs, supervisor relations (either direction) and a person
        paired with themselves.

        Examples
        --------
        >>> c = Cohort(mentees=[Mentee(id="e1", supervisors=("r1",))],
        ...            mentors=[Mentor(id="r1")])
        >>> c.excluded_pairs()
        {('e1', 'r1'): 'r1 supervises e1'}
        """
        mentor_ids = set(self.mentor_ids)
        out: dict[tuple[str, str], str] = {}
        for pair in self.forbidden:
            out[pair] = "forbidden by the director"
        for pair, why in self.supervision_pairs().items():
            out.setdefault(pair, why)
        for mentee in self.mentees:
            if mentee.id in mentor_ids:
                out.setdefault((mentee.id, mentee.id), "same person")
        return out

    def supervision_pairs(self) -> dict[tuple[str, str], str]:
        """Return every (mentee, mentor) pair in a supervisor relation, with who supervises whom.

        A relation counts in either direction (the mentor supervises the mentee,
        or the other way round) when both people are in the cohort.

        Examples
        --------
        >>> c = Cohort(mentees=[Mentee(id="e1", supervisors=("r1", "x"))],
        ...            mentors=[Mentor(id="r1")])
        >>> c.supervision_pairs()
        {('e1', 'r1'): 'r1 supervises e1'}
        """
        mentor_ids = set(self.mentor_ids)
        mentee_ids = set(self.mentee_ids)
        out: dict[tuple[str, str], str] = {}
        for mentee in self.mentees:
            for sup in mentee.supervisors:
                if sup in mentor_ids:
                    out.setdefault((mentee.id, sup), f"{sup} supervises {mentee.id}")
        for mentor in self.mentors:
            for sup in mentor.supervisors:
                if sup in mentee_ids:
                    out.setdefault((sup, mentor.id), f"{sup} supervises {mentor.id}")
        return out

    @property
    def mentee_ids(self) -> tuple[str, ...]:
        """Mentee ids in input order."""
        return tuple(p.id for p in self.mentees)

    @property
    def mentor_ids(self) -> tuple[str, ...]:
        """Mentor ids in input order."""
        return tuple(p.id for p in self.mentors)

    def mentee_index(self) -> dict[str, int]:
        """Return each mentee id's position (its row in every score array)."""
        return {p.id: k for k, p in enumerate(self.mentees)}

    def mentor_index(self) -> dict[str, int]:
        """Return each mentor id's position (its column in every score array)."""
        return {p.id: k for k, p in enumerate(self.mentors)}

    def pair_indices(self, pairs: Iterable[tuple[str, str]]) -> NDArray[np.int64]:
        """Return ``(mentee, mentor)`` id pairs as index pairs, shape ``(n, 2)``.

        Raises
        ------
        UnknownIdError
            If a pair names an id that is not in the cohort.

        Examples
        --------
        >>> import mentormatch as mm
        >>> c = mm.example_cohort()
        >>> c.pair_indices(c.locked).shape[1], c.pair_indices([]).shape
        (2, (0, 2))
        """
        rows, cols = self.mentee_index(), self.mentor_index()
        out = []
        for k, (e, r) in enumerate(pairs):
            if e not in rows:
                raise UnknownIdError(f"pairs[{k}]: unknown mentee id {e!r}")
            if r not in cols:
                raise UnknownIdError(f"pairs[{k}]: unknown mentor id {r!r}")
            out.append((rows[e], cols[r]))
        return np.array(out, dtype=np.int64).reshape(-1, 2)

    def is_forbidden(self, mentee: str, mentor: str) -> bool:
        """Return whether the pair may never be matched (forbidden, supervision, self)."""
        return (mentee, mentor) in self.excluded_pairs()

    def mentee(self, ident: str) -> Mentee:
        """Return the mentee with this id; :class:`UnknownIdError` if none."""
        for p in self.mentees:
            if p.id == ident:
                return p
        raise UnknownIdError(f"unknown mentee id {ident!r}")

    def mentor(self, ident: str) -> Mentor:
        """Return the mentor with this id; :class:`UnknownIdError` if none."""
        for p in self.mentors:
            if p.id == ident:
                return p
        raise UnknownIdError(f"unknown mentor id {ident!r}")
