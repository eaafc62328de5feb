"""The min-cost flow network of a matching problem, and the flow of given pairs on it.

Nodes: mentees ``0 .. n_mentees - 1``, mentors after them, then the source and
the sink. Arcs: source -> mentee (demand left after locks) -> mentor (one unit
per admissible pair, so a mentor is never given twice) -> sink (capacity left
after locks, with the minimum load as a lower bound), plus a source -> sink
bypass so that the amount of flow is free. A mentee's first unit has its own
source arc.

Costs are lexicographic pairs ``(level, cost)``: the level counts pairs, plus
one more for a mentee's first mentor, and is compared first; the float cost
(minus the score) breaks ties. Maximising ``covered + pairs`` maximises both
at once (an augmenting path never uncovers anyone), so the level is exactly
"most mentees covered, then most pairs".

A priority mentee's first unit (``problem.priority``) weighs 3 instead of 2.
That puts "most priority mentees covered" above every other level, exactly:
a cycle of the residual network passes the source once, so it covers at most
one mentee and uncovers (or drops a further unit of) at most one other; one
that covers a priority mentee gains 3 and loses at most 2, so an optimum
leaves no such cycle. Among answers with the same priority mentees covered the
extra 1 per priority mentee is a constant, so the other levels are unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from mentormatch.errors import InfeasibleError
from mentormatch.problem import MatchProblem, locked_residual, unlocked

__all__ = ["Network", "build_network", "flow_of_pairs", "infeasible_min_loads"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: Level (min-cost sign) of a mentee's first unit and of every further unit.
FIRST_UNIT_LEVEL, FURTHER_UNIT_LEVEL = -2, -1
#: Level of a priority mentee's first unit (see the module notes).
PRIORITY_FIRST_UNIT_LEVEL = -3

#: What the network optimises: "saturate" has every unit of demand flow (no bypass, no levels).
NetworkObjective = Literal["lexicographic", "score", "saturate"]


@dataclass(frozen=True, eq=False)
class Network:
    """Arcs of a flow network over mentees and mentors; pair arcs come first.

    Attributes
    ----------
    n_mentees, n_mentors : int
    tail, head, lower, upper : ndarray of int64, shape (n_arcs,)
        Each arc's ends and flow bounds.
    level : ndarray of int64, shape (n_arcs,)
        The lexicographic first key of the cost (min-cost sign).
    cost : ndarray of float64, shape (n_arcs,)
        The float second key: minus the score on pair arcs, 0 elsewhere.
    supply : ndarray of int64, shape (n_nodes,)
    n_pair : int
        Pair arcs (the first ``n_pair`` arcs), from ``pair_mentee`` to ``pair_mentor``.
    pair_mentee, pair_mentor : ndarray of int64, shape (n_pair,)
    mentee_open, mentor_open : ndarray of bool
        Mentees with demand left, mentors with capacity left.
    first_unit, further_units : ndarray of int64
        Mentees with a first-unit source arc, with a further-units source arc (in arc order).
    offering : ndarray of int64
        Mentors with a sink arc, in arc order.
    """

    n_mentees: int
    n_mentors: int
    tail: IntArray
    head: IntArray
    lower: IntArray
    upper: IntArray
    level: IntArray
    cost: FloatArray
    supply: IntArray
    n_pair: int
    pair_mentee: IntArray
    pair_mentor: IntArray
    mentee_open: BoolArray
    mentor_open: BoolArray
    first_unit: IntArray
    further_units: IntArray
    offering: IntArray

    @property
    def n_nodes(self) -> int:
        """Mentees, mentors, the source and the sink."""
        return self.n_mentees + self.n_mentors + 2

    @property
    def source(self) -> int:
        """The source node."""
        return self.n_mentees + self.n_mentors

    @property
    def sink(self) -> int:
        """The sink node."""
        return self.n_mentees + self.n_mentors + 1

    @property
    def pair_scores(self) -> FloatArray:
        """The score of each pair arc."""
        out: FloatArray = -self.cost[:self.n_pair]
        return out


def build_network(problem: MatchProblem, objective: NetworkObjective) -> Network:
    """Return the network of ``problem``'s admissible pairs that are not locked.

    Raises :class:`InfeasibleError` when a minimum load clearly cannot be met.
    """
    n_e, n_r = problem.shape
    left = locked_residual(problem)
    demand, capacity, min_load = left.demand, left.capacity, left.min_load
    edges = problem.edges()
    e, r, s = edges.mentee, edges.mentor, edges.score
    keep = (demand[e] > 0) & (capacity[r] > 0) & unlocked(problem, e, r)
    if objective == "score" and not min_load.any():
        keep &= s > 0  # never worth making without a min load to meet
    if not keep.all():  # else the edge arrays serve as they are, uncopied
        e, r, s = e[keep], r[keep], s[keep]
    _check_min_loads(problem, e, r, demand, min_load, left.mentor_locks)

    src, snk = n_e + n_r, n_e + n_r + 1
    wanting = np.flatnonzero(demand > 0)
    unlocked_first = left.mentee_locks[wanting] == 0
    first = wanting[unlocked_first]
    further = wanting[demand[wanting] - unlocked_first > 0]
    offering = np.flatnonzero(capacity > 0)
    total = int(demand[wanting].sum())
    lex = objective == "lexicographic"
    # "saturate": every unit of demand must flow (no bypass), so levels are moot.
    bypass = 0 if objective == "saturate" else total
    # The pair arcs e -> n_e + r come first, with bounds 0..1 and level 0; then these:
    after_pairs = [
        # (tail, head, lower, upper, level)
        (np.full(first.size, src), first, np.zeros_like(first), np.ones_like(first),
         _first_levels(problem, first) if lex else np.zeros_like(first)),
        (np.full(further.size, src), further, np.zeros_like(further),
         demand[further] - (left.mentee_locks[further] == 0),
         np.full(further.size, FURTHER_UNIT_LEVEL if lex else 0)),
        (n_e + offering, np.full(offering.size, snk), min_load[offering], capacity[offering],
         np.zeros_like(offering)),
        (np.array([src]), np.array([snk]), np.array([0]), np.array([bypass]), np.array([0])),
    ]
    n_pair = int(e.size)
    n_arcs = n_pair + sum(part[0].size for part in after_pairs)
    tail, head = np.empty(n_arcs, dtype=np.int64), np.empty(n_arcs, dtype=np.int64)
    tail[:n_pair] = e
    np.add(r, n_e, out=head[:n_pair])
    lower, upper = np.zeros(n_arcs, dtype=np.int64), np.ones(n_arcs, dtype=np.int64)
    level = np.zeros(n_arcs, dtype=np.int64)
    for k, column in enumerate((tail, head, lower, upper, level)):
        column[n_pair:] = np.concatenate([part[k] for part in after_pairs])
    cost = np.zeros(n_arcs, dtype=np.float64)
    np.negative(s, out=cost[:n_pair])
    supply = np.zeros(n_e + n_r + 2, dtype=np.int64)
    supply[src], supply[snk] = total, -total
    mentee_open = np.zeros(n_e, dtype=bool)
    mentee_open[wanting] = True
    return Network(n_e, n_r, tail, head, lower, upper, level, cost, supply, n_pair, e, r,
                   mentee_open, capacity > 0, first, further, offering)


def _first_levels(problem: MatchProblem, first: IntArray) -> IntArray:
    """Level of each first-unit arc: priority mentees' weigh more (module notes)."""
    levels = np.full(first.size, FIRST_UNIT_LEVEL, dtype=np.int64)
    priority = getattr(problem, "priority", None)
    if priority is not None:
        levels[priority[first]] = PRIORITY_FIRST_UNIT_LEVEL
    return levels


