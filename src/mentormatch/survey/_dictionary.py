"""REDCap data dictionaries: what the codes of a raw export mean.

A raw REDCap export names columns by variable (``role``, ``topics___3``) and
writes coded answers (``1``, ``2``); the project's data dictionary (a CSV with
``Variable / Field Name``, ``Field Type``, ``Field Label`` and ``Choices,
Calculations, OR Slider Labels`` written ``1, Clinical work | 2, Research``)
says what they mean. :func:`apply_dictionary` gives each column its field label
as a second name, names checkbox columns after their option
(``topics [Clinical work]``), and decodes radio, dropdown, yes/no and
true/false answers to their labels, each decoding reported. A Qualtrics survey
file (:func:`~mentormatch.survey._qsf.read_qsf`) gives a dictionary of the same
shape, keyed by column code, with ``multiple`` fields: several codes joined
with ``,`` in one cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from mentormatch.survey._schema import SurveySchema, key
from mentormatch.survey._table import Cell, Table, load_table

__all__ = ["DataDictionary", "DictionaryField", "apply_dictionary", "read_data_dictionary"]

_CODED = ("radio", "dropdown", "yesno", "truefalse")
_FIXED = {"yesno": {"1": "Yes", "0": "No"}, "truefalse": {"1": "True", "0": "False"}}
_TAGS = re.compile(r"<[^>]*>")
_CHECKBOX = re.compile(r"^(?P<var>.+?)___(?P<code>[^_].*)$")


@dataclass(frozen=True)
class DictionaryField:
    """One variable: its type, label and coded choices (code -> label)."""

    name: str
    kind: str
    label: str
    choices: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DataDictionary:
    """The variables of a REDCap project, by variable name."""

    file: str
    fields: dict[str, DictionaryField]
    what: str = "the data dictionary"  # how messages name it


def _choices(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in text.split("|"):
        code, sep, label = item.partition(",")
        if sep and code.strip():
            out[code.strip()] = " ".join(_TAGS.sub("", label).split())
    return out


def read_data_dictionary(path: str | Path) -> tuple[DataDictionary, Table]:
    r"""Read a REDCap data dictionary CSV; problems are collected in the returned table.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "dict.csv"
    >>> _ = p.write_text('Variable / Field Name,Form Name,Field Type,Field Label,'
    ...                  '"Choices, Calculations, OR Slider Labels"\n'
    ...                  'role,survey,radio,I would like to,"1, Mentor | 2, Be mentored"\n')
    >>> d, t = read_data_dictionary(p)
    >>> d.fields["role"].choices, t.problems
    ({'1': 'Mentor', '2': 'Be mentored'}, [])
    """
    table = load_table(path, SurveySchema())
    keys = [key(h) for h in table.header]
    wanted = {"name": "variable / field name", "kind": "field type", "label": "field label",
              "choices": "choices, calculations, or slider labels"}
    at: dict[str, int] = {}
    for what, header in wanted.items():
        found = [i for i, k in enumerate(keys) if k == key(header)
                 or (what == "choices" and k.startswith("choices"))]
        if found:
            at[what] = found[0]
        elif table.header:
            table.problem(1, None, f"not a REDCap data dictionary: no {header!r} column")
    fields: dict[str, DictionaryField] = {}
    if len(at) == len(wanted):
        for _, cells in table.rows:
            name, kind, label, choices = (str(cells[at[w]]).strip() for w in wanted)
            kind = kind.casefold()
            coded = _FIXED.get(kind) or (_choices(choices) if kind in (*_CODED, "checkbox")
                                         else {})
            fields[name] = DictionaryField(name, kind, " ".join(_TAGS.sub("", label).split()),
                                           coded)
    return DataDictionary(table.file, fields), table


def apply_dictionary(table: Table, dictionary: DataDictionary) -> None:
    """Name a raw export's columns by label and option, and decode its coded answers."""
    for i, header in enumerate(table.header):
        var = dictionary.fields.get(header) or dictionary.fields.get(table.codes.get(i, ""))
        box = _CHECKBOX.match(header)
        if var is not None:
            table.add_names(i, var.label)
            if var.choices:
                table.choices[i] = tuple(var.choices.values())
            if var.kind in (*_CODED, "multiple") and var.choices:
                _decode(table, i, var, dictionary.what)
        elif box and box["var"] in dictionary.fields:
            parent = dictionary.fields[box["var"]]
            label = parent.choices.get(box["code"])
            if label is None:
                known = ", ".join(parent.choices) or "none"
                table.problem(None, header, f"checkbox code {box['code']!r} is not a choice "
                                            f"of {parent.name!r} in {dictionary.file} (codes: "
                                            f"{known})")
                continue
            table.add_names(i, f"{parent.name} [{label}]", f"{parent.label} [{label}]")


def _decode(table: Table, i: int, var: DictionaryField, what: str) -> None:
    used: dict[str, str] = {}
    for number, cells in table.rows:
        cell = cells[i]
        if not isinstance(cell, str) or not cell.strip():
            continue
        codes = [c.strip() for c in cell.split(",")] if var.kind == "multiple" else [
            cell.strip()]
        labels = [var.choices.get(c) for c in codes]
        if all(label is not None for label in labels):
            used.update(zip(codes, (str(label) for label in labels), strict=True))
            cells[i] = _decoded(var, [str(label) for label in labels])
            continue
        if cell.strip() in var.choices.values() or not all(_code(c) for c in codes):
            continue  # already a label (a labels export)
        unknown = next(c for c, label in zip(codes, labels, strict=True) if label is None)
        table.problem(number, table.header[i], f"{unknown!r} is not a code of {var.name!r} in "
                                               f"{what} (codes: "
                                               f"{', '.join(var.choices)})")
    if used:
        shown = ", ".join(f"{c} = {label!r}" for c, label in sorted(used.items()))
        table.note("info", "decoded", None, table.header[i],
                   f"codes read with {what}: {shown}")


def _decoded(var: DictionaryField, labels: list[str]) -> Cell:
    """One label, or the labels of a multiple-answer cell as a list (never split again)."""
    return tuple(labels) if var.kind == "multiple" else labels[0]


def _code(text: str) -> bool:
    return re.fullmatch(r"-?\d+", text) is not None
