"""What each ``mentormatch`` command does; ``_cli`` only parses arguments.

Output never includes sensitive attributes (gender, background): only ids,
names, scores, topics, reasons and notes, none of which name those values.
Progress goes to stderr, and only when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import pydantic

from mentormatch.errors import InvalidInputError
from mentormatch.io import atomic_write_csv, csv_text, write_files
from mentormatch.matching import match, rematch, shortlist
from mentormatch.models import Cohort, MatchResult, Mentee
from mentormatch.progress import Progress
from mentormatch.report import MAIL_MERGE_COLUMNS, mail_merge_records, render_report
from mentormatch.survey import (
    SurveySchema,
    read_org_chart,
    read_survey,
    survey_template,
    with_supervisors,
)
from mentormatch.synthetic import example_cohort

__all__ = ["COMMANDS", "check_paths", "format_result", "load_cohort", "parse_pair"]


def format_result(result: MatchResult, width: int = 100) -> str:
    """Render a result as a readable plain-text table with reasons.

    Examples
    --------
    >>> import mentormatch as mm
    >>> text = format_result(mm.match(mm.example_cohort()))
    >>> text.splitlines()[0].startswith("mentee")
    True
    """
    cohort = result.cohort
    names = {}
    if cohort is not None:
        names = {p.id: p.name or p.id for p in (*cohort.mentees, *cohort.mentors)}
    lines = [f"{'mentee':<10} {'mentor':<12} {'score':>5}  reasons", "-" * width]
    indent = " " * 31
    for p in result.pairs:
        mark = " (locked)" if p.locked else ""
        head = f"{p.mentee:<10} {p.mentor:<12} {p.score:>5.2f}  "
        body = "; ".join(p.reasons) + mark
        wrapped = textwrap.wrap(body, width=width - len(indent)) or [""]
        lines.append(head + wrapped[0])
        lines.extend(indent + w for w in wrapped[1:])
        if p.mentor in names:
            lines.append(indent + f"[{names.get(p.mentee, p.mentee)} <- {names[p.mentor]}]")
    for u in result.unmatched:
        lines.append(f"UNMATCHED {u.mentee}: {u.reason}")
    for s in result.shortfall:
        lines.append(f"SHORT     {s.mentee}: asked {s.asked}, got {s.given}: {s.reason}")
    for c in result.changes:
        lines.append(f"{c.action.upper():<9} {c.mentee} - {c.mentor}: {c.why}")
    for note in result.notes:
        lines.append(f"NOTE      {note}")
    m = result.metrics
    lines.append("-" * width)
    lines.append(
        f"{m.n_pairs} pairs; {m.mentees_matched}/{m.mentees_asking} mentees matched; "
        f"mean score {m.mean_score:.2f}, min {m.min_score:.2f}; "
        f"topics covered {m.topic_coverage:.0%}; solver {result.provenance.solver}"
    )
    return "\n".join(lines)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{path}: not valid JSON (line {exc.lineno}, column "
                                f"{exc.colno}): {exc.msg}") from None


def _is_cohort_json(path: Path) -> Any:
    """Return the parsed JSON if ``path`` is a cohort JSON file, else ``None``."""
    if path.suffix.lower() != ".json":
        return None
    data = _read_json(path)
    return data if isinstance(data, dict) and "mentees" in data else None


def load_cohort(path: Path, schema: Path | None = None,
                org_chart: Path | None = None) -> Cohort:
    """Read a cohort JSON file or a survey export (chosen by content and extension).

    A ``.json`` file with a top-level ``"mentees"`` key and no ``schema`` is a
    cohort; anything else is read with :func:`mentormatch.read_survey`. An org
    chart adds supervisor relations (never matched).
    """
    data = _is_cohort_json(path) if schema is None else None
    if data is not None:
        cohort = Cohort.model_validate(data)
    else:
        parsed = SurveySchema.from_json(schema) if schema is not None else None
        cohort = read_survey(path, schema=parsed)
    if org_chart is not None:
        cohort = with_supervisors(cohort, read_org_chart(org_chart))
    return cohort


def parse_pair(text: str) -> tuple[str, str]:
    """Parse ``MENTEE:MENTOR`` (split at the last colon).

    Examples
    --------
    >>> parse_pair("new-01:mentor-05")
    ('new-01', 'mentor-05')
    """
    mentee, sep, mentor = text.rpartition(":")
    if not sep or not mentee.strip() or not mentor.strip():
        raise InvalidInputError(f"--release expects MENTEE:MENTOR, got {text!r}")
    return mentee.strip(), mentor.strip()


def _n_outputs(args: argparse.Namespace) -> int:
    return sum(1 for key in OUTPUT_ARGS if getattr(args, key, None))


def _write_outputs(result: MatchResult, args: argparse.Namespace, out: TextIO,
                   bar: Progress, extra: dict[Path, tuple[str, str]] | None = None) -> None:
    """Write every requested output, all or none (see :func:`mentormatch.io.write_files`)."""
    files: dict[Path, tuple[str, str]] = {}
    if args.out:
        files[args.out] = (csv_text(MAIL_MERGE_COLUMNS, mail_merge_records(result)), "pairs")
    if args.json:
        files[args.json] = (result.model_dump_json(indent=2), "result")
    if args.report:
        files[args.report] = (render_report(result), "report")
    files.update(extra or {})
    write_files({path: text.encode("utf-8") for path, (text, _) in files.items()})
    for path, (_, what) in files.items():
        bar.update()
        print(f"{what} written to {path}", file=out)


#: Arguments naming files the CLI reads, and files it writes.
INPUT_ARGS = ("input", "cohort", "result", "join", "schema", "join_schema", "org_chart")
OUTPUT_ARGS = ("out", "json", "report", "save_cohort")


def _identity(path: Path) -> object:
    """Return what makes two paths the same file (hard and symbolic links included)."""
    try:
        st = path.stat()
    except OSError:
        return path.resolve()
    return (st.st_dev, st.st_ino)


def check_paths(args: argparse.Namespace) -> None:
    """Refuse, before any work, outputs that name an input or each other.

    Raises
    ------
    InvalidInputError
        Naming both options; nothing has been read or written.

    Examples
    --------
    >>> ns = argparse.Namespace(input=Path("in.json"), json=Path("in.json"))
    >>> check_paths(ns)
    Traceback (most recent call last):
    ...
    mentormatch.errors.InvalidInputError: --json in.json is also the input file: ...
    """
    def flag(name: str) -> str:
        return "the input file" if name == "input" else "--" + name.replace("_", "-")

    inputs = {_identity(p): name for name in INPUT_ARGS if (p := getattr(args, name, None))}
    outputs: dict[object, str] = {}
    for name in OUTPUT_ARGS:
        path = getattr(args, name, None)
        if path is None:
            continue
        key = _identity(path)
        if key in inputs:
            raise InvalidInputError(
                f"{flag(name)} {path} is also {flag(inputs[key])}: refusing to overwrite "
                "an input; nothing was written")
        if key in outputs:
            raise InvalidInputError(f"{flag(name)} and {flag(outputs[key])} both name {path}: "
                                    "nothing was written")
        outputs[key] = name


def _solve_options(args: argparse.Namespace) -> dict[str, Any]:
    return {} if args.min_score is None else {"min_score": args.min_score}


def cmd_demo(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Match the built-in example cohort and print the pairs."""
    with Progress(1, f"demo ({args.solver})", stream=err) as bar:
        result = match(example_cohort(), solver=args.solver)
        bar.update()
    print(format_result(result), file=out)
    return 0


