"""Deploy a model on Ray Serve, report on it and take it down again.

:func:`deploy` plans the chosen variant (see :mod:`archkit.runtime._plan`), makes sure a Ray
instance is there (a local head it starts when no address is given, listening on loopback only
and with token authentication, or the cluster at ``--address``), starts Serve's HTTP proxy on
127.0.0.1 with archkit's edge guard in it (see :mod:`archkit.runtime._edge`) and runs one
application per node. The deployment is recorded (see :mod:`archkit.runtime._cluster`) so that
:func:`status`, :func:`undeploy` and ``archkit load`` find it again by the model alone.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ._cluster import (
    DeployError,
    connect,
    free_port,
    head_processes,
    listening_sockets,
    ray_env,
    read_state,
    remove_state,
    start_local_head,
    state_dir,
    stop_local_head,
    write_state,
)
from ._edge import EdgeLimits, edge_env, write_routes
from ._haproxy import DIRECT_INGRESS_ENV, haproxy_binary, start_keeper, wait_for_routes
from ._plan import (
    NODE_RESOURCE_PREFIX,
    SERVE_DEFAULT_MAX_ONGOING,
    DeploymentPlan,
    admission_capacity,
    app_prefix,
    build_plan,
)

__all__ = ["deploy", "status", "undeploy", "find_deployment", "exposure", "plan_for", "model_file", "DEFAULT_HTTP_PORT"]

DEFAULT_HTTP_PORT = 8000
#: HTTP edges of a local head: HAProxy in front of the ingress replicas, or Serve's own proxy.
EDGE_MODES = ("haproxy", "proxy")
#: Serve logging for deployed applications: warnings and errors only, no line per request (writing
#: an access-log line per request costs milliseconds on a small machine; the timings are in answers).
SERVE_LOGGING = {"log_level": "WARNING", "enable_access_log": False}
#: Ray Serve settings of a local head that cut the work per request, from the "throughput-optimized
#: flags" of Ray Serve's performance guide (docs.ray.io, serve/advanced-guides/performance): Serve's
#: log lines buffered (an error flushes at once) and kept in the head's log files; user code and
#: the handle's router on the replica's own event loop; calls between deployments over the
#: replicas' gRPC servers (token-checked like every Ray server of the head, on loopback); and
#: Serve's controller looking at its deployments 4 times a second instead of 10
#: (``RAY_SERVE_CONTROL_LOOP_INTERVAL_S``, ray/serve/_private/constants.py: its loop cost about 5 %
#: of a core whatever the load; a dead replica is noticed up to 0.15 s later, beside the 1 s
#: health check). They do not change what a fault costs: a killed replica beside a second one
#: loses no request (bench/bench_robustness.py, tests/runtime/test_robustness_ray.py). A setting
#: already in the environment wins.
SERVE_THROUGHPUT_ENV = {
    "RAY_SERVE_REQUEST_PATH_LOG_BUFFER_SIZE": "1000",
    "RAY_SERVE_LOG_TO_STDERR": "0",
    "RAY_SERVE_RUN_USER_CODE_IN_SEPARATE_THREAD": "0",
    "RAY_SERVE_RUN_ROUTER_IN_SEPARATE_LOOP": "0",
    "RAY_SERVE_USE_GRPC_BY_DEFAULT": "1",
    "RAY_SERVE_CONTROL_LOOP_INTERVAL_S": "0.25",
}
_HEAD = "head"


def _quiet_ray() -> None:
    # Ray prints its own deprecation warnings on import; they are not the user's concern
    import logging
    import warnings

    warnings.filterwarnings("ignore", module="ray")
    os.environ.setdefault("RAY_DEDUP_LOGS", "1")
    # Serve reports every step at INFO on the driver; archkit prints its own summary instead
    logging.getLogger("ray.serve").setLevel(logging.WARNING)


def _head_alive(head: dict[str, Any]) -> bool:
    import socket

    try:
        if not head_processes(head):
            return False
    except (KeyError, ValueError):
        return False
    host, port = head["address"].rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
        return True
    except OSError:
        return False


def _load(model: str) -> Any:
    from ..io import load

    return load(model)


def find_deployment(model: str) -> dict[str, Any] | None:
    """The record of a model's deployment, or None when it is not deployed."""
    return read_state(app_prefix(_load(model).name))


