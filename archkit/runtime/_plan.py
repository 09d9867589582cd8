"""From a model to a deployment plan: which Serve applications and deployments run where.

The plan is pure data, computed without Ray, so it can be shown in a review, written as a Serve
config file and tested quickly. Rules:

* One flow is deployed (``--flow``, default the first declared flow). Each step of the flow is a
  call from its connector's source component to its target component, made in flow order; the
  flow's entry component (the first step's source) is the HTTP ingress. A component that is the
  source of several steps orchestrates them (the AR example's frame selector calls OCR, then
  translation); a chain A -> B -> C has B call C.
* A step's target runs **inside the caller's deployment** (no handle hop) when it sits on the same
  node and the connector is ``in_process``, or when it has no ``implementation`` (there is nothing
  to run, so it costs no process). Every other step is a ``DeploymentHandle`` call to the target's
  own deployment. Steps whose target, and everything it calls, has no implementation are skipped.
* Each deployment node of the variant that hosts a deployment becomes one Serve application,
  named ``<system>-<node>``, with route prefix ``/<node>``. The entry node's application is a
  FastAPI ingress; the others answer ``GET /<node>`` with what they run.
* A call whose two ends sit on different nodes crosses the route of declared links between them.
  With link emulation on, the caller waits ``latency + bytes * 8 / bandwidth`` per link and
  direction (see :mod:`archkit.runtime._links`), with the link values the latency analysis uses at
  the plan's emulation point (:func:`archkit.analysis.hop_at`; typical by default): a synchronous
  call (sync_call, in_process) pays the request's way out and the response's way back, any other
  connector only the way out, as in the analysis. So for declared sizes the emulated wait is the
  analysis' connector time, which the plan records as ``expected_ms``. A link to cross without a
  declared latency or bandwidth stops the plan (nothing missing is taken as zero). A route cut by
  a link that is down in the variant makes the call fail with
  :class:`~archkit.runtime._protocol.LinkDown` naming the link.
* Components with an implementation that are not in the flow still become deployments on their
  node (reachable by handle), so the whole declared system runs.
* With device emulation on (by default exactly when links are emulated), each flow step takes
  as long as the model says its target takes on the node it is placed on: the call's
  ``device_time_s`` is the latency analysis' component time of the target there (typical
  value), and the caller pads what the step cost on this machine (the handle hop and the
  target's processing, link waits aside) up to it (see :mod:`archkit.runtime._runner`). A step
  whose target has no implementation but a declared time then counts as doing something: it
  runs inline as a padded no-op instead of being skipped.

Serving limits (per deployment; a component may set each one in its ``properties``):
``max_ongoing_requests`` (requests a replica works on at once) and ``max_queued_requests``
(requests waiting for a free replica before Serve answers 503) default to 4 and 8 for the
ingress, so a flood is answered with fast 503s while admitted requests keep their usual
latency; other deployments keep Serve's defaults (5, unbounded: the ingress bounds what reaches
them). ``request_timeout_s`` (the ingress's deadline per request, 504 beyond it) defaults to
15 s. Every deployment is health-checked every second with a 5 s timeout, so Serve replaces a dead
or stuck replica within seconds instead of its default 10 s period.

Sizing (per replica): ``num_cpus`` from the component's ``cpus`` (summed over components run in
one deployment), else 0.5 for a deployment that runs an implementation and 0.1 for one that only
passes calls on; ``memory`` from the component's ``memory`` or its model's ``memory``; replicas
from ``replicas`` or ``autoscaling`` of the deployment's first component, else 1. When the
deployment runs on one machine (link emulation on, or a local head archkit starts), replica
counts are capped at the machine's CPU count and every ``num_cpus`` is scaled down by one factor
so the total fits the CPUs Ray has (a reservation that does not fit leaves a replica unscheduled);
each adjustment is recorded in ``notes``. With link emulation off each replica also asks for the
custom resource ``node:<node id>``, so on a cluster whose machines advertise those resources the
deployments land where their node stands for.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..analysis import (
    AnalysisContext,
    Point,
    component_time,
    connector_time,
    hop_at,
    links_cutting_route,
    message_bits,
)
from ..errors import UsageError

__all__ = [
    "HopPlan",
    "CrossingPlan",
    "CallPlan",
    "ComponentRun",
    "DeploymentSpec",
    "AppSpec",
    "DeploymentPlan",
    "build_plan",
    "deployment_options",
    "device_times",
    "admission_capacity",
    "app_prefix",
    "NODE_RESOURCE_PREFIX",
]

NODE_RESOURCE_PREFIX = "node:"
_DEFAULT_CPUS = 0.5
_INGRESS_CPUS = 0.1
_NODE_RESOURCE_SHARE = 0.001
#: Serving limits of the ingress unless its component's properties say otherwise.
_INGRESS_MAX_ONGOING = 4
_INGRESS_MAX_QUEUED = 8
_REQUEST_TIMEOUT_S = 15.0
#: Health checks of every deployment: period and timeout in seconds.
_HEALTH_CHECK_PERIOD_S = 1.0
_HEALTH_CHECK_TIMEOUT_S = 5.0
#: Seconds a client is told to wait (``Retry-After``) when the ingress's queue is full.
_RETRY_AFTER_S = 1.0


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HopPlan(_Frozen):
    """One declared link crossed by a call, in the call's direction."""

    link: str = Field(description="Id of the link.")
    source: str = Field(description="Node the request leaves.")
    target: str = Field(description="Node the request reaches.")
    latency_s: float | None = Field(
        description="One-way latency in seconds at the plan's emulation point; None when not declared."
    )
    bandwidth_bps: float | None = Field(
        description="Bandwidth source -> target in bit/s at the plan's emulation point; None when not declared."
    )
    bandwidth_back_bps: float | None = Field(
        description="Bandwidth target -> source in bit/s (the response's way) at the emulation point; None when "
        "not declared."
    )


