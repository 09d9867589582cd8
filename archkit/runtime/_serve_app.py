"""Ray Serve applications built from a deployment plan (imports Ray; load it only to deploy).

* :class:`ComponentDeployment` runs one planned deployment (see :class:`~.runner.GroupRunner`).
* :func:`ingress_deployment` wraps the entry deployment in a FastAPI app: ``POST /<flow>``
  takes the raw request body, ``GET /health`` answers ``ok``, and FastAPI serves ``/docs`` and
  ``/openapi.json`` under the node's route prefix.
* :func:`build_apps` binds one application per node; :func:`build_node_app` rebuilds one node's
  application from a model file, for Serve config files (``import_path`` plus ``args``).

Client errors never become 500s: a body over the limit is 413, a content type the entry
component does not accept is 415, and a :class:`~.protocol.BadInput` raised anywhere in the
flow is answered with its status (422 by default). A call over a link that is down answers 503
with the link named. Faults a retry can get past are 503 with ``Retry-After``: a replica on the
way died or is being replaced, or a deployment's queue is full. A request that has no answer
within the plan's ``request_timeout_s`` is cancelled and answered 504.

Every deployment answers Serve's health check by asking its implementations (an implementation
may define ``check_health()``, which raises when the instance cannot serve any more), so Serve
replaces a broken replica instead of sending it requests.
"""

# no "from __future__ import annotations": FastAPI must see real annotations on the pickled ingress class

import asyncio
import json
import time
from typing import Any, AsyncIterator

try:
    from fastapi import FastAPI, Request
    from fastapi.responses import Response
    from ray import serve
    from ray.exceptions import ActorUnavailableError, RayActorError
    from ray.serve.exceptions import BackPressureError, DeploymentUnavailableError
    from ray.serve.handle import DeploymentHandle
    from starlette.requests import ClientDisconnect
except ImportError as exc:  # pragma: no cover - depends on the environment
    from ..errors import MissingDependencyError

    raise MissingDependencyError("ray[serve]", "serve", "archkit deploy") from exc

from ..errors import UsageError
from ._loopback import confine_replica
from ._plan import DeploymentPlan, DeploymentSpec, deployment_options
from ._protocol import DEFAULT_MAX_BODY_BYTES, BadInput, LinkDown
from ._runner import TIMINGS, GroupRunner, changes, public_view

__all__ = ["ComponentDeployment", "ingress_deployment", "build_apps", "build_node_app", "deployment_options"]


#: Errors of a call to another deployment that a retry can get past: the replica died or is
#: restarting, no replica is running yet, or the deployment's queue is full.
_RETRYABLE = (RayActorError, ActorUnavailableError, BackPressureError, DeploymentUnavailableError)
#: Seconds a client is told to wait before retrying a 503 (``Retry-After``).
RETRY_AFTER_S = 1


