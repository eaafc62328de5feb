"""What each ``mentormatch`` command does; ``_cli`` only parses arguments.

Output never includes sensitive attributes (gender, background): only ids,
names, scores, topics, reasons and notes, none of which name those values.
Progress goes to the real stderr (a bar needs its carriage returns), and only when
it is a terminal; results are printed once the bar is done, so the two never
interleave.
"""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TextIO

import pydantic

from mentormatch.cli._history import load_history
from mentormatch.cli._reading import ReadOptions, load_cohort, parse_pair, read_json
from mentormatch.errors import InvalidInputError
from mentormatch.io import atomic_write_csv, csv_text, write_text_files
from mentormatch.matching import match, rematch, shortlist
from mentormatch.models import Cohort, History, MatchResult, Mentee
from mentormatch.progress import Progress
from mentormatch.report import (
    MAIL_MERGE_COLUMNS,
    Guidelines,
    IdNames,
    agreement_pages,
    mail_merge_records,
    make_folder,
    render_report,
)
from mentormatch.survey import survey_template
from mentormatch.synthetic import example_cohort

__all__ = ["COMMANDS", "check_paths", "format_result", "load_cohort", "names_beside",
           "parse_pair", "who_suffix"]


def format_result(result: MatchResult, width: int = 100) -> str:
    """Render a result as a readable plain-text table with reasons, names beside ids.

    Examples
    --------
    >>> import mentormatch as mm
    >>> text = format_result(mm.match(mm.example_cohort()))
    >>> text.splitlines()[0].startswith("mentee")
    True
    >>> [n for n in text.splitlines() if "supervises" in n][0].endswith(
    ...     "(mentor-03 is Dr. Jesse Cormier; new-02 is Dr. Devon Haddad)")
    True
    """
    names = IdNames(result.cohort)
    e_w = max([len("mentee"), *(len(p.mentee) for p in result.pairs)])
    r_w = max([len("mentor"), *(len(p.mentor) for p in result.pairs)])
    lines = [f"{'mentee':<{e_w}} {'mentor':<{r_w}} {'score':>5}  reasons", "-" * width]
    indent = " " * (e_w + r_w + 9)
    for p in result.pairs:
        mark = " (locked)" if p.locked else ""
        head = f"{p.mentee:<{e_w}} {p.mentor:<{r_w}} {p.score:>5.2f}  "
        body = "; ".join(p.reasons) + mark
        wrapped = textwrap.wrap(body, width=max(width - len(indent), 20)) or [""]
        lines.append(head + wrapped[0])
        lines.extend(indent + w for w in wrapped[1:])
        if beside := names_beside(names, p.mentee, p.mentor):
            lines.append(indent + beside)
    for u in result.unmatched:
        lines.append(f"UNMATCHED {names.labelled(u.mentee)}: {u.reason}")
    for s in result.shortfall:
        lines.append(f"SHORT     {names.labelled(s.mentee)}: asked {s.asked}, got {s.given}: "
                     f"{s.reason}")
    for c in result.changes:
        lines.append(f"{c.action.upper():<9} {c.mentee} - {c.mentor}: {c.why}"
                     + who_suffix(names, f"{c.mentee} {c.mentor} {c.why}"))
    for note in result.notes:
        lines.append(f"NOTE      {note}" + who_suffix(names, note))
    m = result.metrics
    lines.append("-" * width)
    lines.append(
        f"{m.n_pairs} pairs; {m.mentees_matched}/{m.mentees_asking} mentees matched; "
        f"mean score {m.mean_score:.2f}, min {m.min_score:.2f}; "
        f"topics covered {m.topic_coverage:.0%}; solver {result.provenance.solver}"
    )
    return "\n".join(lines)


def names_beside(names: IdNames, mentee: str, mentor: str, between: str = " <- ") -> str:
    """Return the line shown under a pair: ``[mentee's name <- mentor's name]``.

    An id stands in for a person without a name, an empty ``mentee`` is left
    out (a mentors' circle member), and ``''`` means neither has a name.
    ``between`` joins the two (``" & "`` for peers, who are not mentor and mentee).

    Examples
    --------
    >>> import mentormatch as mm
    >>> names = IdNames(mm.example_cohort())
    >>> names_beside(names, "new-01", "mentor-03")
    '[Dr. Sam Comeau <- Dr. Jesse Cormier]'
    >>> names_beside(names, "", "mentor-03"), names_beside(IdNames(None), "e1", "r1")
    ('[Dr. Jesse Cormier]', '')
    """
    if not (names.name(mentee) or names.name(mentor)):
        return ""
    head = f"{names.name(mentee) or mentee}{between}" if mentee else ""
    return f"[{head}{names.name(mentor) or mentor}]"


def who_suffix(names: IdNames, text: str) -> str:
    """Return `` (id is name; ...)`` for the people ``text`` names by id, or ``''``.

    Examples
    --------
    >>> import mentormatch as mm
    >>> who_suffix(IdNames(mm.example_cohort()), "new-01 asked")
    ' (new-01 is Dr. Sam Comeau)'
    """
    who = names.who(text)
    return f" ({who})" if who else ""