class CrossingPlan(_Frozen):
    """The links a call between two nodes crosses."""

    source_node: str = Field(description="Node of the caller.")
    target_node: str = Field(description="Node of the callee.")
    hops: list[HopPlan] = Field(default_factory=list, description="Links crossed, in order; empty on one node.")
    down: list[str] = Field(
        default_factory=list, description="Links that are down and leave no route; calls fail naming the first."
    )
    expected_ms: float | None = Field(
        None,
        description="Network time the latency analysis predicts for one call (its connector time at the plan's "
        "emulation point), in ms; None when the analysis cannot tell (a size, latency or bandwidth "
        "not declared, or no route).",
    )


class CallPlan(_Frozen):
    """One step of the flow: a call from a component to another."""

    connector: str = Field(description="Id of the connector the call stands for.")
    kind: str = Field(description="The connector's kind (sync_call, in_process, stream, ...).")
    source: str = Field(description="Calling component.")
    target: str = Field(description="Called component.")
    inline: bool = Field(description="Whether the target runs in the caller's deployment (no handle hop).")
    deployment: str = Field(description="Deployment that runs the target.")
    app: str = Field(description="Application of that deployment.")
    crossing: CrossingPlan | None = Field(None, description="Links crossed when caller and target are on two nodes.")
    legs: int = Field(
        2,
        description="Legs the call crosses its route: 2 for a synchronous call (sync_call, "
        "in_process: the request out, the response back), 1 for any other connector.",
    )
    request_bytes: float | None = Field(
        None,
        description="Declared request size at the emulation point, used for link emulation; None: the actual payload.",
    )
    response_bytes: float | None = Field(
        None,
        description="Declared response size at the emulation point, used for link emulation; None: the actual answer.",
    )
    device_time_s: float | None = Field(
        None,
        description="With device emulation: seconds the target takes on its node (the latency analysis' "
        "component time at the emulation point); the caller pads the step up to it. None: no "
        "padding.",
    )


class ComponentRun(_Frozen):
    """A component run inside a deployment."""

    id: str = Field(description="Component id.")
    implementation: str | None = Field(description="'module:Class' to instantiate; None passes the payload on.")
    config: dict[str, Any] = Field(default_factory=dict, description="Keyword arguments for the class.")


