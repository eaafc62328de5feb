"""Cohorts too large for a dense score matrix.

Block scoring, candidate selection, pricing by column generation, and the
certificate that proves the full optimum.
"""

from ._candidates import build_candidates as build_candidates
from ._candidates import match_candidates as match_candidates
from ._candidates import pair_reasons as pair_reasons
