"""What one deployment replica does: run a component, then the flow steps it makes, in order.

Kept free of Ray so it can be read (and tested) on its own; :mod:`archkit.runtime._serve_app`
wraps it in Serve deployments and supplies the remote call to another deployment.
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

__all__ = ["GroupRunner", "public_view", "TIMINGS"]

#: Payload key holding the per-step timings in milliseconds.
TIMINGS = "timings"

RemoteCall = Callable[[CallPlan, dict[str, Any]], Awaitable[dict[str, Any]]]


def public_view(payload: dict[str, Any], hidden: tuple[str, ...] = ("body", "content_type")) -> dict[str, Any]:
    """The payload as the HTTP client sees it: byte values, private keys and the raw request left out."""
    return {k: v for k, v in payload.items()
            if k not in hidden and not k.startswith("_") and not isinstance(v, (bytes, bytearray, memoryview))}


class GroupRunner:
    """Runs the components of one deployment and the flow steps they make.

    Args:
        spec: the deployment's part of the plan.
        roots: folders to import implementations from.
        variant: the deployed variant, named in link errors.
        emulate_links: whether to wait as the crossed links predict.
        remote: coroutine function that runs a call's target in its own deployment.
    """

    def __init__(self, spec: DeploymentSpec, roots: list[str], variant: str | None, emulate_links: bool,
                 remote: RemoteCall | None = None) -> None:
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
            if call.inline:
                payload = await self.run(call.target, payload)
            else:
                payload = await self._call(call, payload)
        return payload

    async def _call(self, call: CallPlan, payload: dict[str, Any]) -> dict[str, Any]:
        crossing = call.crossing
        if crossing is not None and crossing.down:
            raise LinkDown(crossing.down[0], call.connector, self.variant)
        if self.remote is None:
            raise RuntimeError(f"deployment {self.spec.name!r} has no way to call {call.deployment!r}")
        timings = dict(payload[TIMINGS])
        emulate = self.emulate_links and crossing is not None and bool(crossing.hops)
        if emulate:
            size = call.request_bytes if call.request_bytes is not None else payload_size(payload)
            await self._wait(route_delay(crossing.hops, size), timings)
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
            await self._wait(route_delay(crossing.hops, size, back=True), timings)
        return {**private, **result, TIMINGS: timings}

    @staticmethod
    async def _wait(delays: dict[str, float], timings: dict[str, float]) -> None:
        total = sum(delays.values())
        for link, seconds in delays.items():
            key = f"link {link}"
            timings[key] = round(timings.get(key, 0.0) + seconds * 1000, 3)
        if total > 0:
            await asyncio.sleep(total)
