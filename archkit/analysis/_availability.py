"""Offline behaviour, single points of failure and availability of each flow.

* Offline: take every intermittent link down (on top of the links the variant takes down) and
  ask, for each step of the flow that crosses nodes, whether a route remains. A flow that must
  work offline (``offline: true``) and loses a step violates its requirement.
* Single points of failure on a flow, among what the operator runs (a user's own devices are
  not listed: the flow cannot outlive them for that user): a server-side component with at most
  one replica (declared, or none declared), a fleet node with count 1, and a link whose loss
  leaves a step of the flow with no route.
* Availability, where declared::

      A(flow) = prod over the distinct nodes n of the flow of A_n x prod over the distinct links l
                of its routes of A_l
      A_n     = 1 - (1 - availability(n))^k    k = min(count, replicas) on a fleet, else 1

  Unknown when a node or link on the flow declares no availability (naming it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .._digraph import Graph, bridges
from ..model import Hop, System
from ._common import Estimate, Options, input_text, missing_text
from ._context import AnalysisContext, context_of

__all__ = [
    "FlowAvailability",
    "AvailabilityResult",
    "availability",
    "links_cutting_route",
    "offline_links",
    "offline_route",
]


@dataclass(frozen=True)
class FlowAvailability:
    """Offline behaviour, single points of failure and availability of one flow."""

    flow: str
    offline_required: bool
    works_offline: bool | None
    offline_breaks: list[str]
    offline_verdict: Literal["meets", "violates", "not required", "unknown"]
    single_points_of_failure: list[dict[str, str]]
    availability: Estimate
    nodes: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "flow": self.flow,
            "offline_required": self.offline_required,
            "works_offline": self.works_offline,
            "offline_breaks": list(self.offline_breaks),
            "offline_verdict": self.offline_verdict,
            "single_points_of_failure": list(self.single_points_of_failure),
            "availability": self.availability.to_dict(),
            "nodes": list(self.nodes),
            "links": list(self.links),
        }


@dataclass(frozen=True)
class AvailabilityResult:
    """Availability figures of every flow in one variant."""

    variant: str | None
    intermittent_links: list[str]
    flows: list[FlowAvailability]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "variant": self.variant,
            "intermittent_links": list(self.intermittent_links),
            "flows": [f.to_dict() for f in self.flows],
        }


def _replicas(comp: Any) -> int | None:
    """Declared replicas, else autoscaling max_replicas, else None."""
    if comp.replicas is not None:
        return int(comp.replicas)
    return int(comp.autoscaling.max_replicas) if comp.autoscaling is not None else None


def _single_links(g: Any) -> set[str]:
    """Ids of usable links whose loss splits the link graph (bridges with no parallel link)."""
    simple = Graph()
    count: dict[frozenset[str], list[str]] = {}
    for lk in g.links.values():
        if lk.id in g.down or lk.ends[0] not in g.nodes or lk.ends[1] not in g.nodes:
            continue
        simple.add_edge(*lk.ends)
        count.setdefault(frozenset(lk.ends), []).append(lk.id)
    out: set[str] = set()
    for ends in bridges(simple):
        ids = count[ends]
        if len(ids) == 1:
            out.add(ids[0])
    return out


def links_cutting_route(ctx: AnalysisContext, a: str, b: str) -> list[str]:
    """The links down in the context's variant that cut node ``a`` off from node ``b``.

    Those whose return alone would bring a route back (a Wi-Fi hop that is down while Bluetooth
    joins the same nodes is not one); when no single one would, every down link on the route
    that exists with every link up. Empty when a route is up, or when none exists even with every
    link up.
    """
    if a == b or ctx.route(a, b) is not None:
        return []
    nominal = ctx.route(a, b, exclude=())
    if nominal is None:
        return []
    on_route = [h.link.id for h in nominal if h.link.id in ctx.down]
    return [x for x in on_route if ctx.route(a, b, exclude=ctx.down - {x}) is not None] or on_route


def offline_links(ctx: AnalysisContext) -> frozenset[str]:
    """The links that are down offline: the variant's down links and every intermittent link."""
    return frozenset(ctx.down | {lk.id for lk in ctx.system.links if lk.intermittent})


def offline_route(ctx: AnalysisContext, a: str, b: str, offline: frozenset[str] | None = None) -> list[Hop] | None:
    """The route from node ``a`` to node ``b`` with every link of :func:`offline_links` down (None: no route).

    ``offline`` passes :func:`offline_links` when the caller asks for many routes of one context.
    """
    return ctx.route(a, b, exclude=offline_links(ctx) if offline is None else offline)


