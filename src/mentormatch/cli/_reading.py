"""How the commands read their input: a cohort JSON or survey exports, with the read report.

Everything ``mm.read_survey`` can do in a notebook has an option here: a
schema file or a form tool's preset, a second file of mentors, ``--strict``,
an org chart, and pairs locked or forbidden by the director. The read
report's summary and warnings go to stderr (stdout stays the result);
``--read-report FILE`` writes all of it.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from mentormatch.cli._quota_option import parse_quota, read_quotas
from mentormatch.errors import InvalidInputError, UnknownIdError, UnknownTopicError
from mentormatch.io import atomic_write_text
from mentormatch.models import Cohort, MustHave, Quota
from mentormatch.survey import (
    ReadReport,
    SurveySchema,
    read_org_chart,
    read_survey,
    with_supervisors,
)

__all__ = ["PRESETS", "ReadOptions", "add_reading_arguments", "is_cohort_json", "load_cohort",
           "parse_pair", "read_json", "read_must_haves"]

PRESETS = ("google_forms", "microsoft_forms", "qualtrics", "redcap", "surveymonkey")
_SHOWN = 8  # warnings printed before "... more"


def parse_pair(text: str, flag: str = "--release") -> tuple[str, str]:
    """Parse ``MENTEE:MENTOR`` (split at the last colon).

    Examples
    --------
    >>> parse_pair("new-01:mentor-05")
    ('new-01', 'mentor-05')
    """
    mentee, sep, mentor = text.rpartition(":")
    if not sep or not mentee.strip() or not mentor.strip():
        raise InvalidInputError(f"{flag} expects MENTEE:MENTOR, got {text!r}")
    return mentee.strip(), mentor.strip()


def add_reading_arguments(p: argparse.ArgumentParser, *, constraints: bool = True) -> None:
    """Add the options that say how to read the input (shared by every command)."""
    p.add_argument("--schema", type=Path, help="survey schema JSON (column mapping)")
    p.add_argument("--preset", choices=PRESETS,
                   help="the form tool that wrote the survey export (with or without --schema)")
    p.add_argument("--mentors", type=Path, metavar="MENTORS_SURVEY",
                   help="mentors' answers in a second file (the input holds the mentees')")
    p.add_argument("--strict", action="store_true",
                   help="refuse the survey if its read report has any warning")
    p.add_argument("--read-report", type=Path, metavar="FILE",
                   help="write the whole read report here (.json for JSON, else text)")
    p.add_argument("--org-chart", type=Path,
                   help="CSV of supervisor, supervisee: never matched together")
    if constraints:
        p.add_argument("--lock", action="extend", nargs="+", default=[],
                       metavar="MENTEE:MENTOR", help="pairs that must be made")
        p.add_argument("--forbid", action="extend", nargs="+", default=[],
                       metavar="MENTEE:MENTOR", help="pairs that must never be made")
        p.add_argument("--must-have", action="append", default=[], metavar="RULE",
                       help="a program-wide hard rule, e.g. \"same site\", \"different "
                            "division\", \"mentor must offer research\" (repeatable)")
        p.add_argument("--must-haves", type=Path, metavar="FILE",
                       help="a text file of hard rules, one a line; 'MENTEE: RULE' makes "
                            "one mentee's must-have, 'mentor MENTOR: RULE' one mentor's ('#' "
                            "starts a comment)")
        p.add_argument("--quota", action="append", default=[], metavar="ATTRIBUTE:RULES",
                       help="make-up of each mentor's group, e.g. 'gender:max=3,no-lone' "
                            "(rules: min=N, max=N, min-share=X, max-share=X, no-lone, "
                            "value=TEXT, mentors=ID+ID); repeatable")
        p.add_argument("--quotas", type=Path, metavar="FILE",
                       help="JSON list of quotas (the fields of mentormatch.Quota)")


@dataclass(frozen=True)
class ReadOptions:
    """The reading options of one command line."""

    schema: Path | None = None
    preset: str | None = None
    mentors: Path | None = None
    strict: bool = False
    read_report: Path | None = None
    org_chart: Path | None = None
    lock: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    forbid: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    #: Each rule with where it was written (``--must-have`` or the file and line).
    must_haves: tuple[tuple[MustHave, str], ...] = field(default_factory=tuple)
    quotas: tuple[Quota, ...] = field(default_factory=tuple)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ReadOptions:
        """Collect the options ``add_reading_arguments`` added (absent ones default)."""
        def get(name: str) -> Any:
            return getattr(args, name, None)

        return cls(schema=get("schema"), preset=get("preset"), mentors=get("mentors"),
                   strict=bool(get("strict")), read_report=get("read_report"),
                   org_chart=get("org_chart"),
                   lock=tuple(parse_pair(t, "--lock") for t in get("lock") or ()),
                   forbid=tuple(parse_pair(t, "--forbid") for t in get("forbid") or ()),
                   must_haves=(*((MustHave.parse(t), "--must-have") for t in
                                 get("must_have") or ()),
                               *(read_must_haves(get("must_haves"))
                                 if get("must_haves") else ())),
                   quotas=(*(read_quotas(get("quotas")) if get("quotas") else ()),
                           *(parse_quota(t) for t in get("quota") or ())))

    def survey_schema(self) -> SurveySchema | None:
        """Return the schema of ``--schema`` and ``--preset`` (None: the default schema)."""
        if self.schema is None:
            return SurveySchema.model_validate({"preset": self.preset}) if self.preset else None
        parsed = SurveySchema.from_json(self.schema)
        if self.preset is None or parsed.preset == self.preset:
            return parsed
        data = json.loads(self.schema.read_text(encoding="utf-8"))
        return SurveySchema.model_validate({**data, "preset": self.preset})


def read_must_haves(path: Path) -> tuple[tuple[MustHave, str], ...]:
    r"""Read a rules file: one rule a line, ``MENTEE: RULE`` for one mentee's must-have.

    ``mentor MENTOR: RULE`` is a mentor's ("mentor r1: mentee track must be phd").
    Each rule comes with where it was written ("rules.txt, line 3"), for errors
    about it once the cohort is known.

    Blank lines and ``#`` comments are skipped; a line that is not a rule, or
    ``mentor: RULE`` (no mentor named), is an :class:`InvalidInputError` naming
    the file and line.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "rules.txt"
    ...     _ = path.write_text("same site  # everyone\ne7: mentor must offer research\n"
    ...                         "mentor r1: mentee track must be PhD\n")
    ...     for rule, where in read_must_haves(path):
    ...         print(f"{rule} ({where.rpartition(', ')[2]})")
    same site (line 1)
    e7's must-have: mentor must offer research (line 2)
    r1's must-have: mentee track must be phd (line 3)
    """
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        who, sep, rule = text.partition(":")
        role, _, mentor = who.strip().partition(" ")
        where = f"{path}, line {n}"
        try:
            if sep and role.lower() == "mentor" and not mentor.strip():
                raise InvalidInputError(
                    f"{text!r} names no mentor: write 'mentor MENTOR: RULE' for one "
                    "mentor's must-have, 'MENTEE: RULE' for one mentee's, or the rule alone "
                    "for every pair")
            if sep and role.lower() == "mentor":
                out.append((MustHave.parse(rule, mentor=mentor.strip()), where))
            else:
                out.append((MustHave.parse(rule, mentee=who.strip()) if sep
                            else MustHave.parse(text), where))
        except InvalidInputError as exc:
            raise InvalidInputError(f"{where}: {exc}") from None
    return tuple(out)


def _at_rules_line(exc: UnknownIdError | UnknownTopicError, before: int,
                   rules: tuple[tuple[MustHave, str], ...]) -> InvalidInputError:
    """Say where in the rules file a must-have the cohort refused was written.

    The cohort names a rule by its position among its own rules (``before`` of
    them came from the cohort itself); the user wrote it at a file and line.
    Any other unknown id or topic (a ``--lock`` pair, a quota) is returned as it was.
    """
    k = -1 if exc.rule is None else exc.rule - before
    if not 0 <= k < len(rules):
        return exc
    _, found, reason = str(exc).partition(f"must_haves[{exc.rule}]: ")
    return type(exc)(f"{rules[k][1]}: {reason if found else exc}")


def read_json(path: Path) -> Any:
    """Parse a JSON file; an :class:`InvalidInputError` says where it is not JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{path}: not valid JSON (line {exc.lineno}, column "
                                f"{exc.colno}): {exc.msg}") from None


