"""Read survey exports (CSV, XLSX, JSON) into a :class:`~mentormatch.Cohort`.

All problems of a file are collected and raised together as one
:class:`~mentormatch.SurveyError`; a file with any problem loads nothing.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mentormatch.errors import MentorMatchError, SurveyError, SurveyProblem
from mentormatch.models import MODALITY_ALIASES, TYPE_ALIASES, Cohort, Mentee, Mentor
from mentormatch.survey._schema import Role, SurveySchema, key
from mentormatch.survey._table import Cell, Table, load_table
from mentormatch.topics import TopicVocabulary, normalize_topic

__all__ = ["person_lookup", "read_survey", "resolve"]

_SELECTED = re.compile(r"^\s*selected choice\s*[-:\u2013\u2014]?\s*", re.IGNORECASE)
_COUNT = re.compile(r"^\+?(\d+)(?:\.0*)?$")
_STAGES = {"early": "early", "mid": "mid", "middle": "mid", "late": "late", "senior": "late"}
TEXT_FIELDS = ("name", "email", "division", "site", "gender", "background")
_LISTS = ("leads_divisions", "concordance")


@dataclass
class _Row:
    table: Table
    number: int
    roles: tuple[str, ...]
    data: dict[str, Any]
    supervisor_refs: list[str] = field(default_factory=list)
    supervisor_column: str | None = None
    bad: bool = False


def read_survey(path: str | Path, schema: SurveySchema | None = None, *,
                mentors_path: str | Path | None = None,
                vocabulary: TopicVocabulary | None = None) -> Cohort:
    """Read a survey export into a cohort of mentees and mentors.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` / ``.tsv`` / ``.txt``, ``.xlsx`` / ``.xlsm`` (needs openpyxl) or
        ``.json`` export. With ``mentors_path``, the mentees' file.
    schema : SurveySchema, default=SurveySchema.default()
        Which columns hold which fields and how answers are written.
    mentors_path : str or Path, optional
        A separate file of mentors (same schema; no role column needed).
    vocabulary : TopicVocabulary, optional
        Canonical topics and aliases (overrides ``schema.vocabulary``); an unknown
        topic is reported with the closest known one. The cohort keeps it.

    Returns
    -------
    Cohort
        Mentees and mentors in file order; supervisor relations become excluded pairs.

    Raises
    ------
    SurveyError
        Listing every problem found, each with its file, row and column.

    Examples
    --------
    >>> import mentormatch as mm
    >>> cohort = mm.read_survey(mm.example_survey_path(),
    ...                         vocabulary=mm.TopicVocabulary.pilot())
    >>> len(cohort.mentees), len(cohort.mentors)
    (7, 33)
    """
    schema = schema if schema is not None else SurveySchema.default()
    vocab = vocabulary if vocabulary is not None else schema.vocabulary
    sources: list[tuple[str | Path, Role | None]] = [(path, None)]
    if mentors_path is not None:
        sources = [(path, "mentee"), (mentors_path, "mentor")]
    tables: list[Table] = []
    rows: list[_Row] = []
    for source, fixed in sources:
        table = load_table(source, schema)
        tables.append(table)
        if table.header:
            rows.extend(_RowReader(table, schema, vocab, fixed).read_all())
    _check_duplicates(rows)
    _resolve_supervisors(rows, schema)
    people = _build(rows)
    problems = [p for t in tables for p in t.problems]
    if problems:
        raise SurveyError(_in_order(problems, tables))
    try:
        return Cohort(mentees=people["mentee"], mentors=people["mentor"], vocabulary=vocab)
    except MentorMatchError as exc:  # pragma: no cover - rows are checked above
        raise SurveyError([SurveyProblem(tables[0].file, None, None, str(exc))]) from None


def _in_order(problems: list[SurveyProblem], tables: list[Table]) -> list[SurveyProblem]:
    rank = {t.file: k for k, t in enumerate(tables)}
    return sorted(problems, key=lambda p: (rank.get(p.file, 0), p.row or 0))


class _RowReader:
    """Column positions of one table and the parsing of its rows."""

    def __init__(self, table: Table, schema: SurveySchema, vocab: TopicVocabulary | None,
                 fixed: Role | None) -> None:
        self.t, self.s, self.vocab, self.fixed = table, schema, vocab, fixed
        self.keys = [key(h) for h in table.header]
        self.col = {name: self._find(name) for name in (
            "id", "role", *TEXT_FIELDS, "career_stage", "newcomer", "supervisors", *_LISTS,
            "types", "modalities", "capacity", "demand", "topics", "other_topics")}
        self.opts = {name: self._options(name) for name in ("topics", "types", "modalities")}
        self.ok = True
        if self.col["id"] is None:
            self._missing("id", "the id column")
        if self.col["topics"] is None and not self.opts["topics"]:
            self._missing("topics", f"a topics column (or one column per topic, such as "
                                    f"'{schema.topics[0]} [Clinical work]')")
        if fixed is None and self.col["role"] is None:
            self._missing("role", "a role column (mentee / mentor); or pass mentors_path= "
                                  "to read mentors from a second file")

    def _missing(self, name: str, what: str) -> None:
        names = getattr(self.s, name) or ()
        shown = ", ".join(self.t.header[:12]) + (", ..." if len(self.t.header) > 12 else "")
        self.t.problem(1 if self.t.unit == "row" else None, " / ".join(names) or None,
                       f"missing {what}; the header has: {shown}")
        self.ok = False

    def _find(self, name: str) -> int | None:
        for n in getattr(self.s, name) or ():
            hits = [i for i, k in enumerate(self.keys) if k and k == key(n)]
            if len(hits) > 1:
                self.t.problem(None, self.t.header[hits[0]],
                               f"{len(hits)} columns have this name; the schema field "
                               f"{name!r} needs exactly one")
            if hits:
                return hits[0]
        return None

    def _options(self, name: str) -> list[tuple[int, str]]:
        out = []
        for i, header in enumerate(self.t.header):
            for question in getattr(self.s, name) or ():
                option = _option_of(header, question)
                if option is not None:
                    out.append((i, option))
                    break
        return out

    def read_all(self) -> list[_Row]:
        if not self.ok:
            return []
        return [r for number, cells in self.t.rows if (r := self.read(number, cells))]

    def _bad(self, number: int, i: int | None, message: str) -> None:
        self.t.problem(number, None if i is None else self.t.header[i], message)

    def _text(self, number: int, cells: list[Cell], name: str) -> str | None:
        i = self.col[name]
        if i is None:
            return None
        cell = cells[i]
        if isinstance(cell, tuple):
            if len(cell) > 1:
                self._bad(number, i, f"expected one value, got a list of {len(cell)}")
                return None
            cell = cell[0] if cell else ""
        return cell.strip() or None

    def _items(self, cells: list[Cell], name: str) -> list[str]:
        i = self.col[name]
        if i is None:
            return []
        cell = cells[i]
        if isinstance(cell, tuple):
            return [c.strip() for c in cell if c.strip()]
        sep = next((s for s in self.s.separators if s in cell), None)
        parts = cell.split(sep) if sep else [cell]
        return [p.strip() for p in parts if p.strip()]

    def read(self, number: int, cells: list[Cell]) -> _Row | None:
        before = len(self.t.problems)
        data: dict[str, Any] = {}
        ident = self._text(number, cells, "id")
        if ident is None and self.col["id"] is not None:
            self._bad(number, self.col["id"], "the id is blank")
        roles = self._roles(number, cells)
        for name in TEXT_FIELDS:
            data[name] = self._text(number, cells, name)
        for name in _LISTS:
            data[name] = tuple(self._items(cells, name))
        stage = self._text(number, cells, "career_stage")
        if stage is not None:
            words = key(stage).split()
            data["career_stage"] = _STAGES.get(words[0]) if words else None
            if data["career_stage"] is None:
                self._bad(number, self.col["career_stage"],
                          f"unknown career stage {stage!r}; expected early, mid or late")
        flag = self._text(number, cells, "newcomer")
        if flag is not None:
            data["newcomer"] = self.s.is_true(flag)
            if data["newcomer"] is None:
                self._bad(number, self.col["newcomer"], f"expected yes or no, got {flag!r}")
        for name, aliases, kind in (("types", TYPE_ALIASES, "mentorship type"),
                                    ("modalities", MODALITY_ALIASES, "meeting modality")):
            data[name] = self._choices(number, cells, name, aliases, kind)
        data["capacity"] = self._count(number, cells, "capacity")
        data["demand"] = self._count(number, cells, "demand")
        topic_errors = len(self.t.problems)
        data["topics"], other = self._topics(number, cells)
        topic_errors = len(self.t.problems) - topic_errors
        free = self._text(number, cells, "other_topics")
        other_text = "; ".join(x for x in (free, *other) if x)
        data["other_topics"] = other_text or None
        if not data["topics"] and not other_text and roles and not topic_errors:
            i = self.col["topics"] if self.col["topics"] is not None else self.opts["topics"][0][0]
            self._bad(number, i, f"no topics chosen; every {' and '.join(roles)} needs at least "
                                 "one topic")
        if ident is None:
            return None
        row = _Row(self.t, number, roles, {k: v for k, v in data.items() if v is not None},
                   bad=len(self.t.problems) > before)
        row.data["id"] = ident
        row.supervisor_refs = self._items(cells, "supervisors")
        at = self.col["supervisors"]
        row.supervisor_column = None if at is None else self.t.header[at]
        return row

    def _roles(self, number: int, cells: list[Cell]) -> tuple[str, ...]:
        said = self._text(number, cells, "role")
        role = None
        if said is not None:
            role = self.s.role_values.get(key(said))
            if role is None or (self.fixed is not None and role not in (self.fixed, "both")):
                meaning = sorted(set(self.s.role_values.values()))
                words = sorted(k for k in self.s.role_values if k not in meaning)
                more = f", ... ({len(words) - 6} more)" if len(words) > 6 else ""
                known = (f"{', '.join(meaning)} (or {', '.join(map(repr, words[:6]))}{more})"
                         if words else ", ".join(meaning))
                what = (f"this file holds {self.fixed}s but the row says {said!r}"
                        if role is not None else f"unknown role {said!r}; expected {known}")
                self._bad(number, self.col["role"], what)
                return ()
        elif self.fixed is None:
            self._bad(number, self.col["role"], "the role is blank; expected mentee or mentor")
            return ()
        role = self.fixed or role
        return ("mentee", "mentor") if role == "both" else (str(role),)

    def _count(self, number: int, cells: list[Cell], name: str) -> int | None:
        text = self._text(number, cells, name)
        if text is None:
            return None
        m = _COUNT.match(text)
        if m is None or len(m.group(1)) > 6:
            sign = text.lstrip().startswith("-") and _COUNT.match(text.lstrip()[1:])
            what = "must be 0 or more" if sign else "must be a whole number such as 2"
            self._bad(number, self.col[name], f"{name} {what}, got {text!r}")
            return None
        return int(m.group(1))

    def _choices(self, number: int, cells: list[Cell], name: str, aliases: dict[str, str],
                 kind: str) -> tuple[str, ...]:
        picked: list[tuple[int | None, str]] = [
            (self.col[name], item) for item in self._items(cells, name)]
        for k, option in self.opts[name]:
            if self._checked(number, cells, k, option) is not None:
                picked.append((k, option))
        out = []
        for i, item in picked:
            value = aliases.get(key(item))
            if value is None:
                known = sorted(set(aliases.values()))
                close = difflib.get_close_matches(key(item), list(aliases), n=1)
                hint = f"; did you mean {aliases[close[0]]!r}?" if close else ""
                self._bad(number, i, f"unknown {kind} {item!r}{hint} (known: "
                                     f"{', '.join(known)})")
            else:
                out.append(value)
        return tuple(dict.fromkeys(out))

    def _checked(self, number: int, cells: list[Cell], i: int, option: str) -> float | None:
        """Weight of an option cell: None when not chosen, else in (0, 1]."""
        cell = cells[i]
        if isinstance(cell, tuple):
            self._bad(number, i, "expected one answer, got a list")
            return None
        text = cell.strip()
        if not text:
            return None
        yes = self.s.is_true(text)
        k = key(text)
        if self.s.topic_answers == "likert" and _COUNT.match(text):
            level = int(_COUNT.match(text).group(1))  # type: ignore[union-attr]
            if 1 <= level <= self.s.likert_points:
                return (level - 1) / (self.s.likert_points - 1) or None
        elif yes is not None:
            return 1.0 if yes else None
        if k and k == key(option):
            return 1.0
        if k in self.s.likert_labels:
            return self.s.likert_labels[k] or None
        levels = ", ".join(repr(w) for w in self.s.likert_labels)
        expected = (f"a number 1 to {self.s.likert_points}" if self.s.topic_answers == "likert"
                    else "yes/no, 1/0, x")
        self._bad(number, i, f"expected {expected}, the option text or an interest level "
                             f"({levels}), got {text!r}")
        return None

    def _topics(self, number: int, cells: list[Cell]) -> tuple[dict[str, float], list[str]]:
        weights: dict[str, float] = {}
        other: list[str] = []
        found: list[tuple[int | None, str, float]] = [
            (self.col["topics"], item, 1.0) for item in self._items(cells, "topics")]
        for k, option in self.opts["topics"]:
            if key(option).startswith("other"):
                text = self._text_at(cells, k)
                if text and self.s.is_true(text) is None and key(text) != key(option):
                    other.append(text)
                continue
            weight = self._checked(number, cells, k, option)
            if weight is not None:
                found.append((k, option, weight))
        for i, topic, weight in found:
            try:
                name = (self.vocab.canonical(topic) if self.vocab is not None
                        else normalize_topic(topic))
            except MentorMatchError as exc:
                self._bad(number, i, str(exc))
                continue
            weights[name] = max(weight, weights.get(name, 0.0))
        return weights, other

    @staticmethod
    def _text_at(cells: list[Cell], i: int) -> str:
        cell = cells[i]
        return "; ".join(cell) if isinstance(cell, tuple) else cell.strip()


def _option_of(header: str, question: str) -> str | None:
    """Option named by a per-option header such as ``Topics [Clinical work]``, or None."""
    h, q = " ".join(header.split()), " ".join(question.split())
    if not q or not h.casefold().startswith(q.casefold()):
        return None
    rest = h[len(q):].strip()
    if rest.startswith("[") and rest.endswith("]"):
        option = rest[1:-1]
    elif rest[:1] in ("-", ":", "_", "\u2013", "\u2014"):
        option = rest[1:]
    else:
        return None
    option = _SELECTED.sub("", option).strip()
    return option if key(option) else None


def _check_duplicates(rows: list[_Row]) -> None:
    seen: dict[tuple[str, str], _Row] = {}
    for row in rows:
        for role in row.roles:
            first = seen.setdefault((role, row.data["id"]), row)
            if first is not row:
                where = f"row {first.number}" if first.table is row.table else (
                    f"{first.table.file} {first.table.unit} {first.number}")
                row.table.problem(row.number, None, f"duplicate {role} id "
                                                    f"{row.data['id']!r} (also on {where})")


def person_lookup(people: Sequence[tuple[str, str | None, str | None]]) -> dict[str, str]:
    """Map ids, e-mails and names (case-folded; ambiguous names left out) to ids."""
    lookup: dict[str, str] = {}
    names: dict[str, set[str]] = {}
    for ident, email, name in people:
        if email:
            lookup.setdefault(email.strip().casefold(), ident)
        if name:
            names.setdefault(" ".join(name.split()).casefold(), set()).add(ident)
    for name, ids in names.items():
        if len(ids) == 1:
            lookup.setdefault(name, next(iter(ids)))
    for ident, _, _ in people:
        lookup[ident.casefold()] = ident
    return lookup


def resolve(ref: str, lookup: dict[str, str]) -> str | None:
    """Return the id a supervisor reference (id, e-mail or name) points to, or None."""
    return lookup.get(" ".join(ref.split()).casefold())


def _resolve_supervisors(rows: list[_Row], schema: SurveySchema) -> None:
    people = [(r.data["id"], r.data.get("email"), r.data.get("name")) for r in rows]
    lookup = person_lookup(people)
    ids = sorted({p[0] for p in people})
    for row in rows:
        out: list[str] = []
        for ref in row.supervisor_refs:
            ident = resolve(ref, lookup)
            if ident == row.data["id"]:
                row.table.problem(row.number, row.supervisor_column,
                                  f"{ref!r} is this person's own id; nobody supervises "
                                  "themselves")
            elif ident is not None:
                out.append(ident)
            elif schema.unknown_supervisors == "error":
                close = difflib.get_close_matches(ref, ids, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                row.table.problem(row.number, row.supervisor_column,
                                  f"unknown supervisor {ref!r}: no one in the survey has this "
                                  f"id, e-mail or name{hint} (set unknown_supervisors='ignore' "
                                  "in the schema to keep it as given)")
            else:
                out.append(ref)
        row.data["supervisors"] = tuple(dict.fromkeys(out))


def _build(rows: list[_Row]) -> dict[str, list[Any]]:
    people: dict[str, list[Any]] = {"mentee": [], "mentor": []}
    for row in rows:
        if row.bad:
            continue
        for role in row.roles:
            model = Mentee if role == "mentee" else Mentor
            drop = "capacity" if role == "mentee" else "demand"
            kwargs = {k: v for k, v in row.data.items() if k != drop}
            if role == "mentee":
                kwargs.pop("leads_divisions", None)
            try:
                people[role].append(model(**kwargs))
            except MentorMatchError as exc:
                row.table.problem(row.number, None, str(exc))
    return people
