"""Group make-up quotas (issue 14, item 3): ilp keeps them exactly, every other solver refuses.

The brute force enumerates every feasible assignment of a tiny problem, keeps
those whose groups meet the quotas (checked here, independently of the
library's own check), and compares the lexicographic optimum with ilp's.
"""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

import mentormatch as mm
from brute import feasible_assignments, lex_key, same_key
from mentormatch.encode import build_problem
from mentormatch.errors import (
    InfeasibleError,
    InvalidInputError,
    InvalidProblemError,
    ProblemTooLargeError,
    UnsupportedProblemError,
)
from mentormatch.problem import GroupQuota
from mentormatch.scoring import default_scorer

SECRETS = ("g-secret-a", "g-secret-b", "b-secret-x")


def _meets(quota: GroupQuota, pairs: list[tuple[int, int]], n_mentors: int) -> bool:
    """Whether every group of ``pairs`` meets ``quota``, counted by hand."""
    for j in range(n_mentors):
        group = [i for i, r in pairs if r == j]
        if not group or not quota.mentors[j]:
            continue
        labels = [int(quota.label[i]) for i in group]
        values = range(quota.n_values) if quota.value is None else [quota.value]
        for v in values:
            count = labels.count(v)
            share = count / len(group)
            if quota.min_count is not None and count < quota.min_count:
                return False
            if quota.max_count is not None and count > quota.max_count:
                return False
            if quota.min_share is not None and share < quota.min_share - 1e-9:
                return False
            if quota.max_share is not None and share > quota.max_share + 1e-9:
                return False
            if quota.no_lone and count == 1:
                return False
    return True


@st.composite
def quota_problems(draw: st.DrawFn) -> mm.MatchProblem:
    n_e = draw(st.integers(1, 5))
    n_r = draw(st.integers(1, 3))
    scores = draw(st.lists(st.lists(st.integers(0, 9), min_size=n_r, max_size=n_r),
                           min_size=n_e, max_size=n_e))
    demand = draw(st.lists(st.integers(1, 2), min_size=n_e, max_size=n_e))
    capacity = draw(st.lists(st.integers(1, 4), min_size=n_r, max_size=n_r))
    min_load = [draw(st.integers(0, min(c, 2))) for c in capacity]
    n_values = draw(st.integers(1, 3))
    label = draw(st.lists(st.integers(-1, n_values - 1), min_size=n_e, max_size=n_e))
    max_count = draw(st.none() | st.integers(0, 3))
    min_count = draw(st.none() | st.integers(0, 2))
    if min_count is not None and max_count is not None and min_count > max_count:
        min_count = max_count
    max_share = draw(st.none() | st.sampled_from([0.5, 0.6, 0.75]))
    min_share = draw(st.none() | st.sampled_from([0.25, 0.34, 0.5]))
    quota = GroupQuota(
        label=np.array(label, dtype=np.int64), n_values=n_values,
        mentors=np.array(draw(st.lists(st.booleans(), min_size=n_r, max_size=n_r))),
        value=draw(st.none() | st.integers(0, n_values - 1)),
        min_count=min_count, max_count=max_count, min_share=min_share, max_share=max_share,
        no_lone=draw(st.booleans()), name="a rule")
    return mm.MatchProblem(scores=np.array(scores, dtype=float), demand=demand,
                           capacity=capacity, min_load=min_load, quotas=(quota,))


@settings(max_examples=60, deadline=None)
@given(quota_problems())
def test_ilp_equals_the_brute_force_optimum_under_quotas(problem: mm.MatchProblem) -> None:
    n_r = problem.n_mentors
    keys = [lex_key(problem, pairs) for pairs in feasible_assignments(problem)
            if all(_meets(q, pairs, n_r) for q in problem.quotas)
            and all(sum(r == j for _, r in pairs) >= problem.min_load[j] for j in range(n_r))]
    if not keys:
        with pytest.raises(InfeasibleError):
            mm.solve(problem, solver="ilp")
        return
    a = mm.solve(problem, solver="ilp")  # solve() also checks the answer's quotas
    pairs = list(zip(a.mentee_idx.tolist(), a.mentor_idx.tolist(), strict=True))
    assert all(_meets(q, pairs, n_r) for q in problem.quotas)
    assert same_key(lex_key(problem, pairs), max(keys))
    assert mm.check(a, problem).ok