class DeploymentSpec(_Frozen):
    """One Ray Serve deployment: a component, and the components run inside it, on one node."""

    name: str = Field(description="Deployment name, unique within its application.")
    app: str = Field(description="Name of the Serve application it belongs to.")
    node: str = Field(description="Deployment node of the model it stands for.")
    components: list[ComponentRun] = Field(
        description="Components this deployment runs, first the one it is named for."
    )
    calls: list[CallPlan] = Field(default_factory=list, description="Flow steps made from its components, in order.")
    ingress: bool = Field(False, description="Whether it is the HTTP ingress of the flow.")
    num_replicas: int | None = Field(description="Fixed replica count; None when autoscaling.")
    autoscaling: dict[str, Any] | None = Field(description="Serve autoscaling_config, when the model declares bounds.")
    num_cpus: float = Field(description="CPUs reserved per replica (may be fractional).")
    memory: int | None = Field(description="Bytes of memory reserved per replica; None when not declared.")
    resources: dict[str, float] = Field(default_factory=dict, description="Custom Ray resources per replica.")
    max_ongoing_requests: int | None = Field(description="Serve max_ongoing_requests; None keeps Serve's default.")
    max_queued_requests: int | None = Field(
        None, description="Serve max_queued_requests: requests waiting beyond it get 503; None: unbounded."
    )
    request_timeout_s: float | None = Field(
        None, description="Deadline of one request at the ingress in seconds (504 beyond it); None for others."
    )
    health_check_period_s: float = Field(_HEALTH_CHECK_PERIOD_S, description="Seconds between health checks.")
    health_check_timeout_s: float = Field(
        _HEALTH_CHECK_TIMEOUT_S, description="Seconds a health check may take before the replica counts as failed."
    )
    accepts: list[str] = Field(default_factory=list, description="Content types the ingress accepts (empty: any).")
    max_body_bytes: int | None = Field(None, description="Largest request body the ingress accepts.")


#: Serve's own default of ``max_ongoing_requests``.
SERVE_DEFAULT_MAX_ONGOING = 5


def admission_capacity(spec: DeploymentSpec) -> int | None:
    """Requests a deployment holds at once: working (each replica's ``max_ongoing_requests``) plus
    waiting (``max_queued_requests``); None when its queue is unbounded. Autoscaling counts
    its ``max_replicas``."""
    if spec.max_queued_requests is None:
        return None
    auto = spec.autoscaling or {}
    replicas = spec.num_replicas or auto.get("max_replicas") or 1
    return (spec.max_ongoing_requests or SERVE_DEFAULT_MAX_ONGOING) * int(replicas) + spec.max_queued_requests


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
    emulation_point: Point = Field(
        "typical", description="Which point of each declared range link emulation uses: best, typical or worst."
    )
    emulate_devices: bool = Field(
        False, description="Whether each component is padded to the processing time declared for its node."
    )
    cpu_budget: float | None = Field(description="CPUs the plan was fitted into (one machine), or None.")
    python_path: list[str] = Field(
        default_factory=list, description="Folders added to sys.path in replicas to import implementations."
    )
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


def _hops(ctx: AnalysisContext, connector: Any, a: str, b: str, point: Point) -> tuple[list[HopPlan], list[str]]:
    nominal = ctx.route(a, b, exclude=())
    usable = ctx.route(a, b)
    if usable is None:
        down = links_cutting_route(ctx, a, b)
        if not down:
            raise UsageError(
                f"connector {connector.id!r} joins nodes {a!r} and {b!r}, but no declared link joins them; "
                f"add a link between them or place both components on one node"
            )
        hops = nominal or []
    else:
        down, hops = [], usable
    out = []
    for hop in hops:
        latency, forward = hop_at(hop.link, hop.source, point)
        _, backward = hop_at(hop.link, hop.target, point)
        out.append(
            HopPlan(
                link=hop.link.id,
                source=hop.source,
                target=hop.target,
                latency_s=latency,
                bandwidth_bps=forward,
                bandwidth_back_bps=backward,
            )
        )
    return out, down