def _check_min_loads(problem: MatchProblem, e: IntArray, r: IntArray, demand: IntArray,
                     min_load: IntArray, mentor_locks: IntArray) -> None:
    """Raise before solving when a minimum load clearly cannot be met.

    ``demand`` and ``min_load`` are what the locked pairs leave; ``e``, ``r`` the free pairs.
    """
    need = np.flatnonzero(min_load > 0)
    if need.size == 0:
        return
    n_e, n_r = problem.shape
    reachable = np.bincount(r, minlength=n_r)
    short = need[reachable[need] < min_load[need]]
    if short.size:
        msgs = [f"mentor {j} must take at least {problem.min_load[j]} mentees"
                + (f" ({mentor_locks[j]} through locked pairs)" if mentor_locks[j] else "")
                + f" but only {reachable[j]} admissible mentee(s) still want a mentor"
                for j in short[:5].tolist()]
        more = f" (and {short.size - 5} more)" if short.size > 5 else ""
        raise InfeasibleError("minimum load cannot be met: " + "; ".join(msgs) + more)
    degree = np.bincount(e, minlength=n_e)
    takeable = int(np.minimum(np.maximum(demand, 0), degree).sum())
    if int(min_load.sum()) > takeable:
        raise InfeasibleError(
            f"minimum loads cannot be met: mentors {need[:10].tolist()} need "
            f"{int(min_load.sum())} more mentees in all, but the mentees admissible to them can "
            f"take at most {takeable} more mentors"
        )


