"""Built-in scorers: topic fit, mentorship type, meeting modality, same site, concordance."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mentormatch.errors import InvalidInputError
from mentormatch.models import Cohort
from mentormatch.scoring._base import Criterion, Scorer, ScoreTable, WeightedScorer, rank_reasons
from mentormatch.topics import topic_index

__all__ = [
    "AttributeScorer",
    "ConcordanceScorer",
    "ModalityScorer",
    "TopicMatrices",
    "TopicScorer",
    "TypeScorer",
    "default_scorer",
    "explain_pairs",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]
ObjectArray = NDArray[np.object_]
#: Attributes a categorical scorer reads, of the mentee and of the mentor: two
#: people with the same values get the same view and reason (see explain_pairs).
Reads = tuple[tuple[str, ...], tuple[str, ...]]


def _single(crit: Criterion) -> ScoreTable:
    return ScoreTable(((crit, 1.0),))


def _join(words: Sequence[str]) -> str:
    words = [w.replace("_", "-") for w in words]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _topic_reason(shared: Sequence[str], n_asked: int) -> str | None:
    """Return the topic criterion's reason: the asked topics a mentor offers, in order."""
    if n_asked == 0:
        return None
    of = f"({len(shared)} of {n_asked} topics asked)"
    if not shared:
        return f"offers none of the topics asked {of}"
    return f"offers {_join(shared)} {of}"


@dataclass(frozen=True, eq=False)
class TopicMatrices:
    """Topic weights of a cohort as matrices over one topic index.

    Attributes
    ----------
    topics : tuple of str
        Topic names, columns of both matrices.
    asked : ndarray of shape (n_mentees, n_topics)
        Weight each mentee gives each topic (0 = not asked).
    offered : ndarray of shape (n_mentors, n_topics)
        Weight each mentor gives each topic (0 = not offered).
    """

    topics: tuple[str, ...]
    asked: FloatArray
    offered: FloatArray

    @classmethod
    def of(cls, cohort: Cohort) -> TopicMatrices:
        """Build the matrices of a cohort (topics numbered by first appearance)."""
        index = topic_index(p.topics for p in (*cohort.mentees, *cohort.mentors))
        asked = np.zeros((len(cohort.mentees), len(index)))
        offered = np.zeros((len(cohort.mentors), len(index)))
        for matrix, people in ((asked, cohort.mentees), (offered, cohort.mentors)):
            for row, person in enumerate(people):
                for topic, weight in person.topics.items():
                    matrix[row, index[topic]] = weight
        return cls(tuple(index), asked, offered)

    def coverage(self, mentee: int, mentors: Iterable[int]) -> float:
        """Share of a mentee's asked topic weight offered by at least one of ``mentors``.

        Returns 1.0 for a mentee who asked for no topic.
        """
        want = self.asked[mentee]
        total = want.sum()
        if total == 0:
            return 1.0
        idx = list(mentors)
        if not idx:
            return 0.0
        covered = (self.offered[idx] > 0).any(axis=0)
        return float(want[covered].sum() / total)


class TopicScorer:
    """Topic fit: how much of what the mentee asked for the mentor offers.

    The mentee's view is the asked weight the mentor offers, over all asked
    weight; the mentor's view is the share of the mentor's offered weight the
    mentee asks for. Both lie in [0, 1].

    Examples
    --------
    >>> from mentormatch import Cohort, Mentee, Mentor
    >>> c = Cohort(mentees=[Mentee(id="e", topics=["a", "b"])],
    ...            mentors=[Mentor(id="r", topics=["a", "c", "d", "e"])])
    >>> t = TopicScorer().score(c).criteria[0][0]
    >>> float(t.mentee_view[0, 0]), float(t.mentor_view[0, 0])
    (0.5, 0.25)
    """

    name = "topics"

    def score(self, cohort: Cohort) -> ScoreTable:
        """Score every pair by topic fit."""
        tm = TopicMatrices.of(cohort)
        asked_any = (tm.asked > 0).astype(np.float64)
        offered_any = (tm.offered > 0).astype(np.float64)
        asked_total = tm.asked.sum(axis=1)
        offered_total = tm.offered.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mentee_view = (tm.asked @ offered_any.T) / asked_total[:, None]
            mentor_view = (asked_any @ tm.offered.T) / offered_total[None, :]
        mentee_view = np.nan_to_num(mentee_view, nan=0.0, posinf=0.0)
        mentor_view = np.nan_to_num(mentor_view, nan=0.0, posinf=0.0)

        def explain(i: int, j: int) -> str | None:
            asked = np.flatnonzero(tm.asked[i] > 0)
            return _topic_reason([tm.topics[t] for t in asked if tm.offered[j, t] > 0],
                                 int(asked.size))

        return _single(Criterion(self.name, mentee_view, mentor_view, explain))


