"""Topic supply and demand: who asks for each topic, who offers it, and the gap."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict

from mentormatch.errors import UnknownTopicError, expect
from mentormatch.models import Cohort
from mentormatch.scoring import TopicMatrices

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TopicDemand", "TopicSupply", "topic_demand"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class TopicSupply(BaseModel):
    """Supply and demand of one topic.

    Attributes
    ----------
    topic : str
        The topic (normal or canonical form).
    mentees_asking : int
        Mentees who asked for this topic (any weight > 0).
    mentors_offering : int
        Mentors who offer this topic.
    capacity_offered : int
        Places those mentors offer in total (each mentor's full capacity).
    shortfall : int
        ``max(0, mentees_asking - capacity_offered)``: mentees asking for the
        topic who could not all get a mentor offering it, even if every place of
        those mentors went to them.
    """

    model_config = _FROZEN

    topic: str
    mentees_asking: int
    mentors_offering: int
    capacity_offered: int
    shortfall: int


class TopicDemand(BaseModel):
    """Supply and demand of every topic of a cohort (see :func:`topic_demand`).

    Attributes
    ----------
    topics : tuple of TopicSupply
        One row per topic: vocabulary topics first (in vocabulary order), then
        any other topic in order of first appearance.
    """

    model_config = _FROZEN

    topics: tuple[TopicSupply, ...]

    def topic(self, name: str) -> TopicSupply:
        """Return the row of one topic.

        Raises
        ------
        UnknownTopicError
            If no row has this topic.
        """
        for row in self.topics:
            if row.topic == name:
                return row
        raise UnknownTopicError(
            f"no topic {name!r} in this table; topics: {', '.join(r.topic for r in self.topics)}"
        )

    @property
    def shortfalls(self) -> tuple[TopicSupply, ...]:
        """Rows with a shortfall, largest first (ties in table order)."""
        rows = [r for r in self.topics if r.shortfall > 0]
        return tuple(sorted(rows, key=lambda r: -r.shortfall))

    def to_frame(self) -> pd.DataFrame:
        """Return the table as a pandas DataFrame, one row per topic (needs pandas).

        Examples
        --------
        >>> import mentormatch as mm
        >>> mm.topic_demand(mm.example_cohort()).to_frame().columns.tolist()
        ['topic', 'mentees_asking', 'mentors_offering', 'capacity_offered', 'shortfall']
        """
        import pandas as pd

        columns = list(TopicSupply.model_fields)
        return pd.DataFrame([r.model_dump() for r in self.topics], columns=columns)


def topic_demand(cohort: Cohort) -> TopicDemand:
    """Count, per topic, the mentees asking, the mentors offering and their capacity.

    Parameters
    ----------
    cohort : Cohort
        Mentees and mentors; with a vocabulary, every vocabulary topic gets a
        row (zeros included), as in the study's figures.

    Returns
    -------
    TopicDemand
        One :class:`TopicSupply` per topic, with the shortfall.

    Examples
    --------
    >>> import mentormatch as mm
    >>> c = mm.Cohort(mentees=[mm.Mentee(id="e1", topics=["qi", "teaching"]),
    ...                        mm.Mentee(id="e2", topics=["qi"])],
    ...               mentors=[mm.Mentor(id="r1", topics=["teaching"], capacity=2)])
    >>> [(t.topic, t.mentees_asking, t.capacity_offered, t.shortfall)
    ...  for t in mm.topic_demand(c).topics]
    [('qi', 2, 0, 2), ('teaching', 1, 2, 0)]
    """
    expect(cohort, Cohort, "topic_demand", "cohort")
    tm = TopicMatrices.of(cohort)
    asking = (tm.asked > 0).sum(axis=0)
    offers = tm.offered > 0
    offering = offers.sum(axis=0)
    capacity = np.array([m.capacity for m in cohort.mentors], dtype=np.int64)
    places = capacity @ offers if offers.size else np.zeros(len(tm.topics), dtype=np.int64)
    shortfall = np.maximum(asking - places, 0)
    column = {t: k for k, t in enumerate(tm.topics)}
    order = list(cohort.vocabulary.topics) if cohort.vocabulary is not None else []
    seen = set(order)
    order += [t for t in tm.topics if t not in seen]
    rows = []
    for topic in order:
        k = column.get(topic)
        if k is None:
            rows.append(TopicSupply(topic=topic, mentees_asking=0, mentors_offering=0,
                                    capacity_offered=0, shortfall=0))
            continue
        rows.append(TopicSupply(topic=topic, mentees_asking=int(asking[k]),
                                mentors_offering=int(offering[k]),
                                capacity_offered=int(places[k]),
                                shortfall=int(shortfall[k])))
    return TopicDemand(topics=tuple(rows))
