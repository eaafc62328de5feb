"""Where each schema field is in a table: a column, several, a template, per-option columns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from mentormatch.survey._schema import SurveySchema, key
from mentormatch.survey._table import Cell, Table

__all__ = ["Columns", "FieldSource", "cell_text", "is_code", "option_of"]

_SELECTED = re.compile(r"^\s*selected choice\s*[-:\u2013\u2014]?\s*", re.IGNORECASE)
_CHOICE = re.compile(r"^\(\s*choice\s*=\s*(?P<option>.*)\)$", re.IGNORECASE | re.DOTALL)
_BRACES = re.compile(r"\{([^{}]*)\}")


def cell_text(cell: Cell) -> str:
    """Return a cell as one text (JSON lists joined with '; ')."""
    return "; ".join(cell) if isinstance(cell, tuple) else cell.strip()


@dataclass(frozen=True)
class FieldSource:
    """The columns one field is read from: ``parts`` alternate literal text and column indices.

    A plain field has one part, its column; a template ``"{First} {Last}"`` has
    several. ``shown`` is how problems and the report name it.
    """

    parts: tuple[str | int, ...]
    shown: str

    @cached_property
    def columns(self) -> tuple[int, ...]:
        """Indices of the columns read."""
        return tuple(p for p in self.parts if isinstance(p, int))

    def text(self, cells: list[Cell]) -> str | None:
        """Return the field's text in a row, or None when every column read is blank."""
        if len(self.parts) == 1 and isinstance(self.parts[0], int):
            return cell_text(cells[self.parts[0]]) or None
        values = [cell_text(cells[p]) for p in self.columns]
        if not any(values):
            return None
        out = "".join(p if isinstance(p, str) else cell_text(cells[p]) for p in self.parts)
        return " ".join(out.split()) or None


class Columns:
    """Finds the columns of every schema field in one table; problems go to the table."""

    def __init__(self, table: Table, schema: SurveySchema) -> None:
        self.t, self.s = table, schema
        self.keys = [tuple(key(n) for n in names) for names in table.names]

    def _hits(self, header: str, name: str) -> list[int]:
        k = key(header)
        hits = [i for i, ks in enumerate(self.keys) if k and k in ks]
        if len(hits) > 1:
            self.t.problem(None, self.t.header[hits[0]],
                           f"{len(hits)} columns have this name; the schema field {name!r} "
                           "needs exactly one")
        return hits

    def find(self, name: str) -> FieldSource | None:
        """Return the first alternative of field ``name`` present in the table, or None."""
        for header in getattr(self.s, name) or ():
            source = self._source(header, name)
            if source is not None:
                return source
        return None

    def find_all(self, name: str) -> list[FieldSource]:
        """Return every alternative of field ``name`` present (topics: all are combined)."""
        found = [self._source(h, name) for h in getattr(self.s, name) or ()]
        return [f for f in found if f is not None]

    def find_header(self, header: str) -> FieldSource | None:
        """Return the column with this header (or code), if any."""
        k = key(header)
        hits = [i for i, ks in enumerate(self.keys) if k and k in ks]
        return FieldSource((hits[0],), self.t.header[hits[0]]) if hits else None

    def _source(self, header: str, name: str) -> FieldSource | None:
        if "{" not in header:
            hits = self._hits(header, name)
            return FieldSource((hits[0],), self.t.header[hits[0]]) if hits else None
        parts: list[str | int] = []
        for k, piece in enumerate(_BRACES.split(header)):
            if k % 2 == 0:
                if piece:
                    parts.append(piece)
                continue
            hits = self._hits(piece, name)
            if not hits:
                return None
            parts.append(hits[0])
        return FieldSource(tuple(parts), header)

    def options(self, name: str, question: str | None = None) -> list[tuple[int, str]]:
        """Return the per-option columns of field ``name`` (or of one of its questions)."""
        out = []
        asked = getattr(self.s, name) or () if question is None else (question,)
        questions = [q for q in asked if "{" not in q]
        for i, names in enumerate(self.t.names):
            found = []
            for alias in names:
                option = next((o for q in questions if (o := option_of(alias, q)) is not None),
                              None)
                if option is not None and alias == self.t.codes.get(i):
                    option = _from_text(self.t.header[i]) or option  # matched by its code
                if option is not None:
                    found.append(option)
            if found:
                out.append((i, next((o for o in found if not is_code(o)), found[0])))
        return out


def is_code(text: str) -> bool:
    """Whether an option or answer looks like a choice code ('1', '__3', '4_TEXT').

    Examples
    --------
    >>> is_code("__3"), is_code("4_TEXT"), is_code("Teaching")
    (True, True, False)
    """
    return re.fullmatch(r"_*-?\d+(?:[._]\w+)?", text.strip()) is not None


def _from_text(header: str) -> str | None:
    """Qualtrics: 'Question - Option' (or 'Question - Other - Text') -> the option."""
    parts = [p.strip() for p in re.split(r"\s+[-\u2013\u2014]\s+", header) if p.strip()]
    if len(parts) >= 3 and parts[-1].casefold() == "text":
        return parts[-2]
    return parts[-1] if len(parts) >= 2 else None


def option_of(header: str, question: str) -> str | None:
    """Option named by a per-option header such as ``Topics [Clinical work]``, or None.

    Examples
    --------
    >>> option_of("Topics [Clinical work]", "topics"), option_of("Topics - QI", "Topics")
    ('Clinical work', 'QI')
    >>> option_of("Topics (choice=Research, scholarship)", "Topics")
    'Research, scholarship'
    >>> option_of("Topics", "Topics") is None
    True
    """
    h, q = " ".join(header.split()), " ".join(question.split())
    if not q or not h.casefold().startswith(q.casefold()):
        return None
    rest = h[len(q):].strip()
    choice = _CHOICE.match(rest)
    if choice:
        option = choice["option"]
    elif rest.startswith("[") and rest.endswith("]"):
        option = rest[1:-1]
    elif rest[:1] in ("-", ":", "_", "\u2013", "\u2014"):
        option = rest[1:]
    else:
        return None
    option = _SELECTED.sub("", option).strip()
    return option if key(option) else None
