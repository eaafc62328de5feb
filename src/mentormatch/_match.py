"""Cohort-level entry points: score, build the problem, solve, and explain the answer."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import BaseModel, ConfigDict

from ._diagnosis import diagnose_problem
from ._errors import DuplicateIdError, InvalidInputError, UnknownIdError
from ._metrics import assignment_metrics, load_spread, rank_profile, topic_coverage
from ._models import Cohort, Mentee
from ._problem import MIN_SCORE_SLACK, Assignment, MatchProblem, ProblemAttributes
from ._result import Change, MatchResult, Metrics, Pair, Provenance, Shortfall, Unmatched
from ._stability import blocking_pair_indices
from .scoring import Scorer, ScoreTable, TopicMatrices, default_scorer
from .solvers import DEFAULT_SOLVER
from .solvers import solve as solve_problem

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Recommendation", "Shortlist", "build_problem", "match", "rematch", "shortlist"]


@functools.cache
def _library_version() -> str:
    try:
        return version("mentormatch")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def problem_attributes(cohort: Cohort) -> ProblemAttributes:
    """Topics and divisions of a cohort in the array form solvers take.

    Examples
    --------
    >>> import mentormatch as mm
    >>> attrs = problem_attributes(mm.example_cohort())
    >>> attrs.asked.shape[0], attrs.offered.shape[0], len(attrs.groups) > 0
    (7, 33, True)
    """
    tm = TopicMatrices.of(cohort)
    names = [p.division for p in (*cohort.mentees, *cohort.mentors)]
    names += [d for m in cohort.mentors for d in m.leads_divisions]
    groups = tuple(dict.fromkeys(n for n in names if n is not None))
    code = {g: k for k, g in enumerate(groups)}
    leads = np.zeros((len(cohort.mentors), len(groups)), dtype=bool)
    for j, m in enumerate(cohort.mentors):
        for d in m.leads_divisions:
            leads[j, code[d]] = True
    return ProblemAttributes(
        asked=tm.asked, offered=tm.offered, topics=tm.topics,
        mentee_group=np.array([code.get(p.division, -1) if p.division else -1
                               for p in cohort.mentees], dtype=np.int64),
        mentor_group=np.array([code.get(p.division, -1) if p.division else -1
                               for p in cohort.mentors], dtype=np.int64),
        mentor_leads=leads, groups=groups,
    )


def build_problem(cohort: Cohort, table: ScoreTable, *,
                  min_score: float | None = None) -> MatchProblem:
    """Encode a cohort and its scores as a :class:`MatchProblem`.

    Excluded pairs (forbidden, supervision, self) are not allowed; with
    ``min_score``, neither are pairs scoring below it (locked pairs stay); a
    score within floating-point rounding (``MIN_SCORE_SLACK``) of it counts as
    reaching it, so 0.45 reached as 0.30000000000000004 + 0.15 is admitted.

    Examples
    --------
    >>> import mentormatch as mm
    >>> from mentormatch.scoring import default_scorer
    >>> c = mm.example_cohort()
    >>> p = build_problem(c, default_scorer().score(c))
    >>> p.shape
    (7, 33)
    """
    e_pos = {ident: k for k, ident in enumerate(cohort.mentee_ids)}
    r_pos = {ident: k for k, ident in enumerate(cohort.mentor_ids)}
    scores = table.mentee_scores
    allowed = np.ones(scores.shape, dtype=bool)
    for e, r in cohort.excluded_pairs():
        allowed[e_pos[e], r_pos[r]] = False
    if min_score is not None:
        allowed &= scores >= min_score - MIN_SCORE_SLACK
    locked = np.array([(e_pos[e], r_pos[r]) for e, r in cohort.locked], dtype=np.int64)
    if locked.size:
        allowed[locked[:, 0], locked[:, 1]] = True
    return MatchProblem(
        scores=scores,
        demand=np.array([p.demand for p in cohort.mentees], dtype=np.int64),
        capacity=np.array([p.capacity for p in cohort.mentors], dtype=np.int64),
        allowed=allowed,
        locked=locked.reshape(-1, 2),
        min_load=np.array([p.min_load for p in cohort.mentors], dtype=np.int64),
        mentor_prefs=table.mentor_scores if table.has_two_views else None,
        attributes=problem_attributes(cohort),
    )


def _why_short(problem: MatchProblem, mine: NDArray[np.int64], i: int, solver: str,
               loads: NDArray[np.int64], excluded_note: Callable[[], str]) -> str:
    admissible = problem.allowed[i]
    n_admissible = int(admissible.sum())
    if n_admissible == 0:
        return f"no admissible mentor: {excluded_note()}"
    others = admissible.copy()
    others[mine] = False
    n_others = int(others.sum())
    if not n_others:
        return f"only {n_admissible} admissible mentor(s) in the cohort"
    n_room = int((others & (loads < problem.capacity)).sum())
    if not n_room:
        return f"every other admissible mentor ({n_others}) is at capacity"
    return (f"{n_room} admissible mentor(s) still had room, but solver {solver!r} "
            "did not assign one")


def _excluded_note(n_excluded: int, n_mentors: int, min_score: float | None) -> str:
    if n_mentors == 0:
        return "the cohort has no mentors"
    parts = []
    if n_excluded:
        parts.append(f"{n_excluded} of {n_mentors} mentors excluded (forbidden or supervising)")
    if min_score is not None:
        parts.append(f"the rest score below the minimum {min_score}")
    if not parts:
        parts.append("every mentor offers no capacity")
    return "; ".join(parts)


def supervision_notes(cohort: Cohort, limit: int = 10) -> tuple[str, ...]:
    """Return a note naming the supervisor relations kept out of matching (ids only).

    Examples
    --------
    >>> import mentormatch as mm
    >>> supervision_notes(mm.example_cohort())
    ('1 supervisor relation was excluded from matching: mentor-03 supervises new-02',)
    """
    relations = list(cohort.supervision_pairs().values())
    if not relations:
        return ()
    n = len(relations)
    shown = ", ".join(relations[:limit]) + (f" and {n - limit} more" if n > limit else "")
    verb = "relation was" if n == 1 else "relations were"
    return (f"{n} supervisor {verb} excluded from matching: {shown}",)


def explain(cohort: Cohort, table: ScoreTable, problem: MatchProblem, assignment: Assignment,
            *, options: dict[str, Any], scorer_name: str,
            director_locked: Iterable[tuple[str, str]] | None = None) -> MatchResult:
    """Turn an index-level assignment into a :class:`MatchResult` with reasons."""
    e, r = assignment.mentee_idx, assignment.mentor_idx
    min_score = options.get("min_score")
    # Built once: rebuilding the excluded pairs per short mentee was quadratic.
    excluded = Counter(mentee for mentee, _ in cohort.excluded_pairs())
    mentee_ids, n_r = cohort.mentee_ids, len(cohort.mentors)
    starts = np.searchsorted(e, np.arange(problem.n_mentees + 1))  # pairs sorted by mentee

    def why_short(i: int, loads: NDArray[np.int64]) -> str:
        return _why_short(problem, r[starts[i]:starts[i + 1]], i, assignment.solver, loads,
                          lambda: _excluded_note(excluded[mentee_ids[i]], n_r, min_score))

    return assemble_result(
        cohort, problem, assignment, scores=problem.scores[e, r],
        reasons=[table.reasons(i, j) for i, j in zip(e.tolist(), r.tolist(), strict=True)],
        why_short=why_short, options=options, scorer_name=scorer_name,
        director_locked=director_locked)


def assemble_result(cohort: Cohort, problem: MatchProblem, assignment: Assignment, *,
                    scores: ArrayLike, reasons: Sequence[tuple[str, ...]],
                    why_short: Callable[[int, NDArray[np.int64]], str],
                    options: dict[str, Any], scorer_name: str,
                    director_locked: Iterable[tuple[str, str]] | None = None) -> MatchResult:
    """Build a :class:`MatchResult` from an assignment, its pair scores and reasons.

    The part of :func:`explain` shared with the sparse candidate path: pairs,
    unmatched and shortfall (``why_short(i, loads)`` says why mentee ``i`` got
    fewer mentors than asked), metrics, provenance and notes. ``problem`` may
    be any problem with ``edges()`` (a ``CandidateProblem`` too): rank profile
    and blocking pairs are then computed over its admissible pairs only.
    """
    mentee_ids, mentor_ids = cohort.mentee_ids, cohort.mentor_ids
    locked = set(cohort.locked if director_locked is None else director_locked)
    pair_mentees = [mentee_ids[i] for i in assignment.mentee_idx.tolist()]
    pair_mentors = [mentor_ids[j] for j in assignment.mentor_idx.tolist()]
    pair_locked = [pair in locked for pair in zip(pair_mentees, pair_mentors, strict=True)]
    pairs = tuple(Pair(mentee=e, mentor=r, score=s, reasons=why, locked=lock)
                  for e, r, s, why, lock in zip(
                      pair_mentees, pair_mentors, np.asarray(scores, dtype=np.float64).tolist(),
                      reasons, pair_locked, strict=True))
    am = assignment_metrics(problem, assignment)
    unmatched: list[Unmatched] = []
    shortfall: list[Shortfall] = []
    for i in np.flatnonzero(am.counts < problem.demand).tolist():
        why = why_short(i, am.loads)
        if am.counts[i] == 0:
            unmatched.append(Unmatched(mentee=mentee_ids[i], reason=why))
        else:
            shortfall.append(Shortfall(mentee=mentee_ids[i], asked=int(problem.demand[i]),
                                       given=int(am.counts[i]), reason=why))
    attrs = problem.attributes or problem_attributes(cohort)
    cov = topic_coverage(attrs.asked, attrs.offered, assignment)
    asking = np.flatnonzero(problem.demand > 0)
    metrics = Metrics(
        total_score=am.total_score, mean_score=am.mean_score, min_score=am.min_score,
        n_pairs=am.n_pairs, mentees_matched=am.mentees_matched,
        mentees_asking=am.mentees_asking,
        topic_coverage=float(cov[asking].mean()) if asking.size else 1.0,
        coverage_by_mentee={mentee_ids[i]: float(cov[i]) for i in asking.tolist()},
        mentor_loads=dict(zip(mentor_ids, am.loads.tolist(), strict=True)),
        rank_profile=rank_profile(problem, assignment),
        blocking_pairs=len(blocking_pair_indices(problem, assignment)),
        load_spread=load_spread(problem, assignment).std,
    )
    provenance = Provenance(library_version=_library_version(), solver=assignment.solver,
                            options=_jsonable(options), solver_info=_jsonable(assignment.info),
                            scorer=scorer_name)
    return MatchResult(pairs=pairs, unmatched=tuple(unmatched), shortfall=tuple(shortfall),
                       metrics=metrics, provenance=provenance, cohort=cohort,
                       notes=supervision_notes(cohort))


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, np.ndarray):
            continue  # per-person arrays (a solver's duals) stay on the Assignment
        if isinstance(value, np.generic):
            value = value.item()
        out[key] = value if isinstance(value, str | int | float | bool | None | list | dict) \
            else repr(value)
    return out


def match(cohort: Cohort, solver: str = DEFAULT_SOLVER, *, scorer: Scorer | None = None,
          min_score: float | None = None, candidates: int | None = None,
          **options: Any) -> MatchResult:
    """Score every pair of a cohort, solve, and explain each pair made.

    Parameters
    ----------
    cohort : Cohort
        Mentees, mentors and constraints.
    solver : str, default=DEFAULT_SOLVER
        A name from :func:`mentormatch.solvers.available`.
    scorer : Scorer, optional
        Defaults to :func:`mentormatch.scoring.default_scorer`.
    min_score : float, optional
        Pairs scoring below this are never made (locked pairs excepted).
    candidates : int, optional
        For large cohorts: never build the full matrix; start from each
        mentee's best ``candidates`` mentors (10 is a good start). With
        ``solver="flow"`` the answer is the proved optimum of the full cohort:
        pairs that could improve it are added until none can
        (``provenance.solver_info["candidates"]`` says how). Other edge-based
        solvers (stable, greedy) run once on the best ``candidates`` by score.
    **options
        Passed to the solver.

    Returns
    -------
    MatchResult
        Pairs with scores and reasons, unmatched and shortfall with reasons,
        metrics and provenance.

    Examples
    --------
    >>> import mentormatch as mm
    >>> result = mm.match(mm.example_cohort(), solver="hungarian")
    >>> result.metrics.mentees_matched == result.metrics.mentees_asking == 7
    True
    >>> result.pairs[0].reasons[0].startswith("offers")
    True
    """
    if candidates is not None:
        from ._candidates import match_candidates

        return match_candidates(cohort, solver, k=candidates, scorer=scorer,
                                min_score=min_score, **options)
    scorer = scorer or default_scorer()
    table = scorer.score(cohort)
    problem = build_problem(cohort, table, min_score=min_score)
    diagnosis = diagnose_problem(cohort, problem)  # raises for impossible minimum loads
    assignment = solve_problem(problem, solver, **options)
    result = explain(cohort, table, problem, assignment,
                     options={**options, "min_score": min_score},
                     scorer_name=type(scorer).__name__)
    if diagnosis.findings:
        result = result.model_copy(update={"notes": (*result.notes, *diagnosis.messages)})
    return result


class Recommendation(BaseModel):
    """A recommended mentor for a mentee, with its rank, score and reasons."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mentee: str
    mentor: str
    rank: int
    score: float
    reasons: tuple[str, ...]


