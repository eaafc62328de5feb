"""The ``mentormatch`` command: parse the arguments, run the command, report errors.

Commands: ``demo``, ``match``, ``shortlist``, ``rematch``, ``survey-template``
(implemented in ``_commands``), ``program`` and ``schema``. Output never
includes sensitive attributes (gender, background): only ids, names, scores,
topics and the reasons, which never name those values. Errors go to stderr with exit status 2.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from mentormatch.cli._commands import COMMANDS, check_paths
from mentormatch.cli._commands import format_result as format_result
from mentormatch.cli._history import add_history_arguments
from mentormatch.cli._program import add_program_parser, cmd_program
from mentormatch.cli._reading import add_reading_arguments
from mentormatch.cli._schema import add_schema_parser, cmd_schema
from mentormatch.encode import PRIORITY_FLAGS
from mentormatch.errors import MentorMatchError
from mentormatch.solvers import DEFAULT_SOLVER, available, honouring_priority

__all__ = ["format_result", "main"]


def _add_input(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", type=Path, metavar="COHORT_OR_SURVEY",
                   help="cohort JSON, or a survey export (.csv, .xlsx, .json)")
    _add_reading(p)


def _add_reading(p: argparse.ArgumentParser) -> None:
    add_reading_arguments(p)


def _add_solving(p: argparse.ArgumentParser, default: str | None = DEFAULT_SOLVER,
                 said: str | None = None) -> None:
    p.add_argument("--solver", choices=available(), default=default,
                   help=f"matching algorithm (default: {said or default or 'as before'})")
    p.add_argument("--min-score", type=float, help="never make pairs scoring below this")


def _add_outputs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, help="write the pairs as a mail-merge CSV here")
    p.add_argument("--json", type=Path, help="write the whole result as JSON here")
    p.add_argument("--report", type=Path, help="write a self-contained HTML report here")
    p.add_argument("--agreements", type=Path, metavar="DIR",
                   help="write one mentorship agreement page per pair into this folder")
    p.add_argument("--agreement-format", choices=("markdown", "html", "both"),
                   default="markdown", help="agreement pages as (default: markdown)")
    p.add_argument("--guidelines", type=Path, metavar="FILE",
                   help="the program's guidelines, a JSON object of Guidelines fields "
                        "(default: the built-in text drawn from the pilot study)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mentormatch",
                                     description="Pair mentees with mentors, with reasons.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="match the built-in pilot-shaped example cohort")
    demo.add_argument("--solver", choices=available(), default=DEFAULT_SOLVER)

    m = sub.add_parser("match", help="match a cohort JSON file or a survey export")
    _add_input(m)
    _add_solving(m, default=None,
                 said=f"mm.match's choice, said in a NOTE: ilp when the cohort has quotas, "
                      f"coverage when a mentee asks for more than one mentor, else "
                      f"{DEFAULT_SOLVER}")
    m.add_argument("--priority", choices=PRIORITY_FLAGS,
                   help="serve this group of mentees first: covered first by "
                        + ", ".join(honouring_priority("exactly")) + "; ranked first by every "
                        "mentor (as mentor preference) by "
                        + ", ".join(honouring_priority("as mentor preference")))
    _add_outputs(m)
    add_history_arguments(m)

    s = sub.add_parser("shortlist", help="recommend the best mentors for each mentee")
    _add_input(s)
    s.add_argument("-k", type=int, default=2, help="mentors per mentee (default: 2)")
    s.add_argument("--min-score", type=float, help="never recommend pairs scoring below this")
    s.add_argument("--out", type=Path, help="write the shortlist as CSV here")

    r = sub.add_parser(
        "rematch", help="change mentors in a saved result, keeping every other pair",
        description="Keep every pair of --result except those released or whose mentor "
                    "leaves; match the mentees concerned and newcomers from remaining "
                    "capacity.")
    r.add_argument("--result", type=Path, required=True, help="result JSON of the match")
    r.add_argument("--cohort", type=Path, required=True,
                   help="the cohort JSON or survey export the result was made from")
    _add_reading(r)
    r.add_argument("--release", action="extend", nargs="+", default=[],
                   metavar="MENTEE:MENTOR", help="pairs to end (a change of mentor)")
    r.add_argument("--leaving", action="extend", nargs="+", default=[], metavar="MENTOR",
                   help="mentors who leave: all their pairs end")
    r.add_argument("--join", type=Path,
                   help="new mentees: JSON list of mentees, or a cohort / survey file")
    r.add_argument("--join-schema", type=Path, help="survey schema for the --join file")
    r.add_argument("--save-cohort", type=Path,
                   help="write the updated cohort JSON here (for the next rematch)")
    _add_solving(r, default=None)
    _add_outputs(r)

    t = sub.add_parser("survey-template", help="print or write the CSV survey template")
    t.add_argument("--out", type=Path, help="write the template here instead of printing it")
    add_program_parser(sub)
    add_schema_parser(sub)
    return parser


#: Control characters (but tab, newline and a CR ending a line) shown escaped, so that
#: an id or a reason cannot move the cursor, recolour or retitle the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")


def printable(text: str) -> str:
    r"""Escape the control characters of ``text`` that a terminal would obey.

    Examples
    --------
    >>> printable("e1\x1b[2J\rr1\r\n")
    'e1\\x1b[2J\\rr1\r\n'
    """
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


class _Printable(io.TextIOBase):
    """A text stream that escapes control characters before they reach the terminal."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(printable(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return bool(self._stream.isatty())


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that flushing it at exit does not fail again.

    (A BrokenPipeError is an OSError: it must be caught before the generic one.)
    """
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (captured in tests)
        pass


def _terminate(signum: int, frame: object) -> None:
    """On SIGTERM, unwind like an exit, so partial outputs are cleaned up."""
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    out, err = _Printable(sys.stdout), _Printable(sys.stderr)
    previous = signal.signal(signal.SIGTERM, _terminate) \
        if threading.current_thread() is threading.main_thread() else None
    try:
        check_paths(args)
        command = {**COMMANDS, "program": cmd_program, "schema": cmd_schema}[args.command]
        return command(args, out, err)  # type: ignore[arg-type]
    except MentorMatchError as exc:
        print(f"error: {exc}", file=err)
    except BrokenPipeError:  # piped into `head`: the reader has gone, say nothing more
        _silence_stdout()
        return 0
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        print(f"error: cannot access{where}: {exc.strerror or exc}", file=err)
    except ImportError as exc:
        print(f"error: {exc}", file=err)
    except KeyboardInterrupt:
        print("interrupted: nothing was written", file=err)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 2
