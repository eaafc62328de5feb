"""What reading a survey did: :class:`ReadReport`, one entry per default, mapping or guess.

A report lists, for each file, the rows read and the people they became, the
column each field was read from, and every answer that was not taken as
written: a default applied, an answer mapped or decoded, a multi-select split,
a name resolved, a row skipped or merged. Entries are ``info`` (the schema
said so) or ``warning`` (the reader had to assume something);
``read_survey(..., strict=True)`` refuses every warning.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict

from mentormatch.errors import SurveyProblem

__all__ = ["Level", "ReadEntry", "ReadReport", "rows_text"]

Level = Literal["info", "warning"]


class ReadEntry(BaseModel):
    """One thing the reader did with a file, row or column.

    Parameters
    ----------
    level : {"info", "warning"}
        ``warning`` when the reader assumed something the schema does not state.
    topic : str
        What kind of step: ``default``, ``mapped``, ``decoded``, ``split``,
        ``name``, ``topic``, ``skipped``, ``merged``, ``not matched``, ``column``.
    file, row, column, message, unit
        Where, as in :class:`~mentormatch.SurveyProblem`, and what.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    level: Level
    topic: str
    file: str
    row: int | None = None
    column: str | None = None
    message: str
    unit: str = "row"

    def problem(self) -> SurveyProblem:
        """Return this entry as a problem (what ``strict=True`` raises)."""
        return SurveyProblem(self.file, self.row, self.column, f"{self.topic}: {self.message}",
                             self.unit)