class Shortlist(BaseModel):
    """The director's catalogue: the best ``k`` admissible mentors per mentee."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    k: int
    recommendations: tuple[Recommendation, ...]

    def for_mentee(self, mentee: str) -> tuple[Recommendation, ...]:
        """Recommendations for one mentee, best first."""
        return tuple(r for r in self.recommendations if r.mentee == mentee)

    def to_frame(self) -> pd.DataFrame:
        """Recommendations as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        rows = [{**r.model_dump(), "reasons": "; ".join(r.reasons)}
                for r in self.recommendations]
        return pd.DataFrame(rows, columns=["mentee", "mentor", "rank", "score", "reasons"])


def shortlist(cohort: Cohort, k: int = 2, *, scorer: Scorer | None = None,
              min_score: float | None = None) -> Shortlist:
    """Recommend the ``k`` most suitable mentors for each mentee, with reasons.

    Never recommends an excluded pair (forbidden, supervisor) or a mentor with
    no capacity. Ties go to the mentor listed first.

    Parameters
    ----------
    cohort : Cohort
    k : int, default=2
    scorer : Scorer, optional
    min_score : float, optional

    Returns
    -------
    Shortlist

    Examples
    --------
    >>> import mentormatch as mm
    >>> sl = mm.shortlist(mm.example_cohort(), k=2)
    >>> [r.rank for r in sl.for_mentee("new-01")]
    [1, 2]
    """
    if k < 1:
        raise InvalidInputError(f"k must be >= 1, got {k}")
    scorer = scorer or default_scorer()
    table = scorer.score(cohort)
    problem = build_problem(cohort, table, min_score=min_score)
    ok = problem.allowed & (problem.capacity > 0)[None, :]
    masked = np.where(ok, problem.scores, -np.inf)
    order = np.argsort(-masked, axis=1, kind="stable")[:, :k]
    recs = []
    e_ids, r_ids = cohort.mentee_ids, cohort.mentor_ids
    for i, row in enumerate(order.tolist()):
        rank = 0
        for j in row:
            if not ok[i, j]:
                break
            rank += 1
            recs.append(Recommendation(
                mentee=e_ids[i], mentor=r_ids[j], rank=rank,
                score=float(problem.scores[i, j]), reasons=table.reasons(i, j)))
    return Shortlist(k=k, recommendations=tuple(recs))


