"""Atomic file writes (an interrupted export never leaves a half-written file) and tables."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from mentormatch.errors import ExportError, shorten

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FORMULA_START", "Table", "atomic_write_bytes", "atomic_write_csv", "atomic_write_text",
           "csv_text", "guard_cell", "read_csv", "unguard_cell", "write_files",
           "write_text_files"]


#: A cell starting with one of these is read as a formula by spreadsheets (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Prefix that makes a spreadsheet read such a cell as text.
GUARD = "'"


def guard_cell(value: Any) -> Any:
    """Make a text cell safe to open in a spreadsheet; other values pass unchanged.

    A cell that starts like a formula (``=``, ``+``, ``-``, ``@``, tab, CR) gets
    a leading ``'``, as OWASP's CSV-injection guidance recommends. So that every
    cell reads back exactly (:func:`unguard_cell`), a cell that already starts
    with ``'`` followed by one of those or by ``'`` gets one too.

    Examples
    --------
    >>> guard_cell("=HYPERLINK(1)"), guard_cell("-2"), guard_cell(-2), guard_cell("'twas")
    ("'=HYPERLINK(1)", "'-2", -2, "'twas")
    >>> unguard_cell(guard_cell("'=x")) == "'=x"
    True
    """
    if not isinstance(value, str) or not value:
        return value
    if value[0] in FORMULA_START or (value[0] == GUARD and value[1:2] in (*FORMULA_START, GUARD)
                                     and len(value) > 1):
        return GUARD + value
    return value


def unguard_cell(text: str) -> str:
    """Undo :func:`guard_cell` on a cell read back from a CSV this library wrote."""
    if len(text) > 1 and text[0] == GUARD and text[1] in (*FORMULA_START, GUARD):
        return text[1:]
    return text


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, Any] | Sequence[Any]]) -> str:
    r"""Render rows as CSV text: the one CSV writer of the package.

    RFC 4180 line ends (``\r\n``), so a cell holding a line break or a bare
    carriage return is quoted and stays one cell; text cells are guarded
    against formula injection (:func:`guard_cell`). Rows are mappings keyed by
    ``columns`` or sequences in that order.

    Examples
    --------
    >>> csv_text(["id", "note"], [{"id": "=1+1", "note": "a\rb"}])
    'id,note\r\n\'=1+1,"a\rb"\r\n'
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([guard_cell(c) for c in columns])
    for row in rows:
        cells = [row.get(c, "") for c in columns] if isinstance(row, Mapping) else row
        writer.writerow([guard_cell(c) for c in cells])
    return buf.getvalue()


def read_csv(path: str | Path) -> list[dict[str, str]]:
    r"""Read a CSV this library wrote back into rows of text, cell for cell.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.csv"
    >>> read_csv(atomic_write_csv(target, ["a"], [{"a": "=1\r2"}]))
    [{'a': '=1\r2'}]
    """
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        return []
    header = [unguard_cell(c) for c in rows[0]]
    return [dict(zip(header, (unguard_cell(c) for c in row), strict=False)) for row in rows[1:]]


def _checked_target(path: str | Path) -> Path:
    """Return where ``path`` writes (through a symlink, the file it points to).

    A path that cannot name a file is refused with a typed error.
    """
    given = Path(path)
    try:
        resolved = given.resolve()  # an embedded NUL, a name too long, a link loop
        target = resolved if given.is_symlink() else given
        folder = not target.name or target.is_dir()
    except (OSError, ValueError, RuntimeError) as exc:
        raise ExportError(f"{shorten(str(path))}: not a path a file can be written to "
                          f"({getattr(exc, 'strerror', None) or exc}); nothing was written"
                          ) from None
    # Path() drops a trailing slash: "results/" names a folder even before it exists.
    if folder or str(path).endswith(("/", os.sep)):
        raise ExportError(f"{str(path)!r}: a folder, not a file; give a file name "
                          "(such as pairs.csv); nothing was written")
    return target