def deploy(
    model: Any,
    variant: str | None = None,
    *,
    model_path: str | None = None,
    flow: str | None = None,
    address: str | None = None,
    emulate_links: bool = True,
    emulate_devices: bool | None = None,
    http_host: str = "127.0.0.1",
    http_port: int | None = None,
    cpus: int | None = None,
    timeout: float = 300.0,
    ray_auth: str = "token",
    edge: EdgeLimits | None = None,
    edge_mode: str | None = None,
) -> dict[str, Any]:
    """Run a model's variant on Ray Serve and return the deployment record.

    Args:
        model: the model (file path or ``module:attr``, as for ``archkit validate``), or a
            :class:`~archkit.model.System` already loaded.
        model_path: for a loaded System, the file its implementations are imported next to.
        variant: the variant to deploy; None for the base placement.
        flow: the flow to serve; None for the first one.
        address: ``None`` (a local head, started if archkit has none running), ``"auto"`` (the Ray
            instance Ray finds itself) or ``"ray://host:port"`` / ``"host:port"``.
        emulate_links: make calls across nodes wait as the declared links predict; False maps
            nodes to the Ray custom resources ``node:<id>`` instead.
        emulate_devices: pad each component to the processing time declared for its node (see
            :mod:`archkit.runtime._plan`); None: on exactly when links are emulated.
        http_host: address Serve's HTTP proxy binds (loopback unless asked otherwise).
        http_port: port of the proxy; 8000, or a free one when 8000 is taken on a local head.
        cpus: CPUs of a local head; defaults to the machine's.
        timeout: seconds to wait for every application to be RUNNING.
        ray_auth: authentication of a local head archkit starts: ``"token"`` (default; a fresh
            token only archkit's commands know) or ``"disabled"``. A running head keeps its own.
        edge: limits of the HTTP edge of a local head archkit starts (defaults: :class:`EdgeLimits`);
            a running head keeps its own. On a cluster, set the head's environment from
            :func:`archkit.runtime._edge.edge_env` to get the same edge.
        edge_mode: the HTTP edge of a local head archkit starts: ``"haproxy"`` (HAProxy in front of
            the ingress replicas, see :mod:`archkit.runtime._haproxy`; the default when the
            ``haproxy`` program is installed) or ``"proxy"`` (Serve's own proxy with the edge guard).

    Returns:
        The record: ``system``, ``variant``, ``flow``, ``address``, ``url`` (the flow's endpoint),
        ``apps`` (name, node, route prefix, deployments) and ``plan`` (the full plan as JSON).

    Raises:
        UsageError: unknown variant or flow, or a model that cannot be deployed as declared.
        DeployError: Ray could not be started or reached, or an application did not start.
    """
    _quiet_ray()
    if isinstance(model, str):
        system, model_path = _load(model), model_file(model)
    else:
        system, model_path = model, (str(Path(model_path).resolve()) if model_path else None)
    prefix = app_prefix(system.name)
    # a model that cannot be deployed fails here, before any Ray process is started
    build_plan(
        system,
        variant,
        flow,
        emulate_links=emulate_links,
        cpus=cpus,
        model_path=model_path,
        emulate_devices=emulate_devices,
    )
    head: dict[str, Any] | None = None
    started = False
    if address is None:
        head, started = _local_head(
            system,
            cpus=cpus,
            http_host=http_host,
            http_port=http_port,
            ray_auth=ray_auth,
            edge=edge,
            edge_mode=edge_mode,
        )
        ray_address = head["address"]
        port = head["http_port"]
        proxy_port = head.get("proxy_port", port)
        http_host = head.get("http_host", http_host)
        env: dict[str, str] | None = ray_env(head)
    else:
        ray_address = address
        port = proxy_port = http_port or DEFAULT_HTTP_PORT
        env = None
    try:
        import ray
        from ray import serve
    except ImportError:
        from ..errors import MissingDependencyError

        raise MissingDependencyError("ray[serve]", "serve", "archkit deploy") from None
    try:
        connect(ray_address, env)
        # a local head is one machine: reservations that do not fit would leave replicas unscheduled
        plan = build_plan(
            system,
            variant,
            flow,
            emulate_links=emulate_links,
            cpus=_cpu_budget(started, prefix),
            model_path=model_path,
            emulate_devices=emulate_devices,
            one_machine=emulate_links or address is None,
        )
        serve.start(http_options={"host": http_host, "port": proxy_port})  # a running Serve keeps its options
        _run_apps(plan, prefix, head, timeout)
    except Exception as exc:
        if ray.is_initialized():
            ray.shutdown()
        if started and head is not None:  # leave no head behind that nothing records as deployed
            stop_local_head(head)
            remove_state(_HEAD)
        if isinstance(exc, (UsageError, DeployError)):
            raise
        raise DeployError(f"deploying {system.name!r} failed: {_short(exc)}") from exc
    finally:
        if ray.is_initialized():
            ray.shutdown()
    base = f"http://{'127.0.0.1' if http_host in ('0.0.0.0', '') else http_host}:{port}"
    record = _record(system, model_path, variant, plan, ray_address, head, started, base, emulate_links)
    write_state(prefix, record)
    return record


