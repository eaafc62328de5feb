"""The newcomer-buddy scorer: has the buddy been through what the newcomer faces."""

from __future__ import annotations

from mentormatch.models import Cohort
from mentormatch.scoring._base import ScoreTable
from mentormatch.scoring._builtin import AttributeScorer, Kernels, table_of
from mentormatch.scoring._coded import buddy_experience_criterion
from mentormatch.scoring._topic_fit import TopicMatrices

__all__ = ["BuddyScorer"]


class BuddyScorer:
    """Score buddies for newcomers by lived experience, then by site.

    A newcomer trained abroad needs someone who has been through licensing and
    credentialing (a buddy who is ``trained_abroad``) and relocation; any other
    newcomer needs someone who has relocated. Experience is the share of those
    needs the buddy has lived through (weight 0.8; a buddy trained abroad has
    relocated too); the same site, for settling in locally, weighs 0.2.

    Examples
    --------
    >>> from mentormatch import Cohort, Mentee, Mentor
    >>> c = Cohort(mentees=[Mentee(id="e", newcomer=True, trained_abroad=True)],
    ...            mentors=[Mentor(id="r", trained_abroad=True), Mentor(id="s", relocated=True)])
    >>> table = BuddyScorer().score(c)
    >>> table.mentee_scores.round(2).tolist()
    [[0.9, 0.5]]
    >>> table.reasons(0, 0)[0]
    'has been through licensing, credentialing and relocation as an internationally ...'
    """

    name = "buddy"

    def score(self, cohort: Cohort) -> ScoreTable:
        """Score every (newcomer, buddy) pair of ``cohort``."""
        return table_of(self.kernels(cohort))

    def kernels(self, cohort: Cohort, topics: TopicMatrices | None = None) -> Kernels:
        """Return the criteria's kernels and weights (``topics`` is not read)."""
        (site, _), = AttributeScorer("site").kernels(cohort)
        return ((buddy_experience_criterion(cohort, self.name, _experience_reason), 0.8),
                (site, 0.2))


def _experience_reason(licensing: bool, relocated: bool) -> str:
    if licensing:
        return ("has been through licensing, credentialing and relocation as an "
                "internationally trained physician")
    if relocated:
        return "has relocated to the region too"
    return "has not been through licensing abroad or relocation"
