"""The error tree: every error the library raises on purpose derives from one root.

Leaves also subclass the built-in a user would naturally catch (``ValueError``,
``KeyError``), so ``except ValueError`` keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "expect",
    "shorten",
    "ConstraintConflictError",
    "DuplicateIdError",
    "ExportError",
    "InfeasibleError",
    "InvalidInputError",
    "InvalidProblemError",
    "InvalidSlotError",
    "MentorMatchError",
    "ProblemTooLargeError",
    "SolverError",
    "SurveyError",
    "SurveyProblem",
    "SurveyWarning",
    "UnknownIdError",
    "UnknownOptionError",
    "UnknownSolverError",
    "UnknownTopicError",
    "UnsupportedProblemError",
]


def shorten(value: object, limit: int = 60) -> str:
    """Return ``repr(value)``, cut to ``limit`` characters, for messages that quote input.

    Examples
    --------
    >>> shorten("x" * 100, limit=12)
    "'xxxxxxx...' (100 characters)"
    """
    text = repr(value)
    if len(text) <= limit:
        return text
    size = f" ({len(value)} characters)" if isinstance(value, str) else ""
    return text[:limit - 4] + "...'" + size if text.endswith("'") else text[:limit - 3] + "..."


_HOW = {
    "Cohort": "build one with mm.Cohort(...) or mm.Cohort.model_validate(data), or read a "
              "survey with mm.read_survey(path)",
    "MatchResult": "pass the result mm.match returned, or "
                   "mm.MatchResult.model_validate_json(text) of a saved one",
    "MatchProblem": "build one with mm.MatchProblem(scores=..., demand=..., capacity=...)",
}


def expect(value: Any, kind: type | tuple[type, ...], function: str, argument: str, *,
           optional: bool = False) -> None:
    """Raise :class:`InvalidInputError` unless ``value`` is a ``kind``, saying how to make one.

    The one check public entry points make of the cohort, result or problem they
    are handed, before any attribute is read (a ``dict`` would otherwise fail with
    ``AttributeError`` somewhere inside). ``kind`` is a type or, as for
    ``isinstance``, a tuple of them (all are named); ``argument`` is the
    parameter's name (``"cohort="`` for a keyword-only one). An ``optional``
    argument may also be None (not named in the message).

    Examples
    --------
    >>> import mentormatch as mm
    >>> expect({"mentees": []}, mm.Cohort, "match", "cohort")
    Traceback (most recent call last):
    ...
    mentormatch.errors.InvalidInputError: match takes a Cohort, got dict for cohort; build one \
