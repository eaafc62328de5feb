"""Read CSV, XLSX and JSON survey exports into one plain table of text cells.

Every problem is collected as a :class:`SurveyProblem` naming the file and the
row (as a spreadsheet shows it: the header is row 1) instead of being raised, so
that a caller can report all problems of a file at once. A pandas DataFrame is
read as the spreadsheet it came from: its column names are row 1.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from mentormatch.errors import SurveyProblem
from mentormatch.survey._report import Level, ReadEntry
from mentormatch.survey._schema import SurveySchema, key

__all__ = ["Cell", "Frame", "Source", "Table", "load_table", "source_name"]

Cell = str | tuple[str, ...]
"""A cell's text; JSON lists arrive already split into a tuple."""

_CSV = (".csv", ".tsv", ".txt")
_XLSX = (".xlsx", ".xlsm")
_JSON = (".json",)
_LIST_KEYS = ("responses", "rows", "records", "data", "results", "values")
_SUFFIX = re.compile(r"\s*[-:\u2013\u2014]\s*selected choice\s*$", re.IGNORECASE)


class Frame(Protocol):
    """What is used of a pandas DataFrame (pandas itself is not needed)."""

    @property
    def columns(self) -> Any:
        """Column labels."""

    def itertuples(self, index: bool = ..., name: str | None = ...) -> Any:
        """Rows as tuples."""


Source = str | Path | Frame
"""A survey file path, or a DataFrame of its rows."""


def source_name(source: Source) -> str:
    """Return how problems and the report name a source: its file name, or 'DataFrame'."""
    if isinstance(source, str | Path):
        path = Path(source)
        return path.name or str(path)
    return "DataFrame"


@dataclass
class Table:
    """Header names and data rows of one file, each row with its spreadsheet number."""

    file: str
    unit: str = "row"
    header: list[str] = field(default_factory=list)
    names: list[tuple[str, ...]] = field(default_factory=list)
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)
    problems: list[SurveyProblem] = field(default_factory=list)
    notes: list[ReadEntry] = field(default_factory=list)
    choices: dict[int, tuple[str, ...]] = field(default_factory=dict)
    codes: dict[int, str] = field(default_factory=dict)
    n_read: int = 0

    def problem(self, row: int | None, column: str | None, message: str) -> None:
        """Record a problem at ``row`` / ``column`` of this file."""
        self.problems.append(SurveyProblem(self.file, row, column, message, self.unit))

    def note(self, level: Level, topic: str, row: int | None, column: str | None,
             message: str) -> None:
        """Record what was done at ``row`` / ``column`` for the read report."""
        # built from the reader's own values: validation would only cost time
        self.notes.append(ReadEntry.model_construct(level=level, topic=topic, file=self.file,
                                                    row=row, column=column, message=message,
                                                    unit=self.unit))

    def add_names(self, i: int, *names: str) -> None:
        """Give column ``i`` more names it can be found by (codes, labels)."""
        self.names[i] = tuple(dict.fromkeys((*self.names[i], *(n for n in names if n))))


def load_table(path: Source, schema: SurveySchema) -> Table:
    r"""Read a CSV / XLSX / JSON file or a DataFrame into a :class:`Table`, collecting problems.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = p.write_text("ID;Role\ne1;mentee\n")
    >>> t = load_table(p, SurveySchema())
    >>> t.header, t.rows, t.problems
    (['ID', 'Role'], [(2, ['e1', 'mentee'])], [])
    """
    table = Table(file=source_name(path))
    if not isinstance(path, str | Path):
        frame_rows = _read_frame(path, table)
        if frame_rows is not None:
            _split_header(frame_rows, schema, table)
        return table
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (*_CSV, *_XLSX, *_JSON):
        known = ", ".join((*_CSV, *_XLSX, *_JSON))
        table.problem(None, None, f"unsupported file type {suffix or '(none)'!r}; "
                                  f"expected one of {known}")
        return table
    if not path.is_file():
        table.problem(None, None, f"file not found: {str(path)!r}")
        return table
    raw: list[tuple[int, list[Cell]]] | None
    if suffix in _XLSX:
        raw = _read_xlsx(path, schema, table)
    else:
        try:
            data = path.read_bytes()
        except OSError as exc:
            table.problem(None, None, f"cannot read the file: {exc}")
            return table
        text = _decode(data, schema, table)
        if text is None:
            return table
        raw = _read_json(text, table) if suffix in _JSON else _read_csv(text, suffix, schema,
                                                                          table)
    if raw is not None:
        _split_header(raw, schema, table)
    return table


