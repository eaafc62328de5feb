"""Last year's pairs and follow-up applied to this year's cohort: locks, forbidden pairs, notes.

Pairs that asked to continue become locks when they still can be (both people
are in the cohort, the pair is not excluded, the mentee asks for a mentor and
the mentor has a place left); every one that cannot is reported with why.
Pairs that asked to change become forbidden. Nothing here reads or repeats a
release reason: the change process is no-fault.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from mentormatch.errors import ConstraintConflictError
from mentormatch.models import Cohort, History, MatchResult, Pair

__all__ = ["HistoryEffects", "apply_history"]

Pairs = tuple[tuple[str, str], ...]
KEPT_REASON = "continues from {label}: the pair asked to continue (kept as a lock)"


@dataclass(frozen=True)
class HistoryEffects:
    """What a :class:`History` did to a cohort, for the result's notes and provenance."""

    cohort: Cohort
    label: str
    kept: Pairs
    not_kept: tuple[tuple[tuple[str, str], str], ...]
    forbidden: Pairs
    released: Pairs
    mentored_before: tuple[str, ...]
    absent_mentees: tuple[str, ...]

    def notes(self) -> tuple[str, ...]:
        """One line per effect, ids only."""
        out = []
        if self.kept:
            out.append(f"history: {len(self.kept)} pair(s) from {self.label} kept because they "
                       f"asked to continue: {_shown(self.kept)}")
        for (e, r), why in self.not_kept:
            out.append(f"history: ({e}, {r}) asked to continue but cannot be kept: {why}")
        if self.forbidden:
            out.append(f"history: {len(self.forbidden)} pair(s) that asked to change mentor "
                       f"are never matched again: {_shown(self.forbidden)}")
        if self.released:
            out.append(f"history: {len(self.released)} continuing pair(s) released by the "
                       f"director (free to be matched or not): {_shown(self.released)}")
        if self.mentored_before:
            out.append(f"history: {len(self.mentored_before)} mentee(s) were mentored before "
                       f"({self.label}): {', '.join(self.mentored_before)}")
        if self.absent_mentees:
            out.append(f"history: {len(self.absent_mentees)} mentee(s) of {self.label} are not "
                       f"in this cohort: {', '.join(self.absent_mentees)}")
        return tuple(out)

    def provenance(self) -> dict[str, Any]:
        """JSON-ready record of every effect (ids only)."""
        return {"label": self.label, "kept": [list(p) for p in self.kept],
                "not_kept": [[e, r, why] for (e, r), why in self.not_kept],
                "forbidden": [list(p) for p in self.forbidden],
                "released": [list(p) for p in self.released],
                "mentored_before": list(self.mentored_before)}

    def annotate(self, result: MatchResult) -> MatchResult:
        """Return ``result`` with kept pairs' reasons, the notes and the provenance record."""
        kept = set(self.kept)
        reason = KEPT_REASON.format(label=self.label)
        pairs = tuple(Pair(mentee=p.mentee, mentor=p.mentor, score=p.score,
                           reasons=(reason, *p.reasons), locked=p.locked)
                      if (p.mentee, p.mentor) in kept else p for p in result.pairs)
        options = {**result.provenance.options, "history": self.provenance()}
        provenance = result.provenance.model_copy(update={"options": options})
        return result.model_copy(update={"pairs": pairs, "provenance": provenance,
                                         "notes": (*result.notes, *self.notes())})


def _shown(pairs: Pairs, limit: int = 10) -> str:
    text = ", ".join(f"({e}, {r})" for e, r in pairs[:limit])
    return text + (f" and {len(pairs) - limit} more" if len(pairs) > limit else "")


def _why_not_kept(cohort: Cohort, pair: tuple[str, str], excluded: dict[tuple[str, str], str],
                  locks: Counter[str], places: Counter[str]) -> str | None:
    e, r = pair
    mentees, mentors = cohort.mentee_index(), cohort.mentor_index()
    if e not in mentees:
        return f"mentee {e} is not in this year's cohort"
    if r not in mentors:
        return f"mentor {r} is not in this year's cohort"
    if pair in excluded:
        return f"the pair is excluded this year ({excluded[pair]})"
    demand = cohort.mentees[mentees[e]].demand
    capacity = cohort.mentors[mentors[r]].capacity
    if demand == 0:
        return f"mentee {e} asks for no mentor this year"
    if capacity == 0:
        return f"mentor {r} offers no places this year"
    if locks[e] >= demand:
        return f"mentee {e} asks for {demand} mentor(s), all already locked"
    if places[r] >= capacity:
        return f"mentor {r} has capacity {capacity}, all already locked"
    return None


def apply_history(cohort: Cohort, history: History) -> HistoryEffects:
    """Return the cohort with last year's continuing pairs locked and changed pairs forbidden.

    Raises
    ------
    ConstraintConflictError
        If the director locked a pair that asked to change mentor: say which
        wins by removing the lock or dropping the pair's answer.

    Examples
    --------
    >>> import mentormatch as mm
    >>> c = mm.Cohort(mentees=[mm.Mentee(id="e1"), mm.Mentee(id="e2")],
    ...               mentors=[mm.Mentor(id="r1", capacity=2)])
    >>> h = mm.History(pairs=[mm.PairFeedback(mentee="e1", mentor="r1", decision="continue"),
    ...                       mm.PairFeedback(mentee="e2", mentor="r1", decision="change")])
    >>> effects = apply_history(c, h)
    >>> effects.cohort.locked, effects.cohort.forbidden
    ((('e1', 'r1'),), (('e2', 'r1'),))
    """
    director_locked = set(cohort.locked)
    for pair in history.changing:
        if pair in director_locked:
            raise ConstraintConflictError(
                f"pair {pair!r} asked to change mentor in {history.label}'s follow-up but the "
                "director locked it: remove the lock, or drop the pair's answer")
    excluded = cohort.excluded_pairs()
    locks = Counter(e for e, _ in cohort.locked)
    places = Counter(r for _, r in cohort.locked)
    kept: list[tuple[str, str]] = []
    not_kept: list[tuple[tuple[str, str], str]] = []
    for pair in history.continuing:
        if pair in director_locked:  # kept: the director's lock already holds it
            kept.append(pair)
            continue
        why = _why_not_kept(cohort, pair, excluded, locks, places)
        if why is not None:
            not_kept.append((pair, why))
            continue
        kept.append(pair)
        locks[pair[0]] += 1
        places[pair[1]] += 1
    mentees, mentors = set(cohort.mentee_ids), set(cohort.mentor_ids)
    forbidden = tuple(p for p in history.changing
                      if p[0] in mentees and p[1] in mentors and p not in excluded)
    fields = {name: getattr(cohort, name) for name in Cohort.model_fields}  # every rule kept
    updated = Cohort(**{**fields, "forbidden": (*cohort.forbidden, *forbidden),
                        "locked": (*cohort.locked,
                                   *(p for p in kept if p not in director_locked))})
    before = history.mentored_before
    return HistoryEffects(
        cohort=updated, label=history.label, kept=tuple(kept), not_kept=tuple(not_kept),
        forbidden=forbidden, released=history.released,
        mentored_before=tuple(e for e in before if e in mentees),
        absent_mentees=tuple(e for e in before if e not in mentees))
