"""Ranked choices from the survey: "1st/2nd/3rd choice of mentor", resolved to ids.

A mentee's choices name mentors, a mentor's choices name mentees; a person who
is both has their names resolved on each side, and each name counts on the
side where it resolves. Names are resolved as supervisor answers are
(:class:`~mentormatch.survey._people.PeopleIndex`): every resolution is an
entry of the read report, and a name that resolves to nobody, or to several
people, is never guessed.

Columns are read in the schema's order (one per rank), each cell possibly
listing several names in order; the rank of a choice is its place in the
list of names that resolved, so a blank, "N/A" or a name left out under
``unknown_choices="ignore"`` moves later choices up (and is reported).

A ranking question exported with one column per option (Qualtrics' Rank
Order, SurveyMonkey's Ranking, a Google Forms grid of people by rank) holds
the rank given to each option: ``2``, ``"2nd choice"``, blank for not
ranked. Ranks are read strictly (:func:`parse_rank`); a tie, a rank that is
not a number or above the number of options is a problem of the row, a
missing rank moves later choices up (reported). Each option's label is
resolved as one name.
"""

from __future__ import annotations

import re

from mentormatch.models import ordinal
from mentormatch.survey._people import PeopleIndex, Resolution, is_no_one, split_people
from mentormatch.survey._rows import Row
from mentormatch.survey._schema import SurveySchema

__all__ = ["parse_rank", "resolve_choices"]

_OTHER = {"mentee": "mentor", "mentor": "mentee"}
_RANK = re.compile(r"^(?:rank(?:ed)?\s*)?(\d{1,4})(?:\.0+)?\s*(st|nd|rd|th)?"
                   r"(?:\s+(?:choice|preference|pick|place))?$")
_WORDS = {w: n for n, w in enumerate(("first", "second", "third", "fourth", "fifth", "sixth",
                                      "seventh", "eighth", "ninth", "tenth"), start=1)}


def parse_rank(text: str) -> int | None:
    """Return the rank a cell gives an option (``"2"``, ``"2nd choice"``), None if not a rank.

    Examples
    --------
    >>> [parse_rank(t) for t in ("1", "2nd choice", "Third choice", "Rank 4", "3.0")]
    [1, 2, 3, 4, 3]
    >>> [parse_rank(t) for t in ("2st", "two", "1-2", "yes", "0")]
    [None, None, None, None, 0]
    """
    words = " ".join(text.casefold().split())
    first, _, rest = words.partition(" ")
    if first in _WORDS and rest in ("", "choice", "preference", "pick", "place"):
        return _WORDS[first]
    m = _RANK.match(words)
    if m is None:
        return None
    n = int(m.group(1))
    return n if m.group(2) is None or ordinal(n).endswith(m.group(2)) else None


def _index(rows: list[Row], role: str) -> PeopleIndex:
    return PeopleIndex([(r.ident, r.data.get("email"), r.data.get("name"))
                        for r in rows if r.ident is not None and role in r.roles])


def resolve_choices(rows: list[Row], schema: SurveySchema) -> None:
    """Resolve every row's ranked choices into ``row.role_data[role]["choices"]``.

    Problems (unknown or ambiguous names under ``unknown_choices="error"``, a
    person choosing themselves) go on the row; every resolution is a note.
    """
    if not any(text for row in rows for _, text in row.choice_cells) and not any(
            text for row in rows for group in row.rank_cells for _, _, text in group):
        return
    index = {role: _index(rows, role) for role in ("mentee", "mentor")}
    everyone = PeopleIndex([(r.ident, r.data.get("email"), r.data.get("name"))
                            for r in rows if r.ident is not None])
    for row in rows:
        options = [o for group in row.rank_cells for o in _by_rank(row, group)]
        if not row.roles or not (options or any(text for _, text in row.choice_cells)):
            continue
        chosen: dict[str, list[str]] = {role: [] for role in row.roles}
        gap: str | None = None
        for column, text in row.choice_cells:
            if not text or is_no_one(text):
                gap = gap or column
                if text:
                    row.note("info", "choice", column, f"{text!r} read as no choice")
                continue
            if gap is not None and len(row.choice_cells) > 1:
                row.note("info", "choice", column, f"{gap!r} is blank: later choices move up "
                                                   "a rank")
                gap = None
            # Names are cut where the text does not name one person of either side it may name.
            cut = index[_OTHER[row.roles[0]]] if len(row.roles) == 1 else everyone
            _read_cell(row, column, text, index, cut, chosen, schema)
        for column, option in options:
            _choose(row, column, option, index, chosen, schema)
        for role, idents in chosen.items():
            row.role_data.setdefault(role, {})["choices"] = tuple(idents)


