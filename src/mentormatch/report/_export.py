"""Exports of a result: a mail-merge CSV, JSON, and a self-contained HTML report.

Every file is written atomically (:mod:`mentormatch.io`): an interrupted export
leaves the previous file intact and no temporary file behind. No export ever
contains a sensitive attribute (gender, background): only ids, names, e-mails,
topics, scores, reasons and notes.
"""

from __future__ import annotations

import base64
import io
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mentormatch.io import atomic_write_csv, atomic_write_text
from mentormatch.models import Cohort, MatchResult
from mentormatch.report._demand import topic_demand
from mentormatch.report._plots import plot_result, plot_topic_demand

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["MAIL_MERGE_COLUMNS", "mail_merge_records", "render_report", "write_json",
           "write_mail_merge", "write_report"]

#: Columns of the mail-merge CSV, in order (the first three are those of ``to_csv``).
MAIL_MERGE_COLUMNS: tuple[str, ...] = (
    "mentee", "mentor", "score", "mentee_name", "mentee_email", "mentor_name",
    "mentor_email", "shared_topics", "locked", "reasons",
)


def _cohort_of(result: MatchResult, cohort: Cohort | None) -> Cohort | None:
    return cohort if cohort is not None else result.cohort


def mail_merge_records(result: MatchResult, *,
                       cohort: Cohort | None = None) -> list[dict[str, Any]]:
    """One flat dict per pair with names, e-mails and shared topics (see ``MAIL_MERGE_COLUMNS``).

    Names and e-mails are blank when not given, or when neither ``cohort`` nor
    ``result.cohort`` is available (a result loaded from JSON).

    Examples
    --------
    >>> import mentormatch as mm
    >>> row = mail_merge_records(mm.match(mm.example_cohort()))[0]
    >>> row["mentee"], row["mentee_email"]
    ('new-01', 'sam.comeau@example.org')
    """
    source = _cohort_of(result, cohort)
    people: dict[tuple[str, str], Any] = {}
    if source is not None:
        people.update({("e", p.id): p for p in source.mentees})
        people.update({("r", p.id): p for p in source.mentors})
    rows = []
    for pair in result.pairs:
        mentee = people.get(("e", pair.mentee))
        mentor = people.get(("r", pair.mentor))
        shared = ([t for t in mentee.topics if t in mentor.topics]
                  if mentee is not None and mentor is not None else [])
        rows.append({
            "mentee": pair.mentee, "mentor": pair.mentor, "score": round(pair.score, 6),
            "mentee_name": (mentee.name or "") if mentee else "",
            "mentee_email": (mentee.email or "") if mentee else "",
            "mentor_name": (mentor.name or "") if mentor else "",
            "mentor_email": (mentor.email or "") if mentor else "",
            "shared_topics": "; ".join(shared), "locked": pair.locked,
            "reasons": "; ".join(pair.reasons),
        })
    return rows


def write_mail_merge(result: MatchResult, path: str | Path, *,
                     cohort: Cohort | None = None) -> Path:
    """Write one CSV row per pair, ready for a mail merge, atomically.

    Columns: mentee, mentor, score, mentee_name, mentee_email, mentor_name,
    mentor_email, shared_topics, locked, reasons (lists joined by ``"; "``).

    Parameters
    ----------
    result : MatchResult
    path : str or Path
    cohort : Cohort, optional
        Where names and e-mails come from, if ``result`` carries no cohort.

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
    return atomic_write_csv(path, MAIL_MERGE_COLUMNS, mail_merge_records(result, cohort=cohort))


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
    return atomic_write_text(path, result.model_dump_json(indent=indent))


def _png_data_uri(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _table(header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(_cell(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, bool):
        return "yes" if value else ""
    return str(value)


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 1200px; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
img { max-width: 100%; }
.note { background: #fff8e1; padding: 0.5em 1em; border-left: 4px solid #f0b400; }
"""


