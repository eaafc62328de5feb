"""MatchResult: pairs with scores and reasons, who is left out and why, metrics, provenance."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, SkipValidation

from mentormatch.io import Table
from mentormatch.models._cohort import Cohort
from mentormatch.models._ranked import ChoiceProfile

if TYPE_CHECKING:
    pass

__all__ = ["Change", "MatchResult", "Metrics", "Pair", "Provenance", "Shortfall", "Unmatched"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Pair(BaseModel):
    """One mentee-mentor pair of a result.

    Attributes
    ----------
    mentee, mentor : str
        Ids.
    score : float
        The pair's score (mentee's view).
    reasons : tuple of str
        Why this pair fits, the strongest reason first.
    locked : bool
        Whether the director locked this pair.
    """

    model_config = _FROZEN

    mentee: str
    mentor: str
    score: float
    reasons: tuple[str, ...] = ()
    locked: bool = False


class Unmatched(BaseModel):
    """A mentee who got no mentor, and why."""

    model_config = _FROZEN

    mentee: str
    reason: str


class Shortfall(BaseModel):
    """A mentee who got fewer mentors than asked, and why."""

    model_config = _FROZEN

    mentee: str
    asked: int
    given: int
    reason: str


class Metrics(BaseModel):
    """Quality of a result.

    Attributes
    ----------
    total_score, mean_score, min_score : float
        Over all pairs (0 when there are none).
    n_pairs, mentees_matched, mentees_asking : int
        Pairs made; mentees with at least one mentor; mentees with demand > 0.
    topic_coverage : float
        Mean over matched-or-asking mentees of the share of asked topic weight
        offered by at least one of their mentors.
    topic_coverage_bound : float or None
        An upper bound on ``topic_coverage`` over every answer with as many
        mentees matched and pairs made: the proved optimum when a coverage
        solver reached it, the solver's bound when it stopped early, else
        what every mentee's admissible mentors offer together (``None`` for
        sparse candidate problems).
    coverage_by_mentee : dict of str to float
        That share, per asking mentee.
    mentor_loads : dict of str to int
        Mentees per mentor (every mentor, 0 included).
    rank_profile : tuple of int
        Entry ``k``: pairs where the mentor is the mentee's ``k + 1``-th choice
        among admissible mentors (by the mentee's view; ties by listing order).
    blocking_pairs : int
        Pairs that would both rather be together (0 = stable; see
        :func:`mentormatch.blocking_pairs`).
    load_spread : float
        Standard deviation of mentor utilisation (load / capacity) over mentors
        offering a place; 0 = perfectly even.
    priority_matched, priority_asking : int or None
        With a priority group (``mm.match(..., priority=...)``): its mentees
        given at least one mentor, and those asking; None without one.
    choices : ChoiceProfile or None
        Who got which of their ranked choices ("5 of 7 mentees got their 1st
        choice"); ``None`` when nobody in the cohort ranked choices.
    """

    model_config = _FROZEN

    total_score: float
    mean_score: float
    min_score: float
    n_pairs: int
    mentees_matched: int
    mentees_asking: int
    topic_coverage: float
    topic_coverage_bound: float | None = None
    coverage_by_mentee: dict[str, float] = Field(default_factory=dict)
    mentor_loads: dict[str, int] = Field(default_factory=dict)
    rank_profile: tuple[int, ...] = ()
    blocking_pairs: int = 0
    load_spread: float = 0.0
    priority_matched: int | None = None
    priority_asking: int | None = None
    choices: ChoiceProfile | None = None


class Provenance(BaseModel):
    """How a result was made: library version, solver, options, solver facts.

    ``objective`` is what ``mm.match`` optimised: ``"coverage"`` (topic
    coverage across each mentee's mentors), ``"default"`` (the solver's own
    default, pair scores) or the pair-score objective named; ``objective_why``
    says why. ``path`` is how: ``"dense"`` (the full score matrix) or
    ``"candidates"`` (each mentee's best mentors, the large-cohort path);
    ``path_why`` says why (asked for, or the memory budget). All four are
    empty for results not made by ``mm.match``.
    ``must_haves`` lists the cohort's must-haves in words, as applied.

    ``excluded`` lists every pair the match kept apart, as ``(mentee, mentor,
    why)``: forbidden pairs and supervisor relations (an org chart's too), so
    that :func:`mentormatch.rematch` keeps them apart even when the cohort it is
    given was read again without them. ``read_report`` is the read report of the
    survey the cohort came from (``ReadReport.model_dump(mode="json")``;
    ``mm.ReadReport.model_validate`` restores it), when it was given.
    """

    model_config = _FROZEN

    library_version: str
    solver: str
    options: dict[str, Any] = Field(default_factory=dict)
    solver_info: dict[str, Any] = Field(default_factory=dict)
    scorer: str = "default"
    objective: str = ""
    objective_why: str = ""
    must_haves: tuple[str, ...] = ()
    path: str = ""
    path_why: str = ""
    excluded: tuple[tuple[str, str, str], ...] = ()
    read_report: dict[str, Any] | None = None


class Change(BaseModel):
    """A pair added or removed by a rematch."""

    model_config = _FROZEN

    action: str  # "added" | "removed"
    mentee: str
    mentor: str
    why: str


class MatchResult(BaseModel, Table):
    """The outcome of :func:`mentormatch.match`: pairs, who is left out, metrics.

    JSON round-trips with ``model_dump_json`` / ``model_validate_json``; the cohort
    it came from is kept in memory (for :func:`mentormatch.rematch`) but not
    serialised, so no sensitive attribute leaves through an export.

    Examples
    --------
    >>> import mentormatch as mm
    >>> result = mm.match(mm.example_cohort(), solver="hungarian")
    >>> again = mm.MatchResult.model_validate_json(result.model_dump_json())
    >>> again.pairs == result.pairs
    True
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    COLUMNS: ClassVar[tuple[str, ...]] = ("mentee", "mentor", "score", "locked", "reasons")

    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...] = ()
    shortfall: tuple[Shortfall, ...] = ()
    metrics: Metrics
    provenance: Provenance
    changes: tuple[Change, ...] = ()
    notes: tuple[str, ...] = ()
    # Kept as given: it was validated when built, and revalidating a national cohort
    # on every result would cost seconds.
    cohort: SkipValidation[Cohort | None] = Field(default=None, exclude=True, repr=False)

    def mentors_of(self, mentee: str) -> tuple[str, ...]:
        """Mentor ids paired with ``mentee``, in pair order."""
        return tuple(p.mentor for p in self.pairs if p.mentee == mentee)

    def mentees_of(self, mentor: str) -> tuple[str, ...]:
        """Mentee ids paired with ``mentor``, in pair order."""
        return tuple(p.mentee for p in self.pairs if p.mentor == mentor)

    def __getstate__(self) -> dict[Any, Any]:
        """Pickle like the JSON: without the cohort, so no sensitive value travels with it."""
        state = dict(super().__getstate__())
        state["__dict__"] = {**state["__dict__"], "cohort": None}
        return state

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per pair: mentee, mentor, score, locked, reasons joined by '; '."""
        return [
            {"mentee": p.mentee, "mentor": p.mentor, "score": round(p.score, 6),
             "locked": p.locked, "reasons": "; ".join(p.reasons)}
            for p in self.pairs
        ]