def test_every_solver_without_the_declaration_refuses_quotas() -> None:
    q = GroupQuota(label=np.array([0, 1]), n_values=2, mentors=np.ones(2, bool), max_count=1,
                   name="gender: at most 1 of each value")
    p = mm.MatchProblem(scores=[[1.0, 0.5], [0.5, 1.0]], quotas=(q,))
    assert mm.solvers.supporting("quotas") == ("ilp",)
    for name in mm.solvers.available():
        if name == "ilp":
            continue
        with pytest.raises(UnsupportedProblemError, match="group make-up quotas") as info:
            mm.solve(p, solver=name)
        assert info.value.supported_by == ("ilp",)


def _cohort(quotas: list[mm.Quota], **mentor: object) -> mm.Cohort:
    genders = ["g-secret-a", "g-secret-a", "g-secret-a", "g-secret-b", "g-secret-b", None]
    mentees = [mm.Mentee(id=f"e{k}", topics=["qi"], gender=g, background="b-secret-x")
               for k, g in enumerate(genders)]
    mentors = [mm.Mentor(id="r0", topics=["qi"], capacity=5, **mentor),
               mm.Mentor(id="r1", topics=["qi"], capacity=5)]
    return mm.Cohort(mentees=mentees, mentors=mentors, quotas=quotas)


def test_match_keeps_the_quota_and_says_so_without_values() -> None:
    cohort = _cohort([mm.Quota(attribute="gender", max_count=2, no_lone=True)])
    result = mm.match(cohort)
    assert result.provenance.solver == "ilp"
    problem = build_problem(cohort, default_scorer().score(cohort))
    assert mm.check(result, problem).ok
    groups: dict[str, list[str | None]] = {}
    for pair in result.pairs:
        groups.setdefault(pair.mentor, []).append(cohort.mentee(pair.mentee).gender)
    for genders in groups.values():
        for g in {g for g in genders if g is not None}:
            assert 2 <= genders.count(g) <= 2
    notes = "\n".join(result.notes)
    assert "gender: at most 2 of each value, no lone member" in notes
    assert "1 mentee has no recorded gender" in notes
    assert "solver 'ilp' ran because the cohort has group make-up quotas" in notes
    for secret in SECRETS:
        assert secret not in notes + result.model_dump_json()


def test_check_reports_a_broken_quota_on_a_hand_made_result() -> None:
    cohort = _cohort([mm.Quota(attribute="gender", no_lone=True)])
    result = mm.match(cohort)
    problem = build_problem(cohort, default_scorer().score(cohort))
    e3 = next(p for p in result.pairs if p.mentee == "e3")
    lone = [p for p in result.pairs if p.mentee != "e4"]  # e3 left alone with its value
    bad = result.model_copy(update={"pairs": tuple(lone)})
    report = mm.check(bad, problem)
    assert report.violations == (
        f"mentor {e3.mentor!r}'s group breaks quota 'gender: no lone member' "
        "(a value has a lone member)",)
    assert not any(s in v for s in SECRETS for v in report.violations)


def test_a_group_that_cannot_be_balanced_is_named_without_values() -> None:
    # r0 must take 5 of 6 mentees, but at most 1 of each gender (+1 unrecorded) fit.
    cohort = _cohort([mm.Quota(attribute="gender", max_count=1)], min_load=5)
    with pytest.raises(InfeasibleError) as info:
        mm.match(cohort)
    text = str(info.value)
    assert text == ("mentor r0's group cannot be balanced under quota 'gender: at most 1 of "
                    "each value' with its capacity 5 and minimum load 5")
    with pytest.raises(InfeasibleError, match="mentor r0's group cannot be balanced"):
        mm.diagnose(cohort)
    problem = build_problem(cohort, default_scorer().score(cohort))
    with pytest.raises(InfeasibleError, match="mentor 0's group cannot be balanced"):
        mm.solve(problem, solver="ilp")


