"""Newcomer buddies: a round of its own pairing each newcomer with someone who has been there.

Newcomers (``newcomer=True`` or ``trained_abroad=True``) each get one buddy
among the mentors who are ``trained_abroad`` or ``relocated`` themselves and
offer ``buddy_capacity``. Scoring is :class:`~mentormatch.scoring.BuddyScorer`
(lived experience, then site); the result is an ordinary
:class:`~mentormatch.MatchResult`, so it exports like any match.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from mentormatch.encode import build_problem
from mentormatch.errors import UnknownIdError, expect, shorten
from mentormatch.explain import explain
from mentormatch.models import Cohort, History, MatchResult, Mentor, Unmatched
from mentormatch.problem import MatchProblem
from mentormatch.scoring import BuddyScorer, Scorer
from mentormatch.solvers import DEFAULT_SOLVER
from mentormatch.solvers import solve as solve_problem

__all__ = ["match_buddies"]


def _mentor_as_buddy(mentor: Mentor) -> Mentor:
    update: dict[str, object] = {"capacity": mentor.buddy_capacity}
    if "min_load" in Mentor.model_fields:
        update["min_load"] = 0
    return mentor.model_copy(update=update)


def _check_known(cohort: Cohort, mentors_of: Mapping[str, set[str]]) -> None:
    mentees, mentors = set(cohort.mentee_ids), set(cohort.mentor_ids)
    for e, rs in mentors_of.items():
        if e not in mentees:
            raise UnknownIdError(f"mentors_of: unknown mentee id {shorten(e)}")
        for r in sorted(rs):
            if r not in mentors:
                raise UnknownIdError(f"mentors_of[{shorten(e)}]: unknown mentor id {shorten(r)}")


def match_buddies(cohort: Cohort, *, mentors_of: Mapping[str, Iterable[str]] | None = None,
                  allow_mentor: bool = False, solver: str = DEFAULT_SOLVER,
                  scorer: Scorer | None = None, history: History | None = None) -> MatchResult:
    """Give each newcomer a buddy who has been through licensing and relocation.

    Parameters
    ----------
    cohort : Cohort
        Newcomers are the mentees with ``newcomer`` or ``trained_abroad`` set;
        buddies are drawn from the mentors who are ``trained_abroad`` or
        ``relocated``, up to their ``buddy_capacity`` (separate from ``capacity``).
    mentors_of : mapping of mentee id to mentor ids, optional
        Each newcomer's long-term mentors; a buddy is never one of them unless
        ``allow_mentor``. Every id must be in the cohort.
    allow_mentor : bool, default=False
        Allow a newcomer's mentor to be their buddy too.
    solver : str, default=DEFAULT_SOLVER
        Any registered solver (one buddy each, so ``"hungarian"`` is exact).
    scorer : Scorer, optional
        Defaults to :class:`~mentormatch.scoring.BuddyScorer`.
    history : History, optional
        Last year's buddy pairs (``history.buddies``) are never made again (a
        hard rule: a newcomer still flagged a year on meets someone new); the
        notes list those that applied.

    Returns
    -------
    MatchResult
        Pairs are (newcomer, buddy) with reasons; newcomers without a buddy are
        in ``unmatched`` with the reason.

    Raises
    ------
    UnknownIdError
        If ``mentors_of`` names a mentee or mentor not in the cohort.

    Examples
    --------
    >>> import mentormatch as mm
    >>> c = mm.Cohort(mentees=[mm.Mentee(id="e1", newcomer=True, trained_abroad=True),
    ...                        mm.Mentee(id="e2")],
    ...               mentors=[mm.Mentor(id="r1", trained_abroad=True),
    ...                        mm.Mentor(id="r2", relocated=True), mm.Mentor(id="r3")])
    >>> result = mm.match_buddies(c, mentors_of={"e1": ["r2"]})
    >>> [(p.mentee, p.mentor) for p in result.pairs]
    [('e1', 'r1')]
    >>> mm.match_buddies(c, mentors_of={"e1": ["r1", "r2"]}).unmatched[0].reason
    'every experienced buddy is excluded (2 already their mentor)'
    """
    expect(cohort, Cohort, "match_buddies", "cohort")
    newcomers = [e for e in cohort.mentees if e.newcomer or e.trained_abroad]
    ids = {e.id for e in newcomers}
    long_term = {e: set(rs) for e, rs in (mentors_of or {}).items()}
    _check_known(cohort, long_term)
    forbidden = [(e, r) for e, r in cohort.forbidden if e in ids]
    if not allow_mentor:
        forbidden += [(e, r) for e in sorted(ids) for r in sorted(long_term.get(e, ()))
                      if (e, r) not in set(forbidden)]
    before = _last_years_buddies(cohort, history, ids)
    forbidden += [p for p in before if p not in set(forbidden)]
    sub = Cohort(mentees=tuple(e.model_copy(update={"demand": 1}) for e in newcomers),
                 mentors=tuple(_mentor_as_buddy(r) for r in cohort.mentors),
                 forbidden=tuple(dict.fromkeys(forbidden)), schedule=cohort.schedule)
    scorer = scorer or BuddyScorer()
    table = scorer.score(sub)
    base = build_problem(sub, table)
    experienced = np.array([r.trained_abroad or r.relocated for r in cohort.mentors], dtype=bool)
    allowed = base.allowed & experienced[None, :]
    problem = MatchProblem(scores=base.scores, demand=base.demand, capacity=base.capacity,
                           allowed=allowed, attributes=base.attributes)
    assignment = solve_problem(problem, solver)
    result = explain(sub, table, problem, assignment,
                     options={"round": "buddies", "allow_mentor": allow_mentor},
                     scorer_name=type(scorer).__name__)
    offering = experienced & (problem.capacity > 0)
    unmatched = []
    r_ids = cohort.mentor_ids
    for u in result.unmatched:
        i = sub.mentee_ids.index(u.mentee)
        if not offering.any():
            why = ("no one with buddy capacity has been through licensing abroad or "
                   "relocation (set trained_abroad / relocated on mentors)")
        elif not (allowed[i] & offering).any():
            mine = sum(1 for j in np.flatnonzero(offering)
                       if r_ids[j] in long_term.get(u.mentee, set()))
            why = "every experienced buddy is excluded"
            why += f" ({mine} already their mentor)" if mine and not allow_mentor else \
                " (forbidden or supervising)"
        else:
            why = "every experienced buddy is at buddy capacity"
        unmatched.append(Unmatched(mentee=u.mentee, reason=why))
    notes = ((f"history: {len(before)} buddy pair(s) of {history.label} not repeated: "
              + ", ".join(f"({e}, {r})" for e, r in before),)
             if before and history is not None else ())
    return result.model_copy(update={"unmatched": tuple(unmatched),
                                     "notes": (*result.notes, *notes)})


def _last_years_buddies(cohort: Cohort, history: History | None,
                        newcomers: set[str]) -> list[tuple[str, str]]:
    """Last year's buddy pairs whose newcomer and buddy are both in this round."""
    if history is None:
        return []
    mentors = set(cohort.mentor_ids)
    return [(e, r) for e, r in history.buddies if e in newcomers and r in mentors]
