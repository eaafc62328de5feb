"""Checks as public API: feasibility (:func:`check`) and stability (:func:`blocking_pairs`).

Both take either an index-level :class:`~mentormatch.Assignment` or a
:class:`~mentormatch.MatchResult`, whose ids are mapped to indices through its
cohort (``result.cohort``, or ``cohort=`` for a result loaded from JSON).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import overload

import numpy as np
from numpy.typing import NDArray

from mentormatch.errors import InvalidInputError, UnknownIdError, expect
from mentormatch.models import Cohort, MatchResult, MustHaveMask
from mentormatch.problem import Assignment, MatchProblem, blocking_pair_indices, violations
from mentormatch.scoring import slot_rule

__all__ = ["CheckReport", "blocking_pairs", "check", "must_have_violations",
           "result_assignment"]


@dataclass(frozen=True)
class CheckReport:
    """What :func:`check` found.

    Attributes
    ----------
    violations : tuple of str
        One sentence per broken rule; empty when the assignment is feasible.
    """

    violations: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Whether no rule is broken."""
        return not self.violations


def result_assignment(result: MatchResult, problem: MatchProblem,
                      cohort: Cohort | None = None) -> Assignment:
    """Return the index-level :class:`Assignment` of a result, via its cohort's id order.

    Raises
    ------
    InvalidInputError
        If no cohort is known, or its size differs from the problem's.
    UnknownIdError
        If a pair names an id that is not in the cohort.

    Examples
    --------
    >>> import mentormatch as mm
    >>> from mentormatch.encode import build_problem
    >>> c = mm.example_cohort()
    >>> result = mm.match(c)
    >>> p = build_problem(c, mm.scoring.default_scorer().score(c))
    >>> result_assignment(result, p).n_pairs == len(result.pairs)
    True
    """
    cohort = cohort if cohort is not None else result.cohort
    if cohort is None:
        raise InvalidInputError(
            "this result carries no cohort (it was loaded from JSON); pass cohort=..."
        )
    if (len(cohort.mentees), len(cohort.mentors)) != problem.shape:
        raise InvalidInputError(
            f"the cohort has {len(cohort.mentees)} mentees x {len(cohort.mentors)} mentors "
            f"but the problem is {problem.shape[0]} x {problem.shape[1]}"
        )
    e_pos = {ident: k for k, ident in enumerate(cohort.mentee_ids)}
    r_pos = {ident: k for k, ident in enumerate(cohort.mentor_ids)}
    e, r = [], []
    for k, pair in enumerate(result.pairs):
        if pair.mentee not in e_pos:
            raise UnknownIdError(f"pairs[{k}]: mentee {pair.mentee!r} is not in the cohort")
        if pair.mentor not in r_pos:
            raise UnknownIdError(f"pairs[{k}]: mentor {pair.mentor!r} is not in the cohort")
        e.append(e_pos[pair.mentee])
        r.append(r_pos[pair.mentor])
    # Not via from_pairs: an infeasible result must reach the checks, not fail here.
    e_arr, r_arr = np.array(e, dtype=np.int64), np.array(r, dtype=np.int64)
    order = np.lexsort((r_arr, e_arr))
    return Assignment(e_arr[order], r_arr[order], float("nan"), result.provenance.solver)


