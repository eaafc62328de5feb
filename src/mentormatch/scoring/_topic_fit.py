"""The topic criterion's kernel: topic fit of whole cohorts, of blocks of rows, of listed pairs.

Topic fit is the one criterion that depends on many values per person (a
weight per topic), so it is computed from the cohort's topic matrices rather
than from a lookup table: a matrix product for the dense views and for a
block of rows, a sum over topics for listed pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mentormatch.models import Cohort
from mentormatch.scoring._base import Criterion, join_words
from mentormatch.topics import topic_index

__all__ = ["TopicFit", "TopicMatrices", "topic_reason"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
ObjectArray = NDArray[np.object_]

#: Pairs gathered at once by the per-pair methods of :class:`TopicFit` (bounds their memory).
_PAIR_CHUNK = 1 << 16


def topic_reason(shared: Sequence[str], n_asked: int) -> str | None:
    """Return the topic criterion's reason: the asked topics a mentor offers, in order.

    Examples
    --------
    >>> topic_reason(["teaching"], 2)
    'offers teaching (1 of 2 topics asked)'
    """
    if n_asked == 0:
        return None
    of = f"({len(shared)} of {n_asked} topics asked)"
    if not shared:
        return f"offers none of the topics asked {of}"
    return f"offers {join_words(shared)} {of}"


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

    Examples
    --------
    >>> from mentormatch import Cohort, Mentee, Mentor
    >>> c = Cohort(mentees=[Mentee(id="e", topics=["a", "b"])],
    ...            mentors=[Mentor(id="r", topics=["b"])])
    >>> tm = TopicMatrices.of(c)
    >>> tm.topics, tm.asked.tolist(), tm.offered.tolist()
    (('a', 'b'), [[1.0, 1.0]], [[0.0, 1.0]])
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


class TopicFit:
    """Topic fit: how much of what the mentee asked for the mentor offers.

    The mentee's view of pair (i, j) is the weight mentee i asks of the topics
    mentor j offers, over all the weight i asks; the mentor's view is the
    weight j offers of the topics i asks, over all the weight j offers. Both
    lie in [0, 1] (0 for someone who listed no topic). The reason lists the
    asked topics the mentor offers, in the cohort's topic order.

    Every path computes the same formula here: :meth:`criterion` (whole
    cohort), :meth:`rows_into` (a block of rows, for large cohorts) and
    :meth:`pair_views` / :meth:`pair_fit` / :meth:`pair_reasons` (listed pairs).

    Parameters
    ----------
    matrices : TopicMatrices
    name : str, default="topics"
        The criterion's name.

    Examples
    --------
    >>> from mentormatch import Cohort, Mentee, Mentor
    >>> c = Cohort(mentees=[Mentee(id="e", topics=["a", "b"])],
    ...            mentors=[Mentor(id="r", topics=["a", "c", "d", "e"])])
    >>> fit = TopicFit(TopicMatrices.of(c))
    >>> [v.tolist() for v in fit.pair_views(np.array([0]), np.array([0]))]
    [[0.5], [0.25]]
    >>> fit.pair_reasons(np.array([0]), np.array([0])).tolist()
    ['offers a (1 of 2 topics asked)']
    """

    def __init__(self, matrices: TopicMatrices, name: str = "topics") -> None:
        self.name = name
        self.topics = matrices.topics
        self.asked = np.ascontiguousarray(matrices.asked, dtype=np.float64)
        self.offered = np.ascontiguousarray(matrices.offered, dtype=np.float64)
        self.asked_any = (self.asked > 0).astype(np.float64)
        self.offered_any = (self.offered > 0).astype(np.float64)
        self.asked_total = self.asked.sum(axis=1)
        self.offered_total = self.offered.sum(axis=1)

    # ----------------------------------------------------------------- whole cohort

    def criterion(self) -> Criterion:
        """Return both views of every pair as matrices, and the reason of any pair."""
        with np.errstate(invalid="ignore", divide="ignore"):
            mentee_view = (self.asked @ self.offered_any.T) / self.asked_total[:, None]
            mentor_view = (self.asked_any @ self.offered.T) / self.offered_total[None, :]
        mentee_view = np.nan_to_num(mentee_view, nan=0.0, posinf=0.0)
        mentor_view = np.nan_to_num(mentor_view, nan=0.0, posinf=0.0)
        return Criterion(self.name, mentee_view, mentor_view, self.explain)

    def explain(self, i: int, j: int) -> str | None:
        """Return the reason of pair (i, j)."""
        asked = np.flatnonzero(self.asked[i] > 0)
        return topic_reason([self.topics[t] for t in asked if self.offered[j, t] > 0],
                            int(asked.size))

    # ----------------------------------------------------------------- block of rows

    def rows_into(self, rows: IntArray, offered_any_t: FloatArray, weight: float,
                  out: FloatArray) -> None:
        """Write ``weight`` times the mentee view of ``rows`` into ``out``.

        ``offered_any_t`` is :attr:`offered_any` of the wanted mentor columns,
        transposed (``(n_topics, n_columns)``, gathered once by the caller).
        """
        np.matmul(self.asked[rows], offered_any_t, out=out)
        total = self.asked_total[rows][:, None]
        # Share first, weight after: weight / total overflows for subnormal totals.
        # A masked divide is several times slower: only when some row asks nothing.
        asks = total > 0
        np.divide(out, total, out=out, where=True if asks.all() else asks)
        out *= weight

    # ----------------------------------------------------------------- listed pairs

    def pair_views(self, e: IntArray, r: IntArray) -> tuple[FloatArray, FloatArray]:
        """Mentee and mentor views of pairs ``(e[q], r[q])``.

        Equal to :meth:`criterion`'s up to rounding (the sums may run in
        another order; see :meth:`pair_fit`).
        """
        mentee_view = np.zeros(e.size)
        mentor_view = np.zeros(e.size)
        for lo in range(0, e.size, _PAIR_CHUNK):
            ee, rr = e[lo:lo + _PAIR_CHUNK], r[lo:lo + _PAIR_CHUNK]
            a_tot, o_tot = self.asked_total[ee], self.offered_total[rr]
            fit = np.einsum("ij,ij->i", self.asked[ee], self.offered_any[rr])
            back = np.einsum("ij,ij->i", self.asked_any[ee], self.offered[rr])
            np.divide(fit, a_tot, out=mentee_view[lo:lo + _PAIR_CHUNK], where=a_tot > 0)
            np.divide(back, o_tot, out=mentor_view[lo:lo + _PAIR_CHUNK], where=o_tot > 0)
        return mentee_view, mentor_view

    def pair_fit(self, e: IntArray, r: IntArray) -> FloatArray:
        """Mentee view of pairs ``(e[q], r[q])``, summed topic by topic.

        Slower than :meth:`pair_views`, but the sum runs in the order the dense
        matrix product's does (exactly so for a few topics), so reasons are
        ranked as the dense table ranks them: criteria whose contributions
        tie there tie here.
        """
        view = np.zeros(e.size)
        for lo in range(0, e.size, _PAIR_CHUNK):
            ee, rr = e[lo:lo + _PAIR_CHUNK], r[lo:lo + _PAIR_CHUNK]
            asked, offered_any = self.asked[ee], self.offered_any[rr]
            fit = np.zeros(ee.size)
            for t in range(asked.shape[1]):
                fit += asked[:, t] * offered_any[:, t]
            total = self.asked_total[ee]
            np.divide(fit, total, out=view[lo:lo + _PAIR_CHUNK], where=total > 0)
        return view

    def pair_reasons(self, e: IntArray, r: IntArray) -> ObjectArray:
        """Reason of each pair ``(e[q], r[q])``; each distinct reason is written once."""
        n_topics = self.asked.shape[1]
        n_bytes = (n_topics + 7) // 8
        count = np.dtype("<u2") if n_topics < 1 << 16 else np.dtype("<u4")
        # Key of a pair's reason: the shared topics as bits, then how many were asked;
        # padded to whole 8-byte words, so one word is one uint64 (a fast 1-d unique).
        width = -(-(n_bytes + count.itemsize) // 8) * 8
        keys = np.zeros((e.size, width), dtype=np.uint8)
        for lo in range(0, e.size, _PAIR_CHUNK):
            ee, rr = e[lo:lo + _PAIR_CHUNK], r[lo:lo + _PAIR_CHUNK]
            asked_any = self.asked[ee] > 0
            shared = asked_any & (self.offered[rr] > 0)
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
            texts.append(topic_reason([self.topics[t] for t in np.flatnonzero(bits)], n_asked))
        out: ObjectArray = np.array(texts, dtype=object)[which.reshape(-1)]
        return out
