"""Exports of a result: a mail-merge CSV, JSON, and a self-contained HTML report.

Every file is written atomically (:mod:`mentormatch.io`): an interrupted export
leaves the previous file intact and no temporary file behind. No export ever
contains a sensitive attribute (gender, background): only ids, names, e-mails,
topics, scores, reasons and notes.
"""

from __future__ import annotations

import base64
import io
import re
import warnings
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mentormatch.errors import expect
from mentormatch.io import atomic_write_csv, atomic_write_text
from mentormatch.models import Cohort, History, MatchResult
from mentormatch.report._coverage import NOT_COVERED, NOT_OFFERED, topic_coverage_table
from mentormatch.report._demand import topic_demand
from mentormatch.report._guidelines import Guidelines
from mentormatch.report._history import year_over_year
from mentormatch.report._plots import plot_result, plot_topic_demand
from mentormatch.scoring import suggested_slots
from mentormatch.survey import ReadReport

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["IdNames", "MAIL_MERGE_COLUMNS", "mail_merge_records", "render_report", "write_json",
           "write_mail_merge", "write_report"]

#: Columns of the mail-merge CSV, in order (the first three are those of ``to_csv``).
MAIL_MERGE_COLUMNS: tuple[str, ...] = (
    "mentee", "mentor", "score", "mentee_name", "mentee_email", "mentor_name",
    "mentor_email", "shared_topics", "locked", "reasons", "suggested_slots", "guidelines",
)


def _cohort_of(result: MatchResult, cohort: Cohort | None) -> Cohort | None:
    return cohort if cohort is not None else result.cohort


def mail_merge_records(result: MatchResult, *, cohort: Cohort | None = None,
                       guidelines: Guidelines | None = None) -> list[dict[str, Any]]:
    """One flat dict per pair with names, e-mails and shared topics (see ``MAIL_MERGE_COLUMNS``).

    Names, e-mails and suggested first-meeting slots
    (:func:`~mentormatch.scoring.suggested_slots`) are blank when not known, or
    when neither ``cohort`` nor
    ``result.cohort`` is available (a result loaded from JSON). Every row
    carries the program's guidelines (:meth:`Guidelines.text`; the default
    :class:`Guidelines` when none are given).

    Examples
    --------
    >>> import mentormatch as mm
    >>> row = mail_merge_records(mm.match(mm.example_cohort()))[0]
    >>> row["mentee"], row["mentee_email"]
    ('new-01', 'sam.comeau@example.org')
    """
    expect(result, MatchResult, "mail_merge_records", "result")
    expect(cohort, Cohort, "mail_merge_records", "cohort=", optional=True)
    source = _cohort_of(result, cohort)
    people: dict[tuple[str, str], Any] = {}
    if source is not None:
        people.update({("e", p.id): p for p in source.mentees})
        people.update({("r", p.id): p for p in source.mentors})
    text = (guidelines or Guidelines()).text()
    rows = []
    for pair in result.pairs:
        mentee = people.get(("e", pair.mentee))
        mentor = people.get(("r", pair.mentor))
        slots = (suggested_slots(source.schedule, mentee, mentor)
                 if source is not None and mentee is not None and mentor is not None else ())
        shared = ([t for t in mentee.topics if t in mentor.topics]
                  if mentee is not None and mentor is not None else [])
        rows.append({
            "mentee": pair.mentee, "mentor": pair.mentor, "score": round(pair.score, 6),
            "mentee_name": (mentee.name or "") if mentee else "",
            "mentee_email": (mentee.email or "") if mentee else "",
            "mentor_name": (mentor.name or "") if mentor else "",
            "mentor_email": (mentor.email or "") if mentor else "",
            "shared_topics": "; ".join(shared), "locked": pair.locked,
            "reasons": "; ".join(pair.reasons), "suggested_slots": "; ".join(slots),
            "guidelines": text,
        })
    return rows


