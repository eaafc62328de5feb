from __future__ import annotations

import pytest

import mentormatch as mm
from mentormatch.errors import ConstraintConflictError, InfeasibleError


def E(i: str, demand: int = 1, types: tuple[str, ...] = (), **kw: object) -> mm.Mentee:
    return mm.Mentee(id=i, topics=["teaching"], demand=demand, types=types, **kw)


def R(i: str, capacity: int = 1, types: tuple[str, ...] = (), **kw: object) -> mm.Mentor:
    return mm.Mentor(id=i, topics=["teaching"], capacity=capacity, types=types, **kw)


def test_nothing_to_report() -> None:
    d = mm.diagnose(mm.Cohort(mentees=[E("e1")], mentors=[R("r1")]))
    assert d.ok and d.findings == () and "nothing" in str(d)


def test_no_admissible_mentor_says_why() -> None:
    cohort = mm.Cohort(mentees=[E("e1", supervisors=("r2",)), E("e2")],
                       mentors=[R("r1"), R("r2"), R("r3", capacity=0)],
                       forbidden=[("e1", "r1")])
    d = mm.diagnose(cohort)
    [finding] = [f for f in d.findings if f.kind == "no_admissible_mentor"]
    assert finding.mentees == ("e1",)
    assert finding.message == ("e1 has no admissible mentor: r1 is forbidden by the director; "
                               "r2 supervises e1; r3 has no places left")


def test_min_score_is_a_reason() -> None:
    cohort = mm.Cohort(mentees=[mm.Mentee(id="e1", topics=["research"])],
                       mentors=[R("r1")])
    d = mm.diagnose(cohort, min_score=0.5)
    assert "r1 scores below the minimum score" in d.messages[0]


def test_demand_against_places() -> None:
    d = mm.diagnose(mm.Cohort(mentees=[E("e1", 2), E("e2", 2)], mentors=[R("r1", 3)]))
    assert d.messages == ("mentees ask for 4 mentors in all but only 3 places are offered: "
                          "at least 1 request cannot be met",)
    d = mm.diagnose(mm.Cohort(mentees=[E("e1"), E("e2"), E("e3")], mentors=[R("r1", 1)]))
    assert d.messages == ("3 mentees still need a mentor but only 1 place is offered: at "
                          "least 2 mentees will get none",)


def test_second_mentor_among_group_mentors() -> None:
    mentees = [E(f"e{k}", 2, ("group",)) for k in range(3)]
    mentors = [R("g1", 2, ("group",)), R("g2", 2, ("group",)), R("o1", 5, ("one_to_one",))]
    d = mm.diagnose(mm.Cohort(mentees=mentees, mentors=mentors))
    [finding] = d.findings
    assert finding.kind == "type_shortage"
    assert finding.message == ("3 mentees asked for a second mentor but only 1 place is left "
                               "among mentors who offer group mentorship")
    assert finding.mentors == ("g1", "g2")


def test_first_mentor_shortage_by_type() -> None:
    mentees = [E(f"e{k}", 1, ("peer",)) for k in range(3)]
    d = mm.diagnose(mm.Cohort(mentees=mentees, mentors=[R("p1", 1, ("peer",)), R("x", 5)]))
    assert d.messages == ("3 mentees who prefer peer mentorship still need a mentor but "
                          "mentors who offer peer mentorship have only 1 place left",)


def test_locks_that_use_up_a_mentor() -> None:
    cohort = mm.Cohort(mentees=[E("e1"), E("e2")], mentors=[R("r1"), R("r2")],
                       locked=[("e1", "r1")])
    d = mm.diagnose(cohort)
    [finding] = d.findings
    assert finding.kind == "locks_fill_mentor" and finding.mentors == ("r1",)
    assert finding.message.startswith("locked pairs use every place of r1 (1 place)")


def test_impossible_locks_are_errors_at_construction() -> None:
    with pytest.raises(ConstraintConflictError, match="capacity"):
        mm.Cohort(mentees=[E("e1"), E("e2")], mentors=[R("r1")],
                  locked=[("e1", "r1"), ("e2", "r1")])


def test_min_load_that_cannot_be_met_is_an_error() -> None:
    cohort = mm.Cohort(mentees=[E("e1"), E("e2")],
                       mentors=[R("r1", 3, min_load=3), R("r2")], forbidden=[("e2", "r1")])
    with pytest.raises(InfeasibleError,
                       match="r1 must take at least 3 mentees but only 1 admissible mentee "
                             "still wants a mentor"):
        mm.diagnose(cohort)
    with pytest.raises(InfeasibleError, match="r1 must take"):
        mm.match(cohort, solver="flow")
    both = mm.Cohort(mentees=[E("e1"), E("e2"), E("e3")],
                     mentors=[R("r1", 2, min_load=2), R("r2", 2, min_load=2)])
    with pytest.raises(InfeasibleError, match="r1, r2 need 4 more mentees in all, but "
                                                 "mentees ask for only 3 more mentors"):
        mm.diagnose(both)


def test_min_load_above_capacity_is_rejected() -> None:
    with pytest.raises(ConstraintConflictError, match="min_load 2 exceeds capacity 1"):
        R("r1", 1, min_load=2)


def test_match_puts_findings_on_the_result() -> None:
    cohort = mm.Cohort(mentees=[E("e1", 2), E("e2", 2)], mentors=[R("r1", 3)])
    result = mm.match(cohort, solver="flow")
    assert any("at least 1 request cannot be met" in n for n in result.notes)
    again = mm.MatchResult.model_validate_json(result.model_dump_json())
    assert again.notes == result.notes
