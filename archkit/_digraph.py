"""Small graphs in plain Python: the few graph algorithms archkit needs, without a graph library.

archkit's graphs are small and simple (components and connectors, nodes and links), and the
commands people run on every save (``validate``, ``lint``) should start at once: importing a full
graph library costs a quarter of a second, more than the work. So this module keeps what the
model, the analyses and the catalog use, on dictionaries of dictionaries:

* :class:`DiGraph` and :class:`Graph`: nodes and edges with attributes, kept in insertion order;
  ``g.edges[u, v]`` is an edge's attribute dict, ``g.adj[u]`` the edges leaving ``u``,
  ``successors``/``predecessors``/``neighbors``,
  ``in_degree``/``out_degree``, ``subgraph`` (in the graph's own node order) and ``copy``;
* reachability (:func:`descendants`, :func:`ancestors`), :func:`shortest_path` (fewest edges),
  :func:`dijkstra_paths` (least total weight from one node), :func:`strongly_connected_components`,
  :func:`find_cycle`, :func:`is_directed_acyclic_graph` and :func:`bridges`.

Where several answers are equally right (two shortest paths, two cycles), each function picks the
one networkx 3 picks on a graph built in the same order (the same searches, visiting neighbours in
insertion order), so results and reports do not depend on which implementation computed them.
"""

from __future__ import annotations

from heapq import heappop, heappush
from itertools import count
from typing import Any, Callable, Iterable, Iterator, Self

__all__ = [
    "DiGraph",
    "Graph",
    "descendants",
    "ancestors",
    "shortest_path",
    "dijkstra_paths",
    "strongly_connected_components",
    "find_cycle",
    "is_directed_acyclic_graph",
    "bridges",
]

Node = Any  # any hashable value; archkit's graphs use ids (str)


class _EdgeView:
    """``g.edges[u, v]`` (the attribute dict), ``(u, v) in g.edges``, and iteration over ``(u, v)``."""

    def __init__(self, graph: _Base) -> None:
        self._g = graph

    def __getitem__(self, edge: tuple[Node, Node]) -> dict[str, Any]:
        u, v = edge
        return self._g._succ[u][v]

    def __contains__(self, edge: object) -> bool:
        return isinstance(edge, tuple) and len(edge) == 2 and self._g.has_edge(*edge)

    def __iter__(self) -> Iterator[tuple[Node, Node]]:
        return self._g._edge_pairs()

    def __len__(self) -> int:
        return sum(1 for _ in self._g._edge_pairs())

    def __call__(self, data: bool = False) -> Iterator[Any]:
        if not data:
            return self._g._edge_pairs()
        return ((u, v, self._g._succ[u][v]) for u, v in self._g._edge_pairs())


class _Base:
    directed = False

    def __init__(self) -> None:
        self._nodes: dict[Node, dict[str, Any]] = {}
        self._succ: dict[Node, dict[Node, dict[str, Any]]] = {}
        self._pred: dict[Node, dict[Node, dict[str, Any]]] = self._succ

    # -- nodes ---------------------------------------------------------------------------------
    def add_node(self, n: Node, **attr: Any) -> None:
        """Add a node (or update its attributes)."""
        if n not in self._nodes:
            self._nodes[n] = {}
            self._succ[n] = {}
            if self.directed:
                self._pred[n] = {}
        self._nodes[n].update(attr)

    def add_nodes_from(self, nodes: Iterable[Node]) -> None:
        """Add several nodes, in order."""
        for n in nodes:
            self.add_node(n)

    @property
    def nodes(self) -> dict[Node, dict[str, Any]]:
        """Node -> attributes, in insertion order."""
        return self._nodes

    def __contains__(self, n: object) -> bool:
        try:
            return n in self._nodes
        except TypeError:
            return False

    def __iter__(self) -> Iterator[Node]:
        return iter(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)

    @property
    def adj(self) -> dict[Node, dict[Node, dict[str, Any]]]:
        """Node -> {neighbour (successor): edge attributes}; for reading only."""
        return self._succ

    def has_node(self, n: Node) -> bool:
        """Whether the node is in the graph."""
        return n in self

    # -- edges ---------------------------------------------------------------------------------
    def add_edge(self, u: Node, v: Node, **attr: Any) -> None:
        """Add an edge (adding its ends as needed), or update the attributes of an existing one."""
        if u not in self._nodes:
            self.add_node(u)
        if v not in self._nodes:
            self.add_node(v)
        data = self._succ[u].get(v)
        if data is None:
            data = {}
            self._succ[u][v] = data
            self._pred[v][u] = data
        data.update(attr)

    def has_edge(self, u: Node, v: Node) -> bool:
        """Whether an edge joins ``u`` to ``v``."""
        return u in self._succ and v in self._succ[u]

    @property
    def edges(self) -> _EdgeView:
        """The edges: ``g.edges[u, v]`` is an edge's attribute dict; iterating gives ``(u, v)`` pairs."""
        return _EdgeView(self)

    def _edge_pairs(self) -> Iterator[tuple[Node, Node]]:
        for u, nbrs in self._succ.items():
            for v in nbrs:
                yield u, v

    def _adjacent(self, n: Node) -> dict[Node, dict[str, Any]]:
        try:
            return self._succ[n]
        except KeyError:
            raise KeyError(f"the node {n!r} is not in the graph") from None

    def _empty(self) -> Self:
        return type(self)()

    def subgraph(self, nodes: Iterable[Node]) -> Self:
        """The graph induced by ``nodes`` (a copy, with this graph's node and edge order)."""
        keep = set(nodes)
        sub = self._empty()
        for n, attr in self._nodes.items():
            if n in keep:
                sub.add_node(n, **attr)
        for u, v in self._edge_pairs():
            if u in keep and v in keep and not sub.has_edge(u, v):
                sub.add_edge(u, v, **self._succ[u][v])
        return sub

    def copy(self) -> Self:
        """An independent copy (attribute dicts copied one level deep)."""
        out = self._empty()
        for n, attr in self._nodes.items():
            out.add_node(n, **attr)
        for u, v in self._edge_pairs():
            if not out.has_edge(u, v):
                out.add_edge(u, v, **self._succ[u][v])
        return out