def _membership(values: Sequence[Iterable[str]], index: dict[str, int]) -> BoolArray:
    out = np.zeros((len(values), max(len(index), 1)), dtype=bool)
    for row, items in enumerate(values):
        for item in items:
            out[row, index[item]] = True
    return out


def _set_match(cohort: Cohort, attr: str) -> tuple[FloatArray, Callable[[int], list[str]],
                                                   Callable[[int], list[str]]]:
    """Score 1 for a shared value, 0.5 where a side stated none, 0 when disjoint."""
    mentee_vals = [[str(v) for v in getattr(p, attr)] for p in cohort.mentees]
    mentor_vals = [[str(v) for v in getattr(p, attr)] for p in cohort.mentors]
    index = topic_index([*mentee_vals, *mentor_vals])
    me = _membership(mentee_vals, index)
    mr = _membership(mentor_vals, index)
    shared = (me.astype(np.float64) @ mr.T.astype(np.float64)) > 0
    stated = np.outer(me.any(axis=1), mr.any(axis=1))
    view = np.where(shared, 1.0, np.where(stated, 0.0, 0.5))
    return view, (lambda i: mentee_vals[i]), (lambda j: mentor_vals[j])


class TypeScorer:
    """Mentorship-type compatibility (one-to-one, group, peer, task-focused).

    1 when mentee and mentor share a type, 0.5 when either stated none, else 0.

    Examples
    --------
    >>> from mentormatch import Cohort, Mentee, Mentor
    >>> c = Cohort(mentees=[Mentee(id="e", types=["one_to_one"])],
    ...            mentors=[Mentor(id="r", types=["one_to_one", "group"])])
    >>> TypeScorer().score(c).reasons(0, 0)
    ('both prefer one-to-one',)
    """

    name = "types"
    _reads: Reads = (("types",), ("types",))

    def score(self, cohort: Cohort) -> ScoreTable:
        """Score every pair by shared mentorship type."""
        view, mentee_vals, mentor_vals = _set_match(cohort, "types")

        def explain(i: int, j: int) -> str | None:
            a, b = mentee_vals(i), mentor_vals(j)
            shared = [t for t in a if t in b]
            if shared:
                return f"both prefer {_join(shared)}"
            if a and b:
                return f"mentee prefers {_join(a)}; mentor offers {_join(b)}"
            return None

        return _single(Criterion(self.name, view, None, explain))


class ModalityScorer:
    """Meeting modality fit (in person, online, phone); scored like :class:`TypeScorer`.

    Examples
    --------
    >>> from mentormatch import Cohort, Mentee, Mentor
    >>> c = Cohort(mentees=[Mentee(id="e", modalities=["online"])],
    ...            mentors=[Mentor(id="r", modalities=["online", "phone"])])
    >>> ModalityScorer().score(c).reasons(0, 0)
    ('both can meet online',)
    """

    name = "modality"
    _reads: Reads = (("modalities",), ("modalities",))

    def score(self, cohort: Cohort) -> ScoreTable:
        """Score every pair by shared meeting modality."""
        view, mentee_vals, mentor_vals = _set_match(cohort, "modalities")

        def explain(i: int, j: int) -> str | None:
            shared = [m for m in mentee_vals(i) if m in mentor_vals(j)]
            if shared:
                return f"both can meet {_join(shared).replace('-', ' ')}"
            if mentee_vals(i) and mentor_vals(j):
                return "no meeting modality in common"
            return None

        return _single(Criterion(self.name, view, None, explain))


