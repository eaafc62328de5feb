"""shortlist and the cohort's rules: must-haves and the common-slot rule filter; quotas noted."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm


def site_cohort(**extra: object) -> mm.Cohort:
    mentees = [mm.Mentee(id="e7", topics=["research"], site="A", gender="w"),
               mm.Mentee(id="e8", topics=["teaching"], site="B", gender="m")]
    mentors = [mm.Mentor(id="r3", topics=["research"], site="B", capacity=2),
               mm.Mentor(id="r4", topics=["teaching"], site="A"),
               mm.Mentor(id="r5", topics=["teaching"], site="B")]
    research = mm.MustHave.parse("mentor must offer research", mentee="e7")
    return mm.Cohort(mentees=mentees, mentors=mentors,
                     must_haves=["same site", research], **extra)


def suggested(sl: mm.Shortlist) -> set[tuple[str, str]]:
    return {(r.mentee, r.mentor) for r in sl.recommendations}


def test_must_haves_filter_the_suggestions_and_are_noted() -> None:
    sl = mm.shortlist(site_cohort(), k=3)
    assert sl.for_mentee("e7") == ()  # only r3 offers research, at another site
    assert suggested(sl) == {("e8", "r3"), ("e8", "r5")}
    assert any(n.startswith("2 must-haves applied") for n in sl.notes)
    assert not any("quota" in n for n in sl.notes)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["same site", "different division"]), st.integers(1, 5))
def test_no_suggestion_breaks_a_program_wide_must_have(rule: str, k: int) -> None:
    base = mm.example_cohort()
    cohort = mm.Cohort(mentees=base.mentees, mentors=base.mentors, forbidden=base.forbidden,
                       must_haves=[rule])
    sl = mm.shortlist(cohort, k=k)
    mentee = {e.id: e for e in cohort.mentees}
    mentor = {r.id: r for r in cohort.mentors}
    for rec in sl.recommendations:
        e, r = mentee[rec.mentee], mentor[rec.mentor]
        if rule == "same site":
            assert e.site == r.site
        else:
            assert e.division != r.division
    assert sl.recommendations  # the rule leaves something to suggest
    assert all(len(sl.for_mentee(e)) <= k for e in cohort.mentee_ids)
    assert any("must-have" in n for n in sl.notes)


def test_common_slot_rule_filters_the_suggestions_and_exemptions_are_noted() -> None:
    cohort = mm.Cohort(
        mentees=[mm.Mentee(id="e1", topics=["a"], availability="Tue morning"),
                 mm.Mentee(id="e2", topics=["a"])],
        mentors=[mm.Mentor(id="r1", topics=["a"], availability="Wed 9-11"),
                 mm.Mentor(id="r2", topics=["a"], availability="Tue 10-12")],
        schedule=mm.Schedule(require_common_slot=True))
    sl = mm.shortlist(cohort, k=2)
    assert suggested(sl) == {("e1", "r2"), ("e2", "r1"), ("e2", "r2")}
    assert any(n.startswith("common-slot rule") and "1 mentee(s) and 0 mentor(s) gave no "
               "availability and are exempt" in n for n in sl.notes)


def test_quotas_are_not_applied_to_suggestions_and_the_notes_say_so() -> None:
    quota = mm.Quota(attribute="gender", no_lone=True)
    plain = mm.shortlist(site_cohort(), k=3)
    with_quotas = mm.shortlist(site_cohort(quotas=[quota]), k=3)
    assert with_quotas.recommendations == plain.recommendations
    note = with_quotas.notes[-1]
    assert note.startswith("group make-up quotas are not applied to suggestions "
                           "(gender: no lone member)")
    assert "ilp" in note
    assert "w" not in note.split("(")[1].split(")")[0].split()  # no value is printed
