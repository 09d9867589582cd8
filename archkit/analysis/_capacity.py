"""Capacity planning: replicas each server-side component needs, and the throughput ceiling of each flow.

For a component x on a fleet node (a node without per_user), with arrival rate lambda (1/s, all
users together, see :func:`archkit.analysis._latency.arrival_rate`) and processing time S (s)::

    offered load     a = lambda x S                           [busy servers, "erlangs"]
    replicas needed  n = ceil(a / u)                          u = target utilisation (default 0.7)
    cores needed       = n x cpus
    nodes needed       = ceil(sum of cores needed on the node / node.cpu_cores)   (fleet_plan)

A fleet's size is its ``count``, or for a fleet that scales (``count: 'min..max'``) between
``min_count`` and ``count``: the nodes needed are checked against the most it may have (ok,
at risk, under as for replicas: "needs 1,073 nodes, at most 20: under"), and the cost analysis
charges the nodes needed within those bounds.

best/typical/worst use the best/typical/worst S. The verdict compares declared servers (replicas,
or autoscaling max_replicas) with n: ok (enough for the worst case), at risk (enough only for
better cases), under (too few even in the best case), planned (none declared: the plan is the
number to deploy).

Throughput ceiling of a flow: each step's target x can serve at most servers(x) / S(x) requests
per second (1 / S on a user's device, per device); the flow's ceiling is the smallest of these,
and its bottleneck is the component that sets it. Demand is the flow's rate x the devices that
start it. Devices of per-user nodes count the users active at peak (users x peak_active_share).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from ..model import System
from ._common import Estimate, Options, devices, input_text, missing_text
from ._context import AnalysisContext, context_of
from ._latency import arrival_rate, component_time

__all__ = [
    "ComponentCapacity",
    "NodeCapacity",
    "FlowCapacity",
    "CapacityResult",
    "capacity",
    "component_plan",
    "fleet_plan",
    "step_ceiling",
    "flow_demand",
    "ceiling_verdict",
    "flow_capacity",
]

CapacityVerdict = Literal["ok", "at risk", "under", "planned", "unknown"]


@dataclass(frozen=True)
class ComponentCapacity:
    """Capacity plan of one server-side component."""

    component: str
    node: str
    arrival_rate: Estimate
    processing: Estimate
    offered_load: Estimate
    target_utilisation: float
    replicas_needed: Estimate
    declared: int | None
    cores_needed: Estimate
    verdict: CapacityVerdict

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "component": self.component,
            "node": self.node,
            "arrival_rate": self.arrival_rate.to_dict(),
            "processing": self.processing.to_dict(),
            "offered_load": self.offered_load.to_dict(),
            "target_utilisation": self.target_utilisation,
            "replicas_needed": self.replicas_needed.to_dict(),
            "replicas_declared": self.declared,
            "cores_needed": self.cores_needed.to_dict(),
            "verdict": self.verdict,
        }


@dataclass(frozen=True)
class NodeCapacity:
    """Nodes a fleet needs for the replicas planned on it, against the most it may have.

    ``count`` is the fleet's size, or for a fleet that scales the most nodes (``min_count`` the
    fewest). The verdict compares the nodes needed with ``count``: ok (enough in the worst case),
    at risk (only in better cases), under (too few even in the best case), unknown.
    """

    node: str
    count: int
    cores_needed: Estimate
    nodes_needed: Estimate
    min_count: int | None = None
    verdict: CapacityVerdict = "unknown"

    @property
    def summary(self) -> str:
        """'needs 1,073 nodes, at most 20: under'."""
        most = f"at most {self.count:,}" if self.min_count is not None else f"has {self.count:,}"
        return f"needs {self.nodes_needed.text()}, {most}: {self.verdict}"

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "node": self.node,
            "count": self.count,
            "min_count": self.min_count,
            "cores_needed": self.cores_needed.to_dict(),
            "nodes_needed": self.nodes_needed.to_dict(),
            "verdict": self.verdict,
            "summary": self.summary,
        }


@dataclass(frozen=True)
class FlowCapacity:
    """Throughput ceiling and demand of one flow."""

    flow: str
    ceiling: Estimate
    bottleneck: str | None
    demand: Estimate
    scope: str
    verdict: Literal["ok", "at risk", "over", "unknown", "no rate"]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "flow": self.flow,
            "ceiling": self.ceiling.to_dict(),
            "bottleneck": self.bottleneck,
            "demand": self.demand.to_dict(),
            "scope": self.scope,
            "verdict": self.verdict,
        }


@dataclass(frozen=True)
class CapacityResult:
    """The capacity plan of one variant."""

    variant: str | None
    components: list[ComponentCapacity]
    nodes: list[NodeCapacity]
    flows: list[FlowCapacity]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "variant": self.variant,
            "components": [c.to_dict() for c in self.components],
            "nodes": [n.to_dict() for n in self.nodes],
            "flows": [f.to_dict() for f in self.flows],
        }


def ceil_estimate(e: Estimate, unit: str) -> Estimate:
    """Round every value of an estimate up to a whole number (replicas, servers); unknown stays unknown."""
    if not e.known:
        return e.as_unit(unit)
    b, t, w = e.values()

    def up(v: float) -> float:
        return v if math.isinf(v) else float(math.ceil(v - 1e-9))

    return e.with_values(up(b), up(t), up(w), unit)


def component_plan(
    system_or_graph: System | AnalysisContext,
    component_id: str,
    options: Options | None = None,
    arrival: Estimate | None = None,
) -> ComponentCapacity | None:
    """Capacity plan of one component under the graph's placement (stable primitive).

    None when it sits on a user's device or nothing reaches it. ``cores_needed`` (servers x cpus)
    is what the node's scale-out cost is computed from: nodes needed = ceil(sum of cores_needed
    on the node / cpu_cores). ``arrival`` gives the arrival rate instead of :func:`arrival_rate`
    under the graph's placement.
    """
    opts = options or Options()
    g = context_of(system_or_graph)
    if arrival is not None:
        return _component_plan(g, component_id, opts, arrival)
    # the same nodes around the component give the same plan: once for all placements
    plans = g.shared.get(("plans", opts))  # one table per options: hashing them once per look-up costs
    if plans is None:
        plans = g.shared[("plans", opts)] = {}
    key = (component_id, g.neighbourhood(component_id))
    try:
        return plans[key]  # type: ignore[no-any-return]
    except KeyError:
        plan = plans[key] = _component_plan(g, component_id, opts, None)
        return plan


def _component_plan(
    g: AnalysisContext, component_id: str, opts: Options, arrival: Estimate | None
) -> ComponentCapacity | None:
    c = g.components[component_id]
    node = g.node_of(c.id)
    if node is None or node.per_user is not None:
        return None
    lam = arrival if arrival is not None else arrival_rate(g, c.id, opts)
    svc = component_time(g, c.id, node.id)
    if lam.known and lam.worst == 0:
        return None  # nothing reaches it: no queue to plan
    u = (
        c.autoscaling.target_utilization
        if c.autoscaling and c.autoscaling.target_utilization
        else opts.target_utilisation
    )
    load = lam.times(svc, "servers")
    needed = ceil_estimate(load.scale(1 / u, "replicas"), "replicas")
    if needed.known:
        nb, nt, nw = needed.values()
        needed = needed.with_values(max(1.0, nb), max(1.0, nt), max(1.0, nw))
    declared = c.replicas if c.replicas is not None else (c.autoscaling.max_replicas if c.autoscaling else None)
    cpus = (
        Estimate.exact(c.cpus, "cores", (input_text("component", c.id, "cpus", f"{c.cpus:g}"),))
        if c.cpus is not None
        else Estimate.unknown("cores", missing_text("cpus", "component", c.id))
    )
    servers = Estimate.exact(float(declared), "replicas") if declared is not None else needed
    cores = servers.times(cpus, "cores")
    verdict: CapacityVerdict
    if not needed.known:
        verdict = "unknown"
    elif declared is None:
        verdict = "planned"
    elif declared >= needed.worst:  # type: ignore[operator]
        verdict = "ok"
    elif declared >= needed.best:  # type: ignore[operator]
        verdict = "at risk"
    else:
        verdict = "under"
    return ComponentCapacity(c.id, node.id, lam, svc, load, u, needed, declared, cores, verdict)


def _fleet_verdict(needed: Estimate, most: int) -> CapacityVerdict:
    if not needed.known:
        return "unknown"
    if needed.worst <= most:  # type: ignore[operator]
        return "ok"
    if needed.best <= most:  # type: ignore[operator]
        return "at risk"
    return "under"


def fleet_plan(node: Any, cores: Estimate) -> NodeCapacity:
    """Nodes a fleet needs for the cores planned on it (the sum of its components' ``cores_needed``),
    against the most it may have (stable primitive): nodes needed = ceil(cores / cpu_cores)."""
    if node.cpu_cores is None:
        need = Estimate.unknown("nodes", missing_text("cpu_cores", "node", node.id))
    else:
        need = ceil_estimate(
            cores.scale(
                1 / node.cpu_cores, "nodes", (input_text("node", node.id, "cpu_cores", f"{node.cpu_cores:g}"),)
            ),
            "nodes",
        )
    return NodeCapacity(
        node.id, node.count, cores, need, node.min_count if node.scales else None, _fleet_verdict(need, node.count)
    )


def step_ceiling(
    g: AnalysisContext,
    flow: Any,
    step: str,
    options: Options | None = None,
    plans: dict[str, ComponentCapacity] | None = None,
) -> Estimate:
    """Most requests per second the target of one step of a flow can serve (stable primitive).

    Per device when the flow starts on a user's device, else for the whole system. ``plans`` may
    pass the capacity plans already made under this placement.
    """
    opts = options or Options()
    users = opts.peak_users_for(g.system)
    first = g.node_of(g.connectors[flow.steps[0]].source)
    per_device = first is not None and first.per_user is not None
    tgt = g.connectors[step].target
    node = g.node_of(tgt)
    if node is None:
        return Estimate.unknown("1/s", f"place component '{tgt}' on a node")
    svc = component_time(g, tgt, node.id)
    if node.per_user is not None:
        servers = Estimate.exact(1.0, "1")
        if not per_device:
            servers = devices(node, users).as_unit("1")
    else:
        plan = plans[tgt] if plans is not None and tgt in plans else component_plan(g, tgt, opts)
        if plan is not None and plan.declared is not None:
            servers = Estimate.exact(float(plan.declared), "1")
        elif plan is not None and plan.replicas_needed.known:
            servers = Estimate.exact(plan.replicas_needed.worst, "1")  # type: ignore[arg-type]
        elif plan is not None:
            servers = plan.replicas_needed.as_unit("1")
        else:
            servers = Estimate.exact(1.0, "1")
        if per_device:
            servers = servers.per(devices(first, users), "1")  # type: ignore[arg-type]
    # ceiling: best uses the best (shortest) time
    ceil_e = servers.per(svc, "1/s")
    if ceil_e.known:
        ceil_e = ceil_e.with_values(ceil_e.worst, ceil_e.typical, ceil_e.best)  # type: ignore[arg-type]
    return ceil_e


def flow_demand(g: AnalysisContext, flow: Any, options: Options | None = None) -> Estimate:
    """Requests per second a flow asks for: per device when it starts on a user's device, else in all."""
    opts = options or Options()
    if flow.rate is None:
        return Estimate.unknown("1/s", missing_text("rate", "flow", flow.id))
    first = g.node_of(g.connectors[flow.steps[0]].source) if flow.steps else None
    demand = Estimate(
        flow.rate.lo, flow.rate.mid, flow.rate.hi, "1/s", (input_text("flow", flow.id, "rate", flow.rate),)
    )
    if first is not None and first.per_user is None:
        demand = demand.times(devices(first, opts.peak_users_for(g.system)), "1/s")
    return demand


def ceiling_verdict(ceilings: list[tuple[Estimate, str]], demand: Estimate | None) -> tuple[Estimate, str | None, str]:
    """The flow's ceiling (its step with the lowest typical ceiling, the bottleneck) and its verdict:
    ok (the worst-case demand fits the worst-case ceiling), at risk, over (even the best case does not), unknown,
    "no rate" (``demand`` None)."""
    known = [x for x in ceilings if x[0].known]
    unknown = [x for x in ceilings if not x[0].known]
    bottleneck: str | None
    if unknown:
        ceiling, bottleneck = Estimate.total([x[0] for x in unknown], "1/s"), None
    elif known:
        ceiling, bottleneck = min(known, key=lambda x: x[0].typical)  # type: ignore[arg-type, return-value]
    else:
        return Estimate.unknown("1/s", "add steps to the flow"), None, "unknown" if demand is not None else "no rate"
    if demand is None:
        return ceiling, bottleneck, "no rate"
    if not (ceiling.known and demand.known):
        return ceiling, bottleneck, "unknown"
    if demand.worst <= ceiling.worst:  # type: ignore[operator]
        return ceiling, bottleneck, "ok"
    if demand.best <= ceiling.best:  # type: ignore[operator]
        return ceiling, bottleneck, "at risk"
    return ceiling, bottleneck, "over"


def flow_capacity(
    g: AnalysisContext, flow: Any, options: Options | None = None, plans: dict[str, ComponentCapacity] | None = None
) -> FlowCapacity:
    """Throughput ceiling, bottleneck, demand and verdict of one flow (see the module docstring)."""
    opts = options or Options()
    first = g.node_of(g.connectors[flow.steps[0]].source) if flow.steps else None
    per_device = first is not None and first.per_user is not None
    ceilings = [
        (step_ceiling(g, flow, sid, opts, plans), g.connectors[sid].target)
        for sid in flow.steps
        if g.node_of(g.connectors[sid].target) is not None
    ]
    demand = flow_demand(g, flow, opts)
    ceiling, bottleneck, verdict = ceiling_verdict(ceilings, demand if flow.rate is not None else None)
    if not ceilings and flow.steps == []:
        ceiling = Estimate.unknown("1/s", f"add steps to flow '{flow.id}'")
    return FlowCapacity(flow.id, ceiling, bottleneck, demand, "per device" if per_device else "whole system", verdict)  # type: ignore[arg-type]


def capacity(
    system: System | AnalysisContext, variant: str | None = None, options: Options | None = None
) -> CapacityResult:
    """Replicas, cores and nodes needed per server-side component, and each flow's ceiling."""
    opts = options or Options()
    g = context_of(system, variant)
    system, variant = g.system, g.variant
    comps: list[ComponentCapacity] = []
    per_node: dict[str, list[Estimate]] = {}
    for c in system.components:
        plan = component_plan(g, c.id, opts)
        if plan is None:
            continue
        comps.append(plan)
        per_node.setdefault(plan.node, []).append(plan.cores_needed)
    nodes = [fleet_plan(n, Estimate.total(per_node[n.id], "cores")) for n in system.nodes if n.id in per_node]
    by_id = {c.component: c for c in comps}
    flows = [flow_capacity(g, f, opts, by_id) for f in system.flows]
    return CapacityResult(variant, comps, nodes, flows)
