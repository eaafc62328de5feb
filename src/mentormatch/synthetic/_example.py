"""The built-in example cohort, shaped like the pilot program of the domain study."""

from __future__ import annotations

from importlib.resources import files

from mentormatch.models import Cohort
from mentormatch.topics import TopicVocabulary

__all__ = ["example_cohort"]


def example_cohort() -> Cohort:
    """Return the built-in pilot-shaped cohort: 7 new faculty, 33 volunteer mentors.

    Topics are those of the pilot survey; three mentees ask for two mentors;
    ``mentor-03`` supervises ``new-02`` (so is never their mentor); one pair is
    forbidden by the director; ``new-05`` is an internationally trained newcomer.

    Examples
    --------
    >>> c = example_cohort()
    >>> len(c.mentees), len(c.mentors), sum(e.demand for e in c.mentees)
    (7, 33, 10)
    """
    text = files("mentormatch").joinpath("data/pilot_cohort.json").read_text("utf-8")
    cohort = Cohort.model_validate_json(text)
    return cohort.model_copy(update={"vocabulary": TopicVocabulary.pilot()})