def _expected_ms(ctx: AnalysisContext, connector: Any, a: str, b: str, point: Point) -> float | None:
    """The latency analysis' connector time at ``point``, in ms (the delay link emulation waits)."""
    seconds = connector_time(ctx, connector.id, a, b).at(point)
    return None if seconds is None else round(seconds * 1000, 3)


def _size_at(connector: Any, field_name: str, point: Point) -> float | None:
    bits = message_bits(connector, field_name).at(point)
    return None if bits is None else bits / 8


def _undeclared_links(calls: list[CallPlan]) -> list[str]:
    """Links a call would cross whose latency or bandwidth (in a direction travelled) is not declared."""
    out = []
    for call in calls:
        crossing = call.crossing
        if crossing is None or crossing.down:
            continue
        for hop in crossing.hops:
            gaps = [
                name for name, value in (("latency", hop.latency_s), ("bandwidth", hop.bandwidth_bps)) if value is None
            ]
            if call.legs == 2 and hop.bandwidth_back_bps is None and "bandwidth" not in gaps:
                gaps.append(f"bandwidth from {hop.target!r}")
            if gaps:
                out.append(f"link {hop.link!r} ({' and '.join(gaps)}; crossed by {call.connector!r})")
    return list(dict.fromkeys(out))


def build_plan(
    system: Any,
    variant: str | None = None,
    flow: str | None = None,
    *,
    emulate_links: bool = True,
    cpus: float | None = None,
    model_path: str | Path | None = None,
    point: Point = "typical",
    emulate_devices: bool | None = None,
    one_machine: bool | None = None,
) -> DeploymentPlan:
    """Compute the deployment plan of one flow of ``system`` under a variant's placement.

    Args:
        system: a validated :class:`archkit.model.System`.
        variant: variant name; None deploys the base placement.
        flow: flow id; None takes the first declared flow.
        emulate_links: wait on calls across nodes as the links predict (one machine), or map nodes
            to Ray custom resources ``node:<id>`` (a cluster).
        cpus: CPUs of the machine to fit into when it is one machine; defaults to ``os.cpu_count()``.
        model_path: the model file, whose folder (and project root) replicas import from.
        point: the point of each declared range that link emulation waits (default the typical
            value); each call's ``expected_ms`` is the latency analysis' connector time there.
        emulate_devices: pad each component to the processing time declared for its node (see
            :func:`device_times`); None: on exactly when ``emulate_links`` is.
        one_machine: every deployment runs on one machine of ``cpus`` CPUs (a local head), so
            replica counts and CPU reservations are fitted to it; None: exactly when
            ``emulate_links`` is.

    Raises:
        UsageError: unknown variant or flow, a flow component not placed on a node, no component
            with an implementation, or (with link emulation) a link to cross that declares no
            latency or bandwidth: emulation never takes a missing value as zero.
    """

    chosen = _chosen_flow(system, variant, flow)
    graph = AnalysisContext(system, variant)
    placement = graph.placement
    steps = [graph.connectors[cid] for cid in chosen.steps]
    entry = steps[0].source
    unplaced = sorted({cid for cid in [entry] + [c.target for c in steps] if cid not in placement})
    if unplaced:
        where = f"variant {variant!r}" if variant else "the base placement"
        raise UsageError(
            f"flow {chosen.id!r} uses components with no node in {where}: {', '.join(unplaced)}; place them on a node"
        )
    devices = emulate_links if emulate_devices is None else emulate_devices
    padded = device_times(graph, [s.target for s in steps], point) if devices else {}
    live, skipped = _live_steps(chosen.id, entry, steps, graph.components, padded, devices)
    owner, inline_step = _owners(entry, live, graph)
    raw = _deployment_items(system, graph, entry, owner)
    names = {item["head"]: item["name"] for item in raw}

    if one_machine is None:
        one_machine = emulate_links
    budget = float(cpus if cpus is not None else (os.cpu_count() or 1)) if one_machine else None
    notes = _fit_to_machine(raw, budget) if budget is not None else []

    node_order = list(dict.fromkeys(item["node"] for item in raw))
    prefix = app_prefix(system.name)
    app_name = {node: f"{prefix}-{node}" for node in node_order}
    roots = _import_roots(model_path)
    specs: list[DeploymentSpec] = []
    for item in raw:
        member_ids = {run.id for run in item["components"]}
        calls = [
            _call_plan(
                graph,
                step,
                inline_step[step.id],
                names[owner[step.target]],
                app_name[placement[owner[step.target]]],
                padded.get(step.target),
                point,
            )
            for step in live
            if step.source in member_ids
        ]
        resources = {} if emulate_links else {f"{NODE_RESOURCE_PREFIX}{item['node']}": _NODE_RESOURCE_SHARE}
        accepts: list[str] = []
        max_body: int | None = None
        if item["ingress"]:
            accepts, max_body = _ingress_limits(item["components"][0].implementation, roots)
        specs.append(
            DeploymentSpec(
                name=item["name"],
                app=app_name[item["node"]],
                node=item["node"],
                components=item["components"],
                calls=calls,
                ingress=item["ingress"],
                num_replicas=item["num_replicas"],
                autoscaling=item["autoscaling"],
                num_cpus=item["num_cpus"],
                memory=item["memory"],
                resources=resources,
                accepts=accepts,
                max_body_bytes=max_body,
                **_serving_limits(graph.components[item["head"]], item["ingress"]),
            )
        )

    gaps = _undeclared_links([call for spec in specs for call in spec.calls]) if emulate_links else []
    if gaps:
        raise UsageError(
            "link emulation needs the latency and bandwidth of every link a call crosses; not "
            f"declared: {'; '.join(gaps)}. Declare them, or deploy without link emulation"
        )

    apps = []
    for node in node_order:
        names_here = [s.name for s in specs if s.node == node]
        apps.append(
            AppSpec(
                name=app_name[node], node=node, route_prefix=f"/{node}", ingress=names_here[0], deployments=names_here
            )
        )
    entry_node = placement[entry]
    return DeploymentPlan(
        system=system.name,
        prefix=prefix,
        variant=variant,
        flow=chosen.id,
        entry_component=entry,
        entry_node=entry_node,
        endpoint=f"/{entry_node}/{chosen.id}",
        emulate_links=emulate_links,
        emulation_point=point,
        emulate_devices=devices,
        cpu_budget=budget,
        python_path=roots,
        apps=apps,
        deployments=specs,
        skipped=skipped,
        notes=notes,
    )


