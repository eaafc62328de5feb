"""Benchmark instances, one place: synthetic cohorts and the arrays every runner gets.

Every solver and every peer library in a sweep receives the *same* instance, rebuilt
deterministically from ``(profile, n_mentees, n_mentors, seed)`` in whichever worker
process runs it (cheaper than shipping matrices between processes).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

import mentormatch as mm
from mentormatch.encode import build_problem
from mentormatch.scoring import default_scorer
from mentormatch.synthetic import make_cohort


@dataclass(frozen=True)
class Spec:
    """What identifies an instance."""

    profile: str
    n_mentees: int
    n_mentors: int
    seed: int
    one_mentor: bool = False  # demand 1 for everyone (1:1 peers: scipy, matching)

    @property
    def label(self) -> str:
        extra = ", demand 1" if self.one_mentor else ""
        return f"{self.profile} {self.n_mentees}x{self.n_mentors}{extra}"


def cohort(spec: Spec) -> mm.Cohort:
    """The seeded synthetic cohort of a spec."""
    overrides = {"demand_probs": (1.0,)} if spec.one_mentor else {}
    return make_cohort(spec.n_mentees, spec.n_mentors, seed=spec.seed, profile=spec.profile,
                       **overrides)


@functools.lru_cache(maxsize=4)
def problem(spec: Spec) -> mm.MatchProblem:
    """The dense problem of a spec (default scorer; excluded pairs not allowed)."""
    c = cohort(spec)
    return build_problem(c, default_scorer().score(c))


def integer_costs(scores: np.ndarray, resolution: float = 1e6) -> np.ndarray:
    """Scores as integers (networkx and OR-Tools need integer costs, see PEERS.md)."""
    return np.rint(scores * resolution).astype(np.int64)
