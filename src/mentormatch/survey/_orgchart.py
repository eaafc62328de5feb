"""Supervisor relations from an org chart: they become excluded pairs of a cohort."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Literal, overload

from mentormatch.errors import SurveyError, SurveyWarning, expect
from mentormatch.models import Cohort, Mentee, Mentor
from mentormatch.survey._people import PeopleIndex, Resolution
from mentormatch.survey._report import ReadEntry, ReadReport
from mentormatch.survey._schema import SurveySchema, key
from mentormatch.survey._table import load_table

__all__ = ["read_org_chart", "with_supervisors"]

_SUPERVISOR = ("supervisor", "supervisor id", "supervisor email", "manager", "manager id",
               "reports to", "head", "supervisor name")
_SUPERVISEE = ("supervisee", "supervisee id", "supervisee email", "employee", "employee id",
               "faculty", "faculty id", "staff", "person", "id", "member", "name", "email",
               "supervisee name")


def read_org_chart(path: str | Path, *, supervisor_column: str | None = None,
                   supervisee_column: str | None = None) -> list[tuple[str, str]]:
    r"""Read (supervisor, supervisee) pairs from an org-chart file.

    Parameters
    ----------
    path : str or Path
        CSV, XLSX or JSON with a header row. Without column names, the columns
        are found by name (``supervisor`` / ``manager`` / ``reports to``, and
        ``supervisee`` / ``employee`` / ``faculty`` / ``id``), or a file of exactly
        two columns is read as supervisor, supervisee.
    supervisor_column, supervisee_column : str, optional
        Header names to use instead.

    Returns
    -------
    list of (str, str)
        ``(supervisor, supervisee)`` in file order, without repeats. Values are
        ids, e-mails or names, as :func:`with_supervisors` resolves them.

    Raises
    ------
    SurveyError
        Listing every problem (missing column, blank cell, self-supervision) by row.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "org.csv"
    >>> _ = p.write_text("supervisor,supervisee\nmentor-03,new-02\n")
    >>> read_org_chart(p)
    [('mentor-03', 'new-02')]
    """
    table = load_table(path, SurveySchema.default())
    if not table.header:
        raise SurveyError(table.problems)
    keys = [key(h) for h in table.header]
    cols: list[int | None] = []
    for given, names, what in ((supervisor_column, _SUPERVISOR, "supervisor"),
                               (supervisee_column, _SUPERVISEE, "supervisee")):
        wanted = [key(given)] if given is not None else [key(n) for n in names]
        cols.append(next((keys.index(w) for w in wanted if w in keys), None))
        if cols[-1] is None and given is None and what == "supervisor":
            cols[-1] = next((i for i, k in enumerate(keys) if "supervisor" in k
                             or "manager" in k), None)
    guessed = supervisor_column is None and supervisee_column is None
    if guessed and len(keys) == 2 and (None in cols or cols[0] == cols[1]):
        cols = [0, 1]
    sup, sub = cols
    if sup is None or sub is None or sup == sub:
        hint = " (or give supervisor_column= and supervisee_column=)" if guessed else ""
        table.problem(1 if table.unit == "row" else None, None,
                      f"cannot tell the supervisor and supervisee columns apart in "
                      f"{', '.join(table.header)}{hint}")
        raise SurveyError(table.problems)
    pairs: dict[tuple[str, str], None] = {}
    for number, cells in table.rows:
        a, b = (("; ".join(c) if isinstance(c, tuple) else c).strip()
                for c in (cells[sup], cells[sub]))
        for value, i in ((a, sup), (b, sub)):
            if not value:
                table.problem(number, table.header[i], "blank cell")
        if a and b and a.casefold() == b.casefold():
            table.problem(number, table.header[sup], f"{a!r} cannot supervise themselves")
        elif a and b:
            pairs.setdefault((a, b), None)
    if table.problems:
        raise SurveyError(table.problems)
    return list(pairs)


@overload
def with_supervisors(cohort: Cohort, pairs: Iterable[tuple[str, str]], *,
                     source: str = ..., strict: bool = ...,
                     report: Literal[False] = ...) -> Cohort: ...


@overload
def with_supervisors(cohort: Cohort, pairs: Iterable[tuple[str, str]], *,
                     source: str = ..., strict: bool = ...,
                     report: Literal[True]) -> tuple[Cohort, ReadReport]: ...


def with_supervisors(cohort: Cohort, pairs: Iterable[tuple[str, str]], *,
                     source: str = "org chart", strict: bool = False,
                     report: bool = False) -> Cohort | tuple[Cohort, ReadReport]:
    """Return a new cohort whose people also list these supervisors.

    Each ``(supervisor, supervisee)`` may name people by id, e-mail or name, as
    :class:`~mentormatch.survey._people.PeopleIndex` resolves them (case,
    accents, titles, "Last, First"). The new relations are excluded pairs, in
    either direction, named by :meth:`Cohort.excluded_pairs`. A name that
    resolves to nobody in the cohort, or to several people, is listed in the
    read report: an org chart covers more people than a survey, but a
    misspelt mentor would otherwise lose an exclusion without a word.

    Parameters
    ----------
    cohort : Cohort
    pairs : iterable of (str, str)
        ``(supervisor, supervisee)``, as :func:`read_org_chart` returns them.
    source : str, default="org chart"
        How the report names where the pairs came from (the file name).
    strict : bool, default=False
        Refuse every warning (an ambiguous name, an unknown name close to
        someone's) as a :class:`~mentormatch.SurveyError`.
    report : bool, default=False
        Also return the :class:`ReadReport`; without it, its warnings are raised
        as one :class:`~mentormatch.SurveyWarning`.

    Raises
    ------
    ConstraintConflictError
        If a locked pair turns out to be a supervision.

    Examples
    --------
    >>> import mentormatch as mm
    >>> c = mm.Cohort(mentees=[mm.Mentee(id="e1", topics=["qi"])],
    ...               mentors=[mm.Mentor(id="r1", topics=["qi"], email="R1@x.org")])
    >>> new, read = with_supervisors(c, [("r1@x.org", "e1"), ("chair", "r1")], report=True)
    >>> new.excluded_pairs()
    {('e1', 'r1'): 'r1 supervises e1'}
    >>> [e.message for e in read.find("name")][-1]
    "'chair' is nobody in the cohort: ('chair' supervises 'r1') changes nothing"
    """
    expect(cohort, Cohort, "with_supervisors", "cohort")
    people = [*cohort.mentees, *cohort.mentors]
    index = PeopleIndex([(p.id, p.email, p.name) for p in people])
    extra: dict[str, list[str]] = {}
    entries: list[ReadEntry] = []
    n = 0
    for n, (supervisor, supervisee) in enumerate(pairs, start=1):
        boss, who = index.resolve(supervisor), index.resolve(supervisee)
        if boss.ident is not None and who.ident is not None and boss.ident != who.ident:
            extra.setdefault(who.ident, []).append(boss.ident)
        for ref, found in ((supervisor, boss), (supervisee, who)):
            entries.extend(_entry(source, n, ref, found, index, (supervisor, supervisee)))

    def update(person: Mentee | Mentor) -> dict[str, tuple[str, ...]]:
        both = [*person.supervisors, *extra.get(person.id, [])]
        return {"supervisors": tuple(dict.fromkeys(both))}

    new = Cohort(
        mentees=[p.model_copy(update=update(p)) for p in cohort.mentees],
        mentors=[p.model_copy(update=update(p)) for p in cohort.mentors],
        forbidden=cohort.forbidden, locked=cohort.locked, vocabulary=cohort.vocabulary,
        must_haves=cohort.must_haves, schedule=cohort.schedule,
        quotas=cohort.quotas,
    )
    read = ReadReport(files=(source,), rows={source: n}, mentees=len(new.mentees),
                      mentors=len(new.mentors), entries=tuple(entries))
    if strict and read.warnings:
        raise SurveyError(read.problems())
    if report:
        return new, read
    if read.warnings:
        shown = "\n  ".join(str(e.problem()) for e in read.warnings[:5])
        warnings.warn(SurveyWarning(f"{read.summary}:\n  {shown}"), stacklevel=2)
    return new


def _entry(source: str, n: int, ref: str, found: Resolution, index: PeopleIndex,
           pair: tuple[str, str]) -> list[ReadEntry]:
    def entry(level: Literal["info", "warning"], message: str) -> ReadEntry:
        return ReadEntry(level=level, topic="name", file=source, row=n, message=message,
                         unit="pair")

    if found.ident is not None:
        return [] if found.how == "id" else [entry("info", f"{ref!r} -> {found.ident} "
                                                           f"({found.how})")]
    what = f"({pair[0]!r} supervises {pair[1]!r})"
    if found.ambiguous:
        return [entry("warning", f"{ref!r} could be {' or '.join(found.candidates)}: no "
                                 f"exclusion made for {what}; write the id or e-mail")]
    close = index.suggest(ref)
    if close is not None:
        return [entry("warning", f"{ref!r} is nobody in the cohort (did you mean {close!r}?): "
                                 f"{what} changes nothing")]
    return [entry("info", f"{ref!r} is nobody in the cohort: {what} changes nothing")]
