"""Structural helpers shared by several detectors."""

from __future__ import annotations

from collections import deque

from ...model.elements import Connector
from ..context import Context

__all__ = ["models_upstream", "models_downstream", "model_chains", "table_writers", "LOOKUP_READER_KINDS"]

LOOKUP_READER_KINDS = frozenset({"ui", "business_logic", "gateway"})


def models_upstream(ctx: Context, start: str, depth: int = 3) -> list[str]:
    """Models whose output reaches ``start`` (itself included), passing only through non-model components."""
    comps = ctx.components
    if start in comps and comps[start].kind == "model":
        return [start]
    out: list[str] = []
    seen = {start}
    queue = deque([(start, 0)])
    g = ctx.data_graph
    while queue:
        cur, d = queue.popleft()
        if d >= depth or cur not in g:
            continue
        for p in sorted(g.predecessors(cur)):
            if p in seen:
                continue
            seen.add(p)
            if comps[p].kind == "model":
                out.append(p)
            else:
                queue.append((p, d + 1))
    return out


def models_downstream(ctx: Context, start: str, depth: int = 3) -> list[str]:
    """Models that ``start`` sends data to (itself included), passing only through non-model components."""
    comps = ctx.components
    if start in comps and comps[start].kind == "model":
        return [start]
    out: list[str] = []
    seen = {start}
    queue = deque([(start, 0)])
    g = ctx.forward_graph
    while queue:
        cur, d = queue.popleft()
        if d >= depth or cur not in g:
            continue
        for s in sorted(g.successors(cur)):
            if s in seen:
                continue
            seen.add(s)
            if comps[s].kind == "model":
                out.append(s)
            else:
                queue.append((s, d + 1))
    return out


def model_chains(ctx: Context) -> list[tuple[str, str, list[str], bool]]:
    """Pairs of models where the first one's output reaches the second through non-model components.

    Returns (m1, m2, connector ids on the way, conditional) for each pair, where ``conditional`` is
    True when any connector on the way is marked conditional. Deterministic order.
    """
    out: list[tuple[str, str, list[str], bool]] = []
    comps = ctx.components
    g = ctx.data_graph
    for m1 in sorted(c.id for c in ctx.models()):
        # breadth-first over non-model components, remembering the connector path
        seen = {m1}
        queue: deque[tuple[str, list[str]]] = deque([(m1, [])])
        while queue:
            cur, path = queue.popleft()
            if len(path) >= 4:
                continue
            for succ in sorted(g.successors(cur)):
                if succ in seen:
                    continue
                seen.add(succ)
                via = g.edges[cur, succ]["via"]
                e = ctx.connectors[via]
                if path and not _ordered(ctx, ctx.connectors[path[-1]], cur, e):
                    continue
                p = path + [via]
                if comps[succ].kind == "model":
                    if ctx.is_passive(cur) or cur == m1 or e.target == succ or e.op == "read":
                        cond = any(ctx.connectors[c].conditional for c in p)
                        out.append((m1, succ, p, cond))
                elif not ctx.is_training(succ):
                    queue.append((succ, p))
    return out


def _ordered(ctx: Context, before: Connector, cur: str, after: Connector) -> bool:
    """When ``cur`` got data as the response of its own call and passes it on in another call it makes,
    the first call must come before the second (in a common flow, else in declaration order)."""
    got_response = before.source == cur and before.synchronous and before.op == "invoke"
    sends_request = after.source == cur and after.op != "read"
    if got_response and sends_request:
        return ctx.precedes(before, after)
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
