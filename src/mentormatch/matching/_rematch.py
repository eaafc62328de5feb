"""rematch: the year after the match, with minimal disruption."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mentormatch.encode import build_problem
from mentormatch.errors import DuplicateIdError, InvalidInputError, UnknownIdError, expect, shorten
from mentormatch.explain import explain
from mentormatch.large import match_candidates
from mentormatch.models import Change, Cohort, MatchResult, Mentee
from mentormatch.scoring import Scorer, default_scorer
from mentormatch.solvers import solve as solve_problem

_REMATCH_KEYS = ("release", "leaving_mentors", "new_mentees")


@dataclass(frozen=True)
class _Changes:
    """What a rematch removes, and the cohorts it leads to."""

    why_removed: dict[tuple[str, str], str]
    released: list[tuple[str, str]]
    leaving: set[str]
    updated: Cohort  # the new cohort as the director sees it (only their locks)
    solved: Cohort  # the same with every kept pair locked: what is solved
    restored: list[str]  # why of each pair the result kept apart and the cohort given did not


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

    Pairs ``result`` kept apart (``provenance.excluded``) stay apart even when
    ``cohort`` no longer excludes them (read without the org chart); a note
    lists them. The read report of ``result`` is kept.

    Every other pair of ``result`` is kept exactly as it was (it is locked); the mentees who
    lost a mentor, the newcomers (and anyone still short) get mentors from the remaining
    capacity. A result made with ``candidates=k`` (a large cohort) is rematched the same way,
    through the large-cohort path of :func:`~mentormatch.match` with the same ``k``, so the
    full score matrix is never built; pass ``candidates=None`` to rematch it densely.

    Parameters
    ----------
    result : MatchResult
        The match in force.
    release : sequence of (mentee_id, mentor_id), default=()
        Pairs to end.
    leaving_mentors : sequence of str, default=()
        Ids of mentors who leave the program (and the mentees' ranked choices).
    new_mentees : sequence of Mentee, default=()
        People joining; their ids must be new.
    cohort : Cohort, optional
        The cohort, if ``result`` was loaded from JSON and no longer carries it.
    solver : str, optional
        Defaults to the solver that made ``result``.
    scorer : Scorer, optional
        Defaults to the default scorer.
    **options
        Passed to the solver; default to the options of ``result``
        (``min_score`` and ``candidates`` included). The large-cohort
        settings of :func:`~mentormatch.match` (``max_rounds``, ``seed``, ...)
        are not recorded in a result; pass them again if they differed.

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
    expect(result, MatchResult, "rematch", "result")
    expect(cohort, Cohort, "rematch", "cohort=", optional=True)
    base = cohort or result.cohort
    if base is None:
        raise InvalidInputError(
            "this result carries no cohort (it was loaded from JSON); pass cohort=..."
        )
    changes = _changes(result, base, release, leaving_mentors, new_mentees)
    prev_options = {k: v for k, v in result.provenance.options.items()
                    if k not in _REMATCH_KEYS}
    rematch_options = {"release": [list(p) for p in changes.released],
                       "leaving_mentors": sorted(changes.leaving),
                       "new_mentees": [p.id for p in new_mentees]}
    out = _solve(changes, solver or result.provenance.solver, scorer or default_scorer(base),
                 {**prev_options, **options}, rematch_options)
    current = {(p.mentee, p.mentor) for p in result.pairs}
    joined = {p.id for p in new_mentees}
    made = [Change(action="removed", mentee=e, mentor=r, why=why)
            for (e, r), why in changes.why_removed.items()]
    made += [Change(action="added", mentee=p.mentee, mentor=p.mentor,
                    why="joined mid-year" if p.mentee in joined else "new mentor after rematch")
             for p in out.pairs if (p.mentee, p.mentor) not in current]
    provenance = out.provenance.model_copy(
        update={"read_report": result.provenance.read_report})
    return out.model_copy(update={"changes": tuple(made), "cohort": changes.updated,
                                  "provenance": provenance,
                                  "notes": (*out.notes, *_restored_note(changes.restored))})


def _restored_note(restored: list[str], limit: int = 10) -> tuple[str, ...]:
    if not restored:
        return ()
    n = len(restored)
    shown = ", ".join(restored[:limit]) + (f" and {n - limit} more" if n > limit else "")
    return (f"{n} pair{'s' if n != 1 else ''} kept apart in the match being rematched "
            f"stay{'s' if n == 1 else ''} apart, although the cohort given does not exclude "
            f"{'them' if n != 1 else 'it'} (an org chart or forbidden pairs not given again): "
            f"{shown}",)


def _restore_exclusions(result: MatchResult, base: Cohort, mentee_ids: set[str],
                        mentor_ids: set[str]) -> dict[tuple[str, str], str]:
    """Return the pairs the result kept apart that ``base`` no longer excludes."""
    excluded = base.excluded_pairs()
    return {(e, r): why for e, r, why in result.provenance.excluded
            if e in mentee_ids and r in mentor_ids and (e, r) not in excluded}


def _changes(result: MatchResult, base: Cohort, release: Sequence[tuple[str, str]],
             leaving_mentors: Sequence[str], new_mentees: Sequence[Mentee]) -> _Changes:
    """Check the requested changes against ``result`` and build the cohorts they lead to."""
    _check_sequences(release, leaving_mentors, new_mentees)
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

    # A mentor who leaves leaves the ranked choices that name them too.
    stayed = tuple(m.model_copy(update={"choices": tuple(c for c in m.choices
                                                         if c not in leaving)})
                   if leaving.intersection(m.choices) else m for m in base.mentees)
    mentors = tuple(m for m in base.mentors if m.id not in leaving)
    restored = _restore_exclusions(result, base, taken, {m.id for m in mentors})
    updated = Cohort(mentees=(*stayed, *new_mentees), mentors=mentors,
                     forbidden=tuple(dict.fromkeys(
                         (*filter(stays, base.forbidden), *released, *restored))),
                     locked=tuple(filter(stays, base.locked)),
                     vocabulary=base.vocabulary, must_haves=base.must_haves,
                     schedule=base.schedule,
                     quotas=tuple(q if q.mentors is None else q.model_copy(update={
                         "mentors": tuple(r for r in q.mentors if r not in leaving)})
                         for q in base.quotas))
    kept = [(p.mentee, p.mentor) for p in result.pairs if stays((p.mentee, p.mentor))]
    solved = Cohort(mentees=updated.mentees, mentors=updated.mentors,
                    forbidden=updated.forbidden,
                    locked=tuple(dict.fromkeys((*updated.locked, *kept))),
                    vocabulary=updated.vocabulary, must_haves=updated.must_haves,
                    schedule=updated.schedule,
                    quotas=updated.quotas)
    return _Changes(why_removed, released, leaving, updated, solved, list(restored.values()))


def _solve(changes: _Changes, solver: str, scorer: Scorer, run_options: dict[str, Any],
           rematch_options: dict[str, Any]) -> MatchResult:
    """Match the cohort with the kept pairs locked, by the path that made the result.

    Pairs are marked ``locked`` only where the director locked them, not
    where rematch keeps a pair.
    """
    options = dict(run_options)
    min_score = options.pop("min_score", None)
    k = options.pop("candidates", None)
    cohort, director = changes.solved, changes.updated.locked
    if k is None:
        table = scorer.score(cohort)
        problem = build_problem(cohort, table, min_score=min_score)
        assignment = solve_problem(problem, solver, **options)
        return explain(cohort, table, problem, assignment,
                       options={**options, "min_score": min_score, **rematch_options},
                       scorer_name=type(scorer).__name__, director_locked=director)
    out = match_candidates(cohort, solver, k=k, scorer=scorer, min_score=min_score, **options)
    locks = set(director)
    pairs = tuple(p.model_copy(update={"locked": (p.mentee, p.mentor) in locks})
                  for p in out.pairs)
    provenance = out.provenance.model_copy(
        update={"options": {**out.provenance.options, **rematch_options}})
    return out.model_copy(update={"pairs": pairs, "provenance": provenance})


def _check_sequences(release: object, leaving_mentors: object, new_mentees: object) -> None:
    """Refuse a change list of the wrong form: a string, or items of the wrong kind."""
    what = {"release": "(mentee_id, mentor_id) pairs", "leaving_mentors": "mentor ids",
            "new_mentees": "Mentee objects"}
    fits: dict[str, Any] = {
        "release": lambda x: (isinstance(x, tuple | list) and len(x) == 2
                              and all(isinstance(i, str) for i in x)),
        "leaving_mentors": lambda x: isinstance(x, str),
        "new_mentees": lambda x: isinstance(x, Mentee)}
    for name, value in (("release", release), ("leaving_mentors", leaving_mentors),
                        ("new_mentees", new_mentees)):
        if isinstance(value, str | bytes) or not isinstance(value, Sequence | set | frozenset):
            raise InvalidInputError(f"{name} must be a list of {what[name]}, "
                                    f"got {type(value).__name__} {shorten(value)}")
        for k, item in enumerate(value):
            if not fits[name](item):
                raise InvalidInputError(f"{name}[{k}] must be one of {what[name]}, "
                                        f"got {type(item).__name__} {shorten(item)}")