def _cpu_budget(started: bool, prefix: str) -> float:
    """CPUs the system may use: all of a head started for it (Ray's view of what is free can lag
    behind a head that has just started), else what is free now plus what its previous deployment holds."""
    import ray

    total = ray.cluster_resources().get("CPU", float(os.cpu_count() or 1))
    if started:
        return float(total)
    budget = ray.available_resources().get("CPU", 0.0) + _held_cpus(read_state(prefix))
    return float(max(0.1, min(budget, total)))


def _run_apps(plan: DeploymentPlan, prefix: str, head: dict[str, Any] | None, timeout: float) -> None:
    """Run the plan's applications on the connected Serve and wait until they serve.

    Applications of an earlier deployment of the system that the plan no longer has are deleted;
    callee applications start first and the ingress last, so no request meets a missing deployment.
    ``head``: the local head archkit runs (its edge admits the plan's routes and must list every
    ingress replica before this returns), or None.
    """
    from ray import serve
    from ray.serve.api import _run

    from ._serve_app import build_apps

    apps = build_apps(plan)
    for name in sorted(serve.status().applications):
        if name.startswith(prefix + "-") and name not in apps:
            serve.delete(name)
    if head is not None and head.get("routes_file"):
        _admit(head["routes_file"], plan, read_state(prefix))
    for spec in reversed(plan.apps):
        _run(
            apps[spec.name],
            name=spec.name,
            route_prefix=spec.route_prefix,
            _blocking=False,
            logging_config=SERVE_LOGGING,
        )
    _wait_running([a.name for a in plan.apps], timeout)
    if head is not None and head.get("edge_mode") == "haproxy":
        # every replica of each flow's ingress, so that a fault of one finds the others at the edge
        flows = {
            app.route_prefix: int(plan.deployment(app.ingress).num_replicas or 1)
            for app in plan.apps
            if plan.deployment(app.ingress).ingress
        }
        try:
            wait_for_routes(head, flows, timeout=min(timeout, 60.0))
        except TimeoutError as exc:
            raise DeployError(f"{exc}; see {head['temp_dir']}/edge-keeper.log") from None


def _record(
    system: Any,
    model_path: str | None,
    variant: str | None,
    plan: DeploymentPlan,
    ray_address: str,
    head: dict[str, Any] | None,
    started: bool,
    base: str,
    emulate_links: bool,
) -> dict[str, Any]:
    """The deployment record :func:`deploy` returns and keeps in archkit's state."""
    return {
        "system": system.name,
        "model": model_path or system.name,
        "variant": variant,
        "flow": plan.flow,
        "address": ray_address,
        "local_head": head is not None,
        "started_head": started,
        "base_url": base,
        "url": base + plan.endpoint,
        "emulate_links": emulate_links,
        "emulate_devices": plan.emulate_devices,
        "ray_auth": head.get("auth", "disabled") if head is not None else None,
        "edge": head.get("edge") if head is not None else None,
        "edge_mode": head.get("edge_mode", "proxy") if head is not None else None,
        "apps": [
            {"name": a.name, "node": a.node, "route_prefix": a.route_prefix, "deployments": a.deployments}
            for a in plan.apps
        ],
        "deployed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "plan": plan.model_dump(mode="json"),
    }


