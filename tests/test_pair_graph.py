"""General-graph pairing equals networkx's max_weight_matching: its test graphs, random ones."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

import mentormatch as mm
from mentormatch.errors import InvalidInputError
from mentormatch.solvers.pairing._blossom import Blossoms
from mentormatch.solvers.pairing._certificate import certify_matching
from mentormatch.solvers.pairing._graph import Graph

Edge = tuple[int, int, float]


def networkx_weight(n: int, edges: list[Edge], max_cardinality: bool) -> tuple[float, int]:
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from(edges)
    m = nx.max_weight_matching(g, maxcardinality=max_cardinality)
    weight = {(min(a, b), max(a, b)): w for a, b, w in edges}
    return sum(weight[min(a, b), max(a, b)] for a, b in m), len(m)


def as_sparse(n: int, edges: list[Edge]) -> sparse.csr_array:
    if not edges:
        return sparse.csr_array((n, n))
    a, b, w = (np.array(x) for x in zip(*edges, strict=True))
    return sparse.csr_array((np.asarray(w, dtype=float), (a, b)), shape=(n, n))


def check_against_networkx(n: int, edges: list[Edge]) -> None:
    for max_cardinality in (False, True):
        ours = mm.pair_graph(as_sparse(n, edges), max_cardinality=max_cardinality)
        weight, size = networkx_weight(n, edges, max_cardinality)
        assert ours.exact
        assert ours.weight == pytest.approx(weight, abs=1e-9), (edges, max_cardinality)
        if max_cardinality:
            assert len(ours.pairs) == size
        mate = ours.mate(n)
        assert all(mate[mate[v]] == v for v in range(n) if mate[v] >= 0)


def networkx_test_graphs() -> Iterator[tuple[str, list[Edge]]]:
    """The weighted graphs of networkx's own max_weight_matching tests, read from its source."""
    path = Path(nx.__file__).parent / "algorithms" / "tests" / "test_matching.py"
    if not path.exists():  # pragma: no cover - a networkx install without its tests
        return
    tree = ast.parse(path.read_text())
    for cls in tree.body:
        if not (isinstance(cls, ast.ClassDef) and cls.name == "TestMaxWeightMatching"):
            continue
        for fn in cls.body:
            if not isinstance(fn, ast.FunctionDef):
                continue
            edges: list[Edge] = []
            for node in ast.walk(fn):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr == "add_weighted_edges_from" and node.args):
                    try:
                        listed = ast.literal_eval(node.args[0])
                    except ValueError:
                        continue
                    edges = edges + [(int(a), int(b), float(w)) for a, b, w in listed]
                    yield fn.name, list(edges)


NETWORKX_GRAPHS = list(networkx_test_graphs())


@pytest.mark.skipif(not NETWORKX_GRAPHS, reason="networkx installed without its tests")
@pytest.mark.parametrize(("name", "edges"), NETWORKX_GRAPHS,
                         ids=[f"{name}-{len(e)}" for name, e in NETWORKX_GRAPHS])
def test_networkx_own_graphs(name: str, edges: list[Edge]) -> None:
    assert len(NETWORKX_GRAPHS) >= 12  # the nested and "nasty" blossom cases among them
    n = 1 + max(max(a, b) for a, b, _ in edges)
    check_against_networkx(n, edges)


@st.composite
def graphs(draw: st.DrawFn, max_n: int = 14) -> tuple[int, list[Edge]]:
    n = draw(st.integers(1, max_n))
    high = draw(st.sampled_from([2, 5, 30, 1000]))
    edges = []
    for a in range(n):
        for b in range(a + 1, n):
            if draw(st.integers(0, 2)):
                edges.append((a, b, float(draw(st.integers(-3, high)))))
    return n, edges


@settings(max_examples=400, deadline=None)
@given(graphs())
def test_random_graphs_equal_networkx(graph: tuple[int, list[Edge]]) -> None:
    check_against_networkx(*graph)


@settings(max_examples=300, deadline=None)
@given(graphs(max_n=18), st.booleans())
def test_blossom_engine_from_a_cold_start(graph: tuple[int, list[Edge]], maxcard: bool) -> None:
    """No warm start: every vertex starts exposed, so blossoms nest, expand and relabel."""
    n, edges = graph
    kept = [(a, b, w) for a, b, w in edges if maxcard or w > 0]
    w = np.array([e[2] for e in kept])
    if maxcard and w.size:
        w = w - w.min() + 1
        w += (n // 2) * w.max() + 1
    g = Graph.of(n, np.array([e[0] for e in kept], dtype=np.int64),
                 np.array([e[1] for e in kept], dtype=np.int64), w.astype(float))
    state = Blossoms(g, np.full(n, -1), np.full(n, float(w.max(initial=0)) / 2))
    state.solve()
    assert certify_matching(g, state, 1e-9).proved
    mate = state.mate
    ours = sum(wt for a, b, wt in kept if mate[a] == b)
    assert ours == pytest.approx(networkx_weight(n, kept, maxcard)[0])


def test_dense_and_sparse_forms_agree() -> None:
    rng = np.random.default_rng(4)
    w = np.triu(rng.random((60, 60)), 1)
    w = w + w.T
    allowed = rng.random((60, 60)) < 0.3
    allowed = allowed | allowed.T
    dense = mm.pair_graph(w, allowed=allowed)
    kept = np.where(allowed, w, 0.0)
    np.fill_diagonal(kept, 0.0)
    thin = mm.pair_graph(sparse.csr_array(kept))
    assert dense.pairs.tolist() == thin.pairs.tolist()
    assert dense.exact and dense.info["gap_bound"] < 1e-6  # float weights: rounding bound


def test_float_weights_match_networkx_exactly_on_a_grid() -> None:
    rng = np.random.default_rng(5)
    n = 40
    w = np.triu(rng.integers(0, 20, (n, n)) / 20, 1)
    w = w + w.T
    ours = mm.pair_graph(w, max_cardinality=True)
    edges = [(a, b, float(w[a, b])) for a in range(n) for b in range(a + 1, n)]
    assert ours.info["scale"] % 20 == 0 and ours.info["gap_bound"] == 0.0
    assert ours.weight == pytest.approx(networkx_weight(n, edges, True)[0], abs=1e-9)


def test_inputs_are_checked() -> None:
    with pytest.raises(InvalidInputError, match="square"):
        mm.pair_graph(np.ones((2, 3)))
    with pytest.raises(InvalidInputError, match="symmetric"):
        mm.pair_graph(np.array([[0.0, 1.0], [2.0, 0.0]]))
    with pytest.raises(InvalidInputError, match="finite"):
        mm.pair_graph(np.array([[0.0, np.nan], [np.nan, 0.0]]))
    with pytest.raises(InvalidInputError, match="symmetric"):
        mm.pair_graph(sparse.csr_array(np.array([[0.0, 1.0], [2.0, 0.0]])))
    with pytest.raises(InvalidInputError, match="allowed"):
        mm.pair_graph(sparse.csr_array(np.eye(2)), allowed=np.eye(2, dtype=bool))
    empty = mm.pair_graph(np.zeros((0, 0)))
    assert empty.pairs.shape == (0, 2) and empty.weight == 0.0