def _n_outputs(args: argparse.Namespace) -> int:
    return sum(1 for key in (*OUTPUT_ARGS, "agreements") if getattr(args, key, None))


def _write_outputs(result: MatchResult, args: argparse.Namespace, bar: Progress,
                   extra: dict[Path, tuple[str, str]] | None = None,
                   history: History | None = None) -> list[str]:
    """Write every requested output, all or none (see :func:`mentormatch.io.write_files`).

    Returns what to tell the user, printed once the bar is done.
    """
    files: dict[Path, tuple[str, str]] = {}
    guidelines = _guidelines(args)
    if args.out:
        files[args.out] = (csv_text(MAIL_MERGE_COLUMNS, mail_merge_records(
            result, guidelines=guidelines)), "pairs")
    if args.json:
        files[args.json] = (result.model_dump_json(indent=2), "result")
    if args.report:
        files[args.report] = (render_report(result, guidelines=guidelines, history=history),
                              "report")
    files.update(extra or {})
    pages: dict[Path, str] = {}
    if getattr(args, "agreements", None):
        formats: tuple[Literal["markdown", "html"], ...] = (
            ("markdown", "html") if args.agreement_format == "both"
            else ("html",) if args.agreement_format == "html" else ("markdown",))
        pages = agreement_pages(result, args.agreements, guidelines=guidelines,
                                formats=formats)
    if not files and not pages:
        return []
    texts = {path: text for path, (text, _) in files.items()}
    taken = {key: path for path in texts for key in _identities(path)}
    for page in pages:
        clash = next((taken[key] for key in _identities(page) if key in taken), None)
        if clash is not None:
            raise InvalidInputError(f"{_spelt(clash, page)} is both an output and an "
                                    f"agreement page of --agreements {args.agreements}: "
                                    "nothing was written")
    bar.stage("writing " + ", ".join([path.name for path in files]
                                     + ([f"{len(pages)} agreements"] if pages else [])))
    if pages:
        make_folder(args.agreements)
    write_text_files({**texts, **pages})
    bar.update(len(files) + bool(pages))
    said = [f"{what} written to {path}" for path, (_, what) in files.items()]
    if pages:
        said.append(f"{len(pages)} agreement pages written to {args.agreements}")
    return said


def _guidelines(args: argparse.Namespace) -> Guidelines | None:
    """Return the guidelines of ``--guidelines FILE`` (JSON of Guidelines fields), if given."""
    path = getattr(args, "guidelines", None)
    if path is None:
        return None
    data = read_json(path)
    if not isinstance(data, dict):
        raise InvalidInputError(f"--guidelines {path}: expected a JSON object of guideline "
                                f"fields ({', '.join(Guidelines.model_fields)})")
    return Guidelines.model_validate(data)


def _match_stage(cohort: Cohort) -> str:
    return f"matching {len(cohort.mentees)} mentees with {len(cohort.mentors)} mentors"


#: Arguments naming files the CLI reads, and files it writes.
INPUT_ARGS = ("input", "cohort", "result", "join", "schema", "join_schema", "org_chart",
              "mentors", "guidelines", "history", "last_year", "followup_schema")
OUTPUT_ARGS = ("out", "json", "report", "save_cohort")
_WRITTEN_WHEN_READ = ("read_report",)  # written while reading, not with the outputs


def _identities(path: Path) -> tuple[object, ...]:
    """Return what makes two paths the same file: two paths sharing a key are one.

    The file's device and inode when it exists (hard and symbolic links
    included), and its folder with its name case-folded, existing or not, on
    every system: on macOS and Windows ``Out.json`` and ``out.json`` are one file.
    """
    parent = path.resolve().parent
    try:
        st = parent.stat()
        folder: object = (st.st_dev, st.st_ino)
    except OSError:
        folder = str(parent)
    named = (folder, path.name.casefold())
    try:
        st = path.stat()
    except OSError:
        return (named,)
    return ((st.st_dev, st.st_ino), named)


def _spelt(path: Path, other: Path) -> str:
    """Name ``path``, saying when ``other`` names it only in another case."""
    if str(path) == str(other) or str(path).casefold() != str(other).casefold():
        return str(path)
    return f"{path} (as {other}: on macOS and Windows names differing only in case are one file)"


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

    inputs = {key: (name, p) for name in INPUT_ARGS if (p := getattr(args, name, None))
              for key in _identities(p)}
    outputs: dict[object, tuple[str, Path]] = {}
    for name in (*OUTPUT_ARGS, *_WRITTEN_WHEN_READ):
        path = getattr(args, name, None)
        if path is None:
            continue
        keys = _identities(path)
        read = next((inputs[key] for key in keys if key in inputs), None)
        if read is not None:
            raise InvalidInputError(
                f"{flag(name)} {_spelt(path, read[1])} is also {flag(read[0])}: refusing to "
                "overwrite an input; nothing was written")
        written = next((outputs[key] for key in keys if key in outputs), None)
        if written is not None:
            raise InvalidInputError(f"{flag(name)} and {flag(written[0])} both name "
                                    f"{_spelt(path, written[1])}: nothing was written")
        outputs.update((key, (name, path)) for key in keys)


