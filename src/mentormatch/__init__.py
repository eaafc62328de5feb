"""mentormatch: pair mentees with mentors, and say why each pair was made.

>>> import mentormatch as mm
>>> result = mm.match(mm.example_cohort())
>>> len(result.pairs) > 0
True
"""

from . import scoring as scoring
from . import solvers as solvers
from . import synthetic as synthetic
from ._buddies import match_buddies as match_buddies
from ._checks import CheckReport as CheckReport
from ._checks import blocking_pairs as blocking_pairs
from ._checks import check as check
from ._circles import Circle as Circle
from ._circles import CircleMember as CircleMember
from ._circles import CircleResult as CircleResult
from ._circles import form_circles as form_circles
from ._demand import TopicDemand as TopicDemand
from ._demand import TopicSupply as TopicSupply
from ._demand import topic_demand as topic_demand
from ._diagnosis import Diagnosis as Diagnosis
from ._diagnosis import Finding as Finding
from ._diagnosis import diagnose as diagnose
from ._errors import ConstraintConflictError as ConstraintConflictError
from ._errors import DuplicateIdError as DuplicateIdError
from ._errors import InfeasibleError as InfeasibleError
from ._errors import InvalidInputError as InvalidInputError
from ._errors import InvalidProblemError as InvalidProblemError
from ._errors import MentorMatchError as MentorMatchError
from ._errors import SolverError as SolverError
from ._errors import SurveyError as SurveyError
from ._errors import SurveyProblem as SurveyProblem
from ._errors import UnknownIdError as UnknownIdError
from ._errors import UnknownSolverError as UnknownSolverError
from ._errors import UnknownTopicError as UnknownTopicError
from ._example import example_cohort as example_cohort
from ._export import write_json as write_json
from ._export import write_mail_merge as write_mail_merge
from ._export import write_report as write_report
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
from ._orgchart import read_org_chart as read_org_chart
from ._orgchart import with_supervisors as with_supervisors
from ._peers import PeerPair as PeerPair
from ._peers import PeerResult as PeerResult
from ._peers import Unpaired as Unpaired
from ._peers import pair_peers as pair_peers
from ._plots import plot_result as plot_result
from ._plots import plot_topic_demand as plot_topic_demand
from ._problem import Assignment as Assignment
from ._problem import MatchProblem as MatchProblem
from ._problem import ProblemAttributes as ProblemAttributes
from ._program import Program as Program
from ._program import ProgramResult as ProgramResult
from ._result import Change as Change
from ._result import MatchResult as MatchResult
from ._result import Metrics as Metrics
from ._result import Pair as Pair
from ._result import Provenance as Provenance
from ._result import Shortfall as Shortfall
from ._result import Unmatched as Unmatched
from ._roommates import RoommatesResult as RoommatesResult
from ._roommates import stable_roommates as stable_roommates
from ._survey import read_survey as read_survey
from ._survey_schema import SurveySchema as SurveySchema
from ._survey_template import example_survey_path as example_survey_path
from ._survey_template import survey_template as survey_template
from ._tasks import TaskMatch as TaskMatch
from ._tasks import TaskResult as TaskResult
from ._tasks import TaskUnmatched as TaskUnmatched
from ._tasks import match_tasks as match_tasks
from ._topics import TopicVocabulary as TopicVocabulary
from ._topics import normalize_topic as normalize_topic
from .solvers import solve as solve

__all__ = [
    "Assignment",
    "CareerStage",
    "Change",
    "CheckReport",
    "Circle",
    "CircleMember",
    "CircleResult",
    "Cohort",
    "ConstraintConflictError",
    "Diagnosis",
    "DuplicateIdError",
    "Finding",
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
    "PeerPair",
    "PeerResult",
    "ProblemAttributes",
    "Program",
    "ProgramResult",
    "Provenance",
    "Recommendation",
    "RoommatesResult",
    "Shortfall",
    "Shortlist",
    "SolverError",
    "SurveyError",
    "SurveyProblem",
    "SurveySchema",
    "TaskMatch",
    "TaskResult",
    "TaskUnmatched",
    "TopicDemand",
    "TopicSupply",
    "TopicVocabulary",
    "UnknownIdError",
    "UnknownSolverError",
    "UnknownTopicError",
    "Unmatched",
    "Unpaired",
    "blocking_pairs",
    "check",
    "diagnose",
    "example_cohort",
    "example_survey_path",
    "form_circles",
    "match",
    "match_buddies",
    "match_tasks",
    "normalize_topic",
    "pair_peers",
    "plot_result",
    "plot_topic_demand",
    "read_org_chart",
    "read_survey",
    "rematch",
    "scoring",
    "shortlist",
    "solve",
    "solvers",
    "stable_roommates",
    "survey_template",
    "synthetic",
    "topic_demand",
    "with_supervisors",
    "write_json",
    "write_mail_merge",
    "write_report",
]
