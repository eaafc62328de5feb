"""Solvers: pure functions from a MatchProblem to an Assignment.

Each solver is one private module plus one line in the registry; third-party
solvers register through the ``mentormatch.solvers`` entry-point group.
"""

from ._registry import DEFAULT_SOLVER as DEFAULT_SOLVER
from ._registry import SolverSpec as SolverSpec
from ._registry import available as available
from ._registry import get as get
from ._registry import register as register
from ._registry import solve as solve

__all__ = ["DEFAULT_SOLVER", "SolverSpec", "available", "get", "register", "solve"]
