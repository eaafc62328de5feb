"""General-graph pairing: a maximum-weight matching of one pool, at the array level.

pair_graph -- Edmonds' blossom algorithm from a double-cover warm start, certified.
GraphMatching -- what it returns.
"""

from mentormatch.solvers.pairing._pair_graph import GraphMatching as GraphMatching
from mentormatch.solvers.pairing._pair_graph import pair_graph as pair_graph

__all__ = ["GraphMatching", "pair_graph"]
