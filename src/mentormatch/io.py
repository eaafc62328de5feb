"""Atomic file writes (an interrupted export never leaves a half-written file) and tables."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Table", "atomic_write_bytes", "atomic_write_csv", "atomic_write_text"]


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> atomic_write_bytes(target, b"hello").read_bytes()
    b'hello'
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                               dir=target.parent if str(target.parent) else ".")
    try:
        # mkstemp creates the file private (0600); give it the mode a plain open()
        # would, or keep the mode of the file it replaces, so reports can be shared.
        try:
            mode = os.stat(target).st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text atomically (see :func:`atomic_write_bytes`)."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_csv(path: str | Path, columns: Sequence[str],
                     records: Iterable[Mapping[str, Any]]) -> Path:
    r"""Write dict records as CSV (header first, ``\n`` line ends), atomically.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.csv"
    >>> atomic_write_csv(target, ["a", "b"], [{"a": 1, "b": "x"}]).read_text()
    'a,b\n1,x\n'
    """
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return atomic_write_text(path, buf.getvalue())


class Table:
    """Mixin for results that are a table: rows from ``to_records()``, fixed ``COLUMNS``.

    Gives every such result the same ``to_frame`` and ``to_csv``, so exports
    differ only in their rows.

    Examples
    --------
    >>> class Rows(Table):
    ...     COLUMNS = ("a", "b")
    ...     def to_records(self):
    ...         return [{"a": 1, "b": "x"}]
    >>> Rows().to_frame().columns.tolist()
    ['a', 'b']
    """

    COLUMNS: ClassVar[tuple[str, ...]]

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per row, keyed by ``COLUMNS``."""
        raise NotImplementedError

    def to_frame(self) -> pd.DataFrame:
        """Return the rows as a pandas DataFrame (needs the ``report`` extra: pandas)."""
        import pandas as pd

        return pd.DataFrame(self.to_records(), columns=list(self.COLUMNS))

    def to_csv(self, path: str | Path) -> Path:
        """Write the rows as CSV, atomically (an interrupted write leaves no half file).

        Returns
        -------
        Path
            The path written.
        """
        return atomic_write_csv(path, self.COLUMNS, self.to_records())
