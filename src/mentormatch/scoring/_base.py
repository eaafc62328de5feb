"""The Scorer protocol, score tables and weighted composition."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from mentormatch.errors import InvalidInputError, shorten
from mentormatch.models import Cohort

__all__ = ["MIN_SCORE_SLACK", "Criterion", "ScoreTable", "Scorer", "WeightedScorer", "join_words"]

FloatArray = NDArray[np.float64]
Explain = Callable[[int, int], str | None]

#: A pair scoring within this of a minimum score counts as reaching it: the
#: same pair's score may differ in its last bits between the dense and the
#: block-by-block computation.
MIN_SCORE_SLACK = 1e-9


def join_words(words: Sequence[str]) -> str:
    """Join words as a reason reads them: ``"a, b and c"``, underscores as hyphens.

    Examples
    --------
    >>> join_words(["one_to_one", "group", "peer"])
    'one-to-one, group and peer'
    """
    words = [w.replace("_", "-") for w in words]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


@dataclass(frozen=True, eq=False)
class Criterion:
    """One scoring criterion over a whole cohort.

    Attributes
    ----------
    name : str
        Short name (``"topics"``, ``"types"``, ...).
    mentee_view : ndarray of shape (n_mentees, n_mentors)
        Value in [0, 1] of each pair from the mentee's side.
    mentor_view : ndarray of shape (n_mentees, n_mentors) or None
        The mentor's side where it differs; ``None`` means symmetric.
    explain : callable (i, j) -> str or None
        The reason this criterion gives for pair (i, j), ``None`` if it has none.
    """

    name: str
    mentee_view: FloatArray
    mentor_view: FloatArray | None
    explain: Explain


@dataclass(frozen=True, eq=False)
class ScoreTable:
    """Weighted criteria for a cohort: pair scores, both views, and reasons.

    Examples
    --------
    >>> from mentormatch import Cohort, Mentee, Mentor
    >>> from mentormatch.scoring import TopicScorer
    >>> c = Cohort(mentees=[Mentee(id="e", topics=["teaching", "qi"])],
    ...            mentors=[Mentor(id="r", topics=["teaching"])])
    >>> table = TopicScorer().score(c)
    >>> float(table.mentee_scores[0, 0]), table.reasons(0, 0)
    (0.5, ('offers teaching (1 of 2 topics asked)',))
    """

    criteria: tuple[tuple[Criterion, float], ...]

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_mentees, n_mentors)``."""
        n_e, n_r = self.criteria[0][0].mentee_view.shape
        return int(n_e), int(n_r)

    def _combine(self, mentor_side: bool) -> FloatArray:
        total = np.zeros(self.shape)
        for crit, weight in self.criteria:
            view = crit.mentor_view if mentor_side and crit.mentor_view is not None else (
                crit.mentee_view
            )
            total += weight * view
        return total

    @property
    def mentee_scores(self) -> FloatArray:
        """Weighted score of every pair from the mentee's side (the pair score)."""
        return self._combine(mentor_side=False)

    @property
    def mentor_scores(self) -> FloatArray:
        """Weighted score of every pair from the mentor's side."""
        return self._combine(mentor_side=True)

    @property
    def has_two_views(self) -> bool:
        """Whether any criterion scores the two sides differently."""
        return any(c.mentor_view is not None and w for c, w in self.criteria)

    def reasons(self, i: int, j: int) -> tuple[str, ...]:
        """Reasons for pair (i, j), the criterion contributing most first."""
        ranked = sorted(self.criteria, key=lambda cw: -cw[1] * cw[0].mentee_view[i, j])
        texts = (c.explain(i, j) for c, w in ranked if w > 0)
        return tuple(t for t in texts if t)