def _stage(target: Path, data: bytes) -> str:
    """Write ``data`` to a temporary file beside ``target``; return its name."""
    if target.exists() and not target.stat().st_mode & 0o222:
        # marked read-only (chmod a-w): refused even where the user could replace it
        raise ExportError(f"{target}: the file is read-only; nothing was written")
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
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def write_files(files: Mapping[str | Path, bytes]) -> list[Path]:
    """Write several files all or none: each through a temporary file, renamed at the end.

    Every file is first written in full to a hidden temporary file beside its
    target (``.<name>.<random>.tmp``); only when all are written are they
    renamed over their targets, each rename atomic. So an error, Ctrl-C or
    SIGTERM (the CLI turns it into an exit that cleans up) leaves every target
    as it was and no temporary file. Only a SIGKILL or a power cut during the
    writes can leave a temporary file behind; it never replaces a target.

    Decisions: a symlinked target is written through (the link stays, the file
    it points to is replaced); an existing read-only target is refused, not
    replaced; two outputs naming the same file are refused.

    Raises
    ------
    ExportError
        Naming the output path (never the temporary file), when a target cannot
        be written; nothing is written then, except when a rename fails after
        others succeeded (a target removed or locked meanwhile): the message
        names the files already replaced.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> [p.name for p in write_files({d / "a.txt": b"1", d / "b.txt": b"2"})]
    ['a.txt', 'b.txt']
    """
    targets = [_checked_target(p) for p in files]
    seen: dict[Path, Path] = {}
    for target in targets:
        key = target.resolve()
        if key in seen:
            raise ExportError(f"{target}: named twice as an output; nothing was written")
        seen[key] = target
    staged: list[str] = []
    try:
        for target, data in zip(targets, files.values(), strict=True):
            try:
                staged.append(_stage(target, data))
            except OSError as exc:
                if isinstance(exc, ExportError):
                    raise
                raise ExportError(f"{target}: cannot write ({exc.strerror or exc}); "
                                  "nothing was written") from None
        for k, (tmp, target) in enumerate(zip(staged, targets, strict=True)):
            try:
                os.replace(tmp, target)
            except OSError as exc:  # the staged files are removed below
                done = ", ".join(str(t) for t in targets[:k])
                raise ExportError(f"{target}: cannot write ({exc.strerror or exc}); it was "
                                  "not written" + (f", but {done} already were" if done
                                                   else ", nor any other")) from None
    except BaseException:
        for tmp in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    return targets


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`write_files`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> atomic_write_bytes(target, b"hello").read_bytes()
    b'hello'
    """
    return write_files({path: data})[0]


def _utf8(path: str | Path, text: str) -> bytes:
    """Encode ``text`` for ``path``, refusing a lone surrogate UTF-8 cannot hold (typed)."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad, near = text[exc.start:exc.end], text[max(0, exc.start - 20):exc.end + 20]
        raise ExportError(f"{shorten(str(path))}: the text holds {bad!r} at character "
                          f"{exc.start} (a lone surrogate, not a character), which UTF-8 "
                          f"cannot write; near {shorten(near)}; nothing was written") from None


def write_text_files(files: Mapping[Path, str] | Mapping[str, str] | Mapping[str | Path, str],
                     ) -> list[Path]:
    """Write several UTF-8 text files all or none (see :func:`write_files`).

    Raises
    ------
    ExportError
        When a text holds a lone surrogate (half of a broken JSON escape), which
        UTF-8 cannot encode, or a target cannot be written; nothing is written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> [p.read_text() for p in write_text_files({d / "a.txt": "é", d / "b.txt": "2"})]
    ['é', '2']
    """
    return write_files({path: _utf8(path, text) for path, text in files.items()})


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text atomically (see :func:`write_text_files`).

    Raises
    ------
    ExportError
        When the text holds a lone surrogate (half of a broken JSON escape),
        which UTF-8 cannot encode; nothing is written.
    """
    return write_text_files({path: text})[0]


def atomic_write_csv(path: str | Path, columns: Sequence[str],
                     records: Iterable[Mapping[str, Any] | Sequence[Any]]) -> Path:
    r"""Write rows as CSV (:func:`csv_text`), atomically.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.csv"
    >>> atomic_write_csv(target, ["a", "b"], [{"a": 1, "b": "x"}]).read_bytes()
    b'a,b\r\n1,x\r\n'
    """
    return atomic_write_text(path, csv_text(columns, records))


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
