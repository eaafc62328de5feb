"""The one registry of solvers: the CLI, the docs and ``available()`` all read it.

Each entry declares what its solver supports (:class:`SolverCapabilities`);
:func:`solve` and the large-cohort path compare that declaration with what a
problem needs, so no caller keeps a list of solver names.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

from mentormatch.errors import (
    InvalidInputError,
    InvalidProblemError,
    SolverError,
    UnknownOptionError,
    UnknownSolverError,
    UnsupportedProblemError,
    shorten,
)
from mentormatch.problem import (
    FEATURES,
    Assignment,
    CandidateProblem,
    Feature,
    MatchProblem,
    SolverCapabilities,
    problem_needs,
    violations,
)

__all__ = ["DEFAULT_SOLVER", "SolverSpec", "available", "get", "honouring_priority", "register",
           "require", "solve", "supporting"]

SolverFunc = Callable[..., Assignment]

#: Built-in solvers: name -> ("module:function", what it supports), imported on first use.
_BUILTIN: dict[str, tuple[str, SolverCapabilities]] = {
    # Min-cost flow on problem.edges(): minimum loads are lower bounds on the mentor
    # arcs, a mentee's mentors are one flow (chosen together), and the node potentials
    # that prove the answer are returned as duals (what the large-cohort pricing reads).
    "flow": ("mentormatch.solvers.flow._solve:solve_flow",
             SolverCapabilities(min_load=True, multi_mentor=True, candidates=True,
                                duals=True, priority=True)),
    # Flow, then a swap search, then the MILP of ilp(coverage=True) within a time budget:
    # topic coverage across a mentee's mentors, never below flow's, with a bound and gap.
    "coverage": ("mentormatch.solvers._coverage:solve_coverage",
                 SolverCapabilities(min_load=True, multi_mentor=True, coverage=True)),
    # Input order on problem.edges(); guarantees nothing, so not multi_mentor.
    "greedy": ("mentormatch.solvers._greedy:solve_greedy",
               SolverCapabilities(candidates=True)),
    # linear_sum_assignment on the dense matrix; demand above 1 is met in rounds
    # (info["exact"] is False) and minimum loads are not modelled.
    "hungarian": ("mentormatch.solvers._hungarian:solve_hungarian", SolverCapabilities()),
    # One MILP per level over problem.edges(): minimum loads and group make-up quotas are
    # rows, a mentee's mentors are chosen together; HiGHS's bounds are reported, no duals
    # that price pairs.
    "ilp": ("mentormatch.solvers._ilp:solve_ilp",
            SolverCapabilities(min_load=True, multi_mentor=True, candidates=True,
                               coverage=True, priority=True, quotas=True)),
    # Deferred acceptance on each side's own view, many-to-many (stable for any demand),
    # from problem.edges() when sparse; a minimum load would break stability. A priority
    # group is ranked first by every mentor (priority_ranked), not covered "as much as
    # possible": that would break stability too.
    "stable": ("mentormatch.solvers._stable:solve_stable",
               SolverCapabilities(multi_mentor=True, candidates=True, two_sided=True,
                                  priority_as_preference=True)),
}

#: The solver used when none is named.
DEFAULT_SOLVER = "flow"

_ENTRY_POINT_GROUP = "mentormatch.solvers"


@dataclass(frozen=True)
class SolverSpec:
    """A registered solver and what it supports.

    Attributes
    ----------
    name : str
        Registry name.
    func : callable
        ``func(problem, **options) -> Assignment``; must not mutate ``problem``.
    capabilities : SolverCapabilities
        What the solver supports; the default declares nothing.
    summary : str
        First line of the function's docstring.

    Examples
    --------
    >>> get("hungarian").capabilities.min_load, get("flow").capabilities.min_load
    (False, True)
    """

    name: str
    func: SolverFunc
    capabilities: SolverCapabilities = field(default_factory=SolverCapabilities)

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


def register(name: str, func: SolverFunc,
             capabilities: SolverCapabilities | None = None) -> None:
    """Register a solver under ``name`` (replacing none: names are unique).

    Parameters
    ----------
    name : str
        The name users pass as ``solver=``.
    func : callable
        ``func(problem, **options) -> Assignment``.
    capabilities : SolverCapabilities, optional
        What the solver supports. The default declares nothing: problems with
        minimum loads, and sparse candidate problems, are then refused with
        :class:`~mentormatch.errors.UnsupportedProblemError` instead of being
        given to a solver that may ignore what they need. A solver registered
        through the ``mentormatch.solvers`` entry-point group declares them as
        a ``capabilities`` attribute of its function (same default).

    Raises
    ------
    InvalidInputError
        If the name is already taken, or ``capabilities`` is not a
        :class:`SolverCapabilities`.

    Examples
    --------
    >>> from mentormatch.solvers import SolverCapabilities, register, supporting
    >>> from mentormatch import Assignment
    >>> def nothing(problem):
    ...     '''Match no one (a toy).'''
    ...     return Assignment.from_pairs(problem, [], [], solver="nothing")
    >>> register("nothing", nothing, SolverCapabilities(candidates=True))
    >>> "nothing" in available(), "nothing" in supporting("candidates")
    (True, True)
    """
    if name in _names():
        raise InvalidInputError(f"a solver named {name!r} is already registered")
    _loaded[name] = SolverSpec(name, func, _checked_capabilities(name, capabilities))


def _checked_capabilities(name: str, capabilities: object) -> SolverCapabilities:
    if capabilities is None:
        return SolverCapabilities()
    if not isinstance(capabilities, SolverCapabilities):
        raise InvalidInputError(f"capabilities of solver {name!r} must be a "
                                f"SolverCapabilities, got {type(capabilities).__name__}")
    return capabilities


def _unregister(name: str) -> None:
    """Forget a solver added with :func:`register` (for tests, which must not leave one)."""
    if name in _BUILTIN or name in _plugin_targets() or name not in _loaded:
        raise InvalidInputError(f"solver {name!r} was not added with register()")
    del _loaded[name]


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
    builtin = _BUILTIN.get(name)
    target = builtin[0] if builtin else _plugin_targets().get(name)
    if target is None:
        raise UnknownSolverError(
            f"unknown solver {name!r}; available solvers: {', '.join(available())}"
        )
    module, _, attr = target.partition(":")
    func = getattr(importlib.import_module(module), attr)
    declared = builtin[1] if builtin else getattr(func, "capabilities", None)
    spec = SolverSpec(name, func, _checked_capabilities(name, declared))
    _loaded[name] = spec
    return spec


def _capabilities(name: str) -> SolverCapabilities:
    """Return a solver's declaration, without importing a built-in solver's module."""
    builtin = _BUILTIN.get(name)
    return builtin[1] if builtin is not None else get(name).capabilities


def supporting(*features: Feature) -> tuple[str, ...]:
    """Return the names of the solvers that declare every given feature, sorted.

    Parameters
    ----------
    *features : str
        Field names of :class:`~mentormatch.problem.SolverCapabilities`:
        ``"min_load"``, ``"multi_mentor"``, ``"candidates"``, ``"two_sided"``,
        ``"duals"``, ``"coverage"``, ``"priority"`` (honoured either way),
        ``"priority_as_preference"``, ``"quotas"``.

    Raises
    ------
    InvalidInputError
        For an unknown feature name.

    Examples
    --------
    >>> import mentormatch as mm
    >>> [name for name in mm.solvers.supporting("min_load") if name in ("flow", "ilp")]
    ['flow', 'ilp']
    >>> "hungarian" in mm.solvers.supporting("candidates")
    False
    """
    SolverCapabilities().lacking(features)  # validates the names
    return tuple(name for name in available() if _capabilities(name).supports(features))


#: The ways a solver may honour a priority group, as ``SolverCapabilities.priority_honoured``
#: words them (asked of the two declarations, so the words live in one place).
_PRIORITY_WAYS = (SolverCapabilities(priority=True).priority_honoured,
                  SolverCapabilities(priority_as_preference=True).priority_honoured)


def honouring_priority(how: str) -> tuple[str, ...]:
    """Return the names of the solvers that honour a priority group ``how``, sorted.

    Parameters
    ----------
    how : {"exactly", "as mentor preference"}
        ``"exactly"``: as many of the group matched as possible, before anyone
        else; ``"as mentor preference"``: every mentor ranks the group first
        (:attr:`~mentormatch.problem.SolverCapabilities.priority_honoured`).

    Raises
    ------
    InvalidInputError
        For any other ``how``.

    Examples
    --------
    >>> import mentormatch as mm
    >>> [n for n in mm.solvers.honouring_priority("exactly") if n in ("flow", "ilp", "stable")]
    ['flow', 'ilp']
    >>> "stable" in mm.solvers.honouring_priority("as mentor preference")
    True
    """
    if how not in _PRIORITY_WAYS:
        raise InvalidInputError(f"unknown way of honouring a priority group {shorten(how)}; "
                                f"expected {' or '.join(repr(w) for w in _PRIORITY_WAYS)}")
    return tuple(name for name in supporting("priority")
                 if _capabilities(name).priority_honoured == how)


def require(solver: str, needs: Mapping[Feature, str]) -> SolverSpec:
    """Return the named solver if it declares every feature in ``needs``.

    Parameters
    ----------
    solver : str
        A name from :func:`available`.
    needs : mapping of feature name to str
        What is needed, each with the reason (what in the problem needs it),
        as :func:`~mentormatch.problem.problem_needs` gives them.

    Raises
    ------
    UnknownSolverError
        For an unknown name.
    UnsupportedProblemError
        If the solver lacks a feature; the message (and ``supported_by``)
        names the solvers that declare them all.

    Examples
    --------
    >>> require("flow", {"min_load": "mentor 0 has min_load 1"}).name
    'flow'
    >>> require("hungarian", {"min_load": "mentor 0 has min_load 1"})
    Traceback (most recent call last):
    ...
    mentormatch.errors.UnsupportedProblemError: solver 'hungarian' does not support minimum \
