"""Qualtrics survey files (.qsf): what the numeric codes of a Qualtrics export mean.

A Qualtrics export made with "Use numeric values" writes each answer as its
choice's number (or its recode value), and a multiple-answer question as those
numbers joined with ``,``. The survey's definition, exported from Qualtrics as
a ``.qsf`` file (JSON: ``SurveyEntry`` and a list of ``SurveyElements``), says
what they mean: each question (``"Element": "SQ"``) has a ``Payload`` with its
``DataExportTag`` (the column code, ``Q3``), ``QuestionType`` and ``Selector``
(``MC`` with ``SAVR``/``DL``: one answer; ``MAVR``/``MAHR``/``MACOL``/``MSB``:
several), ``Choices`` (``{"1": {"Display": "Clinical work"}}``) and, when the
codes were recoded, ``RecodeValues`` (``{"1": "0"}``: choice 1 is exported as
0). A ``Matrix`` question has one column per statement (``Q3_1``, or its
``ChoiceDataExportTags``) whose answers are the scale points (``Answers``,
recoded by ``RecodeValues``). :func:`read_qsf` turns this into the same
:class:`DataDictionary` a REDCap data dictionary gives, keyed by column code.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from mentormatch.survey._dictionary import DataDictionary, DictionaryField
from mentormatch.survey._table import Table, source_name

__all__ = ["read_qsf"]

_TAGS = re.compile(r"<[^>]*>")
_MULTIPLE = ("MAVR", "MAHR", "MACOL", "MSB")


def _display(item: Any) -> str:
    text = item.get("Display", "") if isinstance(item, dict) else ""
    return " ".join(_TAGS.sub("", str(text)).split())


def _coded(items: Any, recode: Any) -> dict[str, str]:
    """Code -> label: the recode value of each choice where given, else its id."""
    if not isinstance(items, dict):
        return {}
    recode = recode if isinstance(recode, dict) else {}
    return {str(recode.get(k, k)).strip(): _display(v) for k, v in items.items()
            if _display(v)}


def _fields(payload: dict[str, Any]) -> list[DictionaryField]:
    tag = str(payload.get("DataExportTag") or "").strip()
    kind = payload.get("QuestionType")
    label = " ".join(_TAGS.sub("", str(payload.get("QuestionText", ""))).split())
    if not tag:
        return []
    if kind == "MC":
        several = payload.get("Selector") in _MULTIPLE
        return [DictionaryField(tag, "multiple" if several else "radio", label,
                                _coded(payload.get("Choices"), payload.get("RecodeValues")))]
    if kind == "Matrix":
        scale = _coded(payload.get("Answers"), payload.get("RecodeValues"))
        tags = payload.get("ChoiceDataExportTags")
        tags = tags if isinstance(tags, dict) else {}
        choices = payload.get("Choices")
        choices = choices if isinstance(choices, dict) else {}
        return [DictionaryField(str(tags.get(c) or f"{tag}_{c}"), "radio",
                                f"{label} - {_display(item)}", scale)
                for c, item in choices.items()]
    return [DictionaryField(tag, "text", label)]


def read_qsf(path: str | Path) -> tuple[DataDictionary, Table]:
    """Read a Qualtrics survey file; problems are collected in the returned table.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "survey.qsf"
    >>> _ = p.write_text(json.dumps({"SurveyEntry": {}, "SurveyElements": [
    ...     {"Element": "SQ", "Payload": {
    ...         "DataExportTag": "Q5", "QuestionType": "MC", "Selector": "SAVR",
    ...         "QuestionText": "More than one mentor?", "RecodeValues": {"2": "0"},
    ...         "Choices": {"1": {"Display": "Yes"}, "2": {"Display": "No"}}}}]}))
    >>> d, t = read_qsf(p)
    >>> d.fields["Q5"].choices, t.problems
    ({'1': 'Yes', '0': 'No'}, [])
    """
    table = Table(file=source_name(path))
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        table.problem(None, None, f"cannot read the survey file: {exc}")
        return DataDictionary(table.file, {}), table
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        table.problem(None, None, f"not a Qualtrics survey file (.qsf is JSON): {exc}")
        return DataDictionary(table.file, {}), table
    elements = data.get("SurveyElements") if isinstance(data, dict) else None
    if not isinstance(elements, list):
        table.problem(None, None, "not a Qualtrics survey file: no list of SurveyElements")
        return DataDictionary(table.file, {}), table
    fields: dict[str, DictionaryField] = {}
    for element in elements:
        if isinstance(element, dict) and element.get("Element") == "SQ" \
                and isinstance(element.get("Payload"), dict):
            fields.update((f.name, f) for f in _fields(element["Payload"]))
    if not fields:
        table.problem(None, None, "the survey file defines no questions (no SQ elements)")
    return DataDictionary(table.file, fields, "the survey file"), table
