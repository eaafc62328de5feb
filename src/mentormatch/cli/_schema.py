"""The ``mentormatch schema`` command: JSON Schema of the files a web form or tool exchanges.

``cohort`` is what ``mentormatch match`` and :class:`mentormatch.Cohort` accept
(validation mode: topics as a list *or* a ``{topic: weight}`` mapping);
``result`` is what ``--json`` and :func:`mentormatch.write_json` write
(serialisation mode); ``survey-schema`` is the column mapping given to
``--schema`` and :class:`mentormatch.SurveySchema`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from mentormatch.io import atomic_write_text
from mentormatch.models import Cohort, MatchResult
from mentormatch.survey import SurveySchema

__all__ = ["SCHEMAS", "add_schema_parser", "cmd_schema", "json_schema"]

#: Schema name -> (model, pydantic schema mode, title).
SCHEMAS: dict[str, tuple[Any, str, str]] = {
    "cohort": (Cohort, "validation", "mentormatch cohort"),
    "result": (MatchResult, "serialization", "mentormatch match result"),
    "survey-schema": (SurveySchema, "validation", "mentormatch survey column mapping"),
}

_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _summaries(node: Any) -> Any:
    """Cut every ``description`` to its docstring's first paragraph (no doctest examples)."""
    if isinstance(node, dict):
        out = {k: _summaries(v) for k, v in node.items()}
        if isinstance(out.get("description"), str):
            out["description"] = out["description"].split("\n\n")[0].replace("\n", " ")
        return out
    if isinstance(node, list):
        return [_summaries(v) for v in node]
    return node


def json_schema(name: str) -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of ``"cohort"``, ``"result"`` or ``"survey-schema"``.

    Examples
    --------
    >>> topics = json_schema("cohort")["$defs"]["Mentee"]["properties"]["topics"]
    >>> sorted(form["type"] for form in topics["anyOf"])
    ['array', 'object']
    """
    model, mode, title = SCHEMAS[name]
    schema = _summaries(model.model_json_schema(mode=mode))
    return {"$schema": _DIALECT, **schema, "title": title}


def add_schema_parser(sub: Any) -> None:
    """Add the ``schema`` subcommand to an argparse subparsers object."""
    p = sub.add_parser("schema", help="print the JSON Schema of a cohort, a result or a "
                                      "survey column mapping (for web form builders)")
    p.add_argument("which", choices=sorted(SCHEMAS), help="which file's schema")
    p.add_argument("--out", type=Path, help="write the schema here instead of printing it")


def cmd_schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print or write one JSON Schema."""
    text = json.dumps(json_schema(args.which), indent=2) + "\n"
    if args.out:
        atomic_write_text(args.out, text)
        print(f"{args.which} schema written to {args.out}", file=out)
    else:
        out.write(text)
    return 0
