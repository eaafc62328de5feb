"""Program guidelines, carried into every export, and a per-pair mentorship agreement.

The pilot's participants asked for brief, flexible guidelines, a mentorship
agreement, roles and responsibilities, meetings in work hours on protected
time, and a clear, no-fault way to change mentor. :class:`Guidelines` holds
that text (defaults drawn from the study's recommendations; the director
replaces any part); :func:`render_agreement` fills one pair's agreement page
with their shared topics, suggested first-meeting slots and the guidelines;
:func:`write_agreements` writes every pair's page, all files or none.

Guideline texts are plain text: a blank line separates paragraphs and a line
starting with ``"- "`` is a bullet. Nothing else is interpreted, so the HTML
form escapes every character a director writes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from mentormatch.errors import ExportError, InvalidInputError, UnknownIdError, expect
from mentormatch.io import write_text_files
from mentormatch.models import (
    Cohort,
    MatchResult,
    Mentee,
    Mentor,
    Pair,
    Schedule,
    ValidatedModel,
)
from mentormatch.scoring import suggested_slots

__all__ = ["Guidelines", "agreement_file_name", "agreement_pages", "make_folder",
           "render_agreement", "write_agreements"]

Text = Annotated[str, Field(min_length=1)]


class Guidelines(ValidatedModel):
    """The program's guidelines: what every pair reads in the mail merge, report and agreement.

    Every field has a default drawn from the pilot study's recommendations;
    replace any of them (``Guidelines(meetings="...")``). Texts are plain:
    blank lines separate paragraphs, lines starting with ``"- "`` are bullets.

    Parameters
    ----------
    program : str, default="Faculty mentorship program"
    overview : str
        What the program is for and how the guidelines are meant (brief, flexible).
    meetings : str
        The meeting expectations: work hours, protected time, how often, how.
    roles : str
        Roles and responsibilities of mentee and mentor.
    change_mentor : str
        How to change mentor, without fault and without giving reasons.
    contact : str, default="the program director"
        Who to write to (a name, an e-mail address).

    Examples
    --------
    >>> g = Guidelines(contact="mentorship@example.org")
    >>> "work hours" in g.meetings, "mentorship@example.org" in g.text()
    (True, True)
    """

    program: Text = "Faculty mentorship program"
    overview: Text = (
        "Mentorship here is non-supervisory, confidential and built on trust. These "
        "guidelines are brief on purpose: they support your relationship, they do not "
        "script it. Adapt them together as your needs change over the year.")
    meetings: Text = (
        "- Meet during work hours, on protected time: mentorship is part of your work, not "
        "something for evenings or weekends.\n"
        "- The mentee contacts the mentor within two weeks to set up a first meeting; the "
        "suggested slots are times you are both free.\n"
        "- At the first meeting, agree how often you will meet (monthly is a common start), "
        "how (in person, video or phone) and what you will talk about.\n"
        "- Meetings often become less frequent as the mentee settles in; that is expected.")
    roles: Text = (
        "- Mentee: leads the relationship, proposes topics and goals, and prepares for "
        "meetings.\n"
        "- Mentor: listens, shares experience and advice, and opens doors (introductions, "
        "opportunities: sponsorship), without supervising or evaluating.\n"
        "- Both: keep what is said confidential, keep appointments, and say early when "
        "something is not working.")
    change_mentor: Text = (
        "Either of you can ask for a change at any time, for any reason or none. It is "
        "no-fault: write to {contact}, who arranges a new match without asking why and "
        "without recording a reason. Nobody else is told more than that the pair changed.")
    contact: Text = "the program director"

    def _filled(self, text: str) -> str:
        return text.replace("{contact}", self.contact)

    def sections(self) -> tuple[tuple[str, str], ...]:
        """Return ``(heading, text)`` of each section, the contact filled in."""
        return (("About the program", self._filled(self.overview)),
                ("Meeting expectations", self._filled(self.meetings)),
                ("Roles and responsibilities", self._filled(self.roles)),
                ("Changing mentor", self._filled(self.change_mentor)))

    def text(self) -> str:
        """Return the guidelines as plain text (Markdown headings), as the mail merge holds them.

        Examples
        --------
        >>> Guidelines().text().splitlines()[0]
        '# Faculty mentorship program: guidelines'
        """
        parts = [f"# {self.program}: guidelines"]
        parts += [f"## {heading}\n\n{body}" for heading, body in self.sections()]
        return "\n\n".join(parts)

    def html(self) -> str:
        """Return the guidelines as an HTML fragment, every character of the text escaped."""
        parts = [f"<h2>{escape(self.program)}: guidelines</h2>"]
        for heading, body in self.sections():
            parts.append(f"<h3>{escape(heading)}</h3>")
            parts.append(blocks_html(body))
        return "\n".join(parts)


def blocks_html(text: str) -> str:
    r"""Render plain guideline text as HTML: paragraphs and bulleted lists, all escaped.

    Examples
    --------
    >>> blocks_html("Hi <you>\n\n- one\n- two")
    '<p>Hi &lt;you&gt;</p>\n<ul><li>one</li><li>two</li></ul>'
    """
    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines and all(line.startswith("- ") for line in lines):
            out.append("<ul>" + "".join(f"<li>{escape(line[2:])}</li>" for line in lines)
                       + "</ul>")
        else:
            out.append(f"<p>{escape(' '.join(lines))}</p>")
    return "\n".join(out)


def _who(person_id: str, name: str | None) -> str:
    return f"{name} ({person_id})" if name else person_id


def _agreement_sections(pair: Pair, e: Mentee, r: Mentor, schedule: Schedule | None,
                        guidelines: Guidelines) -> tuple[str, list[tuple[str, str]]]:
    shared = [t for t in e.topics if t in r.topics]
    others = [t for t in e.topics if t not in r.topics]
    slots = suggested_slots(schedule, e, r)
    title = f"Mentorship agreement: {_who(e.id, e.name)} and {_who(r.id, r.name)}"
    topics = "- Shared topics: " + (", ".join(shared) or "none listed; agree on them together")
    if others:
        topics += "\n- Also asked for by the mentee: " + ", ".join(others)
    if pair.reasons:
        topics += "\n- Why this pair: " + "; ".join(pair.reasons)
    when = ("Suggested first-meeting slots, within work hours, when you are both free:\n\n"
            + "\n".join(f"- {s}" for s in slots) if slots else
            "No common free slot is on record: agree on a time within work hours when you "
            "first meet.")
    agreed = ("- We will meet every ____ weeks, for about ____ minutes.\n"
              "- We will meet by: in person / video / phone (circle).\n"
              "- Our first goals: ____________________.\n"
              "- We will review this agreement on: ____________.")
    sign = (f"- Mentee, {_who(e.id, e.name)}: ____________________  Date: ________\n"
            f"- Mentor, {_who(r.id, r.name)}: ____________________  Date: ________")
    heads = dict(guidelines.sections())
    return title, [
        ("Program", f"{guidelines.program}. {heads['About the program']}"),
        ("What you will work on", topics),
        ("When you will meet", when),
        ("Meeting expectations", heads["Meeting expectations"]),
        ("What we agree", agreed),
        ("Roles and responsibilities", heads["Roles and responsibilities"]),
        ("Changing mentor", heads["Changing mentor"]),
        ("Signatures", sign),
    ]


def render_agreement(result: MatchResult, mentee: str, mentor: str, *,
                     cohort: Cohort | None = None, guidelines: Guidelines | None = None,
                     format: Literal["markdown", "html"] = "markdown") -> str:
    """Return one pair's mentorship agreement page, in Markdown or as standalone HTML.

    The page holds the pair's shared topics and reasons, suggested first-meeting
    slots within work hours, the meeting expectations, blanks for what the pair
    agrees, roles and responsibilities, and how to change mentor (no-fault).
    Names and ids only: no sensitive attribute, no score.

    Parameters
    ----------
    result : MatchResult
    mentee, mentor : str
        The pair's ids.
    cohort : Cohort, optional
        Where people come from, when ``result`` carries no cohort.
    guidelines : Guidelines, optional
        The program's text; the default :class:`Guidelines` when not given.
    format : {"markdown", "html"}, default="markdown"

    Raises
    ------
    UnknownIdError
        When the pair is not in ``result``.
    InvalidInputError
        When no cohort is available, or ``format`` is unknown.

    Examples
    --------
    >>> import mentormatch as mm
    >>> result = mm.match(mm.example_cohort())
    >>> page = render_agreement(result, result.pairs[0].mentee, result.pairs[0].mentor)
    >>> page.splitlines()[0]
    '# Mentorship agreement: Dr. Sam Comeau (new-01) and Dr. Remy Jodrey (mentor-12)'
    """
    expect(result, MatchResult, "render_agreement", "result")
    expect(cohort, Cohort, "render_agreement", "cohort=", optional=True)
    source = cohort if cohort is not None else result.cohort
    if source is None:
        raise InvalidInputError("an agreement needs the cohort: pass cohort= (this result "
                                "was loaded without one)")
    if format not in ("markdown", "html"):
        raise InvalidInputError(f"format is 'markdown' or 'html', not {format!r}")
    pair = next((p for p in result.pairs if (p.mentee, p.mentor) == (mentee, mentor)), None)
    if pair is None:
        raise UnknownIdError(f"({mentee!r}, {mentor!r}) is not a pair of this result")
    return _page(*_agreement_sections(pair, source.mentee(mentee), source.mentor(mentor),
                                      source.schedule, guidelines or Guidelines()), format)


def _page(title: str, sections: list[tuple[str, str]],
          format: Literal["markdown", "html"]) -> str:
    if format == "markdown":
        return "\n\n".join([f"# {title}", *(f"## {h}\n\n{b}" for h, b in sections)]) + "\n"
    body = "\n".join(f"<h2>{escape(h)}</h2>\n{blocks_html(b)}" for h, b in sections)
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title>"
            "<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;"
            "padding:0 1rem;line-height:1.5}</style></head><body><main>\n"
            f"<h1>{escape(title)}</h1>\n{body}\n</main></body></html>\n")


def agreement_file_name(k: int, mentee: str, mentor: str, suffix: str) -> str:
    """Return a safe, unique file name for the ``k``-th pair's agreement.

    Examples
    --------
    >>> agreement_file_name(0, "e1", "Dr/Who?", ".md")
    'agreement-001-e1-Dr_Who_.md'
    """
    def safe(ident: str) -> str:
        return re.sub(r"[^A-Za-z0-9._-]", "_", ident)[:40].lstrip(".") or "_"

    return f"agreement-{k + 1:03d}-{safe(mentee)}-{safe(mentor)}{suffix}"


Formats = Sequence[Literal["markdown", "html"]]


def agreement_pages(result: MatchResult, directory: str | Path, *,
                    cohort: Cohort | None = None, guidelines: Guidelines | None = None,
                    formats: Formats = ("markdown",)) -> dict[Path, str]:
    """Return every pair's agreement page by the path :func:`write_agreements` gives it.

    Examples
    --------
    >>> import mentormatch as mm
    >>> pages = agreement_pages(mm.match(mm.example_cohort()), "out", formats=["html"])
    >>> str(next(iter(pages)))
    'out/agreement-001-new-01-mentor-12.html'
    """
    if not formats or any(f not in ("markdown", "html") for f in formats):
        raise InvalidInputError(f"formats are 'markdown' and/or 'html', got {list(formats)!r}")
    source = cohort if cohort is not None else result.cohort
    if source is None and result.pairs:
        raise InvalidInputError("agreements need the cohort: pass cohort= (this result "
                                "was loaded without one)")
    folder = Path(directory)
    pages: dict[Path, str] = {}
    if source is None:
        return pages
    mentees = {p.id: p for p in source.mentees}
    mentors = {p.id: p for p in source.mentors}
    for k, pair in enumerate(result.pairs):
        if pair.mentee not in mentees or pair.mentor not in mentors:
            raise UnknownIdError(f"pair ({pair.mentee!r}, {pair.mentor!r}) names someone not "
                                 "in the cohort")
        sections = _agreement_sections(pair, mentees[pair.mentee], mentors[pair.mentor],
                                       source.schedule, guidelines or Guidelines())
        for fmt in dict.fromkeys(formats):
            name = agreement_file_name(k, pair.mentee, pair.mentor,
                                       ".md" if fmt == "markdown" else ".html")
            pages[folder / name] = _page(*sections, fmt)
    return pages


def make_folder(directory: str | Path) -> Path:
    """Create ``directory`` (and its parents) if needed; :class:`ExportError` if it cannot be."""
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create the folder {folder}: {exc.strerror or exc}") from None
    return folder


def write_agreements(result: MatchResult, directory: str | Path, *,
                     cohort: Cohort | None = None, guidelines: Guidelines | None = None,
                     formats: Formats = ("markdown",)) -> list[Path]:
    """Write one agreement page per pair into ``directory``, all files or none.

    Files are named ``agreement-001-<mentee>-<mentor>.md`` (and ``.html``) in
    the order of ``result.pairs``; characters other than letters, digits,
    ``.``, ``_`` and ``-`` in ids become ``_``. The directory is created if
    needed; files are written through :func:`mentormatch.io.write_files`.

    Parameters
    ----------
    result : MatchResult
    directory : str or Path
    cohort : Cohort, optional
        Where people come from, when ``result`` carries no cohort.
    guidelines : Guidelines, optional
        The program's text; the default :class:`Guidelines` when not given.
    formats : sequence of {"markdown", "html"}, default=("markdown",)

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> import tempfile, pathlib, mentormatch as mm
    >>> result = mm.match(mm.example_cohort())
    >>> paths = mm.write_agreements(result, pathlib.Path(tempfile.mkdtemp()) / "agreements")
    >>> len(paths) == len(result.pairs), paths[0].suffix
    (True, '.md')
    """
    expect(result, MatchResult, "write_agreements", "result")
    expect(cohort, Cohort, "write_agreements", "cohort=", optional=True)
    pages = agreement_pages(result, directory, cohort=cohort, guidelines=guidelines,
                            formats=formats)
    if not pages:
        return []
    make_folder(directory)
    return write_text_files(pages)
