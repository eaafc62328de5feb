"""A cohort's must-haves as an allowed-pair mask, built from per-person codes, block by block."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from ._cohort import Cohort
from ._must_haves import STAGE_ORDER, MustHave, OwnedRules

__all__ = ["MustHaveMask"]

_PLURAL = {"offers": "offer", "is": "are", "shares": "share", "accepts": "accept"}


def _names(ids: list[str], limit: int = 5) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def _codes(values: list[str | None], known: dict[str, int]) -> IntArray:
    """Integer code of each value (-1 for unknown), sharing ``known`` across both sides."""
    return np.array([-1 if v is None else known.setdefault(v, len(known)) for v in values],
                    dtype=np.int64)


@dataclass(frozen=True, eq=False)
class MustHaveMask:
    """Per-person codes of a cohort's must-haves; :meth:`block` gives any rows x columns.

    Attributes
    ----------
    rules : tuple of MustHave
    rows : tuple of (ndarray of bool or None)
        Mentees each rule applies to (None: every mentee).
    cols : tuple of (int or None)
        The mentor whose rule each is (None: every mentor).
    owned : OwnedRules
        The rules grouped by who owns each (everyone, a mentee, a mentor), for
        :meth:`for_pair`; built on first use, from ``rules``, ``rows`` and ``cols``.

    Examples
    --------
    >>> import mentormatch as mm
    >>> c = mm.Cohort(mentees=[mm.Mentee(id="e1", site="A"), mm.Mentee(id="e2", site="B")],
    ...               mentors=[mm.Mentor(id="r1", site="A", topics=["research"]),
    ...                        mm.Mentor(id="r2", site="B")],
    ...               must_haves=["same site",
    ...                           mm.MustHave.parse("mentor must offer research", mentee="e2")])
    >>> MustHaveMask.of(c).dense().tolist()
    [[True, False], [False, False]]
    """

    rules: tuple[MustHave, ...]
    rows: tuple[BoolArray | None, ...]
    cols: tuple[int | None, ...]
    site: tuple[IntArray, IntArray]
    division: tuple[IntArray, IntArray]
    stage: tuple[IntArray, IntArray]
    supervisors: tuple[BoolArray, BoolArray]
    offers: dict[str, BoolArray]
    track: IntArray
    tracks: dict[str, int]
    shape: tuple[int, int]

    @classmethod
    def of(cls, cohort: Cohort) -> MustHaveMask:
        """Encode ``cohort.must_haves`` and the attributes they read."""
        e, r = cohort.mentees, cohort.mentors
        pos = cohort.mentee_index()
        rows: list[BoolArray | None] = []
        for rule in cohort.must_haves:
            if rule.mentee is None:
                rows.append(None)
            else:
                mine = np.zeros(len(e), dtype=bool)
                mine[pos[rule.mentee]] = True
                rows.append(mine)
        sites: dict[str, int] = {}
        divisions: dict[str, int] = {}
        sup: dict[str, int] = {}
        for p in (*e, *r):
            for s in p.supervisors:
                sup.setdefault(s, len(sup))
        e_sup = np.zeros((len(e), len(sup)), dtype=bool)
        r_sup = np.zeros((len(r), len(sup)), dtype=bool)
        for grid, people in ((e_sup, e), (r_sup, r)):
            for k, p in enumerate(people):
                grid[k, [sup[s] for s in p.supervisors]] = True

        def stage(people: tuple[object, ...]) -> IntArray:
            return np.array([STAGE_ORDER.get(str(getattr(p, "career_stage", None) or ""), -1)
                             for p in people], dtype=np.int64)

        topics = {rule.topic for rule in cohort.must_haves if rule.topic is not None}
        offers = {t: np.array([t in m.topics for m in r], dtype=bool) for t in sorted(topics)}
        tracks: dict[str, int] = {}
        for rule in cohort.must_haves:
            if rule.kind == "mentee_track":
                for v in rule.values:
                    tracks.setdefault(v, len(tracks))
        # Tracks are read (and normalised) only when a rule names one.
        track = np.array([-1 if not tracks or (key := p.track_key) is None
                          else tracks.get(key, -1) for p in e],
                         dtype=np.int64)
        mentor_pos = cohort.mentor_index()
        return cls(
            rules=cohort.must_haves, rows=tuple(rows), track=track, tracks=tracks,
            cols=tuple(None if rule.mentor is None else mentor_pos[rule.mentor]
                       for rule in cohort.must_haves),
            site=(_codes([p.site for p in e], sites), _codes([p.site for p in r], sites)),
            division=(_codes([p.division for p in e], divisions),
                      _codes([p.division for p in r], divisions)),
            stage=(stage(e), stage(r)), supervisors=(e_sup, r_sup), offers=offers,
            shape=(len(e), len(r)))

    @cached_property
    def owned(self) -> OwnedRules:
        """The rules grouped by who owns each, for :meth:`for_pair` (built on first use)."""
        # A mentee's rule applies to their row alone, a mentor's names their column.
        mentee_pos = {rule.mentee: int(np.argmax(row)) for rule, row in zip(self.rules, self.rows,
                                                                            strict=True)
                      if rule.mentee is not None and row is not None}
        mentor_pos = {rule.mentor: j for rule, j in zip(self.rules, self.cols, strict=True)
                      if rule.mentor is not None and j is not None}
        return OwnedRules.of(self.rules, mentee_pos, mentor_pos)

    def passes(self, k: int, rows: IntArray, cols: IntArray) -> BoolArray:
        """Where rule ``k`` holds on ``rows`` x ``cols`` (whether or not its mentee is there).

        A mentor's rule holds on every column of another mentor.
        """
        out = self._holds(k, rows, cols)
        owner = self.cols[k]
        if owner is not None:
            out |= (cols != owner)[None, :]
        return out

    def _holds(self, k: int, rows: IntArray, cols: IntArray) -> BoolArray:
        rule = self.rules[k]
        kind = rule.kind
        if kind in ("mentee_track", "mentee_stage"):
            if kind == "mentee_track":
                mine, wanted = self.track, [self.tracks[v] for v in rule.values]
            else:
                mine, wanted = self.stage[0], [STAGE_ORDER[v] for v in rule.values]
            fits = np.isin(mine[rows], wanted)
            return np.broadcast_to(fits[:, None], (rows.size, cols.size)).copy()
        if kind == "mentor_offers":
            assert rule.topic is not None
            return np.broadcast_to(self.offers[rule.topic][cols][None, :],
                                   (rows.size, cols.size)).copy()
        if kind == "no_shared_supervisor":
            e_sup, r_sup = self.supervisors
            shared = e_sup[rows].astype(np.int64) @ r_sup[cols].T.astype(np.int64)
            return np.asarray(shared == 0)
        if kind == "later_career_stage":
            a, b = self.stage[0][rows][:, None], self.stage[1][cols][None, :]
            return np.asarray((a >= 0) & (b > a))
        codes = self.site if kind.endswith("site") else self.division
        a, b = codes[0][rows][:, None], codes[1][cols][None, :]
        same = a == b if kind.startswith("same") else a != b
        return np.asarray(same & (a >= 0) & (b >= 0))

    def block(self, rows: IntArray, cols: IntArray) -> BoolArray:
        """Where every must-have that applies holds, on ``rows`` x ``cols`` (mentor indices)."""
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        out = np.ones((rows.size, cols.size), dtype=bool)
        for k, applies in enumerate(self.rows):
            owner = self.cols[k]
            if owner is not None:  # a mentor's rule: only that mentor's column can break it
                at = np.flatnonzero(cols == owner)
                if at.size:
                    out[:, at] &= self._holds(k, rows, cols[at])
                continue
            if applies is None:
                out &= self.passes(k, rows, cols)
                continue
            mine = np.flatnonzero(applies[rows])
            if mine.size:
                out[mine] &= self.passes(k, rows[mine], cols)
        return out

    def dense(self) -> BoolArray:
        """Return the whole mask, mentees x mentors."""
        n_e, n_r = self.shape
        return self.block(np.arange(n_e), np.arange(n_r))

    def for_mentee(self, i: int) -> tuple[int, ...]:
        """Return the indices of the rules that apply to mentee ``i``."""
        return tuple(k for k, applies in enumerate(self.rows) if applies is None or applies[i])

    def for_pair(self, i: int, j: int) -> tuple[int, ...]:
        """Return the indices of the rules that bind the pair of mentee ``i`` and mentor ``j``.

        Those of every pair, mentee ``i``'s own and mentor ``j``'s own, in rule order;
        looked up, not searched, so checking many pairs against many owned rules stays
        linear.

        Examples
        --------
        >>> import mentormatch as mm
        >>> c = mm.Cohort(mentees=[mm.Mentee(id="e1")], mentors=[mm.Mentor(id="r1"),
        ...               mm.Mentor(id="r2")], must_haves=["same site", mm.MustHave.parse(
        ...               "mentee track must be phd", mentor="r2")])
        >>> musts = MustHaveMask.of(c)
        >>> musts.for_pair(0, 0), musts.for_pair(0, 1)
        ((0,), (0, 1))
        """
        return self.owned.for_pair(i, j)

    def why_none(self, cohort: Cohort, i: int) -> str:
        """Say why no mentor meets all of mentee ``i``'s must-haves, naming who comes closest.

        Examples
        --------
        >>> import mentormatch as mm
        >>> research = mm.MustHave.parse("mentor must offer research", mentee="e7")
        >>> c = mm.Cohort(mentees=[mm.Mentee(id="e7", site="A")],
        ...               mentors=[mm.Mentor(id="r3", site="B", topics=["research"]),
        ...                        mm.Mentor(id="r4", site="A")],
        ...               must_haves=["same site", research])
        >>> print(MustHaveMask.of(c).why_none(c, 0))
        no mentor meets all of e7's must-haves: only r3 offers research, and r3 is at another site
        >>> phd_only = mm.MustHave.parse("mentee track must be PhD", mentor="r1")
        >>> c = mm.Cohort(mentees=[mm.Mentee(id="e2", track="postdoc")],
        ...               mentors=[mm.Mentor(id="r1")], must_haves=[phd_only])
        >>> print(MustHaveMask.of(c).why_none(c, 0).partition("must-haves: ")[2])
        no mentor accepts them: r1 takes only mentees whose track is phd
        """
        e_ids, r_ids = cohort.mentee_ids, cohort.mentor_ids
        head = f"no mentor meets all of {e_ids[i]}'s must-haves: "
        if not r_ids:
            return head + "the cohort has no mentors"
        ks = self.for_mentee(i)
        row, cols = np.array([i]), np.arange(len(r_ids))
        mentee = cohort.mentees[i]
        shared = [k for k in ks if self.cols[k] is None]
        if not shared:  # only mentors' own rules: each mentor refuses by its rule
            refused = [f"{r_ids[j]} {self.rules[k].failure(mentee, cohort.mentors[j])}"
                       for k in ks if (j := self.cols[k]) is not None
                       and not self.passes(k, row, np.array([j]))[0, 0]]
            more = f", and {len(refused) - 3} more" if len(refused) > 3 else ""
            return head + "no mentor accepts them: " + ", ".join(refused[:3]) + more
        passing = {k: np.flatnonzero(self.passes(k, row, cols)[0]) for k in shared}
        # The scarcest rule first; on a tie the mentee's own must-have before a program-wide
        # one. A mentor's rule is never the scarcest: every other mentor meets it.
        k = min(shared, key=lambda q: (passing[q].size, self.rules[q].mentee is None, q))
        rule, who = self.rules[k], passing[k]
        if who.size == 0:
            return head + f"no mentor {rule.success()}"
        verb, _, rest = rule.success().partition(" ")
        said = (f"only {r_ids[who[0]]} {verb} {rest}" if who.size == 1 else
                f"only {_names([r_ids[j] for j in who], 3)} {_PLURAL.get(verb, verb)} {rest}")
        why = []
        for j in who[:3].tolist():
            other = next((q for q in ks if q != k
                          and not self.passes(q, row, np.array([j]))[0, 0]), None)
            if other is not None:
                why.append(f"{r_ids[j]} {self.rules[other].failure(mentee, cohort.mentors[j])}")
        more = "" if who.size <= 3 else f", and {who.size - 3} more break another"
        return head + said + ", and " + ", ".join(why) + more
