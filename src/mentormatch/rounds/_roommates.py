"""Stable roommates: Irving's algorithm, with incomplete lists, on each person's own ranking.

Everyone in one pool ranks (some of) the others; a pairing is *stable* when no
two people who find each other acceptable would both rather be together than
with their partners (or alone). Unlike the two-sided case, a stable pairing
need not exist: the classic instance is three people who each prefer the next
one round a cycle plus a fourth whom everyone ranks last. :func:`stable_roommates`
finds a stable pairing when one exists (Irving 1985, extended to incomplete
lists as in Gusfield & Irving 1989, section 4.5) and otherwise says so plainly.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mentormatch.errors import InfeasibleError, InvalidInputError, UnknownIdError

__all__ = ["RoommatesResult", "stable_roommates"]


@dataclass(frozen=True)
class RoommatesResult:
    """What :func:`stable_roommates` found.

    Attributes
    ----------
    stable : bool
        Whether a stable pairing exists; ``pairs`` is one when it does.
    pairs : tuple of (id, id)
        The stable pairing (empty when none exists), each pair in input order.
    single : tuple of id
        People left alone: in every stable pairing (when ``stable``).
    reason : str
        One sentence: why no stable pairing exists, or that one was found.
    odd_party : id or None
        When no stable pairing exists, the member of the odd preference cycle
        whose acceptable partners ran out while the cycle was resolved: with
        them out of the pool, the rest usually can be paired stably. People
        everyone they rank turned down before any cycle formed are named in
        ``reason`` as unable to be paired stably with anyone; they are never
        the odd party.
    """

    stable: bool
    pairs: tuple[tuple[Hashable, Hashable], ...]
    single: tuple[Hashable, ...]
    reason: str
    odd_party: Hashable | None = None

    def partner(self, person: Hashable) -> Hashable | None:
        """Return the partner of ``person`` in ``pairs``, or ``None``."""
        for a, b in self.pairs:
            if a == person:
                return b
            if b == person:
                return a
        return None


def _encode(prefs: Mapping[Hashable, Sequence[Hashable]] | Sequence[Sequence[int]]
            ) -> tuple[list[Hashable], list[list[int]]]:
    """Ids in input order and preference lists as indices; validate once."""
    if isinstance(prefs, Mapping):
        ids = list(prefs)
        pos = {p: k for k, p in enumerate(ids)}
        rows = []
        for who, row in prefs.items():
            out = []
            for other in row:
                if other not in pos:
                    raise UnknownIdError(f"prefs[{who!r}] ranks unknown person {other!r}")
                out.append(pos[other])
            rows.append(out)
    else:
        ids = list(range(len(prefs)))
        rows = [[int(j) for j in row] for row in prefs]
        for i, row in enumerate(rows):
            for j in row:
                if not 0 <= j < len(rows):
                    raise InvalidInputError(f"prefs[{i}] ranks {j}, outside 0..{len(rows) - 1}")
    for i, row in enumerate(rows):
        if i in row:
            raise InvalidInputError(f"prefs[{ids[i]!r}] ranks themselves")
        if len(set(row)) != len(row):
            raise InvalidInputError(f"prefs[{ids[i]!r}] ranks someone twice")
    return ids, rows


class _Table:
    """Preference lists with symmetric deletion; head/tail pointers skip deleted entries."""

    def __init__(self, rows: list[list[int]]) -> None:
        n = len(rows)
        rank = np.full((n, n), -1, dtype=np.int64)
        for i, row in enumerate(rows):
            rank[i, row] = np.arange(len(row))
        mutual = (rank >= 0) & (rank.T >= 0)
        self.lists: list[list[int]] = [[j for j in row if mutual[i, j]]
                                       for i, row in enumerate(rows)]
        self.rank = np.full((n, n), -1, dtype=np.int64)
        for i, row in enumerate(self.lists):
            self.rank[i, row] = np.arange(len(row))
        self.alive: NDArray[np.bool_] = mutual
        self.head = [0] * n
        self.tail = [len(row) - 1 for row in self.lists]

    def first(self, i: int) -> int:
        row, h, t = self.lists[i], self.head[i], self.tail[i]
        while h <= t and not self.alive[i, row[h]]:
            h += 1
        self.head[i] = h
        return row[h] if h <= t else -1

    def last(self, i: int) -> int:
        row, h, t = self.lists[i], self.head[i], self.tail[i]
        while t >= h and not self.alive[i, row[t]]:
            t -= 1
        self.tail[i] = t
        return row[t] if t >= h else -1

    def second(self, i: int) -> int:
        if self.first(i) < 0:
            return -1
        row, t = self.lists[i], self.tail[i]
        for k in range(self.head[i] + 1, t + 1):
            if self.alive[i, row[k]]:
                return row[k]
        return -1

    def size(self, i: int) -> int:
        return int(self.alive[i].sum())

    def cut_after(self, y: int, x: int) -> list[int]:
        """``y`` holds ``x``: delete everyone ``y`` ranks below ``x``; return who lost ``y``."""
        row, r = self.lists[y], int(self.rank[y, x])
        lost = []
        for k in range(r + 1, self.tail[y] + 1):
            z = row[k]
            if self.alive[y, z]:
                self.alive[y, z] = self.alive[z, y] = False
                lost.append(z)
        self.tail[y] = min(self.tail[y], r)
        return lost


def _phase1(table: _Table, n: int) -> None:
    queue = deque(range(n))
    while queue:
        x = queue.popleft()
        y = table.first(x)
        if y < 0:
            continue
        for z in table.cut_after(y, x):
            # z was proposing to y (its first choice) and is now rejected: propose again.
            if table.head[z] <= table.tail[z] and table.lists[z][table.head[z]] == y:
                queue.append(z)


def stable_roommates(prefs: Mapping[Hashable, Sequence[Hashable]] | Sequence[Sequence[int]],
                     *, strict: bool = False) -> RoommatesResult:
    """Find a stable pairing of one pool from each person's own ranking (Irving).

    Lists may be incomplete: someone not ranked is unacceptable, and a pair is
    only possible if each ranks the other. Runs in O(n^2) time after building
    an n x n rank table.

    Parameters
    ----------
    prefs : mapping of id to sequence of ids, or sequence of sequences of int
        Each person's acceptable partners, best first.
    strict : bool, default=False
        Raise :class:`~mentormatch.InfeasibleError` when no stable pairing
        exists, instead of returning ``stable=False``.

    Returns
    -------
    RoommatesResult
        ``stable``, the ``pairs``, who is ``single``, the ``reason`` and, when
        no stable pairing exists, the ``odd_party``.

    Examples
    --------
    >>> r = stable_roommates({"a": ["b", "c", "d"], "b": ["c", "a", "d"],
    ...                       "c": ["a", "b", "d"], "d": ["a", "b", "c"]})
    >>> r.stable, r.pairs
    (False, ())
    >>> r.reason
    "no stable pairing exists: 'a', 'b', 'c' prefer one another round an odd cycle, ...'d'..."
    >>> r.odd_party
    'c'
    >>> stable_roommates({"a": ["b"], "b": ["a"]}).odd_party is None
    True
    >>> stable_roommates([[1, 2], [0, 2], [1, 0]]).pairs
    ((0, 1),)
    """
    ids, rows = _encode(prefs)
    n = len(ids)
    table = _Table(rows)
    _phase1(table, n)
    first_out = [i for i in range(n) if table.first(i) < 0 and rows[i]]
    while True:
        start = next((i for i in range(n) if table.second(i) >= 0), -1)
        if start < 0:
            break
        seq, seen = [start], {start: 0}
        while True:
            p = table.last(table.second(seq[-1]))
            if p in seen:
                cycle = seq[seen[p]:]
                break
            seen[p] = len(seq)
            seq.append(p)
        targets = [table.second(x) for x in cycle]
        touched: list[int] = []
        for x, y in zip(cycle, targets, strict=True):
            touched.append(y)
            touched.extend(table.cut_after(y, x))
        empty = next((z for z in touched if table.first(z) < 0), -1)
        if empty >= 0:
            who = ids[empty]
            ring = sorted(set(cycle) | set(targets) | {empty})
            names = ", ".join(repr(ids[k]) for k in ring)
            reason = (f"no stable pairing exists: {names} prefer one another round an odd "
                      f"cycle, so whoever {who!r} is paired with, two people would both "
                      "rather be together")
            if first_out:
                reason += ("; " + ", ".join(repr(ids[k]) for k in first_out)
                           + " cannot be paired stably with anyone")
            if strict:
                raise InfeasibleError(reason)
            return RoommatesResult(False, (), (), reason, who)
    pairs = []
    for i in range(n):
        j = table.first(i)
        if j > i:
            pairs.append((ids[i], ids[j]))
    single = tuple(ids[i] for i in range(n) if table.first(i) < 0)
    reason = "stable pairing found"
    if single:
        reason += (f"; {len(single)} left single, as in every stable pairing (everyone "
                   "they find acceptable prefers the partner they have)")
    return RoommatesResult(True, tuple(pairs), single, reason, None)
