"""Resource fit: does each node hold what is placed on it? Memory, storage, GPUs, cores; battery.

For each node n and the components x placed on it, with s(x) servers of x (one per device on a
user's device; else declared replicas, or the capacity plan, see ASSUMPTIONS['servers']) and,
on a fleet, the node's capacity times its count::

    memory   need = sum_x s(x) x (memory(x) + model.memory(x))     have = memory(n) x count
    storage  need = sum_x s(x) x (storage(x) + model.size(x))       have = storage(n) x count
    gpus     need = sum_x s(x) x gpus(x) (at least 1 if the model requires a GPU)   have = gpus(n) x count
    cpus     need = sum_x s(x) x cpus(x)                            have = cpu_cores(n) x count
    busy     need = sum_x lambda(x) x S(x)   (cores kept busy)      have = cpu_cores(n) x count

Verdict per resource: fits (worst case within), at risk (only the worst case over), over (best
case over), unknown. A need that is unknown because a component lacks the figure is still "over"
when the declared part alone is over the capacity (needs are never negative); the check then
reports that part as ``at_least``. Components that declare none of a resource add nothing to it, except memory,
which every component on a node must declare (else unknown naming it).

Battery (user devices with a battery): hours of use per charge = battery / power; energy per hour
of use = power x 1 h (power is what the device draws while busy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..model import System
from ._common import Estimate, Options, input_text, missing_text, quantity_estimate, replica_memory, replica_storage
from ._context import AnalysisContext, context_of
from ._latency import arrival_rate, component_time, servers_for

__all__ = ["ResourceCheck", "NodeFit", "ResourcesResult", "ReplicaNeeds", "replica_needs", "resources"]

FitVerdict = Literal["fits", "at risk", "over", "unknown"]


@dataclass(frozen=True)
class ResourceCheck:
    """Need against capacity for one resource of one node."""

    resource: str
    need: Estimate
    have: Estimate
    verdict: FitVerdict
    at_least: Estimate | None = None
    """When the need is unknown (some component lacks the figure): what the declared part alone needs.
    Needs are never negative, so a declared part over the capacity is already "over"."""

    @property
    def need_text(self) -> str:
        """The need, or 'at least ...' when only the declared part is known."""
        if not self.need.known and self.at_least is not None and self.at_least.known:
            return f"at least {self.at_least.text()} (declared part; {'; '.join(self.need.missing[:2])})"
        return self.need.text()

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "resource": self.resource,
            "verdict": self.verdict,
            "need": self.need.to_dict(),
            "have": self.have.to_dict(),
            "at_least": self.at_least.to_dict() if self.at_least else None,
        }


@dataclass(frozen=True)
class NodeFit:
    """Resource fit of one node (per device on user devices, whole fleet otherwise)."""

    node: str
    scope: str
    components: list[str]
    checks: list[ResourceCheck]
    battery_hours: Estimate | None = None
    energy_per_hour: Estimate | None = None
    servers: dict[str, int | None] = field(default_factory=dict)

    @property
    def verdict(self) -> FitVerdict:
        """The worst verdict of the checks."""
        order = ["fits", "unknown", "at risk", "over"]
        worst: FitVerdict = max((c.verdict for c in self.checks), key=order.index, default="fits")
        return worst

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "node": self.node,
            "scope": self.scope,
            "verdict": self.verdict,
            "components": list(self.components),
            "servers": dict(self.servers),
            "checks": [c.to_dict() for c in self.checks],
            "battery_hours": self.battery_hours.to_dict() if self.battery_hours else None,
            "energy_per_hour": self.energy_per_hour.to_dict() if self.energy_per_hour else None,
        }


@dataclass(frozen=True)
class ResourcesResult:
    """Resource fit of every node in one variant."""

    variant: str | None
    nodes: list[NodeFit]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"variant": self.variant, "nodes": [n.to_dict() for n in self.nodes]}


def _checked(check: ResourceCheck, parts: list[Estimate]) -> ResourceCheck:
    """The check with its verdict; an unknown need whose declared part alone is over is over."""
    at_least = None
    if not check.need.known:
        known = [p for p in parts if p.known]
        at_least = Estimate.total(known, check.need.unit) if known else None
    verdict = _verdict(check.need, check.have)
    if verdict == "unknown" and at_least is not None and check.have.known and at_least.best > check.have.worst:  # type: ignore[operator]
        verdict = "over"
    return ResourceCheck(check.resource, check.need, check.have, verdict, at_least)


def _verdict(need: Estimate, have: Estimate) -> FitVerdict:
    if not need.known or not have.known:
        return "unknown"
    if need.best > have.worst:  # type: ignore[operator]
        return "over"
    if need.worst > have.best:  # type: ignore[operator]
        return "at risk"
    return "fits"


def node_capacity(q: Any, node: Any, name: str, unit: str, per_device: bool) -> Estimate:
    """What a node offers of one resource, per device or over its fleet (count x per-node amount)."""
    e = (
        quantity_estimate(q, "node", node.id, name, unit)
        if not isinstance(q, (int, float)) or q is None
        else Estimate.exact(float(q), unit, (input_text("node", node.id, name, f"{q:g}"),))
    )
    return (
        e
        if per_device or node.count == 1
        else e.scale(node.count, inputs=(input_text("node", node.id, "count", node.count),))
    )


@dataclass(frozen=True)
class ReplicaNeeds:
    """What one component placed on a node asks of it: its servers and their resources (None: asks none)."""

    servers: int | None
    memory: Estimate
    storage: Estimate | None
    gpus: Estimate | None
    cpus: Estimate | None
    busy: Estimate | None


def replica_needs(
    system_or_graph: System | AnalysisContext,
    component_id: str,
    node_id: str,
    options: Options | None = None,
    arrival: Estimate | None = None,
) -> ReplicaNeeds:
    """Servers of a component on a node and the memory, storage, GPUs, reserved and busy cores they need.

    ``arrival`` gives the arrival rate instead of :func:`arrival_rate` under the graph's placement.
    """
    g = context_of(system_or_graph)
    if arrival is not None:
        return _replica_needs(g, component_id, node_id, options, arrival)
    # the same nodes around the component give the same needs: once for all placements
    table = g.shared.get(("needs", options))  # one table per options: hashing them once per look-up costs
    if table is None:
        table = g.shared[("needs", options)] = {}
    key = (component_id, node_id, g.neighbourhood(component_id))
    try:
        return table[key]  # type: ignore[no-any-return]
    except KeyError:
        needs = table[key] = _replica_needs(g, component_id, node_id, options, None)
        return needs


def _replica_needs(
    g: AnalysisContext, component_id: str, node_id: str, options: Options | None, arrival: Estimate | None
) -> ReplicaNeeds:
    c = g.components[component_id]
    lam = arrival if arrival is not None else arrival_rate(g, component_id, options)
    svc = component_time(g, component_id, node_id)
    s, _ = servers_for(g, component_id, lam.typical if lam.known else None, svc.worst if svc.known else None, options)
    se = (
        Estimate.exact(float(s), "servers")
        if s is not None
        else Estimate.unknown("servers", *(lam.missing + svc.missing))
    )
    st = replica_storage(c)
    gp = max(c.gpus, 1.0 if c.model is not None and c.model.requires_gpu else 0.0)
    return ReplicaNeeds(
        s,
        replica_memory(c).times(se, "B"),
        st.times(se, "B") if st is not None else None,
        Estimate.exact(gp, "gpus", (input_text("component", component_id, "gpus", f"{gp:g}"),)).times(se, "gpus")
        if gp
        else None,
        Estimate.exact(c.cpus, "cores", (input_text("component", component_id, "cpus", f"{c.cpus:g}"),)).times(
            se, "cores"
        )
        if c.cpus is not None
        else None,
        None if lam.known and lam.worst == 0 else lam.times(svc, "cores"),
    )


def resources(
    system: System | AnalysisContext, variant: str | None = None, options: Options | None = None
) -> ResourcesResult:
    """Memory, storage, GPU and compute fit of every node that hosts components, and battery life."""
    g = context_of(system, variant)
    system, variant = g.system, g.variant
    hosted: dict[str, list[str]] = {}
    for c in system.components:
        nid = g.placement.get(c.id)
        if nid is not None and nid in g.nodes:
            hosted.setdefault(nid, []).append(c.id)
    out: list[NodeFit] = []
    for n in system.nodes:
        ids = hosted.get(n.id)
        if not ids:
            continue
        per_device = n.per_user is not None
        mem: list[Estimate] = []
        sto: list[Estimate] = []
        gpu: list[Estimate] = []
        cpu: list[Estimate] = []
        busy: list[Estimate] = []
        servers: dict[str, int | None] = {}
        for cid in ids:
            need = replica_needs(g, cid, n.id, options)
            servers[cid] = need.servers
            mem.append(need.memory)
            for into, part in ((sto, need.storage), (gpu, need.gpus), (cpu, need.cpus), (busy, need.busy)):
                if part is not None:
                    into.append(part)
        checks = [
            ResourceCheck(
                "memory", Estimate.total(mem, "B"), node_capacity(n.memory, n, "memory", "B", per_device), "fits"
            ),
        ]
        if sto:
            checks.append(
                ResourceCheck(
                    "storage", Estimate.total(sto, "B"), node_capacity(n.storage, n, "storage", "B", per_device), "fits"
                )
            )
        if gpu:
            checks.append(
                ResourceCheck(
                    "gpus", Estimate.total(gpu, "gpus"), node_capacity(n.gpus, n, "gpus", "gpus", per_device), "fits"
                )
            )
        cores_have = (
            node_capacity(n.cpu_cores, n, "cpu_cores", "cores", per_device)
            if n.cpu_cores is not None
            else Estimate.unknown("cores", missing_text("cpu_cores", "node", n.id))
        )
        if cpu:
            checks.append(ResourceCheck("cpus reserved", Estimate.total(cpu, "cores"), cores_have, "fits"))
        if busy:
            checks.append(ResourceCheck("cores busy", Estimate.total(busy, "cores"), cores_have, "fits"))
        parts = {"memory": mem, "storage": sto, "gpus": gpu, "cpus reserved": cpu, "cores busy": busy}
        checks = [_checked(k, parts[k.resource]) for k in checks]
        hours = energy = None
        if n.battery is not None:
            bat = quantity_estimate(n.battery, "node", n.id, "battery", "J")
            pw = quantity_estimate(n.power, "node", n.id, "power", "W")
            hours = bat.per(pw, "s").scale(1 / 3600, "h")
            energy = pw.scale(3600, "J")
        out.append(
            NodeFit(
                n.id, "per device" if per_device else f"fleet of {n.size_text}", ids, checks, hours, energy, servers
            )
        )
    return ResourcesResult(variant, out)
