"""Stable matching with a priority group: every mentor ranks the group first.

The reference below is written from the definition, independently of
``priority_ranked``: a mentor prefers mentee ``a`` to ``b`` when ``a`` is in
the group and ``b`` is not, or both are (or neither is) and the mentor rates
``a`` higher, ties to the lower index.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from brute import feasible_assignments
from mentormatch.encode import build_problem, priority_mask
from stable_brute import Pairs, brute_blocking, pairs_of, prefers, stable_problems

SIDES = ("mentees", "mentors")


def with_priority(problem: mm.MatchProblem, mask: np.ndarray) -> mm.MatchProblem:
    return mm.MatchProblem(scores=problem.scores, demand=problem.demand,
                           capacity=problem.capacity, allowed=problem.allowed,
                           locked=problem.locked, mentee_prefs=problem.mentee_prefs,
                           mentor_prefs=problem.mentor_prefs, priority=mask)


def mentor_prefers(problem: mm.MatchProblem, j: int, a: int, b: int) -> bool:
    """Whether mentor ``j`` prefers mentee ``a`` to ``b`` with the priority group first."""
    assert problem.priority is not None
    pa, pb = bool(problem.priority[a]), bool(problem.priority[b])
    if pa != pb:
        return pa
    return bool(prefers(problem.mentor_prefs[:, j], a, b))


def adjusted_blocking(problem: mm.MatchProblem, pairs: Pairs) -> set[tuple[int, int]]:
    """Blocking pairs from the definition, mentors ranking the priority group first."""
    blocking: set[tuple[int, int]] = brute_blocking(problem, pairs, mentor_prefers)
    return blocking


def mentee_optimal(problem: mm.MatchProblem, stable: list[Pairs]) -> list[Pairs]:
    """The stable matchings that give every mentee its best partners among all of them."""
    def best(i: int, partners: set[int], k: int) -> set[int]:
        return set(sorted(partners, key=lambda j: (-problem.mentee_prefs[i, j], j))[:k])

    out = []
    for m in stable:
        if all(best(i, {j for a, j in m if a == i} | {j for a, j in other if a == i},
                    sum(1 for a, _ in m if a == i)) == {j for a, j in m if a == i}
               for other in stable for i in range(problem.n_mentees)):
            out.append(m)
    return out


def masks(n: int) -> st.SearchStrategy[np.ndarray]:
    return st.lists(st.booleans(), min_size=n, max_size=n).map(
        lambda bits: np.array(bits, dtype=bool))


@settings(max_examples=200, deadline=None)
@given(stable_problems(max_mentees=4, max_mentors=3), st.data())
def test_stable_with_priority_is_the_mentee_optimal_matching_under_adjusted_prefs(
        problem: mm.MatchProblem, data: st.DataObject) -> None:
    mask = data.draw(masks(problem.n_mentees))
    mask[0] = True
    p = with_priority(problem, mask)
    stable = [sorted(m) for m in feasible_assignments(p) if not adjusted_blocking(p, m)]
    best = mentee_optimal(p, stable)
    assert len(best) == 1, "the mentee-optimal stable matching exists and is unique"
    a = mm.solve(p, solver="stable")
    assert pairs_of(a) == best[0]
    assert a.info["priority"] == "as mentor preference"
    assert len(mm.blocking_pairs(a, p)) == 0
    assert mm.check(a, p).ok


@settings(max_examples=200, deadline=None)
@given(stable_problems(max_mentees=6, max_mentors=4, max_demand=3, max_capacity=3),
       st.sampled_from(SIDES), st.data())
def test_no_blocking_pair_under_adjusted_prefs_and_library_agrees_with_definition(
        problem: mm.MatchProblem, proposing: str, data: st.DataObject) -> None:
    mask = data.draw(masks(problem.n_mentees))
    p = with_priority(problem, mask) if mask.any() else problem
    got = pairs_of(mm.solve(p, solver="stable", proposing=proposing))
    reference = adjusted_blocking(p, got) if mask.any() else set()
    assert reference == set()
    # On any feasible assignment (here: the plain stable one), the library's blocking
    # pairs are the definition's.
    plain = mm.solve(problem, solver="stable", proposing=proposing)
    expected = adjusted_blocking(p, pairs_of(plain)) if mask.any() else set()
    assert {tuple(x) for x in mm.blocking_pairs(plain, p).tolist()} == expected


def newcomer_cohort() -> mm.Cohort:
    mentees = [mm.Mentee(id="old", topics=["qi"]),
               mm.Mentee(id="new", topics=["teaching"], newcomer=True)]
    mentors = [mm.Mentor(id="r1", topics=["qi", "teaching"])]
    return mm.Cohort(mentees=mentees, mentors=mentors)


def test_a_newcomer_left_out_by_plain_stable_gets_the_place() -> None:
    cohort = newcomer_cohort()
    plain = mm.match(cohort, solver="stable")
    assert plain.mentors_of("new") == () and plain.mentors_of("old") == ("r1",)
    assert plain.metrics.priority_matched is None
    result = mm.match(cohort, solver="stable", priority="newcomer")
    assert result.mentors_of("new") == ("r1",) and result.mentors_of("old") == ()
    assert (result.metrics.priority_matched, result.metrics.priority_asking) == (1, 1)
    assert result.provenance.solver_info["priority"] == "as mentor preference"
    note = next(n for n in result.notes if n.startswith("priority:"))
    assert "1 of 1 mentees of the 'newcomer' group matched" in note
    assert "as mentor preference" in note and "flow, ilp" in note
    assert result.metrics.blocking_pairs == 0
    # Each result checks clean against the problem it was made from, and not the other.
    table = mm.scoring.default_scorer(cohort).score(cohort)
    plain_problem = build_problem(cohort, table)
    first_problem = build_problem(cohort, table, priority=priority_mask(cohort, "newcomer"))
    assert mm.blocking_pairs(plain, plain_problem) == ()
    assert mm.blocking_pairs(result, first_problem) == ()
    assert mm.blocking_pairs(plain, first_problem) == (("new", "r1"),)
    assert mm.blocking_pairs(result, plain_problem) == (("old", "r1"),)
    assert mm.check(result, first_problem).ok


def test_stable_priority_is_not_flows_exact_guarantee() -> None:
    # Mentees 0 and 1 are in the group; only mentee 0 may also go to mentor 1.
    # Mentor 0 ranks mentee 0 first and mentee 0 wants it most: stable stops there,
    # leaving mentee 1 out. flow covers both: as many of the group as possible.
    p = mm.MatchProblem(scores=[[0.9, 0.1], [0.8, 0.0], [0.7, 0.0]],
                        allowed=[[True, True], [True, False], [True, False]],
                        priority=[True, True, False])
    stable = mm.solve(p, "stable")
    flow = mm.solve(p, "flow")
    covered_stable = set(stable.mentee_idx.tolist())
    covered_flow = set(flow.mentee_idx.tolist())
    assert covered_flow == {0, 1}
    assert covered_stable == {0}
    assert len(mm.blocking_pairs(stable, p)) == 0