def check(assignment: Assignment | MatchResult, problem: MatchProblem, *,
          cohort: Cohort | None = None) -> CheckReport:
    """Check an assignment or a result against every hard rule of its problem.

    Rules: indices in range, no pair twice, only allowed pairs, every locked
    pair present, no mentee above demand, no mentor above capacity or below
    its minimum load; for a result, every must-have of the cohort
    (``cohort.must_haves``) met by every pair, and the cohort's common-slot
    rule (:class:`~mentormatch.Schedule`), read from the people themselves.

    Parameters
    ----------
    assignment : Assignment or MatchResult
        Index pairs, or a result whose ids are looked up in ``cohort``.
    problem : MatchProblem
        The problem it answers (for a result: built from the same cohort, so
        row ``i`` is ``cohort.mentees[i]`` and column ``j`` is ``cohort.mentors[j]``).
    cohort : Cohort, optional
        Only for a result; defaults to ``result.cohort``. Violations then name
        people by id.

    Returns
    -------
    CheckReport
        ``.ok`` and the list of ``.violations``.

    Examples
    --------
    >>> import mentormatch as mm
    >>> p = mm.MatchProblem(scores=[[1.0, 0.5]], capacity=1, demand=1)
    >>> bad = mm.Assignment.from_pairs(p, [0, 0], [0, 1], solver="manual")
    >>> mm.check(bad, p).violations
    ('mentee 0 has 2 mentors but demand 1',)
    >>> q = mm.MatchProblem(scores=[[1.0, 0.0], [1.0, 0.0]], capacity=2, min_load=[0, 1])
    >>> mm.check(mm.Assignment.from_pairs(q, [0, 1], [0, 0], solver="manual"), q).violations
    ('mentor 1 has 0 mentees but min_load 1',)
    """
    _expect_arguments("check", assignment, cohort)
    if isinstance(assignment, MatchResult):
        cohort = cohort if cohort is not None else assignment.cohort
        a = result_assignment(assignment, problem, cohort)
        assert cohort is not None  # result_assignment raised otherwise
        e_ids, r_ids = cohort.mentee_ids, cohort.mentor_ids
        return CheckReport((*violations(a, problem, lambda i: repr(e_ids[i]),
                                        lambda j: repr(r_ids[j])),
                            *must_have_violations(a, cohort), *_slot_violations(a, cohort)))
    return CheckReport(violations(assignment, problem))


def must_have_violations(assignment: Assignment, cohort: Cohort) -> tuple[str, ...]:
    """Return one sentence per (pair, must-have) the assignment breaks.

    Examples
    --------
    >>> import mentormatch as mm
    >>> c = mm.Cohort(mentees=[mm.Mentee(id="e1", site="A")],
    ...               mentors=[mm.Mentor(id="r1", site="B")], must_haves=["same site"])
    >>> a = mm.Assignment.from_pairs(mm.MatchProblem(scores=[[1.0]]), [0], [0], solver="manual")
    >>> must_have_violations(a, c)
    ("pair ('e1', 'r1') breaks the must-have 'same site': r1 is at another site",)
    """
    if not cohort.must_haves:
        return ()
    musts = MustHaveMask.of(cohort)
    out = []
    for i, j in zip(assignment.mentee_idx.tolist(), assignment.mentor_idx.tolist(),
                    strict=True):
        mentee, mentor = cohort.mentees[i], cohort.mentors[j]
        for k in musts.for_pair(i, j):
            if not musts.passes(k, np.array([i]), np.array([j]))[0, 0]:
                rule = musts.rules[k]
                out.append(f"pair ({mentee.id!r}, {mentor.id!r}) breaks the must-have "
                           f"'{rule}': {mentor.id} {rule.failure(mentee, mentor)}")
    return tuple(out)


def _slot_violations(a: Assignment, cohort: Cohort) -> tuple[str, ...]:
    """Pairs of a result that break the cohort's common-slot rule (whatever the problem says)."""
    rule = slot_rule(cohort)
    if rule is None:
        return ()
    bad = ~rule.pairs(a.mentee_idx, a.mentor_idx)
    return tuple(f"pair ({cohort.mentee_ids[i]!r}, {cohort.mentor_ids[j]!r}) shares no slot "
                 "within work hours, which the schedule requires"
                 for i, j in zip(a.mentee_idx[bad].tolist(), a.mentor_idx[bad].tolist(),
                                 strict=True))


@overload
def blocking_pairs(assignment: Assignment, problem: MatchProblem, *,
                   cohort: Cohort | None = None) -> NDArray[np.int64]: ...


@overload
def blocking_pairs(assignment: MatchResult, problem: MatchProblem, *,
                   cohort: Cohort | None = None) -> tuple[tuple[str, str], ...]: ...


