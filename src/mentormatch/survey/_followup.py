"""The follow-up survey after a year: per pair, did they meet, how often, how satisfied, what next.

Read through the same table machinery as the intake survey (CSV, XLSX, JSON,
a DataFrame; form-tool presets), into a :class:`~mentormatch.History`. Every
problem names its file, row and column and all are raised together as one
:class:`~mentormatch.errors.SurveyError`; a pair that was not one of last
year's pairs is such a problem, never skipped. Release reasons are read into
memory only, and no problem or note ever quotes one.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

from mentormatch.errors import InvalidInputError, MentorMatchError, SurveyError
from mentormatch.io import atomic_write_text, csv_text, unguard_cell
from mentormatch.models import Decision, History, MatchResult, PairFeedback, ValidatedModel
from mentormatch.survey._presets import Preset
from mentormatch.survey._schema import Names, OptNames, SurveySchema, key
from mentormatch.survey._table import Source, Table, load_table

__all__ = ["FollowUpSchema", "followup_template", "read_followup"]

ANSWER_FIELDS = ("met", "meetings", "satisfaction", "decision")
_MEETINGS = {"never": 0, "not at all": 0, "once": 1, "a few times": 3, "quarterly": 4,
             "every other month": 6, "monthly": 12, "every month": 12, "twice a month": 24,
             "every two weeks": 26, "biweekly": 26, "weekly": 52, "every week": 52}
_SATISFACTION = {"very dissatisfied": 1.0, "dissatisfied": 2.0, "neutral": 3.0,
                 "neither satisfied nor dissatisfied": 3.0, "satisfied": 4.0,
                 "very satisfied": 5.0}
_DECISION = {"continue": "continue", "keep": "continue", "stay": "continue",
             "continue with my mentor": "continue", "keep my mentor": "continue",
             "change": "change", "change mentor": "change", "a new mentor": "change",
             "new mentor": "change", "switch": "change"}


class FollowUpSchema(ValidatedModel):
    """Which columns of a follow-up export hold which answers.

    Parameters
    ----------
    mentee, mentor : str or tuple of str
        Header names of the pair's ids (required columns).
    met, meetings, satisfaction, decision, release_reason : str or tuple of str or None
        Header names of the answers; ``None`` when the form did not ask.
        ``met`` is yes/no; ``meetings`` a count over the year or a frequency
        ("Monthly" = 12, "Weekly" = 52, ...); ``satisfaction`` 1-5 or
        "Very dissatisfied" ... "Very satisfied"; ``decision`` "Continue" or
        "Change" (and a few synonyms). Built-in readings are reported in
        ``History.notes``.
    values : dict of str to dict of str to value
        Per answer field, the form's answers and what each stands for:
        ``{"decision": {"Yes, same mentor": "continue"}, "meetings": {"2-3": 3}}``;
        tried before the built-in words.
    preset : {"google_forms", "microsoft_forms", "qualtrics", "redcap"}, optional
        The form tool's export layout (header rows, separators).
    header_row, data_row, code_row, delimiter, encoding, sheet
        As in :class:`~mentormatch.SurveySchema`.
    label : str, default="last year"
        How the resulting history names that year.

    Examples
    --------
    >>> FollowUpSchema(decision="Next year?").decision
    ('Next year?',)
    >>> FollowUpSchema(values={"mood": {}})
    Traceback (most recent call last):
    ...
    mentormatch.errors.InvalidInputError: FollowUpSchema: values: unknown answer field 'mood'; ...
    """

    mentee: Names = ("Mentee ID", "Mentee")
    mentor: Names = ("Mentor ID", "Mentor")
    met: OptNames = ("Met", "Did you meet?")
    meetings: OptNames = ("Meetings", "How often did you meet?")
    satisfaction: OptNames = ("Satisfaction",)
    decision: OptNames = ("Next year", "Continue or change")
    release_reason: OptNames = ("Reason for change",)
    values: dict[str, dict[str, Any]] = Field(default_factory=dict)
    preset: Preset | None = None
    header_row: int = 1
    data_row: int | None = None
    code_row: int | None = None
    delimiter: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    label: str = "last year"

    @model_validator(mode="after")
    def _known_fields(self) -> FollowUpSchema:
        for name in self.values:
            if name not in ANSWER_FIELDS:
                raise InvalidInputError(f"values: unknown answer field {name!r}; known: "
                                        f"{', '.join(ANSWER_FIELDS)}")
        return self

    def table_schema(self) -> SurveySchema:
        """Return the layout settings as a :class:`SurveySchema` (what the table reader takes)."""
        given = {k: getattr(self, k) for k in ("preset", "header_row", "data_row", "code_row",
                                               "delimiter", "encoding", "sheet")
                 if getattr(self, k) is not None}
        return SurveySchema(**given)


class _Reader:
    """Reads one table's rows into feedback, collecting problems and notes."""

    def __init__(self, table: Table, schema: FollowUpSchema) -> None:
        self.t, self.s = table, schema
        self.yes_no = SurveySchema()
        self.used: dict[tuple[str, str], Any] = {}
        self.columns: dict[str, int | None] = {}
        for name in ("mentee", "mentor", *ANSWER_FIELDS, "release_reason"):
            self.columns[name] = self._find(getattr(schema, name) or ())
        for name in ("mentee", "mentor"):
            if self.columns[name] is None:
                looked = ", ".join(repr(n) for n in getattr(schema, name))
                table.problem(None, None, f"no {name} column (looked for {looked})")

    def _find(self, names: tuple[str, ...]) -> int | None:
        for name in names:
            for i, aliases in enumerate(self.t.names):
                if key(name) in {key(a) for a in aliases}:
                    return i
        return None

    def header(self, name: str) -> str | None:
        i = self.columns[name]
        return None if i is None else self.t.header[i]

    def cell(self, cells: list[Any], name: str) -> str:
        i = self.columns[name]
        if i is None:
            return ""
        value = cells[i]
        return "; ".join(value) if isinstance(value, tuple) else str(value).strip()

    def answer(self, number: int, name: str, text: str) -> Any:
        if not text:
            return None
        mapped = {key(str(k)): v for k, v in self.s.values.get(name, {}).items()}
        if key(text) in mapped:
            return mapped[key(text)]
        value = _builtin(name, text, self.yes_no)
        if value is None:
            self.t.problem(number, self.header(name), _expected(name))
        elif key(text) != key(str(value)):
            self.used.setdefault((name, text), value)
        return value

    def ident(self, number: int, cells: list[Any], name: str, known: set[str]) -> str:
        """Return an id cell; one our template guarded (``'-r1``) is read as the known id."""
        text = self.cell(cells, name)
        plain = unguard_cell(text)
        if plain != text and text not in known and plain in known:
            self.t.note("info", "id", number, self.header(name),
                        f"{text!r} read as {plain!r} (a spreadsheet guard)")
            return plain
        return text

    def read(self, known: tuple[tuple[str, str], ...] | None) -> list[tuple[int, PairFeedback]]:
        mentees = {e for e, _ in known or ()}
        mentors = {r for _, r in known or ()}
        out = []
        for number, cells in self.t.rows:
            mentee = self.ident(number, cells, "mentee", mentees)
            mentor = self.ident(number, cells, "mentor", mentors)
            for name, ident in (("mentee", mentee), ("mentor", mentor)):
                if not ident:
                    self.t.problem(number, self.header(name), f"no {name} id")
            answers = {n: self.answer(number, n, self.cell(cells, n)) for n in ANSWER_FIELDS}
            if not mentee or not mentor:
                continue
            try:
                feedback = PairFeedback(mentee=mentee, mentor=mentor, **answers,
                                        release_reason=self.cell(cells, "release_reason"))
            except MentorMatchError as exc:
                self.t.problem(number, None, str(exc))
                continue
            out.append((number, feedback))
        return out