def _chosen_flow(system: Any, variant: str | None, flow: str | None) -> Any:
    """The flow to deploy (the first declared one when ``flow`` is None), after checking the names."""
    if variant is not None and variant not in system.variant_names:
        known = ", ".join(system.variant_names) or "none"
        raise UsageError(f"unknown variant {variant!r}; the model declares: {known}")
    if not system.flows:
        raise UsageError(f"system {system.name!r} declares no flow; add a flow whose steps start at the ingress")
    flows = {f.id: f for f in system.flows}
    if flow is not None and flow not in flows:
        raise UsageError(f"unknown flow {flow!r}; the model declares: {', '.join(flows)}")
    return flows[flow] if flow is not None else system.flows[0]


def _live_steps(
    flow_id: str, entry: str, steps: list[Any], comps: Mapping[str, Any], padded: dict[str, float | None], devices: bool
) -> tuple[list[Any], list[str]]:
    """The steps that do something (their target runs code or, emulating devices, takes declared time,
    or calls something that does), and a note for each skipped one."""

    def runs_code(cid: str, seen: frozenset[str] = frozenset()) -> bool:
        if comps[cid].implementation or padded.get(cid) is not None:
            return True
        return any(runs_code(s.target, seen | {cid}) for s in steps if s.source == cid and s.target not in seen)

    if not runs_code(entry):
        raise UsageError(
            f"no component in flow {flow_id!r} has an implementation; set "
            f"implementation='module:Class' on the components to run"
        )
    live = [s for s in steps if runs_code(s.target)]
    skipped = [
        f"{s.target}: step {s.id!r} skipped, nothing it reaches has an implementation"
        + (" or a declared processing time" if devices else "")
        for s in steps
        if s not in live
    ]
    return live, skipped


