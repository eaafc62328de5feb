"""Scoring: every pair of a cohort valued at once, with the reasons behind each value.

A scorer is anything with ``score(cohort) -> ScoreTable``; compose them with
:class:`WeightedScorer`. :func:`default_scorer` is what :func:`mentormatch.match` uses.

Each built-in criterion has one kernel (:class:`TopicFit` for topics, a
:class:`CodedCriterion` for type, modality, same attribute, concordance and
buddy experience, availability; a sparse :class:`RankedChoices` for ranked
choices) that computes it for a whole cohort, for a block of rows
(:func:`block_scorer`, for cohorts too large for a dense matrix) and for
listed pairs (:func:`explain_pairs`, :func:`pair_reasons`). Which scorers are
built in is decided by exact type (:func:`is_builtin_scorer`); any other
scorer is computed through its own ``score()``, on sub-cohorts where the
cohort is large.
"""

from mentormatch.scoring._availability import AvailabilityScorer as AvailabilityScorer
from mentormatch.scoring._availability import SlotRule as SlotRule
from mentormatch.scoring._availability import schedule_of as schedule_of
from mentormatch.scoring._availability import slot_rule as slot_rule
from mentormatch.scoring._availability import suggested_slots as suggested_slots
from mentormatch.scoring._base import MIN_SCORE_SLACK as MIN_SCORE_SLACK
from mentormatch.scoring._base import Criterion as Criterion
from mentormatch.scoring._base import Scorer as Scorer
from mentormatch.scoring._base import ScoreTable as ScoreTable
from mentormatch.scoring._base import WeightedScorer as WeightedScorer
from mentormatch.scoring._base import join_words as join_words
from mentormatch.scoring._blocks import BlockScorer as BlockScorer
from mentormatch.scoring._blocks import BlockScores as BlockScores
from mentormatch.scoring._blocks import ColumnSubset as ColumnSubset
from mentormatch.scoring._blocks import SubCohortScorer as SubCohortScorer
from mentormatch.scoring._blocks import block_scorer as block_scorer
from mentormatch.scoring._buddy import BuddyScorer as BuddyScorer
from mentormatch.scoring._builtin import CHOICE_WEIGHT as CHOICE_WEIGHT
from mentormatch.scoring._builtin import AttributeScorer as AttributeScorer
from mentormatch.scoring._builtin import ChoiceScorer as ChoiceScorer
from mentormatch.scoring._builtin import ConcordanceScorer as ConcordanceScorer
from mentormatch.scoring._builtin import ModalityScorer as ModalityScorer
from mentormatch.scoring._builtin import TopicScorer as TopicScorer
from mentormatch.scoring._builtin import TypeScorer as TypeScorer
from mentormatch.scoring._builtin import default_scorer as default_scorer
from mentormatch.scoring._builtin import has_choices as has_choices
from mentormatch.scoring._coded import CodedCriterion as CodedCriterion
from mentormatch.scoring._coded import membership_matrix as membership_matrix
from mentormatch.scoring._coded import same_value_matrix as same_value_matrix
from mentormatch.scoring._kernels import BUILTIN_SCORERS as BUILTIN_SCORERS
from mentormatch.scoring._kernels import criterion_kernels as criterion_kernels
from mentormatch.scoring._kernels import is_builtin_scorer as is_builtin_scorer
from mentormatch.scoring._pairs import explain_pairs as explain_pairs
from mentormatch.scoring._pairs import pair_reasons as pair_reasons
from mentormatch.scoring._pairs import reasons_by_sub_cohorts as reasons_by_sub_cohorts
from mentormatch.scoring._ranked import RankedChoices as RankedChoices
from mentormatch.scoring._topic_fit import TopicFit as TopicFit
from mentormatch.scoring._topic_fit import TopicMatrices as TopicMatrices

__all__ = [
    "BUILTIN_SCORERS",
    "CHOICE_WEIGHT",
    "MIN_SCORE_SLACK",
    "AttributeScorer",
    "AvailabilityScorer",
    "BlockScorer",
    "BlockScores",
    "BuddyScorer",
    "ChoiceScorer",
    "CodedCriterion",
    "ColumnSubset",
    "ConcordanceScorer",
    "Criterion",
    "RankedChoices",
    "ModalityScorer",
    "ScoreTable",
    "SlotRule",
    "Scorer",
    "SubCohortScorer",
    "TopicFit",
    "TopicMatrices",
    "TopicScorer",
    "TypeScorer",
    "WeightedScorer",
    "block_scorer",
    "criterion_kernels",
    "default_scorer",
    "explain_pairs",
    "has_choices",
    "is_builtin_scorer",
    "join_words",
    "membership_matrix",
    "pair_reasons",
    "reasons_by_sub_cohorts",
    "same_value_matrix",
    "schedule_of",
    "slot_rule",
    "suggested_slots",
]
