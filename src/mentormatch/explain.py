"""Assignment -> MatchResult: pairs with scores and reasons, who is short and why."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mentormatch.encode import problem_attributes
from mentormatch.models import (
    Cohort,
    MatchResult,
    Metrics,
    MustHaveMask,
    Pair,
    Provenance,
    Shortfall,
    Unmatched,
    choice_profile,
    excluded_choice_notes,
)
from mentormatch.problem import (
    Assignment,
    MatchProblem,
    ProblemAttributes,
    assignment_metrics,
    blocking_pair_indices,
    load_spread,
    rank_profile,
    topic_coverage,
    topic_coverage_bound,
)
from mentormatch.scoring import ScoreTable, slot_rule


@functools.cache
def _library_version() -> str:
    try:
        return version("mentormatch")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


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
    if problem.quotas:  # an optimal solver leaves room unused only to keep a quota
        return (f"{n_room} admissible mentor(s) still had room, but joining any of their "
                "groups would break a group make-up quota")
    return (f"{n_room} admissible mentor(s) still had room, but solver {solver!r} "
            "did not assign one")


def _excluded_note(n_excluded: int, n_mentors: int, min_score: float | None,
                   n_no_slot: int = 0) -> str:
    if n_mentors == 0:
        return "the cohort has no mentors"
    parts = []
    if n_excluded:
        parts.append(f"{n_excluded} of {n_mentors} mentors excluded (forbidden or supervising)")
    if n_no_slot:
        parts.append(f"{n_no_slot} of {n_mentors} mentors share no slot within work hours")
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


def must_have_notes(cohort: Cohort, limit: int = 10) -> tuple[str, ...]:
    """Say which must-haves were applied before solving (nothing when there are none).

    Examples
    --------
    >>> import mentormatch as mm
    >>> c = mm.Cohort(mentees=[mm.Mentee(id="e1")], mentors=[mm.Mentor(id="r1")],
    ...               must_haves=["same site"])
    >>> must_have_notes(c)
    ('1 must-have applied before solving (no pair breaking it is matched): same site',)
    """
    rules = [str(rule) for rule in cohort.must_haves]
    if not rules:
        return ()
    n = len(rules)
    shown = "; ".join(rules[:limit]) + (f"; and {n - limit} more" if n > limit else "")
    what = "must-have applied before solving (no pair breaking it is matched)" if n == 1 \
        else "must-haves applied before solving (no pair breaking one is matched)"
    return (f"{n} {what}: {shown}", *_unknown_tracks(cohort, limit))


def _unknown_tracks(cohort: Cohort, limit: int) -> list[str]:
    """Say which tracks a rule names that no mentee has (a typo refuses every mentee)."""
    track_rules = [rule for rule in cohort.must_haves if rule.kind == "mentee_track"]
    if not track_rules:
        return []
    tracks = sorted({key for e in cohort.mentees if (key := e.track_key) is not None})
    out = []
    for rule in track_rules:
        unknown = [v for v in rule.values if v not in tracks]
        if unknown:
            whose = f"{rule.owner}'s must-have" if rule.owner else "the must-have"
            known = ", ".join(repr(t) for t in tracks[:limit]) + (
                ", ..." if len(tracks) > limit else "")
            out.append(f"{whose} names a track no mentee has: "
                       f"{', '.join(repr(v) for v in unknown)} "
                       f"(the mentees' tracks: {known or 'none given'})")
    return out[:limit] + ([f"and {len(out) - limit} more must-haves name a track no mentee "
                           "has"] if len(out) > limit else [])


def explain(cohort: Cohort, table: ScoreTable, problem: MatchProblem, assignment: Assignment,
            *, options: dict[str, Any], scorer_name: str,
            director_locked: Iterable[tuple[str, str]] | None = None) -> MatchResult:
    """Turn an index-level assignment into a :class:`MatchResult` with reasons."""
    e, r = assignment.mentee_idx, assignment.mentor_idx
    min_score = options.get("min_score")
    # Built once: rebuilding the excluded pairs per short mentee was quadratic.
    excluded = Counter(mentee for mentee, _ in cohort.excluded_pairs())
    rule = slot_rule(cohort)
    no_slot = (~rule.dense()).sum(axis=1) if rule is not None else np.zeros(problem.n_mentees)
    mentee_ids, n_r = cohort.mentee_ids, len(cohort.mentors)
    starts = np.searchsorted(e, np.arange(problem.n_mentees + 1))  # pairs sorted by mentee

    musts = MustHaveMask.of(cohort) if cohort.must_haves else None
    meets_some = np.asarray(musts.dense().any(axis=1) if musts
                            else np.ones(problem.n_mentees, dtype=bool))

    def none_admissible(i: int) -> str:
        if musts is not None and not meets_some[i]:
            return musts.why_none(cohort, i)
        return _excluded_note(excluded[mentee_ids[i]], n_r, min_score, int(no_slot[i]))

    def why_short(i: int, loads: NDArray[np.int64]) -> str:
        return _why_short(problem, r[starts[i]:starts[i + 1]], i, assignment.solver, loads,
                          lambda: none_admissible(i))

    return assemble_result(
        cohort, problem, assignment, scores=problem.scores[e, r],
        reasons=[table.reasons(i, j) for i, j in zip(e.tolist(), r.tolist(), strict=True)],
        why_short=why_short, options=options, scorer_name=scorer_name,
        director_locked=director_locked)


def _topic_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def coverage_reasons(asked: NDArray[np.float64], offered: NDArray[np.float64],
                     topics: Sequence[str], mentee_idx: NDArray[np.int64],
                     mentor_idx: NDArray[np.int64],
                     mentor_ids: Sequence[str]) -> list[tuple[str, ...]]:
    """For each pair (sorted by mentee), what the mentor adds to the mentee's other mentors.

    A pair whose mentee has one mentor, or whose mentor offers no asked topic
    the others lack, gets no reason.

    Examples
    --------
    >>> import numpy as np
    >>> asked = np.array([[1.0, 1.0, 1.0]])
    >>> offered = np.array([[1.0, 0, 0], [0, 1.0, 1.0]])
    >>> coverage_reasons(asked, offered, ("clinical", "research", "grants"),
    ...                  np.array([0, 0]), np.array([0, 1]), ("r1", "r2"))[1]
    ('adds research and grants, which r1 does not offer',)
    """
    out: list[tuple[str, ...]] = [() for _ in range(mentee_idx.size)]
    if not mentee_idx.size:
        return out
    starts = np.flatnonzero(np.r_[True, mentee_idx[1:] != mentee_idx[:-1]])
    ends = np.r_[starts[1:], mentee_idx.size].astype(np.int64)
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        if b - a < 2:
            continue
        i = int(mentee_idx[a])
        mine = mentor_idx[a:b]
        has = (offered[mine] > 0) & (asked[i] > 0)[None, :]
        for k in range(b - a):
            rest = np.delete(has, k, axis=0)
            new = np.flatnonzero(has[k] & ~rest.any(axis=0)).tolist()
            if new:
                others = [mentor_ids[int(j)] for j in np.delete(mine, k).tolist()]
                verb = "does" if len(others) == 1 else "do"
                out[a + k] = (f"adds {_topic_list([topics[t] for t in new])}, which "
                              f"{_topic_list(others)} {verb} not offer",)
    return out


def _coverage_bound(problem: MatchProblem, attrs: ProblemAttributes, info: dict[str, Any],
                    value: float) -> float | None:
    """Return the solver's coverage bound if it gives one, else what admissible mentors offer."""
    if info.get("coverage_bound") is not None:
        return max(float(info["coverage_bound"]), value)
    if info.get("coverage") is True and info.get("optimal"):
        return value  # ilp(coverage=True) proved this the optimum
    if not isinstance(problem, MatchProblem):
        return None
    return max(topic_coverage_bound(problem, attrs.asked, attrs.offered), value)