def cmd_match(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Match a cohort or survey and write the requested files."""
    with Progress(2 + _n_outputs(args), f"match ({args.solver})", stream=err) as bar:
        cohort = load_cohort(args.input, args.schema, args.org_chart)
        bar.update()
        result = match(cohort, solver=args.solver, **_solve_options(args))
        bar.update()
        print(format_result(result), file=out)
        _write_outputs(result, args, out, bar)
    return 0


def cmd_shortlist(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print (and optionally write) the best ``k`` mentors per mentee."""
    with Progress(2, "shortlist", stream=err) as bar:
        cohort = load_cohort(args.input, args.schema, args.org_chart)
        bar.update()
        sl = shortlist(cohort, k=args.k, min_score=args.min_score)
        bar.update()
    for mentee in cohort.mentee_ids:
        recs = sl.for_mentee(mentee)
        print(f"{mentee}:" + ("" if recs else " no admissible mentor"), file=out)
        for r in recs:
            print(f"  {r.rank}. {r.mentor:<12} {r.score:.2f}  {'; '.join(r.reasons)}", file=out)
    if args.out:
        atomic_write_csv(args.out, ["mentee", "rank", "mentor", "score", "reasons"],
                         ([r.mentee, r.rank, r.mentor, round(r.score, 6), "; ".join(r.reasons)]
                          for r in sl.recommendations))
        print(f"shortlist written to {args.out}", file=out)
    return 0


def _read_joining(path: Path, schema: Path | None) -> list[Mentee]:
    if path.suffix.lower() == ".json" and schema is None:
        data = _read_json(path)
        if isinstance(data, list):
            return [Mentee.model_validate(item) for item in data]
    return list(load_cohort(path, schema).mentees)


def cmd_rematch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Apply released pairs, leaving mentors and joining mentees to a saved result."""
    release = [parse_pair(p) for p in args.release]
    with Progress(2 + _n_outputs(args), "rematch", stream=err) as bar:
        cohort = load_cohort(args.cohort, args.schema, args.org_chart)
        try:
            previous = MatchResult.model_validate_json(
                args.result.read_text(encoding="utf-8"))
        except pydantic.ValidationError as exc:
            raise InvalidInputError(f"{args.result}: not a mentormatch result JSON "
                                    f"({exc.error_count()} problems, first: "
                                    f"{exc.errors()[0]['msg']})") from None
        joining = _read_joining(args.join, args.join_schema) if args.join else []
        bar.update()
        result = rematch(previous, release=release, leaving_mentors=args.leaving,
                         new_mentees=joining, cohort=cohort, solver=args.solver,
                         **_solve_options(args))
        bar.update()
        print(format_result(result), file=out)
        saved = {args.save_cohort: (result.cohort.model_dump_json(indent=1), "updated cohort")} \
            if args.save_cohort and result.cohort is not None else {}
        _write_outputs(result, args, out, bar, extra=saved)
    return 0


def cmd_survey_template(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print or write the CSV survey template."""
    text = survey_template(args.out)
    if args.out:
        print(f"survey template written to {args.out}", file=out)
    else:
        out.write(text)
    return 0


Command = Callable[[argparse.Namespace, TextIO, TextIO], int]

#: Command name -> implementation.
COMMANDS: dict[str, Command] = {
    "demo": cmd_demo,
    "match": cmd_match,
    "shortlist": cmd_shortlist,
    "rematch": cmd_rematch,
    "survey-template": cmd_survey_template,
}
