"""Which path a match takes, the full score matrix or each mentee's best candidates, and why.

The dense path scores every pair and keeps several matrices of that size (the
scores, the problem, the flow network and its certificate): about
:data:`DENSE_BYTES_PER_PAIR` bytes per (mentee, mentor) pair, measured on the
national profile (350-380). When that would exceed the memory budget
(:data:`DEFAULT_MEMORY_BUDGET` unless ``memory_budget=`` says otherwise),
``mm.match`` takes the large-cohort path (``candidates=``) by itself and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mentormatch.errors import InvalidInputError, ProblemTooLargeError
from mentormatch.models import Cohort
from mentormatch.solvers import DEFAULT_SOLVER, get, supporting

__all__ = ["AUTO_CANDIDATES", "DEFAULT_MEMORY_BUDGET", "DENSE_BYTES_PER_PAIR", "PathChoice",
           "choose_path", "too_large"]

#: Bytes the dense path holds per (mentee, mentor) pair, rounded up from measurements.
DENSE_BYTES_PER_PAIR = 400
#: Memory the dense path may use before ``mm.match`` switches to candidates (2 GiB).
DEFAULT_MEMORY_BUDGET = 2 * 2**30
#: Candidates per mentee when ``mm.match`` switches by itself.
AUTO_CANDIDATES = 10


@dataclass(frozen=True)
class PathChoice:
    """The path a match takes, with the solver and ``k`` it runs, and why."""

    path: str  # "dense" or "candidates"
    why: str
    solver: str | None  # None: as mm.match chooses on the dense path
    k: int | None = None
    note: str | None = None  # for result.notes, when the path was not asked for


def _size(n_bytes: float) -> str:
    for unit, size in (("GB", 1e9), ("MB", 1e6)):
        if n_bytes >= size:
            return f"{n_bytes / size:.1f} {unit}"
    return f"{n_bytes / 1e3:.0f} kB"


def choose_path(cohort: Cohort, solver: str | None, objective: str | None,
                candidates: int | None, memory_budget: float | None,
                options: dict[str, Any], dense_only: str | None = None) -> PathChoice:
    """Pick the dense path, or the candidates path when the dense one would not fit.

    ``dense_only`` names an asked-for feature that runs only on the dense
    problem (``"priority="``).

    Raises
    ------
    ProblemTooLargeError
        When the dense problem would exceed the budget and what was asked for
        (a solver, the coverage objective, ``dense_only``) runs only on the
        dense problem.
    """
    if candidates is not None:
        return PathChoice("candidates", f"asked for (candidates={candidates})", solver,
                          candidates)
    if memory_budget is not None and (isinstance(memory_budget, bool)
                                      or not isinstance(memory_budget, int | float)
                                      or not memory_budget > 0):
        raise InvalidInputError(
            f"memory_budget must be a positive number of bytes or None, got {memory_budget!r}")
    n_e, n_r = len(cohort.mentees), len(cohort.mentors)
    need = n_e * n_r * DENSE_BYTES_PER_PAIR
    if memory_budget is None:
        return PathChoice("dense", "no memory budget (memory_budget=None)", solver)
    if need <= memory_budget:
        return PathChoice("dense", f"the dense problem (about {_size(need)}) fits the memory "
                                   f"budget ({_size(memory_budget)})", solver)
    why = (f"the dense problem ({n_e:,} x {n_r:,} pairs, about {_size(need)}) would exceed the "
           f"memory budget ({_size(memory_budget)})")
    name = solver or DEFAULT_SOLVER
    if objective == "coverage" or options.get("coverage"):
        raise too_large(why, need, int(memory_budget), "the coverage objective")
    if dense_only is not None:
        raise too_large(why, need, int(memory_budget), dense_only)
    if not get(name).capabilities.candidates:
        raise too_large(why, need, int(memory_budget), f"solver {name!r}")
    note = (f"{why}, so it was solved on each mentee's best {AUTO_CANDIDATES} candidate "
            f"mentors (the large-cohort path); pass candidates=k to choose k, or a larger "
            "memory_budget= for the dense problem")
    if solver is None and objective is None and any(m.demand > 1 for m in cohort.mentees):
        note += ("; topic coverage across a mentee's mentors (the dense path's default when "
                 "a mentee asks for more than one mentor) runs only on the dense problem, so "
                 "pair scores were maximised")
    return PathChoice("candidates", why, name, AUTO_CANDIDATES, note)


def too_large(why: str, need: int, budget: int | None,
              dense_only: str | None = None) -> ProblemTooLargeError:
    """Return the typed error for a dense problem that cannot be held, saying what to do."""
    edge_solvers = ", ".join(supporting("candidates"))
    because = f"; {dense_only} runs only on the dense problem" if dense_only else ""
    return ProblemTooLargeError(
        f"{why}{because}. Pass candidates=k (e.g. 10) with a solver that takes candidate "
        f"problems ({edge_solvers}): the large-cohort path never builds the full matrix. Or "
        "pass a larger memory_budget= if the machine has the memory",
        needed_bytes=need, budget_bytes=budget)
