"""The ``primal-dual`` backend: numpy and scipy only, cost-scaled, on a priced core of pair arcs.

Three ideas on top of the phases of
:func:`~mentormatch.solvers.flow._primal_dual.primal_dual`:

* **A priced core.** Most pair arcs of a dense problem are never used: a
  mentee ends with one to three mentors, near the top of its list. The
  network is solved on a core (every mentee's best few pair arcs, all source
  and sink arcs); the node potentials that prove the core's flow optimal
  then price every other pair arc at once (as a matrix when the problem is
  nearly complete). Arcs of negative reduced cost (a few per mentee, the
  most negative) join the core full and the phases resume from the same
  flow and potentials; when none is left, the flow is optimal for the whole
  network. Dear arcs from the source to every node that may lack inflow (the
  sink of a network without a bypass, mentors with a minimum load) keep each
  core feasible; an optimum of a feasible network never uses them.
* **Cost scaling.** The phases are as many as the distinct shortest-path
  lengths met, which grows with the cost range. So the pair costs are first
  divided by ``4 ** k`` (rounded up), solved, and refined one factor of 4 at
  a time: potentials are multiplied by 4, the arcs whose reduced cost turns
  negative are flipped, and the phases repair the imbalance. A stage before
  the last may stop with a few units of surplus left: its potentials still
  prove the pseudoflow optimal, so the next stage starts from it as well.
  (A problem with few units of supply skips it: a phase moves at least one unit.)
* **Integer costs.** Scores on a small grid are scaled exactly (as for
  OR-Tools); others are rounded to 40 bits, or fewer when the level weight
  and the dear arcs need room, so that Dijkstra's float distances stay exact
  (potentials are int64). The certificate, which checks the float scores, is
  handed the potentials: on grid scores they prove the flow in one pass;
  otherwise it repairs what rounding changed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mentormatch.solvers._grid import grid_multiplier
from mentormatch.solvers.flow._network import Network
from mentormatch.solvers.flow._primal_dual import EXACT_FLOAT, FlowArcs, primal_dual

__all__ = ["PrimalDualFlow", "run_primal_dual"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

#: Pair arcs per mentee in the first core (plus twice its demand), and the most
#: that join per mentee in one pricing round (measured: fewer rounds, same phases).
_CORE_EXTRA = 4
_JOIN = 8
#: Share of all (mentee, mentor) pairs above which pair costs are kept as a matrix.
_DENSE_SHARE = 0.5
#: The cost-scaling factor between stages.
_RATIO = 4
#: Bits kept of scores that are not on a small grid.
_BITS = 40
#: Units of surplus a stage before the last may leave to the next: a stage's last phases
#: move a unit or two each, and the next stage's phases carry them along with its own
#: (measured, noisy 10k x 3k top-50: 163 -> 127 phases; national top-50: 83 -> 77).
_LEAVE = 20


@dataclass(frozen=True, eq=False)
class PrimalDualFlow:
    """The backend's answer: a flow (None: infeasible) and (level, value) potentials proving it.

    ``scale`` is what the scores were multiplied by before rounding.
    """

    flow: IntArray | None
    node_level: IntArray
    node_value: FloatArray
    scale: float
    phases: int
    pricing_rounds: int


@dataclass(frozen=True, eq=False)
class _Costs:
    """The integer costs of a network's arcs, and how they were made."""

    arc: IntArray  # level * level_weight - rint(score * scale)
    dear: int  # the cost of an arc no optimum of a feasible network uses
    level_weight: int
    scale: float
    stages: int  # cost-scaling stages after the first


