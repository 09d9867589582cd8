"""Measure the implemented components on this machine and write the times into a copy of the model.

``archkit calibrate MODEL --images DIR -o calibrated.yaml`` runs the deployment plan of one
flow (the first by default) in this process, without Ray: each planned deployment becomes a
:class:`~._runner.GroupRunner` and a call to another deployment runs that deployment's runner
directly, so every component sees exactly the payload it sees when deployed (an image decoded
by the entry does not reach a component in another deployment). Neither links nor devices are
emulated. The inputs are sent one after the other, round robin, for ``warmup`` requests that are
not counted and then up to ``requests`` more (or until ``time_limit`` seconds have passed).

Each component that ran is timed from its own ``timings`` entry; its processing time
distribution becomes a range ``p5..p50..p95`` (best, typical, worst; nearest-rank percentiles)
written for the node kind this machine stands for (``node_kind``, by default ``cloud``):

* a model's ``inference_time[<kind>]``, any other component's ``processing_time_on[<kind>]``;
* when the component declares its time for a node *id* whose node is of that kind, that key is
  replaced too (the analyses look the node id up first).

Everything else stays as declared: other node kinds (a phone's time cannot be measured on a
server), components that have no implementation or that the flow does not reach. The result
lists each component with its measured percentiles or why it kept its declared value.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import UsageError
from ._loadgen import LoadInput, percentile

__all__ = ["Calibration", "ComponentTiming", "calibrate", "DEFAULT_NODE_KIND"]

#: The node kind a server running archkit stands for.
DEFAULT_NODE_KIND = "cloud"


@dataclass(frozen=True)
class ComponentTiming:
    """One component: measured (with its percentiles and the keys written) or kept as declared."""

    component: str
    measured: bool
    samples: int
    p5_ms: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    field: str | None = None
    keys: tuple[str, ...] = ()
    declared: str | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "component": self.component,
            "measured": self.measured,
            "samples": self.samples,
            "p5_ms": self.p5_ms,
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
            "field": self.field,
            "keys": list(self.keys),
            "declared": self.declared,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Calibration:
    """The calibrated model and what was measured."""

    system: Any
    node_kind: str
    flow: str
    variant: str | None
    requests: int
    failed: int
    components: list[ComponentTiming]
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON form (documented in docs/deploy.md)."""
        return {
            "system": self.system.name,
            "node_kind": self.node_kind,
            "flow": self.flow,
            "variant": self.variant,
            "requests": self.requests,
            "failed": self.failed,
            "components": [c.to_dict() for c in self.components],
            "errors": list(self.errors),
        }


def _declared_text(component: Any, kind: str, keys: tuple[str, ...]) -> str | None:
    table = component.model.inference_time if component.model is not None else component.processing_time_on
    for key in keys:
        if key in table:
            return str(table[key])
    if component.model is None and component.processing_time is not None:
        return f"{component.processing_time} (processing_time)"
    return None


def _set_time(data: dict[str, Any], keys: tuple[str, ...], value: str) -> None:
    """Set a component's time for ``keys`` in its model-file data (models: ``model.inference_time``)."""
    holder = data["model"] if "model" in data else data
    name = "inference_time" if "model" in data else "processing_time_on"
    holder[name] = {**holder.get(name, {}), **{k: value for k in keys}}


def _range_text(p5: float, p50: float, p95: float) -> str:
    """``p5..p50..p95 ms`` with values rounded to 0.01 ms and kept in order."""
    lo, mid, hi = (round(v, 2) for v in (p5, p50, p95))
    if lo == hi:
        return f"{lo:g} ms"
    return f"{lo:g}..{mid:g}..{hi:g} ms"