def _builtin(name: str, text: str, yes_no: SurveySchema) -> Any:
    k = key(text)
    if name == "met":
        return yes_no.is_true(text)
    if name == "decision":
        return _DECISION.get(k)
    table: dict[str, Any] = _MEETINGS if name == "meetings" else _SATISFACTION
    if k in table:
        return table[k]
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return None
    if name == "meetings":
        return int(number) if number == int(number) else None
    return number


def _expected(name: str) -> str:
    return {
        "met": "expected yes or no",
        "meetings": f"expected a whole number of meetings or one of: {', '.join(_MEETINGS)}",
        "satisfaction": f"expected 1 to 5 or one of: {', '.join(_SATISFACTION)}",
        "decision": f"expected one of: {', '.join(_DECISION)} (or map the form's answers "
                    "with values={'decision': {...}})",
    }[name]


def _merge(first: PairFeedback, other: PairFeedback) -> PairFeedback:
    """Both sides answered: either side asking to change is enough (no-fault)."""
    decisions = {f.decision for f in (first, other)} - {None}
    decision = (Decision.CHANGE if Decision.CHANGE in decisions
                else Decision.CONTINUE if decisions else None)
    met = [f.did_meet for f in (first, other) if f.did_meet is not None]
    counts = [f.meetings for f in (first, other) if f.meetings is not None]
    marks = [f.satisfaction for f in (first, other) if f.satisfaction is not None]
    reasons = [f.release_reason for f in (first, other) if f.release_reason]
    return PairFeedback(mentee=first.mentee, mentor=first.mentor,
                        met=any(met) if met else None, meetings=max(counts) if counts else None,
                        satisfaction=sum(marks) / len(marks) if marks else None,
                        decision=decision, release_reason=" / ".join(reasons) or None)


