"""Peer pairing: pair people from one pool (new faculty with each other, peers at one stage).

Two methods on one peer score:

- ``"max_weight"``: a maximum-weight non-bipartite matching
  (:func:`mentormatch.pair_graph`: Edmonds' blossom algorithm from a
  double-cover warm start, certified) on the symmetric score: first as many
  people paired as possible, then the largest total fit. Exact.
- ``"stable"``: stable roommates (Irving, :func:`mentormatch.stable_roommates`)
  from each person's *own* view (the share of *their* topics the other shares),
  which may have no solution; the result says so plainly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal, cast

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from mentormatch.errors import DuplicateIdError, InvalidInputError, UnknownIdError
from mentormatch.io import Table
from mentormatch.models import Mentee, Mentor
from mentormatch.rounds._roommates import stable_roommates
from mentormatch.scoring import (
    MIN_SCORE_SLACK,
    join_words,
    membership_matrix,
    same_value_matrix,
)
from mentormatch.solvers import pair_graph
from mentormatch.topics import topic_index

if TYPE_CHECKING:
    pass

__all__ = ["PeerPair", "PeerResult", "PeerTable", "Unpaired", "pair_peers", "peer_scores",
           "supervision_in_pool"]

FloatArray = NDArray[np.float64]
Person = Mentee | Mentor
_FROZEN = ConfigDict(frozen=True, extra="forbid")
#: Weights of the peer score: topics, career stage, meeting modality, site.
PEER_WEIGHTS = {"topics": 0.6, "career stage": 0.2, "modality": 0.1, "site": 0.1}


@dataclass(frozen=True, eq=False)
class PeerTable:
    """Peer scores of one pool.

    Attributes
    ----------
    ids : tuple of str
    scores : ndarray of shape (n, n)
        Symmetric fit of each pair in [0, 1] (diagonal 0).
    own_view : ndarray of shape (n, n)
        Row ``i``: how person ``i`` values each other person (topics from their
        own side); what stable roommates ranks by.
    topics : tuple of str
        Topic names, columns of ``asked``.
    asked : ndarray of bool, shape (n, n_topics)
        Which topics each person listed.
    stages, sites, modalities : tuple
        Career stage, site and meeting modalities of each person (for reasons).
    """

    ids: tuple[str, ...]
    scores: FloatArray
    own_view: FloatArray
    topics: tuple[str, ...]
    asked: NDArray[np.bool_]
    stages: tuple[str | None, ...]
    sites: tuple[str | None, ...]
    modalities: tuple[tuple[str, ...], ...]

    def shared(self, i: int, j: int) -> list[str]:
        """Topics both people listed, in topic order."""
        both = np.flatnonzero(self.asked[i] & self.asked[j])
        return [self.topics[t] for t in both]

    def reasons(self, i: int, j: int) -> tuple[str, ...]:
        """Why ``i`` and ``j`` fit as peers, topics first."""
        out = []
        shared = self.shared(i, j)
        if shared:
            out.append(f"both interested in {join_words(shared)}")
        elif self.asked[i].any() and self.asked[j].any():
            out.append("no topic in common")
        if self.stages[i] is not None and self.stages[i] == self.stages[j]:
            out.append(f"same career stage ({self.stages[i]})")
        common = [m for m in self.modalities[i] if m in self.modalities[j]]
        if common:
            out.append(f"both can meet {join_words(common).replace('-', ' ')}")
        if self.sites[i] is not None and self.sites[i] == self.sites[j]:
            out.append(f"same site ({self.sites[i]})")
        return tuple(out)


def peer_scores(people: Sequence[Person]) -> PeerTable:
    """Score every pair of a pool of peers, vectorised.

    Topics weigh 0.6 (a person's own view: the share of their topic weight the
    other also lists; the pair score averages both views), same career stage
    0.2, a shared meeting modality 0.1 and same site 0.1; an unknown value
    scores a neutral 0.5 on that criterion.

    Parameters
    ----------
    people : sequence of Mentee or Mentor
        The pool; ids must be unique.

    Returns
    -------
    PeerTable

    Examples
    --------
    >>> from mentormatch import Mentee
    >>> t = peer_scores([Mentee(id="a", topics=["qi", "teaching"], career_stage="early"),
    ...                  Mentee(id="b", topics=["qi"], career_stage="early")])
    >>> round(float(t.own_view[0, 1]), 2), round(float(t.own_view[1, 0]), 2)
    (0.6, 0.9)
    >>> t.reasons(0, 1)
    ('both interested in qi', 'same career stage (early)')
    """
    ids = tuple(p.id for p in people)
    seen: dict[str, int] = {}
    for k, ident in enumerate(ids):
        if ident in seen:
            raise DuplicateIdError(f"person id {ident!r} appears twice (positions "
                                   f"{seen[ident]} and {k})")
        seen[ident] = k
    n = len(people)
    index = topic_index(p.topics for p in people)
    weights = np.zeros((n, len(index)))
    for row, p in enumerate(people):
        for topic, w in p.topics.items():
            weights[row, index[topic]] = w
    has = weights > 0
    total = weights.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        topic_view = (weights @ has.T.astype(np.float64)) / total[:, None]
    topic_view = np.nan_to_num(topic_view, nan=0.0, posinf=0.0)
    stages = tuple(str(p.career_stage) if p.career_stage is not None else None for p in people)
    sites = tuple(p.site for p in people)
    mods = tuple(tuple(str(m) for m in p.modalities) for p in people)
    mod_index = topic_index(mods)
    member = membership_matrix(list(mods), mod_index).astype(np.float64)
    shared_mod = (member @ member.T) > 0
    stated = member.any(axis=1)
    modality = np.where(shared_mod, 1.0, np.where(np.outer(stated, stated), 0.0, 0.5))
    rest = (PEER_WEIGHTS["career stage"] * same_value_matrix(list(stages), list(stages))
            + PEER_WEIGHTS["modality"] * modality
            + PEER_WEIGHTS["site"] * same_value_matrix(list(sites), list(sites)))
    own = PEER_WEIGHTS["topics"] * topic_view + rest
    sym = PEER_WEIGHTS["topics"] * (topic_view + topic_view.T) / 2 + rest
    np.fill_diagonal(own, 0.0)
    np.fill_diagonal(sym, 0.0)
    return PeerTable(ids, sym, own, tuple(index), has, stages, sites, mods)


class PeerPair(BaseModel):
    """Two peers paired together, with their fit and why."""

    model_config = _FROZEN

    a: str
    b: str
    score: float
    reasons: tuple[str, ...] = ()


class Unpaired(BaseModel):
    """Someone left without a peer, and why."""

    model_config = _FROZEN

    person: str
    reason: str


class PeerResult(BaseModel, Table):
    """Outcome of :func:`pair_peers`.

    Attributes
    ----------
    pairs : tuple of PeerPair
    unpaired : tuple of Unpaired
    method : str
        ``"max_weight"`` or ``"stable"``.
    stable : bool or None
        For ``"stable"``: whether a stable pairing exists (``pairs`` is empty
        when not); ``None`` for ``"max_weight"``.
    reason : str
        For ``"stable"``: why no stable pairing exists, or that one was found.
    odd_party : str or None
        For ``"stable"`` without a solution: the person who cannot be stably paired.
    info : dict
        Facts about the solve (``exact``, candidate edges).
    """

    model_config = _FROZEN

    COLUMNS: ClassVar[tuple[str, ...]] = ("a", "b", "score", "reasons")

    pairs: tuple[PeerPair, ...]
    unpaired: tuple[Unpaired, ...] = ()
    method: str
    stable: bool | None = None
    reason: str = ""
    odd_party: str | None = None
    info: dict[str, Any] = Field(default_factory=dict)

    @property
    def total_score(self) -> float:
        """Sum of the pair scores."""
        return float(sum(p.score for p in self.pairs))

    def partner(self, person: str) -> str | None:
        """Return the peer of ``person``, or ``None``."""
        for p in self.pairs:
            if person in (p.a, p.b):
                return p.b if p.a == person else p.a
        return None

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per pair: a, b, score, reasons joined by '; '."""
        return [{"a": p.a, "b": p.b, "score": round(p.score, 6), "reasons": "; ".join(p.reasons)}
                for p in self.pairs]



