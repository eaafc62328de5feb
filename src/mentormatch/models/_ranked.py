"""How a match met people's ranked choices: the rank profile, and choices that cannot be met."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from mentormatch.models._cohort import Cohort, Mentee, Mentor

__all__ = ["ChoiceProfile", "choice_profile", "excluded_choice_notes", "ordinal"]


def ordinal(n: int) -> str:
    """Return ``"1st"``, ``"2nd"``, ``"3rd"``, ``"4th"``, ... ``"11th"``, ``"21st"``.

    Examples
    --------
    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 102)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '102nd']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class ChoiceProfile(BaseModel):
    """Who got which of their ranked choices.

    Attributes
    ----------
    mentees_ranking : int
        Mentees asking for a mentor who ranked mentors (``Mentee.choices``).
    mentee_ranks : tuple of int
        Entry ``k``: those mentees whose best-ranked mentor in the result is
        their ``k + 1``-th choice (trailing zeros left out).
    mentees_without_choice : int
        Those mentees given none of their choices (matched to others, or not at all).
    mentors_ranking, mentor_ranks, mentors_without_choice
        The same for mentors offering a place who ranked mentees.

    Examples
    --------
    >>> p = ChoiceProfile(mentees_ranking=7, mentee_ranks=(5, 1), mentees_without_choice=1)
    >>> p.summary()
    '5 of 7 mentees got their 1st choice, 1 their 2nd, 1 none of their choices'
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    mentees_ranking: int = 0
    mentee_ranks: tuple[int, ...] = ()
    mentees_without_choice: int = 0
    mentors_ranking: int = 0
    mentor_ranks: tuple[int, ...] = ()
    mentors_without_choice: int = 0

    def summary(self) -> str:
        """Return the profile as a sentence ("5 of 7 mentees got their 1st choice, ...")."""
        parts = []
        for role, n, ranks, none in (
                ("mentees", self.mentees_ranking, self.mentee_ranks,
                 self.mentees_without_choice),
                ("mentors", self.mentors_ranking, self.mentor_ranks,
                 self.mentors_without_choice)):
            if not n:
                continue
            first = ranks[0] if ranks else 0
            words = [f"{first} of {n} {role} got their 1st choice"]
            words += [f"{c} their {ordinal(k + 1)}" for k, c in enumerate(ranks) if k and c]
            if none:
                words.append(f"{none} none of their choices")
            parts.append(", ".join(words))
        return "; ".join(parts) or "nobody ranked choices"


def _side(people: Iterable[Mentee | Mentor], wants: str,
          partners: dict[str, set[str]]) -> tuple[int, tuple[int, ...], int]:
    counts: dict[int, int] = {}
    ranking = without = 0
    for person in people:
        if not person.choices or getattr(person, wants) == 0:
            continue
        ranking += 1
        got = partners.get(person.id, set())
        best = next((k for k, ident in enumerate(person.choices) if ident in got), None)
        if best is None:
            without += 1
        else:
            counts[best] = counts.get(best, 0) + 1
    ranks = tuple(counts.get(k, 0) for k in range(max(counts, default=-1) + 1))
    return ranking, ranks, without


def choice_profile(cohort: Cohort, pairs: Iterable[tuple[str, str]]) -> ChoiceProfile | None:
    """Return who got which of their ranked choices; ``None`` when nobody ranked any.

    Each person counts once, at the best rank among their partners.

    Examples
    --------
    >>> c = Cohort(mentees=[Mentee(id="e1", choices=["r1", "r2"]),
    ...                     Mentee(id="e2", choices=["r1"])],
    ...            mentors=[Mentor(id="r1"), Mentor(id="r2")])
    >>> choice_profile(c, [("e1", "r2"), ("e2", "r1")]).summary()
    '1 of 2 mentees got their 1st choice, 1 their 2nd'
    """
    of_mentee: dict[str, set[str]] = {}
    of_mentor: dict[str, set[str]] = {}
    for e, r in pairs:
        of_mentee.setdefault(e, set()).add(r)
        of_mentor.setdefault(r, set()).add(e)
    e_n, e_ranks, e_none = _side(cohort.mentees, "demand", of_mentee)
    r_n, r_ranks, r_none = _side(cohort.mentors, "capacity", of_mentor)
    if not any(p.choices for p in (*cohort.mentees, *cohort.mentors)):
        return None
    return ChoiceProfile(mentees_ranking=e_n, mentee_ranks=e_ranks, mentees_without_choice=e_none,
                         mentors_ranking=r_n, mentor_ranks=r_ranks, mentors_without_choice=r_none)


def excluded_choice_notes(cohort: Cohort, limit: int = 10) -> tuple[str, ...]:
    """Return a note listing ranked choices that name a pair never matched (and why).

    Examples
    --------
    >>> c = Cohort(mentees=[Mentee(id="e1", choices=["r1"], supervisors=["r1"])],
    ...            mentors=[Mentor(id="r1")])
    >>> excluded_choice_notes(c)
    ("1 ranked choice names a pair never matched: e1's 1st choice r1 (r1 supervises e1)",)
    """
    excluded = cohort.excluded_pairs()
    found = []
    for mentee in cohort.mentees:
        for k, ident in enumerate(mentee.choices):
            if (mentee.id, ident) in excluded:
                found.append(f"{mentee.id}'s {ordinal(k + 1)} choice {ident} "
                             f"({excluded[(mentee.id, ident)]})")
    for mentor in cohort.mentors:
        for k, ident in enumerate(mentor.choices):
            if (ident, mentor.id) in excluded:
                found.append(f"{mentor.id}'s {ordinal(k + 1)} choice {ident} "
                             f"({excluded[(ident, mentor.id)]})")
    if not found:
        return ()
    n = len(found)
    shown = ", ".join(found[:limit]) + (f" and {n - limit} more" if n > limit else "")
    return (f"{n} ranked choice{'s name pairs' if n > 1 else ' names a pair'} never matched: "
            f"{shown}",)
