"""The array form of a match.

MatchProblem (dense) and CandidateProblem (sparse), Assignment and the Duals
that prove it optimal, what locked pairs leave, what a solver must support to
take a problem, and what can be measured of an assignment (metrics, blocking
pairs).
"""

# Defined with the scorers (a score's rounding is theirs); here for the problem's users.
from mentormatch.scoring import MIN_SCORE_SLACK as MIN_SCORE_SLACK

from ._candidate_problem import CandidateProblem as CandidateProblem
from ._capabilities import FEATURES as FEATURES
from ._capabilities import Feature as Feature
from ._capabilities import SolverCapabilities as SolverCapabilities
from ._capabilities import problem_needs as problem_needs
from ._duals import UNREACHABLE_LEVEL as UNREACHABLE_LEVEL
from ._duals import Duals as Duals
from ._feasibility import unmeetable_min_loads as unmeetable_min_loads
from ._feasibility import violations as violations
from ._locks import LockedResidual as LockedResidual
from ._locks import free_edges as free_edges
from ._locks import free_pairs as free_pairs
from ._locks import locked_residual as locked_residual
from ._locks import unlocked as unlocked
from ._match_problem import Assignment as Assignment
from ._match_problem import Edges as Edges
from ._match_problem import MatchProblem as MatchProblem
from ._match_problem import ProblemAttributes as ProblemAttributes
from ._metrics import assignment_metrics as assignment_metrics
from ._metrics import load_spread as load_spread
from ._metrics import rank_profile as rank_profile
from ._metrics import topic_coverage as topic_coverage
from ._metrics import topic_coverage_bound as topic_coverage_bound
from ._quotas import GroupQuota as GroupQuota
from ._quotas import group_counts as group_counts
from ._quotas import quota_violations as quota_violations
from ._stability import blocking_pair_indices as blocking_pair_indices
from ._stability import priority_ranked as priority_ranked