def write_mail_merge(result: MatchResult, path: str | Path, *,
                     cohort: Cohort | None = None, guidelines: Guidelines | None = None
                     ) -> Path:
    """Write one CSV row per pair, ready for a mail merge, atomically.

    Columns: mentee, mentor, score, mentee_name, mentee_email, mentor_name,
    mentor_email, shared_topics, locked, reasons, suggested_slots (lists
    joined by ``"; "``), guidelines (the program's text, the same on every row).

    Parameters
    ----------
    result : MatchResult
    path : str or Path
    cohort : Cohort, optional
        Where names and e-mails come from, if ``result`` carries no cohort.
    guidelines : Guidelines, optional
        The program's guidelines; the default :class:`Guidelines` when not given.

    Returns
    -------
    Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib, mentormatch as mm
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "pairs.csv"
    >>> mm.write_mail_merge(mm.match(mm.example_cohort()), out).read_text().split(",")[:3]
    ['mentee', 'mentor', 'score']
    """
    expect(result, MatchResult, "write_mail_merge", "result")
    expect(cohort, Cohort, "write_mail_merge", "cohort=", optional=True)
    return atomic_write_csv(path, MAIL_MERGE_COLUMNS,
                            mail_merge_records(result, cohort=cohort, guidelines=guidelines))


def write_json(result: MatchResult, path: str | Path, *, indent: int | None = 2) -> Path:
    """Write the result as JSON (``model_dump_json``), atomically.

    The cohort is not included (so no sensitive attribute leaves); reload with
    ``MatchResult.model_validate_json`` and pass the cohort to
    :func:`~mentormatch.rematch`.

    Examples
    --------
    >>> import tempfile, pathlib, mentormatch as mm
    >>> result = mm.match(mm.example_cohort())
    >>> out = mm.write_json(result, pathlib.Path(tempfile.mkdtemp()) / "result.json")
    >>> mm.MatchResult.model_validate_json(out.read_text()).pairs == result.pairs
    True
    """
    expect(result, MatchResult, "write_json", "result")
    return atomic_write_text(path, result.model_dump_json(indent=indent))


def _png_data_uri(fig: Figure) -> str:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        # An id the font cannot draw (a control character, an emoji) shows as a box in
        # the chart; the report's tables show it in full, so the warning is noise.
        warnings.filterwarnings("ignore", r"Glyph \d+ .* missing from font", UserWarning)
        fig.savefig(buf, format="png", dpi=100)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


#: Columns of free text: they keep a readable width and take what is left over.
_LONG = frozenset({"reasons", "shared topics", "reason", "why"})


def _table(header: list[str], rows: list[list[Any]], *, row_headers: bool = False) -> str:
    """Return a table whose header cells say what they head (``scope``) for screen readers.

    The table sits in a box that scrolls sideways on a screen too narrow for it
    (a phone), never on a desktop or on paper, where it fits.
    """
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in header)
    cls = [' class="long"' if h in _LONG else "" for h in header]
    body = "".join(
        "<tr>" + "".join(
            f'<th scope="row">{escape(_cell(v))}</th>' if row_headers and k == 0
            else f"<td{cls[k]}>{escape(_cell(v))}</td>"
            for k, v in enumerate(row)) + "</tr>"
        for row in rows)
    return (f'<div class="table"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
            "</table></div>")


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, bool):
        return "yes" if value else ""
    return str(value)


# Checked in a browser by tests/test_report_browser.py: every text colour on its background
# passes WCAG AA (4.5:1); nothing sticks out of a desktop window, a phone or an A4 page.
_CSS = """
html { color: #1a1a1a; background: #ffffff; }
body { font-family: system-ui, sans-serif; line-height: 1.4; margin: 1.5em auto;
       padding: 0 1em; max-width: 1200px; }
.table { overflow-x: auto; margin: 0.5em 0 1.5em; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #b3b3b3; padding: 0.3em 0.5em; text-align: left;
         vertical-align: top; }
td.long { overflow-wrap: break-word; min-width: 9em; }
th { background: #eeeeee; }
.who { color: #4d4d4d; }
img { max-width: 100%; height: auto; }
.note { background: #fff8e1; padding: 0.5em 1em; border-left: 4px solid #8a6d00; }
.meaning { background: #eef4fb; padding: 0.5em 1em; border-left: 4px solid #2b5d8a; }
@page { size: A4; margin: 15mm; }
@media print {
  body { margin: 0; padding: 0; max-width: none; font-size: 10pt; }
  .table { overflow-x: visible; }
  h2 { break-after: avoid; }
  tr, img, .note { break-inside: avoid; }
}
"""

