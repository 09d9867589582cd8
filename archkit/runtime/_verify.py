"""Hold a running deployment against the declared model and report what drifted (``archkit verify``).

The expected state is the deployment plan of the model (:func:`~._plan.build_plan`) for the
deployed variant and flow, fitted to the same CPU budget the deployment was fitted to; the
running state is what Ray Serve reports (its instance details: applications, deployments with
their options, replicas with their Ray node) plus what each deployment's replica says it runs
(``describe()``: its components, the calls it makes, its link and device emulation). The rules
and the comparison are in :mod:`archkit.runtime._drift`; :func:`read_running` reads the running
state from a Ray instance this process is connected to; :func:`verify` does both for a recorded
deployment; :func:`to_sarif` writes the result for code scanning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._drift import RULES, Drift, Placement, compare

__all__ = ["VerifyResult", "read_running", "verify", "to_sarif"]


@dataclass(frozen=True)
class VerifyResult:
    """What ``archkit verify`` found for one deployed model."""

    system: str
    model: str
    variant: str | None
    flow: str
    address: str
    emulate_links: bool
    emulate_devices: bool
    findings: list[Drift]
    checked: dict[str, int]
    notes: list[str] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    locations: dict[str, tuple[str | None, int | None]] = field(default_factory=dict)
    """Where each element was declared, by ``"<type>:<id>"``: (file, line)."""

    @property
    def drift(self) -> bool:
        """True when anything differs."""
        return bool(self.findings)

    def to_dict(self) -> dict[str, Any]:
        """JSON form (documented in docs/deploy.md)."""
        return {
            "system": self.system,
            "model": self.model,
            "variant": self.variant,
            "flow": self.flow,
            "address": self.address,
            "emulate_links": self.emulate_links,
            "emulate_devices": self.emulate_devices,
            "drift": self.drift,
            "checked": dict(self.checked),
            "findings": [f.to_dict() for f in self.findings],
            "notes": list(self.notes),
            "placements": [p.to_dict() for p in self.placements],
        }


# ------------------------------------------------------------------------------------------------
# reading a running Serve instance
# ------------------------------------------------------------------------------------------------


def read_running(prefix: str, describe_timeout: float = 30.0) -> dict[str, Any]:
    """The running state of a system's applications on the Ray instance this process is connected to.

    Shape: ``{"apps": {name: {route_prefix, status, message, deployments: {name: {status, message,
    config (Serve's deployment options), replicas: [{replica_id, state, node_id, pid}], describe
    (what one replica says it runs) or describe_error}}}}, "nodes": {node id: {name, alive,
    resources}}}``.
    """
    import ray
    from ray import serve

    # Serve's instance details (the schema ServeInstanceDetails): what `serve status` shows, read
    # from the controller through the connected client, as the dashboard's REST API would
    from ray.serve.context import _get_global_client

    client = _get_global_client()
    if client is None:  # raise_if_no_controller_running=True raises first; kept for the type checker
        raise RuntimeError("Serve is not running on this Ray instance")
    details = client.get_serve_details()
    out: dict[str, Any] = {"apps": {}, "nodes": {}}
    for node in ray.nodes():
        out["nodes"][node["NodeID"]] = {
            "name": node.get("NodeName") or node.get("NodeManagerAddress"),
            "alive": bool(node.get("Alive")),
            "resources": {k: v for k, v in (node.get("Resources") or {}).items()},
        }
    for name, app in sorted(details.get("applications", {}).items()):
        if not name.startswith(prefix + "-"):
            continue
        deps: dict[str, Any] = {}
        for dname, dep in sorted(app.get("deployments", {}).items()):
            entry = {
                "status": _text(dep.get("status")),
                "message": dep.get("message", ""),
                "config": dict(dep.get("deployment_config") or {}),
                "replicas": [
                    {
                        "replica_id": r.get("replica_id"),
                        "state": _text(r.get("state")),
                        "node_id": r.get("node_id"),
                        "pid": r.get("pid"),
                    }
                    for r in dep.get("replicas", [])
                ],
            }
            if any(r["state"] == "RUNNING" for r in entry["replicas"]):
                try:
                    handle = serve.get_deployment_handle(dname, app_name=name)
                    entry["describe"] = handle.describe.remote().result(timeout_s=describe_timeout)
                except Exception as exc:  # an old or foreign deployment without describe(), or a dying replica
                    entry["describe_error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            deps[dname] = entry
        out["apps"][name] = {
            "route_prefix": app.get("route_prefix"),
            "status": _text(app.get("status")),
            "message": app.get("message", ""),
            "deployments": deps,
        }
    return out


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _text(value: Any) -> str:
    """An enum's value, or the text itself (Serve's details hold enums or their strings)."""
    return str(getattr(value, "value", value))


def verify(
    model: str,
    variant: str | None = None,
    *,
    flow: str | None = None,
    address: str | None = None,
    emulate_links: bool | None = None,
    emulate_devices: bool | None = None,
) -> VerifyResult:
    """Compare a deployed model with what runs on Ray Serve.

    Args:
        model: the model file (as for ``archkit deploy``).
        variant: the variant to hold the running system against; default the deployed one.
        flow: the flow served; default the deployed one.
        address: the Ray instance; default the one the deployment was recorded on.
        emulate_links: default as deployed.
        emulate_devices: default as deployed.

    Raises:
        UsageError: the model is not deployed and no ``address`` is given.
        DeployError: Ray cannot be reached.
    """
    from ..errors import UsageError
    from ._cluster import DeployError, connect, ray_env, read_state
    from ._deploy import _HEAD, _load, _quiet_ray, model_file
    from ._plan import app_prefix, build_plan

    _quiet_ray()
    system = _load(model)
    prefix = app_prefix(system.name)
    record = read_state(prefix)
    if record is None and address is None:
        raise UsageError(
            f"{model} is not deployed (no record under the state folder); deploy it with "
            f"'archkit deploy {model}' or give --address of the Ray instance it runs on"
        )
    recorded_plan = (record or {}).get("plan", {})
    if record is not None and variant is None:
        variant = record.get("variant")
    flow = flow or (record or {}).get("flow")
    links = emulate_links if emulate_links is not None else bool((record or {}).get("emulate_links", True))
    devices = emulate_devices if emulate_devices is not None else bool(recorded_plan.get("emulate_devices", links))
    ray_address = address or record["address"]  # type: ignore[index]
    head = read_state(_HEAD) if address is None and (record or {}).get("local_head") else None
    import ray

    try:
        connect(ray_address, ray_env(head) if head else None)
        cpus = recorded_plan.get("cpu_budget")
        if links and cpus is None:
            cpus = ray.cluster_resources().get("CPU")
        plan = build_plan(
            system,
            variant,
            flow,
            emulate_links=links,
            emulate_devices=devices,
            cpus=cpus,
            model_path=model_file(model),
            point=recorded_plan.get("emulation_point", "typical"),
        )
        try:
            running = read_running(prefix)
        except Exception as exc:  # Serve not started there, or the controller gone
            raise DeployError(
                f"cannot read what Ray Serve runs at {ray_address}: {_first_line(exc)}; deploy the "
                f"model there first ('archkit deploy {model}')"
            ) from None
    finally:
        if ray.is_initialized():
            ray.shutdown()
    found = compare(plan, running, model=model)
    locations: dict[str, tuple[str | None, int | None]] = {}
    for kind, elements in (
        ("component", system.components),
        ("node", system.nodes),
        ("connector", system.connectors),
        ("link", system.links),
    ):
        for element in elements:
            loc = element.location
            if loc is not None:
                locations[f"{kind}:{element.id}"] = (loc.file, loc.line)
    return VerifyResult(
        system.name,
        model,
        plan.variant,
        plan.flow,
        ray_address,
        plan.emulate_links,
        plan.emulate_devices,
        found.findings,
        found.checked,
        found.notes,
        found.placements,
        locations,
    )


# ------------------------------------------------------------------------------------------------
# SARIF
# ------------------------------------------------------------------------------------------------


def to_sarif(result: VerifyResult) -> str:
    """The SARIF 2.1.0 log of a verify run (same layout as lint's: a rule per drift kind, a result
    per drift at the line that declares its element), as text with stable bytes."""
    import hashlib
    import json
    from pathlib import PurePath

    from .._version import __version__

    rules = list(RULES)
    descriptors = [
        {
            "id": rule,
            "name": "".join(p.capitalize() for p in rule.split("-")),
            "shortDescription": {"text": f"running system: {rule}"},
            "fullDescription": {"text": RULES[rule]},
            "defaultConfiguration": {"level": "error"},
        }
        for rule in rules
    ]
    results = []
    for drift in result.findings:
        kind, ident = drift.element
        location: dict[str, Any] = {
            "logicalLocations": [{"name": ident, "fullyQualifiedName": f"{kind} '{ident}'", "kind": kind}]
        }
        file, line = result.locations.get(f"{kind}:{ident}", (None, None))
        if file:
            phys: dict[str, Any] = {"artifactLocation": {"uri": PurePath(file).as_posix()}}
            if line:
                phys["region"] = {"startLine": line}
            location["physicalLocation"] = phys
        key = "|".join([drift.rule, drift.app, drift.deployment or "", kind, ident])
        results.append(
            {
                "ruleId": drift.rule,
                "ruleIndex": rules.index(drift.rule),
                "level": "error",
                "message": {"text": drift.message},
                "locations": [location],
                "partialFingerprints": {"archkitVerify/v1": hashlib.sha256(key.encode()).hexdigest()[:32]},
                "properties": {
                    "app": drift.app,
                    "deployment": drift.deployment,
                    "expected": drift.expected,
                    "actual": drift.actual,
                    "fix": drift.fix,
                },
            }
        )
    log = {
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "archkit", "version": __version__, "rules": descriptors}},
                "automationDetails": {"id": f"archkit-verify/{result.system}"},
                "results": results,
                "properties": {"variant": result.variant, "flow": result.flow, "checked": dict(result.checked)},
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False, default=str) + "\n"