class AttributeScorer:
    """Same value of a plain attribute (``"site"`` or ``"division"``).

    1 when both have the same value, 0.5 when either is unknown, else 0.

    Parameters
    ----------
    attribute : {"site", "division", "career_stage"}
        The attribute compared.

    Examples
    --------
    >>> from mentormatch import Cohort, Mentee, Mentor
    >>> c = Cohort(mentees=[Mentee(id="e", site="Halifax")],
    ...            mentors=[Mentor(id="r", site="Halifax")])
    >>> AttributeScorer("site").score(c).reasons(0, 0)
    ('same site (Halifax)',)
    """

    def __init__(self, attribute: str) -> None:
        if attribute not in ("site", "division", "career_stage"):
            raise ValueError(f"AttributeScorer compares site, division or career_stage, "
                             f"not {attribute!r}")
        self.attribute = attribute
        self.name = attribute

    @property
    def _reads(self) -> Reads:
        return (self.attribute,), (self.attribute,)

    def score(self, cohort: Cohort) -> ScoreTable:
        """Score every pair by equality of the attribute."""
        a = [getattr(p, self.attribute) for p in cohort.mentees]
        b = [getattr(p, self.attribute) for p in cohort.mentors]
        view = _same_value(a, b)
        label = self.attribute.replace("_", " ")

        def explain(i: int, j: int) -> str | None:
            if a[i] is not None and a[i] == b[j]:
                return f"same {label} ({a[i]})"
            return None

        return _single(Criterion(self.name, view, None, explain))


def _same_value(a: list[object], b: list[object]) -> FloatArray:
    """1 where both values are equal, 0.5 where either is unknown, else 0."""
    keys = topic_index([[str(v)] for v in (*a, *b) if v is not None])
    ka = np.array([keys[str(v)] if v is not None else -1 for v in a], dtype=np.int64)
    kb = np.array([keys[str(v)] if v is not None else -2 for v in b], dtype=np.int64)
    known = (ka >= 0)[:, None] & (kb >= 0)[None, :]
    view = np.where(ka[:, None] == kb[None, :], 1.0, np.where(known, 0.0, 0.5))
    return view


class ConcordanceScorer:
    """Concordance on a sensitive attribute, only for mentees who asked for it.

    A mentee who listed ``"gender"`` (or ``"background"``) in ``concordance``
    scores 1 with mentors of the same value and 0 otherwise; everyone else
    scores a neutral 0.5. Reasons never reveal the attribute's value.

    Examples
    --------
    >>> from mentormatch import Cohort, Mentee, Mentor
    >>> c = Cohort(mentees=[Mentee(id="e", gender="f", concordance=["gender"])],
    ...            mentors=[Mentor(id="r", gender="f")])
    >>> ConcordanceScorer().score(c).reasons(0, 0)
    ('concordance asked for on gender, and met',)
    """

    name = "concordance"
    _reads: Reads = (("concordance", "gender", "background"), ("gender", "background"))

    def score(self, cohort: Cohort) -> ScoreTable:
        """Score every pair by the concordance each mentee asked for."""
        n_e, n_r = len(cohort.mentees), len(cohort.mentors)
        view = np.full((n_e, n_r), 0.5)
        asked = [p.concordance for p in cohort.mentees]
        met = np.ones((n_e, n_r), dtype=bool)
        any_asked = np.zeros(n_e, dtype=bool)
        for attr in ("gender", "background"):
            rows = np.array([attr in c for c in asked], dtype=bool)
            if not rows.any():
                continue
            any_asked |= rows
            a = [getattr(p, attr) for p in cohort.mentees]
            b = [getattr(p, attr) for p in cohort.mentors]
            same = _same_value(a, b)
            met[rows] &= same[rows] == 1.0
        view[any_asked] = met[any_asked].astype(np.float64)

        def explain(i: int, j: int) -> str | None:
            if not asked[i]:
                return None
            state = "met" if met[i, j] else "not met"
            return f"concordance asked for on {_join(list(asked[i]))}, and {state}"

        return _single(Criterion(self.name, view, None, explain))


def default_scorer() -> WeightedScorer:
    """Return the default scorer: topics first, then type, modality, site, concordance.

    Weights: topics 0.6, mentorship type 0.15, modality 0.1, site 0.05,
    concordance 0.1.

    Examples
    --------
    >>> [type(s).__name__ for s, _ in default_scorer().parts]
    ['TopicScorer', 'TypeScorer', 'ModalityScorer', 'AttributeScorer', 'ConcordanceScorer']
    """
    return WeightedScorer([
        (TopicScorer(), 0.6),
        (TypeScorer(), 0.15),
        (ModalityScorer(), 0.1),
        (AttributeScorer("site"), 0.05),
        (ConcordanceScorer(), 0.1),
    ])