#: What a pair's score means, said once above the pairs.
SCORE_MEANING = (
    "Score: how well the mentor fits what the mentee asked for, from 0 (nothing asked for "
    "is offered) to 1 (everything is): a weighted sum of the criteria the reasons name, "
    "topics asked and offered weighing most. Reasons list the strongest criterion first. "
    "Scores compare pairs of one match; they are not grades of people."
)


class IdNames:
    """Names of the people a text mentions by id (blank when a cohort gives none).

    What the HTML report and the command line show beside ids: a note reading
    ``mentor-03 supervises new-02`` is followed by who those two are.

    Examples
    --------
    >>> import mentormatch as mm
    >>> names = IdNames(mm.example_cohort())
    >>> names.name("new-01")
    'Dr. Sam Comeau'
    >>> names.who("mentor-03 supervises new-02")
    'mentor-03 is Dr. Jesse Cormier; new-02 is Dr. Devon Haddad'
    >>> names.labelled("new-01"), IdNames(None).labelled("new-01")
    ('new-01 (Dr. Sam Comeau)', 'new-01')
    """

    def __init__(self, cohort: Cohort | None) -> None:
        self.names: dict[str, str] = {}
        if cohort is not None:
            self.names = {p.id: p.name for p in (*cohort.mentees, *cohort.mentors) if p.name}
        # longest first, and never inside a longer id ("e1" is not found in "e10")
        ids = "|".join(re.escape(i) for i in sorted(self.names, key=len, reverse=True))
        self._ids = re.compile(rf"(?<![\w-])(?:{ids})(?![\w-])") if ids else None

    def name(self, ident: str) -> str:
        """Return the name of ``ident`` ('' when none is known)."""
        return self.names.get(ident, "")

    def labelled(self, ident: str) -> str:
        """Return ``ident`` with the name beside it, when one is known."""
        name = self.names.get(ident)
        return f"{ident} ({name})" if name else ident

    def who(self, text: str) -> str:
        """Return the people a text names by id, with their names: ``r2 is Dr. Lee``."""
        if self._ids is None:
            return ""
        found = dict.fromkeys(m.group(0) for m in self._ids.finditer(text))
        return "; ".join(f"{i} is {self.names[i]}" for i in found)


def _read(result: MatchResult) -> list[str]:
    """How the survey was read (kept in the provenance): its summary and every warning."""
    if result.provenance.read_report is None:
        return []
    read = ReadReport.model_validate(result.provenance.read_report)
    parts = ["<h2>How the survey was read</h2>", f"<p>{escape(read.summary)}.</p>"]
    rows = [[w.file, w.row if w.row is not None else "", w.column or "", w.message]
            for w in read.warnings]
    if rows:
        parts.append(_table(["file", "row", "column", "warning"], rows))
    return parts


def _notes(result: MatchResult, people: IdNames) -> list[str]:
    parts = []
    for note in result.notes:
        who = people.who(note)
        tail = f' <span class="who">({escape(who)})</span>' if who else ""
        parts.append(f'<p class="note">{escape(note)}{tail}</p>')
    return parts


def _pairs(result: MatchResult, source: Cohort | None) -> str:
    records = mail_merge_records(result, cohort=source)
    locked = ["locked"] if any(r["locked"] for r in records) else []  # a column, if any is
    slots = ["suggested_slots"] if any(r["suggested_slots"] for r in records) else []
    return _table(
        ["mentee id", "mentee name", "mentor id", "mentor name", "score", "shared topics",
         *locked, "reasons", *(["suggested first meetings"] if slots else [])],
        [[r["mentee"], r["mentee_name"], r["mentor"], r["mentor_name"], r["score"],
          r["shared_topics"], *(r[k] for k in locked), r["reasons"], *(r[k] for k in slots)]
         for r in records])


