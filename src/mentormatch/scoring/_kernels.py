"""Which scorers are built in, and the criterion kernels of a built-in scorer.

One rule, read by every path that computes a scorer without calling its
``score()`` (block by block for large cohorts, reasons of listed pairs): a
scorer is built in when its type is exactly one of :data:`BUILTIN_SCORERS`,
or it is a :class:`WeightedScorer` (exactly) of built-in scorers. A subclass
is not built in, whatever it overrides: it may score or explain differently,
so it is computed through its own ``score()``.
"""

from __future__ import annotations

from mentormatch.models import Cohort
from mentormatch.scoring._availability import AvailabilityScorer
from mentormatch.scoring._base import Scorer, WeightedScorer
from mentormatch.scoring._buddy import BuddyScorer
from mentormatch.scoring._builtin import (
    AttributeScorer,
    ChoiceScorer,
    ConcordanceScorer,
    ModalityScorer,
    TopicScorer,
    TypeScorer,
)
from mentormatch.scoring._coded import CodedCriterion
from mentormatch.scoring._ranked import RankedChoices
from mentormatch.scoring._topic_fit import TopicFit, TopicMatrices

__all__ = ["BUILTIN_SCORERS", "criterion_kernels", "is_builtin_scorer"]

Leaf = (TopicScorer | TypeScorer | ModalityScorer | AttributeScorer | ConcordanceScorer
        | BuddyScorer | ChoiceScorer | AvailabilityScorer)
#: The scorers whose criteria have kernels (exact types; see the module's docstring).
BUILTIN_SCORERS: tuple[type, ...] = (TopicScorer, TypeScorer, ModalityScorer, AttributeScorer,
                                     ConcordanceScorer, BuddyScorer, ChoiceScorer,
                                     AvailabilityScorer)


def _leaves(scorer: Scorer) -> list[tuple[Leaf, tuple[float, ...]]] | None:
    """Built-in leaf scorers with their part weights, outermost first; None if any is not."""
    if type(scorer) is WeightedScorer:
        out: list[tuple[Leaf, tuple[float, ...]]] = []
        for part, weight in scorer.parts:
            inner = _leaves(part)
            if inner is None:
                return None
            out += [(leaf, (weight, *path)) for leaf, path in inner]
        return out
    if type(scorer) in BUILTIN_SCORERS and isinstance(
            scorer, TopicScorer | TypeScorer | ModalityScorer | AttributeScorer
            | ConcordanceScorer | BuddyScorer | ChoiceScorer | AvailabilityScorer):
        # exact type above; isinstance names it for mypy
        return [(scorer, ())]
    return None


def is_builtin_scorer(scorer: Scorer) -> bool:
    """Whether ``scorer`` is built in: computed from kernels, not through its ``score()``.

    Examples
    --------
    >>> from mentormatch.scoring import TopicScorer, default_scorer
    >>> class Mine(TopicScorer):
    ...     pass
    >>> is_builtin_scorer(default_scorer()), is_builtin_scorer(Mine())
    (True, False)
    """
    return _leaves(scorer) is not None


def _weight(path: tuple[float, ...], inner: float) -> float:
    """Return a criterion's weight in the composed table, multiplied as WeightedScorer does."""
    weight = inner
    for part in reversed(path):
        weight = part * weight
    return weight


def criterion_kernels(scorer: Scorer, cohort: Cohort, topics: TopicMatrices | None = None
                      ) -> list[tuple[TopicFit | CodedCriterion | RankedChoices, float]] | None:
    """Kernels of every criterion of ``scorer.score(cohort)``, with their weights there.

    In the table's order and with its weights to the last bit; ``None`` if
    the scorer is not built in (:func:`is_builtin_scorer`).

    Parameters
    ----------
    scorer : Scorer
    cohort : Cohort
    topics : TopicMatrices, optional
        The cohort's topic matrices, if already built.

    Examples
    --------
    >>> import mentormatch as mm
    >>> from mentormatch.scoring import default_scorer
    >>> [(k.name, w) for k, w in criterion_kernels(default_scorer(), mm.example_cohort())]
    [('topics', 0.6), ('types', 0.15), ('modality', 0.1), ('site', 0.05), ('concordance', 0.1)]
    """
    leaves = _leaves(scorer)
    if leaves is None:
        return None
    if topics is None and any(type(leaf) is TopicScorer for leaf, _ in leaves):
        topics = TopicMatrices.of(cohort)
    return [(kernel, _weight(path, inner)) for leaf, path in leaves
            for kernel, inner in leaf.kernels(cohort, topics)]