loads, which this problem needs (mentor 0 has min_load 1); solvers that do: coverage, flow, \
ilp
    """
    spec = get(solver)
    missing = spec.capabilities.lacking(tuple(needs))
    if not missing:
        return spec
    able = supporting(*missing)
    what = " and ".join(FEATURES[f] for f in missing)
    why = "; ".join(needs[f] for f in missing if needs[f])
    raise UnsupportedProblemError(
        f"solver {solver!r} does not support {what}, which this problem needs"
        + (f" ({why})" if why else "")
        + (f"; solvers that do: {', '.join(able)}" if able else "; no registered solver does"),
        solver=solver, missing=missing, supported_by=able)


def solve(problem: MatchProblem | CandidateProblem, solver: str = DEFAULT_SOLVER,
          **options: Any) -> Assignment:
    """Solve a :class:`MatchProblem` with the named solver and check the answer.

    Parameters
    ----------
    problem : MatchProblem or CandidateProblem
        The arrays to solve, dense or sparse (``MatchProblem`` given scipy.sparse
        scores, or :meth:`MatchProblem.from_edges`).
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
    InvalidProblemError
        If ``problem`` is neither a MatchProblem nor a CandidateProblem (raw
        arrays: wrap them in a MatchProblem).
    UnsupportedProblemError
        Before solving, if the problem needs what the solver does not declare
        (minimum loads, a sparse candidate problem); names the solvers that do.
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
    if not isinstance(problem, MatchProblem | CandidateProblem):
        raise InvalidProblemError(
            f"solve takes a MatchProblem or CandidateProblem, got {type(problem).__name__}; "
            "wrap the arrays first: "
            "mm.solve(mm.MatchProblem(scores=..., demand=..., capacity=...))")
    spec = require(solver, problem_needs(problem))
    _check_options(spec, options)
    assignment = spec.func(problem, **options)
    broken = violations(assignment, problem)  # type: ignore[arg-type]  # edges only
    if broken:
        raise SolverError(f"solver {solver!r} returned an infeasible assignment: "
                          + "; ".join(broken[:5]))
    return assignment


def _check_options(spec: SolverSpec, options: Mapping[str, Any]) -> None:
    """Refuse options the solver's function does not take, naming those it does."""
    try:
        params = list(inspect.signature(spec.func).parameters.values())[1:]
    except (TypeError, ValueError):  # a builtin or C function: no signature to read
        return
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return
    named = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    valid = [p.name for p in params if p.kind in named]
    unknown = [name for name in options if name not in valid]
    if unknown:
        raise UnknownOptionError(
            f"solver {spec.name!r} takes no option {shorten(unknown[0])}; its options: "
            + (", ".join(valid) if valid else "none"))
