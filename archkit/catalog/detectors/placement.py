"""Detectors of Hulten's placements: where the intelligence lives (Hulten 2018, ch. 13)."""

from __future__ import annotations

from typing import Iterator

import networkx as nx

from ..context import Context
from ..registry import Hit, detector
from ._common import model_chains
from .serving import precomputed_tables


def _artifact_sources(ctx: Context, mid: str) -> list[str]:
    return [s for s in ctx.senders(mid)
            if any(e.purpose == "model_artifact" for e in ctx.incoming(mid) + ctx.outgoing(mid)
                   if s in (e.source, e.target))]


def _unplaced(ctx: Context, mid: str) -> bool:
    return ctx.node_kind(mid) is None


@detector("static-intelligence")
def static_intelligence(ctx: Context) -> Iterator[Hit]:
    """A model on a client with no update channel and no telemetry leaving its node."""
    for m in ctx.models():
        if not ctx.on_client(m.id):
            continue
        if _artifact_sources(ctx, m.id):
            continue
        node = ctx.placement[m.id]
        leaks = [e for e in ctx.system.connectors if e.purpose == "telemetry"
                 and ctx.placement.get(e.source) == node and ctx.placement.get(e.target) != node]
        if not leaks:
            yield ctx.found([m, ctx.nodes[node]], f"'{m.id}' ships with the product on '{node}' and is not updated separately")


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
    g = ctx.graph.call_graph
    for m in ctx.models():
        if not ctx.on_server(m.id) or m.id not in g:
            continue
        clients = sorted(a for a in nx.ancestors(g, m.id) if a in ctx.components and ctx.on_client(a))
        if clients:
            yield ctx.found([m, ctx.components[clients[0]]], f"'{clients[0]}' on the device calls '{m.id}' on the server for each prediction")


@detector("backend-cached-intelligence")
def backend_cached_intelligence(ctx: Context) -> Iterator[Hit]:
    """Predictions computed on a server ahead of time and looked up by (or for) a client."""
    for t, w, m, x in precomputed_tables(ctx):
        if ctx.on_server(m) and (ctx.on_client(t) or ctx.on_client(x)):
            c = ctx.components
            yield ctx.found([c[t], c[m], c[x]], f"'{m}' fills '{t}' in the back end; '{x}' looks predictions up")


@detector("hybrid-intelligence")
def hybrid_intelligence(ctx: Context) -> Iterator[Hit]:
    """Models on both a client and a server that share a task or are chained."""
    models = ctx.models()
    client = [m for m in models if ctx.on_client(m.id)]
    server = [m for m in models if ctx.on_server(m.id)]
    chained = {(a, b) for a, b, _, _ in model_chains(ctx)}
    for a in client:
        for b in server:
            same_task = ctx.task(a) is not None and ctx.task(a) == ctx.task(b)
            if same_task or (a.id, b.id) in chained or (b.id, a.id) in chained:
                yield ctx.found([a, b], f"'{a.id}' on the device and '{b.id}' on the server share the work")
