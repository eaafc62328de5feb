"""The ``mentormatch program`` command: every round of a program on one cohort."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path
from typing import Any, TextIO

from mentormatch.cli._commands import names_beside, who_suffix
from mentormatch.cli._history import add_history_arguments, load_history
from mentormatch.cli._reading import ReadOptions, add_reading_arguments, load_cohort
from mentormatch.io import csv_text, write_text_files
from mentormatch.models import Cohort
from mentormatch.report import IdNames
from mentormatch.rounds import Program, ProgramResult
from mentormatch.solvers import DEFAULT_SOLVER, available

__all__ = ["add_program_parser", "cmd_program", "format_program"]


def add_program_parser(sub: Any) -> None:
    """Add the ``program`` subcommand to an argparse subparsers object."""
    p = sub.add_parser("program", help="run every round: long-term, circles, peers, "
                                       "newcomer buddies, task-focused matches (and, with "
                                       "--mentor-circles, mentors' peer circles)")
    p.add_argument("input", type=Path, metavar="COHORT_OR_SURVEY",
                   help="cohort JSON, or a survey export (.csv, .xlsx, .json)")
    add_reading_arguments(p)
    p.add_argument("--solver", choices=available(), default=None,
                   help="solver of the matching rounds (default: the long-term round "
                        f"takes mm.match's choice, the buddy and task rounds {DEFAULT_SOLVER})")
    p.add_argument("--circle-min", type=int, default=3, help="smallest circle (default: 3)")
    p.add_argument("--circle-max", type=int, default=8, help="largest circle (default: 8)")
    p.add_argument("--peer-method", choices=["max_weight", "stable"], default="max_weight")
    p.add_argument("--buddy-can-be-mentor", action="store_true",
                   help="allow a newcomer's mentor to be their buddy too")
    p.add_argument("--mentor-circles", action="store_true",
                   help="also group mentors into peer circles by topic (community of practice)")
    p.add_argument("--mentor-circle-min", type=int, default=3,
                   help="smallest mentors' circle (default: 3)")
    p.add_argument("--mentor-circle-max", type=int, default=8,
                   help="largest mentors' circle (default: 8)")
    p.add_argument("--out", type=Path, help="write every round's pairs as one CSV here")
    p.add_argument("--json", type=Path, help="write the whole result as JSON here")
    add_history_arguments(p)


def format_program(result: ProgramResult, width: int = 100) -> str:
    """Render every round as plain text: pairs with reasons, who is left out and why.

    Examples
    --------
    >>> import mentormatch as mm
    >>> text = format_program(mm.Program(cohort=mm.example_cohort()).run())
    >>> text.splitlines()[0]
    'round      mentee     mentor       score  reasons'
    """
    lines = [f"{'round':<10} {'mentee':<10} {'mentor':<12} {'score':>5}  reasons",
             "-" * width]
    indent = " " * 42
    names = IdNames(_cohort(result))
    for row in result.to_records():
        tagged = row["topic"] and row["round"] in ("task", "mentor_circle")
        body = (f"[{row['topic']}] " if tagged else "") + \
            row["reasons"]
        wrapped = textwrap.wrap(body, width=width - len(indent)) or [""]
        lines.append(f"{row['round']:<10} {row['mentee']:<10} {row['mentor']:<12} "
                     f"{row['score']:>5.2f}  {wrapped[0]}")
        lines.extend(indent + w for w in wrapped[1:])
        between = " & " if row["round"] == "peer" else " <- "
        if beside := names_beside(names, row["mentee"], row["mentor"], between):
            lines.append(indent + beside)
    who = names.labelled
    left: list[tuple[str, str, str]] = []
    if result.long_term:
        left += [("long_term", who(u.mentee), u.reason) for u in result.long_term.unmatched]
    if result.circles:
        left += [("circle", who(u.mentee), u.reason) for u in result.circles.left_out]
    if result.peers:
        if result.peers.stable is False:
            left.append(("peer", "-", result.peers.reason))
        else:
            left += [("peer", who(u.person), u.reason) for u in result.peers.unpaired]
    if result.buddies:
        left += [("buddy", who(u.mentee), u.reason) for u in result.buddies.unmatched]
    if result.tasks:
        left += [("task", f"{who(u.mentee)} [{u.topic}]", u.reason)
                 for u in result.tasks.unmatched]
    if result.mentor_circles:
        left += [("mentor_circle", who(u.mentor), u.reason)
                 for u in result.mentor_circles.left_out]
    notes = [(round_, note) for round_, res in (("long_term", result.long_term),
                                                ("buddy", result.buddies))
             for note in (res.notes if res else ())]
    if left or notes:
        lines.append("-" * width)
    for round_, person, why in left:
        lines.append(f"NOT PLACED ({round_}) {person}: {why}" + who_suffix(names, why))
    for round_, note in notes:
        lines.append(f"NOTE ({round_}) {note}" + who_suffix(names, note))
    return "\n".join(lines)


def _cohort(result: ProgramResult) -> Cohort | None:
    """Return the cohort a program ran on, as its matching rounds keep it (for names)."""
    return next((res.cohort for res in (result.long_term, result.buddies)
                 if res is not None and res.cohort is not None), None)


def cmd_program(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run a program's rounds on a cohort and write the requested files."""
    cohort, read = load_cohort(args.input, ReadOptions.from_args(args), err)
    program = Program(cohort=cohort, history=load_history(args),
                      circle_min=args.circle_min, circle_max=args.circle_max,
                      peer_method=args.peer_method,
                      buddy_can_be_mentor=args.buddy_can_be_mentor,
                      mentor_circles=args.mentor_circles,
                      mentor_circle_min=args.mentor_circle_min,
                      mentor_circle_max=args.mentor_circle_max)
    result = program.run(solver=args.solver, read_report=read)  # kept in long_term's provenance
    print(format_program(result), file=out)
    files: dict[Path, tuple[str, str]] = {}
    if args.out:
        files[args.out] = (csv_text(result.COLUMNS, result.to_records()), "pairs of every round")
    if args.json:
        files[args.json] = (result.model_dump_json(indent=2), "result")
    write_text_files({path: text for path, (text, _) in files.items()})
    for path, (_, what) in files.items():
        print(f"{what} written to {path}", file=out)
    return 0
