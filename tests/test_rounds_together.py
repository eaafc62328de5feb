"""Rounds that respect each other: capacity across circles, supervision in peers, buddy ids."""

from __future__ import annotations

import pytest

import mentormatch as mm
from mentormatch.errors import UnknownIdError


def busy_lead_cohort() -> mm.Cohort:
    # r1 has one place: a one-to-one mentee, or a circle, never both.
    mentees = [mm.Mentee(id="e1", topics=["qi"], types=["one_to_one"])]
    mentees += [mm.Mentee(id=f"g{k}", topics=["qi"], types=["group"], demand=0)
                for k in range(3)]
    mentors = [mm.Mentor(id="r1", topics=["qi"], types=["one_to_one", "group"], capacity=1),
               mm.Mentor(id="r2", topics=["qi"], types=["group"], capacity=1)]
    return mm.Cohort(mentees=mentees, mentors=mentors, locked=[("e1", "r1")])


def test_a_circle_uses_one_of_the_leads_places() -> None:
    program = mm.Program(cohort=busy_lead_cohort(), circle_min=1, peers=False, buddies=False,
                         tasks=False)
    result = program.run(solver="flow")
    assert result.long_term is not None and result.circles is not None
    assert result.long_term.mentors_of("e1") == ("r1",)
    assert [c.lead for c in result.circles.circles] == ["r2"]
    assert result.circles.info["leads_at_capacity"] == ["r1"]


def test_check_program_reports_a_lead_over_capacity() -> None:
    from mentormatch.rounds._program import check_program

    cohort = busy_lead_cohort()
    program = mm.Program(cohort=cohort, circle_min=1, peers=False, buddies=False, tasks=False)
    result = program.run(solver="flow")
    over = mm.form_circles(cohort, min_size=1, leads=["r1"])
    broken = result.model_copy(update={"circles": over})
    assert any("r1 uses 2 places" in v for v in check_program(program, broken))


def test_pair_peers_never_pairs_a_supervisor_with_their_supervisee() -> None:
    pool = [mm.Mentee(id="a", topics=["qi"], supervisors=("b",)),
            mm.Mentee(id="b", topics=["qi"]), mm.Mentee(id="c", topics=["research"]),
            mm.Mentee(id="d", topics=["research"])]
    for method in ("max_weight", "stable"):
        result = mm.pair_peers(pool, method=method)
        assert {frozenset((p.a, p.b)) for p in result.pairs}.isdisjoint({frozenset("ab")})
    lone = mm.pair_peers(pool[:2])
    assert lone.pairs == ()
    assert "supervising" in lone.unpaired[0].reason


def test_match_buddies_refuses_unknown_ids_in_mentors_of() -> None:
    c = mm.Cohort(mentees=[mm.Mentee(id="e1", newcomer=True)],
                  mentors=[mm.Mentor(id="r1", trained_abroad=True)])
    with pytest.raises(UnknownIdError, match="unknown mentor id 'r9'"):
        mm.match_buddies(c, mentors_of={"e1": ["r9"]})
    with pytest.raises(UnknownIdError, match="unknown mentee id 'e9'"):
        mm.match_buddies(c, mentors_of={"e9": ["r1"]})
    assert [p.mentor for p in mm.match_buddies(c, mentors_of={"e1": []}).pairs] == ["r1"]
