"""Synthetic cohorts for benchmarks and tests, from a department to a national program.

>>> import mentormatch as mm
>>> cohort = mm.synthetic.make_cohort(7, 33, seed=0, profile="pilot")
>>> len(cohort.mentees), len(cohort.mentors)
(7, 33)

See :class:`Profile` for every parameter and :data:`PROFILES` for the built-in
``pilot``, ``university`` and ``national`` profiles.
"""

from mentormatch.synthetic._cohorts import PROFILES as PROFILES
from mentormatch.synthetic._cohorts import Profile as Profile
from mentormatch.synthetic._cohorts import get_profile as get_profile
from mentormatch.synthetic._cohorts import make_cohort as make_cohort
from mentormatch.synthetic._cohorts import zipf_weights as zipf_weights

__all__ = ["PROFILES", "Profile", "get_profile", "make_cohort", "zipf_weights"]

from ._example import example_cohort as example_cohort