def blocking_pairs(assignment: Assignment | MatchResult, problem: MatchProblem, *,
                   cohort: Cohort | None = None
                   ) -> NDArray[np.int64] | tuple[tuple[str, str], ...]:
    """Return the pairs that would rather be together: none means the matching is stable.

    Each side judges by its own view (``problem.mentee_prefs`` for mentees,
    ``problem.mentor_prefs`` for mentors; ties broken by index, lower preferred).
    An allowed pair (mentee, mentor) that is not used **blocks** when the mentee
    has a free place (fewer mentors than its demand) or prefers the mentor to
    its worst current mentor, *and* the mentor has a free place or prefers the
    mentee to its worst current mentee. Locked pairs are never dropped, so the
    "worst current" partner is taken among the unlocked ones: stability is with
    respect to what remains once the locks are placed.

    A problem with a priority group (``problem.priority``, as ``mm.match(...,
    priority=...)`` builds it) is judged as ``solver="stable"`` honours it:
    every mentor ranks the group's mentees above all others, each group in
    its usual order (:func:`mentormatch.problem.priority_ranked`). Judge a
    plain result against the problem built without the group.

    Parameters
    ----------
    assignment : Assignment or MatchResult
        A feasible answer to ``problem`` (see :func:`check`).
    problem : MatchProblem
        The problem it answers.
    cohort : Cohort, optional
        Only for a result; defaults to ``result.cohort``.

    Returns
    -------
    ndarray of shape (n_blocking, 2) or tuple of (str, str)
        For an assignment, ``(mentee_index, mentor_index)`` rows; for a result,
        ``(mentee_id, mentor_id)`` pairs. Sorted by mentee, then mentor.

    Raises
    ------
    InvalidInputError
        If the assignment is not feasible (the message lists what :func:`check` found).

    Examples
    --------
    >>> import mentormatch as mm
    >>> p = mm.MatchProblem(scores=[[1.0, 2.0], [2.0, 1.0]],
    ...                     mentor_prefs=[[1.0, 1.0], [0.0, 0.0]])
    >>> worse = mm.Assignment.from_pairs(p, [0, 1], [0, 1], solver="manual")
    >>> mm.blocking_pairs(worse, p).tolist()
    [[0, 1]]
    >>> len(mm.blocking_pairs(mm.solve(p, solver="stable"), p))
    0

    With mentee 1 in a priority group, the mentor ranks it first, so the
    plain stable answer is blocked by the newcomer:

    >>> plain = mm.MatchProblem(scores=[[0.9], [0.2]])
    >>> first = mm.MatchProblem(scores=[[0.9], [0.2]], priority=[False, True])
    >>> mm.blocking_pairs(mm.solve(plain, solver="stable"), first).tolist()
    [[1, 0]]
    >>> len(mm.blocking_pairs(mm.solve(first, solver="stable"), first))
    0
    """
    _expect_arguments("blocking_pairs", assignment, cohort)
    if isinstance(assignment, MatchResult):
        cohort = cohort if cohort is not None else assignment.cohort
        a = result_assignment(assignment, problem, cohort)
        assert cohort is not None  # result_assignment raised otherwise
        idx = _blocking(a, problem)
        e_ids, r_ids = cohort.mentee_ids, cohort.mentor_ids
        return tuple((e_ids[i], r_ids[j]) for i, j in idx.tolist())
    return _blocking(assignment, problem)


def _expect_arguments(function: str, assignment: object, cohort: object) -> None:
    # ``problem`` is read only through the interface sparse problems share, so it is not typed
    expect(assignment, (Assignment, MatchResult), function, "assignment")
    if cohort is not None:
        expect(cohort, Cohort, function, "cohort=")


def _blocking(assignment: Assignment, problem: MatchProblem) -> NDArray[np.int64]:
    broken = violations(assignment, problem)
    if broken:
        raise InvalidInputError("blocking pairs need a feasible assignment: "
                                + "; ".join(broken))
    return blocking_pair_indices(problem, assignment)
