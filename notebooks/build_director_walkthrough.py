"""Regenerate ``director_walkthrough.ipynb`` (without outputs): ``python build_director_walkthrough.py``."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS: list[tuple[str, str]] = [
    ("md", """# A director's year with mentormatch

A director of education has a survey export: seven new faculty asking for mentorship and
thirty-three volunteer mentors. This notebook walks through the year: load the survey, look
at supply and demand per topic, shortlist mentors, match (comparing two solvers), read why a
pair was made, handle a change of mentor, export a report to forward, and, a year later,
read the follow-up survey and match year 2 with that history. The last sections show the
rules the pilot's participants asked for: meetings in work hours, balanced groups,
must-haves and newcomers first."""),
    ("code", """%matplotlib inline
import pathlib
import tempfile

import pandas as pd

import mentormatch as mm

pd.set_option("display.max_colwidth", 120)"""),
    ("md", """## 1. Load the survey export

The example export ships with the package (one column per topic, a role column, capacity
and "how many mentors would you like"). Reading it with the pilot vocabulary maps aliases
such as "QI" to one topic and stops on typos, naming the file, row and column. The read
report lists every column used and every answer that was not taken as written (a default,
a mapping, a name resolved); warnings are highlighted, and `strict=True` refuses them.
A form tool's own export reads with a preset: `mm.SurveySchema(preset="google_forms", ...)`
(also `"microsoft_forms"`, `"qualtrics"`, `"redcap"`)."""),
    ("code", """survey = mm.example_survey_path()
cohort, read = mm.read_survey(survey, vocabulary=mm.TopicVocabulary.pilot(), report=True)
print(survey.name, "-", len(cohort.mentees), "mentees,", len(cohort.mentors), "mentors,",
      sum(e.demand for e in cohort.mentees), "mentors asked for,",
      sum(r.capacity for r in cohort.mentors), "places offered")
read"""),
    ("md", """## 2. Supply and demand per topic

How many mentees ask for each topic, how many mentors offer it, the places those mentors
offer, and the shortfall (mentees asking beyond those places). The figure is the study's
Figures 1 and 2 side by side; topics with a shortfall are red."""),
    ("code", """demand = mm.topic_demand(cohort)
demand.to_frame().sort_values("mentees_asking", ascending=False)"""),
    ("code", """fig = mm.plot_topic_demand(cohort)
fig"""),
    ("md", """## 3. A shortlist to discuss

The two most suitable mentors for each new faculty member, with the reasons. Supervisors
are never recommended: mentorship is non-supervisory."""),
    ("code", """shortlist = mm.shortlist(cohort, k=2)
shortlist.to_frame()"""),
    ("md", """## 4. Match, with two solvers

Every optimising solver first covers as many mentees as possible, then makes as many pairs
as asked, then maximises the total score. We compare two of the registered solvers."""),
    ("code", """print("solvers available:", ", ".join(mm.solvers.available()))
preferred = [s for s in ("flow", "ilp", "hungarian", "stable", "greedy")
             if s in mm.solvers.available()]
chosen = preferred[:2]
results = {name: mm.match(cohort, solver=name) for name in chosen}
keys = ["n_pairs", "mentees_matched", "mentees_asking", "total_score", "mean_score",
        "min_score", "topic_coverage"]
pd.DataFrame({name: {k: getattr(r.metrics, k) for k in keys}
              for name, r in results.items()})"""),
    ("code", """result = results[chosen[0]]
same = {(p.mentee, p.mentor) for p in result.pairs} == {
    (p.mentee, p.mentor) for p in results[chosen[-1]].pairs}
print("both solvers made the same pairs:", same, "(ties may be broken differently)")
for note in result.notes:
    print("note:", note)
result.to_frame()"""),
    ("md", """## 5. Why was this pair made?

Each pair carries its score and its reasons, strongest first. Mentees left out, or given
fewer mentors than they asked for, carry the reason too."""),
    ("code", """pair = result.pairs[0]
print(f"{pair.mentee} <- {pair.mentor} (score {pair.score:.2f})")
for reason in pair.reasons:
    print("  -", reason)
for u in result.unmatched:
    print("unmatched:", u.mentee, "-", u.reason)
for s in result.shortfall:
    print("short:", s.mentee, f"asked {s.asked}, got {s.given} -", s.reason)"""),
    ("code", """fig = mm.plot_result(result)
fig"""),
    ("md", """## 5b. What a second mentor adds: topic coverage

When a mentee asks for more than one mentor, the default match (no solver named) covers
as much as it can of the topics each mentee asked for *across* their mentors, so two
mentors offering the same topic do not count it twice; pair scores break ties. The table
compares solvers on the share of asked topics covered; the default also proves a bound
(here the optimum) and says so in its notes."""),
    ("code", """default = mm.match(cohort)
