"""Detectors of training-side patterns: shared encoding, feature stores, decoupled training, pipelines."""

from __future__ import annotations

from typing import Iterator

from ..._digraph import DiGraph, ancestors, descendants
from .._context import Context
from .._registry import Hit, detector


def training_graph(ctx: Context) -> DiGraph:
    """Forward data graph of training-purpose connectors (cached per context)."""
    return ctx.purpose_graph("training")


def serving_graph(ctx: Context) -> DiGraph:
    """Forward data graph of serving-purpose connectors (cached per context)."""
    return ctx.purpose_graph("serving")


def upstream(g: DiGraph, node: str) -> set[str]:
    """Ancestors of ``node`` in ``g`` (empty if absent)."""
    return ancestors(g, node) if node in g else set()


@detector("shared-feature-encoding", per_placement=False)
def shared_feature_encoding(ctx: Context) -> Iterator[Hit]:
    """One feature encoder feeds both the training of a model and the model when it serves."""
    tg, sg = training_graph(ctx), serving_graph(ctx)
    for m, trainers in sorted(ctx.trainers.items()):
        serve_side = upstream(sg, m)
        for t in trainers:
            shared = sorted(f for f in upstream(tg, t) & serve_side if ctx.components[f].kind == "feature_encoder")
            for f in shared:
                yield ctx.found(
                    [ctx.components[f], ctx.components[t], ctx.components[m]],
                    f"'{f}' encodes features for both '{t}' and '{m}'",
                )


@detector("feature-store", per_placement=False)
def feature_store(ctx: Context) -> Iterator[Hit]:
    """A feature store that is written, and read by training and by a serving model or encoder."""
    for fs in ctx.of_kind("feature_store"):
        writers = ctx.senders(fs.id)
        below = descendants(ctx.forward_graph, fs.id) | set(ctx.receivers(fs.id))
        trainers = sorted(x for x in below if ctx.is_training(x))
        servers = sorted(x for x in ctx.receivers(fs.id) if ctx.components[x].kind in ("model", "feature_encoder"))
        if writers and trainers and servers:
            yield ctx.found(
                [fs, ctx.components[trainers[0]], ctx.components[servers[0]]],
                f"'{fs.id}' serves the same features to '{trainers[0]}' and '{servers[0]}'",
            )


@detector("decouple-training-from-serving")
def decouple_training_from_serving(ctx: Context) -> Iterator[Hit]:
    """Training runs on another node than the model and hands over only model artifacts."""
    for m, trainers in sorted(ctx.trainers.items()):
        for t in trainers:
            if ctx.node_kind(t) is None or ctx.node_kind(m) is None:
                yield ctx.unknown([ctx.components[t], ctx.components[m]], f"place '{t}' and '{m}' on nodes")
                continue
            direct = [e for e in ctx.outgoing(t) + ctx.incoming(t) if m in (e.source, e.target)]
            if not ctx.same_node(t, m) and all(e.purpose == "model_artifact" for e in direct):
                yield ctx.found(
                    [ctx.components[t], ctx.components[m]],
                    f"'{t}' trains on '{ctx.placement[t]}' and ships artifacts to '{m}' on '{ctx.placement[m]}'",
                )


@detector("workflow-pipeline", per_placement=False)
def workflow_pipeline(ctx: Context) -> Iterator[Hit]:
    """At least three batch or training steps chained by batch transfers up to a training component."""
    g = DiGraph()
    for e in ctx.system.connectors:
        if e.kind == "batch_transfer":
            a, b = (e.target, e.source) if e.op == "read" else (e.source, e.target)
            g.add_edge(a, b)
    for t in ctx.system.components:
        if not ctx.is_training(t.id) or t.id not in g:
            continue
        steps = sorted(x for x in ancestors(g, t.id) if ctx.components[x].kind in ("batch_job", "training_pipeline"))
        if len(steps) >= 2:
            yield ctx.found(
                [*(ctx.components[s] for s in steps), t], f"'{t.id}' is fed by a pipeline of {len(steps) + 1} steps"
            )