def _last_year_pairs(last_year: MatchResult | Iterable[tuple[str, str]] | None,
                     ) -> tuple[tuple[str, str], ...] | None:
    if last_year is None:
        return None
    if isinstance(last_year, MatchResult):
        return tuple((p.mentee, p.mentor) for p in last_year.pairs)
    return tuple(dict.fromkeys((str(e), str(r)) for e, r in last_year))


def _check_known(rows: list[tuple[int, PairFeedback]], known: tuple[tuple[str, str], ...],
                 reader: _Reader) -> None:
    pairs = set(known)
    mentees, mentors = {e for e, _ in known}, {r for _, r in known}
    for number, f in rows:
        if f.pair in pairs:
            continue
        if f.mentee not in mentees:
            reader.t.problem(number, reader.header("mentee"),
                             f"unknown mentee id {f.mentee!r}: not in last year's pairs")
        elif f.mentor not in mentors:
            reader.t.problem(number, reader.header("mentor"),
                             f"unknown mentor id {f.mentor!r}: not in last year's pairs")
        else:
            reader.t.problem(number, None, f"({f.mentee}, {f.mentor}) was not one of last "
                                           "year's pairs")


def read_followup(path: Source, schema: FollowUpSchema | None = None, *,
                  last_year: MatchResult | Iterable[tuple[str, str]] | None = None,
                  buddies: Iterable[tuple[str, str]] = ()) -> History:
    r"""Read a follow-up survey export into a :class:`~mentormatch.History`.

    One row per pair, or one per person answering (two rows of a pair are
    merged: either side asking to change makes it a change; meetings are the
    larger count, satisfaction the mean).

    Parameters
    ----------
    path : str, Path or pandas.DataFrame
        A CSV / XLSX / JSON export, as :func:`mentormatch.read_survey` reads them.
    schema : FollowUpSchema, default=FollowUpSchema()
    last_year : MatchResult or iterable of (mentee_id, mentor_id), optional
        Last year's pairs. Every row must name one of them; pairs nobody
        answered for are kept (unanswered) and listed in ``History.notes``.
        Without it, the pairs are the rows'.
    buddies : iterable of (newcomer_id, buddy_id), default=()
        Last year's buddy pairs, carried into the history.

    Returns
    -------
    History

    Raises
    ------
    SurveyError
        Listing every problem (file, row, column): missing id columns, blank
        ids, unreadable answers, pairs that were not last year's.

    Examples
    --------
    >>> import pathlib, tempfile, mentormatch as mm
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "followup.csv"
    >>> _ = p.write_text("Mentee ID,Mentor ID,Met,Meetings,Satisfaction,Next year\n"
    ...                  "e1,r1,Yes,Monthly,5,Continue\ne2,r1,No,0,2,Change\n")
    >>> h = mm.read_followup(p, last_year=[("e1", "r1"), ("e2", "r1"), ("e3", "r2")])
    >>> h.continuing, h.changing, h.summary()["answered"]
    ((('e1', 'r1'),), (('e2', 'r1'),), 2)
    >>> h.notes[-1]
    "1 of last year's pairs have no follow-up answer: (e3, r2)"
    """
    schema = schema if schema is not None else FollowUpSchema()
    table = load_table(path, schema.table_schema())
    if table.problems:
        raise SurveyError(table.problems)
    reader = _Reader(table, schema)
    known = _last_year_pairs(last_year)
    rows = reader.read(known) if not table.problems else []
    if known is not None:
        _check_known(rows, known, reader)
    if table.problems:
        raise SurveyError(sorted(table.problems, key=lambda p: p.row or 0))
    return _history(rows, known, reader, schema, tuple(buddies))


