"""Detectors of model composition: ensembles, stacking, sequential decomposition, retrieval."""

from __future__ import annotations

from typing import Iterator

from .._context import Context
from .._registry import Hit, detector
from ._common import Chain, model_chains


def _members(ctx: Context, agg: str) -> list[str]:
    """Models whose output the aggregator receives directly and unconditionally, in production use."""
    members: set[str] = set()
    for p in ctx.data_graph.predecessors(agg):
        m = ctx.components[p]
        if m.kind != "model" or m.status in ("experimental", "deprecated") or ctx.flags_guarding(m.id):
            continue
        links = [e for e in ctx.outgoing(agg) + ctx.incoming(agg) if p in (e.source, e.target)]
        if any(e.conditional or ctx.flags_guarding(e.id) for e in links):
            continue  # a cascade's second stage or a switched path, not a member asked every time
        members.add(p)
    return sorted(members)


@detector("ensemble", per_placement=False)
def ensemble(ctx: Context) -> Iterator[Hit]:
    """Two or more same-task models asked for every request, whose outputs a non-model aggregator
    combines; not when one of them takes the others' output (stacking, correction) or the caller
    splits traffic between them (a canary)."""
    chained = {(c.first, c.second) for c in model_chains(ctx)}
    for a in ctx.system.components:
        if a.kind == "model" or ctx.is_passive(a.id):
            continue
        members = _members(ctx, a.id)
        if len(members) < 2:
            continue
        comps = [ctx.components[m] for m in members]
        if any(ctx.task(c) is None for c in comps):
            missing = [c.id for c in comps if ctx.task(c) is None]
            yield ctx.unknown(
                [a, *comps],
                f"declare model.task on {', '.join(repr(x) for x in missing)} to tell whether '{a.id}' combines an ensemble",
            )
            continue
        by_task: dict[str, list[str]] = {}
        for c in comps:
            by_task.setdefault(ctx.task(c) or "", []).append(c.id)
        for task, group in sorted(by_task.items()):
            if len(group) < 2 or any((x, y) in chained for x in group for y in group):
                continue
            if "aggregation" in a.properties:
                yield ctx.found(
                    [a, *(ctx.components[g] for g in group)],
                    f"'{a.id}' combines {len(group)} '{task}' models by {a.properties['aggregation']}",
                )
            elif not any(
                "weight" in e.properties or e.share is not None or ctx.components[e.target].properties.get("shadow")
                for e in ctx.outgoing(a.id)
                if e.target in group
            ):
                yield ctx.unknown(
                    [a, *(ctx.components[g] for g in group)],
                    f"declare properties.aggregation on '{a.id}' (e.g. 'vote') if it combines "
                    f"{', '.join(group)}, or corrects (or model.inputs naming the other's outputs) "
                    f"on the one that takes another's answer",
                )


def _intermediates(ctx: Context, c: Chain) -> list[str]:
    """The components a chain passes between its two models."""
    ends = {c.first, c.second}
    return sorted({x for v in c.via for x in (ctx.connectors[v].source, ctx.connectors[v].target)} - ends)


@detector("metamodel-stacking", per_placement=False)
def metamodel_stacking(ctx: Context) -> Iterator[Hit]:
    """A model that takes the predictions of two or more other models as input (model chains into it),
    not the one answer an aggregator made of them (that model follows an ensemble)."""
    inputs: dict[str, set[str]] = {}
    aggregators = {x.id for x in ctx.system.components if "aggregation" in x.properties}
    for c in model_chains(ctx):
        if c.conditional or (aggregators and any(x in aggregators for x in _intermediates(ctx, c))):
            continue
        inputs.setdefault(c.second, set()).add(c.first)
    for meta, members in sorted(inputs.items()):
        if len(members) >= 2:
            yield ctx.found(
                [ctx.components[meta], *(ctx.components[m] for m in sorted(members))],
                f"'{meta}' learns to combine {', '.join(sorted(members))}",
            )


@detector("sequential-decomposition", per_placement=False)
def sequential_decomposition(ctx: Context) -> Iterator[Hit]:
    """A model's output feeds a model with a different task, unconditionally."""
    for c in model_chains(ctx):
        if c.conditional:
            continue
        a, b = ctx.components[c.first], ctx.components[c.second]
        if ctx.task(a) is None or ctx.task(b) is None:
            missing = [x.id for x in (a, b) if ctx.task(x) is None]
            yield ctx.unknown([a, b], f"declare model.task on {', '.join(repr(x) for x in missing)}")
        elif ctx.task(a) != ctx.task(b):
            yield ctx.found(
                [a, b, *(ctx.connectors[v] for v in c.via)],
                f"'{c.first}' ({ctx.task(a)}) feeds '{c.second}' ({ctx.task(b)})",
            )


@detector("retrieval-augmented-generation", per_placement=False)
def retrieval_augmented_generation(ctx: Context) -> Iterator[Hit]:
    """A component reads a search index and sends what it found to a model."""
    for b in ctx.system.components:
        if b.kind == "model" or ctx.is_passive(b.id):
            continue
        indexes = [
            r
            for r in ctx.data_graph.predecessors(b.id)
            if ctx.is_passive(r) and "index" in ctx.components[r].properties
        ]
        models = [m for m in ctx.forward_graph.successors(b.id) if ctx.components[m].kind == "model"]
        if indexes and models:
            yield ctx.found(
                [b, ctx.components[indexes[0]], ctx.components[models[0]]],
                f"'{b.id}' adds documents from '{indexes[0]}' to the prompt of '{models[0]}'",
            )