def _decode(data: bytes, schema: SurveySchema, table: Table) -> str | None:
    encoding = schema.encoding
    if encoding is None:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        else:
            encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except LookupError:
        table.problem(None, None, f"unknown text encoding {encoding!r} in the schema")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        shown = "UTF-8" if encoding == "utf-8-sig" else encoding
        hint = "set `encoding` in the schema"
        if encoding == "utf-8-sig" and _decodes(data, "cp1252"):
            hint = ("set encoding='cp1252' in the schema if Excel on Windows saved it (check "
                    "the accents in the read report's names)")
        table.problem(line, None, f"the file is not {shown} text (byte "
                                  f"0x{data[exc.start]:02x} at offset {exc.start}); save it as "
                                  f"'CSV UTF-8' or {hint}")
    else:
        if "\x00" not in text:
            return text
        # No text file holds NUL characters: a UTF-16 file without its byte-order mark
        # decodes as one, every other byte; anything else is a damaged or binary file.
        wide = data.count(b"\x00") * 3 >= len(data)
        # ASCII text in UTF-16 has its NULs at odd offsets little-endian, even big-endian;
        # as many at both says nothing, so both are named.
        odd, even = data[1::2].count(0), data[0::2].count(0)
        order = ("encoding='utf-16-le' or 'utf-16-be' (whichever shows the names rightly)"
                 if odd == even else f"encoding='utf-16-{'le' if odd > even else 'be'}'")
        hint = (f"set {order} in the schema (a UTF-16 file without its byte-order mark)"
                if wide else "save the sheet again as 'CSV UTF-8'")
        table.problem(text[:text.index("\x00")].count("\n") + 1, None,
                      f"the text holds NUL characters, which no survey export has; {hint}")
    return None


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _read_csv(text: str, suffix: str, schema: SurveySchema,
              table: Table) -> list[tuple[int, list[Cell]]]:
    delimiter = schema.delimiter
    if delimiter is None:
        if suffix == ".tsv":
            delimiter = "\t"
        else:
            first = next((line for line in text.splitlines() if line.strip()), "")
            counts = {d: first.count(d) for d in (",", ";", "\t")}
            delimiter = max(counts, key=lambda d: (counts[d], d == ","))
    rows: list[tuple[int, list[Cell]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            table.problem(number + 1, None, f"the CSV cannot be parsed here ({exc}); "
                                            "check quotes around cells")
            break
        number += 1
        rows.append((number, list(cells)))
    return rows


def _read_frame(frame: Frame, table: Table) -> list[tuple[int, list[Cell]]] | None:
    try:
        header = [_text(c) for c in frame.columns]
        body = [[_frame_cell(v) for v in values]
                for values in frame.itertuples(index=False, name=None)]
    except (AttributeError, TypeError) as exc:
        table.problem(None, None, f"expected a file path or a pandas DataFrame, got "
                                  f"{type(frame).__name__} ({exc})")
        return None
    return [(1, list(header)), *((n, list(r)) for n, r in enumerate(body, start=2))]


def _frame_cell(value: Any) -> Cell:
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, list | tuple):
        return tuple(_text(v) for v in value if v is not None)
    if type(value).__name__ in ("NAType", "NaTType"):
        return ""
    if hasattr(value, "isoformat") and hasattr(value, "to_pydatetime"):
        return str(value.to_pydatetime().isoformat())
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()  # numpy scalar
    return _text(value)


def _read_xlsx(path: Path, schema: SurveySchema,
               table: Table) -> list[tuple[int, list[Cell]]] | None:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is in the report/test extras
        table.problem(None, None, "reading .xlsx needs openpyxl: "
                                  "pip install 'mentormatch[report]'")
        return None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on a damaged file
        table.problem(None, None, f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})")
        return None
    try:
        if schema.sheet is not None and schema.sheet not in book.sheetnames:
            table.problem(None, None, f"no worksheet {schema.sheet!r}; the workbook has "
                                      f"{', '.join(map(repr, book.sheetnames))}")
            return None
        sheet = book[schema.sheet] if schema.sheet is not None else book.worksheets[0]
        rows: list[tuple[int, list[Cell]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, [_text(v) for v in values]))
        others = [name for name in book.sheetnames if name != sheet.title]
        if schema.sheet is None and others and not any(any(c for c in r) for _, r in rows):
            table.problem(None, None, f"the first worksheet, {sheet.title!r}, is empty; the "
                                      f"workbook also has {', '.join(map(repr, others))}: name "
                                      "the one holding the answers with sheet=... in the schema")
            return None
        return rows
    finally:
        book.close()


