"""Detectors of operations patterns: telemetry, evaluation in production, versions, experiments."""

from __future__ import annotations

from typing import Iterator

from ..._digraph import descendants, shortest_path
from ...model import Component
from .._context import Context
from .._registry import Hit, detector
from ._common import model_chains


def telemetry_sinks(ctx: Context, mid: str) -> list[str]:
    """Components receiving telemetry about a model: from the model itself, from a component calling
    it, or from a component up the chain of synchronous calls that leads to it."""
    known: dict[str, list[str]] = ctx.memo("telemetry_sinks", dict)
    found = known.get(mid)
    if found is None:
        found = known[mid] = _telemetry_sinks(ctx, mid)
    return found


def _telemetry_sinks(ctx: Context, mid: str) -> list[str]:
    sends = ctx.memo("telemetry_sent", lambda: _telemetry_sent(ctx))
    if not sends:
        return []
    out = set(sends.get(mid, ()))
    for e in ctx.incoming(mid):
        if e.op == "invoke":
            out |= sends.get(e.source, set())
    for s in ctx.sync_callers(mid):
        out |= sends.get(s, set())
    return sorted(out)


def _telemetry_sent(ctx: Context) -> dict[str, set[str]]:
    """Component -> the components it sends telemetry to (a telemetry connector, or any to a telemetry component)."""
    out: dict[str, set[str]] = {}
    comps = ctx.components
    for e in ctx.system.connectors:
        if e.purpose == "telemetry" or comps[e.target].kind == "telemetry":
            out.setdefault(e.source, set()).add(e.target)
    return out


def feedback_reaches(ctx: Context, mid: str) -> list[str]:
    """Feedback connectors whose data reaches the model's telemetry sinks or its training."""
    reach = ctx.memo("feedback_reach", lambda: _feedback_reach(ctx))
    if not reach:
        return []
    targets = set(telemetry_sinks(ctx, mid)) | set(ctx.trainers.get(mid, []))
    return sorted({f for t in targets for f in reach.get(t, ())})


def _feedback_reach(ctx: Context) -> dict[str, set[str]]:
    """Component -> feedback connectors whose data reaches it (forward data flow)."""
    out: dict[str, set[str]] = {}
    g = ctx.forward_graph
    for e in ctx.system.connectors:
        if e.purpose != "feedback":
            continue
        start = e.source if e.op == "read" else e.target
        for x in {start} | (descendants(g, start) if start in g else set()):
            out.setdefault(x, set()).add(e.id)
    return out


@detector("prediction-logging", per_placement=False)
def prediction_logging(ctx: Context) -> Iterator[Hit]:
    """A model (or a component calling it) sends telemetry."""
    for m in ctx.models():
        sinks = telemetry_sinks(ctx, m.id)
        if sinks:
            yield ctx.found(
                [m, *(ctx.components[s] for s in sinks)], f"predictions of '{m.id}' are logged to '{sinks[0]}'"
            )


@detector("continued-model-evaluation", per_placement=False)
def continued_model_evaluation(ctx: Context) -> Iterator[Hit]:
    """Prediction logging plus production feedback that reaches the model's telemetry or training."""
    for m in ctx.models():
        if not telemetry_sinks(ctx, m.id):
            continue
        fb = feedback_reaches(ctx, m.id)
        if fb:
            yield ctx.found(
                [m, ctx.connectors[fb[0]]], f"feedback via '{fb[0]}' lets '{m.id}' be evaluated in production"
            )


def feedback_loops(ctx: Context) -> list[tuple[Component, str, list[str]]]:
    """(model, trainer, path) where the model's output flows back into its own training, through
    connectors or through declared ``influences`` (effects on data through the world)."""
    out: list[tuple[Component, str, list[str]]] = []
    trainers = ctx.trainers
    if not trainers:
        return out  # no model is trained here: no loop to find (and no graph to build)
    g = ctx.influences_graph()
    for m in ctx.models():
        for t in trainers.get(m.id, []):
            path = shortest_path(g, m.id, t)
            if path is None:
                continue
            out.append((m, t, path))
    return out


@detector("closed-loop-intelligence", per_placement=False)
def closed_loop_intelligence(ctx: Context) -> Iterator[Hit]:
    """The model's output flows through use and telemetry back into its training and then to the model."""
    for m, t, path in feedback_loops(ctx):
        yield ctx.found([ctx.components[x] for x in path], f"'{m.id}' learns from its own use through '{t}'")