def _json(answer: dict[str, Any]) -> str:
    """An answer as JSON text, as Starlette's JSONResponse writes it (values JSON lacks as text)."""
    return json.dumps(answer, default=str, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _cause(exc: BaseException) -> BaseException:
    """The user-level error inside a Ray task error, if any."""
    seen = 0
    while seen < 5 and not isinstance(exc, (BadInput, LinkDown, *_RETRYABLE)):
        inner = getattr(exc, "cause", None) or exc.__cause__
        if inner is None or inner is exc:
            break
        exc, seen = inner, seen + 1
    return exc


class _Remote:
    """Runs a call's target in its deployment: a handle bound in this application, or looked up by name."""

    def __init__(self, handles: dict[str, DeploymentHandle] | None) -> None:
        self.handles: dict[tuple[str, str], DeploymentHandle] = {}
        self.local = dict(handles or {})

    async def __call__(self, call: Any, payload: dict[str, Any]) -> dict[str, Any]:
        key = (call.app, call.deployment)
        handle = self.handles.get(key)
        if handle is None:
            handle = self.local.get(call.deployment) if call.deployment in self.local else None
            if handle is None:
                handle = serve.get_deployment_handle(call.deployment, app_name=call.app)
            self.handles[key] = handle
        return await handle.run.remote(call.target, payload)


def _make_runner(
    spec_json: dict[str, Any], meta: dict[str, Any], handles: dict[str, DeploymentHandle] | None
) -> GroupRunner:
    spec = DeploymentSpec.model_validate(spec_json)
    return GroupRunner(spec, meta["python_path"], meta["variant"], meta["emulate_links"], _Remote(handles))


def _describe(spec: DeploymentSpec, meta: dict[str, Any]) -> dict[str, Any]:
    """What a replica runs, as it was built: its spec and the plan's emulation settings (``archkit verify``)."""
    return {
        "spec": spec.model_dump(mode="json"),
        "variant": meta.get("variant"),
        "emulate_links": bool(meta.get("emulate_links")),
        "emulate_devices": bool(meta.get("emulate_devices")),
    }


class _Replica:
    """What every deployment's replica does: run its components and the flow steps they make.

    Args:
        spec: the :class:`DeploymentSpec` as a dict.
        meta: ``python_path``, ``variant`` and ``emulate_links`` of the plan.
        handles: deployments of the same application it calls, by name.
        peers: other deployments of the same application, bound here so the application holds them.
    """

    def __init__(
        self,
        spec: dict[str, Any],
        meta: dict[str, Any],
        handles: dict[str, DeploymentHandle] | None = None,
        peers: list[DeploymentHandle] | None = None,
    ) -> None:
        confine_replica()
        self.spec = DeploymentSpec.model_validate(spec)
        self.meta = dict(meta)
        self.runner = _make_runner(spec, meta, handles)

    async def run(self, component: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Run one of this deployment's components on the payload; answer the values it added or changed."""
        return changes(payload, await self.runner.run(component, payload))

    async def describe(self) -> dict[str, Any]:
        """What this replica runs: its part of the plan and the emulation settings."""
        return _describe(self.spec, self.meta)

    def check_health(self) -> None:
        """Serve's health check: raises when an implementation says it cannot serve."""
        self.runner.check_health()


@serve.deployment
class ComponentDeployment(_Replica):
    """One planned deployment: its components in one replica, then a call to the next deployment."""

    async def __call__(self, request: Any) -> dict[str, Any]:
        """``GET /<node>``: what this node's application runs."""
        return {
            "node": self.spec.node,
            "deployment": self.spec.name,
            "components": [c.id for c in self.spec.components],
        }


def ingress_deployment(spec: DeploymentSpec, flow: str, title: str) -> Any:
    """The FastAPI ingress deployment class for the entry deployment of ``flow``."""

    accepts = list(spec.accepts)
    flow_path = f"/{flow}"
    limit = spec.max_body_bytes or DEFAULT_MAX_BODY_BYTES
    deadline = spec.request_timeout_s
    content = {t: {"schema": {"type": "string", "format": "binary"}} for t in (accepts or ["application/octet-stream"])}
    api = FastAPI(
        title=title,
        description=(
            f"Runs flow '{flow}' from component '{spec.components[0].id}' on node '{spec.node}'. "
            f"POST the raw input as the request body."
        ),
        version="1",
    )

    def _refused(size: int | None, content_type: str) -> tuple[int, dict[str, Any]] | None:
        """413 for a body (declared or read) over the limit, 415 for a content type not accepted; else None."""
        if size is not None and size > limit:
            return 413, {"error": f"request body of {size} bytes is larger than {limit}"}
        ctype = content_type.split(";")[0].strip().lower()
        if accepts and ctype not in accepts:
            shown = ctype or "none"
            return 415, {"error": f"content type {shown!r} is not accepted; send one of: {', '.join(accepts)}"}
        return None

    error_schema = {
        "application/json": {
            "schema": {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}
        }
    }

    class FlowIngress(_Replica):
        """HTTP ingress of the flow: checks the request, runs the chain, answers JSON."""

        @api.get("/health", summary="Liveness check")
        async def health(self) -> dict[str, str]:
            return {"status": "ok"}

        @api.post(
            f"/{flow}",
            summary=f"Run flow {flow}",
            openapi_extra={"requestBody": {"required": True, "content": content}},
            responses={
                200: {"description": "The flow's outputs and per-step timings in ms (`timings`)."},
                413: {"description": f"Body larger than {limit} bytes.", "content": error_schema},
                415: {
                    "description": "Content type not accepted: " + (", ".join(accepts) or "any"),
                    "content": error_schema,
                },
                422: {
                    "description": "Input that cannot be processed (e.g. an undecodable image).",
                    "content": error_schema,
                },
                503: {
                    "description": "A declared link on the way is down in this variant, or the service is full "
                    "or replacing a replica: retry after `Retry-After` seconds.",
                    "content": error_schema,
                },
                504: {"description": f"No answer within {deadline} s.", "content": error_schema},
            },
        )
        async def run_flow(self, request: Request) -> Any:
            headers = request.headers
            status, data, extra = await self.answer(
                headers.get("content-length", ""), headers.get("content-type", ""), request.stream()
            )
            return Response(data, status, headers=extra, media_type="application/json")

        async def answer(
            self, declared: str, content_type: str, chunks: AsyncIterator[bytes]
        ) -> tuple[int, bytes, dict[str, str]]:
            """One ``POST /<flow>``: the request checked as it arrives, then run; the status, JSON bytes
            and extra headers of the answer (``retry-after`` on a 503 a retry can get past).

            ``declared`` is the request's Content-Length ("" when absent); ``chunks`` its body as it
            arrives, read only when the headers pass (a body over the limit stops being read).
            """
            refused = _refused(int(declared) if declared.isdigit() else None, content_type)
            body = bytearray()
            if refused is None:
                async for chunk in chunks:
                    body += chunk
                    if len(body) > limit:
                        refused = 413, {"error": f"request body is larger than {limit} bytes"}
                        break
            status, answer = refused or await self._run(bytes(body), content_type)
            retry = status == 503 and "link" not in answer
            return status, _json(answer).encode(), {"retry-after": str(RETRY_AFTER_S)} if retry else {}

        async def process(self, body: bytes, content_type: str) -> tuple[int, dict[str, Any]]:
            """Check and run one request; return the HTTP status and the answer (JSON through :func:`_json`)."""
            return _refused(len(body), content_type) or await self._run(body, content_type)

        async def _run(self, body: bytes, content_type: str) -> tuple[int, dict[str, Any]]:
            """Run the flow on an accepted request; the flow's own errors become client statuses."""
            start = time.perf_counter()
            ctype = content_type.split(";")[0].strip().lower()
            work = self.runner.run(self.spec.components[0].id, {"body": body, "content_type": ctype})
            try:
                result = await asyncio.wait_for(work, deadline)
            except asyncio.TimeoutError:
                return 504, {"error": f"no answer within {deadline} s; the request was cancelled"}
            except Exception as exc:  # map the flow's own errors to client statuses; others stay 500
                cause = _cause(exc)
                if isinstance(cause, BadInput):
                    return cause.status, {"error": cause.message}
                if isinstance(cause, LinkDown):
                    return 503, {"error": str(cause), "link": cause.link, "connector": cause.connector}
                if isinstance(cause, _RETRYABLE):
                    return 503, {
                        "error": f"a part of the flow is unavailable for a moment "
                        f"({type(cause).__name__}); retry shortly",
                        "retry_after_ms": RETRY_AFTER_S * 1000,
                    }
                raise
            out = public_view(result)
            out[TIMINGS] = {**(out.get(TIMINGS) or {}), "total": round((time.perf_counter() - start) * 1000, 3)}
            return 200, out

    class FlowEndpoint(serve.ingress(api)(FlowIngress)):  # type: ignore[misc]
        """The ingress as Serve runs it (Serve refuses a ``__call__`` on the class it wraps)."""

        _asgi_app: Any  # the FastAPI application, set by Serve's ingress wrapper

        async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
            """Every HTTP request of the replica: ``POST /<flow>`` straight to the flow, the rest to FastAPI.

            The flow's own requests skip FastAPI's routing, middleware and dependency machinery
            (about half a millisecond of the event loop per request); the answers are the same
            bytes as :meth:`run_flow` gives, which serves the path for FastAPI's docs.
            """
            path = scope.get("path", "")
            if (
                scope.get("type") == "http"
                and scope.get("method") == "POST"
                and path[len(scope.get("root_path", "")) :] == flow_path
            ):
                await self._flow_request(scope, receive, send)
            else:
                await self._asgi_app(scope, receive, send)

        async def _flow_request(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
            headers = dict(scope.get("headers") or ())

            async def chunks() -> AsyncIterator[bytes]:
                while True:
                    message = await receive()
                    if message["type"] != "http.request":
                        raise ClientDisconnect()
                    yield message.get("body", b"")
                    if not message.get("more_body", False):
                        return

            try:
                status, data, extra = await self.answer(
                    headers.get(b"content-length", b"").decode("latin-1"),
                    headers.get(b"content-type", b"").decode("latin-1"),
                    chunks(),
                )
            except ClientDisconnect:
                return  # the client went away
            out = [(b"content-length", str(len(data)).encode()), (b"content-type", b"application/json")]
            out += [(k.encode(), v.encode()) for k, v in extra.items()]
            await send({"type": "http.response.start", "status": status, "headers": out})
            await send({"type": "http.response.body", "body": data})

    return FlowEndpoint


def _meta(plan: DeploymentPlan) -> dict[str, Any]:
    return {
        "python_path": list(plan.python_path),
        "variant": plan.variant,
        "emulate_links": plan.emulate_links,
        "emulate_devices": plan.emulate_devices,
    }


def build_apps(plan: DeploymentPlan) -> dict[str, Any]:
    """Bound Serve applications for a plan, keyed by application name (entry node first)."""
    meta = _meta(plan)
    specs = {s.name: s for s in plan.deployments}
    bound: dict[str, Any] = {}

    def bind(name: str, peers: list[Any], path: tuple[str, ...] = ()) -> Any:
        if name in bound:
            return bound[name]
        if name in path:
            raise UsageError(
                f"deployments {' -> '.join(path + (name,))} call each other in a cycle on one node; "
                f"break the cycle or place them on different nodes"
            )
        spec = specs[name]
        local = sorted({c.deployment for c in spec.calls if not c.inline and c.app == spec.app})
        handles = {target: bind(target, [], path + (name,)) for target in local}
        deployment: Any
        if spec.ingress:
            deployment = serve.deployment(ingress_deployment(spec, plan.flow, f"{plan.system} - {spec.node}"))
        else:
            deployment = ComponentDeployment
        bound[name] = deployment.options(**deployment_options(spec)).bind(
            spec.model_dump(mode="json"), meta, handles or None, peers or None
        )
        return bound[name]

    def reach(name: str, seen: set[str]) -> None:
        if name in seen:
            return
        seen.add(name)
        spec = specs[name]
        for call in spec.calls:
            if not call.inline and call.app == spec.app:
                reach(call.deployment, seen)

    apps: dict[str, Any] = {}
    for app in plan.apps:
        reached: set[str] = set()
        reach(app.ingress, reached)
        # the application must hold all its deployments: bind the ones its ingress does not call
        peers = [bind(n, []) for n in app.deployments if n not in reached]
        apps[app.name] = bind(app.ingress, peers)
    return apps


def build_node_app(args: dict[str, Any]) -> Any:
    """Application builder for Serve config files: the application of one node of a model.

    ``args``: ``model`` (path), ``node``, and optionally ``variant``, ``flow``, ``emulate_links``
    (default true), ``emulate_devices`` (default: as ``emulate_links``) and ``cpus`` (CPUs to fit
    into when emulating).
    """
    from ..io import load

    system = load(args["model"])
    from ._plan import build_plan

    plan = build_plan(
        system,
        args.get("variant"),
        args.get("flow"),
        emulate_links=bool(args.get("emulate_links", True)),
        cpus=args.get("cpus"),
        model_path=args["model"],
        emulate_devices=args.get("emulate_devices"),
    )
    return build_apps(plan)[plan.app(args["node"]).name]