def _admissible(table: PeerTable, min_score: float | None,
                forbidden: Iterable[tuple[str, str]],
                supervision: Iterable[tuple[str, str]] = ()) -> NDArray[np.bool_]:
    n = len(table.ids)
    ok = ~np.eye(n, dtype=bool)
    if min_score is not None:
        ok &= table.scores >= min_score - MIN_SCORE_SLACK
    pos = {ident: k for k, ident in enumerate(table.ids)}
    for k, (a, b) in enumerate(forbidden):
        for who in (a, b):
            if who not in pos:
                raise UnknownIdError(f"forbidden[{k}]: unknown person id {who!r}")
        ok[pos[a], pos[b]] = ok[pos[b], pos[a]] = False
    for a, b in supervision:
        ok[pos[a], pos[b]] = ok[pos[b], pos[a]] = False
    return ok


def supervision_in_pool(people: Sequence[Person]) -> list[tuple[str, str]]:
    """Return (person, supervisor) pairs where both are in the pool.

    Examples
    --------
    >>> from mentormatch import Mentee
    >>> supervision_in_pool([Mentee(id="a", supervisors=("b", "x")), Mentee(id="b")])
    [('a', 'b')]
    """
    ids = {p.id for p in people}
    return [(p.id, s) for p in people for s in p.supervisors if s in ids and s != p.id]