def _read_cell(row: Row, column: str, text: str, index: dict[str, PeopleIndex],
               cut: PeopleIndex, chosen: dict[str, list[str]], schema: SurveySchema) -> None:
    """Resolve the names of one cell, appending each to the choices of the side it names."""
    for ref, _ in split_people(text, cut, schema.separators):
        _choose(row, column, ref, index, chosen, schema)


def _choose(row: Row, column: str, ref: str, index: dict[str, PeopleIndex],
            chosen: dict[str, list[str]], schema: SurveySchema) -> None:
    """Resolve one name and append it to the choices of the side it names."""
    found = {role: index[_OTHER[role]].resolve(ref) for role in row.roles}
    hits = {role: f for role, f in found.items() if f.ident is not None}
    if not hits:
        _unresolved(row, column, ref, found, index, schema)
        return
    for role, f in hits.items():
        ident = f.ident or ""
        other = _OTHER[role]
        if ident == row.ident:
            row.problem(column, f"{ref!r} is this person's own id; nobody chooses "
                                "themselves")
        elif ident in chosen[role]:
            row.note("warning", "choice", column,
                     f"{ref!r} -> {other} {ident} is ranked again: kept as "
                     f"{ordinal(chosen[role].index(ident) + 1)} choice only")
        else:
            chosen[role].append(ident)
            row.note("info", "choice", column,
                     f"{ref!r} -> {other} {ident} ({f.how}), "
                     f"{ordinal(len(chosen[role]))} choice")


def _by_rank(row: Row, group: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """Order the options of one ranking question by the rank each cell gives: (column, option).

    A cell that is not a rank, a rank above the number of options and a rank
    given twice are problems of the row (nothing of the question is read);
    a blank cell is an option not ranked; a missing rank is noted.
    """
    ranked: dict[int, list[tuple[str, str]]] = {}
    bad = False
    for column, option, text in group:
        if not text:
            continue
        if is_no_one(text):
            row.note("info", "choice", column, f"{text!r} read as {option!r} not ranked")
            continue
        rank = parse_rank(text)
        if rank is None or not 1 <= rank <= len(group):
            bad = True
            what = (f"rank {rank} is outside 1 to {len(group)} (the number of options)"
                    if rank is not None else f"expected a rank (1, 2, ... or '1st choice'), "
                                             f"got {text!r}")
            row.problem(column, f"{option!r}: {what}")
            continue
        ranked.setdefault(rank, []).append((column, option))
    for rank, tied in sorted(ranked.items()):
        if len(tied) > 1:
            bad = True
            row.problem(tied[1][0], f"{ordinal(rank)} choice given twice: "
                                    f"{' and '.join(repr(o) for _, o in tied)}; each rank may "
                                    "be given to one option only")
    if bad:
        return []
    missing = [n for n in range(1, max(ranked, default=0)) if n not in ranked]
    if missing:
        row.note("info", "choice", group[0][0],
                 f"no {', '.join(ordinal(n) for n in missing)} choice: later choices move "
                 "up a rank")
    return [pair for _, (pair,) in sorted(ranked.items())]


def _unresolved(row: Row, column: str, ref: str, found: dict[str, Resolution],
                index: dict[str, PeopleIndex], schema: SurveySchema) -> None:
    others = " or ".join(_OTHER[role] for role in row.roles) or "person"
    candidates = sorted({c for f in found.values() for c in f.candidates})
    if candidates:
        what = (f"choice {ref!r} is ambiguous: it could be {' or '.join(candidates)}; write "
                "the id or e-mail")
    else:
        close = [s for role in row.roles if (s := index[_OTHER[role]].suggest(ref))]
        hint = f"; did you mean {close[0]!r}?" if close else ""
        what = (f"unknown choice {ref!r}: no {others} in the survey has this id, e-mail or "
                f"name{hint}")
    if schema.unknown_choices == "error":
        row.problem(column, f"{what} (set unknown_choices='ignore' in the schema to leave it "
                            "out)")
    else:
        row.note("warning", "choice", column,
                 f"{what}: left out (unknown_choices='ignore'), later choices move up a rank")
