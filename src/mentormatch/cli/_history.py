"""``match`` and ``program --history``: last year's pairs, buddies and follow-up."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from mentormatch.cli._reading import parse_pair
from mentormatch.errors import InvalidInputError
from mentormatch.io import read_csv
from mentormatch.models import History, MatchResult
from mentormatch.rounds import ProgramResult
from mentormatch.survey import FollowUpSchema, read_followup

__all__ = ["add_history_arguments", "load_history"]


def add_history_arguments(p: argparse.ArgumentParser) -> None:
    """Add ``--history``, ``--last-year``, ``--followup-schema`` and ``--keep-release``."""
    p.add_argument("--history", type=Path, metavar="FOLLOWUP",
                   help="last year's follow-up survey export (.csv, .xlsx, .json): pairs "
                        "that asked to continue are kept, pairs that asked to change are "
                        "never matched again")
    p.add_argument("--last-year", type=Path, metavar="PAIRS",
                   help="last year's result JSON or pairs CSV (of match or program: a "
                        "program's buddies are not paired again): every follow-up row must "
                        "name one of its long-term pairs")
    p.add_argument("--followup-schema", type=Path,
                   help="follow-up schema JSON (its column names and answer maps)")
    p.add_argument("--keep-release", action="extend", nargs="+", default=[],
                   metavar="MENTEE:MENTOR",
                   help="continuing pairs the director releases (not kept, not forbidden)")


#: Last year's long-term pairs (a result, or id pairs) and buddy pairs.
LastYear = tuple[MatchResult | list[tuple[str, str]], list[tuple[str, str]]]


def _last_year(path: Path) -> LastYear:
    """Read last year's pairs: a match or program result JSON, or a pairs CSV.

    A program's (``mentormatch program --json`` or ``--out``) long-term pairs
    are last year's pairs and its buddy pairs last year's buddies.
    """
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not (isinstance(data, dict) and "long_term" in data):
                return MatchResult.model_validate(data), []
            program = ProgramResult.model_validate(data)
        except (OSError, ValueError) as exc:  # ValueError: JSON or pydantic
            raise InvalidInputError(f"{path}: not a mentormatch result JSON ({exc})") from None
        buddies = [(p.mentee, p.mentor) for p in program.buddies.pairs] \
            if program.buddies else []
        return (program.long_term or []), buddies
    try:
        rows = read_csv(path)
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path}: {exc}") from None
    if rows and not {"mentee", "mentor"} <= set(rows[0]):
        raise InvalidInputError(f"{path}: expected 'mentee' and 'mentor' columns (a pairs CSV "
                                "written by mentormatch)")
    rounds = [row.get("round", "long_term") for row in rows]
    for line, r in enumerate(rounds, start=2):
        if r not in ProgramResult.ROUNDS:  # a pair of no known round is never dropped unsaid
            raise InvalidInputError(f"{path}, line {line}: round {r!r} is not one of "
                                    f"{', '.join(ProgramResult.ROUNDS)}")
    return ([(row["mentee"], row["mentor"]) for row, r in zip(rows, rounds, strict=True)
             if r == "long_term"],
            [(row["mentee"], row["mentor"]) for row, r in zip(rows, rounds, strict=True)
             if r == "buddy"])


def load_history(args: argparse.Namespace) -> History | None:
    """Return the history the arguments name, or ``None`` without ``--history``.

    Raises
    ------
    InvalidInputError
        If a history-only option is given without ``--history``, or a file is unreadable.
    """
    if args.history is None:
        extra = [f for f, v in (("--last-year", args.last_year),
                                ("--followup-schema", args.followup_schema),
                                ("--keep-release", args.keep_release)) if v]
        if extra:
            raise InvalidInputError(f"{extra[0]} needs --history FOLLOWUP")
        return None
    schema = None
    if args.followup_schema is not None:
        try:
            schema = FollowUpSchema.model_validate_json(
                args.followup_schema.read_text(encoding="utf-8"))
        except OSError as exc:
            raise InvalidInputError(f"cannot read {args.followup_schema}: {exc}") from None
    last_year, buddies = _last_year(args.last_year) if args.last_year is not None \
        else (None, [])
    history = read_followup(args.history, schema, last_year=last_year, buddies=buddies)
    release = [parse_pair(p, "--keep-release") for p in args.keep_release]
    return history.release(release) if release else history