def is_cohort_json(path: Path) -> Any:
    """Return the parsed JSON if ``path`` is a cohort JSON file, else ``None``."""
    if path.suffix.lower() != ".json":
        return None
    data = read_json(path)
    return data if isinstance(data, dict) and "mentees" in data else None


def load_cohort(path: Path, options: ReadOptions | None = None,
                err: TextIO | None = None) -> tuple[Cohort, ReadReport | None]:
    """Read a cohort JSON file or a survey export (chosen by content and extension).

    A ``.json`` file with a top-level ``"mentees"`` key and no schema is a
    cohort; anything else is read with :func:`mentormatch.read_survey`. An org
    chart adds supervisor relations (never matched); ``--lock`` and
    ``--forbid`` add the director's pairs. The read report goes to ``err``
    and is returned with the cohort (``None`` for a cohort JSON without an
    org chart), for the result's provenance.
    """
    options = options or ReadOptions()
    report: ReadReport | None = None
    data = is_cohort_json(path) if options.schema is None and options.preset is None else None
    if data is not None:
        if options.mentors is not None:
            raise InvalidInputError(f"--mentors reads a second survey file; {path} is a "
                                    "cohort JSON file, which holds the mentors already")
        cohort = Cohort.model_validate(data)
    else:
        cohort, report = read_survey(path, options.survey_schema(), mentors_path=options.mentors,
                                     strict=options.strict, report=True)
    if options.org_chart is not None:
        cohort, chart = with_supervisors(cohort, read_org_chart(options.org_chart),
                                         source=options.org_chart.name, strict=options.strict,
                                         report=True)
        report = chart if report is None else report.combined(chart)
    if options.lock or options.forbid or options.must_haves or options.quotas:
        try:
            cohort = Cohort(mentees=cohort.mentees, mentors=cohort.mentors,
                            forbidden=(*cohort.forbidden, *options.forbid),
                            locked=(*cohort.locked, *options.lock),
                            vocabulary=cohort.vocabulary,
                            must_haves=(*cohort.must_haves,
                                        *(rule for rule, _ in options.must_haves)),
                            schedule=cohort.schedule,
                            quotas=(*cohort.quotas, *options.quotas))
        except (UnknownIdError, UnknownTopicError) as exc:
            raise _at_rules_line(exc, len(cohort.must_haves), options.must_haves) from None
    if report is not None:
        _show(report, options, err)
    return cohort, report


def _show(report: ReadReport, options: ReadOptions, err: TextIO | None) -> None:
    if options.read_report is not None:
        text = (report.model_dump_json(indent=1) if options.read_report.suffix == ".json"
                else str(report) + "\n")
        atomic_write_text(options.read_report, text)
    if err is None:
        return
    print(f"read: {report.summary}", file=err)
    for entry in report.warnings[:_SHOWN]:
        print(f"  WARNING {entry.problem()}", file=err)
    rest = len(report.table()) - min(len(report.warnings), _SHOWN)
    if rest and options.read_report is None:
        print(f"  ({rest} more lines: --read-report FILE writes the whole report)", file=err)
