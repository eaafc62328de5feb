"""Peer circles of mentors by topic: a community of practice (issue 14, item 7).

The pilot's participants suggested a community of practice among mentors.
Each circle gathers mentors around one topic they offer; a mentor joins at
most one circle, and a circle opens with between ``min_size`` and ``max_size``
members. A mentor's fit with a topic is the share of their offered topic
weight that topic carries, so a mentor who mostly offers QI sits in the QI
circle. The placement is the exact circle solver of group mentoring
(:func:`~mentormatch.rounds._circles.solve_circles`): most mentors placed,
then the largest total fit. A topic offered by more mentors than one circle
holds gets as many circles as it needs (``"qi"``, ``"qi (2)"``, ...).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from mentormatch.errors import InvalidInputError, UnknownIdError, UnknownTopicError, expect
from mentormatch.io import Table
from mentormatch.models import Cohort
from mentormatch.scoring import TopicMatrices, join_words
from mentormatch.topics import normalize_topic

from ._circles import solve_circles

__all__ = ["MentorCircle", "MentorCircleMember", "MentorCircleResult", "MentorLeftOut",
           "form_mentor_circles"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class MentorCircleMember(BaseModel):
    """A mentor in a peer circle, with how well the topic fits them and why."""

    model_config = _FROZEN

    mentor: str
    score: float
    shared_topics: tuple[str, ...]
    reasons: tuple[str, ...]


class MentorCircle(BaseModel):
    """A peer circle of mentors around one topic.

    Attributes
    ----------
    name : str
        The topic, numbered when a topic has several circles (``"qi (2)"``).
    topic : str
    members : tuple of MentorCircleMember
    """

    model_config = _FROZEN

    name: str
    topic: str
    members: tuple[MentorCircleMember, ...]

    @property
    def size(self) -> int:
        """Number of mentors in the circle."""
        return len(self.members)


class MentorLeftOut(BaseModel):
    """A mentor in no peer circle, and why."""

    model_config = _FROZEN

    mentor: str
    reason: str


class MentorCircleResult(BaseModel, Table):
    """Outcome of :func:`form_mentor_circles`.

    Attributes
    ----------
    circles : tuple of MentorCircle
        Open circles, by topic order.
    left_out : tuple of MentorLeftOut
        Mentors invited who joined no circle, with why.
    min_size, max_size : int
    info : dict
        ``exact``, ``solver`` and sizes of the program solved.
    """

    model_config = _FROZEN

    COLUMNS: ClassVar[tuple[str, ...]] = ("circle", "topic", "mentor", "score", "shared_topics",
                                          "reasons")

    circles: tuple[MentorCircle, ...]
    left_out: tuple[MentorLeftOut, ...] = ()
    min_size: int
    max_size: int
    info: dict[str, Any] = Field(default_factory=dict)

    def circle_of(self, mentor: str) -> MentorCircle | None:
        """Return the circle ``mentor`` joined, or ``None``."""
        for circle in self.circles:
            if any(m.mentor == mentor for m in circle.members):
                return circle
        return None

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per member: circle, topic, mentor, score, shared topics, reasons."""
        return [{"circle": c.name, "topic": c.topic, "mentor": m.mentor,
                 "score": round(m.score, 6), "shared_topics": "; ".join(m.shared_topics),
                 "reasons": "; ".join(m.reasons)}
                for c in self.circles for m in c.members]


def _rows(cohort: Cohort, mentors: Sequence[str] | None) -> list[int]:
    if mentors is None:
        return list(range(len(cohort.mentors)))
    pos = cohort.mentor_index()
    missing = [r for r in mentors if r not in pos]
    if missing:
        raise UnknownIdError(f"mentors: unknown mentor id {missing[0]!r}")
    return [pos[r] for r in dict.fromkeys(mentors)]


def _columns(topics: tuple[str, ...], wanted: Sequence[str] | None) -> list[int]:
    if wanted is None:
        return list(range(len(topics)))
    pos = {t: k for k, t in enumerate(topics)}
    out = []
    for name in wanted:
        key = normalize_topic(name)
        if key not in pos:
            raise UnknownTopicError(f"topics: no mentor offers and no mentee asks for {name!r}")
        out.append(pos[key])
    return list(dict.fromkeys(out))


