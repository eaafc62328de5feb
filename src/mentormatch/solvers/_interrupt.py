"""Run a long native call (HiGHS) so that Ctrl-C stops the caller at once.

scipy's HiGHS wrappers check for signals only when they return, so a
KeyboardInterrupt waited for the whole MILP (18-51 s were seen). Here the call
runs in a daemon worker thread while the calling thread waits in short
slices, where Python delivers the interrupt. HiGHS itself cannot be stopped
from outside (scipy exposes no callback): after an interrupt the worker
finishes, or hits the ``time_limit`` it was given, in the background, and its
answer is dropped; a process that exits (the CLI) does not wait for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["run_interruptibly"]

T = TypeVar("T")

#: Seconds between checks for a pending Ctrl-C while the worker runs.
_SLICE = 0.05


def run_interruptibly(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Return ``func(*args, **kwargs)``, run in a worker thread so Ctrl-C arrives within 0.05 s.

    Exceptions raised by ``func`` are raised here, unchanged.

    Examples
    --------
    >>> run_interruptibly(divmod, 45, 6)
    (7, 3)
    """
    box: dict[str, T] = {}
    failure: list[BaseException] = []

    def work() -> None:
        try:
            box["value"] = func(*args, **kwargs)
        except BaseException as exc:  # handed to the caller below
            failure.append(exc)

    worker = threading.Thread(target=work, name="mentormatch-highs", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(_SLICE)
    if failure:
        raise failure[0]
    return box["value"]
