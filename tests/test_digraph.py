"""archkit's small graphs give what networkx gives, on random graphs built in the same order.

networkx stays a test dependency for exactly this comparison: where several answers are equally
right (shortest paths, cycles, least-weight routes with ties), ours must pick the same one.
"""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archkit import _digraph as dg

edges_st = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=30)


def _both(edges, directed=True, **attrs):
    ours = dg.DiGraph() if directed else dg.Graph()
    theirs = nx.DiGraph() if directed else nx.Graph()
    for g in (ours, theirs):
        g.add_nodes_from(range(10))
        for i, (u, v) in enumerate(edges):
            g.add_edge(u, v, k=i)
    return ours, theirs


@settings(max_examples=300, deadline=None)
@given(edges_st, st.integers(0, 9), st.integers(0, 9))
def test_reachability_and_shortest_paths(edges, a, b) -> None:
    ours, theirs = _both(edges)
    assert dg.descendants(ours, a) == nx.descendants(theirs, a)
    assert dg.ancestors(ours, a) == nx.ancestors(theirs, a)
    try:
        expected = nx.shortest_path(theirs, a, b)
    except nx.NetworkXNoPath:
        assert dg.shortest_path(ours, a, b) is None
    else:
        assert dg.shortest_path(ours, a, b) == expected
    assert list(ours.successors(a)) == list(theirs.successors(a))
    assert list(ours.predecessors(a)) == list(theirs.predecessors(a))
    assert (ours.in_degree(a), ours.out_degree(a)) == (theirs.in_degree(a), theirs.out_degree(a))
    assert list(ours.edges) == list(theirs.edges)
    assert {n: dict(d) for n, d in ours.adj.items()} == {n: dict(d) for n, d in theirs.adj.items()}
    for u, v in theirs.edges:
        assert ours.edges[u, v] == theirs.edges[u, v]


@settings(max_examples=300, deadline=None)
@given(edges_st)
def test_components_cycles_and_acyclicity(edges) -> None:
    ours, theirs = _both(edges)
    assert sorted(map(sorted, dg.strongly_connected_components(ours))) == \
        sorted(map(sorted, nx.strongly_connected_components(theirs)))
    assert dg.is_directed_acyclic_graph(ours) == nx.is_directed_acyclic_graph(theirs)
    for part in nx.strongly_connected_components(theirs):
        start = min(part)
        sub_ours, sub_theirs = ours.subgraph(part), theirs.subgraph(part)
        try:
            expected = [(u, v) for u, v, *_ in nx.find_cycle(sub_theirs, source=start)]
        except nx.NetworkXNoCycle:
            assert dg.find_cycle(sub_ours, start) is None
        else:
            assert dg.find_cycle(sub_ours, start) == expected


@settings(max_examples=300, deadline=None)
@given(edges_st, st.lists(st.sampled_from([1.0, 1.000001, 1.000002, 2.0]), min_size=30, max_size=30))
def test_least_weight_paths_and_bridges(edges, weights) -> None:
    ours, theirs = dg.Graph(), nx.Graph()
    for g in (ours, theirs):
        g.add_nodes_from(range(10))
        for i, (u, v) in enumerate(edges):
            if not g.has_edge(u, v):
                g.add_edge(u, v, weight=weights[i])
    expected = dict(nx.all_pairs_dijkstra_path(theirs, weight="weight"))
    for n in range(10):
        assert dg.dijkstra_paths(ours, n, lambda d: d["weight"]) == expected[n]
    assert dg.bridges(ours) == {frozenset(e) for e in nx.bridges(theirs)}


def test_missing_nodes_are_errors() -> None:
    g = dg.DiGraph()
    g.add_edge("a", "b")
    for call in (lambda: dg.descendants(g, "x"), lambda: dg.shortest_path(g, "a", "x"),
                 lambda: list(g.successors("x")), lambda: dg.find_cycle(g, "x")):
        with pytest.raises(KeyError):
            call()
    assert "a" in g and "x" not in g and ["x"] not in g