def _history(rows: list[tuple[int, PairFeedback]], known: tuple[tuple[str, str], ...] | None,
             reader: _Reader, schema: FollowUpSchema,
             buddies: tuple[tuple[str, str], ...]) -> History:
    notes = [str(e.problem()) for e in reader.t.notes]
    notes += [f"{name}: {text!r} read as {value!r} (built-in reading)"
              for (name, text), value in reader.used.items()]
    for name in ANSWER_FIELDS:
        if reader.columns[name] is None:
            looked = ", ".join(repr(n) for n in getattr(schema, name) or ()) or "none named"
            notes.append(f"no {name} column (looked for {looked}): not answered for any pair")
    merged: dict[tuple[str, str], PairFeedback] = {}
    for number, f in rows:
        if f.pair in merged:
            notes.append(f"row {number}: a second answer for ({f.mentee}, {f.mentor}), merged")
            merged[f.pair] = _merge(merged[f.pair], f)
        else:
            merged[f.pair] = f
    order = known if known is not None else tuple(merged)
    pairs = tuple(merged.get(p) or PairFeedback(mentee=p[0], mentor=p[1]) for p in order)
    missing = [f.pair for f in pairs if not f.answered]
    if missing:
        shown = ", ".join(f"({e}, {r})" for e, r in missing[:10])
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        notes.append(f"{len(missing)} of last year's pairs have no follow-up answer: "
                     f"{shown}{more}")
    return History(pairs=pairs, buddies=buddies, label=schema.label, notes=tuple(notes))


def followup_template(last_year: MatchResult, path: str | Path | None = None, *,
                      schema: FollowUpSchema | None = None) -> str:
    """Return (and optionally write) a follow-up form CSV listing last year's pairs.

    One row per pair with blank answer columns, in the schema's first header
    names, so that :func:`read_followup` reads the filled-in copy back.

    Examples
    --------
    >>> import mentormatch as mm
    >>> result = mm.match(mm.example_cohort())
    >>> text = mm.followup_template(result)
    >>> text.splitlines()[0]
    'Mentee ID,Mentor ID,Met,Meetings,Satisfaction,Next year,Reason for change'
    """
    schema = schema if schema is not None else FollowUpSchema()
    names = [getattr(schema, n)[0] for n in ("mentee", "mentor", *ANSWER_FIELDS,
                                              "release_reason") if getattr(schema, n)]
    rows = [[p.mentee, p.mentor, *([""] * (len(names) - 2))] for p in last_year.pairs]
    text = csv_text(names, rows)
    if path is not None:
        atomic_write_text(path, text)
    return text
