"""From a model to a deployment plan: which Serve applications and deployments run where.

The plan is pure data, computed without Ray, so it can be shown in a review, written as a Serve
config file and tested quickly. Rules:

* One flow is deployed (``--flow``, default the first declared flow). Its steps form a chain of
  components from the entry component (the HTTP ingress) to the last component that has an
  ``implementation``; components after it that have none are listed as skipped.
* Consecutive components on the same node joined by an ``in_process`` connector are **fused** into
  one deployment: one replica runs them one after the other, with no handle hop in between.
  Every other step is a ``DeploymentHandle`` call to the next deployment.
* Each deployment node of the variant that hosts a deployment becomes one Serve application,
  named ``<system>-<node>``, with route prefix ``/<node>``. The entry node's application is a
  FastAPI ingress; the others answer ``GET /<node>`` with what they run.
* A call whose two ends sit on different nodes crosses the route of declared links between them.
  With link emulation on, the caller waits ``latency + bytes * 8 / bandwidth`` per link and
  direction (see :mod:`archkit.runtime.links`); a route cut by a link that is down in the variant
  makes the call fail with :class:`~archkit.runtime.protocol.LinkDown` naming the link.
* Components with an implementation that are not in the flow still become deployments on their
  node (reachable by handle), so the whole declared system runs.

Sizing (per replica): ``num_cpus`` from the component's ``cpus`` (summed over fused components),
else 0.5 for a deployment that runs an implementation and 0.1 for the ingress alone; ``memory``
from the component's ``memory`` or its model's ``memory``; replicas from ``replicas`` or
``autoscaling``, else 1. When the deployment runs on one machine (link emulation on), replica
counts are capped at the machine's CPU count and every ``num_cpus`` is scaled down by one factor
so the total fits the CPUs Ray has; each adjustment is recorded in ``notes``. With link emulation
off each replica also asks for the custom resource ``node:<node id>``, so on a cluster whose
machines advertise those resources the deployments land where their node stands for.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..errors import UsageError

__all__ = [
    "HopPlan",
    "CrossingPlan",
    "ComponentRun",
    "DeploymentSpec",
    "AppSpec",
    "DeploymentPlan",
    "build_plan",
    "app_prefix",
    "NODE_RESOURCE_PREFIX",
]

NODE_RESOURCE_PREFIX = "node:"
_DEFAULT_CPUS = 0.5
_INGRESS_CPUS = 0.1
_NODE_RESOURCE_SHARE = 0.001


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HopPlan(_Frozen):
    """One declared link crossed by a call, in the call's direction."""

    link: str = Field(description="Id of the link.")
    source: str = Field(description="Node the request leaves.")
    target: str = Field(description="Node the request reaches.")
    latency_s: float | None = Field(description="Typical one-way latency in seconds; None when not declared.")
    bandwidth_bps: float | None = Field(description="Bandwidth source -> target in bit/s; None when not declared.")
    bandwidth_back_bps: float | None = Field(
        description="Bandwidth target -> source in bit/s (the response's way); None when not declared.")


class CrossingPlan(_Frozen):
    """A call from one deployment to the next, with the links it crosses."""

    connector: str = Field(description="Id of the connector the call stands for.")
    kind: str = Field(description="The connector's kind (sync_call, in_process, async_message, ...).")
    source_node: str = Field(description="Node of the caller.")
    target_node: str = Field(description="Node of the callee.")
    hops: list[HopPlan] = Field(default_factory=list, description="Links crossed, in order; empty on one node.")
    down: list[str] = Field(
        default_factory=list, description="Links that are down and leave no route; calls fail naming the first.")


class ComponentRun(_Frozen):
    """A component run inside a deployment."""

    id: str = Field(description="Component id.")
    implementation: str | None = Field(description="'module:Class' to instantiate; None passes the payload on.")
    config: dict[str, Any] = Field(default_factory=dict, description="Keyword arguments for the class.")


class DeploymentSpec(_Frozen):
    """One Ray Serve deployment: a component, or several fused ones, on one node."""

    name: str = Field(description="Deployment name, unique within its application.")
    app: str = Field(description="Name of the Serve application it belongs to.")
    node: str = Field(description="Deployment node of the model it stands for.")
    components: list[ComponentRun] = Field(description="Components run in order by each replica.")
    ingress: bool = Field(False, description="Whether it is the HTTP ingress of the flow.")
    num_replicas: int | None = Field(description="Fixed replica count; None when autoscaling.")
    autoscaling: dict[str, Any] | None = Field(description="Serve autoscaling_config, when the model declares bounds.")
    num_cpus: float = Field(description="CPUs reserved per replica (may be fractional).")
    memory: int | None = Field(description="Bytes of memory reserved per replica; None when not declared.")
    resources: dict[str, float] = Field(default_factory=dict, description="Custom Ray resources per replica.")
    max_ongoing_requests: int | None = Field(description="Serve max_ongoing_requests; None keeps Serve's default.")
    next: str | None = Field(None, description="Deployment called after this one's components, if any.")
    next_app: str | None = Field(None, description="Application of the next deployment.")
    crossing: CrossingPlan | None = Field(None, description="The call to the next deployment and its links.")
    accepts: list[str] = Field(default_factory=list, description="Content types the ingress accepts (empty: any).")
    max_body_bytes: int | None = Field(None, description="Largest request body the ingress accepts.")


