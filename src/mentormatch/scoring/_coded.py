"""Kernels of the criteria that read a few values per person.

Type, modality, same attribute, concordance and buddy experience: such a
criterion's value for a pair depends only on a small code of the mentee and
one of the mentor, so each kernel is a :class:`CodedCriterion`: the codes, a
lookup table of the value of every (mentee code, mentor code), and the reason
of a pair written from the two people's distinct values. The dense matrix, a
block of rows (large cohorts) and a list of pairs all read the same table.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mentormatch.errors import InvalidInputError
from mentormatch.models import Cohort
from mentormatch.scoring._base import Criterion
from mentormatch.topics import topic_index

__all__ = [
    "CodedCriterion",
    "buddy_experience_criterion",
    "concordance_criterion",
    "membership_matrix",
    "same_value_criterion",
    "same_value_matrix",
    "set_match_criterion",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
ObjectArray = NDArray[np.object_]
#: Writes the reason of a pair from the mentee's key and the mentor's key.
KeyReason = Callable[[int, int], str | None]


@dataclass(frozen=True, eq=False)
class CodedCriterion:
    """A criterion whose value for a pair depends on one small code of each side.

    Attributes
    ----------
    name : str
    e_code, r_code : ndarray of int
        Each mentee's row and each mentor's column in ``lut``.
    lut : ndarray of shape (n_mentee_codes, n_mentor_codes)
        The criterion's value in [0, 1] (the same from both sides).
    e_key, r_key : ndarray of int
        Each person's distinct values, numbered: people with equal keys get
        the same reasons (keys are finer than codes where the reason reads
        more than the value does, such as the order of a list).
    reason : callable (mentee key, mentor key) -> str or None
    """

    name: str
    e_code: IntArray
    r_code: IntArray
    lut: FloatArray
    e_key: IntArray
    r_key: IntArray
    reason: KeyReason

    def criterion(self) -> Criterion:
        """Return the value of every pair as a matrix, and the reason of any pair."""
        view = np.take(self.lut[self.e_code], self.r_code, axis=1)
        e_key, r_key, reason = self.e_key.tolist(), self.r_key.tolist(), self.reason
        return Criterion(self.name, view, None, lambda i, j: reason(e_key[i], r_key[j]))

    def pair_values(self, e: IntArray, r: IntArray) -> FloatArray:
        """Value of each pair ``(e[q], r[q])``."""
        out: FloatArray = self.lut[self.e_code[e], self.r_code[r]]
        return out

    def pair_reasons(self, e: IntArray, r: IntArray) -> ObjectArray:
        """Reason of each pair ``(e[q], r[q])``; each distinct pair of keys is explained once."""
        n_r = int(self.r_key.max(initial=-1)) + 1
        combos, which = np.unique(self.e_key[e] * n_r + self.r_key[r], return_inverse=True)
        a, b = np.divmod(combos, max(n_r, 1))
        texts = [self.reason(x, y) for x, y in zip(a.tolist(), b.tolist(), strict=True)]
        out: ObjectArray = np.array(texts, dtype=object)[which.reshape(-1)]
        return out


# --------------------------------------------------------------------------- codes


def codes(keys: NDArray[Any]) -> tuple[NDArray[Any], IntArray]:
    """Distinct rows of ``keys`` in lexicographic order, and each row's position among them.

    Integer rows whose columns span few values are encoded as one integer in
    mixed radix first (same order, much faster than a unique over rows).

    Examples
    --------
    >>> uniq, at = codes(np.array([[2, 0], [1, 5], [2, 0]]))
    >>> uniq.tolist(), at.tolist()
    ([[1, 5], [2, 0]], [1, 0, 1])
    """
    if keys.ndim == 2 and keys.dtype.kind in "iu" and keys.shape[0] and keys.shape[1] > 1:
        lo = keys.min(axis=0).astype(np.int64)
        span = keys.max(axis=0).astype(np.int64) - lo + 1
        if float(np.prod(span.astype(np.float64))) < 2.0 ** 62:
            radix = np.cumprod(np.concatenate([[1], span[:0:-1]]))[::-1]
            code = (keys.astype(np.int64) - lo) @ radix
            _, first, inv = np.unique(code, return_index=True, return_inverse=True)
            return keys[first], inv.reshape(-1).astype(np.int64)
    uniq, inv = np.unique(keys, axis=0, return_inverse=True)
    return uniq, inv.reshape(-1).astype(np.int64)


def _numbered(items: Sequence[Hashable]) -> tuple[list[Any], IntArray]:
    """Distinct items in order of first appearance, and each item's number among them."""
    number = {item: k for k, item in enumerate(dict.fromkeys(items))}
    at = np.fromiter(map(number.__getitem__, items), dtype=np.int64, count=len(items))
    return list(number), at