class ReadReport(BaseModel):
    """What :func:`~mentormatch.read_survey` read, and every step that was not verbatim.

    Shows as a table in a notebook (``_repr_html_``) and as text (``str``).
    Entries that differ only by row are shown once, with their rows.

    Parameters
    ----------
    files : tuple of str
        The files read, in order.
    rows : dict of str to int
        Answer rows read per file (before skipping and merging).
    mentees, mentors : int
        People in the cohort.
    columns : dict of str to dict of str to str
        Per file, each schema field and the column it was read from.
    entries : tuple of ReadEntry

    Examples
    --------
    >>> report = ReadReport(files=("s.csv",), rows={"s.csv": 2}, mentees=1, mentors=1,
    ...                     entries=(ReadEntry(level="warning", topic="default",
    ...                                        file="s.csv", row=3, column="Capacity",
    ...                                        message="blank: capacity 1"),))
    >>> print(report)  # doctest: +NORMALIZE_WHITESPACE
    s.csv: 2 rows -> 1 mentee, 1 mentor; 1 warning
    level    topic    file   column    rows  message
    WARNING  default  s.csv  Capacity  3     blank: capacity 1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    files: tuple[str, ...]
    rows: dict[str, int]
    mentees: int
    mentors: int
    columns: dict[str, dict[str, str]] = {}
    entries: tuple[ReadEntry, ...] = ()

    @property
    def warnings(self) -> tuple[ReadEntry, ...]:
        """Entries at level ``warning``."""
        return tuple(e for e in self.entries if e.level == "warning")

    def find(self, topic: str | None = None, *, level: Level | None = None,
             column: str | None = None) -> tuple[ReadEntry, ...]:
        """Return the entries of one topic, level and/or column.

        Examples
        --------
        >>> ReadReport(files=(), rows={}, mentees=0, mentors=0).find("default")
        ()
        """
        return tuple(e for e in self.entries if (topic is None or e.topic == topic)
                     and (level is None or e.level == level)
                     and (column is None or e.column == column))

    @property
    def summary(self) -> str:
        """One line: rows read, people, warnings."""
        rows = sum(self.rows.values())
        where = ", ".join(self.files) or "survey"
        n = len(self.warnings)
        return (f"{where}: {rows} row{'s' if rows != 1 else ''} -> {_people(self)}; "
                f"{n} warning{'s' if n != 1 else ''}")

    def table(self) -> list[tuple[str, str, str, str, str, str]]:
        """Rows of the report table: level, topic, file, column, rows, message."""
        groups: dict[tuple[str, str, str, str, str, str], list[int]] = {}
        for e in self.entries:
            k = (e.level, e.topic, e.file, e.column or "", e.unit, e.message)
            groups.setdefault(k, [])
            if e.row is not None:
                groups[k].append(e.row)
        out = []
        for (level, topic, file, column, unit, message), rows in groups.items():
            shown = rows_text(rows) if unit == "row" or not rows else f"{unit}s {rows_text(rows)}"
            out.append((level.upper() if level == "warning" else level, topic, file, column,
                        shown, message))
        return out

    def __str__(self) -> str:
        lines = [self.summary]
        for file, used in self.columns.items():
            if used:
                lines.append(f"columns of {file}: " + "; ".join(
                    f"{field} <- {column!r}" for field, column in used.items()))
        rows = self.table()
        if rows:
            head = ("level", "topic", "file", "column", "rows", "message")
            widths = [max(len(r[k]) for r in [head, *rows]) for k in range(5)]
            for r in [head, *rows]:
                cells = [c.ljust(w) for c, w in zip(r[:5], widths, strict=True)]
                lines.append("  ".join([*cells, r[5]]).rstrip())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        parts = [f"<div><p><b>Read report</b>: {esc(self.summary)}</p>"]
        for file, used in self.columns.items():
            if used:
                parts.append(f"<p><small>Columns of {esc(file)}: " + "; ".join(
                    f"{esc(f)} &larr; <code>{esc(c)}</code>" for f, c in used.items())
                    + "</small></p>")
        rows = self.table()
        if rows:
            parts.append("<table><thead><tr>" + "".join(
                f"<th style='text-align:left'>{h}</th>" for h in
                ("level", "topic", "file", "column", "rows", "message")) + "</tr></thead><tbody>")
            for r in rows:
                style = " style='background:#fff3cd'" if r[0] == "WARNING" else ""
                parts.append(f"<tr{style}>" + "".join(
                    f"<td style='text-align:left'>{esc(c)}</td>" for c in r) + "</tr>")
            parts.append("</tbody></table>")
        parts.append("</div>")
        return "".join(parts)

    def to_records(self) -> list[dict[str, object]]:
        """Return the entries as dicts (``pandas.DataFrame(report.to_records())``).

        Examples
        --------
        >>> ReadReport(files=(), rows={}, mentees=0, mentors=0).to_records()
        []
        """
        return [e.model_dump() for e in self.entries]

    def problems(self) -> list[SurveyProblem]:
        """Return every warning as a problem, as ``strict=True`` raises them."""
        return [e.problem() for e in self.warnings]

    def combined(self, other: ReadReport) -> ReadReport:
        """Return one report of both reads (a survey, then an org chart applied to it).

        Examples
        --------
        >>> a = ReadReport(files=("s.csv",), rows={"s.csv": 2}, mentees=1, mentors=1)
        >>> b = ReadReport(files=("org.csv",), rows={"org.csv": 3}, mentees=1, mentors=1)
        >>> a.combined(b).summary
        's.csv, org.csv: 5 rows -> 1 mentee, 1 mentor; 0 warnings'
        """
        return ReadReport(files=tuple(dict.fromkeys((*self.files, *other.files))),
                          rows={**self.rows, **other.rows}, mentees=other.mentees,
                          mentors=other.mentors, columns={**self.columns, **other.columns},
                          entries=(*self.entries, *other.entries))


def _people(report: ReadReport) -> str:
    e, r = report.mentees, report.mentors
    return f"{e} mentee{'s' if e != 1 else ''}, {r} mentor{'s' if r != 1 else ''}"


def rows_text(rows: Iterable[int]) -> str:
    """Compress row numbers: ``[2, 3, 4, 7]`` -> ``'2-4, 7'``.

    Examples
    --------
    >>> rows_text([7, 2, 3, 4, 4])
    '2-4, 7'
    """
    numbers = sorted(set(rows))
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)
