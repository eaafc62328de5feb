"""Solvers: pure functions from a MatchProblem to an Assignment.

Each solver is one private module plus one line in the registry, which
declares what it supports (:class:`~mentormatch.problem.SolverCapabilities`);
third-party solvers register through the ``mentormatch.solvers`` entry-point
group.

General-graph pairing (one pool, not mentees and mentors) is
:func:`pair_graph`, beside :func:`solve`.
"""

from mentormatch.problem import SolverCapabilities as SolverCapabilities
from mentormatch.solvers._ilp import unbalanceable_groups as unbalanceable_groups
from mentormatch.solvers._interrupt import run_interruptibly as run_interruptibly
from mentormatch.solvers._registry import DEFAULT_SOLVER as DEFAULT_SOLVER
from mentormatch.solvers._registry import SolverSpec as SolverSpec
from mentormatch.solvers._registry import available as available
from mentormatch.solvers._registry import get as get
from mentormatch.solvers._registry import honouring_priority as honouring_priority
from mentormatch.solvers._registry import register as register
from mentormatch.solvers._registry import require as require
from mentormatch.solvers._registry import solve as solve
from mentormatch.solvers._registry import supporting as supporting
from mentormatch.solvers.pairing import GraphMatching as GraphMatching
from mentormatch.solvers.pairing import pair_graph as pair_graph

__all__ = ["DEFAULT_SOLVER", "GraphMatching", "SolverCapabilities", "SolverSpec", "available",
           "get", "honouring_priority", "pair_graph", "register", "require",
           "run_interruptibly", "solve", "supporting", "unbalanceable_groups"]
