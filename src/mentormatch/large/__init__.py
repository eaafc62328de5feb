"""Cohorts too large for a dense score matrix.

Candidate selection (the scores come block by block from
:func:`mentormatch.scoring.block_scorer`), pricing by column generation, and
the certificate that proves the full optimum.
"""

from ._candidates import build_candidates as build_candidates
from ._candidates import match_candidates as match_candidates
