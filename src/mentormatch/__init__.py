"""mentormatch: pair mentees with mentors, and say why each pair was made.

>>> import mentormatch as mm
>>> result = mm.match(mm.example_cohort())
>>> len(result.pairs) > 0
True

Describe a program
==================
Mentee, Mentor, Cohort            People and the rules between them (forbidden, locked pairs)
MustHave                          A hard rule on pairs ("same site", "mentor must offer X")
Quota                             A rule on the make-up of each mentor's group (Cohort.quotas)
MentorshipType, Modality,         The values their fields take
CareerStage
Schedule, TimeSlot                Work hours, site time zones, weekly availability slots
TopicVocabulary, normalize_topic  One spelling per topic
example_cohort                    The built-in cohort, shaped like the pilot program

Read a survey
=============
read_survey, SurveySchema         A form export (CSV, XLSX, JSON, DataFrame) into a Cohort,
ReadReport, ReadEntry             with presets per form tool; and what reading it did
survey_template,                  A template to send, and the shipped example export
example_survey_path
read_org_chart, with_supervisors  Supervisor relations, never matched
read_followup, FollowUpSchema,    The follow-up survey after a year, into a History
followup_template

Look before matching
====================
topic_demand, TopicDemand,        Who asks for each topic, who offers it, the gap
TopicSupply
diagnose, Diagnosis, Finding      Requests that cannot all be met, and why
shortlist, Shortlist,             The best mentors per mentee, with reasons
Recommendation

Match, and the year after
=========================
match                             Score, solve, explain
topic_coverage_table,             Per mentee, the asked topics their mentors cover (by
TopicCoverage, TopicCovered       whom), and those nobody in the cohort offers
rematch                           A change of mentor, a mentor leaving, newcomers
History, PairFeedback             Last year's pairs and follow-up (``match(history=...)``)
MatchResult, Pair, Unmatched,     What a match returns
Shortfall, Metrics, Provenance,
Change, ChoiceProfile

Check and export
================
check, CheckReport,               Hard rules and stability of any answer
blocking_pairs
write_report, write_mail_merge,   The director's files
write_json
Guidelines, write_agreements,     The program's guidelines in every export; one agreement
render_agreement                  page per pair (topics, suggested slots, no-fault change)
plot_result, plot_topic_demand    Figures (the ``report`` extra)

Program rounds
==============
Program                           Every round on one cohort, rules across rounds kept
form_circles, pair_peers,         Group circles, peer pairs, roommates, buddies,
stable_roommates, match_buddies,  task-focused matches; their result types are in
match_tasks                       :mod:`mentormatch.rounds`
form_mentor_circles               Peer circles of mentors by topic (a community of practice)

Array level (tools and benchmarks)
==================================
MatchProblem, ProblemAttributes   The arrays every solver takes, validated once
GroupQuota                        A group make-up quota as arrays (MatchProblem(quotas=...))
solve, Assignment                 Run a solver by name; its index-level answer
pair_graph, GraphMatching         Maximum-weight matching of a general graph (one pool)

Sub-packages
============
errors      MentorMatchError and its subclasses (MentorMatchError is also here)
scoring     Scorers and the default scorer
solvers     The solver registry: available(), register(), what each solver supports
synthetic   Seeded synthetic cohorts, from a department to a national program
rounds      Program rounds and their result types
"""

