"""The newcomer-buddy scorer: has the buddy been through what the newcomer faces."""

from __future__ import annotations

import numpy as np

from mentormatch.models import Cohort
from mentormatch.scoring._base import Criterion, ScoreTable
from mentormatch.scoring._builtin import AttributeScorer

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
        abroad_e = np.array([e.trained_abroad for e in cohort.mentees], dtype=bool)
        abroad_r = np.array([r.trained_abroad for r in cohort.mentors], dtype=bool)
        moved_r = np.array([r.relocated or r.trained_abroad for r in cohort.mentors], dtype=bool)
        # Needs: licensing/credentialing (trained abroad) and relocation (every newcomer).
        licensing = abroad_e[:, None] & abroad_r[None, :]
        view = np.where(abroad_e[:, None],
                        0.5 * licensing + 0.5 * moved_r[None, :],
                        moved_r[None, :].astype(np.float64))

        def explain(i: int, j: int) -> str | None:
            if licensing[i, j]:
                return ("has been through licensing, credentialing and relocation as an "
                        "internationally trained physician")
            if moved_r[j]:
                return "has relocated to the region too"
            return "has not been through licensing abroad or relocation"

        site = AttributeScorer("site").score(cohort).criteria[0][0]
        return ScoreTable(((Criterion(self.name, view.astype(np.float64), None, explain), 0.8),
                           (site, 0.2)))