def _local_head(
    system: Any,
    *,
    cpus: int | None,
    http_host: str,
    http_port: int | None,
    ray_auth: str,
    edge: EdgeLimits | None,
    edge_mode: str | None,
) -> tuple[dict[str, Any], bool]:
    """The local head archkit runs (started, with its HTTP edge, when none is alive); whether it was started."""
    head = read_state(_HEAD)
    if head is not None and _head_alive(head):
        return head, False
    if head is not None:
        stop_local_head(head)
    mode = edge_mode or ("haproxy" if haproxy_binary() else "proxy")
    if mode not in EDGE_MODES:
        raise UsageError(f"unknown HTTP edge {mode!r}; use one of: {', '.join(EDGE_MODES)}")
    if mode == "haproxy" and haproxy_binary() is None:
        raise UsageError(
            "the HAProxy edge needs the program haproxy: apt-get install haproxy (or deploy with --edge proxy)"
        )
    limits = edge or EdgeLimits()
    env = {k: v for k, v in SERVE_THROUGHPUT_ENV.items() if k not in os.environ}
    if mode == "haproxy":  # HAProxy does the edge guard's work (whole bodies, admission, deadlines)
        env.update(DIRECT_INGRESS_ENV)
    else:
        env.update(edge_env(limits))
    resources = {f"{NODE_RESOURCE_PREFIX}{n.id}": 1000.0 for n in system.nodes}
    head = dict(start_local_head(cpus=cpus, resources=resources, auth=ray_auth, env=env))
    port = http_port or (DEFAULT_HTTP_PORT if _port_free(DEFAULT_HTTP_PORT) else free_port())
    head.update(http_port=port, http_host=http_host, edge=limits.as_dict(), edge_mode=mode)
    if mode == "haproxy":  # HAProxy takes the public port; Serve's own proxy stays behind it
        head["proxy_port"] = free_port()
        head["sessions"] = [start_keeper(head, port, head["proxy_port"], limits.as_dict(), host=http_host)]
    else:
        head["proxy_port"] = port
    write_state(_HEAD, head)
    return head, True


def _admit(routes_file: str, plan: DeploymentPlan, previous: dict[str, Any] | None) -> None:
    """Tell the HTTP edge which flow ingress serves each route and how many requests it holds."""
    old = [app["route_prefix"] for app in (previous or {}).get("apps", [])]
    routes: dict[str, dict[str, Any] | None] = {}
    for app in plan.apps:
        spec = plan.deployment(app.ingress)
        if not spec.ingress:  # another node's application: no flow is served from it
            continue
        auto = spec.autoscaling or {}
        routes[app.route_prefix] = {
            "app": app.name,
            "ingress": spec.name,
            "capacity": admission_capacity(spec),
            "replicas": int(spec.num_replicas or auto.get("max_replicas") or 1),
            "max_ongoing": spec.max_ongoing_requests or SERVE_DEFAULT_MAX_ONGOING,
            "max_queued": spec.max_queued_requests,
        }
    write_routes(routes_file, routes, drop=old)


def _held_cpus(record: dict[str, Any] | None) -> float:
    """CPUs reserved by a recorded deployment (released when it is replaced)."""
    if not record:
        return 0.0
    total = 0.0
    for spec in record.get("plan", {}).get("deployments", []):
        auto = spec.get("autoscaling") or {}
        count = spec.get("num_replicas") or auto.get("max_replicas") or 1
        total += float(spec.get("num_cpus") or 0) * count
    return total


def _wait_running(names: list[str], timeout: float) -> None:
    """Wait until the applications are RUNNING; fail with Serve's messages otherwise."""
    from ray import serve

    deadline = time.monotonic() + timeout
    while True:
        apps = serve.status().applications
        states = {n: str(getattr(apps.get(n), "status", "MISSING")) for n in names}
        failed = [n for n, st in states.items() if st.endswith("DEPLOY_FAILED")]
        if failed or time.monotonic() > deadline:
            details = []
            for name in failed or [n for n, st in states.items() if not st.endswith("RUNNING")]:
                app = apps.get(name)
                message = getattr(app, "message", "") if app is not None else "not found"
                for dep_name, dep in sorted((getattr(app, "deployments", None) or {}).items()):
                    if getattr(dep, "message", ""):
                        message += f" [{dep_name}: {dep.message}]"
                details.append(f"{name}: {message or states[name]}")
            why = "failed" if failed else f"did not start within {timeout:.0f} s"
            raise DeployError(
                f"applications {why}: "
                + "; ".join(details)
                + "; check the CPUs and memory the deployments ask for ('archkit review')"
            )
        if all(st.endswith("RUNNING") for st in states.values()):
            return
        time.sleep(0.5)


