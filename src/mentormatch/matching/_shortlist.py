"""shortlist: the best admissible mentors per mentee, with reasons."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict

from mentormatch.errors import InvalidInputError, shorten
from mentormatch.models import MAX_COUNT, Cohort
from mentormatch.scoring import Scorer, default_scorer

if TYPE_CHECKING:
    import pandas as pd
from mentormatch.encode import build_problem


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
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= MAX_COUNT:
        raise InvalidInputError(
            f"k must be a whole number >= 1 and <= {MAX_COUNT}, got {shorten(k)}")
    scorer = scorer or default_scorer(cohort)
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

