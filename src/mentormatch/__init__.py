"""mentormatch: pair mentees with mentors, and say why each pair was made.

>>> import mentormatch as mm
>>> result = mm.match(mm.example_cohort())
>>> len(result.pairs) > 0
True
"""

from mentormatch import scoring as scoring
from mentormatch import solvers as solvers
from mentormatch import synthetic as synthetic
from mentormatch.checks import CheckReport as CheckReport
from mentormatch.checks import blocking_pairs as blocking_pairs
from mentormatch.checks import check as check
from mentormatch.diagnosis import Diagnosis as Diagnosis
from mentormatch.diagnosis import Finding as Finding
from mentormatch.diagnosis import diagnose as diagnose
from mentormatch.errors import ConstraintConflictError as ConstraintConflictError
from mentormatch.errors import DuplicateIdError as DuplicateIdError
from mentormatch.errors import InfeasibleError as InfeasibleError
from mentormatch.errors import InvalidInputError as InvalidInputError
from mentormatch.errors import InvalidProblemError as InvalidProblemError
from mentormatch.errors import MentorMatchError as MentorMatchError
from mentormatch.errors import SolverError as SolverError
from mentormatch.errors import SurveyError as SurveyError
from mentormatch.errors import SurveyProblem as SurveyProblem
from mentormatch.errors import UnknownIdError as UnknownIdError
from mentormatch.errors import UnknownSolverError as UnknownSolverError
from mentormatch.errors import UnknownTopicError as UnknownTopicError
from mentormatch.matching._match import match as match
from mentormatch.matching._rematch import rematch as rematch
from mentormatch.matching._shortlist import Recommendation as Recommendation
from mentormatch.matching._shortlist import Shortlist as Shortlist
from mentormatch.matching._shortlist import shortlist as shortlist
from mentormatch.models._cohort import CareerStage as CareerStage
from mentormatch.models._cohort import Cohort as Cohort
from mentormatch.models._cohort import Mentee as Mentee
from mentormatch.models._cohort import Mentor as Mentor
from mentormatch.models._cohort import MentorshipType as MentorshipType
from mentormatch.models._cohort import Modality as Modality
from mentormatch.models._result import Change as Change
from mentormatch.models._result import MatchResult as MatchResult
from mentormatch.models._result import Metrics as Metrics
from mentormatch.models._result import Pair as Pair
from mentormatch.models._result import Provenance as Provenance
from mentormatch.models._result import Shortfall as Shortfall
from mentormatch.models._result import Unmatched as Unmatched
from mentormatch.problem._match_problem import Assignment as Assignment
from mentormatch.problem._match_problem import MatchProblem as MatchProblem
from mentormatch.problem._match_problem import ProblemAttributes as ProblemAttributes
from mentormatch.report._demand import TopicDemand as TopicDemand
from mentormatch.report._demand import TopicSupply as TopicSupply
from mentormatch.report._demand import topic_demand as topic_demand
from mentormatch.report._export import write_json as write_json
from mentormatch.report._export import write_mail_merge as write_mail_merge
from mentormatch.report._export import write_report as write_report
from mentormatch.report._plots import plot_result as plot_result
from mentormatch.report._plots import plot_topic_demand as plot_topic_demand
from mentormatch.rounds._buddies import match_buddies as match_buddies
from mentormatch.rounds._circles import Circle as Circle
from mentormatch.rounds._circles import CircleMember as CircleMember
from mentormatch.rounds._circles import CircleResult as CircleResult
from mentormatch.rounds._circles import form_circles as form_circles
from mentormatch.rounds._peers import PeerPair as PeerPair
from mentormatch.rounds._peers import PeerResult as PeerResult
from mentormatch.rounds._peers import Unpaired as Unpaired
from mentormatch.rounds._peers import pair_peers as pair_peers
from mentormatch.rounds._program import Program as Program
from mentormatch.rounds._program import ProgramResult as ProgramResult
from mentormatch.rounds._roommates import RoommatesResult as RoommatesResult
from mentormatch.rounds._roommates import stable_roommates as stable_roommates
from mentormatch.rounds._tasks import TaskMatch as TaskMatch
from mentormatch.rounds._tasks import TaskResult as TaskResult
from mentormatch.rounds._tasks import TaskUnmatched as TaskUnmatched
from mentormatch.rounds._tasks import match_tasks as match_tasks
from mentormatch.solvers import solve as solve
from mentormatch.survey._orgchart import read_org_chart as read_org_chart
from mentormatch.survey._orgchart import with_supervisors as with_supervisors
from mentormatch.survey._read import read_survey as read_survey
from mentormatch.survey._schema import SurveySchema as SurveySchema
from mentormatch.survey._template import example_survey_path as example_survey_path
from mentormatch.survey._template import survey_template as survey_template
from mentormatch.synthetic._example import example_cohort as example_cohort
from mentormatch.topics import TopicVocabulary as TopicVocabulary
from mentormatch.topics import normalize_topic as normalize_topic

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
