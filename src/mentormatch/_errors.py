"""The error tree: every error the library raises on purpose derives from one root.

Leaves also subclass the built-in a user would naturally catch (``ValueError``,
``KeyError``), so ``except ValueError`` keeps working.
"""

from __future__ import annotations

__all__ = [
    "ConstraintConflictError",
    "DuplicateIdError",
    "InfeasibleError",
    "InvalidInputError",
    "InvalidProblemError",
    "MentorMatchError",
    "SolverError",
    "UnknownIdError",
    "UnknownSolverError",
    "UnknownTopicError",
]


class MentorMatchError(Exception):
    """Root of every error raised on purpose by mentormatch."""


class InvalidInputError(MentorMatchError, ValueError):
    """Input that cannot be used as given; the message says what and where."""


class DuplicateIdError(InvalidInputError):
    """The same id appears twice where ids must be unique."""


class UnknownIdError(InvalidInputError, KeyError):
    """A constraint or reference names an id that is not in the cohort."""

    def __str__(self) -> str:
        # KeyError quotes its argument; keep the message readable.
        return str(self.args[0]) if self.args else ""


class UnknownTopicError(InvalidInputError):
    """A topic or mentorship type is not in the vocabulary; suggests the closest one."""


class ConstraintConflictError(InvalidInputError):
    """Constraints contradict each other (a pair both locked and forbidden, too many locks)."""


class InvalidProblemError(InvalidInputError):
    """Arrays of a MatchProblem with the wrong shape, dtype or values (NaN, inf, negative)."""


class UnknownSolverError(InvalidInputError, KeyError):
    """No solver is registered under this name; the message lists the known ones."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class InfeasibleError(MentorMatchError, ValueError):
    """What was asked for is impossible (locks or minimum loads that cannot be met)."""


class SolverError(MentorMatchError, RuntimeError):
    """A solver failed to produce an answer it can vouch for."""
