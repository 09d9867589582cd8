"""Structural helpers shared by several detectors: model chains, prediction tables.

A **model chain** says that one model's output becomes (part of) another model's input, through
components that are not models. How a chain is read from the connectors:

* data travels along the data-flow graph (:mod:`archkit.catalog._context`): requests and writes
  forward, responses of synchronous calls back to the caller, reads from the read component;
* a model that calls another model directly passes it its request (``a >> b``: ``a``'s output
  feeds ``b``), unless ``corrects`` says the other way round;
* an orchestrator that got a model's output as the response of its own call passes it on only in
  a call it makes *later*, and "later" comes from a declared flow holding both calls in that order,
  never from the order of declaration. Even then, two models of the same task called one after the
  other by an orchestrator are taken as combined (an ensemble), not chained, unless the second call
  is conditional (a cascade) or the second model's declared ``model.inputs`` name one of the first
  model's ``model.outputs`` (a correction, or a stacked metamodel);
* declared ``model.inputs``/``model.outputs`` that share a field name are evidence on their own:
  the orchestrator's hop then needs no flow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...model import Component, Connector
from .._context import Context

__all__ = ["Chain", "model_chains", "shares_fields", "table_writers", "LOOKUP_READER_KINDS", "MAX_CHAIN"]

MAX_CHAIN = 3
"""Longest connector path (two components in between) along which one model's output counts as another's input."""
LOOKUP_READER_KINDS = frozenset({"ui", "business_logic", "gateway"})


@dataclass(frozen=True)
class Chain:
    """One model's output reaching another model's input."""

    first: str
    second: str
    via: tuple[str, ...]
    conditional: bool
    """Some connector on the way is used only for some events (the second model runs for some inputs)."""
    orchestrated: bool
    """Some component on the way got the output as the response of its own call and passed it on."""


def shares_fields(first: Component, second: Component) -> bool:
    """Whether ``second`` declares an input named like one of ``first``'s declared outputs."""
    if first.model is None or second.model is None:
        return False
    outs = {f.name for f in first.model.outputs}
    return any(f.name in outs for f in second.model.inputs)


def model_chains(ctx: Context) -> list[Chain]:
    """Pairs of models where the first one's output reaches the second through non-model components
    (the rules are in the module docstring). Deterministic order."""
    return ctx.memo("model_chains", lambda: _model_chains(ctx))


def _is_response(e: Connector, cur: str) -> bool:
    """Whether data moves from ``cur`` along ``e`` as the response of a call ``cur`` answered."""
    return e.synchronous and e.op == "invoke" and e.target == cur


def _model_chains(ctx: Context) -> list[Chain]:
    out: list[Chain] = []
    comps = ctx.components
    conns = ctx.connectors
    g = ctx.data_graph
    is_model = {c: comps[c].kind == "model" for c in comps}
    passthrough = {c: not is_model[c] and not ctx.is_training(c) for c in comps}
    # each step once: (next, connector, response: the data is the response of a call ``cur`` answered,
    # passes on: ``cur`` sends it on in a request or write of its own)
    succ: dict[str, list[tuple[str, Connector, bool, bool]]] = {}
    for n in g:
        steps = []
        for s, via in sorted((s, d["via"]) for s, d in g.adj[n].items()):
            e = conns[via]
            response = _is_response(e, n)
            steps.append((s, e, response, e.source == n and e.op != "read" and not response))
        succ[n] = steps
    for m1 in sorted(c.id for c in ctx.models()):
        first = comps[m1]
        # breadth-first over non-model components; parent pointers keep the connector path
        # node -> (previous, connector, orchestrated, got a response of its own call)
        parent: dict[str, tuple[str, Connector, bool, bool] | None] = {m1: None}
        frontier = [m1]
        for _ in range(MAX_CHAIN):
            nxt: list[str] = []
            for cur in frontier:
                came = parent[cur]
                got_response = came is not None and came[3]
                came_orchestrated = came is not None and came[2]
                for s, e, response, passes_on in succ.get(cur, ()):
                    if s in parent:
                        continue
                    hop_orchestrated = False
                    if cur == m1 and response and is_model[s] and m1 not in comps[s].corrects:
                        continue  # a model answering a model's call: the request is the data that counts
                    if got_response and passes_on:
                        # cur passes on what a call of its own returned: only in a later call of the same flow
                        before = came[1]  # type: ignore[index]
                        hop_orchestrated = True
                        if not (is_model[s] and shares_fields(first, comps[s])) and not ctx.in_flow_before(before, e):
                            continue
                    parent[s] = (cur, e, hop_orchestrated or came_orchestrated, response and e.source == s)
                    if is_model[s]:
                        chain = _chain(m1, s, parent)
                        if _accept(ctx, first, comps[s], chain):
                            out.append(chain)
                    elif passthrough[s]:
                        nxt.append(s)
            frontier = nxt
    return out


def _chain(m1: str, m2: str, parent: dict[str, Any]) -> Chain:
    path: list[str] = []
    node = m2
    orchestrated = parent[m2][2]
    conditional = False
    while parent[node] is not None:
        prev, e, _, _ = parent[node]
        path.append(e.id)
        conditional = conditional or e.conditional
        node = prev
    path.reverse()
    return Chain(m1, m2, tuple(path), conditional, orchestrated)


def _accept(ctx: Context, first: Component, second: Component, chain: Chain) -> bool:
    """Apply the pair rules: declared corrections, and same-task models called in turn by an orchestrator."""
    if first.id in ctx.corrections(second.id):
        return True
    if second.id in ctx.corrections(first.id):
        return False  # declared the other way round
    same_task = ctx.task(first) is not None and ctx.task(first) == ctx.task(second)
    if chain.orchestrated and same_task and not chain.conditional and not shares_fields(first, second):
        return False  # two same-task models called in turn: combined, not chained
    return True


def table_writers(ctx: Context, table: str) -> list[tuple[str, str]]:
    """(writer, model) pairs: a model writing into ``table``, or a batch job that calls a model and writes it."""
    out: list[tuple[str, str]] = []
    comps = ctx.components
    for w in ctx.senders(table):
        c = comps[w]
        if c.kind == "model":
            out.append((w, w))
        elif c.kind == "batch_job" and not ctx.is_training(w):
            for e in ctx.outgoing(w):
                if e.op == "invoke" and comps[e.target].kind == "model":
                    out.append((w, e.target))
    return out
