"""Progress bars for long runs: a widget in Jupyter, a bar in a terminal, silent elsewhere.

Every long call takes ``progress=None | True | False`` and hands it to
:class:`Progress` as ``enabled``: ``None`` shows a bar only where someone is
watching (a terminal, or a Jupyter kernel), ``True`` always, ``False`` never.
The bars are ``tqdm`` bars (``tqdm.auto`` in Jupyter, so a widget when
ipywidgets is installed, else a text bar in the cell's output).
"""

from __future__ import annotations

import io
import sys
from types import TracebackType
from typing import Any, TextIO, cast

from tqdm.std import tqdm as text_tqdm

__all__ = ["Progress", "in_jupyter"]


def in_jupyter() -> bool:
    """Return True inside a Jupyter kernel (a notebook or JupyterLab console).

    Examples
    --------
    >>> in_jupyter()  # a doctest runs in no kernel
    False
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _watched(stream: TextIO | None) -> bool:
    if stream is None or stream is sys.stderr:
        if in_jupyter():
            return True
        stream = sys.stderr
    isatty = getattr(stream, "isatty", None)
    return bool(isatty()) if callable(isatty) else False


class Progress:
    r"""Count finished steps of a long run and show them as a ``tqdm`` bar.

    Parameters
    ----------
    total : int
        Steps expected.
    desc : str
        What is being done (``"scoring blocks"``).
    enabled : bool, optional
        Force the bar on or off; by default it shows in a Jupyter kernel and
        where ``stream`` is a terminal, so logs, pipes and CI stay clean.
    stream : text stream, optional
        Where a text bar goes; defaults to ``sys.stderr`` (in Jupyter, the
        notebook's own display: a widget when ipywidgets is installed).
    interval : float, default=0.2
        Minimum seconds between redraws.

    Attributes
    ----------
    done : int
        Steps finished so far (counted even when the bar is hidden).
    enabled : bool
        Whether a bar is shown.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> with Progress(2, "blocks", enabled=True, stream=out, interval=0.0) as bar:
    ...     bar.update()
    ...     bar.update()
    >>> out.getvalue().split("\r")[-1].split("|")[0].strip()
    'blocks: done: 100%'
    >>> with Progress(2, "quiet", stream=io.StringIO()) as bar:  # not a terminal
    ...     bar.enabled
    False
    """

    def __init__(self, total: int, desc: str, *, enabled: bool | None = None,
                 stream: TextIO | None = None, interval: float = 0.2) -> None:
        self.enabled = _watched(stream) if enabled is None else bool(enabled)
        self.total = max(int(total), 0)
        self.desc = _printable(desc)
        self.done = 0
        self._bar: Any = None
        if self.enabled:
            self._bar = _new_bar(self.total, self.desc, stream, interval)

    def update(self, n: int = 1) -> None:
        """Record ``n`` more finished steps (the bar redraws at most every ``interval``)."""
        self.done += n
        if self._bar is not None:
            self._bar.update(n)

    def stage(self, what: str) -> None:
        """Say which step is running now (shown beside the count at once).

        Examples
        --------
        >>> import io
        >>> out = io.StringIO()
        >>> with Progress(2, "match", enabled=True, stream=out) as bar:
        ...     bar.stage("reading survey.csv")
        >>> "match: reading survey.csv" in out.getvalue()
        True
        """
        if self._bar is not None:
            self._bar.set_description_str(f"{self.desc}: {_printable(what)}")

    def above(self, stream: TextIO) -> TextIO:
        r"""Return ``stream`` made to write above the bar instead of across it.

        For messages printed while the bar runs (a survey's read report): the
        bar is cleared, the text written, the bar drawn again below it.

        Examples
        --------
        >>> import io
        >>> out = io.StringIO()
        >>> with Progress(1, "reading", stream=out) as bar:  # hidden: not a terminal
        ...     print("read: 40 rows", file=bar.above(out))
        >>> out.getvalue()
        'read: 40 rows\n'
        """
        return cast(TextIO, _Above(self, stream))

    def close(self) -> None:
        """Finish the bar (a terminal keeps its last state on one line, ``done`` if complete)."""
        if self._bar is not None:
            if self.done >= self.total:
                self._bar.set_description_str(f"{self.desc}: done", refresh=False)
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Progress:
        """Start counting."""
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """Finish the bar."""
        self.close()


class _Above(io.TextIOBase):
    """A text stream that writes whole lines above a bar: clear it, write, draw it again."""

    def __init__(self, progress: Progress, stream: TextIO) -> None:
        self._progress = progress
        self._stream = stream
        self._pending = ""

    def write(self, text: str) -> int:
        bar = self._progress._bar
        if bar is None:
            return self._stream.write(self._pending + text) - len(self._pending)
        lines, newline, self._pending = (self._pending + text).rpartition("\n")
        if newline:
            with bar.external_write_mode(file=bar.fp):
                self._stream.write(lines + "\n")
                self._stream.flush()
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return bool(getattr(self._stream, "isatty", lambda: False)())


def _printable(text: str) -> str:
    """Escape what a terminal would obey (a file name may hold escape sequences)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _new_bar(total: int, desc: str, stream: TextIO | None, interval: float) -> Any:
    options: dict[str, Any] = {"total": total, "desc": desc, "mininterval": interval,
                               "disable": False, "leave": True, "dynamic_ncols": True}
    if (stream is None or stream is sys.stderr) and in_jupyter():
        # Imported here: tqdm.auto picks its bar when first imported (and warns in a
        # kernel without ipywidgets), which only matters once a notebook bar is wanted.
        from tqdm.auto import tqdm as auto_tqdm

        return auto_tqdm(**options)
    return text_tqdm(file=stream if stream is not None else sys.stderr, **options)
