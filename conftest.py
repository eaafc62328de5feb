"""Shared by the tests and the doctests: no test leaves a solver registered for the next."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mentormatch.solvers import _registry


@pytest.fixture(autouse=True)
def _forget_registered_solvers() -> Iterator[None]:
    """Unregister every solver a test (or a docstring example) registered."""
    before = set(_registry.available())
    yield
    for name in set(_registry.available()) - before:
        _registry._unregister(name)