def assemble_result(cohort: Cohort, problem: MatchProblem, assignment: Assignment, *,
                    scores: ArrayLike, reasons: Sequence[tuple[str, ...]],
                    why_short: Callable[[int, NDArray[np.int64]], str],
                    options: dict[str, Any], scorer_name: str,
                    director_locked: Iterable[tuple[str, str]] | None = None) -> MatchResult:
    """Build a :class:`MatchResult` from an assignment, its pair scores and reasons.

    The part of :func:`explain` shared with the sparse candidate path: pairs,
    unmatched and shortfall (``why_short(i, loads)`` says why mentee ``i`` got
    fewer mentors than asked), metrics, provenance and notes. Each pair's
    reasons end with what its mentor adds to the mentee's other mentors
    (:func:`coverage_reasons`). ``problem`` may
    be any problem with ``edges()`` (a ``CandidateProblem`` too): rank profile
    and blocking pairs are then computed over its admissible pairs only.
    """
    mentee_ids, mentor_ids = cohort.mentee_ids, cohort.mentor_ids
    attrs = problem.attributes or problem_attributes(cohort)
    adds = coverage_reasons(attrs.asked, attrs.offered, attrs.topics, assignment.mentee_idx,
                            assignment.mentor_idx, mentor_ids)
    reasons = [(*why, *more) for why, more in zip(reasons, adds, strict=True)]
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
    cov = topic_coverage(attrs.asked, attrs.offered, assignment)
    asking = np.flatnonzero(problem.demand > 0)
    coverage = float(cov[asking].mean()) if asking.size else 1.0
    metrics = Metrics(
        total_score=am.total_score, mean_score=am.mean_score, min_score=am.min_score,
        n_pairs=am.n_pairs, mentees_matched=am.mentees_matched,
        mentees_asking=am.mentees_asking,
        topic_coverage=coverage,
        topic_coverage_bound=_coverage_bound(problem, attrs, assignment.info, coverage),
        coverage_by_mentee={mentee_ids[i]: float(cov[i]) for i in asking.tolist()},
        mentor_loads=dict(zip(mentor_ids, am.loads.tolist(), strict=True)),
        rank_profile=rank_profile(problem, assignment),
        blocking_pairs=len(blocking_pair_indices(problem, assignment)),
        load_spread=load_spread(problem, assignment).std,
        **_priority_metrics(problem, am.counts),
        choices=choice_profile(cohort, zip(pair_mentees, pair_mentors, strict=True)),
    )
    provenance = Provenance(library_version=_library_version(), solver=assignment.solver,
                            options=_jsonable(options), solver_info=_jsonable(assignment.info),
                            scorer=scorer_name,
                            must_haves=tuple(str(rule) for rule in cohort.must_haves),
                            excluded=tuple((e, r, why) for (e, r), why
                                           in cohort.excluded_pairs().items() if e != r))
    return MatchResult(pairs=pairs, unmatched=tuple(unmatched), shortfall=tuple(shortfall),
                       metrics=metrics, provenance=provenance, cohort=cohort,
                       notes=(*supervision_notes(cohort), *must_have_notes(cohort),
                              *schedule_notes(cohort), *_choice_notes(cohort, metrics)))


