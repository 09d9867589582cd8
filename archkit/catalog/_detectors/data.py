"""Detectors of data-architecture patterns: data lakes and federated learning."""

from __future__ import annotations

from typing import Iterator

from ..._digraph import descendants
from .._context import Context
from .._registry import Hit, detector


@detector("data-lake", per_placement=False)
def data_lake(ctx: Context) -> Iterator[Hit]:
    """A store declared as a lake, with at least two writers and two readers."""
    for d in ctx.system.components:
        if not (d.kind == "x-data-lake" or (ctx.is_passive(d.id) and d.properties.get("role") == "lake")):
            continue
        writers = ctx.senders(d.id)
        readers = set(ctx.receivers(d.id))
        if len(writers) >= 2 and len(readers) >= 2:
            yield ctx.found([d], f"'{d.id}' collects raw data from {len(writers)} sources for {len(readers)} readers")


@detector("federated-learning")
def federated_learning(ctx: Context) -> Iterator[Hit]:
    """Training on client devices sends updates to a server, which ships merged models back to clients."""
    artifacts = ctx.purpose_graph("model_artifact")
    for t in ctx.system.components:
        if not ctx.is_training(t.id) or not ctx.on_client(t.id):
            continue
        for e in ctx.outgoing(t.id):
            a = e.target
            if e.purpose != "training" or not ctx.on_server(a) or a not in artifacts:
                continue
            back = sorted(
                m for m in descendants(artifacts, a) if ctx.components[m].kind == "model" and ctx.on_client(m)
            )
            if back:
                yield ctx.found(
                    [t, ctx.components[a], ctx.components[back[0]]],
                    f"'{t.id}' trains on the device; '{a}' merges updates and ships '{back[0]}' back",
                )
