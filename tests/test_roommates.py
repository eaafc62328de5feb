"""Irving's stable roommates against an exhaustive search over every pairing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.errors import InfeasibleError, InvalidInputError, UnknownIdError


def all_matchings(n: int, ok: list[set[int]]) -> list[dict[int, int]]:
    """Every matching (partial included) using mutually acceptable pairs."""
    out: list[dict[int, int]] = []

    def rec(i: int, partner: dict[int, int]) -> None:
        while i < n and i in partner:
            i += 1
        if i == n:
            out.append(dict(partner))
            return
        rec(i + 1, partner)  # i stays single
        for j in range(i + 1, n):
            if j not in partner and j in ok[i] and i in ok[j]:
                partner[i], partner[j] = j, i
                rec(i + 1, partner)
                del partner[i], partner[j]

    rec(0, {})
    return out


def is_stable(prefs: list[list[int]], partner: dict[int, int]) -> bool:
    n = len(prefs)
    rank = [{j: k for k, j in enumerate(row)} for row in prefs]

    def wants(a: int, b: int) -> bool:
        if b not in rank[a] or a not in rank[b]:
            return False
        return a not in partner or rank[a][b] < rank[a][partner[a]]

    return not any(partner.get(a) != b and wants(a, b) and wants(b, a)
                   for a in range(n) for b in range(a + 1, n))


@st.composite
def instances(draw: st.DrawFn, max_n: int = 8) -> list[list[int]]:
    n = draw(st.integers(0, max_n))
    complete = draw(st.booleans())
    prefs = []
    for i in range(n):
        others = [j for j in range(n) if j != i]
        order = draw(st.permutations(others))
        keep = len(order) if complete else draw(st.integers(0, len(order)))
        prefs.append(list(order[:keep]))
    return prefs


@settings(max_examples=400, deadline=None)
@given(instances())
def test_agrees_with_exhaustive_search(prefs: list[list[int]]) -> None:
    n = len(prefs)
    ok = [set(row) for row in prefs]
    stable = [m for m in all_matchings(n, ok) if is_stable(prefs, m)]
    result = mm.stable_roommates(prefs)
    assert result.stable == bool(stable)
    if not stable:
        assert result.pairs == () and result.odd_party is not None
        assert result.reason.startswith("no stable pairing exists")
        return
    partner = {}
    for a, b in result.pairs:
        partner[a], partner[b] = b, a
    assert is_stable(prefs, partner)  # type: ignore[arg-type]
    # Everyone stable pairings leave single is the same set (Gusfield & Irving).
    assert set(result.single) == set(range(n)) - set(stable[0])
    assert set(result.single) == set(range(n)) - set(partner)


def test_classic_four_person_instance_has_no_stable_pairing() -> None:
    # a, b, c prefer one another round a cycle; d is everyone's last choice.
    prefs = {"a": ["b", "c", "d"], "b": ["c", "a", "d"], "c": ["a", "b", "d"],
             "d": ["a", "b", "c"]}
    result = mm.stable_roommates(prefs)  # type: ignore[arg-type]
    assert not result.stable and result.pairs == ()
    assert "'d' cannot be paired stably" in result.reason
    with pytest.raises(InfeasibleError, match="no stable pairing"):
        mm.stable_roommates(prefs, strict=True)  # type: ignore[arg-type]


def test_irving_six_person_example() -> None:
    # Irving (1985): the unique stable matching is {1,6}, {2,3}, {4,5}.
    prefs = {1: [4, 6, 2, 5, 3], 2: [6, 3, 5, 1, 4], 3: [4, 5, 1, 6, 2],
             4: [2, 6, 5, 1, 3], 5: [4, 2, 3, 6, 1], 6: [5, 1, 4, 2, 3]}
    result = mm.stable_roommates(prefs)  # type: ignore[arg-type]
    assert result.stable
    assert {frozenset(p) for p in result.pairs} == {frozenset({1, 6}), frozenset({2, 3}),
                                                   frozenset({4, 5})}
    assert result.partner(1) == 6 and result.partner(6) == 1


def test_bad_input_names_the_culprit() -> None:
    with pytest.raises(UnknownIdError, match="'a'.*'z'"):
        mm.stable_roommates({"a": ["z"]})
    with pytest.raises(InvalidInputError, match="ranks themselves"):
        mm.stable_roommates([[0]])
    with pytest.raises(InvalidInputError, match="twice"):
        mm.stable_roommates([[1, 1], [0]])


def _solvable(prefs: list[list[int]]) -> bool:
    ok = [set(row) for row in prefs]
    return any(is_stable(prefs, m) for m in all_matchings(len(prefs), ok))


def _without(prefs: list[list[int]], out: int) -> list[list[int]]:
    keep = [k for k in range(len(prefs)) if k != out]
    pos = {k: p for p, k in enumerate(keep)}
    return [[pos[j] for j in prefs[k] if j != out] for k in keep]


@settings(max_examples=150, deadline=None)
@given(instances(max_n=6))
def test_odd_party_is_the_one_whose_removal_lets_the_rest_pair(prefs: list[list[int]]) -> None:
    # The docstring: a member of the odd cycle whose partners ran out, never someone the
    # reason names as turned down by everyone before any cycle formed.
    result = mm.stable_roommates(prefs)
    if result.stable:
        assert result.odd_party is None
        return
    odd = result.odd_party
    assert isinstance(odd, int) and prefs[odd]
    assert f"{odd!r} cannot be paired stably" not in result.reason.split("; ", 1)[-1]
    if any(_solvable(_without(prefs, k)) for k in range(len(prefs))):
        assert _solvable(_without(prefs, odd))


def test_odd_party_of_the_classic_instance_is_in_the_cycle_not_the_outcast() -> None:
    prefs = {"a": ["b", "c", "d"], "b": ["c", "a", "d"], "c": ["a", "b", "d"],
             "d": ["a", "b", "c"]}
    result = mm.stable_roommates(prefs)  # type: ignore[arg-type]
    assert result.odd_party in {"a", "b", "c"}