with mm.Cohort(...) or mm.Cohort.model_validate(data), or read a survey with mm.read_survey(path)
    >>> expect(None, mm.Cohort, "write_report", "cohort=", optional=True)
    """
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if (optional and value is None) or isinstance(value, kinds):
        return
    names = [k.__name__ for k in kinds]
    article = "an" if names[0][0] in "AEIOU" else "a"
    how = "; ".join(_HOW[name] for name in names if name in _HOW)
    raise InvalidInputError(f"{function} takes {article} {' or '.join(names)}, got "
                            f"{type(value).__name__} for {argument}; {how}".rstrip("; "))


class MentorMatchError(Exception):
    """Root of every error raised on purpose by mentormatch."""


class InvalidInputError(MentorMatchError, ValueError):
    """Input that cannot be used as given; the message says what and where."""


class DuplicateIdError(InvalidInputError):
    """The same id appears twice where ids must be unique."""


class _AtRule(InvalidInputError):
    """An error that may name the must-have rule it comes from.

    ``rule`` is the position of that rule, when one does (so a caller that read
    the rules from a file can name the file and line).
    """

    def __init__(self, message: str, *, rule: int | None = None) -> None:
        super().__init__(message)
        self.rule = rule


class UnknownIdError(_AtRule, KeyError):
    """A constraint or reference names an id that is not in the cohort.

    ``rule`` is the position of the must-have rule that names it, when one does.
    """

    def __str__(self) -> str:
        # KeyError quotes its argument; keep the message readable.
        return str(self.args[0]) if self.args else ""


class UnknownTopicError(_AtRule):
    """A topic or mentorship type is not in the vocabulary; suggests the closest one.

    ``rule`` is the position of the must-have rule that names it, when one does.
    """


class InvalidSlotError(InvalidInputError):
    """A time slot, work-hours window, day or time zone that cannot be read as given."""


class ConstraintConflictError(InvalidInputError):
    """Constraints contradict each other (a pair both locked and forbidden, too many locks)."""


class InvalidProblemError(InvalidInputError):
    """Arrays of a MatchProblem with the wrong shape, dtype or values (NaN, inf, negative)."""


class UnsupportedProblemError(InvalidProblemError):
    """The chosen solver does not support what the problem needs; the message names those that do.

    Raised before solving, from the solvers' declarations in the registry
    (minimum loads, a sparse candidate problem, ...). A subclass of
    :class:`InvalidProblemError`, so ``except InvalidProblemError`` (what a
    dense-only solver raised on a candidate problem) keeps working.

    Attributes
    ----------
    solver : str
        The solver asked for.
    missing : tuple of str
        The features it lacks (names of ``SolverCapabilities`` fields).
    supported_by : tuple of str
        Registered solvers that declare all of them.
    """

    def __init__(self, message: str, *, solver: str = "", missing: tuple[str, ...] = (),
                 supported_by: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.solver = solver
        self.missing = tuple(missing)
        self.supported_by = tuple(supported_by)


class UnknownOptionError(InvalidInputError, TypeError):
    """An option the chosen solver does not take; the message lists those it does.

    Also a ``TypeError``, what Python raises for an unexpected keyword argument.
    """


class UnknownSolverError(InvalidInputError, KeyError):
    """No solver is registered under this name; the message lists the known ones."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class SurveyProblem:
    """One problem found in a survey file: where it is and what is wrong.

    ``row`` counts as a spreadsheet shows it (the header is row 1); for JSON
    exports it is the record number. ``row`` or ``column`` is ``None`` when the
    problem concerns the whole file or the whole row.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    unit: str = "row"

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"{self.unit} {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


class SurveyError(InvalidInputError):
    """A survey export could not be read; ``problems`` lists every problem found.

    Examples
    --------
    >>> err = SurveyError([SurveyProblem("s.csv", 3, "Capacity", "bad value")])
    >>> print(err)
    1 problem in s.csv:
      s.csv, row 3, column 'Capacity': bad value
    """

    def __init__(self, problems: list[SurveyProblem] | tuple[SurveyProblem, ...]) -> None:
        self.problems = tuple(problems)
        files = ", ".join(dict.fromkeys(p.file for p in self.problems)) or "survey"
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in {files}:"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))

    def __reduce__(self) -> tuple[type[SurveyError], tuple[tuple[SurveyProblem, ...]]]:
        return (type(self), (self.problems,))


class ExportError(MentorMatchError, OSError):
    """An output file could not be written; nothing was written.

    The message names the output path, never a temporary file (see
    :func:`mentormatch.io.write_files`). The one exception, a rename failing
    after others succeeded, names the files already replaced.
    """


class SurveyWarning(UserWarning):
    """A survey was read, but something in it may not be what was meant.

    Raised through :mod:`warnings` by :func:`mentormatch.read_survey` when the
    caller did not ask for the read report, so that a default or a guess never
    passes unnoticed; ``strict=True`` turns the same findings into a
    :class:`SurveyError`.
    """


class InfeasibleError(MentorMatchError, ValueError):
    """What was asked for is impossible (locks or minimum loads that cannot be met)."""


class SolverError(MentorMatchError, RuntimeError):
    """A solver failed to produce an answer it can vouch for."""


class ProblemTooLargeError(MentorMatchError, MemoryError):
    """The dense problem does not fit in memory; the message says what to do instead.

    Raised by :func:`mentormatch.match` when the full score matrix would exceed
    its memory budget and the path asked for cannot run without it, or when
    memory ran out building it. Also a ``MemoryError``.

    Attributes
    ----------
    needed_bytes : int
        The dense problem's estimated footprint.
    budget_bytes : int or None
        The memory budget it was compared with (None: memory ran out).
    """

    def __init__(self, message: str, *, needed_bytes: int = 0,
                 budget_bytes: int | None = None) -> None:
        super().__init__(message)
        self.needed_bytes = needed_bytes
        self.budget_bytes = budget_bytes
