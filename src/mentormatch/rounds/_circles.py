"""Group mentoring circles: mentors who offer group mentorship each lead a circle.

Mentees who prefer group mentorship are placed in circles around shared topics.
A circle either stays closed or opens with between ``min_size`` and
``max_size`` members; each mentee joins at most one circle.

**Model and exactness.** A circle is built around its lead's topics: a
member's fit is the scorer's pair score with the lead (by default the share of
the member's asked topic weight the lead offers). The objective is
lexicographic, like the rest of the library: first as many mentees placed as
possible, then the largest total fit. It is solved exactly as a mixed-integer
program with :func:`scipy.optimize.milp` (HiGHS), ``mip_rel_gap=0``: one binary
per circle (open or closed) and one continuous variable per admissible
(mentee, lead) pair. Once the open circles are fixed the rest is a
transportation problem whose optimal vertices are integral, so only the
circle variables need branching (the answer is checked to be integral and
re-solved with every variable integral otherwise). ``info["exact"]`` is False
only when ``time_limit`` stopped the search with a feasible answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from mentormatch.errors import InvalidInputError, SolverError, UnknownIdError, expect
from mentormatch.io import Table
from mentormatch.models import Cohort, MentorshipType, Unmatched
from mentormatch.scoring import Scorer, TopicMatrices, TopicScorer, join_words, slot_rule
from mentormatch.solvers import run_interruptibly

if TYPE_CHECKING:
    pass

__all__ = ["Circle", "CircleMember", "CircleResult", "form_circles", "solve_circles"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
_FROZEN = ConfigDict(frozen=True, extra="forbid")


@dataclass(frozen=True, eq=False)
class CircleAssignment:
    """Array-level answer of :func:`solve_circles`.

    Attributes
    ----------
    circle_of : ndarray of int64, shape (n_mentees,)
        Circle (column) of each mentee, -1 when left out.
    open : ndarray of bool, shape (n_circles,)
    objective : float
        Total fit of the placed mentees.
    exact : bool
        Whether the answer is proven optimal.
    """

    circle_of: NDArray[np.int64]
    open: BoolArray
    objective: float
    exact: bool

    @property
    def sizes(self) -> NDArray[np.int64]:
        """Members per circle."""
        placed = self.circle_of[self.circle_of >= 0]
        return np.bincount(placed, minlength=self.open.size).astype(np.int64)


def solve_circles(fit: FloatArray, allowed: BoolArray, min_size: int, max_size: int, *,
                  time_limit: float = 60.0) -> CircleAssignment:
    """Place mentees (rows) in circles (columns) exactly: most placed, then most fit.

    Parameters
    ----------
    fit : ndarray of shape (n_mentees, n_circles)
        Finite value of each placement.
    allowed : ndarray of bool, same shape
        Where a placement is possible.
    min_size, max_size : int
        Size of an open circle; ``1 <= min_size <= max_size``.
    time_limit : float, default=60.0
        Seconds for HiGHS; the best answer found is returned with
        ``exact=False`` if it runs out.

    Returns
    -------
    CircleAssignment

    Examples
    --------
    >>> import numpy as np
    >>> fit = np.array([[1.0, 0.2], [0.9, 0.1], [0.1, 0.8]])
    >>> a = solve_circles(fit, np.ones((3, 2), dtype=bool), min_size=2, max_size=3)
    >>> a.circle_of.tolist(), a.open.tolist()
    ([0, 0, 0], [True, False])
    """
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    fit = np.asarray(fit, dtype=np.float64)
    allowed = np.asarray(allowed, dtype=bool)
    if fit.ndim != 2 or allowed.shape != fit.shape:
        raise InvalidInputError(f"fit {fit.shape} and allowed {allowed.shape} must be the same "
                                "2-D shape (n_mentees, n_circles)")
    if not np.isfinite(fit[allowed]).all():
        raise InvalidInputError("fit must be finite where allowed")
    if not 1 <= min_size <= max_size:
        raise InvalidInputError(f"need 1 <= min_size <= max_size, got min_size={min_size}, "
                                f"max_size={max_size}")
    n, n_c = fit.shape
    ii, cc = np.nonzero(allowed)
    m = ii.size
    if m == 0:
        return CircleAssignment(np.full(n, -1, dtype=np.int64), np.zeros(n_c, dtype=bool),
                                0.0, True)
    s = fit[ii, cc]
    lo, span = float(s.min()), float(s.max() - s.min())
    big = n * span + 1.0  # one more mentee placed outweighs any gain in fit
    cost = np.concatenate([-(big + (s - lo)), np.zeros(n_c)])
    n_var = m + n_c
    edge = np.arange(m)
    y_col = m + np.arange(n_c)
    one = sparse.csr_array((np.ones(m), (ii, edge)), shape=(n, n_var))
    rows = np.concatenate([cc, np.arange(n_c)])
    cols = np.concatenate([edge, y_col])

    def size_rows(bound: int) -> Any:
        return sparse.csr_array((np.concatenate([np.ones(m), np.full(n_c, -float(bound))]),
                                 (rows, cols)), shape=(n_c, n_var))

    link = sparse.csr_array((np.concatenate([np.ones(m), -np.ones(m)]),
                             (np.concatenate([edge, edge]), np.concatenate([edge, m + cc]))),
                            shape=(m, n_var))
    constraints = [LinearConstraint(one, 0, 1), LinearConstraint(size_rows(max_size), -np.inf, 0),
                   LinearConstraint(size_rows(min_size), 0, np.inf),
                   LinearConstraint(link, -np.inf, 0)]
    options = {"mip_rel_gap": 0.0, "time_limit": float(time_limit)}
    integrality = np.concatenate([np.zeros(m), np.ones(n_c)])
    for attempt in range(2):
        res = run_interruptibly(milp, cost, constraints=constraints,
                                integrality=integrality, bounds=Bounds(0, 1), options=options)
        if res.x is None:
            raise SolverError(f"circle MILP found no answer: {res.message}")
        x = res.x[:m]
        if np.abs(x - np.rint(x)).max() <= 1e-6 or attempt == 1:
            break
        integrality = np.ones(n_var)  # a fractional vertex: branch on every variable
    chosen = x > 0.5
    circle_of = np.full(n, -1, dtype=np.int64)
    circle_of[ii[chosen]] = cc[chosen]
    is_open = np.zeros(n_c, dtype=bool)
    is_open[np.unique(cc[chosen])] = True
    return CircleAssignment(circle_of, is_open, float(s[chosen].sum()),
                            bool(res.status == 0))


class CircleMember(BaseModel):
    """A mentee in a circle: fit with the lead, topics shared, and why they are here."""

    model_config = _FROZEN

    mentee: str
    score: float
    shared_topics: tuple[str, ...]
    reasons: tuple[str, ...] = ()


class Circle(BaseModel):
    """An open circle: its lead, members and the topics it is built around."""

    model_config = _FROZEN

    lead: str
    members: tuple[CircleMember, ...]
    topics: tuple[str, ...]

    @property
    def size(self) -> int:
        """Number of members (the lead not counted)."""
        return len(self.members)


class CircleResult(BaseModel, Table):
    """Outcome of :func:`form_circles`.

    Attributes
    ----------
    circles : tuple of Circle
        Open circles, in lead order.
    left_out : tuple of Unmatched
        Mentees who prefer group mentorship but joined no circle, with why.
    closed : tuple of str
        Leads whose circle did not open.
    min_size, max_size : int
    info : dict
        ``exact``, ``solver`` and sizes of the program solved.
    """

    model_config = _FROZEN

    COLUMNS: ClassVar[tuple[str, ...]] = ("lead", "mentee", "score", "shared_topics", "reasons")

    circles: tuple[Circle, ...]
    left_out: tuple[Unmatched, ...] = ()
    closed: tuple[str, ...] = ()
    min_size: int
    max_size: int
    info: dict[str, Any] = Field(default_factory=dict)

    def circle_of(self, mentee: str) -> Circle | None:
        """Return the circle ``mentee`` joined, or ``None``."""
        for circle in self.circles:
            if any(m.mentee == mentee for m in circle.members):
                return circle
        return None

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per member: lead, mentee, score, shared topics, reasons."""
        return [{"lead": c.lead, "mentee": m.mentee, "score": round(m.score, 6),
                 "shared_topics": "; ".join(m.shared_topics), "reasons": "; ".join(m.reasons)}
                for c in self.circles for m in c.members]