def calibrate(
    system: Any,
    inputs: list[LoadInput],
    *,
    model_path: str | None = None,
    variant: str | None = None,
    flow: str | None = None,
    node_kind: str = DEFAULT_NODE_KIND,
    requests: int = 50,
    warmup: int = 3,
    time_limit: float = 120.0,
    progress: Callable[[int], None] | None = None,
) -> Calibration:
    """Measure the processing times of a flow's implemented components; return the calibrated model.

    Args:
        system: the model.
        inputs: request bodies for the flow's entry, used round robin.
        model_path: the model file (implementations are imported next to it).
        variant: the placement whose deployments are run (how components are grouped).
        flow: the flow to run; the first declared one if None.
        node_kind: the kind of node this machine stands for; the times are written for it.
        requests: requests measured (after the warm-up), at most.
        warmup: requests sent first and not counted (engines warm up, caches fill).
        time_limit: seconds after which measuring stops even if requests remain.
        progress: called with 1 after each measured request.

    Raises:
        UsageError: no inputs, bad counts, or no component of the flow has an implementation.
    """
    from ..io import load_data, to_data
    from ._plan import build_plan
    from ._runner import TIMINGS, GroupRunner

    if not inputs:
        raise UsageError("calibrate needs at least one input file for the flow's entry (--images DIR)")
    if requests < 1 or warmup < 0 or time_limit <= 0:
        raise UsageError("--requests must be at least 1, --warmup at least 0 and --time-limit positive")
    if node_kind not in {n.kind for n in system.nodes} and not any(n.id == node_kind for n in system.nodes):
        known = ", ".join(sorted({n.kind for n in system.nodes}))
        raise UsageError(f"no node of kind {node_kind!r} in the model; give --node-kind one of: {known}")
    plan = build_plan(system, variant, flow, emulate_links=False, emulate_devices=False, model_path=model_path)

    runners: dict[str, GroupRunner] = {}

    async def remote(call: Any, payload: dict[str, Any]) -> dict[str, Any]:
        return await runners[call.deployment].run(call.target, payload)

    for spec in plan.deployments:
        runners[spec.name] = GroupRunner(spec, plan.python_path, variant, False, remote)
    entry = plan.deployment(plan.apps[0].ingress)
    samples: dict[str, list[float]] = {}
    errors: list[str] = []
    failed = 0
    measured_requests = 0

    async def one(item: LoadInput) -> dict[str, float] | None:
        nonlocal failed
        try:
            out = await runners[entry.name].run(
                plan.entry_component, {"body": item.body, "content_type": item.content_type}
            )
        except Exception as exc:  # an input the flow refuses: counted and named, not fatal
            failed += 1
            if len(errors) < 5:
                errors.append(f"{type(exc).__name__}: {exc}")
            return None
        return dict(out.get(TIMINGS) or {})

    async def run_all() -> None:
        nonlocal measured_requests
        for i in range(warmup):
            await one(inputs[i % len(inputs)])
        deadline = time.monotonic() + time_limit
        index = 0
        while index < requests and time.monotonic() < deadline:
            timings = await one(inputs[index % len(inputs)])
            index += 1
            measured_requests += 1
            if timings is not None:
                for spec in plan.deployments:
                    for run in spec.components:
                        if run.implementation and run.id in timings:
                            samples.setdefault(run.id, []).append(timings[run.id])
            if progress is not None:
                progress(1)

    asyncio.run(run_all())

    in_flow = {plan.entry_component, *[c.target for spec in plan.deployments for c in spec.calls]}
    kind_nodes = tuple(sorted(n.id for n in system.nodes if n.kind == node_kind))
    components = []
    changed: dict[str, tuple[tuple[str, ...], str]] = {}
    for comp in system.components:
        table = comp.model.inference_time if comp.model is not None else comp.processing_time_on
        keys = tuple(dict.fromkeys([node_kind, *[k for k in kind_nodes if k in table]]))
        fld = "model.inference_time" if comp.model is not None else "processing_time_on"
        values = samples.get(comp.id, [])
        declared = _declared_text(comp, node_kind, keys)
        if not comp.implementation:
            components.append(ComponentTiming(comp.id, False, 0, declared=declared, reason="no implementation"))
            continue
        if not values:
            why = (
                f"flow {plan.flow!r} does not reach it"
                if comp.id not in in_flow
                else "no request reached it (every input failed before it)"
            )
            components.append(ComponentTiming(comp.id, False, 0, declared=declared, reason=why))
            continue
        p5, p50, p95 = (percentile(values, q) for q in (5, 50, 95))
        assert p5 is not None and p50 is not None and p95 is not None
        changed[comp.id] = (keys, _range_text(p5, p50, p95))
        components.append(
            ComponentTiming(comp.id, True, len(values), round(p5, 3), round(p50, 3), round(p95, 3), fld, keys, declared)
        )
    data = to_data(system)
    for item in data["components"]:
        if item["id"] in changed:
            _set_time(item, *changed[item["id"]])
    calibrated = load_data(data, source=model_path or system.name)
    return Calibration(calibrated, node_kind, plan.flow, variant, measured_requests, failed, components, errors)
