"""Sparse candidate scoring for large cohorts, and certification of pruned optima.

A 100,000 x 20,000 cohort has 2e9 pairs: the dense score matrix (16 GB in
float64) does not fit. :class:`BlockScorer` scores blocks of mentee rows with
the same formulas as the built-in scorers, keeps each mentee's best ``k``
admissible mentors and an upper bound on every pair it drops, and
:class:`CandidateProblem` holds the result as edge arrays that the edge-based
solvers (``flow``, ``stable``, ``greedy``) take like a :class:`MatchProblem`.

When the exact ``flow`` solver runs on the candidates, :func:`match_candidates`
certifies the answer against the full problem with the solver's dual
potentials: a dropped pair could only improve the optimum if its score beat the
mentee's and mentor's potentials, and each mentee's dropped scores are all below
the bound, so a per-mentee comparison suffices; the few mentees it cannot clear
are rescored exactly, and those with a violating pair get twice the candidates
(plus the violating pairs) and the problem is solved again. Candidates are
chosen by score and by score minus mentor prices estimated on a sample of
mentees, which cuts the rounds; the certificate never relies on the prices.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

from ._block_scoring import DEFAULT_BLOCK_BYTES, BlockScorer, _Selector
from ._candidate_problem import CandidateProblem
from ._certificate import _duals, _tighten, certify
from ._errors import InvalidInputError
from ._models import Cohort
from ._problem import Assignment, MatchProblem, ProblemAttributes
from ._progress import Progress
from ._result import MatchResult
from ._topics import topic_index
from .scoring import Scorer, TopicMatrices, default_scorer

__all__ = ["build_candidates", "match_candidates"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


# --------------------------------------------------------------------------- building


@dataclass
class _Build:
    cohort: Cohort
    scorer: BlockScorer
    selector: _Selector
    demand: IntArray
    capacity: IntArray
    locked: IntArray
    attributes: ProblemAttributes
    k: IntArray
    bound: FloatArray
    extra: dict[int, set[int]] = field(default_factory=dict)
    edges: dict[str, NDArray[Any]] = field(default_factory=dict)
    seconds: float = 0.0
    price: FloatArray | None = None


def _excluded_indices(cohort: Cohort) -> IntArray:
    e_pos = {ident: k for k, ident in enumerate(cohort.mentee_ids)}
    r_pos = {ident: k for k, ident in enumerate(cohort.mentor_ids)}
    pairs = [(e_pos[e], r_pos[r]) for e, r in cohort.excluded_pairs()]
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def _sample_prices(build: _Build, k: int, fraction: float, seed: int) -> FloatArray | None:
    """Mentor prices from the ``flow`` optimum of a random sample of mentees.

    A seeded sample of ``fraction`` of the mentees (with demand) is matched on
    its best ``2 k`` mentors against every mentor, capacities scaled by
    ``fraction`` and rounded up. The duals are tightened (lowest mentor
    prices, :func:`~mentormatch._certificate._tighten`) and each mentor's
    price is ``level * w + potential`` with ``w`` above any score difference,
    so a mentor scarce for coverage ranks after every other. None when there
    is nothing to prune or the sample's duals are unusable. Prices only steer
    which candidates are kept; the certificate never uses them.
    """
    from .solvers import solve

    rows = np.flatnonzero(build.demand > 0).astype(np.int64)
    size = int(round(fraction * rows.size))
    if size < 1 or 2 * k >= build.scorer.n_mentors:
        return None
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(rows, size=size, replace=False))
    sel = build.selector.select(rows, 2 * k)
    cap = np.ceil(build.capacity * fraction).astype(np.int64)
    sample = CandidateProblem(rows.size, build.scorer.n_mentors,
                              np.searchsorted(rows, sel.mentee), sel.mentor, sel.score,
                              demand=build.demand[rows], capacity=cap)
    assignment = solve(cast(MatchProblem, sample), "flow")
    duals = _duals(assignment.info, *sample.shape)
    if duals is None:
        return None
    tight = _tighten(sample, assignment, duals)
    if tight is None:
        return None
    level = np.clip(tight[2], -4, 4)
    pot = tight[3]
    if not (np.isfinite(level).all() and np.isfinite(pot).all()):
        return None
    width = 2.0 * (float(np.abs(pot).max(initial=0.0)) + float(np.abs(sel.score).max(
        initial=0.0))) + 1.0
    price: FloatArray = level * width + pot
    return price


def _start(cohort: Cohort, scorer: Scorer | None, k: int, min_score: float | None,
           block_bytes: int, progress: bool | None, price_sample: float | None = None,
           seed: int = 0) -> _Build:
    from ._match import problem_attributes

    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise InvalidInputError(f"candidates must be an integer >= 1, got {k!r}")
    t0 = time.perf_counter()
    attrs = problem_attributes(cohort)
    tm = TopicMatrices(attrs.topics, attrs.asked, attrs.offered)
    bscorer = BlockScorer(cohort, scorer, topic_matrices=tm)
    n_e, n_r = bscorer.n_mentees, bscorer.n_mentors
    demand = np.array([p.demand for p in cohort.mentees], dtype=np.int64).reshape(n_e)
    capacity = np.array([p.capacity for p in cohort.mentors], dtype=np.int64).reshape(n_r)
    e_pos = {ident: q for q, ident in enumerate(cohort.mentee_ids)}
    r_pos = {ident: q for q, ident in enumerate(cohort.mentor_ids)}
    locked = np.array([(e_pos[e], r_pos[r]) for e, r in cohort.locked],
                      dtype=np.int64).reshape(-1, 2)
    selector = _Selector(bscorer, excluded=_excluded_indices(cohort),
                         dead_mentors=capacity == 0, min_score=min_score,
                         block_bytes=block_bytes)
    build = _Build(cohort, bscorer, selector, demand, capacity, locked, attrs,
                   k=np.zeros(n_e, dtype=np.int64), bound=np.full(n_e, -np.inf))
    if price_sample:
        build.price = _sample_prices(build, int(k), float(price_sample), seed)
    rows = np.flatnonzero(demand > 0).astype(np.int64)
    with Progress(rows.size, "scoring candidates", enabled=progress) as bar:
        sel = build.selector.select(rows, int(k), bar, price=build.price)
    build.k[rows] = min(int(k), n_r)
    build.bound[rows] = sel.bound
    build.edges = {"mentee": sel.mentee, "mentor": sel.mentor, "score": sel.score}
    build.seconds = time.perf_counter() - t0
    return build


def _grow(build: _Build, rows: IntArray, violators: dict[int, list[int]]) -> None:
    """Double k for ``rows`` (rescoring them) and add the violating pairs as candidates."""
    n_r = build.scorer.n_mentors
    old = build.edges
    drop = np.isin(old["mentee"], rows)
    parts = {name: [arr[~drop]] for name, arr in old.items()}
    new_k = np.minimum(build.k[rows] * 2, n_r)
    for kk in np.unique(new_k).tolist():
        sub = rows[new_k == kk]
        sel = build.selector.select(sub, int(kk), price=build.price)
        build.k[sub] = kk
        build.bound[sub] = sel.bound
        parts["mentee"].append(sel.mentee)
        parts["mentor"].append(sel.mentor)
        parts["score"].append(sel.score)
    for i, cols in violators.items():
        build.extra.setdefault(i, set()).update(cols)
    build.edges = {name: np.concatenate(arrs) for name, arrs in parts.items()}


def _problem(build: _Build) -> CandidateProblem:
    e, r, s = build.edges["mentee"], build.edges["mentor"], build.edges["score"]
    extra_e = [i for i, cols in build.extra.items() for _ in cols]
    extra_r = [j for cols in build.extra.values() for j in cols]
    add_e = np.concatenate([np.asarray(extra_e, dtype=np.int64), build.locked[:, 0]])
    add_r = np.concatenate([np.asarray(extra_r, dtype=np.int64), build.locked[:, 1]])
    n_r = build.scorer.n_mentors
    if add_e.size:
        keys = np.unique(add_e * n_r + add_r)
        keys = keys[~np.isin(keys, e * n_r + r)]
        add_e, add_r = keys // n_r, keys % n_r
        e, r = np.concatenate([e, add_e]), np.concatenate([r, add_r])
        s = np.concatenate([s, build.scorer.pair_values(add_e, add_r)[0]])
    mentor_pref = build.scorer.pair_values(e, r)[1]
    return CandidateProblem(
        len(build.cohort.mentees), n_r, e, r, s, mentor_pref=mentor_pref,
        demand=build.demand, capacity=build.capacity, locked=build.locked,
        attributes=build.attributes, bound=build.bound, k=build.k)


def build_candidates(cohort: Cohort, k: int = 50, *, scorer: Scorer | None = None,
                     min_score: float | None = None, block_bytes: int = DEFAULT_BLOCK_BYTES,
                     progress: bool | None = None) -> CandidateProblem:
    """Score a cohort block by block and keep each mentee's ``k`` best admissible mentors.

    Excluded pairs (forbidden, supervision, self), mentors without capacity and
    pairs below ``min_score`` are never candidates; locked pairs always are.
    Ties are broken before the top-k step by mentor index (lower first), so the
    result is deterministic and ``argpartition`` never meets a tie.

    Parameters
    ----------
    cohort : Cohort
    k : int, default=50
        Candidates per mentee (all admissible mentors if fewer).
    scorer : Scorer, optional
        Built-in scorers only; defaults to the default scorer.
    min_score : float, optional
        Pairs scoring below it are not admissible (locked pairs excepted).
    block_bytes : int, default=2**28
        Memory for one block of rows; peak memory grows with it, speed barely.
    progress : bool, optional
        Progress line on stderr; by default only when stderr is a terminal.

    Returns
    -------
    CandidateProblem
        With ``bound`` (the best score a dropped pair of each mentee could
        have) and ``k`` per mentee.

    Examples
    --------
    >>> import mentormatch as mm
    >>> p = build_candidates(mm.example_cohort(), k=3)
    >>> p.n_edges <= 7 * 3 + len(mm.example_cohort().locked), p.k.tolist()[:3]
    (True, [3, 3, 3])
    """
    build = _start(cohort, scorer, k, min_score, block_bytes, progress)
    return _problem(build)


# --------------------------------------------------------------------------- match


_ARRAY_KEYS = ("mentee_dual", "mentor_dual", "mentee_level", "mentor_level",
               "mentee_potential", "mentor_potential")


def _solve(problem: CandidateProblem, solver: str, options: dict[str, Any]) -> Assignment:
    from .solvers import solve

    return solve(cast(MatchProblem, problem), solver, **options)


def match_candidates(cohort: Cohort, solver: str = "flow", *, k: int = 50,
                     scorer: Scorer | None = None, min_score: float | None = None,
                     certify_result: bool = True, max_rounds: int = 12,
                     block_bytes: int = DEFAULT_BLOCK_BYTES, progress: bool | None = None,
                     price_sample: float | None = 0.2, **options: Any) -> MatchResult:
    """Match a large cohort on its best ``k`` candidates per mentee; certify exact answers.

    What :func:`mentormatch.match` runs when given ``candidates=k``. With an
    exact solver exposing duals (``flow``), the answer is certified against
    the full problem; where the certificate fails, the failing mentees get
    twice the candidates (and the improving pairs) and the problem is solved
    again, until it holds: the answer is then the true optimum.

    With ``flow``, candidates are price-guided: a seeded sample of the
    mentees is solved first against scaled-down capacities, and each mentee
    keeps its best ``k`` mentors by score *and* its best ``k`` by score minus
    the sample's mentor price, so popular mentors everyone ranks first do
    not crowd out the ones the optimum needs. This only changes how many
    rounds it takes: the certificate checks the full problem without the
    prices, so the answer is the same certified optimum either way.

    Parameters
    ----------
    cohort : Cohort
    solver : str, default="flow"
        An edge-based solver: ``flow``, ``stable``, ``greedy``.
    k : int, default=50
        Initial candidates per mentee.
    scorer : Scorer, optional
        Built-in scorers only.
    min_score : float, optional
    certify_result : bool, default=True
        Certify (and grow ``k`` where needed) when the solver exposes duals.
    max_rounds : int, default=12
        Solve at most this many times.
    block_bytes : int, default=2**28
        Memory for one block of scoring.
    progress : bool, optional
        Progress on stderr (default: only on a terminal).
    price_sample : float or None, default=0.2
        Fraction of mentees sampled to estimate mentor prices (``flow`` with
        certification only); None keeps the best ``k`` by score alone.
    **options
        Passed to the solver.

    Returns
    -------
    MatchResult
        ``provenance.solver_info["candidates"]`` records ``k`` (initial, max,
        mean), ``rounds``, ``certified`` (True / False / None when no
        certificate applies) and timings; reasons are computed only for the
        pairs made. ``metrics.load_spread`` is exact; ``rank_profile`` and
        ``blocking_pairs`` are computed over the candidate pairs (the full
        matrix is never built): exact for mentees given all they asked from
        their best ``k`` (who outrank every dropped mentor), a lower bound
        for the others.
        The dense path's problem diagnosis notes (which need the full
        matrix) are not added; the supervision notes are.

    Examples
    --------
    >>> import mentormatch as mm
    >>> r = mm.match(mm.example_cohort(), solver="flow", candidates=2)
    >>> info = r.provenance.solver_info["candidates"]
    >>> info["certified"], info["k_initial"], r.metrics.mentees_matched
    (True, 2, 7)
    """
    t0 = time.perf_counter()
    guided = price_sample if solver == "flow" and certify_result else None
    build = _start(cohort, scorer, k, min_score, block_bytes, progress, guided)
    t_score = time.perf_counter() - t0
    rounds = 0
    certified: bool | None = None
    note = ""
    t_solve = t_cert = 0.0
    grown = 0
    while True:
        rounds += 1
        problem = _problem(build)
        t1 = time.perf_counter()
        assignment = _solve(problem, solver, options)
        t_solve += time.perf_counter() - t1
        if not certify_result:
            certified, note = None, "certification not asked for"
            break
        if _duals(assignment.info, *problem.shape) is None:
            certified = None
            note = (f"solver {solver!r} exposes no dual certificate: the answer is "
                    "its answer on the candidate pairs only")
            break
        t2 = time.perf_counter()
        cert = certify(problem, assignment, build.scorer, build.selector)
        t_cert += time.perf_counter() - t2
        if cert.reason:
            certified, note = False, cert.reason
            break
        if cert.certified:
            certified = True
            note = ("certified on the first candidate set" if rounds == 1 else
                    f"certified after growing k for {grown} mentee(s)")
            break
        if rounds >= max_rounds:
            certified = False
            note = f"{cert.failing.size} mentee(s) still uncertified after {rounds} rounds"
            break
        grown += int(cert.failing.size)
        _grow(build, cert.failing, cert.violators)
    info = {key: value for key, value in assignment.info.items() if key not in _ARRAY_KEYS}
    demanded = problem.demand > 0
    info["candidates"] = {
        "k_initial": int(k), "k_max": int(build.k.max(initial=0)),
        "k_mean": float(build.k[demanded].mean()) if demanded.any() else 0.0,
        "n_edges": problem.n_edges, "rounds": rounds, "certified": certified,
        "mentees_grown": grown, "note": note,
        "seconds": {"score": round(t_score, 4), "solve": round(t_solve, 4),
                    "certify": round(t_cert, 4)},
    }
    final = Assignment(assignment.mentee_idx, assignment.mentor_idx, assignment.objective,
                       assignment.solver, info)
    result = _explain(cohort, problem, final, scorer,
                      options={**options, "min_score": min_score, "candidates": int(k)})
    return result


def _explain(cohort: Cohort, problem: CandidateProblem, assignment: Assignment,
             scorer: Scorer | None, *, options: dict[str, Any]) -> MatchResult:
    """Build a MatchResult; reasons come from the real scorer on small sub-cohorts."""
    from ._match import assemble_result

    scorer = scorer or default_scorer()
    e, r = assignment.mentee_idx, assignment.mentor_idx
    edges = problem.edges()
    starts = np.searchsorted(edges.mentee, np.arange(problem.n_mentees + 1))
    # Assignment pairs are sorted by mentee too: a slice, not a scan of every pair.
    mine = np.searchsorted(e, np.arange(problem.n_mentees + 1))

    def why_short(i: int, loads: IntArray) -> str:
        return _why_short(problem, edges.mentor[starts[i]:starts[i + 1]],
                          r[mine[i]:mine[i + 1]], loads, assignment.solver)

    return assemble_result(
        cohort, cast(MatchProblem, problem), assignment, scores=problem.pair_scores(e, r),
        reasons=pair_reasons(cohort, scorer, e, r), why_short=why_short, options=options,
        scorer_name=type(scorer).__name__)


def _why_short(problem: CandidateProblem, candidates: IntArray, mine: IntArray,
               loads: IntArray, solver: str) -> str:
    if candidates.size == 0:
        return "no admissible mentor (all excluded, without capacity or below the minimum score)"
    others = np.setdiff1d(candidates, mine)
    if others.size == 0:
        return f"only {candidates.size} admissible candidate mentor(s)"
    room = others[loads[others] < problem.capacity[others]]
    if room.size == 0:
        return f"every other candidate mentor ({others.size}) is at capacity"
    return (f"{room.size} candidate mentor(s) still had room, but solver {solver!r} "
            "did not assign one")


def pair_reasons(cohort: Cohort, scorer: Scorer, mentee_idx: IntArray, mentor_idx: IntArray,
                 *, block: int = 512) -> list[tuple[str, ...]]:
    """Reasons for the given pairs, from ``scorer`` run on small sub-cohorts.

    Each block of mentees is scored with only the mentors paired with them,
    plus a leading placeholder mentee listing every topic in the cohort's
    order, so topic names come out in the same order as on the full cohort.

    Examples
    --------
    >>> import numpy as np, mentormatch as mm
    >>> from mentormatch.scoring import default_scorer
    >>> c = mm.example_cohort()
    >>> dense = default_scorer().score(c)
    >>> pair_reasons(c, default_scorer(), np.array([0]), np.array([4]))[0] == dense.reasons(0, 4)
    True
    """
    from ._models import Mentee

    e = np.asarray(mentee_idx, dtype=np.int64)
    r = np.asarray(mentor_idx, dtype=np.int64)
    out: list[tuple[str, ...]] = [()] * e.size
    if e.size == 0:
        return out
    order_topics = topic_index(p.topics for p in (*cohort.mentees, *cohort.mentors))
    placeholder = Mentee.model_construct(id="\x00placeholder", topics=dict.fromkeys(
        order_topics, 1.0), demand=0)
    uniq_e = np.unique(e)
    for lo in range(0, uniq_e.size, block):
        rows = uniq_e[lo:lo + block]
        sel = np.flatnonzero(np.isin(e, rows))
        cols = np.unique(r[sel])
        sub = Cohort.model_construct(
            mentees=(placeholder, *(cohort.mentees[i] for i in rows.tolist())),
            mentors=tuple(cohort.mentors[j] for j in cols.tolist()), forbidden=(), locked=(),
            vocabulary=None)
        table = scorer.score(sub)
        ri = np.searchsorted(rows, e[sel]) + 1
        ci = np.searchsorted(cols, r[sel])
        for q, a, b in zip(sel.tolist(), ri.tolist(), ci.tolist(), strict=True):
            out[q] = table.reasons(a, b)
    return out
