"""The year after: last year's pairs, what each pair said in the follow-up survey.

The change-of-mentor process is no-fault: a pair that asks to change is never
matched again, and the reason given (``release_reason``) stays in memory only.
It is excluded from ``model_dump`` / JSON, hidden from ``repr``, and no export,
note or message of the library ever repeats it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from mentormatch.errors import ConstraintConflictError, DuplicateIdError, UnknownIdError
from mentormatch.models._base import ValidatedModel
from mentormatch.models._cohort import Count, Id

__all__ = ["Decision", "History", "PairFeedback"]


class Decision(StrEnum):
    """What a pair asked for the next year."""

    CONTINUE = "continue"
    CHANGE = "change"


def _text_or_none(value: Any) -> Any:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


class PairFeedback(ValidatedModel):
    """One of last year's pairs, with its follow-up answers (each ``None`` when not answered).

    Parameters
    ----------
    mentee, mentor : str
        The pair's ids.
    met : bool, optional
        Whether the pair met at all.
    meetings : int, optional
        How many times they met over the year.
    satisfaction : float, optional
        From 1 (very dissatisfied) to 5 (very satisfied); a mean when both
        sides answered.
    decision : Decision, optional
        ``"continue"`` with the same mentor, or ``"change"``.
    release_reason : str, optional
        Why a change was asked for. Kept in memory for the director only:
        never serialised, shown or exported (the process is no-fault).

    Examples
    --------
    >>> f = PairFeedback(mentee="e1", mentor="r1", met=True, meetings=6, decision="change",
    ...                  release_reason="schedules never fit")
    >>> f.decision, "schedules" in repr(f), "schedules" in f.model_dump_json()
    (<Decision.CHANGE: 'change'>, False, False)
    """

    mentee: Id
    mentor: Id
    met: bool | None = None
    meetings: Count | None = None
    satisfaction: Annotated[float, Field(ge=1, le=5)] | None = None
    decision: Decision | None = None
    release_reason: Annotated[str | None, BeforeValidator(_text_or_none)] = Field(
        default=None, repr=False, exclude=True)

    @model_validator(mode="after")
    def _consistent(self) -> PairFeedback:
        if self.met is False and self.meetings:
            raise ConstraintConflictError(
                f"pair ({self.mentee!r}, {self.mentor!r}): met is False but meetings is "
                f"{self.meetings}")
        return self

    @property
    def pair(self) -> tuple[str, str]:
        """``(mentee, mentor)``."""
        return (self.mentee, self.mentor)

    @property
    def answered(self) -> bool:
        """Whether any follow-up question was answered for this pair."""
        return any(v is not None for v in (self.met, self.meetings, self.satisfaction,
                                           self.decision))

    @property
    def did_meet(self) -> bool | None:
        """Whether the pair met: ``met``, else whether ``meetings`` > 0, else ``None``."""
        if self.met is not None:
            return self.met
        return None if self.meetings is None else self.meetings > 0


Pairs = tuple[tuple[Id, Id], ...]


class History(ValidatedModel):
    """Last year's match and its follow-up, for :func:`mentormatch.match` (``history=``).

    With ``mm.match(cohort, history=history)``: a pair that asked to continue
    is kept (a lock) unless ``released``; a pair that asked to change is never
    matched again (forbidden); pairs without an answer are neither. Mentees of
    any of last year's pairs are ``mentored_before``. Last year's newcomer
    buddies are never paired again by ``mm.match_buddies(..., history=...)``.

    Parameters
    ----------
    pairs : sequence of PairFeedback
        Every pair of last year's match, answered or not.
    buddies : sequence of (newcomer_id, buddy_id), default=()
        Last year's buddy round.
    released : sequence of (mentee_id, mentor_id), default=()
        Continuing pairs the director releases (not kept, not forbidden);
        see :meth:`release`.
    label : str, default="last year"
        How notes and the report name that year ("2025-26").
    notes : tuple of str, default=()
        What reading the follow-up did (defaults, merged answers, unanswered pairs).

    Examples
    --------
    >>> import mentormatch as mm
    >>> h = mm.History(pairs=[mm.PairFeedback(mentee="e1", mentor="r1", decision="continue"),
    ...                       mm.PairFeedback(mentee="e2", mentor="r1", decision="change")])
    >>> h.continuing, h.changing, h.mentored_before
    ((('e1', 'r1'),), (('e2', 'r1'),), ('e1', 'e2'))
    >>> h.release([("e1", "r1")]).continuing
    ()
    """

    pairs: tuple[PairFeedback, ...]
    buddies: Pairs = ()
    released: Pairs = ()
    label: str = "last year"
    notes: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> History:
        for what, pairs in (("pairs", [f.pair for f in self.pairs]),
                            ("buddies", list(self.buddies)), ("released", list(self.released))):
            twice = [p for p, n in Counter(pairs).items() if n > 1]
            if twice:
                raise DuplicateIdError(f"{what}: pair {twice[0]!r} is listed twice")
        known = {f.pair for f in self.pairs}
        for k, pair in enumerate(self.released):
            if pair not in known:
                raise UnknownIdError(f"released[{k}]: {pair!r} was not one of {self.label}'s "
                                     "pairs")
        return self

    @property
    def continuing(self) -> tuple[tuple[str, str], ...]:
        """Pairs that asked to continue and were not released, in order."""
        released = set(self.released)
        return tuple(f.pair for f in self.pairs
                     if f.decision is Decision.CONTINUE and f.pair not in released)

    @property
    def changing(self) -> tuple[tuple[str, str], ...]:
        """Pairs that asked to change: never matched again."""
        return tuple(f.pair for f in self.pairs if f.decision is Decision.CHANGE)

    @property
    def mentored_before(self) -> tuple[str, ...]:
        """Mentees who had a mentor last year, in order of first pair.

        To cover first-timers first: ``mm.match(cohort, history=h, priority=[e for e in
        cohort.mentee_ids if e not in h.mentored_before])`` (solvers declaring priority).
        """
        return tuple(dict.fromkeys(f.mentee for f in self.pairs))

    def release(self, pairs: Iterable[tuple[str, str]]) -> History:
        """Return a copy where the director releases these continuing pairs.

        Raises
        ------
        UnknownIdError
            If a pair was not one of last year's pairs.

        Examples
        --------
        >>> h = History(pairs=[PairFeedback(mentee="e1", mentor="r1", decision="continue")])
        >>> h.release([("e1", "r1")]).released
        (('e1', 'r1'),)
        """
        released = tuple(dict.fromkeys((*self.released, *(tuple(p) for p in pairs))))
        return History(pairs=self.pairs, buddies=self.buddies, released=released,
                       label=self.label, notes=self.notes)

    def summary(self) -> dict[str, Any]:
        """Return counts and means of the follow-up (what the year-over-year report shows).

        Keys: ``pairs``, ``mentees``, ``mentors``, ``answered``, ``met``,
        ``never_met``, ``mean_meetings``, ``mean_satisfaction`` (``None`` when
        nobody answered), ``continue``, ``change``, ``released``.

        Examples
        --------
        >>> h = History(pairs=[PairFeedback(mentee="e1", mentor="r1", meetings=4,
        ...                                 satisfaction=5, decision="continue")])
        >>> s = h.summary()
        >>> s["met"], s["mean_meetings"], s["mean_satisfaction"], s["continue"]
        (1, 4.0, 5.0, 1)
        """
        answered = [f for f in self.pairs if f.answered]
        meetings = [f.meetings for f in self.pairs if f.meetings is not None]
        marks = [f.satisfaction for f in self.pairs if f.satisfaction is not None]
        return {
            "pairs": len(self.pairs),
            "mentees": len(self.mentored_before),
            "mentors": len({f.mentor for f in self.pairs}),
            "answered": len(answered),
            "met": sum(1 for f in self.pairs if f.did_meet is True),
            "never_met": sum(1 for f in self.pairs if f.did_meet is False),
            "mean_meetings": sum(meetings) / len(meetings) if meetings else None,
            "mean_satisfaction": sum(marks) / len(marks) if marks else None,
            "continue": sum(1 for f in self.pairs if f.decision is Decision.CONTINUE),
            "change": len(self.changing),
            "released": len(self.released),
        }