def _pick(cohort_ids: tuple[str, ...], given: Sequence[str] | None, default: list[int],
          role: str) -> list[int]:
    if given is None:
        return default
    pos = {ident: k for k, ident in enumerate(cohort_ids)}
    out = []
    for k, ident in enumerate(given):
        if ident not in pos:
            raise UnknownIdError(f"{role}s[{k}]: unknown {role} id {ident!r}")
        out.append(pos[ident])
    return out


def _member_reasons(shared_lead: list[str], shared_circle: list[str], lead: str) -> list[str]:
    both = [t for t in shared_lead if t in shared_circle]
    lead_only = [t for t in shared_lead if t not in shared_circle]
    circle_only = [t for t in shared_circle if t not in shared_lead]
    out = []
    if both:
        out.append(f"shares {join_words(both)} with the circle and its lead")
    if lead_only:
        out.append(f"shares {join_words(lead_only)} with the lead ({lead})")
    if circle_only:
        out.append(f"shares {join_words(circle_only)} with other members")
    out.append("prefers group mentorship")
    return out


def form_circles(cohort: Cohort, *, min_size: int = 3, max_size: int = 8,
                 scorer: Scorer | None = None, mentees: Sequence[str] | None = None,
                 leads: Sequence[str] | None = None, min_shared: int = 1,
                 time_limit: float = 60.0) -> CircleResult:
    """Form group mentoring circles, exactly, with reasons for every member.

    Parameters
    ----------
    cohort : Cohort
    min_size, max_size : int, default=3, 8
        Members of an open circle (the lead not counted).
    scorer : Scorer, optional
        Fit of a member with the lead; defaults to
        :class:`~mentormatch.scoring.TopicScorer` (share of the member's asked
        topic weight the lead offers).
    mentees : sequence of str, optional
        Who may join a circle; defaults to mentees whose ``types`` include group.
    leads : sequence of str, optional
        Who leads a circle; defaults to mentors whose ``types`` include group.
    min_shared : int, default=1
        Topics a member must share with the lead; 0 allows any placement.
        Under a schedule's common-slot rule, each member must also share a
        slot with the lead (not necessarily one slot with the whole circle).
    time_limit : float, default=60.0
        Seconds for the exact solver (see the module notes).

    Returns
    -------
    CircleResult
        Circles with lead, members, shared topics and per-member reasons;
        mentees left out with reasons; leads whose circle stayed closed.

    Examples
    --------
    >>> import mentormatch as mm
    >>> c = mm.Cohort(
    ...     mentees=[mm.Mentee(id=f"e{k}", topics=["qi", "clinical work"], types=["group"])
    ...              for k in range(3)],
    ...     mentors=[mm.Mentor(id="r1", topics=["qi", "clinical work"], types=["group"])])
    >>> result = mm.form_circles(c, min_size=2, max_size=4)
    >>> [m.mentee for m in result.circles[0].members]
    ['e0', 'e1', 'e2']
    >>> result.circles[0].members[0].reasons[0]
    'shares qi and clinical work with the circle and its lead'
    """
    expect(cohort, Cohort, "form_circles", "cohort")
    if min_shared < 0:
        raise InvalidInputError(f"min_shared must be >= 0, got {min_shared}")
    group = MentorshipType.GROUP
    rows = _pick(cohort.mentee_ids, mentees, [i for i, e in enumerate(cohort.mentees)
                                              if group in e.types], "mentee")
    cols = _pick(cohort.mentor_ids, leads, [j for j, r in enumerate(cohort.mentors)
                                            if group in r.types], "mentor")
    tm = TopicMatrices.of(cohort)
    asked, offered = tm.asked[rows] > 0, tm.offered[cols] > 0
    table = (scorer or TopicScorer()).score(cohort)
    fit = table.mentee_scores[np.ix_(rows, cols)]
    shared_count = asked.astype(np.int64) @ offered.T.astype(np.int64)
    allowed = shared_count >= min_shared
    excluded = cohort.excluded_pairs()
    all_e, all_r = cohort.mentee_ids, cohort.mentor_ids
    e_ids = [all_e[i] for i in rows]
    r_ids = [all_r[j] for j in cols]
    for a, e in enumerate(e_ids):
        for b, r in enumerate(r_ids):
            if (e, r) in excluded:
                allowed[a, b] = False
    rule = slot_rule(cohort)
    if rule is not None:
        allowed &= rule.block(np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))
    sol = solve_circles(fit, allowed, min_size, max_size, time_limit=time_limit)
    circles = [_circle(b, sol, fit, asked, offered, tm.topics, e_ids, r_ids)
               for b in np.flatnonzero(sol.open).tolist()]
    left_out = [Unmatched(mentee=e_ids[a], reason=_why_left_out(
                    a, sol, allowed, shared_count, r_ids, min_size, max_size, min_shared))
                for a in np.flatnonzero(sol.circle_of < 0).tolist()]
    closed = tuple(r_ids[b] for b in np.flatnonzero(~sol.open).tolist())
    info = {"solver": "milp", "exact": sol.exact, "mentees": len(rows), "leads": len(cols),
            "candidate_pairs": int(allowed.sum()), "objective": sol.objective}
    return CircleResult(circles=tuple(circles), left_out=tuple(left_out), closed=closed,
                        min_size=min_size, max_size=max_size, info=info)