def _owners(entry: str, live: list[Any], graph: AnalysisContext) -> tuple[dict[str, str], dict[str, bool]]:
    """The deployment of each flow component, named by its first component (the caller's deployment for
    a step that runs inline, else its own), and whether each step runs inline."""
    placement, comps = graph.placement, graph.components
    owner: dict[str, str] = {entry: entry}
    inline_step: dict[str, bool] = {}
    for step in live:
        if step.target in owner:
            inline_step[step.id] = owner[step.target] == owner.get(step.source)
            continue
        same = placement[step.target] == placement[step.source]
        inline = same and (step.kind == "in_process" or not comps[step.target].implementation)
        owner[step.target] = owner[step.source] if inline else step.target
        inline_step[step.id] = inline
    return owner, inline_step


def _deployment_items(system: Any, graph: AnalysisContext, entry: str, owner: dict[str, str]) -> list[dict[str, Any]]:
    """One entry per deployment: the flow's (entry first, named ``ingress``), then one per component
    with an implementation outside the flow (it still runs on its node). Adds those to ``owner``."""
    placement, comps = graph.placement, graph.components

    def item(name: str, head: str, members: list[str], num_cpus: float) -> dict[str, Any]:
        mem = [m for m in (_memory(comps[cid]) for cid in members) if m is not None]
        replicas, auto, most = _scaling(comps[head])
        return {
            "name": name,
            "head": head,
            "node": placement[head],
            "components": [
                ComponentRun(id=cid, implementation=comps[cid].implementation, config=dict(comps[cid].config))
                for cid in members
            ],
            "num_cpus": num_cpus,
            "memory": sum(mem) if mem else None,
            "num_replicas": replicas,
            "autoscaling": auto,
            "most": most,
            "ingress": head == entry,
        }

    items = []
    for head in dict.fromkeys(owner.values()):
        members = [cid for cid in owner if owner[cid] == head]
        declared = [float(comps[cid].cpus or 0.0) for cid in members if comps[cid].cpus is not None]
        has_impl = any(comps[cid].implementation for cid in members)
        cpus = float(sum(declared)) if declared else (_DEFAULT_CPUS if has_impl else _INGRESS_CPUS)
        items.append(item("ingress" if head == entry else head, head, members, cpus))
    for comp in system.components:
        if comp.implementation and comp.id not in owner and comp.id in placement:
            owner[comp.id] = comp.id
            items.append(item(comp.id, comp.id, [comp.id], float(comp.cpus) if comp.cpus else _DEFAULT_CPUS))
    return items


def _fit_to_machine(items: list[dict[str, Any]], budget: float) -> list[str]:
    """Fit the deployments into one machine of ``budget`` CPUs: replica counts capped at its CPUs, CPU
    reservations scaled to 95 % of it when they ask for more. Returns a note for each change."""
    notes: list[str] = []
    cap = max(1, int(budget))
    for item in items:
        if item["num_replicas"] is not None and item["num_replicas"] > cap:
            notes.append(
                f"{item['name']}: {item['num_replicas']} replicas capped at {cap} (one machine with {cap} CPUs)"
            )
            item["num_replicas"] = item["most"] = cap
        auto = item["autoscaling"]
        if auto is not None and auto["max_replicas"] > cap:
            notes.append(f"{item['name']}: autoscaling max_replicas {auto['max_replicas']} capped at {cap}")
            item["autoscaling"] = {**auto, "max_replicas": cap, "min_replicas": min(auto["min_replicas"], cap)}
            item["most"] = cap
    total = sum(item["num_cpus"] * item["most"] for item in items)
    room = budget * 0.95
    if total > room:
        factor = room / total
        notes.append(f"num_cpus scaled by {factor:.3f} so {total:g} requested CPUs fit in {budget:g}")
        for item in items:
            item["num_cpus"] = round(item["num_cpus"] * factor, 4)
    return notes