def render_report(result: MatchResult, *, cohort: Cohort | None = None,
                  figures: bool = True, title: str = "Mentorship match report") -> str:
    """Return the HTML report of a result as one self-contained string.

    See :func:`write_report`.

    Examples
    --------
    >>> import mentormatch as mm
    >>> html = render_report(mm.match(mm.example_cohort()), figures=False)
    >>> html.startswith("<!DOCTYPE html>"), "new-01" in html
    (True, True)
    """
    source = _cohort_of(result, cohort)
    names: dict[str, str] = {}
    if source is not None:
        names = {p.id: p.name or "" for p in (*source.mentees, *source.mentors)}
    m = result.metrics
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>{m.n_pairs} pairs; {m.mentees_matched} of {m.mentees_asking} mentees matched; "
        f"solver <code>{escape(result.provenance.solver)}</code>; mentormatch "
        f"{escape(result.provenance.library_version)}.</p>",
    ]
    if result.notes:
        parts.append("<h2>Notes</h2>")
        parts.extend(f'<p class="note">{escape(n)}</p>' for n in result.notes)
    parts.append("<h2>Pairs</h2>")
    records = mail_merge_records(result, cohort=source)
    parts.append(_table(
        ["mentee", "name", "mentor", "name", "score", "shared topics", "locked", "reasons"],
        [[r["mentee"], r["mentee_name"], r["mentor"], r["mentor_name"], r["score"],
          r["shared_topics"], r["locked"], r["reasons"]] for r in records],
    ))
    parts.append("<h2>Unmatched</h2>")
    if result.unmatched:
        parts.append(_table(["mentee", "name", "reason"],
                            [[u.mentee, names.get(u.mentee, ""), u.reason]
                             for u in result.unmatched]))
    else:
        parts.append("<p>Every mentee asking for a mentor has one.</p>")
    if result.shortfall:
        parts.append("<h2>Fewer mentors than asked</h2>")
        parts.append(_table(["mentee", "name", "asked", "given", "reason"],
                            [[s.mentee, names.get(s.mentee, ""), s.asked, s.given, s.reason]
                             for s in result.shortfall]))
    if result.changes:
        parts.append("<h2>Changes</h2>")
        parts.append(_table(["change", "mentee", "mentor", "why"],
                            [[c.action, c.mentee, c.mentor, c.why] for c in result.changes]))
    parts.append("<h2>Metrics</h2>")
    parts.append(_table(["measure", "value"], [
        ["pairs", m.n_pairs], ["mentees matched", f"{m.mentees_matched} / {m.mentees_asking}"],
        ["total score", m.total_score], ["mean score", m.mean_score],
        ["lowest score", m.min_score], ["topic coverage", f"{m.topic_coverage:.0%}"],
    ]))
    if figures:
        parts.append("<h2>Scores and mentor loads</h2>")
        parts.append(f'<img alt="pair scores and mentor loads" '
                     f'src="{_png_data_uri(plot_result(result))}">')
        if source is not None:
            parts.append("<h2>Topic supply and demand</h2>")
            parts.append(f'<img alt="topic supply and demand" '
                         f'src="{_png_data_uri(plot_topic_demand(source))}">')
    if source is not None:
        if not figures:
            parts.append("<h2>Topic supply and demand</h2>")
        table = topic_demand(source)
        parts.append(_table(
            ["topic", "mentees asking", "mentors offering", "places offered", "shortfall"],
            [[t.topic, t.mentees_asking, t.mentors_offering, t.capacity_offered, t.shortfall]
             for t in table.topics]))
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(result: MatchResult, path: str | Path, *, cohort: Cohort | None = None,
                 figures: bool = True, title: str = "Mentorship match report") -> Path:
    """Write a self-contained HTML report of a result, atomically.

    The report holds the pairs with names, shared topics and reasons; who is
    unmatched or short of mentors and why; the result's notes and changes; the
    metrics; topic supply and demand; and the figures as embedded PNG images
    (no external file or link), so it can be opened or forwarded as is. All
    text is HTML-escaped. Gender and background never appear.

    Parameters
    ----------
    result : MatchResult
    path : str or Path
    cohort : Cohort, optional
        Names and topic supply come from it when ``result`` carries no cohort.
    figures : bool, default=True
        Embed figures (needs matplotlib, the ``report`` extra).
    title : str, default="Mentorship match report"

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
    return atomic_write_text(path, render_report(result, cohort=cohort, figures=figures,
                                                 title=title))