def _circle(b: int, sol: CircleAssignment, fit: FloatArray, asked: BoolArray,
            offered: BoolArray, topics: tuple[str, ...], e_ids: list[str],
            r_ids: list[str]) -> Circle:
    """Build the circle led by lead ``b``: members with their shared topics and reasons."""
    members_idx = np.flatnonzero(sol.circle_of == b).tolist()
    members = []
    for a in members_idx:
        lead_topics = [topics[t] for t in np.flatnonzero(asked[a] & offered[b])]
        others = np.zeros(asked.shape[1], dtype=bool)
        for o in members_idx:
            if o != a:
                others |= asked[o]
        circle_topics = [topics[t] for t in np.flatnonzero(asked[a] & others)]
        shared = tuple(dict.fromkeys(lead_topics + circle_topics))
        members.append(CircleMember(
            mentee=e_ids[a], score=float(fit[a, b]), shared_topics=shared,
            reasons=tuple(_member_reasons(lead_topics, circle_topics, r_ids[b]))))
    demand = asked[members_idx].sum(axis=0) * offered[b]
    order = np.lexsort((np.arange(demand.size), -demand))
    return Circle(lead=r_ids[b], members=tuple(members),
                  topics=tuple(topics[t] for t in order if demand[t] > 0))


def _why_left_out(a: int, sol: CircleAssignment, allowed: BoolArray,
                  shared_count: NDArray[np.int64], r_ids: list[str], min_size: int,
                  max_size: int, min_shared: int) -> str:
    """Say why mentee ``a`` is in no circle."""
    fits = np.flatnonzero(allowed[a])
    if fits.size == 0:
        if not r_ids:
            return "no mentor offers group mentorship"
        if (shared_count[a] >= min_shared).any():
            return ("every group lead sharing their topics is excluded (forbidden, "
                    "supervising, or sharing no slot within work hours when the schedule "
                    "requires one)")
        return f"no group lead shares at least {min_shared} of their topics"
    sizes = sol.sizes
    full = [r_ids[b] for b in fits if sol.open[b] and sizes[b] >= max_size]
    shut = [r_ids[b] for b in fits if not sol.open[b]]
    parts = []
    if full:
        parts.append(f"the circle(s) they fit are full ({join_words(full)}: {max_size} members)")
    if shut:
        parts.append(f"too few group mentees fit {join_words(shut)} to open a circle of "
                     f"{min_size}")
    return "; ".join(parts) or "not placed by the solver"
