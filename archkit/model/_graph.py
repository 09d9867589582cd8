"""Graph views of a system: link routes between nodes and the call graph (plain-Python graphs).

Routes: when two nodes are not linked directly, traffic takes the route with the fewest hops,
then the lowest typical latency, then the smallest link ids (so the choice is deterministic).
Between two nodes joined by several links, the same order picks one, and links that are down in
the scenario are left out.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cached_property
from typing import Iterable, Mapping

from .._digraph import DiGraph, Graph, dijkstra_paths, find_cycle, strongly_connected_components
from ._elements import Component, Connector, Link, Node
from ._system import System

__all__ = ["Hop", "SystemGraph", "find_sync_cycles"]


@dataclass(frozen=True, slots=True)
class Hop:
    """One link crossed in one direction."""

    link: Link
    source: str
    target: str


def _link_cost(link: Link) -> float:
    # a hop costs 1; latency breaks ties (and unknown latency sorts last among equal hop counts)
    lat = link.latency.mid if link.latency is not None else 1e3
    return 1.0 + min(lat, 1e3) * 1e-6


class SystemGraph:
    """Graph views of one system under one placement (the base or a variant).

    Args:
        system: the validated system.
        variant: a variant name, or None for the base placement.
    """

    def __init__(self, system: System, variant: str | None = None) -> None:
        self.system = system
        self.variant = variant
        self.placement: dict[str, str] = system.placement_for(variant)
        self.components: dict[str, Component] = {c.id: c for c in system.components}
        self.nodes: dict[str, Node] = {n.id: n for n in system.nodes}
        self.links: dict[str, Link] = {lk.id: lk for lk in system.links}
        self.connectors: dict[str, Connector] = {c.id: c for c in system.connectors}
        self.down: frozenset[str] = frozenset(system.links_down_for(variant))
        self._routes: dict[tuple[str, str, frozenset[str]], list[Hop] | None] = {}
        self._paths: dict[frozenset[str], dict[str, dict[str, list[str]]]] = {}
        self._graphs: dict[frozenset[str], Graph] = {}

    def with_placement(self, placement: Mapping[str, str]) -> "SystemGraph":
        """The same system, links and links down with components placed as ``placement`` says.

        Routes depend only on the links, so the new graph shares this one's route tables; the
        component and call graphs do not depend on the placement either and are shared too.
        """
        other = copy.copy(self)
        other.placement = dict(placement)
        return other

    def share_routes(self, other: "SystemGraph") -> None:
        """Use the route tables of ``other``, a graph of the same system (of any variant: routes
        depend only on the links, and the tables key them by the links left out)."""
        if other.system is not self.system:
            raise ValueError("the graph given is for another system")
        self._routes, self._paths, self._graphs = other._routes, other._paths, other._graphs

    # -- link graph ------------------------------------------------------------------------------
    def link_graph(self, exclude: Iterable[str] = ()) -> Graph:
        """Nodes joined by their best usable link (by hop cost), leaving out excluded link ids."""
        excluded = set(exclude)
        g = Graph()
        g.add_nodes_from(sorted(self.nodes))
        for lk in sorted(self.links.values(), key=lambda x: (_link_cost(x), x.id)):
            if lk.id in excluded or lk.ends[0] not in self.nodes or lk.ends[1] not in self.nodes:
                continue
            a, b = lk.ends
            if not g.has_edge(a, b):
                g.add_edge(a, b, link=lk, weight=_link_cost(lk))
        return g

    def route(self, a: str, b: str, exclude: Iterable[str] | None = None) -> list[Hop] | None:
        """Hops from node ``a`` to node ``b`` ([] when a == b), or None when no route exists.

        ``exclude`` defaults to the links that are down in this variant.
        """
        ex = self.down if exclude is None else frozenset(exclude)
        key = (a, b, ex)
        try:
            return self._routes[key]
        except KeyError:
            pass
        if a == b:
            self._routes[key] = []
            return []
        g = self._graphs.get(ex)
        if g is None:
            g = self._graphs[ex] = self.link_graph(ex)
            self._paths[ex] = {}
        paths = self._paths[ex]
        if a not in paths:
            paths[a] = dijkstra_paths(g, a, _weight) if a in g else {}
        path = paths[a].get(b)
        if path is None:
            self._routes[key] = None
            return None
        hops = [Hop(g.edges[u, v]["link"], u, v) for u, v in zip(path, path[1:])]
        self._routes[key] = hops
        return hops

    def connector_route(self, connector: Connector, exclude: Iterable[str] | None = None) -> list[Hop] | None:
        """Hops the connector's request crosses; [] if both ends share a node; None if unplaced/unroutable."""
        a = self.placement.get(connector.source)
        b = self.placement.get(connector.target)
        if a is None or b is None:
            return None
        return self.route(a, b, exclude)

    def node_of(self, component_id: str) -> Node | None:
        """The node a component is placed on in this variant, if any."""
        nid = self.placement.get(component_id)
        return self.nodes.get(nid) if nid is not None else None

    def components_on(self, node_id: str) -> list[Component]:
        """Components placed on a node, in declaration order."""
        return [c for c in self.system.components if self.placement.get(c.id) == node_id]

    # -- component graphs ------------------------------------------------------------------------
    @cached_property
    def call_graph(self) -> DiGraph:
        """Synchronous calls only (sync_call and in_process): who waits on whom."""
        return _call_graph(self.system.connectors)


def _weight(edge: dict[str, float]) -> float:
    return edge["weight"]


def _call_graph(connectors: Iterable[Connector]) -> DiGraph:
    g = DiGraph()
    for e in connectors:
        if e.synchronous:
            g.add_edge(e.source, e.target, connector=e.id)
    return g


def find_sync_cycles(connectors: Iterable[Connector]) -> list[list[str]]:
    """Cycles of synchronous calls, each as a list of connector ids, found deterministically."""
    g = _call_graph(connectors)
    out: list[list[str]] = []
    seen: set[frozenset[str]] = set()
    cyclic = [
        comp
        for comp in strongly_connected_components(g)
        if len(comp) > 1 or g.has_edge(next(iter(comp)), next(iter(comp)))
    ]
    for comp in sorted(cyclic, key=lambda s: sorted(s)):
        sub = g.subgraph(comp)
        start = min(comp)
        cyc = find_cycle(sub, start)
        if cyc is None:  # pragma: no cover - a strongly connected part has a cycle
            continue
        ids = [g.edges[u, v]["connector"] for u, v in cyc]
        key = frozenset(ids)
        if key not in seen:
            seen.add(key)
            out.append(ids)
    return out