def _max_weight(table: PeerTable, ok: NDArray[np.bool_],
                candidates: int | None) -> tuple[list[tuple[int, int]], dict[str, Any]]:
    """Blossom on the admissible graph (or its top candidates, then certified)."""
    from scipy.optimize import linear_sum_assignment

    n = len(table.ids)
    use = ok.copy()
    if candidates is not None:
        if candidates < 1:
            raise InvalidInputError(f"candidates must be >= 1, got {candidates}")
        masked = np.where(ok, table.scores, -np.inf)
        k = min(candidates, max(n - 1, 1))
        top = np.argsort(-masked, axis=1, kind="stable")[:, :k]
        keep = np.zeros_like(ok)
        np.put_along_axis(keep, top, True, axis=1)
        use = ok & (keep | keep.T)
    matching = pair_graph(table.scores, allowed=use, max_cardinality=True)
    pairs = [(int(a), int(b)) for a, b in matching.pairs.tolist()]
    info: dict[str, Any] = {"edges": matching.info["edges"],
                            "exact": candidates is None and matching.exact}
    if candidates is not None:
        # Certificate: the bipartite double cover's optimum halved bounds every
        # matching of the full graph (a matching is a permutation of 2-cycles).
        w_int = np.rint(table.scores * matching.info["scale"])
        big = float(w_int.max(initial=0)) * n + 1.0
        weight = np.where(ok, big + w_int, 0.0)
        r, c = linear_sum_assignment(weight, maximize=True)
        bound = float(weight[r, c].sum()) / 2
        found = sum(big + float(w_int[a, b]) for a, b in pairs)
        info["exact"] = bool(found >= bound - 0.5)
        info["certificate"] = "double-cover bound met" if info["exact"] else "not certified"
    return pairs, info


def _why_unpaired(table: PeerTable, ok: NDArray[np.bool_], i: int,
                  paired: NDArray[np.bool_]) -> str:
    options = np.flatnonzero(ok[i])
    if options.size == 0:
        return ("no admissible peer (every pair is forbidden, supervising or below the "
                "minimum score)")
    free = [j for j in options if not paired[j]]
    if not free:
        return (f"all {options.size} admissible peer(s) are paired with someone else; "
                "pairing this person would leave another unpaired")
    return f"{len(free)} admissible peer(s) also unpaired, but pairing them was not chosen"


