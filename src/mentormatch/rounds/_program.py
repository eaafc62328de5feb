"""A mentorship program's rounds as one object, so constraints across rounds hold.

Rounds, in order: the long-term match (:func:`mentormatch.match`), group
circles (leading one takes one of the lead's ``capacity`` places, so only
mentors with a place left after the long-term match lead), peer pairs
(supervision in the pool never paired), newcomer buddies (never a newcomer's
own mentor unless allowed) and short-term task matches (using long-term
capacity only where the mentor opened it to tasks, and only what the
long-term match and circles left free), and,
when asked, peer circles of mentors by topic (a community of practice).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from mentormatch.errors import SolverError
from mentormatch.io import Table
from mentormatch.matching import match
from mentormatch.models import Cohort, History, MatchResult, MentorshipType
from mentormatch.progress import Progress
from mentormatch.rounds._buddies import match_buddies
from mentormatch.rounds._circles import CircleResult, form_circles
from mentormatch.rounds._mentor_circles import MentorCircleResult, form_mentor_circles
from mentormatch.rounds._peers import PeerResult, pair_peers
from mentormatch.rounds._tasks import TaskResult, match_tasks, task_places
from mentormatch.scoring import Scorer
from mentormatch.solvers import DEFAULT_SOLVER

__all__ = ["Program", "ProgramResult"]



class ProgramResult(BaseModel, Table):
    """Every round of a program run, exported as one table.

    Attributes
    ----------
    long_term, buddies : MatchResult or None
    circles : CircleResult or None
    peers : PeerResult or None
    tasks : TaskResult or None
    mentor_circles : MentorCircleResult or None
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    COLUMNS: ClassVar[tuple[str, ...]] = ("round", "mentee", "mentor", "topic", "score", "reasons")
    #: The ``round`` of each record, in the order :meth:`to_records` lists them.
    ROUNDS: ClassVar[tuple[str, ...]] = ("long_term", "buddy", "circle", "peer", "task",
                                         "mentor_circle")

    long_term: MatchResult | None = None
    circles: CircleResult | None = None
    peers: PeerResult | None = None
    buddies: MatchResult | None = None
    tasks: TaskResult | None = None
    mentor_circles: MentorCircleResult | None = None

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per pair of every round: round, mentee, mentor, topic, score, reasons.

        For circles ``mentor`` is the lead and ``topic`` the topics shared; for
        peers ``mentee`` and ``mentor`` are the two peers; for mentors' peer circles
        ``mentee`` is empty, ``mentor`` the member and ``topic`` the circle's name.
        """
        rows: list[dict[str, Any]] = []

        def add(round_: str, a: str, b: str, topic: str, score: float,
                reasons: tuple[str, ...]) -> None:
            rows.append({"round": round_, "mentee": a, "mentor": b, "topic": topic,
                         "score": round(score, 6), "reasons": "; ".join(reasons)})

        for name, res in (("long_term", self.long_term), ("buddy", self.buddies)):
            for p in res.pairs if res else ():
                add(name, p.mentee, p.mentor, "", p.score, p.reasons)
        for c in self.circles.circles if self.circles else ():
            for m in c.members:
                add("circle", m.mentee, c.lead, "; ".join(m.shared_topics), m.score, m.reasons)
        for pp in self.peers.pairs if self.peers else ():
            add("peer", pp.a, pp.b, "", pp.score, pp.reasons)
        for t in self.tasks.matches if self.tasks else ():
            add("task", t.mentee, t.mentor, t.topic, t.score, t.reasons)
        for mc in self.mentor_circles.circles if self.mentor_circles else ():
            for member in mc.members:
                add("mentor_circle", "", member.mentor, mc.name, member.score, member.reasons)
        return rows



class Program(BaseModel):
    """A program's rounds on one cohort: long-term match, circles, peers, buddies, tasks.

    Parameters
    ----------
    cohort : Cohort
    long_term, circles, peers, buddies, tasks : bool, default=True
        Which rounds to run.
    circle_min, circle_max : int, default=3, 8
        Sizes of an open circle (see :func:`mentormatch.form_circles`).
    peer_method : {"max_weight", "stable"}, default="max_weight"
        Peer pairing among mentees who prefer peer mentorship
        (see :func:`mentormatch.pair_peers`).
    buddy_can_be_mentor : bool, default=False
        Allow a newcomer's long-term mentor to be their buddy too.
    history : History, optional
        Last year's pairs, follow-up and buddies: the long-term round is
        ``mm.match(..., history=history)`` and the buddy round never repeats a
        buddy pair of last year.
    mentor_circles : bool, default=False
        Also group the mentors into peer circles by topic, a community of
        practice (see :func:`mentormatch.form_mentor_circles`).
    mentor_circle_min, mentor_circle_max : int, default=3, 8
        Sizes of an open mentors' circle.

    Examples
    --------
    >>> import mentormatch as mm
    >>> result = mm.Program(cohort=mm.example_cohort(), circle_min=1).run(solver="hungarian")
    >>> len(result.long_term.pairs), [c.lead for c in result.circles.circles]
    (10, ['mentor-03'])
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    cohort: Cohort
    long_term: bool = True
    circles: bool = True
    peers: bool = True
    buddies: bool = True
    tasks: bool = True
    circle_min: int = Field(default=3, ge=1)
    circle_max: int = Field(default=8, ge=1)
    peer_method: Literal["max_weight", "stable"] = "max_weight"
    buddy_can_be_mentor: bool = False
    history: History | None = None
    mentor_circles: bool = False
    mentor_circle_min: int = Field(default=3, ge=1)
    mentor_circle_max: int = Field(default=8, ge=1)

    def run(self, solver: str | None = None, *, scorer: Scorer | None = None,
            progress: bool | None = None, **options: Any) -> ProgramResult:
        """Run every round in order and check the rules across rounds.

        Parameters
        ----------
        solver : str, optional
            Solver of the long-term, buddy and task rounds. By default the
            long-term round takes :func:`mentormatch.match`'s own choice (and
            its note says why), and the buddy and task rounds ``DEFAULT_SOLVER``.
        scorer : Scorer, optional
            Scorer of the long-term round.
        progress : bool, optional
            A bar over the rounds, naming the one running; by default only in
            a terminal or a notebook (see :class:`mentormatch.progress.Progress`).
        **options
            Passed to :func:`mentormatch.match` (e.g. ``min_score``).

        Returns
        -------
        ProgramResult

        Raises
        ------
        SolverError
            If a cross-round rule were broken (a bug, never expected).
        """
        cohort = self.cohort
        rounds = sum((self.long_term, self.circles, self.peers, self.buddies, self.tasks,
                      self.mentor_circles))
        long_term = circles = peers = buddies = tasks = mentor_circles = None
        with Progress(rounds, "program rounds", enabled=progress) as bar:
            if self.long_term:
                bar.stage("long-term match")
                long_term = match(cohort, solver=solver, scorer=scorer, history=self.history,
                                  **options)
                bar.update()
            mentors_of: dict[str, list[str]] = {}
            for p in long_term.pairs if long_term else ():
                mentors_of.setdefault(p.mentee, []).append(p.mentor)
            loads = dict(long_term.metrics.mentor_loads) if long_term else {}
            if self.circles:
                bar.stage("group circles")
                circles = _circles_within_capacity(self, loads)
                for c in circles.circles:
                    loads[c.lead] = loads.get(c.lead, 0) + 1
                bar.update()
            if self.peers:
                bar.stage("peer pairs")
                pool = [e for e in cohort.mentees if MentorshipType.PEER in e.types]
                peers = pair_peers(pool, method=self.peer_method)
                bar.update()
            if self.buddies:
                bar.stage("newcomer buddies")
                buddies = match_buddies(cohort, mentors_of=mentors_of,
                                        allow_mentor=self.buddy_can_be_mentor,
                                        solver=solver or DEFAULT_SOLVER,
                                        history=self.history)
                bar.update()
            if self.tasks:
                bar.stage("task-focused matches")
                tasks = match_tasks(cohort, long_term_loads=loads,
                                    solver=solver or DEFAULT_SOLVER)
                bar.update()
            if self.mentor_circles:
                bar.stage("mentors' peer circles")
                mentor_circles = form_mentor_circles(cohort, min_size=self.mentor_circle_min,
                                                     max_size=self.mentor_circle_max)
                bar.update()
        result = ProgramResult(long_term=long_term, circles=circles, peers=peers,
                               buddies=buddies, tasks=tasks, mentor_circles=mentor_circles)
        violations = check_program(self, result)
        if violations:
            raise SolverError("program rounds break cross-round rules: "
                              + "; ".join(violations[:5]))
        return result