def test_a_locked_lone_member_cannot_be_balanced() -> None:
    base = _cohort([mm.Quota(attribute="gender", value="g-secret-b", no_lone=True,
                             mentors=("r0",))])
    forbidden = [("e4", "r0")]
    cohort = mm.Cohort(mentees=base.mentees, mentors=base.mentors, quotas=base.quotas,
                       locked=[("e3", "r0")], forbidden=forbidden)
    with pytest.raises(InfeasibleError) as info:
        mm.match(cohort)
    assert "mentor r0's group cannot be balanced under quota 'gender (mentors r0): no lone " \
           "member of one named value' with its locked pairs" in str(info.value)
    assert "secret" not in str(info.value)


def test_shares_and_a_named_value_of_a_plain_attribute() -> None:
    sites = ["north", "north", "south", "south", "south", "south"]
    cohort = mm.Cohort(
        mentees=[mm.Mentee(id=f"e{k}", topics=["qi"], site=s) for k, s in enumerate(sites)],
        mentors=[mm.Mentor(id="r0", topics=["qi"], capacity=4)],
        quotas=[mm.Quota(attribute="site", value="south", max_share=0.5)])
    result = mm.match(cohort)
    sites_of = [cohort.mentee(p.mentee).site for p in result.pairs]
    assert len(sites_of) == 4 and sites_of.count("south") == 2
    assert "site: at most 50% of value 'south'" in "\n".join(result.notes)


def test_candidates_are_refused_with_quotas() -> None:
    with pytest.raises(UnsupportedProblemError, match="dense problem"):
        mm.match(_cohort([mm.Quota(attribute="gender", max_count=2)]), candidates=2)


def test_quotas_keep_a_cohort_over_the_memory_budget_dense_or_refused() -> None:
    with pytest.raises(ProblemTooLargeError, match="group make-up quotas"):
        mm.match(_cohort([mm.Quota(attribute="gender", max_count=2)]), memory_budget=1)


def test_sparse_problems_refuse_quotas() -> None:
    quota = GroupQuota(label=np.array([0, 1]), n_values=2, mentors=np.ones(2, bool),
                       max_count=1, name="gender: at most 1 of each value")
    with pytest.raises(InvalidProblemError, match="quotas do not apply to sparse scores"):
        mm.MatchProblem(scores=sparse.csr_array([[1.0, 0.5], [0.2, 0.9]]), quotas=(quota,))


@pytest.mark.parametrize("bad, message", [
    ({"attribute": "gender"}, "a quota needs a bound"),
    ({"attribute": "gender", "min_count": 3, "max_count": 2}, "min_count 3 exceeds max_count 2"),
    ({"attribute": "gender", "max_share": 1.5}, "a share must be a number from 0 to 1"),
    ({"attribute": "topics", "max_count": 1}, "attribute"),
    ({"attribute": "gender", "value": 7, "max_count": 1}, "value must be a non-blank string"),
])
def test_quota_validation(bad: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message) as info:
        mm.Quota(**bad)
    assert "7" not in str(info.value) or "value" not in bad


def test_sensitive_quota_values_never_reach_cli_output_or_logs(tmp_path, capsys,
                                                                caplog) -> None:
    from mentormatch.cli import main

    caplog.set_level(logging.DEBUG)
    path = tmp_path / "cohort.json"
    path.write_text(_cohort([]).model_dump_json())
    out = tmp_path / "pairs.csv"
    code = main(["match", str(path), "--quota", "gender:max=2,no-lone",
                 "--quota", "gender:value=g-secret-b,min=0", "--out", str(out),
                 "--json", str(tmp_path / "r.json"), "--report", str(tmp_path / "r.html")])
    assert code == 0
    seen = [capsys.readouterr().out, caplog.text, out.read_text(),
            (tmp_path / "r.json").read_text(), (tmp_path / "r.html").read_text()]
    assert "gender: at most 2 of each value, no lone member" in seen[0]
    for text in seen:
        for secret in SECRETS:
            assert secret not in text
    infeasible = tmp_path / "tight.json"
    infeasible.write_text(_cohort([], min_load=5).model_dump_json())
    assert main(["match", str(infeasible), "--quota", "gender:max=1"]) != 0
    err = capsys.readouterr().err
    assert "mentor r0's group cannot be balanced" in err
    assert not any(secret in err for secret in SECRETS)