def _left_out(result: MatchResult, people: IdNames) -> list[str]:
    parts = ["<h2>Unmatched</h2>"]
    if result.unmatched:
        parts.append(_table(["mentee id", "mentee name", "reason"],
                            [[u.mentee, people.name(u.mentee), u.reason]
                             for u in result.unmatched]))
    else:
        parts.append("<p>Every mentee asking for a mentor has one.</p>")
    if result.shortfall:
        parts.append("<h2>Fewer mentors than asked</h2>")
        parts.append(_table(["mentee id", "mentee name", "asked", "given", "reason"],
                            [[s.mentee, people.name(s.mentee), s.asked, s.given, s.reason]
                             for s in result.shortfall]))
    if result.changes:
        parts.append("<h2>Changes</h2>")
        parts.append(_table(["change", "mentee id", "mentee name", "mentor id", "mentor name",
                             "why"],
                            [[c.action, c.mentee, people.name(c.mentee), c.mentor,
                              people.name(c.mentor), c.why] for c in result.changes]))
    return parts


def _metrics(result: MatchResult) -> str:
    m = result.metrics
    return _table(["measure", "value"], [
        ["pairs", m.n_pairs], ["mentees matched", f"{m.mentees_matched} / {m.mentees_asking}"],
        ["total score", m.total_score], ["mean score", m.mean_score],
        ["lowest score", m.min_score], ["topic coverage", f"{m.topic_coverage:.0%}"],
        *([["ranked choices", m.choices.summary()]] if m.choices is not None else []),
    ], row_headers=True)


def _coverage(result: MatchResult, source: Cohort | None, people: IdNames) -> list[str]:
    """One row per mentee asking for topics: covered (by whom), not covered, offered by no one."""
    if source is None:
        return []
    table = topic_coverage_table(result, source)
    if not table.rows:
        return []
    rows: list[list[Any]] = []
    for mentee in dict.fromkeys(r.mentee for r in table.rows):
        mine = table.of(mentee)
        covered = "; ".join(f"{r.topic} ({', '.join(r.covered_by)})" for r in mine
                            if r.covered_by)
        missed = "; ".join(r.topic for r in mine if r.status == NOT_COVERED)
        nobody = "; ".join(r.topic for r in mine if r.status == NOT_OFFERED)
        rows.append([mentee, people.name(mentee), covered, missed, nobody])
    return ["<h2>Topics covered per mentee</h2>",
            '<p class="meaning">Each topic a mentee asked for, and which of their mentors '
            "offer it; a topic is not covered when no mentor of theirs offers it, and offered "
            "by no one when no mentor in the cohort does.</p>",
            _table(["mentee id", "mentee name", "covered (by)", "not covered",
                    "offered by no one"], rows)]


def _supply(source: Cohort | None, figures: bool) -> list[str]:
    if source is None:
        return []
    parts = [] if figures else ["<h2>Topic supply and demand</h2>"]
    table = topic_demand(source)
    parts.append(_table(
        ["topic", "mentees asking", "mentors offering", "places offered", "shortfall"],
        [[t.topic, t.mentees_asking, t.mentors_offering, t.capacity_offered, t.shortfall]
         for t in table.topics], row_headers=True))
    return parts


def _history_section(history: History | None, result: MatchResult) -> list[str]:
    if history is None:
        return []
    parts = [f"<h2>Year over year: {escape(history.label)} and this year</h2>"]
    for caption, header, rows in year_over_year(history, result):
        parts.append(f"<h3>{escape(caption)}</h3>")
        parts.append(_table(header, rows, row_headers=True))
    return parts


