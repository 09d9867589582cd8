"""Structural helpers shared by several detectors."""

from __future__ import annotations

from collections import deque

from ...model import Connector
from .._context import Context

__all__ = ["models_upstream", "models_downstream", "model_chains", "orchestrated", "table_writers", "LOOKUP_READER_KINDS"]

MAX_CHAIN = 3
"""Longest connector path (two components in between) along which one model's output counts as another's input."""
LOOKUP_READER_KINDS = frozenset({"ui", "business_logic", "gateway"})


def _models_near(ctx: Context, start: str, depth: int, upstream: bool) -> list[str]:
    """Models reached from ``start`` (itself included) against or along the data flow, through non-models only."""
    comps = ctx.components
    if start in comps and comps[start].kind == "model":
        return [start]
    out: list[str] = []
    seen = {start}
    queue = deque([(start, 0)])
    g = ctx.data_graph if upstream else ctx.forward_graph
    step = g.predecessors if upstream else g.successors
    while queue:
        cur, d = queue.popleft()
        if d >= depth or cur not in g:
            continue
        for n in sorted(step(cur)):
            if n in seen:
                continue
            seen.add(n)
            if comps[n].kind == "model":
                out.append(n)
            else:
                queue.append((n, d + 1))
    return out


def models_upstream(ctx: Context, start: str, depth: int = 3) -> list[str]:
    """Models whose output reaches ``start`` (itself included), passing only through non-model components."""
    return _models_near(ctx, start, depth, upstream=True)


def models_downstream(ctx: Context, start: str, depth: int = 3) -> list[str]:
    """Models that ``start`` sends data to (itself included), passing only through non-model components."""
    return _models_near(ctx, start, depth, upstream=False)


def model_chains(ctx: Context) -> list[tuple[str, str, list[str], bool]]:
    """Pairs of models where the first one's output reaches the second through non-model components.

    Returns (m1, m2, connector ids on the way, conditional) for each pair, where ``conditional`` is
    True when any connector on the way is marked conditional. Deterministic order.
    """
    return ctx.memo("model_chains", lambda: _model_chains(ctx))


def _model_chains(ctx: Context) -> list[tuple[str, str, list[str], bool]]:
    out: list[tuple[str, str, list[str], bool]] = []
    comps = ctx.components
    conns = ctx.connectors
    g = ctx.data_graph
    succ = {n: sorted((s, d["via"]) for s, d in g.adj[n].items()) for n in g}
    conditional = {e.id for e in ctx.system.connectors if e.conditional}
    # connectors whose response comes back to their source (the caller receives the callee's output)
    responding = {e.id for e in ctx.system.connectors if e.synchronous and e.op == "invoke"}
    is_model = {c: comps[c].kind == "model" for c in comps}
    passthrough = {c: not is_model[c] and not ctx.is_training(c) for c in comps}
    for m1 in sorted(c.id for c in ctx.models()):
        # breadth-first over non-model components; parent pointers keep the connector path
        parent: dict[str, tuple[str, str] | None] = {m1: None}
        frontier = [m1]
        for depth in range(MAX_CHAIN):
            nxt: list[str] = []
            for cur in frontier:
                came = parent[cur]
                # cur got its data as the response of its own call: only calls it makes later pass it on
                before = conns[came[1]] if came is not None and came[1] in responding and conns[came[1]].source == cur else None
                for s, via in succ.get(cur, ()):
                    if s in parent:
                        continue
                    if before is not None and not _ordered(ctx, before, cur, conns[via]):
                        continue
                    parent[s] = (cur, via)
                    if is_model[s]:
                        path: list[str] = []
                        node = s
                        while parent[node] is not None:
                            prev, v = parent[node]  # type: ignore[misc]
                            path.append(v)
                            node = prev
                        path.reverse()
                        out.append((m1, s, path, any(c in conditional for c in path)))
                    elif passthrough[s]:
                        nxt.append(s)
            frontier = nxt
    return out


def orchestrated(ctx: Context, start: str, via: list[str]) -> bool:
    """Whether some component on the path got the data as the response of its own call and passed it on
    in another call it made (an orchestrator that may combine rather than chain its callees)."""
    cur = start
    prev = None
    for cid in via:
        e = ctx.connectors[cid]
        if prev is not None and prev.source == cur and prev.synchronous and prev.op == "invoke" and e.source == cur:
            return True
        cur = e.target if e.source == cur else e.source
        prev = e
    return False


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
