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

Thread hops: a plain (non-async) implementation runs in a worker thread, so the replica's event
loop stays free. A component whose implementation and every step it makes in turn run in this
replica without waiting for anything else (no async implementation, no remote call, no device
padding) is run with all those steps in one worker thread: one hop per request instead of one
per component. The steps' timings are the same; a request that is cancelled (its deadline passed)
stops before the next step starts.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from typing import Any, Awaitable, Callable

from ._links import payload_size, route_delay
from ._loader import load_class
from ._plan import CallPlan, DeploymentSpec
from ._protocol import LinkDown

__all__ = ["GroupRunner", "public_view", "changes", "TIMINGS", "STEP"]

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


def changes(sent: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """The values of ``result`` that are not the very objects of ``sent``: what a remote call answers.

    The caller still holds what it sent, so the answer carries only what the callee added or
    replaced (the request's image does not travel back).
    """
    return {k: v for k, v in result.items() if k not in sent or sent[k] is not v}


def _steps_total(timings: dict[str, float]) -> float:
    return sum(v for k, v in timings.items() if k.startswith(STEP))


def _own_ms(timings: dict[str, float], nested: float, began: float) -> float:
    """A step's own milliseconds since ``began``: its whole time less the steps its target made in turn
    (``nested``: the steps' total before it began)."""
    return (time.perf_counter() - began) * 1000 - (_steps_total(timings) - nested)


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
        #: components that run, with every step they make, in one worker thread (see the module docstring)
        self.in_one_thread = {c.id for c in spec.components if self._plain(c.id, set())}

    def _plain(self, component: str, path: set[str]) -> bool:
        """Whether ``component`` and the steps it makes need no event loop: plain calls in this replica only."""
        found = self.instances.get(component)
        if component in path or (found is not None and found[1]):
            return False
        return all(
            call.inline and call.device_time_s is None and self._plain(call.target, path | {component})
            for call in self.calls_from.get(component, [])
        )

    def check_health(self) -> None:
        """Ask every implementation that defines ``check_health()``; it raises when it cannot serve."""
        for instance, _ in self.instances.values():
            probe = getattr(instance, "check_health", None)
            if callable(probe):
                probe()

    async def run(self, component: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Run ``component`` (one of this deployment's) on ``payload`` and every step it makes."""
        if component in self.in_one_thread:
            cancelled = threading.Event()
            try:
                return await asyncio.to_thread(self._run_plain, component, payload, cancelled)
            except asyncio.CancelledError:
                cancelled.set()  # the thread stops before its next step
                raise
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

    def _run_plain(self, component: str, payload: dict[str, Any], cancelled: threading.Event) -> dict[str, Any]:
        """:meth:`run` for a component of ``in_one_thread``, in the calling (worker) thread."""
        if cancelled.is_set():
            raise asyncio.CancelledError()
        timings: dict[str, float] = dict(payload.get(TIMINGS) or {})
        found = self.instances.get(component)
        if found is not None:
            start = time.perf_counter()
            update = found[0](payload)
            timings[component] = round((time.perf_counter() - start) * 1000, 3)
            if update:
                payload = {**payload, **update}
        payload = {**payload, TIMINGS: timings}
        for call in self.calls_from.get(component, []):
            nested = _steps_total(payload[TIMINGS])
            began = time.perf_counter()
            payload = self._run_plain(call.target, payload, cancelled)
            own = _own_ms(payload[TIMINGS], nested, began)
            payload[TIMINGS][f"{STEP}{call.connector}"] = round(max(0.0, own), 3)
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
        own = _own_ms(timings, nested, began)
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
        # the answer holds what the target added or changed (see changes()); the rest is still here
        return {**payload, **result, TIMINGS: timings}, waited

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
