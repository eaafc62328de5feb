"""ilp's levels settled by flow give the answer every level solved by its own MILP gives.

``solve_ilp`` takes the ``mentees`` and ``pairs`` optima (and, when flow's answer
cannot be beaten there, ``coverage`` and ``total_score``) from ``flow`` instead
of one MILP each. Switching that off (every level a MILP, as before) must not
change the pairs, any level's value, or the error raised.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.errors import MentorMatchError
from mentormatch.problem import GroupQuota
from strategies import problems

SLOW = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def ilp_problems(draw: st.DrawFn) -> mm.MatchProblem:
    """:func:`problems` with topics, minimum loads, leaders and (sometimes) a quota."""
    p = draw(problems(max_mentees=6, max_mentors=5, max_demand=2, max_capacity=3))
    n_e, n_r = p.shape
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    n_t = int(rng.integers(1, 5))
    asked = (rng.random((n_e, n_t)) < 0.6) * rng.choice([0.5, 1.0, 2.0], (n_e, n_t))
    leads = rng.random((n_r, 2)) < draw(st.sampled_from([0.0, 0.3]))
    attrs = mm.ProblemAttributes(
        asked=asked, offered=(rng.random((n_r, n_t)) < 0.4).astype(float),
        topics=tuple(f"t{k}" for k in range(n_t)), mentee_group=rng.integers(-1, 2, n_e),
        mentor_group=rng.integers(0, 2, n_r), mentor_leads=leads, groups=("a", "b"))
    min_load = np.array([int(c > 0 and rng.random() < 0.2) for c in p.capacity.tolist()])
    quotas: tuple[GroupQuota, ...] = ()
    if draw(st.integers(0, 4)) == 0:
        quotas = (GroupQuota(label=rng.integers(0, 2, n_e), n_values=2,
                             mentors=np.ones(n_r, bool), no_lone=True, name="a rule"),)
    return mm.MatchProblem(scores=p.scores, demand=p.demand, capacity=p.capacity,
                           allowed=p.allowed, locked=p.locked, min_load=min_load,
                           attributes=attrs, quotas=quotas)


def _run(p: mm.MatchProblem, options: dict[str, Any]) -> tuple[Any, ...]:
    try:
        a = mm.solve(p, solver="ilp", **options)
    except MentorMatchError as exc:
        return type(exc).__name__, str(exc)
    pairs = list(zip(a.mentee_idx.tolist(), a.mentor_idx.tolist(), strict=True))
    return pairs, a.info["status"], a.info["values"], a.info["flow_levels"]


OPTIONS = st.fixed_dictionaries({
    "coverage": st.booleans(),
    "objective": st.sampled_from(["lexicographic", "maxmin", "score"]),
    "leadership_limit": st.sampled_from([None, 1]),
})


@SLOW
@given(ilp_problems(), OPTIONS)
def test_flow_settled_levels_give_the_all_milp_answer(p: mm.MatchProblem,
                                                       options: dict[str, Any]) -> None:
    new = _run(p, options)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("mentormatch.solvers._ilp._flow_settled", lambda *args: None)
        old = _run(p, options)
    if isinstance(new[0], str):  # an error: the same one
        assert new == old
        return
    pairs, status, values, flow_levels = new
    assert (pairs, status) == (old[0], old[1])
    assert values.keys() == old[2].keys()
    for name, value in values.items():
        assert value == pytest.approx(old[2][name], abs=1e-9), name
    assert old[3] == []
    assert p.attributes is not None
    e = p.edges()
    decided = bool(((p.demand[e.mentee] > 0) & (p.capacity[e.mentor] > 0)).any())
    flowable = (decided and options["objective"] != "score" and not p.quotas
                and (options["leadership_limit"] is None or not p.attributes.mentor_leads.any()))
    if flowable:
        assert flow_levels[:2] == ["mentees", "pairs"]
    elif not decided or options["objective"] == "score" or p.quotas:
        assert flow_levels == []


def test_the_pilot_solves_only_the_levels_flow_cannot_settle() -> None:
    r = mm.match(mm.example_cohort())
    info = r.provenance.solver_info
    assert info["flow_levels"] == ["mentees", "pairs"]
    assert info["solves"] == 3  # coverage, total score, tie-break
    assert r.metrics.topic_coverage == 1.0


def test_flow_settles_coverage_and_total_when_it_covers_every_offered_topic() -> None:
    attrs = mm.ProblemAttributes(
        asked=np.array([[1.0, 1.0]]), offered=np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]),
        topics=("a", "b"), mentee_group=np.array([0]), mentor_group=np.zeros(3, int),
        mentor_leads=np.zeros((3, 1), bool), groups=("g",))
    p = mm.MatchProblem(scores=[[0.9, 0.8, 0.5]], demand=2, capacity=1, attributes=attrs)
    a = mm.solve(p, solver="ilp", coverage=True)
    assert a.info["flow_levels"] == ["mentees", "pairs", "coverage", "total_score"]
    assert a.info["solves"] == 1  # the tie-break only
    assert a.mentor_idx.tolist() == [0, 1]
    # Flow's best pair scores leave topic "b" out: the coverage level is a MILP again.
    p2 = mm.MatchProblem(scores=[[0.9, 0.3, 0.8]], demand=2, capacity=1, attributes=attrs)
    a2 = mm.solve(p2, solver="ilp", coverage=True)
    assert a2.info["flow_levels"] == ["mentees", "pairs"]
    assert sorted(a2.mentor_idx.tolist()) == [0, 1]
