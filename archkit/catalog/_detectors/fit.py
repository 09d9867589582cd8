"""Quantitative deployment-fit checks, computed by the analyses in :mod:`archkit.analysis`.

Each check turns an analysis verdict into hits: "violates"/"over" (even the best case misses) is a
finding at the entry's severity (error); "at risk" (only the worst case misses) is a finding at
warning; "unknown" is an undecided hit that names what to declare.
"""

from __future__ import annotations

from typing import Any, Iterator

from .._context import Context
from .._registry import Hit, detector


def _analysis(ctx: Context) -> Any:
    """The analysis package, imported when a check first needs it (keeps ``import archkit`` light).

    Returns None when this installation has no :mod:`archkit.analysis`; the checks then report undecided.
    """
    try:
        import archkit.analysis as analysis
    except ImportError:
        return None
    return analysis


def _no_analysis(ctx: Context, what: str) -> Hit:
    return ctx.unknown([ctx.system], f"{what} needs archkit.analysis, which this installation lacks")


def _missing(estimate: Any) -> str:
    return "; ".join(list(estimate.missing)[:3]) or "declare the missing figures"


@detector("latency-budget")
def latency_budget(ctx: Context) -> Iterator[Hit]:
    """Flows whose end-to-end latency exceeds their budget (the latency analysis)."""
    flows = [f for f in ctx.system.flows if f.latency_budget is not None]
    if not flows:
        return
    an = _analysis(ctx)
    if an is None:
        yield _no_analysis(ctx, "the latency check")
        return
    for f in flows:
        res = an.flow_latency(ctx.graph, f.id)
        if res.verdict == "violates":
            yield ctx.found([f], f"flow '{f.id}' takes {res.total.text()}, over its budget of {res.budget}")
        elif res.verdict == "at risk":
            yield ctx.found([f], f"flow '{f.id}' takes {res.total.text()}; the worst case is over its budget of "
                            f"{res.budget}", severity="warning")
        elif res.verdict == "unknown":
            yield ctx.unknown([f], f"latency of flow '{f.id}' is unknown: {_missing(res.total)}")


@detector("link-capacity")
def link_capacity(ctx: Context) -> Iterator[Hit]:
    """Links that carry more than their bandwidth in some direction (the link-load analysis)."""
    if not ctx.system.links:
        return
    an = _analysis(ctx)
    if an is None:
        yield _no_analysis(ctx, "the link capacity check")
        return
    for d in an.link_load(ctx.system, ctx.variant).links:
        lk = next(x for x in ctx.system.links if x.id == d.link)
        elements: list[Any] = [lk]
        if d.breaking_connector is not None:
            elements.append(ctx.connectors[d.breaking_connector])
        what = f"link '{d.link}' ({d.medium}) {d.from_node} -> {d.to_node}"
        if d.verdict == "violates":
            yield ctx.found(elements, f"{what} must carry {d.load.text()} but has {d.bandwidth.text()}")
        elif d.verdict == "at risk":
            yield ctx.found(elements, f"{what} may need {d.load.text()} against {d.bandwidth.text()} in the worst case",
                            severity="warning")
        elif d.verdict == "unknown":
            yield ctx.unknown([lk], f"load on {what} is unknown: {_missing(d.load if not d.load.known else d.bandwidth)}")


@detector("resource-fit")
def resource_fit(ctx: Context) -> Iterator[Hit]:
    """Nodes that cannot hold the components placed on them (the resource analysis)."""
    an = _analysis(ctx)
    if an is None:
        yield _no_analysis(ctx, "the resource check")
        return
    for n in an.resources(ctx.system, ctx.variant).nodes:
        node = ctx.nodes.get(n.node)
        if node is None:
            continue
        comps = [ctx.components[c] for c in n.components if c in ctx.components]
        for check in n.checks:
            what = f"{check.resource} on '{n.node}' ({n.scope})"
            if check.verdict == "over":
                yield ctx.found([node, *comps[:3]], f"{what}: needs {check.need.text()}, has {check.have.text()}")
            elif check.verdict == "at risk":
                yield ctx.found([node, *comps[:3]], f"{what}: needs up to {check.need.text()}, has {check.have.text()}",
                                severity="warning")
            elif check.verdict == "unknown" and check.resource == "memory":
                yield ctx.unknown([node], f"{what} is unknown: {_missing(check.need if not check.need.known else check.have)}")
