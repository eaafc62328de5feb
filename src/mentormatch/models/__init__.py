"""Pydantic models: the people of a program, the cohort and its rules, and a match's result."""

from ._cohort import MAX_COUNT as MAX_COUNT
from ._cohort import MODALITY_ALIASES as MODALITY_ALIASES
from ._cohort import SENSITIVE_FIELDS as SENSITIVE_FIELDS
from ._cohort import TYPE_ALIASES as TYPE_ALIASES
from ._cohort import CareerStage as CareerStage
from ._cohort import Cohort as Cohort
from ._cohort import Mentee as Mentee
from ._cohort import Mentor as Mentor
from ._cohort import MentorshipType as MentorshipType
from ._cohort import Modality as Modality
from ._cohort import ValidatedModel as ValidatedModel
from ._must_have_mask import MustHaveMask as MustHaveMask
from ._must_haves import MUST_HAVE_PHRASES as MUST_HAVE_PHRASES
from ._must_haves import MustHave as MustHave
from ._must_haves import parse_must_have as parse_must_have
from ._ranked import ChoiceProfile as ChoiceProfile
from ._ranked import choice_profile as choice_profile
from ._ranked import excluded_choice_notes as excluded_choice_notes
from ._ranked import ordinal as ordinal
from ._result import Change as Change
from ._result import MatchResult as MatchResult
from ._result import Metrics as Metrics
from ._result import Pair as Pair
from ._result import Provenance as Provenance
from ._result import Shortfall as Shortfall
from ._result import Unmatched as Unmatched
