"""The HTTP edge of a deployment: an ASGI middleware that runs inside Serve's HTTP proxy.

Serve's proxy hands a request to an ingress replica as soon as its headers have arrived and
streams the body after it, so a client that announces a long body and then sends nothing holds
one of the replica's ``max_ongoing_requests`` slots for as long as it likes: five such clients
stalled the whole service. :class:`EdgeGuard` closes that hole and makes the edge's answers
to overload and faults ones a client can act on:

* **Whole requests only.** The body is read at the edge, within ``body_timeout_s`` (HTTP 408
  beyond it) and up to ``max_body_bytes`` (HTTP 413, refused from ``Content-Length`` before
  anything is read); only a complete request reaches a replica. A slow client costs a parked
  coroutine in the proxy, never a replica slot.
* **Admission at the edge.** A flow's ingress holds a known number of requests (its replicas'
  ``max_ongoing_requests`` plus its ``max_queued_requests``, see
  :func:`archkit.runtime._plan.admission_capacity`); archkit writes that capacity per route
  prefix to a small JSON file (``routes_file``) when it deploys. A request beyond its route's
  capacity gets 503 at once, before Serve's router sees it: under a flood the refusals stay
  cheap and the admitted requests keep their usual latency. A request counts once its whole
  body is in, so slow clients never take a route's places. At most ``max_pending`` requests
  may be at the edge at once whatever their route.
* **Retryable failures say so.** Every 503 carries ``Retry-After`` (whole seconds, as HTTP
  requires) and a JSON body ``{"error": ..., "retry_after_ms": ...}`` with a finer hint: the
  recent median time of a successful answer (an estimate of when a slot frees up), at least
  ``min_retry_ms``. This covers Serve's own backpressure answer (a full queue) and the case
  where the proxy could not get any answer from a replica (it died mid-request, or none is
  running): Serve's proxy then closes the exchange without a response, which would reach the
  client as a bare 500; the edge answers 503 instead, because a retry will find a live replica.
* **A deadline.** When no response has started within ``response_timeout_s`` the request is
  cancelled (Serve cancels it in the replica too) and the client gets 504.

Header size is bounded by the proxy's HTTP parser (uvicorn with h11 or httptools). The
middleware needs nothing but the standard library. Serve builds it in each proxy through its
proxy callback (``RAY_SERVE_HTTP_PROXY_CALLBACK_IMPORT_PATH``), which archkit sets, with the
limits, in the environment of the Ray head it starts (:func:`edge_env`).
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections import deque
from typing import Any, Awaitable, Callable, Iterable

__all__ = [
    "EdgeGuard",
    "EdgeLimits",
    "edge_env",
    "write_routes",
    "read_routes",
    "proxy_middlewares",
    "PROXY_CALLBACK_ENV",
    "LIMITS_ENV",
    "ROUTES_ENV",
]

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

_JSON = [(b"content-type", b"application/json")]


class EdgeLimits:
    """The edge's limits and their defaults (documented in docs/deploy.md and docs/security.md).

    Args:
        body_timeout_s: seconds a client may take to send the whole body (from the first byte
            of the request's body on); 408 beyond it.
        max_body_bytes: largest body the edge buffers; larger ones get 413. Each flow's own,
            usually smaller, limit is checked by its ingress.
        max_pending: requests at the edge at once (reading or waiting for an answer); the next
            one gets 503.
        response_timeout_s: seconds from the complete request to the start of the answer; 504
            beyond it. A backstop above every flow's own deadline.
        min_retry_ms: smallest ``retry_after_ms`` hint.
        routes_file: JSON file ``{route prefix: capacity}`` (read again when it changes); None
            admits every request up to ``max_pending``.
    """

    def __init__(
        self,
        body_timeout_s: float = 10.0,
        max_body_bytes: int = 16_000_000,
        max_pending: int = 1024,
        response_timeout_s: float = 60.0,
        min_retry_ms: int = 50,
        routes_file: str | None = None,
    ) -> None:
        self.body_timeout_s = float(body_timeout_s)
        self.max_body_bytes = int(max_body_bytes)
        self.max_pending = int(max_pending)
        self.response_timeout_s = float(response_timeout_s)
        self.min_retry_ms = int(min_retry_ms)
        self.routes_file = None if routes_file is None else str(routes_file)

    def as_dict(self) -> dict[str, Any]:
        """The limits by name (recorded with a deployment)."""
        return dict(vars(self))


class _Rejected(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class EdgeGuard:
    """ASGI middleware enforcing :class:`EdgeLimits` on HTTP requests (see the module docstring)."""

    def __init__(self, app: App, **limits: Any) -> None:
        self.app = app
        self.limits = EdgeLimits(**limits)
        self.pending = 0
        self._recent_ms: deque[float] = deque(maxlen=64)
        self._routes = _Routes(self.limits.routes_file)
        self._in_hand: dict[str, int] = {}

    # -- the hint -------------------------------------------------------------------------------
    def retry_after_ms(self) -> int:
        """When a retry is likely to find a free slot: the median of recent successful answers."""
        if not self._recent_ms:
            return self.limits.min_retry_ms
        ordered = sorted(self._recent_ms)
        return max(self.limits.min_retry_ms, int(ordered[len(ordered) // 2]))

    async def _answer(self, send: Send, status: int, message: str) -> None:
        payload: dict[str, Any] = {"error": message}
        headers = list(_JSON)
        if status == 503:
            hint = self.retry_after_ms()
            payload["retry_after_ms"] = hint
            headers.append((b"retry-after", str(math.ceil(hint / 1000)).encode()))
        body = json.dumps(payload).encode()
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    # -- the request ----------------------------------------------------------------------------
    async def _read_body(self, scope: Scope, receive: Receive) -> tuple[list[Message], Message | None]:
        """Every body message of the request, within the time and size limits."""
        limits = self.limits
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                declared = value.decode("latin-1").strip()
                if declared.isdigit() and int(declared) > limits.max_body_bytes:
                    raise _Rejected(
                        413,
                        f"request body of {declared} bytes is larger than the "
                        f"{limits.max_body_bytes} bytes this service accepts",
                    )
        messages: list[Message] = []
        size = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limits.body_timeout_s
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise _Rejected(408, f"the request body did not arrive within {limits.body_timeout_s:g} s")
            try:
                message = await asyncio.wait_for(receive(), remaining)
            except asyncio.TimeoutError:
                raise _Rejected(408, f"the request body did not arrive within {limits.body_timeout_s:g} s") from None
            if message["type"] == "http.disconnect":
                return messages, message
            size += len(message.get("body", b""))
            if size > limits.max_body_bytes:
                raise _Rejected(
                    413, f"request body is larger than the {limits.max_body_bytes} bytes this service accepts"
                )
            messages.append(message)
            if not message.get("more_body", False):
                return messages, None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.pending >= self.limits.max_pending:
            await self._answer(send, 503, f"the service has {self.pending} requests in hand; retry shortly")
            return
        self.pending += 1
        try:
            await self._handle(scope, receive, send)
        finally:
            self.pending -= 1

    async def _handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            body, disconnect = await self._read_body(scope, receive)
        except _Rejected as exc:
            await self._answer(send, exc.status, exc.message)
            return
        if disconnect is not None:  # the client left before sending its whole body: nobody to answer
            return
        # admitted only once the whole request is here: a slow client never takes a route's place
        route, capacity = self._routes.match(scope.get("path", ""))
        held = self._in_hand.get(route, 0)
        if capacity is not None and held >= capacity:
            await self._answer(send, 503, f"{route} is working on the {held} requests it can hold; retry shortly")
            return
        self._in_hand[route] = held + 1
        try:
            await self._forward(scope, receive, send, body)
        finally:
            self._in_hand[route] -= 1

    async def _forward(self, scope: Scope, receive: Receive, send: Send, body: list[Message]) -> None:
        replay = iter(body)

        async def receive_again() -> Message:
            message = next(replay, None)
            if message is not None:
                return message
            return await receive()  # after the body: the client's disconnect, when it comes

        started = time.perf_counter()
        state = _Response(send, self)
        task = asyncio.ensure_future(self.app(scope, receive_again, state.send))
        task.add_done_callback(_retrieve)
        try:
            await asyncio.wait(
                {task, state.begun}, timeout=self.limits.response_timeout_s, return_when=asyncio.FIRST_COMPLETED
            )
        except asyncio.CancelledError:  # the proxy gave up on this request (the client left)
            task.cancel()
            raise
        if not state.begun.done() and not task.done():
            task.cancel()
            await self._answer(send, 504, f"no answer within {self.limits.response_timeout_s:g} s")
            return
        try:
            await task
        except Exception:
            if not state.started:  # the proxy failed before any answer: a replica went away
                await self._answer(send, 503, "no replica could answer the request; retry shortly")
                return
            raise
        if not state.started:  # the proxy ended the exchange without an answer: the same case
            await self._answer(send, 503, "no replica could answer the request; retry shortly")
        elif state.status == 200:
            self._recent_ms.append((time.perf_counter() - started) * 1000)


class _Routes:
    """Capacity per route prefix, from a JSON file that is read again when it changes (checked every 0.5 s)."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.table: list[tuple[str, int]] = []
        self._seen: int | None = None
        self._checked = 0.0

    def match(self, path: str) -> tuple[str, int | None]:
        """The longest route prefix that ``path`` falls under, and its capacity (None: not bounded)."""
        if self.path is not None:
            now = time.monotonic()
            if now - self._checked > 0.5:
                self._checked = now
                self._reload()
        for prefix, capacity in self.table:
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                return prefix, capacity
        return "", None

    def _reload(self) -> None:
        import os

        assert self.path is not None
        try:
            stamp = os.stat(self.path).st_mtime_ns
        except OSError:
            self.table, self._seen = [], None
            return
        if stamp == self._seen:
            return
        try:
            with open(self.path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            return  # being rewritten: keep the table until the next check
        self._seen = stamp
        rows = [
            (str(k), int(v["capacity"]))
            for k, v in data.items()
            if isinstance(v, dict) and isinstance(v.get("capacity"), int) and v["capacity"] > 0
        ]
        self.table = sorted(rows, key=lambda row: -len(row[0]))


def _retrieve(task: asyncio.Future[Any]) -> None:
    """Collect the outcome of a cancelled or failed application task (so asyncio does not warn)."""
    if not task.cancelled():
        task.exception()


class _Response:
    """Passes a response on; completes a 503 with the retry hint."""

    def __init__(self, send: Send, guard: EdgeGuard) -> None:
        self._send = send
        self._guard = guard
        self.started = False
        self.status = 0
        #: done when the answer starts, or when the application ends without one
        self.begun: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._held: Message | None = None
        self._body = b""

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self.started = True
            self.status = int(message["status"])
            if not self.begun.done():
                self.begun.set_result(None)
            if self.status == 503:
                self._held = message  # rewritten once its body is complete
                return
        elif kind == "http.response.body" and self._held is not None:
            self._body += message.get("body", b"")
            if message.get("more_body", False):
                return
            await self._send_503()
            return
        await self._send(message)

    async def _send_503(self) -> None:
        assert self._held is not None
        hint = self._guard.retry_after_ms()
        headers = [
            (k, v)
            for k, v in self._held.get("headers", [])
            if k.lower() not in (b"content-length", b"retry-after", b"content-type")
        ]
        try:
            payload = json.loads(self._body)
            if not isinstance(payload, dict):
                raise ValueError
        except ValueError:
            payload = {"error": self._body.decode("utf-8", errors="replace").strip() or "service unavailable"}
        payload.setdefault("retry_after_ms", hint)
        body = json.dumps(payload).encode()
        headers += [
            *_JSON,
            (b"retry-after", str(math.ceil(payload["retry_after_ms"] / 1000)).encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        await self._send({**self._held, "headers": headers})
        await self._send({"type": "http.response.body", "body": body, "more_body": False})


#: Environment variables that put :class:`EdgeGuard` into Serve's proxy: Serve calls the function
#: named by the first when it starts a proxy; the second holds the limits as JSON.
PROXY_CALLBACK_ENV = "RAY_SERVE_HTTP_PROXY_CALLBACK_IMPORT_PATH"
LIMITS_ENV = "ARCHKIT_EDGE_LIMITS"
#: Environment variable naming the routes file (capacity per route prefix), when not in the limits.
ROUTES_ENV = "ARCHKIT_EDGE_ROUTES"


def edge_env(limits: EdgeLimits | None = None) -> dict[str, str]:
    """Environment of a Ray head whose Serve proxies run the edge guard with ``limits``."""
    return {
        PROXY_CALLBACK_ENV: f"{__name__}:proxy_middlewares",
        LIMITS_ENV: json.dumps((limits or EdgeLimits()).as_dict(), sort_keys=True),
    }


def write_routes(path: str, routes: dict[str, dict[str, Any] | None], drop: Iterable[str] = ()) -> None:
    """Set route prefixes in a routes file (a dropped prefix, or None, removes the entry).

    Each entry describes the flow ingress behind a route prefix: ``app`` and ``ingress`` (Serve's
    application and deployment names), ``replicas``, ``max_ongoing`` and ``max_queued`` (per
    replica and in all), and ``capacity``, the requests it holds at once (None: unbounded). The
    file is replaced in one step (written aside, then renamed), so a reader never sees half.
    """
    import os

    table = read_routes(path)
    for prefix in drop:
        table.pop(prefix, None)
    for prefix, entry in routes.items():
        if entry is None:
            table.pop(prefix, None)
        else:
            table[prefix] = dict(entry)
    aside = f"{path}.{os.getpid()}.new"
    with open(aside, "w", encoding="utf-8") as handle:
        json.dump(table, handle, sort_keys=True)
    os.replace(aside, path)


def read_routes(path: str) -> dict[str, dict[str, Any]]:
    """The entries of a routes file (empty when it is missing or unreadable)."""
    try:
        with open(path, encoding="utf-8") as handle:
            table = json.load(handle)
    except (OSError, ValueError):
        return {}
    return {str(k): v for k, v in table.items() if isinstance(v, dict)} if isinstance(table, dict) else {}


def proxy_middlewares() -> list[Any]:
    """Serve's proxy callback: the edge guard, with the limits from ``$ARCHKIT_EDGE_LIMITS``."""
    import os

    from starlette.middleware import Middleware

    limits = json.loads(os.environ.get(LIMITS_ENV) or "{}")
    if limits.get("routes_file") is None and os.environ.get(ROUTES_ENV):
        limits["routes_file"] = os.environ[ROUTES_ENV]
    return [Middleware(EdgeGuard, **EdgeLimits(**limits).as_dict())]  # type: ignore[arg-type]
