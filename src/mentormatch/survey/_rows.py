"""One survey row into one person's fields, with every mapping, split and guess noted.

Problems and notes are kept on the :class:`Row` until the row is known to stay
(a resubmission replaced under ``duplicates="keep_last"`` takes its problems
with it); :func:`mentormatch.read_survey` then commits them.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from mentormatch.errors import InvalidSlotError, MentorMatchError, SurveyProblem
from mentormatch.models import (
    MODALITY_ALIASES,
    MUST_HAVE_PHRASES,
    TYPE_ALIASES,
    MustHave,
    parse_slot,
)
from mentormatch.survey._choices import ValueMap, option_key, options_of, split_choices
from mentormatch.survey._columns import Columns, FieldSource, cell_text, is_code
from mentormatch.survey._people import is_no_one, name_key
from mentormatch.survey._report import Level, ReadEntry
from mentormatch.survey._rules import STAGE_WORDS, read_rules
from mentormatch.survey._schema import (
    BOOL_FIELDS,
    COLUMN_FIELDS,
    COUNT_FIELDS,
    LIST_FIELDS,
    RULE_COLUMNS,
    TEXT_FIELDS,
    Role,
    SurveySchema,
    key,
    looks_like,
)
from mentormatch.survey._table import Cell, Table
from mentormatch.topics import TopicVocabulary, normalize_topic

__all__ = ["Row", "RowReader"]

_COUNT = re.compile(r"^\+?(\d+)(?:\.0*)?$")
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d*)?)\s*%?\s*$")
_DONE = {"complete": True, "completed": True, "finished": True, "unverified": True,
         "incomplete": False, "partial": False, "unfinished": False, "not finished": False}
_OTHER = re.compile(r"^other(?: \(.*\))?$")
_SCALARS = ("id", "role", *TEXT_FIELDS, "career_stage", *BOOL_FIELDS, *COUNT_FIELDS,
            "supervisors", *LIST_FIELDS, "other_topics", "availability")


@dataclass
class Row:
    """One answer row: the person's fields, and what reading them found."""

    table: Table
    number: int
    roles: tuple[str, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)  # count field -> "cell" | "map"
    problems: list[SurveyProblem] = field(default_factory=list)
    notes: list[ReadEntry] = field(default_factory=list)
    supervisors: str | None = None
    supervisor_column: str | None = None
    differ: dict[str, str] = field(default_factory=dict)  # must_differ column -> answer key
    choice_cells: list[tuple[str, str | None]] = field(default_factory=list)  # in rank order
    # one list per ranking question of one column per option: (column, option, rank cell)
    rank_cells: list[list[tuple[str, str, str]]] = field(default_factory=list)
    role_data: dict[str, dict[str, Any]] = field(default_factory=dict)  # fields of one role
    # (role, column, rule) of each must-have the row states
    must_haves: list[tuple[str, str, MustHave]] = field(default_factory=list)

    @property
    def ident(self) -> str | None:
        """The id, or None when it is blank."""
        value = self.data.get("id")
        return value if isinstance(value, str) else None

    def problem(self, column: str | None, message: str) -> None:
        """Record a problem of this row."""
        self.problems.append(SurveyProblem(self.table.file, self.number, column, message,
                                           self.table.unit))

    def note(self, level: Level, topic: str, column: str | None, message: str) -> None:
        """Record a report entry of this row."""
        self.notes.append(ReadEntry.model_construct(
            level=level, topic=topic, file=self.table.file, row=self.number, column=column,
            message=message, unit=self.table.unit))


