"""mentormatch: pair mentees with mentors, and say why each pair was made.

>>> import mentormatch as mm
>>> result = mm.match(mm.example_cohort())
>>> len(result.pairs) > 0
True
"""

from . import scoring as scoring
from . import solvers as solvers
from ._checks import CheckReport as CheckReport
from ._checks import check as check
from ._errors import ConstraintConflictError as ConstraintConflictError
from ._errors import DuplicateIdError as DuplicateIdError
from ._errors import InfeasibleError as InfeasibleError
from ._errors import InvalidInputError as InvalidInputError
from ._errors import InvalidProblemError as InvalidProblemError
from ._errors import MentorMatchError as MentorMatchError
from ._errors import SolverError as SolverError
from ._errors import UnknownIdError as UnknownIdError
from ._errors import UnknownSolverError as UnknownSolverError
from ._errors import UnknownTopicError as UnknownTopicError
from ._example import example_cohort as example_cohort
from ._match import Recommendation as Recommendation
from ._match import Shortlist as Shortlist
from ._match import match as match
from ._match import rematch as rematch
from ._match import shortlist as shortlist
from ._models import CareerStage as CareerStage
from ._models import Cohort as Cohort
from ._models import Mentee as Mentee
from ._models import Mentor as Mentor
from ._models import MentorshipType as MentorshipType
from ._models import Modality as Modality
from ._problem import Assignment as Assignment
from ._problem import MatchProblem as MatchProblem
from ._problem import ProblemAttributes as ProblemAttributes
from ._result import Change as Change
from ._result import MatchResult as MatchResult
from ._result import Metrics as Metrics
from ._result import Pair as Pair
from ._result import Provenance as Provenance
from ._result import Shortfall as Shortfall
from ._result import Unmatched as Unmatched
from ._topics import TopicVocabulary as TopicVocabulary
from ._topics import normalize_topic as normalize_topic
from .solvers import solve as solve

__all__ = [
    "Assignment",
    "CareerStage",
    "Change",
    "CheckReport",
    "Cohort",
    "ConstraintConflictError",
    "DuplicateIdError",
    "InfeasibleError",
    "InvalidInputError",
    "InvalidProblemError",
    "MatchProblem",
    "MatchResult",
    "Mentee",
    "MentorMatchError",
    "Mentor",
    "MentorshipType",
    "Metrics",
    "Modality",
    "Pair",
    "ProblemAttributes",
    "Provenance",
    "Recommendation",
    "Shortfall",
    "Shortlist",
    "SolverError",
    "TopicVocabulary",
    "UnknownIdError",
    "UnknownSolverError",
    "UnknownTopicError",
    "Unmatched",
    "check",
    "example_cohort",
    "match",
    "normalize_topic",
    "rematch",
    "scoring",
    "shortlist",
    "solve",
    "solvers",
]