def _short(exc: Exception) -> str:
    """The last line of a Ray error, without the remote traceback."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    last = lines[-1] if lines else type(exc).__name__
    return last.split("Exception: ", 1)[-1] if last.startswith("ray.") else last


def model_file(model: str) -> str | None:
    """The absolute path of the model file named by a model spec (``file.py:var`` too); None for a module spec."""
    path = model.split(":")[0] if ":" in model and not Path(model).exists() else model
    return str(Path(path).resolve()) if Path(path).exists() else None


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def status(model: str) -> dict[str, Any]:
    """Where a model is deployed and whether its applications and deployments are running.

    Returns:
        ``deployed`` (bool), and when deployed: ``system``, ``variant``, ``url``, ``address`` and
        ``apps``: name, node, route prefix, ``status`` (Serve's) and ``deployments`` with their
        status and running replica count; ``healthy`` is True when every application is RUNNING.
    """
    _quiet_ray()
    system = _load(model)
    record = read_state(app_prefix(system.name))
    if record is None:
        return {"deployed": False, "system": system.name}
    out = {k: record[k] for k in ("system", "variant", "flow", "url", "address", "emulate_links", "deployed_at")}
    out["deployed"] = True
    import ray
    from ray import serve

    head = read_state(_HEAD) if record.get("local_head") else None
    try:
        connect(record["address"], ray_env(head) if head else None)
        apps = serve.status().applications
    except Exception as exc:  # the cluster went away: report it instead of failing
        out.update(
            healthy=False,
            error=f"cannot reach Ray at {record['address']}: {exc}",
            apps=[{**a, "status": "UNREACHABLE", "deployments": []} for a in record["apps"]],
        )
        return out
    finally:
        if ray.is_initialized():
            ray.shutdown()
    rows = []
    for app in record["apps"]:
        live = apps.get(app["name"])
        deployments = []
        if live is not None:
            for name, dep in sorted(live.deployments.items()):
                running = sum(n for state, n in dep.replica_states.items() if str(state).endswith("RUNNING"))
                deployments.append(
                    {
                        "name": name,
                        "status": str(dep.status.value if hasattr(dep.status, "value") else dep.status),
                        "running_replicas": running,
                    }
                )
        state = "MISSING" if live is None else str(live.status.value if hasattr(live.status, "value") else live.status)
        rows.append(
            {
                "name": app["name"],
                "node": app["node"],
                "route_prefix": app["route_prefix"],
                "status": state,
                "deployments": deployments,
            }
        )
    out["apps"] = rows
    out["healthy"] = all(r["status"] == "RUNNING" for r in rows)
    if head is not None:
        out["exposure"] = exposure(head)
    return out


def exposure(head: dict[str, Any]) -> dict[str, Any]:
    """What the processes of a local head listen on.

    Returns:
        ``listening``: every listening socket (``address``, ``port``, ``pid``, ``process``),
        ``exposed``: those reachable from other machines (not on 127.0.0.0/8 or ::1); archkit's
        own head has none.
    """
    found = listening_sockets(head_processes(head))
    rows = [item._asdict() for item in found]
    return {"listening": rows, "exposed": [item._asdict() for item in found if not item.loopback]}


def undeploy(model: str) -> dict[str, Any]:
    """Remove a model's applications; stop the local Ray head archkit started when nothing else uses it.

    Returns:
        ``removed`` (application names), ``stopped_head`` (bool) and ``was_deployed``.
    """
    _quiet_ray()
    system = _load(model)
    prefix = app_prefix(system.name)
    record = read_state(prefix)
    if record is None:
        return {"was_deployed": False, "removed": [], "stopped_head": False, "system": system.name}
    names = [a["name"] for a in record["apps"]]
    others = [p.stem for p in state_dir().glob("*.json") if p.stem not in (prefix, _HEAD)]
    head = read_state(_HEAD) if record.get("local_head") else None
    removed: list[str] = []
    stopped = False
    if head is not None and not others:
        # nothing else runs on the head archkit started: ending it removes every application with it
        stop_local_head(head)
        remove_state(_HEAD)
        removed, stopped = names, True
    else:
        import ray
        from ray import serve

        try:
            if head is not None and head.get("routes_file"):
                write_routes(head["routes_file"], {}, drop=[app["route_prefix"] for app in record["apps"]])
            connect(record["address"], ray_env(head) if head else None)
            live = serve.status().applications
            for name in names:
                if name in live:
                    serve.delete(name)
                    removed.append(name)
        finally:
            if ray.is_initialized():
                ray.shutdown()
    remove_state(prefix)
    return {"was_deployed": True, "removed": removed, "stopped_head": stopped, "system": system.name}


def plan_for(
    model: str,
    variant: str | None = None,
    flow: str | None = None,
    *,
    emulate_links: bool = True,
    cpus: float | None = None,
    emulate_devices: bool | None = None,
) -> DeploymentPlan:
    """The deployment plan of a model file without deploying it."""
    return build_plan(
        _load(model),
        variant,
        flow,
        emulate_links=emulate_links,
        cpus=cpus,
        model_path=model_file(model),
        emulate_devices=emulate_devices,
    )
