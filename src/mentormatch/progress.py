"""A tiny progress line on stderr for long runs, silent when stderr is not a terminal."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    r"""Count finished steps and redraw one status line, at most every ``interval`` seconds.

    Parameters
    ----------
    total : int
        Steps expected.
    desc : str
        What is being done (``"scoring blocks"``).
    enabled : bool, optional
        Force the line on or off; by default it shows only when ``stream`` is a
        terminal, so logs, pipes and CI stay clean.
    stream : text stream, optional
        Defaults to ``sys.stderr``.
    interval : float, default=0.2
        Minimum seconds between redraws.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> with Progress(2, "blocks", enabled=True, stream=out, interval=0.0) as bar:
    ...     bar.update()
    ...     bar.update()
    >>> out.getvalue().splitlines()[-1].split("(")[0].strip().split("\\r")[-1]
    'blocks: 2/2'
    >>> with Progress(2, "quiet", stream=io.StringIO()) as bar:  # not a terminal
    ...     bar.enabled
    False
    """

    def __init__(self, total: int, desc: str, *, enabled: bool | None = None,
                 stream: TextIO | None = None, interval: float = 0.2) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty()) if callable(isatty) else False
        self.enabled = enabled
        self.total = max(int(total), 0)
        self.desc = desc
        self.done = 0
        self.interval = interval
        self._start = time.perf_counter()
        self._last = -float("inf")

    def update(self, n: int = 1) -> None:
        """Record ``n`` more finished steps and redraw if enough time passed."""
        self.done += n
        if not self.enabled:
            return
        now = time.perf_counter()
        if now - self._last >= self.interval or self.done >= self.total:
            self._last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        pct = 100.0 * self.done / self.total if self.total else 100.0
        elapsed = now - self._start
        self.stream.write(f"\r{self.desc}: {self.done}/{self.total} ({pct:3.0f}%, "
                          f"{elapsed:.1f} s)")
        self.stream.flush()

    def close(self) -> None:
        """End the line (only if anything was drawn)."""
        if self.enabled:
            self._draw(time.perf_counter())
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self) -> Progress:
        """Start counting."""
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """Finish the line."""
        self.close()