def _solve_options(args: argparse.Namespace) -> dict[str, Any]:
    return {} if args.min_score is None else {"min_score": args.min_score}


def cmd_demo(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Match the built-in example cohort and print the pairs."""
    with Progress(1, f"demo ({args.solver})") as bar:
        bar.stage("matching the example cohort")
        result = match(example_cohort(), solver=args.solver)
        bar.update()
    print(format_result(result), file=out)
    return 0


def cmd_match(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Match a cohort or survey and write the requested files."""
    with Progress(2 + _n_outputs(args), f"match ({args.solver or 'default'})") as bar:
        bar.stage(f"reading {args.input.name}")
        cohort, read = load_cohort(args.input, ReadOptions.from_args(args), bar.above(err))
        history = load_history(args)
        bar.update()
        bar.stage(_match_stage(cohort))
        # Without --solver, mm.match chooses (and its notes say why).
        result = match(cohort, solver=args.solver, priority=args.priority, history=history,
                       read_report=read, **_solve_options(args))
        bar.update()
        said = _write_outputs(result, args, bar, history=history)
    print(format_result(result), file=out)
    for line in said:
        print(line, file=out)
    return 0


def cmd_shortlist(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print (and optionally write) the best ``k`` mentors per mentee."""
    with Progress(2, "shortlist") as bar:
        bar.stage(f"reading {args.input.name}")
        cohort, _ = load_cohort(args.input, ReadOptions.from_args(args), bar.above(err))
        bar.update()
        bar.stage(f"scoring {len(cohort.mentees)} mentees x {len(cohort.mentors)} mentors")
        sl = shortlist(cohort, k=args.k, min_score=args.min_score)
        bar.update()
    names = IdNames(cohort)
    r_w = max([12, *(len(names.labelled(r.mentor)) for r in sl.recommendations)])
    for mentee in cohort.mentee_ids:
        recs = sl.for_mentee(mentee)
        print(f"{names.labelled(mentee)}:" + ("" if recs else " no admissible mentor"),
              file=out)
        for r in recs:
            print(f"  {r.rank}. {names.labelled(r.mentor):<{r_w}} {r.score:.2f}  "
                  f"{'; '.join(r.reasons)}", file=out)
    for note in sl.notes:
        print(f"NOTE      {note}" + who_suffix(names, note), file=out)
    if args.out:
        atomic_write_csv(args.out, ["mentee", "rank", "mentor", "score", "reasons"],
                         ([r.mentee, r.rank, r.mentor, round(r.score, 6), "; ".join(r.reasons)]
                          for r in sl.recommendations))
        print(f"shortlist written to {args.out}", file=out)
    return 0


def _read_joining(path: Path, schema: Path | None, err: TextIO) -> list[Mentee]:
    if path.suffix.lower() == ".json" and schema is None:
        data = read_json(path)
        if isinstance(data, list):
            return [Mentee.model_validate(item) for item in data]
    return list(load_cohort(path, ReadOptions(schema=schema), err)[0].mentees)


def cmd_rematch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Apply released pairs, leaving mentors and joining mentees to a saved result."""
    release = [parse_pair(p) for p in args.release]
    with Progress(2 + _n_outputs(args), "rematch") as bar:
        bar.stage(f"reading {args.cohort.name} and {args.result.name}")
        cohort, read = load_cohort(args.cohort, ReadOptions.from_args(args), bar.above(err))
        try:
            previous = MatchResult.model_validate_json(
                args.result.read_text(encoding="utf-8"))
        except pydantic.ValidationError as exc:
            raise InvalidInputError(f"{args.result}: not a mentormatch result JSON "
                                    f"({exc.error_count()} problems, first: "
                                    f"{exc.errors()[0]['msg']})") from None
        joining = _read_joining(args.join, args.join_schema, bar.above(err)) if args.join else []
        bar.update()
        bar.stage(_match_stage(cohort))
        result = rematch(previous, release=release, leaving_mentors=args.leaving,
                         new_mentees=joining, cohort=cohort, solver=args.solver,
                         **_solve_options(args))
        if read is not None:  # the cohort was read again: its report, not the first one's
            result = result.model_copy(update={"provenance": result.provenance.model_copy(
                update={"read_report": read.model_dump(mode="json")})})
        bar.update()
        saved = {args.save_cohort: (result.cohort.model_dump_json(indent=1), "updated cohort")} \
            if args.save_cohort and result.cohort is not None else {}
        said = _write_outputs(result, args, bar, extra=saved)
    print(format_result(result), file=out)
    for line in said:
        print(line, file=out)
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