print("objective:", default.provenance.objective, "-", default.provenance.objective_why)
compared = {"default (coverage)": default, **results,
            "greedy": mm.match(cohort, solver="greedy")}
pd.DataFrame({name: {"topic coverage": r.metrics.topic_coverage,
                     "bound": r.metrics.topic_coverage_bound,
                     "total score": r.metrics.total_score}
              for name, r in compared.items()}).T"""),
    ("md", """Per mentee, each topic asked for: which of their mentors cover it, or whether no
mentor in the cohort offers it at all (those are also diagnosed before matching). A second
mentor's reasons say what they add that the first does not offer."""),
    ("code", """coverage = mm.topic_coverage_table(default).to_frame()
print(coverage["status"].value_counts().to_string())
for p in default.pairs:
    for reason in p.reasons:
        if reason.startswith("adds"):
            print(f"{p.mentee} <- {p.mentor}: {reason}")
coverage"""),
    ("md", """## 6. Months later: "I need a different mentor"

`rematch` ends the released pair (and never proposes it again), keeps every other pair
exactly as it was, and finds a new mentor from the remaining capacity. The same function
handles a mentor leaving (`leaving_mentors=`) and new faculty joining (`new_mentees=`)."""),
    ("code", """after = mm.rematch(result, release=[(pair.mentee, pair.mentor)])
kept = {(p.mentee, p.mentor) for p in result.pairs} - {(pair.mentee, pair.mentor)}
assert kept <= {(p.mentee, p.mentor) for p in after.pairs}
pd.DataFrame([c.model_dump() for c in after.changes])"""),
    ("code", """newcomer = mm.Mentee(id="new-08", name="Dr. New Arrival", topics=["leadership", "QI"])
leaver = after.pairs[-1].mentor
later = mm.rematch(after, leaving_mentors=[leaver], new_mentees=[newcomer])
pd.DataFrame([c.model_dump() for c in later.changes])"""),
    ("md", """## 7. Export

A mail-merge CSV (names, e-mails, shared topics, reasons), the JSON result, and a
self-contained HTML report with the figures embedded: open it or forward it as is. Files
are written atomically; gender and background never appear in any export."""),
    ("code", """out = pathlib.Path(tempfile.mkdtemp(prefix="mentormatch-"))
written = [mm.write_mail_merge(later, out / "pairs.csv"),
           mm.write_json(later, out / "result.json"),
           mm.write_report(later, out / "report.html")]
for path in written:
    print(path.name, path.stat().st_size, "bytes")"""),
    ("md", """## 8. Meeting in work hours, guidelines and an agreement per pair

Every participant in the pilot stressed meeting during work hours, on protected time, and
asked for guidelines and a mentorship agreement. Each person can give weekly availability
(`"Tue 09:00-12:00"`, `"Thu morning"`, or a form grid's `"Tuesday [Morning]"`), read in
the time zone of their site. A `Schedule` sets the work-hours window, the zones, the
meeting length, and the hard rule "at least one common slot within work hours", applied
before solving by every solver (people who gave no availability are exempt, and the
notes say so). `AvailabilityScorer` adds the soft criterion to the default scorer."""),
    ("code", """week = ["Mon morning", "Tue morning", "Tue afternoon", "Wed morning", "Thu morning",
        "Thu afternoon", "Fri morning"]
def slots(k):  # a reproducible stand-in for the survey's availability grid
    return [week[(k + step) % len(week)] for step in (0, 2, 3)]
timed = mm.Cohort(
    mentees=[p.model_copy(update={"availability": mm.models.parse_slots(slots(k))})
             for k, p in enumerate(cohort.mentees)],
    mentors=[p.model_copy(update={"availability": mm.models.parse_slots(slots(k + 3))})
             for k, p in enumerate(cohort.mentors)],
    forbidden=cohort.forbidden, locked=cohort.locked,
    schedule=mm.Schedule(work_hours="08:30-16:30", require_common_slot=True,
                         time_zone="America/Halifax",
                         site_time_zones={"Saint John": "America/Moncton"}))
with_slots = mm.scoring.WeightedScorer([(mm.scoring.default_scorer(), 0.9),
                                        (mm.scoring.AvailabilityScorer(), 0.1)])
timed_result = mm.match(timed, scorer=with_slots)
for note in timed_result.notes:
    print("note:", note)
first = timed_result.pairs[0]
print(first.mentee, "<-", first.mentor, "|", "; ".join(first.reasons))
print("suggested first meetings:", mm.scoring.suggested_slots(
    timed.schedule, timed.mentee(first.mentee), timed.mentor(first.mentor)))"""),
    ("md", """The program's guidelines travel in every export: the mail merge (a `guidelines` column
beside `suggested_slots`), the HTML report, and one agreement page per pair with the pair's
shared topics, suggested slots, the meeting expectations, roles and how to change mentor
(no-fault). The defaults come from the study's recommendations; replace any part. From the
command line: `mentormatch match SURVEY --agreements DIR --guidelines guidelines.json`."""),
    ("code", """guidelines = mm.Guidelines(contact="the Director of Education (education@example.org)")
pages = mm.write_agreements(timed_result, out / "agreements", guidelines=guidelines,
                            formats=["markdown", "html"])
mm.write_mail_merge(timed_result, out / "pairs-with-slots.csv", guidelines=guidelines)
print(len(pages), "agreement pages, e.g.", pages[0].name)
print(pages[0].read_text()[:900])"""),
    ("md", """## 9. A year later: the follow-up survey

The study evaluated the pilot after a year. `followup_template` writes a form listing
this year's pairs (did you meet, how often, how satisfied, continue or change, and an
optional reason for a change); here we fill it in as the pairs would. `read_followup`
reads it back through the survey machinery: a row naming a pair that was not this
year's, or an answer it cannot read, is an error naming its row and column, and every
built-in reading ("Monthly" = 12 meetings) is in the history's notes. Changing mentor is
no-fault: the reason stays in memory for the director and never reaches an export."""),
    ("code", """form = out / "followup.csv"
mm.followup_template(later, form)
answers = pd.read_csv(form, dtype=str, keep_default_na=False)
answers["Met"] = "Yes"
answers["Meetings"] = [("Monthly", "Quarterly", "Every two weeks")[k % 3]
                       for k in range(len(answers))]
answers["Satisfaction"] = [("Very satisfied", "Satisfied", "Neutral")[k % 3]
                           for k in range(len(answers))]
answers["Next year"] = ["Change" if k == 1 else "Continue" for k in range(len(answers))]
answers["Reason for change"] = ["Our schedules never lined up" if k == 1 else ""
                                for k in range(len(answers))]
answers.to_csv(form, index=False)
history = mm.read_followup(form, mm.FollowUpSchema(label="year 1"), last_year=later)
pd.Series(history.summary())"""),
    ("md", """## 10. Year 2: match with history

Needs change: one mentee now asks for research only, a mentor retires (capacity 0) and a
new faculty member joins. `match(..., history=history)` keeps every pair that asked to
continue as a lock (the retiring mentor's pair cannot be kept: the notes say so), never
repeats the pair that asked to change, and records who was mentored before. The report's
year-over-year section compares participation, meetings, satisfaction and changes."""),
    ("code", """retiring = later.pairs[2].mentor
mentees = [e.model_copy(update={"topics": {"research and scholarship": 1.0}})
           if e.id == later.pairs[0].mentee else e for e in (*cohort.mentees, newcomer)]
mentees.append(mm.Mentee(id="new-09", name="Dr. Second Cohort", topics=["teaching"]))
mentors = [r.model_copy(update={"capacity": 0}) if r.id in (leaver, retiring) else r
           for r in cohort.mentors]
year2_cohort = mm.Cohort(mentees=mentees, mentors=mentors, forbidden=cohort.forbidden,
                         vocabulary=cohort.vocabulary)
year2 = mm.match(year2_cohort, history=history)
for note in year2.notes:
    if note.startswith("history:"):
        print(note)
year2.to_frame()"""),
    ("code", """report = mm.write_report(year2, out / "report-year-2.html", history=history)
reason = "Our schedules never lined up"
assert any(f.release_reason == reason for f in history.pairs)  # the director can read it
for path in (report, mm.write_mail_merge(year2, out / "pairs-year-2.csv"),
             mm.write_json(year2, out / "result-year-2.json")):
    assert reason not in path.read_text(encoding="utf-8")
print(report.name, report.stat().st_size, "bytes")"""),
    ("md", """## 11. Balanced groups, and a community of practice for mentors

One public programme balances each mentor's group by gender: at most 3 of one, and never
anyone the only one of their gender in a group. A `mm.Quota` on the cohort says so; only
`ilp` keeps quotas (every other solver refuses them), and `mm.match` runs it when no solver
is named. The example survey records no gender, so the mentees are given one here for the
demonstration; the values never appear in a note, a message or an export."""),
    ("code", """balanced = mm.Cohort(
    mentees=[e.model_copy(update={"gender": ("a", "b")[k % 2]})
             for k, e in enumerate(cohort.mentees)],
    mentors=cohort.mentors, forbidden=cohort.forbidden, locked=cohort.locked,
    vocabulary=cohort.vocabulary,
    quotas=[mm.Quota(attribute="gender", max_count=3, no_lone=True)])
print("solvers that keep quotas:", mm.solvers.supporting("quotas"))
grouped = mm.match(balanced)
for note in grouped.notes:
    print("note:", note)
grouped.to_frame()"""),
    ("md", """The participants also suggested a community of practice among mentors:
`mm.form_mentor_circles` groups mentors into peer circles around one topic each (also a
round of `mm.Program`, `mentor_circles=True`)."""),
    ("code", """peer_circles = mm.form_mentor_circles(cohort, min_size=3, max_size=8)
peer_circles.to_frame().groupby("circle")["mentor"].apply(", ".join)"""),
    ("md", """## 12. Must-haves beside nice-to-haves

Scores weigh what people would like; some things they need. A must-have is a hard rule,
program-wide or for one mentee, written as they would say it: "same site", "different
division", "not the same advisor or lab", "mentor at a later career stage than the mentee",
"mentor must offer research". Every solver applies them as a mask before solving, so no
pair that breaks one is ever made. `mm.diagnose` says, before matching, whose must-haves no
mentor meets and why; the match says it again for the mentee left out, and the notes (and
the report) list every rule applied."""),
    ("code", """rules = ["mentor at a later career stage than the mentee",
         mm.MustHave.parse("same site", mentee="new-04"),
         mm.MustHave.parse("mentor must offer psychopharmacology", mentee="new-04"),
         mm.MustHave.parse("same site", mentee="new-06"),
         mm.MustHave.parse("different division", mentee="new-06")]
strict = mm.Cohort(mentees=cohort.mentees, mentors=cohort.mentors, forbidden=cohort.forbidden,
                   locked=cohort.locked, vocabulary=cohort.vocabulary, must_haves=rules)
print(mm.diagnose(strict))
musts = mm.match(strict)
stage = {"early": 0, "mid": 1, "late": 2}
for p in musts.pairs:  # every pair keeps every rule
    e, r = strict.mentee(p.mentee), strict.mentor(p.mentor)
    assert stage[r.career_stage.value] > stage[e.career_stage.value]
    if p.mentee == "new-06":
        assert r.site == e.site and r.division != e.division
for u in musts.unmatched:
    print("unmatched:", u.mentee, "-", u.reason)
musts.to_frame()"""),
    ("md", """## 13. Newcomers first

Newcomers were at a relative disadvantage in the pilot. `priority="newcomer"` (or a list
of mentee ids) puts a level above everything else in the objective: as many of the group
as possible get a mentor before anyone else is covered or given a second mentor. `flow` and
`ilp` honour it exactly. `stable` honours it as mentor preference: every mentor ranks the
newcomers above everyone else, and the result is stable under those preferences, so no
mentor passes a newcomer over for someone else, but it does not promise to cover as many
newcomers as possible (that could make a pair prefer each other to what they got). The
note says which way it was honoured; a solver that honours it neither way is refused
with a typed error, never run without it. Here places are scarce (four mentors, one place
each), and the plain match leaves the newcomer out."""),
    ("code", """scarce = mm.Cohort(mentees=cohort.mentees,
                   mentors=[r.model_copy(update={"capacity": 1}) for r in cohort.mentors[:4]],
                   vocabulary=cohort.vocabulary)
newcomers = [e.id for e in scarce.mentees if e.newcomer]
plain = mm.match(scarce, solver="flow")
first = mm.match(scarce, solver="flow", priority="newcomer")
print("newcomers:", newcomers)
print("left out without priority:", [u.mentee for u in plain.unmatched])
print("left out with priority:   ", [u.mentee for u in first.unmatched])
for note in first.notes:
    if note.startswith("priority"):
        print("note:", note)
stable_first = mm.match(scarce, solver="stable", priority="newcomer")
for note in stable_first.notes:
    if note.startswith("priority"):
        print("note:", note)
try:
    mm.match(scarce, solver="hungarian", priority="newcomer")
except mm.errors.UnsupportedProblemError as exc:
    print("refused:", exc)
pd.DataFrame({name: {"newcomers matched": sum(p.mentee in newcomers for p in r.pairs),
                     "mentees matched": r.metrics.mentees_matched,
                     "blocking pairs": r.metrics.blocking_pairs,
                     "total score": round(r.metrics.total_score, 2)}
              for name, r in {"flow": plain, "flow, newcomers first": first,
                              "stable, newcomers ranked first": stable_first}.items()})"""),

]


def build() -> nbformat.NotebookNode:
    """Return the notebook, without outputs."""
    cells = [new_markdown_cell(src) if kind == "md" else new_code_cell(src)
             for kind, src in CELLS]
    for k, cell in enumerate(cells):
        cell.id = f"cell-{k:02d}"  # stable ids: regenerating gives the same file
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


if __name__ == "__main__":
    target = Path(__file__).with_name("director_walkthrough.ipynb")
    nbformat.write(build(), target)