class DiGraph(_Base):
    """A directed graph: at most one edge from ``u`` to ``v``, with an attribute dict."""

    directed = True

    def __init__(self) -> None:
        super().__init__()
        self._pred = {}

    def successors(self, n: Node) -> Iterator[Node]:
        """Nodes that ``n`` has an edge to, in insertion order."""
        return iter(self._adjacent(n))

    def predecessors(self, n: Node) -> Iterator[Node]:
        """Nodes that have an edge to ``n``, in insertion order."""
        try:
            return iter(self._pred[n])
        except KeyError:
            raise KeyError(f"the node {n!r} is not in the graph") from None

    def neighbors(self, n: Node) -> Iterator[Node]:
        """The successors of ``n`` (as a directed graph's neighbours are)."""
        return self.successors(n)

    def out_degree(self, n: Node) -> int:
        """Number of edges leaving ``n``."""
        return len(self._adjacent(n))

    def in_degree(self, n: Node) -> int:
        """Number of edges entering ``n``."""
        return len(self._pred[n])


class Graph(_Base):
    """An undirected graph: at most one edge between two nodes, with an attribute dict."""

    def neighbors(self, n: Node) -> Iterator[Node]:
        """Nodes joined to ``n``, in insertion order."""
        return iter(self._adjacent(n))

    def degree(self, n: Node) -> int:
        """Number of edges at ``n`` (a loop counts twice)."""
        nbrs = self._adjacent(n)
        return len(nbrs) + (1 if n in nbrs else 0)

    def _edge_pairs(self) -> Iterator[tuple[Node, Node]]:
        seen: set[Node] = set()
        for u, nbrs in self._succ.items():
            for v in nbrs:
                if v not in seen:
                    yield u, v
            seen.add(u)


# ----------------------------------------------------------------------------------------------
# reachability and paths
# ----------------------------------------------------------------------------------------------


def _reach(adj: dict[Node, dict[Node, Any]], source: Node) -> set[Node]:
    if source not in adj:
        raise KeyError(f"the node {source!r} is not in the graph")
    seen = {source}
    stack = [source]
    while stack:
        for w in adj[stack.pop()]:
            if w not in seen:
                seen.add(w)
                stack.append(w)
    seen.discard(source)
    return seen


def descendants(g: _Base, source: Node) -> set[Node]:
    """Nodes reachable from ``source`` (without ``source`` itself, even on a cycle)."""
    return _reach(g._succ, source)


def ancestors(g: _Base, source: Node) -> set[Node]:
    """Nodes from which ``source`` is reachable (without ``source`` itself)."""
    return _reach(g._pred, source)


def shortest_path(g: _Base, source: Node, target: Node) -> list[Node] | None:
    """A path with the fewest edges (a search from both ends that meets in the middle); None if none.

    Raises:
        KeyError: an end is not in the graph.
    """
    for n in (source, target):
        if n not in g:
            raise KeyError(f"the node {n!r} is not in the graph")
    if source == target:
        return [source]
    succ_adj, pred_adj = g._succ, g._pred
    pred: dict[Node, Node | None] = {source: None}
    succ: dict[Node, Node | None] = {target: None}
    forward, reverse = [source], [target]
    meet: Node | None = None
    found = False
    while forward and reverse and not found:
        if len(forward) <= len(reverse):
            level, forward = forward, []
            for v in level:
                for w in succ_adj[v]:
                    if w not in pred:
                        forward.append(w)
                        pred[w] = v
                    if w in succ:
                        meet, found = w, True
                        break
                if found:
                    break
        else:
            level, reverse = reverse, []
            for v in level:
                for w in pred_adj[v]:
                    if w not in succ:
                        succ[w] = v
                        reverse.append(w)
                    if w in pred:
                        meet, found = w, True
                        break
                if found:
                    break
    if not found:
        return None
    path: list[Node] = []
    step: Node | None = meet
    while step is not None:
        path.append(step)
        step = pred[step]
    path.reverse()
    step = succ[meet]
    while step is not None:
        path.append(step)
        step = succ[step]
    return path


