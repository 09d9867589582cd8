"""What detectors see: one placement of a system as typed graphs, with small query helpers.

Data-flow conventions (used by every detector, documented in docs/patterns.md):

* a connector with ``op="write"``, or any ``async_message``/``stream``/``batch_transfer``, carries
  data from source to target;
* ``op="read"`` carries data from target to source;
* a ``sync_call``/``in_process`` invoke carries the request from source to target and, for serving
  and training purposes, the response back, so the caller receives the callee's output.

*Passive* components (datastore, feature_store, cache, queue, model_registry, telemetry) store and
forward data; consumers of a model's output are found through them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence, TypeVar, cast

from .._digraph import DiGraph, descendants
from ..model import Component, Connector, Location, Node, System, SystemGraph
from ._registry import ELEMENT_TYPES, ElementRef, ElementType, Hit

if TYPE_CHECKING:
    from ..analysis import AnalysisContext

__all__ = ["Context", "PASSIVE_KINDS", "SERVER_NODE_KINDS", "CLIENT_NODE_KINDS"]

PASSIVE_KINDS = frozenset({"datastore", "feature_store", "cache", "queue", "model_registry", "telemetry"})
SERVER_NODE_KINDS = frozenset({"cloud", "on_prem"})
CLIENT_NODE_KINDS = frozenset({"mobile", "wearable", "embedded", "edge"})
T = TypeVar("T")
_ASYNC = frozenset({"async_message", "stream", "batch_transfer"})
_ANSWERING = frozenset({"serving", "training"})
"""Purposes whose synchronous calls return data to the caller (an artifact push or a telemetry call does not)."""


def _forward(e: Connector) -> tuple[str, str]:
    """Direction in which a connector's main payload travels."""
    if e.op == "read":
        return e.target, e.source
    return e.source, e.target


