"""Detectors of Hulten's placements: where the intelligence lives (Hulten 2018, ch. 13)."""

from __future__ import annotations

from typing import Iterator

from .._context import Context
from .._registry import Hit, detector
from ._common import model_chains
from .serving import precomputed_tables


def _artifact_sources(ctx: Context, mid: str) -> list[str]:
    return [
        s
        for s in ctx.senders(mid)
        if any(
            e.purpose == "model_artifact" for e in ctx.incoming(mid) + ctx.outgoing(mid) if s in (e.source, e.target)
        )
    ]


def _telemetry_leaving(ctx: Context) -> set[str]:
    """Nodes from which telemetry is sent to another node (in this placement)."""
    key = f"telemetry_leaving:{ctx.variant}"
    return ctx.memo(
        key,
        lambda: {
            ctx.placement[e.source]
            for e in ctx.system.connectors
            if e.purpose == "telemetry"
            and e.source in ctx.placement
            and ctx.placement.get(e.target) != ctx.placement[e.source]
        },
    )


@detector("static-intelligence")
def static_intelligence(ctx: Context) -> Iterator[Hit]:
    """A model on a client with no update channel and no telemetry leaving its node."""
    for m in ctx.models():
        if not ctx.on_client(m.id):
            continue
        if _artifact_sources(ctx, m.id):
            continue
        node = ctx.placement[m.id]
        if node not in _telemetry_leaving(ctx):
            yield ctx.found(
                [m, ctx.nodes[node]], f"'{m.id}' ships with the product on '{node}' and is not updated separately"
            )


@detector("client-side-intelligence")
def client_side_intelligence(ctx: Context) -> Iterator[Hit]:
    """A model on a client that receives new versions from another node."""
    for m in ctx.models():
        if not ctx.on_client(m.id):
            continue
        for s in _artifact_sources(ctx, m.id):
            if not ctx.same_node(s, m.id):
                yield ctx.found([m, ctx.components[s]], f"'{m.id}' runs on the device and gets updates from '{s}'")


@detector("server-centric-intelligence")
def server_centric_intelligence(ctx: Context) -> Iterator[Hit]:
    """A model on a server reached by synchronous calls from a client device."""
    g = ctx.call_graph
    origin: dict[str, str] = {}  # component -> first client component (by id) that reaches it by sync calls
    for start in sorted(c for c in g if c in ctx.components and ctx.on_client(c)):
        frontier = [start]
        while frontier:
            nxt = []
            for cur in frontier:
                for succ in g.successors(cur):
                    if succ not in origin:
                        origin[succ] = start
                        nxt.append(succ)
            frontier = nxt
    for m in ctx.models():
        if ctx.on_server(m.id) and m.id in origin:
            client = origin[m.id]
            yield ctx.found(
                [m, ctx.components[client]],
                f"'{client}' on the device calls '{m.id}' on the server for each prediction",
            )


@detector("backend-cached-intelligence")
def backend_cached_intelligence(ctx: Context) -> Iterator[Hit]:
    """Predictions computed on a server ahead of time and looked up by (or for) a client."""
    for t, w, m, x in precomputed_tables(ctx):
        if ctx.on_server(m) and (ctx.on_client(t) or ctx.on_client(x)):
            c = ctx.components
            yield ctx.found([c[t], c[m], c[x]], f"'{m}' fills '{t}' in the back end; '{x}' looks predictions up")


def _chained(ctx: Context) -> dict[str, set[str]]:
    """Model id -> the models chained with it, either way."""
    chained: dict[str, set[str]] = {}
    for chain in model_chains(ctx):
        chained.setdefault(chain.first, set()).add(chain.second)
        chained.setdefault(chain.second, set()).add(chain.first)
    return chained


@detector("hybrid-intelligence")
def hybrid_intelligence(ctx: Context) -> Iterator[Hit]:
    """Models on both a client and a server that share a task or are chained."""
    models = ctx.models()
    client = [m for m in models if ctx.on_client(m.id)]
    server = [m for m in models if ctx.on_server(m.id)]
    chained = ctx.memo("chained_models", lambda: _chained(ctx))
    by_task: dict[str, set[str]] = {}
    for b in server:
        if ctx.task(b) is not None:
            by_task.setdefault(ctx.task(b) or "", set()).add(b.id)
    server_ids = {b.id for b in server}
    fewest = {task: min(ids) for task, ids in by_task.items()}
    for a in client:
        task = ctx.task(a) or ""
        same: set[str] = by_task.get(task, set()) if ctx.task(a) is not None else set()
        # partners: the server models of the same task, and those chained with it (counted, not copied)
        others = {x for x in chained.get(a.id, ()) if x in server_ids and x not in same}
        count = len(same) + len(others)
        if count:
            first = min([*others, fewest[task]] if same else others)
            more = f" (and {count - 1} more)" if count > 1 else ""
            yield ctx.found(
                [a, ctx.components[first]], f"'{a.id}' on the device and '{first}'{more} on the server share the work"
            )