_REMATCH_KEYS = ("release", "leaving_mentors", "new_mentees")


def rematch(result: MatchResult, release: Sequence[tuple[str, str]] = (), *,
            leaving_mentors: Sequence[str] = (), new_mentees: Sequence[Mentee] = (),
            cohort: Cohort | None = None, solver: str | None = None,
            scorer: Scorer | None = None, **options: Any) -> MatchResult:
    """Handle the year after the match with minimal disruption: only what changed changes.

    Three kinds of change, alone or together:

    - ``release``: a mentee asks for a different mentor; the pair is dropped and
      forbidden from then on.
    - ``leaving_mentors``: a mentor leaves; all their pairs are dropped and the
      mentor is removed from the cohort.
    - ``new_mentees``: new faculty join mid-year; they are added to the cohort
      and matched from the remaining capacity.

    Every other pair of ``result`` is kept exactly as it was; the mentees who
    lost a mentor, the newcomers (and anyone still short) get mentors from the
    remaining capacity.

    Parameters
    ----------
    result : MatchResult
        The match in force.
    release : sequence of (mentee_id, mentor_id), default=()
        Pairs to end.
    leaving_mentors : sequence of str, default=()
        Ids of mentors who leave the program.
    new_mentees : sequence of Mentee, default=()
        People joining; their ids must be new.
    cohort : Cohort, optional
        The cohort, if ``result`` was loaded from JSON and no longer carries it.
    solver : str, optional
        Defaults to the solver that made ``result``.
    scorer : Scorer, optional
        Defaults to the default scorer.
    **options
        Passed to the solver; default to the options of ``result``.

    Returns
    -------
    MatchResult
        With ``changes`` listing the pairs removed and added, and the updated
        cohort (mentor removed, newcomers added, released pairs forbidden).

    Raises
    ------
    UnknownIdError
        A released pair not in the result, or a leaving mentor not in the cohort.
    DuplicateIdError
        A new mentee whose id is already taken.

    Examples
    --------
    >>> import mentormatch as mm
    >>> first = mm.match(mm.example_cohort())
    >>> gone = first.pairs[0]
    >>> after = mm.rematch(first, release=[(gone.mentee, gone.mentor)])
    >>> [(c.action, c.mentee) for c in after.changes][0] == ("removed", gone.mentee)
    True
    >>> later = mm.rematch(after, leaving_mentors=["mentor-24"],
    ...                    new_mentees=[mm.Mentee(id="new-08", topics=["leadership"])])
    >>> "mentor-24" in later.cohort.mentor_ids, later.mentors_of("new-08") != ()
    (False, True)
    """
    base = cohort or result.cohort
    if base is None:
        raise InvalidInputError(
            "this result carries no cohort (it was loaded from JSON); pass cohort=..."
        )
    current = {(p.mentee, p.mentor) for p in result.pairs}
    why_removed: dict[tuple[str, str], str] = {}
    for k, (e, r) in enumerate(release):
        if (e, r) not in current:
            raise UnknownIdError(f"release[{k}]: pair ({e!r}, {r!r}) is not in the result")
        why_removed[(e, r)] = "released on request"
    mentor_ids = set(base.mentor_ids)
    leaving = set()
    for k, r in enumerate(leaving_mentors):
        if r not in mentor_ids:
            raise UnknownIdError(f"leaving_mentors[{k}]: unknown mentor id {r!r}")
        leaving.add(r)
    for p in result.pairs:
        if p.mentor in leaving:
            why_removed[(p.mentee, p.mentor)] = f"{p.mentor} left the program"
    taken = set(base.mentee_ids)
    for k, person in enumerate(new_mentees):
        if person.id in taken:
            raise DuplicateIdError(f"new_mentees[{k}]: mentee id {person.id!r} is already "
                                   "in the cohort")
        taken.add(person.id)
    released = [pair for pair in why_removed if pair[1] not in leaving]

    def stays(pair: tuple[str, str]) -> bool:
        return pair[1] not in leaving and pair not in why_removed

    updated = Cohort(mentees=(*base.mentees, *new_mentees),
                     mentors=tuple(m for m in base.mentors if m.id not in leaving),
                     forbidden=tuple(dict.fromkeys(
                         (*filter(stays, base.forbidden), *released))),
                     locked=tuple(filter(stays, base.locked)),
                     vocabulary=base.vocabulary)
    kept = [(p.mentee, p.mentor) for p in result.pairs if stays((p.mentee, p.mentor))]
    new_cohort = Cohort(mentees=updated.mentees, mentors=updated.mentors,
                        forbidden=updated.forbidden,
                        locked=tuple(dict.fromkeys((*updated.locked, *kept))),
                        vocabulary=updated.vocabulary)
    prev_options = {k: v for k, v in result.provenance.options.items()
                    if k not in _REMATCH_KEYS}
    run_options = {**prev_options, **options}
    min_score = run_options.pop("min_score", None)
    scorer = scorer or default_scorer()
    table = scorer.score(new_cohort)
    problem = build_problem(new_cohort, table, min_score=min_score)
    assignment = solve_problem(problem, solver or result.provenance.solver, **run_options)
    out = explain(new_cohort, table, problem, assignment,
                  options={**run_options, "min_score": min_score,
                           "release": [list(p) for p in released],
                           "leaving_mentors": sorted(leaving),
                           "new_mentees": [p.id for p in new_mentees]},
                  scorer_name=type(scorer).__name__, director_locked=updated.locked)
    joined = {p.id for p in new_mentees}
    changes = [Change(action="removed", mentee=e, mentor=r, why=why)
               for (e, r), why in why_removed.items()]
    changes += [Change(action="added", mentee=p.mentee, mentor=p.mentor,
                       why="joined mid-year" if p.mentee in joined
                       else "new mentor after rematch")
                for p in out.pairs if (p.mentee, p.mentor) not in current]
    return out.model_copy(update={"changes": tuple(changes), "cohort": updated})