class RowReader:
    """Column positions of one table and the reading of its rows."""

    def __init__(self, table: Table, schema: SurveySchema, vocab: TopicVocabulary | None,
                 fixed: Role | None) -> None:
        self.t, self.s, self.vocab, self.fixed = table, schema, vocab, fixed
        found = Columns(table, schema)
        self.src: dict[str, FieldSource | None] = {n: found.find(n) for n in _SCALARS}
        self.multi = {n: found.find_all(n) if n == "topics" else
                      [f for f in [found.find(n)] if f] for n in ("topics", "types",
                                                                 "modalities", "tasks",
                                                                 *RULE_COLUMNS)}
        self.opts = {n: found.options(n) for n in ("topics", "types", "modalities")}
        self.days = found.options("availability")  # a checkbox grid: one column per day
        self.maps = {n: ValueMap(m) for n, m in schema.values.items()}
        self.skips = [(s, {option_key(a) for a in answers})
                      for name, answers in schema.skip_rows.items()
                      if (s := found.find_header(name)) is not None]
        self.options = {n: self._known_options(n) for n in self.multi}
        self.differ = {n: found.find_header(n) for n in schema.must_differ
                       if n != "supervisors"}
        self.ranked = found.find_all("choices")
        self.rank_options: list[list[tuple[int, str]]] = []  # per question: (column, option)
        taken = {i for s in self.ranked for i in s.columns}
        for question in schema.choices or ():
            group = [(i, o) for i, o in found.options("choices", question) if i not in taken
                     and not self.t.codes.get(i, "").upper().endswith("_TEXT")]  # typed "Other"
            taken.update(i for i, _ in group)
            if group:
                self.rank_options.append(group)
        self.questions = {h: (found.find_header(h), rule)
                          for h, rule in schema.must_have_questions.items()}
        self.status = {n: found.find(n) for n in ("finished", "progress")}
        # (id, e-mail, name) of unfinished responses left out: still nameable as supervisors
        self.left_out: list[tuple[str, str | None, str | None]] = []
        self.tool = looks_like(table.header) if schema.preset is None else None
        self.ok = self._required()
        if self.ok and self.tool and self.tool[0] == "microsoft_forms" and self.src["id"] \
                and key(self.src["id"].shown) == "id":
            self.t.note("warning", "column", None, self.src["id"].shown,
                        "ids read from 'ID', which in a Microsoft Forms export numbers the "
                        "responses, not the people (a resubmission becomes a second person): "
                        "set preset='microsoft_forms' (CLI: --preset microsoft_forms) to read "
                        "ids from 'Email'")

    def _required(self) -> bool:
        ok = True
        if self.src["id"] is None:
            ok = self._missing("id", "the id column")
        if not self.multi["topics"] and not self.opts["topics"]:
            ok = self._missing("topics", f"a topics column (or one column per topic, such as "
                                         f"'{self.s.topics[0]} [Clinical work]')")
        for name, source in self.differ.items():
            if source is None:
                ok = self._missing(name, f"the column {name!r} named in must_differ")
        for header, (source, _) in self.questions.items():
            if source is None:
                ok = self._missing(header, f"the column {header!r} named in "
                                           "must_have_questions")
        if self.fixed is None and self.src["role"] is None and "role" not in self.s.defaults:
            ok = self._missing("role", "a role column (mentee / mentor); or pass mentors_path= "
                                       "to read mentors from a second file")
        return ok

    def _missing(self, name: str, what: str) -> bool:
        names = getattr(self.s, name, None) or (name,)
        shown = ", ".join(self.t.header[:12]) + (", ..." if len(self.t.header) > 12 else "")
        hint = (f"; this looks like a {self.tool[1]} export: set preset={self.tool[0]!r} "
                f"(CLI: --preset {self.tool[0]})" if self.tool else "")
        self.t.problem(1 if self.t.unit == "row" else None, " / ".join(names) or None,
                       f"missing {what}; the header has: {shown}{hint}")
        return False

    def _known_options(self, name: str) -> frozenset[str]:
        """Options the form offered for a multi-select field (empty when unknown)."""
        groups: list[Any] = [self.s.options.get(name, ()),
                             self.maps[name].answers if name in self.maps else (),
                             [o for _, o in self.opts.get(name, [])]]
        groups.extend(self.t.choices.get(i, ()) for f in self.multi[name] for i in f.columns)
        if name == "types":
            groups.append(TYPE_ALIASES)
        elif name == "modalities":
            groups.append(MODALITY_ALIASES)
        elif name == "must_haves":
            groups.append(MUST_HAVE_PHRASES)
        elif name == "mentee_stages":
            groups.append(STAGE_WORDS)
        elif self.vocab is not None and name != "mentee_tracks":
            groups.extend([self.vocab.topics, self.vocab.aliases])
        return options_of(*groups)

    def used(self) -> dict[str, str]:
        """Each field found and the column(s) it is read from, for the read report."""
        out = {n: s.shown for n, s in self.src.items() if s is not None}
        for name, sources in self.multi.items():
            shown = [s.shown for s in sources]
            opts = self.opts.get(name, [])
            if opts:
                shown.append(f"{len(opts)} option columns ({self.t.header[opts[0][0]]!r}, ...)"
                             if len(opts) > 1 else f"option column {self.t.header[opts[0][0]]!r}")
            if shown:
                out[name] = " + ".join(shown)
        ranked = [s.shown for s in self.ranked] + [
            f"{len(g)} option columns ranked by number ({self.t.header[g[0][0]]!r}, ...)"
            for g in self.rank_options]
        if ranked:
            out["choices"] = " + ".join(ranked)
        if self.days:
            grid = f"{len(self.days)} day columns ({self.t.header[self.days[0][0]]!r}, ...)"
            out["availability"] = " + ".join(x for x in (out.get("availability"), grid) if x)
        out.update({n: s.shown for n, s in self.status.items() if s is not None})
        asked = [s.shown for s, _ in self.questions.values() if s is not None]
        if asked:
            out["must_have_questions"] = " + ".join(repr(a) for a in asked)
        return {n: out[n] for n in (*COLUMN_FIELDS, "availability", "must_have_questions",
                                    *self.status) if n in out}

    # ------------------------------------------------------------------ rows

    def read_all(self) -> list[Row]:
        """Every row not skipped, read (their problems and notes kept on each row)."""
        if not self.ok:
            return []
        rows = []
        for number, cells in self.t.rows:
            skip = next(((s, cells_at) for s, answers in self.skips
                         if (cells_at := s.text(cells)) and option_key(cells_at) in answers),
                        None)
            if skip is not None:
                self.t.note("info", "skipped", number, skip[0].shown,
                            f"row left out: {skip[0].shown} is {skip[1]!r} (schema skip_rows)")
                continue
            if self._unfinished(number, cells) and self.s.unfinished != "keep":
                continue
            rows.append(self.read(number, cells))
        return rows

    def _unfinished(self, number: int, cells: list[Cell]) -> bool:
        """Say whether a response is unfinished; report it by the schema's policy."""
        found = self._status(number, cells)
        if found is None:
            return False
        column, what = found
        source = self.src["id"]
        ident = source.text(cells) if source is not None else None
        who = f"{ident!r}: " if ident else ""
        if self.s.unfinished == "error":
            self.t.problem(number, column, f"{who}unfinished response ({what}); set "
                                           "unfinished='exclude' in the schema to leave such "
                                           "rows out, or 'keep' to read them")
            return True
        if self.s.unfinished == "keep":
            self.t.note("info", "unfinished", number, column,
                        f"{who}unfinished response read as it is ({what}; unfinished='keep')")
            return True
        if ident:
            email, name = (src.text(cells) if (src := self.src[n]) else None
                           for n in ("email", "name"))
            self.left_out.append((ident, email, name))
        if "unfinished" in self.s.model_fields_set:
            self.t.note("info", "skipped", number, column,
                        f"{who}unfinished response left out ({what}; unfinished='exclude')")
        else:
            self.t.note("warning", "skipped", number, column,
                        f"{who}unfinished response left out ({what}); state "
                        "unfinished='exclude' in the schema to accept this, or 'keep' to read "
                        "such rows")
        return True

    def _status(self, number: int, cells: list[Cell]) -> tuple[str, str] | None:
        """Return (column, why) for an unfinished response, None for a finished one."""
        done, progress = self.status["finished"], self.status["progress"]
        if done is not None and (text := done.text(cells)):
            hit, value, _ = (self.maps["finished"].get(text) if "finished" in self.maps
                             else (False, None, None))
            flag = bool(value) if hit else _finished_word(text, self.s)
            if flag is None:
                self.t.problem(number, done.shown, f"expected a completion status (yes/no, "
                                                   f"1/0, Complete/Incomplete), got {text!r}")
                return None
            return None if flag else (done.shown, f"{done.shown} is {text!r}")
        if progress is not None and (text := progress.text(cells)):
            m = _PERCENT.match(text)
            if m is None:
                self.t.problem(number, progress.shown, f"expected a percentage, got {text!r}")
                return None
            if float(m.group(1)) < 100:
                return progress.shown, f"{progress.shown} is {text}"
        return None

    def read(self, number: int, cells: list[Cell]) -> Row:
        """Read one row into a :class:`Row`."""
        row = Row(self.t, number)
        ident = self._text(row, cells, "id", mapped=False)
        if ident is None and self.src["id"] is not None:
            row.problem(self.src["id"].shown, "the id is blank")
        row.roles = self._roles(row, cells)
        for name in TEXT_FIELDS:
            row.data[name] = self._text(row, cells, name)
        for name in LIST_FIELDS:
            row.data[name] = tuple(self._list(row, cells, name))
        row.data["career_stage"] = self._stage(row, cells)
        for name in BOOL_FIELDS:
            row.data[name] = self._flag(row, cells, name)
        for name in COUNT_FIELDS:
            row.data[name] = self._count(row, cells, name)
        for name, aliases, kind in (("types", TYPE_ALIASES, "mentorship type"),
                                    ("modalities", MODALITY_ALIASES, "meeting modality")):
            row.data[name] = self._choices(row, cells, name, aliases, kind)
        topics, other, errors = self._topics(row, cells)
        row.data["topics"] = topics
        row.data["tasks"] = tuple(self._tasks(row, cells))
        free = self._text(row, cells, "other_topics", mapped=False)
        other_text = "; ".join(dict.fromkeys(x for x in (free, *other) if x))
        row.data["other_topics"] = other_text or None
        row.data["availability"] = self._availability(row, cells)
        if not topics and not other_text and row.roles and not errors:
            shown = (self.multi["topics"][0].shown if self.multi["topics"]
                     else self.t.header[self.opts["topics"][0][0]])
            row.problem(shown, f"no topics chosen; every {' and '.join(row.roles)} needs at "
                               "least one topic")
        row.data = {k: v for k, v in row.data.items() if v is not None}
        if ident is not None:
            row.data["id"] = ident
        source = self.src["supervisors"]
        if source is not None:
            row.supervisors, row.supervisor_column = source.text(cells), source.shown
        row.choice_cells = [(s.shown, s.text(cells)) for s in self.ranked]
        row.rank_cells = [[(self.t.header[i], option, cell_text(cells[i])) for i, option in g]
                          for g in self.rank_options]
        row.must_haves = self._rules(row, cells)
        for name, column in self.differ.items():
            answer = column.text(cells) if column is not None else None
            if answer and not is_no_one(answer):
                row.differ[name] = name_key(answer) or answer.casefold()
        return row

    # ------------------------------------------------------------------ fields

    def _rules(self, row: Row, cells: list[Cell]) -> list[tuple[str, str, MustHave]]:
        """Return the must-haves this row states (see :mod:`mentormatch.survey._rules`)."""
        questions = [(source.shown, rule, text)
                     for source, rule in self.questions.values()
                     if source is not None and (text := source.text(cells))]
        return read_rules(
            {n: [(c, p) for c, p, _ in self._items(row, cells, n)] for n in RULE_COLUMNS},
            questions, self.s, self.vocab,
            mapped=lambda n, column, text: self._mapped(row, n, column, text),
            problem=row.problem, note=lambda level, column, message: row.note(
                level, "must-have", column, message))

    def _text(self, row: Row, cells: list[Cell], name: str, mapped: bool = True) -> str | None:
        source = self.src[name]
        if source is None:
            return None
        if len(source.columns) == 1:
            cell = cells[source.columns[0]]
            if isinstance(cell, tuple) and len(cell) > 1:
                row.problem(source.shown, f"expected one value, got a list of {len(cell)}")
                return None
        text = source.text(cells)
        if text is not None and mapped:
            hit, value = self._mapped(row, name, source.shown, text)
            if hit:
                return value if value is None else str(value)
        return text

    def _availability(self, row: Row, cells: list[Cell]) -> tuple[str, ...] | None:
        """Slots from the free-text column and the per-day grid; unreadable answers reported."""
        answers: list[tuple[str, str]] = []  # (column shown, slot text)
        source = self.src["availability"]
        if source is not None and (text := source.text(cells)):
            answers += [(source.shown, part.strip()) for part in re.split(r"[;,\n]", text)
                        if part.strip()]
        for at, day in self.days:
            answers += [(self.t.header[at], f"{day} {part.strip()}")
                        for part in re.split(r"[;,\n]", cell_text(cells[at]))
                        if part.strip()]
        slots: list[str] = []
        for shown, answer in answers:
            try:
                slots.append(str(parse_slot(answer)))
            except InvalidSlotError as exc:
                row.note("warning", "availability", shown,
                         f"{answer!r} left out: {exc} (the other slots are kept)")
        if not slots:
            return None
        row.note("info", "availability", source.shown if source else self.t.header[
            self.days[0][0]], "read as " + "; ".join(dict.fromkeys(slots)))
        return tuple(dict.fromkeys(slots))

    def _mapped(self, row: Row, name: str, column: str | None, text: str) -> tuple[bool, Any]:
        table = self.maps.get(name)
        if table is None:
            return False, None
        hit, value, pattern = table.get(text)
        if hit and name in ("gender", "background"):  # sensitive: never printed
            row.note("info", "mapped", column, f"an answer mapped by values[{name!r}]")
        elif hit:
            how = f" (answers like {pattern!r})" if pattern else ""
            row.note("info", "mapped", column, f"{text!r} -> {name} {value!r}{how}")
        return hit, value

    def _roles(self, row: Row, cells: list[Cell]) -> tuple[str, ...]:
        source = self.src["role"]
        said = self._text(row, cells, "role", mapped=False) if source else None
        role: str | None = None
        if said is not None:
            hit, value = self._mapped(row, "role", source.shown if source else None, said)
            role = value if hit else self.s.role_values.get(key(said))
            if role is None or (self.fixed is not None and role not in (self.fixed, "both")):
                row.problem(source.shown if source else None, self._role_problem(said, role))
                return ()
        elif self.fixed is None and "role" in self.s.defaults:
            role = self.s.defaults["role"]
            row.note("info", "default", source.shown if source else None,
                     f"no role given: {role} (schema defaults)")
        elif self.fixed is None:
            row.problem(source.shown if source else None,
                        "the role is blank; expected mentee or mentor")
            return ()
        role = self.fixed or role
        return ("mentee", "mentor") if role == "both" else (str(role),)

    def _role_problem(self, said: str, role: str | None) -> str:
        if role is not None:
            return f"this file holds {self.fixed}s but the row says {said!r}"
        meaning = sorted(set(self.s.role_values.values()))
        words = sorted(k for k in self.s.role_values if k not in meaning)
        more = f", ... ({len(words) - 6} more)" if len(words) > 6 else ""
        known = (f"{', '.join(meaning)} (or {', '.join(map(repr, words[:6]))}{more})"
                 if words else ", ".join(meaning))
        return (f"unknown role {said!r}; expected {known}; map answers to roles with "
                f"values={{'role': {{{said!r}: 'mentee'}}}}")

    def _stage(self, row: Row, cells: list[Cell]) -> str | None:
        source = self.src["career_stage"]
        text = self._text(row, cells, "career_stage", mapped=False)
        if text is None or source is None:
            return None
        hit, value = self._mapped(row, "career_stage", source.shown, text)
        if hit:
            return str(value) if value is not None else None
        words = key(text).split()
        stage = STAGE_WORDS.get(words[0]) if words else None
        if stage is None:
            row.problem(source.shown, f"unknown career stage {text!r}; expected early, mid or "
                                      "late (or map answers with values={'career_stage': ...})")
        return stage

    def _flag(self, row: Row, cells: list[Cell], name: str) -> bool | None:
        source = self.src[name]
        text = self._text(row, cells, name, mapped=False)
        if text is None or source is None:
            return None
        hit, value = self._mapped(row, name, source.shown, text)
        if hit:
            return bool(value) if value is not None else None
        flag = self.s.is_true(text)
        if flag is None:
            row.problem(source.shown, f"expected yes or no, got {text!r}")
        return flag

    def _count(self, row: Row, cells: list[Cell], name: str) -> int | None:
        source = self.src[name]
        text = self._text(row, cells, name, mapped=False)
        if text is None or source is None:
            return None
        hit, value = self._mapped(row, name, source.shown, text)
        if hit:
            row.origin[name] = "map"
            return int(value) if value is not None else None
        m = _COUNT.match(text)
        if m is None or len(m.group(1)) > 6:
            sign = text.lstrip().startswith("-") and _COUNT.match(text.lstrip()[1:])
            what = "must be 0 or more" if sign else "must be a whole number such as 2"
            hint = "" if sign else (f"; map answers to numbers with values={{{name!r}: "
                                    f"{{{text!r}: 2}}}}")
            row.problem(source.shown, f"{name} {what}, got {text!r}{hint}")
            return None
        row.origin[name] = "cell"
        return int(m.group(1))

    def _split(self, row: Row, source: FieldSource, text: str,
               name: str) -> list[tuple[str, bool]]:
        cut = split_choices(text, self.s.separators, self.options[name])
        if cut.separator is not None:
            if cut.blind:
                level: Level = "warning" if "," in cut.separator else "info"
                row.note(level, "split", source.shown,
                         f"answers cut at {cut.separator!r} with no list of the form's options "
                         "(an option containing it would be cut in two; give the options, a "
                         "vocabulary or a data dictionary)")
            else:
                row.note("info", "split", source.shown,
                         f"answers cut at {cut.separator!r} between the form's options")
        return list(cut.pieces)

    def _items(self, row: Row, cells: list[Cell], name: str) -> list[tuple[str, str, bool]]:
        """Return (column, piece, known) of every multi-select answer of a field."""
        out: list[tuple[str, str, bool]] = []
        for source in self.multi.get(name, []):
            cell = cells[source.columns[0]] if len(source.columns) == 1 else ""
            if isinstance(cell, tuple):
                out.extend((source.shown, c.strip(), True) for c in cell if c.strip())
                continue
            text = source.text(cells)
            if text:
                out.extend((source.shown, p, k) for p, k in self._split(row, source, text, name))
        return out

    def _list(self, row: Row, cells: list[Cell], name: str) -> list[str]:
        source = self.src[name]
        text = self._text(row, cells, name, mapped=False)
        if text is None or source is None:
            return []
        return [p for p, _ in split_choices(text, self.s.separators, frozenset()).pieces]

    def _choices(self, row: Row, cells: list[Cell], name: str, aliases: dict[str, str],
                 kind: str) -> tuple[str, ...]:
        picked = [(c, p) for c, p, _ in self._items(row, cells, name)]
        for k, option in self.opts[name]:
            if self._checked(row, cells, k, option) is not None:
                picked.append((self.t.header[k], option))
        out: list[str] = []
        for column, item in picked:
            hit, value = self._mapped(row, name, column, item)
            if hit:
                out.extend([] if value is None else [value] if isinstance(value, str) else value)
                continue
            found = aliases.get(key(item))
            if found is None:
                known = sorted(set(aliases.values()))
                close = difflib.get_close_matches(key(item), list(aliases), n=1)
                hint = f"; did you mean {aliases[close[0]]!r}?" if close else ""
                row.problem(column, f"unknown {kind} {item!r}{hint} (known: {', '.join(known)};"
                                    f" or map answers with values={{{name!r}: ...}})")
            else:
                out.append(found)
        return tuple(dict.fromkeys(aliases.get(key(v), v) for v in out))

    def _checked(self, row: Row, cells: list[Cell], i: int, option: str) -> float | None:
        """Weight of an option cell: None when not chosen, else in (0, 1]."""
        cell = cells[i]
        if isinstance(cell, tuple):
            row.problem(self.t.header[i], "expected one answer, got a list")
            return None
        text = cell.strip()
        if not text:
            return None
        yes = self.s.is_true(text)
        k = key(text)
        level = _COUNT.match(text)
        if self.s.topic_answers == "likert" and level:
            n = int(level.group(1))
            if 1 <= n <= self.s.likert_points:
                return (n - 1) / (self.s.likert_points - 1) or None
        elif yes is not None:
            return 1.0 if yes else None
        if k and k == key(option):
            return 1.0
        if k in self.s.likert_labels:
            return self.s.likert_labels[k] or None
        levels = ", ".join(repr(w) for w in self.s.likert_labels)
        expected = (f"a number 1 to {self.s.likert_points}" if self.s.topic_answers == "likert"
                    else "yes/no, 1/0, x")
        row.problem(self.t.header[i], f"expected {expected}, the option text or an interest "
                                      f"level ({levels}), got {text!r}")
        return None

    def _topics(self, row: Row, cells: list[Cell]) -> tuple[dict[str, float], list[str], int]:
        """Topic weights, free-text topics, and how many problems were found."""
        before = len(row.problems)
        found: list[tuple[str, str, float, bool]] = [
            (c, p, 1.0, known) for c, p, known in self._items(row, cells, "topics")]
        other: list[str] = []
        for k, option in self.opts["topics"]:
            if key(option).startswith("other"):
                text = cell_text(cells[k])
                if text and self.s.is_true(text) is None and key(text) != key(option):
                    other.append(text)
                continue
            weight = self._checked(row, cells, k, option)
            if weight is not None:
                found.append((self.t.header[k], option, weight, True))
        weights: dict[str, float] = {}
        for column, item, weight, known in found:
            for name in self._topic_names(row, column, item, known, other):
                weights[name] = max(weight, weights.get(name, 0.0))
        return weights, other, len(row.problems) - before

    def _topic_names(self, row: Row, column: str, item: str, known: bool,
                     other: list[str]) -> list[str]:
        hit, value = self._mapped(row, "topics", column, item)
        if hit:
            items = [] if value is None else [value] if isinstance(value, str) else list(value)
            return [self._canonical(row, column, v) for v in items if v]
        if _OTHER.match(key(item)):
            row.note("info", "topic", column, f"{item!r} ticked: its text, if any, is read from "
                                              "the other-topics column")
            return []
        if is_code(item):
            row.problem(column, f"topic {item!r} looks like a choice code, not a topic: give "
                                "the data dictionary (REDCap), export choice text "
                                f"(Qualtrics), or map codes with values={{'topics': {{{item!r}:"
                                " 'Clinical work'}}")
            return []
        if not known and self.options["topics"]:
            close = self._close(item)
            if close is not None:
                row.problem(column, f"unknown topic {item!r}; did you mean {close!r}?")
                return []
            row.note("warning", "topic", column,
                     f"{item!r} is not one of the form's options: kept as other topics "
                     "(not matched on)")
            other.append(item)
            return []
        name = self._canonical(row, column, item)
        return [name] if name else []

    def _close(self, item: str) -> str | None:
        """Return a known topic spelt almost like ``item`` (a typo), for 'did you mean'."""
        pool = {option_key(o): o for _, o in self.opts["topics"]}
        pool.update({option_key(o): o for o in self.s.options.get("topics", ())})
        if self.vocab is not None:
            pool.update({option_key(t): t for t in self.vocab.topics})
            pool.update({option_key(a): t for a, t in self.vocab.aliases.items()})
        close = difflib.get_close_matches(option_key(item), list(pool), n=1, cutoff=0.8)
        return pool[close[0]] if close else None

    def _canonical(self, row: Row, column: str, topic: str) -> str:
        try:
            return self.vocab.canonical(topic) if self.vocab else normalize_topic(topic)
        except MentorMatchError as exc:
            row.problem(column, str(exc))
            return ""

    def _tasks(self, row: Row, cells: list[Cell]) -> list[str]:
        out: list[str] = []
        for column, item, _ in self._items(row, cells, "tasks"):
            hit, value = self._mapped(row, "tasks", column, item)
            items = ([] if value is None else [value] if isinstance(value, str) else value) \
                if hit else [item]
            out.extend(n for v in items if (n := self._canonical(row, column, v)))
        return list(dict.fromkeys(out))


def _finished_word(text: str, schema: SurveySchema) -> bool | None:
    """Read a completion status: yes/no words, Complete/Incomplete, 0 = not, 1 or 2 = done."""
    word = key(text)
    if word in _DONE:
        return _DONE[word]
    m = _COUNT.match(text.strip())
    if m is not None:  # Qualtrics 0/1; REDCap raw 0 incomplete, 1 unverified, 2 complete
        return int(m.group(1)) > 0
    return schema.is_true(text)
