"""Scoring: every pair of a cohort valued at once, with the reasons behind each value.

A scorer is anything with ``score(cohort) -> ScoreTable``; compose them with
:class:`WeightedScorer`. :func:`default_scorer` is what :func:`mentormatch.match` uses.
"""

from mentormatch.scoring._base import Criterion as Criterion
from mentormatch.scoring._base import Scorer as Scorer
from mentormatch.scoring._base import ScoreTable as ScoreTable
from mentormatch.scoring._base import WeightedScorer as WeightedScorer
from mentormatch.scoring._buddy import BuddyScorer as BuddyScorer
from mentormatch.scoring._builtin import AttributeScorer as AttributeScorer
from mentormatch.scoring._builtin import ConcordanceScorer as ConcordanceScorer
from mentormatch.scoring._builtin import ModalityScorer as ModalityScorer
from mentormatch.scoring._builtin import TopicMatrices as TopicMatrices
from mentormatch.scoring._builtin import TopicScorer as TopicScorer
from mentormatch.scoring._builtin import TypeScorer as TypeScorer
from mentormatch.scoring._builtin import default_scorer as default_scorer

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

from ._builtin import explain_pairs as explain_pairs