class AppSpec(_Frozen):
    """One Serve application: everything placed on one deployment node."""

    name: str = Field(description="Application name, '<system>-<node>'.")
    node: str = Field(description="The deployment node.")
    route_prefix: str = Field(description="HTTP route prefix, '/<node>'.")
    ingress: str = Field(description="Name of the application's ingress deployment.")
    deployments: list[str] = Field(description="Names of all its deployments, ingress first.")


class DeploymentPlan(_Frozen):
    """What ``archkit deploy`` will run for one model, variant and flow."""

    system: str = Field(description="Name of the system.")
    prefix: str = Field(description="Application name prefix derived from the system name.")
    variant: str | None = Field(description="The variant deployed; None for the base placement.")
    flow: str = Field(description="Id of the flow served over HTTP.")
    entry_component: str = Field(description="The flow's entry component (the HTTP ingress).")
    entry_node: str = Field(description="Node of the entry component.")
    endpoint: str = Field(description="HTTP path that runs the flow, e.g. '/glasses/read-sign'.")
    emulate_links: bool = Field(description="Whether calls across nodes wait as the declared links predict.")
    cpu_budget: float | None = Field(description="CPUs the plan was fitted into (one machine), or None.")
    python_path: list[str] = Field(
        default_factory=list, description="Folders added to sys.path in replicas to import implementations.")
    apps: list[AppSpec] = Field(description="Serve applications, entry node first.")
    deployments: list[DeploymentSpec] = Field(description="All deployments.")
    skipped: list[str] = Field(default_factory=list, description="Flow components not run, with the reason.")
    notes: list[str] = Field(default_factory=list, description="Adjustments made to fit the machine.")

    def deployment(self, name: str) -> DeploymentSpec:
        """The deployment with this name."""
        for spec in self.deployments:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def app(self, node: str) -> AppSpec:
        """The application for a node."""
        for app in self.apps:
            if app.node == node:
                return app
        raise KeyError(node)