def form_mentor_circles(cohort: Cohort, *, min_size: int = 3, max_size: int = 8,
                        mentors: Sequence[str] | None = None,
                        topics: Sequence[str] | None = None,
                        time_limit: float = 60.0) -> MentorCircleResult:
    """Group mentors into peer circles by topic (a community of practice), exactly.

    Parameters
    ----------
    cohort : Cohort
    min_size, max_size : int, default=3, 8
        Mentors in an open circle.
    mentors : sequence of str, optional
        Who is invited; defaults to every mentor of the cohort.
    topics : sequence of str, optional
        Topics a circle may form around; defaults to every topic offered.
    time_limit : float, default=60.0
        Seconds for the exact circle solver.

    Returns
    -------
    MentorCircleResult
        Circles with their topic and members (each with reasons), and the
        mentors left out with why. Supervision between mentors is not
        considered: a peer circle is not a mentorship.

    Examples
    --------
    >>> import mentormatch as mm
    >>> c = mm.Cohort(mentees=[], mentors=[
    ...     mm.Mentor(id="r1", topics=["qi", "teaching"]), mm.Mentor(id="r2", topics=["qi"]),
    ...     mm.Mentor(id="r3", topics=["teaching"]), mm.Mentor(id="r4", topics=["qi"])])
    >>> result = mm.form_mentor_circles(c, min_size=2, max_size=3)
    >>> [(circle.topic, [m.mentor for m in circle.members]) for circle in result.circles]
    [('qi', ['r2', 'r4']), ('teaching', ['r1', 'r3'])]
    >>> result.circles[1].members[0].reasons
    ('offers teaching, the circle topic',)
    """
    expect(cohort, Cohort, "form_mentor_circles", "cohort")
    if not 1 <= min_size <= max_size:
        raise InvalidInputError(f"need 1 <= min_size <= max_size, got min_size={min_size}, "
                                f"max_size={max_size}")
    rows = _rows(cohort, mentors)
    tm = TopicMatrices.of(cohort)
    cols = _columns(tm.topics, topics)
    offered = tm.offered[np.ix_(rows, cols)]
    total = tm.offered[rows].sum(axis=1, keepdims=True)
    fit = np.divide(offered, total, out=np.zeros_like(offered), where=total > 0)
    able = offered > 0
    # One circle per max_size mentors offering a topic; topics too few offer cannot open.
    counts = able.sum(axis=0)
    copies = [math.ceil(int(n) / max_size) if n >= min_size else 0 for n in counts]
    circle_topic = np.repeat(np.arange(len(cols)), copies).astype(np.int64)
    sol = solve_circles(fit[:, circle_topic], able[:, circle_topic], min_size, max_size,
                        time_limit=time_limit)
    r_ids = [cohort.mentors[j].id for j in rows]
    names = [tm.topics[c] for c in cols]
    circles = _circles(sol.circle_of, sol.open, circle_topic, fit, able, names, r_ids)
    left = [MentorLeftOut(mentor=r_ids[a], reason=_why_left_out(a, able, counts, names,
                                                               min_size))
            for a in np.flatnonzero(sol.circle_of < 0).tolist()]
    info = {"solver": "milp", "exact": sol.exact, "mentors": len(rows),
            "candidate_circles": int(circle_topic.size), "objective": sol.objective}
    return MentorCircleResult(circles=tuple(circles), left_out=tuple(left), min_size=min_size,
                              max_size=max_size, info=info)


def _circles(circle_of: NDArray[np.int64], is_open: NDArray[np.bool_],
             circle_topic: NDArray[np.int64], fit: NDArray[np.float64],
             able: NDArray[np.bool_], names: list[str], r_ids: list[str]) -> list[MentorCircle]:
    out: list[MentorCircle] = []
    seen: dict[int, int] = {}
    for b in np.flatnonzero(is_open).tolist():
        t = int(circle_topic[b])
        seen[t] = seen.get(t, 0) + 1
        members_idx = np.flatnonzero(circle_of == b).tolist()
        members = []
        for a in members_idx:
            others = np.zeros(able.shape[1], dtype=bool)
            for o in members_idx:
                if o != a:
                    others |= able[o]
            also = [names[k] for k in np.flatnonzero(able[a] & others) if k != t]
            reasons = [f"offers {names[t]}, the circle topic"]
            if also:
                reasons.append(f"also shares {join_words(also)} with other members")
            members.append(MentorCircleMember(mentor=r_ids[a], score=float(fit[a, t]),
                                              shared_topics=(names[t], *also),
                                              reasons=tuple(reasons)))
        name = names[t] if seen[t] == 1 else f"{names[t]} ({seen[t]})"
        out.append(MentorCircle(name=name, topic=names[t], members=tuple(members)))
    return out


def _why_left_out(a: int, able: NDArray[np.bool_], counts: NDArray[np.int64],
                  names: list[str], min_size: int) -> str:
    mine = np.flatnonzero(able[a]).tolist()
    if not mine:
        return "offers none of the circles' topics"
    viable = [names[t] for t in mine if counts[t] >= min_size]
    if not viable:
        return (f"fewer than {min_size} mentors offer each of their topics "
                f"({join_words([names[t] for t in mine])})")
    return f"the circles on their topics ({join_words(viable)}) are full or did not open"
