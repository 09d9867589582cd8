"""Deployment-fit checks: does the design fit its budgets, links, devices and constraints.

The quantitative checks (latency budget, link capacity, resource fit) use the analyses in
:mod:`archkit.analysis`; the others are structural and live here.
"""

from __future__ import annotations

from typing import Iterator

from .._context import Context
from .._registry import Hit, detector
from .antipatterns import CLIENT_RELEASE_DAYS

_DAY = 86400.0


@detector("offline-operation")
def offline_operation(ctx: Context) -> Iterator[Hit]:
    """Every connector of an offline flow stays on one node or crosses only links that are not intermittent."""
    for f in ctx.system.flows:
        if not f.offline:
            continue
        for step in f.steps:
            e = ctx.connectors.get(step)
            if e is None:
                continue
            if e.source not in ctx.placement or e.target not in ctx.placement:
                yield ctx.unknown(
                    [f, e], f"place '{e.source}' and '{e.target}' on nodes to check offline flow '{f.id}'"
                )
                continue
            weak = {lk.id for lk in ctx.system.links if lk.intermittent} | set(ctx.graph.down)
            if ctx.graph.connector_route(e, exclude=weak) is not None:
                continue
            usual = ctx.graph.connector_route(e, exclude=ctx.graph.down) or []
            links = [h.link for h in usual if h.link.id in weak]
            if links:
                yield ctx.found(
                    [f, e, *links],
                    f"offline flow '{f.id}' needs '{e.id}', which has no route without intermittent "
                    f"links (usually over {', '.join(repr(lk.id) for lk in links)})",
                )
            else:
                yield ctx.found([f, e], f"offline flow '{f.id}' needs '{e.id}', which has no route that stays up")


@detector("update-cadence")
def update_cadence(ctx: Context) -> Iterator[Hit]:
    """A model on a client, without its own update channel, that must change more often than client releases."""
    for m in ctx.models():
        if not ctx.on_client(m.id):
            continue
        if any(e.purpose == "model_artifact" for e in ctx.incoming(m.id) + ctx.outgoing(m.id)):
            continue
        period = m.model.update_period if m.model is not None else None
        if period is None:
            yield ctx.unknown(
                [m], f"declare model.update_period on '{m.id}' (it runs on a client without an update channel)"
            )
        elif period.lo < CLIENT_RELEASE_DAYS * _DAY:
            yield ctx.found(
                [m, ctx.node_of(m.id)],
                f"'{m.id}' must update every {period} but ships inside the client "
                f"on '{ctx.placement[m.id]}' (releases assumed every {CLIENT_RELEASE_DAYS} d)",
            )


@detector("single-point-of-failure")
def single_point_of_failure(ctx: Context) -> Iterator[Hit]:
    """A server-side component called synchronously in a flow, running as a single replica."""
    seen: set[str] = set()
    for f in ctx.system.flows:
        for step in f.steps:
            e = ctx.connectors.get(step)
            if e is None or not e.synchronous or e.target in seen:
                continue
            c = ctx.components[e.target]
            if not ctx.on_server(c.id):
                continue
            seen.add(c.id)
            if c.autoscaling is not None:
                if c.autoscaling.max_replicas < 2:
                    yield ctx.found(
                        [c, f], f"'{c.id}' autoscales to at most one replica; flow '{f.id}' stops if it fails"
                    )
                continue
            if c.replicas is None:
                yield ctx.unknown([c, f], f"declare replicas (or autoscaling) on '{c.id}'")
            elif c.replicas < 2:
                yield ctx.found([c, f], f"'{c.id}' runs as {c.replicas} replica; flow '{f.id}' stops if it fails")


@detector("privacy-locality")
def privacy_locality(ctx: Context) -> Iterator[Hit]:
    """Personal or sensitive data leaving the user's devices on either leg of a connector (the privacy analysis)."""
    try:
        import archkit.analysis as analysis
    except ImportError:
        yield ctx.unknown([ctx.system], "the privacy check needs archkit.analysis, which this installation lacks")
        return
    for x in analysis.privacy(ctx.system, ctx.variant).exits:
        if not (x.personal and x.leaves_user):
            continue
        e = ctx.connectors[x.connector]
        way = " (in its response)" if x.leg == "response" else ""
        yield ctx.found(
            [e, ctx.components[x.source], ctx.components[x.target]],
            f"{x.sensitivity} data from '{x.source}' on '{x.source_node}' goes to '{x.target}' on "
            f"'{x.target_node}' through '{e.id}'{way}",
        )


@detector("model-ip-exposure")
def model_ip_exposure(ctx: Context) -> Iterator[Hit]:
    """A model declared as intellectual property running on user devices."""
    for m in ctx.models():
        if not ctx.on_client(m.id):
            continue
        flag = m.model.ip_sensitive if m.model is not None else None
        if flag is None:
            yield ctx.unknown([m], f"declare model.ip_sensitive on '{m.id}' (it runs on a user device)")
        elif flag:
            yield ctx.found(
                [m], f"'{m.id}' is IP-sensitive but ships to '{ctx.placement[m.id]}', where it can be extracted"
            )
