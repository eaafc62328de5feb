"""Per mentee and asked topic: covered, by whom; or why not (offered by no one in the cohort)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from mentormatch.errors import InvalidInputError, UnknownIdError, expect
from mentormatch.models import Cohort, MatchResult
from mentormatch.scoring import TopicMatrices

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TopicCoverage", "TopicCovered", "topic_coverage_table"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")

#: What ``TopicCovered.status`` can say.
COVERED, NOT_COVERED, NOT_OFFERED = "covered", "not covered", "offered by no one"


class TopicCovered(BaseModel):
    """One topic a mentee asked for, and whether their mentors cover it.

    Attributes
    ----------
    mentee : str
        The mentee's id.
    topic : str
        The topic asked for (normal or canonical form).
    share : float
        Its share of the mentee's asked topic weight (the mentee's shares sum to 1).
    covered_by : tuple of str
        Ids of the mentee's mentors who offer the topic (empty: not covered).
    offered_by : int
        Mentors in the cohort who offer the topic (0: nobody could cover it).
    status : str
        ``"covered"``, ``"not covered"`` (some mentor in the cohort offers it,
        none of this mentee's) or ``"offered by no one"`` (in the cohort).
    """

    model_config = _FROZEN

    mentee: str
    topic: str
    share: float
    covered_by: tuple[str, ...]
    offered_by: int
    status: str


class TopicCoverage(BaseModel):
    """Per mentee asking for a mentor, each asked topic (see :func:`topic_coverage_table`).

    Attributes
    ----------
    rows : tuple of TopicCovered
        In the cohort's mentee order, each mentee's topics in the order asked.
    """

    model_config = _FROZEN

    rows: tuple[TopicCovered, ...]

    def of(self, mentee: str) -> tuple[TopicCovered, ...]:
        """Return the rows of one mentee.

        Raises
        ------
        UnknownIdError
            If no row is of this mentee.
        """
        found = tuple(r for r in self.rows if r.mentee == mentee)
        if not found:
            raise UnknownIdError(f"no mentee {mentee!r} asking for a topic in this table")
        return found

    def to_frame(self) -> pd.DataFrame:
        """Return one row per mentee and asked topic as a DataFrame (needs pandas).

        ``covered_by`` is joined with ", ".

        Examples
        --------
        >>> import mentormatch as mm
        >>> table = mm.topic_coverage_table(mm.match(mm.example_cohort()))
        >>> table.to_frame().columns.tolist()
        ['mentee', 'topic', 'share', 'covered_by', 'offered_by', 'status']
        """
        import pandas as pd

        records = [{**r.model_dump(), "covered_by": ", ".join(r.covered_by)}
                   for r in self.rows]
        return pd.DataFrame(records, columns=list(TopicCovered.model_fields))


def topic_coverage_table(result: MatchResult, cohort: Cohort | None = None) -> TopicCoverage:
    """Say, per mentee and asked topic, which of their mentors cover it, or why none does.

    Parameters
    ----------
    result : MatchResult
    cohort : Cohort, optional
        The cohort matched; defaults to the one ``result`` carries.

    Returns
    -------
    TopicCoverage
        One :class:`TopicCovered` per topic asked by a mentee asking for a
        mentor. A topic is covered when one of the mentee's mentors offers it
        (as ``Metrics.topic_coverage`` counts it).

    Raises
    ------
    InvalidInputError
        If no cohort is given and ``result`` carries none.

    Examples
    --------
    >>> import mentormatch as mm
    >>> c = mm.Cohort(mentees=[mm.Mentee(id="e1", topics=["qi", "ethics", "teaching"],
    ...                                  demand=2)],
    ...               mentors=[mm.Mentor(id="r1", topics=["qi"]),
    ...                        mm.Mentor(id="r2", topics=["teaching"])])
    >>> for row in mm.topic_coverage_table(mm.match(c)).rows:
    ...     print(row.topic, row.covered_by, row.status)
    qi ('r1',) covered
    ethics () offered by no one
    teaching ('r2',) covered
    """
    expect(result, MatchResult, "topic_coverage_table", "result")
    expect(cohort, Cohort, "topic_coverage_table", "cohort", optional=True)
    source = cohort if cohort is not None else result.cohort
    if source is None:
        raise InvalidInputError("this result carries no cohort; pass cohort=")
    tm = TopicMatrices.of(source)
    offers = tm.offered > 0
    offered_by = offers.sum(axis=0)
    mentor_row = {m.id: j for j, m in enumerate(source.mentors)}
    mentors_of: dict[str, list[str]] = {}
    for pair in result.pairs:
        mentors_of.setdefault(pair.mentee, []).append(pair.mentor)
    rows = []
    for i, mentee in enumerate(source.mentees):
        total = float(tm.asked[i].sum())
        if mentee.demand == 0 or total <= 0:
            continue
        asked = [k for k in range(len(tm.topics)) if tm.asked[i, k] > 0]
        asked.sort(key=lambda k: _asked_order(list(mentee.topics), tm.topics[k]))
        for k in asked:
            by = tuple(r for r in mentors_of.get(mentee.id, []) if offers[mentor_row[r], k])
            status = COVERED if by else (NOT_COVERED if offered_by[k] else NOT_OFFERED)
            rows.append(TopicCovered(mentee=mentee.id, topic=tm.topics[k],
                                     share=float(tm.asked[i, k]) / total, covered_by=by,
                                     offered_by=int(offered_by[k]), status=status))
    return TopicCoverage(rows=tuple(rows))


def _asked_order(asked: list[str], topic: str) -> int:
    """Position of a topic in the mentee's own list (normal forms may differ in case)."""
    lowered = [t.casefold() for t in asked]
    return lowered.index(topic.casefold()) if topic.casefold() in lowered else len(asked)
