"""The ``mentormatch`` command: ``demo`` and ``match``.

Output never includes sensitive attributes (gender, background): only ids,
names, scores and the reasons, which never name those values.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from ._errors import MentorMatchError
from ._example import example_cohort
from ._match import match
from ._models import Cohort
from ._result import MatchResult
from .solvers import DEFAULT_SOLVER, available

__all__ = ["main"]


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
    m = result.metrics
    lines.append("-" * width)
    lines.append(
        f"{m.n_pairs} pairs; {m.mentees_matched}/{m.mentees_asking} mentees matched; "
        f"mean score {m.mean_score:.2f}, min {m.min_score:.2f}; "
        f"topics covered {m.topic_coverage:.0%}; solver {result.provenance.solver}"
    )
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mentormatch",
                                     description="Pair mentees with mentors, with reasons.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="match the built-in pilot-shaped example cohort")
    demo.add_argument("--solver", choices=available(), default=DEFAULT_SOLVER)
    m = sub.add_parser("match", help="match a cohort JSON file")
    m.add_argument("cohort", type=Path, help="cohort JSON (mentees, mentors, constraints)")
    m.add_argument("--solver", choices=available(), default=DEFAULT_SOLVER)
    m.add_argument("--out", type=Path, help="write the pairs as CSV here")
    m.add_argument("--json", type=Path, help="write the whole result as JSON here")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            result = match(example_cohort(), solver=args.solver)
        else:
            try:
                text = args.cohort.read_text(encoding="utf-8")
            except OSError as exc:
                print(f"error: cannot read {args.cohort}: {exc.strerror}", file=sys.stderr)
                return 2
            result = match(Cohort.model_validate_json(text), solver=args.solver)
        print(format_result(result))
        if getattr(args, "out", None):
            result.to_csv(args.out)
            print(f"pairs written to {args.out}")
        if getattr(args, "json", None):
            from ._io import atomic_write_text

            atomic_write_text(args.json, result.model_dump_json(indent=2))
            print(f"result written to {args.json}")
    except MentorMatchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
