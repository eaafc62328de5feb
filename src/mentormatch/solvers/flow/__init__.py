"""Exact min-cost flow.

The network, its backends, the optimality certificate and warm re-optimisation.
"""

from ._reoptimize import reoptimize_flow as reoptimize_flow
