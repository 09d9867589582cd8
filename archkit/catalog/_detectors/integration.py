"""Detectors of integration patterns: how models sit among the other components."""

from __future__ import annotations

from typing import Iterator

from .._context import Context
from .._registry import Hit, detector

_LOGIC = ("business_logic", "gateway", "safeguard")


@detector("separate-business-logic-from-model", per_placement=False)
def separate_business_logic_from_model(ctx: Context) -> Iterator[Hit]:
    """Every model is called by business logic (or a gateway/safeguard) and never directly by a UI."""
    models = ctx.models()
    if not models:
        return
    for m in models:
        callers = [ctx.components[e.source] for e in ctx.incoming(m.id) if e.op == "invoke"]
        readers = [ctx.components[x] for x in ctx.receivers(m.id)]
        if any(c.kind == "ui" for c in callers + readers):
            return
        if not any(c.kind in _LOGIC for c in callers):
            return
    yield ctx.found(models, f"all {len(models)} models sit behind business logic; no user interface calls a model")


@detector("rule-based-safeguard", per_placement=False)
def rule_based_safeguard(ctx: Context) -> Iterator[Hit]:
    """A safeguard component receives a model's output."""
    for s in ctx.of_kind("safeguard"):
        for m in ctx.data_graph.predecessors(s.id):
            if ctx.components[m].kind == "model":
                yield ctx.found([ctx.components[m], s], f"'{s.id}' checks the output of '{m}'")


@detector("parameter-based-serving", per_placement=False)
def parameter_based_serving(ctx: Context) -> Iterator[Hit]:
    """A control connector ends at a model or at a gateway that calls a model."""
    for e in ctx.system.connectors:
        if e.purpose != "control":
            continue
        tgt = ctx.components[e.target]
        if tgt.kind == "model" or (
            tgt.kind == "gateway" and any(ctx.components[x.target].kind == "model" for x in ctx.outgoing(tgt.id))
        ):
            yield ctx.found([tgt, e], f"'{e.source}' can switch or tune '{tgt.id}' at run time")


@detector("ml-gateway-routing", per_placement=False)
def ml_gateway_routing(ctx: Context) -> Iterator[Hit]:
    """A gateway calls models that no UI or business logic calls directly."""
    for g in ctx.of_kind("gateway"):
        models = sorted(
            {e.target for e in ctx.outgoing(g.id) if e.op == "invoke" and ctx.components[e.target].kind == "model"}
        )
        if not models:
            continue
        bypass = [
            e
            for m in models
            for e in ctx.incoming(m)
            if e.source != g.id and e.op == "invoke" and ctx.components[e.source].kind in ("ui", "business_logic")
        ]
        if not bypass:
            yield ctx.found(
                [g, *(ctx.components[m] for m in models)],
                f"requests to {', '.join(models)} go through gateway '{g.id}'",
            )


@detector("microservice-per-model", per_placement=False)
def microservice_per_model(ctx: Context) -> Iterator[Hit]:
    """Two or more models, none of them hosted inside another component's process."""
    models = ctx.models()
    if len(models) < 2:
        return
    for m in models:
        if any(e.kind == "in_process" for e in ctx.incoming(m.id) + ctx.outgoing(m.id)):
            return
    yield ctx.found(models, f"each of the {len(models)} models is its own service")
