"""Read survey exports (CSV, XLSX, JSON, DataFrames) into a cohort and a read report.

All problems of a file are collected and raised together as one
:class:`~mentormatch.SurveyError`; a file with any problem loads nothing.

Why the report is returned on request (``report=True``) rather than always:
``cohort = mm.read_survey(...)`` stays the one spelling for the common case and
keeps a cohort a cohort (two reads of equal answers compare equal, whatever
the files looked like). Nothing is silent either way: without ``report=True``
every warning of the report is raised as one :class:`~mentormatch.SurveyWarning`
(visible in a notebook and a script), and ``strict=True`` refuses them.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any, Literal, overload

from mentormatch.errors import MentorMatchError, SurveyError, SurveyProblem, SurveyWarning
from mentormatch.models import Cohort, Mentee, Mentor, MustHave, parse_must_have
from mentormatch.survey._dictionary import apply_dictionary, read_data_dictionary
from mentormatch.survey._people import PeopleIndex, is_no_one, split_people
from mentormatch.survey._qsf import read_qsf
from mentormatch.survey._ranked import resolve_choices
from mentormatch.survey._report import ReadReport
from mentormatch.survey._rows import Row, RowReader
from mentormatch.survey._schema import (
    BOOL_FIELDS,
    COUNT_FIELDS,
    MENTEE_ONLY,
    MENTOR_ONLY,
    Role,
    SurveySchema,
)
from mentormatch.survey._table import Source, Table, load_table
from mentormatch.topics import TopicVocabulary

__all__ = ["read_survey"]

_LOUD = ("capacity", "demand")  # defaults that change who is matched


@overload
def read_survey(path: Source, schema: SurveySchema | None = ..., *,
                mentors_path: Source | None = ..., vocabulary: TopicVocabulary | None = ...,
                strict: bool = ..., report: Literal[False] = ...) -> Cohort: ...


@overload
def read_survey(path: Source, schema: SurveySchema | None = ..., *,
                mentors_path: Source | None = ..., vocabulary: TopicVocabulary | None = ...,
                strict: bool = ..., report: Literal[True]) -> tuple[Cohort, ReadReport]: ...


def read_survey(path: Source, schema: SurveySchema | None = None, *,
                mentors_path: Source | None = None, vocabulary: TopicVocabulary | None = None,
                strict: bool = False,
                report: bool = False) -> Cohort | tuple[Cohort, ReadReport]:
    """Read a survey export into a cohort of mentees and mentors.

    Parameters
    ----------
    path : str, Path or pandas.DataFrame
        A ``.csv`` / ``.tsv`` / ``.txt``, ``.xlsx`` / ``.xlsm`` (needs openpyxl) or
        ``.json`` export, or a DataFrame of one (its column names are row 1). With
        ``mentors_path``, the mentees' file.
    schema : SurveySchema, default=SurveySchema.default()
        Which columns hold which fields and how answers are written
        (``SurveySchema(preset="google_forms", ...)`` for a form tool's export).
    mentors_path : str, Path or pandas.DataFrame, optional
        A separate file of mentors (same schema; no role column needed).
    vocabulary : TopicVocabulary, optional
        Canonical topics and aliases (overrides ``schema.vocabulary``); the cohort keeps it.
    strict : bool, default=False
        Refuse every warning of the read report (a default the schema does not
        state, an answer outside the form's options, a guessed split, ...) as a
        :class:`SurveyError` naming file, row and column.
    report : bool, default=False
        Also return the :class:`ReadReport`. Without it, the report's warnings
        are raised as one :class:`SurveyWarning`.

    Returns
    -------
    Cohort, or (Cohort, ReadReport) with ``report=True``
        Mentees and mentors in file order; supervisor relations become excluded pairs.

    Raises
    ------
    SurveyError
        Listing every problem found, each with its file, row and column.

    Examples
    --------
    >>> import mentormatch as mm
    >>> cohort, read = mm.read_survey(mm.example_survey_path(), report=True,
    ...                               vocabulary=mm.TopicVocabulary.pilot())
    >>> len(cohort.mentees), len(cohort.mentors), len(read.warnings)
    (7, 33, 0)
    >>> read.summary
    'pilot_survey.csv: 40 rows -> 7 mentees, 33 mentors; 0 warnings'
    """
    schema = schema if schema is not None else SurveySchema.default()
    vocab = vocabulary if vocabulary is not None else schema.vocabulary
    sources: list[tuple[Source, Role | None]] = [(path, None)]
    if mentors_path is not None:
        sources = [(path, "mentee"), (mentors_path, "mentor")]
    tables, readers, rows = _load(sources, schema, vocab)
    rows = _deduplicate(rows, schema.duplicates)
    left_out = [p for reader in readers.values() for p in reader.left_out]
    _resolve_supervisors(rows, schema, left_out)
    resolve_choices(rows, schema)
    for row in rows:
        row.table.problems.extend(row.problems)
        row.table.notes.extend(row.notes)
    people = _build(rows, readers, schema)
    problems = [p for t in tables for p in t.problems]
    if problems:
        raise SurveyError(_in_order(problems, tables))
    data_tables = [t for t in tables if id(t) in readers]
    _must_differ(rows, schema, data_tables, note=True)
    rules = _rules(rows, schema, data_tables[0])
    read = _report(data_tables, readers, people)
    if strict and read.warnings:
        raise SurveyError(read.problems())
    try:
        cohort = Cohort(mentees=people["mentee"], mentors=people["mentor"],
                        forbidden=_must_differ(rows, schema, data_tables), vocabulary=vocab,
                        must_haves=rules, quotas=schema.quotas)
    except MentorMatchError as exc:  # a quota naming a mentor not in the survey
        raise SurveyError([SurveyProblem(tables[0].file, None, None, str(exc))]) from None
    if report:
        return cohort, read
    if read.warnings:
        shown = "\n  ".join(str(e.problem()) for e in read.warnings[:5])
        more = f"\n  ... and {len(read.warnings) - 5} more" if len(read.warnings) > 5 else ""
        warnings.warn(SurveyWarning(
            f"{read.summary}:\n  {shown}{more}\n(read_survey(..., report=True) returns the "
            "read report; strict=True refuses these)"), stacklevel=2)
    return cohort


def _load(sources: list[tuple[Source, Role | None]], schema: SurveySchema,
          vocab: TopicVocabulary | None) -> tuple[list[Table], dict[int, RowReader], list[Row]]:
    """Read every file (and the data dictionary) into tables, readers and rows."""
    tables: list[Table] = []
    readers: dict[int, RowReader] = {}
    rows: list[Row] = []
    dictionary = None
    if schema.data_dictionary is not None:
        read = read_qsf if schema.data_dictionary.lower().endswith(".qsf") else \
            read_data_dictionary
        dictionary, dict_table = read(schema.data_dictionary)
        tables.append(dict_table)
    for source, fixed in sources:
        table = load_table(source, schema)
        tables.append(table)
        if table.header and dictionary is not None:
            apply_dictionary(table, dictionary)
        if table.header:
            reader = RowReader(table, schema, vocab, fixed)
            readers[id(table)] = reader
            rows.extend(reader.read_all())
    return tables, readers, rows


def _in_order(problems: list[SurveyProblem], tables: list[Table]) -> list[SurveyProblem]:
    rank = {t.file: k for k, t in enumerate(tables)}
    return sorted(problems, key=lambda p: (rank.get(p.file, 0), p.row or 0))


def _where(first: Row, row: Row) -> str:
    if first.table is row.table:
        return f"{first.table.unit} {first.number}"
    return f"{first.table.file} {first.table.unit} {first.number}"


def _deduplicate(rows: list[Row], policy: str) -> list[Row]:
    """Apply the duplicates policy per (role, id); merges become report entries.

    Ids differing only by case (an e-mail typed twice) are one id here: a cohort
    refuses them as two people, so they are a resubmission or an error.
    """
    seen: dict[tuple[str, str], Row] = {}
    dropped: set[int] = set()
    for row in rows:
        ident = row.ident
        if ident is None:
            continue
        for role in row.roles:
            first = seen.setdefault((role, ident.casefold()), row)
            if first is row:
                continue
            case = "" if first.ident == ident else f", as {first.ident!r}"
            if policy == "error":
                row.problem(None, f"duplicate {role} id {ident!r} (also on {_where(first, row)}"
                                  f"{case}); set duplicates='keep_last' in the schema to keep "
                                  "the latest answer")
                continue
            keep, drop = (row, first) if policy == "keep_last" else (first, row)
            drop.roles = tuple(r for r in drop.roles if r != role)
            if not drop.roles:
                dropped.add(id(drop))
            seen[(role, ident.casefold())] = keep
            lost = f" (its {len(drop.problems)} problems go with it)" if drop.problems else ""
            spelt = f", whose id {drop.ident!r} differs only by case," if case else ""
            keep.note("info", "merged", None,
                      f"{role} {keep.ident!r}: {_where(drop, keep)}{spelt} left out, this row "
                      f"kept (duplicates={policy!r}){lost}")
    return [r for r in rows if id(r) not in dropped]


def _resolve_supervisors(rows: list[Row], schema: SurveySchema,
                         left_out: list[tuple[str, str | None, str | None]]) -> None:
    """Resolve supervisor answers; people whose unfinished response was left out count too."""
    index = PeopleIndex([*((r.ident, r.data.get("email"), r.data.get("name"))
                           for r in rows if r.ident is not None), *left_out])
    gone = {ident for ident, _, _ in left_out}
    for row in rows:
        column, text = row.supervisor_column, row.supervisors
        out: list[str] = []
        if text and is_no_one(text):
            row.note("info", "name", column, f"{text!r} read as no supervisor")
        for ref, found in split_people(text or "", index, schema.separators):
            if found.ident is not None and found.ident == row.ident:
                row.problem(column, f"{ref!r} is this person's own id; nobody supervises "
                                    "themselves")
            elif found.ident is not None:
                out.append(found.ident)
                away = (", whose unfinished response was left out: no one in the cohort"
                        if found.ident in gone else "")
                if found.how != "id" or away:
                    row.note("info", "name", column,
                             f"{ref!r} -> {found.ident} ({found.how}){away}")
            else:
                kept = _unresolved(row, column, ref, found.candidates, index, schema)
                out.extend(kept)
        row.data["supervisors"] = tuple(dict.fromkeys(out))


def _unresolved(row: Row, column: str | None, ref: str, candidates: Sequence[str],
                index: PeopleIndex, schema: SurveySchema) -> list[str]:
    if candidates:
        what = (f"supervisor {ref!r} is ambiguous: it could be {' or '.join(candidates)}; "
                "write the id or e-mail")
    else:
        close = index.suggest(ref)
        hint = f"; did you mean {close!r}?" if close else ""
        what = (f"unknown supervisor {ref!r}: no one in the survey has this id, e-mail or "
                f"name{hint}")
    if schema.unknown_supervisors == "error":
        row.problem(column, f"{what} (set unknown_supervisors='ignore' in the schema to keep "
                            "it as given)")
        return []
    if candidates:
        row.note("warning", "name", column, f"{what}: no exclusion made")
        return []
    row.note("warning" if "did you mean" in what else "info", "name", column,
             f"{what}: kept as given (unknown_supervisors='ignore')")
    return [ref]


def _must_differ(rows: list[Row], schema: SurveySchema, tables: list[Table], *,
                 note: bool = False) -> list[tuple[str, str]]:
    """Mentee-mentor pairs sharing an answer to a must_differ column (or a supervisor)."""
    pairs: dict[tuple[str, str], None] = {}
    for name in schema.must_differ:
        shared: dict[str, tuple[list[str], list[str]]] = {}
        for row in rows:
            if row.ident is None or row.problems:
                continue
            answers = (row.data.get("supervisors", ()) if name == "supervisors"
                       else [row.differ[name]] if name in row.differ else [])
            for answer in answers:
                group = shared.setdefault(answer, ([], []))
                for role in row.roles:
                    group[role == "mentor"].append(row.ident)
        found = [(e, r) for mentees, mentors in shared.values() for e in mentees
                 for r in mentors if e != r]
        pairs.update(dict.fromkeys(found))
        if note and tables:
            shown = ", ".join(f"{e}-{r}" for e, r in found[:5]) + (", ..." if len(found) > 5
                                                                     else "")
            tables[0].note("info", "forbidden", None, None,
                           f"{len(found)} pairs never matched: same answer to {name!r}"
                           + (f" ({shown})" if found else ""))
    return list(pairs)


def _rules(rows: list[Row], schema: SurveySchema, table: Table) -> list[MustHave]:
    """Return the schema's program-wide rules, then each person's (owned by them), reported."""
    out = [parse_must_have(p) for p in schema.program_must_haves]
    for row in rows:
        for role, column, rule in row.must_haves:
            if role in row.roles and row.ident is not None:
                out.append(rule.model_copy(update={role: row.ident}))
            elif row.ident is not None:
                row.table.note("warning", "must-have", row.number, column,
                               f"{row.ident!r} is not a {role}: the {role}'s must-have "
                               f"'{rule.rule}' is not read")
    out = list(dict.fromkeys(out))  # one rule stated twice (a column and a question) is one
    if out:
        owners = {(("mentee" if r.mentee else "mentor"), r.owner) for r in out if r.owner}
        n_e = sum(1 for role, _ in owners if role == "mentee")
        table.note("info", "must-have", None, None,
                   f"{len(out)} must-have{'s' if len(out) > 1 else ''} read: "
                   f"{len(schema.program_must_haves)} program-wide (schema), those of {n_e} "
                   f"mentee(s) and {len(owners) - n_e} mentor(s)")
    if schema.quotas:
        table.note("info", "quota", None, None,
                   f"{len(schema.quotas)} quota(s) on mentors' groups from the schema")
    return out


def _model_default(role: str, name: str) -> Any:
    model = Mentee if role == "mentee" else Mentor
    return model.model_fields[name].default


def _relevant(role: str, name: str) -> bool:
    return name not in (MENTOR_ONLY if role == "mentee" else MENTEE_ONLY)


def _build(rows: list[Row], readers: dict[int, RowReader],
           schema: SurveySchema) -> dict[str, list[Any]]:
    people: dict[str, list[Any]] = {"mentee": [], "mentor": []}
    roles_of: dict[int, set[str]] = {}
    for row in rows:
        roles_of.setdefault(id(row.table), set()).update(row.roles)
        if row.problems:
            continue
        reader = readers[id(row.table)]
        for role in row.roles:
            kwargs = {k: v for k, v in row.data.items() if _relevant(role, k)}
            kwargs.update(row.role_data.get(role, {}))
            _fill_defaults(row, role, kwargs, reader, schema)
            try:
                person = (Mentee if role == "mentee" else Mentor)(**kwargs)
            except MentorMatchError as exc:
                row.table.problem(row.number, None, str(exc))
                continue
            people[role].append(person)
            _zero(row, role, person, reader)
    for reader in readers.values():
        _absent_columns(reader, roles_of.get(id(reader.t), set()), schema)
    return people


def _fill_defaults(row: Row, role: str, kwargs: dict[str, Any], reader: RowReader,
                   schema: SurveySchema) -> None:
    for name in (*COUNT_FIELDS, *BOOL_FIELDS):
        source = reader.src[name]
        if not _relevant(role, name) or kwargs.get(name) is not None:
            continue
        if source is None:  # no column: reported once per file by _absent_columns
            if name in schema.defaults:
                kwargs[name] = schema.defaults[name]
                row.origin[name] = "default"
            continue
        if name in schema.defaults:
            kwargs[name] = schema.defaults[name]
            row.origin[name] = "default"
            row.table.note("info", "default", row.number, source.shown,
                           f"blank: {role} {name} {schema.defaults[name]!r} (schema defaults)")
        elif name in _LOUD:
            value = _model_default(role, name)
            row.table.note("warning", "default", row.number, source.shown,
                           f"blank: {role} {name} {value!r}, a default the schema does not "
                           f"state (defaults={{{name!r}: {value!r}}} states it)")
        else:
            value = _model_default(role, name)
            shown = "from the mentorship types" if value is None else repr(value)
            row.table.note("info", "default", row.number, source.shown,
                           f"blank: {role} {name} {shown}")


def _zero(row: Row, role: str, person: Mentee | Mentor, reader: RowReader) -> None:
    name = "demand" if role == "mentee" else "capacity"
    if getattr(person, name) != 0:
        return
    source = reader.src[name]
    origin = row.origin.get(name, "default")
    stated = origin in ("map", "default") and (origin != "default" or name in
                                               reader.s.defaults)
    wants = "asks for 0 mentors" if role == "mentee" else "offers 0 places"
    row.table.note("info" if stated else "warning", "not matched", row.number,
                   source.shown if source else None,
                   f"{role} {person.id!r} {wants}, so is never matched"
                   + ("" if stated else f" (if the column is a yes/no question, map its "
                      f"answers: values={{{name!r}: {{'No': 1, 'Yes': 2}}}})"))


def _absent_columns(reader: RowReader, roles: set[str], schema: SurveySchema) -> None:
    quiet = []
    for name in (*COUNT_FIELDS, *BOOL_FIELDS):
        wanted = [r for r in sorted(roles) if _relevant(r, name)]
        if reader.src[name] is not None or not wanted:
            continue
        role = wanted[0]
        looked = ", ".join(repr(n) for n in getattr(schema, name) or ()) or "none"
        if name in schema.defaults:
            reader.t.note("info", "default", None, None,
                          f"no {name} column: every {role} gets {schema.defaults[name]!r} "
                          "(schema defaults)")
        elif name in _LOUD:
            value = _model_default(role, name)
            reader.t.note("warning", "default", None, None,
                          f"no {name} column (looked for {looked}): every {role} gets {name} "
                          f"{value!r}, a default the schema does not state (name the column, "
                          f"or state defaults={{{name!r}: {value!r}}})")
        else:
            value = _model_default(role, name)
            quiet.append(f"{name} {'from the mentorship types' if value is None else value}")
    if quiet:
        reader.t.note("info", "default", None, None,
                      f"not asked in this file, defaults apply: {', '.join(quiet)}")


def _report(tables: list[Table], readers: dict[int, RowReader],
            people: dict[str, list[Any]]) -> ReadReport:
    rank = {t.file: k for k, t in enumerate(tables)}
    entries = sorted((e for t in tables for e in t.notes),
                     key=lambda e: (rank.get(e.file, 0), e.row or 0))
    columns = {t.file: readers[id(t)].used() for t in tables}
    return ReadReport(files=tuple(t.file for t in tables),
                      rows={t.file: t.n_read for t in tables},
                      mentees=len(people["mentee"]), mentors=len(people["mentor"]),
                      columns=columns, entries=tuple(entries))