def infeasible_min_loads(network: Network) -> InfeasibleError:
    """Return the error for a network without a feasible flow: minimum loads that compete."""
    need = np.flatnonzero(network.lower[network.n_pair:] > 0)
    mentors = (network.tail[network.n_pair:][need] - network.n_mentees).tolist()
    return InfeasibleError(
        f"minimum loads of mentors {mentors[:10]} cannot all be met at once: they compete "
        "for the same few admissible mentees (each mentee can take only its demand)"
    )


def flow_of_pairs(problem: MatchProblem, mentee_idx: IntArray, mentor_idx: IntArray,
                  ) -> tuple[Network, IntArray, bool] | None:
    """Return a network, the flow of the given pairs on it, and whether it is saturated.

    The network is saturated (no levels) when the pairs meet every mentee's
    demand. None if the pairs are not a flow (a pair not admissible, or a
    limit broken).
    """
    n_e, n_r = problem.shape
    free = unlocked(problem, mentee_idx, mentor_idx)
    count = np.bincount(mentee_idx[free], minlength=n_e)
    load = np.bincount(mentor_idx[free], minlength=n_r)
    left = locked_residual(problem)
    saturated = bool((count == np.maximum(left.demand, 0)).all())
    net = build_network(problem, "saturate" if saturated else "lexicographic")
    used = np.sort(mentee_idx[free] * n_r + mentor_idx[free])
    flow = np.zeros(net.tail.size, dtype=np.int64)
    flow[:net.n_pair] = np.isin(net.pair_mentee * n_r + net.pair_mentor, used)
    if int(flow[:net.n_pair].sum()) != used.size:
        return None  # a pair is not in the network (not admissible, or over a limit)
    # Arcs after the pair arcs, in build_network's order: each mentee's first unit, its
    # further units, mentor -> sink, then the bypass.
    at = net.n_pair
    first_flow = np.minimum(count[net.first_unit], 1)
    flow[at:at + net.first_unit.size] = first_flow
    at += net.first_unit.size
    taken = np.zeros(n_e, dtype=np.int64)
    taken[net.first_unit] = first_flow
    flow[at:at + net.further_units.size] = count[net.further_units] - taken[net.further_units]
    at += net.further_units.size
    flow[at:-1] = load[net.offering]
    flow[-1] = int(net.supply[net.source]) - int(count.sum())
    if ((flow < net.lower) | (flow > net.upper)).any():
        return None
    return net, flow, saturated
