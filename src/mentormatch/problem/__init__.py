"""The array form of a match.

MatchProblem (dense) and CandidateProblem (sparse), Assignment, and what can be
measured of an assignment (metrics, blocking pairs).
"""
