"""Built-in scorers: topic fit, type, modality, same attribute, concordance, ranked choices.

Each scorer names its criteria, their weights and the words of their reasons;
the formulas are the kernels' (:mod:`._topic_fit`, :mod:`._coded`), which the
block-by-block and the per-pair paths compute too.
"""

from __future__ import annotations

from collections.abc import Sequence

from mentormatch.errors import InvalidInputError, shorten
from mentormatch.models import SENSITIVE_FIELDS, Cohort
from mentormatch.scoring._base import Scorer, ScoreTable, WeightedScorer, join_words
from mentormatch.scoring._coded import (
    CodedCriterion,
    concordance_criterion,
    same_value_criterion,
    set_match_criterion,
)
from mentormatch.scoring._ranked import RankedChoices
from mentormatch.scoring._topic_fit import TopicFit, TopicMatrices

__all__ = [
    "AttributeScorer",
    "CHOICE_WEIGHT",
    "ChoiceScorer",
    "ConcordanceScorer",
    "Kernels",
    "ModalityScorer",
    "TopicScorer",
    "TypeScorer",
    "default_scorer",
    "has_choices",
    "table_of",
]

#: A built-in scorer's criteria: each one's kernel and its weight in the scorer's table.
Kernels = tuple[tuple[TopicFit | CodedCriterion | RankedChoices, float], ...]


def table_of(kernels: Kernels) -> ScoreTable:
    """Return the score table of whole-cohort criteria computed by ``kernels``."""
    return ScoreTable(tuple((kernel.criterion(), weight) for kernel, weight in kernels))


class TopicScorer:
    """Topic fit: how much of what the mentee asked for the mentor offers.

    The mentee's view is the asked weight the mentor offers, over all asked
    weight; the mentor's view is the share of the mentor's offered weight the
    mentee asks for. Both lie in [0, 1].

    Examples
    --------
    >>> from mentormatch import Cohort, Mentee, Mentor
    >>> c = Cohort(mentees=[Mentee(id="e", topics=["a", "b"])],
    ...            mentors=[Mentor(id="r", topics=["a", "c", "d", "e"])])
    >>> t = TopicScorer().score(c).criteria[0][0]
    >>> float(t.mentee_view[0, 0]), float(t.mentor_view[0, 0])
    (0.5, 0.25)
    """

    name = "topics"

    def score(self, cohort: Cohort) -> ScoreTable:
        """Score every pair by topic fit."""
        return table_of(self.kernels(cohort))

    def kernels(self, cohort: Cohort, topics: TopicMatrices | None = None) -> Kernels:
        """Return the criterion's kernel (``topics``: the cohort's matrices, if already built)."""
        return ((TopicFit(topics if topics is not None else TopicMatrices.of(cohort),
                          self.name), 1.0),)


def _type_reason(mentee: Sequence[str], mentor: Sequence[str]) -> str | None:
    shared = [t for t in mentee if t in mentor]
    if shared:
        return f"both prefer {join_words(shared)}"
    if mentee and mentor:
        return f"mentee prefers {join_words(mentee)}; mentor offers {join_words(mentor)}"
    return None


def _modality_reason(mentee: Sequence[str], mentor: Sequence[str]) -> str | None:
    shared = [m for m in mentee if m in mentor]
    if shared:
        return f"both can meet {join_words(shared).replace('-', ' ')}"
    if mentee and mentor:
        return "no meeting modality in common"
    return None


class TypeScorer:
    """Mentorship-type compatibility (one-to-one, group, peer, task-focused).

    1 when mentee and mentor share a type, 0.5 when either stated none, else 0.

    Examples
    --------
    >>> from mentormatch import Cohort, Mentee, Mentor
    >>> c = Cohort(mentees=[Mentee(id="e", types=["one_to_one"])],
    ...            mentors=[Mentor(id="r", types=["one_to_one", "group"])])
    >>> TypeScorer().score(c).reasons(0, 0)
    ('both prefer one-to-one',)
    """

    name = "types"

    def score(self, cohort: Cohort) -> ScoreTable:
        """Score every pair by shared mentorship type."""
        return table_of(self.kernels(cohort))

    def kernels(self, cohort: Cohort, topics: TopicMatrices | None = None) -> Kernels:
        """Return the criterion's kernel (``topics`` is not read)."""
        return ((set_match_criterion(cohort, "types", self.name, _type_reason), 1.0),)


class ModalityScorer:
    """Meeting modality fit (in person, online, phone); scored like :class:`TypeScorer`.

    Examples
    --------
    >>> from mentormatch import Cohort, Mentee, Mentor
    >>> c = Cohort(mentees=[Mentee(id="e", modalities=["online"])],
    ...            mentors=[Mentor(id="r", modalities=["online", "phone"])])
    >>> ModalityScorer().score(c).reasons(0, 0)
    ('both can meet online',)
    """

    name = "modality"

    def score(self, cohort: Cohort) -> ScoreTable:
        """Score every pair by shared meeting modality."""
        return table_of(self.kernels(cohort))

    def kernels(self, cohort: Cohort, topics: TopicMatrices | None = None) -> Kernels:
        """Return the criterion's kernel (``topics`` is not read)."""
        return ((set_match_criterion(cohort, "modalities", self.name, _modality_reason), 1.0),)