# --------------------------------------------------------------------------- many pairs

_CATEGORICAL = (TypeScorer, ModalityScorer, AttributeScorer, ConcordanceScorer)
#: Rows of pairs gathered at once by the topic criterion (bounds its memory).
_PAIR_CHUNK = 1 << 16


def _leaves(scorer: Scorer) -> list[tuple[Scorer, tuple[float, ...]]] | None:
    """Built-in leaf scorers with their part weights, outermost first; None if any is not.

    Exact types only: a subclass may score or explain differently.
    """
    if type(scorer) is WeightedScorer:
        out: list[tuple[Scorer, tuple[float, ...]]] = []
        for part, weight in scorer.parts:
            inner = _leaves(part)
            if inner is None:
                return None
            out += [(leaf, (weight, *path)) for leaf, path in inner]
        return out
    if type(scorer) in (TopicScorer, *_CATEGORICAL):
        return [(scorer, ())]
    return None


def _weight(path: tuple[float, ...], inner: float) -> float:
    """Return a criterion's weight in the composed table, multiplied as WeightedScorer does."""
    weight = inner
    for part in reversed(path):
        weight = part * weight
    return weight


def _topic_pairs(tm: TopicMatrices, e: IntArray, r: IntArray) -> tuple[FloatArray, ObjectArray]:
    """Topic fit (mentee view) and reason of each pair, as TopicScorer computes them.

    The fit sums the asked weights in topic order, as the dense matrix product does.
    """
    n_topics = tm.asked.shape[1]
    n_bytes = (n_topics + 7) // 8
    count = np.dtype("<u2") if n_topics < 1 << 16 else np.dtype("<u4")
    # Key of a pair's reason: the shared topics as bits, then how many were asked;
    # padded to whole 8-byte words, so one word is one uint64 (a fast 1-d unique).
    width = -(-(n_bytes + count.itemsize) // 8) * 8
    view = np.zeros(e.size)
    keys = np.zeros((e.size, width), dtype=np.uint8)
    for lo in range(0, e.size, _PAIR_CHUNK):
        ee, rr = e[lo:lo + _PAIR_CHUNK], r[lo:lo + _PAIR_CHUNK]
        asked = tm.asked[ee]
        offered_any = (tm.offered[rr] > 0).astype(np.float64)
        fit = np.zeros(ee.size)
        for t in range(n_topics):
            fit += asked[:, t] * offered_any[:, t]
        total = asked.sum(axis=1)
        np.divide(fit, total, out=view[lo:lo + _PAIR_CHUNK], where=total > 0)
        asked_any = asked > 0
        shared = asked_any & (offered_any > 0)
        keys[lo:lo + _PAIR_CHUNK, :n_bytes] = np.packbits(shared, axis=1, bitorder="little")
        n_asked = asked_any.sum(axis=1).astype(count)
        keys[lo:lo + _PAIR_CHUNK, n_bytes:n_bytes + count.itemsize] = (
            n_asked.view(np.uint8).reshape(-1, count.itemsize))
    if width == 8:
        words, which = np.unique(keys.view(np.uint64).reshape(-1), return_inverse=True)
        uniq = words.view(np.uint8).reshape(-1, 8)
    else:
        uniq, which = np.unique(keys, axis=0, return_inverse=True)
    texts = []
    for row in uniq:
        bits = np.unpackbits(row[:n_bytes], bitorder="little")[:n_topics]
        n_asked = int(row[n_bytes:n_bytes + count.itemsize].view(count)[0])
        texts.append(_topic_reason([tm.topics[t] for t in np.flatnonzero(bits)], n_asked))
    return view, np.array(texts, dtype=object)[which.reshape(-1)]


def _person_codes(people: Sequence[object], attrs: tuple[str, ...]) -> tuple[IntArray, list[int]]:
    """Return a code per person for the values of ``attrs``, and each code's first person."""
    keys = list(map(attrgetter(*attrs), people))
    code = {key: k for k, key in enumerate(dict.fromkeys(keys))}  # by first appearance
    out = np.fromiter(map(code.__getitem__, keys), dtype=np.int64, count=len(keys))
    first = np.unique(out, return_index=True)[1]
    return out, first.tolist()


def _categorical_pairs(scorer: Scorer, reads: Reads, path: tuple[float, ...],
                       people: tuple[tuple[list[Any], IntArray], tuple[list[Any], IntArray]]
                       ) -> list[tuple[float, FloatArray, ObjectArray]]:
    """Weight, view and reason of each pair for a scorer that reads only ``reads``.

    ``people``: the distinct mentees of the pairs and where each pair's mentee
    is among them, the same for mentors.

    The scorer runs on one representative per distinct value set, and each
    distinct (mentee values, mentor values) combination is explained once.
    """
    (mentees, e_at), (mentors, r_at) = people
    e_code, e_first = _person_codes(mentees, reads[0])
    r_code, r_first = _person_codes(mentors, reads[1])
    sub = Cohort.model_construct(
        mentees=tuple(mentees[k] for k in e_first), mentors=tuple(mentors[k] for k in r_first),
        forbidden=(), locked=(), vocabulary=None)
    ek, rk = e_code[e_at], r_code[r_at]
    combos, which = np.unique(ek * len(r_first) + rk, return_inverse=True)
    a, b = np.divmod(combos, len(r_first))
    out: list[tuple[float, FloatArray, ObjectArray]] = []
    for crit, inner in scorer.score(sub).criteria:
        weight = _weight(path, inner)
        if weight > 0:
            texts = [crit.explain(i, j) for i, j in zip(a.tolist(), b.tolist(), strict=True)]
            out.append((weight, crit.mentee_view[ek, rk],
                        np.array(texts, dtype=object)[which.reshape(-1)]))
    return out


def explain_pairs(scorer: Scorer, cohort: Cohort, mentee_idx: ArrayLike, mentor_idx: ArrayLike,
                  *, topic_matrices: TopicMatrices | None = None
                  ) -> list[tuple[str, ...]] | None:
    """Reasons for many pairs at once, without any score matrix.

    The same tuples as ``scorer.score(cohort).reasons(i, j)`` for each pair
    (i, j), for a scorer built only from the built-in scorers (a
    :class:`WeightedScorer` of them, nested or not); ``None`` for any other
    scorer. Topic fit is computed per pair; every other criterion depends on
    a few values per person, so each distinct combination is scored and
    explained once.

    Parameters
    ----------
    scorer : Scorer
    cohort : Cohort
    mentee_idx, mentor_idx : array-like of int
        The pairs, by position in ``cohort.mentees`` and ``cohort.mentors``.
    topic_matrices : TopicMatrices, optional
        The cohort's topic matrices (``TopicMatrices.of(cohort)``) if already built.

    Returns
    -------
    list of tuple of str, or None
        One tuple per pair, the criterion contributing most first.

    Examples
    --------
    >>> import mentormatch as mm
    >>> c = mm.example_cohort()
    >>> table = default_scorer().score(c)
    >>> explain_pairs(default_scorer(), c, [0, 6], [4, 3]) == [table.reasons(0, 4),
    ...                                                       table.reasons(6, 3)]
    True
    """
    leaves = _leaves(scorer)
    if leaves is None:
        return None
    e = np.asarray(mentee_idx, dtype=np.int64).reshape(-1)
    r = np.asarray(mentor_idx, dtype=np.int64).reshape(-1)
    if e.size != r.size:
        raise InvalidInputError(
            f"explain_pairs: {e.size} mentee indices but {r.size} mentor indices")
    if e.size == 0:
        return []
    tm = topic_matrices
    rows, e_at = np.unique(e, return_inverse=True)
    cols, r_at = np.unique(r, return_inverse=True)
    people = (([cohort.mentees[i] for i in rows.tolist()], e_at.reshape(-1)),
              ([cohort.mentors[j] for j in cols.tolist()], r_at.reshape(-1)))
    columns: list[tuple[float, FloatArray, ObjectArray]] = []
    for leaf, path in leaves:
        if isinstance(leaf, TopicScorer):
            weight = _weight(path, 1.0)  # TopicScorer's one criterion, weight 1
            if weight > 0:
                tm = tm if tm is not None else TopicMatrices.of(cohort)
                columns.append((weight, *_topic_pairs(tm, e, r)))
        elif isinstance(leaf, _CATEGORICAL):
            columns.extend(_categorical_pairs(leaf, leaf._reads, path, people))
    if not columns:
        return [()] * e.size
    contributions = np.stack([w * view for w, view, _ in columns], axis=1)
    return rank_reasons(contributions, [texts for _, _, texts in columns])
