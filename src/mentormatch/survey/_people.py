"""Who a free-text answer names: ids, e-mails and names resolved, ambiguities never guessed.

Supervisor answers and org charts name people as they are typed: "Dr. José
Álvarez", "alvarez, jose", "JOSE.ALVAREZ@x.org", "prof 1", "N/A". A
:class:`PeopleIndex` resolves such a reference in tiers, each tier tried only
when the ones before found nobody, and it says which tier matched:

1. the id itself (case ignored), or the id with spaces and punctuation ignored;
2. an e-mail address (also inside ``Name <address>`` or ``mailto:``);
3. the name, ignoring case, accents, titles (Dr, Prof, ...), degrees (MD, PhD,
   ...), punctuation and words in parentheses;
4. "Last, First" read as "First Last";
5. the same words in any order.

A tier that matches two people is an ambiguity: the reference resolves to
nobody and lists both. Nothing closer than these tiers is ever taken as a
match; a close spelling is only offered as a suggestion.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["NO_ONE", "PeopleIndex", "Resolution", "is_no_one", "name_key", "split_people"]

#: Answers that name nobody.
NO_ONE = frozenset({
    "n/a", "na", "n.a.", "none", "nobody", "no one", "noone", "-", "--", "nil", "not applicable",
    "no supervisor", "not sure", "unknown", "tbd", "?", "x",
})
_TITLES = frozenset({"dr", "doctor", "prof", "professor", "mr", "mrs", "ms", "mx", "miss", "sir",
                     "dame", "rev", "assoc", "associate", "asst", "assistant"})
_DEGREES = frozenset({"md", "phd", "dphil", "frcpc", "frcp", "frcs", "msc", "bsc", "ma", "mba",
                      "mph", "rn", "np", "psyd", "edd", "dds", "do", "mbbs", "facp", "jr", "sr",
                      "ii", "iii"})
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_PARENS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


def is_no_one(text: str) -> bool:
    """Return whether an answer names nobody ("N/A", "none", "-").

    Examples
    --------
    >>> is_no_one(" N/A "), is_no_one("Nobody."), is_no_one("Ann")
    (True, True, False)
    """
    folded = " ".join(text.casefold().split()).strip(" .")
    return not folded or folded in NO_ONE or folded + "." in NO_ONE


def _plain(text: str) -> str:
    """Case-folded, accents removed."""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words(text: str) -> list[str]:
    text = _PARENS.sub(" ", _plain(text))
    words = re.findall(r"[^\W_]+", text.replace("'", ""))
    while words and words[0] in _TITLES:
        words = words[1:]
    while len(words) > 1 and words[-1] in _DEGREES:
        words = words[:-1]
    return words


def name_key(text: str) -> str:
    """Return the comparison form of a person's name.

    Examples
    --------
    >>> name_key("Dr. José  Álvarez-Ruiz, MD (Head, Mood Disorders)")
    'jose alvarez ruiz'
    """
    return " ".join(_words(text))


def _swapped_key(text: str) -> str | None:
    """'Last, First' -> 'first last' (None when the text is not of that shape)."""
    plain = _PARENS.sub(" ", text)
    parts = [p for p in plain.split(",") if p.strip()]
    degrees = [p for p in parts[1:] if set(_words(p)) <= _DEGREES or not _words(p)]
    parts = [p for p in parts if p not in degrees]
    if len(parts) != 2:
        return None
    last, first = name_key(parts[0]), name_key(parts[1])
    return f"{first} {last}" if first and last else None


def _compact(text: str) -> str:
    return "".join(re.findall(r"[^\W_]+", _plain(text)))


@dataclass(frozen=True)
class Resolution:
    """How a reference resolved: the id (or None), the tier, and the candidates."""

    ident: str | None
    how: str
    candidates: tuple[str, ...] = ()

    @property
    def ambiguous(self) -> bool:
        """Whether the reference matched several people."""
        return self.ident is None and len(self.candidates) > 1


@dataclass
class PeopleIndex:
    """Everyone who can be named, indexed by id, e-mail and name.

    Examples
    --------
    >>> index = PeopleIndex([("r1", "bo@x.org", "Bo Chan"), ("r2", None, "José Ruiz")])
    >>> index.resolve("Dr. Jose Ruiz, MD")
    Resolution(ident='r2', how='name (titles/degrees dropped, accents ignored)', candidates=())
    >>> index.resolve("Chan, Bo").how
    "name written 'Last, First'"
    >>> index.resolve("Bo Chan <BO@x.org>").how
    'e-mail'
    """

    people: Sequence[tuple[str, str | None, str | None]]
    _tiers: list[tuple[str, dict[str, set[str]]]] = field(init=False, repr=False)
    _names: dict[str, str] = field(init=False, repr=False)
    _shown: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        ids: dict[str, set[str]] = {}
        compact: dict[str, set[str]] = {}
        emails: dict[str, set[str]] = {}
        names: dict[str, set[str]] = {}
        unordered: dict[str, set[str]] = {}
        self._names = {}
        self._shown: dict[str, str] = {}
        for ident, email, name in self.people:
            self._shown.setdefault(ident, name or ident)
            ids.setdefault(ident.strip().casefold(), set()).add(ident)
            compact.setdefault(_compact(ident), set()).add(ident)
            if email and email.strip():
                emails.setdefault(email.strip().casefold(), set()).add(ident)
            for text in (name, ident):
                k = name_key(text) if text else ""
                if k:
                    names.setdefault(k, set()).add(ident)
                    unordered.setdefault(" ".join(sorted(k.split())), set()).add(ident)
            if name:
                self._names[name_key(name)] = name
        self._tiers = [("id", ids), ("id (spaces and punctuation ignored)", compact),
                       ("e-mail", emails), ("name", names), ("name written 'Last, First'", names),
                       ("name (words in another order)", unordered)]

    def _keys(self, tier: int, ref: str) -> list[str]:
        if tier == 0:
            return [ref.strip().casefold()]
        if tier == 1:
            return [_compact(ref)]
        if tier == 2:
            found = _EMAIL.findall(ref)
            return [found[0].casefold()] if len(found) == 1 else []
        if tier == 3:
            return [name_key(ref)]
        if tier == 4:
            swapped = _swapped_key(ref)
            return [swapped] if swapped else []
        return [" ".join(sorted(name_key(ref).split()))]

    def resolve(self, ref: str) -> Resolution:
        """Return who ``ref`` names; ``ident`` is None when nobody or several people match."""
        for tier, (how, table) in enumerate(self._tiers):
            for k in self._keys(tier, ref):
                hits = table.get(k) if k else None
                if hits and len(hits) == 1:
                    ident = next(iter(hits))
                    return Resolution(ident, _how(how, ref, self._shown.get(ident, ident)))
                if hits:
                    return Resolution(None, how, tuple(sorted(hits)))
        return Resolution(None, "nobody")

    def suggest(self, ref: str) -> str | None:
        """Return the closest name or id, for a 'did you mean' (never used as a match)."""
        pool = {**{p[0].casefold(): p[0] for p in self.people}, **self._names}
        close = difflib.get_close_matches(name_key(ref) or ref.casefold(), list(pool), n=1,
                                          cutoff=0.75)
        return pool[close[0]] if close else None


def _how(tier: str, ref: str, name: str) -> str:
    if tier != "name":
        return tier
    notes = []
    if name_key(ref) != " ".join(re.findall(r"[^\W_]+", _PARENS.sub(" ", ref.casefold()))):
        notes.append("titles/degrees dropped")
    if _plain(ref) != ref.casefold() or _plain(name) != name.casefold():
        notes.append("accents ignored")
    return f"name ({', '.join(notes)})" if notes else "name"


def _outside_parens(text: str, seps: Iterable[str]) -> list[str]:
    """Split at any of ``seps`` that is not inside parentheses or brackets."""
    seps = sorted(seps, key=len, reverse=True)
    if not any(s in text for s in seps):
        return [text.strip()] if text.strip() else []
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        if text[i] in "([":
            depth += 1
        elif text[i] in ")]" and depth:
            depth -= 1
        hit = next((s for s in seps if depth == 0 and text.startswith(s, i)), None)
        if hit:
            parts.append(text[start:i])
            i += len(hit)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def split_people(cell: str, index: PeopleIndex,
                 separators: Sequence[str]) -> list[tuple[str, Resolution]]:
    """Split a cell naming several people and resolve each.

    ``;``, ``|`` and newlines always separate people; a comma separates them only
    where the text around it does not name one person ("Smith, John" and
    "Ann Lee (Chief, Mood Disorders)" stay whole). Answers naming nobody
    ("N/A") are left out.

    Examples
    --------
    >>> index = PeopleIndex([("r1", None, "John Smith"), ("r2", None, "Ann Lee")])
    >>> [(ref, r.ident) for ref, r in split_people(
    ...     "Smith, John, Ann Lee (Chief, Mood)", index, [";", ","])]
    [('Smith, John', 'r1'), ('Ann Lee (Chief, Mood)', 'r2')]
    """
    strong = [s for s in (*separators, ";", "|", "\n") if s.strip(" ") and "," not in s]
    out: list[tuple[str, Resolution]] = []
    for piece in _outside_parens(cell, strong):
        if is_no_one(piece):
            continue
        whole = index.resolve(piece)
        if whole.ident is not None or whole.ambiguous or "," not in _PARENS.sub("", piece):
            out.append((piece, whole))
            continue
        out.extend(_split_commas(_outside_parens(piece, [","]), index))
    return out


def _split_commas(parts: list[str], index: PeopleIndex) -> list[tuple[str, Resolution]]:
    out: list[tuple[str, Resolution]] = []
    i = 0
    while i < len(parts):
        pair = ", ".join(parts[i:i + 2]) if i + 1 < len(parts) else None
        joined = index.resolve(pair) if pair else None
        if pair and joined and joined.ident is not None and joined.how.startswith("name written"):
            out.append((pair, joined))
            i += 2
            continue
        if not is_no_one(parts[i]):
            out.append((parts[i], index.resolve(parts[i])))
        i += 1
    return out
