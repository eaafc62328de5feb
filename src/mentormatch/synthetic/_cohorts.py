"""Seeded synthetic cohorts, from the 7-mentee pilot to a national program.

Everything is drawn with one ``np.random.default_rng(seed)`` in a fixed order,
vectorised over people; only the final model objects are built one by one
(with ``model_construct``: the values are valid by construction).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mentormatch.errors import InvalidInputError
from mentormatch.models import (
    CareerStage,
    Cohort,
    Mentee,
    Mentor,
    MentorshipType,
    Modality,
)
from mentormatch.topics import PILOT_TOPICS

__all__ = ["PROFILES", "Profile", "get_profile", "make_cohort", "zipf_weights"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_TYPES: tuple[MentorshipType, ...] = tuple(MentorshipType)
_MODALITIES: tuple[Modality, ...] = tuple(Modality)
_STAGES: tuple[CareerStage, ...] = tuple(CareerStage)

#: Topics beyond the pilot survey's, for the larger profiles (most popular last).
_EXTRA_TOPICS: tuple[str, ...] = (
    "grant writing", "publishing", "promotion and tenure", "negotiation",
    "clinical supervision", "medical education research", "patient safety",
    "digital health", "global health", "equity diversity and inclusion",
    "conflict management", "time management", "public speaking", "networking",
    "team building", "ethics", "health informatics", "interprofessional practice",
    "financial management", "parenting and family", "burnout prevention",
    "entrepreneurship", "health policy", "retirement planning", "media engagement",
)


def zipf_weights(n: int, exponent: float) -> tuple[float, ...]:
    """Return ``n`` Zipf-like weights ``k ** -exponent`` (k = 1..n), normalised to sum 1.

    Examples
    --------
    >>> [round(w, 3) for w in zipf_weights(3, 1.0)]
    [0.545, 0.273, 0.182]
    """
    w = np.arange(1, n + 1, dtype=np.float64) ** -float(exponent)
    return tuple((w / w.sum()).tolist())


@dataclass(frozen=True)
class Profile:
    """Every parameter of a synthetic cohort, with the distribution it controls.

    Probabilities and popularity weights need not sum to 1 (they are
    normalised); tuples indexed by a count start at 1 (``demand_probs[0]`` is
    P(demand = 1)).

    Attributes
    ----------
    name : str
        Profile name.
    topics : tuple of str
        Topic names.
    mentee_topic_popularity, mentor_topic_popularity : tuple of float
        Relative popularity of each topic (same order as ``topics``) among what
        mentees ask for and what mentors offer. A person with ``k`` topics draws
        them without replacement with probability proportional to popularity
        (successive sampling), so with ``k = 1`` topic frequencies are
        proportional to popularity.
    mentee_topic_count_probs, mentor_topic_count_probs : tuple of float
        P(a person lists k topics), k = 1, 2, ...; capped at ``len(topics)``.
    demand_probs : tuple of float
        P(a mentee asks for d mentors), d = 1, 2, ...
    capacity_probs : tuple of float
        P(a mentor takes c mentees), c = 1, 2, ...
    mentee_type_probs, mentor_type_probs : tuple of float
        Independent probability that a person lists each mentorship type, in the
        order one_to_one, group, peer, task_focused. A person who would list
        none lists one_to_one.
    modality_probs : tuple of float
        Independent probability of each meeting modality (in_person, online,
        phone); a person who would list none lists online.
    sites, mentee_site_popularity, mentor_site_popularity
        Site names and how people spread over them.
    divisions, division_popularity
        Division names and how people spread over them (both sides).
    mentor_stage_probs : tuple of float
        P(career stage) of mentors in the order early, mid, late; mentees are early.
    supervisor_rate : float
        Share of mentees supervised by one mentor of their division (that pair
        is then excluded from matching).
    newcomer_rate : float
        Share of mentees who are newcomers (new to the region or country).
    leads_rate : float
        Share of mentors who lead their own division.
    concordance_rate : float
        Share of mentees who ask for gender concordance.
    genders, gender_probs
        Recorded gender values (``None`` = not given) and their probabilities;
        only read by the concordance criterion.

    Examples
    --------
    >>> p = get_profile("pilot")
    >>> p.topics[0], p.demand_probs
    ('clinical work', (0.6, 0.4))
    >>> get_profile("national", demand_probs=(1.0,)).demand_probs
    (1.0,)
    """

    name: str
    topics: tuple[str, ...]
    mentee_topic_popularity: tuple[float, ...]
    mentor_topic_popularity: tuple[float, ...]
    mentee_topic_count_probs: tuple[float, ...]
    mentor_topic_count_probs: tuple[float, ...]
    demand_probs: tuple[float, ...]
    capacity_probs: tuple[float, ...]
    mentee_type_probs: tuple[float, ...] = (0.95, 0.1, 0.1, 0.1)
    mentor_type_probs: tuple[float, ...] = (0.97, 0.1, 0.2, 0.3)
    modality_probs: tuple[float, ...] = (0.6, 0.9, 0.3)
    sites: tuple[str, ...] = ("Halifax", "Dartmouth", "Saint John", "Charlottetown")
    mentee_site_popularity: tuple[float, ...] = (6.0, 2.0, 1.0, 0.5)
    mentor_site_popularity: tuple[float, ...] = (13.0, 12.0, 5.0, 3.0)
    divisions: tuple[str, ...] = ("Adult Psychiatry", "Child and Adolescent Psychiatry",
                                  "Geriatric Psychiatry", "Forensic Psychiatry")
    division_popularity: tuple[float, ...] = (12.0, 9.0, 7.0, 5.0)
    mentor_stage_probs: tuple[float, ...] = (0.0, 0.5, 0.5)
    supervisor_rate: float = 0.15
    newcomer_rate: float = 0.15
    leads_rate: float = 0.1
    concordance_rate: float = 0.0
    genders: tuple[str | None, ...] = ("woman", "man", None)
    gender_probs: tuple[float, ...] = (0.5, 0.45, 0.05)

    def __post_init__(self) -> None:
        """Check lengths and ranges once, naming the field at fault."""
        n_t = len(self.topics)
        pairs = (("mentee_topic_popularity", n_t), ("mentor_topic_popularity", n_t),
                 ("mentee_type_probs", 4), ("mentor_type_probs", 4), ("modality_probs", 3),
                 ("mentee_site_popularity", len(self.sites)),
                 ("mentor_site_popularity", len(self.sites)),
                 ("division_popularity", len(self.divisions)), ("mentor_stage_probs", 3),
                 ("gender_probs", len(self.genders)))
        for field, size in pairs:
            if len(getattr(self, field)) != size:
                raise InvalidInputError(
                    f"profile {self.name!r}: {field} has {len(getattr(self, field))} "
                    f"values, expected {size}")
        for field in (f.name for f in dataclasses.fields(self)):
            value = getattr(self, field)
            values = value if isinstance(value, tuple) else (value,)
            if field in ("name", "topics", "sites", "divisions", "genders"):
                continue
            arr = np.asarray(values, dtype=np.float64)
            if not np.isfinite(arr).all() or (arr < 0).any():
                raise InvalidInputError(f"profile {self.name!r}: {field} must be finite and "
                                        f">= 0, got {value!r}")
            if field.endswith(("rate", "type_probs", "modality_probs")) and (arr > 1).any():
                raise InvalidInputError(
                    f"profile {self.name!r}: {field} are probabilities in [0, 1], got {value!r}")
            if field.endswith(("popularity", "count_probs")) or field in (
                    "demand_probs", "capacity_probs", "mentor_stage_probs", "gender_probs"):
                if arr.size == 0 or arr.sum() <= 0:
                    raise InvalidInputError(
                        f"profile {self.name!r}: {field} must have a positive sum")


def _pilot() -> Profile:
    # Study: mentors most often offer clinical work, research and scholarship,
    # work-life balance; mentees most often ask for clinical work, teaching and
    # curriculum development, quality improvement (PILOT_TOPICS order).
    mentor = (23, 21, 17, 11, 10, 9, 7, 10, 8, 11, 9, 1, 4, 4, 3)
    mentee = (6, 1.5, 1.5, 5, 4, 1, 0.5, 1, 1, 1, 1.5, 0.5, 0.5, 0.5, 0.5)
    return Profile(
        name="pilot", topics=PILOT_TOPICS,
        mentee_topic_popularity=tuple(float(x) for x in mentee),
        mentor_topic_popularity=tuple(float(x) for x in mentor),
        mentee_topic_count_probs=(0.05, 0.3, 0.55, 0.1),
        mentor_topic_count_probs=(0.0, 0.12, 0.18, 0.24, 0.24, 0.09, 0.06, 0.03, 0.02, 0.02),
        demand_probs=(0.6, 0.4), capacity_probs=(0.55, 0.25, 0.2),
    )


def _scarce() -> Profile:
    # Issue 17: few mentors, each offering one or two topics, for mentees asking three to
    # five, most wanting two mentors; coverage across a mentee's mentors then matters.
    pilot = _pilot()
    return dataclasses.replace(
        pilot, name="scarce", mentee_topic_count_probs=(0.0, 0.0, 1.0, 1.0, 1.0),
        mentor_topic_count_probs=(0.5, 0.5), demand_probs=(0.3, 0.7),
    )


def _large(name: str, n_topics: int, exponent: float, max_capacity: int,
           capacity_exponent: float, n_sites: int, n_divisions: int) -> Profile:
    topics = (*PILOT_TOPICS, *_EXTRA_TOPICS)[:n_topics]
    mentee_pop = zipf_weights(n_topics, exponent)
    # Mentors' favourites are not the mentees': offer popularity runs in a
    # fixed, different order (every 3rd topic first), so supply and demand skew apart.
    order = sorted(range(n_topics), key=lambda k: (k % 3, k))
    mentor_pop = [0.0] * n_topics
    for rank, k in enumerate(order):
        mentor_pop[k] = zipf_weights(n_topics, exponent)[rank]
    sites = tuple(f"site {k + 1:02d}" for k in range(n_sites))
    divisions = tuple(f"division {k + 1:02d}" for k in range(n_divisions))
    return Profile(
        name=name, topics=topics,
        mentee_topic_popularity=mentee_pop, mentor_topic_popularity=tuple(mentor_pop),
        mentee_topic_count_probs=(0.25, 0.4, 0.25, 0.1),
        mentor_topic_count_probs=(0.1, 0.2, 0.3, 0.2, 0.1, 0.1),
        demand_probs=(0.7, 0.3),
        capacity_probs=zipf_weights(max_capacity, capacity_exponent),
        sites=sites, mentee_site_popularity=zipf_weights(n_sites, 1.0),
        mentor_site_popularity=zipf_weights(n_sites, 1.0),
        divisions=divisions, division_popularity=zipf_weights(n_divisions, 0.8),
        mentor_stage_probs=(0.1, 0.5, 0.4), supervisor_rate=0.05, newcomer_rate=0.1,
        leads_rate=0.02, concordance_rate=0.05,
    )


#: The built-in profiles by name. ``pilot`` is calibrated on the study (about
#: 1 mentee per 5 mentors); ``university`` (30 topics, Zipf 1.0, capacities
#: 1-12) suits about 4 mentees per mentor and ``national`` (40 topics, Zipf 1.1,
#: capacities 1-16) about 5 mentees per mentor, each wanting one or two mentors.
PROFILES: dict[str, Profile] = {
    "pilot": _pilot(),
    "scarce": _scarce(),
    "university": _large("university", 30, 1.0, 12, 0.5, 12, 8),
    "national": _large("national", 40, 1.1, 16, 0.3, 60, 20),
}


def get_profile(name: str | Profile = "pilot", **overrides: Any) -> Profile:
    """Return a built-in profile (or the one given) with some parameters replaced.

    Parameters
    ----------
    name : {"pilot", "scarce", "university", "national"} or Profile, default="pilot"
    **overrides
        Fields of :class:`Profile` to replace.

    Raises
    ------
    InvalidInputError
        For an unknown profile name or field, or an invalid value.

    Examples
    --------
    >>> get_profile("university").name, len(get_profile("national").topics)
    ('university', 40)
    >>> get_profile("pilot", supervisor_rate=0.0).supervisor_rate
    0.0
    """
    if isinstance(name, Profile):
        base = name
    elif name in PROFILES:
        base = PROFILES[name]
    else:
        raise InvalidInputError(
            f"unknown profile {name!r}; known profiles: {', '.join(sorted(PROFILES))}")
    if not overrides:
        return base
    known = {f.name for f in dataclasses.fields(Profile)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise InvalidInputError(
            f"unknown profile parameter(s) {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(sorted(known))}")
    fixed: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v
                             for k, v in overrides.items()}
    return dataclasses.replace(base, **fixed)


def _probs(values: tuple[float, ...]) -> FloatArray:
    p = np.asarray(values, dtype=np.float64)
    out: FloatArray = p / p.sum()
    return out


def _counts(rng: np.random.Generator, probs: tuple[float, ...], n: int,
            cap: int | None = None) -> IntArray:
    """Draw n counts from P(1), P(2), ..., capped at ``cap``."""
    k = rng.choice(np.arange(1, len(probs) + 1), size=n, p=_probs(probs)).astype(np.int64)
    return np.minimum(k, cap) if cap is not None else k


def _topic_sets(rng: np.random.Generator, popularity: tuple[float, ...],
                count_probs: tuple[float, ...], n: int) -> tuple[IntArray, IntArray]:
    """Weighted sampling without replacement via Gumbel top-k, all rows at once.

    Returns (order, k): each row's topics by draw order and how many are taken.
    """
    n_t = len(popularity)
    k = _counts(rng, count_probs, n, cap=n_t)
    with np.errstate(divide="ignore"):
        logw = np.log(_probs(popularity))
    keys = logw[None, :] + rng.gumbel(size=(n, n_t))
    order = np.argsort(-keys, axis=1, kind="stable").astype(np.int64)
    return order, k


def _flags(rng: np.random.Generator, probs: tuple[float, ...], n: int,
           fallback: int) -> IntArray:
    """Independent membership draws as bit masks; an empty set becomes ``fallback``."""
    bits = rng.random((n, len(probs))) < np.asarray(probs)[None, :]
    mask: IntArray = (bits * (1 << np.arange(len(probs)))[None, :]).sum(axis=1).astype(
        np.int64)
    mask[mask == 0] = 1 << fallback
    return mask


def _mask_tuples(members: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    return [tuple(m for b, m in enumerate(members) if mask >> b & 1)
            for mask in range(1 << len(members))]


def _defaults(model: type[Mentee] | type[Mentor]) -> dict[str, Any]:
    """Immutable defaults of a model's optional fields (resolving them per person is slow)."""
    out = {}
    for name, info in model.model_fields.items():
        if not info.is_required():
            value = info.get_default(call_default_factory=True)
            if isinstance(value, tuple | str | int | float | bool | type(None)):
                out[name] = value
    return out