def app_prefix(system_name: str) -> str:
    """Application name prefix for a system: its name in lower case with dashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", system_name.lower()).strip("-")
    return slug or "system"


def _import_roots(model_path: str | Path | None) -> list[str]:
    if model_path is None:
        return []
    here = Path(model_path).resolve()
    folder = here if here.is_dir() else here.parent
    roots = [str(folder)]
    for parent in [folder, *folder.parents]:
        if (parent / "pyproject.toml").exists() or (parent / ".git").exists():
            if str(parent) not in roots:
                roots.append(str(parent))
            break
    return roots


def _scaling(component: Any) -> tuple[int | None, dict[str, Any] | None, int]:
    """Replica count or autoscaling config, and the most replicas that may run."""
    auto = getattr(component, "autoscaling", None)
    if auto is not None:
        config: dict[str, Any] = {"min_replicas": auto.min_replicas, "max_replicas": auto.max_replicas}
        if auto.target_utilization is not None:
            config["target_ongoing_requests"] = max(1.0, round(auto.target_utilization * 5, 2))
        return None, config, auto.max_replicas
    replicas = getattr(component, "replicas", None)
    count = 1 if replicas in (None, 0) else int(replicas)
    return count, None, count


def _memory(component: Any) -> int | None:
    if component.memory is not None:
        return int(component.memory.hi)
    if component.model is not None and component.model.memory is not None:
        return int(component.model.memory.hi)
    return None


def _hops(graph: Any, connector: Any, a: str, b: str) -> tuple[list[HopPlan], list[str]]:
    nominal = graph.route(a, b, exclude=())
    usable = graph.route(a, b)
    if usable is None:
        down = [hop.link.id for hop in (nominal or []) if hop.link.id in graph.down]
        if not down:
            raise UsageError(
                f"connector {connector.id!r} joins nodes {a!r} and {b!r}, but no declared link joins them; "
                f"add a link between them or place both components on one node")
        hops = nominal or []
    else:
        down, hops = [], usable
    out = []
    for hop in hops:
        link = hop.link
        forward, backward = link.bandwidth, link.bandwidth_reverse or link.bandwidth
        if hop.source != link.ends[0]:
            forward, backward = backward, forward
        out.append(HopPlan(
            link=link.id, source=hop.source, target=hop.target,
            latency_s=None if link.latency is None else link.latency.mid,
            bandwidth_bps=None if forward is None else forward.mid,
            bandwidth_back_bps=None if backward is None else backward.mid,
        ))
    return out, down


def build_plan(
    system: Any,
    variant: str | None = None,
    flow: str | None = None,
    *,
    emulate_links: bool = True,
    cpus: float | None = None,
    model_path: str | Path | None = None,
) -> DeploymentPlan:
    """Compute the deployment plan of one flow of ``system`` under a variant's placement.

    Args:
        system: a validated :class:`archkit.model.System`.
        variant: variant name; None deploys the base placement.
        flow: flow id; None takes the first declared flow.
        emulate_links: wait on calls across nodes as the links predict (one machine), or map nodes
            to Ray custom resources ``node:<id>`` (a cluster).
        cpus: CPUs of the machine to fit into when emulating; defaults to ``os.cpu_count()``.
        model_path: the model file, whose folder (and project root) replicas import from.

    Raises:
        UsageError: unknown variant or flow, a flow component not placed on a node, or no
            component with an implementation.
    """
    from ..model.graph import SystemGraph

    if variant is not None and variant not in system.variant_names:
        known = ", ".join(system.variant_names) or "none"
        raise UsageError(f"unknown variant {variant!r}; the model declares: {known}")
    if not system.flows:
        raise UsageError(f"system {system.name!r} declares no flow; add a flow whose steps start at the ingress")
    flows = {f.id: f for f in system.flows}
    if flow is not None and flow not in flows:
        raise UsageError(f"unknown flow {flow!r}; the model declares: {', '.join(flows)}")
    chosen = flows[flow] if flow is not None else system.flows[0]
    graph = SystemGraph(system, variant)
    placement = graph.placement
    comps = graph.components
    steps = [graph.connectors[cid] for cid in chosen.steps]
    path = [steps[0].source] + [c.target for c in steps]
    unplaced = [cid for cid in path if cid not in placement]
    if unplaced:
        raise UsageError(
            f"flow {chosen.id!r} uses components with no node in "
            f"{'variant ' + repr(variant) if variant else 'the base placement'}: {', '.join(unplaced)}; "
            f"place them on a node")
    last = max((i for i, cid in enumerate(path) if comps[cid].implementation), default=None)
    if last is None:
        raise UsageError(
            f"no component in flow {chosen.id!r} has an implementation; set implementation='module:Class' "
            f"on the components to run")
    skipped = [f"{cid}: after the last component with an implementation" for cid in path[last + 1:]]
    path = path[: last + 1]
    prefix = app_prefix(system.name)
    emulate_one_machine = emulate_links
    budget = float(cpus if cpus is not None else (os.cpu_count() or 1)) if emulate_one_machine else None

    # group the chain: a new deployment unless the step is in_process on the same node
    groups: list[list[int]] = [[0]]
    for i in range(1, len(path)):
        step = steps[i - 1]
        same = placement[path[i]] == placement[path[i - 1]]
        if same and step.kind == "in_process":
            groups[-1].append(i)
        else:
            groups.append([i])

    raw: list[dict[str, Any]] = []
    used_names: set[str] = set()
    for g_index, members in enumerate(groups):
        node = placement[path[members[0]]]
        name = "ingress" if g_index == 0 else path[members[0]]
        base, n = name, 2
        while name in used_names:
            name, n = f"{base}-{n}", n + 1
        used_names.add(name)
        head = comps[path[members[0]]]
        runs = [ComponentRun(id=path[i], implementation=comps[path[i]].implementation,
                             config=dict(comps[path[i]].config)) for i in members]
        declared = [comps[path[i]].cpus for i in members if comps[path[i]].cpus is not None]
        has_impl = any(r.implementation for r in runs)
        cpus_each = float(sum(declared)) if declared else (_DEFAULT_CPUS if has_impl else _INGRESS_CPUS)
        mem = [m for m in (_memory(comps[path[i]]) for i in members) if m is not None]
        replicas, auto, most = _scaling(head)
        raw.append({"name": name, "node": node, "components": runs, "num_cpus": cpus_each,
                    "memory": sum(mem) if mem else None, "num_replicas": replicas, "autoscaling": auto,
                    "most": most, "ingress": g_index == 0, "head": head, "members": members})

    # components with an implementation outside the flow still run on their node
    in_chain = {path[i] for members in groups for i in members}
    for comp in system.components:
        if comp.implementation and comp.id not in in_chain and comp.id in placement:
            name = comp.id if comp.id not in used_names else f"{comp.id}-extra"
            used_names.add(name)
            replicas, auto, most = _scaling(comp)
            raw.append({"name": name, "node": placement[comp.id],
                        "components": [ComponentRun(id=comp.id, implementation=comp.implementation,
                                                    config=dict(comp.config))],
                        "num_cpus": float(comp.cpus) if comp.cpus else _DEFAULT_CPUS, "memory": _memory(comp),
                        "num_replicas": replicas, "autoscaling": auto, "most": most, "ingress": False,
                        "head": comp, "members": []})

    notes: list[str] = []
    if budget is not None:
        cap = max(1, int(budget))
        for item in raw:
            if item["num_replicas"] is not None and item["num_replicas"] > cap:
                notes.append(f"{item['name']}: {item['num_replicas']} replicas capped at {cap} "
                             f"(one machine with {cap} CPUs)")
                item["num_replicas"] = cap
                item["most"] = cap
            if item["autoscaling"] is not None and item["autoscaling"]["max_replicas"] > cap:
                notes.append(f"{item['name']}: autoscaling max_replicas {item['autoscaling']['max_replicas']} "
                             f"capped at {cap}")
                item["autoscaling"] = {**item["autoscaling"], "max_replicas": cap,
                                       "min_replicas": min(item["autoscaling"]["min_replicas"], cap)}
                item["most"] = cap
        total = sum(item["num_cpus"] * item["most"] for item in raw)
        room = budget * 0.95
        if total > room:
            factor = room / total
            notes.append(f"num_cpus scaled by {factor:.3f} so {total:g} requested CPUs fit in {budget:g}")
            for item in raw:
                item["num_cpus"] = round(item["num_cpus"] * factor, 4)

    # applications: one per node, in order of first use by the chain
    node_order: list[str] = []
    for item in raw:
        if item["node"] not in node_order:
            node_order.append(item["node"])
    app_name = {node: f"{prefix}-{node}" for node in node_order}

    specs: list[DeploymentSpec] = []
    for index, item in enumerate(raw):
        nxt = crossing = None
        if item["members"] and index + 1 < len(groups):
            target = raw[index + 1]
            step = steps[target["members"][0] - 1]
            hops, down = ([], [])
            if target["node"] != item["node"]:
                hops, down = _hops(graph, step, item["node"], target["node"])
            nxt = target["name"]
            crossing = CrossingPlan(connector=step.id, kind=step.kind, source_node=item["node"],
                                    target_node=target["node"], hops=hops, down=down)
        head = item["head"]
        props = getattr(head, "properties", {}) or {}
        max_ongoing = props.get("max_ongoing_requests")
        resources = {} if emulate_links else {f"{NODE_RESOURCE_PREFIX}{item['node']}": _NODE_RESOURCE_SHARE}
        accepts: list[str] = []
        max_body: int | None = None
        if item["ingress"]:
            accepts, max_body = _ingress_limits(item["components"][0].implementation, _import_roots(model_path))
        specs.append(DeploymentSpec(
            name=item["name"], app=app_name[item["node"]], node=item["node"], components=item["components"],
            ingress=item["ingress"], num_replicas=item["num_replicas"], autoscaling=item["autoscaling"],
            num_cpus=item["num_cpus"], memory=item["memory"], resources=resources,
            max_ongoing_requests=int(max_ongoing) if isinstance(max_ongoing, (int, float)) else None,
            next=nxt, next_app=app_name[raw[index + 1]["node"]] if nxt else None, crossing=crossing,
            accepts=accepts, max_body_bytes=max_body,
        ))

    apps = []
    for node in node_order:
        names = [s.name for s in specs if s.node == node]
        apps.append(AppSpec(name=app_name[node], node=node, route_prefix=f"/{node}", ingress=names[0],
                            deployments=names))
    entry_node = placement[path[0]]
    return DeploymentPlan(
        system=system.name, prefix=prefix, variant=variant, flow=chosen.id, entry_component=path[0],
        entry_node=entry_node, endpoint=f"/{entry_node}/{chosen.id}", emulate_links=emulate_links,
        cpu_budget=budget, python_path=_import_roots(model_path), apps=apps, deployments=specs,
        skipped=skipped, notes=notes,
    )


def _ingress_limits(implementation: str | None, roots: list[str]) -> tuple[list[str], int | None]:
    """Content types and body limit the entry component's class declares (``accepts``, ``max_body_bytes``)."""
    if not implementation:
        return [], None
    from .loader import load_class

    cls = load_class(implementation, roots)
    accepts = [str(t).lower() for t in getattr(cls, "accepts", ())]
    limit = getattr(cls, "max_body_bytes", None)
    return accepts, int(limit) if limit is not None else None