def _priority_metrics(problem: MatchProblem, counts: NDArray[np.int64]) -> dict[str, int]:
    """Priority mentees matched and asking, when the problem has a priority group."""
    priority = getattr(problem, "priority", None)
    if priority is None:
        return {}
    asking = priority & (problem.demand > 0)
    return {"priority_matched": int((asking & (counts > 0)).sum()),
            "priority_asking": int(asking.sum())}


def _choice_notes(cohort: Cohort, metrics: Metrics) -> tuple[str, ...]:
    """Return the rank profile as a note, and ranked choices naming pairs never matched."""
    if metrics.choices is None:
        return ()
    return (f"ranked choices: {metrics.choices.summary()}", *excluded_choice_notes(cohort))


def schedule_notes(cohort: Cohort) -> tuple[str, ...]:
    """Return notes on how availability was read: the default schedule, the common-slot rule.

    Examples
    --------
    >>> import mentormatch as mm
    >>> c = mm.Cohort(mentees=[mm.Mentee(id="e1")],
    ...               mentors=[mm.Mentor(id="r1", availability="Tue morning")],
    ...               schedule=mm.Schedule(require_common_slot=True))
    >>> schedule_notes(c)[0]
    'common-slot rule: a pair must share a 60-minute slot within work hours (09:00-17:00, ...'
    """
    people = (*cohort.mentees, *cohort.mentors)
    if cohort.schedule is None:
        if any(p.availability for p in people):
            return ("availability read against the default schedule: Monday to Friday, "
                    "09:00-17:00, every site in UTC (give the cohort a Schedule to change it)",)
        return ()
    if not cohort.schedule.require_common_slot:
        return ()
    s = cohort.schedule.model_dump()
    days = s["work_days"]
    span = f"{days[0]} to {days[-1]}" if len(days) > 2 else " and ".join(days)
    note = (f"common-slot rule: a pair must share a {s['meeting_minutes']}-minute slot within "
            f"work hours ({s['work_hours']}, {span})")
    e_free = sum(not p.availability for p in cohort.mentees)
    r_free = sum(not p.availability for p in cohort.mentors)
    if e_free or r_free:
        note += (f"; {e_free} mentee(s) and {r_free} mentor(s) gave no availability and are "
                 "exempt from it")
    return (note,)


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

