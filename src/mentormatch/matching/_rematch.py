"""rematch: the year after the match, with minimal disruption."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mentormatch.encode import build_problem
from mentormatch.errors import DuplicateIdError, InvalidInputError, UnknownIdError
from mentormatch.explain import explain
from mentormatch.models import (
    Change,
    Cohort,
    MatchResult,
    Mentee,
)
from mentormatch.scoring import Scorer, default_scorer
from mentormatch.solvers import solve as solve_problem

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

