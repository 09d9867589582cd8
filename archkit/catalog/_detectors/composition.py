"""Detectors of model composition: ensembles, stacking, sequential decomposition, retrieval."""

from __future__ import annotations

from typing import Iterator

from .._context import Context
from .._registry import Hit, detector
from ._common import model_chains, models_upstream


def _member_models(ctx: Context, agg: str) -> list[str]:
    members: set[str] = set()
    for p in ctx.data_graph.predecessors(agg):
        if ctx.components[p].kind == "model":
            members.add(p)
    return sorted(members)


@detector("ensemble", per_placement=False)
def ensemble(ctx: Context) -> Iterator[Hit]:
    """Two or more same-task models whose outputs are combined by a non-model aggregator."""
    for a in ctx.system.components:
        if a.kind == "model" or ctx.is_passive(a.id):
            continue
        members = _member_models(ctx, a.id)
        if len(members) < 2:
            continue
        comps = [ctx.components[m] for m in members]
        if any(ctx.task(c) is None for c in comps):
            missing = [c.id for c in comps if ctx.task(c) is None]
            yield ctx.unknown([a, *comps], f"declare model.task on {', '.join(repr(x) for x in missing)} to tell whether '{a.id}' combines an ensemble")
            continue
        by_task: dict[str, list[str]] = {}
        for c in comps:
            by_task.setdefault(ctx.task(c) or "", []).append(c.id)
        for task, group in sorted(by_task.items()):
            if len(group) < 2:
                continue
            if "aggregation" in a.properties:
                yield ctx.found([a, *(ctx.components[g] for g in group)],
                                f"'{a.id}' combines {len(group)} '{task}' models by {a.properties['aggregation']}")
            elif not any("weight" in e.properties or e.share is not None or ctx.components[e.target].properties.get("shadow")
                         for e in ctx.outgoing(a.id) if e.target in group):
                yield ctx.unknown([a, *(ctx.components[g] for g in group)],
                                  f"declare properties.aggregation on '{a.id}' (e.g. 'vote') if it combines {', '.join(group)}")


@detector("metamodel-stacking", per_placement=False)
def metamodel_stacking(ctx: Context) -> Iterator[Hit]:
    """A model that takes the predictions of two or more other models as input."""
    for meta in ctx.models():
        members = sorted(set(m for p in ctx.senders(meta.id) for m in models_upstream(ctx, p, depth=2)) - {meta.id})
        if len(members) >= 2:
            yield ctx.found([meta, *(ctx.components[m] for m in members)],
                            f"'{meta.id}' learns to combine {', '.join(members)}")


@detector("sequential-decomposition", per_placement=False)
def sequential_decomposition(ctx: Context) -> Iterator[Hit]:
    """A model's output feeds a model with a different task, unconditionally."""
    for m1, m2, via, cond in model_chains(ctx):
        if cond:
            continue
        a, b = ctx.components[m1], ctx.components[m2]
        if ctx.task(a) is None or ctx.task(b) is None:
            missing = [c.id for c in (a, b) if ctx.task(c) is None]
            yield ctx.unknown([a, b], f"declare model.task on {', '.join(repr(x) for x in missing)}")
        elif ctx.task(a) != ctx.task(b):
            yield ctx.found([a, b, *(ctx.connectors[v] for v in via)], f"'{m1}' ({ctx.task(a)}) feeds '{m2}' ({ctx.task(b)})")


@detector("retrieval-augmented-generation", per_placement=False)
def retrieval_augmented_generation(ctx: Context) -> Iterator[Hit]:
    """A component reads a search index and sends what it found to a model."""
    for b in ctx.system.components:
        if b.kind == "model" or ctx.is_passive(b.id):
            continue
        indexes = [r for r in ctx.data_graph.predecessors(b.id)
                   if ctx.is_passive(r) and "index" in ctx.components[r].properties]
        models = [m for m in ctx.forward_graph.successors(b.id) if ctx.components[m].kind == "model"]
        if indexes and models:
            yield ctx.found([b, ctx.components[indexes[0]], ctx.components[models[0]]],
                            f"'{b.id}' adds documents from '{indexes[0]}' to the prompt of '{models[0]}'")
