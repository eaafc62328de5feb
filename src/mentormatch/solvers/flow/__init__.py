"""Exact min-cost flow: the ``flow`` solver and the engine other parts build on.

The solver
    solve_flow -- the ``flow`` solver (registered as ``"flow"``).
    certify_flow -- prove given pairs optimal, repairing a few improving cycles.
    reoptimize_flow -- the optimum after new pairs join, from a proved optimum.

The engine (for the large-cohort pricing, which solves flow networks of its own)
    Network -- arcs of a flow network over mentees and mentors.
    build_network -- the network of a matching problem.
    resolve_backend, run_backend, BackendFlow -- an integral flow from OR-Tools, the
        primal-dual method (numpy and scipy only) or HiGHS.
    scaled_costs -- the integer costs an integer backend is given.
    NetworkCertificate, certify_network -- the Bellman-Ford proof of a flow.

The duals a proof gives a mentee or mentor travel on the assignment as
:class:`mentormatch.problem.Duals`.
"""

from ._backends import BackendFlow as BackendFlow
from ._backends import resolve_backend as resolve_backend
from ._backends import run_backend as run_backend
from ._backends import scaled_costs as scaled_costs
from ._certificate import NetworkCertificate as NetworkCertificate
from ._certificate import certify_network as certify_network
from ._network import Network as Network
from ._network import build_network as build_network
from ._reoptimize import reoptimize_flow as reoptimize_flow
from ._solve import certify_flow as certify_flow
from ._solve import solve_flow as solve_flow

__all__ = ["BackendFlow", "Network", "NetworkCertificate", "build_network", "certify_flow",
           "certify_network", "reoptimize_flow", "resolve_backend", "run_backend", "scaled_costs",
           "solve_flow"]
