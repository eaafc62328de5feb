"""Diagnosis before solving: what cannot be met, said in the director's words."""

from __future__ import annotations

from collections import defaultdict
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from mentormatch.encode import build_problem
from mentormatch.errors import InfeasibleError, expect
from mentormatch.models import Cohort, MentorshipType, MustHaveMask
from mentormatch.problem import MatchProblem, locked_residual, unmeetable_min_loads
from mentormatch.scoring import Scorer, default_scorer, slot_rule
from mentormatch.solvers import unbalanceable_groups

__all__ = ["Diagnosis", "Finding", "diagnose", "diagnose_problem"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")

_TYPE_LABEL = {
    MentorshipType.ONE_TO_ONE: "one-to-one",
    MentorshipType.GROUP: "group",
    MentorshipType.PEER: "peer",
    MentorshipType.TASK_FOCUSED: "task-focused",
}

FindingKind = Literal["no_admissible_mentor", "demand_exceeds_places", "type_shortage",
                      "locks_fill_mentor", "topic_not_offered", "must_haves_unmet"]


class Finding(BaseModel):
    """One thing the director should know before matching.

    Attributes
    ----------
    kind : str
        ``"no_admissible_mentor"``, ``"demand_exceeds_places"``,
        ``"type_shortage"``, ``"locks_fill_mentor"``, ``"topic_not_offered"``
        (a topic mentees ask for that no mentor with a place offers) or
        ``"must_haves_unmet"`` (no mentor meets all of a mentee's must-haves).
    message : str
        A sentence in plain words, naming people by id.
    mentees, mentors : tuple of str
        Ids concerned.
    """

    model_config = _FROZEN

    kind: FindingKind
    message: str
    mentees: tuple[str, ...] = ()
    mentors: tuple[str, ...] = ()


class Diagnosis(BaseModel):
    """What :func:`diagnose` found: requests that cannot all be met, and why.

    Attributes
    ----------
    findings : tuple of Finding
        Empty when nothing stands in the way of a full match.
    """

    model_config = _FROZEN

    findings: tuple[Finding, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether nothing was found."""
        return not self.findings

    @property
    def messages(self) -> tuple[str, ...]:
        """The findings' sentences."""
        return tuple(f.message for f in self.findings)

    def __str__(self) -> str:
        if not self.findings:
            return "nothing stands in the way of a full match"
        return "\n".join(f"- {m}" for m in self.messages)


def _n(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def _verb(count: int, singular: str, plural: str) -> str:
    return singular if count == 1 else plural


def _names(ids: list[str], limit: int = 5) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def diagnose(cohort: Cohort, *, scorer: Scorer | None = None,
             min_score: float | None = None) -> Diagnosis:
    """Say, before solving, which requests of a cohort cannot all be met, and why.

    Looks for mentees with no admissible mentor (and why: forbidden pairs,
    supervisors, no places left, scores below ``min_score``), more requests
    than places (in all, and among mentors offering each kind of mentorship a
    mentee prefers), and mentors whose places are all taken by locked pairs.
    These are findings, not errors: the match still runs and does its best.

    Parameters
    ----------
    cohort : Cohort
    scorer : Scorer, optional
        Only needed with ``min_score``; defaults to the default scorer.
    min_score : float, optional
        Pairs scoring below this count as not admissible, as in :func:`match`.

    Returns
    -------
    Diagnosis

    Raises
    ------
    InfeasibleError
        When the cohort asks for the impossible: a mentor's minimum load that
        not enough admissible mentees can fill, or a mentor's group that cannot
        meet the cohort's make-up quotas (the message names the mentor and the
        rule, never a value). (Contradictory locks are already rejected when the
        :class:`Cohort` is built.)

    Examples
    --------
    >>> import mentormatch as mm
    >>> cohort = mm.Cohort(
    ...     mentees=[mm.Mentee(id="e1", topics=["teaching"], demand=2),
    ...              mm.Mentee(id="e2", topics=["teaching"])],
    ...     mentors=[mm.Mentor(id="r1", topics=["teaching"], capacity=2)],
    ...     forbidden=[("e2", "r1")])
    >>> for message in mm.diagnose(cohort).messages:
    ...     print(message)
    e2 has no admissible mentor: r1 is forbidden by the director
    mentees ask for 3 mentors in all but only 2 places are offered: at least 1
    request cannot be met
    """
    expect(cohort, Cohort, "diagnose", "cohort")
    table = (scorer or default_scorer(cohort)).score(cohort)
    return diagnose_problem(cohort, build_problem(cohort, table, min_score=min_score))


def diagnose_problem(cohort: Cohort, problem: MatchProblem) -> Diagnosis:
    """Diagnose a cohort given the problem built from it (see :func:`diagnose`)."""
    expect(cohort, Cohort, "diagnose_problem", "cohort")
    expect(problem, MatchProblem, "diagnose_problem", "problem")
    e_ids, r_ids = cohort.mentee_ids, cohort.mentor_ids
    rest = locked_residual(problem)
    lock_r, room, want = rest.mentor_locks, rest.capacity, rest.demand
    unmeetable = (unmeetable_min_loads(problem, lambda j: r_ids[j])
                  or unbalanceable_groups(problem, lambda j: f"mentor {r_ids[j]}"))
    if unmeetable:
        raise InfeasibleError(unmeetable)
    findings: list[Finding] = []

    full = np.flatnonzero((lock_r > 0) & (room == 0)).tolist()
    if full:
        who = [r_ids[j] for j in full]
        places = ", ".join(f"{r_ids[j]} ({_n(int(lock_r[j]), 'place')})" for j in full[:5])
        more = f" and {len(full) - 5} more" if len(full) > 5 else ""
        verb = "is" if len(full) == 1 else "are"
        findings.append(Finding(
            kind="locks_fill_mentor", mentors=tuple(who),
            message=f"locked pairs use every place of {places}{more}: no other mentee "
                    f"can be matched with {'them' if len(full) > 1 else who[0]}, who {verb} "
                    "left out of the rest of the match"))

    needs_first = (want > 0) & (rest.mentee_locks == 0)
    usable = problem.allowed & (room > 0)[None, :]
    stranded = np.flatnonzero(needs_first & ~usable.any(axis=1)).tolist()
    if stranded:
        excluded: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for (e, r), why in cohort.excluded_pairs().items():
            excluded[e].append((r, why))
        musts = MustHaveMask.of(cohort) if cohort.must_haves else None
        meets = musts.dense() if musts else np.ones(problem.shape, dtype=bool)
        rule = slot_rule(cohort)
        for i in stranded:
            if musts is not None and not meets[i].any():
                findings.append(Finding(
                    kind="must_haves_unmet", mentees=(e_ids[i],),
                    message=musts.why_none(cohort, i)))
                continue
            blocked = ([] if rule is None else
                       np.flatnonzero(~rule.block(np.array([i]), np.arange(len(r_ids)))[0])
                       .tolist())
            findings.append(Finding(
                kind="no_admissible_mentor", mentees=(e_ids[i],),
                message=f"{e_ids[i]} has no admissible mentor: "
                        + _why_none(problem, i, excluded[e_ids[i]], room, r_ids, meets[i],
                                    (frozenset(blocked), _no_common_slot(cohort, blocked, i)))))

    n_first = int(needs_first.sum())
    total_want, total_room = int(want.sum()), int(room.sum())
    if n_first > total_room:
        findings.append(Finding(
            kind="demand_exceeds_places",
            message=f"{_n(n_first, 'mentee')} still {_verb(n_first, 'needs', 'need')} "
                    f"a mentor but only "
                    f"{_n(total_room, 'place')} {'is' if total_room == 1 else 'are'} offered: "
                    f"at least {_n(n_first - total_room, 'mentee')} will get none"))
    elif total_want > total_room:
        findings.append(Finding(
            kind="demand_exceeds_places",
            message=f"mentees ask for {_n(total_want, 'mentor')} in all but only "
                    f"{_n(total_room, 'place')} {'is' if total_room == 1 else 'are'} offered: "
                    f"at least {_n(total_want - total_room, 'request')} cannot be met"))
    findings.extend(_type_shortages(cohort, problem, want, needs_first, room))
    findings.extend(_topics_nobody_offers(problem, e_ids))
    return Diagnosis(findings=tuple(findings))


def _topics_nobody_offers(problem: MatchProblem, e_ids: tuple[str, ...]) -> list[Finding]:
    """Asked topics no mentor with a place offers: no match can cover them."""
    attrs = problem.attributes
    if attrs is None:
        return []
    asking = attrs.asked[problem.demand > 0] > 0
    offered = (attrs.offered[problem.capacity > 0] > 0).any(axis=0)
    out = []
    for t in np.flatnonzero(asking.any(axis=0) & ~offered).tolist():
        who = [e_ids[i] for i in np.flatnonzero((attrs.asked[:, t] > 0)
                                                & (problem.demand > 0)).tolist()]
        out.append(Finding(
            kind="topic_not_offered", mentees=tuple(who),
            message=f"no mentor with a place offers {attrs.topics[t]!r}, which "
                    f"{_n(len(who), 'mentee')} {_verb(len(who), 'asks', 'ask')} for "
                    f"({_names(who)}): no match can cover it"))
    return out


def _no_common_slot(cohort: Cohort, blocked: list[int], i: int) -> str:
    """Name the mentors the common-slot rule keeps from mentee ``i``, with the mentee's slots."""
    if not blocked or cohort.schedule is None:
        return ""
    ids = [cohort.mentor_ids[j] for j in blocked]
    mentee = cohort.mentees[i]
    slots = ", ".join(str(s) for s in mentee.availability[:6])
    return (f"{_names(ids, 3)} {'shares' if len(ids) == 1 else 'share'} no "
            f"{cohort.schedule.meeting_minutes}-minute slot with {mentee.id} within work hours "
            f"({mentee.id} is free {slots})")


def _why_none(problem: MatchProblem, i: int, excluded: list[tuple[str, str]],
              room: np.ndarray, r_ids: tuple[str, ...], meets: np.ndarray,
              no_slot: tuple[frozenset[int], str] = (frozenset(), "")) -> str:
    n_r = problem.n_mentors
    if n_r == 0:
        return "the cohort has no mentors"
    parts: list[str] = []
    by_reason: dict[str, list[str]] = defaultdict(list)
    for r, why in excluded:
        by_reason["forbidden" if why.startswith("forbidden") else "other"].append(
            r if why.startswith("forbidden") else why)
    if by_reason["forbidden"]:
        ids = by_reason["forbidden"]
        parts.append(f"{_names(ids)} {'is' if len(ids) == 1 else 'are'} forbidden by the "
                     "director")
    parts.extend(by_reason["other"][:5])
    excluded_ids = {r for r, _ in excluded}
    rest = [j for j in range(n_r) if r_ids[j] not in excluded_ids]
    no_room = [r_ids[j] for j in rest if problem.allowed[i, j] and room[j] <= 0]
    low = [r_ids[j] for j in rest
           if not problem.allowed[i, j] and meets[j] and j not in no_slot[0]]
    unmet = [r_ids[j] for j in rest if not meets[j]]
    if no_room:
        parts.append(f"{_names(no_room, 3)} {'has' if len(no_room) == 1 else 'have'} "
                     "no places left")
    if unmet:
        parts.append(f"{_names(unmet, 3)} {'breaks' if len(unmet) == 1 else 'break'} their "
                     "must-haves")
    if no_slot[1]:
        parts.append(no_slot[1])
    if low:
        parts.append(f"{_names(low, 3)} {'scores' if len(low) == 1 else 'score'} below the "
                     "minimum score")
    return "; ".join(parts)


def _type_shortages(cohort: Cohort, problem: MatchProblem, want: np.ndarray,
                    needs_first: np.ndarray, room: np.ndarray) -> list[Finding]:
    out: list[Finding] = []
    further = want - needs_first
    e_ids, r_ids = cohort.mentee_ids, cohort.mentor_ids
    for kind, label in _TYPE_LABEL.items():
        mentees = np.array([kind in p.types for p in cohort.mentees], dtype=bool)
        mentees &= want > 0
        if not mentees.any():
            continue
        offering = np.array([kind in p.types for p in cohort.mentors], dtype=bool)
        places = int(room[offering].sum())
        firsts = int((needs_first & mentees).sum())
        asked = int(want[mentees].sum())
        ids = tuple(e_ids[i] for i in np.flatnonzero(mentees))
        offer_ids = tuple(r_ids[j] for j in np.flatnonzero(offering))
        if firsts > places:
            out.append(Finding(
                kind="type_shortage", mentees=ids, mentors=offer_ids,
                message=f"{_n(firsts, 'mentee')} who {_verb(firsts, 'prefers', 'prefer')} "
                        f"{label} mentorship still {_verb(firsts, 'needs', 'need')} a "
                        f"mentor but mentors who offer {label} mentorship have only "
                        f"{_n(places, 'place')} left"))
        elif asked > places:
            more = mentees & (further > 0)
            n_more = int(more.sum())
            left = places - firsts
            which = "a second" if int(problem.demand[more].max()) <= 2 else "another"
            out.append(Finding(
                kind="type_shortage", mentees=ids, mentors=offer_ids,
                message=f"{_n(n_more, 'mentee')} asked for {which} mentor but only "
                        f"{_n(left, 'place')} {'is' if left == 1 else 'are'} left among "
                        f"mentors who offer {label} mentorship"))
    return out
