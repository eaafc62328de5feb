"""Peak resident memory of the current process, for runs in a fresh child process.

``getrusage(RUSAGE_SELF).ru_maxrss`` is the wrong figure there: Linux carries
the high-water mark across ``execve``, so a child started by ``spawn`` (a fork
of the benchmark process, then an exec) reports the parent's peak at the moment
of the fork. ``VmHWM`` in ``/proc/self/status`` belongs to the process's own
address space, which ``execve`` replaces, so it is the child's own peak.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

__all__ = ["peak_rss_gib", "RSS_SOURCE"]

_STATUS = Path("/proc/self/status")
#: Where :func:`peak_rss_gib` reads from on this machine (recorded with the results).
RSS_SOURCE = "VmHWM (/proc/self/status)" if _STATUS.exists() else "ru_maxrss"


def peak_rss_gib() -> float:
    """Peak RSS of this process since it started (its last ``exec``), in GiB.

    Examples
    --------
    >>> 0.0 < peak_rss_gib() < 1024
    True
    """
    if _STATUS.exists():
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 2**20  # kB
    scale = 2**30 if sys.platform == "darwin" else 2**20  # bytes on macOS, kB elsewhere
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale
