"""Detectors of serving patterns: how predictions are computed and delivered."""

from __future__ import annotations

from typing import Iterator

from ..._digraph import descendants
from .._context import Context
from .._registry import Hit, detector
from ._common import LOOKUP_READER_KINDS, model_chains, table_writers


@detector("stateless-serving-function")
def stateless_serving_function(ctx: Context) -> Iterator[Hit]:
    """Model on a server node, called synchronously from another node, declared stateless and scaled out."""
    for m in ctx.models():
        if not ctx.on_server(m.id):
            continue
        remote = [e for e in ctx.callers(m.id, synchronous=True) if not ctx.same_node(e.source, m.id)]
        if not remote:
            continue
        if m.stateless is None:
            yield ctx.unknown(
                [m], f"declare stateless on component '{m.id}' (it is called remotely from a server node)"
            )
            continue
        scaled = (m.replicas or 0) >= 2 or (m.autoscaling is not None and m.autoscaling.max_replicas >= 2)
        if m.stateless and scaled:
            yield ctx.found([m, *remote], f"'{m.id}' is a stateless, replicated service called over the network")


def _interactive(ctx: Context) -> set[str]:
    """Components reachable by synchronous calls from a user interface."""
    g = ctx.call_graph
    starts = [c.id for c in ctx.of_kind("ui") if c.id in g]
    out: set[str] = set()
    for s in starts:
        if s not in out:
            out |= descendants(g, s)
    return out


def _on_interactive_path(ctx: Context, mid: str) -> bool:
    return mid in ctx.memo("interactive", lambda: _interactive(ctx))


@detector("batch-serving", per_placement=False)
def batch_serving(ctx: Context) -> Iterator[Hit]:
    """A non-training batch job reads a store, calls a model and writes a store; the model is not interactive."""
    for b in ctx.of_kind("batch_job"):
        if ctx.is_training(b.id):
            continue
        models = [e.target for e in ctx.outgoing(b.id) if e.op == "invoke" and ctx.components[e.target].kind == "model"]
        ins = [s for s in ctx.senders(b.id) if ctx.is_passive(s)]
        outs = [t for t in ctx.forward_graph.successors(b.id) if ctx.is_passive(t)]
        for m in models:
            if ins and outs and not _on_interactive_path(ctx, m):
                yield ctx.found(
                    [b, ctx.components[m], *(ctx.components[x] for x in sorted(set(ins + outs)))],
                    f"batch job '{b.id}' runs '{m}' over '{', '.join(sorted(ins))}' into '{', '.join(sorted(outs))}'",
                )


def precomputed_tables(ctx: Context) -> list[tuple[str, str, str, str]]:
    """(table, writer, model, reader) for keyed prediction tables read on a request path."""
    out = []
    for t in ctx.of_kind("datastore", "cache"):
        writers = table_writers(ctx, t.id)
        if t.kind == "cache":  # a cache filled by the model on the fly is a prediction cache
            writers = [(w, m) for w, m in writers if w != m]
        if not writers:
            continue
        readers = [
            x
            for x in ctx.receivers(t.id)
            if ctx.components[x].kind in LOOKUP_READER_KINDS and x not in {w for w, _ in writers}
        ]
        for w, m in writers:
            for x in readers:
                out.append((t.id, w, m, x))
    return out


@detector("precomputed-prediction-serving", per_placement=False)
def precomputed_prediction_serving(ctx: Context) -> Iterator[Hit]:
    """Predictions written into a table ahead of time and looked up on the request path."""
    for t, w, m, x in precomputed_tables(ctx):
        c = ctx.components
        yield ctx.found([c[t], c[w], c[m], c[x]], f"'{x}' looks up predictions of '{m}' in '{t}'")


@detector("cascade", per_placement=False)
def cascade(ctx: Context) -> Iterator[Hit]:
    """A model's result decides (through a conditional connector) whether a second model runs."""
    for c in model_chains(ctx):
        if c.conditional:
            yield ctx.found(
                [ctx.components[c.first], ctx.components[c.second], *(ctx.connectors[v] for v in c.via)],
                f"'{c.first}' escalates some inputs to '{c.second}'",
            )


@detector("two-phase-prediction")
def two_phase_prediction(ctx: Context) -> Iterator[Hit]:
    """A cascade whose first model runs on a client node and whose second runs on a server node."""
    for c in model_chains(ctx):
        m1, m2, via = c.first, c.second, c.via
        if not c.conditional:
            continue
        if ctx.node_kind(m1) is None or ctx.node_kind(m2) is None:
            yield ctx.unknown([ctx.components[m1], ctx.components[m2]], f"place '{m1}' and '{m2}' on nodes")
        elif ctx.on_client(m1) and ctx.on_server(m2):
            yield ctx.found(
                [ctx.components[m1], ctx.components[m2], *(ctx.connectors[v] for v in via)],
                f"'{m1}' on the device escalates some inputs to '{m2}' on the server",
            )


@detector("multi-stage-prediction", per_placement=False)
def multi_stage_prediction(ctx: Context) -> Iterator[Hit]:
    """One component calls a fast model synchronously and sends the request asynchronously to a second
    model of the same task, whose better answer comes later."""
    for x in ctx.system.components:
        sync_models = [
            e
            for e in ctx.outgoing(x.id)
            if e.synchronous and e.op == "invoke" and ctx.components[e.target].kind == "model"
        ]
        if not sync_models:
            continue
        async_models: list[str] = []
        for e in ctx.outgoing(x.id):
            if not ctx.is_async(e):
                continue
            tgt = ctx.components[e.target]
            if tgt.kind == "model":
                async_models.append(tgt.id)
            elif tgt.kind == "queue":
                async_models += [s for s in ctx.forward_graph.successors(tgt.id) if ctx.components[s].kind == "model"]
        for fast in sync_models:
            task = ctx.task(ctx.components[fast.target])
            for slow in sorted(set(async_models) - {fast.target}):
                if task is None or ctx.task(ctx.components[slow]) != task:
                    continue  # a later stage of a pipeline, not a better answer to the same question
                yield ctx.found(
                    [x, ctx.components[fast.target], ctx.components[slow]],
                    f"'{x.id}' answers with '{fast.target}' now and with '{slow}' later",
                )


@detector("asynchronous-serving", per_placement=False)
def asynchronous_serving(ctx: Context) -> Iterator[Hit]:
    """A model fed only by asynchronous serving connectors or from a queue."""
    for m in ctx.models():
        ins = [e for e in ctx.incoming(m.id) if e.purpose == "serving" and e.op == "invoke"]
        queues = [s for s in ctx.senders(m.id) if ctx.components[s].kind == "queue"]
        if queues or (ins and all(ctx.is_async(e) for e in ins)):
            yield ctx.found([m, *ins], f"'{m.id}' takes requests asynchronously")


@detector("prediction-cache", per_placement=False)
def prediction_cache(ctx: Context) -> Iterator[Hit]:
    """A cache filled with a model's predictions (written by the model, or by a component that calls it,
    or calling the model on a miss itself) and read on the request path."""
    for c in ctx.of_kind("cache"):
        filled = [w for w in ctx.senders(c.id) if ctx.components[w].kind == "model"]
        filled += [
            e.target
            for w in ctx.senders(c.id)
            if ctx.components[w].kind != "model"
            for e in ctx.outgoing(w)
            if e.op == "invoke" and e.purpose == "serving" and ctx.components[e.target].kind == "model"
        ]
        filled += [
            e.target for e in ctx.outgoing(c.id) if e.op == "invoke" and ctx.components[e.target].kind == "model"
        ]
        if not filled:
            continue
        readers = [x for x in ctx.receivers(c.id) if x not in filled and not ctx.is_passive(x)]
        for m in sorted(set(filled)):
            for x in readers:
                yield ctx.found(
                    [c, ctx.components[m], ctx.components[x]], f"'{x}' reads predictions of '{m}' from cache '{c.id}'"
                )


@detector("data-cache", per_placement=False)
def data_cache(ctx: Context) -> Iterator[Hit]:
    """A cache between a data or feature store and a model or feature encoder."""
    for c in ctx.of_kind("cache"):
        stores = [s for s in ctx.senders(c.id) if ctx.components[s].kind in ("datastore", "feature_store")]
        users = [x for x in ctx.receivers(c.id) if ctx.components[x].kind in ("model", "feature_encoder")]
        if stores and users:
            yield ctx.found(
                [c, *(ctx.components[x] for x in stores + users)],
                f"cache '{c.id}' keeps data from '{stores[0]}' for '{users[0]}'",
            )


@detector("prep-pred-separation", per_placement=False)
def prep_pred_separation(ctx: Context) -> Iterator[Hit]:
    """A feature encoder and a model deployed apart, connected by a network connector."""
    for f in ctx.of_kind("feature_encoder"):
        for e in ctx.outgoing(f.id) + ctx.incoming(f.id):
            other = e.target if e.source == f.id else e.source
            if ctx.components[other].kind == "model" and e.kind != "in_process" and e.purpose == "serving":
                yield ctx.found([f, ctx.components[other], e], f"encoder '{f.id}' and model '{other}' run separately")


@detector("prediction-circuit-breaker", per_placement=False)
def prediction_circuit_breaker(ctx: Context) -> Iterator[Hit]:
    """A gateway with a rate limit or circuit breaker in front of a model, with a fallback."""
    for g in ctx.of_kind("gateway"):
        targets = [ctx.components[e.target] for e in ctx.outgoing(g.id) if e.op == "invoke"]
        models = [t for t in targets if t.kind == "model"]
        fallbacks = [t for t in targets if t.kind != "model"]
        if models and fallbacks and ("rate_limit" in g.properties or "circuit_breaker" in g.properties):
            yield ctx.found(
                [g, *models, *fallbacks], f"gateway '{g.id}' sheds load from '{models[0].id}' to '{fallbacks[0].id}'"
            )