def _ids(prefix: str, n: int) -> list[str]:
    width = max(len(str(n)), 2)
    return [f"{prefix}{k + 1:0{width}d}" for k in range(n)]


def make_cohort(n_mentees: int, n_mentors: int, *, seed: int | None = 0,
                profile: str | Profile = "pilot", **overrides: Any) -> Cohort:
    """Generate a seeded, reproducible synthetic cohort.

    Parameters
    ----------
    n_mentees, n_mentors : int
        Cohort size (>= 0).
    seed : int or None, default=0
        Seed of ``np.random.default_rng``; the same seed, sizes and profile give
        the same cohort on every machine.
    profile : {"pilot", "scarce", "university", "national"} or Profile, default="pilot"
        The distributions people are drawn from; see :class:`Profile` for every
        parameter and :data:`PROFILES` for the defaults.
    **overrides
        Profile fields to replace, such as ``demand_probs=(1.0,)``.

    Returns
    -------
    Cohort
        Mentees ``e01``, ``e02``, ... and mentors ``r01``, ... (ids zero-padded
        to the size), topics weighted 1.0, supervisor relations on the people.

    Raises
    ------
    InvalidInputError
        For negative sizes or a bad profile.

    Examples
    --------
    >>> from mentormatch.synthetic import make_cohort
    >>> c = make_cohort(7, 33, seed=1)
    >>> len(c.mentees), len(c.mentors), c.mentees[0].id
    (7, 33, 'e01')
    >>> c == make_cohort(7, 33, seed=1)
    True
    >>> big = make_cohort(2000, 400, seed=2, profile="university", demand_probs=(1.0,))
    >>> {e.demand for e in big.mentees}
    {1}
    """
    for name, n in (("n_mentees", n_mentees), ("n_mentors", n_mentors)):
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
            raise InvalidInputError(f"{name} must be an integer >= 0, got {n!r}")
    prof = get_profile(profile, **overrides)
    rng = np.random.default_rng(seed)
    n_e, n_r = int(n_mentees), int(n_mentors)
    topics = prof.topics

    d = _draw(rng, prof, n_e, n_r)
    type_sets = _mask_tuples(_TYPES)
    mod_sets = _mask_tuples(_MODALITIES)
    mentee_ids, mentor_ids = _ids("e", n_e), _ids("r", n_r)

    def topic_dict(order: IntArray, k: int) -> dict[str, float]:
        return {topics[t]: 1.0 for t in order[:k].tolist()}

    e_base, r_base = _defaults(Mentee), _defaults(Mentor)
    mentees = tuple(
        Mentee.model_construct(**{**e_base, **{
            "id": mentee_ids[i], "topics": topic_dict(d.e_order[i], int(d.e_k[i])),
            "types": type_sets[d.e_types[i]], "modalities": mod_sets[d.e_mod[i]],
            "division": prof.divisions[d.e_div[i]], "site": prof.sites[d.e_site[i]],
            "career_stage": CareerStage.EARLY, "newcomer": bool(d.newcomer[i]),
            "supervisors": (mentor_ids[d.supervisor[i]],) if d.supervisor[i] >= 0 else (),
            "gender": prof.genders[d.e_gender[i]],
            "concordance": ("gender",) if d.concord[i] else (),
            "demand": int(d.demand[i])}})
        for i in range(n_e)
    )
    mentors = tuple(
        Mentor.model_construct(**{**r_base, **{
            "id": mentor_ids[j], "topics": topic_dict(d.r_order[j], int(d.r_k[j])),
            "types": type_sets[d.r_types[j]], "modalities": mod_sets[d.r_mod[j]],
            "division": prof.divisions[d.r_div[j]], "site": prof.sites[d.r_site[j]],
            "career_stage": _STAGES[d.r_stage[j]], "gender": prof.genders[d.r_gender[j]],
            "leads_divisions": (prof.divisions[d.r_div[j]],) if d.leads[j] else (),
            "capacity": int(d.capacity[j])}})
        for j in range(n_r)
    )
    return Cohort(mentees=mentees, mentors=mentors)


