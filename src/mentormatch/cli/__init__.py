"""The ``mentormatch`` command."""

from ._main import main as main