def render_report(result: MatchResult, *, cohort: Cohort | None = None,
                  figures: bool = True, title: str = "Mentorship match report",
                  guidelines: Guidelines | None = None,
                  history: History | None = None) -> str:
    """Return the HTML report of a result as one self-contained string.

    See :func:`write_report`.

    Examples
    --------
    >>> import mentormatch as mm
    >>> html = render_report(mm.match(mm.example_cohort()), figures=False)
    >>> html.startswith("<!DOCTYPE html>"), "<td>Dr. Sam Comeau</td>" in html
    (True, True)
    """
    expect(result, MatchResult, "render_report", "result")
    expect(cohort, Cohort, "render_report", "cohort=", optional=True)
    source = _cohort_of(result, cohort)
    people = IdNames(source)
    m = result.metrics
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>{escape(title)}</h1>",
        f"<p>{m.n_pairs} pairs; {m.mentees_matched} of {m.mentees_asking} mentees matched; "
        f"solver <code>{escape(result.provenance.solver)}</code>; mentormatch "
        f"{escape(result.provenance.library_version)}.</p>",
    ]
    parts.extend(_read(result))
    if result.notes:
        parts.append("<h2>Notes</h2>")
        parts.extend(_notes(result, people))
    if result.provenance.must_haves:
        parts.append("<h2>Must-haves</h2>")
        parts.append('<p class="meaning">Hard rules: no pair breaking one was made.</p>')
        parts.append(_table(["rule"], [[rule] for rule in result.provenance.must_haves]))
    parts.append("<h2>Pairs</h2>")
    parts.append(f'<p class="meaning">{escape(SCORE_MEANING)}</p>')
    parts.append(_pairs(result, source))
    parts.extend(_left_out(result, people))
    parts.extend(_coverage(result, source, people))
    parts.extend(_history_section(history, result))
    parts.append("<h2>Metrics</h2>")
    parts.append(_table(["measure", "value"], [
        ["pairs", m.n_pairs], ["mentees matched", f"{m.mentees_matched} / {m.mentees_asking}"],
        ["total score", m.total_score], ["mean score", m.mean_score],
        ["lowest score", m.min_score], ["topic coverage", f"{m.topic_coverage:.0%}"],
        *([["ranked choices", m.choices.summary()]] if m.choices is not None else []),
    ]))
    if figures:
        parts.append("<h2>Scores and mentor loads</h2>")
        parts.append(f'<img alt="Histogram of pair scores and bar chart of mentees per mentor '
                     f'against capacity" src="{_png_data_uri(plot_result(result))}">')
        if source is not None:
            parts.append("<h2>Topic supply and demand</h2>")
            parts.append(f'<img alt="Bar charts of mentors offering and mentees asking for '
                         f'each topic" src="{_png_data_uri(plot_topic_demand(source))}">')
    parts.extend(_supply(source, figures))
    parts.append((guidelines or Guidelines()).html())
    parts.append("</main></body></html>")
    return "\n".join(parts)


def write_report(result: MatchResult, path: str | Path, *, cohort: Cohort | None = None,
                 figures: bool = True, title: str = "Mentorship match report",
                 guidelines: Guidelines | None = None,
                 history: History | None = None) -> Path:
    """Write a self-contained HTML report of a result, atomically.

    The report says how the survey was read (the read report's summary and
    warnings, when the result keeps it), then holds the pairs with ids and
    names, shared topics and reasons and suggested first-meeting slots, under
    a line saying what the score means; who is unmatched or short of mentors
    and why; per mentee, the asked topics their mentors cover (and by whom),
    those they do not and those nobody in the cohort offers; the result's
    notes (with the names of the people
    they mention by id) and changes; the metrics; topic supply and demand; and
    the figures as embedded PNG images (no external file or link); and the
    program's guidelines (the default :class:`Guidelines` when none are given), so it can be
    opened or forwarded as is. It fits a phone, a desktop and an A4 page, and
    its tables have header cells with ``scope`` for screen readers. All text is
    HTML-escaped. Gender and background never appear.

    Parameters
    ----------
    result : MatchResult
    path : str or Path
    cohort : Cohort, optional
        Names and topic supply come from it when ``result`` carries no cohort.
    figures : bool, default=True
        Embed figures (needs matplotlib, the ``report`` extra).
    title : str, default="Mentorship match report"
    guidelines : Guidelines, optional
        The program's guidelines, shown at the end.
    history : History, optional
        Last year's pairs and follow-up: adds a year-over-year section
        (participation, meetings, satisfaction, continue or change; counts
        only, never a release reason).

    Returns
    -------
    Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib, mentormatch as mm
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "report.html"
    >>> text = mm.write_report(mm.match(mm.example_cohort()), out).read_text()
    >>> "data:image/png;base64," in text
    True
    """
    expect(result, MatchResult, "write_report", "result")
    expect(cohort, Cohort, "write_report", "cohort=", optional=True)
    return atomic_write_text(path, render_report(result, cohort=cohort, figures=figures,
                                                 title=title, guidelines=guidelines,
                                                 history=history))