@dataclass(frozen=True)
class _Draws:
    """Every random draw of a cohort: ``e_*`` per mentee, ``r_*`` per mentor."""

    e_order: NDArray[Any]
    e_k: NDArray[Any]
    r_order: NDArray[Any]
    r_k: NDArray[Any]
    demand: NDArray[Any]
    capacity: NDArray[Any]
    e_types: NDArray[Any]
    r_types: NDArray[Any]
    e_mod: NDArray[Any]
    r_mod: NDArray[Any]
    e_site: NDArray[Any]
    r_site: NDArray[Any]
    e_div: NDArray[Any]
    r_div: NDArray[Any]
    r_stage: NDArray[Any]
    newcomer: NDArray[Any]
    leads: NDArray[Any]
    concord: NDArray[Any]
    e_gender: NDArray[Any]
    r_gender: NDArray[Any]
    supervisor: NDArray[Any]


def _draw(rng: np.random.Generator, prof: Profile, n_e: int, n_r: int) -> _Draws:
    """Draw everything, in a fixed order: changing it changes every cohort a seed gives."""
    e_order, e_k = _topic_sets(rng, prof.mentee_topic_popularity,
                               prof.mentee_topic_count_probs, n_e)
    r_order, r_k = _topic_sets(rng, prof.mentor_topic_popularity,
                               prof.mentor_topic_count_probs, n_r)
    demand = _counts(rng, prof.demand_probs, n_e)
    capacity = _counts(rng, prof.capacity_probs, n_r)
    e_types = _flags(rng, prof.mentee_type_probs, n_e, 0)
    r_types = _flags(rng, prof.mentor_type_probs, n_r, 0)
    e_mod = _flags(rng, prof.modality_probs, n_e, 1)
    r_mod = _flags(rng, prof.modality_probs, n_r, 1)
    e_site = rng.choice(len(prof.sites), size=n_e, p=_probs(prof.mentee_site_popularity))
    r_site = rng.choice(len(prof.sites), size=n_r, p=_probs(prof.mentor_site_popularity))
    e_div = rng.choice(len(prof.divisions), size=n_e, p=_probs(prof.division_popularity))
    r_div = rng.choice(len(prof.divisions), size=n_r, p=_probs(prof.division_popularity))
    r_stage = rng.choice(3, size=n_r, p=_probs(prof.mentor_stage_probs))
    newcomer = rng.random(n_e) < prof.newcomer_rate
    leads = rng.random(n_r) < prof.leads_rate
    concord = rng.random(n_e) < prof.concordance_rate
    e_gender = rng.choice(len(prof.genders), size=n_e, p=_probs(prof.gender_probs))
    r_gender = rng.choice(len(prof.genders), size=n_r, p=_probs(prof.gender_probs))
    supervised = rng.random(n_e) < prof.supervisor_rate
    pick = rng.random(n_e)

    # A supervisor is a mentor of the mentee's division when there is one.
    supervisor = np.full(n_e, -1, dtype=np.int64)
    if n_r:
        by_div = np.argsort(r_div, kind="stable")
        starts = np.searchsorted(r_div[by_div], np.arange(len(prof.divisions) + 1))
        size = starts[e_div + 1] - starts[e_div]
        same = by_div[np.minimum(starts[e_div] + (pick * size).astype(np.int64),
                                 n_r - 1)]
        anyone = np.minimum((pick * n_r).astype(np.int64), n_r - 1)
        supervisor = np.where(size > 0, same, anyone)
        supervisor[~supervised] = -1

    return _Draws(e_order=e_order, e_k=e_k, r_order=r_order, r_k=r_k, demand=demand,
                  capacity=capacity, e_types=e_types, r_types=r_types, e_mod=e_mod,
                  r_mod=r_mod, e_site=e_site, r_site=r_site, e_div=e_div, r_div=r_div,
                  r_stage=r_stage, newcomer=newcomer, leads=leads, concord=concord,
                  e_gender=e_gender, r_gender=r_gender, supervisor=supervisor)