@pytest.mark.parametrize("text, expected", [
    ("gender:max=3", {"attribute": "gender", "max_count": 3}),
    ("gender:max=3,no-lone", {"attribute": "gender", "max_count": 3, "no_lone": True}),
    ("site:value=north,max-share=0.5,mentors=r1+r2",
     {"attribute": "site", "value": "north", "max_share": 0.5, "mentors": ("r1", "r2")}),
    ("career_stage:min=1,min-share=0.25",
     {"attribute": "career_stage", "min_count": 1, "min_share": 0.25}),
])
def test_cli_quota_spelling(text: str, expected: dict[str, object]) -> None:
    from mentormatch.cli import parse_quota

    assert parse_quota(text) == mm.Quota(**expected)


@pytest.mark.parametrize("text", ["gender", "gender:max", "gender:most=3", "gender:max=x",
                                  ":max=3", "gender:max=3,max=4"])
def test_cli_quota_spelling_errors_are_typed(text: str) -> None:
    from mentormatch.cli import parse_quota

    with pytest.raises(InvalidInputError):
        parse_quota(text)


def test_quotas_survive_the_cohort_json() -> None:
    cohort = _cohort([mm.Quota(attribute="gender", max_count=2)])
    again = mm.Cohort.model_validate_json(cohort.model_dump_json())
    assert again.quotas == cohort.quotas
    assert json.loads(cohort.model_dump_json())["quotas"][0]["max_count"] == 2


def test_rematch_keeps_the_quotas_and_drops_a_leaving_mentor_from_them() -> None:
    quota = mm.Quota(attribute="gender", max_count=2, no_lone=True, mentors=("r0", "r1"))
    cohort = _cohort([quota])
    result = mm.match(cohort)
    leaver = result.pairs[0].mentor
    after = mm.rematch(result, leaving_mentors=[leaver])
    assert after.provenance.solver == "ilp"
    assert after.cohort is not None
    assert after.cohort.quotas[0].mentors == tuple(r for r in ("r0", "r1") if r != leaver)
    problem = build_problem(after.cohort, default_scorer().score(after.cohort))
    assert mm.check(after, problem).ok


def test_cli_program_runs_ilp_for_a_cohort_with_quotas(tmp_path, capsys) -> None:
    from mentormatch.cli import main

    path = tmp_path / "cohort.json"
    path.write_text(_cohort([]).model_dump_json())
    out = tmp_path / "rounds.json"
    assert main(["program", str(path), "--quota", "gender:max=2,no-lone", "--json",
                 str(out)]) == 0
    result = mm.rounds.ProgramResult.model_validate_json(out.read_text())
    assert result.long_term is not None and result.long_term.provenance.solver == "ilp"
    text = capsys.readouterr().out + out.read_text()
    assert not any(secret in text for secret in SECRETS)
    assert main(["program", str(path), "--quota", "gender:max=2", "--solver", "flow"]) == 2
    assert "solvers that do: ilp" in capsys.readouterr().err


def test_a_mentee_left_out_by_a_quota_is_told_so_without_the_value() -> None:
    cohort = mm.Cohort(
        mentees=[mm.Mentee(id=f"e{k}", topics=["qi"], background=f"b-secret-{k}")
                 for k in range(3)],
        mentors=[mm.Mentor(id="r0", topics=["qi"], capacity=3)],
        quotas=[mm.Quota(attribute="background", no_lone=True)])
    result = mm.match(cohort)
    assert result.pairs == ()
    assert {u.reason for u in result.unmatched} == {
        "1 admissible mentor(s) still had room, but joining any of their groups would "
        "break a group make-up quota"}
    assert "secret" not in result.model_dump_json() + "\n".join(result.notes)


def test_cli_reads_a_file_of_quotas(tmp_path, capsys) -> None:
    from mentormatch.cli import main

    path = tmp_path / "cohort.json"
    path.write_text(_cohort([]).model_dump_json())
    rules = tmp_path / "quotas.json"
    rules.write_text(json.dumps([{"attribute": "gender", "max_count": 2, "no_lone": True}]))
    assert main(["match", str(path), "--quotas", str(rules)]) == 0
    assert "gender: at most 2 of each value, no lone member" in capsys.readouterr().out
    rules.write_text(json.dumps([{"attribute": "gender", "value": ["g-secret-a"]}]))
    assert main(["match", str(path), "--quotas", str(rules)]) == 2
    err = capsys.readouterr().err
    assert "quotas[0]" in err and "secret" not in err
