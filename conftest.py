"""Shared by the tests and the doctests.

No test leaves a solver registered for the next, and hypothesis has no per-example
deadline: speed is measured in ``benchmarks/``, never by a test timing itself, and a
loaded machine must not turn a correct example into a failure.

Hypothesis draws the same examples every run, so a red suite always means a change
broke something. ``MENTORMATCH_EXPLORE=1`` draws fresh examples, to hunt new bugs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from mentormatch.solvers import _registry

EXPLORE = os.environ.get("MENTORMATCH_EXPLORE", "") not in ("", "0")
settings.register_profile("mentormatch", deadline=None, derandomize=not EXPLORE)
settings.load_profile("mentormatch")


@pytest.fixture(autouse=True)
def _forget_registered_solvers() -> Iterator[None]:
    """Unregister every solver a test (or a docstring example) registered."""
    before = set(_registry.available())
    yield
    for name in set(_registry.available()) - before:
        _registry._unregister(name)
