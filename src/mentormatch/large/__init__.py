"""Cohorts too large for a dense score matrix.

Block scoring, candidate selection, pricing by column generation, and the
certificate that proves the full optimum.
"""