@detector("model-versioning", per_placement=False)
def model_versioning(ctx: Context) -> Iterator[Hit]:
    """A model declares a version and receives its artifact over a model_artifact connector."""
    for m in ctx.models():
        artifact = [e for e in ctx.incoming(m.id) + ctx.outgoing(m.id) if e.purpose == "model_artifact"]
        if m.version and artifact:
            yield ctx.found([m, artifact[0]], f"'{m.id}' is version {m.version}, delivered via '{artifact[0].id}'")


def _same_task_targets(ctx: Context, x: str) -> dict[str, list[str]]:
    """Models of each task that ``x`` sends serving requests to (artifact pushes and the like do not count)."""
    by_task: dict[str, list[str]] = {}
    for e in ctx.outgoing(x):
        tgt = ctx.components[e.target]
        if tgt.kind == "model" and e.op == "invoke" and e.purpose == "serving" and ctx.task(tgt):
            by_task.setdefault(ctx.task(tgt) or "", [])
            if tgt.id not in by_task[ctx.task(tgt) or ""]:
                by_task[ctx.task(tgt) or ""].append(tgt.id)
    return by_task


@detector("shadow-deployment", per_placement=False)
def shadow_deployment(ctx: Context) -> Iterator[Hit]:
    """A caller mirrors requests to a candidate model whose output goes only to telemetry or storage."""
    for x in ctx.system.components:
        for task, models in sorted(_same_task_targets(ctx, x.id).items()):
            if len(models) < 2:
                continue
            for cand in models:
                c = ctx.components[cand]
                into = [e for e in ctx.outgoing(x.id) if e.target == cand]
                marked = c.properties.get("shadow") is True or (
                    c.status == "experimental" and all(ctx.is_async(e) for e in into)
                )
                onward = list(ctx.forward_graph.successors(cand))
                if marked and all(ctx.is_passive(o) or ctx.components[o].kind == "monitor" for o in onward):
                    live = [mm for mm in models if mm != cand]
                    yield ctx.found(
                        [x, c, ctx.components[live[0]]], f"'{cand}' shadows '{live[0]}' on the requests of '{x.id}'"
                    )


def _split_share(e: object) -> float | None:
    """The traffic share of a connector (``share``, or a numeric ``properties.weight``), if declared."""
    w = e.share if e.share is not None else e.properties.get("weight")  # type: ignore[attr-defined]
    return float(w) if isinstance(w, (int, float)) and not isinstance(w, bool) else None


@detector("canary-release", per_placement=False)
def canary_release(ctx: Context) -> Iterator[Hit]:
    """A caller splits traffic between same-task models by share (or weight) strictly between 0 and 1,
    and neither model's output leads to the other's call (that would be a cascade: the second model
    runs for some of the requests after the first one answered)."""
    chained = {(c.first, c.second) for c in model_chains(ctx)}
    for x in ctx.system.components:
        for task, models in sorted(_same_task_targets(ctx, x.id).items()):
            if len(models) < 2 or any((a, b) in chained for a in models for b in models):
                continue
            split = [
                e
                for e in ctx.outgoing(x.id)
                if e.target in models and e.purpose == "serving" and (w := _split_share(e)) is not None and 0 < w < 1
            ]
            if split:
                yield ctx.found(
                    [x, *(ctx.components[m] for m in models), *split],
                    f"'{x.id}' splits '{task}' traffic between {', '.join(models)}",
                )


@detector("input-validation-handshake", per_placement=False)
def input_validation_handshake(ctx: Context) -> Iterator[Hit]:
    """A validator between a foreign-owned or external source and a model."""
    for v in ctx.system.components:
        if not (v.kind == "safeguard" or v.properties.get("role") == "input_validation"):
            continue
        downstream = [
            m for m in ctx.forward_graph.successors(v.id) if ctx.components[m].kind in ("model", "feature_encoder")
        ]
        if not downstream:
            continue
        target = ctx.components[downstream[0]]
        for s in ctx.senders(v.id):
            src = ctx.components[s]
            foreign = src.kind == "external" or (
                src.owner is not None and target.owner is not None and src.owner != target.owner
            )
            if foreign:
                yield ctx.found([src, v, target], f"'{v.id}' validates input from '{s}' before '{target.id}'")
