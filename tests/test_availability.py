"""Meeting in work hours: slots, the schedule, the overlap criterion and the common-slot rule.

The rule's reference here is :meth:`Schedule.shares_slot`, one pair at a time;
the library applies it as a mask on availability codes, so the two are
independent computations of the same rule.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mentormatch as mm
from brute import assignment_key, best_key, same_key
from mentormatch.encode import build_problem
from mentormatch.errors import ConstraintConflictError, InvalidInputError, InvalidSlotError
from mentormatch.large import build_candidates
from mentormatch.models import parse_slot, parse_slots
from mentormatch.scoring import (
    AvailabilityScorer,
    WeightedScorer,
    block_scorer,
    default_scorer,
    explain_pairs,
    slot_rule,
    suggested_slots,
)

ZONES = {"Halifax": "America/Halifax", "St. John's": "America/St_Johns",
         "London": "Europe/London"}
SLOTS = ("Mon morning", "Tue morning", "Tue 14:00-15:00", "Wed 10:00-11:30", "Thu morning",
         "Thu 16:00-18:00", "Fri afternoon", "Sat morning", "Tue 07:00-09:30")

# --------------------------------------------------------------------------- reading slots


@pytest.mark.parametrize(("text", "expected"), [
    ("Tue 09:00-12:00", "Tue 09:00-12:00"),
    ("tuesday 9-12", "Tue 09:00-12:00"),
    ("Tues. 9:30 to 11", "Tue 09:30-11:00"),
    ("Thursday [Afternoon]", "Thu 13:00-17:00"),
    ("  wed morning ", "Wed 09:00-12:00"),
    ("Fri 08:15–16:45", "Fri 08:15-16:45"),
])
def test_slots_are_read_in_every_documented_spelling(text, expected):
    assert str(parse_slot(text)) == expected
    assert parse_slot(str(parse_slot(text))) == parse_slot(text)


@pytest.mark.parametrize(("text", "words"), [
    ("Tue 9-25", "25:00 is not a time of day"),
    ("Tue 12-9", "ends before it starts"),
    ("Tue 9:10-10", "15-minute grid"),
    ("Someday 9-10", "unknown day"),
    ("Tue", "cannot read"),
    ("Tue brunch", "cannot read"),
])
def test_an_unreadable_slot_is_a_typed_error_naming_person_and_value(text, words):
    with pytest.raises(InvalidSlotError, match=words) as err:
        mm.Mentee(id="e7", availability=["Mon morning", text])
    assert "Mentee 'e7'" in str(err.value) and "availability" in str(err.value)
    assert isinstance(err.value, InvalidInputError)


def test_availability_text_is_split_deduplicated_and_ordered_and_round_trips():
    e = mm.Mentee(id="e", availability="Thu morning; Tue 9-12, Tue morning\nMon 13:00-14:00")
    assert [str(s) for s in e.availability] == ["Mon 13:00-14:00", "Tue 09:00-12:00",
                                                 "Thu 09:00-12:00"]
    dumped = e.model_dump(mode="json")
    assert dumped["availability"] == ["Mon 13:00-14:00", "Tue 09:00-12:00", "Thu 09:00-12:00"]
    assert mm.Mentee.model_validate_json(e.model_dump_json()) == e


def test_schedule_refuses_unknown_zones_and_bad_windows():
    with pytest.raises(InvalidSlotError, match="unknown time zone 'Mars/Base'"):
        mm.Schedule(site_time_zones={"Halifax": "Mars/Base"})
    with pytest.raises(InvalidSlotError, match="ends before it starts"):
        mm.Schedule(work_hours="17:00-09:00")
    with pytest.raises(InvalidInputError, match="meeting_minutes"):
        mm.Schedule(meeting_minutes=50)
    s = mm.Schedule(work_days="Mon Wed", work_hours="8-16")
    assert s.model_dump(mode="json")["work_days"] == ["Monday", "Wednesday"]
    assert mm.Schedule.model_validate_json(s.model_dump_json()) == s


def test_time_zones_shift_slots_and_work_hours_clip_them():
    s = mm.Schedule(site_time_zones=ZONES)
    tue = parse_slots("Tue 09:00-12:00")
    # Halifax is UTC-4 in January, St. John's UTC-3:30: 90 minutes in common.
    assert s.shares_slot(tue, "Halifax", tue, "St. John's")
    assert not s.shares_slot(tue, "Halifax", tue, "London")
    early = parse_slots("Tue 07:00-09:30")  # only 09:00-09:30 is within work hours
    assert not s.shares_slot(early, "Halifax", parse_slots("Tue 07:00-12:00"), "Halifax")
    assert mm.Schedule(meeting_minutes=30).shares_slot(early, None, tue, None)


def test_a_locked_pair_breaking_the_rule_is_refused():
    with pytest.raises(ConstraintConflictError, match="locked\\[0\\].*shares no 60-minute slot"):
        mm.Cohort(mentees=[mm.Mentee(id="e", availability="Mon morning")],
                  mentors=[mm.Mentor(id="r", availability="Tue morning")],
                  locked=[("e", "r")], schedule=mm.Schedule(require_common_slot=True))


# --------------------------------------------------------------------------- criterion


def test_overlap_criterion_values_and_reasons():
    c = mm.Cohort(
        mentees=[mm.Mentee(id="e", availability="Tue morning; Thu morning; Wed afternoon")],
        mentors=[mm.Mentor(id="both", availability="Tue 9-11; Thu 10-12"),
                 mm.Mentor(id="one", availability="Wed 14:00-15:00"),
                 mm.Mentor(id="none", availability="Fri morning"),
                 mm.Mentor(id="silent")])
    table = AvailabilityScorer().score(c)
    assert table.mentee_scores[0].tolist() == [1.0, 0.5, 0.0, 0.5]
    assert table.reasons(0, 0) == ("both free Tuesday and Thursday mornings",)
    assert table.reasons(0, 1) == ("both free Wednesday afternoon",)
    assert table.reasons(0, 2) == ("no common 60-minute slot within work hours",)
    assert table.reasons(0, 3) == ()


def test_overlap_criterion_is_the_same_on_the_dense_block_and_pair_paths():
    rng = np.random.default_rng(3)
    sites = [*ZONES, None]
    people: list[dict[str, Any]] = [{"id": f"p{k}", "site": sites[int(rng.integers(len(sites)))],
               "availability": [s for s in SLOTS if rng.random() < 0.35]} for k in range(30)]
    c = mm.Cohort(mentees=[mm.Mentee(**p) for p in people[:18]],
                  mentors=[mm.Mentor(**{**p, "id": "r" + p["id"]}) for p in people[18:]],
                  schedule=mm.Schedule(site_time_zones=ZONES))
    scorer = WeightedScorer([(default_scorer(), 0.9), (AvailabilityScorer(), 0.1)])
    table = scorer.score(c)
    dense = table.mentee_scores
    block = block_scorer(c, scorer)
    assert np.array_equal(block.block(np.arange(18)), dense)
    e, r = np.divmod(np.arange(18 * 12), 12)
    assert np.array_equal(block.pair_values(e, r)[0], dense[e, r])
    reasons = explain_pairs(scorer, c, e, r)
    assert reasons == [table.reasons(i, j) for i, j in zip(e.tolist(), r.tolist())]
    assert any("both free" in x for pair in reasons for x in pair)


def test_suggested_slots_are_in_the_mentees_time_with_the_mentors_when_it_differs():
    c = mm.Cohort(mentees=[mm.Mentee(id="e", site="Halifax",
                                     availability="Tue morning; Wed morning; Thu morning")],
                  mentors=[mm.Mentor(id="r", site="St. John's",
                                     availability="Tue 10:00-13:00; Thu 9-10")],
                  schedule=mm.Schedule(site_time_zones=ZONES))
    # Halifax 09:30 is St. John's 10:00; Thursday St. John's 09:00-10:00 is Halifax 08:30-09:30.
    assert suggested_slots(c.schedule, c.mentee("e"), c.mentor("r")) == (
        "Tue 09:30-10:30 America/Halifax (America/St_Johns: Tue 10:00)",)


# --------------------------------------------------------------------------- the hard rule


@st.composite
def slot_cohorts(draw: st.DrawFn, max_mentees: int = 4, max_mentors: int = 3) -> mm.Cohort:
    """Tiny cohorts, every person with a site (three zones) and a few slots, rule on."""
    n_e, n_r = draw(st.integers(1, max_mentees)), draw(st.integers(1, max_mentors))
    topics = st.lists(st.sampled_from(["a", "b", "c"]), max_size=2)
    slots = st.lists(st.sampled_from(SLOTS), max_size=3)
    sites = st.sampled_from([*ZONES, None])
    mentees = [mm.Mentee(id=f"e{i}", topics=draw(topics), availability=draw(slots),
                         site=draw(sites), demand=draw(st.integers(0, 2))) for i in range(n_e)]
    mentors = [mm.Mentor(id=f"r{j}", topics=draw(topics), availability=draw(slots),
                         site=draw(sites), capacity=draw(st.integers(0, 2))) for j in range(n_r)]
    return mm.Cohort(mentees=mentees, mentors=mentors,
                     schedule=mm.Schedule(site_time_zones=ZONES, require_common_slot=True))


def _reference_allowed(c: mm.Cohort) -> np.ndarray:
    s = c.schedule
    assert s is not None
    return np.array([[s.shares_slot(e.availability, e.site, r.availability, r.site)
                      for r in c.mentors] for e in c.mentees], dtype=bool).reshape(
        len(c.mentees), len(c.mentors))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(c=slot_cohorts())
def test_the_mask_is_the_pairwise_rule(c):
    rule = slot_rule(c)
    assert rule is not None
    assert np.array_equal(rule.dense(), _reference_allowed(c))
    free = mm.Cohort(mentees=c.mentees, mentors=c.mentors,
                     schedule=c.schedule.model_copy(update={"require_common_slot": False}))
    assert slot_rule(free) is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(c=slot_cohorts(), solver=st.sampled_from(mm.solvers.available()))
def test_every_solver_keeps_the_rule_and_passes_check(c, solver):
    try:
        result = mm.match(c, solver=solver)
    except mm.errors.UnsupportedProblemError:
        return  # refused, as its capabilities declare
    ok = _reference_allowed(c)
    e_pos, r_pos = c.mentee_index(), c.mentor_index()
    assert all(ok[e_pos[p.mentee], r_pos[p.mentor]] for p in result.pairs)
    assert mm.check(result, build_problem(c, default_scorer().score(c))).ok


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(c=slot_cohorts())
def test_exact_solvers_reach_the_brute_force_optimum_under_the_rule(c):
    table = default_scorer().score(c)
    reference = mm.MatchProblem(
        scores=table.mentee_scores,
        demand=np.array([p.demand for p in c.mentees], dtype=np.int64),
        capacity=np.array([p.capacity for p in c.mentors], dtype=np.int64),
        allowed=_reference_allowed(c))
    best = best_key(reference)
    problem = build_problem(c, table)
    for solver in ("flow", "ilp"):
        assert same_key(assignment_key(reference, mm.solve(problem, solver=solver)), best)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(c=slot_cohorts(max_mentees=6, max_mentors=5), k=st.integers(1, 3))
def test_the_large_cohort_path_keeps_the_rule(c, k):
    ok = _reference_allowed(c)
    candidates = build_candidates(c, k=k)
    edges = candidates.edges()
    assert ok[edges.mentee, edges.mentor].all()
    result = mm.match(c, candidates=k)
    e_pos, r_pos = c.mentee_index(), c.mentor_index()
    assert all(ok[e_pos[p.mentee], r_pos[p.mentor]] for p in result.pairs)


def test_diagnosis_and_result_say_the_rule_left_a_mentee_without_mentor():
    c = mm.Cohort(mentees=[mm.Mentee(id="e1", topics=["a"], availability="Tue morning"),
                           mm.Mentee(id="e2", topics=["a"])],
                  mentors=[mm.Mentor(id="r1", topics=["a"], availability="Wed 9-11",
                                     capacity=2)],
                  schedule=mm.Schedule(require_common_slot=True))
    assert mm.diagnose(c).messages == (
        "e1 has no admissible mentor: r1 shares no 60-minute slot with e1 within work hours "
        "(e1 is free Tue 09:00-12:00)",)
    result = mm.match(c)
    assert [(p.mentee, p.mentor) for p in result.pairs] == [("e2", "r1")]
    assert "share no slot within work hours" in result.unmatched[0].reason
    assert any("1 mentee(s) and 0 mentor(s) gave no availability and are exempt" in n
               for n in result.notes)


def test_check_flags_a_result_that_breaks_the_rule():
    c = mm.Cohort(mentees=[mm.Mentee(id="e", availability="Tue morning")],
                  mentors=[mm.Mentor(id="r", availability="Wed morning")])
    result = mm.match(c)  # no rule: matched
    ruled = c.model_copy(update={"schedule": mm.Schedule(require_common_slot=True)})
    report = mm.check(result, build_problem(c, default_scorer().score(c)), cohort=ruled)
    assert report.violations == ("pair ('e', 'r') shares no slot within work hours, which the "
                                 "schedule requires",)


# --------------------------------------------------------------------------- survey


def test_survey_reads_a_slots_column_and_a_checkbox_grid_and_reports_what_it_left_out(
        tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text(
        "ID,Role,Topics,Capacity,Mentors wanted,Availability,Availability [Tuesday],"
        "Availability [Thursday]\n"
        "e1,mentee,teaching,,1,Mon 9-10; Funday 9-10,Morning,Afternoon; Evening\n"
        "r1,mentor,teaching,1,,,Morning,\n"
        "r2,mentor,teaching,1,,,,\n")
    cohort, report = mm.read_survey(path, report=True)
    assert [str(s) for s in cohort.mentee("e1").availability] == [
        "Mon 09:00-10:00", "Tue 09:00-12:00", "Thu 13:00-17:00", "Thu 17:00-20:00"]
    assert [str(s) for s in cohort.mentor("r1").availability] == ["Tue 09:00-12:00"]
    assert cohort.mentor("r2").availability == ()
    assert "2 day columns ('Availability [Tuesday]', ...)" in report.columns["survey.csv"][
        "availability"]
    (left_out,) = report.find("availability", level="warning")
    assert left_out.row == 2 and "'Funday 9-10' left out: 'Funday 9-10': unknown day" in (
        left_out.message)
    read = [e.message for e in report.find("availability", level="info")]
    assert read == ["read as Mon 09:00-10:00; Tue 09:00-12:00; Thu 13:00-17:00; "
                    "Thu 17:00-20:00", "read as Tue 09:00-12:00"]


def test_task_and_circle_rounds_keep_the_rule():
    schedule = mm.Schedule(require_common_slot=True)
    c = mm.Cohort(
        mentees=[mm.Mentee(id=f"e{k}", topics=["qi"], types=["group"], tasks=["qi"],
                           availability="Tue morning") for k in range(3)],
        mentors=[mm.Mentor(id="wed", topics=["qi"], types=["group", "task_focused"],
                           availability="Wed morning", capacity=3, task_capacity=3),
                 mm.Mentor(id="tue", topics=["qi"], types=["group", "task_focused"],
                           availability="Tue 10-12", capacity=3, task_capacity=1)],
        schedule=schedule)
    tasks = mm.match_tasks(c)
    assert [m.mentor for m in tasks.matches] == ["tue"]
    assert {u.reason for u in tasks.unmatched} == {"every mentor offering qi has used their "
                                                   "task places"}
    circles = mm.form_circles(c, min_size=1, max_size=3)
    assert [(x.lead, len(x.members)) for x in circles.circles] == [("tue", 3)]
    lonely = c.model_copy(update={"mentors": c.mentors[:1]})
    assert "sharing no slot within work hours" in mm.form_circles(
        lonely, min_size=1).left_out[0].reason
    assert "shares no slot within work hours" in mm.match_tasks(lonely).unmatched[0].reason


def test_rematch_supervisors_and_cli_locks_keep_the_schedule(tmp_path):
    c = mm.Cohort(mentees=[mm.Mentee(id="e1", topics=["a"], availability="Tue morning"),
                           mm.Mentee(id="e2", topics=["a"], availability="Tue morning")],
                  mentors=[mm.Mentor(id="r1", topics=["a"], availability="Tue morning"),
                           mm.Mentor(id="r2", topics=["a"], availability="Wed morning")],
                  schedule=mm.Schedule(require_common_slot=True))
    result = mm.match(c)
    assert {(p.mentee, p.mentor) for p in result.pairs} == {("e1", "r1")} or {
        (p.mentee, p.mentor) for p in result.pairs} == {("e2", "r1")}
    pair = result.pairs[0]
    after = mm.rematch(result, release=[(pair.mentee, pair.mentor)])
    assert after.cohort is not None and after.cohort.schedule == c.schedule
    assert all(p.mentor != "r2" for p in after.pairs)
    assert mm.with_supervisors(c, [("r2", "e1")]).schedule == c.schedule
    buddies = mm.match_buddies(c.model_copy(update={"mentees": tuple(
        e.model_copy(update={"newcomer": True}) for e in c.mentees), "mentors": tuple(
        r.model_copy(update={"relocated": True}) for r in c.mentors)}))
    assert buddies.pairs and all(p.mentor != "r2" for p in buddies.pairs)


def test_must_haves_and_the_common_slot_rule_apply_together():
    c = mm.Cohort(
        mentees=[mm.Mentee(id="e", topics=["a"], site="H", availability="Tue morning")],
        mentors=[mm.Mentor(id="far", topics=["a"], site="X", availability="Tue morning"),
                 mm.Mentor(id="busy", topics=["a"], site="H", availability="Wed morning"),
                 mm.Mentor(id="ok", topics=["a"], site="H", availability="Tue 11-12")],
        must_haves=["same site"], schedule=mm.Schedule(require_common_slot=True))
    for solver in ("flow", "ilp", "greedy"):
        assert [(p.mentee, p.mentor) for p in mm.match(c, solver=solver).pairs] == [("e", "ok")]
    assert [(p.mentee, p.mentor) for p in mm.match(c, candidates=2).pairs] == [("e", "ok")]
    none = c.model_copy(update={"mentors": c.mentors[:2]})
    (message,) = mm.diagnose(none).messages
    assert "busy shares no 60-minute slot with e" in message
