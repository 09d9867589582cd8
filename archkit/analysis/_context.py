"""The analysis context: one system under one placement, with everything the analyses derive from it.

Every analysis and every per-element primitive works on an :class:`AnalysisContext`. The context
owns the link routes (through the model's :class:`~archkit.model.SystemGraph`), the look-up tables
by id, the incoming connectors of each component and a memo of derived values (processing times,
arrival rates, link loads). The system is never changed, so nothing in the context goes stale; a
different placement is a different context (:meth:`AnalysisContext.with_placement`), which shares
the routes, since routes depend only on the links.

Passing a :class:`~archkit.model.System` where a context is expected builds a fresh context for
that call; pass one context to many calls (as :func:`archkit.analysis.analyze` does for its
analyses, and the explorer for its probes) to compute each derived value once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from ..model import Component, Connector, Link, Node, System

if TYPE_CHECKING:
    from ..model import Hop, SystemGraph

__all__ = ["AnalysisContext", "context_of"]


class AnalysisContext:
    """One system under one placement (the base, a variant, or a variant with components moved).

    Args:
        system: a validated system.
        variant: a variant name, or None for the base placement.
        graph: the system's :class:`~archkit.model.SystemGraph` for this variant, when the caller
            has one already (its routes are reused); built if not given.
        shared: the :attr:`shared` memo of another context of the same system, so that the
            contexts of its placements compute placement-independent values once.
    """

    def __init__(
        self,
        system: System,
        variant: str | None = None,
        *,
        graph: SystemGraph | None = None,
        shared: dict[tuple[Any, ...], Any] | None = None,
    ) -> None:
        if graph is None:
            from ..model import SystemGraph

            graph = SystemGraph(system, variant)
        elif graph.system is not system or graph.variant != variant:
            raise ValueError("the graph given is for another system or variant")
        if shared is None:
            shared = {}
        if shared.setdefault(("system",), system) is not system:
            raise ValueError("the shared memo given belongs to the contexts of another system")
        first = shared.setdefault(("graph",), graph)
        if first is not graph:
            graph.share_routes(first)  # the placements of a system find each route once
        self._start(system, variant, graph, None, shared)

    def _start(
        self,
        system: System,
        variant: str | None,
        graph: SystemGraph,
        incoming: dict[str, list[Connector]] | None,
        shared: dict[tuple[Any, ...], Any],
    ) -> None:
        self.system: System = system
        self.variant: str | None = variant
        self.graph: SystemGraph = graph
        self.placement: Mapping[str, str] = graph.placement
        self.components: Mapping[str, Component] = graph.components
        self.nodes: Mapping[str, Node] = graph.nodes
        self.links: Mapping[str, Link] = graph.links
        self.connectors: Mapping[str, Connector] = graph.connectors
        self.down: frozenset[str] = graph.down
        self._incoming = incoming
        self._neighbourhoods: dict[str, tuple[str | None, ...]] | None = None
        self.memo: dict[tuple[Any, ...], Any] = {}
        """Values derived under this placement, by a key that names the value and its arguments."""
        self.shared: dict[tuple[Any, ...], Any] = shared
        """Values that do not depend on the placement (or name in their key every part of it they
        depend on: nodes, links down), shared by the contexts of one system's placements."""
        self._route_links: dict[tuple[str, str], tuple[str, ...] | None] = shared.setdefault(
            ("route links", graph.down), {}
        )

    def with_placement(self, placement: Mapping[str, str]) -> AnalysisContext:
        """This context with components moved: ``{component id: node id}`` over the current placement.

        The new context shares the routes and the incoming connectors (they do not depend on
        the placement) and starts an empty memo.
        """
        other = AnalysisContext.__new__(AnalysisContext)
        other._start(
            self.system,
            self.variant,
            self.graph.with_placement({**self.placement, **placement}),
            self.incoming,
            self.shared,
        )
        return other

    # -- look-ups ------------------------------------------------------------------------------
    @property
    def incoming(self) -> dict[str, list[Connector]]:
        """Connectors into each component, in declaration order (by target id)."""
        if self._incoming is None:
            found: dict[str, list[Connector]] = {}
            for c in self.system.connectors:
                found.setdefault(c.target, []).append(c)
            self._incoming = found
        return self._incoming

    def node_of(self, component_id: str) -> Node | None:
        """The node a component is placed on, if any."""
        nid = self.placement.get(component_id)
        return self.nodes.get(nid) if nid is not None else None

    def neighbourhood(self, component_id: str) -> tuple[str | None, ...]:
        """Nodes of a component and of the sources of its incoming connectors (in their order):
        all of the placement that its arrival rate, capacity plan and replica needs depend on, so
        the contexts of placements that leave them as they are share those values."""
        hoods = self._neighbourhoods
        if hoods is None:  # every component's at once: analyses ask for (nearly) all of them
            where = self.placement.get
            hoods = self._neighbourhoods = {cid: tuple(map(where, ids)) for cid, ids in self._hood_ids().items()}
        try:
            return hoods[component_id]
        except KeyError:
            return (self.placement.get(component_id),)

    def _hood_ids(self) -> dict[str, tuple[str, ...]]:
        """Each component's id and the ids of the sources of its incoming connectors (in their order):
        the components whose nodes make up its neighbourhood, the same under every placement."""
        key = ("neighbourhood ids",)
        ids: dict[str, tuple[str, ...]] | None = self.shared.get(key)
        if ids is None:
            incoming = self.incoming
            ids = self.shared[key] = {cid: (cid, *[c.source for c in incoming.get(cid, ())]) for cid in self.components}
        return ids

    def components_on(self, node_id: str) -> list[Component]:
        """Components placed on a node, in declaration order."""
        return [c for c in self.system.components if self.placement.get(c.id) == node_id]

    def route(self, a: str, b: str, exclude: Any = None) -> list[Hop] | None:
        """Links crossed from node ``a`` to node ``b`` ([] on one node; None when no route is up)."""
        return self.graph.route(a, b, exclude)

    def route_links(self, a: str, b: str) -> tuple[str, ...] | None:
        """Ids of the links of :meth:`route` from node ``a`` to node ``b`` (None when no route is up).

        Values that depend on a route rather than on the links down key on these ids, so the
        contexts of placements that take other links down share them.
        """
        try:
            return self._route_links[a, b]
        except KeyError:
            hops = self.graph.route(a, b)
            ids = self._route_links[a, b] = tuple(h.link.id for h in hops) if hops is not None else None
            return ids

    def connector_route(self, connector: Connector, exclude: Any = None) -> list[Hop] | None:
        """Links a connector's request crosses under this placement (None: unplaced or no route)."""
        a, b = self.placement.get(connector.source), self.placement.get(connector.target)
        if a is None or b is None:
            return None
        return self.graph.route(a, b, exclude)


def context_of(source: System | AnalysisContext, variant: str | None = None) -> AnalysisContext:
    """The context to analyse: ``source`` itself, or a fresh one for a system and variant.

    Raises:
        ValueError: a context for one variant was passed with another variant's name.
    """
    if isinstance(source, AnalysisContext):
        if variant is not None and variant != source.variant:
            raise ValueError(f"the analysis context is for variant {source.variant!r}, not {variant!r}")
        return source
    return AnalysisContext(source, variant)