def _circles_within_capacity(program: Program, loads: dict[str, int]) -> CircleResult:
    """Form circles led only by group mentors with a place left after the long-term match.

    Leads left out for want of a place are listed in ``info["leads_at_capacity"]``.
    """
    cohort = program.cohort
    group = [r for r in cohort.mentors if MentorshipType.GROUP in r.types]
    free = [r.id for r in group if loads.get(r.id, 0) < r.capacity]
    full = [r.id for r in group if loads.get(r.id, 0) >= r.capacity]
    circles = form_circles(cohort, min_size=program.circle_min, max_size=program.circle_max,
                           leads=free)
    return circles.model_copy(update={"info": {**circles.info, "leads_at_capacity": full}})


def _places_used(result: ProgramResult) -> dict[str, int]:
    """Places of ``capacity`` each mentor uses: long-term mentees plus one per circle led."""
    used = dict(result.long_term.metrics.mentor_loads) if result.long_term else {}
    for c in result.circles.circles if result.circles else ():
        used[c.lead] = used.get(c.lead, 0) + 1
    return used


def check_program(program: Program, result: ProgramResult) -> tuple[str, ...]:
    """Return every cross-round rule a program result breaks (empty when none).

    Rules: a buddy is not the newcomer's long-term mentor unless allowed; a
    mentor's long-term mentees plus the circle they lead (one place) fit their
    ``capacity``; task matches borrow long-term places only from mentors who
    opened them, and no more than the long-term match and circles left free;
    circles (of mentees or of mentors) keep their sizes.

    Examples
    --------
    >>> import mentormatch as mm
    >>> program = mm.Program(cohort=mm.example_cohort())
    >>> check_program(program, program.run())
    ()
    """
    cohort = program.cohort
    out: list[str] = []
    lt = {(p.mentee, p.mentor) for p in result.long_term.pairs} if result.long_term else set()
    if result.buddies and not program.buddy_can_be_mentor:
        for p in result.buddies.pairs:
            if (p.mentee, p.mentor) in lt:
                out.append(f"{p.mentor} is both mentor and buddy of {p.mentee}")
    loads = _places_used(result)
    for mentor in cohort.mentors:
        if loads.get(mentor.id, 0) > mentor.capacity:
            out.append(f"mentor {mentor.id} uses {loads[mentor.id]} places (long-term mentees "
                       f"and a circle led) but has capacity {mentor.capacity}")
    if result.tasks:
        own, borrowed = task_places(cohort, loads)
        pos = cohort.mentor_index()
        used: dict[str, list[bool]] = {}
        for t in result.tasks.matches:
            used.setdefault(t.mentor, []).append(t.uses_capacity)
        for r, flags in used.items():
            j = pos[r]
            if sum(flags) > borrowed[j] or len(flags) - sum(flags) > own[j]:
                out.append(f"mentor {r} has {len(flags)} task matches but {own[j]} task "
                           f"place(s) and {borrowed[j]} long-term place(s) opened to tasks")
    if result.circles:
        for c in result.circles.circles:
            if not program.circle_min <= c.size <= program.circle_max:
                out.append(f"circle of {c.lead} has {c.size} members, outside "
                           f"[{program.circle_min}, {program.circle_max}]")
    lo, hi = program.mentor_circle_min, program.mentor_circle_max
    for mc in result.mentor_circles.circles if result.mentor_circles else ():
        if not lo <= mc.size <= hi:
            out.append(f"mentors' circle {mc.name!r} has {mc.size} members, outside "
                       f"[{lo}, {hi}]")
    return tuple(out)