def _text(value: Any) -> str:
    """Render a spreadsheet or JSON scalar as the text a person would see."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _read_json(text: str, table: Table) -> list[tuple[int, list[Cell]]] | None:
    try:
        data = json.loads(text, object_pairs_hook=_Answers.of)
    except (json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        table.problem(None, None, f"invalid JSON{f' at line {line}' if line else ''}: {exc}")
        return None
    if isinstance(data, dict):
        lists = [k for k in _LIST_KEYS if isinstance(data.get(k), list)]
        if not lists:
            lists = [k for k, v in data.items() if isinstance(v, list)]
        if len(lists) != 1:
            table.problem(None, None, "expected a list of responses, or an object with one list "
                                      f"of them under one of the keys {', '.join(_LIST_KEYS)}")
            return None
        data = data[lists[0]]
    if not isinstance(data, list):
        table.problem(None, None, "expected a list of responses (objects or rows)")
        return None
    if data and all(isinstance(r, list) for r in data):
        return [(n, [_json_cell(c, table, n, None) for c in r]) for n, r in
                enumerate(data, start=1)]
    table.unit = "record"
    header: dict[str, None] = {}
    for n, record in enumerate(data, start=1):
        if not isinstance(record, dict):
            table.problem(n, None, f"expected an object of answers, got {type(record).__name__}")
            continue
        header.update(dict.fromkeys(str(k) for k in record))
    names = list(header)
    rows: list[tuple[int, list[Cell]]] = [(0, list(names))]
    for n, record in enumerate(data, start=1):
        if isinstance(record, dict):
            for name in getattr(record, "twice", ()):
                table.problem(n, name, "the key is in the record twice; JSON keeps only the "
                                       "last value, so the first answer would be lost")
            got = {str(k): v for k, v in record.items()}
            rows.append((n, [_json_cell(got.get(h), table, n, h) for h in names]))
    return rows


class _Answers(dict[str, Any]):
    """A JSON object, remembering the keys it held more than once (``json`` keeps the last)."""

    twice: tuple[str, ...] = ()

    @classmethod
    def of(cls, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        """Build the object of ``pairs`` (``object_pairs_hook``), noting repeated keys."""
        out = cls(pairs)
        if len(out) < len(pairs):
            names = [k for k, _ in pairs]
            out.twice = tuple(dict.fromkeys(k for k in names if names.count(k) > 1))
        return out


def _json_cell(value: Any, table: Table, row: int, column: str | None) -> Cell:
    if isinstance(value, list):
        items = [_json_cell(v, table, row, column) for v in value]
        return tuple(i for i in items if isinstance(i, str))
    if isinstance(value, dict):
        table.problem(row, column, "nested objects are not supported; give text, a number "
                                   "or a list")
        return ""
    return _text(value)


def _split_header(raw: list[tuple[int, list[Cell]]], schema: SurveySchema,
                  table: Table) -> None:
    """Find the header (and SurveyMonkey sub-header, Qualtrics codes) and keep the answers."""
    if table.unit == "record":  # JSON objects: the keys are the header
        table.header = [c if isinstance(c, str) else "" for c in raw[0][1]]
        table.names = [_aliases(h) for h in table.header]
        table.rows = [r for r in raw[1:] if any(_filled(c) for c in r[1])]
        table.n_read = len(table.rows)
        if not table.rows and not table.problems:
            table.problem(None, None, "the file holds no responses")
        return
    by_number = dict(raw)
    header_cells = by_number.get(schema.header_row)
    if not raw or header_cells is None or not any(_filled(c) for c in header_cells):
        what = "the file is empty" if not any(any(_filled(c) for c in r) for _, r in raw) else (
            f"row {schema.header_row} (the header row) is blank")
        table.problem(None, None, f"{what}; expected a header row naming the columns")
        return
    header = [c if isinstance(c, str) else "; ".join(c) for c in header_cells]
    first = schema.header_row + 1
    if schema.subheader:
        sub = by_number.get(schema.header_row + 1, [])
        header = _merge_subheader(header, [c if isinstance(c, str) else "" for c in sub])
        first += 1
    if schema.data_row is not None:
        first = schema.data_row
    table.header = [h.strip() for h in header]
    width = len(table.header)
    while width and not table.header[width - 1]:
        width -= 1
    codes = by_number.get(schema.code_row, []) if schema.code_row is not None else []
    table.codes = {k: c.strip() for k, c in enumerate(codes[:len(table.header)])
                   if isinstance(c, str) and c.strip()}
    table.names = [_aliases(h, table.codes.get(k, "")) for k, h in enumerate(table.header)]
    heading = {_stripped(cells, width): n for n, cells in raw
               if n < first and any(_filled(c) for c in cells)}
    for number, cells in raw:
        if number < first or not any(_filled(c) for c in cells):
            continue
        again = heading.get(_stripped(cells, width))
        if again is not None:
            table.note("warning", "skipped", number, None,
                       f"row left out: it repeats row {again} of the header (two exports "
                       "pasted into one file?)")
            continue
        extra = [c for c in cells[width:] if _filled(c)]
        if extra:
            table.problem(number, None, f"the row has {width + len(cells[width:])} cells but "
                                        f"the header has {width} columns (an unquoted separator "
                                        "inside a cell?)")
            continue
        table.rows.append((number, list(cells[:width]) + [""] * (width - len(cells))))
    table.n_read = len(table.rows)
    if not table.rows and not table.problems:
        table.problem(None, None, "the file holds no responses (only a header)")


def _stripped(cells: list[Cell], width: int) -> tuple[Cell, ...]:
    """Return a row's first ``width`` cells, stripped and padded, to compare rows."""
    cut = [c.strip() if isinstance(c, str) else c for c in cells[:width]]
    return tuple(cut + [""] * (width - len(cut)))


def _aliases(header: str, code: str = "") -> tuple[str, ...]:
    """Return a column's names: its header, without ' - Selected Choice', its code."""
    header = header.strip()
    return tuple(dict.fromkeys(n for n in (header, _SUFFIX.sub("", header), code.strip()) if n))


def _merge_subheader(header: list[str], sub: list[str]) -> list[str]:
    """SurveyMonkey: question in the header (once), option names in the row below."""
    out: list[str] = []
    question = ""
    for k, name in enumerate(header):
        question = name.strip() or question
        option = sub[k].strip() if k < len(sub) else ""
        if option and key(option) not in ("response", "open ended response"):
            out.append(f"{question} [{option}]")
        else:
            out.append(name.strip())
    return out


def _filled(cell: Cell) -> bool:
    return bool(cell) if isinstance(cell, tuple) else bool(cell.strip())