def _typed_value_keys(a: Sequence[object], b: Sequence[object]
                      ) -> tuple[IntArray, IntArray, list[object], IntArray]:
    """Equality keys of two value lists, and the distinct values each person has.

    Returns ``ka``, ``kb`` (``str(value)`` numbered by first appearance; -1 an
    unknown mentee value, -2 an unknown mentor value), the distinct values
    (with their types, so ``1`` and ``"1"`` stay apart) and each person's
    number among them, mentees first.
    """
    typed, at = _numbered(list(zip(map(type, [*a, *b]), [*a, *b], strict=True)))
    number: dict[str, int] = {}
    code = np.array([-1 if value is None else number.setdefault(str(value), len(number))
                     for _, value in typed], dtype=np.int64).reshape(-1)
    ka, kb = code[at[:len(a)]], code[at[len(a):]]
    kb[kb == -1] = -2
    return ka, kb, [value for _, value in typed], at


def value_keys(a: Sequence[object], b: Sequence[object]) -> tuple[IntArray, IntArray]:
    """Equality keys: ``str(value)`` numbered by first appearance, -1 / -2 for unknown.

    Examples
    --------
    >>> [k.tolist() for k in value_keys(["x", None, "y"], ["y", None])]
    [[0, -1, 1], [1, -2]]
    """
    ka, kb, _, _ = _typed_value_keys(a, b)
    return ka, kb


def _same(ka: IntArray, kb: IntArray) -> FloatArray:
    known = (ka >= 0)[:, None] & (kb >= 0)[None, :]
    out: FloatArray = np.where(ka[:, None] == kb[None, :], 1.0, np.where(known, 0.0, 0.5))
    return out


def same_value_matrix(a: Sequence[object], b: Sequence[object]) -> FloatArray:
    """1 where two values are equal (as strings), 0.5 where either is unknown, else 0.

    Examples
    --------
    >>> same_value_matrix(["x", None], ["x", "y"]).tolist()
    [[1.0, 0.0], [0.5, 0.5]]
    """
    return _same(*value_keys(a, b))


def membership_matrix(values: Sequence[Iterable[str]], index: dict[str, int]) -> BoolArray:
    """Row ``k`` marks the items of ``values[k]``, columns numbered by ``index``.

    Examples
    --------
    >>> membership_matrix([["b"], ["a", "b"]], {"a": 0, "b": 1}).tolist()
    [[False, True], [True, True]]
    """
    out = np.zeros((len(values), max(len(index), 1)), dtype=bool)
    for row, items in enumerate(values):
        for item in items:
            out[row, index[item]] = True
    return out


# --------------------------------------------------------------------------- kernels


def set_match_criterion(cohort: Cohort, attr: str, name: str,
                        reason: Callable[[list[str], list[str]], str | None]) -> CodedCriterion:
    """Set match on a list attribute: 1 a value shared, 0 both stated and disjoint, else 0.5.

    ``reason`` gets the mentee's and the mentor's values as strings, in their order.
    """
    n_e = len(cohort.mentees)
    distinct, at = _numbered([*(tuple(getattr(p, attr)) for p in cohort.mentees),
                              *(tuple(getattr(p, attr)) for p in cohort.mentors)])
    words = [[str(v) for v in values] for values in distinct]
    index = topic_index(words)
    if len(index) > 62:
        raise InvalidInputError(
            f"{attr}: more than 62 distinct values (a validated cohort has at most a few); "
            "build the cohort through its validating constructor")
    mask = np.array([sum(1 << index[v] for v in set(items)) for items in words],
                    dtype=np.int64).reshape(-1)
    e_u, e_code = codes(mask[at[:n_e]])
    r_u, r_code = codes(mask[at[n_e:]])
    shared = (e_u[:, None] & r_u[None, :]) != 0
    stated = (e_u != 0)[:, None] & (r_u != 0)[None, :]
    lut = np.where(shared, 1.0, np.where(stated, 0.0, 0.5))
    return CodedCriterion(name, e_code, r_code, lut, at[:n_e], at[n_e:],
                          lambda x, y: reason(words[x], words[y]))