class Context:
    """One system under one placement, as detectors see it.

    Args:
        system: A validated system.
        variant: A variant name, or None for the base placement.
        graph: An existing :class:`SystemGraph` for this placement (built if not given).
    """

    def __init__(
        self,
        system: System,
        variant: str | None = None,
        graph: SystemGraph | None = None,
        shared: dict[str, Any] | None = None,
    ) -> None:
        self._shared: dict[str, Any] = shared if shared is not None else {}
        self.system = system
        self.variant = variant
        self.graph = graph or SystemGraph(system, variant)
        self.placement = self.graph.placement
        self.components: dict[str, Component] = self.graph.components
        self.connectors: dict[str, Connector] = self.graph.connectors
        self.nodes: dict[str, Node] = self.graph.nodes
        self._analysis: AnalysisContext | None = None

    def memo(self, key: str, factory: Callable[[], T]) -> T:
        """A placement-independent value, computed once and shared by the contexts of all placements."""
        try:
            return self._shared[key]
        except KeyError:
            value = self._shared[key] = factory()
            return value

    @property
    def shared(self) -> dict[str, Any]:
        """The cache shared between the contexts of one system's placements."""
        return self._shared

    @property
    def analysis(self) -> AnalysisContext:
        """The analyses' context for this placement: the checks that use the analyses share its routes
        and derived values (each analysis value is computed once per placement)."""
        if self._analysis is None:
            from ..analysis import AnalysisContext

            self._analysis = AnalysisContext(
                self.system, self.variant, graph=self.graph, shared=self.memo("analysis", dict)
            )
        return self._analysis

    @property
    def call_graph(self) -> DiGraph:
        """Synchronous calls (sync_call, in_process) between components."""
        return self.memo("call_graph", lambda: self.graph.call_graph)

    # -- hits ---------------------------------------------------------------------------------------
    @staticmethod
    def ref(element: Component | Connector | Node | object) -> ElementRef:
        """A typed reference to a component, connector, node, link, flow or flag."""
        name = type(element).__name__.lower()
        ident = str(getattr(element, "id", None) or getattr(element, "name", ""))
        return ElementRef(cast(ElementType, name) if name in ELEMENT_TYPES else "system", ident)

    def found(
        self, elements: Sequence[object], message: str, severity: str | None = None, fix: str | None = None
    ) -> Hit:
        """A hit saying the entry is present at these elements (objects or ElementRefs); the first
        element is the one it is about, and ``fix`` (if given) how to remove it there."""
        return Hit("found", self._refs(elements), message, severity, fix)

    def unknown(self, elements: Sequence[object], message: str) -> Hit:
        """A hit saying the detector cannot decide; ``message`` says what to declare where."""
        return Hit("unknown", self._refs(elements), message)

    def _refs(self, elements: Sequence[object]) -> tuple[ElementRef, ...]:
        # first occurrence of each, in order (a set: a hit may name thousands of elements)
        return tuple(dict.fromkeys(x if isinstance(x, ElementRef) else self.ref(x) for x in elements))

    def _index(self) -> dict[str, dict[str, Any]]:
        s = self.system
        return {
            "component": {c.id: c for c in s.components},
            "connector": {c.id: c for c in s.connectors},
            "node": {n.id: n for n in s.nodes},
            "link": {lk.id: lk for lk in s.links},
            "flow": {f.id: f for f in s.flows},
            "flag": {f.id: f for f in s.flags},
        }

    def location(self, ref: ElementRef) -> Location | None:
        """Where an element was declared, if known."""
        if ref.type == "system":
            return self.system.location
        element = self.memo("index", self._index).get(ref.type, {}).get(ref.id)
        return element.location if element is not None else None

    # -- components ---------------------------------------------------------------------------------
    def of_kind(self, *kinds: str) -> list[Component]:
        """Components of any of these kinds, in declaration order."""
        return [c for c in self.system.components if c.kind in kinds]

    def models(self) -> list[Component]:
        """Model components, in declaration order (a new list each time)."""
        return list(self.memo("models", lambda: self.of_kind("model")))

    def is_passive(self, cid: str) -> bool:
        """Whether a component only stores and forwards data."""
        c = self.components.get(cid)
        return c is not None and c.kind in PASSIVE_KINDS

    def is_training(self, cid: str) -> bool:
        """Whether a component trains models (kind training_pipeline, or a batch job with role training)."""
        c = self.components.get(cid)
        if c is None:
            return False
        return c.kind == "training_pipeline" or (c.kind == "batch_job" and c.properties.get("role") == "training")

    def task(self, c: Component) -> str | None:
        """A model's declared task, if any."""
        return c.model.task if c.model is not None else None

    # -- declared structure: typed fields first, free-form properties as the fallback ----------------
    @staticmethod
    def is_adapter(c: Component) -> bool:
        """Glue code: kind ``adapter`` (or ``properties.role`` 'adapter'/'glue')."""
        return c.kind == "adapter" or c.properties.get("role") in ("adapter", "glue")

    @staticmethod
    def lines_of_code(c: Component) -> float | None:
        """Declared code size in lines: ``lines_of_code`` (or a numeric ``properties.loc``)."""
        if c.lines_of_code is not None:
            return float(c.lines_of_code)
        v = c.properties.get("loc")
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None

    @staticmethod
    def responsibilities(c: Component) -> list[str] | None:
        """Declared jobs of a component: ``responsibilities`` (or ``properties.responsibilities``); None if neither."""
        if c.responsibilities:
            return list(c.responsibilities)
        v = c.properties.get("responsibilities")
        return [str(x) for x in v] if isinstance(v, list) else None

    @staticmethod
    def feedback_control(c: Component) -> str | None:
        """How a known feedback loop through ``c`` is controlled: ``feedback_loop`` (or the property)."""
        v = c.feedback_loop or c.properties.get("feedback_loop")
        return str(v) if v else None

    def corrections(self, mid: str) -> set[str]:
        """Ids of the models whose output ``mid`` declares it corrects (``corrects``)."""
        c = self.components.get(mid)
        return set(c.corrects) if c is not None else set()

    def flags_guarding(self, element_id: str) -> list[Any]:
        """Declared flags whose ``guards`` name this component or connector."""
        return self.memo("flags_by_element", self._flags_by_element).get(element_id, [])

    def _flags_by_element(self) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        for f in self.system.flags:
            for g in f.guards:
                out.setdefault(g, []).append(f)
        return out

    def influences_graph(self) -> DiGraph:
        """The data-flow graph plus an edge for every declared ``influences`` (effects through the world)."""
        return self.memo("influences_graph", self._influences_graph)

    def _influences_graph(self) -> DiGraph:
        g = self.data_graph.copy()
        for c in self.system.components:
            for x in c.influences:
                if not g.has_edge(c.id, x):
                    g.add_edge(c.id, x, via=None)
        return g

    def sync_callers(self, cid: str, depth: int = 3) -> list[str]:
        """Components that call ``cid`` synchronously, directly or up a chain of such calls (nearest first)."""
        direct = self.memo("sync_caller_ids", self._sync_caller_ids)
        out: list[str] = []
        frontier = [cid]
        seen = {cid}
        for _ in range(depth):
            nxt = []
            for cur in frontier:
                for s in direct.get(cur, ()):
                    if s not in seen:
                        seen.add(s)
                        out.append(s)
                        nxt.append(s)
            frontier = nxt
        return out

    def _sync_caller_ids(self) -> dict[str, list[str]]:
        """Component -> sources of its synchronous invoking connectors, in declaration order (repeats kept)."""
        out: dict[str, list[str]] = {}
        for e in self.system.connectors:
            if e.op == "invoke" and e.synchronous:
                out.setdefault(e.target, []).append(e.source)
        return out

    # -- placement ----------------------------------------------------------------------------------
    def node_of(self, cid: str) -> Node | None:
        """The node a component is placed on in this placement."""
        return self.graph.node_of(cid)

    def node_kind(self, cid: str) -> str | None:
        """Kind of the node a component is placed on, if placed."""
        n = self.node_of(cid)
        return n.kind if n is not None else None

    def on_client(self, cid: str) -> bool:
        """Placed on a user-side device (mobile, wearable, embedded or edge)."""
        return self.node_kind(cid) in CLIENT_NODE_KINDS

    def on_server(self, cid: str) -> bool:
        """Placed on a cloud or on-prem node."""
        return self.node_kind(cid) in SERVER_NODE_KINDS

    def same_node(self, a: str, b: str) -> bool:
        """Both placed, on the same node."""
        na, nb = self.placement.get(a), self.placement.get(b)
        return na is not None and na == nb

    # -- connectors ---------------------------------------------------------------------------------
    def _adjacency(self) -> tuple[dict[str, list[Connector]], dict[str, list[Connector]]]:
        out: dict[str, list[Connector]] = {c: [] for c in self.components}
        inc: dict[str, list[Connector]] = {c: [] for c in self.components}
        for e in self.system.connectors:
            out.setdefault(e.source, []).append(e)
            inc.setdefault(e.target, []).append(e)
        return out, inc

    @property
    def _out(self) -> dict[str, list[Connector]]:
        return self.memo("adjacency", self._adjacency)[0]

    @property
    def _in(self) -> dict[str, list[Connector]]:
        return self.memo("adjacency", self._adjacency)[1]

    def outgoing(self, cid: str) -> list[Connector]:
        """Connectors whose source is the component."""
        return self._out.get(cid, [])

    def incoming(self, cid: str) -> list[Connector]:
        """Connectors whose target is the component."""
        return self._in.get(cid, [])

    def callers(self, cid: str, synchronous: bool | None = None) -> list[Connector]:
        """Invoking connectors into the component (all, or only sync/async ones)."""
        return [
            e for e in self.incoming(cid) if e.op == "invoke" and (synchronous is None or e.synchronous == synchronous)
        ]

    @staticmethod
    def is_async(e: Connector) -> bool:
        """Whether the sender does not wait (async_message, stream, batch_transfer)."""
        return e.kind in _ASYNC

    # -- data flow ----------------------------------------------------------------------------------
    @property
    def data_graph(self) -> DiGraph:
        """Who receives data from whom, including responses of synchronous calls (edge attr ``via``)."""
        return self.memo("data_graph", self._data_graph)

    def _data_graph(self) -> DiGraph:
        g = DiGraph()
        g.add_nodes_from(self.components)
        for a, b, via in self._data_edges()[1]:
            g.add_edge(a, b, via=via)
        return g

    @property
    def data_steps(self) -> dict[str, dict[str, str]]:
        """The edges of :attr:`data_graph` as plain tables: component -> {receiver: connector id}, in the
        graph's order (searches that only follow edges read this; building the graph costs more)."""
        return self._data_edges()[0]

    def _data_edges(self) -> tuple[dict[str, dict[str, str]], list[tuple[str, str, str]]]:
        """The data-flow rules, once per system: the steps as tables and the edges in the order they arise."""
        return self.memo("data_edges", self._make_data_edges)

    def _make_data_edges(self) -> tuple[dict[str, dict[str, str]], list[tuple[str, str, str]]]:
        steps: dict[str, dict[str, str]] = {c: {} for c in self.components}
        order: list[tuple[str, str, str]] = []
        for e in self.system.connectors:
            a, b = _forward(e)
            # a later connector between the same two components names the step (as an edge update would)
            steps.setdefault(a, {})[b] = e.id
            order.append((a, b, e.id))
            if e.op == "invoke" and e.purpose in _ANSWERING and e.synchronous:
                back = steps.setdefault(b, {})
                if a not in back:
                    back[a] = e.id
                    order.append((b, a, e.id))
        return steps, order

    @property
    def forward_graph(self) -> DiGraph:
        """Who sends data to whom, without the responses of synchronous calls."""
        return self.memo("forward_graph", self._forward_graph)

    def _forward_graph(self) -> DiGraph:
        g = DiGraph()
        g.add_nodes_from(self.components)
        for e in self.system.connectors:
            a, b = _forward(e)
            g.add_edge(a, b, via=e.id)
        return g

    def purpose_graph(self, *purposes: str) -> DiGraph:
        """The forward data graph restricted to connectors of the given purposes."""
        return self.memo("purpose:" + ",".join(sorted(purposes)), lambda: self._purpose_graph(purposes))

    def _purpose_graph(self, purposes: Sequence[str]) -> DiGraph:
        g = DiGraph()
        for e in self.system.connectors:
            if e.purpose in purposes:
                a, b = _forward(e)
                g.add_edge(a, b, via=e.id)
        return g

    def receivers(self, cid: str) -> list[str]:
        """Components that receive data from ``cid`` directly (including callers getting responses)."""
        return sorted(self.data_graph.successors(cid)) if cid in self.data_graph else []

    def senders(self, cid: str) -> list[str]:
        """Components that send data to ``cid`` directly (forward direction only)."""
        return sorted(self.forward_graph.predecessors(cid)) if cid in self.forward_graph else []

    def _steps_index(self) -> dict[str, dict[int, int]]:
        out: dict[str, dict[int, int]] = {}
        for fi, f in enumerate(self.system.flows):
            for pos, step in enumerate(f.steps):
                out.setdefault(step, {}).setdefault(fi, pos)
        return out

    def in_flow_before(self, a: Connector, b: Connector) -> bool:
        """Whether some declared flow uses connector ``a`` before ``b`` (declaration order says nothing)."""
        index = self.memo("steps_index", self._steps_index)
        fa, fb = index.get(a.id), index.get(b.id)
        if not fa or not fb:
            return False
        return any(fa[f] < fb[f] for f in fa.keys() & fb.keys())

    def connector_between(self, a: str, b: str) -> Connector | None:
        """The first declared connector between two components, in either direction."""
        for e in self.outgoing(a):
            if e.target == b:
                return e
        for e in self.outgoing(b):
            if e.target == a:
                return e
        return None

    def path_connectors(self, path: Sequence[str]) -> list[Connector]:
        """Connectors along a component path (one per step, either direction)."""
        out = []
        for a, b in zip(path, path[1:]):
            e = self.connector_between(a, b)
            if e is not None:
                out.append(e)
        return out

    @property
    def trainers(self) -> dict[str, list[str]]:
        """Model id -> training components whose artifacts reach it over model_artifact connectors."""
        return self.memo("trainers", self._trainers)

    def _trainers(self) -> dict[str, list[str]]:
        g = self.purpose_graph("model_artifact")
        out: dict[str, list[str]] = {}
        for t in sorted(c for c in self.components if self.is_training(c)):
            if t not in g:
                continue
            for m in descendants(g, t):
                if self.components.get(m) is not None and self.components[m].kind == "model":
                    out.setdefault(m, []).append(t)
        return out

    def iter_pairs(self, items: Iterable[Component]) -> Iterator[tuple[Component, Component]]:
        """Ordered pairs of distinct items."""
        lst = list(items)
        for a in lst:
            for b in lst:
                if a is not b:
                    yield a, b
