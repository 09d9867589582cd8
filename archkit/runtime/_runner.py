"""What one deployment replica does: run a component, then the flow steps it makes, in order.

Kept free of Ray so it can be read (and tested) on its own; :mod:`archkit.runtime._serve_app`
wraps it in Serve deployments and supplies the remote call to another deployment.

Timings (milliseconds, in the payload's ``timings``): ``<component>`` is the component's own
processing on this machine; ``link <id>`` the emulated wait of a declared link; ``call
<connector>`` what a remote call cost beyond what the callee reports (serialisation, queueing,
the handle hop); ``device <component>`` the wait that device emulation added; ``step
<connector>`` the whole time of one flow step (link waits, the call, the target's processing and
its padding) without the steps the target makes in turn: the measured counterpart of a step of
the latency analysis.

Device emulation: a call whose plan carries ``device_time_s`` (the declared time of its target
on the target's node) is padded by the caller: what the step cost on this machine apart from
the link waits (the hop to the target's deployment and the target's processing) is topped up
to ``device_time_s`` with a sleep; a step that took longer is not shortened. The Serve hop is
counted in because it is an artefact of running the nodes as deployments on one machine; on
the declared device the step costs its declared time and the link waits.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from typing import Any, Awaitable, Callable

from ._links import payload_size, route_delay
from ._loader import load_class
from ._plan import CallPlan, DeploymentSpec
from ._protocol import LinkDown

__all__ = ["GroupRunner", "public_view", "TIMINGS", "STEP"]

#: Payload key holding the per-step timings in milliseconds.
TIMINGS = "timings"

#: Prefix of the timing keys that hold one flow step's own time.
STEP = "step "

RemoteCall = Callable[[CallPlan, dict[str, Any]], Awaitable[dict[str, Any]]]


def public_view(payload: dict[str, Any], hidden: tuple[str, ...] = ("body", "content_type")) -> dict[str, Any]:
    """The payload as the HTTP client sees it: byte values, private keys and the raw request left out."""
    return {
        k: v
        for k, v in payload.items()
        if k not in hidden and not k.startswith("_") and not isinstance(v, (bytes, bytearray, memoryview))
    }


def _steps_total(timings: dict[str, float]) -> float:
    return sum(v for k, v in timings.items() if k.startswith(STEP))


class GroupRunner:
    """Runs the components of one deployment and the flow steps they make.

    Args:
        spec: the deployment's part of the plan.
        roots: folders to import implementations from.
        variant: the deployed variant, named in link errors.
        emulate_links: whether to wait as the crossed links predict.
        remote: coroutine function that runs a call's target in its own deployment.
    """

    def __init__(
        self,
        spec: DeploymentSpec,
        roots: list[str],
        variant: str | None,
        emulate_links: bool,
        remote: RemoteCall | None = None,
    ) -> None:
        self.spec = spec
        self.variant = variant
        self.emulate_links = emulate_links
        self.remote = remote
        self.instances: dict[str, tuple[Any, bool]] = {}
        for run in spec.components:
            if run.implementation is None:
                continue
            instance = load_class(run.implementation, roots)(**run.config)
            self.instances[run.id] = (instance, inspect.iscoroutinefunction(getattr(instance, "__call__", None)))
        self.calls_from: dict[str, list[CallPlan]] = {}
        for call in spec.calls:
            self.calls_from.setdefault(call.source, []).append(call)

    def check_health(self) -> None:
        """Ask every implementation that defines ``check_health()``; it raises when it cannot serve."""
        for instance, _ in self.instances.values():
            probe = getattr(instance, "check_health", None)
            if callable(probe):
                probe()

    async def run(self, component: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Run ``component`` (one of this deployment's) on ``payload`` and every step it makes."""
        timings: dict[str, float] = dict(payload.get(TIMINGS) or {})
        found = self.instances.get(component)
        if found is not None:
            instance, is_async = found
            start = time.perf_counter()
            update = await instance(payload) if is_async else await asyncio.to_thread(instance, payload)
            timings[component] = round((time.perf_counter() - start) * 1000, 3)
            if update:
                payload = {**payload, **update}
        payload = {**payload, TIMINGS: timings}
        for call in self.calls_from.get(component, []):
            payload = await self._step(call, payload)
        return payload

    async def _step(self, call: CallPlan, payload: dict[str, Any]) -> dict[str, Any]:
        """Make one flow step (inline or remote), pad it as the target's node would take, time it."""
        nested = _steps_total(payload[TIMINGS])
        began = time.perf_counter()
        if call.inline:
            payload, waited = await self.run(call.target, payload), 0.0
        else:
            payload, waited = await self._call(call, payload)
        timings = payload[TIMINGS]
        inner = _steps_total(timings) - nested
        own = (time.perf_counter() - began) * 1000 - inner
        if call.device_time_s is not None:
            pad = call.device_time_s * 1000 - (own - waited)
            key = f"device {call.target}"
            timings[key] = round(timings.get(key, 0.0) + max(0.0, pad), 3)
            if pad > 0:
                await asyncio.sleep(pad / 1000)
                own += pad
        timings[f"{STEP}{call.connector}"] = round(max(0.0, own), 3)
        return payload

    async def _call(self, call: CallPlan, payload: dict[str, Any]) -> tuple[dict[str, Any], float]:
        """Run a call's target in its own deployment; return the answer and the ms spent waiting for links."""
        crossing = call.crossing
        if crossing is not None and crossing.down:
            raise LinkDown(crossing.down[0], call.connector, self.variant)
        if self.remote is None:
            raise RuntimeError(f"deployment {self.spec.name!r} has no way to call {call.deployment!r}")
        timings = dict(payload[TIMINGS])
        hops = crossing.hops if crossing is not None else []
        emulate = self.emulate_links and bool(hops)
        waited = 0.0
        if emulate:
            size = call.request_bytes if call.request_bytes is not None else payload_size(payload)
            waited += await self._wait(route_delay(hops, size), timings)
        # keys starting with "_" hold in-process objects (a decoded image): they never leave the replica
        private = {k: v for k, v in payload.items() if k.startswith("_")}
        sent = {k: v for k, v in payload.items() if not k.startswith("_")}
        sent[TIMINGS] = {}
        start = time.perf_counter()
        result = await self.remote(call, sent)
        elapsed = (time.perf_counter() - start) * 1000
        inner = result.get(TIMINGS) or {}
        timings[f"call {call.connector}"] = round(max(0.0, elapsed - sum(inner.values())), 3)
        for key, value in inner.items():
            timings[key] = round(timings.get(key, 0.0) + value, 3)
        if emulate and call.legs == 2:  # only a synchronous call's answer crosses the links in the model
            size = call.response_bytes if call.response_bytes is not None else payload_size(result)
            waited += await self._wait(route_delay(hops, size, back=True), timings)
        return {**private, **result, TIMINGS: timings}, waited

    @staticmethod
    async def _wait(delays: dict[str, float], timings: dict[str, float]) -> float:
        """Sleep for the links' delays (seconds by link id), record them; return the ms waited."""
        total = sum(delays.values())
        for link, seconds in delays.items():
            key = f"link {link}"
            timings[key] = round(timings.get(key, 0.0) + seconds * 1000, 3)
        if total > 0:
            await asyncio.sleep(total)
        return total * 1000
