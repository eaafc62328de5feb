"""Topic names: one normal form, and an optional vocabulary that catches typos."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mentormatch.errors import InvalidInputError, UnknownTopicError

__all__ = ["PILOT_TOPICS", "TopicVocabulary", "normalize_topic"]

_DASHES = re.compile(r"[-\u2010-\u2015_]+")
_SPACES = re.compile(r"\s+")

#: Topics of the pilot survey (shared/domain), in the study's own words.
PILOT_TOPICS: tuple[str, ...] = (
    "clinical work",
    "research and scholarship",
    "work life balance",
    "teaching and curriculum development",
    "quality improvement",
    "leadership",
    "administration",
    "career development",
    "onboarding",
    "wellness",
    "transitioning to practice",
    "life long learning",
    "community advocacy",
    "psychopharmacology",
    "law and public policy",
)


def normalize_topic(topic: str) -> str:
    """Return the normal form of a topic name.

    Case, surrounding and repeated spaces, dashes and ``&`` do not distinguish
    topics: ``"Work-Life  Balance"`` and ``"work life balance"`` are one topic.

    Parameters
    ----------
    topic : str
        A topic name as typed in a survey.

    Returns
    -------
    str
        The lower-case, single-spaced form.

    Raises
    ------
    InvalidInputError
        If the name is empty once normalised.

    Examples
    --------
    >>> normalize_topic("  Teaching & Curriculum-Development ")
    'teaching and curriculum development'
    """
    text = _DASHES.sub(" ", topic.replace("&", " and ").lower())
    text = _SPACES.sub(" ", text).strip(" .,;:")
    if not text:
        raise InvalidInputError(f"empty topic name: {topic!r}")
    return text


class TopicVocabulary(BaseModel):
    """The topics a program knows, with aliases for the other spellings people use.

    Parameters
    ----------
    topics : tuple of str
        Canonical topic names (normalised on construction).
    aliases : dict of str to str, default={}
        Alternative spelling -> canonical topic.

    Examples
    --------
    >>> vocab = TopicVocabulary(topics=["clinical work", "research"],
    ...                         aliases={"scholarship": "research"})
    >>> vocab.canonical("Scholarship")
    'research'
    >>> vocab.canonical("clinical wrok")
    Traceback (most recent call last):
    ...
    mentormatch.errors.UnknownTopicError: unknown topic 'clinical wrok'; did you mean ...
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    topics: tuple[str, ...]
    aliases: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _normalise(self) -> TopicVocabulary:
        topics = tuple(dict.fromkeys(normalize_topic(t) for t in self.topics))
        known = set(topics)
        aliases: dict[str, str] = {}
        for alias, target in self.aliases.items():
            canonical = normalize_topic(target)
            if canonical not in known:
                raise UnknownTopicError(
                    f"alias {alias!r} points to {target!r}, which is not one of the topics"
                )
            aliases[normalize_topic(alias)] = canonical
        object.__setattr__(self, "topics", topics)
        object.__setattr__(self, "aliases", aliases)
        return self

    @classmethod
    def pilot(cls) -> TopicVocabulary:
        """Return the vocabulary of the pilot study, with common aliases.

        Examples
        --------
        >>> TopicVocabulary.pilot().canonical("QI")
        'quality improvement'
        """
        return cls(
            topics=PILOT_TOPICS,
            aliases={
                "clinical": "clinical work",
                "research": "research and scholarship",
                "scholarship": "research and scholarship",
                "teaching": "teaching and curriculum development",
                "curriculum development": "teaching and curriculum development",
                "qi": "quality improvement",
                "work life": "work life balance",
                "wellbeing": "wellness",
                "admin": "administration",
            },
        )

    def canonical(self, topic: str, *, where: str = "") -> str:
        """Map a topic name to its canonical form, or raise with the closest suggestion.

        Parameters
        ----------
        topic : str
            The name to look up.
        where : str, default=""
            Context for the error message, such as ``"mentee 'e1'"``.

        Returns
        -------
        str
            The canonical topic.

        Raises
        ------
        UnknownTopicError
            If the topic is neither a topic nor an alias.

        Examples
        --------
        >>> TopicVocabulary(topics=["leadership"]).canonical("Leadership")
        'leadership'
        """
        name = normalize_topic(topic)
        if name in self.aliases:
            return self.aliases[name]
        if name in self.topics:
            return name
        candidates = [*self.topics, *self.aliases]
        close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
        hint = f"; did you mean {self.aliases.get(close[0], close[0])!r}?" if close else (
            f"; known topics: {', '.join(self.topics)}"
        )
        prefix = f"{where}: " if where else ""
        raise UnknownTopicError(f"{prefix}unknown topic {topic!r}{hint}")

    def canonical_weights(self, weights: Mapping[str, float], *,
                          where: str = "") -> dict[str, float]:
        """Map every topic of a ``{topic: weight}`` mapping to canonical form.

        Two spellings of one topic keep the larger weight.

        Examples
        --------
        >>> TopicVocabulary.pilot().canonical_weights({"QI": 1.0, "Teaching": 0.5})
        {'quality improvement': 1.0, 'teaching and curriculum development': 0.5}
        """
        out: dict[str, float] = {}
        for topic, weight in weights.items():
            name = self.canonical(topic, where=where)
            out[name] = max(weight, out.get(name, 0.0))
        return out


def topic_index(topic_sets: Iterable[Iterable[str]]) -> dict[str, int]:
    """Return an index of every distinct topic, numbered by first appearance."""
    index: dict[str, int] = {}
    for topics in topic_sets:
        for topic in topics:
            index.setdefault(topic, len(index))
    return index
