"""Multi-select answers split against the form's own options, and answer -> value maps.

Form tools join the options a person ticked with a separator that can also
occur inside an option: Google Forms writes "Research, scholarship and grants,
Teaching" for two options. :func:`split_choices` therefore reads a cell against
the list of options the form offered, longest option first, and cuts between
options only at a separator. Without that list it can only cut at the
separator, and says so.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mentormatch.survey._schema import key

__all__ = ["Split", "ValueMap", "option_key", "options_of", "split_choices"]


def option_key(text: str) -> str:
    """Return the form in which answers and options are compared.

    Case, spaces, dashes and ``&`` / ``and`` do not distinguish two answers.

    Examples
    --------
    >>> option_key("Research,  Scholarship & Grants") == option_key("research, scholarship "
    ...                                                             "and grants")
    True
    """
    return re.sub(r"\s+", "", key(text) or text.casefold())


def _glob_key(text: str) -> str:
    return key(text) or " ".join(text.casefold().split())


def _is_glob(text: str) -> bool:
    return "*" in text or "?" in text


class ValueMap:
    """Answers (texts, codes or ``*`` patterns) of one field and the value each stands for.

    Exact answers win over patterns; patterns are tried in the order given.

    Examples
    --------
    >>> m = ValueMap({"Yes": 2, "No": 1, "*@students.x.edu": "mentee"})
    >>> m.get(" yes "), m.get("ann@students.x.edu"), m.get("maybe")
    ((True, 2, None), (True, 'mentee', '*@students.x.edu'), (False, None, None))
    """

    def __init__(self, mapping: Mapping[str, Any]) -> None:
        self.exact = {option_key(k): v for k, v in mapping.items() if not _is_glob(k)}
        self.patterns = [(_glob_key(k), k, v) for k, v in mapping.items() if _is_glob(k)]
        self.answers = tuple(k for k in mapping if not _is_glob(k))

    def __bool__(self) -> bool:
        return bool(self.exact or self.patterns)

    def get(self, text: str) -> tuple[bool, Any, str | None]:
        """Return ``(True, value, pattern)`` for a mapped answer, else ``(False, None, None)``.

        ``pattern`` is the ``*`` pattern that matched (None for an exact answer).
        """
        k = option_key(text)
        if k in self.exact:
            return True, self.exact[k], None
        g = _glob_key(text)
        for pattern, written, value in self.patterns:
            if fnmatch.fnmatchcase(g, pattern):
                return True, value, written
        return False, None, None


@dataclass(frozen=True)
class Split:
    """A multi-select cell cut into answers.

    ``pieces`` are ``(text, known)``: ``known`` tells whether the text is one
    of the options. ``separator`` is what was cut at (None when nothing was);
    ``blind`` is True when there was no option list to cut against.
    """

    pieces: tuple[tuple[str, bool], ...]
    separator: str | None
    blind: bool


def split_choices(text: str, separators: Sequence[str], options: Collection[str]) -> Split:
    """Cut a multi-select answer into the options it lists.

    Parameters
    ----------
    text : str
        The cell.
    separators : sequence of str
        What the form tool joins options with (``", "``, ``";"``, ...).
    options : collection of str
        The options the form offered, as :func:`option_key` forms; empty when
        unknown. With options, a piece is taken as long as it can be (it may
        contain separators) and any separator cuts; without them, the first
        separator of ``separators`` present in the cell cuts everywhere.

    Examples
    --------
    >>> opts = {option_key(o) for o in ["Research, scholarship and grants", "Teaching"]}
    >>> split_choices("Research, scholarship and grants, Teaching", [", "], opts).pieces
    (('Research, scholarship and grants', True), ('Teaching', True))
    >>> split_choices("Teaching;QI;", [";", ","], set())
    Split(pieces=(('Teaching', False), ('QI', False)), separator=';', blind=True)
    """
    ordered = sorted({s for s in separators if s.strip()}, key=len, reverse=True)
    text = _trim(text, ordered)
    if not options:
        sep = next((s for s in separators if s and s in text), None)
        parts = text.split(sep) if sep else [text]
        pieces = tuple((p.strip(), False) for p in parts if p.strip())
        return Split(pieces, sep if len(pieces) > 1 else None, True)
    pattern = "|".join(re.escape(s) for s in ordered) or r"(?!)"
    bounds = [(m.start(), m.end()) for m in re.finditer(pattern, text)]
    bounds.append((len(text), len(text)))
    out: list[tuple[int, int, bool]] = []  # start, end, known
    i = 0
    while i < len(text):
        ahead = [b for b in bounds if b[0] >= i]
        if ahead[0][0] == i and ahead[0][1] > i:  # a separator
            i = ahead[0][1]
            continue
        taken = next(((s, e) for s, e in reversed(ahead)
                      if s > i and option_key(text[i:s]) in options), None)
        s, e = taken if taken is not None else next(b for b in ahead if b[0] > i)
        if text[i:s].strip():
            if taken is None and out and not out[-1][2]:  # free text cut at a separator: rejoin
                out[-1] = (out[-1][0], s, False)
            else:
                out.append((i, s, taken is not None))
        i = e if e > i else len(text)
    used = next((text[a:b] for a, b in bounds if a < b), None) if len(out) > 1 else None
    return Split(tuple((text[a:b].strip(), known) for a, b, known in out), used, False)


def _trim(text: str, separators: Sequence[str]) -> str:
    """Strip spaces and leading/trailing separators (Microsoft Forms ends with ';')."""
    text = text.strip()
    changed = True
    while changed and text:
        changed = False
        for s in separators:
            if text.endswith(s.strip()):
                text, changed = text[: -len(s.strip())].rstrip(), True
            if text.startswith(s.strip()):
                text, changed = text[len(s.strip()):].lstrip(), True
    return text


def options_of(*groups: Iterable[str]) -> frozenset[str]:
    """Return the :func:`option_key` forms of every option text given."""
    return frozenset(option_key(o) for group in groups for o in group if option_key(o))