from mentormatch import errors as errors
from mentormatch import rounds as rounds
from mentormatch import scoring as scoring
from mentormatch import solvers as solvers
from mentormatch import synthetic as synthetic
from mentormatch.checks import CheckReport as CheckReport
from mentormatch.checks import blocking_pairs as blocking_pairs
from mentormatch.checks import check as check
from mentormatch.diagnosis import Diagnosis as Diagnosis
from mentormatch.diagnosis import Finding as Finding
from mentormatch.diagnosis import diagnose as diagnose
from mentormatch.errors import MentorMatchError as MentorMatchError
from mentormatch.matching import Recommendation as Recommendation
from mentormatch.matching import Shortlist as Shortlist
from mentormatch.matching import match as match
from mentormatch.matching import rematch as rematch
from mentormatch.matching import shortlist as shortlist
from mentormatch.models import CareerStage as CareerStage
from mentormatch.models import Change as Change
from mentormatch.models import ChoiceProfile as ChoiceProfile
from mentormatch.models import Cohort as Cohort
from mentormatch.models import History as History
from mentormatch.models import MatchResult as MatchResult
from mentormatch.models import Mentee as Mentee
from mentormatch.models import Mentor as Mentor
from mentormatch.models import MentorshipType as MentorshipType
from mentormatch.models import Metrics as Metrics
from mentormatch.models import Modality as Modality
from mentormatch.models import MustHave as MustHave
from mentormatch.models import Pair as Pair
from mentormatch.models import PairFeedback as PairFeedback
from mentormatch.models import Provenance as Provenance
from mentormatch.models import Quota as Quota
from mentormatch.models import Schedule as Schedule
from mentormatch.models import Shortfall as Shortfall
from mentormatch.models import TimeSlot as TimeSlot
from mentormatch.models import Unmatched as Unmatched
from mentormatch.problem import Assignment as Assignment
from mentormatch.problem import GroupQuota as GroupQuota
from mentormatch.problem import MatchProblem as MatchProblem
from mentormatch.problem import ProblemAttributes as ProblemAttributes
from mentormatch.report import Guidelines as Guidelines
from mentormatch.report import TopicCoverage as TopicCoverage
from mentormatch.report import TopicCovered as TopicCovered
from mentormatch.report import TopicDemand as TopicDemand
from mentormatch.report import TopicSupply as TopicSupply
from mentormatch.report import plot_result as plot_result
from mentormatch.report import plot_topic_demand as plot_topic_demand
from mentormatch.report import render_agreement as render_agreement
from mentormatch.report import topic_coverage_table as topic_coverage_table
from mentormatch.report import topic_demand as topic_demand
from mentormatch.report import write_agreements as write_agreements
from mentormatch.report import write_json as write_json
from mentormatch.report import write_mail_merge as write_mail_merge
from mentormatch.report import write_report as write_report
from mentormatch.rounds import Program as Program
from mentormatch.rounds import form_circles as form_circles
from mentormatch.rounds import form_mentor_circles as form_mentor_circles
from mentormatch.rounds import match_buddies as match_buddies
from mentormatch.rounds import match_tasks as match_tasks
from mentormatch.rounds import pair_peers as pair_peers
from mentormatch.rounds import stable_roommates as stable_roommates
from mentormatch.solvers import GraphMatching as GraphMatching
from mentormatch.solvers import pair_graph as pair_graph
from mentormatch.solvers import solve as solve
from mentormatch.survey import FollowUpSchema as FollowUpSchema
from mentormatch.survey import ReadEntry as ReadEntry
from mentormatch.survey import ReadReport as ReadReport
from mentormatch.survey import SurveySchema as SurveySchema
from mentormatch.survey import example_survey_path as example_survey_path
from mentormatch.survey import followup_template as followup_template
from mentormatch.survey import read_followup as read_followup
from mentormatch.survey import read_org_chart as read_org_chart
from mentormatch.survey import read_survey as read_survey
from mentormatch.survey import survey_template as survey_template
from mentormatch.survey import with_supervisors as with_supervisors
from mentormatch.synthetic import example_cohort as example_cohort
from mentormatch.topics import TopicVocabulary as TopicVocabulary
from mentormatch.topics import normalize_topic as normalize_topic

__all__ = [
    # describe a program
    "CareerStage", "Cohort", "Mentee", "Mentor", "MentorshipType", "Modality",
    "MustHave", "Quota", "Schedule", "TimeSlot", "TopicVocabulary", "example_cohort",
    "normalize_topic",
    # read a survey
    "FollowUpSchema", "ReadEntry", "ReadReport", "SurveySchema", "example_survey_path",
    "followup_template", "read_followup", "read_org_chart", "read_survey", "survey_template",
    "with_supervisors",
    # look before matching
    "Diagnosis", "Finding", "Recommendation", "Shortlist", "TopicDemand", "TopicSupply",
    "diagnose", "shortlist", "topic_demand",
    # match, and the year after
    "Change", "ChoiceProfile", "History", "MatchResult", "Metrics", "Pair", "PairFeedback",
    "Provenance", "Shortfall", "TopicCoverage", "TopicCovered", "Unmatched", "match",
    "rematch", "topic_coverage_table",
    # check and export
    "CheckReport", "Guidelines", "blocking_pairs", "check", "plot_result",
    "plot_topic_demand", "render_agreement", "write_agreements", "write_json",
    "write_mail_merge", "write_report",
    # program rounds
    "Program", "form_circles", "form_mentor_circles", "match_buddies", "match_tasks",
    "pair_peers", "stable_roommates",
    # array level
    "Assignment", "GraphMatching", "GroupQuota", "MatchProblem", "ProblemAttributes",
    "pair_graph", "solve",
    # errors and sub-packages
    "MentorMatchError", "errors", "rounds", "scoring", "solvers", "synthetic",
]
