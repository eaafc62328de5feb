"""The ``mentormatch`` command."""
