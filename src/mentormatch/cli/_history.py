"""``match --history``: read last year's pairs and follow-up for the match."""

from __future__ import annotations

import argparse
from pathlib import Path

import pydantic

from mentormatch.cli._reading import parse_pair
from mentormatch.errors import InvalidInputError
from mentormatch.io import read_csv
from mentormatch.models import History, MatchResult
from mentormatch.survey import FollowUpSchema, read_followup

__all__ = ["add_history_arguments", "load_history"]


def add_history_arguments(p: argparse.ArgumentParser) -> None:
    """Add ``--history``, ``--last-year``, ``--followup-schema`` and ``--keep-release``."""
    p.add_argument("--history", type=Path, metavar="FOLLOWUP",
                   help="last year's follow-up survey export (.csv, .xlsx, .json): pairs "
                        "that asked to continue are kept, pairs that asked to change are "
                        "never matched again")
    p.add_argument("--last-year", type=Path, metavar="PAIRS",
                   help="last year's result JSON or pairs CSV: every follow-up row must "
                        "name one of its pairs")
    p.add_argument("--followup-schema", type=Path,
                   help="follow-up schema JSON (its column names and answer maps)")
    p.add_argument("--keep-release", action="extend", nargs="+", default=[],
                   metavar="MENTEE:MENTOR",
                   help="continuing pairs the director releases (not kept, not forbidden)")


def _last_year_pairs(path: Path) -> MatchResult | list[tuple[str, str]]:
    if path.suffix.lower() == ".json":
        try:
            return MatchResult.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, pydantic.ValidationError) as exc:
            raise InvalidInputError(f"{path}: not a mentormatch result JSON ({exc})") from None
    try:
        rows = read_csv(path)
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path}: {exc}") from None
    if rows and not {"mentee", "mentor"} <= set(rows[0]):
        raise InvalidInputError(f"{path}: expected 'mentee' and 'mentor' columns (a pairs CSV "
                                "written by mentormatch)")
    return [(row["mentee"], row["mentor"]) for row in rows]


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
    last_year = _last_year_pairs(args.last_year) if args.last_year is not None else None
    history = read_followup(args.history, schema, last_year=last_year)
    release = [parse_pair(p, "--keep-release") for p in args.keep_release]
    return history.release(release) if release else history