def same_value_criterion(cohort: Cohort, attr: str, name: str,
                         reason: Callable[[object, object], str | None]) -> CodedCriterion:
    """Compare a plain attribute: 1 the same value, 0.5 either unknown, else 0.

    ``reason`` gets the mentee's and the mentor's values.
    """
    n_e = len(cohort.mentees)
    ka, kb, values, at = _typed_value_keys([getattr(p, attr) for p in cohort.mentees],
                                           [getattr(p, attr) for p in cohort.mentors])
    e_u, e_code = codes(ka)
    r_u, r_code = codes(kb)
    return CodedCriterion(name, e_code, r_code, _same(e_u, r_u), at[:n_e], at[n_e:],
                          lambda x, y: reason(values[x], values[y]))


def concordance_criterion(cohort: Cohort, name: str,
                          reason: Callable[[tuple[str, ...], bool], str | None]
                          ) -> CodedCriterion:
    """Concordance: 1 or 0 as every attribute a mentee asked for is shared, 0.5 if none asked.

    ``reason`` gets what the mentee asked for and whether it is met, never the values.
    """
    n_e = len(cohort.mentees)
    e_cols: list[IntArray] = []
    r_cols: list[IntArray] = []
    for attr in ("gender", "background"):
        asks = np.array([attr in p.concordance for p in cohort.mentees], dtype=np.int64)
        ka, kb = value_keys([getattr(p, attr) for p in cohort.mentees],
                            [getattr(p, attr) for p in cohort.mentors])
        e_cols += [asks.reshape(n_e), ka]
        r_cols.append(kb)
    e_u, e_code = codes(np.stack(e_cols, axis=1))
    r_u, r_code = codes(np.stack(r_cols, axis=1))
    met = np.ones((e_u.shape[0], r_u.shape[0]), dtype=bool)
    any_asked = np.zeros(e_u.shape[0], dtype=bool)
    for k in range(2):
        asks_k = e_u[:, 2 * k] == 1
        any_asked |= asks_k
        same = _same(e_u[:, 2 * k + 1], r_u[:, k]) == 1.0
        met &= np.where(asks_k[:, None], same, True)
    lut = np.where(any_asked[:, None], met.astype(np.float64), 0.5)
    asked, asked_at = _numbered([p.concordance for p in cohort.mentees])
    n_codes = max(e_u.shape[0], 1)

    def key_reason(x: int, y: int) -> str | None:
        return reason(asked[x // n_codes], bool(met[x % n_codes, y]))

    return CodedCriterion(name, e_code, r_code, lut, asked_at * n_codes + e_code, r_code,
                          key_reason)


def buddy_experience_criterion(cohort: Cohort, name: str,
                               reason: Callable[[bool, bool], str | None]) -> CodedCriterion:
    """Lived experience of a buddy: the share of the newcomer's needs they have been through.

    A newcomer trained abroad needs licensing and credentialing (met by a buddy
    trained abroad) and relocation; any other newcomer needs relocation (met by
    a buddy who relocated or trained abroad). ``reason`` gets whether the buddy
    met the licensing need and whether they relocated.
    """
    abroad_e = np.array([p.trained_abroad for p in cohort.mentees], dtype=np.int64)
    mentor = np.array([(p.trained_abroad, p.relocated or p.trained_abroad)
                       for p in cohort.mentors], dtype=np.int64).reshape(-1, 2)
    e_u, e_code = codes(abroad_e.reshape(-1))
    r_u, r_code = codes(mentor)
    abroad = e_u.astype(bool)
    licensing = abroad[:, None] & r_u[:, 0].astype(bool)[None, :]
    moved = r_u[:, 1].astype(bool)
    lut = np.where(abroad[:, None], 0.5 * licensing + 0.5 * moved[None, :],
                   moved[None, :].astype(np.float64))
    return CodedCriterion(name, e_code, r_code, lut, e_code, r_code,
                          lambda x, y: reason(bool(licensing[x, y]), bool(moved[y])))