def run_primal_dual(network: Network, lexicographic: bool) -> PrimalDualFlow:
    """Return an optimal flow of ``network`` and the node potentials that prove it."""
    n_pair = network.n_pair
    needy = _needy(network)
    costs = _integer_costs(network, lexicographic, dear_arcs=needy.size > 0)
    merged = _Merged.of(network.tail[n_pair:], network.head[n_pair:], network.lower[n_pair:],
                        network.upper[n_pair:], costs.arc[n_pair:])
    base = (np.concatenate([np.full(needy.size, network.source), merged.tail]),
            np.concatenate([needy, merged.head]),
            np.concatenate([np.zeros(needy.size, np.int64), merged.lower]),
            np.concatenate([np.full(needy.size, int(network.supply[network.source])),
                            merged.upper]),
            np.concatenate([np.full(needy.size, costs.dear), merged.cost]))
    core = _first_core(network)
    flow: IntArray | None = None
    potential: IntArray | None = None
    phases = rounds = 0
    pricer = _Pricer(network, costs.arc[:n_pair], core)
    arcs = _core_arcs(network, base, core)
    for stage in range(costs.stages + 1):
        divisor = _RATIO ** (costs.stages - stage)
        pair_cost = pricer.at(divisor)
        join = np.zeros(0, dtype=np.int64)
        while True:
            cost = arcs.costs(np.concatenate([base[4] // divisor, pair_cost[core]]))
            if flow is not None and potential is not None:
                if join.size:  # joining arcs start full, before the split arcs' halves
                    flow = np.concatenate([flow[:arcs.n_input - join.size],
                                           np.ones(join.size, np.int64),
                                           flow[arcs.n_input - join.size:]])
                else:  # a new stage: finer costs, potentials scaled up
                    potential = potential * _RATIO
            result = primal_dual(arcs, cost, network.supply, flow=flow, potential=potential,
                                 leave=0 if stage == costs.stages else _LEAVE)
            flow, potential = result.flow, result.potential
            phases += result.phases
            join = pricer.improving(potential)
            if join.size == 0:
                break
            rounds += 1
            pricer.add(join)
            core = np.concatenate([core, join])
            arcs = _core_arcs(network, base, core)
    assert flow is not None and potential is not None
    if not result.feasible or flow[:needy.size].any():  # no feasible flow
        return _answer(network, None, potential, costs, phases, rounds)
    out = np.zeros(network.tail.size, dtype=np.int64)
    out[n_pair:] = merged.spread(flow[needy.size:base[0].size])
    out[core] = flow[base[0].size:arcs.n_input]
    return _answer(network, out, _lower_lonely(network, out, potential[:network.n_nodes],
                                               costs.arc), costs, phases, rounds)


def _lower_lonely(network: Network, flow: IntArray, potential: IntArray,
                  cost: IntArray) -> IntArray:
    """Lower each person without pair arcs to the least potential that still proves ``flow``.

    In effect only mentors move: a mentee's own arcs bound its potential from
    above only, so it is left as it is.

    No path reaches such a person, so every phase raised it by the phase's
    whole reach: a mentor without candidates ends hundreds of thousands of
    score units up (measured: 200 such mentors at 5e5 on the national
    round-1 network), valid but read by pricing as every pair with it
    improving by that much. Its least valid potential is set by its own
    residual arcs (to the sink): the price of a mentor with room is then zero.
    """
    n_people = network.n_mentees + network.n_mentors
    lonely = np.ones(n_people, dtype=bool)
    lonely[network.pair_mentee] = False
    lonely[network.n_mentees + network.pair_mentor] = False
    out = potential.copy()
    if not lonely.any():
        return out
    tail, head = network.tail, network.head
    # A residual arc v -> w of cost c bounds v from below: potential[v] >= potential[w] - c.
    up = (flow < network.upper) & (tail < n_people)
    up &= lonely[np.minimum(tail, n_people - 1)]
    down = (flow > network.lower) & (head < n_people)
    down &= lonely[np.minimum(head, n_people - 1)]
    least = np.full(n_people, np.iinfo(np.int64).min)
    np.maximum.at(least, tail[up], potential[head[up]] - cost[up])
    np.maximum.at(least, head[down], potential[tail[down]] + cost[down])
    bounded = lonely & (least > np.iinfo(np.int64).min)
    out[:n_people][bounded] = np.minimum(out[:n_people][bounded], least[bounded])
    return out


@dataclass(frozen=True, eq=False)
class _Merged:
    """Parallel arcs of the same cost as one arc of their summed bounds.

    A mentee asking for more than one mentor has two source arcs: its first
    unit and the rest. Without levels (``score``, ``saturate``) they cost the
    same, and merged, the residual graph loses the node that would split them
    (on the noisy 10k x 3k top-50 network, demand 2 each: 10,000 of 23,000
    nodes). Under ``lexicographic`` their levels differ and nothing merges:
    then the arcs are kept as they are, and their flow is returned unsplit.
    """

    tail: IntArray
    head: IntArray
    lower: IntArray
    upper: IntArray
    cost: IntArray
    group: IntArray  # each input arc's merged arc
    input_lower: IntArray
    input_upper: IntArray

    @classmethod
    def of(cls, tail: IntArray, head: IntArray, lower: IntArray, upper: IntArray,
           cost: IntArray) -> _Merged:
        order = np.lexsort((cost, head, tail))  # stable: each run starts at its first arc
        t, h, c = tail[order], head[order], cost[order]
        repeat = (t[1:] == t[:-1]) & (h[1:] == h[:-1]) & (c[1:] == c[:-1])
        if not repeat.any():  # nothing parallel: every arc is its own group
            return cls(tail, head, lower, upper, cost, np.arange(tail.size), lower, upper)
        start = np.flatnonzero(np.r_[True, ~repeat])
        by_first = np.argsort(order[start], kind="stable")  # groups in order of first arc
        rank = np.empty_like(by_first)
        rank[by_first] = np.arange(by_first.size)
        group = np.empty_like(order)
        group[order] = rank[np.cumsum(np.r_[True, ~repeat]) - 1]
        first = order[start][by_first]
        return cls(tail[first], head[first],
                   np.add.reduceat(lower[order], start)[by_first],
                   np.add.reduceat(upper[order], start)[by_first],
                   cost[first], group, lower, upper)

    def spread(self, flow: IntArray) -> IntArray:
        """Split each merged arc's flow over its arcs: lower bounds, then in arc order.

        The arcs of a group share their cost, so any split within the bounds
        keeps the flow optimal under the same potentials.
        """
        if self.group.size == self.tail.size:  # nothing was merged
            return flow.copy()
        order = np.argsort(self.group, kind="stable")
        group = self.group[order]
        room = (self.input_upper - self.input_lower)[order]
        before = np.cumsum(room) - room  # the room of earlier arcs, then of earlier in group
        first = np.r_[True, group[1:] != group[:-1]]
        before -= np.maximum.accumulate(np.where(first, before, 0))
        out = self.input_lower.copy()
        out[order] += np.clip(flow[group] - self.lower[group] - before, 0, room)
        return out


def _core_arcs(network: Network, base: tuple[IntArray, ...], core: IntArray) -> FlowArcs:
    """Return the base arcs (dear, source and sink arcs), then the core's pair arcs.

    Built anew only when the core grows: a stage that keeps the core keeps
    the arcs and the sparse layout cached on them.
    """
    return FlowArcs.of(network.n_nodes, np.concatenate([base[0], network.tail[core]]),
                       np.concatenate([base[1], network.head[core]]),
                       np.concatenate([base[2], network.lower[core]]),
                       np.concatenate([base[3], network.upper[core]]))


def _needy(network: Network) -> IntArray:
    """Nodes that may lack inflow: mentors with a minimum load, the sink without a bypass."""
    n_pair = network.n_pair
    mentors = network.tail[n_pair:][network.lower[n_pair:] > 0]
    bypass = (network.tail[n_pair:] == network.source) & (network.head[n_pair:] == network.sink)
    if (network.upper[n_pair:][bypass] > 0).any():
        return mentors
    return np.concatenate([[network.sink], mentors])


def _integer_costs(network: Network, lexicographic: bool, dear_arcs: bool) -> _Costs:
    """Integer costs small enough that Dijkstra's float path lengths stay exact."""
    scores = network.pair_scores
    n_nodes = network.n_nodes
    active = int(network.mentee_open.sum() + network.mentor_open.sum()) + 1
    # Reduced costs stay below EXACT_FLOAT: scores times the level weight (~ 2 * active)
    # times the largest level (3: a priority mentee's first unit) with levels, times
    # n_nodes more for the dear arcs.
    bits = (math.log2(EXACT_FLOAT) - 2 - (math.log2(6 * active) if lexicographic else 0)
            - (math.log2(n_nodes + 1) if dear_arcs else 0))
    bits = max(min(float(_BITS), bits), 8.0)
    scale = grid_multiplier(scores, 2.0 ** bits)
    if scale is None:
        spread = float(np.abs(scores).max(initial=0.0))
        scale = 2.0 ** math.floor(bits - math.log2(spread)) if spread > 0 else 1.0
    pair = np.rint(scores * scale).astype(np.int64)
    top = int(np.abs(pair).max(initial=0))
    stages = max(0, math.ceil(math.log2(top + 1) / math.log2(_RATIO)) - 1)
    if int(network.supply[network.source]) <= 4 * (stages + 1):
        stages = 0  # a phase moves at least one unit: few units need no scaling
    unit = _RATIO ** stages  # level weight and dear costs divide exactly at every stage
    level_weight = -(-(2 * active * top + 1) // unit) * unit if lexicographic else 0
    arc = network.level * level_weight
    arc[:network.n_pair] -= pair
    dear = -(-((n_nodes + 1) * (int(np.abs(arc).max(initial=0)) + 1)) // unit) * unit
    return _Costs(arc, dear, level_weight, scale, stages)


class _Pricer:
    """Reduced costs of every pair arc at once, and the arcs that should join the core.

    A nearly complete problem keeps its pair costs as a (mentees, mentors)
    matrix (missing pairs cost inf), so the reduced costs are two broadcasts
    instead of gathers over every arc.
    """

    def __init__(self, network: Network, fine_cost: IntArray, core: IntArray) -> None:
        n_e, n_r = network.n_mentees, network.n_mentors
        self._n_e, self._n_r = n_e, n_r
        self._mentee = network.pair_mentee
        self._mentor = network.pair_mentor
        self._fine = fine_cost
        self._coarse = fine_cost
        self._dense = network.n_pair >= _DENSE_SHARE * n_e * n_r
        self._core = np.zeros(network.n_pair, dtype=bool)
        if self._dense:
            self._arc_at = np.full((n_e, n_r), -1, dtype=np.int64)
            self._arc_at[self._mentee, self._mentor] = np.arange(network.n_pair)
        else:
            self._mentor_node = (n_e + self._mentor).astype(np.intp)
        self._outside = np.zeros(0)  # dense: a stage's costs as a matrix, inf in the core
        self._divisor = 1
        self.add(core)

    def add(self, arcs: IntArray) -> None:
        """Arcs that joined the core."""
        self._core[arcs] = True
        if self._dense and self._outside.size:
            self._outside[self._mentee[arcs], self._mentor[arcs]] = np.inf

    def at(self, divisor: int) -> IntArray:
        """Return a stage's pair costs: the final costs divided by ``divisor``, rounded up."""
        self._divisor = divisor
        self._coarse = -(-self._fine // divisor)
        if self._dense:
            self._outside = np.full((self._n_e, self._n_r), np.inf)
            outside = ~self._core
            self._outside[self._mentee[outside], self._mentor[outside]] = self._coarse[outside]
        return self._coarse

    def improving(self, potential: IntArray) -> IntArray:
        """Arcs outside the core of negative reduced cost, the best few per mentee.

        Ranked by the reduced cost at the final costs with the stage's
        potentials scaled up, which breaks the many ties of a coarse stage well.
        """
        if self._dense:
            # Floats, from a common origin: exact (the stage costs and the potentials of
            # people stay far below 2**52 from each other).
            origin = potential[self._n_e:self._n_e + self._n_r].min(initial=0)
            mentee_side = (potential[:self._n_e] - origin).astype(np.float64)
            mentor_side = (potential[self._n_e:self._n_e + self._n_r] - origin).astype(np.float64)
            where = np.flatnonzero(self._outside + mentee_side[:, None] < mentor_side[None, :])
            arc = self._arc_at.ravel()[where]
        else:
            arc = np.flatnonzero((self._coarse + potential[self._mentee]
                                  < potential[self._mentor_node]) & ~self._core)
        reduced = self._fine[arc] + self._divisor * (
            potential[self._mentee[arc]] - potential[self._n_e + self._mentor[arc]]
        ).astype(np.float64)
        mentee = self._mentee[arc]
        limit = _JOIN * np.unique(mentee).size
        if arc.size <= limit:
            return arc
        if arc.size > 4 * limit:  # cut the sort down first
            keep = reduced <= np.partition(reduced, 4 * limit)[4 * limit]
            mentee, arc, reduced = mentee[keep], arc[keep], reduced[keep]
        order = np.lexsort((arc, reduced, mentee))
        mentee = mentee[order]
        first = np.r_[True, mentee[1:] != mentee[:-1]]
        start = np.maximum.accumulate(np.where(first, np.arange(mentee.size), 0))
        return np.sort(arc[order][np.arange(mentee.size) - start < _JOIN])


def _answer(network: Network, flow: IntArray | None, potential: IntArray, costs: _Costs,
            phases: int, rounds: int) -> PrimalDualFlow:
    """Split the potentials into the certificate's (level, value) form."""
    node = potential[:network.n_nodes] - potential[network.source]
    if costs.level_weight:
        level = (node + costs.level_weight // 2) // costs.level_weight
        node = node - level * costs.level_weight
    else:
        level = np.zeros(network.n_nodes, dtype=np.int64)
    return PrimalDualFlow(flow, level, node / costs.scale, costs.scale, phases, rounds)


def _first_core(network: Network) -> IntArray:
    """Each mentee's best ``_CORE_EXTRA + 2 * demand`` pair arcs (pair arcs run by mentee)."""
    n_e = network.n_mentees
    start = np.searchsorted(network.pair_mentee, np.arange(n_e + 1))
    degree = np.diff(start)
    to_mentee = (network.tail == network.source) & (network.head < n_e)
    demand = np.bincount(network.head[to_mentee], network.upper[to_mentee], minlength=n_e)
    want = np.minimum(degree, _CORE_EXTRA + 2 * demand.astype(np.int64))
    scores = network.pair_scores
    whole = np.flatnonzero(want == degree)
    picked = [np.repeat(start[whole], degree[whole]) + _ranges(degree[whole])]
    # The others, bucketed by degree and width so each bucket is one matrix.
    rest = np.flatnonzero(want < degree)
    for size in np.unique(degree[rest]).tolist():
        rows = rest[degree[rest] == size]
        for k in np.unique(want[rows]).tolist():
            block = start[rows[want[rows] == k]][:, None] + np.arange(size)
            top = np.argpartition(-scores[block], k - 1, axis=1)[:, :k]
            picked.append(np.take_along_axis(block, top, axis=1).ravel())
    return np.sort(np.concatenate(picked))


def _ranges(counts: IntArray) -> IntArray:
    """``0 .. c - 1`` for each count ``c``, concatenated."""
    ends = np.cumsum(counts)
    return np.arange(int(ends[-1]) if ends.size else 0) - np.repeat(ends - counts, counts)
