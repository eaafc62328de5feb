"""The one registry of solvers: the CLI, the docs and ``available()`` all read it."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from mentormatch.errors import SolverError, UnknownSolverError
from mentormatch.problem import Assignment, MatchProblem, violations

__all__ = ["DEFAULT_SOLVER", "SolverSpec", "available", "get", "register", "solve"]

SolverFunc = Callable[..., Assignment]

#: Built-in solvers: name -> "module:function", imported on first use.
_BUILTIN: dict[str, str] = {
    "flow": "mentormatch.solvers.flow._solve:solve_flow",
    "greedy": "mentormatch.solvers._greedy:solve_greedy",
    "hungarian": "mentormatch.solvers._hungarian:solve_hungarian",
    "ilp": "mentormatch.solvers._ilp:solve_ilp",
    "stable": "mentormatch.solvers._stable:solve_stable",
}

#: The solver used when none is named.
DEFAULT_SOLVER = "flow"

_ENTRY_POINT_GROUP = "mentormatch.solvers"


@dataclass(frozen=True)
class SolverSpec:
    """A registered solver.

    Attributes
    ----------
    name : str
        Registry name.
    func : callable
        ``func(problem, **options) -> Assignment``; must not mutate ``problem``.
    summary : str
        First line of the function's docstring.
    """

    name: str
    func: SolverFunc

    @property
    def summary(self) -> str:
        """First line of the solver's docstring."""
        return (self.func.__doc__ or "").strip().splitlines()[0] if self.func.__doc__ else ""


_loaded: dict[str, SolverSpec] = {}
_plugins: dict[str, str] | None = None


def _plugin_targets() -> dict[str, str]:
    global _plugins
    if _plugins is None:
        _plugins = {ep.name: ep.value for ep in entry_points(group=_ENTRY_POINT_GROUP)}
    return _plugins


def register(name: str, func: SolverFunc) -> None:
    """Register a solver under ``name`` (replacing none: names are unique).

    Parameters
    ----------
    name : str
        The name users pass as ``solver=``.
    func : callable
        ``func(problem, **options) -> Assignment``.

    Raises
    ------
    ValueError
        If the name is already taken.

    Examples
    --------
    >>> from mentormatch.solvers import register, available
    >>> from mentormatch import Assignment
    >>> def nothing(problem):
    ...     '''Match no one (a toy).'''
    ...     return Assignment.from_pairs(problem, [], [], solver="nothing")
    >>> register("nothing", nothing)
    >>> "nothing" in available()
    True
    """
    if name in _names():
        raise ValueError(f"a solver named {name!r} is already registered")
    _loaded[name] = SolverSpec(name, func)


def _names() -> set[str]:
    return {*_BUILTIN, *_plugin_targets(), *_loaded}


def available() -> tuple[str, ...]:
    """Return the names of every solver, sorted.

    Examples
    --------
    >>> import mentormatch as mm
    >>> "hungarian" in mm.solvers.available()
    True
    """
    return tuple(sorted(_names()))


def get(name: str) -> SolverSpec:
    """Return the solver registered under ``name``.

    Raises
    ------
    UnknownSolverError
        If there is none; the message lists the valid names.

    Examples
    --------
    >>> get("hungarian").name
    'hungarian'
    """
    if name in _loaded:
        return _loaded[name]
    target = _BUILTIN.get(name) or _plugin_targets().get(name)
    if target is None:
        raise UnknownSolverError(
            f"unknown solver {name!r}; available solvers: {', '.join(available())}"
        )
    module, _, attr = target.partition(":")
    func = getattr(importlib.import_module(module), attr)
    spec = SolverSpec(name, func)
    _loaded[name] = spec
    return spec


def solve(problem: MatchProblem, solver: str = DEFAULT_SOLVER, **options: Any) -> Assignment:
    """Solve a :class:`MatchProblem` with the named solver and check the answer.

    Parameters
    ----------
    problem : MatchProblem
        The arrays to solve.
    solver : str, default=DEFAULT_SOLVER
        A name from :func:`available`.
    **options
        Passed to the solver.

    Returns
    -------
    Assignment
        Pairs as index arrays, with the objective and solver facts.

    Raises
    ------
    UnknownSolverError
        For an unknown name.
    SolverError
        If the solver's answer breaks a hard constraint (a bug in that solver).

    Examples
    --------
    >>> import mentormatch as mm
    >>> p = mm.MatchProblem(scores=[[0.9, 0.1], [0.8, 0.2]], capacity=1)
    >>> a = mm.solve(p, solver="hungarian")
    >>> a.mentee_idx.tolist(), a.mentor_idx.tolist(), round(a.objective, 2)
    ([0, 1], [0, 1], 1.1)
    """
    spec = get(solver)
    assignment = spec.func(problem, **options)
    broken = violations(assignment, problem)
    if broken:
        raise SolverError(f"solver {solver!r} returned an infeasible assignment: "
                          + "; ".join(broken[:5]))
    return assignment
