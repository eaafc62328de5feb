"""Ranked choices: a mentee's "1st/2nd/3rd choice of mentor", a mentor's ranked mentees.

Each side's value of a pair: ``(L - k + 1) / L`` when the pair's other person is
this person's ``k``-th of ``L`` choices (1 for the first choice), 0 when this
person ranked others but not them, and a neutral 0.5 when this person ranked
nobody. The pair's value is the mean of the two sides, so both people's wishes
count in every solver's pair score. A value reads only the two people of the
pair (never who else is in the cohort), so it is the same on every path.

The kernel, :class:`RankedChoices`, is sparse: a dense part that depends only
on whether each person ranked anyone (a lookup table, as the coded criteria
have), plus a correction at the few ranked pairs. The dense matrix, a block of
rows (large cohorts) and a list of pairs read the same arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mentormatch.models import Cohort, ordinal
from mentormatch.scoring._base import Criterion

__all__ = ["NEUTRAL", "RankedChoices"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
ObjectArray = NDArray[np.object_]

#: A side's value of every pair when that person ranked nobody.
NEUTRAL = 0.5


def _side(n_lists: int, lists: list[tuple[str, ...]], other: dict[str, int]
          ) -> tuple[IntArray, IntArray, IntArray, FloatArray]:
    """Ranked pairs of one side: (person, other person, rank, value); unknown ids skipped.

    Ids the cohort does not hold are skipped: a validated cohort has none, a
    sub-cohort (people of a few pairs) leaves the others out.
    """
    who, whom, rank, value = [], [], [], []
    for p in range(n_lists):
        listed = lists[p]
        for k, ident in enumerate(listed):
            q = other.get(ident)
            if q is not None:
                who.append(p)
                whom.append(q)
                rank.append(k + 1)
                value.append((len(listed) - k) / len(listed))
    return (np.array(who, dtype=np.int64), np.array(whom, dtype=np.int64),
            np.array(rank, dtype=np.int64), np.array(value, dtype=np.float64))


@dataclass(frozen=True, eq=False)
class RankedChoices:
    """The kernel of the ranked-choices criterion (see the module's docstring).

    Attributes
    ----------
    name : str
    e_code, r_code : ndarray of int
        1 for a person who ranked anyone, else 0: their row / column in ``lut``.
    lut : ndarray of shape (2, 2)
        The value of a pair neither person ranked the other in.
    keys : ndarray of int
        ``mentee * n_mentors + mentor`` of every pair ranked by either side, sorted.
    e_value, r_value : ndarray of float
        Each side's value of those pairs.
    e_rank, r_rank : ndarray of int
        The rank each side gave (0: not ranked by that side).
    delta : ndarray of float
        Value of those pairs minus the ``lut`` value.
    mentee_ids, mentor_ids : tuple of str
        For the reasons.
    """

    name: str
    e_code: IntArray
    r_code: IntArray
    lut: FloatArray
    keys: IntArray
    e_value: FloatArray
    r_value: FloatArray
    e_rank: IntArray
    r_rank: IntArray
    delta: FloatArray
    mentee_ids: tuple[str, ...]
    mentor_ids: tuple[str, ...]

    @classmethod
    def of(cls, cohort: Cohort, name: str) -> RankedChoices:
        """Return the kernel of ``cohort``'s ranked choices."""
        n_e, n_r = len(cohort.mentees), len(cohort.mentors)
        e_lists = [p.choices for p in cohort.mentees]
        r_lists = [p.choices for p in cohort.mentors]
        e_code = np.array([bool(c) for c in e_lists], dtype=np.int64).reshape(n_e)
        r_code = np.array([bool(c) for c in r_lists], dtype=np.int64).reshape(n_r)
        default = np.array([NEUTRAL, 0.0])
        lut = 0.5 * (default[:, None] + default[None, :])
        ee, er, ek, ev = _side(n_e, e_lists, cohort.mentor_index())
        rr, re_, rk, rv = _side(n_r, r_lists, cohort.mentee_index())
        keys = np.unique(np.concatenate([ee * n_r + er, re_ * n_r + rr]))
        e_of, r_of = keys // max(n_r, 1), keys % max(n_r, 1)
        e_value, r_value = default[e_code[e_of]], default[r_code[r_of]]
        e_rank, r_rank = np.zeros(keys.size, np.int64), np.zeros(keys.size, np.int64)
        at = np.searchsorted(keys, ee * n_r + er)
        e_value[at], e_rank[at] = ev, ek
        at = np.searchsorted(keys, re_ * n_r + rr)
        r_value[at], r_rank[at] = rv, rk
        delta = 0.5 * (e_value + r_value) - lut[e_code[e_of], r_code[r_of]]
        return cls(name, e_code, r_code, lut, keys, e_value, r_value, e_rank, r_rank, delta,
                   cohort.mentee_ids, cohort.mentor_ids)

    @property
    def n_mentors(self) -> int:
        """Number of mentors (columns)."""
        return len(self.mentor_ids)

    def find(self, e: IntArray, r: IntArray) -> tuple[IntArray, NDArray[np.bool_]]:
        """Position in ``keys`` of each pair ``(e[q], r[q])``, and whether it is ranked."""
        k = np.asarray(e, dtype=np.int64) * self.n_mentors + np.asarray(r, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.keys, k), max(self.keys.size - 1, 0))
        found = self.keys[pos] == k if self.keys.size else np.zeros(k.shape, dtype=bool)
        return pos, found

    def _sides(self, e: IntArray, r: IntArray) -> tuple[FloatArray, FloatArray]:
        pos, found = self.find(e, r)
        default = np.array([NEUTRAL, 0.0])
        ev, rv = default[self.e_code[e]], default[self.r_code[r]]
        if self.keys.size:
            ev = np.where(found, self.e_value[pos], ev)
            rv = np.where(found, self.r_value[pos], rv)
        return ev, rv

    def pair_values(self, e: IntArray, r: IntArray) -> FloatArray:
        """Value of each pair ``(e[q], r[q])``: the mean of the two sides' values."""
        ev, rv = self._sides(np.asarray(e, dtype=np.int64), np.asarray(r, dtype=np.int64))
        out: FloatArray = 0.5 * (ev + rv)
        return out

    def criterion(self) -> Criterion:
        """Return the value of every pair as a matrix, and the reason of any pair."""
        n_e, n_r = self.e_code.size, self.r_code.size
        default = np.array([NEUTRAL, 0.0])
        ev = np.repeat(default[self.e_code][:, None], n_r, axis=1)
        rv = np.repeat(default[self.r_code][None, :], n_e, axis=0)
        e_of, r_of = self.keys // max(n_r, 1), self.keys % max(n_r, 1)
        ev[e_of, r_of], rv[e_of, r_of] = self.e_value, self.r_value
        return Criterion(self.name, 0.5 * (ev + rv), None, self.reason)

    def reason(self, i: int, j: int) -> str | None:
        """Return the reason of pair ``(i, j)``: whose choice it is, and which."""
        pos, found = self.find(np.array([i]), np.array([j]))
        ek = int(self.e_rank[pos[0]]) if found[0] else 0
        rk = int(self.r_rank[pos[0]]) if found[0] else 0
        e, r = self.mentee_ids[i], self.mentor_ids[j]
        parts = []
        if ek:
            parts.append(f"{e}'s {ordinal(ek)} choice")
        elif self.e_code[i]:
            parts.append(f"not among {e}'s choices")
        if rk:
            parts.append(f"{r}'s {ordinal(rk)} choice of mentee")
        elif self.r_code[j]:
            parts.append(f"not among {r}'s choices")
        return "; ".join(parts) or None

    def pair_reasons(self, e: IntArray, r: IntArray) -> ObjectArray:
        """Reason of each pair ``(e[q], r[q])``."""
        out: ObjectArray = np.array(
            [self.reason(i, j) for i, j in zip(np.asarray(e).tolist(), np.asarray(r).tolist(),
                                               strict=True)] + [None], dtype=object)[:-1]
        return out

    def block_corrections(self, rows: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
        """Ranked pairs among ``rows``: (index into ``rows``, mentor, value minus lut value)."""
        n_r = max(self.n_mentors, 1)
        e_of = self.keys // n_r
        lo = np.searchsorted(e_of, rows, side="left")
        hi = np.searchsorted(e_of, rows, side="right")
        counts = hi - lo
        local = np.repeat(np.arange(rows.size, dtype=np.int64), counts)
        start = np.repeat(lo - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        pos = start + np.arange(local.size, dtype=np.int64)
        return local, self.keys[pos] % n_r, self.delta[pos]
