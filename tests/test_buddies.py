"""Newcomer buddies and task matches never break cross-round rules."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.rounds._program import check_program
from mentormatch.rounds._tasks import task_places

TOPICS = ["clinical work", "qi", "teaching", "research"]


@st.composite
def cohorts(draw: st.DrawFn) -> mm.Cohort:
    topics = st.lists(st.sampled_from(TOPICS), min_size=1, max_size=2, unique=True)
    types = st.lists(st.sampled_from(["one_to_one", "group", "peer", "task_focused"]),
                     min_size=1, max_size=3, unique=True)
    n_e, n_r = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    mentees = [mm.Mentee(id=f"e{k}", topics=draw(topics), types=draw(types),
                         demand=draw(st.integers(0, 2)), newcomer=draw(st.booleans()),
                         trained_abroad=draw(st.booleans()),
                         tasks=draw(st.lists(st.sampled_from(TOPICS), max_size=2, unique=True)))
               for k in range(n_e)]
    mentors = [mm.Mentor(id=f"r{k}", topics=draw(topics), types=draw(types),
                         capacity=draw(st.integers(0, 3)), trained_abroad=draw(st.booleans()),
                         relocated=draw(st.booleans()), buddy_capacity=draw(st.integers(0, 2)),
                         task_capacity=draw(st.sampled_from([None, 0, 1])),
                         tasks_use_capacity=draw(st.booleans()))
               for k in range(n_r)]
    forbidden = [(e.id, r.id) for e in mentees for r in mentors if draw(st.integers(0, 6)) == 0]
    return mm.Cohort(mentees=mentees, mentors=mentors, forbidden=forbidden)


@settings(max_examples=60, deadline=None)
@given(cohorts(), st.booleans())
def test_program_rounds_never_break_cross_round_rules(cohort: mm.Cohort, allow: bool) -> None:
    program = mm.Program(cohort=cohort, buddy_can_be_mentor=allow, circle_min=1, circle_max=3)
    result = program.run(solver="hungarian")
    assert check_program(program, result) == ()
    mentors_of = {(p.mentee, p.mentor) for p in result.long_term.pairs}  # type: ignore[union-attr]
    newcomers = {e.id for e in cohort.mentees if e.newcomer or e.trained_abroad}
    buddied = [p.mentee for p in result.buddies.pairs]  # type: ignore[union-attr]
    assert len(buddied) == len(set(buddied)) and set(buddied) <= newcomers
    load: dict[str, int] = {}
    for p in result.buddies.pairs:  # type: ignore[union-attr]
        buddy = cohort.mentor(p.mentor)
        assert buddy.trained_abroad or buddy.relocated
        assert not cohort.is_forbidden(p.mentee, p.mentor)
        assert allow or (p.mentee, p.mentor) not in mentors_of
        load[p.mentor] = load.get(p.mentor, 0) + 1
        assert load[p.mentor] <= buddy.buddy_capacity
        assert p.reasons
    assert set(buddied) | {u.mentee for u in result.buddies.unmatched} == newcomers  # type: ignore[union-attr]
    # Tasks: own task places, plus long-term places only where opened and left free.
    own, borrowed = task_places(cohort, result.long_term.metrics.mentor_loads)  # type: ignore[union-attr]
    for j, r in enumerate(cohort.mentors):
        mine = [t for t in result.tasks.matches if t.mentor == r.id]  # type: ignore[union-attr]
        assert len(mine) <= own[j] + borrowed[j]
        if not r.tasks_use_capacity:
            assert not any(t.uses_capacity for t in mine)
        lt_load = result.long_term.metrics.mentor_loads[r.id]  # type: ignore[union-attr]
        assert lt_load + sum(t.uses_capacity for t in mine) <= max(r.capacity, lt_load)
    for t in result.tasks.matches:  # type: ignore[union-attr]
        assert t.topic in cohort.mentor(t.mentor).topics
        assert not cohort.is_forbidden(t.mentee, t.mentor)
    asked = sum(len(e.tasks) for e in cohort.mentees)
    assert len(result.tasks.matches) + len(result.tasks.unmatched) == asked  # type: ignore[union-attr]


def test_buddy_is_not_the_mentor_unless_allowed() -> None:
    cohort = mm.Cohort(
        mentees=[mm.Mentee(id="e", topics=["qi"], newcomer=True, trained_abroad=True)],
        mentors=[mm.Mentor(id="r", topics=["qi"], trained_abroad=True)])
    program = mm.Program(cohort=cohort)
    result = program.run()
    assert result.long_term.mentors_of("e") == ("r",)  # type: ignore[union-attr]
    assert result.buddies.pairs == ()  # type: ignore[union-attr]
    assert result.buddies.unmatched[0].reason == (  # type: ignore[union-attr]
        "every experienced buddy is excluded (1 already their mentor)")
    allowed = mm.Program(cohort=cohort, buddy_can_be_mentor=True).run()
    assert [(p.mentee, p.mentor) for p in allowed.buddies.pairs] == [("e", "r")]  # type: ignore[union-attr]
    assert "licensing, credentialing" in allowed.buddies.pairs[0].reasons[0]  # type: ignore[union-attr]


def test_buddy_prefers_lived_experience_of_licensing() -> None:
    cohort = mm.Cohort(
        mentees=[mm.Mentee(id="e", newcomer=True, trained_abroad=True, site="Halifax")],
        mentors=[mm.Mentor(id="moved", relocated=True, site="Halifax"),
                 mm.Mentor(id="abroad", trained_abroad=True)])
    result = mm.match_buddies(cohort)
    assert result.mentors_of("e") == ("abroad",)
    nobody = mm.match_buddies(mm.Cohort(mentees=cohort.mentees, mentors=[mm.Mentor(id="x")]))
    assert "no one with buddy capacity" in nobody.unmatched[0].reason


def test_tasks_use_long_term_capacity_only_when_opened() -> None:
    mentees = [mm.Mentee(id="e1", topics=["qi"]), mm.Mentee(id="e2", tasks=["qi"], demand=0)]
    closed = mm.Cohort(mentees=mentees, mentors=[mm.Mentor(id="r", topics=["qi"], capacity=2)])
    result = mm.Program(cohort=closed).run()
    assert result.tasks.matches == ()  # type: ignore[union-attr]
    assert "task places" in result.tasks.unmatched[0].reason  # type: ignore[union-attr]
    opened = mm.Cohort(mentees=mentees, mentors=[mm.Mentor(id="r", topics=["qi"], capacity=2,
                                                           tasks_use_capacity=True)])
    result = mm.Program(cohort=opened).run()
    assert [(t.mentee, t.mentor, t.uses_capacity) for t in result.tasks.matches] == (  # type: ignore[union-attr]
        [("e2", "r", True)])
    full = mm.Cohort(mentees=mentees, mentors=[mm.Mentor(id="r", topics=["qi"], capacity=1,
                                                         tasks_use_capacity=True)])
    assert mm.Program(cohort=full).run().tasks.matches == ()  # type: ignore[union-attr]  # e1 used the only place