class AttributeScorer:
    """Same value of a plain attribute (``"site"`` or ``"division"``).

    1 when both have the same value, 0.5 when either is unknown, else 0.

    Parameters
    ----------
    attribute : {"site", "division", "career_stage"}
        The attribute compared.

    Examples
    --------
    >>> from mentormatch import Cohort, Mentee, Mentor
    >>> c = Cohort(mentees=[Mentee(id="e", site="Halifax")],
    ...            mentors=[Mentor(id="r", site="Halifax")])
    >>> AttributeScorer("site").score(c).reasons(0, 0)
    ('same site (Halifax)',)
    """

    def __init__(self, attribute: str) -> None:
        if attribute not in ("site", "division", "career_stage"):
            hint = (" (sensitive attributes are compared only through ConcordanceScorer)"
                    if attribute in SENSITIVE_FIELDS else "")
            raise InvalidInputError(f"AttributeScorer compares site, division or career_stage, "
                                    f"not {shorten(attribute)}{hint}")
        self.attribute = attribute
        self.name = attribute

    def score(self, cohort: Cohort) -> ScoreTable:
        """Score every pair by equality of the attribute."""
        return table_of(self.kernels(cohort))

    def kernels(self, cohort: Cohort, topics: TopicMatrices | None = None) -> Kernels:
        """Return the criterion's kernel (``topics`` is not read)."""
        label = self.attribute.replace("_", " ")

        def reason(mentee: object, mentor: object) -> str | None:
            if mentee is not None and mentee == mentor:
                return f"same {label} ({mentee})"
            return None

        return ((same_value_criterion(cohort, self.attribute, self.name, reason), 1.0),)


def _concordance_reason(asked: tuple[str, ...], met: bool) -> str | None:
    if not asked:
        return None
    return f"concordance asked for on {join_words(list(asked))}, and {'met' if met else 'not met'}"


class ConcordanceScorer:
    """Concordance on a sensitive attribute, only for mentees who asked for it.

    A mentee who listed ``"gender"`` (or ``"background"``) in ``concordance``
    scores 1 with mentors of the same value and 0 otherwise; everyone else
    scores a neutral 0.5. Reasons never reveal the attribute's value.

    Examples
    --------
    >>> from mentormatch import Cohort, Mentee, Mentor
    >>> c = Cohort(mentees=[Mentee(id="e", gender="f", concordance=["gender"])],
    ...            mentors=[Mentor(id="r", gender="f")])
    >>> ConcordanceScorer().score(c).reasons(0, 0)
    ('concordance asked for on gender, and met',)
    """

    name = "concordance"

    def score(self, cohort: Cohort) -> ScoreTable:
        """Score every pair by the concordance each mentee asked for."""
        return table_of(self.kernels(cohort))

    def kernels(self, cohort: Cohort, topics: TopicMatrices | None = None) -> Kernels:
        """Return the criterion's kernel (``topics`` is not read)."""
        return ((concordance_criterion(cohort, self.name, _concordance_reason), 1.0),)


class ChoiceScorer:
    """Ranked choices: a mentee's ranked mentors, a mentor's ranked mentees (rank 1 most).

    Each side values a pair ``(L - k + 1) / L`` when the other person is its
    ``k``-th of ``L`` choices, 0 when it ranked others only, and a neutral 0.5
    when it ranked nobody; the pair scores the mean of the two sides.

    Examples
    --------
    >>> from mentormatch import Cohort, Mentee, Mentor
    >>> c = Cohort(mentees=[Mentee(id="e3", choices=["r2", "r1"])],
    ...            mentors=[Mentor(id="r1", choices=["e3"]), Mentor(id="r2")])
    >>> table = ChoiceScorer().score(c)
    >>> table.mentee_scores.tolist()
    [[0.75, 0.75]]
    >>> table.reasons(0, 0)
    ("e3's 2nd choice; r1's 1st choice of mentee",)
    """

    name = "choices"

    def score(self, cohort: Cohort) -> ScoreTable:
        """Score every pair by the two people's ranked choices."""
        return table_of(self.kernels(cohort))

    def kernels(self, cohort: Cohort, topics: TopicMatrices | None = None) -> Kernels:
        """Return the criterion's kernel (``topics`` is not read)."""
        return ((RankedChoices.of(cohort, self.name), 1.0),)


#: Weight of :class:`ChoiceScorer` in the default scorer of a cohort with ranked choices,
#: beside the other criteria's 1.0 in all (weights are normalised to sum to 1).
CHOICE_WEIGHT = 0.25


def default_scorer(cohort: Cohort | None = None) -> WeightedScorer:
    """Return the default scorer: topics first, then type, modality, site, concordance.

    Weights: topics 0.6, mentorship type 0.15, modality 0.1, site 0.05,
    concordance 0.1. When ``cohort`` is given and someone in it ranked choices
    (``Mentee.choices``, ``Mentor.choices``), :class:`ChoiceScorer` joins with
    weight 0.25, and all weights are divided by 1.25 (topics 0.48, ...,
    choices 0.2); without ranked choices the scorer is the same as without a
    cohort.

    Examples
    --------
    >>> [type(s).__name__ for s, _ in default_scorer().parts]
    ['TopicScorer', 'TypeScorer', 'ModalityScorer', 'AttributeScorer', 'ConcordanceScorer']
    >>> from mentormatch import Cohort, Mentee, Mentor
    >>> c = Cohort(mentees=[Mentee(id="e", choices=["r"])], mentors=[Mentor(id="r")])
    >>> [(type(s).__name__, w) for s, w in default_scorer(c).parts][-1]
    ('ChoiceScorer', 0.2)
    """
    parts: list[tuple[Scorer, float]] = [
        (TopicScorer(), 0.6),
        (TypeScorer(), 0.15),
        (ModalityScorer(), 0.1),
        (AttributeScorer("site"), 0.05),
        (ConcordanceScorer(), 0.1),
    ]
    if cohort is not None and has_choices(cohort):
        parts.append((ChoiceScorer(), CHOICE_WEIGHT))
    return WeightedScorer(parts)


def has_choices(cohort: Cohort) -> bool:
    """Return whether anyone in ``cohort`` ranked choices."""
    return any(p.choices for p in (*cohort.mentees, *cohort.mentors))
