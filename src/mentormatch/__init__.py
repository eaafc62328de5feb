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
from mentormatch.matching import Recommendation as Recommendation
from mentormatch.matching import Shortlist as Shortlist
from mentormatch.matching import match as match
from mentormatch.matching import rematch as rematch
from mentormatch.matching import shortlist as shortlist
from mentormatch.models import CareerStage as CareerStage
from mentormatch.models import Change as Change
from mentormatch.models import Cohort as Cohort
from mentormatch.models import MatchResult as MatchResult
from mentormatch.models import Mentee as Mentee
from mentormatch.models import Mentor as Mentor
from mentormatch.models import MentorshipType as MentorshipType
from mentormatch.models import Metrics as Metrics
from mentormatch.models import Modality as Modality
from mentormatch.models import Pair as Pair
from mentormatch.models import Provenance as Provenance
from mentormatch.models import Shortfall as Shortfall
from mentormatch.models import Unmatched as Unmatched
from mentormatch.problem import Assignment as Assignment
from mentormatch.problem import MatchProblem as MatchProblem
from mentormatch.problem import ProblemAttributes as ProblemAttributes
from mentormatch.report import TopicDemand as TopicDemand
from mentormatch.report import TopicSupply as TopicSupply
from mentormatch.report import plot_result as plot_result
from mentormatch.report import plot_topic_demand as plot_topic_demand
from mentormatch.report import topic_demand as topic_demand
from mentormatch.report import write_json as write_json
from mentormatch.report import write_mail_merge as write_mail_merge
from mentormatch.report import write_report as write_report
from mentormatch.rounds import Circle as Circle
from mentormatch.rounds import CircleMember as CircleMember
from mentormatch.rounds import CircleResult as CircleResult
from mentormatch.rounds import PeerPair as PeerPair
from mentormatch.rounds import PeerResult as PeerResult
from mentormatch.rounds import Program as Program
from mentormatch.rounds import ProgramResult as ProgramResult
from mentormatch.rounds import RoommatesResult as RoommatesResult
from mentormatch.rounds import TaskMatch as TaskMatch
from mentormatch.rounds import TaskResult as TaskResult
from mentormatch.rounds import TaskUnmatched as TaskUnmatched
from mentormatch.rounds import Unpaired as Unpaired
from mentormatch.rounds import form_circles as form_circles
from mentormatch.rounds import match_buddies as match_buddies
from mentormatch.rounds import match_tasks as match_tasks
from mentormatch.rounds import pair_peers as pair_peers
from mentormatch.rounds import stable_roommates as stable_roommates
from mentormatch.solvers import solve as solve
from mentormatch.survey import SurveySchema as SurveySchema
from mentormatch.survey import example_survey_path as example_survey_path
from mentormatch.survey import read_org_chart as read_org_chart
from mentormatch.survey import read_survey as read_survey
from mentormatch.survey import survey_template as survey_template
from mentormatch.survey import with_supervisors as with_supervisors
from mentormatch.synthetic import example_cohort as example_cohort
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
