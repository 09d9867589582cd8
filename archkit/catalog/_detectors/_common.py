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


def _model_chains(ctx: Context) -> list[Chain]:
    out: list[Chain] = []
    comps = ctx.components
    conns = ctx.connectors
    is_model = {c: comps[c].kind == "model" for c in comps}
    passthrough = {c: not is_model[c] and not ctx.is_training(c) for c in comps}
    corrects = {c: comps[c].corrects for c in comps}
    tasks = {c: ctx.task(comps[c]) for c in comps}
    in_flow_before = ctx.in_flow_before
    # per connector once: (source, target, it answers its caller: a synchronous invoke, it is a read)
    ends = {e.id: (e.source, e.target, e.op == "invoke" and e.synchronous, e.op == "read") for e in conns.values()}
    # each step once: (next, connector, response: the data is the response of a call ``cur`` answered,
    # passes on: ``cur`` sends it on in a request or write of its own, the next one got a response of
    # its own call, the next one is a model, the next one passes data on)
    Step = tuple[str, Connector, bool, bool, bool, bool, bool]
    succ: dict[str, list[Step]] = {}
    for n, adjacent in ctx.data_steps.items():
        steps = []
        for s in sorted(adjacent):
            via = adjacent[s]
            source, target, answers, read = ends[via]
            response = answers and target == n
            passes_on = source == n and not read and not response
            steps.append((s, conns[via], response, passes_on, response and source == s, is_model[s], passthrough[s]))
        succ[n] = steps
    # the last hop only matters where it ends at a model (what it reaches otherwise is not searched on), and
    # the hop before it only where it ends at a model or at a component with such a last hop
    to_models = {n: [st for st in steps if st[5]] for n, steps in succ.items()}
    onward = {n: [st for st in steps if st[5] or (st[6] and to_models[st[0]])] for n, steps in succ.items()}
    shared: dict[tuple[str, str], bool] = {}

    def shares(m1: str, m2: str) -> bool:
        v = shared.get((m1, m2))
        if v is None:
            v = shared[(m1, m2)] = shares_fields(comps[m1], comps[m2])
        return v

    for m1 in sorted(c.id for c in ctx.models()):
        # breadth-first over non-model components; parent pointers keep the connector path:
        # node -> (previous, connector, orchestrated, got a response of its own call, conditional on the way)
        parent: dict[str, tuple[str, Connector, bool, bool, bool] | None] = {m1: None}
        found: list[str] = []
        frontier: list[str] = []
        for s, e, response, _, got, s_model, s_pass in succ.get(m1, ()):
            if s in parent:
                continue
            if response and s_model and m1 not in corrects[s]:
                continue  # a model answering a model's call: the request is the data that counts
            parent[s] = (m1, e, False, got, e.conditional)
            if s_model:
                found.append(s)
            elif s_pass:
                frontier.append(s)
        for hop in range(2, MAX_CHAIN + 1):
            nxt: list[str] = []
            steps_of = to_models if hop == MAX_CHAIN else onward if hop == MAX_CHAIN - 1 else succ
            for cur in frontier:
                _, before, came_orchestrated, got_response, came_conditional = parent[cur]  # type: ignore[misc]
                for s, e, _, passes_on, got, s_model, s_pass in steps_of.get(cur, ()):
                    if s in parent:
                        continue
                    orchestrated = came_orchestrated
                    if got_response and passes_on:
                        # cur passes on what a call of its own returned: only in a later call of the same flow
                        orchestrated = True
                        if not (s_model and shares(m1, s)) and not in_flow_before(before, e):
                            continue
                    parent[s] = (cur, e, orchestrated, got, came_conditional or e.conditional)
                    if s_model:
                        found.append(s)
                    elif s_pass:
                        nxt.append(s)
            frontier = nxt
        task1 = tasks[m1]
        for m2 in found:
            _, _, orchestrated, _, conditional = parent[m2]  # type: ignore[misc]
            # the pair rules: declared corrections, and same-task models called in turn by an orchestrator
            if m1 not in corrects[m2]:
                if m2 in corrects[m1]:
                    continue  # declared the other way round
                if orchestrated and not conditional and task1 is not None and task1 == tasks[m2] and not shares(m1, m2):
                    continue  # two same-task models called in turn: combined, not chained
            out.append(_chain(m1, m2, parent, orchestrated, conditional))
    return out


_new = object.__new__


def _chain(m1: str, m2: str, parent: dict[str, Any], orchestrated: bool, conditional: bool) -> Chain:
    """The Chain from ``m1`` to ``m2`` along the parent pointers (built field by field: a large model has
    tens of thousands, and a frozen dataclass's constructor sets each field through object.__setattr__)."""
    path: list[str] = []
    node = m2
    while node != m1:
        node, e, _, _, _ = parent[node]
        path.append(e.id)
    path.reverse()
    c = _new(Chain)
    d = c.__dict__
    d["first"], d["second"], d["via"], d["conditional"], d["orchestrated"] = (
        m1,
        m2,
        tuple(path),
        conditional,
        orchestrated,
    )
    return c


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