def rank_reasons(contributions: FloatArray,
                 texts: Sequence[Sequence[str | None] | NDArray[np.object_]]
                 ) -> list[tuple[str, ...]]:
    """Reasons of many pairs at once, ranked exactly as :meth:`ScoreTable.reasons` ranks them.

    Per pair, the criteria are sorted by decreasing contribution (ties keep the
    criteria's order, as Python's stable ``sorted`` does) and their texts kept
    when not empty. The sort runs in numpy; pairs sharing one criteria order
    are assembled together.

    Parameters
    ----------
    contributions : ndarray of shape (n_pairs, n_criteria)
        Weighted contribution of each criterion to each pair, criteria in the
        table's order, only those with a positive weight.
    texts : sequence of n_criteria sequences of length n_pairs
        Each criterion's reason for each pair (``None`` or ``""`` for none).

    Returns
    -------
    list of tuple of str
        One tuple of reasons per pair, the criterion contributing most first.

    Examples
    --------
    >>> import numpy as np
    >>> rank_reasons(np.array([[0.1, 0.3], [0.2, 0.2]]), [["a", "b"], ["c", None]])
    [('c', 'a'), ('b',)]
    """
    values = np.asarray(contributions, dtype=np.float64)
    n_pairs, n_crit = values.shape
    if len(texts) != n_crit:
        raise InvalidInputError(f"rank_reasons: {n_crit} criteria but {len(texts)} text lists")
    out: list[tuple[str, ...]] = [()] * n_pairs
    if n_pairs == 0 or n_crit == 0:
        return out
    columns = [np.asarray(t, dtype=object).reshape(-1) for t in texts]
    # Stable, like sorted(key=-contribution): -(w * v) is exactly (-w) * v.
    order = np.argsort(-values, axis=1, kind="stable")
    if n_crit <= 15:  # an order as one integer in base n_crit (< 2**63)
        code = order @ (n_crit ** np.arange(n_crit, dtype=np.int64))
        codes, which = np.unique(code, return_inverse=True)
        orders = (codes[:, None] // n_crit ** np.arange(n_crit, dtype=np.int64)) % n_crit
    else:
        orders, which = np.unique(order, axis=0, return_inverse=True)
    which = which.reshape(-1)
    grouped = np.argsort(which, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(which, minlength=len(orders)))])
    for g, perm in enumerate(orders.tolist()):
        idx = grouped[bounds[g]:bounds[g + 1]]
        parts = [columns[c][idx].tolist() for c in perm]
        for q, row in zip(idx.tolist(), zip(*parts, strict=True), strict=True):
            out[q] = tuple(filter(None, row))
    return out


@runtime_checkable
class Scorer(Protocol):
    """Anything that scores every pair of a cohort at once.

    A scorer returns a :class:`ScoreTable` computed with array operations over
    the whole cohort (no Python loop over pairs).
    """

    def score(self, cohort: Cohort) -> ScoreTable:
        """Score every (mentee, mentor) pair of ``cohort``."""
        ...


class WeightedScorer:
    """A weighted sum of scorers; weights are normalised to sum to 1.

    Parameters
    ----------
    parts : sequence of (Scorer, float)
        Scorers and their non-negative weights.

    Examples
    --------
    >>> from mentormatch import Cohort, Mentee, Mentor
    >>> from mentormatch.scoring import TopicScorer, TypeScorer
    >>> c = Cohort(mentees=[Mentee(id="e", topics=["qi"], types=["group"])],
    ...            mentors=[Mentor(id="r", topics=["qi"], types=["group"])])
    >>> scorer = WeightedScorer([(TopicScorer(), 3.0), (TypeScorer(), 1.0)])
    >>> float(scorer.score(c).mentee_scores[0, 0])
    1.0
    """

    def __init__(self, parts: Sequence[tuple[Scorer, float]]) -> None:
        if (isinstance(parts, str | bytes | Mapping) or not isinstance(parts, Sequence)
                or not parts):
            raise InvalidInputError("WeightedScorer needs a non-empty list of (scorer, weight) "
                                    f"pairs, got {shorten(parts)}")
        for k, part in enumerate(parts):
            if not isinstance(part, tuple | list) or len(part) != 2:
                raise InvalidInputError(f"parts[{k}] must be a (scorer, weight) pair, "
                                        f"got {shorten(part)}")
            scorer, weight = part
            if not isinstance(scorer, Scorer):
                raise InvalidInputError(
                    f"parts[{k}]: {shorten(scorer)} has no score(cohort) method")
            if (isinstance(weight, bool) or not isinstance(weight, int | float | np.integer
                                                            | np.floating)
                    or not np.isfinite(float(weight)) or weight < 0):
                raise InvalidInputError(
                    f"parts[{k}]: weight must be a finite number >= 0, got {shorten(weight)}")
        total = float(sum(w for _, w in parts))
        if total <= 0:
            raise InvalidInputError("WeightedScorer weights sum to zero")
        self.parts = tuple((s, float(w) / total) for s, w in parts)

    def score(self, cohort: Cohort) -> ScoreTable:
        """Score every pair with each part and combine the weighted criteria."""
        criteria: list[tuple[Criterion, float]] = []
        for scorer, weight in self.parts:
            for crit, inner in scorer.score(cohort).criteria:
                criteria.append((crit, weight * inner))
        return ScoreTable(tuple(criteria))