def dijkstra_paths(g: _Base, source: Node, weight: Callable[[dict[str, Any]], float]) -> dict[Node, list[Node]]:
    """Least-weight paths from ``source`` to every reachable node (``weight`` of an edge's attributes).

    Ties go to the path found first, visiting neighbours in insertion order.
    """
    adj = g._succ
    dist: dict[Node, float] = {}
    seen: dict[Node, float] = {source: 0}
    paths: dict[Node, list[Node]] = {source: [source]}
    tie = count()
    fringe: list[tuple[float, int, Node]] = [(0, next(tie), source)]
    while fringe:
        d, _, v = heappop(fringe)
        if v in dist:
            continue
        dist[v] = d
        for u, data in adj[v].items():
            vu = d + weight(data)
            if u in dist:
                continue
            if u not in seen or vu < seen[u]:
                seen[u] = vu
                heappush(fringe, (vu, next(tie), u))
                paths[u] = paths[v] + [u]
    return paths


# ----------------------------------------------------------------------------------------------
# cycles and structure
# ----------------------------------------------------------------------------------------------


def strongly_connected_components(g: DiGraph) -> list[set[Node]]:
    """The strongly connected parts of a directed graph (an iterative Tarjan search)."""
    adj = g._succ
    index: dict[Node, int] = {}
    low: dict[Node, int] = {}
    on_stack: set[Node] = set()
    stack: list[Node] = []
    out: list[set[Node]] = []
    counter = 0
    for root in adj:
        if root in index:
            continue
        work: list[tuple[Node, Iterator[Node]]] = [(root, iter(adj[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(adj[w])))
                    advanced = True
                    break
                if w in on_stack and index[w] < low[v]:
                    low[v] = index[w]
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[v] < low[parent]:
                    low[parent] = low[v]
            if low[v] == index[v]:
                part: set[Node] = set()
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    part.add(w)
                    if w == v:
                        break
                out.append(part)
    return out


def find_cycle(g: DiGraph, source: Node) -> list[tuple[Node, Node]] | None:
    """The edges of the first cycle a depth-first search from ``source`` meets (from its first node).

    None when no cycle is reachable from ``source``.

    Raises:
        KeyError: ``source`` is not in the graph.
    """
    adj = g._succ
    if source not in adj:
        raise KeyError(f"the node {source!r} is not in the graph")
    path: list[Node] = [source]
    on_path = {source}
    done: set[Node] = set()
    work: list[Iterator[Node]] = [iter(adj[source])]
    while work:
        v = path[-1]
        for w in work[-1]:
            if w in on_path:
                i = path.index(w)
                cyc = path[i:] + [w]
                return list(zip(cyc, cyc[1:]))
            if w not in done:
                path.append(w)
                on_path.add(w)
                work.append(iter(adj[w]))
                break
        else:
            work.pop()
            path.pop()
            on_path.discard(v)
            done.add(v)
    return None


def is_directed_acyclic_graph(g: DiGraph) -> bool:
    """Whether the directed graph has no cycle (no loop, no strongly connected part of two or more)."""
    if any(u in nbrs for u, nbrs in g._succ.items()):
        return False
    return all(len(part) == 1 for part in strongly_connected_components(g))


def bridges(g: Graph) -> set[frozenset[Node]]:
    """Edges whose removal splits their part of an undirected graph, as ``{u, v}`` sets."""
    adj = g._succ
    index: dict[Node, int] = {}
    low: dict[Node, int] = {}
    out: set[frozenset[Node]] = set()
    counter = 0
    for root in adj:
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        work: list[tuple[Node, Node | None, Iterator[Node]]] = [(root, None, iter(adj[root]))]
        while work:
            v, parent, it = work[-1]
            advanced = False
            for w in it:
                if w == v:
                    continue
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    work.append((w, v, iter(adj[w])))
                    advanced = True
                    break
                if w != parent and index[w] < low[v]:
                    low[v] = index[w]
            if advanced:
                continue
            work.pop()
            if parent is not None:
                if low[v] < low[parent]:
                    low[parent] = low[v]
                if low[v] > index[parent]:
                    out.add(frozenset((parent, v)))
    return out