def pair_peers(people: Sequence[Person], *, method: Literal["max_weight", "stable"] = "max_weight",
               min_score: float | None = None, forbidden: Iterable[tuple[str, str]] = (),
               candidates: int | None = None, strict: bool = False) -> PeerResult:
    """Pair people from one pool, with reasons for each pair.

    Parameters
    ----------
    people : sequence of Mentee or Mentor
        The pool (e.g. new faculty who prefer peer mentorship, or peers at one
        career stage).
    method : {"max_weight", "stable"}, default="max_weight"
        ``"max_weight"``: as many people paired as possible, then the largest
        total score (exact blossom algorithm). ``"stable"``: stable roommates
        from each person's own view; ties broken by input order.
    min_score : float, optional
        Pairs scoring below this are never made.
    forbidden : iterable of (id, id), default=()
        Pairs never made (either order). Supervision inside the pool (one
        person lists the other in ``supervisors``) is never paired either,
        whether listed here or not.
    candidates : int, optional
        ``"max_weight"`` only: solve on each person's best ``candidates`` peers
        (much faster for large pools) and certify the answer against every
        admissible pair; ``info["exact"]`` says whether the certificate held.
    strict : bool, default=False
        ``"stable"`` only: raise :class:`~mentormatch.InfeasibleError` when no
        stable pairing exists instead of returning ``stable=False``.

    Returns
    -------
    PeerResult

    Examples
    --------
    >>> from mentormatch import Mentee
    >>> pool = [Mentee(id="a", topics=["qi", "teaching"]), Mentee(id="b", topics=["research"]),
    ...         Mentee(id="c", topics=["qi"]), Mentee(id="d", topics=["research", "teaching"])]
    >>> result = pair_peers(pool)
    >>> [(p.a, p.b) for p in result.pairs]
    [('a', 'c'), ('b', 'd')]
    >>> result.pairs[0].reasons
    ('both interested in qi',)
    >>> pair_peers(pool, method="stable").stable
    True
    """
    if method not in ("max_weight", "stable"):
        raise InvalidInputError(f"method must be 'max_weight' or 'stable', got {method!r}")
    table = peer_scores(people)
    ok = _admissible(table, min_score, forbidden, supervision_in_pool(people))
    n = len(table.ids)
    stable: bool | None = None
    reason = ""
    odd: str | None = None
    if method == "max_weight":
        pairs, info = _max_weight(table, ok, candidates)
    else:
        order = np.argsort(-table.own_view, axis=1, kind="stable")
        prefs = [[int(j) for j in order[i] if ok[i, j]] for i in range(n)]
        rm = stable_roommates(prefs, strict=strict)
        stable, reason = rm.stable, rm.reason
        odd = table.ids[cast(int, rm.odd_party)] if rm.odd_party is not None else None
        pairs = [(cast(int, a), cast(int, b)) for a, b in rm.pairs]
        info = {"exact": True}
    paired = np.zeros(n, dtype=bool)
    out = []
    for a, b in pairs:
        paired[a] = paired[b] = True
        out.append(PeerPair(a=table.ids[a], b=table.ids[b], score=float(table.scores[a, b]),
                            reasons=table.reasons(a, b)))
    if stable is False:
        unpaired = tuple(Unpaired(person=table.ids[i], reason="no stable pairing exists")
                         for i in range(n))
    else:
        unpaired = tuple(
            Unpaired(person=table.ids[i],
                     reason=("left single in every stable pairing: everyone they find "
                             "acceptable prefers their own partner")
                     if method == "stable" and ok[i].any()
                     else _why_unpaired(table, ok, i, paired))
            for i in np.flatnonzero(~paired).tolist())
    return PeerResult(pairs=tuple(out), unpaired=unpaired, method=method, stable=stable,
                      reason=reason, odd_party=odd, info=info)
