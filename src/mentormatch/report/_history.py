"""The year-over-year section of the report: participation, meetings, satisfaction, changes.

Built from a :class:`~mentormatch.History` and this year's result; counts and
ids only, never a release reason (the change process is no-fault).
"""

from __future__ import annotations

from typing import Any

from mentormatch.models import History, MatchResult

__all__ = ["year_over_year"]

Section = tuple[str, list[str], list[list[Any]]]


def _mean(value: float | None, unit: str = "") -> str:
    return "no answers" if value is None else f"{value:.1f}{unit}"


def year_over_year(history: History, result: MatchResult) -> list[Section]:
    """Return the section's tables as ``(caption, header, rows)``, ready to render.

    Examples
    --------
    >>> import mentormatch as mm
    >>> last = mm.match(mm.example_cohort())
    >>> h = mm.History(pairs=[mm.PairFeedback(mentee=p.mentee, mentor=p.mentor, meetings=6,
    ...                                       satisfaction=4, decision="continue")
    ...                       for p in last.pairs])
    >>> sections = year_over_year(h, mm.match(mm.example_cohort(), history=h))
    >>> [caption for caption, _, _ in sections]
    ['Participation', 'Meetings and satisfaction', 'Continue or change']
    """
    s = history.summary()
    m = result.metrics
    record = result.provenance.options.get("history", {})
    label = history.label
    this_mentors = sum(1 for load in m.mentor_loads.values() if load > 0)
    before = set(history.mentored_before)
    again = len({p.mentee for p in result.pairs if p.mentee in before})
    participation = [
        ["pairs", s["pairs"], m.n_pairs],
        ["mentees with a mentor", s["mentees"], m.mentees_matched],
        ["mentors with a mentee", s["mentors"], this_mentors],
        ["mentees mentored the year before", "", again],
    ]
    unanswered = s["pairs"] - s["answered"]
    meetings = [
        ["pairs that answered the follow-up", f"{s['answered']} / {s['pairs']}"],
        ["pairs that met", s["met"]],
        ["pairs that never met", s["never_met"]],
        ["mean meetings over the year", _mean(s["mean_meetings"])],
        ["mean satisfaction (1-5)", _mean(s["mean_satisfaction"])],
    ]
    kept = record.get("kept", [])
    changes = [
        ["asked to continue", s["continue"]],
        ["asked to change mentor (never matched again)", s["change"]],
        ["released by the director", s["released"]],
        ["no answer", unanswered],
        ["kept this year", len(kept)],
        ["asked to continue but could not be kept", len(record.get("not_kept", []))],
        ["new pairs this year", m.n_pairs - len(kept)],
    ]
    return [
        ("Participation", ["", label, "this year"], participation),
        ("Meetings and satisfaction", ["measure", label], meetings),
        ("Continue or change", ["pairs", "count"], changes),
    ]