def availability(
    system: System | AnalysisContext, variant: str | None = None, options: Options | None = None
) -> AvailabilityResult:
    """Offline behaviour, single points of failure and availability of every flow (module docstring)."""
    g = context_of(system, variant)
    system, variant = g.system, g.variant
    intermittent = sorted(lk.id for lk in system.links if lk.intermittent and lk.id not in g.down)
    offline_ex = offline_links(g)
    single = _single_links(g)
    out: list[FlowAvailability] = []
    for f in system.flows:
        comps: list[str] = []
        breaks: list[str] = []
        links: dict[str, Any] = {}
        spof: list[dict[str, str]] = []
        unplaced = False
        steps = [g.connectors[s] for s in f.steps]
        if steps:
            comps.append(steps[0].source)
        for c in steps:
            comps.append(c.target)
            a, b = g.placement.get(c.source), g.placement.get(c.target)
            if a is None or b is None:
                unplaced = True
                continue
            if a == b:
                continue
            hops = g.route(a, b)
            if hops is None:
                cut = links_cutting_route(g, a, b)
                breaks.append(
                    f"{c.id}: {a} -> {b} is cut by link {', '.join(cut)}, down in the variant"
                    if cut
                    else f"{c.id}: no route from '{a}' to '{b}' even with every link up"
                )
                continue
            for h in hops:
                links.setdefault(h.link.id, h.link)
            if offline_route(g, a, b, offline_ex) is None:
                on_route = sorted({h.link.id for h in hops} & offline_ex)
                needed = [x for x in on_route if g.route(a, b, exclude=g.down | {x}) is None] or on_route
                breaks.append(f"{c.id}: {a} -> {b} needs intermittent link {', '.join(needed)}")
            for h in hops:
                if h.link.id in single and not any(s.get("link") == h.link.id for s in spof):
                    spof.append({"kind": "link", "link": h.link.id, "why": f"only route for step '{c.id}'"})
        comps = list(dict.fromkeys(comps))
        nodes: dict[str, Any] = {}
        for cid in comps:
            n = g.node_of(cid)
            if n is not None:
                nodes.setdefault(n.id, n)
        for cid in comps:
            n = g.node_of(cid)
            if n is None or n.user_device:
                continue
            comp = g.components[cid]
            reps = _replicas(comp)
            if reps is None or reps <= 1:
                spof.append(
                    {
                        "kind": "component",
                        "component": cid,
                        "why": "one replica" if reps is not None else "no replicas declared (taken as one)",
                    }
                )
        for n in nodes.values():  # a fleet that scales counts its fewest nodes
            if not n.user_device and n.fewest <= 1:
                spof.append(
                    {
                        "kind": "node",
                        "node": n.id,
                        "why": "count 1" if not n.scales else f"count {n.size_text}: it may run one node",
                    }
                )
        # availability
        parts: list[Estimate] = []
        for n in nodes.values():
            if n.availability is None:
                parts.append(Estimate.unknown("ratio", missing_text("availability", "node", n.id)))
                continue
            k = 1
            if not n.user_device and n.fewest > 1:
                here = [_replicas(g.components[c]) for c in comps if g.placement.get(c) == n.id]
                k = max(1, min([n.fewest] + [r if r is not None else 1 for r in here]))
            a = 1 - (1 - n.availability) ** k
            parts.append(Estimate.exact(a, "ratio", (input_text("node", n.id, "availability", n.availability),)))
        for lk in links.values():
            if lk.availability is None:
                parts.append(Estimate.unknown("ratio", missing_text("availability", "link", lk.id)))
            else:
                parts.append(
                    Estimate.exact(
                        lk.availability, "ratio", (input_text("link", lk.id, "availability", lk.availability),)
                    )
                )
        avail = Estimate.exact(1.0, "ratio")
        for p in parts:
            avail = avail.times(p, "ratio")
        if unplaced:
            works = None
            verdict: Any = "unknown"
        else:
            works = not breaks
            verdict = ("meets" if works else "violates") if f.offline else "not required"
        out.append(FlowAvailability(f.id, f.offline, works, breaks, verdict, spof, avail, list(nodes), list(links)))
    return AvailabilityResult(variant, intermittent, out)
