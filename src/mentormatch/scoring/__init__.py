"""Scoring: every pair of a cohort valued at once, with the reasons behind each value.

A scorer is anything with ``score(cohort) -> ScoreTable``; compose them with
:class:`WeightedScorer`. :func:`default_scorer` is what :func:`mentormatch.match` uses.
"""

from ._base import Criterion as Criterion
from ._base import Scorer as Scorer
from ._base import ScoreTable as ScoreTable
from ._base import WeightedScorer as WeightedScorer
from ._buddy import BuddyScorer as BuddyScorer
from ._builtin import AttributeScorer as AttributeScorer
from ._builtin import ConcordanceScorer as ConcordanceScorer
from ._builtin import ModalityScorer as ModalityScorer
from ._builtin import TopicMatrices as TopicMatrices
from ._builtin import TopicScorer as TopicScorer
from ._builtin import TypeScorer as TypeScorer
from ._builtin import default_scorer as default_scorer

__all__ = [
    "AttributeScorer",
    "BuddyScorer",
    "ConcordanceScorer",
    "Criterion",
    "ModalityScorer",
    "ScoreTable",
    "Scorer",
    "TopicMatrices",
    "TopicScorer",
    "TypeScorer",
    "WeightedScorer",
    "default_scorer",
]
