"""Latency of each end-to-end flow: processing, network, transfer and queueing, step by step.

For a flow with steps e_1 .. e_k (connectors), where e_j goes from component s_j on node a_j to
component t_j on node b_j::

    latency(flow) = sum_j [ connector_time(e_j, a_j, b_j) + component_time(t_j, b_j) + wait(t_j) ]

* ``component_time(t, b)``: the model's inference time for node ``b`` (looked up by node id, then
  by node kind), else the component's ``processing_time_on`` (node id, then kind), else its
  ``processing_time``. The first step's source is where the flow starts; its work is not counted.
* ``connector_time(e, a, b)``: zero when a == b; otherwise along the route a -> b (see
  :class:`archkit.analysis.AnalysisContext`): for the request, the sum over the links of
  latency + request_size x 8 / bandwidth (in the direction travelled); a synchronous call
  (sync_call, in_process) adds the response leg back: latency + response_size x 8 / bandwidth.
* ``wait(t)``: mean waiting time in an M/M/c queue (Erlang C) with the arrival rate at ``t`` and
  ``c`` servers; included where the arrival rate and processing time are known (else the flow says
  it is left out and what to declare). Unbounded when utilisation reaches 1.

Verdict against the flow's budget: meets (worst case <= budget), at risk (worst case over,
best case within), violates (best case over budget), unknown (an input is missing).

The per-element functions (:func:`component_time`, :func:`connector_time`,
:func:`connector_time_parts`, :func:`queueing_delay`, :func:`mmc_wait`) are public and stable:
a vectorised evaluator of many placements builds its lookup tables from them, and the flow
latency here is exactly their sum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..model import System
from ._common import (
    Estimate,
    Options,
    Point,
    Verdict,
    budget_verdict,
    device_ratio,
    input_text,
    instances_in,
    message_bits,
    missing_text,
    rate_in,
)
from ._context import AnalysisContext, context_of

__all__ = [
    "link_bandwidth",
    "link_latency",
    "hop_at",
    "component_time",
    "connector_time",
    "connector_time_parts",
    "ConnectorTime",
    "arrival_rate",
    "arrival_share",
    "servers_for",
    "mmc_wait",
    "queueing_delay",
    "Queueing",
    "StepLatency",
    "FlowLatency",
    "LatencyResult",
    "flow_latency",
    "latency",
]

# ------------------------------------------------------------------------------------------------
# primitives
# ------------------------------------------------------------------------------------------------


def component_time(system_or_graph: System | AnalysisContext, component_id: str, node_id: str) -> Estimate:
    """Time (s) for ``component_id`` to handle one request when it runs on node ``node_id``.

    Lookup order: ``model.inference_time[node id]``, ``model.inference_time[node kind]``,
    ``processing_time_on[node id]``, ``processing_time_on[node kind]``, ``processing_time``.
    Unknown (naming what to declare) when none applies. Pure; does not depend on the placement.
    """
    g = context_of(system_or_graph)
    memo = g.shared
    key = ("time", component_id, node_id)
    hit = memo.get(key)
    if hit is None:
        hit = memo[key] = _component_time(g, component_id, node_id)
    return hit


def _component_time(g: AnalysisContext, component_id: str, node_id: str) -> Estimate:
    c = g.components[component_id]
    node = g.nodes[node_id]
    if c.model is not None:
        for key in (node.id, node.kind):
            q = c.model.inference_time.get(key)
            if q is not None:
                return Estimate(q.lo, q.mid, q.hi, "s", (input_text("model", c.id, f"inference_time[{key}]", q),))
    for key in (node.id, node.kind):
        q = c.processing_time_on.get(key)
        if q is not None:
            return Estimate(q.lo, q.mid, q.hi, "s", (input_text("component", c.id, f"processing_time_on[{key}]", q),))
    if c.processing_time is not None:
        q = c.processing_time
        return Estimate(q.lo, q.mid, q.hi, "s", (input_text("component", c.id, "processing_time", q),))
    if c.model is not None:
        what = f"model.inference_time for node kind '{node.kind}' (or node '{node.id}')"
    else:
        what = f"processing_time (or processing_time_on['{node.kind}'])"
    return Estimate.unknown("s", missing_text(what, "component", c.id))


@dataclass(frozen=True)
class ConnectorTime:
    """Network time of one use of a connector between two nodes.

    ``latency`` is the link latency summed over the route (twice for synchronous calls),
    ``transfer`` the payload time (request, plus response for synchronous calls), ``route`` the
    link ids crossed from source to target, ``legs`` 1 or 2.
    """

    latency: Estimate
    transfer: Estimate
    route: tuple[str, ...]
    legs: int

    @property
    def total(self) -> Estimate:
        """latency + transfer."""
        return self.latency + self.transfer


def connector_time_parts(
    system_or_graph: System | AnalysisContext, connector_id: str, source_node: str, target_node: str
) -> ConnectorTime:
    """Link latency and transfer time of one use of a connector from ``source_node`` to ``target_node``.

    Formula (seconds), over the route's links l (hops in the direction of the request)::

        latency  = legs x sum_l latency(l)              legs = 2 for sync_call/in_process, else 1
        transfer = sum_l request_size x 8 / bandwidth(l, forward)
                 + [sync] sum_l response_size x 8 / bandwidth(l, backward)

    Zero when both nodes are the same. Unknown when there is no route (links down in the graph's
    variant) or a latency, bandwidth, request_size or (sync) response_size is missing.
    The route uses the graph's variant (links down); a System means its base placement.
    """
    g = context_of(system_or_graph)
    route = g.route_links(source_node, target_node)
    # the same nodes and route give the same times (without a route, the message names the links down)
    key = ("time parts", connector_id, source_node, target_node, route, g.down if route is None else None)
    hit: ConnectorTime | None = g.shared.get(key)
    if hit is None:
        hit = g.shared[key] = _connector_time_parts(g, connector_id, source_node, target_node)
    return hit


def _connector_time_parts(g: AnalysisContext, connector_id: str, source_node: str, target_node: str) -> ConnectorTime:
    c = g.connectors[connector_id]
    legs = 2 if c.synchronous else 1
    if source_node == target_node:
        return ConnectorTime(Estimate.zero("s"), Estimate.zero("s"), (), legs)
    hops = g.route(source_node, target_node)
    if hops is None:
        down = f" (links down: {', '.join(sorted(g.down))})" if g.down else ""
        miss = f"declare a usable link route between node '{source_node}' and node '{target_node}'{down}"
        u = Estimate.unknown("s", miss)
        return ConnectorTime(u, u, (), legs)
    lat = Estimate.zero("s")
    xfer = Estimate.zero("s")
    req = message_bits(c, "request_size")
    resp = message_bits(c, "response_size") if c.synchronous else None
    for h in hops:
        lk = h.link
        lat = lat + link_latency(lk).scale(legs)
        xfer = xfer + req.per(link_bandwidth(lk, h.source), "s")
        if resp is not None:
            xfer = xfer + resp.per(link_bandwidth(lk, h.target), "s")
    return ConnectorTime(lat, xfer, tuple(h.link.id for h in hops), legs)


def connector_time(
    system_or_graph: System | AnalysisContext, connector_id: str, source_node: str, target_node: str
) -> Estimate:
    """Network time (s) of one use of a connector: ``connector_time_parts(...).total``."""
    return connector_time_parts(system_or_graph, connector_id, source_node, target_node).total


def link_latency(lk: Any) -> Estimate:
    """One-way latency of a link (unknown, naming the input, if not declared)."""
    q = lk.latency
    if q is None:
        return Estimate.unknown("s", missing_text("latency", "link", lk.id))
    return Estimate(q.lo, q.mid, q.hi, "s", (input_text("link", lk.id, "latency", q),))


#: The bound of a divisor that gives a quotient's best, typical and worst case (see Estimate.per).
_DIVISOR_AT: dict[str, Point] = {"best": "worst", "typical": "typical", "worst": "best"}


def hop_at(lk: Any, from_node: str, point: Point = "typical") -> tuple[float | None, float | None]:
    """(latency s, bandwidth bit/s leaving ``from_node``) of a link as :func:`connector_time` uses them
    for its ``point`` of the range: the best case takes the lowest latency and the highest bandwidth.

    None where the link does not declare the value. Link emulation uses these numbers, so the delay
    it emulates for a declared size is the connector time at the same point.
    """
    return link_latency(lk).at(point), link_bandwidth(lk, from_node).at(_DIVISOR_AT[point])


def link_bandwidth(lk: Any, from_node: str) -> Estimate:
    """Bandwidth of a link in the direction leaving ``from_node`` (unknown, naming the input, if not declared)."""
    name = lk.bandwidth_field_from(from_node)
    q = getattr(lk, name)
    if q is None:
        return Estimate.unknown("bit/s", missing_text("bandwidth", "link", lk.id))
    return Estimate(q.lo, q.mid, q.hi, "bit/s", (input_text("link", lk.id, name, q),))


# ------------------------------------------------------------------------------------------------
# queueing
# ------------------------------------------------------------------------------------------------

_RECURSION_MAX = 10_000  # servers up to which Erlang B is computed by its recursion, one step per server
_SUM_MAX = 10_000_000  # servers up to which it is summed exactly (O(sqrt(c)) steps); beyond, Halfin-Whitt


def _erlang_b_sum(a: float, c: int) -> float:
    """Erlang B for many servers in O(sqrt(c)) steps: 1/B = sum_j t_j, t_0 = 1, t_(j+1) = t_j (c - j) / a.

    The terms rise while c - j > a and then fall; the sum stops when a term no longer changes it,
    or when it passes 1e250 (B is then 0 for every purpose here).
    """
    total, term = 1.0, 1.0
    for j in range(c):
        term *= (c - j) / a
        total += term
        if total > 1e250:
            return 0.0
        if c - j <= a and term < total * 1e-17:
            break
    return 1.0 / total


def _halfin_whitt(a: float, c: int) -> float:
    """Erlang C for very many servers: 1 / (1 + beta Phi(beta) / phi(beta)), beta = (c - a) / sqrt(a).

    The many-server limit of Halfin and Whitt (Operations Research 29(3), 1981); its relative
    error shrinks like 1/sqrt(c), below 0.1 % for the more than 10^7 servers it is used for here.
    """
    beta = (c - a) / math.sqrt(a)
    if beta > 37.0:  # phi(beta) underflows: no arrival waits
        return 0.0
    phi = math.exp(-beta * beta / 2) / math.sqrt(2 * math.pi)
    big_phi = 0.5 * (1 + math.erf(beta / math.sqrt(2)))
    return 1.0 / (1.0 + beta * big_phi / phi)


@lru_cache(maxsize=65536)
def _erlang_c(a: float, c: int) -> float:
    """Probability that an arrival waits in an M/M/c queue with offered load a (Erlang C)."""
    if c > _SUM_MAX:
        return _halfin_whitt(a, c)
    if c <= _RECURSION_MAX:
        b = 1.0
        for k in range(1, c + 1):
            b = a * b / (k + a * b)
    else:
        b = _erlang_b_sum(a, c)
    rho = a / c
    return b / (1.0 - rho * (1.0 - b))


def mmc_wait(arrival_rate: float, service_time: float, servers: int) -> float:
    """Mean waiting time (s) before service in an M/M/c queue; ``math.inf`` when utilisation >= 1.

    Wq = C(c, a) x S / (c - a), with offered load a = arrival_rate x service_time and Erlang C
    computed with the Erlang B recursion B(k) = a B(k-1) / (k + a B(k-1)),
    C = B / (1 - (a/c)(1 - B)).
    """
    if arrival_rate <= 0 or service_time <= 0:
        return 0.0
    if servers <= 0:
        return math.inf
    a = arrival_rate * service_time
    if a >= servers:
        return math.inf
    return _erlang_c(a, servers) * service_time / (servers - a)


def arrival_rate(
    system_or_graph: System | AnalysisContext, component_id: str, options: Options | None = None
) -> Estimate:
    """Requests per second reaching one queue of ``component_id`` (1/s), under the graph's placement.

    On a per-user device each device has its own queue: sum over incoming connectors of
    rate x share x max(1, devices(source node) / devices(target node)). On a fleet node the
    component has one queue for all its servers: rate x share x max(devices(source), devices(target)).
    Devices of per-user nodes count the users active at peak (users x peak_active_share).
    """
    g = context_of(system_or_graph)
    opts = options or Options()
    users = opts.peak_users_for(g.system)
    memo = g.shared
    key = ("arrival", component_id, users, g.neighbourhood(component_id))
    hit = memo.get(key)
    if hit is None:
        hit = memo[key] = _arrival_rate(g, component_id, users)
    return hit


def _arrival_rate(g: AnalysisContext, component_id: str, users: float | None) -> Estimate:
    node = g.node_of(component_id)
    if node is None:
        return Estimate.unknown("1/s", f"place component '{component_id}' on a node")
    return Estimate.total([_arrival_share(g, c, node, users) for c in g.incoming.get(component_id, ())], "1/s")


def arrival_share(
    system_or_graph: System | AnalysisContext, connector: Any, options: Options | None = None
) -> Estimate:
    """Requests per second one incoming connector brings to one queue of its target (1/s).

    :func:`arrival_rate` is the sum of these over the target's incoming connectors, in their order.
    Depends only on where the connector's two ends live.
    """
    g = context_of(system_or_graph)
    node = g.node_of(connector.target)
    if node is None:
        return Estimate.unknown("1/s", f"place component '{connector.target}' on a node")
    return _arrival_share(g, connector, node, (options or Options()).peak_users_for(g.system))


def _arrival_share(g: AnalysisContext, c: Any, node: Any, users: float | None) -> Estimate:
    src = g.node_of(c.source)
    if src is None:
        return Estimate.unknown("1/s", f"place component '{c.source}' on a node")
    # depends only on the two nodes: computed once for the contexts of all placements
    key = ("arrival share", c.id, src.id, node.id, users)
    hit: Estimate | None = g.shared.get(key)
    if hit is None:
        r = rate_in(g, c)
        if node.per_user is not None:
            ratio = device_ratio(src, node, users)
            if ratio.known and ratio.worst >= 1:  # type: ignore[operator]
                r = r.times(ratio, "1/s")
        else:
            r = r.times(instances_in(g, src, node, users), "1/s")
        hit = g.shared[key] = r
    return hit


def servers_for(
    system_or_graph: System | AnalysisContext,
    component_id: str,
    lam: float | None,
    service_worst: float | None,
    options: Options | None = None,
) -> tuple[int | None, str]:
    """Servers of a component's queue and where the number comes from (see ASSUMPTIONS['servers']).

    Declared replicas, else autoscaling max_replicas, else 1 per user device, else (fleet node)
    the capacity plan ceil(lam x S / target utilisation) with the worst-case processing time S
    (None when lam or S is unknown).
    """
    g = context_of(system_or_graph)
    opts = options or Options()
    comp = g.components[component_id]
    node = g.node_of(component_id)
    if comp.replicas is not None:
        return comp.replicas, "declared replicas"
    if comp.autoscaling is not None:
        return comp.autoscaling.max_replicas, "autoscaling max_replicas"
    if node is not None and node.per_user is not None:
        return 1, "one per device"
    if lam is not None and lam == 0:
        return 1, "no load: one instance"
    if lam is None or service_worst is None:
        return None, "capacity plan (needs arrival rate and processing time)"
    target = (
        comp.autoscaling.target_utilization
        if comp.autoscaling and comp.autoscaling.target_utilization
        else opts.target_utilisation
    )
    return max(1, math.ceil(lam * service_worst / target - 1e-9)), f"capacity plan at {target:.0%} utilisation"


@dataclass(frozen=True)
class Queueing:
    """Queueing at one component: arrival rate, servers, utilisation and mean wait (M/M/c)."""

    wait: Estimate
    arrival_rate: Estimate
    servers: int | None
    servers_from: str
    utilisation: Estimate

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "model": "M/M/c",
            "wait": self.wait.to_dict(),
            "arrival_rate": self.arrival_rate.to_dict(),
            "servers": self.servers,
            "servers_from": self.servers_from,
            "utilisation": self.utilisation.to_dict(),
        }


def queueing_delay(
    system_or_graph: System | AnalysisContext,
    component_id: str,
    options: Options | None = None,
    arrival: Estimate | None = None,
) -> Queueing:
    """Mean M/M/c waiting time (s) at a component under the graph's placement, with its inputs.

    best/typical/worst use the best/typical/worst processing time at the same arrival rate.
    Unknown when the arrival rate or processing time is unknown. ``arrival`` gives the arrival
    rate instead of :func:`arrival_rate` under the graph's placement.
    """
    g = context_of(system_or_graph)
    node = g.node_of(component_id)
    lam = arrival if arrival is not None else arrival_rate(g, component_id, options)
    if node is None:
        u = Estimate.unknown("s", f"place component '{component_id}' on a node")
        return Queueing(u, lam, None, "", u.as_unit("ratio"))
    svc = component_time(g, component_id, node.id)
    if not lam.known or not svc.known:
        u = Estimate.unknown("s", *(lam.missing + svc.missing), inputs=lam.inputs + svc.inputs)
        c, source = servers_for(
            g, component_id, lam.typical if lam.known else None, svc.worst if svc.known else None, options
        )
        return Queueing(u, lam, c, source, u.as_unit("ratio"))
    rate = lam.typical or 0.0
    sb, st, sw = svc.values()
    c, source = servers_for(g, component_id, rate, sw, options)
    assert c is not None
    waits = [mmc_wait(rate, s, c) for s in (sb, st, sw)]
    ins = lam.inputs + svc.inputs
    ub, ut, uw = (rate * s / c if c else math.inf for s in (sb, st, sw))
    util = Estimate(ub, ut, uw, "ratio", ins)
    return Queueing(Estimate(waits[0], waits[1], waits[2], "s", ins), lam, c, source, util)


# ------------------------------------------------------------------------------------------------
# flows
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepLatency:
    """One step of a flow: the connector crossed and the work of its target."""

    connector: str
    source: str
    target: str
    source_node: str | None
    target_node: str | None
    network: ConnectorTime
    processing: Estimate
    queueing: Queueing | None

    @property
    def total(self) -> Estimate:
        """Network + processing + queueing (queueing only where known)."""
        t = self.network.total + self.processing
        if self.queueing is not None and self.queueing.wait.known:
            t = t + self.queueing.wait
        return t

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "connector": self.connector,
            "source": self.source,
            "target": self.target,
            "source_node": self.source_node,
            "target_node": self.target_node,
            "route": list(self.network.route),
            "legs": self.network.legs,
            "link_latency": self.network.latency.to_dict(),
            "transfer": self.network.transfer.to_dict(),
            "processing": self.processing.to_dict(),
            "queueing": self.queueing.to_dict() if self.queueing is not None else None,
            "total": self.total.to_dict(),
        }


@dataclass(frozen=True)
class FlowLatency:
    """End-to-end latency of one flow in one variant, with the breakdown and the verdict."""

    flow: str
    name: str
    steps: list[StepLatency]
    total: Estimate
    budget: str | None
    verdict: Verdict
    caveats: list[str] = field(default_factory=list)

    @property
    def missing(self) -> tuple[str, ...]:
        """What to declare to make the total known."""
        return self.total.missing

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "flow": self.flow,
            "name": self.name,
            "budget": self.budget,
            "verdict": self.verdict,
            "total": self.total.to_dict(),
            "caveats": list(self.caveats),
            "steps": [s.to_dict() for s in self.steps],
        }


def flow_latency(
    system_or_graph: System | AnalysisContext, flow_id: str, options: Options | None = None
) -> FlowLatency:
    """Latency of one flow under the graph's placement (see the module docstring for the formula)."""
    g = context_of(system_or_graph)
    f = g.system.flow(flow_id)
    steps: list[StepLatency] = []
    caveats: list[str] = []
    total = Estimate.zero("s")
    for sid in f.steps:
        c = g.connectors[sid]
        a, b = g.placement.get(c.source), g.placement.get(c.target)
        if a is None or b is None:
            who = c.source if a is None else c.target
            u = Estimate.unknown("s", f"place component '{who}' on a node")
            net = ConnectorTime(u, u, (), 2 if c.synchronous else 1)
            step = StepLatency(sid, c.source, c.target, a, b, net, u, None)
        else:
            net = connector_time_parts(g, sid, a, b)
            proc = component_time(g, c.target, b)
            q = queueing_delay(g, c.target, options)
            if not q.wait.known:
                caveats.append(f"queueing at '{c.target}' not included: " + "; ".join(q.wait.missing))
            step = StepLatency(sid, c.source, c.target, a, b, net, proc, q)
        steps.append(step)
        total = total + step.total
    budget = f.latency_budget
    return FlowLatency(
        f.id,
        f.label,
        steps,
        total,
        str(budget) if budget is not None else None,
        budget_verdict(total, budget),
        list(dict.fromkeys(caveats)),
    )


@dataclass(frozen=True)
class LatencyResult:
    """Latency of every flow in one variant."""

    variant: str | None
    flows: list[FlowLatency]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"variant": self.variant, "flows": [f.to_dict() for f in self.flows]}


def latency(
    system: System | AnalysisContext, variant: str | None = None, options: Options | None = None
) -> LatencyResult:
    """Latency, breakdown and verdict of every flow of a system in a variant (None: base placement)."""
    g = context_of(system, variant)
    return LatencyResult(g.variant, [flow_latency(g, f.id, options) for f in g.system.flows])
