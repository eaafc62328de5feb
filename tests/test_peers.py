"""Peer pairing: max-weight equals brute force; stable pairing agrees with exhaustive search."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.errors import DuplicateIdError, InvalidInputError
from mentormatch.rounds._peers import peer_scores
from test_roommates import all_matchings, is_stable

TOPICS = ["clinical work", "qi", "teaching", "research", "leadership", "wellness"]


@st.composite
def pools(draw: st.DrawFn, max_n: int = 7) -> list[mm.Mentee]:
    n = draw(st.integers(0, max_n))
    return [mm.Mentee(id=f"p{k}",
                      topics=draw(st.lists(st.sampled_from(TOPICS), max_size=3, unique=True)),
                      career_stage=draw(st.sampled_from([None, "early", "mid"])),
                      modalities=draw(st.lists(st.sampled_from(["online", "phone"]),
                                               max_size=2, unique=True)))
            for k in range(n)]


@settings(max_examples=150, deadline=None)
@given(pools(), st.sampled_from([None, 0.3, 0.5]))
def test_max_weight_equals_brute_force(pool: list[mm.Mentee], min_score: float | None) -> None:
    table = peer_scores(pool)
    n = len(pool)
    ok = [{j for j in range(n) if j != i and (min_score is None
                                               or table.scores[i, j] >= min_score)}
          for i in range(n)]
    best = (0, 0.0)
    for m in all_matchings(n, ok):
        pairs = {(min(a, b), max(a, b)) for a, b in m.items()}
        key = (len(pairs), float(sum(table.scores[a, b] for a, b in pairs)))
        if key[0] > best[0] or (key[0] == best[0] and key[1] > best[1]):
            best = key
    result = mm.pair_peers(pool, min_score=min_score)
    assert len(result.pairs) == best[0]
    assert result.total_score == pytest.approx(best[1], abs=1e-5)
    ids = [p.a for p in result.pairs] + [p.b for p in result.pairs]
    assert len(ids) == len(set(ids))
    assert len(ids) + len(result.unpaired) == n
    for p in result.pairs:
        assert min_score is None or p.score >= min_score
    # A pruned candidate graph that certifies itself is optimal too.
    pruned = mm.pair_peers(pool, min_score=min_score, candidates=1)
    if pruned.info["exact"]:
        assert len(pruned.pairs) == best[0]
        assert pruned.total_score == pytest.approx(best[1], abs=1e-5)


@settings(max_examples=150, deadline=None)
@given(pools(), st.sampled_from([None, 0.4]))
def test_stable_agrees_with_exhaustive_search(pool: list[mm.Mentee],
                                              min_score: float | None) -> None:
    table = peer_scores(pool)
    n = len(pool)
    prefs = []
    for i in range(n):
        order = sorted((j for j in range(n) if j != i), key=lambda j: (-table.own_view[i, j], j))
        prefs.append([j for j in order if min_score is None or table.scores[i, j] >= min_score])
    exists = any(is_stable(prefs, m) for m in all_matchings(n, [set(r) for r in prefs]))
    result = mm.pair_peers(pool, method="stable", min_score=min_score)
    assert result.stable == exists
    if exists:
        pos = {p.id: k for k, p in enumerate(pool)}
        partner = {}
        for p in result.pairs:
            partner[pos[p.a]], partner[pos[p.b]] = pos[p.b], pos[p.a]
        assert is_stable(prefs, partner)
    else:
        assert result.pairs == () and result.odd_party in {p.id for p in pool}
        assert "no stable pairing" in result.reason


def test_reasons_and_unpaired() -> None:
    pool = [mm.Mentee(id="a", topics=["qi", "teaching"], career_stage="early",
                      modalities=["online"]),
            mm.Mentee(id="b", topics=["qi", "teaching"], career_stage="early",
                      modalities=["online"]),
            mm.Mentee(id="c", topics=["research"])]
    result = mm.pair_peers(pool)
    assert [(p.a, p.b) for p in result.pairs] == [("a", "b")]
    assert result.pairs[0].reasons == ("both interested in qi and teaching",
                                       "same career stage (early)", "both can meet online")
    assert result.unpaired[0].person == "c" and "paired with someone else" in \
        result.unpaired[0].reason
    lonely = mm.pair_peers(pool, forbidden=[("a", "c"), ("b", "c")])
    assert "no admissible peer" in lonely.unpaired[0].reason
    assert mm.pair_peers(pool).to_frame().columns.tolist() == ["a", "b", "score", "reasons"]


def test_stable_with_cyclic_views_agrees_with_exhaustive_search() -> None:
    # Topic weights make each of a, b, c value the others differently; a stable
    # pairing exists here, and the answer is it.
    pool = [mm.Mentee(id="a", topics={"x": 3, "y": 1, "z": 0.5}),
            mm.Mentee(id="b", topics={"y": 3, "z": 1, "x": 0.5}),
            mm.Mentee(id="c", topics={"z": 3, "x": 1, "y": 0.5}),
            mm.Mentee(id="d", topics={"w": 1})]
    t = peer_scores(pool)
    result = mm.pair_peers(pool, method="stable", min_score=0.0)
    brute_prefs = [sorted((j for j in range(4) if j != i), key=lambda j: (-t.own_view[i, j], j))
                   for i in range(4)]
    assert any(is_stable(brute_prefs, m) for m in all_matchings(4, [set(r) for r in
                                                                      brute_prefs]))
    assert result.stable is True and not result.unpaired
    assert {(q.a, q.b) for q in result.pairs} == {("a", "b"), ("c", "d")}


def test_stable_no_solution_is_reported_plainly() -> None:
    pool = [mm.Mentee(id="a", topics={"x": 1}),
            mm.Mentee(id="b", topics={"y": 2, "x": 2, "w": 2}),
            mm.Mentee(id="c", topics={"y": 3, "z": 3, "x": 2}),
            mm.Mentee(id="d", topics={"y": 2, "z": 1, "w": 1})]
    t = peer_scores(pool)
    prefs = [sorted((j for j in range(4) if j != i), key=lambda j: (-t.own_view[i, j], j))
             for i in range(4)]
    assert not any(is_stable(prefs, m) for m in all_matchings(4, [set(r) for r in prefs]))
    result = mm.pair_peers(pool, method="stable", min_score=0.0)
    assert result.stable is False and result.pairs == ()
    assert [(u.person, u.reason) for u in result.unpaired] == [
        (x, "no stable pairing exists") for x in "abcd"]
    with pytest.raises(InvalidInputError, match="method"):
        mm.pair_peers(pool, method="greedy")  # type: ignore[arg-type]


def test_duplicate_ids_rejected() -> None:
    with pytest.raises(DuplicateIdError, match="'a'"):
        mm.pair_peers([mm.Mentee(id="a"), mm.Mentor(id="a")])


def test_candidates_certificate_on_a_larger_pool() -> None:
    rng = np.random.default_rng(7)
    pool = [mm.Mentee(id=f"p{k}", topics=list(rng.choice(TOPICS, size=2, replace=False)))
            for k in range(40)]
    full = mm.pair_peers(pool)
    pruned = mm.pair_peers(pool, candidates=8)
    assert full.info["exact"]
    if pruned.info["exact"]:
        assert pruned.total_score == pytest.approx(full.total_score, abs=1e-5)
    assert len(pruned.pairs) <= len(full.pairs)


def test_a_certified_pruned_pairing_is_the_optimum() -> None:
    """A pool whose pruned graph certifies itself (``exact``), so the check always runs."""
    rng = np.random.default_rng(2)
    n = int(rng.integers(6, 30))
    pool = [mm.Mentee(id=f"p{k}",
                      topics=list(rng.choice(TOPICS, size=int(rng.integers(1, 4)),
                                             replace=False)),
                      career_stage=str(rng.choice(["early", "mid", "late"])))
            for k in range(n)]
    full = mm.pair_peers(pool)
    pruned = mm.pair_peers(pool, candidates=3)
    assert full.info["exact"] and pruned.info["exact"]
    assert len(pruned.pairs) == len(full.pairs)
    assert pruned.total_score == pytest.approx(full.total_score, abs=1e-9)
