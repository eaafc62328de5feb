"""Solvers: pure functions from a MatchProblem to an Assignment.

Each solver is one private module plus one line in the registry; third-party
solvers register through the ``mentormatch.solvers`` entry-point group.
"""

from mentormatch.solvers._registry import DEFAULT_SOLVER as DEFAULT_SOLVER
from mentormatch.solvers._registry import SolverSpec as SolverSpec
from mentormatch.solvers._registry import available as available
from mentormatch.solvers._registry import get as get
from mentormatch.solvers._registry import register as register
from mentormatch.solvers._registry import solve as solve

__all__ = ["DEFAULT_SOLVER", "SolverSpec", "available", "get", "register", "solve"]