def _call_plan(
    graph: AnalysisContext,
    step: Any,
    inline: bool,
    deployment: str,
    app: str,
    device_time_s: float | None,
    point: Point,
) -> CallPlan:
    """The plan of one flow step: where its target runs and the links it crosses."""
    crossing = None
    a, b = graph.placement[step.source], graph.placement[step.target]
    if a != b:
        hops, down = _hops(graph, step, a, b, point)
        crossing = CrossingPlan(
            source_node=a, target_node=b, hops=hops, down=down, expected_ms=_expected_ms(graph, step, a, b, point)
        )
    return CallPlan(
        connector=step.id,
        kind=step.kind,
        source=step.source,
        target=step.target,
        inline=inline,
        deployment=deployment,
        app=app,
        crossing=crossing,
        legs=2 if step.synchronous else 1,
        request_bytes=_size_at(step, "request_size", point),
        response_bytes=_size_at(step, "response_size", point),
        device_time_s=device_time_s,
    )


def device_times(ctx: AnalysisContext, components: list[str], point: Point = "typical") -> dict[str, float | None]:
    """Seconds each component takes on the node it is placed on: the latency analysis' component time.

    The value is :func:`archkit.analysis.component_time` at ``point`` of its range (typical by
    default); None where the model declares no time for that node (the component then runs at
    this machine's speed).
    """
    return {cid: component_time(ctx, cid, ctx.placement[cid]).at(point) for cid in components}


def _serving_limits(component: Any, ingress: bool) -> dict[str, Any]:
    """Queue bounds and deadline of a deployment: the component's properties over the defaults."""
    props = getattr(component, "properties", {}) or {}

    def number(key: str, default: float | None, kind: type) -> Any:
        value = props.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
            return kind(value)
        return default

    return {
        "max_ongoing_requests": number("max_ongoing_requests", _INGRESS_MAX_ONGOING if ingress else None, int),
        "max_queued_requests": number("max_queued_requests", _INGRESS_MAX_QUEUED if ingress else None, int),
        "request_timeout_s": number("request_timeout_s", _REQUEST_TIMEOUT_S, float) if ingress else None,
    }


def deployment_options(spec: DeploymentSpec) -> dict[str, Any]:
    """Serve deployment options for a planned deployment (replicas, resources, name)."""
    actor: dict[str, Any] = {"num_cpus": spec.num_cpus}
    if spec.memory is not None:
        actor["memory"] = spec.memory
    if spec.resources:
        actor["resources"] = dict(spec.resources)
    options: dict[str, Any] = {"name": spec.name, "ray_actor_options": actor}
    if spec.autoscaling is not None:
        options["autoscaling_config"] = dict(spec.autoscaling)
    else:
        options["num_replicas"] = spec.num_replicas or 1
    if spec.max_ongoing_requests is not None:
        options["max_ongoing_requests"] = spec.max_ongoing_requests
    if spec.max_queued_requests is not None:
        options["max_queued_requests"] = spec.max_queued_requests
        options["backpressure_config"] = {"status_code": 503, "retry_after_s": _RETRY_AFTER_S}
    options["health_check_period_s"] = spec.health_check_period_s
    options["health_check_timeout_s"] = spec.health_check_timeout_s
    return options


def _ingress_limits(implementation: str | None, roots: list[str]) -> tuple[list[str], int | None]:
    """Content types and body limit the entry component's class declares (``accepts``, ``max_body_bytes``)."""
    if not implementation:
        return [], None
    from ._loader import load_class

    cls = load_class(implementation, roots)
    accepts = [str(t).lower() for t in getattr(cls, "accepts", ())]
    limit = getattr(cls, "max_body_bytes", None)
    return accepts, int(limit) if limit is not None else None
