"""What one deployment replica does: run its components in order, then call the next deployment.

Kept free of Ray so it can be read (and tested) on its own; :mod:`archkit.runtime.serve_app`
wraps it in Serve deployments and supplies the call to the next deployment.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from typing import Any, Awaitable, Callable

from .links import payload_size, route_delay
from .loader import load_class
from .plan import DeploymentSpec
from .protocol import LinkDown

__all__ = ["GroupRunner", "public_view", "TIMINGS"]

#: Payload key holding the per-step timings in milliseconds.
TIMINGS = "timings"

NextCall = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


def public_view(payload: dict[str, Any], hidden: tuple[str, ...] = ("body", "content_type")) -> dict[str, Any]:
    """The payload as the HTTP client sees it: byte values and the raw request left out."""
    return {k: v for k, v in payload.items()
            if k not in hidden and not isinstance(v, (bytes, bytearray, memoryview))}


class GroupRunner:
    """Runs a deployment's components and forwards the payload to the next deployment.

    Args:
        spec: the deployment's part of the plan.
        roots: folders to import implementations from.
        variant: the deployed variant, named in link errors.
        emulate_links: whether to wait as the crossed links predict.
        next_call: coroutine function that sends the payload to the next deployment.
    """

    def __init__(self, spec: DeploymentSpec, roots: list[str], variant: str | None, emulate_links: bool,
                 next_call: NextCall | None = None) -> None:
        self.spec = spec
        self.variant = variant
        self.emulate_links = emulate_links
        self.next_call = next_call
        self.steps: list[tuple[str, Any, bool]] = []
        for run in spec.components:
            if run.implementation is None:
                continue
            instance = load_class(run.implementation, roots)(**run.config)
            target = instance if not hasattr(instance, "__call__") else instance.__call__
            self.steps.append((run.id, instance, inspect.iscoroutinefunction(target)))

    async def run(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Run this deployment's part of the flow on ``payload`` and return the final payload."""
        timings: dict[str, float] = dict(payload.get(TIMINGS) or {})
        for component_id, instance, is_async in self.steps:
            start = time.perf_counter()
            if is_async:
                update = await instance(payload)
            else:
                update = await asyncio.to_thread(instance, payload)
            timings[component_id] = round((time.perf_counter() - start) * 1000, 3)
            if update:
                payload = {**payload, **update}
        payload[TIMINGS] = timings
        if self.next_call is None:
            return payload
        crossing = self.spec.crossing
        if crossing is not None and crossing.down:
            raise LinkDown(crossing.down[0], crossing.connector, self.variant)
        emulate = self.emulate_links and crossing is not None and bool(crossing.hops)
        if emulate:
            await self._wait(route_delay(crossing.hops, payload_size(payload)), timings)
        start = time.perf_counter()
        result = await self.next_call(payload)
        hop_ms = (time.perf_counter() - start) * 1000
        timings = {**timings, **(result.get(TIMINGS) or {})}
        if crossing is not None:
            inner = sum(v for k, v in (result.get(TIMINGS) or {}).items() if k not in payload[TIMINGS])
            timings[f"call {crossing.connector}"] = round(max(0.0, hop_ms - inner), 3)
        if emulate:
            back = route_delay(crossing.hops, payload_size(result), back=True)
            await self._wait(back, timings)
        result[TIMINGS] = timings
        return result

    @staticmethod
    async def _wait(delays: dict[str, float], timings: dict[str, float]) -> None:
        total = sum(delays.values())
        for link, seconds in delays.items():
            key = f"link {link}"
            timings[key] = round(timings.get(key, 0.0) + seconds * 1000, 3)
        if total > 0:
            await asyncio.sleep(total)
