"""What differs between a deployment plan and what runs: the drift rules and the pure comparison.

The expected state is a deployment plan (:func:`~._plan.build_plan`); the running state is what
:func:`archkit.runtime._verify.read_running` reads from Ray Serve. Every difference is one
:class:`Drift`, under one of these rules:

================  ==========================================================================
rule              what is compared
================  ==========================================================================
application       each node's application exists, with its route prefix and status RUNNING;
                  no other application of the system runs
deployment        each planned deployment exists in its application, HEALTHY; no other does
replicas          fixed replica count (configured and running), or autoscaling bounds and a
                  running count within them
reservations      ``ray_actor_options`` per replica: ``num_cpus``, ``memory``, custom resources
serving-limits    the other deployment options the plan sets (queue bounds, health checks)
components        the components a deployment runs, their implementation and config
calls             each flow step a deployment makes: inline or a handle call, and to which
                  deployment of which application
link-emulation    on/off, and for each call the links crossed with their latency and bandwidth
device-emulation  on/off, and the time each flow step's target is padded to
placement         on more than one Ray node, or without link emulation: each replica runs on a
                  Ray node that advertises ``node:<its declared node>``
================  ==========================================================================
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, NamedTuple

from ._plan import NODE_RESOURCE_PREFIX, DeploymentPlan, DeploymentSpec, deployment_options

__all__ = ["RULES", "Drift", "Placement", "Comparison", "compare"]

RULES: dict[str, str] = {
    "application": "Each node of the variant runs one Serve application with its route prefix, RUNNING, and no "
    "other application of the system runs.",
    "deployment": "Each planned deployment runs in its node's application and is HEALTHY; no other runs there.",
    "replicas": "Replica count (configured and running) or autoscaling bounds as the model declares.",
    "reservations": "CPUs, memory and custom resources reserved per replica as planned from the model.",
    "serving-limits": "Queue bounds, concurrency and health-check options as planned.",
    "components": "Each deployment runs the components the plan gives it, with their implementation and config.",
    "calls": "Each flow step is made inline or as a handle call to the planned deployment and application.",
    "link-emulation": "Calls across nodes wait for the declared links (latency, bandwidth) of their route.",
    "device-emulation": "Each flow step is padded to the processing time declared for its target's node.",
    "placement": "Each replica runs on a Ray node that advertises the resource of its declared node.",
}

_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Drift:
    """One difference between the running system and the declared model.

    Args:
        rule: one of :data:`RULES`.
        app: the Serve application concerned.
        deployment: the deployment concerned, if any.
        element: the model element it is about, as ``(type, id)`` (component, node or link).
        expected: what the model (through the plan) says.
        actual: what runs.
        message: the difference in one sentence.
        fix: what to do about it.
    """

    rule: str
    app: str
    deployment: str | None
    element: tuple[str, str]
    expected: Any
    actual: Any
    message: str
    fix: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "rule": self.rule,
            "app": self.app,
            "deployment": self.deployment,
            "element": {"type": self.element[0], "id": self.element[1]},
            "expected": self.expected,
            "actual": self.actual,
            "message": self.message,
            "fix": self.fix,
        }


class Placement(NamedTuple):
    """Where one running replica is: its declared node and the Ray node it runs on."""

    app: str
    deployment: str
    replica: str
    node: str
    ray_node: str
    ray_node_resources: list[str]
    ok: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "app": self.app,
            "deployment": self.deployment,
            "replica": self.replica,
            "node": self.node,
            "ray_node": self.ray_node,
            "ray_node_resources": list(self.ray_node_resources),
            "ok": self.ok,
        }


class Comparison(NamedTuple):
    """What :func:`compare` found: the drifts, the checks made per rule, notes, replica placements."""

    findings: list[Drift]
    checked: dict[str, int]
    notes: list[str]
    placements: list[Placement]


def _same(expected: Any, actual: Any) -> bool:
    """Equal, with numbers compared to a relative tolerance and dicts compared on the expected keys."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual or expected == actual
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return math.isclose(float(expected), float(actual), rel_tol=_TOLERANCE, abs_tol=_TOLERANCE)
    if isinstance(expected, dict) and isinstance(actual, dict):
        return all(k in actual and _same(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, (list, tuple)) and isinstance(actual, (list, tuple)):
        return len(expected) == len(actual) and all(_same(a, b) for a, b in zip(expected, actual))
    return bool(expected == actual)


def _redeploy(plan: DeploymentPlan, model: str) -> str:
    variant = f" --variant {plan.variant}" if plan.variant else ""
    return f"redeploy the model ('archkit deploy {model}{variant}') or change the model to what runs"


class _Findings:
    """Collects drifts and counts the checks made per rule."""

    def __init__(self, plan: DeploymentPlan, model: str) -> None:
        self.items: list[Drift] = []
        self.placements: list[Placement] = []
        self.checked: dict[str, int] = {rule: 0 for rule in RULES}
        self.fix = _redeploy(plan, model)

    def check(
        self,
        rule: str,
        ok: bool,
        app: str,
        deployment: str | None,
        element: tuple[str, str],
        expected: Any,
        actual: Any,
        message: str,
        fix: str | None = None,
    ) -> bool:
        self.checked[rule] += 1
        if not ok:
            self.items.append(Drift(rule, app, deployment, element, expected, actual, message, fix or self.fix))
        return ok


def _head(spec: DeploymentSpec) -> tuple[str, str]:
    return ("component", spec.components[0].id)


def _running_replicas(dep: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in dep.get("replicas", []) if r.get("state") == "RUNNING"]


def _call_view(call: dict[str, Any]) -> dict[str, Any]:
    if call.get("inline"):
        return {"inline": True}
    return {"inline": False, "deployment": call.get("deployment"), "app": call.get("app")}


def _hops_view(call: dict[str, Any]) -> list[dict[str, Any]]:
    crossing = call.get("crossing") or {}
    return [
        {
            "link": h.get("link"),
            "latency_s": h.get("latency_s"),
            "bandwidth_bps": h.get("bandwidth_bps"),
            "bandwidth_back_bps": h.get("bandwidth_back_bps"),
        }
        for h in crossing.get("hops", [])
    ]


def compare(plan: DeploymentPlan, running: dict[str, Any], *, model: str = "MODEL") -> Comparison:
    """The drifts between a plan and a running state (see :func:`read_running` for its shape).

    Returns:
        The drifts (in plan order, rule by rule within a deployment), the number of checks made
        per rule, notes on checks that did not apply, and where each replica runs (when placement
        is checked).
    """
    out = _Findings(plan, model)
    notes: list[str] = []
    apps = running.get("apps", {})
    nodes = running.get("nodes", {})
    check_placement = (not plan.emulate_links) or len(nodes) > 1
    if not check_placement:
        notes.append(
            "placement: one Ray node and link emulation on, so every node of the model runs on this "
            "machine; replica placement is not checked"
        )

    planned = {a.name for a in plan.apps}
    for name in sorted(apps):
        if name.startswith(plan.prefix + "-") and name not in planned:
            out.check(
                "application",
                False,
                name,
                None,
                ("node", name[len(plan.prefix) + 1 :]),
                None,
                apps[name].get("status"),
                f"application {name!r} runs but no node of the plan maps to it",
                f"delete it (serve.delete({name!r})) or redeploy the model",
            )
    for app in plan.apps:
        live = apps.get(app.name)
        node = ("node", app.node)
        if not out.check(
            "application",
            live is not None,
            app.name,
            None,
            node,
            app.route_prefix,
            None,
            f"application {app.name!r} for node {app.node!r} is not running",
        ):
            continue
        assert live is not None
        out.check(
            "application",
            live.get("route_prefix") == app.route_prefix,
            app.name,
            None,
            node,
            app.route_prefix,
            live.get("route_prefix"),
            f"application {app.name!r} serves route {live.get('route_prefix')!r}, not {app.route_prefix!r}",
        )
        out.check(
            "application",
            live.get("status") == "RUNNING",
            app.name,
            None,
            node,
            "RUNNING",
            live.get("status"),
            f"application {app.name!r} is {live.get('status')}: {live.get('message') or ''}".rstrip(": "),
        )
        deps = live.get("deployments", {})
        for extra in sorted(set(deps) - set(app.deployments)):
            out.check(
                "deployment",
                False,
                app.name,
                extra,
                node,
                None,
                deps[extra].get("status"),
                f"deployment {extra!r} runs in {app.name!r} but the plan has no such deployment there",
            )
        for name in app.deployments:
            spec = plan.deployment(name)
            dep = deps.get(name)
            if not out.check(
                "deployment",
                dep is not None,
                app.name,
                name,
                _head(spec),
                "HEALTHY",
                None,
                f"deployment {name!r} (component {spec.components[0].id!r}) is missing from {app.name!r}",
            ):
                continue
            assert dep is not None
            _compare_deployment(out, plan, spec, dep, nodes if check_placement else None)
    return Comparison(out.items, out.checked, notes, out.placements)


def _compare_deployment(
    out: _Findings, plan: DeploymentPlan, spec: DeploymentSpec, dep: dict[str, Any], nodes: dict[str, Any] | None
) -> None:
    app, name, head = spec.app, spec.name, _head(spec)
    out.check(
        "deployment",
        dep.get("status") == "HEALTHY",
        app,
        name,
        head,
        "HEALTHY",
        dep.get("status"),
        f"deployment {name!r} is {dep.get('status')}: {dep.get('message') or ''}".rstrip(": "),
    )
    config = dep.get("config", {})
    running = _running_replicas(dep)
    count = len(running)
    expected = deployment_options(spec)
    for key, want in sorted(expected.items()):
        if key == "name":
            continue
        have = config.get(key)
        if key == "ray_actor_options":
            for sub, value in sorted(want.items()):
                got = (have or {}).get(sub)
                out.check(
                    "reservations",
                    _same(value, got),
                    app,
                    name,
                    head,
                    value,
                    got,
                    f"{name!r} reserves {sub}={got!r} per replica; the model gives {value!r}",
                )
        elif key == "num_replicas":
            ok = out.check(
                "replicas",
                _same(want, have),
                app,
                name,
                head,
                want,
                have,
                f"{name!r} is configured with {have!r} replica(s) ({count} running); the model declares {want}",
            )
            if ok:
                out.check(
                    "replicas",
                    count == want,
                    app,
                    name,
                    head,
                    want,
                    count,
                    f"{name!r} has {count} running replica(s); the model declares {want}",
                )
        elif key == "autoscaling_config":
            ok = out.check(
                "replicas",
                _same(want, have),
                app,
                name,
                head,
                want,
                _subset(want, have),
                f"{name!r} autoscales with {_subset(want, have)!r}; the model gives {want!r}",
            )
            lo, hi = want["min_replicas"], want["max_replicas"]
            if ok:
                out.check(
                    "replicas",
                    lo <= count <= hi,
                    app,
                    name,
                    head,
                    [lo, hi],
                    count,
                    f"{name!r} has {count} running replica(s), outside its autoscaling bounds {lo}..{hi}",
                )
        else:
            out.check(
                "serving-limits",
                _same(want, have),
                app,
                name,
                head,
                want,
                _subset(want, have),
                f"{name!r} runs with {key} {_subset(want, have)!r}; the plan gives {want!r}",
            )
    live = dep.get("describe")
    if live is None:
        out.check(
            "components",
            False,
            app,
            name,
            head,
            [c.id for c in spec.components],
            None,
            f"{name!r} did not describe what it runs: {dep.get('describe_error') or 'no running replica'}",
        )
    else:
        _compare_wiring(out, plan, spec, live)
    if nodes is not None:
        resource = NODE_RESOURCE_PREFIX + spec.node
        for replica in running:
            node = nodes.get(str(replica.get("node_id")), {})
            has = resource in node.get("resources", {})
            where = node.get("name") or str(replica.get("node_id", "?"))[:12]
            advertised = sorted(
                r
                for r in node.get("resources", {})
                if r.startswith(NODE_RESOURCE_PREFIX)
                and r[len(NODE_RESOURCE_PREFIX) :] not in _RAY_OWN_NODE_RESOURCES
                and not _is_ip(r[len(NODE_RESOURCE_PREFIX) :])
            )
            out.placements.append(
                Placement(
                    app,
                    name,
                    str(replica.get("replica_id")),
                    spec.node,
                    f"{where} {str(replica.get('node_id', ''))[:8]}",
                    advertised,
                    has,
                )
            )
            out.check(
                "placement",
                has,
                app,
                name,
                ("node", spec.node),
                resource,
                advertised,
                f"replica {replica.get('replica_id')} of {name!r} runs on Ray node {where}, which does not "
                f"advertise {resource!r} (declared node {spec.node!r})",
                f"start the Ray node for {spec.node!r} with --resources '{{\"{resource}\": 100}}' and deploy "
                f"with --no-emulate-links",
            )


#: ``node:`` resources Ray itself gives every node (besides ``node:<ip address>``).
_RAY_OWN_NODE_RESOURCES = {"__internal_head__"}


def _is_ip(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


def _subset(want: Any, have: Any) -> Any:
    """``have`` restricted to the keys of ``want`` (Serve fills in many defaults)."""
    if isinstance(want, dict) and isinstance(have, dict):
        return {k: have.get(k) for k in want}
    return have


def _compare_wiring(out: _Findings, plan: DeploymentPlan, spec: DeploymentSpec, live: dict[str, Any]) -> None:
    app, name, head = spec.app, spec.name, _head(spec)
    want_spec = spec.model_dump(mode="json")
    have_spec = live.get("spec", {})
    want_comps = {c["id"]: c for c in want_spec["components"]}
    have_comps = {c["id"]: c for c in have_spec.get("components", [])}
    for cid in sorted(set(want_comps) | set(have_comps)):
        w, h = want_comps.get(cid), have_comps.get(cid)
        out.check(
            "components",
            _same(w, h),
            app,
            name,
            ("component", cid),
            w,
            h,
            f"{name!r} runs component {cid!r} as {_component_text(h)}; the model gives {_component_text(w)}"
            if w and h
            else (
                f"{name!r} does not run component {cid!r}"
                if w
                else f"{name!r} runs component {cid!r}, which the plan puts elsewhere"
            ),
        )
    for flag, rule in (("emulate_links", "link-emulation"), ("emulate_devices", "device-emulation")):
        want = getattr(plan, flag)
        have = live.get(flag)
        out.check(
            rule,
            have is want,
            app,
            name,
            head,
            want,
            have,
            f"{name!r} runs with {flag.replace('_', ' ')} {'on' if have else 'off'}; the deployment asks for "
            f"{'on' if want else 'off'}",
        )
    want_calls = {c["connector"]: c for c in want_spec["calls"]}
    have_calls = {c["connector"]: c for c in have_spec.get("calls", [])}
    for cid in sorted(set(want_calls) | set(have_calls)):
        w, h = want_calls.get(cid), have_calls.get(cid)
        element = ("connector", cid)
        if w is None or h is None:
            out.check(
                "calls",
                False,
                app,
                name,
                element,
                w and _call_view(w),
                h and _call_view(h),
                f"{name!r} makes call {cid!r} though the model does not route it from here"
                if w is None
                else f"{name!r} does not make call {cid!r}",
            )
            continue
        out.check(
            "calls",
            _same(_call_view(w), _call_view(h)),
            app,
            name,
            element,
            _call_view(w),
            _call_view(h),
            f"{name!r} makes step {cid!r} {_call_text(h)}; the model gives {_call_text(w)}",
        )
        down_w, down_h = (w.get("crossing") or {}).get("down", []), (h.get("crossing") or {}).get("down", [])
        hops_ok = _same(_hops_view(w), _hops_view(h)) and list(down_w) == list(down_h)
        out.check(
            "link-emulation",
            hops_ok,
            app,
            name,
            element,
            {"hops": _hops_view(w), "down": down_w},
            {"hops": _hops_view(h), "down": down_h},
            f"step {cid!r} from {name!r} emulates {_route_text(_hops_view(h), down_h)}; the model's route is "
            f"{_route_text(_hops_view(w), down_w)}",
        )
        tw, th = w.get("device_time_s"), h.get("device_time_s")
        out.check(
            "device-emulation",
            _same(tw, th),
            app,
            name,
            element,
            tw,
            th,
            f"step {cid!r} from {name!r} pads its target {w.get('target')!r} to {_seconds_text(th)}; the model's "
            f"time on its node is {_seconds_text(tw)}",
        )


def _component_text(run: dict[str, Any] | None) -> str:
    if not run:
        return "nothing"
    config = ", ".join(f"{k}={v!r}" for k, v in sorted((run.get("config") or {}).items()))
    return f"{run.get('implementation') or 'no implementation'}" + (f" ({config})" if config else "")


def _call_text(call: dict[str, Any]) -> str:
    if call.get("inline"):
        return "inline"
    return f"as a call to deployment {call.get('deployment')!r} of application {call.get('app')!r}"


def _route_text(hops: list[dict[str, Any]], down: list[str]) -> str:
    if down:
        return f"a route cut by link(s) {', '.join(down)}"
    if not hops:
        return "no link"
    parts = []
    for hop in hops:
        bits = []
        if hop.get("latency_s") is not None:
            bits.append(f"{hop['latency_s'] * 1000:g} ms")
        if hop.get("bandwidth_bps"):
            bits.append(f"{hop['bandwidth_bps'] / 1e6:g} Mbit/s")
        if hop.get("bandwidth_back_bps") and hop.get("bandwidth_back_bps") != hop.get("bandwidth_bps"):
            bits.append(f"{hop['bandwidth_back_bps'] / 1e6:g} Mbit/s back")
        parts.append(f"{hop.get('link')} ({', '.join(bits) or 'nothing declared'})")
    return "links " + " then ".join(parts)


def _seconds_text(value: Any) -> str:
    return "nothing (no padding)" if value is None else f"{float(value) * 1000:g} ms"
