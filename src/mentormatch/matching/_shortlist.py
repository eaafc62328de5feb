"""shortlist: the best admissible mentors per mentee, with reasons."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict

from mentormatch.encode import build_problem
from mentormatch.errors import InvalidInputError, expect, shorten
from mentormatch.explain import must_have_notes, schedule_notes, supervision_notes
from mentormatch.models import MAX_COUNT, Cohort
from mentormatch.problem import MatchProblem
from mentormatch.scoring import Scorer, ScoreTable, default_scorer
from mentormatch.solvers import supporting

if TYPE_CHECKING:
    import pandas as pd


class Recommendation(BaseModel):
    """A recommended mentor for a mentee, with its rank, score and reasons."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mentee: str
    mentor: str
    rank: int
    score: float
    reasons: tuple[str, ...]


class Shortlist(BaseModel):
    """The director's catalogue: the best ``k`` admissible mentors per mentee.

    ``notes`` say which of the cohort's rules filtered the suggestions
    (supervision, must-haves, the common-slot rule and who is exempt from it),
    as a match's notes do, and which they do not apply (group make-up quotas:
    see :func:`shortlist`).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    k: int
    recommendations: tuple[Recommendation, ...]
    notes: tuple[str, ...] = ()

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

    Never recommends an excluded pair (forbidden, supervisor), a pair that
    breaks a must-have (``cohort.must_haves``) or, when the cohort's schedule
    requires a common slot, a pair without one, or a mentor with no capacity.
    Ties go to the mentor listed first.

    Group make-up quotas (``cohort.quotas``) are **not** applied: a quota
    limits the make-up of a mentor's whole group, which a list of candidates
    per mentee does not form (two suggestions may not both be taken). The
    shortlist's ``notes`` say so whenever the cohort has quotas;
    :func:`mentormatch.match` keeps them (``mm.solvers.supporting("quotas")``).

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
    >>> sl.notes[0]
    '1 supervisor relation was excluded from matching: mentor-03 supervises new-02'

    With quotas, the shortlist says they are not applied:

    >>> c = mm.example_cohort()
    >>> c = c.model_copy(update={"quotas": (mm.Quota(attribute="gender", no_lone=True),)})
    >>> print(mm.shortlist(c).notes[-1])  # doctest: +ELLIPSIS
    group make-up quotas are not applied to suggestions (gender: no lone member): ...
    """
    expect(cohort, Cohort, "shortlist", "cohort")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= MAX_COUNT:
        raise InvalidInputError(
            f"k must be a whole number >= 1 and <= {MAX_COUNT}, got {shorten(k)}")
    scorer = scorer or default_scorer(cohort)
    table = scorer.score(cohort)
    problem = build_problem(cohort, table, min_score=min_score)
    recs = _recommendations(cohort, table, problem, k)
    notes = (*supervision_notes(cohort), *must_have_notes(cohort), *schedule_notes(cohort),
             *_quota_notes(cohort))
    return Shortlist(k=k, recommendations=recs, notes=notes)


def _recommendations(cohort: Cohort, table: ScoreTable, problem: MatchProblem,
                     k: int) -> tuple[Recommendation, ...]:
    """Return the best ``k`` admissible mentors (with a place) of each mentee, ranked."""
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
    return tuple(recs)


def _quota_notes(cohort: Cohort) -> tuple[str, ...]:
    if not cohort.quotas:
        return ()
    return ("group make-up quotas are not applied to suggestions ("
            + "; ".join(q.describe() for q in cohort.quotas)
            + "): a quota limits a mentor's whole group, and a shortlist suggests mentors "
              "one mentee at a time; mm.match keeps them (solvers: "
            + ", ".join(supporting("quotas")) + ")",)

